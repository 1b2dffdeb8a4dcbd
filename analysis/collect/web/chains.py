"""Enumerations of place names in a sentence: which names stand in one list ("Vienne (France), Neath und
Sheboygan"; "la région Aquitaine et la ville de Bordeaux"), the EU places paired with a partner as a run, and the
partner mentions that do not share the partner's list (its rivals for a status cue).

Used by :mod:`analysis.collect.web.rules` (attribution) and :mod:`analysis.collect.web.detect` (status scope); the
conjunctions, prepositions and fillers are the lexicon's (``list_separator``, ``qualifier_preposition``,
``pair_filler``, ``of_word`` rows of ``web_terms.csv``).
"""

from __future__ import annotations

import re

from analysis.collect.web.lexicon import derived, fold_for_matching, name_key, word_sets
from analysis.core.countries import country_to_iso2

_GAP_PUNCTUATION = re.compile(r"[\s,;&+/\-–—()\[\]'\"]+")
_PARENTHETICAL = re.compile(r"\([^()]{0,80}\)")


def eu_run(text, mentions, paired, lexicon, partner=None, language: str | None = None) -> list:
    """The EU place paired with a partner and the EU places enumerated with it on the side away from the partner
    ("East Providence com Ribeira Grande e Vila Franca do Campo"; "Tõrva and Valga with Oakland": both are the
    partner's pair), up to the first other place."""
    chain = chain_of(text, mentions, paired, lexicon, language)
    at = chain.index(paired)
    before = partner is not None and paired.hit.orig_start < partner.hit.orig_start
    side = chain[at::-1] if before else chain[at:]
    run = []
    for m in side:
        if m.role != "eu":
            break
        run.append(m)
    return sorted(run, key=lambda m: m.hit.orig_start)


def chain_of(text, mentions, mention, lexicon, language: str | None = None) -> list:
    """The enumeration the mention stands in: place mentions joined only by commas, conjunctions (those of all
    languages, and the text's ``language``'s own: Czech and Slovak "a", Slovenian "in"), parenthesised qualifiers or
    country names ("Vienne (France), Neath und Sheboygan"), or by a conjunction with an article, a town word and "of"
    ("la région Aquitaine et la ville de Bordeaux")."""
    words = conjunctions(lexicon, language)
    places = [m for m in mentions if m.role in ("partner", "eu", "other")]
    chains: list[list] = []
    previous_end = None
    for m in mentions:
        if m.role == "qualifier":
            previous_end = m.hit.orig_end
            continue
        if m not in places:
            continue
        if chains and previous_end is not None and _joins(text[previous_end : m.hit.orig_start], words):
            chains[-1].append(m)
        else:
            chains.append([m])
        previous_end = m.hit.orig_end
    for chain in chains:
        if mention in chain:
            return chain
    return [mention]


def _joins(gap: str, words_of: tuple[frozenset[str], ...]) -> bool:
    """Whether the text between two place names keeps them in one enumeration: only punctuation, conjunctions,
    parentheses, and a country name (with a preposition: "in Wales; Coventry"); or a conjunction followed only by
    articles, town words and "of" words (``pair_filler``, ``of_word``: "et la ville de", "and the city of", "und der
    Stadt"): the second place is named with its type, as the first may be ("la région Aquitaine")."""
    joiners, prepositions = words_of[0], words_of[1]
    fillers = words_of[2] if len(words_of) > 2 else frozenset()
    gap = _PARENTHETICAL.sub(" ", gap)
    all_words = [w for w in _GAP_PUNCTUATION.split(fold_for_matching(gap)) if w]
    words = [w for w in all_words if w not in joiners]
    if words and len(words) < len(all_words) and all_words[0] in joiners and all(w in fillers for w in words):
        return True
    if words and words[0] in prepositions:
        words = words[1:]
    if words and words[0] in ("the", "la", "le", "der", "die"):
        words = words[1:]
    if not words:
        return True
    leftover = " ".join(words)
    if len(leftover) >= 4 and len(words) <= 3 and country_to_iso2(leftover) is not None:
        return True
    capitalised = [w for w in gap.replace("(", " ").replace(")", " ").split() if w[:1].isupper()]
    return len(words) <= 3 and len(capitalised) == len(words)


_ARTICLES = frozenset(
    {"the", "la", "le", "les", "l'", "der", "die", "das", "dem", "den", "el", "il", "lo", "het", "o", "a"}
)


def local_conjunctions(lexicon, language: str | None) -> frozenset[str]:
    """The folded words that are conjunctions only in ``language`` (``list_separator_local`` rows: Czech and Slovak
    "a", Slovenian "in"; elsewhere an article or a preposition); none when the language is unknown."""
    return word_sets(lexicon, "list_separator_local").get(language or "", frozenset())


def conjunctions(lexicon, language: str | None = None) -> tuple[frozenset[str], ...]:
    """The folded words that join places in one enumeration: the conjunctions (``list_separator``, with the
    ``list_separator_local`` rows of ``language``: words that are conjunctions only in that language), the
    prepositions of a qualifier (``qualifier_preposition``), and the articles, town words and "of" words that may
    follow a conjunction (``pair_filler``, ``of_word``)."""
    return derived(lexicon, ("conjunctions", language), lambda: _conjunctions(lexicon, language))


def _conjunctions(lexicon, language: str | None) -> tuple[frozenset[str], ...]:
    def folded(kinds, own=None):
        return frozenset(
            word
            for t in lexicon.terms
            if t.kind in kinds and (own is None or t.language == own)
            for word in fold_for_matching(t.text).split()
        )

    joiners = frozenset(fold_for_matching(t.text).strip() for t in lexicon.terms if t.kind == "list_separator")
    local = local_conjunctions(lexicon, language)
    prepositions = frozenset(
        fold_for_matching(t.text).strip() for t in lexicon.terms if t.kind == "qualifier_preposition"
    )
    fillers = folded({"pair_filler", "of_word"}) | _ARTICLES
    return (joiners | local, prepositions, fillers)


def rivals(text, mentions, mention, lexicon, own: tuple[str, ...] = ()) -> list:
    """The other partner mentions of the sentence that do not stand in one enumeration with ``mention`` and name a
    large partner place (not "Council", a hamlet's name), nor the finding's own EU place by name (``own``: the EU
    sides' names; "sade Mora kommun upp" on Mora's page is the Swedish town, not its namesake Mora, Minnesota)."""
    chain = chain_of(text, mentions, mention, lexicon)
    own_keys = {name_key(name) for name in own if name}
    return [
        m
        for m in mentions
        if m.role == "partner"
        and m is not mention
        and m not in chain
        and any(p.strong for p in m.places)
        and name_key(text[m.hit.orig_start : m.hit.orig_end]) not in own_keys
    ]


def item_span(text, mentions, mention, lexicon) -> tuple[int, int] | None:
    """In an enumeration of three or more places, the span of the partner's own item (from the end of the place
    before it to the start of the place after it); None otherwise."""
    chain = chain_of(text, mentions, mention, lexicon)
    if len(chain) < 3:
        return None
    position = chain.index(mention)
    start = chain[position - 1].hit.orig_end if position > 0 else mention.hit.orig_start
    end = chain[position + 1].hit.orig_start if position + 1 < len(chain) else len(text)
    return (start, end), (chain[0].hit.orig_start, chain[-1].hit.orig_end)


_BRACKET_AFTER = re.compile(r"\s*\(([^()]{2,40})\)")
_COMMA_AFTER = re.compile(r"\s*,\s*([^,;:()\n.]{2,40})")
_COUNTRY_WORDS = 3  # a country name after a comma has at most this many words ("El Salvador", "Czech Republic")


def country_after(text: str, mention) -> str | None:
    """The ISO2 code of the country named right after a place, in brackets or after a comma ("Utrechtem
    (Nizozemsko)", "Dierdorf, Germany", "Limoges (France)"), in any EU language
    (:func:`analysis.collect.web.places.country_names_iso2`); None when no country name follows."""
    from analysis.collect.web.places import country_names_iso2

    names = country_names_iso2()
    found = _BRACKET_AFTER.match(text, mention.hit.orig_end)
    if found:
        return names.get(name_key(found.group(1)))
    found = _COMMA_AFTER.match(text, mention.hit.orig_end)
    if not found:
        return None
    words = found.group(1).split()
    for count in range(min(_COUNTRY_WORDS, len(words)), 0, -1):
        iso2 = names.get(name_key(" ".join(words[:count])))
        if iso2:
            return iso2
    return None


def listed_abroad(text: str, eu: list, partner, home_country: str | None) -> list:
    """The EU mentions of ``eu`` that a list of partners names as the page owner's partners abroad: each carries its
    own country's name right after it ("S městy Dallasem (USA) a Utrechtem (Nizozemsko)" on Brno's site; "Aix-en-
    Provence (Frankreich), Columbia (USA)"), as the partner carries its own, and that country is not the owner's
    (``home_country``). A writer names the country of a place abroad, not of the place the page is about: such a
    place is a fellow partner of the owner, not the partner's subject."""
    if not home_country or country_after(text, partner) is None:
        return []
    return [
        m
        for m in eu
        if (country := country_after(text, m)) is not None
        and country != home_country
        and any(p.country_iso2 == country for p in m.places)
    ]
