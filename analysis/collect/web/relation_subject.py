"""A town named at the very start of a sentence as the subject or owner of its twinning.

The detector skips a one-word EU town outside the frame at the start of a sentence (German "Auch", "Nun" are
capitalised there: :meth:`analysis.collect.web.detect.Detector._mentions`). Local news names its own town there
as the subject of the tie: "Naas is twinned with ...", "Kinsale has been twinned with ...", "Youghal's sister
city ...", "Cobh, twinned with ...", "Vara är vänort med ...". Such a name is read as a place when a twin or
friendship term follows it after at most a few of the language's auxiliaries and adverbs (``subject_auxiliary``
rows of ``web_terms.csv``; at most ``subject_gap_words`` in ``web_detect_rules.csv``; Swedish "Vara vi stolta över
vänorten" has a pronoun there and stays a verb) and the town lies in a country of the text's language (a capitalised word of the language that happens to be a
foreign town's name is no subject: German "Auch" is a French town).
"""

from __future__ import annotations

import re

from analysis.collect.web.eu_forms import language_countries
from analysis.collect.web.lexicon import Lexicon, fold_for_matching, word_sets
from analysis.collect.web.matcher import NameHit, TermHit

_RELATION_KINDS = ("twin", "friendship")
_POSSESSIVE = re.compile(r"^['’]s?(?=[\s,])")
_STOP = re.compile(r"[\d.;:!?()\[\]\"“”«»]")


def relation_subject(
    text: str, hit: NameHit, places: tuple, terms: list[TermHit], language: str | None, lexicon: Lexicon
) -> bool:
    """Whether the sentence-initial name ``hit`` (of EU ``places``) is the subject or possessor of a twin or
    friendship term right after it, in a country of ``language``."""
    countries = language_countries(language)
    if not any(p.role == "eu" and p.country_iso2 in countries for p in places):
        return False
    limit = int(lexicon.rules["subject_gap_words"])
    words = word_sets(lexicon, "subject_auxiliary").get(language, frozenset())
    return any(
        term.kind in _RELATION_KINDS and term.orig_start >= hit.orig_end and _short_gap(text, hit, term, limit, words)
        for term in terms
    )


def _short_gap(text: str, hit: NameHit, term: TermHit, limit: int, words: frozenset[str]) -> bool:
    """At most ``limit`` of the auxiliary ``words`` (and a possessive, commas) between the name and the term."""
    gap = _POSSESSIVE.sub("", text[hit.orig_end : term.orig_start])
    if _STOP.search(gap):
        return False
    tokens = fold_for_matching(gap.replace(",", " ")).split()
    return len(tokens) <= limit and all(token in words for token in tokens)
