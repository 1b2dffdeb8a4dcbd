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
from functools import cache, lru_cache
from typing import NamedTuple

import pandas as pd

from analysis.collect.web.lexicon import Lexicon, fold_for_matching, name_key
from analysis.collect.web.matcher import fold_short
from analysis.core.countries import EU27_ISO2, EU_OFFICIAL_LANGUAGES
from analysis.core.names import split_alternate_names

PARTNER_COUNTRIES: tuple[str, ...] = ("US", "CN")
# Latin, Greek and Cyrillic names only: transliterations from other scripts are mostly noise here.
_USABLE_SCRIPT = re.compile(r"^[\u0000-\u024F\u0370-\u03FF\u0400-\u04FF\u1E00-\u1EFF\u1F00-\u1FFF\u2018-\u201F]+$")


DISTRICT_PREFIX, PREFECTURE_PREFIX = "cn-dist-", "cn-pref-"  # gazetteer ids: cpca adcodes (analysis.build.gazetteers)


def district_city_id(partner_id: str | None) -> str | None:
    """The id of the prefecture-level city a Chinese district or county-level id belongs to by its adcode
    (``cn-dist-330110`` -> ``cn-pref-3301``: the first four digits), None for any other id."""
    if not partner_id or not partner_id.startswith(DISTRICT_PREFIX):
        return None
    return PREFECTURE_PREFIX + partner_id[len(DISTRICT_PREFIX) :][:4]


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
    regions their national-language name and, when the region is one NUTS3 region, that region's name
    (:func:`analysis.collect.web.eu_regions.single_nuts3_names`: "Moravskoslezský kraj"), those names also without
    their generic words ("Região Autónoma dos Açores" -> "Açores") and with their region words, and their exonyms
    ("Tuscany", "Lower Austria": :func:`region_forms`).
    """
    from analysis.build.outcomes import frame_units
    from analysis.collect.web.eu_regions import region_exonyms, single_nuts3_names

    units = frame_units(cities, regions)
    city_alternates = dict(zip(cities["city_id"].astype(str), cities["alternate_names"].fillna("").astype(str)))
    ascii_names = dict(zip(cities["city_id"].astype(str), cities["ascii_name"].fillna("").astype(str)))
    latest = regions[regions["nuts_version"] == regions["nuts_version"].max()]
    national = dict(zip(latest["nuts2_code"].astype(str), latest["name_national"].fillna("").astype(str)))
    nuts3, exonyms = single_nuts3_names(), region_exonyms()
    alternates = [
        "|".join(filter(None, [ascii_names.get(unit, ""), city_alternates.get(unit, ""), national.get(unit, "")]))
        for unit in units["unit_id"]
    ]
    short = [
        "|".join(region_forms([str(name), *alternate.split("|"), nuts3.get(unit, "")], str(country), exonyms.get(unit)))
        if kind == "region"
        else ""
        for unit, name, alternate, kind, country in zip(
            units["unit_id"], units["name"], alternates, units["unit_type"], units["country_iso2"], strict=True
        )
    ]
    alternates = ["|".join(filter(None, pair)) for pair in zip(alternates, short, strict=True)]
    return units.assign(alternate_names=alternates)


def region_forms(names: list[str], country_iso2: str, exonyms: list[str] | None = None) -> list[str]:
    """A frame region's other forms: each part of its names (:func:`analysis.collect.web.eu_regions.region_name_parts`:
    "Prov. Limburg (BE)" -> "Prov. Limburg"; "Bolzano/Bozen" -> "Bolzano", "Bozen"), without generic words ("Açores",
    "Limburg": :func:`analysis.collect.web.eu_forms.region_short_forms`) and with the region words of its country
    (:func:`analysis.collect.web.eu_forms.typed_region_forms`: "województwo lubelskie"), then its ``exonyms``."""
    from analysis.collect.web.eu_forms import region_short_forms, typed_region_forms
    from analysis.collect.web.eu_regions import region_name_parts

    parts = [part for name in names if name for part in region_name_parts(name)]
    short = region_short_forms(parts)
    typed = [form for name in [*parts, *short] for form in typed_region_forms(name, country_iso2)]
    return list(dict.fromkeys([*parts, *short, *typed, *(exonyms or [])]))


def with_alternate_names(units: pd.DataFrame) -> pd.DataFrame:
    """``units`` with ``alternate_names`` (:func:`detector_units`) when it has none and the processed ``cities`` and
    ``regions`` tables exist: callers that pass the plain frame (``frame_units``) still find "Göteborg",
    "Wien", "Jihomoravský kraj". Units not in those tables (test frames) get no alternate names."""
    if "alternate_names" in units:
        return units
    from analysis.core import tables

    try:
        cities, regions = tables.read_table("cities"), tables.read_table("regions")
    except FileNotFoundError:
        return units
    known = detector_units(cities, regions).set_index("unit_id")["alternate_names"]
    alternates = units["unit_id"].astype(str).map(known).fillna("")
    return units.assign(alternate_names=alternates.to_numpy())


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


EXONYMS_FILE = "web_partner_exonyms.csv"


def partner_exonyms(gazetteer: pd.DataFrame) -> dict[str, list[str]]:
    """``{partner_id: [exonym, ...]}`` from ``web_partner_exonyms.csv`` (national exonyms the gazetteer lacks:
    Kanton, Szandong, San Agustín); each row names its place by name, country and level (the most populous
    such place of the gazetteer)."""
    from analysis.core.reference import read_reference_table

    table = read_reference_table(EXONYMS_FILE, ["exonym", "language", "partner_name", "country_iso2", "level", "note"])
    by_key = gazetteer.assign(_pop=pd.to_numeric(gazetteer["population"], errors="coerce").fillna(0)).sort_values(
        "_pop", ascending=False
    )
    first = by_key.drop_duplicates(["name", "country_iso2", "level"]).set_index(["name", "country_iso2", "level"])[
        "partner_id"
    ]
    out: dict[str, list[str]] = {}
    for row in table.itertuples(index=False):
        partner_id = first.get((row.partner_name, row.country_iso2, row.level))
        if partner_id is not None:
            out.setdefault(str(partner_id), []).append(row.exonym)
    return out


ABBREVIATIONS_FILE = "web_name_abbreviations.csv"
COUNTY_FORMS_FILE = "web_county_forms.csv"


def abbreviated_forms(name: str) -> list[str]:
    """A US place name with its first word in its other written forms (``web_name_abbreviations.csv``):
    "St. Augustine" -> "Saint Augustine", "St Augustine"; "Fort Worth" -> "Ft. Worth", "Ft Worth"."""
    first, _, rest = name.partition(" ")
    if not rest:
        return []
    group = _abbreviation_groups().get(first)
    return [f"{form} {rest}" for form in group if form != first] if group else []


@lru_cache(maxsize=1)
def _abbreviation_groups() -> dict[str, tuple[str, ...]]:
    """Each written form of a word (``Saint``, ``St.``, ``St``) -> all its forms."""
    from analysis.core.reference import read_reference_table

    groups = {}
    for row in read_reference_table(ABBREVIATIONS_FILE, ["word", "forms"]).itertuples(index=False):
        forms = (row.word, *row.forms.split("|"))
        groups.update(dict.fromkeys(forms, forms))
    return groups


def county_forms(name: str, level: str) -> list[str]:
    """A US county's name in the other languages' county phrases (``web_county_forms.csv``): "Kauai County" ->
    "condado de Kauai", "hrabstwa Kauai", "Kauai megye" ... (the gazetteer writes counties only as "X County").
    Only for counties of ``us_strong_population`` or more (:func:`partner_places`): a smaller one needs a US context
    anyway, and the phrases of all ~3,100 counties would add a third to the matcher's names."""
    if level != "county" or not name.endswith(" County"):
        return []
    core = name[: -len(" County")]
    return [form.replace("{name}", core) for form in _county_patterns()]


@lru_cache(maxsize=1)
def _county_patterns() -> tuple[str, ...]:
    """The county phrases of every language, with ``{name}`` where the county's name stands."""
    from analysis.core.reference import read_reference_table

    table = read_reference_table(COUNTY_FORMS_FILE, ["language", "forms"])
    forms = (form.strip() for row in table.itertuples(index=False) for form in row.forms.split("|"))
    return tuple(dict.fromkeys(form for form in forms if "{name}" in form))


def romanised_forms(name: str, lexicon: Lexicon, taken: frozenset[str]) -> list[str]:
    """A Chinese pinyin name in the national transcription systems (:func:`analysis.collect.web.romanise.national_forms`:
    "Anhui" -> "An-chuej", "Guangxi" -> "Kuangsi", "Dalian" -> "Далиен"), without forms shorter than
    ``cn_romanised_min_length`` letters and forms whose folded key is ``taken`` (the name of another place, a
    lexicon term): a transcription must not create a namesake."""
    from analysis.collect.web.romanise import national_forms

    rules = lexicon.rules
    out = []
    for form in national_forms(name, int(rules["cn_romanised_max_forms"])):
        key = _key(form)
        if len(key.replace(" ", "").replace("'", "")) >= rules["cn_romanised_min_length"] and key not in taken:
            out.append(form)
    return out


_HAN = re.compile(r"^[\u4e00-\u9fff]+$")


def han_readings(alternates: object, name: str, max_forms: int, taken: frozenset[str]) -> list[str]:
    """Other pinyin readings of a Chinese place's name from its Chinese characters (the shortest all-Han alternate
    name): the gazetteer spells a unit that GeoNames does not name by the common reading of each character,
    and some characters are read otherwise in place names (:func:`analysis.build.china_units.place_name_readings`:
    朝阳 is Chaoyang, not Zhaoyang; 花都 Huadu, not Huadou). A reading may be another place's name too (both are
    called Chaoyang: the resolver chooses); readings that are ``taken`` (lexicon terms) are left out; at most
    ``max_forms`` combinations."""
    from analysis.build.china_units import place_name_readings

    han = sorted((a for a in split_alternate_names(alternates) if _HAN.match(a)), key=len)
    if not han:
        return []
    return [
        form
        for form in place_name_readings(han[0], max_forms)
        if form.lower() != name.lower() and _key(form) not in taken and form.isascii() and form.isalpha()
    ]


def taken_name_keys(gazetteer: pd.DataFrame, lexicon: Lexicon) -> frozenset[str]:
    """Folded names of the gazetteer's places and the lexicon's term keys (see :func:`romanised_forms`): a
    transcription of one Chinese name may spell another's pinyin ("Xichuan" in postal romanisation is "Sichuan")."""
    names = gazetteer["name"].astype(str).unique()
    return frozenset(name_key(name) for name in names) | {t.key for t in lexicon.terms}


@lru_cache(maxsize=1)
def country_name_keys() -> frozenset[str]:
    """Folded names of the world's countries (pycountry and the project's country labels, in English and in the EU
    languages: "Nederland", "Polska"): such an alternate name of a US town ("Ireland", "Albania", "Sweden") is not a
    way the town is written in EU text, and such a name in a text is the country unless a state stands next to it.
    The names of a country's part that counts as a partner of that country (Hong Kong, Macao:
    :mod:`analysis.collect.web.country_parts`) are places, not countries."""
    from analysis.collect.web.country_parts import country_parts

    parts = set(country_parts())
    return frozenset(name for name, iso2 in country_names_iso2().items() if iso2 not in parts)


@cache
def _iso3166_catalogue(language: str):
    """pycountry's gettext catalogue of country names in ``language`` (None when it has none)."""
    import gettext

    import pycountry

    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return None


def translated_country_name(name: str, language: str) -> str | None:
    """pycountry's translation of the English country ``name`` into ``language`` ("Italy", "it": "Italia"; None
    when pycountry has no catalogue for the language)."""
    catalogue = _iso3166_catalogue(language)
    return None if catalogue is None else catalogue.gettext(name)


@lru_cache(maxsize=1)
def country_names_iso2() -> dict[str, str | None]:
    """``{folded country name: ISO2}`` for the names of :func:`country_name_keys` (None for a label without a code)."""
    import pycountry

    from analysis.core.countries import country_label_overrides

    names: dict[str, str | None] = {name_key(label): iso2 for label, iso2 in country_label_overrides().items()}
    english: list[tuple[str, str]] = []
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            if getattr(country, attribute, None):
                english.append((getattr(country, attribute), country.alpha_2))
    for name, iso2 in english:
        names.setdefault(name_key(name), iso2)
    for language in EU_OFFICIAL_LANGUAGES:  # pycountry translates the country names into each
        if _iso3166_catalogue(language) is None:
            continue
        for name, iso2 in english:
            names.setdefault(name_key(translated_country_name(name, language)), iso2)
    return names


def partner_places(gazetteer: pd.DataFrame, lexicon: Lexicon) -> list[tuple[Place, list[str]]]:
    """US and Chinese places of the gazetteer with their names (see the module docstring).

    Alternate names that are country names are left out; exonyms of ``web_partner_exonyms.csv`` and the national
    transcriptions of Chinese names (:func:`romanised_forms`), the other readings of their characters
    (:func:`han_readings`) and the other forms of an abbreviated first word of US names (:func:`abbreviated_forms`)
    are added.
    A Chinese county-level city without a population figure (the official lists give none) counts as strong.
    """
    rules = lexicon.rules
    rows = gazetteer[gazetteer["country_iso2"].isin(PARTNER_COUNTRIES)]
    exonyms = partner_exonyms(gazetteer)
    country_names = country_name_keys()
    taken = taken_name_keys(gazetteer, lexicon)
    terms = frozenset(term.key for term in lexicon.terms)
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
            county_city = level == "city" and population == 0
            strong = (
                role == "admin1" or level == "prefecture" or county_city or population >= rules["cn_strong_population"]
            )
        admin1 = str(row.admin1_name) if pd.notna(row.admin1_name) else None
        place = Place(str(row.name), row.country_iso2, role, str(row.partner_id), level, population, strong, admin1)
        names = usable_names(str(row.name), row.alternate_names, int(rules["min_alternate_length"]))
        names = [names[0]] + [n for n in names[1:] if name_key(n) not in country_names]
        if row.country_iso2 == "US":
            names += abbreviated_forms(str(row.name)) + (county_forms(str(row.name), level) if strong else [])
        if row.country_iso2 == "CN" and " " not in str(row.name):
            names += romanised_forms(str(row.name), lexicon, taken)
            if pd.isna(getattr(row, "geonameid", None)):  # named by pinyin of its characters, not by GeoNames
                names += han_readings(row.alternate_names, str(row.name), int(rules["cn_reading_max_forms"]), terms)
        out.append((place, names + exonyms.get(str(row.partner_id), [])))
    return out


def eu_places(units: pd.DataFrame, gazetteer: pd.DataFrame, lexicon: Lexicon) -> list[tuple[Place, list[str]]]:
    """Frame units (with ``alternate_names`` when given) and the gazetteer's other EU places, except those that
    yield to a large partner city of their name (:func:`large_partner_names`: Los Angeles in Spain, Filadelfia in
    Italy are written as Los Angeles and Philadelphia are in Romance texts). A name that begins with an article is
    also found with it contracted (:func:`analysis.collect.web.eu_forms.article_forms`: "du Havre")."""
    from analysis.collect.web.eu_forms import article_forms

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
        out.append((place, names + [form for name in names for form in article_forms(name, place.country_iso2)]))
    rows = gazetteer[gazetteer["country_iso2"].isin(EU27_ISO2)]
    large = large_partner_names(gazetteer, lexicon)
    ratio = lexicon.rules["eu_namesake_yield_ratio"]
    for row in rows.itertuples(index=False):
        if (fold_for_matching(str(row.name)), row.country_iso2) in frame_keys:
            continue
        population = float(row.population) if pd.notna(row.population) else 0.0
        if large.get(name_key(str(row.name)), 0.0) >= ratio * max(population, 1.0):
            continue
        place = Place(str(row.name), row.country_iso2, "eu", None, "city", population, True, None)
        out.append((place, [str(row.name), *article_forms(str(row.name), place.country_iso2)]))
    return out


def large_partner_names(gazetteer: pd.DataFrame, lexicon: Lexicon) -> dict[str, float]:
    """``{folded name: population}`` of the US and Chinese partner places of ``us_strong_population`` or more, under
    their name and alternate names (the largest place of a name)."""
    rows = gazetteer[gazetteer["country_iso2"].isin(PARTNER_COUNTRIES)]
    population = pd.to_numeric(rows["population"], errors="coerce").fillna(0.0)
    rows = rows[population >= lexicon.rules["us_strong_population"]]
    out: dict[str, float] = {}
    min_length = int(lexicon.rules["min_alternate_length"])
    for row, size in zip(rows.itertuples(index=False), population[rows.index], strict=True):
        for name in usable_names(str(row.name), row.alternate_names, min_length):
            key = name_key(name)
            out[key] = max(out.get(key, 0.0), float(size))
    return out


def unframed_places(
    known: list[tuple[Place, list[str]]], lexicon: Lexicon, lau: pd.DataFrame | None | bool = None
) -> list[tuple[Place, list[str]]]:
    """The EU places outside the frame: the LAU municipalities (:func:`lau_places`; none when ``lau`` is False) and
    the counties, provinces and regions of ISO 3166-2 (:func:`analysis.collect.web.eu_regions.subdivision_places`);
    the towns of the twinning lists that the LAU list lacks, when it is read here (:func:`with_twinned`: French communes);
    the municipalities below the LAU floor, by their name with their province or country after a comma
    (:func:`analysis.collect.web.small_towns.qualified_small_towns`: "Panni, Foggia");
    and the frame cities' lower-case Slavic adjectives, from their LAU names
    (:func:`analysis.collect.web.eu_adjectives.frame_adjectives`) with the irregular forms listed for some
    (:func:`analysis.collect.web.eu_adjectives.listed_forms`), the adjectives of the large partner cities
    (:func:`analysis.collect.web.eu_adjectives.partner_adjectives`), and the municipal forms of their names that a
    partner namesake carries (:func:`analysis.collect.web.eu_regions.namesake_forms`: "City of Galway")."""
    from analysis.build import municipal
    from analysis.build.twinned_places import load_twinned_eu_places
    from analysis.collect.web.eu_adjectives import frame_adjectives, listed_forms, partner_adjectives
    from analysis.collect.web.eu_regions import namesake_forms, subdivision_places
    from analysis.collect.web.small_towns import qualified_small_towns

    towns = lau
    if lau is None:
        lau = municipal.load_lau(sorted(EU27_ISO2))
        towns = with_twinned(lau, load_twinned_eu_places())
    found = lau_places(known, lexicon, towns) if lau is not False else []
    found += qualified_small_towns([*known, *found], lexicon, towns) if lau is not False else []
    adjectives = frame_adjectives(known, lau, lexicon) if lau is not False else []
    adjectives += listed_forms(known, lexicon) + partner_adjectives(known, lexicon)
    return found + adjectives + namesake_forms(known) + subdivision_places([*known, *found], lexicon)


def lau_places(
    known: list[tuple[Place, list[str]]], lexicon: Lexicon, lau: pd.DataFrame | None = None
) -> list[tuple[Place, list[str]]]:
    """Length: one pass over the LAU list that reconciles its names with the known places' (three cases).

    EU municipalities of the LAU 2020 list (:func:`analysis.build.municipal.load_lau`) that are neither frame
    units nor gazetteer places, as EU places without a unit id: the EU side of statements about small towns
    (Vara, Mežica, Gödöllő), named in the nominative and written also without status words and in the genitive
    (:func:`analysis.collect.web.eu_forms.lau_forms`: "Anykščiai", "Anykščių"; "Μέγαρα", "Μεγαρέων"), Greek and
    Bulgarian forms also in their Latin transcriptions (:func:`~analysis.collect.web.greek_latin.text_forms`:
    "Megara"; at most ``lau_latin_max_forms``). A LAU whose
    nominative is already a known EU place's name lends that place its other forms ("Χαλανδρίου" for Chalandri).
    Municipalities listed only as their parishes are added with their summed population
    (:func:`analysis.collect.web.eu_forms.parish_groups`: Horta in the Azores). A LAU is named by the form the
    twinning lists use when one of its forms is theirs (``lau.attrs["twinned_keys"]``: :func:`with_twinned`). Only
    municipalities of
    ``eu_lau_min_population`` or more (:func:`lau_large_enough`), names of at least ``min_alternate_length`` letters, and names that no
    ``known`` place (partner, other place; an EU place of the same country) and no lexicon term already carries (a
    short term of one language only in that language's countries: :func:`own_language_terms`).
    A transcribed form of a Chinese name (:func:`romanised_forms`) yields to a municipality of that name
    (Hungarian "Ercsi" is a town, not Erqi): it is taken out of ``known``."""
    from analysis.build import municipal
    from analysis.collect.web.eu_forms import article_forms, lau_forms, lau_parts, parish_groups, without_locator
    from analysis.collect.web.greek_latin import text_forms

    if lau is None:
        lau = municipal.load_lau(sorted(EU27_ISO2))
    listed = lau.attrs.get("twinned_keys", frozenset())
    lau = pd.concat([lau, parish_groups(lau)], ignore_index=True)
    lau = lau[lau_large_enough(lau, lexicon)]
    folded_known = [{_key(name) for name in names} for _, names in known]
    romanised = _romanised_keys(known, folded_known, lexicon)
    taken = set().union(*(keys for (place, _), keys in zip(known, folded_known, strict=True) if place.role != "eu"))
    own = own_language_terms(lexicon)
    taken = (taken - romanised) | {term.key for term in lexicon.terms if term.key not in own}
    eu_known: dict[tuple[str, str], Place] = {}
    for (place, _), keys in zip(known, folded_known, strict=True):
        for key in keys if place.role == "eu" else ():
            eu_known.setdefault((key, place.country_iso2), place)
    words = municipal.load_lau_name_words()
    min_length = int(lexicon.rules["min_alternate_length"])
    out = []
    parted = [
        (row, name)
        for row in lau.itertuples(index=False)
        for name in lau_parts(without_locator(row.lau_name, row.country_iso2), row.country_iso2)
    ]
    for row, lau_name in parted:
        names = []
        written = [f for form in municipal.lau_name_forms(lau_name, words) for f in lau_forms(form, row.country_iso2)]
        written.sort(key=lambda form: "(" in form)  # "Horta (Matriz)" is named Horta, as its municipality
        written += [latin for form in written for latin in text_forms(form, int(lexicon.rules["lau_latin_max_forms"]))]
        for form in dict.fromkeys(written):
            key = _key(form)
            usable = _USABLE_SCRIPT.match(form) and form[:1].isupper() and "," not in form and "." not in form
            fresh = key not in taken and (key, str(row.country_iso2)) not in eu_known
            fresh = fresh and str(row.country_iso2) not in own.get(key, ())
            if usable and len(key.replace(" ", "")) >= min_length and fresh:
                names += [form, *article_forms(form, str(row.country_iso2))]
        names.sort(key=lambda name: (_key(name), str(row.country_iso2)) not in listed)  # "Rokiškio": Rokiškis
        same = _known_same(eu_known, written[0], str(row.country_iso2)) if written else None
        if names and same is not None:  # "Χαλανδρίου" is the frame's Chalandri in the genitive
            out.append((same, names))
        elif names:
            place = Place(
                names[0], str(row.country_iso2), "eu", None, "municipality", float(row.population), True, None
            )
            out.append((place, names))
    _drop_names(known, romanised & {_key(name) for _, names in out for name in names})
    return out


def _known_same(eu_known: dict[tuple[str, str], Place], nominative: str, country_iso2: str) -> Place | None:
    """The known EU place of the country that a LAU's nominative names: by its key, else (a Greek or Cyrillic
    nominative) by one of its Latin transcriptions (:func:`~analysis.collect.web.greek_latin.latin_keys`: the LAU
    "Μυτιλήνη" is the gazetteer's Mytilene, one town, not two places); None when none is known."""
    from analysis.collect.web.greek_latin import latin_keys

    same = eu_known.get((_key(nominative), country_iso2))
    if same is not None:
        return same
    return next(
        (eu_known[(k, country_iso2)] for k in sorted(latin_keys(nominative)) if (k, country_iso2) in eu_known), None
    )


def own_language_terms(lexicon: Lexicon) -> dict[str, frozenset[str]]:
    """``{key: EU countries}`` of the lexicon terms the matcher reads only in text of their language group (scope
    ``own``, shorter than six letters: :mod:`analysis.collect.web.matcher`), with the countries of that group's
    languages: such a word (Latvian "vēlas") is no reason to drop a town's name elsewhere (Velas in the Azores). A key
    that some other term carries in every language is not listed."""
    from analysis.collect.web.eu_forms import language_countries

    everywhere = {term.key for term in lexicon.terms if not (term.own_language and len(term.key) < 6)}
    out: dict[str, frozenset[str]] = {}
    for term in lexicon.terms:
        if term.key in everywhere or not (term.own_language and len(term.key) < 6):
            continue
        group = lexicon.language_groups.get(term.language, frozenset({term.language})) | {term.language}
        countries = frozenset().union(*(language_countries(language) for language in group))
        out[term.key] = out.get(term.key, frozenset()) | countries
    return out


def inflected(place: Place, lexicon: Lexicon) -> bool:
    """Whether the matcher also looks for ``place`` in its inflected forms: not places of other countries, and LAU
    municipalities only from ``eu_lau_inflected_min_population`` inhabitants (the inflected forms of small towns'
    names collide with common words: Croatian "Grada" is not Grado; Polish "Góry" in "Jeleniej Góry" is not Góra)."""
    if place.role == "other":
        return False
    return place.level != "municipality" or place.population >= lexicon.rules["eu_lau_inflected_min_population"]


def own_language_inflected(place: Place, lexicon: Lexicon) -> frozenset[str]:
    """The languages in whose text a LAU town too small for :func:`inflected` (from ``eu_lau_own_inflected_min_population``
    inhabitants) is still found in its inflected forms: the official languages of its own country ("u Zaboku" in
    Croatian text), never another language's (Croatian "Grada" is not the Italian Grado); empty for other places."""
    if place.role != "eu" or place.level != "municipality" or inflected(place, lexicon):
        return frozenset()
    if place.population < lexicon.rules["eu_lau_own_inflected_min_population"]:
        return frozenset()
    from analysis.collect.web.eu_forms import country_languages

    return country_languages(place.country_iso2)


def near_records(places: list[Place], lexicon: Lexicon) -> dict[int, tuple[str, str, str]]:
    """Country, role and near-name key of each partner and state/province record (by index in ``places``): the
    records whose misspelt or lower-case names :mod:`analysis.collect.web.near_names` looks for, and their countries'
    context. The near-name key is the primary name's key of a partner city of at least ``near_name_min_population``
    (a misspelling is read only for a well-known name; exonyms and small places are too close to other words), else "".
    """
    floor = float(lexicon.rules["near_name_min_population"])
    return {
        i: (p.country_iso2, p.role, _key(p.name) if p.role == "partner" and p.population >= floor else "")
        for i, p in enumerate(places)
        if p.role in ("partner", "admin1")
    }


def lau_large_enough(lau: pd.DataFrame, lexicon: Lexicon) -> pd.Series:
    """Which LAU municipalities are EU places: ``eu_lau_min_population`` inhabitants or more, or
    ``eu_lau_linked_min_population`` or more when the name joins capitalised words by a linking word
    (:func:`analysis.collect.web.eu_forms.linked_name`: "Vila Franca do Campo"), which no ordinary word is."""
    from analysis.collect.web.eu_forms import linked_name

    population = pd.to_numeric(lau["population"], errors="coerce").fillna(0)
    linked = lau["lau_name"].fillna("").astype(str).map(linked_name).astype(bool)
    rules = lexicon.rules
    twinned = lau["twinned"].fillna(False).astype(bool) if "twinned" in lau else pd.Series(False, index=lau.index)
    return (
        (population >= rules["eu_lau_min_population"])
        | (linked & (population >= rules["eu_lau_linked_min_population"]))
        | (twinned & ((population >= rules["eu_twinned_min_population"]) | (linked & (population == 0))))
    )


def with_twinned(lau: pd.DataFrame, twinned: pd.DataFrame) -> pd.DataFrame:
    """``lau`` marked ``twinned`` where the twinning lists (:func:`analysis.build.twinned_places.load_twinned_eu_places`)
    name a LAU of that name in its country ("Velas" is the parish "Velas (São Jorge)"), with the listed places whose
    name is no LAU name of their country (French communes; Portuguese municipalities listed by parish) as rows of their
    own: such a place without a population figure has none (0)."""

    def base(names: pd.Series, countries: pd.Series) -> list[tuple[str, str]]:
        bare = [_key(re.sub(r"\s*\(.*?\)", "", str(name).split(",")[0])) for name in names.fillna("")]
        return list(zip(bare, countries.astype(str), strict=True))

    twin_keys = base(twinned["lau_name"], twinned["country_iso2"])
    lau_keys = base(lau["lau_name"], lau["country_iso2"])
    listed, named = set(twin_keys), set(lau_keys)
    fresh = [key not in named and bool(key[0]) for key in twin_keys]
    population = pd.to_numeric(twinned["population"], errors="coerce").fillna(0)
    towns = twinned.assign(population=population, lau_id="", nuts3="", latitude=float("nan"), longitude=float("nan"))
    marked = lau.assign(twinned=[key in listed for key in lau_keys])
    out = pd.concat([marked, towns[fresh].assign(twinned=True)], ignore_index=True)
    out.attrs["twinned_keys"] = _SharedKeys(listed)  # lau_places names a LAU by the form the lists use
    return out


class _SharedKeys(frozenset):
    """An immutable set that pandas, which deep-copies a frame's ``attrs`` at every step, copies by reference."""

    def __deepcopy__(self, memo: dict) -> _SharedKeys:
        return self


def _key(name: str) -> str:
    """The matcher's key of a name (folded, single spaces)."""
    return " ".join(fold_short(name).split())


def _is_romanised(place: Place) -> bool:
    """Whether :func:`partner_places` adds transcribed forms to ``place`` (a one-word Chinese name)."""
    return place.country_iso2 == "CN" and place.role != "eu" and " " not in place.name


def _romanised_keys(known: list[tuple[Place, list[str]]], folded: list[set[str]], lexicon: Lexicon) -> set[str]:
    """Keys of the transcribed forms among the names of ``known`` Chinese places (``folded``: each place's keys)
    that no other place carries."""
    keys, others = set(), set()
    for (place, _), place_keys in zip(known, folded, strict=True):
        if _is_romanised(place):
            keys |= place_keys & {_key(form) for form in romanised_forms(place.name, lexicon, frozenset())}
        else:
            others |= place_keys
    return keys - others


def _drop_names(known: list[tuple[Place, list[str]]], keys: set[str]) -> None:
    """Remove the transcribed forms whose key is in ``keys`` from the Chinese places of ``known`` (in place)."""
    if not keys:
        return
    for place, names in known:
        if _is_romanised(place):
            names[:] = [name for name in names if _key(name) not in keys]


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
