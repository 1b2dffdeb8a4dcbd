"""The author's JupyterLab: the locked dev environment, the project kernel, and a notebook run as JupyterLab runs it.

JupyterLab runs a notebook in a kernel started in ``notebooks/``, without papermill and without
injected parameters; there the notebook shows its figures, tables and glued numbers. The pipeline
runs the same notebook for the book, which shows each of them once, where its prose places it: the
pipeline's executed copy holds the glue records and nothing that :mod:`analysis.report.show` adds.

The tests that need JupyterLab itself skip when the authors' lock is not installed in this venv
(``make lab`` or ``make dev`` install it; ``make test`` alone does not, ``.ci/run`` does).
"""

from __future__ import annotations

import json
import math
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from analysis.core import paths
from analysis.report import quantities, show
from analysis.runner import environment, lab, pipeline

from conftest import workspace_environment

DEV_REQUIREMENTS = paths.ROOT / "requirements-dev.txt"
DEV_LOCK = paths.ROOT / "requirements-dev.lock"
JUPYTER_LAB = Path(sys.executable).parent / "jupyter-lab"
AUTHORS_PACKAGES = ("jupyterlab", "jupyterlab-myst")
LAB_NOTEBOOK = "60_describe"  # figures, tables, named quantities and plain glued numbers, on the small build in seconds

needs_lab = pytest.mark.skipif(
    not JUPYTER_LAB.is_file(),
    reason="the authors' environment (requirements-dev.lock) is not installed in this venv: "
    "'make dev' or 'make lab' installs it; 'make test' alone does not",
)


# --------------------------------------------------------------------------- the locked dev environment


def test_dev_lock_has_every_reviewer_package_at_the_reviewers_version():
    locked = environment.read_pins(paths.LOCK_FILE)
    dev_locked = environment.read_pins(DEV_LOCK)
    assert {
        name: (version, dev_locked.get(name)) for name, version in locked.items() if dev_locked.get(name) != version
    } == {}


def test_dev_lock_pins_jupyterlab_and_myst_and_the_reviewers_lock_does_not():
    wanted = environment.read_pins(DEV_REQUIREMENTS)
    dev_locked = environment.read_pins(DEV_LOCK)
    assert set(AUTHORS_PACKAGES) <= set(wanted)
    assert {name: version for name, version in wanted.items() if dev_locked.get(name) != version} == {}
    for lean in (paths.LOCK_FILE, paths.ROOT / "requirements.txt", paths.ROOT / "environment.yml"):
        assert set(AUTHORS_PACKAGES) & set(environment.read_pins(lean)) == set(), lean.name


# --------------------------------------------------------------------------- the project kernel and make lab


def test_install_kernel_writes_a_spec_that_starts_this_python(tmp_path):
    folder = lab.install_kernel(tmp_path)
    assert folder == lab.kernel_spec_dir(tmp_path)
    spec = json.loads((folder / "kernel.json").read_text(encoding="utf-8"))
    assert spec["argv"][0] == sys.executable
    assert spec["display_name"] == lab.KERNEL_DISPLAY_NAME and spec["language"] == "python"


def test_make_setup_installed_the_project_kernel_in_this_environment():
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(lab.KERNEL_NAME)
    except NoSuchKernel:
        pytest.fail(f"no '{lab.KERNEL_NAME}' kernel: 'make setup' installs it (python -m analysis.runner.lab kernel)")
    assert Path(spec.resource_dir) == lab.kernel_spec_dir()
    assert spec.argv[0] == sys.executable


def test_lab_arguments_serve_the_project_root_on_loopback_with_the_project_kernel_only():
    arguments = lab.lab_arguments(root=Path("/project"))
    assert "--ServerApp.root_dir=/project" in arguments
    assert "--ServerApp.ip=127.0.0.1" in arguments
    assert "--ServerApp.open_browser=False" in arguments
    assert f"--MappingKernelManager.default_kernel_name={lab.KERNEL_NAME}" in arguments
    assert f"--KernelSpecManager.allowed_kernelspecs={lab.KERNEL_NAME}" in arguments
    assert "--allow-root" not in arguments
    assert lab.lab_arguments(as_root=True, port=8899)[-2:] == ["--ServerApp.port=8899", "--allow-root"]


@pytest.mark.parametrize("notebook_path", pipeline.discover_notebooks(paths.NOTEBOOKS), ids=lambda path: path.stem)
def test_jupyterlab_opens_every_notebook_on_the_project_kernel(notebook_path):
    """JupyterLab takes the one allowed kernel of the notebook's language, ``language_info.name``; without it,
    a notebook whose kernel name (``python3``) is not served asks the author to pick a kernel."""
    metadata = nbformat.read(notebook_path, as_version=4).metadata
    assert metadata.get("language_info", {}).get("name") == metadata.kernelspec.language == "python"
    assert metadata.kernelspec.name in {"python3", lab.KERNEL_NAME}


@needs_lab
def test_jupyterlab_myst_is_installed_and_compatible_with_jupyterlab():
    result = subprocess.run(
        [sys.executable, "-m", "jupyter", "labextension", "list"], capture_output=True, text=True, timeout=120
    )
    listing = result.stdout + result.stderr
    line = next((line for line in listing.splitlines() if "jupyterlab-myst" in line), "")
    assert "enabled" in line and "OK" in line, listing
    assert "not compatible" not in listing, listing


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@needs_lab
@pytest.mark.slow
def test_make_lab_serves_the_project_kernel_only_and_opens_on_the_notebooks(tmp_path):
    port = _free_port()
    token = "lab-test-token"
    command = [
        str(JUPYTER_LAB),
        *lab.lab_arguments(as_root=True, port=port),
        f"--IdentityProvider.token={token}",
        "--ServerApp.port_retries=0",
    ]
    jupyter_folders = {name: str(tmp_path / name) for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR")}
    server = subprocess.Popen(
        command, env=workspace_environment(tmp_path) | jupyter_folders, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        specs = None
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"{base}/api/kernelspecs?token={token}", timeout=5) as response:
                    specs = json.load(response)
                break
            except OSError:
                assert server.poll() is None, server.communicate()[0].decode(errors="replace")[-3000:]
                time.sleep(0.5)
        assert specs is not None, "JupyterLab did not answer"
        assert specs["default"] == lab.KERNEL_NAME
        assert set(specs["kernelspecs"]) == {lab.KERNEL_NAME}
        assert specs["kernelspecs"][lab.KERNEL_NAME]["spec"]["argv"][0] == sys.executable
        with urllib.request.urlopen(f"{base}/?token={token}", timeout=10) as response:
            assert response.geturl().startswith(f"{base}/lab/tree/{lab.START_FOLDER}")
    finally:
        server.terminate()
        server.communicate(timeout=60)


# --------------------------------------------------------------------------- a notebook run as JupyterLab runs it


@pytest.mark.parametrize("notebook_path", pipeline.discover_notebooks(paths.NOTEBOOKS), ids=lambda path: path.stem)
def test_notebooks_glue_through_show_so_an_author_sees_what_they_glue(notebook_path):
    code = "\n".join(
        cell.source for cell in nbformat.read(notebook_path, as_version=4).cells if cell.cell_type == "code"
    )
    assert "from myst_nb import" not in code, "glue with `from analysis.report.show import glue` (see its docstring)"


def _shown(notebook: nbformat.NotebookNode) -> list[tuple[str, nbformat.NotebookNode]]:
    return [
        (output.metadata[show.SHOWN_KEY], output)
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if show.SHOWN_KEY in output.get("metadata", {})
    ]


def _glued_names(notebook: nbformat.NotebookNode) -> list[str]:
    return [
        output.metadata["scrapbook"]["name"]
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if "scrapbook" in output.get("metadata", {})
    ]


@pytest.fixture(scope="module")
def lab_run(small_build, tmp_path_factory) -> nbformat.NotebookNode:
    """The committed notebook run as JupyterLab runs it (project kernel, in ``notebooks/``) on a copy of the small build."""
    from nbclient import NotebookClient

    workspace = tmp_path_factory.mktemp("lab") / "workspace"
    shutil.copytree(small_build, workspace, ignore=shutil.ignore_patterns("executed"))
    notebook = nbformat.read(paths.NOTEBOOKS / f"{LAB_NOTEBOOK}.ipynb", as_version=4)
    kernel_environment = workspace_environment(workspace)
    kernel_environment.pop(show.PIPELINE_VARIABLE, None)
    client = NotebookClient(
        notebook, kernel_name=lab.KERNEL_NAME, timeout=600, resources={"metadata": {"path": str(paths.NOTEBOOKS)}}
    )
    client.execute(env=kernel_environment)
    return notebook


@pytest.mark.slow
def test_a_notebook_run_as_in_jupyterlab_shows_its_figures_tables_and_numbers(lab_run, small_build):
    shown = _shown(lab_run)
    figures = [name for name, output in shown if "image/png" in output.get("data", {})]
    tables = [name for name, output in shown if "text/html" in output.get("data", {}) and name.startswith("tbl_")]
    assert figures and all(name.startswith("fig_") for name in figures)
    assert tables
    summaries = "\n".join(output.data["text/plain"] for name, output in shown if name == show.SUMMARY)
    # Every named quantity shows with the value the pipeline glued for the book (to the shown digits).
    named = quantities.executed_quantities(small_build / "build" / "executed")
    named = named[named["notebook"] == LAB_NOTEBOOK]
    assert len(named) > 0
    shown_values = dict(line.split(" = ", 1) for line in summaries.splitlines() if " = " in line)
    for name, value in zip(named["name"], named["value"], strict=True):
        assert math.isclose(float(shown_values[name].replace(",", "")), value, rel_tol=1e-3, abs_tol=0.005), name
    # Every value glued for the book is visible: in a cell's summary, or as a figure or table.
    visible = {line.split(" = ")[0] for line in summaries.splitlines()} | {name for name, _ in shown}
    glued = [name for name in _glued_names(lab_run) if not name.startswith(quantities.QUANTITY_PREFIX)]
    assert [name for name in glued if name not in visible] == []


@pytest.mark.slow
def test_the_pipeline_copy_the_book_renders_has_none_of_what_an_author_sees(lab_run, small_build):
    executed = nbformat.read(small_build / "build" / "executed" / f"{LAB_NOTEBOOK}.ipynb", as_version=4)
    assert _shown(executed) == []
    assert _glued_names(executed) == _glued_names(lab_run)
    visible = [
        output
        for cell in executed.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "display_data"
        and not all(key.startswith(quantities.GLUE_MIME_PREFIX) for key in output.get("data", {}))
    ]
    assert visible == []
    # Without what show adds, the author's run has the pipeline's outputs, cell by cell.
    lab_cells = [cell for cell in lab_run.cells if cell.cell_type == "code"]
    book_cells = [cell for cell in executed.cells if cell.cell_type == "code"]
    assert len(lab_cells) == len(book_cells)
    for lab_cell, book_cell in zip(lab_cells, book_cells, strict=True):
        own = [output for output in lab_cell.outputs if show.SHOWN_KEY not in output.get("metadata", {})]
        assert [_comparable(output) for output in own] == [_comparable(output) for output in book_cell.outputs]


def _comparable(output: nbformat.NotebookNode) -> tuple:
    return output.output_type, output.get("metadata", {}), output.get("data", {}), output.get("text")
