"""Tests for the place-name normaliser shared by the gazetteers and the relation matcher."""

from __future__ import annotations

import math

import pytest

from analysis.core.names import (
    compact_key,
    join_alternate_names,
    lookup_keys,
    name_keys,
    normalise_name,
    split_alternate_names,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Łódź", "lodz"),
        ("  São   Paulo ", "sao paulo"),
        ("Xi'an", "xian"),
        ("Xi’an", "xian"),
        ("Winston-Salem", "winston salem"),
        ("Frankfurt am Main", "frankfurt am main"),
        ("Frankfurt (Oder)", "frankfurt oder"),
        ("Straße", "strasse"),
        ("ＮＡＮＪＩＮＧ", "nanjing"),  # full-width letters fold under NFKC
        ("北京", "bei jing"),
        ("Πεκίνο", "pekino"),
    ],
)
def test_normalise_name_folds_case_script_and_punctuation(text, expected):
    assert normalise_name(text) == expected


@pytest.mark.parametrize(
    "spelling",
    ["St. Paul", "Saint Paul", "Sankt Paul", "Ste-Paul", "San Paul", "st paul"],
)
def test_saint_spellings_are_harmonised(spelling):
    assert normalise_name(spelling) == "saint paul"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("City of Philadelphia", "philadelphia"),
        ("Gmina Miasto Gdańsk", "gdansk"),
        ("Miasto Kraków", "krakow"),
        ("Municipality of Athens", "athens"),
        ("Suzhou City", "suzhou"),
        ("苏州市", "su zhou"),
        ("City of Kansas City", "kansas city"),  # only one descriptor goes
        ("City", "city"),  # a name is never emptied
    ],
)
def test_affixes_are_dropped(text, expected):
    assert normalise_name(text) == expected


def test_affixes_are_kept_on_request():
    assert normalise_name("Kansas City", drop_affixes=False) == "kansas city"
    assert normalise_name("City of Kansas City", drop_affixes=False) == "city of kansas city"


def test_missing_values_give_empty_key():
    assert normalise_name(None) == ""
    assert normalise_name(math.nan) == ""


def test_compact_key_joins_tokens():
    assert compact_key("xi an") == "xian"


def test_name_keys_cover_name_and_alternates_in_both_forms():
    keys = name_keys("New York", "Nowy Jork|Nueva York||纽约")
    assert {"new york", "newyork", "nowy jork", "nowyjork", "nueva york", "niu yue", "niuyue"} <= keys
    assert "" not in keys


def test_name_keys_accept_a_list_of_alternates():
    assert name_keys("Xi'an", ["Sian", "Hsi-an"]) == {"xian", "sian", "hsi an", "hsian"}


def test_lookup_keys_try_exact_form_before_affix_free_form():
    assert lookup_keys("Kansas City") == ["kansas city", "kansascity", "kansas"]


def test_split_and_join_alternate_names_round_trip():
    joined = join_alternate_names(["Peking", "", None, "Pekin", "Peking", "Beijing", "Pe|kin"], exclude="Beijing")
    assert joined == "Peking|Pekin|Pe kin"
    assert split_alternate_names(joined) == ["Peking", "Pekin", "Pe kin"]
    assert split_alternate_names(math.nan) == []
