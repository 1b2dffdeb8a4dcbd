"""Tests of analysis.build.relations on tiny synthetic sources, frame, regions and gazetteer."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.build import records as records_module
from analysis.build import relations as R
from analysis.build import resolve
from analysis.build.gazetteer_rows import GAZETTEER_COLUMNS

FRANKFURT_MAIN = (50.11, 8.68)
FRANKFURT_ODER = (52.34, 14.55)


@pytest.fixture
def frame(frame_from_rows) -> pd.DataFrame:
    rows = [
        ("c-fra", "Frankfurt am Main", "Frankfurt am Main", "Frankfurt|Francfort", "DE", 750_000, *FRANKFURT_MAIN),
        (
            "c-ffo",
            "Frankfurt (Oder)",
            "Frankfurt (Oder)",
            "Frankfurt|Frankfurt an der Oder",
            "DE",
            57_000,
            *FRANKFURT_ODER,
        ),
        ("c-stp", "Sankt Pölten", "Sankt Poelten", "", "AT", 55_000, 48.20, 15.63),
        ("c-krk", "Kraków", "Krakow", "Cracow|Krakau", "PL", 780_000, 50.06, 19.94),
        ("c-lod", "Łódź", "Lodz", "", "PL", 670_000, 51.76, 19.46),
        ("c-cork", "Cork", "Cork", "", "IE", 125_000, 51.90, -8.47),
        ("c-par", "Paris", "Paris", "", "FR", 2_100_000, 48.86, 2.35),
        ("c-nsw", "Neustadt an der Weinstraße", "Neustadt an der Weinstrasse", "Neustadt", "DE", 53_000, 49.35, 8.14),
        ("c-nsh", "Neustadt am Rübenberge", "Neustadt am Ruebenberge", "Neustadt", "DE", 51_000, 52.50, 9.46),
    ]
    return frame_from_rows(rows)


@pytest.fixture
def gazetteer() -> pd.DataFrame:
    rows = [
        ("us-colu-oh", "Columbus", "US", "city", "Ohio", "OH", 39.96, -83.00, 900_000, ""),
        ("us-colu-ga", "Columbus", "US", "city", "Georgia", "GA", 32.46, -84.99, 200_000, ""),
        ("us-mans-oh", "Mansfield", "US", "city", "Ohio", "OH", 40.76, -82.52, 47_000, ""),
        ("us-mans-tx", "Mansfield", "US", "city", "Texas", "TX", 32.56, -97.14, 72_000, ""),
        ("us-oh", "Ohio", "US", "state", "Ohio", "OH", None, None, 11_800_000, ""),
        ("cn-bj", "Beijing", "CN", "prefecture", "Beijing", "11", 39.90, 116.40, 21_000_000, "Peking|Pekin"),
        ("fr-par", "Paris", "FR", "city", "Ile-de-France", "11", 48.86, 2.35, 2_100_000, ""),
        ("de-fra", "Frankfurt am Main", "DE", "city", "Hesse", "05", *FRANKFURT_MAIN, 750_000, "Frankfurt"),
    ]
    gazetteer = pd.DataFrame(rows, columns=GAZETTEER_COLUMNS[:-2])  # all but geonameid and source
    gazetteer["geonameid"] = pd.NA
    return gazetteer


def wikipedia_records(
    rows: list[tuple], coordinates: dict[tuple[str, str], tuple[float, float]] | None = None
) -> pd.DataFrame:
    """Records of a synthetic Wikipedia list; ``rows`` are (city1, country1, city2, country2)."""
    raw = pd.DataFrame(rows, columns=["city1", "country1", "city2", "country2"])
    coordinates = coordinates or {}
    geocoded = raw.copy()
    for side in ("1", "2"):
        points = [
            coordinates.get((city, country), (None, None))
            for city, country in zip(raw[f"city{side}"], raw[f"country{side}"])
        ]
        geocoded[f"lat{side}"] = [point[0] for point in points]
        geocoded[f"lng{side}"] = [point[1] for point in points]
    return records_module.records_from_wikipedia(raw, geocoded)


def wikidata_2017_records(rows: list[tuple]) -> pd.DataFrame:
    """Records of a synthetic rogorido TSV; ``rows`` are (origin, origin country, lat, lon, partner, partner country, lat, lon)."""
    raw = pd.DataFrame(
        rows,
        columns=[
            "origincityLabel",
            "origincountry",
            "originlat",
            "originlong",
            "sistercityLabel",
            "destination_countryLabel",
            "destinationlat",
            "destinationlong",
        ],
    )
    return records_module.records_from_wikidata_2017(raw)


# --------------------------------------------------------------------------- records


def test_macau_filed_under_china_is_kept_apart() -> None:
    records = wikidata_2017_records(
        [("Lisbon", "Portugal", 38.7, -9.1, "Macau", "People's Republic of China", 22.2, 113.5)]
    )
    assert records.loc[0, "b_country_iso2"] == "MO"


# --------------------------------------------------------------------------- orientation


def test_orientation_puts_the_eu_end_first() -> None:
    records = wikipedia_records(
        [
            ("Columbus", "United States", "Frankfurt am Main", "Germany"),  # EU end listed second
            ("Paris", "France", "Kraków", "Poland"),  # both EU: used from both ends
            ("Columbus", "United States", "Beijing", "China"),  # no EU end
        ]
    )
    oriented = records_module.orient_records(records)
    by_record = oriented.groupby("record_id")
    assert by_record.size().to_dict() == {"wikipedia_2026:000000": 1, "wikipedia_2026:000001": 2}
    swapped = oriented[oriented["record_id"] == "wikipedia_2026:000000"].iloc[0]
    assert (swapped["eu_name"], swapped["partner_name"], swapped["orientation"]) == (
        "Frankfurt am Main",
        "Columbus",
        "swapped",
    )
    assert set(oriented.loc[oriented["record_id"] == "wikipedia_2026:000001", "eu_name"]) == {"Paris", "Kraków"}


# --------------------------------------------------------------------------- resolution


def test_accents_saint_and_city_of_resolve(frame, regions, gazetteer) -> None:
    records = wikipedia_records(
        [
            ("St. Pölten", "Austria", "Columbus, Ohio", "United States"),
            ("Lodz", "Poland", "Columbus, Ohio", "United States"),
            ("City of Cracow", "Poland", "Columbus, Ohio", "United States"),
            ("City of Cork", "Republic of Ireland", "Columbus, Ohio", "United States"),
        ]
    )
    relations, quarantine = R.harmonise_relations(records, frame, regions, gazetteer)
    assert quarantine.empty
    assert set(relations["eu_city_id"]) == {"c-stp", "c-lod", "c-krk", "c-cork"}
    assert set(relations["partner_id"]) == {"us-colu-oh"}  # the hint "Ohio" picks Columbus, Ohio
    methods = relations.set_index("eu_city_id")["eu_match_method"]
    assert methods["c-lod"] == "exact" and methods["c-krk"] == "alternate"


@pytest.mark.parametrize(("point", "expected"), [(FRANKFURT_ODER, "c-ffo"), (FRANKFURT_MAIN, "c-fra")])
def test_homonyms_are_told_apart_by_coordinates(frame, regions, gazetteer, point, expected) -> None:
    records = wikipedia_records([("Frankfurt", "Germany", "Paris", "France")], {("Frankfurt", "Germany"): point})
    relations, _ = R.harmonise_relations(records, frame, regions, gazetteer)
    frankfurt = relations[relations["eu_country_iso2"] == "DE"].iloc[0]
    assert frankfurt["eu_city_id"] == expected
    assert frankfurt["eu_match_method"] == "coordinates"


def test_homonym_partner_told_apart_by_coordinates(frame, regions, gazetteer) -> None:
    records = wikidata_2017_records(
        [("Łódź", "Poland", 51.76, 19.46, "Mansfield", "United States of America", 32.6, -97.1)]
    )
    relations, _ = R.harmonise_relations(records, frame, regions, gazetteer)
    assert relations.loc[0, "partner_id"] == "us-mans-tx"


def test_fuzzy_needs_coordinates_close_by(frame, regions, gazetteer) -> None:
    near = wikipedia_records([("Krakoww", "Poland", "Paris", "France")], {("Krakoww", "Poland"): (50.06, 19.94)})
    relations, _ = R.harmonise_relations(near, frame, regions, gazetteer)
    assert relations.loc[relations["eu_country_iso2"] == "PL", "eu_match_method"].tolist() == ["fuzzy"]
    without_coordinates = wikipedia_records([("Krakoww", "Poland", "Columbus, Ohio", "United States")])
    relations, quarantine = R.harmonise_relations(without_coordinates, frame, regions, gazetteer)
    assert relations.empty and quarantine["reason"].tolist() == ["eu_side_not_in_frame"]


def test_region_named_on_the_eu_side(frame, regions, gazetteer) -> None:
    records = wikipedia_records([("Beijing", "China", "Brandenburg", "Germany")])
    relations, _ = R.harmonise_relations(records, frame, regions, gazetteer)
    assert relations.loc[0, "eu_region_code"] == "DE40" and pd.isna(relations.loc[0, "eu_city_id"])
    # Wikidata 2017 lists settlements only, so the same name is not taken for the region there.
    settlement = wikidata_2017_records(
        [("Brandenburg", "Germany", 52.41, 12.53, "Beijing", "People's Republic of China", 39.9, 116.4)]
    )
    relations, quarantine = R.harmonise_relations(settlement, frame, regions, gazetteer)
    assert relations.empty and quarantine["reason"].tolist() == ["eu_side_not_in_frame"]


def test_unknown_partner_place_keeps_the_tie(frame, regions, gazetteer) -> None:
    records = wikipedia_records([("Paris", "France", "Nowhereville", "United States")])
    relations, quarantine = R.harmonise_relations(records, frame, regions, gazetteer)
    assert quarantine.empty
    tie = relations.iloc[0]
    assert pd.isna(tie["partner_id"]) and tie["partner_is_us"] and tie["match_method"] == "unresolved"


# --------------------------------------------------------------------------- merging and quarantine


def test_same_tie_in_several_sources_is_one_row(frame, regions, gazetteer) -> None:
    records = pd.concat(
        [
            wikipedia_records([("Beijing", "China", "Paris", "France"), ("Paris", "France", "Beijing", "China")]),
            wikidata_2017_records(
                [("Paris", "France", 48.86, 2.35, "Peking", "People's Republic of China", 39.9, 116.4)]
            ),
        ],
        ignore_index=True,
    )
    relations, quarantine = R.harmonise_relations(records, frame, regions, gazetteer)
    assert quarantine.empty
    assert len(relations) == 1
    tie = relations.iloc[0]
    assert tie["sources"] == "wikipedia_2026|wikidata_2017" and tie["source_count"] == 2 and tie["record_count"] == 3
    assert tie["in_wikipedia_2026"] and tie["in_wikidata_2017"] and not tie["in_wikidata_2022"]
    assert tie["partner_is_cn"] and not tie["partner_is_us"]
    assert tie["relation_id"] == R.relation_id_of("c-par", "cn-bj")
    R.RELATIONS_SCHEMA.validate(relations)


def test_a_located_record_overrides_the_dominant_namesake_of_its_siblings(frame, regions, gazetteer) -> None:
    records = pd.concat(
        [
            # without coordinates "Columbus" alone would be Columbus, Ohio (4.5 times as populous) ...
            wikipedia_records([("Paris", "France", "Columbus", "United States")]),
            # ... but another record of the same tie places it in Georgia
            wikidata_2017_records([("Paris", "France", 48.86, 2.35, "Columbus", "United States", 32.46, -84.99)]),
        ],
        ignore_index=True,
    )
    relations, _ = R.harmonise_relations(records, frame, regions, gazetteer)
    assert relations["partner_id"].tolist() == ["us-colu-ga"]
    assert relations.loc[0, "record_count"] == 2
    alone, _ = R.harmonise_relations(records.iloc[:1], frame, regions, gazetteer)
    assert alone["partner_id"].tolist() == ["us-colu-oh"]


def test_eu_to_eu_record_gives_a_tie_for_each_frame_city(frame, regions, gazetteer) -> None:
    records = wikipedia_records(
        [("Paris", "France", "Frankfurt am Main", "Germany")], {("Frankfurt am Main", "Germany"): FRANKFURT_MAIN}
    )
    relations, _ = R.harmonise_relations(records, frame, regions, gazetteer)
    assert sorted(relations["eu_city_id"]) == ["c-fra", "c-par"]
    assert relations["partner_is_eu"].all()


def quarantine_case_records() -> pd.DataFrame:
    return wikipedia_records(
        [
            ("Smallville", "Germany", "Columbus, Ohio", "United States"),  # eu_side_not_in_frame
            ("Paris", "France", "Xanadu", "Atlantis"),  # partner_country_unknown
            ("Paris", "France", "Columbus, Ohio", "United States"),  # a tie
            ("Paris", "France", "Columbus, Ohio", "United States"),  # duplicate_within_source
            ("Columbus", "United States", "Kyoto", "Japan"),  # no_eu27_side
            ("Springfield", "Nowhere", "Kyoto", "Japan"),  # country_unknown
            ("Neustadt", "Germany", "Beijing", "China"),  # eu_side_ambiguous (no coordinates, no dominant namesake)
            ("Prague 5", "Czech Republic", "Beijing", "China"),  # eu_side_district
            ("Kraków", "Poland", "Beijing", "China"),  # eu_side_coordinates_disagree
        ],
        {("Kraków", "Poland"): (54.0, 23.0)},
    )


def test_quarantine_reasons(frame, regions, gazetteer) -> None:
    relations, quarantine = R.harmonise_relations(quarantine_case_records(), frame, regions, gazetteer)
    reasons = quarantine.set_index("record_id")["reason"].to_dict()
    assert reasons == {
        "wikipedia_2026:000000": "eu_side_not_in_frame",
        "wikipedia_2026:000001": "partner_country_unknown",
        "wikipedia_2026:000003": "duplicate_within_source",
        "wikipedia_2026:000004": "no_eu27_side",
        "wikipedia_2026:000005": "country_unknown",
        "wikipedia_2026:000006": "eu_side_ambiguous",
        "wikipedia_2026:000007": "eu_side_district",
        "wikipedia_2026:000008": "eu_side_coordinates_disagree",
    }
    assert relations["record_ids"].tolist() == ["wikipedia_2026:000002"]
    R.QUARANTINE_SCHEMA.validate(quarantine)


def test_row_accounting_balances_per_source(frame, regions, gazetteer) -> None:
    records = pd.concat(
        [
            quarantine_case_records(),
            wikidata_2017_records(
                [("Paris", "France", 48.86, 2.35, "Columbus", "United States of America", 39.96, -83.0)]
            ),
        ],
        ignore_index=True,
    )
    relations, quarantine = R.harmonise_relations(records, frame, regions, gazetteer)
    accounting = R.row_accounting(records, relations, quarantine)
    assert accounting.loc["wikipedia_2026", ["records_in", "records_matched", "records_quarantined"]].tolist() == [
        9,
        1,
        8,
    ]
    assert accounting.loc["wikidata_2017", ["records_in", "records_matched", "records_quarantined"]].tolist() == [
        1,
        1,
        0,
    ]
    assert accounting["balanced"].all() and accounting["overlap"].eq(0).all()
    # Dropping a quarantined row breaks the balance, and the table says so.
    broken = R.row_accounting(records, relations, quarantine.iloc[1:])
    assert not broken.loc["wikipedia_2026", "balanced"]
    rates = R.match_rates(relations, quarantine)
    assert rates.loc["wikidata_2017", "match_rate"] == 1.0


# --------------------------------------------------------------------------- loaders


def test_wikidata_2022_and_2016_loaders_join_nodes_by_qid(frame, gazetteer) -> None:
    nodes = pd.DataFrame(
        {
            "qid": ["Q1", "Q2"],
            "label": ["Paris", "Columbus"],
            "country": ["France", "United States of America"],
            "population": ["1", "2"],
            "lon": ["2.35", "-83.0"],
            "lat": ["48.86", "39.96"],
            "n_records": ["1", "1"],
        }
    )
    edges = pd.DataFrame({"qid_a": ["Q1"], "qid_b": ["Q2"]})
    records_2022 = records_module.records_from_wikidata_2022(nodes, edges)
    assert records_2022.loc[0, ["a_country_iso2", "b_country_iso2"]].tolist() == ["FR", "US"]
    relations_2016 = pd.DataFrame({"from_qid": ["Q3", "Q3"], "to_qid": ["Q2", "Q2"]})
    names = pd.DataFrame({"qid": ["Q2", "Q3"], "label": ["Columbus", "Krakau"]})
    records_2016 = records_module.records_from_wikidata_2016(relations_2016, names, nodes)
    assert pd.isna(records_2016.loc[0, "a_country_iso2"]) and records_2016.loc[0, "b_country_iso2"] == "US"
    inferred = R.infer_missing_countries(
        records_2016, resolve.frame_name_index(frame), resolve.gazetteer_name_index(gazetteer)
    )
    assert inferred.loc[0, "a_country_iso2"] == "PL" and inferred.loc[0, "a_country_inferred"]
    assert records_module.mark_duplicates_within_source(records_2016).tolist() == [False, True]
