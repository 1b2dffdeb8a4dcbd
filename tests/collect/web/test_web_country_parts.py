"""Special administrative regions as Chinese partners (:mod:`analysis.collect.web.country_parts`)."""

import pandas as pd

from analysis.collect.web.country_parts import country_parts, with_country_parts


def _gazetteer() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "partner_id": ["cn-prov-82", "gn-1", "gn-2", "gn-3", "cn-prov-71"],
            "name": ["Macao", "Macau", "Taipa", "Victoria", "Taiwan"],
            "country_iso2": ["MO", "MO", "MO", "HK", "TW"],
            "level": ["province", "city", "city", "city", "province"],
            "alternate_names": ["Aomen|Macau", "Macao", None, None, None],
        }
    )


def test_the_part_itself_is_chinese_and_its_towns_are_not():
    out = with_country_parts(_gazetteer(), {"MO": "CN", "HK": "CN"})
    assert out["country_iso2"].tolist() == ["CN", "CN", "MO", "HK", "TW"]


def test_the_table_lists_hong_kong_and_macao_and_not_taiwan():
    parts = country_parts()
    assert parts == {"HK": "CN", "MO": "CN"}


def test_a_gazetteer_without_parts_is_returned_unchanged():
    gazetteer = _gazetteer().iloc[[4]]
    assert with_country_parts(gazetteer, {"MO": "CN"}) is gazetteer
