"""The demonstration crawl (SYNTHETIC): the local test web of the real frame, served on loopback and crawled.

Until the team's crawl is in ``data/raw/crawl/<crawl_id>/``, chapter 35 runs the real crawler on a local test
web built from the real frame and the real public relations (:mod:`analysis.collect.web.testweb`), with its
faults, and reads the stored crawl exactly as it will read the team's. Everything built from it is labelled
synthetic. ``make crawl`` runs the same demonstration with a ``kill -9`` halfway (:mod:`analysis.runner.crawl`).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from analysis.collect.web import run as crawl_run
from analysis.collect.web import server, testweb
from analysis.core import paths

# The server's slow answer stays well inside the test-web profile's download timeout (4 s) and the timing-out
# one well beyond it, so that a loaded machine gives the same outcomes as an idle one.
SLOW_DELAY_SECONDS = 0.5
TIMEOUT_DELAY_SECONDS = 12.0


class DemoCrawl(NamedTuple):
    """What :func:`demonstration_crawl` made: the test web (seeds, truth, faults) and the crawl folder."""

    web: testweb.TestWeb
    folder: Path
    returncode: int


def demo_dir() -> Path:
    """Folder of the demonstration: ``<build>/crawl-demo-notebook`` (web and crawl; never ``data/raw``)."""
    return paths.build_dir() / "crawl-demo-notebook"


def demonstration_crawl(*, seed: int, n_units: int, out_dir: Path | None = None) -> DemoCrawl:
    """Build the test web of ``n_units`` frame units (``seed``), serve it and crawl it into a fresh folder.

    The folder is emptied first: a demonstration is rebuilt, never resumed. Raises ``RuntimeError`` when the
    crawler exits with an error (its stderr is shown).
    """
    root = out_dir or demo_dir()
    shutil.rmtree(root, ignore_errors=True)
    web = testweb.build_from_tables(root / "web", seed=seed, n_units=n_units)
    folder = root / "crawl"
    with server.serve(root / "web", slow_delay=SLOW_DELAY_SECONDS, timeout_delay=TIMEOUT_DELAY_SECONDS) as proxy:
        result = crawl_run.run_crawl(root / "web" / "seeds.csv", folder, testweb_proxy=proxy, progress=0)
    if result.returncode != 0:
        raise RuntimeError(f"the demonstration crawl failed (exit {result.returncode}); see its messages above")
    return DemoCrawl(web, folder, result.returncode)


def fault_outcomes(faults: pd.DataFrame, pages: pd.DataFrame) -> pd.DataFrame:
    """Each fault URL of the test web with what the crawl recorded for it (``crawl_pages`` rows).

    A redirect loop is logged under its first address; a fault is *accounted for* when its address has an
    outcome in the crawl log (fetched, failed with a reason, disallowed).
    """
    observed = pages.set_index("url")[["crawl_outcome", "http_status", "reason"]]
    table = faults[["url", "fault", "expected"]].join(observed, on="url")
    table["accounted_for"] = table["crawl_outcome"].notna()
    return table.sort_values(["fault", "url"]).reset_index(drop=True)


def scoring_web_dir() -> Path:
    """Folder of the test web the detector chapter scores (from its files, no crawl): ``<build>/testweb-scoring``."""
    return paths.build_dir() / "testweb-scoring"
