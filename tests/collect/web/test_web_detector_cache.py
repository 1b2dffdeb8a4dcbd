"""The built detector's cache key (detect_pipeline.detector_digest) covers every raw file Detector.build reads."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.build import twinned_places
from analysis.collect.web import detect_pipeline
from analysis.core import paths


def test_the_digest_covers_the_twinning_lists_and_notes_them_as_read(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "raw_dir", lambda: tmp_path)
    units = pd.DataFrame({"unit_id": ["u1"], "name": ["Arnhem"]})
    gazetteer = pd.DataFrame({"place_id": ["p1"], "name": ["Wuhan"]})
    before = detect_pipeline.detector_digest(units, gazetteer)
    listed = tmp_path / twinned_places.TWIN_SOURCES[1] / "twin_cities_raw.csv"
    listed.parent.mkdir(parents=True)
    listed.write_text("city1,country1,city2,country2\nLe Raincy,France,Kaunas,Lithuania\n", encoding="utf-8")
    noted = []
    monkeypatch.setattr("analysis.core.tracking.note_read", noted.append)
    assert detect_pipeline.detector_digest(units, gazetteer) != before  # a changed list builds the detector anew
    assert listed in noted  # a detector loaded from its pickle still records that it depends on the list


def test_the_resolver_tables_cache_key_covers_the_name_folding_the_resolver_uses(monkeypatch):
    """A change to analysis/core/names.py (how the resolver folds names) or to the detector's module gives the cached
    name index and resolution table (build/state/web_detect) a new key, not only a change to resolve.py."""
    from analysis.collect.web import detect

    before = detect_pipeline.resolver_code_digest()
    real = Path.read_bytes
    for changed in (paths.ROOT / "analysis" / "core" / "names.py", Path(detect.__file__)):
        monkeypatch.setattr(Path, "read_bytes", lambda path, changed=changed: real(path) + b"#" * (path == changed))
        assert detect_pipeline.resolver_code_digest() != before, changed.name
    monkeypatch.setattr(Path, "read_bytes", real)
    assert detect_pipeline.resolver_code_digest() == before


def test_a_cache_table_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    path = tmp_path / "web_detect" / "name_index_all_0.parquet"
    detect_pipeline.write_cache_table(pd.DataFrame({"key": ["a"]}), path)
    assert pd.read_parquet(path)["key"].tolist() == ["a"] and [p.name for p in path.parent.iterdir()] == [path.name]

    def killed(self, target, **kwargs):
        Path(target).write_bytes(b"PAR1 cut")  # a run killed while writing
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_parquet", killed)
    with pytest.raises(KeyboardInterrupt):
        detect_pipeline.write_cache_table(pd.DataFrame({"key": ["b"]}), path)
    assert pd.read_parquet(path)["key"].tolist() == ["a"]  # the earlier whole table, never the cut one
