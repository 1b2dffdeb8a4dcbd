"""One column vocabulary: every column of every table the package writes or reads, declared once.

``analysis/reference/fields.csv`` holds one row per column name: its type (Frictionless names:
string, integer, number, boolean, datetime, geometry), whether it may be empty by default,
its unit, description, standard checks (``range`` in interval notation such as ``[0, 100]`` or
``(0, )``, a regular expression ``pattern``, a ``min_length``, ``allowed`` values '|'-joined),
an ``example`` value, the ``source`` and ``note`` of the definition, and the ``label`` a published table
shows as the column's heading (:func:`label`; empty: the name in words, :func:`humanize`). A name with
placeholders (``in_{source}``, ``nuts2_{version}``) declares a family of columns; the
description is filled in from the name.

:func:`schema` builds a pandera ``DataFrameSchema`` from a list of names; a table adds only
what is its own (checks that depend on code constants, columns that may be empty there,
uniqueness). :func:`field` answers what a column is; ``tables.write_table`` documents each
written table in ``datapackage.json`` from it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandera.pandas as pa

from analysis.core import paths

FIELDS_FILE = "fields.csv"
# Rows generated from the survey codebooks (analysis.collect.codebook_outputs); read beside fields.csv.
GENERATED_FIELDS_FILE = "codebooks/generated_fields.csv"
TYPES = ("string", "integer", "number", "boolean", "datetime", "geometry")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_RANGE = re.compile(r"^([\[(])\s*([^,]*),\s*([^\])]*)([\])])$")


@dataclass(frozen=True)
class Field:
    """One row of the vocabulary, with placeholders (if any) filled in for a concrete column."""

    name: str
    type: str
    nullable: bool
    unit: str
    range: str
    pattern: str
    min_length: str
    allowed: str
    example: str
    description: str
    source: str
    note: str
    label: str = ""

    def dtype(self, nullable: bool) -> Any:
        """The pandas dtype pandera checks: nullable integers and booleans use pandas' masked dtypes."""
        if self.type == "integer":
            return "Int64" if nullable else "int64"
        if self.type == "boolean":
            return "boolean" if nullable else bool
        if self.type == "geometry":
            from pandera.engines.geopandas_engine import Geometry

            return Geometry(crs="EPSG:4326")
        return {"string": str, "number": float, "datetime": "datetime64[ns]"}[self.type]

    def checks(self) -> list[pa.Check]:
        """The standard checks every table applies to this column."""
        checks = []
        if self.range:
            checks.append(_range_check(self.range))
        if self.pattern:
            checks.append(pa.Check.str_matches(self.pattern))
        if self.min_length:
            checks.append(pa.Check.str_length(min_value=int(self.min_length)))
        if self.allowed:
            checks.append(pa.Check.isin(self.allowed.split("|")))
        return checks


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


def _range_check(interval: str) -> pa.Check:
    """``[a, b]`` -> in_range, ``[a, )`` -> ge, ``(a, )`` -> gt, ``(, b]`` -> le, ``(, b)`` -> lt."""
    match = _RANGE.match(interval.strip())
    if not match:
        raise ValueError(f"{FIELDS_FILE}: range {interval!r} is not an interval such as '[0, 100]' or '(0, )'")
    opening, low, high, closing = (part.strip() for part in match.groups())
    if low and high:
        return pa.Check.in_range(_number(low), _number(high), include_min=opening == "[", include_max=closing == "]")
    if low:
        return pa.Check.ge(_number(low)) if opening == "[" else pa.Check.gt(_number(low))
    if high:
        return pa.Check.le(_number(high)) if closing == "]" else pa.Check.lt(_number(high))
    raise ValueError(f"{FIELDS_FILE}: range {interval!r} has neither bound")


def _template_regex(name: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(name)  # literal, placeholder, literal, ...
    pattern = "".join(
        re.escape(part) if index % 2 == 0 else rf"(?P<{part}>[a-z0-9]+(?:_[a-z0-9]+)*?)"
        for index, part in enumerate(parts)
    )
    return re.compile(f"^{pattern}$")


@cache
def vocabulary() -> dict[str, Field]:
    """Every row of ``reference/fields.csv`` and of the generated ``reference/codebooks/generated_fields.csv``
    by name (placeholders left in); checks the files' own rules (a name declared in both is an error)."""
    entries: dict[str, Field] = {}
    for path in (paths.REFERENCE / FIELDS_FILE, paths.REFERENCE / GENERATED_FIELDS_FILE):
        if path.exists():
            _read_vocabulary_file(path, entries)
    return entries


def _read_vocabulary_file(path: Path, entries: dict[str, Field]) -> None:
    """Add the rows of one vocabulary file to ``entries``; a name declared twice is an error naming file and line."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for line, row in enumerate(rows, start=2):
        where = f"{path.name} line {line}"
        if row["name"] in entries:
            raise ValueError(f"{where}: column {row['name']!r} is declared twice")
        if row["type"] not in TYPES:
            raise ValueError(f"{where}: type {row['type']!r} of {row['name']!r}; expected one of {TYPES}")
        if row["nullable"] not in ("true", "false"):
            raise ValueError(f"{where}: nullable of {row['name']!r} must be true or false, got {row['nullable']!r}")
        entry = Field(**{**row, "nullable": row["nullable"] == "true"})
        if entry.range:
            _range_check(entry.range)
        entries[entry.name] = entry


@cache
def _templates() -> list[tuple[re.Pattern[str], Field]]:
    return [(_template_regex(name), entry) for name, entry in vocabulary().items() if "{" in name]


def vocabulary_entry(column: str) -> str | None:
    """The vocabulary name that declares ``column`` (itself, or the family it belongs to), else None."""
    if column in vocabulary():
        return column
    matches = [entry.name for regex, entry in _templates() if regex.match(column)]
    if len(matches) > 1:
        raise ValueError(f"{FIELDS_FILE}: column {column!r} matches several families {matches}")
    return matches[0] if matches else None


def field(column: str) -> Field:
    """What ``column`` is: its vocabulary row, with the family's placeholders filled in from the name.

    Raises ``KeyError`` naming the column when the vocabulary does not declare it.
    """
    name = vocabulary_entry(column)
    if name is None:
        raise KeyError(f"column {column!r} is not declared in analysis/reference/{FIELDS_FILE}; add a row for it")
    entry = vocabulary()[name]
    if name == column:
        return entry
    values = _template_regex(name).match(column).groupdict()
    return Field(**{**entry.__dict__, "name": column, "description": entry.description.format(**values)})


# Words a column name spells in lower case that a reader expects in capitals (or spelled out).
_WORDS = {
    "eu": "EU",
    "us": "US",
    "cn": "China",
    "uk": "UK",
    "ci": "CI",
    "id": "ID",
    "ids": "IDs",
    "iso2": "ISO 2",
    "nuts": "NUTS",
    "nuts2": "NUTS 2",
    "nuts3": "NUTS 3",
    "gdp": "GDP",
    "ame": "AME",
    "se": "SE",
    "url": "URL",
    "pct": "%",
    "n": "n",
    "eu27": "EU-27",
    "admin1": "first-level division",
    "wikipedia": "Wikipedia",
    "wikidata": "Wikidata",
    "geonames": "GeoNames",
}


def humanize(name: str) -> str:
    """A reader's heading for a variable name: ``records_with_eu_end`` -> ``Records with EU end``.

    Words in :data:`_WORDS` are spelled as a reader expects them; a name that is not snake case
    (``Share (%)``, ``Country``) is returned as it is.
    """
    if not re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", name) or name.isdigit():
        return name
    words = [_WORDS.get(word, word) for word in name.split("_")]
    return words[0][:1].upper() + words[0][1:] + "".join(f" {word}" for word in words[1:])


def label(column: str) -> str:
    """The heading a table shows for ``column``: the ``label`` the vocabulary declares for it, else
    :func:`humanize` of the name (a display column the vocabulary does not declare)."""
    name = vocabulary_entry(column) if re.fullmatch(r"[a-z0-9_]+", column) else None
    if name is not None and vocabulary()[name].label and name == column:
        return vocabulary()[name].label
    return humanize(column)


def column(name: str, *, nullable: bool | None = None, checks: Iterable[pa.Check] = (), **options: Any) -> pa.Column:
    """The pandera column ``name`` as the vocabulary declares it, plus a table's own ``checks``.

    ``nullable`` overrides the vocabulary's default; ``options`` (``unique``, ``required``) go to
    ``pa.Column``. The column's metadata carries the unit, so the schema documents it too.
    """
    entry = field(name)
    nullable = entry.nullable if nullable is None else nullable
    return pa.Column(
        entry.dtype(nullable),
        checks=[*entry.checks(), *checks],
        nullable=nullable,
        description=entry.description,
        metadata={"unit": entry.unit} if entry.unit else None,
        name=name,
        **options,
    )


def schema(
    *columns: str | Iterable[str],
    checks: Mapping[str, pa.Check | Sequence[pa.Check]] | None = None,
    nullable: Iterable[str] = (),
    not_null: Iterable[str] = (),
    unique: Iterable[str] = (),
    optional: Iterable[str] = (),
    frame_checks: Sequence[pa.Check] = (),
    unique_together: Sequence[str] | None = None,
    **options: Any,
) -> pa.DataFrameSchema:
    """A pandera schema for a table whose columns, in order, are ``columns`` (names from the vocabulary).

    Each of ``columns`` is a string of names separated by white space, or an iterable of names.

    A table adds only what is its own: ``checks`` (column -> extra checks, e.g. allowed values
    kept as code constants), ``nullable`` / ``not_null`` (columns that may, or may not, be empty
    here unlike the vocabulary's default), ``unique`` (columns whose values are unique),
    ``optional`` (columns that may be absent), ``frame_checks`` (dataframe-level checks) and
    ``unique_together`` (a combination of columns that is unique). ``options`` (``strict``,
    ``ordered``, ``coerce``, ``description``) go to ``pa.DataFrameSchema``.
    Raises ``ValueError`` when a name given to an option is not one of ``columns``.
    """
    columns = [name for part in columns for name in (part.split() if isinstance(part, str) else part)]
    checks = dict(checks or {})
    nullable, not_null, unique, optional = set(nullable), set(not_null), set(unique), set(optional)
    listed = set(columns)
    if len(listed) != len(columns):
        raise ValueError(f"schema columns repeat a name: {list(columns)}")
    for option, names in (
        ("checks", checks),
        ("nullable", nullable),
        ("not_null", not_null),
        ("unique", unique),
        ("optional", optional),
    ):
        if set(names) - listed:
            raise ValueError(
                f"schema option {option} names columns the table does not have: {sorted(set(names) - listed)}"
            )
    built = {}
    for name in columns:
        extra = checks.get(name, ())
        built[name] = column(
            name,
            nullable=True if name in nullable else False if name in not_null else None,
            checks=[extra] if isinstance(extra, pa.Check) else list(extra),
            unique=name in unique,
            required=name not in optional,
        )
    return pa.DataFrameSchema(built, checks=list(frame_checks) or None, unique=unique_together, **options)
