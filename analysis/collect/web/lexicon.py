"""The detector's lexicons and rules, read from data files in ``analysis/reference/``.

- ``web_terms.csv``: one row per (kind, language) with ``|``-joined terms. Kinds: relation terms
  (``twin``, ``friendship``, ``agreement``, ``cooperation``, ``generic``), status terms (``planned``,
  ``planned_weak``: planned unless the sentence reports the signing as done, ``ended``, ``status_done``), cues (``municipal``, ``us_context``, ``cn_context``, ``province_word``, ``state_word``),
  look-alike cues (``lookalike_<class>``), ``sentence_abbreviation``, and word lists read but never scanned
  for (``person_title``: :mod:`person_title`; ``respectively_word``: :mod:`respectively`). ``scope`` ``any`` applies a
  row to text in every language, ``own`` only to text in the row's language (or of unknown language);
  ``match`` ``folded`` matches the folded text, ``exact`` the original text case-sensitively.
- ``web_inflections.csv``: suffix rules per language (``ending`` is a literal ending that is replaced,
  ``@consonant`` / ``@vowel`` / ``@any`` for endings added to the whole word, or ``=`` and a letter that folding
  loses, read in the name as written: Polish ``=ń``, :func:`written_suffixes`).
- ``web_detect_rules.csv``: numeric parameters (thresholds, confidences).
- ``web_name_stoplist.csv``: names that are ordinary words and are never read as places on their own.
- ``web_language_groups.csv``: close languages whose own-language terms also apply to each other (cs/sk ...).

Term syntax (written in the language's own script; folded when read, see :func:`fold_for_matching`):
words are separated by one space and match any run of spaces or hyphens; a word ending in ``*`` is a
stem (more letters may follow); a word starting with ``*`` may be glued to letters before it (a
compound head: ``*partnerstadt*`` finds "Partnerstädte" and "Städtepartnerschaftsvertrag").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Hashable
from typing import Any, NamedTuple, TypeVar

from analysis.core.names import fold_text
from analysis.core.reference import read_reference_table

TERMS_FILE = "web_terms.csv"
INFLECTIONS_FILE = "web_inflections.csv"
RULES_FILE = "web_detect_rules.csv"
STOPLIST_FILE = "web_name_stoplist.csv"
GROUPS_FILE = "web_language_groups.csv"

RELATION_KINDS: tuple[str, ...] = ("twin", "friendship", "agreement", "cooperation", "generic")
STATUS_KINDS: tuple[str, ...] = ("planned", "planned_weak", "ended", "status_done")
# Words that call the name next to them a state, province or region ("province of Jilin", "Regiunii Autonome Guangxi").
ADMIN1_CALLED: tuple[str, ...] = ("province_word", "state_word", "admin1_title")
# Look-alikes that change the meaning of an overlapping twin term (they mask it), and those that only
# make a weak relation (agreement, cooperation, generic partnership) in the same sentence a look-alike.
MASKING_LOOKALIKES: frozenset[str] = frozenset(
    {
        "lookalike_school",
        "lookalike_eu_twinning",
        "lookalike_twin_cities",
        "lookalike_twin_sense",
        "lookalike_brotherhood",
        "lookalike_twin_event",
    }
)
# Hyphens, dashes, slashes, underscores and control characters are spaces for matching (same length).
_SPACE_LIKE = "-\u2010\u2011\u2012\u2013\u2014\u2015_/\\|\t\r\n\u00a0\u2022\u00b7"
_SPACE_TABLE = str.maketrans(dict.fromkeys(_SPACE_LIKE, " "))
_WORD = "[a-z0-9']*"


def fold_for_matching(text: str) -> str:
    """``fold_text`` plus hyphens, dashes, slashes and control characters as spaces (terms, names, text alike)."""
    return fold_text(text).translate(_SPACE_TABLE)


def name_key(text: str) -> str:
    """The key a name or term is compared by: :func:`fold_for_matching` with single spaces, no spaces at the ends."""
    return " ".join(fold_for_matching(text).split())


_SCRIPTS: tuple[str, ...] = ("LATIN", "GREEK", "CYRILLIC")


@functools.lru_cache(maxsize=4096)
def letter_script(text: str) -> str | None:
    """The script of the first letter of ``text`` ("LATIN", "GREEK" or "CYRILLIC"; None for no letter or another
    script): folding transliterates Greek and Cyrillic, so a term is checked against the script it was written in."""
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            return next((script for script in _SCRIPTS if name.startswith(script)), None)
    return None


def same_script(term_text: str, original: str) -> bool:
    """Whether a term written as ``term_text`` may match the ``original`` text it was found in: a Bulgarian "с" is not
    the Latin "s", a Latin "region" not the Bulgarian "регион" (False only when both are in one of the scripts of
    :func:`letter_script` and differ)."""
    written = letter_script(term_text)
    found = letter_script(original)
    return written is None or found is None or written == found


class Term(NamedTuple):
    """One compiled term: ``kind``, ``language`` ("*" for all), ``own_language`` (only in its language),
    ``text`` (as written), ``key`` (the folded literal the matcher looks for), ``glued`` (may follow
    letters), ``pattern`` (regular expression checked from the key's start in the folded text)."""

    kind: str
    language: str
    own_language: bool
    text: str
    key: str
    glued: bool
    pattern: re.Pattern[str]


def compile_term(text: str, kind: str, language: str, own_language: bool, country_words: str = "") -> Term | None:
    """A :class:`Term` from its written form (None when nothing literal is left to look for).

    ``country_words`` (a regular expression of the folded US/China words): may stand between the first word of a
    relation term, when that word is a stem (an adjective: "prijateljsk*", "partnersk*"), and its next word (the
    unit noun): "prijateljske kineske provincije", "partnerské čínské město", "befreundete chinesische Stadt"."""
    folded = name_key(text)
    words = folded.split(" ")
    if not words or not words[0].strip("*"):
        return None
    parts = []
    for position, word in enumerate(words):
        literal = word.strip("*")
        piece = re.escape(literal) + (_WORD if word.endswith("*") else "")
        last = position == len(words) - 1
        if last and not word.endswith("*") and literal[-1:].isalnum():
            piece += "(?![a-z0-9])"
        parts.append(piece)
    if country_words and len(parts) > 1 and words[0].endswith("*") and kind in RELATION_KINDS:
        parts[0] += rf"(?:\s+(?:{country_words}))?"
    pattern = re.compile(r"\s+".join(parts))
    return Term(kind, language, own_language, text, words[0].strip("*"), words[0].startswith("*"), pattern)


class Lexicon(NamedTuple):
    """Everything the matcher and detector read from the data files."""

    terms: tuple[Term, ...]
    exact_terms: tuple[tuple[str, str, str], ...]  # (kind, language, text) matched on the original text
    inflections: dict[str, list[tuple[str, tuple[str, ...]]]]  # language -> [(ending, suffixes)]
    rules: dict[str, float]
    stoplist: dict[str, frozenset[str]]  # role ("eu" | "partner") -> folded names
    language_groups: dict[str, frozenset[str]]  # language -> languages whose own-language terms also apply


_Derived = TypeVar("_Derived")
_DERIVED: dict[tuple[int, tuple[Hashable, ...]], tuple[Lexicon, Any]] = {}


def derived(lexicon: Lexicon, key: tuple[Hashable, ...], compute: Callable[[], _Derived]) -> _Derived:
    """What ``compute()`` derives from ``lexicon``'s rows (word sets, patterns, suffix tables), computed once per
    lexicon and ``key`` (the function's name and its other arguments). A lexicon holds dicts, so it cannot key a
    cache itself: entries are keyed by its ``id`` and keep the lexicon, so the id is never reused while the entry
    lives, and are checked against it by identity (another lexicon of the same content gets its own entries)."""
    slot = (id(lexicon), key)
    entry = _DERIVED.get(slot)
    if entry is not None and entry[0] is lexicon:
        return entry[1]
    value = compute()
    _DERIVED[slot] = (lexicon, value)
    return value


def _patterns_by_kind(
    lexicon: Lexicon,
) -> tuple[dict[str | None, list[re.Pattern]], dict[tuple[str, str | None], bool]]:
    """The terms' patterns by kind (all of them under None), and an empty table of answers of :func:`is_term_word`."""
    by_kind: dict[str | None, list[re.Pattern]] = {None: [t.pattern for t in lexicon.terms]}
    for term in lexicon.terms:
        by_kind.setdefault(term.kind, []).append(term.pattern)
    return by_kind, {}


def is_term_word(word: str, kind: str | None, lexicon: Lexicon) -> bool:
    """Whether the folded ``word`` is, as a whole, a term of ``kind`` in ``lexicon`` (of any kind when ``kind`` is
    None); answers are remembered per lexicon, since the detector asks about the same words again and again."""
    by_kind, answers = derived(lexicon, ("term_words",), lambda: _patterns_by_kind(lexicon))
    key = (word, kind)
    if key not in answers:
        answers[key] = any(pattern.fullmatch(word) for pattern in by_kind.get(kind, ()))
    return answers[key]


class _KindWords(NamedTuple):
    by_language: dict[str, frozenset[str]]
    scripts: dict[str, frozenset[str | None]]
    every: frozenset[str]


def _kind_words(lexicon, kind: str) -> _KindWords:
    """One read of the folded words of the lexicon's terms of ``kind``: by language, each word with the scripts it is
    written in (:func:`letter_script`), and all of them; remembered per lexicon and kind."""
    return derived(lexicon, ("kind_words", kind), lambda: _read_kind_words(lexicon, kind))


def _read_kind_words(lexicon, kind: str) -> _KindWords:
    by_language: dict[str, set[str]] = {}
    scripts: dict[str, set[str | None]] = {}
    for t in lexicon.terms:
        if t.kind != kind:
            continue
        script = letter_script(t.text)
        for word in fold_for_matching(t.text).split():
            by_language.setdefault(t.language, set()).add(word)
            scripts.setdefault(word, set()).add(script)
    return _KindWords(
        {language: frozenset(words) for language, words in by_language.items()},
        {word: frozenset(found) for word, found in scripts.items()},
        frozenset(scripts),
    )


def word_sets(lexicon, kind: str) -> dict[str, frozenset[str]]:
    """The folded words of the lexicon's terms of ``kind`` by language."""
    return _kind_words(lexicon, kind).by_language


def word_scripts(lexicon, kind: str) -> dict[str, frozenset[str | None]]:
    """The folded words of the lexicon's terms of ``kind``, each with the scripts it is written in
    (:func:`letter_script`): Bulgarian "с" is "s" only in Cyrillic text, Greek "με" "me" only in Greek text."""
    return _kind_words(lexicon, kind).scripts


def lexicon_words(lexicon, kind: str = "pair_with") -> frozenset[str]:
    """The folded words of the lexicon's terms of ``kind`` in every language (``pair_with``: "with"; ``pair_filler``:
    article, city word; ``locative_preposition``; ``between_word``): the words of :func:`word_scripts`."""
    return _kind_words(lexicon, kind).every


def written_as(folded: str, original: str, words: dict[str, frozenset[str | None]]) -> bool:
    """Whether the ``folded`` word, folded from ``original`` (as written in the text), is one of ``words``
    (:func:`word_scripts`) in the script it is written in."""
    scripts = words.get(folded)
    if scripts is None:
        return False
    found = letter_script(original)
    return found is None or None in scripts or found in scripts


@functools.cache
def load_lexicon() -> Lexicon:
    """The lexicon from ``analysis/reference`` (read and compiled once per process)."""
    table = read_reference_table(TERMS_FILE, ["kind", "language", "scope", "match", "terms", "note"])
    terms: list[Term] = []
    exact: list[tuple[str, str, str]] = []
    country_words = _country_words(table)
    for row in table.itertuples(index=False):
        for text in (part.strip() for part in row.terms.split("|")):
            if not text:
                continue
            if row.match == "exact":
                exact.append((row.kind, row.language, text))
                continue
            own = row.scope == "own" and row.language != "*"
            term = compile_term(text, row.kind, row.language, own, country_words)
            if term is not None:
                terms.append(term)
    return Lexicon(tuple(terms), tuple(exact), _inflections(), _rules(), _stoplist(), _language_groups())


def _country_words(table) -> str:
    """One-word US/China context words (folded rows of ``us_context``/``cn_context``) as a regular expression."""
    words = {
        key
        for key in (
            name_key(text)
            for row in table.itertuples(index=False)
            if row.kind in ("us_context", "cn_context") and row.match == "folded"
            for text in row.terms.split("|")
            if text.strip()
        )
        if key and " " not in key
    }
    pieces = [re.escape(w.strip("*")) + (_WORD if w.endswith("*") else "(?![a-z0-9])") for w in words if w.strip("*")]
    return "|".join(sorted(pieces, key=len, reverse=True))


def _language_groups() -> dict[str, frozenset[str]]:
    table = read_reference_table(GROUPS_FILE, ["language", "group", "note"])
    return {row.language: frozenset(row.group.split()) for row in table.itertuples(index=False)}


def _inflections() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    table = read_reference_table(INFLECTIONS_FILE, ["language", "ending", "note"])
    rules: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for row in table.itertuples(index=False):
        suffixes = tuple(dict.fromkeys(fold_for_matching(s).strip() for s in row.add.split("|") if s.strip()))
        if not suffixes:
            continue
        ending = row.ending if row.ending.startswith(("@", "=")) else fold_for_matching(row.ending).strip()
        if len(ending) > _LONGEST_ENDING and not ending.startswith(("@", "=")):
            raise ValueError(f"{INFLECTIONS_FILE}: ending {row.ending!r} is longer than {_LONGEST_ENDING} letters")
        rules.setdefault(row.language, []).append((ending, suffixes))
    return rules


def _rules() -> dict[str, float]:
    table = read_reference_table(RULES_FILE, ["parameter", "value", "note"])
    return {row.parameter: float(row.value) for row in table.itertuples(index=False)}


def _stoplist() -> dict[str, frozenset[str]]:
    table = read_reference_table(STOPLIST_FILE, ["name", "role", "note"])
    by_role: dict[str, set[str]] = {}
    for row in table.itertuples(index=False):
        by_role.setdefault(row.role, set()).add(name_key(row.name))
    return {role: frozenset(names) for role, names in by_role.items()}


_VOWELS = frozenset("aeiouy")


def suffix_rules_for(word: str, lexicon: Lexicon, short_stem: bool = False) -> dict[str, dict[str, frozenset[str]]]:
    """Generated inflections of a folded ``word``: ``{stem: {language: suffixes}}``.

    A rule with a literal ending applies when ``word`` ends with it (the ending is replaced: "pekinas"
    gives stem "pekin" with "o", "e", "ui" ... in Lithuanian) and leaves a stem of three letters or more
    (``short_stem``: two, for the adjective that heads a name: Greek "Νέα Υόρκη" -> "Νέας Υόρκης");
    ``@consonant``/``@vowel``/``@any`` rules add their suffixes to the whole word. The matcher accepts a stem
    followed by one of its suffixes.
    """
    tail, length = _ending_of(word, lexicon, short_stem)
    by_cut = derived(lexicon, ("endings", tail, length), lambda: _rules_by_ending(tail, length, lexicon))
    return {word[: len(word) - cut]: by_lang for cut, by_lang in by_cut.items()}


def inflection_stems(
    word: str, lexicon: Lexicon, short_stem: bool = False
) -> dict[str, tuple[dict[str, frozenset[str]], frozenset[str]]]:
    """:func:`suffix_rules_for` with the suffixes of every language of a stem joined as well: ``{stem: ({language:
    suffixes}, all suffixes)}``, what the matcher keeps for each generated form (the join is made once per ending,
    not once per name: the matcher asks for some 145,000 different words)."""

    def joined() -> dict[int, tuple[dict[str, frozenset[str]], frozenset[str]]]:
        by_cut = derived(lexicon, ("endings", tail, length), lambda: _rules_by_ending(tail, length, lexicon))
        return {cut: (by_lang, frozenset().union(*by_lang.values())) for cut, by_lang in by_cut.items()}

    tail, length = _ending_of(word, lexicon, short_stem)
    by_cut = derived(lexicon, ("joined_endings", tail, length), joined)
    return {word[: len(word) - cut]: value for cut, value in by_cut.items()}


def _ending_of(word: str, lexicon: Lexicon, short_stem: bool) -> tuple[str, int]:
    """What decides which inflection rules apply to ``word`` (:func:`_rules_by_ending`): its last two characters or
    the longer literal ending it has, and its length, capped where no rule's condition on the length can change."""
    longs = _long_endings(lexicon)
    tail = next(e for e in longs if word.endswith(e)) if longs and word.endswith(longs) else word[-2:]
    return tail, min(len(word) + short_stem, len(tail) + 3)


def _long_endings(lexicon: Lexicon) -> tuple[str, ...]:
    """The literal endings of more than two letters (few: Lithuanian definite adjectives), longest first."""

    def longest_first() -> tuple[str, ...]:
        endings = {
            e for rules in lexicon.inflections.values() for e, _ in rules if not e.startswith(("@", "=")) and len(e) > 2
        }
        return tuple(sorted(endings, key=len, reverse=True))

    return derived(lexicon, ("long_endings",), longest_first)


# The longest literal ending of ``web_inflections.csv`` (Lithuanian definite adjectives: "naujasis" -> "naujojo").
_LONGEST_ENDING = 4


def _rules_by_ending(ending_chars: str, length: int, lexicon: Lexicon) -> dict[int, dict[str, frozenset[str]]]:
    """``{characters cut from the end: {language: suffixes}}`` for words ending in ``ending_chars`` (memoised:
    which rules apply depends only on the last two characters, or on the longer literal ending the word has
    (:func:`_long_endings`), and, for a replaced ending, on the length)."""
    cuts: dict[int, dict[str, set[str]]] = {}
    last = ending_chars[-1:]
    for language, rules in lexicon.inflections.items():
        for ending, suffixes in rules:
            if (
                ending == "@any"
                or (ending == "@consonant" and last.isalpha() and last not in _VOWELS)
                or ending == "@vowel"
                and last in _VOWELS
            ):
                cut = 0
            elif not ending.startswith(("@", "=")) and ending_chars.endswith(ending) and length > len(ending) + 2:
                cut = len(ending)
            else:
                continue
            cuts.setdefault(cut, {}).setdefault(language, set()).update(suffixes)
    return {cut: {lang: frozenset(s) for lang, s in by_lang.items()} for cut, by_lang in cuts.items()}


def written_suffixes(written_word: str, lexicon: Lexicon) -> dict[str, frozenset[str]]:
    """``{language: suffixes}`` added to the whole folded word by the rules whose ending is written as in the name
    (``=ń``: a letter that folding loses, Polish soft ń, ś, ć, ź: "Poznań" -> "Poznania", "Poznaniu"), for the
    word as written (``written_word``, not folded); empty when none applies."""
    word = written_word.lower()
    rules = _written_rules(lexicon)
    if not word.endswith(derived(lexicon, ("written_endings",), lambda: tuple({ending for _, ending, _ in rules}))):
        return {}  # the common case (the endings are letters that folding loses): one test
    found: dict[str, set[str]] = {}
    for language, ending, suffixes in rules:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            found.setdefault(language, set()).update(suffixes)
    return {language: frozenset(suffixes) for language, suffixes in found.items()}


def _written_rules(lexicon: Lexicon) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(language, ending as written without its ``=``, suffixes) of the rules of :func:`written_suffixes` (a few of
    the hundreds of rules: the matcher asks for every inflected name)."""
    return derived(
        lexicon,
        ("written_rules",),
        lambda: tuple(
            (language, ending[1:], tuple(suffixes))
            for language, rules in lexicon.inflections.items()
            for ending, suffixes in rules
            if ending.startswith("=")
        ),
    )
