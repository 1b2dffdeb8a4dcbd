"""Pieces of the local test web's pages: phrase templates, inflected names, local names, HTML and PDF files.

The words are data in ``analysis/reference/``: ``testweb_phrases.csv`` (one statement template per language
and statement class), ``testweb_site_words.csv`` (menus, URL slugs, page phrases per language),
``testweb_case_suffixes.csv`` (the suffix table that inflects partner names), ``testweb_countries.csv``
(site languages and top-level domain per country), ``testweb_statement_classes.csv`` (what each statement
class states: relation type, status or look-alike class). Country names in each language are pycountry's
translations (iso3166-1), shipped with the package.

Template slots: ``{eu}`` (the EU unit the statement is about), ``{partner}``, ``{country}`` (the partner's
country in the page language), ``{state}`` (the partner's US state or Chinese province), ``{year}``. A slot
may carry a grammatical case, ``{partner@loc}``: the last word of a one-word name takes the ending of the
first row of the suffix table (language, case) whose regular expression matches it (a deliberately simple
table, not a morphology: names of several words stay in the nominative).
"""

from __future__ import annotations

import functools
import gettext
import html
import io
import re
import zlib

import pandas as pd
import pycountry
from rapidfuzz import fuzz
from unidecode import unidecode

from analysis.core import paths
from analysis.core.names import split_alternate_names
from analysis.core.tracking import note_read

PHRASES_FILE = "testweb_phrases.csv"
SITE_WORDS_FILE = "testweb_site_words.csv"
CASE_SUFFIXES_FILE = "testweb_case_suffixes.csv"
COUNTRIES_FILE = "testweb_countries.csv"
STATEMENT_CLASSES_FILE = "testweb_statement_classes.csv"
_SLOT = re.compile(r"\{(\w+)(?:@(\w+))?\}")
_SCRIPTS = {
    "Latn": re.compile(r"^[A-Za-z\u00c0-\u024f\u1e00-\u1eff' .\-]+$"),
    "Grek": re.compile(r"^[\u0370-\u03ff\u1f00-\u1fff' .\-]+$"),
    # Bulgarian Cyrillic: no Ы, Э, Ё (Russian) and no Serbian, Macedonian, Ukrainian or Belarusian letters
    "Cyrl": re.compile(r"^[\u0410-\u042a\u042c\u042e-\u044a\u044c\u044e\u044f' .\-]+$"),
}
# A local name must look like the English one once both are in ASCII (a score from 0 to 100).
LOCAL_NAME_MIN_SIMILARITY = 60


def _read(name: str) -> pd.DataFrame:
    path = paths.REFERENCE / name
    note_read(path)
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in ("source", "note"):
        if column not in table.columns or table[column].eq("").any():
            raise ValueError(f"{path}: every row needs a non-empty {column!r}")
    return table


@functools.cache
def phrases() -> dict[tuple[str, str], tuple[str, ...]]:
    """``{(language, statement_class): templates}`` from ``testweb_phrases.csv``."""
    table = _read(PHRASES_FILE)
    grouped: dict[tuple[str, str], list[str]] = {}
    for row in table.itertuples(index=False):
        grouped.setdefault((row.language, row.statement_class), []).append(row.template)
    return {key: tuple(values) for key, values in grouped.items()}


@functools.cache
def site_words() -> dict[str, dict[str, str]]:
    """``{language: {key: text}}`` from ``testweb_site_words.csv`` (menus, slugs, page phrases)."""
    table = _read(SITE_WORDS_FILE)
    return {row["language"]: row for row in table.to_dict("records")}


@functools.cache
def site_countries() -> dict[str, tuple[tuple[str, ...], str]]:
    """``{country ISO2: (site languages, top-level domain)}`` from ``testweb_countries.csv``."""
    table = _read(COUNTRIES_FILE)
    return {row.country_iso2: (tuple(row.languages.split(";")), row.tld) for row in table.itertuples(index=False)}


@functools.cache
def statement_classes() -> dict[str, dict[str, str]]:
    """``{statement_class: {relation_type, status, lookalike_class, partner_pool, ...}}``."""
    table = _read(STATEMENT_CLASSES_FILE)
    return {row["statement_class"]: row for row in table.to_dict("records")}


@functools.cache
def _suffix_rules() -> dict[tuple[str, str], tuple[tuple[re.Pattern[str], str], ...]]:
    table = _read(CASE_SUFFIXES_FILE)
    rules: dict[tuple[str, str], list[tuple[re.Pattern[str], str]]] = {}
    for row in table.itertuples(index=False):
        rules.setdefault((row.language, row.case), []).append((re.compile(row.ending), row.replacement))
    return {key: tuple(values) for key, values in rules.items()}


def inflect(name: str, language: str, case: str) -> str:
    """``name`` in grammatical ``case`` by the suffix table; names of several words stay as they are."""
    rules = _suffix_rules().get((language, case))
    if rules is None:
        raise KeyError(f"{CASE_SUFFIXES_FILE}: no rows for language {language!r}, case {case!r}")
    if re.search(r"[\s\-]", name):
        return name
    for pattern, replacement in rules:
        if pattern.search(name):
            return pattern.sub(replacement, name, count=1)
    return name


def fill(template: str, slots: dict[str, str], language: str) -> str:
    """The template with its slots filled; ``{slot@case}`` inflects the value (see :func:`inflect`)."""

    def replace(match: re.Match[str]) -> str:
        value = slots[match.group(1)]
        return inflect(value, language, match.group(2)) if match.group(2) else value

    return _SLOT.sub(replace, template)


def template_slots(template: str) -> set[str]:
    """The slot names a template uses (without their case)."""
    return {match.group(1) for match in _SLOT.finditer(template)}


@functools.cache
def country_name(iso2: str, language: str) -> str:
    """The name of a country in ``language`` (pycountry's translation; English when it has none)."""
    country = pycountry.countries.get(alpha_2=iso2)
    english = getattr(country, "common_name", None) or country.name if country else iso2
    if language == "en" or country is None:
        return english
    try:
        translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return english
    translated = translation.gettext(country.name)
    return translated if translated != country.name else english


@functools.lru_cache(maxsize=65536)
def local_name(name: str, alternate_names: object, language: str) -> str:
    """The form of a place name a page in ``language`` uses: an exonym from the gazetteer, else ``name``.

    Greek and Bulgarian pages take the alternate name in their script that most resembles ``name`` once
    both are folded to ASCII (at least :data:`LOCAL_NAME_MIN_SIMILARITY`); Latin-script pages likewise among
    the alternate names that hold one of the language's own letters (``name_letters`` of the site words:
    ł for Polish, ő for Hungarian, ...) and no letter outside its alphabet (``letters``: so no pinyin with
    tone marks), unless ``name`` already holds one. First best in the gazetteer's
    order wins; no candidate: ``name``.
    """
    words = site_words()[language]
    script, letters = words["script"], words["name_letters"]
    if script == "Latn" and (not letters or any(letter in name.casefold() for letter in letters)):
        return name
    folded = unidecode(name).casefold()
    best, best_score = name, LOCAL_NAME_MIN_SIMILARITY - 1
    for candidate in split_alternate_names(alternate_names):
        if not _SCRIPTS[script].match(candidate) or len(candidate) > 40:
            continue
        if script == "Latn" and not _in_alphabet(candidate, letters, words["letters"]):
            continue
        if script == "Latn" and _shape(candidate) != _shape(name):
            continue  # "Harbin-chhī", "Beverlï-Xïllz": romanisations of other languages, not exonyms
        score = fuzz.ratio(unidecode(candidate).casefold(), folded)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _shape(name: str) -> tuple[int, int]:
    """Number of words and of hyphens of a name."""
    return len(name.split()), name.count("-")


def _in_alphabet(candidate: str, own_letters: str, alphabet: str) -> bool:
    """The name holds one of the language's own letters and no letter outside its alphabet (no pinyin tones)."""
    folded = candidate.casefold()
    non_ascii = {character for character in folded if not character.isascii() and character.isalpha()}
    return any(letter in folded for letter in own_letters) and non_ascii <= set(alphabet)


def slugify(text: str) -> str:
    """ASCII, lower case, words joined by '-' (``"Kraków"`` -> ``"krakow"``)."""
    return re.sub(r"[^a-z0-9]+", "-", unidecode(text).casefold()).strip("-") or "x"


# --------------------------------------------------------------------------- HTML


def html_page(
    *,
    language: str,
    site_name: str,
    title: str,
    menu: list[tuple[str, str]],
    body_html: str,
    footer_links: list[tuple[str, str]] = (),
    charset_meta: bool = True,
) -> str:
    """A municipal page: header with the site name and menu, main content, footer links."""
    escape = html.escape
    menu_html = "".join(f'<li><a href="{href}">{escape(label)}</a></li>' for href, label in menu)
    footer_html = " | ".join(f'<a href="{href}">{escape(label)}</a>' for href, label in footer_links)
    meta = '<meta charset="utf-8">' if charset_meta else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head>{meta}<title>{escape(title)} | {escape(site_name)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>\n<body>\n'
        f'<header><a class="logo" href="/">{escape(site_name)}</a><nav><ul>{menu_html}</ul></nav></header>\n'
        f"<main>\n<h1>{escape(title)}</h1>\n{body_html}\n</main>\n"
        f"<footer><p>{footer_html}</p><p>&copy; {escape(site_name)}</p></footer>\n</body>\n</html>\n"
    )


def paragraphs(sentences: list[str]) -> str:
    """Each sentence in a ``<p>``, HTML-escaped."""
    return "\n".join(f"<p>{html.escape(sentence)}</p>" for sentence in sentences)


# --------------------------------------------------------------------------- PDF


def pdf_document(lines: list[str]) -> bytes:
    """A valid one-page PDF whose text is ``lines`` (any Unicode text that pypdf must extract).

    The text is drawn with a Type0 font (Identity-H, not embedded) whose ToUnicode map gives each
    character back; each distinct character is one two-byte code. Byte-identical for the same lines.
    """
    characters = sorted({character for line in lines for character in line})
    codes = {character: index + 1 for index, character in enumerate(characters)}
    content = ["BT", "/F1 11 Tf", "15 TL", "56 780 Td"]
    content += ["<" + "".join(f"{codes[c]:04X}" for c in line) + "> Tj T*" for line in lines]
    stream = zlib.compress("\n".join([*content, "ET"]).encode("ascii"), 9)
    chunks = [characters[start : start + 100] for start in range(0, len(characters), 100)]
    bfchar = "\n".join(
        f"{len(chunk)} beginbfchar\n" + "\n".join(f"<{codes[c]:04X}> <{ord(c):04X}>" for c in chunk) + "\nendbfchar"
        for chunk in chunks
    )
    cmap = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\n"
        f"endcodespacerange\n{bfchar}\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    ).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Helvetica /Encoding /Identity-H /DescendantFonts [6 0 R] "
        b"/ToUnicode 7 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Helvetica /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor 8 0 R /DW 520 >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
        b"<< /Type /FontDescriptor /FontName /Helvetica /Flags 32 /FontBBox [-166 -225 1000 931] /ItalicAngle 0 "
        b"/Ascent 718 /Descent -207 /CapHeight 718 /StemV 88 >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def broken_pdf(seed_text: str) -> bytes:
    """Bytes that start like a PDF but cannot be parsed (no objects, no cross-reference table)."""
    filler = zlib.compress(seed_text.encode("utf-8")) * 8
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R\nstream\n" + filler[:4000]
