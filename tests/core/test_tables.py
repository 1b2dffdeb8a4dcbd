"""Processed tables: schemas checked on write, the data package documents them, quarantines need reasons."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pandera.pandas as pa
import pytest
from shapely.geometry import Point

from analysis.core import datapackage, fields, paths, tables

SCHEMA = fields.schema(
    "city_id population", checks={"population": pa.Check.ge(50_000)}, unique=["city_id"], description="A toy table."
)


def test_write_then_read_round_trips_and_documents_the_table_from_the_vocabulary():
    frame = pd.DataFrame({"city_id": ["gn1", "gn2"], "population": [670_000, 52_000]})
    tables.write_table(frame, "toy", SCHEMA, sources=["nuts_gisco_2024_20m"])
    assert tables.read_table("toy").equals(frame)
    package = json.loads((paths.processed_dir() / tables.DATAPACKAGE_NAME).read_text())
    (resource,) = package["resources"]
    assert resource["rows"] == 2 and resource["description"] == "A toy table."
    assert resource["schema"]["fields"][1] == {
        "name": "population",
        "type": "integer",
        "description": fields.field("population").description,
        "unit": "persons",
    }
    assert resource["sources"] == [{"title": "nuts_gisco_2024_20m"}]


def test_a_write_stopped_while_the_data_package_is_written_leaves_the_previous_package_whole(monkeypatch):
    frame = pd.DataFrame({"city_id": ["gn1"], "population": [670_000]})
    tables.write_table(frame, "toy", SCHEMA)
    package_path = paths.processed_dir() / tables.DATAPACKAGE_NAME
    before = package_path.read_bytes()

    def killed(*_):
        raise KeyboardInterrupt  # as if the run stopped between writing the new package and putting it in place

    monkeypatch.setattr(datapackage.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        tables.write_table(frame, "toy_second", SCHEMA)
    assert package_path.read_bytes() == before and json.loads(before)


def test_a_table_that_breaks_its_schema_is_not_written_and_the_error_names_row_and_column():
    frame = pd.DataFrame({"city_id": ["gn1", "gn2"], "population": [670_000, 12]})
    with pytest.raises(pa.errors.SchemaErrors) as failure:
        tables.write_table(frame, "toy_bad", SCHEMA)
    assert "population" in str(failure.value) and "greater_than_or_equal_to(50000)" in str(failure.value)
    assert failure.value.failure_cases["index"].tolist() == [1]
    assert not paths.processed_table("toy_bad").exists()


def test_a_table_with_a_column_the_vocabulary_does_not_declare_is_not_written():
    schema = pa.DataFrameSchema({"city_id": pa.Column(str), "city_size": pa.Column("int64")})
    with pytest.raises(KeyError, match="city_size"):
        tables.write_table(pd.DataFrame({"city_id": ["gn1"], "city_size": [3]}), "toy_undeclared", schema)
    assert not paths.processed_table("toy_undeclared").exists()


def test_geodataframes_round_trip_as_geoparquet():
    schema = fields.schema("nuts2_code geometry")
    regions = gpd.GeoDataFrame({"nuts2_code": ["PL71"]}, geometry=[Point(19.5, 51.8)], crs="EPSG:4326")
    tables.write_table(regions, "toy_regions", schema)
    back = tables.read_table("toy_regions")
    assert isinstance(back, gpd.GeoDataFrame) and back.crs.to_epsg() == 4326


def test_reading_a_missing_table_says_which_notebook_to_run():
    with pytest.raises(FileNotFoundError, match="run the notebook that writes it"):
        tables.read_table("does_not_exist")


def test_quarantine_requires_a_reason():
    with pytest.raises(ValueError, match="reason"):
        tables.write_quarantine(pd.DataFrame({"city_id": ["gn9"]}), "toy")
    tables.write_quarantine(pd.DataFrame({"city_id": ["gn9"], "reason": ["district_of:gn1"]}), "toy")
    assert pd.read_csv(paths.quarantine_table("toy"))["reason"].tolist() == ["district_of:gn1"]


def test_paths_follow_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PARADIP_DATA", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("PARADIP_MIRROR", str(tmp_path / "mirror"))
    assert paths.raw_dir() == tmp_path / "elsewhere" / "raw"
    assert paths.processed_table("cities") == tmp_path / "elsewhere" / "processed" / "cities.parquet"
    assert paths.mirror_dir() == tmp_path / "mirror"
