"""The catalogue of malformed and awkward survey exports (issue 10 "Done when", issue 12 items 4-5).

Each case builds a small file, loads it through the real loader and expects one of three handlings:
a clean import, a refusal naming file and line (and column where there is one), or quarantined
rows with their reason. Every case checks rows in = rows kept + rows quarantined and that the
personal marker planted in every personal cell appears in no message, reason or output table.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from analysis.collect import codebook, export_formats, survey, tool_codes
from analysis.collect.importers import ExportRefused, read_export

BOOK = codebook.load_codebook("eu_phase1")
COLUMNS = BOOK.export_columns()
MARKER = "zqmarker"
FRAME = {"gn1", "gn2", "gn3", "gn4", "gn5"}


def _row(unit_id: str, **answers: str) -> dict[str, str]:
    row = dict.fromkeys(COLUMNS, "")
    row |= {
        "unit_id": unit_id,
        "unit_type": "city",
        "responded": "2025-04-01",
        "questionnaire_language": "pl",
        "respondent_name": f"Łucja {MARKER.title()}",
        "respondent_email": f"{MARKER}@example.org",
        "respondent_phone": f"+48 {MARKER}",
        "respondent_job_title": f"{MARKER} officer",
        "has_international_office": "yes",
        "has_us_partner": "yes",
        "us_partner_1_name": "Chicago",
        "us_partner_1_year_established": "1994",
        "us_areas": "culture;education",
        "us_importance": "3",
        "has_cn_partner": "no",
        "consent": "aggregate_only",
    }
    return row | answers


def _rows(*extra: dict[str, str]) -> list[dict[str, str]]:
    return [_row("gn1"), _row("gn2", responded="2025-04-02"), *extra]


def _text(rows: list[dict[str, str]], delimiter: str = ",", eol: str = "\n", columns: list[str] | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=eol)
    columns = columns or COLUMNS
    writer.writerow(columns)
    writer.writerows([[row.get(column, "") for column in columns] for row in rows])
    return buffer.getvalue()


def _file(name: str, data: bytes | str, encoding: str = "utf-8") -> Callable[[Path], Path]:
    def build(tmp_path: Path) -> Path:
        path = tmp_path / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
        return path

    return build


def _format(export_format: str, rows: list[dict[str, str]]) -> Callable[[Path], Path]:
    return lambda tmp_path: export_formats.write_export(pd.DataFrame(rows), tmp_path / "export", export_format, BOOK)


def _replace_line(text: str, line: int, new: str) -> str:
    lines = text.split("\n")
    lines[line - 1] = new
    return "\n".join(lines)


def _limesurvey_em_codes(tmp_path: Path) -> Path:
    """LimeSurvey with Expression-Manager headings (``usAreas_SQ004``) instead of ``usAreas[SQ004]``."""
    path = _format("limesurvey", _rows())(tmp_path)
    text = path.read_bytes().decode("utf-8-sig")
    header, rest = text.split("\r\n", 1)
    path.write_bytes((re.sub(r"\[(SQ\d+)\]", r"_\1", header) + "\r\n" + rest).encode("utf-8-sig"))
    return path


def _limesurvey_full_answers(tmp_path: Path) -> Path:
    """LimeSurvey 'full answers' mode: answer texts instead of codes, Yes/No in option columns."""
    path = _format("limesurvey", _rows())(tmp_path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for cell in tool_codes.response_columns(BOOK, "limesurvey"):
        if cell.option is not None:
            frame[cell.column] = frame[cell.column].map({"Y": "Yes", "": "No"})
        elif cell.values:
            item = BOOK.item(cell.item_id)
            labels = {c.code: c.label["en"] for c in tool_codes.choices(item, BOOK)}
            frame[cell.column] = frame[cell.column].map(
                lambda v, cell=cell, labels=labels: labels.get(cell.values.get(v), v)
            )
    frame.to_csv(path, index=False, quoting=csv.QUOTE_ALL, encoding="utf-8-sig")
    return path


def _qualtrics_joined_multi(tmp_path: Path) -> Path:
    """Qualtrics with multi-select answers as one comma-joined column of choice numbers (``us_areas`` = ``4,5``)."""
    path = _format("qualtrics", _rows())(tmp_path)
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    for item in ("us_areas", "us_benefits", "us_obstacles", "cn_areas", "cn_benefits", "cn_obstacles"):
        options = [i for i, name in enumerate(rows[0]) if re.fullmatch(rf"{item}_\d+", name)]
        joined = [
            ",".join(rows[0][i].rsplit("_", 1)[1] for i in options if row[i] == "1") if n > 2 else row[options[0]]
            for n, row in enumerate(rows)
        ]
        joined[0], joined[2] = item, '{"ImportId":"QID99"}'
        rows = [[c for i, c in enumerate(row) if i not in options] + [joined[n]] for n, row in enumerate(rows)]
    path.write_bytes(export_formats._csv_text(rows, eol="\r\n").encode("utf-8-sig"))
    return path


def _qualtrics_with_text_columns(tmp_path: Path) -> Path:
    """Qualtrics with an ``us_areas_17_TEXT`` column ("other, please specify") holding the respondent's words."""
    path = _format("qualtrics", _rows())(tmp_path)
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    extra = ["us_areas_17_TEXT", "Areas - Other - Text", '{"ImportId":"QID9_17_TEXT"}'] + [f"{MARKER} twinning"] * 2
    rows = [row + [cell] for row, cell in zip(rows, extra, strict=True)]
    path.write_bytes(export_formats._csv_text(rows, eol="\r\n").encode("utf-8-sig"))
    return path


def _qualtrics_header_only(tmp_path: Path) -> Path:
    path = _format("qualtrics", _rows())(tmp_path)
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
    path.write_bytes("\r\n".join(lines[:3]).encode("utf-8-sig") + b"\r\n")
    return path


def _sav_with_tool_names(tmp_path: Path) -> Path:
    """An SPSS file whose variables carry LimeSurvey's Expression-Manager names (``usAreas_SQ004``)."""
    import pyreadstat

    path = _format("sav", _rows())(tmp_path)
    frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=False)
    names = {cell.export_column: cell.column for cell in tool_codes.response_columns(BOOK, "limesurvey")}
    renamed = {c: re.sub(r"\[(SQ\d+)\]", r"_\1", names[c]) for c in frame.columns if c in names and "[" not in names[c]}
    frame = frame.rename(columns=renamed)
    labels = {renamed.get(k, k): v for k, v in meta.variable_value_labels.items()}
    pyreadstat.write_sav(frame, str(path), variable_value_labels=labels)
    return path


def _sav_without_labels(tmp_path: Path) -> Path:
    import pyreadstat

    path = _format("sav", _rows())(tmp_path)
    frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=False)
    pyreadstat.write_sav(frame, str(path), column_labels=meta.column_names_to_labels)
    return path


def _xlsx(sheets: dict[str, pd.DataFrame], name: str = "export.xlsx") -> Callable[[Path], Path]:
    def build(tmp_path: Path) -> Path:
        path = tmp_path / name
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            for sheet, frame in sheets.items():
                frame.to_excel(writer, sheet_name=sheet, index=False)
        return path

    return build


@dataclass(frozen=True)
class Case:
    """``expect``: ``clean`` | ``refused`` | ``quarantine``; ``pattern`` must match the refusal or a reason."""

    name: str
    build: Callable[[Path], Path]
    expect: str
    pattern: str = ""
    rows_in: int | None = None
    quarantined: int | None = None


BASE = _text(_rows())
MULTILINE = _text(
    [_row("gn1", respondent_job_title=f"{MARKER}\nsecond line"), _row("gn2", us_importance="9"), _row("gn3")]
)
CASES = [
    Case("clean comma UTF-8", _file("export.csv", BASE), "clean", rows_in=2),
    Case("UTF-8 with BOM", _file("export.csv", BASE, "utf-8-sig"), "clean", rows_in=2),
    Case("semicolons and decimal commas", _format("csv_semicolon_decimal_comma", _rows()), "clean", rows_in=2),
    Case("Windows-1250 (wrong encoding)", _file("export.csv", _text(_rows(), ";"), "cp1250"), "clean", rows_in=2),
    Case(
        "Windows-1252 told apart by the questionnaire language",
        _file(
            "export.csv",
            _text(
                [
                    _row(
                        "gn1",
                        questionnaire_language="fr",
                        respondent_name="Zqmarker Ça",
                        us_partner_1_name="Saint-Étienne Çà",
                    )
                ]
            ),
            "cp1252",
        ),
        "clean",
        rows_in=1,
    ),
    Case("UTF-16 with BOM", _file("export.txt", _text(_rows(), "\t"), "utf-16"), "clean", rows_in=2),
    Case("UTF-16 without BOM", _file("export.csv", _text(_rows(), "\t"), "utf-16-le"), "clean", rows_in=2),
    Case(
        "undecodable bytes",
        _file("export.csv", BASE.encode("ascii", "replace") + b"gn3,\x81\x8d\n"),
        "refused",
        r"line 4",
    ),
    Case(
        "one line in another encoding",
        _file("export.csv", BASE.encode() + _text([_row("gn3")]).split("\n")[1].encode("cp1250") + b"\n"),
        "quarantine",
        r"line 4, columns \['respondent_name'\]: bytes not valid",
        rows_in=3,
        quarantined=1,
    ),
    Case(
        "mixed line endings",
        _file("export.csv", BASE.replace("\n", "\r\n", 1) + _text([_row("gn3")], eol="\r").split("\r", 1)[1]),
        "clean",
        rows_in=3,
    ),
    Case(
        "trailing delimiter and blank lines",
        _file("export.csv", BASE.replace("\n", ",\n") + "\n\n"),
        "clean",
        rows_in=2,
    ),
    Case(
        "missing column",
        _file("export.csv", _text(_rows(), columns=[c for c in COLUMNS if c != "consent"])),
        "refused",
        r"export.csv line 1: .*missing \['consent'\]",
    ),
    Case(
        "renamed column",
        _file("export.csv", _text(_rows()).replace("us_partner_1_state", "us_partner_1_city", 1)),
        "refused",
        r"line 1: .*missing \['us_partner_1_state'\], unexpected \['us_partner_1_city'\]",
    ),
    Case(
        "header in other case and spacing",
        _file("export.csv", BASE.replace("has_us_partner", "Has US Partner", 1)),
        "clean",
        rows_in=2,
    ),
    Case(
        "column given twice",
        _file(
            "export.csv",
            BASE.replace("consent\n", "consent,Consent\n", 1).replace("aggregate_only\n", "aggregate_only,x\n"),
        ),
        "refused",
        r"line 1: columns given twice: \{'consent'",
    ),
    Case(
        "unknown code",
        _file("export.csv", _text(_rows(_row("gn3", has_us_partner="maybe")))),
        "quarantine",
        r"line 4, column has_us_partner: unknown code 'maybe'",
        3,
        1,
    ),
    Case(
        "Likert out of range",
        _file("export.csv", _text(_rows(_row("gn3", us_importance="7")))),
        "quarantine",
        r"line 4, column us_importance: '7' is outside the scale",
        3,
        1,
    ),
    Case(
        "fractional Likert",
        _file("export.csv", _text(_rows(_row("gn3", us_importance="2.5")))),
        "quarantine",
        r"fractional answer '2.5' .*not rounded",
        3,
        1,
    ),
    Case(
        "fractional year (roster entry set aside, not rounded)",
        _file("export.csv", _text(_rows(_row("gn3", us_partner_1_year_established="1987.6")))),
        "quarantine",
        r"line 4, column us_partner_1_year_established: fractional value '1987.6'",
        3,
        0,
    ),
    Case(
        "duplicate respondent",
        _file("export.csv", _text(_rows(_row("gn1", responded="2025-05-01")))),
        "quarantine",
        r"line 2, column unit_id: 'gn1' answered again later",
        3,
        1,
    ),
    Case(
        "later invalid duplicate",
        _file("export.csv", _text(_rows(_row("gn1", responded="2025-05-01", has_us_partner="maybe")))),
        "quarantine",
        r"^export.csv line 4, column has_us_partner: unknown code 'maybe'; expected one of \['yes', 'no', 'dont_know'\]$",
        3,
        1,
    ),
    Case(
        "unit not in the frame",
        _file("export.csv", _text(_rows(_row("gn999")))),
        "quarantine",
        r"line 4, column unit_id: 'gn999' is not a city",
        3,
        1,
    ),
    Case(
        "skip logic broken",
        _file("export.csv", _text(_rows(_row("gn3", has_us_partner="no")))),
        "quarantine",
        r"line 4, column \(row\): expected follow-up items answered",
        3,
        1,
    ),
    Case("empty file", _file("export.csv", b""), "refused", r"^export.csv line 1: the file is empty"),
    Case(
        "only a BOM and blank lines",
        _file("export.csv", "\ufeff\r\n\r\n"),
        "refused",
        r"^export.csv line 1: the file is empty",
    ),
    Case(
        "header only",
        _file("export.csv", _text([])),
        "refused",
        r"^export.csv line 2: the file has a header but no response rows",
    ),
    Case(
        "truncated last line",
        _file("export.csv", BASE + _text([_row("gn3")]).split("\n")[1][:60]),
        "quarantine",
        r"line 4: truncated: the file ends inside this record",
        3,
        1,
    ),
    Case(
        "quote never closed",
        _file("export.csv", BASE + 'gn3,"city,2025\n'),
        "quarantine",
        r"line 4: a quote opened .* is never closed",
        3,
        1,
    ),
    Case(
        "unquoted comma",
        _file(
            "export.csv",
            _replace_line(
                _text(_rows(_row("gn3"))),
                4,
                _text([_row("gn3")]).split("\n")[1].replace(f"{MARKER} officer", f"{MARKER}, officer"),
            ),
        ),
        "quarantine",
        r"line 4: 75 fields where the header has 74 \(an unquoted delimiter",
        3,
        1,
    ),
    Case(
        "multi-line quoted field before a bad row",
        _file("export.csv", MULTILINE),
        "quarantine",
        r"^export.csv line 4, column us_importance",
        3,
        1,
    ),
    Case("Qualtrics header rows", _format("qualtrics", _rows()), "clean", rows_in=2),
    Case("Qualtrics multi-select joined in one column", _qualtrics_joined_multi, "clean", rows_in=2),
    Case(
        "Qualtrics missing-code recode -8",
        _format("qualtrics", _rows(_row("gn3", us_importance="dont_know"))),
        "clean",
        rows_in=3,
    ),
    Case("Qualtrics _TEXT columns", _qualtrics_with_text_columns, "clean", rows_in=2),
    Case(
        "Qualtrics header rows only",
        _qualtrics_header_only,
        "refused",
        r"^export.csv line 4: the file has a header but no",
    ),
    Case("LimeSurvey option columns", _format("limesurvey", _rows()), "clean", rows_in=2),
    Case("LimeSurvey Expression-Manager headings", _limesurvey_em_codes, "clean", rows_in=2),
    Case("LimeSurvey full answer texts", _limesurvey_full_answers, "clean", rows_in=2),
    Case("SPSS value labels", _format("sav", _rows()), "clean", rows_in=2),
    Case("SPSS without value labels (recodes)", _sav_without_labels, "clean", rows_in=2),
    Case("SPSS with the survey tool's variable names", _sav_with_tool_names, "clean", rows_in=2),
    Case(
        "XLSX with two sheets (data and notes)",
        _xlsx({"Notes": pd.DataFrame({"note": ["exported 2025-06-01"]}), "Data": pd.DataFrame(_rows())}),
        "clean",
        rows_in=2,
    ),
    Case(
        "XLSX with two sheets and a bad row",
        _xlsx({"Notes": pd.DataFrame({"note": ["n"]}), "Data": pd.DataFrame(_rows(_row("gn3", us_importance="2.5")))}),
        "quarantine",
        r"^export.xlsx sheet 'Data' row 4, column us_importance: fractional",
        3,
        1,
    ),
    Case(
        "XLSX with two data sheets",
        _xlsx({"Wave 1": pd.DataFrame(_rows()), "Wave 2": pd.DataFrame(_rows())}),
        "refused",
        r"^export.xlsx line 1: sheets 'Wave 1' and 'Wave 2' both hold",
    ),
    Case("a .csv that is really XLSX", _xlsx({"Data": pd.DataFrame(_rows())}, "export.csv"), "clean", rows_in=2),
    Case(
        "a corrupt XLSX",
        _file("export.xlsx", b"PK\x03\x04" + b"\x00" * 64),
        "refused",
        r"^export.xlsx line 1: not a readable XLSX",
    ),
    Case(
        "a corrupt SPSS file",
        _file("export.sav", b"$FL2" + b"\x00" * 64),
        "refused",
        r"^export.sav line 1: not a readable SPSS",
    ),
]


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
    raw = read_export(_file("export.csv", MULTILINE)(tmp_path), BOOK)
    assert raw.source_rows.tolist() == [2, 4, 5]
    qualtrics = read_export(_format("qualtrics", _rows())(tmp_path), BOOK)
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
