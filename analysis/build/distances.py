"""Distances of the frame cities: to the coastline and to the nearest large US and Chinese city.

:func:`coastline_distance_km` measures to the boundary of Natural Earth's 1:50m land
polygons; :func:`nearest_place` finds the nearest of a table of places by great-circle
distance. Which US and Chinese cities count as large is declared in
``reference/large_city_thresholds.csv`` (the population cut-off of each country, with its
reason); ``reference/large_cities.csv`` names them for builds without a gazetteer.
The ``load_*`` functions are the only ones that read files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.acquire.sources import raw_path
from analysis.build.regional import CovariateError
from analysis.core import paths
from analysis.core.geo import haversine_km
from analysis.core.tracking import note_read

LAND_MARGIN_DEGREES = 3.0  # coastline kept around the cities' bounding box
DISTANCE_CRS = "EPSG:3035"  # ETRS89-LAEA, metres; the frame's projected CRS
LARGE_CITY_THRESHOLDS_FILE = "large_city_thresholds.csv"
LARGE_CITIES_FILE = "large_cities.csv"
PARTNER_COUNTRIES: tuple[str, ...] = ("US", "CN")


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


def large_places(
    gazetteer: pd.DataFrame | None,
    country_iso2: str,
    min_population: int,
    fallback: pd.DataFrame,
    levels: Iterable[str] = ("city", "prefecture"),
) -> pd.DataFrame:
    """Places of ``country_iso2`` with at least ``min_population`` people (``name``, ``latitude``, ``longitude``).

    From the gazetteer when one is given and has such places (duplicates of one place at
    several levels are harmless for a nearest-distance), else the ``fallback`` rows
    (``country_iso2``, ``name``, ``latitude``, ``longitude``) of that country.
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

    chosen = fallback[fallback["country_iso2"] == country_iso2]
    return (
        chosen[["name", "latitude", "longitude"]].astype({"latitude": float, "longitude": float}).reset_index(drop=True)
    )


def large_partner_cities(
    gazetteer: pd.DataFrame | None, thresholds: Mapping[str, int], fallback: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """ISO2 -> the large places (:func:`large_places`) of each country in ``thresholds`` (ISO2 -> minimum population)."""
    return {
        country: large_places(gazetteer, country, min_population, fallback)
        for country, min_population in thresholds.items()
    }


def load_large_city_thresholds() -> dict[str, int]:
    """ISO2 -> minimum population of a large city, from ``reference/large_city_thresholds.csv``."""
    path = paths.REFERENCE / LARGE_CITY_THRESHOLDS_FILE
    note_read(path)
    table = pd.read_csv(path, dtype={"country_iso2": str}, keep_default_na=False)
    if sorted(table["country_iso2"]) != sorted(PARTNER_COUNTRIES):
        raise CovariateError(f"{path}, column country_iso2: expected one row for each of {list(PARTNER_COUNTRIES)}")
    return dict(zip(table["country_iso2"], table["min_population"].astype(int)))


def load_large_cities() -> pd.DataFrame:
    """The named large US and Chinese cities of ``reference/large_cities.csv`` (the fallback without a gazetteer)."""
    path = paths.REFERENCE / LARGE_CITIES_FILE
    note_read(path)
    table = pd.read_csv(path, dtype={"country_iso2": str, "name": str}, keep_default_na=False)
    missing = sorted(set(PARTNER_COUNTRIES) - set(table["country_iso2"]))
    if missing:
        raise CovariateError(f"{path}, column country_iso2: no large city listed for {missing}")
    return table


def load_land_polygons() -> gpd.GeoDataFrame:
    """Natural Earth 1:50m land (TopoJSON object ``land`` of world-atlas), WGS84."""
    path = raw_path("world_atlas_npm", "countries-50m.json")
    return gpd.read_file(path, layer="land").set_crs("EPSG:4326", allow_override=True)
