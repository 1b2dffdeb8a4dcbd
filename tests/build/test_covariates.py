"""Tests for analysis.build.covariates on tiny synthetic tables (no raw data is read)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from analysis.build import covariates as cv
from analysis.core.geo import haversine_km

# --------------------------------------------------------------------------- helpers


def recode_table(
    rows: list[tuple[str, str, str, float]], code_from: str = "code_2016", code_to: str = "code_2021"
) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=[code_from, code_to, "relation", "population_share"])
    table["note"] = "test"
    return cv.check_recode_table(table, code_from, code_to)


def panel_rows(year: int, rows: list[tuple[str, float, float, float]]) -> pd.DataFrame:
    """Indicator panel rows: (NUTS 2016 code, GDP million EUR, population, unemployment %)."""
    return pd.DataFrame(
        [
            {
                "year": year,
                "NUTS_ID": code,
                "region_gdp": gdp,
                "region_population": population,
                "unemployment_rate_t": rate,
            }
            for code, gdp, population, rate in rows
        ]
    )


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


# --------------------------------------------------------------------------- recoding


def test_split_copies_rates_and_shares_totals():
    values = pd.DataFrame(
        {
            "code_2016": ["HR04", "HR03"],
            "region_population": [1000.0, 500.0],
            "region_gdp_meur": [10.0, 8.0],
            "unemployment_rate_pct": [7.0, 9.0],
        }
    )
    mapping = recode_table([("HR04", "HR05", "split", 0.3), ("HR04", "HR06", "split", 0.7)])

    result = cv.recode_regions(
        values,
        mapping,
        code_from="code_2016",
        code_to="code_2021",
        totals=["region_population", "region_gdp_meur"],
        rates=["unemployment_rate_pct"],
    ).set_index("code_2021")

    assert sorted(result.index) == ["HR03", "HR05", "HR06"]
    assert result.loc["HR05", "region_population"] == pytest.approx(300.0)
    assert result.loc["HR06", "region_gdp_meur"] == pytest.approx(7.0)
    assert result.loc["HR05", "unemployment_rate_pct"] == 7.0
    assert result.loc["HR05", "values_from_parent_region"]
    assert result.loc["HR05", "recode_relation"] == "split"
    assert result.loc["HR03", "recode_relation"] == "same"
    assert not result.loc["HR03", "values_from_parent_region"]


def test_merge_sums_totals_and_weights_rates_by_population():
    values = pd.DataFrame(
        {
            "code_2016": ["XX01", "XX02"],
            "region_population": [100.0, 300.0],
            "region_gdp_meur": [1.0, 3.0],
            "unemployment_rate_pct": [10.0, 2.0],
        }
    )
    mapping = recode_table([("XX01", "XX05", "merged", 1.0), ("XX02", "XX05", "merged", 1.0)])

    result = cv.recode_regions(
        values,
        mapping,
        code_from="code_2016",
        code_to="code_2021",
        totals=["region_population", "region_gdp_meur"],
        rates=["unemployment_rate_pct"],
    )

    assert len(result) == 1
    row = result.iloc[0]
    assert row["region_population"] == 400.0
    assert row["region_gdp_meur"] == 4.0
    assert row["unemployment_rate_pct"] == pytest.approx((100 * 10 + 300 * 2) / 400)
    assert row["recoded_from"] == "XX01|XX02"
    assert row["recode_relation"] == "merged"
    assert not row["values_from_parent_region"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("A1", "B1", "split", 0.5)], "do not sum to 1"),
        ([("A1", "B1", "renamed", 1.0)], "row 2, column relation"),
        ([("A1", "B1", "split", 0.0)], "row 2, column population_share"),
    ],
)
def test_check_recode_table_names_the_bad_row_and_column(rows, message):
    with pytest.raises(cv.CovariateError, match=message):
        recode_table(rows)


def test_committed_recode_tables_are_consistent():
    to_2021 = cv.load_recode_2016_to_2021()
    to_2024 = cv.load_recode_2021_to_2024()

    assert set(to_2021.loc[to_2021["code_2016"] == "HR04", "code_2021"]) == {"HR02", "HR05", "HR06"}
    assert set(to_2024.loc[to_2024["code_2021"] == "PT17", "code_2024"]) == {"PT1A", "PT1B"}
    assert to_2021["note"].str.len().gt(0).all() and to_2024["note"].str.len().gt(0).all()


# --------------------------------------------------------------------------- distances and classes


def test_haversine_known_distances():
    warsaw, new_york, paris, london = (52.2297, 21.0122), (40.7128, -74.0060), (48.8566, 2.3522), (51.5074, -0.1278)

    distances = haversine_km(
        [warsaw[0], paris[0], paris[0]],
        [warsaw[1], paris[1], paris[1]],
        [new_york[0], london[0], paris[0]],
        [new_york[1], london[1], paris[1]],
    )

    assert distances[0] == pytest.approx(6_856, abs=25)
    assert distances[1] == pytest.approx(344, abs=3)
    assert distances[2] == 0.0


def test_nearest_place_picks_the_closest():
    places = pd.DataFrame(
        {"name": ["Boston", "Los Angeles"], "latitude": [42.36, 34.05], "longitude": [-71.06, -118.24]}
    )

    distances, names = cv.nearest_place([52.23, 37.0], [21.01, -120.0], places)

    assert list(names) == ["Boston", "Los Angeles"]
    assert distances[0] == pytest.approx(6_550, abs=50)  # Warsaw-Boston


def test_size_class_bounds_are_lower_inclusive():
    populations = pd.Series([49_999, 50_000, 99_999, 100_000, 250_000, 999_999, 1_000_000, 3_500_000])

    classes = cv.size_class(populations)

    assert pd.isna(classes.iloc[0])
    assert list(classes.iloc[1:]) == ["50-100k", "50-100k", "100-250k", "250-500k", "500k-1m", ">1m", ">1m"]


def test_coastline_distance_measures_to_the_land_edge():
    land = gpd.GeoDataFrame(geometry=[shapely.box(0, 40, 10, 50)], crs="EPSG:4326")
    # 0.1 degree of longitude at 45 N is about 7.87 km; the centre is hundreds of km inland.
    distances = cv.coastline_distance_km([45.0, 45.0], [9.9, 5.0], land)

    assert distances[0] == pytest.approx(7.87, rel=0.05)
    assert distances[1] > 300


def test_large_places_prefers_the_gazetteer_and_falls_back_to_the_named_list():
    gazetteer = pd.DataFrame(
        {
            "name": ["Big", "Small", "Other"],
            "country_iso2": ["US", "US", "CN"],
            "level": ["city", "city", "city"],
            "population": [900_000, 10_000, 9_000_000],
            "latitude": [40.0, 41.0, 30.0],
            "longitude": [-70.0, -71.0, 110.0],
        }
    )

    assert list(cv.large_places(gazetteer, "US", 500_000, cv.US_LARGE_CITIES)["name"]) == ["Big"]
    assert len(cv.large_places(None, "US", 500_000, cv.US_LARGE_CITIES)) == len(cv.US_LARGE_CITIES)
    assert len(cv.large_places(gazetteer.iloc[:2], "CN", 5_000_000, cv.CN_LARGE_CITIES)) == len(cv.CN_LARGE_CITIES)


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


# --------------------------------------------------------------------------- regions


def nuts3_typology_table() -> tuple[pd.DataFrame, pd.DataFrame]:
    typologies = pd.DataFrame(
        {
            "Code": ["AT13", "AT130", "HR050", "HR061", "HR062", "HR021", "PL911", "PL912", "UKC11"],
            "Urban-rural": [
                "N/A",
                "predominantly urban",
                "predominantly urban",
                "intermediate",
                "predominantly rural",
                "predominantly rural",
                "predominantly urban",
                "predominantly rural",
                "intermediate",
            ],
            "Metropolitan": ["N/A", "Y", "Y", "N", "N", "N", "Y", "N", "Y"],
            "Coastal": [
                "N/A",
                "non-coastal",
                "non-coastal",
                "non-coastal",
                "non-coastal",
                "non-coastal",
                "non-coastal",
                "coastal (on coast)",
                "coastal (on coast)",
            ],
        }
    )
    population = pd.DataFrame(
        {"geo": ["AT130", "PL911", "PL912"], "population2019_nuts3": [1_900_000, 1_800_000, 600_000]}
    )
    return typologies, population


def test_nuts2_typologies_weight_nuts3_by_population():
    typologies, population = nuts3_typology_table()

    table = cv.nuts2_typologies(cv.nuts3_typologies(typologies, population)).set_index("nuts2_2021")

    assert table.loc["PL91", "metropolitan_population_share"] == pytest.approx(0.75)
    assert table.loc["PL91", "metropolitan_type"] == "metropolitan"
    assert table.loc["PL91", "urban_rural_type"] == "predominantly urban"
    assert table.loc["PL91", "coastal_region"]
    assert not table.loc["AT13", "coastal_region"]
    # No known population: the two HR06 NUTS3 regions count equally.
    assert table.loc["HR06", "metropolitan_population_share"] == 0.0


def synthetic_region_inputs() -> dict[str, pd.DataFrame]:
    codes = pd.DataFrame(
        {
            "NUTS_ID": ["AT", "AT13", "HR02", "HR05", "HR06", "PL91", "UKC1", "AT130"],
            "LEVL_CODE": [0, 2, 2, 2, 2, 2, 2, 3],
            "CNTR_CODE": ["AT", "AT", "HR", "HR", "HR", "PL", "UK", "AT"],
            "NAME_LATN": [
                "Österreich",
                "Wien",
                "Panonska Hrvatska",
                "Grad Zagreb",
                "Sjeverna Hrvatska",
                "Warszawski stołeczny",
                "Tees Valley",
                "Wien",
            ],
        }
    )
    # PL91 has no panel row in this synthetic panel: it must be kept and explained.
    panel = pd.concat(
        [
            panel_rows(
                2018,
                [
                    ("AT13", 96_000.0, 1_900_000, 11.0),
                    ("HR04", 30_000.0, 2_700_000, np.nan),
                    ("UKC1", 20_000.0, 1_200_000, 5.0),
                ],
            ),
            panel_rows(2017, [("AT13", 94_000.0, 1_880_000, 12.0)]),
        ]
    )
    mapping = recode_table(
        [("HR04", "HR02", "split", 0.4), ("HR04", "HR05", "split", 0.3), ("HR04", "HR06", "split", 0.3)]
    )
    typologies, population = nuts3_typology_table()
    return {
        "nuts2_2021_regions": codes,
        "indicator_panel": panel,
        "recode_2016_to_2021": mapping,
        "typologies": typologies,
        "nuts3_population": population,
    }


def test_every_eu_region_gets_covariates_or_a_reason():
    regions = cv.region_covariates(**synthetic_region_inputs(), year=2018)

    assert list(regions["nuts2_2021"]) == ["AT13", "HR02", "HR05", "HR06", "PL91"]  # no UK, no other levels
    cv.REGION_COVARIATES_SCHEMA.validate(regions)
    covariates = [
        "gdp_per_head_eur",
        "unemployment_rate_pct",
        "region_population",
        "urban_rural_type",
        "metropolitan_type",
        "coastal_region",
    ]
    for _, row in regions.iterrows():
        for column in covariates:
            assert pd.notna(row[column]) or column in row["missing_covariates"], (row["nuts2_2021"], column)
    gaps = cv.covariate_gaps(regions)
    assert set(gaps.loc[gaps["variable"] == "gdp_per_head_eur", "nuts2_2021"]) == {"PL91"}
    assert "no NUTS 2016 region" in gaps.loc[gaps["nuts2_2021"] == "PL91", "reason"].iloc[0]
    assert set(gaps.loc[gaps["variable"] == "unemployment_rate_pct", "nuts2_2021"]) == {"HR02", "HR05", "HR06", "PL91"}


def test_region_covariates_values_and_cohorts():
    regions = cv.region_covariates(**synthetic_region_inputs(), year=2018).set_index("nuts2_2021")

    assert regions.loc["AT13", "gdp_per_head_eur"] == pytest.approx(96_000e6 / 1_900_000)
    assert regions.loc["AT13", "log_gdp_per_head"] == pytest.approx(np.log(96_000e6 / 1_900_000))
    assert regions.loc["AT13", "covariate_year"] == 2018
    # A split copies the parent's GDP per head and shares its population.
    assert regions.loc["HR05", "gdp_per_head_eur"] == pytest.approx(30_000e6 / 2_700_000)
    assert regions.loc["HR05", "region_population"] == pytest.approx(0.3 * 2_700_000)
    assert regions.loc["HR05", "values_from_parent_region"] and not regions.loc["AT13", "values_from_parent_region"]
    assert regions.loc["HR05", "new_member_state"] and not regions.loc["HR05", "eu15"]
    assert regions.loc["AT13", "eu15"] and not regions.loc["AT13", "new_member_state"]


def test_regions_to_nuts2024_follows_the_shares():
    regions = cv.region_covariates(**synthetic_region_inputs(), year=2018)
    mapping = recode_table(
        [("AT13", "AT1A", "split", 0.5), ("AT13", "AT1B", "split", 0.5)], code_from="code_2021", code_to="code_2024"
    )

    moved = cv.regions_to_nuts2024(regions, mapping).set_index("nuts2_2024")

    assert {"AT1A", "AT1B", "HR05", "PL91"} <= set(moved.index) and "AT13" not in moved.index
    assert moved.loc["AT1A", "region_population"] == pytest.approx(950_000)
    assert moved.loc["AT1A", "gdp_per_head_eur"] == pytest.approx(
        regions.set_index("nuts2_2021").loc["AT13", "gdp_per_head_eur"]
    )
    assert moved.loc["AT1A", "values_from_parent_region"]
    assert moved.loc["HR05", "values_from_parent_region"]  # inherited from the 2016 -> 2021 split


# --------------------------------------------------------------------------- cities


def test_city_covariates_end_to_end():
    inputs = synthetic_region_inputs()
    regions = cv.region_covariates(**inputs, year=2018)
    nuts3 = cv.nuts3_typologies(inputs["typologies"], inputs["nuts3_population"])
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

    table = cv.city_covariates(cities, regions, matches, nuts3, land)

    cv.CITY_COVARIATES_SCHEMA.validate(table)
    wien, coastville = table.iloc[0], table.iloc[1]
    assert wien["is_eurocities_member"] and wien["eurocities_qid"] == "Q1741" and not coastville["is_eurocities_member"]
    assert wien["size_class"] == ">1m" and coastville["size_class"] == "50-100k"
    assert not wien["is_coastal"] and coastville["is_coastal"]
    assert coastville["nuts3_coastal"] and coastville["metropolitan_type"] == "non-metropolitan"
    assert wien["gdp_per_head_eur"] == pytest.approx(96_000e6 / 1_900_000)
    assert pd.isna(coastville["gdp_per_head_eur"])  # PL91 has no panel data in the synthetic inputs
    assert wien["nearest_us_city"] == "Boston" and wien["dist_us_km"] == pytest.approx(6_540, abs=60)
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
    schema_columns = set(cv.CITY_COVARIATES_SCHEMA.columns) | set(cv.REGION_COVARIATES_SCHEMA.columns)
    assert set(cv.VARIABLE_LABELS) <= schema_columns
