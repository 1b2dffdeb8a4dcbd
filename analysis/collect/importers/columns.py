"""Which header cell feeds which clean column: the codebook's names, the tools' shapes and their metadata.

:func:`detect_tool` tells a Qualtrics export (second and third header rows: question texts and
``{"ImportId": ...}``) and a LimeSurvey export (``code[subcode]`` headings, its ``id``/``submitdate``/
``lastpage``/``startlanguage`` columns) from a plain one. :func:`plan_columns` maps every header cell
to a clean column, to one option of a multi-select column (one column per option), to the personal
frame, or to nothing (the tools' own metadata listed in ``analysis/reference/survey_tool_columns.csv``,
Qualtrics ``_TEXT`` and LimeSurvey ``[other]``/``[comment]`` texts of single-choice items). Anything
else, or a codebook column that no header feeds, refuses the file naming its header line and columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analysis.collect.importers.layout import ExportLayout, Target, header_key
from analysis.core.reference import read_reference_table

LIMESURVEY_MARKERS = frozenset({"id", "submitdate", "lastpage", "startlanguage", "seed"})
QUALTRICS_IMPORT_ID = '{"ImportId"'


class HeaderError(ValueError):
    """The header cannot be mapped to the codebook; the message names file, line and columns."""


@dataclass
class ColumnPlan:
    """``direct`` {header index: Target}, ``options`` {clean column: [(header index, code)]},
    ``personal_extra`` {header index: tool column name}, and ``notes`` on what was read how."""

    direct: dict[int, Target] = field(default_factory=dict)
    options: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    personal_extra: dict[int, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def tool_columns(tool: str) -> dict[str, str]:
    """``{header key: role}`` of one tool's own columns that are not codebook items (``ignore | personal``)."""
    table = read_reference_table("survey_tool_columns.csv", ["tool", "column", "role"])
    rows = table[table["tool"] == tool]
    return {header_key(row.column): row.role for row in rows.itertuples()}


def known_keys(layout: ExportLayout) -> set[str]:
    """Header keys any export may legitimately use: codebook columns and options, and the tools' own columns."""
    return layout.known_keys() | set(tool_columns("limesurvey")) | set(tool_columns("qualtrics"))


def detect_tool(header: list[str], second_row: list[object] | None, third_row: list[object] | None) -> str:
    """``qualtrics``, ``limesurvey`` or ``plain`` from the header and the first two records."""
    if third_row is not None and second_row is not None:
        import_ids = sum(str(cell).startswith(QUALTRICS_IMPORT_ID) for cell in third_row if cell is not None)
        if import_ids >= max(1, len(third_row) // 2):
            return "qualtrics"
    keys = {header_key(cell) for cell in header}
    if any("[" in cell for cell in header) or len(keys & LIMESURVEY_MARKERS) >= 2:
        return "limesurvey"
    return "plain"


def plan_columns(header: list[str], layout: ExportLayout, tool: str, where: str) -> ColumnPlan:
    """Map ``header`` (see the module docstring); ``where`` (``"export.csv line 1"``) starts every refusal."""
    targets = layout.targets(tool)
    own = tool_columns(tool) if tool in ("limesurvey", "qualtrics") else {}
    plan, unknown, fed_by = ColumnPlan(), [], {}
    for index, cell in enumerate(header):
        key = header_key(cell)
        target = targets.get(key)
        if target is not None:
            fed_by.setdefault(target.column, []).append(cell)
            if target.option is None:
                plan.direct[index] = target
                if cell != target.column and tool in ("plain", "sav"):
                    plan.notes.append(f"column {cell!r} read as {target.column!r}")
            else:
                plan.options.setdefault(target.column, []).append((index, target.option))
        elif own.get(key) == "personal":
            plan.personal_extra[index] = cell
        elif own.get(key) == "ignore" or _is_other_text(cell, key, targets, tool):
            plan.notes.append(f"tool column {cell!r} ignored")
        else:
            unknown.append(cell if key else f"(empty header in position {index + 1})")
    _check_complete(plan, fed_by, unknown, layout, where)
    for column, cells in plan.options.items():
        plan.notes.append(f"{column} read from {len(cells)} option columns")
    return plan


def _check_complete(plan: ColumnPlan, fed_by: dict, unknown: list[str], layout: ExportLayout, where: str) -> None:
    """Refuse a header that feeds a column twice, leaves one unfed, or holds unexpected cells."""
    both = [column for column in plan.options if any(t.column == column for t in plan.direct.values())]
    twice = [column for column, cells in fed_by.items() if column not in plan.options and len(cells) > 1]
    if both or twice:
        given = {column: fed_by[column] for column in both + twice}
        raise HeaderError(f"{where}: columns given twice: {given}")
    missing = [column for column in layout.names if column not in fed_by]
    if missing or unknown:
        raise HeaderError(
            f"{where}: the header does not match the codebook {layout.instrument}: missing {missing}, unexpected {unknown}"
        )


def _is_other_text(cell: str, key: str, targets: dict[str, Target], tool: str) -> bool:
    """A Qualtrics ``..._TEXT`` or LimeSurvey ``...[other]``/``[comment]`` cell of a known column or option."""
    if tool == "qualtrics" and cell.upper().endswith("_TEXT"):
        stem = key.removesuffix("text")
        return any(stem.startswith(known) for known in targets)
    if tool == "limesurvey" and "[" in cell:
        base, _, rest = cell.partition("[")
        return any(header_key(base) == k or k.startswith(header_key(base)) for k in targets) and (
            header_key(rest) in ("other", "comment") or header_key(rest).endswith("comment")
        )
    return False
