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
