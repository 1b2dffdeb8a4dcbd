"""WARC store: round trip with sha256 digests and crawl headers; a truncated tail is skipped; no overwrite."""

from __future__ import annotations

import hashlib

import pytest
from warcio.archiveiterator import ArchiveIterator

from analysis.collect.web.warc import WarcSegment, iter_pages, iter_records, sha256_base32


def _store(path, bodies: dict[str, bytes]) -> list:
    segment = WarcSegment(path)
    pages = [
        segment.write(
            url=url,
            status=200,
            reason="OK",
            body=body,
            unit_id="DE_ESS",
            depth=2,
            response_headers=[
                ("Content-Type", "text/html; charset=utf-8"),
                ("Transfer-Encoding", "chunked"),
                ("Content-Encoding", "gzip"),
            ],
            request_headers=[("User-Agent", "test")],
            redirected_from=["http://a.test/old"],
        )  # fmt: skip
        for url, body in bodies.items()
    ]
    segment.close()
    return pages


def test_round_trip_keeps_body_digest_and_crawl_headers(tmp_path):
    bodies = {f"http://www.esslingen.de.test/p{n}.html": f"<html>Seite {n} ä</html>".encode() * 50 for n in range(3)}
    bodies["http://www.esslingen.de.test/doc.pdf"] = b"%PDF-1.4 binary \x00\xff"
    written = _store(tmp_path / "a.warc.gz", bodies)
    pages = list(iter_pages(tmp_path / "a.warc.gz"))
    assert pages == written
    for page in pages:
        assert page.body == bodies[page.url]
        assert page.sha256 == hashlib.sha256(page.body).hexdigest()
        assert page.unit_id == "DE_ESS" and page.status == 200
    stored = next(iter_records(tmp_path))
    assert stored.depth == 2 and stored.redirected_from == ("http://a.test/old",)
    with open(tmp_path / "a.warc.gz", "rb") as handle:
        records = list(ArchiveIterator(handle))
        assert [record.rec_type for record in records] == ["response", "request"] * 4
    with open(tmp_path / "a.warc.gz", "rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type == "response":
                body = record.content_stream().read()
                assert record.rec_headers.get_header("WARC-Payload-Digest") == sha256_base32(body)
                assert record.rec_headers.get_header("WARC-Target-URI") in bodies
                assert record.rec_headers.get_header("WARC-Date").endswith("Z")
                assert record.http_headers.get_header("Transfer-Encoding") is None  # the body is stored decoded


def test_a_truncated_last_record_is_skipped_not_an_error(tmp_path):
    bodies = {f"http://x.test/{n}": bytes([n]) * 5000 for n in range(4)}
    _store(tmp_path / "a.warc.gz", bodies)
    data = (tmp_path / "a.warc.gz").read_bytes()
    with open(tmp_path / "a.warc.gz", "rb") as handle:
        offsets = list(_response_offsets(handle))
    (tmp_path / "a.warc.gz").write_bytes(data[: offsets[-1] + 60])  # cut inside the last response record
    assert [page.url for page in iter_pages(tmp_path / "a.warc.gz")] == list(bodies)[:3]


def _response_offsets(handle):
    iterator = ArchiveIterator(handle)
    for record in iterator:
        if record.rec_type == "response":
            yield iterator.get_record_offset()


def test_a_segment_is_never_overwritten(tmp_path):
    _store(tmp_path / "a.warc.gz", {"http://x.test/": b"x"})
    with pytest.raises(FileExistsError):
        WarcSegment(tmp_path / "a.warc.gz")
