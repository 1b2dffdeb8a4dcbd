"""Importers for what survey tools really export: one call, :func:`read_export`, for every format.

A delivered file is recognised by its bytes, not its name: an XLSX workbook (also when called
``.csv``), an SPSS ``.sav`` file (value labels -> codes, variable labels kept), or text in UTF-8 with
or without BOM, UTF-16 (with or without BOM) or a declared Windows code page, delimited by comma,
semicolon or tab, possibly with decimal commas. Text exports of LimeSurvey (``code[SQ001]`` option
columns, ``A1`` answer codes, ``Y`` for a ticked option) and Qualtrics (three header rows, ``_TEXT``
columns, comma-joined recode values or one column per choice) are mapped onto the codebook's export
columns like any other file.

Privacy by construction: personal columns (the codebook's ``personal`` items and the tools' own,
e.g. IP addresses) go to :attr:`RawExport.personal` at the first read; no problem message or
refusal ever quotes a cell of a personal column or of a line that could not be laid out.

A file that cannot be read at all raises :class:`ExportRefused` naming the file, line (when known)
and reason. One bad record never stops the rest: it keeps its place in :attr:`RawExport.frame`
(empty when it could not be laid out) with its reason in :attr:`RawExport.problems`, so rows in =
rows kept + rows quarantined downstream. Nothing is rounded or coerced without a problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from analysis.collect.importers.columns import HeaderError, detect_tool, known_keys, plan_columns
from analysis.collect.importers.decode import UndecodableError, decode_text, sniff_container
from analysis.collect.importers.grid import Grid, GridError, csv_grid, sav_grid, xlsx_grid
from analysis.collect.importers.layout import ColumnSpec, ExportLayout, header_key, layout_for
from analysis.collect.importers.values import clean_value, option_selected

__all__ = [
    "ColumnSpec",
    "ExportLayout",
    "ExportRefused",
    "Problem",
    "RawExport",
    "header_key",
    "layout_for",
    "read_export",
]


class Problem(NamedTuple):
    """Why record ``index`` must be quarantined; ``column`` is the clean column at fault (``None``: the whole record)."""

    index: int
    column: str | None
    reason: str


class ExportRefused(ValueError):
    """The export cannot be read; the message names the file, the line when known, and the reason."""


@dataclass(frozen=True)
class RawExport:
    """A survey export read into the codebook's columns, before validation.

    ``frame``: one row per response record in file order (index 0..n-1), the codebook's non-personal
    export columns as clean text or ``None``; ``personal``: the personal columns (codebook and tool),
    same index, never printed; ``source_rows``: the line (text), row (XLSX) or case (SPSS) each record
    starts on; ``locations``: ``"<file> line <n>"`` for messages; ``problems``: :class:`Problem` for
    records (or, with ``column``, cells) to quarantine; ``unreadable``: indexes of records that could not be laid out under the
    header; ``detected``: format, tool, encoding, delimiter, decimal mark, sheet; ``notes``: columns read
    under another name, tool columns ignored; ``column_labels``: SPSS variable labels.
    """

    source: str
    frame: pd.DataFrame
    personal: pd.DataFrame = field(repr=False)
    source_rows: pd.Series
    locations: pd.Series
    problems: list[Problem]
    unreadable: frozenset[int]
    detected: dict[str, str]
    notes: tuple[str, ...] = ()
    column_labels: dict[str, str] = field(default_factory=dict)

    @property
    def rows_in(self) -> int:
        return len(self.frame)


def read_export(path: str | Path, codebook: object) -> RawExport:
    """Read the export at ``path`` into ``codebook``'s export columns (see the module docstring).

    ``codebook`` is a ``Codebook`` (``analysis.collect.codebook``) or an :class:`ExportLayout`.
    Raises :class:`ExportRefused` when the file cannot be read at all.
    """
    path = Path(path)
    layout = layout_for(codebook)
    source = path.name
    if not path.is_file():
        raise ExportRefused(f"{source}: no such file ({path})")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ExportRefused(f"{source}: the file cannot be opened ({error.strerror or type(error).__name__})") from None
    try:
        grid, detected = _grid(path, data, source, layout)
        tool = detect_tool(grid.header, *_first_two(grid))
        header_rows = grid.records[:2] if tool == "qualtrics" else []  # question texts and ImportIds
        grid.records = grid.records[len(header_rows) :]
        if detected["format"] == "sav":
            tool = "sav"
        plan = plan_columns(grid.header, layout, tool, f"{source} {grid.unit} 1")
    except (UndecodableError, GridError, HeaderError) as error:
        raise ExportRefused(str(error)) from None
    if not grid.records:
        first = header_rows[-1].number + 1 if header_rows else 2
        raise ExportRefused(f"{source} {grid.unit} {first}: the file has a header but no response rows")
    detected |= {"tool": tool if tool != "sav" else "plain"} | grid.detected
    return _assemble(source, grid, plan, layout, tool, detected)


def _grid(path: Path, data: bytes, source: str, layout: ExportLayout) -> tuple[Grid, dict[str, str]]:
    container = sniff_container(data)
    named = path.suffix.lower().lstrip(".")
    detected = {"format": container}
    if container != "text" and named not in (container, ""):
        detected["note"] = f"a file named .{named} that is really {container.upper()}"
    if container == "xlsx":
        return xlsx_grid(path, source, known_keys(layout)), detected
    if container == "sav":
        return sav_grid(path, source), detected
    if not data.strip(b"\x00\t\r\n \xef\xbb\xbf\xff\xfe"):
        raise GridError(f"{source} line 1: the file is empty")
    decoded = decode_text(data, source)
    detected |= {"format": "csv", "encoding": decoded.encoding, "encoding_found_by": decoded.how}
    return csv_grid(decoded.text, source, known_keys(layout)), detected


def _first_two(grid: Grid) -> tuple[list[object] | None, list[object] | None]:
    cells = [record.cells for record in grid.records[:2]]
    return (cells + [None, None])[0], (cells + [None, None])[1]


def _assemble(source: str, grid: Grid, plan, layout: ExportLayout, tool: str, detected: dict[str, str]) -> RawExport:
    """Clean values, personal frame, locations and problems, record by record.

    Length: the one loop that keeps every record's values, its problems and its place together.
    """
    personal_names = [*layout.personal, *plan.personal_extra.values()]
    public_names = [name for name in layout.names if name not in layout.personal]
    direct = {target.column: (index, target) for index, target in plan.direct.items()}
    specs = {spec.name: spec for spec in layout.columns}
    rows, personal_rows, problems, unreadable, decimal_comma = [], [], [], set(), False
    locations = [f"{source} {grid.unit} {record.number}" for record in grid.records]
    for position, record in enumerate(grid.records):
        where = locations[position]
        if record.cells is None:
            rows.append(dict.fromkeys(public_names))
            personal_rows.append(dict.fromkeys(personal_names))
            problems.append(Problem(position, None, f"{where}: {record.broken}"))
            unreadable.add(position)
            continue
        cells = record.cells
        garbled = [grid.header[i] for i, cell in enumerate(cells) if isinstance(cell, str) and _has_bad_bytes(cell)]
        if garbled:
            problems.append(
                Problem(position, None, f"{where}, columns {garbled}: bytes not valid in the file's encoding")
            )
            cells = [None if isinstance(cell, str) and _has_bad_bytes(cell) else cell for cell in cells]
        row, private = {}, {}
        for column in layout.names:
            spec = specs[column]
            if column in plan.options:
                value, problem = _from_options(spec, [(cells[i], code) for i, code in plan.options[column]])
            else:
                cell_index, target = direct[column]
                raw = cells[cell_index]
                decimal_comma |= isinstance(raw, str) and spec.kind in ("likert", "year", "numeric") and "," in raw
                value, problem = clean_value(spec, raw, tool, target.values)
            if problem:
                problems.append(Problem(position, column, f"{where}, column {column}: {problem}"))
            (private if spec.personal else row)[column] = value
        for index, name in plan.personal_extra.items():
            private[name] = cells[index]
        rows.append(row)
        personal_rows.append(private)
    detected["decimal"] = "comma" if decimal_comma else "point"
    index = pd.RangeIndex(len(rows))
    return RawExport(
        source=source,
        frame=pd.DataFrame(rows, columns=public_names, index=index, dtype=object),
        personal=pd.DataFrame(personal_rows, columns=personal_names, index=index, dtype=object),
        source_rows=pd.Series([record.number for record in grid.records], index=index, dtype="int64"),
        locations=pd.Series(locations, index=index, dtype=object),
        problems=problems,
        unreadable=frozenset(unreadable),
        detected=detected,
        notes=tuple(plan.notes),
        column_labels=grid.column_labels,
    )


def _from_options(spec: ColumnSpec, cells: list[tuple[object, str]]) -> tuple[str | None, str | None]:
    chosen, problems = set(), []
    for value, code in cells:
        selected, problem = option_selected(spec, code, value)
        if problem:
            problems.append(problem)
        elif selected:
            chosen.add(code)
    if problems:
        return None, "; ".join(problems)
    return ";".join(code for code in spec.all_codes if code in chosen) or None, None


def _has_bad_bytes(text: str) -> bool:
    return any("\udc80" <= character <= "\udcff" for character in text)
