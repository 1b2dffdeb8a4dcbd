"""Tests for the generated questionnaires: well-formed .lss and .qsf, codes and skip logic round-trip, printables.

The structural expectations (element and field names, question types) were read off LimeSurvey's own
test surveys (DBVersion 477 and 488 exports in LimeSurvey/LimeSurvey tests/data/surveys) and a Qualtrics
export used as a test fixture in a public .qsf reader; no file is copied here.
"""

from __future__ import annotations

import json
import random
import re

import pytest
from lxml import etree

from analysis.collect import codebook, questionnaire, questionnaire_lss, questionnaire_qsf, tool_codes

BOOKS = {name: codebook.load_codebook(name) for name in codebook.INSTRUMENTS}
# Fields LimeSurvey's own exports carry for each table (a subset is enough for the importer).
LSS_REQUIRED_FIELDS = {
    "groups": {"gid", "sid", "group_order"},
    "group_l10ns": {"gid", "group_name", "language"},
    "questions": {"qid", "parent_qid", "sid", "gid", "type", "title", "other", "mandatory", "question_order"}
    | {"scale_id", "same_default", "relevance"},
    "subquestions": {"qid", "parent_qid", "sid", "gid", "type", "title", "question_order", "scale_id"},
    "question_l10ns": {"id", "qid", "question", "help", "language"},
    "answers": {"aid", "qid", "code", "sortorder", "scale_id"},
    "answer_l10ns": {"id", "aid", "answer", "language"},
    "question_attributes": {"qid", "attribute", "value", "language"},
    "surveys": {"sid", "language", "additional_languages", "anonymized", "usetokens"},
    "surveys_languagesettings": {"surveyls_survey_id", "surveyls_language", "surveyls_title"},
}
LS_TYPES = set("LMSNFQKXT*")
QSF_ELEMENTS = {"BL", "FL", "SO", "QC", "RS", "SQ"}
QSF_TYPES = {("MC", "SAVR"), ("MC", "MAVR"), ("TE", "SL"), ("TE", "FORM"), ("Matrix", "Likert"), ("DB", "TB")}


def _lss_tables(book: codebook.Codebook, language: str) -> dict[str, list[dict[str, str]]]:
    """Parse the generated .lss back (as bytes, like a file) into {table: [row dicts]}, checking its structure."""
    root = etree.fromstring(questionnaire_lss.lss_bytes(book, language))
    assert root.tag == "document" and root.findtext("LimeSurveyDocType") == "Survey"
    assert int(root.findtext("DBVersion")) >= 400 and root.findtext("languages/language") == language
    tables = {}
    for table in root:
        if table.tag in ("LimeSurveyDocType", "DBVersion", "languages"):
            continue
        declared = [name.text for name in table.findall("fields/fieldname")]
        assert LSS_REQUIRED_FIELDS[table.tag] <= set(declared), table.tag
        rows = []
        for row in table.findall("rows/row"):
            assert [cell.tag for cell in row] == declared, table.tag
            rows.append({cell.tag: cell.text or "" for cell in row})
        tables[table.tag] = rows
    assert set(LSS_REQUIRED_FIELDS) <= set(tables)
    for row in tables["questions"] + tables["subquestions"]:
        assert row["type"] in LS_TYPES and int(row["qid"]) > 0 and int(row["gid"]) > 0, row
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,19}", row["title"]), row  # LimeSurvey: title varchar(20)
    assert all(len(row["code"]) <= 5 for row in tables["answers"])  # LimeSurvey: answers.code varchar(5)
    return tables


def _ls_structure(tables: dict[str, list[dict[str, str]]], language: str) -> dict[str, dict]:
    """Per question code: type, relevance, answers [(code, label)], subquestions [(code, label)]."""
    texts = {row["qid"]: row["question"] for row in tables["question_l10ns"] if row["language"] == language}
    labels = {row["aid"]: row["answer"] for row in tables["answer_l10ns"]}
    questions = {row["qid"]: row for row in tables["questions"]}
    out = {}
    for qid, row in questions.items():
        answers = [(a["code"], labels[a["aid"]]) for a in tables["answers"] if a["qid"] == qid]
        subs = [(s["title"], texts[s["qid"]]) for s in tables["subquestions"] if s["parent_qid"] == qid]
        out[row["title"]] = {"type": row["type"], "relevance": row["relevance"], "text": texts[qid]}
        out[row["title"]] |= {"answers": answers, "subquestions": subs, "mandatory": row["mandatory"]}
    return out


def _parts(book: codebook.Codebook):
    return [part for item in book.items for part in (item.fields or (item,))]


@pytest.mark.parametrize("name", codebook.INSTRUMENTS)
def test_lss_round_trips_every_item_code_and_label(name):
    book = BOOKS[name]
    for language in book.translated_languages():
        structure = _ls_structure(_lss_tables(book, language), language)
        for part in _parts(book):
            if part.kind == "metadata":
                source = part.tool_fields.get("limesurvey", "")
                assert not source.upper().startswith("TOKEN:") or structure[part.limesurvey_code]["type"] == "*"
                continue
            question = structure[part.limesurvey_code]
            assert question["text"] == part.wording[language]
            expected = (
                [(c.answer_code, c.label[language]) for c in tool_codes.choices(part, book)] if part.codes else []
            )
            if part.rows:
                assert [code for code, _ in question["subquestions"]] == [f"SQ{k:03d}" for k in range(1, part.rows + 1)]
                assert question["answers"] == expected
            elif part.type == "multi":
                assert question["subquestions"] == [(f"SQ{k:03d}", label) for k, (_, label) in enumerate(expected, 1)]
            else:
                assert question["answers"] == expected, part.id
        columns = tool_codes.response_columns(book, "limesurvey")
        for column in columns:
            base = column.column.split("[")[0]
            assert base in structure or base in ("submitdate", "startlanguage"), column
            if column.values and "[" not in column.column:
                assert set(column.values) == {code for code, _ in structure[base]["answers"]}, column


def _ls_value_row(book: codebook.Codebook, clean: dict[str, str]) -> dict[str, str]:
    """The ExpressionScript variables (``code``, ``code_SQ001``) of a clean-export row, via tool_codes."""
    row: dict[str, str] = {}
    for column in tool_codes.response_columns(book, "limesurvey"):
        value = clean.get(column.export_column, "")
        name = column.column.replace("[", "_").replace("]", "")
        if column.option is not None:
            row[name] = "Y" if column.option in value.split(";") else ""
        else:
            inverse = {clean_value: tool_value for tool_value, clean_value in column.values.items()}
            row[name] = inverse.get(value, value) if column.values else value
    return row


def _evaluate_relevance(expression: str, variables: dict[str, str]) -> bool:
    """Evaluate the ExpressionScript subset the generator writes (``x.NAOK == "A1"``, and/or, ``!``, is_empty)."""
    python = expression.replace(".NAOK", "").replace("!is_empty(", "not is_empty(").replace("!(", "not (")
    keep = {"and", "or", "not", "is_empty"}
    pieces = re.split(r'("[^"]*")', python)  # leave string literals alone
    for index in range(0, len(pieces), 2):
        pieces[index] = re.sub(
            r"\b([A-Za-z][A-Za-z0-9_]*)\b",
            lambda m: m.group(1) if m.group(1) in keep else f"v[{m.group(1)!r}]",
            pieces[index],
        )
    scope = {"v": variables, "is_empty": lambda text: text == ""}
    return bool(eval("".join(pieces), {"__builtins__": {}}, scope))


def _random_clean_rows(book: codebook.Codebook, count: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        row = {}
        for part in _parts(book):
            for column in part.export_columns:
                options = [*part.code_values, *(book.missing[m].export for m in part.missing), ""]
                if part.type == "multi":
                    row[column] = ";".join(code for code in part.code_values if rng.random() < 0.3)
                elif part.codes:
                    row[column] = rng.choice(options)
                else:
                    row[column] = rng.choice(["", "x", "1990"])
        rows.append(row)
    return rows


@pytest.mark.parametrize("name", codebook.INSTRUMENTS)
def test_lss_relevance_asks_exactly_when_the_codebook_skip_logic_holds(name):
    book = BOOKS[name]
    structure = _ls_structure(_lss_tables(book, "en"), "en")
    with_logic = [part for part in _parts(book) if part.ask_if and part.kind == "question"]
    assert with_logic
    for clean in _random_clean_rows(book, 60, seed=3):
        variables = _ls_value_row(book, clean)
        for part in with_logic:
            tree = codebook.parse_ask_if(part.ask_if)
            expected = codebook.ask_if_holds(tree, clean, book)
            assert _evaluate_relevance(structure[part.limesurvey_code]["relevance"], variables) == expected, part.id


def test_lss_relevance_covers_scales_multi_selects_and_negation():
    book = BOOKS["eu_phase1"]
    assert (
        questionnaire_lss.relevance(book, "us_importance >= 4")
        == '(usImportance.NAOK == "A4" or usImportance.NAOK == "A5")'
    )
    assert questionnaire_lss.relevance(book, "'culture' in us_areas") == '(usAreas_SQ004.NAOK == "Y")'
    assert questionnaire_lss.relevance(book, "has_us_partner != 'yes'") == '!(hasUsPartner.NAOK == "A1")'
    assert questionnaire_lss.relevance(book, None) == "1"


def _qsf(book: codebook.Codebook, language: str) -> dict:
    document = json.loads(questionnaire_qsf.qsf_text(book, language))
    entry = document["SurveyEntry"]
    assert entry["SurveyID"].startswith("SV_") and entry["SurveyLanguage"] == questionnaire_qsf.qualtrics_language(
        book, language
    )
    elements = document["SurveyElements"]
    assert {element["Element"] for element in elements} <= QSF_ELEMENTS
    assert all(set(element) >= {"SurveyID", "Element", "PrimaryAttribute", "Payload"} for element in elements)
    blocks = next(element["Payload"] for element in elements if element["Element"] == "BL")
    flow = next(element["Payload"] for element in elements if element["Element"] == "FL")
    questions = {e["Payload"]["QuestionID"]: e["Payload"] for e in elements if e["Element"] == "SQ"}
    in_blocks = [b["QuestionID"] for block in blocks for b in block["BlockElements"]]
    assert sorted(in_blocks) == sorted(questions) and len(set(in_blocks)) == len(in_blocks)
    assert {f["ID"] for f in flow["Flow"] if "ID" in f} == {b["ID"] for b in blocks if b["Type"] != "Trash"}
    assert flow["Type"] == "Root" and flow["Properties"]["Count"] == len(flow["Flow"]) + 1
    for payload in questions.values():
        assert (payload["QuestionType"], payload["Selector"]) in QSF_TYPES
        assert isinstance(payload["QuestionText"], str) and isinstance(payload["DataExportTag"], str)
        if "Choices" in payload:
            assert payload["ChoiceOrder"] == list(payload["Choices"])
    tags = [p["DataExportTag"] for p in questions.values()]
    assert len(set(tags)) == len(tags)
    return {"questions": questions, "flow": flow}


@pytest.mark.parametrize("name", codebook.INSTRUMENTS)
def test_qsf_round_trips_every_item_tag_and_recode(name):
    book = BOOKS[name]
    for language in book.translated_languages():
        parsed = _qsf(book, language)
        by_tag = {payload["DataExportTag"]: payload for payload in parsed["questions"].values()}
        embedded = {f["Field"] for step in parsed["flow"]["Flow"] for f in step.get("EmbeddedData", [])}
        for part in _parts(book):
            if part.kind == "metadata":
                assert part.tool_fields["qualtrics"] in embedded | {"EndDate", "UserLanguage"}
                continue
            payload = by_tag[tool_codes.qualtrics_tag(part)]
            assert payload["QuestionText"] == part.wording[language]
            if part.codes:
                options = tool_codes.choices(part, book)
                listed = payload["Answers"] if part.rows else payload["Choices"]
                assert {key: value["Display"] for key, value in listed.items()} == {
                    o.choice_id: o.label[language] for o in options
                }
                assert payload["RecodeValues"] == {o.choice_id: o.recode for o in options}
        for column in tool_codes.response_columns(book, "qualtrics"):
            tag, _, suffix = column.column.rpartition("_") if column.column not in by_tag else (column.column, "", "")
            assert tag in by_tag or column.column in embedded | {"EndDate", "UserLanguage"}, column
            if column.values and tag in by_tag:
                recodes = by_tag[tag]["RecodeValues"]
                assert set(column.values) <= set(recodes.values()), column


def _holds(logic: dict, selected: dict[str, set[str]], texts: dict[str, str]) -> bool:
    """Evaluate a generated DisplayLogic on answers (QID -> selected choice ids, QID -> text)."""
    result = None
    condition = logic["0"]
    for key in sorted((k for k in condition if k.isdigit()), key=int):
        expression = condition[key]
        qid = expression["QuestionID"]
        if "ChoiceLocator" in expression:
            choice = expression["ChoiceLocator"].rsplit("/", 1)[1]
            value = choice in selected.get(qid, set())
            value = value if expression["Operator"] == "Selected" else not value
        else:
            value = (texts.get(qid, "") != "") == (expression["Operator"] == "NotEmpty")
        if result is None:
            result = value
        else:
            result = (result and value) if expression["Conjuction"] == "And" else (result or value)
    return bool(result)


@pytest.mark.parametrize("name", codebook.INSTRUMENTS)
def test_qsf_display_logic_shows_exactly_when_the_codebook_skip_logic_holds(name):
    book = BOOKS[name]
    parsed = _qsf(book, "en")
    by_tag = {payload["DataExportTag"]: payload for payload in parsed["questions"].values()}
    for clean in _random_clean_rows(book, 60, seed=5):
        selected: dict[str, set[str]] = {}
        for part in _parts(book):
            if part.codes and not part.rows and part.kind == "question":
                qid = by_tag[tool_codes.qualtrics_tag(part)]["QuestionID"]
                picked = clean[part.export_columns[0]].split(";")
                selected[qid] = {o.choice_id for o in tool_codes.choices(part, book) if o.code in picked}
        for part in _parts(book):
            if part.ask_if and part.kind == "question":
                logic = by_tag[tool_codes.qualtrics_tag(part)]["DisplayLogic"]
                expected = codebook.ask_if_holds(codebook.parse_ask_if(part.ask_if), clean, book)
                assert _holds(logic, selected, {}) == expected, part.id


def test_qsf_refuses_skip_logic_it_cannot_express():
    book = BOOKS["eu_phase1"]
    qids = {"has_us_partner": "QID1", "us_importance": "QID2"}
    with pytest.raises(questionnaire_lss.QuestionnaireError, match="nested logic"):
        questionnaire_qsf.display_logic(book, "has_us_partner == 'yes' and us_importance >= 4", qids)
    logic = questionnaire_qsf.display_logic(book, "has_us_partner == 'yes' or us_importance >= 4", qids)
    assert [logic["0"][k]["ChoiceLocator"] for k in "012"] == [
        "q://QID1/SelectableChoice/1",
        "q://QID2/SelectableChoice/4",
        "q://QID2/SelectableChoice/5",
    ]


def test_untranslated_languages_get_no_file_and_are_listed(tmp_path):
    book = BOOKS["china_2020"]
    with pytest.raises(questionnaire_lss.QuestionnaireError, match="language 'de' is not translated"):
        questionnaire_lss.lss_document(book, "de")
    with pytest.raises(questionnaire_lss.QuestionnaireError, match="not translated"):
        questionnaire_qsf.qsf_document(book, "xx")
    written = questionnaire.write_questionnaires(tmp_path, ("china_2020", "us_phase2"))
    names = sorted(path.name for path in written)
    assert names == sorted(
        ["china_2020_en.lss", "china_2020_en.qsf", "languages.md", "languages.md"]
        + [f"us_phase2_{lang}.{ext}" for lang in ("en", "es") for ext in ("lss", "qsf")]
    )
    status = (tmp_path / "china_2020" / "languages.md").read_text(encoding="utf-8")
    assert "(no file generated): de, es, fr" in status


def test_questionnaires_are_deterministic(tmp_path):
    first = questionnaire.write_questionnaires(tmp_path / "a")
    second = questionnaire.write_questionnaires(tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert len(first) == sum(2 * len(b.translated_languages()) + 1 for b in BOOKS.values())


def test_cli_writes_to_the_given_folder(tmp_path, capsys):
    questionnaire.main(["--out", str(tmp_path)])
    assert (tmp_path / "eu_phase1" / "eu_phase1_en.lss").is_file()
    assert "eu_phase1_en.qsf" in capsys.readouterr().out


@pytest.mark.parametrize("name", codebook.INSTRUMENTS)
def test_printable_questionnaire_in_the_book_is_up_to_date(name):
    book = BOOKS[name]
    committed = questionnaire.printable_path(name).read_text(encoding="utf-8")
    assert committed == questionnaire.printable_markdown(book), "run: python -m analysis.collect.questionnaire --book"
    for part in _parts(book):
        if part.kind == "question":
            assert part.wording["en"] in committed
    assert questionnaire.print_languages(BOOKS["us_phase2"]) == ["en", "es"]
