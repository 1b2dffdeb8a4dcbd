"""Descriptive tables: Wilson intervals, shares by group, partner counts, rankings, timelines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.stats import describe


def test_shares_carry_the_wilson_interval_of_the_textbook_example():
    # 81 of 263: share 0.3080, Wilson 95% interval 0.2553-0.3662 (values of the former hand-written formula).
    cities = pd.DataFrame({"us_any": [1] * 81 + [0] * 182})
    row = describe.shares_by(cities, None, outcomes=("us_any",)).iloc[0]
    assert row["us_any_low"] == pytest.approx(0.2552885198782742, abs=1e-12)
    assert row["us_any_high"] == pytest.approx(0.36620957698280004, abs=1e-12)
    none = describe.shares_by(pd.DataFrame({"us_any": [0] * 10}), None, outcomes=("us_any",)).iloc[0]
    assert none["us_any_low"] == pytest.approx(0.0, abs=1e-12)
    assert none["us_any_high"] == pytest.approx(0.2775327998628892, abs=1e-12)


def test_shares_by_group_has_counts_shares_and_an_all_row():
    cities = pd.DataFrame(
        {"country_iso2": ["PL", "PL", "DE", "DE", "DE"], "us_any": [1, 0, 1, 1, 0], "cn_any": [0, 0, 1, 0, 0]}
    )
    table = describe.shares_by(cities, "country_iso2")
    assert table["country_iso2"].tolist() == ["DE", "PL", "All"]
    assert table["us_any_count"].tolist() == [2, 1, 3]
    assert table.loc[2, "cn_any_share"] == pytest.approx(0.2)
    assert (table["us_any_low"] <= table["us_any_share"]).all() and (
        table["us_any_share"] <= table["us_any_high"]
    ).all()
    shown = describe.format_shares(table)
    assert shown.loc[2, "US partner"].startswith("60% (")


def test_partners_per_city_caps_the_last_class():
    cities = pd.DataFrame({"us_tie_count": [0, 0, 1, 7], "cn_tie_count": [0, 2, 2, 0]})
    table = describe.partners_per_city(cities, top=3)
    assert table["partners"].tolist() == ["0", "1", "2", "3+"]
    assert table["us_tie_count"].tolist() == [2, 1, 0, 1]
    assert table["cn_tie_count"].tolist() == [2, 0, 2, 0]


def test_timeline_counts_dated_ties_per_period():
    ties = pd.DataFrame(
        {
            "partner_country_iso2": ["DE", "DE", "FR", "US", "CN", "US"],
            "year_established": [1990, 1994, np.nan, 1996, 2012, 2013],
        }
    )
    periods = describe.timeline(ties)
    assert periods.to_dict("list") == {"period_start": [1995, 2010], "US": [1, 1], "CN": [0, 1]}


def test_partner_bloc_ranking_pools_the_eu_and_skips_region_ties():
    relations = pd.DataFrame(
        {
            "eu_city_id": ["a", "a", "b", "b", "c", None],
            "partner_country_iso2": ["DE", "FR", "US", "US", "CN", "US"],
            "partner_is_eu": [True, True, False, False, False, False],
        }
    )
    table = describe.partner_bloc_ranking(relations)
    assert table["partner"].tolist() == ["EU-27", "US", "CN"]
    assert table["ties"].tolist() == [2, 2, 1]
    assert table["cities"].tolist() == [1, 1, 1]
    assert table["rank"].tolist() == [1, 1, 3]
    assert table["share_of_ties"].sum() == pytest.approx(1.0)


def test_partner_bloc_ranking_ties_share_the_best_rank_and_list_by_name():
    # RU and CN tie with three ties each, as China and Russia do in the real relations (367 each);
    # RU reaches more cities, which must not break the tie.
    relations = pd.DataFrame(
        {
            "eu_city_id": ["a", "b", "c", "d", "a", "a", "b", "a", "b", "c", "e"],
            "partner_country_iso2": ["US", "US", "US", "US", "CN", "CN", "CN", "RU", "RU", "RU", "JP"],
            "partner_is_eu": [False] * 11,
        }
    )
    table = describe.partner_bloc_ranking(relations)
    assert table["partner"].tolist() == ["US", "CN", "RU", "JP"]
    assert table["rank"].tolist() == [1, 2, 2, 4]
    assert table.set_index("partner").loc[["CN", "RU"], "cities"].tolist() == [2, 3]


def test_partner_bloc_ranking_leaves_out_domestic_partnerships():
    relations = pd.DataFrame(
        {
            "eu_city_id": ["a", "a", "b"],
            "eu_country_iso2": ["FR", "FR", "DE"],
            "partner_country_iso2": ["FR", "DE", "US"],
            "partner_is_eu": [True, True, False],
        }
    )
    table = describe.partner_bloc_ranking(relations).set_index("partner")
    assert table.loc["EU-27", "ties"] == 1 and table["ties"].sum() == 2
