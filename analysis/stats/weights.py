"""Non-response weights of the phase-1 survey and the weighted shares they give, with design-based errors.

Three steps, each reported (:class:`SurveyWeights`):

1. **Response propensity.** A logit (statsmodels) of ``responded`` over every frame unit on the
   weighting cells of country and size class (:func:`analysis.stats.nonresponse.collapse_cells`:
   countries or pooled country groups; city size classes, regions as their own class) and the
   public-data outcomes (a US partner, a Chinese partner in Wikipedia or Wikidata), which the
   survey also asks about. Covariates that are constant or collinear in the sample are dropped and
   listed. The inverse of the fitted propensity is each respondent's base weight.
2. **Trimming.** Base weights above :data:`TRIM_MEDIAN_MULTIPLE` times their median are set to that
   bound (a "k times the median" rule; Potter 1990, ASA Survey Research Methods proceedings, reviews
   such rules); how many, and the largest weight before and after, are reported. Raking then restores
   the totals.
3. **Raking** the trimmed weights to the frame's country-cell and size-class-cell margins
   (iterative proportional fitting to :data:`RAKING_TOLERANCE`), so the weights are positive, sum
   to the number of frame units and reproduce both margins.

**Libraries.** ``balance`` (Meta) would fit propensities and rake in one package, but it pins
numpy<2, pandas<3 and scipy 1.13, so it was rejected. ``weightipy`` rakes, but its ``Rake`` starts
every unit at weight 1 (``weightipy/internal/rim.py`` sets the weight column to 1.0 before
iterating) and so cannot rake *from* the propensity weights, and it stops when the improvement per
sweep falls under 1%, not at a stated misfit. ``svy`` (the maintained successor of samplics) rakes
from the design weight (``Sample.weighting.rake``, Rust kernel, relative tolerance, an error when it
does not converge) and estimates with Taylor linearisation, so it does both step 3 and the
estimates; ``weightipy`` is kept as an independent check of the raking in the tests (unit base
weights, where both must agree).

**Variance.** :func:`weighted_shares` treats the respondents as a stratified sample of the frame
with strata = the country cells (countries, or pooled groups where a country has too few
respondents, so every stratum has at least :data:`~analysis.stats.nonresponse.MIN_CELL_RESPONDENTS`
units), each unit its own PSU, with replacement (no finite-population correction: conservative,
as response is not a designed draw) and the final weights held fixed (the variance the
calibration removes is not credited: conservative again). Shares are domain means (unit type;
"don't know" answers leave the domain, not the design) by svy's ``estimation.prop``: the
linearised variance ``sum_h n_h/(n_h-1) sum_i (z_hi - zbar_h)^2`` with
``z_i = w_i d_i (y_i - p_d) / sum_j w_j d_j`` (``d_i`` 1 in the domain), intervals on the logit
scale with ``n - H`` degrees of freedom of the domain (svy's choice), or Korn and Graubard's
(Clopper-Pearson with the effective sample size) where the share is 0 or 1. The test checks it against
this formula by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import polars as pl
import statsmodels.api as sm
import svy

from analysis.stats.fitting import fit_checked, inference_degrees_of_freedom, tidy_estimates
from analysis.stats.nonresponse import PUBLIC_OUTCOMES, REGION_CLASS, collapse_cells, with_cells

# Base weights above this multiple of their median are trimmed to it before raking.
TRIM_MEDIAN_MULTIPLE = 5.0
# Raking stops when every margin level is within this relative misfit of its frame count.
RAKING_TOLERANCE = 1e-8
RAKING_MAX_ITERATIONS = 500
STRATUM = "country_cell"
# Survey items estimated as weighted shares: partner country -> the yes/no/dont_know item.
SHARE_ITEMS = {"US": "has_us_partner", "CN": "has_cn_partner"}
ALL_UNITS = "all units"
SHARE_COLUMNS = [
    "unit_type",
    "partner",
    "answering",
    "yes",
    "no",
    "dont_know",
    "share_unweighted",
    "share_weighted",
    "std_error",
    "ci_low",
    "ci_high",
    "ci_method",
    "df",
]
# Intervals of a share: on the logit scale; where the share is 0 or 1, Korn and Graubard's (1998).
CI_METHODS = ("logit", "korn-graubard")


@dataclass
class SurveyWeights:
    """What :func:`survey_weights` returns.

    ``weights``: one row per respondent (``unit_id, unit_type, country_iso2, country_cell,
    size_class_cell, propensity, base_weight, trimmed_weight, weight``); ``cells``: the collapse
    report (:func:`~analysis.stats.nonresponse.collapse_cells`); ``propensity_terms``: the logit's
    coefficient table; ``dropped_terms``: covariates left out (constant or collinear) with the
    reason; ``trimming``: bound, count trimmed, largest weight before and after; ``margins``: frame
    count, weighted total and respondents per raking cell; ``summary``: respondents, frame units,
    weight range, Kish's design effect of weighting ``1 + cv^2`` and effective sample size.
    """

    weights: pd.DataFrame
    cells: pd.DataFrame
    propensity_terms: pd.DataFrame
    dropped_terms: dict[str, str]
    trimming: dict[str, float]
    margins: pd.DataFrame
    summary: dict[str, float] = field(default_factory=dict)


# --------------------------------------------------------------------------- 1. propensity


def propensity_design(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Design matrix of the propensity logit (constant, cell dummies, public outcomes) and the dropped covariates.

    ``frame``: :func:`~analysis.stats.nonresponse.nonresponse_frame` with the cells of
    :func:`~analysis.stats.nonresponse.with_cells`. The reference cell of each dimension is its
    largest; ``is_region`` enters only when regions share a size cell with cities. A covariate
    that is constant, or a linear combination of those before it, is dropped and named.
    """
    columns: dict[str, pd.Series] = {"const": pd.Series(1.0, index=frame.index)}
    for prefix, cell in (("country", "country_cell"), ("size", "size_class_cell")):
        reference = frame[cell].value_counts().index[0]
        for level in sorted(set(frame[cell]) - {reference}):
            columns[f"{prefix}[{level}]"] = frame[cell].eq(level).astype(float)
    if not frame.loc[frame["unit_type"].eq("region"), "size_class_cell"].eq(REGION_CLASS).all():
        columns["is_region"] = frame["unit_type"].eq("region").astype(float)
    for outcome in PUBLIC_OUTCOMES:
        columns[outcome] = frame[outcome].astype(float)
    kept: list[str] = []
    dropped: dict[str, str] = {}
    for name, values in columns.items():
        if name != "const" and values.nunique() < 2:
            dropped[name] = "constant over the frame"
            continue
        trial = pd.DataFrame({**{k: columns[k] for k in kept}, name: values})
        if np.linalg.matrix_rank(trial.to_numpy()) < trial.shape[1]:
            dropped[name] = "collinear with the cells before it"
            continue
        kept.append(name)
    return pd.DataFrame({name: columns[name] for name in kept}), dropped


def fit_propensity(frame: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame, dict[str, str]]:
    """Fitted response propensity of every frame unit, the coefficient table and the dropped covariates.

    Raises :class:`~analysis.stats.errors.NotEstimable` when the logit cannot be fitted (perfect
    separation despite the collapsed cells, no convergence).
    """
    exog, dropped = propensity_design(frame)
    result = fit_checked(
        sm.Logit(frame["responded"].astype(float), exog), "Response propensity logit", "responded", maxiter=200
    )
    terms = tidy_estimates(
        "Response propensity logit",
        "responded",
        exog.columns,
        result.params,
        result.bse,
        inference_degrees_of_freedom(result),
    )
    return pd.Series(result.predict(exog), index=frame.index, name="propensity"), terms, dropped


# --------------------------------------------------------------------------- 2. trimming


def trim_weights(weights: pd.Series, multiple: float = TRIM_MEDIAN_MULTIPLE) -> tuple[pd.Series, dict[str, float]]:
    """``weights`` capped at ``multiple`` times their median, and the report (bound, trimmed count, max before/after)."""
    bound = float(multiple * weights.median())
    trimmed = weights.clip(upper=bound)
    return trimmed, {
        "median_multiple": multiple,
        "bound": bound,
        "trimmed": int((weights > bound).sum()),
        "max_before": float(weights.max()),
        "max_after": float(trimmed.max()),
    }


# --------------------------------------------------------------------------- 3. raking


def rake_to_frame(respondents: pd.DataFrame, base_weight: str, frame: pd.DataFrame, margins: list[str]) -> pd.Series:
    """Weights raked from ``respondents[base_weight]`` to the frame's counts on each column of ``margins``.

    Every level of a margin in ``frame`` must have respondents (collapse the cells first); raking
    runs in svy (:data:`RAKING_TOLERANCE`) and raises when it does not converge.
    """
    controls: dict[str, dict[str, float]] = {}
    for margin in margins:
        empty = sorted(set(frame[margin]) - set(respondents[margin]))
        if empty:
            raise ValueError(f"rake_to_frame: margin {margin!r} has frame levels without respondents: {empty}")
        controls[margin] = {str(level): float(count) for level, count in frame[margin].value_counts().items()}
    data = pl.DataFrame(
        {
            **{margin: respondents[margin].astype(str).to_list() for margin in margins},
            "base_weight": respondents[base_weight].astype(float).to_numpy(),
        }
    )
    sample = svy.Sample(data, svy.Design(wgt="base_weight"))
    raked = sample.weighting.rake(
        controls=controls, wgt_name="raked_weight", tol=RAKING_TOLERANCE, max_iter=RAKING_MAX_ITERATIONS
    )
    return pd.Series(raked.data["raked_weight"].to_numpy(), index=respondents.index, name="weight")


def margin_check(weights: pd.DataFrame, frame: pd.DataFrame, margins: list[str]) -> pd.DataFrame:
    """Per raking cell: ``margin, cell, frame_units, respondents, weighted_total`` (the weights' reproduction of the frame)."""
    rows = []
    for margin in margins:
        frame_counts = frame[margin].value_counts()
        totals = weights.groupby(margin)["weight"].agg(["sum", "size"])
        for cell, count in frame_counts.items():
            rows.append(
                {
                    "margin": margin,
                    "cell": cell,
                    "frame_units": int(count),
                    "respondents": int(totals["size"].get(cell, 0)),
                    "weighted_total": float(totals["sum"].get(cell, 0.0)),
                }
            )
    return pd.DataFrame(rows)


def survey_weights(frame: pd.DataFrame) -> SurveyWeights:
    """Propensity, trimming and raking for the respondents of ``frame`` (:func:`~analysis.stats.nonresponse.nonresponse_frame`)."""
    cells = collapse_cells(frame)
    framed = with_cells(frame, cells)
    propensity, terms, dropped = fit_propensity(framed)
    respondents = framed[framed["responded"]].assign(propensity=propensity)
    respondents["base_weight"] = 1.0 / respondents["propensity"]
    respondents["trimmed_weight"], trimming = trim_weights(respondents["base_weight"])
    margins = ["country_cell", "size_class_cell"]
    respondents["weight"] = rake_to_frame(respondents, "trimmed_weight", framed, margins)
    columns = ["unit_id", "unit_type", "country_iso2", "country_cell", "size_class_cell"]
    weights = respondents[[*columns, "propensity", "base_weight", "trimmed_weight", "weight"]].reset_index(drop=True)
    w = weights["weight"]
    design_effect = float(1 + (w.std(ddof=0) / w.mean()) ** 2)
    summary = {
        "respondents": len(weights),
        "frame_units": len(frame),
        "weight_sum": float(w.sum()),
        "weight_min": float(w.min()),
        "weight_max": float(w.max()),
        "weighting_design_effect": design_effect,
        "effective_sample_size": float(len(weights) / design_effect),
    }
    return SurveyWeights(weights, cells, terms, dropped, trimming, margin_check(weights, framed, margins), summary)


# --------------------------------------------------------------------------- weighted estimates


def _answer_counts(data: pd.DataFrame, item: str) -> dict[str, int]:
    answers = data[item].astype("string")
    return {
        "answering": int(answers.isin(["yes", "no"]).sum()),
        "yes": int(answers.eq("yes").sum()),
        "no": int(answers.eq("no").sum()),
        "dont_know": int((~answers.isin(["yes", "no"])).sum()),
    }


def domain_share(sample: svy.Sample, domain: str | None) -> dict[str, float | str]:
    """Share of yes in the domain: logit interval, or Korn-Graubard's where the share is 0 or 1 (logit gives none).

    ``sample``: an svy sample whose data hold ``answered`` (bool: in the share's base), ``yes`` (0/1)
    and ``unit_type``; ``domain``: a unit type, or ``None`` for all units. Returns ``share_weighted,
    std_error, ci_low, ci_high, ci_method, df`` (also used by :mod:`analysis.stats.comparison_earlier`).
    """
    where = svy.col("answered") == True  # noqa: E712 (a svy expression, not a Python comparison)
    if domain is not None:
        where = where & (svy.col("unit_type") == domain)
    for method in CI_METHODS:
        estimate = sample.estimation.prop("yes", where=where, ci_method=method).to_polars()
        ones, zeros = estimate.filter(pl.col("yes") == 1), estimate.filter(pl.col("yes") == 0)
        if ones.is_empty():  # nobody said yes: the interval of "no", mirrored
            share, se = 0.0, float(zeros["se"][0])
            low, high = 1 - float(zeros["uci"][0]), 1 - float(zeros["lci"][0])
        else:
            share, se, low, high = (float(ones[column][0]) for column in ("est", "se", "lci", "uci"))
        if np.isfinite(low) and np.isfinite(high):
            break
    df = float((ones if not ones.is_empty() else zeros)["df"][0])
    return {"share_weighted": share, "std_error": se, "ci_low": low, "ci_high": high, "ci_method": method, "df": df}


def weighted_shares(responses: pd.DataFrame, weights: pd.DataFrame, strata: str = STRATUM) -> pd.DataFrame:
    """Weighted share of units reporting a US and a Chinese partner, for all units and by unit type.

    ``responses``: the clean ``survey_responses`` table; ``weights``: ``SurveyWeights.weights``
    (``unit_id, weight`` and the ``strata`` column). Returns :data:`SHARE_COLUMNS`: the answer
    counts (``answering`` = yes + no; "don't know" is left out of the share), the unweighted and
    weighted share, its linearised standard error and 95% interval (see the module docstring).
    """
    data = responses.merge(weights[["unit_id", "weight", strata]], on="unit_id", how="inner", validate="one_to_one")
    if len(data) != len(responses):
        raise ValueError(f"weighted_shares: {len(responses) - len(data)} respondents have no weight")
    rows = []
    for partner, item in SHARE_ITEMS.items():
        answered = data[item].isin(["yes", "no"])
        table = pl.DataFrame(
            {
                "unit_type": data["unit_type"].astype(str).to_list(),
                "stratum": data[strata].astype(str).to_list(),
                "weight": data["weight"].astype(float).to_numpy(),
                "answered": answered.to_numpy(),
                "yes": data[item].eq("yes").astype(int).to_numpy(),
            }
        )
        sample = svy.Sample(table, svy.Design(stratum="stratum", wgt="weight"))
        for domain in (None, *sorted(data["unit_type"].unique())):
            subset = data if domain is None else data[data["unit_type"].eq(domain)]
            counts = _answer_counts(subset, item)
            unweighted = counts["yes"] / counts["answering"] if counts["answering"] else np.nan
            rows.append(
                {
                    "unit_type": ALL_UNITS if domain is None else domain,
                    "partner": partner,
                    **counts,
                    "share_unweighted": unweighted,
                    **domain_share(sample, domain),
                }
            )
    return pd.DataFrame(rows, columns=SHARE_COLUMNS)
