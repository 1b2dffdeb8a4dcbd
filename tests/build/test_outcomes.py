"""The city and region analysis tables: counts by source, survey non-response kept apart, every city kept."""

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


def test_city_outcomes_count_by_source_and_keep_survey_non_response_missing(cities, relations):
    survey = pd.DataFrame(
        {
            "survey_tie_id": ["gn3:us:1", "gn3:us:2"],
            "unit_id": ["gn3", "gn3"],
            "partner_country_iso2": ["US", "US"],
            "is_synthetic": [True, True],
        }
    )
    long = pd.concat([outcomes.public_source_ties(relations), outcomes.survey_source_ties(survey)], ignore_index=True)
    table = outcomes.city_outcomes(cities, long, survey_respondents=["gn3"]).set_index("city_id")
    assert table.loc["gn1", "us_tie_count_wikipedia"] == 1 and table.loc["gn1", "us_tie_count_wikidata"] == 1
    assert table.loc["gn1", "cn_tie_count_wikipedia"] == 0 and table.loc["gn1", "cn_tie_count_wikidata"] == 1
    assert table.loc["gn1", "eu_tie_count_wikidata"] == 1
    assert pd.isna(table.loc["gn1", "us_tie_count_survey"]) and pd.isna(table.loc["gn1", "us_any_survey"])
    assert table.loc["gn3", "us_tie_count_survey"] == 2 and table.loc["gn3", "us_tie_count"] == 2
    assert table["partner_mix"].to_dict() == {"gn1": "both", "gn2": "US", "gn3": "US"}
    assert table["uses_synthetic_sources"].all()


def test_analysis_tables_keep_every_city_and_region(cities, relations):
    long = outcomes.public_source_ties(relations)
    city_outcomes = outcomes.city_outcomes(cities, long, survey_respondents=None)
    covariates = pd.DataFrame({"city_id": ["gn1", "gn2", "gn3"], "log_population": [13.4, 13.2, 13.1]})
    table = outcomes.city_analysis_table(cities, city_outcomes, covariates)
    assert len(table) == 3 and not table["uses_synthetic_sources"].any()
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
        {"survey_tie_id": ["gn3:us:1"], "unit_id": ["gn3"], "partner_country_iso2": ["US"], "is_synthetic": [True]}
    )
    long = pd.concat([outcomes.public_source_ties(relations), outcomes.survey_source_ties(survey)], ignore_index=True)
    table = outcomes.city_outcomes(cities, long, survey_respondents=["gn3"])
    summary = outcomes.source_summary(table).set_index("source")
    assert summary.loc["survey", "cities_covered"] == 1 and summary.loc["survey", "share_with_us_partner"] == 1.0
    assert summary.loc["wikipedia", "cities_covered"] == 3
    assert summary.loc["wikipedia", "share_with_us_partner"] == pytest.approx(2 / 3)
    assert summary.loc["any source", "share_with_cn_partner"] == pytest.approx(1 / 3)
