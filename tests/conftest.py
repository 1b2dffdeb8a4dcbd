"""Shared fixtures: every test runs against a temporary data and build folder."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

# Small parameters for the notebook and book tests (defined where `make faults BUILD=1` uses them too).
from analysis.runner.fault_builds import SMALL_PARAMETERS

# pytest-xdist's --dist loadgroup with the groups set below (tests/xdist_groups.py: pytest 9.2 needs a workaround).
pytest_plugins = ["xdist_groups"]

SMALL_BUILD_GROUP = "small_build"  # the xdist group of every test that uses the session's notebook build


def _uses_module_fixture(item: pytest.Item) -> bool:
    """Whether ``item`` uses a module-scoped fixture (directly or through another fixture)."""
    definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    return any(defs and defs[-1].scope == "module" for defs in definitions.values())


@pytest.hookimpl(tryfirst=True)  # before the mark plugin deselects (-m "not slow")
def pytest_collection_modifyitems(config, items):
    """A test that uses the session's notebook build (``small_build``, directly or through another fixture) runs the
    notebooks: it is ``slow`` whether or not it says so, so the unit tests (``-m "not slow"``) never start the build.

    Under pytest-xdist (``make test`` and ``make test-fast``: ``-n auto --dist loadgroup``) every such test
    joins one group, so that one worker builds ``small_build`` (and starts the second build beside it) and the
    others never do; a test that uses a module-scoped fixture joins its module's group, so that the fixture is
    built once and not on every worker. Every other test goes to whichever worker is free.

    A test that changes the second build (``second_build_workspace``: the fault catalogue's build cases) is slow too,
    and is placed by :func:`_place_second_build_users`."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        builds = "small_build" in fixtures or "second_build_workspace" in fixtures
        if builds and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow)
        if "small_build" in fixtures:
            item.add_marker(pytest.mark.xdist_group(SMALL_BUILD_GROUP))
        elif _uses_module_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))  # its module's file
    items[:] = _place_second_build_users(items, parallel=bool(os.environ.get("PYTEST_XDIST_WORKER")))


def _place_second_build_users(items: list[pytest.Item], parallel: bool) -> list[pytest.Item]:
    """``items`` with the users of the second build's workspace (the fault catalogue's build cases, minutes long)
    moved: last in one process, which then has built small_build and so started the second build beside it; under
    pytest-xdist, halfway through the tests of no group (every other test keeps its order).

    pytest-xdist hands out the groups first (the largest first), then the ungrouped tests one at a time to whichever
    worker has fewer than three left: the worker holding small_build's group takes none of them until its group is
    nearly done, so the other takes the build cases halfway through its unit tests. It waits there for the second
    build, which then has both cores with the first, runs the cases and goes back to the unit tests, and the rest of
    them go to both workers once the first build's users are done. Placed last, the cases ran on the other worker
    while the worker of the first build, its users done, had nothing left to take: one core idle for about 3 minutes
    of a 13-minute `make test`."""
    late = [item for item in items if "second_build_workspace" in getattr(item, "fixturenames", ())]
    rest = [item for item in items if "second_build_workspace" not in getattr(item, "fixturenames", ())]
    ungrouped = [index for index, item in enumerate(rest) if item.get_closest_marker("xdist_group") is None]
    at = ungrouped[len(ungrouped) // 2] if parallel and ungrouped else len(rest)
    return rest[:at] + late + rest[at:]


@pytest.fixture(scope="session", autouse=True)
def isolated_session_data(tmp_path_factory):
    """The same for the session's and modules' shared fixtures (a test detector, a small test web): pytest sets them
    up before any test's own fixtures, so without this they would read the real ``data/`` (the LAU list, twinning
    lists) when it has been acquired, and a test would pass on a machine with data and fail on a fresh checkout."""
    workspace = tmp_path_factory.mktemp("session-workspace")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PARADIP_DATA", str(workspace / "data"))
        patch.setenv("PARADIP_BUILD", str(workspace / "build"))
        yield workspace


@pytest.fixture(autouse=True)
def isolated_data(tmp_path_factory, monkeypatch):
    """Point ``PARADIP_DATA`` and ``PARADIP_BUILD`` at a temporary folder so tests never touch the real ones."""
    workspace = tmp_path_factory.mktemp("workspace")
    monkeypatch.setenv("PARADIP_DATA", str(workspace / "data"))
    monkeypatch.setenv("PARADIP_BUILD", str(workspace / "build"))
    return workspace


# The determinism test needs a second clean build, and the fault catalogue's build cases need a built workspace that
# they may change: both use one second build, run in a subprocess beside the first, on the other core. It lives in a
# folder that every pytest-xdist worker of the session finds (second_build_folder); the first process to need it
# starts it (normally the worker that builds small_build, as it starts). Its script copies the finished build to
# "snapshot" before anything can change it: the determinism test compares that copy with the first build, while the
# fault cases change the build itself (its records name its own paths) and put it back. So the fault cases run on
# the worker that does not hold small_build, beside the book, PDF and notebook tests that read the first build,
# halfway through that worker's unit tests (_place_second_build_users), once the second build has finished.
# So that any clock reading would show, the second build starts SECOND_BUILD_DELAY seconds after the first (every
# notebook then runs in another minute) and runs in another time zone, whose date differs from UTC's
# (second_build_zone). The second build catches up on the way (its first notebooks share the machine with the first
# build's middle, its last ones run beside less): on a loaded machine 75 s shrank to 30 s by the last notebooks.
_SECOND_BUILD = pytest.StashKey[subprocess.Popen | None]()
SECOND_BUILD_DELAY = 120
SECOND_BUILD_WAIT = 1500  # seconds a test waits for the second build to finish (it shares the machine)
SECOND_BUILD_USERS = ("second_small_build", "second_build_workspace")  # the fixtures that need it
FIRST_BUILD_ZONE = "UTC"
_SECOND_BUILD_SCRIPT = (
    "import json, shutil, sys, time\n"
    "from pathlib import Path\n"
    "folder = Path(sys.argv[3])\n"
    "status = 'failed'\n"
    "try:\n"
    "    time.sleep(float(sys.argv[2]))\n"
    "    from analysis.runner import pipeline\n"
    "    pipeline.run(pipeline.Project(), parameters=json.loads(sys.argv[1]), echo=False)\n"
    "    shutil.copytree(folder / 'workspace', folder / 'snapshot.partial', symlinks=True)\n"
    "    (folder / 'snapshot.partial').rename(folder / 'snapshot')\n"
    "    status = 'finished'\n"
    "finally:\n"
    "    (folder / 'status').write_text(status, encoding='utf-8')\n"
)


def second_build_zone(now: dt.datetime) -> str:
    """A POSIX time zone whose date differs from UTC's at ``now`` (UTC+14 from 10:00 UTC, else UTC-12)."""
    return "<+14>-14" if now.astimezone(dt.UTC).hour >= 10 else "<-12>+12"


def _session_uses(session: pytest.Session, *fixtures: str) -> bool:
    """Whether a test of ``session`` uses one of ``fixtures`` (directly or through another fixture)."""
    return any(name in getattr(item, "fixturenames", ()) for item in session.items for name in fixtures)


def second_build_folder(tmp_path_factory) -> Path:
    """The second build's folder, one per session: a pytest-xdist worker's temporary folder lies in the session's
    (``popen-gw0``), so every worker finds the same folder beside its own."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "second-build"


def _start_second_build(tmp_path_factory, session: pytest.Session) -> subprocess.Popen | None:
    """Start the second build, unless another process of the session has (whoever makes its folder starts it); it
    waits SECOND_BUILD_DELAY seconds first only when the session compares it with the first (the determinism test)."""
    folder = second_build_folder(tmp_path_factory)
    try:
        folder.mkdir()
    except FileExistsError:
        return None
    workspace = folder / "workspace"
    environment = workspace_environment(workspace) | {"TZ": second_build_zone(dt.datetime.now(dt.UTC))}
    delay = SECOND_BUILD_DELAY if _session_uses(session, "second_small_build") else 0
    command = [sys.executable, "-c", _SECOND_BUILD_SCRIPT, json.dumps(SMALL_PARAMETERS), str(delay)]
    with open(folder / "pipeline.log", "w", encoding="utf-8") as handle:
        return subprocess.Popen([*command, str(folder)], env=environment, stdout=handle, stderr=subprocess.STDOUT)


def _finished_second_build(tmp_path_factory, request) -> Path:
    """The second build's folder once its build has finished and been copied (started here if no process of the
    session has started it); fails with the end of its log when it failed or took longer than SECOND_BUILD_WAIT."""
    folder = second_build_folder(tmp_path_factory)
    process = request.config.stash.get(_SECOND_BUILD, None) or _start_second_build(tmp_path_factory, request.session)
    request.config.stash[_SECOND_BUILD] = process
    status, deadline = folder / "status", time.monotonic() + SECOND_BUILD_WAIT
    while not status.exists() and time.monotonic() < deadline and (process is None or process.poll() is None):
        time.sleep(1)
    if process is not None and status.exists():
        process.wait()
    outcome = status.read_text(encoding="utf-8") if status.exists() else "did not finish"
    if outcome != "finished":
        log = (folder / "pipeline.log").read_text(encoding="utf-8")[-5000:]
        pytest.fail(f"the second build {outcome} (waited {SECOND_BUILD_WAIT} s at most):\n{log}")
    return folder


@pytest.fixture(scope="session")
def small_build(tmp_path_factory, request) -> Path:
    """Run the whole pipeline once on small parameters into a temporary workspace; return the workspace.

    The workspace has ``data/`` and ``build/`` as the real ones would, so tests can read the
    processed tables and build the book from the executed notebooks. When the session holds a test
    that needs the second build, that build starts now (unless another worker has started it), in another process.
    """
    from analysis.runner import pipeline

    if _session_uses(request.session, *SECOND_BUILD_USERS):
        request.config.stash[_SECOND_BUILD] = _start_second_build(tmp_path_factory, request.session)
    workspace = tmp_path_factory.mktemp("small-build")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PARADIP_DATA", str(workspace / "data"))
        patch.setenv("PARADIP_BUILD", str(workspace / "build"))
        patch.setenv("TZ", FIRST_BUILD_ZONE)  # the kernels' zone (the second build's differs)
        report = pipeline.run(pipeline.Project(), parameters=SMALL_PARAMETERS, echo=False)
    numbered = [nb.stem for nb in pipeline.discover_notebooks(pipeline.Project().notebooks)]
    assert [stem for stem in report.ran if not stem.startswith("case_")] == numbered  # then the case studies
    return workspace


@pytest.fixture(scope="session")
def second_small_build(tmp_path_factory, request) -> Path:
    """A second, independent clean build with the same parameters (started beside ``small_build``): the copy its
    script made of it as soon as it finished, which no test changes (the fault cases change the build itself)."""
    return _finished_second_build(tmp_path_factory, request) / "snapshot"


@pytest.fixture(scope="session")
def second_build_workspace(tmp_path_factory, request) -> Path:
    """The second build's own workspace, for a test that changes a build and puts it back (the fault catalogue's
    build cases: its records name their files by this workspace's paths, which a copy's files do not have)."""
    return _finished_second_build(tmp_path_factory, request) / "workspace"


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


# A small frame for the local test web (analysis.collect.web.testweb): nine countries, a region, units outside
# the sample (their ties become statements about other cities), US and Chinese partners with exonyms.
_WEB_UNITS = [  # unit_id, unit_type, name, country, population, alternate names
    ("gn2928810", "city", "Esslingen am Neckar", "DE", 94000, "Esslingen"),
    ("gn2825297", "city", "Stuttgart", "DE", 630000, "Stuttgart"),
    ("DE11", "region", "Stuttgart", "DE", None, ""),
    ("gn3094802", "city", "Kraków", "PL", 755000, "Cracow|Krakau|Krakow"),
    ("gn3099434", "city", "Gdańsk", "PL", 460000, "Danzig|Gdansk"),
    ("gn3046526", "city", "Pécs", "HU", 145000, "Fünfkirchen|Pecs"),
    ("gn734077", "city", "Thessaloniki", "GR", 354000, "Salonica|Saloniki|Θεσσαλονίκη|Солун"),
    ("gn2998324", "city", "Lille", "FR", 230000, "Rijsel"),
    ("gn2988507", "city", "Paris", "FR", 2140000, "Parigi|Παρίσι"),
    ("gn3078610", "city", "Brno", "CZ", 380000, "Brünn"),
    ("gn2965140", "city", "Cork", "IE", 190000, "Corcaigh"),
    ("gn634963", "city", "Tampere", "FI", 225000, "Tammerfors"),
    ("gn3106672", "city", "Valladolid", "ES", 298000, "Valhadolide"),
]
_WEB_PLACES = [  # partner_id, name, country, level, admin1 name, admin1 code, population, alternate names
    ("us-place-5572975", "Sheboygan", "US", "city", "Wisconsin", "WI", 49000, "Sheboygan, WI"),
    ("us-place-1714000", "Chicago", "US", "city", "Illinois", "IL", 2696555, "Čikaga|Chicago, IL|Σικάγο|Чикаго"),
    ("us-place-3651000", "New York", "US", "city", "New York", "NY", 8467513, "Nowy Jork|Νέα Υόρκη|Ню Йорк"),
    ("us-place-2743000", "Minneapolis", "US", "city", "Minnesota", "MN", 425000, "Minneapolis, MN"),
    ("us-place-4855152", "Paris", "US", "city", "Texas", "TX", 25000, "Paris, TX"),
    ("us-place-2965000", "St. Louis", "US", "city", "Missouri", "MO", 300000, "Saint Louis"),
    ("us-place-3663000", "Rochester", "US", "city", "New York", "NY", 211000, "Rochester, NY"),
    ("us-place-5363000", "Seattle", "US", "city", "Washington", "WA", 737000, "Σιάτλ|Сиатъл"),
    ("us-place-4819000", "Dallas", "US", "city", "Texas", "TX", 1300000, "Ντάλας|Далас"),
    ("us-place-0667000", "San Francisco", "US", "city", "California", "CA", 815000, "Σαν Φρανσίσκο"),
    ("us-place-3673000", "Syracuse", "US", "city", "New York", "NY", 148000, "Syrakusy"),
    ("cn-pref-1101", "Beijing", "CN", "prefecture", "Beijing", "11", 18960744, "Pekin|Peking|Πεκίνο|Пекин"),
    ("cn-pref-3101", "Shanghai", "CN", "prefecture", "Shanghai", "31", 24874500, "Szanghaj|Šanghaj|Σαγκάη|Шанхай"),
    ("cn-pref-3201", "Nanjing", "CN", "prefecture", "Jiangsu", "32", 9300000, "Nankin|Nanking|Ναντζίνγκ"),
    ("cn-pref-4401", "Guangzhou", "CN", "prefecture", "Guangdong", "44", 16096724, "Kanton|Καντόνα"),
    ("cn-prov-44", "Guangdong", "CN", "province", "Guangdong", "44", 126000000, "Kuangtung"),
]
_WEB_TIES = [  # EU unit, partner id, partner name, partner country, status
    ("gn2928810", "us-place-5572975", "Sheboygan", "US", "active"),
    ("gn2928810", "gn-3026467", "Vienne", "FR", "active"),
    ("gn2928810", "us-place-3651000", "New York", "US", "ended"),
    ("gn2825297", "us-place-2965000", "St. Louis", "US", "active"),
    ("gn2825297", "cn-pref-3201", "Nanjing", "CN", "active"),
    ("DE11", "cn-prov-44", "Guangdong", "CN", "unknown"),
    ("gn3094802", "us-place-3663000", "Rochester", "US", "active"),
    ("gn3094802", "gn-2879139", "Leipzig", "DE", "active"),
    ("gn3099434", "us-place-5363000", "Seattle", "US", "active"),
    ("gn3046526", "us-place-5363000", "Seattle", "US", "active"),
    ("gn734077", "cn-pref-3101", "Shanghai", "CN", "active"),
    ("gn2998324", "cn-pref-3101", "Shanghai", "CN", "unknown"),
    ("gn3078610", "us-place-4819000", "Dallas", "US", "active"),
    ("gn2965140", "us-place-0667000", "San Francisco", "US", "active"),
    ("gn634963", "us-place-3673000", "Syracuse", "US", "active"),
    ("gn634963", "cn-pref-4401", "Guangzhou", "CN", "active"),
    ("gn3106672", "cn-pref-1101", "Beijing", "CN", "ended"),  # its only US/CN tie has ended
]


def small_web_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(units, relations, gazetteer) of a small frame for the local test web."""
    units = pd.DataFrame(
        _WEB_UNITS, columns=["unit_id", "unit_type", "name", "country_iso2", "population", "alternate_names"]
    ).assign(is_capital=False)
    columns = ["partner_id", "name", "country_iso2", "level", "admin1_name", "admin1_code", "population"]
    gazetteer = pd.DataFrame(_WEB_PLACES, columns=[*columns, "alternate_names"])
    ties = pd.DataFrame(_WEB_TIES, columns=["unit_id", "partner_id", "partner_name", "partner_country_iso2", "status"])
    is_region = ties["unit_id"].str.match(r"^[A-Z]{2}")
    relations = ties.assign(
        eu_city_id=ties["unit_id"].where(~is_region), eu_region_code=ties["unit_id"].where(is_region)
    ).drop(columns="unit_id")
    return units, relations, gazetteer


@pytest.fixture(scope="session")
def small_test_web(tmp_path_factory):
    """The local test web of :func:`small_web_frames`: ten sites (seed 6, which samples Esslingen with its ended tie), built once per session."""
    from analysis.collect.web.testweb import build_test_web

    units, relations, gazetteer = small_web_frames()
    return build_test_web(units, relations, gazetteer, seed=6, out_dir=tmp_path_factory.mktemp("testweb"), n_units=10)


def _web_gazetteer_rows() -> list[tuple]:
    """(partner_id, name, country, level, admin1, admin1 code, population, alternate names) of a tiny gazetteer."""
    return [
        ("us-place-chicago", "Chicago", "US", "city", "Illinois", "IL", 2_700_000, "Chicago city|Čikaga|Čikāga|Σικάγο"),
        ("us-place-sheboygan", "Sheboygan", "US", "city", "Wisconsin", "WI", 48_000, ""),
        ("us-place-toledo", "Toledo", "US", "city", "Ohio", "OH", 270_000, ""),
        ("us-place-worthington", "Worthington", "US", "city", "Ohio", "OH", 14_000, ""),
        ("us-place-new-york", "New York", "US", "city", "New York", "NY", 8_300_000, "Nowy Jork|Νέα Υόρκη"),
        ("us-place-minneapolis", "Minneapolis", "US", "city", "Minnesota", "MN", 430_000, ""),
        ("us-place-saint-paul", "Saint Paul", "US", "city", "Minnesota", "MN", 300_000, "St. Paul"),
        ("us-place-memphis", "Memphis", "US", "city", "Tennessee", "TN", 630_000, ""),
        ("us-state-il", "Illinois", "US", "state", "Illinois", "IL", None, ""),
        ("us-state-wi", "Wisconsin", "US", "state", "Wisconsin", "WI", None, ""),
        ("us-state-oh", "Ohio", "US", "state", "Ohio", "OH", None, ""),
        ("us-state-ny", "New York", "US", "state", "New York", "NY", None, "Nowy Jork"),
        ("us-state-mn", "Minnesota", "US", "state", "Minnesota", "MN", None, ""),
        ("cn-pref-1101", "Beijing", "CN", "prefecture", "Beijing", "11", 21_000_000, "Peking|Pekin|Πεκίνο"),
        ("cn-pref-3101", "Shanghai", "CN", "prefecture", "Shanghai", "31", 24_000_000, "Szanghaj|Šanghaj|Σαγκάη"),
        ("cn-pref-4201", "Wuhan", "CN", "prefecture", "Hubei", "42", 11_000_000, ""),
        ("cn-pref-2202", "Jilin", "CN", "prefecture", "Jilin", "22", 4_000_000, "Jilin City"),
        ("cn-prov-22", "Jilin", "CN", "province", "Jilin", "22", None, "Jilin Province|Province of Jilin"),
        ("cn-prov-42", "Hubei", "CN", "province", "Hubei", "42", None, "Hubei Province"),
        ("cn-dist-510113", "Qingbaijiang", "CN", "district", "Sichuan", "51", None, ""),
        ("gn-vienne", "Vienne", "FR", "city", "Auvergne-Rhône-Alpes", "84", 29_000, ""),
    ]


@pytest.fixture(scope="session")
def web_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(units, gazetteer) of a tiny frame and gazetteer for the web detector tests (collect/web)."""
    rows = _web_gazetteer_rows()
    gazetteer = pd.DataFrame(
        {
            "partner_id": [r[0] for r in rows],
            "name": [r[1] for r in rows],
            "country_iso2": [r[2] for r in rows],
            "level": [r[3] for r in rows],
            "admin1_name": [r[4] for r in rows],
            "admin1_code": [r[5] for r in rows],
            "latitude": float("nan"),
            "longitude": float("nan"),
            "population": pd.array([r[6] for r in rows], dtype="Int64"),
            "alternate_names": [r[7] for r in rows],
            "geonameid": pd.array([None] * len(rows), dtype="Int64"),
            "source": "test",
        }
    )
    units = pd.DataFrame(
        [
            ("gn-esslingen", "city", "Esslingen am Neckar", "DE", 93_000.0, False, "Esslingen"),
            ("gn-duisburg", "city", "Duisburg", "DE", 500_000.0, False, ""),
            ("gn-lodz", "city", "Łódź", "PL", 670_000.0, False, "Lodz"),
            ("gn-krakow", "city", "Kraków", "PL", 780_000.0, False, "Krakow|Krakau"),
            ("gn-vilnius", "city", "Vilnius", "LT", 580_000.0, True, ""),
            ("gn-athens", "city", "Athens", "GR", 660_000.0, True, "Αθήνα|Athen"),
            ("gn-debrecen", "city", "Debrecen", "HU", 200_000.0, False, ""),
            ("gn-brno", "city", "Brno", "CZ", 380_000.0, False, "Brünn"),
            ("gn-riga", "city", "Riga", "LV", 610_000.0, True, "Rīga"),
            ("gn-toledo", "city", "Toledo", "ES", 85_000.0, False, ""),
            ("gn-arnhem", "city", "Arnhem", "NL", 160_000.0, False, "Arnheim"),
            ("PL71", "region", "Łódzkie", "PL", float("nan"), False, "Województwo łódzkie"),
        ],
        columns=["unit_id", "unit_type", "name", "country_iso2", "population", "is_capital", "alternate_names"],
    )
    return units, gazetteer


@pytest.fixture(scope="session")
def web_detector(web_frames):
    """A partnership detector built on :func:`web_frames` (built once per session)."""
    from analysis.collect.web.detect import Detector

    units, gazetteer = web_frames
    return Detector.build(units, gazetteer)


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
