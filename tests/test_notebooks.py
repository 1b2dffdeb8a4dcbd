"""The numbered notebooks: committed clean, and run top to bottom on small parameters.

The run itself is the session fixture ``small_build`` (conftest.py), which the book tests use too;
these tests read its executed copies and records instead of running the notebooks again. One
notebook, the cheapest, is also run under nbval (``pytest --nbval-lax``) in a copy of that build,
as an author would run it: the committed notebook, without papermill and without the tracing cells.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from analysis.core import paths
from analysis.runner import pipeline, schedule

from conftest import SMALL_PARAMETERS, workspace_environment

NOTEBOOKS = pipeline.discover_notebooks(paths.NOTEBOOKS)


def _record(workspace: Path, notebook: Path) -> dict:
    return json.loads((workspace / "build" / "state" / f"{notebook.stem}.json").read_text(encoding="utf-8"))


def test_notebooks_are_committed_without_outputs():
    for notebook_path in NOTEBOOKS:
        notebook = nbformat.read(notebook_path, as_version=4)
        dirty = [
            i
            for i, cell in enumerate(notebook.cells)
            if cell.cell_type == "code" and (cell.outputs or cell.execution_count)
        ]
        assert dirty == [], f"{notebook_path.name}: code cells {dirty} carry outputs; strip them before committing"


def test_every_notebook_starts_with_a_title_and_a_parameters_cell():
    for notebook_path in NOTEBOOKS:
        cells = nbformat.read(notebook_path, as_version=4).cells
        assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# "), notebook_path.name
        first_code = next(cell for cell in cells if cell.cell_type == "code")
        assert "parameters" in first_code.metadata.get("tags", []), (
            f"{notebook_path.name}: first code cell is not tagged 'parameters'"
        )


def test_the_detector_is_built_beside_the_relations_and_before_the_notebooks_that_load_it():
    """Notebook 32 builds the web detector from the frame and the gazetteers only, so it runs beside notebook 30
    (the detector's half minute is then off the chain 20, 30, 35, 40); 33 and 35, which load it from its cache (a
    file the trace never records), must wait for it."""
    closure = schedule.upstream_closure(NOTEBOOKS, schedule.read_declaration(paths.NOTEBOOKS))
    assert closure["32_build_detector"] == {"10_acquire_sources", "20_build_frame", "25_build_gazetteers"}
    assert all("32_build_detector" in closure[reader] for reader in ("33_crawl_detector", "35_web_crawl"))


@pytest.mark.slow
@pytest.mark.parametrize("notebook_path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_ran_every_cell_without_error(small_build, notebook_path):
    executed = nbformat.read(small_build / "build" / "executed" / notebook_path.name, as_version=4)
    code_cells = [cell for cell in executed.cells if cell.cell_type == "code"]
    committed = [cell for cell in nbformat.read(notebook_path, as_version=4).cells if cell.cell_type == "code"]
    # papermill adds one cell with the injected parameters.
    assert len(code_cells) - len(committed) == int(bool(pipeline.parameters_for(notebook_path, SMALL_PARAMETERS)))
    unexecuted = [i for i, cell in enumerate(code_cells) if cell.execution_count is None]
    assert unexecuted == [], f"{notebook_path.name}: code cells {unexecuted} never ran"
    errors = [output for cell in code_cells for output in cell.outputs if output.output_type == "error"]
    assert errors == [], f"{notebook_path.name}: {[(e.ename, e.evalue) for e in errors]}"


@pytest.mark.slow
@pytest.mark.parametrize("notebook_path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_wrote_its_outputs(small_build, notebook_path):
    """Every notebook writes something, and none of what it wrote is empty."""
    outputs = [Path(path) for path in _record(small_build, notebook_path)["outputs"]]
    assert outputs, f"{notebook_path.name} wrote no file"
    empty = [str(path) for path in outputs if not path.is_file() or path.stat().st_size == 0]
    assert empty == [], f"{notebook_path.name}: outputs missing or empty"


@pytest.mark.slow
def test_the_cheapest_notebook_runs_under_nbval(small_build, tmp_path):
    """nbval runs the committed notebook as it is (its own parameters) on a copy of the small build."""
    unparameterised = [nb for nb in NOTEBOOKS if not pipeline.parameters_for(nb, SMALL_PARAMETERS)]
    cheapest = min(unparameterised, key=lambda nb: _record(small_build, nb)["seconds"])
    workspace = tmp_path / "workspace"
    shutil.copytree(small_build, workspace, ignore=shutil.ignore_patterns("executed"))
    notebook = shutil.copyfile(cheapest, tmp_path / cheapest.name)
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
            str(notebook),
        ],
        capture_output=True,
        text=True,
        env=workspace_environment(workspace),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    code_cells = [cell for cell in nbformat.read(cheapest, as_version=4).cells if cell.cell_type == "code"]
    assert f"{len(code_cells)} passed" in result.stdout, result.stdout[-2000:]
