"""Disclosure control of every table built from survey answers: small cells, their complements, consent.

**Small cells.** A count of respondents below :data:`MIN_CELL_RESPONDENTS` (but above zero) is a
*primary* suppression. Readers are assumed to know every row and column total (they are printed
beside the table or elsewhere in the book: frame counts, respondents per country), so a row or
column with a single suppressed cell would give it back by subtraction. :func:`secondary_suppression`
therefore suppresses, in every row or column that holds exactly one suppressed cell, the smallest
other cell of that row or column (a non-zero one first), and repeats until no row or column holds
exactly one. In a 2x2 table with its margins one small cell takes all four with it. The rule stops
recovery by subtraction; it does not bound the intervals a linear-programming attack could derive
over several tables (an audit with a solver such as tau-argus would), which is acceptable for
tables of a few categories.

Zeros are shown: a zero count is no respondent. Derived cells (a share, a rate, an estimate)
name the counts they derive from (``linked``) and are suppressed with them.

**Consent.** A respondent who chose ``aggregate_only`` is never shown per unit:
:func:`withhold_aggregate_only` drops those units from a per-unit table and
:func:`check_no_aggregate_only` raises :class:`DisclosureError` if one is left.

The book marks each table built from survey answers (``publish_table(..., survey_counts=[...])``
in :mod:`analysis.report.figures`), and :func:`analysis.report.survey_tables.scan_book_for_small_cells`
checks the built HTML.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.collect.consent import AGGREGATE_ONLY

# Cells with fewer respondents than this are suppressed: the threshold set for the project (issue 10),
# within the minimum frequencies of 3 to 10 that official statistics use for frequency tables
# (Hundepool et al., Statistical Disclosure Control, Wiley 2012). The units are public bodies; the rule
# protects what their respondents answered.
MIN_CELL_RESPONDENTS = 5
# What a suppressed cell shows (the GSS/ONS shorthand "[c]": confidential); the caption says so.
SUPPRESSED = "[c]"
SUPPRESSION_NOTE = (
    f"{SUPPRESSED}: withheld, fewer than {MIN_CELL_RESPONDENTS} respondents, or withheld so that such a cell "
    "cannot be recovered from the totals."
)
CONSENT_COLUMN = "consent"


class DisclosureError(ValueError):
    """A table about to be published would disclose what the consent or the small-cell rule protects."""


@dataclass(frozen=True)
class SuppressedTable:
    """What :func:`suppress_table` returns: the ``table`` to publish (suppressed cells show :data:`SUPPRESSED`),
    the boolean ``mask`` over its columns, and the numbers of ``primary`` and ``secondary`` suppressions."""

    table: pd.DataFrame
    mask: pd.DataFrame
    primary: int
    secondary: int


def primary_cells(counts: pd.DataFrame, threshold: int = MIN_CELL_RESPONDENTS) -> pd.DataFrame:
    """Cells with at least one and fewer than ``threshold`` respondents."""
    values = counts.astype(float)
    return (values > 0) & (values < threshold)


def _equations(shape: tuple[int, int], rows_add_up: bool, columns_add_up: bool) -> list[list[tuple[int, int]]]:
    """The cell sets whose totals the reader knows: each row and/or each column of the table."""
    n_rows, n_columns = shape
    equations = []
    if rows_add_up and n_columns > 1:
        equations += [[(i, j) for j in range(n_columns)] for i in range(n_rows)]
    if columns_add_up and n_rows > 1:
        equations += [[(i, j) for i in range(n_rows)] for j in range(n_columns)]
    return equations


def secondary_suppression(
    counts: pd.DataFrame, suppressed: pd.DataFrame, *, rows_add_up: bool = True, columns_add_up: bool = True
) -> pd.DataFrame:
    """``suppressed`` plus the complementary cells that stop recovery by subtraction (see the module docstring).

    ``rows_add_up`` / ``columns_add_up``: whether the cells of a row (column) sum to a total the
    reader knows; a multi-select table, whose options overlap, adds up in neither.
    """
    values = counts.astype(float).to_numpy()
    mask = suppressed.to_numpy(dtype=bool).copy()
    equations = _equations(values.shape, rows_add_up, columns_add_up)
    changed = True
    while changed:
        changed = False
        for cells in equations:
            hidden = [cell for cell in cells if mask[cell]]
            if len(hidden) != 1:
                continue
            # Equations have two cells or more (see _equations), so a lone suppressed cell always has a candidate.
            candidates = [cell for cell in cells if not mask[cell]]
            # The smallest non-zero cell first (a suppressed zero hides nothing), then a zero; ties by position.
            mask[min(candidates, key=lambda cell: (values[cell] == 0, values[cell], cell))] = True
            changed = True
    return pd.DataFrame(mask, index=counts.index, columns=counts.columns)


def suppression_mask(
    counts: pd.DataFrame,
    *,
    primary_columns: Sequence[str] | None = None,
    threshold: int = MIN_CELL_RESPONDENTS,
    rows_add_up: bool = True,
    columns_add_up: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Primary and final (primary + secondary) suppression of a table of counts.

    ``primary_columns``: the columns that count respondents (default: all); the others (frame
    units not answering, say) are only ever suppressed as complements.
    """
    primary = primary_cells(counts, threshold)
    if primary_columns is not None:
        primary.loc[:, [c for c in counts.columns if c not in primary_columns]] = False
    final = secondary_suppression(counts, primary, rows_add_up=rows_add_up, columns_add_up=columns_add_up)
    return primary, final


def suppress_table(
    table: pd.DataFrame,
    count_columns: Sequence[str],
    *,
    primary_columns: Sequence[str] | None = None,
    linked: Mapping[str, Sequence[str]] | None = None,
    blocks: str | None = None,
    rows_add_up: bool = True,
    columns_add_up: bool = True,
    threshold: int = MIN_CELL_RESPONDENTS,
) -> SuppressedTable:
    """``table`` ready to publish: small counts and their complements replaced by :data:`SUPPRESSED`.

    ``count_columns``: the counts that form the protected table (row by row); ``primary_columns``:
    those that count respondents (default: all of ``count_columns``); ``linked``: derived columns
    and the counts each derives from (``{"response_rate": ["respondents"]}``), suppressed when
    one of them is; ``blocks``: a column that splits the rows into separate tables (each with
    its own column totals, e.g. the dimensions of a response-rate table). A suppressed column
    becomes ``object`` (numbers and :data:`SUPPRESSED`).
    """
    count_columns = list(count_columns)
    mask = pd.DataFrame(False, index=table.index, columns=table.columns)
    primary_total = 0
    groups = [table] if blocks is None else [part for _, part in table.groupby(blocks, sort=False)]
    for part in groups:
        primary, final = suppression_mask(
            part[count_columns],
            primary_columns=primary_columns,
            threshold=threshold,
            rows_add_up=rows_add_up,
            columns_add_up=columns_add_up,
        )
        mask.loc[part.index, count_columns] = final
        primary_total += int(primary.to_numpy().sum())
    for derived, sources in (linked or {}).items():
        mask[derived] = mask[list(sources)].any(axis=1)
    shown = table.copy()
    for column in mask.columns[mask.any()]:
        shown[column] = shown[column].astype(object).where(~mask[column], SUPPRESSED)
    total = int(mask[count_columns].to_numpy().sum())
    return SuppressedTable(shown, mask, primary_total, total - primary_total)


def pool_small_categories(sizes: pd.Series, threshold: int = MIN_CELL_RESPONDENTS) -> dict[str, str]:
    """``{category: shown category}``: categories of fewer than ``threshold`` frame units are pooled.

    With zeros shown, a category of one unit whose respondent count is withheld gives it back (it can
    only be 1); so categories smaller than the threshold are pooled together and, if the pool is still
    small, with the smallest other category.
    """
    small = sorted(category for category, size in sizes.items() if size < threshold)
    shown = {category: category for category in sizes.index}
    if not small:
        return shown
    pool = " or ".join(small)
    if sizes[small].sum() < threshold and len(small) < len(sizes):
        partner = sizes.drop(small).sort_values(kind="stable").index[0]
        pool = " or ".join(sorted([partner, *small]))
        small.append(partner)
    return shown | dict.fromkeys(small, pool)


def withheld_as_missing(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with :data:`SUPPRESSED` cells as missing values (numeric columns again), for drawing a figure.

    A figure built from survey answers is drawn from the suppressed table, so a withheld bar or
    point is simply absent; the caption carries :data:`SUPPRESSION_NOTE`.
    """
    shown = table.copy()
    for column in shown.columns:
        values = shown[column]
        if values.dtype == object and values.astype(str).eq(SUPPRESSED).any():
            shown[column] = pd.to_numeric(values.where(values.astype(str) != SUPPRESSED), errors="coerce")
    return shown


def small_visible_counts(
    table: pd.DataFrame, count_columns: Sequence[str], threshold: int = MIN_CELL_RESPONDENTS
) -> list[str]:
    """Cells of ``count_columns`` that show a count from 1 to ``threshold - 1`` (``"row 3, column yes: 2"``)."""
    problems = []
    for column in count_columns:
        values = pd.to_numeric(table[column].where(table[column].astype(str) != SUPPRESSED), errors="coerce")
        for position in np.flatnonzero(((values > 0) & (values < threshold)).to_numpy()):
            problems.append(f"row {position + 1}, column {column}: {values.iloc[position]:g}")
    return problems


def check_no_small_counts(table: pd.DataFrame, count_columns: Sequence[str], name: str = "table") -> None:
    """Raise :class:`DisclosureError` if a survey table shows a count of 1 to 4 respondents."""
    problems = small_visible_counts(table, count_columns)
    if problems:
        raise DisclosureError(
            f"{name}: {len(problems)} cells show fewer than {MIN_CELL_RESPONDENTS} respondents "
            f"({'; '.join(problems[:5])}); pass it through analysis.stats.disclosure.suppress_table first"
        )


# --------------------------------------------------------------------------- consent


def aggregate_only_units(responses: pd.DataFrame) -> set[str]:
    """Unit ids whose respondent agreed to aggregate reporting only (``consent == "aggregate_only"``)."""
    return set(responses.loc[responses[CONSENT_COLUMN].astype(str).eq(AGGREGATE_ONLY), "unit_id"].astype(str))


def withhold_aggregate_only(
    per_unit: pd.DataFrame, responses: pd.DataFrame, unit_column: str = "unit_id"
) -> tuple[pd.DataFrame, int]:
    """``per_unit`` without the rows of ``aggregate_only`` units, and how many rows were withheld.

    Their answers still count in every aggregate; a caption can say "n units agreed to aggregate
    reporting only and are not listed".
    """
    withheld = per_unit[unit_column].astype(str).isin(aggregate_only_units(responses))
    return per_unit[~withheld].reset_index(drop=True), int(withheld.sum())


def check_no_aggregate_only(per_unit: pd.DataFrame, responses: pd.DataFrame, unit_column: str = "unit_id") -> None:
    """Raise :class:`DisclosureError` if a per-unit table lists a unit whose respondent chose ``aggregate_only``."""
    listed = sorted(set(per_unit[unit_column].astype(str)) & aggregate_only_units(responses))
    if listed:
        raise DisclosureError(
            f"a per-unit table lists {len(listed)} units whose respondents agreed to aggregate reporting only "
            f"(e.g. {listed[:3]}); drop them with withhold_aggregate_only"
        )
