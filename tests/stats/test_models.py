"""Parameter recovery and sanity checks for analysis.stats.models: logit, wild bootstrap, multinomial, bivariate probit.

Every test simulates its own data with a fixed seed and known coefficients (tests/simulated_cities.py);
nothing reads the project's data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.tools.numdiff import approx_fprime

from analysis.stats import models
from analysis.stats.bivariate_probit import BivariateProbit
from analysis.stats.errors import NotEstimable
from analysis.stats.fitting import ModelFit, build_design

from simulated_cities import (
    COVARIATES,
    TRUE_CN,
    TRUE_US,
    assert_recovered,
    linear_index,
    simulate_bivariate,
    simulate_cities,
    simulate_logit_cities,
)


# ----------------------------------------------------------------------------------------------
# Logit with country fixed effects
# ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def logit_data() -> pd.DataFrame:
    return simulate_logit_cities()


def test_logit_recovers_coefficients_and_drops_separated_country(logit_data):
    fit = models.fit_logit(logit_data, "us_any", COVARIATES)
    assert_recovered(fit, TRUE_US)
    separated = fit.dropped[fit.dropped["reason"].str.contains("perfect separation")]
    assert list(separated["cluster"]) == ["C03"]
    assert (
        separated["rows"].iloc[0]
        == (logit_data["country_iso2"] == "C03").sum() - logit_data.loc[:4, "country_iso2"].eq("C03").sum()
    )
    assert fit.dropped.loc[fit.dropped["reason"].str.contains("missing log_population"), "rows"].sum() == 5
    assert fit.n_input == fit.n_obs + fit.dropped["rows"].sum() == len(logit_data)
    assert fit.n_clusters == 19
    # small-cluster inference: t with G-1 degrees of freedom
    assert fit.result.df_resid_inference == fit.n_clusters - 1
    assert not fit.coefficients.query("is_fixed_effect").empty


def test_logit_average_marginal_effects_match_finite_differences(logit_data):
    fit = models.fit_logit(logit_data, "us_any", COVARIATES)
    ames = models.logit_average_marginal_effects(fit).set_index("term")
    assert list(ames.index) == COVARIATES
    exog = fit.result.model.exog.copy()
    position = fit.result.model.exog_names.index("log_population")
    step = 1e-5
    up, down = exog.copy(), exog.copy()
    up[:, position] += step
    down[:, position] -= step
    numeric = np.mean((fit.result.predict(up) - fit.result.predict(down)) / (2 * step))
    assert ames.loc["log_population", "estimate"] == pytest.approx(numeric, rel=1e-5)


def test_clustered_standard_errors_exceed_naive_when_errors_are_clustered():
    rng = np.random.default_rng(5)
    n_countries, n = 25, 3000
    country = rng.integers(0, n_countries, n)
    # covariate and error both mostly vary between countries: naive SEs are far too small
    covariate = rng.normal(size=n_countries)[country] + 0.3 * rng.normal(size=n)
    latent = 0.5 * covariate + rng.normal(0, 1.5, n_countries)[country] + rng.logistic(size=n)
    frame = pd.DataFrame({"country_iso2": [f"C{g}" for g in country], "x": covariate, "y": (latent > 0).astype(int)})
    clustered = models.fit_logit(frame, "y", ["x"], fixed_effects=False)
    naive = models.fit_logit(frame, "y", ["x"], fixed_effects=False, cov_type="nonrobust")
    assert clustered.term("x")["estimate"] == pytest.approx(naive.term("x")["estimate"])
    assert clustered.term("x")["std_error"] > 2 * naive.term("x")["std_error"]


def test_wild_cluster_bootstrap_rejects_real_effect_not_null_effect(logit_data):
    frame = logit_data.assign(noise=np.random.default_rng(9).normal(size=len(logit_data)))
    covariates = [*COVARIATES, "noise"]
    table = models.wild_cluster_bootstrap_logit(
        frame, "us_any", covariates, ["log_population", "noise"], n_bootstrap=1999, seed=3
    )
    p_values = table.set_index("term")["p_value_bootstrap"]
    assert p_values["log_population"] < 0.01
    assert p_values["noise"] > 0.05
    again = models.wild_cluster_bootstrap_logit(frame, "us_any", covariates, ["noise"], n_bootstrap=1999, seed=3)
    assert again["p_value_bootstrap"].iloc[0] == p_values["noise"]
    assert set(table["n_clusters"]) == {19}


# ----------------------------------------------------------------------------------------------
# Multinomial logit
# ----------------------------------------------------------------------------------------------
def test_multinomial_logit_recovers_coefficients():
    frame, _ = simulate_cities(4000, 20, seed=21, country_effect_sd=0.0)
    rng = np.random.default_rng(22)
    truth = {
        "US only": ({"log_population": 1.0, "is_capital": -0.5}, -0.5),
        "China only": ({"log_population": 0.3, "is_capital": 0.8}, -1.0),
        "both": ({"log_population": 1.5, "is_capital": 0.3}, -0.7),
    }
    utilities = np.column_stack(
        [np.zeros(len(frame))] + [linear_index(frame, slopes, constant) for slopes, constant in truth.values()]
    )
    choice = np.argmax(utilities + rng.gumbel(size=utilities.shape), axis=1)
    frame["us_any"], frame["cn_any"] = np.isin(choice, [1, 3]).astype(int), np.isin(choice, [2, 3]).astype(int)
    frame = models.add_partner_profile(frame)
    assert (frame["partner_profile"].to_numpy() == choice).all()

    fit = models.fit_multinomial_logit(frame, "partner_profile", COVARIATES)
    assert fit.equations == ["US only", "China only", "both"]
    for equation, (slopes, _) in truth.items():
        assert_recovered(fit, slopes, equation)
    ames = models.multinomial_average_marginal_effects(fit)
    # the effects on the four probabilities sum to zero
    sums = ames.groupby("term")["estimate"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 0.0, atol=1e-10)


def test_multinomial_logit_needs_three_categories():
    frame, _ = simulate_cities(200, 4, seed=23)
    frame["profile"] = (frame["log_population"] > 0).astype(int)  # only "none" and "US only"
    with pytest.raises(NotEstimable, match="only categories"):
        models.fit_multinomial_logit(frame, "profile", COVARIATES)


# ----------------------------------------------------------------------------------------------
# Bivariate probit
# ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bivariate_fit() -> ModelFit:
    return models.fit_bivariate_probit(simulate_bivariate(0.5, seed=31), ("us_any", "cn_any"), COVARIATES)


def test_bivariate_probit_recovers_coefficients_and_rho(bivariate_fit):
    assert_recovered(bivariate_fit, TRUE_US, "us_any")
    assert_recovered(bivariate_fit, TRUE_CN, "cn_any")
    extra = bivariate_fit.extra
    assert abs(extra["rho"] - 0.5) < 3 * extra["rho_std_error"]
    assert extra["rho_conf_low"] < 0.5 < extra["rho_conf_high"]
    assert extra["rho_wald_p_value"] < 0.001 and extra["rho_lr_p_value"] < 0.001
    assert bivariate_fit.ancillary["term"].tolist() == ["rho"]


def test_bivariate_probit_with_rho_zero_equals_two_probits():
    frame = simulate_bivariate(0.0, seed=41)
    design = build_design(frame, ["us_any", "cn_any"], COVARIATES)
    probits = [sm.Probit(design.endog[name], design.exog).fit(disp=False) for name in ("us_any", "cn_any")]
    model = BivariateProbit(design.endog.to_numpy(), design.exog, equation_names=("us_any", "cn_any"))
    params_rho_zero = np.concatenate([probits[0].params, probits[1].params, [0.0]])
    # with rho fixed at 0 the likelihood factorises exactly
    assert model.loglike(params_rho_zero) == pytest.approx(probits[0].llf + probits[1].llf, abs=1e-6)
    fit = models.fit_bivariate_probit(frame, ("us_any", "cn_any"), COVARIATES)
    for equation, probit in zip(("us_any", "cn_any"), probits):
        for term in COVARIATES:
            assert fit.term(term, equation)["estimate"] == pytest.approx(probit.params[term], abs=0.02)
    assert abs(fit.extra["rho"]) < 3 * fit.extra["rho_std_error"]


def test_bivariate_probit_score_and_clustered_sandwich(bivariate_fit):
    result = bivariate_fit.result
    model: BivariateProbit = result.model
    params = np.asarray(result.params) + 0.01
    numeric = approx_fprime(params, model.loglike, centered=True)
    np.testing.assert_allclose(model.score(params), numeric, rtol=1e-4, atol=1e-3)
    # CRV1 sandwich with the small-sample correction G/(G-1) (N-1)/(N-K), by hand
    params = np.asarray(result.params)
    bread = np.linalg.inv(-model.hessian(params))
    groups = result.cov_kwds["groups"]
    scores = np.vstack([model.score_obs(params)[groups == g].sum(axis=0) for g in np.unique(groups)])
    n, k, g = model.exog.shape[0], len(params), len(np.unique(groups))
    manual = bread @ (scores.T @ scores) @ bread * g / (g - 1) * (n - 1) / (n - k)
    np.testing.assert_allclose(np.sqrt(np.diag(manual)), result.bse, rtol=1e-3)


def test_bivariate_probit_marginal_effects_match_finite_differences(bivariate_fit):
    ames = models.bivariate_probit_marginal_effects(bivariate_fit)
    model: BivariateProbit = bivariate_fit.result.model
    params = np.asarray(bivariate_fit.result.params)
    position = model.exog_column_names.index("log_population")
    step = 1e-5
    up, down = model.exog.copy(), model.exog.copy()
    up[:, position] += step
    down[:, position] -= step
    numeric = (
        (model.predict_probabilities(params, up) - model.predict_probabilities(params, down)) / (2 * step)
    ).mean()
    lookup = ames.set_index(["equation", "term"])["estimate"]
    assert lookup[("P(us_any=1)", "log_population")] == pytest.approx(numeric["p_first"], rel=1e-5)
    assert lookup[("P(cn_any=1)", "log_population")] == pytest.approx(numeric["p_second"], rel=1e-5)
    assert lookup[("P(us_any=1, cn_any=1)", "log_population")] == pytest.approx(numeric["p_both"], rel=1e-5)
    difference = lookup[("us_any - cn_any", "is_capital")]
    assert difference == pytest.approx(lookup[("P(us_any=1)", "is_capital")] - lookup[("P(cn_any=1)", "is_capital")])
    assert (ames["std_error"] > 0).all()
    tests = models.cross_equation_tests(bivariate_fit).set_index("term")
    # is_capital acts in opposite directions for the two outcomes (-0.5 vs 0.6)
    assert tests.loc["is_capital", "p_value"] < 0.001
