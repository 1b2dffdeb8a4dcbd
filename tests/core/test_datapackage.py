"""The data package of the processed tables: concurrent writers keep each other's entries (analysis.core.datapackage)."""

from __future__ import annotations

import json
import multiprocessing

from analysis.core import datapackage, staging


def _add(package: str, writer: int) -> None:
    for table in range(15):
        datapackage.add_resources(package, [{"name": f"w{writer}_t{table:02d}", "rows": table}])


def test_writers_in_several_processes_at_once_lose_no_entry(tmp_path):
    package = tmp_path / "datapackage.json"
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_add, args=(package, writer)) for writer in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
        assert writer.exitcode == 0
    names = [resource["name"] for resource in json.loads(package.read_text())["resources"]]
    assert names == sorted(f"w{writer}_t{table:02d}" for writer in range(4) for table in range(15))
    assert [path.name for path in tmp_path.iterdir()] == ["datapackage.json"]  # no lock or partial file is left


def test_a_fragment_merges_into_the_package_replacing_entries_of_the_same_table(tmp_path):
    package = tmp_path / "datapackage.json"
    datapackage.add_resources(package, [{"name": "b", "rows": 1}, {"name": "a", "rows": 1}])
    fragment = staging.fragment(package)
    datapackage.write_fragment(fragment, [{"name": "b", "rows": 2}, {"name": "c", "rows": 2}])
    datapackage.merge_fragment(fragment, staging.final(fragment))
    written = json.loads(package.read_text())
    assert written["name"] == "paradiplomacy-processed"
    assert written["resources"] == [{"name": "a", "rows": 1}, {"name": "b", "rows": 2}, {"name": "c", "rows": 2}]
    assert not fragment.exists()
