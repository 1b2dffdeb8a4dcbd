"""Text and language of one stored web response: HTML main text (trafilatura) or PDF text (pypdf).

:func:`page_text` never raises on a bad body: a page that cannot be read comes back with empty
text and an ``error`` reason ("empty body", "binary content", "pdf unreadable: ...", ...), so a
crawl accounts for every response. The character encoding comes from the HTTP header when it
names one, else from the body (``<meta charset>``, a BOM, or a guess): municipal sites in
Central Europe still serve Windows-1250 and ISO-8859-2 pages without a charset header.
Lists and tables are kept, since partner-city pages are lists.

The language is lingua's guess among the 24 official EU languages (Maltese is not in lingua,
so a Maltese page keeps its declared ``lang``); a text too short to judge keeps the page's
declared ``<html lang>``.
"""

from __future__ import annotations

import io
import re
from typing import NamedTuple

from analysis.core.countries import EU_OFFICIAL_LANGUAGES

# Below this many letters lingua's guess is unreliable and the page's declared language is used.
MIN_LETTERS_FOR_DETECTION: int = 40
# Share of control bytes above which a body named .html is treated as binary (images, archives).
BINARY_CONTROL_SHARE: float = 0.10

_DECLARED_LANG = re.compile(rb"<html[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2})", re.IGNORECASE)
_CONTROL_BYTES = bytes(range(0, 9)) + bytes(range(14, 32))


class Extracted(NamedTuple):
    """What :func:`page_text` found: ``text``, ``language`` (ISO 639-1 or None), ``kind`` ("html" | "pdf"),
    ``error`` (None, or why no text came out)."""

    text: str
    language: str | None
    kind: str
    error: str | None


def page_text(body: bytes, content_type: str, url: str, *, with_language: bool = True) -> Extracted:
    """Main text and language of one response ``body`` served as ``content_type`` from ``url``.

    ``with_language=False`` leaves lingua out (the caller may not need the language): the language is then the
    page's declared one (None for a PDF), and ``detect_language(text, declared=that)`` gives what lingua would."""
    body = body or b""
    is_pdf = "pdf" in (content_type or "").lower() or url.lower().split("?")[0].endswith(".pdf") or body[:5] == b"%PDF-"
    if not body.strip():
        return Extracted("", None, "pdf" if is_pdf else "html", "empty body")
    if is_pdf:
        text, error = pdf_text(body)
        return Extracted(text, detect_language(text) if text and with_language else None, "pdf", error)
    if _looks_binary(body):
        return Extracted("", None, "html", "binary content")
    try:
        html = decode_html(body, content_type)
        text = html_main_text(html, url)
    except Exception as error:
        return Extracted("", None, "html", f"html unreadable: {type(error).__name__}: {error}"[:200])
    declared = _declared_language(body)
    if not text.strip():
        return Extracted("", declared, "html", "no main text")
    return Extracted(text, detect_language(text, declared=declared) if with_language else declared, "html", None)


def decode_html(body: bytes, content_type: str | None) -> str:
    """``body`` as text: the header's charset when it names one, else the body's own declaration (``<meta>``,
    BOM), else UTF-8 when the bytes are valid UTF-8, else the likeliest Central/Western European single-byte
    encoding (Windows-1250, ISO-8859-2, Windows-1252: see :func:`guess_single_byte`)."""
    from w3lib.encoding import html_body_declared_encoding, html_to_unicode

    header = content_type if content_type and "charset" in content_type.lower() else None
    if header or html_body_declared_encoding(body) or body[:3] == b"\xef\xbb\xbf":
        return html_to_unicode(header, body)[1]
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return guess_single_byte(body)


# Characters that single-byte text in EU languages hardly ever contains: C1 controls and the symbols that
# a wrong code page turns Central European letters into (ISO-8859-2 read as 1252 gives ¹ ¾ ³ ...).
_UNLIKELY = frozenset(chr(code) for code in range(0x80, 0xA0)) | frozenset("¹²³¼½¾¤¦¨´¸¬¯°±µ¶·¿×÷ˇ˘˛˝")
SINGLE_BYTE_ENCODINGS: tuple[str, ...] = ("cp1250", "iso-8859-2", "cp1252")


def guess_single_byte(body: bytes) -> str:
    """``body`` decoded with the single-byte encoding that gives the fewest unlikely characters (first wins a tie)."""
    best_text, best_score = "", None
    for encoding in SINGLE_BYTE_ENCODINGS:
        text = body.decode(encoding, errors="replace")
        score = sum(ch in _UNLIKELY or ch == "\ufffd" for ch in text)
        if best_score is None or score < best_score:
            best_text, best_score = text, score
    return best_text


# trafilatura without its second opinion (justext / readability comparison): about half the extraction time.
FAST_EXTRACTION = True


def html_main_text(html: str, url: str = "") -> str:
    """The main text of ``html`` (trafilatura, lists and tables kept; its fallback extractor on short pages)."""
    import trafilatura

    text = trafilatura.extract(
        html,
        url=url or None,
        include_tables=True,
        include_comments=False,
        include_links=False,
        favor_recall=True,
        deduplicate=False,
        fast=FAST_EXTRACTION,
        output_format="txt",
    )
    return text or ""


def pdf_text(body: bytes) -> tuple[str, str | None]:
    """Text of a PDF ``body`` and an error reason (None when it read): a broken PDF is a reason, not an exception."""
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(body), strict=False)
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as error:
        return "", f"pdf unreadable: {type(error).__name__}: {error}"[:200]
    text = "\n".join(pages).strip()
    return text, None if text else "pdf without text"


_LINGUA: dict[str, object] = {}  # this process's lingua detector: "lazy" or "preloaded"


def _language_detector():
    """lingua restricted to the EU's official languages it knows (built once per process; the preloaded one when
    :func:`preload_language_models` ran)."""
    if not _LINGUA:
        _LINGUA["lazy"] = _build_language_detector(preload=False)
    return _LINGUA.get("preloaded") or _LINGUA["lazy"]


def _build_language_detector(*, preload: bool):
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [
        getattr(IsoCode639_1, code.upper()) for code in EU_OFFICIAL_LANGUAGES if hasattr(IsoCode639_1, code.upper())
    ]
    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
    return (builder.with_preloaded_language_models() if preload else builder).build()


def preload_language_models() -> None:
    """Load all of lingua's language models now (about 5 s of CPU and 0.5 GB, once per process) rather than on
    first use. Lazily, the first text of 40-120 letters (a short page, a PDF with little text) makes lingua load
    the 1- to 5-gram models of every Latin-script language (~12 s) in the middle of a crawl, and once more in
    every detection worker; loaded before the workers fork, they share one copy. The guesses are the same."""
    if "preloaded" not in _LINGUA:
        _LINGUA["preloaded"] = _build_language_detector(preload=True)


def supported_languages() -> tuple[str, ...]:
    """ISO 639-1 codes lingua can tell apart here (the EU's official languages less Maltese)."""
    from lingua import IsoCode639_1

    return tuple(code for code in EU_OFFICIAL_LANGUAGES if hasattr(IsoCode639_1, code.upper()))


def detect_language(text: str, *, declared: str | None = None) -> str | None:
    """ISO 639-1 code of ``text`` (lingua among the EU languages); ``declared`` when the text is too short."""
    letters = sum(ch.isalpha() for ch in text[:2000])
    if letters < MIN_LETTERS_FOR_DETECTION:
        return declared
    found = _language_detector().detect_language_of(text[:5000])
    if found is None:
        return declared
    return found.iso_code_639_1.name.lower()


def _declared_language(body: bytes) -> str | None:
    found = _DECLARED_LANG.search(body[:4096])
    if not found:
        return None
    code = found.group(1).decode("ascii").lower()
    return code if code in EU_OFFICIAL_LANGUAGES else None


def _looks_binary(body: bytes) -> bool:
    head = body[:4096]
    if b"\x00" in head:
        return True
    controls = sum(head.count(bytes([byte])) for byte in _CONTROL_BYTES)
    return controls > BINARY_CONTROL_SHARE * len(head)
