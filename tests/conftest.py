"""Shared fixtures: every test runs against a temporary data and build folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

# Small parameters for the notebook and book tests: each notebook runs on a fraction of the data
# (cities of 250k inhabitants and more) or with fewer repetitions (99 bootstrap draws, not 999).
SMALL_PARAMETERS: dict[str, dict[str, object]] = {
    "20": {"min_population": 250_000},
    "30": {"gold_whole_frame": False},
    "80": {"n_bootstrap": 99},
}


@pytest.fixture(autouse=True)
def isolated_data(tmp_path_factory, monkeypatch):
    """Point ``PARADIP_DATA`` and ``PARADIP_BUILD`` at a temporary folder so tests never touch the real ones."""
    workspace = tmp_path_factory.mktemp("workspace")
    monkeypatch.setenv("PARADIP_DATA", str(workspace / "data"))
    monkeypatch.setenv("PARADIP_BUILD", str(workspace / "build"))
    return workspace


# The determinism test needs a second clean build: it runs in a subprocess beside the first, on the other core.
_SECOND_BUILD = pytest.StashKey[tuple[subprocess.Popen, Path, Path] | None]()
_SECOND_BUILD_SCRIPT = (
    "import json, sys\n"
    "from analysis.runner import pipeline\n"
    "pipeline.run(pipeline.Project(), parameters=json.loads(sys.argv[1]), echo=False)\n"
)


def _wants_second_build(session: pytest.Session) -> bool:
    return any("second_small_build" in getattr(item, "fixturenames", ()) for item in session.items)


def _start_second_build(tmp_path_factory) -> tuple[subprocess.Popen, Path, Path]:
    workspace = tmp_path_factory.mktemp("second-build")
    log = workspace / "pipeline.log"
    environment = workspace_environment(workspace)
    with open(log, "w", encoding="utf-8") as handle:
        process = subprocess.Popen(
            [sys.executable, "-c", _SECOND_BUILD_SCRIPT, json.dumps(SMALL_PARAMETERS)],
            env=environment,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    return process, workspace, log


@pytest.fixture(scope="session")
def small_build(tmp_path_factory, request) -> Path:
    """Run the whole pipeline once on small parameters into a temporary workspace; return the workspace.

    The workspace has ``data/`` and ``build/`` as the real ones would, so tests can read the
    processed tables and build the book from the executed notebooks. When the session holds a test
    that needs a second clean build, that build starts now, in another process.
    """
    from analysis.runner import pipeline

    second = _start_second_build(tmp_path_factory) if _wants_second_build(request.session) else None
    request.config.stash[_SECOND_BUILD] = second
    workspace = tmp_path_factory.mktemp("small-build")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PARADIP_DATA", str(workspace / "data"))
        patch.setenv("PARADIP_BUILD", str(workspace / "build"))
        report = pipeline.run(pipeline.Project(), parameters=SMALL_PARAMETERS, echo=False)
    assert report.ran == [nb.stem for nb in pipeline.discover_notebooks(pipeline.Project().notebooks)]
    return workspace


@pytest.fixture(scope="session")
def second_small_build(small_build, tmp_path_factory, request) -> Path:
    """A second, independent clean build with the same parameters (started beside ``small_build``)."""
    second = request.config.stash.get(_SECOND_BUILD, None) or _start_second_build(tmp_path_factory)
    process, workspace, log = second
    assert process.wait(timeout=900) == 0, f"the second build failed:\n{log.read_text(encoding='utf-8')[-5000:]}"
    return workspace


def workspace_environment(workspace: Path) -> dict[str, str]:
    """The process environment pointed at ``workspace``'s data and build folders."""
    return os.environ | {"PARADIP_DATA": str(workspace / "data"), "PARADIP_BUILD": str(workspace / "build")}


# --------------------------------------------------------------------------- small tables shared by the build tests

FRAME_COLUMNS = [
    "city_id",
    "name",
    "ascii_name",
    "alternate_names",
    "country_iso2",
    "population",
    "latitude",
    "longitude",
]


@pytest.fixture
def frame_from_rows():
    """Build a frame table from ``(city_id, name, ascii_name, alternate_names, country_iso2, population, lat, lon)`` rows."""
    return lambda rows: pd.DataFrame(rows, columns=FRAME_COLUMNS)


@pytest.fixture
def regions() -> pd.DataFrame:
    """One NUTS2 region, Brandenburg (DE40), as the regions table has it."""
    return pd.DataFrame(
        {
            "nuts2_code": ["DE40"],
            "nuts_version": [2024],
            "name_latn": ["Brandenburg"],
            "name_national": ["Brandenburg"],
            "country_iso2": ["DE"],
        }
    )


# --------------------------------------------------------------------------- a small survey frame for the non-response tests


@pytest.fixture
def survey_frame():
    """Build a frame of units and respondents for ``analysis.stats.nonresponse`` / ``weights``.

    Call with rows ``(country_iso2, unit_type, population, units, respondents)``: that many units of
    that kind, the first ``respondents`` of them answering; every third unit has a public US partner
    and every fourth a Chinese one. Returns ``(units, respondent_ids, public)`` as
    ``nonresponse_frame`` takes them.
    """

    def build(rows):
        units, respondents, public = [], [], []
        for country, unit_type, population, count, answered in rows:
            for k in range(count):
                unit_id = f"{country}-{unit_type}-{population}-{k}"
                units.append((unit_id, unit_type, country, population if unit_type == "city" else float("nan")))
                if k < answered:
                    respondents.append(unit_id)
                public.append((unit_id, len(public) % 3 == 0, len(public) % 4 == 0))
        return (
            pd.DataFrame(units, columns=["unit_id", "unit_type", "country_iso2", "population"]),
            respondents,
            pd.DataFrame(public, columns=["unit_id", "us_partner_public", "cn_partner_public"]),
        )

    return build
