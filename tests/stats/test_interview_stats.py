"""Interview analysis on hand-made tables: co-occurrence by passages, frequencies with small cells, quotations."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.collect.interviews import ConsentError
from analysis.stats import interviews as stats


def segment_rows(rows: list[tuple]) -> pd.DataFrame:
    """(interview, start, end, code, group, quotation) -> a segments table."""
    frame = pd.DataFrame(
        rows, columns=["interview_id", "start_position", "end_position", "code_path", "speaker_group", "quotation"]
    )
    frame["segment_id"] = (
        frame["interview_id"] + ":" + frame["start_position"].astype(str) + "-" + frame["end_position"].astype(str)
    )
    return frame


HAND = segment_rows(
    [
        ("A", 0, 10, "X", "washington", None),
        ("A", 0, 10, "Y", "washington", None),
        ("A", 5, 15, "Z", "washington", None),  # overlaps the first passage
        ("A", 20, 30, "X", "washington", None),
        ("A", 30, 40, "Y", "washington", None),  # only touches the one before: another passage
        ("B", 0, 5, "X", "washington", None),
        ("B", 0, 5, "Z", "washington", None),
    ]
)


def test_passages_merge_overlapping_selections_but_not_touching_ones():
    assert stats.passages(HAND).tolist() == [0, 0, 0, 1, 2, 3, 3]


def test_co_occurrence_counts_jaccard_and_ranking_by_hand():
    pairs, matrix = stats.co_occurrence(HAND)
    by_pair = pairs.set_index(["code_a", "code_b"])
    # X in passages 0, 1, 3; Y in 0, 2; Z in 0, 3.
    assert by_pair.loc[("X", "Z"), ["passages_both", "passages_a", "passages_b", "interviews_both"]].tolist() == [
        2,
        3,
        2,
        2,
    ]
    assert by_pair.loc[("X", "Z"), "jaccard"] == pytest.approx(2 / 3)
    assert by_pair.loc[("X", "Y"), "jaccard"] == pytest.approx(1 / 4)
    assert by_pair.loc[("Y", "Z"), "jaccard"] == pytest.approx(1 / 3)
    assert list(zip(pairs["code_a"], pairs["code_b"])) == [("X", "Z"), ("Y", "Z"), ("X", "Y")]
    assert matrix.loc["X", "X"] == 3 and matrix.loc["Z", "X"] == matrix.loc["X", "Z"] == 2
    assert (matrix.to_numpy() == matrix.to_numpy().T).all()


def interview_table(groups: dict[str, tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(key, group, consent) for key, (group, consent) in groups.items()],
        columns=["interview_id", "speaker_group", "consent_level"],
    )


def test_frequencies_shares_and_small_groups_withheld():
    interviews = interview_table(
        {
            "A": ("washington", "quote"),
            "B": ("washington", "aggregate"),
            "C": ("washington", "aggregate"),
            "D": ("washington", "none"),  # no consent: not in any base
            "E": ("brussels", "quote"),
            "F": ("brussels", "quote"),
        }
    )
    segments = segment_rows(
        [
            ("A", 0, 5, "X", "washington", None),
            ("A", 9, 12, "X", "washington", None),
            ("B", 0, 5, "Y", "washington", None),
            ("E", 0, 5, "X", "brussels", None),
        ]
    )
    table = stats.code_frequencies(segments, interviews).set_index(["code_path", "speaker_group"])
    row = table.loc[("X", "washington")]
    assert (row["segments"], row["interviews_coded"], row["interviews_in_group"]) == (2, 1, 3)
    assert row["share_of_interviews"] == pytest.approx(1 / 3) and row["share_of_segments"] == pytest.approx(2 / 3)
    assert table.loc[("X", "brussels"), "withheld"] and pd.isna(table.loc[("X", "brussels"), "segments"])
    everyone = table.loc[("X", stats.ALL_GROUPS)]
    assert (everyone["interviews_coded"], everyone["interviews_in_group"]) == (2, 5)
    assert stats.small_groups(interviews) == {"brussels"}
    overview = stats.frequency_overview(stats.code_frequencies(segments, interviews)).set_index("code_path")
    assert overview.loc["X", "washington"] == "1 of 3 (33%)" and overview.loc["X", "brussels"] == "withheld"


def test_quotations_only_consented_and_small_group_names_withheld():
    interviews = interview_table(
        {
            "A": ("washington", "quote"),
            "B": ("washington", "aggregate"),
            "C": ("washington", "quote"),
            "E": ("brussels", "quote"),
        }
    )
    segments = segment_rows(
        [
            ("A", 0, 5, "X", "washington", "Said by A."),
            ("B", 0, 5, "X", "washington", None),
            ("E", 0, 5, "Y", "brussels", "Said by E."),
        ]
    )
    table = stats.quotation_table(segments, interviews)
    assert table.to_dict("records") == [
        {"code_path": "X", "speaker_group": "washington", "quotation": "Said by A."},
        {"code_path": "Y", "speaker_group": stats.WITHHELD_GROUP, "quotation": "Said by E."},
    ]
    leaked = segments.assign(quotation=["Said by A.", "Said by B.", None])
    with pytest.raises(ConsentError, match="'B'"):
        stats.quotation_table(leaked, interviews)
