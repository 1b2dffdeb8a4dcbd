"""Tests of analysis.build.partnerships (one row per partnership) and the country rules behind it."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.build import gazetteers, partnerships, resolve
from analysis.build import records as records_module
from analysis.build import relations as R
from analysis.build.gazetteer_rows import GAZETTEER_COLUMNS
from analysis.core.countries import territory_iso2

KANSAS_CITY_MO = (39.10, -94.58)
KANSAS_CITY_KS = (39.11, -94.63)


@pytest.fixture
def frame(frame_from_rows) -> pd.DataFrame:
    rows = [
        ("c-sev", "Sevilla", "Sevilla", "Seville", "ES", 680_000, 37.39, -5.98),
        ("c-fun", "Funchal", "Funchal", "", "PT", 105_000, 32.65, -16.91),
        ("c-mad", "Madrid", "Madrid", "", "ES", 3_200_000, 40.42, -3.70),
        ("c-dra", "Drancy", "Drancy", "", "FR", 70_000, 48.93, 2.45),
        ("c-par", "Paris", "Paris", "", "FR", 2_100_000, 48.86, 2.35),
    ]
    return frame_from_rows(rows)


@pytest.fixture
def gazetteer() -> pd.DataFrame:
    rows = [
        ("us-kc-mo", "Kansas City", "US", "city", "Missouri", "MO", *KANSAS_CITY_MO, 508_000, ""),
        ("us-kc-ks", "Kansas City", "US", "city", "Kansas", "KS", *KANSAS_CITY_KS, 155_000, ""),
        ("us-ks", "Kansas", "US", "state", "Kansas", "KS", None, None, 2_900_000, ""),
        ("us-hnl", "Honolulu", "US", "city", "Hawaii", "HI", 21.31, -157.86, 350_000, ""),
        ("us-hnl-co", "Honolulu County", "US", "county", "Hawaii", "HI", 21.46, -157.97, 1_000_000, ""),
        ("us-goree", "Goree", "US", "city", "Texas", "TX", 33.47, -99.52, 200, ""),
        ("pr-sju", "San Juan", "PR", "city", None, None, 18.47, -66.11, 340_000, ""),
        ("cn-sh", "Shanghai", "CN", "prefecture", "Shanghai", "31", 31.23, 121.47, 24_000_000, ""),
        ("cn-sh-prov", "Shanghai", "CN", "province", "Shanghai", "31", 31.23, 121.47, None, ""),
        ("cn-mh", "Minhang", "CN", "district", "Shanghai", "31", 31.11, 121.37, 2_700_000, "Shanghai|闵行"),
    ]
    table = pd.DataFrame(rows, columns=GAZETTEER_COLUMNS[:-2])
    return table.assign(geonameid=pd.NA)


def wikidata_2017(rows: list[tuple]) -> pd.DataFrame:
    columns = ["origincityLabel", "origincountry", "originlat", "originlong"]
    columns += ["sistercityLabel", "destination_countryLabel", "destinationlat", "destinationlong"]
    return records_module.records_from_wikidata_2017(pd.DataFrame(rows, columns=columns))


def wikipedia(rows: list[tuple]) -> pd.DataFrame:
    raw = pd.DataFrame(rows, columns=["city1", "country1", "city2", "country2"])
    geocoded = raw.assign(lat1=None, lng1=None, lat2=None, lng2=None)
    return records_module.records_from_wikipedia(raw, geocoded)


# --------------------------------------------------------------------------- name keys


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("Honolulu County", "Honolulu", True),
        ("City and County of Honolulu", "Honolulu", True),
        ("Huishan (Wuxi)", "Wuxi – Huishan", True),
        ("Jiangjin District", "Jiangjin", True),
        ("Kansas City", "Kansas", False),
        ("Stolberg (Südharz)", "Stolberg", False),
        ("Vilnius District Municipality", "Vilnius", False),
    ],
)
def test_partnership_name_keys(first, second, same) -> None:
    shared = set(partnerships.partnership_name_keys(first)) & set(partnerships.partnership_name_keys(second))
    assert bool(shared) is same


# --------------------------------------------------------------------------- collapse


def test_homonyms_and_levels_collapse_into_one_partnership(frame, regions, gazetteer) -> None:
    records = pd.concat(
        [
            # Kansas City recorded at the Missouri point twice and at the Kansas point once: one partnership.
            wikidata_2017(
                [
                    ("Sevilla", "Spain", 37.39, -5.98, "Kansas City", "United States", *KANSAS_CITY_MO),
                    ("Seville", "Spain", 37.39, -5.98, "Kansas City", "United States", *KANSAS_CITY_KS),
                    ("Sevilla", "Spain", 37.39, -5.98, "Kansas City", "United States of America", 39.1, -94.58),
                ]
            ),
            # the state of Kansas is another partnership; Honolulu city and Honolulu County are one
            # partnership, kept at city level on equal evidence
            wikipedia(
                [
                    ("Sevilla", "Spain", "Kansas", "United States"),
                    ("Funchal", "Portugal", "Honolulu", "United States"),
                    ("Funchal", "Portugal", "Honolulu County", "United States"),
                ]
            ),
        ],
        ignore_index=True,
    )
    relations, _ = R.harmonise_relations(records, frame, regions, gazetteer)
    R.RELATIONS_SCHEMA.validate(relations)
    by_pair = relations.set_index(["eu_city_id", "partner_id"])
    assert sorted(by_pair.index) == [("c-fun", "us-hnl"), ("c-sev", "us-kc-mo"), ("c-sev", "us-ks")]
    assert by_pair.loc[("c-sev", "us-kc-mo"), "collapsed_partner_ids"] == "us-kc-ks"
    assert by_pair.loc[("c-sev", "us-kc-mo"), "record_count"] == 3
    assert by_pair.loc[("c-fun", "us-hnl"), "collapsed_partner_ids"] == "us-hnl-co"
    assert by_pair.loc[("c-sev", "us-ks"), "partner_level"] == "state"


def test_unresolved_spellings_of_one_partner_are_one_partnership(frame, regions, gazetteer) -> None:
    records = wikipedia(
        [("Funchal", "Portugal", "Huishan (Wuxi)", "China"), ("Wuxi – Huishan", "China", "Funchal", "Portugal")]
    )
    relations, _ = R.harmonise_relations(records, frame, regions, gazetteer)
    assert len(relations) == 1 and relations.loc[0, "record_count"] == 2


def test_shanghai_is_the_municipality_not_a_district_or_the_province(frame, regions, gazetteer) -> None:
    records = wikipedia([("Madrid", "Spain", "Shanghai", "China"), ("Paris", "France", "Minhang", "China")])
    relations, _ = R.harmonise_relations(records, frame, regions, gazetteer)
    levels = relations.set_index("partner_id")["partner_level"]
    assert levels.to_dict() == {"cn-sh": "prefecture", "cn-mh": "district"}


# --------------------------------------------------------------------------- countries


def test_no_country_is_guessed_from_a_small_namesake(frame, gazetteer) -> None:
    unlabelled = pd.DataFrame({"from_qid": ["Q1"], "to_qid": ["Q2"]})
    names = pd.DataFrame({"qid": ["Q1", "Q2"], "label": ["Gorée", "Drancy"]})
    nodes = pd.DataFrame(columns=["qid", "label", "country", "lat", "lon"])
    alone = records_module.records_from_wikidata_2016(unlabelled, names, nodes)
    indexes = (resolve.frame_name_index(frame), resolve.gazetteer_name_index(gazetteer))
    inferred = R.infer_missing_countries(alone, *indexes)
    # Drancy is a frame city of one country; Gorée only a Texas town of 200: not taken as the US.
    assert inferred.loc[0, "b_country_iso2"] == "FR" and pd.isna(inferred.loc[0, "a_country_iso2"])
    labelled = wikidata_2017([("Drancy", "France", 48.93, 2.45, "Gorée", "Senegal", 14.67, -17.4)])
    both = R.infer_missing_countries(pd.concat([alone, labelled], ignore_index=True), *indexes)
    assert both.loc[0, "a_country_iso2"] == "SN" and both.loc[0, "a_country_inferred"]


def test_a_territory_filed_under_its_sovereign_is_the_territory(frame, regions, gazetteer) -> None:
    codes = territory_iso2(
        pd.Series(["US", "CN", "US", "US"], dtype="string"),
        pd.Series(["Guam", "Macau", "Kansas City", "Hagåtña"]),
        pd.Series(["United States", "People's Republic of China", "Missouri, United States", "Guam, United States"]),
    )
    assert codes.tolist() == ["GU", "MO", "US", "GU"]
    records = pd.concat(
        [
            wikipedia([("Madrid", "Spain", "San Juan", "Puerto Rico")]),
            wikidata_2017([("Madrid", "Spain", 40.42, -3.70, "San Juan", "United States of America", 18.47, -66.11)]),
        ],
        ignore_index=True,
    )
    relations, _ = R.harmonise_relations(records, frame, regions, gazetteer)
    assert relations[["partner_id", "partner_country_iso2"]].values.tolist() == [["pr-sju", "PR"]]
    assert not relations["partner_is_us"].any()


# --------------------------------------------------------------------------- fields


def test_partnership_fields() -> None:
    relations = pd.DataFrame(
        {
            "eu_city_id": ["c-prg", "c-prg", "c-par"],
            "eu_country_iso2": ["CZ", "CZ", "FR"],
            "partner_id": ["cn-bj", "us-chi", "fr-lyon"],
            "partner_country_iso2": ["CN", "US", "FR"],
            "in_wikipedia_2026": [False, True, False],
            "in_wikidata_2017": [False, True, False],
            "in_wikidata_2022": [True, False, False],
            "in_wikidata_2016": [False, True, True],
        }
    )
    ended = pd.DataFrame({"eu_city_id": ["c-prg"], "partner_id": ["cn-bj"], "ended_year": pd.array([2019], "Int64")})
    out = partnerships.add_partnership_fields(relations, ended)
    assert out["status"].tolist() == ["ended", "active", "unknown"]
    assert out["ended_year"].tolist()[0] == 2019 and out["ended_year"].isna().tolist()[1:] == [True, True]
    assert out["first_snapshot_year"].tolist() == [2022, 2016, 2016]
    assert out["last_snapshot_year"].tolist() == [2022, 2026, 2016]
    assert out["is_domestic"].tolist() == [False, False, True]


def test_committed_end_dates_and_traps_are_well_formed() -> None:
    ended = partnerships.ended_partnerships()
    assert ended["ended_year"].between(1900, 2100).all()
    traps = partnerships.partner_traps()
    assert len(traps) >= 40
    assert not traps.duplicated(["eu_city_id", "partner_name", "partner_country_iso2"]).any()
    assert traps["partner_country_iso2"].str.fullmatch(r"[A-Z]{2}").all()


def test_trap_check_finds_duplicates_and_wrong_ids() -> None:
    relations = pd.DataFrame(
        {
            "eu_city_id": ["c-a", "c-a", "c-b", "c-c"],
            "eu_region_code": pd.NA,
            "partner_id": ["us-kc-mo", "us-kc-ks", "us-kc-ks", "us-kc-mo"],
            "partner_name": ["Kansas City", "Kansas City", "Kansas City", "Kansas City"],
            "partner_country_iso2": "US",
            "collapsed_partner_ids": "",
        }
    )
    traps = pd.DataFrame(
        {
            "eu_city_id": ["*"],
            "eu_name": ["every EU unit"],
            "partner_name": ["Kansas City"],
            "partner_country_iso2": ["US"],
            "expected_partner_id": ["us-kc-mo"],
            "source": [""],
            "note": [""],
        }
    )
    checked = partnerships.check_partner_traps(relations, traps).set_index("eu_unit")
    assert checked["holds"].to_dict() == {"c-a": False, "c-b": False, "c-c": True}
    assert checked.loc["c-a", "found"] == 2


def test_population_overrides_replace_a_wrong_figure() -> None:
    table = pd.DataFrame({"partner_id": ["cn-pref-6403", "cn-pref-3205"], "population": pd.array([7_202_654, 10])})
    overrides = pd.DataFrame({"partner_id": ["cn-pref-6403"], "population": pd.array([None], dtype="Int64")})
    fixed = gazetteers.apply_population_overrides(table, overrides)
    assert fixed["population"].isna().tolist() == [True, False]
    assert "cn-pref-6403" in set(gazetteers.population_overrides()["partner_id"])


@pytest.mark.slow
def test_public_partnerships_hold_every_reviewed_trap(small_build) -> None:
    relations = pd.read_parquet(small_build / "data" / "processed" / "relations.parquet")
    checked = partnerships.check_partner_traps(relations, partnerships.partner_traps())
    failing = checked.loc[~checked["holds"], ["eu_name", "partner_name", "eu_unit", "partner_ids"]]
    assert failing.empty, failing.to_string()
    # The small build keeps cities of 250,000 and more: many traps are still there to be checked.
    assert (checked["found"] > 0).sum() >= 20
