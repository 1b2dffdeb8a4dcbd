"""A seeded, clearly labelled SYNTHETIC sample of the phase-2 survey of US places (stand-in for the team's export).

Like the phase-1 sample (:mod:`analysis.collect.synthetic`), it is written in the real export
format (the ``us_phase2`` codebook's layout, through :func:`analysis.collect.export_formats.write_export`)
to ``<build>/synthetic/``, never ``data/raw``; every table loaded from it carries ``is_synthetic =
True`` and ``data_origin = "synthetic (seed N)"``. It is grounded in the generated phase-2 frame:

* the respondents are US places of the frame; the chance of answering rises with population
  (about a third overall, more for large cities);
* a respondent lists most of its EU partners of the frame (some forgotten), sometimes one that
  phase 1 did not find; it writes their names as an American office would: the English exonym
  or the local form, without diacritics, sometimes with the country ("Munich, Germany"), rarely mistyped;
* where the EU end answered phase 1, the US end mostly agrees with it, but not always: the year
  established off by one to five years, an active tie called inactive (or the reverse), another kind
  of tie, overlapping but different areas of cooperation;
* fieldwork noise: an earlier abandoned submission of one place, a place outside the frame, a mistyped year.

A truth file records, for every roster entry, the EU unit meant, so the resolution can be scored.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.collect.codebook import MULTI_SELECT_SEPARATOR
from analysis.collect.export_formats import write_export
from analysis.collect.phase2_link import BOOK, MAX_EU_PARTNERS, roster_column
from analysis.collect.synthetic import SyntheticFiles, data_origin, synthetic_dir
from analysis.core.names import fold_text
from analysis.core.tracking import note_write

AREAS: tuple[str, ...] = tuple(BOOK.item("eu_areas").code_values)
BENEFITS: tuple[str, ...] = tuple(
    code for code in BOOK.item("eu_benefits").code_values if code not in ("none", "other")
)
OBSTACLES: tuple[str, ...] = tuple(
    code for code in BOOK.item("eu_obstacles").code_values if code not in ("none", "other")
)
TIE_TYPES: tuple[str, ...] = tuple(BOOK.item("eu_partners.type").code_values)
RUN_BY: tuple[str, ...] = tuple(BOOK.item("eu_partners.run_by").code_values)


def synthetic_phase2_export(
    frame: pd.DataFrame,
    frame_ties: pd.DataFrame,
    eu_responses: pd.DataFrame,
    eu_ties: pd.DataFrame,
    cities: pd.DataFrame,
    regions: pd.DataFrame,
    seed: int,
    *,
    out_dir: Path | None = None,
    export_format: str = "csv",
) -> SyntheticFiles:
    """Write a synthetic phase-2 export and its truth file; return both paths.

    ``frame`` and ``frame_ties``: :func:`analysis.collect.phase2.phase2_frame` and ``frame_ties(...).ties``;
    ``eu_responses`` and ``eu_ties``: the phase-1 ``survey_responses`` and ``survey_ties`` (the EU end's
    answers the US end agrees or disagrees with). Files ``phase2_export_seed<seed>`` (suffix of
    ``export_format``, one of :data:`analysis.collect.export_formats.EXPORT_FORMATS`) and
    ``phase2_truth_seed<seed>.csv`` in ``out_dir`` (default :func:`analysis.collect.synthetic.synthetic_dir`).
    The same seed always gives the same files.
    """
    rng = np.random.default_rng([seed, 20])
    places = frame.reset_index(drop=True)
    answers = rng.random(len(places)) < response_propensity(places["population"]).to_numpy()
    names = _eu_names(cities, regions)
    eu_said = _eu_answers(eu_ties)
    eu_areas = eu_responses.set_index("unit_id")["us_areas"].dropna().to_dict() if len(eu_responses) else {}
    rows, truth = [], []
    for number, place in enumerate(places[answers].itertuples(), start=1):
        partners = frame_ties.loc[frame_ties["partner_id"] == place.partner_id, "unit_id"].tolist()
        row, meant = _place_row(number, place.partner_id, partners, names, eu_said, eu_areas, rng)
        rows.append(row)
        truth += meant
    export = _with_fieldwork_noise(pd.DataFrame(rows, columns=BOOK.export_columns(), dtype=object), rng)
    target = out_dir or synthetic_dir()
    path = write_export(export, target / f"phase2_export_seed{seed}", export_format, BOOK)
    note_write(path)
    truth_path = target / f"phase2_truth_seed{seed}.csv"
    pd.DataFrame(truth, columns=["partner_id", "roster_position", "unit_id", "eu_name_as_written"]).to_csv(
        truth_path, index=False
    )
    note_write(truth_path)
    return SyntheticFiles(path, truth_path)


def phase2_origin(seed: int) -> str:
    """The ``data_origin`` of tables loaded from the sample: the phase-1 sample's label, ``synthetic (seed N)``."""
    return data_origin(seed)


def response_propensity(population: pd.Series) -> pd.Series:
    """Chance that a US place answers: logit of 30% at 100,000 inhabitants, +0.45 per log-population step."""
    size = np.log(pd.to_numeric(population, errors="coerce").astype(float).fillna(50_000).clip(lower=1_000) / 100_000)
    return 1 / (1 + np.exp(-(np.log(0.3 / 0.7) + 0.45 * size)))


def _eu_names(cities: pd.DataFrame, regions: pd.DataFrame) -> dict[str, dict[str, object]]:
    """For each EU unit: its country and the spellings a US respondent might use (primary, ASCII, exonyms)."""
    names: dict[str, dict[str, object]] = {}
    for city in cities.itertuples():
        primary = str(city.name)
        listed = city.alternate_names.split("|") if isinstance(city.alternate_names, str) else []
        alternates = [a for a in listed if a and "," not in a and _latin(a)]
        # Other forms of the same name: the local form of an English primary name, or the English exonym.
        similar = [
            a for a in alternates if fold_text(a)[:2] == fold_text(primary)[:2] and abs(len(a) - len(primary)) <= 3
        ]
        ascii_name = city.ascii_name if isinstance(city.ascii_name, str) and city.ascii_name else primary
        forms = list(dict.fromkeys([primary, ascii_name, *similar[:3]]))
        names[city.city_id] = {"country": city.country_iso2, "forms": forms}
    for region in regions.drop_duplicates("nuts2_code").itertuples():
        forms = list(dict.fromkeys([str(region.name_latn), str(region.name_national)]))
        names[region.nuts2_code] = {"country": region.country_iso2, "forms": forms}
    return names


def _latin(text: str) -> bool:
    """Written in Latin letters (an American office does not write "Парла")."""
    return all(ord(character) < 0x250 for character in text)


def _eu_answers(eu_ties: pd.DataFrame) -> dict[tuple[str, str], dict[str, object]]:
    """What the EU end said of each (unit, US place) in phase 1: year, activity, kind of tie."""
    listed = eu_ties[eu_ties["partner_country_iso2"].eq("US")].dropna(subset=["partner_id"])
    listed = listed.drop_duplicates(["unit_id", "partner_id"])
    return {
        (tie.unit_id, tie.partner_id): {
            "year": tie.year_established,
            "active": tie.activity_level,
            "type": tie.tie_type,
        }
        for tie in listed.itertuples()
    }


def _spelled(unit: dict[str, object], rng: np.random.Generator) -> str:
    """One way to write an EU partner: a form of its name, sometimes with the country, rarely mistyped."""
    forms = list(unit["forms"])
    name = forms[int(rng.integers(0, len(forms)))]
    if rng.random() < 0.15:
        name = f"{name}, {_country_name(str(unit['country']))}"
    if rng.random() < 0.03 and len(name) > 5:  # a typo the resolver must not guess away
        cut = int(rng.integers(2, len(name) - 2))
        name = name[:cut] + name[cut + 1 :]
    return name


def _country_name(iso2: str) -> str:
    """The country's English name as the questionnaire lists it ("Germany")."""
    return _EU_COUNTRY_NAMES.get(iso2, iso2)


_EU_COUNTRY_NAMES: dict[str, str] = {code.code: code.label["en"] for code in BOOK.item("eu_partners.country").codes}


def _place_row(
    number: int,
    partner_id: str,
    partners: list[str],
    names: dict[str, dict[str, object]],
    eu_said: dict[tuple[str, str], dict[str, object]],
    eu_areas: dict[str, str],
    rng: np.random.Generator,
) -> tuple[dict[str, object], list[tuple]]:
    """One export row (text, as the survey tool writes it) and the truth of its roster entries.

    Draws from ``rng`` in a fixed order (respondent, roster, views), so a seed gives the same export.
    """
    row: dict[str, object] = {
        "partner_id": partner_id,
        "responded": (pd.Timestamp("2026-02-02") + pd.Timedelta(days=int(rng.integers(0, 200)))).strftime("%Y-%m-%d"),
        "questionnaire_language": "es" if rng.random() < 0.08 else "en",
        "respondent_name": f"Synthetic Respondent P{number:04d}",
        "respondent_email": f"phase2.respondent{number:04d}@example.org",
        "respondent_phone": f"+1 555 000 {number:04d}",
        "respondent_job_title": "Synthetic sister-city coordinator",
        "has_international_office": rng.choice(["yes", "no", "dont_know"], p=[0.35, 0.6, 0.05]),
        "international_staff_fte": str(round(float(rng.gamma(1.2, 1.5)), 1)) if rng.random() < 0.95 else "dont_know",
        "international_budget": rng.choice(["none", "under_10k", "10k_50k", "50k_250k", "over_250k", "dont_know"]),
        "sci_member": rng.choice(["yes", "no", "dont_know"], p=[0.55, 0.35, 0.1]),
        "sister_city_committee": rng.choice(["yes", "no", "dont_know"], p=[0.7, 0.25, 0.05]),
        "consent": rng.choice(["attribute_to_unit", "aggregate_only"], p=[0.75, 0.25]),
    }
    listed = [unit for unit in partners if rng.random() < 0.85]  # some ties forgotten
    if rng.random() < 0.08:  # a tie phase 1 did not find
        listed.append(list(names)[int(rng.integers(0, len(names)))])
    listed = listed[:MAX_EU_PARTNERS]
    truth = []
    areas = []
    for position, unit_id in enumerate(listed, start=1):
        unit = names.get(unit_id, {"country": None, "forms": [unit_id]})
        written = _spelled(unit, rng)
        said = eu_said.get((unit_id, partner_id), {})
        row |= {
            roster_column(position, "name"): written,
            roster_column(position, "country"): unit["country"] if rng.random() < 0.95 else None,
            roster_column(position, "year_established"): _year(said.get("year"), rng),
            roster_column(position, "type"): _kind(said.get("type"), rng),
            roster_column(position, "active"): _activity(said.get("active"), rng),
            roster_column(position, "run_by"): rng.choice(RUN_BY, p=[0.3, 0.45, 0.2, 0.05]),
        }
        truth.append((partner_id, position, unit_id, written))
        if unit_id in eu_areas:
            areas.append(eu_areas[unit_id])
    row["has_eu_partner"] = "yes" if listed else rng.choice(["no", "dont_know"], p=[0.7, 0.3])
    if listed:
        row |= _views(areas, rng)
    return {column: None if value is None else str(value) for column, value in row.items()}, truth


def _year(eu_year: object, rng: np.random.Generator) -> int | None:
    """The US end's year: the EU end's, or one year off, or two to five years off (else a plausible year)."""
    if rng.random() < 0.1:
        return None
    if eu_year is None or pd.isna(eu_year):
        return int(rng.integers(1956, 2021))
    shift = rng.choice([0, 1, 2, 3, 4, 5], p=[0.6, 0.15, 0.1, 0.06, 0.05, 0.04]) * rng.choice([-1, 1])
    return int(min(max(int(eu_year) + int(shift), 1945), 2026))


def _activity(eu_level: object, rng: np.random.Generator) -> int:
    """The US end's activity rating: near the EU end's on the same side of 'inactive', sometimes across it."""
    if eu_level is None or pd.isna(eu_level):
        return int(rng.choice([1, 2, 3, 4, 5], p=[0.15, 0.25, 0.3, 0.2, 0.1]))
    level = int(eu_level)
    if rng.random() < 0.2:  # one end calls it inactive, the other active
        return int(rng.integers(2, 6)) if level == 1 else 1
    nearby = [value for value in (level - 1, level, level + 1) if (value == 1) == (level == 1) and 1 <= value <= 5]
    return int(rng.choice(nearby))


def _kind(eu_kind: object, rng: np.random.Generator) -> str:
    if isinstance(eu_kind, str) and rng.random() < 0.85:
        return eu_kind
    return str(rng.choice(TIE_TYPES, p=[0.6, 0.15, 0.2, 0.05]))


def _views(eu_areas: list[str], rng: np.random.Generator) -> dict[str, object]:
    """Areas (overlapping the EU end's when it answered), benefits, obstacles, importance and coordination."""
    chosen = set()
    for answer in eu_areas:
        chosen |= {code for code in answer.split(MULTI_SELECT_SEPARATOR) if rng.random() < 0.7}
    chosen |= set(rng.choice(AREAS[:-1], size=int(rng.integers(1, 3)), replace=False))
    pick = lambda options, low, high: MULTI_SELECT_SEPARATOR.join(  # noqa: E731
        sorted(rng.choice(options, size=int(rng.integers(low, high + 1)), replace=False))
    )
    return {
        "eu_areas": MULTI_SELECT_SEPARATOR.join(code for code in AREAS if code in chosen),
        "eu_benefits": pick(BENEFITS, 1, 3),
        "eu_obstacles": pick(OBSTACLES, 1, 3),
        "eu_importance": int(rng.choice([1, 2, 3, 4, 5], p=[0.1, 0.2, 0.3, 0.25, 0.15])),
        "coordination_state": rng.choice(["1", "2", "3", "4", "dont_know"], p=[0.5, 0.25, 0.1, 0.05, 0.1]),
        "coordination_federal": rng.choice(["1", "2", "3", "dont_know"], p=[0.6, 0.2, 0.05, 0.15]),
    }


def _with_fieldwork_noise(export: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """What real exports contain: an earlier abandoned submission, a place outside the frame, a mistyped year."""
    if len(export) < 10:
        return export
    twice = export.iloc[[int(rng.integers(0, len(export)))]].copy()
    twice["responded"] = "2026-01-15"
    stranger = export.iloc[[int(rng.integers(0, len(export)))]].copy()
    stranger["partner_id"] = "us-place-9999999"
    export = pd.concat([export, twice, stranger], ignore_index=True)
    year_column = roster_column(1, "year_established")
    filled = export.index[export[year_column].notna()]
    if len(filled):
        export.loc[filled[int(rng.integers(0, len(filled)))], year_column] = "19xx"
    return export
