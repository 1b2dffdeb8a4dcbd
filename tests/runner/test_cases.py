"""The case-study runner: one executed chapter per case, re-run only when needed; the book lists them."""

from __future__ import annotations

import nbformat
import pandas as pd
import pytest
import yaml

from analysis.core import paths, tables
from analysis.report import case_studies
from analysis.runner import book, cases, pipeline


def _toy_project(root):
    notebooks = root / "notebooks"
    notebooks.mkdir(parents=True)
    (root / "requirements.lock").write_text("pandas==3.1.1\n", encoding="utf-8")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Case study: {case_title}\n\nLabel (tbl-{case_key}-x), file {case_unit}.md"),
        nbformat.v4.new_code_cell("unit_id = None", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("print('case', unit_id)"),
    ]
    nbformat.write(notebook, notebooks / cases.TEMPLATE_NAME)
    return pipeline.Project(
        root=root,
        notebooks=notebooks,
        lock_file=root / "requirements.lock",
        executed=root / "build" / "executed",
        state=root / "build" / "state",
        watched=(root.resolve(),),
        data_folders=(),
        pins=dict,
    )


def test_each_case_runs_once_into_its_own_chapter_and_a_dropped_case_goes(tmp_path, monkeypatch):
    project = _toy_project(tmp_path / "toy")
    chosen = ["gn1", "DE11"]
    monkeypatch.setattr(case_studies, "case_list", lambda *a, **k: pd.DataFrame({"unit_id": list(chosen)}))
    monkeypatch.setattr(tables, "read_table", lambda name: pd.DataFrame({"city_id": ["gn1"], "name": ["Łódź"]}))
    first = pipeline.run(project, echo=False)
    assert first.ran == ["case_gn1", "case_DE11"]
    executed = nbformat.read(project.executed / "case_gn1.ipynb", as_version=4)
    assert executed.cells[0].source.startswith("# Case study: Łódź") and "tbl-case-gn1-x" in executed.cells[0].source
    assert "gn1.md" in executed.cells[0].source
    printed = [o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert "case gn1\n" in printed
    assert pipeline.run(project, echo=False).ran == []  # nothing changed: no case runs again
    chosen.remove("DE11")
    assert pipeline.run(project, echo=False).ran == [], "the choice is remembered while its inputs are unchanged"
    assert len(cases.executed_cases(project.executed)) == 2
    analysis_table = paths.processed_table("city_analysis")
    analysis_table.parent.mkdir(parents=True, exist_ok=True)
    analysis_table.write_bytes(b"a new city_analysis")  # the choice's input changed: the cases are chosen again
    assert pipeline.run(project, echo=False).ran == []
    assert [path.name for path in cases.executed_cases(project.executed)] == ["case_gn1.ipynb"]


def test_a_case_copy_is_made_again_only_when_its_template_or_title_or_bytes_changed(tmp_path, monkeypatch):
    project = _toy_project(tmp_path / "toy")
    title = ["Łódź"]
    monkeypatch.setattr(cases, "chosen_cases", lambda *a, **k: [("gn1", title[0])])
    made = []
    real = cases.filled_copy
    monkeypatch.setattr(cases, "filled_copy", lambda *a: made.append(a[1:]) or real(*a))
    (copy,), _ = cases.case_notebooks(project)
    first = copy.read_bytes()
    assert made == [("gn1", "Łódź")] and "Case study: Łódź" in first.decode()
    cases.case_notebooks(project)
    assert len(made) == 1  # unchanged: the record says the copy is current
    copy.write_text("edited by hand", encoding="utf-8")
    cases.case_notebooks(project)
    assert len(made) == 2 and copy.read_bytes() == first
    title[0] = "Lodz"
    cases.case_notebooks(project)
    assert len(made) == 3 and "Case study: Lodz" in copy.read_text(encoding="utf-8")
    template = project.notebooks / cases.TEMPLATE_NAME
    notebook = nbformat.read(template, as_version=4)
    notebook.cells[0].source = "# Another case study: {case_title}"
    nbformat.write(notebook, template)
    cases.case_notebooks(project)
    assert len(made) == 4 and "# Another case study: Lodz" in copy.read_text(encoding="utf-8")


def test_a_selected_run_leaves_the_cases_alone(tmp_path, monkeypatch):
    project = _toy_project(tmp_path / "toy")
    monkeypatch.setattr(case_studies, "case_list", lambda *a, **k: pytest.fail("cases asked for"))
    (project.notebooks / "10_only.ipynb").write_bytes((project.notebooks / cases.TEMPLATE_NAME).read_bytes())
    assert pipeline.run(project, ["10"], echo=False).ran == ["10_only"]


def test_the_book_lists_every_executed_case_in_its_own_part(tmp_path):
    source, executed, staging, notebooks = (tmp_path / name for name in ("book", "executed", "staging", "nbs"))
    for folder in (source, executed, notebooks):
        folder.mkdir()
    (source / "_toc.yml").write_bytes((paths.BOOK / "_toc.yml").read_bytes())
    empty = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    for name in ("case_gn2.ipynb", "case_gn1.ipynb", "60_describe.ipynb"):
        (executed / name).write_bytes(empty)
    for name in ("case_study.ipynb", "60_describe.ipynb"):
        (notebooks / name).write_bytes(empty)
    staged = book.stage_sources(source, executed, staging, synthetic=True, sources=notebooks)
    assert {path.name for path in staged if path.suffix == ".ipynb"} == {
        "case_gn1.ipynb",
        "case_gn2.ipynb",
        "60_describe.ipynb",
    }
    toc = yaml.safe_load((staging / "_toc.yml").read_text(encoding="utf-8"))
    part = next(part for part in toc["parts"] if {"file": book.CASES_PAGE} in part["chapters"])
    files = [chapter["file"] for chapter in part["chapters"]]
    assert files[files.index(book.CASES_PAGE) + 1 :][:2] == ["notebooks/case_gn1", "notebooks/case_gn2"]
    (notebooks / "case_study.ipynb").unlink()  # no case-study notebook: its chapters are not staged
    staged = book.stage_sources(source, executed, staging, synthetic=True, sources=notebooks)
    assert "case_gn1" not in (staging / "_toc.yml").read_text(encoding="utf-8")


def test_a_manuscript_without_parts_gets_the_cases_after_its_case_page_and_others_none():
    paper = "format: jb-book\nroot: intro\nchapters:\n  - file: case_studies\n  - file: conclusion\n"
    toc = yaml.safe_load(book.toc_with_cases(paper, ["case_gn1"]))
    assert toc["chapters"] == [{"file": "case_studies"}, {"file": "notebooks/case_gn1"}, {"file": "conclusion"}]
    other = "format: jb-book\nroot: intro\nchapters:\n  - file: a\n"
    assert book.toc_with_cases(other, ["case_gn1"]) == other
