"""Two crawler processes share one frontier in a local redis-server: every page is fetched exactly once."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections import Counter

import pytest
from web_crawl_sites import build_sites

from analysis.collect.web import server
from analysis.collect.web.run import crawl_command
from analysis.collect.web.warc import iter_pages, warc_files

REDIS_SERVER = shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_redis(port: int, folder) -> subprocess.Popen | None:
    """A redis-server on ``port`` once it answers PING; None when it exits first (the port was taken after the probe:
    another test process, such as a pytest-xdist worker's kernel, bound it in between)."""
    import redis

    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while process.poll() is None:
        try:  # PING, not a bare connection: whatever else holds the port does not answer it
            if redis.Redis(host="127.0.0.1", port=port, socket_timeout=0.5).ping():
                return process
        except redis.exceptions.RedisError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("redis-server did not start in 10 s")
            time.sleep(0.05)
    return None


@pytest.fixture
def redis_url(tmp_path):
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (CI installs it: apt-get install redis-server)")
    for _ in range(5):
        port = _free_port()
        process = _start_redis(port, tmp_path)
        if process is not None:
            break
    else:
        pytest.fail("redis-server exited on five free ports in a row")
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


@pytest.mark.slow
def test_two_processes_share_one_frontier_and_fetch_each_page_once(tmp_path, redis_url):
    web = build_sites(tmp_path / "web", sites=4, pages=25, faults=False)
    holder: list = []
    # Polite enough that the crawl lasts about ten seconds: the second process joins well before the first
    # could have emptied the shared queue alone, even on a loaded machine.
    settings = ["DOWNLOAD_DELAY=0.4", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "RETRY_TIMES=0"]
    with server.serve(tmp_path / "web", server_holder=holder) as proxy:
        command = crawl_command(web["seeds"], tmp_path / "out", redis=redis_url, testweb_proxy=proxy,
                                units=web["units"], progress=0, setting=settings)  # fmt: skip
        logs = [open(tmp_path / f"peer{n}.log", "w") for n in range(2)]  # noqa: SIM115
        peers = [subprocess.Popen(command, stderr=log) for log in logs]
        codes = [peer.wait(timeout=120) for peer in peers]
        for log in logs:
            log.close()
        counts = holder[0].request_counts()
    assert codes == [0, 0], [(tmp_path / f"peer{n}.log").read_text()[-2000:] for n in range(2)]

    segments = warc_files(tmp_path / "out")
    assert len(segments) == 2  # one WARC per process
    per_process = [[page.url for page in iter_pages(segment)] for segment in segments]
    assert all(per_process), "both processes must have fetched pages"
    union = [url for urls in per_process for url in urls]
    assert [url for url, n in Counter(union).items() if n > 1] == []
    assert sorted(union) == web["reachable"]
    page_requests = {url: n for url, n in counts.items() if not url.endswith("/robots.txt")}
    assert {url for url, n in page_requests.items() if n != 1} == set()
    assert set(page_requests) >= set(web["reachable"])
