"""From fitted models to the chapter's answers: safe fitting, US-versus-China comparisons, sentences.

The regression chapter must run on the full frame and on the small test frame (about a
hundred cities, a dozen countries), where some models cannot be estimated: a multinomial
logit that does not converge, a source with too few cities left. The model functions raise
:class:`~analysis.stats.errors.NotEstimable` for those known cases; :func:`fit_or_explain`
turns that exception (and only that one) into a :class:`NotEstimableNote` that the notebook
reports as "not estimable on this sample". Any other exception is a bug and fails the build.

The answers (is a larger, richer, capital or coastal city more likely to partner with the
US or with China, and does the answer depend on the source?) are built here as sentences
from average marginal effects (AMEs) and their 95% confidence intervals, and glued by the
notebook; no number in them is typed by hand.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.tools.sm_exceptions import ConvergenceWarning, HessianInversionWarning

from analysis.stats import models
from analysis.stats.errors import NotEstimable
from analysis.stats.fitting import ModelFit

NOT_ESTIMABLE = "not estimable on this sample"
PARTNER_NAMES = {"us": "a US partner", "cn": "a Chinese partner"}


@dataclass(frozen=True)
class NotEstimableNote:
    """A model that could not be estimated on this sample, and why (what :func:`fit_or_explain` returns)."""

    model: str
    outcome: str
    reason: str

    def describe(self) -> str:
        """One line for the page: model, outcome and the reason."""
        return f"{self.model} of {self.outcome}: {NOT_ESTIMABLE} ({self.reason})"


def fit_or_explain(fit_function: Callable[..., Any], *args: Any, model: str, outcome: str, **kwargs: Any) -> Any:
    """Call ``fit_function(*args, **kwargs)``; when the sample cannot identify the model return a :class:`NotEstimableNote`.

    Only :class:`~analysis.stats.errors.NotEstimable` is caught: a missing column, a typo or
    any other bug still raises. A fit whose covariate standard errors cannot be computed (a
    singular Hessian leaves them ``NaN``) is not estimable either. The reason keeps the first
    line of the message, without the optimiser's dump.
    """
    try:
        with warnings.catch_warnings():
            # Optimisers overflow while they explore and statsmodels warns on the way; the model
            # functions judge convergence themselves (and raise), and NaN errors are checked below.
            for category in (RuntimeWarning, ConvergenceWarning, HessianInversionWarning):
                warnings.simplefilter("ignore", category)
            result = fit_function(*args, **kwargs)
    except NotEstimable as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        return NotEstimableNote(model=model, outcome=outcome, reason=first_line.split(" ({")[0][:200])
    if isinstance(result, ModelFit):
        shown = result.coefficients[~result.coefficients["is_fixed_effect"].astype(bool)]
        if shown["std_error"].isna().any() or not np.isfinite(shown["estimate"].astype(float)).all():
            return NotEstimableNote(
                model=model, outcome=outcome, reason="standard errors could not be computed (singular Hessian)"
            )
    return result


def is_estimated(result: Any) -> bool:
    """True for a fitted result, False for a :class:`NotEstimableNote`."""
    return not isinstance(result, NotEstimableNote)


def estimated(results: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of ``results`` that were estimated (for regression tables)."""
    return {title: result for title, result in results.items() if is_estimated(result)}


def estimation_notes(results: Mapping[str, Any]) -> str:
    """A sentence listing the models that could not be estimated, or saying that all were."""
    failed = [result.describe() for result in results.values() if isinstance(result, NotEstimableNote)]
    if not failed:
        return "All models in this chapter could be estimated on this sample."
    return "Some models could not be estimated on this sample: " + "; ".join(failed) + "."


def model_data(cities: pd.DataFrame) -> pd.DataFrame:
    """The city table with nullable booleans as floats (``NaN`` for missing), ready for the model functions.

    Survey outcomes are ``<NA>`` for cities that did not answer; as ``NaN`` the model
    functions drop those rows and count them, instead of failing on a nullable dtype.
    """
    prepared = cities.copy()
    for column in prepared.columns:
        dtype = str(prepared[column].dtype)
        if dtype in ("boolean", "bool") or dtype == "Int64":
            prepared[column] = prepared[column].astype("Float64").astype(float)
    return prepared


# ----------------------------------------------------------------------------------------------
# Comparing US and Chinese effects
# ----------------------------------------------------------------------------------------------
def _interval_sign(low: float, high: float) -> int:
    """+1 when the interval lies above zero, -1 below, 0 when it covers zero (or is missing)."""
    if pd.isna(low) or pd.isna(high):
        return 0
    return 1 if low > 0 else -1 if high < 0 else 0


def us_china_comparison(
    ames: pd.DataFrame, first: str, second: str, terms: Sequence[str], labels: Mapping[str, str]
) -> pd.DataFrame:
    """AMEs on a US and on a Chinese partner and their difference, one row per term, with a verdict.

    ``ames`` is :func:`analysis.stats.models.bivariate_probit_marginal_effects` output; ``first``
    and ``second`` are the US and Chinese outcome names. Columns: ``term``, ``label``,
    ``us_ame``/``us_low``/``us_high``, ``cn_ame``/``cn_low``/``cn_high``,
    ``difference``/``difference_low``/``difference_high`` (US minus China) and ``favours``:
    "US" or "China" when the difference's interval excludes zero, else "neither".
    """
    parts = {
        "us": ames[ames["equation"] == f"P({first}=1)"].set_index("term"),
        "cn": ames[ames["equation"] == f"P({second}=1)"].set_index("term"),
        "difference": ames[ames["equation"] == f"{first} - {second}"].set_index("term"),
    }
    rows = []
    for term in terms:
        row: dict[str, Any] = {"term": term, "label": labels.get(term, term)}
        for prefix, table in parts.items():
            found = term in table.index
            estimate_name = "difference" if prefix == "difference" else f"{prefix}_ame"
            row[estimate_name] = float(table.at[term, "estimate"]) if found else np.nan
            row[f"{prefix}_low"] = float(table.at[term, "conf_low"]) if found else np.nan
            row[f"{prefix}_high"] = float(table.at[term, "conf_high"]) if found else np.nan
        sign = _interval_sign(row["difference_low"], row["difference_high"])
        row["favours"] = {1: "US", -1: "China", 0: "neither"}[sign]
        rows.append(row)
    return pd.DataFrame(rows)


def percentage_points(value: float, signed: bool = True) -> str:
    """0.0312 -> "+3.1" (percentage points, one decimal; a true minus sign)."""
    text = f"{abs(value) * 100:.1f}"
    if not signed:
        return text
    return ("+" if value >= 0 else "−") + text


def effect_with_interval(estimate: float, low: float, high: float, style: str = "text") -> str:
    """An AME on a probability with its interval, in percentage points.

    ``style="text"``: "+3.1 points, 95% CI +0.4 to +5.8"; ``style="table"``: "+3.1 (+0.4 to +5.8)".
    """
    if pd.isna(estimate):
        return NOT_ESTIMABLE
    if style == "table":
        return f"{percentage_points(estimate)} ({percentage_points(low)} to {percentage_points(high)})"
    return f"{percentage_points(estimate)} points, 95% CI {percentage_points(low)} to {percentage_points(high)}"


def _direction(low: float, high: float) -> str:
    sign = _interval_sign(low, high)
    return {1: "more likely", -1: "less likely", 0: "not detectably more or less likely"}[sign]


def comparison_sentence(row: Mapping[str, Any], subject: str) -> str:
    """One sentence on a term from a :func:`us_china_comparison` row.

    ``subject`` names the cities the term describes, e.g. "Larger cities (one log point more
    population)". Example: "Larger cities … are more likely to have a US partner (+26.5 points
    (95% CI …)) and more likely to have a Chinese partner (…); the difference, US minus China,
    is +6.5 points (95% CI …), so this favours US ties."
    """
    if pd.isna(row["us_ame"]) or pd.isna(row["cn_ame"]):
        return f"{subject}: {NOT_ESTIMABLE}."
    us_part = f"{_direction(row['us_low'], row['us_high'])} to have a US partner ({effect_with_interval(row['us_ame'], row['us_low'], row['us_high'])})"
    cn_part = f"{_direction(row['cn_low'], row['cn_high'])} to have a Chinese partner ({effect_with_interval(row['cn_ame'], row['cn_low'], row['cn_high'])})"
    verdict = {
        "US": "so the term tilts partnerships towards the US",
        "China": "so the term tilts partnerships towards China",
        "neither": "so the data cannot tell whether it favours one partner over the other",
    }[row["favours"]]
    difference = effect_with_interval(row["difference"], row["difference_low"], row["difference_high"])
    return f"{subject} are {us_part}, and {cn_part}; the difference, US minus China, is {difference}, {verdict}."


def comparison_display(comparison: pd.DataFrame) -> pd.DataFrame:
    """The comparison as a table for the book: AMEs in percentage points with intervals."""
    return pd.DataFrame(
        {
            "Variable": comparison["label"],
            "US partner": [
                effect_with_interval(*values, style="table")
                for values in comparison[["us_ame", "us_low", "us_high"]].to_numpy()
            ],
            "Chinese partner": [
                effect_with_interval(*values, style="table")
                for values in comparison[["cn_ame", "cn_low", "cn_high"]].to_numpy()
            ],
            "US minus China": [
                effect_with_interval(*values, style="table")
                for values in comparison[["difference", "difference_low", "difference_high"]].to_numpy()
            ],
            "Favours": comparison["favours"],
        }
    )


# ----------------------------------------------------------------------------------------------
# Robustness across sources
# ----------------------------------------------------------------------------------------------
BY_SOURCE_COLUMNS = [
    "outcome_stem",
    "source",
    "term",
    "estimate",
    "conf_low",
    "conf_high",
    "p_value",
    "n_obs",
    "n_clusters",
    "status",
    "note",
]


def ames_by_source(
    cities: pd.DataFrame,
    outcome_stems: Sequence[str],
    sources: Sequence[str],
    covariates: Sequence[str],
    fixed_effects: bool = True,
) -> pd.DataFrame:
    """Logit AMEs with each source alone as the outcome (``<stem>_<source>``), one row per stem, source and term.

    A source whose logit cannot be estimated gets one row per term with ``status``
    "not estimable" and the reason in ``note``; estimated rows have ``status`` "estimated".
    Columns: :data:`BY_SOURCE_COLUMNS`.
    """
    data = model_data(cities)
    rows = []
    for stem in outcome_stems:
        for source in sources:
            rows += _source_ame_rows(data, stem, source, list(covariates), fixed_effects)
    return pd.DataFrame(rows).reindex(columns=BY_SOURCE_COLUMNS)


def _source_ame_rows(
    data: pd.DataFrame, stem: str, source: str, covariates: list[str], fixed_effects: bool
) -> list[dict[str, Any]]:
    """The rows of one outcome stem and source: a logit, its AMEs, one row per term (or the reason they are missing)."""
    outcome = f"{stem}_{source}"
    key = {"outcome_stem": stem, "source": source}
    fit = fit_or_explain(
        models.fit_logit, data, outcome, covariates, fixed_effects=fixed_effects, model="Logit", outcome=outcome
    )
    effects = (
        fit
        if isinstance(fit, NotEstimableNote)
        else fit_or_explain(models.logit_average_marginal_effects, fit, model="Logit AME", outcome=outcome)
    )
    if isinstance(effects, NotEstimableNote):
        return [{**key, "term": term, "status": "not estimable", "note": effects.reason} for term in covariates]
    return [
        {
            **key,
            "term": effect.term,
            "estimate": effect.estimate,
            "conf_low": effect.conf_low,
            "conf_high": effect.conf_high,
            "p_value": effect.p_value,
            "n_obs": fit.n_obs,
            "n_clusters": fit.n_clusters,
            "status": "estimated",
            "note": "",
        }
        for effect in effects.itertuples()
    ]


def effect_verdict(estimate: float, low: float, high: float, status: str) -> str:
    """ "positive", "negative", "unclear" (interval covers zero) or "not estimable"."""
    if status != "estimated" or pd.isna(estimate):
        return "not estimable"
    return {1: "positive", -1: "negative", 0: "unclear"}[_interval_sign(low, high)]


def source_display(
    by_source: pd.DataFrame, terms: Sequence[str], labels: Mapping[str, str], synthetic_sources: Sequence[str] = ()
) -> pd.DataFrame:
    """Wide table for the book: one row per term and partner, one column per source, AME in points with verdict."""
    rows = []
    for stem in by_source["outcome_stem"].unique():
        for term in terms:
            chosen = by_source[(by_source["outcome_stem"] == stem) & (by_source["term"] == term)]
            row = {"Partner": "US" if stem.startswith("us") else "China", "Variable": labels.get(term, term)}
            for item in chosen.itertuples():
                column = f"{item.source} (synthetic)" if item.source in synthetic_sources else item.source
                verdict = effect_verdict(item.estimate, item.conf_low, item.conf_high, item.status)
                row[column] = (
                    verdict if verdict == "not estimable" else f"{percentage_points(item.estimate)} ({verdict})"
                )
            rows.append(row)
    return pd.DataFrame(rows)


def _join_words(words: Sequence[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def source_sentence(by_source: pd.DataFrame, term: str, subject: str, synthetic_sources: Sequence[str] = ()) -> str:
    """How the effect of ``term`` on US and on Chinese partners depends on the source, in one sentence.

    Example: "For size, the effect on a US partner is positive in wikipedia, wikidata and crawl
    (synthetic), and unclear in survey (synthetic); on a Chinese partner it is positive in every
    source."
    """
    parts = []
    for stem in by_source["outcome_stem"].unique():
        chosen = by_source[(by_source["outcome_stem"] == stem) & (by_source["term"] == term)]
        if chosen.empty:
            continue
        by_verdict: dict[str, list[str]] = {}
        for item in chosen.itertuples():
            name = f"{item.source} (synthetic)" if item.source in synthetic_sources else item.source
            by_verdict.setdefault(effect_verdict(item.estimate, item.conf_low, item.conf_high, item.status), []).append(
                name
            )
        partner = PARTNER_NAMES.get(stem.split("_")[0], stem)
        verb = "is" if not parts else "it is"
        if len(by_verdict) == 1:
            (verdict,) = by_verdict
            parts.append(f"on {partner} {verb} {verdict} in every source")
        else:
            pieces = [f"{verdict} in {_join_words(names)}" for verdict, names in by_verdict.items()]
            parts.append(f"on {partner} {verb} " + ", ".join(pieces[:-1]) + ", and " + pieces[-1])
    if not parts:
        return f"For {subject}: {NOT_ESTIMABLE}."
    return f"For {subject}, the effect " + "; ".join(parts) + "."


def source_agreement_share(by_source: pd.DataFrame, terms: Sequence[str]) -> float:
    """Share of (partner, term) pairs whose verdict is the same in every source where it was estimated."""
    agreeing, pairs = 0, 0
    for stem in by_source["outcome_stem"].unique():
        for term in terms:
            chosen = by_source[
                (by_source["outcome_stem"] == stem) & (by_source["term"] == term) & (by_source["status"] == "estimated")
            ]
            if chosen.empty:
                continue
            verdicts = {effect_verdict(r.estimate, r.conf_low, r.conf_high, r.status) for r in chosen.itertuples()}
            pairs += 1
            agreeing += len(verdicts) == 1
    return agreeing / pairs if pairs else float("nan")


# ----------------------------------------------------------------------------------------------
# Premise checks of the descriptive chapter
# ----------------------------------------------------------------------------------------------
def premise_sentence(ranking: pd.DataFrame, eu_label: str = "EU-27") -> str:
    """Whether EU partners come first and US and Chinese partners share second place, from a bloc ranking.

    ``ranking`` is :func:`analysis.stats.describe.partner_bloc_ranking` output. "Sharing second
    place" means that the US and China are the two blocs right after the EU-27 (ranks 2
    and 3 in either order, or tied at 2).
    """
    by_partner = ranking.set_index("partner")
    if eu_label not in by_partner.index:
        return "No tie with an EU partner is recorded, so the premise cannot be checked on this sample."

    def place(partner: str, name: str) -> str:
        if partner not in by_partner.index:
            return f"{name} has no recorded tie"
        row = by_partner.loc[partner]
        return f"{name} is in place {int(row['rank'])} ({int(row['ties']):,} ties, {row['share_of_ties']:.1%})"

    eu = by_partner.loc[eu_label]
    eu_first = int(eu["rank"]) == 1
    ranks = {partner: int(by_partner.at[partner, "rank"]) for partner in ("US", "CN") if partner in by_partner.index}
    shared_second = len(ranks) == 2 and sorted(ranks.values()) in ([2, 3], [2, 2])
    opening = (
        f"EU partners come first ({int(eu['ties']):,} ties, {eu['share_of_ties']:.1%} of all ties of frame cities)"
        if eu_first
        else f"EU partners do not come first: they are in place {int(eu['rank'])}"
    )
    verdict = "so the premise holds" if eu_first and shared_second else "so the premise does not hold as stated"
    return f"{opening}; {place('US', 'the US')} and {place('CN', 'China')}, {verdict}."


# ----------------------------------------------------------------------------------------------
# The regression chapter's tables and summary
# ----------------------------------------------------------------------------------------------
# Who a unit change of each key covariate describes, for sentences (AMEs are per unit change).
TERM_SUBJECTS = {
    "log_population": "Larger cities (one log point more population, about 2.7 times as many inhabitants)",
    "log_gdp_per_head": "Cities in richer regions (one log point more regional GDP per head)",
    "unemployment_rate_pct": "Cities in regions with one point more unemployment",
    "is_capital": "National capitals",
    "is_coastal": "Coastal cities",
    "is_eurocities_member": "EUROCITIES members",
}
SHORT_NAMES = {
    "log_population": "size",
    "log_gdp_per_head": "regional wealth",
    "unemployment_rate_pct": "regional unemployment",
    "is_capital": "capital status",
    "is_coastal": "a coastal location",
    "is_eurocities_member": "EUROCITIES membership",
    "log_region_population": "regional population",
    "coastal_region": "a coastal region",
    "metropolitan_population_share": "the metropolitan share",
    "new_member_state": "new membership",
    "log_frame_cities": "the number of frame cities",
    "log_dist_us_km": "distance to the US",
    "log_dist_cn_km": "distance to China",
}


def favours_summary(comparison: pd.DataFrame) -> str:
    """Which traits tilt partnerships towards the US, which towards China, and which do neither (one sentence)."""
    if comparison[["difference"]].isna().all().all():
        return f"The comparison of US and Chinese effects is {NOT_ESTIMABLE}."
    groups = {
        verdict: [SHORT_NAMES.get(term, term) for term in comparison.loc[comparison["favours"] == verdict, "term"]]
        for verdict in ("US", "China", "neither")
    }
    parts = []
    if groups["US"]:
        parts.append(
            f"{_join_words(groups['US'])} tilt{'s' if len(groups['US']) == 1 else ''} partnerships towards the US"
        )
    if groups["China"]:
        parts.append(
            f"{_join_words(groups['China'])} tilt{'s' if len(groups['China']) == 1 else ''} them towards China"
        )
    if groups["neither"]:
        parts.append(f"for {_join_words(groups['neither'])} the data cannot tell the two partners apart")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def regression_table_or_note(fits: Mapping[str, Any], labels: Mapping[str, str]) -> pd.DataFrame:
    """:func:`analysis.report.regtables.regression_table` of the estimated fits, or a one-row note when none was estimated."""
    from analysis.report import regtables

    usable = estimated(fits)
    if not usable:
        note = pd.DataFrame(
            {regtables.VARIABLE_COLUMN: [f"None of these models is estimable on this sample ({', '.join(fits)})."]}
        )
        note.attrs["note"] = estimation_notes(fits)
        return note
    return regtables.regression_table(usable, labels=labels)


def bootstrap_display(
    fits: Mapping[str, Any], bootstraps: Mapping[str, Any], terms: Sequence[str], labels: Mapping[str, str]
) -> pd.DataFrame:
    """Clustered and wild-bootstrap p-values of ``terms``, one row per outcome and term.

    ``fits`` and ``bootstraps`` map an outcome label to a logit fit (or :class:`NotEstimableNote`)
    and to :func:`analysis.stats.models.wild_cluster_bootstrap_logit` output (or :class:`NotEstimableNote`).
    """
    rows = []
    for outcome_label, fit in fits.items():
        bootstrap = bootstraps.get(outcome_label)
        for term in terms:
            row = {"Outcome": outcome_label, "Variable": labels.get(term, term)}
            if is_estimated(fit):
                coefficient = fit.term(term)
                row |= {
                    "Coefficient": f"{coefficient['estimate']:.3f}",
                    "Clustered p": _p_value_text(coefficient["p_value"]),
                }
            else:
                row |= {"Coefficient": NOT_ESTIMABLE, "Clustered p": ""}
            if bootstrap is not None and is_estimated(bootstrap):
                match = bootstrap[bootstrap["term"] == term]
                row["Wild bootstrap p"] = _p_value_text(match["p_value_bootstrap"].iloc[0]) if len(match) else ""
            else:
                row["Wild bootstrap p"] = NOT_ESTIMABLE
            rows.append(row)
    return pd.DataFrame(rows)


def _p_value_text(p_value: float) -> str:
    """A p-value with three decimals, "<0.001" below that."""
    return "<0.001" if p_value < 0.001 else f"{p_value:.3f}"


def profile_display(ames: pd.DataFrame, terms: Sequence[str], labels: Mapping[str, str]) -> pd.DataFrame:
    """Multinomial AMEs of ``terms`` on each partner profile's probability, in points with intervals.

    ``ames`` is :func:`analysis.stats.models.multinomial_average_marginal_effects` output; one row
    per term, one column per profile (none / US only / China only / both).
    """
    rows = []
    for term in terms:
        chosen = ames[ames["term"] == term]
        row = {"Variable": labels.get(term, term)}
        for item in chosen.itertuples():
            row[item.equation] = effect_with_interval(item.estimate, item.conf_low, item.conf_high, style="table")
        rows.append(row)
    return pd.DataFrame(rows)


def rho_sentence(fit: Any) -> str:
    """The bivariate probit's error correlation with its interval and what it means, or "not estimable"."""
    if not is_estimated(fit):
        return f"the error correlation is {NOT_ESTIMABLE}"
    extra = fit.extra
    sign = _interval_sign(extra["rho_conf_low"], extra["rho_conf_high"])
    meaning = {
        1: "cities that partner with one country beyond what the covariates predict also tend to partner with the other",
        -1: "beyond what the covariates predict, a partnership with one country goes with a lower chance of one with the other",
        0: "the data show no shared unobserved propensity beyond the covariates",
    }[sign]
    rho, low, high = (f"{extra[key]:.2f}".replace("-", "−") for key in ("rho", "rho_conf_low", "rho_conf_high"))
    return f"ρ = {rho} (95% CI {low} to {high}): {meaning}"


def count_model_name(fit: Any, default: str) -> str:
    """Short column name of a count model: ``default`` ("NB2", "Hurdle NB2"), or its Poisson form
    when the NB2 dispersion sat at zero and the model fell back to the Poisson limit."""
    if not is_estimated(fit) or not fit.extra.get("alpha_at_boundary"):
        return default
    return "Hurdle Poisson (α at 0)" if default.startswith("Hurdle") else "Poisson (α at 0)"


def biprobit_comparison(
    data: pd.DataFrame,
    outcomes: tuple[str, str],
    covariates: Sequence[str],
    labels: Mapping[str, str],
    fixed_effects: bool = True,
    model: str = "Bivariate probit",
) -> tuple[Any, pd.DataFrame]:
    """Fit a bivariate probit of ``outcomes`` (or explain why not) and compare its US and Chinese AMEs.

    Returns the fit (or :class:`NotEstimableNote`) and :func:`us_china_comparison` of every
    covariate (all effects missing when the model is not estimable).
    """
    fit = fit_or_explain(
        models.fit_bivariate_probit,
        data,
        outcomes,
        covariates,
        fixed_effects=fixed_effects,
        model=model,
        outcome=", ".join(outcomes),
    )
    if is_estimated(fit):
        ames = models.bivariate_probit_marginal_effects(fit)
    else:
        ames = pd.DataFrame(columns=["equation", "term", "estimate", "conf_low", "conf_high"])
    return fit, us_china_comparison(ames, *outcomes, covariates, labels)


# ----------------------------------------------------------------------------------------------
# Hypotheses of the theory chapter
# ----------------------------------------------------------------------------------------------
HYPOTHESES_FILE = "hypotheses.csv"


def load_hypotheses() -> pd.DataFrame:
    """The hypotheses of book/theory.md (``analysis/reference/hypotheses.csv``): id, term, expected signs, claim."""
    from analysis.core import paths

    table = pd.read_csv(paths.REFERENCE / HYPOTHESES_FILE, dtype=str, keep_default_na=False)
    for column in ("us_expected", "cn_expected"):
        table[column] = pd.to_numeric(table[column].replace("", np.nan))
    return table


def expectation_verdict(expected: float, estimate: float, low: float, high: float) -> str:
    """ "as expected", "opposite" (interval excludes zero on the other side), "no detectable effect", or "no expectation"."""
    if pd.isna(estimate):
        return NOT_ESTIMABLE
    sign = _interval_sign(low, high)
    if pd.isna(expected) or expected == 0:
        return {1: "positive", -1: "negative", 0: "no detectable effect"}[sign] + " (no expectation)"
    if sign == 0:
        return "no detectable effect"
    return "as expected" if sign == int(expected) else "opposite"


def hypothesis_verdicts(hypotheses: pd.DataFrame, comparison: pd.DataFrame) -> pd.DataFrame:
    """One row per hypothesis: its claim, the US and Chinese AMEs of its term, and a verdict for each partner.

    ``comparison`` is :func:`us_china_comparison` output holding every tested term once (rows of
    several models concatenated); a hypothesis without a term, or whose term is not there, is
    "not tested".
    """
    by_term = comparison.drop_duplicates("term").set_index("term")
    rows = []
    for item in hypotheses.itertuples():
        row = {"Hypothesis": item.hypothesis, "Claim": item.claim}
        if not item.term or item.term not in by_term.index:
            rows.append(row | {"Variable": "", "US partner": "not tested", "Chinese partner": "not tested"})
            continue
        found = by_term.loc[item.term]
        row["Variable"] = found["label"]
        for partner, prefix, expected in (
            ("US partner", "us", item.us_expected),
            ("Chinese partner", "cn", item.cn_expected),
        ):
            values = (found[f"{prefix}_ame"], found[f"{prefix}_low"], found[f"{prefix}_high"])
            row[partner] = f"{effect_with_interval(*values, style='table')}: {expectation_verdict(expected, *values)}"
        rows.append(row)
    return pd.DataFrame(rows)


def verdict_of(hypotheses: pd.DataFrame, comparison: pd.DataFrame, hypothesis: str) -> str:
    """A short phrase for the prose: "US: as expected; China: no detectable effect" for one hypothesis."""
    table = hypothesis_verdicts(hypotheses[hypotheses["hypothesis"] == hypothesis], comparison)
    if table.empty:
        raise KeyError(f"verdict_of: no hypothesis {hypothesis!r} in {list(hypotheses['hypothesis'])}")
    row = table.iloc[0]
    return f"US: {row['US partner']}; China: {row['Chinese partner']}"


def rescale_comparison(comparison: pd.DataFrame, terms: Sequence[str], factor: float, suffix: str) -> pd.DataFrame:
    """:func:`us_china_comparison` rows of ``terms`` with every effect and bound multiplied by ``factor`` (> 0).

    For a log covariate, ``factor = log(1.1)`` turns the AME per log point into the effect of a
    10% larger value (to first order); ``suffix`` is appended to the labels ("per 10% farther").
    """
    if factor <= 0:
        raise ValueError(f"rescale_comparison: factor must be positive; got {factor}")
    scaled = comparison.copy()
    chosen = scaled["term"].isin(terms)
    effect_columns = [f"{p}_{k}" for p in ("us", "cn") for k in ("ame", "low", "high")]
    effect_columns += ["difference", "difference_low", "difference_high"]
    scaled.loc[chosen, effect_columns] = scaled.loc[chosen, effect_columns] * factor
    scaled.loc[chosen, "label"] = scaled.loc[chosen, "label"] + f" ({suffix})"
    return scaled


def sample_text(fit: Any, unit: str = "cities") -> str:
    """ "1,030 cities in 23 countries" for an estimated fit, "not estimable on this sample" otherwise."""
    return f"{fit.n_obs:,} {unit} in {fit.n_clusters} countries" if is_estimated(fit) else NOT_ESTIMABLE
