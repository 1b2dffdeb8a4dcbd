"""analysis.stats.public_outcomes and analysis.stats.hypotheses on small hand-made tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.stats import hypotheses, public_outcomes


def city_table() -> pd.DataFrame:
    """Three cities: a tie only in Wikipedia, only in the (synthetic) crawl, and none."""
    table = pd.DataFrame({"city_id": ["a", "b", "c"], "nuts2_2021": ["R1", "R1", "R2"]})
    for partner in ("us", "cn"):
        for source, counts in (("wikipedia", [2, 0, 0]), ("wikidata", [1, 0, 0]), ("crawl", [0, 3, 0])):
            table[f"{partner}_tie_count_{source}"] = pd.array(counts, dtype="Int64")
            table[f"{partner}_any_{source}"] = pd.array([c > 0 for c in counts], dtype="boolean")
        table[f"{partner}_tie_count"] = [2, 3, 0]
        table[f"{partner}_any"] = [True, True, False]
    table["uses_synthetic_sources"] = True
    return table


def test_public_outcome_ignores_synthetic_sources_and_drops_their_columns():
    public = public_outcomes.public_outcome(city_table())
    assert public["us_any"].tolist() == [True, False, False]
    assert public["cn_tie_count"].tolist() == [2, 0, 0]
    assert not [column for column in public.columns if "crawl" in column or column == "uses_synthetic_sources"]


def test_public_outcome_refuses_a_synthetic_source():
    with pytest.raises(ValueError, match="crawl"):
        public_outcomes.public_outcome(city_table(), ["wikipedia", "crawl"])


def relations_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "eu_city_id": ["a", "a", "b", None],
            "partner_is_us": [True, False, True, True],
            "partner_is_cn": [False, True, False, False],
            "in_wikidata_2016": [True, False, False, True],
            "in_wikidata_2017": [False, False, False, False],
            "in_wikidata_2022": [True, True, False, False],
            "in_wikipedia_2026": [False, True, True, False],
        }
    )


def test_first_recorded_is_the_earliest_snapshot():
    assert public_outcomes.first_recorded(relations_table()).tolist()[:3] == [2016, 2022, 2026]


def test_recorded_by_period_splits_ties_at_the_cutoff_and_ignores_cities_outside_the_frame():
    periods = public_outcomes.recorded_by_period(city_table(), relations_table(), 2017).set_index("city_id")
    assert periods["us_any_by_2017"].tolist() == [1.0, 0.0, 0.0]
    assert periods["us_any_after_2017"].tolist() == [0.0, 1.0, 0.0]
    assert periods["cn_any_after_2017"].tolist() == [1.0, 0.0, 0.0]
    counts = public_outcomes.first_record_counts(city_table(), relations_table()).set_index("first_recorded")
    assert counts.loc[2016, "us_ties"] == 1 and counts.loc[2026, "us_share_by"] == 1.0


def test_public_region_outcome_adds_region_ties_to_public_city_ties():
    regions = pd.DataFrame(
        {
            "nuts2_2021": ["R1", "R2", "R3"],
            "frame_cities": [2, 1, 0],
            "cities_with_us": [2, 0, 0],  # combined (synthetic) counts, replaced
            "region_us_ties": [0, 0, 1],
            "region_cn_ties": [0, 0, 0],
            "region_population": [1e6, 2e6, 3e6],
            "coastal_region": pd.array([True, False, None], dtype="boolean"),
            "new_member_state": [False, True, False],
        }
    )
    public = public_outcomes.public_outcome(city_table())
    table = public_outcomes.public_region_outcome(regions, public).set_index("nuts2_2021")
    assert table["cities_with_us"].tolist() == [1, 0, 0]
    assert table["us_any"].tolist() == [1.0, 0.0, 1.0]
    assert table["us_tie_count"].tolist() == [2, 0, 1]
    assert np.isnan(table.loc["R3", "coastal_region"])


def test_log_distances_and_capital_regions():
    frame = pd.DataFrame(
        {
            "city_id": list("abcd"),
            "country_iso2": ["X", "X", "X", "Y"],
            "nuts2_2021": ["X1", "X1", "X2", "Y1"],
            "is_capital": [True, False, False, False],
            "dist_us_km": [np.e, 1.0, 1.0, 1.0],
            "dist_cn_km": [1.0, 1.0, 1.0, 1.0],
            "gdp": [1.0, 2.0, 3.0, 5.0],
        }
    )
    assert hypotheses.add_log_distances(frame)["log_dist_us_km"].iloc[0] == pytest.approx(1.0)
    assert hypotheses.in_capital_region(frame).tolist() == [True, True, False, False]
    split = hypotheses.split_within_between(frame, ["gdp"])
    assert split["gdp_country_mean"].tolist() == [2.0, 2.0, 2.0, 5.0]
    assert split["gdp_within"].tolist() == [-1.0, 0.0, 1.0, 0.0]
    assert hypotheses.add_region_crowding(frame)["log_region_frame_cities"].tolist() == pytest.approx(
        [np.log(2)] * 2 + [0, 0]
    )
    with pytest.raises(ValueError, match="dist_cn_km"):
        hypotheses.add_log_distances(frame.assign(dist_cn_km=0.0))


def test_first_recorded_prefers_the_recorded_first_snapshot_year():
    relations = relations_table().assign(first_snapshot_year=pd.array([2017, 2022, None, 2016], dtype="Int64"))
    assert public_outcomes.first_recorded(relations).tolist()[:2] == [2017.0, 2022.0]
    assert np.isnan(public_outcomes.first_recorded(relations).iloc[2])
