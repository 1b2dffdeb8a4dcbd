"""The stored crawl as tables: pages from the crawl log, ties from the detector's findings (analysis.collect.crawl)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.collect import crawl


def finding(unit_id, partner_id, name, status="established", relation="twin", url="http://a.test/p", country="US"):
    return {
        "url": url,
        "language": "de",
        "unit_id": unit_id,
        "eu_place": "Esslingen" if unit_id else "Kleinstadt",
        "eu_country_iso2": "DE",
        "partner_id": partner_id,
        "partner_name": name,
        "partner_country_iso2": country,
        "relation_type": relation,
        "statement_status": status,
        "evidence": f"{name} ist Partnerstadt.",
        "confidence": 0.9,
        "detector_rule": "twin term",
        "is_synthetic": True,
        "data_origin": "synthetic (seed 1)",
    }


def test_ties_keep_established_findings_of_frame_units_and_name_the_strongest_relation():
    findings = pd.DataFrame(
        [
            finding("gn1", "us-1", "Sheboygan", relation="agreement", url="http://a.test/b"),
            finding("gn1", "us-1", "Sheboygan", relation="twin", url="http://a.test/a"),
            finding("gn1", None, "Smallville", relation="cooperation"),
            finding("gn1", "cn-1", "Wuhan", status="planned", country="CN"),
            finding("gn1", "cn-2", "Xi'an", status="ended", country="CN"),
            finding(None, "us-2", "Raleigh"),
        ]
    )
    crawl.CRAWL_FINDINGS_SCHEMA.validate(findings)
    ties = crawl.CRAWL_TIES_SCHEMA.validate(crawl.crawl_ties(findings)).set_index("partner_key")
    assert list(ties.index) == ["name:US:smallville", "us-1"]
    assert ties.loc["us-1", "tie_type"] == "twin"
    assert ties.loc["us-1", "hit_count"] == 2
    assert ties.loc["us-1", "evidence_url"] == "http://a.test/a"
    assert ties.loc["name:US:smallville", "partner_id"] is None
    assert ties.loc["name:US:smallville", "tie_type"] == "cooperation"


def test_no_established_finding_gives_an_empty_table_of_the_right_shape():
    findings = pd.DataFrame([finding("gn1", "cn-1", "Wuhan", status="planned", country="CN")])
    ties = crawl.crawl_ties(findings)
    assert ties.empty
    assert list(ties.columns) == list(crawl.CRAWL_TIES_SCHEMA.columns)


def _log_row(url, outcome, status=200, reason=None, time="2026-11-30T08:00:00Z"):
    return {
        "url": url,
        "unit_id": "gn1",
        "site": "a.test",
        "outcome": outcome,
        "status": status,
        "reason": reason,
        "final_url": url,
        "content_type": "text/html",
        "bytes": 1200,
        "depth": 1,
        "referer": None,
        "warc": "crawl-00001-123.warc.gz",
        "time": time,
    }


def test_pages_come_from_the_log_without_times_or_segment_names(tmp_path):
    rows = [
        _log_row("http://a.test/b", "failed", status=0, reason="timeout"),
        _log_row("http://a.test/a", "fetched"),
        _log_row("http://a.test/b", "fetched", time="2026-11-30T08:01:00Z"),  # refetched after a kill: later wins
    ]
    (tmp_path / "crawl-log-00001.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows) + '{"url": "cut')
    pages = crawl.CRAWL_PAGES_SCHEMA.validate(crawl.crawl_pages(tmp_path, data_origin="team crawl"))
    assert list(pages["url"]) == ["http://a.test/a", "http://a.test/b"]
    assert list(pages["crawl_outcome"]) == ["fetched", "fetched"]
    assert "time" not in pages and "warc" not in pages
    assert not pages["is_synthetic"].any()


def test_the_newest_stored_crawl_is_the_last_folder_with_warc_files(tmp_path, monkeypatch):
    root = tmp_path / "crawl"
    for name, with_warc in (("20261101T000000Z", True), ("20261120T000000Z", True), ("20261130T000000Z", False)):
        (root / name).mkdir(parents=True)
        if with_warc:
            (root / name / "crawl-00001-1.warc.gz").write_bytes(b"")
    monkeypatch.setattr(crawl.paths, "raw_source_dir", lambda source: root)
    assert crawl.find_stored_crawl().name == "20261120T000000Z"
    with pytest.raises(FileNotFoundError, match="no WARC files"):
        crawl.find_stored_crawl("nowhere")
