"""Consent ``aggregate_only``: such a respondent's unit is never named in a processed table or in the book.

A respondent (an EU city or region in phase 1, a US place in phase 2) who chose ``aggregate_only``
allowed their answers to be published in aggregate only. In the processed tables that carry answers
row by row (:file:`analysis/reference/consent_pseudonyms.csv` lists them, with the rows and columns
concerned), the identifier of such a unit is replaced, when the table is written, by a pseudonym
(:func:`pseudonym`: ``withheld-`` and 16 hex digits of SHA-256 of the salt and the identifier), tie ids
that start with it are rekeyed, a name that would identify it is left empty, and the rows are sorted by
the pseudonymous column so that no position betrays an identifier. Rows are neither dropped nor
added, so every count a table gives is unchanged.

A notebook that must join these rows to the frame (the phase-2 frame, the analysis tables) reads them
with :func:`read_table`, which recomputes the pseudonyms of the frame's units with the same salt and
puts the identifiers back in memory: models and counts are those of the identified data. The salt is
the survey export's (``pseudonym_salt.txt`` beside it in ``data/raw``, at least 16 random characters,
never published); for the synthetic sample it is the public word ``synthetic`` (no person stands behind
those rows). The book shows survey answers per unit only through these tables, so an ``aggregate_only``
unit is never shown by name (the per-unit check of tables built in memory is
:func:`analysis.stats.disclosure.check_no_aggregate_only`).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pandera.pandas as pa

from analysis.core import paths, tables

AGGREGATE_ONLY = "aggregate_only"
PSEUDONYM_PREFIX = "withheld-"
SYNTHETIC_SALT = "synthetic"  # the synthetic samples' salt: public, as no person stands behind their rows
RULES_PATH = paths.REFERENCE / "consent_pseudonyms.csv"


class Withheld(NamedTuple):
    """The identifiers whose respondent chose ``aggregate_only`` in one consent table, and that export's salt."""

    ids: frozenset[str]
    salt: str


class ConsentError(ValueError):
    """A pseudonym in a processed table matches no unit of the frame given (the salt or the frame changed)."""


@functools.cache
def rules() -> pd.DataFrame:
    """The rules of :data:`RULES_PATH`, one row per table and identifier column."""
    return pd.read_csv(RULES_PATH, dtype=str, keep_default_na=False)


def pseudonym(identifier: str, salt: str) -> str:
    """The pseudonym of an ``aggregate_only`` unit: ``withheld-`` and 16 hex digits of SHA-256(salt | identifier)."""
    return PSEUDONYM_PREFIX + hashlib.sha256(f"{salt}|{AGGREGATE_ONLY}|{identifier}".encode()).hexdigest()[:16]


def withheld(responses: pd.DataFrame, consent_table: str, salt: str) -> dict[str, Withheld]:
    """``{consent_table: Withheld}`` from an answer table with ``consent`` (``survey_responses`` or ``phase2_responses``)."""
    column = rules().loc[rules()["consent_table"] == consent_table, "consent_id_column"].iloc[0]
    ids = responses.loc[responses["consent"].astype(str) == AGGREGATE_ONLY, column].astype(str)
    return {consent_table: Withheld(frozenset(ids), salt)}


def pseudonymise(frame: pd.DataFrame, table: str, withheld_ids: Mapping[str, Withheld]) -> pd.DataFrame:
    """``frame`` (processed table ``table``) with every ``aggregate_only`` unit keyed by its pseudonym (see the module)."""
    result = frame.copy()
    table_rules = rules()[rules()["table"] == table]
    for rule in table_rules.itertuples():
        if rule.consent_table not in withheld_ids:
            continue
        ids, salt = withheld_ids[rule.consent_table]
        chosen = result[rule.id_column].astype(str).isin(ids)
        if rule.rows:
            chosen &= result[rule.rows].fillna(False).astype(bool)
        original = result.loc[chosen, rule.id_column].astype(str)
        result.loc[chosen, rule.id_column] = [pseudonym(identifier, salt) for identifier in original]
        if rule.tie_id_column:
            result.loc[chosen, rule.tie_id_column] = _rekeyed(result.loc[chosen, rule.tie_id_column], original, salt)
        if rule.name_column:
            result.loc[chosen, rule.name_column] = None
    return _sorted(result, table_rules)


def identify(frame: pd.DataFrame, table: str, known: Mapping[str, Withheld]) -> pd.DataFrame:
    """The inverse of :func:`pseudonymise` in memory: ``known`` gives, per consent table, the frame's identifiers
    (every unit that could have answered) and the salt. Raises :class:`ConsentError` for a pseudonym it cannot place."""
    result = frame.copy()
    table_rules = rules()[rules()["table"] == table]
    for rule in table_rules.itertuples():
        if rule.consent_table not in known:
            continue
        candidates, salt = known[rule.consent_table]
        keyed = result[rule.id_column].astype(str).str.startswith(PSEUDONYM_PREFIX)
        if not keyed.any():
            continue
        by_pseudonym = {pseudonym(identifier, salt): identifier for identifier in candidates}
        pseudonyms = result.loc[keyed, rule.id_column].astype(str)
        unknown = sorted(set(pseudonyms) - by_pseudonym.keys())
        if unknown:
            raise ConsentError(
                f"processed table {table}, column {rule.id_column}: {len(unknown)} pseudonym(s) match no unit of the "
                f"frame with this salt (e.g. {unknown[0]}); re-run the notebook that wrote it (make all)"
            )
        identifiers = pseudonyms.map(by_pseudonym)
        result.loc[keyed, rule.id_column] = identifiers
        if rule.tie_id_column:
            result.loc[keyed, rule.tie_id_column] = [
                identifier + tie_id.removeprefix(key)
                for identifier, key, tie_id in zip(identifiers, pseudonyms, result.loc[keyed, rule.tie_id_column])
            ]
    return _sorted(result, table_rules)


def write_table(
    frame: pd.DataFrame,
    name: str,
    schema: pa.DataFrameSchema,
    *,
    withheld_ids: Mapping[str, Withheld],
    sources: list[str] | None = None,
) -> pd.DataFrame:
    """Write ``frame`` pseudonymised (:func:`pseudonymise`) through :func:`analysis.core.tables.write_table`;
    return ``frame`` validated, identified and in its own order, as ``tables.write_table`` returns it."""
    tables.write_table(pseudonymise(frame, name, withheld_ids), name, schema, sources=sources)
    return schema.validate(frame, lazy=True)


def read_table(name: str, known: Mapping[str, Withheld]) -> pd.DataFrame:
    """Read processed table ``name`` and put back the identifiers of its pseudonymous rows (:func:`identify`)."""
    return identify(tables.read_table(name), name, known)


def known_units(unit_ids: Iterable[str], consent_table: str, salt: str) -> dict[str, Withheld]:
    """``{consent_table: Withheld}`` of every unit that could have answered (for :func:`identify`)."""
    return {consent_table: Withheld(frozenset(map(str, unit_ids)), salt)}


def export_salt(export: Path | None) -> str:
    """The salt the answers of ``export`` are keyed with: its ``pseudonym_salt.txt``, or :data:`SYNTHETIC_SALT`
    when no export was delivered (the synthetic sample stands in)."""
    if export is None:
        return SYNTHETIC_SALT
    from analysis.collect import survey

    return survey.read_salt(export)


def _rekeyed(tie_ids: pd.Series, identifiers: pd.Series, salt: str) -> list[str]:
    return [
        pseudonym(identifier, salt) + str(tie_id).removeprefix(identifier)
        for tie_id, identifier in zip(tie_ids, identifiers)
    ]


def _sorted(frame: pd.DataFrame, table_rules: pd.DataFrame) -> pd.DataFrame:
    """Rows by the table's identifier columns (stable): no position betrays a pseudonymous row's identifier."""
    if table_rules.empty:
        return frame
    columns = list(dict.fromkeys(table_rules["id_column"]))
    return frame.sort_values(columns, kind="stable", key=lambda values: values.astype(str)).reset_index(drop=True)
