"""The Aho–Corasick matcher: folding with offsets, boundaries, capitals, inflections by language, compounds."""

from __future__ import annotations

from analysis.collect.web.lexicon import compile_term, load_lexicon
from analysis.collect.web.matcher import Matcher, fold_with_offsets


def _matcher(names: list[str]) -> Matcher:
    return Matcher.build([(name, index) for index, name in enumerate(names)], load_lexicon(), inflect=range(len(names)))


def _names(matcher: Matcher, text: str, language: str | None) -> list[str]:
    return [text[hit.orig_start : hit.orig_end] for hit in matcher.scan(text, language).names]


def test_folding_keeps_offsets_into_the_original_text():
    folded, origin = fold_with_offsets("Straße in Łódź")
    assert folded == "strasse in lodz"
    assert origin is not None and origin[folded.index("lodz")] == "Straße in Łódź".index("Łódź")
    assert fold_with_offsets("Kraków")[1] is None  # one character for one: no offsets needed


def test_names_need_word_boundaries_and_a_capital_letter():
    matcher = _matcher(["Chicago", "Paris"])
    assert _names(matcher, "Chicago and Paris", "en") == ["Chicago", "Paris"]
    assert _names(matcher, "Chicagoland and the paris", "en") == []


def test_inflected_forms_are_accepted_in_their_language_only():
    matcher = _matcher(["Pekin", "Nowy Jork", "Čikaga", "Chicago"])
    assert _names(matcher, "współpraca z Pekinem i Nowym Jorkiem", "pl") == ["Pekinem", "Nowym Jorkiem"]
    assert _names(matcher, "sutartis su Čikagos meru", "lt") == ["Čikagos"]
    assert _names(matcher, "testvérvárosa Chicagóval", "hu") == ["Chicagóval"]
    assert _names(matcher, "the Pekinem case", "en") == []


def test_compound_heads_match_inside_longer_tokens():
    matcher = _matcher([])
    kinds = {
        (hit.kind, hit.text) for hit in matcher.scan("Der Städtepartnerschaftsvertrag wurde unterzeichnet.", "de").terms
    }
    assert ("twin", "*städtepartnerschaft*") in kinds


def test_multi_word_stems_and_exact_terms():
    term = compile_term("miast* partnersk*", "twin", "pl", False)
    assert term.key == "miast" and term.pattern.match("miastami partnerskimi")
    matcher = _matcher([])
    found = {(hit.kind, hit.text) for hit in matcher.scan("Partner in the USA, not in the usage.", "en").terms}
    assert ("us_context", "USA") in found and not any(text == "US" for _, text in found)


def test_may_name_allows_every_language_and_finds_no_name_scan_would_not():
    matcher = _matcher(["Pekin", "Chicago", "Paris"])
    partners = frozenset({0, 1})  # Pekin, Chicago (Paris: not asked for)
    assert matcher.may_name("współpraca z Pekinem", partners)  # a Polish suffix, whatever the language
    assert matcher.may_name("Chicago", partners)
    assert not matcher.may_name("Paris und die chicago-Frage, Chicagoland", partners)  # not asked; lower case; glued
    assert not matcher.may_name("", partners)


def test_a_short_greek_adjective_heading_a_name_is_inflected_with_it():
    from analysis.collect.web.lexicon import load_lexicon
    from analysis.collect.web.matcher import _head_forms

    assert "neas" in _head_forms("nea", load_lexicon())  # "Νέας Υόρκης", the genitive of "Νέα Υόρκη"
    assert _head_forms("la", load_lexicon()) == ["la"]


def test_slovenian_and_croatian_names_ending_in_a_vowel_take_their_case_endings():
    from analysis.collect.web.lexicon import load_lexicon, suffix_rules_for

    rules = suffix_rules_for("chengdu", load_lexicon())
    assert "ujem" in rules["chengd"]["sl"] and "uom" in rules["chengd"]["hr"]
    assert "ijem" in suffix_rules_for("miami", load_lexicon())["miam"]["hr"]


def test_the_stems_the_matcher_keeps_join_the_suffixes_of_every_language_of_the_rules():
    from analysis.collect.web.lexicon import inflection_stems, load_lexicon, suffix_rules_for, written_suffixes

    lexicon = load_lexicon()
    for word, short_stem in (("chengdu", False), ("miami", False), ("nea", True), ("naujasis", False), ("x", False)):
        joined = inflection_stems(word, lexicon, short_stem)
        rules = suffix_rules_for(word, lexicon, short_stem)
        assert {stem: by_language for stem, (by_language, _) in joined.items()} == rules
        for by_language, every in joined.values():
            assert every == {suffix for suffixes in by_language.values() for suffix in suffixes}
    assert written_suffixes("Poznań", lexicon)["pl"] and not written_suffixes("Lublin", lexicon)


def test_a_term_matches_only_text_in_the_script_it_is_written_in():
    from analysis.collect.web.lexicon import same_script

    matcher = _matcher([])
    latin = {hit.text for hit in matcher.scan("Vilniaus konsulatas Čikagoje", None).terms}
    cyrillic = {hit.text for hit in matcher.scan("Световен конгрес и консулство", None).terms}
    assert "консул*" not in latin and "консул*" in cyrillic  # Bulgarian "консул*" is not Lithuanian "konsul..."
    assert not any(text.startswith("kongres") for text in cyrillic)  # a Latin term is not a Bulgarian word
    assert same_script("*partnerstadt*", "Partnerstadt") and not same_script("αρ", "år")
    assert same_script("中国", "China")  # no Latin, Greek or Cyrillic letter: not checked


def test_ending_rules_of_the_inflecting_languages():
    """Croatian/Slovenian -e (Milwaukeeja, Celju), Croatian fleeting a (Zadra), Lithuanian -tis (Sinsinačio), Polish -ław
    (Wrocławia), Estonian -s (Texasega) and the Polish soft ń read as written (Poznania; the hard n of Lublin takes no -ia)."""
    matcher = _matcher(["Milwaukee", "Zadar", "Celje", "Sinsinatis", "Wrocław", "Poznań", "Lublin"])
    text = "između Grada Zadra i Grada Milwaukeeja"
    assert _names(matcher, text, "hr") == ["Zadra", "Milwaukeeja"]
    assert _names(matcher, "v Celju in Milwaukeeju", "sl") == ["Celju", "Milwaukeeju"]
    assert _names(matcher, "sutartis pasirašyta Sinsinačio mieste", "lt") == ["Sinsinačio"]
    assert _names(matcher, "we Wrocławiu, w Poznaniu i Lublinie", "pl") == ["Wrocławiu", "Poznaniu", "Lublinie"]
    assert _names(matcher, "z Lublinia", "pl") == []
    assert _names(_matcher(["Texas"]), "sõprusleping Texasega, delegatsioon Texases", "et") == ["Texasega", "Texases"]


def test_records_inflected_only_in_their_languages():
    matcher = Matcher.build(
        [("Zabok", 0), ("Grado", 1)], load_lexicon(), inflect_in={0: frozenset({"hr"}), 1: frozenset({"it"})}
    )
    assert _names(matcher, "po prvi put su u Zaboku", "hr") == ["Zaboku"]
    assert _names(matcher, "Grada Zagreba", "hr") == []  # the Italian Grado takes no Croatian ending
    assert _names(matcher, "w Zaboku", "pl") == []


def test_one_span_of_two_names_keeps_both_records():
    matcher = Matcher.build([("Daugavpil", 0), ("Daugavpils", 1)], load_lexicon(), inflect=[0])
    hits = matcher.scan("Daugavpils sadraudzības pilsēta", "lv").names
    assert len(hits) == 1 and set(hits[0].records) == {0, 1} and not hits[0].inflected


def test_what_is_derived_from_a_lexicon_is_computed_once_per_lexicon_object():
    from analysis.collect.web.lexicon import derived, load_lexicon

    lexicon = load_lexicon()
    other = lexicon._replace(rules=dict(lexicon.rules))  # equal content, another object
    calls = []

    def compute(name):
        calls.append(name)
        return name

    assert derived(lexicon, ("test_derived",), lambda: compute("first")) == "first"
    assert derived(lexicon, ("test_derived",), lambda: compute("again")) == "first"
    assert derived(other, ("test_derived",), lambda: compute("other")) == "other"
    assert derived(lexicon, ("test_derived", "another key"), lambda: compute("keyed")) == "keyed"
    assert calls == ["first", "other", "keyed"]
