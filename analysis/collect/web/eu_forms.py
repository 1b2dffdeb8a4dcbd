"""EU places named as their county or region ("Pärnu County", "County Galway", "Pest megye", "județul Cluj").

A town's name next to a county word (``web_region_words.csv``: the word, its language, whether it stands before or
after the name, and what it means) names the county, not the town: the EU side of "Galway County Council ... twinned
with Washington County" is County Galway. :func:`county_place` turns the town's :class:`~places.Place` into the
county's (no frame unit: counties lie below the NUTS2 frame), and :func:`region_key` gives the folded key by which a
county is compared whichever way it is written ("County Galway" = "Galway County" = "Galway maakond" ...).
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from analysis.collect.web.lexicon import name_key
from analysis.collect.web.places import Place

REGION_WORDS_FILE = "web_region_words.csv"
MUNICIPALITY = "municipality"  # the meaning of a municipality word: the name with it is the town itself


class RegionWord(NamedTuple):
    word: str  # folded
    language: str
    position: str  # "before" | "after" | "joined" (written onto the name's end: Estonian "Harjumaa") | ...
    means: str


_WORDS: tuple[RegionWord, ...] | None = None


def region_words() -> tuple[RegionWord, ...]:
    """The rows of ``web_region_words.csv``, folded, read once."""
    from analysis.core.reference import read_reference_table

    global _WORDS
    if _WORDS is None:
        table = read_reference_table(REGION_WORDS_FILE, ["word", "language", "position", "means"])
        _WORDS = tuple(
            RegionWord(name_key(row.word), row.language, row.position, row.means)
            for row in table.itertuples(index=False)
        )
    return _WORDS


def _word_at(text: str, start: int, forward: bool) -> tuple[str, str]:
    """The word right after ``start`` (``forward``) or right before it, with the separating characters."""
    if forward:
        rest = text[start : start + 24]
        gap = rest[: len(rest) - len(rest.lstrip(" "))]
        word = rest[len(gap) :].split(" ", 1)[0].split("\n", 1)[0]
        return gap, word.rstrip(",;:)!?")
    before = text[max(0, start - 24) : start]
    gap = before[len(before.rstrip(" ")) :]
    word = before[: len(before) - len(gap)].rsplit(" ", 1)[-1].rsplit("\n", 1)[-1]
    return gap, word.lstrip("(\"'„“«‚‘")


def county_word(text: str, start: int, end: int, language: str | None) -> tuple[RegionWord, str, str] | None:
    """The county word written right after or right before the name at ``text[start:end]`` (one space apart; "Co."
    may keep its full stop), with the word as written and its position; None when there is none."""
    for position, at in (("after", end), ("before", start)):
        gap, written = _word_at(text, at, position == "after")
        if position == "before":
            gap, written, at = _over_links(text, at, gap, written, language)
        if gap != " " or not written:
            continue
        folded = name_key(written.rstrip("."))
        for row in region_words():
            if row.means == MUNICIPALITY:  # "Ballerup Municipality" is the town itself
                continue
            if row.position == position and row.word == folded and (language in (None, row.language)):
                if position == "after" and written.endswith("."):
                    written = written.rstrip(".")
                return row, written, position
    return None


_MAX_LINKS = 2  # "province de la ...": at most this many link words between a county word and the name


def _over_links(text: str, at: int, gap: str, written: str, language: str | None) -> tuple[str, str, int]:
    """The word before the link words ("of", "di", "de la": ``link`` rows) that stand right before a name, with its
    gap and position: the county or province word of "Provincia di Palermo", "the Province of Antwerp"; the word
    right before the name unchanged when it is no link word."""
    links = {row.word for row in region_words() if row.position == "link" and language in (None, row.language)}
    for _ in range(_MAX_LINKS):
        if gap != " " or name_key(written) not in links:
            break
        before_gap, before = _word_at(text, at - len(gap) - len(written), False)
        if before_gap != " " or not before:
            break
        at, gap, written = at - len(gap) - len(written), before_gap, before
    return gap, written, at


def county_place(place: Place, text: str, start: int, end: int, language: str | None) -> Place | None:
    """The county an EU place's name stands for when a county word is written next to it ("Parnu County" ->
    "Pärnu County", outside the frame); None when no county word is there or the place is itself a region."""
    if place.role != "eu" or place.level == "region":
        return None
    found = county_word(text, start, end, language)
    if found is None:
        return None
    _row, written, position = found
    name = f"{place.name} {written}" if position == "after" else f"{written} {place.name}"
    return Place(name, place.country_iso2, "eu", None, "county", place.population, True, None)


def region_short_forms(names: list[str]) -> list[str]:
    """A region's names without the generic words of its official name (``prefix`` rows of ``web_region_words.csv``:
    "Região Autónoma dos Açores" -> "Açores", "Comunidad Foral de Navarra" -> "Navarra")."""
    from analysis.core.reference import read_reference_table

    table = read_reference_table(REGION_WORDS_FILE, ["word", "language", "position", "means"])
    prefixes = sorted(table.loc[table["position"] == "prefix", "word"], key=len, reverse=True)
    out = []
    for name in names:
        for prefix in prefixes:
            if name.startswith(prefix + " ") and len(name) > len(prefix) + 3:
                out.append(name[len(prefix) :].strip())
                break
    return out


def as_county(text: str, hit, eu: tuple[Place, ...], language: str | None) -> tuple[Place, ...]:
    """The county an EU name hit stands for when a county word is next to it (:func:`county_place`, for the most
    populous framed place of the hit, in a country of the text's language when it has one there), else the EU places
    themselves."""
    if county_word(text, hit.orig_start, hit.orig_end, language):  # "département de la Vienne": not Vienna
        eu = tuple(p for p in eu if p.country_iso2 in language_countries(language)) or eu
    town = min(eu, key=lambda p: (p.unit_id is None, p.level == "region", -p.population))
    county = county_place(town, text, hit.orig_start, hit.orig_end, language)
    return (county,) if county is not None else eu


def owner_place(detector, page_owner) -> Place | None:
    """The EU place outside the frame (a LAU municipality or a gazetteer town) whose site a page is, from its
    (name, country) pair: the most populous EU place of the detector of that name in that country, else a place of
    that name (the caller knows whose site it crawls); None without a pair."""
    if not page_owner or not page_owner[0]:
        return None
    by_name = detector.__dict__.get("_eu_by_name")
    if by_name is None:
        by_name = {}
        for place in sorted((p for p in detector.places if p.role == "eu"), key=lambda p: -p.population):
            by_name.setdefault((name_key(place.name), place.country_iso2), place)
        detector._eu_by_name = by_name
    name, country = str(page_owner[0]), str(page_owner[1])
    known = by_name.get((name_key(name), country))
    return known or Place(name, country, "eu", None, "municipality", 0.0, True, None)


def region_key(folded: str) -> str:
    """A folded EU place name with its county word moved to the end and written as what it means ("county galway",
    "galway county", "galway maakond" -> "galway #county"; a word of several words too: "nitriansky samospravny kraj"
    -> "nitriansky #county"); a municipality word is dropped, since a municipality is its town ("rokiskis district
    municipality", "municipality of chalandri" -> "rokiskis", "chalandri"); other names unchanged."""
    found = _region_word(folded)
    if found is None:
        return folded
    return found[0] if found[1].means == MUNICIPALITY else f"{found[0]} #{found[1].means}"


def _region_word(folded: str) -> tuple[str, RegionWord] | None:
    """The folded name without its county or region word (the longest that fits), with that word's row."""
    after, before, joined = _word_edges()
    if not (folded.endswith(after) or folded.startswith(before) or folded.endswith(joined)):
        return None  # most names have no region word: one test each way before the rows one by one
    for row, word in _longest_first():
        if row.position == "after" and folded.endswith(" " + word) and len(folded) > len(word) + 1:
            return folded[: -len(word) - 1], row
        if row.position == "before" and folded.startswith(word + " ") and len(folded) > len(word) + 1:
            return _without_links(folded[len(word) + 1 :]), row
        joined = row.position == "joined" and folded.endswith(word)
        if joined and len(folded.split(" ")[-1]) >= len(word) + _MIN_JOINED_STEM:  # "harjumaa" -> "harju", "#county"
            return folded[: -len(word)], row
    return None


@functools.cache
def _longest_first() -> tuple[tuple[RegionWord, str], ...]:
    """The rows of :func:`region_words`, longest word first, each with its word without a final full stop."""
    return tuple((row, row.word.rstrip(".")) for row in sorted(region_words(), key=lambda row: -len(row.word)))


@functools.cache
def _word_edges() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """What a name must end or start with to hold a row of :func:`_longest_first`: " " + an ``after`` word, a
    ``before`` word + " ", a ``joined`` word."""
    rows = _longest_first()
    return (
        tuple(" " + word for row, word in rows if row.position == "after"),
        tuple(word + " " for row, word in rows if row.position == "before"),
        tuple(word for row, word in rows if row.position == "joined"),
    )


_MIN_JOINED_STEM = 3  # "Harjumaa", "Raplamaa", "Hiiumaa": the county stems are names of three letters or more


def _without_links(folded: str) -> str:
    """A folded name without the link words before it ("di palermo", "de segovia" -> "palermo", "segovia")."""
    links = {row.word for row in region_words() if row.position == "link"}
    words = folded.split(" ")
    while len(words) > 1 and words[0] in links:
        words.pop(0)
    return " ".join(words)


def bare_region_name(name: str | None) -> str:
    """``name`` as written without its county or region word ("Województwo lubelskie", "Lubelskie Voivodeship" ->
    "lubelskie"; "Timiș County" -> "timis"), folded; "" when it has none: the bare name resolves to the frame region
    the typed name means."""
    found = _region_word(name_key(name or ""))
    return found[0] if found is not None else ""


LAU_FORMS_FILE = "web_lau_forms.csv"
_LAU_RULES: dict[str, dict[str, list[tuple[str, str]]]] | None = None


def _lau_rules() -> dict[str, dict[str, list[tuple[str, str]]]]:
    """``{country: {"suffix" | "genitive" | "split" | "locator" ...: [(ending, replacement), ...]}}`` from ``web_lau_forms.csv``, longest
    ending first, equal endings together (in file order)."""
    from analysis.core.reference import read_reference_table

    global _LAU_RULES
    if _LAU_RULES is None:
        table = read_reference_table(LAU_FORMS_FILE, ["country_iso2", "kind", "ending"])
        rules: dict[str, dict[str, list[tuple[str, str]]]] = {}
        for row in table.itertuples(index=False):
            rules.setdefault(row.country_iso2, {}).setdefault(row.kind, []).append((row.ending, row.replacement))
        for by_kind in rules.values():
            for kind, pairs in by_kind.items():
                by_kind[kind] = sorted(pairs, key=lambda pair: (-len(pair[0]), pair[0]))  # equal endings together
        _LAU_RULES = rules
    return _LAU_RULES


def lau_forms(form: str, country_iso2: str) -> list[str]:
    """The ways a LAU name (one form of :func:`analysis.build.municipal.lau_name_forms`) is written in text, the
    nominative first: status words after the name dropped ("Jõgeva vald" -> "Jõgeva"; "Anykščių rajono savivaldybė"
    -> "Anykščių"), and a genitive name read back to its nominative ("Anykščių" -> "Anykščiai"; Greek LAU names are
    genitives: "Μεγαρέων" -> "Μέγαρα"), and the name with its municipality word as the language writes it
    ("Filipstads kommun"), by the rules of ``web_lau_forms.csv``. A country whose LAU names carry status words has
    the genitive only before them; the form itself is always kept."""
    rules = _lau_rules().get(country_iso2, {})
    stem, stripped = form, False
    for ending, _ in rules.get("suffix", []):
        if stem.endswith(ending) and len(stem) > len(ending):
            stem, stripped = stem[: -len(ending)].strip(), True
            break
    nominatives = []
    if stripped or not rules.get("suffix"):
        matched = None
        for ending, replacement in rules.get("genitive", []):
            if matched is not None and ending != matched:
                break
            if stem.endswith(ending) and len(stem) > len(ending) + 2:
                matched = ending
                nominatives.append(stem[: -len(ending)] + replacement)
    phrases = [_phrase(stem, ending, replacement) for ending, replacement in rules.get("phrase", [])]
    return list(dict.fromkeys([*nominatives, stem, form, *filter(None, phrases)]))


def without_locator(lau_name: str, country_iso2: str) -> str:
    """A LAU name without the locator after its separator (``locator`` rows of ``web_lau_forms.csv``: German
    "Herxheim bei Landau/Pfalz" -> "Herxheim bei Landau"); the name unchanged when the country has no such rule."""
    for separator, _ in _lau_rules().get(country_iso2, {}).get("locator", []):
        head = str(lau_name).split(separator)[0].strip()
        if head:
            return head
    return str(lau_name)


def lau_parts(lau_name: str, country_iso2: str) -> list[str]:
    """The towns a LAU is named after when its name joins them (``split`` rows of ``web_lau_forms.csv``:
    "Skibbereen-West Cork" -> "Skibbereen", "West Cork"); the name itself when a part is a short linking word
    ("Carrick-On-Shannon") or the country has no such rule."""
    for separator, _ in _lau_rules().get(country_iso2, {}).get("split", []):
        parts = [part.strip() for part in str(lau_name).split(separator)]
        if len(parts) > 1 and all(len(part) > 3 and part[:1].isupper() for part in parts):
            return parts
    return [str(lau_name)]


def _phrase(name: str, ending: str, replacement: str) -> str | None:
    """``name`` with a ``phrase`` rule's words ("Filipstad" -> "Filipstads kommun"), None when the rule's ending
    (``@consonant`` other than s, x, z; ``@vowel``) does not fit the name."""
    last = name[-1:].lower()
    vowel = last in "aeiouyåäöéèáóúíæø"
    if (ending == "@consonant" and (vowel or last in "sxz" or not last.isalpha())) or (
        ending == "@vowel" and not vowel
    ):
        return None
    return name + replacement


def one_county_sense(text: str, mentions_by_segment: list[list]) -> list[list]:
    """Once a text names a county by its town ("Galway County Council"), the town's bare name elsewhere in it is the
    county too ("... has been twinned with Galway since 2003"): one sense per discourse. Mentions are the detector's
    ``_Mention`` tuples (``hit``, ``role``, ``places``)."""
    counties: dict[str, Place] = {}
    for mentions in mentions_by_segment:
        for mention in mentions:
            if mention.role == "eu" and mention.places[0].level == "county":
                counties.setdefault(_written(text, mention), mention.places[0])
    if not counties:
        return mentions_by_segment
    return [
        [
            m._replace(places=(counties[_written(text, m)],))
            if m.role == "eu" and m.places[0].level != "county" and _written(text, m) in counties
            else m
            for m in mentions
        ]
        for mentions in mentions_by_segment
    ]


def _written(text: str, mention) -> str:
    return name_key(text[mention.hit.orig_start : mention.hit.orig_end])


LANGUAGE_COUNTRIES_FILE = "web_language_countries.csv"
_LANGUAGE_COUNTRIES: dict[str, frozenset[str]] | None = None


def language_countries(language: str | None) -> frozenset[str]:
    """The EU countries where ``language`` is official (``web_language_countries.csv``); empty when unknown."""
    from analysis.core.reference import read_reference_table

    global _LANGUAGE_COUNTRIES
    if _LANGUAGE_COUNTRIES is None:
        table = read_reference_table(LANGUAGE_COUNTRIES_FILE, ["language", "countries"])
        _LANGUAGE_COUNTRIES = {row.language: frozenset(row.countries.split()) for row in table.itertuples(index=False)}
    return _LANGUAGE_COUNTRIES.get(language or "", frozenset())


@functools.lru_cache(maxsize=64)
def country_languages(country_iso2: str) -> frozenset[str]:
    """The languages official in an EU country (``web_language_countries.csv`` read the other way); empty when none."""
    language_countries(None)
    assert _LANGUAGE_COUNTRIES is not None
    return frozenset(language for language, countries in _LANGUAGE_COUNTRIES.items() if country_iso2 in countries)


_LOCAL_SIZE_RATIO = (
    10  # a local place yields to a foreign frame unit of its name only when that one is this much larger
)


def in_language_country(eu: tuple[Place, ...], language: str | None) -> tuple[Place, ...]:
    """An EU name shared by places of several EU countries is the one in a country of the text's language ("Horta"
    in Portuguese text is Horta in the Azores, not the district of Barcelona; "Търговище" in Bulgarian text is the
    Bulgarian town, not Romania's Târgoviște), unless a foreign frame unit of the name is at least ten times larger
    than every local place ("Vienne" in French text is mostly Vienna, not the town on the Rhône); the places
    unchanged otherwise."""
    if len({p.country_iso2 for p in eu}) < 2:
        return eu
    countries = language_countries(language)
    local = tuple(p for p in eu if p.country_iso2 in countries)
    if not local or not any(p.unit_id for p in eu):
        return local or eu
    foreign = max((p.population for p in eu if p.unit_id and p.country_iso2 not in countries), default=0.0)
    return local if max(p.population for p in local) * _LOCAL_SIZE_RATIO >= foreign else eu


def parish_groups(lau):
    """Municipalities that the LAU list gives only as their parishes ("Horta (Angústias)", "Horta (Conceição)",
    "Horta (Matriz)": Portuguese freguesias): one row per shared name before the parenthesis, with the parishes'
    summed population, when two or more parishes share it."""
    import pandas as pd

    base = lau["lau_name"].astype(str).str.replace(r"\s*\(.*?\)\s*$", "", regex=True).str.strip()
    parted = lau[lau["lau_name"].astype(str).str.contains(r"\(.*\)\s*$", regex=True) & (base != "")]
    if parted.empty:
        return lau.iloc[0:0]
    grouped = (
        parted.assign(lau_name=base[parted.index])
        .groupby(["country_iso2", "lau_name"], as_index=False)
        .agg(
            lau_id=("lau_id", "first"),
            nuts3=("nuts3", "first"),
            population=("population", "sum"),
            parts=("lau_id", "size"),
            latitude=("latitude", "mean"),
            longitude=("longitude", "mean"),
        )
    )
    return pd.DataFrame(grouped[grouped["parts"] >= 2].drop(columns="parts"))


_LINKS: frozenset[str] | None = None


def starts_longer_name(text: str, end: int) -> bool:
    """Whether the name ending at ``end`` goes on with a linking word and a capitalised word (``web_name_links.csv``:
    "Angra" in "Angra do Heroísmo"): the start of a longer name the detector does not know."""
    words = text[end : end + 40].split()
    return bool(text[end : end + 1] == " " and len(words) >= 2 and words[0] in _links() and words[1][:1].isupper())


NAME_LINKS_FILE = "web_name_links.csv"
_GLUED_BEFORE = re.compile(r"(?:^|[\s(])[A-ZÀ-ÞĀ-ŽΑ-ΩА-Я][\w']*-$")


def _links() -> frozenset[str]:
    """The linking words of place names (``web_name_links.csv``), read once."""
    from analysis.core.reference import read_reference_table

    global _LINKS
    if _LINKS is None:
        _LINKS = frozenset(read_reference_table(NAME_LINKS_FILE, ["word"])["word"])
    return _LINKS


_CAPITALISED = r"[A-ZÀ-ÞĀ-ŽΑ-Ω][\w'’-]*"
_LINKED: re.Pattern[str] | None = None


def linked_name(name: str) -> str:
    """The capitalised words at the start of ``name`` when a linking word (``web_name_links.csv``) joins two of them
    ("Vila Franca do Campo (São Miguel)" -> "Vila Franca do Campo"; "Velas de São Jorge; Tulare" -> "Velas de São
    Jorge"), else ""."""
    global _LINKED
    if _LINKED is None:
        links = "|".join(sorted(map(re.escape, _links()), key=len, reverse=True))
        _LINKED = re.compile(rf"{_CAPITALISED}(?: (?:(?:{links}) )?{_CAPITALISED})*")
    found = _LINKED.match(str(name))
    if found is None:
        return ""
    words = found.group().split()
    return found.group() if any(word in _links() for word in words[1:-1]) else ""


def with_longer_names(text: str, hits: list, places: list[Place], language: str | None):
    """The name hits with their places, less the hits that are only part of a longer name the detector does not know
    (:func:`part_of_longer_name`); an unframed EU place followed by a linking word and capitalised words is that
    longer name ("Angra" of the LAU list in "Angra do Heroísmo"; "Velas de São Jorge"): the hit spans it and its
    place is named so, an EU place of the country of the text's language (:func:`in_language_country`)."""
    starts = {hit.orig_start for hit in hits}
    for hit in hits:
        found = tuple(places[record] for record in hit.records)
        eu = in_language_country(tuple(p for p in found if p.role == "eu"), language)
        longer = linked_name(_before_glued_name(text[hit.orig_start : hit.orig_end + 60], hit.orig_start, starts))
        framed = any(p.unit_id for p in found)
        if eu and len(eu) == len(found) and not framed and len(longer) > hit.orig_end - hit.orig_start:
            end = hit.orig_start + len(longer)
            town = max(eu, key=lambda p: p.population)
            place = Place(longer, town.country_iso2, "eu", None, "municipality", town.population, True, None)
            yield hit._replace(end=hit.start + len(longer), orig_end=end), (place,)
        elif not part_of_longer_name(text, hit, found, starts):
            yield hit, found


def _before_glued_name(span: str, start: int, name_starts: set[int]) -> str:
    """``span`` (the text from ``start``) up to its line's end or to a hyphen glued to a name found in the text:
    "Marbach am Neckar-Washington" is the pair Marbach am Neckar and Washington, as "Pärnu-Portsmouth" is a pair."""
    span = span.split("\n")[0]
    glued = [at - start for at in name_starts if 0 < at - start <= len(span) and span[at - start - 1] == "-"]
    return span[: min(glued) - 1] if glued else span


def part_of_longer_name(text: str, hit, places, name_starts: set[int]) -> bool:
    """Whether an EU name hit is only part of a longer name the detector does not know: an unframed place before a
    linking word (:func:`starts_longer_name`), any EU place glued after a capitalised word (:func:`ends_longer_name`)."""
    if not all(p.role == "eu" for p in places):
        return False
    if all(p.unit_id is None for p in places) and starts_longer_name(text, hit.orig_end):
        return True
    return ends_longer_name(text, hit.orig_start, name_starts)


def ends_longer_name(text: str, start: int, name_starts: set[int]) -> bool:
    """Whether the name starting at ``start`` is glued by a hyphen to a capitalised word before it that begins no
    name of its own ("Savon" in "Etelä-Savon", "Pfalz" in "Rheinland-Pfalz"): the end of a longer name the detector
    does not know. ``name_starts``: where the names found in the text begin ("Pärnu-Portsmouth" is a pair)."""
    found = _GLUED_BEFORE.search(text, max(0, start - 30), start)
    if found is None:
        return False
    word_start = found.start() + (0 if found.group()[:1].isupper() else 1)
    return word_start not in name_starts


ARTICLE_CONTRACTIONS_FILE = "web_article_contractions.csv"
_CONTRACTIONS: dict[str, list[tuple[str, str]]] | None = None


def article_forms(name: str, country_iso2: str) -> list[str]:
    """The forms of a place name that begins with an article, as running text contracts that article with a
    preposition in a language of the place's country (``web_article_contractions.csv``: "Le Raincy" -> "du Raincy",
    "au Raincy"; "La Spezia" -> "della Spezia"); none for other names."""
    from analysis.core.reference import read_reference_table

    global _CONTRACTIONS
    if _CONTRACTIONS is None:
        table = read_reference_table(ARTICLE_CONTRACTIONS_FILE, ["language", "article", "contracted"])
        _CONTRACTIONS = {}
        for row in table.itertuples(index=False):
            for country in language_countries(row.language):
                _CONTRACTIONS.setdefault(country, []).append((row.article, row.contracted))
    return [
        contracted + name[len(article) :]
        for article, contracted in _CONTRACTIONS.get(country_iso2, [])
        if name.startswith(article) and name[len(article) : len(article) + 1].isupper()
    ]


_READ_NEXT_TO = frozenset({"county", "province"})  # county and province words: county_word reads them by the name


def typed_region_forms(name: str, country_iso2: str) -> list[str]:
    """A region's name written with the other region words of its country's languages (``web_region_words.csv``):
    with a longer word of the same meaning after it ("Nitriansky kraj" -> "Nitriansky samosprávny kraj"), and after a
    word that stands before the name (not a county or province word: :func:`county_word` reads those), the name in lower case as
    an adjective follows its noun ("Lubelskie" -> "województwo lubelskie"). The region resolves to its own unit whichever way it is written."""
    rows = [
        row for row in region_words() if country_iso2 in language_countries(row.language) and row.means != MUNICIPALITY
    ]
    found = _region_word(name_key(name))
    if (
        found is not None
        and found[1].position == "joined"
        and country_iso2 not in language_countries(found[1].language)
    ):
        return []  # Finnish "Pirkanmaa" is no Estonian "-maa" county
    if found is not None and found[1].means == MUNICIPALITY:
        return []
    if found is not None:
        bare = " ".join(name.split()[: -len(found[1].word.split())]) if found[1].position == "after" else ""
        bare = name[: -len(found[1].word)] if found[1].position == "joined" else bare  # "Harjumaa" -> "Harju maakond"
        longer = [row.word for row in rows if row.position == "after" and row.means == found[1].means]
        return [f"{bare} {word}" for word in longer if bare and word != found[1].word]
    before = [row.word for row in rows if row.position == "before" and row.means not in _READ_NEXT_TO]
    return list(dict.fromkeys(f"{word} {name.lower()}" for word in before))


_COUNCIL_AFTER = re.compile(r"\s+Council\b")


def eu_county_behind_us_county(detector, text: str, hit, found: tuple, language: str | None):
    """(hit, places) of the EU county a name read as a US county stands for, or None: "Roscommon County, Ireland"
    (the EU county named the American way, with its country after it) and "Clare County Council" (an Irish county
    council; an EU county written with its county word and "Council") when the name without its county word is an EU
    place of that country (of any EU country before "Council"). The hit is cut to the name before the county word,
    whose place is the county (:func:`as_county`)."""
    from analysis.collect.web.partner_sense import country_after

    partners = [p for p in found if p.role in ("partner", "admin1")]
    if not partners or any(p.level != "county" for p in partners) or any(p.role == "eu" for p in found):
        return None
    written = text[hit.orig_start : hit.orig_end]
    name, _, word = written.rpartition(" ")
    if not name or name_key(word) != "county":
        return None
    after = country_after(text, hit)
    countries = {after[1]} if after and after[1] else set()
    if not countries and not _COUNCIL_AFTER.match(text, hit.orig_end):
        return None
    for inner in detector.matcher.scan(name, language).names:
        if inner.orig_start != 0 or inner.orig_end != len(name):
            continue
        eu = tuple(
            p
            for p in (detector.places[r] for r in inner.records)
            if p.role == "eu" and (not countries or p.country_iso2 in countries)
        )
        if eu:
            cut = hit._replace(end=hit.start + len(name), orig_end=hit.orig_start + len(name))
            return cut, as_county(text, cut, eu, language)
    return None
