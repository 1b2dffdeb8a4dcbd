"""Detection in the crawl (``--detect``) and the same detection replayed from the WARC store.

:class:`DetectPipeline` (a Scrapy item pipeline) runs :func:`page_findings` on every stored page and appends one
line per page (url, sha256, its findings) to ``findings-<segment>-<process>.jsonl`` beside the WARC segment; after a
kill, the restart first analyses the stored pages that have no line yet. :func:`replay_findings` runs the same
function on the pages :func:`~analysis.collect.web.warc.iter_pages` replays, so the two must agree.

Extraction (trafilatura, pypdf) costs far more than fetching on loopback, so with ``PARADIP_DETECT_WORKERS`` > 0 the
pipeline hands pages to a pool of worker processes (forked after the detector is built, so each shares it) and the
crawl goes on while they work. The detector is built from the frame units and the gazetteer: the files named by
``PARADIP_UNITS_PATH`` / ``PARADIP_GAZETTEER_PATH`` (CSV or parquet), or the pipeline's processed tables.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import json
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.collect.web.extract import preload_language_models
from analysis.collect.web.warc import Page, iter_pages

FINDINGS_PREFIX = "findings-"
_WORKER_DETECTOR = None  # the detector a forked worker inherits


def _read_table(path: str | None, table_name: str) -> pd.DataFrame:
    if path:
        return pd.read_parquet(path) if str(path).endswith(".parquet") else pd.read_csv(path, keep_default_na=False)
    from analysis.core import tables

    return tables.read_table(table_name)


def build_detector(units_path: str | None = None, gazetteer_path: str | None = None, *, lau_towns: bool = True):
    """The partnership detector for the frame units and the gazetteer (files, or the processed tables).

    Building it takes about half a minute on the full frame and gazetteer (the matcher's automaton holds 1.5 million
    keys: name forms, inflected forms and terms), so the built detector is kept as a pickle under
    ``build/state/web_detect`` (:func:`cached_detector`, about 310 MB, written in 5 s): a later notebook, crawl process
    or replay loads it in about 2.5 s. ``lau_towns=False`` leaves out the EU municipalities outside the frame (the
    LAU 2020 list and the twinning lists' towns: :func:`analysis.collect.web.places.unframed_places`), half of the
    build and of the pickle: only for the tests' build on a small frame, whose chapters show the detector's
    machinery rather than its measure."""
    if units_path:
        units = _read_table(units_path, "")
    else:
        from analysis.build.outcomes import frame_units

        units = frame_units(_read_table(None, "cities"), _read_table(None, "regions"))
    return cached_detector(units, _read_table(gazetteer_path, "gazetteer"), lau_towns=lau_towns)


# What a built detector depends on besides the units and the gazetteer: the code of these packages, the reference
# files (lexicons, rules, lists) and the acquired LAU 2020 list (EU places outside the frame).
_DETECTOR_CODE = ("core", "build", "collect/web")
DETECTOR_PICKLES_KEPT = 3  # the newest pickles (of different units or gazetteers) kept; ~310 MB each


def detector_digest(units: pd.DataFrame, gazetteer: pd.DataFrame, *, lau_towns: bool = True) -> str:
    """sha256 of everything :meth:`Detector.build` reads: the two tables' contents, the package code it runs, the
    reference files, the LAU files and the twinning lists (EU towns; not read without ``lau_towns``), the Chinese
    division list, Python's and the pickled libraries' versions."""
    import hashlib
    import platform
    from importlib.metadata import version

    from analysis.build import municipal, twinned_places
    from analysis.collect.web import cn_counties
    from analysis.core import caches, paths
    from analysis.core.tracking import note_read

    digest = hashlib.sha256(f"{platform.python_version()} {version('pandas')} {version('pyahocorasick')}".encode())
    digest.update(caches.combined(caches.frame_digest(units), caches.frame_digest(gazetteer)).encode())
    if not lau_towns:
        digest.update(b"without LAU towns")
    files = [path for folder in _DETECTOR_CODE for path in sorted((paths.ROOT / "analysis" / folder).glob("*.py"))]
    # Not the source registry (its attributions and checksums are notebook 10's; the LAU files, the Chinese division
    # list and the twinning lists are digested below) nor the real evaluation passages, which the detector never reads.
    skipped = {paths.REGISTRY_FILE, paths.REFERENCE / "crawl_eval"}
    files += sorted(
        path
        for path in paths.REFERENCE.rglob("*")
        if path.is_file() and path not in skipped and path.parent not in skipped
    )
    for path in files:
        digest.update(path.relative_to(paths.ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    towns = (municipal.LAU_SOURCE, *twinned_places.TWIN_SOURCES) if lau_towns else ()
    raw_sources = (cn_counties.COUNTY_SOURCE, *towns)
    raw = [paths.raw_source_dir(source) for source in raw_sources]
    for path in [path for folder in raw if folder.is_dir() for path in sorted(folder.glob("*"))]:
        # Digested by size and time (acquired raw files are pinned by sha256), and noted as read: a detector loaded
        # from its pickle depends on the same files as one built, and the runner's record must say so.
        note_read(path)
        digest.update(f"{path.name} {path.stat().st_size} {path.stat().st_mtime_ns}".encode())
    return digest.hexdigest()


def cached_detector(units: pd.DataFrame, gazetteer: pd.DataFrame, *, lau_towns: bool = True):
    """:meth:`Detector.build` for ``units`` and ``gazetteer`` (without the LAU towns when ``lau_towns`` is False: see
    :func:`build_detector`), from its pickle under ``build/state/web_detect`` when one was built from the same inputs
    (:func:`detector_digest`), else built and pickled (older pickles are removed).

    The pickle is read with the garbage collector paused (its million small objects otherwise trigger a dozen full
    collections: 7 s instead of 1.5 s), and the loaded objects are then frozen out of later collections
    (``gc.freeze``), which also keeps forked workers from copying the pages they sit on."""
    import fcntl
    import pickle

    from analysis.collect.web.detect import Detector
    from analysis.core import paths

    folder = paths.cache_dir("web_detect")  # a cache beside the runner's records: never a traced output
    path = folder / f"detector_{detector_digest(units, gazetteer, lau_towns=lau_towns)[:20]}.pickle"
    detector = _load_pickled(path)
    if detector is None:
        folder.mkdir(parents=True, exist_ok=True)
        # Notebooks the runner runs at the same time: one builds the detector, the others wait and load its pickle.
        with open(folder / "build.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            detector = _load_pickled(path)
            if detector is None:
                detector = Detector.build(units, gazetteer, lau=None if lau_towns else False)
                if hasattr(detector, "prewarm"):  # resolve the partner names once, before worker processes fork
                    detector.prewarm()
                partial = path.with_suffix(f".{os.getpid()}.partial")
                partial.write_bytes(pickle.dumps(detector, protocol=pickle.HIGHEST_PROTOCOL))
                partial.replace(path)  # atomic: a concurrent reader sees the whole pickle or none
                pickles = sorted(
                    folder.glob("detector_*.pickle"), key=lambda found: found.stat().st_mtime, reverse=True
                )
                for old in pickles[DETECTOR_PICKLES_KEPT:]:
                    old.unlink(missing_ok=True)
    gc.freeze()
    return detector


def _load_pickled(path: Path):
    """The detector pickled at ``path``, or ``None`` when there is none (or one cut by a kill, or from a library
    that changed). Read with the garbage collector paused (see :func:`cached_detector`)."""
    import pickle

    if not path.exists():
        return None
    gc.disable()
    try:
        return pickle.loads(path.read_bytes())
    except Exception:  # a pickle cut by a kill, or from a library that changed: build it again
        return None
    finally:
        gc.enable()


def resolver_code_digest() -> str:
    """sha256 of the code the detector's cached resolution table comes from (:meth:`~analysis.collect.web.detect.Detector.load_resolutions`):
    the resolver and the core modules it folds names with, the detector's module (which picks the index rows and the
    lookup keys), and the versions of the libraries that compute and store it."""
    from analysis.build import resolve
    from analysis.collect.web import detect
    from analysis.core import paths
    from analysis.core.caches import code_digest

    files = [Path(resolve.__file__), Path(detect.__file__), *sorted((paths.ROOT / "analysis" / "core").glob("*.py"))]
    return code_digest(files, ("pandas", "pyarrow", "rapidfuzz"))


def finding_record(finding: Any, page: Page) -> dict[str, Any]:
    """One finding as a JSON-ready row (the detector's fields plus the page's sha256)."""
    if dataclasses.is_dataclass(finding):
        record = dataclasses.asdict(finding)
    elif hasattr(finding, "_asdict"):
        record = finding._asdict()
    else:
        record = dict(vars(finding))
    return record | {"page_sha256": page.sha256}


def page_findings(page: Page, detector) -> list[dict[str, Any]]:
    """Findings of one stored page (successful responses only), as rows."""
    if not 200 <= page.status < 300:
        return []
    from analysis.collect.web.detect import analyse_page

    return [finding_record(finding, page) for finding in analyse_page(page, detector)]


def replay_findings(paths: Iterable[Path] | Path, detector) -> Iterator[dict[str, Any]]:
    """The findings of every page stored in ``paths`` (WARC files or a crawl folder), as in the crawl."""
    for page in iter_pages(paths):
        yield from page_findings(page, detector)


def _analysed_pages(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """``{page url: its findings}`` from the findings files (one line per analysed page; a cut line is skipped)."""
    pages: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(folder.glob(f"{FINDINGS_PREFIX}*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            pages[record["url"]] = record["findings"]
    return pages


def finding_rows(folder: Path) -> list[dict[str, Any]]:
    """The findings the crawl wrote into ``folder`` as JSON rows (all segments)."""
    return [row for rows in _analysed_pages(folder).values() for row in rows]


def read_findings(folder: Path) -> pd.DataFrame:
    """The findings the crawl wrote into ``folder``: one row per finding, all segments."""
    return pd.DataFrame(finding_rows(folder))


def same_findings(in_crawl: list[dict[str, Any]], replayed: list[dict[str, Any]]) -> bool:
    """Whether two lists of finding rows hold the same findings (order aside; compared as written to JSON)."""

    def keys(rows):
        return sorted(json.dumps(row, sort_keys=True, ensure_ascii=False, default=str) for row in rows)

    return keys(json.loads(json.dumps(in_crawl, default=str))) == keys(json.loads(json.dumps(replayed, default=str)))


def _warm_up(detector) -> None:
    """Run the extractor and the detector once on a small page (their models load on first use)."""
    body = ("<html><body><p>" + "Esslingen am Neckar ist seit 1965 Partnerstadt von Sheboygan. " * 5 + "</p>"
            "</body></html>").encode()  # fmt: skip
    page_findings(Page("http://warm-up.test/", None, "", 200, "text/html; charset=utf-8", body, ""), detector)


def _die_with_parent(parent_pid: int) -> None:
    """Worker initializer: exit when the crawler exits, even after a kill -9 (an orphan would hold memory and the
    crawler's stdout). Linux: the kernel sends SIGKILL when the parent dies; elsewhere a thread watches the parent."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os._exit(0)

    if os.getppid() != parent_pid:
        os._exit(0)
    threading.Thread(target=watch, daemon=True).start()


def _worker_findings(page: Page) -> list[dict[str, Any]]:
    return page_findings(page, _WORKER_DETECTOR)


class DetectPipeline:
    """Item pipeline: findings of each page (``{"page": Page}`` items) to the segment's findings file."""

    def __init__(self, settings):
        """Everything detection needs is ready before the crawl starts: the detector (from its pickle), all of
        lingua's language models, the extractor's first use, and the worker processes, forked from this state
        so that each starts warm and shares it."""
        global _WORKER_DETECTOR
        self.detector = build_detector(settings.get("PARADIP_UNITS_PATH"), settings.get("PARADIP_GAZETTEER_PATH"))
        preload_language_models()
        _warm_up(self.detector)
        gc.freeze()  # the detector and the models: out of later collections, and not copied by the forked workers
        workers = settings.getint("PARADIP_DETECT_WORKERS", 0)
        self.pool = None
        self.thread = ThreadPoolExecutor(1, thread_name_prefix="paradip-detect")
        if workers > 0:
            _WORKER_DETECTOR = self.detector
            self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                            initializer=_die_with_parent, initargs=(os.getpid(),))  # fmt: skip
            self.pool.submit(os.getpid).result()  # forks every worker now, before the reactor runs
        self.handle = None
        self.spider = None

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler.settings)
        pipeline.crawler = crawler
        return pipeline

    def open_spider(self, spider=None):
        spider = spider or self.crawler.spider  # Scrapy 2.19 no longer passes the spider
        self.spider = spider
        warc_name = spider.warc.path.name
        stem = warc_name.removesuffix(".warc.gz").rsplit("-", 2)
        self.path = spider.warc.path.with_name(f"{FINDINGS_PREFIX}{stem[-2]}-{stem[-1]}.jsonl")
        self.handle = open(self.path, "x", encoding="utf-8")  # noqa: SIM115 (open for the crawl's life)
        self._catch_up(spider)

    def _catch_up(self, spider) -> None:
        """Pages stored before a kill whose findings were not written yet are analysed now."""
        done = _analysed_pages(self.path.parent)
        for page in iter_pages(self.path.parent):
            if page.url not in done:
                self._write(page, page_findings(page, self.detector))

    def _write(self, page: Page, rows: list[dict[str, Any]]) -> None:
        """One line per page (its findings), written at once: a kill leaves a page analysed or not."""
        line = json.dumps({"url": page.url, "page_sha256": page.sha256, "findings": rows}, ensure_ascii=False,
                          default=str)  # fmt: skip
        self.handle.write(line + "\n")
        self.handle.flush()
        if self.spider is not None:
            self.spider.progress.hits += len(rows)
            self.spider.progress.page_analysed()

    def close_spider(self, spider=None):
        if self.pool is not None:
            self.pool.shutdown(wait=True)
        self.thread.shutdown(wait=True)
        if self.handle is not None:
            self.handle.close()

    async def process_item(self, item, spider=None):
        page: Page = item["page"]
        if self.pool is None:
            # One background thread: the reactor keeps fetching while a page is analysed (run inline, detection
            # blocked the reactor, and AutoThrottle read the wait as server latency and slowed the crawl down).
            rows = await asyncio.get_running_loop().run_in_executor(self.thread, page_findings, page, self.detector)
        else:
            rows = await asyncio.wrap_future(self.pool.submit(_worker_findings, page))
        self._write(page, rows)
        return {"url": page.url, "findings": len(rows)}
