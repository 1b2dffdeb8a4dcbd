"""Run the numbered notebooks, several at a time, re-running only those whose inputs changed.

A notebook re-runs when something it depends on changed since its last successful run:

* its own code (cell sources and tags; outputs and markdown-only edits do not count)
  or the parameters it is given;
* a data file it read (recorded while it ran: Python-level ``open`` calls seen by an
  audit hook, plus :func:`analysis.core.tracking.note_read` from readers written in C),
  compared by its bytes;
* a data file it read is an output (in its last record) of an earlier notebook that runs now:
  so ``--dry-run`` names the whole chain a change sets off, and the real run runs that chain;
* a module of the project it imported (any ``.py`` file under the project root), compared by its
  code: docstrings, comments and formatting do not count (see :func:`module_digest`);
* the lock file of the environment (``requirements.lock``);
* a file it wrote has gone or holds other bytes than it wrote (a hand-edited table, figure or
  ``.tex`` file), or its executed copy has gone.

Everything else is reused. Before anything runs, every acquired raw file is checked against the
sha256 its declaration gives (``Project.pins``); a mismatch stops the run with
:class:`RawFileChanged`. Digests are remembered with each file's size, times and inode
(:class:`~analysis.runner.fingerprints.DigestCache`, ``build/state/digests.json``), so only changed
files are hashed again, and the code digest of each module source in ``build/state/module_digests.json``
(keyed by the sha256 of its bytes), so an unchanged rebuild parses no module; ``make verify`` (:mod:`analysis.runner.verify`) hashes everything afresh. The record of each run lives in ``build/state/<notebook>.json``.
Executed copies go to ``build/executed/``; the book renders those, never executing again.

Notebooks run several at a time (``--jobs``, default one per core; :mod:`analysis.runner.passes`): each is
decided with the same :class:`Plan` as the dry run, and to the same effect, once the upstream notebooks it
declares in ``notebooks/upstream.csv`` (:mod:`analysis.runner.schedule`) have finished, and runs in a worker
process; a read the declaration does not cover fails the run (:class:`UndeclaredUpstream`). ``--jobs 1`` runs
the notebooks one after another in numeric order, in the runner's own process.

Use ``python -m analysis.runner.pipeline --help`` (``make all`` calls it). Heavy imports
(papermill, nbformat) happen only when a notebook actually has to run, so an unchanged
rebuild costs a fraction of a second.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.core import paths, staging
from analysis.runner import commits, schedule
from analysis.runner.fingerprints import (
    DigestCache,
    digest_or_missing,
    folder_digest,
    load_code_digests,
    module_digest,
    notebook_code_digest,
    parameters_digest,
    pinned_mismatches,
    save_code_digests,
)
from analysis.runner.tracing import read_trace, traced_notebook

NOTEBOOK_PATTERN = re.compile(r"^(\d+)_[\w-]+\.ipynb$")
# 2: module digests hash the normalised syntax tree (version 1 hashed their bytes).
# 3: outputs are recorded with their sha256 (version 2 listed their paths).
STATE_VERSION = 3
DIGESTS_NAME = "digests.json"
CODE_DIGESTS_NAME = "module_digests.json"  # code digest of each module source, by the sha256 of its bytes


class NotebookFailed(RuntimeError):
    """A notebook raised; the message carries the failing cell's traceback."""


class UndeclaredUpstream(NotebookFailed):
    """A notebook read what a notebook that is not declared upstream of it writes (``notebooks/upstream.csv``)."""


class RawFileChanged(RuntimeError):
    """An acquired raw file does not hold its declared bytes; the message names it and says what to do."""


@dataclass(frozen=True)
class Project:
    """Where the runner finds notebooks and keeps its records (a test can point these at a temporary tree)."""

    root: Path = paths.ROOT
    notebooks: Path = paths.NOTEBOOKS
    lock_file: Path = paths.LOCK_FILE
    executed: Path = field(default_factory=paths.executed_dir)
    state: Path = field(default_factory=paths.state_dir)
    watched: tuple[Path, ...] = field(default_factory=lambda: _default_watched())
    data_folders: tuple[Path, ...] = field(default_factory=lambda: _default_data_folders())
    pins: Callable[[], Mapping[str, str]] = field(default=lambda: _declared_raw_digests())

    def display(self, path: str | Path) -> str:
        """``path`` relative to the project root when it lies inside it (for messages)."""
        path = Path(path)
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)


def _default_watched() -> tuple[Path, ...]:
    """Folders whose files count as notebook inputs and outputs: the project, the data and build folders, the mirror.

    The build folder counts even when it lies outside the project (``PARADIP_BUILD``): figures and
    tables written there are outputs like any other (its executed copies and records are ignored).
    """
    folders = [paths.ROOT, paths.data_dir(), paths.build_dir()]
    mirror = paths.mirror_dir()
    if mirror is not None:
        folders.append(mirror)
    return tuple(dict.fromkeys(Path(folder).resolve() for folder in folders))


def _declared_raw_digests() -> dict[str, str]:
    """Pinned outputs of the real project: each declared raw file's absolute path and its declared sha256.

    Acquisition refuses a file whose bytes differ from its declaration, so when the acquiring notebook
    runs, these outputs come out with the declared bytes: their readers need to run only when the
    declared digest differs from the one they read (see :class:`Plan`).
    """
    from analysis.acquire import registry

    return {os.path.abspath(path): digest for path, digest in registry.declared_raw_digests().items()}


def _default_data_folders() -> tuple[Path, ...]:
    """Folders whose listings count as inputs (a file appearing there re-runs the notebook that looked)."""
    folders = [paths.data_dir()]
    mirror = paths.mirror_dir()
    if mirror is not None:
        folders.append(mirror)
    return tuple(dict.fromkeys(Path(folder).resolve() for folder in folders))


@dataclass
class Decision:
    """Whether one notebook runs, and why."""

    notebook: Path
    reasons: list[str]

    @property
    def runs(self) -> bool:
        return bool(self.reasons)


@dataclass
class RunReport:
    """What one pipeline run did: per notebook, whether it ran, why, and how long it took."""

    decisions: list[Decision] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ran(self) -> list[str]:
        return [decision.notebook.stem for decision in self.decisions if decision.runs]


# --------------------------------------------------------------------------- executed copies


def refresh_prose(project: Project, notebook: Path) -> bool:
    """Bring ``notebook``'s markdown into its executed copy without running it (:func:`commits.refresh_prose`)."""
    return commits.refresh_prose(notebook, project.executed / notebook.name)


# --------------------------------------------------------------------------- discovery


def discover_notebooks(folder: Path) -> list[Path]:
    """The numbered notebooks ``NN_name.ipynb`` in ``folder``, in numeric order."""
    numbered = [path for path in folder.glob("*.ipynb") if NOTEBOOK_PATTERN.match(path.name)]
    return sorted(numbered, key=lambda path: (int(NOTEBOOK_PATTERN.match(path.name).group(1)), path.name))


def select_notebooks(all_notebooks: list[Path], selectors: Iterable[str] | None) -> list[Path]:
    """Notebooks whose stem or number prefix matches one of ``selectors`` (all when none)."""
    if not selectors:
        return all_notebooks
    wanted = list(selectors)
    chosen = [nb for nb in all_notebooks if any(nb.stem == s or nb.stem.split("_", 1)[0] == s for s in wanted)]
    unknown = [s for s in wanted if not any(nb.stem == s or nb.stem.split("_", 1)[0] == s for nb in all_notebooks)]
    if unknown:
        names = ", ".join(nb.stem for nb in all_notebooks)
        raise SystemExit(f"no notebook matches {unknown}; the notebooks are: {names}")
    return chosen


# --------------------------------------------------------------------------- state


def _state_path(project: Project, notebook: Path) -> Path:
    return project.state / f"{notebook.stem}.json"


def load_state(project: Project, notebook: Path) -> dict[str, Any] | None:
    """The record of ``notebook``'s last successful run, or ``None``: no record, one an older runner wrote,
    or the mark of a run that did not finish (see :func:`mark_unfinished`)."""
    state = _read_record(project, notebook)
    if state is None or state.get("unfinished") or state.get("version") != STATE_VERSION:
        return None
    return state


def _read_record(project: Project, notebook: Path) -> dict[str, Any] | None:
    state_file = _state_path(project, notebook)
    if not state_file.exists():
        return None
    try:
        return json.loads(state_file.read_text(encoding="utf-8"))
    except json.JSONDecodeError:  # torn by a kill: worth nothing
        return None


def mark_unfinished(project: Project, notebook: Path, written: Iterable[str] = ()) -> None:
    """Replace ``notebook``'s record by the mark of an unfinished run before it runs (and again if it fails).

    The mark keeps the previous record's outputs and adds what the failed run wrote, so that the notebooks
    reading them are still told that their writer will run again: a killed or failed run is never trusted,
    and the dry run keeps predicting the real run after it.
    """
    outputs = sorted({*recorded_outputs(project, notebook), *written})
    project.state.mkdir(parents=True, exist_ok=True)
    mark = {"version": STATE_VERSION, "notebook": notebook.name, "unfinished": True, "outputs": outputs}
    temporary = _state_path(project, notebook).with_suffix(".json.tmp")
    temporary.write_text(json.dumps(mark, indent=1) + "\n", encoding="utf-8")
    os.replace(temporary, _state_path(project, notebook))


def decide(
    project: Project,
    notebook: Path,
    parameters: Mapping[str, Any],
    force: bool = False,
    writers: Mapping[str, str] | None = None,
    expected: Mapping[str, str] | None = None,
    digest: Callable[[Path], str] = digest_or_missing,
) -> Decision:
    """Compare ``notebook``'s current inputs and outputs with its last run and list every reason to run it.

    ``writers`` maps a file to the earlier notebook that runs in this pass and wrote that file in
    its last recorded run (see :class:`Plan`); an input found there is a reason to run whatever its
    bytes are now, and its digest is not compared (the writer may rewrite it). ``expected`` maps a
    pinned output of such a notebook to the digest it will have; that digest, not the current bytes,
    is compared with the recorded one. ``digest`` gives a file's sha256 (a :class:`DigestCache`).
    """
    state = load_state(project, notebook)
    if force:
        return Decision(notebook, ["forced"])
    if state is None:
        record = _read_record(project, notebook)
        if record is None:
            return Decision(notebook, ["no record of a previous run"])
        unfinished = record.get("unfinished")
        return Decision(
            notebook, ["its last run did not finish" if unfinished else "its record was written by an older runner"]
        )
    reasons: list[str] = []
    if state["code_digest"] != notebook_code_digest(notebook):
        reasons.append("its code changed")
    if state["parameters_digest"] != parameters_digest(parameters):
        reasons.append("its parameters changed")
    if state["lock_digest"] != digest_or_missing(project.lock_file):
        reasons.append(f"{project.display(project.lock_file)} changed")
    writers, expected = writers or {}, expected or {}
    for path_text, recorded in sorted(state["inputs"].items()):
        if path_text in writers:
            reasons.append(f"input {project.display(path_text)} is written by {writers[path_text]}, which will run")
        elif path_text in expected:
            reasons += _changed(project, "declared input", path_text, recorded, expected[path_text])
        else:
            reasons += _changed(project, "input", path_text, recorded, digest(Path(path_text)))
    for path_text, recorded in sorted(state["modules"].items()):
        reasons += _changed(project, "module", path_text, recorded, module_digest(Path(path_text)))
    for path_text, recorded in sorted(state.get("folders", {}).items()):
        if folder_digest(Path(path_text)) != recorded:
            reasons.append(f"the files in {project.display(path_text)} changed")
    reasons += _changed_outputs(project, notebook, state["outputs"], digest)
    if not (project.executed / notebook.name).exists():
        reasons.append("its executed copy is missing")
    return Decision(notebook, reasons)


def _changed_outputs(
    project: Project, notebook: Path, outputs: Mapping[str, str], digest: Callable[[Path], str]
) -> list[str]:
    """Reasons to run found in ``notebook``'s recorded outputs: one has gone, or holds other bytes than it wrote.

    An output that other notebooks also write (``datapackage.json``, which every table writer updates)
    is checked for its presence only: its bytes are those of whichever writer ran last.
    """
    shared = _shared_outputs(project, notebook)
    reasons = []
    for path_text, recorded in sorted(outputs.items()):
        current = digest(Path(path_text))
        if current == "missing":
            reasons.append(f"output {project.display(path_text)} is missing")
        elif current != recorded and path_text not in shared:
            reasons.append(f"output {project.display(path_text)} changed since its notebook wrote it")
    return reasons


def _shared_outputs(project: Project, notebook: Path) -> set[str]:
    """Files that another notebook's record (or mark of an unfinished run) also lists as its output."""
    return {
        output
        for other in discover_notebooks(project.notebooks)
        if other != notebook
        for output in recorded_outputs(project, other)
    }


def _changed(project: Project, label: str, path_text: str, recorded: str, current: str) -> list[str]:
    """The reason a recorded file counts as changed (none when its digest is the recorded one)."""
    if current == recorded:
        return []
    return [f"{label} {project.display(path_text)} {'is missing' if current == 'missing' else 'changed'}"]


@dataclass
class Plan:
    """Decides, notebook after notebook in order, which run and why: ``--dry-run`` and the real run share it.

    Besides its own changes (:func:`decide`), a notebook runs when a file it read last time is an
    output, in the last record, of an earlier notebook that runs in this pass. Deciding this from the
    records rather than from the rewritten bytes is what lets the dry run name exactly the notebooks
    the real run runs; the price is that a notebook whose rewritten outputs come out byte-identical
    still sets off the notebooks that read them. Pinned outputs (``Project.pins``: files whose bytes a
    declaration fixes, such as verified raw files) are the exception: their readers compare the
    declared digest, so re-running acquisition after an attribution edit re-runs nothing downstream.
    """

    project: Project
    parameters: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    force: bool = False
    writers: dict[str, str] = field(default_factory=dict)
    expected: dict[str, str] = field(default_factory=dict)
    digest: Callable[[Path], str] = digest_or_missing

    def decide(self, notebook: Path) -> Decision:
        """Whether ``notebook`` runs in this pass; when it does, its recorded outputs mark their readers."""
        parameters = parameters_for(notebook, self.parameters)
        decision = decide(self.project, notebook, parameters, self.force, self.writers, self.expected, self.digest)
        if decision.runs:
            outputs = recorded_outputs(self.project, notebook)
            pins = self.project.pins() if outputs else {}
            for output in outputs:
                if output in pins:
                    self.expected[output] = pins[output]
                else:
                    self.writers[output] = notebook.stem
        return decision


def recorded_outputs(project: Project, notebook: Path) -> list[str]:
    """The files ``notebook`` wrote in its last recorded run, also from a record an older runner wrote
    (which lists them without their digests, as a mark of an unfinished run does)."""
    record = _read_record(project, notebook)
    return list(record.get("outputs", [])) if record else []


def dry_run(
    project: Project,
    selectors: Iterable[str] | None = None,
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
    force: bool = False,
) -> list[Decision]:
    """What :func:`run` would do with the same arguments, deciding with the same :class:`Plan`, running nothing."""
    digests = digest_cache(project)
    plan = Plan(project, parameters or {}, force, digest=digests)
    decisions = [
        plan.decide(notebook) for notebook in select_notebooks(discover_notebooks(project.notebooks), selectors)
    ]
    digests.save()
    save_code_digests(project.state / CODE_DIGESTS_NAME)
    return decisions


def digest_cache(project: Project) -> DigestCache:
    """The digests remembered in ``project``'s state folder (see :class:`DigestCache`), and the modules' code digests."""
    load_code_digests(project.state / CODE_DIGESTS_NAME)
    return DigestCache(project.state / DIGESTS_NAME)


def check_raw_files(project: Project, digest: Callable[[Path], str] = digest_or_missing) -> None:
    """Raise :class:`RawFileChanged` naming every acquired raw file whose bytes differ from its declaration."""
    mismatches = pinned_mismatches(project.pins(), digest)
    if not mismatches:
        return
    described = "\n".join(
        f"  {project.display(path_text)}\n    declared sha256 {declared}\n    actual   sha256 {actual}"
        for path_text, (declared, actual) in mismatches.items()
    )
    removal = " ".join(f"'{project.display(path_text)}'" for path_text in mismatches)
    raise RawFileChanged(
        f"{len(mismatches)} acquired raw file(s) do not hold the bytes analysis/reference/sources.yaml declares:\n"
        f"{described}\nRaw files are never modified, and nothing was run on them. Delete the file(s) "
        f"(rm -f {removal}) and acquire them again: `make run NB=10` (or `make all`). If a source was "
        "updated on purpose, update its sha256 in analysis/reference/sources.yaml and its PROVENANCE.md."
    )


def write_state(
    project: Project, notebook: Path, parameters: Mapping[str, Any], trace: dict[str, set[str]], seconds: float
) -> None:
    """Record a successful run of ``notebook`` in its state file, each file read or written with its sha256."""
    # Temporary files that were written and then renamed or deleted are not outputs.
    outputs = sorted(path for path in trace["writes"] if Path(path).is_file())
    inputs = sorted(trace["reads"] - trace["writes"])
    state = {
        "version": STATE_VERSION,
        "notebook": notebook.name,
        "code_digest": notebook_code_digest(notebook),
        "parameters": dict(parameters),
        "parameters_digest": parameters_digest(parameters),
        "lock_digest": digest_or_missing(project.lock_file),
        "inputs": {path: digest_or_missing(Path(path)) for path in inputs},
        "modules": {path: module_digest(Path(path)) for path in sorted(trace["modules"])},
        "folders": {path: folder_digest(Path(path)) for path in sorted(trace["folders"])},
        "outputs": {path: digest_or_missing(Path(path)) for path in outputs},
        "seconds": round(seconds, 3),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    project.state.mkdir(parents=True, exist_ok=True)
    temporary = _state_path(project, notebook).with_suffix(".json.tmp")
    temporary.write_text(json.dumps(state, indent=1, default=str) + "\n", encoding="utf-8")
    os.replace(temporary, _state_path(project, notebook))


# --------------------------------------------------------------------------- execution


def _ignored_folders(project: Project) -> list[Path]:
    """Folders never traced (:mod:`analysis.runner.tracing`): the environment, the runner's records, the notebooks."""
    root = project.root.resolve()
    return [
        project.executed.resolve(),
        project.state.resolve(),
        root / ".venv",
        root / ".git",
        project.notebooks.resolve(),
    ]


def execute_notebook(project: Project, notebook: Path, parameters: Mapping[str, Any]) -> dict[str, set[str]]:
    """Execute ``notebook`` with papermill and return what it read, wrote and imported.

    The executed copy is written under a temporary name, and the project's writers stage every output
    (:mod:`analysis.core.staging`); when every cell ran, the staged outputs are renamed to their real
    names and the executed copy takes its place (:mod:`analysis.runner.commits`), and the trace names
    them by their real names. A failure (see :func:`_discard_failed_run`) keeps the previous good outputs,
    keeps the failed copy as ``<stem>.failed`` for inspection (the book never reads it), and raises
    :class:`NotebookFailed` with the failing cell's traceback.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from analysis.report import show

    project.executed.mkdir(parents=True, exist_ok=True)
    project.state.mkdir(parents=True, exist_ok=True)
    trace_file = project.state / f"{notebook.stem}.trace"
    output = project.executed / notebook.name
    partial = project.state / "partial" / notebook.name  # the book reads build/executed only
    partial.parent.mkdir(exist_ok=True)
    source = nbformat.read(notebook, as_version=4)
    if trace_file.exists():  # the staged files a killed run of this notebook left
        commits.discard_staged(read_trace(trace_file)["writes"])
    try:
        # The kernel glues without showing anything (the book places every result, analysis.report.show),
        # and stages its outputs.
        with show.pipeline_environment(), commits.staging_environment():
            papermill.execute_notebook(
                traced_notebook(
                    source, trace_file, project.root, project.watched, _ignored_folders(project), project.data_folders
                ),
                str(partial),
                parameters=dict(parameters),
                cwd=str(notebook.parent),
                kernel_name=source.metadata.get("kernelspec", {}).get("name", "python3"),
                progress_bar=False,
                log_output=False,
                report_mode=False,
            )
    except PapermillExecutionError as error:
        _discard_failed_run(project, notebook, trace_file, partial)
        raise NotebookFailed(
            f"{project.display(notebook)} failed in cell {error.exec_count} "
            f"({error.ename}: {error.evalue})\n" + "\n".join(commits.strip_ansi(line) for line in error.traceback)
        ) from None
    except BaseException:
        _discard_failed_run(project, notebook, trace_file, partial)
        raise
    trace = read_trace(trace_file)
    commits.commit_staged(trace["writes"])
    commits.finalise_executed(partial, project.display(notebook), project.display(output))
    os.replace(partial, output)
    return commits.final_trace(trace)


def _discard_failed_run(project: Project, notebook: Path, trace_file: Path, partial: Path) -> None:
    """Delete what a failed run wrote and the previous executed copy; keep the failed copy aside.

    Staged outputs are deleted, so their real names keep the previous good run's bytes (or stay absent);
    a file written in place is deleted, unless other notebooks' records also list it as their output
    (``datapackage.json``): removing it would set off every notebook that wrote to it. The record is
    marked unfinished with the real names of everything written, so the notebook and its readers run again.
    """
    written = read_trace(trace_file)["writes"] if trace_file.exists() else set()
    commits.discard_staged(written)
    in_place = {path_text for path_text in written if not staging.is_pending(path_text)}
    mark_unfinished(project, notebook, commits.final_trace({"writes": written})["writes"])
    for path_text in sorted(in_place - _shared_outputs(project, notebook)):
        Path(path_text).unlink(missing_ok=True)
    (project.executed / notebook.name).unlink(missing_ok=True)
    if partial.exists():
        failed = project.executed / f"{notebook.stem}.failed"
        commits.finalise_executed(partial, project.display(notebook), project.display(failed))
        os.replace(partial, failed)


def summarise(reasons: list[str], shown: int = 4) -> str:
    """The reasons to run, the first few in full and a count of the rest."""
    text = "; ".join(reasons[:shown])
    return text + (f"; and {len(reasons) - shown} more" if len(reasons) > shown else "")


def run(
    project: Project | None = None,
    selectors: Iterable[str] | None = None,
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
    force: bool = False,
    echo: bool = True,
    jobs: int | None = None,
) -> RunReport:
    """Run the numbered notebooks, each only when it has a reason to, up to ``jobs`` at a time (default: one per core).

    ``parameters`` maps a notebook stem (or its number) to the papermill parameters it gets. A notebook
    starts once the upstream notebooks it declares (:mod:`analysis.runner.schedule`) have finished; with
    ``jobs=1`` the notebooks run one after another in numeric order. Stops before running anything with
    :class:`RawFileChanged` when an acquired raw file does not hold its declared bytes, and at the first
    failing notebook with :class:`NotebookFailed` (after the notebooks already running have finished).
    """
    project = project or Project()
    digests = digest_cache(project)
    commits.sweep_stale(project.state)  # staged outputs a killed run left are never used
    try:
        check_raw_files(project, digests)
        plan = Plan(project, parameters or {}, force, digest=digests)
        from analysis.runner import cases, passes

        notebooks = select_notebooks(discover_notebooks(project.notebooks), selectors)
        with schedule.Workers(jobs) as workers:
            report = passes.run_pass(project, plan, notebooks, echo, workers)
            if not selectors:  # the case-study chapters (analysis.runner.cases) follow a whole run
                cased = cases.run_cases(project, plan, echo, workers)
                report.decisions += cased.decisions
                report.seconds |= cased.seconds
        return report
    finally:
        commits.sweep_stale(project.state)  # every notebook has stopped: the empty staging folders go too
        digests.save()
        save_code_digests(project.state / CODE_DIGESTS_NAME)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.runner.pipeline", description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebook stems or number prefixes to consider (default: all)")
    parser.add_argument("--force", action="store_true", help="run the selected notebooks even if nothing changed")
    parser.add_argument("--dry-run", action="store_true", help="only say which notebooks would run and why")
    parser.add_argument(
        "-p",
        "--parameter",
        action="append",
        default=[],
        metavar="NOTEBOOK:NAME=VALUE",
        help="a papermill parameter for one notebook, VALUE parsed as JSON when it can be (repeatable)",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="notebooks run at a time, each once its declared upstream notebooks finished "
        f"(default: one per core, {schedule.default_jobs()} here; 1 runs them one after another in numeric order)",
    )
    args = parser.parse_args(argv)
    parameters = parse_parameters(args.parameter)
    project = Project()
    if args.dry_run:
        try:
            check_raw_files(project, digest_cache(project))
        except RawFileChanged as problem:
            print(f"the real run would stop before running anything: {problem}\n")
        for decision in dry_run(project, args.notebooks, parameters, force=args.force):
            print(
                f"{decision.notebook.stem}: "
                + (f"would run ({summarise(decision.reasons)})" if decision.runs else "up to date")
            )
        return 0
    try:
        run(project, args.notebooks, parameters, force=args.force, jobs=args.jobs)
    except (NotebookFailed, RawFileChanged) as failure:
        print(f"\npipeline stopped: {failure}", file=sys.stderr)
        return 1
    return 0


def parameters_for(notebook: Path, parameters: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The parameters given for ``notebook`` by its stem or its number prefix."""
    return dict(parameters.get(notebook.stem) or parameters.get(notebook.stem.split("_", 1)[0]) or {})


def parse_parameters(items: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Parse ``NOTEBOOK:NAME=VALUE`` items into ``{notebook: {name: value}}``."""
    parsed: dict[str, dict[str, Any]] = {}
    for item in items:
        target, _, assignment = item.partition(":")
        name, equals, value_text = assignment.partition("=")
        if not (target and name and equals):
            raise SystemExit(f"parameter {item!r} is not of the form NOTEBOOK:NAME=VALUE")
        try:
            value: Any = json.loads(value_text)
        except json.JSONDecodeError:
            value = value_text
        parsed.setdefault(target, {})[name] = value
    return parsed


if __name__ == "__main__":
    sys.exit(main())
