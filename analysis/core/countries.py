"""Country labels to ISO 3166-1 alpha-2 codes: one function for every source.

Country names arrive as free text: "England, United Kingdom" and "People's Republic of China"
in the partnership sources, "Czechia" in the EUROCITIES list, "DE" or "EL" in the team's
official city list. :func:`country_to_iso2` reads them all the same way; the labels that
pycountry does not resolve (or resolves wrongly) are data, in
``analysis/reference/country_labels.csv`` (columns ``label, iso2, source, note``; an empty
``iso2`` means "country unknown rather than guessed"). Greece is GR, Kosovo XK; Taiwan,
Hong Kong and Macao stay TW, HK and MO.
"""

from __future__ import annotations

import functools

import pandas as pd
import pycountry

from analysis.core import paths
from analysis.core.names import normalise_name
from analysis.core.tracking import note_read

COUNTRY_LABELS_PATH = paths.REFERENCE / "country_labels.csv"

# The 27 member states since 1 February 2020, as ISO 3166-1 alpha-2 (Greece GR); accession years are in
# analysis/reference/eu_accession_years.csv (a test checks that the two agree).
EU27_ISO2: tuple[str, ...] = (
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
)
# The 24 official languages of the EU (ISO 639-1), the languages of the questionnaires and the crawl lexicon.
EU_OFFICIAL_LANGUAGES: tuple[str, ...] = (
    "bg",
    "cs",
    "da",
    "de",
    "el",
    "en",
    "es",
    "et",
    "fi",
    "fr",
    "ga",
    "hr",
    "hu",
    "it",
    "lt",
    "lv",
    "mt",
    "nl",
    "pl",
    "pt",
    "ro",
    "sk",
    "sl",
    "sv",
)

# NUTS writes Greece as EL; everything else in the frame uses ISO 3166 (GR).
ISO2_TO_NUTS_COUNTRY: dict[str, str] = {code: ("EL" if code == "GR" else code) for code in EU27_ISO2}
NUTS_COUNTRY_TO_ISO2: dict[str, str] = {nuts: iso for iso, nuts in ISO2_TO_NUTS_COUNTRY.items()}


@functools.cache
def country_label_overrides() -> dict[str, str | None]:
    """``{casefolded label: ISO2 or None}`` from ``country_labels.csv``."""
    note_read(COUNTRY_LABELS_PATH)
    table = pd.read_csv(COUNTRY_LABELS_PATH, dtype=str, keep_default_na=False)
    missing = {"label", "iso2", "source", "note"} - set(table.columns)
    if missing:
        raise ValueError(f"{COUNTRY_LABELS_PATH}: missing columns {sorted(missing)}")
    return {row.label: (row.iso2 or None) for row in table.itertuples(index=False)}


def english_name(iso2: str) -> str:
    """The country's short English name for readers (``DE`` -> ``Germany``; ``XK`` -> ``Kosovo``; unknown: the code)."""
    country = pycountry.countries.get(alpha_2=iso2)
    if country is None:
        return {"XK": "Kosovo"}.get(iso2, iso2)
    return getattr(country, "common_name", None) or country.name


@functools.cache
def _pycountry_keys() -> dict[str, str]:
    # pycountry's own names on the name-key scale ("Sao Tome and Principe" meets "São Tomé ...").
    return {
        normalise_name(getattr(country, attribute), drop_affixes=False): country.alpha_2
        for country in pycountry.countries
        for attribute in ("name", "official_name", "common_name")
        if getattr(country, attribute, None)
    }


@functools.cache
def country_to_iso2(label: object) -> str | None:
    """ISO 3166-1 alpha-2 code of a country label (a code, an English name or a free-text label), else ``None``.

    "England, United Kingdom": the part after the last comma names the country;
    "Georgia (country)": the parenthetical is dropped; then ``country_labels.csv``, then
    pycountry's codes, names, official and common names (exactly, then on name keys).
    """
    if label is None or (isinstance(label, float) and label != label):
        return None
    text = " ".join(str(label).split())
    if "," in text:
        text = text.rsplit(",", 1)[1].strip()
    if "(" in text:
        text = text.split("(", 1)[0].strip()
    if not text:
        return None
    overrides = country_label_overrides()
    lowered = text.casefold().replace("’", "'")
    for candidate in (lowered, normalise_name(lowered, drop_affixes=False)):
        if candidate in overrides:
            return overrides[candidate]
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return _pycountry_keys().get(normalise_name(text, drop_affixes=False))


def countries_to_iso2(labels: pd.Series) -> pd.Series:
    """:func:`country_to_iso2` of every label (nullable strings, each distinct label looked up once)."""
    lookup = {label: country_to_iso2(label) for label in labels.dropna().unique()}
    return labels.map(lookup).astype("string")


def country_label_region_hint(label: object) -> str | None:
    """The sub-national part of a label like "Brandenburg, Germany" ("Brandenburg"), else ``None``."""
    if not isinstance(label, str) or "," not in label:
        return None
    hint = label.rsplit(",", 1)[0].strip()
    return hint or None


# Territories that sources often file under their sovereign ("Guam, United States"; Wikidata's P17 of Macau is
# the People's Republic of China). The study codes each as its own ISO 3166-1 code: a US partner is one of the
# 50 states or DC, a Chinese partner one on the mainland.
TERRITORY_SOVEREIGN: dict[str, str] = {
    "PR": "US",
    "GU": "US",
    "VI": "US",
    "AS": "US",
    "MP": "US",
    "HK": "CN",
    "MO": "CN",
    "TW": "CN",
}
# Name keys of the territories (and of places that can only lie in one), by territory code.
TERRITORY_NAME_KEYS: dict[str, str] = {
    "puerto rico": "PR",
    "guam": "GU",
    "us virgin islands": "VI",
    "u s virgin islands": "VI",
    "united states virgin islands": "VI",
    "virgin islands of the united states": "VI",
    "american samoa": "AS",
    "northern mariana islands": "MP",
    "saipan": "MP",
    "hong kong": "HK",
    "macau": "MO",
    "macao": "MO",
    "taiwan": "TW",
    "taipei": "TW",
    "kaohsiung": "TW",
    "taichung": "TW",
    "tainan": "TW",
}


def territory_iso2(iso2: pd.Series, names: pd.Series, labels: pd.Series) -> pd.Series:
    """``iso2`` with places of a territory coded as the territory (PR, GU, VI, AS, MP; HK, MO, TW).

    A place filed under the territory's sovereign (US, CN) is recoded when its own name, or the
    sub-national part of its country label ("Guam, United States"), names the territory.
    All three Series are aligned; returns nullable strings.
    """
    name_keys = names.astype("string").map(lambda text: normalise_name(text, drop_affixes=False), na_action="ignore")
    hint_keys = labels.map(country_label_region_hint).map(
        lambda text: normalise_name(text, drop_affixes=False), na_action="ignore"
    )
    territory = name_keys.map(TERRITORY_NAME_KEYS).fillna(hint_keys.map(TERRITORY_NAME_KEYS))
    sovereign = territory.map(TERRITORY_SOVEREIGN)
    recode = territory.notna() & iso2.astype("string").eq(sovereign).fillna(False).astype(bool)
    return iso2.astype("string").where(~recode, territory).astype("string")
