"""A weak partner name (a small place, a namesake of a larger foreign place) that its sentence makes the partner side
of a tie without a country word right next to it.

- **Possessor of the relation noun.** English writes a town's twin as the town's possession ("Worthington's sister city
  of Naas", "Springfield's twinning with Tours", "Dubuque's Irish sister city"): the possessor of a twin or
  friendship noun is the other party of the tie, so a small US place in that position, in a sentence that names the
  EU place, is the partner. A capitalised word before the name (a title or a first name: "Mayor Kelly's twinning
  visit") makes the possessor a person.
- **A namesake as that possessor.** A name that is also a larger place of a third country (Newport, Brighton,
  Salisbury are British too) needs more: its sentence must also name the partner's country (a country word, a
  state or province: "Newport's twinning with Imperia, Italy, began ... when the mayor of Imperia visited the United
  States"). A namesake in a sentence that merely lists twin towns and names the US elsewhere stays unread: British,
  Canadian and Cameroonian Oxfords, Hulls and Moras are twinned with EU towns as well.
- **A namesake pair.** A sentence that writes one name twice, once with its EU country after it, pairs the EU place
  with its namesake (:func:`namesake_pairs`).
"""

from __future__ import annotations

import re

from analysis.collect.web.lexicon import name_key

_POSSESSIVE = re.compile(r"['’]s?\s+(?:[A-Za-z-]+\s+)?")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\s+$")
_POSSESSED_KINDS = frozenset({"twin", "friendship"})


def vouches(text: str, mention, mentions, terms, weak: list[str], country_named: bool) -> str | None:
    """Why the sentence makes the weak name ``mention`` a partner (the module's two rules), or None.

    ``weak``: the reasons the name is weak (``small place``, ``short name``, ``namesake of ...``, ``ordinary
    word``); ``country_named``: whether the sentence names the partner's country (a country word, a state or
    province)."""
    if mention.hit.inflected or any(w.startswith("ordinary") for w in weak):
        return None
    if not any(other.role == "eu" for other in mentions):
        return None
    if not _possessor(text, mention.hit, terms):
        return None
    if any(w.startswith("namesake") for w in weak):
        return "the town whose twin the sentence names, and its country" if country_named else None
    return "the town whose twin the sentence names (a possessive before the relation noun)"


def _possessor(text: str, hit, terms) -> bool:
    """Whether the name is the possessor of an English twin or friendship noun ("Worthington's sister city")."""
    gap = _POSSESSIVE.match(text, hit.orig_end)
    if not gap:
        return False
    before = _WORD_BEFORE.search(text[max(0, hit.orig_start - 40) : hit.orig_start])
    if before and before.group(1)[0].isupper():
        return False
    return any(
        t.kind in _POSSESSED_KINDS and t.language == "en" and hit.orig_end < t.orig_start <= gap.end() for t in terms
    )


def namesake_pairs(text: str, mentions: list, places: list) -> list:
    """A sentence that writes one name twice, once with its EU country after it ("Toledo's sister city of Toledo,
    Spain"; "Rome and Rome, Italy"), pairs the EU place with its US or Chinese namesake: the bare occurrence, read as
    the EU place, becomes the partner mention of that name (a state after it already makes it one: "Rome, N.Y.").
    ``mentions``: the detector's ``_Mention`` tuples (``hit``, ``role``, ``places``) of one sentence."""
    from analysis.collect.web.partner_sense import country_after

    keys = [name_key(text[m.hit.orig_start : m.hit.orig_end]) for m in mentions]
    qualified = set()
    for mention, key in zip(mentions, keys, strict=True):
        after = country_after(text, mention.hit) if mention.role == "eu" else None
        if after and after[1] in {p.country_iso2 for p in mention.places}:
            qualified.add(key)
    out = []
    for mention, key in zip(mentions, keys, strict=True):
        partner = tuple(places[r] for r in mention.hit.records if places[r].role == "partner")
        bare = mention.role == "eu" and key in qualified and not country_after(text, mention.hit)
        out.append(mention._replace(role="partner", places=partner) if bare and partner else mention)
    return out
