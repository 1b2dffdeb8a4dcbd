"""Survey tables in the book: the marking by publish_table, the scan of built pages, the phase-1 display tables."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.report import survey_tables
from analysis.report.figures import GluedTable, publish_table
from analysis.stats import nonresponse, weights
from analysis.stats.disclosure import SUPPRESSED, DisclosureError


def _page(table_html: str, caption: str = "Source: survey of EU cities and regions.") -> str:
    return (
        f'<html><body><figure id="tbl-x">{table_html}<figcaption><p>{caption}</p></figcaption></figure></body></html>'
    )


def _marked_html(table: pd.DataFrame, counts: list[str]) -> str:
    styler = table.style.hide(axis="index").format(precision=2, thousands=",")
    return GluedTable(survey_tables.mark_survey_table(styler, table, counts, "tbl_x"), "tbl_x")._repr_html_()


def test_publish_table_refuses_a_survey_table_with_a_small_count():
    table = pd.DataFrame({"Answer": ["yes", "no"], "Units": [12, 3]})
    with pytest.raises(DisclosureError, match="fewer than 5"):
        publish_table(table, "tbl_answers", survey_counts=["Units"])
    publish_table(table.assign(Units=[12, SUPPRESSED]), "tbl_answers", survey_counts=["Units"])  # no error


def test_a_marked_table_passes_the_scan_and_a_small_count_in_it_is_found():
    table = pd.DataFrame(
        {"Country": ["DE", "CY", "FR"], "Respondents": [1_234, SUPPRESSED, 30], "Share": [0.5, 0.3, 0.2]}
    )
    html = _marked_html(table, ["Respondents"])
    assert f'class="{survey_tables.SURVEY_TABLE_CLASS}"' in html
    assert survey_tables.scan_html_for_small_cells(_page(html), "p.html").empty
    # A count that slipped through (written into the page by hand here) is found, with its row and column.
    leaked = html.replace(f">{SUPPRESSED}<", ">3<")
    findings = survey_tables.scan_html_for_small_cells(_page(leaked), "p.html")
    assert findings[["page", "table", "problem", "row", "column", "value"]].values.tolist() == [
        ["p.html", "tbl-x", "small count", 2, "Respondents", 3.0]
    ]
    # The shares (0.50, 0.30, 0.20: below 5, in an unmarked column) are not counts and were not reported.


def test_the_scan_reports_unmarked_survey_tables_and_survey_tables_without_counts():
    plain = pd.DataFrame({"Option": ["culture"], "Share": [0.2]}).to_html(index=False)
    unmarked = survey_tables.scan_html_for_small_cells(_page(plain), "p.html")
    assert unmarked["problem"].tolist() == ["unmarked survey table"]
    # "labour-force survey" is not the team's survey.
    other = _page(plain, "Source: Eurostat regional accounts and labour-force survey.")
    assert survey_tables.scan_html_for_small_cells(other).empty
    no_counts = _marked_html(pd.DataFrame({"Option": ["culture"], "Share": [0.2]}), [])
    assert survey_tables.scan_html_for_small_cells(_page(no_counts))["problem"].tolist() == ["no count column"]


def test_the_book_scan_walks_every_page(tmp_path):
    (tmp_path / "notebooks").mkdir()
    table = pd.DataFrame({"Units": ["city"], "Respondents": [4]})
    (tmp_path / "notebooks" / "40.html").write_text(
        _page(_marked_html(table.assign(Respondents=[40]), ["Respondents"]))
    )
    (tmp_path / "index.html").write_text(_page(_marked_html(table.assign(Respondents=[40]), ["Respondents"])))
    assert survey_tables.scan_book_for_small_cells(tmp_path).empty
    (tmp_path / "notebooks" / "40.html").write_text(
        _page(_marked_html(table.assign(Respondents=[40]), ["Respondents"]).replace(">40<", ">4<"))
    )
    findings = survey_tables.scan_book_for_small_cells(tmp_path)
    assert findings["page"].tolist() == ["notebooks/40.html"] and findings["value"].tolist() == [4.0]


def test_the_phase1_tables_come_out_suppressed_and_publishable(survey_frame):
    units, respondents, public = survey_frame(
        [
            ("DE", "city", 60_000, 60, 25),
            ("DE", "city", 300_000, 12, 8),
            ("FR", "city", 60_000, 40, 12),
            ("CY", "city", 60_000, 5, 2),
            ("MT", "city", 60_000, 1, 1),
            ("DE", "region", 0, 20, 11),
        ]
    )
    frame = nonresponse.nonresponse_frame(units, respondents, public)
    rates = survey_tables.response_rate_table(nonresponse.response_rates(frame))
    shown = rates.table.set_index("Category")
    # MT has one unit: a withheld count could only be 1, so it is pooled with the smallest other country.
    assert "MT" not in shown.index and shown.loc["CY or MT", "Frame units"] == 6
    assert shown.loc["CY or MT", "Respondents"] == SUPPRESSED and shown.loc["CY or MT", "Response rate"] == SUPPRESSED
    assert rates.suppressed_cells > 0
    fitted = weights.survey_weights(frame)
    cells = survey_tables.weighting_cells_table(fitted.cells)
    responses = pd.DataFrame(
        {
            "unit_id": fitted.weights["unit_id"],
            "unit_type": fitted.weights["unit_type"],
            "has_us_partner": ["yes", "no"] * (len(fitted.weights) // 2) + ["yes"] * (len(fitted.weights) % 2),
            "has_cn_partner": "no",
        }
    )
    responses.loc[responses.index[:2], "has_cn_partner"] = "yes"  # two yes: a small cell
    shares = survey_tables.weighted_share_table(weights.weighted_shares(responses, fitted.weights))
    china = shares.table[shares.table["Partner"] == "CN"]
    assert (china["Yes"] == SUPPRESSED).any() and (china["Share yes, weighted"] == SUPPRESSED).any()
    comparison = survey_tables.respondent_comparison_table(nonresponse.compare_respondents(frame))
    for number, published in enumerate((rates, cells, shares, comparison)):
        publish_table(published.table, f"tbl_phase1_{number}", survey_counts=published.survey_counts)
