"""Tests for analysis.build.distances: great-circle and coastline distances, large partner cities."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from analysis.build import distances as ds
from analysis.core.geo import haversine_km

# --------------------------------------------------------------------------- distances and classes


def test_haversine_known_distances():
    warsaw, new_york, paris, london = (52.2297, 21.0122), (40.7128, -74.0060), (48.8566, 2.3522), (51.5074, -0.1278)

    distances = haversine_km(
        [warsaw[0], paris[0], paris[0]],
        [warsaw[1], paris[1], paris[1]],
        [new_york[0], london[0], paris[0]],
        [new_york[1], london[1], paris[1]],
    )

    assert distances[0] == pytest.approx(6_856, abs=25)
    assert distances[1] == pytest.approx(344, abs=3)
    assert distances[2] == 0.0


def test_nearest_place_picks_the_closest():
    places = pd.DataFrame(
        {"name": ["Boston", "Los Angeles"], "latitude": [42.36, 34.05], "longitude": [-71.06, -118.24]}
    )

    distances, names = ds.nearest_place([52.23, 37.0], [21.01, -120.0], places)

    assert list(names) == ["Boston", "Los Angeles"]
    assert distances[0] == pytest.approx(6_550, abs=50)  # Warsaw-Boston


def test_coastline_distance_measures_to_the_land_edge():
    land = gpd.GeoDataFrame(geometry=[shapely.box(0, 40, 10, 50)], crs="EPSG:4326")
    # 0.1 degree of longitude at 45 N is about 7.87 km; the centre is hundreds of km inland.
    distances = ds.coastline_distance_km([45.0, 45.0], [9.9, 5.0], land)

    assert distances[0] == pytest.approx(7.87, rel=0.05)
    assert distances[1] > 300


def test_large_places_prefers_the_gazetteer_and_falls_back_to_the_named_list():
    gazetteer = pd.DataFrame(
        {
            "name": ["Big", "Small", "Other"],
            "country_iso2": ["US", "US", "CN"],
            "level": ["city", "city", "city"],
            "population": [900_000, 10_000, 9_000_000],
            "latitude": [40.0, 41.0, 30.0],
            "longitude": [-70.0, -71.0, 110.0],
        }
    )
    fallback = ds.load_large_cities()
    named_us = fallback[fallback["country_iso2"] == "US"]

    assert list(ds.large_places(gazetteer, "US", 500_000, fallback)["name"]) == ["Big"]
    assert list(ds.large_places(None, "US", 500_000, fallback)["name"]) == list(named_us["name"])
    chinese = ds.large_places(gazetteer.iloc[:2], "CN", 5_000_000, fallback)
    assert len(chinese) == (fallback["country_iso2"] == "CN").sum() and "Shanghai" in set(chinese["name"])


def test_large_city_declarations_carry_cut_offs_and_named_cities_for_both_partners():
    thresholds = ds.load_large_city_thresholds()
    places = ds.large_partner_cities(None, thresholds, ds.load_large_cities())

    assert set(thresholds) == set(places) == {"US", "CN"}
    for country, table in places.items():
        assert not table.empty, country
        assert table["latitude"].between(-90, 90).all() and table["longitude"].between(-180, 180).all()
    assert places["US"]["longitude"].lt(-60).all() and places["CN"]["longitude"].gt(100).all()
