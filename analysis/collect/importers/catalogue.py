"""The catalogue of malformed and awkward survey exports (issue 10 "Done when", issue 12 items 4-5), as data.

Each :class:`Case` builds a small file in a folder and says how the real loader
(:func:`analysis.collect.survey.load_survey_export`) must handle it: a clean import, a refusal naming file and
line (and column where there is one), or quarantined rows with their reason. A personal marker (:data:`MARKER`)
is planted in every personal cell; it must appear in no message, reason or output table. The importers' tests
(``tests/collect/test_import_catalogue.py``) and the reviewer's fault catalogue (:mod:`analysis.runner.faults`)
both run these cases.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.collect import codebook, export_formats, tool_codes

BOOK = codebook.load_codebook("eu_phase1")
COLUMNS = BOOK.export_columns()
MARKER = "zqmarker"
FRAME = {"gn1", "gn2", "gn3", "gn4", "gn5"}


def sample_row(unit_id: str, **answers: str) -> dict[str, str]:
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


def sample_rows(*extra: dict[str, str]) -> list[dict[str, str]]:
    return [sample_row("gn1"), sample_row("gn2", responded="2025-04-02"), *extra]


def _text(rows: list[dict[str, str]], delimiter: str = ",", eol: str = "\n", columns: list[str] | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=eol)
    columns = columns or COLUMNS
    writer.writerow(columns)
    writer.writerows([[row.get(column, "") for column in columns] for row in rows])
    return buffer.getvalue()


def plain_file(name: str, data: bytes | str, encoding: str = "utf-8") -> Callable[[Path], Path]:
    def build(tmp_path: Path) -> Path:
        path = tmp_path / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
        return path

    return build


def tool_export(export_format: str, rows: list[dict[str, str]]) -> Callable[[Path], Path]:
    return lambda tmp_path: export_formats.write_export(pd.DataFrame(rows), tmp_path / "export", export_format, BOOK)


def _replace_line(text: str, line: int, new: str) -> str:
    lines = text.split("\n")
    lines[line - 1] = new
    return "\n".join(lines)


def _limesurvey_em_codes(tmp_path: Path) -> Path:
    """LimeSurvey with Expression-Manager headings (``usAreas_SQ004``) instead of ``usAreas[SQ004]``."""
    path = tool_export("limesurvey", sample_rows())(tmp_path)
    text = path.read_bytes().decode("utf-8-sig")
    header, rest = text.split("\r\n", 1)
    path.write_bytes((re.sub(r"\[(SQ\d+)\]", r"_\1", header) + "\r\n" + rest).encode("utf-8-sig"))
    return path


def _limesurvey_full_answers(tmp_path: Path) -> Path:
    """LimeSurvey 'full answers' mode: answer texts instead of codes, Yes/No in option columns."""
    path = tool_export("limesurvey", sample_rows())(tmp_path)
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
    path = tool_export("qualtrics", sample_rows())(tmp_path)
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
    path = tool_export("qualtrics", sample_rows())(tmp_path)
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    extra = ["us_areas_17_TEXT", "Areas - Other - Text", '{"ImportId":"QID9_17_TEXT"}'] + [f"{MARKER} twinning"] * 2
    rows = [row + [cell] for row, cell in zip(rows, extra, strict=True)]
    path.write_bytes(export_formats._csv_text(rows, eol="\r\n").encode("utf-8-sig"))
    return path


def _qualtrics_header_only(tmp_path: Path) -> Path:
    path = tool_export("qualtrics", sample_rows())(tmp_path)
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
    path.write_bytes("\r\n".join(lines[:3]).encode("utf-8-sig") + b"\r\n")
    return path


def _sav_with_tool_names(tmp_path: Path) -> Path:
    """An SPSS file whose variables carry LimeSurvey's Expression-Manager names (``usAreas_SQ004``)."""
    import pyreadstat

    path = tool_export("sav", sample_rows())(tmp_path)
    frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=False)
    names = {cell.export_column: cell.column for cell in tool_codes.response_columns(BOOK, "limesurvey")}
    renamed = {c: re.sub(r"\[(SQ\d+)\]", r"_\1", names[c]) for c in frame.columns if c in names and "[" not in names[c]}
    frame = frame.rename(columns=renamed)
    labels = {renamed.get(k, k): v for k, v in meta.variable_value_labels.items()}
    pyreadstat.write_sav(frame, str(path), variable_value_labels=labels)
    return path


def _sav_without_labels(tmp_path: Path) -> Path:
    import pyreadstat

    path = tool_export("sav", sample_rows())(tmp_path)
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


BASE = _text(sample_rows())
MULTILINE = _text(
    [
        sample_row("gn1", respondent_job_title=f"{MARKER}\nsecond line"),
        sample_row("gn2", us_importance="9"),
        sample_row("gn3"),
    ]
)
CASES = [
    Case("clean comma UTF-8", plain_file("export.csv", BASE), "clean", rows_in=2),
    Case("UTF-8 with BOM", plain_file("export.csv", BASE, "utf-8-sig"), "clean", rows_in=2),
    Case(
        "semicolons and decimal commas", tool_export("csv_semicolon_decimal_comma", sample_rows()), "clean", rows_in=2
    ),
    Case(
        "Windows-1250 (wrong encoding)",
        plain_file("export.csv", _text(sample_rows(), ";"), "cp1250"),
        "clean",
        rows_in=2,
    ),
    Case(
        "Windows-1252 told apart by the questionnaire language",
        plain_file(
            "export.csv",
            _text(
                [
                    sample_row(
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
    Case("UTF-16 with BOM", plain_file("export.txt", _text(sample_rows(), "\t"), "utf-16"), "clean", rows_in=2),
    Case("UTF-16 without BOM", plain_file("export.csv", _text(sample_rows(), "\t"), "utf-16-le"), "clean", rows_in=2),
    Case(
        "undecodable bytes",
        plain_file("export.csv", BASE.encode("ascii", "replace") + b"gn3,\x81\x8d\n"),
        "refused",
        r"line 4",
    ),
    Case(
        "one line in another encoding",
        plain_file("export.csv", BASE.encode() + _text([sample_row("gn3")]).split("\n")[1].encode("cp1250") + b"\n"),
        "quarantine",
        r"line 4, columns \['respondent_name'\]: bytes not valid",
        rows_in=3,
        quarantined=1,
    ),
    Case(
        "mixed line endings",
        plain_file(
            "export.csv", BASE.replace("\n", "\r\n", 1) + _text([sample_row("gn3")], eol="\r").split("\r", 1)[1]
        ),
        "clean",
        rows_in=3,
    ),
    Case(
        "trailing delimiter and blank lines",
        plain_file("export.csv", BASE.replace("\n", ",\n") + "\n\n"),
        "clean",
        rows_in=2,
    ),
    Case(
        "missing column",
        plain_file("export.csv", _text(sample_rows(), columns=[c for c in COLUMNS if c != "consent"])),
        "refused",
        r"export.csv line 1: .*missing \['consent'\]",
    ),
    Case(
        "renamed column",
        plain_file("export.csv", _text(sample_rows()).replace("us_partner_1_state", "us_partner_1_city", 1)),
        "refused",
        r"line 1: .*missing \['us_partner_1_state'\], unexpected \['us_partner_1_city'\]",
    ),
    Case(
        "header in other case and spacing",
        plain_file("export.csv", BASE.replace("has_us_partner", "Has US Partner", 1)),
        "clean",
        rows_in=2,
    ),
    Case(
        "column given twice",
        plain_file(
            "export.csv",
            BASE.replace("consent\n", "consent,Consent\n", 1).replace("aggregate_only\n", "aggregate_only,x\n"),
        ),
        "refused",
        r"line 1: columns given twice: \{'consent'",
    ),
    Case(
        "unknown code",
        plain_file("export.csv", _text(sample_rows(sample_row("gn3", has_us_partner="maybe")))),
        "quarantine",
        r"line 4, column has_us_partner: unknown code 'maybe'",
        3,
        1,
    ),
    Case(
        "Likert out of range",
        plain_file("export.csv", _text(sample_rows(sample_row("gn3", us_importance="7")))),
        "quarantine",
        r"line 4, column us_importance: '7' is outside the scale",
        3,
        1,
    ),
    Case(
        "fractional Likert",
        plain_file("export.csv", _text(sample_rows(sample_row("gn3", us_importance="2.5")))),
        "quarantine",
        r"fractional answer '2.5' .*not rounded",
        3,
        1,
    ),
    Case(
        "fractional year (roster entry set aside, not rounded)",
        plain_file("export.csv", _text(sample_rows(sample_row("gn3", us_partner_1_year_established="1987.6")))),
        "quarantine",
        r"line 4, column us_partner_1_year_established: fractional value '1987.6'",
        3,
        0,
    ),
    Case(
        "duplicate respondent",
        plain_file("export.csv", _text(sample_rows(sample_row("gn1", responded="2025-05-01")))),
        "quarantine",
        r"line 2, column unit_id: 'gn1' answered again later",
        3,
        1,
    ),
    Case(
        "later invalid duplicate",
        plain_file("export.csv", _text(sample_rows(sample_row("gn1", responded="2025-05-01", has_us_partner="maybe")))),
        "quarantine",
        r"^export.csv line 4, column has_us_partner: unknown code 'maybe'; expected one of \['yes', 'no', 'dont_know'\]$",
        3,
        1,
    ),
    Case(
        "unit not in the frame",
        plain_file("export.csv", _text(sample_rows(sample_row("gn999")))),
        "quarantine",
        r"line 4, column unit_id: 'gn999' is not a city",
        3,
        1,
    ),
    Case(
        "skip logic broken",
        plain_file("export.csv", _text(sample_rows(sample_row("gn3", has_us_partner="no")))),
        "quarantine",
        r"line 4, column \(row\): expected follow-up items answered",
        3,
        1,
    ),
    Case("empty file", plain_file("export.csv", b""), "refused", r"^export.csv line 1: the file is empty"),
    Case(
        "only a BOM and blank lines",
        plain_file("export.csv", "\ufeff\r\n\r\n"),
        "refused",
        r"^export.csv line 1: the file is empty",
    ),
    Case(
        "header only",
        plain_file("export.csv", _text([])),
        "refused",
        r"^export.csv line 2: the file has a header but no response rows",
    ),
    Case(
        "truncated last line",
        plain_file("export.csv", BASE + _text([sample_row("gn3")]).split("\n")[1][:60]),
        "quarantine",
        r"line 4: truncated: the file ends inside this record",
        3,
        1,
    ),
    Case(
        "quote never closed",
        plain_file("export.csv", BASE + 'gn3,"city,2025\n'),
        "quarantine",
        r"line 4: a quote opened .* is never closed",
        3,
        1,
    ),
    Case(
        "unquoted comma",
        plain_file(
            "export.csv",
            _replace_line(
                _text(sample_rows(sample_row("gn3"))),
                4,
                _text([sample_row("gn3")]).split("\n")[1].replace(f"{MARKER} officer", f"{MARKER}, officer"),
            ),
        ),
        "quarantine",
        r"line 4: 75 fields where the header has 74 \(an unquoted delimiter",
        3,
        1,
    ),
    Case(
        "multi-line quoted field before a bad row",
        plain_file("export.csv", MULTILINE),
        "quarantine",
        r"^export.csv line 4, column us_importance",
        3,
        1,
    ),
    Case("Qualtrics header rows", tool_export("qualtrics", sample_rows()), "clean", rows_in=2),
    Case("Qualtrics multi-select joined in one column", _qualtrics_joined_multi, "clean", rows_in=2),
    Case(
        "Qualtrics missing-code recode -8",
        tool_export("qualtrics", sample_rows(sample_row("gn3", us_importance="dont_know"))),
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
    Case("LimeSurvey option columns", tool_export("limesurvey", sample_rows()), "clean", rows_in=2),
    Case("LimeSurvey Expression-Manager headings", _limesurvey_em_codes, "clean", rows_in=2),
    Case("LimeSurvey full answer texts", _limesurvey_full_answers, "clean", rows_in=2),
    Case("SPSS value labels", tool_export("sav", sample_rows()), "clean", rows_in=2),
    Case("SPSS without value labels (recodes)", _sav_without_labels, "clean", rows_in=2),
    Case("SPSS with the survey tool's variable names", _sav_with_tool_names, "clean", rows_in=2),
    Case(
        "XLSX with two sheets (data and notes)",
        _xlsx({"Notes": pd.DataFrame({"note": ["exported 2025-06-01"]}), "Data": pd.DataFrame(sample_rows())}),
        "clean",
        rows_in=2,
    ),
    Case(
        "XLSX with two sheets and a bad row",
        _xlsx(
            {
                "Notes": pd.DataFrame({"note": ["n"]}),
                "Data": pd.DataFrame(sample_rows(sample_row("gn3", us_importance="2.5"))),
            }
        ),
        "quarantine",
        r"^export.xlsx sheet 'Data' row 4, column us_importance: fractional",
        3,
        1,
    ),
    Case(
        "XLSX with two data sheets",
        _xlsx({"Wave 1": pd.DataFrame(sample_rows()), "Wave 2": pd.DataFrame(sample_rows())}),
        "refused",
        r"^export.xlsx line 1: sheets 'Wave 1' and 'Wave 2' both hold",
    ),
    Case("a .csv that is really XLSX", _xlsx({"Data": pd.DataFrame(sample_rows())}, "export.csv"), "clean", rows_in=2),
    Case(
        "a corrupt XLSX",
        plain_file("export.xlsx", b"PK\x03\x04" + b"\x00" * 64),
        "refused",
        r"^export.xlsx line 1: not a readable XLSX",
    ),
    Case(
        "a corrupt SPSS file",
        plain_file("export.sav", b"$FL2" + b"\x00" * 64),
        "refused",
        r"^export.sav line 1: not a readable SPSS",
    ),
]
