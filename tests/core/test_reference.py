"""Every curated file in ``analysis/reference`` says where its content comes from (``source``) and why (``note``)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis.core import paths

REFERENCE_FILES = sorted(path for path in paths.REFERENCE.iterdir() if path.is_file())


def test_the_reference_folder_holds_only_tables_and_documents():
    allowed = {".csv", ".json", ".yaml", ".yml"}
    assert REFERENCE_FILES
    assert [path.name for path in REFERENCE_FILES if path.suffix not in allowed] == []


@pytest.mark.parametrize(
    "path", [path for path in REFERENCE_FILES if path.suffix == ".csv"], ids=lambda path: path.name
)
def test_every_reference_table_has_a_source_for_each_row_and_a_note_column(path: Path):
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [column for column in ("source", "note") if column not in table.columns]
    assert not missing, f"{path}: columns {missing} are missing"
    empty_rows = [number + 2 for number in table.index[table["source"].str.strip() == ""]]
    assert not empty_rows, f"{path}, rows {empty_rows}, column 'source': empty"


@pytest.mark.parametrize(
    "path", [path for path in REFERENCE_FILES if path.suffix in (".json", ".yaml", ".yml")], ids=lambda path: path.name
)
def test_every_reference_document_has_top_level_source_and_note(path: Path):
    text = path.read_text(encoding="utf-8")
    document = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    assert isinstance(document, dict), f"{path}: expected a mapping at the top level"
    missing = [key for key in ("source", "note") if not document.get(key)]
    assert not missing, f"{path}: top-level keys {missing} are missing or empty"
