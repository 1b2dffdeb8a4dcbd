"""A seeded, clearly labelled SYNTHETIC sample of the survey export.

The team's survey (phase 1) has not been run yet. Until its export arrives in
``data/raw/survey``, the pipeline runs on files made here, written
in the *real* export formats (``docs/data-formats.md``) so that the same loaders read them.
(The crawl's stand-in is a crawl of the local test web: :mod:`analysis.collect.web.testweb`.)
They go to ``<build>/synthetic/``, never into ``data/raw``, and every table built from them
carries ``is_synthetic = True`` and ``data_origin = "synthetic (seed N)"``.

The sample is grounded in the real frame and the real public relations:

* a latent set of *true* US and Chinese ties: every public tie of a unit, plus ties missing
  from the public sources (Poisson, more for larger units), drawn from the gazetteer;
* survey response with a propensity that rises with size, differs by country and is higher
  for capitals (about 40% overall, like the 2020-21 China survey); respondents report most of
  their true ties (under-reporting), sometimes a tie that is not one (over-reporting).

Respondents are "Synthetic Respondent 0042" with e-mails at example.org.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.build.outcomes import frame_units
from analysis.collect.survey import (
    AREAS,
    BENEFITS,
    MAX_PARTNERS_PER_COUNTRY,
    OBSTACLES,
    PARTNER_COUNTRIES,
    export_columns,
    roster_column,
)
from analysis.core import paths
from analysis.core.names import normalise_name
from analysis.core.tracking import note_write

# Page / questionnaire language by country (the main official language; BE and LU take French).
COUNTRY_LANGUAGE: dict[str, str] = {
    "AT": "de",
    "BE": "fr",
    "BG": "bg",
    "CY": "el",
    "CZ": "cs",
    "DE": "de",
    "DK": "da",
    "EE": "et",
    "ES": "es",
    "FI": "fi",
    "FR": "fr",
    "GR": "el",
    "HR": "hr",
    "HU": "hu",
    "IE": "en",
    "IT": "it",
    "LT": "lt",
    "LU": "fr",
    "LV": "lv",
    "MT": "en",
    "NL": "nl",
    "PL": "pl",
    "PT": "pt",
    "RO": "ro",
    "SE": "sv",
    "SI": "sl",
    "SK": "sk",
}


# Phrases for synthetic web pages; languages without an entry publish their partner page in English.
class SyntheticFiles(NamedTuple):
    """Paths written by a generator: the export (real format) and its truth file."""

    export: Path
    truth: Path


def synthetic_dir() -> Path:
    """Folder of the synthetic exports: ``<build>/synthetic`` (never ``data/raw``)."""
    return paths.build_dir() / "synthetic"


def data_origin(seed: int) -> str:
    """The ``data_origin`` label of every table built from the sample."""
    return f"synthetic (seed {seed})"


# --------------------------------------------------------------------------- latent truth


TRUE_TIE_COLUMNS = [
    "unit_id",
    "partner_key",
    "partner_id",
    "partner_name",
    "partner_admin1",
    "partner_country_iso2",
    "in_public",
    "year_established",
    "tie_type",
]


def synthetic_true_ties(
    units: pd.DataFrame, relations: pd.DataFrame, gazetteer: pd.DataFrame, seed: int
) -> pd.DataFrame:
    """The latent US and Chinese ties of the synthetic world, one row per (unit, partner).

    Every public US/CN tie of a unit is true (``in_public``); each unit also has ties the
    public sources miss, Poisson with a mean rising with population. Columns:
    :data:`TRUE_TIE_COLUMNS`.
    """
    rng = np.random.default_rng([seed, 0])
    ties = pd.concat(
        [_public_true_ties(units, relations, gazetteer), *_hidden_true_ties(units, gazetteer, rng)], ignore_index=True
    )
    ties["partner_key"] = ties["partner_id"].where(
        ties["partner_id"].notna(),
        "name:" + ties["partner_country_iso2"] + ":" + ties["partner_name"].map(normalise_name),
    )
    ties = (
        ties.drop_duplicates(["unit_id", "partner_key"]).sort_values(["unit_id", "partner_key"]).reset_index(drop=True)
    )
    is_us = ties["partner_country_iso2"].eq("US").to_numpy()
    ties["year_established"] = np.where(is_us, rng.integers(1950, 2020, len(ties)), rng.integers(1982, 2022, len(ties)))
    ties["tie_type"] = np.where(
        is_us,
        rng.choice(["twin", "partner", "friendship", "mou"], len(ties), p=[0.6, 0.2, 0.15, 0.05]),
        rng.choice(["twin", "partner", "friendship", "mou"], len(ties), p=[0.35, 0.2, 0.3, 0.15]),
    )
    return ties[TRUE_TIE_COLUMNS]


def _public_true_ties(units: pd.DataFrame, relations: pd.DataFrame, gazetteer: pd.DataFrame) -> pd.DataFrame:
    """The public US and Chinese ties of the survey units, marked ``in_public``."""
    admin1 = gazetteer.set_index("partner_id")["admin1_name"]
    public = relations[(relations["partner_is_us"] | relations["partner_is_cn"])].copy()
    public["unit_id"] = public["eu_city_id"].fillna(public["eu_region_code"]).astype(str)
    public = public[public["unit_id"].isin(set(units["unit_id"]))]
    partner_id = public["partner_id"].astype(object).where(public["partner_id"].notna(), None)
    return pd.DataFrame(
        {
            "unit_id": public["unit_id"].to_numpy(),
            "partner_id": partner_id.to_numpy(),
            "partner_name": public["partner_name"].astype(str).to_numpy(),
            "partner_admin1": partner_id.map(lambda pid: admin1.get(pid) if pid else None).to_numpy(),
            "partner_country_iso2": public["partner_country_iso2"].astype(str).to_numpy(),
            "in_public": True,
        }
    )


def _hidden_true_ties(units: pd.DataFrame, gazetteer: pd.DataFrame, rng: np.random.Generator) -> list[pd.DataFrame]:
    """Ties the public sources miss: per unit a Poisson count (mean rising with population) of US and Chinese
    partners drawn from the gazetteer, larger places more often; one frame per partner country."""
    pool = {
        "US": gazetteer[
            (gazetteer["country_iso2"] == "US")
            & (gazetteer["level"] == "city")
            & (gazetteer["population"].fillna(0) >= 20_000)
        ],
        "CN": gazetteer[(gazetteer["country_iso2"] == "CN") & gazetteer["level"].isin(["prefecture", "city"])],
    }
    scale = (units["population"].fillna(500_000) / 150_000).clip(lower=0.3) ** 0.5
    hidden = []
    for iso, mean in (("US", 0.35), ("CN", 0.25)):
        candidates = pool[iso]
        if candidates.empty:
            continue
        population = candidates["population"].astype(float)
        weights = population.fillna(population.median()).fillna(1.0).to_numpy() ** 0.5
        weights = weights / weights.sum()
        counts = rng.poisson(mean * scale.to_numpy())
        picks = rng.choice(len(candidates), size=int(counts.sum()), p=weights)
        chosen = candidates.iloc[picks]
        hidden.append(
            pd.DataFrame(
                {
                    "unit_id": np.repeat(units["unit_id"].to_numpy(), counts),
                    "partner_id": chosen["partner_id"].to_numpy(),
                    "partner_name": chosen["name"].to_numpy(),
                    "partner_admin1": chosen["admin1_name"].to_numpy(),
                    "partner_country_iso2": iso,
                    "in_public": False,
                }
            )
        )
    return hidden


# --------------------------------------------------------------------------- survey


def synthetic_survey_export(
    cities: pd.DataFrame,
    relations: pd.DataFrame,
    gazetteer: pd.DataFrame,
    seed: int,
    *,
    regions: pd.DataFrame | None = None,
    out_dir: Path | None = None,
) -> SyntheticFiles:
    """Write a synthetic survey export (real format) and the latent true ties; return both paths.

    Files: ``survey_export_seed<seed>.csv`` and ``true_ties_seed<seed>.csv`` in ``out_dir``
    (default :func:`synthetic_dir`). The same seed always gives the same files.
    """
    units = frame_units(cities, regions)
    truth = synthetic_true_ties(units, relations, gazetteer, seed)
    rng = np.random.default_rng([seed, 1])
    respondents = _respondents(units, truth, rng)
    rows = [
        _survey_row(number, unit, truth[truth["unit_id"] == unit["unit_id"]], gazetteer, rng)
        for number, (_, unit) in enumerate(respondents.iterrows(), start=1)
    ]
    export = pd.DataFrame(rows, columns=export_columns(), dtype=object)
    export = _with_fieldwork_noise(export, rng)
    target = out_dir or synthetic_dir()
    return SyntheticFiles(
        _write_csv(export, target / f"survey_export_seed{seed}.csv"),
        _write_csv(truth, target / f"true_ties_seed{seed}.csv"),
    )


def response_propensity(units: pd.DataFrame, truth: pd.DataFrame, seed: int) -> pd.Series:
    """Probability that a unit answers: logit 30% base, +0.35 per log size step, country effect, capital, having ties."""
    rng = np.random.default_rng([seed, 3])
    countries = sorted(units["country_iso2"].unique())
    country_effect = dict(zip(countries, rng.normal(0, 0.5, len(countries))))
    size = np.log(units["population"].fillna(1_000_000) / 150_000)
    has_tie = units["unit_id"].isin(set(truth["unit_id"]))
    logit = (
        np.log(0.3 / 0.7)
        + 0.35 * size
        + units["country_iso2"].map(country_effect)
        + 0.4 * units["is_capital"]
        + 0.3 * has_tie
        - 0.3 * units["unit_type"].eq("region")
    )
    return 1 / (1 + np.exp(-logit))


def _respondents(units: pd.DataFrame, truth: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    seed = int(rng.integers(0, 2**31))
    answers = rng.random(len(units)) < response_propensity(units, truth, seed).to_numpy()
    return units[answers]


def _survey_row(
    number: int, unit: pd.Series, true_ties: pd.DataFrame, gazetteer: pd.DataFrame, rng: np.random.Generator
) -> dict:
    """One export row (all values text, as the survey tool writes them) for respondent ``number``.

    Draws from ``rng`` in a fixed order (respondent fields, then per partner country its
    roster and its views), so a seed gives the same export.
    """
    language = COUNTRY_LANGUAGE.get(unit["country_iso2"], "en")
    row: dict[str, object] = {
        "unit_id": unit["unit_id"],
        "unit_type": unit["unit_type"],
        "responded": (pd.Timestamp("2025-03-03") + pd.Timedelta(days=int(rng.integers(0, 300)))).strftime("%Y-%m-%d"),
        "questionnaire_language": language if rng.random() < 0.7 else "en",
        "respondent_name": f"Synthetic Respondent {number:04d}",
        "respondent_email": f"respondent{number:04d}@example.org",
        "respondent_phone": f"+00 000 000 {number:04d}",
        "respondent_job_title": "Synthetic international relations officer",
        "has_international_office": rng.choice(["yes", "no", "dont_know"], p=[0.55, 0.4, 0.05]),
        "consent": rng.choice(["attribute_to_unit", "aggregate_only"], p=[0.7, 0.3]),
    }
    for country, iso in PARTNER_COUNTRIES.items():
        own = true_ties[true_ties["partner_country_iso2"] == iso]
        reported = own[rng.random(len(own)) < 0.85]  # under-reporting: some ties are forgotten
        if rng.random() < 0.06:  # over-reporting: a contact or MoU that is not a tie
            reported = pd.concat([reported, _invented_tie(iso, gazetteer, rng)], ignore_index=True)
        reported = reported.sample(frac=1.0, random_state=int(rng.integers(0, 2**31))).head(MAX_PARTNERS_PER_COUNTRY)
        if len(reported):
            row[f"has_{country}_partner"] = "yes"
        elif len(own):
            row[f"has_{country}_partner"] = rng.choice(["no", "dont_know"], p=[0.6, 0.4])
        else:
            row[f"has_{country}_partner"] = rng.choice(["no", "dont_know"], p=[0.95, 0.05])
        row |= _roster_answers(country, reported, rng)
        if len(reported):
            row |= _partnership_views(country, iso, rng)
    # The export is text, as the survey tool writes it.
    return {column: None if value is None or pd.isna(value) else str(value) for column, value in row.items()}


def _roster_answers(country: str, reported: pd.DataFrame, rng: np.random.Generator) -> dict[str, object]:
    """Roster fields of the ``reported`` ties, as a respondent fills them in (admin-1 and year sometimes left out)."""
    answers: dict[str, object] = {}
    for position, tie in enumerate(reported.itertuples(), start=1):
        name = tie.partner_name
        if isinstance(tie.partner_admin1, str) and rng.random() < 0.25:
            name = f"{name}, {tie.partner_admin1}"
        answers[roster_column(country, position, "name")] = name
        answers[roster_column(country, position, "admin1")] = tie.partner_admin1 if rng.random() < 0.8 else None
        answers[roster_column(country, position, "year_established")] = (
            int(tie.year_established) if rng.random() < 0.9 else None
        )
        answers[roster_column(country, position, "type")] = tie.tie_type
        answers[roster_column(country, position, "active")] = int(
            rng.choice([1, 2, 3, 4, 5], p=[0.1, 0.2, 0.3, 0.25, 0.15])
        )
    return answers


def _partnership_views(country: str, iso: str, rng: np.random.Generator) -> dict[str, object]:
    """Areas, benefits, obstacles, importance and coordination of the ties with one partner country.

    China ties lean to the economy and meet more political tension; US ties lean to culture.
    """
    economy_weight = 2.0 if iso == "CN" else 1.0
    area_boost = {
        "economy_trade": economy_weight,
        "investment": economy_weight,
        "culture": 3 - economy_weight,
        "education": 2.0,
    }
    obstacle_boost = {
        "lack_of_funds": 3.0,
        "lack_of_staff": 2.0,
        "distance_travel_cost": 2.0,
        "political_tensions": 2.5 if iso == "CN" else 0.5,
    }
    return {
        f"{country}_areas": _pick(rng, AREAS, 2, 5, boost=area_boost),
        f"{country}_benefits": _pick(
            rng, BENEFITS[:-2], 1, 3, boost={"economic": economy_weight, "cultural_exchange": 2.0}
        ),
        f"{country}_obstacles": _pick(rng, OBSTACLES[:-2], 1, 4, boost=obstacle_boost),
        f"{country}_importance": int(rng.choice([1, 2, 3, 4, 5], p=[0.15, 0.25, 0.3, 0.2, 0.1])),
        f"{country}_coordination_national": int(rng.choice([1, 2, 3, 4, 5], p=[0.35, 0.3, 0.2, 0.1, 0.05])),
        f"{country}_coordination_eu": rng.choice(["1", "2", "3", "dont_know"], p=[0.5, 0.25, 0.1, 0.15]),
    }


def _invented_tie(iso: str, gazetteer: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    pool = gazetteer[(gazetteer["country_iso2"] == iso) & (gazetteer["population"].fillna(0) >= 100_000)]
    if pool.empty:
        return pd.DataFrame()
    pick = pool.iloc[int(rng.integers(0, len(pool)))]
    return pd.DataFrame(
        [
            {
                "partner_name": pick["name"],
                "partner_admin1": pick["admin1_name"],
                "year_established": int(rng.integers(2005, 2025)),
                "tie_type": rng.choice(["friendship", "mou"]),
            }
        ]
    )


def _pick(rng: np.random.Generator, options: tuple[str, ...], low: int, high: int, boost: dict[str, float]) -> str:
    weights = np.array([boost.get(option, 1.0) for option in options])
    size = min(int(rng.integers(low, high + 1)), len(options))
    chosen = rng.choice(len(options), size=size, replace=False, p=weights / weights.sum())
    return ";".join(options[i] for i in sorted(chosen))


def _with_fieldwork_noise(export: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Add what real exports contain: a unit that answered twice and a few mistyped values."""
    if len(export) < 10:
        return export
    twice = export.iloc[[int(rng.integers(0, len(export)))]].copy()
    twice["responded"] = "2025-02-01"  # an earlier, abandoned submission
    export = pd.concat([export, twice], ignore_index=True)
    export.loc[int(rng.integers(0, len(export) - 1)), "has_international_office"] = "maybe"
    year_column = roster_column("us", 1, "year_established")
    filled = export.index[export[year_column].notna()]
    if len(filled):
        export.loc[filled[int(rng.integers(0, len(filled)))], year_column] = "19xx"
    return export


def _write_csv(frame: pd.DataFrame, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(target, index=False)
    note_write(target)
    return target


def origin_note(survey_origin: str, crawl_origin: str) -> str:
    """The sentence the chapter shows in its warning box: which data are synthetic, which are real."""
    synthetic_parts = [
        name for name, origin in (("survey", survey_origin), ("crawl", crawl_origin)) if origin.startswith("synthetic")
    ]
    if not synthetic_parts:
        return f"Real exports: survey {survey_origin}, crawl {crawl_origin}. No synthetic data in this chapter."
    seeds = sorted({origin for origin in (survey_origin, crawl_origin) if origin.startswith("synthetic")})
    real = [
        f"{name} {origin}"
        for name, origin in (("survey", survey_origin), ("crawl", crawl_origin))
        if not origin.startswith("synthetic")
    ]
    return (
        f"SYNTHETIC DATA. The {' and '.join(synthetic_parts)} results in this chapter come from a seeded sample labelled "
        f"'{' / '.join(seeds)}', generated by analysis.collect.synthetic because the team's real export is not in data/raw yet. "
        "They show that the pipeline works; they are not findings. Every table built from them has is_synthetic = True."
        + (f" Real export: {', '.join(real)}." if real else "")
    )
