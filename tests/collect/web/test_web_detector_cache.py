"""The built detector's cache key (detect_pipeline.detector_digest) covers every raw file Detector.build reads."""

from __future__ import annotations

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
