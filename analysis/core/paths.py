"""Every location the compendium uses, resolved from the project root.

This is the only module that knows where things live. Notebooks run from
``notebooks/`` (JupyterLab) or from the root (the runner); both get the same
answers because nothing here depends on the working directory.

Environment overrides (all optional):

``PARADIP_DATA``     folder holding ``raw/`` and ``processed/`` (default ``<root>/data``)
``PARADIP_BUILD``    build folder: executed notebooks, runner state, figures (default ``<root>/build``)
``PARADIP_MIRROR``   local mirror of the public raw sources (default ``<root>/../shared/data`` when it exists)

Tests point ``PARADIP_DATA`` and ``PARADIP_BUILD`` at a temporary folder so that
they never touch the reviewer's data.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT: Path = Path(__file__).resolve().parents[2]
NOTEBOOKS: Path = ROOT / "notebooks"
BOOK: Path = ROOT / "book"
ANALYSIS: Path = ROOT / "analysis"
REFERENCE: Path = ANALYSIS / "reference"  # small hand-made tables committed with the code (recodes, lexicons)
REGISTRY_FILE: Path = REFERENCE / "sources.yaml"  # the declared raw sources (analysis.acquire.registry)
CHECKS: Path = ANALYSIS / "checks"  # hand-checked samples (verdicts recorded by the team)
LOCK_FILE: Path = ROOT / "requirements.lock"
# The team's drop-in folder (inside ``raw_dir()``) for the file of its 2020-21 survey of EU cities about China
# (Mendeley Data, DOI 10.17632/2z2n2d3zfp.1), read with the ``china_2020`` codebook by
# ``analysis.collect.china2020``; the other drop-in folders are ``survey``, ``crawl`` and ``frame`` (README).
CHINA_2020_DROP_IN = "survey_china2020"
# The team's phase-2 export (survey of US places) and its pseudonym salt; the filled contact roster
# goes in its ``contacts`` sub-folder (``analysis.collect.phase2``), which the export search skips.
PHASE2_DROP_IN = "survey_phase2"


def _env_path(variable: str, default: Path) -> Path:
    value = os.environ.get(variable)
    return Path(value).resolve() if value else default


def data_dir() -> Path:
    """Folder that holds ``raw/`` and ``processed/``."""
    return _env_path("PARADIP_DATA", ROOT / "data")


def raw_dir() -> Path:
    """Immutable raw inputs: one sub-folder per declared source and the team's drop-in folders."""
    return data_dir() / "raw"


def raw_manifest() -> Path:
    """``MANIFEST``, the list of acquired raw files, beside ``raw/`` so that ``raw/`` can be read-only."""
    return data_dir() / "MANIFEST"


def processed_dir() -> Path:
    """Tables rebuilt from raw by the notebooks."""
    return data_dir() / "processed"


def build_dir() -> Path:
    """Executed notebooks, runner state, figures and benchmark results."""
    return _env_path("PARADIP_BUILD", ROOT / "build")


def executed_dir() -> Path:
    """Executed copies of the numbered notebooks (the book's chapters)."""
    return build_dir() / "executed"


def figures_dir() -> Path:
    """Figures saved by the notebooks as files (PNG/PDF) for the papers."""
    return build_dir() / "figures"


def tables_dir() -> Path:
    """Regression and summary tables saved as files (LaTeX, CSV) for the papers."""
    return build_dir() / "tables"


def state_dir() -> Path:
    """The runner's record of what each notebook depended on when it last ran."""
    return build_dir() / "state"


def cache_dir(name: str) -> Path:
    """A folder of content-keyed caches beside the runner's records (``build/state/<name>``), never a traced input or
    output: each entry is named by the digest of everything it was computed from (:mod:`analysis.core.caches`)."""
    return state_dir() / name


def mirror_dir() -> Path | None:
    """Local mirror of the public sources, or ``None`` when there is none.

    ``PARADIP_MIRROR`` wins; otherwise ``../shared/data`` beside the project root is
    used when it exists. Without a mirror, acquisition downloads from upstream.
    """
    explicit = os.environ.get("PARADIP_MIRROR")
    if explicit:
        return Path(explicit).resolve()
    default = ROOT.parent / "shared" / "data"
    return default if default.is_dir() else None


# The team's drop-in folder (inside ``raw_dir()``) for the coded interviews of phase 3: a REFI-QDA project
# (``*.qdpx``) or a CSV of coded segments, with ``pseudonym_salt.txt``; read by ``analysis.collect.interviews``
# (docs/interviews.md). The other drop-in folders are ``survey``, ``crawl`` and ``frame`` (README).
INTERVIEWS_DROP_IN = "interviews"


def raw_source_dir(source_name: str) -> Path:
    """Folder of one declared raw source inside ``data/raw``."""
    return raw_dir() / source_name


def processed_table(table_name: str, suffix: str = ".parquet") -> Path:
    """Path of a processed table, e.g. ``processed_table("cities")``."""
    return processed_dir() / f"{table_name}{suffix}"


def quarantine_table(table_name: str) -> Path:
    """Path of the rows set aside from a processed table, with their reasons."""
    return processed_dir() / "quarantine" / f"{table_name}.csv"
