"""Covariates of the EU-27 NUTS2 regions, and the NUTS recoding they need.

Region covariates (one row per EU-27 NUTS2 region of the 2021 version) come from the
Eurostat NUTS2 indicator panel (GDP, population, unemployment; NUTS 2016 codes, recoded
to NUTS 2021 with ``reference/nuts2016_to_2021.csv``), from the Eurostat NUTS3
typologies (urban-rural, metropolitan, coastal; NUTS 2021 codes), aggregated to NUTS2
with NUTS3 population weights, and from the country's EU accession cohort
(``reference/eu_accession_years.csv``). :func:`regions_to_nuts2024` carries them over to
the NUTS 2024 codes with ``reference/nuts2021_to_2024.csv``.

Recoding rule (both CSVs): each row says which share of an old region's population lies
in a new region (``population_share``). Totals (population, GDP) are summed over the
rows, weighted by the share; rates (unemployment) are population-weighted means. A new
region built from only part of an old one therefore gets the old region's rates, and is
flagged in ``values_from_parent_region``. Codes that a CSV does not list are unchanged.

Functions that build tables take and return DataFrames; the ``load_*`` functions are the
only ones that read files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.acquire.sources import raw_path
from analysis.core import fields, paths
from analysis.core.countries import EU27_ISO2, ISO2_TO_NUTS_COUNTRY, NUTS_COUNTRY_TO_ISO2
from analysis.core.tracking import note_read

# --------------------------------------------------------------------------- constants


NUTS_2016_TO_2021_FILE = "nuts2016_to_2021.csv"
NUTS_2021_TO_2024_FILE = "nuts2021_to_2024.csv"
EU_ACCESSION_YEARS_FILE = "eu_accession_years.csv"
RECODE_RELATIONS: tuple[str, ...] = ("same", "recoded", "split", "merged")

# Latest panel year in which every EU-27 region has GDP and population (240 of 240 NUTS 2016 codes).
DEFAULT_COVARIATE_YEAR = 2018
EU13_FIRST_ACCESSION_YEAR = 2004  # the EU13 are the states that joined in 2004, 2007 and 2013

URBAN_RURAL_TYPES: tuple[str, ...] = ("predominantly urban", "intermediate", "predominantly rural")
METROPOLITAN_TYPES: tuple[str, ...] = ("metropolitan", "non-metropolitan")
# NUTS3 coastal typology: "coastal (on coast)" or "coastal (>= 50% of population living within 50km ...)".
COASTAL_TYPOLOGY_PREFIX = "coastal"


class CovariateError(ValueError):
    """An input table breaks its contract; the message names the table, row and column."""


# --------------------------------------------------------------------------- schemas


def _region_columns() -> list[str]:
    """The covariate columns every NUTS2 region table carries, in order."""
    return [
        *("country_iso2", "covariate_year", "gdp_per_head_eur", "log_gdp_per_head", "unemployment_rate_pct"),
        *("region_population", "metropolitan_population_share", "metropolitan_type", "urban_rural_type"),
        *("coastal_region", "new_member_state", "eu15", "values_from_parent_region"),
    ]


COVARIATE_CHECKS = {
    "country_iso2": pa.Check.isin(list(EU27_ISO2)),
    "metropolitan_type": pa.Check.isin(list(METROPOLITAN_TYPES)),
    "urban_rural_type": pa.Check.isin(list(URBAN_RURAL_TYPES)),
}

REGION_COVARIATES_SCHEMA = fields.schema(
    ["nuts2_2021", "region_name", *_region_columns(), "recoded_from", "missing_covariates"],
    checks=COVARIATE_CHECKS,
    not_null=["nuts2_2021"],
    unique=["nuts2_2021"],
    strict=True,
    ordered=True,
    coerce=True,
    description=(
        "Covariates of the EU-27 NUTS2 regions (2021 version): GDP per head, unemployment and population from the "
        "Eurostat NUTS2 panel (NUTS 2016, recoded), typologies aggregated from Eurostat NUTS3 typologies, and the "
        "country's EU accession cohort; one row per region"
    ),
)


REGION_COVARIATES_2024_SCHEMA = fields.schema(
    ["nuts2_2024", *_region_columns(), "recode_relation", "recoded_from"],
    checks={**COVARIATE_CHECKS, "recode_relation": pa.Check.isin(list(RECODE_RELATIONS))},
    not_null=["nuts2_2024"],
    unique=["nuts2_2024"],
    strict=True,
    ordered=True,
    coerce=True,
    description=(
        "The NUTS2 region covariates carried over to the NUTS 2024 codes with analysis/reference/nuts2021_to_2024.csv "
        "(NL and PT changed); one row per EU-27 NUTS2 region of 2024"
    ),
)


# --------------------------------------------------------------------------- NUTS recoding


def check_recode_table(
    mapping: pd.DataFrame, code_from: str, code_to: str, source: str = "<recode table>"
) -> pd.DataFrame:
    """Check a NUTS recode table and return it with ``population_share`` as float.

    Expects columns ``code_from``, ``code_to``, ``relation`` (one of ``RECODE_RELATIONS``),
    ``population_share`` (0-1], ``source`` and ``note``; the shares of each old code must
    sum to 1. Raises :class:`CovariateError` naming the file, row and column.
    """
    required = [code_from, code_to, "relation", "population_share", "source", "note"]
    missing = [column for column in required if column not in mapping.columns]
    if missing:
        raise CovariateError(f"{source}: columns {missing} are missing; expected {required}")
    checked = mapping.copy()
    checked["population_share"] = pd.to_numeric(checked["population_share"], errors="coerce")
    for row_number, row in enumerate(checked.itertuples(index=False), start=2):  # row 1 is the header
        row = row._asdict()
        if row["relation"] not in RECODE_RELATIONS:
            raise CovariateError(
                f"{source}, row {row_number}, column relation: '{row['relation']}' is not one of {list(RECODE_RELATIONS)}"
            )
        share = row["population_share"]
        if not (share == share and 0 < share <= 1):
            raise CovariateError(f"{source}, row {row_number}, column population_share: expected a number in (0, 1]")
    share_sums = checked.groupby(code_from)["population_share"].sum()
    unbalanced = share_sums[(share_sums - 1).abs() > 0.001]
    if not unbalanced.empty:
        raise CovariateError(
            f"{source}, column population_share: shares of {code_from} {unbalanced.round(4).to_dict()} do not sum to 1"
        )
    return checked


def recode_regions(
    values: pd.DataFrame,
    mapping: pd.DataFrame,
    *,
    code_from: str,
    code_to: str,
    totals: Iterable[str] = (),
    rates: Iterable[str] = (),
    categories: Iterable[str] = (),
    weight: str = "region_population",
) -> pd.DataFrame:
    """Carry region values from one NUTS version to the next.

    ``values`` has one row per old code (column ``code_from``); ``mapping`` (checked by
    :func:`check_recode_table`) lists the changed codes; unlisted codes map to themselves
    as ``same``. Returns one row per new code (column ``code_to``) with: ``totals`` summed
    with the population shares; ``rates`` as means weighted by ``weight`` x share (plain
    means when no weight is known); ``categories`` (and booleans) from the old region that
    contributes most people; ``recode_relation``; ``recoded_from`` ('|'-joined old codes);
    ``values_from_parent_region`` (a contributing share is below 1, so rates are the larger
    region's). Mapping rows whose old code is not in ``values`` contribute nothing.
    """
    totals, rates, categories = list(totals), list(rates), list(categories)
    listed = mapping[[code_from, code_to, "relation", "population_share"]]
    unlisted_codes = values.loc[~values[code_from].isin(listed[code_from]), code_from]
    identity = pd.DataFrame(
        {code_from: unlisted_codes, code_to: unlisted_codes, "relation": "same", "population_share": 1.0}
    )
    links = pd.concat([listed, identity], ignore_index=True).merge(values, on=code_from, how="inner")
    # Weight of each link: the people of the old region who live in the new one.
    people = links[weight] if weight in links.columns else pd.Series(np.nan, index=links.index)
    links["_people"] = people * links["population_share"]
    links["_rate_weight"] = links["_people"].fillna(links["population_share"])

    groups = links.groupby(code_to, sort=True)
    result = pd.DataFrame(index=pd.Index(sorted(links[code_to].unique()), name=code_to))
    for column in totals:
        result[column] = (links[column] * links["population_share"]).groupby(links[code_to]).sum(min_count=1)
    for column in rates:
        known_weight = links["_rate_weight"].where(links[column].notna())
        result[column] = (links[column] * known_weight).groupby(links[code_to]).sum(min_count=1) / known_weight.groupby(
            links[code_to]
        ).sum(min_count=1)
    largest = (
        links.sort_values("_rate_weight", ascending=False, kind="stable").drop_duplicates(code_to).set_index(code_to)
    )
    for column in categories:
        result[column] = largest[column]
    # The strongest change among a new region's links names it: merged > split > recoded > same.
    relation_rank = {relation: rank for rank, relation in enumerate(("same", "recoded", "split", "merged"))}
    result["recode_relation"] = (
        links["relation"].map(relation_rank).groupby(links[code_to]).max().map(dict(enumerate(relation_rank)))
    )
    result["recoded_from"] = groups[code_from].agg(lambda codes: "|".join(sorted(codes)))
    result["values_from_parent_region"] = (links["population_share"] < 1).groupby(links[code_to]).any()
    return result.reset_index()


# --------------------------------------------------------------------------- region covariates


def nuts2_indicators_for_year(panel: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per NUTS 2016 region for ``year``: ``nuts2_2016``, ``region_gdp_meur``, ``region_population``, ``unemployment_rate_pct``.

    ``panel`` is the Eurostat NUTS2 indicator panel (columns ``year``, ``NUTS_ID``,
    ``region_gdp`` in million EUR, ``region_population``, ``unemployment_rate_t``).
    """
    required = ["year", "NUTS_ID", "region_gdp", "region_population", "unemployment_rate_t"]
    missing = [column for column in required if column not in panel.columns]
    if missing:
        raise CovariateError(f"NUTS2 indicator panel: columns {missing} are missing; expected {required}")
    one_year = panel[panel["year"] == year]
    if one_year.empty:
        raise CovariateError(
            f"NUTS2 indicator panel, column year: no rows for {year}; years present: {sorted(panel['year'].unique())}"
        )
    duplicated = one_year["NUTS_ID"][one_year["NUTS_ID"].duplicated()]
    if not duplicated.empty:
        raise CovariateError(f"NUTS2 indicator panel, column NUTS_ID: codes repeated in {year}: {sorted(duplicated)}")
    return pd.DataFrame(
        {
            "nuts2_2016": one_year["NUTS_ID"].astype(str).to_numpy(),
            "region_gdp_meur": pd.to_numeric(one_year["region_gdp"], errors="coerce").to_numpy(),
            "region_population": pd.to_numeric(one_year["region_population"], errors="coerce").to_numpy(),
            "unemployment_rate_pct": pd.to_numeric(one_year["unemployment_rate_t"], errors="coerce").to_numpy(),
        }
    )


def nuts3_typologies(typologies: pd.DataFrame, nuts3_population: pd.DataFrame) -> pd.DataFrame:
    """One row per NUTS3 2021 region: ``nuts3_2021``, ``nuts2_2021``, typologies and a population weight.

    ``typologies`` is Eurostat's NUTS2021 typology table (``Code``, ``Urban-rural``,
    ``Metropolitan`` Y/N, ``Coastal``); ``nuts3_population`` has ``geo`` and
    ``population2019_nuts3`` (NUTS 2016 codes, so NUTS3 codes new in 2021 have none).
    Those get the mean population of their NUTS2 region's other NUTS3 regions, or 1 when
    none is known, so that they still count (``population_imputed`` says which).
    """
    level3 = typologies[typologies["Code"].astype(str).str.len() == 5]

    def typology(column: str) -> pd.Series:
        return level3[column].astype("string").replace({"N/A": pd.NA, "": pd.NA})

    metropolitan = typology("Metropolitan").map({"Y": "metropolitan", "N": "non-metropolitan"})
    coastal = typology("Coastal")
    table = pd.DataFrame(
        {
            "nuts3_2021": level3["Code"].astype(str).to_numpy(),
            "urban_rural_type": typology("Urban-rural").to_numpy(),
            "metropolitan_type": metropolitan.to_numpy(),
            "nuts3_coastal": coastal.str.startswith(COASTAL_TYPOLOGY_PREFIX).astype("boolean").to_numpy(),
        }
    )
    table["nuts2_2021"] = table["nuts3_2021"].str[:4]
    population = nuts3_population.set_index("geo")["population2019_nuts3"]
    table["nuts3_population"] = pd.to_numeric(table["nuts3_2021"].map(population), errors="coerce")
    table["population_imputed"] = table["nuts3_population"].isna()
    regional_mean = table.groupby("nuts2_2021")["nuts3_population"].transform("mean")
    table["nuts3_population"] = table["nuts3_population"].fillna(regional_mean).fillna(1.0)
    return table


def nuts2_typologies(nuts3: pd.DataFrame) -> pd.DataFrame:
    """Aggregate :func:`nuts3_typologies` to NUTS2: population-weighted types, coastal when any NUTS3 is.

    Returns ``nuts2_2021``, ``metropolitan_population_share`` (of the people in NUTS3 regions
    with a known metropolitan type), ``metropolitan_type`` (metropolitan from a share of 0.5),
    ``urban_rural_type`` (the type holding most people) and ``coastal_region``.
    """
    region = nuts3["nuts2_2021"]
    people = nuts3["nuts3_population"]
    known_metro_people = people.where(nuts3["metropolitan_type"].notna())
    metro_people = people.where(nuts3["metropolitan_type"] == "metropolitan", 0.0).where(
        nuts3["metropolitan_type"].notna()
    )
    table = pd.DataFrame(
        {
            "metropolitan_population_share": metro_people.groupby(region).sum(min_count=1)
            / known_metro_people.groupby(region).sum(min_count=1)
        }
    )
    share = table["metropolitan_population_share"]
    table["metropolitan_type"] = pd.Series(
        np.where(share >= 0.5, "metropolitan", "non-metropolitan"), index=table.index
    ).where(share.notna())
    people_by_type = people.groupby([region, nuts3["urban_rural_type"]]).sum()
    table["urban_rural_type"] = people_by_type.groupby(level=0).idxmax().str[1]
    table["coastal_region"] = (
        nuts3["nuts3_coastal"].astype("boolean").groupby(region).any(skipna=True).astype("boolean")
    )
    table.loc[nuts3["nuts3_coastal"].isna().groupby(region).all(), "coastal_region"] = pd.NA
    return table.rename_axis("nuts2_2021").reset_index()


def eu_cohort(country_iso2: pd.Series, accession_years: Mapping[str, int] | None = None) -> pd.DataFrame:
    """``new_member_state`` (EU13) and ``eu15`` for ISO country codes; unknown codes raise.

    ``accession_years``: ISO2 -> year of joining (default :func:`load_eu_accession_years`).
    """
    accession_years = load_eu_accession_years() if accession_years is None else accession_years
    unknown = sorted(set(country_iso2) - set(accession_years))
    if unknown:
        raise CovariateError(f"column country_iso2: {unknown} are not EU-27 ISO codes (Greece is GR)")
    accession = country_iso2.map(accession_years)
    return pd.DataFrame(
        {"new_member_state": accession >= EU13_FIRST_ACCESSION_YEAR, "eu15": accession < EU13_FIRST_ACCESSION_YEAR},
        index=country_iso2.index,
    )


def region_covariates(
    nuts2_2021_regions: pd.DataFrame,
    indicator_panel: pd.DataFrame,
    recode_2016_to_2021: pd.DataFrame,
    typologies: pd.DataFrame,
    nuts3_population: pd.DataFrame,
    *,
    year: int = DEFAULT_COVARIATE_YEAR,
) -> pd.DataFrame:
    """Covariates per EU-27 NUTS2 region of 2021 (see :data:`REGION_COVARIATES_SCHEMA`).

    ``nuts2_2021_regions``: the GISCO 2021 code list (``NUTS_ID``, ``LEVL_CODE``,
    ``CNTR_CODE``, ``NAME_LATN``), any levels and countries; EU-27 level-2 rows are kept.
    ``indicator_panel``: Eurostat NUTS2 panel (NUTS 2016). ``recode_2016_to_2021``: the
    checked recode table. ``typologies`` and ``nuts3_population``: see :func:`nuts3_typologies`.
    Every region is returned; a covariate that cannot be filled is empty and explained in
    ``missing_covariates``.
    """
    eu_nuts_countries = set(ISO2_TO_NUTS_COUNTRY.values())
    regions = nuts2_2021_regions[
        (nuts2_2021_regions["LEVL_CODE"] == 2) & nuts2_2021_regions["CNTR_CODE"].isin(eu_nuts_countries)
    ]
    indicators = nuts2_indicators_for_year(indicator_panel, year)
    recoded = recode_regions(
        indicators.rename(columns={"nuts2_2016": "code_2016"}),
        recode_2016_to_2021,
        code_from="code_2016",
        code_to="code_2021",
        totals=["region_gdp_meur", "region_population"],
        rates=["unemployment_rate_pct"],
    ).rename(columns={"code_2021": "nuts2_2021"})
    # Per-head GDP from the recoded totals: a split copies the parent's value, a merge pools.
    recoded["gdp_per_head_eur"] = recoded["region_gdp_meur"] * 1e6 / recoded["region_population"]
    typology_table = nuts2_typologies(nuts3_typologies(typologies, nuts3_population))

    table = pd.DataFrame(
        {
            "nuts2_2021": regions["NUTS_ID"].astype(str).to_numpy(),
            "region_name": regions["NAME_LATN"].astype(str).to_numpy(),
            "country_iso2": regions["CNTR_CODE"].map(NUTS_COUNTRY_TO_ISO2).to_numpy(),
        }
    )
    table = table.merge(recoded, on="nuts2_2021", how="left").merge(typology_table, on="nuts2_2021", how="left")
    table["covariate_year"] = year
    table["log_gdp_per_head"] = np.log(table["gdp_per_head_eur"])
    table = pd.concat([table, eu_cohort(table["country_iso2"])], axis=1)
    table["values_from_parent_region"] = table["values_from_parent_region"].fillna(False).astype(bool)
    table["recoded_from"] = table["recoded_from"].fillna("")
    table["missing_covariates"] = _missing_reasons(table, year)
    return table[list(REGION_COVARIATES_SCHEMA.columns)].sort_values("nuts2_2021", ignore_index=True)


def _missing_reasons(table: pd.DataFrame, year: int) -> pd.Series:
    """'variable: reason; ...' for each empty covariate of each region ('' when complete)."""
    panel_reason = {
        "gdp_per_head_eur": f"GDP or population not published for {year} in the Eurostat NUTS2 panel",
        "unemployment_rate_pct": f"unemployment rate not published for {year} in the Eurostat NUTS2 panel",
        "region_population": f"population not published for {year} in the Eurostat NUTS2 panel",
    }
    typology_reason = {
        "urban_rural_type": "no Eurostat NUTS3 urban-rural typology for the region",
        "metropolitan_type": "no Eurostat NUTS3 metropolitan typology for the region",
        "coastal_region": "no Eurostat NUTS3 coastal typology for the region",
    }
    reasons = []
    for _, row in table.iterrows():
        parts = []
        for column, reason in (panel_reason | typology_reason).items():
            if pd.isna(row[column]):
                if column in panel_reason and row["recoded_from"] == "":
                    reason = "no NUTS 2016 region of the Eurostat NUTS2 panel maps to this code"
                parts.append(f"{column}: {reason}")
        reasons.append("; ".join(parts))
    return pd.Series(reasons, index=table.index, dtype=str)


def covariate_gaps(region_table: pd.DataFrame, key: str = "nuts2_2021") -> pd.DataFrame:
    """One row per (region, missing covariate) with its ``reason``, from ``missing_covariates``."""
    rows = [
        {key: row[key], "variable": part.split(": ", 1)[0], "reason": part.split(": ", 1)[1]}
        for _, row in region_table.iterrows()
        if row["missing_covariates"]
        for part in row["missing_covariates"].split("; ")
    ]
    return pd.DataFrame(rows, columns=[key, "variable", "reason"])


def regions_to_nuts2024(region_table: pd.DataFrame, recode_2021_to_2024: pd.DataFrame) -> pd.DataFrame:
    """The region covariates keyed by NUTS 2024 (``nuts2_2024``) instead of 2021.

    Totals and GDP follow the population shares, rates are population-weighted, and
    categorical typologies come from the 2021 region that contributes most people.
    """
    values = region_table.assign(
        region_gdp_meur=region_table["gdp_per_head_eur"] * region_table["region_population"] / 1e6
    )
    recoded = recode_regions(
        values.rename(columns={"nuts2_2021": "code_2021"}),
        recode_2021_to_2024,
        code_from="code_2021",
        code_to="code_2024",
        totals=["region_gdp_meur", "region_population"],
        rates=["unemployment_rate_pct", "metropolitan_population_share"],
        categories=["country_iso2", "covariate_year", "metropolitan_type", "urban_rural_type", "coastal_region"],
    )
    recoded["gdp_per_head_eur"] = recoded["region_gdp_meur"] * 1e6 / recoded["region_population"]
    recoded["log_gdp_per_head"] = np.log(recoded["gdp_per_head_eur"])
    parent_flag = region_table.set_index("nuts2_2021")["values_from_parent_region"]
    inherited = (
        recoded["recoded_from"].str.split("|").map(lambda codes: bool(parent_flag.reindex(codes).fillna(False).any()))
    )
    recoded["values_from_parent_region"] = recoded["values_from_parent_region"] | inherited
    recoded = pd.concat([recoded, eu_cohort(recoded["country_iso2"])], axis=1)
    columns = ["nuts2_2024", *_region_columns(), "recode_relation", "recoded_from"]
    return recoded.rename(columns={"code_2024": "nuts2_2024"})[columns]


# --------------------------------------------------------------------------- one-call builder

# Raw sources behind each table, for write_table(..., sources=...).
REGION_COVARIATE_SOURCES: list[str] = [
    "eurostat_nuts2_indicators_ballatore",
    "eurostat_nuts3_eutwinnings",
    "nuts_gisco_2021_60m",
]


def build_region_covariates(year: int = DEFAULT_COVARIATE_YEAR) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Region covariates keyed by NUTS 2021 and by NUTS 2024, from the raw sources."""
    regions_2021 = region_covariates(
        load_nuts2021_codes(),
        load_indicator_panel(),
        load_recode_2016_to_2021(),
        load_nuts3_typology_table(),
        load_nuts3_population(),
        year=year,
    )
    return regions_2021, regions_to_nuts2024(regions_2021, load_recode_2021_to_2024())


# --------------------------------------------------------------------------- file IO (thin)


def reference_path(file_name: str) -> Path:
    """Path of a committed reference table in ``analysis/reference``."""
    return paths.REFERENCE / file_name


def load_recode_table(file_name: str, code_from: str, code_to: str) -> pd.DataFrame:
    """Read and check a committed NUTS recode CSV (see :func:`check_recode_table`)."""
    path = reference_path(file_name)
    note_read(path)
    return check_recode_table(
        pd.read_csv(path, dtype={"relation": str, "source": str, "note": str}), code_from, code_to, source=str(path)
    )


def load_recode_2016_to_2021() -> pd.DataFrame:
    """The NUTS2 2016 -> 2021 recode table."""
    return load_recode_table(NUTS_2016_TO_2021_FILE, "code_2016", "code_2021")


def load_recode_2021_to_2024() -> pd.DataFrame:
    """The NUTS2 2021 -> 2024 recode table."""
    return load_recode_table(NUTS_2021_TO_2024_FILE, "code_2021", "code_2024")


def load_indicator_panel() -> pd.DataFrame:
    """The Eurostat NUTS2 indicator panel 2007-2018 (NUTS 2016 codes)."""
    return pd.read_csv(raw_path("eurostat_nuts2_indicators_ballatore", "eurostat_nuts2_indicators_2007_2018.csv"))


def load_nuts3_typology_table() -> pd.DataFrame:
    """Eurostat's NUTS 2021 typologies (all levels; N/A kept as text)."""
    return pd.read_csv(raw_path("eurostat_nuts3_eutwinnings", "NUTS2021-extra.csv"), dtype=str, keep_default_na=False)


def load_nuts3_population() -> pd.DataFrame:
    """``geo`` and ``population2019_nuts3`` from the eutwinnings indicator table (NUTS 2016 codes)."""
    table = pd.read_csv(raw_path("eurostat_nuts3_eutwinnings", "eurostat_indicators_by_geo.csv"), dtype={"geo": str})
    return table[["geo", "population2019_nuts3"]]


def load_nuts2021_codes() -> pd.DataFrame:
    """The GISCO NUTS 2021 code list (all levels)."""
    return pd.read_csv(
        raw_path("nuts_gisco_2021_60m", "nuts2021_codes_names.csv"), dtype={"NUTS_ID": str, "CNTR_CODE": str}
    )


def load_eu_accession_years() -> dict[str, int]:
    """ISO2 -> year the country joined the EU, from ``reference/eu_accession_years.csv``."""
    path = reference_path(EU_ACCESSION_YEARS_FILE)
    note_read(path)
    table = pd.read_csv(path, dtype={"country_iso2": str}, keep_default_na=False)
    missing = sorted(set(EU27_ISO2) - set(table["country_iso2"]))
    if missing or table["country_iso2"].duplicated().any():
        raise CovariateError(f"{path}, column country_iso2: expected each EU-27 code once; missing {missing}")
    return dict(zip(table["country_iso2"], table["accession_year"].astype(int)))
