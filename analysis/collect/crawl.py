"""The web crawl's export: loading it, classifying each keyword hit, and turning accepted hits into ties.

The crawler (run outside the compendium, phase 1) writes one row per keyword hit on a
municipal or regional website; the format is documented in ``docs/data-formats.md`` and
checked by :data:`CRAWL_EXPORT_SCHEMA`. Keyword matching alone finds many false ties
(domain-methods section 5.3), so every hit goes through :func:`classify_hit`, whose lexicon
and trap list are data in ``analysis/reference/crawl_lexicon.json``:

1. trap phrases are masked first (EU "Twinning" projects, eTwinning, school twinning,
   "Twin Cities", religious brotherhoods, "twin" in unrelated senses);
2. a twin term of the page's language (or English) in what is left makes the hit a ``twin``;
   failing that, an agreement term (MoU, cooperation agreement) makes it an ``agreement``;
   a generic partner word alone ("Partnerschaft", "partnerstwo") never counts;
3. a US candidate whose name is also an EU place (Paris TX, Toledo OH ...) needs a US
   context word (country, state, ", TX") in the snippet, and a Chinese candidate whose name
   is a common syllable (Yan, Lu ...) needs a China context word.

:func:`crawl_ties_from_hits` keeps the accepted hits and merges them into one row per
(unit, partner), the same shape as the survey roster.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pandera.pandas as pa

from analysis.acquire import sources
from analysis.core import fields, paths, tables
from analysis.core.names import fold_text, normalise_name
from analysis.core.tracking import note_read

LEXICON_PATH: Path = paths.REFERENCE / "crawl_lexicon.json"

HIT_LABELS: tuple[str, ...] = ("twin", "agreement", "rejected")
ACCEPTED_LABELS: tuple[str, ...] = ("twin", "agreement")
EXPORT_COLUMNS: tuple[str, ...] = (
    "hit_id",
    "unit_id",
    "url",
    "fetched",
    "language",
    "keyword",
    "snippet",
    "candidate_partner_name",
    "candidate_country_iso2",
    "score",
)


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class Lexicon:
    """Compiled keyword lexicon (see ``crawl_lexicon.json`` for what each list holds)."""

    twin_terms: dict[str, re.Pattern[str]]
    agreement_terms: dict[str, re.Pattern[str]]
    case_sensitive_traps: tuple[tuple[str, re.Pattern[str]], ...]
    traps: tuple[tuple[str, re.Pattern[str]], ...]
    generic_partner_words: re.Pattern[str]
    us_context: re.Pattern[str]
    us_context_acronyms: re.Pattern[str]
    us_state_abbreviations: re.Pattern[str]
    cn_context: re.Pattern[str]
    us_namesakes: frozenset[str]
    cn_ambiguous_names: frozenset[str]


def _alternation(patterns: list[str], flags: int = 0) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in patterns) + r")(?!\w)", flags)


def compile_lexicon(raw: dict) -> Lexicon:
    """Compile the lexicon's JSON content (a dict) into :class:`Lexicon`; a bad regex raises ``re.error`` naming it."""

    def compiled(patterns: list[str], where: str, flags: int = 0) -> re.Pattern[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise re.error(f"{LEXICON_PATH.name}: {where}: bad pattern {pattern!r}: {error}") from None
        return _alternation(patterns, flags)

    return Lexicon(
        twin_terms={lang: compiled(terms, f"twin_terms.{lang}") for lang, terms in raw["twin_terms"].items()},
        agreement_terms={
            lang: compiled(terms, f"agreement_terms.{lang}") for lang, terms in raw["agreement_terms"].items()
        },
        case_sensitive_traps=tuple((t["reason"], re.compile(t["pattern"])) for t in raw["case_sensitive_traps"]),
        traps=tuple((t["reason"], compiled([t["pattern"]], f"traps.{t['reason']}")) for t in raw["traps"]),
        generic_partner_words=compiled(raw["generic_partner_words"], "generic_partner_words"),
        us_context=compiled(raw["us_context_words"] + raw["us_state_names"], "us_context_words"),
        us_context_acronyms=_alternation([re.escape(a) for a in raw["us_context_acronyms"]]),
        us_state_abbreviations=re.compile(raw["us_state_abbreviation_pattern"]),
        cn_context=compiled(raw["cn_context_words"] + raw["cn_province_names"], "cn_context_words"),
        us_namesakes=frozenset(fold_text(name).strip() for name in raw["us_namesakes_of_eu_places"]),
        cn_ambiguous_names=frozenset(fold_text(name).strip() for name in raw["cn_ambiguous_names"]),
    )


@functools.cache
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """The committed lexicon, compiled once per process."""
    note_read(path)
    return compile_lexicon(json.loads(Path(path).read_text(encoding="utf-8")))


# --------------------------------------------------------------------------- classifier


class HitClass(NamedTuple):
    """What :func:`classify_hit` decided: ``label`` (twin/agreement/rejected), ``reason``,
    the lexicon term that matched (folded, empty when none) and the traps seen."""

    label: str
    reason: str
    matched_term: str
    traps: tuple[str, ...]


def classify_hit(
    snippet: str,
    language: str | None,
    candidate: str | None,
    candidate_country_iso2: str | None = None,
    *,
    lexicon: Lexicon | None = None,
) -> HitClass:
    """Classify one crawl hit from its ``snippet`` (the text window around the keyword).

    ``language`` is the page's ISO 639-1 code (its terms and the English ones are tried; an
    unknown language tries every language); ``candidate`` is the partner name the crawler
    found and ``candidate_country_iso2`` its country. Reasons: ``twin_term``,
    ``agreement_term``, a trap's reason (``eu_twinning_project``, ``etwinning``,
    ``school_twinning``, ``twin_cities_minneapolis``, ``religious_brotherhood``,
    ``twin_in_unrelated_sense``), ``generic_partner_word``, ``no_twin_term``,
    ``us_namesake_without_us_context``, ``cn_name_without_china_context``.
    """
    lexicon = lexicon or load_lexicon()
    original = "" if snippet is None or snippet != snippet else str(snippet)
    folded, traps = _mask_traps(original, lexicon)
    twin, agreement = _twin_and_agreement_terms(folded, language, lexicon)
    if twin:
        label, reason, term = "twin", "twin_term", twin
    elif agreement:
        label, reason, term = "agreement", "agreement_term", agreement
    elif traps:
        return HitClass("rejected", traps[0], "", traps)
    elif lexicon.generic_partner_words.search(folded):
        return HitClass("rejected", "generic_partner_word", "", traps)
    else:
        return HitClass("rejected", "no_twin_term", "", traps)
    context_reason = _missing_partner_context(original, candidate, candidate_country_iso2, lexicon)
    if context_reason:
        return HitClass("rejected", context_reason, term, traps)
    return HitClass(label, reason, term, traps)


def _mask_traps(original: str, lexicon: Lexicon) -> tuple[str, tuple[str, ...]]:
    """The folded snippet with every false-positive trap blanked out, and the traps seen (first seen first).

    Case-sensitive traps (e.g. "Twin Cities") are matched on the original text, the others on the folded one.
    """
    traps_seen: list[str] = []
    masked = original
    for reason, pattern in lexicon.case_sensitive_traps:
        if pattern.search(masked):
            traps_seen.append(reason)
            masked = pattern.sub(" ", masked)
    folded = fold_text(masked)
    for reason, pattern in lexicon.traps:
        if pattern.search(folded):
            traps_seen.append(reason)
            folded = pattern.sub(" ", folded)
    return folded, tuple(dict.fromkeys(traps_seen))


def _twin_and_agreement_terms(folded: str, language: str | None, lexicon: Lexicon) -> tuple[str, str]:
    """The first twinning term and the first agreement term found ('' when none), in the page's language and English."""
    languages = [language, "en"] if language in lexicon.twin_terms else list(lexicon.twin_terms)
    languages = list(dict.fromkeys(languages))
    twin = _first_match(folded, [lexicon.twin_terms[lang] for lang in languages if lang in lexicon.twin_terms])
    agreement = _first_match(
        folded, [lexicon.agreement_terms[lang] for lang in languages if lang in lexicon.agreement_terms]
    )
    return twin, agreement


def _missing_partner_context(
    original: str, candidate: str | None, candidate_country_iso2: str | None, lexicon: Lexicon
) -> str | None:
    """Why a US namesake or an ambiguous Chinese name is rejected (no US / China context in the snippet), else None."""
    candidate_key = fold_text(candidate or "").strip()
    if (
        candidate_country_iso2 == "US"
        and candidate_key in lexicon.us_namesakes
        and not has_us_context(original, lexicon)
    ):
        return "us_namesake_without_us_context"
    if (
        candidate_country_iso2 == "CN"
        and candidate_key in lexicon.cn_ambiguous_names
        and not lexicon.cn_context.search(fold_text(original))
    ):
        return "cn_name_without_china_context"
    return None


def has_us_context(snippet: str, lexicon: Lexicon | None = None) -> bool:
    """True when ``snippet`` names the US: a country word or state name (any language), an acronym (USA, SUA, ΗΠΑ) or ", TX"."""
    lexicon = lexicon or load_lexicon()
    return bool(
        lexicon.us_context.search(fold_text(snippet))
        or lexicon.us_context_acronyms.search(snippet)
        or lexicon.us_state_abbreviations.search(snippet)
    )


def _first_match(text: str, patterns: list[re.Pattern[str]]) -> str:
    for pattern in patterns:
        found = pattern.search(text)
        if found:
            return found.group(0)
    return ""


def classify_hits(hits: pd.DataFrame, lexicon: Lexicon | None = None) -> pd.DataFrame:
    """``hits`` (as from :func:`load_crawl_export`) plus ``hit_label``, ``hit_reason``, ``matched_term``, ``traps`` ('|'-joined)."""
    lexicon = lexicon or load_lexicon()
    decided = [
        classify_hit(snippet, language, candidate, country, lexicon=lexicon)
        for snippet, language, candidate, country in zip(
            hits["snippet"], hits["language"], hits["candidate_partner_name"], hits["candidate_country_iso2"]
        )
    ]
    return hits.assign(
        hit_label=[d.label for d in decided],
        hit_reason=[d.reason for d in decided],
        matched_term=[d.matched_term for d in decided],
        traps=["|".join(d.traps) for d in decided],
    )


# --------------------------------------------------------------------------- export loader

CRAWL_EXPORT_SCHEMA = fields.schema(
    "hit_id unit_id url fetched language keyword snippet candidate_partner_name candidate_country_iso2 score",
    unique=["hit_id"],
    strict=True,
    description="Crawl export as delivered: one row per keyword hit on a municipal or regional website.",
)

CRAWL_HITS_SCHEMA = fields.schema(
    [*CRAWL_EXPORT_SCHEMA.columns, "hit_label", "hit_reason", "matched_term", "traps", "source_row"],
    ["is_synthetic", "data_origin"],
    checks={"hit_label": pa.Check.isin(list(HIT_LABELS))},
    unique=["hit_id"],
    strict=True,
    description="Web-crawl keyword hits with the lexicon classifier's decision; one row per hit.",
)

CRAWL_TIES_SCHEMA = fields.schema(
    "unit_id partner_key partner_id partner_name partner_country_iso2 tie_type hit_count evidence_url",
    ["first_fetched", "is_synthetic", "data_origin"],
    checks={"tie_type": pa.Check.isin(list(ACCEPTED_LABELS))},
    nullable=["partner_id"],
    unique_together=["unit_id", "partner_key"],
    strict=True,
    description="Ties found by the web crawl: accepted hits merged to one row per (EU unit, partner).",
)


def find_crawl_export(explicit: str | None = None) -> Path | None:
    """The crawl export to load: ``explicit`` (relative to the project root), else the newest
    ``*.csv`` in ``data/raw/crawl``, else ``None`` (no real export yet)."""
    return sources.latest_drop_in("crawl", explicit)


class CrawlExport(NamedTuple):
    """What :func:`load_crawl_export` returns: valid hits, quarantined rows (with ``reason``) and row counts."""

    hits: pd.DataFrame
    quarantine: pd.DataFrame
    row_counts: dict[str, int]


class CrawlExportError(ValueError):
    """The crawl export cannot be read at all (missing columns, not a CSV)."""


def load_crawl_export(path: str | Path, *, data_origin: str | None = None) -> CrawlExport:
    """Read and validate the crawl export CSV at ``path``.

    Missing columns raise :class:`CrawlExportError` naming the file. Rows that break the
    schema go to the quarantine with a reason naming file, line and column; the others are
    returned (without classification; see :func:`classify_hits`). ``row_counts`` has
    ``rows_in``, ``hits``, ``quarantined``; ``rows_in == hits + quarantined``.
    """
    path = Path(path)
    note_read(path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    return parse_crawl_export(raw, source=path.name, data_origin=data_origin or path.name)


def parse_crawl_export(raw: pd.DataFrame, *, source: str, data_origin: str) -> CrawlExport:
    """:func:`load_crawl_export` on an already-read frame of strings (``source`` names it in messages)."""
    missing = [column for column in EXPORT_COLUMNS if column not in raw.columns]
    extra = [column for column in raw.columns if column not in EXPORT_COLUMNS]
    if missing or extra:
        raise CrawlExportError(
            f"{source}: crawl export columns do not match docs/data-formats.md: missing {missing}, unexpected {extra}"
        )
    raw = raw.reset_index(drop=True)
    typed, conversion_problems = _typed_export(raw, source)
    problems = tables.row_problems(typed, CRAWL_EXPORT_SCHEMA, source, error=CrawlExportError) + conversion_problems
    bad_rows = tables.reasons_by_row(problems)
    good = typed.drop(index=list(bad_rows))
    hits = good.assign(
        source_row=(good.index + 2).astype("int64"),
        is_synthetic=data_origin.startswith("synthetic"),
        data_origin=data_origin,
    ).reset_index(drop=True)
    quarantine = raw.loc[sorted(bad_rows)].assign(
        source_row=[i + 2 for i in sorted(bad_rows)], reason=[bad_rows[i] for i in sorted(bad_rows)]
    )
    counts = {"rows_in": len(raw), "hits": len(hits), "quarantined": len(quarantine)}
    assert counts["rows_in"] == counts["hits"] + counts["quarantined"], counts
    return CrawlExport(hits, quarantine.reset_index(drop=True), counts)


def _typed_export(raw: pd.DataFrame, source: str) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """Convert the string columns to their types; return the frame and (row, problem) pairs for values that do not convert."""
    typed = raw.copy()
    problems: list[tuple[int, str]] = []
    for column in ("candidate_partner_name", "candidate_country_iso2", "score"):
        typed[column] = typed[column].where(typed[column].str.strip() != "", None)
    fetched = pd.to_datetime(typed["fetched"], format="%Y-%m-%d", errors="coerce")
    score = pd.to_numeric(typed["score"], errors="coerce")
    for index in typed.index[fetched.isna()]:
        problems.append(
            (
                index,
                f"{source} line {index + 2}, column fetched: expected a date YYYY-MM-DD, got {raw.at[index, 'fetched']!r}",
            )
        )
    for index in typed.index[score.isna() & typed["score"].notna()]:
        problems.append(
            (index, f"{source} line {index + 2}, column score: expected a number 0-100, got {raw.at[index, 'score']!r}")
        )
    typed["fetched"] = fetched.fillna(pd.Timestamp("1970-01-01")).astype("datetime64[ns]")
    typed["score"] = score.astype(float)
    return typed, problems


# --------------------------------------------------------------------------- ties


def crawl_ties_from_hits(classified: pd.DataFrame, partner_ids: pd.Series | None = None) -> pd.DataFrame:
    """Merge accepted hits (``hit_label`` twin/agreement, candidate with a country) into one row per (unit, partner).

    ``partner_ids`` (aligned with ``classified``) holds gazetteer ids resolved from the
    candidate names (see :func:`analysis.stats.triangulation.resolve_partner_ids`); without it
    partners are keyed by country and normalised name. Returns :data:`CRAWL_TIES_SCHEMA` rows.
    """
    ids = partner_ids if partner_ids is not None else pd.Series(None, index=classified.index, dtype=object)
    accepted = classified.assign(partner_id=ids).loc[
        classified["hit_label"].isin(ACCEPTED_LABELS)
        & classified["candidate_country_iso2"].notna()
        & classified["candidate_partner_name"].notna()
    ]
    if accepted.empty:
        return pd.DataFrame(
            {column: pd.Series(dtype=_dtype_of(CRAWL_TIES_SCHEMA, column)) for column in CRAWL_TIES_SCHEMA.columns}
        )
    name_keys = (
        "name:" + accepted["candidate_country_iso2"] + ":" + accepted["candidate_partner_name"].map(normalise_name)
    )
    accepted = accepted.assign(
        partner_key=accepted["partner_id"].where(accepted["partner_id"].notna(), name_keys),
        is_twin=accepted["hit_label"].eq("twin"),
    ).sort_values(["unit_id", "fetched", "source_row"])
    ties = (
        accepted.groupby(["unit_id", "partner_key"], sort=True)
        .agg(
            partner_id=("partner_id", "first"),
            partner_name=("candidate_partner_name", lambda names: names.mode().iloc[0]),
            partner_country_iso2=("candidate_country_iso2", "first"),
            any_twin=("is_twin", "any"),
            hit_count=("hit_id", "size"),
            evidence_url=("url", "first"),
            first_fetched=("fetched", "min"),
            is_synthetic=("is_synthetic", "all"),
            data_origin=("data_origin", "first"),
        )
        .reset_index()
    )
    ties["tie_type"] = ties.pop("any_twin").map({True: "twin", False: "agreement"})
    ties["hit_count"] = ties["hit_count"].astype("int64")
    ties["partner_id"] = ties["partner_id"].astype(object).where(ties["partner_id"].notna(), None)
    return ties[list(CRAWL_TIES_SCHEMA.columns)]


def data_origin_of(table: pd.DataFrame) -> str:
    """The one ``data_origin`` of a crawl table (hits or ties); a table mixing origins is an error."""
    origins = sorted(set(table["data_origin"]))
    if len(origins) != 1:
        raise ValueError(f"a crawl table should come from one crawl, found origins {origins}")
    return origins[0]


def _dtype_of(schema: pa.DataFrameSchema, column: str) -> str:
    dtype = str(schema.columns[column].dtype)
    return {"str": "str", "bool": "bool", "int64": "int64", "float64": "float64"}.get(dtype, dtype)


def hit_precision(classified: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float]:
    """Precision, recall and counts of the classifier against hit-level truth.

    ``truth`` has ``hit_id`` and ``is_true_tie`` (bool). A hit counts as accepted when its
    label is twin or agreement. Returns ``accepted``, ``true_positive``, ``false_positive``,
    ``false_negative``, ``precision`` and ``recall``.
    """
    joined = classified.merge(truth[["hit_id", "is_true_tie"]], on="hit_id", how="inner", validate="one_to_one")
    accepted = joined["hit_label"].isin(ACCEPTED_LABELS)
    true_tie = joined["is_true_tie"].astype(bool)
    true_positive = int((accepted & true_tie).sum())
    false_positive = int((accepted & ~true_tie).sum())
    false_negative = int((~accepted & true_tie).sum())
    return {
        "hits": len(joined),
        "accepted": int(accepted.sum()),
        "true_positive": true_positive,
        "false_positive": false_positive,
        "false_negative": false_negative,
        "precision": true_positive / (true_positive + false_positive)
        if true_positive + false_positive
        else float("nan"),
        "recall": true_positive / (true_positive + false_negative) if true_positive + false_negative else float("nan"),
    }
