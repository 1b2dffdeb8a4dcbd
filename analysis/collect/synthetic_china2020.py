"""A seeded, clearly labelled SYNTHETIC sample of the team's 2020-21 survey of EU cities about China.

A stand-in for the team's file (``data/raw/survey_china2020/``) for the demonstration lane only, so
that the comparison of phase 1 with the 2020-21 survey (:mod:`analysis.stats.comparison_earlier`) runs
its microdata path before the file arrives. It is written in the layout of the ``china_2020``
codebook (its export columns, codes as exported) to ``<build>/synthetic/`` (never ``data/raw``), read
back by the same loader as the real file (:func:`analysis.collect.china2020.load_china2020_export`,
with ``data_origin = "synthetic (seed N)"``), so every row carries ``is_synthetic = True``.

Grounded in the real frame and the real public relations:

* the frame is the cities of the compendium's frame (over 50,000 inhabitants; the 2020-21 frame
  held 745 EU cities from an older list, so the two frames differ);
* a city answers with a propensity rising with size, higher for capitals and for cities with a
  public Chinese tie (Wikipedia, Wikidata), about :data:`RESPONSE_RATE` overall;
* a city with a public Chinese tie says it cooperates with China (probability 0.9); the others do
  with the probability that puts the expected share of "yes" among the cities answering at the
  published 53% (``reference/china2020_published.csv``);
* the roster lists the public Chinese partners first, as the public record writes them or, now and
  then, under another romanisation or exonym of the gazetteer (Peking, Canton, Yeungkong), then
  partners drawn from the gazetteer's prefecture-level cities; years up to 2020;
* the views lean to the economy, COVID-19 is a frequent obstacle (fieldwork 2020-21), the
  importance item gives "crucial" at the published 15% of the cooperating cities, and coordination
  is weak with the national level and weaker with the EU (the published finding).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.build.outcomes import frame_units
from analysis.collect.china2020 import INSTRUMENT, published_china2020
from analysis.collect.codebook import load_codebook
from analysis.collect.synthetic import _pick, synthetic_dir
from analysis.core.tracking import note_write

RESPONSE_RATE = 0.4
# A one-word Latin-script alternate name (Peking, Canton, Yeungkong), not a transcription with apostrophes or hyphens.
_ONE_LATIN_WORD = re.compile(r"[A-Z][a-z]+")
DONT_KNOW_SHARE = 0.03
# The questionnaire was in English, German, French and Spanish (domain-methods 1.3).
QUESTIONNAIRE_LANGUAGE = {"AT": "de", "DE": "de", "LU": "fr", "BE": "fr", "FR": "fr", "ES": "es"}
FIELDWORK_START, FIELDWORK_DAYS = pd.Timestamp("2020-05-04"), 390
TIE_TYPES, TIE_TYPE_SHARES = ["twin", "partner", "friendship", "mou"], [0.35, 0.2, 0.3, 0.15]
INITIATOR_SHARES = {
    "own_city": 0.4,
    "partner": 0.25,
    "national_government": 0.05,
    "embassy": 0.1,
    "business": 0.1,
    "university": 0.05,
    "diaspora": 0.02,
    "other": 0.03,
}


def published_targets() -> dict[tuple[str, str], float]:
    """``{(item, option): share}`` of the published table: the shares the sample is drawn near."""
    table = published_china2020()
    return {(row.item, row.option): float(row.share) for row in table.itertuples()}


def synthetic_china2020_export(
    cities: pd.DataFrame, relations: pd.DataFrame, gazetteer: pd.DataFrame, seed: int, *, out_dir: Path | None = None
) -> Path:
    """Write ``china2020_export_seed<seed>.csv`` (the ``china_2020`` export columns, text) and return its path."""
    units = frame_units(cities)
    public = _public_chinese_partners(units, relations)
    rng = np.random.default_rng([seed, 20])
    respondents = units[rng.random(len(units)) < _propensity(units, public)].reset_index(drop=True)
    targets = published_targets()
    with_public = respondents["unit_id"].isin(public.keys())
    cooperate = _cooperation_answers(with_public.to_numpy(), targets[("has_cn_partner", "yes")], rng)
    pool = gazetteer[(gazetteer["country_iso2"] == "CN") & gazetteer["level"].isin(["prefecture", "city"])]
    rows = [
        _row(unit, answer, public.get(unit["unit_id"], []), pool, targets, rng)
        for (_, unit), answer in zip(respondents.iterrows(), cooperate)
    ]
    export = pd.DataFrame(rows, columns=load_codebook(INSTRUMENT).export_columns(), dtype=object)
    target = (out_dir or synthetic_dir()) / f"china2020_export_seed{seed}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    export.to_csv(target, index=False)
    note_write(target)
    return target


def _public_chinese_partners(units: pd.DataFrame, relations: pd.DataFrame) -> dict[str, list[dict]]:
    """``{unit_id: [{partner_name, partner_id}, ...]}`` of the frame cities' public Chinese ties."""
    chinese = relations[relations["partner_is_cn"] & relations["eu_city_id"].isin(set(units["unit_id"]))]
    partners: dict[str, list[dict]] = {}
    for row in chinese.sort_values(["eu_city_id", "partner_name"]).itertuples():
        partners.setdefault(str(row.eu_city_id), []).append(
            {"partner_name": str(row.partner_name), "partner_id": row.partner_id}
        )
    return partners


def _propensity(units: pd.DataFrame, public: dict[str, list[dict]]) -> np.ndarray:
    """Response probability: logit around :data:`RESPONSE_RATE`, +0.3 per log size step, capitals and public ties."""
    size = np.log(units["population"].fillna(150_000).clip(lower=50_000) / 150_000)
    logit = (
        np.log(RESPONSE_RATE / (1 - RESPONSE_RATE))
        + 0.3 * size
        + 0.4 * units["is_capital"].astype(float)
        + 0.4 * units["unit_id"].isin(public.keys()).astype(float)
    )
    return (1 / (1 + np.exp(-logit))).to_numpy()


def _cooperation_answers(with_public: np.ndarray, target: float, rng: np.random.Generator) -> list[str]:
    """yes / no / dont_know per respondent, with the expected share of yes among yes-or-no answers at ``target``."""
    known = 0.9
    share_public = float(with_public.mean()) if len(with_public) else 0.0
    others = float(np.clip((target - known * share_public) / max(1 - share_public, 1e-9), 0, 1))
    says_yes = rng.random(len(with_public)) < np.where(with_public, known, others)
    unsure = rng.random(len(with_public)) < DONT_KNOW_SHARE
    return ["dont_know" if dk else ("yes" if yes else "no") for yes, dk in zip(says_yes, unsure)]


def _row(
    unit: pd.Series,
    answer: str,
    public: list[dict],
    pool: pd.DataFrame,
    targets: dict[tuple[str, str], float],
    rng: np.random.Generator,
) -> dict[str, str | None]:
    """One export row (text, as the survey tool writes it): the branch for cooperating cities or the other."""
    row: dict[str, object] = {
        "unit_id": unit["unit_id"],
        "responded": (FIELDWORK_START + pd.Timedelta(days=int(rng.integers(0, FIELDWORK_DAYS)))).strftime("%Y-%m-%d"),
        "questionnaire_language": QUESTIONNAIRE_LANGUAGE.get(unit["country_iso2"], "en"),
        "has_cn_partner": answer,
    }
    if answer == "yes":
        row |= _roster(public, pool, rng) | _views(targets[("cn_importance", "5")], rng)
    else:
        book = load_codebook(INSTRUMENT)
        row["cn_reasons_none"] = _pick(
            rng,
            tuple(book.item("cn_reasons_none").code_values),
            1,
            3,
            boost={"no_interest": 3.0, "lack_of_funds": 2.0, "lack_of_staff": 2.0, "other_priorities": 2.0},
        )
        row["cn_plans"] = rng.choice(["yes", "no", "dont_know"], p=[0.15, 0.65, 0.2])
    return {column: None if value is None else str(value) for column, value in row.items()}


def _roster(public: list[dict], pool: pd.DataFrame, rng: np.random.Generator) -> dict[str, object]:
    """Up to five partners: the public ones first (sometimes under another Latin-script name), then gazetteer picks."""
    partners = [_as_written(tie["partner_name"], tie["partner_id"], pool, rng) for tie in public]
    extra = int(rng.poisson(0.6)) + (0 if partners else 1)
    if extra and len(pool):
        weights = pool["population"].astype(float).fillna(pool["population"].astype(float).median()).fillna(1.0) ** 0.5
        picks = pool.sample(n=extra, weights=weights.to_numpy(), random_state=int(rng.integers(0, 2**31)))
        partners += [_as_written(name, pid, pool, rng) for name, pid in zip(picks["name"], picks["partner_id"])]
    answers: dict[str, object] = {}
    for position, name in enumerate(partners[:5], start=1):
        answers[f"cn_partner_{position}_name"] = name
        answers[f"cn_partner_{position}_year_established"] = (
            int(rng.integers(1982, 2021)) if rng.random() < 0.85 else None
        )
        answers[f"cn_partner_{position}_type"] = rng.choice(TIE_TYPES, p=TIE_TYPE_SHARES)
    return answers


def _as_written(name: str, partner_id: object, pool: pd.DataFrame, rng: np.random.Generator) -> str:
    """``name``, or in about a quarter of cases a one-word Latin-script alternate name of the gazetteer (an exonym)."""
    if rng.random() >= 0.25 or partner_id is None or pd.isna(partner_id):
        return name
    match = pool.loc[pool["partner_id"].eq(partner_id), "alternate_names"]
    alternates = str(match.iloc[0]).split("|") if len(match) and pd.notna(match.iloc[0]) else []
    latin = [a for a in alternates if _ONE_LATIN_WORD.fullmatch(a) and a != name]
    return latin[int(rng.integers(0, len(latin)))] if latin else name


def _views(crucial_share: float, rng: np.random.Generator) -> dict[str, object]:
    """Initiator, areas, benefits, obstacles, importance (``crucial_share`` at 5) and coordination of a cooperating city."""
    book = load_codebook(INSTRUMENT)
    codes = {item: tuple(book.item(item).code_values) for item in ("cn_areas", "cn_benefits", "cn_obstacles")}
    crucial = crucial_share * (1 - DONT_KNOW_SHARE)  # the share among those rating, "don't know" left out
    rest = (1 - crucial - DONT_KNOW_SHARE) / 4
    importance = ["1", "2", "3", "4", "5", "dont_know"]
    return {
        "cn_initiator": rng.choice(list(INITIATOR_SHARES), p=list(INITIATOR_SHARES.values())),
        "cn_areas": _pick(
            rng,
            codes["cn_areas"],
            2,
            5,
            boost={"economy_trade": 3.0, "investment": 2.0, "culture": 2.0, "education": 2.0},
        ),
        "cn_benefits": _pick(rng, codes["cn_benefits"][:-2], 1, 3, boost={"economic": 3.0, "cultural_exchange": 2.0}),
        "cn_obstacles": _pick(
            rng,
            codes["cn_obstacles"][:-2],
            1,
            4,
            boost={"covid19": 3.0, "political_tensions": 2.0, "distance_travel_cost": 2.0, "language": 2.0},
        ),
        "cn_importance": rng.choice(importance, p=[0.6 * rest, 1.1 * rest, 1.3 * rest, rest, crucial, DONT_KNOW_SHARE]),
        "cn_coordination_national": rng.choice(importance, p=[0.35, 0.3, 0.18, 0.1, 0.04, 0.03]),
        "cn_coordination_eu": rng.choice(importance, p=[0.55, 0.25, 0.1, 0.04, 0.01, 0.05]),
    }
