"""The gazetteer's name index is built once per content and code, and the cached copy is the built one."""

from __future__ import annotations

import pandas as pd

from analysis.build import resolve
from analysis.core import paths


def _gazetteer() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "partner_id": ["us-1", "us-2", "cn-1"],
            "name": ["Portland", "Springfield", "Wuhan"],
            "country_iso2": ["US", "US", "CN"],
            "level": ["city", "city", "prefecture"],
            "admin1_name": ["Oregon", "Illinois", "Hubei"],
            "admin1_code": ["OR", "IL", "42"],
            "latitude": [45.5, 39.8, 30.6],
            "longitude": [-122.7, -89.6, 114.3],
            "population": pd.array([650_000, 114_000, 11_000_000], dtype="Int64"),
            "alternate_names": ["Portland city", "", "Wu-han|Hankou"],
        }
    )


def test_the_index_is_built_once_per_gazetteer_content_and_read_back_unchanged(monkeypatch):
    built = []
    real = resolve._build_gazetteer_name_index
    monkeypatch.setattr(resolve, "_build_gazetteer_name_index", lambda g: built.append(len(g)) or real(g))
    gazetteer = _gazetteer()
    first = resolve.gazetteer_name_index(gazetteer)
    again = resolve.gazetteer_name_index(gazetteer.copy())
    assert built == [3]  # the second call read the cached copy
    pd.testing.assert_frame_equal(again, first)
    pd.testing.assert_frame_equal(again, real(gazetteer))
    assert [p.name[:10] for p in (paths.cache_dir(resolve.NAME_INDEX_CACHE)).iterdir()] == ["gazetteer_"]
    changed = gazetteer.assign(name=gazetteer["name"].replace("Portland", "Salem"))
    assert "salem" in set(resolve.gazetteer_name_index(changed)["key"])
    assert built == [3, 3]


def test_a_cut_or_removed_cache_entry_is_built_again():
    gazetteer = _gazetteer()
    expected = resolve.gazetteer_name_index(gazetteer)
    (entry,) = paths.cache_dir(resolve.NAME_INDEX_CACHE).iterdir()
    entry.unlink()
    pd.testing.assert_frame_equal(resolve.gazetteer_name_index(gazetteer), expected)
    assert entry.exists()


def test_the_index_of_some_places_is_the_whole_indexs_rows_of_them():
    gazetteer = _gazetteer()
    whole = resolve.gazetteer_name_index(gazetteer)
    us = resolve.gazetteer_name_index(gazetteer[gazetteer["country_iso2"].eq("US")].reset_index(drop=True))
    pd.testing.assert_frame_equal(whole[whole["country_iso2"].eq("US")].reset_index(drop=True), us)
