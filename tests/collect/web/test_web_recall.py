"""Recall classes of issue 9 (session 17): relation vocabulary, list titles glued by markup, a country after a name."""

from __future__ import annotations

from web_findings import found_pairs

from analysis.collect.web.detect import Detector
from analysis.collect.web.partner_sense import foreign_country_after


def test_a_list_title_glued_to_the_paragraph_before_it_heads_the_list(web_detector):
    text = (
        "Miasto Łódź współpracuje z zagranicznymi ośrodkami na podstawie uchwały Rady Miasta z dnia "
        "2001-08-30MIASTA PARTNERSKIE\n 1. Debrecen / Węgry\n 2. Brno / Czechy\n 3. Memphis / USA"
    )
    assert ("gn-lodz", "us-place-memphis") in found_pairs(web_detector, text, "pl", owner="gn-lodz")


def test_a_name_followed_by_another_country_is_no_us_or_chinese_partner(web_detector):
    text = "Partnerstädte von Duisburg:\n- Memphis / Ägypten\n- Wuhan / China"
    found = found_pairs(web_detector, text, "de", owner="gn-duisburg")
    assert ("gn-duisburg", "cn-pref-4201") in found
    assert ("gn-duisburg", "us-place-memphis") not in found


def test_foreign_country_after_reads_only_other_countries_than_the_partners():
    class Hit:
        orig_end = 6

    assert foreign_country_after("Odessa / Ukraina, Kalmar", Hit, {"US"}) == "Ukraina"
    assert foreign_country_after("Odessa (Federacja Rosyjska)", Hit, {"US"}) == "Federacja Rosyjska"
    assert foreign_country_after("Odessa, USA", Hit, {"US"}) is None
    assert foreign_country_after("Odessa und Kalmar", Hit, {"US"}) is None


def test_cooperation_verbs_and_friendly_relations_are_relation_terms(web_detector):
    assert ("gn-arnhem", "cn-pref-4201") in found_pairs(
        web_detector, "Sedan 2015 har Arnhem samarbetat med Wuhan.", "sv"
    )
    text = "Brno a Wuhan rozvíjejí přátelské vztahy od roku 2015."
    assert ("gn-brno", "cn-pref-4201") in found_pairs(web_detector, text, "cs")


def test_chinese_counties_are_weak_partner_places_under_their_pinyin_name():
    import pandas as pd

    from analysis.collect.web.cn_counties import county_core, county_places
    from analysis.collect.web.lexicon import load_lexicon
    from analysis.collect.web.places import Place

    assert [county_core(n) for n in ("如东县", "长阳土家族自治县", "沛县")] == ["如东", "长阳", "沛县"]
    counties = pd.DataFrame(
        {"adcode": ["320623000000", "331121000000", "999"], "name": ["如东县", "青田县", "武汉县"], "province": "X"}
    )
    wuhan = Place("Wuhan", "CN", "partner", "cn-pref-4201", "prefecture", 1e7, True, "Hubei")
    found = {
        place.name: (place, names) for place, names in county_places([(wuhan, ["Wuhan"])], load_lexicon(), counties)
    }
    assert set(found) == {"Rudong", "Qingtian"}  # a county never takes a known place's name
    place, names = found["Qingtian"]
    assert not place.strong and place.level == "county" and "Qingtian County" in names


def test_a_county_is_found_with_a_china_context(web_frames, monkeypatch):
    import pandas as pd

    from analysis.collect.web import cn_counties
    from analysis.collect.web.detect import Detector

    # the county list as the acquired cpca file gives it (the test does not depend on data/raw being acquired)
    counties = pd.DataFrame({"adcode": ["320623"], "name": ["如东县"], "province": ["Jiangsu"]})
    monkeypatch.setattr(cn_counties, "read_counties", lambda: counties)
    detector = Detector.build(*web_frames)
    text = "Duisburg unterzeichnete die Städtepartnerschaft mit dem chinesischen Kreis Rudong."
    found = detector.detect(text, language="de")
    assert [(f.unit_id, f.partner_name, f.partner_id) for f in found] == [("gn-duisburg", "Rudong", None)]


def test_a_relation_term_glued_to_a_lower_case_word_by_markup_isfound_pairs(web_detector):
    text = "Esslingen am NeckarÜber unsPartnerstädte > Sheboygan, USA"
    found = found_pairs(web_detector, text.replace("Partnerstädte", "Partnerstädte"), "de")
    assert ("gn-esslingen", "us-place-sheboygan") in found
    scan = web_detector.matcher.scan("O mestePartnerské mestá", "sk")
    assert any(t.kind == "twin" for t in scan.terms)
    assert not any(t.kind == "twin" for t in web_detector.matcher.scan("o mestepartnerské mestá", "sk").terms)


def test_a_small_place_with_its_state_named_in_the_sentence_has_its_context(web_frames):
    import pandas as pd

    units, gazetteer = web_frames
    extra = gazetteer.iloc[[1, 9]].copy()  # Sheboygan and Wisconsin, as a hamlet under the population floors
    extra["partner_id"] = ["us-place-tiny", "us-state-pa"]
    extra["name"] = ["Pittsfield Falls", "Pennsylvania"]
    extra["admin1_name"] = ["Pennsylvania", "Pennsylvania"]
    extra["admin1_code"] = ["PA", "PA"]
    extra["population"] = pd.array([900, None], dtype="Int64")
    detector = Detector.build(units, pd.concat([gazetteer, extra], ignore_index=True), lau=False)
    text = "In Pennsylvania ist Pittsfield Falls die Partnerstadt von Duisburg."
    assert ("gn-duisburg", "us-place-tiny") in found_pairs(detector, text, "de")
    text = "Pittsfield Falls ist die Partnerstadt von Duisburg."
    assert ("gn-duisburg", "us-place-tiny") not in found_pairs(detector, text, "de")


def test_a_small_eu_namesake_outside_the_frame_yields_to_a_large_partner_city(web_frames):
    import pandas as pd

    units, gazetteer = web_frames
    extra = gazetteer[gazetteer["partner_id"].eq("gn-vienne")].copy()
    extra["partner_id"], extra["name"], extra["country_iso2"] = "gn-ny-es", "New York", "ES"
    extra["population"] = pd.array([900], dtype="Int64")
    detector = Detector.build(units, pd.concat([gazetteer, extra], ignore_index=True), lau=False)
    assert ("gn-duisburg", "us-place-new-york") in found_pairs(
        detector, "Duisburg ist Partnerstadt von New York.", "de"
    )
    assert not any(place.name == "New York" and place.role == "eu" for place in detector.places)


def test_a_long_lead_in_ending_with_a_colon_heads_the_list_under_it(web_detector):
    text = (
        "Over the years the city council of Duisburg has signed a sister city agreement with each of these cities:\n"
        "- Vienne (France)\n- Kalmar (Sweden)\n- Rotterdam (Netherlands)\n- Memphis"
    )
    assert ("gn-duisburg", "us-place-memphis") in found_pairs(web_detector, text, "en", owner="gn-duisburg")


def test_a_one_edit_misspelling_of_a_long_partner_name_counts_with_a_relation_term_and_its_country(web_detector):
    text = "Duisburg und Shangahi (China) sind seit 1982 Partnerstädte."
    assert ("gn-duisburg", "cn-pref-3101") in found_pairs(web_detector, text, "de")
    text = "Łódź podpisała umowę o partnerstwie miast z Memphsi w stanie Tennessee, USA."
    assert ("gn-lodz", "us-place-memphis") in found_pairs(web_detector, text, "pl")


def test_a_misspelling_without_the_partners_country_or_a_relation_term_is_no_name(web_detector):
    assert not found_pairs(web_detector, "Duisburg und Shangahi sind seit 1982 Partnerstädte.", "de")
    assert not found_pairs(web_detector, "Duisburg und Shangahi (China) haben 1982 Fußball gespielt.", "de")


def test_a_misspelling_with_a_case_ending_of_its_language_counts(web_detector):
    text = "Vilnius on Chciagoga (USA) sõpruslinn aastast 1998."  # Chicago + Estonian -ga, two letters swapped
    assert ("gn-vilnius", "us-place-chicago") in found_pairs(web_detector, text, "et")


def test_a_misspelling_opening_its_sentence_is_no_name(web_detector):
    assert not found_pairs(web_detector, "Memphsi (USA) und Duisburg sind Partnerstädte.", "de")


def test_a_partner_name_in_lower_case_inside_a_list_of_capitalised_names_isfound_pairs(web_detector):
    text = "La ville de Toledo est jumelée avec Vienne, Duisburg, wuhan, Brno et Riga."
    found = found_pairs(web_detector, text, "fr")
    assert any(partner == "cn-pref-4201" for _, partner in found)
    assert not found_pairs(web_detector, "La ville de Duisburg est jumelée depuis que wuhan existe.", "fr")


def test_one_edit_reads_insertions_deletions_substitutions_and_swaps_only():
    from analysis.collect.web.near_names import _one_edit

    assert (
        _one_edit("qingdau", "qingdao") and _one_edit("shenandonah", "shenandoah") and _one_edit("memhpis", "memphis")
    )
    assert _one_edit("xianmen", "xiamen") and _one_edit("memphi", "memphis")
    assert not _one_edit("memphis", "memphis") and not _one_edit("mmephsi", "memphis")


def test_a_chinese_persons_name_is_china_context_for_a_small_chinese_place():
    import re

    from analysis.collect.web.cn_persons import person_spans

    class Term:
        def __init__(self, kind, orig_start):
            self.kind, self.orig_start = kind, orig_start

    def spans(text):
        terms = [Term("cn_surname", m.start()) for m in re.finditer(r"\b(Wang|Feng|He|Xi|Hu)\b", text)]
        return [text[a:b] for a, b in person_spans(text, terms, 6)]

    assert spans("Bürgermeister Jun Feng Sheng aus der Region Rudong") == ["Jun Feng Sheng"]
    assert spans("Mayor Wang Lu said") == ["Wang Lu"]
    assert spans("He Dan is here; Hu Die Stadt; Wang Long Xi Bing") == []  # too short, not pinyin, four words


def test_the_scan_marks_a_chinese_persons_name_but_not_as_china_context(web_detector):
    terms = web_detector.matcher.scan("Bürgermeister Jun Feng Sheng besuchte Duisburg.", "de").terms
    assert any(t.kind == "cn_person" and t.text == "(a Chinese person's name)" for t in terms)
    assert not any(t.kind == "cn_context" for t in terms)
    assert not any(t.kind == "cn_person" for t in web_detector.matcher.scan("Herr Feng besuchte Duisburg.", "de").terms)


def test_a_country_adjective_may_stand_inside_a_relation_term():
    from analysis.collect.web.lexicon import load_lexicon

    terms = {t.text: t for t in load_lexicon().terms if t.kind == "friendship"}
    pattern = terms["prijateljsk* provincij*"].pattern
    assert pattern.match("prijateljske kineske provincije hainan")  # friendly Chinese province (hr)
    assert pattern.match("prijateljske provincije hainan")
    assert not pattern.match("prijateljske velike provincije")  # only a US/China word, not any word
