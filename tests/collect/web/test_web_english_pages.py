"""English local news: a town opening the sentence as the subject of its twinning; newspaper state abbreviations
(issue 9, session 18, round 2)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.collect.web.detect import Detector

LAU = pd.DataFrame(
    [("IE_1", "Naas", "IE", "IE062", 20_000), ("FR_1", "Lens", "FR", "FRE11", 31_000)],
    columns=["lau_id", "lau_name", "country_iso2", "nuts3", "population"],
)


@pytest.fixture(scope="module")
def detector(web_frames):
    units, gazetteer = web_frames
    return Detector.build(units, gazetteer, lau=LAU)


@pytest.mark.parametrize(
    "text",
    [
        "Naas is twinned with Chicago.",
        "Naas has long been twinned with Chicago.",
        "Naas's sister city is Chicago.",
        "Naas, twinned with Chicago since 1990, hosts the festival.",
    ],
)
def test_a_town_of_the_text_language_opening_the_sentence_as_subject_of_its_twinning_is_the_eu_side(detector, text):
    assert {(f.eu_place, f.partner_name) for f in detector.detect(text, language="en")} == {("Naas", "Chicago")}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Lens is twinned with Chicago.", "en"),  # a French town in English text: a capitalised word, not the subject
        ("Naas hosted the Mayor of Chicago at the twinning dinner.", "en"),  # the term is far from the name
        ("Naas is twinned with Chicago.", "de"),  # an Irish town in German text
    ],
)
def test_a_sentence_initial_name_far_from_the_term_or_foreign_to_the_language_is_no_subject(detector, text, language):
    assert not [f for f in detector.detect(text, language=language) if f.eu_place in ("Naas", "Lens")]


@pytest.mark.parametrize(
    ("text", "language", "eu_place"),
    [
        ("Naas will soon be twinned with Chicago.", "en", "Naas"),  # modal and adverb before the passive
        ("Lens va se jumeler avec Chicago.", "fr", "Lens"),  # future auxiliary and reflexive pronoun
        ("Lens s'est jumelée avec Chicago.", "fr", "Lens"),  # the reflexive perfect
    ],
)
def test_a_town_opening_the_sentence_is_the_subject_across_modal_and_reflexive_words(
    detector, text, language, eu_place
):
    assert eu_place in {f.eu_place for f in detector.detect(text, language=language)}


def test_a_name_inside_a_country_epithet_is_no_place(web_frames):
    units, gazetteer = web_frames
    lau = pd.DataFrame(
        [("DE_1", "Mitte", "DE", "DE300", 100_000)],
        columns=["lau_id", "lau_name", "country_iso2", "nuts3", "population"],
    )
    detector = Detector.build(units, gazetteer, lau=lau)
    text = "Wie eng Duisburg mit dem Reich der Mitte verbunden ist, zeigt die Partnerstadt Wuhan."
    assert {f.eu_place for f in detector.detect(text, language="de")} == {"Duisburg"}


def test_a_newspaper_state_abbreviation_after_a_small_town_makes_it_a_us_partner(detector):
    bare = detector.detect("The town of Naas is twinned with Worthington.", language="en")
    assert not bare
    found = detector.detect("The town of Naas is twinned with Worthington, Minn., since 1990.", language="en")
    assert {(f.eu_place, f.partner_name, f.partner_country_iso2) for f in found} == {("Naas", "Worthington", "US")}


def test_a_small_us_town_is_the_partner_of_an_eu_town_the_text_names_with_its_country(web_frames):
    units, gazetteer = web_frames
    detector = Detector.build(
        units, gazetteer, lau=pd.DataFrame([("PL_1", "Ziębice", "PL", "PL518", 17_000)], columns=LAU.columns)
    )
    text = "Since 1996, Worthington has maintained a sister city relationship with Ziebice, Poland."
    found = detector.detect(text, language="en")
    assert {(f.eu_place, f.partner_name) for f in found} == {("Ziębice", "Worthington")}
    assert not detector.detect(
        "Since 1996, Worthington has maintained a sister city relationship with Ziebice.", language="en"
    )
    # the text names the EU town with its country elsewhere, and the sentence pairs the two towns
    text = "The mayor of Ziebice, Poland, came. The sister city relationship between Worthington and Ziebice is old."
    assert {(f.eu_place, f.partner_name) for f in detector.detect(text, language="en")} == {("Ziębice", "Worthington")}
    text = "The mayor of Ziebice, Poland, came. Worthington hosted the sister city festival of Ziebice."
    assert not detector.detect(text, language="en")  # not paired in the sentence


@pytest.mark.parametrize("state", [", OH,", " (OH)", ", N.Y.,"])
def test_a_postal_code_or_an_ap_abbreviation_after_a_small_town_makes_it_a_us_partner(detector, state):
    found = detector.detect(f"The town of Naas is twinned with Worthington{state} since 1990.", language="en")
    assert {(f.eu_place, f.partner_name, f.partner_country_iso2) for f in found} == {("Naas", "Worthington", "US")}


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("Athens, Ga., and", 6, "GA"),  # an AP form that is also a word stands for its state after a place name
        ("Rome, N.Y.", 4, "NY"),
        ("Charleston, W. Va.", 10, "WV"),
        ("Springfield (IL)", 11, "IL"),
        ("Rome, EU", 4, None),  # two capitals that are no state's code
        ("Paris, Gap", 5, None),  # a longer word that starts like an abbreviation
        ("Paris. Ind. is", 5, None),  # no comma or parenthesis: no state of the name
    ],
)
def test_the_state_written_right_after_a_name(text, end, expected):
    from analysis.collect.web.us_style import state_after

    assert state_after(text, end, frozenset({"GA", "NY", "WV", "IL"})) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Students from Worthington's sister city of Naas arrived on Sunday.",
        "Worthington’s Irish sister city, Naas, sent a delegation.",
    ],
)
def test_the_possessor_of_a_sister_city_noun_is_the_us_partner(detector, text):
    found = detector.detect(text, language="en")
    assert {(f.eu_place, f.partner_name, f.partner_country_iso2) for f in found} == {("Naas", "Worthington", "US")}


@pytest.mark.parametrize(
    "text",
    [
        "Mayor Worthington's sister city visit took him to Naas.",  # a title before the name: a person
        "Worthington hosted the sister city delegation from Naas.",  # no possessive
    ],
)
def test_a_person_or_a_plain_subject_before_the_relation_noun_is_no_possessor_town(detector, text):
    assert not detector.detect(text, language="en")


@pytest.fixture(scope="module")
def county_detector(web_frames):
    units, gazetteer = web_frames
    county = gazetteer.iloc[:1].assign(
        partner_id="us-county-clare", name="Clare County", level="county", admin1_name="Michigan", admin1_code="MI"
    )
    lau = pd.DataFrame(
        [("IE_1", "Naas", "IE", "IE062", 20_000), ("IE_2", "Clare", "IE", "IE053", 100_000)], columns=LAU.columns
    )
    return Detector.build(units, pd.concat([gazetteer, county], ignore_index=True), lau=lau)


@pytest.mark.parametrize(
    "text",
    [
        "Chicago is a sister city of Clare County, Ireland.",  # the Irish county named the American way
        "Clare County Council signed a twinning agreement with Chicago.",  # an Irish county council
    ],
)
def test_a_us_county_name_before_an_eu_country_or_council_is_the_eu_county(county_detector, text):
    found = county_detector.detect(text, language="en")
    assert {(f.eu_place, f.partner_name) for f in found} == {("Clare County", "Chicago")}


def test_a_us_county_name_without_those_cues_stays_the_us_county(county_detector):
    found = county_detector.detect("Clare County, Michigan, is twinned with Naas.", language="en")
    assert {(f.eu_place, f.partner_name) for f in found} == {("Naas", "Clare County")}


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("the Mayor of Worthington,\nMinnesota to be a Sister City", 1),  # cut after a comma
        ("went to Worthington -\nUSA to meet", 1),  # cut after a dash
        ("Naas is twinned with Worthington.\nThe festival starts", 2),  # a full sentence ends the line
        ("Partner cities\nWorthington", 2),  # a heading
        ("INVITING THE CITY OF NAAS, IRELAND, TO BECOME\nA SISTER CITY OF WORTHINGTON", 1),  # an all-caps title
        ("PARTNER CITIES\nWORTHINGTON", 2),  # a short all-caps heading
    ],
)
def test_a_line_cut_after_a_comma_or_a_dash_continues_on_the_next_line(text, lines):
    from analysis.collect.web.segments import text_lines

    assert len(text_lines(text)) == lines


@pytest.fixture(scope="module")
def namesake_detector(web_frames):
    units, gazetteer = web_frames
    lau = pd.DataFrame([("ES_1", "Toledo", "ES", "ES425", 85_000), *LAU.itertuples(index=False)], columns=LAU.columns)
    return Detector.build(units, gazetteer, lau=lau)


def test_a_name_written_twice_once_with_its_eu_country_pairs_the_eu_place_with_its_us_namesake(namesake_detector):
    found = namesake_detector.detect("Toledo's sister city of Toledo, Spain, sent a delegation.", language="en")
    assert {(f.eu_place, f.partner_name, f.partner_country_iso2) for f in found} == {("Toledo", "Toledo", "US")}


def test_a_name_written_once_with_its_eu_country_is_no_namesake_pair(namesake_detector):
    assert not namesake_detector.detect("Toledo, Spain, is twinned with Naas.", language="en")


def test_a_small_us_town_named_with_its_municipal_prefix_is_the_partner_of_an_eu_town_with_its_country(web_frames):
    units, gazetteer = web_frames
    gazetteer = gazetteer.copy()
    gazetteer["alternate_names"] = gazetteer["alternate_names"].astype(object)
    gazetteer.loc[gazetteer["name"] == "Worthington", "alternate_names"] = "City of Worthington"
    detector = Detector.build(
        units, gazetteer, lau=pd.DataFrame([("PL_1", "Ziębice", "PL", "PL518", 17_000)], columns=LAU.columns)
    )
    text = "The City of Worthington is hosting a delegation from Ziebice, Poland, to celebrate their sister city ties."
    found = detector.detect(text, language="en")
    assert {(f.eu_place, f.partner_name, f.partner_country_iso2) for f in found} == {("Ziębice", "Worthington", "US")}


def test_a_state_abbreviation_after_a_small_town_elsewhere_in_the_text_vouches_for_it(detector):
    twinned = "The town of Naas is twinned with Worthington."
    assert not detector.detect(twinned, language="en")
    text = twinned + " A plaque for Naas and Worthington, OH, hangs at the station."
    found = detector.detect(text, language="en")
    assert {(f.eu_place, f.partner_name, f.partner_country_iso2) for f in found} == {("Naas", "Worthington", "US")}
