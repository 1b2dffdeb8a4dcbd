"""Whether a weak relation term (a cooperation, relation, contact or partnership noun) names its two parties.

A weak relation term counts without a municipal word in the sentence only when its two parties, an EU place and
the partner, are both named around it in one clause, so that places (not companies, universities or people) are
what it relates:

- the term stands before both, joined to them by "with", "between", "and" or a possessive ("partnerství Prahy s
  Pekingem", "Zusammenarbeit zwischen Duisburg und Wuhan", "Duisburgs Kooperation mit Wuhan");
- one party is the subject of the clause, at most :data:`_SUBJECT_WORDS` words before the term (its verb, an
  article, an adverb or adjective: "Cork, which has close ties with Shanghai", "So verbindet Apolda etwa eine
  Partnerschaft mit Rapid City"; "Šanghaj pozastavila oficiální styky s Prahou"), the other the term's object right
  after it ("with", an article or a city word between), and no other place between;
- the partner stands in a pair with an EU place after the term, an elliptic enumeration of pairs ("verbindet
  Apolda eine Partnerschaft mit Rapid City, Eisenach mit Waverly");
- the two parties are a coordinated subject ("Bayern und Shandong unterhalten seit 1987 eine partnerschaftliche
  Verbindung") at most :data:`_SUBJECT_WORDS` words before the term, no place after it.
"""

from __future__ import annotations

import re

from analysis.collect.web.discourse import lexicon_words, paired_eu
from analysis.collect.web.lexicon import fold_for_matching, word_scripts

_SUBJECT_WORDS = 4
# Sentence-internal punctuation that closes a clause (a comma does not: "Cork, which has close ties with ...").
_CLAUSE_END = re.compile(r"[.;:!?\n()]")


def parties_named(text, term, mention, mentions, lexicon, conjunctions, terms=()) -> bool:
    """Whether the EU place and the partner ``mention`` are the named parties of ``term`` (module docstring);
    ``terms`` (the sentence's terms) tell an organisation's head noun after a subject place ("Esslingen University
    has ties with ...": the university, not the place, is the party)."""
    joiners = lexicon_words(lexicon) | lexicon_words(lexicon, "between_word") | conjunctions
    return (
        _term_first(text, term, mention, mentions, joiners)
        or _subject_and_object(text, term, mention, mentions, lexicon, conjunctions, terms)
        or _pair_after(text, term, mention, mentions, lexicon)
    )


def _term_first(text, term, mention, mentions, joiners) -> bool:
    """The term before both parties: "partnerství Prahy s Pekingem", "Duisburgs Kooperation mit Wuhan"."""
    if term.orig_end > mention.hit.orig_start:
        return False
    eu = [m for m in mentions if m.role == "eu"]
    inside = [m for m in eu if term.orig_end <= m.hit.orig_start and m.hit.orig_end <= mention.hit.orig_start]
    if len(inside) == 1:
        rest = (
            text[term.orig_end : inside[0].hit.orig_start] + " " + text[inside[0].hit.orig_end : mention.hit.orig_start]
        )
        return _only(rest, joiners)
    before = [m for m in eu if 0 <= term.orig_start - m.hit.orig_end <= 2]
    return bool(before) and _only(text[term.orig_end : mention.hit.orig_start], joiners)


def _pair_after(text, term, mention, mentions, lexicon) -> bool:
    """The partner in a pair with an EU place ("Eisenach mit Waverly", "Cork – Boston") after the term: the pairs
    of an elliptic enumeration name the term's parties ("verbindet Apolda eine Partnerschaft mit Rapid City,
    Eisenach mit Waverly, Erfurt mit Shawnee")."""
    if term.orig_end > mention.hit.orig_start:
        return False
    eu = paired_eu(text, mentions, mention, word_scripts(lexicon, "pair_with"), lexicon_words(lexicon, "pair_filler"))
    return eu is not None and term.orig_end <= eu.hit.orig_start


def _subject_and_object(text, term, mention, mentions, lexicon, conjunctions, terms) -> bool:
    """One party the clause's subject shortly before the term, the other its object right after it, or both a
    coordinated subject before it. A place after a preposition ("a firm from Esslingen") or followed by an
    organisation's head noun ("Esslingen University") is no subject."""
    places = sorted((m for m in mentions if m.role in ("eu", "partner")), key=lambda m: m.hit.orig_start)
    before = [m for m in places if m.hit.orig_end <= term.orig_start]
    after = [m for m in places if m.hit.orig_start >= term.orig_end]
    if not before or not _subject_gap(text[before[-1].hit.orig_end : term.orig_start]):
        return False
    subject = before[-1]
    heads = [t for t in terms if t.kind == "organisation_head"]
    if any(subject.hit.orig_end <= t.orig_start and t.orig_end <= term.orig_start for t in heads):
        return False
    objects = lexicon_words(lexicon) | lexicon_words(lexicon, "pair_filler")
    if after and _only(text[term.orig_end : after[0].hit.orig_start], objects):
        pair = {subject.role, after[0].role}
        return pair == {"eu", "partner"} and mention in (subject, after[0]) and _heads(text, subject, lexicon)
    if len(before) < 2:
        return False
    first = before[-2]
    joined = _only(text[first.hit.orig_end : subject.hit.orig_start], conjunctions)
    pair = {first.role, subject.role}
    return joined and pair == {"eu", "partner"} and mention in (first, subject) and _heads(text, first, lexicon)


def _heads(text, place, lexicon) -> bool:
    """Whether the place heads its noun phrase: no preposition right before it ("a firm from Esslingen")."""
    preceding = fold_for_matching(text[max(0, place.hit.orig_start - 12) : place.hit.orig_start]).split()
    return not preceding or preceding[-1] not in lexicon_words(lexicon, "qualifier_preposition")


def _subject_gap(gap: str) -> bool:
    """At most :data:`_SUBJECT_WORDS` words and no clause end between the subject and the term."""
    return not _CLAUSE_END.search(gap) and len(fold_for_matching(gap).split()) <= _SUBJECT_WORDS


def _only(gap: str, words) -> bool:
    return all(w in words for w in fold_for_matching(gap).split())
