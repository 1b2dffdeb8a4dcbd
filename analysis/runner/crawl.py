"""``make crawl``: the team's crawl when its seeds are there, else a demonstration crawl of the local test web.

* **Team crawl**: ``data/raw/crawl/seeds.csv`` present -> a new crawl folder ``data/raw/crawl/<crawl_id>/`` (UTC time
  stamp; raw data is immutable, so an old crawl is never overwritten), Scrapy job state in
  ``build/crawl-jobs/<crawl_id>/``, the real-web profile, the detector in the crawl. ``RESUME=<crawl_id>`` (``--resume``)
  continues a stopped or killed crawl in its own folder.
* **Demonstration** (SYNTHETIC, no seeds file): builds the local test web under ``build/testweb/``, serves it on
  loopback, crawls it with its faults into ``build/crawl-demo/``, kills the crawler with SIGKILL about halfway and
  restarts it, then checks that no page is stored twice, that every fault URL has an outcome and that replaying the
  WARC gives the in-crawl findings.

Both print the progress display and a final summary (pages, failures by reason, findings).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from analysis.collect.web import run as crawl_run
from analysis.collect.web import seeds as seed_files
from analysis.collect.web.warc import iter_pages, warc_files
from analysis.core import paths

DEMO_UNITS = 30


def _detector_available() -> bool:
    try:
        from analysis.collect.web import detect  # noqa: F401
    except ImportError:
        return False
    return True


def team_crawl(resume: str | None = None) -> int:
    """Crawl the team's seeds into a new (or, with ``resume``, an existing) ``data/raw/crawl/<crawl_id>/``."""
    crawl_id = resume or time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    out_dir = paths.raw_dir() / "crawl" / crawl_id
    if resume is None and out_dir.exists():
        raise SystemExit(f"{out_dir} exists: a new crawl never overwrites an old one")
    if resume is not None and not out_dir.is_dir():
        raise SystemExit(f"no crawl {crawl_id!r} to resume in {out_dir.parent}")
    print(f"crawling {seed_files.team_seeds_path()} into {out_dir}", file=sys.stderr)
    result = crawl_run.run_crawl(
        seed_files.team_seeds_path(), out_dir, jobdir=paths.build_dir() / "crawl-jobs" / crawl_id,
        detect=_detector_available(), echo=True,
    )  # fmt: skip
    return result.returncode


def _killed_halfway(command: list[str], out_dir: Path, expected_pages: int) -> int:
    """Run ``command`` and SIGKILL it once about half of ``expected_pages`` are stored; the pages stored then."""
    process = subprocess.Popen(command)
    stored = 0
    while process.poll() is None:
        stored = sum(1 for _ in iter_pages(warc_files(out_dir))) if out_dir.exists() else 0
        if stored >= expected_pages // 2:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            print(f"\n*** killed the crawler (SIGKILL) with {stored} pages stored; restarting ***\n", file=sys.stderr)
            break
        time.sleep(0.2)
    return stored


def demo_crawl(n_units: int = DEMO_UNITS, seed: int = 1) -> int:
    """Build, serve and crawl the local test web (SYNTHETIC) with a kill -9 halfway; check and summarise.

    Length: one linear script (build, serve, crawl, kill, restart, check, print), clearer read top to bottom.
    """
    from analysis.build.outcomes import frame_units
    from analysis.collect.web import server, testweb
    from analysis.collect.web.crawler_parts import read_crawl_log
    from analysis.core import tables

    web_dir, out_dir = paths.build_dir() / "testweb", paths.build_dir() / "crawl-demo"
    jobdir = paths.build_dir() / "crawl-demo-job"
    for folder in (out_dir, jobdir):
        shutil.rmtree(folder, ignore_errors=True)
    units = frame_units(tables.read_table("cities"), tables.read_table("regions"))
    web = testweb.build_test_web(units, tables.read_table("relations"), tables.read_table("gazetteer"), seed=seed,
                                 out_dir=web_dir / "web", n_units=n_units)  # fmt: skip
    units_path = web_dir / "units.parquet"
    units.to_parquet(units_path)
    pages_on_web = sum(1 for path in (web_dir / "web").rglob("*") if path.suffix in (".html", ".pdf"))
    detect = _detector_available()
    print(f"SYNTHETIC demonstration: local test web of {len(web.seeds)} seeds, {len(web.faults)} fault URLs, "
          f"about {pages_on_web} pages; detector {'on' if detect else 'not available'}", file=sys.stderr)  # fmt: skip
    with server.serve(web_dir / "web", timeout_delay=10.0) as proxy:
        options = {"jobdir": jobdir, "testweb_proxy": proxy, "units": units_path, "detect": detect, "progress": 2}
        command = crawl_run.crawl_command(web_dir / "web" / "seeds.csv", out_dir, **options)
        _killed_halfway(command, out_dir, pages_on_web)
        result = crawl_run.run_crawl(web_dir / "web" / "seeds.csv", out_dir, echo=True, **options)
    stored = [page.url for page in iter_pages(warc_files(out_dir))]
    twice = [url for url, n in Counter(stored).items() if n > 1]
    log = read_crawl_log(out_dir).set_index("url")
    unaccounted = [url for url in web.faults["url"] if url not in log.index]
    print(f"\npages stored: {len(stored)} in {len(warc_files(out_dir))} WARC segments; stored twice: {len(twice)}")
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in log["outcome"].value_counts().items()))
    failed = log[log["outcome"] == "failed"]
    print("failures by reason: " + ", ".join(f"{k} {v}" for k, v in failed["reason"].value_counts().items()))
    print(f"fault URLs: {len(web.faults)}, without an outcome: {len(unaccounted)}")
    same = True
    if detect:
        from analysis.collect.web.detect_pipeline import build_detector, finding_rows, replay_findings, same_findings

        in_crawl = finding_rows(out_dir)
        replayed = list(replay_findings(out_dir, build_detector(str(units_path))))
        same = same_findings(in_crawl, replayed)
        print(f"findings in the crawl: {len(in_crawl)}; replayed from the WARC: {len(replayed)}; same: {same}")
    ok = result.returncode == 0 and not twice and not unaccounted and same
    print("demonstration crawl: " + ("OK" if ok else "PROBLEMS (see above)"))
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.runner.crawl", description=__doc__.split("\n")[0])
    parser.add_argument("--resume", help="crawl id of a team crawl to continue")
    parser.add_argument("--demo", action="store_true", help="the test-web demonstration even when seeds exist")
    parser.add_argument("--units", type=int, default=DEMO_UNITS, help="units on the demonstration test web")
    args = parser.parse_args(argv)
    if seed_files.team_seeds_path().exists() and not args.demo:
        return team_crawl(args.resume)
    return demo_crawl(args.units)


if __name__ == "__main__":
    sys.exit(main())
