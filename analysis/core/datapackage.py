"""The data package that documents the processed tables (``data/processed/datapackage.json``), one entry per table.

Every notebook that writes a table adds its entry to this one file, and the runner may run several such
notebooks at once, so each update reads the file, replaces the entries of the tables it describes and
writes it back under an exclusive lock (``flock`` on the folder: no lock file is left behind), the new
bytes put in place by one atomic rename: no writer loses another's entries, and a kill leaves the
previous file whole. Entries are kept sorted by table name, so the bytes do not depend on the order
in which notebooks wrote them.

Under the runner a kernel does not touch the package: it writes its entries to a staged file of its own
(:func:`analysis.core.staging.fragment`), which the runner merges in with :func:`merge_fragment` when the
run succeeds (:mod:`analysis.runner.commits`); a failed run's entries are deleted with its other outputs.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HEADER = {"name": "paradiplomacy-processed", "profile": "data-package"}


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (one updater of a package in it at a time, across processes)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def add_resources(package_path: Path, resources: list[dict[str, Any]]) -> None:
    """Add ``resources`` to the package at ``package_path`` (created when absent), replacing entries of the same name."""
    package_path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(package_path.parent):
        package: dict[str, Any] = {**HEADER, "resources": []}
        if package_path.exists():
            package = json.loads(package_path.read_text(encoding="utf-8"))
        names = {resource["name"] for resource in resources}
        kept = [resource for resource in package["resources"] if resource["name"] not in names]
        package["resources"] = sorted([*kept, *resources], key=lambda resource: resource["name"])
        partial = package_path.with_name(f".{package_path.name}.{os.getpid()}.partial")
        partial.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(partial, package_path)


def fragment_resources(fragment: Path) -> list[dict[str, Any]]:
    """The entries a run's staged fragment holds (none when it has none yet)."""
    return json.loads(fragment.read_text(encoding="utf-8")) if fragment.exists() else []


def write_fragment(fragment: Path, resources: list[dict[str, Any]]) -> None:
    """Write a run's entries to its staged fragment (read back by :func:`fragment_resources`)."""
    fragment.write_text(json.dumps(resources, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def merge_fragment(fragment: Path, package_path: Path) -> None:
    """Add the entries of a successful run's staged ``fragment`` to the package, then delete the fragment."""
    add_resources(package_path, fragment_resources(fragment))
    fragment.unlink()
