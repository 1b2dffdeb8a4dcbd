"""One matplotlib style for every figure in the book and the papers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt

from analysis.core import paths, staging
from analysis.core.tracking import note_write
from analysis.report.show import glue

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd
    from pandas.io.formats.style import Styler

STYLE = {
    "figure.dpi": 110,
    "savefig.dpi": 200,
    "savefig.bbox": "tight",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "legend.frameon": False,
    "pdf.fonttype": 42,  # TrueType text in the vector figures: searchable and selectable in the PDF
}

# Colours used for the partner countries across every chart and map.
PARTNER_COLOURS = {"US": "#1f5fa8", "CN": "#c8102e", "both": "#6b3fa0", "none": "#d9d9d9", "EU": "#7f7f7f"}
REGION_FILL = "#e8eef4"
REGION_EDGE = "#8a99a8"

# Attribution printed in every map caption (GISCO terms of use).
NUTS_ATTRIBUTION = "Administrative boundaries: © EuroGeographics; Eurostat GISCO NUTS"


def apply_style() -> None:
    """Apply the compendium style to matplotlib (idempotent)."""
    plt.rcParams.update(STYLE)


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
    """A styled table as glued for the book: the Styler's HTML, with ids fixed by the glue name, and its text.

    A bare :class:`~pandas.io.formats.style.Styler` would put a random id (``T_<uuid>``) in the HTML and
    its memory address in the plain text, so two builds of the same table would differ.
    """

    def __init__(self, styler: Styler, name: str) -> None:
        self.styler = styler.set_uuid(name)

    def _repr_html_(self) -> str:
        return self.styler._repr_html_()

    def __repr__(self) -> str:
        return self.styler.to_string()


def publish_table(
    table: pd.DataFrame, name: str, precision: int = 2, *, survey_counts: Sequence[str] | None = None
) -> pd.DataFrame:
    """Glue ``table`` under ``name`` for the book, without its index and with ``precision`` decimals.

    The book shows it where a ``{glue:figure}`` directive names it, with a caption that
    names the source; its HTML ids derive from ``name`` (:class:`GluedTable`). Returns the table unchanged.

    A table built from survey answers names its respondent-count columns in ``survey_counts``: it is
    refused if one shows 1 to 4 respondents (suppress it first, :func:`analysis.stats.disclosure.suppress_table`),
    and its HTML is marked so that the check of the built book finds it
    (:func:`analysis.report.survey_tables.mark_survey_table`).
    """
    styler = table.style.hide(axis="index").format(precision=precision, thousands=",")
    if survey_counts is not None:
        from analysis.report.survey_tables import mark_survey_table

        styler = mark_survey_table(styler, table, survey_counts, name)
    glue(name, GluedTable(styler, name), display=False)
    return table
