"""What a restart reads from a crawl folder: the WARC decides what was fetched; the JOBDIR only after a clean stop."""

from __future__ import annotations

from analysis.collect.web import resume
from analysis.collect.web.crawler_parts import CrawlLog, LogRow
from analysis.collect.web.warc import WarcSegment


def _page(segment: WarcSegment, url: str, status: int = 200) -> None:
    segment.write(url=url, status=status, reason="", response_headers=[("Content-Type", "text/html")],
                  body=b"<html></html>", request_headers=[], unit_id="U0", depth=1)  # fmt: skip


def test_folder_state_trusts_the_warc_over_the_log(tmp_path):
    warc_path, log_path = resume.segment_paths(tmp_path, "c1", 1, "host_1")
    segment, log = WarcSegment(warc_path), CrawlLog(log_path)
    _page(segment, "http://www.a.de.test/")
    _page(segment, "http://www.a.de.test/e500", status=500)
    log.write(LogRow("http://www.a.de.test/", "fetched", "U0", 200, warc=warc_path.name))
    log.write(LogRow("http://www.a.de.test/lost", "fetched", "U0", 200, warc=warc_path.name))  # its record was cut
    log.write(LogRow("http://www.a.de.test/slow", "failed", "U0", reason="timeout"))
    segment.close()
    log.close()
    state = resume.read_folder_state(tmp_path)
    assert state.fetched == {"http://www.a.de.test/", "http://www.a.de.test/e500"}
    assert state.answered == {"http://www.a.de.test/slow"}  # "lost" is fetched again
    assert state.fetched - state.logged_fetched - state.answered == {"http://www.a.de.test/e500"}  # row restored
    assert state.segments == 1 and resume.next_segment(tmp_path) == 2


def test_jobdir_is_used_only_after_a_clean_stop(tmp_path):
    jobdir = tmp_path / "job"
    assert resume.prepare_jobdir(jobdir) is False
    (jobdir / "requests.queue").mkdir()
    (jobdir / "requests.seen").write_bytes(b"\x00\x14partial")
    resume.mark_clean_shutdown(jobdir)
    assert resume.prepare_jobdir(jobdir) is True  # a clean stop: the queue is kept ...
    assert (jobdir / "requests.queue").is_dir()
    assert resume.prepare_jobdir(jobdir) is False  # ... a kill (no mark): the job state is removed
    assert list(jobdir.iterdir()) == []
