"""Status cues added in session 22 (the h22stat rows of ``web_terms.csv``): ending idioms, failed or declined plans,
suggestions, expiry, the weak future of establishing a tie, and signing words that are no company look-alike."""

import pytest


def _statuses(detector, text: str, language: str) -> set[str]:
    return {f.status for f in detector.detect(text, language=language)}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Esslingen put an end to its twinning with Wuhan.", "en"),
        ("Esslingen hat der Städtepartnerschaft mit Wuhan ein Ende gesetzt.", "de"),
        ("De gemeenteraad van Arnhem heeft een einde gemaakt aan de stedenband met Wuhan.", "nl"),
        ("Plans for a sister city link between Esslingen and Chicago fell through in 2019.", "en"),
        ("Le projet de jumelage entre Arnhem et Wuhan n'a jamais abouti.", "fr"),
        ("Il gemellaggio tra Esslingen e Wuhan non è mai andato in porto.", "it"),
        ("Eine Städtepartnerschaft von Esslingen mit Wuhan wurde vom Gemeinderat nicht gewünscht.", "de"),
        ("The sister city agreement between Esslingen and Chicago expired in 2020.", "en"),
        ("L'accordo di gemellaggio tra Esslingen e Wuhan è scaduto nel 2020.", "it"),
        ("Esslingen used to be twinned with Chicago.", "en"),
    ],
)
def test_an_ending_idiom_a_failed_plan_or_an_expiry_is_ended(web_detector, text, language):
    assert _statuses(web_detector, text, language) == {"ended"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Wuhan hat eine Städtepartnerschaft mit Esslingen angeregt.", "de"),
        ("Le maire a suggéré un jumelage entre Arnhem et Wuhan.", "fr"),
        ("Kommunstyrelsen föreslog en vänort mellan Esslingen och Wuhan.", "sv"),
    ],
)
def test_a_suggested_tie_is_planned(web_detector, text, language):
    assert _statuses(web_detector, text, language) == {"planned"}


def test_the_future_of_establishing_a_tie_is_outweighed_by_a_signing_reported_as_done(web_detector):
    signed = "Esslingen signed a memorandum of friendship with Wuhan which will forge new links between the cities."
    planned = "Esslingen will forge a twinning with Wuhan."
    assert _statuses(web_detector, signed, "en") == {"established"}
    assert _statuses(web_detector, planned, "en") == {"planned"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Il sindaco di Esslingen partirà per Wuhan per firmare un accordo di cooperazione tra le due città.", "it"),
        ("El alcalde de Esslingen firmará un convenio de cooperación con la ciudad de Chicago.", "es"),
    ],
)
def test_a_signing_word_is_no_company_lookalike(web_detector, text, language):
    assert _statuses(web_detector, text, language) == {"planned"}


# Session 23 (the h23st rows): a modal of obligation with "become", reaffirming a tie, the infinitive of "recommend",
# the recent past "vient de signer", a tie or agreement in force or in place, "was paired with", and N-year anniversary
# nouns ("trentennale", "20-lecia").
@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The mayors agreed that Esslingen and Shanghai should become sister cities.", "en"),
        ("Le maire a annoncé qu'Arnhem et Wuhan devraient devenir des villes jumelles.", "fr"),
        ("Il sindaco ha detto che Esslingen e Wuhan dovrebbero diventare città gemelle.", "it"),
        ("The committee voted to recommend that Esslingen authorize a sister city charter with Chicago.", "en"),
    ],
)
def test_a_tie_that_should_become_or_is_recommended_is_planned(web_detector, text, language):
    assert _statuses(web_detector, text, language) == {"planned"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Arnhem vient de signer sa première convention de jumelage avec la ville chinoise de Wuhan.", "fr"),
        ("Esslingen is reaffirming its commitment to its twinning with Chicago and plans new exchanges.", "en"),
        ("Esslingen has sister city protocols in place with Fall River and Chicago.", "en"),
        ("Esslingen e Wuhan celebrano il trentennale del gemellaggio e preparano nuovi scambi.", "it"),
        ("Esslingen i Chicago obchodzą 20-lecia partnerstwa miast i planują wymianę.", "pl"),
        (
            "In 2008 Esslingen was paired with Chicago as part of the sister cities twinning agreement. The Agreement"
            " commits both parties to work together to explore new opportunities.",
            "en",
        ),
    ],
)
def test_a_recent_signing_a_reaffirmed_tie_or_a_tie_in_place_is_established(web_detector, text, language):
    assert _statuses(web_detector, text, language) == {"established"}


def test_a_swedish_particle_verb_with_the_subject_between_is_ended(web_detector):
    ended = "I september 2020 sade Arnhems kommun upp samarbetsavtalet med den kinesiska staden Wuhan."
    denied = "I går sade Arnhems kommun inte upp samarbetsavtalet med den kinesiska staden Wuhan."
    assert _statuses(web_detector, ended, "sv") == {"ended"}
    assert _statuses(web_detector, denied, "sv") == {"established"}


def test_a_rival_named_as_the_findings_own_eu_place_takes_no_cue(web_detector):
    """On Memphis's (a Swedish town's, for the test) page, "sade Memphis kommun upp" is the town's own act: its
    namesake Memphis, Tennessee, is no rival partner taking the ended cue."""
    text = "Redan i september 2020 sade Memphis kommun upp samarbetsavtalet med den kinesiska staden Wuhan."
    found = web_detector.detect(text, language="sv", page_owner=("Memphis", "SE"))
    assert {f.status for f in found if f.partner_name == "Wuhan"} == {"ended"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "The sister city agreement between Esslingen and Chicago will be submitted to the city council for approval.",
            "en",
        ),
        ("Die Städtepartnerschaft zwischen Esslingen und Wuhan wird dem Gemeinderat vorgelegt.", "de"),
        ("Il gemellaggio tra Arnhem e Wuhan sarà sottoposto al consiglio comunale.", "it"),
    ],
)
def test_a_tie_submitted_to_a_council_is_planned(web_detector, text, language):
    assert _statuses(web_detector, text, language) == {"planned"}
