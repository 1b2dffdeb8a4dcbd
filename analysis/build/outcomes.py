"""The analysis tables: one row per frame city (and per NUTS2 region) with its partnerships, by named definition.

Two lanes, never pooled. The **real lane** feeds every headline of the book: the public sources
(Wikipedia's lists and Wikidata, its 2016, 2017 and 2022 snapshots together) and the team's crawl
and survey once their real exports are in ``data/raw`` (a source joins when its rows have
``is_synthetic`` False; :func:`outcome_ties`). The **demonstration lane** adds the synthetic
samples and is shown only in the book's bannered "Pipeline demonstration" part.

The outcomes are named definitions (:data:`OUTCOME_DEFINITIONS`), one column each, used the same
way in every chapter: any foreign partnership; a US partner (50 states and DC); a Chinese partner
(mainland China); each of the last two "active only" and "city-level only".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.build.covariates import CITY_COVARIATES_SCHEMA
from analysis.build.regional import REGION_COVARIATES_SCHEMA
from analysis.core import fields
from analysis.core.names import normalise_name

# The four sources of the outcome tables (Wikidata snapshots pooled into one); also the unit-level
# indicator sources of analysis.stats.triangulation.
OUTCOME_SOURCES: tuple[str, ...] = ("wikipedia", "wikidata", "crawl", "survey")
PUBLIC_SOURCES = ("wikipedia", "wikidata")
PARTNER_GROUPS = ("us", "cn", "eu", "other")
WIKIDATA_FLAGS = ("in_wikidata_2016", "in_wikidata_2017", "in_wikidata_2022")
# Partner levels that are a municipality: US places ("city") and Chinese prefecture-level cities
# ("prefecture": Suzhou, Jinan, also Shanghai and Chongqing), the units that sign twinning agreements.
MUNICIPAL_LEVELS = ("city", "prefecture")
LONG_COLUMNS = [
    "unit_id",
    "partner_key",
    "partner_country_iso2",
    "partner_group",
    "is_domestic",
    "status",
    "partner_level",
    "source",
    "is_synthetic",
]


@dataclass(frozen=True)
class OutcomeDefinition:
    """One named outcome: which partners count (``foreign``, ``us`` or ``cn``), and whether only active or city-level ties do."""

    column: str
    label: str
    partners: str
    active_only: bool = False
    city_level_only: bool = False

    def rule(self) -> str:
        """The definition in words, for the book's table of definitions."""
        who = {
            "foreign": "a partner outside the city's own country (any level, any country)",
            "us": "a partner in the United States (50 states and DC; Puerto Rico, Guam and other territories excluded)",
            "cn": "a partner in mainland China (Hong Kong, Macau and Taiwan excluded)",
        }[self.partners]
        extra = []
        if self.active_only:
            extra.append("leaving out partnerships a source records as ended (status unknown counts as active)")
        if self.city_level_only:
            extra.append("only partners that are a municipality (US city, Chinese prefecture-level city)")
        return "At least one partnership with " + who + ("; " + "; ".join(extra) if extra else "")


OUTCOME_DEFINITIONS: tuple[OutcomeDefinition, ...] = (
    OutcomeDefinition("foreign_any", "Any foreign partnership", "foreign"),
    OutcomeDefinition("us_any", "US partnership", "us"),
    OutcomeDefinition("cn_any", "Chinese partnership", "cn"),
    OutcomeDefinition("us_any_active", "US partnership, active only", "us", active_only=True),
    OutcomeDefinition("cn_any_active", "Chinese partnership, active only", "cn", active_only=True),
    OutcomeDefinition("us_any_city_level", "US partnership, city-level only", "us", city_level_only=True),
    OutcomeDefinition("cn_any_city_level", "Chinese partnership, city-level only", "cn", city_level_only=True),
)
DEFINITIONS = {definition.column: definition for definition in OUTCOME_DEFINITIONS}


def partner_group(country_iso2: pd.Series, is_eu: pd.Series | None = None) -> pd.Series:
    """``us``, ``cn``, ``eu`` or ``other`` for each partner country (Taiwan, Hong Kong and Macau are ``other``)."""
    from analysis.core.countries import EU27_ISO2

    eu = is_eu.fillna(False).astype(bool) if is_eu is not None else country_iso2.isin(EU27_ISO2)
    group = np.select([country_iso2.eq("US"), country_iso2.eq("CN"), eu], ["us", "cn", "eu"], default="other")
    return pd.Series(group, index=country_iso2.index, dtype="str")


def partner_keys(partner_ids: pd.Series, names: pd.Series, countries: pd.Series) -> pd.Series:
    """The key that identifies a partner across sources: its gazetteer id, else ``name:<country>:<normalised name>``."""
    fallback = "name:" + countries.astype(str) + ":" + names.astype(str).map(normalise_name)
    return partner_ids.astype(object).where(partner_ids.notna(), fallback)


def tie_attributes(ties: pd.DataFrame) -> pd.DataFrame:
    """``partner_group``, ``is_domestic``, ``status`` and ``partner_level`` of each tie (relations or crawl/survey ties).

    Uses the relations' own columns when present (``partner_is_us``: 50 states and DC;
    ``partner_is_cn``: mainland China; ``is_domestic``; ``status``; ``partner_level``), and
    otherwise falls back on the partner's country: a tie is domestic when its partner is in
    the EU end's country (``eu_country_iso2``), its status is ``unknown`` and its level missing.
    """
    country = ties["partner_country_iso2"].astype("string")
    group = partner_group(country.fillna(""), ties.get("partner_is_eu"))
    if "partner_is_us" in ties:
        group = group.mask(group.eq("us") & ~ties["partner_is_us"].astype(bool), "other")
        group = group.mask(ties["partner_is_us"].astype(bool), "us")
    if "partner_is_cn" in ties:
        group = group.mask(group.eq("cn") & ~ties["partner_is_cn"].astype(bool), "other")
        group = group.mask(ties["partner_is_cn"].astype(bool), "cn")
    if "is_domestic" in ties:
        domestic = ties["is_domestic"].fillna(False).astype(bool)
    elif "eu_country_iso2" in ties:
        domestic = (country == ties["eu_country_iso2"].astype("string")).fillna(False).astype(bool)
    else:
        domestic = pd.Series(False, index=ties.index)
    status = ties["status"].astype("string").fillna("unknown") if "status" in ties else "unknown"
    level = ties["partner_level"].astype("string") if "partner_level" in ties else pd.NA
    return pd.DataFrame(
        {"partner_group": group, "is_domestic": domestic, "status": status, "partner_level": level}, index=ties.index
    ).astype({"partner_level": "string", "status": "string"})


def meets(ties: pd.DataFrame, definition: OutcomeDefinition) -> pd.Series:
    """Which ties (with :func:`tie_attributes` columns) count towards ``definition``."""
    foreign = ~ties["is_domestic"].astype(bool)
    mask = foreign if definition.partners == "foreign" else foreign & ties["partner_group"].eq(definition.partners)
    if definition.active_only:
        mask &= ties["status"].fillna("unknown").ne("ended")
    if definition.city_level_only:
        mask &= ties["partner_level"].isin(MUNICIPAL_LEVELS).fillna(False).astype(bool)
    return mask.astype(bool)


def public_source_ties(relations: pd.DataFrame) -> pd.DataFrame:
    """Long table of city ties recorded by Wikipedia and by Wikidata (any snapshot), one row per tie and source."""
    cities = relations[relations["eu_city_id"].notna()].copy()
    cities["unit_id"] = cities["eu_city_id"]
    cities["partner_key"] = partner_keys(cities["partner_id"], cities["partner_name"], cities["partner_country_iso2"])
    cities[["partner_group", "is_domestic", "status", "partner_level"]] = tie_attributes(cities)
    cities["is_synthetic"] = False
    wikipedia = cities[cities["in_wikipedia_2026"].astype(bool)].assign(source="wikipedia")
    wikidata = cities[cities[list(WIKIDATA_FLAGS)].astype(bool).any(axis=1)].assign(source="wikidata")
    return pd.concat([wikipedia, wikidata], ignore_index=True)[LONG_COLUMNS]


def crawl_source_ties(crawl_ties: pd.DataFrame) -> pd.DataFrame:
    """Long table of city ties found by the web crawl."""
    long = crawl_ties.assign(source="crawl", **tie_attributes(crawl_ties))
    return long[LONG_COLUMNS].reset_index(drop=True)


def survey_source_ties(survey_ties: pd.DataFrame) -> pd.DataFrame:
    """Long table of the US and Chinese partners that responding cities listed in the survey."""
    long = survey_ties.assign(source="survey", partner_key=survey_ties["survey_tie_id"], **tie_attributes(survey_ties))
    return long[LONG_COLUMNS].reset_index(drop=True)


def outcome_ties(
    relations: pd.DataFrame,
    crawl_ties: pd.DataFrame | None = None,
    survey_ties: pd.DataFrame | None = None,
    *,
    lane: str = "real",
) -> pd.DataFrame:
    """Long table of the ties of every source of a lane: ``real`` (rows with ``is_synthetic`` False) or ``demonstration`` (all).

    The real lane is the one every headline uses: a real crawl or survey export joins it as
    soon as it is loaded, and a synthetic sample never does.
    """
    if lane not in ("real", "demonstration"):
        raise ValueError(f"outcome_ties: lane must be 'real' or 'demonstration', not {lane!r}")
    parts = [public_source_ties(relations)]
    if crawl_ties is not None and len(crawl_ties):
        parts.append(crawl_source_ties(crawl_ties))
    if survey_ties is not None and len(survey_ties):
        parts.append(survey_source_ties(survey_ties))
    long = pd.concat(parts, ignore_index=True)
    return long[~long["is_synthetic"].astype(bool)].reset_index(drop=True) if lane == "real" else long


def lane_sources(tables_by_source: dict[str, pd.DataFrame | None], lane: str = "real") -> tuple[str, ...]:
    """The sources of a lane, in :data:`OUTCOME_SOURCES` order: the public ones, and the crawl or survey when loaded
    (in the real lane only when its rows are real)."""
    sources = list(PUBLIC_SOURCES)
    for source in ("crawl", "survey"):
        table = tables_by_source.get(source)
        if table is None or not len(table):
            continue
        if lane == "demonstration" or not table["is_synthetic"].astype(bool).any():
            sources.append(source)
    return tuple(sources)


def source_note(sources: Sequence[str]) -> str:
    """The sources of a lane in words, for captions."""
    names = {
        "wikipedia": "Wikipedia (CC BY-SA)",
        "wikidata": "Wikidata (CC0)",
        "crawl": "the team's web crawl",
        "survey": "the team's survey",
    }
    shown = [names[source] for source in sources]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def city_outcomes(
    cities: pd.DataFrame,
    long_ties: pd.DataFrame,
    survey_respondents: Sequence[str] | None,
    sources: Sequence[str] = PUBLIC_SOURCES,
) -> pd.DataFrame:
    """Per frame city: per source, foreign partners by group and US/Chinese flags; then every named outcome.

    Length: one table, built column family by column family, reads best in one place.

    ``sources`` are the lane's sources (:func:`lane_sources`); ties of other sources are
    ignored. ``survey_respondents`` lists the unit ids that answered the survey; survey columns of
    the other cities are ``<NA>``. The combined counts are the distinct partners (by partner key)
    over the lane's sources that meet the definition; each named outcome is true when at least one
    tie of the lane meets it (:data:`OUTCOME_DEFINITIONS`).
    """
    in_frame = long_ties[long_ties["unit_id"].isin(cities["city_id"]) & long_ties["source"].isin(sources)]
    foreign = in_frame[~in_frame["is_domestic"].astype(bool)]
    counts = (
        foreign.drop_duplicates(["unit_id", "source", "partner_key"])
        .groupby(["unit_id", "source", "partner_group"])
        .size()
        .unstack(["source", "partner_group"], fill_value=0)
    )
    table = pd.DataFrame({"city_id": cities["city_id"].to_numpy()})
    for source in sources:
        for group in PARTNER_GROUPS:
            values = counts[(source, group)] if (source, group) in counts.columns else pd.Series(dtype="int64")
            table[f"{group}_tie_count_{source}"] = table["city_id"].map(values).fillna(0).astype("Int64")
    if "survey" in sources:
        responded = table["city_id"].isin(set(survey_respondents) if survey_respondents is not None else set())
        table["survey_responded"] = responded
        for group in PARTNER_GROUPS:
            table.loc[~responded, f"{group}_tie_count_survey"] = pd.NA
    for source in sources:
        for group in ("us", "cn"):
            table[f"{group}_any_{source}"] = (table[f"{group}_tie_count_{source}"] > 0).astype("boolean")
    distinct = foreign.drop_duplicates(["unit_id", "partner_key", "partner_group"])
    for group in PARTNER_GROUPS:
        per_city = distinct[distinct["partner_group"] == group].groupby("unit_id").size()
        table[f"{group}_tie_count"] = table["city_id"].map(per_city).fillna(0).astype("int64")
    table["foreign_tie_count"] = table[[f"{group}_tie_count" for group in PARTNER_GROUPS]].sum(axis=1)
    for definition in OUTCOME_DEFINITIONS:
        with_tie = set(in_frame.loc[meets(in_frame, definition), "unit_id"])
        table[definition.column] = table["city_id"].isin(with_tie)
    table["partner_mix"] = np.select(
        [table["us_any"] & table["cn_any"], table["us_any"], table["cn_any"]], ["both", "US", "CN"], default="none"
    )
    return table


def definitions_table(city_table: pd.DataFrame) -> pd.DataFrame:
    """The named outcome definitions with the cities meeting each: ``outcome, column, rule, cities, share``."""
    return pd.DataFrame(
        [
            {
                "outcome": definition.label,
                "column": definition.column,
                "rule": definition.rule(),
                "cities": int(city_table[definition.column].sum()),
                "share": float(city_table[definition.column].mean()) if len(city_table) else np.nan,
            }
            for definition in OUTCOME_DEFINITIONS
        ]
    )


def frame_units(cities: pd.DataFrame, regions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Units of the frame, as the survey, the crawl and capture-recapture see them.

    ``unit_id, unit_type, name, country_iso2, population, is_capital``: cities from the frame
    (``city_id``); regions (optional) from the region frame's latest NUTS version (``nuts2_code``;
    population unknown, so empty).
    """
    units = pd.DataFrame(
        {
            "unit_id": cities["city_id"].astype(str),
            "unit_type": "city",
            "name": cities["name"].astype(str),
            "country_iso2": cities["country_iso2"].astype(str),
            "population": cities["population"].astype(float),
            "is_capital": cities["is_capital"].astype(bool),
        }
    )
    if regions is not None and len(regions):
        latest = regions[regions["nuts_version"] == regions["nuts_version"].max()]
        regional = pd.DataFrame(
            {
                "unit_id": latest["nuts2_code"].astype(str),
                "unit_type": "region",
                "name": latest["name_latn"].astype(str),
                "country_iso2": latest["country_iso2"].astype(str),
                "population": np.nan,
                "is_capital": False,
            }
        )
        units = pd.concat([units, regional], ignore_index=True)
    return units


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
    """One row per NUTS2 2021 region: its frame cities with US and Chinese ties, its own regional ties, covariates.

    Every count follows the named outcome definitions (``region_ties``: the region's foreign partnerships).
    """
    by_region = city_table.groupby("nuts2_2021").agg(
        frame_cities=("city_id", "size"),
        cities_with_us=("us_any", "sum"),
        cities_with_cn=("cn_any", "sum"),
        city_us_ties=("us_tie_count", "sum"),
        city_cn_ties=("cn_tie_count", "sum"),
    )
    regional = relations[relations["eu_region_code"].notna()]
    attributes = tie_attributes(regional)
    regional = regional.assign(
        is_us=meets(attributes, DEFINITIONS["us_any"]),
        is_cn=meets(attributes, DEFINITIONS["cn_any"]),
        is_foreign=meets(attributes, DEFINITIONS["foreign_any"]),
    )
    regional_counts = regional.groupby("eu_region_code").agg(
        region_us_ties=("is_us", "sum"),
        region_cn_ties=("is_cn", "sum"),
        region_ties=("is_foreign", "sum"),
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


_SOURCE_COLUMNS = [
    *(f"{group}_tie_count_{source}" for source in OUTCOME_SOURCES for group in PARTNER_GROUPS),
    *(f"{group}_any_{source}" for source in OUTCOME_SOURCES for group in ("us", "cn")),
]
CITY_ANALYSIS_SCHEMA = fields.schema(
    ["city_id", "name", "country_iso2", "population", "latitude", "longitude", "nuts2_2024"],
    _SOURCE_COLUMNS,
    "survey_responded",
    [*(f"{group}_tie_count" for group in PARTNER_GROUPS), "foreign_tie_count"],
    [definition.column for definition in OUTCOME_DEFINITIONS],
    "partner_mix",
    checks={"population": pa.Check.gt(0)},
    unique=["city_id"],
    optional=[
        "latitude",
        "longitude",
        "nuts2_2024",
        "survey_responded",
        *(column for column in _SOURCE_COLUMNS if not column.endswith(PUBLIC_SOURCES)),
    ],
    description="One row per frame city: its partnerships in the real sources, by source and by named outcome definition, with covariates.",
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
    for source in [source for source in OUTCOME_SOURCES if f"us_any_{source}" in city_table]:
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
            "source": "any real source",
            "cities_covered": len(city_table),
            "share_with_us_partner": float(city_table["us_any"].mean()),
            "share_with_cn_partner": float(city_table["cn_any"].mean()),
        }
    )
    return pd.DataFrame(rows)
