"""The site spider on a tiny local web: robots, priority, page limit, offsite, faults, WARC contents."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest
from web_crawl_sites import FAULTS, build_sites

from analysis.collect.web import server
from analysis.collect.web.crawler_parts import LinkTerms, failure_outcome
from analysis.collect.web.run import run_crawl
from analysis.collect.web.seeds import LINK_TERMS_PATH
from analysis.collect.web.warc import iter_pages
from analysis.core.countries import EU_OFFICIAL_LANGUAGES

FAST = ["DOWNLOAD_TIMEOUT=1", "RETRY_TIMES=0", "DOWNLOAD_MAXSIZE=2097152"]
ONE_AT_A_TIME = ["CONCURRENT_REQUESTS=1", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One crawl of two sites with faults, one request at a time per site (so the fetch order is the priority)."""
    folder = tmp_path_factory.mktemp("crawl")
    web = build_sites(folder / "web", sites=2, pages=8)
    with server.serve(folder / "web", timeout_delay=2.0) as proxy:
        result = run_crawl(
            web["seeds"], folder / "out", testweb_proxy=proxy, units=web["units"],
            setting=[*FAST, *ONE_AT_A_TIME],
        )  # fmt: skip
    assert result.returncode == 0
    return web, result


def test_every_reachable_page_is_stored_once_with_its_digest(crawled):
    web, result = crawled
    pages = list(iter_pages(result.warc_paths))
    urls = [page.url for page in pages]
    assert sorted(urls) == web["reachable"]
    assert all(page.sha256 == hashlib.sha256(page.body).hexdigest() for page in pages)
    assert {page.unit_id for page in pages} == {"U0", "U1"}


def test_robots_txt_is_obeyed(crawled):
    _, result = crawled
    log = result.log.set_index("url")
    for site in ("site0", "site1"):
        assert log.loc[f"http://www.{site}.de.test/private/secret.html", "outcome"] == "disallowed"
    assert not any("/private/" in page.url for page in iter_pages(result.warc_paths))


def test_partnership_links_are_fetched_first(crawled):
    _, result = crawled
    fetched = result.log[result.log["outcome"] == "fetched"]
    for site in ("site0", "site1"):
        order = list(fetched.loc[fetched["site"] == f"{site}.de.test", "url"])
        assert order[:2] == [f"http://www.{site}.de.test/", f"http://www.{site}.de.test/partnerstaedte/"]


def test_offsite_links_are_logged_not_followed(crawled):
    _, result = crawled
    offsite = result.log[result.log["outcome"] == "offsite"]
    assert "http://www.outside.org.test/" in set(offsite["url"])
    assert offsite["url"].is_unique
    assert not any("outside" in page.url or "elsewhere" in page.url for page in iter_pages(result.warc_paths))


def test_every_fault_is_accounted_for(crawled):
    _, result = crawled
    log = result.log.set_index("url")
    for url, (_, expected) in FAULTS.items():
        assert log.loc[url, "outcome"] == expected, url
    assert log.loc["http://www.site0.de.test/e500.html", "status"] == 500
    assert log.loc["http://www.site0.de.test/e500.html", "reason"] == "http 500"
    assert log.loc["http://www.site0.de.test/loop-a.html", "reason"] == "redirect loop"
    assert log.loc["http://www.site0.de.test/slow.html", "reason"] == "timeout"
    assert log.loc["http://www.site0.de.test/big.html", "reason"] == "too large"
    assert result.log["url"].is_unique  # one row per address


def test_per_site_page_limit(tmp_path):
    web = build_sites(tmp_path / "web", sites=2, pages=8, faults=False)
    with server.serve(tmp_path / "web") as proxy:
        result = run_crawl(web["seeds"], tmp_path / "out", testweb_proxy=proxy, units=web["units"],
                           max_pages_per_site=4, setting=FAST)  # fmt: skip
    pages = list(iter_pages(result.warc_paths))
    for site in ("site0", "site1"):
        assert sum(f"www.{site}.de.test" in page.url for page in pages) == 4
    assert (result.log["reason"] == "site page limit").any()
    assert result.stats["outcomes"]["fetched"] == 8


def test_link_terms_match_address_or_anchor_in_every_language():
    terms = LinkTerms.load()
    assert terms.matches("http://x.de/staedtepartnerschaften/")
    assert terms.matches("http://x.pl/miasta-partnerskie")
    assert terms.matches("http://x.hu/testvervarosok")
    assert terms.matches("http://x.gr/page?id=4", "Αδελφοποιημένες πόλεις")
    assert terms.matches("http://x.se/kommun/vanorter")
    assert terms.matches("http://x.it/x", "Città gemellate")
    assert not terms.matches("http://x.de/rathaus/oeffnungszeiten", "Öffnungszeiten")
    table = pd.read_csv(LINK_TERMS_PATH, dtype=str)
    assert set(EU_OFFICIAL_LANGUAGES) <= set(table["language"])
    assert table[["source", "note"]].notna().all().all()


def test_failure_reasons():
    from scrapy.exceptions import IgnoreRequest
    from twisted.internet.error import DNSLookupError
    from twisted.python.failure import Failure

    assert failure_outcome(Failure(IgnoreRequest("Forbidden by robots.txt"))) == ("disallowed", "robots.txt")
    assert failure_outcome(Failure(DNSLookupError("x"))) == ("failed", "DNS")


def test_progress_line_and_summary():
    from analysis.collect.web.progress import progress_line, summary_text
    from analysis.collect.web.spider import Progress

    progress = Progress(sites_total=4, pages=120, errors=3, hits=7, start_exhausted=True)
    progress.started_sites.update({"a.de", "b.de"})
    progress.open_per_site.update({"a.de": 0, "b.de": 5})
    progress.failures.update({"timeout": 2, "http 404": 1})
    line = progress_line(progress, elapsed=10.0, pages_at_start=20)
    assert line == "sites 1/4 | pages 120 | hits 7 | errors 3 | 10.0 pages/s | ETA 0:00:30"
    assert "failures by reason: timeout 2, http 404 1" in summary_text(progress)


def test_a_clean_stop_resumes_from_the_jobdir_and_still_obeys_robots(tmp_path):
    """After a clean stop the JOBDIR queue is resumed; its requests reach the robots check together (Scrapy 2.19 let
    all but the first through without a parser: crawler_parts.RobotsTxtMiddleware fixes it)."""
    web = build_sites(tmp_path / "web", sites=3, pages=10, faults=False)
    options = {"jobdir": tmp_path / "job", "units": web["units"]}
    with server.serve(tmp_path / "web") as proxy:
        first = run_crawl(web["seeds"], tmp_path / "out", testweb_proxy=proxy, setting=["CLOSESPIDER_PAGECOUNT=2", *ONE_AT_A_TIME],
                          **options)  # fmt: skip
        second = run_crawl(web["seeds"], tmp_path / "out", testweb_proxy=proxy, **options)
    assert first.stats["finish_reason"] == "closespider_pagecount"
    assert second.stats["scrapy"].get("scheduler/dequeued/disk", 0) > 0  # the saved queue was used
    stored = [page.url for page in iter_pages(second.warc_paths)]
    assert sorted(stored) == web["reachable"]  # nothing lost, nothing twice, nothing disallowed
    assert (second.log["outcome"] == "disallowed").sum() == 3
