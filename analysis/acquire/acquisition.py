"""Acquisition of the declared raw inputs into ``data/raw``.

:func:`acquire` fills ``data/raw/<source>/`` with the files the registry
(:mod:`analysis.acquire.registry`, ``analysis/reference/sources.yaml``) declares, from a
local mirror (``paths.mirror_dir()``) or, without a mirror, from upstream; it verifies
every checksum, makes the files read-only and lists them in ``data/MANIFEST``. A file already
in place with its declared bytes is left alone, and the manifest is rewritten only when its
content changes, so ``data/raw`` can be read-only once acquired.
:func:`attributions` and :func:`files_table` are the book's tables of the registry.
Later notebooks find raw files with :func:`analysis.acquire.sources.raw_path`, which
does not read the registry.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tarfile
import urllib.request
import zipfile
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from analysis.acquire.registry import REGISTRY_FILE, Source, SourceFile, declared_sources
from analysis.acquire.sources import MANIFEST_COLUMNS, manifest_path
from analysis.core import paths
from analysis.core.files import sha256_file
from analysis.core.tracking import note_read, note_write

DOWNLOAD_TIMEOUT_SECONDS = 120
_CHUNK_BYTES = 1 << 20
_READ_ONLY = 0o444
_REGISTRY_NAME = REGISTRY_FILE.relative_to(paths.ROOT).as_posix()


class AcquisitionError(RuntimeError):
    """A raw file could not be acquired or verified; the message says which one and what to do."""


# --------------------------------------------------------------------------- public API


def acquire(
    names: Iterable[str] | None = None,
    mirror: str | os.PathLike[str] | None = None,
    allow_download: bool = True,
    registry: Mapping[str, Source] | None = None,
) -> pd.DataFrame:
    """Fill ``data/raw/<source>/`` with the verified files of the named sources and list them in ``data/MANIFEST``.

    ``names``: source names (default: every declared source). ``mirror``: a mirror folder
    (default ``paths.mirror_dir()``, i.e. ``PARADIP_MIRROR`` or ``../shared/data``); without
    one, files are downloaded from upstream if ``allow_download``. ``registry``: the
    declarations to use (default: :func:`~analysis.acquire.registry.declared_sources`; tests pass their own).

    Files already in ``data/raw`` with the declared checksum are left untouched and keep
    their ``retrieved`` date. Every file that fails (missing, wrong checksum, not
    downloadable) is reported in one :class:`AcquisitionError` after the others were
    acquired. Returns the manifest (columns :data:`MANIFEST_COLUMNS`), one row per file.
    """
    registry = declared_sources() if registry is None else registry
    selected = _select_sources(registry, names)
    mirror_root = Path(mirror).resolve() if mirror is not None else paths.mirror_dir()
    previous = _read_manifest()
    today = datetime.now(UTC).date().isoformat()
    archive_cache: dict[str, bytes] = {}

    acquired_rows: list[dict[str, object]] = []
    failures: list[str] = []
    for source in selected:
        for source_file in source.files:
            try:
                acquired_rows.append(
                    _acquire_file(source, source_file, mirror_root, allow_download, previous, today, archive_cache)
                )
            except AcquisitionError as error:
                failures.append(str(error))

    manifest = _merged_manifest(previous, acquired_rows, registry, {source.name for source in selected})
    _write_manifest(manifest)
    if failures:
        attempted = sum(len(source.files) for source in selected)
        raise AcquisitionError(
            f"{len(failures)} of {attempted} raw files could not be acquired "
            f"(the other {attempted - len(failures)} are in {paths.raw_dir()}):\n\n" + "\n\n".join(failures)
        )
    return manifest


def attributions(registry: Mapping[str, Source] | None = None) -> pd.DataFrame:
    """One row per declared source: ``title``, ``licence``, ``attribution``, ``origin`` (for the book's source table)."""
    registry = declared_sources() if registry is None else registry
    return pd.DataFrame(
        [
            {
                "title": source.title,
                "licence": source.licence,
                "attribution": source.attribution,
                "origin": source.origin,
            }
            for source in registry.values()
        ],
        columns=["title", "licence", "attribution", "origin"],
    )


def files_table(registry: Mapping[str, Source] | None = None) -> pd.DataFrame:
    """One row per declared file: ``name``, ``file``, ``relation`` to upstream, ``upstream`` address, ``note``."""
    registry = declared_sources() if registry is None else registry
    return pd.DataFrame(
        [
            {
                "name": source.name,
                "file": source_file.file_name,
                "relation": source_file.relation,
                "upstream": _upstream_text(source_file),
                "note": source_file.note,
            }
            for source in registry.values()
            for source_file in source.files
        ],
        columns=["name", "file", "relation", "upstream", "note"],
    )


# --------------------------------------------------------------------------- one file


def _acquire_file(
    source: Source,
    source_file: SourceFile,
    mirror_root: Path | None,
    allow_download: bool,
    previous: dict[tuple[str, str], dict[str, str]],
    today: str,
    archive_cache: dict[str, bytes],
) -> dict[str, object]:
    """Make ``data/raw/<source>/<file>`` hold the declared bytes; return its manifest row."""
    target = paths.raw_source_dir(source.name) / source_file.file_name
    if target.exists():
        retrieved, route = _verify_present(source, source_file, target, previous)
    elif mirror_root is not None:
        _copy_from_mirror(source, source_file, mirror_root, target)
        retrieved, route = today, "mirror"
    else:
        _download(source, source_file, target, allow_download, archive_cache)
        retrieved, route = today, "download"
    note_write(target)
    return {
        "name": source.name,
        "file": source_file.file_name,
        "sha256": source_file.sha256,
        "bytes": target.stat().st_size,
        "licence": source.licence,
        "origin": _upstream_text(source_file),
        "retrieved": retrieved,
        "route": route,
    }


def _verify_present(
    source: Source, source_file: SourceFile, target: Path, previous: dict[tuple[str, str], dict[str, str]]
) -> tuple[str, str]:
    """Check a raw file already in place; return the ``retrieved`` date and ``route`` to keep for it."""
    actual = sha256_file(target)
    if actual != source_file.sha256:
        raise AcquisitionError(
            f"{target}: raw file of source '{source.name}' has sha256 {actual}, but {_REGISTRY_NAME} declares "
            f"{source_file.sha256}. Raw data is immutable and is never overwritten: delete this file "
            f"(rm -f '{target}') and run acquisition again (make all) to fetch a verified copy."
        )
    earlier = previous.get((source.name, source_file.file_name))
    if earlier is not None and earlier.get("sha256") == source_file.sha256:
        return earlier["retrieved"], earlier["route"]
    # No manifest record (e.g. MANIFEST deleted): the file's own date is the best evidence left.
    written = datetime.fromtimestamp(target.stat().st_mtime, tz=UTC).date().isoformat()
    return written, "unrecorded"


def _copy_from_mirror(source: Source, source_file: SourceFile, mirror_root: Path, target: Path) -> None:
    # With a mirror, every file must come from it: silently downloading what the mirror
    # lacks would hide a broken mirror and mix routes.
    mirror_file = mirror_root / source.mirror_path / source_file.file_name
    if not mirror_file.is_file():
        raise AcquisitionError(
            f"{mirror_file}: file '{source_file.file_name}' of source '{source.name}' is missing from the mirror "
            f"{mirror_root}. Restore it in the mirror, or point PARADIP_MIRROR at a complete mirror"
            + (
                f", or acquire without a mirror to download it from {source_file.upstream}."
                if source_file.downloadable
                else " (it cannot be downloaded: " + _not_downloadable_reason(source_file) + ")."
            )
        )
    note_read(mirror_file)
    with open(mirror_file, "rb") as handle:
        _write_verified(handle, target, source_file.sha256, f"mirror file {mirror_file}", source.name)


def _download(
    source: Source, source_file: SourceFile, target: Path, allow_download: bool, archive_cache: dict[str, bytes]
) -> None:
    where = f"{target}: file '{source_file.file_name}' of source '{source.name}'"
    if not allow_download:
        raise AcquisitionError(
            f"{where} is not in data/raw, there is no mirror and downloads are disabled. Set PARADIP_MIRROR to a "
            "mirror folder, or allow downloads."
        )
    if not source_file.downloadable:
        raise AcquisitionError(
            f"{where} cannot be downloaded: {_not_downloadable_reason(source_file)}. Its checksum is that of the "
            "mirror's file, so obtain the mirror and set PARADIP_MIRROR to it."
        )
    assert source_file.upstream is not None  # guaranteed by downloadable
    content = _fetch(source_file.upstream, source_file.archive_member, archive_cache, where)
    described = source_file.upstream + (f" (member {source_file.archive_member})" if source_file.archive_member else "")
    if source_file.relation == "reencoded":
        # Latin-1 maps every byte to one code point, so decoding cannot fail; the checksum decides.
        content = content.decode("iso-8859-1").encode("utf-8")
        described += ", re-encoded ISO-8859-1 -> UTF-8"
    _write_verified(io.BytesIO(content), target, source_file.sha256, f"download {described}", source.name)


def _fetch(url: str, archive_member: str | None, archive_cache: dict[str, bytes], where: str) -> bytes:
    """Bytes at ``url`` (any scheme urllib knows: https, http, file), or of ``archive_member`` inside it."""
    if url not in archive_cache:
        try:
            with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
                payload = response.read()
        except OSError as error:  # URLError and HTTPError are OSErrors
            raise AcquisitionError(
                f"{where}: download of {url} failed ({error}). Check the network or use a mirror."
            ) from error
        if archive_member is None:
            return payload
        # Package archives hold several declared files (world-atlas): fetch each archive once.
        archive_cache[url] = payload
    payload = archive_cache[url]
    try:
        if url.endswith((".whl", ".zip")):
            with zipfile.ZipFile(io.BytesIO(payload)) as archive:
                return archive.read(archive_member)
        with tarfile.open(fileobj=io.BytesIO(payload), mode="r:*") as archive:
            member = archive.extractfile(archive_member)
            if member is None:
                raise KeyError(archive_member)
            return member.read()
    except (KeyError, zipfile.BadZipFile, tarfile.TarError) as error:
        raise AcquisitionError(
            f"{where}: archive {url} has no readable member '{archive_member}' ({error!r})."
        ) from error


def _write_verified(stream: io.BufferedIOBase, target: Path, expected: str, origin: str, source_name: str) -> None:
    """Write ``stream`` to ``target`` only if its sha256 is ``expected``; the file ends up read-only."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    with open(partial, "wb") as out:
        for chunk in iter(lambda: stream.read(_CHUNK_BYTES), b""):
            digest.update(chunk)
            out.write(chunk)
    actual = digest.hexdigest()
    if actual != expected:
        partial.unlink()
        raise AcquisitionError(
            f"{origin}: file '{target.name}' of source '{source_name}' has sha256 {actual}, but {_REGISTRY_NAME} "
            f"declares {expected}; nothing was written to {target}. The copy is corrupt or a different version: "
            "restore the original bytes, or, if the source was deliberately updated, update its declaration in "
            f"{_REGISTRY_NAME} and its PROVENANCE.md."
        )
    partial.chmod(_READ_ONLY)
    os.replace(partial, target)


# --------------------------------------------------------------------------- registry and manifest helpers


def _declared_source(registry: Mapping[str, Source], name: str) -> Source:
    if name not in registry:
        raise KeyError(f"'{name}' is not a declared source; declared sources: {', '.join(registry)}")
    return registry[name]


def _select_sources(registry: Mapping[str, Source], names: Iterable[str] | None) -> list[Source]:
    if names is None:
        return list(registry.values())
    if isinstance(names, str):
        names = [names]
    return [_declared_source(registry, name) for name in names]


def _not_downloadable_reason(source_file: SourceFile) -> str:
    if source_file.relation == "mirror_only":
        return "it is written by the mirror and has no upstream copy"
    if source_file.relation == "derived":
        return f"it was derived by the mirror ({source_file.note}) from {source_file.upstream}, which is informational only"
    return "no upstream address is declared"


def _upstream_text(source_file: SourceFile) -> str:
    if source_file.upstream is None:
        return "mirror only (no upstream copy)"
    text = source_file.upstream
    if source_file.archive_member:
        text += f" :: {source_file.archive_member}"
    if source_file.relation == "reencoded":
        text += " (re-encoded ISO-8859-1 -> UTF-8)"
    elif source_file.relation == "derived":
        text = f"derived by the mirror from {text}"
    return text


def _read_manifest() -> dict[tuple[str, str], dict[str, str]]:
    """The rows of an existing manifest keyed by (source name, file); empty when there is none.

    Without ``data/MANIFEST``, the one an earlier version kept in ``data/raw`` is read (its retrieval
    dates are the record of where the files came from), and removed once the new one is written.
    """
    path = manifest_path()
    if not path.exists():
        path = _legacy_manifest_path()
    if not path.exists():
        return {}
    table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    missing = [column for column in MANIFEST_COLUMNS if column not in table.columns]
    if missing:
        raise AcquisitionError(
            f"{path}: columns {missing} are missing (expected {MANIFEST_COLUMNS}). Delete the MANIFEST and run "
            "acquisition again; retrieval dates will then come from the files' dates."
        )
    return {(row["name"], row["file"]): row for row in table.to_dict("records")}


def _merged_manifest(
    previous: dict[tuple[str, str], dict[str, str]],
    acquired_rows: list[dict[str, object]],
    registry: Mapping[str, Source],
    selected_names: set[str],
) -> pd.DataFrame:
    """Rows just acquired, plus earlier rows of sources not asked for this time whose files are still in place."""
    rows_by_key = {(str(row["name"]), str(row["file"])): row for row in acquired_rows}
    for key, row in previous.items():
        name, file_name = key
        if name in selected_names or name not in registry or key in rows_by_key:
            continue
        if (paths.raw_source_dir(name) / file_name).exists():
            rows_by_key[key] = row
    order = {
        (source.name, source_file.file_name): position
        for position, (source, source_file) in enumerate(
            (source, source_file) for source in registry.values() for source_file in source.files
        )
    }
    ordered = sorted(rows_by_key.values(), key=lambda row: order.get((str(row["name"]), str(row["file"])), len(order)))
    manifest = pd.DataFrame(ordered, columns=MANIFEST_COLUMNS)
    manifest["bytes"] = manifest["bytes"].astype("int64")
    return manifest


def _write_manifest(manifest: pd.DataFrame) -> None:
    """Write ``manifest`` to ``data/MANIFEST`` when its content changed (an unchanged manifest is not touched)."""
    path = manifest_path()
    text = manifest.to_csv(sep="\t", index=False)
    if not (path.is_file() and path.read_text(encoding="utf-8") == text):
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    note_write(path)
    legacy = _legacy_manifest_path()
    if legacy.exists():
        note_write(legacy)  # replaced, not read: no notebook depends on it
        with contextlib.suppress(OSError):  # data/raw is read-only: the old file stays, unread
            legacy.unlink()


def _legacy_manifest_path() -> Path:
    return paths.raw_dir() / "MANIFEST"
