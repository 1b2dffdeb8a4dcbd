"""The frame regions' other names: bilingual and tagged Eurostat names, the one NUTS3 region's name, exonyms, and
municipality words in the evaluation's place keys."""

from __future__ import annotations

import pandas as pd

from analysis.collect.web import eu_regions
from analysis.collect.web.eu_forms import region_key, typed_region_forms
from analysis.collect.web.lexicon import name_key
from analysis.collect.web.places import region_forms


def test_region_name_parts_split_bilingual_names_and_drop_the_country_tag():
    assert eu_regions.region_name_parts("Prov. Limburg (BE)") == ["Prov. Limburg"]
    assert eu_regions.region_name_parts("Bolzano/Bozen") == ["Bolzano/Bozen", "Bolzano", "Bozen"]
    assert eu_regions.region_name_parts("Centre — Val de Loire") == ["Centre — Val de Loire", "Centre-Val de Loire"]


def test_region_forms_drop_eurostat_prefixes_and_add_exonyms():
    forms = region_forms(["Prov. Oost-Vlaanderen"], "BE", ["East Flanders"])
    assert "Oost-Vlaanderen" in forms and "East Flanders" in forms
    assert "Ceuta" in region_forms(["Ciudad de Ceuta"], "ES")


def test_single_nuts3_names_name_a_nuts2_region_by_its_only_nuts3_region(monkeypatch):
    codes = pd.DataFrame(
        {
            "NUTS_ID": ["CZ08", "CZ080", "BE31", "BE310", "CZ06", "CZ063", "CZ064"],
            "LEVL_CODE": [2, 3, 2, 3, 2, 3, 3],
            "NUTS_NAME": [
                "Moravskoslezsko",
                "Moravskoslezský kraj",
                "Prov. Brabant wallon",
                "Arr. Nivelles",
                "x",
                "a",
                "b",
            ],
        }
    )
    monkeypatch.setattr("analysis.build.regional.load_nuts2021_codes", lambda: codes)
    assert eu_regions.single_nuts3_names() == {"CZ08": "Moravskoslezský kraj"}  # an arrondissement is its town


def test_region_exonyms_file_names_frame_regions():
    exonyms = eu_regions.region_exonyms()
    assert "Western Greece" in exonyms["EL63"] and "Tuscany" in exonyms["ITI1"] and "East Flanders" in exonyms["BE23"]


def test_a_municipality_word_leaves_the_town_but_a_county_word_does_not():
    assert region_key(name_key("Rokiškis District Municipality")) == "rokiskis"
    assert region_key(name_key("Municipality of Chalandri")) == "chalandri"
    assert region_key(name_key("Timiș County")) == "timis #county"
    assert typed_region_forms("Donegal", "IE") == []


def test_an_estonian_county_in_maa_is_the_county_of_its_stem():
    assert region_key(name_key("Harjumaa")) == region_key(name_key("Harju County")) == "harju #county"
    assert "Lääne-Viru maakond" in typed_region_forms("Lääne-Virumaa", "EE")
    assert typed_region_forms("Pirkanmaa", "FI") == []  # a Finnish name in -maa is no Estonian county word
