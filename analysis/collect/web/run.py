"""Run a crawl: ``python -m analysis.collect.web.run --seeds PATH --out DIR [options]``, or :func:`run_crawl`.

Options: ``--jobdir DIR`` (Scrapy's job state; resumable), ``--redis URL`` (shared frontier: several processes or
machines crawl one queue), ``--testweb-proxy URL`` (the local test web; selects the test-web profile: no delays,
short timeouts), ``--detect`` (run the detector on each page in the crawl; findings JSONL beside the WARC),
``--max-pages-per-site N``, ``--depth N``, ``--units PATH`` (frame units to check the seeds against, CSV or parquet;
default the frame built by the pipeline), ``--progress SECONDS``, ``--stats-file PATH``.

A crawl folder is append-only: a rerun with the same ``--out`` resumes it (new WARC segment, nothing overwritten).
:func:`run_crawl` runs the CLI in a subprocess (Twisted's reactor cannot restart in one process) and returns the WARC
paths, the crawl log and the stats.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from analysis.collect.web import seeds as seed_files
from analysis.collect.web.crawler_parts import REAL_WEB_SETTINGS, TESTWEB_SETTINGS, read_crawl_log
from analysis.collect.web.warc import warc_files

DEFAULT_MAX_PAGES_PER_SITE = 300
# Detection worker processes by default (--detect-workers): 0 runs detection in the crawler's process, where it
# shares one core (and the GIL) with the downloads; ``make bench WHAT=crawl`` measures 0, 1 and 2.
DEFAULT_DETECT_WORKERS = 2
_PARTS = "analysis.collect.web"


def frame_units_table(units_path: Path | None = None) -> pd.DataFrame:
    """The frame units the seeds are checked against: ``units_path`` (CSV/parquet) or the pipeline's frame."""
    if units_path is not None:
        if units_path.suffix == ".parquet":
            return pd.read_parquet(units_path)
        return pd.read_csv(units_path, dtype=str, keep_default_na=False)
    from analysis.build.outcomes import frame_units
    from analysis.core import tables

    return frame_units(tables.read_table("cities"), tables.read_table("regions"))


def crawl_settings(
    *,
    testweb_proxy: str | None = None,
    redis_url: str | None = None,
    crawl_id: str = "crawl",
    jobdir: Path | None = None,
    detect: bool = False,
    max_pages_per_site: int | None = None,
    depth: int | None = None,
    progress_seconds: float = 5.0,
) -> dict[str, Any]:
    """Scrapy settings for one crawl: the real-web or test-web profile plus the crawl's own parts."""
    settings = dict(TESTWEB_SETTINGS if testweb_proxy else REAL_WEB_SETTINGS)
    settings |= {
        "DOWNLOADER_MIDDLEWARES": {
            f"{_PARTS}.crawler_parts.TestWebProxyMiddleware": 50,
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            f"{_PARTS}.crawler_parts.RobotsTxtMiddleware": 100,  # Scrapy's, fixed (see its docstring)
        },
        "EXTENSIONS": {
            "scrapy.extensions.telnet.TelnetConsole": None,
            f"{_PARTS}.progress.ProgressDisplay": 500,
        },
        "DUPEFILTER_CLASS": f"{_PARTS}.frontier.SiteDupeFilter",
        "PARADIP_MAX_PAGES_PER_SITE": max_pages_per_site or DEFAULT_MAX_PAGES_PER_SITE,
        "PARADIP_PROGRESS_SECONDS": progress_seconds,
        "PARADIP_DETECT": detect,
        "TESTWEB_PROXY": testweb_proxy,
    }
    if depth is not None:
        settings["DEPTH_LIMIT"] = depth
    if detect:
        settings["ITEM_PIPELINES"] = {f"{_PARTS}.detect_pipeline.DetectPipeline": 300}
    if redis_url:
        prefix = f"paradip:{crawl_id}"
        settings |= {
            "SCHEDULER": f"{_PARTS}.frontier.RedisScheduler",
            "DUPEFILTER_CLASS": f"{_PARTS}.frontier.RedisSiteDupeFilter",
            "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
            "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
            "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
            "SCHEDULER_PERSIST": True,
            "REDIS_URL": redis_url,
            "PARADIP_REDIS_PREFIX": prefix,
            "PARADIP_PEER_STALE_SECONDS": 20.0 if testweb_proxy else 120.0,
            "PARADIP_PEER_POLL_SECONDS": 0.2 if testweb_proxy else 2.0,
        }
        settings["EXTENSIONS"] = settings["EXTENSIONS"] | {f"{_PARTS}.frontier.RedisPeers": 510}
    elif jobdir is not None:
        settings["JOBDIR"] = str(jobdir)
    return settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis.collect.web.run", description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=Path, required=True, help="seeds CSV (unit_id,url,languages,note)")
    parser.add_argument(
        "--out", type=Path, required=True, help="crawl folder (WARC, log, findings); resumed if present"
    )
    parser.add_argument("--jobdir", type=Path, help="Scrapy job state folder (resume after a stop)")
    parser.add_argument("--redis", help="Redis URL of a shared frontier (redis://host:port/db)")
    parser.add_argument("--testweb-proxy", help="proxy URL of the local test web (test-web profile)")
    parser.add_argument("--detect", action="store_true", help="run the partnership detector in the crawl")
    parser.add_argument("--max-pages-per-site", type=int, help=f"default {DEFAULT_MAX_PAGES_PER_SITE}")
    parser.add_argument("--depth", type=int, help="link depth limit (default: the profile's)")
    parser.add_argument("--units", type=Path, help="frame units to check the seeds against (CSV or parquet)")
    parser.add_argument("--gazetteer", type=Path, help="gazetteer for --detect (CSV or parquet; default the table)")
    parser.add_argument(
        "--detect-workers",
        type=int,
        default=DEFAULT_DETECT_WORKERS,
        help=f"worker processes for --detect (default {DEFAULT_DETECT_WORKERS}; 0 runs it in a thread of the "
        "crawler's process, which shares a core with the downloads)",
    )
    parser.add_argument("--progress", type=float, default=5.0, help="seconds between progress lines (0: none)")
    parser.add_argument("--stats-file", type=Path, help="write the run's stats (JSON) here")
    parser.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a Scrapy setting (JSON value or text), e.g. CONCURRENT_REQUESTS_PER_DOMAIN=1",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    from scrapy.crawler import CrawlerProcess

    from analysis.collect.web.progress import summary_text
    from analysis.collect.web.spider import CrawlPlan, SiteSpider

    args = _parser().parse_args(argv)
    units = frame_units_table(args.units)
    try:
        seeds = seed_files.read_seeds(args.seeds, units, strict=True).rows
    except seed_files.SeedsError as error:
        print(error, file=sys.stderr)
        return 2
    out_dir = args.out.resolve()
    crawl_id = out_dir.name
    settings = crawl_settings(
        testweb_proxy=args.testweb_proxy, redis_url=args.redis, crawl_id=crawl_id, jobdir=args.jobdir,
        detect=args.detect, max_pages_per_site=args.max_pages_per_site, depth=args.depth,
        progress_seconds=args.progress,
    )  # fmt: skip
    settings |= {
        "PARADIP_UNITS_PATH": str(args.units) if args.units else None,
        "PARADIP_GAZETTEER_PATH": str(args.gazetteer) if args.gazetteer else None,
        "PARADIP_DETECT_WORKERS": args.detect_workers,
    }
    for assignment in args.setting:
        name, _, value = assignment.partition("=")
        try:
            settings[name] = json.loads(value)
        except json.JSONDecodeError:
            settings[name] = value
    plan = CrawlPlan(seeds=seeds, out_dir=out_dir, crawl_id=crawl_id, jobdir=args.jobdir, redis=bool(args.redis))
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(SiteSpider)
    started = time.time()
    process.crawl(crawler, plan=plan)
    process.start()
    spider = crawler.spider
    stats = {
        "seconds": round(time.time() - started, 2),
        "pages_this_run": spider.progress.pages_this_run,
        "pages_per_second": spider.progress.pages_per_second,
        "analysis_tail_seconds": spider.progress.analysis_tail_seconds,
        "pages_total": spider.progress.pages,
        "hits": spider.progress.hits,
        "outcomes": dict(spider.progress.outcomes),
        "failures": dict(spider.progress.failures),
        "finish_reason": crawler.stats.get_value("finish_reason"),
        "warc": spider.warc.path.name,
        "scrapy": {k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, (int, float, str))},
    }
    if args.stats_file:
        args.stats_file.parent.mkdir(parents=True, exist_ok=True)
        args.stats_file.write_text(json.dumps(stats, indent=2, default=str) + "\n", encoding="utf-8")
    print(summary_text(spider.progress), file=sys.stderr)
    return 1 if crawler.stats.get_value("log_count/CRITICAL", 0) else 0  # e.g. an error in the spider's start


class CrawlResult(NamedTuple):
    warc_paths: list[Path]
    log: pd.DataFrame  # every row of the crawl folder's log (all segments)
    stats: dict[str, Any]  # this run's stats ({} when the process died)
    returncode: int


def crawl_command(seeds: Path, out_dir: Path, **options: Any) -> list[str]:
    """The CLI command line for :func:`run_crawl`'s options (``jobdir``, ``redis``, ``testweb_proxy``, ...)."""
    command = [sys.executable, "-m", "analysis.collect.web.run", "--seeds", str(seeds), "--out", str(out_dir)]
    for name, value in options.items():
        if value is None or value is False:
            continue
        flag = "--" + name.replace("_", "-")
        if isinstance(value, (list, tuple)):
            command += [part for item in value for part in (flag, str(item))]
        else:
            command += [flag] if value is True else [flag, str(value)]
    return command


def run_crawl(seeds: Path, out_dir: Path, *, timeout: float | None = None, echo: bool = False, **options: Any):
    """Run one crawl in a subprocess; return a :class:`CrawlResult`.

    ``options``: ``jobdir``, ``redis``, ``testweb_proxy``, ``detect``, ``max_pages_per_site``, ``depth``, ``units``,
    ``progress`` (the CLI's options). ``echo`` shows the progress display; otherwise stderr is kept for errors.
    """
    stats_file = Path(tempfile.gettempdir()) / f"paradip-crawl-stats-{os.getpid()}-{time.time_ns()}.json"
    options.setdefault("progress", 5.0 if echo else 0)
    command = crawl_command(Path(seeds), Path(out_dir), stats_file=stats_file, **options)
    completed = subprocess.run(command, timeout=timeout, stderr=None if echo else subprocess.PIPE, text=True)
    if completed.returncode != 0 and not echo:
        sys.stderr.write(completed.stderr[-4000:])
    stats = json.loads(stats_file.read_text(encoding="utf-8")) if stats_file.exists() else {}
    stats_file.unlink(missing_ok=True)
    return CrawlResult(warc_files(Path(out_dir)), read_crawl_log(Path(out_dir)), stats, completed.returncode)


if __name__ == "__main__":
    sys.exit(main())
