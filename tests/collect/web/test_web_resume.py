"""Resume after kill -9: the crawler on the local test web (with its faults), the detector in the crawl, a SIGKILL
about halfway and the last WARC record cut as a kill inside a write would leave it; the restart with the same folders
then gives every page of the web its expected outcome (pages.csv: what a complete crawl meets), stores no page twice
(the page whose record was cut is fetched again and counts once), and the WARC replays to the in-crawl findings."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from analysis.collect.web import server
from analysis.collect.web.detect_pipeline import build_detector, finding_rows, replay_findings, same_findings
from analysis.collect.web.run import crawl_command, run_crawl
from analysis.collect.web.warc import iter_pages, warc_files

from conftest import small_web_frames

SETTINGS = ["DOWNLOAD_TIMEOUT=2", "RETRY_TIMES=0", "DOWNLOAD_DELAY=0.02", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]


def _cut_last_record(folder) -> None:
    """Cut the newest WARC file inside its last record (the request record follows the response: cut both)."""
    newest = max(warc_files(folder), key=lambda path: path.stat().st_mtime)
    data = newest.read_bytes()
    newest.write_bytes(data[: len(data) - 900])


def _processes_crawling_into(out, wait_seconds: float = 5.0) -> list[int]:
    """Pids of live processes whose command line names ``out`` (Linux /proc), after up to ``wait_seconds``."""
    deadline = time.monotonic() + wait_seconds
    while True:
        pids = []
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                if str(out).encode() in cmdline.read_bytes() and b"analysis.collect.web.run" in cmdline.read_bytes():
                    pids.append(int(cmdline.parent.name))
            except OSError:
                continue
        if not pids or time.monotonic() > deadline:
            return pids
        time.sleep(0.1)


def _outcome(row) -> str:
    return f"failed: {row.reason}" if row.outcome == "failed" else row.outcome


@pytest.mark.slow
def test_test_web_crawl_survives_kill_9_and_replays_to_the_same_findings(small_test_web, tmp_path):
    units, _, gazetteer = small_web_frames()
    units.to_parquet(tmp_path / "units.parquet")
    gazetteer.to_parquet(tmp_path / "gazetteer.parquet")
    expected = pd.read_csv(small_test_web.root / "pages.csv", dtype=str)
    out, jobdir = tmp_path / "crawl", tmp_path / "job"
    options = {"units": tmp_path / "units.parquet", "gazetteer": tmp_path / "gazetteer.parquet", "detect": True,
               "jobdir": jobdir, "setting": SETTINGS}  # fmt: skip
    with server.serve(small_test_web.root, slow_delay=0.05, timeout_delay=4.0) as proxy:
        command = crawl_command(small_test_web.root / "seeds.csv", out, testweb_proxy=proxy, progress=0, **options)
        with open(tmp_path / "killed.log", "w") as stderr:
            process = subprocess.Popen(command, stderr=stderr)
            deadline = time.monotonic() + 120
            while process.poll() is None and sum(1 for _ in iter_pages(warc_files(out))) < len(expected) // 2:
                assert time.monotonic() < deadline, (tmp_path / "killed.log").read_text()[-3000:]
                time.sleep(0.05)
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        assert _processes_crawling_into(out) == [], "the detector's worker processes must die with the crawler"
        before = [page.url for page in iter_pages(warc_files(out))]
        assert 0 < len(before) < len(expected), "the kill must land in the middle of the crawl"
        _cut_last_record(out)
        cut = set(before) - {page.url for page in iter_pages(warc_files(out))}
        assert len(cut) == 1
        result = run_crawl(small_test_web.root / "seeds.csv", out, testweb_proxy=proxy, **options)
    assert result.returncode == 0

    log = result.log.set_index("url")
    outcomes = {row.Index: _outcome(row) for row in log.itertuples()}
    mismatched = {row.url: (row.expected, outcomes.get(row.url)) for row in expected.itertuples()
                  if outcomes.get(row.url) != row.expected}  # fmt: skip
    assert mismatched == {}
    stored = [page.url for page in iter_pages(warc_files(out))]
    assert [url for url, n in Counter(stored).items() if n > 1] == []
    assert set(expected.loc[expected["expected"] == "fetched", "url"]) <= set(stored)
    assert cut <= set(stored)
    assert len(warc_files(out)) == 2  # one segment per run: the killed run's file is never appended to

    in_crawl = finding_rows(out)
    assert in_crawl, "the detector found nothing on the test web"
    replayed = list(replay_findings(out, build_detector(str(tmp_path / "units.parquet"),
                                                        str(tmp_path / "gazetteer.parquet"))))  # fmt: skip
    assert same_findings(in_crawl, replayed)
