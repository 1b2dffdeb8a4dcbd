"""The one reader of curated reference tables refuses what a table owes and does not have."""

from __future__ import annotations

import pytest

from analysis.core import paths
from analysis.core.reference import read_reference_table


@pytest.fixture
def reference_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "REFERENCE", tmp_path)
    return tmp_path


def test_a_complete_table_is_read_as_text(reference_folder):
    (reference_folder / "words.csv").write_text("word,source,note\n007,a list,kept as text\n", encoding="utf-8")
    assert read_reference_table("words.csv", ["word"])["word"].tolist() == ["007"]


def test_missing_source_and_note_columns_are_named(reference_folder):
    (reference_folder / "words.csv").write_text("word\nmetropole\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"words.csv: columns \['source', 'note'\] are missing"):
        read_reference_table("words.csv", ["word"])


def test_an_empty_cell_is_named_by_row_and_column(reference_folder):
    (reference_folder / "words.csv").write_text("word,source,note\nregion,x,y\n ,x,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"words.csv, row 3, column 'word': expected a value"):
        read_reference_table("words.csv", ["word"])
