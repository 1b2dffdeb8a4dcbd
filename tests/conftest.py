"""Shared fixtures: every test runs against a temporary data and build folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Small parameters for the notebook and book tests: each notebook runs on a fraction of the data
# (cities of 250k inhabitants and more) or with fewer repetitions (99 bootstrap draws, not 999).
SMALL_PARAMETERS: dict[str, dict[str, object]] = {
    "20": {"min_population": 250_000},
    "30": {"gold_whole_frame": False},
    "80": {"n_bootstrap": 99},
}


@pytest.fixture(autouse=True)
def isolated_data(tmp_path_factory, monkeypatch):
    """Point ``PARADIP_DATA`` and ``PARADIP_BUILD`` at a temporary folder so tests never touch the real ones."""
    workspace = tmp_path_factory.mktemp("workspace")
    monkeypatch.setenv("PARADIP_DATA", str(workspace / "data"))
    monkeypatch.setenv("PARADIP_BUILD", str(workspace / "build"))
    return workspace


@pytest.fixture(scope="session")
def small_build(tmp_path_factory) -> Path:
    """Run the whole pipeline once on small parameters into a temporary workspace; return the workspace.

    The workspace has ``data/`` and ``build/`` as the real ones would, so tests can read the
    processed tables and build the book from the executed notebooks.
    """
    from analysis.runner import pipeline

    workspace = tmp_path_factory.mktemp("small-build")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PARADIP_DATA", str(workspace / "data"))
        patch.setenv("PARADIP_BUILD", str(workspace / "build"))
        report = pipeline.run(pipeline.Project(), parameters=SMALL_PARAMETERS, echo=False)
    assert report.ran == [nb.stem for nb in pipeline.discover_notebooks(pipeline.Project().notebooks)]
    return workspace


def workspace_environment(workspace: Path) -> dict[str, str]:
    """The process environment pointed at ``workspace``'s data and build folders."""
    return os.environ | {"PARADIP_DATA": str(workspace / "data"), "PARADIP_BUILD": str(workspace / "build")}
