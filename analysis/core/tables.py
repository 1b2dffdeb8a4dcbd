"""Read and write the processed tables that cross notebook boundaries.

Every table is written through :func:`write_table`, which validates it against its
pandera schema first, so a table that breaks its contract never reaches disk. The
schema's column descriptions also document the table in
``data/processed/datapackage.json`` (a Frictionless data package).
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pandera.pandas as pa

from analysis.core import paths
from analysis.core.tracking import note_read, note_write

DATAPACKAGE_NAME = "datapackage.json"


def write_table(
    df: pd.DataFrame, name: str, schema: pa.DataFrameSchema, *, sources: list[str] | None = None
) -> pd.DataFrame:
    """Validate ``df`` against ``schema`` and write it to ``data/processed/<name>.parquet``.

    GeoDataFrames are written as GeoParquet. Returns the validated frame. Raises
    ``pandera.errors.SchemaErrors`` naming every failing column and row.
    """
    validated = schema.validate(df, lazy=True)
    target = paths.processed_table(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    validated.to_parquet(target, index=False)
    note_write(target)
    _describe_in_datapackage(name, schema, validated, sources or [])
    return validated


def read_table(name: str) -> pd.DataFrame:
    """Read ``data/processed/<name>.parquet`` (a GeoDataFrame when it holds geometry)."""
    source = paths.processed_table(name)
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
    target = paths.quarantine_table(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    rows.to_csv(target, index=False)
    note_write(target)
    return rows


def origin_columns(row_noun: str) -> dict[str, pa.Column]:
    """The two columns every table built from the team's exports carries, so synthetic rows stay labelled.

    ``row_noun`` names what one row is ("hit", "tie", "response") in the descriptions.
    """
    return {
        "is_synthetic": pa.Column(
            bool, description=f"True when the {row_noun} comes from the seeded synthetic sample, not a real export"
        ),
        "data_origin": pa.Column(str, description="real export file name, or 'synthetic (seed N)'"),
    }


def row_problems(
    frame: pd.DataFrame, schema: pa.DataFrameSchema, source: str, error: type[Exception] = ValueError
) -> list[tuple[int, str]]:
    """(row index, message) for every value of an input file that breaks ``schema``.

    Messages name the file, line (header is line 1), column, the check and the bad value,
    so bad rows can go to a quarantine with their reason. A problem that belongs to no
    row (a missing column, say) raises ``error`` naming the file and column instead.
    """
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        problems = []
        for case in errors.failure_cases.itertuples():
            if case.index is None or case.index != case.index:
                raise error(f"{source}: column {case.column}: {case.check}") from None
            index = int(case.index)
            column = case.column if isinstance(case.column, str) else "(row)"
            problems.append(
                (index, f"{source} line {index + 2}, column {column}: expected {case.check}, got {case.failure_case!r}")
            )
        return problems
    return []


def reasons_by_row(problems: list[tuple[int, str]]) -> dict[int, str]:
    """The messages of :func:`row_problems` joined into one reason per row."""
    reasons: dict[int, list[str]] = {}
    for index, message in problems:
        reasons.setdefault(index, []).append(message)
    return {index: "; ".join(dict.fromkeys(messages)) for index, messages in reasons.items()}


def _frictionless_type(dtype: Any) -> str:
    text = str(dtype).lower()
    if "int" in text:
        return "integer"
    if "float" in text:
        return "number"
    if "bool" in text:
        return "boolean"
    if "datetime" in text:
        return "datetime"
    if "geometry" in text:
        return "geojson"
    return "string"


def _describe_in_datapackage(name: str, schema: pa.DataFrameSchema, table: pd.DataFrame, sources: list[str]) -> None:
    package_path = paths.processed_dir() / DATAPACKAGE_NAME
    package: dict[str, Any] = {"name": "paradiplomacy-processed", "profile": "data-package", "resources": []}
    if package_path.exists():
        package = json.loads(package_path.read_text(encoding="utf-8"))
    fields = []
    for column_name in table.columns:  # every column written, described by the schema where it says more
        column = schema.columns.get(column_name)
        field: dict[str, Any] = {"name": column_name, "type": _frictionless_type(table[column_name].dtype)}
        if column is not None and column.description:
            field["description"] = column.description
        if column is not None and column.title:
            field["title"] = column.title
        unit = (column.metadata or {}).get("unit") if column is not None else None
        if unit:
            field["unit"] = unit
        fields.append(field)
    resource = {
        "name": name,
        "path": f"{name}.parquet",
        "format": "parquet",
        "description": schema.description or "",
        "rows": len(table),
        "sources": [{"title": source} for source in sources],
        "schema": {"fields": fields},
    }
    package["resources"] = [r for r in package["resources"] if r["name"] != name] + [resource]
    package["resources"].sort(key=lambda r: r["name"])
    package_path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    note_write(package_path)
