"""Read and write the processed tables that cross notebook boundaries.

Every table is written through :func:`write_table`, which validates it against its
pandera schema first, so a table that breaks its contract never reaches disk. Schemas are
built from the column vocabulary (:mod:`analysis.core.fields`), which also documents every
written column (type, unit, description) in ``data/processed/datapackage.json`` (a
Frictionless data package).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from analysis.core import datapackage, fields, paths, staging
from analysis.core.tracking import note_read, note_write

DATAPACKAGE_NAME = "datapackage.json"


def write_table(
    df: pd.DataFrame, name: str, schema: pa.DataFrameSchema, *, sources: list[str] | None = None
) -> pd.DataFrame:
    """Validate ``df`` against ``schema`` and write it to ``data/processed/<name>.parquet``.

    GeoDataFrames are written as GeoParquet. Returns the validated frame. Raises
    ``pandera.errors.SchemaErrors`` naming every failing column and row, and ``KeyError``
    naming any column that ``analysis/reference/fields.csv`` does not declare.
    """
    validated = schema.validate(df, lazy=True)
    undeclared = [column for column in validated.columns if fields.vocabulary_entry(column) is None]
    if undeclared:
        raise KeyError(f"table '{name}': columns {undeclared} are not declared in analysis/reference/fields.csv")
    target = staging.target(paths.processed_table(name))
    validated.to_parquet(target, index=False)
    note_write(target)
    _describe_in_datapackage(name, schema, validated, sources or [])
    return validated


def read_table(name: str) -> pd.DataFrame:
    """Read ``data/processed/<name>.parquet`` (a GeoDataFrame when it holds geometry).

    A table the running notebook wrote itself is read from its staged file (:mod:`analysis.core.staging`).
    """
    source = staging.source(paths.processed_table(name))
    if not source.exists():
        raise FileNotFoundError(
            f"{source}: processed table '{name}' does not exist yet; run the notebook that writes it "
            "(make all runs them in order)."
        )
    note_read(source)
    import pyarrow.parquet as pq

    if b"geo" in (pq.read_schema(source).metadata or {}):
        import geopandas as gpd

        return gpd.read_parquet(source)
    return pd.read_parquet(source)


def write_quarantine(rows: pd.DataFrame, name: str) -> pd.DataFrame:
    """Write the rows set aside from table ``name``; they must carry a ``reason`` column."""
    if "reason" not in rows.columns:
        raise ValueError(f"quarantine for '{name}' needs a 'reason' column; got {list(rows.columns)}")
    target = staging.target(paths.quarantine_table(name))
    rows.to_csv(target, index=False)
    note_write(target)
    return rows


def row_problems(
    frame: pd.DataFrame,
    schema: pa.DataFrameSchema,
    source: str,
    error: type[Exception] = ValueError,
    locations: pd.Series | None = None,
) -> list[tuple[int, str]]:
    """(row index, message) for every value of an input file that breaks ``schema``.

    Messages name the file, line (header is line 1, or ``locations[index]`` when the reader knows
    better, e.g. after multi-line fields), column, the check and the bad value, so bad rows can go
    to a quarantine with their reason; a rule across columns gives one message per row without
    values (so no cell, personal or not, is repeated). A problem that belongs to no row (a missing
    column, say) raises ``error`` naming the file and column instead.
    """
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        problems = []
        for case in errors.failure_cases.itertuples():
            if case.index is None or case.index != case.index:
                raise error(f"{source}: column {case.column}: {case.check}") from None
            index = int(case.index)
            where = f"{source} line {index + 2}" if locations is None else locations[index]
            if case.schema_context == "DataFrameSchema":  # a rule across columns: one message, no values
                problems.append((index, f"{where}, column (row): expected {case.check}"))
                continue
            column = case.column if isinstance(case.column, str) else "(row)"
            problems.append((index, f"{where}, column {column}: expected {case.check}, got {case.failure_case!r}"))
        return problems
    return []


def reasons_by_row(problems: list[tuple[int, str]]) -> dict[int, str]:
    """The messages of :func:`row_problems` joined into one reason per row."""
    reasons: dict[int, list[str]] = {}
    for index, message in problems:
        reasons.setdefault(index, []).append(message)
    return {index: "; ".join(dict.fromkeys(messages)) for index, messages in reasons.items()}


def _describe_in_datapackage(name: str, schema: pa.DataFrameSchema, table: pd.DataFrame, sources: list[str]) -> None:
    """Add (or replace) table ``name`` in the data package (:mod:`analysis.core.datapackage`); each column is
    described by the vocabulary."""
    fields_written = []
    for column_name in table.columns:
        entry = fields.field(column_name)
        described = {"name": column_name, "type": entry.type, "description": entry.description}
        fields_written.append({**described, "unit": entry.unit} if entry.unit else described)
    resource = {
        "name": name,
        "path": f"{name}.parquet",
        "format": "parquet",
        "description": schema.description or "",
        "rows": len(table),
        "sources": [{"title": source} for source in sources],
        "schema": {"fields": fields_written},
    }
    package_path = paths.processed_dir() / DATAPACKAGE_NAME
    if not staging.active():
        datapackage.add_resources(package_path, [resource])
        note_write(package_path)
        return
    # Under the runner, the entries go to this run's own fragment, merged into the package when the run succeeds.
    fragment = staging.fragment(package_path)
    kept = [entry for entry in datapackage.fragment_resources(fragment) if entry["name"] != name]
    datapackage.write_fragment(fragment, [*kept, resource])
    note_write(fragment)
