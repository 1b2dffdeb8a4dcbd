"""What a notebook shows: nothing of its own in the pipeline, its glued results when an author runs it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from IPython.core.events import EventManager, available_events
from IPython.display import Markdown

from analysis.report import figures, quantities, show


class FakeShell:
    """Enough of an IPython kernel's shell for :mod:`analysis.report.show`: its events."""

    def __init__(self) -> None:
        self.events = EventManager(self, available_events)

    def end_cell(self) -> None:
        self.events.trigger("post_run_cell", None)


@pytest.fixture
def kernel(monkeypatch):
    """A fake kernel; returns ``(shell, shown, records)``: what show displayed and what was glued for the book."""
    shell = FakeShell()
    shown: list[tuple[object, dict]] = []
    records: list[tuple[str, object, bool]] = []
    monkeypatch.setattr(show, "_shell", lambda: shell)
    monkeypatch.setattr(show, "_pending", [])
    monkeypatch.setattr("IPython.display.display", lambda obj, metadata=None: shown.append((obj, metadata)))
    monkeypatch.setattr("myst_nb.glue", lambda name, value, display=True: records.append((name, value, display)))
    monkeypatch.delenv(show.PIPELINE_VARIABLE, raising=False)
    return shell, shown, records


def test_in_the_pipeline_a_glue_is_a_hidden_record_only(kernel, monkeypatch):
    shell, shown, records = kernel
    monkeypatch.setenv(show.PIPELINE_VARIABLE, "1")
    show.glue("city_count", 1019, display=False)
    figures.publish_table(pd.DataFrame({"a": [1.5]}), "tbl_a")
    shell.end_cell()
    assert [(name, display) for name, _, display in records] == [("city_count", False), ("tbl_a", False)]
    assert shown == []


def test_an_author_sees_the_numbers_of_a_cell_as_one_summary_at_its_end(kernel):
    shell, shown, records = kernel
    show.glue("city_count", np.int64(1019), display=False)
    show.glue("us_share", 32.9743, display=False)
    show.glue("lane_sources", "Wikipedia and Wikidata", display=False)
    show.glue("premise", Markdown("EU partners come **first**"), display=False)
    assert shown == []  # nothing before the cell ends
    shell.end_cell()
    assert len(shown) == 1
    summary, metadata = shown[0]
    assert metadata == {show.SHOWN_KEY: show.SUMMARY}
    assert repr(summary).splitlines() == [
        "city_count = 1,019",
        "us_share = 32.97",
        "lane_sources = Wikipedia and Wikidata",
        "premise = EU partners come **first**",
    ]
    assert "<code>city_count</code></td><td" in summary._repr_html_()
    assert ">1,019</td>" in summary._repr_html_()
    shell.end_cell()
    assert len(shown) == 1  # the summary is shown once
    assert [name for name, _, _ in records] == ["city_count", "us_share", "lane_sources", "premise"]


def test_an_author_sees_figures_and_tables_where_they_are_glued(kernel, tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    shell, shown, records = kernel
    monkeypatch.setenv("PARADIP_BUILD", str(tmp_path))
    figure, _ = plt.subplots()
    figures.publish_figure(figure, "fig_example")
    figures.publish_table(pd.DataFrame({"Cities": [1234]}), "tbl_example")
    shown_objects = [(metadata[show.SHOWN_KEY], type(obj).__name__) for obj, metadata in shown]
    assert shown_objects == [
        ("fig_example", "Markdown"),
        ("fig_example", "Figure"),
        ("tbl_example", "Markdown"),
        ("tbl_example", "GluedTable"),
    ]
    assert not plt.fignum_exists(figure.number)  # closed after showing: matplotlib does not show it again
    assert (tmp_path / "figures" / "fig_example.png").is_file()
    assert [(name, display) for name, _, display in records] == [("fig_example", False), ("tbl_example", False)]


def test_a_named_quantity_is_shown_once_and_its_mark_never(kernel):
    shell, shown, records = kernel
    quantities.glue_quantity("frame_city_count", np.int64(1019))
    shell.end_cell()
    assert [name for name, _, _ in records] == ["frame_city_count", "quantity.frame_city_count"]
    assert repr(shown[0][0]) == "frame_city_count = 1,019"


def test_outside_a_kernel_nothing_is_shown(monkeypatch):
    monkeypatch.delenv(show.PIPELINE_VARIABLE, raising=False)
    monkeypatch.setattr(show, "_shell", lambda: None)
    assert not show.interactive()


def test_the_pipeline_environment_is_set_within_the_block_only(monkeypatch):
    monkeypatch.delenv(show.PIPELINE_VARIABLE, raising=False)
    with show.pipeline_environment():
        assert show.in_pipeline()
    assert not show.in_pipeline()


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "True"),
        (np.bool_(False), "False"),
        (np.int64(12345), "12,345"),
        (0.012345, "0.01235"),
        (12345.678, "12,345.68"),
        (float("nan"), "nan"),
        ("Łódź", "Łódź"),
        (pd.DataFrame(), None),
    ],
)
def test_value_text(value, text):
    assert show.value_text(value) == text


def test_a_long_text_is_cut_in_the_summary_only():
    summary = show.GluedValues([("sentence", "x" * 500)])
    assert len(repr(summary)) == len("sentence = ") + show.LONGEST_TEXT
    assert "<script>" not in show.GluedValues([("s", "<script>")])._repr_html_()
