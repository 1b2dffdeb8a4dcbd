"""One set of answers in every export format, read back: do all formats give the same clean table?

The synthetic samples of the three instruments (:mod:`analysis.collect.synthetic`,
:mod:`analysis.collect.synthetic_phase2`, :mod:`analysis.collect.synthetic_china2020`) are made as
one clean export (codebook columns, text cells). :func:`write_every_format` writes those answers as
each survey tool or spreadsheet would deliver them (:func:`analysis.collect.export_formats.write_export`):
LimeSurvey and Qualtrics response files, SPSS ``.sav`` with value labels, XLSX and CSV in the encodings
and delimiters spreadsheets produce. :func:`format_check` loads each file with the instrument's own
loader (which reads it through :func:`analysis.collect.importers.read_export`) and sets the counts
side by side: rows in, kept, quarantined, and whether the clean table equals the one from the plain
UTF-8 CSV of the same answers.

A Windows code page cannot hold every character (Windows-1250 has no ``ō``): the ``csv_cp1250`` file
holds the rows the code page can write, and is compared with a plain CSV of the same rows
(``rows_written`` says how many; a real Windows-1250 export comes from an office whose names fit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.collect.codebook import Codebook
from analysis.collect.export_formats import EXPORT_FORMATS, write_export

# The reference every other format is compared with.
REFERENCE_FORMAT = "csv"
# Formats written through a code page, and the code page (rows it cannot hold are left out of that file).
CODE_PAGES: dict[str, str] = {"csv_cp1250": "cp1250"}
# Columns that say where a row was in its file: the same answer sits on another line in another format.
LOCATION_COLUMNS: tuple[str, ...] = ("source_row",)
FORMAT_CHECK_COLUMNS: tuple[str, ...] = (
    "format",
    "file",
    "rows_written",
    "rows_in",
    "kept",
    "quarantined",
    "same_clean_table",
)


def read_clean_answers(path: Path) -> pd.DataFrame:
    """A sample written as plain UTF-8 CSV by a generator, every cell as text ('' for empty)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def encodable_rows(answers: pd.DataFrame, encoding: str) -> pd.Series:
    """Which rows ``encoding`` can write (every cell)."""

    def fits(value: object) -> bool:
        try:
            str(value).encode(encoding)
        except UnicodeEncodeError:
            return False
        return True

    return answers.apply(lambda row: all(fits(value) for value in row), axis=1)


def write_every_format(
    answers: pd.DataFrame, folder: Path, stem: str, book: Codebook, formats: Iterable[str] = EXPORT_FORMATS
) -> dict[str, Path]:
    """Write ``answers`` in each of ``formats`` to ``folder/<stem>_<format>.<suffix>``; return the paths by format.

    A code-page format (:data:`CODE_PAGES`) gets the rows its code page can write, and a plain CSV of
    those rows beside it (``<stem>_<format>_reference.csv``) for :func:`format_check`.
    """
    written = {}
    for export_format in formats:
        rows = answers
        if export_format in CODE_PAGES:
            rows = answers[encodable_rows(answers, CODE_PAGES[export_format])]
            write_export(rows, folder / f"{stem}_{export_format}_reference", REFERENCE_FORMAT, book)
        written[export_format] = write_export(rows, folder / f"{stem}_{export_format}", export_format, book)
    return written


def _reference_path(paths: Mapping[str, Path], export_format: str) -> Path:
    if export_format in CODE_PAGES:
        path = paths[export_format]
        return path.with_name(f"{path.stem}_reference.csv")
    return paths[REFERENCE_FORMAT]


def clean_tables(loaded: Any) -> list[pd.DataFrame]:
    """The clean tables of a loader's result (``responses``, and ``partner_ties`` where there are rosters),
    without the columns that locate a row in its file, indexed from 0."""
    frames = [loaded.responses] + ([loaded.partner_ties] if hasattr(loaded, "partner_ties") else [])
    return [frame.drop(columns=[c for c in LOCATION_COLUMNS if c in frame]).reset_index(drop=True) for frame in frames]


def _same(first: list[pd.DataFrame], second: list[pd.DataFrame]) -> bool:
    return len(first) == len(second) and all(a.equals(b) for a, b in zip(first, second, strict=True))


def format_check(paths: Mapping[str, Path], load: Callable[[Path], Any]) -> pd.DataFrame:
    """Per format (:data:`FORMAT_CHECK_COLUMNS`): rows written, rows in, kept and quarantined, and whether the
    clean table equals the plain CSV's of the same rows.

    ``load(path)`` is the instrument's loader; its result has ``responses``, ``row_counts`` (``rows_in``,
    ``responses``, ``rows_quarantined``) and, for instruments with rosters, ``partner_ties``.
    """
    if REFERENCE_FORMAT not in paths:
        raise ValueError(f"format_check: the {REFERENCE_FORMAT!r} file is the reference and must be among the paths")
    references: dict[Path, list[pd.DataFrame]] = {}
    rows = []
    for export_format, path in paths.items():
        loaded = load(path)
        reference = _reference_path(paths, export_format)
        if reference not in references:
            references[reference] = clean_tables(loaded if reference == path else load(reference))
        counts = loaded.row_counts
        rows.append(
            {
                "format": export_format,
                "file": path.name,
                "rows_written": len(read_clean_answers(reference)),
                "rows_in": counts["rows_in"],
                "kept": counts["responses"],
                "quarantined": counts["rows_quarantined"],
                "same_clean_table": _same(clean_tables(loaded), references[reference]),
            }
        )
    return pd.DataFrame(rows, columns=list(FORMAT_CHECK_COLUMNS))


def sample_in_every_format(export: Path, book: Codebook, formats: Iterable[str] = EXPORT_FORMATS) -> dict[str, Path]:
    """The generated sample at ``export`` (plain UTF-8 CSV) written in ``formats`` to ``<its folder>/formats/``."""
    return write_every_format(read_clean_answers(export), export.parent / "formats", export.stem, book, formats)
