"""The local test web: realistic multilingual municipal and regional sites built from the real frame and ties.

:func:`build_test_web` picks ``n_units`` frame units (every EU-27 country, so every official language;
some NUTS2 regions; units with a US or Chinese public partner first) and writes one site per unit under
``out_dir/<host>/`` (hosts ``www.<name>.<tld>.test``): a home page with a menu, a partner-cities page under
its local slug (``/partnerstaedte/``, ``/jumelage/``, ...) in every site language listing the unit's real
public partners (US and Chinese ones, with European ones as distractors), news articles, an international
page, a list of other cities' partnerships, and a council resolution as PDF. The statements on those pages
come from the templates of ``analysis/reference/testweb_phrases.csv`` (see :mod:`.testweb_pages`):
established, planned and ended partnerships, passing mentions, ties of *other* EU units, and every
look-alike class of ``testweb_statement_classes.csv``. Faults (slow, timeout, 5xx, redirect loop, robots.txt,
undeclared encodings, a huge page, binary ``.html``, a broken PDF, a 404 link) come from :mod:`.testweb_faults`.

Written beside the sites: ``seeds.csv`` (the crawler's seeds format: ``unit_id, url, languages, note``),
``truth.csv`` (one row per statement placed on the web; empty strings where a column does not apply),
``faults.csv`` (one row per fault URL with what a crawl must record: ``fetched``, ``failed: <reason>`` or
``disallowed``), ``pages.csv`` (every URL a complete polite crawl meets, linked from the seeds, with the same
``expected``: the fault's, else ``fetched``; robots.txt files aside) and ``server_faults.json`` (read by
:mod:`.server`). The web is SYNTHETIC: the ties are real
public ties, but the pages, sentences, planned and ended partnerships are made up. Two builds with the same
inputs and seed give byte-identical files.
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pandera.pandas as pa

from analysis.collect.web import testweb_faults, testweb_sites
from analysis.collect.web.testweb_sites import PARTNER_COUNTRIES
from analysis.core import fields
from analysis.core.countries import EU27_ISO2
from analysis.core.tracking import note_write

DEFAULT_N_UNITS = 60
REGION_SHARE = 0.1  # about one site in ten is a NUTS2 region's
SEEDS_COLUMNS = ["unit_id", "url", "languages", "note"]
TRUTH_COLUMNS = [
    "url",
    "unit_id",
    "partner_id",
    "partner_country_iso2",
    "relation_type",
    "status",
    "lookalike_class",
    "language",
    "statement_class",
    "eu_name",
    "partner_name",
    "evidence",
]
FAULT_COLUMNS = ["url", "fault", "expected", "note"]


class TestWeb(NamedTuple):
    """A built test web: its folder, seeds (seeds format), truth (one row per statement), faults (one per URL)."""

    root: Path
    seeds: pd.DataFrame
    truth: pd.DataFrame
    faults: pd.DataFrame


TestWeb.__test__ = False  # not a pytest test class


@dataclass
class WebFiles:
    """Everything a build writes, before it is written: files by relative path, rows of the three tables."""

    files: dict[str, bytes] = field(default_factory=dict)
    seeds: list[dict] = field(default_factory=list)
    truth: list[dict] = field(default_factory=list)
    faults: list[dict] = field(default_factory=list)
    server_faults: dict[str, dict] = field(default_factory=dict)


# The three tables in vocabulary names; the files use the contract's shorter names (status, note, languages),
# which the vocabulary gives other meanings, so the functions below rename them.
TRUTH_SCHEMA = fields.schema(
    TRUTH_COLUMNS[:4],
    "relation_type",
    ["statement_status", "lookalike_class", "language", "statement_class", "eu_name", "partner_name", "evidence"],
    checks={"partner_country_iso2": pa.Check.isin(PARTNER_COUNTRIES)},
)
FAULTS_SCHEMA = fields.schema("url fault expected fault_note", unique=["url"])
SEEDS_SCHEMA = fields.schema(["unit_id", "url", "seed_languages", "seed_note"])


def truth_schema() -> pa.DataFrameSchema:
    """The truth table: the contract's columns, then the statement class, names as written and the sentence."""
    return TRUTH_SCHEMA.rename_columns({"statement_status": "status"})


def faults_schema() -> pa.DataFrameSchema:
    """The faults table: one row per fault URL."""
    return FAULTS_SCHEMA.rename_columns({"fault_note": "note"})


def seeds_schema() -> pa.DataFrameSchema:
    """Seeds in the crawler's format."""
    return SEEDS_SCHEMA.rename_columns({"seed_languages": "languages", "seed_note": "note"})


def public_ties(relations: pd.DataFrame) -> pd.DataFrame:
    """Public ties with a gazetteer partner: ``unit_id, partner_id, partner_name, partner_country_iso2, status``."""
    ties = relations.assign(unit_id=relations["eu_city_id"].fillna(relations["eu_region_code"]).astype(str))
    ties = ties[ties["partner_id"].notna() & ties["partner_name"].notna()]
    columns = ["unit_id", "partner_id", "partner_name", "partner_country_iso2", "status"]
    ties = ties[columns].astype(str).drop_duplicates(["unit_id", "partner_id"])
    return ties.sort_values(["unit_id", "partner_id"]).reset_index(drop=True)


def sample_units(units: pd.DataFrame, ties: pd.DataFrame, n_units: int, rng: random.Random) -> pd.DataFrame:
    """``n_units`` units: one per EU-27 country first, then NUTS2 regions, then more; units with US/CN ties first.

    Within each step the units with a US or Chinese public partner come first (in a seeded random order),
    then the others (largest first). Returns the chosen rows of ``units`` in the order chosen.
    """
    counts = ties[ties["partner_country_iso2"].isin(PARTNER_COUNTRIES)].groupby("unit_id").size()
    pool = units.assign(us_cn_ties=units["unit_id"].map(counts).fillna(0).astype(int))
    pool = pool.sort_values("unit_id").reset_index(drop=True)
    draws = pd.Series([rng.random() for _ in range(len(pool))], index=pool.index)
    pool["rank"] = (pool["us_cn_ties"] > 0).map({True: 0, False: 1})
    pool["draw"] = draws.where(pool["rank"].eq(0), -pool["population"].fillna(0).astype(float))
    pool = pool.sort_values(["rank", "draw", "unit_id"]).reset_index(drop=True)
    chosen: list[str] = []

    def take(candidates: pd.DataFrame, limit: int) -> None:
        for unit_id in candidates["unit_id"]:
            if len(chosen) >= limit:
                return
            if unit_id not in chosen:
                chosen.append(unit_id)

    for country in EU27_ISO2:
        take(pool[(pool["country_iso2"] == country) & (pool["unit_type"] == "city")].head(1), n_units)
    for country in EU27_ISO2:  # a country without frame cities still gets its region
        if not pool[pool["country_iso2"] == country]["unit_id"].isin(chosen).any():
            take(pool[pool["country_iso2"] == country].head(1), n_units)
    n_regions = max(1, round(REGION_SHARE * n_units))
    take(pool[pool["unit_type"] == "region"], min(n_units, len(chosen) + n_regions))
    # the rest in turns by country, so that big countries do not crowd out the others
    pool["turn"] = pool.groupby("country_iso2").cumcount()
    take(pool.sort_values(["rank", "turn", "draw"]), n_units)
    return pool.set_index("unit_id").loc[chosen].reset_index().drop(columns=["draw", "rank", "turn"])


def build_test_web(
    units: pd.DataFrame,
    relations: pd.DataFrame,
    gazetteer: pd.DataFrame,
    *,
    seed: int,
    out_dir: Path,
    n_units: int | None = None,
) -> TestWeb:
    """Build the test web under ``out_dir`` (emptied first) and return its seeds, truth and faults.

    ``units``: :func:`analysis.build.outcomes.frame_units` (an optional ``alternate_names`` column gives
    Greek and Bulgarian sites their unit's name in their script); ``relations``: the public relations
    table; ``gazetteer``: the partner gazetteer. ``n_units`` defaults to :data:`DEFAULT_N_UNITS`.
    """
    rng = random.Random(seed)
    ties = public_ties(relations)
    chosen = sample_units(units, ties, n_units or DEFAULT_N_UNITS, rng)
    context = testweb_sites.SiteContext.build(units, ties, gazetteer, chosen, rng)
    plans = testweb_sites.plan_sites(chosen, context)
    web = WebFiles()
    fault_plan = testweb_faults.plan_faults(plans, context, rng)
    for plan in plans:
        testweb_sites.render_site(plan, context, web, fault_plan)
    testweb_faults.render_faults(fault_plan, web)
    return write_test_web(web, Path(out_dir))


def write_test_web(web: WebFiles, out_dir: Path) -> TestWeb:
    """Write the files and tables of ``web`` under ``out_dir`` (emptied first); validate the tables."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    for folder in sorted({(out_dir / relative).parent for relative in web.files}):
        folder.mkdir(parents=True, exist_ok=True)
    for relative, body in sorted(web.files.items()):
        (out_dir / relative).write_bytes(body)
    seeds = seeds_schema().validate(pd.DataFrame(web.seeds, columns=SEEDS_COLUMNS))
    truth = pd.DataFrame(web.truth, columns=TRUTH_COLUMNS).sort_values(["url", "evidence", "unit_id", "partner_id"])
    truth = truth_schema().validate(truth.reset_index(drop=True))
    faults = faults_schema().validate(pd.DataFrame(web.faults, columns=FAULT_COLUMNS).sort_values("url"))
    faults = faults.reset_index(drop=True)
    pages = expected_pages(web, faults)
    for name, table in (("seeds.csv", seeds), ("truth.csv", truth), ("faults.csv", faults), ("pages.csv", pages)):
        table.to_csv(out_dir / name, index=False, lineterminator="\n")
        note_write(out_dir / name)
    (out_dir / "server_faults.json").write_text(
        json.dumps(web.server_faults, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return TestWeb(root=out_dir, seeds=seeds, truth=truth, faults=faults)


def expected_pages(web: WebFiles, faults: pd.DataFrame) -> pd.DataFrame:
    """``url, expected`` of every page and PDF of the web and every fault URL (sorted by URL)."""
    urls = {"http://" + relative.removesuffix("index.html") for relative in web.files}
    urls = {url for url in urls if not url.endswith("/robots.txt")} | set(faults["url"])
    expected = dict(zip(faults["url"], faults["expected"]))
    return pd.DataFrame({"url": sorted(urls), "expected": [expected.get(url, "fetched") for url in sorted(urls)]})


def build_from_tables(out_dir: Path, *, seed: int, n_units: int | None = None) -> TestWeb:
    """:func:`build_test_web` on the processed tables (cities with their alternate names, regions, relations,
    gazetteer): the demonstration web of the real frame."""
    from analysis.build.outcomes import frame_units
    from analysis.core import tables

    cities = tables.read_table("cities")
    units = frame_units(cities, tables.read_table("regions"))
    alternates = dict(zip(cities["city_id"].astype(str), cities["alternate_names"].fillna("").astype(str)))
    units["alternate_names"] = units["unit_id"].map(alternates).fillna("")
    relations, gazetteer = tables.read_table("relations"), tables.read_table("gazetteer")
    return build_test_web(units, relations, gazetteer, seed=seed, out_dir=out_dir, n_units=n_units)


def main(argv: list[str] | None = None) -> None:
    """``python -m analysis.collect.web.testweb OUT_DIR [--seed N] [--n-units N]``: build the web of the tables."""
    import argparse

    parser = argparse.ArgumentParser(
        description="Build the local test web (synthetic sites) from the processed tables."
    )
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--n-units", type=int, default=None)
    arguments = parser.parse_args(argv)
    web = build_from_tables(arguments.out_dir, seed=arguments.seed, n_units=arguments.n_units)
    print(f"{len(web.seeds)} seeds, {len(web.truth)} statements, {len(web.faults)} faults under {web.root}")


if __name__ == "__main__":
    main()
