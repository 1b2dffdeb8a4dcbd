"""The places the detector looks for, from the frame and the partner gazetteer.

One :class:`Place` per place, with every name it may be written under:

- ``partner``: US places and counties, Chinese prefectures, county-level cities and districts (the
  partner side); ``admin1``: US states and Chinese provinces (partners of regions, and the admin-1
  hints and country context of a partner name next to them);
- ``eu``: frame units (cities with their local and foreign names, NUTS2 regions with their Latin and
  national names) and other EU places of the gazetteer (no unit id): the EU side of a statement;
- ``other``: large places of other countries, kept only to tell namesakes apart (Birmingham, Santiago).

``strong`` partners can be named without a US/China context word; the others (small places, very
short names, names that are ordinary words) need one (thresholds in ``web_detect_rules.csv``).
"""

from __future__ import annotations

import re
from typing import NamedTuple

import pandas as pd

from analysis.collect.web.lexicon import Lexicon, fold_for_matching
from analysis.core.countries import EU27_ISO2
from analysis.core.names import split_alternate_names

PARTNER_COUNTRIES: tuple[str, ...] = ("US", "CN")
# Latin, Greek and Cyrillic names only: transliterations from other scripts are mostly noise here.
_USABLE_SCRIPT = re.compile(r"^[\u0000-\u024F\u0370-\u03FF\u0400-\u04FF\u1E00-\u1EFF\u1F00-\u1FFF\u2018-\u201F]+$")


class Place(NamedTuple):
    """One place the detector can find (see the module docstring for ``role``)."""

    name: str
    country_iso2: str
    role: str
    unit_id: str | None
    level: str
    population: float
    strong: bool
    admin1: str | None


def detector_units(cities: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """The frame's units (:func:`analysis.build.outcomes.frame_units`) with their other names in ``alternate_names``.

    Cities bring their GeoNames alternate names (local and foreign forms: "Wien", "Vienne", "Wiedeń");
    regions their national-language name.
    """
    from analysis.build.outcomes import frame_units

    units = frame_units(cities, regions)
    city_alternates = dict(zip(cities["city_id"].astype(str), cities["alternate_names"].fillna("").astype(str)))
    ascii_names = dict(zip(cities["city_id"].astype(str), cities["ascii_name"].fillna("").astype(str)))
    latest = regions[regions["nuts_version"] == regions["nuts_version"].max()]
    national = dict(zip(latest["nuts2_code"].astype(str), latest["name_national"].fillna("").astype(str)))
    alternates = [
        "|".join(filter(None, [ascii_names.get(unit, ""), city_alternates.get(unit, ""), national.get(unit, "")]))
        for unit in units["unit_id"]
    ]
    return units.assign(alternate_names=alternates)


def usable_names(primary: str, alternates: object, min_length: int) -> list[str]:
    """``primary`` and the alternate names worth looking for (script, length, capital letter; no "X, State" forms)."""
    names = [primary]
    for name in split_alternate_names(alternates):
        name = name.strip()
        if "," in name or not _USABLE_SCRIPT.match(name) or not name[:1].isupper():
            continue
        if len(name.replace(" ", "")) < min_length:
            continue
        names.append(name)
    return list(dict.fromkeys(names))


def partner_places(gazetteer: pd.DataFrame, lexicon: Lexicon) -> list[tuple[Place, list[str]]]:
    """US and Chinese places of the gazetteer with their names (see the module docstring)."""
    rules = lexicon.rules
    rows = gazetteer[gazetteer["country_iso2"].isin(PARTNER_COUNTRIES)]
    out = []
    for row in rows.itertuples(index=False):
        population = float(row.population) if pd.notna(row.population) else 0.0
        level = str(row.level)
        if row.country_iso2 == "CN" and level in ("city", "district") and 0 < population < rules["cn_min_population"]:
            continue
        role = "admin1" if level in ("state", "province", "territory") else "partner"
        if row.country_iso2 == "US":
            strong = role == "admin1" or population >= rules["us_strong_population"]
        else:
            strong = role == "admin1" or level == "prefecture" or population >= rules["cn_strong_population"]
        admin1 = str(row.admin1_name) if pd.notna(row.admin1_name) else None
        place = Place(str(row.name), row.country_iso2, role, str(row.partner_id), level, population, strong, admin1)
        out.append((place, usable_names(str(row.name), row.alternate_names, int(rules["min_alternate_length"]))))
    return out


def eu_places(units: pd.DataFrame, gazetteer: pd.DataFrame, lexicon: Lexicon) -> list[tuple[Place, list[str]]]:
    """Frame units (with ``alternate_names`` when given) and the gazetteer's other EU places."""
    min_length = int(lexicon.rules["min_alternate_length"])
    alternates = units["alternate_names"] if "alternate_names" in units else pd.Series("", index=units.index)
    out = []
    frame_keys = set()
    for row, alternate in zip(units.itertuples(index=False), alternates, strict=True):
        population = float(row.population) if pd.notna(row.population) else 0.0
        place = Place(
            str(row.name), str(row.country_iso2), "eu", str(row.unit_id), str(row.unit_type), population, True, None
        )
        names = usable_names(str(row.name), alternate, min_length)
        frame_keys.update((fold_for_matching(name), place.country_iso2) for name in names)
        out.append((place, names))
    rows = gazetteer[gazetteer["country_iso2"].isin(EU27_ISO2)]
    for row in rows.itertuples(index=False):
        if (fold_for_matching(str(row.name)), row.country_iso2) in frame_keys:
            continue
        population = float(row.population) if pd.notna(row.population) else 0.0
        place = Place(str(row.name), row.country_iso2, "eu", None, "city", population, True, None)
        out.append((place, [str(row.name)]))
    return out


def other_places(gazetteer: pd.DataFrame, lexicon: Lexicon) -> list[tuple[Place, list[str]]]:
    """Large places of countries other than the US, China and the EU (namesakes of partner names)."""
    threshold = lexicon.rules["other_namesake_population"]
    rows = gazetteer[
        ~gazetteer["country_iso2"].isin([*PARTNER_COUNTRIES, *EU27_ISO2])
        & (pd.to_numeric(gazetteer["population"], errors="coerce") >= threshold)
    ]
    return [
        (
            Place(str(row.name), row.country_iso2, "other", None, str(row.level), float(row.population), True, None),
            [str(row.name)],
        )
        for row in rows.itertuples(index=False)
    ]
