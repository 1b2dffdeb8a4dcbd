"""Check from scratch that the built book shows what the code computes from the declared data (``make verify``).

Every file is hashed afresh (the rebuild trusts digests remembered with each file's size, times and
inode; this check trusts nothing):

* each acquired raw file against the sha256 its declaration gives (``analysis/reference/sources.yaml``);
* each output in each notebook's record (processed tables, quarantine files, figures, ``.tex`` tables,
  synthetic samples) against the sha256 recorded when its notebook wrote it (a file that several
  notebooks write, such as ``datapackage.json``, against any of their records);
* every notebook the runner would run now, with its reasons: its outputs and its chapter are stale,
  because an input (data, code, parameters, lock file) changed since they were built. Each notebook is
  judged with the parameters its record holds, so a build made with other parameters (the tests' small
  build) is judged as built;
* the book: its staged chapters are the executed copies as they are, and its pages were built from them.

The team's drop-in files (folders of ``data/raw`` that no source declares: ``survey``, ``crawl``,
``frame``) are listed with their sha256 and the notebooks whose records read them. The exit status is
1 when anything is found, 0 otherwise.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from analysis.core import paths
from analysis.runner import pipeline
from analysis.runner.fingerprints import digest_or_missing, pinned_mismatches


@dataclass
class Findings:
    """What :func:`verify` found: problems (each fails the check) and notes (for the record)."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _records(project: pipeline.Project) -> dict[str, dict]:
    """The finished records of the notebooks, by stem (a notebook without one is reported as stale)."""
    records = {}
    for notebook in pipeline.discover_notebooks(project.notebooks):
        state = pipeline.load_state(project, notebook)
        if state is not None:
            records[notebook.stem] = state
    return records


def raw_problems(project: pipeline.Project, digest: Callable[[Path], str]) -> list[str]:
    """Each acquired raw file whose bytes differ from its declaration, with both digests."""
    return [
        f"raw file {project.display(path_text)} does not hold its declared bytes "
        f"(declared sha256 {declared}, actual {actual}): delete it and acquire it again (make run NB=10)"
        for path_text, (declared, actual) in pinned_mismatches(project.pins(), digest).items()
    ]


def output_problems(project: pipeline.Project, digest: Callable[[Path], str]) -> list[str]:
    """Each recorded output that has gone, or whose bytes no record of a notebook that writes it vouches for."""
    writers: dict[str, dict[str, str]] = {}
    for stem, state in _records(project).items():
        for path_text, recorded in state["outputs"].items():
            writers.setdefault(path_text, {})[stem] = recorded
    problems = []
    for path_text, recorded in sorted(writers.items()):
        current = digest(Path(path_text))
        names = ", ".join(recorded)
        if current == "missing":
            problems.append(f"output {project.display(path_text)} is missing (written by {names})")
        elif current not in recorded.values():
            problems.append(
                f"output {project.display(path_text)} changed since {names} wrote it "
                f"(recorded sha256 {' / '.join(sorted(set(recorded.values())))}, now {current})"
            )
    return problems


def stale_notebooks(project: pipeline.Project, digest: Callable[[Path], str]) -> list[str]:
    """Each notebook the runner would run now (with the parameters of its record), and why."""
    parameters = {stem: state.get("parameters", {}) for stem, state in _records(project).items()}
    plan = pipeline.Plan(project, parameters, digest=digest)
    return [
        f"{decision.notebook.stem} is stale, its outputs and chapter with it: {pipeline.summarise(decision.reasons)}"
        for decision in map(plan.decide, pipeline.discover_notebooks(project.notebooks))
        if decision.runs
    ]


def book_problems(project: pipeline.Project, html: Path, staging: Path) -> list[str]:
    """Whether the book in ``html`` was built from the executed copies as they are (staged in ``staging``)."""
    from analysis.runner import book, manuscripts

    stamp = html / book.FINGERPRINT_NAME
    if not stamp.is_file():
        return [f"the book has not been built ({project.display(stamp)} is missing): make book"]
    problems = [
        f"chapter {executed.stem} changed since the book was built: make book"
        for executed in sorted(project.executed.glob("*.ipynb"))
        if (project.notebooks / executed.name).exists()  # an executed copy of a renamed notebook is not staged
        and (
            not (staged := staging / book.STAGED_NOTEBOOKS / executed.name).is_file()
            or staged.read_bytes() != book.collapse_code(executed.read_bytes())
        )
    ]
    files = sorted(
        path
        for path in staging.rglob("*")
        if path.is_file() and not book.IGNORED_BOOK_PARTS.intersection(path.relative_to(staging).parts)
    )
    if (staging / book.TOC_NAME).is_file():  # the book's stamp covers the staged files the book depends on
        toc_text = (staging / book.TOC_NAME).read_text(encoding="utf-8")
        files = manuscripts.relevant_files(files, staging, toc_text, manuscripts.BOOK.name)
    if book.fingerprint(files, staging) != stamp.read_text():
        problems.append("the book's staged sources changed since its pages were built: make book")
    return problems + appendix_problems(staging)


def appendix_problems(staging: Path) -> list[str]:
    """Whether the staged reproducibility appendix still names this checkout's commit, lock file and raw files."""
    from analysis.runner import reproducibility

    if not (staging / reproducibility.GENERATED_DIR).is_dir():
        return []
    stale = [
        name
        for name, content in reproducibility.appendix_files().items()
        if not (staging / name).is_file() or (staging / name).read_bytes() != content
    ]
    return (
        [f"the reproducibility appendix ({', '.join(stale)}) no longer describes this checkout: make book"]
        if stale
        else []
    )


def drop_in_notes(project: pipeline.Project, digest: Callable[[Path], str]) -> list[str]:
    """The team's files in the drop-in folders of ``data/raw``, each with its sha256 and the notebooks that read it."""
    declared = {Path(path_text).parent.name for path_text in project.pins()}
    readers: dict[str, list[str]] = {}
    for stem, state in _records(project).items():
        for path_text in state["inputs"]:
            readers.setdefault(path_text, []).append(stem)
    raw = paths.raw_dir()
    folders = sorted(folder for folder in raw.iterdir() if folder.is_dir() and folder.name not in declared)
    return [
        f"drop-in {project.display(path)} sha256 {digest(path)}, "
        + (f"read by {', '.join(readers[str(path)])}" if str(path) in readers else "read by no notebook")
        for folder in folders
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    ]


def verify(project: pipeline.Project, html: Path | None = None, staging: Path | None = None) -> Findings:
    """Everything :mod:`analysis.runner.verify` checks, on ``project`` (the book too when ``html`` is given)."""
    digest = functools.cache(digest_or_missing)  # every file hashed once in full, none remembered across runs
    findings = Findings()
    findings.problems += raw_problems(project, digest)
    findings.problems += output_problems(project, digest)
    findings.problems += stale_notebooks(project, digest)
    if html is not None:
        findings.problems += book_problems(project, html, staging or paths.build_dir() / "book-src")
    if paths.raw_dir().is_dir():
        findings.notes += drop_in_notes(project, digest)
    return findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.runner.verify", description=__doc__.split("\n")[0])
    parser.add_argument("--no-book", action="store_true", help="leave out the check of the built book")
    args = parser.parse_args(argv)
    from analysis.runner import book

    started = time.perf_counter()
    findings = verify(pipeline.Project(), html=None if args.no_book else book.html_dir())
    for note in findings.notes:
        print(note)
    for problem in findings.problems:
        print(f"PROBLEM: {problem}")
    seconds = time.perf_counter() - started
    if findings.problems:
        print(f"verify: {len(findings.problems)} problem(s) found in {seconds:.1f} s", file=sys.stderr)
        return 1
    print(f"verify: every raw file, output and chapter checked from scratch in {seconds:.1f} s: nothing is stale")
    return 0


if __name__ == "__main__":
    sys.exit(main())
