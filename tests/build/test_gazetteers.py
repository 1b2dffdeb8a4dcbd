"""Tests for the partner gazetteers, on tiny synthetic Census, adcode and GeoNames frames."""

from __future__ import annotations

import pandas as pd
import pandera.errors
import pytest

from analysis.build import china_units, gazetteer_rows, resolve, us_places
from analysis.build import gazetteers as gz

STATES = pd.DataFrame(
    {
        "state_fips": ["20", "29", "42", "47", "72"],
        "usps_code": ["KS", "MO", "PA", "TN", "PR"],
        "state_name": ["Kansas", "Missouri", "Pennsylvania", "Tennessee", "Puerto Rico"],
        "geonameid": pd.array([4273857, 4398678, 6254927, 4662168, None], dtype="Int64"),
    }
)

GEONAMES_COLUMNS = [
    "geonameid",
    "name",
    "country_iso2",
    "admin1_code",
    "latitude",
    "longitude",
    "population",
    "alternate_names",
]


def census_places() -> pd.DataFrame:
    rows = [
        # name, population, SUMLEV, STATE, COUNTY, PLACE, NAME, latitude, longitude
        ("Kansas City", 508090, "157", "29", "095", "38000", "Kansas City city", 39.10, -94.58),
        ("Kansas City", 156607, "162", "20", "000", "36000", "Kansas City city", 39.11, -94.63),
        ("Bethlehem", 75624, "162", "42", "000", "06088", "Bethlehem city", 40.622, -75.375),
        ("Bethlehem", 25966, "061", "42", "095", "00000", "Bethlehem township", 40.6259, -75.3704),
        ("Philadelphia", 1576251, "157", "42", "101", "60000", "Philadelphia city", 39.95, -75.16),
        ("Upper Darby", 84891, "061", "42", "045", "00000", "Upper Darby township", 39.96, -75.27),
        ("Tiny", 800, "061", "42", "045", "00000", "Tiny township", 39.90, -75.20),
        ("Philadelphia", 1576251, "061", "42", "101", "60000", "Philadelphia city", 39.95, -75.16),
        ("Butte-Silver Bow", 35411, "170", "42", "000", "00000", "Butte-Silver Bow", None, None),
    ]
    columns = ["name", "population", "SUMLEV", "STATE", "COUNTY", "PLACE", "NAME", "latitude", "longitude"]
    places = pd.DataFrame(rows, columns=columns)
    places["STNAME"] = places["STATE"].map(STATES.set_index("state_fips")["state_name"])
    return places


def census_counties() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "SUMLEV": ["040", "050", "050"],
            "STATE": ["42", "42", "42"],
            "COUNTY": ["000", "101", "045"],
            "STNAME": ["Pennsylvania"] * 3,
            "CTYNAME": ["Pennsylvania", "Philadelphia County", "Delaware County"],
            "POPESTIMATE2021": [12964056, 1576251, 575182],
        }
    )


def census_states() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "SUMLEV": ["010", "040", "040", "040", "040"],
            "STATE": ["00", "20", "29", "42", "72"],
            "NAME": ["United States", "Kansas", "Missouri", "Pennsylvania", "Puerto Rico"],
            "POPESTIMATE2022": [333287557, 2937150, 6177957, 12972008, 3221789],
        }
    )


def adcodes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "adcode": [
                "320000000000",
                "320500000000",
                "320583000000",
                "320505000000",
                "220000000000",
                "222400000000",
                "110000000000",
                "110100000000",
                "810000000000",
                "419000000000",
            ],
            "name": [
                "江苏省",
                "苏州市",
                "昆山市",
                "虎丘区",
                "吉林省",
                "延边朝鲜族自治州",
                "北京市",
                "市辖区",
                "香港特别行政区",
                "省直辖县级行政区划",
            ],
            "longitude": [118.76, 120.58, 120.98, 120.57, 125.32, 129.47, 116.41, 116.41, 114.17, None],
            "latitude": [32.06, 31.30, 31.38, 31.30, 43.90, 42.91, 39.90, 39.90, 22.28, None],
        }
    )


def geonames() -> pd.DataFrame:
    rows = [
        (4393217, "Kansas City", "US", "MO", 39.10, -94.58, 508090, ["Kansas-Siti", "KCMO"]),
        (4273837, "Kansas City", "US", "KS", 39.11, -94.63, 156607, []),
        (5180225, "Bethlehem", "US", "PA", 40.6259, -75.3705, 74892, ["Betlejem"]),
        (4560349, "Philadelphia", "US", "PA", 39.95, -75.16, 1573916, ["Filadelfia", "PHL", "فيلادلفيا"]),
        (4644585, "Nashville", "US", "TN", 36.17, -86.78, 689447, ["Nashville-Davidson"]),
        (4568127, "San Juan", "PR", "127", 18.47, -66.11, 418140, []),
        (1886760, "Suzhou", "CN", "04", 31.31, 120.60, 6715559, ["苏州", "蘇州", "Su-chou"]),
        (1785623, "Kunshan", "CN", "04", 31.38, 120.95, 2092496, ["昆山市"]),
        (1816670, "Beijing", "CN", "22", 39.91, 116.40, 18960744, ["北京", "Pekin"]),
        (1793743, "Suzhou", "CN", "01", 33.64, 116.98, 1647642, ["宿州市"]),
        (1819729, "Hong Kong", "HK", "", 22.28, 114.17, 7396076, ["Xianggang"]),
        (3094802, "Kraków", "PL", "77", 50.06, 19.94, 755050, ["Cracovia", "Krakau"]),
    ]
    return pd.DataFrame(rows, columns=GEONAMES_COLUMNS)


# --------------------------------------------------------------------------- US


def test_us_places_keep_places_consolidated_and_large_towns_only():
    places = us_places.build_us_places(census_places(), STATES, min_mcd_population=10000)
    ids = set(places["partner_id"])
    assert {"us-place-2938000", "us-place-2036000", "us-place-4206088", "us-place-4260000"} <= ids
    assert "us-consolidated-42-buttesilverbow" in ids
    assert "us-mcd-42095-bethlehem" in ids and "us-mcd-42045-upperdarby" in ids
    assert not any("tiny" in partner_id for partner_id in ids)  # below the MCD threshold
    assert len(places) == 7  # the Philadelphia MCD duplicates the incorporated place
    philadelphia = places.set_index("partner_id").loc["us-place-4260000"]
    assert philadelphia["admin1_code"] == "PA" and philadelphia["level"] == "city"
    assert {"City of Philadelphia", "Philadelphia, Pennsylvania", "Philadelphia, PA"} <= set(
        philadelphia["alternate_names"].split("|")
    )


def test_us_places_reject_unknown_summary_level():
    broken = census_places()
    broken.loc[0, "SUMLEV"] = "7076"
    with pytest.raises(ValueError, match=r"cities.csv: column SUMLEV .*7076"):
        us_places.build_us_places(broken, STATES)


def test_us_places_are_linked_within_their_state_and_prefer_incorporated_places():
    places = us_places.build_us_places(census_places(), STATES)
    linked, links = us_places.link_us_places(places, geonames())
    by_id = linked.set_index("partner_id")
    assert by_id.loc["us-place-2938000", "geonameid"] == 4393217  # Missouri's Kansas City
    assert by_id.loc["us-place-2036000", "geonameid"] == 4273837  # Kansas's
    assert by_id.loc["us-place-4206088", "geonameid"] == 5180225  # the city, not the township
    assert pd.isna(by_id.loc["us-mcd-42095-bethlehem", "geonameid"])
    alternates = by_id.loc["us-place-4260000", "alternate_names"].split("|")
    assert "Filadelfia" in alternates
    assert "PHL" not in alternates and "فيلادلفيا" not in alternates
    assert links["geonameid"].is_unique and links["partner_id"].is_unique


def test_links_respect_the_distance_limit():
    far_away = geonames()
    far_away.loc[far_away["geonameid"] == 4560349, "latitude"] = 41.5  # ~170 km north
    places = us_places.build_us_places(census_places(), STATES)
    linked, _ = us_places.link_us_places(places, far_away, max_distance_km=75.0)
    assert pd.isna(linked.set_index("partner_id").loc["us-place-4260000", "geonameid"])


def test_us_counties_and_states():
    counties = us_places.build_us_counties(census_counties(), census_places(), STATES)
    assert list(counties["partner_id"]) == ["us-county-42101", "us-county-42045"]
    philadelphia_county = counties.set_index("partner_id").loc["us-county-42101"]
    assert philadelphia_county["latitude"] == pytest.approx(39.95)
    assert "County of Philadelphia" in philadelphia_county["alternate_names"]

    states = us_places.build_us_states(census_states(), census_places(), STATES, geonames()).set_index("partner_id")
    assert list(states.index) == ["us-state-20", "us-state-29", "us-state-42", "us-state-72"]
    # Puerto Rico is a territory, coded PR; Missouri (USPS MO) stays a US state, not Macao.
    assert states.loc["us-state-72", ["country_iso2", "level"]].tolist() == ["PR", "territory"]
    assert states.loc["us-state-29", ["country_iso2", "level"]].tolist() == ["US", "state"]
    assert states.loc["us-state-72", "latitude"] == pytest.approx(18.47)  # from GeoNames' PR cities
    assert states.loc["us-state-42", "population"] == 12972008
    assert "Pensylwania" in states.loc["us-state-42", "alternate_names"]


# --------------------------------------------------------------------------- China


@pytest.mark.parametrize(
    ("han", "core"),
    [
        ("苏州市", "苏州"),
        ("延边朝鲜族自治州", "延边"),
        ("广西壮族自治区", "广西"),
        ("大兴安岭地区", "大兴安岭"),
        ("锡林郭勒盟", "锡林郭勒"),
        ("香港特别行政区", "香港"),
        ("沙市", "沙市"),
        ("闵行区", "闵行"),
        ("东城区", "东城"),
    ],
)
def test_han_core_name(han, core):
    assert china_units.han_core_name(han) == core


def test_pinyin_name_handles_polyphonic_characters():
    assert china_units.pinyin_name("重庆") == "Chongqing"
    assert china_units.pinyin_name("厦门") == "Xiamen"


def test_china_divisions_are_classified():
    kinds = china_units.classify_china_divisions(adcodes()).set_index("adcode")["division_kind"]
    assert kinds["320500000000"] == "prefecture"
    assert kinds["320583000000"] == "county_city"
    assert kinds["320505000000"] == "district"
    assert kinds["110100000000"] == "municipal_core"
    assert kinds["419000000000"] == "directly_administered"


def test_china_units_get_english_names_links_and_exonyms():
    rows, divisions = china_units.build_china_units(adcodes(), geonames())
    by_id = rows.set_index("partner_id")
    assert set(by_id.index) == {
        "cn-prov-32",
        "cn-pref-3205",
        "cn-county-320583",
        "cn-dist-320505",
        "cn-prov-22",
        "cn-pref-2224",
        "cn-prov-11",
        "cn-pref-1101",
        "cn-prov-81",
    }
    suzhou = by_id.loc["cn-pref-3205"]
    assert (suzhou["name"], suzhou["geonameid"], suzhou["admin1_name"]) == ("Suzhou", 1886760, "Jiangsu")
    assert {"苏州市", "Soochow", "Suzhou City", "Su-chou"} <= set(suzhou["alternate_names"].split("|"))
    assert by_id.loc["cn-county-320583", "geonameid"] == 1785623
    assert by_id.loc["cn-county-320583", "level"] == "city"
    yanbian = by_id.loc["cn-pref-2224"]
    assert yanbian["name"] == "Yanbian" and pd.isna(yanbian["geonameid"])
    assert "Yanbian Autonomous Prefecture" in yanbian["alternate_names"]
    beijing = by_id.loc["cn-pref-1101"]
    assert beijing["name"] == "Beijing" and beijing["geonameid"] == 1816670 and "Peking" in beijing["alternate_names"]
    hong_kong = by_id.loc["cn-prov-81"]
    assert (hong_kong["name"], hong_kong["country_iso2"], hong_kong["level"]) == ("Hong Kong", "HK", "province")

    coverage = china_units.china_prefecture_coverage(divisions)
    assert coverage.loc["all", "units"] == 4
    assert coverage.loc["all", "gazetteer_rows"] == 3
    assert coverage.loc["all", "geonames_linked"] == 2


def test_world_cities_exclude_linked_ones_and_use_adcode_provinces():
    world = gz.build_world_cities(geonames(), [1886760, 4560349], STATES).set_index("partner_id")
    assert "gn-1886760" not in world.index and "gn-4560349" not in world.index
    anhui_suzhou = world.loc["gn-1793743"]
    assert (anhui_suzhou["admin1_code"], anhui_suzhou["admin1_name"]) == ("34", "Anhui")
    assert world.loc["gn-4644585", "admin1_name"] == "Tennessee"
    assert pd.isna(world.loc["gn-1819729", "admin1_code"])
    assert "Cracovia" in world.loc["gn-3094802", "alternate_names"]


# --------------------------------------------------------------------------- whole table and lookup


@pytest.fixture
def gazetteer() -> pd.DataFrame:
    return gz.build_partner_gazetteer(
        census_places(), census_counties(), census_states(), adcodes(), geonames(), states=STATES
    )


def test_gazetteer_is_valid_and_every_geonames_city_appears_once(gazetteer):
    assert list(gazetteer.columns) == gazetteer_rows.GAZETTEER_COLUMNS
    assert gazetteer["partner_id"].is_unique
    city_ids = set(geonames()["geonameid"])
    linked = gazetteer.loc[gazetteer["source"] != "census_states", "geonameid"].dropna()
    assert set(linked) == city_ids and linked.is_unique


def test_schema_rejects_a_geonames_id_linked_twice(gazetteer):
    broken = gazetteer.copy()
    broken.loc[broken["partner_id"] == "us-place-2036000", "geonameid"] = 4393217
    with pytest.raises(pandera.errors.SchemaErrors):
        gz.GAZETTEER_SCHEMA.validate(broken, lazy=True)


def test_built_gazetteer_resolves_exact_names_before_affix_free_keys(gazetteer):
    names = ["Kansas", "Kansas City", "City of Philadelphia", "Suzhou City", "Pekin", "Krakau", "Nowhere"]
    countries = ["US", "US", "US", "CN", "CN", "PL", "US"]
    ids = resolve.resolve_partner_names(pd.Series(names), pd.Series(countries), resolve.gazetteer_name_index(gazetteer))
    assert ids.tolist() == [
        "us-state-20",  # the state's own name, not Kansas City without its "City"
        "us-place-2938000",  # Kansas City, Missouri: three times as populous as Kansas City, Kansas
        "us-place-4260000",
        "cn-pref-3205",
        "cn-pref-1101",  # an exonym of Beijing
        "gn-3094802",
        None,
    ]


def test_gazetteer_counts_pool_other_countries(gazetteer):
    counts = gz.gazetteer_counts(gazetteer).set_index(["country", "level"])
    assert counts.loc[("US", "state"), "rows"] == 3  # Kansas, Missouri, Pennsylvania; Puerto Rico is a territory
    assert counts.loc[("other", "territory"), "rows"] == 1
    assert counts.loc[("other", "city"), "rows"] == 2  # Kraków and San Juan (PR)
    assert counts.loc[("HK", "province"), "rows"] == 1


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("Filadelfia", True),
        ("Πεκίνο", True),
        ("Пекин", True),
        ("北京", True),
        ("PHL", False),
        ("فيلادلفيا", False),
        (" ", False),
    ],
)
def test_keep_alternate_name(name, kept):
    assert gazetteer_rows.keep_alternate_name(name) is kept


def test_link_summary_counts_links_by_source(gazetteer):
    summary = gz.link_summary(gazetteer, min_population=100000)
    places = summary.loc["census_places"]
    assert places["rows"] == 7
    assert places["geonames_linked"] == 4  # both Kansas Cities, Bethlehem city, Philadelphia
    assert places["large_rows"] == 3 and places["large_linked"] == 3


def test_china_pinyin_links_keep_pinyin_names_and_seat_towns_are_not_linked():
    units = pd.DataFrame(
        {
            "adcode": ["370782000000", "330784000000"],
            "name": ["诸城市", "永康市"],
            "longitude": [119.41, 120.05],
            "latitude": [35.99, 28.89],
        }
    )
    cities = pd.DataFrame(
        [
            (7602670, "Zhu Cheng City", "CN", "25", 35.995, 119.405, 1000000, []),
            (1809412, "Guli", "CN", "02", 28.90, 120.04, 200000, ["Yongkang"]),
        ],
        columns=GEONAMES_COLUMNS,
    )
    rows, _ = china_units.build_china_units(units, cities)
    by_id = rows.set_index("partner_id")
    assert by_id.loc["cn-county-370782", "geonameid"] == 7602670
    assert by_id.loc["cn-county-370782", "name"] == "Zhucheng"
    assert pd.isna(by_id.loc["cn-county-330784", "geonameid"])
    assert by_id.loc["cn-county-330784", "name"] == "Yongkang"


def test_exonym_tables_name_known_units_and_give_a_source_and_note():
    states = set(us_places.us_state_table()["usps_code"])
    us = pd.read_csv(us_places.US_STATE_EXONYMS_PATH, dtype=str, keep_default_na=False)
    cn = pd.read_csv(china_units.CHINA_EXONYMS_PATH, dtype=str, keep_default_na=False)
    for table in (us, cn):
        assert (table["source"].str.strip() != "").all() and (table["note"].str.strip() != "").all()
        assert (table["exonym"].str.strip() != "").all()
    assert set(us["usps_code"]) <= states
    assert cn["adcode"].str.fullmatch(r"\d{2}|\d{4}").all()
    assert set(cn["adcode"].str[:2]) <= set(china_units.CHINA_PROVINCES)
    assert "Nowy Jork" in us_places.us_state_exonyms()["NY"]
    assert "Peking" in china_units.china_exonyms()["1101"]


def test_place_name_readings_of_polyphonic_characters_are_alternate_names_not_names():
    assert china_units.place_name_readings("花都") == ["Huadou", "Huadu"]
    assert china_units.place_name_readings("厦门") == ["Xiamen"]
    units = pd.DataFrame({"adcode": ["440114000000"], "name": ["花都区"], "longitude": [113.22], "latitude": [23.40]})
    empty = pd.DataFrame([], columns=GEONAMES_COLUMNS)
    rows, _ = china_units.build_china_units(units, empty)
    row = rows.set_index("partner_id").loc["cn-dist-440114"]
    assert row["name"] == "Huadou"  # the row keeps its name: other chapters' numbers depend on it
    assert "Huadu" in row["alternate_names"].split("|")
