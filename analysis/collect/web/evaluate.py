"""Evaluation of the partnership detector on labelled real passages and on the local test web's truth.

Passages (``analysis/reference/crawl_eval/passages_*.jsonl``, one JSON object a line) are read and checked by
:func:`load_passages` (a bad line raises :class:`PassageError` naming file and line). :func:`score_passages` runs
the detector on each excerpt (page owner resolved to a frame unit and passed as ``page_unit_id``), matches findings
to the gold statements (partner by resolved gazetteer id, else folded name + country; EU side by resolved frame
unit, else folded name + country; a statement a finding matches with its status too is paired first) and counts,
per passage, true positives, false positives and false negatives overall and by status.
:func:`metrics` gives precision, recall and F1 with 95% bootstrap intervals over passages (seeded),
overall, by language and by status; :func:`score_truth` does the same for the test web's truth
table. :func:`detection_benchmark` times the detector against a plain ``re`` alternation.

Splits: ``dev``, ``test`` (both open to development) and ``heldout`` (the README's held-out files, scored once).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.collect.web.eval_keys import Keys
from analysis.collect.web.lexicon import name_key
from analysis.core import paths

PASSAGE_FIELDS: tuple[str, ...] = (
    "passage_id",
    "split",
    "language",
    "url",
    "kind",
    "page_owner",
    "excerpt",
    "statements",
    "lookalikes",
    "note",
)
STATEMENT_FIELDS: tuple[str, ...] = (
    "eu_place",
    "eu_country_iso2",
    "partner_place",
    "partner_admin1",
    "partner_country_iso2",
    "relation_type",
    "status",
    "year",
)
SPLITS: tuple[str, ...] = ("dev", "test", "heldout")
STATUSES: tuple[str, ...] = ("established", "planned", "ended", "unclear")
SCORED_STATUSES: tuple[str, ...] = ("established", "planned", "ended")
PARTNER_COUNTRIES: tuple[str, ...] = ("US", "CN")
BOOTSTRAP_SEED: int = 20260930
BOOTSTRAP_DRAWS: int = 2000


class PassageError(ValueError):
    """A passages file line that cannot be used (the message names file and line)."""


def passage_files() -> list[Path]:
    """The labelled passage files in ``analysis/reference/crawl_eval`` (sorted)."""
    return sorted((paths.REFERENCE / "crawl_eval").glob("passages_*.jsonl"))


def load_passages(files: Iterable[Path] | None = None) -> list[dict]:
    """Every passage of ``files`` (default :func:`passage_files`), checked; ids must be unique across files."""
    from analysis.core.tracking import note_read

    passages: list[dict] = []
    seen: dict[str, str] = {}
    for path in files if files is not None else passage_files():
        path = Path(path)
        note_read(path)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path.name}, line {number}"
            passage = _checked_passage(line, where)
            if passage["passage_id"] in seen:
                raise PassageError(
                    f"{where}: passage_id {passage['passage_id']!r} already used ({seen[passage['passage_id']]})"
                )
            seen[passage["passage_id"]] = where
            passages.append(passage)
    return passages


def _checked_passage(line: str, where: str) -> dict:
    try:
        passage = json.loads(line)
    except json.JSONDecodeError as error:
        raise PassageError(f"{where}: not valid JSON ({error})") from None
    if not isinstance(passage, dict):
        raise PassageError(f"{where}: expected a JSON object")
    missing = [field for field in PASSAGE_FIELDS if field not in passage]
    if missing:
        raise PassageError(f"{where}: missing fields {missing}")
    if passage["split"] not in SPLITS:
        raise PassageError(f"{where}: split must be one of {SPLITS}, got {passage['split']!r}")
    if not isinstance(passage["excerpt"], str) or not passage["excerpt"].strip():
        raise PassageError(f"{where}: excerpt must be a non-empty string")
    owner = passage["page_owner"]
    if owner is not None and not (isinstance(owner, dict) and owner.get("name") and owner.get("country_iso2")):
        raise PassageError(f"{where}: page_owner must be null or {{name, country_iso2}}, got {owner!r}")
    if not isinstance(passage["statements"], list) or not isinstance(passage["lookalikes"], list):
        raise PassageError(f"{where}: statements and lookalikes must be lists")
    for position, statement in enumerate(passage["statements"], start=1):
        if not isinstance(statement, dict):
            raise PassageError(f"{where}: statement {position} is not an object")
        missing = [field for field in STATEMENT_FIELDS if field not in statement]
        if missing:
            raise PassageError(f"{where}: statement {position} lacks {missing}")
        if statement["status"] not in STATUSES:
            raise PassageError(
                f"{where}: statement {position}: status must be one of {STATUSES}, got {statement['status']!r}"
            )
        if not statement.get("partner_place") or not statement.get("partner_country_iso2"):
            raise PassageError(f"{where}: statement {position}: partner_place and partner_country_iso2 are required")
    return passage


# ----------------------------------------------------------------------------- scoring


class PassageScore(NamedTuple):
    """Per-passage counts (``counts``: stratum -> [tp, fp, fn]) and the error rows of the passage."""

    passage_id: str
    split: str
    language: str
    counts: dict[str, list[int]]
    errors: list[dict]
    relation_pairs: list[tuple[str, str]]


def score_passages(passages: list[dict], detector, units: pd.DataFrame, keys: Keys | None = None) -> list[PassageScore]:
    """Run the detector on every passage and compare with its gold statements (US/China partners only)."""
    from analysis.collect.web.detect import merge_findings

    keys = keys or Keys(detector, units)
    owners = [(p["page_owner"]["name"], p["page_owner"]["country_iso2"]) for p in passages if p["page_owner"]]
    keys.resolve_eu_names(owners)
    detected = []
    for passage in passages:
        owner = passage["page_owner"]
        owner_unit = keys.eu_unit(owner["name"], owner["country_iso2"]) if owner else None
        decisions = detector.explain(
            passage["excerpt"],
            language=passage["language"],
            page_unit_id=owner_unit,
            page_owner=(owner["name"], owner["country_iso2"]) if owner else None,
        )
        findings = [
            f
            for f in merge_findings([d.finding for d in decisions if d.finding])
            if f.partner_country_iso2 in PARTNER_COUNTRIES
        ]
        gold = [s for s in passage["statements"] if s["partner_country_iso2"] in PARTNER_COUNTRIES]
        detected.append((decisions, findings, gold))
    keys.resolve_eu_names(
        [(s["eu_place"], s["eu_country_iso2"]) for _, _, gold in detected for s in gold]
        + [(f.eu_place, f.eu_country_iso2) for _, findings, _ in detected for f in findings if not f.unit_id]
    )
    scores = []
    for passage, (decisions, findings, gold) in zip(passages, detected, strict=True):
        predicted = [
            (
                keys.eu_key(f.eu_place, f.eu_country_iso2, f.unit_id),
                keys.partner_key(f.partner_name, f.partner_country_iso2, None, f.partner_id),
                f,
            )
            for f in findings
        ]
        expected = [
            (
                keys.eu_key(s["eu_place"], s["eu_country_iso2"]),
                keys.partner_key(s["partner_place"], s["partner_country_iso2"], s.get("partner_admin1")),
                s,
            )
            for s in gold
        ]
        scores.append(_compare(passage, predicted, one_per_partnership(expected), decisions))
    return scores


def one_per_partnership(expected: list) -> list:
    """The keyed statements of a passage with one statement per partnership: two statements of the same pair with the
    same status (a twinning and a friendship agreement both in force: "partner city ... and friendship agreement") are
    one established partnership, counted once (the first listed); the same pair with two statuses stays two."""
    kept: list = []
    for item in expected:
        if not any(
            k[0] & item[0] and same_partner(k[1], item[1]) and k[2]["status"] == item[2]["status"] for k in kept
        ):
            kept.append(item)
    return kept


def _exact_match(item: tuple, predicted: list) -> bool:
    """A finding matches the statement with its status too: such statements are paired first (one pair labelled twice)."""
    return any(p[0] & item[0] and same_partner(p[1], item[1]) and p[2].status == item[2]["status"] for p in predicted)


def _compare(passage: dict, predicted: list, expected: list, decisions: list) -> PassageScore:
    """Length: one pass that pairs findings with statements and records every count and error of a passage.

    Counts and error rows of one passage from its keyed findings and statements."""
    counts = {stratum: [0, 0, 0] for stratum in ("all", *SCORED_STATUSES)}
    errors: list[dict] = []
    relation_pairs: list[tuple[str, str]] = []
    unmatched = list(range(len(predicted)))
    for eu_key, partner_key, statement in sorted(expected, key=lambda item: not _exact_match(item, predicted)):
        match = next(
            (i for i in unmatched if predicted[i][0] & eu_key and same_partner(predicted[i][1], partner_key)), None
        )
        gold_status = statement["status"]
        if match is None:
            counts["all"][2] += 1
            if gold_status in counts:
                counts[gold_status][2] += 1
            errors.append(
                _error(
                    passage,
                    "missed",
                    statement=statement,
                    reason=_miss_reason(statement, partner_key, predicted, decisions),
                )
            )
            continue
        unmatched.remove(match)
        finding = predicted[match][2]
        counts["all"][0] += 1
        relation_pairs.append((statement.get("relation_type") or "", finding.relation_type))
        if finding.status == gold_status:
            counts.get(gold_status, [0])[0] += 1  # an "unclear" label found unclear is right (no stratum of its own)
        else:
            if gold_status in counts:
                counts[gold_status][2] += 1
            if finding.status in counts:
                counts[finding.status][1] += 1
            errors.append(
                _error(
                    passage,
                    "wrong status",
                    statement=statement,
                    finding=finding,
                    reason=f"found {finding.status}: {finding.rule}",
                )
            )
    for i in unmatched:
        finding = predicted[i][2]
        counts["all"][1] += 1
        if finding.status in counts:
            counts[finding.status][1] += 1
        errors.append(_error(passage, "false tie", finding=finding, reason=finding.rule))
    return PassageScore(passage["passage_id"], passage["split"], passage["language"], counts, errors, relation_pairs)


def same_partner(found: tuple, gold: tuple) -> bool:
    """Partners agree by gazetteer id when both resolved (a Chinese district and its city agree), else by country and
    name key (:meth:`analysis.collect.web.eval_keys.Keys.partner_key`)."""
    if found[0] and gold[0]:
        return found[0] == gold[0] or found[0] == gold[3] or found[3] == gold[0]
    return found[1:3] == gold[1:3]


def _miss_reason(statement: dict, partner_key: tuple, predicted: list, decisions: list) -> str:
    """Why a gold statement was missed: its partner credited to another EU place, its name rejected (the decision's
    reason), found but resolved to another place of the name, or not found by the matcher at all. A decision is
    about the labelled partner when its written form begins like the label or one of its candidate places carries
    the label's name ("Pekingem" is Beijing)."""
    same = [p[2] for p in predicted if same_partner(p[1], partner_key)]
    if same:
        return f"partner found but credited to {same[0].eu_place or 'no EU place'}: {same[0].rule}"
    wanted = name_key(statement["partner_place"])
    about = [d for d in decisions if wanted[:5] and _decision_names(d, wanted)]
    rejected = [d for d in about if d.finding is None]
    if rejected:
        return f"rejected: {rejected[0].reason}"
    if about:
        found = about[0].finding
        return f"partner found but resolved to {found.partner_id} (the label to {partner_key[0]}): {found.rule}"
    return "partner name not found by the matcher"


def _decision_names(decision, wanted: str) -> bool:
    written = name_key(decision.partner_name)
    candidates = {name_key(name) for name in decision.candidates}
    return wanted[:5] in written or wanted in candidates


def _error(passage: dict, error: str, *, statement: dict | None = None, finding=None, reason: str = "") -> dict:
    return {
        "passage_id": passage["passage_id"],
        "split": passage["split"],
        "language": passage["language"],
        "error": error,
        "eu_place": (statement or {}).get("eu_place") or (finding.eu_place if finding else None),
        "partner": (statement or {}).get("partner_place") or (finding.partner_name if finding else None),
        "gold_status": (statement or {}).get("status"),
        "found_status": finding.status if finding else None,
        "reason": reason,
    }


# ----------------------------------------------------------------------------- metrics


def prf(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall and F1 of count arrays (NaN where undefined)."""
    tp, fp, fn = (np.asarray(x, dtype=float) for x in (tp, fp, fn))
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = tp / (tp + fp)
        recall = tp / (tp + fn)
        f1 = 2 * tp / (2 * tp + fp + fn)
    return precision, recall, f1


def bootstrap_metrics(
    counts: np.ndarray, *, draws: int = BOOTSTRAP_DRAWS, seed: int = BOOTSTRAP_SEED
) -> dict[str, float]:
    """P/R/F1 of per-unit ``counts`` (rows: tp, fp, fn) with 95% percentile intervals from resampling the rows."""
    counts = np.asarray(counts, dtype=float).reshape(-1, 3)
    total = counts.sum(axis=0)
    precision, recall, f1 = prf(*total)
    out = {"n_units": len(counts), "tp": int(total[0]), "fp": int(total[1]), "fn": int(total[2])}
    out.update(precision=float(precision), recall=float(recall), f1=float(f1))
    if len(counts) == 0:
        return out | {f"{m}_{b}": float("nan") for m in ("precision", "recall", "f1") for b in ("low", "high")}
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(counts), size=(draws, len(counts)))
    sums = counts[picks].sum(axis=1)
    for name, values in zip(("precision", "recall", "f1"), prf(sums[:, 0], sums[:, 1], sums[:, 2]), strict=True):
        finite = values[np.isfinite(values)]
        low, high = np.percentile(finite, [2.5, 97.5]) if len(finite) else (np.nan, np.nan)
        out[f"{name}_low"], out[f"{name}_high"] = float(low), float(high)
    return out


def metrics(scores: list[PassageScore], *, split: str | None = None) -> pd.DataFrame:
    """One row per (group, value, stratum): overall, by language, by status; P/R/F1 with 95% intervals."""
    chosen = [s for s in scores if split is None or s.split == split]
    rows = []
    groups: list[tuple[str, str, list[PassageScore]]] = [("overall", "all", chosen)]
    for language in sorted({s.language for s in chosen}):
        groups.append(("language", language, [s for s in chosen if s.language == language]))
    for group, value, members in groups:
        strata = ("all", *SCORED_STATUSES) if group == "overall" else ("all",)
        for stratum in strata:
            counts = np.array([s.counts[stratum] for s in members], dtype=float)
            rows.append(
                {
                    "group": group,
                    "value": value,
                    "status": stratum,
                    "passages": len(members),
                    **bootstrap_metrics(counts),
                }
            )
    return pd.DataFrame(rows)


def metrics_by_split(scores: list[PassageScore]) -> pd.DataFrame:
    """Overall P/R/F1 with 95% intervals per split (in :data:`SPLITS` order) and scored status, one row each."""
    rows = []
    for split in SPLITS:
        if any(s.split == split for s in scores):
            overall = metrics(scores, split=split)
            overall = overall[overall["group"] == "overall"].drop(columns=["group", "value"])
            rows.append(overall.assign(split=split))
    return pd.concat(rows, ignore_index=True)[["split", *rows[0].columns.drop("split")]]


def relation_accuracy(scores: list[PassageScore], *, split: str | None = None) -> float:
    """Share of matched pairs whose relation type agrees with the gold statement's (NaN without pairs)."""
    pairs = [p for s in scores if split is None or s.split == split for p in s.relation_pairs if p[0]]
    return float(np.mean([gold == found for gold, found in pairs])) if pairs else float("nan")


def error_table(scores: list[PassageScore], *, split: str | None = None) -> pd.DataFrame:
    """Every miss, false tie and wrong status, with the detector's reason."""
    return pd.DataFrame([e for s in scores if split is None or s.split == split for e in s.errors])


# ----------------------------------------------------------------------------- test web


def score_truth(findings: pd.DataFrame, truth: pd.DataFrame) -> dict[str, pd.DataFrame | dict]:
    """Score findings of a crawl of the local test web against its ``truth`` table (contract in HELPERS9.md).

    A statement is found when a finding on the same ``url`` has its ``unit_id`` and ``partner_id`` (an unresolved
    finding: its partner name, folded, equals the statement's ``partner_name``);
    look-alike rows (non-empty ``lookalike_class``) are not statements, so a finding on them is a false tie.
    Returns ``metrics`` (overall and by status, bootstrap over pages), ``by_lookalike`` (false ties by
    look-alike class), ``errors`` and ``repeated``: findings of a true statement on a page other than the one
    the truth lists it for (news teasers on index pages), neither credited nor counted as false ties.

    Length: one pass over statements and one over findings, each recording counts and error rows together.
    """
    real = truth[truth["lookalike_class"].fillna("").astype(str).eq("")]
    fakes = truth[truth["lookalike_class"].fillna("").astype(str).ne("")]
    urls = sorted(set(truth["url"]) | set(findings["url"] if len(findings) else []))
    counts = {stratum: {url: [0, 0, 0] for url in urls} for stratum in ("all", *SCORED_STATUSES)}
    found_keys = {}
    names = dict(
        zip(zip(real["url"], real["unit_id"], real["partner_id"]), real.get("partner_name", real["partner_id"]))
    )
    by_name = {(url, unit, _folded(name)): partner for (url, unit, partner), name in names.items()}
    for row in findings.itertuples(index=False):
        partner_id = row.partner_id
        if partner_id is None or partner_id != partner_id:  # unresolved: compared by folded name on the page
            partner_id = by_name.get((row.url, row.unit_id, _folded(getattr(row, "partner_name", ""))))
        found_keys.setdefault((row.url, row.unit_id, partner_id), row)
    errors = []
    matched = set()
    for row in real.itertuples(index=False):
        key = (row.url, row.unit_id, row.partner_id)
        finding = found_keys.get(key)
        if finding is None:
            _bump(counts, row.status, row.url, 2)
            errors.append(
                {"url": row.url, "error": "missed", "unit_id": row.unit_id, "partner_id": row.partner_id, "reason": ""}
            )
            continue
        matched.add(key)
        counts["all"][row.url][0] += 1
        if finding.status == row.status and row.status in counts:
            counts[row.status][row.url][0] += 1
        else:
            _bump(counts, row.status, row.url, 2, overall=False)
            _bump(counts, finding.status, row.url, 1, overall=False)
            errors.append(
                {
                    "url": row.url,
                    "error": "wrong status",
                    "unit_id": row.unit_id,
                    "partner_id": row.partner_id,
                    "reason": finding.rule,
                }
            )
    fake_keys = {(r.url, r.partner_id): r.lookalike_class for r in fakes.itertuples(index=False)}
    stated = {(r.unit_id, r.partner_id, r.status) for r in real.itertuples(index=False)}
    repeated = 0
    by_class: dict[str, int] = {}
    for key, finding in found_keys.items():
        if key in matched:
            continue
        if (finding.unit_id, finding.partner_id, finding.status) in stated:
            repeated += 1  # a true statement repeated on another page (a teaser on the home page): not scored
            continue
        _bump(counts, finding.status, finding.url, 1)
        lookalike = fake_keys.get((finding.url, finding.partner_id), "")
        by_class[lookalike or "(none)"] = by_class.get(lookalike or "(none)", 0) + 1
        errors.append(
            {
                "url": finding.url,
                "error": "false tie",
                "unit_id": finding.unit_id,
                "partner_id": finding.partner_id,
                "reason": f"{lookalike}: {finding.rule}",
            }
        )
    rows = [{"status": stratum, **bootstrap_metrics(np.array(list(counts[stratum].values())))} for stratum in counts]
    return {
        "metrics": pd.DataFrame(rows),
        "by_lookalike": by_class,
        "errors": pd.DataFrame(errors),
        "repeated": repeated,
    }


def _folded(name: object) -> str:
    return name_key(str(name or ""))


def _bump(counts, status, url, column, overall: bool = True) -> None:
    if overall:
        counts["all"][url][column] += 1
    if status in counts:
        counts[status][url][column] += 1


# ----------------------------------------------------------------------------- speed


def detection_benchmark(texts: list[str], detector, *, language: str | None = None) -> dict[str, float]:
    """Throughput of the detector (matcher + rules) against one plain ``re`` alternation of the same names and terms.

    Both run over the same ``texts`` after a warm-up pass of the detector (resolver cache filled); the
    alternation only finds the names and terms (case-insensitive, word-bounded), it decides nothing.
    """
    import re

    for text in texts:
        detector.detect(text, language=language)
    started = time.perf_counter()
    for text in texts:
        detector.detect(text, language=language)
    detector_seconds = time.perf_counter() - started
    literals = sorted(
        {*detector.names, *(t.text.replace("*", "") for t in detector.lexicon.terms)}, key=len, reverse=True
    )
    compile_started = time.perf_counter()
    pattern = re.compile(
        r"\b(?:" + "|".join(re.escape(literal) for literal in literals if literal) + r")\b", re.IGNORECASE
    )
    compile_seconds = time.perf_counter() - compile_started
    started = time.perf_counter()
    hits = 0
    for text in texts:
        hits += sum(1 for _ in pattern.finditer(text))
    regex_seconds = time.perf_counter() - started
    characters = sum(len(text) for text in texts)
    return {
        "texts": len(texts),
        "characters": characters,
        "patterns": len(literals),
        "detector_seconds": detector_seconds,
        "detector_ms_per_text": 1000 * detector_seconds / max(len(texts), 1),
        "regex_compile_seconds": compile_seconds,
        "regex_seconds": regex_seconds,
        "regex_hits": hits,
        "speedup": regex_seconds / detector_seconds if detector_seconds else float("nan"),
    }


class _StoredPage(NamedTuple):
    url: str
    unit_id: str | None
    content_type: str
    body: bytes


_CONTENT_TYPES = {".html": "text/html", ".htm": "text/html", ".pdf": "application/pdf"}


def test_web_pages(web) -> list[_StoredPage]:
    """The pages of a local test web (:class:`analysis.collect.web.testweb.TestWeb`) read from its files, each
    with the address a crawler fetches it by ("/dir/" for "dir/index.html") and the unit of its site (seeds)."""
    from urllib.parse import urlsplit

    unit_of_host = {
        urlsplit(url).hostname: unit for unit, url in zip(web.seeds["unit_id"], web.seeds["url"], strict=True)
    }
    truth_urls = set(web.truth["url"])
    pages = []
    for path in sorted(Path(web.root).glob("*/**/*")):
        content_type = _CONTENT_TYPES.get(path.suffix.lower())
        if content_type is None or not path.is_file():
            continue
        relative = path.relative_to(web.root)
        host, rest = relative.parts[0], "/".join(relative.parts[1:])
        url = f"http://{host}/{rest}"
        if rest == "index.html" or rest.endswith("/index.html"):
            directory = f"http://{host}/{rest[: -len('index.html')]}"
            url = url if url in truth_urls else directory
        pages.append(_StoredPage(url, unit_of_host.get(host), content_type, path.read_bytes()))
    return pages


def score_test_web(web, detector) -> dict[str, pd.DataFrame | dict]:
    """Extract and detect on every page of a local test web and score the findings against its truth."""
    from analysis.collect.web.detect import analyse_page

    detector.prewarm()
    rows = []
    for page in test_web_pages(web):
        rows += [finding._asdict() for finding in analyse_page(page, detector)]
    columns = ["url", "unit_id", "partner_id", "status", "rule", "partner_country_iso2"]
    findings = pd.DataFrame(rows) if rows else pd.DataFrame(columns=columns)
    return score_truth(findings, web.truth)


def lookalike_table(truth: pd.DataFrame, scored: dict[str, pd.DataFrame | dict]) -> pd.DataFrame:
    """Look-alike statements placed on the test web, by class, and the false ties the detector made on them."""
    fakes = truth[truth["lookalike_class"].fillna("").astype(str).ne("")]
    placed = fakes.groupby("lookalike_class").size().rename("placed")
    false_ties = pd.Series(scored["by_lookalike"], dtype="int64").rename("false_ties")
    table = pd.concat([placed, false_ties], axis=1).fillna(0).astype("int64").drop(index="(none)", errors="ignore")
    return table.rename_axis("lookalike_class").reset_index().sort_values("lookalike_class", ignore_index=True)


# ----------------------------------------------------------------------------- tables for the book


def passage_overview(passages: list[dict]) -> pd.DataFrame:
    """Per language: passages, passages in the test and held-out splits, statements by status, passages with a
    look-alike."""
    rows = []
    for passage in passages:
        statuses = [statement["status"] for statement in passage["statements"]]
        rows.append(
            {
                "language": passage["language"],
                "passages": 1,
                "test": int(passage["split"] == "test"),
                "heldout": int(passage["split"] == "heldout"),
                **{status: statuses.count(status) for status in STATUSES},
                "with_lookalike": int(bool(passage["lookalikes"])),
            }
        )
    table = pd.DataFrame(rows).groupby("language", as_index=False).sum()
    return table.sort_values("language", ignore_index=True)


def error_classes(errors: pd.DataFrame) -> pd.DataFrame:
    """Errors counted by kind (missed, false tie, wrong status) and by the first clause of the detector's reason."""
    if errors.empty:
        return pd.DataFrame(columns=["error", "reason", "count"])
    reason = errors["reason"].fillna("").astype(str)
    short = reason.str.replace(r"'[^']*'", "…", regex=True).str.split(";").str[0].str.split(" -> ").str[0]
    short = short.str.replace(r"partner found but credited to .*", "partner credited to another EU place", regex=True)
    table = errors.assign(reason=short.str.strip()).groupby(["error", "reason"]).size().rename("count").reset_index()
    return table.sort_values(["error", "count"], ascending=[True, False], ignore_index=True)
