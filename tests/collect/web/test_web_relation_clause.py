"""A weak relation term (relation, contact, tie or partnership noun) counts without a municipal word when the EU
place and the partner are its named parties in one clause (:mod:`analysis.collect.web.relation_clause`)."""

import pytest


def _partners(detector, text: str, language: str) -> set[str]:
    return {f.partner_id for f in detector.detect(text, language=language)}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # the EU place is the subject, the partner the term's object
        ("Esslingen, which has close ties with Wuhan, hosted the fair.", "en"),
        ("Esslingen pflegt seit Jahren eine Partnerschaft mit Wuhan.", "de"),
        # the partner is the subject, the EU place the object
        ("Wuhan suspended all contacts with Esslingen last year.", "en"),
        # a coordinated subject
        ("Esslingen und Wuhan unterhalten seit 1987 eine partnerschaftliche Verbindung.", "de"),
    ],
)
def test_a_weak_term_whose_parties_are_the_two_places_counts(web_detector, text, language):
    assert _partners(web_detector, text, language) == {"cn-pref-4201"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # the place only qualifies the subject (a preposition before it, an organisation's head noun after it)
        ("A firm from Esslingen has close ties with Wuhan.", "en"),
        ("Esslingen University has close ties with Wuhan.", "en"),
        # too far from the term, or in another clause
        ("Esslingen reported that several local firms now maintain very close ties with Wuhan.", "en"),
        ("Esslingen hosted the fair; local firms have ties with Wuhan.", "en"),
    ],
)
def test_a_weak_term_without_its_two_places_as_parties_needs_a_municipal_word(web_detector, text, language):
    assert _partners(web_detector, text, language) == set()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("De gemeente Esslingen heeft een relatie met Wuhan.", "nl"),
        ("Miasto Esslingen utrzymuje kontakty z Wuhan.", "pl"),
        ("Město Esslingen udržuje vztah s Wuhanem.", "cs"),
        ("A cidade de Esslingen mantém uma relação com Wuhan.", "pt"),
    ],
)
def test_relation_and_contact_nouns_with_a_municipal_party_state_a_cooperation(web_detector, text, language):
    assert _partners(web_detector, text, language) == {"cn-pref-4201"}


def test_the_pairs_of_an_elliptic_enumeration_are_the_parties_of_the_term_before_them(web_detector):
    text = "Esslingen pflegt eine Partnerschaft mit Chicago, Duisburg mit Wuhan."
    found = {(f.eu_place, f.partner_id) for f in web_detector.detect(text, language="de")}
    assert ("Duisburg", "cn-pref-4201") in found


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # the relation noun alone, its preposition fronted in a relative clause
        ("Die Stadt Esslingen lud Gäste aus Wuhan ein, mit dem sie seit 1990 Beziehungen pflegt.", "de"),
        # a Romance adjective between the relation noun and its preposition
        ("La ciudad de Esslingen mantiene lazos estrechos con Wuhan.", "es"),
        # befriended: a weak friendship word whose two places are a coordinated subject
        ("Esslingen en Wuhan bevriend door de oorlog.", "nl"),
    ],
)
def test_relation_nouns_in_their_other_constructions_state_a_tie(web_detector, text, language):
    assert _partners(web_detector, text, language) == {"cn-pref-4201"}
