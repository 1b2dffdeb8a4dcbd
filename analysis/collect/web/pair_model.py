"""A small trained pair classifier over the detector's own evidence: which candidate ties to keep (issue 9, item 4).

**Candidates.** For every partner mention the detector decides on (:meth:`Detector.explain`, accepted or rejected),
every EU side it could be tied to: the EU places named in its sentence and in the neighbouring sentences, the page
owner, and the side(s) the rules chose. Each (partner mention, EU side) pair gets features read from the detector's
evidence (its decision and reason, the relation terms and their distance, the look-alike and status cues, the
enumeration the partner stands in, how many partners and EU places the sentence names, whether the page has an
owner): :func:`features`. The page's kind (city site, news, ...) is not among them: a crawler does not know it.

**Model.** L2-regularised logistic regression (:func:`fit`, Newton steps in numpy, deterministic), trained on the open
passages (a-d and k whole, the dev split of e-g and l-p; :func:`train`, command ``python -m analysis.collect.web.pair_model train``), its weights a data file
(``analysis/reference/web_pair_model.csv``: feature, weight, source, note). A candidate is kept when its probability
reaches the ``threshold`` row. Each decision names its largest feature contributions.

**Hook.** A detector with a ``pair_model`` attribute hands its decisions and their evidence to ``pair_model.review``
at the end of :meth:`Detector.explain`; :class:`PairModel` replaces the rules' keep/drop decision by the model's, the
:class:`Collector` only records the candidates (training). Without the attribute (the default) the rules decide.

**Judgement.** :func:`judge` trains on all open files but one and scores that one (leave one file out), rules alone
against rules + model, by status (command ``python -m analysis.collect.web.pair_model judge``); :func:`check` trains
on the open material and scores the generalisation check in aggregate only (command ``... pair_model check``).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.collect.web import chains, rules
from analysis.core import paths

MODEL_FILE = paths.REFERENCE / "web_pair_model.csv"
# The open material (session 19 protocol): files a-d and k whole, the DEV split (NNN % 3 == 1) of e-j and l-q; the
# TEST split of e-j and l-q is the generalisation check and never training data (h, i, j, held out in sessions 18-21,
# joined it in session 22); r and s are held out (never read).
WHOLE_FILES: tuple[str, ...] = tuple(f"passages_{letter}" for letter in "abcdk")
DEV_ONLY_FILES: tuple[str, ...] = tuple(f"passages_{letter}" for letter in "efghijlmnopq")
TRAIN_FILES: tuple[str, ...] = (*WHOLE_FILES, *DEV_ONLY_FILES)
L2_PENALTY = 1.0  # on every weight but the bias
THRESHOLD = 0.5
SOURCE = "fitted by analysis.collect.web.pair_model.train on the open passages (a-d and k, dev split of e-j and l-q)"
RELATION_KINDS = ("twin", "friendship", "agreement", "cooperation", "generic")
REASON_CLASSES = (
    ("lookalike_", "reject_lookalike"),  # first: a look-alike's reason also says "no relation term"
    ("no relation term", "reject_no_relation"),
    ("no EU side", "reject_no_eu_side"),
    ("without a municipal party", "reject_weak_relation"),
    (" context", "reject_partner_context"),
    ("namesake", "reject_partner_context"),
    ("ordinary word", "reject_partner_context"),
    ("state or province", "reject_admin1"),
)
FEATURE_NOTES: dict[str, str] = {
    "bias": "intercept",
    "rules_chose_side": "the rules accepted the partner and chose this EU side",
    "rules_chose_other_side": "the rules accepted the partner but chose another EU side",
    "reject_no_relation": "the rules rejected the partner: no relation term in the sentence",
    "reject_no_eu_side": "the rules rejected the partner: no EU side",
    "reject_lookalike": "the rules rejected the partner as a look-alike",
    "reject_weak_relation": "the rules rejected the partner: weak relation word without a municipal party",
    "reject_partner_context": "the rules rejected the name: small/short/ordinary/namesake without country context",
    "reject_admin1": "the rules rejected a state or province as the partner",
    "reject_other": "the rules rejected the partner for another reason",
    **{f"term_{kind}": f"a {kind} relation term in the partner's sentence (or its heading)" for kind in RELATION_KINDS},
    "term_in_neighbour": "a relation term in a neighbouring sentence only",
    "term_in_text": "a relation term elsewhere in the text only (not in the sentence nor its neighbours)",
    "eu_places_in_text": "distinct EU places the whole text names, log-scaled (1: 8 or more)",
    "term_distance": "chars from the partner to the nearest relation term in its sentence, log-scaled to 0-1 (1: none)",
    "lookalike_cue": "a look-alike term in the partner's sentence",
    "planned_cue": "a planned term in the partner's sentence",
    "ended_cue": "an ended term in the partner's sentence",
    "side_same_sentence": "the EU side is named in the partner's sentence",
    "side_neighbour_sentence": "the EU side is named in a neighbouring sentence",
    "side_owner": "the EU side is the page owner",
    "side_elsewhere": "the EU side came from elsewhere in the text (the rules' text topic)",
    "side_distance": "chars between the EU side and the partner, log-scaled to 0-1 (1: other sentence)",
    "side_before_partner": "the EU side is named before the partner",
    "side_nearest": "the EU side is the EU place of the sentence nearest the partner",
    "side_in_enumeration": "the EU side stands in one enumeration with the partner (a co-partner?)",
    "partner_weak": "the rules accepted the name only with help (small place, short name, context)",
    "partner_strong": "the partner name has a strong (large or unambiguous) reading",
    "partner_resolved": "the partner name resolves to one gazetteer place",
    "partners_in_sentence": "partner mentions in the sentence, log-scaled (1: 8 or more)",
    "eu_in_sentence": "EU place mentions in the sentence, log-scaled (1: 8 or more)",
    "list_item": "the sentence is a list item under a partner-cities heading",
    "owner_present": "the page has an owner (an EU unit's own site)",
    "rules_confidence": "the rules' confidence of the finding (0 when rejected)",
}
FEATURES: tuple[str, ...] = tuple(FEATURE_NOTES)


class Evidence(NamedTuple):
    """What :meth:`Detector.explain` worked from: segments, mentions and terms by segment, the page owner."""

    segments: list
    mentions: list
    terms: list
    page_unit_id: str | None
    owner: object | None


class Candidate(NamedTuple):
    """One (partner mention, EU side) pair, its features, and the decision it came from."""

    decision_index: int
    side: rules.EuSide
    partner: tuple  # (name, country_iso2, partner_id)
    features: dict[str, float]
    relation_type: str


def _scaled(value: float, top: float) -> float:
    return min(1.0, math.log1p(max(value, 0.0)) / math.log1p(top))


def _reason_class(reason: str) -> str:
    return next((name for needle, name in REASON_CLASSES if needle in reason), "reject_other")


def _segment_of(text: str, evidence: Evidence, decision) -> int | None:
    for index, segment in enumerate(evidence.segments):
        if text[segment.start : segment.end].strip() == decision.sentence and any(
            m.role == "partner" and text[m.hit.orig_start : m.hit.orig_end] == decision.partner_name
            for m in evidence.mentions[index]
        ):
            return index
    return None


def _side_key(side: rules.EuSide) -> tuple:
    return ("unit", side.unit_id) if side.unit_id else ("name", side.name, side.country_iso2)


def _sides(detector, text: str, evidence: Evidence, index: int, decisions_sides: list) -> list[tuple]:
    """(EuSide, where, mention or None) for every EU side the partner of segment ``index`` could take."""
    found: dict[tuple, tuple] = {}
    for where, near in (("same", [index]), ("neighbour", [index - 1, index + 1])):
        for i in near:
            if 0 <= i < len(evidence.segments):
                for m in evidence.mentions[i]:
                    if m.role == "eu":
                        side = rules._eu_side(m, evidence.page_unit_id, "sentence", "EU side: candidate")
                        found.setdefault(_side_key(side), (side, where, m))
    if evidence.page_unit_id or evidence.owner is not None:
        side = rules._owner(detector, _OwnerContext(evidence.page_unit_id, evidence.owner), "owner", "EU side: owner")
        found.setdefault(_side_key(side), (side, "owner", None))
    for side in decisions_sides:
        found.setdefault(_side_key(side), (side, "elsewhere", None))
    return list(found.values())


_WHERE = {
    "same": "side_same_sentence",
    "neighbour": "side_neighbour_sentence",
    "owner": "side_owner",
    "elsewhere": "side_elsewhere",
}


class _OwnerContext(NamedTuple):
    page_unit_id: str | None
    owner: object | None


def _partner(detector, mention, finding) -> tuple:
    """(name, country, gazetteer id) of the partner: the rules' when they accepted it, else its largest reading."""
    if finding is not None:
        return (finding.partner_name, finding.partner_country_iso2, finding.partner_id)
    readings = [p for p in mention.places if p.role in ("partner", "admin1")]
    place = max(readings, key=lambda p: (p.role == "partner", p.strong, p.population))
    return (place.name, place.country_iso2, detector.resolve(place.name, place.country_iso2))


def _term_features(text: str, evidence: Evidence, index: int, mention) -> dict[str, float]:
    """Length: one feature per cue of the partner's sentence (relation kinds, distance, look-alike, status)."""
    segment = evidence.segments[index]
    terms = list(evidence.terms[index])
    if segment.heading is not None:
        terms += evidence.terms[segment.heading]
    kinds = {t.kind for t in terms}
    out = {f"term_{kind}": float(kind in kinds) for kind in RELATION_KINDS}
    relation_terms = [t for t in terms if t.kind in RELATION_KINDS and segment.start <= t.orig_start < segment.end]
    distance = min((abs(t.orig_start - mention.hit.orig_start) for t in relation_terms), default=None)
    out["term_distance"] = 1.0 if distance is None else _scaled(distance, 400)
    neighbour_kinds = {
        t.kind
        for i in (index - 1, index + 1)
        if 0 <= i < len(evidence.segments)
        for t in evidence.terms[i]
        if t.kind in RELATION_KINDS
    }
    out["term_in_neighbour"] = float(bool(neighbour_kinds) and not (kinds & set(RELATION_KINDS)))
    anywhere = any(t.kind in RELATION_KINDS for terms in evidence.terms for t in terms)
    out["term_in_text"] = float(anywhere and not neighbour_kinds and not (kinds & set(RELATION_KINDS)))
    eu_places = {m.hit.records for mentions in evidence.mentions for m in mentions if m.role == "eu"}
    out["eu_places_in_text"] = _scaled(len(eu_places), 8)
    out["lookalike_cue"] = float(any(kind.startswith("lookalike_") for kind in kinds))
    out["planned_cue"] = float(bool(kinds & {"planned", "planned_weak"}))
    out["ended_cue"] = float("ended" in kinds)
    return out


def _relation_type(features: dict[str, float], finding) -> str:
    if finding is not None:
        return finding.relation_type
    kind = next((k for k in RELATION_KINDS[:4] if features[f"term_{k}"]), "cooperation")
    return rules.RELATION_TYPE.get(kind, kind)


def candidates(detector, text: str, decisions: list, evidence: Evidence) -> list[Candidate]:
    """Length: the candidate pairs of every decision with their features (one loop over decisions and sides).

    Every (partner mention, EU side) pair of the decisions (see the module docstring)."""
    out: list[Candidate] = []
    groups: dict[tuple, list[int]] = {}
    for i, decision in enumerate(decisions):
        groups.setdefault((decision.partner_name, decision.sentence), []).append(i)
    for members in groups.values():
        first = decisions[members[0]]
        index = _segment_of(text, evidence, first)
        if index is None:
            continue
        mentions = evidence.mentions[index]
        mention = next(
            m for m in mentions if m.role == "partner" and text[m.hit.orig_start : m.hit.orig_end] == first.partner_name
        )
        accepted = [decisions[i].finding for i in members if decisions[i].finding is not None]
        chosen = {_side_key(_finding_side(f)): f for f in accepted}
        base = _term_features(text, evidence, index, mention)
        chain = chains.chain_of(text, mentions, mention, detector.lexicon)
        eu_here = [m for m in mentions if m.role == "eu"]
        nearest = min(eu_here, key=lambda m: abs(m.hit.orig_start - mention.hit.orig_start), default=None)
        reason = "" if accepted else first.reason
        partner = _partner(detector, mention, accepted[0] if accepted else None)
        for side, where, eu_mention in _sides(detector, text, evidence, index, [_finding_side(f) for f in accepted]):
            finding = chosen.get(_side_key(side))
            features = dict.fromkeys(FEATURES, 0.0) | base
            features["bias"] = 1.0
            features["rules_chose_side"] = float(finding is not None)
            features["rules_chose_other_side"] = float(bool(accepted) and finding is None)
            if not accepted:
                features[_reason_class(reason)] = 1.0
            features[_WHERE[where]] = 1.0
            if eu_mention is not None and where == "same":
                gap = abs(eu_mention.hit.orig_start - mention.hit.orig_start)
                features["side_distance"] = _scaled(gap, 400)
                features["side_before_partner"] = float(eu_mention.hit.orig_start < mention.hit.orig_start)
                features["side_nearest"] = float(eu_mention is nearest)
                features["side_in_enumeration"] = float(eu_mention in chain)
            else:
                features["side_distance"] = 1.0
            features["partner_weak"] = float(bool(accepted) and "with context]" in accepted[0].rule)
            features["partner_strong"] = float(any(p.strong for p in mention.places if p.role == "partner"))
            features["partner_resolved"] = float(partner[2] is not None)
            features["partners_in_sentence"] = _scaled(sum(m.role == "partner" for m in mentions), 8)
            features["eu_in_sentence"] = _scaled(len(eu_here), 8)
            features["list_item"] = float(evidence.segments[index].heading is not None)
            features["owner_present"] = float(bool(evidence.page_unit_id or evidence.owner is not None))
            features["rules_confidence"] = finding.confidence if finding is not None else 0.0
            relation_type = _relation_type(features, accepted[0] if accepted else None)
            out.append(Candidate(members[0], side, partner, features, relation_type))
    return out


def _finding_side(finding) -> rules.EuSide:
    return rules.EuSide(finding.unit_id, finding.eu_place, finding.eu_country_iso2, "rules", finding.rule)


# ----------------------------------------------------------------------------- the model


class Weights(NamedTuple):
    """The model: a weight per feature (:data:`FEATURES` order) and two thresholds: a tie the rules chose is kept when
    its probability reaches ``keep``, any other candidate is added when it reaches ``add`` (above 1: never)."""

    weights: np.ndarray
    keep: float = THRESHOLD
    add: float = THRESHOLD
    penalty: float = L2_PENALTY

    def probability(self, features: dict[str, float]) -> float:
        score = float(np.dot(self.weights, [features[name] for name in FEATURES]))
        return 1.0 / (1.0 + math.exp(-score))

    def threshold(self, features: dict[str, float]) -> float:
        return self.keep if features["rules_chose_side"] else self.add

    def explanation(self, features: dict[str, float], top: int = 3) -> str:
        """The probability and the ``top`` largest contributions (weight x value) of one candidate."""
        parts = sorted(
            ((w * features[name], name) for w, name in zip(self.weights, FEATURES, strict=True) if features[name]),
            key=lambda item: -abs(item[0]),
        )[:top]
        shown = ", ".join(f"{name} {value:+.2f}" for value, name in parts)
        return f"pair model p={self.probability(features):.2f} ({shown})"


def fit(x: np.ndarray, y: np.ndarray, penalty: float = L2_PENALTY, steps: int = 50) -> np.ndarray:
    """L2-regularised logistic regression by Newton steps (deterministic); column 0 is the unpenalised bias."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ridge = np.full(x.shape[1], penalty)
    ridge[0] = 1e-6
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + ridge * w
        hessian = (x.T * (p * (1 - p))) @ x + np.diag(ridge)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.max(np.abs(step)) < 1e-9:
            break
    return w


# The settings the inner leave-one-file-out chooses from (conservative first: on a tie the earlier one wins).
PENALTIES: tuple[float, ...] = (10.0, 3.0, 1.0)
KEEP_THRESHOLDS: tuple[float, ...] = (0.0, 0.3, 0.5)
ADD_THRESHOLDS: tuple[float, ...] = (1.01, 0.8, 0.7, 0.6, 0.5)
_SETTING_NOTES = {
    "keep": "a tie the rules chose is kept when its probability reaches this (0: always)",
    "add": "a candidate the rules did not choose is added when its probability reaches this (above 1: never)",
    "penalty": "the L2 penalty the weights were fitted with",
}


def fit_model(data: list[tuple[np.ndarray, np.ndarray]]) -> Weights:
    """Fit on ``data`` (one (features, labels) pair per passage file), the penalty and both thresholds chosen by an
    inner leave-one-file-out over those files (the pooled F1 of the kept candidates against the labelled ones, a proxy of the evaluation's F1), so a file scored later plays no part."""
    best, chosen = -1.0, (PENALTIES[0], KEEP_THRESHOLDS[0], ADD_THRESHOLDS[0])
    for penalty in PENALTIES:
        folds = []
        for i in range(len(data)):
            rest = [d for j, d in enumerate(data) if j != i]
            folds.append((data[i], fit(np.vstack([x for x, _ in rest]), np.concatenate([y for _, y in rest]), penalty)))
        for keep in KEEP_THRESHOLDS:
            for add in ADD_THRESHOLDS:
                kept = [_kept_counts(held, Weights(w, keep, add)) for held, w in folds]
                tp, fp, fn = np.sum(kept, axis=0)
                score = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
                if score > best + 1e-12:
                    best, chosen = score, (penalty, keep, add)
    penalty, keep, add = chosen
    weights = fit(np.vstack([x for x, _ in data]), np.concatenate([y for _, y in data]), penalty)
    return Weights(weights, keep, add, penalty)


def _kept_counts(data: tuple[np.ndarray, np.ndarray], weights: Weights) -> tuple[float, float, float]:
    x, y = data
    p = 1.0 / (1.0 + np.exp(-(x @ weights.weights)))
    chosen = x[:, FEATURES.index("rules_chose_side")] > 0
    kept = np.where(chosen, p >= weights.keep, p >= weights.add)
    tp, fp = float((kept & (y > 0)).sum()), float((kept & (y == 0)).sum())
    return tp, fp, float(y.sum()) - tp


def write_weights(weights: Weights, path: Path = MODEL_FILE) -> None:
    """The model as a data file: one row per feature and the ``keep``, ``add`` and ``penalty`` rows, each with source
    and note."""
    rows = [
        {"feature": name, "weight": round(float(w), 6), "source": SOURCE, "note": FEATURE_NOTES[name]}
        for name, w in zip(FEATURES, weights.weights, strict=True)
    ]
    for name, note in _SETTING_NOTES.items():
        note += f" (chosen by leave-one-file-out over {', '.join(TRAIN_FILES)})"
        rows.append({"feature": name, "weight": float(getattr(weights, name)), "source": SOURCE, "note": note})
    pd.DataFrame(rows).to_csv(path, index=False, lineterminator="\n")


def read_weights(path: Path = MODEL_FILE) -> Weights:
    """The model of the data file (a feature the file lacks weighs 0)."""
    table = pd.read_csv(path).set_index("feature")["weight"]
    weights = np.array([float(table.get(name, 0.0)) for name in FEATURES])
    return Weights(weights, *(float(table.get(name, default)) for name, default in
                              (("keep", THRESHOLD), ("add", THRESHOLD), ("penalty", L2_PENALTY))))  # fmt: skip


# ----------------------------------------------------------------------------- the hook


class Collector:
    """A reviewer that records every candidate (for training) and leaves the rules' decisions as they are."""

    def __init__(self):
        self.found: list[Candidate] = []

    def review(self, detector, text: str, decisions: list, evidence: tuple) -> list:
        self.found = candidates(detector, text, decisions, Evidence(*evidence))
        return decisions


class PairModel:
    """A reviewer that keeps the candidates the model keeps (see the module docstring)."""

    def __init__(self, weights: Weights | None = None):
        self.weights = weights if weights is not None else read_weights()

    def review(self, detector, text: str, decisions: list, evidence: tuple) -> list:
        """The decisions with the model's keep/drop: each kept pair becomes (or stays) a finding; a partner mention
        with no kept pair becomes one rejection whose reason is the model's explanation of its best pair; decisions
        the candidates do not cover pass unchanged."""
        groups: dict[int, list[Candidate]] = {}
        for candidate in candidates(detector, text, decisions, Evidence(*evidence)):
            groups.setdefault(candidate.decision_index, []).append(candidate)
        covered = {(decisions[i].partner_name, decisions[i].sentence) for i in groups}
        out = [d for d in decisions if (d.partner_name, d.sentence) not in covered]
        for index, group in groups.items():
            out += self._decide(decisions, decisions[index], group)
        return out

    def _decide(self, decisions: list, first, group: list[Candidate]) -> list:
        same = [d for d in decisions if (d.partner_name, d.sentence) == (first.partner_name, first.sentence)]
        accepted = {_side_key(_finding_side(d.finding)): d.finding for d in same if d.finding is not None}
        status = next(iter(accepted.values())).status if accepted else "established"
        scored = sorted(((self.weights.probability(c.features), i) for i, c in enumerate(group)), reverse=True)
        kept = []
        for p, i in scored:
            candidate = group[i]
            if p < self.weights.threshold(candidate.features):
                continue
            finding = accepted.get(_side_key(candidate.side)) or _new_finding(candidate, first, status, p)
            finding = finding._replace(rule=f"{finding.rule}; {self.weights.explanation(candidate.features)}")
            kept.append(first._replace(finding=finding, reason="accepted"))
        if kept:
            return kept
        best = group[scored[0][1]]
        reason = f"{self.weights.explanation(best.features)} below {self.weights.threshold(best.features)}"
        return [first._replace(finding=None, reason=reason if accepted else f"{first.reason}; {reason}")]


def _new_finding(candidate: Candidate, decision, status: str, p: float):
    from analysis.collect.web.detect import Finding

    name, country, partner_id = candidate.partner
    side = candidate.side
    rule = f"pair model: EU side {side.name} ({side.source}); partner {name} ({country})"
    return Finding(side.unit_id, side.name, partner_id, name, country, candidate.relation_type, status,
                   decision.sentence, round(p, 3), rule, None, None, side.country_iso2)  # fmt: skip


def enable(detector, weights: Weights | None = None):
    """Switch the model on for ``detector`` (it then decides which candidate ties to keep); returns the detector."""
    detector.pair_model = PairModel(weights)
    return detector


# ----------------------------------------------------------------------------- training and judgement


def open_passages() -> dict[str, list[dict]]:
    """The open passages of each training file: all of :data:`WHOLE_FILES`, the dev split of :data:`DEV_ONLY_FILES`
    (their test split is the generalisation check); the held-out files are never read."""
    from analysis.collect.web import evaluate

    folder = paths.REFERENCE / "crawl_eval"
    out = {name: evaluate.load_passages([folder / f"{name}.jsonl"]) for name in TRAIN_FILES}
    return {name: [p for p in found if name in WHOLE_FILES or p["split"] == "dev"] for name, found in out.items()}


def check_passages() -> list[dict]:
    """The generalisation check: the test split of :data:`DEV_ONLY_FILES` (scored in aggregate only, never trained on)."""
    from analysis.collect.web import evaluate

    folder = paths.REFERENCE / "crawl_eval"
    found = evaluate.load_passages([folder / f"{name}.jsonl" for name in DEV_ONLY_FILES])
    return [p for p in found if p["split"] != "dev"]


def _keyed_candidates(detector, keys, passages: list[dict]):
    """For each passage: its keyed candidate pairs and its keyed gold statements (US/China partners, one per
    partnership as the scores count them), by the evaluation's keys (:class:`analysis.collect.web.eval_keys.Keys`).
    Yields (candidates, [(eu_key, partner_key), ...], [(eu_key, partner_key, statement), ...])."""
    from analysis.collect.web import evaluate

    collector = Collector()
    previous = getattr(detector, "pair_model", None)
    detector.pair_model = collector
    try:
        for passage in passages:
            owner = passage["page_owner"]
            owner_unit = keys.eu_unit(owner["name"], owner["country_iso2"]) if owner else None
            owner_pair = (owner["name"], owner["country_iso2"]) if owner else None
            detector.explain(passage["excerpt"], language=passage["language"], page_unit_id=owner_unit,
                             page_owner=owner_pair)  # fmt: skip
            gold = [
                (keys.eu_key(s["eu_place"], s["eu_country_iso2"]),
                 keys.partner_key(s["partner_place"], s["partner_country_iso2"], s.get("partner_admin1")), s)
                for s in passage["statements"]
                if s["partner_country_iso2"] in evaluate.PARTNER_COUNTRIES
            ]  # fmt: skip
            found = collector.found
            pairs = [
                (keys.eu_key(c.side.name, c.side.country_iso2, c.side.unit_id), keys.partner_key(*c.partner[:2], None, c.partner[2]))
                for c in found
            ]  # fmt: skip
            yield found, pairs, evaluate.one_per_partnership(gold)
    finally:
        detector.pair_model = previous


def _pair_matches(pair: tuple, eu_key, partner_key) -> bool:
    from analysis.collect.web import evaluate

    return bool(pair[0] & eu_key) and evaluate.same_partner(pair[1], partner_key)


def labelled_candidates(detector, keys, passages: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Feature matrix and labels of every candidate pair of ``passages``: 1 when the pair matches a gold statement
    (US/China partner) by the evaluation's keys, any status."""
    rows, labels = [], []
    for found, pairs, gold in _keyed_candidates(detector, keys, passages):
        for candidate, pair in zip(found, pairs, strict=True):
            rows.append([candidate.features[name] for name in FEATURES])
            labels.append(float(any(_pair_matches(pair, eu_key, partner_key) for eu_key, partner_key, _ in gold)))
    return np.array(rows, dtype=float).reshape(-1, len(FEATURES)), np.array(labels)


def coverage(detector, keys, passages: list[dict]) -> pd.DataFrame:
    """How much of the gold the candidates hold, by gold status: statements, those whose partner is among the
    candidates (any EU side), and those whose pair (EU place and partner) is: the recall a perfect choice among the
    candidates would reach. What the rules lose below that line is lost in the choice, not in finding the names."""
    from analysis.collect.web import evaluate

    counts: dict[str, list[int]] = {}
    for _, pairs, gold in _keyed_candidates(detector, keys, passages):
        for eu_key, partner_key, statement in gold:
            row = counts.setdefault(statement["status"], [0, 0, 0])
            row[0] += 1
            row[1] += any(evaluate.same_partner(pair[1], partner_key) for pair in pairs)
            row[2] += any(_pair_matches(pair, eu_key, partner_key) for pair in pairs)
    table = pd.DataFrame(
        [(status, *row) for status, row in sorted(counts.items())],
        columns=["status", "statements", "partner_candidate", "pair_candidate"],
    )
    return table.assign(pair_share=table["pair_candidate"] / table["statements"])


def _setting():
    """The detector (from its cached pickle) and the evaluation keys over the frame units."""
    from analysis.build.outcomes import frame_units
    from analysis.collect.web.detect_pipeline import build_detector
    from analysis.collect.web.eval_keys import Keys
    from analysis.core import tables

    units = frame_units(tables.read_table("cities"), tables.read_table("regions"))
    detector = build_detector()
    return detector, units, Keys(detector, units)


def train(path: Path = MODEL_FILE) -> Weights:
    """Fit the model on every candidate of the open passages and write it to ``path`` (deterministic)."""
    detector, _, keys = _setting()
    data = [labelled_candidates(detector, keys, passages) for passages in open_passages().values()]
    weights = fit_model(data)
    write_weights(weights, path)
    return weights


def _counts(scores: list, stratum: str) -> np.ndarray:
    return np.array([s.counts[stratum] for s in scores], dtype=float).reshape(-1, 3).sum(axis=0)


def judge() -> pd.DataFrame:
    """Leave one file out over the open files: for each, rules alone and rules + a model trained on the others;
    one row per (file or ``pooled``, status, system) with tp, fp, fn, precision, recall, F1."""
    from analysis.collect.web import evaluate

    detector, units, keys = _setting()
    files = open_passages()
    data = {name: labelled_candidates(detector, keys, passages) for name, passages in files.items()}
    scores: dict[tuple[str, str], list] = {}
    settings: dict[str, dict] = {}
    for name, passages in files.items():
        others = [data[other] for other in files if other != name]
        weights = fit_model(others)
        settings[name] = {"penalty": weights.penalty, "keep": weights.keep, "add": weights.add}
        detector.pair_model = None
        scores[(name, "rules")] = evaluate.score_passages(passages, detector, units, keys)
        enable(detector, weights)
        scores[(name, "rules+model")] = evaluate.score_passages(passages, detector, units, keys)
        detector.pair_model = None
    rows = []
    for name in [*files, "pooled"]:
        for status in ("all", *evaluate.SCORED_STATUSES):
            for system in ("rules", "rules+model"):
                chosen = [
                    s for (n, sy), found in scores.items() if sy == system and name in (n, "pooled") for s in found
                ]
                tp, fp, fn = _counts(chosen, status)
                precision, recall, f1 = evaluate.prf(tp, fp, fn)
                rows.append({"file": name, "status": status, "system": system, "tp": int(tp), "fp": int(fp),
                             "fn": int(fn), "precision": float(precision), "recall": float(recall), "f1": float(f1),
                             **(settings.get(name, {}) if system == "rules+model" else {})})  # fmt: skip
    return pd.DataFrame(rows)


def check(weights: Weights | None = None) -> pd.DataFrame:
    """The generalisation check in aggregate: rules alone against rules + a model trained on the open passages only
    (``weights``, default fitted here), one row per (status, system) with P/R/F1 and their 95% intervals."""
    from analysis.collect.web import evaluate

    detector, units, keys = _setting()
    if weights is None:
        weights = fit_model([labelled_candidates(detector, keys, found) for found in open_passages().values()])
    passages, rows = check_passages(), []
    for system in ("rules", "rules+model"):
        detector.pair_model = PairModel(weights) if system == "rules+model" else None
        overall = evaluate.metrics(evaluate.score_passages(passages, detector, units, keys))
        rows.append(overall[overall["group"] == "overall"].drop(columns=["group", "value"]).assign(system=system))
    detector.pair_model = None
    return pd.concat(rows, ignore_index=True).sort_values(["status", "system"], kind="stable")


def main(argv: list[str] | None = None) -> None:
    """``train``: fit on the open passages and write the data file; ``judge``: the leave-one-file-out table;
    ``check``: the generalisation check in aggregate (rules alone against rules + model); ``coverage``: how much of
    the generalisation check's gold the candidates hold (:func:`coverage`)."""
    import sys
    import time

    command = (argv if argv is not None else sys.argv[1:] or ["judge"])[0]
    started = time.perf_counter()
    if command == "train":
        weights = train()
        print(pd.Series(weights.weights, index=FEATURES).round(3).to_string())
    elif command == "coverage":
        detector, _, keys = _setting()
        print(coverage(detector, keys, check_passages()).round(3).to_string(index=False))
    else:
        table = check() if command == "check" else judge()
        pd.set_option("display.width", 200)
        print(table.round(3).to_string(index=False))
    print(f"{command}: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
