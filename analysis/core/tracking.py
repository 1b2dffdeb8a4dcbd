"""Tell the pipeline runner which files a notebook read and wrote.

The runner installs an audit hook in each kernel (see ``pipeline``) that records
Python-level ``open`` calls. Readers written in C (pyarrow, GDAL) bypass ``open``,
so the project's readers and writers also call :func:`note_read` and
:func:`note_write`. Outside the runner these calls cost one ``sys.audit``.
"""

from __future__ import annotations

import sys
from os import PathLike

READ_EVENT = "paradip.read"
WRITE_EVENT = "paradip.write"
FOLDER_EVENT = "paradip.folder"


def note_read(path: str | PathLike[str]) -> None:
    """Record that the running notebook depends on ``path``."""
    sys.audit(READ_EVENT, str(path))


def note_write(path: str | PathLike[str]) -> None:
    """Record that the running notebook produced ``path``."""
    sys.audit(WRITE_EVENT, str(path))


def note_folder(path: str | PathLike[str]) -> None:
    """Record that the running notebook looked into folder ``path`` (which may not exist yet).

    The notebook then runs again when a file appears in or disappears from that folder,
    for example when the team drops a real survey export into ``data/raw/survey``.
    """
    sys.audit(FOLDER_EVENT, str(path))
