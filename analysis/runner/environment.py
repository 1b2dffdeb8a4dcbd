"""Keep ``environment.yml`` (for conda users) in step with ``requirements.txt`` (the pins the venv is built from)."""

from __future__ import annotations

import re
from pathlib import Path

from analysis.core import paths

PIN = re.compile(r"^\s*(?:-\s*)?([A-Za-z0-9_.\-\[\]]+)\s*==\s*([^\s#]+)")


def read_pins(path: Path) -> dict[str, str]:
    """``{normalised package name: version}`` for every ``name==version`` line in ``path``."""
    pins: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            pins[normalise(match.group(1))] = match.group(2)
    return pins


def normalise(name: str) -> str:
    """PEP 503 name normalisation (``Jupyter_Book`` and ``jupyter-book`` are one package)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def mismatches(
    requirements: Path = paths.ROOT / "requirements.txt", environment: Path = paths.ROOT / "environment.yml"
) -> list[str]:
    """Every pin that differs or is missing between the two files (empty when they agree)."""
    wanted = read_pins(requirements)
    conda = read_pins(environment)
    problems = [
        f"{name}: requirements.txt pins {version}, environment.yml has {conda.get(name, 'nothing')}"
        for name, version in sorted(wanted.items())
        if conda.get(name) != version
    ]
    problems += [f"{name}: pinned in environment.yml only" for name in sorted(set(conda) - set(wanted))]
    return problems
