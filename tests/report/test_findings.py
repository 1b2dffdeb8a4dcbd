"""From fitted models to sentences: safe fitting, US-versus-China comparisons, source robustness."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.report import findings
from analysis.stats import models
from analysis.stats.errors import NotEstimable


@pytest.fixture
def cities():
    """Simulated cities in 8 countries: size raises both outcomes, more so the US one."""
    rng = np.random.default_rng(7)
    n = 800
    country = np.repeat([f"C{k}" for k in range(8)], n // 8)
    log_population = rng.normal(11.5, 0.7, n)
    is_coastal = rng.random(n) < 0.3
    us_index = -1.0 + 1.6 * (log_population - 11.5) + rng.normal(0, 1, n)
    cn_index = -1.2 + 0.6 * (log_population - 11.5) + rng.normal(0, 1, n)
    frame = pd.DataFrame(
        {
            "country_iso2": country,
            "log_population": log_population,
            "is_coastal": pd.array(is_coastal, dtype="boolean"),
            "us_any": us_index > 0,
            "cn_any": cn_index > 0,
        }
    )
    for source, noise in (("wikipedia", 0.0), ("wikidata", 0.1)):
        flip = rng.random(n) < noise
        frame[f"us_any_{source}"] = pd.array(frame["us_any"] ^ flip, dtype="boolean")
        frame[f"cn_any_{source}"] = pd.array(frame["cn_any"] ^ flip, dtype="boolean")
    # a survey answered by few cities, all without a Chinese partner: not estimable
    answered = np.arange(n) < 30
    frame["us_any_survey"] = pd.array(np.where(answered, frame["us_any"], pd.NA), dtype="boolean")
    frame["cn_any_survey"] = pd.array(np.where(answered, False, pd.NA), dtype="boolean")
    return frame


def test_model_data_turns_nullable_booleans_into_floats_with_nan(cities):
    data = findings.model_data(cities)
    assert data["us_any_survey"].dtype == float
    assert data["us_any_survey"].isna().sum() == 770
    assert set(data["is_coastal"].unique()) <= {0.0, 1.0}


def test_fit_or_explain_returns_a_fit_or_a_reason():
    def degenerate(*_args, **_kwargs):
        raise NotEstimable("Logit of 'y' did not converge ({'fopt': 1.0, 'score': array([...])}); check for separation")

    note = findings.fit_or_explain(degenerate, model="Logit", outcome="y")
    assert isinstance(note, findings.NotEstimableNote)
    assert note.reason == "Logit of 'y' did not converge"
    assert "not estimable on this sample" in note.describe()
    assert findings.fit_or_explain(lambda value: value + 1, 1, model="m", outcome="y") == 2
    results = {"a": 1, "b": note}
    assert findings.estimated(results) == {"a": 1}
    assert findings.estimation_notes(results).startswith(
        "Some models could not be estimated on this sample: Logit of y"
    )
    assert findings.estimation_notes({"a": 1}).startswith("All models")


def test_fit_or_explain_explains_a_sample_without_variation(cities):
    # every surveyed city answers "no Chinese partner": the logit has nothing to explain
    note = findings.fit_or_explain(
        models.fit_logit,
        findings.model_data(cities),
        "cn_any_survey",
        ["log_population"],
        model="Logit",
        outcome="cn_any_survey",
    )
    assert isinstance(note, findings.NotEstimableNote)
    assert "'cn_any_survey' is always 0" in note.reason


@pytest.mark.parametrize(
    "bug",
    [
        RuntimeError("an optimiser bug"),
        ValueError("a bad argument"),
        ZeroDivisionError("division by zero"),
        np.linalg.LinAlgError("Singular matrix outside a fit"),
    ],
)
def test_fit_or_explain_lets_every_other_error_fail_the_build(bug):
    def broken(*_args, **_kwargs):
        raise bug

    with pytest.raises(type(bug)):
        findings.fit_or_explain(broken, model="Logit", outcome="y")


def test_a_bug_inside_a_real_fit_propagates(cities, monkeypatch):
    def broken_tidy(*_args, **_kwargs):
        raise TypeError("tidy_estimates() got an unexpected argument")

    monkeypatch.setattr(models, "tidy_estimates", broken_tidy)
    with pytest.raises(TypeError, match="unexpected argument"):
        findings.fit_or_explain(
            models.fit_logit, findings.model_data(cities), "us_any", ["log_population"], model="Logit", outcome="us_any"
        )
    with pytest.raises(KeyError):
        findings.fit_or_explain(
            models.fit_logit, findings.model_data(cities), "us_any", ["no_such_column"], model="Logit", outcome="us_any"
        )


def test_us_china_comparison_names_the_favoured_partner_and_builds_a_sentence(cities):
    data = findings.model_data(cities)
    fit = models.fit_bivariate_probit(data, ("us_any", "cn_any"), ["log_population", "is_coastal"])
    ames = models.bivariate_probit_marginal_effects(fit)
    comparison = findings.us_china_comparison(
        ames, "us_any", "cn_any", ["log_population", "is_coastal"], {"log_population": "Population (log)"}
    )
    size = comparison.set_index("term").loc["log_population"]
    assert size["us_ame"] > size["cn_ame"] > 0 and size["difference_low"] > 0
    assert size["favours"] == "US"
    assert comparison.set_index("term").loc["is_coastal", "favours"] == "neither"
    sentence = findings.comparison_sentence(size, "Larger cities")
    assert sentence.startswith("Larger cities are more likely to have a US partner (+")
    assert "towards the US" in sentence
    assert (
        findings.favours_summary(comparison)
        == "Size tilts partnerships towards the US; for a coastal location the data cannot tell the two partners apart."
    )
    shown = findings.comparison_display(comparison)
    assert list(shown.columns) == ["Variable", "US partner", "Chinese partner", "US minus China", "Favours"]
    assert findings.rho_sentence(fit).startswith("ρ = ")
    assert findings.rho_sentence(findings.NotEstimableNote("Bivariate probit", "y", "r")).endswith(
        "not estimable on this sample"
    )


def test_effect_formatting_uses_percentage_points_and_true_minus_signs():
    assert findings.effect_with_interval(0.031, 0.004, 0.058) == "+3.1 points, 95% CI +0.4 to +5.8"
    assert findings.effect_with_interval(-0.2, -0.3, -0.1, style="table") == "−20.0 (−30.0 to −10.0)"
    assert findings.effect_with_interval(np.nan, np.nan, np.nan) == "not estimable on this sample"


def test_ames_by_source_marks_sources_that_cannot_be_estimated(cities):
    table = findings.ames_by_source(
        cities, ["us_any", "cn_any"], ["wikipedia", "wikidata", "survey"], ["log_population", "is_coastal"]
    )
    survey_cn = table[(table["outcome_stem"] == "cn_any") & (table["source"] == "survey")]
    assert (survey_cn["status"] == "not estimable").all() and survey_cn["note"].str.len().gt(0).all()
    wikipedia_us = table[(table["outcome_stem"] == "us_any") & (table["source"] == "wikipedia")].set_index("term")
    assert wikipedia_us.loc["log_population", "estimate"] > 0 and wikipedia_us.loc["log_population", "conf_low"] > 0
    sentence = findings.source_sentence(table, "log_population", "size", synthetic_sources=["survey"])
    assert sentence.startswith("For size, the effect on a US partner is positive in")
    assert "not estimable in survey (synthetic)" in sentence
    shown = findings.source_display(
        table, ["log_population"], {"log_population": "Population (log)"}, synthetic_sources=["survey"]
    )
    assert "survey (synthetic)" in shown.columns
    assert 0 <= findings.source_agreement_share(table, ["log_population", "is_coastal"]) <= 1


def test_regression_table_or_note_survives_when_nothing_was_estimated():
    note = findings.regression_table_or_note({"Logit": findings.NotEstimableNote("Logit", "y", "no rows")}, {})
    assert len(note) == 1 and "None of these models is estimable" in note.iloc[0, 0]


def test_premise_sentence_checks_eu_first_and_us_china_second():
    holds = pd.DataFrame(
        {
            "partner": ["EU-27", "US", "CN", "RU"],
            "ties": [50, 10, 9, 3],
            "share_of_ties": [0.69, 0.14, 0.12, 0.04],
            "rank": [1, 2, 3, 4],
        }
    )
    assert findings.premise_sentence(holds).endswith("so the premise holds.")
    fails = holds.assign(rank=[1, 2, 4, 3])
    assert findings.premise_sentence(fails).endswith("does not hold as stated.")
    assert "cannot be checked" in findings.premise_sentence(holds[holds["partner"] != "EU-27"])


def test_count_model_name_says_when_the_fit_is_the_poisson_limit():
    from types import SimpleNamespace

    assert findings.count_model_name(SimpleNamespace(extra={"alpha_at_boundary": True}), "NB2") == "Poisson (α at 0)"
    assert (
        findings.count_model_name(SimpleNamespace(extra={"alpha_at_boundary": True}), "Hurdle NB2")
        == "Hurdle Poisson (α at 0)"
    )
    assert findings.count_model_name(SimpleNamespace(extra={}), "NB2") == "NB2"
    not_estimable = findings.NotEstimableNote(model="NB2", outcome="cn_tie_count", reason="singular Hessian")
    assert findings.count_model_name(not_estimable, "Hurdle NB2") == "Hurdle NB2"


def test_hypothesis_verdicts_compare_the_interval_with_the_expected_sign():
    from analysis.report import findings as f

    hypotheses = pd.DataFrame(
        {
            "hypothesis": ["H1", "H2", "H3"],
            "term": ["size", "wealth", ""],
            "us_expected": [1.0, 1.0, np.nan],
            "cn_expected": [1.0, np.nan, np.nan],
            "claim": ["bigger", "richer", "diaspora"],
        }
    )
    comparison = pd.DataFrame(
        {
            "term": ["size", "wealth"],
            "label": ["Size", "Wealth"],
            "us_ame": [0.2, -0.3],
            "us_low": [0.1, -0.4],
            "us_high": [0.3, -0.2],
            "cn_ame": [0.1, 0.0],
            "cn_low": [-0.1, -0.1],
            "cn_high": [0.2, 0.1],
        }
    )
    table = f.hypothesis_verdicts(hypotheses, comparison).set_index("Hypothesis")
    assert table.loc["H1", "US partner"].endswith("as expected")
    assert table.loc["H1", "Chinese partner"].endswith("no detectable effect")
    assert table.loc["H2", "US partner"].endswith("opposite")
    assert table.loc["H2", "Chinese partner"].endswith("(no expectation)")
    assert table.loc["H3", "US partner"] == "not tested"
    assert f.verdict_of(hypotheses, comparison, "H1").startswith("US: +20.0")


def test_rescale_comparison_scales_only_the_chosen_terms():
    comparison = pd.DataFrame(
        {
            "term": ["dist", "size"],
            "label": ["Distance", "Size"],
            **{f"{p}_{k}": [1.0, 1.0] for p in ("us", "cn") for k in ("ame", "low", "high")},
            **{column: [2.0, 2.0] for column in ("difference", "difference_low", "difference_high")},
        }
    )
    scaled = findings.rescale_comparison(comparison, ["dist"], 0.1, "per 10%").set_index("term")
    assert scaled.loc["dist", "us_ame"] == pytest.approx(0.1)
    assert scaled.loc["dist", "difference_high"] == pytest.approx(0.2)
    assert scaled.loc["size", "cn_low"] == 1.0
    assert scaled.loc["dist", "label"] == "Distance (per 10%)"
    with pytest.raises(ValueError):
        findings.rescale_comparison(comparison, ["dist"], 0.0, "none")
