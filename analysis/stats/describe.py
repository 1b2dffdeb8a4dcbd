"""Descriptive comparisons of US and Chinese partnerships: shares with Wilson intervals, counts, timelines."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from analysis.build.outcomes import DEFINITIONS, meets, tie_attributes

OUTCOME_LABELS = {"us_any": "US partner", "cn_any": "Chinese partner"}


def shares_by(cities: pd.DataFrame, by: str | None, outcomes: Sequence[str] = ("us_any", "cn_any")) -> pd.DataFrame:
    """Share of cities with each outcome, by group ``by`` (``None`` for all cities), with 95% Wilson intervals.

    Returns one row per group: ``cities`` (n), and for each outcome ``<outcome>_count``,
    ``<outcome>_share``, ``<outcome>_low``, ``<outcome>_high``; an "All" row closes the table.
    """
    grouped = [("All", cities)] if by is None else [*cities.groupby(by, observed=True, sort=True), ("All", cities)]
    rows = []
    for group, members in grouped:
        row: dict[str, object] = {"group": group, "cities": len(members)}
        for outcome in outcomes:
            count = int(members[outcome].astype(bool).sum())
            low, high = (
                proportion_confint(count, len(members), alpha=0.05, method="wilson")
                if len(members)
                else (np.nan, np.nan)
            )
            row |= {
                f"{outcome}_count": count,
                f"{outcome}_share": count / len(members) if len(members) else np.nan,
                f"{outcome}_low": float(low),
                f"{outcome}_high": float(high),
            }
        rows.append(row)
    table = pd.DataFrame(rows)
    return table.rename(columns={"group": by or "group"})


def format_shares(table: pd.DataFrame, outcomes: Sequence[str] = ("us_any", "cn_any")) -> pd.DataFrame:
    """Shares as "41% (37–45)" strings for the book, one column per outcome."""
    shown = table.iloc[:, :2].copy()
    for outcome in outcomes:
        shown[OUTCOME_LABELS.get(outcome, outcome)] = [
            f"{share:.0%} ({low:.0%}–{high:.0%})" if pd.notna(share) else "–"
            for share, low, high in zip(table[f"{outcome}_share"], table[f"{outcome}_low"], table[f"{outcome}_high"])
        ]
    return shown


def partners_per_city(
    cities: pd.DataFrame, count_columns: Sequence[str] = ("us_tie_count", "cn_tie_count"), top: int = 5
) -> pd.DataFrame:
    """How many cities have 0, 1, 2, … partners in each country (the last class is "top or more")."""
    classes = [str(k) for k in range(top)] + [f"{top}+"]
    table = pd.DataFrame(index=pd.Index(classes, name="partners"))
    for column in count_columns:
        capped = cities[column].clip(upper=top).astype(int).map(lambda k: classes[k])
        table[column] = capped.value_counts().reindex(classes, fill_value=0)
    return table.reset_index()


def timeline(
    ties: pd.DataFrame,
    year_column: str = "year_established",
    country_column: str = "partner_country_iso2",
    countries: Sequence[str] = ("US", "CN"),
    bin_years: int = 5,
) -> pd.DataFrame:
    """New ties per period of ``bin_years`` by partner country, from ties whose year is known."""
    dated = ties[ties[year_column].notna() & ties[country_column].isin(countries)].copy()
    dated["period_start"] = (dated[year_column].astype(int) // bin_years) * bin_years
    table = dated.pivot_table(
        index="period_start", columns=country_column, values=year_column, aggfunc="count", fill_value=0
    )
    return table.reindex(columns=list(countries), fill_value=0).reset_index()


def partner_bloc_ranking(relations: pd.DataFrame, eu_label: str = "EU-27") -> pd.DataFrame:
    """Partner blocs ranked by the foreign partnerships of frame cities: the EU-27 as one bloc, every other country alone.

    ``relations`` needs ``eu_city_id``, ``partner_country_iso2`` and ``partner_is_eu``; region
    ties (no ``eu_city_id``) and domestic ties (outcome "any foreign partnership" of
    :mod:`analysis.build.outcomes`: a partner in the city's own country) are left out. Returns ``partner`` (the EU-27 label or an ISO2 code),
    ``ties``, ``cities`` (frame cities with at least one such tie), ``share_of_ties`` and ``rank``.

    Tie rule: ``rank`` 1 is the most ties, and blocs with equal tie counts share the best rank
    of their group (the "min" method: 1, 2, 2, 4); rows are ordered by ties, most first, then
    by ``partner`` name, so equal blocs are listed alphabetically.
    """
    city_ties = relations[relations["eu_city_id"].notna()]
    city_ties = city_ties[meets(tie_attributes(city_ties), DEFINITIONS["foreign_any"]).to_numpy()]
    partner = city_ties["partner_country_iso2"].where(~city_ties["partner_is_eu"].astype(bool), eu_label)
    table = (
        city_ties.assign(partner=partner)
        .groupby("partner")
        .agg(ties=("eu_city_id", "size"), cities=("eu_city_id", "nunique"))
        .reset_index()
        .sort_values(["ties", "partner"], ascending=[False, True], ignore_index=True)
    )
    table["share_of_ties"] = table["ties"] / table["ties"].sum() if len(table) else np.nan
    table["rank"] = table["ties"].rank(ascending=False, method="min").astype(int)
    return table
