"""Charts of the descriptive and regression chapters draw what they are given."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.report import charts
from analysis.stats import describe


def test_share_panels_draws_one_panel_per_grouping_with_both_outcomes():
    cities = pd.DataFrame(
        {"size": ["a", "a", "b", "b"], "region": ["x", "y", "x", "y"], "us_any": [1, 0, 1, 1], "cn_any": [0, 0, 1, 0]}
    )
    figure = charts.share_panels(
        {"Size": describe.shares_by(cities, "size"), "Region": describe.shares_by(cities, "region")}
    )
    assert [ax.get_title(loc="left") for ax in figure.axes] == ["Size", "Region"]
    assert [tick.get_text() for tick in figure.axes[0].get_yticklabels()] == ["a (n=2)", "b (n=2)", "All (n=4)"]
    plt.close(figure)


def test_the_share_panels_legend_covers_no_title_label_or_interval():
    cities = pd.DataFrame({"size": ["a", "b"] * 3, "us_any": [1, 0, 1, 1, 0, 1], "cn_any": [0, 0, 1, 0, 1, 1]})
    figure = charts.share_panels({"Size class (inhabitants)": describe.shares_by(cities, "size")})
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    (legend,) = figure.legends
    assert [text.get_text() for text in legend.get_texts()] == ["US partner", "Chinese partner"]
    for ax in figure.axes:  # the axes' tight box holds their title, tick labels, x label and every interval
        assert not legend.get_window_extent(renderer).overlaps(ax.get_tightbbox(renderer))
    plt.close(figure)


def test_share_panels_draw_a_share_of_zero_whose_wilson_bound_rounds_above_it():
    # 0 of 398: statsmodels' Wilson lower bound is 8.7e-19, just above the share of 0
    cities = pd.DataFrame({"us_any": [0] * 398, "cn_any": [1] * 398})
    figure = charts.share_panels({"All": describe.shares_by(cities, None)})
    assert len(figure.axes) == 1
    plt.close(figure)


def test_timeline_bars_say_when_the_data_are_synthetic():
    periods = pd.DataFrame({"period_start": [1990, 1995], "US": [2, 3], "CN": [0, 4]})
    figure = charts.timeline_bars(periods, 5, synthetic=True)
    assert "SYNTHETIC" in figure.axes[0].get_title(loc="left")
    assert len(figure.axes[0].patches) == 4
    plt.close(figure)


def test_ame_dot_plot_and_partner_bars_draw_every_row():
    comparison = pd.DataFrame(
        {
            "label": ["Size", "Coast"],
            "us_ame": [0.2, 0.0],
            "us_low": [0.1, -0.1],
            "us_high": [0.3, 0.1],
            "cn_ame": [0.1, np.nan],
            "cn_low": [0.0, np.nan],
            "cn_high": [0.2, np.nan],
        }
    )
    figure = charts.ame_dot_plot(comparison)
    assert [tick.get_text() for tick in figure.axes[0].get_yticklabels()] == ["Size", "Coast"]
    plt.close(figure)
    table = describe.partners_per_city(pd.DataFrame({"us_tie_count": [0, 1, 7], "cn_tie_count": [0, 0, 2]}), top=3)
    figure = charts.partners_per_city_bars(table)
    assert len(figure.axes[0].patches) == 2 * len(table)
    plt.close(figure)


def test_estimates_figure_has_a_panel_per_partner_with_the_truth_marked_only_when_given():
    table = pd.DataFrame(
        {
            "model": ["independence", "interaction"],
            "estimate": [120.0, 150.0],
            "ci_low": [110.0, 130.0],
            "ci_high": [130.0, np.inf],
            "observed": [100, 100],
        }
    )
    figure = charts.estimates_figure({"US": table, "CN": table}, truth={"US": 140})
    assert [axis.get_title() for axis in figure.axes] == ["US partners", "CN partners"]
    top_down = sorted(figure.axes[0].get_yticklabels(), key=lambda tick: -tick.get_position()[1])
    assert [tick.get_text() for tick in top_down] == ["independence", "interaction"]  # first model on top
    dashed = [[line for line in axis.get_lines() if line.get_linestyle() == "--"] for axis in figure.axes]
    assert [len(lines) for lines in dashed] == [1, 0]
    plt.close(figure)
