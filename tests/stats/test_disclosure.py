"""Disclosure control: small cells, complementary suppression on hand-made tables, consent to aggregate reporting only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.stats import disclosure
from analysis.stats.disclosure import SUPPRESSED, DisclosureError


def _recoverable(mask: pd.DataFrame, rows: bool = True, columns: bool = True) -> list[str]:
    """Rows or columns with exactly one suppressed cell: that cell is total minus the others."""
    lone = []
    if rows:
        lone += [f"row {i}" for i, count in enumerate(mask.sum(axis=1)) if count == 1]
    if columns:
        lone += [f"column {c}" for c, count in mask.sum(axis=0).items() if count == 1]
    return lone


def test_primary_cells_are_one_to_four_respondents_and_zeros_are_shown():
    counts = pd.DataFrame({"a": [0, 1, 4, 5, 12]})
    assert disclosure.primary_cells(counts)["a"].tolist() == [False, True, True, False, False]
    assert disclosure.MIN_CELL_RESPONDENTS == 5


def test_one_small_cell_of_a_two_by_two_table_takes_all_four_cells_with_it():
    # Margins known (rows 13 and 31, columns 12 and 32): hiding only the 3 would let 13 - 10 give it back,
    # and hiding its row and column neighbours leaves the fourth cell alone in its row and column.
    counts = pd.DataFrame({"yes": [3, 9], "no": [10, 22]}, index=["region", "city"])
    primary, final = disclosure.suppression_mask(counts)
    assert primary.to_numpy().sum() == 1
    assert final.to_numpy().all()


def test_secondary_suppression_takes_the_smallest_other_cell_and_leaves_nothing_recoverable():
    counts = pd.DataFrame({"a": [2, 30, 40], "b": [8, 6, 50], "c": [20, 25, 60]})
    primary, final = disclosure.suppression_mask(counts)
    assert primary.to_numpy().sum() == 1
    # Row 0 takes b (8, its smallest other cell), column a takes row 1 (30), column b then row 1 (6).
    assert final["b"][0] and final["a"][1] and final["b"][1]
    assert final.to_numpy().sum() == 4
    assert not final["c"].any()
    assert _recoverable(final) == []


def test_a_zero_is_a_complement_only_when_no_non_zero_cell_is_left():
    counts = pd.DataFrame({"a": [2, 0, 7]})
    _, final = disclosure.suppression_mask(counts, rows_add_up=False)
    assert final["a"].tolist() == [True, False, True]
    _, only_zero = disclosure.suppression_mask(pd.DataFrame({"a": [2, 0]}), rows_add_up=False)
    assert only_zero["a"].tolist() == [True, True]


@pytest.mark.parametrize("seed", range(20))
def test_no_suppressed_cell_can_be_recovered_by_subtraction_in_random_tables(seed):
    rng = np.random.default_rng(seed)
    counts = pd.DataFrame(rng.integers(0, 15, size=(rng.integers(2, 6), rng.integers(2, 5))))
    primary, final = disclosure.suppression_mask(counts)
    assert (final | ~primary).all().all()  # every primary cell stays suppressed
    assert _recoverable(final) == []


def test_only_respondent_columns_are_primary_and_derived_cells_follow_their_counts():
    rates = pd.DataFrame(
        {
            "dimension": ["country"] * 3 + ["unit type"] * 2,
            "category": ["CY", "DE", "FR", "city", "region"],
            "frame_units": [5, 100, 80, 150, 35],
            "respondents": [1, 40, 30, 50, 21],
            "nonrespondents": [4, 60, 50, 100, 14],
        }
    ).assign(response_rate=lambda t: t["respondents"] / t["frame_units"])
    shown = disclosure.suppress_table(
        rates,
        ["respondents", "nonrespondents"],
        primary_columns=["respondents"],
        linked={"response_rate": ["respondents"]},
        blocks="dimension",
    )
    table = shown.table.set_index("category")
    # CY's 1 respondent and its 4 non-respondents (the row adds up to the 5 frame units), and in each
    # column the next smallest country (FR), so that the country totals give nothing back.
    assert table.loc["CY", ["respondents", "nonrespondents", "response_rate"]].tolist() == [SUPPRESSED] * 3
    assert table.loc["FR", "respondents"] == SUPPRESSED and table.loc["FR", "nonrespondents"] == SUPPRESSED
    assert table.loc["DE", "respondents"] == 40 and table.loc["city", "respondents"] == 50
    assert table.loc["CY", "frame_units"] == 5  # public, never suppressed
    assert (shown.primary, shown.secondary) == (1, 3)
    assert disclosure.small_visible_counts(shown.table, ["respondents", "nonrespondents"]) == []


def test_small_visible_counts_are_found_and_refused():
    table = pd.DataFrame({"answer": ["yes", "no", "dont_know"], "units": [12, 3, SUPPRESSED]})
    assert disclosure.small_visible_counts(table, ["units"]) == ["row 2, column units: 3"]
    with pytest.raises(DisclosureError, match="fewer than 5 respondents"):
        disclosure.check_no_small_counts(table, ["units"], "tbl_answers")


def test_withheld_cells_become_missing_for_a_figure():
    table = pd.DataFrame({"period": ["1990s", "2000s"], "ties": [SUPPRESSED, 12]})
    numeric = disclosure.withheld_as_missing(table)
    assert numeric["ties"].isna().tolist() == [True, False] and numeric["ties"].iloc[1] == 12


RESPONSES = pd.DataFrame(
    {"unit_id": ["a", "b", "c"], "consent": ["attribute_to_unit", "aggregate_only", "attribute_to_unit"]}
)


def test_aggregate_only_units_are_withheld_from_a_per_unit_table():
    per_unit = pd.DataFrame({"unit_id": ["a", "b", "c", "b"], "partner": ["x", "y", "z", "w"]})
    kept, withheld = disclosure.withhold_aggregate_only(per_unit, RESPONSES)
    assert kept["unit_id"].tolist() == ["a", "c"] and withheld == 2
    disclosure.check_no_aggregate_only(kept, RESPONSES)


def test_a_per_unit_table_with_an_aggregate_only_unit_is_refused():
    per_unit = pd.DataFrame({"eu_unit": ["a", "b"]})
    with pytest.raises(DisclosureError, match="aggregate reporting only"):
        disclosure.check_no_aggregate_only(per_unit, RESPONSES, unit_column="eu_unit")
