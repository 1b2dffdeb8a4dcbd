"""Segmentation for the partnership detector: lines, sentences, headings and the list items under them.

:func:`segment_text` cuts a text into :class:`Segment` s (rule 1 of :mod:`analysis.collect.web.detect`);
:func:`by_segment` groups hits by segment; :func:`neighbour_segments` and :func:`lent` say which relation terms a
sentence without one may borrow from the sentences around it.
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

from analysis.collect.web import eu_side, lookalike, teaser
from analysis.collect.web.lexicon import fold_for_matching, letter_script
from analysis.collect.web.matcher import Scan

_SENTENCE_END = re.compile(r"[.!?]+[\"')\]»”]*\s+")
_BULLET = re.compile(r"^\s*(?:[-*•·–]|\d+[.)])\s*")


class Segment(NamedTuple):
    start: int
    end: int
    line: int
    heading: int | None  # index of the heading segment when this is a list item
    is_heading: bool


def segment_text(text: str, scan: Scan, places: list, rules: dict, abbreviations: frozenset) -> list[Segment]:
    """Sentences of ``text`` by line, with headings and the list items under them.

    A heading is a short line with a twin/friendship/agreement term and no partner name whose next line
    names a place (a menu entry "Partnerstädte" followed by "Dokumente" is no heading), or a longer line that
    ends with the term (a list title glued to the paragraph before it: "... 2001-08-30MIASTA PARTNERSKIE") or with a
    colon (a lead-in sentence: "Over the years Duisburg has signed partnership agreements with these cities:"); a lead
    paragraph right under it with a relation term and no partner keeps the list open ("ACORDOS DE COOPERAÇÃO" /
    "Os acordos ... entre Lisboa e outras cidades ..." / "• Miami (EUA) – 1987"); a line right before a bulleted
    line is such a lead-in too, however long ("... some of these partnerships are introduced below." / "• ...").
    Of a line cut short with an ellipsis (a news teaser) only its complete sentences and enumeration items are read
    (:mod:`analysis.collect.web.teaser`): status words may be cut off, and the full article is crawled anyway.
    """
    segments: list[Segment] = []
    heading: int | None = None
    max_words = int(rules["heading_max_words"])
    relation_terms = [t for t in scan.terms if t.kind in ("twin", "friendship", "agreement")]
    relation_starts = sorted(t.orig_start for t in relation_terms)
    relation_ends = {t.orig_end for t in relation_terms}
    roles = [{places[r].role for r in h.records} for h in scan.names]
    name_starts = sorted(
        h.orig_start
        for h, found in zip(scan.names, roles, strict=True)
        if found & {"partner", "admin1"} and "eu" not in found
    )
    place_starts = sorted(h.orig_start for h in scan.names)
    lines = text_lines(text)
    for index, (line_number, line_start, line_end) in enumerate(lines):
        if (line_end := teaser.kept_end(text, line_start, line_end, rules)) <= line_start:
            continue
        line = text[line_start:line_end]
        words = len(line.split())
        has_relation = any_between(relation_starts, line_start, line_end)
        has_partner = any_between(name_starts, line_start, line_end)
        tail = len(line.rstrip(" :\t*"))
        following = lines[index + 1] if index + 1 < len(lines) else None
        lead_in = line.rstrip().endswith(":") or bool(following and _BULLET.match(text[following[1] : following[2]]))
        titled = line_start + tail in relation_ends or lead_in
        opens = following and any_between(place_starts, following[1], following[2])
        if has_relation and not has_partner and (words <= max_words or titled) and opens:
            segments.append(Segment(line_start, line_end, line_number, None, True))
            heading = len(segments) - 1
            continue
        short = words <= 10 or bool(_BULLET.match(line))
        intro = heading == len(segments) - 1 and has_relation and not has_partner  # a lead paragraph under it
        if heading is not None and not short and not intro:
            heading = None
        for start, end in sentences(text, line_start, line_end, abbreviations):
            segments.append(Segment(start, end, line_number, heading, False))
    return segments


def sentences(text: str, start: int, end: int, abbreviations: frozenset) -> list[tuple[int, int]]:
    spans = []
    sentence_start = start
    for found in _SENTENCE_END.finditer(text, start, end):
        before = text[sentence_start : found.start()].split()
        token = fold_for_matching(before[-1]).strip(" .([{\"'„“«") if before else ""
        following = text[found.end() : found.end() + 1]
        # an abbreviation in the script it is written in: Greek "αρ." is not Swedish "år."
        if (
            (token, letter_script(before[-1]) if before else None) in abbreviations
            or (len(token) == 1 and token.isalpha())
            or following.islower()
        ):
            continue
        spans.append((sentence_start, found.end()))
        sentence_start = found.end()
    if sentence_start < end:
        spans.append((sentence_start, end))
    return spans


def neighbour_segments(
    segments: list[Segment], index: int, text: str, partnered: list[frozenset[str]], terms_by_segment=None
) -> list[int]:
    """Segments whose relation terms a sentence without one may borrow (with a lower confidence): the sentences
    before and after it when they name no partner themselves, and the next ones beyond those when they name none
    either ("New Brunswick ... kis város New Jersey államban. [...] 1990 óta Debrecen testvérvárosa."), and the
    lead-in before it (the sentence that ends with a colon right before it: "Partnerstädte von Maardu:"), and the
    sentence right before an enumeration (:func:`enumeration`) even when it names a partner: a list of places opened by
    the sentence that states the relation ("Tchao-jüan se tak řadí mezi další partnerská města Brna. Patří mezi ně
    Bratislava, Dallas, Debrecín, ..."; "... ist eine der Partnerstädte von X. Die anderen sind A, B, C und D").
    In a text that names one partner city only, every sentence that names none lends (from further away only its twin,
    friendship and agreement terms, :func:`lent`): the text's topic is that pair, so a relation stated anywhere in
    it ("The two cities have been twinned since 1990") is the relation of the partner named elsewhere. ``partnered``:
    the keys of the partner cities each segment names (:func:`analysis.collect.web.discourse.partner_keys`).
    A later sentence that refers back to a pair ("The two cities signed the charter in 1990"; ``pair_anaphor`` terms
    of ``terms_by_segment``) and names no partner lends to the last sentence before it that names one, however far:
    the pair it refers to is that sentence's. The sentences around it (and the ones beyond those) lend only within the
    page block of :func:`in_scope`: its paragraph, or the heading, title or lead-in right above it; the last heading,
    title or lead-in above it lends to every sentence of the block it heads (a title line over a paragraph)."""

    def near(i: int) -> bool:
        return 0 <= i < len(segments) and not partnered[i] and in_scope(text, segments, i, index)

    chosen = [i for i in (index - 1, index + 1) if near(i)]
    if index > 0 and enumeration(text[segments[index].start : segments[index].end]):
        chosen.append(index - 1)
    if terms_by_segment is not None and partnered[index]:
        chosen += _anaphor_after(index, partnered, terms_by_segment)
    chosen += [i + step for i, step in ((index - 1, -1), (index + 1, 1)) if i in chosen and near(i + step)]
    titles = [i for i in range(index) if _titles(text, segments, i)]
    if titles and near(titles[-1]):  # the last heading, title or lead-in above it reaches its whole block
        chosen.append(titles[-1])
    if len(frozenset().union(*partnered)) == 1:  # the text's one partner: its topic pair
        chosen += [i for i, keys in enumerate(partnered) if not keys and i != index]
    if index > 0 and text[segments[index - 1].start : segments[index - 1].end].rstrip().endswith(":"):
        chosen.append(index - 1)
    return sorted(set(chosen))


_PARAGRAPH_BREAK = re.compile(r"\n[ \t\xa0]*\n")


def in_scope(text: str, segments: list[Segment], lender: int, index: int) -> bool:
    """Whether the relation terms of segment ``lender`` reach segment ``index`` by page structure alone: a
    sentence's terms reach the sentences of its own paragraph (no blank line between), a heading's, a title's (the
    text's first line) and a lead-in's (a line ending with a colon) reach the paragraph right after them. A term
    across a paragraph break concerns another block of the page ("... claimed by Beijing ..." / (blank line) / "...
    signed a sister city agreement in Prague"); the text's topic pair and a pair anaphor reach further
    (:func:`neighbour_segments`)."""
    low, high = sorted((lender, index))
    if not _PARAGRAPH_BREAK.search(text, segments[low].end, segments[high].start):
        return True
    if lender > index or _PARAGRAPH_BREAK.search(text, segments[lender + 1].start, segments[index].start):
        return False
    alone = lender == 0 or _PARAGRAPH_BREAK.search(text, segments[lender - 1].end, segments[lender].start)
    if not alone or not _PARAGRAPH_BREAK.search(text, segments[lender].end, segments[lender + 1].start):
        return False  # a paragraph's last sentence is no title of the next one
    return _titles(text, segments, lender)


def _titles(text: str, segments: list[Segment], lender: int) -> bool:
    """Whether segment ``lender`` heads the block under it: a heading, the text's first line (a title: a line of its
    own), a lead-in (a colon)."""
    title = lender == 0 and (len(segments) == 1 or segments[1].line != segments[0].line)
    return segments[lender].is_heading or title or text[: segments[lender].end].rstrip().endswith(":")


def _anaphor_after(index: int, partnered: list[frozenset[str]], terms_by_segment) -> list[int]:
    """The first sentence after ``index`` with a pair anaphor, when no sentence up to it names a partner."""
    for later in range(index + 1, len(partnered)):
        if partnered[later]:
            return []
        if any(t.kind == "pair_anaphor" for t in terms_by_segment[later]):
            return [later]
    return []


_TOPIC_KINDS = frozenset({"twin", "friendship", "agreement"})
_ITEM_SPLIT = re.compile(r"\s*[,;]\s*")


def enumeration(sentence: str) -> bool:
    """Whether a sentence is a list of names: at least five items between commas or semicolons, every inner item a
    name of at most three words that starts with a capital letter (the first item may hold the lead words, the last
    one the conjunction: "Patří mezi ně Bratislava, Dallas, Debrecín, Charkov, Kaunas a Vídeň.")."""
    items = _ITEM_SPLIT.split(sentence.strip().rstrip(".!?;: "))
    inner = items[1:-1]
    return len(inner) >= 3 and all(0 < len(item.split()) <= 3 and item[:1].isupper() for item in inner)


def lent(text: str, segments: list[Segment], lender: int, index: int, terms_by_segment, mentions_by_segment) -> list:
    """The terms segment ``lender`` lends to segment ``index`` (not those held by its own partners): all from the
    sentence next to it or a lead-in ending with a colon, no weak relation word from two sentences away
    (:func:`eu_side.far_terms`), and from further away or across a sentence that names a partner (the topic pair of
    :func:`neighbour_segments`) only the twin,
    friendship and agreement terms: a look-alike or a status word there may concern another tie or event ("Koostöö
    Venemaa sõpruslinnadega on peatatud": the suspended ties are the Russian ones)."""
    terms = lookalike.unheld(text, terms_by_segment[lender], mentions_by_segment[lender], segments[lender])
    lead_in = text[segments[lender].start : segments[lender].end].rstrip().endswith(":")
    if abs(lender - index) < 2 or lead_in:
        return terms
    far = eu_side.far_terms(terms)
    middle = mentions_by_segment[(lender + index) // 2]
    chained = abs(lender - index) == 2 and not any(m.role == "partner" for m in middle)
    return far if chained else [t for t in far if t.kind in _TOPIC_KINDS]


def by_segment(segments: list[Segment], hits: list, start_of) -> list[list]:
    starts = [segment.start for segment in segments]
    grouped: list[list] = [[] for _ in segments]
    for hit in hits:
        index = bisect.bisect_right(starts, start_of(hit)) - 1
        if index >= 0 and start_of(hit) < segments[index].end:
            grouped[index].append(hit)
    return grouped


_CONTINUATION = re.compile(r"\s*[a-zà-öø-ÿα-ωа-я(,–]")
_LINE_END = re.compile(r"[.!?:;…]['\"”»)\]]*\s*$")
_OPEN_END = re.compile(r"[,–—-]\s*$")


def text_lines(text: str) -> list[tuple[int, int, int]]:
    """(line number, start, end) of every non-blank line of ``text``; a hard-wrapped sentence is one line.

    A line that does not end with sentence punctuation continues on the next non-blank line when that one starts
    with a lower-case letter, a parenthesis, a comma or a dash (PDFs and hard-wrapped pages cut sentences:
    "... zuletzt Huangshan" / "(China) besteht eine solche Verbindung."), or whatever it starts with when the line
    ends with a comma or a dash (a name and its state or country cut apart: "the Mayor of Springfield," /
    "Illinois, to be a Sister City"), or when both lines are written in capitals and the first has at least
    ``_CAPS_WRAP_MIN_WORDS`` words (a wrapped all-caps title or resolution heading: "INVITING THE CITY OF SANTA CRUZ,
    SPAIN, TO BECOME" / "A SISTER -CITY OF THE CITY OF CORPUS CHRISTI"; a short capitalised menu entry stays a line of
    its own); a bullet starts a new line.
    """
    out: list[tuple[int, int, int]] = []
    position = 0
    for number, line in enumerate(text.split("\n")):
        if line.strip():
            end = position + len(line)
            previous = text[out[-1][1] : out[-1][2]] if out else ""
            joins = previous and not _LINE_END.search(previous) and not _BULLET.match(line)
            if joins and (_CONTINUATION.match(line) or _OPEN_END.search(previous) or _caps_wrap(previous, line)):
                out[-1] = (out[-1][0], out[-1][1], end)
            else:
                out.append((number, position, end))
        position += len(line) + 1
    return out


_CAPS_WRAP_MIN_WORDS = 4


def _caps_wrap(previous: str, line: str) -> bool:
    """Whether two lines are one all-caps sentence wrapped (:func:`text_lines`): both in capitals with letters, the
    first of at least ``_CAPS_WRAP_MIN_WORDS`` words."""
    return (
        len(previous.split()) >= _CAPS_WRAP_MIN_WORDS
        and any(c.isalpha() for c in line)
        and previous.isupper()
        and line.isupper()
    )


def any_between(sorted_starts: list[int], start: int, end: int) -> bool:
    index = bisect.bisect_left(sorted_starts, start)
    return index < len(sorted_starts) and sorted_starts[index] < end
