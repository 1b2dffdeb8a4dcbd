"""The crawl's seeds: official website addresses of the frame's units, read and checked against the frame.

Format (documented for the team in ``docs/crawling.md``): a UTF-8 CSV with the columns ``unit_id,url,languages,note``;
``unit_id`` a frame unit (``frame_units``: city id or NUTS2 code), ``url`` an absolute ``http(s)`` address, ``languages``
ISO 639-1 codes joined by ``;`` (the languages of :data:`LINK_TERMS_PATH`: the 24 official EU languages and the regional
ones; may be empty), ``note`` free text. Several rows per unit are allowed (city and region portal, a second domain).

:func:`read_seeds` returns the valid rows and a quarantine of the others, each with file, line, column and reason;
``strict=True`` (what the crawler uses) raises :class:`SeedsError` naming every problem instead.
:func:`units_without_site` lists the frame units that have no seed (a table the notebook shows).
:func:`registered_domain` is the site a seed opens: the crawl stays on it and its subdomains.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import pandas as pd

from analysis.core import paths
from analysis.core.tracking import note_read

SEED_COLUMNS: tuple[str, ...] = ("unit_id", "url", "languages", "note")
LINK_TERMS_PATH: Path = paths.REFERENCE / "crawl_link_terms.csv"
LANGUAGE_SEPARATOR = ";"
TEST_SUFFIX = ".test"  # the reserved TLD of the local test web (hosts like www.esslingen.de.test)
QUARANTINE_COLUMNS = ("file", "line", "column", "value", "reason")


class SeedsError(ValueError):
    """The seeds file has problems; the message names each one as ``file:line: column 'x': reason``."""


class Seeds(NamedTuple):
    rows: pd.DataFrame  # SEED_COLUMNS + line, site (registered domain of the url)
    quarantine: pd.DataFrame  # QUARANTINE_COLUMNS


def team_seeds_path() -> Path:
    """Where the team keeps its seeds: ``data/raw/crawl/seeds.csv``."""
    return paths.raw_dir() / "crawl" / "seeds.csv"


@functools.cache
def seed_languages() -> frozenset[str]:
    """Language codes a seed may name: the languages of the crawl's link vocabulary (24 EU + regional)."""
    note_read(LINK_TERMS_PATH)
    return frozenset(pd.read_csv(LINK_TERMS_PATH, dtype=str)["language"])


@functools.cache
def _domain_splitter():
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # the bundled suffix list: no download


def registered_domain(host: str) -> str:
    """The registrable domain of ``host`` (``www.stadt.esslingen.de`` -> ``esslingen.de``).

    A test-web host keeps its ``.test`` suffix (``www.esslingen.de.test`` -> ``esslingen.de.test``); a host
    without a public suffix (``localhost``) is its own site.
    """
    host = host.lower().rstrip(".")
    suffix = ""
    if host.endswith(TEST_SUFFIX):
        host, suffix = host[: -len(TEST_SUFFIX)], TEST_SUFFIX
    parts = _domain_splitter()(host)
    domain = f"{parts.domain}.{parts.suffix}" if parts.suffix and parts.domain else host
    return domain + suffix


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a seed, or ``None``: absolute http(s), a host with a dot, no spaces."""
    if not url:
        return "empty address"
    if any(char.isspace() for char in url):
        return "address contains spaces"
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises on a malformed port
    except ValueError as error:
        return f"malformed address ({error})"
    if parts.scheme not in ("http", "https"):
        return "expected an absolute http:// or https:// address"
    host = parts.hostname or ""
    if "." not in host or host.startswith(".") or ".." in host:
        return "expected a host name with a domain (e.g. www.esslingen.de)"
    return None


def _row_problems(record: dict[str, str], known_units: set[str]) -> list[tuple[str, str, str]]:
    problems = []
    unit_id = record["unit_id"].strip()
    if unit_id not in known_units:
        problems.append(("unit_id", unit_id, "not a unit of the frame (city id or NUTS2 code)" if unit_id else "empty"))
    url = record["url"].strip()
    reason = url_problem(url)
    if reason:
        problems.append(("url", url, reason))
    for code in filter(None, (part.strip() for part in record["languages"].split(LANGUAGE_SEPARATOR))):
        if code not in seed_languages():
            problems.append(("languages", code, f"unknown language code (expected ISO 639-1, e.g. {'de;fr'})"))
    return problems


def read_seeds(path: Path, units: pd.DataFrame, *, strict: bool = True) -> Seeds:
    """Read the seeds CSV at ``path`` and check every row against the frame ``units`` (``frame_units``).

    Problems: missing columns (the whole file), unknown unit ids, malformed addresses, unknown language codes,
    duplicate rows (same unit and address as an earlier line). ``strict`` raises :class:`SeedsError` listing them
    all; otherwise the problem rows go to the quarantine and the others are returned.
    """
    note_read(path)
    known_units = set(units["unit_id"].astype(str))
    rows, quarantine, first_line = [], [], {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in SEED_COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise SeedsError(f"{path}:1: missing column(s) {missing}; expected the header {','.join(SEED_COLUMNS)}")
        for record in reader:
            line = reader.line_num
            record = {column: (record.get(column) or "") for column in SEED_COLUMNS}
            problems = _row_problems(record, known_units)
            key = (record["unit_id"].strip(), record["url"].strip().rstrip("/").lower())
            if not problems and key in first_line:
                problems.append(("url", record["url"], f"duplicate of line {first_line[key]} (same unit and address)"))
            if problems:
                quarantine += [(str(path), line, column, value, reason) for column, value, reason in problems]
                continue
            first_line[key] = line
            rows.append({column: record[column].strip() for column in SEED_COLUMNS} | {"line": line})
    quarantined = pd.DataFrame(quarantine, columns=list(QUARANTINE_COLUMNS))
    if strict and len(quarantined):
        listing = "\n".join(
            f"  {row.file}:{row.line}: column '{row.column}' = {row.value!r}: {row.reason}"
            for row in quarantined.itertuples()
        )
        raise SeedsError(f"{path}: {len(quarantined)} problem(s) in the seeds file:\n{listing}")
    seeds = pd.DataFrame(rows, columns=[*SEED_COLUMNS, "line"])
    seeds["site"] = [registered_domain(urlsplit(url).hostname or "") for url in seeds["url"]]
    return Seeds(seeds, quarantined)


def units_without_site(seeds: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Frame units with no valid seed (``unit_id, unit_type, name, country_iso2``), sorted by country and name."""
    columns = [column for column in ("unit_id", "unit_type", "name", "country_iso2") if column in units.columns]
    missing = units[~units["unit_id"].astype(str).isin(set(seeds["unit_id"]))]
    return missing[columns].sort_values([c for c in ("country_iso2", "name") if c in columns]).reset_index(drop=True)


def write_seeds(seeds: pd.DataFrame, path: Path) -> Path:
    """Write ``seeds`` (at least ``unit_id`` and ``url``) in the seeds format; missing columns are left empty."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table = seeds.reindex(columns=list(SEED_COLUMNS)).fillna("")
    table.to_csv(path, index=False)
    return path
