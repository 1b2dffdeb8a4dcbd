"""Tests of analysis.stats.bivariate_probit: the vectorised bivariate normal CDF against scipy and its limits,
the standard normal helpers against scipy.stats.norm bit for bit, and the joint probabilities.

The likelihood, score and sandwich of :class:`BivariateProbit` are tested through fits in test_models.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.stats import multivariate_normal

from analysis.stats.bivariate_probit import (
    BivariateProbit,
    bivariate_normal_cdf,
    normal_cdf,
    normal_pdf,
    normal_sf,
)


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


def test_normal_helpers_equal_scipy_stats_norm_bit_for_bit():
    # The model's numbers (and so the book's) must not move when the helpers replace scipy.stats.norm.
    rng = np.random.default_rng(5)
    x = np.concatenate([rng.normal(0, 3, 2000), [0.0, -0.0, 40.0, -40.0, np.inf, -np.inf, np.nan]])
    for ours, theirs in ((normal_cdf, stats.norm.cdf), (normal_sf, stats.norm.sf), (normal_pdf, stats.norm.pdf)):
        np.testing.assert_array_equal(ours(x), theirs(x))
        assert ours(0.7) == theirs(0.7)


def test_joint_probabilities_are_the_predicted_probabilities():
    rng = np.random.default_rng(8)
    exog = pd.DataFrame({"const": 1.0, "x": rng.normal(size=200), "d": rng.integers(0, 2, 200).astype(float)})
    endog = np.column_stack([rng.integers(0, 2, 200), rng.integers(0, 2, 200)])
    model = BivariateProbit(endog, exog)
    params = np.array([0.1, 0.5, -0.3, -0.2, 0.4, 0.2, 0.6])
    first, second, both = model.joint_probabilities(params, exog.to_numpy())
    predicted = model.predict_probabilities(params, exog.to_numpy())
    np.testing.assert_array_equal(first, predicted["p_first"])
    np.testing.assert_array_equal(second, predicted["p_second"])
    np.testing.assert_array_equal(both, predicted["p_both"])


def test_moderate_branch_per_distinct_rho_equals_the_row_by_row_integral_bit_for_bit():
    from analysis.stats import bivariate_probit

    nodes, weights = bivariate_probit._NODES_0_2, bivariate_probit._LEGENDRE_WEIGHTS
    rng = np.random.default_rng(21)
    h, k = rng.normal(0, 2, 500), rng.normal(0, 2, 500)
    for r in (rng.uniform(-0.9, 0.9, 500), np.where(rng.random(500) < 0.5, 0.4, -0.4), np.zeros(500)):
        half_asin = (np.arcsin(r) / 2)[:, None]
        sine = np.sin(half_asin * nodes[None, :])
        exponent = (sine * (h * k)[:, None] - ((h * h + k * k) / 2)[:, None]) / (1 - sine**2)
        row_by_row = (np.exp(exponent) @ weights) * half_asin[:, 0] / (2 * np.pi) + stats.norm.sf(h) * stats.norm.sf(k)
        np.testing.assert_array_equal(bivariate_probit._upper_orthant_moderate(h, k, r), row_by_row)
