"""make bench WHAT=tests times the commands make test and make test-fast run."""

from __future__ import annotations

import os
import re
import shlex
import subprocess

from analysis.core import paths
from analysis.runner import bench


def _make_pytest_command() -> list[str]:
    """The Makefile's ``$(PYTEST)`` as make expands it (with the Makefile's own default of ``TEST_WORKERS``)."""
    environment = {k: v for k, v in os.environ.items() if k not in {"TEST_WORKERS", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    printed = subprocess.run(
        ["make", "-s", "--eval", "print-pytest: ; @echo $(PYTEST)", "print-pytest"],
        cwd=paths.ROOT, env=environment, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return shlex.split(printed)


def _recipe(target: str) -> str:
    makefile = (paths.ROOT / "Makefile").read_text(encoding="utf-8")
    return re.search(rf"^{re.escape(target)}:.*\n\t(.+)$", makefile, flags=re.MULTILINE).group(1)


def test_bench_times_what_make_test_and_make_test_fast_run():
    pytest_command = _make_pytest_command()
    assert pytest_command[1:3] == ["-m", "pytest"]
    make_runs = {"unit_tests": _recipe("test-fast"), "all_tests": _recipe("test")}
    for name, recipe in make_runs.items():
        assert recipe.startswith("$(PYTEST)"), recipe
        arguments = pytest_command[3:] + shlex.split(recipe.removeprefix("$(PYTEST)"))
        assert arguments == bench.TEST_RUNS[name], name
