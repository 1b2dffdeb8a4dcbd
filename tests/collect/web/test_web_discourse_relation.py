"""Relations stated outside the partner's sentence (issue 9, session 18 round 2): a list of places borrows the
relation of the sentence that opens it, even when that sentence names a partner of its own."""

from __future__ import annotations

from web_findings import found_pairs

from analysis.collect.web.segments import enumeration


def test_an_enumeration_is_a_list_of_short_capitalised_items():
    assert enumeration("Patří mezi ně Bratislava, Dallas, Debrecín, Charkov, Kaunas a Vídeň.")
    assert enumeration("Die anderen sind Vilnius, Kraków, Memphis, Riga, Athen und Debrecen.")
    assert not enumeration("Wuppertal hat mit Qingdao, Dongguan und Xinxiang drei Partnerstädte.")
    assert not enumeration("In 2019, Mayor John Smith, who was elected, visited the city, and left.")


def test_a_list_after_a_sentence_with_a_partner_borrows_its_relation(web_detector):
    text = (
        "Wuhan ist eine der Partnerstädte von Duisburg. "
        "Die anderen sind Vilnius, Kraków, Memphis, Riga, Athen und Debrecen."
    )
    assert ("gn-duisburg", "us-place-memphis") in found_pairs(web_detector, text, "de", owner="gn-duisburg")


def test_a_sentence_that_is_no_list_borrows_nothing_from_a_sentence_with_a_partner(web_detector):
    text = "Wuhan ist eine der Partnerstädte von Duisburg. Im Jahr 2019 reiste der Chor nach Memphis."
    assert ("gn-duisburg", "us-place-memphis") not in found_pairs(web_detector, text, "de", owner="gn-duisburg")


_TOPIC = (
    "Der Chor aus Duisburg reiste im Mai nach {first}. Dort sang er in drei Kirchen. {middle}"
    "Das Wetter war gut. Die Gäste kamen müde zurück. Die Städtepartnerschaft besteht seit 1990."
)


def test_a_text_with_one_partner_city_lends_it_the_relation_stated_anywhere(web_detector):
    text = _TOPIC.format(first="Memphis", middle="")
    assert ("gn-duisburg", "us-place-memphis") in found_pairs(web_detector, text, "de", owner="gn-duisburg")


def test_a_text_with_two_partner_cities_lends_no_relation_from_far_away(web_detector):
    text = _TOPIC.format(first="Memphis", middle="Danach ging es nach Chicago. ")
    assert ("gn-duisburg", "us-place-memphis") not in found_pairs(web_detector, text, "de", owner="gn-duisburg")


def test_a_sentence_referring_back_to_the_pair_lends_its_relation_however_far(web_detector):
    text = (
        "Der Chor aus Duisburg reiste im Mai nach Memphis. Dort sang er in drei Kirchen. Das Wetter war gut. "
        "Die Gäste kamen müde zurück. Die beiden Städte sind seit 1990 Partnerstädte. Chicago liegt am See."
    )
    assert ("gn-duisburg", "us-place-memphis") in found_pairs(web_detector, text, "de", owner="gn-duisburg")
    without = text.replace("Die beiden Städte sind", "Duisburg ist")
    assert ("gn-duisburg", "us-place-memphis") not in found_pairs(web_detector, without, "de", owner="gn-duisburg")


def test_the_forms_of_one_partner_city_are_one_topic_partner(web_detector):
    text = _TOPIC.format(first="Shanghai", middle="Danach ging es wieder nach Szanghaj. ")
    assert ("gn-duisburg", "cn-pref-3101") in found_pairs(web_detector, text, "de", owner="gn-duisburg")


# The scope of a relation term follows the page's structure (session 19 round 2, segments.in_scope): a sentence lends
# to the sentences of its paragraph; across a blank line only a heading, the text's title or a lead-in lends.
_BLOCKS = {
    "en": ("A choir from Duisburg visited Memphis and Chicago last May.", "The twinning charter was signed in 1990."),
    "de": ("Ein Chor aus Duisburg besuchte im Mai Memphis und Chicago.", "Die Städtepartnerschaft besteht seit 1990."),
    "fr": ("Une chorale de Duisburg a visité Memphis et Chicago en mai.", "Le jumelage a été signé en 1990."),
}


def test_a_sentence_lends_its_relation_within_its_paragraph_only(web_detector):
    for language, (visit, relation) in _BLOCKS.items():
        same = f"{visit} {relation}"
        apart = f"{visit}\n\n{relation}"
        pair = ("gn-duisburg", "us-place-memphis")
        assert pair in found_pairs(web_detector, same, language, owner="gn-duisburg"), language
        assert pair not in found_pairs(web_detector, apart, language, owner="gn-duisburg"), language


def test_a_title_lends_its_relation_to_the_paragraph_under_it(web_detector):
    text = "Städtepartnerschaft Duisburg\n\nEin Chor aus Duisburg besuchte im Mai Memphis und Chicago."
    assert ("gn-duisburg", "us-place-memphis") in found_pairs(web_detector, text, "de", owner="gn-duisburg")


_LEAD_IN = {
    "en": (
        "Many German and American towns are sister cities, and some of these ties are introduced below.",
        "Duisburg and Memphis: their exchange of students and choirs is especially strong in music and sport.",
    ),
    "it": (
        "Esistono molti gemellaggi tra città tedesche e americane e alcuni di essi sono presentati qui sotto.",
        "Duisburg e Memphis: lo scambio di studenti e di cori è particolarmente forte nella musica e nello sport.",
    ),
}


def test_a_lead_in_paragraph_lends_its_relation_to_the_list_items_under_it(web_detector):
    for language, (lead_in, item) in _LEAD_IN.items():
        listed = f"News\n\n{lead_in}\n\n  • {item}\n  • Chicago: a new exchange."
        assert ("gn-duisburg", "us-place-memphis") in found_pairs(web_detector, listed, language), language
        plain = f"{lead_in}\n\nAnother paragraph.\n\n{item} Chicago was next."
        assert ("gn-duisburg", "us-place-memphis") not in found_pairs(web_detector, plain, language), language


_TITLED = {
    "de": ("Städtepartnerschaft", "Das Wetter war im Mai gut. Die Gäste kamen müde an.", "Ein Chor aus Duisburg"),
    "en": ("Sister cities", "The weather was fine in May. The guests arrived late.", "A choir from Duisburg"),
}


def test_a_title_reaches_every_sentence_of_its_block(web_detector):
    visits = {"de": "besuchte Memphis und Chicago.", "en": "visited Memphis and Chicago."}
    for language, (title, filler, choir) in _TITLED.items():
        text = f"{title}\n{filler} {choir} {visits[language]}"
        assert ("gn-duisburg", "us-place-memphis") in found_pairs(web_detector, text, language), language
        untitled = f"{filler} {choir} {visits[language]}"
        assert ("gn-duisburg", "us-place-memphis") not in found_pairs(web_detector, untitled, language), language


def test_a_with_word_pairs_places_only_in_the_script_it_is_written_in():
    from analysis.collect.web.discourse import _pair_gap
    from analysis.collect.web.lexicon import load_lexicon, word_scripts

    with_words = word_scripts(load_lexicon(), "pair_with")
    assert _pair_gap(" s ", with_words) and _pair_gap(" с ", with_words)  # Czech "s", Bulgarian "с"
    assert _pair_gap(" με ", with_words) and not _pair_gap(" me ", with_words)  # Greek "με" is no Latin "me"
    assert not _pair_gap(" σε ", with_words) and not _pair_gap(" са ", with_words)  # Greek "to", Bulgarian "are"
