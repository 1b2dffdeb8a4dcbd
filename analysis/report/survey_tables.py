"""Survey tables for the book: how they are marked, the check of the built book, and the phase-1 non-response tables.

**Marking.** ``publish_table(table, name, survey_counts=[...])`` (:mod:`analysis.report.figures`)
refuses a table that shows a count of 1 to 4 respondents, and marks the published HTML: the table
gets the class :data:`SURVEY_TABLE_CLASS` and every cell of a respondent-count column the class
:data:`SURVEY_COUNT_CLASS`. :func:`scan_book_for_small_cells` reads the built book
(``book/_build/html``) and reports, per page: a marked count cell showing 1 to 4 (``small count``),
a marked table without marked count cells (``no count column``: every survey table should show
its base), and a table whose figure caption mentions the survey but which is not marked
(``unmarked survey table``; the phrases are in ``reference/survey_caption_phrases.csv``).

**Phase-1 tables.** :func:`response_rate_table`, :func:`respondent_comparison_table`,
:func:`weighting_cells_table` and :func:`weighted_share_table` turn the results of
:mod:`analysis.stats.nonresponse` and :mod:`analysis.stats.weights` into display tables, already
suppressed (:func:`analysis.stats.disclosure.suppress_table`), with the count columns to pass as
``survey_counts``.

**Comparisons.** :func:`paired_comparison_table` and :func:`paired_scale_table` (US against China
within units, :mod:`analysis.stats.comparison`) and :func:`earlier_comparison_table` (phase 1 against
the 2020-21 China survey, :mod:`analysis.stats.comparison_earlier`) do the same for the comparisons.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import pandas as pd
from lxml import html as lxml_html

from analysis.core.reference import read_reference_table
from analysis.stats.disclosure import (
    MIN_CELL_RESPONDENTS,
    SUPPRESSED,
    check_no_small_counts,
    pool_small_categories,
    suppress_table,
)
from analysis.stats.weights import ALL_UNITS

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

SURVEY_TABLE_CLASS = "survey-table"
SURVEY_COUNT_CLASS = "survey-count"
# A figure caption holding one of these phrases (any case) describes a table built from survey answers:
# data, in analysis/reference/survey_caption_phrases.csv ("survey" alone would catch "labour-force survey").
SURVEY_CAPTION_PHRASES_FILE = "survey_caption_phrases.csv"
FINDING_COLUMNS = ["page", "table", "problem", "row", "column", "value"]


class PublishedSurveyTable(NamedTuple):
    """A display table and the columns that count respondents (to pass as ``publish_table(..., survey_counts=)``)."""

    table: pd.DataFrame
    survey_counts: list[str]
    suppressed_cells: int


@functools.cache
def survey_caption_phrases() -> tuple[str, ...]:
    """Caption phrases that attribute a table to the survey (``reference/survey_caption_phrases.csv``), lower case."""
    table = read_reference_table(SURVEY_CAPTION_PHRASES_FILE, ["phrase"])
    return tuple(" ".join(phrase.lower().split()) for phrase in table["phrase"])


def _names_the_survey(caption: str) -> bool:
    text = " ".join(caption.lower().replace("\u2019", "'").split())
    return any(phrase in text for phrase in survey_caption_phrases())


def mark_survey_table(styler: Styler, table: pd.DataFrame, survey_counts: Sequence[str], name: str) -> Styler:
    """Check ``table`` for small visible counts, then mark the styler's table and its count cells by CSS class."""
    missing = [column for column in survey_counts if column not in table.columns]
    if missing:
        raise ValueError(f"{name}: survey_counts names columns the table does not have: {missing}")
    check_no_small_counts(table, survey_counts, name)
    classes = pd.DataFrame("", index=table.index, columns=table.columns)
    classes.loc[:, list(survey_counts)] = SURVEY_COUNT_CLASS
    return styler.set_table_attributes(f'class="{SURVEY_TABLE_CLASS}"').set_td_classes(classes)


# --------------------------------------------------------------------------- the check of the built book


def _count_value(text: str) -> float | None:
    cleaned = text.strip().replace(",", "").replace("\u202f", "").replace("\xa0", "")
    if cleaned in ("", SUPPRESSED):
        return None
    try:
        return float(cleaned)
    except ValueError:
        return None


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def _table_findings(table, page: str, label: str, threshold: int) -> list[dict[str, object]]:
    headers = [th.text_content().strip() for th in table.xpath(".//thead//th")]
    cells = [td for td in table.xpath(".//td") if SURVEY_COUNT_CLASS in _classes(td)]
    if not cells:
        return [
            {"page": page, "table": label, "problem": "no count column", "row": None, "column": None, "value": None}
        ]
    findings = []
    for td in cells:
        value = _count_value(td.text_content())
        if value is None or not 0 < value < threshold:
            continue
        positions = {c[:3]: c[3:] for c in _classes(td) if c[:3] in ("row", "col") and c[3:].isdigit()}
        column = int(positions.get("col", -1))
        findings.append(
            {
                "page": page,
                "table": label,
                "problem": "small count",
                "row": int(positions.get("row", -1)) + 1,
                "column": headers[column] if 0 <= column < len(headers) else None,
                "value": value,
            }
        )
    return findings


def scan_html_for_small_cells(text: str, page: str = "", threshold: int = MIN_CELL_RESPONDENTS) -> pd.DataFrame:
    """Findings (:data:`FINDING_COLUMNS`) of one HTML page: small counts, survey tables without counts, unmarked ones."""
    if not text.strip():
        return pd.DataFrame(columns=FINDING_COLUMNS)
    document = lxml_html.fromstring(text)
    findings: list[dict[str, object]] = []
    for number, table in enumerate(document.xpath("//table"), start=1):
        figure = next(iter(table.xpath("ancestor::figure[1]")), None)
        label = (figure.get("id") if figure is not None else None) or table.get("id") or f"table {number}"
        if SURVEY_TABLE_CLASS in _classes(table):
            findings += _table_findings(table, page, label, threshold)
            continue
        caption = " ".join(figure.xpath(".//figcaption//text()")) if figure is not None else ""
        if _names_the_survey(caption):
            findings.append(
                {
                    "page": page,
                    "table": label,
                    "problem": "unmarked survey table",
                    "row": None,
                    "column": None,
                    "value": None,
                }
            )
    return pd.DataFrame(findings, columns=FINDING_COLUMNS)


def scan_book_for_small_cells(html_dir: Path, threshold: int = MIN_CELL_RESPONDENTS) -> pd.DataFrame:
    """Every finding of :func:`scan_html_for_small_cells` over the pages of a built book (``book/_build/html``).

    ``page`` is the path relative to ``html_dir``; an empty table means the book shows no survey
    count below ``threshold`` and marks every table its captions attribute to the survey.
    """
    parts = [
        scan_html_for_small_cells(page.read_text(encoding="utf-8"), page.relative_to(html_dir).as_posix(), threshold)
        for page in sorted(html_dir.rglob("*.html"))
        if "_static" not in page.parts
    ]
    parts = [part for part in parts if len(part)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=FINDING_COLUMNS)


# --------------------------------------------------------------------------- phase-1 non-response tables


def response_rate_table(rates: pd.DataFrame) -> PublishedSurveyTable:
    """Response by unit type, size class and country (:func:`analysis.stats.nonresponse.response_rates`), suppressed.

    Respondents and non-respondents of each row add up to its frame units (public), and each
    dimension's rows add up to the whole frame, so both directions take complementary suppression;
    the rate goes with the respondents. Categories of fewer than five frame units (a country with one
    city) are pooled first (:func:`~analysis.stats.disclosure.pool_small_categories`): with zeros shown, a
    withheld count of a one-unit category could only be 1.
    """
    suppressed = suppress_table(
        _pooled_rates(rates),
        ["respondents", "nonrespondents"],
        primary_columns=["respondents"],
        linked={"response_rate": ["respondents"]},
        blocks="dimension",
    )
    shown = suppressed.table.rename(
        columns={
            "dimension": "Dimension",
            "category": "Category",
            "frame_units": "Frame units",
            "respondents": "Respondents",
            "nonrespondents": "Non-respondents",
            "response_rate": "Response rate",
        }
    )
    # Non-respondents are not respondents: a small count of them reveals no answer (only complements are withheld).
    return PublishedSurveyTable(shown, ["Respondents"], suppressed.primary + suppressed.secondary)


def _pooled_rates(rates: pd.DataFrame) -> pd.DataFrame:
    counts = ["frame_units", "respondents", "nonrespondents"]
    parts = []
    for _, part in rates.groupby("dimension", sort=False):
        shown = part["category"].astype(str).map(pool_small_categories(part.set_index("category")["frame_units"]))
        pooled = (
            part.assign(category=shown).groupby(["dimension", "category"], sort=False, as_index=False)[counts].sum()
        )
        parts.append(pooled.assign(response_rate=pooled["respondents"] / pooled["frame_units"]))
    return pd.concat(parts, ignore_index=True)[list(rates.columns)]


def respondent_comparison_table(comparison: pd.DataFrame) -> PublishedSurveyTable:
    """Respondents against non-respondents (:func:`analysis.stats.nonresponse.compare_respondents`) for display.

    The values are public data (Wikipedia, Wikidata, GeoNames) over large groups; the group sizes
    are the survey counts.
    """
    shown = comparison.rename(
        columns={
            "characteristic": "Characteristic",
            "units": "Units",
            "respondents": "Respondents",
            "nonrespondents": "Non-respondents",
            "contrast": "Contrast",
            "estimate": "Estimate",
            "ci_low": "95% CI low",
            "ci_high": "95% CI high",
            "test": "Test",
            "p_value": "p",
            "n_respondents": "n respondents",
            "n_nonrespondents": "n non-respondents",
        }
    )
    check_no_small_counts(shown, ["n respondents"], "respondent comparison")
    return PublishedSurveyTable(shown, ["n respondents"], 0)


def weighting_cells_table(cells: pd.DataFrame) -> PublishedSurveyTable:
    """The weighting cells and every merge (:func:`analysis.stats.nonresponse.collapse_cells`), suppressed.

    Respondents per category are survey counts: small ones are withheld (the reason then says only
    that the category was pooled).
    """
    suppressed = suppress_table(cells, ["respondents"], blocks="dimension", rows_add_up=False)
    shown = suppressed.table.assign(
        reason=suppressed.table["reason"].where(~suppressed.mask["respondents"], "pooled: too few respondents")
    )
    shown = shown.rename(
        columns={
            "dimension": "Dimension",
            "category": "Category",
            "cell": "Weighting cell",
            "frame_units": "Frame units",
            "respondents": "Respondents",
            "reason": "Why pooled",
        }
    )
    return PublishedSurveyTable(shown, ["Respondents"], suppressed.primary + suppressed.secondary)


def weighted_share_table(shares: pd.DataFrame) -> PublishedSurveyTable:
    """Weighted shares with a US / Chinese partner (:func:`analysis.stats.weights.weighted_shares`), suppressed.

    Within a row, yes + no + don't know add up to the respondents of the domain; within a partner,
    the city and region rows add up to the all-units row. A small answer count withholds its
    complements and every share and interval of its row.
    """
    estimates = ["share_unweighted", "share_weighted", "std_error", "ci_low", "ci_high"]
    counts = ["yes", "no", "dont_know"]
    linked = {"answering": counts, **dict.fromkeys(estimates, counts)}
    overall = shares["unit_type"].eq(ALL_UNITS)
    detail = suppress_table(shares[~overall], counts, linked=linked, blocks="partner")
    totals = suppress_table(shares[overall], counts, linked=linked, columns_add_up=False)
    shown = pd.concat([detail.table, totals.table]).loc[shares.index]
    shown = shown.drop(columns=["df"]).rename(
        columns={
            "unit_type": "Units",
            "partner": "Partner",
            "answering": "Answering yes or no",
            "yes": "Yes",
            "no": "No",
            "dont_know": "Don't know",
            "share_unweighted": "Share yes, unweighted",
            "share_weighted": "Share yes, weighted",
            "std_error": "SE (linearised)",
            "ci_low": "95% CI low",
            "ci_high": "95% CI high",
            "ci_method": "Interval",
        }
    )
    withheld = detail.primary + detail.secondary + totals.primary + totals.secondary
    return PublishedSurveyTable(shown, ["Answering yes or no", "Yes", "No", "Don't know"], withheld)


# --------------------------------------------------------------------------- the US-China and 2020-21 comparisons


def paired_comparison_table(paired: pd.DataFrame) -> PublishedSurveyTable:
    """US against China within units (:func:`analysis.stats.comparison.paired_binary_table`), suppressed.

    The four cells of a row add up to its pairs; options overlap, so columns add up to nothing. A
    derived column is withheld with the cells it derives from: each share with its two cells, the
    difference and the McNemar p-values with the discordant cells, the paired interval with all four.
    """
    cells = ["both", "us_only", "cn_only", "neither"]
    discordant = ["us_only", "cn_only"]
    linked = {
        "share_us": ["both", "us_only"],
        "share_cn": ["both", "cn_only"],
        "estimate_us": ["both", "us_only"],
        "estimate_cn": ["both", "cn_only"],
        "ci_low": cells,
        "ci_high": cells,
        **dict.fromkeys(
            ["difference", "p_exact", "p_mid", "p_holm", "difference_weighted", "std_error", "ci_low_w", "ci_high_w"],
            discordant,
        ),
        **dict.fromkeys(["p_design", "p_design_holm"], discordant),
    }
    linked = {column: sources for column, sources in linked.items() if column in paired.columns}
    forced = _concordant_complement(_pairs_withheld(paired, cells))
    suppressed = suppress_table(forced, cells, linked=linked, columns_add_up=False)
    shown = suppressed.table.drop(columns=[c for c in ("df",) if c in paired.columns]).rename(columns=_PAIRED_NAMES)
    counts = [_PAIRED_NAMES[c] for c in ("pairs", *cells)]
    return PublishedSurveyTable(shown, counts, suppressed.primary + suppressed.secondary)


_PAIRED_NAMES = {
    "shared_id": "Item",
    "option": "Code",
    "label": "Answer",
    "pairs": "Units answering both",
    "both": "Both",
    "us_only": "US only",
    "cn_only": "China only",
    "neither": "Neither",
    "share_us": "Share US",
    "share_cn": "Share China",
    "difference": "Difference (US - China)",
    "ci_low": "95% CI low",
    "ci_high": "95% CI high",
    "p_exact": "McNemar exact p",
    "p_mid": "McNemar mid-p",
    "p_holm": "Holm-adjusted p",
    "estimate_us": "Share US, weighted",
    "estimate_cn": "Share China, weighted",
    "difference_weighted": "Difference, weighted",
    "std_error": "SE (linearised)",
    "ci_low_w": "Weighted 95% CI low",
    "ci_high_w": "Weighted 95% CI high",
    "p_design": "Design-based p",
    "p_design_holm": "Design-based p, Holm",
    "us_higher": "US rated higher",
    "cn_higher": "China rated higher",
    "equal": "Rated equal",
    "median_us": "Median US",
    "median_cn": "Median China",
    "mean_difference": "Mean difference (US - China)",
    "p_wilcoxon": "Wilcoxon p",
}


def _pairs_withheld(table: pd.DataFrame, cells: list[str]) -> pd.DataFrame:
    """Rows with 1 to 4 pairs: their pair count counts as a small cell of the row too (the whole row is withheld)."""
    small = table["pairs"].between(1, MIN_CELL_RESPONDENTS - 1)
    if not small.any():
        return table
    shown = table.copy()
    shown["pairs"] = shown["pairs"].astype(object).where(~small, SUPPRESSED)
    for column in cells:
        shown[column] = shown[column].where(~small, 1)  # any small count: primary suppression of every cell
    return shown


def _concordant_complement(table: pd.DataFrame) -> pd.DataFrame:
    """Where one concordant cell (both, neither) is small and the discordant cells are not, withhold the other
    concordant cell as its complement, so the discordant pairs, the difference and McNemar's test stay visible.

    The rule of :func:`~analysis.stats.disclosure.secondary_suppression` would take the smallest other cell,
    often a discordant one; two withheld cells of a row whose total is known protect each other either way.
    """
    small = {column: table[column].apply(_is_small_count) for column in ("both", "neither", "us_only", "cn_only")}
    discordant_shown = ~small["us_only"] & ~small["cn_only"]
    shown = table.copy()
    for cell, other in (("both", "neither"), ("neither", "both")):
        partner = pd.to_numeric(table[other], errors="coerce")
        prefer = small[cell] & ~small[other] & discordant_shown & partner.gt(0)
        shown[other] = shown[other].where(~prefer, 1)  # marked as a small cell: withheld with the first
    return shown


def _is_small_count(value: object) -> bool:
    number = pd.to_numeric(value, errors="coerce")
    return bool(pd.notna(number) and 0 < number < MIN_CELL_RESPONDENTS)


def paired_scale_table(scale: pd.DataFrame) -> PublishedSurveyTable:
    """US against China on the Likert items (:func:`analysis.stats.comparison.paired_scale_table`), suppressed.

    US higher + China higher + equal add up to the pairs; the medians, the mean difference, its
    interval and the tests are withheld with any small count of their row.
    """
    cells = ["us_higher", "cn_higher", "equal"]
    derived = ["median_us", "median_cn", "mean_difference", "ci_low", "ci_high", "p_wilcoxon", "p_holm"]
    derived += [c for c in ("estimate_us", "estimate_cn", "difference_weighted", "std_error") if c in scale.columns]
    derived += [c for c in ("ci_low_w", "ci_high_w", "p_design", "p_design_holm") if c in scale.columns]
    suppressed = suppress_table(
        _pairs_withheld(scale, cells), cells, linked=dict.fromkeys(derived, cells), columns_add_up=False
    )
    means = {"estimate_us": "Mean US, weighted", "estimate_cn": "Mean China, weighted"}
    shown = suppressed.table.drop(columns=[c for c in ("df",) if c in scale.columns])
    shown = shown.rename(columns={**_PAIRED_NAMES, **means, "difference_weighted": "Mean difference, weighted"})
    counts = [_PAIRED_NAMES[c] for c in ("pairs", *cells)]
    return PublishedSurveyTable(shown, counts, suppressed.primary + suppressed.secondary)


def earlier_comparison_table(comparison: pd.DataFrame) -> PublishedSurveyTable:
    """Phase 1 against the 2020-21 survey (:func:`analysis.stats.comparison_earlier.compare_with_earlier`), suppressed.

    Phase-1 counts (chose / did not choose the answer, adding up to the cities answering) and, from
    the 2020-21 microdata, the earlier counts are protected separately; published figures are public.
    The shares go with their survey's counts, the difference and its interval with both.
    """
    table = comparison.assign(
        phase1_not_selected=comparison["phase1_answering"] - comparison["phase1_selected"],
        earlier_not_selected=comparison["earlier_n"] - comparison["earlier_selected"],
    )
    for column in ("earlier_n", "earlier_selected", "earlier_not_selected"):  # published rows: no counts
        values = pd.to_numeric(table[column], errors="coerce")
        table[column] = values.astype(object).where(values.notna(), None)
    mine = ["phase1_selected", "phase1_not_selected"]
    theirs = ["earlier_selected", "earlier_not_selected"]
    both = [*mine, *theirs]
    first = suppress_table(
        table,
        mine,
        linked={**dict.fromkeys(["phase1_share", "phase1_ci_low", "phase1_ci_high", "phase1_std_error"], mine)}
        | dict.fromkeys(["difference", "ci_low", "ci_high"], mine),
        columns_add_up=False,
    )
    second = suppress_table(
        first.table,
        theirs,
        linked={**dict.fromkeys(["earlier_share", "earlier_std_error"], theirs)}
        | dict.fromkeys(["difference", "ci_low", "ci_high"], both),
        columns_add_up=False,
    )
    order = [c for c in _EARLIER_NAMES if c in second.table.columns]
    shown = second.table[order].rename(columns=_EARLIER_NAMES)
    counts = [_EARLIER_NAMES[c] for c in ("phase1_answering", *mine, "earlier_n", *theirs)]
    withheld = first.primary + first.secondary + second.primary + second.secondary
    return PublishedSurveyTable(shown, counts, withheld)


_EARLIER_NAMES = {
    "shared_id": "Item",
    "option": "Code",
    "label": "Answer",
    "base": "Base",
    "phase1_answering": "Phase 1: cities in base",
    "phase1_selected": "Phase 1: chose it",
    "phase1_not_selected": "Phase 1: did not",
    "phase1_share": "Phase 1 share",
    "phase1_ci_low": "Phase 1 95% CI low",
    "phase1_ci_high": "Phase 1 95% CI high",
    "phase1_std_error": "Phase 1 SE",
    "phase1_estimate": "Phase 1 estimate",
    "earlier_share": "2020-21 share",
    "earlier_n": "2020-21: cities in base",
    "earlier_selected": "2020-21: chose it",
    "earlier_not_selected": "2020-21: did not",
    "earlier_std_error": "2020-21 SE",
    "difference": "Difference (phase 1 - 2020-21)",
    "ci_low": "95% CI low",
    "ci_high": "95% CI high",
    "earlier_error": "2020-21 sampling error",
    "base_stated": "Base stated",
    "population_flag": "Populations",
    "earlier_source": "2020-21 source",
}
