"""The EU side of a tie: counties, LAU names in the genitive, place adjectives, page owners outside the frame, and
the pair after "between" (issue 9, session 16)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.collect.web import eu_forms, eu_side
from analysis.collect.web.detect import Detector
from analysis.collect.web.places import Place


def _sides(detector: Detector, text: str, language: str, **owner) -> set[tuple]:
    return {(f.unit_id, f.eu_place, f.partner_id) for f in detector.detect(text, language=language, **owner)}


@pytest.mark.parametrize(
    ("form", "country", "expected"),
    [
        ("Anykščių rajono savivaldybė", "LT", ["Anykščiai", "Anykščių", "Anykščių rajono savivaldybė"]),
        ("Kauno miesto savivaldybė", "LT", ["Kaunas", "Kauno", "Kauno miesto savivaldybė"]),
        ("Μεγαρέων", "GR", ["Μεγαρα", "Μεγαρέων"]),
        ("Μυτιλήνης", "GR", ["Μυτιλήνη", "Μυτιλήνης"]),
        ("Jõgeva vald", "EE", ["Jõgeva", "Jõgeva vald"]),
        ("Rīga", "LV", ["Rīga"]),  # no status word: a Latvian name is not read as a genitive
        ("Mora", "SE", ["Mora"]),  # a vowel-final Swedish name stands before "kommun" unchanged
        ("Filipstad", "SE", ["Filipstad", "Filipstads kommun"]),
        ("Borås", "SE", ["Borås"]),
    ],
)
def test_lau_names_are_written_without_status_words_and_in_the_nominative(form, country, expected):
    assert eu_forms.lau_forms(form, country) == expected


def test_a_county_is_the_same_whichever_way_it_is_written():
    keys = {eu_forms.region_key(name) for name in ("county galway", "galway county", "co galway")}
    assert keys == {"galway #county"}
    assert eu_forms.region_key("galway") == "galway"
    assert eu_forms.region_key("parnu maakond") == eu_forms.region_key("parnu county") != "parnu"


def test_a_town_next_to_a_county_word_is_the_county():
    town = Place("Pärnu", "EE", "eu", "gn-parnu", "city", 50_000.0, True, None)
    text = "An agreement between St. Mary's County and Parnu County, Estonia."
    start = text.index("Parnu")
    county = eu_forms.county_place(town, text, start, start + 5, "en")
    assert county is not None and county.name == "Pärnu County" and county.unit_id is None
    assert eu_forms.county_place(town, "Parnu, Estonia", 0, 5, "en") is None


def test_the_detector_credits_the_county_and_its_bare_name_later(web_detector):
    text = (
        "A Duisburg County Council delegation visited Chicago, Illinois.\n"
        "Chicago has been twinned with Duisburg since 2003."
    )
    assert {side[1] for side in _sides(web_detector, text, "en")} == {"Duisburg County"}


def test_a_page_owner_outside_the_frame_is_the_eu_side(web_detector):
    text = "Die Städtepartnerschaft mit Chicago besteht seit 1990."
    assert _sides(web_detector, text, "de", page_owner=("Mora", "SE")) == {(None, "Mora", "us-place-chicago")}
    assert _sides(web_detector, text, "de") == set()


def test_a_place_adjective_names_the_town(web_detector):
    text = "Die Duisburger Städtepartnerschaft mit Wuhan besteht seit 1982."
    found = _sides(web_detector, text, "de", page_unit_id="gn-esslingen")
    assert found == {("gn-duisburg", "Duisburg", "cn-pref-4201")}


def test_the_pair_after_between_takes_the_partner_not_the_page_owner(web_detector):
    text = (
        "Mehr als 200 Städtepartnerschaften verbinden Städte in Deutschland mit den USA. "
        "Die erste wurde 1947 zwischen dem westfälischen Duisburg und Chicago geschlossen."
    )
    found = _sides(web_detector, text, "de", page_unit_id="gn-esslingen")
    assert ("gn-duisburg", "Duisburg", "us-place-chicago") in found
    assert not any(side[0] == "gn-esslingen" for side in found)


def test_a_partner_in_parentheses_after_its_town_belongs_to_that_town(web_detector):
    text = (
        "Een meerderheid van de Duisburgse gemeenteraad vroeg zich af of een vriendschap met China een goed idee is. "
        "In Arnhem (bevriend met het Chinese Wuhan) speelde dezelfde discussie."
    )
    found = _sides(web_detector, text, "nl")
    assert ("gn-arnhem", "Arnhem", "cn-pref-4201") in found
    assert not any(side[0] == "gn-duisburg" for side in found)


def test_a_genitive_lau_name_is_its_municipality_in_the_nominative(web_frames):
    units, gazetteer = web_frames
    lau = pd.DataFrame(
        {
            "lau_id": ["EL_1", "LT_1"],
            "lau_name": ["Κοινότητα Μεγαρέων", "Anykščių rajono savivaldybė"],
            "country_iso2": ["GR", "LT"],
            "nuts3": ["EL306", "LT011"],
            "population": [27_145, 23_038],
            "latitude": [38.0, 55.5],
            "longitude": [23.3, 25.1],
        }
    )
    detector = Detector.build(units, gazetteer, lau=lau)
    greek = "Υπεγράφη Μνημόνιο Συνεργασίας μεταξύ του Δήμου Μεγαρέων και της πόλης Wuhan."
    assert _sides(detector, greek, "el") == {(None, "Μεγαρα", "cn-pref-4201")}
    lithuanian = "Anykščių rajono savivaldybė pasirašė sutartį su Wuhan miestu dėl miestų partnerystės."
    assert {side[1] for side in _sides(detector, lithuanian, "lt")} == {"Anykščiai"}
    english = "The Municipality of Megara signed a memorandum of cooperation with the city of Wuhan."
    assert _sides(detector, english, "en") == {(None, "Μεγαρα", "cn-pref-4201")}  # its ELOT 743 transcription


def test_in_a_list_of_pairs_each_partner_goes_to_the_place_of_its_own_item(web_detector):
    text = "Seit Jahren haben Städte Partnerstädte in Amerika und China: Duisburg seit 1982 Wuhan, Esslingen Sheboygan."
    found = {(side[0], side[2]) for side in _sides(web_detector, text, "de")}
    assert found == {("gn-duisburg", "cn-pref-4201"), ("gn-esslingen", "us-place-sheboygan")}


def test_a_romanian_definite_form_names_the_town():
    from analysis.collect.web.lexicon import load_lexicon, suffix_rules_for

    rules = suffix_rules_for("sibiu", load_lexicon())
    forms = {stem + suffix for stem, by in rules.items() for suffix in by.get("ro", ())}
    assert {"sibiul", "sibiului"} <= forms


def test_a_municipality_listed_only_as_its_parishes_is_one_place():
    lau = pd.DataFrame(
        {
            "lau_id": ["PT_1", "PT_2", "PT_3", "PT_4"],
            "lau_name": ["Horta (Angústias)", "Horta (Matriz)", "Horta", "Lingen (Ems)"],
            "country_iso2": ["PT", "PT", "PT", "DE"],
            "nuts3": ["PT200", "PT200", "PT150", "DE94B"],
            "population": [2_418, 2_562, 242, 54_000],
            "latitude": [38.5, 38.6, 41.0, 52.5],
            "longitude": [-28.6, -28.6, -7.0, 7.3],
        }
    )
    groups = eu_forms.parish_groups(lau)
    assert list(zip(groups["lau_name"], groups["population"], strict=True)) == [("Horta", 4_980)]


def test_a_name_shared_across_eu_countries_is_the_one_of_the_text_language():
    spain = Place("Horta", "ES", "eu", None, "city", 30_000.0, True, None)
    portugal = Place("Horta", "PT", "eu", None, "municipality", 6_000.0, True, None)
    assert eu_forms.in_language_country((spain, portugal), "pt") == (portugal,)
    assert eu_forms.in_language_country((spain, portugal), "en") == (spain, portugal)
    framed = spain._replace(unit_id="gn-horta")
    assert eu_forms.in_language_country((framed, portugal), "pt") == (portugal,)
    larger = framed._replace(population=100_000.0)  # a foreign frame unit ten times larger keeps both readings
    assert eu_forms.in_language_country((larger, portugal), "pt") == (larger, portugal)


def test_a_town_name_that_begins_a_longer_name_is_not_that_town():
    text = "Tulare com Angra do Heroísmo; Turlock com Angra."
    assert eu_forms.starts_longer_name(text, text.index("Angra") + 5)
    assert not eu_forms.starts_longer_name(text, text.rindex("Angra") + 5)


def test_a_pair_in_its_own_sentence_keeps_its_tie_when_the_relation_term_is_next_door(web_detector):
    text = "Kraków? Duisburg und Wuhan? Was bringt zwei ferne Städte dazu, Partnerstädte zu werden?"
    assert {(side[0], side[2]) for side in _sides(web_detector, text, "de")} == {("gn-duisburg", "cn-pref-4201")}


def test_a_partner_that_is_the_subject_takes_every_eu_place_after_the_relation_term(web_detector):
    text = "Chicago has 28 sister cities, including Duisburg in Germany, as well as the old towns of Kraków and Brno."
    found = {side[0] for side in _sides(web_detector, text, "en")}
    assert found == {"gn-duisburg", "gn-krakow", "gn-brno"}


def test_a_region_is_also_written_without_the_generic_words_of_its_official_name():
    names = ["Região Autónoma dos Açores", "Comunidad Foral de Navarra", "Bretagne"]
    assert eu_forms.region_short_forms(names) == ["Açores", "Navarra"]


@pytest.mark.parametrize(
    ("name", "country", "expected"),
    [
        ("Skibbereen-West Cork", "IE", ["Skibbereen", "West Cork"]),
        ("Carrick-On-Shannon", "IE", ["Carrick-On-Shannon"]),
        ("Skibbereen-West Cork", "DE", ["Skibbereen-West Cork"]),
    ],
)
def test_an_area_named_after_two_towns_gives_both_towns(name, country, expected):
    assert eu_forms.lau_parts(name, country) == expected


def test_a_region_that_says_where_the_town_lies_is_not_the_eu_side(web_detector):
    text = "Łódź, stolica regionu Łódzkie, podpisała umowę partnerską z Chicago w 1990 roku."
    assert {side[0] for side in _sides(web_detector, text, "pl")} == {"gn-lodz"}


def test_a_name_glued_after_an_unknown_capitalised_word_is_part_of_a_longer_name():
    text = "Etelä-Savon ystävyyskaupunki; Pärnu-Portsmouth"
    assert eu_forms.ends_longer_name(text, text.index("Savon"), set())
    assert not eu_forms.ends_longer_name(text, text.index("Portsmouth"), {text.index("Pärnu")})


def test_the_detector_skips_an_eu_name_inside_a_longer_unknown_name(web_detector):
    text = "Die Nord-Esslingen Gruppe pflegt die Städtepartnerschaft mit Chicago."
    assert _sides(web_detector, text, "de", page_unit_id="gn-duisburg") == {
        ("gn-duisburg", "Duisburg", "us-place-chicago")
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vila Franca do Campo (São Miguel)", "Vila Franca do Campo"),
        ("Velas de São Jorge; Tulare com Angra do Heroísmo", "Velas de São Jorge"),
        ("Horta; Gilroy com Angra do", ""),
        ("Esslingen in Baden-Württemberg", ""),
        ("Lagoa", ""),
    ],
)
def test_a_linked_name_runs_over_capitalised_words_joined_by_a_linking_word(text, expected):
    assert eu_forms.linked_name(text) == expected


def test_a_lau_town_before_a_linking_word_is_the_longer_name():
    from analysis.collect.web.matcher import NameHit

    angra = Place("Angra", "PT", "eu", None, "municipality", 9_000.0, True, None)
    city = Place("Artesia", "US", "partner", "us-artesia", "city", 16_000.0, False, "California")
    text = "Artesia com Angra do Heroísmo; Gilroy com Angra."
    first, second = text.index("Angra"), text.rindex("Angra")
    hits = [
        NameHit(0, 7, 0, 7, (1,), False),
        NameHit(first, first + 5, first, first + 5, (0,), False),
        NameHit(second, second + 5, second, second + 5, (0,), False),
    ]
    found = list(eu_forms.with_longer_names(text, hits, [angra, city], "pt"))
    assert [places[0].name for _, places in found] == ["Artesia", "Angra do Heroísmo", "Angra"]
    assert text[found[1][0].orig_start : found[1][0].orig_end] == "Angra do Heroísmo"


def test_a_partner_paired_with_an_enumeration_of_eu_places_belongs_to_each(web_detector):
    text = "Geminações: Chicago com Duisburg e Esslingen; Sheboygan com Kraków."
    found = {(side[1], side[2]) for side in _sides(web_detector, text, "pt")}
    assert {("Duisburg", "us-place-chicago"), ("Esslingen am Neckar", "us-place-chicago")} <= found
    assert ("Kraków", "us-place-chicago") not in found


def test_a_region_that_locates_a_town_in_the_enumeration_is_not_a_party(web_detector):
    text = "Esslingen in Baden-Württemberg und Sheboygan (USA) pflegen ihre Städtepartnerschaft seit über 50 Jahren."
    found = {side[1] for side in _sides(web_detector, text, "de")}
    assert found == {"Esslingen am Neckar"}


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        # the places after "with" are a list of fellow partners; the subject opens the sentence
        (
            "Esslingen pflegt seit langem Kontakte und ist verschwistert mit Arnheim, Debrecen und Chicago.",
            "de",
            {"Esslingen am Neckar"},
        ),
        # two relation terms with "with": the first list (Brno, Riga) holds no subject of the second partner
        (
            "Duisburg beendet die Städtepartnerschaften mit Brno und Riga (es gab auch eine Partnerschaft mit Memphis).",
            "de",
            {"Duisburg"},
        ),
        # the "with" word opens the sentence: its list are the objects of the relation term that follows
        ("S Krakovem a Chicagem uzavřelo Brno partnerství měst.", "cs", {"Brno"}),
    ],
)
def test_places_a_with_word_lists_after_a_relation_term_are_fellow_partners(web_detector, text, language, expected):
    sides = {side[1] for side in _sides(web_detector, text, language) if side[2] and side[2].startswith("us-")}
    assert sides == expected


def test_a_verb_between_ends_the_list_a_with_word_governs(web_detector):
    text = "Partnerystės sutartį su Čikaga pasirašė Vilnius."
    sides = {side[1] for side in _sides(web_detector, text, "lt")}
    assert "Vilnius" in sides


def test_a_place_that_opens_a_relative_clause_holding_the_partner_is_its_subject(web_detector):
    text = (
        "Les villes peuvent être jumelées avec plusieurs communes (seule exception : Riga, jumelée avec Kraków). "
        "C'est le cas de Duisburg (Allemagne), qui en a choisi trois – Brno depuis 1959 et Chicago depuis 1992."
    )
    sides = {side[1] for side in _sides(web_detector, text, "fr") if side[2] == "us-place-chicago"}
    assert sides == {"Duisburg"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("signed on Arnhem 4, 1990 in", True),
        ("signed on 4 Arnhem 1990 in", True),
        ("signed on 4. Arnhem 1990 in", True),
        ("signed in Arnhem in 1990", False),
        ("Arnhem, 4 May 1990", False),
    ],
)
def test_a_name_written_as_the_month_of_a_date_is_no_party(text, expected):
    start = text.index("Arnhem")
    hit = type("Hit", (), {"orig_start": start, "orig_end": start + len("Arnhem")})()
    assert eu_side.in_date(text, hit) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Roseto, il piccolo comune della provincia di Foggia, ha", True),
        ("a small town of the province of Foggia", True),
        ("in provincia di Foggia", True),
        ("la provincia di Foggia ha firmato", False),
    ],
)
def test_a_province_named_after_a_town_noun_only_says_where_the_town_lies(text, expected):
    from analysis.collect.web.lexicon import load_lexicon

    assert eu_side.located_in_province(text, text.index("Foggia"), load_lexicon()) is expected


def test_a_sentence_that_lists_its_pairs_clause_by_clause_ties_each_partner_to_its_own_clause(web_detector):
    text = "Em Illinois, Chicago está geminada com Duisburg; Sheboygan com Esslingen e Arnhem; e Peoria com Kraków."
    found = {(side[1], side[2]) for side in _sides(web_detector, text, "pt") if side[2] == "us-place-chicago"}
    assert found == {("Duisburg", "us-place-chicago")}


def test_the_head_of_a_with_which_clause_is_the_party_of_each_place_in_it(web_detector):
    text = "Planuojama įtraukti ir Vilnių, su kuriuo ir Brno, ir Čikaga yra pasirašę partnerystės sutartis."
    sides = {side[1] for side in _sides(web_detector, text, "lt") if side[2] == "us-place-chicago"}
    assert sides == {"Vilnius"}


def test_semicolons_that_separate_the_items_of_the_partners_list_keep_every_item_its_party(web_detector):
    text = (
        "The City of Chicago maintains sister city relationships with Brno, Czechia; Kraków, Poland and Riga, Latvia."
    )
    sides = {side[1] for side in _sides(web_detector, text, "en") if side[2] == "us-place-chicago"}
    assert sides == {"Brno", "Kraków", "Riga"}


def test_the_lines_under_a_partners_own_list_sentence_are_its_parties(web_detector):
    text = (
        "Chicago maintains sister city relationships with these cities:\n"
        "- Brno, Czech Republic (Established 1990)\n"
        "- Monterrey, Mexico (Established 1995)\n"
        "- Riga, Latvia (Established 2001)\n"
    )
    sides = {side[1] for side in _sides(web_detector, text, "en") if side[2] == "us-place-chicago"}
    assert sides == {"Brno", "Riga"}


def test_the_lines_under_a_heading_that_names_the_partner_after_its_relation_term_are_its_parties(web_detector):
    text = "Sister Cities of Chicago\nBrno, Czech Republic\nRiga, Latvia\nKraków, Poland"
    sides = {side[1] for side in _sides(web_detector, text, "en") if side[2] == "us-place-chicago"}
    assert sides == {"Brno", "Riga", "Kraków"}  # a line break parts "Latvia" from "Kraków": no person's name


def test_a_sentence_naming_an_eu_place_keeps_it_beside_the_list_the_partner_owns(web_detector):
    text = "Nicht nur für Brno, sondern auch für die anderen Partnerstädte Chicagos:\n• Riga in Lettland\n• Kraków in Polen"
    sides = {side[1] for side in _sides(web_detector, text, "de") if side[2] == "us-place-chicago"}
    assert sides == {"Brno", "Riga", "Kraków"}


def test_a_relation_term_far_from_the_partner_does_not_name_its_party(web_detector):
    text = (
        "Gründe sind das Jubiläum der Partnerschaft zwischen Duisburg und dem amerikanischen Sheboygan (Wisconsin) "
        "sowie der Besuch einer Delegation aus der polnischen Partnerstadt Kraków."
    )
    sides = {side[1] for side in _sides(web_detector, text, "de") if side[2] == "us-place-sheboygan"}
    assert sides == {"Duisburg"}


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("la Provincia di Palermo con la Contea", "it", "Provincia Palermo"),
        ("de vriendschapsband tussen de provincie Utrecht en", "nl", "provincie Utrecht"),
        ("the Province of Antwerp and", "en", "Province Antwerp"),
        ("il comune di Palermo e", "it", None),
    ],
)
def test_a_town_named_with_a_province_word_before_it_and_a_link_word_is_the_province(text, language, expected):
    name = next(n for n in ("Palermo", "Utrecht", "Antwerp") if n in text)
    town = Place(name, "IT", "eu", "gn1", "city", 600_000.0, True, None)
    start = text.index(name)
    county = eu_forms.county_place(town, text, start, start + len(name), language)
    assert (county.name if county else None) == expected
    if county is not None:
        assert eu_forms.region_key(eu_forms.name_key(county.name)) == f"{name.lower()} #province"


def test_a_name_shared_across_countries_is_the_local_place_unless_a_foreign_unit_is_far_larger():
    local = Place("Търговище", "BG", "eu", None, "municipality", 54_000.0, True, None)
    near = Place("Târgoviște", "RO", "eu", "gn1", "city", 73_000.0, True, None)
    large = Place("Vienna", "AT", "eu", "gn2", "city", 1_900_000.0, True, None)
    assert eu_forms.in_language_country((near, local), "bg") == (local,)
    assert eu_forms.in_language_country((large, local), "bg") == (large, local)


def test_the_text_topic_is_the_eu_place_named_most_often_in_the_whole_text(web_detector):
    text = (
        "The delegation first met in Brno. A further town twinning with Chicago has existed since 1994. "
        "Duisburg schools took part, the Duisburg council paid, and Duisburg will continue."
    )
    sides = {side[1] for side in _sides(web_detector, text, "en") if side[2] == "us-place-chicago"}
    assert sides == {"Duisburg"}


def test_the_place_a_title_line_names_is_the_text_topic(web_detector):
    text = (
        "Brno welcomes an American delegation\n"
        "Kraków and Riga were also visited, Kraków twice. A further town twinning with Chicago has existed since 1994."
    )
    sides = {side[1] for side in _sides(web_detector, text, "cs") if side[2] == "us-place-chicago"}
    assert sides == {"Brno"}  # a title place of the text's language (cs: Czechia)
    assert {side[1] for side in _sides(web_detector, text, "de") if side[2] == "us-place-chicago"} == {"Kraków"}


def test_a_town_noun_as_subject_of_the_neighbouring_sentence_points_back_to_the_topic(web_detector):
    text = (
        "Brno risks losing twinning status\n"
        "The Moravian city has twinning links with centres from Kraków to Riga. "
        "Four councillors are now to set off to Chicago to make amends."
    )
    sides = {side[1] for side in _sides(web_detector, text, "en") if side[2] == "us-place-chicago"}
    assert sides == {"Brno"}


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Killarney risks losing twinning status\nThe town has links.", "en", True),
        ("Killarney risks losing twinning status.\nThe town has links.", "en", False),  # a sentence, no title
        ("Killarney risks losing twinning status\nThe town has links.", "de", False),  # not a place of de countries
        ("Killarney risks losing twinning status", "en", False),  # nothing below the line
    ],
)
def test_a_name_that_opens_the_title_line_is_a_place_of_the_text_language(text, language, expected):
    hit = type("Hit", (), {"orig_start": 0, "orig_end": 9})()
    killarney = Place("Killarney", "IE", "eu", None, "municipality", 14_000.0, True, None)
    assert eu_side.titles_text(text, hit, (killarney,), language) is expected


def test_a_pair_its_own_sentence_names_outweighs_the_text_topic_without_a_page_owner(web_detector):
    text = "Brno sent a delegation to Brno's partners. One of the best sister-city pairs is Chicago and Kraków!"
    sides = {side[1] for side in _sides(web_detector, text, "en") if side[2] == "us-place-chicago"}
    assert sides == {"Kraków"}


def test_a_word_is_a_term_of_a_kind_only_as_a_whole_word_and_the_answer_is_remembered():
    from analysis.collect.web.lexicon import derived, is_term_word, load_lexicon

    lexicon = load_lexicon()
    assert is_term_word("province", "province_word", lexicon)
    assert not is_term_word("provinces of", "province_word", lexicon)
    assert not is_term_word("province", "town_word", lexicon)
    assert is_term_word("province", None, lexicon)  # a term of some kind
    assert not is_term_word("zzqx", None, lexicon)
    _, answers = derived(lexicon, ("term_words",), lambda: pytest.fail("the answers were not remembered"))
    assert answers[("province", "province_word")] is True


def _mention(text: str, name: str, level: str):
    from types import SimpleNamespace

    start = text.index(name)
    place = Place(name, "SK", "eu", None, level, 1.0, True, None)
    return SimpleNamespace(hit=SimpleNamespace(orig_start=start, orig_end=start + len(name)), places=(place,))


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Nitra 29. mája (TASR) - Nitriansky kraj nadviaže spoluprácu", {"Nitra", "Nitriansky kraj"}),
        ("Nitra: Nitriansky kraj nadviaže spoluprácu", {"Nitra", "Nitriansky kraj"}),
        ("Nitra v regióne Nitriansky kraj nadviaže spoluprácu", {"Nitra"}),  # where the town lies
    ],
)
def test_a_region_after_a_dateline_is_no_locative_qualifier_of_the_dateline_town(text, kept):
    from analysis.collect.web.discourse import without_locative_regions

    mentions = [_mention(text, "Nitra", "city"), _mention(text, "Nitriansky kraj", "county")]
    found = without_locative_regions(text, mentions, frozenset({"a"}))
    assert {m.places[0].name for m in found} == kept


def test_a_town_naming_a_school_is_no_eu_side_but_a_town_naming_a_club_is(web_detector):
    school = "The Brno Grammar School signed a sister city agreement with Chicago."
    assert not {side for side in _sides(web_detector, school, "en") if side[1] == "Brno"}
    club = "The Brno Rowing Club signed a sister city agreement with Chicago."
    assert {side[1] for side in _sides(web_detector, club, "en") if side[2] == "us-place-chicago"} == {"Brno"}


def test_the_page_owner_yields_a_partner_the_text_credits_to_another_town_by_name(web_detector):
    text = (
        "Eine Delegation aus Wuhan, der chinesischen Partnerstadt von Duisburg, besuchte das Rathaus. "
        "Die Städtepartnerschaft mit Wuhan wurde vor zehn Jahren besiegelt."
    )
    found = _sides(web_detector, text, "de", page_unit_id="gn-esslingen")
    assert found == {("gn-duisburg", "Duisburg", "cn-pref-4201")}
    alone = "Die Städtepartnerschaft mit Wuhan wurde vor zehn Jahren besiegelt."
    assert _sides(web_detector, alone, "de", page_unit_id="gn-esslingen") == {
        ("gn-esslingen", "Esslingen am Neckar", "cn-pref-4201")
    }
