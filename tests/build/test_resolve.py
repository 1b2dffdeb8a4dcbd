"""Tests of analysis.build.resolve: one resolver, the same id whichever source names the place.

A small gazetteer holds the namesakes that made the old resolvers disagree (New York city and
state, four Columbus, two Portland, three Springfield, two Suzhou ...). Each case is a partner
name with, optionally, coordinates and an admin-1 hint; it goes through every source's path:

* public records: a Wikidata record (hint in the country label "Ohio, United States",
  coordinates of its own) through :func:`analysis.build.relations.harmonise_relations`;
* survey roster: :func:`analysis.stats.triangulation.link_ties` (hint in ``partner_admin1``);
* crawl findings: the detector's :meth:`analysis.collect.web.detect.Detector.resolve` (the crawl has no
  hint nor coordinates);
* EU places: the EU end of records and :func:`analysis.build.covariates.match_eurocities`.
"""

from __future__ import annotations

import string

import numpy as np
import pandas as pd
import pytest

from analysis.build import covariates, records, relations, resolve
from analysis.build.gazetteer_rows import GAZETTEER_COLUMNS
from analysis.collect.web.detect import Detector
from analysis.stats import triangulation

NAN = float("nan")

GAZETTEER_ROWS = [
    # partner_id, name, country, level, admin1 name, admin1 code, lat, lon, population, alternate names
    (
        "us-place-3651000",
        "New York",
        "US",
        "city",
        "New York",
        "NY",
        40.71,
        -74.01,
        8_467_513,
        "Nowy Jork|New York City",
    ),
    (
        "us-state-36",
        "New York",
        "US",
        "state",
        "New York",
        "NY",
        42.9,
        -75.5,
        19_677_151,
        "Nowy Jork|State of New York",
    ),
    ("us-place-3918000", "Columbus", "US", "city", "Ohio", "OH", 39.96, -83.00, 906_528, ""),
    ("us-place-1319000", "Columbus", "US", "city", "Georgia", "GA", 32.46, -84.99, 205_617, ""),
    ("us-place-1814734", "Columbus", "US", "city", "Indiana", "IN", 39.20, -85.92, 50_569, ""),
    ("us-place-4159000", "Portland", "US", "city", "Oregon", "OR", 45.52, -122.68, 641_162, ""),
    ("us-place-2360545", "Portland", "US", "city", "Maine", "ME", 43.66, -70.26, 68_313, ""),
    ("us-place-2970000", "Springfield", "US", "city", "Missouri", "MO", 37.21, -93.29, 169_724, ""),
    ("us-place-2567000", "Springfield", "US", "city", "Massachusetts", "MA", 42.10, -72.59, 154_789, ""),
    ("us-place-1772000", "Springfield", "US", "city", "Illinois", "IL", 39.80, -89.64, 113_394, ""),
    ("us-place-2938000", "Kansas City", "US", "city", "Missouri", "MO", 39.10, -94.58, 508_394, ""),
    ("us-place-2036000", "Kansas City", "US", "city", "Kansas", "KS", 39.11, -94.63, 154_545, ""),
    ("us-state-20", "Kansas", "US", "state", "Kansas", "KS", 38.5, -98.4, 2_937_880, ""),
    ("us-place-4516000", "Columbia", "US", "city", "South Carolina", "SC", 34.00, -81.03, 137_541, ""),
    ("us-place-2915670", "Columbia", "US", "city", "Missouri", "MO", 38.95, -92.33, 126_853, ""),
    ("gn-4140963", "Washington", "US", "city", "District of Columbia", "DC", 38.90, -77.04, 689_545, "Waszyngton"),
    ("us-mcd-34015-washington", "Washington", "US", "city", "New Jersey", "NJ", 39.75, -75.06, 49_391, ""),
    ("us-state-53", "Washington", "US", "state", "Washington", "WA", 47.4, -120.5, 7_785_786, "Washington State"),
    ("us-state-13", "Georgia", "US", "state", "Georgia", "GA", 32.7, -83.4, 10_912_876, ""),
    ("us-place-1714000", "Chicago", "US", "city", "Illinois", "IL", 41.88, -87.63, 2_696_555, "City of Chicago"),
    ("cn-prov-31", "Shanghai", "CN", "province", "Shanghai", "31", 31.2, 121.5, None, "Szanghaj"),
    ("cn-pref-3101", "Shanghai", "CN", "prefecture", "Shanghai", "31", 31.23, 121.47, 24_874_500, "Szanghaj"),
    ("gn-1800480", "Minhang", "CN", "city", "Shanghai", "31", 31.11, 121.37, 2_716_600, "Shang-hai|Ming-hang"),
    ("cn-prov-11", "Beijing", "CN", "province", "Beijing", "11", 39.9, 116.4, None, "Peking|Pekin"),
    ("cn-pref-1101", "Beijing", "CN", "prefecture", "Beijing", "11", 39.90, 116.40, 18_960_744, "Peking|Pekin"),
    ("cn-pref-3205", "Suzhou", "CN", "prefecture", "Jiangsu", "32", 31.30, 120.58, 6_715_559, "Soochow"),
    ("cn-pref-3413", "Suzhou", "CN", "prefecture", "Anhui", "34", 33.64, 116.98, 1_647_642, ""),
    ("cn-pref-3212", "Taizhou", "CN", "prefecture", "Jiangsu", "32", 32.49, 119.91, 1_607_108, ""),
    ("cn-pref-3310", "Taizhou", "CN", "prefecture", "Zhejiang", "33", 28.66, 121.42, 1_485_502, ""),
]

# name, country, admin-1 hint, coordinates, the one right answer (None: not resolved)
CASES = [
    ("New York", "US", None, None, "us-place-3651000"),  # a city beats a state of the same name
    ("Nowy Jork", "US", None, None, "us-place-3651000"),  # ... also under an exonym both carry
    ("Columbus", "US", None, None, "us-place-3918000"),  # dominant namesake (907k vs 206k)
    ("Columbus", "US", "Georgia", None, "us-place-1319000"),  # a hint beats population
    ("Columbus", "US", None, (32.5, -85.0), "us-place-1319000"),  # so do coordinates
    ("Columbus, Indiana", "US", None, None, "us-place-1814734"),  # a hint inside the name
    ("Portland", "US", None, None, "us-place-4159000"),
    ("Portland", "US", "Maine", None, "us-place-2360545"),
    ("Springfield", "US", None, None, None),  # three namesakes of similar size: ambiguous
    ("Springfield", "US", "Illinois", None, "us-place-1772000"),
    ("Springfield", "US", None, (42.1, -72.6), "us-place-2567000"),
    ("Kansas City", "US", None, None, "us-place-2938000"),
    ("Kansas City", "US", "Kansas", None, "us-place-2036000"),
    ("Kansas", "US", None, None, "us-state-20"),  # the state's own name, not Kansas City without "City"
    ("Columbia", "US", None, None, None),
    ("Columbia (South Carolina)", "US", None, None, "us-place-4516000"),
    ("Washington", "US", None, None, "gn-4140963"),  # the capital: a city, and dominant among cities
    ("Waszyngton", "US", None, None, "gn-4140963"),
    ("Washington State", "US", None, None, "us-state-53"),
    ("Georgia", "US", None, None, "us-state-13"),
    ("Chicago", "US", None, None, "us-place-1714000"),
    ("City of Chicago", "US", None, None, "us-place-1714000"),
    ("Shanghai", "CN", None, None, "cn-pref-3101"),  # a primary name beats a district's alternate name
    ("Szanghaj", "CN", None, None, "cn-pref-3101"),
    ("Beijing", "CN", None, None, "cn-pref-1101"),
    ("Peking", "CN", None, None, "cn-pref-1101"),
    ("Suzhou", "CN", None, None, "cn-pref-3205"),
    ("Suzhou", "CN", "Anhui", None, "cn-pref-3413"),
    ("Soochow", "CN", None, None, "cn-pref-3205"),
    ("Taizhou", "CN", None, None, None),
    ("Nowhere", "US", None, None, None),
]
COUNTRY_LABELS = {"US": "United States", "CN": "China"}


@pytest.fixture(scope="module")
def gazetteer() -> pd.DataFrame:
    table = pd.DataFrame(GAZETTEER_ROWS, columns=GAZETTEER_COLUMNS[:-2])
    table["population"] = table["population"].astype("Int64")
    table["geonameid"] = pd.NA
    return table


def _eu_names(count: int) -> list[str]:
    # Letter-only names: a digit would make the EU end look like a city district ("Town 5").
    return [f"Eutown{string.ascii_lowercase[i // 26]}{string.ascii_lowercase[i % 26]}" for i in range(count)]


def _frame(names: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "city_id": [f"c-{name}" for name in names],
            "name": names,
            "ascii_name": names,
            "alternate_names": "",
            "country_iso2": "FR",
            "population": 100_000,
            "latitude": np.linspace(43.0, 50.0, len(names)),
            "longitude": 2.0,
        }
    )


def ids_via_public_records(gazetteer: pd.DataFrame) -> list[str | None]:
    """Each case as a Wikidata (2017) record of its own EU town; the partner id of the tie it yields."""
    eu_names = _eu_names(len(CASES))
    frame = _frame(eu_names)
    raw = pd.DataFrame(
        {
            "origincityLabel": eu_names,
            "origincountry": "France",
            "originlat": frame["latitude"].astype(str),
            "originlong": frame["longitude"].astype(str),
            "sistercityLabel": [case[0] for case in CASES],
            # the hint travels in the country label, as in "Ohio, United States"
            "destination_countryLabel": [
                f"{hint}, {COUNTRY_LABELS[country]}" if hint else COUNTRY_LABELS[country]
                for _, country, hint, _, _ in CASES
            ],
            "destinationlat": [str(point[0]) if point else "" for *_, point, _ in CASES],
            "destinationlong": [str(point[1]) if point else "" for *_, point, _ in CASES],
        }
    )
    regions = pd.DataFrame(
        {"nuts2_code": ["FR10"], "name_latn": ["Ile-de-France"], "name_national": [""], "country_iso2": ["FR"]}
    )
    ties, quarantine = relations.harmonise_relations(records.records_from_wikidata_2017(raw), frame, regions, gazetteer)
    assert quarantine.empty
    by_city = ties.set_index("eu_city_id")["partner_id"]
    return [None if pd.isna(by_city[f"c-{eu}"]) else by_city[f"c-{eu}"] for eu in eu_names]


def ids_via_survey(gazetteer: pd.DataFrame, index: pd.DataFrame, cases: list[tuple]) -> list[str | None]:
    """Each case as a survey roster entry (state/province in ``partner_admin1``)."""
    ties = pd.DataFrame(
        {
            "partner_name": [case[0] for case in cases],
            "partner_country_iso2": [case[1] for case in cases],
            "partner_admin1": [case[2] for case in cases],
        }
    )
    return triangulation.link_ties(ties, gazetteer, index=index)["partner_id"].tolist()


def ids_via_crawl(gazetteer: pd.DataFrame, cases: list[tuple]) -> list[str | None]:
    """Each case as a partner name the crawl's detector found in a page (a name and a country only)."""
    units = pd.DataFrame(
        {
            "unit_id": ["gn1"],
            "name": ["Testville"],
            "country_iso2": ["DE"],
            "unit_type": ["city"],
            "population": [60_000],
        }
    )
    detector = Detector.build(units, gazetteer)
    return [detector.resolve(case[0], case[1]) for case in cases]


def test_every_source_path_gives_the_same_partner_id(gazetteer):
    index = resolve.gazetteer_name_index(gazetteer)
    expected = [case[4] for case in CASES]
    assert ids_via_public_records(gazetteer) == expected
    # The roster asks no coordinates, and the crawl has neither coordinates nor a separate hint:
    # each path gets the cases it can express, and must agree on them.
    without_coordinates = [case for case in CASES if case[3] is None]
    assert ids_via_survey(gazetteer, index, without_coordinates) == [case[4] for case in without_coordinates]
    plain = [case for case in without_coordinates if case[2] is None]
    assert len(plain) >= 20
    assert ids_via_crawl(gazetteer, plain) == [case[4] for case in plain]


def test_capture_keys_meet_across_sources(gazetteer):
    """The same name gives the same partner key in every source, resolved or not (capture-recapture joins on it)."""
    index = resolve.gazetteer_name_index(gazetteer)
    names = pd.Series(["New York", "Springfield", "Nowy Jork"])
    countries = pd.Series(["US", "US", "US"])
    survey = triangulation.link_ties(
        pd.DataFrame({"partner_name": names, "partner_country_iso2": countries, "partner_admin1": None}),
        gazetteer,
        index=index,
    )
    public = triangulation.partner_keys(
        pd.Series(["us-place-3651000", None, "us-place-3651000"], dtype=object), names, countries
    )
    assert survey["partner_key"].tolist() == public.tolist()


def test_eu_places_resolve_alike_in_records_and_eurocities():
    frame = pd.DataFrame(
        {
            "city_id": ["c-fra", "c-ffo", "c-krk", "c-mal"],
            "name": ["Frankfurt am Main", "Frankfurt (Oder)", "Kraków", "Malmö"],
            "ascii_name": ["Frankfurt am Main", "Frankfurt (Oder)", "Krakow", "Malmo"],
            "alternate_names": ["Frankfurt", "Frankfurt", "Cracow|Krakau", ""],
            "country_iso2": ["DE", "DE", "PL", "SE"],
            "population": [750_000, 57_000, 780_000, 350_000],
            "latitude": [50.11, 52.34, 50.06, 55.60],
            "longitude": [8.68, 14.55, 19.94, 13.00],
        }
    )
    places = [
        ("Frankfurt", "Germany", "DE", (52.35, 14.54), "c-ffo"),  # coordinates pick the homonym
        ("Frankfurt", "Germany", "DE", (50.10, 8.67), "c-fra"),
        ("Cracow", "Poland", "PL", (50.06, 19.94), "c-krk"),  # an alternate name
        ("Malmö Municipality", "Sweden", "SE", (55.61, 13.01), "c-mal"),  # an affix
    ]
    members = pd.DataFrame(
        {
            "name_on_website": [p[0] for p in places],
            "wikidata_name": [p[0] for p in places],
            "wikidata_id": [f"Q{i}" for i in range(len(places))],
            "latitude": [p[3][0] for p in places],
            "longitude": [p[3][1] for p in places],
            "country_iso2": [p[2] for p in places],
        }
    )
    eurocities = covariates.match_eurocities(members, frame)["city_id"].tolist()

    raw = pd.DataFrame(
        {"city1": [p[0] for p in places], "country1": [p[1] for p in places], "city2": "Chicago", "country2": "US"}
    )
    raw["country1"] = raw["country1"] + pd.Series([""] * len(raw))  # one record per place
    geocoded = raw.assign(
        lat1=[p[3][0] for p in places], lng1=[p[3][1] for p in places], lat2=41.88, lng2=-87.63
    ).drop_duplicates(["city1", "country1", "lat1"])
    record_table = records.records_from_wikipedia(raw, geocoded)
    # The geocoded file is keyed by (city, country): give each record its own coordinates.
    record_table["a_latitude"] = [p[3][0] for p in places]
    record_table["a_longitude"] = [p[3][1] for p in places]
    oriented = records.orient_records(record_table)
    eu = relations.resolve_oriented(
        oriented,
        resolve.frame_name_index(frame),
        resolve.region_name_index(pd.DataFrame(columns=["nuts2_code", "name_latn", "name_national", "country_iso2"])),
        resolve.gazetteer_name_index(pd.DataFrame(GAZETTEER_ROWS, columns=GAZETTEER_COLUMNS[:-2])),
    )
    expected = [p[4] for p in places]
    assert eurocities == expected
    assert eu["eu_city_id"].tolist() == expected


def test_a_primary_name_beats_an_alternate_name_of_a_smaller_unit(gazetteer):
    index = resolve.gazetteer_name_index(gazetteer)
    queries = pd.DataFrame(
        {
            "query_id": [0, 1],
            "country_iso2": ["CN", "US"],
            "name": ["Shanghai", "New York"],
            "latitude": [31.2, NAN],
            "longitude": [121.4, NAN],
            "hint": [pd.NA, pd.NA],
        }
    )
    result = resolve.resolve_places(queries, index).set_index("query_id")
    # with coordinates 12 km from Minhang and 8 km from the municipality, the name still decides
    assert result.loc[0, "entity_id"] == "cn-pref-3101"
    assert result.loc[1, ["entity_id", "match_method"]].tolist() == ["us-place-3651000", "exact"]


def test_an_unknown_population_never_dominates():
    gazetteer = pd.DataFrame(
        [
            ("a", "Twin", "US", "city", "Ohio", "OH", 40.0, -83.0, 900_000, ""),
            ("b", "Twin", "US", "city", "Iowa", "IA", 42.0, -93.0, None, ""),
        ],
        columns=GAZETTEER_COLUMNS[:-2],
    )
    ids = resolve.resolve_partner_names(pd.Series(["Twin"]), pd.Series(["US"]), resolve.gazetteer_name_index(gazetteer))
    assert ids.tolist() == [None]


def test_a_units_public_tie_lends_its_id_to_the_same_name_in_survey_and_crawl(gazetteer):
    """Rule 7 across sources: "Columbia" alone is ambiguous, but not for a unit whose public tie is Columbia, SC."""
    index = resolve.gazetteer_name_index(gazetteer)
    public = pd.DataFrame(
        {
            "eu_city_id": ["c-a", "c-a", "c-b"],
            "eu_region_code": [None, None, None],
            "partner_country_iso2": ["US", "US", "US"],
            "partner_name": ["Columbia", "Columbus", "Columbia"],
            "partner_id": ["us-place-4516000", "us-place-1319000", "us-place-2915670"],
        }
    )
    ties = pd.DataFrame(
        {
            "unit_id": ["c-a", "c-a", "c-d", "c-b", "c-c"],
            "partner_name": ["Columbia", "Columbus", "Columbus", "Columbia", "Columbia"],
            "partner_country_iso2": ["US"] * 5,
            "partner_admin1": [None, None, "Indiana", None, None],
        }
    )
    linked = triangulation.link_ties(ties, gazetteer, index=index, relations=public)
    assert linked["partner_id"].tolist() == [
        "us-place-4516000",  # ambiguous alone; the unit's public tie says which
        "us-place-1319000",  # the dominant namesake (Ohio) yields to the unit's located public tie (Georgia)
        "us-place-1814734",  # a hint of its own
        "us-place-2915670",
        None,  # a unit without such a public tie: still ambiguous
    ]
    crawl_ids = triangulation.resolve_partner_ids(
        ties["partner_name"],
        ties["partner_country_iso2"],
        gazetteer,
        index=index,
        unit_ids=ties["unit_id"],
        relations=public,
    )
    assert crawl_ids.tolist()[:2] == linked["partner_id"].tolist()[:2]
