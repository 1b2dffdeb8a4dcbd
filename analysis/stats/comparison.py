"""The comparison the study exists for: US against Chinese partners within the same EU units (paired),
and the phase-1 answers against the team's 2020-21 survey of EU cities about China.

**Paired, within units.** Phase 1 asks the shared items (codebook ``eu_phase1``: the section repeated
over ``country``) for US and for Chinese partners with the same wording; items with the same
``shared_id`` pair up (:func:`paired_items`). Only units that answered both sides enter a comparison.

* The branching item (``has_partner``: yes against no, "don't know" leaves the pair out) and every
  option of a multi-select item (areas, benefits, obstacles; units that answered both items, i.e.
  have US *and* Chinese partners) are paired binary outcomes (:func:`paired_binary_table`). The table
  shows the four cells (both, US only, China only, neither); the test is McNemar's on the discordant
  pairs b = US only and c = China only: the exact conditional binomial p-value and its mid-p version,
  which Fagerland, Lydersen and Laake (2013, BMC Medical Research Methodology 13:91) recommend
  because the exact test is conservative. The difference of shares (US minus China) gets Newcombe's
  square-and-add interval for paired data (Newcombe 1998, Statistics in Medicine 17:2635, method 10,
  with its correction of the correlation term; :func:`newcombe_paired_interval`).
* The Likert items (importance, coordination with the national and the EU level) are ordinal
  (:func:`paired_scale_table`): Wilcoxon's signed-rank test on the paired scores (a unit rating both
  sides equal is dropped, scipy's ``zero_method="wilcox"``), shown with the units rating the US
  higher, China higher or both equal, the two medians, and the mean paired difference with its t
  interval.

**Multiple comparisons.** Holm's step-down adjustment (family-wise error rate, :data:`ADJUSTMENT`)
within families: the options of one multi-select item are one family, the three Likert items one
family, the branching item a family of one. ``p_holm`` adjusts McNemar's mid-p (or Wilcoxon's p).

**Weighted.** Given the non-response weights (``SurveyWeights.weights`` of
:func:`analysis.stats.weights.survey_weights`), the shares and differences become design-based
estimates for the frame: the weighted difference is the domain mean of ``d = x_US - x_CN`` over the
units that answered both sides, with svy's linearised standard error and t interval under the design
of :func:`~analysis.stats.weights.weighted_shares` (strata = country cells, each unit its own PSU, with
replacement), and a design-based t test (``p_design``, Holm-adjusted as ``p_design_holm``).
McNemar's and Wilcoxon's tests stay unweighted: they speak about the respondents.

**Against the 2020-21 survey.** :mod:`analysis.stats.comparison_earlier`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import polars as pl
import svy
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from analysis.collect.codebook import Codebook, load_codebook
from analysis.stats.weights import STRATUM

PHASE1 = "eu_phase1"
PAIRED_TYPES = ("single", "multi", "likert")
# Holm (1979): step-down, controls the family-wise error rate under any dependence between the tests.
ADJUSTMENT = "holm"
ALPHA = 0.05
BINARY_COLUMNS = [
    "shared_id",
    "option",
    "label",
    "pairs",
    "both",
    "us_only",
    "cn_only",
    "neither",
    "share_us",
    "share_cn",
    "difference",
    "ci_low",
    "ci_high",
    "p_exact",
    "p_mid",
    "p_holm",
]
SCALE_COLUMNS = [
    "shared_id",
    "label",
    "pairs",
    "us_higher",
    "cn_higher",
    "equal",
    "median_us",
    "median_cn",
    "mean_difference",
    "ci_low",
    "ci_high",
    "p_wilcoxon",
    "p_holm",
]
WEIGHTED_COLUMNS = ["estimate_us", "estimate_cn", "difference_weighted", "std_error", "ci_low_w", "ci_high_w", "df"]
WEIGHTED_TESTS = ["p_design", "p_design_holm"]


# --------------------------------------------------------------------------- the shared items


def paired_items(book: Codebook | None = None) -> pd.DataFrame:
    """One row per shared item asked for both partner countries: ``shared_id, type, label, us_column,
    cn_column, options`` (answer codes, without missing codes), in questionnaire order."""
    book = book or load_codebook(PHASE1)
    sides: dict[str, dict[str, object]] = {}
    for item in book.items:
        country = item.loop.get("country")
        if country not in ("us", "cn") or item.type not in PAIRED_TYPES or not item.shared_id:
            continue
        row = sides.setdefault(
            item.shared_id, {"shared_id": item.shared_id, "type": item.type, "options": tuple(item.code_values)}
        )
        row[f"{country}_column"] = item.export_columns[0]
        in_partner = book.loops["country"][country].get("in_partner", "")
        in_partner = in_partner.get("en", "") if isinstance(in_partner, dict) else str(in_partner)
        row.setdefault("label", " ".join(item.label.replace(in_partner, "").split()).replace(" ,", ","))
    rows = [row for row in sides.values() if "us_column" in row and "cn_column" in row]
    return pd.DataFrame(rows, columns=["shared_id", "type", "label", "us_column", "cn_column", "options"])


def option_label(book: Codebook, column: str, code: str) -> str:
    """The English label of ``code`` of the item exporting ``column``."""
    for option in book.column_item(column).codes:
        if option.code == code:
            return option.label.get("en", code)
    return code


# --------------------------------------------------------------------------- tests and intervals


def mcnemar(us_only: int, cn_only: int) -> dict[str, float]:
    """McNemar's exact conditional test of b = ``us_only`` against c = ``cn_only`` discordant pairs.

    Under no difference b ~ Binomial(b + c, 1/2). ``p_exact`` = min(1, 2 P(X <= min(b, c)));
    ``p_mid`` = 2 [P(X < min(b, c)) + P(X = min(b, c)) / 2], capped at 1. No discordant pair gives 1.
    """
    discordant = int(us_only + cn_only)
    if discordant == 0:
        return {"p_exact": 1.0, "p_mid": 1.0}
    smaller = int(min(us_only, cn_only))
    exact = min(1.0, 2 * float(stats.binom.cdf(smaller, discordant, 0.5)))
    mid = min(
        1.0, 2 * (float(stats.binom.cdf(smaller, discordant, 0.5)) - 0.5 * stats.binom.pmf(smaller, discordant, 0.5))
    )
    return {"p_exact": exact, "p_mid": float(mid)}


def newcombe_paired_interval(
    both: int, us_only: int, cn_only: int, neither: int, alpha: float = ALPHA
) -> tuple[float, float]:
    """Newcombe's (1998) method-10 interval for p_US - p_CN from a paired 2x2 table.

    Wilson intervals (l1, u1) of p1 = (a + b)/n and (l2, u2) of p2 = (a + c)/n are combined by
    square-and-add with the correlation phi = C / sqrt((a+b)(c+d)(a+c)(b+d)), where C = ad - bc - n/2
    if ad - bc > n/2, 0 if 0 <= ad - bc <= n/2, and ad - bc if negative (0 when a margin is empty).
    """
    a, b, c, d = (int(value) for value in (both, us_only, cn_only, neither))
    n = a + b + c + d
    if n == 0:
        return (np.nan, np.nan)
    p1, p2 = (a + b) / n, (a + c) / n
    l1, u1 = proportion_confint(a + b, n, alpha=alpha, method="wilson")
    l2, u2 = proportion_confint(a + c, n, alpha=alpha, method="wilson")
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    cross = a * d - b * c
    corrected = cross - n / 2 if cross > n / 2 else (0.0 if cross >= 0 else cross)
    phi = corrected / np.sqrt(margins) if margins > 0 else 0.0
    delta = p1 - p2
    low = delta - np.sqrt(max((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2, 0.0))
    high = delta + np.sqrt(max((p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2, 0.0))
    return (float(max(low, -1.0)), float(min(high, 1.0)))


def holm(p_values: Sequence[float] | pd.Series) -> np.ndarray:
    """Holm-adjusted p-values (missing p-values stay missing and do not count in the family).

    The arithmetic of ``statsmodels.stats.multitest.multipletests(method="holm")`` step for
    step (sorted p times m, m-1, ..., 1, running maximum, capped at 1), written out because
    statsmodels calls ``gc.collect()`` on every Holm call, which costs a third of a second in
    a notebook kernel holding a large heap; ``tests/stats/test_comparison.py`` checks that the
    two agree bit for bit.
    """
    values = np.asarray(p_values, dtype=float)
    adjusted = np.full(values.shape, np.nan)
    present = ~np.isnan(values)
    if present.any():
        family = values[present]
        order = np.argsort(family)
        stepped = np.maximum.accumulate(family[order] * np.arange(len(family), 0, -1))
        stepped[stepped > 1] = 1
        in_family_order = np.empty_like(stepped)
        in_family_order[order] = stepped
        adjusted[present] = in_family_order
    return adjusted


# --------------------------------------------------------------------------- paired binary outcomes


def _binary_sides(responses: pd.DataFrame, item: pd.Series, option: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """``(x_us, x_cn, in_domain)``: 0/1 per unit for ``option`` of a shared item and whether both sides answered."""
    us, cn = (responses[item[f"{side}_column"]].astype("string") for side in ("us", "cn"))
    if item["type"] == "multi":
        answered = us.notna() & cn.notna()
        return (_selects(us, option), _selects(cn, option), answered)
    valid = list(item["options"])
    answered = us.isin(valid).fillna(False) & cn.isin(valid).fillna(False)
    return (us.eq(option).fillna(False).astype(int), cn.eq(option).fillna(False).astype(int), answered.astype(bool))


def _selects(answers: pd.Series, option: str) -> pd.Series:
    return answers.fillna("").str.split(";").map(lambda picked: int(option in picked))


def paired_counts(x_us: pd.Series, x_cn: pd.Series) -> dict[str, object]:
    """The paired 2x2 table of two 0/1 series over the same units, its shares, Newcombe interval and McNemar p."""
    a = int(((x_us == 1) & (x_cn == 1)).sum())
    b = int(((x_us == 1) & (x_cn == 0)).sum())
    c = int(((x_us == 0) & (x_cn == 1)).sum())
    d = int(((x_us == 0) & (x_cn == 0)).sum())
    n = a + b + c + d
    low, high = newcombe_paired_interval(a, b, c, d)
    shares = {
        "share_us": (a + b) / n if n else np.nan,
        "share_cn": (a + c) / n if n else np.nan,
        "difference": (b - c) / n if n else np.nan,
    }
    return {
        "pairs": n,
        "both": a,
        "us_only": b,
        "cn_only": c,
        "neither": d,
        **shares,
        "ci_low": low,
        "ci_high": high,
    } | mcnemar(b, c)


def paired_binary_table(
    responses: pd.DataFrame, weights: pd.DataFrame | None = None, *, book: Codebook | None = None
) -> pd.DataFrame:
    """US against China, unit by unit, for the branching item and every multi-select option (:data:`BINARY_COLUMNS`).

    ``responses``: the clean ``survey_responses`` table (or any frame with the codebook's export
    columns and ``unit_id``); ``weights``: ``SurveyWeights.weights`` to add the design-based columns
    (:data:`WEIGHTED_COLUMNS`, :data:`WEIGHTED_TESTS`). Rows follow the codebook; Holm within each item.
    """
    book = book or load_codebook(PHASE1)
    design = _design_frame(responses, weights) if weights is not None else None
    rows = []
    for _, item in paired_items(book).iterrows():
        if item["type"] == "likert":
            continue
        options = item["options"] if item["type"] == "multi" else ("yes",)
        for option in options:
            x_us, x_cn, answered = _binary_sides(responses, item, option)
            row = {
                "shared_id": item["shared_id"],
                "option": option,
                "label": option_label(book, item["us_column"], option),
            }
            row |= paired_counts(x_us[answered], x_cn[answered])
            if design is not None:
                row |= design_difference(design, x_us, x_cn, answered)
            rows.append(row)
    table = pd.DataFrame(rows)
    return _with_holm(table, table.get("shared_id"), BINARY_COLUMNS, design is not None)


def _with_holm(table: pd.DataFrame, families: pd.Series, columns: list[str], weighted: bool) -> pd.DataFrame:
    """``table`` with Holm-adjusted p-values within each family (``families``, aligned), in ``columns`` order."""
    tests = {
        "p_holm": "p_mid" if "p_mid" in columns else "p_wilcoxon",
        **({"p_design_holm": "p_design"} if weighted else {}),
    }
    extra = [*WEIGHTED_COLUMNS, *WEIGHTED_TESTS] if weighted else []
    if table.empty:
        return pd.DataFrame(columns=[*columns, *extra])
    for adjusted, raw in tests.items():
        table[adjusted] = np.nan
        for _, index in table.groupby(families, sort=False).groups.items():
            table.loc[index, adjusted] = holm(table.loc[index, raw])
    return table[[*columns, *extra]]


# --------------------------------------------------------------------------- Likert items


def _scores(values: pd.Series, codes: Sequence[str]) -> pd.Series:
    """Numeric Likert scores; missing codes (``dont_know``) and anything outside ``codes`` become NaN."""
    text = values.astype("string")
    return pd.to_numeric(text.where(text.isin(list(codes))), errors="coerce")


def paired_scale_table(
    responses: pd.DataFrame, weights: pd.DataFrame | None = None, *, book: Codebook | None = None
) -> pd.DataFrame:
    """US against China on each shared Likert item, over units that rated both (:data:`SCALE_COLUMNS`).

    The three Likert items form one Holm family. With ``weights`` the mean difference is also
    estimated under the design (:data:`WEIGHTED_COLUMNS`, :data:`WEIGHTED_TESTS`).
    """
    book = book or load_codebook(PHASE1)
    design = _design_frame(responses, weights) if weights is not None else None
    rows = []
    for _, item in paired_items(book).iterrows():
        if item["type"] != "likert":
            continue
        us, cn = (_scores(responses[item[f"{side}_column"]], item["options"]) for side in ("us", "cn"))
        answered = us.notna() & cn.notna()
        row = {"shared_id": item["shared_id"], "label": item["label"], **scale_statistics(us[answered], cn[answered])}
        if design is not None:
            row |= design_difference(design, us.fillna(0), cn.fillna(0), answered)
        rows.append(row)
    table = pd.DataFrame(rows)
    return _with_holm(table, pd.Series("likert", index=table.index), SCALE_COLUMNS, design is not None)


def scale_statistics(us: pd.Series, cn: pd.Series, alpha: float = ALPHA) -> dict[str, float]:
    """Paired ordinal scores: counts of US higher / China higher / equal, medians, mean difference (t interval),
    and Wilcoxon's signed-rank p (equal pairs dropped; NaN with no unequal pair)."""
    difference = (us - cn).astype(float)
    n = len(difference)
    mean = float(difference.mean()) if n else np.nan
    if n > 1:
        half = stats.t.ppf(1 - alpha / 2, n - 1) * difference.std(ddof=1) / np.sqrt(n)
        low, high = mean - half, mean + half
    else:
        low = high = np.nan
    unequal = int(difference.ne(0).sum())
    p_value = float(stats.wilcoxon(difference, zero_method="wilcox").pvalue) if unequal else np.nan
    return {
        "pairs": n,
        "us_higher": int(difference.gt(0).sum()),
        "cn_higher": int(difference.lt(0).sum()),
        "equal": int(difference.eq(0).sum()),
        "median_us": float(us.median()) if n else np.nan,
        "median_cn": float(cn.median()) if n else np.nan,
        "mean_difference": mean,
        "ci_low": float(low),
        "ci_high": float(high),
        "p_wilcoxon": p_value,
    }


# --------------------------------------------------------------------------- design-based paired difference


def _design_frame(responses: pd.DataFrame, weights: pd.DataFrame, strata: str = STRATUM) -> pd.DataFrame:
    """``unit_id, weight, stratum`` aligned with ``responses`` (every respondent must have a weight)."""
    aligned = responses[["unit_id"]].merge(weights[["unit_id", "weight", strata]], on="unit_id", how="left")
    if aligned["weight"].isna().any():
        missing = aligned.loc[aligned["weight"].isna(), "unit_id"].head(3).tolist()
        raise ValueError(
            f"comparison: {int(aligned['weight'].isna().sum())} respondents have no weight (e.g. {missing})"
        )
    return aligned.rename(columns={strata: "stratum"}).set_axis(responses.index)


def design_difference(design: pd.DataFrame, x_us: pd.Series, x_cn: pd.Series, in_domain: pd.Series) -> dict[str, float]:
    """Weighted means of ``x_us``, ``x_cn`` and of ``x_us - x_cn`` over the domain, with the linearised SE and
    t interval of the difference (svy, stratified, units as PSUs) and its design-based t-test p-value."""
    table = pl.DataFrame(
        {
            "stratum": design["stratum"].astype(str).to_list(),
            "weight": design["weight"].astype(float).to_numpy(),
            "in_domain": in_domain.astype(bool).to_numpy(),
            "x_us": x_us.astype(float).to_numpy(),
            "x_cn": x_cn.astype(float).to_numpy(),
        }
    ).with_columns((pl.col("x_us") - pl.col("x_cn")).alias("difference"))
    if int(in_domain.sum()) < 2:
        return dict.fromkeys([*WEIGHTED_COLUMNS, "p_design"], np.nan)
    sample = svy.Sample(table, svy.Design(stratum="stratum", wgt="weight"))
    where = svy.col("in_domain") == True  # noqa: E712 (a svy expression, not a Python comparison)
    us, cn, difference = (e.to_polars() for e in sample.estimation.mean(["x_us", "x_cn", "difference"], where=where))
    estimate, se, df = float(difference["est"][0]), float(difference["se"][0]), float(difference["df"][0])
    p_value = float(2 * stats.t.sf(abs(estimate / se), df)) if se > 0 else (1.0 if estimate == 0 else 0.0)
    return {
        "estimate_us": float(us["est"][0]),
        "estimate_cn": float(cn["est"][0]),
        "difference_weighted": estimate,
        "std_error": se,
        "ci_low_w": float(difference["lci"][0]),
        "ci_high_w": float(difference["uci"][0]),
        "df": df,
        "p_design": p_value,
    }
