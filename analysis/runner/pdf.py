"""Build a manuscript as PDF through LaTeX (``make pdf``), from the same executed notebooks as the HTML book.

The route is Jupyter Book 1's ``--builder pdflatex`` with Debian's TeX Live (``latexmk``, ``pdflatex``;
``make pdf`` installs them with apt when they are missing). A manuscript is a table of contents and a
configuration (:class:`analysis.runner.manuscripts.Manuscript`); the book is :data:`BOOK`, and each paper
(``book/papers/<name>/``) another pair of files reusing the same executed notebooks and glued results;
``make pdf`` builds them all. The sources are staged as for the HTML book
(:func:`analysis.runner.book.stage_sources`: the lanes' table of contents, the generated reproducibility
pages) into ``build/pdf-src/<name>``, with two changes (:func:`for_print`): code cells lose their input,
and each glued figure also carries the vector PDF that :func:`analysis.report.figures.save_figure` wrote
beside its PNG (``build/figures/<name>.pdf``); myst-nb's LaTeX renderer prefers ``application/pdf`` over
``image/png``, so print gets vector figures. Jupyter Book writes the LaTeX (``--builder latex``), which is
adapted to pdflatex (:func:`for_pdflatex`: Chinese characters, the minus sign, Greek letters) and compiled
with ``latexmk`` (Sphinx's ``make all-pdf``). The PDF is copied to ``book/_build/pdf/<name>.pdf``.

After a build, :func:`pdf_report` counts the pages, the figures placed on them and any ``??`` (an
unresolved reference or citation) in the text; :func:`expected_figures` says which vector figures the
manuscript must contain.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from analysis.core import paths
from analysis.runner import book, manuscripts, reproducibility

GLUE_PREFIX = "application/papermill.record/"
PDF_MIME = "application/pdf"
GLUE_FIGURE = re.compile(r"[`:]{3,}\{glue:figure\}\s+(?:[^\s:]+::)?(\S+)")
TEX_COMMANDS = ("latexmk", "pdflatex")


Manuscript = manuscripts.Manuscript
BOOK = manuscripts.BOOK


CJK_RUN = re.compile(r"[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
# pdflatex stops at a character its fonts lack ("Unicode character ... not set up for use with LaTeX"): CJK runs are
# set with the CJK package (Debian latex-cjk-chinese), the characters of analysis/reference/latex_characters.csv
# with their LaTeX, and any other such character as a bullet, with a warning in the log (NO_GLYPH_WARNING).
NO_GLYPH_WARNING = "no glyph for a character in pdflatex"
LATEX_CHARACTERS = paths.REFERENCE / "latex_characters.csv"


def pdflatex_preamble(characters: Path = LATEX_CHARACTERS) -> str:
    """The lines added before ``\\begin{document}``: the CJK package, the declared characters and the fallback."""
    with open(characters, encoding="utf-8", newline="") as handle:
        declared = [
            f"\\DeclareUnicodeCharacter{{{row['codepoint']}}}{{{row['latex']}}}" for row in csv.DictReader(handle)
        ]
    fallback = f"\\def\\UTFviii@undefined@err#1{{\\PackageWarning{{manuscript}}{{{NO_GLYPH_WARNING}}}\\textbullet{{}}}}"
    return "\n".join(["", "\\usepackage{CJKutf8}", *declared, "\\makeatletter", fallback, "\\makeatother", ""])


def for_pdflatex(tex: str) -> str:
    """The LaTeX source with each run of CJK characters in a ``CJK`` environment (simplified Chinese font
    ``gbsn``) and the preamble of :func:`pdflatex_preamble`."""
    tex = CJK_RUN.sub(lambda run: r"\begin{CJK}{UTF8}{gbsn}" + run.group(0) + r"\end{CJK}", tex)
    return tex.replace("\\begin{document}", pdflatex_preamble() + "\\begin{document}", 1)


class PdfBuildFailed(RuntimeError):
    """LaTeX or jupyter-book failed, or TeX is not installed."""


def tex_available() -> bool:
    """Whether ``latexmk``, ``pdflatex`` and the CJK package (``CJKutf8.sty``) are installed (``make tex``)."""
    if not all(shutil.which(command) for command in TEX_COMMANDS) or not shutil.which("kpsewhich"):
        return False
    found = subprocess.run(["kpsewhich", "CJKutf8.sty"], capture_output=True, text=True)
    return found.returncode == 0 and bool(found.stdout.strip())


def pdf_dir(output_root: Path | None = None) -> Path:
    """Folder of the built PDFs (``book/_build/pdf``)."""
    return (output_root or paths.BOOK) / "_build" / "pdf"


def for_print(notebook_bytes: bytes, figures: Path) -> bytes:
    """The executed notebook as the PDF shows it: code cells without their input (the reader of a printed
    manuscript gets prose, tables and figures; the code is in the repository and the HTML book), and each
    glued figure with the vector PDF of ``figures/<glue name>.pdf`` beside its PNG."""
    notebook = json.loads(notebook_bytes)
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if not {"remove-cell", "remove-input"}.intersection(tags):
            tags[:] = [tag for tag in tags if tag not in ("hide-input", "show-input", "hide-cell")] + ["remove-input"]
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            data = output.get("data", {})
            vector = figures / f"{name}.pdf"
            if name and f"{GLUE_PREFIX}image/png" in data and vector.is_file():
                data[GLUE_PREFIX + PDF_MIME] = base64.b64encode(vector.read_bytes()).decode("ascii")
    return (json.dumps(notebook, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def manuscript_files(manuscript: Manuscript, executed: Path, figures: Path) -> dict[str, bytes]:
    """The files a manuscript adds to (or replaces in) the staged book: its table of contents (for the lanes in
    use) and configuration, the reproducibility pages and the notebooks with their vector figures."""
    chapters = book.case_stems(executed, paths.NOTEBOOKS)
    toc = book.staged_toc_text(manuscript.toc.read_text(encoding="utf-8"), book.synthetic_tables_in_use(), chapters)
    config = manuscripts.config_text(manuscript)
    files = {book.TOC_NAME: toc.encode("utf-8"), "_config.yml": config.encode("utf-8")}
    files |= reproducibility.appendix_files()
    for notebook in sorted(executed.glob("*.ipynb")):
        files[f"{book.STAGED_NOTEBOOKS}/{notebook.name}"] = for_print(notebook.read_bytes(), figures)
    return files


def expected_figures(staging: Path, figures: Path) -> dict[str, str]:
    """``{glue name: sha256 of its vector PDF}`` for every figure the staged manuscript (the pages of its
    ``_toc.yml``, or every page without one) shows with
    ``{glue:figure}`` and that has a vector PDF in ``figures`` (myst-nb names the placed file by that sha256)."""
    names: set[str] = set()
    toc = staging / book.TOC_NAME
    shown = None
    if toc.is_file():  # only the pages of the manuscript's table of contents
        documents = manuscripts.toc_documents(toc.read_text(encoding="utf-8"))
        shown = {page for document in documents if (page := manuscripts.document_path(staging, document))}
    for page in sorted(staging.rglob("*")):
        if "_build" in page.relative_to(staging).parts or page.suffix not in (".md", ".ipynb"):
            continue
        if shown is not None and page not in shown:
            continue
        text = page.read_text(encoding="utf-8")
        if page.suffix == ".ipynb":
            cells = json.loads(text).get("cells", [])
            text = "\n".join("".join(c.get("source", "")) for c in cells if c.get("cell_type") == "markdown")
        names.update(GLUE_FIGURE.findall(text))
    return {
        name: hashlib.sha256((figures / f"{name}.pdf").read_bytes()).hexdigest()
        for name in sorted(names)
        if (figures / f"{name}.pdf").is_file()
    }


def build_pdf(
    manuscript: Manuscript = BOOK,
    book_source: Path = paths.BOOK,
    executed: Path | None = None,
    output_root: Path | None = None,
    force: bool = False,
    echo: bool = True,
    work_root: Path | None = None,
) -> Path:
    """Build ``manuscript`` as PDF and return its path (``<output_root>/_build/pdf/<name>.pdf``).

    The staged sources and the LaTeX go to ``<work_root>/pdf-src/<name>`` and ``<work_root>/pdf/<name>``
    (default: the build folder); the figures are read from the build folder's ``figures/``. Nothing runs
    when neither the staged sources, the vector figures nor the lock file changed since the last build of
    that PDF. Raises :class:`PdfBuildFailed` with the end of jupyter-book's (or latexmk's) output.
    """
    executed = executed or paths.executed_dir()
    work_root = work_root or paths.build_dir()
    if not tex_available():
        raise PdfBuildFailed(
            "pdflatex, latexmk or CJKutf8.sty not found: `make tex` installs Debian TeX Live (as root)"
        )
    if not any(executed.glob("*.ipynb")):
        raise PdfBuildFailed(f"no executed notebooks in {executed}: run the pipeline first (make all)")
    staging = work_root / "pdf-src" / manuscript.name
    generated = manuscript_files(manuscript, executed, paths.figures_dir())
    files = book.stage_sources(
        book_source, executed, staging, synthetic=book.synthetic_tables_in_use(), generated=generated
    )
    target = pdf_dir(output_root) / f"{manuscript.name}.pdf"
    stamp = latex_dir(manuscript, work_root).parents[1] / book.FINGERPRINT_NAME
    toc_text = generated[book.TOC_NAME].decode("utf-8")
    current = book.fingerprint(manuscripts.relevant_files(files, staging, toc_text, manuscript.name), staging)
    if not force and target.exists() and stamp.exists() and stamp.read_text() == current:
        if echo:
            print(f"pdf: {manuscript.name} up to date")
        return target
    broken = manuscripts.unresolved_links(staging, toc_text)
    if broken:
        raise PdfBuildFailed(f"{manuscript.name}: links to pages it does not include:\n" + "\n".join(broken))
    started = time.perf_counter()
    latex = latex_dir(manuscript, work_root)
    built = compile_latex(staging, latex)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(built, target)
    stamp.write_text(current)
    if echo:
        print(f"pdf: {manuscript.name} built in {time.perf_counter() - started:.1f} s -> {target}")
        for problem in log_problems(latex):
            print(f"pdf: {problem}")
    return target


def compile_latex(staging: Path, latex: Path) -> Path:
    """Write the staged manuscript as LaTeX into ``latex`` (strict: a warning fails), adapt it to pdflatex
    (:func:`for_pdflatex`) and compile it with latexmk; return the PDF. The dates in it are the commit's."""
    shutil.rmtree(latex, ignore_errors=True)
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(staging), "--builder", "latex"]
    command += ["--path-output", str(latex.parents[1]), "-W", "-n", "--keep-going"]
    env = os.environ | {"PYTHONWARNINGS": "ignore"}
    epoch = reproducibility.commit_epoch()
    if epoch is not None:  # the title page's date and the PDF's dates are the commit's: two builds, same bytes
        env |= {"SOURCE_DATE_EPOCH": str(epoch), "FORCE_SOURCE_DATE": "1"}
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise PdfBuildFailed(
            f"jupyter-book --builder latex failed (exit {result.returncode}):\n{result.stdout[-6000:]}"
        )
    for tex in latex.glob("*.tex"):
        tex.write_text(for_pdflatex(tex.read_text(encoding="utf-8")), encoding="utf-8")
    # pdflatex writes its messages in the input's bytes, cut at its line length: not always valid UTF-8
    result = subprocess.run(["make", "all-pdf"], cwd=latex, capture_output=True, text=True, errors="replace", env=env)
    built = [pdf for pdf in sorted(latex.glob("*.pdf")) if pdf.with_suffix(".tex").exists()]
    if result.returncode != 0 or len(built) != 1:
        logs = [log.read_text(errors="replace") for log in latex.glob("*.log")]
        errors = [line for log in logs for line in log.splitlines() if line.startswith("!")]
        raise PdfBuildFailed(f"latexmk failed (exit {result.returncode}): {errors[:10]}\n{result.stdout[-3000:]}")
    return built[0]


def latex_dir(manuscript: Manuscript = BOOK, work_root: Path | None = None) -> Path:
    """Folder of the manuscript's LaTeX sources, figures and log (``build/pdf/<name>/_build/latex``)."""
    return (work_root or paths.build_dir()) / "pdf" / manuscript.name / "_build" / "latex"


def log_problems(latex: Path) -> list[str]:
    """What the LaTeX log reports that the PDF should not have: characters without a glyph, undefined
    references or citations (one line each, with its count)."""
    text = "\n".join(log.read_text(encoding="utf-8", errors="replace") for log in sorted(latex.glob("*.log")))
    flat = text.replace("\n", "")
    checks = {
        "characters without a glyph (printed as bullets)": flat.count(NO_GLYPH_WARNING),
        "undefined references": len(re.findall(r"Reference `[^']*' on page \d+ undefined", flat)),
        "undefined citations": len(re.findall(r"Citation `[^']*' on page \d+ undefined", flat)),
    }
    return [f"{count} {what} in the LaTeX log" for what, count in checks.items() if count]


@dataclass(frozen=True)
class PdfReport:
    """What a built PDF holds: pages, figures placed on its pages (form or image XObjects) and ``??`` marks."""

    pages: int
    placed_figures: int
    unresolved: list[str]


def pdf_report(pdf: Path) -> PdfReport:
    """Count the pages and the placed figures of ``pdf`` and find ``??`` (unresolved references) in its text."""
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # the CJK fonts' duplicate /ToUnicode entries are harmless
    reader = PdfReader(pdf)
    placed = 0
    unresolved = []
    for number, page in enumerate(reader.pages, 1):
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        if xobjects is not None:
            xobjects = xobjects.get_object()
            placed += sum(xobjects[key].get_object().get("/Subtype") in ("/Form", "/Image") for key in xobjects)
        text = page.extract_text() or ""
        unresolved += [
            f"page {number}: …{text[max(0, m.start() - 40) : m.end() + 20]}…" for m in re.finditer(r"\?\?", text)
        ]
    return PdfReport(pages=len(reader.pages), placed_figures=placed, unresolved=unresolved)


def included_graphics(latex_dir: Path) -> list[str]:
    """The file names the LaTeX sources in ``latex_dir`` include with ``\\sphinxincludegraphics``/``\\includegraphics``."""
    pattern = re.compile(r"\\(?:sphinx)?includegraphics(?:\[[^\]]*\])?\{\{?([^}]+?)\}?\}")
    return [
        match for tex in sorted(latex_dir.glob("*.tex")) for match in pattern.findall(tex.read_text(encoding="utf-8"))
    ]


def _cached_report(target: Path) -> PdfReport:
    """:func:`pdf_report` of ``target``, read again only when the PDF changed (pypdf takes seconds on the book)."""
    cache = target.with_suffix(".report.json")
    key = f"{target.stat().st_size}:{target.stat().st_mtime_ns}"
    if cache.exists():
        saved = json.loads(cache.read_text(encoding="utf-8"))
        if saved.get("key") == key:
            return PdfReport(saved["pages"], saved["placed_figures"], saved["unresolved"])
    report = pdf_report(target)
    fields = {"pages": report.pages, "placed_figures": report.placed_figures, "unresolved": report.unresolved}
    cache.write_text(json.dumps({"key": key, **fields}) + "\n", encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis.runner.pdf",
        description="Build the book and the papers (or one manuscript) as PDF (LaTeX).",
    )
    parser.add_argument("--name", help="build only this manuscript: book, a paper's name, or a new name with --toc")
    parser.add_argument("--toc", type=Path, help="table of contents of a manuscript not under book/ (with --name)")
    parser.add_argument(
        "--config", type=Path, default=BOOK.config, help="its configuration (default: book/_config.yml)"
    )
    parser.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    args = parser.parse_args(argv)
    chosen = manuscripts.all_manuscripts()
    if args.toc is not None:
        chosen = [Manuscript(args.name or args.toc.parent.name, args.toc, args.config)]
    elif args.name:
        chosen = [manuscript for manuscript in chosen if manuscript.name == args.name]
        if not chosen:
            print(f"pdf: no manuscript named {args.name!r}", file=sys.stderr)
            return 1
    status = 0
    for manuscript in chosen:
        try:
            target = build_pdf(manuscript, force=args.force)
        except PdfBuildFailed as failure:
            print(f"pdf: {failure}", file=sys.stderr)
            return 1
        report = _cached_report(target)
        print(
            f"pdf: {manuscript.name}: {report.pages} pages, {report.placed_figures} placed figures, "
            f"{len(report.unresolved)} unresolved references"
        )
        for line in report.unresolved:
            print(f"pdf: {manuscript.name}: unresolved reference, {line}", file=sys.stderr)
        status = status or (1 if report.unresolved else 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
