"""Tests for analysis.stats.triangulation: kappa, Chapman, log-linear capture-recapture and the tie captures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.stats import triangulation as tri


def test_kappa_matches_a_hand_computation():
    # 2x2 table: yes/yes 20, yes/no 5, no/yes 10, no/no 15 (n = 50).
    first = [True] * 25 + [False] * 25
    second = [True] * 20 + [False] * 5 + [True] * 10 + [False] * 15
    observed = (20 + 15) / 50
    expected = (25 / 50) * (30 / 50) + (25 / 50) * (20 / 50)
    assert tri.cohen_kappa(first, second) == pytest.approx((observed - expected) / (1 - expected))
    assert tri.cohen_kappa(first, second) == pytest.approx(0.4, abs=1e-12)


def test_kappa_keeps_the_values_of_the_former_formula():
    # (p_o - p_e) / (1 - p_e) computed by hand for 50 random ratings (seed 1): 0.12, 0.0121580547...
    rng = np.random.default_rng(1)
    first, second = rng.random(50) < 0.3, rng.random(50) < 0.5
    assert tri.cohen_kappa(first, second) == pytest.approx(0.1200000000000001, abs=1e-12)
    first, second = rng.random(50) < 0.3, rng.random(50) < 0.5
    assert tri.cohen_kappa(first, second) == pytest.approx(0.012158054711246128, abs=1e-12)
    assert tri.cohen_kappa([True] * 3, [True, False, True]) == pytest.approx(0.0, abs=1e-12)


def test_kappa_extremes():
    assert tri.cohen_kappa([True, False, True], [True, False, True]) == pytest.approx(1.0)
    assert tri.cohen_kappa([True, False], [False, True]) == pytest.approx(-1.0)
    assert np.isnan(tri.cohen_kappa([True, True], [True, True]))
    assert np.isnan(tri.cohen_kappa([], []))
    with pytest.raises(ValueError, match="differ in length"):
        tri.cohen_kappa([True], [True, False])


def test_pairwise_kappa_uses_only_units_both_sources_cover():
    indicators = pd.DataFrame(
        {
            "us_wikipedia": pd.array([True, False, True, False], dtype="boolean"),
            "us_survey": pd.array([True, pd.NA, True, False], dtype="boolean"),
        }
    )
    table = tri.pairwise_kappa(indicators, "US", sources=("wikipedia", "survey"))
    assert table.loc[0, "units"] == 3 and table.loc[0, "kappa"] == pytest.approx(1.0)


def test_chapman_on_the_textbook_example():
    # 10 marked, 15 caught the second time, 5 of them marked: Lincoln-Petersen 30, Chapman 28.33.
    result = tri.chapman_estimate(10, 15, 5)
    assert result["estimate"] == pytest.approx(11 * 16 / 6 - 1)
    assert result["se"] ** 2 == pytest.approx(11 * 16 * 5 * 10 / (36 * 7))
    assert result["observed"] == 20 and result["ci_low"] >= 20
    with pytest.raises(ValueError, match="both_count"):
        tri.chapman_estimate(3, 4, 5)


def _independent_captures(total: int, probabilities: list[float], seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    names = [f"source_{i}" for i in range(len(probabilities))]
    return pd.DataFrame({name: rng.random(total) < p for name, p in zip(names, probabilities)})


def test_loglinear_recovers_the_total_of_independent_captures():
    captures = _independent_captures(600, [0.3, 0.45, 0.25, 0.4], seed=1)
    result = tri.loglinear_estimate(captures, list(captures.columns))
    assert result["observed"] == int(captures.any(axis=1).sum())
    assert result["ci_low"] <= 600 <= result["ci_high"]
    assert result["ci_low"] <= result["estimate"] <= result["ci_high"]
    assert result["df"] == 15 - 5


def test_loglinear_profile_interval_has_about_nominal_coverage():
    # 95% intervals on 30 independent simulations: expect about 28.5 to cover the truth; fail below 25.
    covered = 0
    for seed in range(30):
        captures = _independent_captures(600, [0.3, 0.45, 0.25, 0.4], seed=seed)
        result = tri.loglinear_estimate(captures, list(captures.columns))
        covered += result["ci_low"] <= 600 <= result["ci_high"]
    assert covered >= 25


def test_loglinear_interaction_absorbs_dependence_between_two_sources():
    rng = np.random.default_rng(5)
    total = 1000
    first = rng.random(total) < 0.35
    copied = np.where(first, rng.random(total) < 0.8, rng.random(total) < 0.1)  # the later snapshot copies the earlier
    captures = pd.DataFrame(
        {"early": first, "late": copied, "crawl": rng.random(total) < 0.4, "other": rng.random(total) < 0.3}
    )
    dependent = tri.loglinear_estimate(captures, list(captures.columns), [("early", "late")])
    assert dependent["ci_low"] <= total <= dependent["ci_high"]
    independent = tri.loglinear_estimate(captures, list(captures.columns))
    assert independent["aic"] > dependent["aic"]


def test_loglinear_needs_three_sources():
    with pytest.raises(ValueError, match="at least 3"):
        tri.loglinear_estimate(_independent_captures(50, [0.5, 0.5], 0), ["source_0", "source_1"])


def test_tie_captures_link_the_same_tie_across_sources():
    relations = pd.DataFrame(
        {
            "eu_city_id": ["gn1", "gn1", "gn2"],
            "eu_region_code": [None, None, None],
            "partner_id": ["us-place-1", None, "us-place-2"],
            "partner_name": ["Springfield", "Lost Town", "Austin"],
            "partner_country_iso2": ["US", "US", "US"],
            "in_wikipedia_2026": [True, True, False],
            "in_wikidata_2016": [False, False, True],
            "in_wikidata_2017": [True, False, False],
            "in_wikidata_2022": [False, False, True],
        }
    )
    crawl_ties = pd.DataFrame(
        {"unit_id": ["gn1", "gn3"], "partner_key": ["us-place-1", "us-place-9"], "partner_country_iso2": ["US", "US"]}
    )
    lost_town = tri.partner_keys(pd.Series([None]), pd.Series(["Lost Town"]), pd.Series(["US"])).iloc[0]
    survey_ties = pd.DataFrame({"unit_id": ["gn1"], "partner_key": [lost_town], "partner_country_iso2": ["US"]})
    captures = tri.tie_captures(relations, crawl_ties, survey_ties, "US").set_index(["unit_id", "partner_key"])
    assert len(captures) == 4
    assert captures.loc[("gn1", "us-place-1")].tolist() == [True, True, False, True, False]
    assert captures.loc[("gn1", lost_town), "survey"] and captures.loc[("gn1", lost_town), "wikipedia"]
    assert captures.loc[("gn2", "us-place-2"), ["wikidata_early", "wikidata_2022"]].all()


def test_resolve_partner_ids_uses_the_admin1_hint_and_the_dominant_namesake():
    gazetteer = pd.DataFrame(
        {
            "partner_id": ["us-place-1", "us-place-2", "us-place-3", "us-place-4"],
            "name": ["Springfield", "Springfield", "Portland", "Portland"],
            "country_iso2": ["US"] * 4,
            "level": ["city"] * 4,
            "admin1_name": ["Illinois", "Massachusetts", "Oregon", "Maine"],
            "admin1_code": ["IL", "MA", "OR", "ME"],
            "latitude": [39.8, 42.1, 45.5, 43.7],
            "longitude": [-89.6, -72.6, -122.7, -70.3],
            "population": [114_000, 155_000, 641_000, 68_000],
            "alternate_names": ["", "", "", ""],
        }
    )
    names = pd.Series(["Springfield", "Springfield", "Portland", "Portland", "Nowhere"])
    admin1 = pd.Series(["Illinois", None, None, "Maine", None])
    ids = tri.resolve_partner_ids(names, pd.Series(["US"] * 5), gazetteer, admin1)
    # the hint picks; two similar namesakes stay unresolved; a dominant one is taken unless a hint says otherwise
    assert ids.tolist() == ["us-place-1", None, "us-place-3", "us-place-4", None]


def test_public_only_capture_recapture_uses_the_three_public_snapshots():
    rng = np.random.default_rng(3)
    total = 800
    early = rng.random(total) < 0.4
    captures = pd.DataFrame(
        {
            "unit_id": [f"u{i % 50}" for i in range(total)],
            "partner_key": [f"p{i}" for i in range(total)],
            "wikipedia": rng.random(total) < 0.5,
            "wikidata_early": early,
            "wikidata_2022": np.where(early, rng.random(total) < 0.7, rng.random(total) < 0.15),
            "crawl": rng.random(total) < 0.9,  # a capture the public lane must not use
            "survey": False,
        }
    )
    captures = captures[captures[["wikipedia", "wikidata_early", "wikidata_2022"]].any(axis=1)]
    table = tri.estimate_totals(captures)
    assert table["model"].tolist() == [
        "Chapman: Wikipedia × Wikidata",
        "log-linear: independence",
        "log-linear: wikidata_early×wikidata_2022",
    ]
    assert (table["capture_count"] == [2, 3, 3]).all()
    best = tri.headline_estimate(table)
    assert best["model"] == "log-linear: wikidata_early×wikidata_2022" and best["ci_low"] <= total <= best["ci_high"]
    with_crawl = tri.estimate_totals(captures, [*tri.PUBLIC_CAPTURES, "crawl"])
    assert (
        with_crawl["model"].iloc[0] == "Chapman: public sources × crawl"
        and (with_crawl["capture_count"][1:] == 4).all()
    )


def test_tie_captures_without_crawl_or_survey_leave_their_columns_false():
    relations = pd.DataFrame(
        {
            "eu_city_id": ["gn1", "gn2"],
            "eu_region_code": [None, None],
            "partner_id": ["us-place-1", "pr-1"],
            "partner_name": ["Springfield", "San Juan"],
            "partner_country_iso2": ["US", "US"],
            "partner_is_us": [True, False],  # Puerto Rico is not one of the 50 states and DC
            "in_wikipedia_2026": [True, True],
            "in_wikidata_2016": [False, False],
            "in_wikidata_2017": [True, False],
            "in_wikidata_2022": [False, False],
        }
    )
    captures = tri.tie_captures(relations, None, None, "US")
    assert captures["unit_id"].tolist() == ["gn1"]
    assert not captures[["crawl", "survey"]].any().any()
