"""Harmonised partnership relations: one row per tie between an EU city (or NUTS2 region) and a partner.

The pipeline is:

1. :mod:`analysis.build.records` reads the four public sources into one long *records* frame
   and orients each record EU end first.
2. :func:`harmonise_relations` resolves the EU end against the frame of cities (or NUTS2
   regions) and the partner end against the gazetteer, both through the one place resolver
   (:mod:`analysis.build.resolve`), and merges records of the same partnership from any source
   into one row: homonym and level duplicates collapse, and each row gets its level, domestic
   flag, status and snapshot years (:mod:`analysis.build.partnerships`, where the definition
   is). Records that yield no tie go to the quarantine with a reason.
3. Accounting (:func:`row_accounting`, :func:`match_rates`) and the hand check read the result.

Decision on unresolved partners: when the partner's *country* is known but its place is not in
the gazetteer (or is ambiguous there), the tie is kept with ``partner_id`` empty, because the
study's outcomes (does a city have a US / Chinese partner?) need only the partner's country.
Such ties are identified by the partner's country and partnership name key.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pandera.pandas as pa
from unidecode import unidecode

from analysis.build.partnerships import (
    PARTNER_LEVELS,
    PARTNERSHIP_STATUSES,
    add_partnership_fields,
    collapse_partnerships,
)
from analysis.build.records import (
    EU27,
    RECORD_SOURCES,
    build_records,
    mark_duplicates_within_source,
    orient_records,
    read_raw_frames,
)
from analysis.build.resolve import (
    MATCH_METHODS,
    frame_name_index,
    gazetteer_name_index,
    in_set,
    lend_sibling_ids,
    name_key_series,
    region_name_index,
    resolve_place_table,
)
from analysis.core import fields
from analysis.core.countries import TERRITORY_SOVEREIGN, country_label_region_hint

# ---------------------------------------------------------------------------------------------
# Harmonisation: records -> relations + quarantine
# ---------------------------------------------------------------------------------------------

QUARANTINE_REASONS: dict[str, str] = {
    "duplicate_within_source": "exact repeat of an earlier record of the same source",
    "country_unknown": "neither end has a recognised EU-27 country, and at least one country is unknown",
    "no_eu27_side": "both countries known, neither is an EU-27 member state",
    "partner_country_unknown": "the EU end is known but the partner's country label is missing or unrecognised",
    "eu_side_not_in_frame": "the EU place is not a frame city (most are towns under 50,000) nor a NUTS2 region",
    "eu_side_district": "the EU place is a district of a city (Prague 5, Budapest XV, Berlin – Kreuzberg): not the city's own tie",
    "eu_side_ambiguous": "the EU name fits several frame cities equally and there are no coordinates to choose",
    "eu_side_coordinates_disagree": "the EU name fits a frame city, but the recorded coordinates are too far from it",
    "self_relation": "both ends are the same Wikidata item",
}

# Names of city districts: "Prague 5", "Budapest XV", "Vienna 2 – Leopoldstadt", "13th district of Budapest".
_DISTRICT_PATTERN = re.compile(
    r"\b(district|districts|bezirk|kerulete?|arrondissement|sector|sektor|dzielnica|stadtbezirk|ortsteil)\b"
    r"|^\w[\w\s-]* (\d{1,2}|[ivxl]{1,6})\b"
    r"| [-\u2013\u2014] ",
    flags=re.IGNORECASE,
)


def looks_like_district(name: object) -> bool:
    """True when ``name`` reads like a city district rather than a municipality."""
    if not isinstance(name, str):
        return False
    return bool(_DISTRICT_PATTERN.search(unidecode(name)))


# Sources whose EU side can be a region: the Wikidata 2017 and 2022 queries only return settlements/cities.
REGION_CAPABLE_SOURCES: frozenset[str] = frozenset({"wikipedia_2026", "wikidata_2016"})

# Ties are pairs of ids; a resolved partner is its gazetteer id, an unresolved one its country and name key.
RELATION_ID_LENGTH = 16


def relation_id_of(eu_entity: str, partner_key: str) -> str:
    """Stable id of a tie: the first 16 hex digits of SHA-1 of ``"<eu entity>→<partner key>"``."""
    return hashlib.sha1(f"{eu_entity}→{partner_key}".encode()).hexdigest()[:RELATION_ID_LENGTH]


# A country read from a name needs a sizeable place behind it: "Gorée" is a Texas town of 200, not the island.
INFERENCE_MIN_POPULATION: int = 50_000


def infer_missing_countries(
    records: pd.DataFrame, frame_index: pd.DataFrame | None = None, gazetteer_index: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Fill unknown ``a/b_country_iso2`` (Wikidata 2016 items not in the 2022 nodes) on evidence, not a name alone.

    Evidence, in order: (1) another record, of any source, names the same two places (name
    keys of both ends, in either order) and gives that side's place one country; (2) the name
    is a frame city or gazetteer name in exactly one country *and* belongs there to a place of at
    least :data:`INFERENCE_MIN_POPULATION` inhabitants (an unlabelled "Duluth" in a crawl of
    twinned bodies is Duluth, Minnesota; "Gorée" is not the Texas town of Goree). Adds boolean
    columns ``a_country_inferred`` and ``b_country_inferred``.
    """
    keys = {side: name_key_series(records[f"{side}_name"].astype("string"), drop_affixes=False) for side in "ab"}
    known = pd.concat(
        [
            pd.DataFrame({"place": keys[side], "other": keys[other], "iso2": records[f"{side}_country_iso2"]})
            for side, other in (("a", "b"), ("b", "a"))
        ],
        ignore_index=True,
    ).dropna()
    countries = known.drop_duplicates().groupby(["place", "other"])["iso2"].agg(["first", "nunique"])
    by_pair = countries.loc[countries["nunique"] == 1, "first"]
    by_name = _sizeable_unique_names(frame_index, gazetteer_index)
    records = records.copy()
    for side, other in (("a", "b"), ("b", "a")):
        missing = records[f"{side}_country_iso2"].isna() & keys[side].notna()
        pairs = pd.MultiIndex.from_arrays([keys[side][missing], keys[other][missing].fillna("")])
        from_pair = pd.Series(by_pair.reindex(pairs).to_numpy(), index=records.index[missing])
        inferred = from_pair.fillna(keys[side][missing].map(by_name)).astype("string")
        records.loc[missing, f"{side}_country_iso2"] = inferred
        records[f"{side}_country_inferred"] = missing & records[f"{side}_country_iso2"].notna()
    return records


def reconcile_territories(records: pd.DataFrame) -> pd.DataFrame:
    """A place filed under a sovereign (US, CN) by one record and under its territory by another record of the
    same pair takes the territory: "San Juan, United States of America" (Wikidata) is "San Juan, Puerto Rico"
    (Wikipedia) for the same EU city."""
    keys = {side: name_key_series(records[f"{side}_name"].astype("string"), drop_affixes=False) for side in "ab"}
    territorial = pd.concat(
        [
            pd.DataFrame({"place": keys[side], "other": keys[other], "iso2": records[f"{side}_country_iso2"]})
            for side, other in (("a", "b"), ("b", "a"))
        ],
        ignore_index=True,
    ).dropna()
    territorial = territorial[territorial["iso2"].isin(list(TERRITORY_SOVEREIGN))]
    territory_of = territorial.drop_duplicates(["place", "other"]).set_index(["place", "other"])["iso2"]
    records = records.copy()
    for side, other in (("a", "b"), ("b", "a")):
        pairs = pd.MultiIndex.from_arrays([keys[side].fillna(""), keys[other].fillna("")])
        territory = pd.Series(territory_of.reindex(pairs).to_numpy(), index=records.index).astype("string")
        recode = territory.notna() & records[f"{side}_country_iso2"].eq(territory.map(TERRITORY_SOVEREIGN)).fillna(
            False
        )
        records.loc[recode, f"{side}_country_iso2"] = territory[recode]
    return records


def _sizeable_unique_names(frame_index: pd.DataFrame | None, gazetteer_index: pd.DataFrame | None) -> pd.Series:
    """``{name key: ISO2}`` of keys found in one country only, where a place of that key is sizeable."""
    parts = [index for index in (frame_index, gazetteer_index) if index is not None]
    if not parts:
        return pd.Series(dtype="string")
    names = pd.concat([index[["key", "country_iso2", "population"]] for index in parts], ignore_index=True)
    country_count = names.groupby("key")["country_iso2"].nunique()
    unique = names[in_set(names["key"], country_count.index[country_count == 1])]
    sizeable = unique[pd.to_numeric(unique["population"], errors="coerce").ge(INFERENCE_MIN_POPULATION)]
    return sizeable.drop_duplicates("key").set_index("key")["country_iso2"]


def _resolve_column_set(rows: pd.DataFrame, prefix: str, index: pd.DataFrame, **options) -> pd.DataFrame:
    """Resolve the ``<prefix>_*`` place of each row (:func:`~analysis.build.resolve.resolve_place_table`)."""
    columns = {f"{prefix}_{field}": field for field in ("country_iso2", "name", "latitude", "longitude", "hint")}
    return resolve_place_table(rows[list(columns)].rename(columns=columns), index, **options)


def resolve_oriented(
    oriented: pd.DataFrame, frame_index: pd.DataFrame, regions_index: pd.DataFrame, gazetteer_index: pd.DataFrame
) -> pd.DataFrame:
    """Resolve both ends of oriented records.

    EU end: frame cities (exact, fuzzy, coordinates), then — for sources that can name regions —
    NUTS2 regions by exact name. Partner end: the gazetteer, when the partner's country is known.
    Adds ``eu_city_id``, ``eu_region_code``, ``eu_status``, ``eu_match_method``, ``eu_match_score``,
    ``eu_distance_km``, ``partner_id``, ``partner_status``, ``partner_match_method``,
    ``partner_match_score``, ``partner_distance_km``, ``partner_by_population``.
    """
    oriented = oriented.copy()
    oriented["eu_hint"] = oriented["eu_country_raw"].map(country_label_region_hint).astype("string")
    oriented["partner_hint"] = oriented["partner_country_raw"].map(country_label_region_hint).astype("string")

    eu = _resolve_column_set(oriented, "eu", frame_index)
    oriented["eu_city_id"] = eu["entity_id"].where(eu["status"] == "resolved").astype("string")
    oriented["eu_region_code"] = pd.Series(pd.NA, index=oriented.index, dtype="string")
    oriented["eu_status"] = eu["status"]
    oriented["eu_match_method"] = eu["match_method"].astype("string")
    oriented["eu_match_score"] = pd.to_numeric(eu["match_score"]).astype("float64")
    oriented["eu_distance_km"] = pd.to_numeric(eu["distance_km"]).astype("float64")

    region_candidates = (oriented["eu_status"] == "not_found") & oriented["source"].isin(REGION_CAPABLE_SOURCES)
    if region_candidates.any() and not regions_index.empty:
        regional = _resolve_column_set(oriented[region_candidates], "eu", regions_index, fuzzy=False)
        found = regional["status"] == "resolved"
        rows = regional.index[found]
        oriented.loc[rows, "eu_region_code"] = regional.loc[found, "entity_id"].astype("string")
        oriented.loc[rows, "eu_status"] = "resolved"
        oriented.loc[rows, "eu_match_method"] = regional.loc[found, "match_method"].astype("string")
        oriented.loc[rows, "eu_match_score"] = 100.0

    has_partner_country = oriented["partner_country_iso2"].notna()
    partner = _resolve_column_set(oriented[has_partner_country], "partner", gazetteer_index)
    partner = partner.reindex(oriented.index)
    oriented["partner_id"] = partner["entity_id"].where(partner["status"] == "resolved").astype("string")
    oriented["partner_status"] = partner["status"].where(has_partner_country, "country_unknown")
    oriented["partner_match_method"] = (
        partner["match_method"].where(partner["status"] == "resolved", "unresolved").astype("string")
    )
    oriented["partner_match_score"] = pd.to_numeric(partner["match_score"]).astype("float64")
    oriented["partner_distance_km"] = pd.to_numeric(partner["distance_km"]).astype("float64")
    oriented["partner_by_population"] = partner["by_population"].fillna(False).astype(bool)
    return oriented


def harmonise_relations(
    records: pd.DataFrame, frame: pd.DataFrame, regions: pd.DataFrame, gazetteer: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Resolve and merge ``records`` (from :func:`build_records`) into relations and a quarantine.

    Returns ``(relations, quarantine)``: relations follow :data:`RELATIONS_SCHEMA` (one row per
    tie, whatever the number of records and sources behind it); the quarantine has one row per
    record that yielded no tie, with its ``reason`` (see :data:`QUARANTINE_REASONS`). Every
    record is in exactly one of the two (see :func:`row_accounting`).
    """
    frame_index = frame_name_index(frame)
    regions_index = region_name_index(regions)
    gazetteer_index = gazetteer_name_index(gazetteer)
    return harmonise_with_indexes(records, frame, regions, gazetteer, frame_index, regions_index, gazetteer_index)


def harmonise_with_indexes(
    records: pd.DataFrame,
    frame: pd.DataFrame,
    regions: pd.DataFrame,
    gazetteer: pd.DataFrame,
    frame_index: pd.DataFrame,
    regions_index: pd.DataFrame,
    gazetteer_index: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`harmonise_relations` with the name indexes already built."""
    records = reconcile_territories(infer_missing_countries(records, frame_index, gazetteer_index))
    duplicate = mark_duplicates_within_source(records)
    self_relation = records["a_qid"].notna() & (records["a_qid"] == records["b_qid"]).fillna(False)
    usable = records[~duplicate & ~self_relation]
    oriented = resolve_oriented(orient_records(usable), frame_index, regions_index, gazetteer_index)

    oriented["reason"] = np.select(
        [
            oriented["eu_status"].eq("ambiguous"),
            oriented["eu_status"].eq("coordinates_disagree"),
            oriented["eu_status"].ne("resolved"),
            oriented["partner_status"].eq("country_unknown"),
        ],
        ["eu_side_ambiguous", "eu_side_coordinates_disagree", "eu_side_not_in_frame", "partner_country_unknown"],
        default="",
    )
    district = (oriented["reason"] == "eu_side_not_in_frame") & oriented["eu_name"].map(looks_like_district).astype(
        bool
    )
    oriented.loc[district, "reason"] = "eu_side_district"
    ties = oriented[oriented["reason"] == ""].copy()
    relations = _merge_ties(ties, frame, regions, gazetteer)

    matched_ids = set(ties["record_id"])
    failed = oriented[~in_set(oriented["record_id"], matched_ids)].sort_values(["record_id", "orientation"])
    failed = failed.drop_duplicates("record_id")
    quarantine = pd.concat(
        [
            _quarantine_rows(records[duplicate], "duplicate_within_source"),
            _quarantine_rows(records[self_relation & ~duplicate], "self_relation"),
            _no_eu_side_rows(usable[~in_set(usable["record_id"], oriented["record_id"])]),
            pd.DataFrame(
                {
                    "source": failed["source"],
                    "record_id": failed["record_id"],
                    "reason": failed["reason"],
                    "eu_country_iso2": failed["eu_country_iso2"],
                    "eu_name": failed["eu_name"],
                    "partner_name": failed["partner_name"],
                    "partner_country_raw": failed["partner_country_raw"],
                    "raw_string": failed["raw_string"],
                }
            ),
        ],
        ignore_index=True,
    )
    quarantine = quarantine.astype("string").sort_values("record_id", kind="stable").reset_index(drop=True)
    return relations, quarantine


def _quarantine_rows(records: pd.DataFrame, reason: str | pd.Series) -> pd.DataFrame:
    """Quarantine rows for whole records, with the side-A names (no orientation was made)."""
    return pd.DataFrame(
        {
            "source": records["source"],
            "record_id": records["record_id"],
            "reason": reason,
            "eu_country_iso2": pd.NA,
            "eu_name": records["a_name"],
            "partner_name": records["b_name"],
            "partner_country_raw": records["b_country_raw"],
            "raw_string": records["raw_string"],
        }
    )


def _no_eu_side_rows(records: pd.DataFrame) -> pd.DataFrame:
    both_known = records["a_country_iso2"].notna() & records["b_country_iso2"].notna()
    return _quarantine_rows(records, np.where(both_known, "no_eu27_side", "country_unknown"))


def _merge_ties(
    ties: pd.DataFrame, frame: pd.DataFrame, regions: pd.DataFrame, gazetteer: pd.DataFrame
) -> pd.DataFrame:
    """One row per (EU entity, partner) from resolved oriented records (see :data:`RELATIONS_SCHEMA`).

    Length: it fills the schema's columns one after another from one sorted, grouped frame,
    and pieces of it would only pass that frame around.
    """
    if ties.empty:
        return _empty_relations()
    ties = ties.copy()
    ties["eu_entity"] = ties["eu_city_id"].fillna("NUTS2:" + ties["eu_region_code"].astype("string"))
    ties["partner_name_key"] = name_key_series(ties["partner_name"].fillna(""), drop_affixes=False)
    ties["partner_id"] = lend_sibling_ids(
        ties.assign(by_population=ties["partner_by_population"]),
        ["eu_entity", "partner_country_iso2", "partner_name_key"],
    )
    ties = collapse_partnerships(ties, gazetteer)
    ties["partner_key"] = ties["partner_id"].fillna(ties["partner_country_iso2"] + ":" + ties["partnership_name_key"])
    ties["relation_id"] = [relation_id_of(e, p) for e, p in zip(ties["eu_entity"], ties["partner_key"], strict=True)]
    ties["method_rank"] = np.maximum(
        ties["eu_match_method"].map(MATCH_METHODS.index).fillna(len(MATCH_METHODS) - 1),
        ties["partner_match_method"].map(MATCH_METHODS.index).fillna(len(MATCH_METHODS) - 1),
    ).astype(int)
    ties["source_rank"] = ties["source"].map(RECORD_SOURCES.index)
    ties["raw_entry"] = ties["source"] + ": " + ties["raw_string"].fillna("")
    ties = ties.sort_values(["relation_id", "method_rank", "source_rank", "record_id"])

    grouped = ties.groupby("relation_id", sort=True)
    first = grouped.first()
    presence = (
        pd.crosstab(ties["relation_id"], ties["source"]).reindex(columns=list(RECORD_SOURCES), fill_value=0).gt(0)
    )
    presence = presence.reindex(first.index)
    raw_entries = ties.drop_duplicates(["relation_id", "raw_entry"]).groupby("relation_id", sort=True)["raw_entry"]
    relations = pd.DataFrame(index=first.index)
    relations["eu_city_id"] = first["eu_city_id"]
    relations["eu_region_code"] = first["eu_region_code"]
    relations["eu_country_iso2"] = first["eu_country_iso2"]
    frame_names = frame.drop_duplicates("city_id").set_index("city_id")["name"]
    region_names = regions.drop_duplicates("nuts2_code").set_index("nuts2_code")["name_latn"]
    relations["eu_name"] = first["eu_city_id"].map(frame_names).fillna(first["eu_region_code"].map(region_names))
    partner_table = gazetteer.drop_duplicates("partner_id").set_index("partner_id")
    relations["partner_id"] = first["partner_id"]
    relations["partner_name"] = first["partner_id"].map(partner_table["name"]).fillna(first["partner_name"])
    relations["partner_country_iso2"] = first["partner_country_iso2"]
    relations["partner_level"] = first["partner_id"].map(partner_table["level"]).astype("string")
    relations["collapsed_partner_ids"] = first["collapsed_partner_ids"]
    relations["partner_is_us"] = relations["partner_country_iso2"].eq("US").astype(bool)
    relations["partner_is_cn"] = relations["partner_country_iso2"].eq("CN").astype(bool)
    relations["partner_is_eu"] = relations["partner_country_iso2"].isin(EU27).astype(bool)
    joined = pd.Series("", index=presence.index, dtype=object)
    for source in RECORD_SOURCES:
        joined = joined + np.where(presence[source], source + "|", "")
    relations["sources"] = joined.str.rstrip("|")
    relations["source_count"] = presence.sum(axis=1).astype("int64")
    for source in RECORD_SOURCES:
        relations[f"in_{source}"] = presence[source].astype(bool)
    relations["raw_strings"] = raw_entries.agg(
        lambda entries: json.dumps([str(e) for e in entries], ensure_ascii=False)
    )
    relations["record_ids"] = grouped["record_id"].agg("|".join)
    relations["record_count"] = grouped["record_id"].nunique().astype("int64")
    relations["match_method"] = grouped["method_rank"].min().map(lambda rank: MATCH_METHODS[rank])
    relations["eu_match_method"] = first["eu_match_method"]
    relations["eu_match_score"] = first["eu_match_score"]
    relations["partner_match_method"] = first["partner_match_method"]
    relations["partner_match_score"] = first["partner_match_score"]
    relations = add_partnership_fields(relations.reset_index())
    string_columns = [c for c in RELATIONS_SCHEMA.columns if str(RELATIONS_SCHEMA.columns[c].dtype) == "string"]
    relations[string_columns] = relations[string_columns].astype("string")
    return relations.loc[:, list(RELATIONS_SCHEMA.columns)]


def _empty_relations() -> pd.DataFrame:
    """A relations table with no rows and the schema's dtypes."""
    columns = {}
    for name, column in RELATIONS_SCHEMA.columns.items():
        dtype = str(column.dtype)
        columns[name] = pd.Series(dtype="string" if dtype == "string" else dtype)
    return pd.DataFrame(columns)


def resolve_all(
    raw_frames: Mapping[str, Mapping[str, pd.DataFrame]],
    frame: pd.DataFrame,
    regions: pd.DataFrame,
    gazetteer: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Everything from raw source frames to ``(relations, quarantine)``; the benchmark's entry point."""
    return harmonise_relations(build_records(raw_frames), frame, regions, gazetteer)


def benchmark_entity_resolution() -> int:
    """Resolve all four sources against the processed frame, regions and gazetteer (for ``make bench``).

    Reads the inputs first, so the time measured by the caller includes reading them; returns the number of ties.
    """
    from analysis.core import tables

    relations, _ = resolve_all(
        read_raw_frames(), tables.read_table("cities"), tables.read_table("regions"), tables.read_table("gazetteer")
    )
    return len(relations)


# ---------------------------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------------------------


def _one_eu_end(relations: pd.DataFrame) -> pd.Series:
    return relations["eu_city_id"].notna() ^ relations["eu_region_code"].notna()


RELATIONS_SCHEMA = fields.schema(
    "relation_id eu_city_id eu_region_code eu_country_iso2 eu_name partner_id partner_name partner_country_iso2",
    "partner_level collapsed_partner_ids partner_is_us partner_is_cn partner_is_eu is_domestic",
    "status ended_year first_snapshot_year last_snapshot_year sources source_count",
    [f"in_{source}" for source in RECORD_SOURCES],
    "raw_strings record_ids record_count match_method eu_match_method eu_match_score",
    ["partner_match_method", "partner_match_score"],
    checks={
        "eu_country_iso2": pa.Check.isin(sorted(EU27)),
        "partner_level": pa.Check.isin(list(PARTNER_LEVELS)),
        "status": pa.Check.isin(list(PARTNERSHIP_STATUSES)),
        "source_count": pa.Check.le(len(RECORD_SOURCES)),
        "match_method": pa.Check.isin(list(MATCH_METHODS)),
        "eu_match_method": pa.Check.isin(list(MATCH_METHODS[:-1])),
        "partner_match_method": pa.Check.isin(list(MATCH_METHODS)),
    },
    nullable=["partner_id", "ended_year"],
    unique=["relation_id"],
    frame_checks=[
        pa.Check(_one_eu_end, element_wise=False, error="each tie has exactly one of eu_city_id / eu_region_code")
    ],
    strict=True,
    coerce=False,
    description=(
        "Twin-town / sister-city ties of EU-27 frame cities (>= 50,000 inhabitants) and NUTS2 regions with partners "
        "in any country, harmonised from Wikipedia (2026) and three Wikidata P190 snapshots (2016, 2017, 2022); "
        "one row per tie."
    ),
)

QUARANTINE_SCHEMA = fields.schema(
    "source record_id reason eu_country_iso2 eu_name partner_name partner_country_raw raw_string",
    checks={"source": pa.Check.isin(list(RECORD_SOURCES)), "reason": pa.Check.isin(list(QUARANTINE_REASONS))},
    nullable=["eu_country_iso2", "partner_name"],
    unique=["record_id"],
    strict=True,
    description="Partnership records that yielded no tie, with the reason.",
)


# ---------------------------------------------------------------------------------------------
# Accounting, match rates, premise tables, hand check
# ---------------------------------------------------------------------------------------------


def _matched_records(relations: pd.DataFrame) -> pd.DataFrame:
    """(record_id, source, eu_country_iso2) of every record behind a tie (one row per EU end)."""
    exploded = relations[["record_ids", "eu_country_iso2"]].assign(record_id=relations["record_ids"].str.split("|"))
    exploded = exploded.explode("record_id").drop(columns="record_ids")
    exploded["source"] = exploded["record_id"].str.split(":").str[0]
    return exploded.drop_duplicates(["record_id", "eu_country_iso2"])


def row_accounting(records: pd.DataFrame, relations: pd.DataFrame, quarantine: pd.DataFrame) -> pd.DataFrame:
    """Per source: records in, records behind at least one tie, records quarantined, and checks.

    ``balanced`` is True when in = matched + quarantined; ``overlap`` counts records that are both
    matched and quarantined (must be 0).
    """
    matched = _matched_records(relations).drop_duplicates("record_id")
    table = pd.DataFrame(index=pd.Index(RECORD_SOURCES, name="source"))
    table["records_in"] = records.groupby("source")["record_id"].nunique()
    table["records_matched"] = matched.groupby("source")["record_id"].nunique()
    table["records_quarantined"] = quarantine.groupby("source")["record_id"].nunique()
    table = table.fillna(0).astype("int64")
    overlap = matched.merge(quarantine[["record_id"]], on="record_id")
    table["overlap"] = overlap.groupby("source")["record_id"].nunique().reindex(table.index).fillna(0).astype("int64")
    table["balanced"] = table["records_in"].eq(table["records_matched"] + table["records_quarantined"]) & table[
        "overlap"
    ].eq(0)
    total = table.sum(numeric_only=True).to_frame("all sources").T
    total["balanced"] = bool(table["balanced"].all())
    return pd.concat([table, total]).rename_axis("source")


_NO_EU_SIDE = ("no_eu27_side", "country_unknown", "duplicate_within_source", "self_relation")


def match_rates(relations: pd.DataFrame, quarantine: pd.DataFrame, by: str = "source") -> pd.DataFrame:
    """Share of records with an EU-27 end that yielded a tie, by ``source`` or ``eu_country_iso2``.

    Records without an EU-27 end (and duplicates) are not in the denominator. Returns
    ``records_with_eu_end``, ``records_matched``, ``match_rate`` and one column per quarantine reason.
    """
    if by not in ("source", "eu_country_iso2"):
        raise ValueError(f"match_rates: by must be 'source' or 'eu_country_iso2', got {by!r}")
    matched = _matched_records(relations)
    matched_counts = matched.groupby(by)["record_id"].nunique()
    failing = quarantine[~quarantine["reason"].isin(_NO_EU_SIDE)]
    reasons = failing.groupby([by, "reason"])["record_id"].nunique().unstack(fill_value=0)
    table = pd.concat([matched_counts.rename("records_matched"), reasons], axis=1).fillna(0).astype("int64")
    table.insert(0, "records_with_eu_end", table.sum(axis=1))
    table.insert(2, "match_rate", (table["records_matched"] / table["records_with_eu_end"]).round(3))
    if by == "source":
        table = table.reindex([s for s in RECORD_SOURCES if s in table.index])
    return table.rename_axis(by).sort_index() if by != "source" else table.rename_axis(by)


def us_cn_ties_by_country(relations: pd.DataFrame) -> pd.DataFrame:
    """EU–US and EU–China ties (and EU places with one) by EU country, cities and regions together."""
    ties = relations.assign(eu_place=relations["eu_city_id"].fillna(relations["eu_region_code"]))
    grouped = ties.groupby("eu_country_iso2")
    table = pd.DataFrame(
        {
            "us_tie_count": grouped["partner_is_us"].sum(),
            "cn_tie_count": grouped["partner_is_cn"].sum(),
            "eu_places_with_us_tie": ties[ties["partner_is_us"]].groupby("eu_country_iso2")["eu_place"].nunique(),
            "eu_places_with_cn_tie": ties[ties["partner_is_cn"]].groupby("eu_country_iso2")["eu_place"].nunique(),
        }
    )
    return table.fillna(0).astype("int64").sort_values("us_tie_count", ascending=False)


def us_cn_ties_by_source(relations: pd.DataFrame) -> pd.DataFrame:
    """EU–US and EU–China ties recorded by each source, and by all sources together."""
    rows = {}
    for source in RECORD_SOURCES:
        present = relations[relations[f"in_{source}"]]
        rows[source] = {
            "us_tie_count": int(present["partner_is_us"].sum()),
            "cn_tie_count": int(present["partner_is_cn"].sum()),
            "tie_count": len(present),
        }
    rows["all sources"] = {
        "us_tie_count": int(relations["partner_is_us"].sum()),
        "cn_tie_count": int(relations["partner_is_cn"].sum()),
        "tie_count": len(relations),
    }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("source")
