"""A LimeSurvey survey structure file (``.lss``, LimeSurvey 6 XML) generated from a codebook, one per language.

The layout follows LimeSurvey's own exports (DBVersion 631, LimeSurvey 6.13): a ``<document>``
with ``<LimeSurveyDocType>Survey</LimeSurveyDocType>``, ``<DBVersion>``, ``<languages>`` and one
element per table (``answers``, ``answer_l10ns``, ``groups``, ``group_l10ns``, ``questions``,
``subquestions``, ``question_l10ns``, ``question_attributes``, ``surveys``,
``surveys_languagesettings``), each with ``<fields><fieldname>`` and ``<rows><row>``; texts are
CDATA. Codes come from :mod:`analysis.collect.tool_codes`; skip logic (``ask_if``) becomes the
question's ``relevance`` (ExpressionScript, ``code.NAOK == "A1"``).

Question types: single and likert ``L`` (list, answers ``A1``..), multi ``M`` (subquestions
``SQ001``..), text ``S``, numeric and year ``N`` (with min/max attributes), a roster's text fields
``Q`` (multiple short text), year fields ``K`` (multiple numerical), coded fields ``F`` (array)
with one subquestion per row, and the roster's own wording a text display ``X``. Unit ids from
token attributes are hidden equation questions ``*`` (``{TOKEN:ATTRIBUTE_1}``).
"""

from __future__ import annotations

import hashlib

from lxml import etree

from analysis.collect.codebook import Codebook, Item, parse_ask_if
from analysis.collect.tool_codes import Choice, choices, subquestion_code

DB_VERSION = 631
TABLE_FIELDS: dict[str, tuple[str, ...]] = {
    "answers": ("aid", "qid", "code", "sortorder", "assessment_value", "scale_id"),
    "answer_l10ns": ("id", "aid", "answer", "language"),
    "groups": ("gid", "sid", "group_order", "randomization_group", "grelevance"),
    "group_l10ns": ("id", "gid", "group_name", "description", "language"),
    "questions": [
        "qid",
        "parent_qid",
        "sid",
        "gid",
        "type",
        "title",
        "preg",
        "other",
        "mandatory",
        "encrypted",
        "question_order",
        "scale_id",
        "same_default",
        "relevance",
        "question_theme_name",
        "modulename",
        "same_script",
    ],
    "question_l10ns": ("id", "qid", "question", "help", "script", "language"),
    "question_attributes": ("qid", "attribute", "value", "language"),
    "surveys": [
        "sid",
        "gsid",
        "admin",
        "adminemail",
        "anonymized",
        "format",
        "language",
        "additional_languages",
        "datestamp",
        "usecookie",
        "allowsave",
        "allowprev",
        "printanswers",
        "ipaddr",
        "refurl",
        "showsurveypolicynotice",
        "usetokens",
        "showprogress",
        "questionindex",
        "tokenencryptionoptions",
        "ipanonymize",
    ],
    "surveys_languagesettings": [
        "surveyls_survey_id",
        "surveyls_language",
        "surveyls_title",
        "surveyls_description",
        "surveyls_welcometext",
        "surveyls_endtext",
        "surveyls_dateformat",
        "surveyls_numberformat",
    ],
}
TABLE_FIELDS["subquestions"] = TABLE_FIELDS["questions"]
TABLE_ORDER: tuple[str, ...] = [
    "answers",
    "answer_l10ns",
    "groups",
    "group_l10ns",
    "questions",
    "subquestions",
    "question_l10ns",
    "question_attributes",
    "surveys",
    "surveys_languagesettings",
]
QUESTION_TYPES = {"single": "L", "likert": "L", "multi": "M", "text": "S", "numeric": "N", "year": "N"}
ROSTER_TYPES = {"single": "F", "likert": "F", "text": "Q", "year": "K", "numeric": "K"}
THEMES = {"L": "listradio", "M": "multiplechoice", "S": "shortfreetext", "N": "numerical", "F": "arrays/array"}
THEMES |= {"Q": "multipleshorttext", "K": "multiplenumeric", "X": "boilerplate", "*": "equation"}


class QuestionnaireError(ValueError):
    """The codebook cannot be written in a tool's format (names the instrument and item)."""


def survey_id(instrument: str) -> int:
    """A stable six-digit LimeSurvey survey id for ``instrument``."""
    return 100000 + int(hashlib.sha256(instrument.encode()).hexdigest()[:8], 16) % 900000


class _Tables:
    """The rows of every table, with running ids."""

    def __init__(self, sid: int, language: str) -> None:
        self.sid, self.language = sid, language
        self.rows: dict[str, list[dict[str, object]]] = {name: [] for name in TABLE_ORDER}
        self.next_id = {"qid": 1, "aid": 1, "l10n": 1}

    def take(self, kind: str) -> int:
        self.next_id[kind] += 1
        return self.next_id[kind] - 1

    def question(self, gid: int, qtype: str, title: str, text: str, order: int, **extra: object) -> int:
        qid = self.take("qid")
        parent = int(extra.pop("parent_qid", 0))
        table = "subquestions" if parent else "questions"
        row = {"qid": qid, "parent_qid": parent, "sid": self.sid, "gid": gid, "type": qtype, "title": title}
        row |= {"other": "N", "mandatory": extra.pop("mandatory", "N"), "encrypted": "N", "question_order": order}
        row |= {"scale_id": 0, "same_default": 0, "relevance": extra.pop("relevance", "1"), "same_script": 0}
        row |= {"question_theme_name": THEMES.get(qtype, "") if not parent else ""}
        self.rows[table].append(row)
        self.rows["question_l10ns"].append(
            {
                "id": self.take("l10n"),
                "qid": qid,
                "question": text,
                "help": extra.pop("help", ""),
                "language": self.language,
            }
        )
        for attribute, value in extra.items():
            self.rows["question_attributes"].append(
                {"qid": qid, "attribute": attribute, "value": value, "language": ""}
            )
        return qid

    def answers(self, qid: int, options: list[Choice]) -> None:
        for order, option in enumerate(options, start=1):
            aid = self.take("aid")
            self.rows["answers"].append(
                {
                    "aid": aid,
                    "qid": qid,
                    "code": option.answer_code,
                    "sortorder": order,
                    "assessment_value": 0,
                    "scale_id": 0,
                }
            )
            label = option.label.get(self.language, option.label["en"])
            self.rows["answer_l10ns"].append(
                {"id": self.take("l10n"), "aid": aid, "answer": label, "language": self.language}
            )


def relevance(book: Codebook, ask_if: str | None) -> str:
    """The ExpressionScript relevance equation of an ``ask_if`` expression (``1`` when always asked)."""
    return _relevance(book, parse_ask_if(ask_if)) if ask_if else "1"


def _relevance(book: Codebook, tree: tuple) -> str:
    kind = tree[0]
    if kind in ("and", "or"):
        return "(" + f" {kind} ".join(_relevance(book, node) for node in tree[1]) + ")"
    if kind == "not":
        return f"!{_relevance(book, tree[1])}"
    item = book.item(tree[1])
    code = item.limesurvey_code
    if item.type == "multi":
        positions = {option.code: number for number, option in enumerate(choices(item, book), start=1)}
        wanted = [tree[2]] if kind == "has" else list(positions) if kind == "answered" else []
        if not wanted:
            raise QuestionnaireError(f"{book.instrument}, {item.id}: only 'code' in item or answered(item)")
        parts = [f'{code}_{subquestion_code(positions[w])}.NAOK == "Y"' for w in wanted]
        return "(" + " or ".join(parts) + ")"
    if kind == "answered":
        return f"!is_empty({code}.NAOK)"
    if item.type in ("numeric", "year"):
        operator = {"==": "==", "!=": "!="}.get(tree[2], tree[2]) if kind == "cmp" else None
        if operator is None:
            raise QuestionnaireError(f"{book.instrument}, {item.id}: 'in' needs a coded item")
        return f"({code}.NAOK {operator} {tree[3]})"
    matching = [option.answer_code for option in choices(item, book) if _matches(tree, option.code)]
    negate = kind == "cmp" and tree[2] == "!="
    if negate:
        matching = [option.answer_code for option in choices(item, book) if option.code == str(tree[3])]
    test = " or ".join(f'{code}.NAOK == "{answer}"' for answer in matching) or "0"
    return f"!({test})" if negate else f"({test})"


def _matches(tree: tuple, code: str) -> bool:
    """Whether ``code`` (a coded answer) satisfies the comparison or membership ``tree``."""
    if tree[0] == "in":
        return code in {str(value) for value in tree[2]}
    operator, target = tree[2], tree[3]
    if operator == "==":
        return code == str(target)
    try:
        number = float(code)
    except ValueError:
        return False
    return {"<": number < target, "<=": number <= target, ">": number > target, ">=": number >= target}.get(
        operator, False
    )


def lss_document(book: Codebook, language: str) -> etree._Element:
    """The ``.lss`` document of ``book`` in ``language`` (a translated language of the codebook)."""
    if book.languages.get(language) != "translated":
        raise QuestionnaireError(f"{book.instrument}: language {language!r} is not translated in {book.path.name}")
    sid = survey_id(book.instrument)
    tables = _Tables(sid, language)
    referenced = _referenced(book)
    group_order = 0
    for section in book.sections:
        before = len(tables.rows["questions"])
        group_order += 1
        order = 0
        for item in section.items:
            order = _add_item(tables, book, item, group_order, order, item.id in referenced)
        if len(tables.rows["questions"]) == before:
            group_order -= 1  # nothing to ask in this section (tool fields only)
            continue
        tables.rows["groups"].append(
            {"gid": group_order, "sid": sid, "group_order": group_order, "randomization_group": "", "grelevance": "1"}
        )
        tables.rows["group_l10ns"].append(
            {"id": tables.take("l10n"), "gid": group_order, "group_name": section.title[language], "language": language}
        )
    tables.rows["surveys"].append(
        {"sid": sid, "gsid": 1, "admin": "inherit", "adminemail": "inherit", "anonymized": "N", "format": "G"}
        | {"language": language, "additional_languages": "", "datestamp": "Y", "usecookie": "N", "allowsave": "Y"}
        | {"allowprev": "Y", "printanswers": "N", "ipaddr": "N", "refurl": "N", "showsurveypolicynotice": 1}
        | {"usetokens": "Y", "showprogress": "Y", "questionindex": 0, "ipanonymize": "Y"}
    )
    tables.rows["surveys_languagesettings"].append(
        {"surveyls_survey_id": sid, "surveyls_language": language, "surveyls_title": book.title.get(language, "")}
        | {"surveyls_description": "", "surveyls_dateformat": 6, "surveyls_numberformat": 0}
    )
    return _xml(tables, language)


def _referenced(book: Codebook) -> set[str]:
    """Items other items' skip logic depends on (they are mandatory, so the branch is always decided)."""
    from analysis.collect.codebook import ask_if_items

    return {name for item in book.items if item.ask_if for name in ask_if_items(parse_ask_if(item.ask_if))}


def _add_item(tables: _Tables, book: Codebook, item: Item, gid: int, order: int, referenced: bool) -> int:
    """Add ``item`` (and its subquestions, answers and attributes) to the tables; returns the last order used."""
    language = tables.language
    relevance_text = relevance(book, item.ask_if)
    if item.kind == "metadata":
        source = item.tool_fields.get("limesurvey", "")
        if source.upper().startswith("TOKEN:"):
            tables.question(gid, "*", item.limesurvey_code, "{" + source + "}", order + 1, hidden=1)
            return order + 1
        return order
    if item.fields:
        tables.question(gid, "X", item.limesurvey_code, item.wording[language], order + 1, relevance=relevance_text)
        order += 1
        for field in item.fields:
            order += 1
            qtype = ROSTER_TYPES[field.type]
            qid = tables.question(
                gid,
                qtype,
                field.limesurvey_code,
                field.wording[language],
                order,
                relevance=relevance_text,
                **_number_attributes(field),
            )
            for row in range(1, item.rows + 1):
                tables.question(gid, "T", subquestion_code(row), f"{row}.", row, parent_qid=qid)
            if field.codes:
                tables.answers(qid, choices(field, book))
        return order
    qtype = QUESTION_TYPES[item.type]
    mandatory = "Y" if referenced or item.shared_id == "consent" else "N"
    options = choices(item, book) if item.codes else []
    extra = _number_attributes(item)
    if item.type == "multi":
        exclusive = [subquestion_code(n) for n, option in enumerate(options, start=1) if option.exclusive]
        extra |= {"exclude_all_others": ";".join(exclusive)} if exclusive else {}
    qid = tables.question(
        gid,
        qtype,
        item.limesurvey_code,
        item.wording[language],
        order + 1,
        mandatory=mandatory,
        relevance=relevance_text,
        **extra,
    )
    if item.type == "multi":
        for number, option in enumerate(options, start=1):
            label = option.label.get(language, option.label["en"])
            tables.question(gid, "T", subquestion_code(number), label, number, parent_qid=qid)
    elif options:
        tables.answers(qid, options)
    return order + 1


def _number_attributes(item: Item) -> dict[str, object]:
    if item.type not in ("numeric", "year") or not item.range:
        return {}
    suffix = "_n" if not item.rows else ""
    attributes: dict[str, object] = {f"min_num_value{suffix}": item.range[0], f"max_num_value{suffix}": item.range[1]}
    if item.type == "year":
        attributes["num_value_int_only"] = 1
    return attributes


def _xml(tables: _Tables, language: str) -> etree._Element:
    root = etree.Element("document")
    etree.SubElement(root, "LimeSurveyDocType").text = "Survey"
    etree.SubElement(root, "DBVersion").text = str(DB_VERSION)
    etree.SubElement(etree.SubElement(root, "languages"), "language").text = language
    for name in TABLE_ORDER:
        if not tables.rows[name]:
            continue  # LimeSurvey's exports leave out empty tables
        table = etree.SubElement(root, name)
        header = etree.SubElement(table, "fields")
        for field_name in TABLE_FIELDS[name]:
            etree.SubElement(header, "fieldname").text = field_name
        rows = etree.SubElement(table, "rows")
        for row in tables.rows[name]:
            element = etree.SubElement(rows, "row")
            for field_name in TABLE_FIELDS[name]:
                cell = etree.SubElement(element, field_name)
                value = row.get(field_name, "")
                if value not in ("", None):
                    cell.text = etree.CDATA(str(value))
    return root


def lss_bytes(book: Codebook, language: str) -> bytes:
    """The ``.lss`` file of ``book`` in ``language`` as UTF-8 bytes (deterministic)."""
    return etree.tostring(lss_document(book, language), xml_declaration=True, encoding="UTF-8", pretty_print=True)
