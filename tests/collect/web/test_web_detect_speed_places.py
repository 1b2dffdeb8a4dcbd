"""The detector's resolution table (built in one batch, persisted), frame alternate names and LAU towns as EU sides."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.collect.web import places
from analysis.collect.web.detect import Detector


def test_partner_names_are_resolved_at_build_so_detection_never_calls_the_resolver(web_frames, monkeypatch):
    units, gazetteer = web_frames
    detector = Detector.build(units, gazetteer, lau=False)
    assert ("sheboygan", "US", "", False) in detector._resolved
    assert ("sheboygan", "US", "Wisconsin", False) in detector._resolved

    def no_resolver(keys):
        raise AssertionError(f"resolver called for {keys}")

    monkeypatch.setattr(detector, "_resolve_batch", no_resolver)
    found = detector.detect("Esslingen und Sheboygan (Wisconsin) sind Partnerstädte.", language="de")
    assert {f.partner_id for f in found} == {"us-place-sheboygan"}


def test_a_second_build_reads_the_stored_table(web_frames, monkeypatch):
    units, gazetteer = web_frames
    Detector.build(units, gazetteer, lau=False)
    monkeypatch.setattr(Detector, "_resolve_batch", lambda self, keys: pytest.fail("table not reused"))
    assert Detector.build(units, gazetteer, lau=False).resolve("Chicago", "US") == "us-place-chicago"


def test_units_with_alternate_names_are_kept_as_given():
    units = pd.DataFrame({"unit_id": ["x"], "name": ["Wien"], "alternate_names": ["Vienna"]})
    assert places.with_alternate_names(units) is units


def _lau(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["lau_id", "lau_name", "country_iso2", "nuts3", "population"])


@pytest.mark.parametrize(
    ("text", "language", "town"),
    [
        ("Sedan 1990 har Vara kommun en vänort: Sheboygan i USA.", "sv", "Vara"),
        ("Il comune di Crema ha firmato il gemellaggio con Chicago.", "it", "Crema"),
        ("Občina Mežica je podpisala listino o pobratenju s Chicagom.", "sl", "Mežica"),
    ],
)
def test_a_small_town_outside_the_frame_is_the_eu_side(web_frames, text, language, town):
    units, gazetteer = web_frames
    lau = _lau(
        ("SE_1", "Vara", "SE", "SE232", 16_000),
        ("IT_1", "Crema", "IT", "ITC4A", 34_000),
        ("SI_1", "Mežica", "SI", "SI034", 5_100),
        ("IT_2", "Borgo", "IT", "ITC4A", 900),
    )
    found = Detector.build(units, gazetteer, lau=lau).detect(text, language=language)
    assert {(f.unit_id, f.eu_place) for f in found} == {(None, town)}


def test_lau_towns_below_the_threshold_or_named_like_a_partner_are_not_eu_places(web_frames):
    units, gazetteer = web_frames
    from analysis.collect.web.lexicon import load_lexicon

    known = places.partner_places(gazetteer, load_lexicon())
    lau = _lau(("IT_2", "Borgo", "IT", "ITC4A", 900), ("ES_1", "Toledo", "ES", "ES425", 85_000))
    assert places.lau_places(known + places.eu_places(units, gazetteer, load_lexicon()), load_lexicon(), lau) == []


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "Esslingen und Sheboygan sind Partnerstädte, und dazu kommen noch diese:\nChicago (Illinois) seit 1990.",
            "de",
        ),
        ("Kraków ma miasto partnerskie Sheboygan, a od niedawna także te:\nChicago (Illinois) od roku 1990.", "pl"),
        (
            "Esslingen is twinned with Sheboygan and, since then, with the following:\nChicago (Illinois) since 1990.",
            "en",
        ),
    ],
)
def test_a_line_after_a_lead_in_ending_with_a_colon_borrows_its_relation_term(web_detector, text, language):
    found = [f for f in web_detector.detect(text, language=language) if f.partner_id == "us-place-chicago"]
    assert found and "in a neighbouring sentence" in found[0].rule


def test_a_line_after_a_sentence_with_a_partner_and_no_colon_does_not_borrow(web_detector):
    text = "Esslingen und Sheboygan sind Partnerstädte.\nChicago (Illinois) hat einen Flughafen."
    assert not [f for f in web_detector.detect(text, language="de") if f.partner_id == "us-place-chicago"]


def _with_places(gazetteer: pd.DataFrame, *rows) -> pd.DataFrame:
    extra = gazetteer.iloc[[0] * len(rows)].copy()
    for column, values in zip(
        ["partner_id", "name", "country_iso2", "level", "admin1_name", "population"],
        zip(*rows, strict=True),
        strict=True,
    ):
        extra[column] = list(values)
    extra["alternate_names"] = ""
    return pd.concat([gazetteer, extra], ignore_index=True)


@pytest.fixture(scope="module")
def small_places_detector(web_frames):
    units, gazetteer = web_frames
    gazetteer = _with_places(
        gazetteer,
        ("us-place-solvang", "Solvang", "US", "city", "California", 6_000),
        ("us-place-house", "House", "US", "city", "New Mexico", 70),
        ("cn-city-xiuzhou", "Xiuzhou", "CN", "district", "Zhejiang", 50_000),
    )
    return Detector.build(units, gazetteer, lau=False)


@pytest.mark.parametrize(
    ("text", "language", "partner"),
    [
        (
            "Esslingen und Solvang sind Partnerstädte, seit die amerikanische Delegation 1990 kam.",
            "de",
            "us-place-solvang",
        ),
        ("Esslingen is twinned with Solvang, a Danish settlement in the United States.", "en", "us-place-solvang"),
        (
            "Esslingen e Xiuzhou são cidades geminadas desde que as autoridades chinesas vieram.",
            "pt",
            "cn-city-xiuzhou",
        ),
        ("Esslingen und Xiuzhou sind Partnerstädte, genau wie Esslingen und Shanghai.", "de", "cn-city-xiuzhou"),
    ],
)
def test_a_small_place_counts_when_its_sentence_names_its_country_and_a_twin_term(
    small_places_detector, text, language, partner
):
    assert partner in {f.partner_id for f in small_places_detector.detect(text, language=language)}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Esslingen und Solvang: die amerikanische Delegation kam 1990.", "de"),  # no twin term
        ("Esslingen is twinned with the House of the United States delegation.", "en"),  # a hamlet named like a word
        ("Esslingen and Solvangs are twinned, said the American delegation.", "en"),  # not as written
    ],
)
def test_a_small_place_without_a_twin_term_a_tiny_one_or_an_inflected_one_does_not(
    small_places_detector, text, language
):
    found = {f.partner_id for f in small_places_detector.detect(text, language=language)}
    assert not found & {"us-place-solvang", "us-place-house"}


@pytest.mark.parametrize(
    "text",
    [
        "Esslingen hat seit 1965 zwei Städtepartnerschaften. Mit\nder Stadt Vienne (Frankreich) und zuletzt Chicago\n"
        "(Illinois) besteht eine solche Verbindung.",
        "Esslingen is twinned with two towns. With\nthe town of Vienne in France and, since 1990, with Chicago\n"
        "(Illinois) it keeps close ties.",
    ],
)
def test_a_hard_wrapped_sentence_is_read_as_one(web_detector, text):
    found = {(f.unit_id, f.partner_id) for f in web_detector.detect(text, language=None)}
    assert ("gn-esslingen", "us-place-chicago") in found


def test_list_lines_without_punctuation_are_not_joined(web_detector):
    text = "Unsere Partnerstädte\nVienne (Frankreich)\nChicago (Illinois)\nSheboygan (Wisconsin)"
    found = {f.partner_id for f in web_detector.detect(text, language="de", page_unit_id="gn-esslingen")}
    assert found == {"us-place-chicago", "us-place-sheboygan"}


@pytest.fixture(scope="module")
def town_detector(web_frames):
    units, gazetteer = web_frames
    lau = _lau(("SE_1", "Vara", "SE", "SE232", 16_000), ("IT_1", "Crema", "IT", "ITC4A", 34_000))
    return Detector.build(units, gazetteer, lau=lau)


@pytest.mark.parametrize(
    ("text", "language", "town"),
    [
        ("Crema. Il consiglio comunale ha approvato il gemellaggio con Chicago.", "it", "Crema"),
        ("Vara kommun avslutar vänortssamarbetet med Sheboygan i USA.", "sv", "Vara"),
        ("Vara – Kommunen har en vänort i USA: Sheboygan.", "sv", "Vara"),
    ],
)
def test_a_sentence_initial_town_counts_as_a_dateline_or_before_a_municipal_word(town_detector, text, language, town):
    assert {f.eu_place for f in town_detector.detect(text, language=language)} == {town}


def test_a_sentence_initial_town_name_followed_by_an_ordinary_word_is_not_a_place(town_detector):
    assert not town_detector.detect("Vara vi stolta över vänorten Sheboygan i USA?", language="sv")


def test_a_sentence_initial_county_is_a_place(town_detector):
    found = town_detector.detect("Laois and Sheboygan in Wisconsin signed a twinning charter in 2008.", language="en")
    assert {(f.eu_place, f.partner_id) for f in found} == {("Laois", "us-place-sheboygan")}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Esslingen hat ein Partnerschaftsabkommen mit der Stadt Wuhan in der Provinz Hubei unterzeichnet.", "de"),
        ("Kraków podpisał umowę partnerską z miastem Wuhan w prowincji Hubei.", "pl"),
        ("Esslingen signed a twinning agreement with the city of Sheboygan in the State of Wisconsin.", "en"),
    ],
)
def test_a_state_or_province_that_locates_a_partner_city_is_not_a_second_partner(web_detector, text, language):
    found = {f.partner_id for f in web_detector.detect(text, language=language)}
    assert found and not found & {"cn-prov-42", "us-state-wi"}
    assert all(not pid.startswith(("cn-prov", "us-state")) for pid in found)


def test_a_status_word_far_from_the_partner_and_the_relation_term_is_about_something_else(web_detector):
    far = (
        "Esslingen ist seit 1965 Partnerstadt von Sheboygan, und bei dem Besuch der Delegation aus dem Rathaus, "
        "der Musikschule, den Vereinen und der Feuerwehr wurden Konzerte, Führungen und ein Empfang geplant."
    )
    near = "Esslingen plant eine Städtepartnerschaft mit Sheboygan."
    assert {f.status for f in web_detector.detect(far, language="de")} == {"established"}
    assert {f.status for f in web_detector.detect(near, language="de")} == {"planned"}
