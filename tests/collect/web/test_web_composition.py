"""What the detector is made of (analysis.collect.web.composition): places and name keys, lexicon, look-alikes."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from analysis.collect.web import composition
from analysis.collect.web.places import Place
from analysis.core import paths

TERMS = """kind,language,scope,match,terms,source,note
twin,de,any,folded,*partnerstadt*|*städtepartnerschaft*,test,
planned,de,any,folded,geplant*,test,
planned_weak,de,any,folded,soll*|wollen,test,
municipal,de,any,folded,stadt,test,
twin,pl,any,folded,miasto partnerskie,test,
lookalike_school,*,any,folded,school twinning|partner school*,test,
lookalike_flight,*,any,folded,flight*|airport*|*flughafen*,test,
"""
INFLECTIONS = """language,ending,add,source,note
pl,@consonant,ie|em,test,
pl,a,y|ie,test,
hu,@any,ban,test,
"""


def _reference(tmp_path, monkeypatch) -> None:
    (tmp_path / "web_terms.csv").write_text(TERMS, encoding="utf-8")
    (tmp_path / "web_inflections.csv").write_text(INFLECTIONS, encoding="utf-8")
    monkeypatch.setattr(paths, "REFERENCE", tmp_path)


def test_place_names_counts_every_place_once_and_the_keys_of_their_names(web_detector):
    table = composition.DETECTOR_PLACES_SCHEMA.validate(composition.place_names(web_detector))
    ids = {place.unit_id or position for position, place in enumerate(web_detector.places)}
    assert table["place_count"].sum() == len(ids)  # a place with several records (names, adjectives) counts once
    rows = table.set_index(["detector_side", "country_group", "place_kind"])
    assert rows.loc[("EU place", "EU", "frame city"), "place_count"] == 11  # the fixture's cities; its region apart
    assert rows.loc[("EU place", "EU", "frame region"), "place_count"] == 1
    us_cities = rows.loc[("partner", "United States", "city")]
    assert us_cities["place_count"] == 8 and us_cities["name_key_count"] >= 8  # "chicago", "cikaga", "nowy jork" ...
    assert us_cities["inflected_key_count"] > 0 and us_cities["inflected_form_count"] > us_cities["inflected_key_count"]
    assert list(dict.fromkeys(table["detector_side"])) == ["EU place", "partner"]  # EU first; no namesake here


def test_namesake_countries_are_those_with_most_places_kept_as_namesakes():
    def place(country: str, role: str = "other") -> Place:
        return Place("X", country, role, None, "city", 1.0, True, None)

    places = [place("IN"), place("BR"), place("IN"), place("JP"), place("BR"), place("IN"), place("US", "partner")]
    places += [place("JP")._replace(unit_id="gn1"), place("JP")._replace(unit_id="gn1")]  # one place, two records
    detector = SimpleNamespace(places=places)
    assert composition.namesake_countries(detector, 2) == ["IN", "BR"]
    assert composition.namesake_countries(detector, 9) == ["IN", "BR", "JP"]  # JP: 2 places, BR first by code


def test_lexicon_by_language_counts_terms_by_kind_and_suffix_rules(tmp_path, monkeypatch):
    _reference(tmp_path, monkeypatch)
    table = composition.lexicon_by_language().set_index("language")
    assert list(table.columns) == ["twin", "planned", "cues", "suffix_rules"]
    assert table.loc["de"].tolist() == [2, 3, 1, 0]  # planned and planned_weak are both planned
    assert table.loc["pl"].tolist() == [1, 0, 0, 2]
    assert table.loc["hu"].tolist() == [0, 0, 0, 1]  # a language with suffix rules and no term of its own
    assert table.loc["*"].tolist() == [0, 0, 5, 0]  # look-alike cues for every language


def test_lookalike_classes_count_terms_and_say_which_mask_a_twin_term(tmp_path, monkeypatch):
    _reference(tmp_path, monkeypatch)
    table = composition.lookalike_classes()
    expected = pd.DataFrame(
        {"lookalike_class": ["school", "flight"], "terms": [2, 3], "masks_twin_term": [True, False]}
    )
    pd.testing.assert_frame_equal(table.reset_index(drop=True), expected, check_dtype=False)


def test_automaton_size_counts_keys_nodes_and_the_terms_scanned_for(web_detector):
    size = composition.automaton_size(web_detector)
    assert size["keys"] == len(web_detector.matcher.automaton)
    assert 0 < size["term_keys"] < size["keys"] < size["nodes"]
    assert size["megabytes"] >= 0
