"""The gold set of matching quality: reproducible stratified draw, checks on the verdicts file."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.build import hand_check


def _outcomes(count: int = 300) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "record_id": [f"wikidata_2016:{row:06d}" for row in range(count)],
            "source": "wikidata_2016",
            "outcome": ["exact", "quarantined:eu_side_not_in_frame", "unresolved"] * (count // 3),
            "focus": [row % 2 == 0 for row in range(count)],
        }
    )


def test_gold_sample_is_reproducible_stratified_and_stable() -> None:
    outcomes = _outcomes()
    sample = hand_check.gold_sample(outcomes, sizes={True: 4, False: 2})
    assert sample.groupby("stratum").size().to_dict() == {
        "wikidata_2016|exact|US-CN": 4,
        "wikidata_2016|exact|other": 2,
        "wikidata_2016|quarantined:eu_side_not_in_frame|US-CN": 4,
        "wikidata_2016|quarantined:eu_side_not_in_frame|other": 2,
        "wikidata_2016|unresolved|US-CN": 4,
        "wikidata_2016|unresolved|other": 2,
    }
    shuffled = hand_check.gold_sample(outcomes.sample(frac=1, random_state=3), sizes={True: 4, False: 2})
    assert shuffled["record_id"].tolist() == sample["record_id"].tolist()
    # Records outside the sample may come and go without changing it; another seed draws another sample.
    fewer = outcomes[outcomes["record_id"].isin(sample["record_id"]) | (outcomes.index % 5 == 0)]
    assert set(hand_check.gold_sample(fewer, sizes={True: 4, False: 2})["record_id"]) == set(sample["record_id"])
    other = hand_check.gold_sample(outcomes, sizes={True: 4, False: 2}, seed="another")
    assert set(other["record_id"]) != set(sample["record_id"])


def test_record_outcomes_name_match_method_or_quarantine_reason() -> None:
    records = pd.DataFrame(
        {
            "record_id": ["s:000000", "s:000001", "s:000002"],
            "source": "s",
            "a_country_iso2": ["FR", "FR", "DE"],
            "b_country_iso2": ["US", "IT", "CN"],
        }
    )
    relations = pd.DataFrame(
        {"relation_id": ["r1"], "record_ids": ["s:000000|s:000001"], "match_method": ["alternate"]}
    )
    quarantine = pd.DataFrame({"record_id": ["s:000002"], "reason": ["eu_side_district"]})
    outcomes = hand_check.record_outcomes(records, relations, quarantine)
    assert outcomes["outcome"].tolist() == ["alternate", "alternate", "quarantined:eu_side_district"]
    assert outcomes["focus"].tolist() == [True, False, True]
    with pytest.raises(ValueError, match="neither in a tie nor quarantined"):
        hand_check.record_outcomes(records, relations, quarantine.iloc[0:0])


def _gold_file(tmp_path, record_ids: list[str]) -> object:
    gold = pd.DataFrame(
        {
            "record_id": record_ids,
            "source": "wikidata_2016",
            "stratum": "wikidata_2016|exact|US-CN",
            "raw_string": "Q90 Paris — Q1297 Chicago",
            "verdict": "tie",
            "gold_ties": "gn1=us-place-1",
            "eu_place": "Paris",
            "partner_place": "Chicago",
            "verdict_basis": "knowledge of the place",
            "note": "",
        }
    )
    path = tmp_path / "matching_gold.csv"
    gold.to_csv(path, index=False)
    return path


def test_a_verdict_whose_record_id_no_longer_exists_fails(tmp_path) -> None:
    path = _gold_file(tmp_path, ["wikidata_2016:000001", "wikidata_2016:000002"])
    raw = "Q90 Paris — Q1297 Chicago"
    assert len(hand_check.read_gold({"wikidata_2016:000001": raw, "wikidata_2016:000002": raw}, path)) == 2
    with pytest.raises(ValueError, match=r"matching_gold\.csv, line 3: record id no longer exists.*000002"):
        hand_check.read_gold({"wikidata_2016:000001": raw}, path)
    # The same id naming another raw record (rows shifted in a new raw file) fails too.
    with pytest.raises(ValueError, match=r"line 2: record id names another raw record.*000001"):
        hand_check.read_gold({"wikidata_2016:000001": "Q64 Berlin — Q60 New York", "wikidata_2016:000002": raw}, path)


def test_gold_ties_split_pairs_and_alternatives() -> None:
    gold = pd.DataFrame(
        {
            "record_id": ["a", "b", "c"],
            "verdict": ["tie", "undecidable", "tie"],
            "gold_ties": ["gn1=cn-pref-1101/cn-prov-11|gn2=FR:?", "", "gn3=US:?"],
        }
    )
    units = ["gn1", "gn2", "gn3"]
    ties = hand_check.gold_ties(gold, {"cn-pref-1101": "CN", "cn-prov-11": "CN"}, units)
    assert ties.values.tolist() == [
        ["a", "gn1", "cn-pref-1101/cn-prov-11", "CN"],
        ["a", "gn2", "FR:?", "FR"],
        ["c", "gn3", "US:?", "US"],
    ]
    with pytest.raises(ValueError, match="not in the gazetteer"):
        hand_check.gold_ties(gold, {"cn-pref-1101": "CN"}, units)
    with pytest.raises(ValueError, match=r"EU units not in the frame: \['gn3'\]"):
        hand_check.gold_ties(gold, {"cn-pref-1101": "CN", "cn-prov-11": "CN"}, units[:2])


def test_committed_gold_set_is_well_formed() -> None:
    gold = pd.read_csv(hand_check.gold_path(), dtype=str, keep_default_na=False)
    gold = hand_check.read_gold(gold.set_index("record_id")["raw_string"])
    assert len(gold) >= 300 and gold["record_id"].is_unique
    assert gold["record_id"].str.fullmatch(r"(wikipedia_2026|wikidata_201[67]|wikidata_2022):\d{6}").all()
    assert (gold["verdict_basis"] != "").all()
    ties = gold.loc[gold["verdict"] == "tie", "gold_ties"].str.split("|").explode()
    assert ties.str.fullmatch(r"(gn\d+|NUTS2:[A-Z]{2}\w\d)=[\w:?/-]+").all()


def test_a_test_build_on_a_smaller_frame_leaves_out_gold_ties_outside_it():
    gold = pd.DataFrame(
        {
            "record_id": ["wikipedia_2026:000001", "wikipedia_2026:000002"],
            "verdict": ["tie", "tie"],
            "gold_ties": ["gn1=us-place-1", "gn2=us-place-2"],
        }
    )
    countries = {"us-place-1": "US", "us-place-2": "US"}
    with pytest.raises(ValueError, match=r"EU units not in the frame: \['gn2'\]"):
        hand_check.gold_ties(gold, countries, ["gn1"])
    kept = hand_check.gold_ties(gold, countries, ["gn1"], whole_frame=False)
    assert kept["eu_unit"].tolist() == ["gn1"]
