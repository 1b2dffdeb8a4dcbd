"""Coded interviews (phase 3): import, pseudonymise, and check consent.

Phase 3 interviews officials responsible for transatlantic relations in Washington and Brussels
and officials of EU cities and regions; the team codes the transcripts in a QDA tool and drops
the export in ``data/raw/interviews/`` (:data:`analysis.core.paths.INTERVIEWS_DROP_IN`) with the
salt file ``pseudonym_salt.txt``. Two formats are read (``docs/interviews.md`` documents both):

* a REFI-QDA project (``*.qdpx``, read by :mod:`analysis.collect.qdpx`): one text source per
  interview; the interview's ``group``, ``consent``, ``language``, ``date`` and ``speaker`` come
  from variables of the source or of the cases that refer to it (a named case is the interviewee);
  a group may also be given by a set named after it;
* a CSV of coded segments (``*segments.csv``, one row per passage and code), with an optional code
  book ``codes.csv`` beside it.

Both become the same rows (:data:`CODED_ROW_COLUMNS`) and then the same three clean tables
(:func:`clean_tables`): ``interviews``, ``interview_segments`` and ``interview_codes``. Names,
e-mails and titles of interviewees are read only to make a salted speaker key and never leave
``data/raw``; interview labels become salted ids. Quotations are kept only for interviewees whose
consent is ``quote``; the data of an interviewee whose consent is ``none`` are not used at all.
Names of *other* people mentioned inside a quotation are NOT rewritten automatically: the team
reads the quotation table before anything is published.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis.acquire import sources
from analysis.collect import qdpx
from analysis.core import fields, paths
from analysis.core.names import fold_text
from analysis.core.tracking import note_read

GROUPS: tuple[str, ...] = ("washington", "brussels", "city_official", "region_official", "other")
CONSENT_LEVELS: tuple[str, ...] = ("none", "aggregate", "quote")
PATH_SEPARATOR = " > "
SALT_FILE_NAME = "pseudonym_salt.txt"
MIN_SALT_LENGTH = 16
CODEBOOK_FILE_NAME = "codes.csv"
SEGMENTS_PATTERN = "*segments.csv"

# The CSV of coded segments: required columns, then the personal ones that may be there (dropped on reading).
CSV_COLUMNS: tuple[str, ...] = (
    "interview_id",
    "speaker",
    "speaker_group",
    "interview_date",
    "interview_language",
    "consent",
    "segment_id",
    "start",
    "end",
    "text",
    "code",
)
CSV_PERSONAL_COLUMNS: tuple[str, ...] = ("speaker_email", "speaker_title")
# QDA variables read for an interview (any case), with the names the tools' users tend to give them.
VARIABLE_NAMES: dict[str, tuple[str, ...]] = {
    "speaker_group": ("group", "speaker_group"),
    "consent_level": ("consent", "consent_level"),
    "interview_language": ("language", "interview_language"),
    "interview_date": ("date", "interview_date"),
    "speaker_name": ("speaker", "interviewee"),
}
CODED_ROW_COLUMNS: tuple[str, ...] = (
    "interview_label",
    "speaker_name",
    "speaker_group",
    "interview_date",
    "interview_language",
    "consent_level",
    "start_position",
    "end_position",
    "text",
    "code_path",
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")


class InterviewDataError(ValueError):
    """An interview export that cannot be used: the message names the file, the line or element, and the reason."""


class ConsentError(ValueError):
    """A table would show a quotation of an interviewee who did not consent to quotation."""


@dataclass
class InterviewData:
    """The clean tables of one import (schemas :data:`INTERVIEWS_SCHEMA`, :data:`SEGMENTS_SCHEMA`, :data:`CODES_SCHEMA`)."""

    interviews: pd.DataFrame
    segments: pd.DataFrame
    codes: pd.DataFrame


_LABELS = ["is_synthetic", "data_origin"]
INTERVIEWS_SCHEMA = fields.schema(
    "interview_id speaker_group interview_date consent_level interview_language",
    _LABELS,
    unique=["interview_id"],
    strict=True,
    description="One row per interview: pseudonymous id, group, date, consent level and language",
)
SEGMENTS_SCHEMA = fields.schema(
    "segment_id interview_id speaker_key speaker_group code_id code_path start_position end_position quotation",
    _LABELS,
    unique_together=["segment_id", "code_id"],
    frame_checks=[pa.Check(lambda t: t["start_position"] < t["end_position"], error="start before end")],
    strict=True,
    description="One row per coded passage and code; quotation only where the interviewee consented to quotation",
)
CODES_SCHEMA = fields.schema(
    "code_id code_name parent_code_id code_path code_description",
    _LABELS,
    unique=["code_id"],
    strict=True,
    description="The interview code book: one row per code, with its parent and path",
)


# --------------------------------------------------------------------------- files and salt


def find_interview_export(explicit: str | None = None) -> Path | None:
    """The team's export: ``explicit`` (relative to the project root), else the newest ``*.qdpx`` in
    ``data/raw/interviews``, else its newest ``*segments.csv``, else ``None`` (nothing delivered yet)."""
    folder = paths.INTERVIEWS_DROP_IN
    return sources.latest_drop_in(folder, explicit, "*.qdpx") or sources.latest_drop_in(folder, None, SEGMENTS_PATTERN)


def read_salt(export: Path) -> str:
    """The salt in ``pseudonym_salt.txt`` beside ``export``; refused when missing or shorter than 16 characters."""
    salt_file = export.parent / SALT_FILE_NAME
    if not salt_file.is_file():
        raise InterviewDataError(
            f"{salt_file}: the interviews need a pseudonymisation salt here: one line of at least {MIN_SALT_LENGTH} "
            "random characters, kept out of git (e.g. python -c 'import secrets; print(secrets.token_urlsafe(24))')"
        )
    note_read(salt_file)
    return checked_salt(salt_file.read_text(encoding="utf-8").strip(), str(salt_file))


def checked_salt(salt: str, where: str = "salt") -> str:
    """``salt`` when it has at least :data:`MIN_SALT_LENGTH` characters; else :class:`InterviewDataError`."""
    if len(salt) < MIN_SALT_LENGTH:
        raise InterviewDataError(
            f"{where}: the pseudonymisation salt has {len(salt)} characters; at least {MIN_SALT_LENGTH} random ones are needed"
        )
    return salt


def load_interviews(path: str | Path, *, salt: str, data_origin: str | None = None) -> InterviewData:
    """Import the ``.qdpx`` project (any zip archive) or the CSV of coded segments at ``path`` into the clean tables."""
    path = Path(path)
    if path.suffix.lower() == ".qdpx" or zipfile.is_zipfile(path):  # a .qdpx renamed .zip is still a project
        rows, codebook = qdpx_rows(qdpx.read_qdpx(path), path.name)
    else:
        rows, codebook = csv_rows(path)
    return clean_tables(rows, codebook, salt=salt, data_origin=data_origin or path.name)


# --------------------------------------------------------------------------- REFI-QDA project -> rows


def qdpx_rows(project: qdpx.Project, source: str) -> tuple[pd.DataFrame, list[tuple[tuple[str, ...], str | None]]]:
    """The coded rows (:data:`CODED_ROW_COLUMNS`) and the code book (path, description) of a read project."""
    cases = {case.guid: case for case in project.cases}
    metadata = {text.guid: interview_metadata(project, text, source) for text in project.sources}
    names = {text.guid: text.name for text in project.sources}
    texts = {text.guid: text.text for text in project.sources}
    rows = []
    for selection in project.selections:
        meta = dict(metadata[selection.source_guid])
        named = [cases[guid].name for guid in selection.case_guids if cases[guid].name]
        if named:
            meta["speaker_name"] = named[0]
        if meta["speaker_name"] is None:
            raise InterviewDataError(
                f"{source}: <TextSource {names[selection.source_guid]}>: no interviewee for selection {selection.guid}: "
                "link one named case to the source, code the passage with the person's case, or set a variable "
                "'speaker' (the name is only hashed)"
            )
        passage = texts[selection.source_guid][selection.start : selection.end].replace("\r\n", "\n")
        for guid in selection.code_guids:
            rows.append(
                {
                    "interview_label": names[selection.source_guid],
                    **meta,
                    "start_position": selection.start,
                    "end_position": selection.end,
                    "text": passage,
                    "code_path": PATH_SEPARATOR.join(project.code(guid).path),
                }
            )
    empty = [
        {
            "interview_label": names[guid],
            **meta,
            "start_position": None,
            "end_position": None,
            "text": None,
            "code_path": None,
        }
        for guid, meta in metadata.items()
    ]
    frame = pd.DataFrame([*rows, *empty], columns=list(CODED_ROW_COLUMNS))
    return frame, [(code.path, code.description) for code in project.codes]


def interview_metadata(project: qdpx.Project, text: qdpx.TextSource, source: str) -> dict[str, str | None]:
    """Group, consent, language, date and speaker of one source, from its variables, its cases' variables,
    the name of the one named case that refers to it, and the sets named after a group. The speaker may
    stay empty when the passages are coded with the persons' cases (NVivo); the rest is required."""
    referring = [case for case in project.cases if text.guid in case.source_guids]
    variables = {name.casefold(): value for case in referring for name, value in case.variables.items()}
    variables |= {name.casefold(): value for name, value in text.variables.items()}
    meta = {
        column: next((variables[name] for name in names if variables.get(name)), None)
        for column, names in VARIABLE_NAMES.items()
    }
    people = [case.name for case in referring if case.name]
    if meta["speaker_name"] is None and len(people) == 1:
        meta["speaker_name"] = people[0]
    if meta["speaker_group"] is None:
        in_sets = [name for name, members in project.sets.items() if text.guid in members and name.casefold() in GROUPS]
        meta["speaker_group"] = in_sets[0].casefold() if len(in_sets) == 1 else None
    for column in ("speaker_group", "consent_level", "interview_language"):
        if meta[column] is None:
            raise InterviewDataError(
                f"{source}: <TextSource {text.name}>: no {column}: give the source, or a case that refers to it, "
                f"a variable named {' or '.join(VARIABLE_NAMES[column])} (docs/interviews.md)"
            )
    meta["speaker_group"] = meta["speaker_group"].strip().casefold()
    meta["consent_level"] = meta["consent_level"].strip().casefold()
    meta["interview_language"] = meta["interview_language"].strip().casefold()
    _check_interview_values(meta, f"{source}: <TextSource {text.name}>")
    return meta


def _check_interview_values(meta: dict, where: str) -> None:
    problems = []
    if meta["speaker_group"] not in GROUPS:
        problems.append(f"group {meta['speaker_group']!r} is not one of {list(GROUPS)}")
    if meta["consent_level"] not in CONSENT_LEVELS:
        problems.append(f"consent {meta['consent_level']!r} is not one of {list(CONSENT_LEVELS)}")
    if not _LANGUAGE.match(meta["interview_language"] or ""):
        problems.append(f"language {meta['interview_language']!r} is not an ISO 639-1 code such as 'en'")
    if meta["interview_date"] is not None and not _DATE.match(meta["interview_date"]):
        problems.append(f"date {meta['interview_date']!r} is not YYYY-MM-DD")
    if problems:
        raise InterviewDataError(f"{where}: " + "; ".join(problems))


# --------------------------------------------------------------------------- CSV of coded segments -> rows


def read_text_table(path: Path) -> tuple[list[str], list[dict[str, str]], list[int]]:
    """The header, the rows and each row's line number of a small CSV (UTF-8, with or without a byte-order mark; ',', ';' or tab delimited).
    Raises :class:`InterviewDataError` naming the file when it is not UTF-8."""
    note_read(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InterviewDataError(
            f"{path.name}: not UTF-8 (byte {error.start}); save it as UTF-8 (Excel: 'CSV UTF-8')"
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, lines = [], []
    for row in reader:
        if None in row:
            raise InterviewDataError(f"{path.name} line {reader.line_num}: more values than columns")
        rows.append({key.strip(): (value or "").strip() for key, value in row.items()})
        lines.append(reader.line_num)
    if reader.fieldnames is None:
        raise InterviewDataError(f"{path.name}: the file is empty")
    return [name.strip() for name in reader.fieldnames], rows, lines


def csv_rows(path: Path) -> tuple[pd.DataFrame, list[tuple[tuple[str, ...], str | None]]]:
    """The coded rows and the code book of a CSV of coded segments (and ``codes.csv`` beside it, if any).

    Raises :class:`InterviewDataError` naming the file, line and column of every problem (up to ten).
    """
    header, rows, lines = read_text_table(path)
    missing = [column for column in CSV_COLUMNS if column not in header]
    if missing:
        raise InterviewDataError(f"{path.name} line 1: missing columns {missing} (docs/interviews.md)")
    problems: list[str] = []
    coded = []
    for row, line in zip(rows, lines, strict=True):
        where = f"{path.name} line {line}"
        try:
            start, end = int(row["start"]), int(row["end"])
        except ValueError:
            problems.append(f"{where}, column start/end: whole numbers expected, got {row['start']!r}, {row['end']!r}")
            continue
        if not 0 <= start < end:
            problems.append(f"{where}, column start/end: expected 0 <= start < end, got {start}, {end}")
        if not row["code"] or not row["speaker"] or not row["interview_id"]:
            problems.append(f"{where}: interview_id, speaker and code must not be empty")
        meta = {
            "speaker_group": row["speaker_group"].casefold(),
            "consent_level": row["consent"].casefold(),
            "interview_language": row["interview_language"].casefold(),
            "interview_date": row["interview_date"] or None,
        }
        try:
            _check_interview_values(meta, where)
        except InterviewDataError as error:
            problems.append(str(error))
        path_parts = [part.strip() for part in row["code"].split(PATH_SEPARATOR.strip())]
        coded.append(
            {
                "interview_label": row["interview_id"],
                "speaker_name": row["speaker"],
                **meta,
                "start_position": start,
                "end_position": end,
                "text": row["text"].replace("\r\n", "\n"),
                "code_path": PATH_SEPARATOR.join(path_parts),
                "segment_id": row["segment_id"],
                "line": line,
            }
        )
    frame = pd.DataFrame(coded, columns=[*CODED_ROW_COLUMNS, "segment_id", "line"])
    problems += _inconsistent_interviews(frame, path.name)
    if problems:
        raise InterviewDataError(f"{len(problems)} problem(s) in {path.name}:\n" + "\n".join(problems[:10]))
    return frame.drop(columns=["segment_id", "line"]), _csv_codebook(
        path.parent / CODEBOOK_FILE_NAME, frame["code_path"]
    )


def _inconsistent_interviews(frame: pd.DataFrame, source: str) -> list[str]:
    """Rows whose interview-level values differ from the interview's first row (group, consent, language, date),
    and rows whose segment_id has other positions than on its first row."""
    problems = []
    for column in ("start_position", "end_position"):
        first = frame.groupby(["interview_label", "segment_id"])[column].transform("first")
        for index, row in frame[frame[column] != first].iterrows():
            problems.append(
                f"{source} line {row['line']}, column segment_id: segment {row['segment_id']!r} has {column} "
                f"{first[index]} on its first row and {row[column]} here"
            )
    for column in ("speaker_group", "consent_level", "interview_language", "interview_date"):
        first = frame.groupby("interview_label")[column].transform("first")
        for index, row in frame[frame[column].fillna("") != first.fillna("")].iterrows():
            problems.append(
                f"{source} line {row['line']}, column {column}: interview {row['interview_label']!r} has "
                f"{first[index]!r} on its first row and {row[column]!r} here; one interview, one value"
            )
    return problems


def _csv_codebook(codebook: Path, used: pd.Series) -> list[tuple[tuple[str, ...], str | None]]:
    """Code book rows (path, description) from ``codes.csv`` when it exists, plus every used code and its parents."""
    described: dict[tuple[str, ...], str | None] = {}
    if codebook.is_file():
        _, rows, lines = read_text_table(codebook)
        for row, line in zip(rows, lines, strict=True):
            if not row.get("code_path"):
                raise InterviewDataError(
                    f"{codebook.name} line {line}, column code_path: empty (or the column is missing)"
                )
            parts = tuple(part.strip() for part in row["code_path"].split(PATH_SEPARATOR.strip()))
            described[parts] = row.get("description") or None
    for code_path in used.dropna():
        parts = tuple(code_path.split(PATH_SEPARATOR))
        for depth in range(1, len(parts) + 1):
            described.setdefault(parts[:depth], None)
    return list(described.items())


# --------------------------------------------------------------------------- rows -> clean tables


def _digest(salt: str, kind: str, value: str, length: int) -> str:
    return hashlib.sha256(f"{salt}|{kind}|{value}".encode()).hexdigest()[:length]


def interview_key(label: str, salt: str) -> str:
    """``iv`` + 12 hex digits of SHA-256(salt | interview | label)."""
    return "iv" + _digest(salt, "interview", label.strip(), 12)


def speaker_key(name: str, salt: str) -> str:
    """``sp`` + 14 hex digits of SHA-256(salt | speaker | folded name): the same person gets the same key."""
    return "sp" + _digest(salt, "speaker", " ".join(fold_text(name).split()), 14)


def code_id(path: tuple[str, ...]) -> str:
    """``('Motives', 'Economic interest')`` -> ``motives/economic_interest``."""
    return "/".join(re.sub(r"[^a-z0-9]+", "_", fold_text(name)).strip("_") or "code" for name in path)


def clean_tables(
    rows: pd.DataFrame, codebook: list[tuple[tuple[str, ...], str | None]], *, salt: str, data_origin: str
) -> InterviewData:
    """The three clean tables from coded rows (:data:`CODED_ROW_COLUMNS`; a row without a code only
    declares an interview) and a code book. Interviews whose consent is ``none`` keep their row in
    ``interviews`` and lose their segments; quotations are kept only where consent is ``quote``."""
    checked_salt(salt)
    labels = {"is_synthetic": data_origin.startswith("synthetic"), "data_origin": data_origin}
    rows = rows.assign(interview_id=rows["interview_label"].map(lambda label: interview_key(label, salt)))
    interviews = (
        rows.drop_duplicates("interview_id")[list(INTERVIEWS_SCHEMA.columns)[:5]]
        .assign(**labels)
        .sort_values("interview_id")
        .reset_index(drop=True)
    )
    coded = rows[rows["code_path"].notna() & (rows["consent_level"] != "none")].copy()
    coded = coded.astype({"start_position": "int64", "end_position": "int64"})
    coded["speaker_key"] = coded["speaker_name"].map(lambda name: speaker_key(name, salt))
    coded["code_id"] = coded["code_path"].map(lambda text: code_id(tuple(text.split(PATH_SEPARATOR))))
    coded["segment_id"] = [
        "sg" + _digest(salt, "segment", f"{i}|{s}|{e}", 14)
        for i, s, e in zip(coded["interview_id"], coded["start_position"], coded["end_position"], strict=True)
    ]
    coded["quotation"] = coded["text"].where(coded["consent_level"] == "quote", None)
    segments = (
        coded.drop_duplicates(["segment_id", "code_id"])
        .assign(**labels)[list(SEGMENTS_SCHEMA.columns)]
        .sort_values(["interview_id", "start_position", "end_position", "code_id"])
        .reset_index(drop=True)
    )
    check_quote_consent(segments, interviews)
    return InterviewData(
        INTERVIEWS_SCHEMA.validate(interviews),
        SEGMENTS_SCHEMA.validate(segments),
        CODES_SCHEMA.validate(codes_table(codebook, labels)),
    )


def codes_table(codebook: list[tuple[tuple[str, ...], str | None]], labels: dict) -> pd.DataFrame:
    """One row per code (sorted by path); raises when two code paths fold to the same ``code_id``."""
    rows = {}
    for path, description in codebook:
        identifier = code_id(path)
        if identifier in rows and rows[identifier]["code_path"] != PATH_SEPARATOR.join(path):
            raise InterviewDataError(
                f"code book: {rows[identifier]['code_path']!r} and {PATH_SEPARATOR.join(path)!r} give the same code id {identifier!r}"
            )
        rows[identifier] = {
            "code_id": identifier,
            "code_name": path[-1],
            "parent_code_id": code_id(path[:-1]) if len(path) > 1 else None,
            "code_path": PATH_SEPARATOR.join(path),
            "code_description": description,
        }
    frame = pd.DataFrame(list(rows.values()), columns=list(CODES_SCHEMA.columns)[:5]).assign(**labels)
    return frame.sort_values("code_path").reset_index(drop=True)


def check_quote_consent(table: pd.DataFrame, interviews: pd.DataFrame, column: str = "quotation") -> pd.DataFrame:
    """``table`` unchanged when every non-empty ``column`` belongs to an interview whose consent is ``quote``.

    ``table`` needs ``interview_id``; ``interviews`` gives ``consent_level`` by ``interview_id``. Raises
    :class:`ConsentError` naming the interviews (pseudonymous ids) otherwise, and when an interview is unknown.
    """
    consent = table["interview_id"].map(interviews.set_index("interview_id")["consent_level"])
    shown = table[column].notna() & table[column].astype("string").str.len().gt(0)
    refused = table.loc[shown & consent.ne("quote"), "interview_id"]
    if len(refused):
        raise ConsentError(
            f"{len(refused)} quotation(s) of interviews without consent to quotation: {sorted(set(refused))[:5]}"
        )
    return table
