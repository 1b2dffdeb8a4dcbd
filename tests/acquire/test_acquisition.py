"""Tests of acquisition, on tiny synthetic sources made in ``tmp_path``."""

from __future__ import annotations

import functools
import hashlib
import http.server
import io
import os
import stat
import tarfile
import threading
from pathlib import Path

import pandas as pd
import pytest

from analysis.acquire import acquisition, registry, sources
from analysis.acquire.acquisition import AcquisitionError
from analysis.acquire.registry import Source, SourceFile
from analysis.core import paths

TOWNS_CSV = b"city,country\nLeipzig,DE\nHouston,US\n"
PROVENANCE_TEXT = b"# Synthetic source\nLicence: CC0.\n"
LATIN1_CSV = "county,state\nDo\u00f1a Ana County,New Mexico\r\n".encode("iso-8859-1")
ATLAS_JSON = b'{"type":"Topology"}'


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def make_registry(upstream: str | None = None) -> dict[str, Source]:
    """One source with an identical data file and a mirror-only PROVENANCE.md."""
    source = Source(
        name="towns",
        title="Synthetic towns",
        licence="CC0 1.0",
        attribution="Synthetic data for tests.",
        origin="https://example.org/towns",
        files=(
            SourceFile("towns.csv", sha256(TOWNS_CSV), upstream or "https://example.org/towns.csv"),
            SourceFile(registry.PROVENANCE_FILE, sha256(PROVENANCE_TEXT), None, relation="mirror_only"),
        ),
    )
    return {source.name: source}


def make_mirror(root: Path, files: dict[str, bytes]) -> Path:
    folder = root / "mirror" / "towns"
    folder.mkdir(parents=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return root / "mirror"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder over HTTP without logging each request to stderr."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    return make_mirror(tmp_path, {"towns.csv": TOWNS_CSV, registry.PROVENANCE_FILE: PROVENANCE_TEXT})


@pytest.fixture
def no_mirror(monkeypatch):
    """Behave as on a machine without a mirror (this one may have ../shared/data)."""
    monkeypatch.setattr(acquisition.paths, "mirror_dir", lambda: None)


def test_acquire_from_mirror_copies_verifies_and_writes_manifest(mirror: Path):
    manifest = acquisition.acquire(mirror=mirror, registry=make_registry())

    raw_file = paths.raw_source_dir("towns") / "towns.csv"
    assert raw_file.read_bytes() == TOWNS_CSV
    assert stat.S_IMODE(raw_file.stat().st_mode) == 0o444
    assert list(manifest.columns) == sources.MANIFEST_COLUMNS
    assert manifest["file"].tolist() == ["towns.csv", "PROVENANCE.md"]
    assert set(manifest["route"]) == {"mirror"}
    assert manifest.loc[0, "bytes"] == len(TOWNS_CSV)
    written = pd.read_csv(sources.manifest_path(), sep="\t", dtype=str)
    assert written["sha256"].tolist() == [sha256(TOWNS_CSV), sha256(PROVENANCE_TEXT)]


def _tree(folder: Path) -> dict[str, tuple[int, int, int, int]]:
    """Every path under ``folder`` with its inode, size, modification time and mode."""
    return {
        str(path.relative_to(folder)): (status.st_ino, status.st_size, status.st_mtime_ns, status.st_mode)
        for path in sorted(folder.rglob("*"))
        for status in [path.stat()]
    }


def test_once_acquired_data_raw_is_only_read(mirror: Path):
    """A second acquisition writes, renames and removes nothing in data/raw, and leaves an unchanged manifest alone."""
    declared = make_registry()
    acquisition.acquire(mirror=mirror, registry=declared)
    assert paths.raw_dir() not in sources.manifest_path().parents
    raw_before, manifest_before = _tree(paths.raw_dir()), sources.manifest_path().stat()
    acquisition.acquire(mirror=mirror, registry=declared)
    assert _tree(paths.raw_dir()) == raw_before
    manifest_after = sources.manifest_path().stat()
    assert (manifest_after.st_ino, manifest_after.st_mtime_ns) == (manifest_before.st_ino, manifest_before.st_mtime_ns)


def test_the_manifest_an_earlier_version_kept_in_data_raw_gives_its_dates_and_goes(mirror: Path):
    declared = make_registry()
    acquisition.acquire(mirror=mirror, registry=declared)
    legacy = paths.raw_dir() / "MANIFEST"
    table = pd.read_csv(sources.manifest_path(), sep="\t", dtype=str).assign(retrieved="1999-01-01")
    table.to_csv(legacy, sep="\t", index=False)
    sources.manifest_path().unlink()
    manifest = acquisition.acquire(mirror=mirror, registry=declared)
    assert manifest["retrieved"].tolist() == ["1999-01-01", "1999-01-01"]
    assert sources.manifest_path().is_file() and not legacy.exists()


def test_mirror_env_variable_is_used_and_argument_wins(mirror: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PARADIP_MIRROR", str(tmp_path / "no-such-mirror"))
    with pytest.raises(AcquisitionError, match="no-such-mirror"):
        acquisition.acquire(registry=make_registry())
    manifest = acquisition.acquire(mirror=mirror, registry=make_registry())
    assert len(manifest) == 2


def test_checksum_mismatch_in_mirror_names_file_and_both_checksums(tmp_path: Path):
    tampered = TOWNS_CSV + b"Extra,XX\n"
    mirror = make_mirror(tmp_path, {"towns.csv": tampered, registry.PROVENANCE_FILE: PROVENANCE_TEXT})

    with pytest.raises(AcquisitionError) as caught:
        acquisition.acquire(mirror=mirror, registry=make_registry())

    message = str(caught.value)
    assert "towns.csv" in message
    assert sha256(TOWNS_CSV) in message and sha256(tampered) in message
    assert "1 of 2" in message
    assert not (paths.raw_source_dir("towns") / "towns.csv").exists()
    assert not list(paths.raw_source_dir("towns").glob("*.partial"))
    # The verified file was still acquired and recorded.
    assert (paths.raw_source_dir("towns") / "PROVENANCE.md").exists()


def test_missing_mirror_file_is_an_error(tmp_path: Path):
    mirror = make_mirror(tmp_path, {registry.PROVENANCE_FILE: PROVENANCE_TEXT})

    with pytest.raises(AcquisitionError, match=r"towns\.csv.*missing from the mirror"):
        acquisition.acquire(mirror=mirror, registry=make_registry())


def test_unknown_source_name_is_refused(mirror: Path):
    with pytest.raises(KeyError, match="not a declared source"):
        acquisition.acquire(["nowhere"], mirror=mirror, registry=make_registry())


def test_reacquire_is_idempotent_and_keeps_retrieved_date(mirror: Path):
    declared = make_registry()
    acquisition.acquire(mirror=mirror, registry=declared)
    raw_file = paths.raw_source_dir("towns") / "towns.csv"
    # Back-date the record and the file: a re-run must neither recopy nor re-date them.
    manifest_file = sources.manifest_path()
    table = pd.read_csv(manifest_file, sep="\t", dtype=str)
    table["retrieved"] = "1999-01-01"
    table.to_csv(manifest_file, sep="\t", index=False)
    os.utime(raw_file, ns=(1_000_000_000, 1_000_000_000))
    (mirror / "towns" / "towns.csv").unlink()  # proves the mirror is not read again

    manifest = acquisition.acquire(mirror=mirror, registry=declared)

    assert raw_file.stat().st_mtime_ns == 1_000_000_000
    assert manifest["retrieved"].tolist() == ["1999-01-01", "1999-01-01"]
    assert manifest["route"].tolist() == ["mirror", "mirror"]


def test_tampered_raw_file_is_an_error_and_left_alone(mirror: Path):
    declared = make_registry()
    acquisition.acquire(mirror=mirror, registry=declared)
    raw_file = paths.raw_source_dir("towns") / "towns.csv"
    raw_file.chmod(0o644)
    raw_file.write_bytes(b"edited by hand\n")

    with pytest.raises(AcquisitionError, match=r"towns\.csv.*immutable.*delete"):
        acquisition.acquire(mirror=mirror, registry=declared)

    assert raw_file.read_bytes() == b"edited by hand\n"


def test_download_route_over_local_http_server(tmp_path: Path, no_mirror):
    served = tmp_path / "served"
    served.mkdir()
    (served / "towns.csv").write_bytes(TOWNS_CSV)
    handler = functools.partial(QuietHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/towns.csv"
        with pytest.raises(AcquisitionError) as caught:
            acquisition.acquire(registry=make_registry(upstream=url))
    finally:
        server.shutdown()
        server.server_close()

    # The data file downloads; the mirror-only PROVENANCE.md is refused with a reason.
    assert (paths.raw_source_dir("towns") / "towns.csv").read_bytes() == TOWNS_CSV
    assert "PROVENANCE.md" in str(caught.value) and "no upstream copy" in str(caught.value)
    manifest = pd.read_csv(sources.manifest_path(), sep="\t", dtype=str)
    assert manifest["route"].tolist() == ["download"]
    assert manifest["origin"].tolist() == [url]


def test_download_disabled_without_mirror_is_an_error(no_mirror):
    with pytest.raises(AcquisitionError, match="downloads are disabled"):
        acquisition.acquire(registry=make_registry(), allow_download=False)


def test_derived_file_download_is_refused(no_mirror):
    derived = Source(
        name="stacked",
        title="Stacked",
        licence="CC0",
        attribution="",
        origin="https://example.org",
        files=(SourceFile("stacked.csv", "0" * 64, "https://example.org/tree", relation="derived", note="stacked"),),
    )
    with pytest.raises(
        AcquisitionError, match=r"'stacked\.csv' of source 'stacked' cannot be downloaded.*derived by the mirror"
    ):
        acquisition.acquire(registry={"stacked": derived})


def test_reencoding_route_turns_latin1_into_the_declared_utf8(tmp_path: Path, no_mirror):
    upstream_file = tmp_path / "co-est.csv"
    upstream_file.write_bytes(LATIN1_CSV)
    utf8 = LATIN1_CSV.decode("iso-8859-1").encode("utf-8")
    source = Source(
        name="census",
        title="Census",
        licence="Public domain",
        attribution="",
        origin="https://example.org",
        files=(SourceFile("co-est.csv", sha256(utf8), upstream_file.as_uri(), relation="reencoded"),),
    )

    manifest = acquisition.acquire(registry={"census": source})

    raw_file = paths.raw_source_dir("census") / "co-est.csv"
    assert raw_file.read_bytes() == utf8
    assert "Doña Ana County" in raw_file.read_text(encoding="utf-8")
    assert "re-encoded" in manifest.loc[0, "origin"]


def test_archive_member_route_extracts_and_verifies(tmp_path: Path, no_mirror):
    tarball = tmp_path / "atlas-1.0.0.tgz"
    with tarfile.open(tarball, "w:gz") as archive:
        info = tarfile.TarInfo("package/atlas.json")
        info.size = len(ATLAS_JSON)
        archive.addfile(info, io.BytesIO(ATLAS_JSON))
    files = (
        SourceFile("atlas.json", sha256(ATLAS_JSON), tarball.as_uri(), archive_member="package/atlas.json"),
        SourceFile("other.json", sha256(b"x"), tarball.as_uri(), archive_member="package/other.json"),
    )
    source = Source(name="atlas", title="Atlas", licence="ISC", attribution="", origin="npm", files=files)

    with pytest.raises(AcquisitionError, match=r"no readable member 'package/other\.json'"):
        acquisition.acquire(registry={"atlas": source})

    assert (paths.raw_source_dir("atlas") / "atlas.json").read_bytes() == ATLAS_JSON


def test_full_acquire_from_the_real_mirror_is_complete_and_idempotent(monkeypatch):
    monkeypatch.delenv("PARADIP_MIRROR", raising=False)
    if paths.mirror_dir() is None:
        pytest.skip("no local mirror of the public sources on this machine")

    first = acquisition.acquire()
    second = acquisition.acquire()

    assert len(first) == sum(len(source.files) for source in registry.declared_sources().values())
    assert set(first["route"]) == {"mirror"}
    pd.testing.assert_frame_equal(first, second)
