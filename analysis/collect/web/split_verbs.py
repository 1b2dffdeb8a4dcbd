"""Status cues of separable verbs whose particle stands at the end of the clause ("Kiel setzt die Partnerschaft mit
Qingdao aus"; "Arnhem zet de stedenband met Wuhan stop"; "Tallinn ütles lepingu üles").

The lexicon kinds ``ended_split`` and ``planned_split`` (``web_terms.csv``) list each verb as "finite form + particle"
("setzt aus", "zet stop"). The matcher finds them only when the two words touch; here the finite form and the
particle are read apart: the particle must close the same clause (punctuation or the text's end right after it), with
no sentence or clause break between them and no negation word of the language right before the particle ("setzt die
Partnerschaft nicht aus"). A found verb is a cue of kind ``ended`` or ``planned`` at the finite form, read by
:func:`analysis.collect.web.status.status` like any other cue.

In Swedish and Danish the particle does not close the clause: it follows the verb, and after a fronted adverbial the
subject, and in Danish an object, stands between them ("I september sade Mora kommun upp avtalet"; "Derfor sagde
kommunen aftalen op"). The kind ``ended_inverted`` lists such verbs; their particle must follow the finite form within
:data:`_SUBJECT_WORDS` words, in the same clause, with no negation word right before it.
"""

from __future__ import annotations

import re

from analysis.collect.web.lexicon import derived, fold_for_matching
from analysis.collect.web.matcher import TermHit

SPLIT_KINDS = {"ended_split": "ended", "planned_split": "planned", "ended_inverted": "ended"}
_INVERTED = "ended_inverted"
# How many words the inverted subject between the finite form and the particle may hold ("sade Mora kommun upp").
_SUBJECT_WORDS = 4
# How far after the finite form the particle may close the clause.
_REACH = 120
_CLAUSE_BREAK = re.compile(r"[.;:!?\n]")
_PUNCTUATION = re.compile(r"[,.;:!?()\n]")
_CLAUSE_END = re.compile(r"\s*(?:[,.;:!?)\n]|$)")
_WORDS = re.compile(r"[^\W\d_]+")


def _verbs(lexicon) -> list[tuple[str, str, str, str, str, bool]]:
    """(status kind, language, term, finite form, particle, inverted) of every split-verb row, lower-cased."""

    def read() -> list[tuple[str, str, str, str, str, bool]]:
        found = []
        for t in lexicon.terms:
            if t.kind in SPLIT_KINDS and len(t.text.split()) == 2:
                finite, particle = t.text.lower().split()
                found.append((SPLIT_KINDS[t.kind], t.language, t.text, finite, particle, t.kind == _INVERTED))
        return found

    return derived(lexicon, ("split_verbs",), read)


def split_cues(text: str | None, lexicon, start: int, end: int, negations) -> list[TermHit]:
    """The split-verb cues whose finite form lies in ``text[start:end]`` (see the module docstring); ``negations``
    maps a language to its folded negation words."""
    if text is None or lexicon is None:
        return []
    lowered = text[start : end + _REACH].lower()  # only the sentence and the reach after it: pages can be long
    cues = []
    for kind, language, term, finite, particle, inverted in _verbs(lexicon):
        read = _after_subject if inverted else _closed_by
        for verb in re.finditer(rf"(?<!\w){re.escape(finite)}(?!\w)", lowered[: end - start]):
            if read(lowered, verb.end(), particle, negations.get(language, frozenset())):
                verb_start, verb_end = start + verb.start(), start + verb.end()
                cues.append(TermHit(kind, language, term, verb_start, verb_end, verb_start, verb_end))
    return cues


def _closed_by(lowered: str, after: int, particle: str, negations) -> bool:
    """Whether ``particle`` closes the clause that goes on at ``after``, with no negation word right before it."""
    stretch = lowered[after : after + _REACH]
    cut = _CLAUSE_BREAK.search(stretch)
    stretch = stretch[: cut.start() + 1] if cut else stretch
    for found in re.finditer(rf"(?<!\w){re.escape(particle)}(?!\w)", stretch):
        if not _CLAUSE_END.match(stretch, found.end()):
            continue
        before = _WORDS.findall(fold_for_matching(stretch[: found.start()]))
        return not (before and before[-1] in negations)
    return False


def _after_subject(lowered: str, after: int, particle: str, negations) -> bool:
    """Whether ``particle`` follows at ``after`` within :data:`_SUBJECT_WORDS` words of the same clause (an inverted
    subject between: "sade Mora kommun upp"), with no negation word right before it; right after the verb, the matcher
    has read it already."""
    stretch = lowered[after : after + _REACH]
    cut = _PUNCTUATION.search(stretch)
    words = _WORDS.findall(fold_for_matching(stretch[: cut.start()] if cut else stretch))[: _SUBJECT_WORDS + 1]
    folded = fold_for_matching(particle).strip()
    if folded not in words[1:]:
        return False
    at = words.index(folded, 1)
    return words[at - 1] not in negations
