"""Partner names the exact matcher misses: a misspelling one edit away, and a name written in lower case in a list.

Two classes of real text the automaton of :mod:`analysis.collect.web.matcher` cannot see:

- **one-edit misspellings** of a long partner name ("Qingdau", "Shenandonah", "Xianmen" + a case ending): a
  capitalised word no name matches, at least ``near_name_min_length`` letters long, one insertion, deletion,
  substitution or swap of two neighbouring letters from exactly one partner name key of that length (after an
  inflection ending the language gives that name, if any). It counts only where a misspelling is the likely
  reading: its sentence names a relation term (twin, friendship, agreement, cooperation) AND its country (a
  US/China word, or one of that country's states, provinces or other partner places written exactly). The word
  must not be a name of any place itself (then it is that place), nor part of a lexicon term or of a Chinese
  person's name (:mod:`analysis.collect.web.cn_persons`: "Zhu Xingbo" is no Ningbo), nor start a sentence;
- **a partner name in lower case inside a list of capitalised names** ("Atlanta, Bologne, Elche, chongqing, Kiev"):
  written exactly as the name, between list commas, with a capitalised item on either side.

Both give ordinary :class:`~analysis.collect.web.matcher.NameHit` objects; the detector then decides on them as on
any other name (context floors, look-alikes, attribution).
"""

from __future__ import annotations

import re

from analysis.collect.web.lexicon import RELATION_KINDS, Lexicon, suffix_rules_for

_WORD = re.compile(r"[^\W\d_]+")
_SENTENCE_END = re.compile(r"[.!?;]\s+(?=\W*[^\W\d_])|\n")
_CONTEXT_KINDS = {"us_context": "US", "cn_context": "CN"}


class NearIndex:
    """One-deletion index over the long one-word partner name keys, and each record's country and role."""

    def __init__(self, records: dict, deletes: dict[str, set[str]], keys: dict[str, set[int]]):
        self.records = records  # record -> (country_iso2, role: partner | admin1, near-name key or "")
        self._deletes = deletes  # a key, or a key less one letter -> the keys it comes from
        self._keys = keys  # key -> partner records
        self.min_length = min((len(k) for k in keys), default=0)

    @classmethod
    def build(cls, records: dict[int, tuple[str, str, str]], min_length: int):
        """From ``records``: the partner and admin1 records' country, role and near-name key
        (:func:`analysis.collect.web.places.near_records`)."""
        keys: dict[str, set[int]] = {}
        for record, (_, _, key) in records.items():
            if len(key) >= min_length and key.isalpha():
                keys.setdefault(key, set()).add(record)
        deletes: dict[str, set[str]] = {}
        for key in keys:
            for variant in _one_deletion(key):
                deletes.setdefault(variant, set()).add(key)
        return cls(records, deletes, keys)

    def near_keys(self, word: str) -> set[str]:
        """Partner keys one edit from ``word`` (not ``word`` itself)."""
        found: set[str] = set()
        for variant in _one_deletion(word):
            found |= self._deletes.get(variant, set())
        return {key for key in found if key != word and _one_edit(word, key)}

    def records_of(self, key: str) -> set[int]:
        return self._keys.get(key, set())


def near_hits(scan, index: NearIndex | None, is_name, lexicon: Lexicon, language: str | None, origin, make_hit) -> list:
    """Name hits for misspelled partner names in ``scan`` (see the module docstring); ``is_name(key)``: whether a
    folded word is any place's name; ``origin``: the original index of each folded character (None: the same);
    ``make_hit(start, end, records)`` builds a hit on the folded span."""
    if index is None or not index.min_length:
        return []
    taken = sorted([*((hit.start, hit.end) for hit in scan.names), *((t.start, t.end) for t in scan.terms)])
    hits = []
    next_name = 0  # the first name or term not ending before the word (words and spans both run left to right)
    for found in _WORD.finditer(scan.folded):
        word, start = found.group(0), found.start()
        while next_name < len(taken) and taken[next_name][1] <= start:
            next_name += 1
        if len(word) < index.min_length - 1 or (next_name < len(taken) and taken[next_name][0] < found.end()):
            continue
        original = scan.text[start if origin is None else origin[start]]
        if not original.isupper() or is_name(word):
            continue
        records = _misspelt_records(word, index, lexicon, language)  # rarely any: the costlier checks after it
        if records and not _sentence_initial(scan.folded, start) and _in_context(scan, start, records, index):
            hits.append(make_hit(start, found.end(), tuple(sorted(records))))
    return hits


def listed_lower(text: str, orig_start: int, orig_end: int) -> bool:
    """Whether a lower-case word at ``orig_start:orig_end`` is an item of a comma list of capitalised names:
    a comma before it after a capitalised word, and after it a comma (or a conjunction) before a capitalised word."""
    before = re.search(r"([^\W\d_][\w'’-]*)\s*,\s*$", text[max(0, orig_start - 60) : orig_start])
    after = re.match(r"\s*(?:,|\s\w{1,3}\s)\s*([^\W\d_])", text[orig_end : orig_end + 60])
    return bool(before and after and before.group(1)[0].isupper() and after.group(1).isupper())


def _misspelt_records(word: str, index: NearIndex, lexicon: Lexicon, language: str | None) -> set[int]:
    """The partner records ``word`` misspells: the word itself, or the word less an inflection ending the language
    gives the name it is near to, one edit from exactly one key."""
    keys = index.near_keys(word) if len(word) >= index.min_length else set()
    for cut in (1, 2, 3):
        stem, ending = word[:-cut], word[-cut:]
        if len(stem) < index.min_length:
            break
        for key in index.near_keys(stem):
            allowed = suffix_rules_for(key, lexicon).get(key, {})
            if ending in (allowed.get(language, ()) if language else {s for v in allowed.values() for s in v}):
                keys.add(key)
    if len(keys) != 1:
        return set()
    return index.records_of(keys.pop())


def _in_context(scan, start: int, records: set[int], index: NearIndex) -> bool:
    """A relation term and the candidate's country (a country word, or another name of that country written
    exactly) in the sentence of ``start``."""
    countries = {index.records[r][0] for r in records}
    left, right = _sentence_span(scan.folded, start)
    relation = country = False
    for term in scan.terms:
        if left <= term.start < right:
            relation = relation or term.kind in RELATION_KINDS
            country = country or _CONTEXT_KINDS.get(term.kind) in countries
    for hit in scan.names:
        if left <= hit.start < right and not country:
            country = any(index.records.get(r, ("", ""))[0] in countries for r in hit.records)
    return relation and country


def _sentence_initial(folded: str, start: int) -> bool:
    """Whether the word at ``start`` opens its sentence (capitalised there whatever it is)."""
    left, _ = _sentence_span(folded, start)
    return not folded[left:start].strip(" \t\"'-*")


def _sentence_span(folded: str, position: int) -> tuple[int, int]:
    left = 0
    for end in _SENTENCE_END.finditer(folded, 0, position):
        left = end.end()
    found = _SENTENCE_END.search(folded, position)
    return left, found.start() if found else len(folded)


def _one_deletion(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by one insertion, deletion, substitution or swap of neighbouring letters."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))
