"""Tables of the two survey chapters that :mod:`analysis.report.survey_tables` does not already make.

Every table built from survey answers comes back as a
:class:`~analysis.report.survey_tables.PublishedSurveyTable`: suppressed by
:func:`analysis.stats.disclosure.suppress_table` (counts of 1 to 4 respondents and their complements
withheld, derived cells with them) and with the count columns to pass to ``publish_table(...,
survey_counts=...)``. The other tables here describe files and processing (export formats, the
questionnaire files, the weights' summary), not answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from analysis.core import paths
from analysis.report.survey_tables import PublishedSurveyTable
from analysis.stats.disclosure import SuppressedTable, pool_small_categories, suppress_table

FORMAT_LABELS: dict[str, str] = {
    "csv": "CSV, comma, UTF-8",
    "csv_semicolon_decimal_comma": "CSV, semicolon, decimal comma",
    "csv_utf8_bom": "CSV, UTF-8 with BOM",
    "csv_utf16": "Unicode text (UTF-16, tab)",
    "csv_cp1250": "CSV, Windows-1250",
    "xlsx": "Excel workbook (XLSX)",
    "sav": "SPSS (.sav, value labels)",
    "limesurvey": "LimeSurvey response export",
    "qualtrics": "Qualtrics CSV (three header rows)",
    "delivered": "the team's export",
}


def format_check_table(check: pd.DataFrame) -> pd.DataFrame:
    """:func:`analysis.collect.samples.format_check` for display (a table of files, not of answers)."""
    shown = check.assign(
        format=check["format"].map(lambda name: FORMAT_LABELS.get(name, name)),
        same_clean_table=check["same_clean_table"].map({True: "yes", False: "NO"}),
    )
    return shown.rename(
        columns={
            "format": "Export format",
            "file": "File",
            "rows_written": "Rows written",
            "rows_in": "Rows read",
            "kept": "Kept",
            "quarantined": "Quarantined",
            "same_clean_table": "Same clean table as the UTF-8 CSV",
        }
    )


def delivered_check(path: Path, row_counts: Mapping[str, int]) -> pd.DataFrame:
    """The one-row format table of a delivered export (no synthetic sample to write in other formats)."""
    return pd.DataFrame(
        [
            {
                "format": "delivered",
                "file": path.name,
                "rows_written": row_counts["rows_in"],
                "rows_in": row_counts["rows_in"],
                "kept": row_counts["responses"],
                "quarantined": row_counts["rows_quarantined"],
                "same_clean_table": True,
            }
        ]
    )


def questionnaire_files(written: Iterable[Path], root: Path | None = None) -> pd.DataFrame:
    """The generated ``.lss`` and ``.qsf`` files: instrument, language, tool and the path under the build folder."""
    root = root or paths.build_dir()
    rows = []
    for path in sorted(written):
        if path.suffix not in (".lss", ".qsf"):
            continue
        instrument, language = path.stem.rsplit("_", 1)
        tool = "LimeSurvey" if path.suffix == ".lss" else "Qualtrics"
        rows.append(
            {
                "Instrument": instrument,
                "Language": language,
                "Tool": tool,
                "File": "build/" + path.relative_to(root).as_posix(),
            }
        )
    return pd.DataFrame(rows, columns=["Instrument", "Language", "Tool", "File"])


def weights_summary_table(summary: Mapping[str, float], trimming: Mapping[str, float]) -> pd.DataFrame:
    """The weights in a few numbers (:class:`analysis.stats.weights.SurveyWeights` ``summary`` and ``trimming``)."""
    rows = [
        ("Respondents weighted", f"{summary['respondents']:,.0f}"),
        ("Frame units (sum of the weights)", f"{summary['frame_units']:,.0f} ({summary['weight_sum']:,.1f})"),
        ("Smallest and largest weight", f"{summary['weight_min']:.2f} to {summary['weight_max']:.2f}"),
        (f"Trimming bound ({trimming['median_multiple']:g} x median base weight)", f"{trimming['bound']:.2f}"),
        ("Base weights trimmed", f"{trimming['trimmed']:.0f}"),
        ("Design effect of weighting (1 + cv^2)", f"{summary['weighting_design_effect']:.2f}"),
        ("Effective sample size", f"{summary['effective_sample_size']:,.0f}"),
    ]
    return pd.DataFrame(rows, columns=["Measure", "Value"])


def source_agreement_table(kappa: pd.DataFrame) -> PublishedSurveyTable:
    """Agreement between sources (:func:`analysis.stats.triangulation.pairwise_kappa`, with ``partner``), suppressed.

    Each row is its own comparison: rows and columns add up to nothing. A small count of units both
    sources mark withholds the row's agreement and kappa.
    """
    suppressed = suppress_table(
        kappa,
        ["units", "both_yes"],
        linked={"agreement": ["units", "both_yes"], "kappa": ["units", "both_yes"]},
        rows_add_up=False,
        columns_add_up=False,
    )
    shown = suppressed.table.rename(
        columns={
            "partner": "Partner",
            "source_a": "Source",
            "source_b": "Compared with",
            "units": "Units covered by both",
            "both_yes": "Units both mark",
            "agreement": "Agreement",
            "kappa": "Cohen's kappa",
        }
    )
    return PublishedSurveyTable(shown, ["Units covered by both", "Units both mark"], _withheld(suppressed))


def timeline_table(periods: pd.DataFrame) -> SuppressedTable:
    """New ties per period and partner country (:func:`analysis.stats.describe.timeline`), suppressed.

    Counts of ties the respondents listed: a period with 1 to 4 ties of a country is withheld (with
    a complement in its column, whose total the chapter states); the figure is drawn from this table.
    """
    counts = [column for column in periods.columns if column != "period_start"]
    return suppress_table(periods, counts, rows_add_up=False)


def both_ends_table(summary: pd.DataFrame) -> PublishedSurveyTable:
    """The partnership seen from both ends (:func:`analysis.collect.phase2_link.both_ends_summary`), suppressed.

    The four ``reported_*`` rows split the pairs both ends answered for and add up to it; every other
    measure is its own table. A small count withholds its share.
    """
    blocks = summary["measure"].where(~summary["measure"].str.startswith("reported_"), "reported")
    table = summary.assign(block=blocks)
    suppressed = suppress_table(table, ["count"], linked={"value": ["count"]}, blocks="block", rows_add_up=False)
    shown = suppressed.table.drop(columns=["block"]).assign(measure=summary["measure"].map(BOTH_ENDS_LABELS))
    shown = shown.rename(columns={"measure": "Measure", "base": "Pairs in base", "count": "Pairs", "value": "Share"})
    return PublishedSurveyTable(shown, ["Pairs in base", "Pairs"], _withheld(suppressed))


BOTH_ENDS_LABELS: dict[str, str] = {
    "pairs": "EU-US pairs known from phase 1 or phase 2",
    "both_ends_answered": "both ends answered their survey",
    "reported_both": "both ends list the tie",
    "reported_eu_only": "only the EU end lists it",
    "reported_us_only": "only the US end lists it",
    "reported_neither": "neither end lists it",
    "year_agrees": "year established agrees (within one year)",
    "active_agrees": "both call it active, or both inactive",
    "tie_type_agrees": "same kind of tie",
    "areas_mean_jaccard": "areas of cooperation: mean Jaccard similarity",
}


def phase2_response_table(frame: pd.DataFrame, responses: pd.DataFrame) -> PublishedSurveyTable:
    """Phase-2 response by the place's level and population class: places in the frame, respondents, rate.

    Categories of fewer than five places are pooled first (:func:`analysis.stats.disclosure.pool_small_categories`), then small
    respondent counts and their complements are withheld."""
    places = frame.assign(
        responded=frame["partner_id"].isin(set(responses["partner_id"])),
        population_class=pd.cut(
            frame["population"].astype(float),
            [0, 100_000, 500_000, float("inf")],
            labels=["under 100,000", "100,000-500,000", "over 500,000"],
            right=False,
        )
        .astype(object)
        .where(frame["population"].notna(), "population unknown"),
    )
    rows = []
    for dimension, column in (("level", "partner_level"), ("population", "population_class")):
        pooled = places[column].astype(str).map(pool_small_categories(places[column].astype(str).value_counts()))
        for category, group in places.groupby(pooled, sort=True):
            rows.append({"dimension": dimension, "category": str(category), "places": len(group)})
            rows[-1] |= {"respondents": int(group["responded"].sum())}
    table = pd.DataFrame(rows)
    table = table.assign(nonrespondents=table["places"] - table["respondents"])
    table = table.assign(response_rate=table["respondents"] / table["places"])
    suppressed = suppress_table(
        table,
        ["respondents", "nonrespondents"],
        primary_columns=["respondents"],
        linked={"response_rate": ["respondents"]},
        blocks="dimension",
    )
    shown = suppressed.table.rename(
        columns={
            "dimension": "By",
            "category": "Category",
            "places": "US places in the frame",
            "respondents": "Respondents",
            "nonrespondents": "Non-respondents",
            "response_rate": "Response rate",
        }
    )
    return PublishedSurveyTable(shown, ["Respondents"], _withheld(suppressed))


def _withheld(suppressed: SuppressedTable) -> int:
    return suppressed.primary + suppressed.secondary
