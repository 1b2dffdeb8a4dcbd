"""The incremental runner: exactly the notebooks whose inputs changed re-run, and ``--dry-run`` says which.

The toy project is built once per module (its kernels are the slow part); each test works on a
copy of it, with the state files pointed at the copy.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from analysis.runner import book, pipeline, tracing, verify

TOY_STEMS = ["10_first", "20_second", "30_third"]
TRACED = ("inputs", "outputs", "modules", "folders")


def _write_notebook(path: Path, *code_cells: str, markdown: str = "# A notebook") -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_markdown_cell(markdown)]
    notebook.cells.append(nbformat.v4.new_code_cell("scale = 1", metadata={"tags": ["parameters"]}))
    notebook.cells += [nbformat.v4.new_code_cell(textwrap.dedent(code)) for code in code_cells]
    nbformat.write(notebook, path)


def _make_toy(root: Path) -> None:
    """A chain of three notebooks, each reading what the one before wrote, with a different way of tracing.

    10 reads raw.csv with ``open`` and module ``toy_first``, writes mid.csv; 20 reads mid.csv through a
    bytes path with ``toy_second`` and writes out.csv through a renamed temporary file; 30 reads out.csv
    with pathlib, looks into data/inbox (``paradip.folder``, as ``analysis.core.tracking.note_folder``)
    and writes total.txt.
    """
    for folder in ("notebooks", "data", "lib"):
        (root / folder).mkdir(parents=True)
    (root / "data" / "raw.csv").write_text("value\n1\n2\n", encoding="utf-8")
    (root / "lib" / "toy_first.py").write_text('"""Doubling."""\n\n\ndef double(x):\n    return 2 * x\n')
    (root / "lib" / "toy_second.py").write_text("def add_one(x):\n    return x + 1\n", encoding="utf-8")
    (root / "requirements.lock").write_text("pandas==3.1.1\n", encoding="utf-8")
    _write_notebook(
        root / "notebooks" / "10_first.ipynb",
        """
        import toy_first
        values = [int(v) for v in open("../data/raw.csv").read().split()[1:]]
        with open("../data/mid.csv", "w") as handle:
            handle.write("\\n".join(str(toy_first.double(v) * scale) for v in values))
        """,
    )
    _write_notebook(
        root / "notebooks" / "20_second.ipynb",
        """
        import os
        import toy_second
        mid = [int(v) for v in open(b"../data/mid.csv", "rb").read().split()]
        with open("../data/out.csv.partial", "w") as handle:
            handle.write("\\n".join(str(toy_second.add_one(v)) for v in mid))
        os.replace("../data/out.csv.partial", "../data/out.csv")
        """,
    )
    _write_notebook(
        root / "notebooks" / "30_third.ipynb",
        """
        import sys
        from pathlib import Path
        inbox = Path("../data/inbox")
        sys.audit("paradip.folder", str(inbox))
        extra = len(sorted(inbox.glob("*.csv"))) if inbox.is_dir() else 0
        total = sum(int(v) for v in Path("../data/out.csv").read_text().split()) + extra
        Path("../data/total.txt").write_text(str(total))
        """,
    )


def _project(root: Path) -> pipeline.Project:
    return pipeline.Project(
        root=root,
        notebooks=root / "notebooks",
        lock_file=root / "requirements.lock",
        executed=root / "build" / "executed",
        state=root / "build" / "state",
        watched=(root.resolve(),),
        data_folders=((root / "data").resolve(),),
        pins=dict,
    )


def _use_toy_modules(patch: pytest.MonkeyPatch, root: Path) -> None:
    patch.setenv("PYTHONPATH", str(root / "lib") + os.pathsep + os.environ.get("PYTHONPATH", ""))


@pytest.fixture(scope="module")
def built_toy(tmp_path_factory) -> Path:
    """The toy project after its first run (every notebook ran once)."""
    root = tmp_path_factory.mktemp("toy-built") / "toy"
    _make_toy(root)
    with pytest.MonkeyPatch.context() as patch:
        _use_toy_modules(patch, root)
        first = pipeline.run(_project(root), echo=False)
    assert first.ran == TOY_STEMS
    return root


@pytest.fixture
def toy_project(built_toy, tmp_path, monkeypatch) -> pipeline.Project:
    """A copy of the built toy project whose records name the copy's files."""
    root = tmp_path / "toy"
    shutil.copytree(built_toy, root)
    for state_file in (root / "build" / "state").glob("*.json"):
        text = state_file.read_text(encoding="utf-8")
        for original in dict.fromkeys((str(built_toy), str(built_toy.resolve()))):
            text = text.replace(original, str(root))
        state_file.write_text(text, encoding="utf-8")
    _use_toy_modules(monkeypatch, root)
    return _project(root)


def _reasons(decisions: list[pipeline.Decision]) -> dict[str, list[str]]:
    return {decision.notebook.stem: decision.reasons for decision in decisions if decision.runs}


def _state(project: pipeline.Project, stem: str) -> dict:
    return json.loads((project.state / f"{stem}.json").read_text(encoding="utf-8"))


def _edit_code_cell(project: pipeline.Project, stem: str, edit: Callable[[str], str], cell: int = -1) -> None:
    path = project.notebooks / f"{stem}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[cell].source = edit(notebook.cells[cell].source)
    nbformat.write(notebook, path)


def _write(project: pipeline.Project, relative: str, text: str) -> None:
    (project.root / relative).write_text(text, encoding="utf-8")


MID = "input data/mid.csv is written by 10_first, which will run"
OUT = "input data/out.csv is written by 20_second, which will run"


def _total(project: pipeline.Project) -> str:
    return (project.root / "data" / "total.txt").read_text()


# name: (change to the copied toy project, parameters of the run, the reasons of the notebooks that run,
#        what data/total.txt holds after the run: 2*1+1 + 2*2+1 = 8 before any change)
SCENARIOS: dict[str, tuple[Callable[[pipeline.Project], None], dict, dict[str, list[str]], str]] = {
    "nothing changed": (lambda project: None, {}, {}, "8"),
    "raw file changed": (
        lambda project: _write(project, "data/raw.csv", "value\n1\n5\n"),
        {},
        {"10_first": ["input data/raw.csv changed"], "20_second": [MID], "30_third": [OUT]},
        "14",
    ),
    "module code changed": (
        lambda project: _write(project, "lib/toy_second.py", "def add_one(x):\n    return 1 + x\n"),
        {},
        {"20_second": ["module lib/toy_second.py changed"], "30_third": [OUT]},
        "8",
    ),
    "module docstring, comment and format edited": (
        lambda project: _write(
            project,
            "lib/toy_first.py",
            '"""Doubling numbers, reworded."""\n\n\ndef double( x ):  # twice\n    """Twice x."""\n    return (2 * x)\n',
        ),
        {},
        {},
        "8",
    ),
    "notebook code changed": (
        lambda project: _edit_code_cell(project, "20_second", lambda source: source + "\nprint('edited')"),
        {},
        {"20_second": ["its code changed"], "30_third": [OUT]},
        "8",
    ),
    "parameter changed": (
        lambda project: None,
        {"10": {"scale": 3}},
        {"10_first": ["its parameters changed"], "20_second": [MID], "30_third": [OUT]},
        "20",
    ),
    "output deleted": (
        lambda project: (project.root / "data" / "mid.csv").unlink(),
        {},
        {"10_first": ["output data/mid.csv is missing"], "20_second": [MID], "30_third": [OUT]},
        "8",
    ),
    "output edited by hand": (
        lambda project: _write(project, "data/out.csv", "3\n50"),
        {},
        {"20_second": ["output data/out.csv changed since its notebook wrote it"], "30_third": [OUT]},
        "8",
    ),
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_dry_run_predicts_exactly_what_the_real_run_runs(toy_project, scenario):
    change, parameters, expected, total = SCENARIOS[scenario]
    change(toy_project)
    predicted = pipeline.dry_run(toy_project, parameters=parameters)
    report = pipeline.run(toy_project, parameters=parameters, echo=False)
    assert _reasons(predicted) == expected
    assert _reasons(report.decisions) == expected
    assert report.ran == [stem for stem in TOY_STEMS if stem in expected]
    assert _total(toy_project) == total
    # The records now describe the files on disk: nothing is left to run.
    assert _reasons(pipeline.dry_run(toy_project, parameters=parameters)) == {}


def _pin_mid(project: pipeline.Project, content: str) -> pipeline.Project:
    """The toy project with data/mid.csv pinned: declared to come out of 10_first as ``content``."""
    declared = hashlib.sha256(content.encode()).hexdigest()
    mid = os.path.abspath(project.root / "data" / "mid.csv")
    return dataclasses.replace(project, pins=lambda: {mid: declared})


def test_a_pinned_output_rewritten_with_its_declared_bytes_runs_nothing_downstream(toy_project):
    """Like acquisition re-run after an attribution edit: the writer runs, its readers do not."""
    project = _pin_mid(toy_project, "2\n4")
    _edit_code_cell(project, "10_first", lambda source: source + "\n# re-worded attribution")
    _edit_code_cell(project, "10_first", lambda source: source + "\nprint('acquired')")
    expected = {"10_first": ["its code changed"]}
    assert _reasons(pipeline.dry_run(project)) == expected
    assert _reasons(pipeline.run(project, echo=False).decisions) == expected
    assert _total(project) == "8"


def test_a_pinned_output_with_a_new_declared_digest_runs_its_readers(toy_project):
    """Like a source updated on purpose: its new declaration, the old file deleted, acquisition run again."""
    project = _pin_mid(toy_project, "2\n10")
    _write(project, "data/raw.csv", "value\n1\n5\n")
    (project.root / "data" / "mid.csv").unlink()
    expected = {
        "10_first": ["input data/raw.csv changed", "output data/mid.csv is missing"],
        "20_second": ["declared input data/mid.csv changed"],
        "30_third": [OUT],
    }
    assert _reasons(pipeline.dry_run(project)) == expected
    assert _reasons(pipeline.run(project, echo=False).decisions) == expected
    assert _total(project) == "14"


def test_a_pinned_file_with_other_bytes_stops_the_run_before_anything_runs(toy_project):
    """A flipped byte in an acquired raw file: the run stops naming the file, both digests and what to do."""
    project = _pin_mid(toy_project, "2\n4")
    mid = project.root / "data" / "mid.csv"
    mid.write_text("2\n5")
    records = {path: path.read_bytes() for path in project.state.glob("*.json")}
    message = (
        r"(?s)data/mid\.csv\n    declared sha256 "
        + hashlib.sha256(b"2\n4").hexdigest()
        + r"\n    actual   sha256 "
        + hashlib.sha256(b"2\n5").hexdigest()
        + r".*rm -f 'data/mid\.csv'.*make run NB=10"
    )
    with pytest.raises(pipeline.RawFileChanged, match=message):
        pipeline.run(project, echo=False)
    assert {path: path.read_bytes() for path in project.state.glob("*.json")} == records
    assert _total(project) == "8"
    # Deleted as the message says, it is acquired again; its readers read the declared bytes and do not run.
    mid.unlink()
    expected = {"10_first": ["output data/mid.csv is missing"]}
    assert _reasons(pipeline.dry_run(project)) == expected
    assert _reasons(pipeline.run(project, echo=False).decisions) == expected


def test_outputs_are_recorded_with_their_digest(toy_project):
    outputs = _state(toy_project, "20_second")["outputs"]
    assert outputs == {str(toy_project.root / "data" / "out.csv"): hashlib.sha256(b"3\n5").hexdigest()}


def test_trace_records_reads_writes_modules_and_folders(toy_project):
    names = {
        stem: {key: [Path(p).name for p in _state(toy_project, stem)[key]] for key in TRACED} for stem in TOY_STEMS
    }
    assert names["10_first"] == {
        "inputs": ["raw.csv"],
        "outputs": ["mid.csv"],
        "modules": ["toy_first.py"],
        "folders": [],
    }
    # A bytes path is traced; a temporary file renamed away is not an output.
    assert names["20_second"] == {
        "inputs": ["mid.csv"],
        "outputs": ["out.csv"],
        "modules": ["toy_second.py"],
        "folders": [],
    }
    # pathlib reads and writes are traced, and so is a declared look into a folder.
    assert names["30_third"] == {"inputs": ["out.csv"], "outputs": ["total.txt"], "modules": [], "folders": ["inbox"]}
    executed = nbformat.read(toy_project.executed / "20_second.ipynb", as_version=4)
    assert not any(tracing.TRACE_TAG in cell.metadata.get("tags", []) for cell in executed.cells)
    assert not any(
        output.get("output_type") == "error" for cell in executed.cells for output in cell.get("outputs", [])
    )
    assert executed.metadata.papermill["input_path"] == "notebooks/20_second.ipynb"
    assert str(toy_project.root) not in (toy_project.executed / "20_second.ipynb").read_text()


def test_changes_that_are_not_code_or_data_run_nothing(toy_project):
    _edit_code_cell(toy_project, "10_first", lambda source: "# A retitled notebook", cell=0)  # markdown
    os.utime(toy_project.root / "data" / "raw.csv", (1, 1))  # touched, same bytes
    assert _reasons(pipeline.dry_run(toy_project)) == {}


def test_lock_change_runs_everything(toy_project):
    toy_project.lock_file.write_text("pandas==3.1.2\n", encoding="utf-8")
    assert _reasons(pipeline.dry_run(toy_project)) == {
        "10_first": ["requirements.lock changed"],
        "20_second": ["requirements.lock changed", MID],
        "30_third": ["requirements.lock changed", OUT],
    }


def test_a_record_from_an_older_runner_is_not_trusted(toy_project):
    state_file = toy_project.state / "20_second.json"
    state_file.write_text(json.dumps(_state(toy_project, "20_second") | {"version": 1}), encoding="utf-8")
    assert _reasons(pipeline.dry_run(toy_project)) == {
        "20_second": ["its record was written by an older runner"],
        "30_third": [OUT],
    }


def test_selected_and_forced_notebooks(toy_project):
    assert _reasons(pipeline.dry_run(toy_project, ["20"], force=True)) == {"20_second": ["forced"]}
    assert _reasons(pipeline.dry_run(toy_project, ["20_second", "30"], force=True)) == {
        "20_second": ["forced"],
        "30_third": ["forced"],
    }
    with pytest.raises(SystemExit, match="no notebook matches"):
        pipeline.dry_run(toy_project, ["99"])


def test_a_file_appearing_in_a_watched_folder_reruns_the_notebook_that_looked(toy_project):
    inbox = toy_project.root / "data" / "inbox"
    inbox.mkdir()
    (inbox / "export.csv").write_text("unit_id\ngn1\n")
    report = pipeline.run(toy_project, echo=False)
    assert _reasons(report.decisions) == {"30_third": ["the files in data/inbox changed"]}
    assert _total(toy_project) == "9"


def test_failing_notebook_stops_with_the_cell_traceback(toy_project):
    _write_notebook(toy_project.notebooks / "15_broken.ipynb", "raise ValueError('bad row 7 in column population')")
    with pytest.raises(pipeline.NotebookFailed, match="15_broken.ipynb failed.*ValueError: bad row 7"):
        pipeline.run(toy_project, echo=False)
    # The failure left only the mark of an unfinished run, so the notebook is tried again next time.
    assert pipeline.load_state(toy_project, toy_project.notebooks / "15_broken.ipynb") is None
    assert _reasons(pipeline.dry_run(toy_project)) == {"15_broken": ["its last run did not finish"]}


def test_a_prose_edit_runs_nothing_but_reaches_the_executed_copy(toy_project):
    path = toy_project.notebooks / "20_second.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[0].source = "# The second step, reworded"
    notebook.cells.append(nbformat.v4.new_markdown_cell("A closing paragraph."))
    nbformat.write(notebook, path)
    executed = toy_project.executed / "20_second.ipynb"
    outputs_before = [cell.get("outputs") for cell in nbformat.read(executed, as_version=4).cells]
    report = pipeline.run(toy_project, echo=False)
    assert report.ran == []
    copy = nbformat.read(executed, as_version=4)
    assert copy.cells[0].source == "# The second step, reworded" and copy.cells[-1].source == "A closing paragraph."
    assert [cell.get("outputs") for cell in copy.cells[:-1]] == outputs_before
    assert not pipeline.refresh_prose(toy_project, path)  # nothing left to refresh


def test_a_failed_run_leaves_no_output_a_later_run_trusts(toy_project):
    """20 fails after writing out.csv: its outputs, record and executed copy go; the failed copy is kept aside."""
    out, executed = toy_project.root / "data" / "out.csv", toy_project.executed / "20_second.ipynb"
    assert out.exists() and executed.exists()
    _edit_code_cell(toy_project, "20_second", lambda source: source + "\nraise RuntimeError('disk full')")
    with pytest.raises(pipeline.NotebookFailed, match="RuntimeError: disk full"):
        pipeline.run(toy_project, echo=False)
    assert not out.exists() and not executed.exists()
    assert pipeline.load_state(toy_project, toy_project.notebooks / "20_second.ipynb") is None
    assert (toy_project.executed / "20_second.failed").exists()
    assert sorted(path.name for path in toy_project.executed.glob("*.ipynb")) == ["10_first.ipynb", "30_third.ipynb"]
    # Fixed, the next run runs 20 again and 30 after it, and the dry run says so first.
    _edit_code_cell(toy_project, "20_second", lambda source: source.replace("\nraise RuntimeError('disk full')", ""))
    expected = {"20_second": ["its last run did not finish"], "30_third": [OUT]}
    assert _reasons(pipeline.dry_run(toy_project)) == expected
    report = pipeline.run(toy_project, echo=False)
    assert _reasons(report.decisions) == expected
    assert executed.exists() and not (toy_project.executed / "20_second.failed").exists()
    assert _total(toy_project) == "8"


KILLABLE_RUN = """
import sys
from pathlib import Path
from analysis.runner import pipeline
root = Path(sys.argv[1])
project = pipeline.Project(
    root=root, notebooks=root / "notebooks", lock_file=root / "requirements.lock",
    executed=root / "build" / "executed", state=root / "build" / "state",
    watched=(root.resolve(),), data_folders=((root / "data").resolve(),), pins=dict,
)
pipeline.run(project, echo=False)
"""


def _run_and_kill_at(toy_project, marker, tmp_path) -> None:
    """Run the toy pipeline in its own process group and ``kill -9`` it once notebook 20 has written ``marker``."""
    script = tmp_path / "run_toy.py"
    script.write_text(KILLABLE_RUN, encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(script), str(toy_project.root)], start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
        assert marker.exists(), "notebook 20 never reached the point of the kill"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_a_run_killed_halfway_is_redone_and_recovers_the_clean_result(toy_project, tmp_path):
    """kill -9 while 20 runs (after it rewrote out.csv): the next run redoes 20 and 30 and gets the clean bytes."""
    _write(toy_project, "data/raw.csv", "value\n1\n5\n")  # 10, 20 and 30 must run; the clean total is 14
    marker = tmp_path / "20-wrote-out"
    _edit_code_cell(
        toy_project,
        "20_second",
        lambda source: source + f"\nopen({str(marker)!r}, 'w').close()\nimport time\ntime.sleep(120)",
    )
    _run_and_kill_at(toy_project, marker, tmp_path)
    _edit_code_cell(toy_project, "20_second", lambda source: source.split(f"\nopen({str(marker)!r}")[0])
    predicted = _reasons(pipeline.dry_run(toy_project))
    assert predicted == {"20_second": ["its last run did not finish"], "30_third": [OUT]}
    assert _reasons(pipeline.run(toy_project, echo=False).decisions) == predicted
    assert _total(toy_project) == "14"
    assert _reasons(pipeline.dry_run(toy_project)) == {}


# --------------------------------------------------------------------------- staged outputs

# 20 writes out.csv through the project's staging (as write_table, save_figure and the .tex writer do), reads it
# back, and writes its line count to count.txt the same way; STOP is where a test makes it fail or sleeps.
STAGED_20 = """
import os
from pathlib import Path
from analysis.core import staging
from analysis.core.tracking import note_write
import toy_second
mid = [int(v) for v in open(b"../data/mid.csv", "rb").read().split()]
written = staging.target(Path("../data/out.csv").resolve())
written.write_text("\\n".join(str(toy_second.add_one(v)) for v in mid))
note_write(written)
lines = len(staging.source(Path("../data/out.csv").resolve()).read_text().split())
count = staging.target(Path("../data/count.txt").resolve())
count.write_text(str(lines))
note_write(count)
# STOP
"""


def _stage_20(project: pipeline.Project, stop: str = "") -> None:
    _edit_code_cell(project, "20_second", lambda source: STAGED_20.replace("# STOP", stop))


def test_staged_outputs_take_their_real_names_only_when_the_notebook_succeeds(toy_project):
    """A staged output read back in its run is the new one; the record names real files; no staged file is left."""
    out, pending = toy_project.root / "data" / "out.csv", toy_project.root / "data" / ".pending"
    _stage_20(toy_project)
    _write(toy_project, "data/raw.csv", "value\n1\n5\n")
    pipeline.run(toy_project, echo=False)
    assert out.read_text() == "3\n11" and (toy_project.root / "data" / "count.txt").read_text() == "2"
    assert not pending.exists()
    assert sorted(Path(p).name for p in _state(toy_project, "20_second")["outputs"]) == ["count.txt", "out.csv"]
    assert _total(toy_project) == "14"
    assert _reasons(pipeline.dry_run(toy_project)) == {}


def test_a_failed_run_keeps_the_previous_good_staged_outputs(toy_project):
    """20 fails after staging out.csv: out.csv keeps the previous good bytes, no count.txt, no staged file."""
    out = toy_project.root / "data" / "out.csv"
    _stage_20(toy_project)
    pipeline.run(toy_project, echo=False)
    good = out.read_bytes()
    _write(toy_project, "data/raw.csv", "value\n1\n5\n")
    (toy_project.root / "data" / "count.txt").unlink()
    _stage_20(toy_project, "raise RuntimeError('disk full')")
    with pytest.raises(pipeline.NotebookFailed, match="disk full"):
        pipeline.run(toy_project, echo=False)
    assert out.read_bytes() == good
    assert not (toy_project.root / "data" / "count.txt").exists()
    assert not (toy_project.root / "data" / ".pending").exists()
    _stage_20(toy_project)
    assert _reasons(pipeline.run(toy_project, echo=False).decisions)["20_second"] == ["its last run did not finish"]
    assert out.read_text() == "3\n11" and _total(toy_project) == "14"


def test_a_killed_run_leaves_the_previous_outputs_and_its_staged_files_are_never_used(toy_project, tmp_path):
    """kill -9 after 20 staged its outputs: the real names hold the previous bytes; the next run sweeps and redoes."""
    out = toy_project.root / "data" / "out.csv"
    _stage_20(toy_project)
    pipeline.run(toy_project, echo=False)
    good = out.read_bytes()
    _write(toy_project, "data/raw.csv", "value\n1\n5\n")
    marker = tmp_path / "20-staged"
    _stage_20(toy_project, f"open({str(marker)!r}, 'w').close()\nimport time\ntime.sleep(120)")
    _run_and_kill_at(toy_project, marker, tmp_path)
    assert out.read_bytes() == good
    assert (toy_project.root / "data" / ".pending" / "out.csv").read_text() == "3\n11"
    _stage_20(toy_project)
    pipeline.run(toy_project, echo=False)
    assert out.read_text() == "3\n11" and _total(toy_project) == "14"
    assert not (toy_project.root / "data" / ".pending").exists()


# --------------------------------------------------------------------------- make verify on the toy


def _pinned(project: pipeline.Project, relative: str) -> pipeline.Project:
    """``project`` with ``relative`` pinned to its present bytes, as acquisition pins a raw file."""
    path = project.root / relative
    declared = hashlib.sha256(path.read_bytes()).hexdigest()
    return dataclasses.replace(project, pins=lambda: {os.path.abspath(path): declared})


def test_verify_a_fresh_build_verifies(toy_project):
    findings = verify.verify(_pinned(toy_project, "data/mid.csv"))
    assert findings.problems == []


def test_verify_a_flipped_byte_in_a_pinned_file_is_named_with_both_digests(toy_project):
    project = _pinned(toy_project, "data/mid.csv")
    (project.root / "data" / "mid.csv").write_text("2\n5")
    problems = verify.verify(project).problems
    declared, actual = hashlib.sha256(b"2\n4").hexdigest(), hashlib.sha256(b"2\n5").hexdigest()
    assert problems[0] == (
        f"raw file data/mid.csv does not hold its declared bytes (declared sha256 {declared}, "
        f"actual {actual}): delete it and acquire it again (make run NB=10)"
    )


def test_verify_a_hand_edited_output_and_what_depends_on_it_are_reported(toy_project):
    (toy_project.root / "data" / "out.csv").write_text("3\n50")
    problems = verify.verify(toy_project).problems
    assert problems[0].startswith("output data/out.csv changed since 20_second wrote it (recorded sha256 ")
    assert problems[1:] == [
        "20_second is stale, its outputs and chapter with it: output data/out.csv changed since its notebook wrote it",
        "30_third is stale, its outputs and chapter with it: "
        "input data/out.csv is written by 20_second, which will run",
    ]


def test_verify_a_changed_input_makes_its_readers_stale_and_a_missing_output_is_named(toy_project):
    (toy_project.root / "data" / "raw.csv").write_text("value\n1\n5\n")
    (toy_project.root / "data" / "total.txt").unlink()
    problems = verify.verify(toy_project).problems
    assert problems[0] == "output data/total.txt is missing (written by 30_third)"
    assert [problem.split(" is stale")[0] for problem in problems[1:]] == ["10_first", "20_second", "30_third"]


def test_verify_a_build_is_judged_with_the_parameters_it_was_made_with(toy_project):
    pipeline.run(toy_project, parameters={"10": {"scale": 3}}, echo=False)
    assert verify.verify(toy_project).problems == []


def _stage_book(project: pipeline.Project, html: Path, staging: Path) -> None:
    """What the book build leaves: the executed copies staged (code collapsed) and the stamp of the staged files."""
    (staging / book.STAGED_NOTEBOOKS).mkdir(parents=True)
    for executed in project.executed.glob("*.ipynb"):
        (staging / book.STAGED_NOTEBOOKS / executed.name).write_bytes(book.collapse_code(executed.read_bytes()))
    html.mkdir(parents=True)
    files = sorted(path for path in staging.rglob("*") if path.is_file())
    (html / book.FINGERPRINT_NAME).write_text(book.fingerprint(files, staging))


def test_verify_a_book_older_than_a_chapter_is_reported(toy_project, tmp_path):
    html, staging = tmp_path / "html", tmp_path / "book-src"
    assert verify.verify(toy_project, html, staging).problems == [
        f"the book has not been built ({html / book.FINGERPRINT_NAME} is missing): make book"
    ]
    _stage_book(toy_project, html, staging)
    assert verify.verify(toy_project, html, staging).problems == []
    executed = toy_project.executed / "20_second.ipynb"
    notebook = nbformat.read(executed, as_version=4)
    notebook.cells[0].source = "# Reworded after the book was built"
    nbformat.write(notebook, executed)
    assert verify.verify(toy_project, html, staging).problems == [
        "chapter 20_second changed since the book was built: make book"
    ]
    shutil.rmtree(staging / book.STAGED_NOTEBOOKS)
    extra_source = staging / "intro.md"
    extra_source.write_text("# Intro")
    assert "the book's staged sources changed since its pages were built: make book" in (
        verify.verify(toy_project, html, staging).problems
    )


def test_module_digest_ignores_docstrings_comments_and_formatting(tmp_path):
    def digest(source: str) -> str:
        module = tmp_path / "module.py"
        module.write_text(textwrap.dedent(source), encoding="utf-8")
        return pipeline.module_digest(module)

    original = digest(
        '''
        """Module docstring."""
        import math


        class Circle:
            """A circle."""

            def area(self, r):
                """Its area."""
                return math.pi * r**2
        '''
    )
    reworded = digest(
        '''
        """Another module docstring, longer."""
        import math  # for pi
        class Circle:
            """Reworded."""
            def area(self, r):
                # a comment
                return (math.pi * r ** 2)
        '''
    )
    undocumented = digest("import math\nclass Circle:\n    def area(self, r):\n        return math.pi * r**2\n")
    assert original == reworded == undocumented
    assert digest("import math\nclass Circle:\n    def area(self, r):\n        return math.tau * r**2\n") != original
    # A string that is not a docstring is code: an error message, a label.
    assert digest('x = 1\ny = "a"\n') != digest('x = 1\ny = "b"\n')
    assert digest("def f():\n    '''Only a docstring.'''\n") == digest("def f():\n    pass\n")
    # A file that does not parse is compared by its bytes.
    assert digest("def broken(:\n") != digest("def broken( :\n")
    assert pipeline.module_digest(tmp_path / "absent.py") == "missing"


def test_notebooks_are_ordered_numerically(tmp_path):
    for name in ("100_last.ipynb", "20_middle.ipynb", "5_first.ipynb", "notes.ipynb"):
        (tmp_path / name).write_text("{}")
    assert [p.name for p in pipeline.discover_notebooks(tmp_path)] == [
        "5_first.ipynb",
        "20_middle.ipynb",
        "100_last.ipynb",
    ]


def test_parse_parameters():
    parsed = pipeline.parse_parameters(["20:min_population=200000", "20_build_frame:label=small"])
    assert parsed == {"20": {"min_population": 200000}, "20_build_frame": {"label": "small"}}
    with pytest.raises(SystemExit):
        pipeline.parse_parameters(["no-equals"])


def test_summarise_caps_long_reason_lists():
    assert pipeline.summarise(["a", "b"]) == "a; b"
    assert pipeline.summarise([str(i) for i in range(10)], shown=2) == "0; 1; and 8 more"
