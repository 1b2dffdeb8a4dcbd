"""Rows of the partner gazetteer: their columns, the helpers every builder shares, and linking to GeoNames.

The builders of :mod:`analysis.build.us_places`, :mod:`analysis.build.china_units` and
:mod:`analysis.build.gazetteers` shape their rows with :func:`as_gazetteer`, filter GeoNames
alternate names with :func:`filter_alternate_names` and link rows to GeoNames cities one-to-one
with :func:`geonames_link_keys`, :func:`link_rows_to_geonames` and :func:`apply_geonames_links`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from analysis.core.geo import haversine_km
from analysis.core.names import compact_key, join_alternate_names, normalise_name, split_alternate_names

GAZETTEER_COLUMNS: list[str] = [
    "partner_id",
    "name",
    "country_iso2",
    "level",
    "admin1_name",
    "admin1_code",
    "latitude",
    "longitude",
    "population",
    "alternate_names",
    "geonameid",
    "source",
]

_HAN_CHARACTER = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# Latin, Greek, Cyrillic and Han (plus punctuation): the scripts of EU languages and Chinese pages.
_KEPT_SCRIPTS = re.compile(
    r"^[\u0000-\u02ff\u0370-\u03ff\u0400-\u052f\u1e00-\u1fff\u2000-\u206f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+$"
)
_CODE_LIKE = re.compile(r"^[A-Z]{1,4}$")  # IATA codes and abbreviations (e.g. "NYC", "HK") collide with words


def keep_alternate_name(name: str) -> bool:
    """Whether a GeoNames alternate name is worth indexing.

    Kept: names in Latin, Greek, Cyrillic or Han script (EU languages and Chinese pages).
    Dropped: other scripts, and codes such as "NYC" or "HK" that collide with ordinary words.
    """
    text = name.strip()
    return bool(text) and len(text) <= 80 and not _CODE_LIKE.match(text) and bool(_KEPT_SCRIPTS.match(text))


def filter_alternate_names(names: Iterable[str]) -> list[str]:
    """The alternate names that :func:`keep_alternate_name` keeps, in order."""
    return [name for name in names if isinstance(name, str) and keep_alternate_name(name)]


def slug(name: str) -> str:
    return compact_key(normalise_name(name, drop_affixes=False)) or "unnamed"


def empty_gazetteer() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=object) for column in GAZETTEER_COLUMNS})


def as_gazetteer(frame: pd.DataFrame) -> pd.DataFrame:
    """Order the columns and give them the schema's dtypes."""
    frame = frame.reindex(columns=GAZETTEER_COLUMNS).reset_index(drop=True)
    frame["population"] = pd.to_numeric(frame["population"], errors="coerce").round().astype("Int64")
    frame["geonameid"] = pd.to_numeric(frame["geonameid"], errors="coerce").astype("Int64")
    frame["latitude"] = pd.to_numeric(frame["latitude"], errors="coerce").astype(float)
    frame["longitude"] = pd.to_numeric(frame["longitude"], errors="coerce").astype(float)
    frame["alternate_names"] = frame["alternate_names"].fillna("").astype(str)
    return frame


def qualified_forms(name: str, admin1_name: object, admin1_abbreviation: object = None) -> list[str]:
    """'X, State', 'X (State)' and 'X, ST' forms that pages use to disambiguate a place."""
    forms = []
    for qualifier in (admin1_name, admin1_abbreviation):
        if isinstance(qualifier, str) and qualifier and qualifier != name:
            forms.append(f"{name}, {qualifier}")
    return forms


# --------------------------------------------------------------------------- linking to GeoNames


def geonames_link_keys(geonames: pd.DataFrame, admin1_codes: pd.Series | None = None) -> pd.DataFrame:
    """Keys GeoNames cities are linked by: ``geonameid, country_iso2, admin1_code, link_key, key_rank``.

    ``key_rank`` 0: the affix-free compact key of the GeoNames name, and every Han-script
    alternate name as written; 1: compact keys of the other kept alternate names.
    ``admin1_codes`` (aligned with ``geonames``) overrides the admin1 codes (used to put
    Chinese cities on adcode province codes).
    """
    admin1 = geonames["admin1_code"] if admin1_codes is None else admin1_codes
    records = []
    for geonameid, country, admin1_code, name, alternates in zip(
        geonames["geonameid"], geonames["country_iso2"], admin1, geonames["name"], geonames["alternate_names"]
    ):
        records.append((geonameid, country, admin1_code, compact_key(normalise_name(name)), 0))
        for alternate in filter_alternate_names(
            alternates if isinstance(alternates, list) else split_alternate_names(alternates)
        ):
            if _HAN_CHARACTER.search(alternate):
                records.append((geonameid, country, admin1_code, alternate.strip(), 0))
            else:
                records.append((geonameid, country, admin1_code, compact_key(normalise_name(alternate)), 1))
    keys = pd.DataFrame.from_records(
        records, columns=["geonameid", "country_iso2", "admin1_code", "link_key", "key_rank"]
    )
    keys = keys[keys["link_key"] != ""]
    return keys.sort_values("key_rank").drop_duplicates(["geonameid", "link_key"], ignore_index=True)


def link_rows_to_geonames(
    row_keys: pd.DataFrame,
    rows: pd.DataFrame,
    geonames: pd.DataFrame,
    geonames_keys: pd.DataFrame,
    *,
    max_distance_km: float = 75.0,
    max_distance_km_weak: float = 30.0,
    max_match_rank: int = 2,
) -> pd.DataFrame:
    """Link gazetteer rows to GeoNames cities one-to-one.

    ``row_keys``: ``partner_id, link_key, key_rank`` (optionally ``row_priority``, lower
    first among equally strong pairs) for the rows to link; ``rows``:
    those gazetteer rows (for country, admin1 and coordinates); ``geonames_keys``: from
    :func:`geonames_link_keys`. A pair must agree on country, admin1 code and a key.
    Pairs whose ranks add to 0 (name = name) may be up to ``max_distance_km`` apart (or
    lack coordinates); weaker pairs need coordinates at most ``max_distance_km_weak``
    apart; pairs whose ranks add to more than ``max_match_rank`` are not used. Best pairs
    first (strength, then distance); each GeoNames city and each row is used once.
    Returns ``partner_id, geonameid, match_rank, distance_km``.
    """
    located_rows = rows.set_index("partner_id")[["country_iso2", "admin1_code", "latitude", "longitude"]]
    candidates = row_keys.join(located_rows, on="partner_id").merge(
        geonames_keys.rename(columns={"key_rank": "geonames_key_rank"}),
        on=["country_iso2", "admin1_code", "link_key"],
    )
    geonames_points = geonames.set_index("geonameid")[["latitude", "longitude"]]
    candidates = candidates.join(geonames_points.add_suffix("_geonames"), on="geonameid")
    candidates["distance_km"] = haversine_km(
        candidates["latitude"],
        candidates["longitude"],
        candidates["latitude_geonames"],
        candidates["longitude_geonames"],
    )
    candidates["match_rank"] = candidates["key_rank"] + candidates["geonames_key_rank"]
    strong = candidates["match_rank"].eq(0) & (
        candidates["distance_km"].isna() | (candidates["distance_km"] <= max_distance_km)
    )
    weak = candidates["match_rank"].between(1, max_match_rank) & (candidates["distance_km"] <= max_distance_km_weak)
    if "row_priority" not in candidates.columns:
        candidates["row_priority"] = 0
    candidates = candidates[strong | weak].sort_values(
        ["match_rank", "row_priority", "distance_km"], na_position="last", kind="stable"
    )
    links = candidates.iloc[_greedy_one_to_one(candidates["partner_id"], candidates["geonameid"])]
    return links[["partner_id", "geonameid", "match_rank", "distance_km"]].reset_index(drop=True)


def _greedy_one_to_one(rows: pd.Series, cities: pd.Series) -> list[int]:
    """Positions of the pairs a greedy one-to-one matching keeps, best pair first: a pair is kept when neither
    its row nor its city is taken yet. (Dropping duplicate cities, then duplicate rows, would lose a city whose
    best pair went to a row that took another city: GeoNames' Tongshan, 徐州 among its names, left unlinked.)"""
    taken_rows: set = set()
    taken_cities: set = set()
    kept = []
    for position, (row, city) in enumerate(zip(rows, cities, strict=True)):
        if row not in taken_rows and city not in taken_cities:
            taken_rows.add(row)
            taken_cities.add(city)
            kept.append(position)
    return kept


def apply_geonames_links(
    rows: pd.DataFrame, links: pd.DataFrame, geonames: pd.DataFrame, *, take_population: bool = False
) -> pd.DataFrame:
    """Copy linked GeoNames data onto gazetteer rows.

    Sets ``geonameid``, appends the GeoNames name and kept alternate names to
    ``alternate_names``, and fills missing coordinates; ``take_population`` also fills
    missing populations from GeoNames.
    """
    rows = rows.copy()
    linked_id = rows["partner_id"].map(links.set_index("partner_id")["geonameid"])
    rows["geonameid"] = linked_id.astype("Int64")
    has_link = linked_id.notna()
    linked = geonames.set_index("geonameid").loc[linked_id[has_link].astype("int64")].set_axis(rows.index[has_link])
    rows.loc[has_link, "alternate_names"] = [
        join_alternate_names(
            [*split_alternate_names(current), gn_name, *filter_alternate_names(alternates)], exclude=row_name
        )
        for current, gn_name, alternates, row_name in zip(
            rows.loc[has_link, "alternate_names"], linked["name"], linked["alternate_names"], rows.loc[has_link, "name"]
        )
    ]
    for axis in ("latitude", "longitude"):
        rows.loc[has_link, axis] = rows.loc[has_link, axis].fillna(linked[axis])
    if take_population:
        rows.loc[has_link, "population"] = rows.loc[has_link, "population"].fillna(linked["population"])
    return as_gazetteer(rows)
