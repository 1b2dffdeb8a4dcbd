"""A place named in an organisation's, building's or venue's name is no party of the relation term
(:mod:`analysis.collect.web.relation_parties`)."""

import pytest


def _partners(detector, text: str, language: str) -> set[str]:
    return {f.partner_id for f in detector.detect(text, language=language)}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Esslingen Golf Club is twinned with Chicago Golf Club.", "en"),
        ("Nel quadro del gemellaggio, i ragazzi della Milford School di Chicago sono stati ospiti a Esslingen.", "it"),
        ("Die Delegation aus Esslingen landete zur Städtepartnerschaft am Flughafen Chicago.", "de"),
        ("Esslingen signed a partnership agreement with the University of Chicago.", "en"),
    ],
)
def test_a_place_that_names_an_organisation_or_venue_is_no_partner(web_detector, text, language):
    assert _partners(web_detector, text, language) == set()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Esslingen is twinned with Chicago.", "en"),
        ("The Chicago Sister City Association welcomed a delegation from Esslingen.", "en"),
        ("Die Delegation reiste mit dem Verein Esslingen-Chicago zur Städtepartnerschaft.", "de"),
        ("Die Universität von Chicago, der Partnerstadt von Esslingen, lud ein.", "de"),
    ],
)
def test_a_place_the_relation_term_or_the_pair_names_stays_a_party(web_detector, text, language):
    assert _partners(web_detector, text, language) == {"us-place-chicago"}
