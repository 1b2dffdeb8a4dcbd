"""One pass of the runner over a list of notebooks: decide each, run those that must, several at a time.

A notebook is decided once every upstream notebook it declares (:mod:`analysis.runner.schedule`) has been
decided and, if it runs, has finished (its inputs are then what it will read), and so has every notebook
before it that the records relate it to (one read what the other wrote last time): each decision of the one
:class:`~analysis.runner.pipeline.Plan` then sees what it sees when ``--dry-run`` decides in numeric order,
so the real run runs what the dry run names, for the same reasons. Among the notebooks that can be decided,
the first in numeric order goes first; with one job this is the numeric order itself.

Those that must run go to the :class:`~analysis.runner.schedule.Workers` as jobs free up; the runner's
process writes each record when its run returns, after checking the run's trace against the declaration.
After a failure nothing new starts; the notebooks already running finish and are recorded (their outputs
are those of a whole successful run), and the first failure is raised, naming its notebook and cell.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.runner import schedule
from analysis.runner.pipeline import (
    NotebookFailed,
    Plan,
    Project,
    RunReport,
    UndeclaredUpstream,
    discover_notebooks,
    execute_notebook,
    load_state,
    mark_unfinished,
    parameters_for,
    recorded_outputs,
    refresh_prose,
    summarise,
    write_state,
)


@dataclass
class _Pass:
    """The notebooks of one pass: their upstream notebooks, those related to each by their records, and which are
    still to be decided, running or finished."""

    closure: dict[str, set[str]]
    known: list[Path]
    waiting: list[Path]
    related: dict[str, set[str]]
    running: dict[Any, tuple[Path, dict[str, Any], float]] = field(default_factory=dict)
    finished_inputs: dict[str, set[str]] = field(default_factory=dict)
    failures: list[BaseException] = field(default_factory=list)

    def next_to_decide(self) -> Path | None:
        """The first waiting notebook (in run order) that can be decided now, or ``None`` (then one is running).

        One can when each of its upstream notebooks has been decided and, if it runs, finished, and so has every
        notebook before it that its record and theirs relate it to (:func:`_related`): :meth:`Plan.decide` then
        sees what it sees when the dry run decides in order. The first waiting notebook always can once nothing runs.
        """
        running = {notebook.stem for notebook, _, _ in self.running.values()}
        undecided = {notebook.stem for notebook in self.waiting}
        order = {notebook.stem: position for position, notebook in enumerate(self.known)}
        for notebook in self.waiting:
            stem = notebook.stem
            before = {other for other in self.related[stem] if order[other] < order[stem]}
            if not (self.closure[stem] | before) & (running | undecided):
                return notebook
        return None


def run_pass(
    project: Project,
    plan: Plan,
    notebooks: list[Path],
    echo: bool,
    workers: schedule.Workers,
    closure: dict[str, set[str]] | None = None,
) -> RunReport:
    """Decide ``notebooks`` and run those that must, each once its upstream notebooks (``closure``: stem -> stems;
    default: those ``notebooks/upstream.csv`` declares) finished; raise the first failure after the others end.

    Length: the loop that starts runs, waits for one to end and records it reads best in one piece.
    """
    from concurrent.futures import FIRST_COMPLETED, wait

    report, started = RunReport(), time.perf_counter()
    every = discover_notebooks(project.notebooks)
    if closure is None:
        closure = schedule.upstream_closure(every, schedule.read_declaration(project.notebooks))
    this_pass = _Pass(closure, list(dict.fromkeys([*every, *notebooks])), list(notebooks), _related(project, notebooks))
    say = print if echo else (lambda *args, **kwargs: None)
    while this_pass.running or (this_pass.waiting and not this_pass.failures):
        while not this_pass.failures and len(this_pass.running) < workers.jobs:
            notebook = this_pass.next_to_decide()
            if notebook is None:
                break
            this_pass.waiting.remove(notebook)
            decision = plan.decide(notebook)
            report.decisions.append(decision)
            if not decision.runs:
                refreshed = refresh_prose(project, notebook)
                say(f"{notebook.stem}: up to date" + (" (prose refreshed in its executed copy)" if refreshed else ""))
                continue
            say(f"{notebook.stem}: running ({summarise(decision.reasons)})", flush=True)
            notebook_parameters = parameters_for(notebook, plan.parameters)
            # A run that is killed or fails must not be trusted later: its record is replaced by a mark first.
            mark_unfinished(project, notebook)
            (project.executed / f"{notebook.stem}.failed").unlink(missing_ok=True)
            began = time.perf_counter()  # before submitting: with one job, the notebook runs inside submit
            future = workers.submit(execute_notebook, _for_worker(project), notebook, notebook_parameters)
            this_pass.running[future] = (notebook, notebook_parameters, began)
        if not this_pass.running:
            continue
        for future in wait(list(this_pass.running), return_when=FIRST_COMPLETED).done:
            notebook, notebook_parameters, began = this_pass.running.pop(future)
            try:
                trace = _result(project, notebook, future)
                seconds = time.perf_counter() - began
                _check_declared(project, this_pass, notebook, trace)
            except NotebookFailed as failure:
                say(f"{notebook.stem}: failed", flush=True)
                this_pass.failures.append(failure)
                continue
            report.seconds[notebook.stem] = seconds
            # Only the outputs of the previous record mark readers, as in the dry run; a file written for
            # the first time reaches its readers through its bytes.
            write_state(project, notebook, notebook_parameters, trace, seconds)
            say(f"{notebook.stem}: done in {seconds:.1f} s", flush=True)
    if this_pass.failures:
        raise this_pass.failures[0]
    report.decisions.sort(key=lambda decision: notebooks.index(decision.notebook))  # in run order, as --dry-run lists
    ran = report.ran
    say(
        f"pipeline: {len(ran)} of {len(notebooks)} notebooks ran"
        + (f" ({', '.join(ran)}) in {time.perf_counter() - started:.1f} s" if ran else "")
    )
    return report


def _related(project: Project, notebooks: list[Path]) -> dict[str, set[str]]:
    """Each notebook's stem and the stems of the others whose outputs (in their records) its record read, or that
    read its outputs: the decisions (:meth:`Plan.decide`) that depend on each other's order."""
    reads, writes = {}, {}
    for notebook in notebooks:
        state = load_state(project, notebook) or {}  # without a finished record it runs whatever others do
        reads[notebook.stem] = {*state.get("inputs", {}), *state.get("folders", {})}
        writes[notebook.stem] = recorded_outputs(project, notebook)
    return {
        stem: {
            other
            for other in reads
            if other != stem
            and (schedule.read_from(reads[stem], writes[other]) or schedule.read_from(reads[other], writes[stem]))
        }
        for stem in reads
    }


def _for_worker(project: Project) -> Project:
    """``project`` as a worker process receives it: without its pins, which a run never reads (and which may be
    a function that cannot be sent to another process)."""
    return dataclasses.replace(project, pins=dict)


def _result(project: Project, notebook: Path, future: Any) -> dict[str, set[str]]:
    """The trace a finished run returned; :class:`NotebookFailed` when its worker process died without a word."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result()
    except BrokenProcessPool:
        raise NotebookFailed(
            f"{project.display(notebook)} stopped: a worker process of the runner died (killed, or out of memory)"
        ) from None


def _check_declared(project: Project, this_pass: _Pass, notebook: Path, trace: dict[str, set[str]]) -> None:
    """Raise :class:`UndeclaredUpstream` when ``notebook`` (just finished), or a notebook that finished before it in
    this pass, read a file that a notebook not declared upstream of it writes; each such reader is marked unfinished.
    """
    this_pass.finished_inputs[notebook.stem] = (trace["reads"] - trace["writes"]) | trace["folders"]
    outputs = {other.stem: recorded_outputs(project, other) for other in this_pass.known if other != notebook}
    outputs[notebook.stem] = [path for path in trace["writes"] if Path(path).is_file()]
    problems = schedule.undeclared_reads(this_pass.finished_inputs, outputs, this_pass.closure)
    if not problems:
        return
    by_stem = {other.stem: other for other in this_pass.known}
    for reader in sorted({reader for reader, _ in problems}):
        written = trace["writes"] if reader == notebook.stem else ()
        mark_unfinished(project, by_stem[reader], written)
    raise UndeclaredUpstream("\n".join(message for _, message in problems))
