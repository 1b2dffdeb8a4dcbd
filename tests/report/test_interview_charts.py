"""The co-occurrence heatmap: lower triangle only, counts written in the cells, names wrapped not cut."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from analysis.report.interview_charts import co_occurrence_heatmap, short_code_label


def test_heatmap_shows_each_pair_once_with_its_count():
    names = ["Motives > Economic interest", "Obstacles > China concern", "Coordination > City networks"]
    matrix = pd.DataFrame([[3, 2, 0], [2, 4, 1], [0, 1, 2]], index=names, columns=names)
    figure = co_occurrence_heatmap(matrix)
    ax = figure.axes[0]
    assert ax.images[0].get_array().shape == (2, 2)
    assert sorted(text.get_text() for text in ax.texts) == ["1", "2"]
    assert [label.get_text() for label in ax.get_yticklabels()] == [
        "Obstacles: China concern",
        "Coordination: City networks",
    ]
    plt.close(figure)


def test_long_names_wrap_without_losing_words():
    label = short_code_label("Coordination > State Department subnational diplomacy unit", width=30)
    assert label.replace("\n", " ") == "Coordination: State Department subnational diplomacy unit"
    assert max(len(line) for line in label.splitlines()) <= 30
