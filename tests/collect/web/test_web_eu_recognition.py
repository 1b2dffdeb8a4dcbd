"""EU places recognised outside the LAU list and in contracted forms (issue 9, session 17, round 2)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.collect.web import places
from analysis.collect.web.eu_forms import article_forms
from analysis.collect.web.lexicon import load_lexicon

LAU_COLUMNS = ["lau_id", "lau_name", "country_iso2", "nuts3", "population"]


@pytest.mark.parametrize(
    ("name", "country", "expected"),
    [
        ("Le Havre", "FR", ["du Havre", "au Havre"]),
        ("Les Lilas", "BE", ["des Lilas", "aux Lilas"]),
        ("La Spezia", "IT", ["della Spezia", "alla Spezia", "nella Spezia"]),
        ("El Ejido", "ES", ["del Ejido", "al Ejido"]),
        ("Lens", "FR", []),  # no article
        ("Le Havre", "DE", []),  # no French article in German
        ("La laguna", "ES", []),  # no name after the article
    ],
)
def test_an_article_of_a_place_name_is_contracted_as_its_language_writes_it(name, country, expected):
    assert article_forms(name, country) == expected


def twinned_towns() -> pd.DataFrame:
    return pd.DataFrame(
        [("Bourg-sur-Mer", "FR", 3_000.0), ("Ribeira (Norte)", "PT", None), ("Vila Alta de Baixo", "PT", None)],
        columns=["lau_name", "country_iso2", "population"],
    )


def test_towns_of_the_twinning_lists_are_eu_places_below_the_lau_floor():
    lexicon = load_lexicon()
    lau = pd.DataFrame(
        [
            ("PT_1", "Ribeira (Santa Maria)", "PT", "PT200", 2_000),
            ("PT_2", "Outra (Santa Maria)", "PT", "PT200", 2_000),
            ("PT_3", "Vila Alta de Baixo e Pedras", "PT", "PT200", 9_000),
        ],
        columns=LAU_COLUMNS,
    )
    towns = places.with_twinned(lau, twinned_towns())
    assert list(towns["twinned"]) == [True, False, False, True, True]  # Ribeira by name; the French town added
    large = places.lau_large_enough(towns, lexicon)
    assert list(large) == [True, False, True, True, True]  # a linked name without figure stays
    found = {place.name for place, _ in places.lau_places([], lexicon, towns)}
    assert {"Ribeira", "Bourg-sur-Mer", "Vila Alta de Baixo"} <= found
    assert "Outra (Santa Maria)" not in found and "Outra" not in found


def test_an_unlisted_small_town_stays_below_the_floor():
    lexicon = load_lexicon()
    lau = pd.DataFrame([("FR_1", "Petitville", "FR", "FR101", 3_000)], columns=LAU_COLUMNS)
    towns = places.with_twinned(lau, twinned_towns().iloc[0:0])
    assert not places.lau_large_enough(towns, lexicon).any()


def test_a_small_town_is_an_eu_place_only_with_its_province_or_country_after_it():
    from analysis.collect.web.small_towns import qualified_small_towns

    lexicon = load_lexicon()
    lau = pd.DataFrame(
        [("IT_1", "Panni", "IT", "ITF46", 740), ("IT_2", "Grandecittà", "IT", "ITF46", 90_000)], columns=LAU_COLUMNS
    )
    found = qualified_small_towns([], lexicon, places.with_twinned(lau, twinned_towns().iloc[0:0]))
    assert [place.name for place, _ in found] == ["Panni"]  # the large town is read by lau_places
    names = found[0][1]
    assert "Panni" not in names and {"Panni, Italy", "Panni, Italia"} <= set(names)


def test_a_small_town_is_an_eu_place_after_a_town_noun_of_its_countrys_language_or_english():
    from analysis.collect.web.small_towns import qualified_small_towns, titled_forms

    lexicon = load_lexicon()
    lau = pd.DataFrame(
        [
            ("IT_1", "Panni", "IT", "ITF46", 740),
            ("PT_1", "Ribeira", "PT", "PT200", 900),
            ("PT_2", "Ribeira Grande", "PT", "PT200", 9_000),
            ("IT_3", "Greenwich", "IT", "ITF46", 500),
        ],
        columns=LAU_COLUMNS,
    )
    partner = places.Place("Greenwich", "US", "partner", "us-1", "city", 60_000.0, True, "CT")
    found = qualified_small_towns([(partner, ["Greenwich"])], lexicon, places.with_twinned(lau, twinned_towns()[0:0]))
    names = {place.name: set(written) for place, written in found}
    assert {"town of Panni", "comune di Panni", "comuni di Panni"} <= names["Panni"]
    assert "concelho de Panni" not in names["Panni"] and "Gemeinde Panni" not in names["Panni"]
    assert not any(" of " in name for name in names["Ribeira"])  # "Municipality of Ribeira Grande" is the longer town
    assert not any(" of " in name for name in names["Greenwich"])  # "the town of Greenwich" stays the partner's
    assert {"town of Vara", "Vara kommun"} <= set(titled_forms("Vara", "SE"))
    assert "Vara kommun" not in titled_forms("Vara", "IE")


def test_a_large_town_whose_name_a_partner_carries_is_an_eu_place_with_its_country_after_it():
    from analysis.collect.web.small_towns import qualified_small_towns

    lexicon = load_lexicon()
    lau = pd.DataFrame(
        [("IE_1", "New Ross", "IE", "IE052", 27_000), ("IE_2", "Bigtown", "IE", "IE052", 27_000)], columns=LAU_COLUMNS
    )
    partner = places.Place("New Ross", "US", "partner", "us-1", "city", 350.0, True, "IN")
    found = qualified_small_towns([(partner, ["New Ross"])], lexicon, places.with_twinned(lau, twinned_towns()[0:0]))
    names = {place.name: set(written) for place, written in found}
    assert set(names) == {"New Ross"}  # Bigtown is read by lau_places
    assert "New Ross, Ireland" in names["New Ross"] and "New Ross" not in names["New Ross"]
    assert not any(" of " in name for name in names["New Ross"])  # "the town of New Ross" may be the partner


@pytest.mark.parametrize(
    ("typed", "bare"),
    [
        ("Nitriansky samosprávny kraj", "Nitriansky kraj"),
        ("Województwo lubelskie", "Lubelskie Voivodeship"),
        ("Timiș County", "Județul Timiș"),
        ("County Galway", "Galway County"),
    ],
)
def test_a_region_written_with_any_of_its_type_words_has_one_key(typed, bare):
    from analysis.collect.web.eu_forms import region_key
    from analysis.collect.web.lexicon import name_key

    assert region_key(name_key(typed)) == region_key(name_key(bare)) != name_key(typed)


def test_the_bare_name_of_a_typed_region_is_the_name_without_its_type_words():
    from analysis.collect.web.eu_forms import bare_region_name

    assert bare_region_name("Lubelskie Voivodeship") == bare_region_name("Województwo lubelskie") == "lubelskie"
    assert bare_region_name("Timiș County") == "timis"
    assert bare_region_name("Lubelskie") == "" and bare_region_name(None) == ""


def test_regions_are_also_named_with_the_region_words_of_their_country():
    from analysis.collect.web.eu_forms import typed_region_forms
    from analysis.collect.web.lexicon import name_key

    assert [name_key(form) for form in typed_region_forms("Nitriansky kraj", "SK")] == ["nitriansky samospravny kraj"]
    assert [name_key(form) for form in typed_region_forms("Lubelskie", "PL")] == ["wojewodztwo lubelskie"]
    assert typed_region_forms("Timiș", "RO") == []  # a county word before the name is read next to it
    assert typed_region_forms("Lubelskie", "DE") == []


def test_the_evaluation_resolves_a_typed_region_to_the_bare_name_s_unit():
    from analysis.collect.web.eval_keys import Keys

    units = pd.DataFrame(
        [("PL81", "region", "Lubelskie", "PL", 2_000_000.0, "")],
        columns=["unit_id", "unit_type", "name", "country_iso2", "population", "alternate_names"],
    )
    keys = Keys(None, units)
    assert ("unit", "PL81") in keys.eu_key("Lubelskie Voivodeship", "PL")
    assert ("unit", "PL81") in keys.eu_key("Województwo lubelskie", "PL")
    assert ("unit", "PL81") not in keys.eu_key("Lublin", "PL")


def test_a_short_word_of_one_language_drops_a_town_name_only_in_that_language_s_countries():
    lexicon = load_lexicon()
    own = places.own_language_terms(lexicon)
    assert own["velas"] == frozenset({"LV", "LT"})  # Latvian "vēlas" (wishes), read in Baltic text only
    lau = pd.DataFrame(
        [("PT_1", "Velas", "PT", "PT200", 6_000), ("LV_1", "Velas", "LV", "LV003", 6_000)], columns=LAU_COLUMNS
    )
    found = [(place.name, place.country_iso2) for place, _ in places.lau_places([], lexicon, lau)]
    assert found == [("Velas", "PT")]


@pytest.mark.parametrize(
    ("text", "name", "language", "word"),
    [
        ("„Județul Timiș, prin Prefectură", "Timiș", "ro", "Județul"),  # a quote before the county word
        ("между Област Бургас, Република България", "Бургас", "bg", "Област"),
        ("the Burgas Province and Fujian", "Burgas", "en", "Province"),
    ],
)
def test_a_county_or_province_word_is_read_next_to_the_name(text, name, language, word):
    from analysis.collect.web.eu_forms import county_word

    start = text.index(name)
    found = county_word(text, start, start + len(name), language)
    assert found is not None and found[1] == word


def test_a_lithuanian_genitive_in_io_is_read_both_ways_and_named_as_the_lists_name_it():
    from analysis.collect.web.eu_forms import lau_forms

    assert lau_forms("Rokiškio rajono savivaldybė", "LT")[:2] == ["Rokiškys", "Rokiškis"]
    lau = pd.DataFrame([("LT_1", "Rokiškio rajono savivaldybė", "LT", "LT029", 28_000)], columns=LAU_COLUMNS)
    twinned = pd.DataFrame([("Rokiškis", "LT", 12_000.0)], columns=["lau_name", "country_iso2", "population"])
    found = places.lau_places([], load_lexicon(), places.with_twinned(lau, twinned))
    assert [place.name for place, _ in found][:1] == ["Rokiškis"]


def test_the_evaluation_keys_a_county_by_its_bare_name_only_when_no_town_carries_it():
    from types import SimpleNamespace

    from analysis.collect.web.eval_keys import Keys
    from analysis.collect.web.places import Place

    units = pd.DataFrame(columns=["unit_id", "unit_type", "name", "country_iso2", "population", "alternate_names"])
    counties = [Place("Laois", "IE", "eu", None, "county", 0.0, True, None)]
    towns = [Place("Carlow", "IE", "eu", None, "municipality", 5_000.0, True, None)]
    keys = Keys(SimpleNamespace(places=counties + towns), units)
    assert keys.eu_key("Laois", "IE") & keys.eu_key("County Laois", "IE")
    assert keys.eu_key("Fejér", "HU") & keys.eu_key("Fejér County", "HU") == frozenset()
    assert not keys.eu_key("Carlow", "IE") & keys.eu_key("County Carlow", "IE")


def test_the_evaluation_drops_a_parenthesised_qualifier_of_an_eu_place():
    from analysis.collect.web.eval_keys import Keys

    units = pd.DataFrame(columns=["unit_id", "unit_type", "name", "country_iso2", "population", "alternate_names"])
    keys = Keys(None, units)
    assert keys.eu_key("Lagoa (Azores)", "PT") & keys.eu_key("Lagoa", "PT")
    assert not keys.eu_key("Lagoa (Azores)", "PT") & keys.eu_key("Azores", "PT")


def test_a_longer_eu_name_ends_at_a_hyphen_glued_to_another_found_name():
    from analysis.collect.web.eu_forms import _before_glued_name, linked_name

    text = "the Marbach am Neckar-Washington sister city partnership"
    start, washington = text.index("Marbach"), text.index("Washington")
    assert linked_name(_before_glued_name(text[start:], start, {start, washington})) == "Marbach am Neckar"
    assert linked_name(_before_glued_name(text[start:], start, {start})) == "Marbach am Neckar-Washington"


def test_the_evaluation_resolves_eu_places_in_one_batch_as_it_would_one_by_one():
    from analysis.collect.web.eval_keys import Keys

    units = pd.DataFrame(
        [
            ("PL81", "region", "Lubelskie", "PL", 2_000_000.0, ""),
            ("PL_LUB", "city", "Lublin", "PL", 330_000.0, ""),
            ("DE_MZ", "city", "Mainz", "DE", 220_000.0, "Mayence"),
        ],
        columns=["unit_id", "unit_type", "name", "country_iso2", "population", "alternate_names"],
    )
    places = [("Lubelskie Voivodeship", "PL"), ("Lublin", "PL"), ("Mayence", "DE"), ("Nowhere", "DE"), ("", "DE")]
    one_by_one = Keys(None, units)
    singles = [one_by_one.eu_key(name, country) for name, country in places]
    batch = Keys(None, units)
    batch.resolve_eu_names(places)
    assert ("Lublin", "PL") in batch._eu_cache and ("lubelskie", "PL") in batch._eu_cache  # bare region name too
    assert [batch.eu_key(name, country) for name, country in places] == singles
    assert ("unit", "DE_MZ") in singles[2] and not any(key[0] == "unit" for key in singles[3])


def test_a_greek_script_lau_lends_its_forms_to_the_latin_named_town():
    lexicon = load_lexicon()
    mytilene = places.Place("Mytilene", "GR", "eu", None, "city", 28_000.0, True, None)
    lau = pd.DataFrame([("GR_1", "Μυτιλήνη", "GR", "EL411", 29_000)], columns=LAU_COLUMNS)
    found = places.lau_places([(mytilene, ["Mytilene"])], lexicon, lau)
    assert found and all(place is mytilene for place, _ in found)  # one town, not a second place
    assert "Μυτιλήνη" in found[0][1]
