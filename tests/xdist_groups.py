"""pytest-xdist's ``--dist loadgroup`` for tests marked ``xdist_group`` under pytest 9.2 (a plugin that
tests/conftest.py loads; tests/runner/test_xdist_groups.py runs it on two workers).

pytest-xdist 3.8.0 sends a test's xdist_group to its scheduler by appending "@group" to the test's node id, which
pytest 9.2 no longer lets a plugin change: --dist loadgroup then groups nothing, silently (pytest-xdist issue
#1386, fix pending in #1388), and every worker built small_build. So each worker leaves {node id: group} in a
folder the controller names (pytest_configure_node), and the controller's scheduler reads it.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest

_GROUPS_FOLDER = pytest.StashKey[Path]()
_GROUPS_INPUT = "paradip_xdist_groups"  # the key of that folder in each worker's workerinput


def _group_of(item: pytest.Item) -> str | None:
    names = {
        str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
        for mark in item.iter_markers("xdist_group")
    }
    return "_".join(sorted(names)) or None


@pytest.hookimpl(trylast=True)  # after the conftest hooks that add the marks
def pytest_collection_modifyitems(config, items):
    """(xdist worker) Write the group of each grouped test where the controller's scheduler reads it."""
    folder = getattr(config, "workerinput", {}).get(_GROUPS_INPUT)
    if folder is None:
        return
    groups = {item.nodeid: group for item in items if (group := _group_of(item))}
    target = Path(folder) / f"{config.workerinput['workerid']}.json"
    partial = target.with_suffix(".partial")
    partial.write_text(json.dumps(groups), encoding="utf-8")
    partial.replace(target)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """(xdist controller) Name each worker the folder where it leaves its tests' groups."""
    config = node.config
    if _GROUPS_FOLDER not in config.stash:
        config.stash[_GROUPS_FOLDER] = Path(tempfile.mkdtemp(prefix="paradip-xdist-groups-"))
    node.workerinput[_GROUPS_INPUT] = str(config.stash[_GROUPS_FOLDER])


def pytest_unconfigure(config):
    folder = config.stash.get(_GROUPS_FOLDER, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """(xdist controller) For --dist loadgroup: xdist's group scheduling, with the groups the workers left."""
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class MarkedGroupScheduling(LoadGroupScheduling):
        groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.groups is None:  # first called once every worker has collected (and written its file)
                folder = config.stash.get(_GROUPS_FOLDER, None)
                files = sorted(folder.glob("*.json")) if folder else []
                self.groups = json.loads(files[0].read_text(encoding="utf-8")) if files else {}
            return self.groups.get(nodeid) or super()._split_scope(nodeid)

    return MarkedGroupScheduling(config, log)
