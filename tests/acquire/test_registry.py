"""Tests of the source registry loader (``analysis/reference/sources.yaml``)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from analysis.acquire import acquisition, registry
from analysis.acquire.registry import RegistryError
from analysis.core import paths
from analysis.core.files import sha256_file

GOOD_ENTRY = {
    "name": "towns",
    "title": "Synthetic towns",
    "licence": "CC0 1.0",
    "attribution": "Synthetic data for tests.",
    "origin": "https://example.org/towns",
    "provenance_sha256": "a" * 64,
    "files": [
        {"file": "towns.csv", "sha256": "b" * 64, "upstream": "https://example.org/towns.csv"},
        {
            "file": "towns_utf8.csv",
            "sha256": "c" * 64,
            "upstream": "https://example.org/towns_latin1.csv",
            "relation": "reencoded",
            "note": "re-encoded by the mirror",
        },
    ],
}


def write_registry(folder: Path, entries: list[dict]) -> Path:
    path = folder / "sources.yaml"
    document = {"source": "tests", "note": "synthetic registry", "sources": entries}
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def test_a_good_entry_becomes_a_source_with_its_provenance_file(tmp_path: Path):
    declared = registry.declared_sources(write_registry(tmp_path, [GOOD_ENTRY]))

    towns = declared["towns"]
    assert [source_file.file_name for source_file in towns.files] == ["towns.csv", "towns_utf8.csv", "PROVENANCE.md"]
    assert towns.mirror_path == "towns"
    assert towns.file("towns.csv").relation == "identical" and towns.file("towns.csv").downloadable
    assert towns.file("towns_utf8.csv").downloadable
    provenance = towns.file(registry.PROVENANCE_FILE)
    assert provenance.sha256 == "a" * 64 and not provenance.downloadable


def test_declared_raw_digests_say_where_each_file_lands_and_its_checksum(tmp_path: Path):
    digests = registry.declared_raw_digests(write_registry(tmp_path, [GOOD_ENTRY]))

    folder = paths.raw_source_dir("towns")
    assert digests == {
        folder / "towns.csv": "b" * 64,
        folder / "towns_utf8.csv": "c" * 64,
        folder / "PROVENANCE.md": "a" * 64,
    }


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"attribution": ""}, r"source 1 \('towns'\), key 'attribution': expected non-empty text"),
        ({"licence": None}, r"key 'licence': expected non-empty text"),
        ({"licenses": "CC0"}, r"source 1 \('towns'\): unknown key 'licenses'"),
        ({"provenance_sha256": "abc"}, r"key 'provenance_sha256': expected 64 lower-case hexadecimal"),
        ({"files": []}, r"key 'files': expected a non-empty list"),
    ],
)
def test_a_bad_source_entry_names_the_file_the_entry_and_the_key(tmp_path: Path, change: dict, expected: str):
    path = write_registry(tmp_path, [GOOD_ENTRY | change])
    with pytest.raises(RegistryError, match=expected) as caught:
        registry.declared_sources(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"sha256": "B" * 64}, r"file 1, key 'sha256': expected 64 lower-case"),
        ({"relation": "copied"}, r"file 1, key 'relation': expected one of"),
        ({"upstream": None}, r"file 1, key 'upstream': expected a URL for a identical file"),
        ({"relation": "derived"}, r"file 1, key 'note': a derived file must say what the mirror did"),
        ({"file": "PROVENANCE.md"}, r"file 'PROVENANCE.md' is declared twice"),
    ],
)
def test_a_bad_file_entry_names_the_entry_and_the_file(tmp_path: Path, change: dict, expected: str):
    entry = GOOD_ENTRY | {"files": [GOOD_ENTRY["files"][0] | change]}
    with pytest.raises(RegistryError, match=expected):
        registry.declared_sources(write_registry(tmp_path, [entry]))


def test_a_source_declared_twice_is_refused(tmp_path: Path):
    with pytest.raises(RegistryError, match=r"source 2 \('towns'\), key 'name': 'towns' is declared twice"):
        registry.declared_sources(write_registry(tmp_path, [GOOD_ENTRY, GOOD_ENTRY]))


def test_the_real_registry_is_honest_about_upstream():
    declared = registry.declared_sources()
    for source in declared.values():
        for source_file in source.files:
            if source_file.relation == "identical":
                assert source_file.upstream and source_file.upstream.startswith("https://"), source_file.file_name
    census = declared["us_census_places_pudding"].file("co-est2021-alldata.csv")
    assert census.relation == "reencoded" and census.downloadable
    assert not declared["eurostat_nuts3_eutwinnings"].file("NUTS2021-extra.csv").downloadable
    table = acquisition.attributions()
    assert list(table.columns) == ["title", "licence", "attribution", "origin"]
    assert table.notna().all().all() and len(table) == len(declared)


def test_registry_checksums_match_the_real_mirror(monkeypatch):
    monkeypatch.delenv("PARADIP_MIRROR", raising=False)
    mirror = paths.mirror_dir()
    if mirror is None:
        pytest.skip("no local mirror of the public sources on this machine")
    for source in registry.declared_sources().values():
        folder = mirror / source.mirror_path
        declared = {source_file.file_name for source_file in source.files}
        assert {path.name for path in folder.iterdir()} == declared, source.name
        for source_file in source.files:
            assert sha256_file(folder / source_file.file_name) == source_file.sha256, source_file.file_name


@pytest.mark.slow
def test_only_the_acquisition_notebook_depends_on_the_registry(small_build: Path):
    """Editing an attribution in the registry must re-run notebook 10 and nothing else (nor may the manifest
    it writes be read by another notebook: it is not pinned, so its readers would run whenever 10 runs)."""
    import json

    manifest = str(small_build / "data" / "MANIFEST")
    registry_files = {str(registry.REGISTRY_FILE), registry.__file__, acquisition.__file__, manifest}
    dependants = {}
    for state_file in sorted((small_build / "build" / "state").glob("[0-9]*.json")):  # notebooks' records only
        state = json.loads(state_file.read_text(encoding="utf-8"))
        dependants[state_file.stem] = registry_files & (set(state["inputs"]) | set(state["modules"]))
    assert len(dependants) > 1
    assert [stem for stem, files in dependants.items() if files] == ["10_acquire_sources"]
    assert str(registry.REGISTRY_FILE) in dependants["10_acquire_sources"]


def test_clean_all_removes_the_declared_sources_and_never_the_team_drop_in_folders():
    import shlex
    import subprocess

    commands = subprocess.run(
        ["make", "-n", "clean-all"], cwd=paths.ROOT, capture_output=True, text=True, check=True
    ).stdout
    removed = {word for line in commands.splitlines() for word in shlex.split(line) if word.startswith("data/")}
    declared = {f"data/raw/{name}" for name in registry.declared_sources()}
    assert removed == declared | {"data/processed", "data/MANIFEST", "data/raw/MANIFEST"}
    assert not {"data/raw/survey", "data/raw/crawl", "data/raw/frame", "data/raw", "data/raw/*"} & removed
