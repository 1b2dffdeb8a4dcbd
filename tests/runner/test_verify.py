"""``make verify`` after the tests' build (its checks on the toy project are in test_pipeline.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _verify_exit(workspace: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis.runner.verify", "--no-book"],
        env=os.environ | {"PARADIP_DATA": str(workspace / "data"), "PARADIP_BUILD": str(workspace / "build")},
        capture_output=True,
        text=True,
    )


@pytest.mark.slow
def test_make_verify_passes_after_the_tests_build_and_fails_on_a_flipped_byte_or_an_edited_output(small_build):
    """The check CI runs after the build: clean, then one tampered raw file, one edited table, one edited .tex."""
    clean = _verify_exit(small_build)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    raw = small_build / "data" / "raw" / "nuts_gisco_2024_20m" / "NUTS_RG_20M_2024_4326.geojson"
    table = small_build / "data" / "processed" / "city_analysis.parquet"
    tex = small_build / "build" / "tables" / "regression_binary.tex"
    for tampered in (raw, table, tex):
        original = tampered.read_bytes()
        mode = tampered.stat().st_mode
        try:
            tampered.chmod(0o644)
            tampered.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
            result = _verify_exit(small_build)
        finally:
            tampered.write_bytes(original)
            tampered.chmod(mode)
        assert result.returncode == 1
        assert tampered.name in result.stdout, result.stdout
    assert _verify_exit(small_build).returncode == 0
