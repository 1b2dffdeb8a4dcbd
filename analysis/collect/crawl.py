"""The web crawl as the pipeline reads it: a stored crawl folder -> pages, findings and ties.

A crawl folder holds what the crawler (:mod:`analysis.collect.web.run`, ``make crawl``) stored: WARC segments
with every response, the crawl log (one row per address: fetched, failed with a reason, disallowed by
robots.txt, offsite, skipped) and, when the detector ran in the crawl, its findings. The team's crawls live
in ``data/raw/crawl/<crawl_id>/`` (raw data: never rewritten); without one, chapter 35 crawls the local test
web (labelled synthetic) into ``build/crawl-demo/``. The pipeline never trusts the crawl's own findings
files: :func:`crawl_findings` replays the WARC through the detector, so a stored crawl can be re-analysed
with a newer detector without refetching.

:func:`crawl_ties` keeps the established findings whose EU side is a frame unit and whose partner is a US or
Chinese place, one row per (unit, partner) with the number of findings behind it and the first evidence
address, the shape the other sources' ties have.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis.collect.web.crawler_parts import read_crawl_log
from analysis.collect.web.detect_pipeline import replay_findings
from analysis.collect.web.warc import warc_files
from analysis.core import fields, paths
from analysis.core.names import normalise_name
from analysis.core.tracking import note_read

PARTNER_COUNTRIES: tuple[str, ...] = ("US", "CN")
OUTCOMES: tuple[str, ...] = ("fetched", "failed", "disallowed", "offsite", "skipped", "duplicate")
TIE_TYPES: tuple[str, ...] = ("twin", "friendship", "agreement", "cooperation")
# When one (unit, partner) pair is stated as several relation types, the strongest names the tie.
TIE_TYPE_STRENGTH: dict[str, int] = {"twin": 3, "friendship": 2, "agreement": 1, "cooperation": 0}

CRAWL_PAGES_SCHEMA = fields.schema(
    "url unit_id crawl_site crawl_outcome http_status reason content_type page_bytes",
    ["is_synthetic", "data_origin"],
    checks={"crawl_outcome": pa.Check.isin(list(OUTCOMES))},
    nullable=["unit_id", "reason"],
    unique=["url"],
    strict=True,
    description="Every address the crawl met, with its outcome: one row per address (the crawl log).",
)

CRAWL_FINDINGS_SCHEMA = fields.schema(
    "url language unit_id eu_place eu_country_iso2 partner_id partner_name partner_country_iso2 relation_type",
    "statement_status evidence confidence detector_rule",
    ["is_synthetic", "data_origin"],
    checks={
        "partner_country_iso2": pa.Check.isin(list(PARTNER_COUNTRIES)),
        "relation_type": pa.Check.isin(list(TIE_TYPES)),
    },
    nullable=["language", "unit_id", "eu_place", "eu_country_iso2", "partner_id"],
    strict=True,
    description="Partnership statements the detector found in the stored pages: one row per statement.",
)

CRAWL_TIES_SCHEMA = fields.schema(
    "unit_id partner_key partner_id partner_name partner_country_iso2 tie_type hit_count evidence_url",
    ["is_synthetic", "data_origin"],
    checks={"tie_type": pa.Check.isin(list(TIE_TYPES))},
    nullable=["partner_id"],
    unique_together=["unit_id", "partner_key"],
    strict=True,
    description="Ties found by the web crawl: established findings merged to one row per (EU unit, partner).",
)


def find_stored_crawl(explicit: str | None = None) -> Path | None:
    """The crawl folder to read: ``explicit`` (relative to the project root), else the newest folder of
    ``data/raw/crawl`` that holds WARC files (crawl ids are UTC time stamps, so the newest sorts last),
    else ``None`` (no team crawl yet)."""
    if explicit:
        folder = paths.ROOT / explicit
        if not warc_files(folder):
            raise FileNotFoundError(f"{explicit}: no WARC files (*.warc.gz) in this crawl folder")
        return folder
    root = paths.raw_source_dir("crawl")
    crawls = sorted(folder for folder in root.glob("*") if folder.is_dir() and warc_files(folder))
    return crawls[-1] if crawls else None


def crawl_pages(folder: Path, *, data_origin: str) -> pd.DataFrame:
    """The crawl log of ``folder`` as :data:`CRAWL_PAGES_SCHEMA` rows, sorted by address.

    The fetch times and WARC segment names stay in the folder (they differ from one crawl of the same
    pages to the next); the table keeps what a reader checks: outcome, HTTP status, reason, type, size.
    """
    for path in sorted(folder.glob("crawl-log-*.jsonl")):
        note_read(path)
    log = read_crawl_log(folder)
    pages = pd.DataFrame(
        {
            "url": log["url"].astype(str),
            "unit_id": log["unit_id"].astype("string[pyarrow]"),
            "crawl_site": log["site"].fillna("").astype(str),
            "crawl_outcome": log["outcome"].astype(str),
            "http_status": pd.to_numeric(log["status"], errors="coerce").fillna(0).astype("int64"),
            "reason": log["reason"].astype("string[pyarrow]").replace("", None),
            "content_type": log["content_type"].fillna("").astype(str),
            "page_bytes": pd.to_numeric(log["bytes"], errors="coerce").fillna(0).astype("int64"),
        }
    )
    pages = pages.assign(is_synthetic=data_origin.startswith("synthetic"), data_origin=data_origin)
    return pages.sort_values("url").reset_index(drop=True)


def crawl_findings(folder: Path, detector, *, data_origin: str) -> pd.DataFrame:
    """Replay every stored page of ``folder`` through ``detector``: :data:`CRAWL_FINDINGS_SCHEMA` rows, sorted."""
    for path in warc_files(folder):
        note_read(path)
    rows = list(replay_findings(folder, detector))
    columns = list(CRAWL_FINDINGS_SCHEMA.columns)
    if not rows:
        return pd.DataFrame({column: pd.Series(dtype=_dtype(column)) for column in columns})
    found = pd.DataFrame(rows).rename(columns={"status": "statement_status", "rule": "detector_rule"})
    found = found.assign(is_synthetic=data_origin.startswith("synthetic"), data_origin=data_origin)
    for column in ("language", "unit_id", "eu_place", "eu_country_iso2", "partner_id"):  # may be empty throughout
        found[column] = found[column].astype("string[pyarrow]")
    found["confidence"] = found["confidence"].astype(float)
    order = ["url", "unit_id", "partner_id", "partner_name", "statement_status", "evidence"]
    return found[columns].sort_values(order, na_position="last").reset_index(drop=True)


def crawl_ties(findings: pd.DataFrame) -> pd.DataFrame:
    """Established findings with a frame unit and a US or Chinese partner, merged per (unit, partner).

    A partner is keyed by its gazetteer id, else by country and normalised name. ``tie_type`` is the
    strongest relation type stated (:data:`TIE_TYPE_STRENGTH`), ``hit_count`` the number of findings and
    ``evidence_url`` the first address (in address order) that states the tie.
    """
    kept = findings[
        findings["statement_status"].eq("established")
        & findings["unit_id"].notna()
        & findings["partner_country_iso2"].isin(PARTNER_COUNTRIES)
    ]
    if kept.empty:
        return pd.DataFrame({column: pd.Series(dtype=_dtype(column)) for column in CRAWL_TIES_SCHEMA.columns})
    name_keys = "name:" + kept["partner_country_iso2"] + ":" + kept["partner_name"].map(normalise_name)
    kept = kept.assign(
        partner_key=kept["partner_id"].where(kept["partner_id"].notna(), name_keys),
        strength=kept["relation_type"].map(TIE_TYPE_STRENGTH),
    ).sort_values(["unit_id", "url", "evidence"])
    ties = (
        kept.groupby(["unit_id", "partner_key"], sort=True)
        .agg(
            partner_id=("partner_id", "first"),
            partner_name=("partner_name", lambda names: names.mode().iloc[0]),
            partner_country_iso2=("partner_country_iso2", "first"),
            strength=("strength", "max"),
            hit_count=("url", "size"),
            evidence_url=("url", "first"),
            is_synthetic=("is_synthetic", "all"),
            data_origin=("data_origin", "first"),
        )
        .reset_index()
    )
    strongest = {strength: tie_type for tie_type, strength in TIE_TYPE_STRENGTH.items()}
    ties["tie_type"] = ties.pop("strength").map(strongest)
    ties["hit_count"] = ties["hit_count"].astype("int64")
    ties["partner_id"] = ties["partner_id"].astype(object).where(ties["partner_id"].notna(), None)
    return ties[list(CRAWL_TIES_SCHEMA.columns)]


def data_origin_of(table: pd.DataFrame) -> str:
    """The one ``data_origin`` of a crawl table (pages, findings or ties); a table mixing origins is an error."""
    origins = sorted(set(table["data_origin"]))
    if len(origins) != 1:
        raise ValueError(f"a crawl table should come from one crawl, found origins {origins}")
    return origins[0]


def _dtype(column: str) -> str:
    dtype = str(CRAWL_FINDINGS_SCHEMA.columns.get(column, CRAWL_TIES_SCHEMA.columns.get(column)).dtype)
    return {"str": "str", "bool": "bool", "int64": "int64", "float64": "float64"}.get(dtype, "object")
