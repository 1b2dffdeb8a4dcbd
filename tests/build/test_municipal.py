"""Tests for the municipal check: LAU names, the rules, the override table and the frame it leaves.

Small inputs are hand-made places and LAUs near 43°N 3°W (0.01° of latitude is about 1.1 km);
one slow test runs the named examples of issue 8 on the real GeoNames places and LAU files.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.build import districts, frame, geonames, municipal
from analysis.core import paths

WORDS = municipal.LauNameWords(prefixes=("Municipiul", "Grad"), articles=frozenset({"A", "El", "L'"}))


def lau_row(name, population, latitude, longitude, *, country="ES", nuts3="ES213", lau_id=None):
    return {
        "lau_id": lau_id or f"{country}_{abs(hash(name)) % 100000}",
        "lau_name": name,
        "country_iso2": country,
        "nuts3": nuts3,
        "population": population,
        "latitude": latitude,
        "longitude": longitude,
    }


def place_row(name, population, latitude, longitude, *, country="ES", nuts3="ES213", alternate_names=""):
    return {
        "city_id": f"gn{abs(hash((name, country))) % 10_000_000}",
        "name": name,
        "ascii_name": geonames.normalise_ascii(name),
        "alternate_names": alternate_names,
        "country_iso2": country,
        "population": population,
        "latitude": latitude,
        "longitude": longitude,
        "nuts3_2021": nuts3,
    }


def checked(places, lau, min_population=50_000):
    result = municipal.check_municipalities(pd.DataFrame(places), pd.DataFrame(lau), min_population, WORDS)
    return result.set_index("name")


# --------------------------------------------------------------------------- LAU names


@pytest.mark.parametrize(
    "lau_name, expected",
    [
        ("Helsinki / Helsingfors", ["Helsinki", "Helsingfors"]),
        ("Coruña, A", ["A Coruña"]),
        ("Hospitalet de Llobregat, L'", ["L'Hospitalet de Llobregat"]),
        ("Lingen (Ems), Stadt", ["Lingen (Ems)", "Lingen"]),
        ("Neu-Ulm, GKSt", ["Neu-Ulm"]),  # a status word after the comma is not an article
        ("Municipiul Iaşi", ["Iaşi"]),
        ("Bratislava - mestská časť Petržalka", ["Bratislava - mestská časť Petržalka", "Bratislava"]),
    ],
)
def test_lau_name_forms_read_the_list_s_conventions(lau_name, expected):
    forms = municipal.lau_name_forms(lau_name, WORDS)
    assert forms[0] == expected[0]
    assert set(expected) <= set(forms)


# --------------------------------------------------------------------------- the rules


def test_named_municipality_is_kept_and_a_locality_beside_it_is_a_double_count():
    lau = [lau_row("Getxo", 77_770, 43.35, -3.01), lau_row("Leioa", 32_000, 43.33, -2.99)]
    places = [place_row("Getxo", 80_770, 43.357, -3.011), place_row("Algorta", 82_624, 43.349, -3.009)]
    result = checked(places, lau)
    assert result.loc["Getxo", "check"] == "municipality"
    assert result.loc["Algorta", "check"] == "double_count"
    assert result.loc["Algorta", "same_as"] == result.loc["Getxo", "city_id"]
    assert result.loc["Algorta", "lau_name"] == "Getxo"


def test_alternate_names_match_and_a_name_too_far_away_does_not():
    lau = [lau_row("Donostia / San Sebastián", 180_000, 43.31, -1.98), lau_row("Getxo", 77_770, 43.35, -3.01)]
    places = [
        place_row("San Sebastian", 185_000, 43.32, -1.98, alternate_names="Donostia"),
        place_row("Getxo", 60_000, 43.75, -3.01),  # 44 km from the LAU of that name
    ]
    result = checked(places, lau)
    assert result.loc["San Sebastian", "check"] == "municipality"
    assert result.loc["Getxo", "check"] == "unverifiable"  # no LAU centre within 10 km either


def test_a_locality_of_a_small_municipality_is_part_of_it():
    result = checked([place_row("Campiña", 67_904, 38.22, -2.98)], [lau_row("Villanueva", 8_078, 38.25, -2.98)])
    assert result.loc["Campiña", "check"] == "part_of"
    assert result.loc["Campiña", "lau_name"] == "Villanueva"


def test_a_place_in_a_large_municipality_no_one_else_stands_for_keeps_its_name():
    result = checked([place_row("Hoofddorp", 132_734, 52.30, 4.69)], [lau_row("Haarlemmermeer", 156_039, 52.31, 4.70)])
    assert result.loc["Hoofddorp", "check"] == "other_name"


def test_much_smaller_lau_of_the_same_name_is_flagged_not_removed():
    result = checked([place_row("Bruxelles", 1_019_022, 50.85, 4.35)], [lau_row("Bruxelles", 204_458, 50.85, 4.36)])
    assert result.loc["Bruxelles", "check"] == "population_differs"
    assert municipal._RULE_DECISION["population_differs"] == "keep"


def test_two_places_of_one_lau_name_count_once():
    lau = [lau_row("Wels", 60_000, 48.16, 14.03)]
    places = [
        place_row("Wels", 60_000, 48.16, 14.02),
        place_row("Wels-Land", 55_000, 48.17, 14.03, alternate_names="Wels"),
    ]
    result = checked(places, lau)
    assert result.loc["Wels", "check"] == "municipality"
    assert result.loc["Wels-Land", "check"] == "double_count"


def test_the_containing_lau_is_sought_in_the_place_s_own_nuts3_region():
    lau = [
        lau_row("Nearby Across The Border", 200_000, 43.30, -3.00, nuts3="ES211"),
        lau_row("Small Own Region", 9_000, 43.30, -3.05, nuts3="ES213"),
    ]
    result = checked([place_row("Locality", 60_000, 43.30, -3.01, nuts3="ES213")], lau)
    assert result.loc["Locality", "lau_name"] == "Small Own Region"
    assert result.loc["Locality", "check"] == "part_of"


@pytest.mark.parametrize("country", ["PT", "IE", "GR", "FR"])
def test_sub_municipal_lau_or_no_lau_file_is_unverifiable(country):
    # France has no LAU file: its places meet an empty list; the others meet parishes, areas or communities
    lau = [] if country == "FR" else [lau_row("Queluz e Belas", 52_335, 38.76, -9.25, country=country)]
    lau.append(lau_row("Elsewhere", 100_000, 40.0, -3.7))
    result = checked([place_row("Queluz", 103_399, 38.756, -9.254, country=country)], lau)
    assert result.loc["Queluz", "check"] == "unverifiable"


def test_polish_urban_and_rural_parts_of_one_name_are_summed():
    lau = [
        lau_row("Legionowo", 40_000, 52.40, 20.92, country="PL"),
        lau_row("Legionowo", 15_000, 52.41, 20.93, country="PL"),
    ]
    result = checked([place_row("Legionowo", 54_000, 52.40, 20.92, country="PL")], lau)
    assert result.loc["Legionowo", "lau_population"] == 55_000


# --------------------------------------------------------------------------- overrides and the frame


def overrides(rows):
    columns = ["country_iso2", "geonames_name", "decision", "municipality", "municipality_population", "reason"]
    return pd.DataFrame([dict(zip(columns, row)) for row in rows], columns=columns)


def test_an_override_decides_and_is_recorded_as_such():
    lau = [lau_row("Queluz e Belas", 52_335, 38.76, -9.25, country="PT")]
    places = [place_row("Queluz", 103_399, 38.756, -9.254, country="PT")]
    check = municipal.check_municipalities(pd.DataFrame(places), pd.DataFrame(lau), 50_000, WORDS)
    table = overrides([("PT", "Queluz", "replace_by", "Sintra", "385606", "a locality of Sintra")])
    decided = municipal.apply_overrides(check, table, {("PT", "Queluz")})
    assert decided.iloc[0][["decision", "municipality", "decided_by"]].tolist() == ["replace_by", "Sintra", "override"]
    assert decided.iloc[0]["municipality_population"] == 385_606


def test_an_override_naming_no_candidate_place_fails_with_its_name():
    check = municipal.check_municipalities(
        pd.DataFrame([place_row("Getxo", 80_000, 43.35, -3.01)]), pd.DataFrame(), 50_000
    )
    table = overrides([("ES", "Algortta", "drop_double_count", "Getxo", "", "typo")])
    with pytest.raises(municipal.FrameOverrideError, match="ES Algortta"):
        municipal.apply_overrides(check, table, {("ES", "Getxo")})


def test_municipal_frame_removes_with_reasons_and_replaces_by_the_municipality():
    places = pd.DataFrame(
        [
            place_row("Getxo", 80_770, 43.357, -3.011),
            place_row("Algorta", 82_624, 43.349, -3.009),
            place_row("Queluz", 103_399, 38.756, -9.254, country="PT"),
            place_row("Tiny", 60_000, 38.70, -9.20, country="PT"),
        ]
    ).assign(population_source="geonames")
    check = municipal.check_municipalities(places, pd.DataFrame([lau_row("Getxo", 77_770, 43.35, -3.01)]), 50_000)
    table = overrides(
        [
            ("PT", "Queluz", "replace_by", "Sintra", "385606", "a locality of Sintra"),
            ("PT", "Tiny", "replace_by", "Smalltown", "20000", "a locality of a town below the floor"),
        ]
    )
    decided = municipal.apply_overrides(check, table, set(zip(places["country_iso2"], places["name"])))
    kept, removed = municipal.municipal_frame(places, decided, 50_000)
    assert sorted(kept["name"]) == ["Getxo", "Sintra"]
    sintra = kept[kept["name"] == "Sintra"].iloc[0]
    assert (sintra["population"], sintra["population_source"]) == (385_606, "frame_override")
    assert sintra["alternate_names"].split("|")[0] == "Queluz"
    reasons = dict(zip(removed["name"], removed["reason"]))
    assert reasons["Algorta"].startswith("double_count:Getxo:")
    assert reasons["Tiny"].startswith("part_of:Smalltown:")


def test_the_reviewed_override_table_is_well_formed():
    table = municipal.load_frame_overrides()
    assert set(table["decision"]) <= set(municipal.DECISIONS)
    assert (table["reason"].str.len() > 10).all()


def test_a_malformed_override_table_names_the_row(tmp_path, monkeypatch):
    (tmp_path / municipal.OVERRIDES_FILE).write_text(
        "country_iso2,geonames_name,decision,municipality,municipality_population,reason,source,note\n"
        "ES,Algorta,remove,Getxo,,a locality,test,\n"
        "PT,Queluz,replace_by,Sintra,,a locality,test,\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(paths, "REFERENCE", tmp_path)
    with pytest.raises(municipal.FrameOverrideError) as error:
        municipal.load_frame_overrides()
    assert "row 1 (ES Algorta): decision must be one of" in str(error.value)
    assert "row 2 (PT Queluz): a replace_by row needs municipality_population" in str(error.value)


def test_change_summary_counts_decisions_by_country():
    decided = pd.DataFrame(
        {"country_iso2": ["ES", "ES", "PT"], "decision": ["keep", "drop_double_count", "replace_by"]}
    )
    summary = municipal.change_summary(decided).set_index("country")
    assert summary.loc["ES", ["keep", "drop_double_count", "candidates", "frame"]].tolist() == [1, 1, 2, 1]
    assert summary.loc["PT", "frame"] == 1


# --------------------------------------------------------------------------- real data


@pytest.mark.slow
def test_named_examples_of_issue_8_on_the_real_gazetteer_and_lau_files():
    mirror = paths.mirror_dir()
    folder = mirror / municipal.LAU_SOURCE if mirror else None
    if folder is None or not folder.is_dir():
        pytest.skip("no mirror of the LAU files")
    countries = ["DK", "ES", "FI", "HR", "IE", "IT", "PT", "FR"]
    lau = pd.concat(
        [
            municipal.read_lau_file(folder / municipal.LAU_FILE.format(country=country), country)
            for country in countries
            if (folder / municipal.LAU_FILE.format(country=country)).is_file()
        ],
        ignore_index=True,
    )
    cities = geonames.load_geonames_cities(country_codes=countries)
    cities = cities[cities["population"] >= 50_000]
    places = frame._geonames_candidates(cities, 50_000)[0]
    places = places[districts.find_districts(places).isna()]
    check = municipal.check_municipalities(places, lau, 50_000, municipal.load_lau_name_words())
    by_rule = dict(zip(check["name"], check["check"]))
    for name in ("Algorta", "Avedøre", "East Helsinki", "Mestre"):
        assert by_rule[name] == "double_count", name
    for name in ("Getxo", "Hvidovre", "Helsinki", "Venice", "Zagreb", "Madrid"):
        assert by_rule[name] == "municipality", name
    eu_places = geonames.load_geonames_cities(country_codes=frame.EU27_ISO2)
    known = set(zip(eu_places["country_iso2"], eu_places["name"]))
    decided = municipal.apply_overrides(check, municipal.load_frame_overrides(), known).set_index("name")
    expected = {
        "Queluz": ("replace_by", "Sintra"),
        "Rio de Mouro": ("drop_double_count", "Sintra"),
        "Amora": ("replace_by", "Seixal"),
        "Corroios": ("drop_double_count", "Seixal"),
        "Tallaght": ("replace_by", "South Dublin"),
        "Sesvete": ("drop_part_of", "Zagreb"),
        "Cergy-Pontoise": ("drop_double_count", "Cergy"),
        "Mestre": ("drop_part_of", "Venezia"),
    }
    for name, (decision, municipality) in expected.items():
        assert (decided.loc[name, "decision"], decided.loc[name, "municipality"]) == (decision, municipality), name
    assert decided.loc["Marne La Vallée", "decision"] == "drop_part_of"
    assert decided.loc["Cergy", "decision"] == "keep"
