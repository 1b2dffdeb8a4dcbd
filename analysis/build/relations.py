"""Harmonised partnership relations: one row per tie between an EU city (or NUTS2 region) and a partner.

Four public sources record twin towns and sister cities, each in its own shape:

``wikipedia_2026``  English Wikipedia lists (Hekman/twincities), names + country labels + geocoded coordinates
``wikidata_2017``   Wikidata P190 for EU-28 settlements (rogorido/sistercities), English labels + coordinates
``wikidata_2022``   Wikidata P190 between *cities* (albertoursino/graphs-comparison), QIDs + nodes with country
``wikidata_2016``   Wikidata P190 crawl (L3viathan/sister-cities), QIDs + mixed-language labels, no country

The pipeline is:

1. ``records_from_*`` turn each raw file into a common long *records* frame (side A and side B:
   name, raw country label, ISO2 country, coordinates, QID; plus the raw string).
2. :func:`orient_records` makes the EU-27 side the EU side of each record (a record between two
   EU places is used from both ends).
3. :func:`resolve_places` resolves names within a country against a name index: exact keys
   first (primary names, then alternate names, then affix-free keys), coordinates to pick between
   homonyms, and a fuzzy pass on leftovers only, blocked by country.
4. :func:`harmonise_relations` resolves the EU side against the frame of cities (or NUTS2
   regions) and the partner side against the gazetteer, and merges records of the same tie
   from any source into one row. Records that yield no tie go to the quarantine with a reason.

Decision on unresolved partners: when the partner's *country* is known but its place is not in
the gazetteer (or is ambiguous there), the tie is kept with ``partner_id`` empty, because the
study's outcomes (does a city have a US / Chinese partner?) need only the partner's country.
Such ties are identified by the partner's country and normalised name.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pycountry
from rapidfuzz import fuzz, process
from unidecode import unidecode

from analysis.build.frame import EU27_ISO2
from analysis.core import fields
from analysis.core.geo import haversine_km
from analysis.core.names import LEADING_AFFIXES, TRAILING_AFFIXES, normalise_name, split_alternate_names

SOURCES: tuple[str, ...] = ("wikipedia_2026", "wikidata_2017", "wikidata_2022", "wikidata_2016")

# EU-27 member states as ISO 3166-1 alpha-2 (GR for Greece, not Eurostat's EL), as in the frame.
EU27: frozenset[str] = frozenset(EU27_ISO2)

# Country labels that pycountry does not resolve (or resolves wrongly), as they appear in the sources.
COUNTRY_LABEL_OVERRIDES: dict[str, str | None] = {
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "republic of ireland": "IE",
    "people's republic of china": "CN",
    "china": "CN",
    "republic of china": "TW",
    "taiwan": "TW",
    "hong kong": "HK",
    "macau": "MO",
    "macao": "MO",
    "united states": "US",
    "united states of america": "US",
    "russia": "RU",
    "south korea": "KR",
    "north korea": "KP",
    "vietnam": "VN",
    "laos": "LA",
    "iran": "IR",
    "syria": "SY",
    "turkey": "TR",
    "moldova": "MD",
    "moldavia": "MD",
    "kosovo": "XK",  # user-assigned code, the common convention
    "palestine": "PS",
    "state of palestine": "PS",
    "palestinian national authority": "PS",
    "palestinian territories": "PS",
    "west bank": "PS",
    "gaza strip": "PS",
    "western sahara": "EH",
    "sahrawi arab democratic republic": "EH",
    "ivory coast": "CI",
    "cape verde": "CV",
    "east timor": "TL",
    "micronesia": "FM",
    "federated states of micronesia": "FM",
    "congo": "CG",
    "republic of the congo": "CG",
    "democratic republic of the congo": "CD",
    "the bahamas": "BS",
    "the gambia": "GM",
    "swaziland": "SZ",
    "republic of macedonia": "MK",
    "north macedonia": "MK",
    "bosnia and hercegovina": "BA",
    "kingdom of the netherlands": "NL",
    "sao tome and principe": "ST",
    "surinam": "SR",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "brunei": "BN",
    # typos and other-language labels seen in the Wikipedia lists
    "grece": "GR",
    "japa": "JP",
    "kazakhstah": "KZ",
    "madagaskar": "MG",
    "island": "IS",  # German/Scandinavian for Iceland (row: Norðurþing)
    "in italy": "IT",
    "falkland islands": "FK",
    # historical or unrecognised entities: country unknown rather than guessed
    "northern cyprus": None,
    "turkish republic of northern cyprus": None,
    "transnistria": None,
    "somaliland": None,
    "luhansk people's republic": None,
    "austria-hungary": None,
    "austrian empire": None,
    "kingdom of hungary": "HU",
    "kingdom of romania": "RO",
    "prussia": None,
    "mandatory palestine": None,
}

# Places some sources file under China (Wikidata's P17 is "People's Republic of China" for Macau)
# that the study keeps apart, by name key.
SPECIAL_TERRITORY_NAMES: dict[str, str] = {"macau": "MO", "macao": "MO", "hong kong": "HK", "taipei": "TW"}

# How far (km) a place's recorded coordinates may lie from the resolved entity, by entity level.
MAX_DISTANCE_KM: dict[str, float] = {
    "city": 30.0,
    "county": 120.0,
    "prefecture": 200.0,
    "state": 1500.0,
    "province": 1500.0,
    "region": 1500.0,
}
# Resolution prefers a city over a county over a state of the same name ("New York").
LEVEL_RANK: dict[str, int] = {"city": 0, "prefecture": 1, "county": 2, "state": 3, "province": 3, "region": 4}
# Fuzzy matches need a high name similarity *and* coordinates close to the entity: without the
# distance check, near-homonyms slip through (Müllheim ~ Mülheim, Eislingen ~ Esslingen).
FUZZY_THRESHOLD: float = 92.0
FUZZY_RADIUS_KM: float = 10.0

# Certainty order of match methods; a tie keeps the most certain method of its records.
MATCH_METHODS: tuple[str, ...] = ("exact", "alternate", "coordinates", "fuzzy", "unresolved")

RECORD_COLUMNS: tuple[str, ...] = (
    "source",
    "record_id",
    "a_name",
    "a_country_raw",
    "a_country_iso2",
    "a_latitude",
    "a_longitude",
    "a_qid",
    "b_name",
    "b_country_raw",
    "b_country_iso2",
    "b_latitude",
    "b_longitude",
    "b_qid",
    "raw_string",
)


# ---------------------------------------------------------------------------------------------
# Country labels
# ---------------------------------------------------------------------------------------------


def country_label_to_iso2(label: object) -> str | None:
    """ISO 3166-1 alpha-2 code of a free-text country label, or ``None`` when unknown.

    Handles "England, United Kingdom" (the part after the last comma names the country),
    "Georgia (country)" (parenthetical dropped), "People's Republic of China" (CN; Taiwan stays
    TW, Hong Kong HK, Macau MO), typos such as "Grece", and pycountry names, official names and
    common names. Greece is GR.
    """
    if label is None or (isinstance(label, float) and label != label):
        return None
    text = " ".join(str(label).split())
    if not text:
        return None
    if "," in text:
        text = text.rsplit(",", 1)[1].strip()
    if "(" in text:
        text = text.split("(", 1)[0].strip()
    lowered = text.casefold().replace("’", "'")
    for candidate in (lowered, normalise_name(lowered, drop_affixes=False)):
        if candidate in COUNTRY_LABEL_OVERRIDES:
            return COUNTRY_LABEL_OVERRIDES[candidate]
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        pass
    # pycountry's own names, compared on the same key (e.g. "Sao Tome and Principe" vs "São Tomé ...").
    return _PYCOUNTRY_KEYS.get(normalise_name(text, drop_affixes=False))


_PYCOUNTRY_KEYS: dict[str, str] = {
    normalise_name(getattr(country, attribute), drop_affixes=False): country.alpha_2
    for country in pycountry.countries
    for attribute in ("name", "official_name", "common_name")
    if getattr(country, attribute, None)
}


def country_labels_to_iso2(labels: pd.Series) -> pd.Series:
    """Vectorised :func:`country_label_to_iso2` (each distinct label is looked up once)."""
    lookup = {label: country_label_to_iso2(label) for label in labels.dropna().unique()}
    return labels.map(lookup).astype("string")


def country_label_region_hint(label: object) -> str | None:
    """The sub-national part of a label like "Brandenburg, Germany" ("Brandenburg"), else ``None``."""
    if not isinstance(label, str) or "," not in label:
        return None
    hint = label.rsplit(",", 1)[0].strip()
    return hint or None


# ---------------------------------------------------------------------------------------------
# Loaders: raw source files -> records
# ---------------------------------------------------------------------------------------------


def _records_frame(columns: Mapping[str, object], source: str) -> pd.DataFrame:
    records = pd.DataFrame(dict(columns))
    records.insert(0, "source", source)
    for column in RECORD_COLUMNS:
        if column not in records.columns:
            records[column] = pd.NA
    for side in ("a", "b"):
        iso2 = country_labels_to_iso2(records[f"{side}_country_raw"].astype("string"))
        territory = _keys_of(records[f"{side}_name"].astype("string"), drop_affixes=False).map(SPECIAL_TERRITORY_NAMES)
        records[f"{side}_country_iso2"] = territory.where(iso2.eq("CN") & territory.notna(), iso2).astype("string")
        for axis in ("latitude", "longitude"):
            records[f"{side}_{axis}"] = pd.to_numeric(records[f"{side}_{axis}"], errors="coerce").astype("float64")
    string_columns = [c for c in RECORD_COLUMNS if not c.endswith(("latitude", "longitude"))]
    records[string_columns] = records[string_columns].astype("string")
    return records.loc[:, list(RECORD_COLUMNS)].reset_index(drop=True)


def _record_ids(source: str, count: int) -> pd.Series:
    # The row number in the raw file: stable as long as the raw file is (the raw files are checksummed).
    return pd.Series([f"{source}:{row:06d}" for row in range(count)])


def records_from_wikipedia(raw: pd.DataFrame, geocoded: pd.DataFrame) -> pd.DataFrame:
    """Records of ``twin_cities_raw.csv`` (city1, country1, city2, country2), one per row.

    Coordinates come from ``twin_cities_geocoded.csv`` by (city, country) name, so that rows the
    geocoded file lost are still kept (without coordinates).
    """
    raw = raw.fillna("")
    coordinates = pd.concat(
        [
            geocoded[["city1", "country1", "lat1", "lng1"]].set_axis(["city", "country", "lat", "lng"], axis=1),
            geocoded[["city2", "country2", "lat2", "lng2"]].set_axis(["city", "country", "lat", "lng"], axis=1),
        ]
    ).drop_duplicates(["city", "country"])
    by_place = coordinates.set_index(["city", "country"])

    def lookup(city: pd.Series, country: pd.Series, column: str) -> pd.Series:
        index = pd.MultiIndex.from_arrays([city, country])
        return pd.Series(by_place[column].reindex(index).to_numpy())

    return _records_frame(
        {
            "record_id": _record_ids("wikipedia_2026", len(raw)),
            "a_name": raw["city1"].to_numpy(),
            "a_country_raw": raw["country1"].to_numpy(),
            "a_latitude": lookup(raw["city1"], raw["country1"], "lat"),
            "a_longitude": lookup(raw["city1"], raw["country1"], "lng"),
            "b_name": raw["city2"].to_numpy(),
            "b_country_raw": raw["country2"].to_numpy(),
            "b_latitude": lookup(raw["city2"], raw["country2"], "lat"),
            "b_longitude": lookup(raw["city2"], raw["country2"], "lng"),
            "raw_string": (
                raw["city1"] + ", " + raw["country1"] + " — " + raw["city2"] + ", " + raw["country2"]
            ).to_numpy(),
        },
        "wikipedia_2026",
    )


def records_from_wikidata_2017(raw: pd.DataFrame) -> pd.DataFrame:
    """Records of the concatenated rogorido TSV (origin settlement -> P190 partner), one per row."""
    raw = raw.fillna("")
    return _records_frame(
        {
            "record_id": _record_ids("wikidata_2017", len(raw)),
            "a_name": raw["origincityLabel"].to_numpy(),
            "a_country_raw": raw["origincountry"].to_numpy(),
            "a_latitude": raw["originlat"].to_numpy(),
            "a_longitude": raw["originlong"].to_numpy(),
            "b_name": raw["sistercityLabel"].to_numpy(),
            "b_country_raw": raw["destination_countryLabel"].to_numpy(),
            "b_latitude": raw["destinationlat"].to_numpy(),
            "b_longitude": raw["destinationlong"].to_numpy(),
            "raw_string": (
                raw["origincityLabel"]
                + ", "
                + raw["origincountry"]
                + " — "
                + raw["sistercityLabel"]
                + ", "
                + raw["destination_countryLabel"]
            ).to_numpy(),
        },
        "wikidata_2017",
    )


def records_from_wikidata_2022(nodes: pd.DataFrame, edges: pd.DataFrame) -> pd.DataFrame:
    """Records of the ursino edge list (qid_a, qid_b) with both ends' label, country and coordinates."""
    node_table = nodes.set_index("qid")
    a = node_table.reindex(edges["qid_a"])
    b = node_table.reindex(edges["qid_b"])
    return _records_frame(
        {
            "record_id": _record_ids("wikidata_2022", len(edges)),
            "a_qid": edges["qid_a"].to_numpy(),
            "a_name": a["label"].to_numpy(),
            "a_country_raw": a["country"].to_numpy(),
            "a_latitude": a["lat"].to_numpy(),
            "a_longitude": a["lon"].to_numpy(),
            "b_qid": edges["qid_b"].to_numpy(),
            "b_name": b["label"].to_numpy(),
            "b_country_raw": b["country"].to_numpy(),
            "b_latitude": b["lat"].to_numpy(),
            "b_longitude": b["lon"].to_numpy(),
            "raw_string": (
                edges["qid_a"]
                + " "
                + a["label"].fillna("?").to_numpy()
                + " — "
                + edges["qid_b"]
                + " "
                + b["label"].fillna("?").to_numpy()
            ).to_numpy(),
        },
        "wikidata_2022",
    )


def records_from_wikidata_2016(relations: pd.DataFrame, names: pd.DataFrame, nodes_2022: pd.DataFrame) -> pd.DataFrame:
    """Records of the L3viathan crawl (from_qid -> to_qid, one per P190 statement).

    Labels come from ``names.tsv``; country and coordinates come from the 2022 nodes by QID where
    the item is there. Items without a country get one later by unique name match
    (:func:`infer_missing_countries`).
    """
    label = names.drop_duplicates("qid").set_index("qid")["label"]
    node_table = nodes_2022.set_index("qid")
    a = node_table.reindex(relations["from_qid"])
    b = node_table.reindex(relations["to_qid"])
    a_label = label.reindex(relations["from_qid"]).to_numpy()
    b_label = label.reindex(relations["to_qid"]).to_numpy()
    return _records_frame(
        {
            "record_id": _record_ids("wikidata_2016", len(relations)),
            "a_qid": relations["from_qid"].to_numpy(),
            "a_name": a_label,
            "a_country_raw": a["country"].to_numpy(),
            "a_latitude": a["lat"].to_numpy(),
            "a_longitude": a["lon"].to_numpy(),
            "b_qid": relations["to_qid"].to_numpy(),
            "b_name": b_label,
            "b_country_raw": b["country"].to_numpy(),
            "b_latitude": b["lat"].to_numpy(),
            "b_longitude": b["lon"].to_numpy(),
            "raw_string": (
                relations["from_qid"]
                + " "
                + pd.Series(a_label).fillna("?").to_numpy()
                + " — "
                + relations["to_qid"]
                + " "
                + pd.Series(b_label).fillna("?").to_numpy()
            ).to_numpy(),
        },
        "wikidata_2016",
    )


def build_records(raw_frames: Mapping[str, Mapping[str, pd.DataFrame]]) -> pd.DataFrame:
    """All four sources' records in one frame.

    ``raw_frames`` maps source folder name -> file name -> DataFrame, as returned by
    :func:`read_raw_frames` (files read with ``keep_default_na=False``).
    """
    wikipedia = raw_frames["twincities_wikipedia_hekman"]
    wikidata_2017 = raw_frames["sistercities_wikidata2017_rogorido"]
    wikidata_2022 = raw_frames["sistercities_wikidata2022_ursino"]
    wikidata_2016 = raw_frames["sistercities_wikidata2016_l3viathan"]
    return pd.concat(
        [
            records_from_wikipedia(wikipedia["twin_cities_raw.csv"], wikipedia["twin_cities_geocoded.csv"]),
            records_from_wikidata_2017(wikidata_2017["sistercities_eu28_origins_wikidata2017.tsv"]),
            records_from_wikidata_2022(wikidata_2022["nodes.csv"], wikidata_2022["edges.csv"]),
            records_from_wikidata_2016(
                wikidata_2016["relations.tsv"], wikidata_2016["names.tsv"], wikidata_2022["nodes.csv"]
            ),
        ],
        ignore_index=True,
    )


# Files each source contributes, and how to read them (header-less TSVs get their column names).
RAW_FILES: dict[str, dict[str, dict[str, object]]] = {
    "twincities_wikipedia_hekman": {
        "twin_cities_raw.csv": {},
        "twin_cities_geocoded.csv": {},
    },
    "sistercities_wikidata2017_rogorido": {"sistercities_eu28_origins_wikidata2017.tsv": {"sep": "\t"}},
    "sistercities_wikidata2022_ursino": {"nodes.csv": {}, "edges.csv": {}},
    "sistercities_wikidata2016_l3viathan": {
        "relations.tsv": {"sep": "\t", "header": None, "names": ["from_qid", "to_qid"]},
        "names.tsv": {"sep": "\t", "header": None, "names": ["qid", "label"], "quoting": 3},
    },
}


def read_raw_frames() -> dict[str, dict[str, pd.DataFrame]]:
    """Read every raw partnership file named in :data:`RAW_FILES` (paths from ``sources.raw_path``)."""
    from analysis.acquire import sources
    from analysis.core.tracking import note_read

    frames: dict[str, dict[str, pd.DataFrame]] = {}
    for source_name, files in RAW_FILES.items():
        frames[source_name] = {}
        for file_name, options in files.items():
            path = sources.raw_path(source_name, file_name)
            note_read(path)
            frames[source_name][file_name] = pd.read_csv(path, keep_default_na=False, dtype=str, **options)
    return frames


# ---------------------------------------------------------------------------------------------
# Orientation and within-source duplicates
# ---------------------------------------------------------------------------------------------


def mark_duplicates_within_source(records: pd.DataFrame) -> pd.Series:
    """True for every record that repeats an earlier record of the same source exactly (same two
    places, same order, same labels). Records of one pair from both ends are *not* duplicates."""
    subset = ["source", "a_qid", "a_name", "a_country_raw", "b_qid", "b_name", "b_country_raw"]
    return records[subset].astype("string").fillna("").duplicated(keep="first")


def orient_records(records: pd.DataFrame) -> pd.DataFrame:
    """One row per (record, EU end): the EU-27 end becomes the ``eu_*`` side, the other ``partner_*``.

    A record between two EU-27 places yields two rows, one from each end; a record with no
    EU-27 end yields none. Column ``orientation`` is ``as_listed`` (side A is EU) or ``swapped``.
    """
    sides = {"a": "b", "b": "a"}
    fields = ("name", "country_raw", "country_iso2", "latitude", "longitude", "qid")
    parts = []
    for eu_side, partner_side in sides.items():
        selected = records[records[f"{eu_side}_country_iso2"].isin(EU27).fillna(False)]
        part = pd.DataFrame({"source": selected["source"], "record_id": selected["record_id"]})
        for field in fields:
            part[f"eu_{field}"] = selected[f"{eu_side}_{field}"]
            part[f"partner_{field}"] = selected[f"{partner_side}_{field}"]
        part["raw_string"] = selected["raw_string"]
        part["orientation"] = "as_listed" if eu_side == "a" else "swapped"
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------------------------------------
# Name indexes and resolution
# ---------------------------------------------------------------------------------------------

INDEX_COLUMNS: tuple[str, ...] = (
    "entity_id",
    "country_iso2",
    "key",
    "name_rank",
    "level",
    "admin_key",
    "latitude",
    "longitude",
    "population",
)


_AFFIX_TOKENS: frozenset[str] = frozenset(
    token for affix in (*LEADING_AFFIXES, *TRAILING_AFFIXES) for token in affix.split()[:1]
)


@functools.cache
def _cached_key(text: str, drop_affixes: bool) -> str:
    if not drop_affixes:
        return normalise_name(text, drop_affixes=False)
    exact = _cached_key(text, False)
    tokens = exact.split()
    # Re-normalising a key is cheap and only changes it when an affix can be dropped.
    if tokens and (tokens[0] in _AFFIX_TOKENS or tokens[-1] in _AFFIX_TOKENS):
        return normalise_name(exact, drop_affixes=True)
    return exact


def _isin(values: pd.Series, members) -> pd.Series:
    """``values.isin(members)`` through a hash set (pandas' Arrow-string ``isin`` is slow on large sets)."""
    return values.astype(object).isin(set(members))


def _keys_of(texts: pd.Series, *, drop_affixes: bool) -> pd.Series:
    """Normalised spaced keys of ``texts`` (each distinct text normalised once per process)."""
    values = texts.astype(object)
    unique = pd.unique(values.dropna().to_numpy(dtype=object))
    lookup = {text: _cached_key(str(text), drop_affixes) for text in unique}
    return values.map(lookup)


# Alternate names in Latin script only: every source writes names in Latin script, and
# transliterated Chinese/Arabic/Cyrillic alternates mostly add spurious collisions.
_LATIN_SCRIPT = re.compile(r"^[\u0000-\u024F\u1E00-\u1EFF\u2018-\u201F]+$")


def _latin_alternates(alternate_names: object) -> list[str]:
    # "Abbeville, Alabama" forms are left out: queries are also looked up by the part before a comma.
    return [name for name in split_alternate_names(alternate_names) if "," not in name and _LATIN_SCRIPT.match(name)]


def build_name_index(
    places: pd.DataFrame,
    *,
    id_column: str,
    name_columns: tuple[str, ...],
    alternate_column: str | None = None,
    level: str | pd.Series = "city",
    admin_columns: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Long name index of ``places``: one row per (entity, key).

    ``name_rank`` is 0 for keys of the primary names (``name_columns``), 1 for alternate names and
    2 for affix-free keys (e.g. "Suzhou City" -> "suzhou"). ``admin_key`` holds the normalised
    admin-1 name/code used to check hints like "Mansfield, Ohio". Keys come in spaced and compact
    ("xian") forms. Returns the columns in :data:`INDEX_COLUMNS`.
    """
    base = pd.DataFrame(
        {
            "entity_id": places[id_column].astype("string"),
            "country_iso2": places["country_iso2"].astype("string"),
            "level": level if isinstance(level, str) else pd.Series(level).astype("string").to_numpy(),
            "latitude": pd.to_numeric(places.get("latitude"), errors="coerce") if "latitude" in places else np.nan,
            "longitude": pd.to_numeric(places.get("longitude"), errors="coerce") if "longitude" in places else np.nan,
            "population": pd.to_numeric(places.get("population"), errors="coerce")
            if "population" in places
            else np.nan,
        }
    )
    admin = [_keys_of(places[column].astype("string"), drop_affixes=False) for column in admin_columns]
    admin_key = pd.Series("", index=places.index, dtype=object)
    for keys in admin:
        admin_key = admin_key + "|" + keys.fillna("").astype(object)
    base["admin_key"] = admin_key.to_numpy()
    names = []
    for column in name_columns:
        names.append(pd.DataFrame({"row": np.arange(len(places)), "text": places[column].to_numpy(), "name_rank": 0}))
    if alternate_column:
        alternates = [_latin_alternates(value) for value in places[alternate_column].astype(object).tolist()]
        rows = np.repeat(np.arange(len(places)), [len(names_of_place) for names_of_place in alternates])
        texts_of_rows = [name for names_of_place in alternates for name in names_of_place]
        names.append(pd.DataFrame({"row": rows, "text": pd.Series(texts_of_rows, dtype=object), "name_rank": 1}))
    texts = pd.concat(names, ignore_index=True).dropna(subset=["text"]).sort_values("name_rank", kind="stable")
    keyed = _keyed_names(
        texts["row"].to_numpy(), texts["text"].astype(object).map(str).to_numpy(), texts["name_rank"].to_numpy()
    )
    index = base.iloc[keyed["row"].to_numpy()].reset_index(drop=True)
    index["key"] = keyed["key"].to_numpy()
    index["name_rank"] = keyed["name_rank"].to_numpy()
    index["level_rank"] = index["level"].map(LEVEL_RANK).fillna(5).astype(int)
    return index.loc[:, [*INDEX_COLUMNS, "level_rank"]]


def _keyed_names(rows: np.ndarray, texts: np.ndarray, ranks: np.ndarray) -> pd.DataFrame:
    """(row, key, name_rank) for every name: exact keys first (at the name's rank), then affix-free
    keys at rank 2, each spaced and compact, keeping the best rank of each (row, key)."""
    seen: set[tuple[int, str]] = set()
    out_rows: list[int] = []
    out_keys: list[str] = []
    out_ranks: list[int] = []
    for drop_affixes in (False, True):
        for row, text, rank in zip(rows.tolist(), texts.tolist(), ranks.tolist(), strict=True):
            spaced = _cached_key(text, drop_affixes)
            for key in (spaced, spaced.replace(" ", "")):
                if key and (row, key) not in seen:
                    seen.add((row, key))
                    out_rows.append(row)
                    out_keys.append(key)
                    out_ranks.append(2 if drop_affixes else rank)
    return pd.DataFrame({"row": out_rows, "key": pd.Series(out_keys, dtype=object), "name_rank": out_ranks})


def frame_name_index(frame: pd.DataFrame) -> pd.DataFrame:
    """Name index of the frame's cities (name and ASCII name primary, alternate names secondary)."""
    return build_name_index(
        frame, id_column="city_id", name_columns=("name", "ascii_name"), alternate_column="alternate_names"
    )


def region_name_index(regions: pd.DataFrame) -> pd.DataFrame:
    """Name index of NUTS2 regions (Latin and national names)."""
    return build_name_index(
        regions.drop_duplicates("nuts2_code"),
        id_column="nuts2_code",
        name_columns=("name_latn", "name_national"),
        level="region",
    )


def gazetteer_name_index(gazetteer: pd.DataFrame) -> pd.DataFrame:
    """Name index of the partner gazetteer (levels city/county/state/province/prefecture)."""
    return build_name_index(
        gazetteer,
        id_column="partner_id",
        name_columns=("name",),
        alternate_column="alternate_names",
        level=gazetteer["level"],
        admin_columns=("admin1_name", "admin1_code"),
    )


def query_variants(queries: pd.DataFrame) -> pd.DataFrame:
    """Keys to look each query up by, with ``variant_rank`` (lower is tried first) and hints.

    Variants of a raw name, in order: the whole name; without a parenthetical ("Brooklyn (New
    York)" -> "Brooklyn", hint "New York"); the part before the first comma ("Mansfield, Ohio" ->
    "Mansfield", hint "Ohio"); each also in compact form, and affix-free ("City of Cork" -> "cork").
    """
    name = queries["name"].astype("string").fillna("")
    without_parenthetical = name.str.replace(r"\s*\([^)]*\)\s*", " ", regex=True).str.strip()
    parenthetical = name.str.extract(r"\(([^)]*)\)", expand=False)
    before_comma = name.str.extract(r"^([^,]*)", expand=False).str.strip()
    after_comma = name.str.extract(r",(.*)$", expand=False).str.strip()
    forms = [
        (name, pd.Series(pd.NA, index=queries.index, dtype="string")),
        (without_parenthetical, parenthetical),
        (before_comma, after_comma),
    ]
    parts = []
    rank = 0
    for text, hint in forms:
        for drop_affixes in (False, True):
            spaced = _keys_of(text, drop_affixes=drop_affixes).fillna("").astype(str)
            for key in (spaced, spaced.str.replace(" ", "", regex=False)):
                parts.append(
                    pd.DataFrame(
                        {
                            "query_id": queries["query_id"].to_numpy(),
                            "key": key.to_numpy(),
                            "hint": hint.to_numpy(),
                            "variant_rank": rank,
                        }
                    )
                )
                rank += 1
    variants = pd.concat(parts, ignore_index=True)
    variants = variants[variants["key"].fillna("").str.len() > 0]
    hints = _keys_of(variants["hint"].astype("string"), drop_affixes=False).astype(object)
    region_hint = _keys_of(queries.set_index("query_id")["hint"].astype("string"), drop_affixes=False).astype(object)
    variants["hint_key"] = hints.fillna(variants["query_id"].map(region_hint)).fillna("").astype(str)
    return variants.sort_values("variant_rank", kind="stable").drop_duplicates(["query_id", "key"])


RESOLUTION_COLUMNS: tuple[str, ...] = (
    "query_id",
    "entity_id",
    "status",
    "match_method",
    "match_score",
    "distance_km",
    "candidate_count",
)


def resolve_places(
    queries: pd.DataFrame,
    index: pd.DataFrame,
    *,
    fuzzy: bool = True,
) -> pd.DataFrame:
    """Resolve place names within their country against a name index.

    ``queries``: ``query_id`` (unique), ``country_iso2``, ``name``, ``latitude``, ``longitude``,
    ``hint`` (admin-1 text or empty). ``index``: from :func:`build_name_index`.

    Returns one row per query with :data:`RESOLUTION_COLUMNS`; ``status`` is ``resolved``,
    ``not_found``, ``ambiguous`` (several equally good candidates and no coordinates to choose)
    or ``coordinates_disagree`` (name found, but every candidate lies beyond its level's
    :data:`MAX_DISTANCE_KM` from the recorded coordinates). ``match_method`` is ``exact``
    (primary name), ``alternate`` (alternate or affix-free name), ``coordinates`` (homonyms
    told apart by distance) or ``fuzzy``. There is deliberately no pass on coordinates alone:
    neighbouring towns share name parts (Le Cannet ~ Cannes, Sant Feliu ~ Sant Boi de Llobregat).
    """
    queries = queries.reset_index(drop=True)
    variants = query_variants(queries)
    candidates = variants.merge(queries[["query_id", "country_iso2", "latitude", "longitude"]], on="query_id").merge(
        index, on=["country_iso2", "key"], suffixes=("", "_entity")
    )
    exact = _choose_candidates(candidates)
    exact["match_score"] = 100.0

    outcome = queries[["query_id"]].merge(exact, on="query_id", how="left")
    outcome["status"] = outcome["status"].fillna("not_found")
    if fuzzy:
        leftover = queries[_isin(queries["query_id"], outcome.loc[outcome["status"] == "not_found", "query_id"])]
        fuzzy_matches = _fuzzy_pass(leftover, variants, index)
        outcome = _overlay(outcome, fuzzy_matches)
    outcome["candidate_count"] = outcome["candidate_count"].fillna(0).astype(int)
    return outcome.loc[:, list(RESOLUTION_COLUMNS)]


def _overlay(outcome: pd.DataFrame, better: pd.DataFrame) -> pd.DataFrame:
    """Replace the rows of ``outcome`` whose query was resolved in ``better``."""
    if better.empty:
        return outcome
    kept = outcome[~_isin(outcome["query_id"], better["query_id"])]
    return pd.concat([kept, better], ignore_index=True)


def _choose_candidates(candidates: pd.DataFrame) -> pd.DataFrame:
    """Pick one entity per query from exact-key candidates (vectorised; see :func:`resolve_places`)."""
    if candidates.empty:
        return pd.DataFrame(columns=[c for c in RESOLUTION_COLUMNS if c != "match_score"])
    c = candidates.copy()
    # Only the best variant of the name counts (the whole name before its parts).
    c = c[c["variant_rank"] == c.groupby("query_id")["variant_rank"].transform("min")]
    c["distance_km"] = haversine_km(c["latitude"], c["longitude"], c["latitude_entity"], c["longitude_entity"])
    # An admin-1 hint ("Ohio") keeps only the candidates in that admin-1 unit, when any is.
    c["hint_ok"] = [
        bool(h) and h in admin.split("|") for h, admin in zip(c["hint_key"], c["admin_key"].fillna(""), strict=True)
    ]
    any_hint_ok = c.groupby("query_id")["hint_ok"].transform("any")
    c = c[~any_hint_ok | c["hint_ok"]]
    c["max_km"] = c["level"].map(MAX_DISTANCE_KM).fillna(MAX_DISTANCE_KM["city"])
    has_query_coordinates = c["latitude"].notna() & c["longitude"].notna()
    # Entities without coordinates (counties, states) cannot be checked and are not rejected.
    c["within"] = c["distance_km"].isna() | (c["distance_km"] <= c["max_km"])
    c["checked"] = has_query_coordinates
    per_query = c.groupby("query_id").agg(
        candidate_count=("entity_id", "nunique"), any_within=("within", "any"), checked=("checked", "first")
    )
    disagree = per_query.index[per_query["checked"] & ~per_query["any_within"]]
    c = c[c["within"]]
    c = c.sort_values(
        ["query_id", "level_rank", "name_rank", "distance_km", "population"],
        ascending=[True, True, True, True, False],
        na_position="last",
    )
    c = c.drop_duplicates(["query_id", "entity_id"])
    best = c.drop_duplicates("query_id", keep="first").set_index("query_id")
    # Equally good rivals: same level and name rank; only coordinates can separate them.
    tier = c.merge(best[["level_rank", "name_rank"]], left_on="query_id", right_index=True, suffixes=("", "_best"))
    tier = tier[(tier["level_rank"] == tier["level_rank_best"]) & (tier["name_rank"] == tier["name_rank_best"])]
    rivals = tier.groupby("query_id")["entity_id"].nunique()
    best["rivals"] = rivals.reindex(best.index).fillna(1).astype(int)
    best["candidate_count"] = per_query["candidate_count"].reindex(best.index)
    # Several entities carried the name and the recorded coordinates picked one (Frankfurt am Main / (Oder)).
    separated_by_distance = best["candidate_count"].gt(1) & best["distance_km"].notna()
    best["status"] = np.where(best["rivals"].gt(1) & best["distance_km"].isna(), "ambiguous", "resolved")
    best["match_method"] = np.select(
        [separated_by_distance, best["name_rank"].eq(0)], ["coordinates", "exact"], default="alternate"
    )
    result = best.reset_index()[["query_id", "entity_id", "status", "match_method", "distance_km", "candidate_count"]]
    result.loc[result["status"] == "ambiguous", ["entity_id", "match_method"]] = [pd.NA, pd.NA]
    disagreeing = pd.DataFrame(
        {
            "query_id": disagree,
            "entity_id": pd.NA,
            "status": "coordinates_disagree",
            "match_method": pd.NA,
            "distance_km": np.nan,
            "candidate_count": per_query["candidate_count"].reindex(disagree).to_numpy(),
        }
    )
    return pd.concat([result, disagreeing], ignore_index=True)


def _digits(key: str) -> str:
    return "".join(character for character in key if character.isdigit())


def _fuzzy_pass(leftover: pd.DataFrame, variants: pd.DataFrame, index: pd.DataFrame) -> pd.DataFrame:
    """Fuzzy match (rapidfuzz ratio >= :data:`FUZZY_THRESHOLD`) of leftover queries' whole-name keys,
    blocked by country, against primary and alternate keys; accepted only if the match is a single
    entity and the query's coordinates lie within :data:`FUZZY_RADIUS_KM` of it (cities) or within
    its level's limit (larger units). Queries without coordinates are not matched fuzzily."""
    if leftover.empty:
        return pd.DataFrame(columns=list(RESOLUTION_COLUMNS))
    # Only queries with coordinates: a fuzzy city match must be confirmed by distance anyway.
    leftover = leftover.dropna(subset=["latitude", "longitude"])
    if leftover.empty:
        return pd.DataFrame(columns=list(RESOLUTION_COLUMNS))
    first_key = variants[_isin(variants["query_id"], leftover["query_id"])].drop_duplicates("query_id")
    work = leftover.merge(first_key[["query_id", "key"]], on="query_id")
    found = []
    searchable = index[index["name_rank"] < 2]
    for country, group in work.groupby("country_iso2"):
        choices = searchable[searchable["country_iso2"] == country]
        if choices.empty:
            continue
        choice_keys = choices["key"].unique()
        unique_keys = group["key"].unique()
        scores = process.cdist(unique_keys, choice_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, workers=-1)
        rows, cols = np.nonzero(scores)
        if len(rows) == 0:
            continue
        hits = pd.DataFrame(
            {"key": unique_keys[rows], "matched_key": choice_keys[cols], "match_score": scores[rows, cols]}
        )
        # Numbers must agree exactly: "13th district" is not "11th district", "Prague 5" not "Prague 6".
        same_digits = [_digits(a) == _digits(b) for a, b in zip(hits["key"], hits["matched_key"], strict=True)]
        hits = hits[np.asarray(same_digits, dtype=bool)]
        hits = hits[hits["match_score"] == hits.groupby("key")["match_score"].transform("max")]
        found.append(
            group.merge(hits, on="key").merge(
                choices.rename(columns={"key": "matched_key"}),
                on=["country_iso2", "matched_key"],
                suffixes=("", "_entity"),
            )
        )
    if not found:
        return pd.DataFrame(columns=list(RESOLUTION_COLUMNS))
    hits = pd.concat(found, ignore_index=True)
    hits["distance_km"] = haversine_km(
        hits["latitude"], hits["longitude"], hits["latitude_entity"], hits["longitude_entity"]
    )
    # Cities need recorded coordinates within FUZZY_RADIUS_KM; larger units only their level's limit.
    is_city = hits["level"].eq("city")
    city_ok = hits["distance_km"].le(FUZZY_RADIUS_KM)
    max_km = hits["level"].map(MAX_DISTANCE_KM).fillna(MAX_DISTANCE_KM["city"])
    larger_ok = hits["distance_km"].isna() | hits["distance_km"].le(max_km)
    hits = hits[(is_city & city_ok) | (~is_city & larger_ok)]
    unique_entity = hits.groupby("query_id")["entity_id"].nunique() == 1
    hits = hits[hits["query_id"].isin(unique_entity.index[unique_entity])].drop_duplicates("query_id")
    return pd.DataFrame(
        {
            "query_id": hits["query_id"],
            "entity_id": hits["entity_id"],
            "status": "resolved",
            "match_method": "fuzzy",
            "match_score": hits["match_score"].astype(float),
            "distance_km": hits["distance_km"],
            "candidate_count": 1,
        }
    )


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


def infer_missing_countries(
    records: pd.DataFrame, frame_index: pd.DataFrame, gazetteer_index: pd.DataFrame
) -> pd.DataFrame:
    """Fill unknown ``a/b_country_iso2`` (Wikidata 2016 items not in the 2022 nodes) by unique name.

    A side's name key is looked up among frame city names (primary and alternate) and gazetteer
    primary names in *all* countries; when exactly one country has it, that country is taken.
    Adds boolean columns ``a_country_inferred`` and ``b_country_inferred``.
    """
    names = pd.concat(
        [
            frame_index.loc[frame_index["name_rank"] < 2, ["key", "country_iso2"]],
            gazetteer_index.loc[gazetteer_index["name_rank"] == 0, ["key", "country_iso2"]],
        ]
    ).drop_duplicates()
    country_count = names.groupby("key")["country_iso2"].nunique()
    unique_country = names[_isin(names["key"], country_count.index[country_count == 1])].drop_duplicates("key")
    by_key = unique_country.set_index("key")["country_iso2"]
    records = records.copy()
    for side in ("a", "b"):
        missing = records[f"{side}_country_iso2"].isna() & records[f"{side}_name"].notna()
        keys = _keys_of(records.loc[missing, f"{side}_name"], drop_affixes=False)
        inferred = keys.map(by_key).astype("string")
        records.loc[missing, f"{side}_country_iso2"] = inferred
        records[f"{side}_country_inferred"] = missing & records[f"{side}_country_iso2"].notna()
    return records


def _resolve_column_set(rows: pd.DataFrame, prefix: str, index: pd.DataFrame, **options) -> pd.DataFrame:
    """Resolve the distinct (country, name, coordinates, hint) places of ``rows`` once each.

    Returns :data:`RESOLUTION_COLUMNS` (minus ``query_id``) aligned with ``rows``.
    """
    columns = [
        f"{prefix}_country_iso2",
        f"{prefix}_name",
        f"{prefix}_latitude",
        f"{prefix}_longitude",
        f"{prefix}_hint",
    ]
    generic = ["country_iso2", "name", "latitude", "longitude", "hint"]
    places = rows[columns].set_axis(generic, axis=1)
    place_number = places.groupby(generic, dropna=False, sort=False).ngroup().to_numpy()
    distinct = places.assign(query_id=place_number).drop_duplicates("query_id").reset_index(drop=True)
    resolved = resolve_places(distinct, index, **options).set_index("query_id")
    aligned = resolved.reindex(place_number)
    return aligned.reset_index(drop=True).set_axis(rows.index)


def resolve_oriented(
    oriented: pd.DataFrame, frame_index: pd.DataFrame, regions_index: pd.DataFrame, gazetteer_index: pd.DataFrame
) -> pd.DataFrame:
    """Resolve both ends of oriented records.

    EU end: frame cities (exact, fuzzy, coordinates), then — for sources that can name regions —
    NUTS2 regions by exact name. Partner end: the gazetteer, when the partner's country is known.
    Adds ``eu_city_id``, ``eu_region_code``, ``eu_status``, ``eu_match_method``, ``eu_match_score``,
    ``eu_distance_km``, ``partner_id``, ``partner_status``, ``partner_match_method``,
    ``partner_match_score``, ``partner_distance_km``.
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
    records = infer_missing_countries(records, frame_index, gazetteer_index)
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
    failed = oriented[~_isin(oriented["record_id"], matched_ids)].sort_values(["record_id", "orientation"])
    failed = failed.drop_duplicates("record_id")
    quarantine = pd.concat(
        [
            _quarantine_rows(records[duplicate], "duplicate_within_source"),
            _quarantine_rows(records[self_relation & ~duplicate], "self_relation"),
            _no_eu_side_rows(usable[~_isin(usable["record_id"], oriented["record_id"])]),
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
    """One row per (EU entity, partner) from resolved oriented records (see :data:`RELATIONS_SCHEMA`)."""
    if ties.empty:
        return _empty_relations()
    ties = ties.copy()
    ties["eu_entity"] = ties["eu_city_id"].fillna("NUTS2:" + ties["eu_region_code"].astype("string"))
    ties["partner_name_key"] = _keys_of(ties["partner_name"].fillna(""), drop_affixes=False)
    # An unresolved partner takes the id that another record of the same EU place and name resolved to.
    resolved_names = (
        ties.dropna(subset=["partner_id"])
        .drop_duplicates(["eu_entity", "partner_country_iso2", "partner_name_key", "partner_id"])
        .drop_duplicates(["eu_entity", "partner_country_iso2", "partner_name_key"], keep=False)
        .set_index(["eu_entity", "partner_country_iso2", "partner_name_key"])["partner_id"]
    )
    lookup = pd.MultiIndex.from_frame(ties[["eu_entity", "partner_country_iso2", "partner_name_key"]])
    ties["partner_id"] = ties["partner_id"].fillna(
        pd.Series(resolved_names.reindex(lookup).to_numpy(), index=ties.index)
    )
    ties["partner_key"] = ties["partner_id"].fillna(ties["partner_country_iso2"] + ":" + ties["partner_name_key"])
    ties["relation_id"] = [relation_id_of(e, p) for e, p in zip(ties["eu_entity"], ties["partner_key"], strict=True)]
    ties["method_rank"] = np.maximum(
        ties["eu_match_method"].map(MATCH_METHODS.index).fillna(len(MATCH_METHODS) - 1),
        ties["partner_match_method"].map(MATCH_METHODS.index).fillna(len(MATCH_METHODS) - 1),
    ).astype(int)
    ties["source_rank"] = ties["source"].map(SOURCES.index)
    ties["raw_entry"] = ties["source"] + ": " + ties["raw_string"].fillna("")
    ties = ties.sort_values(["relation_id", "method_rank", "source_rank", "record_id"])

    grouped = ties.groupby("relation_id", sort=True)
    first = grouped.first()
    presence = pd.crosstab(ties["relation_id"], ties["source"]).reindex(columns=list(SOURCES), fill_value=0).gt(0)
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
    relations["partner_is_us"] = relations["partner_country_iso2"].eq("US").astype(bool)
    relations["partner_is_cn"] = relations["partner_country_iso2"].eq("CN").astype(bool)
    relations["partner_is_eu"] = relations["partner_country_iso2"].isin(EU27).astype(bool)
    joined = pd.Series("", index=presence.index, dtype=object)
    for source in SOURCES:
        joined = joined + np.where(presence[source], source + "|", "")
    relations["sources"] = joined.str.rstrip("|")
    relations["source_count"] = presence.sum(axis=1).astype("int64")
    for source in SOURCES:
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
    relations = relations.reset_index()
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

_LEVELS = ["city", "county", "state", "province", "prefecture"]


def _one_eu_end(relations: pd.DataFrame) -> pd.Series:
    return relations["eu_city_id"].notna() ^ relations["eu_region_code"].notna()


RELATIONS_SCHEMA = fields.schema(
    "relation_id eu_city_id eu_region_code eu_country_iso2 eu_name partner_id partner_name partner_country_iso2",
    "partner_level partner_is_us partner_is_cn partner_is_eu sources source_count",
    [f"in_{source}" for source in SOURCES],
    "raw_strings record_ids record_count match_method eu_match_method eu_match_score",
    ["partner_match_method", "partner_match_score"],
    checks={
        "eu_country_iso2": pa.Check.isin(sorted(EU27)),
        "partner_level": pa.Check.isin(_LEVELS),
        "source_count": pa.Check.le(len(SOURCES)),
        "match_method": pa.Check.isin(list(MATCH_METHODS)),
        "eu_match_method": pa.Check.isin(list(MATCH_METHODS[:-1])),
        "partner_match_method": pa.Check.isin(list(MATCH_METHODS)),
    },
    nullable=["partner_id"],
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
    checks={"source": pa.Check.isin(list(SOURCES)), "reason": pa.Check.isin(list(QUARANTINE_REASONS))},
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
    table = pd.DataFrame(index=pd.Index(SOURCES, name="source"))
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
        table = table.reindex([s for s in SOURCES if s in table.index])
    return table.rename_axis(by).sort_index() if by != "source" else table.rename_axis(by)


def frame_coverage(relations: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Frame cities with at least one recorded tie, with a US tie and with a Chinese tie (counts and shares)."""
    city_ties = relations.dropna(subset=["eu_city_id"])
    in_frame = city_ties[city_ties["eu_city_id"].isin(frame["city_id"])]
    city_total = frame["city_id"].nunique()
    rows = {
        "any partner": in_frame["eu_city_id"].nunique(),
        "US partner": in_frame.loc[in_frame["partner_is_us"], "eu_city_id"].nunique(),
        "Chinese partner": in_frame.loc[in_frame["partner_is_cn"], "eu_city_id"].nunique(),
        "US and Chinese partner": len(
            set(in_frame.loc[in_frame["partner_is_us"], "eu_city_id"])
            & set(in_frame.loc[in_frame["partner_is_cn"], "eu_city_id"])
        ),
    }
    table = pd.DataFrame({"frame_cities": city_total, "cities_with_tie": pd.Series(rows)})
    table["share"] = (table["cities_with_tie"] / city_total).round(3)
    return table.rename_axis("ties recorded")


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
    for source in SOURCES:
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


HAND_CHECK_COLUMNS: tuple[str, ...] = ("relation_id", "eu_city", "partner", "verdict", "note")
HAND_CHECK_SEED = "relations-hand-check-2026"


def hand_check_sample(relations: pd.DataFrame, size: int = 50, seed: str = HAND_CHECK_SEED) -> pd.DataFrame:
    """A reproducible sample of ``size`` ties: the ties with the smallest SHA-1 of ``seed:relation_id``.

    Ranking by a hash of the id (not by row position) keeps a checked tie in the sample when other
    ties are added or removed. Returns relation_id, eu_city, partner (name, country, level),
    sources and raw_strings, for checking by hand.
    """
    order = relations["relation_id"].map(lambda rid: hashlib.sha1(f"{seed}:{rid}".encode()).hexdigest())
    sample = relations.assign(order=order).sort_values("order").head(size)
    return pd.DataFrame(
        {
            "relation_id": sample["relation_id"],
            "eu_city": sample["eu_name"] + " (" + sample["eu_country_iso2"] + ")",
            "partner": sample["partner_name"]
            + " ("
            + sample["partner_country_iso2"]
            + ", "
            + sample["partner_level"].fillna("not in gazetteer")
            + ")",
            "sources": sample["sources"],
            "raw_strings": sample["raw_strings"],
        }
    ).reset_index(drop=True)


def compare_hand_check(sample: pd.DataFrame, checks: pd.DataFrame) -> dict[str, object]:
    """Summarise hand verdicts against the current sample.

    ``checks`` has :data:`HAND_CHECK_COLUMNS` and optionally ``basis``: ``knowledge`` when the tie
    was confirmed from what the checker knows, ``raw strings`` when it was only checked that the
    sources agree and the places are resolved as the raw records say.

    Returns ``checked`` (verdicts on ties still in the sample), ``right``, ``wrong``,
    ``right_from_knowledge``, ``missing_ids`` (checked ids no longer in the sample, e.g. after relation ids changed) and
    ``unchecked_ids`` (sample ids without a verdict).
    """
    bad = checks[~checks["verdict"].isin(["right", "wrong"])]
    if not bad.empty:
        raise ValueError(
            f"hand check: column 'verdict' must be 'right' or 'wrong'; rows {list(bad.index + 2)} "
            f"have {sorted(bad['verdict'].astype(str).unique())}"
        )
    current = checks[checks["relation_id"].isin(sample["relation_id"])]
    basis = current["basis"] if "basis" in current.columns else pd.Series("", index=current.index)
    return {
        "checked": len(current),
        "right": int((current["verdict"] == "right").sum()),
        "wrong": int((current["verdict"] == "wrong").sum()),
        "right_from_knowledge": int(((current["verdict"] == "right") & (basis == "knowledge")).sum()),
        "missing_ids": sorted(set(checks["relation_id"]) - set(sample["relation_id"])),
        "unchecked_ids": sorted(set(sample["relation_id"]) - set(checks["relation_id"])),
    }


def hand_check_path():
    """Committed CSV of hand verdicts on the sample (``analysis/checks/relations_hand_check.csv``)."""
    from analysis.core import paths

    return paths.CHECKS / "relations_hand_check.csv"


def read_hand_check() -> pd.DataFrame:
    """Read the committed hand verdicts (columns :data:`HAND_CHECK_COLUMNS`)."""
    from analysis.core.tracking import note_read

    path = hand_check_path()
    note_read(path)
    checks = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in HAND_CHECK_COLUMNS if c not in checks.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}; expected {list(HAND_CHECK_COLUMNS)}")
    return checks
