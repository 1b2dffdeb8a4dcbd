"""The trained pair classifier (issue 9, item 4): candidates from the detector's evidence, a deterministic L2 logistic
fit, its data file, and the hook that lets it decide (off by default)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.collect.web import pair_model
from analysis.collect.web.pair_model import FEATURES, Weights

TEXT = (
    "Die Städtepartnerschaft zwischen Duisburg und Wuhan besteht seit 1982. "
    "Ein Direktflug nach Chicago startet in Duisburg."
)


def _weights(**named: float) -> np.ndarray:
    weights = np.zeros(len(FEATURES))
    for name, value in named.items():
        weights[FEATURES.index(name)] = value
    return weights


def test_the_fit_is_deterministic_learns_the_sign_and_shrinks_with_the_penalty():
    rng = np.random.default_rng(1)
    signal = rng.normal(size=200)
    x = np.column_stack([np.ones(200), signal, rng.normal(size=200)])
    y = (signal + 0.3 * rng.normal(size=200) > 0).astype(float)
    loose, again, tight = pair_model.fit(x, y, 0.1), pair_model.fit(x, y, 0.1), pair_model.fit(x, y, 100.0)
    assert np.array_equal(loose, again)
    assert loose[1] > 1.0 and abs(loose[2]) < 0.5 * loose[1]
    assert 0 < tight[1] < loose[1]


def test_the_weights_round_trip_through_the_data_file(tmp_path):
    weights = Weights(_weights(bias=-1.5, rules_chose_side=2.25), keep=0.3, add=0.8, penalty=3.0)
    path = tmp_path / "model.csv"
    pair_model.write_weights(weights, path)
    table = pd.read_csv(path)
    assert list(table["feature"]) == [*FEATURES, "keep", "add", "penalty"]
    assert table["source"].str.strip().all() and table["note"].str.strip().all()
    back = pair_model.read_weights(path)
    assert np.allclose(back.weights, weights.weights) and (back.keep, back.add, back.penalty) == (0.3, 0.8, 3.0)


def test_the_shipped_model_names_every_feature():
    table = pd.read_csv(pair_model.MODEL_FILE)
    assert set(FEATURES) | {"keep", "add", "penalty"} == set(table["feature"])


def test_an_explanation_names_the_largest_contributions():
    features = dict.fromkeys(FEATURES, 0.0) | {"bias": 1.0, "rules_chose_side": 1.0, "lookalike_cue": 1.0}
    weights = Weights(_weights(bias=0.1, rules_chose_side=2.0, lookalike_cue=-1.0))
    assert weights.explanation(features, top=2) == "pair model p=0.75 (rules_chose_side +2.00, lookalike_cue -1.00)"


def test_the_collector_sees_rejected_partners_and_every_eu_side(web_detector, monkeypatch):
    collector = pair_model.Collector()
    monkeypatch.setattr(web_detector, "pair_model", collector, raising=False)
    decisions = web_detector.explain(TEXT, language="de", page_unit_id="gn-esslingen")
    found = collector.found
    assert {c.partner[0] for c in found} == {"Wuhan", "Chicago"}
    assert all(set(c.features) == set(FEATURES) for c in found)
    chosen = [c for c in found if c.features["rules_chose_side"]]
    assert [(c.side.name, c.partner[0]) for c in chosen] == [("Duisburg", "Wuhan")]
    chicago = [c for c in found if c.partner[0] == "Chicago"]
    assert chicago and all(c.features["reject_lookalike"] and not c.features["reject_no_relation"] for c in chicago)
    assert {c.side.source for c in chicago} >= {"owner", "sentence"}
    assert any(d.finding is None for d in decisions)  # the collector leaves the rules' decisions as they are


def test_the_model_decides_only_when_switched_on(web_detector, monkeypatch):
    rules_only = set(web_detector.detect(TEXT, language="de", page_unit_id="gn-esslingen"))
    assert getattr(web_detector, "pair_model", None) is None  # off by default
    as_rules = Weights(_weights(bias=-5.0, rules_chose_side=10.0))
    monkeypatch.setattr(web_detector, "pair_model", pair_model.PairModel(as_rules), raising=False)
    mirrored = web_detector.detect(TEXT, language="de", page_unit_id="gn-esslingen")
    assert {(f.eu_place, f.partner_name, f.status) for f in mirrored} == {
        (f.eu_place, f.partner_name, f.status) for f in rules_only
    }
    assert all("pair model p=" in f.rule for f in mirrored)
    keep_all = Weights(_weights(bias=5.0), keep=0.5, add=0.5)
    monkeypatch.setattr(web_detector, "pair_model", pair_model.PairModel(keep_all), raising=False)
    added = web_detector.detect(TEXT, language="de", page_unit_id="gn-esslingen")
    assert "Chicago" in {f.partner_name for f in added}
    assert len(added) > len(rules_only)


def _number(passage: dict) -> int:
    return int(passage["passage_id"].split("-")[1])


def test_training_never_sees_a_check_passage_nor_a_held_out_file(monkeypatch):
    opened = []
    real_load = pair_model_evaluate().load_passages

    def recording_load(files=None):
        opened.extend(Path(f).stem for f in files)
        return real_load(files)

    monkeypatch.setattr(pair_model_evaluate(), "load_passages", recording_load)
    found = pair_model.open_passages()
    assert set(opened) == set(found) and not {f"passages_{letter}" for letter in "rs"} & set(opened)
    assert {name for name in found if name in pair_model.WHOLE_FILES} == {f"passages_{x}" for x in "abcdk"}
    for name in (f"passages_{letter}" for letter in "efghijlmnop"):  # their test split is the generalisation check
        assert found[name] and all(p["split"] == "dev" and _number(p) % 3 == 1 for p in found[name]), name
    check_ids = {p["passage_id"] for p in pair_model.check_passages()}
    assert check_ids and not check_ids & {p["passage_id"] for passages in found.values() for p in passages}


def test_the_dev_only_files_drop_their_test_split(monkeypatch):
    lines = [{"passage_id": f"xx-{n:03d}", "split": "dev" if n % 3 == 1 else "test"} for n in (802, 803, 804, 805)]
    monkeypatch.setattr(pair_model_evaluate(), "load_passages", lambda files: [dict(p) for p in lines])
    found = pair_model.open_passages()
    assert [p["passage_id"] for p in found["passages_e"]] == ["xx-802", "xx-805"]
    assert len(found["passages_a"]) == 4  # an open file is used whole
    assert [p["passage_id"] for p in pair_model.check_passages()][:2] == ["xx-803", "xx-804"]


def pair_model_evaluate():
    from analysis.collect.web import evaluate

    return evaluate


def _gold(eu: str, country: str, partner: str, partner_country: str, status: str = "established") -> dict:
    return {"eu_place": eu, "eu_country_iso2": country, "partner_place": partner, "partner_admin1": None,
            "partner_country_iso2": partner_country, "relation_type": "twin", "status": status, "year": None}  # fmt: skip


def test_coverage_counts_the_gold_whose_partner_and_whose_pair_are_among_the_candidates(web_detector, web_frames):
    from analysis.collect.web.eval_keys import Keys

    units, _ = web_frames
    first, second = TEXT.split(". ")
    passages = [
        {"passage_id": "de-1", "language": "de", "page_owner": None, "excerpt": first + ".",
         "statements": [_gold("Duisburg", "DE", "Wuhan", "CN"), _gold("Arnhem", "NL", "Wuhan", "CN"),
                        _gold("Duisburg", "DE", "Shanghai", "CN"), _gold("Duisburg", "DE", "Wuhan", "CN")]},
        {"passage_id": "de-2", "language": "de", "page_owner": None, "excerpt": second,
         "statements": [_gold("Duisburg", "DE", "Chicago", "US", "planned")]},
    ]  # fmt: skip
    table = pair_model.coverage(web_detector, Keys(web_detector, units), passages).set_index("status")
    # a pair labelled twice with one status counts once; Shanghai is not in the text; Arnhem is no EU side there
    assert table.loc["established", ["statements", "partner_candidate", "pair_candidate"]].tolist() == [3, 2, 1]
    # a flight is a look-alike the rules reject, but its pair is still a candidate
    assert table.loc["planned", ["statements", "partner_candidate", "pair_candidate"]].tolist() == [1, 1, 1]
    assert table.loc["established", "pair_share"] == 1 / 3
