"""Tests for analysis.collect.survey (export loader, pseudonymisation) and analysis.collect.synthetic (the labelled sample)."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest

from analysis.collect import survey, synthetic
from analysis.core import paths, tables


def _response(unit_id: str, **answers) -> dict:
    row = dict.fromkeys(survey.export_columns(), "")
    row |= {
        "unit_id": unit_id,
        "unit_type": "city",
        "responded": "2025-04-01",
        "questionnaire_language": "pl",
        "respondent_name": "Anna Example",
        "respondent_email": "anna@example.org",
        "respondent_phone": "+48 000 000 000",
        "respondent_job_title": "Head of international office",
        "has_international_office": "yes",
        "has_us_partner": "no",
        "has_cn_partner": "no",
        "consent": "aggregate_only",
    }
    return row | answers


def _export(tmp_path, rows: list[dict]):
    path = tmp_path / "survey_export.csv"
    pd.DataFrame(rows, columns=survey.export_columns()).to_csv(path, index=False)
    return path


def test_roster_is_reshaped_to_one_row_per_tie_and_personal_fields_are_dropped(tmp_path):
    rows = [
        _response(
            "gn3093133",
            has_us_partner="yes",
            us_partner_1_name="Chicago",
            us_partner_1_state="Illinois",
            us_partner_1_year_established="1994",
            us_partner_1_type="twin",
            us_partner_1_active="4",
            us_partner_2_name="Boston",
            us_partner_2_type="friendship",
            us_areas="culture;education",
            us_importance="3",
            us_coordination_eu="dont_know",
            has_cn_partner="yes",
            cn_partner_1_name="Tianjin",
            cn_partner_1_province="Tianjin",
            cn_obstacles="lack_of_funds",
        ),
        _response("gn756135"),
    ]
    loaded = survey.load_survey_export(_export(tmp_path, rows), salt="test-salt")
    survey.SURVEY_RESPONSES_SCHEMA.validate(loaded.responses)
    survey.SURVEY_TIES_SCHEMA.validate(loaded.partner_ties)
    assert loaded.row_counts == {
        "rows_in": 2,
        "responses": 2,
        "rows_quarantined": 0,
        "roster_entries": 3,
        "ties": 3,
        "roster_entries_quarantined": 0,
    }
    assert loaded.partner_ties["survey_tie_id"].tolist() == ["gn3093133:cn:1", "gn3093133:us:1", "gn3093133:us:2"]
    chicago = loaded.partner_ties.set_index("survey_tie_id").loc["gn3093133:us:1"]
    assert (chicago["year_established"], chicago["tie_type"], chicago["activity_level"]) == (1994, "twin", 4)
    lodz = loaded.responses.set_index("unit_id").loc["gn3093133"]
    assert (lodz["us_partner_count"], lodz["cn_partner_count"], lodz["us_importance"]) == (2, 1, 3)
    assert pd.isna(lodz["us_coordination_eu"])  # "don't know" is missing by design, not a midpoint
    assert not set(survey.PERSONAL_FIELDS) & set(loaded.responses.columns)


def test_respondent_key_is_a_salted_hash():
    first = survey.pseudonymous_key("Anna@Example.org ", "Anna", "gn1", "salt-a")
    assert first == survey.pseudonymous_key("anna@example.org", "Other", "gn2", "salt-a")
    assert first != survey.pseudonymous_key("anna@example.org", "Anna", "gn1", "salt-b")
    assert first.startswith("r") and "anna" not in first


def test_bad_rows_go_to_quarantine_naming_file_line_and_column(tmp_path):
    rows = [
        _response("gn1", has_us_partner="maybe"),
        _response("gn2", responded="2025-03-01"),
        _response("gn2", responded="2025-05-01"),
        _response("gn3", has_us_partner="no", us_areas="culture"),  # follow-up answered despite "no"
        _response(
            "gn4",
            has_us_partner="yes",
            us_partner_1_name="Austin",
            us_partner_1_year_established="19xx",
            us_partner_2_name="Denver",
            us_partner_2_type="sister",
        ),
        _response("gn5", has_cn_partner="no", cn_partner_1_name="Xi'an"),  # roster despite "no"
        _response("gn999"),
    ]
    loaded = survey.load_survey_export(
        _export(tmp_path, rows), salt="s", known_unit_ids={"gn1", "gn2", "gn3", "gn4", "gn5"}
    )
    counts = loaded.row_counts
    assert counts["rows_in"] == counts["responses"] + counts["rows_quarantined"] == 7
    assert counts["responses"] == 3 and counts["roster_entries_quarantined"] == 3 and counts["ties"] == 0
    reasons = loaded.quarantine.set_index(["unit_id", "record", "source_row"])["reason"]
    assert "survey_export.csv line 2, column has_us_partner" in reasons.loc[("gn1", "response", 2)]
    assert "answered again later" in reasons.loc[("gn2", "response", 3)]
    assert "follow-up items answered" in reasons.loc[("gn3", "response", 5)]
    assert "line 6, column us_partner_1_year_established" in reasons.loc[("gn4", "roster_entry", 6)].iloc[0]
    assert "not a city or NUTS2 region of the frame" in reasons.loc[("gn999", "response", 8)]
    assert loaded.responses.set_index("unit_id").loc["gn2", "source_row"] == 4


def test_missing_columns_stop_the_load(tmp_path):
    path = tmp_path / "survey_export.csv"
    pd.DataFrame([_response("gn1")]).drop(columns=["consent"]).to_csv(path, index=False)
    with pytest.raises(survey.SurveyExportError, match=r"survey_export.csv.*missing \['consent'\]"):
        survey.load_survey_export(path, salt="s")


# --------------------------------------------------------------------------- synthetic sample


def tiny_world() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Forty cities, a handful of public ties and a small gazetteer (synthetic, made here)."""
    cities = pd.DataFrame(
        {
            "city_id": [f"gn{1000 + i}" for i in range(40)],
            "name": [f"Town {i}" for i in range(39)] + ["Toledo"],
            "country_iso2": ["PL", "DE", "ES", "FR"] * 10,
            "population": [60_000 + 25_000 * i for i in range(40)],
            "is_capital": [i == 0 for i in range(40)],
        }
    )
    gazetteer = pd.DataFrame(
        {
            "partner_id": ["us-place-1", "us-place-2", "us-place-3", "cn-pref-1", "cn-pref-2"],
            "name": ["Springfield", "Toledo", "Austin", "Ningbo", "Chengdu"],
            "country_iso2": ["US", "US", "US", "CN", "CN"],
            "level": ["city", "city", "city", "prefecture", "prefecture"],
            "admin1_name": ["Illinois", "Ohio", "Texas", "Zhejiang", "Sichuan"],
            "population": [114_000, 270_000, 960_000, 9_400_000, 20_900_000],
            "alternate_names": ["Springfield, Illinois", "Toledo, Ohio", "Austin, Texas", "", ""],
        }
    )
    relations = pd.DataFrame(
        {
            "eu_city_id": ["gn1000", "gn1001", "gn1039", "gn1002"],
            "eu_region_code": [None] * 4,
            "partner_id": ["us-place-1", "cn-pref-1", "us-place-2", None],
            "partner_name": ["Springfield", "Ningbo", "Toledo", "Lyon"],
            "partner_country_iso2": ["US", "CN", "US", "FR"],
            "partner_is_us": [True, False, True, False],
            "partner_is_cn": [False, True, False, False],
        }
    )
    return cities, relations, gazetteer


def test_synthetic_survey_is_seeded_labelled_and_loads_with_the_real_loader(tmp_path):
    cities, relations, gazetteer = tiny_world()
    files = synthetic.synthetic_survey_export(cities, relations, gazetteer, 7, out_dir=tmp_path / "a")
    again = synthetic.synthetic_survey_export(cities, relations, gazetteer, 7, out_dir=tmp_path / "b")
    assert files.export.read_bytes() == again.export.read_bytes()
    raw = pd.read_csv(files.export, dtype=str, keep_default_na=False)
    assert raw["respondent_name"].str.startswith("Synthetic Respondent").all()
    assert raw["respondent_email"].str.endswith("@example.org").all()
    loaded = survey.load_survey_export(files.export, salt="synthetic", data_origin=synthetic.data_origin(7))
    assert loaded.responses["is_synthetic"].all() and (loaded.responses["data_origin"] == "synthetic (seed 7)").all()
    assert 0 < loaded.row_counts["responses"] < len(cities)
    truth = pd.read_csv(files.truth)
    assert {"gn1000", "gn1001"} <= set(truth.loc[truth["in_public"], "unit_id"])  # public ties are part of the truth


def test_synthetic_files_default_to_the_build_folder_never_data_raw():
    cities, relations, gazetteer = tiny_world()
    files = synthetic.synthetic_survey_export(cities, relations, gazetteer, 3)
    assert files.export.parent == paths.build_dir() / "synthetic"
    assert paths.raw_dir() not in files.export.parents


def test_no_processed_column_holds_personal_data(tmp_path):
    cities, relations, gazetteer = tiny_world()
    files = synthetic.synthetic_survey_export(cities, relations, gazetteer, 11, out_dir=tmp_path)
    raw = pd.read_csv(files.export, dtype=str, keep_default_na=False)
    loaded = survey.load_survey_export(files.export, salt="synthetic", data_origin=synthetic.data_origin(11))
    tables.write_table(loaded.responses, "survey_responses", survey.SURVEY_RESPONSES_SCHEMA)
    tables.write_table(loaded.partner_ties, "survey_ties", survey.SURVEY_TIES_SCHEMA)
    personal_values = set(raw[list(survey.PERSONAL_FIELDS)].stack()) - {""}
    for parquet in paths.processed_dir().glob("*.parquet"):
        frame = pq.read_table(parquet).to_pandas()
        assert not set(survey.PERSONAL_FIELDS) & set(frame.columns), parquet
        for column in frame.columns:
            values = set(frame[column].dropna().astype(str))
            assert not values & personal_values, f"{parquet.name}: column {column} holds personal data"
            assert not any("@" in value for value in values), f"{parquet.name}: column {column} holds an e-mail"
