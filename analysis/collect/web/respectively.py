"""Pairings by "respectively": the n-th EU place of a sentence goes with its n-th partner.

A sentence with a ``respectively_word`` term of its language ("respectively", "respectievelijk", "rispettivamente",
"respectivement", "respectivamente", "beziehungsweise", "odpowiednio", "αντίστοιχα", "henholdsvis"; the adjective
too: "their respective twin towns", "de respectievelijke zustersteden") that names two or more distinct EU places and
exactly as many partners all after them or all before them ("Tilburg en Breda met de respectievelijke
zustersteden A en B"; "X and Y are twinned with A and B respectively"), pairs them in order of mention: a
partner's finding loses the EU sides that other ranks name. Any other sentence (one EU place, a count that
differs, a partner named twice) is left as it was.
"""

from __future__ import annotations

import functools
import re

from analysis.collect.web.lexicon import fold_for_matching


@functools.cache
def _words(language: str) -> re.Pattern | None:
    from analysis.collect.web.lexicon import load_lexicon

    words = [t.text for t in load_lexicon().terms if t.kind == "respectively_word" and t.language in (language, "*")]
    if not words:
        return None
    pieces = [
        r"\s+".join(re.escape(w.strip("*")) + (r"\w*" if w.endswith("*") else "") for w in fold_for_matching(p).split())
        for p in words
    ]
    return re.compile(r"(?<!\w)(?:" + "|".join(pieces) + r")(?!\w)")


def _ranked_eu(mentions) -> list[frozenset[str]]:
    """The distinct EU places of the sentence in order (the frame units each EU mention may stand for)."""
    ranked: list[frozenset[str]] = []
    for m in sorted((m for m in mentions if m.role == "eu"), key=lambda m: m.hit.orig_start):
        units = frozenset(p.unit_id for p in m.places if p.role == "eu" and p.unit_id)
        if units and units not in ranked:
            ranked.append(units)
    return ranked


def _partner_list(mentions, eu_mentions, count: int) -> list:
    """The partners that pair with the EU places: all those after the last EU place, else all those before the
    first, when they are exactly as many as the EU places ("X and Y ... A and B respectively"; "A and B, twins of X
    and Y respectively"); none otherwise."""
    first = min(m.hit.orig_start for m in eu_mentions)
    last = max(m.hit.orig_start for m in eu_mentions)
    partners = sorted((m for m in mentions if m.role == "partner"), key=lambda m: m.hit.orig_start)
    for side in ([m for m in partners if m.hit.orig_start > last], [m for m in partners if m.hit.orig_start < first]):
        if len(side) == count:
            return side
    return []


def paired_sides(text: str, segment, mention, mentions, sides: list, language: str | None) -> list:
    """``sides`` less the EU sides that a "respectively" pairing gives to another partner (module docstring)."""
    pattern = _words(language) if language else None
    if pattern is None or len(sides) == 0:
        return sides
    if not pattern.search(fold_for_matching(text[segment.start : segment.end])):
        return sides
    eu_mentions = [m for m in mentions if m.role == "eu"]
    eu = _ranked_eu(mentions)
    if len(eu) < 2:
        return sides
    partners = _partner_list(mentions, eu_mentions, len(eu))
    keys = [fold_for_matching(text[m.hit.orig_start : m.hit.orig_end]) for m in partners]
    if not partners or len(set(keys)) != len(keys):
        return sides
    rank = next((i for i, m in enumerate(partners) if m.hit.orig_start == mention.hit.orig_start), None)
    if rank is None:
        return sides
    return [side for side in sides if side.unit_id in eu[rank] or not any(side.unit_id in u for u in eu)]
