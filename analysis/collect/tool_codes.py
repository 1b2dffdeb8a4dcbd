"""How the survey tools code the codebook's items: LimeSurvey and Qualtrics codes and response-export columns.

The generated questionnaires (:mod:`analysis.collect.questionnaire`) and the importers of the
tools' response exports both use these functions, so the codes round-trip by construction:

* LimeSurvey: question code :attr:`Item.limesurvey_code`; answer codes ``A1``, ``A2`` ... by the
  position of the code in its code list, missing codes their ``tool_code`` (``DK``, ``RF``);
  multi-select options and roster rows are subquestions ``SQ001``, ``SQ002`` ...; a response
  export has columns ``code`` and ``code[SQ001]`` (multi-select: ``Y`` when ticked).
* Qualtrics: ``DataExportTag`` = the item id (roster fields ``<roster id>_<field>``, e.g.
  ``us_partners_name``); choices numbered ``1``..``n`` by position, missing codes after them;
  recode values: likert codes their own value, other single-choice codes their position,
  missing codes their ``numeric`` value, multi-select options ``1`` (ticked); a response export
  has columns ``tag`` and ``tag_<choice or row>``.

Metadata items come from the tools' own fields (``tool_fields`` in the codebook: e.g.
``submitdate`` / ``EndDate``); unit ids are LimeSurvey token attributes piped into a hidden
equation question, and Qualtrics embedded data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analysis.collect.codebook import Codebook, Item

TOOLS: tuple[str, ...] = ("limesurvey", "qualtrics")


@dataclass(frozen=True)
class Choice:
    """One answer option as the tools code it: ``code`` in the clean export, LimeSurvey ``answer_code``,
    Qualtrics ``choice_id`` and ``recode``, ``label`` by language, ``missing`` for missing codes."""

    code: str
    answer_code: str
    choice_id: str
    recode: str
    label: dict[str, str]
    missing: bool = False
    exclusive: bool = False


@dataclass(frozen=True)
class ToolColumn:
    """One column of a tool's response export and the clean export column it feeds.

    ``values`` maps the tool's cell value to the clean value (empty mapping: copy the text;
    ``transform="date"`` keeps the date part of a timestamp); for a multi-select option
    ``option`` is the code the column stands for (ticked when its value is a key of ``values``).
    """

    tool: str
    column: str
    export_column: str
    item_id: str
    values: dict[str, str] = field(default_factory=dict)
    option: str | None = None
    transform: str = ""


def choices(item: Item, book: Codebook) -> list[Choice]:
    """The item's codes then its missing codes, with the tools' codes (single, multi, likert items)."""
    out = []
    for position, code in enumerate(item.codes, start=1):
        if item.type == "multi":
            recode = "1"
        elif item.type == "likert":
            recode = code.code
        else:
            recode = str(position)
        out.append(Choice(code.code, f"A{position}", str(position), recode, code.label, exclusive=code.exclusive))
    for offset, name in enumerate(item.missing, start=len(item.codes) + 1):
        missing = book.missing[name]
        if missing.export:
            out.append(
                Choice(missing.export, missing.tool_code, str(offset), str(missing.numeric), missing.label, True)
            )
    return out


def subquestion_code(position: int) -> str:
    """LimeSurvey subquestion code of the ``position``-th option or row: ``SQ001``, ``SQ002`` ..."""
    return f"SQ{position:03d}"


def qualtrics_tag(item: Item) -> str:
    """Qualtrics ``DataExportTag`` of an item (roster fields: ``<roster>_<field>``)."""
    return item.id.replace(".", "_")


def response_columns(book: Codebook, tool: str) -> list[ToolColumn]:
    """Every column of ``tool``'s response export that feeds the clean export, in codebook order."""
    if tool not in TOOLS:
        raise ValueError(f"tool must be one of {TOOLS}, got {tool!r}")
    columns: list[ToolColumn] = []
    for item in book.items:
        for part in item.fields or (item,):
            columns += _item_columns(part, book, tool)
    return columns


def _item_columns(item: Item, book: Codebook, tool: str) -> list[ToolColumn]:
    name = item.limesurvey_code if tool == "limesurvey" else qualtrics_tag(item)
    if item.kind == "metadata":
        source = item.tool_fields.get(tool, name)
        if tool == "limesurvey" and source.upper().startswith("TOKEN:"):
            source = item.limesurvey_code
        return [
            ToolColumn(tool, source, item.export_columns[0], item.id, transform="date" if item.type == "date" else "")
        ]
    options = choices(item, book) if item.codes else []
    if item.rows:  # a roster field: one column per row
        values = _values(options, tool)
        return [
            ToolColumn(tool, _sub(tool, name, row), column, item.id, values)
            for row, column in enumerate(item.export_columns, start=1)
        ]
    if item.type == "multi":
        return [
            ToolColumn(
                tool,
                _sub(tool, name, position),
                item.export_columns[0],
                item.id,
                {"Y": option.code} if tool == "limesurvey" else {option.recode: option.code},
                option=option.code,
            )
            for position, option in enumerate(options, start=1)
        ]
    return [ToolColumn(tool, name, item.export_columns[0], item.id, _values(options, tool))]


def _sub(tool: str, name: str, position: int) -> str:
    return f"{name}[{subquestion_code(position)}]" if tool == "limesurvey" else f"{name}_{position}"


def _values(options: list[Choice], tool: str) -> dict[str, str]:
    return {(option.answer_code if tool == "limesurvey" else option.recode): option.code for option in options}
