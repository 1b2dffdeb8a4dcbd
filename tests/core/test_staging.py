"""Outputs are written in place interactively and staged under the runner (analysis.core.staging)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from analysis.core import datapackage, paths, staging, tables


def test_outside_the_runner_outputs_are_written_in_place(tmp_path, monkeypatch):
    monkeypatch.delenv(staging.STAGING_VARIABLE, raising=False)
    assert staging.target(tmp_path / "a" / "t.parquet") == tmp_path / "a" / "t.parquet"
    assert (tmp_path / "a").is_dir()


def test_under_the_runner_a_table_is_staged_and_read_back_from_its_staged_file(monkeypatch):
    monkeypatch.setenv(staging.STAGING_VARIABLE, "1")
    schema = pa.DataFrameSchema({"unit_id": pa.Column(str)})
    tables.write_table(pd.DataFrame({"unit_id": ["a", "b"]}), "staged_probe", schema)
    real = paths.processed_table("staged_probe")
    assert not real.exists()
    assert staging.pending(real).is_file()
    package = paths.processed_dir() / tables.DATAPACKAGE_NAME
    assert not staging.pending(package).exists()  # each kernel stages its own entries of the data package
    (fragment,) = staging.pending(package).parent.glob("datapackage.json.*.fragment")
    assert staging.final(fragment) == package and staging.is_fragment(fragment)
    assert [entry["name"] for entry in datapackage.fragment_resources(fragment)] == ["staged_probe"]
    assert tables.read_table("staged_probe")["unit_id"].tolist() == ["a", "b"]


def test_a_staged_file_another_process_left_is_never_read(monkeypatch):
    monkeypatch.setenv(staging.STAGING_VARIABLE, "1")
    real = paths.processed_table("left_behind")
    staging.pending(real).parent.mkdir(parents=True, exist_ok=True)
    staging.pending(real).write_text("stale")
    assert staging.source(real) == real


def test_staged_and_real_names_map_both_ways(tmp_path):
    real = tmp_path / "build" / "tables" / "x.tex"
    assert staging.pending(real) == tmp_path / "build" / "tables" / ".pending" / "x.tex"
    assert staging.final(staging.pending(real)) == real and staging.final(real) == real
    assert staging.is_pending(staging.pending(real)) and not staging.is_pending(real)
