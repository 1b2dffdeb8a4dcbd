"""Run the case-study notebook once per case: each run is a chapter ``build/executed/case_<unit_id>.ipynb``.

``notebooks/case_study.ipynb`` is not numbered, so :func:`analysis.runner.pipeline.discover_notebooks`
does not take it as a chapter of its own. After the numbered notebooks, :func:`run_cases` asks
:func:`analysis.report.case_studies.case_list` for the cases (the authors' list or the rule) and, per
case, writes a copy of the notebook named ``case_<unit_id>.ipynb`` in ``build/state/cases`` whose title
names the unit; the pipeline's own machinery then decides, runs and records that copy like any
notebook (parameter ``unit_id``), so a case re-runs only when its code, data or write-up changed.
Executed copies of units no longer chosen are removed. The book (:mod:`analysis.runner.book`) lists
every executed ``case_*`` chapter right after the case-study page (``book/case_studies.md``).
"""

from __future__ import annotations

import re
from pathlib import Path

from analysis.runner import passes, pipeline, schedule

TEMPLATE_NAME = "case_study.ipynb"
CASE_PREFIX = "case_"
# What the choice of cases reads (analysis.report.case_studies.case_list): a change to any re-chooses.
CHOICE_TABLES = ("city_analysis", "cities")
CHOICE_REFERENCES = ("case_studies.csv", "case_study_rule.csv")
CHOICE_MODULE = "analysis/report/case_studies.py"


def fill_placeholders(text: str, unit_id: str, title: str) -> str:
    """``text`` with ``{case_title}`` (the unit's name), ``{case_key}`` (label-safe stem) and ``{case_unit}`` filled."""
    key = case_stem(unit_id).replace("_", "-")
    return text.replace("{case_title}", title).replace("{case_key}", key).replace("{case_unit}", unit_id)


def template(project: pipeline.Project) -> Path:
    """The case-study notebook of ``project``."""
    return project.notebooks / TEMPLATE_NAME


def case_stem(unit_id: str) -> str:
    """``case_<unit_id>``, with any character outside ``[A-Za-z0-9_-]`` replaced by ``-``."""
    return CASE_PREFIX + re.sub(r"[^A-Za-z0-9_-]", "-", unit_id)


def chosen_cases(project: pipeline.Project, digest=None) -> list[tuple[str, str]]:
    """``(unit_id, title)`` of every case: from ``build/state/cases.json`` while the files the choice depends on
    (the tables, the authors' list, the rule and its module) are unchanged, else chosen afresh and remembered.

    The cache keeps an unchanged ``make all`` from importing pandas. Raises ``FileNotFoundError`` when the
    tables are not built yet.
    """
    import json

    from analysis.core import paths
    from analysis.runner.fingerprints import digest_or_missing, module_digest

    digest = digest or digest_or_missing
    inputs = {
        **{str(paths.processed_table(name)): digest(paths.processed_table(name)) for name in CHOICE_TABLES},
        **{str(paths.REFERENCE / name): digest(paths.REFERENCE / name) for name in CHOICE_REFERENCES},
        CHOICE_MODULE: module_digest(paths.ROOT / CHOICE_MODULE),
    }
    cache = project.state / "cases.json"
    if cache.exists():
        remembered = json.loads(cache.read_text(encoding="utf-8"))
        if remembered.get("inputs") == inputs:
            return [tuple(case) for case in remembered["cases"]]
    from analysis.core import tables
    from analysis.report import case_studies

    units = case_studies.case_list()["unit_id"]
    names = tables.read_table("cities").set_index("city_id")["name"]
    chosen = [(unit_id, str(names.get(unit_id, unit_id))) for unit_id in units]
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({"inputs": inputs, "cases": chosen}, indent=1, ensure_ascii=False) + "\n")
    return chosen


def case_notebooks(project: pipeline.Project, digest=None) -> tuple[list[Path], dict[str, dict[str, str]]]:
    """The per-case copies of the template (written when their bytes change) and each one's parameters.

    A copy is made anew only when its record in ``build/state/cases/copies.json`` (the digest of the template, the
    unit, its title and the nbformat version it was written with, and the copy's own sha256) no longer matches, so
    an unchanged ``make all`` does not import nbformat. Returns no case when the project has no case-study notebook
    or no ``city_analysis`` table yet.
    """
    import hashlib
    import json
    from importlib.metadata import version

    source = template(project)
    if not source.exists():
        return [], {}
    try:
        chosen = chosen_cases(project, digest)
    except FileNotFoundError:
        return [], {}
    folder = project.state / "cases"
    folder.mkdir(parents=True, exist_ok=True)
    records_path = folder / "copies.json"
    records = json.loads(records_path.read_text(encoding="utf-8")) if records_path.exists() else {}
    template_bytes, written_with = source.read_bytes(), version("nbformat")
    copies, parameters, kept = [], {}, {}
    for unit_id, title in chosen:
        stem = case_stem(unit_id)
        copy = folder / f"{stem}.ipynb"
        made_from = hashlib.sha256(b"\0".join([template_bytes, *(t.encode() for t in (unit_id, title, written_with))]))
        current = copy.read_bytes() if copy.exists() else None
        record = [made_from.hexdigest(), hashlib.sha256(current).hexdigest() if current is not None else ""]
        if records.get(stem) != record:
            text = filled_copy(source, unit_id, title).encode("utf-8")
            if current != text:
                copy.write_bytes(text)
            record[1] = hashlib.sha256(text).hexdigest()
        kept[stem] = record
        copies.append(copy)
        parameters[stem] = {"unit_id": unit_id}
    if kept != records:
        temporary = records_path.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(kept, indent=1) + "\n", encoding="utf-8")
        temporary.replace(records_path)
    return copies, parameters


def filled_copy(source: Path, unit_id: str, title: str) -> str:
    """The text of the template ``source`` for one case: its markdown with the placeholders filled."""
    import nbformat

    notebook = nbformat.read(source, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = fill_placeholders(cell.source, unit_id, title)
    return nbformat.writes(notebook) + "\n"


def remove_stale(project: pipeline.Project, kept: list[Path]) -> None:
    """Delete executed case chapters and case copies of units that are no longer cases."""
    wanted = {copy.name for copy in kept}
    for folder in (project.executed, project.state / "cases"):
        for path in folder.glob(f"{CASE_PREFIX}*.ipynb"):
            if path.name not in wanted:
                path.unlink()


def run_cases(
    project: pipeline.Project, plan: pipeline.Plan, echo: bool, workers: schedule.Workers
) -> pipeline.RunReport:
    """Decide and run each case's copy with ``plan`` (after the numbered notebooks ran with it), several at a time.

    Every case may read what any numbered notebook wrote (they have all finished), and no case reads another's.
    """
    copies, parameters = case_notebooks(project, plan.digest)
    remove_stale(project, copies)
    if not copies:
        return pipeline.RunReport()
    plan.parameters = {**plan.parameters, **parameters}
    numbered = {notebook.stem for notebook in pipeline.discover_notebooks(project.notebooks)}
    return passes.run_pass(project, plan, copies, echo, workers, closure={copy.stem: numbered for copy in copies})


def executed_cases(executed: Path) -> list[Path]:
    """The executed case chapters in ``executed``, in name order."""
    return sorted(executed.glob(f"{CASE_PREFIX}*.ipynb"))
