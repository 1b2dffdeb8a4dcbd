"""Assemble and build the Jupyter Book from the book's prose and the executed notebooks.

The book never executes a notebook: its chapters are the executed copies that the
pipeline left in ``build/executed``. The build stages ``book/`` and those copies in
``build/book-src`` (copying only files whose bytes changed, so Sphinx's own incremental
build keeps working) and runs ``jupyter-book build`` in strict mode (``-W -n
--keep-going``): a warning, a broken cross-reference, a missing glue key or figure
fails the build. When neither the sources nor the environment changed since the last
successful build, nothing runs at all.

Two lanes: the synthetic survey and crawl appear only in the book's "Pipeline demonstration"
part (:data:`DEMONSTRATION_CAPTION` in ``book/_toc.yml``). When no processed table holds a
synthetic row, the staged table of contents drops that part and files its chapters among the
others by their number (the survey and crawl chapter then reads the team's real exports). The
build also gathers the named quantities of the chapters (:mod:`analysis.report.quantities`)
into ``build/quantities.json`` and fails when one name has two values.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import yaml

from analysis.core import paths
from analysis.runner import cases, manuscripts, reproducibility

STAGED_NOTEBOOKS = "notebooks"
FINGERPRINT_NAME = ".source-fingerprint"
IGNORED_BOOK_PARTS = {"_build", ".ipynb_checkpoints", "__pycache__"}
TOC_NAME = "_toc.yml"
DEMONSTRATION_CAPTION = "Pipeline demonstration (synthetic data)"
QUANTITIES_NAME = "quantities.json"
CASES_PAGE = "case_studies"  # the page that opens the case studies; the executed case chapters follow it


class BookBuildFailed(RuntimeError):
    """jupyter-book reported an error or a warning."""


def html_dir(output_root: Path | None = None) -> Path:
    """Folder of the built HTML book."""
    return (output_root or paths.BOOK) / "_build" / "html"


def _book_files(book_source: Path) -> list[Path]:
    return sorted(
        path
        for path in book_source.rglob("*")
        if path.is_file() and not IGNORED_BOOK_PARTS.intersection(path.relative_to(book_source).parts)
    )


def synthetic_tables_in_use(processed: Path | None = None) -> bool:
    """True when a processed table (``data/processed/*.parquet``) has a row with ``is_synthetic`` True."""
    import pyarrow.parquet as pq

    for table in sorted((processed or paths.processed_dir()).glob("*.parquet")):
        if "is_synthetic" not in pq.read_schema(table).names:
            continue
        # ParquetFile reads the column without pyarrow.dataset, which would import pandas (0.4 s per make all).
        column = pq.ParquetFile(table).read(columns=["is_synthetic"]).column("is_synthetic")
        if any(column.to_pylist()):
            return True
    return False


def _chapter_number(chapter: dict) -> int:
    match = re.match(r"(\d+)_", Path(str(chapter.get("file", ""))).name)
    return int(match.group(1)) if match else -1


def toc_for_lanes(toc_text: str, synthetic: bool) -> str:
    """The table of contents to stage: as written while synthetic data are in use, else without the demonstration part.

    Without synthetic data, each chapter of the demonstration part joins the part that holds the
    numbered chapter just before it (so the survey and crawl chapter, 40, follows chapter 30).
    """
    toc = yaml.safe_load(toc_text)
    parts = toc.get("parts", [])
    demonstration = [part for part in parts if part.get("caption") == DEMONSTRATION_CAPTION]
    if synthetic or not demonstration:
        return toc_text
    kept = [part for part in parts if part.get("caption") != DEMONSTRATION_CAPTION]
    for chapter in (chapter for part in demonstration for chapter in part.get("chapters", [])):
        number = _chapter_number(chapter)
        before = [(part, c) for part in kept for c in part.get("chapters", []) if 0 <= _chapter_number(c) < number]
        home, after = max(before, key=lambda pair: _chapter_number(pair[1])) if before else (kept[0], None)
        chapters = home.setdefault("chapters", [])
        chapters.insert(chapters.index(after) + 1 if after is not None else 0, chapter)
    toc["parts"] = kept
    return "# Staged by analysis.runner.book: no synthetic data, so no demonstration part.\n" + yaml.safe_dump(
        toc, sort_keys=False, allow_unicode=True
    )


def toc_with_cases(toc_text: str, stems: list[str]) -> str:
    """The table of contents with the executed case chapters ``stems`` right after the case-study page
    (:data:`CASES_PAGE`, the introduction of the book's case-study part and of the case paper), in the same list.

    Adding a case needs no edit of a table of contents; a manuscript without the case-study page (or no case)
    is unchanged. The chapters' synthetic parts carry their own banner (``notebooks/case_study.ipynb``).
    """
    toc = yaml.safe_load(toc_text)
    chapters = [{"file": f"{STAGED_NOTEBOOKS}/{stem}"} for stem in stems]
    lists = [toc.get("chapters", [])] + [part.get("chapters", []) for part in toc.get("parts", [])]
    for entries in lists:
        where = [i for i, entry in enumerate(entries) if entry.get("file") == CASES_PAGE]
        if where and chapters:
            entries[where[0] + 1 : where[0] + 1] = chapters
            return "# Staged by analysis.runner.book: the executed case chapters follow the case-study page.\n" + (
                yaml.safe_dump(toc, sort_keys=False, allow_unicode=True)
            )
    return toc_text


def staged_toc_text(toc_text: str, synthetic: bool, stems: list[str]) -> str:
    """A manuscript's table of contents as staged: for the lanes in use (:func:`toc_for_lanes`) and with the
    executed case chapters (:func:`toc_with_cases`)."""
    return toc_with_cases(toc_for_lanes(toc_text, synthetic), stems)


def case_stems(executed: Path, sources: Path | None = None) -> list[str]:
    """The executed case-study chapters in ``executed`` (none when ``sources`` has no case-study notebook)."""
    if sources is not None and not (sources / cases.TEMPLATE_NAME).exists():
        return []
    return [notebook.stem for notebook in cases.executed_cases(executed)]


def stage_sources(
    book_source: Path,
    executed: Path,
    staging: Path,
    synthetic: bool = True,
    generated: dict[str, bytes] | None = None,
    sources: Path | None = None,
) -> list[Path]:
    """Mirror ``book_source`` and the executed notebooks into ``staging``; return the staged files.

    With ``sources`` (the notebooks folder), an executed copy whose notebook no longer exists there
    (renamed or removed) is not staged.

    The table of contents is staged for the lanes in use (:func:`toc_for_lanes`). ``generated`` adds
    files made at build time (``{path in the staged book: bytes}``, e.g. the reproducibility appendix's
    pages). Files whose bytes are unchanged keep their modification time; files that no longer exist
    in the sources are removed from the staging folder.
    """
    wanted: dict[Path, Path | bytes] = {
        staging / path.relative_to(book_source): path for path in _book_files(book_source)
    }
    chosen = case_stems(executed, sources)
    for notebook in sorted(executed.glob("*.ipynb")):
        origin = cases.TEMPLATE_NAME if notebook.name.startswith(cases.CASE_PREFIX) else notebook.name
        if sources is not None and not (sources / origin).exists():
            continue  # the executed copy of a notebook since renamed or removed
        refuse_error_outputs(notebook.read_bytes(), notebook.name)  # before anything is staged
        wanted[staging / STAGED_NOTEBOOKS / notebook.name] = notebook
    for name, content in (generated or {}).items():
        wanted[staging / name] = content
    for target, source in wanted.items():
        if isinstance(source, bytes):
            content = source
        elif source.suffix == ".ipynb":
            content = collapse_code(source.read_bytes())
        elif source == book_source / TOC_NAME:
            content = staged_toc_text(source.read_text(encoding="utf-8"), synthetic, chosen).encode("utf-8")
        else:
            content = source.read_bytes()
        if target.exists() and target.read_bytes() == content:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    if staging.exists():
        for stale in [path for path in staging.rglob("*") if path.is_file() and path not in wanted]:
            if "_build" not in stale.relative_to(staging).parts:
                stale.unlink()
    return sorted(wanted)


def refuse_error_outputs(notebook_bytes: bytes, name: str) -> bytes:
    """``notebook_bytes`` unchanged, or :class:`BookBuildFailed` naming the notebook and every cell with an error output.

    The pipeline never keeps a failed run as a chapter, so an error output means an executed copy that
    did not come from a successful run (copied by hand, or from an older runner): the book must not show it.
    """
    cells = json.loads(notebook_bytes).get("cells", [])
    errors = [
        f"cell {number} (execution count {cell.get('execution_count')}): "
        f"{output.get('ename', 'error')}: {output.get('evalue', '')}"
        for number, cell in enumerate(cells, start=1)
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    if errors:
        raise BookBuildFailed(
            f"executed notebook {name} holds an error output, so it did not run cleanly:\n  "
            + "\n  ".join(errors)
            + f"\nRun it again through the pipeline (make run NB={name.split('_', 1)[0]} FORCE=1), then make book."
        )
    return notebook_bytes


def collapse_code(notebook_bytes: bytes) -> bytes:
    """The notebook with every code cell tagged ``hide-input``: the book shows prose, tables and figures,
    and the code behind them one click away. Cells already tagged for display are left alone."""
    notebook = json.loads(notebook_bytes)
    display_tags = {"hide-input", "remove-input", "show-input", "remove-cell", "hide-cell"}
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            if not display_tags.intersection(tags):
                tags.append("hide-input")
    return (json.dumps(notebook, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


# The book's own Sphinx extension (analysis.report.sphinx_tables) and what it reads: a change rebuilds the manuscripts.
EXTENSION_FILES = (
    paths.ROOT / "analysis" / "report" / "sphinx_tables.py",
    paths.ROOT / "analysis" / "report" / "table_display.py",
)


def fingerprint(files: list[Path], staging: Path) -> str:
    """sha256 over the staged files' names and bytes, the book's Sphinx extension and the environment's lock file."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(staging)).encode("utf-8") + b"\0" + path.read_bytes())
    for path in (*EXTENSION_FILES, paths.LOCK_FILE):
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def manuscript_root(manuscript: manuscripts.Manuscript, output_root: Path | None = None) -> Path:
    """The folder that receives a manuscript's ``_build/html``: ``book/`` for the book, ``book/_build/papers/<name>``
    for a paper (so a paper's HTML is ``book/_build/papers/<name>/_build/html``)."""
    output_root = output_root or paths.BOOK
    return output_root if manuscript.is_book else output_root / "_build" / "papers" / manuscript.name


def manuscript_sources(book_source: Path, synthetic: bool, case_chapters: list[str]) -> dict[str, bytes]:
    """The staged tables of contents (:func:`staged_toc_text`) and configurations of the papers of
    ``book_source``."""
    staged: dict[str, bytes] = {}
    for paper in manuscripts.papers(book_source):
        toc = staged_toc_text(paper.toc.read_text(encoding="utf-8"), synthetic, case_chapters)
        staged[manuscripts.staged_toc(paper)] = toc.encode("utf-8")
        config = manuscripts.config_text(paper, book_source / manuscripts.CONFIG_NAME)
        staged[manuscripts.staged_config(paper)] = config.encode("utf-8")
    return staged


def build(
    book_source: Path = paths.BOOK,
    executed: Path | None = None,
    output_root: Path | None = None,
    force: bool = False,
    echo: bool = True,
) -> Path:
    """Build the HTML book into ``<output_root>/_build/html`` and return that folder (the papers: :func:`build_all`).

    Raises :class:`BookBuildFailed` with jupyter-book's output when the strict build fails.
    """
    built = build_all(book_source, executed, output_root, force, echo, names=[manuscripts.BOOK.name])
    return built[manuscripts.BOOK.name]


def build_all(
    book_source: Path = paths.BOOK,
    executed: Path | None = None,
    output_root: Path | None = None,
    force: bool = False,
    echo: bool = True,
    names: list[str] | None = None,
) -> dict[str, Path]:
    """Build the book and the papers (or those in ``names``) in HTML from one staged book; ``{name: html folder}``.

    The sources are staged once (``build/book-src``); each manuscript is built with its own table of contents
    and configuration into :func:`manuscript_root`, and only when the staged files it depends on
    (:func:`analysis.runner.manuscripts.relevant_files`) changed since its last build.
    """
    executed = executed or paths.executed_dir()
    staging = paths.build_dir() / "book-src"
    if not any(executed.glob("*.ipynb")):
        raise BookBuildFailed(f"no executed notebooks in {executed}: run the pipeline first (make all)")
    synthetic = synthetic_tables_in_use()
    chosen = case_stems(executed, paths.NOTEBOOKS)
    generated = reproducibility.appendix_files() | manuscript_sources(book_source, synthetic, chosen)
    files = stage_sources(book_source, executed, staging, synthetic, generated, sources=paths.NOTEBOOKS)
    chosen = [m for m in manuscripts.all_manuscripts(book_source) if names is None or m.name in names]
    built, checked = {}, False
    for manuscript in chosen:
        toc_text = (staging / manuscripts.staged_toc(manuscript)).read_text(encoding="utf-8")
        html = html_dir(manuscript_root(manuscript, output_root or book_source))
        current = fingerprint(manuscripts.relevant_files(files, staging, toc_text, manuscript.name), staging)
        stamp = html / FINGERPRINT_NAME
        built[manuscript.name] = html
        if not force and stamp.exists() and stamp.read_text() == current and (html / "index.html").exists():
            if echo:
                print(f"{manuscript.name}: up to date")
            continue
        if not checked:  # the chapters changed since the last build: their named quantities must agree again
            check_quantities(executed, paths.build_dir() / QUANTITIES_NAME)
            checked = True
        started = time.perf_counter()
        _build_manuscript(manuscript, staging, toc_text, html.parents[1], force)
        stamp.write_text(current)
        if echo:
            print(f"{manuscript.name}: built in {time.perf_counter() - started:.1f} s -> {html / 'index.html'}")
    return built


def _build_manuscript(
    manuscript: manuscripts.Manuscript, staging: Path, toc_text: str, root: Path, force: bool
) -> None:
    """Check the manuscript's links, build it strictly into ``root``, drop pages of notebooks it no longer shows,
    and check its figures; raise :class:`BookBuildFailed` on a problem."""
    broken = manuscripts.unresolved_links(staging, toc_text)
    if broken:
        raise BookBuildFailed(f"{manuscript.name}: links to pages it does not include:\n" + "\n".join(broken))
    extra = [] if manuscript.is_book else ["--toc", str(staging / manuscripts.staged_toc(manuscript))]
    extra += [] if manuscript.is_book else ["--config", str(staging / manuscripts.staged_config(manuscript))]
    _run_jupyter_book(staging, root, force, extra)
    shown = {Path(name).stem for name in manuscripts.used_notebooks(staging, toc_text)}
    for page in (html_dir(root) / STAGED_NOTEBOOKS).glob("*.html"):
        if page.stem not in shown:
            page.unlink()  # the page of a chapter since renamed, removed or left out of this manuscript
    problems = figure_problems(html_dir(root))
    if problems:
        raise BookBuildFailed(f"{manuscript.name} has figures without an image:\n" + "\n".join(problems))
    problems = table_problems(html_dir(root))
    if problems:
        raise BookBuildFailed(f"{manuscript.name} has tables a reader should not see:\n" + "\n".join(problems))


def _run_jupyter_book(staging: Path, output_root: Path, force: bool, extra: list[str] | None = None) -> None:
    """Run jupyter-book's strict HTML build of ``staging`` into ``output_root`` (``extra``: more options, such as a
    paper's ``--toc`` and ``--config``); raise :class:`BookBuildFailed` on failure."""
    command = [
        str(Path(sys.executable).with_name("jupyter-book")),
        "build",
        str(staging),
        "--path-output",
        str(output_root),
        "-W",
        "-n",
        "--keep-going",
    ]
    command += extra or []
    if force:
        command.append("--all")
    result = subprocess.run(command, capture_output=True, text=True, env=os.environ | {"PYTHONWARNINGS": "ignore"})
    if result.returncode != 0:
        raise BookBuildFailed(
            f"jupyter-book build failed (exit {result.returncode}):\n{result.stdout[-6000:]}\n{result.stderr[-4000:]}"
        )


def check_quantities(executed: Path, target: Path) -> None:
    """Write the chapters' named quantities to ``target`` (JSON); raise :class:`BookBuildFailed` when a name has two values."""
    from analysis.report import quantities  # pandas: imported only when the book is rebuilt

    found = quantities.executed_quantities(executed)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(quantities.quantities_by_name(found), indent=1, sort_keys=True) + "\n")
    conflicts = quantities.conflicting_quantities(found)
    if len(conflicts):
        raise BookBuildFailed("one quantity, two values in the book:\n" + conflicts.to_string(index=False))


def figure_problems(html_root: Path) -> list[str]:
    """Pages where a figure has no image (or glued table), or a figure object was rendered as text instead of a picture."""
    problems = []
    for page in sorted(html_root.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        for block in re.findall(r"<figure\b.*?</figure>", text, flags=re.S):
            if not any(tag in block for tag in ("<img", "<svg", "<table")):
                caption = re.sub(r"<[^>]+>", "", block.split("<figcaption>")[-1])[:80].strip()
                problems.append(f"{page.relative_to(html_root)}: figure without an image ({caption})")
        if "&lt;Figure size" in text:
            problems.append(f"{page.relative_to(html_root)}: a matplotlib figure was rendered as text, not as an image")
    return problems


# What a cell or heading of a published table must not show: a variable name, a missing value as pandas prints it,
# a dict's repr, text cut off with an ellipsis.
_SNAKE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")
_RAW_CELLS = {"nan", "NaN", "None", "<NA>", "NaT"}
_CUT = re.compile(r"\w(?:\.\.\.|…)$")  # a word cut off by an ellipsis (pandas cuts long text with "...")


def _cells(block: str, tag: str) -> list[str]:
    return [
        html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
        for cell in re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", block, flags=re.S)
    ]


def table_problems(html_root: Path) -> list[str]:
    """Pages where a glued table is numbered as a figure (or a figure as a table), shows a variable name as a
    heading, ``NaN``, ``None``, a dict repr or text cut off with "…", or where a pandas table (a notebook's bare
    output) stands outside a numbered table."""
    problems = []
    for page in sorted(html_root.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        where = page.relative_to(html_root)
        for block in re.findall(r"<figure\b.*?</figure>", text, flags=re.S):
            number = re.search(r'caption-number">([^<]*)<', block)
            label = number.group(1).strip() if number else "unnumbered"
            is_table = 'class="glued-table' in block
            if number and is_table != label.startswith("Table"):
                problems.append(f"{where}: {label} is numbered as a {'figure' if is_table else 'table'}")
            elif not is_table and "<table" in block:
                problems.append(f"{where}: {label} is a table numbered as a figure")
            if not is_table:
                continue
            bad = [cell for cell in _cells(block, "th") if _SNAKE.fullmatch(cell)]
            bad += [
                cell for cell in _cells(block, "td") if cell in _RAW_CELLS or cell.startswith("{'") or _CUT.search(cell)
            ]
            if bad:
                problems.append(f"{where}: {label} shows {sorted(set(bad))[:5]}")
        outside = re.sub(r"<figure\b.*?</figure>", "", text, flags=re.S)
        if 'class="dataframe' in outside or re.search(r'<table id="T_', outside):
            problems.append(f"{where}: a pandas table outside a numbered table (a notebook cell's bare output)")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis.runner.book", description="Build the HTML book and papers (strict)."
    )
    parser.add_argument("--force", action="store_true", help="rebuild every page even if nothing changed")
    parser.add_argument("--output-root", type=Path, help="folder that receives _build/html (default: book/)")
    parser.add_argument(
        "--name", action="append", help="build only this manuscript (book or a paper's name; repeatable)"
    )
    args = parser.parse_args(argv)
    try:
        build_all(force=args.force, output_root=args.output_root, names=args.name or None)
    except BookBuildFailed as failure:
        print(f"book: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
