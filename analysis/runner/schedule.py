"""Which notebooks may run at the same time, and the worker processes that run them.

A clean build has no records, so the runner cannot learn from traces which notebook reads which
before anything ran: each notebook's upstream notebooks (those whose outputs it reads) are declared
in one file beside the notebooks, ``notebooks/upstream.csv`` (:data:`DECLARATION_NAME`; columns
``notebook``, ``upstream`` with number prefixes or stems separated by spaces, and ``note``). A
notebook starts once every declared upstream notebook that runs in the same pass has finished; a
notebook the file does not list waits for every notebook before it (the order of a sequential run),
so a new notebook is safe before it is declared.

The declaration is checked against every run's trace (:func:`undeclared_reads`): a notebook that read
a file another notebook's record lists as its output, when that notebook is not among its declared
(direct or indirect) upstream notebooks, fails the run with a message naming both and the file,
because the two could run at the same time and the reader could see half-written or old data.

:class:`Workers` runs notebooks in worker processes, as many at a time as it has jobs; with one job a
notebook runs in the runner's own process, exactly as a sequential run. Nothing here is imported or
started when no notebook runs.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

DECLARATION_NAME = "upstream.csv"


def default_jobs() -> int:
    """How many notebooks run at a time by default: the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def read_declaration(folder: Path) -> dict[str, list[str]]:
    """``notebooks/upstream.csv`` of ``folder``: each declared notebook's stem and the names of its upstream notebooks.

    An absent file declares nothing (every notebook then waits for all the notebooks before it).
    """
    declaration = folder / DECLARATION_NAME
    if not declaration.is_file():
        return {}
    with declaration.open(encoding="utf-8", newline="") as handle:
        return {row["notebook"].strip(): (row["upstream"] or "").split() for row in csv.DictReader(handle)}


def _matches(stem: str, name: str) -> bool:
    """True when ``name`` (a stem or a number prefix) names the notebook ``stem``."""
    return stem == name or stem.split("_", 1)[0] == name


def upstream_closure(notebooks: list[Path], declared: Mapping[str, list[str]]) -> dict[str, set[str]]:
    """Each notebook's stem and the stems of every notebook it depends on, directly or through others.

    ``notebooks`` are in run order; an upstream notebook must come before its reader. A notebook that
    ``declared`` does not list depends on every notebook before it. Raises ``ValueError`` naming a declared
    upstream that names no notebook, or one that does not come before its reader.
    """
    stems = [notebook.stem for notebook in notebooks]
    closure: dict[str, set[str]] = {}
    for position, stem in enumerate(stems):
        if stem not in declared:
            closure[stem] = set(stems[:position])
            continue
        direct = set()
        for name in declared[stem]:
            found = [other for other in stems if _matches(other, name)]
            if not found:
                raise ValueError(f"{DECLARATION_NAME}: {stem} names upstream notebook {name!r}, which does not exist")
            if stems.index(found[0]) >= position:
                raise ValueError(f"{DECLARATION_NAME}: {stem} names upstream {found[0]}, which runs after it")
            direct.add(found[0])
        closure[stem] = direct.union(*(closure[other] for other in direct))
    return closure


def read_from(read: Iterable[str], written: Iterable[str]) -> list[str]:
    """The files of ``written`` that ``read`` (files read and folders listed) reads: itself, or its folder's listing."""
    read = read if isinstance(read, set) else set(read)
    return sorted(path for path in written if path in read or os.path.dirname(path) in read)


def undeclared_reads(
    inputs: Mapping[str, Iterable[str]], outputs: Mapping[str, Iterable[str]], closure: Mapping[str, set[str]]
) -> list[tuple[str, str]]:
    """``(reader, message)`` for each notebook of ``inputs`` (stem -> files read and folders listed) that read a file
    which another notebook of ``outputs`` (stem -> files written) writes, when that writer is not upstream of it."""
    problems = []
    for reader, read in sorted(inputs.items()):
        read = set(read)
        for writer, written in sorted(outputs.items()):
            if writer == reader or writer in closure.get(reader, set()):
                continue
            shared = read_from(read, written)
            if not shared:
                continue
            problems.append(
                (
                    reader,
                    f"{reader} read {', '.join(shared[:3])}{' and more' if len(shared) > 3 else ''}, which {writer} "
                    f"writes, but {writer} is not declared upstream of {reader} in notebooks/{DECLARATION_NAME}: "
                    f"add it to {reader}'s upstream notebooks (the two could run at the same time)",
                )
            )
    return problems


def _die_with_parent() -> None:
    """In a worker: be killed when the runner dies (a ``kill -9`` of the runner must not leave a notebook running)."""
    import contextlib
    import ctypes
    import signal

    with contextlib.suppress(AttributeError, OSError):  # not Linux: the worker finishes its notebook, unrecorded
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _process_pool(jobs: int) -> Any:
    """A pool of ``jobs`` worker processes, forked from the runner when the first notebook is submitted.

    Forked rather than spawned: a spawned worker imports the runner's main script again, and a script that calls
    :func:`analysis.runner.pipeline.run` without an ``if __name__ == "__main__"`` guard would then run the pipeline
    in every worker. The fork is safe here: the runner starts no thread of its own, the pool forks all its workers
    before starting its own threads, and a worker only imports papermill and starts kernels (new processes), never
    using a library the runner had loaded. The streams are flushed first, so no worker prints the runner's lines again.
    """
    import multiprocessing
    import sys
    from concurrent.futures import ProcessPoolExecutor

    sys.stdout.flush()
    sys.stderr.flush()
    return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"), initializer=_die_with_parent)


class Workers:
    """Runs functions in up to ``jobs`` worker processes, started when the first is submitted (a context manager).

    With one job, :meth:`submit` runs the function at once in this process and returns a finished future.
    """

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = max(1, jobs or default_jobs())
        self._pool: Any = None

    def submit(self, function: Callable[..., Any], *args: Any) -> Any:
        """A ``concurrent.futures.Future`` of ``function(*args)``."""
        from concurrent.futures import Future

        if self.jobs == 1:
            future: Future = Future()
            try:
                future.set_result(function(*args))
            except Exception as error:  # handed to the caller through the future
                future.set_exception(error)
            return future
        if self._pool is None:
            self._pool = _process_pool(self.jobs)
        return self._pool.submit(function, *args)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
