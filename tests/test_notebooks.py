"""The numbered notebooks run top to bottom on small parameters under nbval (``pytest --nbval-lax``)."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest
from papermill.parameterize import parameterize_notebook

from analysis.core import paths
from analysis.runner import pipeline

from conftest import SMALL_PARAMETERS, workspace_environment

pytestmark = pytest.mark.slow


def papermill_ready(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Add the metadata papermill's parameterisation expects (papermill itself adds it when executing)."""
    notebook.metadata.setdefault("papermill", {})
    for cell in notebook.cells:
        cell.metadata.setdefault("tags", [])
    return notebook


def test_notebooks_are_committed_without_outputs():
    for notebook_path in pipeline.discover_notebooks(paths.NOTEBOOKS):
        notebook = nbformat.read(notebook_path, as_version=4)
        dirty = [
            i
            for i, cell in enumerate(notebook.cells)
            if cell.cell_type == "code" and (cell.outputs or cell.execution_count)
        ]
        assert dirty == [], f"{notebook_path.name}: code cells {dirty} carry outputs; strip them before committing"


def test_every_notebook_starts_with_a_title_and_a_parameters_cell():
    for notebook_path in pipeline.discover_notebooks(paths.NOTEBOOKS):
        cells = nbformat.read(notebook_path, as_version=4).cells
        assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# "), notebook_path.name
        first_code = next(cell for cell in cells if cell.cell_type == "code")
        assert "parameters" in first_code.metadata.get("tags", []), (
            f"{notebook_path.name}: first code cell is not tagged 'parameters'"
        )


def test_notebooks_run_under_nbval_on_small_parameters(tmp_path):
    """Parameterise each notebook like papermill would, then let nbval execute them in order."""
    for notebook_path in pipeline.discover_notebooks(paths.NOTEBOOKS):
        notebook = nbformat.read(notebook_path, as_version=4)
        parameters = pipeline.parameters_for(notebook_path, SMALL_PARAMETERS)
        if parameters:
            notebook = parameterize_notebook(papermill_ready(notebook), parameters)
        nbformat.write(notebook, tmp_path / notebook_path.name)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=workspace_environment(tmp_path),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
