"""The city and region analysis tables: the real lane only, named outcome definitions, survey non-response kept apart."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.build import outcomes


@pytest.fixture
def cities():
    return pd.DataFrame(
        {
            "city_id": ["gn1", "gn2", "gn3"],
            "name": ["Łódź", "Lyon", "Gdańsk"],
            "country_iso2": ["PL", "FR", "PL"],
            "population": [670_000, 520_000, 470_000],
            "latitude": [51.8, 45.8, 54.4],
            "longitude": [19.5, 4.8, 18.6],
            "is_capital": [False, False, False],
            "nuts2_2021": ["PL71", "FRK2", "PL63"],
            "nuts2_2024": ["PL71", "FRK2", "PL63"],
        }
    )


@pytest.fixture
def relations():
    return pd.DataFrame(
        {
            "relation_id": ["r1", "r2", "r3", "r4", "r5"],
            "eu_city_id": ["gn1", "gn1", "gn2", "gn1", None],
            "eu_region_code": [None, None, None, None, "PL71"],
            "partner_id": ["us-place-1", "cn-pref-1", "us-place-2", "gn-9", "cn-prov-51"],
            "partner_name": ["Dallas", "Suzhou", "Lowell", "Berlin", "Sichuan"],
            "partner_country_iso2": ["US", "CN", "US", "DE", "CN"],
            "partner_is_eu": [False, False, False, True, False],
            "partner_is_us": [True, False, True, False, False],
            "partner_is_cn": [False, True, False, False, True],
            "in_wikipedia_2026": [True, False, True, True, True],
            "in_wikidata_2016": [False, True, False, False, False],
            "in_wikidata_2017": [True, False, False, False, False],
            "in_wikidata_2022": [False, False, False, True, False],
        }
    )


def _survey(synthetic: bool) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "survey_tie_id": ["gn3:us:1", "gn3:us:2"],
            "unit_id": ["gn3", "gn3"],
            "partner_country_iso2": ["US", "US"],
            "is_synthetic": [synthetic, synthetic],
        }
    )


def test_city_outcomes_count_by_source_and_keep_survey_non_response_missing(cities, relations):
    survey = _survey(synthetic=False)
    long = outcomes.outcome_ties(relations, None, survey)
    sources = outcomes.lane_sources({"survey": survey})
    assert sources == ("wikipedia", "wikidata", "survey")
    table = outcomes.city_outcomes(cities, long, survey_respondents=["gn3"], sources=sources).set_index("city_id")
    assert table.loc["gn1", "us_tie_count_wikipedia"] == 1 and table.loc["gn1", "us_tie_count_wikidata"] == 1
    assert table.loc["gn1", "cn_tie_count_wikipedia"] == 0 and table.loc["gn1", "cn_tie_count_wikidata"] == 1
    assert table.loc["gn1", "eu_tie_count_wikidata"] == 1
    assert pd.isna(table.loc["gn1", "us_tie_count_survey"]) and pd.isna(table.loc["gn1", "us_any_survey"])
    assert table.loc["gn3", "us_tie_count_survey"] == 2 and table.loc["gn3", "us_tie_count"] == 2
    assert table["partner_mix"].to_dict() == {"gn1": "both", "gn2": "US", "gn3": "US"}


def test_a_synthetic_sample_never_enters_the_real_lane(cities, relations):
    survey = _survey(synthetic=True)
    real = outcomes.outcome_ties(relations, None, survey)
    assert not real["is_synthetic"].any() and "survey" not in set(real["source"])
    sources = outcomes.lane_sources({"survey": survey, "crawl": None})
    assert sources == outcomes.PUBLIC_SOURCES
    table = outcomes.city_outcomes(cities, real, survey_respondents=["gn3"], sources=sources).set_index("city_id")
    assert not any(column.endswith("_survey") for column in table) and "survey_responded" not in table
    assert not table.loc["gn3", "us_any"]
    demonstration = outcomes.outcome_ties(relations, None, survey, lane="demonstration")
    assert demonstration["is_synthetic"].any()
    assert outcomes.lane_sources({"survey": survey}, lane="demonstration")[-1] == "survey"


def test_outcome_definitions_use_domestic_status_level_and_territory_columns():
    cities = pd.DataFrame({"city_id": ["a", "b", "c", "d"]})
    ties = pd.DataFrame(
        {
            "relation_id": ["1", "2", "3", "4", "5", "6"],
            "eu_city_id": ["a", "a", "b", "c", "d", "d"],
            "eu_region_code": [None] * 6,
            "eu_country_iso2": ["FR", "FR", "DE", "IT", "PL", "PL"],
            "partner_id": [None] * 6,
            "partner_name": ["Lyon", "Honolulu County", "Prague", "San Juan", "Xuzhou", "Minhang"],
            "partner_country_iso2": ["FR", "US", "CZ", "US", "CN", "CN"],
            "partner_is_eu": [True, False, True, False, False, False],
            "partner_is_us": [False, True, False, False, False, False],  # San Juan (Puerto Rico) is not the US
            "partner_is_cn": [False, False, False, False, True, True],
            "is_domestic": [True, False, False, False, False, False],
            "status": ["active", "unknown", "ended", "active", "active", "ended"],
            "partner_level": ["city", "county", "city", "territory", "prefecture", "district"],
            "in_wikipedia_2026": [True] * 6,
            "in_wikidata_2016": [False] * 6,
            "in_wikidata_2017": [False] * 6,
            "in_wikidata_2022": [False] * 6,
        }
    )
    table = outcomes.city_outcomes(cities, outcomes.public_source_ties(ties), None).set_index("city_id")
    columns = [definition.column for definition in outcomes.OUTCOME_DEFINITIONS]
    assert table.loc["a", columns].tolist() == [True, True, False, True, False, False, False]
    assert table.loc["b", columns].tolist() == [True, False, False, False, False, False, False]
    assert table.loc["c", "us_any"] == False and table.loc["c", "foreign_any"]  # noqa: E712
    assert table.loc["d", columns].tolist() == [True, False, True, False, True, False, True]
    assert table.loc["a", "eu_tie_count"] == 0 and table.loc["a", "foreign_tie_count"] == 1
    described = outcomes.definitions_table(table.reset_index()).set_index("column")
    assert described.loc["cn_any_active", "cities"] == 1 and "ended" in described.loc["cn_any_active", "rule"]


def test_outcome_definitions_fall_back_on_countries_without_the_partnership_columns():
    ties = pd.DataFrame(
        {"partner_country_iso2": ["FR", "US", "CN"], "eu_country_iso2": ["FR", "FR", "FR"]},
    )
    attributes = outcomes.tie_attributes(ties)
    assert attributes["is_domestic"].tolist() == [True, False, False]
    assert attributes["partner_group"].tolist() == ["eu", "us", "cn"]
    assert outcomes.meets(attributes, outcomes.DEFINITIONS["us_any_active"]).tolist() == [False, True, False]
    assert not outcomes.meets(attributes, outcomes.DEFINITIONS["cn_any_city_level"]).any()


def test_analysis_tables_keep_every_city_and_region(cities, relations):
    long = outcomes.public_source_ties(relations)
    city_outcomes = outcomes.city_outcomes(cities, long, survey_respondents=None)
    covariates = pd.DataFrame({"city_id": ["gn1", "gn2", "gn3"], "log_population": [13.4, 13.2, 13.1]})
    table = outcomes.city_analysis_table(cities, city_outcomes, covariates)
    assert len(table) == 3
    outcomes.CITY_ANALYSIS_SCHEMA.validate(table)
    regions = pd.DataFrame(
        {
            "nuts2_code": ["PL71", "PL63", "FRK2", "DE30"],
            "nuts_version": [2021] * 4,
            "name_latn": ["Łódzkie", "Pomorskie", "Rhône-Alpes", "Berlin"],
            "country_iso2": ["PL", "PL", "FR", "DE"],
        }
    )
    region_covariates = pd.DataFrame(
        {"nuts2_2021": ["PL71", "PL63", "FRK2", "DE30"], "gdp_per_head_eur": [12e3, 13e3, 35e3, 40e3]}
    )
    region_table = outcomes.region_analysis_table(regions, table, relations, region_covariates).set_index("nuts2_2021")
    assert region_table.loc[
        "PL71", ["frame_cities", "cities_with_us", "cities_with_cn", "region_cn_ties"]
    ].tolist() == [1, 1, 1, 1]
    assert region_table.loc["DE30", "frame_cities"] == 0 and pd.isna(region_table.loc["DE30", "share_cities_with_us"])
    outcomes.REGION_ANALYSIS_SCHEMA.validate(region_table.reset_index())


def test_source_summary_covers_respondents_only_for_the_survey(cities, relations):
    survey = pd.DataFrame(
        {"survey_tie_id": ["gn3:us:1"], "unit_id": ["gn3"], "partner_country_iso2": ["US"], "is_synthetic": [False]}
    )
    sources = outcomes.lane_sources({"survey": survey})
    table = outcomes.city_outcomes(cities, outcomes.outcome_ties(relations, None, survey), ["gn3"], sources)
    summary = outcomes.source_summary(table).set_index("source")
    assert summary.loc["survey", "cities_covered"] == 1 and summary.loc["survey", "share_with_us_partner"] == 1.0
    assert summary.loc["wikipedia", "cities_covered"] == 3
    assert summary.loc["wikipedia", "share_with_us_partner"] == pytest.approx(2 / 3)
    assert summary.loc["any real source", "share_with_cn_partner"] == pytest.approx(1 / 3)
