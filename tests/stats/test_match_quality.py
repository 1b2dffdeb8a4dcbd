"""Precision and recall of the matcher against a tiny hand-made gold set."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.stats import match_quality


@pytest.fixture
def scored() -> pd.DataFrame:
    # s:1 right; s:2 wrong partner (Columbia MO for Columbia SC); s:3 a missed tie (quarantined);
    # s:4 kept by an exact repeat record s:5 of the same source; s:6 not in the frame, nothing kept.
    gold = pd.DataFrame(
        {
            "record_id": ["s:1", "s:2", "s:3", "s:4"],
            "eu_unit": ["gn1", "gn2", "gn3", "gn4"],
            "partner": ["us-1", "us-sc/us-sc-county", "cn-9", "US:?"],
            "partner_country": ["US", "US", "CN", "US"],
        }
    )
    matcher = pd.DataFrame(
        {
            "record_id": ["s:1", "s:2", "s:5"],
            "eu_unit": ["gn1", "gn2", "gn4"],
            "partner": ["us-1", "us-mo", "US:?"],
            "partner_country": ["US", "US", "US"],
        }
    )
    judged = pd.DataFrame(
        {
            "record_id": ["s:1", "s:2", "s:3", "s:4", "s:6"],
            "stratum": ["kept", "kept", "lost", "lost", "lost"],
        }
    )
    return match_quality.scored_ties(gold, matcher, judged)


def test_wrong_partner_counts_against_precision_and_missed_tie_against_recall(scored) -> None:
    row = match_quality.quality_row(scored)
    assert (row["precision_n"], row["precision"]) == (2, 0.5)  # s:5 is not a judged record
    assert (row["recall_n"], row["recall"]) == (4, 0.5)  # s:2 wrong id and s:3 missed
    assert row["precision_country"] == 1.0 and row["recall_country"] == 0.75
    assert 0 < row["precision_low"] < 0.5 < row["precision_high"] < 1


def test_strata_are_weighted_by_their_size(scored) -> None:
    judged = pd.DataFrame({"record_id": ["s:1", "s:2", "s:3", "s:4"], "stratum": ["kept", "kept", "lost", "lost"]})
    weights = match_quality.stratum_weights(judged, pd.Series({"kept": 100, "lost": 10}))
    assert weights.to_dict() == {"kept": 50.0, "lost": 5.0}
    summary = match_quality.quality_summary(scored, weights)
    # recall: kept stratum 1 of 2 (weight 50 each), lost stratum 1 of 2 (weight 5 each) -> 55 / 110
    assert summary.loc["all", "recall"] == pytest.approx(0.5)
    assert summary.loc["CN", "recall"] == 0.0 and summary.loc["CN", "precision_n"] == 0
    by_stratum = match_quality.quality_by_stratum(scored)
    assert by_stratum.loc["lost", "recall"] == 0.5 and pd.isna(by_stratum.loc["lost", "precision"])
    table = match_quality.quality_table(by_stratum)
    assert table.loc["kept", "precision"].startswith("0.50 (") and table.loc["lost", "precision"] == "–"
