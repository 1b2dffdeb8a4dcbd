"""Bytes of a delivered file -> what it really is (by content, not name) and, for text, its encoding.

:func:`sniff_container` tells an XLSX workbook or an SPSS system file from text whatever the file is
called. :func:`decode_text` finds the encoding: a byte-order mark first (UTF-8, UTF-16 LE/BE), then a
UTF-16 without a mark (zero bytes in every other position), then a strict UTF-8 attempt, then the
code pages declared in ``analysis/reference/export_encodings.csv``: a candidate whose decoding puts
symbols inside words (``£ukasz`` for ``Łukasz``) loses; a tie goes to the code page of the
questionnaire languages found in the file, then to charset-normalizer. Bytes that are not UTF-8 in an
otherwise UTF-8 file are kept as surrogate escapes, so the rows that hold them go to quarantine.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

from analysis.core.reference import read_reference_table

ZIP_MAGIC = b"PK\x03\x04"
SAV_MAGICS = (b"$FL2", b"$FL3")
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with BOM"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 LE with BOM"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 BE with BOM"),
)
_LANGUAGE_CELL = re.compile(r"(?:^|[,;\t\"])([a-zA-Z]{2})(?=$|[,;\t\"\r\n])", re.MULTILINE)


class UndecodableError(ValueError):
    """The bytes are none of the accepted encodings; the message names the first bad line."""


@dataclass(frozen=True)
class DecodedText:
    """``text`` (``\\udcXX`` surrogate escapes where bytes were not valid), ``encoding`` and how it was found."""

    text: str
    encoding: str
    how: str
    bad_bytes: bool = False


def sniff_container(data: bytes) -> str:
    """``"xlsx"`` (a ZIP container), ``"sav"`` (an SPSS system file) or ``"text"``."""
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if data[:4] in SAV_MAGICS:
        return "sav"
    return "text"


def declared_code_pages() -> dict[str, set[str]]:
    """``{code page: {questionnaire languages}}`` from ``export_encodings.csv``."""
    table = read_reference_table("export_encodings.csv", ["encoding", "languages"])
    return {row.encoding: set(row.languages.split()) for row in table.itertuples()}


def decode_text(data: bytes, source: str) -> DecodedText:
    """Decode ``data`` (see the module docstring); raises :class:`UndecodableError` naming ``source`` and line."""
    for bom, encoding, how in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data.decode(encoding), "utf-16" if "16" in encoding else "utf-8-sig", how)
            except UnicodeDecodeError as error:
                raise UndecodableError(
                    f"{source} line {_line_of(data, error.start)}: {how} but {error.reason}"
                ) from None
    utf16 = _utf16_without_bom(data)  # before UTF-8: zero bytes are valid UTF-8
    if utf16:
        return utf16
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", "strict UTF-8")
    except UnicodeDecodeError:
        pass
    if _has_utf8_multibyte(data):
        text = data.decode("utf-8", errors="surrogateescape")
        return DecodedText(text, "utf-8", "UTF-8 with invalid bytes on some lines", bad_bytes=True)
    return _single_byte(data, source)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _utf16_without_bom(data: bytes) -> DecodedText | None:
    """UTF-16 LE or BE when at least 40 % of the even (BE) or odd (LE) bytes are zero (ASCII-heavy text)."""
    if len(data) < 4 or len(data) % 2:
        return None
    even_zero, odd_zero = data[0::2].count(0), data[1::2].count(0)
    half = len(data) // 2
    for zeros, encoding, label in ((odd_zero, "utf-16-le", "LE"), (even_zero, "utf-16-be", "BE")):
        if zeros >= 0.4 * half:
            try:
                return DecodedText(data.decode(encoding), encoding, f"UTF-16 {label} without BOM (zero bytes)")
            except UnicodeDecodeError:
                return None
    return None


def _has_utf8_multibyte(data: bytes) -> bool:
    """True when the file holds well-formed UTF-8 sequences of two or more bytes (so it was meant as UTF-8)."""
    return bool(re.search(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}", data))


def symbols_inside_words(text: str) -> int:
    """How many non-ASCII non-letters (``£``, ``³``, ``¯``) follow a letter: the mark of a wrong code page."""
    return sum(
        1
        for before, character in zip(text, text[1:], strict=False)
        if not character.isascii() and not character.isalpha() and not character.isspace() and before.isalpha()
    )


def _single_byte(data: bytes, source: str) -> DecodedText:
    """The best declared code page, or :class:`UndecodableError` naming the first line none can read."""
    code_pages = declared_code_pages()
    decoded: dict[str, str] = {}
    first_error: tuple[int, str] | None = None
    for encoding in code_pages:
        try:
            decoded[encoding] = data.decode(encoding)
        except UnicodeDecodeError as error:
            first_error = first_error or (_line_of(data, error.start), f"byte 0x{data[error.start]:02x}")
    if not decoded:
        line, byte = first_error or (1, "?")
        names = ", ".join(["UTF-8", "UTF-16", *code_pages])
        raise UndecodableError(f"{source} line {line}: the file is none of {names} ({byte} cannot be read)")
    if len(decoded) == 1:
        ((encoding, text),) = decoded.items()
        return DecodedText(text, encoding, f"{encoding}: the only declared code page that reads every byte")
    scores = {encoding: symbols_inside_words(text) for encoding, text in decoded.items()}
    best = min(scores.values())
    fewest = [encoding for encoding, score in scores.items() if score == best]
    if len(fewest) == 1:
        return DecodedText(decoded[fewest[0]], fewest[0], f"{fewest[0]}: fewest symbols inside words")
    languages = [code.casefold() for code in _LANGUAGE_CELL.findall(decoded[fewest[0]])]
    votes = {encoding: sum(code in code_pages[encoding] for code in languages) for encoding in fewest}
    if max(votes.values()) > 0 and list(votes.values()).count(max(votes.values())) == 1:
        winner = max(votes, key=votes.get)
        return DecodedText(decoded[winner], winner, f"{winner}: code page of the questionnaire languages")
    guess = charset_normalizer.from_bytes(data, cp_isolation=fewest).best()
    winner = guess.encoding if guess is not None and guess.encoding in fewest else fewest[0]
    return DecodedText(decoded[winner], winner, f"{winner}: charset-normalizer among {fewest}")
