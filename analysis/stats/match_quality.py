"""Precision and recall of the place matcher against the hand-judged gold set, with Wilson intervals.

Inputs come from :mod:`analysis.build.hand_check`: the gold ties (:func:`~analysis.build.hand_check.gold_ties`),
the current matcher's ties per record (:func:`~analysis.build.hand_check.matcher_ties`), the judged
records with their stratum, and the stratum sizes.

*Precision*: of the ties the matcher keeps from the judged records (EU unit + partner id), the
share that are a gold tie of that record. *Recall*: of the gold ties (a frame unit and its partner),
the share that the matcher keeps, with the same ids, from the record's source (the record itself
or another record of the same source stating the same tie, e.g. an exact repeat). A gold partner
``<ISO2>:?`` (not in the gazetteer) is matched by a tie kept without partner id in that country.
``*_country`` variants compare the partner's country instead of its id (what the study's outcomes use).

Combining strata: each record of stratum *h* weighs ``N_h / n_h`` (records in the stratum over
judged records), so a combined share estimates the share over all records; its Wilson interval
uses Kish's effective sample size of the ties involved.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

MEASURES: tuple[str, ...] = ("precision", "recall", "precision_country", "recall_country")


def _source(record_ids: pd.Series) -> pd.Series:
    return record_ids.astype(str).str.split(":").str[0]


def scored_ties(gold: pd.DataFrame, matcher: pd.DataFrame, judged: pd.DataFrame) -> pd.DataFrame:
    """One row per tie to score, ``kind`` ``predicted`` (a matcher tie of a judged record) or
    ``gold`` (a gold tie), with ``record_id``, ``stratum``, ``partner_country``, ``right`` (the
    tie's ids agree) and ``right_country`` (EU unit and partner country agree)."""
    strata = judged.set_index("record_id")["stratum"]
    predicted = matcher[matcher["record_id"].isin(strata.index)]
    accepted = gold.assign(partner=gold["partner"].str.split("/")).explode("partner")
    gold_pairs = set(zip(accepted["record_id"], accepted["eu_unit"], accepted["partner"], strict=True))
    gold_country = set(zip(gold["record_id"], gold["eu_unit"], gold["partner_country"], strict=True))
    kept = matcher.assign(source=_source(matcher["record_id"]))
    kept_pairs = set(zip(kept["source"], kept["eu_unit"], kept["partner"], strict=True))
    kept_country = set(zip(kept["source"], kept["eu_unit"], kept["partner_country"], strict=True))

    def flags(rows: Iterable[tuple], members: set) -> list[bool]:
        return [row in members for row in rows]

    p_ids = list(zip(predicted["record_id"], predicted["eu_unit"], predicted["partner"], strict=True))
    p_country = list(zip(predicted["record_id"], predicted["eu_unit"], predicted["partner_country"], strict=True))
    g_source = _source(gold["record_id"])
    g_ids = [
        any((s, e, p) in kept_pairs for p in alternatives.split("/"))
        for s, e, alternatives in zip(g_source, gold["eu_unit"], gold["partner"], strict=True)
    ]
    g_country = list(zip(g_source, gold["eu_unit"], gold["partner_country"], strict=True))
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "kind": "predicted",
                    "record_id": predicted["record_id"].to_numpy(),
                    "partner_country": predicted["partner_country"].to_numpy(),
                    "right": flags(p_ids, gold_pairs),
                    "right_country": flags(p_country, gold_country),
                }
            ),
            pd.DataFrame(
                {
                    "kind": "gold",
                    "record_id": gold["record_id"].to_numpy(),
                    "partner_country": gold["partner_country"].to_numpy(),
                    "right": g_ids,
                    "right_country": flags(g_country, kept_country),
                }
            ),
        ],
        ignore_index=True,
    ).assign(stratum=lambda t: t["record_id"].map(strata))


def _wilson(right: float, total: float) -> tuple[float, float]:
    if total <= 0:
        return (np.nan, np.nan)
    low, high = proportion_confint(right, total, alpha=0.05, method="wilson")
    return float(low), float(high)


def _share(ties: pd.DataFrame, column: str, weights: pd.Series | None) -> dict[str, float]:
    """Share of ``column`` True among ``ties`` with its Wilson 95% interval (weighted if ``weights``)."""
    if ties.empty:
        return {"n": 0, "share": np.nan, "low": np.nan, "high": np.nan}
    w = pd.Series(1.0, index=ties.index) if weights is None else ties["stratum"].map(weights).astype(float)
    share = float((w * ties[column]).sum() / w.sum())
    n_eff = float(w.sum() ** 2 / (w**2).sum())
    low, high = _wilson(share * n_eff, n_eff)
    return {"n": len(ties), "share": share, "low": low, "high": high}


def quality_row(ties: pd.DataFrame, weights: pd.Series | None = None) -> dict[str, float]:
    """Precision, recall (by ids and by country) with intervals for one set of scored ties."""
    row: dict[str, float] = {}
    for measure in MEASURES:
        kind = "predicted" if measure.startswith("precision") else "gold"
        column = "right_country" if measure.endswith("country") else "right"
        result = _share(ties[ties["kind"] == kind], column, weights)
        row[f"{measure}_n"] = result["n"]
        row[measure] = result["share"]
        row[f"{measure}_low"] = result["low"]
        row[f"{measure}_high"] = result["high"]
    return row


def stratum_weights(judged: pd.DataFrame, sizes: pd.Series) -> pd.Series:
    """Weight of a record in each stratum: records in the stratum / judged records of the stratum."""
    judged_count = judged.groupby("stratum")["record_id"].nunique()
    return (sizes.reindex(judged_count.index).astype(float) / judged_count).rename("weight")


def quality_by_stratum(ties: pd.DataFrame) -> pd.DataFrame:
    """Unweighted precision and recall per stratum (see :func:`quality_row`)."""
    rows = {stratum: quality_row(group) for stratum, group in ties.groupby("stratum", sort=True)}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("stratum")


def quality_summary(ties: pd.DataFrame, weights: pd.Series) -> pd.DataFrame:
    """Weighted precision and recall overall and for US and Chinese partners (rows ``all``, ``US``, ``CN``)."""
    rows = {
        "all": quality_row(ties, weights),
        "US": quality_row(ties[ties["partner_country"] == "US"], weights),
        "CN": quality_row(ties[ties["partner_country"] == "CN"], weights),
    }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("partners")


def quality_table(quality: pd.DataFrame, measures: tuple[str, ...] = ("precision", "recall")) -> pd.DataFrame:
    """A readable table of :func:`quality_summary` or :func:`quality_by_stratum`: per measure, the
    number of ties and the share with its 95% Wilson interval, e.g. ``0.97 (0.90–0.99)``."""

    def text(share: float, low: float, high: float) -> str:
        return "–" if pd.isna(share) else f"{share:.2f} ({low:.2f}–{high:.2f})"

    table = pd.DataFrame(index=quality.index)
    for measure in measures:
        table[f"{measure} ties"] = quality[f"{measure}_n"].astype(int)
        table[measure] = [
            text(*values)
            for values in zip(quality[measure], quality[f"{measure}_low"], quality[f"{measure}_high"], strict=True)
        ]
    return table
