"""Phase 2 from phase 1: the US places to survey, with their EU partners and the evidence, and the contact roster.

The sampling unit of phase 2 is each US partner of an EU unit of the frame (domain-methods 4.7).
Three sources of phase 1 name those partners: the public records (the ``relations`` table), the web
crawl (``crawl_ties``) and the phase-1 survey (``survey_ties``). :func:`source_mentions` lists their
US ties, one row per tie and source; :func:`resolve_mentions` gives every mention a gazetteer id
through the one place resolver (:mod:`analysis.build.resolve`, the same rules and rule 7 as the
public records), so that *same gazetteer id = same US place*; a name the resolver cannot place
(not found, ambiguous) keeps its reason and stays apart, never merged by guess.
:func:`frame_ties` merges the mentions into one row per (EU unit, US place) with the evidence of
each source, and :func:`phase2_frame` into one row per US place: the phase-2 sampling frame.

A lane picks the sources as :func:`analysis.build.outcomes.outcome_ties` does: ``real`` drops rows
with ``is_synthetic`` True (the frame the team fields), ``demonstration`` keeps the synthetic crawl
and survey samples (the bannered demonstration).

The **contact roster** is the team's working list for fielding phase 2: :func:`contact_roster_template`
writes one row per US place of the frame (id, name, state, EU partners) with empty columns for the
office, the contact person, e-mail, phone, where the contact was found and when it was checked. The
filled roster holds personal data and is kept in ``data/raw/survey_phase2/contacts/`` only
(``docs/phase2.md``). :func:`read_contact_roster` reads it through the survey importers (any encoding,
CSV or XLSX), splits the personal columns off at the first read and validates it against the frame:
errors name file, line and column and never show a personal value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.build import resolve
from analysis.build.outcomes import partner_keys
from analysis.collect import consent
from analysis.collect.importers import ColumnSpec, ExportLayout, ExportRefused, read_export
from analysis.core import fields, paths, staging, tables
from analysis.core.tracking import note_read, note_write

SOURCES: tuple[str, ...] = ("public", "crawl", "survey")
LANES: tuple[str, ...] = ("real", "demonstration")
PUBLIC_ORIGIN = "public relations"
EVIDENCE_SEPARATOR = "+"
LIST_SEPARATOR = "|"
EVIDENCE_COLUMN: dict[str, str] = {"public": "sources", "crawl": "evidence_url", "survey": "survey_tie_id"}
_COUNT_COLUMNS = tuple(f"ties_in_{source}" for source in SOURCES)
MENTION_COLUMNS: tuple[str, ...] = (
    "unit_id",
    "source",
    "partner_id",
    "partner_name",
    "partner_admin1",
    "evidence",
    "is_synthetic",
    "data_origin",
)

PHASE2_FRAME_TIES_SCHEMA = fields.schema(
    "unit_id unit_type eu_name eu_country_iso2 partner_id partner_name in_public in_crawl in_survey",
    "tie_evidence sources evidence_url survey_tie_id is_synthetic data_origin",
    nullable=["unit_type", "eu_country_iso2", "sources", "evidence_url", "survey_tie_id"],
    unique_together=["unit_id", "partner_id"],
    strict=True,
    description="Phase-2 frame, tie level: one row per EU unit and US partner place (gazetteer id) with the evidence by source.",
)
PHASE2_FRAME_SCHEMA = fields.schema(
    "partner_id partner_name admin1_name admin1_code partner_level population",
    "eu_partner_count eu_partner_ids eu_partner_names tie_evidence_by_partner",
    "ties_in_public ties_in_crawl ties_in_survey is_synthetic data_origin",
    nullable=["population"],
    unique=["partner_id"],
    strict=True,
    description="Phase-2 sampling frame: one row per US place that an EU unit of the frame partners with, by any phase-1 source.",
)
PHASE2_UNRESOLVED_SCHEMA = fields.schema(
    "unit_id partner_key partner_name partner_admin1 tie_evidence reason is_synthetic data_origin",
    unique_together=["unit_id", "partner_key"],
    strict=True,
    description="US partner names of phase 1 that the place resolver could not place, kept apart with the reason.",
)


class FrameTies(NamedTuple):
    """What :func:`frame_ties` returns: ``ties`` (:data:`PHASE2_FRAME_TIES_SCHEMA`), ``unresolved``
    (:data:`PHASE2_UNRESOLVED_SCHEMA`) and ``counts`` (mentions in by source, resolved, ties and places out)."""

    ties: pd.DataFrame
    unresolved: pd.DataFrame
    counts: dict[str, int]


# --------------------------------------------------------------------------- the frame


def source_mentions(
    relations: pd.DataFrame,
    crawl_ties: pd.DataFrame | None = None,
    survey_ties: pd.DataFrame | None = None,
    *,
    lane: str = "real",
) -> pd.DataFrame:
    """One row per US tie and source (:data:`MENTION_COLUMNS`): public records, crawl ties, survey ties.

    ``evidence`` is the public sources of a relation (``wikipedia_2026|wikidata_2017``), the crawl's
    first accepted page, the survey's ``survey_tie_id``. Public partners count as US when the relation
    says so (50 states and DC); crawl and survey partners by their country. ``lane`` as in the module
    docstring.
    """
    if lane not in LANES:
        raise ValueError(f"source_mentions: lane must be one of {LANES}, not {lane!r}")
    public = relations[relations["partner_is_us"].astype(bool)]
    parts = [
        pd.DataFrame(
            {
                "unit_id": public["eu_city_id"].fillna(public["eu_region_code"]).astype(object),
                "source": "public",
                "partner_id": public["partner_id"].astype(object),
                "partner_name": public["partner_name"].astype(object),
                "partner_admin1": None,
                "evidence": public["sources"].astype(object),
                "is_synthetic": False,
                "data_origin": PUBLIC_ORIGIN,
            }
        )
    ]
    for source, ties, evidence, admin1 in (
        ("crawl", crawl_ties, "evidence_url", None),
        ("survey", survey_ties, "survey_tie_id", "partner_admin1"),
    ):
        if ties is None or ties.empty:
            continue
        us = ties[ties["partner_country_iso2"].eq("US")]
        parts.append(
            pd.DataFrame(
                {
                    "unit_id": us["unit_id"].astype(object),
                    "source": source,
                    "partner_id": us["partner_id"].astype(object),
                    "partner_name": us["partner_name"].astype(object),
                    "partner_admin1": us[admin1].astype(object) if admin1 else None,
                    "evidence": us[evidence].astype(object),
                    "is_synthetic": us["is_synthetic"].astype(bool),
                    "data_origin": us["data_origin"].astype(object),
                }
            )
        )
    mentions = pd.concat(parts, ignore_index=True)
    if lane == "real":
        mentions = mentions[~mentions["is_synthetic"]]
    mentions = mentions.astype({"is_synthetic": bool})
    return mentions.reset_index(drop=True).loc[:, list(MENTION_COLUMNS)]


def us_name_index(gazetteer: pd.DataFrame) -> pd.DataFrame:
    """The rows of the gazetteer's name index (:func:`analysis.build.resolve.gazetteer_name_index`, built once per
    gazetteer and cached) of its US places: the same rows as the index of the US places alone."""
    index = resolve.gazetteer_name_index(gazetteer)
    return index[index["country_iso2"].eq("US")].reset_index(drop=True)


def resolve_mentions(mentions: pd.DataFrame, gazetteer: pd.DataFrame, relations: pd.DataFrame) -> pd.DataFrame:
    """``mentions`` with every ``partner_id`` the one resolver can give, and ``reason`` where it gives none.

    Ids already given by a source's producer (the same resolver) are kept; the others are resolved
    with the unit's public ties lending their ids (rule 7). An id outside the gazetteer's US places
    is not trusted. ``reason`` is the resolver's status (``not_found``, ``ambiguous``,
    ``coordinates_disagree``), ``no_name`` or ``not_a_us_place``; empty when resolved.
    """
    mentions = mentions.copy()
    us_ids = set(gazetteer.loc[gazetteer["country_iso2"].eq("US"), "partner_id"])
    index = us_name_index(gazetteer)
    missing = mentions["partner_id"].isna()
    if missing.any():
        known = relations.assign(unit_id=relations["eu_city_id"].fillna(relations["eu_region_code"]))
        known = known[["unit_id", "partner_country_iso2", "partner_name", "partner_id"]]
        todo = mentions[missing]
        mentions.loc[missing, "partner_id"] = resolve.resolve_partner_names(
            todo["partner_name"],
            pd.Series("US", index=todo.index),
            index,
            admin1=todo["partner_admin1"],
            unit_ids=todo["unit_id"],
            known_ties=known,
        )
    outside = mentions["partner_id"].notna() & ~resolve.in_set(mentions["partner_id"], us_ids)
    mentions["reason"] = np.where(outside, "not_a_us_place", "")
    mentions.loc[outside, "partner_id"] = None
    still = mentions["partner_id"].isna() & mentions["reason"].eq("")
    named = still & mentions["partner_name"].fillna("").astype(str).str.strip().ne("")
    mentions.loc[still & ~named, "reason"] = "no_name"
    if named.any():
        queries = pd.DataFrame(
            {
                "country_iso2": "US",
                "name": mentions.loc[named, "partner_name"].astype("string"),
                "latitude": np.nan,
                "longitude": np.nan,
                "hint": mentions.loc[named, "partner_admin1"].astype("string"),
            }
        )
        status = resolve.resolve_place_table(queries, index)["status"]
        mentions.loc[named, "reason"] = status.where(status.ne("resolved"), "not_resolved").to_numpy()
    return mentions


def frame_ties(
    relations: pd.DataFrame,
    gazetteer: pd.DataFrame,
    units: pd.DataFrame,
    crawl_ties: pd.DataFrame | None = None,
    survey_ties: pd.DataFrame | None = None,
    *,
    lane: str = "real",
) -> FrameTies:
    """The phase-1 US ties of the frame's units, deduplicated by gazetteer id, with the evidence of each source.

    ``units`` is :func:`analysis.build.outcomes.frame_units` (EU names, countries, unit types).
    Returns :class:`FrameTies`; ``counts`` holds ``mentions_in_<source>``, ``mentions_in``,
    ``mentions_resolved``, ``mentions_unresolved``, ``ties_out``, ``unresolved_out`` and ``places_out``,
    with mentions in = resolved + unresolved.
    """
    mentions = resolve_mentions(source_mentions(relations, crawl_ties, survey_ties, lane=lane), gazetteer, relations)
    resolved = mentions[mentions["partner_id"].notna()]
    ties = _merge_resolved(resolved, gazetteer, units)
    unresolved = _merge_unresolved(mentions[mentions["partner_id"].isna()])
    counts = {f"mentions_in_{source}": int(mentions["source"].eq(source).sum()) for source in SOURCES}
    counts |= {
        "mentions_in": len(mentions),
        "mentions_resolved": len(resolved),
        "mentions_unresolved": len(mentions) - len(resolved),
        "ties_out": len(ties),
        "unresolved_out": len(unresolved),
        "places_out": int(ties["partner_id"].nunique()),
    }
    assert counts["mentions_in"] == counts["mentions_resolved"] + counts["mentions_unresolved"], counts
    return FrameTies(ties, unresolved, counts)


def _joined(values: pd.Series, separator: str = LIST_SEPARATOR) -> str | None:
    """Distinct non-empty values in order of first appearance, joined; ``None`` when there are none."""
    distinct = list(dict.fromkeys(str(value) for value in values if isinstance(value, str) and value))
    return separator.join(distinct) if distinct else None


def _origins(origins: pd.Series) -> str:
    """The distinct data origins behind a row, sorted and '|'-joined (each may itself be a joined list)."""
    return LIST_SEPARATOR.join(sorted({part for text in origins for part in str(text).split(LIST_SEPARATOR)}))


def _evidence(sources: pd.Series) -> str:
    present = set(sources)
    return EVIDENCE_SEPARATOR.join(source for source in SOURCES if source in present)


def _merge_resolved(resolved: pd.DataFrame, gazetteer: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """One row per (unit, gazetteer id): which sources evidence the tie and how."""
    if resolved.empty:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in PHASE2_FRAME_TIES_SCHEMA.columns})
    grouped = resolved.groupby(["unit_id", "partner_id"], sort=True)
    ties = grouped.agg(
        tie_evidence=("source", _evidence),
        is_synthetic=("is_synthetic", "all"),
        data_origin=("data_origin", _origins),
    ).reset_index()
    pairs = pd.MultiIndex.from_frame(ties[["unit_id", "partner_id"]])
    for source in SOURCES:
        evidence = resolved[resolved["source"] == source].groupby(["unit_id", "partner_id"])["evidence"].agg(_joined)
        ties[f"in_{source}"] = pairs.isin(evidence.index)
        # Public sources are '|'-joined lists themselves; the crawl keeps its first page, the survey its first entry.
        texts = [text.split(LIST_SEPARATOR) if isinstance(text, str) else [] for text in evidence.reindex(pairs)]
        kept = [_joined(parts) if source == "public" else (parts[0] if parts else None) for parts in texts]
        ties[EVIDENCE_COLUMN[source]] = pd.Series(kept, index=ties.index, dtype=object)
    names = gazetteer.set_index("partner_id")["name"]
    ties["partner_name"] = ties["partner_id"].map(names)
    unit_info = units.set_index("unit_id")
    ties["unit_type"] = ties["unit_id"].map(unit_info["unit_type"])
    ties["eu_name"] = ties["unit_id"].map(unit_info["name"])
    ties["eu_country_iso2"] = ties["unit_id"].map(unit_info["country_iso2"])
    return ties.loc[:, list(PHASE2_FRAME_TIES_SCHEMA.columns)].astype({"is_synthetic": bool})


def _merge_unresolved(unresolved: pd.DataFrame) -> pd.DataFrame:
    """One row per (unit, name key) that no source could place: the names are kept as written, never merged."""
    if unresolved.empty:
        # Typed as the schema says, so that an empty table (every name placed) is written like a full one.
        return pd.DataFrame(
            {name: pd.Series(dtype=column.dtype.type) for name, column in PHASE2_UNRESOLVED_SCHEMA.columns.items()}
        )
    keyed = unresolved.assign(
        partner_key=partner_keys(
            pd.Series(None, index=unresolved.index, dtype=object),
            unresolved["partner_name"].fillna(""),
            pd.Series("US", index=unresolved.index),
        )
    )
    merged = (
        keyed.groupby(["unit_id", "partner_key"], sort=True)
        .agg(
            partner_name=("partner_name", lambda names: _joined(names) or ""),
            partner_admin1=("partner_admin1", _joined),
            tie_evidence=("source", _evidence),
            reason=("reason", _joined),
            is_synthetic=("is_synthetic", "all"),
            data_origin=("data_origin", _origins),
        )
        .reset_index()
    )
    return merged.loc[:, list(PHASE2_UNRESOLVED_SCHEMA.columns)].astype({"is_synthetic": bool})


def phase2_frame(ties: pd.DataFrame, gazetteer: pd.DataFrame) -> pd.DataFrame:
    """The phase-2 sampling frame (:data:`PHASE2_FRAME_SCHEMA`): one row per US place of ``ties`` (:func:`frame_ties`).

    EU partners are listed by unit id and as ``Name (CC)``, in the same order; ``tie_evidence_by_partner``
    says which sources evidence each tie (``gn2928751:public+crawl|DE21:survey``). Largest places first.
    """
    if ties.empty:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in PHASE2_FRAME_SCHEMA.columns})
    ordered = ties.sort_values(["partner_id", "unit_id"])
    labels = ordered["eu_name"].fillna(ordered["unit_id"]) + " (" + ordered["eu_country_iso2"].fillna("?") + ")"
    grouped = ordered.assign(eu_label=labels, by_partner=ordered["unit_id"] + ":" + ordered["tie_evidence"]).groupby(
        "partner_id", sort=True
    )
    frame = grouped.agg(
        eu_partner_count=("unit_id", "nunique"),
        eu_partner_ids=("unit_id", LIST_SEPARATOR.join),
        eu_partner_names=("eu_label", LIST_SEPARATOR.join),
        tie_evidence_by_partner=("by_partner", LIST_SEPARATOR.join),
        **{f"ties_in_{source}": (f"in_{source}", "sum") for source in SOURCES},
        is_synthetic=("is_synthetic", "all"),
        data_origin=("data_origin", _origins),
    ).reset_index()
    places = gazetteer.set_index("partner_id")
    frame["partner_name"] = frame["partner_id"].map(places["name"])
    frame["admin1_name"] = frame["partner_id"].map(places["admin1_name"])
    frame["admin1_code"] = frame["partner_id"].map(places["admin1_code"])
    frame["partner_level"] = frame["partner_id"].map(places["level"])
    frame["population"] = frame["partner_id"].map(places["population"]).astype("Int64")
    frame = frame.astype(dict.fromkeys(("eu_partner_count", *_COUNT_COLUMNS), "int64"))
    frame = frame.sort_values(["population", "partner_id"], ascending=[False, True], na_position="last")
    return frame.reset_index(drop=True).loc[:, list(PHASE2_FRAME_SCHEMA.columns)].astype({"is_synthetic": bool})


def frame_counts(ties: FrameTies, frame: pd.DataFrame) -> pd.DataFrame:
    """Counts in and out as a small table (``step``, ``count``): mentions by source, resolved, unresolved, ties, places."""
    counts = ties.counts | {"places_out": len(frame)}
    return pd.DataFrame({"step": list(counts), "count": list(counts.values())})


def write_frame_tables(
    result: FrameTies,
    frame: pd.DataFrame,
    sources: list[str],
    withheld_ids: Mapping[str, consent.Withheld] | None = None,
) -> dict[str, pd.DataFrame]:
    """Write ``phase2_frame``, ``phase2_frame_ties`` and ``phase2_frame_unresolved`` through
    :func:`analysis.core.tables.write_table` (each schema checked before it reaches disk); return them by name.

    ``sources`` names the inputs (e.g. ``["relations", "crawl_ties", "survey_ties", "gazetteer"]``);
    ``withheld_ids`` the units of ``aggregate_only`` respondents, whose survey ties are written under their
    pseudonyms (:mod:`analysis.collect.consent`).
    """
    return {
        "phase2_frame": tables.write_table(frame, "phase2_frame", PHASE2_FRAME_SCHEMA, sources=sources),
        "phase2_frame_ties": consent.write_table(
            result.ties, "phase2_frame_ties", PHASE2_FRAME_TIES_SCHEMA, withheld_ids=withheld_ids or {}, sources=sources
        ),
        "phase2_frame_unresolved": tables.write_table(
            result.unresolved, "phase2_frame_unresolved", PHASE2_UNRESOLVED_SCHEMA, sources=sources
        ),
    }


# --------------------------------------------------------------------------- the contact roster

ROSTER_TEMPLATE_NAME = "contact_roster_template.csv"
CONTACTS_FOLDER = "survey_phase2/contacts"
ROSTER_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    # (column, kind, personal): filled from the frame, then by the team.
    ("partner_id", "text", False),
    ("partner_name", "text", False),
    ("state", "text", False),
    ("eu_partners", "text", False),
    ("office", "text", False),
    ("contact_name", "text", True),
    ("contact_email", "text", True),
    ("contact_phone", "text", True),
    ("contact_source", "text", False),
    ("date_checked", "date", False),
)
ROSTER_LAYOUT = ExportLayout(
    "contact_roster", tuple(ColumnSpec(name, kind, personal=personal) for name, kind, personal in ROSTER_COLUMNS)
)
PERSONAL_ROSTER_COLUMNS: tuple[str, ...] = tuple(ROSTER_LAYOUT.personal)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9+().\-\s/x]{6,}$")


def phase2_build_dir() -> Path:
    """Folder of the phase-2 outputs that are not tables: ``<build>/phase2`` (the roster template)."""
    return paths.build_dir() / "phase2"


def contacts_dir() -> Path:
    """Where the filled contact roster is kept: ``data/raw/survey_phase2/contacts`` (personal data, never elsewhere)."""
    return paths.raw_dir() / CONTACTS_FOLDER


def contact_roster_template(frame: pd.DataFrame) -> pd.DataFrame:
    """The roster to fill: one row per US place of ``frame`` (:func:`phase2_frame`), contact columns empty."""
    template = pd.DataFrame(
        {
            "partner_id": frame["partner_id"],
            "partner_name": frame["partner_name"],
            "state": frame["admin1_name"],
            "eu_partners": frame["eu_partner_names"].str.replace(LIST_SEPARATOR, "; ", regex=False),
        }
    )
    for name, _, _ in ROSTER_COLUMNS[4:]:
        template[name] = ""
    return template.loc[:, [name for name, _, _ in ROSTER_COLUMNS]]


def write_contact_roster_template(frame: pd.DataFrame, target: Path | None = None) -> Path:
    """Write :func:`contact_roster_template` as UTF-8 CSV with BOM (spreadsheets open it as such); return the path.

    Default target: ``<build>/phase2/contact_roster_template.csv``.
    """
    target = target or phase2_build_dir() / ROSTER_TEMPLATE_NAME
    written = staging.target(target)  # renamed into place when the notebook succeeds
    contact_roster_template(frame).to_csv(written, index=False, encoding="utf-8-sig")
    note_write(written)
    return target


class ContactRoster(NamedTuple):
    """A filled roster: ``contacts`` (non-personal columns and ``source_row``), ``personal`` (same index, kept
    apart, never printed), ``problems`` (one message per fault: file, line, column; no personal value) and
    ``row_counts`` (``rows_in``, ``rows_valid``, ``rows_with_problems``)."""

    contacts: pd.DataFrame
    personal: pd.DataFrame
    problems: list[str]
    row_counts: dict[str, int]


class ContactRosterError(ValueError):
    """The roster cannot be read at all (format, encoding, missing columns); the message names the file."""


def read_contact_roster(path: str | Path, frame: pd.DataFrame) -> ContactRoster:
    """Read a filled contact roster (CSV in any encoding the importers detect, or XLSX) and check it against ``frame``.

    Problems: a cell the importer refuses (a ``date_checked`` that is not a date), an empty or unknown
    ``partner_id`` (not a US place of the frame), a place listed twice, an e-mail or phone that does not
    look like one. Each names the file, line and column; a personal cell is described, never shown.
    """
    path = Path(path)
    note_read(path)
    try:
        raw = read_export(path, ROSTER_LAYOUT)
    except ExportRefused as error:
        raise ContactRosterError(str(error)) from None
    problems = [(p.index, p.reason) for p in raw.problems] + _roster_problems(raw, set(frame["partner_id"]))
    faulty = {index for index, _ in problems}
    messages = [message for _, message in sorted(problems, key=lambda problem: problem[0])]
    counts = {"rows_in": raw.rows_in, "rows_valid": raw.rows_in - len(faulty), "rows_with_problems": len(faulty)}
    return ContactRoster(raw.frame.assign(source_row=raw.source_rows), raw.personal, messages, counts)


def _roster_problems(raw, known: set[str]) -> list[tuple[int, str]]:
    """Empty, unknown and repeated place ids, and malformed e-mails and phones (described, never shown)."""
    where, ids = raw.locations, raw.frame["partner_id"]
    problems: list[tuple[int, str]] = []
    first_line: dict[str, int] = {}
    for index in ids.index.difference(sorted(raw.unreadable)):
        value = ids[index]
        if value is None:
            problems.append((index, f"{where[index]}, column partner_id: empty; copy the id from the template"))
        elif value not in known:
            problems.append(
                (index, f"{where[index]}, column partner_id: {value!r} is not a US place of the phase-2 frame")
            )
        elif value in first_line:
            problems.append(
                (
                    index,
                    f"{where[index]}, column partner_id: {value!r} is listed again (first on line {first_line[value]})",
                )
            )
        else:
            first_line[value] = int(raw.source_rows[index])
    for column, pattern, what in (
        ("contact_email", _EMAIL, "an e-mail address"),
        ("contact_phone", _PHONE, "a phone number"),
    ):
        for index, value in raw.personal[column].items():
            if isinstance(value, str) and value.strip() and not pattern.match(value.strip()):
                problems.append(
                    (index, f"{where[index]}, column {column}: does not look like {what} (value not shown)")
                )
    return problems
