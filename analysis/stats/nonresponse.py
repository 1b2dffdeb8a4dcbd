"""Non-response of the phase-1 survey: who answered, how respondents differ from the rest, and the weighting cells.

The survey invites every unit of the frame (:func:`analysis.build.outcomes.frame_units`: cities
over 50,000 and NUTS2 regions), so non-response is the only selection. This module describes it:

- :func:`nonresponse_frame`: one row per frame unit with ``responded``, its country, its size
  cell (the city size classes of :data:`~analysis.build.covariates.SIZE_CLASS_LABELS`, and
  :data:`REGION_CLASS` for regions, whose population the frame does not hold) and the
  public-data outcomes (:func:`public_partner_indicators`: a US or Chinese partner in Wikipedia or
  Wikidata, the same definitions as the analysis tables, :data:`~analysis.build.outcomes.DEFINITIONS`);
- :func:`response_rates`: frame units, respondents and the response rate by country, size cell
  and unit type;
- :func:`compare_respondents`: respondents against non-respondents on the public outcomes
  (difference in shares, Newcombe's interval, a two-sample z test) and on population (cities:
  ratio of geometric means, Welch's t on log population);
- :func:`collapse_cells`: the weighting cells of the propensity model and of the raking
  (:mod:`analysis.stats.weights`). A cell needs :data:`MIN_CELL_RESPONDENTS` respondents and
  :data:`MIN_CELL_NONRESPONDENTS` non-respondents. Countries that fall short are pooled
  within their M49 sub-region of Europe (``analysis/reference/country_groups.csv``), what still falls
  short is pooled across sub-regions, and a last short cell joins the smallest cell that passes;
  size cells that fall short merge with their neighbour in size order (regions follow the largest
  cities). Every merge is returned with its reason; nothing is collapsed silently.

Functions take the frame units and the respondent ids and return tidy DataFrames; none reads the
survey answers themselves, so the same code serves the synthetic sample and the real export.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from analysis.build.covariates import SIZE_CLASS_LABELS, size_class
from analysis.build.outcomes import DEFINITIONS, WIKIDATA_FLAGS, meets, tie_attributes
from analysis.core.reference import read_reference_table

# A weighting cell (propensity-model category and raking margin level) needs this many respondents:
# fewer gives adjustment factors that rest on a handful of answers (Kalton and Flores-Cervantes 2003,
# "Weighting methods", Journal of Official Statistics 19(2), on collapsing small weighting cells).
MIN_CELL_RESPONDENTS = 10
# ... and at least one non-respondent: a cell in which every unit answered separates the propensity logit.
MIN_CELL_NONRESPONDENTS = 1
# The size cell of NUTS2 regions (the frame holds no population for them); it follows the largest city class.
REGION_CLASS = "NUTS2 region"
SIZE_CELL_ORDER: tuple[str, ...] = (*SIZE_CLASS_LABELS, REGION_CLASS)
COUNTRY_GROUPS_FILE = "country_groups.csv"
PUBLIC_OUTCOMES = {"us_partner_public": "us_any", "cn_partner_public": "cn_any"}
OUTCOME_LABELS = {
    "us_partner_public": "Share with a US partner (Wikipedia, Wikidata)",
    "cn_partner_public": "Share with a Chinese partner (Wikipedia, Wikidata)",
}
COLLAPSE_COLUMNS = ["dimension", "category", "cell", "frame_units", "respondents", "reason"]


@functools.cache
def country_groups() -> dict[str, str]:
    """``{country_iso2: M49 sub-region of Europe}`` for the EU-27 (``reference/country_groups.csv``)."""
    table = read_reference_table(COUNTRY_GROUPS_FILE, ["country_iso2", "country_group"])
    return dict(zip(table["country_iso2"], table["country_group"], strict=True))


def public_partner_indicators(units: pd.DataFrame, relations: pd.DataFrame) -> pd.DataFrame:
    """``unit_id, us_partner_public, cn_partner_public``: a US / Chinese partner in the public sources, per frame unit.

    Cities and regions alike (relations' ``eu_city_id`` or ``eu_region_code``), a tie counting when
    Wikipedia or any Wikidata snapshot records it and it meets the outcome definition ``us_any`` /
    ``cn_any`` (:data:`~analysis.build.outcomes.DEFINITIONS`, as in the analysis tables).
    """
    public = relations["in_wikipedia_2026"].astype(bool) | relations[list(WIKIDATA_FLAGS)].astype(bool).any(axis=1)
    ties = relations[public].copy()
    ties["unit_id"] = ties["eu_city_id"].astype("string").fillna(ties["eu_region_code"].astype("string"))
    attributes = tie_attributes(ties)
    table = pd.DataFrame({"unit_id": units["unit_id"].astype(str).to_numpy()})
    for column, outcome in PUBLIC_OUTCOMES.items():
        with_tie = set(ties.loc[meets(attributes, DEFINITIONS[outcome]), "unit_id"].dropna())
        table[column] = table["unit_id"].isin(with_tie)
    return table


def nonresponse_frame(units: pd.DataFrame, respondent_ids: Iterable[str], public: pd.DataFrame) -> pd.DataFrame:
    """One row per frame unit: ``unit_id, unit_type, country_iso2, country_group, size_cell, population, responded``
    and the public outcomes (``public``: :func:`public_partner_indicators`).

    ``respondent_ids`` are the ``unit_id`` of ``survey_responses``; an id outside the frame raises
    (the survey loader quarantines such rows, so one here is a bug).
    """
    respondents = set(respondent_ids)
    unknown = sorted(respondents - set(units["unit_id"].astype(str)))
    if unknown:
        raise ValueError(f"nonresponse_frame: {len(unknown)} respondent ids are not frame units, e.g. {unknown[:3]}")
    groups = country_groups()
    frame = units[["unit_id", "unit_type", "country_iso2", "population"]].copy()
    frame["unit_id"] = frame["unit_id"].astype(str)
    frame["country_group"] = frame["country_iso2"].map(groups)
    if frame["country_group"].isna().any():
        missing = sorted(frame.loc[frame["country_group"].isna(), "country_iso2"].unique())
        raise ValueError(f"{COUNTRY_GROUPS_FILE}: no country group for {missing}")
    classes = size_class(frame["population"].astype(float)).astype(object)
    frame["size_cell"] = np.where(frame["unit_type"].eq("region"), REGION_CLASS, classes)
    if frame["size_cell"].isna().any():
        raise ValueError("nonresponse_frame: a city without a population (or under 50,000) has no size class")
    frame["responded"] = frame["unit_id"].isin(respondents)
    merged = frame.merge(public, on="unit_id", how="left", validate="one_to_one")
    for column in PUBLIC_OUTCOMES:
        merged[column] = merged[column].fillna(False).astype(bool)
    return merged


# --------------------------------------------------------------------------- response rates


def _rate_rows(frame: pd.DataFrame, dimension: str, column: str, order: Sequence[str] | None) -> pd.DataFrame:
    counts = frame.groupby(column, observed=True)["responded"].agg(frame_units="size", respondents="sum")
    if order is not None:
        counts = counts.reindex([label for label in order if label in counts.index])
    counts = counts.reset_index().rename(columns={column: "category"})
    return counts.assign(dimension=dimension)


def response_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Response by unit type, size cell and country, then overall.

    ``dimension, category, frame_units, respondents, nonrespondents, response_rate`` (a fraction), one
    row per category; ``frame``: :func:`nonresponse_frame`. Counts are of units, so the table goes
    through :func:`analysis.stats.disclosure.suppress_table` before it is published.
    """
    parts = [
        _rate_rows(frame, "unit type", "unit_type", ("city", "region")),
        _rate_rows(frame, "size class", "size_cell", SIZE_CELL_ORDER),
        _rate_rows(frame, "country", "country_iso2", None),
        pd.DataFrame(
            {"category": ["all units"], "frame_units": [len(frame)], "respondents": [int(frame["responded"].sum())]}
        ).assign(dimension="all"),
    ]
    table = pd.concat(parts, ignore_index=True)
    table["frame_units"] = table["frame_units"].astype("int64")
    table["respondents"] = table["respondents"].astype("int64")
    table["nonrespondents"] = table["frame_units"] - table["respondents"]
    table["response_rate"] = table["respondents"] / table["frame_units"]
    return table[["dimension", "category", "frame_units", "respondents", "nonrespondents", "response_rate"]]


# --------------------------------------------------------------------------- respondents against non-respondents


def _share_row(frame: pd.DataFrame, column: str, label: str, alpha: float) -> dict[str, object]:
    responded = frame["responded"]
    yes_in, n_in = int(frame.loc[responded, column].sum()), int(responded.sum())
    yes_out, n_out = int(frame.loc[~responded, column].sum()), int((~responded).sum())
    low, high = confint_proportions_2indep(yes_in, n_in, yes_out, n_out, method="newcomb", alpha=alpha)
    _, p_value = (
        proportions_ztest([yes_in, yes_out], [n_in, n_out]) if 0 < yes_in + yes_out < n_in + n_out else (0, 1.0)
    )
    return {
        "characteristic": label,
        "units": "all",
        "respondents": yes_in / n_in,
        "nonrespondents": yes_out / n_out,
        "contrast": "difference (respondents - non-respondents)",
        "estimate": yes_in / n_in - yes_out / n_out,
        "ci_low": float(low),
        "ci_high": float(high),
        "test": "two-sample z test of proportions",
        "p_value": float(p_value),
        "n_respondents": n_in,
        "n_nonrespondents": n_out,
    }


def _population_row(frame: pd.DataFrame, alpha: float) -> dict[str, object]:
    cities = frame[frame["unit_type"].eq("city") & frame["population"].gt(0)]
    logs_in = np.log(cities.loc[cities["responded"], "population"].astype(float))
    logs_out = np.log(cities.loc[~cities["responded"], "population"].astype(float))
    test = stats.ttest_ind(logs_in, logs_out, equal_var=False)
    low, high = test.confidence_interval(confidence_level=1 - alpha)
    return {
        "characteristic": "Population, geometric mean (cities)",
        "units": "cities",
        "respondents": float(np.exp(logs_in.mean())),
        "nonrespondents": float(np.exp(logs_out.mean())),
        "contrast": "ratio (respondents / non-respondents)",
        "estimate": float(np.exp(logs_in.mean() - logs_out.mean())),
        "ci_low": float(np.exp(low)),
        "ci_high": float(np.exp(high)),
        "test": "Welch t test on log population",
        "p_value": float(test.pvalue),
        "n_respondents": len(logs_in),
        "n_nonrespondents": len(logs_out),
    }


def compare_respondents(
    frame: pd.DataFrame, alpha: float = 0.05, outcomes: Mapping[str, str] = OUTCOME_LABELS
) -> pd.DataFrame:
    """Respondents against non-respondents on the public outcomes and on city population, with tests and intervals.

    One row per characteristic: ``characteristic, units, respondents, nonrespondents`` (the value in
    each group), ``contrast, estimate, ci_low, ci_high`` (difference of shares with Newcombe's hybrid
    score interval; ratio of geometric means with Welch's interval on the log scale), ``test,
    p_value`` and the group sizes. A gap on an outcome the survey also asks about is the
    non-response bias the weights must correct (domain-methods 4.4). ``outcomes``: the 0/1 columns
    of ``frame`` to compare and their labels (the public outcomes by default; a crawl indicator
    serves as well, since the crawl covers every unit).
    """
    if frame["responded"].all() or not frame["responded"].any():
        raise ValueError("compare_respondents: needs both respondents and non-respondents")
    rows = [_share_row(frame, column, label, alpha) for column, label in outcomes.items()]
    if frame["unit_type"].eq("city").any():
        rows.append(_population_row(frame, alpha))
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- weighting cells


def _cell_counts(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    return frame.groupby(column, observed=True)["responded"].agg(frame_units="size", respondents="sum")


def _passes(respondents: int, frame_units: int) -> bool:
    """Whether a cell with these counts may stand on its own (:data:`MIN_CELL_RESPONDENTS`, :data:`MIN_CELL_NONRESPONDENTS`)."""
    return respondents >= MIN_CELL_RESPONDENTS and frame_units - respondents >= MIN_CELL_NONRESPONDENTS


def _cell_table(cells: Mapping[str, list[str]], counts: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"cell": cell, "respondents": counts.loc[members, "respondents"].sum(), "units": members}
            for cell, members in cells.items()
        ]
    ).assign(frame_units=lambda t: [int(counts.loc[m, "frame_units"].sum()) for m in t["units"]])


def _merge_into_smallest(cells: dict[str, list[str]], counts: pd.DataFrame, short: str) -> dict[str, list[str]]:
    """Merge cell ``short`` into the passing cell with the fewest respondents (label: both labels)."""
    table = _cell_table(cells, counts).set_index("cell")
    others = table.drop(index=short)
    target = others.sort_values(["respondents", "frame_units"], kind="stable").index[0]
    merged = {cell: members for cell, members in cells.items() if cell not in (short, target)}
    merged[f"{target} + {short}"] = cells[target] + cells[short]
    return merged


def _country_cells(counts: pd.DataFrame, groups: Mapping[str, str]) -> dict[str, list[str]]:
    passing = np.array([_passes(row.respondents, row.frame_units) for row in counts.itertuples()], dtype=bool)
    cells = {country: [country] for country in counts.index[passing]}
    pooled: dict[str, list[str]] = {}
    for country in counts.index[~passing]:
        pooled.setdefault(f"{groups[country]}, pooled", []).append(country)
    still_short: list[str] = []
    for label, members in pooled.items():
        total = counts.loc[members].sum()
        if _passes(total["respondents"], total["frame_units"]):
            cells[label] = members
        else:
            still_short += members
    if still_short:
        cells["other countries, pooled"] = still_short
    return cells


def _ordered_cells(counts: pd.DataFrame, order: Sequence[str]) -> dict[str, list[str]]:
    """Merge each short cell with its neighbour in ``order`` (the one with fewer respondents) until all pass."""
    blocks = [[label] for label in order if label in counts.index]
    while len(blocks) > 1:
        sizes = [counts.loc[block].sum() for block in blocks]
        short = [i for i, size in enumerate(sizes) if not _passes(size["respondents"], size["frame_units"])]
        if not short:
            break
        i = min(short, key=lambda k: (sizes[k]["respondents"], k))
        neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(blocks)]
        j = min(neighbours, key=lambda k: (sizes[k]["respondents"], k))
        low, high = sorted((i, j))
        blocks[low : high + 1] = [blocks[low] + blocks[high]]
    return {(block[0] if len(block) == 1 else f"{block[0]} to {block[-1]}"): block for block in blocks}


def _collapse_reason(category: str, members: list[str], own: pd.Series) -> str:
    respondents, units = int(own["respondents"]), int(own["frame_units"])
    if members == [category]:
        return ""
    if _passes(respondents, units):
        return f"{respondents} respondents of {units} units would pass; joined by short categories"
    return (
        f"{respondents} respondents of {units} units: fewer than {MIN_CELL_RESPONDENTS} respondents or "
        f"{MIN_CELL_NONRESPONDENTS} non-respondent(s); pooled"
    )


def collapse_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """The weighting cells of country and size class, with every merge and its reason.

    Returns ``dimension`` (``country`` or ``size class``), ``category`` (a country code or size
    class of the frame), ``cell`` (the weighting cell it belongs to), ``frame_units``,
    ``respondents`` (of the category) and ``reason`` (empty when the category is its own cell).
    Rules: :data:`MIN_CELL_RESPONDENTS` respondents and :data:`MIN_CELL_NONRESPONDENTS`
    non-respondents per cell; see the module docstring for the order of merging.
    """
    rows = []
    for dimension, column in (("country", "country_iso2"), ("size class", "size_cell")):
        counts = _cell_counts(frame, column)
        if dimension == "country":
            cells = _country_cells(counts, country_groups())
        else:
            cells = _ordered_cells(counts, SIZE_CELL_ORDER)
        while True:
            table = _cell_table(cells, counts)
            short = table[[not _passes(r, n) for r, n in zip(table["respondents"], table["frame_units"])]]
            if short.empty or len(table) == 1:
                break
            cells = _merge_into_smallest(cells, counts, short["cell"].iloc[0])
        for cell, members in cells.items():
            for category in members:
                own = counts.loc[category]
                rows.append(
                    {
                        "dimension": dimension,
                        "category": category,
                        "cell": cell,
                        "frame_units": int(own["frame_units"]),
                        "respondents": int(own["respondents"]),
                        "reason": _collapse_reason(category, members, own),
                    }
                )
    return pd.DataFrame(rows, columns=COLLAPSE_COLUMNS)


def with_cells(frame: pd.DataFrame, collapsed: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``country_cell`` and ``size_class_cell`` from :func:`collapse_cells`."""
    lookup = {
        dimension: dict(zip(part["category"], part["cell"])) for dimension, part in collapsed.groupby("dimension")
    }
    return frame.assign(
        country_cell=frame["country_iso2"].map(lookup["country"]),
        size_class_cell=frame["size_cell"].map(lookup["size class"]),
    )
