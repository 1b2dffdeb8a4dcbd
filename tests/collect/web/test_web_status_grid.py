"""Status cues by grammar across languages (:mod:`analysis.collect.web.status_scope` and the h19stat rows of
``web_terms.csv``): the clause a cue governs, modal futures of becoming, recommendations, endings and completions."""

import pytest


def _statuses(detector, text: str, language: str) -> set[str]:
    return {f.status for f in detector.detect(text, language=language)}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Esslingen, which plans to build a new museum next year, is twinned with Wuhan.", "en"),
        ("Esslingen, das im nächsten Jahr ein neues Museum plant, ist mit Wuhan verschwistert.", "de"),
        ("Arnhem, qui prévoit un nouveau musée, est jumelée avec Wuhan.", "fr"),
        ("Esslingen is twinned with Wuhan (the mayor plans to open a new airport next year).", "en"),
    ],
)
def test_a_cue_in_a_relative_clause_or_parenthesis_is_not_about_the_tie(web_detector, text, language):
    assert _statuses(web_detector, text, language) == {"established"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Esslingen, which plans to build a new museum, will sign a twinning agreement with Wuhan.", "en"),
        ("Esslingen hat eine Städtepartnerschaft mit Wuhan, die 2022 ausgesetzt wurde.", "de"),
        ("Esslingen is twinned with Wuhan (suspended since 2022).", "en"),
    ],
)
def test_a_cue_in_the_clause_of_the_tie_still_counts(web_detector, text, language):
    assert _statuses(web_detector, text, language) != {"established"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Chicago and Esslingen may soon become sister cities.", "en"),
        ("Arnhem et Wuhan pourraient devenir villes jumelles.", "fr"),
        ("Kraków i Wuhan mogą zostać miastami partnerskimi.", "pl"),
        ("Esslingen und Wuhan könnten bald Partnerstädte werden.", "de"),
        ("Esslingen och Wuhan skulle kunna bli vänorter.", "sv"),
    ],
)
def test_a_modal_of_possibility_with_become_is_planned(web_detector, text, language):
    assert _statuses(web_detector, text, language) == {"planned"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The council recommends that Esslingen be invited to become a sister city of Chicago.", "en"),
        ("Der Ausschuss empfiehlt eine Städtepartnerschaft zwischen Esslingen und Wuhan.", "de"),
    ],
)
def test_a_recommendation_is_planned(web_detector, text, language):
    assert _statuses(web_detector, text, language) == {"planned"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Η Αθήνα ανέστειλε την αδελφοποίηση με το Wuhan.", "el"),
        ("Riga peatas Wuhani sõpruslinna lepingu.", "et"),
        ("Brno nije produžio sporazum o bratimljenju s Wuhanom.", "hr"),
    ],
)
def test_past_endings_and_not_renewing_are_ended(web_detector, text, language):
    assert _statuses(web_detector, text, language) == {"ended"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Spotkanie zakończyło się uroczystą ceremonią podpisania umowy o partnerstwie miast Kraków i Wuhan.", "pl"),
        ("L'incontro si è concluso con la firma del gemellaggio tra Toledo e Wuhan.", "it"),
    ],
)
def test_a_meeting_that_ended_with_the_signing_reports_the_tie(web_detector, text, language):
    assert _statuses(web_detector, text, language) == {"established"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Arnhem et Wuhan deviendront villes jumelles.", "fr"),
        ("Kraków i Wuhan staną się miastami partnerskimi.", "pl"),
        ("Brno i Wuhan postat će gradovi prijatelji.", "hr"),
        ("Esslingen och Wuhan kommer att bli vänorter.", "sv"),
    ],
)
def test_the_future_of_become_is_planned(web_detector, text, language):
    assert _statuses(web_detector, text, language) == {"planned"}


@pytest.mark.parametrize(
    ("text", "language", "status"),
    [
        ("Esslingen is twinned with Wuhan and plans to visit its partner next May.", "en", "established"),
        ("Esslingen ist mit Wuhan verschwistert und plant einen Besuch im Mai.", "de", "established"),
        ("Kraków, miasto partnerskie Wuhan, planuje wizytę delegacji w maju.", "pl", "established"),
        # the plan is about the tie when the relation term comes first
        ("Esslingen plans to sign a twinning agreement with Wuhan during the visit.", "en", "planned"),
    ],
)
def test_a_plan_about_a_visit_or_event_leaves_the_tie_as_it_is(web_detector, text, language, status):
    assert _statuses(web_detector, text, language) == {status}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The twinning of Esslingen with Wuhan will be sealed in May.", "en"),
        ("Die Städtepartnerschaft zwischen Esslingen und Wuhan soll im Mai besiegelt werden.", "de"),
        ("Le jumelage entre Arnhem et Wuhan sera officialisé en mai.", "fr"),
        ("Il gemellaggio tra Toledo e Wuhan verrà sancito a maggio.", "it"),
        ("El hermanamiento entre Toledo y Wuhan se oficializará en mayo.", "es"),
        ("Partnerstwo miast Kraków i Wuhan zostanie przypieczętowane w maju.", "pl"),
        ("Partnerství měst Brno a Wuhan bude zpečetěno v květnu.", "cs"),
        ("De stedenband tussen Arnhem en Wuhan zal worden bezegeld in mei.", "nl"),
        ("Vänortsavtalet mellan Esslingen och Wuhan kommer att undertecknas i maj.", "sv"),
    ],
)
def test_the_future_passive_of_sealing_or_making_official_is_planned(web_detector, text, language):
    assert _statuses(web_detector, text, language) == {"planned"}


@pytest.mark.parametrize(
    ("text", "language", "status"),
    [
        ("Esslingen and Wuhan plan to renew their twinning agreement.", "en", "established"),
        ("Esslingen und Wuhan wollen ihre Städtepartnerschaft erneuern.", "de", "established"),
        ("Arnhem et Wuhan souhaitent renouveler leur jumelage.", "fr", "established"),
        ("Toledo e Wuhan intendono rinnovare il gemellaggio.", "it", "established"),
        ("Kraków i Wuhan planują odnowić umowę o partnerstwie miast.", "pl", "established"),
        # a tie not renewed keeps its ended cue; a plan pursued since a year is no renewal
        ("Esslingen strebt seit 1999 eine Städtepartnerschaft mit Wuhan an.", "de", "planned"),
        ("Esslingen will not renew its twinning with Wuhan.", "en", "ended"),
    ],
)
def test_renewing_a_tie_presupposes_it(web_detector, text, language, status):
    assert _statuses(web_detector, text, language) == {status}


@pytest.mark.parametrize(
    ("text", "language", "status"),
    [
        ("Primátor odjede do Číny, aby podepsal partnerství měst Brno a Wuhan.", "cs", "planned"),
        ("Prezydent pojedzie do Chin, aby podpisał umowę o partnerstwie miast Kraków i Wuhan.", "pl", "planned"),
        ("Prezydent podpisałby umowę o partnerstwie miast Kraków i Wuhan.", "pl", "planned"),
        # the same past form without the particle reports the signing
        ("Primátor podepsal partnerství měst Brno a Wuhan.", "cs", "established"),
        ("Prezydent podpisał umowę o partnerstwie miast Kraków i Wuhan.", "pl", "established"),
    ],
)
def test_a_slavic_past_form_in_a_conditional_or_purpose_clause_plans_the_signing(web_detector, text, language, status):
    assert _statuses(web_detector, text, language) == {status}


@pytest.mark.parametrize(
    ("text", "language", "status"),
    [
        ("Chicago has invited Esslingen to become its sister city.", "en", "planned"),
        ("Wuhan hat Esslingen eingeladen, seine Partnerstadt zu werden.", "de", "planned"),
        ("Wuhan ha invitato Toledo a diventare la sua città gemella.", "it", "planned"),
        # weak: a signing reported as done outweighs it
        ("Chicago and Esslingen signed an agreement to become sister cities.", "en", "established"),
    ],
)
def test_the_infinitive_of_becoming_is_a_weak_planned_cue(web_detector, text, language, status):
    assert _statuses(web_detector, text, language) == {status}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Esslingen established a sister city relationship with Chicago, ready to expand trade.", "en"),
        ("Kraków nawiązał partnerstwo miast z Wuhan i chce rozwijać handel.", "pl"),
    ],
)
def test_the_past_of_establishing_a_tie_reports_it_as_made(web_detector, text, language):
    assert _statuses(web_detector, text, language) == {"established"}
