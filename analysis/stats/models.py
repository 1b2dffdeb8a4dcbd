"""Statistical models of what predicts a US and a China partnership (domain-methods §3).

Every model takes a DataFrame with one row per unit (city or region), the outcome
column(s), a list of covariate columns and the cluster column (``country_iso2``), and
returns a :class:`ModelFit`: a tidy coefficient table plus the numbers a notebook
glues (N, clusters, log-likelihood, AIC, pseudo-R²) and the rows it had to drop.

Inference is built for about 27 country clusters:

* standard errors are clustered by country (CRV1 with the small-sample correction
  G/(G-1)·(N-1)/(N-K)), and t / F reference distributions use G-1 degrees of freedom;
* :func:`wild_cluster_bootstrap_logit` adds a restricted wild cluster *score* bootstrap
  (Kline & Santos 2012) p-value for chosen coefficients as the small-cluster check.

Country fixed effects are dummies. A country in which an outcome never varies (all 0
or all 1; for counts, all zero) is perfectly separated by its dummy, so it is dropped
and recorded in ``ModelFit.dropped`` with its row count. Covariates that only vary
between countries are absorbed by the fixed effects and are refused with an error.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.discrete.count_model import ZeroInflatedNegativeBinomialP
from statsmodels.discrete.truncated_model import TruncatedLFNegativeBinomialP, TruncatedLFPoisson
from statsmodels.tools.numdiff import approx_fprime
from statsmodels.tools.sm_exceptions import ConvergenceWarning, HessianInversionWarning

from analysis.stats.bivariate_probit import BivariateProbit

DEFAULT_CLUSTER = "country_iso2"
# NB2 dispersion below this is taken as zero: the likelihood is flat there and the model is Poisson.
ALPHA_BOUNDARY = 1e-4
POISSON_AT_BOUNDARY = "Poisson (NB2 α at 0)"
CONSTANT = "const"
FIXED_EFFECT_PREFIX = "fe["
# Numeric codes of the four partner profiles (MNLogit needs numeric endog under pandas 3).
PARTNER_PROFILES = {0: "none", 1: "US only", 2: "China only", 3: "both"}
COEFFICIENT_COLUMNS = [
    "model",
    "equation",
    "term",
    "estimate",
    "std_error",
    "statistic",
    "p_value",
    "conf_low",
    "conf_high",
    "is_fixed_effect",
]
DROPPED_COLUMNS = ["cluster", "reason", "rows"]
DEFAULT_BOOTSTRAP_SEED = 20240601


# ----------------------------------------------------------------------------------------------
# Results
# ----------------------------------------------------------------------------------------------
@dataclass
class ModelFit:
    """A fitted model, reduced to what notebooks and regression tables need.

    ``coefficients`` has one row per (equation, term) with columns :data:`COEFFICIENT_COLUMNS`;
    ``ancillary`` holds parameters that belong to the model rather than an equation
    (dispersion ``alpha``, correlation ``rho``) in the same columns.
    ``dropped`` lists rows left out (columns ``cluster``, ``reason``, ``rows``), and
    ``n_input == n_obs + dropped.rows.sum()`` always holds.
    """

    model: str
    outcome: str
    equations: list[str]
    coefficients: pd.DataFrame
    ancillary: pd.DataFrame
    n_input: int
    n_obs: int
    n_clusters: int
    log_likelihood: float
    aic: float
    pseudo_r2: float
    fixed_effects: bool
    cluster: str
    dropped: pd.DataFrame
    result: Any = field(repr=False, default=None)
    extra: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, float | int | str]:
        """Scalars a notebook can glue, keyed by plain names."""
        return {
            "model": self.model,
            "outcome": self.outcome,
            "n_input": self.n_input,
            "n_obs": self.n_obs,
            "n_dropped": int(self.dropped["rows"].sum()),
            "n_clusters": self.n_clusters,
            "log_likelihood": self.log_likelihood,
            "aic": self.aic,
            "pseudo_r2": self.pseudo_r2,
            **self.extra,
        }

    def term(self, term: str, equation: str | None = None) -> pd.Series:
        """The coefficient row of one term (in ``equation`` when the model has several)."""
        rows = self.coefficients[self.coefficients["term"] == term]
        if equation is not None:
            rows = rows[rows["equation"] == equation]
        if len(rows) != 1:
            raise KeyError(
                f"{self.model} of {self.outcome}: expected one row for term '{term}' (equation {equation}); found {len(rows)}"
            )
        return rows.iloc[0]


@dataclass
class Design:
    """Outcomes, design matrix and clusters after dropping missing and separated rows."""

    endog: pd.DataFrame
    exog: pd.DataFrame
    cluster_labels: pd.Series
    groups: np.ndarray
    covariates: list[str]
    fixed_effect_terms: list[str]
    dropped: pd.DataFrame
    n_input: int
    also_required: pd.DataFrame

    @property
    def n_clusters(self) -> int:
        return int(len(np.unique(self.groups)))


# ----------------------------------------------------------------------------------------------
# Design matrices
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


def build_design(
    df: pd.DataFrame,
    outcomes: Sequence[str],
    covariates: Sequence[str],
    cluster: str = DEFAULT_CLUSTER,
    fixed_effects: bool = True,
    separation: str | None = "binary",
    also_required: Sequence[str] = (),
) -> Design:
    """Drop incomplete and separated rows, then build [const, covariates, country dummies].

    ``separation`` says which clusters the fixed effects would separate perfectly:
    ``"binary"`` (any outcome constant within the cluster), ``"count"`` (outcome all
    zero within the cluster), ``"categorical"`` (a category of the outcome missing in
    the cluster) or ``None``. It only applies when ``fixed_effects`` is true.
    ``also_required`` columns (e.g. covariates of a zero-inflation part) must be
    complete too and are returned in ``Design.also_required``.
    """
    outcomes, covariates, also_required = list(outcomes), list(covariates), list(also_required)
    used = list(dict.fromkeys([*outcomes, *covariates, *also_required, cluster]))
    missing_columns = [column for column in used if column not in df.columns]
    if missing_columns:
        raise KeyError(f"build_design: columns {missing_columns} are not in the data (has {list(df.columns)})")
    n_input = len(df)
    dropped_parts = []

    incomplete = df[used].isna().any(axis=1)
    if incomplete.any():
        reasons = df.loc[incomplete, used].isna().apply(lambda row: "missing " + ", ".join(row.index[row]), axis=1)
        dropped_parts.append(_count_dropped(df.loc[incomplete, cluster], reasons))
    data = df.loc[~incomplete, used]

    if fixed_effects and separation is not None:
        separated = _separated_clusters(data, outcomes, cluster, separation)
        if separated:
            is_separated = data[cluster].isin(separated.keys())
            reasons = data.loc[is_separated, cluster].map(separated)
            dropped_parts.append(_count_dropped(data.loc[is_separated, cluster], reasons))
            data = data.loc[~is_separated]
    if data.empty:
        raise ValueError(
            f"build_design: no rows left for outcomes {outcomes} after dropping missing and separated rows"
        )

    exog = sm.add_constant(data[covariates].astype(float), has_constant="add")
    fixed_effect_terms: list[str] = []
    if fixed_effects:
        _refuse_absorbed_covariates(data, covariates, cluster)
        dummies = pd.get_dummies(data[cluster].astype(str), prefix="fe", prefix_sep="[", drop_first=True, dtype=float)
        dummies.columns = [f"{name}]" for name in dummies.columns]
        fixed_effect_terms = list(dummies.columns)
        exog = pd.concat([exog, dummies], axis=1)
    _refuse_rank_deficient(exog, outcomes)

    dropped = pd.concat(dropped_parts, ignore_index=True) if dropped_parts else pd.DataFrame(columns=DROPPED_COLUMNS)
    dropped["rows"] = dropped["rows"].astype(int)
    assert n_input == len(data) + dropped["rows"].sum(), "row accounting in build_design is broken"
    cluster_labels = data[cluster].astype(str)
    return Design(
        endog=data[outcomes].astype(float),
        exog=exog,
        cluster_labels=cluster_labels,
        groups=pd.factorize(cluster_labels)[0],
        covariates=covariates,
        fixed_effect_terms=fixed_effect_terms,
        dropped=dropped,
        n_input=n_input,
        also_required=data[also_required].astype(float),
    )


def _count_dropped(cluster_values: pd.Series, reasons: pd.Series) -> pd.DataFrame:
    counts = pd.DataFrame({"cluster": cluster_values.astype(str).values, "reason": reasons.values})
    return counts.groupby(["cluster", "reason"], as_index=False).size().rename(columns={"size": "rows"})


def _separated_clusters(data: pd.DataFrame, outcomes: list[str], cluster: str, separation: str) -> dict[str, str]:
    """Map each cluster that a fixed effect would separate perfectly to the reason."""
    reasons: dict[str, str] = {}
    for outcome in outcomes:
        by_cluster = data.groupby(cluster)[outcome]
        if separation == "binary":
            constant = by_cluster.nunique() == 1
            for label in constant[constant].index:
                value = data.loc[data[cluster] == label, outcome].iloc[0]
                reasons.setdefault(
                    label, f"{outcome} is always {value:g} in this {cluster} (perfect separation by its fixed effect)"
                )
        elif separation == "count":
            all_zero = by_cluster.max() == 0
            for label in all_zero[all_zero].index:
                reasons.setdefault(
                    label, f"{outcome} is zero for every row in this {cluster} (its fixed effect would go to -inf)"
                )
        elif separation == "categorical":
            categories = set(data[outcome].unique())
            for label, values in by_cluster:
                absent = sorted(categories - set(values.unique()))
                if absent:
                    reasons.setdefault(
                        label,
                        f"{outcome} categories {absent} never occur in this {cluster} (separation by its fixed effect)",
                    )
        else:
            raise ValueError(
                f"build_design: separation must be 'binary', 'count', 'categorical' or None; got {separation!r}"
            )
    return reasons


def _refuse_absorbed_covariates(data: pd.DataFrame, covariates: list[str], cluster: str) -> None:
    """Country-level covariates are not identified next to country fixed effects."""
    for covariate in covariates:
        if (data.groupby(cluster)[covariate].nunique() <= 1).all():
            raise ValueError(
                f"build_design: covariate '{covariate}' is constant within every {cluster}, so the country fixed "
                "effects absorb it; drop it from the covariates or fit with fixed_effects=False"
            )


def _refuse_rank_deficient(exog: pd.DataFrame, outcomes: list[str]) -> None:
    rank = np.linalg.matrix_rank(exog.to_numpy())
    if rank < exog.shape[1]:
        raise ValueError(
            f"build_design: the design for {outcomes} has {exog.shape[1]} columns but rank {rank}; "
            "some covariates are collinear (with each other or with the fixed effects)"
        )


# ----------------------------------------------------------------------------------------------
# Tidy output helpers
# ----------------------------------------------------------------------------------------------
def _cluster_fit_options(design: Design, cov_type: str) -> dict[str, Any]:
    """statsmodels ``fit`` options: CRV1 with small-sample correction and t(G-1), or naive."""
    if cov_type == "cluster":
        return {"cov_type": "cluster", "cov_kwds": {"groups": design.groups, "use_correction": True}, "use_t": True}
    if cov_type == "nonrobust":
        return {"cov_type": "nonrobust"}
    raise ValueError(f"cov_type must be 'cluster' or 'nonrobust'; got {cov_type!r}")


def _inference_df(result) -> float | None:
    """Degrees of freedom of the t reference distribution, or None for the normal."""
    if not getattr(result, "use_t", False):
        return None
    return float(getattr(result, "df_resid_inference", result.df_resid))


def tidy_estimates(
    model: str,
    equation: str,
    terms: Sequence[str],
    estimate,
    std_error,
    inference_df: float | None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Coefficient table in :data:`COEFFICIENT_COLUMNS` from estimates and standard errors.

    ``inference_df`` None uses the normal distribution, otherwise Student t with that many df.
    """
    estimate, std_error = np.asarray(estimate, dtype=float), np.asarray(std_error, dtype=float)
    reference = stats.norm if inference_df is None else stats.t(inference_df)
    statistic = estimate / std_error
    critical = reference.ppf(0.5 + level / 2)
    return pd.DataFrame(
        {
            "model": model,
            "equation": equation,
            "term": list(terms),
            "estimate": estimate,
            "std_error": std_error,
            "statistic": statistic,
            "p_value": 2 * reference.sf(np.abs(statistic)),
            "conf_low": estimate - critical * std_error,
            "conf_high": estimate + critical * std_error,
            "is_fixed_effect": [str(term).startswith(FIXED_EFFECT_PREFIX) for term in terms],
        }
    )


def _empty_coefficients() -> pd.DataFrame:
    return pd.DataFrame(columns=COEFFICIENT_COLUMNS)


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
    result = sm.Logit(design.endog[outcome], design.exog).fit(
        disp=False, method="newton", maxiter=200, **_cluster_fit_options(design, cov_type)
    )
    _require_converged(result, "Logit", outcome)
    coefficients = tidy_estimates(
        "Logit", outcome, design.exog.columns, result.params, result.bse, _inference_df(result)
    )
    return _fit_from_design("Logit", outcome, [outcome], coefficients, design, result, fixed_effects, cluster)


def _fit_from_design(
    model: str,
    outcome: str,
    equations: list[str],
    coefficients: pd.DataFrame,
    design: Design,
    result: Any,
    fixed_effects: bool,
    cluster: str,
    **overrides: Any,
) -> ModelFit:
    """A :class:`ModelFit` for a statsmodels ``result`` fitted on ``design``; ``overrides`` replace any default field."""
    fields: dict[str, Any] = {
        "ancillary": _empty_coefficients(),
        "n_input": design.n_input,
        "n_obs": int(result.nobs),
        "n_clusters": design.n_clusters,
        "log_likelihood": float(result.llf),
        "aic": float(result.aic),
        "pseudo_r2": float(getattr(result, "prsquared", np.nan)),
        "dropped": design.dropped,
        "result": result,
    } | overrides
    return ModelFit(
        model=model,
        outcome=outcome,
        equations=equations,
        coefficients=coefficients,
        fixed_effects=fixed_effects,
        cluster=cluster,
        **fields,
    )


def _require_converged(result, model: str, outcome: str) -> None:
    retvals = getattr(result, "mle_retvals", None) or {}
    if not retvals.get("converged", True):
        raise RuntimeError(
            f"{model} of '{outcome}' did not converge ({retvals}); check for separation or rescale covariates"
        )


def logit_average_marginal_effects(fit: ModelFit) -> pd.DataFrame:
    """Average marginal effects of the covariates in a :func:`fit_logit` fit.

    0/1 covariates get the average discrete change, others the average derivative;
    delta-method SEs use the model's (clustered) covariance. Fixed effects are left out.
    """
    margins = fit.result.get_margeff(at="overall", method="dydx", dummy=True)
    terms = list(fit.result.model.exog_names)
    terms.remove(CONSTANT)
    table = tidy_estimates(
        "Logit AME", fit.outcome, terms, margins.margeff, margins.margeff_se, _inference_df(fit.result)
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
        cluster_scores = _efficient_score_by_cluster(endog, exog, design.groups, list(design.exog.columns).index(term))
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
    codes = design.endog[outcome].astype(int)
    unknown = sorted(set(codes) - set(labels))
    if unknown:
        raise ValueError(f"fit_multinomial_logit: '{outcome}' has codes {unknown} without a label in {labels}")
    present = sorted(set(codes))
    if len(present) < 3:
        raise ValueError(
            f"fit_multinomial_logit: '{outcome}' has only categories {present}; a multinomial model needs three or more"
        )
    result = sm.MNLogit(codes.to_numpy(), design.exog).fit(
        disp=False, method="newton", maxiter=200, **_cluster_fit_options(design, cov_type)
    )
    _require_converged(result, "Multinomial logit", outcome)
    params, bse = np.asarray(result.params), np.asarray(result.bse)
    equations = [labels[code] for code in present[1:]]
    coefficients = pd.concat(
        [
            tidy_estimates(
                "Multinomial logit", equation, design.exog.columns, params[:, j], bse[:, j], _inference_df(result)
            )
            for j, equation in enumerate(equations)
        ],
        ignore_index=True,
    )
    return _fit_from_design(
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
                "Multinomial logit AME", category, terms, effects[:, j], errors[:, j], _inference_df(fit.result)
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
    separate = [
        sm.Probit(design.endog[name], design.exog).fit(disp=False, method="newton", maxiter=200) for name in outcomes
    ]
    start = np.concatenate([np.asarray(separate[0].params), np.asarray(separate[1].params), [0.0]])
    model = BivariateProbit(design.endog.to_numpy(), design.exog, equation_names=(first, second))
    result = model.fit(
        start_params=start, method="newton", maxiter=200, disp=False, **_cluster_fit_options(design, cov_type)
    )
    _require_converged(result, "Bivariate probit", f"{first}, {second}")

    k = design.exog.shape[1]
    params, bse, inference_df = np.asarray(result.params), np.asarray(result.bse), _inference_df(result)
    coefficients = pd.concat(
        [
            tidy_estimates("Bivariate probit", first, design.exog.columns, params[:k], bse[:k], inference_df),
            tidy_estimates(
                "Bivariate probit", second, design.exog.columns, params[k : 2 * k], bse[k : 2 * k], inference_df
            ),
        ],
        ignore_index=True,
    )
    rho_summary = _rho_summary(params[-1], bse[-1], inference_df, float(result.llf), sum(fit.llf for fit in separate))
    rho_row = tidy_estimates(
        "Bivariate probit", "", ["rho"], [rho_summary["rho"]], [rho_summary["rho_std_error"]], inference_df
    )
    rho_row[["p_value", "conf_low", "conf_high"]] = [
        rho_summary["rho_wald_p_value"],
        rho_summary["rho_conf_low"],
        rho_summary["rho_conf_high"],
    ]
    null_log_likelihood = sum(_bernoulli_log_likelihood(design.endog[name]) for name in outcomes)
    return _fit_from_design(
        "Bivariate probit",
        f"{first}, {second}",
        [first, second],
        coefficients,
        design,
        result,
        fixed_effects,
        cluster,
        ancillary=rho_row,
        aic=float(-2 * result.llf + 2 * len(params)),
        pseudo_r2=float(1 - result.llf / null_log_likelihood),
        extra=rho_summary,
    )


def _rho_summary(
    athrho: float, athrho_se: float, inference_df: float | None, llf: float, llf_separate: float
) -> dict[str, float]:
    reference = stats.norm if inference_df is None else stats.t(inference_df)
    critical = reference.ppf(0.975)
    rho = float(np.tanh(athrho))
    lr_statistic = max(0.0, 2 * (llf - llf_separate))
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

    def effects(parameters: np.ndarray) -> np.ndarray:
        return _bivariate_probit_ames(model, parameters, exog, covariates).ravel()

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
                _inference_df(fit.result),
            )
            for i, equation in enumerate(equations)
        ],
        ignore_index=True,
    )


def _bivariate_probit_ames(
    model: BivariateProbit, params: np.ndarray, exog: pd.DataFrame, covariates: list[str]
) -> np.ndarray:
    """(4, n_covariates) array: AMEs on P(first), P(second), P(both), and AME_first − AME_second."""
    b1, b2, rho = model.split_params(params)
    columns = list(exog.columns)
    values = exog.to_numpy()
    result = np.empty((4, len(covariates)))
    for j, covariate in enumerate(covariates):
        position = columns.index(covariate)
        if set(np.unique(values[:, position])) <= {0.0, 1.0}:
            with_one, with_zero = values.copy(), values.copy()
            with_one[:, position], with_zero[:, position] = 1.0, 0.0
            change = (
                model.predict_probabilities(params, with_one) - model.predict_probabilities(params, with_zero)
            ).mean()
            result[:3, j] = change[["p_first", "p_second", "p_both"]].to_numpy()
        else:
            index_1, index_2 = values @ b1, values @ b2
            scale = np.sqrt(1 - rho**2)
            g_1 = stats.norm.pdf(index_1) * stats.norm.cdf((index_2 - rho * index_1) / scale)
            g_2 = stats.norm.pdf(index_2) * stats.norm.cdf((index_1 - rho * index_2) / scale)
            result[0, j] = np.mean(stats.norm.pdf(index_1)) * b1[position]
            result[1, j] = np.mean(stats.norm.pdf(index_2)) * b2[position]
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
        "Bivariate probit", f"{first} - {second}", list(covariates), estimates, errors, _inference_df(fit.result)
    )


# ----------------------------------------------------------------------------------------------
# 4. Count models
# ----------------------------------------------------------------------------------------------
def fit_negative_binomial(
    df: pd.DataFrame,
    outcome: str,
    covariates: Sequence[str],
    cluster: str = DEFAULT_CLUSTER,
    fixed_effects: bool = True,
    cov_type: str = "cluster",
) -> ModelFit:
    """NB2 regression of a tie count (variance mu + alpha mu²), SEs clustered; ``alpha`` is ancillary."""
    design = build_design(df, [outcome], covariates, cluster, fixed_effects, separation="count")
    _refuse_non_counts(design.endog[outcome], outcome)
    model = sm.NegativeBinomial(design.endog[outcome], design.exog, loglike_method="nb2")
    # BFGS finds the neighbourhood cheaply; Newton polishes and gives the covariance.
    start = _starting_values(model, method="bfgs", maxiter=2000)
    if start[-1] < ALPHA_BOUNDARY:
        # No overdispersion: the NB2 likelihood is flat in alpha at 0 and its Hessian singular;
        # the model is then the Poisson regression it converges to.
        result = sm.Poisson(design.endog[outcome], design.exog).fit(
            start_params=start[:-1], disp=False, method="newton", maxiter=100, **_cluster_fit_options(design, cov_type)
        )
        _require_converged(result, "Poisson", outcome)
        name = POISSON_AT_BOUNDARY
        coefficients = tidy_estimates(
            name, outcome, design.exog.columns, result.params, result.bse, _inference_df(result)
        )
        return _fit_from_design(
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
    result = model.fit(
        start_params=start, disp=False, method="newton", maxiter=100, **_cluster_fit_options(design, cov_type)
    )
    _require_converged(result, "Negative binomial", outcome)
    k = design.exog.shape[1]
    params, bse, inference_df = np.asarray(result.params), np.asarray(result.bse), _inference_df(result)
    name = "Negative binomial (NB2)"
    return _fit_from_design(
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
    inflation_exog = sm.add_constant(design.also_required[list(inflation_covariates)], has_constant="add")
    counts = design.endog[outcome]
    nb_start = _starting_values(
        sm.NegativeBinomial(counts, design.exog, loglike_method="nb2"), method="bfgs", maxiter=2000
    )
    start = np.concatenate([np.zeros(inflation_exog.shape[1]), nb_start])
    model = ZeroInflatedNegativeBinomialP(counts, design.exog, exog_infl=inflation_exog, inflation="logit", p=2)
    start = _starting_values(model, start_params=start, method="bfgs", maxiter=5000)
    result = model.fit(
        start_params=start, disp=False, method="newton", maxiter=100, **_cluster_fit_options(design, cov_type)
    )
    _require_converged(result, "Zero-inflated NB2", outcome)
    k_inflate, k = inflation_exog.shape[1], design.exog.shape[1]
    params, bse, inference_df = np.asarray(result.params), np.asarray(result.bse), _inference_df(result)
    name = "Zero-inflated NB2"
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
    return _fit_from_design(
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
    positive = data[data[outcome] > 0]
    design = build_design(positive, [outcome], covariates, cluster, fixed_effects=False, separation=None)
    model = TruncatedLFNegativeBinomialP(design.endog[outcome], design.exog, p=2)
    start = _starting_values(model, method="bfgs", maxiter=2000)
    poisson_count = start[-1] < ALPHA_BOUNDARY  # no overdispersion among positive counts: truncated Poisson
    if poisson_count:
        model = TruncatedLFPoisson(design.endog[outcome], design.exog)
        start = _starting_values(model, method="bfgs", maxiter=2000)
    count = model.fit(
        start_params=start, disp=False, method="newton", maxiter=100, **_cluster_fit_options(design, cov_type)
    )
    _require_converged(count, "Truncated count model", outcome)
    k = design.exog.shape[1]
    params, bse, inference_df = np.asarray(count.params), np.asarray(count.bse), _inference_df(count)
    name = "Hurdle Poisson (NB2 α at 0)" if poisson_count else "Hurdle NB2"
    coefficients = pd.concat(
        [
            hurdle.coefficients.assign(model=name, equation="any tie"),
            tidy_estimates(name, outcome, design.exog.columns, params[:k], bse[:k], inference_df),
        ],
        ignore_index=True,
    )
    log_likelihood = float(hurdle.log_likelihood + count.llf)
    n_params = len(hurdle.result.params) + len(params)
    # statsmodels' llnull for the truncated model runs Nelder-Mead for minutes; fit the constant-only model directly.
    ones = np.ones((len(design.endog), 1))
    constant_only = (
        TruncatedLFPoisson(design.endog[outcome], ones)
        if poisson_count
        else TruncatedLFNegativeBinomialP(design.endog[outcome], ones, p=2)
    )
    null_start = np.array([np.log(design.endog[outcome].mean())] + ([] if poisson_count else [1.0]))
    null_params = _starting_values(constant_only, start_params=null_start, method="bfgs", maxiter=2000)
    null_log_likelihood = float(hurdle.result.llnull + constant_only.loglike(null_params))
    return ModelFit(
        model=name,
        outcome=outcome,
        equations=["any tie", outcome],
        coefficients=coefficients,
        ancillary=tidy_estimates(name, "", ["alpha"], params[k:], bse[k:], inference_df)
        if not poisson_count
        else _empty_coefficients(),
        n_input=hurdle.n_input,
        n_obs=hurdle.n_obs,
        n_clusters=hurdle.n_clusters,
        log_likelihood=log_likelihood,
        aic=float(-2 * log_likelihood + 2 * n_params),
        pseudo_r2=float(1 - log_likelihood / null_log_likelihood),
        fixed_effects=fixed_effects,
        cluster=cluster,
        dropped=hurdle.dropped,
        result=count,
        extra={"n_positive": int(count.nobs), "alpha_at_boundary": poisson_count},
    )


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
