"""A "respectively" sentence pairs the n-th EU place with the n-th partner (:mod:`...web.respectively`)."""

import pytest


def _pairs(detector, text: str, language: str) -> set[tuple[str, str]]:
    return {(f.unit_id, f.partner_id) for f in detector.detect(text, language=language)}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Esslingen and Duisburg are twinned with Sheboygan and Chicago respectively.", "en"),
        ("Esslingen e Duisburg sono gemellate rispettivamente con Sheboygan e Chicago.", "it"),
        ("Esslingen en Duisburg hebben met de respectievelijke zustersteden Sheboygan en Chicago banden.", "nl"),
    ],
)
def test_a_respectively_sentence_pairs_places_in_order(web_detector, text, language):
    pairs = _pairs(web_detector, text, language)
    assert ("gn-esslingen", "us-place-chicago") not in pairs
    assert ("gn-duisburg", "us-place-sheboygan") not in pairs
    assert {("gn-esslingen", "us-place-sheboygan"), ("gn-duisburg", "us-place-chicago")} <= pairs


def test_without_respectively_every_place_is_paired(web_detector):
    pairs = _pairs(web_detector, "Esslingen and Duisburg are twinned with Sheboygan and Chicago.", "en")
    assert ("gn-esslingen", "us-place-chicago") in pairs
