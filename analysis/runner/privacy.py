"""Privacy scan (issue 12, item 4): no personal data outside ``data/raw`` and the synthetic samples.

The synthetic survey and interview samples plant personal markers (names, e-mails, phones, titles); the
team's real exports hold real ones. Neither may reach what the pipeline derives. :func:`scan` searches

* ``data/processed/`` (tables read as text: a parquet file's strings are compressed on disk),
* ``build/``, except ``build/synthetic`` (the samples themselves, raw material) and the demonstration
  crawl's stored WARC folder (``build/crawl-demo*/crawl``: raw material as ``data/raw/crawl`` is),
* the built HTML book (``book/_build/html``, without Sphinx's bundled ``_static`` assets) and every built
  PDF manuscript (``book/_build/pdf``, its text extracted)

for the planted markers and for e-mail and phone patterns (``analysis/reference/privacy_patterns.csv``:
``marker`` rows are literal text, ``regex`` rows patterns, ``allow`` rows matches that are not personal).
``python -m analysis.runner.privacy`` prints each finding and exits 1 when there is one; ``make test``
runs it on the tests' build (``tests/runner/test_faults.py``).
"""

from __future__ import annotations

import functools
import io
import logging
import re
import sys
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from analysis.core import paths

PATTERNS_FILE = "privacy_patterns.csv"
SKIPPED_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".ico", ".woff", ".woff2", ".ttf", ".eot", ".pickle"})
SKIPPED_PARTS = frozenset({"_static", ".doctrees"})


class Finding(NamedTuple):
    path: Path
    kind: str
    text: str


@functools.cache
def patterns() -> tuple[tuple[str, ...], tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]]:
    """(literal markers, search patterns, allowed matches) from the reference table."""
    table = pd.read_csv(paths.REFERENCE / PATTERNS_FILE, dtype=str, keep_default_na=False)
    markers = tuple(table.loc[table["kind"] == "marker", "pattern"])
    found = tuple(re.compile(p) for p in table.loc[table["kind"] == "regex", "pattern"])
    allowed = tuple(re.compile(p) for p in table.loc[table["kind"] == "allow", "pattern"])
    return markers, found, allowed


def _excluded(path: Path, build: Path) -> bool:
    if SKIPPED_PARTS.intersection(path.parts) or path.suffix.lower() in SKIPPED_SUFFIXES:
        return True
    if build in path.parents:
        parts = path.relative_to(build).parts
        return parts[0] == "synthetic" or (parts[0].startswith("crawl-demo") and "crawl" in parts[1:-1])
    return False


def scanned_files(data: Path | None = None, build: Path | None = None, book_root: Path | None = None) -> list[Path]:
    """Every file the scan reads: ``data/processed``, ``build`` and the built books (defaults: the project's)."""
    data, build, book_root = data or paths.data_dir(), build or paths.build_dir(), book_root or paths.BOOK
    folders = [data / "processed", build, book_root / "_build" / "html", book_root / "_build" / "pdf"]
    return [
        path
        for folder in folders
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not _excluded(path, build)
    ]


def file_text(path: Path) -> str:
    """What a reader of ``path`` can see, as text: a table's cells, a PDF's text, any other file decoded."""
    if path.suffix == ".parquet":
        return pd.read_parquet(path).to_csv(index=False)
    if path.suffix == ".pdf":
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        logging.getLogger("pypdf").setLevel(logging.ERROR)
        try:  # the built manuscripts; a test web's broken "PDF" page is read as bytes
            return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(path.read_bytes())).pages)
        except PdfReadError:
            pass
    return path.read_bytes().decode("utf-8", errors="replace")


def scan_text(text: str) -> list[tuple[str, str]]:
    """(kind, matched text) of every marker and personal pattern in ``text``, allowed matches left out."""
    markers, found, allowed = patterns()
    hits = [("marker", marker) for marker in markers if marker.casefold() in text.casefold()]
    for pattern in found:
        for match in pattern.finditer(text):
            if not any(allow.fullmatch(match.group()) for allow in allowed):
                hits.append(("pattern", match.group()))
    return hits


def scan(files: list[Path] | None = None) -> list[Finding]:
    """Findings in ``files`` (default :func:`scanned_files`); an empty list is a clean scan."""
    return [
        Finding(path, kind, text)
        for path in (scanned_files() if files is None else files)
        for kind, text in sorted(set(scan_text(file_text(path))))
    ]


def main(argv: list[str] | None = None) -> int:
    files = scanned_files()
    findings = scan(files)
    for finding in findings:
        print(f"PERSONAL DATA? {finding.path}: {finding.kind} {finding.text!r}")
    print(f"privacy scan: {len(files)} files read, {len(findings)} finding(s)")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
