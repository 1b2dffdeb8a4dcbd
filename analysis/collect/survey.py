"""The survey of EU cities and regions (phase 1): its export format and loader.

The questionnaire (CAWI, run outside the compendium) is exported as one row per responding
unit, in any format of :mod:`analysis.collect.importers` (CSV variants, XLSX, SPSS, LimeSurvey,
Qualtrics); ``docs/data-formats.md`` documents every column. Shared items (areas of
cooperation, benefits, obstacles, importance, coordination) are asked for US and for
Chinese partners with the same wording as the team's 2020-21 China survey, so the two can
be compared within a city (domain-methods sections 1.3 and 4.2).

:func:`load_survey_export` validates the file, keeps the respondent's personal fields
(name, e-mail, phone, job title) apart from the first read and uses them only for a pseudonymous ``respondent_key`` (salted
SHA-256), and reshapes the partner roster (``us_partner_1_name`` ... ``cn_partner_5_active``)
to one row per reported tie. Rows that break the format go to a quarantine with a reason
naming file, line and column; rows in equal rows out plus rows quarantined.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.collect import codebook
from analysis.collect.importers import ExportRefused, RawExport, read_export
from analysis.collect.importers.dropin import DropInError, choose_drop_in
from analysis.core import fields, paths, tables
from analysis.core.names import normalise_name
from analysis.core.tracking import note_folder, note_read

# The layout comes from the codebook (analysis/reference/codebooks/eu_phase1.yaml); these names are lookups in it.
CODEBOOK = codebook.load_codebook("eu_phase1")


def _codes(item_id: str, *, with_missing: bool = False) -> tuple[str, ...]:
    """The export codes of a codebook item (with its missing codes' export text when ``with_missing``)."""
    item = CODEBOOK.item(item_id)
    missing = [CODEBOOK.missing[name].export for name in item.missing if CODEBOOK.missing[name].export]
    return (*item.code_values, *(missing if with_missing else ()))


_ROSTER = CODEBOOK.item("us_partners")
MAX_PARTNERS_PER_COUNTRY = _ROSTER.rows
PARTNER_COUNTRIES: dict[str, str] = {value: spec["country_iso2"] for value, spec in CODEBOOK.loops["country"].items()}
# The roster's second field is the partner's first-level division: a US state or a Chinese province.
ADMIN1_FIELD: dict[str, str] = {value: spec["admin1"] for value, spec in CODEBOOK.loops["country"].items()}
ROSTER_FIELDS: tuple[str, ...] = tuple(field.template_id for field in _ROSTER.fields)

UNIT_TYPES: tuple[str, ...] = _codes("unit_type")
YES_NO_DONT_KNOW: tuple[str, ...] = _codes("has_international_office", with_missing=True)
TIE_TYPES: tuple[str, ...] = _codes("us_partners.type")
CONSENT_OPTIONS: tuple[str, ...] = _codes("consent")
QUESTIONNAIRE_LANGUAGES: tuple[str, ...] = _codes("questionnaire_language")

# Multi-select options, worded as in the 2020-21 China survey and the item bank (domain-methods 4.2 C, E, F).
AREAS: tuple[str, ...] = _codes("us_areas")
BENEFITS: tuple[str, ...] = _codes("us_benefits")
OBSTACLES: tuple[str, ...] = _codes("us_obstacles")
MULTI_SELECT_ITEMS: dict[str, tuple[str, ...]] = {"areas": AREAS, "benefits": BENEFITS, "obstacles": OBSTACLES}
MULTI_SELECT_SEPARATOR = codebook.MULTI_SELECT_SEPARATOR
# 1 = not important ... 5 = crucial (the Kaminski item); 1 = no coordination ... 5 = very close coordination.
SCALE_ITEMS: tuple[str, ...] = tuple(
    item.id.removeprefix("us_") for item in CODEBOOK.items if item.section == "partners_us" and item.type == "likert"
)

PERSONAL_FIELDS: tuple[str, ...] = tuple(item.id for item in CODEBOOK.items if item.personal)
# Beside the export in data/raw/survey: the secret that keys the respondent hash (never committed).
SALT_FILE_NAME = "pseudonym_salt.txt"
MIN_SALT_LENGTH = 16


def find_survey_export(explicit: str | None = None) -> Path | None:
    """The survey export to load: ``explicit`` (relative to the project root), else the newest export
    in ``data/raw/survey`` by the rules of :func:`~analysis.collect.importers.dropin.choose_drop_in`
    (every file looked at; highest declared ``_v<N>``, else latest modification), else ``None``.

    Raises :class:`SurveyExportError` naming an unsupported file or two equally new exports.
    """
    if explicit:
        return paths.ROOT / explicit
    folder = paths.raw_source_dir("survey")
    note_folder(folder)
    try:
        return choose_drop_in(folder, ignore=(SALT_FILE_NAME,))
    except DropInError as error:
        raise SurveyExportError(str(error)) from None


def read_salt(export: Path) -> str:
    """The pseudonymisation salt kept in ``pseudonym_salt.txt`` beside ``export``; raises naming the file when absent."""
    salt_file = export.parent / SALT_FILE_NAME
    if not salt_file.is_file():
        raise FileNotFoundError(
            f"{salt_file}: the survey export needs its pseudonymisation salt here (one line of random text, kept out of git)"
        )
    note_read(salt_file)
    salt = salt_file.read_text(encoding="utf-8").strip()
    if len(salt) < MIN_SALT_LENGTH:
        raise ValueError(
            f"{salt_file}: the salt has {len(salt)} characters; write at least {MIN_SALT_LENGTH} random ones "
            "(a short salt lets anyone with a list of officials' addresses recompute the keys)"
        )
    return salt


def roster_column(country: str, position: int, field: str) -> str:
    """Export column of one roster cell, e.g. ``roster_column("us", 1, "admin1") == "us_partner_1_state"``."""
    suffix = ADMIN1_FIELD[country] if field == "admin1" else field
    return f"{country}_partner_{position}_{suffix}"


def export_columns() -> list[str]:
    """Every column of the survey export, in the codebook's order (see ``docs/data-formats.md``)."""
    return CODEBOOK.export_columns()


# --------------------------------------------------------------------------- schemas


def _multi_select_check(options: tuple[str, ...]) -> pa.Check:
    allowed = set(options)
    return pa.Check(
        lambda values: (
            values.isna()
            | values.map(lambda text: set(str(text).split(MULTI_SELECT_SEPARATOR)) <= allowed).astype(bool)
        ),
        element_wise=False,
        error=f"';'-separated options from {list(options)}",
    )


def _unit_columns(*, with_personal: bool) -> list[str]:
    """The unit-level columns of the export, in order; ``with_personal`` keeps the respondent's personal fields."""
    columns = ["unit_id", "unit_type", "responded", "questionnaire_language", "has_international_office"]
    columns += list(PERSONAL_FIELDS) if with_personal else []
    for country in PARTNER_COUNTRIES:
        columns.append(f"has_{country}_partner")
        columns += [f"{country}_{item}" for item in (*MULTI_SELECT_ITEMS, *SCALE_ITEMS)]
    return [*columns, "consent"]


_UNIT_CHECKS = {
    "unit_type": pa.Check.isin(list(UNIT_TYPES)),
    "questionnaire_language": pa.Check.isin(list(QUESTIONNAIRE_LANGUAGES)),
    "has_international_office": pa.Check.isin(list(YES_NO_DONT_KNOW)),
    **{f"has_{country}_partner": pa.Check.isin(list(YES_NO_DONT_KNOW)) for country in PARTNER_COUNTRIES},
    **{
        f"{country}_{item}": _multi_select_check(options)
        for country in PARTNER_COUNTRIES
        for item, options in MULTI_SELECT_ITEMS.items()
    },
    "consent": pa.Check.isin(list(CONSENT_OPTIONS)),
}


def _branching_respected(frame: pd.DataFrame) -> pd.Series:
    """A unit that did not answer 'yes' to has_<country>_partner must leave that country's follow-up items empty."""
    ok = pd.Series(True, index=frame.index)
    for country in PARTNER_COUNTRIES:
        follow_up = [f"{country}_{item}" for item in (*MULTI_SELECT_ITEMS, *SCALE_ITEMS)]
        answered = frame[follow_up].notna().any(axis=1)
        ok &= frame[f"has_{country}_partner"].eq("yes") | ~answered
    return ok


SURVEY_EXPORT_UNIT_SCHEMA = fields.schema(
    _unit_columns(with_personal=False),
    checks=_UNIT_CHECKS,
    frame_checks=[
        pa.Check(
            _branching_respected,
            element_wise=False,
            error="follow-up items answered although has_<country>_partner is not 'yes'",
        )
    ],
    description="Unit-level columns of the survey export (roster columns are checked after reshaping).",
)

SURVEY_RESPONSES_SCHEMA = fields.schema(
    [*_unit_columns(with_personal=False), "respondent_key", "us_partner_count", "cn_partner_count", "source_row"],
    ["is_synthetic", "data_origin"],
    checks=_UNIT_CHECKS,
    unique=["unit_id"],
    strict=True,
    description="Survey of EU cities and NUTS2 regions on their US and Chinese partnerships: one row per responding unit, without personal data.",
)

SURVEY_TIES_SCHEMA = fields.schema(
    "survey_tie_id unit_id unit_type partner_country_iso2 roster_position partner_name partner_admin1",
    "year_established tie_type activity_level partner_id partner_key source_row is_synthetic data_origin",
    checks={
        "unit_type": pa.Check.isin(list(UNIT_TYPES)),
        "partner_country_iso2": pa.Check.isin(list(PARTNER_COUNTRIES.values())),
        "roster_position": pa.Check.le(MAX_PARTNERS_PER_COUNTRY),
        "partner_name": pa.Check.str_length(min_value=1),
        "tie_type": pa.Check.isin(list(TIE_TYPES)),
    },
    nullable=["tie_type", "partner_id"],
    unique=["survey_tie_id"],
    strict=True,
    description="Partner roster of the survey: one row per US or Chinese partner a responding unit reported.",
)


# --------------------------------------------------------------------------- loader


class SurveyExport(NamedTuple):
    """What :func:`load_survey_export` returns: ``responses`` and ``partner_ties`` (no personal
    data), the ``quarantine`` (rows with their ``reason``) and ``row_counts``."""

    responses: pd.DataFrame
    partner_ties: pd.DataFrame
    quarantine: pd.DataFrame
    row_counts: dict[str, int]


# A file that cannot be read at all (unknown format or encoding, missing or unknown columns, no rows).
SurveyExportError = ExportRefused


def load_survey_export(
    path: str | Path, *, salt: str, known_unit_ids: set[str] | None = None, data_origin: str | None = None
) -> SurveyExport:
    """Read, validate and pseudonymise the survey export at ``path`` (any format of :mod:`analysis.collect.importers`).

    ``salt`` keys the respondent hash (keep it beside the export in ``data/raw/survey``);
    ``known_unit_ids`` (frame city ids and NUTS2 codes) sends responses from units outside
    the frame to the quarantine. See :func:`parse_survey_export` for what comes back.
    """
    path = Path(path)
    note_read(path)
    raw = read_export(path, CODEBOOK)
    return parse_survey_export(raw, salt=salt, known_unit_ids=known_unit_ids, data_origin=data_origin or path.name)


def parse_survey_export(
    raw: RawExport, *, salt: str, known_unit_ids: set[str] | None = None, data_origin: str
) -> SurveyExport:
    """Validate a survey export read by :func:`~analysis.collect.importers.read_export`.

    Personal fields arrive apart (``raw.personal``) and are used only for the respondent key, so no
    check or quarantine reason can repeat them. Messages name file, line (as the file counts it, after
    multi-line fields and header rows) and column. Returns :class:`SurveyExport`: ``responses``
    (:data:`SURVEY_RESPONSES_SCHEMA`), ``partner_ties`` (:data:`SURVEY_TIES_SCHEMA`), ``quarantine``
    (response rows, and roster entries, that were set aside, with ``reason``) and ``row_counts``
    (``rows_in``, ``responses``, ``rows_quarantined``, ``roster_entries``, ``ties``,
    ``roster_entries_quarantined``).
    """
    frame, where = raw.frame, raw.locations
    readable = frame.index.difference(sorted(raw.unreadable))
    units, problems = _typed_units(frame.loc[readable], where)
    problems += _response_problems(units, raw, known_unit_ids, earlier=problems)
    bad_rows = tables.reasons_by_row(problems)

    kept = units.drop(index=[index for index in bad_rows if index in units.index])
    roster, roster_quarantine = _roster(frame.loc[kept.index], kept, raw)
    responses = _responses(kept, raw.personal.loc[kept.index], roster, salt, data_origin, raw.source_rows)
    ties = roster.assign(
        partner_id=pd.Series(None, index=roster.index, dtype=object),
        partner_key="name:" + roster["partner_country_iso2"] + ":" + roster["partner_name"].map(normalise_name),
        is_synthetic=data_origin.startswith("synthetic"),
        data_origin=data_origin,
    )[list(SURVEY_TIES_SCHEMA.columns)]

    order = sorted(bad_rows)
    dropped = frame.loc[order, ["unit_id"]].assign(
        record="response",
        source_row=raw.source_rows.loc[order].to_numpy(),
        reason=[bad_rows[i] for i in order],
    )
    quarantine = pd.concat([dropped, roster_quarantine], ignore_index=True)
    counts = {
        "rows_in": raw.rows_in,
        "responses": len(responses),
        "rows_quarantined": len(dropped),
        "roster_entries": len(roster) + len(roster_quarantine),
        "ties": len(ties),
        "roster_entries_quarantined": len(roster_quarantine),
    }
    assert counts["rows_in"] == counts["responses"] + counts["rows_quarantined"], counts
    assert counts["roster_entries"] == counts["ties"] + counts["roster_entries_quarantined"], counts
    return SurveyExport(responses.reset_index(drop=True), ties.reset_index(drop=True), quarantine, counts)


def _response_problems(
    units: pd.DataFrame, raw: RawExport, known_unit_ids: set[str] | None, earlier: list[tuple[int, str]]
) -> list[tuple[int, str]]:
    """The importer's problems outside the roster, schema breaches, units outside the frame, then the
    superseded answers among the responses that have none of these nor an ``earlier`` problem."""
    where = raw.locations
    problems: list[tuple[int, str]] = []
    roster_cells = set(_roster_columns())
    problems += [(p.index, p.reason) for p in raw.problems if p.column not in roster_cells]
    # A cell the importer could not read is empty now: checking its row again would only echo that.
    checked = units.drop(index=[index for index, _ in problems], errors="ignore")
    problems += tables.row_problems(
        checked[list(SURVEY_EXPORT_UNIT_SCHEMA.columns)],
        SURVEY_EXPORT_UNIT_SCHEMA,
        raw.source,
        error=SurveyExportError,
        locations=where,
    )
    if known_unit_ids is not None:
        for index in units.index[~units["unit_id"].isin(known_unit_ids)]:
            problems.append(
                (
                    index,
                    f"{where[index]}, column unit_id: {units.at[index, 'unit_id']!r} is not a city or NUTS2 region of the frame",
                )
            )
    # Only valid responses compete: a later invalid one never supersedes an earlier valid one.
    valid = units.drop(index=list(tables.reasons_by_row(earlier + problems)), errors="ignore")
    problems += _superseded_duplicates(valid, where)
    return problems


def pseudonymous_key(email: object, name: object, unit_id: str, salt: str) -> str:
    """``r`` + 16 hex digits of SHA-256(salt | e-mail), or of (salt | name | unit) when there is no e-mail."""
    if isinstance(email, str) and email.strip():
        identity = email.strip().casefold()
    else:
        identity = f"{str(name or '').strip().casefold()}|{unit_id}"
    return "r" + hashlib.sha256(f"{salt}|{identity}".encode()).hexdigest()[:16]


def _typed_units(frame: pd.DataFrame, where: pd.Series) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """Unit-level columns with their types; values that do not convert are reported, not guessed.

    ``where`` names each row's file and line. Scale values arrive as whole-number codes (the importer
    quarantines fractional ones), so nothing is rounded here.
    """
    units = frame[list(SURVEY_EXPORT_UNIT_SCHEMA.columns)].copy()
    problems: list[tuple[int, str]] = []
    responded = pd.to_datetime(units["responded"], format="%Y-%m-%d", errors="coerce")
    for index in units.index[responded.isna()]:
        problems.append(
            (
                index,
                f"{where[index]}, column responded: expected a date YYYY-MM-DD, got {frame.at[index, 'responded']!r}",
            )
        )
    units["responded"] = responded.fillna(pd.Timestamp("1970-01-01")).astype("datetime64[ns]")
    for country in PARTNER_COUNTRIES:
        for item in SCALE_ITEMS:
            column = f"{country}_{item}"
            values = units[column].replace("dont_know", None)
            numbers = pd.to_numeric(values, errors="coerce")
            for index in units.index[numbers.isna() & values.notna()]:
                problems.append(
                    (
                        index,
                        f"{where[index]}, column {column}: expected 1-5 or dont_know, got {frame.at[index, column]!r}",
                    )
                )
            units[column] = numbers.where(numbers == numbers.round()).astype("Int64")
    return units, problems


def _superseded_duplicates(units: pd.DataFrame, where: pd.Series) -> list[tuple[int, str]]:
    """Among valid ``units``, a unit that answered twice keeps its latest response; the earlier ones are set aside."""
    order = units.sort_values(["unit_id", "responded"], kind="stable")
    earlier = order.duplicated("unit_id", keep="last")
    return [
        (
            index,
            f"{where[index]}, column unit_id: {units.at[index, 'unit_id']!r} answered again later; the later response is kept",
        )
        for index in order.index[earlier]
    ]


def _roster(frame: pd.DataFrame, units: pd.DataFrame, raw: RawExport) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per filled roster entry; invalid entries go to a quarantine frame with reasons."""
    entries = _roster_entries(frame, units, raw)
    if entries.empty:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in SURVEY_TIES_SCHEMA.columns})
        return empty, pd.DataFrame(columns=["unit_id", "record", "source_row", "reason"])
    year = pd.to_numeric(entries["year_established"], errors="coerce")
    active = pd.to_numeric(entries["active"], errors="coerce")
    reasons = _roster_problems(entries, year, active)
    bad = reasons != ""
    quarantine = pd.DataFrame(
        {
            "unit_id": entries.loc[bad, "unit_id"],
            "record": "roster_entry",
            "source_row": entries.loc[bad, "source_row"],
            "reason": reasons[bad],
        }
    )
    good = entries[~bad]
    ties = pd.DataFrame(
        {
            "survey_tie_id": good["unit_id"] + ":" + good["country"] + ":" + good["roster_position"].astype(str),
            "unit_id": good["unit_id"],
            "unit_type": good["unit_type"],
            "partner_country_iso2": good["partner_country_iso2"],
            "roster_position": good["roster_position"].astype("int64"),
            "partner_name": good["name"],
            "partner_admin1": good["admin1"],
            "year_established": year[~bad].astype("Int64"),
            "tie_type": good["type"],
            "activity_level": active[~bad].astype("Int64"),
            "source_row": good["source_row"].astype("int64"),
        }
    ).sort_values(["unit_id", "partner_country_iso2", "roster_position"])
    return ties, quarantine


def _roster_columns() -> list[str]:
    return [
        roster_column(country, position, field)
        for country in PARTNER_COUNTRIES
        for position in range(1, MAX_PARTNERS_PER_COUNTRY + 1)
        for field in ROSTER_FIELDS
    ]


def _roster_entries(frame: pd.DataFrame, units: pd.DataFrame, raw: RawExport) -> pd.DataFrame:
    """The roster blocks of the export in long form: one row per filled (country, position), fields as columns.

    Rows are numbered from 0; ``source_row`` is the export line, ``location`` names file and line, and
    ``answered_yes`` is the unit's answer to ``has_<country>_partner``; ``import_problem`` holds the
    importer's reasons for the entry's cells (a year ``1987.6``, an unknown tie type), whose values it left empty.
    """
    reasons: dict[tuple[int, str], list[str]] = {}
    for problem in raw.problems:
        if problem.column is not None:
            reasons.setdefault((problem.index, problem.column), []).append(problem.reason)
    rows = []
    for country, iso in PARTNER_COUNTRIES.items():
        for position in range(1, MAX_PARTNERS_PER_COUNTRY + 1):
            columns = [roster_column(country, position, field) for field in ROSTER_FIELDS]
            block = frame[columns]
            block.columns = list(ROSTER_FIELDS)
            flagged = pd.Series(
                ["; ".join(r for c in columns for r in reasons.get((index, c), [])) for index in block.index],
                index=block.index,
                dtype=object,
            )
            keep = block.notna().any(axis=1) | flagged.ne("")
            block = block[keep].assign(import_problem=flagged[keep])
            rows.append(
                block.assign(
                    unit_id=units.loc[block.index, "unit_id"],
                    unit_type=units.loc[block.index, "unit_type"],
                    country=country,
                    partner_country_iso2=iso,
                    roster_position=position,
                    source_row=raw.source_rows.loc[block.index].to_numpy(),
                    location=raw.locations.loc[block.index].to_numpy(),
                    answered_yes=units.loc[block.index, f"has_{country}_partner"].eq("yes"),
                )
            )
    return pd.concat(rows).reset_index(drop=True) if rows else pd.DataFrame()


def _roster_problems(entries: pd.DataFrame, year: pd.Series, active: pd.Series) -> pd.Series:
    """Per entry, '; '-joined reasons it is invalid, each naming the export line and column ('' when valid)."""
    where = (
        entries["location"] + ", column " + entries["country"] + "_partner_" + entries["roster_position"].astype(str)
    )
    checks = [
        (entries["import_problem"] != "", None),
        (~entries["answered_yes"], "_*: roster filled although has_<country>_partner is not 'yes'"),
        (entries["name"].isna(), "_name: partner name is empty but other roster fields are filled"),
        (
            entries["year_established"].notna() & ~year.between(1945, 2030),
            "_year_established: expected a year 1945-2030",
        ),
        (entries["type"].notna() & ~entries["type"].isin(TIE_TYPES), f"_type: expected one of {list(TIE_TYPES)}"),
        (entries["active"].notna() & ~active.isin([1, 2, 3, 4, 5]), "_active: expected 1-5"),
    ]
    reasons = pd.Series("", index=range(len(entries)))
    for failed, message in checks:
        failed = failed.fillna(False).to_numpy()
        text = entries["import_problem"][failed] if message is None else where[failed] + message
        reasons[failed] = reasons[failed] + np.where(reasons[failed] == "", "", "; ") + text
    return reasons


def _responses(
    units: pd.DataFrame, personal: pd.DataFrame, ties: pd.DataFrame, salt: str, data_origin: str, lines: pd.Series
) -> pd.DataFrame:
    """Unit-level responses with the respondent key (from the ``personal`` frame) and the export ``lines``."""
    keys = [
        pseudonymous_key(email, name, unit_id, salt)
        for email, name, unit_id in zip(personal["respondent_email"], personal["respondent_name"], units["unit_id"])
    ]
    counts = (
        ties.groupby(["unit_id", "partner_country_iso2"]).size().unstack(fill_value=0) if len(ties) else pd.DataFrame()
    )
    responses = units.assign(respondent_key=keys)
    for country, iso in PARTNER_COUNTRIES.items():
        per_unit = counts[iso] if iso in counts else pd.Series(dtype="int64")
        responses[f"{country}_partner_count"] = responses["unit_id"].map(per_unit).fillna(0).astype("int64")
    responses["source_row"] = lines.loc[responses.index].astype("int64")
    responses["is_synthetic"] = data_origin.startswith("synthetic")
    responses["data_origin"] = data_origin
    return responses.sort_values("unit_id")[list(SURVEY_RESPONSES_SCHEMA.columns)]


# --------------------------------------------------------------------------- analysis helpers


def multi_select_long(responses: pd.DataFrame) -> pd.DataFrame:
    """Multi-select items in long form: ``unit_id, partner_country_iso2, item, option, selected`` (0/1).

    Only units that saw the item (answered 'yes' to having partners in that country and
    ticked at least one option) appear, so shares over this frame have the right denominator.
    """
    rows = []
    for country, iso in PARTNER_COUNTRIES.items():
        for item, options in MULTI_SELECT_ITEMS.items():
            answered = responses[responses[f"{country}_{item}"].notna()]
            chosen = answered[f"{country}_{item}"].str.split(MULTI_SELECT_SEPARATOR)
            for option in options:
                rows.append(
                    pd.DataFrame(
                        {
                            "unit_id": answered["unit_id"],
                            "partner_country_iso2": iso,
                            "item": item,
                            "option": option,
                            "selected": chosen.map(lambda picked, option=option: int(option in picked)),
                        }
                    )
                )
    return (
        pd.concat(rows, ignore_index=True)
        if rows
        else pd.DataFrame(columns=["unit_id", "partner_country_iso2", "item", "option", "selected"])
    )


def option_shares(long: pd.DataFrame, item: str) -> pd.DataFrame:
    """Share of answering units selecting each option of ``item``, US and CN side by side (with the denominators)."""
    subset = long[long["item"] == item]
    shares = subset.pivot_table(index="option", columns="partner_country_iso2", values="selected", aggfunc="mean")
    bases = subset.groupby("partner_country_iso2")["unit_id"].nunique()
    shares.columns = [f"share_{iso}" for iso in shares.columns]
    for iso, base in bases.items():
        shares[f"answering_{iso}"] = int(base)
    return shares.sort_values(shares.columns[0], ascending=False)
