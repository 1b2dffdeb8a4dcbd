"""Which frame places are municipalities: a cross-check of GeoNames places against the EU LAU list.

The unit that signs a partnership is the municipality. GeoNames lists populated *places*, and
some places of 50,000+ are not municipalities: districts (East Helsinki), parishes and localities
(Queluz in Sintra, Amora in Seixal), a locality listed beside its own municipality (Algorta beside
Getxo, Mestre beside Venice), a new town or an agglomeration (Marne-la-Vallée, Cergy-Pontoise).

:func:`check_municipalities` compares each place with the LAU 2020 list of its country (source
``eu_lau2020_population_edjnet``: Eurostat's local administrative units, with a
population-weighted centre and a NUTS 2021 code each):

``municipality``
    A LAU whose name matches one of the place's names lies within :data:`NAME_MATCH_KM` of it and
    has a population of the same order (at least 1/:data:`POPULATION_RATIO` of the place's).
``population_differs``
    The name matches, but the LAU is much smaller than the place (GeoNames counts an agglomeration:
    Brussels, Nicosia). Kept: the name and position say the municipality is the place.
``double_count``
    No LAU has the place's name; the nearest LAU centre of its NUTS3 region, within
    :data:`PART_OF_KM`, is a municipality another frame place already stands for (Algorta and
    Getxo, Avedøre and Hvidovre), or two places match the same LAU by name (the less populous one
    is the double count). Removed.
``other_name``
    No LAU has the place's name; the nearest LAU is a municipality of ``min_population`` or more
    that no other frame place stands for: the place stands for it. Kept under its own name, since
    the difference is most often one of language or form ("Vilnius" and "Vilniaus miesto
    savivaldybė"); where the place is a locality named for itself, the override table replaces it
    by its municipality (``replace_by``: Tallaght by South Dublin).
``part_of``
    No LAU has the place's name; the nearest LAU is a municipality below ``min_population``:
    the place is a locality of a smaller municipality. Removed.
``unverifiable``
    The country has no LAU file (France), its LAUs are below the municipality (Portugal: freguesias;
    Ireland: local electoral areas; Greece: communities), or no LAU centre lies within
    :data:`PART_OF_KM`. Kept unless the reviewed override table decides otherwise.

The rules cannot decide everything, so a reviewed table, ``analysis/reference/frame_overrides.csv``,
has the last word, with a reason per row (:func:`load_frame_overrides`, :func:`apply_overrides`).
An override that names no candidate place fails the build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.acquire import sources
from analysis.build.geonames import normalise_ascii
from analysis.core.geo import haversine_km
from analysis.core.names import normalise_name, split_alternate_names
from analysis.core.reference import read_reference_table

LAU_SOURCE = "eu_lau2020_population_edjnet"
LAU_FILE = "{country}_lau_2020_nuts_2021.csv"
# ISO2 countries whose LAU is below the municipality (the source's PROVENANCE.md).
SUB_MUNICIPAL_LAU_COUNTRIES = frozenset({"PT", "IE", "GR"})
NAME_MATCH_KM = 25.0  # a GeoNames point and a population-weighted centre of one municipality
PART_OF_KM = 10.0  # how far the nearest LAU centre may lie from a place that is part of it
POPULATION_RATIO = 3.0

LAU_COLUMNS = ("lau_id", "lau_name", "country_iso2", "nuts3", "population", "latitude", "longitude")
OVERRIDES_FILE = "frame_overrides.csv"
LAU_WORDS_FILE = "lau_name_words.csv"
DECISIONS = ("keep", "drop_part_of", "drop_double_count", "replace_by")
CHECKS = ("municipality", "population_differs", "other_name", "double_count", "part_of", "unverifiable")
_RULE_DECISION = {
    "municipality": "keep",
    "population_differs": "keep",
    "unverifiable": "keep",
    "double_count": "drop_double_count",
    "part_of": "drop_part_of",
    "other_name": "keep",
}


class FrameOverrideError(ValueError):
    """The override table is malformed or names a place that is not a candidate."""


# --------------------------------------------------------------------------- LAU list


def load_lau(countries: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """The acquired LAU rows of ``countries`` (ISO2; France has no file and is skipped).

    Returns ``lau_id`` (the GISCO id, e.g. ``ES_48044``), ``lau_name``, ``country_iso2``, ``nuts3``
    (NUTS 2021), ``population``, ``latitude`` and ``longitude`` (the population-weighted centre).
    """
    frames = []
    for country in sorted(set(countries)):
        file_country = "EL" if country == "GR" else country
        try:
            path = sources.raw_path(LAU_SOURCE, LAU_FILE.format(country=file_country))
        except FileNotFoundError:
            continue
        frames.append(read_lau_file(path, country))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=LAU_COLUMNS)


def read_lau_file(path, country_iso2: str) -> pd.DataFrame:
    """One country's LAU file in the columns of :func:`load_lau`."""
    raw = pd.read_csv(path, dtype={"lau_id": str, "gisco_id": str})
    return pd.DataFrame(
        {
            "lau_id": raw["gisco_id"],
            "lau_name": raw["lau_name"].astype(str),
            "country_iso2": country_iso2,
            "nuts3": raw["nuts_3"].astype(str),
            "population": pd.to_numeric(raw["population"], errors="coerce").fillna(0).astype("int64"),
            "latitude": raw["latitude"].astype(float),
            "longitude": raw["longitude"].astype(float),
        }
    )


@dataclass(frozen=True)
class LauNameWords:
    """Words around LAU names (``reference/lau_name_words.csv``): status words written before a name
    ("Municipiul", "Κοινότητα") and articles written after a comma ("Coruña, A")."""

    prefixes: tuple[str, ...] = ()
    articles: frozenset[str] = frozenset()


def load_lau_name_words() -> LauNameWords:
    """The declared :class:`LauNameWords` (prefixes longest first)."""
    table = read_reference_table(LAU_WORDS_FILE, ["word", "kind"])
    prefixes = table.loc[table["kind"] == "prefix", "word"]
    return LauNameWords(
        prefixes=tuple(sorted(prefixes, key=len, reverse=True)),
        articles=frozenset(table.loc[table["kind"] == "article", "word"]),
    )


def lau_name_forms(lau_name: str, words: LauNameWords = LauNameWords()) -> list[str]:
    """The names a LAU goes by, its usual form first.

    "Helsinki / Helsingfors" gives both; "Lingen (Ems), Stadt" gives "Lingen (Ems)" and "Lingen";
    "Palmas de Gran Canaria, Las" gives "Las Palmas de Gran Canaria"; "Municipiul Iaşi" gives
    "Iaşi"; "Bratislava - mestská časť Petržalka" gives "Bratislava" among its forms.
    """
    forms: list[str] = []
    for part in re.split(r"\s*/\s*", str(lau_name)):
        head, _, tail = (piece.strip() for piece in part.partition(","))
        if tail in words.articles:  # "Coruña, A", "Ejido, El", "Hospitalet de Llobregat, L'"
            head = f"{tail}{'' if tail.endswith(chr(39)) else ' '}{head}"
        for prefix in words.prefixes:
            if head.casefold().startswith(prefix.casefold() + " "):
                head = head[len(prefix) :].strip()
                break
        forms.extend([head, re.sub(r"\s*\(.*?\)", "", head).strip(), *re.split(r"\s+-\s+", head)])
    seen: set[str] = set()
    return [form for form in forms if form and not (form in seen or seen.add(form))]


def name_keys(names: list[str]) -> set[str]:
    """Name keys (:func:`~analysis.core.names.normalise_name`, with and without affixes) of ``names``."""
    return {key for name in names for strength in (False, True) if (key := normalise_name(name, drop_affixes=strength))}


# --------------------------------------------------------------------------- the check


def check_municipalities(
    places: pd.DataFrame, lau: pd.DataFrame, min_population: int, words: LauNameWords = LauNameWords()
) -> pd.DataFrame:
    """Classify each place against the LAU list of its country (rules in the module docstring).

    ``places`` needs ``city_id``, ``name``, ``ascii_name``, ``alternate_names``, ``country_iso2``,
    ``population``, ``latitude``, ``longitude`` and may have ``nuts3_2021``; ``lau`` is
    :func:`load_lau` output. Returns one row per place, in its order: ``city_id``, ``name``,
    ``country_iso2``, ``population``, ``check`` (one of :data:`CHECKS`), ``lau_id``, ``lau_name``
    (its usual form), ``lau_population``, ``lau_km`` and ``same_as`` (the ``city_id`` of the frame
    place a double count repeats).
    """
    lau = lau if len(lau.columns) else pd.DataFrame(columns=list(LAU_COLUMNS))
    rows = [_match_one(place, lau, words) for place in places.to_dict("records")]
    check = pd.DataFrame.from_records(rows, index=places.index)
    return _settle(check, min_population)


def _match_one(place: dict, lau: pd.DataFrame, words: LauNameWords) -> dict:
    """The LAU a place names (``matched``) or, failing that, the nearest LAU of its NUTS3 region."""
    row = {
        "city_id": place["city_id"],
        "name": place["name"],
        "country_iso2": place["country_iso2"],
        "population": int(place["population"]),
        "matched": False,
        "lau_id": None,
        "lau_name": None,
        "lau_population": np.nan,
        "lau_km": np.nan,
    }
    country_lau = lau[lau["country_iso2"] == place["country_iso2"]]
    if place["country_iso2"] in SUB_MUNICIPAL_LAU_COUNTRIES or country_lau.empty:
        return row
    distance = haversine_km(place["latitude"], place["longitude"], country_lau["latitude"], country_lau["longitude"])
    keys = name_keys([place["name"], place["ascii_name"], *split_alternate_names(place["alternate_names"])])
    near = np.flatnonzero(distance <= NAME_MATCH_KM)
    forms = {i: lau_name_forms(country_lau["lau_name"].iat[i], words) for i in near}
    named = [i for i in near if name_keys(forms[i]) & keys]
    if named:
        # Poland lists the urban and rural parts of one gmina under one name: their sum is the gmina.
        nearest = min(named, key=lambda i: distance[i])
        return row | {
            "matched": True,
            "lau_id": country_lau["lau_id"].iat[nearest],
            "lau_name": forms[nearest][0],
            "lau_population": float(country_lau["population"].to_numpy()[named].sum()),
            "lau_km": round(float(distance[nearest]), 2),
        }
    # Containment proxy: the nearest LAU centre of the place's own NUTS3 region (when the LAU list knows
    # that code: Croatia's LAUs carry the NUTS 2016 codes of Zagreb).
    in_region = (country_lau["nuts3"] == place.get("nuts3_2021")).to_numpy()
    candidates = np.flatnonzero((distance <= PART_OF_KM) & (in_region if in_region.any() else True))
    if len(candidates) == 0:
        return row
    nearest = candidates[np.argmin(distance[candidates])]
    return row | {
        "lau_id": country_lau["lau_id"].iat[nearest],
        "lau_name": lau_name_forms(country_lau["lau_name"].iat[nearest], words)[0],
        "lau_population": float(country_lau["population"].iat[nearest]),
        "lau_km": round(float(distance[nearest]), 2),
    }


def _settle(check: pd.DataFrame, min_population: int) -> pd.DataFrame:
    """Turn matches into :data:`CHECKS`: who stands for each LAU, who repeats it, who is part of it."""
    matched = check[check["matched"]].sort_values("population", ascending=False, kind="stable")
    stands_for = dict(zip(matched["lau_id"][::-1], matched["city_id"][::-1]))  # the most populous wins
    status = pd.Series("unverifiable", index=check.index)
    same_as = pd.Series(pd.NA, index=check.index, dtype="string")
    for index, place in check.iterrows():
        owner = stands_for.get(place["lau_id"])
        if pd.isna(place["lau_id"]):
            continue
        if place["matched"] and owner == place["city_id"]:
            small = place["lau_population"] * POPULATION_RATIO < place["population"]
            status[index] = "population_differs" if small else "municipality"
        elif owner is not None:
            status[index], same_as[index] = "double_count", owner
        elif place["lau_population"] >= min_population:
            status[index] = "other_name"
            stands_for[place["lau_id"]] = place["city_id"]  # a second locality of it is a double count
        else:
            status[index] = "part_of"
    columns = ["city_id", "name", "country_iso2", "population", "lau_id", "lau_name", "lau_population", "lau_km"]
    return check[columns].assign(check=status, same_as=same_as)[[*columns[:4], "check", *columns[4:], "same_as"]]


# --------------------------------------------------------------------------- overrides and decisions


def load_frame_overrides() -> pd.DataFrame:
    """The reviewed override table (``analysis/reference/frame_overrides.csv``), checked.

    Columns: ``country_iso2``, ``geonames_name``, ``decision`` (one of :data:`DECISIONS`),
    ``municipality``, ``municipality_population`` (required for ``replace_by``), ``reason``,
    ``source``, ``note``. Raises :class:`FrameOverrideError` naming the row of every problem.
    """
    try:
        table = read_reference_table(OVERRIDES_FILE, ["country_iso2", "geonames_name", "decision", "reason"])
    except ValueError as error:
        raise FrameOverrideError(str(error)) from error
    problems = []
    for position, row in table.iterrows():
        where = f"{OVERRIDES_FILE}, row {position + 1} ({row['country_iso2']} {row['geonames_name']})"
        if row["decision"] not in DECISIONS:
            problems.append(f"{where}: decision must be one of {list(DECISIONS)}, got {row['decision']!r}")
        if row["decision"] == "replace_by" and not str(row.get("municipality_population", "")).isdigit():
            problems.append(f"{where}: a replace_by row needs municipality_population (a whole number)")
    if table.duplicated(["country_iso2", "geonames_name"]).any():
        problems.append(f"{OVERRIDES_FILE}: a place is overridden twice")
    if problems:
        raise FrameOverrideError("\n".join(problems))
    return table


def apply_overrides(check: pd.DataFrame, overrides: pd.DataFrame, known_places: set[tuple[str, str]]) -> pd.DataFrame:
    """The decision for each checked place: the rule's (:data:`CHECKS` -> :data:`DECISIONS`) or the override's.

    Adds ``decision``, ``municipality`` (the municipality a place is replaced by or part of),
    ``municipality_population`` (for ``replace_by``; NaN otherwise), ``reason`` and ``decided_by``
    (``rule`` or ``override``). ``known_places`` are the (ISO2, GeoNames name) pairs of every
    candidate place of the EU-27 whatever the population floor (a build on a higher floor checks
    fewer places, but the table is the same). Raises :class:`FrameOverrideError` when an override
    names a pair outside ``known_places``; overrides of places not checked here do nothing.
    """
    decided = check.assign(
        decision=check["check"].map(_RULE_DECISION),
        municipality=check["lau_name"].where(check["check"].isin(["double_count", "other_name", "part_of"])),
        municipality_population=np.nan,
        reason=[_rule_reason(row) for row in check.to_dict("records")],
        decided_by="rule",
    )
    keys = list(zip(decided["country_iso2"], decided["name"]))
    unknown = [
        f"{country} {name}"
        for country, name in zip(overrides["country_iso2"], overrides["geonames_name"])
        if (country, name) not in known_places
    ]
    if unknown:
        raise FrameOverrideError(
            f"{OVERRIDES_FILE}: {len(unknown)} override(s) name no GeoNames place of the EU-27 "
            f"(country and GeoNames name must match exactly): {unknown}"
        )
    by_key = {(row["country_iso2"], row["geonames_name"]): row for row in overrides.to_dict("records")}
    for index, key in zip(decided.index, keys):
        if key in by_key:
            row = by_key[key]
            population = float(row["municipality_population"]) if row["decision"] == "replace_by" else np.nan
            decided.loc[index, ["decision", "municipality", "reason", "decided_by"]] = [
                row["decision"],
                row["municipality"] or None,
                row["reason"],
                "override",
            ]
            decided.loc[index, "municipality_population"] = population
    return decided


def _rule_reason(row: dict) -> str:
    """One line saying why the rule decided what it did."""
    lau = f"LAU {row['lau_name']} ({row['lau_id']}, {row['lau_population']:,.0f} inhabitants, {row['lau_km']} km)"
    return {
        "municipality": f"name and position match {lau}",
        "population_differs": f"name and position match {lau}, which is smaller than the place",
        "double_count": f"no LAU of this name; lies in {lau}, which {row['same_as']} stands for",
        "other_name": f"no LAU of this name; lies in {lau}, which no other frame place stands for",
        "part_of": f"no LAU of this name; lies in {lau}, below the population threshold",
        "unverifiable": "no LAU file (FR), sub-municipal LAUs (PT, IE, GR) or no LAU centre nearby",
    }[row["check"]]


def municipal_frame(
    places: pd.DataFrame, decided: pd.DataFrame, min_population: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply the decisions: ``(kept, removed)``; replaced places take the municipality's name and population.

    ``places`` are frame rows (index aligned with ``decided``); ``removed`` carries a ``reason``
    ("part_of:<municipality>: ..." or "double_count:<municipality>: ..."). A replacement below
    ``min_population`` is removed as part of a smaller municipality.
    """
    decision = decided["decision"].copy()
    too_small = (decision == "replace_by") & (decided["municipality_population"] < min_population)
    decision[too_small] = "drop_part_of"
    dropped = decision.str.startswith("drop_")
    removed = places[dropped].assign(
        reason=decision[dropped].str.removeprefix("drop_")
        + ":"
        + decided.loc[dropped, "municipality"].fillna("")
        + ": "
        + decided.loc[dropped, "reason"]
    )
    kept = places[~dropped].copy()
    replaced = decision[~dropped] == "replace_by"
    for index in replaced[replaced].index:
        old_name, new_name = kept.at[index, "name"], decided.at[index, "municipality"]
        others = split_alternate_names(kept.at[index, "alternate_names"])
        kept.loc[index, ["name", "ascii_name"]] = [new_name, normalise_ascii(new_name)]
        kept.at[index, "alternate_names"] = "|".join(dict.fromkeys([old_name, *others]))
        kept.at[index, "population"] = int(decided.at[index, "municipality_population"])
        kept.at[index, "population_source"] = "frame_override"
    return kept, removed


def change_summary(decided: pd.DataFrame) -> pd.DataFrame:
    """Places by country and decision (one row per country, one column per decision, and a total)."""
    table = pd.crosstab(decided["country_iso2"], decided["decision"]).reindex(columns=list(DECISIONS), fill_value=0)
    table["candidates"] = table.sum(axis=1)
    table["frame"] = table["keep"] + table["replace_by"]
    return table.rename_axis(columns=None).reset_index().rename(columns={"country_iso2": "country"})
