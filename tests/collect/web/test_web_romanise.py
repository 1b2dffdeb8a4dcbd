"""Chinese names in national transcription systems: pinyin syllables, the systems' tables, and the forms the
matcher then finds (also inflected), without creating namesakes of other places."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.collect.web import places, romanise
from analysis.collect.web.lexicon import load_lexicon, suffix_rules_for
from analysis.collect.web.matcher import Matcher


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Guangxi", ["guang", "xi"]),
        ("Xi’an", ["xi", "an"]),
        ("Shijiazhuang", ["shi", "jia", "zhuang"]),
        ("Yunnan", ["yun", "nan"]),
        ("Texas", None),  # not pinyin
        ("Nitra", None),
    ],
)
def test_pinyin_names_split_into_syllables(name, expected):
    assert romanise.syllables(name) == expected


@pytest.mark.parametrize(
    ("pinyin", "written"),
    [
        ("Anhui", "An-chuej"),  # Czech/Slovak (Švarný)
        ("Shanxi", "Šan-si"),
        ("Guangxi", "Kuangsi"),  # Polish
        ("Shanghai", "Szanghaj"),
        ("Panjin", "Pancsin"),  # Hungarian
        ("Jiangsu", "Csiangszu"),
        ("Tianjin", "Tientsin"),  # postal
        ("Guangdong", "Kwangtung"),
        ("Qingdao", "Tsingtao"),
        ("Dalian", "Далиен"),  # Bulgarian
        ("Yichun", "Ичун"),
        ("Guangzhou", "Κουανγκτσόου"),  # Greek
        ("Chaoyang", "Τσάογιάνγκ"),
    ],
)
def test_national_forms_follow_the_transcription_tables(pinyin, written):
    assert written in romanise.national_forms(pinyin, 3)


def test_forms_that_spell_another_place_or_are_short_are_left_out():
    lexicon = load_lexicon()
    assert "Anhwei" in places.romanised_forms("Anhui", lexicon, frozenset())  # postal
    assert "Anhwei" not in places.romanised_forms("Anhui", lexicon, frozenset({"anhwei"}))  # another place's name
    assert all(len(form) >= 5 for form in places.romanised_forms("Xi’an", lexicon, frozenset()))


def test_the_matcher_finds_transcribed_and_inflected_forms():
    lexicon = load_lexicon()
    names = [("Anhui", 0), ("Shanghai", 1), ("Naujasis Orleanas", 2)]
    names += [(form, 0) for form in places.romanised_forms("Anhui", lexicon, frozenset())]
    names += [(form, 1) for form in places.romanised_forms("Shanghai", lexicon, frozenset())]
    matcher = Matcher.build(names, lexicon, inflect=[0, 1, 2])

    def found(text, language):
        return [(text[h.orig_start : h.orig_end], h.records) for h in matcher.scan(text, language).names]

    assert found("spolupráca s provinciou An-chuej", "sk") == [("An-chuej", (0,))]
    assert found("współpraca z Szanghajem", "pl") == [("Szanghajem", (1,))]
    assert found("testvérvárosa Sanghajban", "hu") == [("Sanghajban", (1,))]
    assert found("Naujajame Orleane", "lt") == [("Naujajame Orleane", (2,))]
    assert found("the an-chuej case", "en") == []  # still a proper noun only


def test_long_literal_endings_give_lithuanian_definite_adjectives():
    stems = suffix_rules_for("naujasis", load_lexicon())
    assert "ojo" in stems["nauj"]["lt"]


def test_a_municipality_keeps_its_name_against_a_transcribed_form():
    lexicon = load_lexicon()
    forms = places.romanised_forms("Erqi", lexicon, frozenset())
    assert "Ercsi" in forms  # Hungarian transcription of Erqi, and a Hungarian town
    erqi = places.Place("Erqi", "CN", "partner", "cn-dist-erqi", "district", 0.0, True, None)
    known = [(erqi, ["Erqi", *forms])]
    lau = pd.DataFrame(
        [("HU_1", "Ercsi", "HU", "HU120", 8_000)], columns=["lau_id", "lau_name", "country_iso2", "nuts3", "population"]
    )
    towns = places.lau_places(known, lexicon, lau)
    assert [place.name for place, _ in towns] == ["Ercsi"]
    assert "Ercsi" not in known[0][1] and "Erqi" in known[0][1]


def test_place_name_readings_of_polyphonic_characters_are_names_too():
    assert places.han_readings("朝阳区|朝阳|Zhaoyang District", "Zhaoyang", 4, frozenset()) == ["Chaoyang"]
    assert places.han_readings("花都区|花都", "Huadou", 4, frozenset()) == ["Huadu"]
    assert places.han_readings("重庆市|重庆", "Chongqing", 4, frozenset()) == []  # one reading only
    assert places.han_readings("朝阳区|朝阳", "Zhaoyang", 4, frozenset({"chaoyang"})) == []  # a lexicon term


def test_us_names_with_an_abbreviated_first_word_are_found_in_every_written_form():
    assert places.abbreviated_forms("St. Augustine") == ["Saint Augustine", "St Augustine"]
    assert places.abbreviated_forms("Ft. Lauderdale") == ["Fort Lauderdale", "Ft Lauderdale"]
    assert places.abbreviated_forms("Stamford") == [] and places.abbreviated_forms("Saint") == []


def test_characters_without_a_place_name_reading_give_no_other_names():
    assert places.han_readings("青白江区|青白江", "Qingbaijiang", 4, frozenset()) == []
    assert places.han_readings("六安市|六安", "Liuan", 4, frozenset()) == ["Luan"]
