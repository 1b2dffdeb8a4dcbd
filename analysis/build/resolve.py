"""The one place resolver: a place name (with its country, and when known coordinates and an admin-1 hint) -> an id.

Every source that names a place goes through :func:`resolve_places`: the EU and partner ends
of the public partnership records (:mod:`analysis.build.relations`), the survey roster and
the crawl candidates (:func:`resolve_partner_names`, called by
:func:`analysis.stats.triangulation.resolve_partner_ids`) and the EUROCITIES members
(:func:`analysis.build.covariates.match_eurocities`). Names are looked up in a long *name
index* (:func:`build_name_index`; :func:`gazetteer_name_index` for partners,
:func:`frame_name_index` for EU cities, :func:`region_name_index` for NUTS2 regions).

The rules, in order (one set for every source):

1. **Names.** The whole name is tried first, then the name without a parenthetical
   ("Brooklyn (New York)"), then the part before a comma ("Mansfield, Ohio"), then the part
   after a dash ("Wuxi – Binhu"); each exactly,
   then compact ("Xi An" = "Xian"), then affix-free ("City of Cork" -> "cork"). Only the
   best variant that hits counts. Exonyms and legacy names ("Nowy Jork", "Peking") are
   alternate names of the gazetteer rows.
2. **Hints.** An admin-1 hint ("Ohio", from the name, the country label or the survey's
   state/province answer) keeps only the candidates in that admin-1 unit, when any is.
3. **Coordinates.** When the query has coordinates, candidates farther than their level's
   :data:`MAX_DISTANCE_KM` are dropped (all of them: ``coordinates_disagree``), and the
   nearest wins among equals.
4. **Name before level.** A primary name beats an alternate name, which beats an affix-free
   key ("Shanghai" is the municipality, not a district with "Shang-hai" among its alternate
   names; "Kansas" is the state, not Kansas City); at the same name rank a city (or a Chinese
   prefecture-level city) beats a district of a city, which beats a county, which beats a state,
   province or territory ("New York" and "Nowy Jork" are the city, "Beijing" the
   prefecture-level municipality, not the province; "Henan" the province, since no city has
   that primary name).
5. **Namesakes.** Several places left at the same name rank and level, and no coordinates to
   tell them apart: the most populous is taken when it has at least
   :data:`DOMINANT_POPULATION_RATIO` times the population of the next ("Portland" is Portland,
   Oregon; "Columbus" is Columbus, Ohio; "Suzhou" is Suzhou, Jiangsu), else the name is
   ``ambiguous`` and no id is given ("Springfield", "Columbia", "Taizhou").
6. **Fuzzy.** Names still not found are compared fuzzily only when the query has
   coordinates, and a fuzzy match must lie close to them (:data:`FUZZY_RADIUS_KM`).
7. **Siblings.** Mentions of the same partner name by the same EU unit name the same partner:
   one left unresolved or resolved only by rule 5 takes the id that another mention resolved
   with more information (:func:`lend_sibling_ids`): across the records of a public tie, and
   from a unit's public ties to its survey and crawl ties.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from analysis.core import caches, paths
from analysis.core.geo import haversine_km
from analysis.core.names import LEADING_AFFIXES, TRAILING_AFFIXES, normalise_name, split_alternate_names

# The cached name indexes of gazetteers (gazetteer_name_index): the folder under build/state and how many are kept.
NAME_INDEX_CACHE = "name_index"
NAME_INDEXES_KEPT = 3

# How far (km) a place's recorded coordinates may lie from the resolved entity, by entity level.
MAX_DISTANCE_KM: dict[str, float] = {
    "city": 30.0,
    "county": 120.0,
    "prefecture": 200.0,
    "state": 1500.0,
    "province": 1500.0,
    "region": 1500.0,
    "territory": 1500.0,
    "district": 30.0,
}
# Rule 4: at the same name rank a city beats a county, which beats a state ("New York"). A Chinese
# prefecture-level unit is what partners call the city (Suzhou, Wuxi, Haikou): it ranks with cities,
# so a county-level city or small town of the same name competes with it on coordinates and population.
# A district of a city (Minhang of Shanghai) ranks after the city, so a city's name never gives one of its districts.
LEVEL_RANK: dict[str, int] = {
    "city": 0,
    "prefecture": 0,
    "district": 1,
    "county": 2,
    "state": 3,
    "province": 3,
    "territory": 3,
    "region": 4,
}
# Fuzzy matches need a high name similarity *and* coordinates close to the entity: without the
# distance check, near-homonyms slip through (Müllheim ~ Mülheim, Eislingen ~ Esslingen).
FUZZY_THRESHOLD: float = 92.0
FUZZY_RADIUS_KM: float = 10.0

# Rule 5: a namesake this many times as populous as every other is the one a text means when it
# says no more ("Portland" 641k vs 68k, "Columbus" 907k vs 206k, "Kansas City" 508k vs 155k);
# below it the names are too close to call ("Springfield" 170k vs 155k, "Rochester" 211k vs 121k).
DOMINANT_POPULATION_RATIO: float = 3.0

# How each resolved name was matched, most certain first.
MATCH_METHODS: tuple[str, ...] = ("exact", "alternate", "coordinates", "fuzzy", "unresolved")

INDEX_COLUMNS: tuple[str, ...] = (
    "entity_id",
    "country_iso2",
    "key",
    "name_rank",
    "level",
    "admin_key",
    "latitude",
    "longitude",
    "population",
)


_AFFIX_TOKENS: frozenset[str] = frozenset(
    token for affix in (*LEADING_AFFIXES, *TRAILING_AFFIXES) for token in affix.split()[:1]
)


@functools.cache
def _cached_key(text: str, drop_affixes: bool) -> str:
    if not drop_affixes:
        return normalise_name(text, drop_affixes=False)
    exact = _cached_key(text, False)
    tokens = exact.split()
    # Re-normalising a key is cheap and only changes it when an affix can be dropped.
    if tokens and (tokens[0] in _AFFIX_TOKENS or tokens[-1] in _AFFIX_TOKENS):
        return normalise_name(exact, drop_affixes=True)
    return exact


def in_set(values: pd.Series, members) -> pd.Series:
    """``values.isin(members)`` through a hash set (pandas' Arrow-string ``isin`` is slow on large sets)."""
    return values.astype(object).isin(set(members))


def name_key_series(texts: pd.Series, *, drop_affixes: bool) -> pd.Series:
    """Normalised spaced keys of ``texts`` (each distinct text normalised once per process)."""
    values = texts.astype(object)
    unique = pd.unique(values.dropna().to_numpy(dtype=object))
    lookup = {text: _cached_key(str(text), drop_affixes) for text in unique}
    return values.map(lookup)


# Alternate names in Latin script only: every source writes names in Latin script, and
# transliterated Chinese/Arabic/Cyrillic alternates mostly add spurious collisions.
_LATIN_SCRIPT = re.compile(r"^[\u0000-\u024F\u1E00-\u1EFF\u2018-\u201F]+$")


def _latin_alternates(alternate_names: object) -> list[str]:
    # "Abbeville, Alabama" forms are left out: queries are also looked up by the part before a comma.
    return [name for name in split_alternate_names(alternate_names) if "," not in name and _LATIN_SCRIPT.match(name)]


def build_name_index(
    places: pd.DataFrame,
    *,
    id_column: str,
    name_columns: tuple[str, ...],
    alternate_column: str | None = None,
    level: str | pd.Series = "city",
    admin_columns: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Long name index of ``places``: one row per (entity, key).

    ``name_rank`` is 0 for keys of the primary names (``name_columns``), 1 for alternate names and
    2 for affix-free keys (e.g. "Suzhou City" -> "suzhou"). ``admin_key`` holds the normalised
    admin-1 name/code used to check hints like "Mansfield, Ohio". Keys come in spaced and compact
    ("xian") forms. Returns the columns in :data:`INDEX_COLUMNS`.
    """
    base = pd.DataFrame(
        {
            "entity_id": places[id_column].astype("string"),
            "country_iso2": places["country_iso2"].astype("string"),
            "level": level if isinstance(level, str) else pd.Series(level).astype("string").to_numpy(),
            "latitude": pd.to_numeric(places.get("latitude"), errors="coerce") if "latitude" in places else np.nan,
            "longitude": pd.to_numeric(places.get("longitude"), errors="coerce") if "longitude" in places else np.nan,
            "population": pd.to_numeric(places.get("population"), errors="coerce")
            if "population" in places
            else np.nan,
        }
    )
    admin = [name_key_series(places[column].astype("string"), drop_affixes=False) for column in admin_columns]
    admin_key = pd.Series("", index=places.index, dtype=object)
    for keys in admin:
        admin_key = admin_key + "|" + keys.fillna("").astype(object)
    base["admin_key"] = admin_key.to_numpy()
    names = []
    for column in name_columns:
        names.append(pd.DataFrame({"row": np.arange(len(places)), "text": places[column].to_numpy(), "name_rank": 0}))
    if alternate_column:
        alternates = [_latin_alternates(value) for value in places[alternate_column].astype(object).tolist()]
        rows = np.repeat(np.arange(len(places)), [len(names_of_place) for names_of_place in alternates])
        texts_of_rows = [name for names_of_place in alternates for name in names_of_place]
        names.append(pd.DataFrame({"row": rows, "text": pd.Series(texts_of_rows, dtype=object), "name_rank": 1}))
    texts = pd.concat(names, ignore_index=True).dropna(subset=["text"]).sort_values("name_rank", kind="stable")
    keyed = _keyed_names(
        texts["row"].to_numpy(), texts["text"].astype(object).map(str).to_numpy(), texts["name_rank"].to_numpy()
    )
    index = base.iloc[keyed["row"].to_numpy()].reset_index(drop=True)
    index["key"] = keyed["key"].to_numpy()
    index["name_rank"] = keyed["name_rank"].to_numpy()
    index["level_rank"] = index["level"].map(LEVEL_RANK).fillna(5).astype(int)
    return index.loc[:, [*INDEX_COLUMNS, "level_rank"]]


def _keyed_names(rows: np.ndarray, texts: np.ndarray, ranks: np.ndarray) -> pd.DataFrame:
    """(row, key, name_rank) for every name: exact keys first (at the name's rank), then affix-free
    keys at rank 2, each spaced and compact, keeping the best rank of each (row, key).

    Each distinct text is keyed once; the candidates are laid out in the order of the rule (pass,
    name, spaced before compact) and the first of each (row, key) is kept.
    """
    unique = pd.unique(texts)
    parts = []
    for drop_affixes in (False, True):
        spaced_of = {text: _cached_key(text, drop_affixes) for text in unique.tolist()}
        spaced = np.array([spaced_of[text] for text in texts.tolist()], dtype=object)
        compact = np.array([key.replace(" ", "") for key in spaced.tolist()], dtype=object)
        pass_ranks = np.full(len(ranks), 2) if drop_affixes else ranks
        # spaced and compact of one name side by side, in name order
        parts.append(
            pd.DataFrame(
                {
                    "row": np.repeat(rows, 2),
                    "key": np.column_stack([spaced, compact]).ravel(),
                    "name_rank": np.repeat(pass_ranks, 2),
                }
            )
        )
    candidates = pd.concat(parts, ignore_index=True)
    candidates = candidates[candidates["key"].to_numpy() != ""]
    kept = candidates.drop_duplicates(["row", "key"], keep="first")
    return pd.DataFrame(
        {
            "row": kept["row"].to_numpy(),
            "key": pd.Series(kept["key"].to_numpy(), dtype=object),
            "name_rank": kept["name_rank"].to_numpy(),
        }
    )


def frame_name_index(frame: pd.DataFrame) -> pd.DataFrame:
    """Name index of the frame's cities (name and ASCII name primary, alternate names secondary)."""
    return build_name_index(
        frame, id_column="city_id", name_columns=("name", "ascii_name"), alternate_column="alternate_names"
    )


def region_name_index(regions: pd.DataFrame) -> pd.DataFrame:
    """Name index of NUTS2 regions (Latin and national names)."""
    return build_name_index(
        regions.drop_duplicates("nuts2_code"),
        id_column="nuts2_code",
        name_columns=("name_latn", "name_national"),
        level="region",
    )


def gazetteer_name_index(gazetteer: pd.DataFrame) -> pd.DataFrame:
    """Name index of the partner gazetteer (levels city/county/state/province/prefecture).

    Building it takes about 4.5 s on the full gazetteer, reading it 0.15 s, so it is built once for a gazetteer's
    content and kept under ``build/state/name_index`` (:func:`analysis.core.paths.cache_dir`), keyed by the content
    and by the code that builds it: notebooks 30, 40 and 42 and the crawl detector share one. The index of some of
    the gazetteer's rows (its US places, its provinces) is the whole index's rows of those places.
    """
    path = paths.cache_dir(NAME_INDEX_CACHE) / f"gazetteer_{_gazetteer_index_key(gazetteer)[:24]}.parquet"
    index = caches.read_cached_table(path)
    if index is None:
        index = _build_gazetteer_name_index(gazetteer)
        caches.write_cached_table(index, path)
        caches.keep_newest(path.parent, "gazetteer_*.parquet", NAME_INDEXES_KEPT)
    return index


def _gazetteer_index_key(gazetteer: pd.DataFrame) -> str:
    """The cache key of the gazetteer's name index: its content, this module, the core modules it folds names with,
    and the versions of the libraries that compute and store it."""
    code = [paths.ANALYSIS / "build" / "resolve.py", *sorted((paths.ANALYSIS / "core").glob("*.py"))]
    return caches.combined(caches.frame_digest(gazetteer), caches.code_digest(code, ("pandas", "pyarrow")))


def _build_gazetteer_name_index(gazetteer: pd.DataFrame) -> pd.DataFrame:
    return build_name_index(
        gazetteer,
        id_column="partner_id",
        name_columns=("name",),
        alternate_column="alternate_names",
        level=gazetteer["level"],
        admin_columns=("admin1_name", "admin1_code"),
    )


def query_variants(queries: pd.DataFrame) -> pd.DataFrame:
    """Keys to look each query up by, with ``variant_rank`` (lower is tried first) and hints.

    Variants of a raw name, in order: the whole name; without a parenthetical ("Brooklyn (New
    York)" -> "Brooklyn", hint "New York"); the part before the first comma ("Mansfield, Ohio" ->
    "Mansfield", hint "Ohio"); the part after a dash ("Wuxi – Binhu" -> "Binhu", hint "Wuxi");
    each also in compact form, and affix-free ("City of Cork" -> "cork").
    """
    name = queries["name"].astype("string").fillna("")
    without_parenthetical = name.str.replace(r"\s*\([^)]*\)\s*", " ", regex=True).str.strip()
    parenthetical = name.str.extract(r"\(([^)]*)\)", expand=False)
    before_comma = name.str.extract(r"^([^,]*)", expand=False).str.strip()
    after_comma = name.str.extract(r",(.*)$", expand=False).str.strip()
    # "Wuxi – Binhu", "Havana – Boyeros": the Wikipedia lists' city – district form names the district.
    before_dash = name.str.extract(r"^(.+?)\s+[\u2013\u2014]\s+", expand=False).astype("string").str.strip()
    after_dash = name.str.extract(r"\s[\u2013\u2014]\s+(.+)$", expand=False).astype("string").str.strip()
    forms = [
        (name, pd.Series(pd.NA, index=queries.index, dtype="string")),
        (without_parenthetical, parenthetical),
        (before_comma, after_comma),
        (after_dash, before_dash),
    ]
    parts = []
    rank = 0
    for text, hint in forms:
        for drop_affixes in (False, True):
            spaced = name_key_series(text, drop_affixes=drop_affixes).astype(object).fillna("").astype(str)
            for key in (spaced, spaced.str.replace(" ", "", regex=False)):
                parts.append(
                    pd.DataFrame(
                        {
                            "query_id": queries["query_id"].to_numpy(),
                            "key": key.to_numpy(),
                            "hint": hint.to_numpy(),
                            "variant_rank": rank,
                        }
                    )
                )
                rank += 1
    variants = pd.concat(parts, ignore_index=True)
    variants = variants[variants["key"].fillna("").str.len() > 0]
    hints = name_key_series(variants["hint"].astype("string"), drop_affixes=False).astype(object)
    region_hint = name_key_series(queries.set_index("query_id")["hint"].astype("string"), drop_affixes=False).astype(
        object
    )
    variants["hint_key"] = hints.fillna(variants["query_id"].map(region_hint)).fillna("").astype(str)
    return variants.sort_values("variant_rank", kind="stable").drop_duplicates(["query_id", "key"])


RESOLUTION_COLUMNS: tuple[str, ...] = (
    "query_id",
    "entity_id",
    "status",
    "match_method",
    "match_score",
    "distance_km",
    "candidate_count",
    "by_population",
)


def resolve_places(
    queries: pd.DataFrame,
    index: pd.DataFrame,
    *,
    fuzzy: bool = True,
) -> pd.DataFrame:
    """Resolve place names within their country against a name index.

    ``queries``: ``query_id`` (unique), ``country_iso2``, ``name``, ``latitude``, ``longitude``,
    ``hint`` (admin-1 text or empty). ``index``: from :func:`build_name_index`.

    Returns one row per query with :data:`RESOLUTION_COLUMNS`; ``status`` is ``resolved``,
    ``not_found``, ``ambiguous`` (several equally good candidates that neither coordinates nor
    population tell apart: rule 5 of the module docstring) or ``coordinates_disagree`` (name found, but every candidate lies beyond its level's
    :data:`MAX_DISTANCE_KM` from the recorded coordinates). ``match_method`` is ``exact``
    (primary name), ``alternate`` (alternate or affix-free name), ``coordinates`` (homonyms
    told apart by distance) or ``fuzzy``; ``by_population`` is True when rule 5 (the dominant
    namesake) made the choice, a weaker ground than a name, a hint or coordinates. There is deliberately no pass on coordinates alone:
    neighbouring towns share name parts (Le Cannet ~ Cannes, Sant Feliu ~ Sant Boi de Llobregat).
    """
    queries = queries.reset_index(drop=True)
    variants = query_variants(queries)
    candidates = variants.merge(queries[["query_id", "country_iso2", "latitude", "longitude"]], on="query_id").merge(
        index, on=["country_iso2", "key"], suffixes=("", "_entity")
    )
    exact = _choose_candidates(candidates)
    exact["match_score"] = 100.0

    outcome = queries[["query_id"]].merge(exact, on="query_id", how="left")
    outcome["status"] = outcome["status"].fillna("not_found")
    if fuzzy:
        leftover = queries[in_set(queries["query_id"], outcome.loc[outcome["status"] == "not_found", "query_id"])]
        fuzzy_matches = _fuzzy_pass(leftover, variants, index)
        outcome = _overlay(outcome, fuzzy_matches)
    outcome["candidate_count"] = outcome["candidate_count"].fillna(0).astype(int)
    outcome["by_population"] = outcome["by_population"].fillna(False).astype(bool)
    return outcome.loc[:, list(RESOLUTION_COLUMNS)]


def resolve_place_table(places: pd.DataFrame, index: pd.DataFrame, *, fuzzy: bool = True) -> pd.DataFrame:
    """:func:`resolve_places` for a table of places, each distinct place resolved once.

    ``places``: ``country_iso2``, ``name``, ``latitude``, ``longitude``, ``hint`` (any index).
    Returns :data:`RESOLUTION_COLUMNS` without ``query_id``, aligned with ``places``.
    """
    generic = ["country_iso2", "name", "latitude", "longitude", "hint"]
    places = places[generic]
    place_number = places.groupby(generic, dropna=False, sort=False).ngroup().to_numpy()
    distinct = places.assign(query_id=place_number).drop_duplicates("query_id").reset_index(drop=True)
    resolved = resolve_places(distinct, index, fuzzy=fuzzy).set_index("query_id")
    aligned = resolved.reindex(place_number)
    return aligned.reset_index(drop=True).set_axis(places.index)


def resolve_partner_names(
    names: pd.Series,
    countries: pd.Series,
    index: pd.DataFrame,
    admin1: pd.Series | None = None,
    *,
    unit_ids: pd.Series | None = None,
    known_ties: pd.DataFrame | None = None,
) -> pd.Series:
    """Gazetteer ``partner_id`` of each named partner (``None`` when not found or ambiguous).

    ``names`` and ``countries`` (ISO2) are aligned Series, as is the optional ``admin1``
    (state/province as written, the hint of rule 2); ``index`` is :func:`gazetteer_name_index`
    of the gazetteer. The rules are :func:`resolve_places`'s, so a name resolves here exactly
    as in the public records given the same information. With ``unit_ids`` (the EU unit naming
    each partner) and ``known_ties`` (``unit_id, partner_country_iso2, partner_name,
    partner_id`` already resolved, e.g. the unit's public ties), rule 7 applies across
    sources: see :func:`lend_sibling_ids`.
    """
    frame = pd.DataFrame(
        {
            "country_iso2": _aligned(countries, names.index, "string"),
            "name": _aligned(names, names.index, "string"),
            "latitude": np.nan,
            "longitude": np.nan,
            "hint": _aligned(admin1, names.index, "string"),
            "partner_id": pd.Series(pd.NA, index=names.index, dtype="string"),
            "by_population": False,
        }
    )
    usable = frame["name"].fillna("").str.strip().ne("") & frame["country_iso2"].notna()
    if usable.any():
        resolved = resolve_place_table(frame[usable], index)
        frame.loc[usable, "partner_id"] = resolved["entity_id"].where(resolved["status"].eq("resolved"))
        frame.loc[usable, "by_population"] = resolved["by_population"].astype(bool)
    ids = frame["partner_id"]
    if unit_ids is not None and known_ties is not None:
        own = frame.assign(
            unit_id=_aligned(unit_ids, names.index, "string"), partner_country_iso2=frame["country_iso2"]
        )
        known = known_ties.dropna(subset=["partner_id"]).assign(by_population=False)
        siblings = pd.concat(
            [own.assign(own=True), known.assign(own=False, name=known["partner_name"])], ignore_index=True
        )
        siblings["partner_name_key"] = name_key_series(siblings["name"].astype("string"), drop_affixes=False)
        lent = lend_sibling_ids(siblings, ["unit_id", "partner_country_iso2", "partner_name_key"])
        ids = pd.Series(lent[siblings["own"]].to_numpy(), index=names.index)
    return ids.astype(object).where(ids.notna(), None)


def _aligned(values: pd.Series | None, index: pd.Index, dtype: str) -> pd.Series:
    """``values`` on ``index`` (by position) as ``dtype``; all missing when ``values`` is None."""
    if values is None:
        return pd.Series(pd.NA if dtype == "string" else np.nan, index=index, dtype=dtype)
    return pd.Series(values.to_numpy(), index=index).astype(dtype)


def lend_sibling_ids(ties: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Rule 7: ``partner_id`` of each row, where sibling rows lend their id to a row that has a weaker one.

    ``ties`` has ``partner_id`` (empty when unresolved), ``by_population`` (resolved only as the
    dominant namesake, rule 5) and the ``keys`` columns, e.g. EU unit, partner country and name
    key: rows with the same keys name the same partner. A row whose partner is unresolved or
    resolved only by population takes the one id that its siblings resolved with more
    information (a hint or coordinates), else the one id its siblings resolved at all:
    "Gainesville" without coordinates is the Gainesville that a record of the same tie located.
    """
    resolved = ties.dropna(subset=["partner_id"]).assign(weak=lambda t: t["by_population"].astype(bool))
    strongest = resolved[resolved["weak"] == resolved.groupby(keys)["weak"].transform("min")]
    lent = strongest.drop_duplicates([*keys, "partner_id"]).drop_duplicates(keys, keep=False).set_index(keys)
    sibling_id = pd.Series(
        lent["partner_id"].reindex(pd.MultiIndex.from_frame(ties[keys])).to_numpy(), index=ties.index
    )
    takes = ties["partner_id"].isna() | ties["by_population"].astype(bool)
    return ties["partner_id"].where(~takes | sibling_id.isna(), sibling_id)


def _overlay(outcome: pd.DataFrame, better: pd.DataFrame) -> pd.DataFrame:
    """Replace the rows of ``outcome`` whose query was resolved in ``better``."""
    if better.empty:
        return outcome
    kept = outcome[~in_set(outcome["query_id"], better["query_id"])]
    return pd.concat([kept, better], ignore_index=True)


def _choose_candidates(candidates: pd.DataFrame) -> pd.DataFrame:
    """Pick one entity per query from exact-key candidates (rules 1-5 of the module docstring, vectorised)."""
    if candidates.empty:
        return pd.DataFrame(columns=[c for c in RESOLUTION_COLUMNS if c != "match_score"])
    c = candidates.copy()
    # Rule 1: only the best variant of the name counts (the whole name before its parts).
    c = c[c["variant_rank"] == c.groupby("query_id")["variant_rank"].transform("min")]
    c["distance_km"] = haversine_km(c["latitude"], c["longitude"], c["latitude_entity"], c["longitude_entity"])
    # Rule 2: an admin-1 hint ("Ohio") keeps only the candidates in that admin-1 unit, when any is.
    c["hint_ok"] = [
        bool(h) and h in admin.split("|") for h, admin in zip(c["hint_key"], c["admin_key"].fillna(""), strict=True)
    ]
    any_hint_ok = c.groupby("query_id")["hint_ok"].transform("any")
    c = c[~any_hint_ok | c["hint_ok"]]
    # Rule 3: entities without coordinates (counties, states) cannot be checked and are not rejected.
    c["max_km"] = c["level"].map(MAX_DISTANCE_KM).fillna(MAX_DISTANCE_KM["city"])
    c["within"] = c["distance_km"].isna() | (c["distance_km"] <= c["max_km"])
    c["checked"] = c["latitude"].notna() & c["longitude"].notna()
    per_query = c.groupby("query_id").agg(
        candidate_count=("entity_id", "nunique"), any_within=("within", "any"), checked=("checked", "first")
    )
    disagree = per_query.index[per_query["checked"] & ~per_query["any_within"]]
    # Rule 4: name rank, then level; coordinates and population order the equals.
    c = c[c["within"]].sort_values(
        ["query_id", "name_rank", "level_rank", "distance_km", "population"],
        ascending=[True, True, True, True, False],
        na_position="last",
    )
    c = c.drop_duplicates(["query_id", "entity_id"])
    best = c.drop_duplicates("query_id", keep="first").set_index("query_id")
    best["candidate_count"] = per_query["candidate_count"].reindex(best.index)
    has_rival, dominant = _rivals(c, best)
    best["status"] = np.where(has_rival & best["distance_km"].isna() & ~dominant, "ambiguous", "resolved")
    best["by_population"] = has_rival & best["distance_km"].isna() & dominant
    # Several entities carried the name and the recorded coordinates picked one (Frankfurt am Main / (Oder)).
    separated_by_distance = best["candidate_count"].gt(1) & best["distance_km"].notna()
    best["match_method"] = np.select(
        [separated_by_distance, best["name_rank"].eq(0)], ["coordinates", "exact"], default="alternate"
    )
    result = best.reset_index()[
        ["query_id", "entity_id", "status", "match_method", "distance_km", "candidate_count", "by_population"]
    ]
    result.loc[result["status"] == "ambiguous", ["entity_id", "match_method"]] = [pd.NA, pd.NA]
    disagreeing = pd.DataFrame(
        {
            "query_id": disagree,
            "entity_id": pd.NA,
            "status": "coordinates_disagree",
            "match_method": pd.NA,
            "distance_km": np.nan,
            "candidate_count": per_query["candidate_count"].reindex(disagree).to_numpy(),
            "by_population": False,
        }
    )
    return pd.concat([result, disagreeing], ignore_index=True)


def _rivals(candidates: pd.DataFrame, best: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Rule 5, per query: does the best candidate have equally good rivals, and does it dominate them?

    Rivals share the best candidate's name rank and level (coordinates, when there are any,
    already made the best the nearest). The best dominates when it is
    :data:`DOMINANT_POPULATION_RATIO` times as populous as the largest rival (an unknown
    population never dominates). Both Series are aligned with ``best``.
    """
    tier = candidates.merge(
        best[["entity_id", "level_rank", "name_rank"]], left_on="query_id", right_index=True, suffixes=("", "_best")
    )
    tier = tier[(tier["level_rank"] == tier["level_rank_best"]) & (tier["name_rank"] == tier["name_rank_best"])]
    rivals = tier[tier["entity_id"] != tier["entity_id_best"]]
    unknown = rivals["population"].isna().groupby(rivals["query_id"]).any()
    largest_rival = rivals.groupby("query_id")["population"].max().where(~unknown).reindex(best.index)
    has_rival = pd.Series(best.index.isin(rivals["query_id"].unique()), index=best.index)
    dominant = (best["population"] >= DOMINANT_POPULATION_RATIO * largest_rival).fillna(False).astype(bool)
    return has_rival, dominant


def _digits(key: str) -> str:
    return "".join(character for character in key if character.isdigit())


def _fuzzy_key_pairs(work: pd.DataFrame, searchable: pd.DataFrame):
    """Per country: (queries, index rows, best key pairs ``key, matched_key, match_score``) of the fuzzy pass.

    Pairs score at least :data:`FUZZY_THRESHOLD`, carry the same digits ("Prague 5" is not
    "Prague 6"), and are the best-scoring pairs of their query key.
    """
    for country, group in work.groupby("country_iso2"):
        choices = searchable[searchable["country_iso2"] == country]
        if choices.empty:
            continue
        choice_keys = choices["key"].unique()
        unique_keys = group["key"].unique()
        scores = process.cdist(unique_keys, choice_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, workers=-1)
        rows, cols = np.nonzero(scores)
        if len(rows) == 0:
            continue
        hits = pd.DataFrame(
            {"key": unique_keys[rows], "matched_key": choice_keys[cols], "match_score": scores[rows, cols]}
        )
        same_digits = [_digits(a) == _digits(b) for a, b in zip(hits["key"], hits["matched_key"], strict=True)]
        hits = hits[np.asarray(same_digits, dtype=bool)]
        yield group, choices, hits[hits["match_score"] == hits.groupby("key")["match_score"].transform("max")]


def _fuzzy_pass(leftover: pd.DataFrame, variants: pd.DataFrame, index: pd.DataFrame) -> pd.DataFrame:
    """Fuzzy match (rapidfuzz ratio >= :data:`FUZZY_THRESHOLD`) of leftover queries' whole-name keys,
    blocked by country, against primary and alternate keys; accepted only if the match is a single
    entity and the query's coordinates lie within :data:`FUZZY_RADIUS_KM` of it (cities) or within
    its level's limit (larger units). Queries without coordinates are not matched fuzzily."""
    if leftover.empty:
        return pd.DataFrame(columns=list(RESOLUTION_COLUMNS))
    # Only queries with coordinates: a fuzzy city match must be confirmed by distance anyway.
    leftover = leftover.dropna(subset=["latitude", "longitude"])
    if leftover.empty:
        return pd.DataFrame(columns=list(RESOLUTION_COLUMNS))
    first_key = variants[in_set(variants["query_id"], leftover["query_id"])].drop_duplicates("query_id")
    work = leftover.merge(first_key[["query_id", "key"]], on="query_id")
    found = [
        group.merge(hits, on="key").merge(
            choices.rename(columns={"key": "matched_key"}), on=["country_iso2", "matched_key"], suffixes=("", "_entity")
        )
        for group, choices, hits in _fuzzy_key_pairs(work, index[index["name_rank"] < 2])
    ]
    if not found:
        return pd.DataFrame(columns=list(RESOLUTION_COLUMNS))
    hits = pd.concat(found, ignore_index=True)
    hits["distance_km"] = haversine_km(
        hits["latitude"], hits["longitude"], hits["latitude_entity"], hits["longitude_entity"]
    )
    # Cities need recorded coordinates within FUZZY_RADIUS_KM; larger units only their level's limit.
    is_city = hits["level"].eq("city")
    city_ok = hits["distance_km"].le(FUZZY_RADIUS_KM)
    max_km = hits["level"].map(MAX_DISTANCE_KM).fillna(MAX_DISTANCE_KM["city"])
    larger_ok = hits["distance_km"].isna() | hits["distance_km"].le(max_km)
    hits = hits[(is_city & city_ok) | (~is_city & larger_ok)]
    unique_entity = hits.groupby("query_id")["entity_id"].nunique() == 1
    hits = hits[hits["query_id"].isin(unique_entity.index[unique_entity])].drop_duplicates("query_id")
    return pd.DataFrame(
        {
            "query_id": hits["query_id"],
            "entity_id": hits["entity_id"],
            "status": "resolved",
            "match_method": "fuzzy",
            "match_score": hits["match_score"].astype(float),
            "distance_km": hits["distance_km"],
            "candidate_count": 1,
            "by_population": False,
        }
    )
