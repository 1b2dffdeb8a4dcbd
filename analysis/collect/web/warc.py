"""The crawl's raw store: every fetched response as a WARC request + response pair (gzip), and its offline replay.

One WARC file per crawler process and run segment (``<crawl_id>-<segment>-<pid>.warc.gz``): a restart opens a new
file and never appends to an old one, so a kill -9 leaves at most one truncated record, at the tail of one file.
A record pair is built in memory and written with one ``write`` and a flush, so the tail is rarely cut at all.

Response records carry ``WARC-Target-URI``, ``WARC-Date``, the HTTP status line and headers, ``WARC-Payload-Digest``
and ``WARC-Block-Digest`` (sha256, base32 as warcio writes them), and three crawl headers: ``WARC-Unit-Id`` (the
frame unit whose seed led here), ``WARC-Crawl-Depth`` and ``WARC-Redirected-From`` (the addresses that redirected
here, space-separated). The stored body is the decoded payload (Scrapy has already removed transfer and content
encodings), so those two headers are dropped from the stored HTTP headers and ``Content-Length`` is the stored size.

:func:`iter_pages` replays the responses as :class:`Page` tuples; :func:`iter_records` also gives the crawl headers.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import os
import zlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

WARC_SUFFIX = ".warc.gz"
UNIT_HEADER = "WARC-Unit-Id"
DEPTH_HEADER = "WARC-Crawl-Depth"
REDIRECTED_FROM_HEADER = "WARC-Redirected-From"
_DROPPED_HTTP_HEADERS = {"transfer-encoding", "content-encoding", "content-length"}


class Page(NamedTuple):
    """One stored response, as the extractor and the detector read it."""

    url: str
    unit_id: str | None
    fetched: str  # ISO 8601 UTC
    status: int
    content_type: str
    body: bytes
    sha256: str  # hex digest of body


class StoredRecord(NamedTuple):
    """A stored response with the crawl's own headers (what a restart needs to rebuild its state)."""

    page: Page
    depth: int
    redirected_from: tuple[str, ...]
    path: Path


class _Sha256WARCWriter(WARCWriter):
    @staticmethod
    def _create_digester():
        return Digester("sha256")


def warc_timestamp(moment: datetime | None = None) -> str:
    """``moment`` (default: now) as a WARC date, ISO 8601 UTC to the second (``2026-11-30T08:00:00Z``)."""
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


def sha256_base32(body: bytes) -> str:
    """The labelled digest warcio writes for ``body``: ``sha256:<BASE32>``."""
    return "sha256:" + base64.b32encode(hashlib.sha256(body).digest()).decode("ascii")


class WarcSegment:
    """An append-only WARC file for one process and run segment; :meth:`write` stores one exchange.

    The file is opened in exclusive-create mode: an existing segment is never overwritten or appended to.
    """

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = open(path, "xb")  # noqa: SIM115 (kept open for the life of the crawl)
        self.records = 0

    def write(
        self,
        *,
        url: str,
        status: int,
        reason: str,
        response_headers: list[tuple[str, str]],
        body: bytes,
        request_headers: list[tuple[str, str]],
        unit_id: str | None,
        depth: int,
        redirected_from: Iterable[str] = (),
    ) -> Page:
        """Append the response and request records of one exchange; return it as the :class:`Page` replay gives."""
        buffer = io.BytesIO()
        writer = _Sha256WARCWriter(buffer, gzip=True, warc_version="WARC/1.1")
        kept = [(k, v) for k, v in response_headers if k.lower() not in _DROPPED_HTTP_HEADERS]
        kept.append(("Content-Length", str(len(body))))
        http_response = StatusAndHeaders(f"{status} {reason or 'Unknown'}".strip(), kept, protocol="HTTP/1.1")
        fetched = warc_timestamp()
        extra = {
            "WARC-Date": fetched,
            UNIT_HEADER: unit_id or "",
            DEPTH_HEADER: str(depth),
        }
        redirects = " ".join(redirected_from)
        if redirects:
            extra[REDIRECTED_FROM_HEADER] = redirects
        response = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http_response,
            warc_headers_dict=extra,
        )  # fmt: skip
        path_line = url.split("/", 3)[3] if url.count("/") >= 3 else ""
        http_request = StatusAndHeaders(f"GET /{path_line} HTTP/1.1", request_headers, is_http_request=True)
        request = writer.create_warc_record(url, "request", http_headers=http_request)
        writer.write_request_response_pair(request, response)
        self._handle.write(buffer.getvalue())
        self._handle.flush()
        self.records += 1
        content_type = next((v for k, v in kept if k.lower() == "content-type"), "")
        return Page(url, unit_id or None, fetched, status, content_type, body, hashlib.sha256(body).hexdigest())

    def close(self) -> None:
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()


def _header(record, name: str) -> str | None:
    return record.rec_headers.get_header(name)


def _iter_file(path: Path) -> Iterator[StoredRecord]:
    """Complete response records of one WARC file; a truncated or corrupt tail ends the file quietly."""
    with open(path, "rb") as handle:
        iterator = ArchiveIterator(handle)
        try:
            for record in iterator:
                if record.rec_type != "response":
                    continue
                body = record.content_stream().read()
                length = int(record.http_headers.get_header("Content-Length") or len(body))
                if len(body) != length:  # the record was cut inside its payload
                    return
                digest = _header(record, "WARC-Payload-Digest")
                if digest and digest != sha256_base32(body):
                    return
                unit = _header(record, UNIT_HEADER) or None
                page = Page(
                    url=_header(record, "WARC-Target-URI"),
                    unit_id=unit,
                    fetched=_header(record, "WARC-Date"),
                    status=int(record.http_headers.get_statuscode()),
                    content_type=record.http_headers.get_header("Content-Type") or "",
                    body=body,
                    sha256=hashlib.sha256(body).hexdigest(),
                )
                redirects = tuple((_header(record, REDIRECTED_FROM_HEADER) or "").split())
                yield StoredRecord(page, int(_header(record, DEPTH_HEADER) or 0), redirects, path)
        except (ArchiveLoadFailed, EOFError, zlib.error, gzip.BadGzipFile, ValueError, OSError):
            return


def warc_files(folder: Path) -> list[Path]:
    """The WARC files of a crawl's output folder, in name order (segments in the order they were written)."""
    return sorted(folder.glob(f"*{WARC_SUFFIX}"))


def iter_records(paths: Iterable[Path] | Path) -> Iterator[StoredRecord]:
    """Stored responses of ``paths`` (files, or a crawl folder) with depth and redirect chain."""
    if isinstance(paths, (str, Path)) and Path(paths).is_dir():
        paths = warc_files(Path(paths))
    elif isinstance(paths, (str, Path)):
        paths = [Path(paths)]
    for path in paths:
        yield from _iter_file(Path(path))


def iter_pages(paths: Iterable[Path] | Path) -> Iterator[Page]:
    """Replay the stored responses of ``paths`` (WARC files, or a crawl folder) as :class:`Page` tuples.

    A truncated last record (a crawler killed while writing) is skipped, not an error.
    """
    for stored in iter_records(paths):
        yield stored.page
