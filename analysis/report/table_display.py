"""What a published table shows: human headings, numbers a reader can read, and the same cells in HTML and LaTeX.

:func:`display_frame` turns an analysis table into the strings the book prints: headings from the
column vocabulary (:func:`analysis.core.fields.label`), counts as integers with thousands separators
(``1,335``, never ``1335.0``), other numbers with a fixed number of decimals per column, a missing value
as an en dash (never ``NaN``), a dict or list as readable text, and no row index (a named index becomes
the first column). :func:`latex_tabular` sets those strings as a LaTeX ``tabular``; :func:`table_record`
is the JSON the book's table directive (:mod:`analysis.report.sphinx_tables`) places in the PDF.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd

from analysis.core import fields

MISSING = "\u2013"  # en dash
TABLE_MIME = "application/vnd.paradiplomacy.table+json"


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def cell_text(value: Any, decimals: int) -> str:
    """One cell as the book prints it (see the module)."""
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return ", ".join(cell_text(item, decimals) for item in items) or MISSING
    if isinstance(value, Mapping):
        return "; ".join(f"{key}: {cell_text(item, decimals)}" for key, item in value.items()) or MISSING
    if hasattr(value, "tolist") and not isinstance(value, str | bytes) and getattr(value, "ndim", 0):
        return cell_text(value.tolist(), decimals)  # a numpy array in a cell
    if _missing(value):
        return MISSING
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, Integral):
        return f"{int(value):,}"
    if isinstance(value, Real):
        return f"{float(value):,.{decimals}f}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat(sep=" ")
    return str(value)


def _whole(column: pd.Series) -> bool:
    """True for a float column whose values are all whole numbers (a count stored as float: 335.0)."""
    values = pd.to_numeric(column, errors="coerce").dropna()
    return pd.api.types.is_float_dtype(column) and len(values) > 0 and bool((values == values.round()).all())


def _column_text(column: pd.Series, decimals: int) -> pd.Series:
    if _whole(column):
        return column.map(lambda value: MISSING if _missing(value) else f"{int(value):,}")
    return column.map(lambda value: cell_text(value, decimals))


def numeric_columns(table: pd.DataFrame) -> list[str]:
    """The columns of ``table`` that hold numbers (set right-aligned)."""
    return [
        column
        for column in table.columns
        if pd.api.types.is_numeric_dtype(table[column]) and not pd.api.types.is_bool_dtype(table[column])
    ]


def display_frame(
    table: pd.DataFrame, precision: int = 2, decimals: Mapping[str, int] | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """``table`` as the strings the book prints, and the (labelled) columns that hold numbers.

    ``precision`` decimals for every non-integer number, or ``decimals[column]`` for that column (named
    as in ``table``). Headings come from :func:`analysis.core.fields.label`.
    """
    if any(name is not None for name in table.index.names):
        table = table.reset_index()
    table = table.reset_index(drop=True)
    decimals = dict(decimals or {})
    shown = pd.DataFrame(
        {column: _column_text(table[column], decimals.get(column, precision)) for column in table.columns},
        index=table.index,
    )
    labels = {column: fields.label(str(column)) for column in table.columns}
    shown.columns = [labels[column] for column in table.columns]
    return shown, [labels[column] for column in numeric_columns(table)]


LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "\n": " ",
}


def latex_escape(text: str) -> str:
    """``text`` with LaTeX's special characters escaped."""
    return "".join(LATEX_SPECIALS.get(character, character) for character in text)


def table_record(shown: pd.DataFrame, numeric: list[str], note: str = "") -> dict[str, Any]:
    """The JSON the book's table directive reads: headings, rows of strings, alignment and the note."""
    return {
        "columns": [str(column) for column in shown.columns],
        "rows": shown.astype(str).values.tolist(),
        "align": ["r" if column in numeric else "l" for column in shown.columns],
        "note": note,
    }


def latex_tabular(record: Mapping[str, Any], environment: str = "tabular") -> tuple[str, str, str]:
    """(opening line, heading lines, body lines) of ``record`` as a LaTeX ``tabular`` (or ``longtable``).

    Long text columns (over 40 characters in some cell) get a paragraph column so that the table fits the page.
    """
    spec = []
    for position, align in enumerate(record["align"]):
        longest = max([len(str(row[position])) for row in record["rows"]] + [0])
        spec.append(r"p{0.35\linewidth}" if align == "l" and longest > 40 else align)
    opening = f"\\begin{{{environment}}}{{{''.join(spec)}}}"
    heading = " & ".join(r"\textbf{" + latex_escape(column) + "}" for column in record["columns"])
    body = "\n".join(" & ".join(latex_escape(str(cell)) for cell in row) + r" \\" for row in record["rows"])
    return opening, "\\hline\n" + heading + " \\\\\n\\hline", body + "\n\\hline"
