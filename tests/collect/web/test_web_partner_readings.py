"""Which names of a sentence with a twin term are partners at all: states and provinces called so, one sense per
discourse, persons' names, third-country places and ordinary words (session 22 rules)."""

from __future__ import annotations

import pandas as pd
import pytest


def _findings(detector, text: str, language: str):
    return detector.detect(text, language=language)


def _partners(detector, text: str, language: str) -> set[str]:
    return {f.partner_id for f in _findings(detector, text, language)}


_EXTRA_PLACES = [  # partner_id, name, country, level, admin1 name, admin1 code, population, alternate names
    ("us-place-oakland-ca", "Oakland", "US", "city", "California", "CA", 430_000, ""),
    ("us-place-oakland-md", "Oakland", "US", "city", "Maryland", "MD", 25_000, ""),
    ("us-state-ca", "California", "US", "state", "California", "CA", None, ""),
    ("us-state-md", "Maryland", "US", "state", "Maryland", "MD", None, ""),
    ("us-state-tx", "Texas", "US", "state", "Texas", "TX", None, "Texasu"),
    ("us-place-texas-mi", "Texas", "US", "city", "Michigan", "MI", 15_000, ""),
    ("us-place-dallas", "Dallas", "US", "city", "Texas", "TX", 1_300_000, "Dallasem"),
    ("us-place-lagrange", "LaGrange", "US", "city", "Georgia", "GA", 31_000, "Lagrange"),
    ("gn-leo", "Léo", "BF", "city", None, None, 30_000, "Leo"),
    ("us-place-connell", "Connell", "US", "city", "Washington", "WA", 50_000, ""),
    ("us-place-atlantic", "Atlantic", "US", "city", "Iowa", "IA", 6_000, ""),
    ("us-place-san-antonio", "San Antonio", "US", "city", "Texas", "TX", 1_400_000, ""),
    ("us-place-columbia", "Columbia", "US", "city", "South Carolina", "SC", 136_000, ""),
    ("us-place-bray", "Bray", "US", "city", "Oklahoma", "OK", 1_200, ""),
]
_EXTRA_UNITS = [
    ("gn-guadalajara", "city", "Guadalajara", "ES", 85_000.0, False, ""),
    ("gn-bray", "city", "Bray", "IE", 32_000.0, False, ""),
]


@pytest.fixture(scope="module")
def readings_detector(web_frames):
    """The test detector with two Oaklands, a small Texas township beside the state, a Léo of Burkina Faso, a
    LaGrange, a Connell, an Atlantic, San Antonio and a Spanish Guadalajara."""
    from analysis.collect.web.detect import Detector

    units, gazetteer = web_frames
    extra = pd.DataFrame(
        _EXTRA_PLACES,
        columns=["partner_id", "name", "country_iso2", "level", "admin1_name", "admin1_code", "population", "alt"],
    ).rename(columns={"alt": "alternate_names"})
    extra["population"] = pd.array(extra["population"], dtype="Int64")
    extra_units = pd.DataFrame(_EXTRA_UNITS, columns=list(units.columns))
    return Detector.build(
        pd.concat([units, extra_units], ignore_index=True),
        pd.concat([gazetteer, extra.assign(source="test")], ignore_index=True),
        lau=False,
    )


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Duisburg signed an agreement twinning the city with the region of Hubei.", "en"),
        ("Eine Delegation aus Duisburgs Partnerprovinz Hubei besuchte die Stadt.", "de"),
    ],
)
def test_a_region_word_or_a_province_twin_noun_calls_the_name_a_province(web_detector, text, language):
    assert "cn-prov-42" in _partners(web_detector, text, language)


def test_a_lower_case_country_adjective_is_no_country(web_detector):
    text = "Burmistrz Chicago z polską społecznością odwiedziła miasto partnerskie Kraków."
    assert "us-place-chicago" in _partners(web_detector, text, "pl")


def test_a_state_the_text_gives_a_name_once_holds_for_its_other_mentions(readings_detector):
    text = (
        "Riga signed a friendship charter with the City of Oakland (state Maryland, USA). "
        "The friendship charter was signed by the mayors of Riga and of Oakland."
    )
    assert _partners(readings_detector, text, "en") == {"us-place-oakland-md"}


def test_a_states_name_is_the_state_when_its_namesakes_are_small(readings_detector):
    text = "Brno si připomíná 20 let od navázání partnerství s třetím největším městem Texasu (USA) Dallasem."
    assert _partners(readings_detector, text, "cs") == {"us-place-dallas"}


def test_a_given_name_read_as_a_third_country_place_still_makes_a_persons_name(readings_detector):
    text = "La place de l’Avenue Léo Lagrange porte le nom de Chicago, ville jumelle de Toledo."
    assert "us-place-lagrange" not in _partners(readings_detector, text, "fr")


def test_a_name_after_the_irish_o_is_a_surname(readings_detector):
    text = "Fr. John O’Connell from Arnhem was also pursuing a sister city for Arnhem."
    assert "us-place-connell" not in _partners(readings_detector, text, "en")


def test_an_eu_name_followed_by_a_country_outside_the_eu_is_no_eu_side(readings_detector):
    text = (
        "San Antonio maintains sister city relationships with these cities:\n"
        "- Guadalajara, Jalisco, Mexico (Established 1974)\n"
        "- Esslingen, Germany (Established 2017)\n"
    )
    sides = {f.eu_place for f in _findings(readings_detector, text, "en")}
    assert "Guadalajara" not in sides
    assert "Esslingen am Neckar" in sides


def test_an_ocean_is_no_partner(readings_detector):
    text = "Arnhem will deepen the bonds between sister cities across the Atlantic, from the United States to Europe."
    assert "us-place-atlantic" not in _partners(readings_detector, text, "en")


def test_spanish_regions_are_found_under_the_names_spanish_texts_use():
    from analysis.collect.web.eu_regions import region_exonyms

    exonyms = region_exonyms()
    assert "Catalunya" in exonyms["ES51"]
    assert "Islas Baleares" in exonyms["ES53"]


def test_a_place_name_inside_an_idiom_for_china_is_no_eu_place(web_detector):
    from analysis.collect.web.detect import _inside_country_word
    from analysis.collect.web.matcher import NameHit, TermHit

    text = "Wie eng Duisburg mit dem Reich der Mitte verbunden ist"
    start = text.index("Mitte")
    hit = NameHit(start, start + 5, start, start + 5, (0,), False)
    idiom = TermHit(
        "cn_context", "de", "reich der mitte", text.index("Reich"), start + 5, text.index("Reich"), start + 5
    )
    assert _inside_country_word(hit, [idiom], (), 1e6)
    assert not _inside_country_word(hit, [idiom._replace(orig_end=start - 1)], (), 1e6)  # a phrase ending before it


def test_a_large_partner_citys_adjective_that_is_a_china_word_is_the_city():
    from analysis.collect.web.detect import _inside_country_word
    from analysis.collect.web.matcher import NameHit, TermHit
    from analysis.collect.web.places import Place

    hit = NameHit(0, 10, 0, 10, (0,), False)
    word = TermHit("cn_context", "*", "šanghajsk*", 0, 10, 0, 10)
    shanghai = Place("Shanghai", "CN", "partner", "cn-pref-3101", "prefecture", 24_000_000.0, True, None)
    town = shanghai._replace(name="Jitai", population=50_000.0)
    assert not _inside_country_word(hit, [word], (shanghai,), 1e6)
    assert _inside_country_word(hit, [word], (town,), 1e6)  # "kitajskim" (Chinese) is no small town's name


@pytest.mark.parametrize(("written", "expected"), [("Columbia (USA)", {"us-place-columbia"}), ("Columbia", set())])
def test_an_ordinary_word_with_its_country_in_brackets_is_a_place(readings_detector, written, expected):
    text = f"Jumelage entre Toledo et {written}"
    assert _partners(readings_detector, text, "fr") == expected


def test_the_slavic_partner_noun_in_its_cases_is_a_generic_partner_word(web_detector):
    text = "Głównym partnerem miasta Krakowa jest chińskie miasto Szanghaj."
    assert _partners(web_detector, text, "pl") == {"cn-pref-3101"}


def test_an_eu_town_named_with_its_country_does_not_vouch_for_a_us_namesake_of_its_own_name(readings_detector):
    text = "Fr. John, from the city of Bray, Ireland, and a cousin of a Minneapolis resident, was pursuing a Sister City for Bray."
    assert "us-place-bray" not in _partners(readings_detector, text, "en")
