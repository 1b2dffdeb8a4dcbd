"""A Qualtrics survey file (``.qsf``, JSON) generated from a codebook, one per language.

The layout follows Qualtrics' own exports: ``SurveyEntry`` (``SurveyID``, ``SurveyName``,
``SurveyLanguage`` ...) and ``SurveyElements``, a list of elements with ``Element`` ``BL``
(blocks), ``FL`` (flow, with an ``EmbeddedData`` element for the unit id), ``SO`` (options),
``QC`` (question count), ``RS`` (response set) and one ``SQ`` per question whose ``Payload``
holds ``QuestionText``, ``DataExportTag``, ``QuestionType`` / ``Selector`` / ``SubSelector``,
``Choices`` / ``ChoiceOrder``, ``RecodeValues`` (and ``Answers`` for matrices), ``Validation``
and ``DisplayLogic`` (skip logic: ``q://QIDn/SelectableChoice/k`` is ``Selected``).

Question types: single and likert ``MC``/``SAVR``, multi ``MC``/``MAVR`` (an exclusive option has
``ExclusiveAnswer``), text ``TE``/``SL``, numeric and year ``TE``/``SL`` with number validation,
a roster's text and year fields ``TE``/``FORM`` and its coded fields ``Matrix``/``Likert``/
``SingleAnswer`` with one row per roster row, the roster's own wording ``DB``/``TB``.
Codes come from :mod:`analysis.collect.tool_codes`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from analysis.collect.codebook import Codebook, Item, parse_ask_if
from analysis.collect.questionnaire_lss import QuestionnaireError
from analysis.collect.tool_codes import Choice, choices, qualtrics_tag

CREATION_DATE = "2026-01-01 00:00:00"  # fixed, so the file is deterministic
_OPERATORS = {"==": "EqualTo", "!=": "NotEqualTo", "<": "LessThan", "<=": "LessThanOrEqual"}
_OPERATORS |= {">": "GreaterThan", ">=": "GreaterThanOrEqual"}


def _id(prefix: str, *parts: str) -> str:
    """A stable Qualtrics-style id (``SV_``, ``BL_``) from ``parts``."""
    return prefix + hashlib.sha256("|".join(parts).encode()).hexdigest()[:15]


def _element(survey: str, kind: str, primary: str, secondary: str | None, payload: Any) -> dict[str, Any]:
    return {
        "SurveyID": survey,
        "Element": kind,
        "PrimaryAttribute": primary,
        "SecondaryAttribute": secondary,
        "TertiaryAttribute": None,
        "Payload": payload,
    }


def _choices(options: list[Choice], language: str) -> dict[str, Any]:
    entries = {}
    for option in options:
        entry: dict[str, Any] = {"Display": option.label.get(language, option.label["en"])}
        if option.exclusive:
            entry["ExclusiveAnswer"] = True
        entries[option.choice_id] = entry
    return entries


def _question(item: Item, qid: str, text: str, qtype: str, selector: str, sub: str | None) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "QuestionText": text,
        "DataExportTag": qualtrics_tag(item),
        "QuestionType": qtype,
        "Selector": selector,
        "Configuration": {"QuestionDescriptionOption": "UseText"},
        "QuestionDescription": item.label,
        "Validation": {"Settings": {"ForceResponse": "OFF", "ForceResponseType": "ON", "Type": "None"}},
        "Language": [],
        "QuestionID": qid,
        "DataVisibility": {"Private": False, "Hidden": False},
    }
    if sub:
        payload["SubSelector"] = sub
    return payload


def _payload(book: Codebook, item: Item, qid: str, language: str, rows: int) -> dict[str, Any]:
    """The ``SQ`` payload of one item (or roster field) without display logic."""
    text = item.wording[language]
    options = choices(item, book) if item.codes else []
    row_choices = {str(row): {"Display": f"{row}."} for row in range(1, rows + 1)}
    if rows and options:  # a coded roster field: one matrix row per roster row
        payload = _question(item, qid, text, "Matrix", "Likert", "SingleAnswer")
        payload |= {"Choices": row_choices, "ChoiceOrder": list(row_choices)}
        payload |= {"Answers": _choices(options, language), "AnswerOrder": [o.choice_id for o in options]}
        payload |= {"RecodeValues": {o.choice_id: o.recode for o in options}, "ChoiceDataExportTags": False}
    elif rows:  # a text or year roster field: a form with one line per roster row
        payload = _question(item, qid, text, "TE", "FORM", None)
        payload |= {"Choices": row_choices, "ChoiceOrder": list(row_choices)}
    elif options:
        selector = "MAVR" if item.type == "multi" else "SAVR"
        payload = _question(item, qid, text, "MC", selector, "TX")
        payload |= {"Choices": _choices(options, language), "ChoiceOrder": [o.choice_id for o in options]}
        payload |= {"RecodeValues": {o.choice_id: o.recode for o in options}}
    else:
        payload = _question(item, qid, text, "TE", "SL", None)
    if item.range:
        settings = {"ForceResponse": "OFF", "ForceResponseType": "ON", "Type": "ContentValidation"}
        settings |= {"ContentType": "ValidNumber"}
        digits = "0" if item.type == "year" else ""
        settings["ValidNumber"] = {"Min": str(item.range[0]), "Max": str(item.range[1]), "NumDecimals": digits}
        payload["Validation"] = {"Settings": settings}
    payload["NextChoiceId"] = len(payload.get("Choices", {})) + 1
    payload["NextAnswerId"] = len(payload.get("Answers", {})) + 1
    return payload


def display_logic(book: Codebook, ask_if: str, qids: dict[str, str]) -> dict[str, Any]:
    """Qualtrics ``DisplayLogic`` of an ``ask_if`` expression: one condition set of expressions joined by
    one conjunction (an atom, an ``and`` or an ``or`` of atoms, ``not`` of an atom)."""
    tree = parse_ask_if(ask_if)
    if tree[0] in ("and", "or"):
        conjunction, atoms = ("And" if tree[0] == "and" else "Or"), tree[1]
    else:
        conjunction, atoms = "Or", [tree]
    expressions: list[dict[str, Any]] = []
    for atom in atoms:
        parts = _expressions(book, atom, qids)
        if len(parts) > 1 and conjunction == "And":
            raise QuestionnaireError(f"{book.instrument}: ask_if {ask_if!r} needs nested logic Qualtrics files lack")
        expressions += parts
    logic: dict[str, Any] = {"Type": "If"}
    for number, expression in enumerate(expressions):
        logic[str(number)] = expression | ({"Conjuction": conjunction} if number else {})
    return {"0": logic, "Type": "BooleanExpression", "inPage": False}


def _expressions(book: Codebook, atom: tuple, qids: dict[str, str]) -> list[dict[str, Any]]:
    """The expressions of one atom (several, joined by Or, for ``in`` and scale comparisons)."""
    negate = atom[0] == "not"
    if negate:
        atom = atom[1]
    if atom[0] in ("and", "or", "not"):
        raise QuestionnaireError(f"{book.instrument}: nested skip logic {atom!r} is not supported in .qsf")
    item = book.item(atom[1])
    qid = qids[item.id]
    if item.type in ("text", "numeric", "year"):
        operator = "NotEmpty" if atom[0] == "answered" else _OPERATORS[atom[2]]
        if negate:
            operator = {"NotEmpty": "Empty", "EqualTo": "NotEqualTo", "NotEqualTo": "EqualTo"}.get(operator, operator)
        expression = {"LogicType": "Question", "QuestionID": qid, "QuestionIsInLoop": "no", "Operator": operator}
        expression |= {"LeftOperand": f"q://{qid}/ChoiceTextEntryValue", "Type": "Expression"}
        return [expression | ({"RightOperand": str(atom[3])} if atom[0] == "cmp" else {})]
    options = choices(item, book)
    if atom[0] == "cmp" and atom[2] == "!=":
        negate, atom = not negate, ("cmp", atom[1], "==", atom[3])
    wanted = [option for option in options if _wanted(atom, option.code)]
    if negate and len(wanted) > 1:
        raise QuestionnaireError(f"{book.instrument}: 'not' over several choices of {item.id} needs nested logic")
    operator = "NotSelected" if negate else "Selected"
    return [
        {
            "LogicType": "Question",
            "QuestionID": qid,
            "QuestionIsInLoop": "no",
            "ChoiceLocator": f"q://{qid}/SelectableChoice/{option.choice_id}",
            "Operator": operator,
            "QuestionIDFromLocator": qid,
            "LeftOperand": f"q://{qid}/SelectableChoice/{option.choice_id}",
            "Type": "Expression",
            "Description": f"If {item.id} {option.code} is {operator.lower()}",
        }
        for option in wanted
    ]


def _wanted(atom: tuple, code: str) -> bool:
    if atom[0] in ("has", "answered"):
        return atom[0] == "answered" or code == atom[2]
    if atom[0] == "in":
        return code in {str(value) for value in atom[2]}
    operator, target = atom[2], atom[3]
    if operator == "==":
        return code == str(target)
    try:
        number = float(code)
    except ValueError:
        return False
    return {"<": number < target, "<=": number <= target, ">": number > target, ">=": number >= target}[operator]


def qsf_document(book: Codebook, language: str) -> dict[str, Any]:
    """The ``.qsf`` content of ``book`` in ``language`` (a translated language of the codebook).

    Length: one pass over sections and items that fills blocks, flow and questions together.
    """
    if book.languages.get(language) != "translated":
        raise QuestionnaireError(f"{book.instrument}: language {language!r} is not translated in {book.path.name}")
    survey = _id("SV_", book.instrument, str(book.version))
    blocks: list[dict[str, Any]] = []
    questions: list[dict[str, Any]] = []
    qids: dict[str, str] = {}
    embedded = []
    for section in book.sections:
        block = {"Type": "Standard", "SubType": "", "Description": section.title[language]}
        block |= {"ID": _id("BL_", book.instrument, section.id), "BlockElements": []}
        for item in section.items:
            if item.kind == "metadata":
                field = item.tool_fields.get("qualtrics", item.id)
                if field not in ("EndDate", "StartDate", "RecordedDate", "UserLanguage"):
                    embedded.append(field)
                continue
            parts = [item] if not item.fields else list(item.fields)
            if item.fields:  # the roster's own wording, as descriptive text
                qid = f"QID{len(questions) + 1}"
                payload = _question(item, qid, item.wording[language], "DB", "TB", None)
                questions.append(payload)
                block["BlockElements"].append({"Type": "Question", "QuestionID": qid})
            for part in parts:
                qid = f"QID{len(questions) + 1}"
                qids[part.id] = qid
                payload = _payload(book, part, qid, language, item.rows if item.fields else 0)
                questions.append(payload)
                block["BlockElements"].append({"Type": "Question", "QuestionID": qid})
            for payload in questions[len(questions) - len(parts) - bool(item.fields) :]:
                if item.ask_if:
                    payload["DisplayLogic"] = display_logic(book, item.ask_if, qids)
        if block["BlockElements"]:
            blocks.append(block)
    blocks[0]["Type"] = "Default"
    blocks.append(
        {"Type": "Trash", "Description": "Trash / Unused Questions", "ID": _id("BL_", book.instrument, "trash")}
    )
    blocks[-1]["BlockElements"] = []
    flow: list[dict[str, Any]] = []
    if embedded:
        fields = [
            {"Description": name, "Type": "Recipient", "Field": name, "VariableType": "String"} for name in embedded
        ]
        flow.append({"Type": "EmbeddedData", "FlowID": "FL_2", "EmbeddedData": fields})
    for block in blocks[:-1]:
        flow.append({"ID": block["ID"], "Type": "Block" if block["Type"] == "Default" else "Standard"})
        flow[-1]["FlowID"] = f"FL_{len(flow) + 1}"
    elements = [
        _element(survey, "BL", "Survey Blocks", None, blocks),
        _element(
            survey,
            "FL",
            "Survey Flow",
            None,
            {"Flow": flow, "Properties": {"Count": len(flow) + 1}, "FlowID": "FL_1", "Type": "Root"},
        ),
        _element(
            survey,
            "SO",
            "Survey Options",
            None,
            {
                "BackButton": "true",
                "SaveAndContinue": "true",
                "SurveyProtection": "ByInvitation",
                "ProgressBarDisplay": "Text",
                "PartialData": "+1 week",
            },
        ),
        _element(survey, "QC", "Survey Question Count", str(len(questions)), None),
        _element(survey, "RS", _id("RS_", book.instrument), "Default Response Set", None),
    ]
    elements += [_element(survey, "SQ", q["QuestionID"], q["QuestionDescription"], q) for q in questions]
    entry = {"SurveyID": survey, "SurveyName": book.title.get(language, book.title["en"]), "SurveyDescription": None}
    entry |= {
        "SurveyOwnerID": None,
        "SurveyBrandID": None,
        "DivisionID": None,
        "SurveyLanguage": qualtrics_language(book, language),
    }
    entry |= {"SurveyActiveResponseSet": _id("RS_", book.instrument), "SurveyStatus": "Inactive"}
    entry |= {"SurveyStartDate": "0000-00-00 00:00:00", "SurveyExpirationDate": "0000-00-00 00:00:00"}
    entry |= {"SurveyCreationDate": CREATION_DATE, "CreatorID": None, "LastModified": CREATION_DATE}
    entry |= {"LastAccessed": "0000-00-00 00:00:00", "LastActivated": "0000-00-00 00:00:00", "Deleted": None}
    return {"SurveyEntry": entry, "SurveyElements": elements}


def qualtrics_language(book: Codebook, language: str) -> str:
    """Qualtrics' language code: the codebook's ``qualtrics_language_codes`` entry, else the upper-case ISO code."""
    return book.qualtrics_language_codes.get(language, language.upper())


def qsf_text(book: Codebook, language: str) -> str:
    """The ``.qsf`` file of ``book`` in ``language`` (deterministic JSON)."""
    return json.dumps(qsf_document(book, language), ensure_ascii=False, indent=1) + "\n"
