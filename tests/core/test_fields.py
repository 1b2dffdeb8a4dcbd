"""The column vocabulary: one declaration per column, schemas built from it, no unused entries."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

from analysis.core import fields


def test_families_fill_their_placeholders_from_the_column_name():
    assert fields.field("in_wikidata_2016").description == "Tie recorded in wikidata_2016"
    assert fields.vocabulary_entry("us_tie_count_crawl") == "{group}_tie_count_{source}"
    assert fields.vocabulary_entry("us_tie_count") == "{group}_tie_count"
    assert "NUTS 2021" in fields.field("nuts2_2021").description
    assert fields.vocabulary_entry("not_a_column") is None
    with pytest.raises(KeyError, match="not_a_column"):
        fields.field("not_a_column")


def test_intervals_become_the_checks_they_name():
    built = fields.schema("population latitude", checks={"population": pa.Check.gt(0)})
    assert [check.name for check in built.columns["population"].checks] == [
        "greater_than_or_equal_to",
        "greater_than",
    ]
    (latitude_check,) = built.columns["latitude"].checks
    assert latitude_check.statistics == {"min_value": -90, "max_value": 90, "include_min": True, "include_max": True}
    with pytest.raises(ValueError, match="interval"):
        fields._range_check("0..100")


def test_nullable_columns_get_pandas_masked_dtypes_and_table_overrides_apply():
    built = fields.schema("population covariate_year", nullable=["population"], optional=["covariate_year"])
    assert str(built.columns["population"].dtype) == "Int64" and built.columns["population"].nullable
    assert str(built.columns["covariate_year"].dtype) == "int64" and not built.columns["covariate_year"].required
    with pytest.raises(ValueError, match="does not have"):
        fields.schema("population", unique=["city_id"])
    with pytest.raises(KeyError, match="fields.csv"):
        fields.schema("population not_a_column")


def test_every_entry_has_a_description_a_source_and_a_valid_example():
    for name, entry in fields.vocabulary().items():
        assert entry.description and entry.source, name
        if entry.type == "geometry" or not entry.example:
            continue
        example = pd.DataFrame({"value": [entry.example]})
        value = {"integer": int, "number": float, "boolean": lambda text: text == "true"}.get(entry.type, str)
        if entry.type == "datetime":
            example["value"] = pd.to_datetime(example["value"])
        else:
            example["value"] = example["value"].map(value)
        pa.DataFrameSchema({"value": pa.Column(entry.dtype(False), checks=entry.checks())}).validate(example)


def test_a_column_is_labelled_from_the_vocabulary_or_from_its_words():
    assert fields.label("country_iso2") == "Country"  # the label column of fields.csv
    assert fields.label("eu_side_coordinates_disagree") == "EU side coordinates disagree"
    assert fields.label("us_tie_count") == "US tie count"  # a family member: its words
    assert fields.label("Share (%)") == "Share (%)"  # already a heading
    assert fields.humanize("nuts2_2021") == "NUTS 2 2021"


def test_every_label_is_a_heading_not_a_variable_name():
    for name, entry in fields.vocabulary().items():
        assert entry.label == "" or ("_" not in entry.label and not entry.label[:1].islower()), name
