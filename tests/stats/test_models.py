"""Parameter recovery and sanity checks for analysis.stats.models, analysis.stats.bivariate_probit and analysis.report.regtables.

Every test simulates its own data with a fixed seed and known coefficients; nothing
reads the project's data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from scipy.stats import multivariate_normal
from statsmodels.tools.numdiff import approx_fprime

from analysis.report import regtables
from analysis.stats import models
from analysis.stats.bivariate_probit import BivariateProbit, bivariate_normal_cdf

COVARIATES = ["log_population", "is_capital"]
TRUE_US = {"log_population": 0.8, "is_capital": -0.5}
TRUE_CN = {"log_population": 0.4, "is_capital": 0.6}


def simulate_cities(
    n: int, n_countries: int, seed: int, country_effect_sd: float = 0.5
) -> tuple[pd.DataFrame, np.ndarray]:
    """Cities with a continuous and a 0/1 covariate in ``n_countries`` countries; returns (frame, country index)."""
    rng = np.random.default_rng(seed)
    country = rng.integers(0, n_countries, n)
    country_effect = rng.normal(0, country_effect_sd, n_countries)
    frame = pd.DataFrame(
        {
            "country_iso2": np.array([f"C{g:02d}" for g in range(n_countries)])[country],
            # the covariate is correlated with the country effect, as population is with country in reality
            "log_population": rng.normal(size=n) + 0.5 * country_effect[country],
            "is_capital": (rng.random(n) < 0.3).astype(float),
        }
    )
    frame.attrs["country_effect"] = country_effect[country]
    return frame, country


def linear_index(frame: pd.DataFrame, coefficients: dict[str, float], intercept: float) -> np.ndarray:
    return intercept + sum(frame[name].to_numpy() * value for name, value in coefficients.items())


def assert_recovered(
    fit: models.ModelFit, truth: dict[str, float], equation: str | None = None, n_se: float = 3.0
) -> None:
    for term, true_value in truth.items():
        row = fit.term(term, equation)
        assert abs(row["estimate"] - true_value) < n_se * row["std_error"], (
            f"{fit.model} {equation or fit.outcome} {term}: estimate {row['estimate']:.3f} (SE {row['std_error']:.3f}) vs truth {true_value}"
        )


# ----------------------------------------------------------------------------------------------
# Bivariate normal CDF
# ----------------------------------------------------------------------------------------------
def test_bivariate_normal_cdf_matches_scipy_to_1e_6():
    rng = np.random.default_rng(11)
    upper_1, upper_2 = rng.normal(0, 2, 300), rng.normal(0, 2, 300)
    # cover both branches of the algorithm (|rho| below and above 0.925) and the extremes
    rho = np.concatenate(
        [rng.uniform(-0.999, 0.999, 250), [0.0, 0.5, -0.5, 0.924, 0.926, -0.93, 0.95, 0.99, -0.99, 0.9999] * 5]
    )
    ours = bivariate_normal_cdf(upper_1, upper_2, rho)
    reference = np.array(
        [multivariate_normal(mean=[0, 0], cov=[[1, r], [r, 1]]).cdf([a, b]) for a, b, r in zip(upper_1, upper_2, rho)]
    )
    np.testing.assert_allclose(ours, reference, atol=1e-6)


def test_bivariate_normal_cdf_limits_and_independence():
    np.testing.assert_allclose(
        bivariate_normal_cdf(0.3, -1.2, 0.0), stats.norm.cdf(0.3) * stats.norm.cdf(-1.2), atol=1e-12
    )
    edges = bivariate_normal_cdf([np.inf, -np.inf, np.inf], [1.0, 2.0, np.inf], [0.3, 0.3, 0.9])
    np.testing.assert_allclose(edges, [stats.norm.cdf(1.0), 0.0, 1.0], atol=1e-12)
    with pytest.raises(ValueError, match="correlation"):
        bivariate_normal_cdf(0.0, 0.0, 1.5)


# ----------------------------------------------------------------------------------------------
# Logit with country fixed effects
# ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def logit_data() -> pd.DataFrame:
    frame, _ = simulate_cities(4000, 20, seed=1)
    rng = np.random.default_rng(2)
    latent = linear_index(frame, TRUE_US, 0.2) + frame.attrs["country_effect"] + rng.logistic(size=len(frame))
    frame["us_any"] = (latent > 0).astype(int)
    # one country without any US tie: its fixed effect would separate it perfectly
    frame.loc[frame["country_iso2"] == "C03", "us_any"] = 0
    frame.loc[frame.index[:5], "log_population"] = np.nan
    return frame


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


def test_covariate_absorbed_by_fixed_effects_is_refused(logit_data):
    frame = logit_data.assign(new_member_state=logit_data["country_iso2"].isin(["C01", "C02"]).astype(float))
    with pytest.raises(ValueError, match="new_member_state.*absorb"):
        models.fit_logit(frame, "us_any", [*COVARIATES, "new_member_state"])


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


# ----------------------------------------------------------------------------------------------
# Bivariate probit
# ----------------------------------------------------------------------------------------------
def simulate_bivariate(rho: float, seed: int, n: int = 3000, n_countries: int = 10) -> pd.DataFrame:
    frame, _ = simulate_cities(n, n_countries, seed=seed)
    rng = np.random.default_rng(seed + 1)
    errors = rng.multivariate_normal([0, 0], [[1, rho], [rho, 1]], len(frame))
    frame["us_any"] = (linear_index(frame, TRUE_US, 0.2) + frame.attrs["country_effect"] + errors[:, 0] > 0).astype(int)
    frame["cn_any"] = (linear_index(frame, TRUE_CN, -0.3) + errors[:, 1] > 0).astype(int)
    return frame


@pytest.fixture(scope="module")
def bivariate_fit() -> models.ModelFit:
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
    design = models.build_design(frame, ["us_any", "cn_any"], COVARIATES)
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


# ----------------------------------------------------------------------------------------------
# Count models
# ----------------------------------------------------------------------------------------------
TRUE_COUNT = {"log_population": 0.7, "is_capital": -0.4}


def negative_binomial_draws(rng, mean: np.ndarray, alpha: float) -> np.ndarray:
    """NB2 counts: Poisson with a gamma-distributed mean (variance mean + alpha mean²)."""
    return rng.poisson(rng.gamma(1 / alpha, alpha * mean))


def test_negative_binomial_recovers_coefficients_and_alpha():
    frame, _ = simulate_cities(3000, 10, seed=51, country_effect_sd=0.3)
    rng = np.random.default_rng(52)
    frame["us_tie_count"] = negative_binomial_draws(
        rng, np.exp(linear_index(frame, TRUE_COUNT, 0.3) + frame.attrs["country_effect"]), 0.8
    )
    frame.loc[frame["country_iso2"] == "C04", "us_tie_count"] = 0
    fit = models.fit_negative_binomial(frame, "us_tie_count", COVARIATES)
    assert_recovered(fit, TRUE_COUNT)
    alpha = fit.ancillary.iloc[0]
    assert alpha["term"] == "alpha" and abs(alpha["estimate"] - 0.8) < 3 * alpha["std_error"]
    assert fit.dropped["cluster"].tolist() == ["C04"]
    assert fit.n_obs + fit.dropped["rows"].sum() == len(frame)


def test_negative_binomial_without_overdispersion_is_the_poisson_limit():
    """Underdispersed counts put alpha at zero, where NB2's Hessian is singular: the fit is the Poisson regression."""
    frame, _ = simulate_cities(3000, 10, seed=53, country_effect_sd=0.3)
    rng = np.random.default_rng(54)
    share = stats.logistic.cdf(linear_index(frame, TRUE_COUNT, -1.0) + frame.attrs["country_effect"])
    frame["cn_tie_count"] = rng.binomial(3, share)  # variance below the mean, like the partner counts
    fit = models.fit_negative_binomial(frame, "cn_tie_count", COVARIATES)
    assert fit.model == models.POISSON_AT_BOUNDARY and fit.extra["alpha_at_boundary"]
    assert fit.ancillary.empty
    design = models.build_design(frame, ["cn_tie_count"], COVARIATES, "country_iso2", True, separation="count")
    poisson = sm.Poisson(design.endog["cn_tie_count"], design.exog).fit(disp=False)
    estimates = fit.coefficients.set_index("term")["estimate"]
    assert np.allclose(estimates[COVARIATES].to_numpy(), poisson.params[COVARIATES].to_numpy(), atol=1e-6)


def test_hurdle_with_poisson_positive_counts_uses_a_truncated_poisson():
    frame, _ = simulate_cities(3000, 6, seed=55, country_effect_sd=0.3)
    rng = np.random.default_rng(56)
    mean = np.exp(linear_index(frame, TRUE_COUNT, 0.2))
    positive = rng.random(len(frame)) < stats.logistic.cdf(
        linear_index(frame, TRUE_COUNT, 0.0) + frame.attrs["country_effect"]
    )
    counts = np.zeros(len(frame), dtype=int)
    for i in np.flatnonzero(positive):  # zero-truncated Poisson draws
        draw = 0
        while draw == 0:
            draw = rng.poisson(mean[i])
        counts[i] = draw
    frame["us_tie_count"] = counts
    fit = models.fit_hurdle_negative_binomial(frame, "us_tie_count", COVARIATES, cov_type="nonrobust")
    assert fit.model.startswith("Hurdle Poisson") and fit.extra["alpha_at_boundary"]
    assert_recovered(fit, TRUE_COUNT, "us_tie_count")


def test_zero_inflated_negative_binomial_recovers_both_parts():
    frame, _ = simulate_cities(3000, 6, seed=61, country_effect_sd=0.3)
    rng = np.random.default_rng(62)
    frame["eu_programme_member"] = rng.normal(size=len(frame))
    counts = negative_binomial_draws(
        rng, np.exp(linear_index(frame, TRUE_COUNT, 0.5) + frame.attrs["country_effect"]), 0.5
    )
    structural_zero = rng.random(len(frame)) < stats.logistic.cdf(-0.5 + 1.0 * frame["eu_programme_member"])
    frame["cn_tie_count"] = np.where(structural_zero, 0, counts)
    # six countries keep the test fast; with so few clusters the clustered SEs are too noisy to judge recovery by
    fit = models.fit_zero_inflated_negative_binomial(
        frame, "cn_tie_count", COVARIATES, ["eu_programme_member"], cov_type="nonrobust"
    )
    assert fit.equations == ["cn_tie_count", "inflate"]
    assert_recovered(fit, TRUE_COUNT, "cn_tie_count")
    assert_recovered(fit, {"const": -0.5, "eu_programme_member": 1.0}, "inflate")


def test_hurdle_negative_binomial_recovers_both_parts():
    frame, _ = simulate_cities(3000, 6, seed=71, country_effect_sd=0.3)
    rng = np.random.default_rng(72)
    hurdle_index = linear_index(frame, {"log_population": 1.0, "is_capital": 0.5}, 0.0) + frame.attrs["country_effect"]
    any_tie = rng.random(len(frame)) < stats.logistic.cdf(hurdle_index)
    mean = np.exp(linear_index(frame, TRUE_COUNT, 0.5))
    positive = negative_binomial_draws(rng, mean, 0.5)
    while (redraw := positive == 0).any():  # zero-truncated draws by rejection
        positive[redraw] = negative_binomial_draws(rng, mean[redraw], 0.5)
    frame["us_tie_count"] = np.where(any_tie, positive, 0)
    fit = models.fit_hurdle_negative_binomial(frame, "us_tie_count", COVARIATES, cov_type="nonrobust")
    assert_recovered(fit, {"log_population": 1.0, "is_capital": 0.5}, "any tie")
    assert_recovered(fit, TRUE_COUNT, "us_tie_count")
    assert fit.extra["n_positive"] == int(any_tie.sum())
    assert 0 < fit.pseudo_r2 < 1


# ----------------------------------------------------------------------------------------------
# Regression tables
# ----------------------------------------------------------------------------------------------
def test_regression_table_rows_labels_and_latex(logit_data, bivariate_fit):
    logit = models.fit_logit(logit_data, "us_any", COVARIATES)
    labels = {"log_population": "Log population", "is_capital": "Capital city", "us_any": "US", "cn_any": "China"}
    table = regtables.regression_table({"(1) Logit": logit, "(2) Bivariate probit": bivariate_fit}, labels=labels)
    assert list(table.columns) == ["Variable", "(1) Logit", "(2) Bivariate probit: US", "(2) Bivariate probit: China"]
    assert table["Variable"].tolist() == [
        "Log population",
        "",
        "Capital city",
        "",
        "ρ (error correlation)",
        "",
        "Country FE",
        "Observations",
        "Clusters",
        "Pseudo R²",
        "Log-likelihood",
        "AIC",
    ]
    log_population = table.iloc[0]
    expected = f"{logit.term('log_population')['estimate']:.3f}***"
    assert log_population["(1) Logit"] == expected
    assert table.iloc[1]["(1) Logit"] == f"({logit.term('log_population')['std_error']:.3f})"
    assert table.set_index("Variable").loc["Country FE"].tolist() == ["Yes", "Yes", "Yes"]
    assert table.set_index("Variable").loc["Observations", "(1) Logit"] == f"{logit.n_obs:,}"
    assert not table.apply(lambda column: column.astype(str).str.contains(r"fe\[")).any().any()
    latex = regtables.regression_table_latex(table, caption="Who partners with the US and China", label="tab:models")
    assert r"\toprule" in latex and r"\label{tab:models}" in latex and r"$\rho$" in latex and "country\\_iso2" in latex


def test_stars():
    assert [regtables.stars(p) for p in (0.001, 0.03, 0.07, 0.2)] == ["***", "**", "*", ""]
