"""A title or office right before a name: the name is a person's surname, not a place ("Councillor Campbell",
"Mayor Gray", "Bürgermeister Müller", "il sindaco Rossi", "burgemeester Jansen").

The titles are the ``person_title`` rows of ``web_terms.csv`` (offices and forms of address, one row per language).
A title followed by the name, or by one capitalised given name and then the name ("Mayor Eric Adams"), with only
spaces (and the full stop of an abbreviation: "Cllr.", "Dr.") between, makes the name a person's. The rows exist
only for languages that name the place an office governs with a preposition ("Mayor of Gray", "sindaco di",
"maire de", "burgemeester van", "кмет на") or with a genitive BEFORE the title ("Helsingin pormestari", "Tallinna
linnapea", "Rīgas mērs"). Languages whose bare genitive follows the title have none: Polish "burmistrz Chicago",
Czech "primátor Brna", Croatian "gradonačelnik Zagreba", Greek "δήμαρχος Αθηναίων", Romanian "primarul
Chicago" name the mayor's city; nor Hungarian, whose titles follow the name ("Gray polgármester").
"""

from __future__ import annotations

import re

from analysis.collect.web.lexicon import Lexicon, derived, fold_for_matching, load_lexicon

# One capitalised given name (or an initial) between the title and the name ("Mayor Eric Adams", "Dr. J. Smith").
_GIVEN_NAME = re.compile(r"(?:[A-ZÀ-ÖØ-ÞΑ-ΩА-Я][a-zà-öø-ÿα-ωа-я]+|[A-Z]\.)\s+$")
_WINDOW = 60


def _pattern(language: str, lexicon: Lexicon) -> re.Pattern | None:
    """The titles of ``language`` (and of all languages, "*") in ``lexicon`` as one pattern that ends the folded text
    before a name, compiled once per lexicon and language (:func:`~analysis.collect.web.lexicon.derived`)."""
    return derived(lexicon, ("person_title", language), lambda: _compiled(language, lexicon))


def _compiled(language: str, lexicon: Lexicon) -> re.Pattern | None:
    """:func:`_pattern`: a title word (a leading "*" a compound's head: "*beauftragte" is "Städtebeauftragte"), an
    optional full stop, spaces."""
    titles = [t.text for t in lexicon.terms if t.kind == "person_title" and t.language in (language, "*")]
    if not titles:
        return None
    pieces = []
    for title in sorted(titles, key=len, reverse=True):
        words = [
            (r"\w*" if w.startswith("*") else "") + re.escape(w.strip("*")) + (r"\w*" if w.endswith("*") else "")
            for w in fold_for_matching(title).split()
        ]
        pieces.append(r"[\s-]+".join(words))
    return re.compile(r"(?:^|[^\w])(?:" + "|".join(pieces) + r")\.?\s+$")


def title_before(text: str, start: int, language: str | None, lexicon: Lexicon | None = None) -> str | None:
    """The title right before the name that starts at ``start`` in ``text`` (module docstring), or None. The titles
    are ``lexicon``'s (the detector's: a detector loaded from its pickle then compiles no lexicon again), else those
    of :func:`~analysis.collect.web.lexicon.load_lexicon`."""
    if not language:
        return None
    pattern = _pattern(language, load_lexicon() if lexicon is None else lexicon)
    if pattern is None:
        return None
    before = text[max(0, start - _WINDOW) : start]
    if not before.endswith((" ", "\u00a0")):
        return None
    for window in (before, _without_given_name(before)):
        if window is None:
            continue
        found = pattern.search(fold_for_matching(window))
        if found:
            return found.group(0).strip(" .")
    return None


def _without_given_name(before: str) -> str | None:
    found = _GIVEN_NAME.search(before)
    return before[: found.start()] if found and found.start() > 0 else None
