"""The team's 2020-21 survey of EU cities about China: its published aggregates and, when delivered, its answers.

**Published aggregates.** Until the team drops its file in, the earlier survey enters the comparison
(:mod:`analysis.stats.comparison_earlier`) through the figures its publications state, entered by hand in
``analysis/reference/china2020_published.csv`` with the publication and the section of
``domain-methods.md`` that reports each (:func:`published_china2020`): which shared item
(``shared_id``, ``item`` of the ``china_2020`` codebook) and answer code (``option``), the ``share``
(a fraction) and the rounding it was published with (``share_precision``), the number of answers
``n`` when published (empty otherwise), the ``base`` (``answering``: the cities answering the item
yes or no; ``asked``: the cities the item was asked of, i.e. those cooperating with China) and whether
the publication states it (``base_stated``), and the surveyed ``population``.

**Microdata.** The team's file goes, unchanged, into ``data/raw/survey_china2020/``
(:data:`analysis.core.paths.CHINA_2020_DROP_IN`); :func:`find_china2020_export` picks it by the
drop-in rules of the survey (:func:`~analysis.collect.importers.dropin.choose_drop_in`) and
:func:`load_china2020_export` reads it with the importers (every format they read) into the
``china_2020`` codebook's export columns. Its ``unit_id`` must be the frame's ``city_id`` (the codebook
says the city named in the file is matched to the frame by :mod:`analysis.build.resolve`). A record the
importer flags, a city outside the frame or a city's earlier duplicate goes to the quarantine with its
reason; rows in = rows kept + rows quarantined.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pandas as pd

from analysis.collect.codebook import load_codebook
from analysis.collect.importers import read_export
from analysis.collect.importers.dropin import DropInError, choose_drop_in
from analysis.core import paths
from analysis.core.reference import read_reference_table
from analysis.core.tracking import note_folder

INSTRUMENT = "china_2020"
PUBLISHED_FILE = "china2020_published.csv"
PUBLISHED_COLUMNS = ["shared_id", "item", "option", "share", "share_precision", "base", "base_stated", "population"]
BASES = ("answering", "asked")


class China2020Error(ValueError):
    """The published table or the delivered file breaks its rules; the message names the file and the row."""


class China2020Export(NamedTuple):
    """What :func:`load_china2020_export` returns: ``responses`` (export columns as text, ``source_row``,
    ``is_synthetic``, ``data_origin``), the ``quarantine`` (``source_row, unit_id, reason``) and ``row_counts``."""

    responses: pd.DataFrame
    quarantine: pd.DataFrame
    row_counts: dict[str, int]


def published_china2020() -> pd.DataFrame:
    """The cited published aggregates (``reference/china2020_published.csv``), typed and checked.

    Every row needs its ``source`` and ``section``; ``item`` must be an item of the ``china_2020``
    codebook carrying ``shared_id`` and offering ``option``; ``share`` a fraction; ``base`` one of
    :data:`BASES`. ``n`` is an integer or missing (not published).
    """
    table = read_reference_table(PUBLISHED_FILE, [*PUBLISHED_COLUMNS, "source", "section"])
    book = load_codebook(INSTRUMENT)
    for number, row in enumerate(table.itertuples(index=False), start=2):
        where = f"{PUBLISHED_FILE}, row {number}"
        try:
            item = book.item(row.item)
        except KeyError as error:
            raise China2020Error(f"{where}: {error.args[0]}") from None
        if item.shared_id != row.shared_id:
            raise China2020Error(f"{where}: item {row.item} has shared_id {item.shared_id!r}, not {row.shared_id!r}")
        if row.option not in item.code_values:
            raise China2020Error(f"{where}: {row.option!r} is not a code of {row.item} ({item.code_values})")
        if row.base not in BASES:
            raise China2020Error(f"{where}: base {row.base!r} is not one of {BASES}")
        if not 0 <= float(row.share) <= 1:
            raise China2020Error(f"{where}: share {row.share} is not a fraction")
    return table.assign(
        share=table["share"].astype(float),
        share_precision=table["share_precision"].astype(float),
        n=pd.to_numeric(table["n"].replace("", None), errors="raise").astype("Int64"),
        base_stated=table["base_stated"].eq("yes"),
    )


def find_china2020_export(explicit: str | None = None) -> Path | None:
    """The team's 2020-21 file: ``explicit`` (relative to the project root), else the newest export in
    ``data/raw/survey_china2020`` (drop-in rules of the survey), else ``None`` (not delivered yet)."""
    if explicit:
        return paths.ROOT / explicit
    folder = paths.raw_source_dir(paths.CHINA_2020_DROP_IN)
    note_folder(folder)
    try:
        return choose_drop_in(folder)
    except DropInError as error:
        raise China2020Error(str(error)) from None


def load_china2020_export(
    path: str | Path, *, known_unit_ids: set[str] | None = None, data_origin: str | None = None
) -> China2020Export:
    """Read the 2020-21 file at ``path`` into the ``china_2020`` export columns (see the module docstring).

    ``known_unit_ids``: the frame's city ids (a city outside them is quarantined); ``data_origin``:
    the label of every row (default the file name; a synthetic sample passes ``"synthetic (seed N)"``).
    """
    raw = read_export(path, load_codebook(INSTRUMENT))
    frame = raw.frame.assign(source_row=raw.source_rows.astype("int64"))
    reasons = pd.Series("", index=frame.index, dtype=object)
    for problem in raw.problems:
        reasons[problem.index] = "; ".join(filter(None, [reasons[problem.index], problem.reason]))
    unit = frame["unit_id"].astype("string")
    if known_unit_ids is not None:
        outside = unit.notna() & ~unit.isin(list(known_unit_ids))
        reasons[outside & reasons.eq("")] = raw.locations[outside] + ", column unit_id: not a city of the frame"
    missing = unit.isna() & reasons.eq("")
    reasons[missing] = raw.locations[missing] + ", column unit_id: empty"
    kept = reasons.eq("")
    earlier = kept & unit.duplicated(keep="last") & unit.notna()
    reasons[earlier] = raw.locations[earlier] + ": the city answered again later; the later answer is kept"
    kept &= ~earlier
    origin = data_origin or Path(path).name
    responses = frame[kept].assign(is_synthetic=origin.startswith("synthetic"), data_origin=origin)
    quarantine = pd.DataFrame(
        {"source_row": frame.loc[~kept, "source_row"], "unit_id": unit[~kept], "reason": reasons[~kept]}
    )
    counts = {"rows_in": raw.rows_in, "responses": int(kept.sum()), "rows_quarantined": int((~kept).sum())}
    return China2020Export(responses.reset_index(drop=True), quarantine.reset_index(drop=True), counts)
