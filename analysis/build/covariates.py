"""Covariates of the frame cities and of the EU-27 NUTS2 regions, for the regression models.

Region covariates (one row per EU-27 NUTS2 region of the 2021 version) come from the
Eurostat NUTS2 indicator panel (GDP, population, unemployment; NUTS 2016 codes, recoded
to NUTS 2021 with ``reference/nuts2016_to_2021.csv``) and from the Eurostat NUTS3
typologies (urban-rural, metropolitan, coastal; NUTS 2021 codes), aggregated to NUTS2
with NUTS3 population weights. :func:`regions_to_nuts2024` carries them over to the
NUTS 2024 codes with ``reference/nuts2021_to_2024.csv``.

City covariates (one row per frame city) add size, capital status, distance to the
coastline (Natural Earth 1:50m land), EUROCITIES membership, EU accession cohort, the
GDP and unemployment of the city's NUTS2 region, and great-circle distances to the
nearest large US and Chinese city.

Recoding rule (both CSVs): each row says which share of an old region's population lies
in a new region (``population_share``). Totals (population, GDP) are summed over the
rows, weighted by the share; rates (unemployment) are population-weighted means. A new
region built from only part of an old one therefore gets the old region's rates, and is
flagged in ``values_from_parent_region``. Codes that a CSV does not list are unchanged.

Functions that build tables take and return DataFrames; the ``load_*`` functions are the
only ones that read files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pandera.pandas as pa
import shapely

from analysis.acquire.sources import raw_path
from analysis.build.frame import EU27_ISO2, ISO2_TO_NUTS_COUNTRY, NUTS_COUNTRY_TO_ISO2
from analysis.build.resolve import frame_name_index, resolve_place_table
from analysis.core import paths
from analysis.core.countries import country_to_iso2
from analysis.core.geo import haversine_km
from analysis.core.names import normalise_name
from analysis.core.tracking import note_read

# --------------------------------------------------------------------------- constants


NUTS_2016_TO_2021_FILE = "nuts2016_to_2021.csv"
NUTS_2021_TO_2024_FILE = "nuts2021_to_2024.csv"
RECODE_RELATIONS: tuple[str, ...] = ("same", "recoded", "split", "merged")

# Latest panel year in which every EU-27 region has GDP and population (240 of 240 NUTS 2016 codes).
DEFAULT_COVARIATE_YEAR = 2018

# Year each EU-27 member state joined (founding members: 1958, Treaty of Rome in force).
EU_ACCESSION_YEAR: dict[str, int] = {
    "BE": 1958,
    "DE": 1958,
    "FR": 1958,
    "IT": 1958,
    "LU": 1958,
    "NL": 1958,
    "DK": 1973,
    "IE": 1973,
    "GR": 1981,
    "ES": 1986,
    "PT": 1986,
    "AT": 1995,
    "FI": 1995,
    "SE": 1995,
    "CY": 2004,
    "CZ": 2004,
    "EE": 2004,
    "HU": 2004,
    "LT": 2004,
    "LV": 2004,
    "MT": 2004,
    "PL": 2004,
    "SI": 2004,
    "SK": 2004,
    "BG": 2007,
    "RO": 2007,
    "HR": 2013,
}
EU13_FIRST_ACCESSION_YEAR = 2004  # the EU13 are the states that joined in 2004, 2007 and 2013

# City size classes (inhabitants), lower bound inclusive; the frame starts at 50,000.
SIZE_CLASS_BOUNDS: tuple[float, ...] = (50_000, 100_000, 250_000, 500_000, 1_000_000, np.inf)
SIZE_CLASS_LABELS: tuple[str, ...] = ("50-100k", "100-250k", "250-500k", "500k-1m", ">1m")

# A city is coastal when its point lies within this distance of the Natural Earth 1:50m coastline
# (the line is generalised by a few km, so a tighter threshold would miss harbour cities).
COASTAL_DISTANCE_KM = 10.0
LAND_MARGIN_DEGREES = 3.0  # coastline kept around the cities' bounding box
DISTANCE_CRS = "EPSG:3035"  # ETRS89-LAEA, metres; the frame's projected CRS

EUROCITIES_MATCH_RADIUS_KM = 15.0
# Words in EUROCITIES website names that describe the body, not the place ("Lille Metropole").
EUROCITIES_BODY_WORDS: tuple[str, ...] = ("metropole", "metropolitan area", "metropolitan", "region", "capital region")

US_LARGE_CITY_MIN_POPULATION = 500_000
CN_LARGE_CITY_MIN_POPULATION = 5_000_000

# Fallback when no gazetteer is given: the 37 US cities with >= 500,000 inhabitants in the 2020
# Census (city proper; Atlanta, 498,715, falls just short). Coordinates: city hall / centre, 0.01 deg.
US_LARGE_CITIES: tuple[tuple[str, float, float], ...] = (
    ("New York", 40.71, -74.01),
    ("Los Angeles", 34.05, -118.24),
    ("Chicago", 41.88, -87.63),
    ("Houston", 29.76, -95.37),
    ("Phoenix", 33.45, -112.07),
    ("Philadelphia", 39.95, -75.17),
    ("San Antonio", 29.42, -98.49),
    ("San Diego", 32.72, -117.16),
    ("Dallas", 32.78, -96.80),
    ("San Jose", 37.34, -121.89),
    ("Austin", 30.27, -97.74),
    ("Jacksonville", 30.33, -81.66),
    ("Fort Worth", 32.76, -97.33),
    ("Columbus", 39.96, -83.00),
    ("Indianapolis", 39.77, -86.16),
    ("Charlotte", 35.23, -80.84),
    ("San Francisco", 37.77, -122.42),
    ("Seattle", 47.61, -122.33),
    ("Denver", 39.74, -104.99),
    ("Washington", 38.91, -77.04),
    ("Nashville", 36.16, -86.78),
    ("Oklahoma City", 35.47, -97.52),
    ("El Paso", 31.76, -106.49),
    ("Boston", 42.36, -71.06),
    ("Portland", 45.52, -122.68),
    ("Las Vegas", 36.17, -115.14),
    ("Detroit", 42.33, -83.05),
    ("Memphis", 35.15, -90.05),
    ("Louisville", 38.25, -85.76),
    ("Baltimore", 39.29, -76.61),
    ("Milwaukee", 43.04, -87.91),
    ("Albuquerque", 35.08, -106.65),
    ("Tucson", 32.22, -110.97),
    ("Fresno", 36.74, -119.79),
    ("Sacramento", 38.58, -121.49),
    ("Kansas City", 39.10, -94.58),
    ("Mesa", 33.42, -111.83),
)
# Fallback when no gazetteer is given: mainland Chinese urban agglomerations of 6 million or more in
# 2020 (UN World Urbanization Prospects 2018). Smaller ones above 5 million all lie further east,
# so they cannot be the nearest for a European city.
CN_LARGE_CITIES: tuple[tuple[str, float, float], ...] = (
    ("Shanghai", 31.23, 121.47),
    ("Beijing", 39.90, 116.41),
    ("Chongqing", 29.56, 106.55),
    ("Tianjin", 39.13, 117.20),
    ("Guangzhou", 23.13, 113.26),
    ("Shenzhen", 22.54, 114.06),
    ("Chengdu", 30.57, 104.07),
    ("Nanjing", 32.06, 118.80),
    ("Wuhan", 30.59, 114.31),
    ("Xi'an", 34.34, 108.94),
    ("Hangzhou", 30.27, 120.16),
    ("Dongguan", 23.02, 113.75),
    ("Foshan", 23.02, 113.12),
    ("Shenyang", 41.80, 123.43),
    ("Suzhou", 31.30, 120.59),
    ("Harbin", 45.80, 126.53),
)

URBAN_RURAL_TYPES: tuple[str, ...] = ("predominantly urban", "intermediate", "predominantly rural")
METROPOLITAN_TYPES: tuple[str, ...] = ("metropolitan", "non-metropolitan")
# NUTS3 coastal typology: "coastal (on coast)" or "coastal (>= 50% of population living within 50km ...)".
COASTAL_TYPOLOGY_PREFIX = "coastal"

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


class CovariateError(ValueError):
    """An input table breaks its contract; the message names the table, row and column."""


# --------------------------------------------------------------------------- schemas

_NUTS2_CODE = r"^[A-Z]{2}[0-9A-Z]{2}$"


def _region_columns() -> dict[str, pa.Column]:
    return {
        "country_iso2": pa.Column(
            str, pa.Check.isin(list(EU27_ISO2)), description="ISO 3166-1 alpha-2 code of the country (Greece = GR)"
        ),
        "covariate_year": pa.Column(
            int, pa.Check.in_range(2007, 2018), description="Reference year of GDP, population and unemployment"
        ),
        "gdp_per_head_eur": pa.Column(
            float,
            pa.Check.gt(0),
            nullable=True,
            description="Regional GDP at current market prices per inhabitant (Eurostat tgs00003 / tgs00096)",
            metadata={"unit": "EUR"},
        ),
        "log_gdp_per_head": pa.Column(
            float, nullable=True, description="Natural log of gdp_per_head_eur", metadata={"unit": "log EUR"}
        ),
        "unemployment_rate_pct": pa.Column(
            float,
            pa.Check.in_range(0, 100),
            nullable=True,
            description="Unemployment rate, total, ages 15-74 (Eurostat tgs00010)",
            metadata={"unit": "%"},
        ),
        "region_population": pa.Column(
            float,
            pa.Check.gt(0),
            nullable=True,
            description="Population on 1 January (Eurostat tgs00096); split regions: parent's times population_share",
            metadata={"unit": "persons"},
        ),
        "metropolitan_population_share": pa.Column(
            float,
            pa.Check.in_range(0, 1),
            nullable=True,
            description="Share of the region's 2019 population living in NUTS3 regions of Eurostat's metropolitan typology",
            metadata={"unit": "share"},
        ),
        "metropolitan_type": pa.Column(
            str,
            pa.Check.isin(list(METROPOLITAN_TYPES)),
            nullable=True,
            description="metropolitan when at least half of the population lives in metropolitan NUTS3 regions",
        ),
        "urban_rural_type": pa.Column(
            str,
            pa.Check.isin(list(URBAN_RURAL_TYPES)),
            nullable=True,
            description="Eurostat urban-rural type of the NUTS3 regions that hold the largest share of the population",
        ),
        "coastal_region": pa.Column(
            "boolean", nullable=True, description="At least one NUTS3 region is coastal in Eurostat's coastal typology"
        ),
        "new_member_state": pa.Column(bool, description="Country joined the EU in 2004, 2007 or 2013 (EU13)"),
        "eu15": pa.Column(bool, description="Country was an EU member before 2004 (EU15)"),
        "values_from_parent_region": pa.Column(
            bool,
            description=(
                "GDP per head and unemployment were copied from a larger region of the earlier NUTS version that was "
                "split (an approximation); see analysis/reference/*.csv"
            ),
        ),
    }


REGION_COVARIATES_SCHEMA = pa.DataFrameSchema(
    {
        "nuts2_2021": pa.Column(
            str, pa.Check.str_matches(_NUTS2_CODE), unique=True, description="NUTS2 code, 2021 version"
        ),
        "region_name": pa.Column(str, description="Latin-script name of the region (GISCO NAME_LATN)"),
        **_region_columns(),
        "recoded_from": pa.Column(str, description="NUTS 2016 code(s) the indicator values come from, '|'-joined"),
        "missing_covariates": pa.Column(
            str, description="Covariates left empty and why ('variable: reason; ...'); empty when complete"
        ),
    },
    strict=True,
    ordered=True,
    coerce=True,
    description=(
        "Covariates of the EU-27 NUTS2 regions (2021 version): GDP per head, unemployment and population from the "
        "Eurostat NUTS2 panel (NUTS 2016, recoded), typologies aggregated from Eurostat NUTS3 typologies, and the "
        "country's EU accession cohort; one row per region"
    ),
)


REGION_COVARIATES_2024_SCHEMA = pa.DataFrameSchema(
    {
        "nuts2_2024": pa.Column(
            str, pa.Check.str_matches(_NUTS2_CODE), unique=True, description="NUTS2 code, 2024 version"
        ),
        **_region_columns(),
        "recode_relation": pa.Column(
            str, pa.Check.isin(list(RECODE_RELATIONS)), description="How the 2024 region relates to the 2021 region(s)"
        ),
        "recoded_from": pa.Column(str, description="NUTS 2021 code(s) the values come from, '|'-joined"),
    },
    strict=True,
    ordered=True,
    coerce=True,
    description=(
        "The NUTS2 region covariates carried over to the NUTS 2024 codes with analysis/reference/nuts2021_to_2024.csv "
        "(NL and PT changed); one row per EU-27 NUTS2 region of 2024"
    ),
)

CITY_COVARIATES_SCHEMA = pa.DataFrameSchema(
    {
        "city_id": pa.Column(str, unique=True, description="Frame city id (see the cities table)"),
        "name": pa.Column(str, description="City name as in the frame"),
        "country_iso2": pa.Column(str, pa.Check.isin(list(EU27_ISO2)), description="ISO 3166-1 alpha-2 country code"),
        "population": pa.Column(
            int, pa.Check.gt(0), description="Population as in the frame", metadata={"unit": "persons"}
        ),
        "log_population": pa.Column(float, description="Natural log of population", metadata={"unit": "log persons"}),
        "size_class": pa.Column(
            str, pa.Check.isin(list(SIZE_CLASS_LABELS)), description="Population class (lower bound inclusive)"
        ),
        "is_capital": pa.Column(bool, description="National capital"),
        "nuts2_2021": pa.Column(str, nullable=True, description="NUTS2 region of the city, 2021 version"),
        "nuts3_2021": pa.Column(str, nullable=True, description="NUTS3 region of the city, 2021 version"),
        "dist_coast_km": pa.Column(
            float,
            pa.Check.ge(0),
            nullable=True,
            description="Distance from the city point to the Natural Earth 1:50m coastline (ETRS89-LAEA)",
            metadata={"unit": "km"},
        ),
        "is_coastal": pa.Column(
            "boolean", nullable=True, description=f"dist_coast_km below {COASTAL_DISTANCE_KM:.0f} km"
        ),
        "nuts3_coastal": pa.Column(
            "boolean", nullable=True, description="The city's NUTS3 region is coastal in Eurostat's coastal typology"
        ),
        "metropolitan_type": pa.Column(
            str,
            pa.Check.isin(list(METROPOLITAN_TYPES)),
            nullable=True,
            description="Eurostat metropolitan typology of the city's NUTS3 region (2021)",
        ),
        "urban_rural_type": pa.Column(
            str,
            pa.Check.isin(list(URBAN_RURAL_TYPES)),
            nullable=True,
            description="Eurostat urban-rural typology of the city's NUTS3 region (2021)",
        ),
        "is_eurocities_member": pa.Column(
            bool, description="Matched to a member of the EUROCITIES network (2025 member list)"
        ),
        "eurocities_qid": pa.Column(str, nullable=True, description="Wikidata QID of the matched EUROCITIES member"),
        "new_member_state": pa.Column(bool, description="Country joined the EU in 2004, 2007 or 2013 (EU13)"),
        "eu15": pa.Column(bool, description="Country was an EU member before 2004 (EU15)"),
        "gdp_per_head_eur": pa.Column(
            float,
            pa.Check.gt(0),
            nullable=True,
            description="GDP per head of the city's NUTS2 region",
            metadata={"unit": "EUR"},
        ),
        "log_gdp_per_head": pa.Column(
            float, nullable=True, description="Natural log of gdp_per_head_eur", metadata={"unit": "log EUR"}
        ),
        "unemployment_rate_pct": pa.Column(
            float,
            pa.Check.in_range(0, 100),
            nullable=True,
            description="Unemployment rate of the city's NUTS2 region",
            metadata={"unit": "%"},
        ),
        "covariate_year": pa.Column(
            "Int64", nullable=True, description="Reference year of the regional GDP and unemployment"
        ),
        "dist_us_km": pa.Column(
            float,
            pa.Check.ge(0),
            description="Great-circle distance to the nearest large US city",
            metadata={"unit": "km"},
        ),
        "nearest_us_city": pa.Column(str, description="Name of that US city"),
        "dist_cn_km": pa.Column(
            float,
            pa.Check.ge(0),
            description="Great-circle distance to the nearest large Chinese city",
            metadata={"unit": "km"},
        ),
        "nearest_cn_city": pa.Column(str, description="Name of that Chinese city"),
    },
    strict=True,
    ordered=True,
    coerce=True,
    description=(
        "Covariates of the frame cities: size, capital, coast, EUROCITIES membership, EU cohort, regional GDP and "
        "unemployment (NUTS2), distances to the nearest large US and Chinese city; one row per frame city"
    ),
)


# --------------------------------------------------------------------------- geometry helpers


def nearest_place(
    latitudes: Iterable[float], longitudes: Iterable[float], places: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Distance (km) to, and name of, the nearest of ``places`` (``name``, ``latitude``, ``longitude``) per point.

    Computes the full points x places distance matrix, which is small here (1,000 x 40).
    """
    if places.empty:
        raise CovariateError("nearest_place: the table of places is empty; expected at least one row")
    latitudes = np.asarray(list(latitudes), dtype=float)[:, None]
    longitudes = np.asarray(list(longitudes), dtype=float)[:, None]
    distances = haversine_km(
        latitudes, longitudes, places["latitude"].to_numpy()[None, :], places["longitude"].to_numpy()[None, :]
    )
    nearest = np.argmin(distances, axis=1)
    return distances[np.arange(len(nearest)), nearest], places["name"].to_numpy()[nearest]


def coastline_distance_km(
    latitudes: Iterable[float], longitudes: Iterable[float], land: gpd.GeoDataFrame
) -> np.ndarray:
    """Distance in km from each point to the nearest coastline, the boundary of the ``land`` polygons.

    Only coastline within ``LAND_MARGIN_DEGREES`` of the points' bounding box is used (faster,
    and no point is nearer to a coast further away). Distances are measured in ETRS89-LAEA,
    accurate to a few per cent across Europe including the Canaries.
    """
    latitudes = np.asarray(list(latitudes), dtype=float)
    longitudes = np.asarray(list(longitudes), dtype=float)
    box = shapely.box(
        np.nanmin(longitudes) - LAND_MARGIN_DEGREES,
        np.nanmin(latitudes) - LAND_MARGIN_DEGREES,
        np.nanmax(longitudes) + LAND_MARGIN_DEGREES,
        np.nanmax(latitudes) + LAND_MARGIN_DEGREES,
    )
    land_wgs84 = land.set_crs("EPSG:4326") if land.crs is None else land.to_crs("EPSG:4326")
    coastline = land_wgs84.geometry.boundary.intersection(box).explode(index_parts=False)
    coastline = gpd.GeoSeries(coastline[~coastline.is_empty], crs="EPSG:4326").to_crs(DISTANCE_CRS)
    if coastline.empty:
        return np.full(len(latitudes), np.nan)
    points = gpd.GeoSeries(gpd.points_from_xy(longitudes, latitudes), crs="EPSG:4326").to_crs(DISTANCE_CRS)
    tree = shapely.STRtree(coastline.to_numpy())
    (point_index, _), metres = tree.query_nearest(points.to_numpy(), return_distance=True, all_matches=False)
    distances = np.full(len(points), np.nan)
    distances[point_index] = metres / 1000
    return distances


# --------------------------------------------------------------------------- NUTS recoding


def check_recode_table(
    mapping: pd.DataFrame, code_from: str, code_to: str, source: str = "<recode table>"
) -> pd.DataFrame:
    """Check a NUTS recode table and return it with ``population_share`` as float.

    Expects columns ``code_from``, ``code_to``, ``relation`` (one of ``RECODE_RELATIONS``),
    ``population_share`` (0-1] and ``note``; the shares of each old code must sum to 1.
    Raises :class:`CovariateError` naming the file, row and column.
    """
    required = [code_from, code_to, "relation", "population_share", "note"]
    missing = [column for column in required if column not in mapping.columns]
    if missing:
        raise CovariateError(f"{source}: columns {missing} are missing; expected {required}")
    checked = mapping.copy()
    checked["population_share"] = pd.to_numeric(checked["population_share"], errors="coerce")
    for row_number, row in enumerate(checked.itertuples(index=False), start=2):  # row 1 is the header
        row = row._asdict()
        if row["relation"] not in RECODE_RELATIONS:
            raise CovariateError(
                f"{source}, row {row_number}, column relation: '{row['relation']}' is not one of {list(RECODE_RELATIONS)}"
            )
        share = row["population_share"]
        if not (share == share and 0 < share <= 1):
            raise CovariateError(f"{source}, row {row_number}, column population_share: expected a number in (0, 1]")
    share_sums = checked.groupby(code_from)["population_share"].sum()
    unbalanced = share_sums[(share_sums - 1).abs() > 0.001]
    if not unbalanced.empty:
        raise CovariateError(
            f"{source}, column population_share: shares of {code_from} {unbalanced.round(4).to_dict()} do not sum to 1"
        )
    return checked


def recode_regions(
    values: pd.DataFrame,
    mapping: pd.DataFrame,
    *,
    code_from: str,
    code_to: str,
    totals: Iterable[str] = (),
    rates: Iterable[str] = (),
    categories: Iterable[str] = (),
    weight: str = "region_population",
) -> pd.DataFrame:
    """Carry region values from one NUTS version to the next.

    ``values`` has one row per old code (column ``code_from``); ``mapping`` (checked by
    :func:`check_recode_table`) lists the changed codes; unlisted codes map to themselves
    as ``same``. Returns one row per new code (column ``code_to``) with: ``totals`` summed
    with the population shares; ``rates`` as means weighted by ``weight`` x share (plain
    means when no weight is known); ``categories`` (and booleans) from the old region that
    contributes most people; ``recode_relation``; ``recoded_from`` ('|'-joined old codes);
    ``values_from_parent_region`` (a contributing share is below 1, so rates are the larger
    region's). Mapping rows whose old code is not in ``values`` contribute nothing.
    """
    totals, rates, categories = list(totals), list(rates), list(categories)
    listed = mapping[[code_from, code_to, "relation", "population_share"]]
    unlisted_codes = values.loc[~values[code_from].isin(listed[code_from]), code_from]
    identity = pd.DataFrame(
        {code_from: unlisted_codes, code_to: unlisted_codes, "relation": "same", "population_share": 1.0}
    )
    links = pd.concat([listed, identity], ignore_index=True).merge(values, on=code_from, how="inner")
    # Weight of each link: the people of the old region who live in the new one.
    people = links[weight] if weight in links.columns else pd.Series(np.nan, index=links.index)
    links["_people"] = people * links["population_share"]
    links["_rate_weight"] = links["_people"].fillna(links["population_share"])

    groups = links.groupby(code_to, sort=True)
    result = pd.DataFrame(index=pd.Index(sorted(links[code_to].unique()), name=code_to))
    for column in totals:
        result[column] = (links[column] * links["population_share"]).groupby(links[code_to]).sum(min_count=1)
    for column in rates:
        known_weight = links["_rate_weight"].where(links[column].notna())
        result[column] = (links[column] * known_weight).groupby(links[code_to]).sum(min_count=1) / known_weight.groupby(
            links[code_to]
        ).sum(min_count=1)
    largest = (
        links.sort_values("_rate_weight", ascending=False, kind="stable").drop_duplicates(code_to).set_index(code_to)
    )
    for column in categories:
        result[column] = largest[column]
    # The strongest change among a new region's links names it: merged > split > recoded > same.
    relation_rank = {relation: rank for rank, relation in enumerate(("same", "recoded", "split", "merged"))}
    result["recode_relation"] = (
        links["relation"].map(relation_rank).groupby(links[code_to]).max().map(dict(enumerate(relation_rank)))
    )
    result["recoded_from"] = groups[code_from].agg(lambda codes: "|".join(sorted(codes)))
    result["values_from_parent_region"] = (links["population_share"] < 1).groupby(links[code_to]).any()
    return result.reset_index()


# --------------------------------------------------------------------------- region covariates


def nuts2_indicators_for_year(panel: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per NUTS 2016 region for ``year``: ``nuts2_2016``, ``region_gdp_meur``, ``region_population``, ``unemployment_rate_pct``.

    ``panel`` is the Eurostat NUTS2 indicator panel (columns ``year``, ``NUTS_ID``,
    ``region_gdp`` in million EUR, ``region_population``, ``unemployment_rate_t``).
    """
    required = ["year", "NUTS_ID", "region_gdp", "region_population", "unemployment_rate_t"]
    missing = [column for column in required if column not in panel.columns]
    if missing:
        raise CovariateError(f"NUTS2 indicator panel: columns {missing} are missing; expected {required}")
    one_year = panel[panel["year"] == year]
    if one_year.empty:
        raise CovariateError(
            f"NUTS2 indicator panel, column year: no rows for {year}; years present: {sorted(panel['year'].unique())}"
        )
    duplicated = one_year["NUTS_ID"][one_year["NUTS_ID"].duplicated()]
    if not duplicated.empty:
        raise CovariateError(f"NUTS2 indicator panel, column NUTS_ID: codes repeated in {year}: {sorted(duplicated)}")
    return pd.DataFrame(
        {
            "nuts2_2016": one_year["NUTS_ID"].astype(str).to_numpy(),
            "region_gdp_meur": pd.to_numeric(one_year["region_gdp"], errors="coerce").to_numpy(),
            "region_population": pd.to_numeric(one_year["region_population"], errors="coerce").to_numpy(),
            "unemployment_rate_pct": pd.to_numeric(one_year["unemployment_rate_t"], errors="coerce").to_numpy(),
        }
    )


def nuts3_typologies(typologies: pd.DataFrame, nuts3_population: pd.DataFrame) -> pd.DataFrame:
    """One row per NUTS3 2021 region: ``nuts3_2021``, ``nuts2_2021``, typologies and a population weight.

    ``typologies`` is Eurostat's NUTS2021 typology table (``Code``, ``Urban-rural``,
    ``Metropolitan`` Y/N, ``Coastal``); ``nuts3_population`` has ``geo`` and
    ``population2019_nuts3`` (NUTS 2016 codes, so NUTS3 codes new in 2021 have none).
    Those get the mean population of their NUTS2 region's other NUTS3 regions, or 1 when
    none is known, so that they still count (``population_imputed`` says which).
    """
    level3 = typologies[typologies["Code"].astype(str).str.len() == 5]

    def typology(column: str) -> pd.Series:
        return level3[column].astype("string").replace({"N/A": pd.NA, "": pd.NA})

    metropolitan = typology("Metropolitan").map({"Y": "metropolitan", "N": "non-metropolitan"})
    coastal = typology("Coastal")
    table = pd.DataFrame(
        {
            "nuts3_2021": level3["Code"].astype(str).to_numpy(),
            "urban_rural_type": typology("Urban-rural").to_numpy(),
            "metropolitan_type": metropolitan.to_numpy(),
            "nuts3_coastal": coastal.str.startswith(COASTAL_TYPOLOGY_PREFIX).astype("boolean").to_numpy(),
        }
    )
    table["nuts2_2021"] = table["nuts3_2021"].str[:4]
    population = nuts3_population.set_index("geo")["population2019_nuts3"]
    table["nuts3_population"] = pd.to_numeric(table["nuts3_2021"].map(population), errors="coerce")
    table["population_imputed"] = table["nuts3_population"].isna()
    regional_mean = table.groupby("nuts2_2021")["nuts3_population"].transform("mean")
    table["nuts3_population"] = table["nuts3_population"].fillna(regional_mean).fillna(1.0)
    return table


def nuts2_typologies(nuts3: pd.DataFrame) -> pd.DataFrame:
    """Aggregate :func:`nuts3_typologies` to NUTS2: population-weighted types, coastal when any NUTS3 is.

    Returns ``nuts2_2021``, ``metropolitan_population_share`` (of the people in NUTS3 regions
    with a known metropolitan type), ``metropolitan_type`` (metropolitan from a share of 0.5),
    ``urban_rural_type`` (the type holding most people) and ``coastal_region``.
    """
    region = nuts3["nuts2_2021"]
    people = nuts3["nuts3_population"]
    known_metro_people = people.where(nuts3["metropolitan_type"].notna())
    metro_people = people.where(nuts3["metropolitan_type"] == "metropolitan", 0.0).where(
        nuts3["metropolitan_type"].notna()
    )
    table = pd.DataFrame(
        {
            "metropolitan_population_share": metro_people.groupby(region).sum(min_count=1)
            / known_metro_people.groupby(region).sum(min_count=1)
        }
    )
    share = table["metropolitan_population_share"]
    table["metropolitan_type"] = pd.Series(
        np.where(share >= 0.5, "metropolitan", "non-metropolitan"), index=table.index
    ).where(share.notna())
    people_by_type = people.groupby([region, nuts3["urban_rural_type"]]).sum()
    table["urban_rural_type"] = people_by_type.groupby(level=0).idxmax().str[1]
    table["coastal_region"] = (
        nuts3["nuts3_coastal"].astype("boolean").groupby(region).any(skipna=True).astype("boolean")
    )
    table.loc[nuts3["nuts3_coastal"].isna().groupby(region).all(), "coastal_region"] = pd.NA
    return table.rename_axis("nuts2_2021").reset_index()


def eu_cohort(country_iso2: pd.Series) -> pd.DataFrame:
    """``new_member_state`` (EU13) and ``eu15`` for ISO country codes; unknown codes raise."""
    unknown = sorted(set(country_iso2) - set(EU_ACCESSION_YEAR))
    if unknown:
        raise CovariateError(f"column country_iso2: {unknown} are not EU-27 ISO codes (Greece is GR)")
    accession = country_iso2.map(EU_ACCESSION_YEAR)
    return pd.DataFrame(
        {"new_member_state": accession >= EU13_FIRST_ACCESSION_YEAR, "eu15": accession < EU13_FIRST_ACCESSION_YEAR},
        index=country_iso2.index,
    )


def region_covariates(
    nuts2_2021_regions: pd.DataFrame,
    indicator_panel: pd.DataFrame,
    recode_2016_to_2021: pd.DataFrame,
    typologies: pd.DataFrame,
    nuts3_population: pd.DataFrame,
    *,
    year: int = DEFAULT_COVARIATE_YEAR,
) -> pd.DataFrame:
    """Covariates per EU-27 NUTS2 region of 2021 (see :data:`REGION_COVARIATES_SCHEMA`).

    ``nuts2_2021_regions``: the GISCO 2021 code list (``NUTS_ID``, ``LEVL_CODE``,
    ``CNTR_CODE``, ``NAME_LATN``), any levels and countries; EU-27 level-2 rows are kept.
    ``indicator_panel``: Eurostat NUTS2 panel (NUTS 2016). ``recode_2016_to_2021``: the
    checked recode table. ``typologies`` and ``nuts3_population``: see :func:`nuts3_typologies`.
    Every region is returned; a covariate that cannot be filled is empty and explained in
    ``missing_covariates``.
    """
    eu_nuts_countries = set(ISO2_TO_NUTS_COUNTRY.values())
    regions = nuts2_2021_regions[
        (nuts2_2021_regions["LEVL_CODE"] == 2) & nuts2_2021_regions["CNTR_CODE"].isin(eu_nuts_countries)
    ]
    indicators = nuts2_indicators_for_year(indicator_panel, year)
    recoded = recode_regions(
        indicators.rename(columns={"nuts2_2016": "code_2016"}),
        recode_2016_to_2021,
        code_from="code_2016",
        code_to="code_2021",
        totals=["region_gdp_meur", "region_population"],
        rates=["unemployment_rate_pct"],
    ).rename(columns={"code_2021": "nuts2_2021"})
    # Per-head GDP from the recoded totals: a split copies the parent's value, a merge pools.
    recoded["gdp_per_head_eur"] = recoded["region_gdp_meur"] * 1e6 / recoded["region_population"]
    typology_table = nuts2_typologies(nuts3_typologies(typologies, nuts3_population))

    table = pd.DataFrame(
        {
            "nuts2_2021": regions["NUTS_ID"].astype(str).to_numpy(),
            "region_name": regions["NAME_LATN"].astype(str).to_numpy(),
            "country_iso2": regions["CNTR_CODE"].map(NUTS_COUNTRY_TO_ISO2).to_numpy(),
        }
    )
    table = table.merge(recoded, on="nuts2_2021", how="left").merge(typology_table, on="nuts2_2021", how="left")
    table["covariate_year"] = year
    table["log_gdp_per_head"] = np.log(table["gdp_per_head_eur"])
    table = pd.concat([table, eu_cohort(table["country_iso2"])], axis=1)
    table["values_from_parent_region"] = table["values_from_parent_region"].fillna(False).astype(bool)
    table["recoded_from"] = table["recoded_from"].fillna("")
    table["missing_covariates"] = _missing_reasons(table, year)
    return table[list(REGION_COVARIATES_SCHEMA.columns)].sort_values("nuts2_2021", ignore_index=True)


def _missing_reasons(table: pd.DataFrame, year: int) -> pd.Series:
    """'variable: reason; ...' for each empty covariate of each region ('' when complete)."""
    panel_reason = {
        "gdp_per_head_eur": f"GDP or population not published for {year} in the Eurostat NUTS2 panel",
        "unemployment_rate_pct": f"unemployment rate not published for {year} in the Eurostat NUTS2 panel",
        "region_population": f"population not published for {year} in the Eurostat NUTS2 panel",
    }
    typology_reason = {
        "urban_rural_type": "no Eurostat NUTS3 urban-rural typology for the region",
        "metropolitan_type": "no Eurostat NUTS3 metropolitan typology for the region",
        "coastal_region": "no Eurostat NUTS3 coastal typology for the region",
    }
    reasons = []
    for _, row in table.iterrows():
        parts = []
        for column, reason in (panel_reason | typology_reason).items():
            if pd.isna(row[column]):
                if column in panel_reason and row["recoded_from"] == "":
                    reason = "no NUTS 2016 region of the Eurostat NUTS2 panel maps to this code"
                parts.append(f"{column}: {reason}")
        reasons.append("; ".join(parts))
    return pd.Series(reasons, index=table.index, dtype=str)


def covariate_gaps(region_table: pd.DataFrame, key: str = "nuts2_2021") -> pd.DataFrame:
    """One row per (region, missing covariate) with its ``reason``, from ``missing_covariates``."""
    rows = [
        {key: row[key], "variable": part.split(": ", 1)[0], "reason": part.split(": ", 1)[1]}
        for _, row in region_table.iterrows()
        if row["missing_covariates"]
        for part in row["missing_covariates"].split("; ")
    ]
    return pd.DataFrame(rows, columns=[key, "variable", "reason"])


def regions_to_nuts2024(region_table: pd.DataFrame, recode_2021_to_2024: pd.DataFrame) -> pd.DataFrame:
    """The region covariates keyed by NUTS 2024 (``nuts2_2024``) instead of 2021.

    Totals and GDP follow the population shares, rates are population-weighted, and
    categorical typologies come from the 2021 region that contributes most people.
    """
    values = region_table.assign(
        region_gdp_meur=region_table["gdp_per_head_eur"] * region_table["region_population"] / 1e6
    )
    recoded = recode_regions(
        values.rename(columns={"nuts2_2021": "code_2021"}),
        recode_2021_to_2024,
        code_from="code_2021",
        code_to="code_2024",
        totals=["region_gdp_meur", "region_population"],
        rates=["unemployment_rate_pct", "metropolitan_population_share"],
        categories=["country_iso2", "covariate_year", "metropolitan_type", "urban_rural_type", "coastal_region"],
    )
    recoded["gdp_per_head_eur"] = recoded["region_gdp_meur"] * 1e6 / recoded["region_population"]
    recoded["log_gdp_per_head"] = np.log(recoded["gdp_per_head_eur"])
    parent_flag = region_table.set_index("nuts2_2021")["values_from_parent_region"]
    inherited = (
        recoded["recoded_from"].str.split("|").map(lambda codes: bool(parent_flag.reindex(codes).fillna(False).any()))
    )
    recoded["values_from_parent_region"] = recoded["values_from_parent_region"] | inherited
    recoded = pd.concat([recoded, eu_cohort(recoded["country_iso2"])], axis=1)
    columns = ["nuts2_2024", *_region_columns(), "recode_relation", "recoded_from"]
    return recoded.rename(columns={"code_2024": "nuts2_2024"})[columns]


# --------------------------------------------------------------------------- EUROCITIES


def _member_name_forms(member) -> list[str]:
    """Names a member is looked up under: website and Wikidata names, then each without its body words."""
    names = [name for name in (member.name_on_website, member.wikidata_name) if isinstance(name, str) and name.strip()]
    stripped = []
    for name in names:
        text = f" {normalise_name(name)} "
        for word in EUROCITIES_BODY_WORDS:
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


def large_places(
    gazetteer: pd.DataFrame | None,
    country_iso2: str,
    min_population: int,
    fallback: Iterable[tuple[str, float, float]],
    levels: Iterable[str] = ("city", "prefecture"),
) -> pd.DataFrame:
    """Places of ``country_iso2`` with at least ``min_population`` people (``name``, ``latitude``, ``longitude``).

    From the gazetteer when one is given and has such places (duplicates of one place at
    several levels are harmless for a nearest-distance), else from the named ``fallback`` list.
    """
    if gazetteer is not None and not gazetteer.empty:
        chosen = gazetteer[
            (gazetteer["country_iso2"] == country_iso2)
            & gazetteer["level"].isin(list(levels))
            & (pd.to_numeric(gazetteer["population"], errors="coerce") >= min_population)
            & gazetteer["latitude"].notna()
            & gazetteer["longitude"].notna()
        ]
        if not chosen.empty:
            return (
                chosen[["name", "latitude", "longitude"]]
                .astype({"latitude": float, "longitude": float})
                .reset_index(drop=True)
            )
    return pd.DataFrame(list(fallback), columns=["name", "latitude", "longitude"])


def city_covariates(
    cities: pd.DataFrame,
    region_table: pd.DataFrame,
    eurocities_matches: pd.DataFrame,
    nuts3: pd.DataFrame,
    land: gpd.GeoDataFrame,
    *,
    gazetteer: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Covariates per frame city (see :data:`CITY_COVARIATES_SCHEMA`).

    ``cities``: the frame table; ``region_table``: :func:`region_covariates`;
    ``eurocities_matches``: :func:`match_eurocities`; ``nuts3``: :func:`nuts3_typologies`;
    ``land``: Natural Earth land polygons; ``gazetteer``: partner gazetteer for the large
    US (>= 500,000) and Chinese (>= 5 million) cities, else the named fallback lists.
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

    us_places = large_places(gazetteer, "US", US_LARGE_CITY_MIN_POPULATION, US_LARGE_CITIES)
    cn_places = large_places(gazetteer, "CN", CN_LARGE_CITY_MIN_POPULATION, CN_LARGE_CITIES)
    table["dist_us_km"], table["nearest_us_city"] = nearest_place(cities["latitude"], cities["longitude"], us_places)
    table["dist_cn_km"], table["nearest_cn_city"] = nearest_place(cities["latitude"], cities["longitude"], cn_places)
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


# --------------------------------------------------------------------------- one-call builders

# Raw sources behind each table, for write_table(..., sources=...).
REGION_COVARIATE_SOURCES: list[str] = [
    "eurostat_nuts2_indicators_ballatore",
    "eurostat_nuts3_eutwinnings",
    "nuts_gisco_2021_60m",
]
CITY_COVARIATE_SOURCES: list[str] = [
    *REGION_COVARIATE_SOURCES,
    "eurocities_members_cityvote",
    "world_atlas_npm",
]


def build_region_covariates(year: int = DEFAULT_COVARIATE_YEAR) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Region covariates keyed by NUTS 2021 and by NUTS 2024, from the raw sources."""
    regions_2021 = region_covariates(
        load_nuts2021_codes(),
        load_indicator_panel(),
        load_recode_2016_to_2021(),
        load_nuts3_typology_table(),
        load_nuts3_population(),
        year=year,
    )
    return regions_2021, regions_to_nuts2024(regions_2021, load_recode_2021_to_2024())


def build_city_covariates(
    cities: pd.DataFrame, region_table: pd.DataFrame, gazetteer: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """City covariates for the frame ``cities``, and the EUROCITIES match table (one row per member)."""
    matches = match_eurocities(load_eurocities_members(), cities)
    nuts3 = nuts3_typologies(load_nuts3_typology_table(), load_nuts3_population())
    table = city_covariates(cities, region_table, matches, nuts3, load_land_polygons(), gazetteer=gazetteer)
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


def reference_path(file_name: str) -> Path:
    """Path of a committed reference table in ``analysis/reference``."""
    return paths.REFERENCE / file_name


def load_recode_table(file_name: str, code_from: str, code_to: str) -> pd.DataFrame:
    """Read and check a committed NUTS recode CSV (see :func:`check_recode_table`)."""
    path = reference_path(file_name)
    note_read(path)
    return check_recode_table(
        pd.read_csv(path, dtype={"relation": str, "note": str}), code_from, code_to, source=str(path)
    )


def load_recode_2016_to_2021() -> pd.DataFrame:
    """The NUTS2 2016 -> 2021 recode table."""
    return load_recode_table(NUTS_2016_TO_2021_FILE, "code_2016", "code_2021")


def load_recode_2021_to_2024() -> pd.DataFrame:
    """The NUTS2 2021 -> 2024 recode table."""
    return load_recode_table(NUTS_2021_TO_2024_FILE, "code_2021", "code_2024")


def load_indicator_panel() -> pd.DataFrame:
    """The Eurostat NUTS2 indicator panel 2007-2018 (NUTS 2016 codes)."""
    return pd.read_csv(raw_path("eurostat_nuts2_indicators_ballatore", "eurostat_nuts2_indicators_2007_2018.csv"))


def load_nuts3_typology_table() -> pd.DataFrame:
    """Eurostat's NUTS 2021 typologies (all levels; N/A kept as text)."""
    return pd.read_csv(raw_path("eurostat_nuts3_eutwinnings", "NUTS2021-extra.csv"), dtype=str, keep_default_na=False)


def load_nuts3_population() -> pd.DataFrame:
    """``geo`` and ``population2019_nuts3`` from the eutwinnings indicator table (NUTS 2016 codes)."""
    table = pd.read_csv(raw_path("eurostat_nuts3_eutwinnings", "eurostat_indicators_by_geo.csv"), dtype={"geo": str})
    return table[["geo", "population2019_nuts3"]]


def load_nuts2021_codes() -> pd.DataFrame:
    """The GISCO NUTS 2021 code list (all levels)."""
    return pd.read_csv(
        raw_path("nuts_gisco_2021_60m", "nuts2021_codes_names.csv"), dtype={"NUTS_ID": str, "CNTR_CODE": str}
    )


def load_eurocities_members() -> pd.DataFrame:
    """EUROCITIES members (2025) with Wikidata QID, coordinates and ``country_iso2``."""
    path = raw_path("eurocities_members_cityvote", "members-wikidata-enriched.json")
    members = pd.DataFrame(json.loads(path.read_text(encoding="utf-8"))["members"])
    members["country_iso2"] = members["country_name"].map(country_to_iso2)
    return members


def load_land_polygons() -> gpd.GeoDataFrame:
    """Natural Earth 1:50m land (TopoJSON object ``land`` of world-atlas), WGS84."""
    path = raw_path("world_atlas_npm", "countries-50m.json")
    return gpd.read_file(path, layer="land").set_crs("EPSG:4326", allow_override=True)
