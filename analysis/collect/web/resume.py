"""What a crawl folder already holds, so that a restart (even after kill -9) loses and duplicates no page.

The WARC store is the truth: complete response records say what was fetched (a truncated last record is dropped
and that page is fetched again); the crawl log says which addresses already have an outcome (failed, disallowed,
offsite, skipped). Scrapy's JOBDIR (scheduler queue, ``requests.seen``) is used only when the previous run shut down
cleanly, which :func:`mark_clean_shutdown` records; after a kill its files may be stale or cut, so they are removed
and the frontier is rebuilt by the spider from the seeds and the links of the stored pages (duplicates of what is
already done are filtered by the duplicate filter, seeded from :class:`CrawlFolderState`).
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from analysis.collect.web.crawler_parts import read_crawl_log, site_of
from analysis.collect.web.warc import WARC_SUFFIX, StoredRecord, iter_records, warc_files

CLEAN_MARK = "paradip-clean-shutdown"
_SEGMENT = re.compile(r"-(\d{3,})-[^-]+\.(?:warc\.gz|jsonl)$")


class CrawlFolderState(NamedTuple):
    """What a crawl folder already holds."""

    fetched: set[str]  # addresses with a complete stored response (and the addresses that redirected to them)
    answered: set[str]  # addresses with an outcome in the log (any outcome)
    logged_fetched: set[str]  # addresses logged with a stored response (a stored page without a row gets one)
    offsite_logged: set[str]
    pages_per_site: Counter  # complete stored responses per site
    segments: int  # run segments so far

    @property
    def empty(self) -> bool:
        return not self.fetched and not self.answered


def next_segment(out_dir: Path) -> int:
    """The number of the next run segment in ``out_dir`` (1 for a new crawl)."""
    numbers = [int(m.group(1)) for path in out_dir.glob("*") if (m := _SEGMENT.search(path.name))]
    return max(numbers, default=0) + 1


def read_folder_state(out_dir: Path) -> CrawlFolderState:
    """Read the WARC files and crawl log of ``out_dir`` (a missing folder is an empty crawl)."""
    fetched: set[str] = set()
    pages_per_site: Counter = Counter()
    if out_dir.is_dir():
        for stored in iter_records(warc_files(out_dir)):
            fetched.add(stored.page.url)
            fetched.update(stored.redirected_from)
            pages_per_site[site_of(stored.page.url)] += 1
    log = read_crawl_log(out_dir) if out_dir.is_dir() else None
    answered, logged_fetched, offsite = set(), set(), set()
    if log is not None and len(log):
        # A row that points at a stored record counts only if the record survived: the WARC is the truth.
        answered = set(log.loc[log["warc"].fillna("") == "", "url"])
        stored_rows = log[log["warc"].fillna("") != ""]  # fetched, or failed with an HTTP error status
        logged_fetched = set(stored_rows["url"]) | set(stored_rows["final_url"])
        offsite = set(log.loc[log["outcome"] == "offsite", "url"])
    return CrawlFolderState(
        fetched, answered, logged_fetched, offsite, pages_per_site, next_segment(out_dir) - 1 if out_dir.is_dir() else 0
    )


def stored_records(out_dir: Path) -> Iterator[StoredRecord]:
    """The complete stored responses of ``out_dir`` (for rebuilding the frontier from their links)."""
    yield from iter_records(warc_files(out_dir))


def prepare_jobdir(jobdir: Path | None) -> bool:
    """Make ``jobdir`` safe to use; True when it holds a usable queue from a clean shutdown.

    After a kill (no clean-shutdown mark) Scrapy's queue metadata and ``requests.seen`` may be stale or cut:
    they are removed, and the caller rebuilds the frontier. The mark is removed either way, so a kill during
    this run is detected at the next start.
    """
    if jobdir is None:
        return False
    jobdir.mkdir(parents=True, exist_ok=True)
    mark = jobdir / CLEAN_MARK
    if mark.exists():
        mark.unlink()
        return True
    for entry in jobdir.iterdir():
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    return False


def mark_clean_shutdown(jobdir: Path | None) -> None:
    """Record that the run ended cleanly, so its JOBDIR queue can be trusted next time."""
    if jobdir is not None and jobdir.is_dir():
        (jobdir / CLEAN_MARK).write_text("clean\n", encoding="utf-8")


def segment_paths(out_dir: Path, crawl_id: str, segment: int, process_tag: str) -> tuple[Path, Path]:
    """The WARC file and crawl-log file of one run segment of one process."""
    stem = f"{segment:03d}-{process_tag}"
    return out_dir / f"{crawl_id}-{stem}{WARC_SUFFIX}", out_dir / f"crawl-log-{stem}.jsonl"
