"""Triangulating the sources of partnership data: agreement between them and the ties all of them miss.

Four kinds of source record whether an EU unit has a US (or Chinese) partner: the public
Wikipedia lists, Wikidata (three snapshots), the web crawl and the survey. This module

* links survey and crawl ties to gazetteer partners (:func:`resolve_partner_ids`) so that
  the same tie is recognised in every source (:func:`tie_captures`);
* builds per-unit indicators by source (:func:`unit_indicators`) and Cohen's kappa for every
  pair of sources over the units both cover (:func:`pairwise_kappa`);
* estimates the total number of ties, seen or not, by capture-recapture: Lincoln-Petersen
  with Chapman's correction for two sources (:func:`chapman_estimate`) and log-linear
  models for three or more (:func:`loglinear_estimate`), with a profile-likelihood CI.

Capture-recapture assumes every source could have recorded every tie. The survey covers
respondents only, so models with the survey are fitted on respondents' ties alone.

The headline estimates use the real sources only: the three public snapshots as captures
(Wikipedia 2026, Wikidata 2016/2017, Wikidata 2022), joined by the crawl and the survey when
their real exports are loaded. Notebook 40 shows the models with the synthetic samples as a
pipeline demonstration; they never feed a headline.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, special, stats
from statsmodels.stats.inter_rater import cohens_kappa

from analysis.build.outcomes import OUTCOME_SOURCES, partner_keys, tie_attributes
from analysis.build.resolve import gazetteer_name_index, resolve_partner_names
from analysis.core import fields

# Capture sources of a tie and the relations columns behind the public ones. The two Wikidata
# captures are the early snapshots (2016, 2017) and the 2022 one: one copies the other, so the
# log-linear model offers them a pairwise interaction.
PUBLIC_CAPTURES: dict[str, tuple[str, ...]] = {
    "wikipedia": ("in_wikipedia_2026",),
    "wikidata_early": ("in_wikidata_2016", "in_wikidata_2017"),
    "wikidata_2022": ("in_wikidata_2022",),
}
CAPTURE_SOURCES: tuple[str, ...] = (*PUBLIC_CAPTURES, "crawl", "survey")


# --------------------------------------------------------------------------- linking ties


def resolve_partner_ids(
    names: pd.Series,
    countries: pd.Series,
    gazetteer: pd.DataFrame,
    admin1: pd.Series | None = None,
    *,
    index: pd.DataFrame | None = None,
    unit_ids: pd.Series | None = None,
    relations: pd.DataFrame | None = None,
) -> pd.Series:
    """Gazetteer ``partner_id`` for each (name, country), or ``None`` when not found or ambiguous.

    A thin call of the one place resolver (:func:`analysis.build.resolve.resolve_partner_names`):
    ``admin1`` (state/province as answered) is its admin-1 hint; with ``unit_ids`` and the public
    ``relations``, a name a unit's public tie resolved lends its id (rule 7). Pass ``index``
    (:func:`analysis.build.resolve.gazetteer_name_index` of ``gazetteer``) to avoid rebuilding it.
    """
    index = index if index is not None else gazetteer_name_index(gazetteer)
    known = None
    if relations is not None:
        known = relations.assign(unit_id=relations["eu_city_id"].fillna(relations["eu_region_code"]))[
            ["unit_id", "partner_country_iso2", "partner_name", "partner_id"]
        ]
    return resolve_partner_names(names, countries, index, admin1=admin1, unit_ids=unit_ids, known_ties=known)


def link_ties(
    ties: pd.DataFrame,
    gazetteer: pd.DataFrame,
    *,
    index: pd.DataFrame | None = None,
    relations: pd.DataFrame | None = None,
    name_column: str = "partner_name",
    country_column: str = "partner_country_iso2",
    admin1_column: str | None = "partner_admin1",
) -> pd.DataFrame:
    """``ties`` (with ``unit_id``) with ``partner_id`` resolved against the gazetteer and ``partner_key`` set from it.

    With the public ``relations``, a unit's public ties lend their ids (see :func:`resolve_partner_ids`).
    """
    admin1 = ties[admin1_column] if admin1_column else None
    unit_ids = ties["unit_id"] if relations is not None else None
    ids = resolve_partner_ids(
        ties[name_column], ties[country_column], gazetteer, admin1, index=index, unit_ids=unit_ids, relations=relations
    )
    return ties.assign(partner_id=ids, partner_key=partner_keys(ids, ties[name_column], ties[country_column]))


def tie_captures(
    relations: pd.DataFrame,
    crawl_ties: pd.DataFrame | None,
    survey_ties: pd.DataFrame | None,
    country_iso2: str,
    unit_ids: set[str] | None = None,
) -> pd.DataFrame:
    """One row per (unit, partner) tie with a ``country_iso2`` partner, and a boolean column per capture source.

    The partner country follows the named outcome definitions of :mod:`analysis.build.outcomes`
    (``US``: 50 states and DC; ``CN``: mainland China). Pass ``None`` for a crawl or survey that is
    not a capture of this lane (the headline lane leaves synthetic samples out); its column is then
    all False. ``survey_ties`` needs ``partner_key`` (see :func:`partner_keys`); ``crawl_ties`` has it.
    Columns: ``unit_id, partner_key`` and :data:`CAPTURE_SOURCES`. ``unit_ids`` limits the units.
    """
    group = country_iso2.lower()
    public = relations[tie_attributes(relations)["partner_group"].eq(group).to_numpy()]
    public = public.assign(
        unit_id=public["eu_city_id"].fillna(public["eu_region_code"]).astype(str),
        partner_key=partner_keys(public["partner_id"], public["partner_name"], public["partner_country_iso2"]),
    )
    parts = [pd.DataFrame(columns=["unit_id", "partner_key", "source"])]
    for source, columns in PUBLIC_CAPTURES.items():
        captured = public[public[list(columns)].any(axis=1)]
        parts.append(captured[["unit_id", "partner_key"]].assign(source=source))
    for source, ties in (("crawl", crawl_ties), ("survey", survey_ties)):
        if ties is None or not len(ties):
            continue
        own = ties[tie_attributes(ties)["partner_group"].eq(group).to_numpy()]
        parts.append(own[["unit_id", "partner_key"]].astype(str).assign(source=source))
    long = pd.concat(parts, ignore_index=True).drop_duplicates()
    if unit_ids is not None:
        long = long[long["unit_id"].isin(unit_ids)]
    wide = pd.crosstab([long["unit_id"], long["partner_key"]], long["source"]).astype(bool)
    for source in CAPTURE_SOURCES:
        if source not in wide:
            wide[source] = False
    return wide[list(CAPTURE_SOURCES)].reset_index()


# --------------------------------------------------------------------------- agreement


def unit_indicators(
    units: pd.DataFrame, captures_by_country: Mapping[str, pd.DataFrame], survey_responses: pd.DataFrame | None
) -> pd.DataFrame:
    """Per-unit 0/1 indicators of having a partner in each country, by source.

    ``units`` has ``unit_id`` (and whatever descriptive columns should be kept);
    ``captures_by_country`` maps ``"US"``/``"CN"`` to :func:`tie_captures` frames. Columns
    ``<us|cn>_<source>`` for :data:`~analysis.build.outcomes.OUTCOME_SOURCES` (nullable boolean): the survey
    indicator is the unit's own answer (yes/no) and is empty for non-respondents and for
    "don't know"; the others are never empty (a source without the tie says no). Without
    ``survey_responses`` (``None``: no survey in this lane) there is no survey column.
    """
    indicators = units.copy()
    for iso, captures in captures_by_country.items():
        prefix = iso.lower()
        any_capture = (
            captures.assign(wikidata=captures["wikidata_early"] | captures["wikidata_2022"])
            .groupby("unit_id")[["wikipedia", "wikidata", "crawl"]]
            .any()
        )
        for source in ("wikipedia", "wikidata", "crawl"):
            indicators[f"{prefix}_{source}"] = (
                indicators["unit_id"].map(any_capture[source]).fillna(False).astype("boolean")
            )
        if survey_responses is None:
            continue
        answers = survey_responses.set_index("unit_id")
        answer = (
            indicators["unit_id"].map(answers[f"has_{prefix}_partner"])
            if len(answers)
            else pd.Series(None, index=indicators.index)
        )
        indicators[f"{prefix}_survey"] = answer.map({"yes": True, "no": False}).astype("boolean")
    return indicators


def cohen_kappa(first: Sequence[bool] | pd.Series, second: Sequence[bool] | pd.Series) -> float:
    """Cohen's kappa of two binary ratings of the same units, by :func:`statsmodels.stats.inter_rater.cohens_kappa`.

    Returns NaN when there are no units or chance agreement is 1 (both sources constant and equal).
    """
    a = np.asarray(first, dtype=bool)
    b = np.asarray(second, dtype=bool)
    if len(a) != len(b):
        raise ValueError(f"cohen_kappa: ratings differ in length ({len(a)} and {len(b)})")
    if len(a) == 0:
        return float("nan")
    # The 2x2 table keeps both categories even when a source never says yes (or never no).
    table = np.array([[np.sum(~a & ~b), np.sum(~a & b)], [np.sum(a & ~b), np.sum(a & b)]])
    with np.errstate(invalid="ignore", divide="ignore"):  # 0/0 when chance agreement is 1: NaN
        return float(cohens_kappa(table).kappa)


def pairwise_kappa(
    indicators: pd.DataFrame, country_iso2: str, sources: Sequence[str] = OUTCOME_SOURCES
) -> pd.DataFrame:
    """Cohen's kappa for every pair of sources on the units both cover (no missing value in either).

    Returns ``source_a, source_b, units, both_yes, agreement, kappa`` (``units`` is the
    number of units the pair covers).
    """
    prefix = country_iso2.lower()
    rows = []
    for first, second in itertools.combinations(sources, 2):
        pair = indicators[[f"{prefix}_{first}", f"{prefix}_{second}"]].dropna()
        a, b = pair.iloc[:, 0].astype(bool), pair.iloc[:, 1].astype(bool)
        rows.append(
            {
                "source_a": first,
                "source_b": second,
                "units": len(pair),
                "both_yes": int((a & b).sum()),
                "agreement": float((a == b).mean()) if len(pair) else float("nan"),
                "kappa": cohen_kappa(a, b),
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- capture-recapture


def chapman_estimate(
    first_count: int, second_count: int, both_count: int, confidence: float = 0.95
) -> dict[str, float]:
    """Lincoln-Petersen estimate of a population size with Chapman's correction, for two sources.

    ``first_count`` and ``second_count`` are the ties each source records, ``both_count`` those
    both record. N = (n1 + 1)(n2 + 1)/(m + 1) - 1, variance
    (n1 + 1)(n2 + 1)(n1 - m)(n2 - m) / ((m + 1)^2 (m + 2)) (Seber 1982), normal CI with the
    lower bound raised to the number observed. Returns ``observed, estimate, unseen, se,
    ci_low, ci_high``.
    """
    n1, n2, m = first_count, second_count, both_count
    if not 0 <= m <= min(n1, n2):
        raise ValueError(f"chapman_estimate: both_count {m} must lie between 0 and min({n1}, {n2})")
    estimate = (n1 + 1) * (n2 + 1) / (m + 1) - 1
    variance = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ** 2 * (m + 2))
    se = math.sqrt(variance)
    z = stats.norm.ppf(0.5 + confidence / 2)
    observed = n1 + n2 - m
    return {
        "observed": observed,
        "estimate": estimate,
        "unseen": estimate - observed,
        "se": se,
        "ci_low": float(max(observed, estimate - z * se)),
        "ci_high": float(estimate + z * se),
    }


def capture_histories(captures: pd.DataFrame, sources: Sequence[str]) -> pd.DataFrame:
    """Counts of every capture history of ``sources`` (all 2^k combinations, the all-zero one included with count 0).

    Rows that no listed source captured are ignored (they are not part of this capture experiment).
    """
    flags = captures[list(sources)].astype(bool)
    flags = flags[flags.any(axis=1)]
    histories = pd.DataFrame(list(itertools.product([0, 1], repeat=len(sources))), columns=list(sources))
    counts = flags.astype(int).value_counts().rename("count").reset_index()
    histories = histories.merge(counts, on=list(sources), how="left").fillna({"count": 0})
    histories["count"] = histories["count"].astype(float)
    return histories


def _design(histories: pd.DataFrame, sources: Sequence[str], interactions: Sequence[tuple[str, str]]) -> pd.DataFrame:
    design = histories[list(sources)].astype(float)
    for first, second in interactions:
        design[f"{first}:{second}"] = design[first] * design[second]
    return sm.add_constant(design, has_constant="add")


def loglinear_estimate(
    captures: pd.DataFrame,
    sources: Sequence[str],
    interactions: Sequence[tuple[str, str]] = (),
    confidence: float = 0.95,
) -> dict[str, object]:
    """Log-linear capture-recapture estimate of all ties, seen and unseen, from k >= 3 sources.

    A Poisson GLM on the 2^k - 1 observed capture histories (main effects for each source
    plus the given pairwise ``interactions``) predicts the all-zero history: the ties every
    source missed, exp(intercept). The CI comes from the profile likelihood of the total N
    (multinomial likelihood maximised over the model at each N; Cormack 1992, as in R
    ``Rcapture``). Returns ``model, observed, unseen, estimate, ci_low, ci_high, deviance,
    df, aic``.
    """
    if len(sources) < 3:
        raise ValueError(
            f"loglinear_estimate needs at least 3 sources, got {list(sources)}; use chapman_estimate for 2"
        )
    histories = capture_histories(captures, sources)
    observed_cells = histories[histories[list(sources)].sum(axis=1) > 0]
    design = _design(observed_cells, sources, interactions)
    if design.shape[1] >= len(observed_cells):
        raise ValueError(
            f"loglinear_estimate: {design.shape[1]} parameters for {len(observed_cells)} observed histories leave no degrees of freedom"
        )
    fit = sm.GLM(observed_cells["count"], design, family=sm.families.Poisson()).fit()
    observed = float(observed_cells["count"].sum())
    unseen = float(np.exp(fit.params["const"]))
    full_design = _design(histories, sources, interactions)
    low, high = _profile_interval(
        histories["count"].to_numpy(), full_design.to_numpy(), observed, observed + unseen, confidence
    )
    name = "independence" if not interactions else " + ".join(f"{a}×{b}" for a, b in interactions)
    return {
        "model": name,
        "observed": int(observed),
        "unseen": unseen,
        "estimate": observed + unseen,
        "ci_low": low,
        "ci_high": high,
        "deviance": float(fit.deviance),
        "df": int(fit.df_resid),
        "aic": float(fit.aic),
    }


def _profile_loglik(total: float, counts: np.ndarray, design: np.ndarray, observed: float) -> float:
    """Multinomial log-likelihood of total ``total`` maximised over the model (the zero cell is row 0 of ``counts``)."""
    full = counts.copy()
    full[0] = total - observed
    fit = sm.GLM(full, design, family=sm.families.Poisson()).fit()
    fitted = np.clip(fit.fittedvalues, 1e-300, None)
    terms = np.where(full > 0, full * np.log(fitted / total), 0.0)
    return float(special.gammaln(total + 1) - special.gammaln(total - observed + 1) + terms.sum())


def _profile_interval(
    counts: np.ndarray, design: np.ndarray, observed: float, start: float, confidence: float
) -> tuple[float, float]:
    critical = stats.chi2.ppf(confidence, 1)

    def loglik(total: float) -> float:
        return _profile_loglik(total, counts, design, observed)

    upper_search = max(start * 4, observed + 50)
    best = optimize.minimize_scalar(lambda total: -loglik(total), bounds=(observed, upper_search), method="bounded")
    peak_total = best.x if -best.fun >= loglik(start) else start
    peak = max(-best.fun, loglik(start))

    def excess(total: float) -> float:
        return 2 * (peak - loglik(total)) - critical

    low = observed if excess(observed) <= 0 else optimize.brentq(excess, observed, peak_total)
    high_bound = peak_total * 2 + 10
    while excess(high_bound) < 0:
        if high_bound > observed * 1000 + 1e6:
            return float(low), float("inf")
        high_bound *= 2
    high = optimize.brentq(excess, peak_total, high_bound)
    return float(low), float(high)


def estimate_totals(
    captures: pd.DataFrame,
    sources: Sequence[str] = tuple(PUBLIC_CAPTURES),
    interactions: Sequence[tuple[str, str]] = (("wikidata_early", "wikidata_2022"),),
    respondents: set[str] | None = None,
) -> pd.DataFrame:
    """The standard set of estimates for one partner country over the capture ``sources``, one row per model.

    With the public captures alone (the headline): Chapman on Wikipedia × Wikidata (any snapshot),
    then log-linear models on Wikipedia, the early and the 2022 Wikidata snapshots, independent and
    with ``interactions`` (a later snapshot copies an earlier one). With the crawl (every unit is
    crawled, so every unit is in the experiment): Chapman on public × crawl and the log-linear
    models with the crawl as a fourth capture. With the survey and ``respondents``: one more
    log-linear model on the respondents' ties alone (the survey covers nobody else).
    """
    public = captures[list(PUBLIC_CAPTURES)].any(axis=1)
    if "crawl" in sources:
        pair, first, second = "public sources × crawl", public, captures["crawl"]
    else:
        pair, first = "Wikipedia × Wikidata", captures["wikipedia"]
        second = captures["wikidata_early"] | captures["wikidata_2022"]
    chapman = chapman_estimate(int(first.sum()), int(second.sum()), int((first & second).sum()))
    rows = [
        {
            "model": f"Chapman: {pair}",
            "capture_count": 2,
            **{k: chapman[k] for k in ("observed", "unseen", "estimate", "ci_low", "ci_high")},
        }
    ]
    unit_sources = [source for source in sources if source != "survey"]
    experiments = [(captures, unit_sources, "")]
    if "survey" in sources and respondents is not None:
        experiments.append(
            (captures[captures["unit_id"].isin(respondents)], [*unit_sources, "survey"], "respondents, ")
        )
    for frame, model_sources, prefix in experiments:
        for model_interactions in ((), tuple(interactions)):
            fit = loglinear_estimate(frame, model_sources, model_interactions)
            rows.append(
                {
                    "model": f"log-linear: {prefix}{fit['model']}",
                    "capture_count": len(model_sources),
                    **{
                        k: fit[k]
                        for k in ("observed", "unseen", "estimate", "ci_low", "ci_high", "deviance", "df", "aic")
                    },
                }
            )
    return pd.DataFrame(rows)


def headline_estimate(estimates: pd.DataFrame) -> pd.Series:
    """The estimate the book quotes: the log-linear model with the Wikidata interaction on every unit (not respondents only)."""
    chosen = estimates[estimates["model"].str.startswith("log-linear: ") & estimates["model"].str.contains("×")]
    chosen = chosen[~chosen["model"].str.contains("respondents")]
    return chosen.iloc[-1]


def nonresponse_check(indicators: pd.DataFrame, respondent_ids: set[str], country_iso2: str) -> dict[str, float]:
    """Share of units with a crawled ``country_iso2`` tie among respondents and non-respondents, and the gap.

    The crawl covers every unit, so the gap estimates the survey's non-response bias in the
    key outcome (domain-methods 4.4, step 1). Returns ``respondents, nonrespondents,
    share_respondents, share_nonrespondents, gap``.
    """
    crawled = indicators[f"{country_iso2.lower()}_crawl"].astype(bool)
    responded = indicators["unit_id"].isin(respondent_ids)
    share_in, share_out = float(crawled[responded].mean()), float(crawled[~responded].mean())
    return {
        "respondents": int(responded.sum()),
        "nonrespondents": int((~responded).sum()),
        "share_respondents": share_in,
        "share_nonrespondents": share_out,
        "gap": share_in - share_out,
    }


# --------------------------------------------------------------------------- tables for later chapters

SOURCE_AGREEMENT_SCHEMA = fields.schema(
    "partner source_a source_b units both_yes agreement kappa",
    description="Agreement between every pair of real sources on whether a unit has a US (or Chinese) partner.",
    coerce=True,
)

CAPTURE_RECAPTURE_SCHEMA = fields.schema(
    "partner model capture_count observed unseen estimate ci_low ci_high",
    description="Capture-recapture estimates of the total number of EU-US and EU-China ties from the real sources, with intervals.",
    coerce=True,
)
