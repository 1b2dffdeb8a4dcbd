"""Every real table schema: built from the vocabulary, accepts a valid row, rejects each broken column."""

from __future__ import annotations

import importlib
import pkgutil

import pandas as pd
import pandera.pandas as pa
import pytest

import analysis
from analysis.core import fields


def _real_schemas() -> dict[str, pa.DataFrameSchema]:
    """Every module-level ``*_SCHEMA`` of the package (each once), plus the frame schema with its floor."""
    found: dict[str, pa.DataFrameSchema] = {}
    seen: set[int] = set()
    for module_info in pkgutil.walk_packages(analysis.__path__, "analysis."):
        if module_info.name.startswith("analysis.runner"):
            continue  # the runner declares no tables and imports the notebook machinery
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if name.endswith("_SCHEMA") and isinstance(value, pa.DataFrameSchema) and id(value) not in seen:
                seen.add(id(value))
                found[name] = value
    from analysis.build.frame import city_frame_schema

    found["city_frame_schema(50_000)"] = city_frame_schema(50_000)
    return found


REAL_SCHEMAS = _real_schemas()

# Values a one-row table needs beyond each column's own example, because a dataframe-level check
# ties columns together (a tie has exactly one EU end).
ROW_FIXES: dict[str, dict[str, object]] = {"RELATIONS_SCHEMA": {"eu_region_code": None}}


def _allowed_values(column: pa.Column) -> list | None:
    for check in column.checks:
        if check.name == "isin":
            return list(check.statistics["allowed_values"])
    return None


def example_value(column: pa.Column) -> object:
    """A value of ``column`` that its checks accept: the first allowed value, else the vocabulary's example."""
    allowed = _allowed_values(column)
    if allowed is not None:
        return allowed[0]
    entry = fields.field(column.name)
    text = entry.example
    if not text:
        return None if column.nullable else ""
    if entry.type == "geometry":
        return None
    return {
        "integer": int,
        "number": float,
        "boolean": lambda value: value == "true",
        "datetime": pd.Timestamp,
    }.get(entry.type, str)(text)


def series(column: pa.Column, values: list) -> pd.Series:
    """``values`` as a pandas series of the column's dtype."""
    return pd.Series(values, dtype=column.dtype.type)


def valid_frame(label: str, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """A one-row table that ``schema`` accepts, built from the schema and the vocabulary."""
    fixes = ROW_FIXES.get(label, {})
    data = {}
    for name, column in schema.columns.items():
        if fields.field(name).type == "geometry":
            continue
        data[name] = series(column, [fixes.get(name, example_value(column))])
    frame = pd.DataFrame(data)
    geometry = [name for name in schema.columns if fields.field(name).type == "geometry"]
    if geometry:
        import geopandas as gpd
        from shapely.geometry import box

        frame = gpd.GeoDataFrame(frame, geometry=[box(16.0, 50.0, 18.0, 52.0)], crs="EPSG:4326")
        if geometry[0] != "geometry":
            frame = frame.rename_geometry(geometry[0])
        frame = frame[list(schema.columns)]
    return frame


def test_every_column_of_every_schema_is_declared_and_built_from_the_vocabulary():
    problems = []
    for label, schema in REAL_SCHEMAS.items():
        for name, column in schema.columns.items():
            if fields.vocabulary_entry(name) is None:
                problems.append(f"{label}.{name}: not in fields.csv")
                continue
            entry = fields.field(name)
            if str(column.dtype) != str(pa.Column(entry.dtype(column.nullable)).dtype):
                problems.append(f"{label}.{name}: dtype {column.dtype} is not the vocabulary's {entry.type}")
            if column.description != entry.description or (column.metadata or {}).get("unit", "") != entry.unit:
                problems.append(f"{label}.{name}: description or unit not taken from fields.csv")
    assert not problems, "\n".join(problems)


def test_no_vocabulary_entry_is_unused():
    used = {fields.vocabulary_entry(name) for schema in REAL_SCHEMAS.values() for name in schema.columns}
    assert sorted(set(fields.vocabulary()) - used) == []


def _rejection_names(schema: pa.DataFrameSchema, frame: pd.DataFrame, column: str) -> bool:
    """True when ``schema`` rejects ``frame`` and the failure names ``column``."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        return column in set(cases["column"].astype(str)) | set(cases["failure_case"].astype(str))
    return False


def _violations(column: pa.Column) -> list[tuple[str, object]]:
    """(what, value) pairs that break one check of ``column`` each."""
    broken = []
    for check in column.checks:
        stats = check.statistics or {}
        if check.name in ("in_range", "less_than_or_equal_to", "less_than"):
            broken.append((f"{check.name} above", stats["max_value"] + 1))
        if check.name in ("in_range", "greater_than_or_equal_to", "greater_than"):
            broken.append((f"{check.name} below", stats["min_value"] - 1))
        if check.name == "str_matches" or (check.name == "str_length" and stats.get("min_value")):
            broken.append((check.name, ""))
        if check.name == "isin":
            broken.append(("isin", 99_999 if fields.field(column.name).type == "integer" else "not-allowed"))
        if not stats:  # a custom check (the survey's multi-select options)
            broken.append((check.name or "custom", "not-an-option"))
    return broken


def _coerced_to_false(schema: pa.DataFrameSchema, column: pa.Column) -> bool:
    """A known gap: a schema that coerces turns an empty value of a bool column into False before checking."""
    return schema.coerce and str(column.dtype) == "bool"


def _wrong_type(schema: pa.DataFrameSchema, column: pa.Column) -> object | None:
    """A value of the wrong type that ``schema`` cannot coerce; None where coercion would make it valid."""
    kind = fields.field(column.name).type
    if kind in ("string", "geometry"):
        return None if schema.coerce else 7  # anything can be coerced to a string
    if kind == "boolean" and schema.coerce and not column.nullable:
        return None  # pandas turns any non-empty text into True
    return "not a value"


def _column_signature(schema: pa.DataFrameSchema, column: pa.Column) -> tuple | None:
    """What decides whether ``column`` of ``schema`` rejects a value: its properties (type, nullability, checks'
    statistics, ...) and the schema's coercion; None when a check has no statistics (a custom check's function)."""
    properties = dict(column.properties)
    checks = properties.pop("checks")
    if any(not check.statistics for check in checks):
        return None
    described = tuple((check.name, repr(sorted(check.statistics.items()))) for check in checks)
    return schema.coerce, repr(sorted((key, repr(value)) for key, value in properties.items())), described


def _broken_values_accepted(schema: pa.DataFrameSchema, column: pa.Column, valid: pd.DataFrame) -> list[str]:
    """The broken values of ``column`` (empty, of the wrong type, breaking one check) that ``schema`` accepts or
    rejects without naming the column, each put in place of the value of ``valid`` (that column of a valid row) and
    checked on the column alone (with the schema's coercion)."""
    name = column.name
    alone = pa.DataFrameSchema({name: column}, coerce=schema.coerce)
    cases = []
    if not column.nullable and not _coerced_to_false(schema, column):
        cases.append(("empty value", [None]))
    wrong = _wrong_type(schema, column)
    if wrong is not None:
        cases.append(("wrong type", [wrong]))
    cases += [(what, series(column, [value])) for what, value in _violations(column)]
    return [what for what, values in cases if not _rejection_names(alone, valid.assign(**{name: values}), name)]


@pytest.fixture(scope="module")
def accepted_by_signature() -> dict[tuple, list[str]]:
    """:func:`_broken_values_accepted` of each column signature met so far: one vocabulary entry makes the same
    column in many schemas (665 columns, 470 signatures), which need breaking once. Shared by the module's tests
    (so pytest-xdist runs them on one worker: tests/conftest.py)."""
    return {}


@pytest.mark.filterwarnings("ignore:Geometry column does not contain geometry")
@pytest.mark.parametrize("label", list(REAL_SCHEMAS))
def test_schema_accepts_a_valid_row_and_rejects_each_broken_column_by_name(label, accepted_by_signature):
    schema = REAL_SCHEMAS[label]
    valid = valid_frame(label, schema)
    schema.validate(valid, lazy=True)  # the valid row passes
    required = [name for name, column in schema.columns.items() if column.required]
    try:  # every required column missing at once: lazy validation names each one
        schema.validate(valid.drop(columns=required), lazy=True)
        missing_named = set()
    except pa.errors.SchemaErrors as errors:
        missing_named = set(errors.failure_cases["failure_case"].astype(str))
    not_rejected = [f"{name}: missing column" for name in required if name not in missing_named]
    for name, column in schema.columns.items():
        # One column at a time, checked by the schema's own column (and its coercion), so the test stays fast.
        signature = _column_signature(schema, column)
        if signature is None:
            accepted = _broken_values_accepted(schema, column, valid[[name]])
        else:
            accepted = accepted_by_signature.get(signature)
            if accepted is None:
                accepted = accepted_by_signature[signature] = _broken_values_accepted(schema, column, valid[[name]])
        not_rejected += [f"{name}: {what}" for what in accepted]
    assert not not_rejected, f"{label} accepted: {not_rejected}"
