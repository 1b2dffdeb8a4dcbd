"""A delivered file as a grid: header cells and one record per response, each with where it starts.

:func:`csv_grid` parses decoded text with the delimiter it detects (``csv.Sniffer`` restricted to
``, ; tab``, checked against the codebook's column names); a record's number is the physical line it
starts on, counted after multi-line quoted fields. A record that cannot be laid out under the header
(too many or too few fields, a quote never closed) keeps its place as a *broken* record with its
reason, so the rest of the file is still read. :func:`xlsx_grid` picks the one sheet whose first row
holds the codebook's columns; :func:`sav_grid` reads an SPSS system file with its value labels.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.collect.importers.layout import header_key

DELIMITERS = ",;\t"
# Excel writes (and reads) a first line 'sep=;' to declare the delimiter.
_SEP_HINT = re.compile(r"^sep=([,;\t])\r?\n", re.IGNORECASE)
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


class GridError(ValueError):
    """The file has no usable header or table; the message names file, line and reason."""


@dataclass
class Record:
    """One response record: ``number`` (line, row or case), ``cells`` (``None`` when broken) and ``broken`` reason."""

    number: int
    cells: list[object] | None
    broken: str | None = None


@dataclass
class Grid:
    """``header`` cells, ``records`` in file order, ``unit`` (``line | row | case``), detected facts and labels."""

    header: list[str]
    records: list[Record]
    unit: str
    detected: dict[str, str] = field(default_factory=dict)
    column_labels: dict[str, str] = field(default_factory=dict)


def csv_grid(text: str, source: str, known_keys: set[str]) -> Grid:
    """Parse delimited ``text``; ``known_keys`` (header keys of codebook and tool columns) confirm the delimiter."""
    if not text.strip():
        raise GridError(f"{source} line 1: the file is empty")
    hint = _SEP_HINT.match(text)
    delimiter, how = (hint.group(1), "Excel's 'sep=' line") if hint else detect_delimiter(text, known_keys)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    if hint:
        next(reader)  # the 'sep=;' line counts as line 1
    header = _next_record(reader, source)
    while header == []:  # blank lines before the header
        header = _next_record(reader, source)
    if header is None:
        raise GridError(f"{source} line 1: the file is empty")
    header = _trim_trailing_empty(header)
    records: list[Record] = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            records.append(Record(start, None, _csv_error_reason(str(error), start)))
            continue
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue  # a blank line is no record
        records.append(_laid_out(cells, len(header), start))
    last = records[-1] if records else None
    if last is not None and last.broken and last.broken.startswith("short") and not text.endswith(("\n", "\r")):
        last.broken = f"truncated: the file ends inside this record ({last.broken.removeprefix('short: ')})"
    for record in records:
        if record.broken and record.broken.startswith("short"):
            record.broken = record.broken.removeprefix("short").lstrip(": ")
    detected = {"delimiter": _DELIMITER_NAMES[delimiter], "delimiter_found_by": how}
    return Grid(header, records, "line", detected)


def _next_record(reader, source: str) -> list[str] | None:
    try:
        return next(reader)
    except StopIteration:
        return None
    except csv.Error as error:
        raise GridError(f"{source} line 1: the header cannot be read ({error})") from None


def _trim_trailing_empty(cells: list[str]) -> list[str]:
    while cells and not cells[-1].strip():
        cells = cells[:-1]
    return cells


def _csv_error_reason(message: str, start: int) -> str:
    if "end of data" in message:
        return f"a quote opened in the record starting on line {start} is never closed (the file ends inside it)"
    return f"the record cannot be parsed as CSV ({message})"


def _laid_out(cells: list[str], width: int, start: int) -> Record:
    """A record under a header of ``width`` cells; a trailing run of empty cells beyond it is tolerated.

    A record with too few cells is marked ``short`` so that the caller can call it truncated when it ends the file.
    """
    if len(cells) > width and not any(cell.strip() for cell in cells[width:]):
        cells = cells[:width]
    if len(cells) == width:
        return Record(start, list(cells))
    if len(cells) < width:
        return Record(start, None, f"short: {len(cells)} of {width} fields")
    return Record(
        start, None, f"{len(cells)} fields where the header has {width} (an unquoted delimiter inside a value?)"
    )


def detect_delimiter(text: str, known_keys: set[str]) -> tuple[str, str]:
    """``(delimiter, how)``: the sniffed one when its header names most known columns, else the best by header."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    scores = {}
    for delimiter in DELIMITERS:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        scores[delimiter] = (sum(header_key(cell) in known_keys for cell in cells), len(cells))
    best = max(DELIMITERS, key=lambda d: scores[d])
    if sniffed is not None and scores[sniffed][0] >= scores[best][0] and scores[sniffed][1] > 1:
        return sniffed, "csv.Sniffer, confirmed by the header"
    return best, "the header's known column names" + ("" if sniffed is None else f" (csv.Sniffer said {sniffed!r})")


def xlsx_grid(path: Path, source: str, known_keys: set[str]) -> Grid:
    """The sheet whose first row names the most codebook columns; refuses when two sheets tie or none fits."""
    try:
        # keep_default_na=False: a text cell "NA" or "nan" is an answer, as in a CSV, not an empty cell.
        sheets = pd.read_excel(
            path, sheet_name=None, header=None, dtype=object, engine="openpyxl", keep_default_na=False
        )
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise GridError(f"{source} line 1: not a readable XLSX workbook ({type(error).__name__})") from None
    scores = {name: _sheet_score(frame, known_keys) for name, frame in sheets.items()}
    ranked = sorted(scores, key=lambda name: -scores[name])
    if not ranked or scores[ranked[0]] == 0:
        raise GridError(
            f"{source} line 1: no sheet has the codebook's columns in its first row (sheets {list(sheets)})"
        )
    if len(ranked) > 1 and scores[ranked[1]] == scores[ranked[0]]:
        raise GridError(
            f"{source} line 1: sheets {ranked[0]!r} and {ranked[1]!r} both hold the codebook's columns; keep one"
        )
    frame = sheets[ranked[0]]
    header = _trim_trailing_empty([_header_cell(value) for value in frame.iloc[0].tolist()])
    records = []
    for position in range(1, len(frame)):
        cells = [None if _is_missing(value) else value for value in frame.iloc[position].tolist()]
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
            continue
        records.append(_laid_out_values(cells, len(header), position + 1))
    detected = {"sheet": str(ranked[0])}
    if len(sheets) > 1:
        detected["sheets_ignored"] = ", ".join(str(name) for name in ranked[1:])
    return Grid(header, records, f"sheet {ranked[0]!r} row" if len(sheets) > 1 else "row", detected)


def _sheet_score(frame: pd.DataFrame, known_keys: set[str]) -> int:
    return 0 if frame.empty else sum(header_key(_header_cell(value)) in known_keys for value in frame.iloc[0].tolist())


def _header_cell(value: object) -> str:
    return "" if _is_missing(value) else str(value).strip()


def _laid_out_values(cells: list[object], width: int, number: int) -> Record:
    if len(cells) > width and all(cell is None for cell in cells[width:]):
        cells = cells[:width]
    if len(cells) != width:
        return Record(number, None, f"{len(cells)} cells where the header has {width}")
    return Record(number, cells)


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NaT


def sav_grid(path: Path, source: str) -> Grid:
    """An SPSS system file: numeric values with a value label become the label; variable labels are kept."""
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=False, user_missing=False)
    except Exception as error:  # pyreadstat raises its own ReadstatError and plain exceptions alike
        raise GridError(f"{source} line 1: not a readable SPSS file ({type(error).__name__})") from None
    value_labels = meta.variable_value_labels or {}
    records = []
    for case, row in enumerate(frame.itertuples(index=False), start=1):
        cells = []
        for column, value in zip(frame.columns, row, strict=True):
            labels = value_labels.get(column, {})
            cells.append(labels.get(value, None if _is_missing(value) else value) if labels else _sav_cell(value))
        records.append(Record(case, cells))
    labels = {name: label for name, label in (meta.column_names_to_labels or {}).items() if label}
    return Grid(list(frame.columns), records, "case", {"value_labels": str(len(value_labels))}, labels)


def _sav_cell(value: object) -> object:
    if _is_missing(value):
        return None
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value
