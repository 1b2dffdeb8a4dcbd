"""Write one set of clean answers as each survey tool or spreadsheet would deliver it.

:func:`write_export` takes answers in the codebook's clean export layout (one row per respondent,
text cells, ``None`` or ``''`` for empty) and writes them in one of :data:`EXPORT_FORMATS`, shaped
like the real thing: LimeSurvey's response CSV (UTF-8 with BOM, every field quoted, CRLF, its own
``id``/``submitdate``/``lastpage``/``startlanguage``/``seed``/``ipaddr`` columns, ``code[SQ001]``
option columns with ``Y``, ``A1``/``DK`` answer codes, a blank last line), Qualtrics' CSV (export
tags, question texts and ``{"ImportId": ...}`` rows, metadata columns, recode values, one column
per choice with ``_TEXT`` for "other"), an SPSS file with value labels (pyreadstat), an XLSX
workbook with numbers and dates as cell types, and CSV in the encodings and delimiters that
spreadsheets produce. The importers (:mod:`analysis.collect.importers`) must read every one of them
back to the same clean table; the synthetic samples use the same writers.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd

from analysis.collect import tool_codes
from analysis.collect.codebook import Codebook, Item

EXPORT_FORMATS: tuple[str, ...] = (
    "csv",
    "csv_semicolon_decimal_comma",
    "csv_utf8_bom",
    "csv_utf16",
    "csv_cp1250",
    "xlsx",
    "sav",
    "limesurvey",
    "qualtrics",
)
SUFFIXES: dict[str, str] = {"xlsx": ".xlsx", "sav": ".sav"}
NUMERIC_TYPES: tuple[str, ...] = ("likert", "year", "numeric")
QUALTRICS_METADATA: tuple[str, ...] = (
    "StartDate",
    "EndDate",
    "Status",
    "IPAddress",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "RecordedDate",
    "ResponseId",
    "RecipientLastName",
    "RecipientFirstName",
    "RecipientEmail",
    "ExternalReference",
    "LocationLatitude",
    "LocationLongitude",
    "DistributionChannel",
    "UserLanguage",
)


def write_export(answers: pd.DataFrame, stem: Path, export_format: str, book: Codebook) -> Path:
    """Write ``answers`` (clean export columns of ``book``) as ``export_format`` to ``stem`` + suffix; return the path."""
    if export_format not in EXPORT_FORMATS:
        raise ValueError(f"export_format must be one of {EXPORT_FORMATS}, got {export_format!r}")
    path = Path(stem).with_suffix(SUFFIXES.get(export_format, ".csv"))
    path.parent.mkdir(parents=True, exist_ok=True)
    clean = answers[book.export_columns()].astype(object).where(answers.notna(), "").astype(str)
    if export_format == "xlsx":
        _typed(clean, book).to_excel(path, index=False, sheet_name="Responses")
        _fix_xlsx_times(path)
    elif export_format == "sav":
        _write_sav(clean, path, book)
        _fix_sav_times(path)
    elif export_format == "limesurvey":
        path.write_bytes(_limesurvey_csv(clean, book))
    elif export_format == "qualtrics":
        path.write_bytes(_qualtrics_csv(clean, book).encode("utf-8-sig"))
    else:
        path.write_bytes(_spreadsheet_csv(clean, book, export_format))
    return path


def _csv_text(rows: list[list[str]], delimiter: str = ",", quoting: int = csv.QUOTE_MINIMAL, eol: str = "\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=eol)
    writer.writerows(rows)
    return buffer.getvalue()


def _spreadsheet_csv(clean: pd.DataFrame, book: Codebook, export_format: str) -> bytes:
    """CSV as spreadsheets save it: comma/UTF-8, semicolon with decimal commas, BOM, UTF-16 tab text, cp1250."""
    rows = [list(clean.columns), *clean.to_numpy().tolist()]
    if export_format == "csv_semicolon_decimal_comma":
        numeric = [book.column_item(column).type in NUMERIC_TYPES for column in clean.columns]
        rows = [rows[0]] + [
            [
                f"{cell},0" if is_number and cell.isdigit() else cell
                for cell, is_number in zip(row, numeric, strict=True)
            ]
            for row in rows[1:]
        ]
        return _csv_text(rows, ";", eol="\r\n").encode("utf-8")
    if export_format == "csv_utf8_bom":
        return _csv_text(rows, eol="\r\n").encode("utf-8-sig")
    if export_format == "csv_utf16":  # Excel's "Unicode text": UTF-16 LE with BOM, tab-delimited
        return _csv_text(rows, "\t", eol="\r\n").encode("utf-16")
    if export_format == "csv_cp1250":
        return _csv_text(rows, ";", eol="\r\n").encode("cp1250")
    return _csv_text(rows).encode("utf-8")


def _typed(clean: pd.DataFrame, book: Codebook) -> pd.DataFrame:
    """Numbers as numbers and dates as dates, the way a spreadsheet holds them."""
    typed = clean.astype(object).where(clean != "", None)
    for column in clean.columns:
        kind = book.column_item(column).type
        if kind in NUMERIC_TYPES:
            typed[column] = [int(value) if value and value.lstrip("-").isdigit() else value for value in typed[column]]
        elif kind == "date":
            typed[column] = [pd.Timestamp(value) if value else None for value in typed[column]]
    return typed


def _write_sav(clean: pd.DataFrame, path: Path, book: Codebook) -> None:
    """SPSS: single and likert items as numeric recodes with value labels (English labels), the rest as text.

    A column holding a value without a numeric code (a mistyped answer) is written as text, as it was typed."""
    import pyreadstat

    frame = pd.DataFrame(index=clean.index)
    value_labels, column_labels = {}, {}
    recodes = {
        cell.export_column: cell.values
        for cell in tool_codes.response_columns(book, "qualtrics")
        if cell.option is None and cell.values
    }
    for column in clean.columns:
        item = book.column_item(column)
        column_labels[column] = item.label[:250]
        if column in recodes and _all_coded(clean[column], recodes[column].values()):
            to_number = {code: float(recode) for recode, code in recodes[column].items()}
            frame[column] = [to_number.get(value) for value in clean[column]]
            labels = {c.code: c.label["en"] for c in tool_codes.choices(item, book)}
            value_labels[column] = {number: labels[code] for code, number in to_number.items()}
        elif item.type in ("year", "numeric") and _all_coded(clean[column], item.missing, numbers=True):
            frame[column], labels = _sav_number(clean[column], item, book)
            if labels:
                value_labels[column] = labels
        elif item.type == "date":
            frame[column] = pd.to_datetime(clean[column].replace("", None))
        else:
            frame[column] = clean[column]
    pyreadstat.write_sav(frame, str(path), column_labels=column_labels, variable_value_labels=value_labels)


# The writers stamp the time of writing (XLSX: zip entries and document properties; SAV: the file header); a
# fixed stamp keeps two builds of the same sample byte-identical.
FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
FIXED_XML_TIME = b"2026-01-01T00:00:00Z"
SAV_STAMP_OFFSET = 92  # creation date (9 bytes, "dd Mon yy") then time (8 bytes, "hh:mm:ss") in the SPSS header
SAV_FIXED_STAMP = b"01 Jan 2600:00:00"


def _fix_xlsx_times(path: Path) -> None:
    """Rewrite an XLSX with fixed zip entry times and fixed created/modified document properties."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + FIXED_XML_TIME, data)
            archive.writestr(zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME), data, zipfile.ZIP_DEFLATED)


def _fix_sav_times(path: Path) -> None:
    """Overwrite the creation date and time of an SPSS file's header with a fixed stamp."""
    data = bytearray(path.read_bytes())
    if data[:4] != b"$FL2":
        raise ValueError(f"{path.name}: not an SPSS system file")
    data[SAV_STAMP_OFFSET : SAV_STAMP_OFFSET + len(SAV_FIXED_STAMP)] = SAV_FIXED_STAMP
    path.write_bytes(bytes(data))


def _all_coded(values: pd.Series, codes, *, numbers: bool = False) -> bool:
    """Whether every filled cell is one of ``codes`` (or a number): else SPSS holds the column as text, as a tool
    does when a value has no numeric code (a mistyped "maybe", a year "19xx"), so nothing is lost on the way."""
    allowed = set(codes)
    filled = [value for value in values if value != ""]
    return all(value in allowed or (numbers and _is_number(value)) for value in filled)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _sav_number(values: pd.Series, item: Item, book: Codebook) -> tuple[pd.Series, dict[float, str]]:
    """A number column for SPSS: the item's missing codes (``dont_know``) as their numeric code with a value label."""
    missing = {book.missing[name].export: book.missing[name] for name in item.missing if book.missing[name].export}
    labels = {float(code.numeric): code.label["en"] for code in missing.values()}
    numbers = values.replace("", None).map(lambda v: float(missing[v].numeric) if v in missing else v)
    return pd.to_numeric(numbers, errors="coerce").astype(float), labels


def _tool_rows(clean: pd.DataFrame, book: Codebook, tool: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of ``tool``'s response columns, cell values coded as the tool codes them."""
    cells = tool_codes.response_columns(book, tool)
    header = [cell.column for cell in cells]
    # the tool's value of each code, per cell (built once, not per respondent)
    reverses = [{code: tool_value for tool_value, code in cell.values.items()} for cell in cells]
    rows = []
    # ``clean`` is all text (write_export), so its records hold the same str values as iterrows' rows
    for answer in clean.to_dict("records"):
        row = []
        for cell, reverse in zip(cells, reverses, strict=True):
            value = answer[cell.export_column]
            if cell.option is not None:
                chosen = cell.option in value.split(";") if value else False
                row.append(next(iter(cell.values)) if chosen else "")
            elif cell.values:
                row.append(reverse.get(value, ""))
            elif cell.transform == "date" and value:
                row.append(f"{value} 10:15:00")
            else:
                row.append(value)
        rows.append(row)
    return header, rows


def _limesurvey_csv(clean: pd.DataFrame, book: Codebook) -> bytes:
    header, rows = _tool_rows(clean, book, "limesurvey")
    own = ["id", "lastpage", "seed", "ipaddr"]
    body = [[str(number), "9", str(1000 + number), f"192.0.2.{number}", *row] for number, row in enumerate(rows, 1)]
    text = _csv_text([own + header, *body], ",", quoting=csv.QUOTE_ALL, eol="\r\n") + "\r\n"
    return text.encode("utf-8-sig")


def _qualtrics_csv(clean: pd.DataFrame, book: Codebook) -> str:
    header, rows = _tool_rows(clean, book, "qualtrics")
    language = header.index("UserLanguage") if "UserLanguage" in header else None
    metadata = [column for column in QUALTRICS_METADATA if column not in header]
    texts, import_ids = [], []
    items = {cell.column: cell for cell in tool_codes.response_columns(book, "qualtrics")}
    for number, column in enumerate(header, start=1):
        item = book.item(items[column].item_id)
        texts.append((item.wording.get("en") or item.label).replace("\n", " "))
        import_ids.append(json.dumps({"ImportId": f"QID{number}"}, separators=(",", ":")))
    meta_ids = [json.dumps({"ImportId": column.replace(" ", "")}, separators=(",", ":")) for column in metadata]
    body = []
    for number, row in enumerate(rows, start=1):
        if language is not None:
            row[language] = row[language].upper()
        values = {"IPAddress": f"192.0.2.{number}", "ResponseId": f"R_{number:015d}", "Finished": "True"}
        body.append([values.get(column, "") for column in metadata] + row)
    return _csv_text([metadata + header, metadata + texts, meta_ids + import_ids, *body], eol="\r\n")
