"""Which same-named place a partner name means (:mod:`analysis.collect.web.partner_sense`)."""

from __future__ import annotations

import pandas as pd
import pytest


def _partners(detector, text: str, language: str) -> set[str]:
    return {f.partner_id for f in detector.detect(text, language=language)}


def test_a_province_after_a_comma_is_a_partner_unless_it_is_the_previous_names_province(web_detector):
    listed = _partners(web_detector, "Esslingen hat die Partnerstädte Chicago, Jilin und Wuhan.", "de")
    assert {"us-place-chicago", "cn-pref-4201"} < listed
    assert listed & {"cn-pref-2202", "cn-prov-22"}
    qualified = _partners(web_detector, "Esslingen hat die Partnerstädte Sheboygan, Wisconsin und Wuhan.", "de")
    assert qualified == {"us-place-sheboygan", "cn-pref-4201"}


@pytest.fixture(scope="module")
def oakland_detector(web_frames):
    """The test detector with two Oaklands (a large one in California, a small one in Maryland) and an Arnheim in
    Maryland (Arnheim is also the German name of the frame's Arnhem)."""
    from analysis.collect.web.detect import Detector

    units, gazetteer = web_frames
    extra = pd.DataFrame(
        {
            "partner_id": ["us-place-oakland-ca", "us-place-oakland-md", "us-state-ca", "us-state-md", "us-place-ar"],
            "name": ["Oakland", "Oakland", "California", "Maryland", "Arnheim"],
            "country_iso2": "US",
            "level": ["city", "city", "state", "state", "city"],
            "admin1_name": ["California", "Maryland", "California", "Maryland", "Maryland"],
            "admin1_code": ["CA", "MD", "CA", "MD", "MD"],
            "population": pd.array([430_000, 1_800, None, None, 30_000], dtype="Int64"),
            "alternate_names": "",
            "source": "test",
        }
    )
    extra = pd.concat([extra, pd.DataFrame(_CANTONS, columns=list(extra.columns))], ignore_index=True)
    return Detector.build(units, pd.concat([gazetteer, extra], ignore_index=True), lau=False)


_CANTONS = [
    ("us-place-canton", "Canton", "US", "city", "Ohio", "OH", 70_000, "Kanton", "test"),
    ("cn-pref-4401", "Guangzhou", "CN", "prefecture", "Guangdong", "44", 18_000_000, "", "test"),
    ("us-place-pekin", "Pekin", "US", "city", "Illinois", "IL", 32_000, "", "test"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("All sister cities of Riga are within the state of Maryland: Riga with Oakland.", "us-place-oakland-md"),
        ("Riga has a sister city agreement with Oakland.", "us-place-oakland-ca"),
        ("Riga has sister city agreements with Oakland, Maryland, and Chicago.", "us-place-oakland-md"),
        ("Riga has sister city agreements with Chicago, Illinois, and Oakland.", "us-place-oakland-ca"),
    ],
)
def test_a_state_the_sentence_names_picks_the_same_named_place(oakland_detector, text, expected):
    assert expected in _partners(oakland_detector, text, "en")


def test_the_evaluation_counts_a_province_level_city_once():
    """Chongqing the province and Chongqing the prefecture are one place; Jilin the province is not Jilin the city."""
    from types import SimpleNamespace

    from analysis.collect.web.eval_keys import Keys

    rows = [
        ("cn-prov-50", "Chongqing", "province", "Chongqing"),
        ("cn-pref-5001", "Chongqing", "prefecture", "Chongqing"),
        ("cn-prov-22", "Jilin", "province", "Jilin"),
        ("cn-pref-2202", "Jilin", "prefecture", "Jilin"),
        ("cn-pref-2201", "Changchun", "prefecture", "Jilin"),
    ]
    gazetteer = pd.DataFrame(rows, columns=["partner_id", "name", "level", "admin1_name"]).assign(country_iso2="CN")
    keys = Keys.__new__(Keys)
    keys.detector = SimpleNamespace(_gazetteer=gazetteer, resolve=lambda *args: None)
    assert keys.partner_key("Chongqing", "CN", partner_id="cn-prov-50")[0] == "cn-pref-5001"
    assert keys.partner_key("Jilin", "CN", partner_id="cn-prov-22")[0] == "cn-prov-22"


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("Esslingen und Chicago beenden ihre …", ""),
        (
            "Esslingen ist Partnerstadt von Wuhan. Esslingen und Chicago beenden ihre …",
            "Esslingen ist Partnerstadt von Wuhan.",
        ),
        (
            "Esslingen ist verschwistert mit Wuhan (China), Chicago (USA), Vienne (Frankreich), Arnhem (Niederl ...",
            "Esslingen ist verschwistert mit Wuhan (China), Chicago (USA), Vienne (Frankreich)",
        ),
        ("Esslingen ist Partnerstadt von Wuhan.", "Esslingen ist Partnerstadt von Wuhan."),
    ],
)
def test_a_line_cut_with_an_ellipsis_keeps_its_complete_sentences_and_list_items(line, kept):
    from analysis.collect.web import teaser
    from analysis.collect.web.lexicon import load_lexicon

    text = "Kopf\n" + line
    end = teaser.kept_end(text, 5, len(text), load_lexicon().rules)
    assert text[5:end] == kept if kept else end <= 5


def test_a_partner_list_cut_by_the_page_still_counts(web_detector):
    text = "Esslingen ist verschwistert mit Wuhan (China), Chicago (USA), Vienne (Frankreich), Arnhem (Niederl ..."
    assert _partners(web_detector, text, "de") == {"cn-pref-4201", "us-place-chicago"}


@pytest.mark.parametrize(("language", "expected"), [("sl", {"us-place-chicago", "cn-pref-4201"}), ("en", set())])
def test_slovenian_in_is_and_not_a_locative_preposition(web_detector, language, expected):
    text = "Riga je podpisala protokol o pobratenju z mestoma Chicago in Wuhan."
    if language == "en":
        text = "Riga signed a twinning protocol with Chicago in Wuhan."
    found = _partners(web_detector, text, language)
    assert found == expected if expected else "cn-pref-4201" not in found


@pytest.mark.parametrize(("state", "expected"), [("Maryland", True), ("California", False)])
def test_a_name_shared_with_an_eu_place_is_the_partner_when_its_own_state_follows_in(oakland_detector, state, expected):
    found = _partners(oakland_detector, f"Riga signed a sister city agreement with Arnheim in {state}.", "en")
    assert ("us-place-ar" in found) == expected


@pytest.mark.parametrize(("language", "expected"), [("pl", {"cn-pref-4401"}), ("en", set())])
def test_an_exonym_in_the_texts_language_names_its_place(oakland_detector, language, expected):
    text = "Łódź jest jedynym miastem w Polsce, które weszło w poczet miast partnerskich Kantonu."
    if language == "en":
        text = "Lodz is the only city in Poland among the partner cities of Kanton."
    assert _partners(oakland_detector, text, language) & {"cn-pref-4401", "us-place-canton"} == expected


def test_a_greek_script_name_has_the_latin_keys_of_its_transcriptions():
    from analysis.collect.web.greek_latin import latin_keys

    assert {"mytilene", "mytilini"} <= latin_keys("Μυτιλήνη")  # classical and ELOT 743
    assert {"chalandri", "khalandri"} <= latin_keys("Χαλάνδρι")
    assert "mutilene" not in latin_keys("Μυτιλήνη") and latin_keys("Mytilene") == frozenset()


def test_a_greek_town_is_found_in_latin_text_by_its_elot_and_classical_forms_only():
    from analysis.collect.web.greek_latin import text_forms

    assert text_forms("Σύμη", 6) == ["Symi", "Syme"]  # not the phonetic Simi
    assert {"Chalki", "Halki", "Lefkada", "Filippiada", "Agios Nikolaos"} <= {
        form for name in ("Χάλκη", "Λευκάδα", "Φιλιππιάδα", "Άγιος Νικόλαος") for form in text_forms(name, 6)
    }
    assert text_forms("Търговище", 6) == ["Targovishte"] and text_forms("Symi", 6) == []
    assert len(text_forms("Ηλιούπολη", 2)) == 2


def test_a_bulgarian_cyrillic_name_has_the_key_of_its_official_transliteration():
    from analysis.collect.web.greek_latin import latin_keys

    assert {"targovishte", "haskovo"} <= latin_keys("Търговище") | latin_keys("Хасково")
    assert "yambol" in latin_keys("Ямбол") and "plovdiv" in latin_keys("Пловдив")


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [("American", "Chinese capital", "cn-pref-1101"), ("Chinese", "American town", "us-place-pekin")],
)
def test_with_both_countries_named_the_nearest_country_word_decides(oakland_detector, first, second, expected):
    text = f"The {first} delegation heard that Riga is a sister city of the {second} Pekin."
    assert _partners(oakland_detector, text, "en") & {"cn-pref-1101", "us-place-pekin"} == {expected}


@pytest.mark.parametrize(("gap", "expected"), [(" ", []), (", ", ["Michigan"])])
def test_a_state_written_right_after_a_name_with_one_space_is_part_of_that_name(gap, expected):
    from types import SimpleNamespace

    from analysis.collect.web.lexicon import load_lexicon
    from analysis.collect.web.partner_sense import _sentence_admin1

    text = f"Kenosha liegt am Lake{gap}Michigan."
    start = text.index("Michigan")
    lake = SimpleNamespace(hit=SimpleNamespace(orig_start=17, orig_end=21), role="partner", places=())
    state = SimpleNamespace(name="Michigan", role="admin1", country_iso2="US", admin1="Michigan")
    michigan = SimpleNamespace(
        hit=SimpleNamespace(orig_start=start, orig_end=start + 8), role="partner", places=(state,)
    )
    detector = SimpleNamespace(lexicon=load_lexicon())
    assert _sentence_admin1(detector, text, lake, [lake, michigan], "US") == expected


def _cn(name: str, level: str, admin1: str | None) -> object:
    from analysis.collect.web.places import Place

    return Place(name, "CN", "partner", None, level, 0.0, True, admin1)


@pytest.mark.parametrize(
    ("others", "region", "expected"),
    [
        ([_cn("Hebei", "district", "Tianjin")], False, "Hebei"),  # a district of another province: the province
        ([_cn("Jilin", "prefecture", "Jilin")], False, None),  # the province's own namesake city: open for a town
        ([_cn("Jilin", "prefecture", "Jilin")], True, "Jilin"),  # a region's partner is the province
    ],
)
def test_a_province_name_is_the_province_unless_its_own_namesake_city_may_be_meant(others, region, expected):
    from types import SimpleNamespace

    from analysis.collect.web.partner_sense import province_sense
    from analysis.collect.web.rules import PartnerChoice

    province = _cn(others[0].name, "province", others[0].name)
    mention = SimpleNamespace(places=(province, *others))
    partner = PartnerChoice(others[0].name, "CN", None, False, False, "")
    assert province_sense(mention, partner, region) == expected
    assert province_sense(mention, partner._replace(province=True), region) is None


@pytest.mark.parametrize(
    ("text", "middle_found", "namesake_country", "expected"),
    [
        ("Guadalajara, Jalisco, Mexico is a sister city", False, None, "Mexico"),  # Jalisco qualifies it
        ("Guadalajara, Jalisco, Mexico is a sister city", True, "MX", "Mexico"),  # the Mexican namesake
        ("In addition to Olomouc, Nisshin, Japan is a sister city", True, None, None),  # two items of a list
        ("Córdoba (Argentina)", False, None, "Argentina"),  # a country right after the name settles it
    ],
)
def test_a_country_after_the_next_comma_item_makes_a_namesake_unless_that_item_is_a_place_of_its_own(
    text, middle_found, namesake_country, expected
):
    from types import SimpleNamespace

    from analysis.collect.web.partner_sense import outside_eu_after
    from analysis.collect.web.places import Place

    name = text.split(",")[0].split(" (")[0].split()[-1]
    start = text.index(name)
    hit = SimpleNamespace(orig_start=start, orig_end=start + len(name))
    found = [Place(name, "ES", "eu", "u1", "city", 1.0, True, None)]
    if namesake_country:
        found.append(Place(name, namesake_country, "other", None, "city", 1.0, True, None))
    middle = text.split(", ")[1] if ", " in text else ""
    starts = frozenset({text.index(middle)}) if middle_found else frozenset()
    assert outside_eu_after(text, hit, found, starts) == expected
