"""The incremental runner: exactly the notebooks whose inputs changed re-run."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import nbformat
import pytest

from analysis.runner import pipeline


def _write_notebook(path: Path, *code_cells: str, markdown: str = "# A notebook") -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_markdown_cell(markdown)]
    notebook.cells.append(nbformat.v4.new_code_cell("scale = 1", metadata={"tags": ["parameters"]}))
    notebook.cells += [nbformat.v4.new_code_cell(textwrap.dedent(code)) for code in code_cells]
    nbformat.write(notebook, path)


@pytest.fixture
def toy_project(tmp_path, monkeypatch):
    """Two notebooks: 10 reads raw.csv with module ``toy_first`` and writes mid.csv; 20 reads mid.csv with ``toy_second``."""
    root = tmp_path / "toy"
    (root / "notebooks").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "lib").mkdir()
    (root / "data" / "raw.csv").write_text("value\n1\n2\n", encoding="utf-8")
    (root / "lib" / "toy_first.py").write_text("def double(x):\n    return 2 * x\n", encoding="utf-8")
    (root / "lib" / "toy_second.py").write_text("def add_one(x):\n    return x + 1\n", encoding="utf-8")
    (root / "requirements.lock").write_text("pandas==3.1.1\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(root / "lib") + os.pathsep + os.environ.get("PYTHONPATH", ""))
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
        import toy_second
        mid = [int(v) for v in open("../data/mid.csv").read().split()]
        print(sum(toy_second.add_one(v) for v in mid))
        """,
    )
    project = pipeline.Project(
        root=root,
        notebooks=root / "notebooks",
        lock_file=root / "requirements.lock",
        executed=root / "build" / "executed",
        state=root / "build" / "state",
        watched=(root.resolve(),),
        data_folders=((root / "data").resolve(),),
    )
    first = pipeline.run(project, echo=False)
    assert first.ran == ["10_first", "20_second"]
    return project


def _reasons(report: pipeline.RunReport) -> dict[str, list[str]]:
    return {decision.notebook.stem: decision.reasons for decision in report.decisions if decision.runs}


def test_nothing_changed_runs_nothing(toy_project):
    assert pipeline.run(toy_project, echo=False).ran == []


def test_trace_records_reads_writes_and_modules(toy_project):
    state = json.loads((toy_project.state / "10_first.json").read_text())
    assert [Path(p).name for p in state["inputs"]] == ["raw.csv"]
    assert [Path(p).name for p in state["outputs"]] == ["mid.csv"]
    assert [Path(p).name for p in state["modules"]] == ["toy_first.py"]
    executed = nbformat.read(toy_project.executed / "10_first.ipynb", as_version=4)
    assert not any(pipeline.TRACE_TAG in cell.metadata.get("tags", []) for cell in executed.cells)
    assert executed.metadata.papermill["input_path"] == "notebooks/10_first.ipynb"
    assert str(toy_project.root) not in (toy_project.executed / "10_first.ipynb").read_text()


def test_code_edit_reruns_that_notebook_and_only_downstream_when_its_output_changes(toy_project):
    path = toy_project.notebooks / "20_second.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[-1].source += "\nprint('edited')"
    nbformat.write(notebook, path)
    report = pipeline.run(toy_project, echo=False)
    assert _reasons(report) == {"20_second": ["its code changed"]}


def test_markdown_edit_runs_nothing(toy_project):
    path = toy_project.notebooks / "10_first.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[0].source = "# A retitled notebook"
    nbformat.write(notebook, path)
    assert pipeline.run(toy_project, echo=False).ran == []


def test_data_change_reruns_the_reader_and_its_dependants(toy_project):
    (toy_project.root / "data" / "raw.csv").write_text("value\n1\n5\n", encoding="utf-8")
    report = pipeline.run(toy_project, echo=False)
    reasons = _reasons(report)
    assert reasons["10_first"] == ["input data/raw.csv changed"]
    assert reasons["20_second"] == ["input data/mid.csv changed"]


def test_touching_data_without_changing_bytes_runs_nothing(toy_project):
    raw = toy_project.root / "data" / "raw.csv"
    os.utime(raw, (1, 1))
    assert pipeline.run(toy_project, echo=False).ran == []


def test_module_edit_reruns_only_its_importers(toy_project):
    (toy_project.root / "lib" / "toy_second.py").write_text(
        "def add_one(x):\n    return x + 1  # same result\n", encoding="utf-8"
    )
    report = pipeline.run(toy_project, echo=False)
    assert _reasons(report) == {"20_second": ["module lib/toy_second.py changed"]}


def test_lock_change_reruns_everything(toy_project):
    toy_project.lock_file.write_text("pandas==3.1.2\n", encoding="utf-8")
    assert pipeline.run(toy_project, echo=False).ran == ["10_first", "20_second"]


def test_parameter_change_reruns_that_notebook(toy_project):
    report = pipeline.run(toy_project, parameters={"10": {"scale": 3}}, echo=False)
    reasons = _reasons(report)
    assert reasons["10_first"] == ["its parameters changed"]
    assert reasons["20_second"] == ["input data/mid.csv changed"]


def test_missing_output_reruns_its_writer(toy_project):
    (toy_project.root / "data" / "mid.csv").unlink()
    report = pipeline.run(toy_project, echo=False)
    assert _reasons(report)["10_first"] == ["output data/mid.csv is missing"]


def test_failing_notebook_stops_with_the_cell_traceback(toy_project):
    _write_notebook(toy_project.notebooks / "15_broken.ipynb", "raise ValueError('bad row 7 in column population')")
    with pytest.raises(pipeline.NotebookFailed, match="15_broken.ipynb failed.*ValueError: bad row 7"):
        pipeline.run(toy_project, echo=False)
    # The failure left no record, so the notebook is tried again next time.
    assert not (toy_project.state / "15_broken.json").exists()


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


def test_temporary_files_renamed_away_are_not_outputs(toy_project):
    _write_notebook(
        toy_project.notebooks / "30_atomic.ipynb",
        """
        import os
        with open("../data/final.csv.partial", "w") as handle:
            handle.write("x")
        os.replace("../data/final.csv.partial", "../data/final.csv")
        """,
    )
    assert pipeline.run(toy_project, echo=False).ran == ["30_atomic"]
    state = json.loads((toy_project.state / "30_atomic.json").read_text())
    assert [Path(p).name for p in state["outputs"]] == ["final.csv"]
    assert pipeline.run(toy_project, echo=False).ran == []


def test_summarise_caps_long_reason_lists():
    assert pipeline.summarise(["a", "b"]) == "a; b"
    assert pipeline.summarise([str(i) for i in range(10)], shown=2) == "0; 1; and 8 more"


def test_pathlib_reads_are_traced(toy_project):
    _write_notebook(
        toy_project.notebooks / "40_pathlib.ipynb",
        """
        from pathlib import Path
        Path("../data/copy.csv").write_text(Path("../data/raw.csv").read_text())
        """,
    )
    pipeline.run(toy_project, echo=False)
    state = json.loads((toy_project.state / "40_pathlib.json").read_text())
    assert [Path(p).name for p in state["inputs"]] == ["raw.csv"]
    assert [Path(p).name for p in state["outputs"]] == ["copy.csv"]


def test_a_file_appearing_in_a_watched_folder_reruns_the_notebook_that_looked(toy_project):
    inbox = toy_project.root / "data" / "inbox"
    _write_notebook(
        toy_project.notebooks / "50_inbox.ipynb",
        """
        import sys
        from pathlib import Path
        inbox = Path("../data/inbox")
        sys.audit("paradip.folder", str(inbox))  # what analysis.core.tracking.note_folder does
        exports = sorted(inbox.glob("*.csv")) if inbox.is_dir() else []
        print(len(exports))
        """,
    )
    assert pipeline.run(toy_project, echo=False).ran == ["50_inbox"]
    assert pipeline.run(toy_project, echo=False).ran == []
    inbox.mkdir()
    (inbox / "export.csv").write_text("unit_id\ngn1\n")
    report = pipeline.run(toy_project, echo=False)
    assert _reasons(report) == {"50_inbox": ["the files in data/inbox changed"]}


def test_bytes_paths_are_traced_without_errors(toy_project):
    _write_notebook(toy_project.notebooks / "60_bytes.ipynb", 'print(open(b"../data/raw.csv", "rb").read()[:5])')
    pipeline.run(toy_project, echo=False)
    state = json.loads((toy_project.state / "60_bytes.json").read_text())
    assert [Path(p).name for p in state["inputs"]] == ["raw.csv"]
    executed = nbformat.read(toy_project.executed / "60_bytes.ipynb", as_version=4)
    assert "TypeError" not in json.dumps(executed)
