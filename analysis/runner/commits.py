"""What a notebook run leaves behind, put in place only when it succeeded: its staged outputs and executed copy.

While the runner executes a notebook, the project's writers stage every output as
``<folder>/.pending/<name>`` (:mod:`analysis.core.staging`). When every cell ran, :func:`commit_staged`
renames the staged files the trace lists to their real names; a failed run's staged files are deleted
(:func:`discard_staged`), and those a killed run left are deleted before the next run
(:func:`sweep_stale`). So the real names always hold the outputs of one successful run (or none).

The executed copy is finished here too (:func:`finalise_executed`: no clock reading, no machine path),
and a prose-only edit reaches it without a run (:func:`refresh_prose`).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from analysis.core import datapackage, staging
from analysis.runner.tracing import TRACE_TAG, read_trace


@contextlib.contextmanager
def staging_environment() -> Iterator[None]:
    """Within the block, kernels started by this process stage their outputs (:mod:`analysis.core.staging`)."""
    saved = os.environ.get(staging.STAGING_VARIABLE)
    os.environ[staging.STAGING_VARIABLE] = "1"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(staging.STAGING_VARIABLE, None)
        else:
            os.environ[staging.STAGING_VARIABLE] = saved


def final_trace(trace: dict[str, set[str]]) -> dict[str, set[str]]:
    """``trace`` with every staged file named by its real name (what the run's record must list)."""
    return {kind: {str(staging.final(path)) for path in paths} for kind, paths in trace.items()}


def commit_staged(written: Iterable[str]) -> list[Path]:
    """Rename the staged files among ``written`` to their real names, and merge the staged fragments into theirs
    (:func:`analysis.core.datapackage.merge_fragment`); return the real names.

    Called once every cell ran. Each rename and merge is atomic; a kill between two leaves the run's
    record marked unfinished, so the next run redoes the notebook.
    """
    committed = []
    for path_text in sorted(written):
        if staging.is_pending(path_text) and Path(path_text).is_file():
            if staging.is_fragment(path_text):
                datapackage.merge_fragment(Path(path_text), staging.final(path_text))
            else:
                os.replace(path_text, staging.final(path_text))
            committed.append(staging.final(path_text))
    return committed


def discard_staged(written: Iterable[str]) -> None:
    """Delete the staged files among ``written`` (a failed or killed run's): the real names keep their bytes."""
    for path_text in written:
        if staging.is_pending(path_text):
            Path(path_text).unlink(missing_ok=True)


def sweep_stale(state_folder: Path) -> None:
    """Delete the staged files that the traces in ``state_folder`` list (left by a killed run; none otherwise) and
    the staging folders left empty.

    The runner calls it before and after a run, when no notebook runs: notebooks running side by side stage their
    outputs in the same ``.pending`` folders (``build/figures/.pending``), so none is removed while one may be
    writing into it (a notebook that finished first once removed the folder a figure was being saved into)."""
    written = [path for trace_file in sorted(state_folder.glob("*.trace")) for path in read_trace(trace_file)["writes"]]
    discard_staged(written)
    _remove_empty_pending_folders(written)


def _remove_empty_pending_folders(written: Iterable[str]) -> None:
    for folder in {Path(path_text).parent for path_text in written if staging.is_pending(path_text)}:
        with contextlib.suppress(OSError):  # not empty, or gone
            folder.rmdir()


# --------------------------------------------------------------------------- executed copies


def refresh_prose(notebook: Path, executed_path: Path) -> bool:
    """Bring ``notebook``'s markdown into its executed copy without running it; True when the copy changed.

    A prose-only edit does not re-run a notebook, but the book must show the new prose. The copy keeps
    its code cells with their outputs (and papermill's injected parameters cell), in the order of the
    source's code cells, which are the same because the code did not change; every markdown cell is
    taken from the source, so markdown cells can be edited, added, removed or moved.
    """
    if not executed_path.exists() or _prose_is_current(notebook, executed_path):
        return False
    import nbformat

    source = nbformat.read(notebook, as_version=4)
    executed = nbformat.read(executed_path, as_version=4)
    is_injected = lambda cell: "injected-parameters" in cell.metadata.get("tags", [])  # noqa: E731
    run_cells = iter([cell for cell in executed.cells if cell.cell_type == "code" and not is_injected(cell)])
    injected = [cell for cell in executed.cells if is_injected(cell)]
    cells = []
    for cell in source.cells:
        if cell.cell_type != "code":
            cells.append(cell)
            continue
        cells.append(next(run_cells))
        if "parameters" in cell.metadata.get("tags", []):
            cells += injected
    if [cell.source for cell in cells] == [cell.source for cell in executed.cells]:
        return False
    executed.cells = cells
    temporary = executed_path.with_suffix(".ipynb.tmp")
    nbformat.write(executed, temporary)
    os.replace(temporary, executed_path)
    return True


def _prose_is_current(notebook: Path, executed_path: Path) -> bool:
    """True when the executed copy already holds ``notebook``'s markdown, read as plain JSON (what an unchanged
    ``make all`` checks for every notebook: nbformat's reading and validation would cost ten times as much)."""
    import json

    def cells(path: Path) -> list[dict]:
        return json.loads(path.read_text(encoding="utf-8")).get("cells", [])

    def text(cell: dict) -> str:
        source = cell.get("source", "")
        return "".join(source) if isinstance(source, list) else source

    def tags(cell: dict) -> list[str]:
        return cell.get("metadata", {}).get("tags", [])

    source, executed = cells(notebook), cells(executed_path)
    run = iter(
        [cell for cell in executed if cell.get("cell_type") == "code" and "injected-parameters" not in tags(cell)]
    )
    injected = [cell for cell in executed if "injected-parameters" in tags(cell)]
    merged = []
    for cell in source:
        if cell.get("cell_type") != "code":
            merged.append(cell)
            continue
        merged.append(next(run, {}))
        if "parameters" in tags(cell):
            merged += injected
    return [text(cell) for cell in merged] == [text(cell) for cell in executed]


def finalise_executed(executed: Path, source_name: str, output_name: str) -> None:
    """Drop the tracing cells and every clock reading, and record papermill's input and output as paths
    of no particular machine: two runs of the same code on the same inputs give the same bytes.

    Papermill would store the whole traced notebook, absolute paths, a random id for the cell of injected
    parameters, and the start, end and duration of the run and of each cell (plus the kernel's timestamps
    in ``execution``). A notebook or executed copy outside the project (``PARADIP_BUILD``, the generated
    case-study notebooks) is named by its folder and file only.
    """
    import nbformat

    notebook = nbformat.read(executed, as_version=4)
    notebook.cells = [cell for cell in notebook.cells if TRACE_TAG not in cell.metadata.get("tags", [])]
    for item in [*notebook.cells, notebook]:
        item.metadata.pop("execution", None)
        for key in ("start_time", "end_time", "duration"):
            item.metadata.get("papermill", {}).pop(key, None)
        if "injected-parameters" in item.metadata.get("tags", []):
            item.id = "injected-parameters"  # papermill gives it a random id
    if "papermill" in notebook.metadata:
        notebook.metadata.papermill["input_path"] = _machine_free(source_name)
        notebook.metadata.papermill["output_path"] = _machine_free(output_name)
    nbformat.write(notebook, executed)


def _machine_free(name: str) -> str:
    """``name`` as it is when relative to the project, else its folder and file only (no machine's path)."""
    path = Path(name)
    return str(Path(path.parent.name, path.name) if path.is_absolute() else path)


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)
