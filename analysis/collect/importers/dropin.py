"""Which file of a drop-in folder is the survey export: every file is looked at, none silently skipped.

Rules (issue 12, item 5): every file in the folder is listed, whatever the case of its suffix
(``EXPORT.CSV``, ``export.xlsx``); files the importers read are :data:`SUPPORTED_SUFFIXES`; hidden
files (``.gitkeep``) and the files named in ``ignore`` (the pseudonymisation salt) are not exports.
Any other file stops the run with a message naming it and what to do. Of several exports, the
*newest* is the one with the highest declared version (``survey_export_v10.csv`` after ``_v9``) when
every export declares one, else the most recently modified; a tie on either stops the run
naming the tied files.
"""

from __future__ import annotations

import re
from pathlib import Path

SUPPORTED_SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".tsv", ".xlsx", ".sav")
_VERSION = re.compile(r"(?:^|[^a-z0-9])v(\d+)$", re.IGNORECASE)


class DropInError(ValueError):
    """The drop-in folder holds an unsupported file or two equally new exports; the message says what to do."""


def declared_version(path: Path) -> int | None:
    """The ``_v<N>`` at the end of the file's stem (``survey_export_v10.csv`` -> 10), else ``None``."""
    match = _VERSION.search(path.stem)
    return int(match.group(1)) if match else None


def choose_drop_in(folder: Path, ignore: tuple[str, ...] = ()) -> Path | None:
    """The export to load from ``folder`` (see the module docstring), ``None`` when it holds none."""
    if not folder.is_dir():
        return None
    files = sorted(path for path in folder.iterdir() if path.is_file() and not path.name.startswith("."))
    files = [path for path in files if path.name not in ignore]
    unsupported = [path.name for path in files if path.suffix.lower() not in SUPPORTED_SUFFIXES]
    if unsupported:
        raise DropInError(
            f"{folder}: {unsupported} cannot be read as a survey export; save it as one of "
            f"{list(SUPPORTED_SUFFIXES)} or move it out of the folder"
        )
    if len(files) <= 1:
        return files[0] if files else None
    versions = {path: declared_version(path) for path in files}
    if all(version is not None for version in versions.values()):
        key, how = (lambda path: versions[path]), "declared version"
    else:
        key, how = (lambda path: path.stat().st_mtime_ns), "modification time"
    newest = max(files, key=key)
    tied = [path.name for path in files if key(path) == key(newest)]
    if len(tied) > 1:
        raise DropInError(f"{folder}: {tied} are equally new by {how}; keep one, or name the exports ..._v1, ..._v2")
    return newest
