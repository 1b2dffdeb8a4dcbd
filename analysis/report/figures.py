"""One matplotlib style for every figure in the book and the papers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt

from analysis.core import fields, paths, staging
from analysis.core.tracking import note_write
from analysis.report import table_display
from analysis.report.show import glue

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import pandas as pd
    from pandas.io.formats.style import Styler

STYLE = {
    "figure.dpi": 110,
    "savefig.dpi": 200,
    "savefig.bbox": "tight",
    # Sizes legible when a figure is shown 430 px wide (a phone) and in print; figures are at most 9 inches wide.
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
    "legend.title_fontsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "legend.frameon": False,
    "pdf.fonttype": 42,  # TrueType text in the vector figures: searchable and selectable in the PDF
}

# Colours used for the partner countries across every chart and map ("none" is a grey that shows on REGION_FILL).
PARTNER_COLOURS = {"US": "#1f5fa8", "CN": "#c8102e", "both": "#6b3fa0", "none": "#a3a3a3", "EU": "#7f7f7f"}
REGION_FILL = "#e8eef4"
REGION_EDGE = "#8a99a8"

# Attribution printed in every map caption (GISCO terms of use).
NUTS_ATTRIBUTION = "Administrative boundaries: © EuroGeographics; Eurostat GISCO NUTS"


# Maps fill the column and carry their own legends: larger text, so that a legend stays readable (about 9 px)
# when the map is shown 430 px wide on a phone.
MAP_TEXT = {
    "font.size": 13,
    "axes.titlesize": 15,
    "axes.labelsize": 13,
    "legend.fontsize": 13,
    "legend.title_fontsize": 13,
}


def apply_style(extra: dict | None = None) -> None:
    """Apply the compendium style to matplotlib, with ``extra`` over it (e.g. :data:`MAP_TEXT`; idempotent)."""
    plt.rcParams.update(STYLE | (extra or {}))


def save_figure(figure: plt.Figure, name: str) -> Path:
    """Save ``figure`` as ``build/figures/<name>.png`` and, vector for print, ``<name>.pdf``; return the PNG's path.

    The PDF carries no creation date, so two runs write the same bytes; the PDF build of the book and
    the papers (:mod:`analysis.runner.pdf`) places it instead of the PNG.
    """
    target = paths.figures_dir() / f"{name}.png"
    for written, options in ((target, {}), (target.with_suffix(".pdf"), {"metadata": {"CreationDate": None}})):
        staged = staging.target(written)  # renamed into place when the notebook succeeds (analysis.core.staging)
        figure.savefig(staged, **options)
        note_write(staged)
    return target


def publish_figure(figure: plt.Figure, name: str) -> None:
    """Save ``figure`` for the papers, glue it under ``name`` for the book, and close it.

    Closing keeps the figure from being shown a second time below the cell; the book
    shows it where a ``{glue:figure}`` directive names it, with its caption and label, and an
    author running the notebook sees it where it is glued (:mod:`analysis.report.show`).
    The files are ``build/figures/<name>.png`` and ``<name>.pdf`` (vector, for print); nothing is
    returned, so a notebook cell ending with this call shows no machine path.
    """
    save_figure(figure, name)
    glue(name, figure, display=False)
    plt.close(figure)


class GluedTable:
    """A styled table as glued for the book: the Styler's HTML, with ids fixed by the glue name, its text, and
    the cells as JSON (:data:`analysis.report.table_display.TABLE_MIME`) from which the book sets the table in
    the PDF (:mod:`analysis.report.sphinx_tables`).

    A bare :class:`~pandas.io.formats.style.Styler` would put a random id (``T_<uuid>``) in the HTML and
    its memory address in the plain text, so two builds of the same table would differ.
    """

    def __init__(self, styler: Styler, name: str, record: dict | None = None) -> None:
        self.styler = styler.set_uuid(name)
        self.record = record

    def _repr_html_(self) -> str:
        return self.styler._repr_html_()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = {"text/html": self._repr_html_(), "text/plain": repr(self)}
        if self.record is not None:
            bundle[table_display.TABLE_MIME] = self.record
        return bundle

    def __repr__(self) -> str:
        return self.styler.to_string()


def publish_table(
    table: pd.DataFrame,
    name: str,
    precision: int = 2,
    *,
    decimals: Mapping[str, int] | None = None,
    note: str = "",
    survey_counts: Sequence[str] | None = None,
) -> None:
    """Glue ``table`` under ``name`` for the book, as a reader reads it.

    The book shows it where a ``{glue:figure}`` directive names it, numbered as a table ("Table N"), with
    the directive's caption above it and, below it, ``note`` (e.g. the number of units) and a line naming the
    notebook and the data that made it (:mod:`analysis.report.sphinx_tables`). The cells are those of
    :func:`analysis.report.table_display.display_frame`: headings from the column vocabulary, counts as
    integers, ``precision`` decimals (or ``decimals[column]``), missing values as an en dash, no index.
    Its HTML ids derive from ``name`` (:class:`GluedTable`). Nothing is returned, so a notebook cell ending
    with this call prints no second, uncaptioned copy of the table.

    A table built from survey answers names its respondent-count columns in ``survey_counts``: it is
    refused if one shows 1 to 4 respondents (suppress it first, :func:`analysis.stats.disclosure.suppress_table`),
    and its HTML is marked so that the check of the built book finds it
    (:func:`analysis.report.survey_tables.mark_survey_table`).
    """
    shown, numeric = table_display.display_frame(table, precision, decimals)
    styler = shown.style.hide(axis="index")
    if numeric:
        styler = styler.set_table_styles(
            {column: [{"selector": "td", "props": "text-align: right"}] for column in numeric}
        )
    if survey_counts is not None:
        from analysis.report.survey_tables import mark_survey_table

        mark_survey_table(table.style, table, survey_counts, name)  # refuses 1 to 4 respondents in the raw cells
        counts = [fields.label(str(column)) for column in survey_counts]
        styler = mark_survey_table(styler, shown, counts, name)
    record = table_display.table_record(shown, numeric, note)
    glue(name, GluedTable(styler, name, record), display=False)
