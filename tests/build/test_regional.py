"""Tests for analysis.build.regional (NUTS recoding and region covariates) on tiny synthetic tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.build import regional as rg
from analysis.core.countries import EU27_ISO2

# --------------------------------------------------------------------------- helpers


def recode_table(
    rows: list[tuple[str, str, str, float]], code_from: str = "code_2016", code_to: str = "code_2021"
) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=[code_from, code_to, "relation", "population_share"])
    table["source"] = "test"
    table["note"] = "test"
    return rg.check_recode_table(table, code_from, code_to)


def panel_rows(year: int, rows: list[tuple[str, float, float, float]]) -> pd.DataFrame:
    """Indicator panel rows: (NUTS 2016 code, GDP million EUR, population, unemployment %)."""
    return pd.DataFrame(
        [
            {
                "year": year,
                "NUTS_ID": code,
                "region_gdp": gdp,
                "region_population": population,
                "unemployment_rate_t": rate,
            }
            for code, gdp, population, rate in rows
        ]
    )


# --------------------------------------------------------------------------- recoding


def test_split_copies_rates_and_shares_totals():
    values = pd.DataFrame(
        {
            "code_2016": ["HR04", "HR03"],
            "region_population": [1000.0, 500.0],
            "region_gdp_meur": [10.0, 8.0],
            "unemployment_rate_pct": [7.0, 9.0],
        }
    )
    mapping = recode_table([("HR04", "HR05", "split", 0.3), ("HR04", "HR06", "split", 0.7)])

    result = rg.recode_regions(
        values,
        mapping,
        code_from="code_2016",
        code_to="code_2021",
        totals=["region_population", "region_gdp_meur"],
        rates=["unemployment_rate_pct"],
    ).set_index("code_2021")

    assert sorted(result.index) == ["HR03", "HR05", "HR06"]
    assert result.loc["HR05", "region_population"] == pytest.approx(300.0)
    assert result.loc["HR06", "region_gdp_meur"] == pytest.approx(7.0)
    assert result.loc["HR05", "unemployment_rate_pct"] == 7.0
    assert result.loc["HR05", "values_from_parent_region"]
    assert result.loc["HR05", "recode_relation"] == "split"
    assert result.loc["HR03", "recode_relation"] == "same"
    assert not result.loc["HR03", "values_from_parent_region"]


def test_merge_sums_totals_and_weights_rates_by_population():
    values = pd.DataFrame(
        {
            "code_2016": ["XX01", "XX02"],
            "region_population": [100.0, 300.0],
            "region_gdp_meur": [1.0, 3.0],
            "unemployment_rate_pct": [10.0, 2.0],
        }
    )
    mapping = recode_table([("XX01", "XX05", "merged", 1.0), ("XX02", "XX05", "merged", 1.0)])

    result = rg.recode_regions(
        values,
        mapping,
        code_from="code_2016",
        code_to="code_2021",
        totals=["region_population", "region_gdp_meur"],
        rates=["unemployment_rate_pct"],
    )

    assert len(result) == 1
    row = result.iloc[0]
    assert row["region_population"] == 400.0
    assert row["region_gdp_meur"] == 4.0
    assert row["unemployment_rate_pct"] == pytest.approx((100 * 10 + 300 * 2) / 400)
    assert row["recoded_from"] == "XX01|XX02"
    assert row["recode_relation"] == "merged"
    assert not row["values_from_parent_region"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("A1", "B1", "split", 0.5)], "do not sum to 1"),
        ([("A1", "B1", "renamed", 1.0)], "row 2, column relation"),
        ([("A1", "B1", "split", 0.0)], "row 2, column population_share"),
    ],
)
def test_check_recode_table_names_the_bad_row_and_column(rows, message):
    with pytest.raises(rg.CovariateError, match=message):
        recode_table(rows)


def test_committed_recode_tables_are_consistent():
    to_2021 = rg.load_recode_2016_to_2021()
    to_2024 = rg.load_recode_2021_to_2024()

    assert set(to_2021.loc[to_2021["code_2016"] == "HR04", "code_2021"]) == {"HR02", "HR05", "HR06"}
    assert set(to_2024.loc[to_2024["code_2021"] == "PT17", "code_2024"]) == {"PT1A", "PT1B"}
    for table in (to_2021, to_2024):
        assert table["source"].str.len().gt(0).all() and table["note"].str.len().gt(0).all()


def test_a_recode_table_without_a_source_column_is_refused():
    table = pd.DataFrame(
        [("A1", "B1", "same", 1.0, "n")], columns=["code_2016", "code_2021", "relation", "population_share", "note"]
    )
    with pytest.raises(rg.CovariateError, match=r"\['source'\] are missing"):
        rg.check_recode_table(table, "code_2016", "code_2021", source="x.csv")


def test_eu_cohort_from_the_accession_years():
    years = rg.load_eu_accession_years()
    assert set(years) == set(EU27_ISO2)
    cohort = rg.eu_cohort(pd.Series(["DE", "HR", "PL", "AT"]))
    assert cohort["new_member_state"].tolist() == [False, True, True, False]
    assert (cohort["eu15"] == ~cohort["new_member_state"]).all()
    with pytest.raises(rg.CovariateError, match="GB"):
        rg.eu_cohort(pd.Series(["GB"]), accession_years=years)


# --------------------------------------------------------------------------- regions


def nuts3_typology_table() -> tuple[pd.DataFrame, pd.DataFrame]:
    typologies = pd.DataFrame(
        {
            "Code": ["AT13", "AT130", "HR050", "HR061", "HR062", "HR021", "PL911", "PL912", "UKC11"],
            "Urban-rural": [
                "N/A",
                "predominantly urban",
                "predominantly urban",
                "intermediate",
                "predominantly rural",
                "predominantly rural",
                "predominantly urban",
                "predominantly rural",
                "intermediate",
            ],
            "Metropolitan": ["N/A", "Y", "Y", "N", "N", "N", "Y", "N", "Y"],
            "Coastal": [
                "N/A",
                "non-coastal",
                "non-coastal",
                "non-coastal",
                "non-coastal",
                "non-coastal",
                "non-coastal",
                "coastal (on coast)",
                "coastal (on coast)",
            ],
        }
    )
    population = pd.DataFrame(
        {"geo": ["AT130", "PL911", "PL912"], "population2019_nuts3": [1_900_000, 1_800_000, 600_000]}
    )
    return typologies, population


def test_nuts2_typologies_weight_nuts3_by_population():
    typologies, population = nuts3_typology_table()

    table = rg.nuts2_typologies(rg.nuts3_typologies(typologies, population)).set_index("nuts2_2021")

    assert table.loc["PL91", "metropolitan_population_share"] == pytest.approx(0.75)
    assert table.loc["PL91", "metropolitan_type"] == "metropolitan"
    assert table.loc["PL91", "urban_rural_type"] == "predominantly urban"
    assert table.loc["PL91", "coastal_region"]
    assert not table.loc["AT13", "coastal_region"]
    # No known population: the two HR06 NUTS3 regions count equally.
    assert table.loc["HR06", "metropolitan_population_share"] == 0.0


def synthetic_region_inputs() -> dict[str, pd.DataFrame]:
    codes = pd.DataFrame(
        {
            "NUTS_ID": ["AT", "AT13", "HR02", "HR05", "HR06", "PL91", "UKC1", "AT130"],
            "LEVL_CODE": [0, 2, 2, 2, 2, 2, 2, 3],
            "CNTR_CODE": ["AT", "AT", "HR", "HR", "HR", "PL", "UK", "AT"],
            "NAME_LATN": [
                "Österreich",
                "Wien",
                "Panonska Hrvatska",
                "Grad Zagreb",
                "Sjeverna Hrvatska",
                "Warszawski stołeczny",
                "Tees Valley",
                "Wien",
            ],
        }
    )
    # PL91 has no panel row in this synthetic panel: it must be kept and explained.
    panel = pd.concat(
        [
            panel_rows(
                2018,
                [
                    ("AT13", 96_000.0, 1_900_000, 11.0),
                    ("HR04", 30_000.0, 2_700_000, np.nan),
                    ("UKC1", 20_000.0, 1_200_000, 5.0),
                ],
            ),
            panel_rows(2017, [("AT13", 94_000.0, 1_880_000, 12.0)]),
        ]
    )
    mapping = recode_table(
        [("HR04", "HR02", "split", 0.4), ("HR04", "HR05", "split", 0.3), ("HR04", "HR06", "split", 0.3)]
    )
    typologies, population = nuts3_typology_table()
    return {
        "nuts2_2021_regions": codes,
        "indicator_panel": panel,
        "recode_2016_to_2021": mapping,
        "typologies": typologies,
        "nuts3_population": population,
    }


def test_every_eu_region_gets_covariates_or_a_reason():
    regions = rg.region_covariates(**synthetic_region_inputs(), year=2018)

    assert list(regions["nuts2_2021"]) == ["AT13", "HR02", "HR05", "HR06", "PL91"]  # no UK, no other levels
    rg.REGION_COVARIATES_SCHEMA.validate(regions)
    covariates = [
        "gdp_per_head_eur",
        "unemployment_rate_pct",
        "region_population",
        "urban_rural_type",
        "metropolitan_type",
        "coastal_region",
    ]
    for _, row in regions.iterrows():
        for column in covariates:
            assert pd.notna(row[column]) or column in row["missing_covariates"], (row["nuts2_2021"], column)
    gaps = rg.covariate_gaps(regions)
    assert set(gaps.loc[gaps["variable"] == "gdp_per_head_eur", "nuts2_2021"]) == {"PL91"}
    assert "no NUTS 2016 region" in gaps.loc[gaps["nuts2_2021"] == "PL91", "reason"].iloc[0]
    assert set(gaps.loc[gaps["variable"] == "unemployment_rate_pct", "nuts2_2021"]) == {"HR02", "HR05", "HR06", "PL91"}


def test_region_covariates_values_and_cohorts():
    regions = rg.region_covariates(**synthetic_region_inputs(), year=2018).set_index("nuts2_2021")

    assert regions.loc["AT13", "gdp_per_head_eur"] == pytest.approx(96_000e6 / 1_900_000)
    assert regions.loc["AT13", "log_gdp_per_head"] == pytest.approx(np.log(96_000e6 / 1_900_000))
    assert regions.loc["AT13", "covariate_year"] == 2018
    # A split copies the parent's GDP per head and shares its population.
    assert regions.loc["HR05", "gdp_per_head_eur"] == pytest.approx(30_000e6 / 2_700_000)
    assert regions.loc["HR05", "region_population"] == pytest.approx(0.3 * 2_700_000)
    assert regions.loc["HR05", "values_from_parent_region"] and not regions.loc["AT13", "values_from_parent_region"]
    assert regions.loc["HR05", "new_member_state"] and not regions.loc["HR05", "eu15"]
    assert regions.loc["AT13", "eu15"] and not regions.loc["AT13", "new_member_state"]


def test_regions_to_nuts2024_follows_the_shares():
    regions = rg.region_covariates(**synthetic_region_inputs(), year=2018)
    mapping = recode_table(
        [("AT13", "AT1A", "split", 0.5), ("AT13", "AT1B", "split", 0.5)], code_from="code_2021", code_to="code_2024"
    )

    moved = rg.regions_to_nuts2024(regions, mapping).set_index("nuts2_2024")

    assert {"AT1A", "AT1B", "HR05", "PL91"} <= set(moved.index) and "AT13" not in moved.index
    assert moved.loc["AT1A", "region_population"] == pytest.approx(950_000)
    assert moved.loc["AT1A", "gdp_per_head_eur"] == pytest.approx(
        regions.set_index("nuts2_2021").loc["AT13", "gdp_per_head_eur"]
    )
    assert moved.loc["AT1A", "values_from_parent_region"]
    assert moved.loc["HR05", "values_from_parent_region"]  # inherited from the 2016 -> 2021 split
