"""The partnership detector on hand-written sentences, one failure class of issue 9 at a time."""

from __future__ import annotations

import pytest

from analysis.collect.web.detect import Detector, analyse_page, merge_findings


def _found(detector: Detector, text: str, language: str, owner: str | None = None) -> set[tuple]:
    return {
        (f.unit_id, f.partner_id, f.relation_type, f.status)
        for f in detector.detect(text, language=language, page_unit_id=owner)
    }


def test_list_items_under_a_partner_heading_belong_to_the_page_owner(web_detector):
    text = "Unsere Partnerstädte\n- Vienne (Frankreich)\n- Sheboygan (Wisconsin, USA)\n- Chicago"
    found = _found(web_detector, text, "de", owner="gn-esslingen")
    assert ("gn-esslingen", "us-place-sheboygan", "twin", "established") in found
    assert ("gn-esslingen", "us-place-chicago", "twin", "established") in found


def test_a_partner_goes_to_the_eu_place_the_sentence_names_not_the_page_owner(web_detector):
    found = _found(web_detector, "Kraków und Chicago sind seit 1990 Partnerstädte.", "de", owner="gn-esslingen")
    assert found == {("gn-krakow", "us-place-chicago", "twin", "established")}


def test_the_page_owner_only_when_the_sentence_names_no_eu_place(web_detector):
    found = _found(web_detector, "Die Städtepartnerschaft mit Chicago besteht seit 1990.", "de", owner="gn-duisburg")
    assert found == {("gn-duisburg", "us-place-chicago", "twin", "established")}


def test_eu_places_in_one_enumeration_all_get_the_partner(web_detector):
    text = "Duisburg, Arnheim und Esslingen arbeiten seit 2007 mit der Partnerstadt Wuhan zusammen."
    units = {f.unit_id for f in web_detector.detect(text, language="de")}
    assert units == {"gn-duisburg", "gn-arnhem", "gn-esslingen"}


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Łódź podpisała list intencyjny z Chicago.", "pl", ("gn-lodz", "us-place-chicago", "agreement", "planned")),
        (
            "Kraków prowadzi negocjacje w sprawie partnerstwa miast z Chicago.",
            "pl",
            ("gn-krakow", "us-place-chicago", "twin", "planned"),
        ),
        (
            "Esslingen will sign a memorandum of understanding with Chicago next year.",
            "en",
            ("gn-esslingen", "us-place-chicago", "agreement", "planned"),
        ),
        (
            "Arnheim hat die Städtepartnerschaft mit Wuhan beendet.",
            "de",
            ("gn-arnhem", "cn-pref-4201", "twin", "ended"),
        ),
        ("De gemeente Arnhem verbreekt de stedenband met Wuhan.", "nl", ("gn-arnhem", "cn-pref-4201", "twin", "ended")),
        ("Brno má bývalé partnerské město Chicago.", "cs", ("gn-brno", "us-place-chicago", "twin", "ended")),
    ],
)
def test_planned_and_ended_statuses(web_detector, text, language, expected):
    assert expected in _found(web_detector, text, language)


def test_a_status_in_the_next_sentence_applies_to_the_partnership_before(web_detector):
    text = "Seit 2007 besteht eine Partnerschaft zwischen Duisburg und der Stadt Wuhan. Nun wird die Zusammenarbeit beendet."
    assert _found(web_detector, text, "de") == {("gn-duisburg", "cn-pref-4201", "twin", "ended")}


def test_a_generic_cooperation_agreement_counts_when_a_partner_place_is_its_party(web_detector):
    found = _found(web_detector, "Die Stadt Duisburg schloss eine Kooperationsvereinbarung mit der Stadt Wuhan.", "de")
    assert found == {("gn-duisburg", "cn-pref-4201", "agreement", "established")}


def test_partner_alone_in_a_non_municipal_sense_does_not(web_detector):
    assert _found(web_detector, "Unser Partner Chicago Bridge Ltd. liefert Stahl.", "de") == set()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Neue Direktflüge verbinden Duisburg und Chicago ab Mai.", "de"),
        ("Nowe połączenie lotnicze z Chicago zostało otwarte w Łodzi.", "pl"),
        ("Der Güterzug aus Wuhan erreichte Duisburg über die Neue Seidenstraße.", "de"),
        ("Touristen aus Chicago besuchen Esslingen gern.", "de"),
        ("Das US-Generalkonsulat in Chicago lud Vertreter aus Duisburg ein.", "de"),
        ("Auf dem Wirtschaftsforum unterzeichneten Duisburg und Wuhan eine Kooperationsvereinbarung.", "de"),
        ("The Twin Cities of Minneapolis and St. Paul welcomed a delegation from Esslingen.", "en"),
        ("Im eTwinning-Projekt arbeiten Schulen aus Esslingen und Chicago zusammen.", "de"),
        ("An EU Twinning project links Vilnius with experts from Chicago.", "en"),
        ("Der Esslinger Stadtteil Memphis bekommt eine neue Städtepartnerschaft-Ausstellung.", "de"),
        ("Die Universität Duisburg unterzeichnete eine Kooperationsvereinbarung mit Chicago.", "de"),
        ("Uniwersytet Łódzki podpisał umowę o współpracy z uczelnią w Chicago.", "pl"),
    ],
)
def test_look_alikes_in_several_languages_give_no_tie(web_detector, text, language):
    assert _found(web_detector, text, language) == set()


def test_a_us_namesake_of_an_eu_place_needs_us_context(web_detector):
    assert (
        _found(web_detector, "Die Städtepartnerschaft mit Toledo feiert Jubiläum.", "de", owner="gn-esslingen") == set()
    )
    found = _found(
        web_detector, "Die Städtepartnerschaft mit Toledo, Ohio feiert Jubiläum.", "de", owner="gn-esslingen"
    )
    assert found == {("gn-esslingen", "us-place-toledo", "twin", "established")}


def test_a_small_place_needs_a_state_or_country_next_to_it(web_detector):
    assert _found(web_detector, "Duisburg ist Partnerstadt von Worthington.", "de") == set()
    found = _found(web_detector, "Duisburg ist Partnerstadt von Worthington (Ohio).", "de")
    assert found == {("gn-duisburg", "us-place-worthington", "twin", "established")}


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Kraków jest miastem partnerskim Nowego Jorku.", "pl", ("gn-krakow", "us-place-new-york")),
        ("Łódź współpracuje z Szanghajem na mocy umowy o współpracy.", "pl", ("gn-lodz", "cn-pref-3101")),
        ("Brno podepsalo memorandum o spolupráci s Pekingem.", "cs", ("gn-brno", "cn-pref-1101")),
        ("Vilniaus miestas pasirašė bendradarbiavimo sutartį su Čikaga.", "lt", ("gn-vilnius", "us-place-chicago")),
        ("Rīga noslēdza sadarbības līgumu ar Čikāgu.", "lv", ("gn-riga", "us-place-chicago")),
        ("Η αδελφοποίηση της Αθήνας με τη Νέα Υόρκη.", "el", ("gn-athens", "us-place-new-york")),
        ("Debrecen testvérvárosi megállapodást kötött Chicagóval.", "hu", ("gn-debrecen", "us-place-chicago")),
    ],
)
def test_inflected_names(web_detector, text, language, expected):
    assert expected in {(f.unit_id, f.partner_id) for f in web_detector.detect(text, language=language)}


def test_compound_terms_glued_by_markup(web_detector):
    text = "Esslingen unterzeichnete den Städtepartnerschaftsvertrag mit Sheboygan (Wisconsin)."
    assert ("gn-esslingen", "us-place-sheboygan", "twin", "established") in _found(web_detector, text, "de")


def test_a_province_does_not_lose_to_the_prefecture_of_the_same_name(web_detector):
    province = _found(web_detector, "Województwo łódzkie i prowincja Jilin podpisały umowę o współpracy.", "pl")
    assert {p for _, p, _, _ in province} == {"cn-prov-22"}
    city = _found(web_detector, "Łódź podpisała umowę o współpracy z miastem Jilin.", "pl")
    assert {p for _, p, _, _ in city} == {"cn-pref-2202"}


def test_a_text_without_any_partner_is_analysed_and_gives_nothing(web_detector):
    assert web_detector.detect("Die Stadt Duisburg pflegt Städtepartnerschaften.", language="de") == []
    assert web_detector.explain("", language=None) == []


def test_findings_explain_themselves_and_quote_the_original_sentence(web_detector):
    (finding,) = web_detector.detect("Kraków i Chicago są miastami partnerskimi od 1990 roku.", language="pl")
    assert finding.evidence == "Kraków i Chicago są miastami partnerskimi od 1990 roku."
    assert "twin term" in finding.rule and "resolved to us-place-chicago" in finding.rule
    assert 0 < finding.confidence <= 1


def test_merge_keeps_one_finding_per_pair_and_prefers_a_status(web_detector):
    text = "Duisburg ist Partnerstadt von Wuhan. Duisburg hat die Städtepartnerschaft mit Wuhan beendet."
    merged = merge_findings(web_detector.detect(text, language="de"))
    assert [(f.partner_id, f.status) for f in merged] == [("cn-pref-4201", "ended")]


def test_analyse_page_extracts_detects_and_adds_url_and_language(web_detector):
    class Page:
        url = "http://www.duisburg.de.test/partnerstaedte/"
        unit_id = "gn-duisburg"
        content_type = "text/html; charset=utf-8"
        body = (
            "<html lang='de'><body><main><h1>Partnerstädte</h1><p>Duisburg pflegt seit 1982 eine Städtepartnerschaft "
            "mit Wuhan in China, der ältesten deutsch-chinesischen Städtepartnerschaft überhaupt.</p></main></body></html>"
        ).encode()

    findings = analyse_page(Page(), web_detector)
    assert [(f.unit_id, f.partner_id, f.url, f.language) for f in findings] == [
        ("gn-duisburg", "cn-pref-4201", Page.url, "de")
    ]


def test_elliptic_pairs_give_each_partner_the_eu_place_it_is_paired_with(web_detector):
    text = "Duisburg is twinned with Wuhan (China), Esslingen with Sheboygan and Kraków with Chicago."
    found = {(f.unit_id, f.partner_id) for f in web_detector.detect(text, language="en")}
    assert found == {
        ("gn-duisburg", "cn-pref-4201"),
        ("gn-esslingen", "us-place-sheboygan"),
        ("gn-krakow", "us-place-chicago"),
    }


def test_a_list_line_pairing_a_partner_with_an_unknown_place_does_not_go_to_a_neighbours_eu_place(web_detector):
    text = "Chicago com Alverca; Sheboygan com Esslingen.\nSão cidades-irmãs de Duisburg."
    found = {(f.unit_id, f.partner_id) for f in web_detector.detect(text, language="pt")}
    assert found == {("gn-esslingen", "us-place-sheboygan")}


@pytest.mark.parametrize(
    ("lead", "expected"), [("Eine Delegation aus den USA kam an.", 1), ("Eine Delegation kam an.", 0)]
)
def test_a_small_partner_takes_its_country_from_a_nearby_sentence(web_detector, lead, expected):
    text = f"{lead} Die Partnerstadt Worthington schickte ihren Bürgermeister."
    found = _found(web_detector, text, "de", owner="gn-esslingen")
    assert len({f for f in found if f[1] == "us-place-worthington"}) == expected


def test_eu_places_listed_with_the_partner_after_the_relation_term_are_fellow_partners(web_detector):
    text = (
        "Die Gemeinde pflegt Städtepartnerschaften mit Duisburg in Deutschland, Vienne in Frankreich, "
        "Val di Fiemme in Italien und Sheboygan in Wisconsin."
    )
    found = {(f.unit_id, f.partner_id) for f in web_detector.detect(text, language="de", page_unit_id="gn-esslingen")}
    assert found == {("gn-esslingen", "us-place-sheboygan")}


@pytest.mark.parametrize("where", ["in Beijing", "nördlich von Beijing"])
def test_a_place_named_as_the_venue_beside_another_partner_is_no_partner(web_detector, where):
    found = _found(web_detector, f"Esslingen unterzeichnete {where} eine Städtepartnerschaft mit Wuhan.", "de")
    assert {f[1] for f in found} == {"cn-pref-4201"}


def test_a_name_called_a_province_once_is_the_province_throughout_the_text(web_detector):
    text = "Łódzkie podpisało porozumienie o współpracy z prowincją Jilin. Umowa o współpracy z Jilin obejmuje kulturę."
    assert {f[1] for f in _found(web_detector, text, "pl", owner="PL71")} == {"cn-prov-22"}


@pytest.mark.parametrize(("word", "status"), [("bereits ", "established"), ("", "planned")])
def test_already_next_to_the_relation_term_outweighs_planned_words(web_detector, word, status):
    text = f"Esslingen plant ein Fest und ist {word}Partnerstadt von Sheboygan."
    assert {f[3] for f in _found(web_detector, text, "de")} == {status}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Die Zusammenarbeit zwischen Duisburg und Wuhan wächst.", "de"),
        ("Symbolem partnerství Brna s Chicagem byla výstava.", "cs"),
    ],
)
def test_a_weak_relation_naming_both_places_as_its_parties_needs_no_municipal_word(web_detector, text, language):
    assert len(_found(web_detector, text, language)) == 1


@pytest.mark.parametrize(("country", "expected"), [("Chińska delegacja: ", 1), ("", 0)])
def test_a_chinese_district_without_a_population_figure_takes_the_country_named_in_its_sentence(
    web_detector, country, expected
):
    text = f"{country}Łódź podpisała memorandum o współpracy z dystryktem Qingbaijiang w zeszłym roku."
    found = {f for f in _found(web_detector, text, "pl") if f[1] == "cn-dist-510113"}
    assert len(found) == expected


@pytest.mark.parametrize(("middle", "expected"), [("Sie hat viele Parks. ", 1), ("Auch Chicago hat viele Parks. ", 0)])
def test_a_relation_two_sentences_on_reaches_a_partner_when_no_partner_stands_between(web_detector, middle, expected):
    text = f"Sheboygan ist eine Stadt am Michigansee. {middle}Seit 1990 ist sie Partnerstadt von Esslingen."
    found = {f for f in _found(web_detector, text, "de") if f[1] == "us-place-sheboygan"}
    assert len(found) == expected


def test_a_lead_paragraph_under_a_heading_keeps_its_list_open(web_detector):
    text = (
        "Partnerstädte\n"
        "Die Städtepartnerschaften von Esslingen verbinden seit vielen Jahren Menschen, Vereine und Schulen über alle "
        "Grenzen hinweg.\n"
        "• Udine (Italien) – 1959\n"
        "• Neath (Wales) – 1959\n"
        "• Schiedam (Niederlande) – 1964\n"
        "• Sheboygan (USA) – 1968\n"
    )
    findings = web_detector.detect(text, language="de", page_unit_id="gn-esslingen")
    assert [(f.unit_id, f.partner_id) for f in findings] == [("gn-esslingen", "us-place-sheboygan")]
