"""The catalogue of malformed and awkward survey exports (issue 10 "Done when", issue 12 items 4-5).

Each case builds a small file, loads it through the real loader and expects one of three handlings:
a clean import, a refusal naming file and line (and column where there is one), or quarantined
rows with their reason. Every case checks rows in = rows kept + rows quarantined and that the
personal marker planted in every personal cell appears in no message, reason or output table.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.collect import codebook, export_formats, survey
from analysis.collect.importers import ExportRefused, read_export
from analysis.collect.importers.catalogue import (
    BASE,
    BOOK,
    CASES,
    FRAME,
    MARKER,
    MULTILINE,
    plain_file,
    sample_rows,
    tool_export,
)


def test_the_catalogue_has_at_least_25_cases_of_each_kind_mix():
    assert len(CASES) >= 25
    assert len({case.name for case in CASES}) == len(CASES)
    assert {case.expect for case in CASES} == {"clean", "refused", "quarantine"}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_catalogue_case(tmp_path, case):
    path = case.build(tmp_path)
    if case.expect == "refused":
        with pytest.raises(ExportRefused) as refusal:
            survey.load_survey_export(path, salt="s" * 16, known_unit_ids=FRAME)
        message = str(refusal.value)
        assert re.search(case.pattern, message), message
        assert message.startswith(path.name) and " line " in message
        assert MARKER not in message.casefold() and "\n" not in message
        return
    loaded = survey.load_survey_export(path, salt="s" * 16, known_unit_ids=FRAME)
    counts = loaded.row_counts
    assert counts["rows_in"] == counts["responses"] + counts["rows_quarantined"]
    assert counts["roster_entries"] == counts["ties"] + counts["roster_entries_quarantined"]
    if case.rows_in is not None:
        assert counts["rows_in"] == case.rows_in
    outputs = pd.concat([loaded.quarantine, loaded.responses.astype(str), loaded.partner_ties.astype(str)]).to_csv()
    assert MARKER not in outputs.casefold() and "192.0.2" not in outputs
    reasons = loaded.quarantine["reason"].tolist()
    if case.expect == "clean":
        assert reasons == []
        return
    assert any(re.search(case.pattern, reason) for reason in reasons), reasons
    if case.quarantined is not None:
        assert counts["rows_quarantined"] == case.quarantined
    assert not any(
        "later response is kept" in reason for reason in reasons if "gn1" in reason and "line 2" in reason
    ) or (case.name == "duplicate respondent")


def test_clean_cases_read_names_in_the_right_encoding(tmp_path):
    for case in CASES:
        if case.name.startswith(("Windows-1250", "UTF-16")):
            raw = read_export(case.build(tmp_path), BOOK)
            assert raw.personal["respondent_name"].iloc[0] == f"Łucja {MARKER.title()}", case.name
    cp1252 = next(case for case in CASES if "1252" in case.name)
    assert read_export(cp1252.build(tmp_path), BOOK).frame.at[0, "us_partner_1_name"] == "Saint-Étienne Çà"


def test_quarantine_lines_follow_multi_line_fields_and_header_rows(tmp_path):
    raw = read_export(plain_file("export.csv", MULTILINE)(tmp_path), BOOK)
    assert raw.source_rows.tolist() == [2, 4, 5]
    qualtrics = read_export(tool_export("qualtrics", sample_rows())(tmp_path), BOOK)
    assert qualtrics.source_rows.tolist() == [4, 5]
    assert qualtrics.detected["tool"] == "qualtrics" and "IPAddress" in qualtrics.personal.columns


def test_a_later_invalid_duplicate_leaves_the_earlier_response_standing(tmp_path):
    case = next(case for case in CASES if case.name == "later invalid duplicate")
    loaded = survey.load_survey_export(case.build(tmp_path), salt="s" * 16, known_unit_ids=FRAME)
    assert "gn1" in set(loaded.responses["unit_id"])
    assert loaded.quarantine["source_row"].tolist() == [4]


# --------------------------------------------------------------------------- drop-in folder (issue 12, item 5)


def _drop(folder: Path, name: str, mtime: int) -> Path:
    import os

    path = folder / name
    path.write_text(BASE)
    os.utime(path, (mtime, mtime))
    return path


def test_every_drop_in_file_is_seen_and_newest_is_declared_or_modified(tmp_path):
    from analysis.collect.importers.dropin import DropInError, choose_drop_in

    assert choose_drop_in(tmp_path / "absent") is None
    (tmp_path / "pseudonym_salt.txt").write_text("x" * 16)
    (tmp_path / ".gitkeep").write_text("")
    assert choose_drop_in(tmp_path, ignore=("pseudonym_salt.txt",)) is None
    _drop(tmp_path, "EXPORT.CSV", 100)
    assert choose_drop_in(tmp_path, ignore=("pseudonym_salt.txt",)).name == "EXPORT.CSV"
    _drop(tmp_path, "export.xlsx", 200)
    assert choose_drop_in(tmp_path, ignore=("pseudonym_salt.txt",)).name == "export.xlsx"  # newest by mtime
    for path in [tmp_path / "EXPORT.CSV", tmp_path / "export.xlsx"]:
        path.unlink()
    _drop(tmp_path, "survey_export_v10.csv", 100)
    _drop(tmp_path, "survey_export_v9.csv", 300)
    assert choose_drop_in(tmp_path, ignore=("pseudonym_salt.txt",)).name == "survey_export_v10.csv"
    _drop(tmp_path, "notes.pdf", 50)
    with pytest.raises(DropInError, match=r"\['notes.pdf'\] cannot be read as a survey export"):
        choose_drop_in(tmp_path, ignore=("pseudonym_salt.txt",))
    (tmp_path / "notes.pdf").unlink()
    _drop(tmp_path, "survey_export_V10.txt", 100)
    with pytest.raises(DropInError, match="equally new by declared version"):
        choose_drop_in(tmp_path, ignore=("pseudonym_salt.txt",))


def test_a_short_salt_is_refused(tmp_path):
    (tmp_path / "pseudonym_salt.txt").write_text("short\n")
    with pytest.raises(ValueError, match="pseudonym_salt.txt: the salt has 5 characters"):
        survey.read_salt(tmp_path / "export.csv")


# A numeric item's own missing code: phase 2 asks the staff on international affairs (a number) with a
# "don't know" answer; every format must deliver it as the code, and a fraction stays a fraction.
PHASE2_BOOK = codebook.load_codebook("us_phase2")


def _phase2_answers(staff: list[str | None]) -> pd.DataFrame:
    columns = PHASE2_BOOK.export_columns()
    base = dict.fromkeys(columns) | {
        "responded": "2026-03-02",
        "questionnaire_language": "en",
        "respondent_email": f"{MARKER}@example.org",
        "consent": "attribute_to_unit",
        "has_international_office": "yes",
        "international_budget": "none",
        "sci_member": "yes",
        "sister_city_committee": "dont_know",
        "has_eu_partner": "no",
    }
    rows = [base | {"partner_id": f"us-place-{k}", "international_staff_fte": v} for k, v in enumerate(staff, 1)]
    return pd.DataFrame(rows, columns=columns, dtype=object)


@pytest.mark.parametrize("export_format", export_formats.EXPORT_FORMATS)
def test_catalogue_numeric_item_with_its_dont_know_code(tmp_path, export_format):
    from analysis.collect import phase2_link

    staff = ["dont_know", "2.5", "0", None]
    path = export_formats.write_export(_phase2_answers(staff), tmp_path / "phase2", export_format, PHASE2_BOOK)
    loaded = phase2_link.load_phase2_export(path, salt="s" * 16, data_origin="catalogue")
    counts = loaded.row_counts
    assert counts["rows_in"] == 4 == counts["responses"] + counts["rows_quarantined"]
    assert loaded.quarantine.empty, loaded.quarantine["reason"].tolist()
    raw = read_export(path, PHASE2_BOOK)
    assert raw.problems == [] and list(raw.frame["international_staff_fte"]) == staff
    typed = loaded.responses.set_index("partner_id")["international_staff_fte"]  # "don't know" is missing, typed
    assert typed.isna().tolist() == [True, False, False, True] and typed.dropna().tolist() == [2.5, 0.0]
    assert MARKER not in loaded.responses.to_csv()
