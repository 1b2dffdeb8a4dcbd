"""Chinese place names as European texts write them: pinyin converted syllable by syllable into national
transcription systems.

A gazetteer name in Hanyu Pinyin ("Anhui", "Guangxi", "Dalian") is split into pinyin syllables
(:func:`syllables`), each syllable into its initial and final, and each part is written as a transcription
system writes it (``web_cn_romanisation.csv``: one row per system and pinyin initial, final or whole syllable,
with its published source). The systems are the Czech/Slovak Švarný transcription ("An-chuej", "Šan-si"),
the Polish ("Kuangsi", "Szanghaj"), the Hungarian népszerű átírás ("Pancsin", "Csiangszu"), Wade–Giles and the
postal romanisation ("Tien-tsin", "Kwangtung", "Tsingtao"), older German, French and Dutch forms, Lithuanian,
Latvian, and the Cyrillic (Russian Palladius, Bulgarian: "Далиен", "Ичун") and Greek ("Κουανγκτσόου")
practice. A table cell may give alternatives ("h|ch"): every combination is a form, up to a limit.

The matcher folds Cyrillic and Greek text to Latin letters (``fold_text``), so the Cyrillic and Greek forms
are found through the same fold as any other name; the inflection rules then apply to every form as to the
gazetteer's own names (:mod:`analysis.collect.web.matcher`).
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import NamedTuple

ROMANISATION_FILE = "web_cn_romanisation.csv"

# Pinyin initials, longest first (y and w are written as initials in pinyin and treated as such here).
INITIALS: tuple[str, ...] = ("zh", "ch", "sh", *"bpmfdtnlgkhjqxrzcsyw")
_RETROFLEX = frozenset({"zh", "ch", "sh", "r"})
_DENTAL = frozenset({"z", "c", "s"})
_PALATAL = frozenset({"j", "q", "x", "y"})
_LABIAL = frozenset({"b", "p", "m", "f"})
_ZERO_INITIAL_FINALS = frozenset({"a", "o", "e", "ai", "ei", "ao", "ou", "an", "en", "ang", "eng", "er"})
_W_FINALS = frozenset({"u", "a", "o", "ai", "ei", "an", "en", "ang", "eng"})
_Y_FINALS = frozenset({"a", "o", "e", "ao", "ou", "an", "ang", "ong", "i", "in", "ing", "ü", "üe", "üan", "ün"})


class System(NamedTuple):
    """One transcription system: ``parts`` maps ("initial"|"final"|"syllable", pinyin) to its alternatives;
    ``hyphenated``: names are also written with a hyphen between syllables."""

    name: str
    parts: dict[tuple[str, str], tuple[str, ...]]
    hyphenated: bool


@lru_cache(maxsize=1)
def systems() -> tuple[System, ...]:
    """The transcription systems of ``web_cn_romanisation.csv``, in file order."""
    from analysis.core.reference import read_reference_table

    table = read_reference_table(ROMANISATION_FILE, ["system", "languages", "part", "pinyin", "form"])
    parts: dict[str, dict[tuple[str, str], tuple[str, ...]]] = {}
    hyphenated: set[str] = set()
    for row in table.itertuples(index=False):
        if row.part == "separator":
            hyphenated.add(row.system)
            continue
        parts.setdefault(row.system, {})[(row.part, row.pinyin)] = tuple(row.form.split("|"))
    return tuple(System(name, table_parts, name in hyphenated) for name, table_parts in parts.items())


@lru_cache(maxsize=1)
def pinyin_finals() -> frozenset[str]:
    """Every pinyin final the tables know (``i_r``/``i_z``: the -i of zhi/chi/shi/ri and zi/ci/si)."""
    return frozenset(key for system in systems() for part, key in system.parts if part == "final")


def split_syllable(syllable: str) -> tuple[str, str] | None:
    """(initial, final key) of one pinyin syllable, or None when it is not a pinyin syllable.

    The final key is the final as the tables list it: "u" after j/q/x/y is "ü" ("ju" -> ("j", "ü")); the
    -i after zh/ch/sh/r is "i_r", after z/c/s "i_z"."""
    initial = next((i for i in INITIALS if syllable.startswith(i) and len(syllable) > len(i)), "")
    final = syllable[len(initial) :]
    if initial in _PALATAL and final.startswith("u"):
        final = "ü" + final[1:]
    if final == "i" and initial in _RETROFLEX | _DENTAL:
        final = "i_r" if initial in _RETROFLEX else "i_z"
    if final not in pinyin_finals() or not _combines(initial, final):
        return None
    return initial, final


def _combines(initial: str, final: str) -> bool:
    """Whether pinyin has ``initial`` + ``final`` (the phonotactic rules that keep splitting unambiguous)."""
    medial = final[:1]
    if final.startswith("i_"):
        return initial in _RETROFLEX | _DENTAL
    if initial == "":
        return final in _ZERO_INITIAL_FINALS
    if initial == "w":
        return final in _W_FINALS
    if initial == "y":
        return final in _Y_FINALS
    if initial in _PALATAL:
        return medial in ("i", "ü")
    if initial in _RETROFLEX | _DENTAL | {"g", "k", "h"}:
        return medial not in ("i", "ü")
    if initial in _LABIAL:
        return (medial != "u" or final == "u") and medial != "ü" and final != "ong"
    return True


def syllables(name: str) -> list[str] | None:
    """The pinyin syllables of a one-word pinyin ``name`` ("Guangxi" -> ["guang", "xi"]; "Xi’an" -> ["xi", "an"]),
    or None when it does not split into pinyin syllables (not a pinyin name).

    Longest syllable first with backtracking; an apostrophe marks a syllable boundary."""
    from analysis.core.names import fold_text

    pieces = fold_text(name).replace("'", " ").split()
    out: list[str] = []
    for piece in pieces:
        if not piece.isalpha():
            return None
        split = _split_piece(piece)
        if split is None:
            return None
        out.extend(split)
    return out or None


@lru_cache(maxsize=100_000)
def _split_piece(piece: str) -> tuple[str, ...] | None:
    if not piece:
        return ()
    for length in range(min(6, len(piece)), 0, -1):
        head = piece[:length]
        if split_syllable(head) is None:
            continue
        rest = _split_piece(piece[length:])
        if rest is not None:
            return (head, *rest)
    return None


def _syllable_forms(system: System, syllable: str) -> tuple[str, ...]:
    whole = system.parts.get(("syllable", syllable))
    if whole:
        return whole
    initial, final = split_syllable(syllable)  # type: ignore[misc]
    initials = system.parts.get(("initial", initial), (initial,)) if initial else ("",)
    finals = system.parts.get(("final", final), (final,))
    return tuple(dict.fromkeys(i + f for i, f in itertools.product(initials, finals)))


@lru_cache(maxsize=20_000)
def national_forms(name: str, max_forms: int) -> tuple[str, ...]:
    """``name`` (pinyin) in every transcription system, capitalised, at most ``max_forms`` per system
    (first alternatives first), joined and, in hyphenating systems, also hyphenated ("An-chuej").
    Empty when ``name`` is not one pinyin word."""
    parts = syllables(name)
    if not parts:
        return ()
    forms: list[str] = []
    for system in systems():
        combos = itertools.islice(itertools.product(*(_syllable_forms(system, s) for s in parts)), max_forms)
        for combo in combos:
            joined = "".join(combo)
            forms.append(joined[:1].upper() + joined[1:])
            if system.hyphenated and len(combo) > 1:
                hyphenated = "-".join(combo)
                forms.append(hyphenated[:1].upper() + hyphenated[1:])
    return tuple(dict.fromkeys(form for form in forms if form.lower() != name.lower()))
