"""What every model of the compendium shares: the design matrix, the fitted-model record, tidy tables, checked fitting.

Every model takes a DataFrame with one row per unit (city or region), the outcome
column(s), a list of covariate columns and the cluster column (``country_iso2``).
:func:`build_design` drops incomplete and separated rows (and records them), and builds
[constant, covariates, country dummies]; :func:`fit_checked` fits a statsmodels model and
raises :class:`~analysis.stats.errors.NotEstimable` when the sample cannot identify it;
:func:`fit_from_design` returns a :class:`ModelFit`: a tidy coefficient table
(:func:`tidy_estimates`) plus the numbers a notebook glues (N, clusters, log-likelihood,
AIC, pseudo-R²) and the rows that were dropped.

Inference is built for about 27 country clusters: standard errors are clustered by
country (CRV1 with the small-sample correction G/(G-1)·(N-1)/(N-K)), and t / F reference
distributions use G-1 degrees of freedom (:func:`cluster_fit_options`).

Country fixed effects are dummies. A country in which an outcome never varies (all 0
or all 1; for counts, all zero) is perfectly separated by its dummy, so it is dropped
and recorded in ``ModelFit.dropped`` with its row count. Covariates that only vary
between countries are absorbed by the fixed effects: the design is then singular and
:class:`~analysis.stats.errors.NotEstimable` is raised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from analysis.stats.errors import NotEstimable, estimation_failures

DEFAULT_CLUSTER = "country_iso2"
CONSTANT = "const"
FIXED_EFFECT_PREFIX = "fe["
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

    Raises :class:`~analysis.stats.errors.NotEstimable` when no rows are left, a binary
    outcome does not vary (a count outcome is all zero), or the design is rank deficient
    (collinear covariates, a covariate absorbed by the fixed effects, fewer rows than columns).
    """
    outcomes, covariates, also_required = list(outcomes), list(covariates), list(also_required)
    used = list(dict.fromkeys([*outcomes, *covariates, *also_required, cluster]))
    missing_columns = [column for column in used if column not in df.columns]
    if missing_columns:
        raise KeyError(f"build_design: columns {missing_columns} are not in the data (has {list(df.columns)})")
    data, dropped_parts = _drop_incomplete_rows(df, used, cluster)
    _refuse_constant_outcomes(data, outcomes, separation)
    if fixed_effects and separation is not None:
        data, separated_parts = _drop_separated_clusters(data, outcomes, cluster, separation)
        dropped_parts += separated_parts
    if data.empty:
        raise NotEstimable(
            f"build_design: no rows left for outcomes {outcomes} after dropping missing and separated rows"
        )
    exog, fixed_effect_terms = _design_matrix(data, covariates, cluster, fixed_effects)
    _refuse_rank_deficient(exog, outcomes)

    dropped = pd.concat(dropped_parts, ignore_index=True) if dropped_parts else pd.DataFrame(columns=DROPPED_COLUMNS)
    dropped["rows"] = dropped["rows"].astype(int)
    assert len(df) == len(data) + dropped["rows"].sum(), "row accounting in build_design is broken"
    cluster_labels = data[cluster].astype(str)
    return Design(
        endog=data[outcomes].astype(float),
        exog=exog,
        cluster_labels=cluster_labels,
        groups=pd.factorize(cluster_labels)[0],
        covariates=covariates,
        fixed_effect_terms=fixed_effect_terms,
        dropped=dropped,
        n_input=len(df),
        also_required=data[also_required].astype(float),
    )


def _drop_incomplete_rows(df: pd.DataFrame, used: list[str], cluster: str) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """The complete rows of the ``used`` columns, and the dropped rows counted by cluster and missing columns."""
    incomplete = df[used].isna().any(axis=1)
    if not incomplete.any():
        return df[used], []
    reasons = df.loc[incomplete, used].isna().apply(lambda row: "missing " + ", ".join(row.index[row]), axis=1)
    return df.loc[~incomplete, used], [_count_dropped(df.loc[incomplete, cluster], reasons)]


def _refuse_constant_outcomes(data: pd.DataFrame, outcomes: list[str], separation: str | None) -> None:
    """A binary outcome with one value, or a count outcome that is all zero, leaves nothing to explain."""
    if data.empty:
        return
    for outcome in outcomes:
        if separation == "binary" and data[outcome].nunique() == 1:
            raise NotEstimable(
                f"build_design: '{outcome}' is always {data[outcome].iloc[0]:g} on this sample (no variation to model)"
            )
        if separation == "count" and data[outcome].max() == 0:
            raise NotEstimable(
                f"build_design: '{outcome}' is zero for every row of this sample (no variation to model)"
            )


def _drop_separated_clusters(
    data: pd.DataFrame, outcomes: list[str], cluster: str, separation: str
) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """The rows of clusters that their fixed effect would not separate, and the dropped rows counted by reason."""
    separated = _separated_clusters(data, outcomes, cluster, separation)
    if not separated:
        return data, []
    is_separated = data[cluster].isin(separated.keys())
    reasons = data.loc[is_separated, cluster].map(separated)
    return data.loc[~is_separated], [_count_dropped(data.loc[is_separated, cluster], reasons)]


def _design_matrix(
    data: pd.DataFrame, covariates: list[str], cluster: str, fixed_effects: bool
) -> tuple[pd.DataFrame, list[str]]:
    """[const, covariates] and, with ``fixed_effects``, one dummy per cluster but the first; and the dummies' names."""
    exog = sm.add_constant(data[covariates].astype(float), has_constant="add")
    if not fixed_effects:
        return exog, []
    _refuse_absorbed_covariates(data, covariates, cluster)
    dummies = pd.get_dummies(data[cluster].astype(str), prefix="fe", prefix_sep="[", drop_first=True, dtype=float)
    dummies.columns = [f"{name}]" for name in dummies.columns]
    return pd.concat([exog, dummies], axis=1), list(dummies.columns)


def _count_dropped(cluster_values: pd.Series, reasons: pd.Series) -> pd.DataFrame:
    """Dropped rows counted by cluster and reason (columns :data:`DROPPED_COLUMNS`)."""
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
            raise NotEstimable(
                f"build_design: covariate '{covariate}' is constant within every {cluster}, so the country fixed "
                "effects absorb it; drop it from the covariates or fit with fixed_effects=False"
            )


def _refuse_rank_deficient(exog: pd.DataFrame, outcomes: list[str]) -> None:
    """A singular design (collinear columns, or fewer rows than columns) identifies no unique estimate."""
    rank = np.linalg.matrix_rank(exog.to_numpy())
    if rank < exog.shape[1]:
        raise NotEstimable(
            f"build_design: the design for {outcomes} has {exog.shape[0]} rows and {exog.shape[1]} columns but "
            f"rank {rank}; some covariates are collinear (with each other or with the fixed effects)"
        )


# ----------------------------------------------------------------------------------------------
# Fitting and tidy output
# ----------------------------------------------------------------------------------------------
def cluster_fit_options(design: Design, cov_type: str) -> dict[str, Any]:
    """statsmodels ``fit`` options: CRV1 with small-sample correction and t(G-1), or naive.

    Clustered errors need two clusters or more and more rows than columns (the correction
    divides by G-1 and N-K); otherwise :class:`~analysis.stats.errors.NotEstimable` is raised.
    """
    if cov_type == "cluster":
        if design.n_clusters < 2 or len(design.exog) <= design.exog.shape[1]:
            raise NotEstimable(
                f"clustered standard errors need at least two clusters and more rows than columns; this sample "
                f"has {design.n_clusters} cluster(s), {len(design.exog)} rows and {design.exog.shape[1]} columns"
            )
        return {"cov_type": "cluster", "cov_kwds": {"groups": design.groups, "use_correction": True}, "use_t": True}
    if cov_type == "nonrobust":
        return {"cov_type": "nonrobust"}
    raise ValueError(f"cov_type must be 'cluster' or 'nonrobust'; got {cov_type!r}")


def inference_degrees_of_freedom(result) -> float | None:
    """Degrees of freedom of the t reference distribution, or None for the normal."""
    if not getattr(result, "use_t", False):
        return None
    return float(getattr(result, "df_resid_inference", result.df_resid))


def fit_checked(model, name: str, outcome: str, **fit_options: Any):
    """``model.fit(disp=False, **fit_options)``, refusing a fit that the sample cannot support.

    Raises :class:`~analysis.stats.errors.NotEstimable` (naming ``name`` and ``outcome``) on
    perfect separation, a singular matrix, or when the optimiser reports no convergence.
    """
    with estimation_failures(name, outcome):
        result = model.fit(disp=False, **fit_options)
    retvals = getattr(result, "mle_retvals", None) or {}
    if not retvals.get("converged", True):
        raise NotEstimable(
            f"{name} of '{outcome}' did not converge ({retvals}); check for separation or rescale covariates"
        )
    return result


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


def empty_coefficients() -> pd.DataFrame:
    """A coefficient table without rows (in :data:`COEFFICIENT_COLUMNS`)."""
    return pd.DataFrame(columns=COEFFICIENT_COLUMNS)


def fit_from_design(
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
        "ancillary": empty_coefficients(),
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
