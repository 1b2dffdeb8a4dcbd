"""Coded interviews (phase 3): code frequencies by group, code co-occurrence, consented quotations.

Inputs are the clean tables of :mod:`analysis.collect.interviews` (``interviews``, ``interview_segments``).
Interviews whose consent is ``none`` have no segments and are left out of every base.

* :func:`code_frequencies`: for each code and group, the coded segments and the interviews with the
  code, with shares of the group's interviews and segments. **Small cells**: a group with fewer than
  :data:`MIN_INTERVIEWEES` interviewees (usable interviews) is not shown on its own: its numbers are
  withheld (empty, ``withheld`` True) and it counts only in the "all groups" rows, so that what one
  or two officials said cannot be traced to them through their group.
* :func:`co_occurrence`: two codes co-occur in a *passage*, a maximal run of overlapping selections of
  one interview (one selection coded twice, or selections that overlap, directly or through a third;
  selections that only touch do not overlap). For each pair: passages with both codes, passages with
  each, the Jaccard index (both / either) and the interviews with both; also as a square matrix
  (the diagonal holds the passages with the code).
* :func:`quotation_table`: code, group and quotation of the segments whose interviewee consented to
  quotation (checked by :func:`analysis.collect.interviews.check_quote_consent`); the group of a
  small group is withheld.
"""

from __future__ import annotations

import itertools

import pandas as pd

from analysis.collect.interviews import GROUPS, check_quote_consent

MIN_INTERVIEWEES = 3
ALL_GROUPS = "all groups"
WITHHELD_GROUP = "withheld (small group)"


def usable_interviews(interviews: pd.DataFrame) -> pd.DataFrame:
    """Interviews whose consent allows any use (aggregate or quote)."""
    return interviews[interviews["consent_level"] != "none"]


def small_groups(interviews: pd.DataFrame, threshold: int = MIN_INTERVIEWEES) -> set[str]:
    """Groups with at least one and fewer than ``threshold`` usable interviews."""
    counts = usable_interviews(interviews)["speaker_group"].value_counts()
    return {group for group, count in counts.items() if 0 < count < threshold}


def code_frequencies(
    segments: pd.DataFrame, interviews: pd.DataFrame, threshold: int = MIN_INTERVIEWEES
) -> pd.DataFrame:
    """One row per code and group (plus :data:`ALL_GROUPS`), groups in :data:`GROUPS` order.

    Columns: ``code_path``, ``speaker_group``, ``segments``, ``interviews_coded``, ``interviews_in_group``,
    ``share_of_interviews`` (interviews_coded / interviews_in_group), ``share_of_segments`` (segments /
    the group's coded segments), ``withheld`` (the group is below ``threshold``; its numbers are empty).
    """
    usable = usable_interviews(interviews)
    base = pd.concat([usable, usable.assign(speaker_group=ALL_GROUPS)])
    rows = pd.concat([segments, segments.assign(speaker_group=ALL_GROUPS)])
    in_group = base.groupby("speaker_group")["interview_id"].nunique()
    segments_in_group = rows.groupby("speaker_group")["segment_id"].nunique()
    groups = [group for group in (*GROUPS, ALL_GROUPS) if group in in_group.index]
    grid = pd.MultiIndex.from_product(
        [sorted(segments["code_path"].unique()), groups], names=["code_path", "speaker_group"]
    )
    counted = rows.groupby(["code_path", "speaker_group"]).agg(
        segments=("segment_id", "nunique"), interviews_coded=("interview_id", "nunique")
    )
    table = counted.reindex(grid, fill_value=0).reset_index()
    table["interviews_in_group"] = table["speaker_group"].map(in_group).astype("int64")
    table["share_of_interviews"] = table["interviews_coded"] / table["interviews_in_group"]
    table["share_of_segments"] = table["segments"] / table["speaker_group"].map(segments_in_group).fillna(0).clip(
        lower=1
    )
    table["withheld"] = table["speaker_group"].isin(small_groups(interviews, threshold))
    numbers = ["segments", "interviews_coded", "interviews_in_group", "share_of_interviews", "share_of_segments"]
    table[numbers] = table[numbers].astype("Float64").mask(table["withheld"])
    return table


def frequency_overview(frequencies: pd.DataFrame) -> pd.DataFrame:
    """Codes as rows, groups as columns; each cell "k of n" interviews, or "withheld" for a small group."""
    cells = frequencies.apply(
        lambda row: (
            "withheld"
            if row["withheld"]
            else f"{int(row['interviews_coded'])} of {int(row['interviews_in_group'])} ({row['share_of_interviews']:.0%})"
        ),
        axis=1,
    )
    wide = frequencies.assign(cell=cells).pivot(index="code_path", columns="speaker_group", values="cell")
    order = [group for group in (*GROUPS, ALL_GROUPS) if group in wide.columns]
    return wide[order].rename_axis(columns=None).reset_index()


def passages(segments: pd.DataFrame) -> pd.Series:
    """The passage number of each row of ``segments``: overlapping selections of one interview share one."""
    spans = segments[["interview_id", "start_position", "end_position"]].drop_duplicates()
    spans = spans.sort_values(["interview_id", "start_position", "end_position"])
    numbers, number, current, reach = [], -1, None, -1
    for interview, start, end in spans.itertuples(index=False):
        if interview != current or start >= reach:
            number, current, reach = number + 1, interview, end
        else:
            reach = max(reach, end)
        numbers.append(number)
    spans["passage"] = numbers
    keyed = segments.merge(spans, on=["interview_id", "start_position", "end_position"], how="left")
    return pd.Series(keyed["passage"].to_numpy(), index=segments.index, name="passage")


def co_occurrence(segments: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(pairs, matrix) of codes that share a passage (:func:`passages`).

    ``pairs``: ``code_a``, ``code_b`` (code paths, a < b), ``passages_both``, ``passages_a``, ``passages_b``,
    ``jaccard`` = both / (a + b - both), ``interviews_both``; ranked by passages_both, then jaccard, then names.
    ``matrix``: square, code paths on both axes, passages with both codes (the diagonal: passages with the code).
    """
    keyed = segments.assign(passage=passages(segments))[["passage", "interview_id", "code_path"]].drop_duplicates()
    codes_of = keyed.groupby("passage")["code_path"].apply(lambda codes: sorted(set(codes)))
    interview_of = keyed.groupby("passage")["interview_id"].first()
    per_code = keyed.groupby("code_path")["passage"].nunique()
    counted: dict[tuple[str, str], list] = {}
    for passage, codes in codes_of.items():
        for pair in itertools.combinations(codes, 2):
            counted.setdefault(pair, [0, set()])
            counted[pair][0] += 1
            counted[pair][1].add(interview_of[passage])
    pairs = pd.DataFrame(
        [(a, b, n, per_code[a], per_code[b], len(seen)) for (a, b), (n, seen) in counted.items()],
        columns=["code_a", "code_b", "passages_both", "passages_a", "passages_b", "interviews_both"],
    )
    pairs["jaccard"] = pairs["passages_both"] / (pairs["passages_a"] + pairs["passages_b"] - pairs["passages_both"])
    pairs = pairs[["code_a", "code_b", "passages_both", "passages_a", "passages_b", "jaccard", "interviews_both"]]
    pairs = pairs.sort_values(
        ["passages_both", "jaccard", "code_a", "code_b"], ascending=[False, False, True, True]
    ).reset_index(drop=True)
    names = sorted(per_code.index)
    matrix = pd.DataFrame(0, index=names, columns=names, dtype="int64")
    for row in pairs.itertuples():
        matrix.loc[row.code_a, row.code_b] = matrix.loc[row.code_b, row.code_a] = row.passages_both
    for name in names:
        matrix.loc[name, name] = per_code[name]
    return pairs, matrix


def quotation_table(
    segments: pd.DataFrame, interviews: pd.DataFrame, threshold: int = MIN_INTERVIEWEES
) -> pd.DataFrame:
    """``code_path``, ``speaker_group``, ``quotation`` for consented segments only, one row per segment and code.

    Raises :class:`analysis.collect.interviews.ConsentError` when ``segments`` carries a quotation of an
    interview without consent to quotation. The group of a small group reads :data:`WITHHELD_GROUP`.
    """
    check_quote_consent(segments, interviews)
    quoted = segments[segments["quotation"].notna()]
    small = small_groups(interviews, threshold)
    table = quoted.assign(
        speaker_group=quoted["speaker_group"].where(~quoted["speaker_group"].isin(small), WITHHELD_GROUP)
    )[["code_path", "speaker_group", "quotation"]]
    return table.sort_values(["code_path", "speaker_group", "quotation"]).reset_index(drop=True)
