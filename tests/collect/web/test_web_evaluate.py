"""Evaluation code: passage files, matching findings to statements, P/R/F1 with bootstrap intervals, test-web truth."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from analysis.collect.web import evaluate as ev


def _passage(passage_id: str, excerpt: str, statements: list[dict], **extra) -> dict:
    base = {
        "passage_id": passage_id,
        "split": "dev",
        "language": "de",
        "url": "https://example.test/",
        "kind": "local_news",
        "page_owner": None,
        "excerpt": excerpt,
        "statements": statements,
        "lookalikes": [],
        "note": "",
    }
    return base | extra


def _statement(eu: str, country: str, partner: str, partner_country: str, status: str = "established") -> dict:
    return {
        "eu_place": eu,
        "eu_country_iso2": country,
        "partner_place": partner,
        "partner_admin1": None,
        "partner_country_iso2": partner_country,
        "relation_type": "twin",
        "status": status,
        "year": None,
    }


def test_a_bad_passage_line_names_file_and_line(tmp_path):
    good = _passage("de-1", "Text.", [])
    path = tmp_path / "passages_x.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(good | {"split": "train", "passage_id": "de-2"}) + "\n")
    with pytest.raises(ev.PassageError, match=r"passages_x.jsonl, line 2: split"):
        ev.load_passages([path])
    path.write_text(json.dumps(good) + "\n" + json.dumps(good) + "\n")
    with pytest.raises(ev.PassageError, match="line 2: passage_id 'de-1' already used"):
        ev.load_passages([path])
    path.write_text("{not json\n")
    with pytest.raises(ev.PassageError, match="line 1: not valid JSON"):
        ev.load_passages([path])


def test_the_held_out_split_is_accepted_by_the_loader(tmp_path):
    path = tmp_path / "passages_x.jsonl"
    path.write_text(json.dumps(_passage("de-701", "Text.", [], split="heldout")) + "\n")
    assert [passage["split"] for passage in ev.load_passages([path])] == ["heldout"]


def test_precision_recall_f1_and_bootstrap_on_a_known_case():
    counts = np.array([[1, 0, 1], [1, 1, 0]])  # tp, fp, fn per passage: 2 tp, 1 fp, 1 fn
    result = ev.bootstrap_metrics(counts, draws=500, seed=1)
    assert result["precision"] == pytest.approx(2 / 3) and result["recall"] == pytest.approx(2 / 3)
    assert result["f1"] == pytest.approx(2 / 3)
    assert 0 <= result["f1_low"] <= result["f1"] <= result["f1_high"] <= 1
    assert ev.bootstrap_metrics(counts, draws=500, seed=1) == result  # seeded
    precision, _, _ = ev.prf(np.array([0.0]), np.array([0.0]), np.array([1.0]))
    assert math.isnan(precision[0])


def test_scoring_passages_counts_hits_misses_false_ties_and_statuses(web_detector, web_frames):
    units, _ = web_frames
    passages = [
        _passage("p1", "Kraków und Chicago sind Partnerstädte.", [_statement("Krakau", "PL", "Chicago", "US")]),
        _passage(
            "p2",
            "Arnheim hat die Städtepartnerschaft mit Wuhan beendet.",
            [_statement("Arnhem", "NL", "Wuhan", "CN", "ended")],
        ),
        _passage("p3", "Neue Direktflüge verbinden Duisburg und Chicago.", []),
        _passage(
            "p4", "Duisburg ist Partnerstadt von Wuhan.", [_statement("Duisburg", "DE", "Shanghai", "CN")], split="test"
        ),
    ]
    scores = ev.score_passages(passages, web_detector, units)
    counts = {s.passage_id: s.counts for s in scores}
    assert counts["p1"]["all"] == [1, 0, 0] and counts["p1"]["established"] == [1, 0, 0]
    assert counts["p2"]["ended"] == [1, 0, 0]
    assert counts["p3"]["all"] == [0, 0, 0]
    assert counts["p4"]["all"] == [0, 1, 1]
    table = ev.metrics(scores, split="dev")
    overall = table[(table["group"] == "overall") & (table["status"] == "all")].iloc[0]
    assert (overall["tp"], overall["fp"], overall["fn"]) == (2, 0, 0)
    errors = ev.error_table(scores)
    assert set(errors["error"]) == {"missed", "false tie"}
    assert ev.relation_accuracy(scores) == 1.0


def test_a_pair_labelled_twice_is_matched_to_the_statement_of_the_found_status(web_detector, web_frames):
    units, _ = web_frames
    statements = [_statement("Arnhem", "NL", "Wuhan", "CN"), _statement("Arnhem", "NL", "Wuhan", "CN", "ended")]
    passage = _passage("p1", "Arnheim hat die Städtepartnerschaft mit Wuhan beendet.", statements)
    (score,) = ev.score_passages([passage], web_detector, units)
    assert score.counts["ended"] == [1, 0, 0]  # paired in label order, the found ending would count as a wrong status
    assert score.counts["established"] == [0, 0, 1]
    assert score.counts["all"] == [1, 0, 1]


def test_a_pair_labelled_twice_with_one_status_is_one_partnership(web_detector, web_frames):
    units, _ = web_frames
    friendship = _statement("Kraków", "PL", "Chicago", "US") | {"relation_type": "friendship"}
    passage = _passage(
        "p1", "Kraków und Chicago sind Partnerstädte.", [_statement("Krakau", "PL", "Chicago", "US"), friendship]
    )
    (score,) = ev.score_passages([passage], web_detector, units)
    assert score.counts["established"] == [1, 0, 0] and score.errors == []


class _Resolver:
    """A detector stand-in for the evaluation keys: a three-row gazetteer, names resolved by a lookup."""

    _gazetteer = pd.DataFrame(
        {
            "partner_id": ["cn-pref-1101", "cn-dist-110102", "cn-pref-4401"],
            "name": ["Beijing", "Xicheng", "Guangzhou"],
            "country_iso2": ["CN"] * 3,
            "level": ["prefecture", "district", "prefecture"],
            "admin1_name": ["Beijing", "Beijing", "Guangdong"],
        }
    )
    ids = {"Beijing": "cn-pref-1101", "Xicheng": "cn-dist-110102", "Guangzhou": "cn-pref-4401"}

    def resolve(self, name, country_iso2, hint=None):
        return self.ids.get(name)


def test_a_district_and_its_city_are_one_partner_and_a_county_is_its_bare_name():
    from analysis.collect.web.eval_keys import Keys

    units = pd.DataFrame(columns=["unit_id", "unit_type", "name", "country_iso2", "population", "alternate_names"])
    keys = Keys(_Resolver(), units)
    district, city, other = (keys.partner_key(name, "CN") for name in ("Xicheng", "Beijing", "Guangzhou"))
    assert ev.same_partner(district, city) and ev.same_partner(city, district)
    assert not ev.same_partner(district, other) and not ev.same_partner(other, city)
    assert ev.same_partner(keys.partner_key("Qingtian County", "CN"), keys.partner_key("Qingtian", "CN"))
    assert not ev.same_partner(keys.partner_key("Qingtian", "CN"), keys.partner_key("Qingyang", "CN"))


def test_an_unclear_label_found_unclear_is_no_error(web_detector, web_frames):
    units, _ = web_frames
    text = "Arnheim ist angeblich Partnerstadt von Wuhan."
    right = _passage("p1", text, [_statement("Arnhem", "NL", "Wuhan", "CN", "unclear")])
    wrong = _passage("p2", text, [_statement("Arnhem", "NL", "Wuhan", "CN", "established")])
    scores = {s.passage_id: s for s in ev.score_passages([right, wrong], web_detector, units)}
    assert scores["p1"].counts["all"] == [1, 0, 0] and scores["p1"].errors == []
    assert [e["error"] for e in scores["p2"].errors] == ["wrong status"]


def test_metrics_by_split_keeps_the_splits_apart():
    def score(passage_id: str, split: str, tp: int, fp: int, fn: int) -> ev.PassageScore:
        counts = {stratum: [0, 0, 0] for stratum in ("all", *ev.SCORED_STATUSES)}
        counts["all"] = counts["established"] = [tp, fp, fn]
        return ev.PassageScore(passage_id, split, "de", counts, [], [])

    scores = [score("a", "dev", 2, 0, 0), score("b", "heldout", 1, 1, 0), score("c", "heldout", 0, 0, 1)]
    table = ev.metrics_by_split(scores)
    assert list(dict.fromkeys(table["split"])) == ["dev", "heldout"]  # SPLITS order; no row for an absent split
    heldout = table[(table["split"] == "heldout") & (table["status"] == "established")].iloc[0]
    assert (heldout["tp"], heldout["fp"], heldout["fn"]) == (1, 1, 1)
    assert heldout["f1"] == pytest.approx(0.5)
    dev = table[(table["split"] == "dev") & (table["status"] == "established")].iloc[0]
    assert dev["f1"] == pytest.approx(1.0)


def test_scoring_test_web_truth():
    truth = pd.DataFrame(
        {
            "url": ["u1", "u1", "u2"],
            "unit_id": ["a", "a", "b"],
            "partner_id": ["p1", "p2", "p3"],
            "partner_country_iso2": ["US", "US", "CN"],
            "relation_type": ["twin", "", "twin"],
            "status": ["established", "", "ended"],
            "lookalike_class": ["", "flight", ""],
            "language": ["de", "de", "pl"],
        }
    )
    findings = pd.DataFrame(
        {
            "url": ["u1", "u1", "u2"],
            "unit_id": ["a", "a", "b"],
            "partner_id": ["p1", "p2", "p3"],
            "status": ["established", "established", "established"],
            "rule": ["r", "r", "r"],
        }
    )
    result = ev.score_truth(findings, truth)
    overall = result["metrics"].set_index("status").loc["all"]
    assert (overall["tp"], overall["fp"], overall["fn"]) == (2, 1, 0)
    assert result["by_lookalike"] == {"flight": 1}
    ended = result["metrics"].set_index("status").loc["ended"]
    assert (ended["tp"], ended["fn"]) == (0, 1)


@pytest.fixture(scope="module")
def small_web_detector():
    """A detector over the frame and gazetteer of the small test web (tests/conftest.py), built once for the
    module's tests (detection does not change it)."""
    from analysis.collect.web.detect import Detector

    from conftest import small_web_frames

    units, _, gazetteer = small_web_frames()
    return Detector.build(units, gazetteer)


@pytest.fixture(scope="module")
def evaluated_web(tmp_path_factory):
    """The small test web of tests/conftest.py (seed 6, ten sites) with its large page cut from 5 MB to 50 kB: it
    is still the one page a hundred times longer than the others, while extracting and detecting on 5 MB of
    archive lines took two thirds of this module's time (about 17 of 26 CPU seconds). ``small_test_web`` keeps the
    5 MB page for the tests of the web itself and of the crawl."""
    from analysis.collect.web import testweb_faults
    from analysis.collect.web.testweb import build_test_web

    from conftest import small_web_frames

    units, relations, gazetteer = small_web_frames()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(testweb_faults, "LARGE_PAGE_BYTES", 50_000)
        return build_test_web(
            units, relations, gazetteer, seed=6, out_dir=tmp_path_factory.mktemp("testweb"), n_units=10
        )


def test_the_detector_on_the_small_local_test_web(evaluated_web, small_web_detector):
    """Extract + detect on every page of the small test web (tests/conftest.py) and score against its truth."""
    result = ev.score_test_web(evaluated_web, small_web_detector)
    overall = result["metrics"].set_index("status").loc["all"]
    assert overall["f1"] >= 0.85, result["errors"].to_string()


def test_detection_benchmark_reports_both_timings(web_detector):
    texts = ["Kraków i Chicago są miastami partnerskimi od 1990 roku.", "Keine Partnerstadt hier."] * 3
    result = ev.detection_benchmark(texts, web_detector)
    assert result["texts"] == 6 and result["regex_hits"] > 0
    assert result["detector_seconds"] > 0 and result["regex_seconds"] > 0


def test_pages_that_name_no_partner_have_no_findings(evaluated_web, small_web_detector):
    """:func:`analyse_page` skips a text that names no partner place (:func:`prefilter.names_partner`): exact only
    while every finding needs a partner mention, which this checks on every page of the small test web."""
    from analysis.collect.web.extract import page_text
    from analysis.collect.web.prefilter import names_partner

    detector = small_web_detector
    skipped = 0
    for page in ev.test_web_pages(evaluated_web):
        extracted = page_text(page.body, page.content_type, page.url)
        if extracted.error or not extracted.text or names_partner(detector, extracted.text):
            continue
        skipped += 1
        assert detector.detect(extracted.text, language=extracted.language, page_unit_id=page.unit_id) == [], page.url
    assert skipped > 0
