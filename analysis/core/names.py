"""Normalise place names so that spellings of the same place compare equal.

Partner names arrive in every EU language, in several romanisations and with
administrative affixes ("City of Philadelphia", "Gmina Miasto Gdańsk", "Suzhou
City"). Matching compares *name keys*: lower-case ASCII strings without
punctuation, produced by :func:`normalise_name`. Each name gives two keys, the
spaced form (``"saint paul"``) and the compact form without spaces (``"saintpaul"``),
so that "Xi'an", "Xi An" and "Xian" meet.

Affixes are a trade-off: dropping "City" makes "Suzhou City" meet "Suzhou" but
also turns "Kansas City" into "kansas". So every key comes in two strengths:
``drop_affixes=False`` keeps descriptor words inside names (used first, exact),
``drop_affixes=True`` drops them (used only when the exact form finds nothing;
see :mod:`analysis.build.resolve`).

:func:`fold_text` is the one text folding of the project (NFKC, casefold, ASCII, one
apostrophe form): name keys, the frame's district names and the crawl lexicon all start
from it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from unidecode import unidecode

ALTERNATE_NAME_SEPARATOR = "|"

# Descriptors written before a name; removed repeatedly ("gmina miasto X").
LEADING_AFFIXES: tuple[str, ...] = (
    "city and county of",
    "city of",
    "town of",
    "township of",
    "village of",
    "borough of",
    "municipality of",
    "municipio de",
    "ville de",
    "comune di",
    "stadt",
    "gmina miejska",
    "gmina",
    "miasto",
)

# Descriptors written after a name; at most one is removed, and only when no
# leading descriptor was, so that "City of Kansas City" keeps its own "City".
TRAILING_AFFIXES: tuple[str, ...] = (
    "city",
    "town",
    "municipality",
    "shi",
)

# Spellings of "saint" in names; all become the single token "saint".
SAINT_TOKENS: frozenset[str] = frozenset({"saint", "sainte", "st", "ste", "sankt", "san", "sint"})

_APOSTROPHES = re.compile(r"['’‘`´ʼʻ]")
_NON_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")


def normalise_name(text: object, *, drop_affixes: bool = True) -> str:
    """Return the spaced name key of ``text``: ASCII, lower case, single spaces.

    Steps: NFKC, casefold, transliterate to ASCII (diacritics, Greek, Cyrillic,
    Chinese characters become Latin via unidecode), delete apostrophes (``Xi'an`` ->
    ``xian``), turn every other run of punctuation/space into one space, harmonise
    Saint/St./Ste./Sankt/San to ``saint``, and (with ``drop_affixes``) remove
    descriptors such as "city of", "gmina", "miasto" or a trailing "city".
    Missing values (None, NaN) give ``""``.
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    tokens = list(_name_tokens(str(text)))
    if drop_affixes:
        tokens = _drop_affixes(tokens)
    return " ".join(tokens)


def fold_text(text: object) -> str:
    """``text`` folded for comparison: NFKC, casefolded, transliterated to ASCII (unidecode), casefolded
    again (unidecode can return capitals), every apostrophe-like mark written ``'``.

    Punctuation and spacing are kept; callers split or strip what they do not need.
    """
    text = str(text)
    if text.isascii():  # NFKC and unidecode leave ASCII as it is, and casefold is its lower case
        return text.lower().replace("`", "'")
    folded = unidecode(unicodedata.normalize("NFKC", text).casefold()).casefold()
    return _APOSTROPHES.sub("'", folded)


@lru_cache(maxsize=2_000_000)
def _name_tokens(text: str) -> tuple[str, ...]:
    """Tokens of a name before affixes are dropped (cached: gazetteers repeat the work twice)."""
    tokens = _NON_ALPHANUMERIC.sub(" ", fold_text(text).replace("'", "")).split()
    return tuple("saint" if token in SAINT_TOKENS else token for token in tokens)


def compact_key(spaced_key: str) -> str:
    """The compact form of a spaced key: its tokens joined without spaces."""
    return spaced_key.replace(" ", "")


def split_alternate_names(alternate_names: object) -> list[str]:
    """Split a ``|``-joined alternate-names string (or pass an iterable through)."""
    if alternate_names is None or (isinstance(alternate_names, float) and alternate_names != alternate_names):
        return []
    if isinstance(alternate_names, str):
        return [part for part in alternate_names.split(ALTERNATE_NAME_SEPARATOR) if part.strip()]
    return [str(part) for part in alternate_names if str(part).strip()]


def join_alternate_names(names: Iterable[object], *, exclude: object = None) -> str:
    """Join names with ``|``, dropping blanks, duplicates and ``exclude``; order is kept."""
    seen: set[str] = set()
    kept: list[str] = []
    for raw in names:
        if raw is None or (isinstance(raw, float) and raw != raw):
            continue
        name = str(raw).replace(ALTERNATE_NAME_SEPARATOR, " ").strip()
        if not name or name == exclude or name in seen:
            continue
        seen.add(name)
        kept.append(name)
    return ALTERNATE_NAME_SEPARATOR.join(kept)


def _drop_affixes(tokens: list[str]) -> list[str]:
    """Remove leading descriptors, else one trailing descriptor; never empty a name."""
    stripped_leading = False
    changed = True
    while changed:
        changed = False
        for affix in LEADING_AFFIXES:
            affix_tokens = affix.split()
            width = len(affix_tokens)
            if tokens[:width] == affix_tokens and len(tokens) > width:
                tokens = tokens[width:]
                stripped_leading = changed = True
                break
    if not stripped_leading and len(tokens) > 1 and tokens[-1] in TRAILING_AFFIXES:
        tokens = tokens[:-1]
    return tokens
