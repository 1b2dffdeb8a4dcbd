"""Tracing inside a notebook's kernel: which files it reads, writes and lists, and which modules it imports.

:func:`traced_notebook` adds a first cell that installs an audit hook (Python-level ``open``, renames,
folder listings and the ``paradip.*`` events of :mod:`analysis.core.tracking`) writing one line per
file to a trace file, and a last cell that lists the project modules imported; :func:`read_trace`
reads that file back. Both cells carry :data:`TRACE_TAG`, so the runner can drop them from the
executed copy.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

TRACE_TAG = "pipeline-trace"

_PROLOGUE = """\
import sys as _pipeline_sys, os as _pipeline_os
_pipeline_trace = open({trace!r}, "w", encoding="utf-8")
_pipeline_watched = {watched!r}
_pipeline_ignored = {ignored!r}
_pipeline_data_folders = {data_folders!r}
def _pipeline_hook(event, args, _sys=_pipeline_sys, _os=_pipeline_os, _out=_pipeline_trace):
    if event == "open":
        target, mode, flags = args
        writes = (mode is not None and any(c in mode for c in "wax+")) or (mode is None and (flags & 3))
    elif event in ("paradip.read", "paradip.write"):
        target, writes = args[0], event == "paradip.write"
    elif event == "os.rename":
        target, writes = args[1], True
    elif event in ("os.scandir", "os.listdir", "paradip.folder"):
        target, writes = args[0], "folder"
        if target is None:
            target = "."
    else:
        return
    if isinstance(target, int):
        return
    target = _os.fsdecode(_os.fspath(target))
    target = _os.path.abspath(target)
    # Only data folders count for listings: the import system lists package folders all the time.
    if writes == "folder" and event != "paradip.folder" and not any(target.startswith(prefix) for prefix in _pipeline_data_folders):
        return
    if target.endswith((".py", ".pyc")) or any(target.startswith(prefix) for prefix in _pipeline_ignored):
        return
    if any(target.startswith(prefix) for prefix in _pipeline_watched):
        _out.write(("D " if writes == "folder" else "W " if writes else "R ") + target + "\\n")
        _out.flush()
_pipeline_sys.addaudithook(_pipeline_hook)
"""

_EPILOGUE = """\
for _pipeline_module in list(_pipeline_sys.modules.values()):
    _pipeline_file = getattr(_pipeline_module, "__file__", None) or ""
    if _pipeline_file.endswith(".py") and _pipeline_file.startswith({root!r}) and not any(
        _pipeline_file.startswith(prefix) for prefix in _pipeline_ignored
    ):
        _pipeline_trace.write("M " + _pipeline_file + "\\n")
_pipeline_trace.close()
"""


def traced_notebook(
    notebook: Any,
    trace_file: Path,
    root: Path,
    watched: Iterable[Path],
    ignored: Iterable[Path],
    data_folders: Iterable[Path],
) -> Any:
    """A copy of ``notebook`` with a first cell that records file access and a last one that records imports.

    Files under ``watched`` folders are recorded, except under ``ignored`` ones; listings only of
    ``data_folders``; modules only under ``root``.
    """
    import nbformat

    prefixes = lambda folders: [str(folder) + os.sep for folder in folders]  # noqa: E731
    prologue = nbformat.v4.new_code_cell(
        _PROLOGUE.format(
            trace=str(trace_file),
            watched=prefixes(watched),
            ignored=prefixes(ignored),
            data_folders=prefixes(data_folders),
        )
    )
    epilogue = nbformat.v4.new_code_cell(_EPILOGUE.format(root=str(Path(root).resolve()) + os.sep))
    for cell in (prologue, epilogue):
        cell.metadata["tags"] = [TRACE_TAG]
    traced = copy.deepcopy(notebook)
    traced.cells = [prologue, *traced.cells, epilogue]
    return traced


def read_trace(trace_file: Path) -> dict[str, set[str]]:
    """What a trace file records: the files read, written and listed, and the modules imported."""
    trace: dict[str, set[str]] = {"reads": set(), "writes": set(), "modules": set(), "folders": set()}
    kinds = {"R": "reads", "W": "writes", "M": "modules", "D": "folders"}
    for line in trace_file.read_text(encoding="utf-8", errors="replace").splitlines():
        kind, _, path_text = line.partition(" ")
        if kind in kinds and path_text:  # a run killed mid-line leaves a torn last line
            trace[kinds[kind]].add(path_text)
    return trace
