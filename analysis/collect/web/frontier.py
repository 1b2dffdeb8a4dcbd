"""The crawl frontier's bookkeeping: duplicate filters with a per-site page limit, local or in Redis.

:class:`SiteDupeFilter` (one process, fingerprints in memory and in the JOBDIR) and :class:`RedisSiteDupeFilter`
(several processes or machines, fingerprints and per-site counts in Redis, scrapy-redis 0.9.1) both:

* count the new addresses of each site and filter those beyond ``PARADIP_MAX_PAGES_PER_SITE`` (flagging the request
  ``paradip_page_limit`` so that the spider logs it once as ``skipped``); redirect targets continue a request and
  are not limited;
* tell the spider about every new, accepted request (:meth:`SiteSpider.on_accepted`, the progress display's count of
  open requests per site);
* can be seeded with addresses already fetched (a restart rebuilds them from the WARC store).

:class:`RedisScheduler` is scrapy-redis's scheduler with what Scrapy 2.19 needs (see its docstring), and
:class:`RedisPeers` lets several processes share one queue and stop together only when the queue is empty and every
live peer is idle.
"""

from __future__ import annotations

import functools
import os
import socket
import time
from collections import Counter
from collections.abc import Iterable

from scrapy import Request, signals
from scrapy.dupefilters import RFPDupeFilter
from scrapy.exceptions import DontCloseSpider, NotConfigured
from twisted.internet import task

from analysis.collect.web.crawler_parts import site_of

PAGE_LIMIT_FLAG = "paradip_page_limit"


def _accept(dupefilter, request: Request) -> bool:
    """Shared limit logic: True when ``request`` (new to the filter) must be filtered for its site's page limit."""
    site = request.meta.get("site") or site_of(request.url)
    if request.meta.get("redirect_urls"):
        return False
    if dupefilter.count_site(site) > dupefilter.max_pages > 0:
        request.meta[PAGE_LIMIT_FLAG] = True
        return True
    spider = getattr(dupefilter.crawler, "spider", None)
    if spider is not None and hasattr(spider, "on_accepted"):
        spider.on_accepted(request)
    return False


class SiteDupeFilter(RFPDupeFilter):
    """Scrapy's fingerprint filter (JOBDIR-backed) with a per-site page limit and seeding from the WARC store."""

    @classmethod
    def from_crawler(cls, crawler):
        instance = super().from_crawler(crawler)
        instance.crawler = crawler
        instance.max_pages = crawler.settings.getint("PARADIP_MAX_PAGES_PER_SITE")
        instance.site_pages = Counter()
        return instance

    def count_site(self, site: str) -> int:
        self.site_pages[site] += 1
        return self.site_pages[site]

    def request_seen(self, request: Request) -> bool:
        if super().request_seen(request):
            return True
        return _accept(self, request)

    def seed(self, urls: Iterable[str]) -> None:
        """Mark ``urls`` as seen (fetched or answered before a restart); each counts against its site's limit."""
        for url in urls:
            fingerprint = self._fingerprint(Request(url))
            if fingerprint not in self._fingerprints:
                self._fingerprints.add(fingerprint)
                self.site_pages[site_of(url)] += 1


def _redis_dupefilter_class():
    from scrapy_redis.dupefilter import RFPDupeFilter as RedisRFPDupeFilter

    class RedisSiteDupeFilter(RedisRFPDupeFilter):
        """scrapy-redis's fingerprint set in Redis, with per-site page counts in a Redis hash (shared by peers).

        The fingerprint is Scrapy's own request fingerprint (scrapy-redis 0.9.1 hashes its own JSON; using the
        crawler's fingerprinter keeps one definition of "the same request" across both modes).
        """

        @classmethod
        def from_spider(cls, spider):
            instance = super().from_spider(spider)
            instance.crawler = spider.crawler
            instance.max_pages = spider.settings.getint("PARADIP_MAX_PAGES_PER_SITE")
            instance.site_key = spider.settings.get("PARADIP_REDIS_PREFIX") + ":site_pages"
            return instance

        def request_fingerprint(self, request):
            return self.crawler.request_fingerprinter.fingerprint(request).hex()

        def count_site(self, site: str) -> int:
            return int(self.server.hincrby(self.site_key, site, 1))

        def request_seen(self, request):
            if super().request_seen(request):
                return True
            return _accept(self, request)

        def seed(self, urls: Iterable[str]) -> None:
            for url in urls:
                if self.server.sadd(self.key, self.request_fingerprint(Request(url))):
                    self.server.hincrby(self.site_key, site_of(url), 1)

        def close(self, reason=""):
            """Keep the shared fingerprints: other peers may still be crawling (scrapy-redis deletes them)."""

    return RedisSiteDupeFilter


def _redis_scheduler_class():
    from scrapy_redis.scheduler import Scheduler

    class RedisScheduler(Scheduler):
        """scrapy-redis 0.9.1's scheduler, patched for Scrapy 2.19 and for peers.

        * ``from_crawler`` builds the dupefilter through ``from_spider`` when the spider opens (0.9.1 builds it at
          ``from_settings`` time when the class has no ``from_spider``, which ours has);
        * ``stats.inc_value`` is called without the ``spider`` argument (deprecated in Scrapy 2.x);
        * ``close`` never flushes the shared queue or fingerprints (``SCHEDULER_PERSIST`` is forced on): one peer
          finishing must not erase the others' frontier;
        * ``next_request`` tells :class:`RedisPeers` that this process is busy whenever it takes a request.
        """

        def enqueue_request(self, request):
            if not request.dont_filter and self.df.request_seen(request):
                self.df.log(request, self.spider)
                return False
            self.stats.inc_value("scheduler/enqueued/redis")
            self.queue.push(request)
            return True

        def next_request(self):
            request = self.queue.pop(0)
            if request is not None:
                self.stats.inc_value("scheduler/dequeued/redis")
                peers = getattr(self.spider, "peers", None)
                if peers is not None:
                    peers.mark("busy")
            return request

        def close(self, reason):
            return None

    return RedisScheduler


class RedisPeers:
    """Extension: the processes sharing one Redis frontier, each ``busy`` or ``idle`` with a heartbeat.

    A process whose scheduler finds the shared queue empty stays open (``DontCloseSpider``) while the seeds have
    not been pushed yet or another live peer is busy, since that peer may still add links; it closes when the
    queue is empty and every peer whose heartbeat is fresh is idle. Each peer refreshes its heartbeat every
    ``PARADIP_PEER_POLL_SECONDS`` (and then, if idle, looks at the queue); a killed peer's heartbeat goes stale
    after ``PARADIP_PEER_STALE_SECONDS``.
    """

    def __init__(self, crawler):
        settings = crawler.settings
        if not settings.get("PARADIP_REDIS_PREFIX"):
            raise NotConfigured
        from scrapy_redis.connection import from_settings

        self.crawler = crawler
        self.server = from_settings(settings)
        self.key = settings.get("PARADIP_REDIS_PREFIX") + ":peers"
        self.queue_key = settings.get("SCHEDULER_QUEUE_KEY")
        self.me = f"{socket.gethostname()}:{os.getpid()}"
        self.seeded_key = settings.get("PARADIP_REDIS_PREFIX") + ":seeded"
        self.stale_seconds = settings.getfloat("PARADIP_PEER_STALE_SECONDS", 60.0)
        self.poll_seconds = settings.getfloat("PARADIP_PEER_POLL_SECONDS", 1.0)
        self.poll: task.LoopingCall | None = None
        self.state = "busy"
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def mark(self, state: str) -> None:
        self.state = state
        self.server.hset(self.key, self.me, f"{state}:{time.time():.3f}")

    def spider_opened(self, spider):
        spider.peers = self
        self.mark("busy")
        self.poll = task.LoopingCall(self.heartbeat)
        self.poll.start(self.poll_seconds, now=False)

    def heartbeat(self) -> None:
        """Refresh this peer's stamp; when idle, wake the engine (instead of waiting for its 5 s heartbeat)."""
        self.mark(self.state)
        slot = getattr(self.crawler.engine, "_slot", None)
        if self.state == "idle" and slot is not None:
            slot.nextcall.schedule()  # takes queued work, or re-runs the idle check (which may close the spider)

    def _others_busy(self) -> bool:
        now = time.time()
        for peer, value in self.server.hgetall(self.key).items():
            state, _, stamp = value.decode().partition(":")
            if peer.decode() != self.me and state == "busy" and now - float(stamp) < self.stale_seconds:
                return True
        return False

    def spider_idle(self, spider):
        self.mark("idle")
        seeded = self.server.exists(self.seeded_key)
        if not seeded or self.server.zcard(self.queue_key) or self._others_busy():
            raise DontCloseSpider

    def spider_closed(self, spider, reason):
        if self.poll.running:
            self.poll.stop()
        self.server.hdel(self.key, self.me)


_LAZY = {"RedisSiteDupeFilter": _redis_dupefilter_class, "RedisScheduler": _redis_scheduler_class}


@functools.cache
def __getattr__(name: str):
    """``RedisSiteDupeFilter`` and ``RedisScheduler`` are built on first use: scrapy-redis is only needed for
    the shared frontier."""
    if name in _LAZY:
        return _LAZY[name]()
    raise AttributeError(name)
