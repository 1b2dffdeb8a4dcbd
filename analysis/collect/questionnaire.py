"""The questionnaires generated from the codebooks, ready for the team to field, and their printable pages.

``python -m analysis.collect.questionnaire --out build/questionnaires`` (or
:func:`write_questionnaires`, which the pipeline can call) writes, for every instrument and every
*translated* language of its codebook, ``<instrument>/<instrument>_<lang>.lss`` (LimeSurvey 6,
:mod:`analysis.collect.questionnaire_lss`) and ``<instrument>/<instrument>_<lang>.qsf``
(Qualtrics, :mod:`analysis.collect.questionnaire_qsf`), plus ``<instrument>/languages.md`` naming
the languages still marked ``todo_translation`` (no file is written for them). The output is
deterministic: the same codebooks give byte-identical files.

:func:`printable_markdown` is the printable questionnaire of the book (English and one other
language); :func:`write_printables` writes ``book/questionnaire_<instrument>.md``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from analysis.collect.codebook import INSTRUMENTS, Codebook, Item, load_codebook
from analysis.collect.codebook_outputs import BOOK_FRONT_MATTER
from analysis.collect.questionnaire_lss import lss_bytes
from analysis.collect.questionnaire_qsf import qsf_text
from analysis.collect.tool_codes import choices
from analysis.core import paths, staging
from analysis.core.tracking import note_write

# The second language of each printable questionnaire (the first translated one in this order).
PRINT_LANGUAGE_PREFERENCE: tuple[str, ...] = ("de", "es", "fr", "pl", "it", "nl")


def write_questionnaires(out_dir: Path | None = None, instruments: tuple[str, ...] = INSTRUMENTS) -> list[Path]:
    """Write the ``.lss`` and ``.qsf`` files of ``instruments`` (default ``<build>/questionnaires``); return them.

    Under the pipeline runner each file is staged and renamed into place when the notebook succeeds
    (:mod:`analysis.core.staging`); the paths returned are the real ones.
    """
    out_dir = Path(out_dir) if out_dir is not None else paths.build_dir() / "questionnaires"
    written = []
    for name in instruments:
        book = load_codebook(name)
        target = out_dir / name
        for language in book.translated_languages():
            written.append(_write(target / f"{name}_{language}.lss", lss_bytes(book, language)))
            written.append(_write(target / f"{name}_{language}.qsf", qsf_text(book, language).encode("utf-8")))
        written.append(_write(target / "languages.md", _language_status(book).encode("utf-8")))
    return written


def _write(path: Path, content: bytes) -> Path:
    """Write ``content`` to output ``path`` (staged under the runner); return ``path``."""
    staged = staging.target(path)
    staged.write_bytes(content)
    note_write(staged)
    return path


def _language_status(book: Codebook) -> str:
    return (
        f"# {book.instrument}: questionnaire languages\n\n"
        f"Generated (.lss, .qsf): {', '.join(book.translated_languages())}\n\n"
        f"Marked todo_translation in {book.path.name} (no file generated): {', '.join(book.todo_languages()) or 'none'}\n"
    )


def print_languages(book: Codebook) -> list[str]:
    """English and the first translated language of :data:`PRINT_LANGUAGE_PREFERENCE` (if any)."""
    other = [lang for lang in PRINT_LANGUAGE_PREFERENCE if lang in book.translated_languages()]
    return ["en", *other[:1]]


def _options(item: Item, book: Codebook, language: str, marker: str) -> list[str]:
    return [
        f"- {marker} {option.label.get(language, option.label['en'])} `{option.code}`" for option in choices(item, book)
    ]


def _item_lines(item: Item, book: Codebook, language: str, number: int) -> list[str]:
    lines = [f"**{number}.** {item.wording[language]} <small>`{item.id}`</small>", ""]
    if item.ask_if:
        lines += [f"*Asked if* `{item.ask_if}`", ""]
    if item.fields:
        header = " | ".join(field.wording[language] for field in item.fields)
        lines += [f"| # | {header} |", "|---|" + "---|" * len(item.fields)]
        lines += [f"| {row} |" + " |" * len(item.fields) for row in range(1, item.rows + 1)]
        for field in item.fields:
            if field.codes:
                codes = "; ".join(f"`{o.code}` {o.label.get(language, o.label['en'])}" for o in choices(field, book))
                lines += ["", f"*{field.wording[language]}*: {codes}"]
    elif item.codes:
        lines += _options(item, book, language, "☐" if item.type == "multi" else "○")
    elif item.range:
        lines.append(f"Number from {item.range[0]} to {item.range[1]}: ________")
    else:
        lines.append("________________________________________")
    return [*lines, ""]


def printable_markdown(book: Codebook, languages: list[str] | None = None) -> str:
    """The printable questionnaire of ``book`` in ``languages`` (default :func:`print_languages`)."""
    languages = languages or print_languages(book)
    lines = [
        *BOOK_FRONT_MATTER,
        f"# Questionnaire: {book.title['en']}",
        "",
        f"Generated from `analysis/reference/codebooks/{book.path.name}` by `analysis.collect.questionnaire` "
        "(do not edit). Codes in `code` font are what the clean export records; items filled in by the survey "
        "tool (unit id, submission date, language) are not shown.",
    ]
    if book.todo_languages():
        lines += ["", f"Still to translate: {', '.join(book.todo_languages())}."]
    for language in languages:
        lines += ["", f"## {book.title.get(language, book.title['en'])} ({language})", ""]
        number = 0
        for section in book.sections:
            asked = [item for item in section.items if item.kind == "question"]
            if not asked:
                continue
            lines += [f"### {section.title[language]}", ""]
            for item in asked:
                number += 1
                lines += _item_lines(item, book, language, number)
    return "\n".join(lines).rstrip() + "\n"


def printable_path(instrument: str) -> Path:
    """Where the book keeps the printable questionnaire of ``instrument``."""
    return paths.BOOK / f"questionnaire_{instrument}.md"


def write_printables(instruments: tuple[str, ...] = INSTRUMENTS) -> list[Path]:
    """Write ``book/questionnaire_<instrument>.md`` for ``instruments``; return the paths."""
    written = []
    for name in instruments:
        path = printable_path(name)
        path.write_text(printable_markdown(load_codebook(name)), encoding="utf-8")
        note_write(path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    """Command line: write the questionnaires to ``--out`` (and, with ``--book``, the printable pages)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=paths.build_dir() / "questionnaires")
    parser.add_argument("--book", action="store_true", help="also rewrite book/questionnaire_<instrument>.md")
    arguments = parser.parse_args(argv)
    written = write_questionnaires(arguments.out)
    if arguments.book:
        written += write_printables()
    for path in written:
        print(path)


if __name__ == "__main__":
    main()
