"""The manuscripts built from one set of executed notebooks: the book and the papers.

A manuscript is a table of contents and a configuration (:class:`Manuscript`). The book is :data:`BOOK`
(``book/_toc.yml``, ``book/_config.yml``). Each paper is a folder ``book/papers/<name>/`` with its own
``_toc.yml`` and ``_config.yml`` and its few pages of its own (an introduction, a conclusion); its chapters
are the book's executed notebooks (``notebooks/NN_*``) and pages, named in its table of contents by their
path in the book, never copied. A paper's ``_config.yml`` holds only what differs from the book's (its
title, say): :func:`config_text` lays it over the book's configuration.

Every manuscript is built from the one staged book (:mod:`analysis.runner.book`, :mod:`analysis.runner.pdf`);
Jupyter Book builds only the pages its table of contents names (``only_build_toc_files``), so a
cross-reference from a page to a page the manuscript leaves out breaks its strict build.
:func:`unresolved_links` finds those before Jupyter Book runs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from analysis.core import paths

PAPERS_DIR = "papers"
TOC_NAME = "_toc.yml"
CONFIG_NAME = "_config.yml"
STAGED_MANUSCRIPTS = "_manuscripts"

LABEL = re.compile(r"^\s*(?::name:\s*(\S+)|\(([\w-]+)\)=|:label:\s*(\S+))", re.M)
REFERENCE = re.compile(r"\{(?:numref|ref)\}`(?:[^`<]*<)?([^`<>]+)>?`")
DOC_LINK = re.compile(r"\{doc\}`(?:[^`<]*<)?([^`<>]+)>?`")
GLUE_FROM = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)::")
GLUE_DIRECTIVE_FROM = re.compile(r"[`:]{3,}\{glue(?::\w+)?\}\s+([^\s:]+)::")


@dataclass(frozen=True)
class Manuscript:
    """One manuscript: its name (of its PDF and its HTML folder), table of contents and configuration."""

    name: str
    toc: Path
    config: Path

    @property
    def is_book(self) -> bool:
        return self.name == BOOK.name


BOOK = Manuscript("book", paths.BOOK / TOC_NAME, paths.BOOK / CONFIG_NAME)


def papers(book_source: Path | None = None) -> list[Manuscript]:
    """The papers: every ``<book>/papers/<name>/`` with a table of contents, by name."""
    folder = (book_source or paths.BOOK) / PAPERS_DIR
    return [Manuscript(toc.parent.name, toc, toc.parent / CONFIG_NAME) for toc in sorted(folder.glob(f"*/{TOC_NAME}"))]


def all_manuscripts(book_source: Path | None = None) -> list[Manuscript]:
    """The book, then the papers."""
    book_source = book_source or paths.BOOK
    return [Manuscript(BOOK.name, book_source / TOC_NAME, book_source / CONFIG_NAME), *papers(book_source)]


def _merge(base: dict, over: dict) -> dict:
    merged = dict(base)
    for key, value in over.items():
        merged[key] = (
            _merge(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) else value
        )
    return merged


def config_text(manuscript: Manuscript, book_config: Path | None = None) -> str:
    """The manuscript's configuration: the book's as written, or for a paper the book's with the paper's keys laid over it."""
    book_config = book_config or BOOK.config
    if manuscript.config == book_config or manuscript.is_book:
        return manuscript.config.read_text(encoding="utf-8")
    base = yaml.safe_load(book_config.read_text(encoding="utf-8")) or {}
    over = yaml.safe_load(manuscript.config.read_text(encoding="utf-8")) if manuscript.config.exists() else {}
    header = f"# Staged: {book_config.name} of the book with {manuscript.name}'s own keys laid over it.\n"
    return header + yaml.safe_dump(_merge(base, over or {}), sort_keys=False, allow_unicode=True)


def toc_documents(toc_text: str) -> list[str]:
    """The documents a table of contents names (its root first), as paths without suffix."""
    toc = yaml.safe_load(toc_text) or {}
    found = [str(toc["root"])] if "root" in toc else []

    def walk(entries: list) -> None:
        for entry in entries or []:
            if "file" in entry:
                found.append(str(entry["file"]))
            walk(entry.get("chapters", []))
            walk(entry.get("sections", []))
            for part in entry.get("parts", []):
                walk(part.get("chapters", []))

    walk(toc.get("chapters", []))
    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    return found


def document_path(source: Path, document: str) -> Path | None:
    """The file of ``document`` (``.md`` or ``.ipynb``) in ``source``, or None."""
    for suffix in (".md", ".ipynb"):
        if (source / f"{document}{suffix}").is_file():
            return source / f"{document}{suffix}"
    return None


def markdown_of(path: Path) -> str:
    """The markdown of a page, or of a notebook's markdown cells."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".ipynb":
        return text
    cells = json.loads(text).get("cells", [])
    return "\n".join("".join(cell.get("source", "")) for cell in cells if cell.get("cell_type") == "markdown")


def _resolve(document: str, target: str) -> str:
    """A ``{doc}`` or glue path, relative to ``document`` (or to the book's root with a leading slash), without suffix."""
    target = re.sub(r"\.(md|ipynb)$", "", target.strip())
    if target.startswith("/"):
        return target.lstrip("/")
    parts = [*Path(document).parent.parts, *Path(target).parts]
    resolved: list[str] = []
    for part in parts:
        if part == "..":
            resolved = resolved[:-1]
        elif part != ".":
            resolved.append(part)
    return "/".join(resolved)


def unresolved_links(source: Path, toc_text: str) -> list[str]:
    """Links from the manuscript's pages to what it leaves out: a ``{numref}``/``{ref}`` label, a ``{doc}`` page or
    a notebook glued from (``{glue:text}`path::key```) that is not among the documents of ``toc_text``;
    also documents the table of contents names that do not exist in ``source``."""
    documents = toc_documents(toc_text)
    pages = {document: document_path(source, document) for document in documents}
    problems = [
        f"{document}: named in the table of contents, not found" for document, path in pages.items() if not path
    ]
    texts = {document: markdown_of(path) for document, path in pages.items() if path is not None}
    labels = {label for text in texts.values() for match in LABEL.findall(text) for label in match if label}
    for document, text in texts.items():
        missing = [label for label in REFERENCE.findall(text) if label not in labels]
        problems += [f"{document}: label {label!r} is not in this manuscript" for label in missing]
        linked = [_resolve(document, target) for target in DOC_LINK.findall(text)]
        glued = [_resolve(document, target) for target in GLUE_FROM.findall(text) + GLUE_DIRECTIVE_FROM.findall(text)]
        problems += [
            f"{document}: links to {target!r}, not in this manuscript" for target in linked if target not in texts
        ]
        problems += [
            f"{document}: glues from {target!r}, not in this manuscript" for target in glued if target not in texts
        ]
    return problems


def used_notebooks(source: Path, toc_text: str) -> set[str]:
    """The names (``NN_name.ipynb``) of the staged notebooks a manuscript shows."""
    return {
        path.name
        for document in toc_documents(toc_text)
        if (path := document_path(source, document)) and path.suffix == ".ipynb"
    }


def relevant_files(files: list[Path], staging: Path, toc_text: str, name: str) -> list[Path]:
    """The staged files a manuscript's build depends on (for its fingerprint): all but the notebooks and the
    top-level pages it does not show and the other papers' own pages and staged tables of contents."""
    used = used_notebooks(staging, toc_text)
    pages = {f"{document}.md" for document in toc_documents(toc_text)}
    kept = []
    for path in files:
        parts = path.relative_to(staging).parts
        if parts[0] == "notebooks" and len(parts) == 2 and path.suffix == ".ipynb" and path.name not in used:
            continue
        if len(parts) == 1 and path.suffix == ".md" and parts[0] not in pages:
            continue  # a page of the book the manuscript leaves out (pages it includes live in _generated/)
        if parts[0] in (PAPERS_DIR, STAGED_MANUSCRIPTS) and len(parts) > 2 and parts[1] != name:
            continue
        kept.append(path)
    return kept


def staged_toc(manuscript: Manuscript) -> str:
    """Where a paper's table of contents is staged in the staged book (the book's own is ``_toc.yml``)."""
    return TOC_NAME if manuscript.is_book else f"{STAGED_MANUSCRIPTS}/{manuscript.name}/{TOC_NAME}"


def staged_config(manuscript: Manuscript) -> str:
    """Where a paper's configuration is staged in the staged book (the book's own is ``_config.yml``)."""
    return CONFIG_NAME if manuscript.is_book else f"{STAGED_MANUSCRIPTS}/{manuscript.name}/{CONFIG_NAME}"
