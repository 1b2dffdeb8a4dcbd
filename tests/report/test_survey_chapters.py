"""Tables of the two survey chapters: suppressed where they come from answers, plain where they describe files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.report import survey_chapters
from analysis.stats.disclosure import SUPPRESSED, check_no_small_counts, pool_small_categories


def test_source_agreement_withholds_a_small_count_with_its_agreement_and_kappa():
    kappa = pd.DataFrame(
        {
            "partner": ["US", "US"],
            "source_a": ["wikipedia", "crawl"],
            "source_b": ["wikidata", "survey"],
            "units": [1263, 40],
            "both_yes": [235, 3],
            "agreement": [0.92, 0.8],
            "kappa": [0.77, 0.6],
        }
    )
    shown = survey_chapters.source_agreement_table(kappa)
    check_no_small_counts(shown.table, shown.survey_counts)
    second = shown.table.iloc[1]
    assert second[["Units both mark", "Agreement", "Cohen's kappa"]].eq(SUPPRESSED).all()
    assert shown.table.iloc[0]["Cohen's kappa"] == 0.77 and second["Units covered by both"] == 40


def test_timeline_withholds_small_periods_and_a_complement_in_the_column():
    periods = pd.DataFrame({"period_start": [2000, 2005, 2010], "US": [12, 3, 20], "CN": [0, 9, 8]})
    suppressed = survey_chapters.timeline_table(periods)
    assert suppressed.table.loc[1, "US"] == SUPPRESSED and suppressed.table.loc[0, "US"] == SUPPRESSED
    assert suppressed.table.loc[0, "CN"] == 0 and suppressed.primary == 1 and suppressed.secondary == 1


def test_both_ends_table_protects_the_reported_block_as_one_table():
    summary = pd.DataFrame(
        {
            "measure": ["pairs", "both_ends_answered", "reported_both", "reported_eu_only", "reported_us_only"]
            + ["reported_neither", "year_agrees"],
            "base": [300, 60, 60, 60, 60, 60, 30],
            "count": [300, 60, 40, 12, 6, 2, 25],
            "value": [1.0, 0.2, 0.667, 0.2, 0.1, 0.033, 0.833],
        }
    )
    shown = survey_chapters.both_ends_table(summary)
    check_no_small_counts(shown.table, shown.survey_counts)
    table = shown.table.set_index("Measure")
    neither, us_only = (
        survey_chapters.BOTH_ENDS_LABELS["reported_neither"],
        survey_chapters.BOTH_ENDS_LABELS["reported_us_only"],
    )
    assert table.loc[neither, ["Pairs", "Share"]].eq(SUPPRESSED).all()
    assert table.loc[us_only, "Pairs"] == SUPPRESSED  # the complement that would give the 2 back
    assert table.loc[survey_chapters.BOTH_ENDS_LABELS["year_agrees"], "Pairs"] == 25


def test_phase2_response_table_withholds_small_respondent_counts():
    frame = pd.DataFrame(
        {
            "partner_id": [f"p{k}" for k in range(30)],
            "partner_level": ["city"] * 24 + ["county"] * 6,
            "population": [50_000] * 10 + [200_000] * 10 + [900_000] * 4 + [None] * 6,
        }
    )
    responses = pd.DataFrame({"partner_id": [f"p{k}" for k in range(0, 30, 2)]})
    shown = survey_chapters.phase2_response_table(frame, responses)
    check_no_small_counts(shown.table, shown.survey_counts)
    assert shown.suppressed_cells > 0
    level = shown.table[shown.table["By"] == "level"].set_index("Category")
    assert level.loc["county", "Respondents"] == SUPPRESSED and level.loc["county", "Response rate"] == SUPPRESSED


def test_a_category_of_one_place_is_pooled_so_a_withheld_count_cannot_be_inferred():
    assert pool_small_categories(pd.Series({"city": 522, "county": 16, "state": 1})) == {
        "city": "city",
        "county": "county or state",
        "state": "county or state",
    }
    assert pool_small_categories(pd.Series({"a": 40, "b": 3, "c": 1})) == {
        "a": "a or b or c",
        "b": "a or b or c",
        "c": "a or b or c",
    }
    frame = pd.DataFrame(
        {"partner_id": ["p1", "p2", "p3"] + [f"q{k}" for k in range(20)], "partner_level": ["state"] + ["city"] * 22}
    ).assign(population=1_000_000)
    shown = survey_chapters.phase2_response_table(frame, pd.DataFrame({"partner_id": ["p1", "p2", "q1", "q2", "q3"]}))
    assert "state" not in set(shown.table["Category"])


def test_format_and_questionnaire_tables_describe_files(tmp_path):
    check = pd.DataFrame(
        [
            {"format": "csv", "file": "a.csv", "rows_written": 4, "rows_in": 4, "kept": 3, "quarantined": 1}
            | {"same_clean_table": True},
            {"format": "sav", "file": "a.sav", "rows_written": 4, "rows_in": 4, "kept": 3, "quarantined": 1}
            | {"same_clean_table": False},
        ]
    )
    shown = survey_chapters.format_check_table(check)
    assert shown["Same clean table as the UTF-8 CSV"].tolist() == ["yes", "NO"]
    files = [tmp_path / "questionnaires" / "eu_phase1" / name for name in ("eu_phase1_pl.qsf", "eu_phase1_en.lss")]
    files.append(tmp_path / "questionnaires" / "eu_phase1" / "languages.md")
    listed = survey_chapters.questionnaire_files(files, root=tmp_path)
    assert listed.to_dict("records")[0] == {
        "Instrument": "eu_phase1",
        "Language": "en",
        "Tool": "LimeSurvey",
        "File": "build/questionnaires/eu_phase1/eu_phase1_en.lss",
    }
    assert len(listed) == 2 and str(tmp_path) not in listed.to_csv()
    delivered = survey_chapters.delivered_check(Path("x.sav"), {"rows_in": 5, "responses": 4, "rows_quarantined": 1})
    assert delivered.iloc[0]["kept"] == 4
