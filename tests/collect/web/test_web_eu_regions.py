"""EU counties, provinces and regions from ISO 3166-2 as EU places (issue 9, session 16, round 2)."""

from __future__ import annotations

import pytest

from analysis.collect.web import eu_regions
from analysis.collect.web.lexicon import load_lexicon
from analysis.collect.web.places import Place


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("A Coruña [La Coruña]", ["A Coruña", "La Coruña"]),
        ("Södermanlands län [SE-04]", ["Södermanlands län"]),
        ("Praha, Hlavní město", ["Praha"]),
        ("Uusimaa", ["Uusimaa"]),
    ],
)
def test_an_iso_name_is_written_without_codes_and_inversions(name, expected):
    assert eu_regions.subdivision_names(name) == expected


def test_counties_are_eu_places_unless_a_known_place_carries_the_name():
    lexicon = load_lexicon()
    galway = Place("Galway", "IE", "eu", "gn-galway", "city", 80_000.0, True, None)
    lincoln = Place("Kerry", "US", "partner", "us-kerry", "city", 900_000.0, True, "X")
    donegal = Place("Donegal", "US", "partner", "us-donegal", "city", 300.0, False, "Pennsylvania")
    found = eu_regions.subdivision_places([(galway, ["Galway"]), (lincoln, ["Kerry"]), (donegal, ["Donegal"])], lexicon)
    by_name = {(place.name, place.country_iso2): place for place, _ in found}
    assert ("Uusimaa", "FI") in by_name and ("Etelä-Savo", "FI") in by_name
    assert ("Zadarska županija", "HR") in by_name
    assert by_name[("Uusimaa", "FI")].unit_id is None and by_name[("Uusimaa", "FI")].level == "county"
    assert ("Galway", "IE") not in by_name  # the city's name stays the city's
    assert ("Kerry", "IE") not in by_name  # a large partner's name is left out
    assert ("Donegal", "IE") in by_name  # a small US namesake is no reason to lose the county
    assert not any(country == "US" for _, country in by_name)


def test_the_detector_credits_a_county_in_the_genitive(web_detector):
    text = "Etelä-Savon ystävyyskaupunki Wuhanissa vieraili tänä vuonna ryhmä."
    found = {(f.eu_place, f.unit_id) for f in web_detector.detect(text, language="fi")}
    assert ("Etelä-Savo", None) in found


@pytest.mark.parametrize(
    ("name", "language", "first"),
    [
        ("Maribor", "sl", "mariborski"),
        ("Praha", "cs", "pražský"),
        ("Kraków", "pl", "krakowski"),
        ("Poznań", "pl", "poznański"),
        ("Katowice", "pl", "katowicki"),
        ("Бургас", "bg", "бургаски"),
    ],
)
def test_a_slavic_town_has_its_regular_lower_case_adjective(name, language, first):
    from analysis.collect.web.eu_adjectives import adjective_forms

    assert adjective_forms(name, language)[0] == first


def test_no_adjective_for_names_of_several_words_or_another_script():
    from analysis.collect.web.eu_adjectives import adjective_forms

    assert adjective_forms("Stara Zagora", "bg") == []
    assert adjective_forms("Burgas", "bg") == []  # Latin name, Cyrillic rules
    assert adjective_forms("Wien", "de") == []


def test_adjectives_come_from_local_names_only():
    import pandas as pd

    from analysis.collect.web.eu_adjectives import frame_adjectives

    pula = Place("Pula", "HR", "eu", "gn-pula", "city", 57_000.0, True, None)
    maribor = Place("Maribor", "SI", "eu", "gn-maribor", "city", 110_000.0, True, None)
    lau = pd.DataFrame({"lau_name": ["Pula", "Maribor"], "country_iso2": ["HR", "SI"]})
    found = dict(frame_adjectives([(pula, ["Pula", "Pola"]), (maribor, ["Maribor"])], lau, load_lexicon()))
    assert "mariborska" in found[maribor]
    assert "pulski" in found[pula] and "polski" not in found[pula]  # the Italian exonym makes no adjective


def test_a_lower_case_adjective_is_found_as_the_town():
    from analysis.collect.web.matcher import Matcher

    lexicon = load_lexicon()
    matcher = Matcher.build([("Maribor", 0), ("mariborska", 0), ("Hangzhou", 1)], lexicon)
    names = matcher.scan("Dodatno naj bi mariborska občina z mestom Hangzhou podpisala sporazum.", "sl").names
    assert len(names) == 2 and names[0].records == (0,)
    assert matcher.scan("mestom hangzhou", "sl").names == []  # other names still need their capital


def test_large_lau_towns_are_inflected_small_ones_not():
    from analysis.collect.web.places import inflected

    lexicon = load_lexicon()
    town = Place("Sisak", "HR", "eu", None, "municipality", 47_000.0, True, None)
    village = town._replace(name="Grado", population=8_000.0)
    assert inflected(town, lexicon) and not inflected(village, lexicon)
    assert not inflected(town._replace(role="other", level="city"), lexicon)


def test_a_croatian_town_with_a_fleeting_a_is_found_in_its_cases():
    from analysis.collect.web.matcher import Matcher

    matcher = Matcher.build([("Sisak", 0)], load_lexicon(), inflect=[0])
    text = "suradnju s Gradom Siskom i povijest Siska"
    assert [text[h.orig_start : h.orig_end] for h in matcher.scan(text, "hr").names] == ["Siskom", "Siska"]


def test_a_namesakes_municipal_form_is_also_the_eu_citys_name():
    galway = Place("Galway", "IE", "eu", "gn-galway", "city", 80_000.0, True, None)
    village = Place("Galway", "US", "partner", "us-galway", "city", 3_500.0, False, "New York")
    other = Place("Milwaukee", "US", "partner", "us-milwaukee", "city", 570_000.0, True, "Wisconsin")
    known = [(galway, ["Galway"]), (village, ["Galway", "City of Galway"]), (other, ["City of Milwaukee"])]
    assert eu_regions.namesake_forms(known) == [(galway, ["City of Galway"])]


def test_a_listed_country_s_nuts3_counties_are_eu_places_unless_named_after_a_known_town(monkeypatch):
    monkeypatch.setattr(
        eu_regions, "nuts3_counties", lambda: [("DE", "Waldeck-Frankenberg"), ("DE", "Heilbronn, Landkreis")]
    )
    heilbronn = Place("Heilbronn", "DE", "eu", "gn-heilbronn", "city", 120_000.0, True, None)
    found = eu_regions.subdivision_places([(heilbronn, ["Heilbronn"])], load_lexicon())
    by_name = {(place.name, place.country_iso2): names for place, names in found}
    assert ("Waldeck-Frankenberg", "DE") in by_name
    assert ("Heilbronn", "DE") not in by_name  # the district named after its town stays the town's


def test_irregular_forms_are_listed_for_known_towns_only():
    from analysis.collect.web.eu_adjectives import listed_forms

    bialystok = Place("Białystok", "PL", "eu", "gn-bialystok", "city", 295_000.0, True, None)
    namesake = bialystok._replace(country_iso2="US", role="partner")
    found = dict(listed_forms([(bialystok, ["Białystok"]), (namesake, ["Białystok"])], load_lexicon()))
    assert "Białymstokiem" in found[bialystok] and "białostocki" in found[bialystok]
    assert namesake not in found
    turin = Place("Turin", "IT", "eu", "gn-turin", "city", 850_000.0, True, None)
    assert "torinese" in dict(listed_forms([(turin, ["Turin", "Torino"])], load_lexicon()))[turin]  # by local name


def test_a_departement_word_takes_the_town_of_the_text_country():
    from analysis.collect.web.eu_forms import as_county
    from analysis.collect.web.matcher import NameHit

    vienna = Place("Vienna", "AT", "eu", "gn-vienna", "city", 1_700_000.0, True, None)
    vienne = Place("Vienne", "FR", "eu", None, "city", 30_000.0, True, None)
    text = "une convention entre le Département de la Vienne et la ville de Shenzhen"
    start = text.index("Vienne")
    hit = NameHit(start, start + 6, start, start + 6, (0, 1), False)
    (county,) = as_county(text, hit, (vienna, vienne), "fr")
    assert (county.country_iso2, county.level) == ("FR", "county")
    assert as_county("la ville de Vienne", hit._replace(orig_start=12, orig_end=18), (vienna, vienne), "fr") == (
        vienna,
        vienne,
    )


def test_a_german_lau_name_loses_its_locator_after_the_slash():
    from analysis.collect.web.eu_forms import without_locator

    assert without_locator("Herxheim bei Landau/Pfalz", "DE") == "Herxheim bei Landau"
    assert without_locator("Bolzano/Bozen", "IT") == "Bolzano/Bozen"  # two names of one town


def test_smaller_lau_towns_are_inflected_in_their_own_languages_only():
    from analysis.collect.web.places import own_language_inflected

    lexicon = load_lexicon()
    zabok = Place("Zabok", "HR", "eu", None, "municipality", 8_700.0, True, None)
    assert own_language_inflected(zabok, lexicon) == frozenset({"hr"})
    assert own_language_inflected(zabok._replace(population=47_000.0), lexicon) == frozenset()  # inflected everywhere
    assert own_language_inflected(zabok._replace(population=900.0), lexicon) == frozenset()
    assert own_language_inflected(zabok._replace(level="city"), lexicon) == frozenset()


def test_a_large_partner_city_has_its_slavic_adjectives_a_small_one_none():
    from analysis.collect.web.eu_adjectives import partner_adjectives

    shanghai = Place("Shanghai", "CN", "partner", "cn-pref-3101", "prefecture", 24_000_000.0, True, None)
    beijing = shanghai._replace(name="Beijing", unit_id="cn-pref-1101", population=21_000_000.0)
    town = Place("Sheboygan", "US", "partner", "us-place-sheboygan", "city", 48_000.0, True, "Wisconsin")
    jitai = shanghai._replace(name="Jitai", unit_id="cn-x", population=2_000_000.0)
    known = [(shanghai, ["Shanghai", "Šanghaj"]), (beijing, ["Beijing", "Pekin", "Пекин"]), (town, ["Sheboygan"])]
    found = dict(partner_adjectives([*known, (jitai, ["Jitai", "Kitaj"])], load_lexicon()))
    assert "šanghajská" in found[shanghai]
    assert {"pekiński", "пекинския"} <= set(found[beijing])
    assert town not in found  # a small town's adjective risks a false tie
    assert not any(form.startswith("kitaj") for form in found.get(jitai, []))  # the Slovenian for Chinese


def test_a_partner_city_named_by_its_adjective_is_found(web_detector):
    found = web_detector.detect("Brno podepsalo smlouvu o partnerství, šanghajská vláda ji schválila.", language="cs")
    assert [(f.eu_place, f.partner_name) for f in found] == [("Brno", "Shanghai")]
