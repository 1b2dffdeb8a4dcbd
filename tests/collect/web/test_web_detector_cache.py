"""The built detector's cache key (detect_pipeline.detector_digest) covers every raw file Detector.build reads."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

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


def test_the_resolver_tables_cache_keys_cover_the_name_folding_the_resolver_uses(monkeypatch):
    """A change to analysis/core/names.py (how the resolver folds names) gives the cached gazetteer name index and the
    detector's resolution table a new key, and so does a change to the detector's module for the latter, not only a
    change to resolve.py."""
    from analysis.build import resolve
    from analysis.collect.web import detect

    gazetteer = pd.DataFrame({"partner_id": ["p1"], "name": ["Wuhan"]})
    before = (detect_pipeline.resolver_code_digest(), resolve._gazetteer_index_key(gazetteer))
    real = Path.read_bytes
    for changed in (paths.ROOT / "analysis" / "core" / "names.py", Path(resolve.__file__), Path(detect.__file__)):
        monkeypatch.setattr(Path, "read_bytes", lambda path, changed=changed: real(path) + b"#" * (path == changed))
        now = (detect_pipeline.resolver_code_digest(), resolve._gazetteer_index_key(gazetteer))
        assert now[0] != before[0], changed.name
        assert (now[1] != before[1]) == (changed.name != "detect.py"), changed.name
    monkeypatch.setattr(Path, "read_bytes", real)
    assert (detect_pipeline.resolver_code_digest(), resolve._gazetteer_index_key(gazetteer)) == before
