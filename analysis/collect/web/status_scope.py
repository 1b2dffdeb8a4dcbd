"""Which clause a status cue governs: a cue in an embedded clause speaks of that clause, not of the sentence's tie.

A relative clause ("Mainz, which will host a delegation next year, has been twinned with Wuhan since 1990"; "Kiel, die
... plant"; "Arezzo, che firmerà ...") or a parenthesis modifies the word before it: a plan or an ending stated there
is about that word. A relative clause opens with a comma and a relative pronoun of the cue's language (lexicon kind
``relative_pronoun``, all EU languages) and runs to the next punctuation mark; a parenthesis runs from "(" to ")". A
cue in such a clause counts for the partner only when the clause holds the partner or the relation term or opens right
after one of them, its antecedent then being the tie itself ("eine Städtepartnerschaft mit Wuhan, die 2022 ausgesetzt
wurde"; "the twinning (suspended in 2022)").
"""

from __future__ import annotations

import re

from analysis.collect.web.lexicon import fold_for_matching, word_sets
from analysis.collect.web.rules import RELATION_ORDER

PRONOUN_KIND = "relative_pronoun"
ACTIVITY = "status_activity"
# How far after a planned or ended cue an activity word stands as its complement ("plans to visit"; "preparing the
# upcoming visit"; "wstrzymała wymianę").
_ACTIVITY_GAP = 20
_BREAK = re.compile(r"[,;:.!?()\n]")
_OPENING = re.compile(r",\s*([^\W\d_]+)")
_CLAUSE_END = re.compile(r"[,;:.!?()\n]")
_PARENTHESIS = re.compile(r"\([^()\n]*\)")
# How far before a clause's comma or parenthesis the partner or the relation term may end for the clause to be about
# it ("Wuhan, which ..."; "the twinning with Wuhan (suspended ...)").
_ANTECEDENT_GAP = 2


def _pronouns(lexicon) -> dict[str, frozenset[str]]:
    """The folded relative pronouns by language."""
    return word_sets(lexicon, PRONOUN_KIND)


def embedded(text: str, language: str, lexicon, start: int, end: int) -> list[tuple[int, int]]:
    """The relative clauses and parentheses of ``text[start:end]`` (see the module docstring) as spans."""
    pronouns = _pronouns(lexicon).get(language, frozenset())
    spans = [(m.start(), m.end()) for m in _PARENTHESIS.finditer(text, start, end)]
    for opening in _OPENING.finditer(text, start, end):
        if fold_for_matching(opening.group(1)).strip() not in pronouns:
            continue
        close = _CLAUSE_END.search(text, opening.end(), end)
        spans.append((opening.start(1), close.start() if close else end))
    return spans


def _opening(text: str, span: tuple[int, int]) -> int:
    """Where the clause of ``span`` opens: its comma or its parenthesis."""
    return text.rfind("," if text[span[0]] != "(" else "(", 0, span[0] + 1)


def _innermost(position: int, spans) -> tuple[int, int] | None:
    holding = [s for s in spans if s[0] <= position < s[1]]
    return min(holding, key=lambda s: s[1] - s[0]) if holding else None


def other_clause(text: str | None, cue, targets, lexicon, reach: int = 300) -> bool:
    """Whether the cue stands in a relative clause or parenthesis that holds none of ``targets`` ((start, end) of the
    partner and of the relation term) and does not open right after one of them (its antecedent is then the tie). A
    cue of the main clause stays: the words that open a relative clause also open infinitive and that-clauses ("Die
    Fraktion beantragt, die Städtepartnerschaft ... aufzulösen"), so a tie inside such a clause is not set apart."""
    if text is None or lexicon is None or not targets:
        return False
    start = max(0, min(cue.orig_start, *(t[0] for t in targets)) - reach)
    end = min(len(text), max(cue.orig_end, *(t[1] for t in targets)) + reach)
    spans = embedded(text, cue.language, lexicon, start, end)
    if not spans:
        return False
    own = _innermost(cue.orig_start, spans)
    if own is None:  # a cue of the main clause: "der/die/das", "die/dat", "that", "que" also open other clauses
        return False
    if any(0 <= _opening(text, own) - t[1] <= _ANTECEDENT_GAP for t in targets):
        return False
    return all(_innermost(t[0], spans) != own for t in targets)


def own_clause(cues, terms, text: str | None, mention, relation_term, lexicon) -> list:
    """The cues that do not stand in another clause than the partner's tie (:func:`other_clause`) and do not govern an
    activity (:func:`_about_activity`)."""
    targets = [(mention.hit.orig_start, mention.hit.orig_end)]
    targets += [(relation_term.orig_start, relation_term.orig_end)] if relation_term is not None else []
    kept = [t for t in cues if not other_clause(text, t, targets, lexicon)]
    return [t for t in kept if not _about_activity(t, terms, text)]


def _about_activity(cue, terms, text: str | None) -> bool:
    """Whether a word of kind ``status_activity`` (a visit, a meeting, a celebration, an exchange) follows the cue as
    its complement: within :data:`_ACTIVITY_GAP` characters after it, with no punctuation and no relation term between,
    and not inside the cue ("aim of the visit" is a cue of its own)."""
    if text is None:
        return False
    relations = [t.orig_start for t in terms if t.kind in RELATION_ORDER]
    for word in (t for t in terms if t.kind == ACTIVITY):
        gap = word.orig_start - cue.orig_end
        between = 0 <= gap <= _ACTIVITY_GAP and not _BREAK.search(text[cue.orig_end : word.orig_start])
        if between and not any(cue.orig_end <= r < word.orig_end for r in relations):
            return True
    return False
