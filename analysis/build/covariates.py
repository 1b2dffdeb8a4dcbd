"""Covariates of the frame cities, for the regression models.

City covariates (one row per frame city) add size, capital status, distance to the
coastline (Natural Earth 1:50m land), EUROCITIES membership, EU accession cohort, the
GDP and unemployment of the city's NUTS2 region (:mod:`analysis.build.regional`), and
great-circle distances to the nearest large US and Chinese city
(:mod:`analysis.build.distances`).

Functions that build tables take and return DataFrames; the ``load_*`` functions are the
only ones that read files.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.acquire.sources import raw_path
from analysis.build.distances import (
    coastline_distance_km,
    large_partner_cities,
    load_land_polygons,
    load_large_cities,
    load_large_city_thresholds,
    nearest_place,
)
from analysis.build.regional import (
    COVARIATE_CHECKS,
    REGION_COVARIATE_SOURCES,
    eu_cohort,
    load_nuts3_population,
    load_nuts3_typology_table,
    nuts3_typologies,
)
from analysis.build.resolve import frame_name_index, resolve_place_table
from analysis.core import fields
from analysis.core.countries import EU27_ISO2, country_to_iso2
from analysis.core.geo import haversine_km
from analysis.core.names import normalise_name
from analysis.core.reference import read_reference_table

# --------------------------------------------------------------------------- constants

# City size classes (inhabitants), lower bound inclusive; the frame starts at 50,000.
SIZE_CLASS_BOUNDS: tuple[float, ...] = (50_000, 100_000, 250_000, 500_000, 1_000_000, np.inf)
SIZE_CLASS_LABELS: tuple[str, ...] = ("50-100k", "100-250k", "250-500k", "500k-1m", ">1m")

# A city is coastal when its point lies within this distance of the Natural Earth 1:50m coastline
# (the line is generalised by a few km, so a tighter threshold would miss harbour cities).
COASTAL_DISTANCE_KM = 10.0

EUROCITIES_MATCH_RADIUS_KM = 15.0
# Words in EUROCITIES website names that describe the body, not the place ("Lille Metropole"): data, in
# analysis/reference/eurocities_body_words.csv, read by eurocities_body_words().
EUROCITIES_BODY_WORDS_FILE = "eurocities_body_words.csv"

# Human labels (with units) of the covariates, for the regression tables.
VARIABLE_LABELS: dict[str, str] = {
    "log_population": "Population (log)",
    "population": "Population (inhabitants)",
    "size_class": "Size class (inhabitants)",
    "is_capital": "National capital",
    "is_coastal": f"Coastal city (< {COASTAL_DISTANCE_KM:.0f} km from the coastline)",
    "dist_coast_km": "Distance to the coastline (km)",
    "nuts3_coastal": "Coastal NUTS3 region (Eurostat typology)",
    "metropolitan_type": "Metropolitan region (Eurostat typology)",
    "urban_rural_type": "Urban-rural type of the region (Eurostat typology)",
    "is_eurocities_member": "EUROCITIES member (2025)",
    "new_member_state": "New member state (EU13, joined 2004-2013)",
    "eu15": "EU15 member state",
    "gdp_per_head_eur": "Regional GDP per head (EUR, NUTS2)",
    "log_gdp_per_head": "Regional GDP per head (log EUR, NUTS2)",
    "unemployment_rate_pct": "Regional unemployment rate (%, NUTS2)",
    "region_population": "Regional population (inhabitants, NUTS2)",
    "metropolitan_population_share": "Share of the region's population in metropolitan NUTS3 regions",
    "coastal_region": "Coastal NUTS2 region (any coastal NUTS3)",
    "dist_us_km": "Distance to the nearest large US city (km)",
    "dist_cn_km": "Distance to the nearest large Chinese city (km)",
    "country_iso2": "Country",
}


# --------------------------------------------------------------------------- schema

CITY_COVARIATES_SCHEMA = fields.schema(
    "city_id name country_iso2 population log_population size_class is_capital nuts2_2021 nuts3_2021",
    "dist_coast_km is_coastal nuts3_coastal metropolitan_type urban_rural_type is_eurocities_member",
    "eurocities_qid new_member_state eu15 gdp_per_head_eur log_gdp_per_head unemployment_rate_pct",
    "covariate_year dist_us_km nearest_us_city dist_cn_km nearest_cn_city",
    checks={
        **COVARIATE_CHECKS,
        "population": pa.Check.gt(0),
        "size_class": pa.Check.isin(list(SIZE_CLASS_LABELS)),
    },
    nullable=["covariate_year"],
    unique=["city_id"],
    strict=True,
    ordered=True,
    coerce=True,
    description=(
        "Covariates of the frame cities: size, capital, coast, EUROCITIES membership, EU cohort, regional GDP and "
        "unemployment (NUTS2), distances to the nearest large US and Chinese city; one row per frame city"
    ),
)


# --------------------------------------------------------------------------- EUROCITIES


@functools.cache
def eurocities_body_words() -> tuple[str, ...]:
    """Words that name the body rather than the place, in file order (``reference/eurocities_body_words.csv``).

    They are removed in that order, so a longer phrase must come before a word it contains.
    """
    words = read_reference_table(EUROCITIES_BODY_WORDS_FILE, ["word"])["word"]
    return tuple(dict.fromkeys(normalise_name(word) for word in words))


def _member_name_forms(member) -> list[str]:
    """Names a member is looked up under: website and Wikidata names, then each without its body words."""
    names = [name for name in (member.name_on_website, member.wikidata_name) if isinstance(name, str) and name.strip()]
    stripped = []
    for name in names:
        text = f" {normalise_name(name)} "
        for word in eurocities_body_words():
            text = text.replace(f" {word} ", " ")
        stripped.append(text.strip())
    return list(dict.fromkeys([*names, *(text for text in stripped if text)]))


def match_eurocities(
    members: pd.DataFrame, cities: pd.DataFrame, *, radius_km: float = EUROCITIES_MATCH_RADIUS_KM
) -> pd.DataFrame:
    """Match EUROCITIES members to frame cities with the one place resolver (:mod:`analysis.build.resolve`).

    ``members``: ``name_on_website``, ``wikidata_name``, ``wikidata_id``, ``latitude``,
    ``longitude``, ``country_iso2``. ``cities``: the frame (``city_id``, ``name``,
    ``ascii_name``, ``alternate_names``, ``country_iso2``, ``latitude``, ``longitude``).
    Each member of an EU-27 country is resolved in its country, with its coordinates, under
    each of its name forms (:func:`_member_name_forms`, e.g. "Lille Métropole" -> "Lille");
    the first form that resolves to a city within ``radius_km`` wins. Returns one row per
    member with ``city_id`` (empty when unmatched), ``city_name``, ``match_method``
    (name/fuzzy/none), ``distance_km`` and ``reason`` (why unmatched).
    """
    forms = pd.DataFrame(
        [
            (position, rank, text, member.country_iso2, member.latitude, member.longitude)
            for position, member in enumerate(members.itertuples(index=False))
            for rank, text in enumerate(_member_name_forms(member))
        ],
        columns=["member", "rank", "name", "country_iso2", "latitude", "longitude"],
    )
    forms = forms[forms["country_iso2"].isin(EU27_ISO2)].astype({"latitude": float, "longitude": float})
    resolved = resolve_place_table(forms.assign(hint=pd.NA), frame_name_index(cities)) if len(forms) else None
    matched = (
        forms.join(resolved)
        .query("status == 'resolved' and distance_km <= @radius_km")
        .sort_values(["member", "rank"])
        .drop_duplicates("member")
        .set_index("member")
        if resolved is not None
        else pd.DataFrame(columns=["entity_id", "match_method", "distance_km"])
    )
    city_names = cities.set_index("city_id")["name"]
    results = []
    for position, member in enumerate(members.itertuples(index=False)):
        result = {
            "wikidata_id": member.wikidata_id,
            "name_on_website": member.name_on_website,
            "country_iso2": member.country_iso2,
            "city_id": None,
            "city_name": None,
            "match_method": "none",
            "distance_km": np.nan,
            "reason": "",
        }
        if member.country_iso2 not in EU27_ISO2:
            result["reason"] = "country outside the EU-27"
        elif position in matched.index:
            hit = matched.loc[position]
            result.update(
                city_id=hit["entity_id"],
                city_name=city_names[hit["entity_id"]],
                match_method="fuzzy" if hit["match_method"] == "fuzzy" else "name",
                distance_km=float(hit["distance_km"]),
            )
        else:
            result["reason"] = _unmatched_reason(member, cities, radius_km)
        results.append(result)
    return pd.DataFrame(results)


def _unmatched_reason(member, cities: pd.DataFrame, radius_km: float) -> str:
    """Why a member of an EU-27 country matched no frame city (naming the nearest one within ``radius_km``)."""
    same_country = cities[cities["country_iso2"] == member.country_iso2]
    distances = haversine_km(
        member.latitude, member.longitude, same_country["latitude"].to_numpy(), same_country["longitude"].to_numpy()
    )
    near = distances <= radius_km
    if not near.any():
        return f"no frame city within {radius_km:.0f} km"
    nearest = int(np.argmin(np.where(near, distances, np.inf)))
    return (
        f"no frame city of that name within {radius_km:.0f} km (nearest: {same_country['name'].iloc[nearest]}, "
        f"{distances[nearest]:.1f} km)"
    )


def size_class(population: pd.Series) -> pd.Series:
    """Size class label of each population (``SIZE_CLASS_LABELS``); below 50,000 gives NA."""
    classes = pd.cut(population, bins=list(SIZE_CLASS_BOUNDS), labels=list(SIZE_CLASS_LABELS), right=False)
    return classes.astype("string")


def city_covariates(
    cities: pd.DataFrame,
    region_table: pd.DataFrame,
    eurocities_matches: pd.DataFrame,
    nuts3: pd.DataFrame,
    land: gpd.GeoDataFrame,
    large_cities: Mapping[str, pd.DataFrame],
) -> pd.DataFrame:
    """Covariates per frame city (see :data:`CITY_COVARIATES_SCHEMA`).

    ``cities``: the frame table; ``region_table``: :func:`region_covariates`;
    ``eurocities_matches``: :func:`match_eurocities`; ``nuts3``: :func:`nuts3_typologies`;
    ``land``: Natural Earth land polygons; ``large_cities``: ``"US"`` and ``"CN"`` -> their
    large cities (``name``, ``latitude``, ``longitude``; :func:`~analysis.build.distances.large_partner_cities`).
    Returns one row per city, in the frame's order.
    """
    table = cities[["city_id", "name", "country_iso2", "population", "is_capital", "nuts2_2021", "nuts3_2021"]].copy()
    table["nuts2_2021"] = table["nuts2_2021"].astype("string")
    table["nuts3_2021"] = table["nuts3_2021"].astype("string")
    table["log_population"] = np.log(table["population"].astype(float))
    table["size_class"] = size_class(table["population"])
    table["dist_coast_km"] = coastline_distance_km(cities["latitude"], cities["longitude"], land)
    table["is_coastal"] = pd.array(table["dist_coast_km"] < COASTAL_DISTANCE_KM, dtype="boolean")
    table.loc[table["dist_coast_km"].isna(), "is_coastal"] = pd.NA

    nuts3_columns = nuts3.set_index("nuts3_2021")[["nuts3_coastal", "metropolitan_type", "urban_rural_type"]]
    table = table.join(nuts3_columns, on="nuts3_2021")

    matched = eurocities_matches.dropna(subset=["city_id"]).drop_duplicates("city_id")
    qid_by_city = matched.set_index("city_id")["wikidata_id"]
    table["eurocities_qid"] = table["city_id"].map(qid_by_city)
    table["is_eurocities_member"] = table["eurocities_qid"].notna()
    table = pd.concat([table, eu_cohort(table["country_iso2"])], axis=1)

    regional = region_table.set_index("nuts2_2021")[
        ["gdp_per_head_eur", "log_gdp_per_head", "unemployment_rate_pct", "covariate_year"]
    ]
    table = table.join(regional, on="nuts2_2021")

    for country in ("US", "CN"):
        distance, name = nearest_place(cities["latitude"], cities["longitude"], large_cities[country])
        table[f"dist_{country.lower()}_km"], table[f"nearest_{country.lower()}_city"] = distance, name
    return table[list(CITY_COVARIATES_SCHEMA.columns)].reset_index(drop=True)


def frame_coverage(
    city_table: pd.DataFrame,
    columns: Iterable[str] = ("gdp_per_head_eur", "unemployment_rate_pct", "dist_coast_km", "metropolitan_type"),
) -> pd.DataFrame:
    """Share and count of frame cities with a value, per covariate (for the report)."""
    rows = [
        {
            "variable": column,
            "cities_with_value": int(city_table[column].notna().sum()),
            "cities": len(city_table),
            "share": float(city_table[column].notna().mean()),
        }
        for column in columns
    ]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- one-call builder

# Raw sources behind the table, for write_table(..., sources=...).
CITY_COVARIATE_SOURCES: list[str] = [
    *REGION_COVARIATE_SOURCES,
    "eurocities_members_cityvote",
    "world_atlas_npm",
]


def build_city_covariates(
    cities: pd.DataFrame, region_table: pd.DataFrame, gazetteer: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """City covariates for the frame ``cities``, and the EUROCITIES match table (one row per member).

    ``gazetteer``: the partner gazetteer, where the large US and Chinese cities are found
    (cut-offs in ``reference/large_city_thresholds.csv``); without one, the cities named in
    ``reference/large_cities.csv`` are used.
    """
    matches = match_eurocities(load_eurocities_members(), cities)
    nuts3 = nuts3_typologies(load_nuts3_typology_table(), load_nuts3_population())
    large_cities = large_partner_cities(gazetteer, load_large_city_thresholds(), load_large_cities())
    table = city_covariates(cities, region_table, matches, nuts3, load_land_polygons(), large_cities)
    return table, matches


def eurocities_match_summary(matches: pd.DataFrame) -> pd.DataFrame:
    """Counts of EUROCITIES members by outcome: outside the EU-27, matched (by method), unmatched."""
    outcome = np.where(
        matches["reason"] == "country outside the EU-27",
        "outside the EU-27",
        np.where(matches["city_id"].notna(), "matched by " + matches["match_method"].astype(str), "unmatched (EU-27)"),
    )
    return pd.Series(outcome).value_counts().rename_axis("outcome").reset_index(name="members")


# --------------------------------------------------------------------------- file IO (thin)


def load_eurocities_members() -> pd.DataFrame:
    """EUROCITIES members (2025) with Wikidata QID, coordinates and ``country_iso2``."""
    path = raw_path("eurocities_members_cityvote", "members-wikidata-enriched.json")
    members = pd.DataFrame(json.loads(path.read_text(encoding="utf-8"))["members"])
    members["country_iso2"] = members["country_name"].map(country_to_iso2)
    return members
