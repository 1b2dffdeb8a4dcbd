"""The source registry: the declared raw inputs, read from ``analysis/reference/sources.yaml``.

:func:`declared_sources` reads and checks the file and returns one :class:`Source` per
entry, keyed by name. Only acquisition (notebook 10) reads the registry; later notebooks
find raw files by path (:func:`analysis.acquire.sources.raw_path`), so editing an
attribution re-runs nothing else.

Each file says how it relates to upstream (:data:`Relation`):

``identical``   byte-identical to the upstream file (or to a member of a package archive);
``reencoded``   the upstream file re-encoded from ISO-8859-1 to UTF-8, otherwise unchanged;
``derived``     made by the mirror (converted, stacked, re-delimited, extracted); its
                upstream address is informational only and it cannot be downloaded;
``mirror_only`` written by the mirror's curator (``PROVENANCE.md``); no upstream copy exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

import yaml

from analysis.core import paths
from analysis.core.tracking import note_read

Relation = Literal["identical", "reencoded", "derived", "mirror_only"]
RELATIONS: tuple[str, ...] = get_args(Relation)
PROVENANCE_FILE = "PROVENANCE.md"
PROVENANCE_NOTE = (
    "written by the mirror's curator (origin, commit, licence, retrieval date, caveats); no upstream copy exists"
)
REGISTRY_FILE: Path = paths.REGISTRY_FILE

_SOURCE_KEYS = {"name", "title", "licence", "attribution", "origin", "mirror_path", "provenance_sha256", "files"}
_REQUIRED_SOURCE_KEYS = ("name", "title", "licence", "attribution", "origin", "provenance_sha256", "files")
_FILE_KEYS = {"file", "sha256", "upstream", "relation", "archive_member", "note"}
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class RegistryError(ValueError):
    """The registry file breaks its format; the message names the file, the entry and the key."""


@dataclass(frozen=True)
class SourceFile:
    """One file of a source: its name in the mirror and in ``data/raw``, checksum and upstream address.

    ``upstream`` is a raw-file URL (GitHub at a fixed commit) or a package archive URL,
    in which case ``archive_member`` is the file's path inside the archive. ``note`` says
    what the mirror did to a file that is not byte-identical upstream.
    """

    file_name: str
    sha256: str
    upstream: str | None
    relation: Relation = "identical"
    archive_member: str | None = None
    note: str = ""

    @property
    def downloadable(self) -> bool:
        """Whether downloading ``upstream`` (and re-encoding, if declared) reproduces the declared bytes."""
        return self.upstream is not None and self.relation in ("identical", "reencoded")


@dataclass(frozen=True)
class Source:
    """One declared raw input: a folder of files with one origin, licence and attribution."""

    name: str
    title: str
    licence: str
    attribution: str
    origin: str
    files: tuple[SourceFile, ...]
    mirror_path: str = field(default="")

    def __post_init__(self) -> None:
        # The mirror folder carries the source's name unless declared otherwise.
        if not self.mirror_path:
            object.__setattr__(self, "mirror_path", self.name)

    def file(self, file_name: str) -> SourceFile:
        """The declared file ``file_name``; ``KeyError`` listing the declared files otherwise."""
        for source_file in self.files:
            if source_file.file_name == file_name:
                return source_file
        declared = ", ".join(source_file.file_name for source_file in self.files)
        raise KeyError(f"source '{self.name}' declares no file '{file_name}'; declared files: {declared}")


def declared_sources(path: Path | None = None) -> dict[str, Source]:
    """The sources declared in ``path`` (default :data:`REGISTRY_FILE`), keyed by name, in file order.

    Raises :class:`RegistryError` naming the file, the entry and the key of every problem
    (missing or unknown key, malformed checksum, unknown relation, duplicate name or file).
    """
    path = REGISTRY_FILE if path is None else Path(path)
    note_read(path)
    with open(path, encoding="utf-8") as handle:
        document = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml: 5x faster
    if not isinstance(document, dict) or not isinstance(document.get("sources"), list):
        raise RegistryError(f"{path}: expected a mapping with a list under 'sources'")
    problems: list[str] = []
    registry: dict[str, Source] = {}
    for position, entry in enumerate(document["sources"], start=1):
        where = f"{path}, source {position}" + (f" ({entry.get('name')!r})" if isinstance(entry, dict) else "")
        source = _parse_source(entry, where, problems)
        if source is None:
            continue
        if source.name in registry:
            problems.append(f"{where}, key 'name': {source.name!r} is declared twice")
        registry[source.name] = source
    if problems:
        raise RegistryError(f"{len(problems)} problem(s) in the source registry:\n" + "\n".join(problems))
    return registry


def declared_raw_digests(path: Path | None = None) -> dict[Path, str]:
    """Where acquisition puts each declared file (``data/raw/<source>/<file>``) and its declared sha256.

    The runner uses these as pinned outputs of the acquiring notebook: acquisition refuses any other
    bytes, so a reader of such a file needs to run again only when its declared digest changes.
    """
    return {
        paths.raw_source_dir(source.name) / source_file.file_name: source_file.sha256
        for source in declared_sources(path).values()
        for source_file in source.files
    }


def _parse_source(entry: Any, where: str, problems: list[str]) -> Source | None:
    """One registry entry as a :class:`Source` (with its PROVENANCE.md), or None after noting its problems."""
    if not isinstance(entry, dict):
        problems.append(f"{where}: expected a mapping of {sorted(_SOURCE_KEYS)}, got {entry!r}")
        return None
    before = len(problems)
    problems.extend(f"{where}: unknown key '{key}'" for key in sorted(set(entry) - _SOURCE_KEYS))
    for key in _REQUIRED_SOURCE_KEYS:
        if key != "files" and not (isinstance(entry.get(key), str) and entry[key].strip()):
            problems.append(f"{where}, key '{key}': expected non-empty text, got {entry.get(key)!r}")
    _check_sha256(entry.get("provenance_sha256"), f"{where}, key 'provenance_sha256'", problems)
    raw_files = entry.get("files")
    if not isinstance(raw_files, list) or not raw_files:
        problems.append(f"{where}, key 'files': expected a non-empty list of files, got {raw_files!r}")
        raw_files = []
    files = [_parse_file(item, f"{where}, file {number}", problems) for number, item in enumerate(raw_files, 1)]
    names = [source_file.file_name for source_file in files if source_file is not None]
    for duplicate in sorted({name for name in names if names.count(name) > 1 or name == PROVENANCE_FILE}):
        problems.append(f"{where}, key 'files': file {duplicate!r} is declared twice (PROVENANCE.md is implicit)")
    if len(problems) > before:
        return None
    provenance = SourceFile(
        PROVENANCE_FILE, entry["provenance_sha256"], upstream=None, relation="mirror_only", note=PROVENANCE_NOTE
    )
    return Source(
        name=entry["name"],
        title=entry["title"],
        licence=entry["licence"],
        attribution=entry["attribution"],
        origin=entry["origin"],
        files=(*[source_file for source_file in files if source_file is not None], provenance),
        mirror_path=entry.get("mirror_path") or "",
    )


def _parse_file(item: Any, where: str, problems: list[str]) -> SourceFile | None:
    """One entry of a source's ``files`` as a :class:`SourceFile`, or None after noting its problems."""
    if not isinstance(item, dict):
        problems.append(f"{where}: expected a mapping of {sorted(_FILE_KEYS)}, got {item!r}")
        return None
    before = len(problems)
    problems.extend(f"{where}: unknown key '{key}'" for key in sorted(set(item) - _FILE_KEYS))
    if not (isinstance(item.get("file"), str) and item["file"].strip()):
        problems.append(f"{where}, key 'file': expected a file name, got {item.get('file')!r}")
    _check_sha256(item.get("sha256"), f"{where}, key 'sha256'", problems)
    relation = item.get("relation", "identical")
    if relation not in RELATIONS:
        problems.append(f"{where}, key 'relation': expected one of {list(RELATIONS)}, got {relation!r}")
    upstream = item.get("upstream")
    if relation != "mirror_only" and not (isinstance(upstream, str) and "://" in upstream):
        problems.append(f"{where}, key 'upstream': expected a URL for a {relation} file, got {upstream!r}")
    if relation in ("derived", "reencoded") and not item.get("note"):
        problems.append(f"{where}, key 'note': a {relation} file must say what the mirror did to it")
    if len(problems) > before:
        return None
    return SourceFile(
        file_name=item["file"],
        sha256=item["sha256"],
        upstream=upstream,
        relation=relation,
        archive_member=item.get("archive_member"),
        note=item.get("note", ""),
    )


def _check_sha256(value: Any, where: str, problems: list[str]) -> None:
    if not (isinstance(value, str) and _SHA256.match(value)):
        problems.append(f"{where}: expected 64 lower-case hexadecimal digits (sha256), got {value!r}")
