"""Fingerprints the runner compares: file and folder digests, module digests without prose, notebook code.

A module is fingerprinted by its syntax tree without docstrings (comments and layout never reach the
tree), so editing prose in a module re-runs nothing; data files by the sha256 of their bytes.
"""

from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from analysis.core.files import sha256_file


def digest_or_missing(path: Path) -> str:
    return sha256_file(path) if path.is_file() else "missing"


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


def _source_digest(bytes_digest: str, source: bytes) -> str:
    # Notebooks import the same modules: parse each distinct source once per process.
    if bytes_digest not in _SOURCE_DIGESTS:
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
