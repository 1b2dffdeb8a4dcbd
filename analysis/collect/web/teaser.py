"""Lines cut short with an ellipsis (news teasers, truncated lists): what of them the detector reads.

A teaser ("Esslingen und Sheboygan beenden ihre …") may lose the status words of its cut sentence, and the full
article is crawled anyway, so a cut sentence is left out. What comes before it stays: the line's complete sentences
and, when the cut sentence is an enumeration (at least ``teaser_min_separators`` (``web_detect_rules.csv``) commas or semicolons:
"La ville de Nice est jumelée avec Houston (Etats unis), Miami (Etats unis), ..., Edinburgh (Royaume ..."), its
complete items up to the last separator before the cut.
"""

from __future__ import annotations

import re

_CUT = re.compile(r"\s*(?:…|\.\.\.)\s*$")
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]»”]*\s+")
_SEPARATOR = re.compile(r"[,;]")


def kept_end(text: str, start: int, end: int, rules: dict[str, float]) -> int:
    """The end of what the detector reads of the line ``text[start:end]`` (``end`` when it is not cut with an
    ellipsis; ``start`` or less when nothing of it is kept); ``rules``: the lexicon's ``web_detect_rules.csv``."""
    line = text[start:end]
    cut = _CUT.search(line)
    if cut is None:
        return end
    body = line[: cut.start()]
    complete = [found.end() for found in _SENTENCE_END.finditer(body)]
    kept = complete[-1] if complete else 0
    separators = [found.start() for found in _SEPARATOR.finditer(body, kept)]
    if len(separators) >= rules["teaser_min_separators"]:
        kept = separators[-1]
    return start + len(body[:kept].rstrip())
