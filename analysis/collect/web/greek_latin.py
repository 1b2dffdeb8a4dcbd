"""Latin keys of a Greek-script place name in the transcriptions Latin labels use (ELOT 743 / ISO 843, classical,
phonetic): "Μυτιλήνη" is "Mytilini", "Mytilene", "Mitilini" (and of a Bulgarian Cyrillic one: "Търговище" is
"Targovishte", the official transliteration); the plain fold (``fold_text``: "mutilene") is one
transcription among several (``web_greek_latin.csv``: the letters and digraphs whose Latin forms differ).

Used to compare names (a Greek-script name and its Latin label agree when any of these keys equals the label's fold)
and, in fewer forms, to find Greek and Bulgarian towns in Latin-script text (:func:`text_forms`: the ELOT 743 and
classical transcriptions, column ``in_text``: "Σύμη" is "Symi", "Syme").
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

GREEK_LATIN_FILE = "web_greek_latin.csv"
_GREEK = re.compile(r"[\u0370-\u03FF\u1F00-\u1FFF\u0400-\u04FF]")  # Greek and Cyrillic script


@lru_cache(maxsize=2)
def _table(column: str = "latin") -> tuple[dict[str, tuple[str, ...]], re.Pattern[str]]:
    """``{Greek or Cyrillic letters: their Latin forms}`` of ``column`` and the pattern that finds those letters."""
    from analysis.core.reference import read_reference_table

    table = read_reference_table(GREEK_LATIN_FILE, ["greek", "latin", "in_text"])
    forms = {row.greek: tuple(getattr(row, column).split("|")) for row in table.itertuples(index=False)}
    pattern = re.compile("|".join(sorted(map(re.escape, forms), key=len, reverse=True)))
    return forms, pattern


def latin_keys(name: str, max_keys: int = 64) -> frozenset[str]:
    """Folded Latin keys of ``name`` when it is written in Greek or Cyrillic script (empty otherwise), at most
    ``max_keys`` (Cyrillic: the Bulgarian official transliteration beside the plain fold, "Търговище" is
    "Targovishte")."""
    return frozenset(_transcriptions(name, "latin", max_keys))


def text_forms(name: str, max_forms: int) -> list[str]:
    """Latin forms of a Greek- or Cyrillic-script town name to find it in Latin-script text, capitalised word by word
    (at most ``max_forms``; empty for a Latin name): the ELOT 743 and classical transcriptions, and "h" for chi as
    English writes it (column ``in_text``: "Χάλκη" is "Chalki", "Halki"; "Σύμη" is "Symi", "Syme"), the Bulgarian
    official one ("Търговище" is "Targovishte"); not the phonetic ones ("Simi"), nearer to ordinary words."""
    keys = _transcriptions(name, "in_text", max_forms)
    return [" ".join(word.capitalize() for word in key.split()) for key in dict.fromkeys(keys)]


def _transcriptions(name: str, column: str, max_keys: int) -> list[str]:
    """Folded Latin keys of a Greek- or Cyrillic-script ``name`` by the letter forms of ``column`` (at most
    ``max_keys``, in table order; empty for other scripts)."""
    from analysis.core.names import fold_text

    if not _GREEK.search(name or ""):
        return []
    forms, pattern = _table(column)
    plain = "".join(c for c in unicodedata.normalize("NFD", name.lower()) if not unicodedata.combining(c))
    plain = plain.replace("ς", "σ")
    pieces: list[tuple[str, ...]] = []
    position = 0
    for found in pattern.finditer(plain):
        pieces.append((plain[position : found.start()],))
        pieces.append(forms[found.group()])
        position = found.end()
    pieces.append((plain[position:],))
    combos = itertools.islice(itertools.product(*pieces), max_keys)
    return [" ".join(fold_text("".join(combo)).split()) for combo in combos]
