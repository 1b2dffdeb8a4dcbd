"""Recall classes of issue 9 (session 18): inflected partner names, relation nouns for other units, honorifics."""

from __future__ import annotations

from web_findings import found_pairs

from analysis.collect.web.lexicon import load_lexicon
from analysis.collect.web.segments import sentences


def test_a_hungarian_instrumental_doubles_the_final_consonant_of_a_partner_name(web_detector):
    text = "Debrecen 2008-ban Szanghajjal és Memphisszel testvérvárosi kapcsolatot létesített."
    found = found_pairs(web_detector, text, "hu")
    assert ("gn-debrecen", "cn-pref-3101") in found
    assert ("gn-debrecen", "us-place-memphis") in found


def test_a_consonant_doubled_without_the_instrumental_ending_is_no_form_of_the_name(web_detector):
    # "Szanghajj" is no Hungarian form: the doubled consonant comes only with -al/-el (or -á/-é)
    assert not found_pairs(web_detector, "Debrecen testvérvárosa Szanghajjok.", "hu")


def test_partner_county_province_and_partner_noun_phrases_are_relation_terms():
    terms = [t for t in load_lexicon().terms if t.kind in ("twin", "friendship", "agreement")]

    def kinds(text: str) -> set[str]:
        from analysis.collect.web.lexicon import name_key

        folded = name_key(text)
        return {t.kind for t in terms if t.pattern.search(folded)}

    assert "twin" in kinds("sister county")
    assert "twin" in kinds("the partnership cities of Taizhou and Yuyao")
    assert "twin" in kinds("Fejér megye partnertartománya")
    assert "twin" in kinds("de zusterprovincie van Oost-Vlaanderen")
    assert "twin" in kinds("gradovi partneri")
    assert "twin" in kinds("miasta-partnerzy")
    assert "friendship" in kinds("sõprussuhete sõlmimist")
    assert "agreement" in kinds("ukončily partnerskou smlouvu")
    assert not kinds("partnerske države Evropske unije")  # partner countries, not states


def test_a_twinning_noun_misspelt_with_one_consonant_is_a_twin_term(web_detector):
    assert ("gn-toledo", "us-place-chicago") in found_pairs(
        web_detector, "The Twining of Toledo with Chicago goes on.", "en"
    )
    text = "Il gemelaggio tra Toledo e Chicago continua."
    assert ("gn-toledo", "us-place-chicago") in found_pairs(web_detector, text, "it")


def test_an_honorific_before_a_persons_name_does_not_end_the_sentence(web_detector):
    text = "Članovi delegacije: gđa. Qing Zhiying, gosp. Li Gang i dr. Wang. Druga rečenica."
    spans = sentences(text, 0, len(text), web_detector._abbreviations)
    assert len(spans) == 2


def test_an_abbreviation_ends_no_sentence_only_in_its_own_script(web_detector):
    text = "Avtalet undertecknades samma år. Staden Wuhan blev vänort. Ο αρ. 5 ορίζει."
    spans = sentences(text, 0, len(text), web_detector._abbreviations)
    assert [text[s:e].strip() for s, e in spans][:2] == [
        "Avtalet undertecknades samma år.",
        "Staden Wuhan blev vänort.",
    ]
    assert text[spans[-1][0] : spans[-1][1]].strip() == "Ο αρ. 5 ορίζει."  # Greek "αρ." (number) in Greek text


def test_a_us_county_is_found_in_the_county_phrase_of_the_texts_language():
    from analysis.collect.web.places import county_forms

    forms = county_forms("Kauai County", "county")
    assert {"condado de Kauai", "hrabstwa Kauai", "Kauai megye", "okres Kauai"} <= set(forms)
    assert county_forms("Kauai", "city") == []  # only counties, written "X County" by the gazetteer


def test_an_adjective_of_beijing_or_shanghai_names_china():
    from analysis.collect.web.lexicon import name_key

    context = [t for t in load_lexicon().terms if t.kind == "cn_context"]
    assert any(t.pattern.search(name_key("s pekingským distriktem")) for t in context)
    assert any(t.pattern.search(name_key("szanghajska dzielnica")) for t in context)
    assert not any(t.pattern.search(name_key("peking")) for t in context)  # the name itself is a place, not context
