"""Models of how many US and Chinese partners a city has: negative binomial, zero-inflated NB, hurdle.

Counts of ties are overdispersed and have many zeros. :func:`fit_negative_binomial` fits NB2
(variance mu + alpha mu²) and falls back to the Poisson regression it converges to when the
dispersion sits at zero; :func:`fit_zero_inflated_negative_binomial` adds a logit for a
"structural zero"; :func:`fit_hurdle_negative_binomial` separates any tie (logit) from the
number of ties given one (zero-truncated NB2). Each returns a
:class:`~analysis.stats.fitting.ModelFit` with SEs clustered by country
(see :mod:`analysis.stats.fitting`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.discrete.count_model import ZeroInflatedNegativeBinomialP
from statsmodels.discrete.truncated_model import TruncatedLFNegativeBinomialP, TruncatedLFPoisson
from statsmodels.tools.sm_exceptions import ConvergenceWarning, HessianInversionWarning

from analysis.stats.fitting import (
    DEFAULT_CLUSTER,
    Design,
    ModelFit,
    build_design,
    cluster_fit_options,
    empty_coefficients,
    fit_checked,
    fit_from_design,
    inference_degrees_of_freedom,
    tidy_estimates,
)
from analysis.stats.models import fit_logit

# NB2 dispersion below this is taken as zero: the likelihood is flat there and the model is Poisson.
ALPHA_BOUNDARY = 1e-4
POISSON_AT_BOUNDARY = "Poisson (NB2 α at 0)"


def fit_negative_binomial(
    df: pd.DataFrame,
    outcome: str,
    covariates: Sequence[str],
    cluster: str = DEFAULT_CLUSTER,
    fixed_effects: bool = True,
    cov_type: str = "cluster",
) -> ModelFit:
    """NB2 regression of a tie count (variance mu + alpha mu²), SEs clustered; ``alpha`` is ancillary.

    When alpha sits at zero the fit is the Poisson regression (:data:`POISSON_AT_BOUNDARY`).
    """
    design = build_design(df, [outcome], covariates, cluster, fixed_effects, separation="count")
    _refuse_non_counts(design.endog[outcome], outcome)
    model = sm.NegativeBinomial(design.endog[outcome], design.exog, loglike_method="nb2")
    # BFGS finds the neighbourhood cheaply; Newton polishes and gives the covariance.
    start = _starting_values(model, method="bfgs", maxiter=2000)
    if start[-1] < ALPHA_BOUNDARY:
        return _fit_poisson_at_boundary(design, outcome, start[:-1], cluster, fixed_effects, cov_type)
    options = cluster_fit_options(design, cov_type)
    result = fit_checked(
        model, "Negative binomial", outcome, start_params=start, method="newton", maxiter=100, **options
    )
    k = design.exog.shape[1]
    params, bse, inference_df = np.asarray(result.params), np.asarray(result.bse), inference_degrees_of_freedom(result)
    name = "Negative binomial (NB2)"
    return fit_from_design(
        name,
        outcome,
        [outcome],
        tidy_estimates(name, outcome, design.exog.columns, params[:k], bse[:k], inference_df),
        design,
        result,
        fixed_effects,
        cluster,
        ancillary=tidy_estimates(name, "", ["alpha"], params[k:], bse[k:], inference_df),
    )


def _fit_poisson_at_boundary(
    design: Design, outcome: str, start: np.ndarray, cluster: str, fixed_effects: bool, cov_type: str
) -> ModelFit:
    """The Poisson regression that an NB2 without overdispersion converges to.

    At alpha = 0 the NB2 likelihood is flat in alpha and its Hessian singular, so the
    Poisson model (started from the NB2 coefficients) is fitted instead.
    """
    options = cluster_fit_options(design, cov_type)
    model = sm.Poisson(design.endog[outcome], design.exog)
    result = fit_checked(model, "Poisson", outcome, start_params=start, method="newton", maxiter=100, **options)
    name = POISSON_AT_BOUNDARY
    coefficients = tidy_estimates(
        name, outcome, design.exog.columns, result.params, result.bse, inference_degrees_of_freedom(result)
    )
    return fit_from_design(
        name,
        outcome,
        [outcome],
        coefficients,
        design,
        result,
        fixed_effects,
        cluster,
        extra={"alpha_at_boundary": True},
    )


def fit_zero_inflated_negative_binomial(
    df: pd.DataFrame,
    outcome: str,
    covariates: Sequence[str],
    inflation_covariates: Sequence[str],
    cluster: str = DEFAULT_CLUSTER,
    fixed_effects: bool = True,
    cov_type: str = "cluster",
) -> ModelFit:
    """Zero-inflated NB2: a logit for "structural zero" on ``inflation_covariates`` and an NB2 count part.

    Country fixed effects (when on) enter the count part only; the inflation part has a
    constant and its own covariates. Equations are ``"inflate"`` and ``outcome``.
    """
    design = build_design(
        df, [outcome], covariates, cluster, fixed_effects, separation="count", also_required=inflation_covariates
    )
    _refuse_non_counts(design.endog[outcome], outcome)
    name = "Zero-inflated NB2"
    inflation_exog = sm.add_constant(design.also_required[list(inflation_covariates)], has_constant="add")
    counts = design.endog[outcome]
    nb_start = _starting_values(
        sm.NegativeBinomial(counts, design.exog, loglike_method="nb2"), method="bfgs", maxiter=2000
    )
    start = np.concatenate([np.zeros(inflation_exog.shape[1]), nb_start])
    model = ZeroInflatedNegativeBinomialP(counts, design.exog, exog_infl=inflation_exog, inflation="logit", p=2)
    start = _starting_values(model, start_params=start, method="bfgs", maxiter=5000)
    result = fit_checked(
        model, name, outcome, start_params=start, method="newton", maxiter=100, **cluster_fit_options(design, cov_type)
    )
    k_inflate, k = inflation_exog.shape[1], design.exog.shape[1]
    params, bse, inference_df = np.asarray(result.params), np.asarray(result.bse), inference_degrees_of_freedom(result)
    coefficients = pd.concat(
        [
            tidy_estimates(
                name,
                outcome,
                design.exog.columns,
                params[k_inflate : k_inflate + k],
                bse[k_inflate : k_inflate + k],
                inference_df,
            ),
            tidy_estimates(name, "inflate", inflation_exog.columns, params[:k_inflate], bse[:k_inflate], inference_df),
        ],
        ignore_index=True,
    )
    null_log_likelihood = float(result.llnull) if np.isfinite(getattr(result, "llnull", np.nan)) else np.nan
    return fit_from_design(
        name,
        outcome,
        [outcome, "inflate"],
        coefficients,
        design,
        result,
        fixed_effects,
        cluster,
        ancillary=tidy_estimates(name, "", ["alpha"], params[-1:], bse[-1:], inference_df),
        pseudo_r2=float(1 - result.llf / null_log_likelihood),
    )


def fit_hurdle_negative_binomial(
    df: pd.DataFrame,
    outcome: str,
    covariates: Sequence[str],
    cluster: str = DEFAULT_CLUSTER,
    fixed_effects: bool = True,
    cov_type: str = "cluster",
) -> ModelFit:
    """Hurdle model: a logit for any tie (with country FE) and a zero-truncated NB2 for the count given > 0.

    The two parts have separate parameters, so they are fitted separately and their
    log-likelihoods add. The truncated count part has no fixed effects: few countries
    have enough cities with ties to identify one. Equations: ``"any tie"`` and ``outcome``.
    """
    any_tie = f"{outcome} > 0"
    data = df.assign(**{any_tie: (df[outcome] > 0).astype(float).where(df[outcome].notna())})
    hurdle = fit_logit(data, any_tie, covariates, cluster, fixed_effects, cov_type)
    design = build_design(data[data[outcome] > 0], [outcome], covariates, cluster, fixed_effects=False, separation=None)
    count, poisson_count = _fit_truncated_count(design, outcome, cov_type)
    k = design.exog.shape[1]
    params, bse, inference_df = np.asarray(count.params), np.asarray(count.bse), inference_degrees_of_freedom(count)
    name = "Hurdle Poisson (NB2 α at 0)" if poisson_count else "Hurdle NB2"
    coefficients = pd.concat(
        [
            hurdle.coefficients.assign(model=name, equation="any tie"),
            tidy_estimates(name, outcome, design.exog.columns, params[:k], bse[:k], inference_df),
        ],
        ignore_index=True,
    )
    log_likelihood = float(hurdle.log_likelihood + count.llf)
    null_log_likelihood = float(
        hurdle.result.llnull + _truncated_null_log_likelihood(design.endog[outcome], poisson_count)
    )
    return ModelFit(
        model=name,
        outcome=outcome,
        equations=["any tie", outcome],
        coefficients=coefficients,
        ancillary=empty_coefficients()
        if poisson_count
        else tidy_estimates(name, "", ["alpha"], params[k:], bse[k:], inference_df),
        n_input=hurdle.n_input,
        n_obs=hurdle.n_obs,
        n_clusters=hurdle.n_clusters,
        log_likelihood=log_likelihood,
        aic=float(-2 * log_likelihood + 2 * (len(hurdle.result.params) + len(params))),
        pseudo_r2=float(1 - log_likelihood / null_log_likelihood),
        fixed_effects=fixed_effects,
        cluster=cluster,
        dropped=hurdle.dropped,
        result=count,
        extra={"n_positive": int(count.nobs), "alpha_at_boundary": poisson_count},
    )


def _fit_truncated_count(design: Design, outcome: str, cov_type: str) -> tuple[object, bool]:
    """The zero-truncated NB2 of the positive counts, or the truncated Poisson when there is no overdispersion.

    Returns the statsmodels result and whether it is the Poisson.
    """
    model = TruncatedLFNegativeBinomialP(design.endog[outcome], design.exog, p=2)
    start = _starting_values(model, method="bfgs", maxiter=2000)
    poisson_count = start[-1] < ALPHA_BOUNDARY  # no overdispersion among positive counts: truncated Poisson
    if poisson_count:
        model = TruncatedLFPoisson(design.endog[outcome], design.exog)
        start = _starting_values(model, method="bfgs", maxiter=2000)
    count = fit_checked(
        model,
        "Truncated count model",
        outcome,
        start_params=start,
        method="newton",
        maxiter=100,
        **cluster_fit_options(design, cov_type),
    )
    return count, bool(poisson_count)


def _truncated_null_log_likelihood(counts: pd.Series, poisson_count: bool) -> float:
    """Log-likelihood of the constant-only truncated count model (the null of the pseudo-R²).

    statsmodels' ``llnull`` for the truncated model runs Nelder-Mead for minutes; the
    constant-only model is fitted directly instead.
    """
    ones = np.ones((len(counts), 1))
    constant_only = (
        TruncatedLFPoisson(counts, ones) if poisson_count else TruncatedLFNegativeBinomialP(counts, ones, p=2)
    )
    null_start = np.array([np.log(counts.mean())] + ([] if poisson_count else [1.0]))
    null_params = _starting_values(constant_only, start_params=null_start, method="bfgs", maxiter=2000)
    return float(constant_only.loglike(null_params))


def _starting_values(model, **fit_options) -> np.ndarray:
    """Parameters from a cheap preliminary fit; only the final Newton fit's convergence is judged."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", HessianInversionWarning)
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow while the optimiser explores
        return np.asarray(model.fit(disp=False, skip_hessian=True, **fit_options).params)


def _refuse_non_counts(values: pd.Series, outcome: str) -> None:
    bad = values[(values < 0) | (values != np.round(values))]
    if len(bad):
        raise ValueError(
            f"count model: '{outcome}' must hold non-negative integers; row {bad.index[0]!r} has {bad.iloc[0]!r}"
        )
