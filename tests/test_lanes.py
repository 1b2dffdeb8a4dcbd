"""Real and synthetic never pool: the tables behind the headlines, and one value per named quantity.

Both tests read the session's ``small_build`` (conftest.py), where the survey and the crawl are
the synthetic samples: the headline tables must hold none of their rows or columns.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.report import quantities

HEADLINE_TABLES = ("city_analysis", "region_analysis", "capture_recapture", "source_agreement")
HEADLINE_READERS = ("60_describe", "70_map", "80_regress")
SYNTHETIC_MARKERS = ("is_synthetic", "uses_synthetic_sources", "data_origin")


def _tables_read_by(workspace: Path, notebook: str) -> set[str]:
    state = json.loads((workspace / "build" / "state" / f"{notebook}.json").read_text(encoding="utf-8"))
    processed = workspace / "data" / "processed"
    return {Path(path).stem for path in state["inputs"] if Path(path).parent == processed and path.endswith(".parquet")}


@pytest.mark.slow
def test_no_table_feeding_a_headline_has_a_synthetic_row_or_column(small_build):
    processed = small_build / "data" / "processed"
    synthetic_sources = [
        source
        for source, table in (("crawl", "crawl_ties"), ("survey", "survey_responses"))
        if pd.read_parquet(processed / f"{table}.parquet")["is_synthetic"].any()
    ]
    assert synthetic_sources == ["crawl", "survey"], "the small build should run on the synthetic samples"
    feeding = set(HEADLINE_TABLES).union(*(_tables_read_by(small_build, notebook) for notebook in HEADLINE_READERS))
    assert {"city_analysis", "region_analysis", "relations"} <= feeding
    for name in sorted(feeding):
        table = pd.read_parquet(processed / f"{name}.parquet")
        markers = [column for column in table if column in SYNTHETIC_MARKERS]
        assert markers == [], f"{name} carries synthetic markers {markers}"
        derived = [
            column
            for column in table
            if any(column.endswith(f"_{source}") or column.startswith(f"{source}_") for source in synthetic_sources)
        ]
        assert derived == [], f"{name} has columns from a synthetic source: {derived}"
        texts = [column for column in table if pd.api.types.is_string_dtype(table[column])]
        labelled = [c for c in texts if table[c].map(lambda v: isinstance(v, str) and v.startswith("synthetic")).any()]
        assert labelled == [], f"{name} has rows labelled synthetic in {labelled}"


@pytest.mark.slow
def test_every_named_quantity_has_one_value_across_the_chapters(small_build):
    found = quantities.executed_quantities(small_build / "build" / "executed")
    shared = found.groupby("name")["notebook"].nunique()
    assert (shared > 1).sum() >= 3, "the chapters should share named quantities (frame size, shares, counts)"
    conflicts = quantities.conflicting_quantities(found)
    assert conflicts.empty, f"one quantity, two values:\n{conflicts.to_string(index=False)}"
