"""Where a notebook writes its outputs: in place, or staged until the run succeeds.

When the pipeline runner executes a notebook (:mod:`analysis.runner.pipeline`), it sets
:data:`STAGING_VARIABLE` in the kernel's environment. Every project writer then writes a file
``<folder>/<name>`` as ``<folder>/.pending/<name>`` (:func:`target`), and the runner renames the
staged files to their real names, from the trace of writes, only when every cell ran
(:mod:`analysis.runner.commits`). A failed or killed run thus leaves the previous good outputs, never
a mix of old and new. In JupyterLab (no runner) files are written in place, as before.

A notebook that reads back a file it wrote in the same run gets the staged file (:func:`source`); a
staged file left by another process (a run that was killed) is never read: the runner removes it.
"""

from __future__ import annotations

import os
from os import PathLike
from pathlib import Path

STAGING_VARIABLE = "PARADIP_STAGE_OUTPUTS"
PENDING_FOLDER = ".pending"

_staged_here: set[Path] = set()  # the staged files this process wrote (the running notebook's)


def active() -> bool:
    """True when outputs are staged: in a kernel the pipeline runner started."""
    return os.environ.get(STAGING_VARIABLE) == "1"


def pending(path: str | PathLike[str]) -> Path:
    """The staged name of ``path``: ``<folder>/.pending/<name>`` (same file system, so the rename is atomic)."""
    path = Path(path)
    return path.parent / PENDING_FOLDER / path.name


def final(path: str | PathLike[str]) -> Path:
    """The real name of a staged file (``path`` itself when it is not staged)."""
    path = Path(path)
    return path.parent.parent / path.name if path.parent.name == PENDING_FOLDER else path


def is_pending(path: str | PathLike[str]) -> bool:
    """True when ``path`` is a staged name (:func:`pending`)."""
    return Path(path).parent.name == PENDING_FOLDER


def target(path: str | PathLike[str]) -> Path:
    """The file to write for output ``path``: its staged name when staging is active, else ``path``.

    The folder of the returned file exists. Writers call :func:`analysis.core.tracking.note_write`
    with the returned path, so the runner knows what to rename.
    """
    path = Path(path)
    written = pending(path) if active() else path
    written.parent.mkdir(parents=True, exist_ok=True)
    if written != path:
        _staged_here.add(written)
    return written


def source(path: str | PathLike[str]) -> Path:
    """The file to read for ``path``: the staged file this run wrote, when there is one, else ``path``."""
    path = Path(path)
    staged = pending(path)
    return staged if staged in _staged_here and staged.exists() else path
