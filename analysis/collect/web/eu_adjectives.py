"""Lower-case place adjectives that name an EU town in Slavic languages ("mariborska občina", "pražský primátor",
"krakowski ratusz", "пловдивски кмет"), and those of the large US and Chinese partner cities ("šanghajská vláda",
"пекинския": :func:`partner_adjectives`).

Slavic languages name a town's council, mayor or people by a relational adjective written in lower case. The regular
forms are generated from the frame cities' local names (those that are their country's LAU names) by the rules of ``web_place_adjectives.csv`` (per language: a
literal ending that is replaced, else ``@consonant`` for a name ending in a consonant), in the languages of the
town's country (``web_language_countries.csv``) and in the script of the rule; irregular adjectives (Lublin ->
lubelski, Rijeka -> riječki, Brno -> brněnský) are not generated. The forms are names of the town written in lower
case, which the matcher accepts in lower case (:mod:`analysis.collect.web.matcher`: a name recorded in lower case may
be found so).
"""

from __future__ import annotations

import re

ADJECTIVES_FILE = "web_place_adjectives.csv"
LISTED_FORMS_FILE = "web_place_forms.csv"
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_RULES: dict[str, list[tuple[str, tuple[str, ...]]]] | None = None


def adjective_rules() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """``{language: [(ending, endings added), ...]}``, literal endings longest first, read once."""
    from analysis.core.reference import read_reference_table

    global _RULES
    if _RULES is None:
        table = read_reference_table(ADJECTIVES_FILE, ["language", "ending", "add"])
        rules: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for row in table.itertuples(index=False):
            rules.setdefault(row.language, []).append((row.ending.lower(), tuple(row.add.split("|"))))
        _RULES = {
            language: sorted(pairs, key=lambda pair: (pair[0].startswith("@"), -len(pair[0])))
            for language, pairs in rules.items()
        }
    return _RULES


def adjective_forms(name: str, language: str, min_stem: int = 4) -> list[str]:
    """The lower-case adjective forms of a one-word town ``name`` in ``language`` by the rules of
    ``web_place_adjectives.csv`` (the longest literal ending the name has, else ``@consonant``); none for names of
    several words, names shorter than ``min_stem`` letters, or names in another script than the rule's."""
    word = name.lower()
    if " " in word or "-" in word or len(word) < min_stem or not word.isalpha():
        return []
    out: list[str] = []
    for ending, added in adjective_rules().get(language, []):
        if bool(_CYRILLIC.search(word)) != bool(_CYRILLIC.search(added[0])):
            continue
        if ending == "@consonant":
            if word[-1] in "aeiouyáéíóúýěůąęóäöüαεηιουω" or word[-1] in "аеиоуъюяь":
                continue
            stem = word
        elif word.endswith(ending) and len(word) > len(ending) + 2:
            stem = word[: -len(ending)]
        else:
            continue
        out = [stem + suffix for suffix in added]
        break
    return out


def frame_adjectives(known, lau, lexicon) -> list:
    """``(place, adjective forms)`` for the frame cities of ``known`` (``(Place, names)`` pairs) from those of their
    names that are their country's LAU names (the local official name: "Praha", "Plzeň", "Kraków", not the exonyms
    "Prague", "Pola": Italian "Pola" would make "polski"), in the languages of their country; forms that are a
    country's name or a lexicon term, or the name of a ``known`` place, are left out."""
    from analysis.collect.web.eu_forms import language_countries
    from analysis.collect.web.places import _key, country_name_keys

    local = {
        (_key(str(name)), str(country)) for name, country in zip(lau["lau_name"], lau["country_iso2"], strict=True)
    }
    taken = {term.key for term in lexicon.terms} | country_name_keys()
    taken |= {_key(name) for _, names in known for name in names}
    languages = {
        country: [language for language in adjective_rules() if country in language_countries(language)]
        for country in {place.country_iso2 for place, _ in known}
    }
    out = []
    for place, names in known:
        if place.role != "eu" or not place.unit_id or place.level != "city":
            continue
        own = [name for name in names if (_key(name), place.country_iso2) in local]
        forms = [
            form
            for language in languages[place.country_iso2]
            for name in own
            for form in adjective_forms(name, language)
            if _key(form) not in taken
        ]
        if forms:
            out.append((place, list(dict.fromkeys(forms))))
    return out


def partner_adjectives(known, lexicon) -> list:
    """``(place, adjective forms)`` for the large partner cities of ``known`` (``(Place, names)`` pairs: US and Chinese
    cities of ``partner_adjective_min_population`` or more), from their one-word names by the rules of every language
    of ``web_place_adjectives.csv`` in the name's script ("Šanghaj" -> "šanghajská vláda", "Пекин" -> "пекинския",
    "Pekin" -> Polish "pekiński"). A foreign city's name takes the regular ending in these languages; only large
    cities are read so (a small town's adjective risks a false tie). Names that begin a country's name are not read
    ("Kitaj" would make "kitajski", the Slovenian for Chinese); forms that are a country's name, a lexicon term or the
    name of a ``known`` place are left out."""
    from analysis.collect.web.places import _key, country_name_keys

    floor = float(lexicon.rules["partner_adjective_min_population"])
    countries = country_name_keys()
    country_stems = {key[:end] for key in countries for end in range(4, len(key) + 1)}
    taken = {term.key for term in lexicon.terms} | countries
    taken |= {_key(name) for _, names in known for name in names}
    out = []
    for place, names in known:
        if place.role != "partner" or place.population < floor:
            continue
        forms = [
            form
            for language in adjective_rules()
            for name in dict.fromkeys(names)
            if _key(name) not in country_stems  # "Kitaj" (a name of a Chinese place) makes "kitajski", Chinese
            for form in adjective_forms(name, language)
            if _key(form) not in taken
        ]
        if forms:
            out.append((place, list(dict.fromkeys(forms))))
    return out


def listed_forms(known, lexicon) -> list:
    """``(place, forms)`` for the EU places of ``known`` (``(Place, names)`` pairs) that ``web_place_forms.csv`` lists
    by one of their names and their country: the irregular cases and adjectives the rules cannot make (Polish "Białymstokiem", Croatian
    "riječki", Spanish gentilics "segoviana"); forms that are a lexicon term, a country's name or a ``known`` place's
    name are left out."""
    from analysis.collect.web.places import _key, country_name_keys
    from analysis.core.reference import read_reference_table

    table = read_reference_table(LISTED_FORMS_FILE, ["name", "country_iso2", "forms"])
    listed = {(_key(row.name), row.country_iso2): row.forms.split("|") for row in table.itertuples(index=False)}
    taken = {term.key for term in lexicon.terms} | country_name_keys()
    taken |= {_key(name) for _, names in known for name in names}
    out = []
    for place, names in known:
        keys = [(_key(name), place.country_iso2) for name in [place.name, *names]] if place.role == "eu" else []
        forms = next((listed[key] for key in keys if key in listed), None)  # "Torino" is Turin's local name
        if forms:
            out.append((place, [form for form in forms if _key(form) not in taken]))
    return out
