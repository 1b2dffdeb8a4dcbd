"""The analysis tables: one row per frame city (and per NUTS2 region) with US and Chinese ties by source.

Four sources record ties: Wikipedia's lists, Wikidata (the 2016, 2017 and 2022 snapshots
together), the web crawl and the survey. For each city and source the tables count the
distinct US, Chinese, EU and other partners and flag whether there is any; the combined
columns take a tie as present when any source records it. Survey columns are missing
(``<NA>``) for cities that did not respond, so "no tie" and "not asked" stay apart.

The crawl and survey are synthetic until the team's exports arrive; ``uses_synthetic_sources``
says so on every row built from them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.build.covariates import CITY_COVARIATES_SCHEMA
from analysis.build.regional import REGION_COVARIATES_SCHEMA
from analysis.core import fields

# The four sources of the outcome tables (Wikidata snapshots pooled into one); also the unit-level
# indicator sources of analysis.stats.triangulation.
OUTCOME_SOURCES: tuple[str, ...] = ("wikipedia", "wikidata", "crawl", "survey")
PUBLIC_SOURCES = ("wikipedia", "wikidata")
PARTNER_GROUPS = ("us", "cn", "eu", "other")
WIKIDATA_FLAGS = ("in_wikidata_2016", "in_wikidata_2017", "in_wikidata_2022")
LONG_COLUMNS = ["unit_id", "partner_key", "partner_country_iso2", "partner_group", "source", "is_synthetic"]


def partner_group(country_iso2: pd.Series, is_eu: pd.Series | None = None) -> pd.Series:
    """``us``, ``cn``, ``eu`` or ``other`` for each partner country (Taiwan, Hong Kong and Macau are ``other``)."""
    from analysis.core.countries import EU27_ISO2

    eu = is_eu.fillna(False).astype(bool) if is_eu is not None else country_iso2.isin(EU27_ISO2)
    group = np.select([country_iso2.eq("US"), country_iso2.eq("CN"), eu], ["us", "cn", "eu"], default="other")
    return pd.Series(group, index=country_iso2.index, dtype="str")


def public_source_ties(relations: pd.DataFrame) -> pd.DataFrame:
    """Long table of city ties recorded by Wikipedia and by Wikidata (any snapshot), one row per tie and source."""
    cities = relations[relations["eu_city_id"].notna()].copy()
    cities["unit_id"] = cities["eu_city_id"]
    cities["partner_key"] = cities["partner_id"].fillna("rel:" + cities["relation_id"].astype(str))
    cities["partner_group"] = partner_group(cities["partner_country_iso2"], cities.get("partner_is_eu"))
    cities["is_synthetic"] = False
    wikipedia = cities[cities["in_wikipedia_2026"].astype(bool)].assign(source="wikipedia")
    wikidata = cities[cities[list(WIKIDATA_FLAGS)].astype(bool).any(axis=1)].assign(source="wikidata")
    return pd.concat([wikipedia, wikidata], ignore_index=True)[LONG_COLUMNS]


def crawl_source_ties(crawl_ties: pd.DataFrame) -> pd.DataFrame:
    """Long table of city ties found by the web crawl."""
    long = crawl_ties.assign(source="crawl", partner_group=partner_group(crawl_ties["partner_country_iso2"]))
    return long[LONG_COLUMNS].reset_index(drop=True)


def survey_source_ties(survey_ties: pd.DataFrame) -> pd.DataFrame:
    """Long table of the US and Chinese partners that responding cities listed in the survey."""
    long = survey_ties.assign(
        source="survey",
        partner_key=survey_ties["survey_tie_id"],
        partner_group=partner_group(survey_ties["partner_country_iso2"]),
    )
    return long[LONG_COLUMNS].reset_index(drop=True)


def city_outcomes(
    cities: pd.DataFrame, long_ties: pd.DataFrame, survey_respondents: Sequence[str] | None
) -> pd.DataFrame:
    """Per frame city and source: distinct partners by group, and any-tie flags; then the combined columns.

    ``survey_respondents`` lists the unit ids that answered the survey (``None``: no survey
    at all); survey columns of the other cities are ``<NA>``. Combined counts take, per
    partner group, the largest count any source gives (a lower bound of the union, as
    survey partners are free text), and combined flags are true when any source has a tie.
    """
    in_frame = long_ties[long_ties["unit_id"].isin(cities["city_id"])]
    counts = (
        in_frame.drop_duplicates(["unit_id", "source", "partner_key"])
        .groupby(["unit_id", "source", "partner_group"])
        .size()
        .unstack(["source", "partner_group"], fill_value=0)
    )
    table = pd.DataFrame({"city_id": cities["city_id"].to_numpy()})
    for source in OUTCOME_SOURCES:
        for group in PARTNER_GROUPS:
            column = f"{group}_tie_count_{source}"
            values = counts[(source, group)] if (source, group) in counts.columns else pd.Series(dtype="int64")
            table[column] = table["city_id"].map(values).fillna(0).astype("Int64")
    responded = table["city_id"].isin(set(survey_respondents) if survey_respondents is not None else set())
    table["survey_responded"] = responded
    for group in PARTNER_GROUPS:
        table.loc[~responded, f"{group}_tie_count_survey"] = pd.NA
    for source in OUTCOME_SOURCES:
        for group in ("us", "cn"):
            table[f"{group}_any_{source}"] = (table[f"{group}_tie_count_{source}"] > 0).astype("boolean")
    for group in PARTNER_GROUPS:
        per_source = table[[f"{group}_tie_count_{source}" for source in OUTCOME_SOURCES]]
        table[f"{group}_tie_count"] = per_source.max(axis=1, skipna=True).fillna(0).astype("int64")
    table["us_any"] = table["us_tie_count"] > 0
    table["cn_any"] = table["cn_tie_count"] > 0
    table["foreign_tie_count"] = table[[f"{group}_tie_count" for group in PARTNER_GROUPS]].sum(axis=1)
    table["partner_mix"] = np.select(
        [table["us_any"] & table["cn_any"], table["us_any"], table["cn_any"]], ["both", "US", "CN"], default="none"
    )
    table["uses_synthetic_sources"] = bool(long_ties["is_synthetic"].astype(bool).any())
    return table


def city_analysis_table(cities: pd.DataFrame, outcomes: pd.DataFrame, covariates: pd.DataFrame) -> pd.DataFrame:
    """Frame columns, outcomes and covariates in one row per city (every frame city kept)."""
    frame_columns = [
        "city_id",
        "name",
        "country_iso2",
        "population",
        "latitude",
        "longitude",
        "is_capital",
        "nuts2_2021",
        "nuts2_2024",
    ]
    merged = cities[frame_columns].merge(outcomes, on="city_id", how="left", validate="one_to_one")
    extra = [c for c in covariates.columns if c not in merged.columns or c == "city_id"]
    merged = merged.merge(covariates[extra], on="city_id", how="left", validate="one_to_one")
    if len(merged) != len(cities):
        raise ValueError(f"city analysis table has {len(merged)} rows for {len(cities)} frame cities")
    return merged


def region_analysis_table(
    regions: pd.DataFrame, city_table: pd.DataFrame, relations: pd.DataFrame, region_covariates: pd.DataFrame
) -> pd.DataFrame:
    """One row per NUTS2 2021 region: its frame cities with US and Chinese ties, its own regional ties, covariates."""
    by_region = city_table.groupby("nuts2_2021").agg(
        frame_cities=("city_id", "size"),
        cities_with_us=("us_any", "sum"),
        cities_with_cn=("cn_any", "sum"),
        city_us_ties=("us_tie_count", "sum"),
        city_cn_ties=("cn_tie_count", "sum"),
    )
    regional = relations[relations["eu_region_code"].notna()]
    regional_counts = regional.groupby("eu_region_code").agg(
        region_us_ties=("partner_is_us", "sum"),
        region_cn_ties=("partner_is_cn", "sum"),
        region_ties=("relation_id", "size"),
    )
    table = regions.loc[regions["nuts_version"] == 2021, ["nuts2_code", "name_latn", "country_iso2"]].rename(
        columns={"nuts2_code": "nuts2_2021"}
    )
    table = table.merge(by_region, left_on="nuts2_2021", right_index=True, how="left")
    table = table.merge(regional_counts, left_on="nuts2_2021", right_index=True, how="left")
    count_columns = [
        "frame_cities",
        "cities_with_us",
        "cities_with_cn",
        "city_us_ties",
        "city_cn_ties",
        "region_us_ties",
        "region_cn_ties",
        "region_ties",
    ]
    table[count_columns] = table[count_columns].fillna(0).astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        table["share_cities_with_us"] = np.where(
            table["frame_cities"] > 0, table["cities_with_us"] / table["frame_cities"], np.nan
        )
        table["share_cities_with_cn"] = np.where(
            table["frame_cities"] > 0, table["cities_with_cn"] / table["frame_cities"], np.nan
        )
    extra = [c for c in region_covariates.columns if c not in table.columns or c == "nuts2_2021"]
    return table.merge(region_covariates[extra], on="nuts2_2021", how="left", validate="one_to_one")


CITY_ANALYSIS_SCHEMA = fields.schema(
    ["city_id", "name", "country_iso2", "population", "latitude", "longitude", "nuts2_2024"],
    [f"{group}_tie_count_{source}" for source in OUTCOME_SOURCES for group in PARTNER_GROUPS],
    [f"{group}_any_{source}" for source in OUTCOME_SOURCES for group in ("us", "cn")],
    [*(f"{group}_tie_count" for group in PARTNER_GROUPS), "foreign_tie_count"],
    "survey_responded us_any cn_any partner_mix uses_synthetic_sources",
    checks={"population": pa.Check.gt(0)},
    unique=["city_id"],
    optional=["latitude", "longitude", "nuts2_2024", "eu_tie_count", "other_tie_count", "foreign_tie_count"],
    description="One row per frame city: US, Chinese, EU and other partners by source and combined, with covariates.",
)


def _with_covariates(schema: pa.DataFrameSchema, covariates: pa.DataFrameSchema) -> pa.DataFrameSchema:
    """``schema`` plus the covariate columns (checked and documented whenever they are present)."""
    added = [name for name in covariates.columns if name not in schema.columns]
    extended = schema.add_columns({name: covariates.columns[name] for name in added})
    return extended.update_columns({name: {"required": False} for name in added})


CITY_ANALYSIS_SCHEMA = _with_covariates(CITY_ANALYSIS_SCHEMA, CITY_COVARIATES_SCHEMA)

REGION_ANALYSIS_SCHEMA = fields.schema(
    "nuts2_2021 name_latn frame_cities cities_with_us cities_with_cn city_us_ties city_cn_ties",
    "region_us_ties region_cn_ties region_ties share_cities_with_us share_cities_with_cn",
    not_null=["nuts2_2021"],
    unique=["nuts2_2021"],
    optional=["name_latn", "city_us_ties", "city_cn_ties", "region_ties"],
    description="One row per EU-27 NUTS2 region (2021): its frame cities' US and Chinese ties, its own regional ties, covariates.",
)
REGION_ANALYSIS_SCHEMA = _with_covariates(REGION_ANALYSIS_SCHEMA, REGION_COVARIATES_SCHEMA)


def source_summary(city_table: pd.DataFrame) -> pd.DataFrame:
    """Per source: cities it covers (all, or survey respondents), and the share with a US and with a Chinese partner."""
    rows = []
    for source in OUTCOME_SOURCES:
        covered = city_table[f"us_any_{source}"].notna()
        rows.append(
            {
                "source": source,
                "cities_covered": int(covered.sum()),
                "share_with_us_partner": float(city_table.loc[covered, f"us_any_{source}"].astype(bool).mean())
                if covered.any()
                else np.nan,
                "share_with_cn_partner": float(city_table.loc[covered, f"cn_any_{source}"].astype(bool).mean())
                if covered.any()
                else np.nan,
            }
        )
    rows.append(
        {
            "source": "any source",
            "cities_covered": len(city_table),
            "share_with_us_partner": float(city_table["us_any"].mean()),
            "share_with_cn_partner": float(city_table["cn_any"].mean()),
        }
    )
    return pd.DataFrame(rows)
