"""The book builds as PDF through LaTeX from the executed notebooks, with its vector figures and resolved references.

The build test is slow (about 30 s) and needs Debian TeX Live (``make tex``; ``.ci/run`` installs it)."""

from __future__ import annotations

import base64
import json

import pytest
import yaml

from analysis.runner import manuscripts, pdf

needs_tex = pytest.mark.skipif(
    not pdf.tex_available(),
    reason="pdflatex, latexmk or CJKutf8.sty is not installed: `make tex` installs Debian TeX Live (CI does, in .ci/run)",
)


def _notebook(tmp_path):
    cells = [
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": ["```{glue:figure} fig_map\n:name: fig-map\n\nA map.\n```\n"],
        },
        {
            "cell_type": "code",
            "metadata": {"tags": ["hide-input"]},
            "source": ["publish_figure(figure, 'fig_map')"],
            "outputs": [
                {
                    "output_type": "display_data",
                    "metadata": {"scrapbook": {"name": "fig_map", "mime_prefix": pdf.GLUE_PREFIX}},
                    "data": {pdf.GLUE_PREFIX + "image/png": "iVBORw0KGgo=", pdf.GLUE_PREFIX + "text/plain": "<Figure>"},
                }
            ],
        },
        {"cell_type": "code", "metadata": {"tags": ["remove-cell"]}, "source": ["x = 1"], "outputs": []},
    ]
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "fig_map.pdf").write_bytes(b"%PDF-1.4 vector map")
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


def test_for_print_drops_code_and_adds_the_vector_figure(tmp_path):
    notebook = json.loads(pdf.for_print(_notebook(tmp_path), tmp_path / "figures"))
    figure_cell, removed_cell = notebook["cells"][1], notebook["cells"][2]
    assert figure_cell["metadata"]["tags"] == ["remove-input"]
    assert removed_cell["metadata"]["tags"] == ["remove-cell"]
    data = figure_cell["outputs"][0]["data"]
    assert base64.b64decode(data[pdf.GLUE_PREFIX + pdf.PDF_MIME]) == b"%PDF-1.4 vector map"
    assert pdf.GLUE_PREFIX + "image/png" in data, "the PNG stays for any builder that cannot place a PDF"


def test_expected_figures_are_the_glued_figures_with_a_vector_file(tmp_path):
    staging = tmp_path / "staging"
    (staging / "notebooks").mkdir(parents=True)
    (staging / "notebooks" / "60_x.ipynb").write_bytes(_notebook(tmp_path))
    (staging / "intro.md").write_text(":::{glue:figure} notebooks/70_y::fig_missing\n:::\n", encoding="utf-8")
    expected = pdf.expected_figures(staging, tmp_path / "figures")
    assert list(expected) == ["fig_map"], "a figure without a vector file cannot be expected in the PDF"


def test_for_pdflatex_sets_chinese_in_a_cjk_environment_and_declares_characters():
    tex = pdf.for_pdflatex("\\documentclass{book}\n\\begin{document}\nSuzhou (苏州市) has −3 and α.\n\\end{document}\n")
    assert "(\\begin{CJK}{UTF8}{gbsn}苏州市\\end{CJK})" in tex
    preamble = tex.split("\\begin{document}")[0]
    assert "\\usepackage{CJKutf8}" in preamble and "\\DeclareUnicodeCharacter{2212}{\\ensuremath{-}}" in preamble
    assert "\\DeclareUnicodeCharacter{03B1}{\\ensuremath{\\alpha}}" in preamble
    assert tex.count("\\begin{document}") == 1


def test_log_problems_reads_missing_glyphs_and_undefined_references(tmp_path):
    (tmp_path / "book.log").write_text(
        f"Package manuscript Warning: {pdf.NO_GLYPH_WARNING} on input line 3.\n"
        "LaTeX Warning: Reference `notebooks/20_build_frame:fig-x' on page 10 undefined on input line 5.\n"
        "LaTeX Warning: Citation `kaminski2023' on page 2 undefined on input line 9.\n"
    )
    assert pdf.log_problems(tmp_path) == [
        "1 characters without a glyph (printed as bullets) in the LaTeX log",
        "1 undefined references in the LaTeX log",
        "1 undefined citations in the LaTeX log",
    ]


def _build(small_build, output_root, work_root, force=False, manuscript=pdf.BOOK):
    """The PDF of the session's small build, staged and compiled in ``work_root`` (never in the small build's
    own build folder, which the determinism test compares with a second build)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PARADIP_DATA", str(small_build / "data"))
        patch.setenv("PARADIP_BUILD", str(small_build / "build"))
        return pdf.build_pdf(manuscript, output_root=output_root, work_root=work_root, force=force, echo=False)


@pytest.fixture(scope="module")
def built_pdf(small_build, tmp_path_factory):
    work_root = tmp_path_factory.mktemp("pdf-work")
    target = _build(small_build, tmp_path_factory.mktemp("pdf-output"), work_root)
    staging = work_root / "pdf-src" / pdf.BOOK.name
    expected = pdf.expected_figures(staging, small_build / "build" / "figures")
    return target, expected, pdf.latex_dir(pdf.BOOK, work_root)


@pytest.mark.slow
@needs_tex
def test_the_book_builds_as_pdf_with_every_figure_and_no_unresolved_reference(built_pdf):
    target, expected, latex = built_pdf
    report = pdf.pdf_report(target)
    assert report.pages > 0
    assert report.unresolved == [], "?? in the PDF: a reference or citation did not resolve"
    assert expected, "the book glues figures; none was found"
    included = {name.split("/")[-1].split(".")[0] for name in pdf.included_graphics(latex)}
    missing = {name for name, digest in expected.items() if digest not in included}
    assert missing == set(), f"figures not placed as vector PDFs: {sorted(missing)}"
    assert report.placed_figures >= len(expected)
    assert pdf.log_problems(latex) == []


@pytest.mark.slow
@needs_tex
def test_two_builds_of_one_commit_give_the_same_pdf_bytes(built_pdf, small_build, tmp_path):
    target, _, _ = built_pdf
    again = _build(small_build, tmp_path / "output", tmp_path / "work", force=True)
    assert again.read_bytes() == target.read_bytes(), "the PDF carries a date or an id that differs between builds"


def test_a_manuscript_brings_its_own_table_of_contents_and_configuration(tmp_path):
    toc, config = tmp_path / "_toc.yml", tmp_path / "_config.yml"
    toc.write_text("format: jb-book\nroot: paper\nchapters:\n  - file: notebooks/60_x\n", encoding="utf-8")
    config.write_text("title: A paper\n", encoding="utf-8")
    executed = tmp_path / "executed"
    executed.mkdir()
    (executed / "60_x.ipynb").write_bytes(_notebook(tmp_path))
    files = pdf.manuscript_files(pdf.Manuscript("paper", toc, config), executed, tmp_path / "figures")
    assert files["_toc.yml"] == toc.read_bytes()
    config = yaml.safe_load(files["_config.yml"])
    assert config["title"] == "A paper" and config["bibtex_bibfiles"] == ["references.bib"], "the book's keys stay"
    assert set(files) >= {"notebooks/60_x.ipynb", "_generated/build.md", "_generated/manifest.md"}
    assert json.loads(files["notebooks/60_x.ipynb"])["cells"][1]["metadata"]["tags"] == ["remove-input"]


@pytest.mark.slow
@needs_tex
@pytest.mark.parametrize("name", ["cases", "map", "predictors"])
def test_each_paper_builds_as_pdf_with_its_figures_and_no_unresolved_reference(small_build, tmp_path, name):
    paper = next(m for m in manuscripts.papers() if m.name == name)
    target = _build(small_build, tmp_path / "output", tmp_path / "work", manuscript=paper)
    assert target.name == f"{name}.pdf"
    report = pdf.pdf_report(target)
    assert report.pages > 0 and report.unresolved == [], report.unresolved
    expected = pdf.expected_figures(tmp_path / "work" / "pdf-src" / name, small_build / "build" / "figures")
    latex = pdf.latex_dir(paper, tmp_path / "work")
    included = {graphic.split("/")[-1].split(".")[0] for graphic in pdf.included_graphics(latex)}
    assert {glue for glue, digest in expected.items() if digest not in included} == set()
    assert report.placed_figures >= len(expected) and pdf.log_problems(latex) == []
