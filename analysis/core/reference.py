"""Curated reference tables (``analysis/reference/*.csv``): one reader that checks what every such table owes.

Each table carries ``source`` and ``note`` columns beside its own; :func:`read_reference_table`
refuses a table that lacks a declared column or leaves one of them empty, naming file, row and column.
Reading is recorded (``tracking.note_read``), so only the notebooks that read a table depend on it.
"""

from __future__ import annotations

import pandas as pd

from analysis.core import paths
from analysis.core.tracking import note_read


def read_reference_table(file_name: str, columns: list[str]) -> pd.DataFrame:
    """``analysis/reference/<file_name>`` as text, checked for ``columns`` plus ``source`` and ``note``.

    Raises ``ValueError`` naming the file and the missing columns, or the file, row (as a spreadsheet
    shows it, header = row 1) and column of the first empty cell among ``columns``.
    """
    path = paths.REFERENCE / file_name
    note_read(path)
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [column for column in [*columns, "source", "note"] if column not in table.columns]
    if missing:
        raise ValueError(f"{path}: columns {missing} are missing")
    for column in columns:
        empty = table.index[table[column].str.strip() == ""]
        if len(empty):
            raise ValueError(f"{path}, row {empty[0] + 2}, column '{column}': expected a value, got an empty cell")
    return table


def read_reference_lists(file_name: str, key: str, value: str) -> dict[str, list[str]]:
    """``{key: [value, ...]}`` from a reference table with one row per (key, value), values in file order."""
    table = read_reference_table(file_name, [key, value])
    lists: dict[str, list[str]] = {}
    for code, item in zip(table[key], table[value], strict=True):
        lists.setdefault(code, []).append(item)
    return lists
