"""Non-response weights: propensity, trimming, raking to the frame's margins, weighted shares with linearised errors."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import weightipy

from analysis.stats import nonresponse, weights

# Raking runs to a relative misfit of 1e-8; the margins are checked to 1e-6 of their frame count.
MARGIN_TOLERANCE = 1e-6

ROWS = [
    ("DE", "city", 60_000, 60, 25),
    ("DE", "city", 300_000, 20, 14),
    ("FR", "city", 60_000, 40, 12),
    ("FR", "city", 150_000, 20, 12),
    ("IT", "city", 60_000, 30, 11),
    ("AT", "city", 120_000, 8, 3),
    ("LU", "city", 120_000, 3, 0),  # a country without respondents
    ("DE", "region", 0, 20, 9),
    ("FR", "region", 0, 10, 6),
]


@pytest.fixture
def frame(survey_frame):
    units, respondents, public = survey_frame(ROWS)
    return nonresponse.nonresponse_frame(units, respondents, public)


@pytest.fixture
def fitted(frame):
    return weights.survey_weights(frame)


def test_raked_weights_reproduce_the_frame_margins(fitted, frame):
    margins = fitted.margins
    assert set(margins["margin"]) == {"country_cell", "size_class_cell"}
    relative = (margins["weighted_total"] - margins["frame_units"]).abs() / margins["frame_units"]
    assert relative.max() < MARGIN_TOLERANCE
    # Recomputed from the weights themselves, not from the report.
    by_country = fitted.weights.groupby("country_cell")["weight"].sum()
    framed = nonresponse.with_cells(frame, fitted.cells)
    expected = framed["country_cell"].value_counts()
    assert by_country.reindex(expected.index).to_numpy() == pytest.approx(expected.to_numpy(), rel=MARGIN_TOLERANCE)


def test_weights_are_positive_and_sum_to_the_frame(fitted, frame):
    w = fitted.weights["weight"]
    assert (w > 0).all()
    assert w.sum() == pytest.approx(len(frame), rel=1e-9)
    assert len(fitted.weights) == frame["responded"].sum()
    assert fitted.summary["weighting_design_effect"] >= 1
    assert (fitted.weights["base_weight"] >= 1).all()  # inverse propensities


def test_a_country_without_respondents_is_collapsed_and_reported_not_a_crash(fitted):
    cells = fitted.cells.set_index("category")
    assert cells.loc["LU", "respondents"] == 0
    assert cells.loc["LU", "cell"] != "LU" and cells.loc["LU", "reason"].startswith("0 respondents of 3 units")
    assert not fitted.propensity_terms["term"].str.contains(r"\[LU\]").any()
    assert cells.loc["LU", "cell"] in set(fitted.margins["cell"])


def test_an_empty_size_cell_is_collapsed_and_reported(survey_frame):
    # No respondent among the 500k-1m cities: the class merges with its neighbour, and the report says so.
    units, respondents, public = survey_frame([*ROWS, ("DE", "city", 700_000, 4, 0)])
    fitted = weights.survey_weights(nonresponse.nonresponse_frame(units, respondents, public))
    size = fitted.cells[fitted.cells["dimension"] == "size class"].set_index("category")
    assert size.loc["500k-1m", "cell"] != "500k-1m" and size.loc["500k-1m", "respondents"] == 0
    assert size.loc["500k-1m", "reason"].startswith("0 respondents of 4 units")
    margins = fitted.margins.set_index("cell")
    assert margins.loc[size.loc["500k-1m", "cell"], "weighted_total"] == pytest.approx(
        size.loc[size["cell"] == size.loc["500k-1m", "cell"], "frame_units"].sum(), rel=MARGIN_TOLERANCE
    )


def test_raking_refuses_a_frame_level_without_respondents(frame):
    respondents = frame[frame["responded"]].assign(base=1.0)
    with pytest.raises(ValueError, match="LU"):
        weights.rake_to_frame(respondents, "base", frame, ["country_iso2"])


def test_raking_from_unit_weights_agrees_with_weightipy(frame):
    framed = nonresponse.with_cells(frame, nonresponse.collapse_cells(frame))
    respondents = framed[framed["responded"]].assign(base=1.0)
    ours = weights.rake_to_frame(respondents, "base", framed, ["country_cell", "size_class_cell"])
    targets = {
        margin: (framed[margin].value_counts(normalize=True) * 100).to_dict()
        for margin in ("country_cell", "size_class_cell")
    }
    theirs = weightipy.weight(respondents[["country_cell", "size_class_cell"]], weightipy.scheme_from_dict(targets))
    theirs = theirs.to_numpy() / theirs.sum() * len(framed)
    assert ours.to_numpy() == pytest.approx(theirs, rel=1e-3)


def test_trimming_caps_at_the_median_multiple_and_reports_it():
    base = pd.Series([1.0, 1.0, 2.0, 2.0, 2.0, 30.0])
    trimmed, report = weights.trim_weights(base, multiple=5)
    assert report["bound"] == 10.0 and report["trimmed"] == 1
    assert report["max_before"] == 30.0 and report["max_after"] == 10.0
    assert trimmed.tolist() == [1.0, 1.0, 2.0, 2.0, 2.0, 10.0]


def test_the_propensity_design_drops_a_constant_outcome_and_says_so(frame):
    framed = nonresponse.with_cells(frame, nonresponse.collapse_cells(frame)).assign(cn_partner_public=False)
    exog, dropped = weights.propensity_design(framed)
    assert dropped == {"cn_partner_public": "constant over the frame"}
    assert "us_partner_public" in exog.columns and np.linalg.matrix_rank(exog.to_numpy()) == exog.shape[1]


# --------------------------------------------------------------------------- weighted shares, checked by hand

# Two strata. Stratum A: weights 1, 2, 3 answering yes, no, yes; stratum B: weights 1, 1, 2, 4 answering
# no, yes, yes, no, and one "don't know" of weight 5 (out of the domain, still in the design).
HAND = pd.DataFrame(
    {
        "unit_id": [f"u{i}" for i in range(8)],
        "unit_type": ["city", "city", "region", "city", "region", "region", "city", "city"],
        "country_cell": ["A", "A", "A", "B", "B", "B", "B", "B"],
        "weight": [1.0, 2.0, 3.0, 1.0, 1.0, 2.0, 4.0, 5.0],
        "has_us_partner": ["yes", "no", "yes", "no", "yes", "yes", "no", "dont_know"],
        "has_cn_partner": ["no", "no", "no", "no", "no", "no", "no", "yes"],
    }
)


RESPONSES = HAND.drop(columns=["weight", "country_cell"])
WEIGHTS = HAND[["unit_id", "weight", "country_cell"]]


def _linearised_se(data: pd.DataFrame, domain: pd.Series) -> tuple[float, float]:
    """The textbook formula: share p = sum w d y / sum w d; z = w d (y - p) / sum w d; stratified with replacement."""
    y = data["has_us_partner"].eq("yes").astype(float)
    d = domain.astype(float) * data["has_us_partner"].isin(["yes", "no"])
    total = (data["weight"] * d).sum()
    share = (data["weight"] * d * y).sum() / total
    z = data["weight"] * d * (y - share) / total
    variance = 0.0
    for _, part in z.groupby(data["country_cell"]):
        n = len(part)
        variance += n / (n - 1) * ((part - part.mean()) ** 2).sum()
    return share, math.sqrt(variance)


def test_the_weighted_share_and_its_linearised_error_match_the_hand_computation():
    shares = weights.weighted_shares(RESPONSES, WEIGHTS)
    shares = shares.set_index(["unit_type", "partner"])
    overall = shares.loc[(weights.ALL_UNITS, "US")]
    # By hand: p = (1 + 3 + 1 + 2) / 14 = 0.5. z (times 14) in A: 0.5, -1, 1.5 (mean 1/3); in B: -0.5, 0.5, 1,
    # -2, 0 (the "don't know"; mean -0.2). Sum of squares about the means: 3.1667 and 5.3; times n/(n-1):
    # 4.75 + 6.625 = 11.375, so SE = sqrt(11.375) / 14 = 0.24090.
    assert overall["share_weighted"] == pytest.approx(0.5)
    assert overall["std_error"] == pytest.approx(math.sqrt(11.375) / 14, rel=1e-9)
    assert (overall["answering"], overall["yes"], overall["no"], overall["dont_know"]) == (7, 4, 3, 1)
    for unit_type in ("city", "region"):
        share, se = _linearised_se(HAND, HAND["unit_type"].eq(unit_type))
        row = shares.loc[(unit_type, "US")]
        assert row["share_weighted"] == pytest.approx(share, rel=1e-9)
        assert row["std_error"] == pytest.approx(se, rel=1e-9)
        assert row["ci_low"] <= row["share_weighted"] <= row["ci_high"] and row["ci_low"] < row["ci_high"]
    # Every region answering yes: a share of 1, whose interval comes from Korn-Graubard (logit has none).
    region = shares.loc[("region", "US")]
    assert region["share_weighted"] == 1.0 and region["ci_method"] == "korn-graubard"
    assert region["ci_high"] == 1.0 and 0 < region["ci_low"] < 1
    assert shares.loc[(weights.ALL_UNITS, "US"), "ci_method"] == "logit"
    # Design-based, not iid: the simple-random-sampling error of 4 yes in 7 differs.
    assert overall["std_error"] != pytest.approx(math.sqrt(0.5 * 0.5 / 7), rel=0.01)


def test_a_domain_in_which_nobody_says_yes_has_a_zero_share_not_an_error():
    shares = weights.weighted_shares(RESPONSES, WEIGHTS).set_index(["unit_type", "partner"])
    assert shares.loc[("region", "CN"), "share_weighted"] == 0.0
    assert shares.loc[("region", "CN"), "yes"] == 0
    assert shares.loc[("region", "CN"), "ci_low"] == 0.0 and 0 < shares.loc[("region", "CN"), "ci_high"] < 1


def test_weighted_shares_refuse_respondents_without_a_weight():
    with pytest.raises(ValueError, match="no weight"):
        weights.weighted_shares(RESPONSES, WEIGHTS.iloc[:5])
