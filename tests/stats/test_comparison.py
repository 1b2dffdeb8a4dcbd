"""Tests for the US-China paired comparison (analysis.stats.comparison), the comparison with the 2020-21 China
survey (analysis.stats.comparison_earlier, analysis.collect.china2020), the synthetic 2020-21 sample and their
suppressed tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar as statsmodels_mcnemar
from statsmodels.stats.multitest import multipletests

from analysis.collect import china2020, synthetic_china2020
from analysis.core import paths
from analysis.report import survey_tables
from analysis.stats import comparison, comparison_earlier
from analysis.stats.disclosure import SUPPRESSED, check_no_small_counts

Z = stats.norm.ppf(0.975)


def wilson(x: int, n: int) -> tuple[float, float]:
    """Wilson's score interval written out, to check the library calls against."""
    p = x / n
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z / (1 + Z**2 / n) * np.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    return centre - half, centre + half


# --------------------------------------------------------------------------- tests and intervals by hand


def test_mcnemar_exact_and_mid_p_on_a_hand_case():
    # b = 1, c = 7: X ~ Bin(8, 1/2); P(X <= 1) = 9/256, P(X = 1) = 8/256.
    result = comparison.mcnemar(1, 7)
    assert result["p_exact"] == pytest.approx(18 / 256)
    assert result["p_mid"] == pytest.approx(2 * (1 / 256 + 0.5 * 8 / 256))
    assert result["p_exact"] == pytest.approx(statsmodels_mcnemar([[3, 1], [7, 4]], exact=True).pvalue)
    assert comparison.mcnemar(7, 1) == result  # symmetric
    assert comparison.mcnemar(0, 0) == {"p_exact": 1.0, "p_mid": 1.0}
    assert comparison.mcnemar(4, 4)["p_exact"] == 1.0 and comparison.mcnemar(4, 4)["p_mid"] == pytest.approx(1.0)


def test_newcombe_paired_interval_by_hand_with_the_phi_correction():
    a, b, c, d = 59, 6, 16, 80  # ad - bc = 4624 > n/2: phi uses ad - bc - n/2
    n = a + b + c + d
    p1, p2 = (a + b) / n, (a + c) / n
    (l1, u1), (l2, u2) = wilson(a + b, n), wilson(a + c, n)
    phi = (a * d - b * c - n / 2) / np.sqrt((a + b) * (c + d) * (a + c) * (b + d))
    low = (p1 - p2) - np.sqrt((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2)
    high = (p1 - p2) + np.sqrt((p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2)
    assert comparison.newcombe_paired_interval(a, b, c, d) == pytest.approx((low, high))
    # ad - bc between 0 and n/2: no correlation term, the interval of independent shares.
    a, b, c, d = 3, 2, 2, 3  # ad - bc = 5 = n/2
    (l1, u1), (l2, u2) = wilson(5, 10), wilson(5, 10)
    assert comparison.newcombe_paired_interval(a, b, c, d) == pytest.approx(
        (-np.hypot(0.5 - l1, u2 - 0.5), np.hypot(0.5 - l2, u1 - 0.5))
    )


def test_holm_adjustment_on_a_hand_case_and_missing_p_values():
    # Sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04 -> running maximum 0.02, 0.03, 0.06, 0.06.
    assert comparison.holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    adjusted = comparison.holm([0.01, np.nan, 0.04])  # NaN stays out of the family (of two)
    assert np.isnan(adjusted[1]) and adjusted[[0, 2]] == pytest.approx([0.02, 0.04])
    assert comparison.holm([0.6, 0.9]) == pytest.approx([1.0, 1.0])  # 1.2 capped at 1; the next cannot be smaller


def test_holm_equals_statsmodels_bit_for_bit():
    rng = np.random.default_rng(3)
    for size in (1, 2, 7, 40):
        p_values = np.concatenate([rng.uniform(0, 1, size), rng.uniform(0, 0.01, size), [0.5] * 3])
        expected = multipletests(p_values, method=comparison.ADJUSTMENT)[1]
        np.testing.assert_array_equal(comparison.holm(p_values), expected)


# --------------------------------------------------------------------------- the paired tables on hand-made answers


def responses_frame(rows: list[dict]) -> pd.DataFrame:
    """Clean phase-1 answers: every shared column empty unless given."""
    columns = ["unit_id", "unit_type", "consent"]
    for item in comparison.paired_items().itertuples():
        columns += [item.us_column, item.cn_column]
    frame = pd.DataFrame(rows, columns=columns).astype(object)
    return frame.where(frame.notna(), None)


def paired_units() -> pd.DataFrame:
    rows = []
    # 10 units with both partners: culture for the US in 6 (2 also China), for China in 3 (the 2 and 1 more).
    for k in range(10):
        us = ["culture"] if k < 6 else ["sport"]
        cn = ["culture"] if k in (0, 1, 6) else ["economy_trade"]
        rows.append(
            {
                "unit_id": f"u{k}",
                "unit_type": "city",
                "has_us_partner": "yes",
                "has_cn_partner": "yes",
                "us_areas": ";".join(us),
                "cn_areas": ";".join(cn),
                "us_importance": str(4 if k < 7 else 2),
                "cn_importance": str(3 if k < 5 else 2),
            }
        )
    rows.append({"unit_id": "u10", "unit_type": "city", "has_us_partner": "yes", "has_cn_partner": "no"})
    rows.append({"unit_id": "u11", "unit_type": "city", "has_us_partner": "dont_know", "has_cn_partner": "yes"})
    return responses_frame(rows)


def test_paired_binary_table_counts_tests_and_holm_within_each_item():
    table = comparison.paired_binary_table(paired_units())
    branching = table[table["shared_id"].eq("has_partner")].iloc[0]
    # u11 ("don't know") leaves the pair out; u10 is US only.
    assert (branching["pairs"], branching["both"], branching["us_only"], branching["cn_only"]) == (11, 10, 1, 0)
    culture = table[table["option"].eq("culture") & table["shared_id"].eq("areas")].iloc[0]
    assert (culture["pairs"], culture["both"], culture["us_only"], culture["cn_only"], culture["neither"]) == (
        10,
        2,
        4,
        1,
        3,
    )
    assert culture["difference"] == pytest.approx(0.3)
    assert culture["p_mid"] == pytest.approx(comparison.mcnemar(4, 1)["p_mid"])
    areas = table[table["shared_id"].eq("areas")]
    assert areas["p_holm"].to_numpy() == pytest.approx(comparison.holm(areas["p_mid"]))
    assert branching["p_holm"] == pytest.approx(branching["p_mid"])  # a family of one
    assert list(table.columns) == comparison.BINARY_COLUMNS


def test_paired_scale_table_wilcoxon_and_counts():
    table = comparison.paired_scale_table(paired_units()).set_index("shared_id")
    importance = table.loc["importance"]
    us = np.array([4] * 7 + [2] * 3, dtype=float)
    cn = np.array([3] * 5 + [2] * 5, dtype=float)
    assert (importance["pairs"], importance["us_higher"], importance["cn_higher"], importance["equal"]) == (10, 7, 0, 3)
    assert importance["p_wilcoxon"] == pytest.approx(stats.wilcoxon(us - cn).pvalue)
    assert importance["mean_difference"] == pytest.approx((us - cn).mean())
    assert np.isnan(table.loc["coordination_eu", "p_wilcoxon"])  # nobody rated it


def test_design_difference_with_equal_weights_is_the_paired_mean_and_its_standard_error():
    rng = np.random.default_rng(3)
    x_us, x_cn = pd.Series(rng.integers(0, 2, 40)), pd.Series(rng.integers(0, 2, 40))
    design = pd.DataFrame({"weight": 1.0, "stratum": "one"}, index=x_us.index)
    result = comparison.design_difference(design, x_us, x_cn, pd.Series(True, index=x_us.index))
    difference = (x_us - x_cn).astype(float)
    assert result["difference_weighted"] == pytest.approx(difference.mean())
    # One stratum, units as PSUs, with replacement: the SE is s / sqrt(n).
    assert result["std_error"] == pytest.approx(difference.std(ddof=1) / np.sqrt(40))
    assert result["estimate_us"] == pytest.approx(x_us.mean())


# --------------------------------------------------------------------------- the published 2020-21 figures


def test_published_table_loads_every_row_cited_and_the_headline_figures():
    published = china2020.published_china2020()
    assert len(published) >= 2
    assert published["source"].str.strip().ne("").all() and published["section"].str.strip().ne("").all()
    headline = published.set_index(["item", "option"])["share"]
    assert headline[("has_cn_partner", "yes")] == pytest.approx(0.53)
    assert headline[("cn_importance", "5")] == pytest.approx(0.15)
    assert published["n"].isna().all()  # no respondent count is published: none may be invented


def test_published_table_refuses_an_uncited_or_unknown_row(tmp_path, monkeypatch):
    text = (paths.REFERENCE / china2020.PUBLISHED_FILE).read_text(encoding="utf-8")
    monkeypatch.setattr(paths, "REFERENCE", tmp_path)
    (tmp_path / china2020.PUBLISHED_FILE).write_text(text.replace(",yes,0.53,", ",maybe,0.53,"), encoding="utf-8")
    with pytest.raises(china2020.China2020Error, match=r"row 2: 'maybe' is not a code of has_cn_partner"):
        china2020.published_china2020()
    header, first, *rest = text.splitlines(keepends=True)
    columns = header.strip().split(",")
    cells = pd.read_csv(paths.ROOT / "analysis/reference" / china2020.PUBLISHED_FILE, dtype=str, keep_default_na=False)
    cells.loc[0, "source"] = ""
    cells[columns].to_csv(tmp_path / china2020.PUBLISHED_FILE, index=False)
    with pytest.raises(ValueError, match=r"row 2, column 'source'"):
        china2020.published_china2020()


# --------------------------------------------------------------------------- the comparison maths


def test_difference_interval_by_hand_without_and_with_the_earlier_n():
    no_n = comparison_earlier.difference_interval((0.4, 0.3, 0.5), 0.53, None, precision=0.01)
    assert no_n["difference"] == pytest.approx(-0.13)
    assert (no_n["ci_low"], no_n["ci_high"]) == pytest.approx((-0.13 - 0.1 - 0.005, -0.13 + 0.1 + 0.005))
    assert "not published" in no_n["earlier_error"] and no_n["earlier_std_error"] == 0
    with_n = comparison_earlier.difference_interval((0.4, 0.3, 0.5), 0.53, 100, earlier_selected=53)
    low0, high0 = wilson(53, 100)
    assert with_n["ci_low"] == pytest.approx(-0.13 - np.hypot(0.1, high0 - 0.53))
    assert with_n["ci_high"] == pytest.approx(-0.13 + np.hypot(0.1, 0.53 - low0))
    assert with_n["earlier_std_error"] == pytest.approx(np.sqrt(0.53 * 0.47 / 100)) and with_n["earlier_error"] == ""


def test_phase1_share_takes_cities_only_and_the_base_of_the_item():
    rows = [
        {"unit_id": f"c{k}", "unit_type": "city", "has_cn_partner": "yes", "cn_importance": "5" if k < 2 else "3"}
        for k in range(4)
    ]
    rows += [{"unit_id": f"n{k}", "unit_type": "city", "has_cn_partner": "no"} for k in range(5)]
    rows += [{"unit_id": "dk", "unit_type": "city", "has_cn_partner": "dont_know"}]
    rows += [{"unit_id": "r", "unit_type": "region", "has_cn_partner": "yes", "cn_importance": "5"}]
    phase1 = responses_frame(rows)
    cooperating = comparison_earlier.phase1_share(phase1, None, "has_cn_partner", "yes", "answering")
    assert (cooperating["phase1_answering"], cooperating["phase1_selected"]) == (9, 4)
    assert (cooperating["phase1_ci_low"], cooperating["phase1_ci_high"]) == pytest.approx(wilson(4, 9))
    crucial = comparison_earlier.phase1_share(phase1, None, "cn_importance", "5", "asked")
    assert (crucial["phase1_answering"], crucial["phase1_selected"], crucial["phase1_share"]) == (4, 2, 0.5)
    published = comparison_earlier.published_as_earlier(china2020.published_china2020())
    table = comparison_earlier.compare_with_earlier(phase1, published)
    assert table["population_flag"].str.startswith("Different populations").all()
    assert table.loc[table["item"].eq("cn_importance"), "population_flag"].str.contains("does not state the base").all()
    assert table.loc[0, "difference"] == pytest.approx(4 / 9 - 0.53)


# --------------------------------------------------------------------------- suppression


def test_paired_table_withholds_small_cells_their_complements_and_estimates():
    paired = comparison.paired_binary_table(paired_units())
    shown = survey_tables.paired_comparison_table(paired)
    culture = shown.table[shown.table["Code"].eq("culture") & shown.table["Item"].eq("areas")].iloc[0]
    # both = 2, US only = 4, China only = 1, neither = 3: every cell small, everything derived withheld.
    assert culture[["Both", "US only", "China only", "Neither"]].eq(SUPPRESSED).all()
    assert culture[["Share US", "Difference (US - China)", "McNemar mid-p", "95% CI low"]].eq(SUPPRESSED).all()
    check_no_small_counts(shown.table, shown.survey_counts)  # raises if a count of 1-4 shows
    assert shown.suppressed_cells > 0


def test_a_small_concordant_cell_takes_the_other_concordant_cell_so_the_test_stays_visible():
    row = {"shared_id": "obstacles", "option": "political_tensions", "label": "Political tensions"}
    counts = comparison.paired_counts(
        pd.Series([1] * 2 + [1] * 10 + [0] * 30 + [0] * 60), pd.Series([1] * 2 + [0] * 10 + [1] * 30 + [0] * 60)
    )
    paired = pd.DataFrame([row | counts | {"p_holm": counts["p_mid"]}])[comparison.BINARY_COLUMNS]
    shown = survey_tables.paired_comparison_table(paired).table.iloc[0]
    assert shown["Both"] == SUPPRESSED and shown["Neither"] == SUPPRESSED  # 2 is small; 60 is its complement
    assert (shown["US only"], shown["China only"]) == (10, 30)
    assert shown["Difference (US - China)"] == pytest.approx(-20 / 102) and shown["Share US"] == SUPPRESSED


def test_earlier_table_withholds_small_phase1_counts():
    comparison_table = pd.DataFrame(
        {
            "shared_id": ["importance", "importance"],
            "item": ["cn_importance"] * 2,
            "option": ["5", "4"],
            "label": ["Crucial", "Very important"],
            "base": ["asked"] * 2,
            "phase1_answering": [40, 40],
            "phase1_selected": [3, 20],
            "phase1_share": [0.075, 0.5],
            "earlier_share": [0.15, 0.3],
            "earlier_n": pd.array([None, None], dtype="Int64"),
            "earlier_selected": pd.array([None, None], dtype="Int64"),
            "difference": [-0.075, 0.2],
        }
    ).reindex(columns=comparison_earlier.COMPARISON_COLUMNS)
    shown = survey_tables.earlier_comparison_table(comparison_table)
    first = shown.table.iloc[0]
    assert first["Phase 1: chose it"] == SUPPRESSED and first["Phase 1: did not"] == SUPPRESSED
    assert first["Phase 1 share"] == SUPPRESSED and first["Difference (phase 1 - 2020-21)"] == SUPPRESSED
    assert first["2020-21 share"] == pytest.approx(0.15)  # the published figure stays
    assert shown.table.iloc[1]["Phase 1: chose it"] == 20
    check_no_small_counts(shown.table, shown.survey_counts)


# --------------------------------------------------------------------------- the microdata path on the synthetic sample


def small_world() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Sixty cities over 50,000, public Chinese ties of ten, and a gazetteer of Chinese prefectures (made here)."""
    cities = pd.DataFrame(
        {
            "city_id": [f"gn{2000 + i}" for i in range(60)],
            "name": [f"Town {i}" for i in range(60)],
            "country_iso2": ["DE", "FR", "ES", "PL", "IT", "AT"] * 10,
            "population": [55_000 + 30_000 * i for i in range(60)],
            "is_capital": [i == 59 for i in range(60)],
        }
    )
    gazetteer = pd.DataFrame(
        {
            "partner_id": ["cn-1", "cn-2", "cn-3", "cn-4"],
            "name": ["Beijing", "Guangzhou", "Ningbo", "Chengdu"],
            "country_iso2": ["CN"] * 4,
            "level": ["prefecture"] * 4,
            "admin1_name": ["Beijing", "Guangdong", "Zhejiang", "Sichuan"],
            "population": [21_000_000, 18_000_000, 9_400_000, 20_900_000],
            "alternate_names": ["Peking|北京", "Canton|广州", "Ningpo", "Chengtu"],
        }
    )
    public = [f"gn{2000 + i}" for i in range(0, 60, 6)]
    relations = pd.DataFrame(
        {
            "eu_city_id": public,
            "partner_id": [f"cn-{1 + k % 4}" for k in range(len(public))],
            "partner_name": [["Beijing", "Guangzhou", "Ningbo", "Chengdu"][k % 4] for k in range(len(public))],
            "partner_is_cn": True,
        }
    )
    return cities, relations, gazetteer


def test_synthetic_2020_sample_is_seeded_labelled_in_the_codebook_layout_and_in_the_build_folder(tmp_path):
    cities, relations, gazetteer = small_world()
    path = synthetic_china2020.synthetic_china2020_export(cities, relations, gazetteer, 5)
    again = synthetic_china2020.synthetic_china2020_export(cities, relations, gazetteer, 5, out_dir=tmp_path)
    assert path.read_bytes() == again.read_bytes()
    assert path.parent == paths.build_dir() / "synthetic" and paths.raw_dir() not in path.parents
    raw = pd.read_csv(path, dtype=str)
    assert list(raw.columns) == china2020.load_codebook(china2020.INSTRUMENT).export_columns()
    assert raw["responded"].between("2020-05-01", "2021-05-31").all()
    assert set(raw["unit_id"]) <= set(cities["city_id"])


def test_microdata_path_compares_unit_level_data_on_the_synthetic_sample(tmp_path):
    cities, relations, gazetteer = small_world()
    path = synthetic_china2020.synthetic_china2020_export(cities, relations, gazetteer, 9, out_dir=tmp_path)
    loaded = china2020.load_china2020_export(
        path, known_unit_ids=set(cities["city_id"]), data_origin="synthetic (seed 9)"
    )
    raw = pd.read_csv(path, dtype=str)
    assert (
        loaded.row_counts["rows_in"]
        == len(raw)
        == loaded.row_counts["responses"] + loaded.row_counts["rows_quarantined"]
    )
    assert loaded.responses["is_synthetic"].all() and loaded.responses["data_origin"].eq("synthetic (seed 9)").all()
    earlier = comparison_earlier.earlier_shares(loaded.responses, "synthetic (seed 9)")
    has = earlier[earlier["item"].eq("has_cn_partner")].iloc[0]
    answering = raw["has_cn_partner"].isin(["yes", "no"])
    assert (has["n"], has["selected"]) == (answering.sum(), raw["has_cn_partner"].eq("yes").sum())
    # Phase 1: the same cities, answers made here (half cooperate), so the pairs are known.
    phase1 = responses_frame(
        [
            {"unit_id": unit, "unit_type": "city", "has_cn_partner": "yes" if k % 2 else "no"}
            for k, unit in enumerate(loaded.responses["unit_id"])
        ]
    )
    panel = comparison_earlier.panel_change(phase1, loaded.responses)
    assert panel["cities_in_both"] == len(loaded.responses) and panel["pairs"] == answering.sum()
    table = comparison_earlier.compare_with_earlier(phase1, earlier.head(1), overlap=panel["cities_in_both"])
    row = table.iloc[0]
    assert row["earlier_n"] == has["n"] and row["earlier_error"] == "" and row["earlier_source"] == "synthetic (seed 9)"
    assert f"{panel['cities_in_both']} cities answered both surveys" in row["population_flag"]
    assert row["ci_low"] < row["difference"] < row["ci_high"]


def test_loader_quarantines_cities_outside_the_frame_and_earlier_duplicates(tmp_path):
    columns = china2020.load_codebook(china2020.INSTRUMENT).export_columns()
    rows = [
        {"unit_id": "gn1", "responded": "2020-06-01", "questionnaire_language": "en", "has_cn_partner": "no"},
        {"unit_id": "gn2", "responded": "2020-06-02", "questionnaire_language": "de", "has_cn_partner": "no"},
        {"unit_id": "gn1", "responded": "2020-07-01", "questionnaire_language": "en", "has_cn_partner": "yes"},
        {"unit_id": "zz9", "responded": "2020-07-02", "questionnaire_language": "en", "has_cn_partner": "no"},
    ]
    path = tmp_path / "china2020.csv"
    pd.DataFrame(rows).reindex(columns=columns).to_csv(path, index=False)
    loaded = china2020.load_china2020_export(path, known_unit_ids={"gn1", "gn2"})
    assert loaded.row_counts == {"rows_in": 4, "responses": 2, "rows_quarantined": 2}
    assert loaded.responses.set_index("unit_id").loc["gn1", "has_cn_partner"] == "yes"  # the later answer
    reasons = " | ".join(loaded.quarantine["reason"])
    assert "china2020.csv line 2" in reasons and "line 5, column unit_id: not a city of the frame" in reasons
    assert not loaded.responses["is_synthetic"].any()


def test_drop_in_folder_is_named_in_paths_and_empty_means_published_figures():
    assert paths.CHINA_2020_DROP_IN == "survey_china2020"
    assert china2020.find_china2020_export() is None
    folder = paths.raw_source_dir(paths.CHINA_2020_DROP_IN)
    folder.mkdir(parents=True)
    (folder / "eu_cities_china_v1.csv").write_text("unit_id\n", encoding="utf-8")
    assert china2020.find_china2020_export() == folder / "eu_cities_china_v1.csv"
