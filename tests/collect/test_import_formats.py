"""The same answers delivered in every export format import to the identical clean table (issue 10, item 3)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.collect import codebook, export_formats, survey
from analysis.collect.importers import read_export

BOOK = codebook.load_codebook("eu_phase1")


def answers() -> pd.DataFrame:
    """Four respondents covering every item type, missing codes, diacritics (cp1250-safe) and a comma in a value."""
    base = dict.fromkeys(BOOK.export_columns(), "")
    rows = [
        base
        | {
            "unit_id": "gn3093133",
            "unit_type": "city",
            "responded": "2025-04-01",
            "questionnaire_language": "pl",
            "respondent_name": "Łucja Żółkiewska",
            "respondent_email": "lucja@example.org",
            "respondent_phone": "+48 42 000 00 00",
            "respondent_job_title": "Kierownik, Biuro Współpracy Zagranicznej",
            "has_international_office": "yes",
            "has_us_partner": "yes",
            "us_partner_1_name": "Chicago",
            "us_partner_1_state": "Illinois",
            "us_partner_1_year_established": "1994",
            "us_partner_1_type": "twin",
            "us_partner_1_active": "4",
            "us_partner_2_name": "San José",
            "us_partner_2_type": "friendship",
            "us_areas": "culture;education;other",
            "us_benefits": "cultural_exchange",
            "us_importance": "3",
            "us_coordination_national": "dont_know",
            "us_coordination_eu": "1",
            "has_cn_partner": "yes",
            "cn_partner_1_name": "Tianjin",
            "cn_partner_1_province": "Tianjin",
            "cn_partner_1_year_established": "2008",
            "cn_partner_1_active": "2",
            "cn_obstacles": "lack_of_funds;political_tensions",
            "cn_importance": "5",
            "consent": "attribute_to_unit",
        },
        base
        | {
            "unit_id": "gn2950159",
            "unit_type": "city",
            "responded": "2025-04-03",
            "questionnaire_language": "de",
            "respondent_name": "Jürgen Weiß",
            "respondent_email": "jw@example.org",
            "has_international_office": "dont_know",
            "has_us_partner": "no",
            "has_cn_partner": "no",
            "consent": "aggregate_only",
        },
        base
        | {
            "unit_id": "CZ01",
            "unit_type": "region",
            "responded": "2025-05-12",
            "questionnaire_language": "cs",
            "respondent_name": "Řehoř Čapek",
            "has_international_office": "no",
            "has_us_partner": "yes",
            "us_partner_1_name": "Cedar Rapids",
            "us_partner_1_state": "Iowa",
            "us_partner_1_type": "mou",
            "us_areas": "economy_trade",
            "us_benefits": "none",
            "us_obstacles": "time_zones",
            "us_importance": "dont_know",
            "has_cn_partner": "dont_know",
            "consent": "attribute_to_unit",
        },
        base
        | {
            "unit_id": "gn3054643",
            "unit_type": "city",
            "responded": "2025-04-20",
            "questionnaire_language": "hu",
            "respondent_name": "Gödöllői Ödön",
            "has_international_office": "yes",
            "has_us_partner": "no",
            "has_cn_partner": "yes",
            "cn_partner_1_name": "Xi'an",
            "cn_partner_1_year_established": "1995",
            "cn_partner_1_type": "partner",
            "cn_areas": "tourism;humanitarian_aid",
            "cn_coordination_eu": "5",
            "consent": "aggregate_only",
        },
    ]
    return pd.DataFrame(rows, columns=BOOK.export_columns())


def test_answers_use_every_column_kind_of_the_codebook():
    used = {BOOK.column_item(c).type for c in BOOK.export_columns() if answers()[c].ne("").any()}
    assert used == {"text", "single", "date", "year", "likert", "multi"}


@pytest.mark.parametrize("export_format", export_formats.EXPORT_FORMATS)
def test_every_format_imports_to_the_identical_clean_table(tmp_path, export_format):
    delivered = answers()
    path = export_formats.write_export(delivered, tmp_path / "export", export_format, BOOK)
    raw = read_export(path, BOOK)
    expected = delivered.astype(object).where(delivered != "", None)
    public = [c for c in expected.columns if c not in survey.PERSONAL_FIELDS]
    assert raw.problems == []
    pd.testing.assert_frame_equal(raw.frame, expected[public].astype(object), check_dtype=False)
    pd.testing.assert_frame_equal(
        raw.personal[list(survey.PERSONAL_FIELDS)], expected[list(survey.PERSONAL_FIELDS)], check_dtype=False
    )
    loaded = survey.load_survey_export(path, salt="s" * 16, data_origin="test")
    reference = survey.load_survey_export(
        export_formats.write_export(delivered, tmp_path / "reference", "csv", BOOK), salt="s" * 16, data_origin="test"
    )
    ignore = ["source_row"]
    pd.testing.assert_frame_equal(loaded.responses.drop(columns=ignore), reference.responses.drop(columns=ignore))
    pd.testing.assert_frame_equal(loaded.partner_ties.drop(columns=ignore), reference.partner_ties.drop(columns=ignore))
    assert loaded.row_counts == reference.row_counts == loaded.row_counts | {"rows_in": 4, "responses": 4}


def test_detected_encoding_delimiter_and_tool_are_reported(tmp_path):
    found = {}
    for export_format in export_formats.EXPORT_FORMATS:
        path = export_formats.write_export(answers(), tmp_path / export_format, export_format, BOOK)
        detected = read_export(path, BOOK).detected
        found[export_format] = (detected.get("encoding"), detected.get("delimiter"), detected["tool"])
    assert found["csv_cp1250"] == ("cp1250", "semicolon", "plain")
    assert found["csv_utf16"] == ("utf-16", "tab", "plain")
    assert found["csv_utf8_bom"] == ("utf-8-sig", "comma", "plain")
    assert found["limesurvey"] == ("utf-8-sig", "comma", "limesurvey")
    assert found["qualtrics"][2] == "qualtrics"
    assert read_export(tmp_path / "csv_semicolon_decimal_comma.csv", BOOK).detected["decimal"] == "comma"


def codebook_answers(book: codebook.Codebook, rows: int = 3) -> pd.DataFrame:
    """Answers made from a codebook alone: codes in turn, two options per multi-select, years, decimals, dates, text."""
    table = []
    for row in range(rows):
        answer = {}
        for column in book.export_columns():
            item = book.column_item(column)
            codes = item.code_values or [""]
            answer[column] = {
                "single": codes[row % len(codes)],
                "likert": codes[row % len(codes)],
                "multi": ";".join(codes[row % len(codes) :][:2]),
                "year": str(1990 + row),
                "numeric": ["12", "3.5", ""][row % 3],
                "date": f"2025-04-0{row + 1}",
            }.get(item.type, f"text {row} é")
        table.append(answer)
    return pd.DataFrame(table)


@pytest.mark.parametrize("instrument", codebook.INSTRUMENTS)
def test_every_instrument_round_trips_through_every_format(tmp_path, instrument):
    book = codebook.load_codebook(instrument)
    delivered = codebook_answers(book)
    expected = delivered.astype(object).where(delivered != "", None)
    public = book.export_columns(personal=False)
    for export_format in export_formats.EXPORT_FORMATS:
        raw = read_export(export_formats.write_export(delivered, tmp_path / export_format, export_format, book), book)
        assert raw.problems == [], (export_format, raw.problems[:3])
        pd.testing.assert_frame_equal(raw.frame, expected[public], check_dtype=False, obj=export_format)


def test_a_wrong_code_page_is_told_by_symbols_inside_words():
    from analysis.collect.importers.decode import decode_text

    polish = "unit_id,respondent_name\ngn1,Żółkiewska Małgorzata\n".encode("cp1250")
    decoded = decode_text(polish, "export.csv")
    assert (decoded.encoding, decoded.how) == ("cp1250", "cp1250: fewest symbols inside words")
    assert "Żółkiewska" in decoded.text


def test_a_number_that_may_hold_a_thousands_separator_is_not_guessed():
    from analysis.collect.importers.layout import ColumnSpec
    from analysis.collect.importers.values import clean_value

    budget = ColumnSpec("budget_eur", "numeric")
    assert clean_value(budget, "12,5", "plain") == ("12.5", None)
    assert clean_value(budget, "1.000", "plain")[1].startswith("ambiguous number '1.000'")
    assert clean_value(budget, "1.000.000", "plain")[1].startswith("expected a number")
    assert clean_value(budget, 3.125, "sav") == ("3.125", None)
