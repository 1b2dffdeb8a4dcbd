"""analysis.report.checks on simulated cities (tests/simulated_cities.py): the tables have the rows the chapter expects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.report import checks

from simulated_cities import simulate_bivariate


@pytest.fixture(scope="module")
def cities() -> pd.DataFrame:
    frame = simulate_bivariate(rho=0.3, seed=11, n=1200, n_countries=8).reset_index(drop=True)
    rng = np.random.default_rng(5)
    frame["city_id"] = [f"c{i}" for i in frame.index]
    frame["nuts2_2021"] = frame["country_iso2"] + "-" + pd.Series(rng.integers(0, 4, len(frame))).astype(str)
    frame["log_gdp_per_head"] = rng.normal(10, 0.3, len(frame))
    frame["new_member_state"] = frame["country_iso2"].isin(["C00", "C01", "C02"]).astype(float)
    frame["is_capital"] = 0.0
    first = frame.groupby("country_iso2").head(1).index
    frame.loc[first, "is_capital"] = 1.0
    return frame


def test_gdp_checks_show_the_gdp_rows_of_four_models_and_the_between_comparison(cities):
    table, between = checks.gdp_checks(
        cities, ["log_population", "log_gdp_per_head", "is_capital"], ["new_member_state"], {}
    )
    assert table["Model"].nunique() == 4
    assert set(between["term"]) >= {"log_gdp_per_head_within", "log_gdp_per_head_country_mean", "new_member_state"}
    assert (table["Variable"] == "log_region_frame_cities").sum() == 1


def test_timing_checks_fit_both_periods():
    cities = pd.DataFrame({"city_id": ["a", "b"]})
    relations = pd.DataFrame(
        {
            "eu_city_id": ["a", "b"],
            "partner_is_us": [True, True],
            "partner_is_cn": [False, False],
            "first_snapshot_year": [2016, 2026],
        }
    )
    # two cities cannot identify a model: the check explains instead of failing
    result = checks.timing_checks(
        cities.assign(log_population=[1.0, 2.0], country_iso2="X"),
        relations,
        2017,
        ["log_population"],
        ["log_population"],
        {},
    )
    assert set(result["comparisons"]) == {"by", "after"}
    assert result["first_records"].set_index("first_recorded").loc[2026, "us_ties"] == 1
    assert result["table"]["US partner"].str.contains("not estimable").all()


def test_region_models_return_the_comparison_and_two_count_fits(cities):
    rng = np.random.default_rng(8)
    regions = cities.assign(
        us_tie_count=cities["us_any"] * rng.poisson(2, len(cities)),
        cn_tie_count=cities["cn_any"] * rng.poisson(1, len(cities)),
    )
    result = checks.region_models(regions, ["log_population", "new_member_state"], {})
    assert list(result["comparison"]["term"]) == ["log_population", "new_member_state"]
    assert result["comparison"].loc[0, "us_ame"] > 0  # TRUE_US log_population = 0.8
    assert set(result["counts"]) == {"US partnerships", "Chinese partnerships"}
