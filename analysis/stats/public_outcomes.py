"""The outcomes the regression chapter models, from the public sources only (Wikipedia, Wikidata).

The city table carries one column per source and partner (``us_any_wikipedia``,
``cn_tie_count_wikidata`` …) and combined columns. Until the team's exports arrive the crawl
and the survey are synthetic samples, and real and synthetic never pool, so the models do
not read the combined columns: :func:`public_outcome` rebuilds ``us_any``, ``cn_any``,
``us_tie_count`` and ``cn_tie_count`` from the public per-source columns and drops every
other source's columns, so that no synthetic value can reach a model.

It also holds the two public views the chapter needs beyond the city outcome:

* :func:`first_recorded` and :func:`recorded_by_period`: no public source dates a tie, but
  each snapshot (Wikidata 2016, 2017, 2022; Wikipedia 2026) says that the tie existed by
  then; the first snapshot that records a tie bounds its founding from above;
* :func:`public_region_outcome`: the NUTS2 regions with outcomes from their frame cities'
  public ties and from the region's own (public) ties.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.build.outcomes import PUBLIC_SOURCES

PARTNERS = ("us", "cn")
# Snapshot flags of the relations table and the year each snapshot was taken.
SNAPSHOT_YEARS = {
    "in_wikidata_2016": 2016,
    "in_wikidata_2017": 2017,
    "in_wikidata_2022": 2022,
    "in_wikipedia_2026": 2026,
}


def public_outcome(city_analysis: pd.DataFrame, sources: Sequence[str] = PUBLIC_SOURCES) -> pd.DataFrame:
    """The city table with ``us_any``, ``cn_any``, ``us_tie_count``, ``cn_tie_count`` from ``sources`` only.

    A city has a US (Chinese) partner when any of ``sources`` records one; its count is the
    largest count any of them gives (the rule of the combined columns, restricted to these
    sources: a lower bound of the union). Columns of other sources and the combined columns
    are dropped. Raises ``ValueError`` when a source is not public (a synthetic one cannot be
    asked for) and ``KeyError`` naming a missing per-source column.
    """
    not_public = sorted(set(sources) - set(PUBLIC_SOURCES))
    if not_public or not sources:
        raise ValueError(f"public_outcome: sources must be among {PUBLIC_SOURCES}; got {list(sources)}")
    needed = [
        f"{partner}_{kind}_{source}" for partner in PARTNERS for kind in ("any", "tie_count") for source in sources
    ]
    missing = [column for column in needed if column not in city_analysis.columns]
    if missing:
        raise KeyError(f"public_outcome: city table lacks the per-source columns {missing}")
    kept = [column for column in city_analysis.columns if not _is_outcome_column(column) or column in needed]
    table = city_analysis[kept].copy()
    for partner in PARTNERS:
        counts = table[[f"{partner}_tie_count_{source}" for source in sources]].astype("Float64")
        table[f"{partner}_tie_count"] = counts.max(axis=1, skipna=True).fillna(0).astype("int64")
        flags = table[[f"{partner}_any_{source}" for source in sources]].astype("boolean").fillna(False)
        table[f"{partner}_any"] = flags.any(axis=1).astype(bool)
    return table


def _is_outcome_column(column: str) -> bool:
    """Per-source and combined outcome columns (any source), and the flags that describe the combination."""
    prefixes = tuple(f"{group}_{kind}" for group in ("us", "cn", "eu", "other") for kind in ("any", "tie_count"))
    combined = {"foreign_tie_count", "partner_mix", "uses_synthetic_sources", "survey_responded"}
    return column.startswith(prefixes) or column in combined


# ----------------------------------------------------------------------------------------------
# Timing: the first snapshot that records a tie
# ----------------------------------------------------------------------------------------------
def first_recorded(relations: pd.DataFrame) -> pd.Series:
    """Year of the first public snapshot recording each tie (``NaN`` when none does).

    Uses the relations table's ``first_snapshot_year`` when it has one (the partnership table
    records it); otherwise derives it from the snapshot flags.
    """
    if "first_snapshot_year" in relations.columns:
        return relations["first_snapshot_year"].astype("Float64").astype(float)
    missing = [flag for flag in SNAPSHOT_YEARS if flag not in relations.columns]
    if missing:
        raise KeyError(f"first_recorded: relations lacks the snapshot flags {missing}")
    years = pd.DataFrame(
        {
            flag: np.where(relations[flag].fillna(False).astype(bool), year, np.nan)
            for flag, year in SNAPSHOT_YEARS.items()
        },
        index=relations.index,
    )
    return years.min(axis=1)


def recorded_by_period(city_analysis: pd.DataFrame, relations: pd.DataFrame, cutoff_year: int = 2017) -> pd.DataFrame:
    """Per frame city: any US / Chinese partner recorded by ``cutoff_year``, and any first recorded after it.

    Returns ``city_id`` with ``us_any_by_<cutoff>``, ``us_any_after_<cutoff>`` (and the same for
    ``cn``) as 0/1 floats. A tie "recorded by" the cutoff existed then; one "first recorded
    after" it is newer or was documented later. Ties of cities outside the frame are ignored.
    """
    ties = relations[relations["eu_city_id"].isin(city_analysis["city_id"])]
    first = first_recorded(ties)
    table = pd.DataFrame({"city_id": city_analysis["city_id"].to_numpy()})
    for partner, flag in (("us", "partner_is_us"), ("cn", "partner_is_cn")):
        of_partner = ties[ties[flag].astype(bool)]
        years = first.loc[of_partner.index]
        early = set(of_partner.loc[years <= cutoff_year, "eu_city_id"])
        late = set(of_partner.loc[years > cutoff_year, "eu_city_id"])
        table[f"{partner}_any_by_{cutoff_year}"] = table["city_id"].isin(early).astype(float)
        table[f"{partner}_any_after_{cutoff_year}"] = table["city_id"].isin(late).astype(float)
    return table


def first_record_counts(city_analysis: pd.DataFrame, relations: pd.DataFrame) -> pd.DataFrame:
    """Public US and Chinese ties of frame cities by the year of the first snapshot recording them.

    One row per snapshot year: ``first_recorded``, ``us_ties``, ``cn_ties`` and the cumulative
    shares ``us_share_by`` / ``cn_share_by`` (share of all such ties recorded by that year).
    """
    ties = relations[relations["eu_city_id"].isin(city_analysis["city_id"])].copy()
    ties["first_recorded"] = first_recorded(ties)
    rows = []
    for year in sorted(set(SNAPSHOT_YEARS.values())):
        at_year = ties[ties["first_recorded"] == year]
        rows.append(
            {
                "first_recorded": year,
                "us_ties": int(at_year["partner_is_us"].astype(bool).sum()),
                "cn_ties": int(at_year["partner_is_cn"].astype(bool).sum()),
            }
        )
    table = pd.DataFrame(rows)
    for partner in PARTNERS:
        total = table[f"{partner}_ties"].sum()
        table[f"{partner}_share_by"] = table[f"{partner}_ties"].cumsum() / total if total else np.nan
    return table


# ----------------------------------------------------------------------------------------------
# Regions
# ----------------------------------------------------------------------------------------------
def public_region_outcome(region_analysis: pd.DataFrame, public_cities: pd.DataFrame) -> pd.DataFrame:
    """NUTS2 regions with public outcomes: their frame cities' public ties plus the region's own ties.

    ``public_cities`` is :func:`public_outcome` output. Adds (replacing the combined columns of
    the region table) ``cities_with_us``/``_cn``, ``city_us_ties``/``_cn``, and
    ``us_tie_count``/``cn_tie_count`` (city ties plus the region's own ties, which come from
    the public relations table), ``us_any``/``cn_any`` (0/1 floats), ``log_region_population``
    and ``log_frame_cities`` (log of one plus the number of frame cities).
    """
    by_region = public_cities.groupby("nuts2_2021").agg(
        cities_with_us=("us_any", "sum"),
        cities_with_cn=("cn_any", "sum"),
        city_us_ties=("us_tie_count", "sum"),
        city_cn_ties=("cn_tie_count", "sum"),
    )
    replaced = ["cities_with_us", "cities_with_cn", "city_us_ties", "city_cn_ties", "share_cities_with_us"]
    table = region_analysis.drop(columns=[c for c in [*replaced, "share_cities_with_cn"] if c in region_analysis])
    table = table.merge(by_region, left_on="nuts2_2021", right_index=True, how="left")
    table[by_region.columns] = table[by_region.columns].fillna(0).astype("int64")
    for partner in PARTNERS:
        table[f"{partner}_tie_count"] = table[f"city_{partner}_ties"] + table[f"region_{partner}_ties"]
        table[f"{partner}_any"] = (table[f"{partner}_tie_count"] > 0).astype(float)
    table["log_region_population"] = np.log(table["region_population"].astype(float))
    table["log_frame_cities"] = np.log1p(table["frame_cities"].astype(float))
    for column in ("coastal_region", "new_member_state"):
        table[column] = table[column].astype("Float64").astype(float)
    return table
