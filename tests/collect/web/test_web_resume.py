"""Kill -9 halfway, restart with the same folders: no page lost, none stored twice, every fault accounted for."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter

import pytest
from web_crawl_sites import FAULTS, build_sites

from analysis.collect.web import server
from analysis.collect.web.run import crawl_command, run_crawl
from analysis.collect.web.warc import iter_pages, warc_files

# Slow enough (a short delay per site) that the kill lands in the middle of the crawl.
PACED = [
    "DOWNLOAD_DELAY=0.03",
    "DOWNLOAD_MAXSIZE=2097152",
    "CONCURRENT_REQUESTS_PER_DOMAIN=1",
    "DOWNLOAD_TIMEOUT=1",
    "RETRY_TIMES=0",
]


def _stored_urls(folder) -> list[str]:
    return [page.url for page in iter_pages(warc_files(folder))] if folder.exists() else []


def _cut_last_record(folder) -> None:
    """Cut the newest WARC file inside its last record, as a kill in the middle of a write would."""
    newest = max(warc_files(folder), key=lambda path: path.stat().st_mtime)
    data = newest.read_bytes()
    newest.write_bytes(data[: len(data) - 700])


@pytest.mark.slow
def test_kill_9_and_restart_lose_and_duplicate_no_page(tmp_path):
    web = build_sites(tmp_path / "web", sites=4, pages=30)
    options = {"units": web["units"], "setting": PACED, "max_pages_per_site": 500}
    with server.serve(tmp_path / "web", timeout_delay=2.0) as proxy:
        reference = run_crawl(web["seeds"], tmp_path / "reference", testweb_proxy=proxy, **options)
        assert reference.returncode == 0
        expected = set(_stored_urls(tmp_path / "reference"))
        assert len(expected) == len(web["reachable"])

        out, jobdir = tmp_path / "crawl", tmp_path / "job"
        command = crawl_command(web["seeds"], out, jobdir=jobdir, testweb_proxy=proxy, progress=0, **options)
        with open(tmp_path / "killed-run.log", "w") as stderr:
            process = subprocess.Popen(command, stderr=stderr)
            deadline = time.monotonic() + 60
            while len(_stored_urls(out)) < len(expected) // 2 and process.poll() is None:
                time.sleep(0.05)
                assert time.monotonic() < deadline, (tmp_path / "killed-run.log").read_text()
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        before_restart = _stored_urls(out)
        assert 0 < len(before_restart) < len(expected), "the kill must land in the middle of the crawl"
        _cut_last_record(out)
        cut = set(before_restart) - set(_stored_urls(out))
        assert len(cut) == 1  # the page whose record was cut is no longer stored ...

        restarted = run_crawl(web["seeds"], out, jobdir=jobdir, testweb_proxy=proxy, **options)
    assert restarted.returncode == 0
    stored = _stored_urls(out)
    assert set(stored) == expected  # ... and was fetched again, with everything the kill interrupted
    assert [url for url, n in Counter(stored).items() if n > 1] == []
    assert len(warc_files(out)) == 2  # one segment per run: the first is never appended to

    log = restarted.log
    assert log["url"].is_unique
    for url, (_, outcome) in FAULTS.items():
        assert log.set_index("url").loc[url, "outcome"] == outcome, url
    reference_log = reference.log.set_index("url")["outcome"].sort_index()
    assert log.set_index("url")["outcome"].sort_index().equals(reference_log)
