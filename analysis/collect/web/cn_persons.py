"""A Chinese person's name as China context: "Bürgermeister Jun Feng Sheng aus der Region Rudong".

A text that names a Chinese person (a mayor, a party secretary, a delegation head) is about China as much as one
that says "China": the name vouches for a small Chinese place in its sentence as a country word does
(:func:`analysis.collect.web.rules.choose_partner`). A person's name here is two or three capitalised words in a
row, each one or two pinyin syllables (:func:`analysis.collect.web.romanise.syllables`), one of them a common
Chinese surname (the ``cn_surname`` terms: either name order, "Wang Lu", "Jun Feng Sheng"), of at least
``cn_person_min_letters`` letters in all (so "He Dan" or "Hu Die" in a European sentence is none). The scan gets a
``cn_context`` term over the name.
"""

from __future__ import annotations

import re

from analysis.collect.web.romanise import syllables

_WORD = re.compile(r"(?<![\w-])[A-Z][a-zü]{1,6}(?![\w-])")


def person_spans(text: str, terms, min_letters: int) -> list[tuple[int, int]]:
    """Original-text spans of the Chinese persons' names in ``text`` (see the module docstring); ``terms``: the
    scan's term hits (its ``cn_surname`` hits)."""
    surnames = {t.orig_start for t in terms if t.kind == "cn_surname"}
    if not surnames:
        return []
    runs: list[list[re.Match]] = []
    for found in _WORD.finditer(text):
        split = syllables(found.group(0))
        if split is None or len(split) > 2:
            runs.append([])
        elif runs and runs[-1] and text[runs[-1][-1].end() : found.start()] == " ":
            runs[-1].append(found)
        else:
            runs.append([found])
    return [
        (run[0].start(), run[-1].end())
        for run in runs
        if 2 <= len(run) <= 3
        and surnames.intersection(w.start() for w in run)
        and sum(len(w.group(0)) for w in run) >= min_letters
    ]
