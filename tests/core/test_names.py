"""Tests for the place-name normaliser shared by the gazetteers and the relation matcher."""

from __future__ import annotations

import math

import pytest

from analysis.core.names import (
    compact_key,
    fold_text,
    join_alternate_names,
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


def test_split_and_join_alternate_names_round_trip():
    joined = join_alternate_names(["Peking", "", None, "Pekin", "Peking", "Beijing", "Pe|kin"], exclude="Beijing")
    assert joined == "Peking|Pekin|Pe kin"
    assert split_alternate_names(joined) == ["Peking", "Pekin", "Pe kin"]
    assert split_alternate_names(math.nan) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kraków", "krakow"),
        ("STRAẞE", "strasse"),  # casefold before transliteration
        ("ﬁnal", "final"),  # NFKC ligature
        ("Xi’an", "xi'an"),  # every apostrophe-like mark becomes '
        ("Côte-d`Or", "cote-d'or"),
        ("Hamburg-Nord", "hamburg-nord"),  # punctuation is kept
        ("Πεκίνο", "pekino"),
    ],
)
def test_fold_text_is_the_one_folding(text, expected):
    assert fold_text(text) == expected


def test_name_keys_build_on_fold_text():
    # a name key is the folded text without apostrophes, split on punctuation
    assert normalise_name("Xi’an", drop_affixes=False) == fold_text("Xi’an").replace("'", "")
    assert normalise_name("Hamburg-Nord", drop_affixes=False) == "hamburg nord"
