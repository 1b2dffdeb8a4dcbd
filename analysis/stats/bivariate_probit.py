"""Bivariate probit of two binary outcomes (e.g. ``us_any`` and ``cn_any``) with correlated errors.

statsmodels has no bivariate probit, so this module writes one on
:class:`statsmodels.base.model.GenericLikelihoodModel`:

* :func:`bivariate_normal_cdf`: a vectorised bivariate normal CDF (Genz's 2004 BVND
  algorithm after Drezner & Wesolowsky, accurate to about 1e-15), used instead of
  ``scipy.stats.multivariate_normal.cdf``, which loops over rows and is far slower.
* :func:`normal_cdf`, :func:`normal_sf`, :func:`normal_pdf`: the standard normal on
  :mod:`scipy.special`, bit for bit what ``scipy.stats.norm`` returns (it calls the same
  ``ndtr`` and formula) without its per-call argument checks, which cost more than the
  arithmetic on the city table's thousand rows and are called tens of thousands of times
  in a model chapter (numerical Hessians and delta-method Jacobians).
* :class:`BivariateProbit`: the likelihood, with the analytic score per observation
  (so clustered sandwich covariances work) and the correlation ``rho`` estimated as
  ``athrho = atanh(rho)`` so that the optimiser never leaves (-1, 1).

Fitting it to the city table (design, clustered errors, tidy output) is
:func:`analysis.stats.models.fit_bivariate_probit`, on the shared machinery of :mod:`analysis.stats.fitting`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special
from statsmodels.base.model import GenericLikelihoodModel
from statsmodels.tools.numdiff import approx_fprime

# Gauss-Legendre rule on (0, 2): Genz integrates over this interval; 20 points for every |rho|
# costs little and gives the accuracy of Genz's largest rule everywhere.
_LEGENDRE_NODES, _LEGENDRE_WEIGHTS = np.polynomial.legendre.leggauss(20)
_NODES_0_2 = 1.0 + _LEGENDRE_NODES
_TWO_PI = 2.0 * np.pi
# scipy.stats.norm's own constant (scipy.stats._continuous_distns._norm_pdf_C), so normal_pdf equals norm.pdf exactly.
_SQRT_TWO_PI = np.sqrt(2 * np.pi)
# athrho is clipped so that tanh(athrho) stays strictly inside (-1, 1) in floating point.
_MAX_ATHRHO = 8.0


def normal_cdf(x):
    """Standard normal CDF: ``scipy.normal_cdf(x)`` bit for bit (both are ``scipy.special.ndtr``)."""
    return special.ndtr(x)


def normal_sf(x):
    """Standard normal survival function: ``scipy.normal_sf(x)`` bit for bit (``ndtr(-x)``)."""
    return special.ndtr(-np.asarray(x, dtype=float))


def normal_pdf(x):
    """Standard normal density: ``scipy.normal_pdf(x)`` bit for bit (the same formula and constant)."""
    x = np.asarray(x, dtype=float)
    return np.exp(-(x**2) / 2.0) / _SQRT_TWO_PI


def bivariate_normal_cdf(upper_1, upper_2, rho) -> np.ndarray:
    """P(Z1 <= upper_1, Z2 <= upper_2) for standard bivariate normal (Z1, Z2) with correlation ``rho``.

    Arguments broadcast against each other (arrays or scalars; ``rho`` in [-1, 1]);
    returns a float array of their broadcast shape. Infinite limits are allowed.
    """
    upper_1, upper_2, rho = np.broadcast_arrays(
        np.asarray(upper_1, dtype=float), np.asarray(upper_2, dtype=float), np.asarray(rho, dtype=float)
    )
    # P(Z1 <= a, Z2 <= b) = P(-Z1 >= -a, -Z2 >= -b), and (-Z1, -Z2) has the same correlation.
    return _upper_orthant(-upper_1.ravel(), -upper_2.ravel(), rho.ravel()).reshape(upper_1.shape)


def _upper_orthant(lower_1: np.ndarray, lower_2: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """P(Z1 >= lower_1, Z2 >= lower_2): Genz's ``bvnu``, vectorised over 1-d arrays."""
    if np.any(np.abs(rho) > 1):
        raise ValueError(f"bivariate_normal_cdf: correlation must lie in [-1, 1]; got max |rho| = {np.abs(rho).max()}")
    probability = np.empty_like(lower_1)
    finite = np.isfinite(lower_1) & np.isfinite(lower_2)
    # Infinite limits reduce to a univariate probability (or to 0 / 1).
    if not finite.all():
        h_inf, k_inf = lower_1[~finite], lower_2[~finite]
        edge = np.where(
            (h_inf == np.inf) | (k_inf == np.inf),
            0.0,
            np.where(h_inf == -np.inf, normal_sf(k_inf), normal_sf(h_inf)),
        )
        edge = np.where((h_inf == -np.inf) & (k_inf == -np.inf), 1.0, edge)
        probability[~finite] = edge

    h, k, r = lower_1[finite], lower_2[finite], rho[finite]
    result = np.empty_like(h)
    moderate = np.abs(r) < 0.925
    # A branch without rows is skipped (a likelihood's rho is usually all moderate or all strong).
    if moderate.any():
        result[moderate] = _upper_orthant_moderate(h[moderate], k[moderate], r[moderate])
    if not moderate.all():
        result[~moderate] = _upper_orthant_strong(h[~moderate], k[~moderate], r[~moderate])
    probability[finite] = result
    return np.clip(probability, 0.0, 1.0)


def _upper_orthant_moderate(h: np.ndarray, k: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Genz's branch for |rho| < 0.925: Plackett's integral over the angle asin(rho).

    The sines of the nodes depend on rho alone, and a likelihood has one or two values of rho
    (+-rho by the signs of the outcomes): they are computed once per distinct rho, the same
    numbers as row by row, and the exponent is formed in place.
    """
    hk = (h * k)[:, None]
    half_square_sum = ((h * h + k * k) / 2)[:, None]
    distinct, row_of = np.unique(r, return_inverse=True)
    distinct_sine = np.sin((np.arcsin(distinct) / 2)[:, None] * _NODES_0_2[None, :])
    sine, one_minus_square = distinct_sine[row_of], (1 - distinct_sine**2)[row_of]
    exponent = sine * hk
    exponent -= half_square_sum
    exponent /= one_minus_square
    integral = np.exp(exponent, out=exponent) @ _LEGENDRE_WEIGHTS
    return integral * (np.arcsin(r) / 2) / _TWO_PI + normal_sf(h) * normal_sf(k)


def _upper_orthant_strong(h: np.ndarray, k: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Genz's branch for |rho| >= 0.925: an expansion around |rho| = 1."""
    negative = r < 0
    k = np.where(negative, -k, k)
    hk = h * k
    bvn = np.zeros_like(h)
    inside = np.abs(r) < 1
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        one_minus_r2 = 1 - r**2
        a = np.sqrt(one_minus_r2)
        bs = (h - k) ** 2
        asr = -(bs / one_minus_r2 + hk) / 2
        c = (4 - hk) / 8
        d = (12 - hk) / 80
        first = np.where(
            asr > -100,
            a * np.exp(asr) * (1 - c * (bs - one_minus_r2) * (1 - d * bs) / 3 + c * d * one_minus_r2**2),
            0.0,
        )
        b = np.sqrt(bs)
        sp = np.sqrt(_TWO_PI) * normal_sf(b / a)
        first = np.where(hk > -100, first - np.exp(-hk / 2) * sp * b * (1 - c * bs * (1 - d * bs) / 3), first)
        half_a = (a / 2)[:, None]
        xs = (half_a * _NODES_0_2[None, :]) ** 2
        asr_nodes = -(bs[:, None] / xs + hk[:, None]) / 2
        sp_nodes = 1 + c[:, None] * xs * (1 + 5 * d[:, None] * xs)
        rs = np.sqrt(1 - xs)
        ep = np.exp(-(hk[:, None] / 2) * xs / (1 + rs) ** 2) / rs
        terms = np.where(asr_nodes > -100, np.exp(asr_nodes) * (sp_nodes - ep), 0.0)
        series = (half_a[:, 0] * (terms @ _LEGENDRE_WEIGHTS) - first) / _TWO_PI
    bvn = np.where(inside, series, 0.0)
    positive_result = bvn + normal_sf(np.maximum(h, k))
    h_below_k = np.where(h < 0, normal_cdf(k) - normal_cdf(h), normal_sf(h) - normal_sf(k))
    negative_result = np.where(h >= k, -bvn, h_below_k - bvn)
    return np.where(negative, negative_result, positive_result)


def bivariate_normal_pdf(x_1: np.ndarray, x_2: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """Density of the standard bivariate normal with correlation ``rho`` at (x_1, x_2)."""
    one_minus_r2 = 1 - rho**2
    exponent = -(x_1**2 - 2 * rho * x_1 * x_2 + x_2**2) / (2 * one_minus_r2)
    return np.exp(exponent) / (_TWO_PI * np.sqrt(one_minus_r2))


class BivariateProbit(GenericLikelihoodModel):
    """Bivariate probit: y1* = X b1 + e1, y2* = X b2 + e2, corr(e1, e2) = tanh(athrho).

    ``endog`` is an (n, 2) 0/1 array; ``exog`` an (n, k) DataFrame shared by both equations.
    Parameters are ordered [b1 (k), b2 (k), athrho] and named ``"<eq1>:<column>"``,
    ``"<eq2>:<column>"`` and ``"athrho"``.
    """

    def __init__(self, endog, exog: pd.DataFrame, equation_names: tuple[str, str] = ("y1", "y2"), **kwargs):
        endog = np.asarray(endog, dtype=float)
        if endog.ndim != 2 or endog.shape[1] != 2:
            raise ValueError(f"BivariateProbit: endog must have two columns (one per outcome); got shape {endog.shape}")
        if not np.isin(endog, (0.0, 1.0)).all():
            raise ValueError("BivariateProbit: both outcomes must be coded 0/1")
        column_names = list(exog.columns)
        first, second = equation_names
        extra_names = [f"{second}:{name}" for name in column_names] + ["athrho"]
        super().__init__(endog, exog, extra_params_names=extra_names, **kwargs)
        self.data.xnames[: len(column_names)] = [f"{first}:{name}" for name in column_names]
        self.equation_names = equation_names
        self.exog_column_names = column_names
        self.k_exog_per_equation = len(column_names)
        self.nparams = 2 * len(column_names) + 1
        # statsmodels counts parameters as df_model + k_constant + k_extra.
        self.k_extra = len(column_names) + 1
        self.df_model = self.nparams - self.k_constant - self.k_extra

    # Parameters -------------------------------------------------------------------------------
    def split_params(self, params: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
        """Return (b1, b2, rho) from the stacked parameter vector."""
        k = self.k_exog_per_equation
        athrho = float(np.clip(params[2 * k], -_MAX_ATHRHO, _MAX_ATHRHO))
        return params[:k], params[k : 2 * k], np.tanh(athrho)

    def _signed_indices(self, params):
        b1, b2, rho = self.split_params(np.asarray(params, dtype=float))
        sign_1 = 2 * self.endog[:, 0] - 1
        sign_2 = 2 * self.endog[:, 1] - 1
        index_1 = sign_1 * (self.exog @ b1)
        index_2 = sign_2 * (self.exog @ b2)
        return sign_1, sign_2, index_1, index_2, sign_1 * sign_2 * rho, rho

    # Likelihood -------------------------------------------------------------------------------
    def loglikeobs(self, params):
        """Log-likelihood per observation: log Phi2(q1 x b1, q2 x b2, q1 q2 rho), q = 2y - 1."""
        _, _, index_1, index_2, signed_rho, _ = self._signed_indices(params)
        probability = bivariate_normal_cdf(index_1, index_2, signed_rho)
        return np.log(np.maximum(probability, 1e-300))

    def nloglikeobs(self, params):
        return -self.loglikeobs(params)

    def loglike(self, params):
        return float(self.loglikeobs(params).sum())

    def score_obs(self, params, **kwargs):
        """Analytic score per observation, shape (n, 2k + 1) (Greene, Econometric Analysis, 17.9)."""
        sign_1, sign_2, index_1, index_2, signed_rho, rho = self._signed_indices(params)
        probability = np.maximum(bivariate_normal_cdf(index_1, index_2, signed_rho), 1e-300)
        scale = np.sqrt(1 - signed_rho**2)
        g_1 = normal_pdf(index_1) * normal_cdf((index_2 - signed_rho * index_1) / scale)
        g_2 = normal_pdf(index_2) * normal_cdf((index_1 - signed_rho * index_2) / scale)
        density = bivariate_normal_pdf(index_1, index_2, signed_rho)
        d_beta_1 = (sign_1 * g_1 / probability)[:, None] * self.exog
        d_beta_2 = (sign_2 * g_2 / probability)[:, None] * self.exog
        # d rho / d athrho = 1 - rho^2
        d_athrho = sign_1 * sign_2 * density / probability * (1 - rho**2)
        return np.column_stack([d_beta_1, d_beta_2, d_athrho])

    def score(self, params):
        return self.score_obs(params).sum(axis=0)

    def hessian(self, params):
        """Numerical Jacobian of the analytic score (accurate and cheap)."""
        return approx_fprime(np.asarray(params, dtype=float), self.score, centered=True)

    # Predictions ------------------------------------------------------------------------------
    def joint_probabilities(self, params, exog: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """P(y1=1), P(y2=1) and P(y1=1, y2=1) for each row of ``exog``, as three arrays.

        The arithmetic of :meth:`predict_probabilities` without building a DataFrame, for the
        delta-method Jacobian of the average marginal effects, which calls it thousands of times.
        """
        b1, b2, rho = self.split_params(np.asarray(params, dtype=float))
        index_1, index_2 = exog @ b1, exog @ b2
        return normal_cdf(index_1), normal_cdf(index_2), bivariate_normal_cdf(index_1, index_2, rho)

    def predict_probabilities(self, params, exog: np.ndarray | None = None) -> pd.DataFrame:
        """P(y1=1), P(y2=1) and the four joint cell probabilities for each row of ``exog``."""
        exog = self.exog if exog is None else np.asarray(exog, dtype=float)
        marginal_1, marginal_2, both = self.joint_probabilities(params, exog)
        return pd.DataFrame(
            {
                "p_first": marginal_1,
                "p_second": marginal_2,
                "p_both": both,
                "p_first_only": marginal_1 - both,
                "p_second_only": marginal_2 - both,
                "p_neither": 1 - marginal_1 - marginal_2 + both,
            }
        )
