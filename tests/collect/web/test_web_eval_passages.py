"""Checks of the real evaluation passages (analysis/reference/crawl_eval/passages_*.jsonl, issue 9 item 6).

Each file holds one JSON object per line: a verbatim excerpt of a stored public web page, labelled with the
EU-US and EU-China partnerships it states and the look-alikes it contains. The format is described in
analysis/reference/crawl_eval/README.md; these tests keep every file of the set in that format.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from analysis.collect.web import evaluate
from analysis.core import paths
from analysis.core.countries import EU27_ISO2, EU_OFFICIAL_LANGUAGES

EVAL_DIR = paths.REFERENCE / "crawl_eval"
PASSAGE_FILES = sorted(EVAL_DIR.glob("passages_*.jsonl"))

FIELDS = {
    "passage_id",
    "split",
    "language",
    "url",
    "retrieved",
    "kind",
    "page_owner",
    "excerpt",
    "statements",
    "other_partnerships",
    "lookalikes",
    "note",
}
STATEMENT_FIELDS = set(evaluate.STATEMENT_FIELDS)
KINDS = {"city_site", "region_site", "council_minutes", "local_news", "national_news", "other"}
RELATION_TYPES = {"twin", "friendship", "agreement", "cooperation"}
STATUSES = set(evaluate.STATUSES)
PARTNER_COUNTRIES = set(evaluate.PARTNER_COUNTRIES)
LOOKALIKES = {
    "flight",
    "freight",
    "tourism",
    "consulate",
    "forum",
    "namesake",
    "twin_cities_place",
    "named_district",
    "school_exchange",
    "eu_twinning_project",
    "business",
    "university",
    "other_country_partner",
}
PASSAGE_ID = re.compile(r"^([a-z]{2})-(\d{3})$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_EXCERPT_CHARS = 1000  # the brief asks for at most ~900 characters; 1000 leaves room for sentence boundaries
MIN_PASSAGES_TOTAL = 150
MIN_LANGUAGES_TOTAL = 15
EXPECTED_FILES = {"passages_a.jsonl", "passages_b.jsonl"}
# held-out files, assembled blind to the detector and scored once at the end: split "heldout"
# (passages_d was held out in session 16 and opened in session 17, passages_e-g held out in session 17 and opened in
# session 18, passages_h-j held out in sessions 18-21 and opened in session 22; opened files follow the number rule)
HELDOUT_FILES = {"passages_r.jsonl", "passages_s.jsonl"}
# the number block a file's passages start from in every language (files not listed start from 001 or a x01 block)
NUMBER_BLOCKS = {
    "passages_c.jsonl": 501,
    "passages_d.jsonl": 701,
    "passages_e.jsonl": 801,
    "passages_f.jsonl": 901,
    "passages_g.jsonl": 951,
    "passages_h.jsonl": 201,
    "passages_i.jsonl": 301,
    "passages_j.jsonl": 401,
    "passages_k.jsonl": 601,
    "passages_l.jsonl": 101,
    "passages_m.jsonl": 251,
    "passages_n.jsonl": 351,
    "passages_o.jsonl": 451,
    "passages_p.jsonl": 551,
    "passages_q.jsonl": 751,
    "passages_r.jsonl": 851,
    "passages_s.jsonl": 51,
}


def load_passages(path: Path) -> list[dict]:
    """Read one passages file; a line that is not a JSON object fails with the file name and line number."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            raise ValueError(f"{path.name}:{number}: empty line")
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path.name}:{number}: not valid JSON ({error.msg})") from error
        if not isinstance(row, dict):
            raise ValueError(f"{path.name}:{number}: not a JSON object")
        rows.append(row)
    return rows


def expected_split(number: int, *, heldout: bool = False) -> str:
    """The split a passage must carry: ``heldout`` in a held-out file, else ``dev`` when NNN % 3 == 1, else ``test``."""
    if heldout:
        return "heldout"
    return "dev" if number % 3 == 1 else "test"


def passage_problems(row: dict, *, heldout: bool = False) -> list[str]:
    """Everything wrong with one passage (empty list when it follows the format); ``heldout`` for a held-out file."""
    problems = []
    if set(row) != FIELDS:
        return [f"fields differ: missing {sorted(FIELDS - set(row))}, unexpected {sorted(set(row) - FIELDS)}"]
    match = PASSAGE_ID.match(str(row["passage_id"]))
    if not match:
        problems.append(f"passage_id {row['passage_id']!r} is not '<lang>-<NNN>'")
    else:
        if match.group(1) != row["language"]:
            problems.append("passage_id prefix differs from language")
        split = expected_split(int(match.group(2)), heldout=heldout)
        if row["split"] != split:
            problems.append(f"split {row['split']!r}, the rule gives {split!r}")
    if row["language"] not in EU_OFFICIAL_LANGUAGES:
        problems.append(f"language {row['language']!r} is not an EU official language")
    if not str(row["url"]).startswith(("http://", "https://")):
        problems.append("url is not an http(s) address")
    if not DATE.match(str(row["retrieved"])):
        problems.append("retrieved is not YYYY-MM-DD")
    if row["kind"] not in KINDS:
        problems.append(f"kind {row['kind']!r} not allowed")
    owner = row["page_owner"]
    if owner is not None and (
        not isinstance(owner, dict) or set(owner) != {"name", "country_iso2"} or owner["country_iso2"] not in EU27_ISO2
    ):
        problems.append("page_owner must be null or {name, country_iso2 (EU-27)}")
    if owner is not None and row["kind"] not in {"city_site", "region_site", "council_minutes"}:
        problems.append("page_owner given for a page that is not a city/region site or council document")
    excerpt = row["excerpt"]
    if not isinstance(excerpt, str) or not excerpt.strip():
        problems.append("excerpt empty")
    elif len(excerpt) > MAX_EXCERPT_CHARS or excerpt != excerpt.strip():
        problems.append(f"excerpt of {len(excerpt)} characters or with leading/trailing blanks")
    if not isinstance(row["other_partnerships"], bool):
        problems.append("other_partnerships is not a boolean")
    if not isinstance(row["lookalikes"], list) or not set(row["lookalikes"]) <= LOOKALIKES:
        problems.append(f"lookalikes {row['lookalikes']!r} not all allowed")
    if not isinstance(row["note"], str) or not row["note"].strip():
        problems.append("note empty")
    if not isinstance(row["statements"], list):
        return problems + ["statements is not a list"]
    for index, statement in enumerate(row["statements"]):
        problems += [f"statement {index}: {problem}" for problem in statement_problems(statement)]
    return problems


def statement_problems(statement: dict) -> list[str]:
    """Everything wrong with one labelled statement."""
    if not isinstance(statement, dict) or set(statement) != STATEMENT_FIELDS:
        return ["fields differ from " + ", ".join(sorted(STATEMENT_FIELDS))]
    problems = []
    if statement["eu_country_iso2"] not in EU27_ISO2:
        problems.append(f"eu_country_iso2 {statement['eu_country_iso2']!r} is not an EU-27 member")
    if statement["partner_country_iso2"] not in PARTNER_COUNTRIES:
        problems.append(f"partner_country_iso2 {statement['partner_country_iso2']!r} is not US or CN")
    if statement["relation_type"] not in RELATION_TYPES:
        problems.append(f"relation_type {statement['relation_type']!r} not allowed")
    if statement["status"] not in STATUSES:
        problems.append(f"status {statement['status']!r} not allowed")
    for field in ("eu_place", "partner_place"):
        if not isinstance(statement[field], str) or not statement[field].strip():
            problems.append(f"{field} empty")
    if statement["partner_admin1"] is not None and not isinstance(statement["partner_admin1"], str):
        problems.append("partner_admin1 must be a string or null")
    year = statement["year"]
    if year is not None and (not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2030):
        problems.append(f"year {year!r} is not null or a plausible year")
    return problems


@pytest.fixture(scope="module")
def passages_by_file() -> dict[str, list[dict]]:
    if not PASSAGE_FILES:
        pytest.skip("no passages file yet")
    return {path.name: load_passages(path) for path in PASSAGE_FILES}


def test_every_passage_follows_the_format(passages_by_file):
    problems = [
        f"{name} {row.get('passage_id', f'line {number}')}: {problem}"
        for name, rows in passages_by_file.items()
        for number, row in enumerate(rows, start=1)
        for problem in passage_problems(row, heldout=name in HELDOUT_FILES)
    ]
    assert problems == []


def test_passage_ids_are_unique_and_each_file_is_sorted(passages_by_file):
    ids = [row["passage_id"] for rows in passages_by_file.values() for row in rows]
    duplicates = sorted({passage_id for passage_id in ids if ids.count(passage_id) > 1})
    assert duplicates == []
    for name, rows in passages_by_file.items():
        file_ids = [row["passage_id"] for row in rows]
        assert file_ids == sorted(file_ids), f"{name} is not sorted by passage_id"


def numbering_ok(file_name: str, numbers: list[int]) -> bool:
    """One language's passage numbers in one file: no gaps, starting at the file's block (x01 when it has none)."""
    start = min(numbers)
    block_ok = start == NUMBER_BLOCKS[file_name] if file_name in NUMBER_BLOCKS else (start - 1) % 100 == 0
    return block_ok and sorted(numbers) == list(range(start, start + len(numbers)))


def test_numbering_per_language_has_no_gaps(passages_by_file):
    """Within a file each language is numbered without gaps, from 1 or from the file's own block (501 ... 951)."""
    numbers: dict[tuple[str, str], list[int]] = {}
    for name, rows in passages_by_file.items():
        for row in rows:
            language, number = row["passage_id"].split("-")
            numbers.setdefault((name, language), []).append(int(number))
    gaps = {key: sorted(found) for key, found in numbers.items() if not numbering_ok(key[0], found)}
    assert gaps == {}


def test_the_numbering_rule_knows_each_file_block():
    assert numbering_ok("passages_g.jsonl", [951, 952, 953])
    assert not numbering_ok("passages_g.jsonl", [901, 902])  # passages_f's block in the wrong file
    assert not numbering_ok("passages_g.jsonl", [951, 953])  # a gap
    assert numbering_ok("passages_a.jsonl", [1, 2])
    assert not numbering_ok("passages_a.jsonl", [951])  # a file without a block starts at 001 or x01


def test_the_whole_set_is_large_enough_once_both_files_are_present(passages_by_file):
    if not set(passages_by_file) >= EXPECTED_FILES:
        pytest.skip("only part of the set is present; the total is checked once passages_a and passages_b are merged")
    rows = [row for rows in passages_by_file.values() for row in rows]
    assert len(rows) >= MIN_PASSAGES_TOTAL
    assert len({row["language"] for row in rows}) >= MIN_LANGUAGES_TOTAL


def test_a_broken_line_is_reported_with_file_and_line(tmp_path):
    good = json.dumps({"passage_id": "de-001"})
    broken = tmp_path / "passages_x.jsonl"
    broken.write_text(good + "\n" + '{"passage_id": "de-002",\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"passages_x\.jsonl:2: not valid JSON"):
        load_passages(broken)


def test_a_wrong_passage_is_caught():
    row = {
        "passage_id": "de-002",
        "split": "dev",  # rule: 2 % 3 != 1 -> test
        "language": "de",
        "url": "https://www.example.de.test/",
        "retrieved": "2026-11-30",
        "kind": "city_site",
        "page_owner": {"name": "Mainz", "country_iso2": "DE"},
        "excerpt": "Mainz und Louisville sind Partnerstädte.",
        "statements": [
            {
                "eu_place": "Mainz",
                "eu_country_iso2": "DE",
                "partner_place": "Toronto",
                "partner_admin1": None,
                "partner_country_iso2": "CA",
                "relation_type": "twin",
                "status": "active",
                "year": 1994,
            }
        ],
        "other_partnerships": False,
        "lookalikes": ["airport"],
        "note": "deliberately wrong",
    }
    problems = " | ".join(passage_problems(row))
    for expected in ("split", "partner_country_iso2", "status", "lookalikes"):
        assert expected in problems


def test_the_split_rule_depends_on_the_file():
    """passages_a-g: dev when NNN % 3 == 1, else test; a held-out file (passages_h, passages_i, passages_j): heldout."""
    row = {
        "passage_id": "de-701",
        "split": "heldout",
        "language": "de",
        "url": "https://www.example.de.test/",
        "retrieved": "2026-11-30",
        "kind": "local_news",
        "page_owner": None,
        "excerpt": "Mainz und Louisville sind Partnerstädte.",
        "statements": [],
        "other_partnerships": False,
        "lookalikes": [],
        "note": "split rule check",
    }
    assert passage_problems(row, heldout=True) == []
    assert any("split 'heldout', the rule gives 'test'" in problem for problem in passage_problems(row))
    assert any(
        "the rule gives 'heldout'" in problem for problem in passage_problems(row | {"split": "dev"}, heldout=True)
    )
    assert any("the rule gives 'dev'" in problem for problem in passage_problems(row | {"passage_id": "de-703"}))


def test_the_held_out_file_is_only_heldout_and_the_other_files_never_are(passages_by_file):
    for name, rows in passages_by_file.items():
        splits = {row["split"] for row in rows}
        if name in HELDOUT_FILES:
            assert splits == {"heldout"}, name
        else:
            assert "heldout" not in splits, name
