"""Latin keys of a Greek-script place name in the transcriptions Latin labels use (ELOT 743 / ISO 843, classical,
phonetic): "Μυτιλήνη" is "Mytilini", "Mytilene", "Mitilini" (and of a Bulgarian Cyrillic one: "Търговище" is
"Targovishte", the official transliteration); the plain fold (``fold_text``: "mutilene") is one
transcription among several (``web_greek_latin.csv``: the letters and digraphs whose Latin forms differ).

Used to compare names, never to find them in text: a Greek-script name and its Latin label agree when any of these
keys equals the label's fold.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

GREEK_LATIN_FILE = "web_greek_latin.csv"
_GREEK = re.compile(r"[\u0370-\u03FF\u1F00-\u1FFF\u0400-\u04FF]")  # Greek and Cyrillic script


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, tuple[str, ...]], re.Pattern[str]]:
    from analysis.core.reference import read_reference_table

    table = read_reference_table(GREEK_LATIN_FILE, ["greek", "latin"])
    forms = {row.greek: tuple(row.latin.split("|")) for row in table.itertuples(index=False)}
    pattern = re.compile("|".join(sorted(map(re.escape, forms), key=len, reverse=True)))
    return forms, pattern


def latin_keys(name: str, max_keys: int = 64) -> frozenset[str]:
    """Folded Latin keys of ``name`` when it is written in Greek or Cyrillic script (empty otherwise), at most
    ``max_keys`` (Cyrillic: the Bulgarian official transliteration beside the plain fold, "Търговище" is
    "Targovishte")."""
    from analysis.core.names import fold_text

    if not _GREEK.search(name or ""):
        return frozenset()
    forms, pattern = _table()
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
    return frozenset(" ".join(fold_text("".join(combo)).split()) for combo in combos)
