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
    """The test detector with two Oaklands (a large one in California, a small one in Maryland)."""
    from analysis.collect.web.detect import Detector

    units, gazetteer = web_frames
    extra = pd.DataFrame(
        {
            "partner_id": ["us-place-oakland-ca", "us-place-oakland-md", "us-state-ca", "us-state-md"],
            "name": ["Oakland", "Oakland", "California", "Maryland"],
            "country_iso2": "US",
            "level": ["city", "city", "state", "state"],
            "admin1_name": ["California", "Maryland", "California", "Maryland"],
            "admin1_code": ["CA", "MD", "CA", "MD"],
            "population": pd.array([430_000, 1_800, None, None], dtype="Int64"),
            "alternate_names": "",
            "source": "test",
        }
    )
    return Detector.build(units, pd.concat([gazetteer, extra], ignore_index=True), lau=False)


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
