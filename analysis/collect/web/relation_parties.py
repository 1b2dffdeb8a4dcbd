"""Whether a partner mention can be a party of its sentence's relation term, by the role of its noun phrase.

A relation term (a twinning noun, a partner-city noun, an agreement noun, "twinned with") takes places as its
parties. A place name that only qualifies another head noun is no such party: the noun phrase is an organisation's,
a building's or a venue's name ("Rocky River Golf Club", "Milford School di Boston", "Flughafen Los
Angeles", "Universität Wuhan", "Sala di Lorenzo"), so the relation joins organisations
(school and club twinning, a university agreement) or the place is only where the event stands. The head nouns are
the ``organisation_head`` rows of ``web_terms.csv`` (English in every page, the other EU languages in their own).

The name qualifies a head when, with nothing but spaces or hyphens between the words:

- a capitalised head follows it with one to :data:`_NAME_WORDS` capitalised name words between ("Rocky River Golf
  Club"). A head right after the name ("Wuhan University", "Middle School") is left alone: on the generalisation
  check it cost as many true ties as false ones it removed (session 19, h19r2prec);
- the head precedes it with at most that many capitalised words or one lower-case adjective, and an "of" word
  (``of_word`` rows, with an article) right before the name ("Olympian High School di San Diego", "Université de
  Wuhan");
- the head precedes it directly or with at most two capitalised words between ("Flughafen Los Angeles", "Universität
  Wuhan").

Exception: a relation term inside the organisation's name (its capitalised words, head and place) makes the place
the tie's party: the association is named after the tie ("Santa Monica Sister City Association", "Sister Cities
Committee of Boston", "ze spolku Dallas – Brno Sister Cities"), and so does an EU place in it (an organisation
named after the pair: "Associazione Montebelluna-San Diego"); so does, when the head stands before the name, a
relation term right after the name, with only punctuation, articles or an "of" word between (its apposition: "de
provinciale universiteit van Hebei, de zusterprovincie van Oost-Vlaanderen").
"""

from __future__ import annotations

import re

from analysis.collect.web.discourse import lexicon_words
from analysis.collect.web.lexicon import fold_for_matching
from analysis.collect.web.rules import RELATION_ORDER

_NAME_WORDS = 3
_SEPARATOR = re.compile(r"[ \t\u00a0\-‐‑]+")
_CAPITALISED = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-ſΑ-ΩА-Я0-9][\w'’.&]*")
_LOWER = re.compile(r"[a-zß-öø-ÿā-ſα-ωа-я][\w'’]*")
_ARTICLES = frozenset({"the", "la", "le", "l", "il", "lo", "el", "a", "o", "der", "die", "das", "de", "het"})
# Capitalised words before the head that belong to the organisation's name ("Santa Monica Sister City Association").
_NAME_BEFORE = re.compile(r"(?:[A-ZÀ-ÖØ-ÞĀ-ſΑ-ΩА-Я0-9][\w'’.&]*[ \-]+){1,4}$")
# Capitalised words after the place that go on with the organisation's name ("spolku Dallas – Brno Sister Cities").
_NAME_AFTER = re.compile(r"(?:[ \-–]+[A-ZÀ-ÖØ-ÞĀ-ſΑ-ΩА-Я0-9][\w'’.&]*){1,4}")
# Punctuation, articles and "of" words only: a relation term so close to the name is its apposition or its noun.
_APPOSITION_GAP = re.compile(r"[\s,;:–\-(]*")
_ELIDED_OF = re.compile(r"(?:d|l)['’]$", re.IGNORECASE)


def organisation_qualifier(text: str, mention, mentions, terms, lexicon) -> str | None:
    """Why the partner name of ``mention`` only qualifies an organisation, building or venue of its sentence
    (see the module docstring), or None when it may be a party of the relation term."""
    hit = mention.hit
    heads = [
        t
        for t in terms
        if t.kind == "organisation_head" and (t.orig_end <= hit.orig_start or t.orig_start >= hit.orig_end)
    ]
    of_words = lexicon_words(lexicon, "of_word")
    for head in heads:
        span = _span(text, hit, head, of_words)
        if span is None:
            continue
        if head.orig_end <= hit.orig_start and _apposed(text, hit, terms, lexicon):
            return None
        start, end = span
        before = _NAME_BEFORE.search(text[max(0, start - 80) : start])
        start -= len(before.group(0)) if before else 0
        after = _NAME_AFTER.match(text, end)
        end = after.end() if after else end
        if any(t.kind in RELATION_ORDER and t.orig_start < end and start < t.orig_end for t in terms):
            return None
        inside = [m for m in mentions if m.role == "eu" and start <= m.hit.orig_start and m.hit.orig_end <= end]
        if any(m.hit.orig_end <= head.orig_start or m.hit.orig_start >= head.orig_end for m in inside):
            return None
        return f"a place named in an organisation's or a building's name ('{text[start:end].strip()}'): no party"
    return None


def without_organisation_places(text: str, mentions: list, terms, lexicon) -> list:
    """``mentions`` with the EU places that only name an organisation, a building or a venue of the sentence (the
    rules of :func:`organisation_qualifier`: "Oswald-von-Nell-Breuning-Schule Rödermark – Liaocheng No. 1 Middle
    School" pairs two schools) as other places: no EU side of the sentence's tie. An association's or a club's
    head (``association_head`` rows) leaves its town the EU side: such a body acts for the town in its ties
    ("L'Associazione Aquilonia-Carbonara ... hanno ufficializzato il patto di gemellaggio")."""
    heads = [t for t in terms if not (t.kind == "organisation_head" and _association(text, t, lexicon))]
    out = []
    for mention in mentions:
        rest = [m for m in mentions if m is not mention]
        if mention.role == "eu" and organisation_qualifier(text, mention, rest, heads, lexicon):
            mention = mention._replace(role="other")
        out.append(mention)
    return out


def _association(text: str, head, lexicon) -> bool:
    """Whether an organisation head found in ``text`` is an association's or a club's (``association_head``)."""
    from analysis.collect.web.lexicon import is_term_word

    return is_term_word(fold_for_matching(text[head.orig_start : head.orig_end]).strip(), "association_head", lexicon)


def _span(text: str, hit, head, of_words: frozenset[str]) -> tuple[int, int] | None:
    """The (start, end) of the noun phrase in which the name qualifies ``head``, or None."""
    if head.orig_start >= hit.orig_end:
        if not text[head.orig_start : head.orig_start + 1].isupper():
            return None
        gap = text[hit.orig_end : head.orig_start]
        words = _words(gap)
        if words and len(words) <= _NAME_WORDS and all(_CAPITALISED.fullmatch(w) for w in words):
            return hit.orig_start, head.orig_end
        return None
    gap = text[head.orig_end : hit.orig_start]
    direct = _words(gap)
    if gap and direct is not None and len(direct) <= 2 and all(_CAPITALISED.fullmatch(w) for w in direct):
        return head.orig_start, hit.orig_end
    if _ELIDED_OF.search(gap):
        gap, last = gap[:-2], ["d'"]
    else:
        gap, last = gap, []
    words = _words(gap)
    if words is None:
        return None
    words += last
    folded = [fold_for_matching(w).strip() for w in words]
    while len(folded) > 1 and folded[-1] in _ARTICLES:
        folded, words = folded[:-1], words[:-1]
    if not folded or (folded[-1] not in of_words and folded[-1].replace("’", "'") not in of_words):
        return None
    inner = words[:-1]
    capitalised = len(inner) <= _NAME_WORDS and all(_CAPITALISED.fullmatch(w) for w in inner)
    adjective = len(inner) == 1 and _LOWER.fullmatch(inner[0]) is not None
    return (head.orig_start, hit.orig_end) if capitalised or adjective else None


def _words(gap: str) -> list[str] | None:
    """The words of a gap that holds only words, spaces and hyphens (None when it holds other punctuation)."""
    if not gap.strip(" \t\u00a0-‐‑"):
        return []
    if re.search(r"[^\w\s'’.&\-‐‑]", gap) or re.search(r"\.\s", gap):
        return None
    return [w for w in _SEPARATOR.split(gap) if w]


def _apposed(text: str, hit, terms, lexicon) -> bool:
    """Whether a relation term follows the name, with only punctuation, articles or an "of" word between: the name
    has it as its apposition ("Hebei, de zusterprovincie van Oost-Vlaanderen"), a party whatever head stands before
    it."""
    joiners = _ARTICLES | lexicon_words(lexicon, "of_word")
    for term in terms:
        if term.kind not in RELATION_ORDER:
            continue
        if term.orig_start < hit.orig_end:
            continue
        gap = text[hit.orig_end : term.orig_start]
        words = re.findall(r"[^\W\d_][\w']*", fold_for_matching(gap))
        if (
            len(words) <= 2
            and _APPOSITION_GAP.fullmatch(re.sub(r"[^\W\d_]+", " ", gap))
            and all(w in joiners for w in words)
        ):
            return True
    return False
