"""Models of whether a city has a US and a China partnership (domain-methods §3): logits, multinomial, bivariate probit.

* :func:`fit_logit` per outcome with country fixed effects, :func:`logit_average_marginal_effects`,
  and :func:`wild_cluster_bootstrap_logit`: a restricted wild cluster *score* bootstrap
  (Kline & Santos 2012) p-value for chosen coefficients as the small-cluster check;
* :func:`fit_multinomial_logit` on the four partner profiles (:func:`add_partner_profile`)
  and :func:`multinomial_average_marginal_effects`;
* :func:`fit_bivariate_probit` of the two outcomes with correlated errors,
  :func:`bivariate_probit_marginal_effects` and :func:`cross_equation_tests`.

Each returns a :class:`~analysis.stats.fitting.ModelFit` or a tidy table; design matrices,
clustering and the refusal of fits the sample cannot support
(:class:`~analysis.stats.errors.NotEstimable`) live in :mod:`analysis.stats.fitting`.
Count models (negative binomial, zero-inflated, hurdle) are in :mod:`analysis.stats.count_models`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.numdiff import approx_fprime

from analysis.stats.bivariate_probit import BivariateProbit, normal_cdf, normal_pdf
from analysis.stats.errors import NotEstimable, estimation_failures
from analysis.stats.fitting import (
    CONSTANT,
    DEFAULT_CLUSTER,
    FIXED_EFFECT_PREFIX,
    ModelFit,
    build_design,
    cluster_fit_options,
    fit_checked,
    fit_from_design,
    inference_degrees_of_freedom,
    tidy_estimates,
)

# Numeric codes of the four partner profiles (MNLogit needs numeric endog under pandas 3).
PARTNER_PROFILES = {0: "none", 1: "US only", 2: "China only", 3: "both"}
DEFAULT_BOOTSTRAP_SEED = 20240601


# ----------------------------------------------------------------------------------------------
# Partner profiles
# ----------------------------------------------------------------------------------------------
def add_partner_profile(
    df: pd.DataFrame, us_column: str = "us_any", cn_column: str = "cn_any", name: str = "partner_profile"
) -> pd.DataFrame:
    """Return ``df`` with an integer column ``name``: 0 none, 1 US only, 2 China only, 3 both."""
    for column in (us_column, cn_column):
        values = df[column].dropna()
        if not values.isin([0, 1]).all():
            bad = values[~values.isin([0, 1])]
            raise ValueError(
                f"add_partner_profile: column '{column}' must be 0/1; row {bad.index[0]!r} has {bad.iloc[0]!r}"
            )
    profile = df[us_column] * 1 + df[cn_column] * 2
    return df.assign(**{name: profile.astype("Int64")})


# ----------------------------------------------------------------------------------------------
# 1. Per-outcome logit with country fixed effects
# ----------------------------------------------------------------------------------------------
def fit_logit(
    df: pd.DataFrame,
    outcome: str,
    covariates: Sequence[str],
    cluster: str = DEFAULT_CLUSTER,
    fixed_effects: bool = True,
    cov_type: str = "cluster",
) -> ModelFit:
    """Logit of a 0/1 ``outcome`` on ``covariates`` (+ country dummies), SEs clustered by ``cluster``."""
    design = build_design(df, [outcome], covariates, cluster, fixed_effects, separation="binary")
    result = fit_checked(
        sm.Logit(design.endog[outcome], design.exog),
        "Logit",
        outcome,
        method="newton",
        maxiter=200,
        **cluster_fit_options(design, cov_type),
    )
    coefficients = tidy_estimates(
        "Logit", outcome, design.exog.columns, result.params, result.bse, inference_degrees_of_freedom(result)
    )
    return fit_from_design("Logit", outcome, [outcome], coefficients, design, result, fixed_effects, cluster)


def logit_average_marginal_effects(fit: ModelFit) -> pd.DataFrame:
    """Average marginal effects of the covariates in a :func:`fit_logit` fit.

    0/1 covariates get the average discrete change, others the average derivative;
    delta-method SEs use the model's (clustered) covariance. Fixed effects are left out.
    """
    margins = fit.result.get_margeff(at="overall", method="dydx", dummy=True)
    terms = list(fit.result.model.exog_names)
    terms.remove(CONSTANT)
    table = tidy_estimates(
        "Logit AME", fit.outcome, terms, margins.margeff, margins.margeff_se, inference_degrees_of_freedom(fit.result)
    )
    return table[~table["is_fixed_effect"]].reset_index(drop=True)


def wild_cluster_bootstrap_logit(
    df: pd.DataFrame,
    outcome: str,
    covariates: Sequence[str],
    terms: Sequence[str],
    cluster: str = DEFAULT_CLUSTER,
    fixed_effects: bool = True,
    n_bootstrap: int = 9999,
    weights: str = "webb",
    seed: int = DEFAULT_BOOTSTRAP_SEED,
) -> pd.DataFrame:
    """Restricted wild cluster score bootstrap p-values (Kline & Santos 2012) for H0: beta_term = 0.

    For each term the logit is refitted without it (the restricted model, imposing H0).
    The per-observation scores of the term at the restricted fit are projected off the
    other parameters (the efficient score) and summed by cluster to S_g. The statistic
    t = sum(S_g) / sqrt(sum(S_g^2)) is compared with t* = sum(w_g S_g) / sqrt(sum((w_g S_g)^2))
    over ``n_bootstrap`` draws of cluster weights w_g (``"webb"`` six-point, recommended
    for few clusters, or ``"rademacher"``). Returns one row per term with the statistic,
    the bootstrap p-value (two-sided, symmetric) and the settings.
    """
    design = build_design(df, [outcome], covariates, cluster, fixed_effects, separation="binary")
    endog = design.endog[outcome].to_numpy()
    exog = design.exog.to_numpy()
    cluster_weights = _draw_cluster_weights(n_bootstrap, design.n_clusters, weights, seed)
    rows = []
    for term in terms:
        if term not in covariates:
            raise KeyError(
                f"wild_cluster_bootstrap_logit: term '{term}' is not among the covariates {list(covariates)}"
            )
        with estimation_failures(f"Wild cluster bootstrap of {term} (restricted logit)", outcome):
            cluster_scores = _efficient_score_by_cluster(
                endog, exog, design.groups, list(design.exog.columns).index(term)
            )
        observed = cluster_scores.sum() / np.sqrt(np.sum(cluster_scores**2))
        perturbed = cluster_weights * cluster_scores[None, :]
        bootstrap = perturbed.sum(axis=1) / np.sqrt(np.sum(perturbed**2, axis=1))
        rows.append(
            {
                "outcome": outcome,
                "term": term,
                "score_statistic": float(observed),
                "p_value_bootstrap": float(np.mean(np.abs(bootstrap) >= np.abs(observed))),
                "n_bootstrap": n_bootstrap,
                "weights": weights,
                "n_clusters": design.n_clusters,
                "n_obs": len(endog),
                "seed": seed,
            }
        )
    return pd.DataFrame(rows)


def _draw_cluster_weights(n_bootstrap: int, n_clusters: int, weights: str, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if weights == "rademacher":
        support = np.array([-1.0, 1.0])
    elif weights == "webb":
        support = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])
    else:
        raise ValueError(f"wild_cluster_bootstrap_logit: weights must be 'webb' or 'rademacher'; got {weights!r}")
    return rng.choice(support, size=(n_bootstrap, n_clusters))


def _efficient_score_by_cluster(endog: np.ndarray, exog: np.ndarray, groups: np.ndarray, tested: int) -> np.ndarray:
    """Cluster sums of the tested coefficient's score at the restricted logit, net of the nuisance parameters."""
    nuisance = np.delete(np.arange(exog.shape[1]), tested)
    restricted = sm.Logit(endog, exog[:, nuisance]).fit(disp=False, method="newton", maxiter=200)
    fitted = restricted.predict(exog[:, nuisance])
    scores = exog * (endog - fitted)[:, None]
    information = exog.T @ (exog * (fitted * (1 - fitted))[:, None])
    projection = np.linalg.solve(information[np.ix_(nuisance, nuisance)], information[nuisance, tested])
    efficient = scores[:, tested] - scores[:, nuisance] @ projection
    return np.bincount(groups, weights=efficient)


# ----------------------------------------------------------------------------------------------
# 2. Multinomial logit on the four partner profiles
# ----------------------------------------------------------------------------------------------
def fit_multinomial_logit(
    df: pd.DataFrame,
    outcome: str,
    covariates: Sequence[str],
    cluster: str = DEFAULT_CLUSTER,
    fixed_effects: bool = False,
    category_labels: dict[int, str] | None = None,
    cov_type: str = "cluster",
) -> ModelFit:
    """Multinomial logit of an integer-coded ``outcome`` (lowest code = base), SEs clustered.

    Use :func:`add_partner_profile` to build the 0-3 profile. Country fixed effects are
    off by default: with 27 countries and a rare category most countries would lack some
    profile and be dropped as separated. Equations are named by ``category_labels``
    (default :data:`PARTNER_PROFILES`).
    """
    labels = category_labels or PARTNER_PROFILES
    design = build_design(df, [outcome], covariates, cluster, fixed_effects, separation="categorical")
    codes, present = _category_codes(design.endog[outcome], outcome, labels)
    options = cluster_fit_options(design, cov_type)
    model = sm.MNLogit(codes.to_numpy(), design.exog)
    result = fit_checked(model, "Multinomial logit", outcome, method="newton", maxiter=200, **options)
    params, bse = np.asarray(result.params), np.asarray(result.bse)
    equations = [labels[code] for code in present[1:]]
    coefficients = pd.concat(
        [
            tidy_estimates(
                "Multinomial logit",
                equation,
                design.exog.columns,
                params[:, j],
                bse[:, j],
                inference_degrees_of_freedom(result),
            )
            for j, equation in enumerate(equations)
        ],
        ignore_index=True,
    )
    return fit_from_design(
        "Multinomial logit",
        outcome,
        equations,
        coefficients,
        design,
        result,
        fixed_effects,
        cluster,
        extra={"base_category": labels[present[0]]},
    )


def _category_codes(values: pd.Series, outcome: str, labels: dict[int, str]) -> tuple[pd.Series, list[int]]:
    """Integer codes of ``outcome`` and the sorted codes present; three or more must be present."""
    codes = values.astype(int)
    unknown = sorted(set(codes) - set(labels))
    if unknown:
        raise ValueError(f"fit_multinomial_logit: '{outcome}' has codes {unknown} without a label in {labels}")
    present = sorted(set(codes))
    if len(present) < 3:
        raise NotEstimable(
            f"fit_multinomial_logit: '{outcome}' has only categories {present}; a multinomial model needs three or more"
        )
    return codes, present


def multinomial_average_marginal_effects(fit: ModelFit, category_labels: dict[int, str] | None = None) -> pd.DataFrame:
    """Average marginal effects of each covariate on the probability of every category (delta-method SEs)."""
    labels = category_labels or PARTNER_PROFILES
    margins = fit.result.get_margeff(at="overall", method="dydx")
    terms = list(fit.result.model.exog_names)
    terms.remove(CONSTANT)
    effects, errors = np.asarray(margins.margeff), np.asarray(margins.margeff_se)
    categories = [labels[code] for code in sorted(labels) if code in set(fit.result.model.endog.astype(int))]
    table = pd.concat(
        [
            tidy_estimates(
                "Multinomial logit AME",
                category,
                terms,
                effects[:, j],
                errors[:, j],
                inference_degrees_of_freedom(fit.result),
            )
            for j, category in enumerate(categories)
        ],
        ignore_index=True,
    )
    return table[~table["is_fixed_effect"]].reset_index(drop=True)


# ----------------------------------------------------------------------------------------------
# 3. Bivariate probit
# ----------------------------------------------------------------------------------------------
def fit_bivariate_probit(
    df: pd.DataFrame,
    outcomes: tuple[str, str],
    covariates: Sequence[str],
    cluster: str = DEFAULT_CLUSTER,
    fixed_effects: bool = True,
    cov_type: str = "cluster",
) -> ModelFit:
    """Bivariate probit of two 0/1 outcomes on the same covariates, SEs clustered by ``cluster``.

    ``extra`` holds rho with its confidence interval (from the interval for atanh(rho)),
    the Wald test of rho = 0 (on atanh(rho), t with G-1 df when clustered) and the
    likelihood-ratio test against two separate probits (chi-squared, 1 df; it assumes
    independent observations, so read it next to the clustered Wald test).
    """
    first, second = outcomes
    design = build_design(df, [first, second], covariates, cluster, fixed_effects, separation="binary")
    # Two separate probits give the starting values and the log-likelihood of the LR test of rho = 0.
    with estimation_failures("Probit", f"{first}, {second}"):
        separate = [
            sm.Probit(design.endog[name], design.exog).fit(disp=False, method="newton", maxiter=200)
            for name in outcomes
        ]
    start = np.concatenate([np.asarray(separate[0].params), np.asarray(separate[1].params), [0.0]])
    model = BivariateProbit(design.endog.to_numpy(), design.exog, equation_names=(first, second))
    result = fit_checked(
        model,
        "Bivariate probit",
        f"{first}, {second}",
        start_params=start,
        method="newton",
        maxiter=200,
        **cluster_fit_options(design, cov_type),
    )
    rho_summary = _rho_summary(result, sum(fit.llf for fit in separate))
    null_log_likelihood = sum(_bernoulli_log_likelihood(design.endog[name]) for name in outcomes)
    return fit_from_design(
        "Bivariate probit",
        f"{first}, {second}",
        [first, second],
        _bivariate_coefficients(result, design.exog.columns, (first, second)),
        design,
        result,
        fixed_effects,
        cluster,
        ancillary=_rho_row(rho_summary, inference_degrees_of_freedom(result)),
        aic=float(-2 * result.llf + 2 * len(result.params)),
        pseudo_r2=float(1 - result.llf / null_log_likelihood),
        extra=rho_summary,
    )


def _bivariate_coefficients(result, terms: Sequence[str], outcomes: tuple[str, str]) -> pd.DataFrame:
    """Tidy coefficients of both equations (parameters are [first equation, second equation, athrho])."""
    k = len(terms)
    params, bse, inference_df = np.asarray(result.params), np.asarray(result.bse), inference_degrees_of_freedom(result)
    return pd.concat(
        [
            tidy_estimates(
                "Bivariate probit", outcome, terms, params[i * k : (i + 1) * k], bse[i * k : (i + 1) * k], inference_df
            )
            for i, outcome in enumerate(outcomes)
        ],
        ignore_index=True,
    )


def _rho_summary(result, llf_separate: float) -> dict[str, float]:
    """rho, its SE, CI, Wald and LR tests from a fit whose last parameter is atanh(rho)."""
    athrho, athrho_se = float(np.asarray(result.params)[-1]), float(np.asarray(result.bse)[-1])
    inference_df = inference_degrees_of_freedom(result)
    reference = stats.norm if inference_df is None else stats.t(inference_df)
    critical = reference.ppf(0.975)
    rho = float(np.tanh(athrho))
    lr_statistic = max(0.0, 2 * (float(result.llf) - llf_separate))
    return {
        "rho": rho,
        # delta method: d tanh(a) / da = 1 - tanh(a)^2
        "rho_std_error": float((1 - rho**2) * athrho_se),
        "rho_conf_low": float(np.tanh(athrho - critical * athrho_se)),
        "rho_conf_high": float(np.tanh(athrho + critical * athrho_se)),
        "rho_wald_statistic": float((athrho / athrho_se) ** 2),
        "rho_wald_p_value": float(2 * reference.sf(abs(athrho / athrho_se))),
        "rho_lr_statistic": float(lr_statistic),
        "rho_lr_p_value": float(stats.chi2.sf(lr_statistic, 1)),
    }


def _rho_row(rho_summary: dict[str, float], inference_df: float | None) -> pd.DataFrame:
    """The ancillary row of rho: its p-value and interval come from atanh(rho), not from rho / SE."""
    rho_row = tidy_estimates(
        "Bivariate probit", "", ["rho"], [rho_summary["rho"]], [rho_summary["rho_std_error"]], inference_df
    )
    rho_row[["p_value", "conf_low", "conf_high"]] = [
        rho_summary["rho_wald_p_value"],
        rho_summary["rho_conf_low"],
        rho_summary["rho_conf_high"],
    ]
    return rho_row


def _bernoulli_log_likelihood(outcome: pd.Series) -> float:
    """Log-likelihood of a constant-only model of a 0/1 outcome (the null for pseudo-R²)."""
    share = float(outcome.mean())
    n = len(outcome)
    if share in (0.0, 1.0):
        return 0.0
    return n * (share * np.log(share) + (1 - share) * np.log(1 - share))


def bivariate_probit_marginal_effects(fit: ModelFit) -> pd.DataFrame:
    """Average marginal effects on P(first=1), P(second=1), P(both=1) and their difference.

    The difference row (equation ``"<first> - <second>"``) is AME_first − AME_second.
    0/1 covariates get the average discrete change, others the average derivative.
    SEs by the delta method with a numerical Jacobian and the model's (clustered) covariance.
    """
    model: BivariateProbit = fit.result.model
    first, second = model.equation_names
    exog = pd.DataFrame(model.exog, columns=model.exog_column_names)
    covariates = [term for term in exog.columns if term != CONSTANT and not term.startswith(FIXED_EFFECT_PREFIX)]
    params = np.asarray(fit.result.params, dtype=float)
    values = exog.to_numpy()
    settings = _ame_settings(values, [list(exog.columns).index(covariate) for covariate in covariates])

    def effects(parameters: np.ndarray) -> np.ndarray:
        return _bivariate_probit_ames(model, parameters, values, settings).ravel()

    estimates = effects(params)
    jacobian = approx_fprime(params, effects, centered=True)
    std_errors = np.sqrt(np.diag(jacobian @ np.asarray(fit.result.cov_params()) @ jacobian.T))
    equations = [f"P({first}=1)", f"P({second}=1)", f"P({first}=1, {second}=1)", f"{first} - {second}"]
    n_terms = len(covariates)
    return pd.concat(
        [
            tidy_estimates(
                "Bivariate probit AME",
                equation,
                covariates,
                estimates[i * n_terms : (i + 1) * n_terms],
                std_errors[i * n_terms : (i + 1) * n_terms],
                inference_degrees_of_freedom(fit.result),
            )
            for i, equation in enumerate(equations)
        ],
        ignore_index=True,
    )


def _ame_settings(values: np.ndarray, positions: list[int]) -> list[tuple[int, tuple[np.ndarray, np.ndarray] | None]]:
    """Per covariate column: its position and, for a 0/1 column, the design with it set to 1 and to 0.

    They do not depend on the parameters, so the delta-method Jacobian (one call of the AMEs per
    perturbed parameter) builds them once.
    """
    settings = []
    for position in positions:
        counterfactuals = None
        if set(np.unique(values[:, position])) <= {0.0, 1.0}:
            with_one, with_zero = values.copy(), values.copy()
            with_one[:, position], with_zero[:, position] = 1.0, 0.0
            counterfactuals = (with_one, with_zero)
        settings.append((position, counterfactuals))
    return settings


def _bivariate_probit_ames(
    model: BivariateProbit,
    params: np.ndarray,
    values: np.ndarray,
    settings: list[tuple[int, tuple[np.ndarray, np.ndarray] | None]],
) -> np.ndarray:
    """(4, n_covariates) array: AMEs on P(first), P(second), P(both), and AME_first − AME_second.

    ``settings`` from :func:`_ame_settings`: a 0/1 covariate gets the average discrete change
    between its two counterfactual designs, any other the average derivative.
    """
    b1, b2, rho = model.split_params(params)
    result = np.empty((4, len(settings)))
    for j, (position, counterfactuals) in enumerate(settings):
        if counterfactuals is not None:
            with_one, with_zero = counterfactuals
            for row, (one, zero) in enumerate(
                zip(model.joint_probabilities(params, with_one), model.joint_probabilities(params, with_zero))
            ):
                result[row, j] = np.mean(one - zero)
        else:
            index_1, index_2 = values @ b1, values @ b2
            scale = np.sqrt(1 - rho**2)
            g_1 = normal_pdf(index_1) * normal_cdf((index_2 - rho * index_1) / scale)
            g_2 = normal_pdf(index_2) * normal_cdf((index_1 - rho * index_2) / scale)
            result[0, j] = np.mean(normal_pdf(index_1)) * b1[position]
            result[1, j] = np.mean(normal_pdf(index_2)) * b2[position]
            result[2, j] = np.mean(g_1 * b1[position] + g_2 * b2[position])
    result[3] = result[0] - result[1]
    return result


def cross_equation_tests(fit: ModelFit) -> pd.DataFrame:
    """Wald test per covariate that its coefficient is equal in both bivariate probit equations.

    Returns one row per covariate: the difference (first − second), its (clustered) SE,
    the statistic and p-value (t with G-1 df when clustered).
    """
    if fit.model != "Bivariate probit":
        raise ValueError(f"cross_equation_tests needs a bivariate probit fit; got {fit.model}")
    first, second = fit.equations
    names = list(fit.result.model.exog_names)
    covariance = np.asarray(fit.result.cov_params())
    params = np.asarray(fit.result.params)
    covariates = fit.coefficients.query("equation == @first and term != @CONSTANT and not is_fixed_effect")["term"]
    estimates, errors = [], []
    for term in covariates:
        i, j = names.index(f"{first}:{term}"), names.index(f"{second}:{term}")
        estimates.append(params[i] - params[j])
        errors.append(np.sqrt(covariance[i, i] + covariance[j, j] - 2 * covariance[i, j]))
    return tidy_estimates(
        "Bivariate probit",
        f"{first} - {second}",
        list(covariates),
        estimates,
        errors,
        inference_degrees_of_freedom(fit.result),
    )
