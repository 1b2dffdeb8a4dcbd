"""The remembered digests: a file is hashed again exactly when it may hold other bytes."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from analysis.runner import fingerprints
from analysis.runner.fingerprints import DigestCache


@pytest.fixture
def hashed(monkeypatch) -> list[str]:
    """The files hashed in full, in order; every change counts as settled (the test is faster than the clock)."""
    calls: list[str] = []
    real = fingerprints.sha256_file
    monkeypatch.setattr(fingerprints, "sha256_file", lambda path: calls.append(Path(path).name) or real(path))
    monkeypatch.setattr(fingerprints, "_SETTLED_NS", -1)
    return calls


def test_an_unchanged_file_is_hashed_once_across_runs(tmp_path, hashed):
    table = tmp_path / "table.csv"
    table.write_text("a,b\n1,2\n")
    store = tmp_path / "state" / "digests.json"
    first = DigestCache(store)
    assert first(table) == hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    first.save()
    again = DigestCache(store)
    assert again(table) == first(table)
    assert hashed == ["table.csv"]
    assert again(tmp_path / "absent.csv") == "missing" and again(tmp_path) == "missing"


def test_a_file_rewritten_with_its_size_and_modification_time_restored_is_hashed_again(tmp_path, hashed):
    table = tmp_path / "table.csv"
    table.write_text("a,b\n1,2\n")
    cache = DigestCache(tmp_path / "digests.json")
    before = cache(table)
    status = table.stat()
    time.sleep(0.02)
    table.write_text("a,b\n1,3\n")
    os.utime(table, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert table.stat().st_size == status.st_size and table.stat().st_mtime_ns == status.st_mtime_ns
    assert cache(table) == hashlib.sha256(b"a,b\n1,3\n").hexdigest() != before


def test_a_file_changed_just_now_is_not_remembered(tmp_path, monkeypatch):
    table = tmp_path / "table.csv"
    table.write_text("x\n")
    cache = DigestCache(tmp_path / "digests.json")
    cache(table)
    assert cache.entries == {}


def test_without_a_store_every_file_is_hashed_every_time(tmp_path, hashed):
    table = tmp_path / "table.csv"
    table.write_text("x\n")
    cache = DigestCache()
    cache(table), cache(table)
    cache.save()
    assert hashed == ["table.csv", "table.csv"] and list(tmp_path.iterdir()) == [table]


def test_pinned_mismatches_name_declared_and_actual_digests(tmp_path):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_bytes(b"{}")
    bad.write_bytes(b"{!")
    declared = hashlib.sha256(b"{}").hexdigest()
    pins = {str(good): declared, str(bad): declared, str(tmp_path / "absent.json"): declared}
    assert fingerprints.pinned_mismatches(pins, DigestCache()) == {
        str(bad): (declared, hashlib.sha256(b"{!").hexdigest())
    }


def test_code_digests_are_kept_between_runs_by_the_bytes_of_each_source(tmp_path, monkeypatch):
    from analysis.runner import fingerprints

    module = tmp_path / "m.py"
    module.write_text('"""Doc."""\nx = 1\n')
    monkeypatch.setattr(fingerprints, "_SOURCE_DIGESTS", {})
    monkeypatch.setattr(fingerprints, "_LEARNT", set())
    first = fingerprints.module_digest(module)
    store = tmp_path / "state" / "module_digests.json"
    fingerprints.save_code_digests(store)
    assert store.is_file() and not fingerprints._LEARNT
    monkeypatch.setattr(fingerprints, "_SOURCE_DIGESTS", {})
    fingerprints.load_code_digests(store)
    assert fingerprints.module_digest(module) == first and not fingerprints._LEARNT  # nothing parsed again
    module.write_text('"""Doc."""\nx = 2\n')
    assert fingerprints.module_digest(module) != first  # other bytes, another key
    store.write_text("{torn")
    fingerprints.load_code_digests(store)  # ignored, not fatal
