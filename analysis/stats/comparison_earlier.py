"""Phase 1 against the team's 2020-21 survey of EU cities about China, item by item on the shared items.

The earlier survey enters in one layout (:data:`EARLIER_COLUMNS`), either as its published aggregates
(:func:`analysis.collect.china2020.published_china2020`, cited) or, once the team's file is in
``data/raw/survey_china2020``, from its answers (:func:`earlier_shares` over the loaded microdata; the
``china_2020`` codebook uses the phase-1 export columns of the Chinese side: ``has_cn_partner``,
``cn_areas``, ``cn_importance`` ...). :func:`compare_with_earlier` then sets beside each earlier share
the phase-1 share of the same item and answer code:

* **Phase 1**: the Chinese side of the phase-1 *cities* (the 2020-21 survey asked cities, not
  regions), over the same base: ``answering`` (units that answered the item with a code; "don't
  know" is left out, as in :func:`analysis.stats.weights.weighted_shares`) or ``asked`` (units the
  item was asked of, ``has_cn_partner == 'yes'``, that answered it). With the non-response weights
  the share is design-based (:func:`analysis.stats.weights.domain_share`: svy, logit or Korn-Graubard
  interval); without them, the share of respondents with Wilson's interval.
* **Earlier**: the share with Wilson's interval (and the binomial standard error ``sqrt(p (1 - p) / n)``)
  when ``n`` is known (microdata, or published); when it is not published the earlier share is treated
  as fixed and ``earlier_error`` says that the interval is too narrow.
* **Difference** phase 1 minus earlier, with Newcombe's square-and-add (MOVER) 95% interval built from
  the two intervals (Newcombe 1998, Statistics in Medicine 17:873, method 10; Zou and Donner 2008): it
  keeps the asymmetry of a share near 0 or 1, where a normal interval on the standard errors fails. The
  two surveys are taken as independent samples (many cities answered both; the positive correlation
  this brings makes the interval conservative). The interval widens on each side by half the rounding of
  a published share (53% stands for 52.5% to 53.5%).
* **Population flag.** The populations always differ: 2020-21 surveyed 745 EU cities over 50,000 from
  an older list (Dijkstra and Poelman 2012, populations of 2020), phase 1 the compendium's frame, years
  later; ``population_flag`` says so on every row (and how many cities answered both, when the
  microdata are in), so a difference is never read as change alone. Where a publication does not state
  the base of a share, ``base_stated`` is False and the flag says which base was assumed.

:func:`panel_change` uses the microdata further: for cities that answered both surveys, McNemar's test of
"cooperates with China" in 2020-21 against phase 1 (the panel follow-up of domain-methods 4.1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import svy
from statsmodels.stats.proportion import proportion_confint

from analysis.collect.china2020 import INSTRUMENT
from analysis.collect.codebook import Codebook, load_codebook
from analysis.stats.comparison import PHASE1, option_label, paired_counts
from analysis.stats.weights import STRATUM, domain_share

EARLIER_COLUMNS = [
    "shared_id",
    "item",
    "option",
    "base",
    "base_stated",
    "share",
    "share_precision",
    "n",
    "selected",
    "population",
    "source",
]
COMPARISON_COLUMNS = [
    "shared_id",
    "item",
    "option",
    "label",
    "base",
    "phase1_answering",
    "phase1_selected",
    "phase1_share",
    "phase1_ci_low",
    "phase1_ci_high",
    "phase1_std_error",
    "phase1_estimate",
    "earlier_share",
    "earlier_n",
    "earlier_selected",
    "earlier_std_error",
    "difference",
    "ci_low",
    "ci_high",
    "earlier_error",
    "base_stated",
    "population_flag",
    "earlier_source",
]
EARLIER_POPULATION = (
    "745 EU cities over 50,000 inhabitants (Dijkstra and Poelman 2012 list, population 2020), "
    "fieldwork May 2020-May 2021"
)
COMPARED_TYPES = ("single", "multi", "likert")


# --------------------------------------------------------------------------- shares of one item


def item_indicator(
    responses: pd.DataFrame, item_id: str, option: str, base: str, book: Codebook
) -> tuple[pd.Series, pd.Series]:
    """``(in_base, selected)`` per unit for ``option`` of ``item_id`` (an export column shared by both instruments).

    ``in_base``: the unit answered the item with one of its codes (multi-select: ticked anything),
    and for ``base == "asked"`` also said it cooperates with China; ``selected``: 0/1.
    """
    item = book.item(item_id)
    answers = responses[item_id].astype("string")
    if item.type == "multi":
        answered = answers.notna()
        selected = answers.fillna("").str.split(";").map(lambda picked: int(option in picked))
    else:
        answered = answers.isin(item.code_values).fillna(False)
        selected = answers.eq(option).fillna(False).astype(int)
    if base == "asked":
        answered &= responses["has_cn_partner"].astype("string").eq("yes").fillna(False)
    return answered.astype(bool), selected.where(answered, 0).astype(int)


def earlier_shares(responses: pd.DataFrame, source: str, *, rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """The 2020-21 shares from its answers (``china_2020`` export columns), in :data:`EARLIER_COLUMNS`.

    ``rows`` (``shared_id, item, option, base``): which shares, e.g. the published table; default every code of
    every shared item also asked on the Chinese side of phase 1 (base ``asked`` for items behind the branching
    question, ``answering`` otherwise). ``source`` names the file.
    """
    book = load_codebook(INSTRUMENT)
    rows = default_rows(book) if rows is None else rows[["shared_id", "item", "option", "base"]]
    records = []
    for row in rows.itertuples(index=False):
        in_base, selected = item_indicator(responses, row.item, row.option, row.base, book)
        n, chosen = int(in_base.sum()), int(selected[in_base].sum())
        records.append(
            {
                **row._asdict(),
                "base_stated": True,
                "share": chosen / n if n else np.nan,
                "share_precision": 0.0,
                "n": n,
                "selected": chosen,
                "population": EARLIER_POPULATION,
                "source": source,
            }
        )
    return pd.DataFrame(records, columns=EARLIER_COLUMNS)


def default_rows(book: Codebook) -> pd.DataFrame:
    """Every code of every shared single, multi-select and Likert item of ``book`` that phase 1 asks on its Chinese side."""
    phase1 = load_codebook(PHASE1)
    phase1_ids = {item.id for item in phase1.items}
    rows = [
        {"shared_id": item.shared_id, "item": item.id, "option": code, "base": "asked" if item.ask_if else "answering"}
        for item in book.items
        if item.shared_id and item.type in COMPARED_TYPES and item.id in phase1_ids
        for code in (item.code_values if item.id != "has_cn_partner" else ["yes"])
    ]
    return pd.DataFrame(rows, columns=["shared_id", "item", "option", "base"])


def phase1_share(
    responses: pd.DataFrame, weights: pd.DataFrame | None, item_id: str, option: str, base: str
) -> dict[str, float | int | str]:
    """The phase-1 cities' share for ``option`` of ``item_id`` over ``base``: counts, share, 95% interval, SE.

    Weighted (``weights`` given): svy's design-based share (``phase1_estimate = "weighted (svy, ...)"``);
    else the respondents' share with Wilson's interval and the binomial SE.
    """
    cities = responses[responses["unit_type"].astype(str).eq("city")]
    in_base, selected = item_indicator(cities, item_id, option, base, load_codebook(PHASE1))
    n, chosen = int(in_base.sum()), int(selected[in_base].sum())
    counts = {"phase1_answering": n, "phase1_selected": chosen}
    if n == 0:
        return counts | {
            "phase1_share": np.nan,
            "phase1_ci_low": np.nan,
            "phase1_ci_high": np.nan,
            "phase1_std_error": np.nan,
            "phase1_estimate": "no answers",
        }
    if weights is None:
        share = chosen / n
        low, high = proportion_confint(chosen, n, method="wilson")
        return counts | {
            "phase1_share": share,
            "phase1_ci_low": float(low),
            "phase1_ci_high": float(high),
            "phase1_std_error": float(np.sqrt(share * (1 - share) / n)),
            "phase1_estimate": "unweighted (Wilson interval)",
        }
    estimate = domain_share(_share_sample(responses, weights, item_id, option, base), "city")
    return counts | {
        "phase1_share": float(estimate["share_weighted"]),
        "phase1_ci_low": float(estimate["ci_low"]),
        "phase1_ci_high": float(estimate["ci_high"]),
        "phase1_std_error": float(estimate["std_error"]),
        "phase1_estimate": f"weighted (svy, {estimate['ci_method']} interval)",
    }


def _share_sample(responses: pd.DataFrame, weights: pd.DataFrame, item_id: str, option: str, base: str) -> svy.Sample:
    """The svy sample of :func:`analysis.stats.weights.domain_share` (all respondents in the design, the base as ``answered``)."""
    data = responses.merge(weights[["unit_id", "weight", STRATUM]], on="unit_id", how="inner", validate="one_to_one")
    if len(data) != len(responses):
        raise ValueError(f"phase1_share: {len(responses) - len(data)} respondents have no weight")
    in_base, selected = item_indicator(data, item_id, option, base, load_codebook(PHASE1))
    table = pl.DataFrame(
        {
            "unit_type": data["unit_type"].astype(str).to_list(),
            "stratum": data[STRATUM].astype(str).to_list(),
            "weight": data["weight"].astype(float).to_numpy(),
            "answered": in_base.to_numpy(),
            "yes": selected.to_numpy(),
        }
    )
    return svy.Sample(table, svy.Design(stratum="stratum", wgt="weight"))


# --------------------------------------------------------------------------- the comparison


def difference_interval(
    phase1: tuple[float, float, float],
    earlier: float,
    earlier_n: float | None,
    *,
    earlier_selected: float | None = None,
    precision: float = 0.0,
) -> dict[str, float | str]:
    """Phase 1 minus earlier with a 95% interval that carries both sampling errors (see the module docstring).

    ``phase1``: (share, interval low, interval high); the earlier share gets Wilson's interval on
    ``earlier_selected`` (or ``earlier * earlier_n``) of ``earlier_n`` when ``n`` is known, else none.
    Newcombe's square-and-add (MOVER) combines the two, and the result widens by ``precision / 2`` each side.
    """
    share, low, high = phase1
    known = earlier_n is not None and not pd.isna(earlier_n) and earlier_n > 0
    if known:
        has_count = earlier_selected is not None and not pd.isna(earlier_selected)
        count = float(earlier_selected) if has_count else earlier * float(earlier_n)
        earlier_low, earlier_high = proportion_confint(round(count), int(earlier_n), method="wilson")
        earlier_se = float(np.sqrt(earlier * (1 - earlier) / earlier_n))
    else:
        earlier_low = earlier_high = earlier
        earlier_se = 0.0
    difference = share - earlier
    return {
        "earlier_std_error": earlier_se,
        "difference": difference,
        "ci_low": difference - float(np.hypot(share - low, earlier_high - earlier)) - precision / 2,
        "ci_high": difference + float(np.hypot(high - share, earlier - earlier_low)) + precision / 2,
        "earlier_error": "" if known else "not included: n not published, so the interval is too narrow",
    }


def compare_with_earlier(
    phase1: pd.DataFrame, earlier: pd.DataFrame, weights: pd.DataFrame | None = None, *, overlap: int | None = None
) -> pd.DataFrame:
    """Each earlier share (:data:`EARLIER_COLUMNS`) beside the phase-1 cities' share, the difference and the flags.

    ``phase1``: the clean ``survey_responses`` table; ``earlier``: :func:`published_as_earlier` or
    :func:`earlier_shares`; ``weights``: ``SurveyWeights.weights`` for design-based phase-1 shares;
    ``overlap``: cities that answered both surveys (microdata only). Returns :data:`COMPARISON_COLUMNS`.
    """
    book = load_codebook(INSTRUMENT)
    cities = int(phase1["unit_type"].astype(str).eq("city").sum())
    rows = []
    for row in earlier.itertuples(index=False):
        mine = phase1_share(phase1, weights, row.item, row.option, row.base)
        selected = getattr(row, "selected", None)
        rows.append(
            {
                "shared_id": row.shared_id,
                "item": row.item,
                "option": row.option,
                "label": option_label(book, row.item, row.option),
                "base": row.base,
                **mine,
                "earlier_share": row.share,
                "earlier_n": row.n,
                "earlier_selected": selected if selected is not None and not pd.isna(selected) else pd.NA,
                **difference_interval(
                    (mine["phase1_share"], mine["phase1_ci_low"], mine["phase1_ci_high"]),
                    row.share,
                    row.n,
                    earlier_selected=selected,
                    precision=row.share_precision,
                ),
                "base_stated": bool(row.base_stated),
                "population_flag": population_flag(row.population, cities, row.base, bool(row.base_stated), overlap),
                "earlier_source": row.source,
            }
        )
    table = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    return table.astype({"earlier_n": "Int64", "earlier_selected": "Int64"})


def published_as_earlier(published: pd.DataFrame) -> pd.DataFrame:
    """The published table (:func:`analysis.collect.china2020.published_china2020`) in :data:`EARLIER_COLUMNS`."""
    return published.assign(selected=pd.NA)[EARLIER_COLUMNS]


def population_flag(
    earlier_population: str, phase1_cities: int, base: str, base_stated: bool, overlap: int | None
) -> str:
    """Why the two shares are not the same population's (always), and which base was assumed when unstated."""
    parts = [
        f"Different populations: 2020-21 surveyed {earlier_population}; phase 1 is {phase1_cities} responding cities "
        "of the compendium's frame (regions left out), years later, so a difference mixes change with the change of frame"
    ]
    if overlap is not None:
        parts.append(f"{overlap} cities answered both surveys")
    if not base_stated:
        described = "the cities cooperating with China" if base == "asked" else "the cities answering the item"
        parts.append(f"the publication does not state the base; assumed: {described}")
    return "; ".join(parts) + "."


def panel_change(phase1: pd.DataFrame, earlier: pd.DataFrame) -> dict[str, object]:
    """Cities that answered both surveys: "cooperates with China" in 2020-21 against phase 1 (paired).

    Returns the paired counts with ``phase1_only`` / ``earlier_only`` discordant cells, the shares,
    their difference (phase 1 minus 2020-21) with Newcombe's interval and McNemar's exact and mid-p.
    """
    both = phase1[["unit_id", "has_cn_partner"]].merge(
        earlier[["unit_id", "has_cn_partner"]], on="unit_id", suffixes=("_phase1", "_earlier")
    )
    answered = both["has_cn_partner_phase1"].isin(["yes", "no"]) & both["has_cn_partner_earlier"].isin(["yes", "no"])
    both = both[answered]
    counts = paired_counts(
        both["has_cn_partner_phase1"].eq("yes").astype(int), both["has_cn_partner_earlier"].eq("yes").astype(int)
    )
    renamed = {
        "us_only": "phase1_only",
        "cn_only": "earlier_only",
        "share_us": "share_phase1",
        "share_cn": "share_earlier",
    }
    return {"cities_in_both": int(len(answered)), **{renamed.get(key, key): value for key, value in counts.items()}}
