"""Fingerprints the runner compares: file and folder digests, module digests without prose, notebook code.

A module is fingerprinted by its syntax tree without docstrings (comments and layout never reach the
tree), so editing prose in a module re-runs nothing; data files by the sha256 of their bytes. A
:class:`DigestCache` remembers each file's digest with its size, times and inode, so that an unchanged
rebuild hashes only what changed; :func:`pinned_mismatches` compares files with declared digests.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import stat
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from analysis.core.files import sha256_file


def digest_or_missing(path: Path) -> str:
    return sha256_file(path) if path.is_file() else "missing"


# A digest is remembered only for a file whose last change is older than this: a file changed again
# within the same tick of the file system's clock would otherwise keep a stale digest.
_SETTLED_NS = 2_000_000_000


class DigestCache:
    """sha256 of files, remembered with each file's size, modification and change times and inode.

    A file is hashed again when any of the four differs from the remembered ones (the change time,
    ``st_ctime``, moves on every write and cannot be set back by hand, unlike the modification
    time), so a remembered digest is never that of other bytes. ``path`` is where the digests are
    kept between runs (JSON); ``None`` keeps nothing and hashes every file every time, as
    ``make verify`` does.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.entries: dict[str, list] = {}
        self.changed = False
        if path is not None and path.is_file():
            try:
                self.entries = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError:  # torn by a kill: start again
                self.entries = {}

    def __call__(self, path: Path) -> str:
        """sha256 of the file at ``path``, or "missing" when there is no such file."""
        try:
            status = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            return "missing"
        if not stat.S_ISREG(status.st_mode):
            return "missing"
        key = [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]
        entry = self.entries.get(str(path))
        if self.path is not None and entry is not None and entry[:4] == key:
            return entry[4]
        digest = sha256_file(path)
        if self.path is not None and time.time_ns() - max(status.st_mtime_ns, status.st_ctime_ns) > _SETTLED_NS:
            self.entries[str(path)] = [*key, digest]
            self.changed = True
        return digest

    def save(self) -> None:
        """Keep the digests for the next run (atomically; nothing is written when nothing was learnt)."""
        if self.path is None or not self.changed:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(self.entries, separators=(",", ":")), encoding="utf-8")
        os.replace(temporary, self.path)
        self.changed = False


def pinned_mismatches(pins: Mapping[str, str], digest: DigestCache) -> dict[str, tuple[str, str]]:
    """The files present whose bytes differ from their declared digest: path -> (declared, actual).

    A file that is not there is not a mismatch (acquisition fetches it; a reader that needs it
    stops with a message saying so).
    """
    mismatches = {}
    for path_text, declared in sorted(pins.items()):
        actual = digest(Path(path_text))
        if actual not in ("missing", declared):
            mismatches[path_text] = (declared, actual)
    return mismatches


def module_digest(path: Path) -> str:
    """sha256 of a Python module's code, blind to docstrings, comments and formatting ("missing" when absent).

    The module is parsed, the docstrings of the module, its classes and functions are dropped, and
    the syntax tree is dumped without line numbers; a file that does not parse is hashed by its bytes.
    """
    if not path.is_file():
        return "missing"
    source = path.read_bytes()
    return _source_digest(hashlib.sha256(source).hexdigest(), source)


_SOURCE_DIGESTS: dict[str, str] = {}
_LEARNT: set[str] = set()


def load_code_digests(path: Path) -> None:
    """Remember the code digests of module sources seen by earlier runs (keyed by the sha256 of the bytes,
    so a remembered digest is always that of the same source); a torn or absent file is ignored."""
    try:
        remembered = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return
    if isinstance(remembered, dict):
        _SOURCE_DIGESTS.update({k: v for k, v in remembered.items() if isinstance(v, str)})


def save_code_digests(path: Path) -> None:
    """Keep the code digests for the next run (atomically; nothing is written when nothing was learnt), so an
    unchanged rebuild parses no module."""
    if not _LEARNT:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(_SOURCE_DIGESTS, separators=(",", ":"), sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)
    _LEARNT.clear()


def _source_digest(bytes_digest: str, source: bytes) -> str:
    # Notebooks import the same modules: parse each distinct source once per process.
    if bytes_digest not in _SOURCE_DIGESTS:
        _LEARNT.add(bytes_digest)
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            _SOURCE_DIGESTS[bytes_digest] = bytes_digest
        else:
            for node in ast.walk(tree):
                if isinstance(
                    node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
                ) and _has_docstring(node):
                    node.body = node.body[1:] or [ast.Pass()]
            _SOURCE_DIGESTS[bytes_digest] = hashlib.sha256(ast.dump(tree).encode("utf-8")).hexdigest()
    return _SOURCE_DIGESTS[bytes_digest]


def _has_docstring(node: ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    first = node.body[0] if node.body else None
    return isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)


def folder_digest(folder: Path) -> str:
    """sha256 of the sorted names in ``folder`` ("missing" when it does not exist)."""
    if not folder.is_dir():
        return "missing"
    names = sorted(entry.name for entry in folder.iterdir())
    return hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()


def notebook_code_digest(notebook_path: Path) -> str:
    """sha256 of a notebook's code: code-cell sources and cell tags, not outputs or prose."""
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    code = [
        {"source": _joined(cell.get("source", "")), "tags": sorted(cell.get("metadata", {}).get("tags", []))}
        for cell in notebook.get("cells", [])
        if cell.get("cell_type") == "code"
    ]
    kernel = notebook.get("metadata", {}).get("kernelspec", {}).get("name", "")
    payload = json.dumps({"kernel": kernel, "code": code}, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _joined(source: str | list[str]) -> str:
    return "".join(source) if isinstance(source, list) else source


def parameters_digest(parameters: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(parameters, sort_keys=True, default=str).encode("utf-8")).hexdigest()
