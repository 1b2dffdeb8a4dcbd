"""Partner mentions that stand in a sentence with a real relation term but are not the EU place's partner.

Checked by :mod:`analysis.collect.web.detect` once the relation term is chosen (step 4), each a class of false ties
seen on real pages, with the reason the finding is dropped:

- a **state or province named as a location**: after a locative preposition and an optional state word ("die
  Kreisstadt im US-Bundesstaat Illinois"; "within the state of Maryland"; "in der Provinz Jiangsu"): where the
  partner lies, not the partner;
- **the partner of the partner**: the relation term belongs to a US or Chinese place ("Neben Mainz hat Louisville
  folgende Partnerstädte: ... Jiujiang (China)"; "the sister cities of Louisville: ..."): the US or Chinese places it
  lists are that place's partners;
- **"Twin Cities" as a place**: a partner name right beside the place name Twin Cities and farther from the real
  relation term ("bildet in den USA mit Minneapolis die Twin Cities").
"""

from __future__ import annotations

import re

from analysis.collect.web.discourse import _phrases, lexicon_words
from analysis.collect.web.lexicon import fold_for_matching

# At most this many words between a place and the relation term it holds ("hat Louisville folgende Partnerstädte").
_HOLDER_WORDS = 2
_HOLDER_GAP = re.compile(r"[^\W\d_]+")
_OF_WORDS = frozenset({"of", "von", "de", "di", "du", "des", "del", "della", "van", "da"})
_ARTICLES = frozenset({"the", "der", "dem", "den", "die", "la", "le", "l", "el", "lo", "il", "o", "a", "het", "de"})
_TWIN_CITIES_GAP = 25


def problem(lexicon, text: str, mention, mentions, terms, relation_choice) -> str | None:
    """Why the partner ``mention`` is no partner of an EU place in this sentence, or None (module docstring)."""
    return (
        _state_as_location(lexicon, text, mention, terms)
        or _partner_of_partner(lexicon, text, mention, mentions, relation_choice)
        or _twin_cities_place(mention, terms, relation_choice)
    )


def _state_as_location(lexicon, text: str, mention, terms) -> str | None:
    """A state or province (a US town of the same name too, when a state word precedes it: "the state of Maryland")
    after a locative preposition."""
    if not any(p.role == "admin1" for p in mention.places):
        return None
    start = mention.hit.orig_start
    for t in terms:
        if (
            t.kind in ("state_word", "province_word")
            and t.orig_end <= start
            and not text[t.orig_end : start].strip(" -")
        ):
            start = t.orig_start
    only_admin1 = all(p.role == "admin1" for p in mention.places if p.role in ("partner", "admin1"))
    if start == mention.hit.orig_start and not only_admin1:
        return None
    words = fold_for_matching(text[max(0, start - 40) : start]).split()
    if words and words[-1] in _ARTICLES:
        words = words[:-1]
    before = " " + " ".join(words)
    if any(before.endswith(" " + phrase) for phrase in _phrases(lexicon, "locative_preposition")):
        return "a state or province named as a location (after a locative preposition): where a partner lies"
    return None


def _partner_of_partner(lexicon, text: str, mention, mentions, relation_choice) -> str | None:
    """The relation term is held by another US/Chinese place right before it or right after it with an "of" word, and
    the partner stands in the list that a colon opens after the term (not after a semicolon, not paired with a place
    of its own): "Esslingen ist Partnerstadt von Saint Paul und Minneapolis" lists Esslingen's partners."""
    term = relation_choice.term
    if relation_choice.neighbour or term.orig_end > mention.hit.orig_start:
        return None
    listed = text[term.orig_end : mention.hit.orig_start]
    if ":" not in listed or ";" in listed:
        return None
    after = fold_for_matching(text[mention.hit.orig_end : mention.hit.orig_end + 12]).split()
    if after and after[0] in lexicon_words(lexicon):
        return None  # paired with a place of its own ("East Providence com Ribeira Grande")
    for other in mentions:
        if other is mention or other.role != "partner" or other.hit.orig_start >= mention.hit.orig_start:
            continue
        if other.hit.orig_end <= term.orig_start:
            gap = text[other.hit.orig_end : term.orig_start]
            holds = not re.search(r"[,.;:()–—]", gap) and len(_HOLDER_GAP.findall(gap)) <= _HOLDER_WORDS
        else:
            gap = fold_for_matching(text[term.orig_end : other.hit.orig_start]).split()
            holds = 1 <= len(gap) <= 2 and gap[0] in _OF_WORDS
        if holds:
            name = text[other.hit.orig_start : other.hit.orig_end]
            return f"the partner of the partner: the relation term belongs to {name}, whose partners the sentence lists"
    return None


def _twin_cities_place(mention, terms, relation_choice) -> str | None:
    """A name beside the place name Twin Cities, nearer to it than to the relation term, is part of that place."""
    hit = mention.hit
    for t in terms:
        if t.kind != "lookalike_twin_cities":
            continue
        distance = max(t.orig_start - hit.orig_end, hit.orig_start - t.orig_end)
        if 0 <= distance <= _TWIN_CITIES_GAP:
            term = relation_choice.term
            to_relation = max(term.orig_start - hit.orig_end, hit.orig_start - term.orig_end)
            if to_relation > distance:
                return "lookalike_twin_cities: a partner name beside the place name Twin Cities, not a partner"
    return None
