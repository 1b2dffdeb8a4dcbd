"""Tests of finding acquired raw files and the team's drop-in files."""

from __future__ import annotations

import pytest

from analysis.acquire import sources
from analysis.core import paths


def test_raw_path_requires_acquisition():
    with pytest.raises(FileNotFoundError, match=r"no .*MANIFEST.*make all"):
        sources.raw_path("nuts_gisco_2024_20m", "NUTS_RG_20M_2024_4326.geojson")


def test_raw_path_names_what_was_acquired_when_a_name_is_wrong():
    folder = paths.raw_source_dir("us_atlas_npm")
    folder.mkdir(parents=True)
    (folder / "states-10m.json").write_bytes(b"{}")
    sources.manifest_path().write_text("name\tfile\nus_atlas_npm\tstates-10m.json\n", encoding="utf-8")

    with pytest.raises(FileNotFoundError, match=r"not among the acquired files of that source \(states-10m\.json\)"):
        sources.raw_path("us_atlas_npm", "counties-10m.json")
    with pytest.raises(FileNotFoundError, match=r"the acquired sources are us_atlas_npm"):
        sources.raw_path("us_atlas", "states-10m.json")


def test_raw_path_finds_an_acquired_file():
    folder = paths.raw_source_dir("us_atlas_npm")
    folder.mkdir(parents=True)
    (folder / "states-10m.json").write_bytes(b"{}")
    assert sources.raw_path("us_atlas_npm", "states-10m.json") == folder / "states-10m.json"


def test_an_optional_raw_file_not_acquired_is_none_with_a_warning_naming_it(caplog):
    with caplog.at_level("WARNING", logger="analysis.acquire.sources"):
        assert sources.optional_raw_path("us_atlas_npm", "states-10m.json", without="no state outlines") is None
    assert "us_atlas_npm/states-10m.json has not been acquired: no state outlines" in caplog.text
    folder = paths.raw_source_dir("us_atlas_npm")
    folder.mkdir(parents=True)
    (folder / "states-10m.json").write_bytes(b"{}")
    caplog.clear()
    assert sources.optional_raw_path("us_atlas_npm", "states-10m.json", without="-") == folder / "states-10m.json"
    assert caplog.text == ""


def test_latest_drop_in_picks_the_newest_file_or_the_explicit_one():
    assert sources.latest_drop_in("survey") is None
    folder = paths.raw_source_dir("survey")
    folder.mkdir(parents=True)
    for name in ("export_2027-01.csv", "export_2027-03.csv", "notes.txt"):
        (folder / name).write_text("unit_id\n", encoding="utf-8")
    assert sources.latest_drop_in("survey").name == "export_2027-03.csv"
    assert sources.latest_drop_in("survey", "elsewhere/x.csv") == paths.ROOT / "elsewhere" / "x.csv"
