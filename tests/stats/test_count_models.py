"""Parameter recovery for analysis.stats.count_models: negative binomial (and its Poisson limit), zero-inflated NB, hurdle.

Every test simulates its own data with a fixed seed and known coefficients (tests/simulated_cities.py).
"""

from __future__ import annotations

import numpy as np
import statsmodels.api as sm
from scipy import stats

from analysis.stats import count_models
from analysis.stats.fitting import build_design

from simulated_cities import (
    COVARIATES,
    TRUE_COUNT,
    assert_recovered,
    linear_index,
    negative_binomial_draws,
    simulate_cities,
)


def test_negative_binomial_recovers_coefficients_and_alpha():
    frame, _ = simulate_cities(3000, 10, seed=51, country_effect_sd=0.3)
    rng = np.random.default_rng(52)
    frame["us_tie_count"] = negative_binomial_draws(
        rng, np.exp(linear_index(frame, TRUE_COUNT, 0.3) + frame.attrs["country_effect"]), 0.8
    )
    frame.loc[frame["country_iso2"] == "C04", "us_tie_count"] = 0
    fit = count_models.fit_negative_binomial(frame, "us_tie_count", COVARIATES)
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
    fit = count_models.fit_negative_binomial(frame, "cn_tie_count", COVARIATES)
    assert fit.model == count_models.POISSON_AT_BOUNDARY and fit.extra["alpha_at_boundary"]
    assert fit.ancillary.empty
    design = build_design(frame, ["cn_tie_count"], COVARIATES, "country_iso2", True, separation="count")
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
    fit = count_models.fit_hurdle_negative_binomial(frame, "us_tie_count", COVARIATES, cov_type="nonrobust")
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
    fit = count_models.fit_zero_inflated_negative_binomial(
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
    fit = count_models.fit_hurdle_negative_binomial(frame, "us_tie_count", COVARIATES, cov_type="nonrobust")
    assert_recovered(fit, {"log_population": 1.0, "is_capital": 0.5}, "any tie")
    assert_recovered(fit, TRUE_COUNT, "us_tie_count")
    assert fit.extra["n_positive"] == int(any_tie.sum())
    assert 0 < fit.pseudo_r2 < 1
