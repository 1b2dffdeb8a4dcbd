"""EU municipalities below the LAU population floor, found only when the text names their province or country next to them.

A municipality of fewer than ``eu_lau_min_population`` inhabitants is no EU place the detector reads on its own: most
such names are villages named like words (:func:`analysis.collect.web.places.lau_large_enough`). Written with its
province or its country after a comma ("Panni, Foggia, Italy"; "Cartoceto, Italia"), the name is the town, as a
dateline or an address names it: :func:`qualified_small_towns` gives such a municipality as an EU place whose only
names are those written pairs, so that the matcher finds the pair and nothing else. The province is the
municipality's NUTS3 region (Foggia: ITF46); the country is named in English and in the country's own languages.
"""

from __future__ import annotations

import pandas as pd

from analysis.collect.web.lexicon import Lexicon
from analysis.collect.web.places import _USABLE_SCRIPT, Place, _key


def qualified_small_towns(
    known: list[tuple[Place, list[str]]], lexicon: Lexicon, lau: pd.DataFrame
) -> list[tuple[Place, list[str]]]:
    """The LAU municipalities below the floor (not :func:`analysis.collect.web.places.lau_large_enough`), each with
    its name followed by a comma and its NUTS3 region's name or its country's name; municipalities whose name a
    ``known`` EU place of that country already carries, shorter than ``min_alternate_length`` or written with a
    county or region word (:func:`analysis.collect.web.eu_forms.region_key`) are left out."""
    from analysis.collect.web.eu_forms import region_key
    from analysis.collect.web.places import lau_large_enough

    small = lau[~lau_large_enough(lau, lexicon) & lau["lau_name"].notna()]
    provinces = nuts3_names()
    countries = own_country_names()
    min_length = int(lexicon.rules["min_alternate_length"])
    eu_known = {(_key(name), place.country_iso2) for place, names in known if place.role == "eu" for name in names}
    out = []
    for row in small.itertuples(index=False):
        name, country = str(row.lau_name).strip(), str(row.country_iso2)
        usable = _USABLE_SCRIPT.match(name) and name[:1].isupper() and "," not in name and "(" not in name
        if not usable or len(_key(name).replace(" ", "")) < min_length or (_key(name), country) in eu_known:
            continue
        if "#" in region_key(_key(name)):  # "County Clare" of the twinning lists is a county, no town
            continue
        province = provinces.get(str(row.nuts3), "")
        after = [province] if province and _key(province) != _key(name) else []
        names = [f"{name}, {where}" for where in [*after, *countries.get(country, [])]]
        population = float(pd.to_numeric(row.population, errors="coerce") or 0.0)
        out.append((Place(name, country, "eu", None, "municipality", population, True, None), names))
    return out


def nuts3_names() -> dict[str, str]:
    """``{NUTS3 code: name}`` from the GISCO NUTS 2021 code list (the name before a "/" of a bilingual name:
    "Bolzano-Bozen" stays whole); none when the list is not acquired."""
    from analysis.build.regional import load_nuts2021_codes

    try:
        codes = load_nuts2021_codes()
    except FileNotFoundError:
        return {}
    nuts3 = codes[codes["LEVL_CODE"].astype(str) == "3"]
    return {
        str(code): str(name).split("/")[0].strip()
        for code, name in zip(nuts3["NUTS_ID"], nuts3["NUTS_NAME"], strict=True)
        if "." not in str(name)  # "Arr. Nivelles", "Prov. ..." are no name a text writes after a town
    }


def own_country_names() -> dict[str, list[str]]:
    """``{EU country ISO2: [name, ...]}``: the country's English name (pycountry) and its names in the country's own
    official languages (pycountry's translations; ``web_language_countries.csv``: "Italy", "Italia")."""
    import gettext

    import pycountry

    from analysis.collect.web.eu_forms import language_countries
    from analysis.core.countries import EU27_ISO2, EU_OFFICIAL_LANGUAGES

    out: dict[str, list[str]] = {}
    for iso2 in sorted(EU27_ISO2):
        country = pycountry.countries.get(alpha_2=iso2)
        english = getattr(country, "common_name", None) or country.name
        names = [english]
        for language in EU_OFFICIAL_LANGUAGES:
            if iso2 not in language_countries(language):
                continue
            try:
                translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
            except OSError:
                continue
            names.append(translation.gettext(country.name))
        out[iso2] = list(dict.fromkeys(names))
    return out
