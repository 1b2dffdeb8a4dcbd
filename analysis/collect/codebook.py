"""Codebooks of the survey instruments: the single source of truth for items, codes, skip logic and export columns.

One YAML file per instrument in ``analysis/reference/codebooks/<instrument>.yaml`` (``eu_phase1``,
``us_phase2``, ``china_2020``). :func:`load_codebook` reads and validates it (errors name the file
and the item) and expands its loops and rosters into concrete :class:`Item` objects; everything
else (the export column list, the pandera schema of the clean export, ``docs/data-formats.md``,
the codebook appendix of the book, the LimeSurvey and Qualtrics files of
:mod:`analysis.collect.questionnaire`) is generated from them.

File format
-----------
Top level: ``instrument`` (= file name), ``title`` ({lang: text}), ``source``, ``note``, ``version``,
``languages`` ({iso639-1: ``translated`` | ``todo_translation``}; a translated language has every
wording and label, a ``todo_translation`` one is skipped by the generators, never filled in from
English), ``missing`` (missing codes: ``export`` text in the clean export, ``numeric`` recode,
``tool_code`` LimeSurvey answer code, ``label``), ``loops`` ({loop: {value: {variable: text or
{lang: text}}}}), ``code_lists`` ({name: {source, note, codes: [{code, label, exclusive?}]}}) and
``sections`` (``id``, ``title``, optional ``repeat: <loop>``, ``items``), and optionally
``qualtrics_language_codes`` ({lang: Qualtrics code} where Qualtrics does not use the upper-case
ISO code, e.g. ``es: ES-ES`` for Spanish as written in Spain).

An item has ``id``, ``type`` (one of :data:`TYPES`), ``kind`` (``question``, default, or
``metadata``: filled by the survey tool, ``filled_by`` says how), ``label`` (short English
description), ``wording`` ({lang: text}, questions only), ``codes`` (a code list name; single,
multi and likert items), ``missing`` (missing codes the item offers), ``ask_if`` (skip logic,
below), ``shared_id`` (items with the same shared id are comparable across instruments and
partner countries), ``personal: true`` (personal data), ``range`` ([min, max] for numeric and
year), ``column`` (export column, default the id), ``limesurvey_code`` (LimeSurvey question code,
default the id in camelCase; letters and digits, at most 20), ``tool_fields`` ({limesurvey,
qualtrics: the tool's own field that fills a metadata item, e.g. ``submitdate`` / ``EndDate``, or
``TOKEN:ATTRIBUTE_1``}), ``source`` and ``note``. A ``roster`` item has
``rows`` and ``fields`` (items whose ``column`` contains ``{k}``, the row number 1..rows).
In a repeated section ``{variable}`` in ids, columns, labels, wordings and ``ask_if`` takes the
loop value's variable (``{country}`` is the value itself).

Skip logic (``ask_if``)
-----------------------
A Python-like expression over earlier items: ``item == 'code'``, ``item != 'code'``,
``item in ('a', 'b')``, ``'code' in item`` (a multi-select item includes the code),
``item >= 3`` (likert, numeric, year; also ``<``, ``<=``, ``>``), ``answered(item)``, combined with
``and``, ``or``, ``not`` and parentheses. :func:`parse_ask_if` returns a small tree of tuples that
the generators translate (LimeSurvey relevance, Qualtrics display logic); :func:`ask_if_holds`
evaluates it on a row of the clean export.

Clean export
------------
One row per respondent, one column per export column, text as the tools write it after the
importers' mapping: single and likert items their code (``'yes'``, ``'3'``), multi-select items
the codes joined by :data:`MULTI_SELECT_SEPARATOR`, missing codes their ``export`` text.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

from analysis.core import paths

CODEBOOK_DIR: Path = paths.REFERENCE / "codebooks"
INSTRUMENTS: tuple[str, ...] = ("eu_phase1", "us_phase2", "china_2020")
TYPES: tuple[str, ...] = ("single", "multi", "likert", "numeric", "year", "text", "roster", "date")
CODED_TYPES: tuple[str, ...] = ("single", "multi", "likert")
KINDS: tuple[str, ...] = ("question", "metadata")
LANGUAGE_STATUS: tuple[str, ...] = ("translated", "todo_translation")
MULTI_SELECT_SEPARATOR = ";"
LIMESURVEY_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,19}$")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class CodebookError(ValueError):
    """A codebook file breaks the format; the message names the file and the item."""


@dataclass(frozen=True)
class Code:
    """One answer code of a code list (or a missing code): ``code`` as exported, ``label`` by language."""

    code: str
    label: dict[str, str]
    exclusive: bool = False


@dataclass(frozen=True)
class MissingCode:
    """A missing code: ``export`` text in the clean export ('' = empty cell), ``numeric`` recode, LimeSurvey ``tool_code``."""

    name: str
    export: str
    numeric: int
    tool_code: str
    label: dict[str, str]


@dataclass(frozen=True)
class Item:
    """One concrete item (loops expanded); a roster's ``fields`` are items whose ``export_columns`` run over rows."""

    id: str
    template_id: str
    section: str
    type: str
    kind: str
    label: str
    wording: dict[str, str]
    codes: tuple[Code, ...]
    code_list: str | None
    missing: tuple[str, ...]
    ask_if: str | None
    shared_id: str | None
    personal: bool
    export_columns: tuple[str, ...]
    loop: dict[str, str] = field(default_factory=dict)
    fields: tuple[Item, ...] = ()
    rows: int = 0
    range: tuple[int, int] | None = None
    filled_by: str = ""
    source: str = ""
    note: str = ""
    limesurvey_code: str = ""
    tool_fields: dict[str, str] = field(default_factory=dict)

    @property
    def code_values(self) -> list[str]:
        """The item's answer codes (without missing codes), as exported."""
        return [code.code for code in self.codes]


@dataclass(frozen=True)
class Section:
    """A section (a LimeSurvey group, a Qualtrics block) with its items, loops expanded."""

    id: str
    title: dict[str, str]
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Codebook:
    """A validated codebook: see the module docstring for what each part means."""

    instrument: str
    path: Path
    title: dict[str, str]
    source: str
    note: str
    version: int
    languages: dict[str, str]
    missing: dict[str, MissingCode]
    code_lists: dict[str, dict[str, Any]]
    sections: tuple[Section, ...]
    loops: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    qualtrics_language_codes: dict[str, str] = field(default_factory=dict)

    @property
    def items(self) -> tuple[Item, ...]:
        """Every item in questionnaire order."""
        return tuple(item for section in self.sections for item in section.items)

    def item(self, item_id: str) -> Item:
        """The item (or roster field, ``<roster>.<field>``) with id ``item_id``; raises ``KeyError`` naming the codebook."""
        try:
            return self._items_by_id[item_id]
        except KeyError:
            raise KeyError(f"{self.path.name}: no item {item_id!r}") from None

    @cached_property
    def _items_by_id(self) -> dict[str, Item]:
        """Each item and roster field by id, the first in questionnaire order (built once: importers ask per cell)."""
        by_id: dict[str, Item] = {}
        for item in self.items:
            for part in (item, *item.fields):
                by_id.setdefault(part.id, part)
        return by_id

    @cached_property
    def _items_by_column(self) -> dict[str, Item]:
        """The item (a roster field for roster columns) of each export column, the first in questionnaire order."""
        by_column: dict[str, Item] = {}
        for item in self.items:
            for part in item.fields or (item,):
                for column in part.export_columns:
                    by_column.setdefault(column, part)
        return by_column

    def export_columns(self, *, personal: bool = True) -> list[str]:
        """Every column of the clean export in order; ``personal=False`` leaves out the personal items."""
        return [c for item in self.items if personal or not item.personal for c in item.export_columns]

    def translated_languages(self) -> list[str]:
        """Languages whose wordings are complete (English first)."""
        return sorted((lang for lang, status in self.languages.items() if status == "translated"), key=_en_first)

    def todo_languages(self) -> list[str]:
        """Languages marked ``todo_translation``."""
        return sorted(lang for lang, status in self.languages.items() if status == "todo_translation")

    def column_item(self, column: str) -> Item:
        """The item (a roster field for roster columns) that an export column belongs to."""
        try:
            return self._items_by_column[column]
        except KeyError:
            raise KeyError(f"{self.path.name}: no export column {column!r}") from None


def _en_first(language: str) -> tuple[int, str]:
    return (language != "en", language)


# --------------------------------------------------------------------------- loading


@cache
def load_codebook(instrument: str) -> Codebook:
    """The codebook of ``instrument`` (one of :data:`INSTRUMENTS`), read from ``reference/codebooks``."""
    return read_codebook(CODEBOOK_DIR / f"{instrument}.yaml")


def read_codebook(path: Path) -> Codebook:
    """Read and validate the codebook file at ``path``; raises :class:`CodebookError` naming file and item."""
    where = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CodebookError(f"{where}: cannot be read as YAML: {error}") from error
    if not isinstance(raw, dict):
        raise CodebookError(f"{where}: expected a mapping at the top level")
    for key in ("instrument", "title", "source", "note", "languages", "sections"):
        if not raw.get(key):
            raise CodebookError(f"{where}: top-level key {key!r} is missing or empty")
    if raw["instrument"] != path.stem:
        raise CodebookError(f"{where}: instrument {raw['instrument']!r} differs from the file name")
    languages = {str(k): str(v) for k, v in raw["languages"].items()}
    bad = {k: v for k, v in languages.items() if v not in LANGUAGE_STATUS}
    if bad or languages.get("en") != "translated":
        raise CodebookError(f"{where}: languages must map codes to {LANGUAGE_STATUS} with en translated, got {bad}")
    translated = [lang for lang, status in languages.items() if status == "translated"]
    missing = {
        str(name): MissingCode(
            str(name),
            str(spec.get("export", "")),
            int(spec["numeric"]),
            str(spec["tool_code"]),
            _texts(spec.get("label"), translated, f"{where}, missing code {name}"),
        )
        for name, spec in (raw.get("missing") or {}).items()
    }
    code_lists = {
        name: _code_list(spec, translated, f"{where}, code list {name}")
        for name, spec in (raw.get("code_lists") or {}).items()
    }
    context = _Context(where, translated, missing, code_lists, raw.get("loops") or {})
    sections = tuple(section for spec in raw["sections"] for section in _sections(spec, context))
    book = Codebook(
        instrument=raw["instrument"],
        path=path,
        title=_texts(raw["title"], translated, f"{where}, title"),
        source=str(raw["source"]),
        note=str(raw["note"]),
        version=int(raw.get("version", 1)),
        languages=languages,
        missing=missing,
        code_lists=code_lists,
        sections=sections,
        qualtrics_language_codes={str(k): str(v) for k, v in (raw.get("qualtrics_language_codes") or {}).items()},
        loops={
            str(name): {str(v): dict(spec or {}) for v, spec in values.items()}
            for name, values in context.loops.items()
        },
    )
    _check_book(book, where)
    return book


@dataclass
class _Context:
    where: str
    translated: list[str]
    missing: dict[str, MissingCode]
    code_lists: dict[str, dict[str, Any]]
    loops: dict[str, Any]


def _texts(value: Any, translated: list[str], where: str, variables: dict[str, Any] | None = None) -> dict[str, str]:
    """A {lang: text} mapping with every translated language present, placeholders filled in."""
    if isinstance(value, str):
        value = {"en": value}
    if not isinstance(value, dict):
        raise CodebookError(f"{where}: expected texts by language, got {value!r}")
    absent = [lang for lang in translated if not value.get(lang)]
    if absent:
        raise CodebookError(f"{where}: no text in the translated languages {absent}")
    return {str(lang): _fill(str(text), variables or {}, lang, where) for lang, text in value.items()}


def _fill(text: str, variables: dict[str, Any], language: str, where: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "k":
            return match.group(0)
        if name not in variables:
            raise CodebookError(f"{where}: placeholder {{{name}}} is not a loop variable")
        value = variables[name]
        if isinstance(value, dict):
            if language not in value:
                raise CodebookError(f"{where}: loop variable {name} has no {language} text")
            value = value[language]
        return str(value)

    return _PLACEHOLDER.sub(replace, text)


def _code_list(spec: dict[str, Any], translated: list[str], where: str) -> dict[str, Any]:
    if not spec.get("source") or not spec.get("note") or not spec.get("codes"):
        raise CodebookError(f"{where}: needs source, note and codes")
    codes = tuple(
        Code(
            str(entry["code"]),
            _texts(entry.get("label"), translated, f"{where}, code {entry.get('code')}"),
            exclusive=bool(entry.get("exclusive", False)),
        )
        for entry in spec["codes"]
    )
    values = [code.code for code in codes]
    if len(set(values)) != len(values):
        raise CodebookError(f"{where}: codes repeat: {values}")
    return {"source": spec["source"], "note": spec["note"], "codes": codes}


def _sections(spec: dict[str, Any], context: _Context) -> list[Section]:
    """The section ``spec``, once or once per value of its ``repeat`` loop."""
    where = f"{context.where}, section {spec.get('id')}"
    loop = spec.get("repeat")
    if loop is not None and loop not in context.loops:
        raise CodebookError(f"{where}: repeat names an unknown loop {loop!r}")
    values = context.loops[loop] if loop else {None: {}}
    sections = []
    for value, variables in values.items():
        variables = {**(variables or {}), **({loop: value} if loop else {})}
        loop_values = {key: val for key, val in variables.items() if not isinstance(val, dict)}
        section_id = _fill(str(spec["id"]), variables, "en", where)
        items = tuple(_item(entry, section_id, variables, loop_values, context) for entry in spec.get("items") or [])
        title = _texts(spec.get("title"), context.translated, where, variables)
        sections.append(Section(section_id, title, items))
    return sections


def _item(
    spec: dict[str, Any],
    section: str,
    variables: dict[str, Any],
    loop_values: dict[str, str],
    context: _Context,
    *,
    roster: dict[str, Any] | None = None,
) -> Item:
    """One concrete item from its ``spec`` with the loop ``variables`` filled in.

    Length: the item format has many optional keys; each is read and checked in one place here.
    """
    template = str(spec.get("id", ""))
    item_id = _fill(template, variables, "en", f"{context.where}, item {template}")
    if roster:
        item_id = f"{roster['id']}.{item_id}"
    where = f"{context.where}, item {item_id}"
    kind, item_type = spec.get("kind", "question"), spec.get("type")
    if item_type not in TYPES or kind not in KINDS:
        raise CodebookError(
            f"{where}: type must be one of {TYPES} and kind one of {KINDS}, got {item_type!r}, {kind!r}"
        )
    for key in ("label",) + (("filled_by",) if kind == "metadata" else ()):
        if not spec.get(key):
            raise CodebookError(f"{where}: {key} is missing")
    codes: tuple[Code, ...] = ()
    if item_type in CODED_TYPES:
        if spec.get("codes") not in context.code_lists:
            raise CodebookError(f"{where}: codes must name a code list, got {spec.get('codes')!r}")
        codes = context.code_lists[spec["codes"]]["codes"]
    elif spec.get("codes"):
        raise CodebookError(f"{where}: a {item_type} item has no codes")
    missing = tuple(str(name) for name in spec.get("missing") or [])
    if set(missing) - set(context.missing):
        raise CodebookError(f"{where}: unknown missing codes {sorted(set(missing) - set(context.missing))}")
    wording = {}
    if kind == "question":
        wording = _texts(spec.get("wording"), context.translated, where, variables)
    value_range = spec.get("range")
    if item_type == "year" and not value_range:
        raise CodebookError(f"{where}: a year item needs range: [first, last]")
    ask_if = _fill(str(spec["ask_if"]), variables, "en", where) if spec.get("ask_if") else None
    if roster:
        ask_if = roster["ask_if"]
    fields: tuple[Item, ...] = ()
    columns: tuple[str, ...]
    if item_type == "roster":
        rows = int(spec.get("rows") or 0)
        if rows < 1 or not spec.get("fields"):
            raise CodebookError(f"{where}: a roster needs rows >= 1 and fields")
        inner = {"id": item_id, "rows": rows, "ask_if": ask_if}
        fields = tuple(_item(f, section, variables, loop_values, context, roster=inner) for f in spec["fields"])
        columns = tuple(field.export_columns[row] for row in range(rows) for field in fields)
    else:
        column = _fill(str(spec.get("column", template)), variables, "en", where)
        if roster:
            if "{k}" not in column:
                raise CodebookError(f"{where}: a roster field's column needs {{k}} (the row number)")
            columns = tuple(column.replace("{k}", str(k)) for k in range(1, roster["rows"] + 1))
        else:
            columns = (column,)
    return Item(
        id=item_id,
        template_id=template,
        section=section,
        type=item_type,
        kind=kind,
        label=_fill(str(spec["label"]), variables, "en", where),
        wording=wording,
        codes=codes,
        code_list=spec.get("codes"),
        missing=missing,
        ask_if=ask_if,
        shared_id=spec.get("shared_id"),
        personal=bool(spec.get("personal", False)),
        export_columns=columns,
        loop=dict(loop_values),
        fields=fields,
        rows=roster["rows"] if roster else int(spec.get("rows") or 0),
        range=tuple(int(v) for v in value_range) if value_range else None,
        filled_by=str(spec.get("filled_by", "")),
        source=str(spec.get("source", "")),
        note=str(spec.get("note", "")),
        limesurvey_code=_limesurvey_code(spec, item_id, variables, where),
        tool_fields={str(k): str(v) for k, v in (spec.get("tool_fields") or {}).items()},
    )


def _limesurvey_code(spec: dict[str, Any], item_id: str, variables: dict[str, Any], where: str) -> str:
    """The LimeSurvey question code: ``limesurvey_code`` if given, else the id in camelCase (letters and digits)."""
    if spec.get("limesurvey_code"):
        code = _fill(str(spec["limesurvey_code"]), variables, "en", where)
    else:
        first, *rest = re.split(r"[._]", item_id)
        code = first + "".join(part[:1].upper() + part[1:] for part in rest)
    if spec.get("kind") != "metadata" and not LIMESURVEY_CODE.match(code):
        raise CodebookError(
            f"{where}: LimeSurvey question code {code!r} must be a letter then up to 19 letters or digits; "
            "give limesurvey_code"
        )
    return code


def _check_book(book: Codebook, where: str) -> None:
    """Rules across items: unique ids and columns, skip logic naming earlier items and their codes."""
    seen_columns: dict[str, str] = {}
    seen_codes: dict[str, str] = {}
    earlier: dict[str, Item] = {}
    for item in book.items:
        if item.id in earlier:
            raise CodebookError(f"{where}, item {item.id}: the id is used twice")
        for column in item.export_columns:
            if column in seen_columns:
                raise CodebookError(
                    f"{where}, item {item.id}: export column {column!r} also belongs to {seen_columns[column]}"
                )
            seen_columns[column] = item.id
        for part in item.fields or (item,):
            if part.limesurvey_code.casefold() in seen_codes:
                raise CodebookError(
                    f"{where}, item {part.id}: LimeSurvey code {part.limesurvey_code!r} also used by "
                    f"{seen_codes[part.limesurvey_code.casefold()]}"
                )
            seen_codes[part.limesurvey_code.casefold()] = part.id
        if item.personal and item.type != "text":
            raise CodebookError(f"{where}, item {item.id}: personal items are free text")
        if item.ask_if:
            try:
                check_ask_if(parse_ask_if(item.ask_if), earlier)
            except CodebookError as error:
                raise CodebookError(f"{where}, item {item.id}: ask_if {item.ask_if!r}: {error}") from None
        earlier[item.id] = item


# --------------------------------------------------------------------------- skip logic


def parse_ask_if(text: str) -> tuple:
    """The tree of an ``ask_if`` expression (see the module docstring).

    Nodes: ``("and", [nodes])``, ``("or", [nodes])``, ``("not", node)``, ``("cmp", item, op, value)``
    with op in ``== != < <= > >=``, ``("in", item, (values...))``, ``("has", item, code)`` and
    ``("answered", item)``; values are strings (codes) or numbers.
    """
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as error:
        raise CodebookError(f"not an expression: {error.msg}") from None
    return _node(tree)


_OPERATORS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


def _node(tree: ast.AST) -> tuple:
    if isinstance(tree, ast.BoolOp):
        return ("and" if isinstance(tree.op, ast.And) else "or", [_node(value) for value in tree.values])
    if isinstance(tree, ast.UnaryOp) and isinstance(tree.op, ast.Not):
        return ("not", _node(tree.operand))
    if (
        isinstance(tree, ast.Call)
        and isinstance(tree.func, ast.Name)
        and tree.func.id == "answered"
        and len(tree.args) == 1
        and isinstance(tree.args[0], ast.Name)
    ):
        return ("answered", tree.args[0].id)
    if isinstance(tree, ast.Compare) and len(tree.ops) == 1:
        left, op, right = tree.left, tree.ops[0], tree.comparators[0]
        if isinstance(op, ast.In) and isinstance(left, ast.Constant) and isinstance(right, ast.Name):
            return ("has", right.id, str(left.value))
        if (
            isinstance(op, ast.In)
            and isinstance(left, ast.Name)
            and isinstance(right, ast.Tuple | ast.List)
            and all(isinstance(e, ast.Constant) for e in right.elts)
        ):
            return ("in", left.id, tuple(e.value for e in right.elts))
        if type(op) in _OPERATORS and isinstance(left, ast.Name) and isinstance(right, ast.Constant):
            return ("cmp", left.id, _OPERATORS[type(op)], right.value)
    raise CodebookError(f"unsupported expression {ast.unparse(tree)!r}")


def ask_if_items(tree: tuple) -> list[str]:
    """The item ids an ``ask_if`` tree refers to."""
    if tree[0] in ("and", "or"):
        return [name for node in tree[1] for name in ask_if_items(node)]
    if tree[0] == "not":
        return ask_if_items(tree[1])
    return [tree[1]]


def check_ask_if(tree: tuple, earlier: dict[str, Item]) -> None:
    """Raise :class:`CodebookError` unless ``tree`` names earlier items and codes they have."""
    if tree[0] in ("and", "or"):
        for node in tree[1]:
            check_ask_if(node, earlier)
        return
    if tree[0] == "not":
        check_ask_if(tree[1], earlier)
        return
    item = earlier.get(tree[1])
    if item is None:
        raise CodebookError(f"{tree[1]!r} is not an earlier item")
    values = {"cmp": tree[3:4], "in": list(tree[2]) if tree[0] == "in" else [], "has": [tree[2]]}.get(tree[0], [])
    if tree[0] == "has" and item.type != "multi":
        raise CodebookError(f"'code' in {item.id} needs a multi-select item")
    if item.type in ("single", "multi") or (item.type == "likert" and tree[0] != "cmp"):
        allowed = set(item.code_values) | set(item.missing)
        unknown = [v for v in values if str(v) not in allowed]
        if unknown:
            raise CodebookError(f"codes {unknown} are not codes of {item.id}")


def ask_if_holds(tree: tuple, row: dict[str, str], book: Codebook) -> bool:
    """Whether the condition ``tree`` holds for ``row`` (clean export column -> text; '' or None when empty)."""
    kind = tree[0]
    if kind == "and":
        return all(ask_if_holds(node, row, book) for node in tree[1])
    if kind == "or":
        return any(ask_if_holds(node, row, book) for node in tree[1])
    if kind == "not":
        return not ask_if_holds(tree[1], row, book)
    value = str(row.get(book.item(tree[1]).export_columns[0]) or "").strip()
    if kind == "answered":
        return value != ""
    if kind == "has":
        return tree[2] in value.split(MULTI_SELECT_SEPARATOR)
    if kind == "in":
        return value in {str(v) for v in tree[2]}
    op, target = tree[2], tree[3]
    if op in ("==", "!="):
        return (value == str(target)) == (op == "==")
    try:
        number = float(value)
    except ValueError:
        return False
    return {"<": number < target, "<=": number <= target, ">": number > target, ">=": number >= target}[op]
