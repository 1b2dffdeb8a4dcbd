"""Case studies: the documented rule picks a spread of partner mixes, sizes and countries; the authors' list wins."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.core import paths
from analysis.core.reference import read_reference_table
from analysis.report import case_studies


def _cities() -> pd.DataFrame:
    rows = [  # city_id, country, population, partner mix
        ("gn1", "DE", 3_600_000, "both"),
        ("gn2", "DE", 500_000, "both"),
        ("gn3", "FR", 900_000, "both"),
        ("gn4", "DE", 100_000, "US"),
        ("gn5", "PL", 120_000, "US"),
        ("gn6", "IT", 300_000, "US"),
        ("gn7", "IT", 60_000, "CN"),
        ("gn8", "ES", 80_000, "CN"),
        ("gn9", "ES", 2_000_000, "none"),
    ]
    return pd.DataFrame(rows, columns=["city_id", "country_iso2", "population", "partner_mix"])


RULE = pd.DataFrame(
    {
        "partner_mix": ["both", "US", "CN"],
        "population_quantile": ["0.9", "0.5", "0.2"],
        "source": "test",
        "note": "test",
    }
)


def test_the_rule_takes_one_city_per_partner_mix_in_distinct_countries():
    cases = case_studies.rule_cases(_cities(), RULE)
    assert cases["unit_id"].tolist() == ["gn1", "gn5", "gn7"]
    chosen = _cities().set_index("city_id").loc[cases["unit_id"]]
    assert chosen["country_iso2"].is_unique and set(chosen["partner_mix"]) == {"both", "US", "CN"}
    assert list(cases.columns) == case_studies.CASE_COLUMNS and cases["reason"].str.contains("partner mix").all()


def test_the_rule_is_deterministic_and_skips_a_mix_without_cities():
    shuffled = _cities().sample(frac=1, random_state=3)
    assert case_studies.rule_cases(shuffled, RULE).equals(case_studies.rule_cases(_cities(), RULE))
    no_china = _cities()[_cities()["partner_mix"] != "CN"]
    assert case_studies.rule_cases(no_china, RULE)["unit_id"].tolist() == ["gn1", "gn5"]


def test_the_shipped_rule_keeps_the_default_cases_few():
    rule = read_reference_table(case_studies.RULE_FILE, ["partner_mix", "population_quantile"])
    assert 3 <= len(rule) <= 4 and set(rule["partner_mix"]) <= {"both", "US", "CN", "none"}


def test_the_authors_list_replaces_the_rule(tmp_path):
    (tmp_path / case_studies.RULE_FILE).write_bytes((paths.REFERENCE / case_studies.RULE_FILE).read_bytes())
    assert case_studies.case_list(_cities(), reference=tmp_path)["unit_id"].tolist() == ["gn1", "gn5", "gn7"]
    pd.DataFrame({"unit_id": ["gn9", "PL71"], "reason": ["r", "r"], "source": ["a", "a"], "note": ["", ""]}).to_csv(
        tmp_path / case_studies.AUTHORS_LIST, index=False
    )
    assert case_studies.case_list(_cities(), reference=tmp_path)["unit_id"].tolist() == ["gn9", "PL71"]
    pd.DataFrame({"unit_id": ["gn9"]}).to_csv(tmp_path / case_studies.AUTHORS_LIST, index=False)
    with pytest.raises(ValueError, match="reason"):
        case_studies.case_list(_cities(), reference=tmp_path)


def test_a_missing_writeup_is_a_labelled_placeholder(tmp_path):
    assert case_studies.WRITEUP_PLACEHOLDER in case_studies.writeup_text("gn1", book=tmp_path)
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "gn1.md").write_text("Our account of gn1.\n", encoding="utf-8")
    assert case_studies.writeup_text("gn1", book=tmp_path) == "Our account of gn1.\n"


def test_every_shipped_writeup_is_marked_as_a_placeholder_or_written():
    for path in sorted((paths.BOOK / case_studies.WRITEUP_FOLDER).glob("*.md")):
        assert path.read_text(encoding="utf-8").strip(), f"{path.name} is empty"


def test_ties_by_source_keep_only_the_units_us_and_chinese_partners():
    relations = pd.DataFrame(
        {
            "eu_city_id": ["gn1", "gn1", "gn1", "gn2"],
            "eu_region_code": [None] * 4,
            "partner_id": ["us-a", "cn-b", "fr-c", "us-a"],
            "partner_name": ["Austin", "Beijing", "Lyon", "Austin"],
            "partner_is_us": [True, False, False, True],
            "partner_is_cn": [False, True, False, False],
            "status": ["active", "ended", "active", "active"],
            "sources": ["wikidata", "wikipedia|wikidata", "wikidata", "wikidata"],
        }
    )
    gazetteer = pd.DataFrame({"partner_id": ["us-a"], "name": ["Austin"], "latitude": [30.3], "longitude": [-97.7]})
    ties = case_studies.public_ties("gn1", relations, gazetteer)
    assert ties["partner_name"].tolist() == ["Beijing", "Austin"] and ties["latitude"].isna().tolist() == [True, False]
    shown = case_studies.public_ties_table(ties)
    assert shown["Country"].tolist() == ["China", "United States"] and shown["Sources"][0] == "Wikipedia, Wikidata"
    findings = pd.DataFrame(
        {
            "unit_id": ["gn1", "gn1", "gn2"],
            "partner_name": ["Austin", "Lyon", "Austin"],
            "partner_country_iso2": ["US", "FR", "US"],
            "statement_status": ["established", "established", "planned"],
            "evidence": ["Our twin town Austin ...", "...", "..."],
            "url": ["http://127.0.0.1/a", "http://127.0.0.1/b", "http://127.0.0.1/c"],
        }
    )
    crawled = case_studies.crawl_evidence("gn1", findings)
    assert crawled.to_dict("records") == [
        {
            "Partner": "Austin",
            "Country": "US",
            "Status": "established",
            "Evidence": "Our twin town Austin ...",
            "Page": "http://127.0.0.1/a",
        }
    ]
