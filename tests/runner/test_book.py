"""The book builds strictly from the executed notebooks, and looks right in headless Chromium.

The book is built once per module from the session's ``small_build`` (the notebooks are not run again)."""

from __future__ import annotations

import re

import nbformat
import pytest
import yaml

from analysis.core import paths
from analysis.report import survey_tables
from analysis.runner import book, browser, manuscripts, pipeline


def test_every_numbered_notebook_is_a_chapter_and_every_chapter_exists():
    toc = yaml.safe_load((paths.BOOK / "_toc.yml").read_text(encoding="utf-8"))
    files = [chapter["file"] for part in toc["parts"] for chapter in part["chapters"]]
    notebook_chapters = {f.split("/", 1)[1] for f in files if f.startswith(book.STAGED_NOTEBOOKS + "/")}
    numbered = {nb.stem for nb in pipeline.discover_notebooks(paths.NOTEBOOKS)}
    assert notebook_chapters == numbered
    prose = {f for f in files if not f.startswith(book.STAGED_NOTEBOOKS + "/")}
    assert all((paths.BOOK / f"{name}.md").exists() for name in prose | {toc["root"]})


@pytest.fixture(scope="module")
def built_manuscripts(small_build, tmp_path_factory):
    """The book and the three papers, built in HTML from the small build's executed notebooks."""
    output_root = tmp_path_factory.mktemp("book-output")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PARADIP_DATA", str(small_build / "data"))
        patch.setenv("PARADIP_BUILD", str(small_build / "build"))
        return book.build_all(output_root=output_root, echo=False)


@pytest.fixture(scope="module")
def built_book(built_manuscripts):
    return built_manuscripts[manuscripts.BOOK.name]


@pytest.mark.slow
def test_book_builds_with_every_chapter_and_figure(built_book):
    assert (built_book / "index.html").exists()
    for notebook in pipeline.discover_notebooks(paths.NOTEBOOKS):
        page = built_book / book.STAGED_NOTEBOOKS / f"{notebook.stem}.html"
        assert page.exists(), f"chapter {notebook.stem} missing from the book"
    assert book.figure_problems(built_book) == []
    assert list((built_book / "_images").glob("*.png")), "the book has no images"


@pytest.mark.slow
def test_book_works_offline(built_book):
    """No page loads a script or stylesheet from the network (MathJax is served locally)."""
    for page in built_book.rglob("*.html"):
        remote = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', page.read_text(encoding="utf-8"))
        assert remote == [], f"{page.name} loads {remote}"


@pytest.mark.slow
def test_book_shows_no_path_of_this_machine(built_book, small_build):
    """Readers see project-relative names, never the folders the book was built in."""
    machine_paths = (str(paths.ROOT), str(small_build))
    for page in built_book.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not any(path in text for path in machine_paths), f"{page.name} shows a machine path"


@pytest.mark.slow
def test_book_shows_no_survey_count_below_five(built_book):
    """Every table marked as built from survey answers shows no count of 1 to 4 respondents, and shows its counts."""
    findings = survey_tables.scan_book_for_small_cells(built_book)
    problems = findings[findings["problem"] != "unmarked survey table"]
    assert problems.empty, problems.to_string()


@pytest.mark.slow
def test_book_marks_every_table_its_captions_attribute_to_the_survey(built_book):
    findings = survey_tables.scan_book_for_small_cells(built_book)
    unmarked = findings[findings["problem"] == "unmarked survey table"]
    assert unmarked.empty, unmarked.to_string()


def test_reproducing_page_names_the_commit_the_environment_and_the_raw_checksums(built_book, small_build):
    from analysis.runner import environment, reproducibility

    text = re.sub(r"<[^>]+>", "", (built_book / "reproducing.html").read_text(encoding="utf-8"))
    commit, _ = reproducibility.git_state()
    assert f"built from commit {commit}" in text if commit else "outside a git checkout" in text
    assert "requirements.lock" in text and f"pandas{environment.read_pins(paths.LOCK_FILE)['pandas']}" in text.replace(
        "\n", ""
    )
    manifest = (small_build / "data" / "MANIFEST").read_text(encoding="utf-8").splitlines()[1].split("\t")
    assert f"{manifest[2]}  data/raw/{manifest[0]}/{manifest[1]}" in text


@pytest.mark.slow
def test_notebook_chapters_have_a_binder_launch_button(built_book):
    page = (built_book / book.STAGED_NOTEBOOKS / "60_describe.html").read_text(encoding="utf-8")
    assert "/v2/gh/" in page and "urlpath=lab/tree/notebooks/60_describe.ipynb" in page


@pytest.mark.slow
def test_book_shows_the_nuts2_map_in_chromium(built_book, tmp_path):
    png = browser.screenshot(built_book / book.STAGED_NOTEBOOKS / "20_build_frame.html", tmp_path / "frame.png")
    summary = browser.pixel_summary(png)
    assert summary["non_white_share"] > 0.05 and summary["distinct_colours"] > 50, summary


@pytest.mark.slow
def test_strict_build_fails_on_a_broken_reference(small_build, tmp_path):
    broken_book = tmp_path / "book"
    broken_book.mkdir()
    for item in ("_config.yml", "references.bib", "reproducing.md"):
        (broken_book / item).write_bytes((paths.BOOK / item).read_bytes())
    (broken_book / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: reproducing\n")
    (broken_book / "intro.md").write_text("# Intro\n\nSee {numref}`fig-that-does-not-exist`.\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PARADIP_BUILD", str(tmp_path / "build"))
        with pytest.raises(book.BookBuildFailed, match="fig-that-does-not-exist"):
            book.build(
                book_source=broken_book,
                executed=small_build / "build" / "executed",
                output_root=tmp_path / "out",
                echo=False,
            )


def test_the_demonstration_part_stays_while_synthetic_data_are_in_use_and_goes_without():
    toc_text = (paths.BOOK / "_toc.yml").read_text(encoding="utf-8")
    assert book.toc_for_lanes(toc_text, synthetic=True) == toc_text
    toc = yaml.safe_load(toc_text)
    demonstration = [part for part in toc["parts"] if part["caption"] == book.DEMONSTRATION_CAPTION]
    assert demonstration and all("synthetic" in part["caption"] for part in demonstration)
    real = yaml.safe_load(book.toc_for_lanes(toc_text, synthetic=False))
    assert book.DEMONSTRATION_CAPTION not in [part["caption"] for part in real["parts"]]
    files = [chapter["file"] for part in real["parts"] for chapter in part["chapters"]]
    assert sorted(files) == sorted(chapter["file"] for part in toc["parts"] for chapter in part["chapters"])
    for part in real["parts"]:
        numbered = [c["file"] for c in part["chapters"] if c["file"].startswith(book.STAGED_NOTEBOOKS + "/")]
        assert numbered == sorted(numbered), f"without the demonstration part, {part['caption']} follows the numbers"


def test_synthetic_tables_are_detected_from_their_rows(tmp_path):
    import pandas as pd

    pd.DataFrame({"unit_id": ["a"], "is_synthetic": [False]}).to_parquet(tmp_path / "crawl_ties.parquet")
    pd.DataFrame({"city_id": ["a"]}).to_parquet(tmp_path / "city_analysis.parquet")
    assert not book.synthetic_tables_in_use(tmp_path)
    pd.DataFrame({"unit_id": ["a", "b"], "is_synthetic": [False, True]}).to_parquet(tmp_path / "survey_ties.parquet")
    assert book.synthetic_tables_in_use(tmp_path)


def test_the_staged_toc_follows_the_lanes(tmp_path):
    source, executed, staging = tmp_path / "book", tmp_path / "executed", tmp_path / "staging"
    source.mkdir()
    executed.mkdir()
    (source / "_toc.yml").write_bytes((paths.BOOK / "_toc.yml").read_bytes())
    book.stage_sources(source, executed, staging, synthetic=False)
    assert book.DEMONSTRATION_CAPTION not in (staging / "_toc.yml").read_text(encoding="utf-8")
    book.stage_sources(source, executed, staging, synthetic=True)
    assert book.DEMONSTRATION_CAPTION in (staging / "_toc.yml").read_text(encoding="utf-8")


def _part_captions(page) -> list[str]:
    return re.findall(r'<span class="caption-text">([^<]+)</span>', page.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_the_small_build_book_shows_the_demonstration_part_with_its_banner(built_book):
    assert book.DEMONSTRATION_CAPTION in _part_captions(built_book / "intro.html")
    page = (built_book / book.STAGED_NOTEBOOKS / "40_survey_phase1.html").read_text(encoding="utf-8")
    assert "Pipeline demonstration: this chapter runs on synthetic data" in page


@pytest.mark.slow
def test_without_synthetic_data_the_book_has_no_demonstration_part(small_build, tmp_path, monkeypatch):
    monkeypatch.setenv("PARADIP_DATA", str(small_build / "data"))
    monkeypatch.setenv("PARADIP_BUILD", str(tmp_path / "build"))
    monkeypatch.setattr(book, "synthetic_tables_in_use", lambda processed=None: False)
    html = book.build(executed=small_build / "build" / "executed", output_root=tmp_path / "out", echo=False)
    assert book.DEMONSTRATION_CAPTION not in _part_captions(html / "intro.html")
    assert (html / book.STAGED_NOTEBOOKS / "40_survey_phase1.html").exists()


def test_an_executed_copy_of_a_renamed_notebook_is_not_staged(tmp_path):
    source, executed, staging, notebooks = (tmp_path / name for name in ("book", "executed", "staging", "nbs"))
    for folder in (source, executed, notebooks):
        folder.mkdir()
    (source / "_toc.yml").write_bytes((paths.BOOK / "_toc.yml").read_bytes())
    empty = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    for name in ("40_old_name.ipynb", "40_new_name.ipynb"):
        (executed / name).write_bytes(empty)
    (notebooks / "40_new_name.ipynb").write_bytes(empty)
    staged = book.stage_sources(source, executed, staging, sources=notebooks)
    assert [path.name for path in staged if path.suffix == ".ipynb"] == ["40_new_name.ipynb"]
    assert len([p for p in book.stage_sources(source, executed, staging) if p.suffix == ".ipynb"]) == 2


@pytest.mark.slow
def test_the_samples_personal_fields_stay_in_their_raw_exports(built_book, small_build):
    """The synthetic exports' names, e-mails and phones are planted personal data: they must appear only in the
    stand-in raw exports (``build/synthetic``), never in a processed table, another build output or the book."""
    from analysis.runner import privacy

    raw = small_build / "build" / "synthetic"
    samples = [path for path in raw.rglob("*.csv") if privacy.scan_text(privacy.file_text(path))]
    assert samples, "the markers should be in the raw samples"
    files = privacy.scanned_files(small_build / "data", small_build / "build", built_book.parent.parent)
    assert not any(raw in path.parents for path in files) and any(path.suffix == ".html" for path in files)
    assert privacy.scan(files) == []


@pytest.mark.slow
def test_the_small_build_has_one_executed_chapter_per_case(small_build, monkeypatch):
    from analysis.report import case_studies
    from analysis.runner import cases

    monkeypatch.setenv("PARADIP_DATA", str(small_build / "data"))
    chosen = case_studies.case_list()["unit_id"]
    assert 0 < len(chosen) <= 4, "the rule should pick a few cases in the small build too"
    executed = cases.executed_cases(small_build / "build" / "executed")
    assert [path.stem for path in executed] == sorted(cases.case_stem(unit) for unit in chosen)
    for path in executed:
        errors = [o for c in nbformat_cells(path) for o in c.get("outputs", []) if o["output_type"] == "error"]
        assert errors == [], path.name


def nbformat_cells(path):
    import json

    return json.loads(path.read_text(encoding="utf-8"))["cells"]


@pytest.mark.slow
def test_the_book_lists_the_case_chapters_and_each_shows_its_map_and_ties(built_book, small_build):
    from analysis.runner import cases

    assert "Case studies (phase 2)" in _part_captions(built_book / "intro.html")
    for executed in cases.executed_cases(small_build / "build" / "executed"):
        page = (built_book / book.STAGED_NOTEBOOKS / f"{executed.stem}.html").read_text(encoding="utf-8")
        map_figure = re.search(r'<figure[^>]*id="fig-case-[^"]*-map".*?</figure>', page, flags=re.S)
        assert map_figure and "<img" in map_figure.group(0), f"{executed.stem}: no map"
        assert "<th" in page and "Partner" in page and "Sources" in page, f"{executed.stem}: no table of ties"
        assert "Pipeline demonstration: the crawl and the survey answers in this section are synthetic" in page
        assert "The authors’ account" in page or "The authors&#39; account" in page or "The authors' account" in page


# The manuscripts: the book and three papers from the same executed notebooks (analysis.runner.manuscripts).

PAPERS = ("cases", "map", "predictors")


@pytest.fixture()
def book_as_staged(tmp_path):
    """The book's sources with the source notebooks where the staged book has the executed ones (their markdown,
    labels and glue references are the same)."""
    import shutil

    source = tmp_path / "staged"
    shutil.copytree(paths.BOOK, source, ignore=shutil.ignore_patterns("_build"))
    shutil.copytree(
        paths.NOTEBOOKS, source / book.STAGED_NOTEBOOKS, ignore=shutil.ignore_patterns(".ipynb_checkpoints")
    )
    return source


def test_the_book_and_three_papers_are_manuscripts():
    found = manuscripts.all_manuscripts()
    assert [m.name for m in found] == ["book", *PAPERS]
    for paper in found[1:]:
        assert paper.toc.exists() and paper.config.exists() and not paper.is_book


@pytest.mark.parametrize("synthetic", [True, False])
def test_no_manuscript_links_to_a_page_it_leaves_out(book_as_staged, synthetic):
    for manuscript in manuscripts.all_manuscripts():
        toc_text = book.toc_for_lanes(manuscript.toc.read_text(encoding="utf-8"), synthetic)
        assert manuscripts.unresolved_links(book_as_staged, toc_text) == [], manuscript.name


def test_papers_reuse_the_books_notebooks_and_copy_none():
    """Every notebook a paper shows is a numbered notebook of notebooks/ (staged from its one executed copy);
    no notebook lives under book/."""
    numbered = {nb.stem for nb in pipeline.discover_notebooks(paths.NOTEBOOKS)}
    for paper in manuscripts.papers():
        documents = manuscripts.toc_documents(paper.toc.read_text(encoding="utf-8"))
        shown = {d.split("/", 1)[1] for d in documents if d.startswith(book.STAGED_NOTEBOOKS + "/")}
        assert shown and shown <= numbered, paper.name
        own = [d for d in documents if not d.startswith(book.STAGED_NOTEBOOKS + "/")]
        assert all((paths.BOOK / f"{d}.md").exists() for d in own), paper.name
    assert [p for p in paths.BOOK.rglob("*.ipynb") if "_build" not in p.parts] == []


def test_the_link_check_finds_a_label_a_page_and_a_glue_source_left_out(book_as_staged):
    toc = "format: jb-book\nroot: theory\nchapters:\n  - file: notebooks/50_build_analysis_tables\n"
    (book_as_staged / "extra.md").write_text(
        "# Extra\n\n{doc}`/notebooks/70_map` and {glue:text}`/notebooks/60_describe.ipynb::frame_city_count:,.0f`\n",
        encoding="utf-8",
    )
    problems = manuscripts.unresolved_links(book_as_staged, toc + "  - file: extra\n  - file: missing_page\n")
    assert any("'regress-hypotheses'" in p for p in problems), problems
    assert any("links to 'notebooks/70_map'" in p for p in problems), problems
    assert any("glues from 'notebooks/60_describe'" in p for p in problems), problems
    assert any(p.startswith("missing_page: named in the table of contents") for p in problems), problems


def test_a_papers_configuration_is_the_books_with_its_own_keys_over_it(tmp_path):
    config = tmp_path / "_config.yml"
    config.write_text("title: A paper\nlatex:\n  latex_documents:\n    targetname: paper.tex\n", encoding="utf-8")
    merged = yaml.safe_load(manuscripts.config_text(manuscripts.Manuscript("paper", tmp_path / "_toc.yml", config)))
    book_config = yaml.safe_load(manuscripts.BOOK.config.read_text(encoding="utf-8"))
    assert merged["title"] == "A paper" and merged["latex"]["latex_documents"]["targetname"] == "paper.tex"
    assert merged["latex"]["use_jupyterbook_latex"] == book_config["latex"]["use_jupyterbook_latex"]
    assert merged["sphinx"] == book_config["sphinx"] and merged["bibtex_bibfiles"] == book_config["bibtex_bibfiles"]
    assert manuscripts.config_text(manuscripts.BOOK) == manuscripts.BOOK.config.read_text(encoding="utf-8")


def test_a_papers_fingerprint_ignores_notebooks_it_does_not_show(tmp_path):
    staging = tmp_path / "staging"
    for name in ("notebooks/50_a.ipynb", "notebooks/60_b.ipynb", "papers/x/index.md", "papers/y/index.md", "intro.md"):
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        (staging / name).write_text("{}", encoding="utf-8")
    files = sorted(path for path in staging.rglob("*") if path.is_file())
    toc = "format: jb-book\nroot: papers/x/index\nchapters:\n  - file: notebooks/50_a\n"
    kept = {str(path.relative_to(staging)) for path in manuscripts.relevant_files(files, staging, toc, "x")}
    assert kept == {"notebooks/50_a.ipynb", "papers/x/index.md"}, "the book's intro is not in paper x"


@pytest.mark.slow
@pytest.mark.parametrize("name", PAPERS)
def test_each_paper_builds_strictly_with_its_own_pages_and_the_books_notebooks(built_manuscripts, small_build, name):
    html = built_manuscripts[name]
    paper = next(m for m in manuscripts.papers() if m.name == name)
    output_root = built_manuscripts[manuscripts.BOOK.name].parents[1]
    assert html == book.html_dir(book.manuscript_root(paper, output_root)) and (html / "index.html").exists()
    cases = book.case_stems(small_build / "build" / "executed")
    toc_text = book.toc_with_cases(paper.toc.read_text(encoding="utf-8"), cases)  # the case chapters are staged
    documents = manuscripts.toc_documents(toc_text)
    assert name != "cases" or all(f"{book.STAGED_NOTEBOOKS}/{stem}" in documents for stem in cases)
    for document in documents:
        assert (html / f"{document}.html").exists(), f"{name}: page {document} missing"
    shown = {d for d in documents if d.startswith(book.STAGED_NOTEBOOKS + "/")}
    pages = {f"{book.STAGED_NOTEBOOKS}/{p.stem}" for p in (html / book.STAGED_NOTEBOOKS).glob("*.html")}
    assert pages == shown, f"{name} shows chapters its table of contents does not name"
    assert book.figure_problems(html) == []
    title = yaml.safe_load(paper.config.read_text(encoding="utf-8"))["title"]
    assert title in (html / f"{documents[0]}.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_discussion_pastes_the_findings_numbers(built_book):
    page = re.sub(r"<(script|style)\b.*?</\1>|<!--.*?-->", "", (built_book / "discussion.html").read_text(), flags=re.S)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert "H1, size: US:" in text and "kappa of 0." in text


@pytest.mark.slow
def test_an_unchanged_rebuild_of_the_manuscripts_runs_no_jupyter_book(built_manuscripts, small_build, monkeypatch):
    def refuse(*arguments, **keywords):
        raise AssertionError("jupyter-book ran although nothing changed")

    monkeypatch.setenv("PARADIP_DATA", str(small_build / "data"))
    monkeypatch.setenv("PARADIP_BUILD", str(small_build / "build"))
    monkeypatch.setattr(book, "_run_jupyter_book", refuse)
    output_root = built_manuscripts["book"].parents[1]
    assert book.build_all(output_root=output_root, echo=False) == built_manuscripts


def _page(tmp_path, body: str):
    (tmp_path / "page.html").write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    return tmp_path


def _glued(number: str, heading: str = "Cities", cell: str = "1,335") -> str:
    return (
        f'<figure class="glued-table align-default" id="t"><figcaption><p><span class="caption-number">{number} </span>'
        f'</p></figcaption><div class="table-scroll"><table id="T_t"><thead><tr><th>{heading}</th></tr></thead>'
        f"<tbody><tr><td>{cell}</td></tr></tbody></table></div></figure>"
    )


def test_the_table_check_passes_a_numbered_table_with_readable_cells(tmp_path):
    figure = '<figure class="align-default"><img src="x.png"><figcaption><span class="caption-number">Fig. 1 </span>'
    placeholder = _glued("Table 2", cell="twin term … in a neighbouring sentence")  # "…" for a quoted term
    assert (
        book.table_problems(_page(tmp_path, _glued("Table 1") + figure + "</figcaption></figure>" + placeholder)) == []
    )


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (_glued("Fig. 3"), "Fig. 3 is numbered as a figure"),
        ('<figure><span class="caption-number">Fig. 2 </span><table></table></figure>', "a table numbered as a figure"),
        (_glued("Table 1", heading="records_in"), "shows ['records_in']"),
        (_glued("Table 1", cell="NaN"), "shows ['NaN']"),
        (_glued("Table 1", cell="{'a': 1}"), "shows [\"{'a': 1}\"]"),
        (_glued("Table 1", cell="Eurostat/GISCO: re-use…"), "shows ['Eurostat/GISCO: re-use…']"),
        (_glued("Table 1", cell="re-use authorised with acknowl..."), "shows ['re-use authorised with acknowl...']"),
        ('<table class="dataframe"></table>', "a pandas table outside a numbered table"),
    ],
)
def test_the_table_check_finds_what_a_reader_should_not_see(tmp_path, body, problem):
    (found,) = book.table_problems(_page(tmp_path, body))
    assert found.startswith("page.html: ") and problem in found


@pytest.mark.slow
def test_tables_are_numbered_apart_from_figures_and_read_as_tables(built_manuscripts):
    for name, root in built_manuscripts.items():
        assert book.table_problems(root) == [], name
    text = (built_manuscripts[manuscripts.BOOK.name] / book.STAGED_NOTEBOOKS / "60_describe.html").read_text()
    numbers = re.findall(r'caption-number">(\w+)\.? (\d+)', text)
    assert ("Table", "1") in numbers or any(kind == "Table" for kind, _ in numbers)
    assert {kind for kind, _ in numbers} == {"Fig", "Table"}
    assert re.search(r"Source: <a [^>]*>notebook 60_describe\.ipynb</a>", text)


@pytest.mark.slow
@pytest.mark.parametrize("width", [430, 1280])
def test_no_table_or_figure_overflows_the_page(built_book, width):
    """At a phone's and a desktop's width, wide tables scroll in their own box and nothing widens the page."""
    pages = ["60_describe", "30_harmonise_relations", "80_regress"]
    for stem in pages:
        page = built_book / book.STAGED_NOTEBOOKS / f"{stem}.html"
        assert browser.layout_overflow(page, width) == [], (stem, width)


@pytest.mark.skipif(browser.chromium_path() is None, reason="needs Chromium")
def test_the_layout_check_passes_a_wide_table_in_its_scroll_box_and_finds_one_without(tmp_path):
    (tmp_path / "tables.css").write_bytes((paths.BOOK / "_static" / "tables.css").read_bytes())
    wide = '<table><tr><td style="white-space:nowrap">' + "x" * 300 + "</td></tr></table>"
    boxed = f'<figure class="glued-table" id="boxed"><div class="table-scroll">{wide}</div></figure>'
    page = tmp_path / "page.html"
    page.write_text(f'<html><head><link rel="stylesheet" href="tables.css"></head><body>{boxed}</body></html>')
    assert browser.layout_overflow(page, 430) == []
    page.write_text(
        f'<html><head><link rel="stylesheet" href="tables.css"></head><body>{boxed}<figure id="bare">{wide}</figure></body></html>'
    )
    found = browser.layout_overflow(page, 430)
    assert found[0].startswith("table#bare right=") and found[-1].startswith("page scrolls sideways")


def test_the_book_refuses_an_executed_notebook_with_an_error_output(tmp_path):
    source, executed, staging = tmp_path / "book", tmp_path / "executed", tmp_path / "staging"
    for folder in (source, executed):
        folder.mkdir()
    (source / "_toc.yml").write_bytes((paths.BOOK / "_toc.yml").read_bytes())
    clean = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1", execution_count=1)])
    nbformat.write(clean, executed / "40_clean.ipynb")
    book.stage_sources(source, executed, staging)
    broken = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Broken")])
    failing = nbformat.v4.new_code_cell("pd.read_csv('crawl.csv')", execution_count=3)
    failing.outputs = [nbformat.v4.new_output("error", ename="EmptyDataError", evalue="No columns", traceback=[])]
    broken.cells.append(failing)
    nbformat.write(broken, executed / "50_broken.ipynb")
    with pytest.raises(book.BookBuildFailed) as failure:
        book.stage_sources(source, executed, staging)
    assert "executed notebook 50_broken.ipynb holds an error output" in str(failure.value)
    assert "cell 2 (execution count 3): EmptyDataError: No columns" in str(failure.value)
    assert "40_clean" not in str(failure.value)
