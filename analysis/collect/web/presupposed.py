"""Whether a sentence presupposes its tie as existing, so that planned cues around it are about something else.

Two signs, in every language: the relation term is the partner's title ("Mainz's sister city Louisville will host a
delegation next year"; "die Partnerstadt Louisville wird ... empfangen"), or a word of the lexicon kind
``status_existing`` stands by the relation term: an anniversary ("celebrated 30 years of twinning and plan new
exchanges"; "Jubiläum"; "výročí") or the strengthening of the tie ("wollen ihre Städtepartnerschaft vertiefen";
"versterken"; "rafforzare"). :func:`analysis.collect.web.status.status` then reads the planned cues as activities of
the tie, unless one qualifies the relation term itself ("future sister city", "geplante Partnerstadt").
"""

from __future__ import annotations

import re

from analysis.collect.web.lexicon import fold_for_matching

EXISTING = "status_existing"
TITLE_KINDS = frozenset({"twin", "friendship"})
# How close to the relation term an anniversary or strengthening word stands ("30 years of twinning"; "jubileum van
# de stedenband"; "ihre Städtepartnerschaft vertiefen").
_EXISTING_GAP = 30
# How much longer the stretch may be when it holds the partner itself: the pair named after the relation term ("the
# twinning between Mainz and Louisville celebrates its anniversary"), whose "and" joins the two places and breaks
# no clause.
_PAIR_GAP = 60
_TITLE_GAP = re.compile(r"[\s\"'“”„«»‘’]{1,3}")
_BREAK = re.compile(r"[,;:.!?()]")
_WORDS = re.compile(r"[^\W\d_]+")


def presupposed(terms, mention, relation_term, text: str | None, separators=frozenset()) -> tuple[str, bool] | None:
    """Why the tie is presupposed to exist (see the module docstring) and whether by the partner's title, or None.

    An anniversary or strengthening word counts in the relation term's own clause only: no punctuation and no
    conjunction (``separators``, folded) between them, unless the stretch holds the partner (the "between X and Y" pair
    after the relation term) ("Kontakte ... zu intensivieren und in eine formale Städtepartnerschaft zu überführen" strengthens the
    contacts, not the partnership)."""
    if relation_term is None or text is None:
        return None
    title = relation_term.kind in TITLE_KINDS and relation_term.orig_end <= mention.hit.orig_start
    if title and _TITLE_GAP.fullmatch(text[relation_term.orig_end : mention.hit.orig_start]):
        return f"the relation term '{relation_term.text}' is the partner's title", True
    for t in terms:
        if t.kind != EXISTING:
            continue
        if t.orig_end <= relation_term.orig_start:
            start, end = t.orig_end, relation_term.orig_start
        else:
            start, end = relation_term.orig_end, t.orig_start
        between = text[start:end]
        pair = start <= mention.hit.orig_start < end  # "the twinning between Mainz and Louisville celebrates ..."
        if end - start > _EXISTING_GAP + (_PAIR_GAP if pair else 0) or _BREAK.search(between):
            continue
        if pair or not any(fold_for_matching(w).strip() in separators for w in _WORDS.findall(between)):
            return f"'{t.text}' by the relation term: an existing tie", False
    return None
