"""The test-web proxy on loopback: serves the sites, every fault as declared, and counts requests."""

from __future__ import annotations

import http.client
import subprocess
import sys
import urllib.error
import urllib.request
import urllib.robotparser
from urllib.parse import urlsplit

import pytest

from analysis.collect.web.server import request_counts, serve

SLOW, TIMEOUT_DELAY, CLIENT_TIMEOUT = 0.05, 2.0, 0.5


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # hand the 302 back, so that the test follows the hops itself


def _opener(proxy: str, *handlers) -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy}), *handlers)


def _fetch(opener, url: str) -> tuple[int, dict, bytes]:
    try:
        with opener.open(url, timeout=CLIENT_TIMEOUT) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _outcome(opener, url: str) -> str:
    """What a polite crawler records for ``url``: fetched, disallowed or failed: <reason>."""
    parts = urlsplit(url)
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(_fetch(opener, f"http://{parts.netloc}/robots.txt")[2].decode().splitlines())
    if not robots.can_fetch("testweb-test", url):
        return "disallowed"
    seen = set()
    while True:
        try:
            status, headers, _ = _fetch(opener, url)
        except (TimeoutError, urllib.error.URLError):
            return "failed: timeout"
        if status in (301, 302):
            if url in seen:
                return "failed: redirect loop"
            seen.add(url)
            url = headers["Location"]
            continue
        return "fetched" if status == 200 else f"failed: http {status}"


@pytest.fixture(scope="module")
def proxy(small_test_web):
    holder = []
    with serve(small_test_web.root, slow_delay=SLOW, timeout_delay=TIMEOUT_DELAY, server_holder=holder) as url:
        yield url, holder[0]


def test_every_fault_is_served_as_declared(proxy, small_test_web):
    url, _ = proxy
    opener = _opener(url, _NoRedirect())
    for row in small_test_web.faults.itertuples():
        assert _outcome(opener, row.url) == row.expected, row


def test_disallowed_pages_exist_so_only_robots_txt_keeps_a_crawler_out(proxy, small_test_web):
    url, server = proxy
    opener = _opener(url)
    for row in small_test_web.faults[small_test_web.faults["expected"].eq("disallowed")].itertuples():
        assert _fetch(opener, row.url)[0] == 200  # robots.txt, not the server, keeps the crawler out


def test_legacy_encodings_come_without_a_charset_and_pages_with_utf8(proxy, small_test_web):
    url, _ = proxy
    opener = _opener(url)
    faults = small_test_web.faults.set_index("fault")["url"]
    for fault in ("encoding_cp1250", "encoding_iso8859_2", "binary_html"):
        status, headers, _ = _fetch(opener, faults[fault])
        assert status == 200 and headers["Content-Type"] == "text/html"
    home = small_test_web.seeds["url"].iloc[0]
    status, headers, body = _fetch(opener, home)
    assert headers["Content-Type"] == "text/html; charset=utf-8" and b"<nav>" in body
    pdf = small_test_web.truth[small_test_web.truth["url"].str.endswith(".pdf")]["url"].iloc[0]
    status, headers, body = _fetch(opener, pdf)
    assert headers["Content-Type"] == "application/pdf" and body.startswith(b"%PDF-")


def test_requests_are_counted_per_url(proxy, small_test_web):
    url, server = proxy
    opener = _opener(url)
    server.reset_counts()
    pages = sorted(set(small_test_web.truth["url"]))[:20]
    for page in pages:
        assert _fetch(opener, page)[0] == 200
    counts = request_counts(url)
    assert counts == server.request_counts() == dict.fromkeys(pages, 1)


def test_only_test_hosts_are_served_and_a_host_header_works_too(proxy, small_test_web):
    url, _ = proxy
    status, _, _ = _fetch(_opener(url), "http://example.org/")
    assert status == 502
    home = urlsplit(small_test_web.seeds["url"].iloc[0])
    connection = http.client.HTTPConnection(*urlsplit(url).netloc.split(":"))
    connection.request("GET", "/", headers={"Host": home.netloc})
    response = connection.getresponse()
    assert response.status == 200 and b"<nav>" in response.read()
    connection.close()


def test_the_command_line_server_serves_the_web(small_test_web):
    process = subprocess.Popen(
        [sys.executable, "-m", "analysis.collect.web.server", str(small_test_web.root), "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        proxy = line.split(" at ", 1)[1].split()[0]
        assert _fetch(_opener(proxy), small_test_web.seeds["url"].iloc[0])[0] == 200
        assert request_counts(proxy) == {small_test_web.seeds["url"].iloc[0]: 1}
    finally:
        process.terminate()
        process.wait(timeout=10)
