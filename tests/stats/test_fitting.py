"""Tests of analysis.stats.fitting: the design matrix, its refusals (NotEstimable) and checked fitting."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis.stats.errors import NotEstimable
from analysis.stats.fitting import build_design, cluster_fit_options, fit_checked

from simulated_cities import COVARIATES, simulate_cities, simulate_logit_cities


@pytest.fixture(scope="module")
def logit_data() -> pd.DataFrame:
    return simulate_logit_cities()


def small_cities() -> pd.DataFrame:
    frame, _ = simulate_cities(60, 3, seed=81)
    return frame.assign(us_any=(frame["log_population"] > 0).astype(float), us_tie_count=0.0)


def test_covariate_absorbed_by_fixed_effects_is_not_estimable(logit_data):
    frame = logit_data.assign(new_member_state=logit_data["country_iso2"].isin(["C01", "C02"]).astype(float))
    with pytest.raises(NotEstimable, match="new_member_state.*absorb"):
        build_design(frame, ["us_any"], [*COVARIATES, "new_member_state"])


def test_outcome_without_variation_is_not_estimable():
    frame = small_cities()
    with pytest.raises(NotEstimable, match="'us_any' is always 1"):
        build_design(frame.assign(us_any=1.0), ["us_any"], COVARIATES, fixed_effects=False)
    with pytest.raises(NotEstimable, match="'us_tie_count' is zero for every row"):
        build_design(frame, ["us_tie_count"], COVARIATES, separation="count")


def test_collinear_or_too_short_design_is_not_estimable():
    frame = small_cities()
    with pytest.raises(NotEstimable, match="rank"):
        build_design(frame.assign(twice=2 * frame["log_population"]), ["us_any"], [*COVARIATES, "twice"])
    two_cities = pd.DataFrame(
        {"country_iso2": ["C1", "C2"], "log_population": [1.0, 2.0], "is_capital": [0.0, 1.0], "us_any": [0.0, 1.0]}
    )
    with pytest.raises(NotEstimable, match="2 rows and 3 columns but rank 2"):
        build_design(two_cities, ["us_any"], COVARIATES, fixed_effects=False)


def test_no_rows_left_is_not_estimable():
    frame = small_cities().assign(log_population=np.nan)
    with pytest.raises(NotEstimable, match="no rows left"):
        build_design(frame, ["us_any"], COVARIATES)


def test_mistakes_in_the_call_are_not_hidden_as_not_estimable():
    frame = small_cities()
    with pytest.raises(KeyError, match="typo"):
        build_design(frame, ["us_any"], ["typo"])
    with pytest.raises(ValueError, match="separation must be"):
        build_design(frame, ["us_any"], COVARIATES, separation="binry")


def test_fit_checked_refuses_no_convergence_and_perfect_separation():
    frame = small_cities()
    exog = sm.add_constant(frame[COVARIATES])
    noisy = (frame["log_population"] + np.random.default_rng(3).normal(size=len(frame)) > 0).astype(float)
    with pytest.raises(NotEstimable, match="Logit of 'y' did not converge"):
        fit_checked(sm.Logit(noisy, exog), "Logit", "y", method="newton", maxiter=1)
    with pytest.raises(NotEstimable, match="perfect separation") as raised:
        fit_checked(sm.Logit(frame["us_any"], exog), "Logit", "us_any", method="newton", maxiter=200)
    assert raised.value.__cause__ is not None
    result = fit_checked(sm.Logit(noisy, exog), "Logit", "y", method="newton", maxiter=200)
    assert result.mle_retvals["converged"]


def test_clustered_errors_need_two_clusters():
    frame = small_cities()
    one_country = build_design(frame[frame["country_iso2"] == "C00"], ["us_any"], COVARIATES, fixed_effects=False)
    with pytest.raises(NotEstimable, match="at least two clusters.*1 cluster"):
        cluster_fit_options(one_country, "cluster")
    assert cluster_fit_options(one_country, "nonrobust") == {"cov_type": "nonrobust"}
