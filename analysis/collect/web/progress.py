"""The crawl's progress display: an extension that prints one line to stderr every few seconds, and the summary.

``sites 12/40 | pages 1,234 | hits 17 | errors 9 | 41.2 pages/s | ETA 0:03:10``: sites whose requests have all
been answered, out of the seeded sites; pages stored (this crawl folder, restarts included); findings of the
in-crawl detector; failed requests; the rate since this process started; the time left at the rate sites finish.
Interval: ``PARADIP_PROGRESS_SECONDS`` (default 5; 0 turns the display off).
"""

from __future__ import annotations

import sys
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task


def _clock(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def progress_line(progress, elapsed: float, pages_at_start: int) -> str:
    """One line of the display for the spider's :class:`~analysis.collect.web.spider.Progress`."""
    done, total = progress.sites_done, progress.sites_total
    rate = (progress.pages - pages_at_start) / elapsed if elapsed > 0 else 0.0
    if 0 < done < total:
        eta = _clock(elapsed / done * (total - done))
    else:
        eta = "0:00:00" if done >= total else "?"
    return (
        f"sites {done}/{total} | pages {progress.pages:,} | hits {progress.hits:,} | errors {progress.errors:,} | "
        f"{rate:.1f} pages/s | ETA {eta}"
    )


def summary_text(progress) -> str:
    """The final summary: pages, outcomes, failures by reason, findings."""
    lines = [f"pages stored: {progress.pages:,}; findings: {progress.hits:,}"]
    lines.append("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(progress.outcomes.items())))
    if progress.failures:
        lines.append("failures by reason: " + ", ".join(f"{k} {v}" for k, v in progress.failures.most_common()))
    return "\n".join(lines)


class ProgressDisplay:
    """Scrapy extension printing :func:`progress_line` every ``PARADIP_PROGRESS_SECONDS`` to stderr."""

    def __init__(self, interval: float):
        self.interval = interval
        self.loop: task.LoopingCall | None = None
        self.spider = None
        self.started = time.monotonic()
        self.pages_at_start = 0

    @classmethod
    def from_crawler(cls, crawler):
        interval = crawler.settings.getfloat("PARADIP_PROGRESS_SECONDS", 5.0)
        if interval <= 0:
            raise NotConfigured
        extension = cls(interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider):
        if not hasattr(spider, "progress"):
            return
        self.spider = spider
        self.started = time.monotonic()
        self.pages_at_start = spider.progress.pages
        self.loop = task.LoopingCall(self.show)
        self.loop.start(self.interval, now=False)

    def show(self) -> None:
        print(progress_line(self.spider.progress, time.monotonic() - self.started, self.pages_at_start),
              file=sys.stderr, flush=True)  # fmt: skip

    def spider_closed(self, spider, reason):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.spider is not None:
            self.show()
