"""Charts of the descriptive chapter: shares with intervals, partners per city, timelines (one style)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.report.figures import PARTNER_COLOURS, apply_style

OUTCOME_COLOURS = {"us_any": PARTNER_COLOURS["US"], "cn_any": PARTNER_COLOURS["CN"]}
OUTCOME_NAMES = {"us_any": "US partner", "cn_any": "Chinese partner"}
COUNT_NAMES = {"us_tie_count": "US partners", "cn_tie_count": "Chinese partners"}
COUNTRY_COLOURS = {"US": PARTNER_COLOURS["US"], "CN": PARTNER_COLOURS["CN"]}


def share_panels(panels: Mapping[str, pd.DataFrame], outcomes: Sequence[str] = ("us_any", "cn_any")) -> plt.Figure:
    """One panel per grouping: the share of cities with each outcome by group, with its Wilson interval.

    ``panels`` maps a panel title to a :func:`analysis.stats.describe.shares_by` table (first
    column the group; the "All" row is drawn last, after a gap). US and Chinese shares sit
    side by side in each group so that the two can be compared directly.
    """
    apply_style()
    heights = [len(table) + 1 for table in panels.values()]
    figure, axes = plt.subplots(
        len(panels), 1, figsize=(7.5, 0.32 * sum(heights) + 1.0), height_ratios=heights, sharex=True, squeeze=False
    )
    offsets = np.linspace(-0.18, 0.18, len(outcomes))
    for ax, (title, table) in zip(axes[:, 0], panels.items()):
        labels = [f"{group} (n={cities:,})" for group, cities in zip(table.iloc[:, 0].astype(str), table["cities"])]
        positions = np.arange(len(table))[::-1].astype(float)
        positions[-1] -= 0.6  # the "All" row stands apart
        for offset, outcome in zip(offsets, outcomes):
            share = table[f"{outcome}_share"].to_numpy(dtype=float)
            # At a share of 0 or 1 a Wilson bound can pass the share by rounding (about 1e-18): no negative bars.
            errors = np.clip(
                np.vstack(
                    [
                        share - table[f"{outcome}_low"].to_numpy(dtype=float),
                        table[f"{outcome}_high"].to_numpy(dtype=float) - share,
                    ]
                ),
                0.0,
                None,
            )
            ax.errorbar(
                share,
                positions + offset,
                xerr=errors,
                fmt="o",
                markersize=4,
                color=OUTCOME_COLOURS.get(outcome),
                elinewidth=1,
                capsize=0,
                label=OUTCOME_NAMES.get(outcome, outcome),
            )
        ax.set_yticks(positions, labels)
        ax.set_title(title, loc="left")
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0))
    axes[-1, 0].set_xlabel("Share of frame cities (95% Wilson interval)")
    # The legend goes below the panels: above the first one it ran into that panel's title.
    handles, names = axes[0, 0].get_legend_handles_labels()
    figure.tight_layout(rect=(0, 0.4 / figure.get_figheight(), 1, 1))
    figure.legend(handles, names, loc="lower center", ncols=len(outcomes))
    return figure


def partners_per_city_bars(table: pd.DataFrame) -> plt.Figure:
    """Grouped bars: how many cities have 0, 1, 2, … US and Chinese partners (from ``describe.partners_per_city``)."""
    apply_style()
    figure, ax = plt.subplots(figsize=(7, 3.4))
    count_columns = [column for column in table.columns if column != "partners"]
    width = 0.8 / len(count_columns)
    positions = np.arange(len(table))
    for i, column in enumerate(count_columns):
        colour = (
            PARTNER_COLOURS["US"]
            if column.startswith("us")
            else PARTNER_COLOURS["CN"]
            if column.startswith("cn")
            else PARTNER_COLOURS["EU"]
        )
        ax.bar(
            positions + (i - (len(count_columns) - 1) / 2) * width,
            table[column],
            width=width,
            color=colour,
            label=COUNT_NAMES.get(column, column),
        )
    ax.set_xticks(positions, table["partners"])
    ax.set_xlabel("Partners per city")
    ax.set_ylabel("Cities")
    ax.legend()
    figure.tight_layout()
    return figure


def timeline_bars(table: pd.DataFrame, bin_years: int, synthetic: bool) -> plt.Figure:
    """New US and Chinese ties per period (from ``describe.timeline``); the title says when the data are synthetic."""
    apply_style()
    figure, ax = plt.subplots(figsize=(7.5, 3.4))
    countries = [column for column in table.columns if column != "period_start"]
    width = bin_years * 0.8 / max(len(countries), 1)
    for i, country in enumerate(countries):
        ax.bar(
            table["period_start"] + bin_years * 0.1 + i * width,
            table[country],
            width=width,
            align="edge",
            color=COUNTRY_COLOURS.get(country, PARTNER_COLOURS["EU"]),
            label={"US": "US partners", "CN": "Chinese partners"}.get(country, country),
        )
    ax.set_xlabel(f"Year the tie was established ({bin_years}-year periods)")
    ax.set_ylabel("New ties")
    if synthetic:
        ax.set_title("SYNTHETIC DATA — illustration only", loc="left", color="#b00020")
    ax.legend()
    figure.tight_layout()
    return figure


def ame_dot_plot(comparison: pd.DataFrame) -> plt.Figure:
    """AMEs on a US and on a Chinese partner per variable, with intervals (from ``findings.us_china_comparison``)."""
    apply_style()
    figure, ax = plt.subplots(figsize=(7.5, 0.55 * len(comparison) + 1.2))
    positions = np.arange(len(comparison))[::-1].astype(float)
    for offset, prefix, colour, name in (
        (0.15, "us", PARTNER_COLOURS["US"], "US partner"),
        (-0.15, "cn", PARTNER_COLOURS["CN"], "Chinese partner"),
    ):
        estimate = comparison[f"{prefix}_ame"].to_numpy(dtype=float) * 100
        low = comparison[f"{prefix}_low"].to_numpy(dtype=float) * 100
        high = comparison[f"{prefix}_high"].to_numpy(dtype=float) * 100
        ax.errorbar(
            estimate,
            positions + offset,
            xerr=np.vstack([estimate - low, high - estimate]),
            fmt="o",
            markersize=4,
            color=colour,
            elinewidth=1,
            capsize=0,
            label=name,
        )
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_yticks(positions, comparison["label"])
    ax.set_xlabel("Average marginal effect on the probability (percentage points, 95% CI)")
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2)  # above the plot, clear of every interval
    figure.tight_layout()
    return figure


def estimates_figure(estimates: Mapping[str, pd.DataFrame], truth: Mapping[str, int] | None = None):
    """Dot-and-whisker chart of the estimated totals (with CIs) per partner country and model.

    ``estimates`` maps "US"/"CN" to :func:`analysis.stats.triangulation.estimate_totals` tables; ``truth`` (synthetic runs
    only) marks the true number of ties. Returns the matplotlib figure.
    """
    apply_style()
    figure, axes = plt.subplots(1, len(estimates), figsize=(4.2 * len(estimates), 2.8), sharey=True)
    axes = np.atleast_1d(axes)
    for axis, (iso, table) in zip(axes, estimates.items()):
        positions = np.arange(len(table))[::-1]
        upper = table["ci_high"].replace(np.inf, np.nan).fillna(table["estimate"])
        axis.errorbar(
            table["estimate"],
            positions,
            xerr=[table["estimate"] - table["ci_low"], upper - table["estimate"]],
            fmt="o",
            color=PARTNER_COLOURS[iso],
            capsize=3,
        )
        axis.axvline(
            table["observed"].max(), color=PARTNER_COLOURS["EU"], linestyle=":", label="ties seen by any source"
        )
        if truth and iso in truth:
            axis.axvline(truth[iso], color="black", linestyle="--", label="synthetic truth")
        axis.set_yticks(positions, table["model"])
        axis.set_title(f"{iso} partners")
        axis.set_xlabel("ties (estimate and 95% CI)")
    axes[-1].legend(loc="lower right", bbox_to_anchor=(1.0, 1.08), ncols=2)  # above the panels, clear of the intervals
    return figure
