"""Tests for analysis.collect.codebook (loading, validation, skip logic) and codebook_outputs (what is generated)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest
import yaml

from analysis.collect import codebook, codebook_outputs, export_schemas, survey
from analysis.core import countries, fields, paths

# libyaml's safe loader and dumper read and write the same YAML as PyYAML's Python ones, eight and five times
# faster: parsing and writing the phase-1 codebook took 0.6 of the 0.9 CPU seconds of each broken-codebook case.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _write(tmp_path: Path, instrument: str, book: dict) -> Path:
    path = tmp_path / f"{instrument}.yaml"
    path.write_text(yaml.dump(book, Dumper=_DUMPER, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _raw(instrument: str = "eu_phase1") -> dict:
    return yaml.load((codebook.CODEBOOK_DIR / f"{instrument}.yaml").read_text(encoding="utf-8"), Loader=_LOADER)


def _item(raw: dict, item_id: str) -> dict:
    return next(item for section in raw["sections"] for item in section["items"] if item["id"] == item_id)


def test_phase1_codebook_reproduces_the_export_layout():
    book = codebook.load_codebook("eu_phase1")
    assert book.export_columns() == survey.export_columns()
    assert len(book.export_columns()) == 74
    assert book.export_columns()[:4] == ["unit_id", "unit_type", "responded", "questionnaire_language"]
    assert [item.id for item in book.items if item.personal] == list(survey.PERSONAL_FIELDS)
    assert tuple(book.item("questionnaire_language").code_values) == countries.EU_OFFICIAL_LANGUAGES
    assert set(book.languages) == set(countries.EU_OFFICIAL_LANGUAGES)


def test_loops_and_rosters_expand_to_concrete_items():
    book = codebook.load_codebook("eu_phase1")
    roster = book.item("cn_partners")
    assert roster.rows == 5 and [field.template_id for field in roster.fields][:2] == ["name", "admin1"]
    assert roster.export_columns[:6] == (
        "cn_partner_1_name",
        "cn_partner_1_province",
        "cn_partner_1_year_established",
        "cn_partner_1_type",
        "cn_partner_1_active",
        "cn_partner_2_name",
    )
    assert book.item("cn_partners.admin1").label == "Chinese province of the partner"
    importance = book.item("us_importance")
    assert importance.ask_if == "has_us_partner == 'yes'" and importance.wording["en"].endswith("city or region?")
    assert "in the United States" in importance.wording["en"] and importance.loop["country_iso2"] == "US"
    assert book.column_item("us_partner_3_type").id == "us_partners.type"


def test_every_instrument_loads_and_shared_ids_have_the_same_codes():
    books = [codebook.load_codebook(name) for name in codebook.INSTRUMENTS]
    codes_by_shared: dict[str, set[tuple[str, ...]]] = {}
    for book in books:
        for item in book.items:
            for part in item.fields or (item,):
                if part.shared_id and part.type in codebook.CODED_TYPES and part.shared_id != "has_partner":
                    codes_by_shared.setdefault(part.shared_id, set()).add(tuple(part.code_values))
    different = {shared: codes for shared, codes in codes_by_shared.items() if len(codes) > 1}
    assert different == {}
    shared_everywhere = {"areas", "benefits", "obstacles", "importance", "coordination_national"}
    for book in books:
        assert shared_everywhere <= {part.shared_id for part in book.items}, book.instrument


def test_translated_languages_are_complete_and_todo_languages_are_explicit():
    phase1 = codebook.load_codebook("eu_phase1")
    assert phase1.translated_languages()[0] == "en"
    assert set(phase1.translated_languages()) | set(phase1.todo_languages()) == set(phase1.languages)
    for book in (phase1, codebook.load_codebook("us_phase2")):
        for item in book.items:
            for part in item.fields or (item,):
                if part.kind == "question":
                    assert set(book.translated_languages()) <= set(part.wording), part.id
                for code in part.codes:
                    assert set(book.translated_languages()) <= set(code.label), (part.id, code.code)
    assert codebook.load_codebook("us_phase2").translated_languages() == ["en", "es"]


def _language_maps(node):
    """Every {lang: text} mapping of a raw codebook (the dicts whose en is a text)."""
    if isinstance(node, dict):
        if isinstance(node.get("en"), str) and node["en"] != "translated":
            yield node
        for value in node.values():
            yield from _language_maps(value)
    elif isinstance(node, list):
        for value in node:
            yield from _language_maps(value)


def test_phase1_speaks_every_official_eu_language_keeping_the_placeholders():
    phase1 = codebook.load_codebook("eu_phase1")
    assert set(phase1.translated_languages()) == set(countries.EU_OFFICIAL_LANGUAGES)
    maps = list(_language_maps(_raw()))
    assert len(maps) > 100
    for texts in maps:
        wanted = sorted(re.findall(r"\{\w+\}", texts["en"]))
        for language, text in texts.items():
            assert sorted(re.findall(r"\{\w+\}", text)) == wanted, (language, text)
    for item in phase1.items:
        if item.kind == "question" and len(item.wording["en"]) > 40:
            copied = [lang for lang, text in item.wording.items() if lang != "en" and text == item.wording["en"]]
            assert not copied, (item.id, copied)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: _item(raw, "consent").update(type="choice"), r"eu_phase1.yaml, item consent: type must be"),
        (lambda raw: _item(raw, "consent").update(codes="nope"), r"item consent: codes must name a code list"),
        (
            lambda raw: _item(raw, "consent").update(ask_if="unknown_item == 'yes'"),
            r"item consent: ask_if .*'unknown_item' is not an earlier item",
        ),
        (
            lambda raw: _item(raw, "consent").update(ask_if="has_international_office == 'maybe'"),
            r"item consent: ask_if .*codes \['maybe'\] are not codes of has_international_office",
        ),
        (lambda raw: _item(raw, "consent").update(ask_if="import os"), r"item consent: ask_if .*not an expression"),
        (
            lambda raw: _item(raw, "consent").update(wording={"de": "Wie?"}),
            r"item consent: no text in the translated languages \['en', .*'es', .*'fr', .*'nl', 'pl', 'pt'",
        ),
        (lambda raw: _item(raw, "consent").update(id="unit_id"), r"item unit_id: the id is used twice"),
        (lambda raw: _item(raw, "consent").update(column="unit_id"), r"item consent: export column 'unit_id' also"),
        (lambda raw: _item(raw, "respondent_email").update(type="single", codes="yes_no"), r"personal items"),
        (lambda raw: raw["code_lists"]["areas"].pop("source"), r"code list areas: needs source, note and codes"),
        (lambda raw: raw["languages"].update(de="half_done"), r"languages must map codes"),
        (lambda raw: raw.update(instrument="other"), r"instrument 'other' differs from the file name"),
        (
            lambda raw: _item(raw, "has_international_office").update(limesurvey_code="intl_office"),
            r"LimeSurvey question code 'intl_office'",
        ),
    ],
)
def test_a_broken_codebook_is_refused_naming_file_and_item(tmp_path, change, message):
    raw = _raw()
    change(raw)
    with pytest.raises(codebook.CodebookError, match=message):
        codebook.read_codebook(_write(tmp_path, "eu_phase1", raw))


def test_a_file_that_is_not_yaml_is_refused_with_its_name(tmp_path):
    path = tmp_path / "eu_phase1.yaml"
    path.write_text("instrument: [unclosed\n", encoding="utf-8")
    with pytest.raises(codebook.CodebookError, match=r"^eu_phase1.yaml: cannot be read as YAML"):
        codebook.read_codebook(path)


def test_ask_if_parses_and_evaluates_on_rows_of_the_clean_export():
    book = codebook.load_codebook("eu_phase1")
    tree = codebook.parse_ask_if(
        "has_us_partner == 'yes' and ('culture' in us_areas or us_importance >= 4) and not answered(cn_areas)"
    )
    assert tree[0] == "and" and tree[1][1][0] == "or" and tree[1][2] == ("not", ("answered", "cn_areas"))
    row = {"has_us_partner": "yes", "us_areas": "tourism;culture", "us_importance": "2", "cn_areas": ""}
    assert codebook.ask_if_holds(tree, row, book)
    assert not codebook.ask_if_holds(tree, {**row, "us_areas": "tourism"}, book)
    assert codebook.ask_if_holds(tree, {**row, "us_areas": "tourism", "us_importance": "5"}, book)
    assert not codebook.ask_if_holds(tree, {**row, "us_importance": "dont_know", "us_areas": ""}, book)
    assert codebook.ask_if_holds(codebook.parse_ask_if("unit_type in ('city', 'region')"), {"unit_type": "city"}, book)
    with pytest.raises(codebook.CodebookError, match="unsupported expression"):
        codebook.parse_ask_if("us_importance + 1")
    with pytest.raises(codebook.CodebookError, match="needs a multi-select item"):
        codebook.check_ask_if(
            codebook.parse_ask_if("'yes' in has_us_partner"), {"has_us_partner": book.item("has_us_partner")}
        )


def test_generated_files_are_up_to_date():
    books = [codebook.load_codebook(name) for name in codebook.INSTRUMENTS]
    committed = codebook_outputs.DATA_FORMATS_PATH.read_text(encoding="utf-8")
    expected = codebook_outputs.replace_generated(committed, codebook_outputs.survey_formats_markdown(books))
    assert committed == expected, "run: python -m analysis.collect.codebook_outputs"
    assert codebook_outputs.APPENDIX_PATH.read_text(encoding="utf-8") == codebook_outputs.appendix_markdown(books)
    generated = codebook_outputs.GENERATED_FIELDS_PATH.read_text(encoding="utf-8")
    assert generated == codebook_outputs.vocabulary_csv(books), "run: python -m analysis.collect.codebook_outputs"


def test_docs_name_every_export_column_and_keep_the_hand_written_crawl_part():
    text = codebook_outputs.DATA_FORMATS_PATH.read_text(encoding="utf-8")
    generated = text.split(codebook_outputs.BEGIN_MARK)[1].split(codebook_outputs.END_MARK)[0]
    for column in codebook.load_codebook("eu_phase1").export_columns():
        shown = column.replace("_1_", "_K_") if "_partner_" in column else column
        assert f"`{shown}`" in generated or f"`{shown.replace('_2_', '_K_')}`" in generated or "_partner_" in column
    assert "`us_partner_K_state` (K = 1-5)" in generated and "`cn_partner_K_province` (K = 1-5)" in generated
    assert "## Web crawl: a stored crawl folder" in text.split(codebook_outputs.END_MARK)[1]
    with pytest.raises(ValueError, match="expected one"):
        codebook_outputs.replace_generated("no markers here", "x")


def test_codebook_columns_shared_with_other_tables_agree_with_fields_csv():
    with (paths.REFERENCE / fields.FIELDS_FILE).open(encoding="utf-8", newline="") as handle:
        hand_written = {row["name"] for row in csv.DictReader(handle)}
    for name in codebook.INSTRUMENTS:
        book = codebook.load_codebook(name)
        for item in book.items:
            for part in item.fields or (item,):
                for column in part.export_columns:
                    if column in hand_written:
                        row = codebook_outputs.field_row(part, book)
                        assert fields.field(column).type == row["type"], (name, column)
                        assert fields.field(column).nullable == (row["nullable"] == "true"), (name, column)


def test_the_same_column_in_two_instruments_must_have_the_same_type(tmp_path):
    raw = _raw("china_2020")
    _item(raw, "cn_importance").update(type="numeric", range=[1, 5], codes=None)
    _item(raw, "cn_importance").pop("codes")
    changed = codebook.read_codebook(_write(tmp_path, "china_2020", raw))
    with pytest.raises(
        codebook.CodebookError, match=r"china_2020.yaml, item cn_importance: column cn_importance differs"
    ):
        codebook_outputs.vocabulary_rows([codebook.load_codebook("eu_phase1"), changed])


def test_export_schema_checks_codes_scales_and_multi_selects():
    book = codebook.load_codebook("us_phase2")
    schema = export_schemas.US_PHASE2_EXPORT_SCHEMA
    assert list(schema.columns) == book.export_columns()
    row = dict.fromkeys(schema.columns)
    row |= {"partner_id": "us-place-1714000", "responded": pd.Timestamp("2026-01-05"), "questionnaire_language": "es"}
    row |= {"has_international_office": "dont_know", "has_eu_partner": "yes", "eu_areas": "culture;sport"}
    row |= {"eu_importance": 5, "sci_member": "yes", "sister_city_committee": "no", "consent": "aggregate_only"}
    row |= {"international_budget": "under_10k", "eu_partner_1_country": "DE", "eu_partner_1_year_established": 1990}
    frame = pd.DataFrame([row]).astype({c: "object" for c in schema.columns if row[c] is None})
    typed = frame.astype({"eu_importance": "Int64", "eu_partner_1_year_established": "Int64"})
    for column in schema.columns:
        if fields.field(column).type == "integer":
            typed[column] = typed[column].astype("Int64")
        elif fields.field(column).type == "number":
            typed[column] = typed[column].astype(float)
    schema.validate(typed)
    for column, bad in [("eu_areas", "culture;golf"), ("questionnaire_language", "pl"), ("eu_importance", 7)]:
        broken = typed.copy()
        broken[column] = pd.Series([bad], dtype=typed[column].dtype)
        with pytest.raises(pa.errors.SchemaError):
            schema.validate(broken)


def test_items_frame_lists_every_item_once_with_its_wording():
    book = codebook.load_codebook("eu_phase1")
    frame = codebook_outputs.items_frame(book, "de")
    assert frame["item"].is_unique and "us_partners.admin1" in set(frame["item"])
    assert ", ".join(book.export_columns()).count(",") + 1 == 74
    row = frame.set_index("item").loc["cn_importance"]
    assert row["wording"] == "Wie wichtig sind die Partnerschaften in China für Ihre Stadt oder Region?"
    assert (row["shared_id"], row["ask_if"], row["codes"]) == ("importance", "has_cn_partner == 'yes'", "1; 2; 3; 4; 5")
    assert frame.loc[frame["personal"], "item"].tolist() == list(survey.PERSONAL_FIELDS)


def test_item_and_column_item_find_what_a_scan_in_questionnaire_order_finds():
    # item() and column_item() read dictionaries built once; they must answer as the scan they replace.
    for book in (codebook.load_codebook(name) for name in codebook.INSTRUMENTS):
        for item in book.items:
            for part in (item, *item.fields):
                first = next(p for i in book.items for p in (i, *i.fields) if p.id == part.id)
                assert book.item(part.id) is first
        for column in book.export_columns():
            first = next(p for i in book.items for p in i.fields or (i,) if column in p.export_columns)
            assert book.column_item(column) is first
        with pytest.raises(KeyError, match="no item"):
            book.item("no_such_item")
        with pytest.raises(KeyError, match="no export column"):
            book.column_item("no_such_column")
