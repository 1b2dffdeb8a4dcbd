"""Where the acquired raw files are: ``data/raw/<source>/<file>`` and the team's drop-in folders.

:func:`raw_path` finds an acquired raw file by its path alone. It does not read the
source registry (``analysis/reference/sources.yaml``), so a notebook that reads raw data
does not depend on the registry: editing an attribution re-runs only acquisition
(notebook 10, :mod:`analysis.acquire.acquisition`), which verified every file's checksum
and made it read-only. Before any notebook runs, the runner checks every acquired file
against its declared checksum again (:func:`analysis.runner.pipeline.check_raw_files`).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from analysis.core import paths
from analysis.core.tracking import note_folder, note_read

LOG = logging.getLogger(__name__)
MANIFEST_COLUMNS = ["name", "file", "sha256", "bytes", "licence", "origin", "retrieved", "route"]


class RawFileMissing(FileNotFoundError):
    """A raw file that has not been acquired: an undeclared name, or a file acquisition has not run for.

    The message (what was acquired and what to do) is read from the manifest only when it is shown,
    so a reader that expects a file to be missing (the LAU list has no file for France) does not
    depend on the manifest, and does not run again whenever acquisition runs.
    """

    def __init__(self, path: Path, source_name: str, file_name: str) -> None:
        super().__init__(str(path))
        self.path, self.source_name, self.file_name = path, source_name, file_name

    def __str__(self) -> str:
        hint = _not_acquired_hint(self.source_name)
        return f"{self.path}: raw file '{self.file_name}' of source '{self.source_name}' {hint}"


def raw_path(source_name: str, file_name: str) -> Path:
    """Path of the acquired raw file ``file_name`` of source ``source_name`` (recorded as a read).

    Raises :class:`RawFileMissing` (a ``FileNotFoundError``) when the file has not been acquired;
    its message lists what was acquired.
    """
    path = paths.raw_source_dir(source_name) / file_name
    if not path.is_file():
        raise RawFileMissing(path, source_name, file_name)
    note_read(path)
    return path


def optional_raw_path(source_name: str, file_name: str, *, without: str) -> Path | None:
    """:func:`raw_path`, or ``None`` for a file that has not been acquired, with a logged warning that names the
    file and what goes ``without`` it (a reader that can work without an optional list, but must not do so silently)."""
    try:
        return raw_path(source_name, file_name)
    except RawFileMissing as missing:
        LOG.warning("%s/%s has not been acquired: %s", source_name, file_name, without)
        LOG.debug("%s", missing)
        return None


def _not_acquired_hint(source_name: str) -> str:
    """Why a raw file is missing and what to do, from the MANIFEST when there is one (an error path only)."""
    manifest = manifest_path()
    acquired = (
        pd.read_csv(manifest, sep="\t", dtype=str, keep_default_na=False) if manifest.is_file() else pd.DataFrame()
    )
    run = (
        "Run acquisition first: `make all` (it runs notebooks/10_acquire_sources.ipynb), or "
        f"`python -c \"from analysis.acquire import acquisition; acquisition.acquire(['{source_name}'])\"`."
    )
    if acquired.empty:
        return f"has not been acquired (there is no {manifest}). {run}"
    files = acquired.loc[acquired["name"] == source_name, "file"].tolist()
    if files:
        return f"is not among the acquired files of that source ({', '.join(files)})."
    return (
        f"has not been acquired: the acquired sources are {', '.join(dict.fromkeys(acquired['name']))}. Check the "
        f"name against analysis/reference/sources.yaml. {run}"
    )


def manifest_path() -> Path:
    """``data/MANIFEST``: one TSV row per acquired raw file (outside ``data/raw``, which stays read-only)."""
    return paths.raw_manifest()


def latest_drop_in(folder_name: str, explicit: str | None = None, pattern: str = "*.csv") -> Path | None:
    """The team's own file to use: ``explicit`` (relative to the project root), else the newest
    ``pattern`` file in ``data/raw/<folder_name>`` (by name), else ``None`` (nothing delivered yet).

    The folder is recorded as an input of the running notebook, so the notebook runs again
    when a file is dropped into it.
    """
    if explicit:
        return paths.ROOT / explicit
    folder = paths.raw_source_dir(folder_name)
    note_folder(folder)
    delivered = sorted(folder.glob(pattern)) if folder.is_dir() else []
    return delivered[-1] if delivered else None
