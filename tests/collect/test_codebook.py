"""Tests for analysis.collect.codebook: loading, validation, expansion of loops and rosters, skip logic."""

from __future__ import annotations

from analysis.collect import codebook, survey


def test_phase1_codebook_reproduces_the_export_layout():
    book = codebook.load_codebook("eu_phase1")
    assert book.export_columns() == survey.export_columns()
    assert len(book.export_columns()) == 74
