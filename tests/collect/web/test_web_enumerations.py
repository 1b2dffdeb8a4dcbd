"""Enumerations and the attribution rules of session 20 (issue 9): a conjunction with a type word joins a list, a
language's own conjunctions, EU places listed abroad on an owner's page, a province word after a located name, a
"with" word after a "between" pair, the party a relation term names after an enumeration."""

from __future__ import annotations

from analysis.collect.web import chains, eu_side
from analysis.collect.web.lexicon import load_lexicon


def _pairs(detector, text: str, language: str, **kwargs) -> set[tuple]:
    return {(f.eu_place, f.partner_name) for f in detector.detect(text, language=language, **kwargs)}


def test_a_conjunction_with_an_article_and_a_town_word_joins_two_places():
    words = chains.conjunctions(load_lexicon())
    assert chains._joins(" et la ville de ", words)
    assert chains._joins(" and the city of ", words)
    assert not chains._joins(" la ville de ", words)  # no conjunction: an apposition, not a list
    assert not chains._joins(" et le maire de ", words)  # "maire" is no town word


def test_a_conjunction_of_one_language_joins_only_in_that_language():
    lexicon = load_lexicon()
    assert chains._joins(" a město ", chains.conjunctions(lexicon, "cs"))  # "and the town (of)"
    assert not chains._joins(" a cidade de ", chains.conjunctions(lexicon, "pt"))  # "to the town of"
    assert chains._joins(" in mesto ", chains.conjunctions(lexicon, "sl"))
    assert not chains._joins(" in the city of ", chains.conjunctions(lexicon, "en"))


def test_both_places_of_a_typed_enumeration_take_the_tie(web_detector):
    text = "La région Łódzkie et la ville de Łódź ont noué des liens de jumelage avec Wuhan."
    found = _pairs(web_detector, text, "fr")
    assert {("Łódzkie", "Wuhan"), ("Łódź", "Wuhan")} <= found


def test_a_place_named_with_its_foreign_country_on_an_owner_page_is_a_fellow_partner(web_detector):
    text = "Město Brno spolupracuje s městy Chicagem (USA) a Arnhemem (Nizozemsko) od roku 2012."
    owned = _pairs(web_detector, text, "cs", page_unit_id="gn-brno")
    assert ("Brno", "Chicago") in owned
    assert not {pair for pair in owned if pair[0] == "Arnhem"}


def test_a_province_word_after_a_located_name_marks_where_a_place_lies():
    lexicon = load_lexicon()
    text = "the town of Panni in the Foggia province of Italy"
    hit = type("Hit", (), {"orig_start": text.index("Foggia"), "orig_end": text.index("Foggia") + 6})()
    assert eu_side.province_after(text, hit, lexicon)
    text = "the Foggia province signed a twinning"
    hit = type("Hit", (), {"orig_start": text.index("Foggia"), "orig_end": text.index("Foggia") + 6})()
    assert not eu_side.province_after(text, hit, lexicon)


def test_a_with_word_after_a_between_pair_makes_the_partner_its_object(web_detector):
    text = "De banden tussen Arnhem en Duisburg met de zustersteden Wuhan en Chicago zijn sterk."
    found = _pairs(web_detector, text, "nl")
    assert {("Arnhem", "Chicago"), ("Duisburg", "Chicago")} <= found  # not the "between" pair's first place alone


def test_an_enumeration_before_the_relation_term_gives_way_to_the_party_it_names(web_detector):
    text = "Chicago, Arnhem und Kraków sind Partnerstädte von Duisburg."
    found = _pairs(web_detector, text, "de")
    assert ("Duisburg", "Chicago") in found
    assert ("Arnhem", "Chicago") not in found


def test_the_text_topic_is_a_place_of_the_texts_own_country_when_it_names_one():
    from analysis.collect.web.discourse import text_topic
    from analysis.collect.web.places import Place

    def mention(name, country):
        return type("M", (), {"places": (Place(name, country, "eu", None, "city", 1.0, True, None),)})()

    arnhem, passau, passau_again, lucca = (
        mention("Arnhem", "NL"),
        mention("Passau", "DE"),
        mention("Passau", "DE"),
        mention("Lucca", "IT"),
    )
    mentions = [arnhem, passau, passau_again, lucca]
    assert text_topic(mentions) is passau  # named most often
    assert text_topic(mentions, frozenset({"IT"})) is lucca  # an Italian text is about its Italian place
    assert text_topic([arnhem, passau], frozenset({"IT"})) is arnhem  # no Italian place: the first named
