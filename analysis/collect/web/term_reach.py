"""Whether the relation term chosen for a partner mention reaches it (false ties by a term of the sentence or lent).

**A term that titles another partner** (:func:`titled_other`). A partner noun stands as the title of the name right after it ("Partnerstadt Dongguan", "partnerské provincii
Jiangsu", "sister city Kunming", "Partnerprovinz Shandong"): the noun phrase names that place's relation, so the
term's partner is that name. Another US or Chinese name of the sentence is then no partner by this term unless it
stands in the titled name's own enumeration ("zustersteden Changzou en Yangzhou": both titled): a place visited
before it ("die Hauptstadt Peking und der offiziellen Partnerstadt Dongguan"), the city that holds a titled
province ("Laizhou liegt in Bayerns Partnerprovinz Shandong"), or a place named after the titled one ("delegace z
partnerské provincie Jiangsu ... města Suqian"). The holder is :func:`lookalike.term_holder` (only spaces or a
parenthesis between the term and the name); the list separators are the lexicon's ``list_separator`` rows.

Not when the sentence holds another specific relation term (twin, friendship, agreement) that titles no other
partner: the mention may be that term's party. Nor for a weak or agreement term, a term that ends with a "with" or
"of" word (``pair_with``, ``of_word`` rows: a verb phrase, "twinned with China's Beijing"), a country named after the
term ("twinned with China"), or a mention after the titled name with an EU place between them (a second pair of a
distributed sentence: "Oss ... zusterstad Taizhou en in Tilburg ... uit Changzhou").

**A lent term and a venue** (:func:`lent_to_venue`). A sentence without a relation term of its own takes one from
a neighbouring sentence (:mod:`analysis.collect.web.segments`); a partner it names only after a locative preposition
("Kersenbloesemvelden bij de stad Jinan", "the signing took place in Beijing") is where something happened or lies,
not the party of a relation stated in another sentence. The prepositions are the ``locative_preposition`` rows
(:func:`discourse.after_locative`).

**A term that reaches another partner first** (:func:`past_other_partner`). A twin or friendship term followed by a
US or Chinese name, and then by the mention with no comma, semicolon, slash, list separator (``list_separator``
rows, and the ``list_separator_local`` rows of the text's language) or EU place between the two names: the mention is not coordinated with the term's first name, so it stands in
another phrase ("twinned with Wuhan since a visit by the mayor of Shanghai"), while "twinned with Wuhan and
Shanghai" keeps both. A country named after the term is no such name.
"""

from __future__ import annotations

import re

from analysis.collect.web.chains import local_conjunctions
from analysis.collect.web.discourse import after_locative, lexicon_words
from analysis.collect.web.lexicon import fold_for_matching
from analysis.collect.web.lookalike import term_holder
from analysis.collect.web.rules import RELATION_ORDER, STRONG_RELATIONS, WEAK_RELATIONS

# Punctuation that coordinates or separates phrases between two names.
_COORDINATION = re.compile(r"[,;/]")
# Between names of one enumeration: commas, slashes, brackets, dashes and the lexicon's list separators only.
_LIST_GAP = re.compile(r"[\s,;/()\-–]*")


def titled_other(
    text: str, mention, mentions, terms, relation_choice, lexicon, is_country_name, language: str | None = None
) -> str | None:
    """Why ``mention`` is no party of the relation term chosen for it (the term titles another partner), or None.
    ``is_country_name``: whether a folded name is a country's (a country after the term is no titled place)."""
    term = relation_choice.term
    if relation_choice.neighbour or term.kind not in STRONG_RELATIONS or _ends_with_joiner(term, lexicon):
        return None
    holder = term_holder(text, term, mentions, mention)
    if holder is None or _same_name(text, holder, mention):
        return None
    if is_country_name(fold_for_matching(text[holder.hit.orig_start : holder.hit.orig_end]).strip()):
        return None
    if mention.hit.orig_start >= holder.hit.orig_end and (
        _enumerated(text, holder, mention, mentions, _joiners(lexicon, language))
        or any(m.role == "eu" and holder.hit.orig_end <= m.hit.orig_start < mention.hit.orig_start for m in mentions)
    ):
        return None
    if mention.hit.orig_start < term.orig_end <= holder.hit.orig_start and _adjacent(text, mention, term):
        return None
    for other in terms:
        if other is term or other.kind not in RELATION_ORDER or other.kind in WEAK_RELATIONS:
            continue
        if other.orig_start < term.orig_end and term.orig_start < other.orig_end:
            continue  # a shorter term inside the titling one ("partner" in "partner province")
        held = term_holder(text, other, mentions, mention)
        if held is None or _same_name(text, held, mention):
            return None
    name = text[holder.hit.orig_start : holder.hit.orig_end]
    return f"the relation term '{term.text}' titles another partner ({name}): not this place's"


def _joiners(lexicon, language: str | None) -> frozenset[str]:
    """The list separators of every language (``list_separator`` rows) and the conjunctions of the text's language
    alone (:func:`chains.local_conjunctions`: Slovenian "in", Czech "a")."""
    return lexicon_words(lexicon, "list_separator") | local_conjunctions(lexicon, language)


def _ends_with_joiner(term, lexicon) -> bool:
    """Whether the term ends with a "with" or "of" word (``pair_with``, ``of_word`` rows: "twinned with",
    "zusammenarbeit mit"): a verb's or noun's object follows, not a titled name."""
    words = fold_for_matching(term.text).split()
    return bool(words) and words[-1] in lexicon_words(lexicon, "pair_with") | lexicon_words(lexicon, "of_word")


def _same_name(text: str, one, other) -> bool:
    """Whether two mentions spell the same name or share a place (a name repeated, or its two forms)."""
    if fold_for_matching(text[one.hit.orig_start : one.hit.orig_end]) == fold_for_matching(
        text[other.hit.orig_start : other.hit.orig_end]
    ):
        return True
    return bool({p.name for p in one.places} & {p.name for p in other.places})


def _adjacent(text: str, mention, term) -> bool:
    """The mention stands right before the term, with only spaces, a hyphen or a dash between ("Dallas – Brno
    Sister Cities"; "Wuxi-Partnerstadt"): the term's compound, not a separate noun phrase."""
    return not text[mention.hit.orig_end : term.orig_start].strip(" \t-–'’s")


def _enumerated(text: str, holder, mention, mentions, joiners: frozenset[str]) -> bool:
    """Whether ``mention`` follows ``holder`` in one enumeration: only names (with their qualifiers), list
    punctuation and list separators (``joiners``) between them."""
    between = sorted(
        (m for m in mentions if holder.hit.orig_end <= m.hit.orig_start and m.hit.orig_end <= mention.hit.orig_start),
        key=lambda m: m.hit.orig_start,
    )
    position = holder.hit.orig_end
    for item in [*between, mention]:
        gap = text[position : item.hit.orig_start]
        words = re.findall(r"[^\W\d_]+", fold_for_matching(gap))
        if not _LIST_GAP.fullmatch(re.sub(r"[^\W\d_]+", " ", gap)) or any(w not in joiners for w in words):
            return False
        position = item.hit.orig_end
    return True


def lent_to_venue(text: str, mention, relation_choice, lexicon, language: str | None = None) -> str | None:
    """Why a partner named after a locative preposition takes no relation term lent by a neighbouring sentence, or
    None (module docstring)."""
    if not relation_choice.neighbour or not after_locative(text, mention, lexicon, language):
        return None
    return "a place named after a locative preposition, with a relation term only in a neighbouring sentence: a venue"


def past_other_partner(
    text: str, mention, mentions, relation_choice, lexicon, is_country_name, language: str | None = None
) -> str | None:
    """Why a partner named after another partner that follows the relation term is not that term's party, or None
    (module docstring). ``is_country_name``: whether a folded name is a country's ("twinned with China's Beijing")."""
    term = relation_choice.term
    if relation_choice.neighbour or term.kind not in STRONG_RELATIONS or term.orig_end > mention.hit.orig_start:
        return None
    joiners = _joiners(lexicon, language)
    for other in mentions:
        if other.role != "partner" or _same_name(text, other, mention):
            continue
        if not term.orig_end <= other.hit.orig_start < other.hit.orig_end <= mention.hit.orig_start:
            continue
        if is_country_name(fold_for_matching(text[other.hit.orig_start : other.hit.orig_end]).strip()):
            continue
        gap = text[other.hit.orig_end : mention.hit.orig_start]
        if "\n" in gap or _COORDINATION.search(gap):
            continue
        if any(w in joiners for w in re.findall(r"[^\W\d_]+", fold_for_matching(gap))):
            continue
        if any(m.role == "eu" and other.hit.orig_end <= m.hit.orig_start < mention.hit.orig_start for m in mentions):
            continue
        name = text[other.hit.orig_start : other.hit.orig_end]
        return f"the relation term '{term.text}' reaches {name} first, with no coordination after it: not this place's"
    return None
