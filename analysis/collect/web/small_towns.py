"""EU municipalities below the LAU population floor, found only when the text names their province or country next to them.

A municipality of fewer than ``eu_lau_min_population`` inhabitants is no EU place the detector reads on its own: most
such names are villages named like words (:func:`analysis.collect.web.places.lau_large_enough`). Written with its
province or its country after a comma ("Panni, Foggia, Italy"; "Cartoceto, Italia"), the name is the town, as a
dateline or an address names it: :func:`qualified_small_towns` gives such a municipality as an EU place whose only
names are those written pairs, so that the matcher finds the pair and nothing else. The province is the
municipality's NUTS3 region (Foggia: ITF46); the country is named in English and in the country's own languages.
A town noun written with the name says as much ("the town of Panni", "i comuni di Rose", "Vara kommun"): the titled
forms of ``web_town_titles.csv`` (English for every country, the others for the countries of their language) are
names of the town too (:func:`titled_forms`), unless a partner or other place carries the bare name ("the town of
Greenwich" stays the partner's).
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from analysis.collect.web.lexicon import Lexicon
from analysis.collect.web.places import _USABLE_SCRIPT, Place, _key


def qualified_small_towns(
    known: list[tuple[Place, list[str]]], lexicon: Lexicon, lau: pd.DataFrame
) -> list[tuple[Place, list[str]]]:
    """The LAU municipalities below the floor (not :func:`analysis.collect.web.places.lau_large_enough`), and those
    above it whose name a partner or other place carries (New Ross, Ireland beside New Ross, Indiana: no EU place of
    :func:`analysis.collect.web.places.lau_places`), each with its name followed by a comma and its NUTS3 region's
    name or its country's name, and a small town's with its town nouns (:func:`titled_forms`); municipalities whose
    name a ``known`` EU place of that country already carries, shorter than ``min_alternate_length`` or written with a
    county or region word (:func:`analysis.collect.web.eu_forms.region_key`) are left out."""
    from analysis.build import municipal
    from analysis.collect.web.eu_forms import lau_forms, lau_parts, without_locator
    from analysis.collect.web.places import lau_large_enough

    taken = {_key(name) for place, names in known if place.role != "eu" for name in names}
    named = lau["lau_name"].notna()
    large = lau_large_enough(lau, lexicon)
    shadowed = pd.Series([_key(name) in taken for name in lau["lau_name"].fillna("").astype(str)], index=lau.index)
    small = lau[named & (~large | shadowed)]
    provinces = nuts3_names()
    countries = own_country_names()
    min_length = int(lexicon.rules["min_alternate_length"])
    eu_known = {(_key(name), place.country_iso2) for place, names in known if place.role == "eu" for name in names}
    taken |= _name_starts([name for place, names in known if place.role == "eu" for name in names], lau)
    words = municipal.load_lau_name_words()
    out = []
    for row in small.itertuples(index=False):
        country = str(row.country_iso2)
        parts = lau_parts(without_locator(str(row.lau_name), country), country)
        written = [
            f for part in parts for form in municipal.lau_name_forms(part, words) for f in lau_forms(form, country)
        ]
        forms = [form for form in dict.fromkeys(written) if _usable(form, country, min_length, eu_known)]
        if not forms:
            continue
        province = provinces.get(str(row.nuts3), "")
        after = [province] if province and _key(province) != _key(forms[0]) else []
        names = [f"{form}, {where}" for form in forms for where in [*after, *countries.get(country, [])]]
        names += [titled for form in forms if _key(form) not in taken for titled in titled_forms(form, country)]
        population = float(pd.to_numeric(row.population, errors="coerce") or 0.0)
        out.append((Place(forms[0], country, "eu", None, "municipality", population, True, None), names))
    return out


def _usable(form: str, country: str, min_length: int, eu_known: set[tuple[str, str]]) -> bool:
    """Whether a written form of a small town's name can stand before its province or country: a capitalised name
    of a usable script and ``min_length`` letters, no known EU place's name in that country, and no county or region
    word in it ("County Clare" of the twinning lists is a county, no town)."""
    from analysis.collect.web.eu_forms import region_key

    key = _key(form)
    plain = _USABLE_SCRIPT.match(form) and form[:1].isupper() and "," not in form and "(" not in form
    return (
        bool(plain)
        and len(key.replace(" ", "")) >= min_length
        and (key, country) not in eu_known
        and "#" not in region_key(key)
    )


TOWN_TITLES_FILE = "web_town_titles.csv"


def _name_starts(eu_names: list[str], lau: pd.DataFrame) -> set[str]:
    """The keys of the first words of longer EU names (known names, LAU names less a bracketed qualifier): "Ribeira"
    of "Ribeira Grande", "Vila Nova" of "Vila Nova de Famalicão", which a town noun may stand before as well
    ("Municipality of Ribeira Grande"), so that no titled form of the shorter town's name may take them."""
    names = [*eu_names, *lau["lau_name"].dropna().astype(str).str.replace(r"\s*\(.*?\)", "", regex=True)]
    starts = set()
    for name in names:
        words = _key(name).split()
        starts.update(" ".join(words[:size]) for size in range(1, len(words)))
    return starts


def titled_forms(name: str, country_iso2: str) -> list[str]:
    """``name`` written with the town nouns of ``web_town_titles.csv`` that a text about a town of ``country_iso2``
    may use: the English ones and those of the country's official languages ("town of Panni", "comune di Panni")."""
    return [pattern.replace("{name}", name) for pattern in _town_titles(country_iso2)]


@lru_cache(maxsize=64)
def _town_titles(country_iso2: str) -> tuple[str, ...]:
    from analysis.collect.web.eu_forms import country_languages

    languages = country_languages(country_iso2) | {"en"}
    return tuple(title for language, titles in _titles_by_language() if language in languages for title in titles)


@lru_cache(maxsize=1)
def _titles_by_language() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(language, town nouns) of each row of ``web_town_titles.csv``, read once per process."""
    from analysis.core.reference import read_reference_table

    table = read_reference_table(TOWN_TITLES_FILE, ["language", "titles"])
    return tuple((row.language, tuple(row.titles.split("|"))) for row in table.itertuples(index=False))


def nuts3_names() -> dict[str, str]:
    """``{NUTS3 code: name}`` (:func:`analysis.collect.web.eu_regions.nuts3_regions`) as a text writes a province
    after a town: the name before a "/" of a bilingual name ("Bolzano-Bozen" stays whole), abbreviated names ("Arr.
    Nivelles", "Prov. ...") left out."""
    from analysis.collect.web.eu_regions import nuts3_regions

    return {code: name.split("/")[0].strip() for code, name in nuts3_regions().items() if "." not in name}


def own_country_names() -> dict[str, list[str]]:
    """``{EU country ISO2: [name, ...]}``: the country's English name (pycountry) and its names in the country's own
    official languages (:func:`analysis.collect.web.places.translated_country_name`; ``web_language_countries.csv``:
    "Italy", "Italia")."""
    import pycountry

    from analysis.collect.web.eu_forms import language_countries
    from analysis.collect.web.places import translated_country_name
    from analysis.core.countries import EU27_ISO2, EU_OFFICIAL_LANGUAGES

    out: dict[str, list[str]] = {}
    for iso2 in sorted(EU27_ISO2):
        country = pycountry.countries.get(alpha_2=iso2)
        english = getattr(country, "common_name", None) or country.name
        names = [english]
        for language in EU_OFFICIAL_LANGUAGES:
            if iso2 in language_countries(language):
                names.append(translated_country_name(country.name, language))
        out[iso2] = list(dict.fromkeys(name for name in names if name))
    return out
