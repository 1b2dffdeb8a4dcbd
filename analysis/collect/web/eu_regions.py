"""EU counties, provinces and regions below or beside the frame, from ISO 3166-2 (pycountry's subdivision list).

A tie may belong to a county or a province that is no frame unit ("Uusimaa in Finland", "Etelä-Savon
ystävyyskaupunki", "Zadarske županije", "Donegal Municipal District"): the frame holds cities and NUTS2 regions, and
the LAU list municipalities. :func:`subdivision_places` adds the EU countries' ISO 3166-2 subdivisions of the types
listed in ``web_subdivision_types.csv`` (counties, provinces, departments, maakunnat, kraje, voivodeships ...) as EU
places without a unit id, at level ``county`` (so that the inflection rules apply to them, as to frame units). A name
that a known EU place of the same country already carries stays that place's (Galway is the city; "County Galway" is
read by :mod:`analysis.collect.web.eu_forms`), and a name that a partner or other place or a lexicon term carries is
left out when that place is a large one (a strong partner, a large place of another country: "Lincoln"), as is
a lexicon term; a name shared with a small US place stays (Donegal, Pennsylvania: the detector reads such a name as
the EU place unless a state follows it).
"""

from __future__ import annotations

import re
from collections import Counter

from analysis.collect.web.lexicon import Lexicon
from analysis.collect.web.places import _USABLE_SCRIPT, Place, _key
from analysis.core.countries import EU27_ISO2

SUBDIVISION_TYPES_FILE = "web_subdivision_types.csv"
_BRACKET = re.compile(r"\s*\[([^\]]*)\]")


def subdivision_types() -> frozenset[str]:
    """The ISO 3166-2 subdivision types that are EU places a tie can belong to (``web_subdivision_types.csv``)."""
    from analysis.core.reference import read_reference_table

    return frozenset(read_reference_table(SUBDIVISION_TYPES_FILE, ["type"])["type"])


def subdivision_names(name: str) -> list[str]:
    """The written forms of an ISO 3166-2 name: the name without its bracketed other name, and that other name when
    it is a name, not a code ("A Coruña [La Coruña]" -> "A Coruña", "La Coruña"; "Södermanlands län [SE-04]" ->
    "Södermanlands län"); names written inverted ("Praha, Hlavní město") only by their first part."""
    others = [other.strip() for other in _BRACKET.findall(name) if not re.search(r"\d", other)]
    main = _BRACKET.sub("", name).strip()
    forms = [main, *others]
    return [form.split(",")[0].strip() for form in forms if form.split(",")[0].strip()]


def subdivision_places(known: list[tuple[Place, list[str]]], lexicon: Lexicon) -> list[tuple[Place, list[str]]]:
    """The EU countries' subdivisions of the listed types (see the module docstring), each with the names that no
    ``known`` place carries (an EU place only when of the same country) and no lexicon term, and those names with the
    other region words of the country (:func:`analysis.collect.web.eu_forms.typed_region_forms`); subdivisions left
    with no name are left out."""
    import pycountry

    from analysis.collect.web.eu_forms import typed_region_forms

    types = subdivision_types()
    min_length = int(lexicon.rules["min_alternate_length"])
    taken = {term.key for term in lexicon.terms}
    eu_taken: set[tuple[str, str]] = set()
    for place, names in known:
        keys = {_key(name) for name in names}
        if place.role == "eu":
            eu_taken.update((key, place.country_iso2) for key in keys)
        elif place.role == "other" or place.strong:
            taken |= keys
    out = []
    listed = [
        (country, subdivision.name)
        for country in sorted(EU27_ISO2)
        for subdivision in pycountry.subdivisions.get(country_code=country) or ()
        if subdivision.type in types
    ]
    for country, written in listed + nuts3_counties():
        names = [
            form
            for form in subdivision_names(written)
            if _USABLE_SCRIPT.match(form)
            and form[:1].isupper()
            and len(_key(form).replace(" ", "")) >= min_length
            and _key(form) not in taken
            and (_key(form), country) not in eu_taken
        ]
        if names:
            typed = [form for name in names for form in typed_region_forms(name, country)]
            out.append((Place(names[0], country, "eu", None, "county", 0.0, True, None), names + typed))
    return out


NUTS3_COUNTIES_FILE = "web_nuts3_counties.csv"


def nuts3_regions() -> dict[str, str]:
    """``{NUTS3 code: name}`` of every NUTS3 region of the GISCO NUTS 2021 code list
    (:func:`analysis.build.regional.load_nuts2021_codes`), names as Eurostat writes them; none when it is not
    acquired. The one reader of NUTS3 names for the detector's county, region and small-town names."""
    from analysis.build.regional import load_nuts2021_codes

    try:
        codes = load_nuts2021_codes()
    except FileNotFoundError:
        return {}
    nuts3 = codes[codes["LEVL_CODE"].astype(str) == "3"]
    return {str(code): str(name) for code, name in zip(nuts3["NUTS_ID"], nuts3["NUTS_NAME"], strict=True)}


def nuts3_counties() -> list[tuple[str, str]]:
    """``(country, NUTS3 name)`` of the countries whose NUTS3 regions are counties ISO 3166-2 does not list
    (``web_nuts3_counties.csv``: the German Kreise), from :func:`nuts3_regions`."""
    from analysis.core.reference import read_reference_table

    countries = set(read_reference_table(NUTS3_COUNTIES_FILE, ["country_iso2"])["country_iso2"])
    return [(code[:2], name) for code, name in nuts3_regions().items() if code[:2] in countries]


def namesake_forms(known: list[tuple[Place, list[str]]]) -> list[tuple[Place, list[str]]]:
    """``(EU city, names)``: the names of a US or Chinese namesake of a frame city that write the city's own name with
    municipal words ("City of Galway", "Galway village" of Galway, New York): in text they may name the EU city as
    well ("the City of Galway, Ireland"), so the EU city carries them too, and the detector reads such a name as the
    EU city unless a state follows it."""
    by_name: dict[str, list[Place]] = {}
    for place, _ in known:
        if place.role == "eu" and place.unit_id and place.level == "city":
            by_name.setdefault(_key(place.name), []).append(place)
    out = []
    for place, names in known:
        if place.role != "partner" or _key(place.name) not in by_name:
            continue
        core = _key(place.name)
        forms = [name for name in names if _key(name) != core and f" {core} " in f" {_key(name)} "]
        out += [(city, forms) for city in by_name[core] if forms]
    return out


REGION_EXONYMS_FILE = "web_region_exonyms.csv"
_COUNTRY_TAG = re.compile(r"\s*\([A-Z]{2}\)\s*$")
_SPACED_DASH = re.compile(r"\s+[—–]\s+")


def region_name_parts(name: str) -> list[str]:
    """The names a frame region's written name holds: each side of a bilingual name ("Valle d'Aosta/Vallée d'Aoste",
    "Bolzano/Bozen"), the name without Eurostat's country tag ("Prov. Limburg (BE)" -> "Prov. Limburg") and with its
    spaced dash written as a hyphen ("Centre — Val de Loire" -> "Centre-Val de Loire")."""
    parts = [_COUNTRY_TAG.sub("", part).strip() for part in [name, *name.split("/")]]
    parts += [_SPACED_DASH.sub("-", part) for part in parts]
    return list(dict.fromkeys(part for part in parts if part))


def single_nuts3_names() -> dict[str, str]:
    """``{NUTS2 code: name}`` of the NUTS2 regions that are one NUTS3 region, by that region's name where it differs
    ("Moravskoslezsko" is "Moravskoslezský kraj", "Stockholm" "Stockholms län", "Sostinės regionas" "Vilniaus
    apskritis"), from :func:`nuts3_regions`. An arrondissement's abbreviated name ("Arr. Nivelles") is left out: it
    names the district's town, not the region."""
    regions = nuts3_regions()
    children = Counter(code[:4] for code in regions)
    return {
        code[:4]: name.strip()
        for code, name in regions.items()
        if children[code[:4]] == 1 and "." not in name.split(" ")[0]
    }


def region_exonyms() -> dict[str, list[str]]:
    """``{NUTS2 code: [exonym, ...]}`` from ``web_region_exonyms.csv``: the English (and other EU languages') names of
    the frame's regions ("Tuscany", "Lower Austria", "Western Greece", "Toskana"), which texts in those languages
    use instead of the Eurostat name."""
    from analysis.core.reference import read_reference_lists

    return read_reference_lists(REGION_EXONYMS_FILE, "nuts2_code", "exonym")
