"""Where a notebook writes its outputs: in place, or staged until the run succeeds.

When the pipeline runner executes a notebook (:mod:`analysis.runner.pipeline`), it sets
:data:`STAGING_VARIABLE` in the kernel's environment. Every project writer then writes a file
``<folder>/<name>`` as ``<folder>/.pending/<name>`` (:func:`target`), and the runner renames the
staged files to their real names, from the trace of writes, only when every cell ran
(:mod:`analysis.runner.commits`). A failed or killed run thus leaves the previous good outputs, never
a mix of old and new. In JupyterLab (no runner) files are written in place, as before.

A notebook that reads back a file it wrote in the same run gets the staged file (:func:`source`); a
staged file left by another process (a run that was killed) is never read: the runner removes it.

A file that several notebooks update, each adding its own entries (``datapackage.json``), is staged as
a fragment of the running kernel's own (:func:`fragment`): notebooks that run at the same time never
write the same staged file, and the runner merges each successful run's fragment into the real file.
"""

from __future__ import annotations

import os
from os import PathLike
from pathlib import Path

STAGING_VARIABLE = "PARADIP_STAGE_OUTPUTS"
PENDING_FOLDER = ".pending"
FRAGMENT_SUFFIX = ".fragment"

_staged_here: set[Path] = set()  # the staged files this process wrote (the running notebook's)


def active() -> bool:
    """True when outputs are staged: in a kernel the pipeline runner started."""
    return os.environ.get(STAGING_VARIABLE) == "1"


def pending(path: str | PathLike[str]) -> Path:
    """The staged name of ``path``: ``<folder>/.pending/<name>`` (same file system, so the rename is atomic)."""
    path = Path(path)
    return path.parent / PENDING_FOLDER / path.name


def final(path: str | PathLike[str]) -> Path:
    """The real name of a staged file or fragment (``path`` itself when it is not staged)."""
    path = Path(path)
    if path.parent.name != PENDING_FOLDER:
        return path
    name = path.name.rsplit(".", 2)[0] if is_fragment(path) else path.name
    return path.parent.parent / name


def fragment(path: str | PathLike[str]) -> Path:
    """This process's staged fragment of ``path``, a file several notebooks update:
    ``<folder>/.pending/<name>.<process id>.fragment`` (its folder exists)."""
    path = Path(path)
    written = pending(path).with_name(f"{path.name}.{os.getpid()}{FRAGMENT_SUFFIX}")
    written.parent.mkdir(parents=True, exist_ok=True)
    if written not in _staged_here:  # one a killed process of the same id left is never read
        written.unlink(missing_ok=True)
        _staged_here.add(written)
    return written


def is_fragment(path: str | PathLike[str]) -> bool:
    """True when ``path`` is a staged fragment (:func:`fragment`)."""
    return is_pending(path) and Path(path).name.endswith(FRAGMENT_SUFFIX)


def is_pending(path: str | PathLike[str]) -> bool:
    """True when ``path`` is a staged name (:func:`pending`)."""
    # os.path, not pathlib: the runner asks this of every path in every trace on each run (thousands).
    return os.path.basename(os.path.dirname(os.fspath(path))) == PENDING_FOLDER


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
