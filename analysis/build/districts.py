"""The district rule: which GeoNames places are districts of a larger city.

GeoNames lists populated *places*; some of them are districts of a larger city (Vienna's
Bezirke, Paris arrondissements, Bucharest sectors). :func:`find_districts` finds them so
that the study frame (:mod:`analysis.build.frame`) sets them aside and each municipality
counts once. The rule's declarations (city radii, named districts, sub-city words) are
CSV files in ``analysis/reference``, read by :func:`load_district_rule`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from analysis.core.geo import pairwise_km
from analysis.core.names import fold_text, split_alternate_names
from analysis.core.reference import read_reference_table

DISTRICT_WORDS_FILE = "district_words.csv"
DISTRICTED_CITIES_FILE = "districted_cities.csv"
KNOWN_DISTRICTS_FILE = "known_districts.csv"


@dataclass(frozen=True)
class DistrictRule:
    """Parameters of the district rule (see :func:`find_districts`); :func:`load_district_rule` reads the declared ones.

    ``named_radius_km``: how far from the larger city a place with name evidence may lie
    (Hamburg-Bergedorf lies 17 km from Hamburg's point; Rīgas Jūrmala, a separate city,
    21 km from Riga's).
    ``city_radius_km``: (ISO2, GeoNames name) -> radius in km of a city whose districts
    GeoNames lists as separate places (``reference/districted_cities.csv``).
    ``known_districts``: (ISO2, place name) -> city name (``reference/known_districts.csv``).
    ``district_words``: words that name a sub-city unit, normalised (``reference/district_words.csv``).
    """

    named_radius_km: float = 18.0
    city_radius_km: Mapping[tuple[str, str], float] = field(default_factory=dict)
    known_districts: Mapping[tuple[str, str], str] = field(default_factory=dict)
    district_words: frozenset[str] = frozenset()


def load_district_rule(named_radius_km: float = 18.0) -> DistrictRule:
    """The district rule with the declarations in ``analysis/reference``.

    Cities whose districts GeoNames lists as separate places, many without any name
    evidence (Favoriten, Gare, Mokotów), get a radius (``districted_cities.csv``) that
    reaches their farthest listed district and stops short of the nearest independent
    municipality. Districts that neither name nor distance separates from real neighbours
    (Ostia lies as far from Rome's point as Guidonia Montecelio, a separate comune) are
    named one by one (``known_districts.csv``).
    """
    radii = read_reference_table(DISTRICTED_CITIES_FILE, ["country_iso2", "city", "radius_km"])
    known = read_reference_table(KNOWN_DISTRICTS_FILE, ["country_iso2", "place", "city"])
    words = read_reference_table(DISTRICT_WORDS_FILE, ["word"])
    return DistrictRule(
        named_radius_km=named_radius_km,
        city_radius_km={
            (country, city): float(radius)
            for country, city, radius in zip(radii["country_iso2"], radii["city"], radii["radius_km"])
        },
        known_districts={
            (country, place): city for country, place, city in zip(known["country_iso2"], known["place"], known["city"])
        },
        district_words=frozenset(words["word"]),
    )


def find_districts(cities: pd.DataFrame, rule: DistrictRule | None = None) -> pd.Series:
    """For each place, the ``city_id`` of the city it is a district of, or <NA>.

    ``cities`` needs ``city_id``, ``name``, ``alternate_names``, ``country_iso2``,
    ``population``, ``latitude``, ``longitude``, and may have ``nuts3_2024``.

    GeoNames has no feature codes here, so a place D is taken to be a district of a more
    populous place P of the same country when one of these holds (P is the most populous
    place that qualifies; a district is never a parent):

    1. *Own name*: D's name reads "<a name of P> <more words>" ("Paris 15 Vaugirard",
       "Budapest XI. kerület", "Hamburg-Nord", "Brno střed") or contains a sub-city word
       of ``rule.district_words`` ("Sector 3", "Circoiscrizione II"), and D lies within
       ``rule.named_radius_km`` of P.
    2. *Alternate name*: the same holds for one of D's alternate names ("Hamburg-Wandsbek",
       "Distrito Carabanchel", "Warszawa-Śródmieście") and, when NUTS3 codes are known, D
       and P lie in the same NUTS3 region. The region check keeps Offenbach (alternate name
       "Frankfurt-Offenbach", its own NUTS3 region) apart from Frankfurt am Main.
       "<P> (<D>)" forms such as "Bruxelles (Uccle)" are postal labels, not evidence.
    3. *City radius*: P has a radius in ``rule.city_radius_km`` and D lies within it.
    4. *Named district*: (country, D) is in ``rule.known_districts``.

    ``rule`` defaults to :func:`load_district_rule` (the declarations in ``analysis/reference``).

    Real municipalities next to big cities meet none of these: Boulogne-Billancourt,
    L'Hospitalet de Llobregat, Offenbach, Frederiksberg (an enclave of Copenhagen), the
    Brussels communes and the Athens municipalities stay in the frame.
    """
    rule = rule or load_district_rule()
    parent_ids = pd.Series(pd.NA, index=cities.index, dtype="string")
    for _, country_cities in cities.groupby("country_iso2", sort=False):
        parent_ids.update(_country_districts(country_cities, rule))
    # A district's parent is a city, never another district (Paris, not "Paris 13").
    parent_of = parent_ids.set_axis(cities["city_id"].to_numpy())
    resolved = parent_ids.map(
        lambda parent: parent_of.get(parent) if not pd.isna(parent) and not pd.isna(parent_of.get(parent)) else parent
    )
    return resolved.astype("string")


def _country_districts(cities: pd.DataFrame, rule: DistrictRule) -> pd.Series:
    """:func:`find_districts` for the places of one country."""
    ordered = cities.sort_values("population", ascending=False, kind="stable")
    distance_km = pairwise_km(ordered["latitude"].to_numpy(), ordered["longitude"].to_numpy())
    own_names = [_name_forms([name]) for name in ordered["name"]]
    alternate_names = [_name_forms(split_alternate_names(alternates)) for alternates in ordered["alternate_names"]]
    all_names = [own | alternates for own, alternates in zip(own_names, alternate_names)]
    nuts3 = ordered["nuts3_2024"].to_numpy() if "nuts3_2024" in ordered else np.full(len(ordered), None)
    names = ordered["name"].to_numpy()
    country = ordered["country_iso2"].iloc[0]
    radius = [rule.city_radius_km.get((country, name), 0.0) for name in names]
    populations = ordered["population"].to_numpy()
    city_ids = ordered["city_id"].to_numpy()

    parents = pd.Series(pd.NA, index=ordered.index, dtype="string")
    for d in range(len(ordered)):
        known_parent = rule.known_districts.get((country, names[d]))
        for p in range(d):  # more populous places come first
            if populations[p] <= populations[d]:
                continue
            near = distance_km[d, p] <= rule.named_radius_km
            same_region = pd.isna(nuts3[d]) or pd.isna(nuts3[p]) or nuts3[d] == nuts3[p]
            evidence = (
                (near and _names_a_district(own_names[d], all_names[p], rule.district_words))
                or (near and same_region and _names_a_district(alternate_names[d], all_names[p], rule.district_words))
                or distance_km[d, p] <= radius[p]
                or known_parent == names[p]
            )
            if evidence:
                parents.iloc[d] = city_ids[p]
                break
    return parents


def _name_forms(names: list[str]) -> set[str]:
    """Folded forms of names (:func:`~analysis.core.names.fold_text`) with their punctuation kept ("hamburg-nord")."""
    return {" ".join(fold_text(name).split()) for name in names if str(name).strip()}


def _names_a_district(district_names: set[str], city_names: set[str], district_words: frozenset[str]) -> bool:
    """Does a name read "<a name of the city> <more words>" or contain one of ``district_words``?"""
    for district in district_names:
        if any(word in district_words for word in re.split(r"[^0-9a-z]+", district)):
            return True
        for city in city_names:
            # "hamburg-nord", "paris 15", "budapest xi."; not "bruxelles (uccle)", "neu-ulm"
            if len(city) >= 4 and _city_then_more_words(city).match(district):
                return True
    return False


@cache
def _city_then_more_words(city: str) -> re.Pattern[str]:
    """Pattern of "<city> <more words>" (compiled once per name: re's own cache is too small here)."""
    return re.compile(re.escape(city) + r"[\s\-–]+[0-9a-z]")
