"""What the partnership detector is made of: the tables of the chapter that builds it (``32_build_detector``).

Read from a built :class:`~analysis.collect.web.detect.Detector` (its places and its matcher's automaton) and from the
lexicon's data files in ``analysis/reference/`` (``web_terms.csv``, ``web_inflections.csv``), never changing either:

- :func:`place_names`: the places the detector looks for, by side, country and kind, with the automaton's keys for
  their names as written and the inflected forms generated for them;
- :func:`namesake_countries`: the countries whose places are kept only to tell namesakes apart, most places first;
- :func:`lexicon_by_language`: relation, status and cue terms and the suffix rules of each language;
- :func:`lookalike_classes`: the look-alike cues by class;
- :func:`automaton_size`: keys, nodes and memory of the Aho–Corasick automaton.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from analysis.collect.web.lexicon import INFLECTIONS_FILE, MASKING_LOOKALIKES, TERMS_FILE
from analysis.collect.web.matcher import UNSCANNED_KINDS
from analysis.core import fields
from analysis.core.reference import read_reference_table

DETECTOR_PLACES_SCHEMA = fields.schema(
    "detector_side country_group place_kind place_count name_key_count inflected_key_count inflected_form_count",
    unique_together=["detector_side", "country_group", "place_kind"],
    strict=True,
    description="The places the web detector looks for and its automaton's keys for their names, by side, country "
    "and kind (notebook 32).",
)
LOOKALIKE_PREFIX = "lookalike_"
# The sides of a statement a place can stand on (Place.role), as the chapter names them, in the order shown.
SIDES: dict[str, str] = {"eu": "EU place", "partner": "partner", "admin1": "partner", "other": "namesake"}
COUNTRIES: dict[str, str] = {"US": "United States", "CN": "China"}
# Relation and status kinds of web_terms.csv, each under the column it is counted in (every other kind is a cue).
TERM_COLUMNS: dict[str, str] = {
    "twin": "twin",
    "friendship": "friendship",
    "agreement": "agreement",
    "cooperation": "cooperation",
    "planned": "planned",
    "planned_weak": "planned",
    "ended": "ended",
}


def _group(place) -> tuple[str, str, str]:
    """(side, country, kind) of a :class:`~analysis.collect.web.places.Place` in :func:`place_names`: EU places of
    the frame apart from the other EU places, the partner countries by name, every other country as one."""
    side = SIDES[place.role]
    if place.role == "eu":
        return side, "EU", f"frame {place.level}" if place.unit_id else place.level
    return side, COUNTRIES.get(place.country_iso2, "other countries"), place.level


def place_names(detector) -> pd.DataFrame:
    """The places ``detector`` looks for and its automaton's keys for their names, by side, country and kind.

    Columns of :data:`DETECTOR_PLACES_SCHEMA`: ``detector_side``, ``country_group``, ``place_kind``, ``place_count``,
    ``name_key_count`` (distinct names as written, folded: exonyms, transliterations and other alternate names each
    count), ``inflected_key_count`` (the stems that the suffixes of a language's rules may follow: "pekin" for
    "Pekinie", "chicag" for "Chicagóban") and ``inflected_form_count`` (stem and suffix, counted for each place the
    stem may name). A key that may name places
    of several groups counts in each. Reads the automaton's 1.5 million keys once (about 2 s).
    """
    groups = [_group(place) for place in detector.places]
    # A place may have several records (its names, its adjectives: "chicagoski"); one with an id counts once.
    places = Counter(group for group, _ in dict.fromkeys(zip(groups, _place_ids(detector.places), strict=True)))
    name_keys: Counter = Counter()
    inflected_keys: Counter = Counter()
    inflected_forms: Counter = Counter()
    for _key, (_, entries, _terms) in detector.matcher.automaton.items():
        written, stems = set(), set()
        for record, is_written, by_language, suffixes, _ in entries:
            if is_written:
                written.add(groups[record])
            if by_language:
                stems.add(groups[record])
                inflected_forms[groups[record]] += len(suffixes)
        name_keys.update(written)
        inflected_keys.update(stems)
    sides = list(dict.fromkeys(SIDES.values()))
    countries = ["EU", *COUNTRIES.values(), "other countries"]
    ordered = sorted(
        places, key=lambda group: (sides.index(group[0]), countries.index(group[1]), -places[group], group[2])
    )
    return pd.DataFrame(
        [(*group, places[group], name_keys[group], inflected_keys[group], inflected_forms[group]) for group in ordered],
        columns=list(DETECTOR_PLACES_SCHEMA.columns),
    )


def _place_ids(places) -> list:
    """Each record's place: its id (a frame unit, a gazetteer id), or the record's position for a place without one."""
    return [place.unit_id or position for position, place in enumerate(places)]


def namesake_countries(detector, count: int) -> list[str]:
    """The ISO codes of the ``count`` countries with the most places ``detector`` keeps only as namesakes (the
    ``other`` side of :func:`place_names`), most first (ties by code)."""
    others = dict(zip(_place_ids(detector.places), detector.places, strict=True))
    counted = Counter(place.country_iso2 for place in others.values() if place.role == "other")
    return [code for code, _ in sorted(counted.items(), key=lambda item: (-item[1], item[0]))[:count]]


def lexicon_by_language() -> pd.DataFrame:
    """Terms of the detector's lexicon (``web_terms.csv``) per language and kind, and its suffix rules
    (``web_inflections.csv``) per language.

    Columns ``language``, the relation kinds (``twin``, ``friendship``, ``agreement``, ``cooperation``), the status
    kinds (``planned``, ``ended``), ``cues`` (look-alikes, context words, markup glue: every other kind) and
    ``suffix_rules``. Rows whose language is ``*`` hold cues written for every language at once.
    """
    terms = read_reference_table(TERMS_FILE, ["kind", "language", "terms"])
    counted = terms.assign(
        count=terms["terms"].str.split("|").map(len), column=terms["kind"].map(TERM_COLUMNS).fillna("cues")
    )
    table = counted.pivot_table(index="language", columns="column", values="count", aggfunc="sum", fill_value=0)
    order = [column for column in (*dict.fromkeys(TERM_COLUMNS.values()), "cues") if column in table]
    rules = read_reference_table(INFLECTIONS_FILE, ["language"])["language"].value_counts()
    table = table[order].join(rules.rename("suffix_rules"), how="outer").fillna(0)
    return table.astype("int64").rename_axis("language").reset_index()


def lookalike_classes() -> pd.DataFrame:
    """The look-alike cues of ``web_terms.csv`` by class: ``lookalike_class`` (the kind without its prefix, in words),
    ``terms`` (in every language together) and ``masks_twin_term`` (whether the cue changes the meaning of an
    overlapping twin term rather than only turning a weak relation into a look-alike)."""
    terms = read_reference_table(TERMS_FILE, ["kind", "language", "terms"])
    lookalikes = terms[terms["kind"].str.startswith(LOOKALIKE_PREFIX)]
    counts = lookalikes.assign(terms=lookalikes["terms"].str.split("|").map(len)).groupby("kind", sort=False)["terms"]
    table = counts.sum().reset_index()
    table["masks_twin_term"] = table["kind"].isin(MASKING_LOOKALIKES)
    table["lookalike_class"] = table["kind"].str.removeprefix(LOOKALIKE_PREFIX).str.replace("_", " ")
    return table[["lookalike_class", "terms", "masks_twin_term"]]


def automaton_size(detector) -> dict[str, int]:
    """Size of ``detector``'s Aho–Corasick automaton (pyahocorasick's statistics): ``keys`` (names, stems of
    inflected names and lexicon terms, folded), ``term_keys`` (those of the lexicon's terms the matcher looks
    for), ``nodes`` and ``megabytes`` (its memory)."""
    stats = detector.matcher.automaton.get_stats()
    scanned = {term.key for term in detector.lexicon.terms if term.kind not in UNSCANNED_KINDS}
    return {
        "keys": stats["words_count"],
        "term_keys": len(scanned),
        "nodes": stats["nodes_count"],
        "megabytes": round(stats["total_size"] / 1e6),
    }
