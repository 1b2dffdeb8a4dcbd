"""Content-keyed caches: a table's digest, a code digest, a table written whole or not at all, the newest kept."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from analysis.core import caches


def test_a_frames_digest_follows_its_content_not_its_index_or_the_object():
    frame = pd.DataFrame({"name": pd.array(["Wuhan", None], dtype="string"), "population": [1, 2]})
    digest = caches.frame_digest(frame)
    assert caches.frame_digest(frame.copy().set_axis([7, 8])) == digest
    assert caches.frame_digest(frame.assign(population=[1, 3])) != digest
    assert caches.frame_digest(frame.astype({"population": "float64"})) != digest  # same values, another dtype
    assert caches.frame_digest(frame.rename(columns={"name": "label"})) != digest
    assert caches.frame_digest(frame.iloc[::-1]) != digest  # row order is part of the table
    listed = pd.DataFrame({"names": [["a", "b"], ["c"]]})
    assert caches.frame_digest(listed) != caches.frame_digest(pd.DataFrame({"names": [["a"], ["b", "c"]]}))


def test_a_code_digest_follows_the_bytes_and_names_of_the_files(tmp_path):
    first, second = tmp_path / "a.py", tmp_path / "b.py"
    first.write_text("x = 1\n")
    second.write_text("y = 2\n")
    digest = caches.code_digest([first, second], ("pandas",))
    assert caches.code_digest([first, second], ("pandas",)) == digest
    second.write_text("y = 3\n")
    assert caches.code_digest([first, second], ("pandas",)) != digest
    assert caches.code_digest([first, second]) != caches.code_digest([first, second], ("pandas",))


def test_a_cache_table_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    path = tmp_path / "web_detect" / "name_index_all_0.parquet"
    caches.write_cached_table(pd.DataFrame({"key": ["a"]}), path)
    assert caches.read_cached_table(path)["key"].tolist() == ["a"]
    assert [p.name for p in path.parent.iterdir()] == [path.name]

    def killed(self, target, **kwargs):
        Path(target).write_bytes(b"PAR1 cut")  # a run killed while writing
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_parquet", killed)
    with pytest.raises(KeyboardInterrupt):
        caches.write_cached_table(pd.DataFrame({"key": ["b"]}), path)
    assert caches.read_cached_table(path)["key"].tolist() == ["a"]  # the earlier whole table, never the cut one
    assert caches.read_cached_table(tmp_path / "absent.parquet") is None


def test_only_the_newest_entries_are_kept(tmp_path):
    for age, name in enumerate(["c.parquet", "b.parquet", "a.parquet"]):
        (tmp_path / name).write_bytes(b"")
        os.utime(tmp_path / name, (1_000_000 - age, 1_000_000 - age))
    (tmp_path / "other.txt").write_bytes(b"")
    caches.keep_newest(tmp_path, "*.parquet", 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.parquet", "c.parquet", "other.txt"]
