"""Charts of the interview chapter (phase 3): the code co-occurrence matrix, in the house style."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from analysis.report.figures import apply_style


def short_code_label(code_path: str, width: int | None = None) -> str:
    """The last level of a code path after its top level: "Obstacles: China concern"; with ``width``,
    wrapped onto lines of at most ``width`` characters (never cut)."""
    parts = [part.strip() for part in code_path.split(">")]
    label = parts[-1] if len(parts) == 1 else f"{parts[0]}: {parts[-1]}"
    return "\n".join(textwrap.wrap(label, width)) if width else label


def co_occurrence_heatmap(matrix: pd.DataFrame) -> plt.Figure:
    """Passages coded with both codes, below the diagonal only (the matrix is symmetric), with the count in each cell.

    ``matrix`` is the square matrix of :func:`analysis.stats.interviews.co_occurrence`. Zero cells are
    left white so that the pairs that do co-occur stand out; counts are written in the cells, so the
    figure reads without the colour scale, in black and white too. Long code names wrap onto two lines.
    """
    apply_style()
    labels = [short_code_label(name, width=30) for name in matrix.index]
    values = matrix.to_numpy(dtype=float).copy()
    values[np.triu_indices_from(values)] = np.nan
    # Below the diagonal the first row and the last column are empty: they are left out.
    shown = np.where(values > 0, values, np.nan)[1:, :-1]
    rows, columns = labels[1:], labels[:-1]
    size = 0.34 * len(labels) + 2.4
    figure, ax = plt.subplots(figsize=(size + 1.2, size))
    highest = np.nanmax(shown) if np.isfinite(shown).any() else 1
    image = ax.imshow(shown, cmap="Blues", vmin=0, vmax=max(highest, 1))
    for row, column in zip(*np.nonzero(np.nan_to_num(shown) > 0), strict=True):
        value = int(shown[row, column])
        colour = "white" if value > 0.6 * highest else "black"
        ax.text(column, row, str(value), ha="center", va="center", fontsize=8, color=colour)
    ax.set_xticks(range(len(columns)), columns, rotation=60, ha="right", rotation_mode="anchor", fontsize=8)
    ax.set_yticks(range(len(rows)), rows, fontsize=8)
    ax.set_xticks(np.arange(len(columns) + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(len(rows) + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="#e6e6e6", linewidth=0.5)
    ax.tick_params(which="minor", length=0)
    colourbar = figure.colorbar(image, ax=ax, fraction=0.035, pad=0.02)
    colourbar.locator = MaxNLocator(integer=True)
    colourbar.update_ticks()
    colourbar.set_label("passages with both codes")
    return figure
