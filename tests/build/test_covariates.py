"""Tests for analysis.build.covariates (city covariates, EUROCITIES) on tiny synthetic tables."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from analysis.build import covariates as cv
from analysis.build import regional

# --------------------------------------------------------------------------- helpers


def frame_cities(rows: list[dict]) -> pd.DataFrame:
    defaults = {
        "alternate_names": "",
        "population": 120_000,
        "is_capital": False,
        "nuts2_2021": "AT13",
        "nuts3_2021": "AT130",
    }
    table = pd.DataFrame([defaults | row for row in rows])
    table["ascii_name"] = table.get("ascii_name", table["name"]).fillna(table["name"])
    return table


# --------------------------------------------------------------------------- classes


def test_size_class_bounds_are_lower_inclusive():
    populations = pd.Series([49_999, 50_000, 99_999, 100_000, 250_000, 999_999, 1_000_000, 3_500_000])

    classes = cv.size_class(populations)

    assert pd.isna(classes.iloc[0])
    assert list(classes.iloc[1:]) == ["50-100k", "50-100k", "100-250k", "250-500k", "500k-1m", ">1m", ">1m"]


# --------------------------------------------------------------------------- EUROCITIES


def eurocities_members(rows: list[tuple[str, str, float, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "name_on_website": website,
                "wikidata_name": wikidata,
                "wikidata_id": f"Q{number}",
                "latitude": lat,
                "longitude": lon,
                "country_iso2": country,
            }
            for number, (website, wikidata, lat, lon, country) in enumerate(rows, start=1)
        ]
    )


def test_match_eurocities_handles_accents_aliases_and_body_names():
    cities = frame_cities(
        [
            {
                "city_id": "c1",
                "name": "Kraków",
                "ascii_name": "Krakow",
                "alternate_names": "Cracow|Krakau",
                "country_iso2": "PL",
                "latitude": 50.06,
                "longitude": 19.94,
            },
            {
                "city_id": "c2",
                "name": "Malmö",
                "ascii_name": "Malmo",
                "country_iso2": "SE",
                "latitude": 55.60,
                "longitude": 13.00,
            },
            {"city_id": "c3", "name": "Lille", "country_iso2": "FR", "latitude": 50.63, "longitude": 3.06},
            {"city_id": "c4", "name": "Aachen", "country_iso2": "DE", "latitude": 50.78, "longitude": 6.08},
            {"city_id": "c5", "name": "Tilburg", "country_iso2": "NL", "latitude": 51.56, "longitude": 5.09},
        ]
    )
    members = eurocities_members(
        [
            ("Cracow", "Kraków", 50.06, 19.94, "PL"),  # alias
            ("Malmo", "Malmö Municipality", 55.61, 13.01, "SE"),  # accent and affix
            ("Lille Metropole", "Lille Métropole", 50.64, 3.07, "FR"),  # body word
            ("Kharkiv", "Kharkiv", 49.99, 36.23, "UA"),  # outside the EU-27
            ("Aachen", "Aachen", 51.20, 6.08, "DE"),  # right name, 47 km away
            ("Tilburg", "Tilburg", 51.56, 5.09, "BE"),  # right place, wrong country
        ]
    )

    matches = cv.match_eurocities(members, cities).set_index("name_on_website")

    assert matches.loc["Cracow", "city_id"] == "c1"
    assert matches.loc["Malmo", "city_id"] == "c2"
    assert matches.loc["Lille Metropole", "city_id"] == "c3"
    assert matches.loc["Kharkiv", "reason"] == "country outside the EU-27"
    assert pd.isna(matches.loc["Aachen", "city_id"]) and "within 15 km" in matches.loc["Aachen", "reason"]
    assert pd.isna(matches.loc["Tilburg", "city_id"])
    assert (matches["match_method"] == "none").sum() == 3


def test_match_eurocities_does_not_match_a_different_neighbour():
    cities = frame_cities(
        [{"city_id": "c1", "name": "Porto", "country_iso2": "PT", "latitude": 41.15, "longitude": -8.61}]
    )
    members = eurocities_members([("Matosinhos", "Matosinhos", 41.18, -8.69, "PT")])

    matches = cv.match_eurocities(members, cities)

    assert matches["city_id"].isna().all()
    assert "nearest: Porto" in matches.loc[0, "reason"]


# --------------------------------------------------------------------------- cities


def test_city_covariates_end_to_end():
    regions = pd.DataFrame(
        {
            "nuts2_2021": ["AT13", "PL91"],
            "gdp_per_head_eur": [96_000e6 / 1_900_000, np.nan],
            "log_gdp_per_head": [np.log(96_000e6 / 1_900_000), np.nan],
            "unemployment_rate_pct": [11.0, np.nan],
            "covariate_year": [2018, 2018],
        }
    )
    nuts3 = pd.DataFrame(
        {
            "nuts3_2021": ["AT130", "PL912"],
            "nuts3_coastal": pd.array([False, True], dtype="boolean"),
            "metropolitan_type": ["metropolitan", "non-metropolitan"],
            "urban_rural_type": ["predominantly urban", "predominantly rural"],
        }
    )
    cities = frame_cities(
        [
            {
                "city_id": "c1",
                "name": "Wien",
                "country_iso2": "AT",
                "population": 1_900_000,
                "is_capital": True,
                "latitude": 48.21,
                "longitude": 16.37,
            },
            {
                "city_id": "c2",
                "name": "Coastville",
                "country_iso2": "PL",
                "population": 60_000,
                "nuts2_2021": "PL91",
                "nuts3_2021": "PL912",
                "latitude": 50.0,
                "longitude": 19.95,
            },
        ]
    )
    # A synthetic "sea" east of 20 E: Coastville lies about 3.6 km from it.
    land = gpd.GeoDataFrame(geometry=[shapely.box(-10, 30, 20, 70)], crs="EPSG:4326")
    matches = pd.DataFrame({"wikidata_id": ["Q1741"], "city_id": ["c1"]})
    large_cities = {
        "US": pd.DataFrame(
            {"name": ["Boston", "Los Angeles"], "latitude": [42.36, 34.05], "longitude": [-71.06, -118.24]}
        ),
        "CN": pd.DataFrame({"name": ["Chengdu"], "latitude": [30.57], "longitude": [104.07]}),
    }

    table = cv.city_covariates(cities, regions, matches, nuts3, land, large_cities)

    cv.CITY_COVARIATES_SCHEMA.validate(table)
    wien, coastville = table.iloc[0], table.iloc[1]
    assert wien["is_eurocities_member"] and wien["eurocities_qid"] == "Q1741" and not coastville["is_eurocities_member"]
    assert wien["size_class"] == ">1m" and coastville["size_class"] == "50-100k"
    assert not wien["is_coastal"] and coastville["is_coastal"]
    assert coastville["nuts3_coastal"] and coastville["metropolitan_type"] == "non-metropolitan"
    assert not wien["new_member_state"] and coastville["new_member_state"]
    assert wien["gdp_per_head_eur"] == pytest.approx(96_000e6 / 1_900_000)
    assert pd.isna(coastville["gdp_per_head_eur"])
    assert wien["nearest_us_city"] == "Boston" and wien["dist_us_km"] == pytest.approx(6_540, abs=60)
    assert wien["nearest_cn_city"] == "Chengdu" and wien["dist_cn_km"] == pytest.approx(7_370, abs=50)
    assert wien["log_population"] == pytest.approx(np.log(1_900_000))


def test_variable_labels_cover_the_model_covariates():
    model_covariates = [
        "log_population",
        "is_capital",
        "is_coastal",
        "is_eurocities_member",
        "new_member_state",
        "log_gdp_per_head",
        "unemployment_rate_pct",
        "dist_us_km",
        "dist_cn_km",
    ]

    assert all(cv.VARIABLE_LABELS.get(name) for name in model_covariates)
    schema_columns = set(cv.CITY_COVARIATES_SCHEMA.columns) | set(regional.REGION_COVARIATES_SCHEMA.columns)
    assert set(cv.VARIABLE_LABELS) <= schema_columns
