"""Attribution classes beyond one sentence (issue 9, session 17): whole-country regions, places named only as where
another lies, list items, and how far a neighbouring sentence's relation term may lend itself."""

from __future__ import annotations

import pytest

from analysis.collect.web import eu_side
from analysis.collect.web.lexicon import load_lexicon
from analysis.collect.web.places import Place


def _pairs(detector, text: str, language: str) -> set[tuple]:
    return {(f.eu_place, f.partner_name) for f in detector.detect(text, language=language)}


def test_a_region_that_is_a_whole_country_is_the_country():
    estonia = Place("Eesti", "EE", "eu", "EE00", "region", 0.0, True, None)
    aland = Place("Åland", "FI", "eu", "FI20", "region", 0.0, True, None)
    assert eu_side.whole_country(estonia)
    assert not eu_side.whole_country(aland)


def test_a_place_after_a_locative_and_a_province_word_only_says_where_another_lies():
    lexicon = load_lexicon()
    for text, name in [
        ("Rose in provincia di Cosenza e Morra", "Cosenza"),
        ("a village in the province of Antwerp", "Antwerp"),
        ("ein Dorf in der Provinz Limburg", "Limburg"),
    ]:
        assert eu_side.located_in_province(text, text.index(name), lexicon), text
    for text, name in [("La provincia di Cosenza firma", "Cosenza"), ("twinned with Antwerp", "Antwerp")]:
        assert not eu_side.located_in_province(text, text.index(name), lexicon), text


def test_the_located_place_takes_no_tie(web_detector):
    text = "Due paesi in provincia di Arnhem sono ora ufficialmente gemellati con Chicago."
    assert not {pair for pair in _pairs(web_detector, text, "it") if pair[0] == "Arnhem"}
    assert ("Arnhem", "Chicago") in _pairs(web_detector, "Arnhem è ora ufficialmente gemellata con Chicago.", "it")


def test_a_weak_relation_word_two_sentences_away_lends_nothing(web_detector):
    far = (
        "China ist der wichtigste Partner der Stadt Duisburg. Beide Seiten haben in der Bildung eng gearbeitet. "
        "Duisburg freut sich auf die Teilnahme von Wuhan."
    )
    assert _pairs(web_detector, far, "de") == set()
    near = "China ist der wichtigste Partner der Stadt Duisburg. Duisburg freut sich auf die Teilnahme von Wuhan."
    twin = (
        "Duisburg ist seit 1982 Partnerstadt. Beide Seiten haben in der Bildung eng gearbeitet. "
        "Duisburg freut sich auf die Teilnahme von Wuhan."
    )
    assert ("Duisburg", "Wuhan") in _pairs(web_detector, twin, "de")
    assert _pairs(web_detector, near, "de") <= {("Duisburg", "Wuhan")}


def test_an_eu_place_among_the_list_items_is_a_fellow_partner_not_the_owner(web_detector):
    listed = "Unsere Stadt hat diese Partnerstädte:\nAthen (Griechenland)\nChicago (USA)\nToronto (Kanada)\n"
    assert _pairs(web_detector, listed, "de") == set()
    owner = "Athen hat diese Partnerstädte:\nChicago (USA)\nToronto (Kanada)\n"
    assert _pairs(web_detector, owner, "de") == {("Athens", "Chicago")}


def test_the_place_a_relation_term_names_as_its_party_outweighs_a_pair_after_between(web_detector):
    text = "Der neue Flug zwischen Duisburg und Wuhan, der chinesischen Partnerstadt von Arnhem, startet heute."
    assert _pairs(web_detector, text, "de") == {("Arnhem", "Wuhan")}
    plain = "Die Partnerschaft zwischen Duisburg und Wuhan besteht seit 1982."
    assert _pairs(web_detector, plain, "de") == {("Duisburg", "Wuhan")}


def test_a_partner_named_as_a_reference_point_outside_or_near_which_another_lies_is_no_partner(web_detector):
    for text, language in [
        ("Duisburg vill inleda ett vänortsutbyte med Wuhan som ligger 16 mil utanför Shanghai.", "sv"),
        ("Duisburg schenkt der Partnerstadt Wuhan, unweit von Shanghai, einen Spielplatz.", "de"),
    ]:
        assert {pair[1] for pair in _pairs(web_detector, text, language)} == {"Wuhan"}, text


def test_eu_places_enumerated_before_their_shared_partner_are_all_its_pair(web_detector):
    text = "Städtepartnerschaften: Kraków mit Wuhan, sowie Esslingen und Duisburg mit Chicago."
    assert _pairs(web_detector, text, "de") == {
        ("Kraków", "Wuhan"),
        ("Esslingen am Neckar", "Chicago"),
        ("Duisburg", "Chicago"),
    }


def test_a_list_item_qualified_by_another_country_is_no_us_or_chinese_partner(web_detector):
    listed = (
        "Duisburg hat diese Partnerstädte:\n • Memphis, Ägypten\n • Chicago, Illinois, USA\n • Vienne (Frankreich)\n"
    )
    assert {pair[1] for pair in _pairs(web_detector, listed, "de")} == {"Chicago"}
    for country in ("Vereinigte Staaten", "Illinois"):
        assert {pair[1] for pair in _pairs(web_detector, listed.replace("Ägypten", country), "de")} == {
            "Chicago",
            "Memphis",
        }


def test_a_news_agency_credited_in_the_dateline_is_no_partner(web_detector):
    text = "BERLIN, May 18 (Wuhan) -- Chicago and Duisburg have signed an agreement on a sister city relationship."
    assert _pairs(web_detector, text, "en") == {("Duisburg", "Chicago")}
    listed = "Duisburg (Wuhan) – sister city since 1982."
    assert ("Duisburg", "Wuhan") in _pairs(web_detector, listed, "en")


def test_a_place_name_that_is_a_persons_surname_in_an_apposition_is_no_eu_side(web_detector):
    text = (
        "Chicago is the sister city of Brno. The mayor of Chicago, Anna Debrecen, said: the twinning with Brno lasts."
    )
    assert {eu for eu, _ in _pairs(web_detector, text, "en")} == {"Brno"}
    listed = "The sister cities of Chicago are Krakow, Brno, Debrecen and Vilnius."
    assert {eu for eu, _ in _pairs(web_detector, listed, "en")} >= {"Brno", "Debrecen"}


def test_a_region_that_qualifies_towns_is_no_party():
    from types import SimpleNamespace

    lexicon = load_lexicon()
    region = Place("Lappi", "FI", "eu", "FI1D7", "region", 0.0, True, None)
    town = Place("Lappi", "FI", "eu", "FI-976", "municipality", 0.0, True, None)

    def qualifies(text, name, places=(region,)):
        start = text.index(name)
        return eu_side.qualifies_towns(
            text, SimpleNamespace(orig_start=start, orig_end=start + len(name)), places, lexicon
        )

    assert qualifies("yhteistyökumppaneita Lapin kaupungeista", "Lapi")
    assert qualifies("The Lappi town has twinning links", "Lappi")
    assert qualifies("les villes de la Lappi cherchent", "Lappi")
    assert not qualifies("The Lappi region has twinning links", "Lappi")
    assert not qualifies("the city of Lappi is twinned", "Lappi")
    assert not qualifies("The Lappi town has twinning links", "Lappi", (region, town))


def test_an_inflected_place_name_before_a_surname_in_the_same_case_is_a_given_name():
    from types import SimpleNamespace

    from analysis.collect.web import lookalike

    town = (Place("Jarosław", "PL", "eu", None, "municipality", 0.0, True, None),)

    def person(text, form):
        start = text.index(form)
        hit = SimpleNamespace(orig_start=start, orig_end=start + len(form))
        return lookalike.person_name(text, hit, town, [], "pl")

    assert person("rzeźba autorstwa Jarosława Borka z akademii", "Jarosława")
    assert not person("wizyta w Jarosławiu Nowak przyjechał", "Jarosławiu")
    assert not person("Jarosław Borek z akademii", "Jarosław")
    assert not person("współpraca z Jarosławem. Nowa umowa", "Jarosławem")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("el alcalde, Enrique Toledo, realizó la firma", True),
        ("el alcalde, Enrique Toledo Sosa, realizó la firma", True),  # a second surname
        ("o presidente (Ana Toledo Silva) recebeu", True),
        ("el alcalde de Toledo, Enrique, realizó la firma", False),
        ("el alcalde, Enrique Toledo Sosa Ruiz, realizó", False),  # no place name runs into three more words
    ],
)
def test_a_one_word_eu_name_between_a_given_name_and_a_comma_is_a_surname(text, expected):
    from types import SimpleNamespace

    from analysis.collect.web import lookalike

    town = (Place("Toledo", "ES", "eu", None, "municipality", 0.0, True, None),)
    start = text.index("Toledo")
    hit = SimpleNamespace(orig_start=start, orig_end=start + len("Toledo"))
    assert lookalike.person_name(text, hit, town, [], "es") is expected


@pytest.mark.parametrize(
    ("text", "form", "language", "expected"),
    [
        ("hat Landrat Dr. Rainer Haas kürzlich empfangen", "Rainer", "de", True),  # a title and a given name
        ("Eric Raoult, maire du Raincy (France), a signé", "du Raincy", "fr", False),  # the town by its article
        ("der Landrat des Kreises Rheine empfing", "Rheine", "de", False),  # no title right before the name
    ],
)
def test_an_eu_name_right_after_a_title_is_a_person(text, form, language, expected):
    from types import SimpleNamespace

    from analysis.collect.web import lookalike

    town = (Place("Rheine", "DE", "eu", "gn-rheine", "city", 76_000.0, True, None),)
    start = text.index(form)
    hit = SimpleNamespace(orig_start=start, orig_end=start + len(form), inflected=False)
    assert lookalike.person_name(text, hit, town, [], language) is expected


def test_a_country_word_read_as_a_us_town_pairs_no_clause_of_a_semicolon_list():
    from types import SimpleNamespace

    from analysis.collect.web.eu_side import subject_candidates
    from analysis.collect.web.lexicon import load_lexicon

    text = "Fountain Hills maintains Sister City relationships with Dierdorf, Germany; Ataco and Zamosc, Poland."

    def mention(name, role):
        start = text.index(name)
        hit = SimpleNamespace(orig_start=start, orig_end=start + len(name), start=start, end=start + len(name))
        return SimpleNamespace(hit=hit, role=role, places=())

    partner = mention("Fountain Hills", "partner")
    mentions = [partner, mention("Dierdorf", "eu"), mention("Zamosc", "eu"), mention("Poland", "partner")]
    segment = SimpleNamespace(start=0, end=len(text), heading=None)
    found = subject_candidates(text, segment, mentions, partner, load_lexicon())
    assert [text[m.hit.orig_start : m.hit.orig_end] for m in found] == ["Dierdorf", "Zamosc"]
