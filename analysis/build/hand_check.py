"""The gold set of matching quality: a stratified sample of raw records judged by hand, and the
matcher's ties for the same records.

A *record* is one raw partnership statement of one source (``analysis.build.records``). The
gold set (``analysis/checks/matching_gold.csv``) says, for each sampled record, which ties it
should give: pairs ``eu_unit=partner`` where ``eu_unit`` is a frame ``city_id`` or
``NUTS2:<code>`` and ``partner`` a gazetteer ``partner_id`` or ``<ISO2>:?`` (a partner that is
not in the gazetteer, by its country). The judgements were made from the raw record and the
places themselves, not from the matcher's output.

:func:`record_outcomes` classifies every record by what the current matcher did with it (its
match method, or its quarantine reason); :func:`gold_sample` draws the stratified sample;
:func:`read_gold` reads and checks the verdicts (an unknown record id fails);
:func:`gold_ties` and :func:`judged_records` give the judged ties and records, and
:func:`matcher_ties` the current matcher's ties per record. Precision and recall are
computed in :mod:`analysis.stats.match_quality`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

GOLD_SEED = "matching-gold-2026"
GOLD_COLUMNS: tuple[str, ...] = (
    "record_id",
    "source",
    "stratum",
    "raw_string",
    "verdict",
    "gold_ties",
    "eu_place",
    "partner_place",
    "verdict_basis",
    "note",
)
# verdict: the record gives at least one frame tie (``tie``), is a real partnership of no frame
# unit (``no_frame_tie``), is not a partnership between two places (``not_a_partnership``), or
# cannot be judged (``undecidable``, excluded from the measures).
VERDICTS: tuple[str, ...] = ("tie", "no_frame_tie", "not_a_partnership", "undecidable")
# Partner countries the study's outcomes are about; they are over-sampled.
FOCUS_COUNTRIES: frozenset[str] = frozenset({"US", "CN"})
# Records drawn per stratum: strata touching a US or Chinese place, and the others.
SAMPLE_SIZES: Mapping[bool, int] = {True: 7, False: 3}


def record_outcomes(records: pd.DataFrame, relations: pd.DataFrame, quarantine: pd.DataFrame) -> pd.DataFrame:
    """What the current matcher did with each record: ``record_id``, ``source``, ``outcome``, ``focus``.

    ``outcome`` is the match method of the tie the record is behind (``exact``, ``alternate``,
    ``coordinates``, ``fuzzy``, ``unresolved`` partner; the tie's best method over its records) or
    ``quarantined:<reason>``. ``focus`` is True when either end's country is the US or China.
    """
    behind = relations[["relation_id", "record_ids", "match_method"]].assign(
        record_id=relations["record_ids"].str.split("|")
    )
    behind = behind.explode("record_id").sort_values(["record_id", "relation_id"]).drop_duplicates("record_id")
    method = behind.set_index("record_id")["match_method"]
    reason = "quarantined:" + quarantine.drop_duplicates("record_id").set_index("record_id")["reason"].astype(str)
    ids = records["record_id"].astype(str)
    outcome = ids.map(method).astype(object)
    outcome = outcome.where(outcome.notna(), ids.map(reason))
    if outcome.isna().any():
        raise ValueError(f"records neither in a tie nor quarantined: {ids[outcome.isna()].head(5).tolist()}")
    focus = records["a_country_iso2"].isin(FOCUS_COUNTRIES) | records["b_country_iso2"].isin(FOCUS_COUNTRIES)
    return pd.DataFrame(
        {"record_id": ids, "source": records["source"].astype(str), "outcome": outcome, "focus": focus.astype(bool)}
    ).reset_index(drop=True)


def stratum_of(outcomes: pd.DataFrame) -> pd.Series:
    """Stratum label ``source|outcome|US-CN`` (or ``|other``) of each row of :func:`record_outcomes`."""
    return outcomes["source"] + "|" + outcomes["outcome"] + "|" + outcomes["focus"].map({True: "US-CN", False: "other"})


def gold_sample(
    outcomes: pd.DataFrame, sizes: Mapping[bool, int] = SAMPLE_SIZES, seed: str = GOLD_SEED
) -> pd.DataFrame:
    """The stratified sample: per stratum (:func:`stratum_of`), the ``sizes[focus]`` records with the
    smallest SHA-1 of ``seed:record_id``.

    Ranking by a hash of the record id (not by row position) draws the same records whatever the
    order of the input, and keeps a judged record in the sample when other records come or go.
    Returns ``record_id``, ``source``, ``stratum``, ``outcome``, ``focus``, sorted by stratum and rank.
    """
    order = outcomes["record_id"].map(lambda rid: hashlib.sha1(f"{seed}:{rid}".encode()).hexdigest())
    ranked = outcomes.assign(stratum=stratum_of(outcomes), order=order).sort_values(["stratum", "order"])
    rank = ranked.groupby("stratum").cumcount()
    keep = rank < ranked["focus"].map(dict(sizes))
    return ranked[keep].drop(columns="order").reset_index(drop=True)


def stratum_sizes(outcomes: pd.DataFrame) -> pd.Series:
    """Number of records in each stratum (the population the sample stands for)."""
    return stratum_of(outcomes).value_counts().rename("records").rename_axis("stratum")


def matcher_ties(relations: pd.DataFrame) -> pd.DataFrame:
    """The current matcher's ties per record: ``record_id``, ``eu_unit``, ``partner``, ``partner_country``.

    ``eu_unit`` is the frame city_id or ``NUTS2:<code>``; ``partner`` the gazetteer partner_id or
    ``<ISO2>:?`` when the tie was kept without one.
    """
    ties = pd.DataFrame(
        {
            "record_id": relations["record_ids"].astype(str).str.split("|"),
            "eu_unit": relations["eu_city_id"].fillna("NUTS2:" + relations["eu_region_code"].astype("string")),
            "partner": relations["partner_id"].fillna(relations["partner_country_iso2"].astype("string") + ":?"),
            "partner_country": relations["partner_country_iso2"],
        }
    )
    return ties.explode("record_id").astype(str).reset_index(drop=True)


def judged_records(gold: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """The gold set's judged records (not ``undecidable``) with their *current* stratum
    (:func:`stratum_of` of the current matcher's outcome): ``record_id``, ``stratum``, ``drawn_stratum``.

    Measures are post-stratified by the current stratum, so a later matcher change is measured
    again; ``drawn_stratum`` is the stratum the record was drawn from.
    """
    judged = gold.loc[gold["verdict"] != "undecidable", ["record_id", "stratum"]].rename(
        columns={"stratum": "drawn_stratum"}
    )
    current = outcomes.assign(stratum=stratum_of(outcomes)).set_index("record_id")["stratum"]
    return judged.assign(stratum=judged["record_id"].map(current)).loc[:, ["record_id", "stratum", "drawn_stratum"]]


def gold_path() -> Path:
    """The committed gold set (``analysis/checks/matching_gold.csv``)."""
    from analysis.core import paths

    return paths.CHECKS / "matching_gold.csv"


def read_gold(raw_strings: Mapping[str, str], path: Path | None = None) -> pd.DataFrame:
    """Read the gold set and check it against the current records (``raw_strings``: record_id ->
    raw_string, e.g. ``records.set_index("record_id")["raw_string"]``).

    Fails (``ValueError``) on a missing column, an unknown verdict, a ``tie`` verdict without ties,
    a record id that no longer exists, and a record id that now names another raw record (its raw
    string changed); the message names the file, the line and the record id.
    """
    from analysis.core.tracking import note_read

    path = gold_path() if path is None else Path(path)
    note_read(path)
    gold = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in GOLD_COLUMNS if c not in gold.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}; expected {list(GOLD_COLUMNS)}")
    current = gold["record_id"].map(lambda rid: raw_strings.get(rid))
    problems = [
        (~gold["verdict"].isin(VERDICTS), "verdict not one of " + ", ".join(VERDICTS)),
        ((gold["verdict"] == "tie") & (gold["gold_ties"] == ""), "verdict 'tie' without gold_ties"),
        (current.isna(), "record id no longer exists"),
        (
            current.notna() & (current.fillna("").astype(str) != gold["raw_string"]),
            "record id names another raw record",
        ),
    ]
    for bad, what in problems:
        if bad.any():
            first = int(bad.to_numpy().nonzero()[0][0])
            raise ValueError(f"{path}, line {first + 2}: {what} (record_id {gold['record_id'].iloc[first]})")
    return gold


def gold_ties(
    gold: pd.DataFrame, partner_countries: Mapping[str, str], eu_units: Iterable[str], *, whole_frame: bool = True
) -> pd.DataFrame:
    """The gold set's ties, one row per ``eu_unit=partner`` pair of a judged record (``undecidable``
    records are left out): ``record_id``, ``eu_unit``, ``partner`` (accepted ids separated by ``/``,
    e.g. a municipality that is also a province-level unit) and ``partner_country``.

    ``partner_countries`` maps gazetteer partner_id -> ISO2 (``<ISO2>:?`` carries its own country);
    ``eu_units`` are the current frame city_ids and ``NUTS2:<code>``s. A gold id that is no longer in
    the gazetteer or the frame fails (``ValueError`` naming the ids): its verdict needs a new look.
    With ``whole_frame=False`` (a test build on a smaller frame) ties of EU units outside the frame
    are left out instead of failing.
    """
    judged = gold[gold["verdict"] != "undecidable"]
    pairs = judged.assign(pair=judged["gold_ties"].str.split("|")).explode("pair")
    pairs = pairs[pairs["pair"].fillna("") != ""]
    if not whole_frame:
        units = set(eu_units)
        pairs = pairs[pairs["pair"].str.split("=", n=1).str[0].isin(units)]
    split = pairs["pair"].str.split("=", n=1, expand=True).reindex(columns=[0, 1]).fillna("")
    first = split[1].str.split("/").str[0]
    country = first.map(lambda p: p[:-2] if p.endswith(":?") else partner_countries.get(p, ""))
    partners = split[1].str.split("/").explode()
    stale = {
        "partner ids not in the gazetteer": partners[~partners.str.endswith(":?")].loc[
            lambda ids: ~ids.isin(set(partner_countries.keys()))
        ],
        "EU units not in the frame": split[0][~split[0].isin(set(eu_units))],
    }
    for what, ids in stale.items():
        if not ids.empty:
            raise ValueError(f"{gold_path()}: {what}: {sorted(ids.unique())[:10]}; re-judge those verdicts")
    return pd.DataFrame(
        {
            "record_id": pairs["record_id"].to_numpy(),
            "eu_unit": split[0].to_numpy(),
            "partner": split[1].to_numpy(),
            "partner_country": country.to_numpy(),
        }
    )
