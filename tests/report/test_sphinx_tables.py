"""The book's table directive: what it writes under a table and the alt text it gives a figure."""

from __future__ import annotations

from analysis.report import sphinx_tables


def test_the_alt_text_is_the_captions_first_sentence():
    caption = "Share of frame cities with a US partner, by group.\nn is the number of cities (e.g. 12). More."
    assert sphinx_tables.first_sentence(caption) == "Share of frame cities with a US partner, by group."
    assert sphinx_tables.first_sentence("No full stop") == "No full stop"


def test_the_source_line_names_the_notebook_the_glue_name_and_the_data():
    lineage = {
        "60_describe": {"notebook": "60_describe.ipynb", "data": ["city_analysis", "relations"]},
        "case_gn1": {"notebook": "case_study.ipynb", "data": ["cities"]},
    }
    line = sphinx_tables.source_line("notebooks/60_describe", "tbl_shares", lineage)
    assert line == "Source: notebook 60_describe.ipynb (glued as tbl_shares); data: city_analysis, relations."
    assert sphinx_tables.source_line("notebooks/case_gn1", "tbl_case", lineage).startswith(
        "Source: notebook case_study.ipynb"
    )
    assert sphinx_tables.source_line("notebooks/90_interviews", "tbl_codes", lineage).endswith("(glued as tbl_codes).")


def test_the_notebook_link_points_into_the_repository_the_book_names():
    class Config:
        html_theme_options = {"repository_url": "https://github.com/o/r/", "repository_branch": "dev"}

    url = sphinx_tables.notebook_url(Config(), "notebooks/case_gn1", "case_study.ipynb")
    assert url == "https://github.com/o/r/blob/dev/notebooks/case_study.ipynb"
    assert sphinx_tables.notebook_url(Config(), "intro", "x.ipynb") is None
