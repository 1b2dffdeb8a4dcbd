"""The xdist group plugin (tests/xdist_groups.py): under ``-n 2 --dist loadgroup`` every test of one group runs on
one worker, while ungrouped tests spread over both (pytest 9.2 drops xdist's own way of passing groups)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

TESTS_FOLDER = Path(__file__).resolve().parents[1]

_CONFTEST = f"""
import sys
sys.path.insert(0, {str(TESTS_FOLDER)!r})
pytest_plugins = ["xdist_groups"]
"""

_TESTS = """
import json, os, time
import pytest

def _note(name, group):
    with open(os.environ["GROUPS_LOG"], "a") as log:
        log.write(json.dumps([name, group, os.environ["PYTEST_XDIST_WORKER"]]) + "\\n")
    time.sleep(0.02)

@pytest.mark.xdist_group("alpha")
@pytest.mark.parametrize("n", range(12))
def test_alpha(n):
    _note(f"alpha{n}", "alpha")

@pytest.mark.xdist_group("beta")
@pytest.mark.parametrize("n", range(12))
def test_beta(n):
    _note(f"beta{n}", "beta")

@pytest.mark.parametrize("n", range(24))
def test_free(n):
    _note(f"free{n}", None)
"""


def test_every_test_of_a_group_runs_on_one_worker_and_the_others_spread(tmp_path):
    (tmp_path / "conftest.py").write_text(_CONFTEST, encoding="utf-8")
    (tmp_path / "test_grouped.py").write_text(_TESTS, encoding="utf-8")
    log = tmp_path / "groups.log"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadgroup", "-p", "no:cacheprovider", "."],
        cwd=tmp_path,
        env={**__import__("os").environ, "GROUPS_LOG": str(log)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    rows = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 48
    workers = {group: {worker for _, g, worker in rows if g == group} for group in ("alpha", "beta", None)}
    assert len(workers["alpha"]) == 1 and len(workers["beta"]) == 1
    assert workers[None] == {"gw0", "gw1"}  # ungrouped tests are not all kept on one worker


class _Item:
    """A collected test as tests/conftest.py's placement reads it: its fixtures and its xdist group."""

    def __init__(self, name: str, fixtures: tuple[str, ...] = (), group: str | None = None):
        self.name, self.fixturenames, self.group = name, fixtures, group

    def get_closest_marker(self, name: str):
        return self.group if name == "xdist_group" else None


def test_the_second_build_users_go_halfway_through_the_ungrouped_tests_on_workers_and_last_in_one_process():
    from conftest import _place_second_build_users

    items = [
        _Item("fault cases", ("second_build_workspace",)),
        _Item("book", ("small_build",), group="small_build"),
        *(_Item(f"unit{n}") for n in range(4)),
        _Item("module", group="tests/x.py"),
        *(_Item(f"unit{n}") for n in range(4, 6)),
    ]
    on_workers = [item.name for item in _place_second_build_users(items, parallel=True)]
    assert on_workers == ["book", "unit0", "unit1", "unit2", "fault cases", "unit3", "module", "unit4", "unit5"]
    in_one_process = [item.name for item in _place_second_build_users(items, parallel=False)]
    assert in_one_process == [item.name for item in items[1:]] + ["fault cases"]
