"""The phase-2 survey of US places and the partnership seen from both ends.

:func:`load_phase2_export` reads a phase-2 export (any format of :mod:`analysis.collect.importers`,
codebook ``us_phase2``), keeps the respondent's personal fields apart (they only key the pseudonym),
and returns one row per responding US place and one row per EU partner listed in its roster; rows
that break the format, places outside the phase-2 frame and earlier duplicate answers go to a
quarantine with a reason naming file, line and column.

:func:`resolve_eu_partners` places the EU partners the US respondents wrote ("Munich", "München,
Germany", "Bavaria") with the one resolver: the frame's city name index first, then the NUTS2
region index (:mod:`analysis.build.resolve`); a name neither places keeps its status and is never
matched by guess.

:func:`both_ends` joins, for every EU-US pair known from phase 1 (public records, crawl, phase-1
survey) or from phase 2, whether each end reports it, and where both answered, whether they agree on
the items the two instruments share (same ``shared_id`` in the codebooks): the year established
(within :data:`YEAR_TOLERANCE`), whether the tie is active (activity of :data:`ACTIVE_FROM_LEVEL` or
more on the shared 1-5 scale), the kind of tie and the areas of cooperation (Jaccard similarity of the
EU unit's areas with US partners and the US place's areas with EU partners).
:func:`both_ends_summary` gives the tidy summary the phase-2 chapter shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.build import resolve
from analysis.collect import codebook
from analysis.collect.codebook_outputs import export_schema
from analysis.collect.importers import RawExport, read_export
from analysis.collect.importers.dropin import DropInError, choose_drop_in
from analysis.collect.survey import SALT_FILE_NAME, SurveyExportError, pseudonymous_key
from analysis.core import fields, paths, tables
from analysis.core.tracking import note_folder, note_read

BOOK = codebook.load_codebook("us_phase2")
EU_BOOK = codebook.load_codebook("eu_phase1")
_ROSTER = BOOK.item("eu_partners")
MAX_EU_PARTNERS = _ROSTER.rows
# Roster fields of the export -> the tidy column of the tie tables (the phase-1 survey_ties use the same names).
ROSTER_FIELDS: dict[str, str] = {
    "name": "eu_name_as_written",
    "country": "eu_country_iso2",
    "year_established": "year_established",
    "type": "tie_type",
    "active": "activity_level",
    "run_by": "run_by",
}
YEAR_TOLERANCE = 1
ACTIVE_FROM_LEVEL = 2  # 1 is "Inactive" on the shared activity scale; 2 "Rarely active" and above count as active


def shared_item(book: codebook.Codebook, shared_id: str, country: str | None = None) -> codebook.Item:
    """The item (or roster field) of ``book`` with ``shared_id``; ``country`` picks the loop (``us``) in phase 1."""
    for item in book.items:
        for part in (item, *item.fields):
            if part.shared_id == shared_id and (country is None or item.loop.get("country") == country):
                return part
    raise KeyError(f"{book.path.name}: no item with shared_id {shared_id!r}")


# The items compared between the ends, found by shared id (a codebook change that breaks one fails at import).
AREAS_EU_SIDE = shared_item(EU_BOOK, "areas", "us").id  # us_areas
AREAS_US_SIDE = shared_item(BOOK, "areas").id  # eu_areas
SHARED_TIE_ITEMS: tuple[str, ...] = tuple(
    shared_id
    for shared_id in ("year_established", "activity_level", "tie_type")
    if shared_item(EU_BOOK, shared_id, "us") and shared_item(BOOK, shared_id)
)

_UNIT_COLUMNS = [
    c for c in BOOK.export_columns(personal=False) if not BOOK.column_item(c).id.startswith("eu_partners.")
]
PHASE2_RESPONSES_SCHEMA = export_schema(
    BOOK,
    personal=False,
    rosters=False,
    unique=["partner_id"],
    strict=True,
    description="Phase-2 survey of US places on their EU partners: one row per responding place, without personal data.",
).add_columns(
    {
        name: fields.column(name)
        for name in ("respondent_key", "eu_partners_reported", "source_row", "is_synthetic", "data_origin")
    }
)
PHASE2_TIES_SCHEMA = fields.schema(
    "phase2_tie_id partner_id roster_position eu_name_as_written eu_country_iso2 year_established tie_type",
    "activity_level run_by unit_id eu_match_status source_row is_synthetic data_origin",
    checks={
        "roster_position": pa.Check.le(MAX_EU_PARTNERS),
        "tie_type": pa.Check.isin(BOOK.item("eu_partners.type").code_values),
    },
    nullable=["eu_country_iso2", "tie_type", "unit_id"],
    unique=["phase2_tie_id"],
    strict=True,
    description="EU partners listed by the US places answering the phase-2 survey, placed in the frame where the resolver can.",
)
BOTH_ENDS_SCHEMA = fields.schema(
    "unit_id partner_id in_public in_crawl in_phase1_survey in_phase2_survey eu_responded us_responded both_ends",
    "year_established_eu year_established_us year_difference year_agrees active_eu active_us active_agrees",
    "tie_type_eu tie_type_us tie_type_agrees areas_jaccard is_synthetic",
    unique_together=["unit_id", "partner_id"],
    strict=True,
    description="Every EU-US pair of phase 1 or phase 2: which ends report it and, where both answer, whether they agree.",
)


class Phase2Export(NamedTuple):
    """What :func:`load_phase2_export` returns: ``responses``, ``partner_ties`` (no personal data), the
    ``quarantine`` (with ``reason``) and ``row_counts`` (rows in = responses + quarantined)."""

    responses: pd.DataFrame
    partner_ties: pd.DataFrame
    quarantine: pd.DataFrame
    row_counts: dict[str, int]


def roster_column(position: int, field: str) -> str:
    """Export column of one roster cell: ``roster_column(2, "year_established") == "eu_partner_2_year_established"``."""
    return BOOK.item(f"eu_partners.{field}").export_columns[position - 1]


def find_phase2_export(explicit: str | None = None) -> Path | None:
    """The team's phase-2 export: ``explicit`` (relative to the project root), else the newest export in
    ``data/raw/survey_phase2`` (drop-in rules of the phase-1 survey; the salt file and the ``contacts``
    folder are not exports), else ``None`` (not delivered yet)."""
    if explicit:
        return paths.ROOT / explicit
    folder = paths.raw_source_dir(paths.PHASE2_DROP_IN)
    note_folder(folder)
    try:
        return choose_drop_in(folder, ignore=(SALT_FILE_NAME,))
    except DropInError as error:
        raise SurveyExportError(str(error)) from None


def load_phase2_export(
    path: str | Path, *, salt: str, frame_ids: set[str] | None = None, data_origin: str | None = None
) -> Phase2Export:
    """Read and validate the phase-2 export at ``path``; ``frame_ids`` (the phase-2 frame's ``partner_id``)
    sends answers from places outside the frame to the quarantine. See :func:`parse_phase2_export`."""
    path = Path(path)
    note_read(path)
    raw = read_export(path, BOOK)
    return parse_phase2_export(raw, salt=salt, frame_ids=frame_ids, data_origin=data_origin or path.name)


def parse_phase2_export(
    raw: RawExport, *, salt: str, frame_ids: set[str] | None = None, data_origin: str
) -> Phase2Export:
    """Validate an export read by :func:`~analysis.collect.importers.read_export` with the ``us_phase2`` codebook.

    Response rows with an importer problem outside the roster, a schema breach, a place outside the
    frame, or a later answer of the same place are set aside; a roster entry with a problem is set
    aside alone. Personal fields are used only for ``respondent_key``.
    """
    roster_cells = {roster_column(k, field) for field in ROSTER_FIELDS for k in range(1, MAX_EU_PARTNERS + 1)}
    where = raw.locations
    readable = raw.frame.index.difference(sorted(raw.unreadable))
    units = _typed(raw.frame.loc[readable, _UNIT_COLUMNS])
    problems = [(p.index, p.reason) for p in raw.problems if p.column not in roster_cells]
    checked = units.drop(index=[index for index, _ in problems], errors="ignore")
    problems += tables.row_problems(
        checked, export_schema(BOOK, personal=False, rosters=False), raw.source, locations=where
    )
    if frame_ids is not None:
        for index in units.index[~units["partner_id"].isin(frame_ids)]:
            problems.append(
                (
                    index,
                    f"{where[index]}, column partner_id: {units.at[index, 'partner_id']!r} is not a US place of the phase-2 frame",
                )
            )
    valid = units.drop(index=list(tables.reasons_by_row(problems)), errors="ignore")
    order = valid.sort_values(["partner_id", "responded"], kind="stable")
    for index in order.index[order.duplicated("partner_id", keep="last")]:
        problems.append(
            (
                index,
                f"{where[index]}, column partner_id: {units.at[index, 'partner_id']!r} answered again later; the later response is kept",
            )
        )
    bad = tables.reasons_by_row(problems)
    kept = units.drop(index=list(bad), errors="ignore")
    ties, roster_quarantine = _roster(raw, kept, data_origin)
    responses = _responses(kept, raw, ties, salt, data_origin)
    order_bad = sorted(bad)
    dropped = pd.DataFrame(
        {
            "partner_id": raw.frame.loc[order_bad, "partner_id"].to_numpy(),
            "record": "response",
            "source_row": raw.source_rows.loc[order_bad].to_numpy(),
            "reason": [bad[index] for index in order_bad],
        }
    )
    counts = {
        "rows_in": raw.rows_in,
        "responses": len(responses),
        "rows_quarantined": len(dropped),
        "roster_entries": len(ties) + len(roster_quarantine),
        "ties": len(ties),
        "roster_entries_quarantined": len(roster_quarantine),
    }
    assert counts["rows_in"] == counts["responses"] + counts["rows_quarantined"], counts
    quarantine = pd.concat([dropped, roster_quarantine], ignore_index=True)
    return Phase2Export(responses, ties, quarantine, counts)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Unit columns with the codebook's types: dates, whole numbers (likert), numbers; missing-code text -> empty."""
    typed = frame.copy()
    for column in typed.columns:
        kind = BOOK.column_item(column).type
        if kind in ("likert", "year", "numeric"):
            numbers = pd.to_numeric(typed[column].replace("dont_know", None), errors="coerce")
            typed[column] = numbers.astype("Int64") if kind != "numeric" else numbers.astype(float)
        elif kind == "date":
            typed[column] = pd.to_datetime(typed[column], format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")
    return typed


def _roster(raw: RawExport, units: pd.DataFrame, data_origin: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per filled roster entry of the kept ``units``; entries with a problem go to the quarantine."""
    reasons: dict[tuple[int, str], str] = {(p.index, p.column): p.reason for p in raw.problems if p.column}
    entries, quarantined = [], []
    for index in units.index:
        said_yes = raw.frame.at[index, "has_eu_partner"] == "yes"
        for position in range(1, MAX_EU_PARTNERS + 1):
            cells = {field: raw.frame.at[index, roster_column(position, field)] for field in ROSTER_FIELDS}
            problems = [
                reasons[(index, roster_column(position, f))]
                for f in ROSTER_FIELDS
                if (index, roster_column(position, f)) in reasons
            ]
            if not any(value is not None for value in cells.values()) and not problems:
                continue
            place = f"{raw.locations[index]}, column {roster_column(position, 'name')}"
            if cells["name"] is None:
                problems.append(f"{place}: partner name is empty but other roster fields are filled")
            if not said_yes:
                problems.append(f"{place}: roster filled although has_eu_partner is not 'yes'")
            row = {
                "partner_id": units.at[index, "partner_id"],
                "roster_position": position,
                "source_row": int(raw.source_rows[index]),
            }
            if problems:
                quarantined.append(row | {"record": "roster_entry", "reason": "; ".join(problems)})
            else:
                entries.append(row | {ROSTER_FIELDS[field]: value for field, value in cells.items()})
    ties = pd.DataFrame(entries, columns=["partner_id", "roster_position", "source_row", *ROSTER_FIELDS.values()])
    ties["phase2_tie_id"] = ties["partner_id"] + ":eu:" + ties["roster_position"].astype(str)
    for column in ("year_established", "activity_level"):
        ties[column] = pd.to_numeric(ties[column], errors="coerce").astype("Int64")
    ties = ties.astype({"roster_position": "int64", "source_row": "int64"}).assign(
        unit_id=None,
        eu_match_status="not_found",
        is_synthetic=data_origin.startswith("synthetic"),
        data_origin=data_origin,
    )
    quarantine = pd.DataFrame(quarantined, columns=["partner_id", "roster_position", "source_row", "record", "reason"])
    return _strings(ties.loc[:, list(PHASE2_TIES_SCHEMA.columns)]), quarantine.drop(columns="roster_position")


def _responses(units: pd.DataFrame, raw: RawExport, ties: pd.DataFrame, salt: str, data_origin: str) -> pd.DataFrame:
    personal = raw.personal.loc[units.index]
    keys = [
        pseudonymous_key(email, name, place, salt)
        for email, name, place in zip(
            personal["respondent_email"], personal["respondent_name"], units["partner_id"], strict=True
        )
    ]
    reported = ties.groupby("partner_id").size()
    responses = units.assign(
        respondent_key=keys,
        eu_partners_reported=units["partner_id"].map(reported).fillna(0).astype("int64"),
        source_row=raw.source_rows.loc[units.index].astype("int64"),
        is_synthetic=data_origin.startswith("synthetic"),
        data_origin=data_origin,
    )
    responses = responses.sort_values("partner_id").reset_index(drop=True)
    return _strings(responses.loc[:, list(PHASE2_RESPONSES_SCHEMA.columns)])


def _strings(table: pd.DataFrame) -> pd.DataFrame:
    """Text columns as pandas strings (as the other tables are written), empty cells missing."""
    text = [column for column in table.columns if fields.field(column).type == "string"]
    return table.astype(dict.fromkeys(text, "str"))


# --------------------------------------------------------------------------- the EU end of phase-2 ties


def resolve_eu_partners(
    ties: pd.DataFrame, cities: pd.DataFrame, regions: pd.DataFrame, known: pd.DataFrame | None = None
) -> pd.DataFrame:
    """``ties`` (:data:`PHASE2_TIES_SCHEMA`) with ``unit_id`` and ``eu_match_status`` from the one resolver.

    Each name is looked up in its country among the frame's cities (name, ASCII name, alternate
    names and exonyms) and, when no city has it, among the NUTS2 regions. ``eu_match_status`` is
    ``city``, ``region``, or the resolver's status for the cities (``not_found``, ``ambiguous``, ...).
    ``known`` (phase-1 ties: ``unit_id, partner_id``) is the evidence of phase 1, used as rule 7 of
    the resolver uses siblings: a name that is both a city and a region ("Bremen", "Lüneburg") is the
    city unless phase 1 records the region, and not the city, as a partner of the US place; a name
    without a country is looked up in the countries of the place's phase-1 partners and placed only
    when it names exactly one of those partners (``known_partner``), else it stays ``no_country``.
    """
    ties = ties.copy()
    ties["unit_id"] = None
    ties["eu_match_status"] = "no_country"
    has_country = ties["eu_country_iso2"].notna()
    if has_country.any():
        unit, status = _placed(ties[has_country], ties.loc[has_country, "eu_country_iso2"], cities, regions, known)
        ties.loc[has_country, "unit_id"] = unit.to_numpy()
        ties.loc[has_country, "eu_match_status"] = status.to_numpy()
    if known is not None and (~has_country).any():
        unit = _known_partner(ties[~has_country], cities, regions, known)
        ties.loc[unit.index, "unit_id"] = unit.to_numpy()
        ties.loc[unit.index, "eu_match_status"] = "known_partner"
    return ties


def _placed(
    ties: pd.DataFrame, countries: pd.Series, cities: pd.DataFrame, regions: pd.DataFrame, known: pd.DataFrame | None
) -> tuple[pd.Series, pd.Series]:
    """(unit id or None, status) of each named partner in the given countries: a frame city, else a NUTS2 region."""
    queries = pd.DataFrame(
        {
            "country_iso2": countries.astype("string").to_numpy(),
            "name": ties["eu_name_as_written"].astype("string").to_numpy(),
            "latitude": np.nan,
            "longitude": np.nan,
            "hint": pd.Series(pd.NA, index=range(len(ties)), dtype="string"),
        },
        index=ties.index,
    )
    city = resolve.resolve_place_table(queries, resolve.frame_name_index(cities))
    region = resolve.resolve_place_table(queries, resolve.region_name_index(regions))
    city_ok, region_ok = city["status"].eq("resolved"), region["status"].eq("resolved")
    prefer_region = city_ok & region_ok & _known_instead(ties, city, region, known)
    is_region = region_ok & (city["status"].eq("not_found") | prefer_region)
    is_city = city_ok & ~is_region
    unit = city["entity_id"].where(is_city, region["entity_id"].where(is_region))
    status = pd.Series(
        np.select([is_city, is_region], ["city", "region"], default=city["status"].astype(str)), index=ties.index
    )
    return unit.astype(object).where(unit.notna(), None), status


def _known_partner(ties: pd.DataFrame, cities: pd.DataFrame, regions: pd.DataFrame, known: pd.DataFrame) -> pd.Series:
    """Unit ids of the country-less names that name exactly one phase-1 partner of their US place."""
    country_of = pd.concat(
        [
            cities.set_index("city_id")["country_iso2"],
            regions.drop_duplicates("nuts2_code").set_index("nuts2_code")["country_iso2"],
        ]
    )
    partners = known.assign(country_iso2=known["unit_id"].map(country_of)).dropna(subset=["country_iso2"])
    tried = ties.reset_index(names="row").merge(
        partners[["partner_id", "country_iso2"]].drop_duplicates(), on="partner_id"
    )
    if tried.empty:
        return pd.Series(dtype=object)
    unit, _ = _placed(tried, tried["country_iso2"], cities, regions, known)
    tried["found"] = unit.to_numpy()
    pairs = set(zip(known["unit_id"], known["partner_id"], strict=True))
    hits = tried[[(u, p) in pairs for u, p in zip(tried["found"], tried["partner_id"], strict=True)]]
    single = hits.groupby("row")["found"].nunique().eq(1)
    chosen = hits[hits["row"].isin(single.index[single])].drop_duplicates("row").set_index("row")["found"]
    return chosen.astype(object)


def _known_instead(
    ties: pd.DataFrame, city: pd.DataFrame, region: pd.DataFrame, known: pd.DataFrame | None
) -> pd.Series:
    """Rows whose region, not their city, is a phase-1 partner of the US place."""
    if known is None or known.empty:
        return pd.Series(False, index=ties.index)
    pairs = set(zip(known["unit_id"], known["partner_id"], strict=True))
    region_known = [(unit, place) in pairs for unit, place in zip(region["entity_id"], ties["partner_id"], strict=True)]
    city_known = [(unit, place) in pairs for unit, place in zip(city["entity_id"], ties["partner_id"], strict=True)]
    return pd.Series(np.array(region_known) & ~np.array(city_known), index=ties.index)


# --------------------------------------------------------------------------- both ends


def both_ends(
    frame_ties: pd.DataFrame,
    eu_responses: pd.DataFrame,
    eu_ties: pd.DataFrame,
    us_responses: pd.DataFrame,
    us_ties: pd.DataFrame,
) -> pd.DataFrame:
    """One row per EU-US pair (:data:`BOTH_ENDS_SCHEMA`): who reports it and, where both answered, whether they agree.

    ``frame_ties``: :func:`analysis.collect.phase2.frame_ties` (public, crawl and phase-1 survey evidence);
    ``eu_responses`` / ``eu_ties``: the phase-1 ``survey_responses`` and ``survey_ties`` (US partners with a
    ``partner_id``); ``us_responses`` / ``us_ties``: :func:`load_phase2_export` with the EU end placed by
    :func:`resolve_eu_partners`. Pairs whose EU or US end is unplaced cannot be joined and are left out.
    ``both_ends`` is set only where both ends answered their survey.
    """
    eu = _reported(eu_ties[eu_ties["partner_country_iso2"].eq("US")].dropna(subset=["partner_id"]))
    us = _reported(us_ties.dropna(subset=["unit_id"]))
    keys = ["unit_id", "partner_id"]
    known = frame_ties[[*keys, "in_public", "in_crawl", "is_synthetic"]]
    pairs = known.merge(eu.rename(columns=lambda c: c if c in keys else f"{c}_eu"), on=keys, how="outer")
    pairs = pairs.merge(us.rename(columns=lambda c: c if c in keys else f"{c}_us"), on=keys, how="outer")
    pairs["in_public"] = pairs["in_public"].fillna(False).astype(bool)
    pairs["in_crawl"] = pairs["in_crawl"].fillna(False).astype(bool)
    pairs["in_phase1_survey"] = pairs["reported_eu"].fillna(False).astype(bool)
    pairs["in_phase2_survey"] = pairs["reported_us"].fillna(False).astype(bool)
    pairs["eu_responded"] = pairs["unit_id"].isin(set(eu_responses["unit_id"]))
    pairs["us_responded"] = pairs["partner_id"].isin(set(us_responses["partner_id"]))
    both = pairs["eu_responded"] & pairs["us_responded"]
    verdict = np.select(
        [pairs["in_phase1_survey"] & pairs["in_phase2_survey"], pairs["in_phase1_survey"], pairs["in_phase2_survey"]],
        ["both", "eu_only", "us_only"],
        default="neither",
    )
    pairs["both_ends"] = pd.Series(verdict, index=pairs.index, dtype=object).where(both, None)
    pairs = pairs.join(_agreement(pairs))
    pairs["areas_jaccard"] = _areas_jaccard(pairs, eu_responses, us_responses)
    synthetic = pd.concat([pairs["is_synthetic"], pairs["is_synthetic_eu"], pairs["is_synthetic_us"]], axis=1).astype(
        "boolean"
    )
    pairs["is_synthetic"] = synthetic.any(axis=1).fillna(False).astype(bool)
    pairs = pairs.sort_values(keys).reset_index(drop=True)
    return pairs.loc[:, list(BOTH_ENDS_SCHEMA.columns)]


def _reported(ties: pd.DataFrame) -> pd.DataFrame:
    """One row per (unit, place) a survey's roster lists: its first year, activity and kind of tie."""
    columns = ["unit_id", "partner_id", "year_established", "activity_level", "tie_type", "is_synthetic"]
    first = ties.loc[:, columns].groupby(["unit_id", "partner_id"], as_index=False).first()
    renamed = {"year_established": "year", "activity_level": "activity", "tie_type": "kind"}
    return first.rename(columns=renamed).assign(reported=True)


def _agreement(pairs: pd.DataFrame) -> pd.DataFrame:
    """Year, active and kind of tie as each end gives them, and whether they agree (empty unless both give one)."""
    year_eu, year_us = pairs["year_eu"].astype("Int64"), pairs["year_us"].astype("Int64")
    difference = year_us - year_eu
    active_eu = pairs["activity_eu"].astype("Int64").ge(ACTIVE_FROM_LEVEL)
    active_us = pairs["activity_us"].astype("Int64").ge(ACTIVE_FROM_LEVEL)
    type_eu = pairs["kind_eu"].astype(object).where(pairs["kind_eu"].notna(), None)
    type_us = pairs["kind_us"].astype(object).where(pairs["kind_us"].notna(), None)
    type_agrees = pd.Series(
        [a == b if a is not None and b is not None else pd.NA for a, b in zip(type_eu, type_us, strict=True)],
        index=pairs.index,
        dtype="boolean",
    )
    return pd.DataFrame(
        {
            "year_established_eu": year_eu,
            "year_established_us": year_us,
            "year_difference": difference,
            "year_agrees": difference.abs().le(YEAR_TOLERANCE).astype("boolean"),
            "active_eu": active_eu.astype("boolean"),
            "active_us": active_us.astype("boolean"),
            "active_agrees": (active_eu == active_us).astype("boolean"),
            "tie_type_eu": type_eu,
            "tie_type_us": type_us,
            "tie_type_agrees": type_agrees,
        },
        index=pairs.index,
    )


def jaccard(first: str | None, second: str | None) -> float:
    """Jaccard similarity of two multi-select answers (codes joined by ';'); NaN unless both answered."""
    if not isinstance(first, str) or not isinstance(second, str):
        return float("nan")
    a = set(first.split(codebook.MULTI_SELECT_SEPARATOR))
    b = set(second.split(codebook.MULTI_SELECT_SEPARATOR))
    return len(a & b) / len(a | b) if a | b else float("nan")


def _areas_jaccard(pairs: pd.DataFrame, eu_responses: pd.DataFrame, us_responses: pd.DataFrame) -> pd.Series:
    eu_areas = pairs["unit_id"].map(eu_responses.set_index("unit_id")[AREAS_EU_SIDE])
    us_areas = pairs["partner_id"].map(us_responses.set_index("partner_id")[AREAS_US_SIDE])
    both = pairs["both_ends"].eq("both").fillna(False)
    values = [jaccard(a, b) if ok else float("nan") for a, b, ok in zip(eu_areas, us_areas, both, strict=True)]
    return pd.Series(values, index=pairs.index, dtype=float)


def both_ends_summary(pairs: pd.DataFrame) -> pd.DataFrame:
    """Tidy summary of :func:`both_ends`: ``measure``, ``base`` (pairs it is computed over), ``count``, ``value``.

    Pairs in all and with both ends answering; of those, both report / only the EU end / only the US end /
    neither (value = share of the base); agreement on year (within :data:`YEAR_TOLERANCE`), active and kind
    of tie among the pairs both ends report and rate (value = share agreeing); the mean Jaccard
    similarity of the areas (count = pairs with both answers).
    """
    answered = pairs[pairs["both_ends"].notna()]
    reported = answered[answered["both_ends"].eq("both")]
    rows = [("pairs", len(pairs), len(pairs)), ("both_ends_answered", len(pairs), len(answered))]
    rows += [
        (f"reported_{kind}", len(answered), int(answered["both_ends"].eq(kind).sum()))
        for kind in ("both", "eu_only", "us_only", "neither")
    ]
    for column in ("year_agrees", "active_agrees", "tie_type_agrees"):
        rated = reported[column].dropna()
        rows.append((column, len(rated), int(rated.astype(bool).sum())))
    summary = pd.DataFrame(rows, columns=["measure", "base", "count"])
    summary["value"] = summary["count"] / summary["base"].where(summary["base"] > 0)
    areas = reported["areas_jaccard"].dropna()
    jaccard_row = {
        "measure": "areas_mean_jaccard",
        "base": len(areas),
        "count": len(areas),
        "value": areas.mean() if len(areas) else float("nan"),
    }
    return pd.concat([summary, pd.DataFrame([jaccard_row])], ignore_index=True)
