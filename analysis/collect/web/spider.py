"""The site spider: from each seed, the pages of its site, partnership links first, every response in the WARC store.

:class:`SiteSpider` is given a :class:`CrawlPlan` (seeds, output folder, limits). For each response it

1. stores the exchange in this process's WARC segment, then writes its crawl-log row (so a stored page is never
   logged without its record; a restart adds the rows a kill lost);
2. follows the links of HTML pages that stay on the seed's registered domain (and subdomains), with a higher
   priority for links whose address or anchor text carries the partnership vocabulary (:class:`LinkTerms`); links
   to another site are logged once as ``offsite``;
3. yields the page as an item when detection runs in the crawl (``PARADIP_DETECT``).

Every request the duplicate filter accepts ends in exactly one log row: ``fetched`` (callback), ``failed`` /
``disallowed`` / ``offsite`` (errback), ``skipped`` (site page limit) or ``duplicate`` (a redirect to an address
already crawled, or a redirect loop). :attr:`SiteSpider.progress` counts them for the progress display.
"""

from __future__ import annotations

import os
import socket
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import scrapy
from scrapy import signals

from analysis.collect.web import resume
from analysis.collect.web.crawler_parts import (
    PRIORITY_LINK_BONUS,
    CrawlLog,
    LinkTerms,
    LogRow,
    failure_outcome,
    page_links,
    site_of,
)
from analysis.collect.web.frontier import PAGE_LIMIT_FLAG
from analysis.collect.web.warc import WarcSegment


@dataclass
class CrawlPlan:
    """What to crawl and where to store it."""

    seeds: pd.DataFrame  # seeds format plus ``site`` (seeds.read_seeds)
    out_dir: Path
    crawl_id: str
    jobdir: Path | None = None
    redis: bool = False


@dataclass
class Progress:
    """Counters the progress display and the final summary read."""

    sites_total: int
    pages_this_run: int = 0
    open_per_site: Counter = field(default_factory=Counter)
    started_sites: set = field(default_factory=set)
    pages: int = 0
    errors: int = 0
    hits: int = 0
    outcomes: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)
    first_page_at: float | None = None  # time.monotonic() of this run's first and last stored page
    last_page_at: float | None = None

    def page_stored(self) -> None:
        self.pages += 1
        self.pages_this_run += 1
        self.last_page_at = time.monotonic()
        self.first_page_at = self.first_page_at or self.last_page_at

    last_analysed_at: float | None = None  # when the in-crawl detector finished its latest page

    def page_analysed(self) -> None:
        self.last_analysed_at = time.monotonic()

    @property
    def pages_per_second(self) -> float | None:
        """This run's rate from its first stored page to its last stored (and, with detection, analysed) page:
        startup and the idle tail are excluded, a detection backlog is not."""
        if self.first_page_at is None:
            return None
        last = max(self.last_page_at or 0.0, self.last_analysed_at or 0.0)
        return round((self.pages_this_run - 1) / (last - self.first_page_at), 1) if last > self.first_page_at else None

    @property
    def analysis_tail_seconds(self) -> float | None:
        """Seconds the in-crawl detector went on after the last page was stored (None without detection)."""
        if self.last_analysed_at is None or self.last_page_at is None:
            return None
        return round(max(0.0, self.last_analysed_at - self.last_page_at), 2)

    start_exhausted: bool = False  # all start requests (seeds, rebuilt frontier) handed to the scheduler

    @property
    def sites_done(self) -> int:
        if not self.start_exhausted:
            return 0
        return sum(1 for site in self.started_sites if self.open_per_site[site] <= 0)


def process_tag() -> str:
    """This process's name in file names: host and pid, no dashes."""
    return f"{socket.gethostname().replace('-', '_')}_{os.getpid()}"


class SiteSpider(scrapy.Spider):
    name = "paradip_sites"

    def __init__(self, plan: CrawlPlan, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.site_units = plan.seeds.drop_duplicates("site").set_index("site")["unit_id"].to_dict()
        self.allowed_domains = sorted(self.site_units)  # Scrapy's offsite filter: redirects off the seeds' sites
        self.terms = LinkTerms.load()
        self.progress = Progress(sites_total=len(self.site_units))
        self.folder_state = resume.read_folder_state(plan.out_dir)
        self.jobdir_usable = resume.prepare_jobdir(plan.jobdir)
        segment = self.folder_state.segments + 1
        warc_path, log_path = resume.segment_paths(plan.out_dir, plan.crawl_id, segment, process_tag())
        self.warc = WarcSegment(warc_path)
        self.crawl_log = CrawlLog(log_path)
        self.offsite_logged = set(self.folder_state.offsite_logged)
        self.progress.started_sites.update(self.folder_state.pages_per_site)
        self.progress.pages = sum(self.folder_state.pages_per_site.values())

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(spider.closed_cleanly, signal=signals.spider_closed)
        return spider

    # -- start: seeds, or the frontier rebuilt from the stored pages after a kill ---------------------------------
    async def start(self):
        dupefilter = self.crawler.engine._slot.scheduler.df
        dupefilter.seed(sorted(self.folder_state.fetched | self.folder_state.answered))
        self._log_unlogged_pages()
        if self.plan.redis and not self._first_redis_peer():
            self.progress.start_exhausted = True
            return
        requests = [self._request(row.url, row.unit_id, depth=0, priority=PRIORITY_LINK_BONUS * 10, referer="")
                    for row in self.plan.seeds.itertuples()]  # fmt: skip
        if not (self.folder_state.empty or self.jobdir_usable):
            for stored in resume.stored_records(self.plan.out_dir):
                page = stored.page
                for request in self._follow(page.url, page.unit_id, stored.depth, page.body, page.content_type):
                    request.priority -= request.meta["depth"] * self.settings.getint("DEPTH_PRIORITY")
                    requests.append(request)  # a start request: DepthMiddleware does not lower its priority
        self.progress.start_exhausted = not requests
        for number, request in enumerate(requests, start=1):
            self.progress.start_exhausted = number == len(requests)  # the engine pulls start requests lazily
            yield request

    def _first_redis_peer(self) -> bool:
        """Seeds are pushed to the shared Redis queue once, by the first peer (SETNX on ``<prefix>:seeded``)."""
        server = self.crawler.engine._slot.scheduler.server
        return bool(server.setnx(self.settings.get("PARADIP_REDIS_PREFIX") + ":seeded", process_tag()))

    def _log_unlogged_pages(self) -> None:
        """Stored pages whose log row a kill lost get their row now (``fetched``, or ``failed: http <status>``)."""
        missing = self.folder_state.fetched - self.folder_state.logged_fetched - self.folder_state.answered
        if not missing:
            return
        for stored in resume.stored_records(self.plan.out_dir):
            page = stored.page
            if page.url in missing:
                missing.discard(page.url)
                failed = page.status >= 400
                self.crawl_log.write(
                    LogRow(page.url, "failed" if failed else "fetched", page.unit_id, page.status,
                           f"http {page.status}" if failed else "", page.url, page.content_type, len(page.body),
                           stored.depth, "", stored.path.name)
                )  # fmt: skip

    def _request(self, url: str, unit_id: str | None, *, depth: int, priority: int, referer: str) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse,
            errback=self.failed,
            priority=priority,
            meta={"unit_id": unit_id, "site": site_of(url), "depth": depth, "referer_url": referer},
        )

    # -- the duplicate filter's news ---------------------------------------------------------------------------
    def on_accepted(self, request: scrapy.Request) -> None:
        site = request.meta.get("site") or site_of(request.url)
        self.progress.open_per_site[site] += 1
        self.progress.started_sites.add(site)

    def _answered(self, request: scrapy.Request, row: LogRow) -> None:
        self.crawl_log.write(row)
        self.progress.outcomes[row.outcome] += 1
        if row.outcome == "failed":
            self.progress.errors += 1
            self.progress.failures[row.reason] += 1
        self.progress.open_per_site[request.meta.get("site") or site_of(row.url)] -= 1

    def _original_url(self, request: scrapy.Request) -> str:
        chain = request.meta.get("redirect_urls") or []
        return chain[0] if chain else request.url

    def request_dropped(self, request: scrapy.Request, spider=None) -> None:
        meta = request.meta
        depth, unit = meta.get("depth", 0), meta.get("unit_id")
        if meta.get(PAGE_LIMIT_FLAG):
            row = LogRow(request.url, "skipped", unit, reason="site page limit", depth=depth)
            self.crawl_log.write(row)
            self.progress.outcomes["skipped"] += 1
        elif meta.get("redirect_urls"):
            loop = request.url in meta["redirect_urls"]
            reason = "redirect loop" if loop else f"redirects to an address already crawled ({request.url})"
            outcome = "failed" if loop else "duplicate"
            self._answered(request, LogRow(self._original_url(request), outcome, unit, reason=reason,
                                           final_url=request.url, depth=depth,
                                           referer=meta.get("referer_url", "")))  # fmt: skip

    def request_scheduled(self, request: scrapy.Request, spider=None) -> None:
        """A redirect off the seeds' sites: Scrapy's offsite filter drops it at this signal without an errback."""
        if request.meta.get("redirect_urls") and site_of(request.url) not in self.site_units:
            self._answered(request, LogRow(self._original_url(request), "offsite", request.meta.get("unit_id"),
                                           reason=f"redirects to another site ({request.url})", final_url=request.url,
                                           depth=request.meta.get("depth", 0),
                                           referer=request.meta.get("referer_url", "")))  # fmt: skip

    # -- responses and failures ----------------------------------------------------------------------------------
    def parse(self, response):
        meta = response.meta
        unit, depth = meta.get("unit_id"), meta.get("depth", 0)
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in response.headers.items() for v in vs]
        request_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in response.request.headers.items()
                           for v in vs]  # fmt: skip
        redirected_from = meta.get("redirect_urls") or []
        page = self.warc.write(
            url=response.url, status=response.status, reason="", response_headers=headers, body=response.body,
            request_headers=request_headers, unit_id=unit, depth=depth, redirected_from=redirected_from,
        )  # fmt: skip
        self.progress.page_stored()
        failed = response.status >= 400  # stored all the same: the WARC holds every response
        self._answered(
            response.request,
            LogRow(self._original_url(response.request), "failed" if failed else "fetched", unit, response.status,
                   f"http {response.status}" if failed else "", response.url, content_type, len(response.body),
                   depth, meta.get("referer_url", ""), self.warc.path.name),
        )  # fmt: skip
        if 200 <= response.status < 300:
            yield from self._follow(response.url, unit, depth, response.body, content_type)
        if self.settings.getbool("PARADIP_DETECT"):
            yield {"page": page}

    def _follow(self, page_url: str, unit: str | None, depth: int, body: bytes, content_type: str):
        """Requests for the in-site links of a page; other sites' links logged once as offsite.

        Links to another seed's site are left to that site's own crawl. DepthMiddleware lowers a followed link's
        priority by its depth (breadth first); the vocabulary bonus lifts partnership links above their depth.
        """
        if depth >= self.settings.getint("DEPTH_LIMIT", 0) > 0:
            return
        site = site_of(page_url)
        for url, anchor in page_links(page_url, body, content_type):
            link_site = site_of(url)
            if link_site != site:
                if link_site not in self.site_units and url not in self.offsite_logged:
                    self.offsite_logged.add(url)
                    self.crawl_log.write(LogRow(url, "offsite", unit, reason=f"not on {site}", referer=page_url))
                    self.progress.outcomes["offsite"] += 1
                continue
            bonus = PRIORITY_LINK_BONUS if self.terms.matches(url, anchor) else 0
            yield self._request(url, unit, depth=depth + 1, priority=bonus, referer=page_url)

    def failed(self, failure):
        request = failure.request
        outcome, reason = failure_outcome(failure)
        status = getattr(getattr(failure.value, "response", None), "status", None)
        self._answered(request, LogRow(self._original_url(request), outcome, request.meta.get("unit_id"), status,
                                       reason, request.url, depth=request.meta.get("depth", 0),
                                       referer=request.meta.get("referer_url", "")))  # fmt: skip

    def closed_cleanly(self, spider, reason: str) -> None:
        self.warc.close()
        self.crawl_log.close()
        if reason in ("finished", "shutdown", "closespider_pagecount", "closespider_timeout"):
            resume.mark_clean_shutdown(self.plan.jobdir)
