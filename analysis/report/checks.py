"""The regression chapter's checks of its own results: regional wealth, the timing of the record, the regions.

Each function fits the models of one check with :func:`analysis.report.findings.biprobit_comparison`
(or a count model) and returns the tables the chapter shows and the comparisons its prose needs;
the notebook publishes and glues them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from analysis.report import findings
from analysis.stats import count_models, hypotheses, public_outcomes

PAIR = ("us_any", "cn_any")
DISPLAY_COLUMNS = ["Variable", "US partner", "Chinese partner", "US minus China"]


def gdp_checks(
    data: pd.DataFrame,
    covariates: Sequence[str],
    country_level: Sequence[str],
    labels: Mapping[str, str],
    gdp: str = "log_gdp_per_head",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Four bivariate probits that ask where the negative within-country effect of ``gdp`` comes from.

    The main model; a model without country fixed effects with ``gdp`` split into the country
    mean and the deviation from it (plus ``country_level`` covariates); the main model plus the
    log number of frame cities in the region; the main model without the capital regions.
    Returns the display table (the ``gdp`` rows and the crowding term of each model, with a
    ``Model`` column) and the full comparison of the model without fixed effects.
    """
    covariates = list(covariates)
    within_between = [c for c in covariates if c != gdp] + [f"{gdp}_within", f"{gdp}_country_mean", *country_level]
    models = {
        "Main model (country fixed effects)": (data, covariates, True),
        "Between and within (no fixed effects)": (
            hypotheses.split_within_between(data, [gdp]),
            within_between,
            False,
        ),
        "With frame cities in the region": (
            hypotheses.add_region_crowding(data),
            [*covariates, "log_region_frame_cities"],
            True,
        ),
        "Without the capital regions": (
            data[~hypotheses.in_capital_region(data)],
            [c for c in covariates if c != "is_capital"],
            True,
        ),
    }
    rows, between = [], pd.DataFrame()
    for title, (frame, terms, fixed_effects) in models.items():
        _, comparison = findings.biprobit_comparison(frame, PAIR, terms, labels, fixed_effects, model=title)
        shown = comparison[comparison["term"].str.startswith(gdp) | (comparison["term"] == "log_region_frame_cities")]
        rows.append(findings.comparison_display(shown).assign(Model=title))
        if not fixed_effects:
            between = comparison
    return pd.concat(rows, ignore_index=True)[["Model", *DISPLAY_COLUMNS]], between


def timing_checks(
    data: pd.DataFrame,
    relations: pd.DataFrame,
    cutoff_year: int,
    covariates: Sequence[str],
    terms: Sequence[str],
    labels: Mapping[str, str],
) -> dict[str, Any]:
    """Ties by first snapshot, and the bivariate probit on ties recorded by ``cutoff_year`` and after it.

    ``data`` is the public city table ready for the models. Returns ``first_records``
    (:func:`~analysis.stats.public_outcomes.first_record_counts`), ``table`` (the AMEs of
    ``terms`` in both models, with an ``Outcome`` column) and ``comparisons`` (period ->
    the full comparison; periods "by" and "after").
    """
    timed = data.merge(public_outcomes.recorded_by_period(data, relations, cutoff_year), on="city_id")
    rows, comparisons = [], {}
    for period in ("by", "after"):
        outcomes = (f"us_any_{period}_{cutoff_year}", f"cn_any_{period}_{cutoff_year}")
        _, comparison = findings.biprobit_comparison(
            timed, outcomes, covariates, labels, model=f"Ties recorded {period} {cutoff_year}"
        )
        comparisons[period] = comparison
        shown = findings.comparison_display(comparison[comparison["term"].isin(terms)])
        rows.append(shown.assign(Outcome=f"Recorded {period} {cutoff_year}"))
    table = pd.concat(rows, ignore_index=True)[["Outcome", *DISPLAY_COLUMNS, "Favours"]]
    first_records = public_outcomes.first_record_counts(data, relations)
    return {"first_records": first_records, "table": table, "comparisons": comparisons}


FIRST_RECORD_LABELS = {
    "first_recorded": "First recorded (snapshot year)",
    "us_ties": "US ties",
    "cn_ties": "Chinese ties",
    "us_share_by": "US: share recorded by then",
    "cn_share_by": "Chinese: share recorded by then",
}


def region_models(regions: pd.DataFrame, covariates: Sequence[str], labels: Mapping[str, str]) -> dict[str, Any]:
    """Region-level bivariate probit of any US / Chinese partnership and NB2 models of their numbers.

    ``regions`` is :func:`~analysis.stats.public_outcomes.public_region_outcome` output. No
    country fixed effects (few regions per country); SEs clustered by country. Returns ``fit``,
    ``comparison`` and ``counts`` (label -> NB2 fit or :class:`~analysis.report.findings.NotEstimableNote`).
    """
    data = findings.model_data(regions)
    fit, comparison = findings.biprobit_comparison(
        data, PAIR, covariates, labels, fixed_effects=False, model="Regional bivariate probit"
    )
    counts = {
        label: findings.fit_or_explain(
            count_models.fit_negative_binomial,
            data,
            outcome,
            covariates,
            fixed_effects=False,
            model="Regional NB2",
            outcome=outcome,
        )
        for label, outcome in (("US partnerships", "us_tie_count"), ("Chinese partnerships", "cn_tie_count"))
    }
    return {"fit": fit, "comparison": comparison, "counts": counts}
