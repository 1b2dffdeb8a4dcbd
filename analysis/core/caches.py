"""Content-keyed caches of derived tables: the digest of a table's content and of the code that derives from it,
and a write that leaves the whole table or none.

A cache entry lives under :func:`analysis.core.paths.cache_dir`, named by the digest of every input it was computed
from (the tables, the code, the libraries' versions), so an entry is either right or never looked up: nothing has to
invalidate it. The runner does not trace these folders, so a notebook that reads an entry another one wrote does not
depend on that notebook; the entry's key already says what it depends on.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path

import pandas as pd


def frame_digest(frame: pd.DataFrame) -> str:
    """sha256 of ``frame``'s column names, dtypes and values, row order included (not its index).

    Two frames with the same digest hold the same table, whichever process read them; a column of lists or
    dictionaries is digested through its text."""
    digest = hashlib.sha256("\t".join(f"{name}:{dtype}" for name, dtype in frame.dtypes.items()).encode())
    try:
        hashed = pd.util.hash_pandas_object(frame, index=False)
    except TypeError:  # a column of lists or dicts
        hashed = pd.util.hash_pandas_object(frame.astype(str), index=False)
    digest.update(hashed.to_numpy().tobytes())
    return digest.hexdigest()


def code_digest(files: Iterable[Path], libraries: Iterable[str] = ()) -> str:
    """sha256 of ``files`` (name and bytes, in the order given) and the installed versions of ``libraries``."""
    digest = hashlib.sha256(" ".join(f"{name}={version(name)}" for name in libraries).encode())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def combined(*digests: str) -> str:
    """One sha256 of several digests (a cache key of several inputs)."""
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()


def read_cached_table(path: Path) -> pd.DataFrame | None:
    """The table cached at ``path``, or ``None`` when there is none (or one removed while it was being read)."""
    try:
        return pd.read_parquet(path)
    except FileNotFoundError:
        return None


def write_cached_table(table: pd.DataFrame, path: Path) -> None:
    """Write a cache table whole or not at all (a killed run leaves no cut file a later run would read)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    table.to_parquet(partial, index=False)
    os.replace(partial, path)


def keep_newest(folder: Path, pattern: str, kept: int) -> None:
    """Remove all but the ``kept`` newest files of ``folder`` matching ``pattern`` (older keys are never looked up)."""
    found = []
    for path in folder.glob(pattern):
        try:
            found.append((path.stat().st_mtime, path))
        except FileNotFoundError:  # removed by another process meanwhile
            continue
    for _, old in sorted(found, reverse=True)[kept:]:
        old.unlink(missing_ok=True)
