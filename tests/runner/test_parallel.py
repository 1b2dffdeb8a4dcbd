"""Notebooks run in parallel (analysis.runner.passes, analysis.runner.schedule): independent notebooks overlap,
each waits for the upstream notebooks it declares, an undeclared dependency fails the run, a failure stops what
has not started and keeps what finished, and notebooks writing tables at the same time keep each other's entries.

The toy: 10 writes a.txt; 20 and 30 read it and each write one file; 40 reads both. 20 and 30 meet: each drops a
marker in a folder outside the project and waits for the other's, so they only finish when they run at once.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from test_pipeline import _project, _write_notebook

from analysis.runner import pipeline, schedule, verify

DECLARED = "notebook,upstream,note\n10_source,,\n20_left,10,a.txt\n30_right,10,a.txt\n40_join,20 30,both halves\n"
MEET = """
import time
from pathlib import Path
markers = Path({markers!r})
(markers / "{me}").touch()
deadline = time.monotonic() + 60
while not (markers / "{other}").exists():
    assert time.monotonic() < deadline, "{me} ran alone: {other} never started while it ran"
    time.sleep(0.05)
"""


def _half(name: str, me: str, other: str, markers: Path, extra: str = "") -> str:
    body = f"""
    from pathlib import Path
    Path("../data/{name}.txt").write_text(Path("../data/a.txt").read_text() + "-{name}")
    {extra}
    """
    return MEET.format(markers=str(markers), me=me, other=other) + textwrap.dedent(body)


def _make(root: Path, markers: Path, declaration: str = DECLARED, left: str = "", right: str = "") -> pipeline.Project:
    """The toy project in ``root`` (20 and 30 meet through ``markers``); ``left``/``right`` end their last cell."""
    for folder in ("notebooks", "data"):
        (root / folder).mkdir(parents=True)
    markers.mkdir(parents=True, exist_ok=True)
    (root / "requirements.lock").write_text("pandas==3.1.1\n", encoding="utf-8")
    (root / "notebooks" / schedule.DECLARATION_NAME).write_text(declaration, encoding="utf-8")
    _write_notebook(root / "notebooks" / "10_source.ipynb", 'open("../data/a.txt", "w").write("a")')
    _write_notebook(root / "notebooks" / "20_left.ipynb", _half("left", "20", "30", markers, left))
    _write_notebook(root / "notebooks" / "30_right.ipynb", _half("right", "30", "20", markers, right))
    _write_notebook(
        root / "notebooks" / "40_join.ipynb",
        'from pathlib import Path\nhalves = [Path(f"../data/{n}.txt").read_text() for n in ("left", "right")]\n'
        'Path("../data/joined.txt").write_text("+".join(halves))',
    )
    return _project(root)


def test_independent_notebooks_run_at_the_same_time_and_their_reader_after_both(tmp_path, capsys):
    project = _make(tmp_path / "toy", tmp_path / "markers")
    report = pipeline.run(project, jobs=2)
    assert report.ran == ["10_source", "20_left", "30_right", "40_join"]
    assert (project.root / "data" / "joined.txt").read_text() == "a-left+a-right"
    printed = capsys.readouterr().out.splitlines()
    line = {text.split(" (")[0].split(" in ")[0]: number for number, text in enumerate(printed)}
    assert line["40_join: running"] > max(line["20_left: done"], line["30_right: done"])
    assert printed[-1].startswith("pipeline: 4 of 4 notebooks ran (10_source, 20_left, 30_right, 40_join) in ")
    # The records of notebooks that ran at once make the next run run nothing, and verify finds nothing.
    assert [decision.notebook.stem for decision in pipeline.dry_run(project) if decision.runs] == []
    assert pipeline.run(project, jobs=2).ran == []
    assert verify.output_problems(project, verify.digest_or_missing) == []


def test_the_parallel_run_runs_what_the_dry_run_names_for_the_same_reasons(tmp_path):
    project = _make(tmp_path / "toy", tmp_path / "markers")
    pipeline.run(project, echo=False, jobs=2)
    path = project.notebooks / "30_right.ipynb"
    path.write_text(path.read_text(encoding="utf-8").replace("-right", "-right!"), encoding="utf-8")
    predicted = [(decision.notebook.stem, decision.reasons) for decision in pipeline.dry_run(project) if decision.runs]
    assert predicted == [
        ("30_right", ["its code changed"]),
        ("40_join", ["input data/right.txt is written by 30_right, which will run"]),
    ]
    report = pipeline.run(project, echo=False, jobs=2)
    assert [(decision.notebook.stem, decision.reasons) for decision in report.decisions if decision.runs] == predicted
    assert (project.root / "data" / "joined.txt").read_text() == "a-left+a-right!"


def test_a_read_of_a_notebook_not_declared_upstream_fails_the_run_naming_both(tmp_path):
    project = _make(tmp_path / "toy", tmp_path / "markers")
    pipeline.run(project, echo=False, jobs=2)
    declaration = project.notebooks / schedule.DECLARATION_NAME
    declaration.write_text(DECLARED.replace("40_join,20 30,", "40_join,20,"), encoding="utf-8")
    with pytest.raises(pipeline.UndeclaredUpstream) as failure:
        pipeline.run(project, ["40"], force=True, echo=False, jobs=2)
    message = str(failure.value)
    assert "40_join read " in message and "right.txt, which 30_right writes" in message
    assert "not declared upstream of 40_join in notebooks/upstream.csv" in message
    # The run that read it is not trusted: it runs again once the declaration is mended.
    assert pipeline.load_state(project, project.notebooks / "40_join.ipynb") is None
    declaration.write_text(DECLARED, encoding="utf-8")
    assert pipeline.run(project, echo=False, jobs=2).ran == ["40_join"]


def test_a_failure_lets_the_running_notebook_finish_and_starts_nothing_downstream(tmp_path):
    """20 fails while 30 runs: 30 finishes and is recorded, 40 never starts, and the error names 20's cell."""
    project = _make(tmp_path / "toy", tmp_path / "markers", left="raise RuntimeError('disk full')")
    with pytest.raises(pipeline.NotebookFailed, match=r"20_left.ipynb failed in cell \d+ \(RuntimeError: disk full"):
        pipeline.run(project, echo=False, jobs=2)
    assert pipeline.load_state(project, project.notebooks / "30_right.ipynb") is not None
    assert (project.root / "data" / "right.txt").read_text() == "a-right"
    assert pipeline.load_state(project, project.notebooks / "20_left.ipynb") is None
    assert not (project.root / "data" / "left.txt").exists() and (project.executed / "20_left.failed").exists()
    assert not (project.executed / "40_join.ipynb").exists() and not (project.state / "40_join.json").exists()
    stale = {decision.notebook.stem for decision in pipeline.dry_run(project) if decision.runs}
    assert stale == {"20_left", "40_join"}


def test_a_worker_process_killed_under_a_run_fails_it_and_leaves_it_to_run_again(tmp_path):
    """20 kills the worker process running it (as the out-of-memory killer would): the run fails, and neither 20 nor
    30, whose worker the broken pool stopped, is trusted; the next run runs both again, and 40 after them."""
    kill = "import os, signal; os.kill(os.getppid(), signal.SIGKILL)"
    project = _make(tmp_path / "toy", tmp_path / "markers", left=kill)
    with pytest.raises(pipeline.NotebookFailed, match="stopped: a worker process of the runner died"):
        pipeline.run(project, echo=False, jobs=2)
    assert pipeline.load_state(project, project.notebooks / "20_left.ipynb") is None
    assert not (project.executed / "40_join.ipynb").exists()
    _write_notebook(project.notebooks / "20_left.ipynb", _half("left", "20", "30", tmp_path / "markers"))
    assert pipeline.run(project, echo=False, jobs=2).ran[-1] == "40_join"
    assert (project.root / "data" / "joined.txt").read_text() == "a-left+a-right"


TABLE = """
import pandas as pd
from analysis.core import fields, tables
schema = fields.schema("city_id population", description="A half.")
tables.write_table(pd.DataFrame({{"city_id": ["{name}"], "population": [60000]}}), "{name}_cities", schema)
"""


def test_tables_written_at_the_same_time_keep_both_entries_of_the_data_package(tmp_path, monkeypatch):
    data = tmp_path / "toy" / "data"
    monkeypatch.setenv("PARADIP_DATA", str(data))
    project = _make(
        tmp_path / "toy",
        tmp_path / "markers",
        left=TABLE.format(name="left").replace("\n", "\n    "),
        right=TABLE.format(name="right").replace("\n", "\n    "),
    )
    pipeline.run(project, echo=False, jobs=2)
    package = json.loads((data / "processed" / "datapackage.json").read_text(encoding="utf-8"))
    assert [resource["name"] for resource in package["resources"]] == ["left_cities", "right_cities"]
    assert not (data / "processed" / ".pending").exists()
    assert pipeline.run(project, echo=False, jobs=2).ran == []
    assert verify.output_problems(project, verify.digest_or_missing) == []


def test_declared_upstream_notebooks_and_their_own_upstream_are_waited_for(tmp_path):
    stems = ["10_a", "20_b", "30_c", "40_d"]
    notebooks = [tmp_path / f"{stem}.ipynb" for stem in stems]
    closure = schedule.upstream_closure(notebooks, {"10_a": [], "20_b": ["10"], "30_c": ["20_b"]})
    assert closure == {"10_a": set(), "20_b": {"10_a"}, "30_c": {"10_a", "20_b"}, "40_d": {"10_a", "20_b", "30_c"}}
    with pytest.raises(ValueError, match="20_b names upstream 30_c, which runs after it"):
        schedule.upstream_closure(notebooks, {"20_b": ["30"]})
    with pytest.raises(ValueError, match="names upstream notebook '99'"):
        schedule.upstream_closure(notebooks, {"20_b": ["99"]})


def test_undeclared_reads_name_the_reader_the_writer_and_the_file():
    closure = {"20_b": {"10_a"}, "30_c": set()}
    outputs = {"10_a": ["/d/a.txt"], "20_b": ["/d/b.txt"]}
    assert schedule.undeclared_reads({"20_b": {"/d/a.txt"}}, outputs, closure) == []
    ((reader, message),) = schedule.undeclared_reads({"30_c": {"/d/b.txt", "/d/raw.csv"}}, outputs, closure)
    assert reader == "30_c" and message.startswith("30_c read /d/b.txt, which 20_b writes, but 20_b is not declared")


STAGE_LEFT = """
from pathlib import Path
from analysis.core import staging
from analysis.core.tracking import note_write
written = staging.target(Path("../data/out/left.txt").resolve())
written.write_text("left")
note_write(written)
"""
# 30 makes its staging folder, waits until 20 has committed its output from the same folder and stopped, then writes.
STAGE_RIGHT = """
import time
from pathlib import Path
from analysis.core import staging
from analysis.core.tracking import note_write
written = staging.target(Path("../data/out/right.txt").resolve())
deadline = time.monotonic() + 60
while not Path("../data/out/left.txt").exists():
    assert time.monotonic() < deadline, "20 never committed"
    time.sleep(0.05)
time.sleep(1)
written.write_text("right")
note_write(written)
"""


def test_a_notebook_that_finishes_leaves_the_staging_folder_another_is_writing_into(tmp_path):
    """20 and 30 stage outputs in the same folder: 20 commits and stops while 30 has made the folder but not yet
    written its file; 30's file is still written and committed, and no staging folder is left after the run (the
    folder 20 left empty was once removed under 30, which then failed to save a figure)."""
    indent = lambda code: code.replace("\n", "\n    ")  # noqa: E731 - the halves' extra code sits in an indented body
    project = _make(tmp_path / "toy", tmp_path / "markers", left=indent(STAGE_LEFT), right=indent(STAGE_RIGHT))
    assert pipeline.run(project, echo=False, jobs=2).ran == ["10_source", "20_left", "30_right", "40_join"]
    out = project.root / "data" / "out"
    assert (out / "left.txt").read_text() == "left" and (out / "right.txt").read_text() == "right"
    assert not (out / ".pending").exists()


def test_a_sequential_run_records_how_long_each_notebook_took(tmp_path):
    """With one job the notebook runs inside ``Workers.submit``: its time is taken from before the submission (it
    was taken after, and every record of ``--jobs 1`` said 0.0 s)."""
    root = tmp_path / "toy"
    for folder in ("notebooks", "data"):
        (root / folder).mkdir(parents=True)
    (root / "requirements.lock").write_text("pandas==3.1.1\n", encoding="utf-8")
    _write_notebook(
        root / "notebooks" / "10_wait.ipynb", 'import time\ntime.sleep(0.5)\nopen("../data/a.txt", "w").write("a")'
    )
    project = _project(root)
    report = pipeline.run(project, echo=False, jobs=1)
    record = json.loads((project.state / "10_wait.json").read_text(encoding="utf-8"))
    assert report.seconds["10_wait"] >= 0.5 and record["seconds"] >= 0.5
