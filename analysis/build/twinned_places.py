"""EU places that the twinning lists name, with their country: a gazetteer of the towns that act abroad.

The LAU list has no file for France and lists Portugal by parish, and GeoNames keeps few small towns, so many EU
towns that sign partnerships (French communes, Portuguese municipalities) are in neither. The acquired twinning
lists name them with their country: the Wikidata 2017 origins (rogorido, with population), the English Wikipedia
lists (Hekman, both sides of a pair) and the Wikidata 2022 cities (Ursino, with population). Only the place names
are read here, never the pairs.
"""

from __future__ import annotations

import pandas as pd

from analysis.acquire import sources
from analysis.core.countries import EU27_ISO2, countries_to_iso2

TWIN_COLUMNS = ["lau_name", "country_iso2", "population"]
# the acquired sources whose EU place names are read (the detector's cache digests them: detect_pipeline)
TWIN_SOURCES = ("sistercities_wikidata2017_rogorido", "twincities_wikipedia_hekman", "sistercities_wikidata2022_ursino")


def _named(names: pd.Series, countries: pd.Series, population: pd.Series | None = None) -> pd.DataFrame:
    """Rows of names with their ISO2 country (EU countries only) and population (NaN when not given)."""
    frame = pd.DataFrame(
        {
            "lau_name": names.fillna("").astype(str).str.strip().to_numpy(),
            "country_iso2": countries_to_iso2(countries.fillna("").astype(str)).to_numpy(),
            "population": pd.to_numeric(population, errors="coerce").to_numpy()
            if population is not None
            else float("nan"),
        }
    )
    return frame[frame["country_iso2"].isin(EU27_ISO2) & (frame["lau_name"] != "")]


def load_twinned_eu_places() -> pd.DataFrame:
    """``lau_name``, ``country_iso2``, ``population`` (the largest figure a list gives; NaN when none does) of every
    EU place the acquired twinning lists name, one row per name and country. A list not acquired is skipped with a
    logged warning."""
    without = "the detector does not know the EU towns this twinning list names"
    frames = []
    if path := sources.optional_raw_path(
        TWIN_SOURCES[0], "sistercities_eu28_origins_wikidata2017.tsv", without=without
    ):
        origins = pd.read_csv(path, sep="\t", dtype=str)
        frames.append(_named(origins["origincityLabel"], origins["origincountry"], origins["originpopulation"]))
    if path := sources.optional_raw_path(TWIN_SOURCES[1], "twin_cities_raw.csv", without=without):
        pairs = pd.read_csv(path, dtype=str)
        frames.append(_named(pairs["city1"], pairs["country1"]))
        frames.append(_named(pairs["city2"], pairs["country2"]))
    if path := sources.optional_raw_path(TWIN_SOURCES[2], "nodes.csv", without=without):
        nodes = pd.read_csv(path, dtype=str)
        frames.append(_named(nodes["label"], nodes["country"], nodes["population"]))
    if not frames:
        return pd.DataFrame(columns=TWIN_COLUMNS)
    places = pd.concat(frames, ignore_index=True)
    return places.groupby(["lau_name", "country_iso2"], as_index=False)["population"].max()
