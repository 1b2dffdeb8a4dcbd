"""Pieces of the crawler that are not the spider: settings profiles, the link vocabulary, link extraction, the
test-web proxy middleware, failure reasons and the crawl log.

Two settings profiles: :data:`REAL_WEB_SETTINGS` (polite defaults for municipal websites, documented in
``docs/crawling.md``) and :data:`TESTWEB_SETTINGS` (the local test web on loopback: no delays, short timeouts),
which the CLI selects when a test-web proxy is given.
"""

from __future__ import annotations

import functools
import json
import re
import threading
import time
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

import pandas as pd
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as _ScrapyRobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS, LinkExtractor
from twisted.internet.defer import Deferred

from analysis.collect.web.seeds import LINK_TERMS_PATH, TEST_SUFFIX, registered_domain
from analysis.core.names import fold_text
from analysis.core.tracking import note_read

USER_AGENT = (
    "paradip-crawler/1.0 (research crawl of EU municipal websites for international partnerships; "
    "+https://example.org/paradip-crawler; contact: crawl-contact@example.org)"
)  # the team replaces the address and contact (docs/crawling.md)
PRIORITY_LINK_BONUS = 100  # added to a link's priority when its address or anchor carries the partnership vocabulary

# Polite defaults for the real web: one request at a time per host, AutoThrottle keeps the delay near the server's
# latency, many hosts in parallel. Size caps keep a crawl of 100,000 sites within disk and memory.
REAL_WEB_SETTINGS: dict[str, Any] = {
    "ROBOTSTXT_OBEY": True,
    "USER_AGENT": USER_AGENT,
    "CONCURRENT_REQUESTS": 64,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    "DOWNLOAD_DELAY": 1.0,
    "DOWNLOAD_DELAY_JITTER": 0.5,  # each delay drawn from 0.5-1.5 x DOWNLOAD_DELAY
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 2.0,
    "AUTOTHROTTLE_MAX_DELAY": 60.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
    "DOWNLOAD_TIMEOUT": 30,
    "DOWNLOAD_MAXSIZE": 25 * 1024 * 1024,  # council minutes as PDF can be large
    "DOWNLOAD_WARNSIZE": 8 * 1024 * 1024,
    "RETRY_TIMES": 2,
    "REDIRECT_MAX_TIMES": 10,
    "DEPTH_LIMIT": 4,  # domain-methods 5.1: depth <= 4
    "DEPTH_PRIORITY": 1,  # breadth first within the priority classes
    # Many sites at once: hand out requests of the sites with the fewest downloads in flight (Scrapy's broad-crawl
    # advice), so one big site does not fill the downloader while the others wait.
    "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
    "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
    "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
    "DNS_TIMEOUT": 20,
    "REACTOR_THREADPOOL_MAXSIZE": 20,
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "HTTPERROR_ALLOW_ALL": True,  # 4xx/5xx responses are stored and logged with their status
    "LOG_LEVEL": "WARNING",
    "LOG_INSTALL_ROOT_HANDLER": True,
}

# The local test web (loopback, through its proxy): no delays, short timeouts, one retry.
TESTWEB_SETTINGS: dict[str, Any] = REAL_WEB_SETTINGS | {
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
    "DOWNLOAD_DELAY": 0.0,
    "DOWNLOAD_DELAY_JITTER": 0.0,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_TIMEOUT": 4,  # the test web's slow pages answer after 2 s, its timeouts much later
    "DNS_TIMEOUT": 3,
    "DOWNLOAD_WARNSIZE": 0,
    "RETRY_TIMES": 1,
    "REDIRECT_MAX_TIMES": 5,
    "DEPTH_LIMIT": 6,
}


class LinkTerms:
    """The partnership vocabulary of links (``crawl_link_terms.csv``), matched on folded, compacted text."""

    _NON_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")

    def __init__(self, stems: list[str]):
        self.stems = tuple(sorted({self.compact(stem) for stem in stems} - {""}))

    @classmethod
    def compact(cls, text: str) -> str:
        return cls._NON_ALPHANUMERIC.sub("", fold_text(text))

    @classmethod
    @functools.cache
    def load(cls, path: Path = LINK_TERMS_PATH) -> LinkTerms:
        note_read(path)
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        missing = {"language", "stem", "source", "note"} - set(table.columns)
        if missing:
            raise ValueError(f"{path}: missing columns {sorted(missing)}")
        empty = table.index[table["stem"].str.strip() == ""]
        if len(empty):
            raise ValueError(f"{path}:{int(empty[0]) + 2}: column 'stem' is empty")
        return cls(list(table["stem"]))

    def matches(self, url: str, anchor: str = "") -> bool:
        """Whether the link's address (path and query, percent-decoded) or anchor text carries a stem."""
        parts = urlsplit(url)
        text = self.compact(unquote(f"{parts.path} {parts.query}")) + " " + self.compact(anchor)
        return any(stem in text for stem in self.stems)


# PDFs are fetched (council resolutions); other documents, media and archives are not.
_LINK_EXTRACTOR = LinkExtractor(deny_extensions=[ext for ext in IGNORED_EXTENSIONS if ext != "pdf"], unique=True)


def page_links(url: str, body: bytes, content_type: str) -> list[tuple[str, str]]:
    """``(address, anchor text)`` of the links of an HTML page (empty for anything else)."""
    if "html" not in content_type.lower() and not body[:512].lstrip().lower().startswith((b"<!doctype html", b"<html")):
        return []
    try:
        response = HtmlResponse(url=url, body=body, headers={"Content-Type": content_type or "text/html"})
        return [(link.url, link.text or "") for link in _LINK_EXTRACTOR.extract_links(response)]
    except (ValueError, AttributeError, TypeError):  # undecodable or not really HTML
        return []


def site_of(url: str) -> str:
    """The site (registered domain) of an address."""
    return registered_domain(urlsplit(url).hostname or "")


class TestWebProxyMiddleware:
    """Downloader middleware: requests to ``*.test`` hosts go through the local test web's proxy (``TESTWEB_PROXY``)."""

    def __init__(self, proxy: str | None):
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("TESTWEB_PROXY"))

    def process_request(self, request, spider=None):
        if self.proxy and (urlsplit(request.url).hostname or "").endswith(TEST_SUFFIX):
            request.meta["proxy"] = self.proxy
        return None


class RobotsTxtMiddleware(_ScrapyRobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, fixed for requests that wait together for one host's robots.txt.

    In Scrapy 2.19 (asyncio reactor) the requests that arrive while a host's robots.txt is being fetched all await
    one Deferred; the first awaiter's adapter replaces its result with ``None``, so the others get no parser and are
    let through (seen after a JOBDIR resume: a disallowed page fetched). The parser is also stored in ``_parsers``
    before the Deferred fires, so a waiter that got ``None`` takes it from there.
    """

    async def robot_parser(self, request):
        parser = await super().robot_parser(request)
        if parser is None:
            stored = self._parsers.get(urlsplit(request.url).netloc)
            if stored is not None and not isinstance(stored, Deferred):
                return stored
        return parser


def failure_outcome(failure) -> tuple[str, str]:
    """``(outcome, reason)`` of a failed request: outcome ``disallowed``, ``offsite`` or ``failed``."""
    from scrapy import exceptions as scrapy_errors
    from twisted.internet import error as twisted_errors

    error = failure.value
    message = str(error)
    if isinstance(error, IgnoreRequest):
        if "robots.txt" in message:
            return "disallowed", "robots.txt"
        if "offsite" in message.lower() or "Filtered offsite" in message:
            return "offsite", "redirect to another site"
        if "redirect" in message.lower():  # more hops than REDIRECT_MAX_TIMES: a cycle of new addresses
            return "failed", "redirect loop"
        return "failed", f"ignored: {message[:120]}"
    reasons = [
        ((scrapy_errors.DownloadTimeoutError, twisted_errors.TimeoutError, twisted_errors.TCPTimedOutError), "timeout"),
        ((scrapy_errors.CannotResolveHostError, twisted_errors.DNSLookupError), "DNS"),
        ((scrapy_errors.DownloadConnectionRefusedError, twisted_errors.ConnectionRefusedError), "connection refused"),
        (
            (scrapy_errors.DownloadCancelledError,),
            "too large" if "max size" in message or "size" in message else "cancelled",
        ),
        ((scrapy_errors.ResponseDataLossError,), "data loss"),
    ]
    for kinds, reason in reasons:
        if isinstance(error, kinds):
            return "failed", reason
    if "ConnectionLost" in type(error).__name__ or "ConnectionDone" in type(error).__name__:
        return "failed", "connection lost"
    return "failed", f"{type(error).__name__}: {message[:120]}"


LOG_FIELDS = (
    "url", "unit_id", "site", "outcome", "status", "reason", "final_url", "content_type", "bytes", "depth",
    "referer", "warc", "time",
)  # fmt: skip


class LogRow(NamedTuple):
    url: str
    outcome: str  # fetched | failed | disallowed | offsite | skipped | duplicate
    unit_id: str | None = None
    status: int | None = None
    reason: str = ""
    final_url: str = ""
    content_type: str = ""
    bytes: int = 0
    depth: int = 0
    referer: str = ""
    warc: str = ""


class CrawlLog:
    """The crawl log: one JSON line per URL attempted (``crawl-log-<segment>.jsonl``), flushed line by line."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = open(path, "x", encoding="utf-8")  # noqa: SIM115 (open for the crawl's life)
        self._lock = threading.Lock()
        self.counts: dict[str, int] = {}

    def write(self, row: LogRow) -> None:
        record = row._asdict() | {"site": site_of(row.url), "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        with self._lock:
            self._handle.write(json.dumps({key: record.get(key) for key in LOG_FIELDS}, ensure_ascii=False) + "\n")
            self._handle.flush()
        self.counts[row.outcome] = self.counts.get(row.outcome, 0) + 1

    def close(self) -> None:
        self._handle.close()


def read_crawl_log(folder: Path) -> pd.DataFrame:
    """The crawl log of a folder: one row per address, from all segments in order (a cut last line is skipped).

    When a restart fetched an address again (its stored record was cut by a kill), the later row supersedes
    the earlier one.
    """
    rows = []
    for path in sorted(folder.glob("crawl-log-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:  # a line cut by a kill
                continue
    log = pd.DataFrame(rows, columns=list(LOG_FIELDS))
    return log.drop_duplicates("url", keep="last").reset_index(drop=True)
