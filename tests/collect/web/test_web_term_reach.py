"""Whether the relation term chosen for a partner reaches it (:mod:`analysis.collect.web.term_reach`)."""

import pytest


def _partners(detector, text: str, language: str) -> set[str]:
    return {f.partner_id for f in detector.detect(text, language=language)}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Esslingen empfing Gäste aus Shanghai und der chinesischen Partnerstadt Wuhan.", "de"),
        ("Shanghai liegt nicht weit von Esslingens Partnerstadt Wuhan.", "de"),
        ("Esslingen welcomed a delegation from the partner city Wuhan, led by a mayor from Shanghai.", "en"),
    ],
)
def test_a_relation_term_that_titles_another_partner_is_not_this_places(web_detector, text, language):
    found = _partners(web_detector, text, language)
    assert "cn-pref-3101" not in found and "cn-pref-4201" in found


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Esslingen und seine Partnerstädte Wuhan und Shanghai laden ein.", "de"),
        ("Esslingen hat die Partnerstädte Wuhan, Shanghai.", "de"),
        (
            "Seit 1990 besteht die Städtepartnerschaft zwischen Esslingen und Shanghai sowie der Partnerstadt Wuhan.",
            "de",
        ),
    ],
)
def test_a_name_enumerated_with_the_titled_partner_or_with_its_own_term_stays_a_partner(web_detector, text, language):
    assert "cn-pref-3101" in _partners(web_detector, text, language)


def test_a_venue_takes_no_relation_term_lent_by_a_neighbouring_sentence(web_detector):
    text = "Esslingen pflegt seit 1990 eine Städtepartnerschaft. Die Feier fand in Wuhan statt."
    assert "cn-pref-4201" not in _partners(web_detector, text, "de")


def test_a_partner_named_without_a_locative_preposition_still_takes_a_lent_term(web_detector):
    text = "Esslingen pflegt seit 1990 eine Städtepartnerschaft. Sie verbindet die Stadt mit Wuhan."
    assert "cn-pref-4201" in _partners(web_detector, text, "de")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Esslingen is twinned with Wuhan since a visit by the mayor of Shanghai.", False),
        ("Esslingen is twinned with Wuhan and Shanghai.", True),
        ("Esslingen is twinned with Wuhan, Shanghai.", True),
    ],
)
def test_a_name_past_the_terms_first_partner_needs_a_coordination(web_detector, text, expected):
    found = _partners(web_detector, text, "en")
    assert "cn-pref-4201" in found and ("cn-pref-3101" in found) == expected
