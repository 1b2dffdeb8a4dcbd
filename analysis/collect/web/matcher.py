"""Multi-pattern matching of place names and lexicon terms in one pass (Aho–Corasick, pyahocorasick).

The text is folded character by character (:func:`fold_with_offsets`: the project's ``fold_text``,
hyphens and dashes as spaces) so that every hit maps back to the original text for the evidence.
One automaton holds the keys of

- **names** (partner places, EU places, other places), each with word-boundary checks; a name may be
  followed by a suffix that the language's inflection rules generate for it (``web_inflections.csv``:
  "Pekin" + "ie" in Polish, "Čikag|a" -> "Čikag|oje" in Lithuanian, "Chicago" + "ban" in Hungarian);
  names must start with a capital letter in the original text (they are proper nouns), except names recorded in
  lower case (place adjectives: "mariborska", :mod:`analysis.collect.web.eu_adjectives`), found as written;
- **terms** of the lexicon (:mod:`analysis.collect.web.lexicon`) (a term of scope ``own`` whose key is shorter
  than six letters only in text of its language group: short words collide across languages, long ones
  hardly, and the language of a short text is often misread), each confirmed by its own small
  regular expression from where its literal key was found (stems, multi-word terms, compound heads
  glued to a longer token).

Built once per detector and reused: :meth:`Matcher.build`, then :meth:`Matcher.scan` per text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

import ahocorasick

from analysis.collect.web import cn_persons, near_names
from analysis.collect.web.lexicon import (
    Lexicon,
    fold_for_matching,
    inflection_stems,
    same_script,
    suffix_rules_for,
    written_suffixes,
)

_FOLD_CACHE: dict[str, str] = {}
_ASCII_FOLD = str.maketrans({chr(code): fold_for_matching(chr(code)) for code in range(128)})
# Word lists the detector reads as sets (conjunctions and prepositions between places, abbreviations before a
# full stop): not looked for in the text.
UNSCANNED_KINDS: frozenset[str] = frozenset(
    {
        "list_separator",
        "list_separator_local",
        "qualifier_preposition",
        "sentence_abbreviation",
        "pair_with",
        "pair_filler",
        "locative_preposition",
        "locative_preposition_exception",
        "between_word",
        "status_negation",
        "status_conditional",
        "person_title",
        "respectively_word",
    }
)


def fold_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """``text`` folded for matching, and for each folded character the index of its original character.

    The offsets are None when folding kept the length (each character folded to one): the common
    case, and then folded index == original index. A final entry maps the end of the text.
    """
    for ch in set(text) - _FOLD_CACHE.keys():
        folded = fold_for_matching(ch)
        _FOLD_CACHE[ch] = folded
    table = {ord(ch): _FOLD_CACHE[ch] for ch in set(text)}
    folded = text.translate(table)
    if len(folded) == len(text):
        return folded, None
    origin: list[int] = []
    for index, ch in enumerate(text):
        origin.extend([index] * len(_FOLD_CACHE[ch]))
    origin.append(len(text))
    return folded, origin


def _left_boundary(folded: str, start: int) -> bool:
    """Whether a word may start at ``start``: after no letter or digit, or a letter right after a digit (a date or
    a number glued to the next word by page markup: "2001-08-30MIASTA PARTNERSKIE", "1947Bristol"); :meth:`Matcher.scan`
    inlines the same test (it runs for every key the automaton reports)."""
    if start == 0 or not folded[start - 1].isalnum():
        return True
    return folded[start - 1].isdigit() and folded[start].isalpha()


def fold_short(text: str) -> str:
    """:func:`fold_with_offsets` without offsets, faster for short strings (names)."""
    if text.isascii():
        return text.translate(_ASCII_FOLD)
    try:
        return "".join([_FOLD_CACHE[ch] for ch in text])
    except KeyError:
        for ch in set(text) - _FOLD_CACHE.keys():
            _FOLD_CACHE[ch] = fold_for_matching(ch)
        return "".join([_FOLD_CACHE[ch] for ch in text])


class NameHit(NamedTuple):
    """A name found: folded span ``start``/``end``, original span ``orig_start``/``orig_end``, the ids of
    the name records it may be (``records``), and whether an inflection suffix was read (``inflected``)."""

    start: int
    end: int
    orig_start: int
    orig_end: int
    records: tuple[int, ...]
    inflected: bool


class TermHit(NamedTuple):
    """A lexicon term found: ``kind``, ``language``, ``text`` (as written in the lexicon), spans as in :class:`NameHit`."""

    kind: str
    language: str
    text: str
    start: int
    end: int
    orig_start: int
    orig_end: int


class Scan(NamedTuple):
    """What :meth:`Matcher.scan` found in one text."""

    text: str
    folded: str
    names: list[NameHit]
    terms: list[TermHit]


# A name the automaton may report for a key, as a plain tuple of five fields: the record id; whether the key is the
# whole name (no suffix needed); language -> suffixes that may follow the key (None: none may); the suffixes of every
# language (text of unknown language); whether a name recorded in lower case (a place adjective) may be found in
# lower case. Plain tuples, not a NamedTuple: the built detector holds about 2.4 million of them, and pickle writes
# plain tuples four times as fast (3.6 s against 15 s) and reads them twice as fast.
_RECORD, _EXACT, _SUFFIXES, _ANY_LANGUAGE, _LOWER_OK = range(5)
_NameEntry = tuple[int, bool, "dict[str, frozenset[str]] | None", frozenset[str], bool]


class Matcher:
    """Aho–Corasick automaton over folded names and lexicon terms (see the module docstring)."""

    def __init__(self, automaton, lexicon: Lexicon, exact_terms: re.Pattern[str] | None, exact_kinds: dict[str, tuple]):
        self._automaton = automaton
        self.near: near_names.NearIndex | None = None  # misspelt and lower-case partner names (near_names.py)
        self._lexicon = lexicon
        self._exact_terms = exact_terms
        self._exact_kinds = exact_kinds

    @classmethod
    def build(
        cls,
        names: Iterable[tuple[str, int]],
        lexicon: Lexicon,
        *,
        inflect: Iterable[int] = (),
        inflect_in: dict[int, frozenset[str]] | None = None,
        near: dict | None = None,
    ) -> Matcher:
        """Automaton of ``names`` ((written name, record id) pairs) and the lexicon's terms.

        Records in ``inflect`` also get their generated inflected forms, records of ``inflect_in`` (record -> languages)
        only those of the given languages (found in their inflected forms only in text of those languages); ``near`` (record -> (country, role, near-name key) of the
        partner and admin1 records) adds the misspelt and lower-case partner names of :mod:`near_names`.
        """
        entries = _name_entries(names, lexicon, set(inflect), inflect_in or {})
        terms: dict[str, list[int]] = {}
        for index, term in enumerate(lexicon.terms):
            if term.kind not in UNSCANNED_KINDS:
                terms.setdefault(term.key, []).append(index)
        automaton = ahocorasick.Automaton()
        for key in dict.fromkeys([*entries, *terms]):
            automaton.add_word(key, (key, tuple(entries.get(key, ())), tuple(terms.get(key, ()))))
        automaton.make_automaton()
        exact_pattern, exact_kinds = _exact_terms(lexicon)
        matcher = cls(automaton, lexicon, exact_pattern, exact_kinds)
        if near:
            matcher.near = near_names.NearIndex.build(near, int(lexicon.rules["near_name_min_length"]))
        return matcher

    @property
    def automaton(self):
        """The Aho–Corasick automaton, each folded key with ``(key, name entries, term ids)``: read, never changed,
        by the chapter that describes the detector (:mod:`analysis.collect.web.composition`)."""
        return self._automaton

    def scan(self, text: str, language: str | None = None) -> Scan:
        """Names and terms in ``text`` (terms of scope ``own`` only when ``language`` is theirs or unknown).

        Most keys the automaton reports start inside a word (a term's first word "e", "in", "en" ...) or are
        lower-case words (names are folded): they are dropped first, before any other check, since a name needs
        a word boundary on its left and a capital letter (unless recorded in lower case), and a term one unless it may be glued to letters before it.
        """
        folded, origin = fold_with_offsets(text)
        languages = self._lexicon.language_groups.get(language, frozenset({language})) if language else None
        names: list[NameHit] = []
        terms: list[TermHit] = []
        length = len(folded)
        glued_keys = self._glued_keys()
        all_terms = self._lexicon.terms
        for end_index, (key, entries, term_ids) in self._automaton.iter(folded):
            start = end_index - len(key) + 1
            previous = folded[start - 1] if start else " "
            left_ok = not previous.isalnum() or (previous.isdigit() and folded[start].isalpha())
            camel = False
            if not left_ok:
                # a term run into a lower-case word by markup ("O mestePartnerské mestá"): terms only, names stay strict
                index = start if origin is None else origin[start]
                camel = text[index].isupper() and bool(term_ids) and text[index - 1].islower()
                if not camel and key not in glued_keys:
                    continue
            if entries and left_ok:
                if text[start if origin is None else origin[start]].islower():
                    hit = _lower_case_hit(folded, origin, start, end_index + 1, length, entries, language)
                    hit = hit or self._listed_lower(text, folded, origin, start, end_index + 1, entries)
                else:
                    hit = _name_hit(folded, origin, start, end_index + 1, length, entries, language)
                if hit is not None:
                    names.append(hit)
            for term_id in term_ids:
                term = all_terms[term_id]
                if term.own_language and languages is not None and term.language not in languages and len(term.key) < 6:
                    continue
                if not (left_ok or camel or term.glued):
                    continue
                found = term.pattern.match(folded, start)
                if found:
                    s, e = _original_span(origin, start, found.end())
                    if not same_script(term.text, text[s:e]):
                        continue
                    terms.append(TermHit(term.kind, term.language, term.text, start, found.end(), s, e))
        terms.extend(self._exact_hits(text, folded, origin))
        terms.extend(self._person_terms(text, folded, origin, terms))
        scan = Scan(text, folded, _longest_names(names), terms)
        if self.near is None:
            return scan
        near = near_names.near_hits(
            scan, self.near, self._automaton.exists, self._lexicon, language, origin, _hit_maker(origin)
        )
        return scan._replace(names=_longest_names(scan.names + near)) if near else scan

    def _person_terms(self, text, folded, origin, terms) -> list[TermHit]:
        """Person terms over the Chinese persons' names of ``text`` (:mod:`cn_persons`): no partner name is read inside
        them; they are not China context (on passages a-d that reading added more false ties than finds)."""
        found = []
        for orig_start, orig_end in cn_persons.person_spans(
            text, terms, int(self._lexicon.rules["cn_person_min_letters"])
        ):
            start, end = _folded_span(origin, orig_start, orig_end, len(folded))
            found.append(TermHit("cn_person", "*", "(a Chinese person's name)", start, end, orig_start, orig_end))
        return found

    def _listed_lower(self, text, folded, origin, start, end, entries) -> NameHit | None:
        """A partner name written in lower case as an item of a list of capitalised names (:mod:`near_names`)."""
        if self.near is None:
            return None
        wanted = [e for e in entries if e[_EXACT] and self.near.records.get(e[_RECORD], ("", "", ""))[2]]
        hit = _name_hit(folded, origin, start, end, len(folded), wanted, None) if wanted else None
        if hit is None or hit.inflected or not near_names.listed_lower(text, hit.orig_start, hit.orig_end):
            return None
        return hit

    def may_name(self, text: str, records: frozenset[int]) -> bool:
        """Whether ``text`` may name one of ``records``: False only when :meth:`scan` finds none of them in ``text``
        in any language (the suffixes of every language are allowed here, and the first such name ends the search)."""
        folded, origin = fold_with_offsets(text)
        length = len(folded)
        for end_index, (key, entries, _) in self._automaton.iter(folded):
            if not entries:
                continue
            start = end_index - len(key) + 1
            if not _left_boundary(folded, start) or text[start if origin is None else origin[start]].islower():
                continue
            wanted = [entry for entry in entries if entry[_RECORD] in records]
            if wanted and _name_hit(folded, origin, start, end_index + 1, length, wanted, None) is not None:
                return True
        return False

    def _glued_keys(self) -> frozenset[str]:
        """Keys of the terms that may be glued to letters before them (the only keys worth a look inside a word)."""
        keys = self.__dict__.get("_glued")
        if keys is None:
            keys = self._glued = frozenset(
                term.key for term in self._lexicon.terms if term.glued and term.kind not in UNSCANNED_KINDS
            )
        return keys

    def _exact_prefix(self, found: str) -> tuple:
        """The exact term an inflected hit starts with ("Twin Citiesista" -> "Twin Cities")."""
        return next(
            self._exact_kinds[text]
            for text in sorted(self._exact_kinds, key=len, reverse=True)
            if found.startswith(text)
        )

    def _exact_hits(self, text: str, folded: str, origin: list[int] | None) -> list[TermHit]:
        if self._exact_terms is None:
            return []
        hits = []
        for found in self._exact_terms.finditer(text):
            kind, language, written = self._exact_kinds.get(found.group(0)) or self._exact_prefix(found.group(0))
            start, end = _folded_span(origin, found.start(), found.end(), len(folded))
            hits.append(TermHit(kind, language, written, start, end, found.start(), found.end()))
        return hits


def _name_entries(
    names: Iterable[tuple[str, int]], lexicon: Lexicon, inflect: set[int], inflect_in: dict[int, frozenset[str]]
) -> dict[str, list[_NameEntry]]:
    """The automaton's name keys (:meth:`Matcher.build`): each written name folded, and the generated inflected forms
    of the records of ``inflect`` (of ``inflect_in``: in the given languages only), each key with the names it may be
    in the order of ``names``. The stems of a last word and the forms of a first word are worked out once each."""
    inflected_records = inflect | set(inflect_in)
    entries: dict[str, list[_NameEntry]] = {}  # key -> the names it may be, in the order of ``names``
    stems_cache: dict[tuple[str, bool], dict] = {}
    heads_cache: dict[str, list[str]] = {}
    for written, record in names:
        folded = " ".join(fold_short(written).split())
        if len(folded) < 2:
            continue
        entry = (record, True, None, frozenset(), written[:1].islower())
        if (found := entries.get(folded)) is None:
            entries[folded] = [entry]
        else:
            found.append(entry)
        if record not in inflected_records:
            continue
        head, _, last = folded.rpartition(" ")
        # the last word of a longer name may keep a two-letter stem ("Jelenia Góra" -> "Jeleniej Górze"): the
        # words before it keep the form from colliding with ordinary words
        cache_key = (last, bool(head))
        if cache_key not in stems_cache:
            stems_cache[cache_key] = inflection_stems(last, lexicon, short_stem=bool(head))
        stems = _with_written(stems_cache[cache_key], last, written_suffixes(written.rsplit(" ", 1)[-1], lexicon))
        if record in inflect_in:
            stems = _only_in(stems, inflect_in[record])
        if head not in heads_cache:
            heads_cache[head] = _head_forms(head, lexicon)
        for head_form in heads_cache[head]:
            prefix = f"{head_form} " if head_form else ""
            for stem, (suffixes, any_language) in stems.items():
                key = prefix + stem
                entry = (record, key == folded, suffixes, any_language, False)
                if (found := entries.get(key)) is None:
                    entries[key] = [entry]
                else:
                    found.append(entry)
    return entries


def _with_written(stems: dict, word: str, written: dict[str, frozenset[str]]) -> dict:
    """``stems`` (stem -> (suffixes by language, all suffixes)) with the suffixes of the rules written as in the name
    (:func:`~analysis.collect.web.lexicon.written_suffixes`) added to the whole ``word``; ``stems`` itself when none."""
    if not written:
        return stems
    by_language = dict(stems.get(word, ({}, frozenset()))[0])
    for language, suffixes in written.items():
        by_language[language] = by_language.get(language, frozenset()) | suffixes
    merged = dict(stems)
    merged[word] = (by_language, frozenset().union(*by_language.values()))
    return merged


def _only_in(stems: dict, languages: frozenset[str]) -> dict:
    """``stems`` (stem -> (suffixes by language, all suffixes)) with the suffixes of ``languages`` only (the stems no
    suffix of theirs follows are left out)."""
    kept = {}
    for stem, (by_language, _) in stems.items():
        own = {language: suffixes for language, suffixes in by_language.items() if language in languages}
        if own:
            kept[stem] = (own, frozenset().union(*own.values()))
    return kept


def _head_forms(head: str, lexicon: Lexicon) -> list[str]:
    """The first word of a two-word name and its forms by the replacing rules (adjectives: "nowy" -> "nowego",
    "nowym"; "novy" -> "noveho"; feminine "jelenia" -> "jeleniej", "mlada" -> "mlade"; Lithuanian definite
    adjectives, whose replaced ending is three letters or more: "naujasis" -> "naujojo", "naujajame"), so that
    "Nowego Jorku", "Jeleniej Góry", "Naujajame Orleane" and Greek "Νέας Υόρκης" are found; longer names keep their
    head as written."""
    if not head or " " in head:
        return [head]
    forms = [head]
    for stem, by_language in suffix_rules_for(head, lexicon, short_stem=True).items():
        if stem != head and (head.endswith(("y", "a")) or len(head) - len(stem) >= 3):
            forms += [stem + suffix for suffixes in by_language.values() for suffix in suffixes]
    return list(dict.fromkeys(forms))


def _lower_case_hit(folded, origin, start, end, length, entries, language) -> NameHit | None:
    """A name written in lower case: only names recorded in lower case (place adjectives such as "mariborska"),
    and only as recorded (not inflected)."""
    lower = [entry for entry in entries if entry[_LOWER_OK]]
    hit = _name_hit(folded, origin, start, end, length, lower, language) if lower else None
    return hit if hit is not None and not hit.inflected else None


def _name_hit(folded, origin, start, end, length, entries, language) -> NameHit | None:
    """The name hit at folded ``start:end`` when its right boundary or suffix checks out (the caller has checked
    the left boundary and the capital letter)."""
    stop = end
    while stop < length and folded[stop].isalnum():
        stop += 1
    continuation = folded[end:stop]
    accepted: list[int] = []
    inflected = False
    for entry in entries:
        if not continuation:
            if entry[_EXACT]:
                accepted.append(entry[_RECORD])
            continue
        suffixes = entry[_SUFFIXES]
        if suffixes is None:
            continue
        allowed = suffixes.get(language, ()) if language is not None else entry[_ANY_LANGUAGE]
        if continuation in allowed:
            accepted.append(entry[_RECORD])
            inflected = True
    if not accepted:
        return None
    final_end = stop if inflected else end
    orig_start, orig_end = _original_span(origin, start, final_end)
    return NameHit(start, final_end, orig_start, orig_end, tuple(dict.fromkeys(accepted)), inflected)


def _hit_maker(origin: list[int] | None):
    """A function building an uninflected :class:`NameHit` on a folded span with the text's offsets."""

    def make(start: int, end: int, records: tuple[int, ...]) -> NameHit:
        return NameHit(start, end, *_original_span(origin, start, end), records, False)

    return make


def _longest_names(hits: list[NameHit]) -> list[NameHit]:
    """Leftmost-longest hits without overlaps ("New York" wins over "York"; "Kansas City" over "Kansas"); hits of one
    span are one hit with the records of both (Latvian "Daugavpils" is the city as written and the municipality
    "Daugavpil" + s: the resolver chooses)."""
    hits.sort(key=lambda hit: (hit.start, -(hit.end - hit.start)))
    kept: list[NameHit] = []
    last_end = -1
    for hit in hits:
        if hit.start >= last_end:
            kept.append(hit)
            last_end = hit.end
        elif kept and (hit.start, hit.end) == (kept[-1].start, kept[-1].end):
            same = kept[-1]
            records = tuple(dict.fromkeys(same.records + hit.records))
            kept[-1] = same._replace(records=records, inflected=same.inflected and hit.inflected)
        elif hit.end > last_end and kept and hit.start == kept[-1].start:
            kept[-1] = hit
            last_end = hit.end
    return kept


def _original_span(origin: list[int] | None, start: int, end: int) -> tuple[int, int]:
    if origin is None:
        return start, end
    return origin[start], origin[end - 1] + 1 if end > start else origin[start]


def _folded_span(origin: list[int] | None, start: int, end: int, folded_length: int) -> tuple[int, int]:
    if origin is None:
        return start, end
    import bisect

    return bisect.bisect_left(origin, start), min(bisect.bisect_left(origin, end), folded_length)


def _exact_terms(lexicon: Lexicon) -> tuple[re.Pattern[str] | None, dict[str, tuple]]:
    """One case-sensitive pattern for the lexicon's ``exact`` terms (acronyms such as USA, ΗΠΑ; "Twin Cities").

    A multi-word term may carry a case ending ("Twin Citiesista"); a single word may not ("USAID" is not "USA").
    """
    kinds = {text: (kind, language, text) for kind, language, text in lexicon.exact_terms}
    if not kinds:
        return None, kinds
    ordered = sorted(kinds, key=len, reverse=True)
    multi = "|".join(re.escape(text) for text in ordered if " " in text)
    single = "|".join(re.escape(text) for text in ordered if " " not in text)
    parts = [f"(?:{multi})(?:[^\\W\\d_]*)" if multi else "", f"(?:{single})" if single else ""]
    alternation = "|".join(part for part in parts if part)
    return re.compile(rf"(?<![\w.])(?:{alternation})(?!\w)"), kinds
