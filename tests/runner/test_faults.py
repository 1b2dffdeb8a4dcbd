"""The reviewer's fault catalogue (analysis.runner.faults) and the privacy scan (analysis.runner.privacy)."""

from __future__ import annotations

import pytest

from analysis.runner import faults, privacy

INPUT_CASES = faults.input_cases()


def test_the_catalogue_has_sixty_cases_of_every_group_and_handling():
    assert len(INPUT_CASES) >= 60
    assert len({case.name for case in INPUT_CASES}) == len(INPUT_CASES)
    assert {case.group for case in INPUT_CASES} == {"survey", "crawl", "interviews"}
    assert {case.expected for case in INPUT_CASES} == {"clean", "refused", "quarantine"}


@pytest.mark.parametrize("case", INPUT_CASES, ids=[case.name for case in INPUT_CASES])
def test_fault_case(case, tmp_path):
    result = faults.run_case(case, tmp_path)
    assert result.holds, (result.problems, result.observed)


def test_a_case_fails_on_the_wrong_handling_an_unnamed_file_lost_rows_or_a_leak():
    case = faults.FaultCase("x", "survey", "refused", lambda folder: faults.Observed("clean"), r"line \d")
    assert faults.judge(case, faults.Observed("clean")) == [
        "expected refused, observed clean",
        r"detail does not match 'line \\d'",
    ]
    assert faults.judge(case, faults.Observed("refused", "line 4: bad", named="export.csv")) == [
        "the message does not name export.csv"
    ]
    lost = faults.Observed("quarantine", "line 4", rows_in=3, kept=1, quarantined=1)
    assert faults.judge(case, lost) == ["expected refused, observed quarantine", "rows in 3 != kept 1 + quarantined 1"]
    leak = faults.Observed("refused", "export.csv line 2: 'ana@city.example.eu' is not a code", named="export.csv")
    assert faults.judge(case, leak) == ["personal data in the message"]


def test_a_crash_is_observed_and_the_table_says_which_case_did_not_hold(tmp_path):
    def crashes(folder):
        raise KeyError("unit_id")

    result = faults.run_case(faults.FaultCase("bare traceback", "survey", "refused", crashes), tmp_path)
    assert result.observed.handling == "crash" and not result.holds
    text = faults.table([result])
    assert "bare traceback" in text and " NO " in text and "0 of 1 cases hold" in text


def test_the_privacy_scan_finds_markers_e_mails_and_phones_but_not_package_pins():
    assert privacy.scan_text("kept: 3 responses; version jquery@3.6.0, 12.5 %, 2025-04-01") == []
    found = privacy.scan_text("Synthetic Respondent 0042 <respondent0042@example.org>, +48 12 616 1234")
    kinds = sorted(kind for kind, _ in found)
    assert kinds == ["marker", "marker", "pattern", "pattern"], found
    assert ("pattern", "+48 12 616 1234") in found


def test_the_privacy_scan_reads_tables_and_skips_the_raw_samples_and_the_crawl_store(tmp_path):
    import pandas as pd

    data, build, book_root = tmp_path / "data", tmp_path / "build", tmp_path / "book"
    for folder in (
        data / "processed",
        build / "synthetic",
        build / "crawl-demo-notebook" / "crawl" / "c1",
        book_root / "_build" / "html",
    ):
        folder.mkdir(parents=True)
    pd.DataFrame({"name": ["PII-MARKER-07 officer"]}).to_parquet(data / "processed" / "t.parquet")
    (build / "synthetic" / "export.csv").write_text("Synthetic Respondent 0001\n")
    (build / "crawl-demo-notebook" / "crawl" / "c1" / "log.jsonl").write_text("info@stadt.example.de\n")
    (book_root / "_build" / "html" / "40.html").write_text("<p>call +1 555 000 1234</p>")
    files = privacy.scanned_files(data=data, build=build, book_root=book_root)
    assert [path.name for path in files] == ["t.parquet", "40.html"]
    assert [(path.name, kind) for path, kind, _ in privacy.scan(files)] == [
        ("t.parquet", "marker"),
        ("40.html", "marker"),
        ("40.html", "pattern"),
    ]


@pytest.mark.slow
def test_the_build_cases_hold_on_the_second_test_build(second_build_workspace):
    """Tampered raw, processed and .tex files, an untouched data/raw and kill -9 at three points of one rebuild, on
    the tests' second build (each case puts the build back: the kill cases check that the recovery gives the clean
    build's bytes). The second build, not small_build: so this runs on the other worker, while the first build's users
    read theirs."""
    from analysis.runner import fault_builds

    results = fault_builds.run_build_cases(second_build_workspace)
    assert len(results) == 8
    assert [(r.case.name, r.problems) for r in results if not r.holds] == [], faults.table(results)
