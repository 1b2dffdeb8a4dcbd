"""The fault catalogue's build cases (issue 12, item 6): tampered inputs and outputs, read-only raw data, ``kill -9``.

They need a built workspace (``data/`` and ``build/`` of a small build: :data:`SMALL_PARAMETERS`, the tests'
parameters too); each case changes it, observes, and puts it back, so the cases share one build:

* a flipped byte in a raw file: the run refuses before running anything, and ``make verify`` fails naming it;
* a hand-edited processed table or ``.tex`` table: ``make verify`` fails naming it, and the runner plans to
  re-run its producer;
* ``data/raw`` that must stay untouched: a forced run of the acquisition notebook changes no file of it
  (the cases run as root in CI, where permissions do not stop a write, so the files are compared instead);
* ``kill -9`` at three points of one rebuild (halfway through the frame notebook, right after the survey
  notebook renamed its tables into place, halfway through the regression notebook), each kill landing in the
  run ``make all`` makes after the one before, then that run to its end: every byte of ``data/processed`` and
  ``build/`` is the clean build's again. One rebuild, not three: recovering from a killed notebook re-runs every
  notebook downstream of it (the frame notebook's are nearly all), and the later two points lie downstream of the
  first, so each kill stops a recovery of the kill before, and one final recovery undoes all three.

:func:`run_build_cases` runs them on a workspace (by default it makes a small build first).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from analysis.core.files import sha256_file
from analysis.runner import pipeline
from analysis.runner.faults import FaultCase, Observed, Result, run_case

# Small parameters: each notebook runs on a fraction of the data (cities of 250k inhabitants and more, one labelled
# passage in four) or with fewer repetitions (99 bootstrap draws, not 999); the detector leaves out the EU towns
# outside the frame (the LAU list: half its build and pickle), the same in the three chapters that share its pickle.
# The tests' build (tests/conftest.py) uses them too.
SMALL_DETECTOR = {"lau_towns": False}
SMALL_PARAMETERS: dict[str, dict[str, object]] = {
    "20": {"min_population": 250_000},
    "30": {"gold_whole_frame": False},
    "32": SMALL_DETECTOR,
    "33": {"web_units": 6, "passage_step": 4, **SMALL_DETECTOR},
    "35": {"demo_units": 8, **SMALL_DETECTOR},
    "80": {"n_bootstrap": 99},
}
# Files the runner's records and the demonstration crawl's store hold that differ from run to run by design.
NOT_COMPARED = ("build/state/", "build/crawl-demo-notebook/crawl/")
RAW_FILE = "data/raw/nuts_gisco_2024_20m/NUTS_RG_20M_2024_4326.geojson"
TABLE_FILE = "data/processed/city_analysis.parquet"
TEX_FILE = "build/tables/regression_binary.tex"
RUN_TIMEOUT = 1800  # seconds a run may take before it is killed as hung (a rebuild on a busy 2-core machine: 7 minutes)
RUN_SCRIPT = (
    "import json, sys\n"
    "from analysis.runner import pipeline\n"
    "selectors = json.loads(sys.argv[2]) or None\n"
    "pipeline.run(pipeline.Project(), selectors, json.loads(sys.argv[1]), force=bool(selectors), echo=False)\n"
)


def environment(workspace: Path) -> dict[str, str]:
    return os.environ | {"PARADIP_DATA": str(workspace / "data"), "PARADIP_BUILD": str(workspace / "build")}


def run_command(selectors: list[str]) -> list[str]:
    """The command of a run on :data:`SMALL_PARAMETERS`: ``make all`` without ``selectors``, else a forced run of those
    notebooks (``make run NB=... FORCE=1``)."""
    return [sys.executable, "-c", RUN_SCRIPT, json.dumps(SMALL_PARAMETERS), json.dumps(selectors)]


def small_build(workspace: Path) -> Path:
    """Run the whole pipeline on :data:`SMALL_PARAMETERS` into ``workspace`` (a subprocess); return it."""
    subprocess.run(run_command([]), env=environment(workspace), check=True, capture_output=True)
    return workspace


def built_digests(workspace: Path) -> dict[str, str]:
    """sha256 of every file of ``data/processed`` and ``build/`` that a clean build must reproduce."""
    digests = {}
    for folder in ("data/processed", "build"):
        for path in sorted((workspace / folder).rglob("*")):
            name = path.relative_to(workspace).as_posix()
            if path.is_file() and not name.startswith(NOT_COMPARED):
                digests[name] = sha256_file(path)
    return digests


def digest_differences(clean: dict[str, str], now: dict[str, str]) -> list[str]:
    """Files missing, added or changed in ``now`` against ``clean`` (both from :func:`built_digests`)."""
    return sorted(
        [f"missing {name}" for name in clean.keys() - now.keys()]
        + [f"added {name}" for name in now.keys() - clean.keys()]
        + [f"changed {name}" for name in clean.keys() & now.keys() if clean[name] != now[name]]
    )


@contextlib.contextmanager
def flipped(path: Path) -> Iterator[None]:
    """``path`` with its last byte flipped, put back afterwards."""
    original = path.read_bytes()
    path.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    try:
        yield
    finally:
        path.write_bytes(original)


@contextlib.contextmanager
def workspace_env(workspace: Path) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in ("PARADIP_DATA", "PARADIP_BUILD")}
    os.environ.update({name: environment(workspace)[name] for name in saved})
    try:
        yield
    finally:
        for name, value in saved.items():
            os.environ.pop(name, None) if value is None else os.environ.__setitem__(name, value)


def _verify_fails(workspace: Path, relative: str) -> Callable[[Path], Observed]:
    def run(_: Path) -> Observed:
        from analysis.runner import verify

        with flipped(workspace / relative), workspace_env(workspace):
            problems = verify.verify(pipeline.Project()).problems
        named = [problem for problem in problems if Path(relative).name in problem]
        return Observed(
            "verify fails" if named else "verify passes", (named or problems or [""])[0], named=Path(relative).name
        )

    return run


def _run_refuses(workspace: Path) -> Observed:
    with flipped(workspace / RAW_FILE), workspace_env(workspace):
        try:
            pipeline.check_raw_files(pipeline.Project())
        except pipeline.RawFileChanged as error:
            return Observed("refused", str(error).replace("\n", " | "), named=Path(RAW_FILE).name)
    return Observed("runs", "")


def _producer_reruns(workspace: Path, relative: str) -> Callable[[Path], Observed]:
    def run(_: Path) -> Observed:
        with flipped(workspace / relative), workspace_env(workspace):
            decisions = pipeline.dry_run(pipeline.Project(), parameters=SMALL_PARAMETERS)
        reasons = [f"{d.notebook.stem}: {'; '.join(d.reasons)}" for d in decisions if d.runs]
        named = [reason for reason in reasons if Path(relative).name in reason]
        return Observed("rebuilt" if named else "trusted", (named or reasons or ["nothing would run"])[0])

    return run


def _raw_untouched(workspace: Path) -> Observed:
    raw = workspace / "data" / "raw"
    before = {
        p.relative_to(raw).as_posix(): (p.stat().st_mtime_ns, sha256_file(p)) for p in raw.rglob("*") if p.is_file()
    }
    done = subprocess.run(run_command(["10"]), env=environment(workspace), capture_output=True, text=True)
    after = {
        p.relative_to(raw).as_posix(): (p.stat().st_mtime_ns, sha256_file(p)) for p in raw.rglob("*") if p.is_file()
    }
    changed = digest_differences({k: str(v) for k, v in before.items()}, {k: str(v) for k, v in after.items()})
    if done.returncode != 0:
        return Observed("build fails", done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "")
    return (
        Observed("raw written", changed[0])
        if changed
        else Observed("build works", f"{len(before)} raw files untouched")
    )


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (a papermill kernel runs in its own session, out of reach of ``killpg``)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def kill_hard(process: subprocess.Popen) -> None:
    """``kill -9`` the run and every process it started (its kernel too)."""
    for pid in [process.pid, *descendants(process.pid)]:  # the list is taken before the first kill
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait()


def _killed_rebuild(
    workspace: Path, kills: list[tuple[str, Callable[[float, int], bool]]], attempts: int = 3
) -> Callable[[Path], Observed]:
    """``kill -9`` a run at each of ``kills`` (a notebook and its trigger) in turn, then run as ``make all`` does and
    compare every byte with the clean build's.

    The first kill stops a forced run of its notebook; each next one stops the run ``make all`` makes after the kill
    before, which runs its notebook again because that lies downstream of the killed one. A run that ends before its
    trigger fired (the machine ran faster than the recorded duration) is followed by a forced run of the notebook, up
    to ``attempts`` runs in all, with the attempt number passed to the trigger (which then fires earlier)."""

    def run(_: Path) -> Observed:
        clean = built_digests(workspace)
        missed, retried = [], []
        for position, (notebook, trigger) in enumerate(kills):
            selectors, killed, attempt = ([notebook] if position == 0 else []), False, 0
            while not killed and attempt < attempts:
                killed = _run_and_kill(
                    workspace, run_command(selectors), lambda started, t=trigger, a=attempt: t(started, a)
                )
                selectors, attempt = [notebook], attempt + 1
            if not killed:
                missed.append(notebook)
            elif attempt > 1:
                retried.append(f"in {notebook} on attempt {attempt}")
        subprocess.run(run_command([]), env=environment(workspace), check=True, capture_output=True)
        found = digest_differences(clean, built_digests(workspace))
        detail = f"{len(clean)} files compared: " + ("; ".join(found[:3]) if found else "the clean build's bytes")
        if retried:
            detail = f"killed {', '.join(retried)}; {detail}"
        if missed:
            return Observed("not killed", f"no kill in notebook {', '.join(missed)}; {detail}")
        return Observed("recovered" if not found else "differs", detail)

    return run


def _run_and_kill(workspace: Path, command: list[str], trigger: Callable[[float], bool]) -> bool:
    """Start ``command``; ``kill -9`` it (and its kernel) when ``trigger(start)`` holds. Whether it was killed."""
    process = subprocess.Popen(
        command,
        env=environment(workspace),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started = time.time()
    try:
        while process.poll() is None and time.time() - started < RUN_TIMEOUT:
            if trigger(started):
                kill_hard(process)
                return True
            time.sleep(0.05)
    finally:
        if process.poll() is None:
            kill_hard(process)
    return False


def _modified_since(path: Path, started: float) -> float | None:
    """Seconds since ``path`` was last modified, when that was after ``started`` (else, or when absent, ``None``)."""
    try:
        modified = path.stat().st_mtime
    except FileNotFoundError:  # replaced at this instant
        return None
    return time.time() - modified if modified >= started else None


def _state_touched(workspace: Path, stem: str, fraction: float) -> Callable[[float, int], bool]:
    """True ``fraction`` of the notebook's last recorded duration after its record was marked unfinished (halved on
    each further attempt: a run faster than the recorded one is still caught part-way)."""
    state = workspace / "build" / "state" / f"{stem}.json"
    seconds = json.loads(state.read_text(encoding="utf-8")).get("seconds", 1.0)

    def trigger(started: float, attempt: int) -> bool:
        since = _modified_since(state, started)
        return since is not None and since >= fraction * seconds / 2**attempt

    return trigger


def _output_renamed(workspace: Path, relative: str) -> Callable[[float, int], bool]:
    return lambda started, _attempt: _modified_since(workspace / relative, started) is not None


def build_cases(workspace: Path) -> list[FaultCase]:
    """The build cases on ``workspace`` (a finished small build); run them in this order."""
    w = workspace
    return [
        FaultCase(
            "raw: a flipped byte stops the run", "build", "refused", lambda _: _run_refuses(w), r"do not hold the bytes"
        ),
        FaultCase(
            "raw: a flipped byte fails make verify",
            "build",
            "verify fails",
            _verify_fails(w, RAW_FILE),
            r"does not hold its declared bytes",
        ),
        FaultCase(
            "processed: an edited table fails make verify", "build", "verify fails", _verify_fails(w, TABLE_FILE)
        ),
        FaultCase(
            "processed: an edited table re-runs its producer", "build", "rebuilt", _producer_reruns(w, TABLE_FILE)
        ),
        FaultCase("tex: an edited .tex fails make verify", "build", "verify fails", _verify_fails(w, TEX_FILE)),
        FaultCase("tex: an edited .tex re-runs its producer", "build", "rebuilt", _producer_reruns(w, TEX_FILE)),
        FaultCase("raw: acquisition leaves data/raw untouched", "build", "build works", lambda _: _raw_untouched(w)),
        FaultCase(
            "kill -9 halfway through notebook 20, after notebook 40's tables are renamed, halfway through 80",
            "build",
            "recovered",
            _killed_rebuild(
                w,
                [
                    ("20", _state_touched(w, "20_build_frame", 0.5)),
                    ("40", _output_renamed(w, "data/processed/survey_responses.parquet")),
                    ("80", _state_touched(w, "80_regress", 0.5)),
                ],
            ),
        ),
    ]


def run_build_cases(workspace: Path | None = None) -> list[Result]:
    """Run :func:`build_cases` on ``workspace`` (default: a new small build in a temporary folder)."""
    with tempfile.TemporaryDirectory(prefix="fault-build-") as scratch:
        workspace = workspace or small_build(Path(scratch) / "workspace")
        (Path(scratch) / "case").mkdir()
        return [run_case(case, Path(scratch) / "case") for case in build_cases(workspace)]
