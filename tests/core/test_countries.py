"""Tests of analysis.core.countries: one label -> ISO2 function for every source."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.core import countries


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("England, United Kingdom", "GB"),
        ("Scotland", "GB"),
        ("People's Republic of China", "CN"),
        ("China", "CN"),
        ("Taiwan", "TW"),
        ("Hong Kong", "HK"),
        ("Macau", "MO"),
        ("Georgia (country)", "GE"),
        ("Grece", "GR"),
        ("Greece", "GR"),
        ("EL", "GR"),  # Eurostat's code for Greece, as the official city list may write it
        ("de", "DE"),
        ("Czechia", "CZ"),
        ("Republic of Ireland", "IE"),
        ("United States of America", "US"),
        ("United States", "US"),
        ("Brandenburg, Germany", "DE"),
        ("Réunion, France", "FR"),
        ("São Tomé and Príncipe", "ST"),
        ("Kosovo", "XK"),
        ("", None),
        (None, None),
        (float("nan"), None),
        ("Prussia", None),
        ("Atlantis", None),
    ],
)
def test_country_labels_become_iso2(label, expected) -> None:
    assert countries.country_to_iso2(label) == expected


def test_every_row_of_the_label_table_has_a_source_and_a_note() -> None:
    table = pd.read_csv(countries.COUNTRY_LABELS_PATH, dtype=str, keep_default_na=False)
    assert {"label", "iso2", "source", "note"} <= set(table.columns)
    assert table["label"].is_unique
    assert (table["source"].str.strip() != "").all() and (table["note"].str.strip() != "").all()
    assert table["iso2"].str.fullmatch(r"([A-Z]{2})?").all()
    # every label is written as the lookup sees it (casefolded), else it could never match
    assert (table["label"] == table["label"].str.casefold()).all()


def test_labels_are_looked_up_once_each() -> None:
    labels = pd.Series(["China", "China", None, "Atlantis"])
    assert countries.countries_to_iso2(labels).tolist() == ["CN", "CN", pd.NA, pd.NA]


def test_region_hint_is_the_part_before_the_country() -> None:
    assert countries.country_label_region_hint("Brandenburg, Germany") == "Brandenburg"
    assert countries.country_label_region_hint("Germany") is None
