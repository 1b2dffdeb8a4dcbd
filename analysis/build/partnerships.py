"""A partnership, defined: one row per partnership between an EU unit and a partner unit.

The records of the four public sources are resolved (:mod:`analysis.build.resolve`) and merged
into ties by :mod:`analysis.build.relations`. This module decides which ties are *one*
partnership, and what the study knows about each:

**Homonym and level duplicates collapse.** Two ties of the same EU unit with partners in the
same country are one partnership when their partners share a *partnership name key*
(:func:`partnership_name_keys`: the name without affixes, level words and punctuation, its
words sorted, so "Honolulu County" = "Honolulu", "Huishan (Wuxi)" = "Wuxi – Huishan"), or the
same resolved id. The sources name a partnership, not a gazetteer row: Kansas City (Missouri)
and Kansas City (Kansas), Honolulu city and Honolulu County, or the two Columbias of one
French town are the resolver's readings of one twinning that no source records twice. The
partnership keeps one partner id (:func:`collapse_partnerships`): the one with most evidence
(records of a Wikidata item resolved on its own coordinates or a hinted name, before the
Wikipedia lists' geocoded names, before records resolved on population alone), then the
city-level one (city or prefecture-level city before a district, a county, a state or
province), then the most populous; the others are kept as evidence in ``collapsed_partner_ids``.

**What each partnership carries.** ``partner_level`` (the gazetteer level: city, county,
state, province, prefecture, district, territory); ``is_domestic`` (the partner lies in the EU
unit's own country); ``first_snapshot_year`` and ``last_snapshot_year`` (the earliest and the
latest source recording it: Wikidata 2016, 2017, 2022, Wikipedia 2026); ``status`` and
``ended_year``: *ended* when a reviewed source says so
(``analysis/reference/ended_partnerships.csv``: the public Wikidata extracts carry no end-date
qualifiers and the Wikipedia lists no dates, so the public raw files themselves never say
so), *active* when the latest snapshot (the Wikipedia lists of 2026) records it, *unknown*
otherwise.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from analysis.core import paths
from analysis.core.names import LEADING_AFFIXES, normalise_name
from analysis.core.tracking import note_read

# The year each source was taken.
SNAPSHOT_YEARS: dict[str, int] = {
    "wikidata_2016": 2016,
    "wikidata_2017": 2017,
    "wikidata_2022": 2022,
    "wikipedia_2026": 2026,
}
LATEST_SNAPSHOT: str = "wikipedia_2026"

PARTNERSHIP_STATUSES: tuple[str, ...] = ("active", "ended", "unknown")
PARTNER_LEVELS: tuple[str, ...] = ("city", "county", "state", "province", "prefecture", "district", "territory")
# Which resolved id a collapsed partnership keeps, after record support: the city-level unit first.
LEVEL_SPECIFICITY: dict[str, int] = {
    "city": 0,
    "prefecture": 0,
    "district": 1,
    "county": 2,
    "territory": 3,
    "state": 3,
    "province": 3,
}
# Words that name a unit's level or kind rather than the place ("Honolulu County", "Jiangjin District").
LEVEL_WORDS: frozenset[str] = frozenset({"county", "prefecture", "province", "state", "district", "qu", "shi"})

ENDED_PARTNERSHIPS_PATH = paths.REFERENCE / "ended_partnerships.csv"


@functools.lru_cache(maxsize=200_000)
def _name_key(name: str) -> str:
    tokens = _without_leading_affix(normalise_name(name, drop_affixes=False).split())
    return " ".join(sorted(token for token in tokens if token not in LEVEL_WORDS))


def partnership_name_keys(name: object) -> list[str]:
    """The partnership name key of a partner name (a list: empty for no name): the whole name without
    leading affixes, level words and punctuation, its words sorted.

    "Honolulu County" and "City and County of Honolulu" -> ["honolulu"]; "Huishan (Wuxi)" and
    "Wuxi – Huishan" -> ["huishan wuxi"]. "Kansas City" -> ["city kansas"] ("city" inside a name is
    kept: Kansas City is not Kansas); a qualifier stays part of the key ("Stolberg (Südharz)" is not
    Stolberg), and so do "municipality" and "parish" (Vilnius District Municipality is not Vilnius).
    """
    if not isinstance(name, str) or not name.strip():
        return []
    key = _name_key(name)
    return [key] if key else []


def _without_leading_affix(tokens: list[str]) -> list[str]:
    for affix in LEADING_AFFIXES:
        width = len(affix.split())
        if tokens[:width] == affix.split() and len(tokens) > width:
            return tokens[width:]
    return tokens


def partnership_groups(ties: pd.DataFrame) -> pd.Series:
    """Group number of each tie row: rows of one EU unit and partner country joined by a shared name key or id.

    ``ties``: ``eu_entity``, ``partner_country_iso2``, ``partner_id`` (may be empty) and
    ``partner_names`` (a list of names per row: the raw names and the resolved name).
    Connected components over shared keys, so A~B and B~C put A, B and C in one group.
    """
    parent = list(range(len(ties)))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    first_of: dict[tuple, int] = {}
    columns = zip(
        ties["eu_entity"], ties["partner_country_iso2"], ties["partner_id"], ties["partner_names"], strict=True
    )
    for row, (eu, country, partner_id, names) in enumerate(columns):
        labels = [("id", partner_id)] if isinstance(partner_id, str) else []
        labels += [("name", key) for name in names for key in partnership_name_keys(name)]
        for label in labels:
            key = (eu, country, *label)
            if key in first_of:
                parent[find(row)] = find(first_of[key])
            else:
                first_of[key] = row
    roots = [find(row) for row in range(len(ties))]
    return pd.Series(pd.factorize(pd.Series(roots))[0], index=ties.index)


def collapse_partnerships(ties: pd.DataFrame, gazetteer: pd.DataFrame) -> pd.DataFrame:
    """Give every record-level tie of one partnership the same ``partner_id``; adds ``collapsed_partner_ids``.

    ``ties``: one row per resolved record end, with ``eu_entity``, ``partner_country_iso2``,
    ``partner_id`` (empty when unresolved), ``partner_name`` (as written), ``record_id``,
    ``source`` and ``partner_by_population`` (resolved only as the dominant namesake). The kept id
    is the one with most evidence: records of a Wikidata item that resolved to it on more than
    population (the item's own coordinates, a name with a hint), then any records that did, then
    all records; then the most city-like level (:data:`LEVEL_SPECIFICITY`); then the most
    populous. ``collapsed_partner_ids`` lists the partnership's other resolved ids (``|``-joined,
    empty when none).
    """
    ties = ties.copy()
    table = gazetteer.drop_duplicates("partner_id").set_index("partner_id")
    resolved_name = ties["partner_id"].map(table["name"])
    ties["partner_names"] = [
        [name for name in (raw, resolved) if isinstance(name, str)]
        for raw, resolved in zip(ties["partner_name"], resolved_name, strict=True)
    ]
    ties["partnership"] = partnership_groups(ties)
    # Evidence for an id: records that resolved to it on more than population (a name with a hint, the
    # item's own coordinates), Wikidata's item coordinates before the Wikipedia lists' geocoded names.
    weak = ties["partner_by_population"].fillna(False).astype(bool) if "partner_by_population" in ties else False
    evidence = ties.dropna(subset=["partner_id"]).assign(
        strong=~weak, strong_item=lambda t: t["strong"] & t["source"].ne("wikipedia_2026")
    )
    support = evidence.groupby(["partnership", "partner_id"]).agg(
        strong_item=("strong_item", "sum"), strong=("strong", "sum"), records=("record_id", "nunique")
    )
    support = support.reset_index()
    support["specificity"] = support["partner_id"].map(table["level"]).map(LEVEL_SPECIFICITY).fillna(9)
    support["population"] = support["partner_id"].map(table["population"]).astype("float64").fillna(-1)
    support = support.sort_values(
        ["partnership", "strong_item", "strong", "records", "specificity", "population", "partner_id"],
        ascending=[True, False, False, False, True, False, True],
    )
    kept = support.drop_duplicates("partnership").set_index("partnership")["partner_id"]
    others = (
        support[~support["partner_id"].isin(kept)]
        .groupby("partnership")["partner_id"]
        .agg(lambda ids: "|".join(sorted(set(ids))))
    )
    ties["partner_id"] = ties["partnership"].map(kept).astype("string").fillna(ties["partner_id"])
    ties["collapsed_partner_ids"] = ties["partnership"].map(others).astype("string").fillna("")
    # A partnership without a resolved id is named by its smallest name key ("Jiangjin" = "Jiangjin District").
    name_key = ties["partner_names"].map(
        lambda names: min((k for n in names for k in partnership_name_keys(n)), default="")
    )
    ties["partnership_name_key"] = name_key.groupby(ties["partnership"]).transform("min").astype("string")
    return ties.drop(columns=["partner_names"])


@functools.cache
def ended_partnerships() -> pd.DataFrame:
    """Reviewed end dates: ``eu_city_id, partner_id, ended_year`` (plus names, ``source`` and ``note``)."""
    note_read(ENDED_PARTNERSHIPS_PATH)
    table = pd.read_csv(ENDED_PARTNERSHIPS_PATH, dtype=str, keep_default_na=False)
    missing = {"eu_city_id", "partner_id", "ended_year", "source", "note"} - set(table.columns)
    if missing:
        raise ValueError(f"{ENDED_PARTNERSHIPS_PATH}: missing columns {sorted(missing)}")
    return table.assign(ended_year=pd.to_numeric(table["ended_year"]).astype("Int64"))


def add_partnership_fields(relations: pd.DataFrame, ended: pd.DataFrame | None = None) -> pd.DataFrame:
    """``is_domestic``, ``first_snapshot_year``, ``last_snapshot_year``, ``status`` and ``ended_year`` of each row.

    ``relations`` has ``eu_country_iso2``, ``partner_country_iso2``, ``eu_city_id``,
    ``partner_id`` and one ``in_<source>`` flag per source; ``ended`` defaults to
    :func:`ended_partnerships`.
    """
    ended = ended_partnerships() if ended is None else ended
    relations = relations.copy()
    relations["is_domestic"] = relations["eu_country_iso2"].eq(relations["partner_country_iso2"]).fillna(False)
    relations["is_domestic"] = relations["is_domestic"].astype(bool)
    years = pd.DataFrame(
        {source: np.where(relations[f"in_{source}"], year, np.nan) for source, year in SNAPSHOT_YEARS.items()},
        index=relations.index,
    )
    relations["first_snapshot_year"] = years.min(axis=1).astype("Int64")
    relations["last_snapshot_year"] = years.max(axis=1).astype("Int64")
    end_of = ended.drop_duplicates(["eu_city_id", "partner_id"]).set_index(["eu_city_id", "partner_id"])["ended_year"]
    pairs = pd.MultiIndex.from_arrays([relations["eu_city_id"].astype(object), relations["partner_id"].astype(object)])
    relations["ended_year"] = pd.Series(end_of.reindex(pairs).to_numpy(), index=relations.index).astype("Int64")
    relations["status"] = np.select(
        [relations["ended_year"].notna(), relations[f"in_{LATEST_SNAPSHOT}"].astype(bool)],
        ["ended", "active"],
        default="unknown",
    )
    relations["status"] = relations["status"].astype("string")
    return relations


# ---------------------------------------------------------------------------------------------
# Known traps: homonyms and levels that a reviewed list says how to read
# ---------------------------------------------------------------------------------------------

PARTNER_TRAPS_PATH = paths.REFERENCE / "partner_traps.csv"
ALL_EU_UNITS = "*"


def partner_traps() -> pd.DataFrame:
    """The reviewed traps: ``eu_city_id`` (``*`` for every EU unit), ``eu_name``, ``partner_name``,
    ``partner_country_iso2``, ``expected_partner_id`` (empty: only one partnership is expected, whatever its
    id), ``source``, ``note``."""
    note_read(PARTNER_TRAPS_PATH)
    table = pd.read_csv(PARTNER_TRAPS_PATH, dtype=str, keep_default_na=False)
    wanted = {"eu_city_id", "eu_name", "partner_name", "partner_country_iso2", "expected_partner_id", "source", "note"}
    missing = wanted - set(table.columns)
    if missing:
        raise ValueError(f"{PARTNER_TRAPS_PATH}: missing columns {sorted(missing)}")
    return table


def check_partner_traps(relations: pd.DataFrame, traps: pd.DataFrame) -> pd.DataFrame:
    """One row per (trap, EU unit) found in ``relations``: the partnerships that fit the trap and whether it holds.

    A partnership fits a trap when it has the trap's EU unit (every unit for ``*``) and
    partner country, and shares a partnership name key with the trap's partner name or has the
    expected id (as kept or collapsed id). The trap holds when exactly one partnership fits
    (no homonym or level duplicate) and it has the expected id (any id, or none, when the trap
    expects none: the sources disagree, or the partner is not in the gazetteer). Traps whose EU unit has no
    fitting partnership give a row with ``found`` 0 (the public sources do not record the tie
    in the table given, e.g. a small frame).
    """
    rows = []
    for trap in traps.itertuples(index=False):
        keys = set(partnership_name_keys(trap.partner_name))
        candidates = relations[relations["partner_country_iso2"].eq(trap.partner_country_iso2).fillna(False)]
        if trap.eu_city_id != ALL_EU_UNITS:
            candidates = candidates[candidates["eu_city_id"].eq(trap.eu_city_id).fillna(False)]
        by_name = [bool(keys & set(partnership_name_keys(name))) for name in candidates["partner_name"]]
        expected = trap.expected_partner_id
        kept_ids = candidates["partner_id"].fillna("").astype(str).tolist()
        collapsed = candidates["collapsed_partner_ids"].fillna("").astype(str).str.split("|").tolist()
        by_id = [
            bool(expected) and (kept == expected or expected in others) for kept, others in zip(kept_ids, collapsed)
        ]
        fitting = candidates[np.asarray(by_name, dtype=bool) | np.asarray(by_id, dtype=bool)]
        units = fitting.groupby(fitting["eu_city_id"].fillna(fitting["eu_region_code"]), dropna=False)
        if fitting.empty:
            rows.append({**trap._asdict(), "eu_unit": trap.eu_city_id, "found": 0, "partner_ids": "", "holds": True})
        for unit, found in units:
            ids = found["partner_id"].fillna("").tolist()
            holds = len(found) == 1 and (not expected or ids[0] == expected)
            rows.append(
                {**trap._asdict(), "eu_unit": unit, "found": len(found), "partner_ids": "|".join(ids), "holds": holds}
            )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Counts and reviews for the chapter
# ---------------------------------------------------------------------------------------------


def partner_group(relations: pd.DataFrame) -> pd.Series:
    """``US``, ``CN``, ``EU-27`` or ``other`` for each partnership (US: the 50 states and DC; CN: mainland China)."""
    return pd.Series(
        np.select(
            [relations["partner_is_us"], relations["partner_is_cn"], relations["partner_is_eu"]],
            ["US", "CN", "EU-27"],
            default="other",
        ),
        index=relations.index,
    )


def collapse_summary(relations: pd.DataFrame) -> pd.DataFrame:
    """By partner group: partnerships, those that collapsed several resolved ids, and the ties they replace."""
    extra = relations["collapsed_partner_ids"].fillna("").map(lambda ids: len(ids.split("|")) if ids else 0)
    grouped = relations.assign(group=partner_group(relations), extra=extra).groupby("group")
    table = pd.DataFrame(
        {
            "partnerships": grouped.size(),
            "with_collapsed_ids": grouped["extra"].apply(lambda values: int((values > 0).sum())),
            "ties_collapsed": grouped["extra"].sum(),
        }
    )
    table.loc["all"] = table.sum()
    return table.astype("int64")


def partner_place_review(relations: pd.DataFrame, gazetteer: pd.DataFrame) -> pd.DataFrame:
    """US and Chinese partnerships to review: partners resolved below the city (a district or a county), or to a
    state/province other than one the raw records name ("Taizhou, Jiangsu" resolved in Zhejiang).

    Returns the partnerships with ``reason`` (``district``, ``county`` or ``other admin-1 named``),
    ``resolved_admin1`` and ``named_admin1``.
    """
    selected = relations[relations["partner_is_us"] | relations["partner_is_cn"]].copy()
    table = gazetteer.drop_duplicates("partner_id").set_index("partner_id")
    selected["resolved_admin1"] = selected["partner_id"].map(table["admin1_name"])
    admin_names = {
        country: sorted(set(gazetteer.loc[gazetteer["country_iso2"].eq(country), "admin1_name"].dropna()))
        for country in ("US", "CN")
    }
    named = []
    for country, raw in zip(selected["partner_country_iso2"], selected["raw_strings"].fillna(""), strict=True):
        found = [name for name in admin_names.get(country, []) if f", {name}" in raw or f"({name})" in raw]
        named.append("|".join(found))
    selected["named_admin1"] = named
    other_admin = selected["named_admin1"].ne("").to_numpy() & np.array(
        [
            isinstance(resolved, str) and resolved not in names.split("|")
            for resolved, names in zip(selected["resolved_admin1"], selected["named_admin1"], strict=True)
        ],
        dtype=bool,
    )
    level = selected["partner_level"].astype("string")
    selected["reason"] = np.select(
        [level.eq("district").fillna(False), level.eq("county").fillna(False), other_admin],
        ["district", "county", "other admin-1 named"],
        default="",
    )
    columns = ["eu_name", "partner_name", "partner_id", "partner_level", "resolved_admin1", "named_admin1", "reason"]
    return selected.loc[selected["reason"].ne(""), columns].sort_values(["reason", "partner_name"])
