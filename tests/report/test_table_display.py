"""What a published table shows: labels, integers, dashes, decimals, no index, and the same cells in LaTeX."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.report import table_display
from analysis.report.table_display import MISSING, display_frame, latex_tabular, table_record


def test_headings_come_from_the_vocabulary_or_read_as_words():
    table = pd.DataFrame({"country_iso2": ["PL"], "records_with_eu_end": [3], "Share (%)": [1.5]})
    shown, _ = display_frame(table)
    # country_iso2 has a label in fields.csv; records_with_eu_end is a display column the vocabulary lacks
    assert list(shown.columns) == ["Country", "Records with EU end", "Share (%)"]


def test_counts_stored_as_floats_print_as_integers_with_thousands_separators():
    table = pd.DataFrame({"cities": [335.0, 12345.0, np.nan], "share": [0.5, 0.123456, 1.0]})
    shown, numeric = display_frame(table)
    assert shown["Cities"].tolist() == ["335", "12,345", MISSING]
    assert shown["Share"].tolist() == ["0.50", "0.12", "1.00"]
    assert numeric == ["Cities", "Share"]


def test_decimals_per_column_override_the_precision():
    table = pd.DataFrame({"a": [0.12345], "b": [0.12345]})
    shown, _ = display_frame(table, precision=1, decimals={"b": 3})
    assert shown.iloc[0].tolist() == ["0.1", "0.123"]


def test_missing_values_are_dashes_and_nothing_prints_as_nan_none_or_a_repr():
    table = pd.DataFrame(
        {
            "n": pd.array([1, None], dtype="Int64"),
            "text": ["x", None],
            "flag": [True, False],
            "detail": [{"a": 1, "b": 2.5}, ["x", "y"]],
        }
    )
    shown, numeric = display_frame(table)
    cells = shown.to_numpy().ravel().tolist()
    assert cells == ["1", "x", "yes", "a: 1; b: 2.50", MISSING, MISSING, "no", "x, y"]
    assert not any(bad in " ".join(cells) for bad in ("nan", "NaN", "None", "{", "<NA>"))
    assert numeric == ["N"]  # a boolean column is not set right-aligned


def test_a_named_index_becomes_a_column_and_a_plain_index_is_dropped():
    named = pd.DataFrame({"ties": [1, 2]}, index=pd.Index(["PL", "DE"], name="country_iso2"))
    shown, _ = display_frame(named)
    assert list(shown.columns) == ["Country", "Ties"] and shown.index.tolist() == [0, 1]
    plain, _ = display_frame(pd.DataFrame({"ties": [1, 2]}, index=[7, 9]))
    assert list(plain.columns) == ["Ties"]


def test_latex_cells_are_escaped_and_long_text_gets_a_paragraph_column():
    table = pd.DataFrame({"name": ["A & B_c 100%", "x" * 50], "ties": [1, 2]})
    record = table_record(*display_frame(table), note="n = 2.")
    opening, heading, body = latex_tabular(record)
    assert opening == r"\begin{tabular}{p{0.35\linewidth}r}"
    assert r"\textbf{Name} & \textbf{Ties}" in heading
    assert r"A \& B\_c 100\% & 1 \\" in body
    assert record["note"] == "n = 2." and record["align"] == ["l", "r"]
    assert latex_tabular(record, "longtable")[0].startswith(r"\begin{longtable}")


def test_the_record_is_what_the_book_directive_reads():
    record = table_record(*display_frame(pd.DataFrame({"ties": [1000]})))
    assert record == {"columns": ["Ties"], "rows": [["1,000"]], "align": ["r"], "note": ""}
    assert table_display.TABLE_MIME.startswith("application/") and table_display.TABLE_MIME.endswith("+json")
