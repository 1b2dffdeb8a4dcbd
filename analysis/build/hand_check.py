"""The hand check of harmonised relations: a reproducible sample of ties and the team's verdicts on it.

:func:`hand_check_sample` draws the sample, :func:`read_hand_check` reads the committed verdicts
(``analysis/checks/relations_hand_check.csv``) and :func:`compare_hand_check` summarises them.
"""

from __future__ import annotations

import hashlib

import pandas as pd

HAND_CHECK_COLUMNS: tuple[str, ...] = ("relation_id", "eu_city", "partner", "verdict", "note")
HAND_CHECK_SEED = "relations-hand-check-2026"


def hand_check_sample(relations: pd.DataFrame, size: int = 50, seed: str = HAND_CHECK_SEED) -> pd.DataFrame:
    """A reproducible sample of ``size`` ties: the ties with the smallest SHA-1 of ``seed:relation_id``.

    Ranking by a hash of the id (not by row position) keeps a checked tie in the sample when other
    ties are added or removed. Returns relation_id, eu_city, partner (name, country, level),
    sources and raw_strings, for checking by hand.
    """
    order = relations["relation_id"].map(lambda rid: hashlib.sha1(f"{seed}:{rid}".encode()).hexdigest())
    sample = relations.assign(order=order).sort_values("order").head(size)
    return pd.DataFrame(
        {
            "relation_id": sample["relation_id"],
            "eu_city": sample["eu_name"] + " (" + sample["eu_country_iso2"] + ")",
            "partner": sample["partner_name"]
            + " ("
            + sample["partner_country_iso2"]
            + ", "
            + sample["partner_level"].fillna("not in gazetteer")
            + ")",
            "sources": sample["sources"],
            "raw_strings": sample["raw_strings"],
        }
    ).reset_index(drop=True)


def compare_hand_check(sample: pd.DataFrame, checks: pd.DataFrame) -> dict[str, object]:
    """Summarise hand verdicts against the current sample.

    ``checks`` has :data:`HAND_CHECK_COLUMNS` and optionally ``basis``: ``knowledge`` when the tie
    was confirmed from what the checker knows, ``raw strings`` when it was only checked that the
    sources agree and the places are resolved as the raw records say.

    Returns ``checked`` (verdicts on ties still in the sample), ``right``, ``wrong``,
    ``right_from_knowledge``, ``missing_ids`` (checked ids no longer in the sample, e.g. after relation ids changed) and
    ``unchecked_ids`` (sample ids without a verdict).
    """
    bad = checks[~checks["verdict"].isin(["right", "wrong"])]
    if not bad.empty:
        raise ValueError(
            f"hand check: column 'verdict' must be 'right' or 'wrong'; rows {list(bad.index + 2)} "
            f"have {sorted(bad['verdict'].astype(str).unique())}"
        )
    current = checks[checks["relation_id"].isin(sample["relation_id"])]
    basis = current["basis"] if "basis" in current.columns else pd.Series("", index=current.index)
    return {
        "checked": len(current),
        "right": int((current["verdict"] == "right").sum()),
        "wrong": int((current["verdict"] == "wrong").sum()),
        "right_from_knowledge": int(((current["verdict"] == "right") & (basis == "knowledge")).sum()),
        "missing_ids": sorted(set(checks["relation_id"]) - set(sample["relation_id"])),
        "unchecked_ids": sorted(set(sample["relation_id"]) - set(checks["relation_id"])),
    }


def hand_check_path():
    """Committed CSV of hand verdicts on the sample (``analysis/checks/relations_hand_check.csv``)."""
    from analysis.core import paths

    return paths.CHECKS / "relations_hand_check.csv"


def read_hand_check() -> pd.DataFrame:
    """Read the committed hand verdicts (columns :data:`HAND_CHECK_COLUMNS`)."""
    from analysis.core.tracking import note_read

    path = hand_check_path()
    note_read(path)
    checks = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in HAND_CHECK_COLUMNS if c not in checks.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}; expected {list(HAND_CHECK_COLUMNS)}")
    return checks
