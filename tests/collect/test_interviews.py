"""Coded interviews: both formats give the same tables, pseudonyms, consent, salts and CSV errors with file and line."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.collect import interviews, synthetic_interviews
from analysis.core import paths, tables

SEED = 5
SALT = "a-salt-of-twenty-characters"
CSV_HEADER = ",".join(interviews.CSV_COLUMNS)


@pytest.fixture(scope="module")
def synthetic_files(tmp_path_factory):
    return synthetic_interviews.write_synthetic_interviews(SEED, tmp_path_factory.mktemp("interviews"))


def load(path, files):
    return interviews.load_interviews(path, salt=files.salt, data_origin=files.data_origin)


def test_qdpx_and_csv_import_to_identical_tables(synthetic_files):
    from_qdpx, from_csv = load(synthetic_files.qdpx, synthetic_files), load(synthetic_files.csv, synthetic_files)
    for part in ("interviews", "segments", "codes"):
        pd.testing.assert_frame_equal(getattr(from_qdpx, part), getattr(from_csv, part))
    assert 12 <= len(from_qdpx.interviews) <= 20
    assert set(from_qdpx.interviews["speaker_group"]) >= {"washington", "brussels", "city_official", "region_official"}
    assert from_qdpx.interviews["is_synthetic"].all()
    assert (from_qdpx.segments["data_origin"] == f"synthetic (seed {SEED})").all()


def test_no_personal_data_in_any_written_table(synthetic_files):
    loaded = load(synthetic_files.qdpx, synthetic_files)
    tables.write_table(loaded.interviews, "interviews", interviews.INTERVIEWS_SCHEMA)
    tables.write_table(loaded.segments, "interview_segments", interviews.SEGMENTS_SCHEMA)
    tables.write_table(loaded.codes, "interview_codes", interviews.CODES_SCHEMA)
    _, personal = synthetic_interviews.synthetic_project(SEED)
    markers = ["Synthetic Interviewee", "example.org", "PII-MARKER", *personal["label"], *personal["email"]]
    written = sorted(paths.processed_dir().glob("interview*.parquet"))
    assert len(written) == 3
    for table_path in written:
        cells = [str(value) for value in pd.read_parquet(table_path).to_numpy().ravel()]
        found = [marker for marker in markers if any(marker.casefold() in cell.casefold() for cell in cells)]
        assert found == [], f"{table_path.name} shows {found}"
    assert loaded.segments["quotation"].notna().any()  # the scan looked at quotations too


def test_quotations_only_with_quote_consent_and_none_consent_drops_segments(synthetic_files):
    loaded = load(synthetic_files.qdpx, synthetic_files)
    consent = loaded.segments["interview_id"].map(loaded.interviews.set_index("interview_id")["consent_level"])
    assert loaded.segments["quotation"].notna().eq(consent.eq("quote")).all()
    assert "none" not in set(consent)
    assert (loaded.interviews["consent_level"] == "none").any()


def test_the_consent_check_raises_on_a_quotation_without_consent():
    interviews_table = pd.DataFrame({"interview_id": ["iv1", "iv2"], "consent_level": ["quote", "aggregate"]})
    fine = pd.DataFrame({"interview_id": ["iv1", "iv2"], "quotation": ["We twinned.", None]})
    assert interviews.check_quote_consent(fine, interviews_table) is fine
    leaked = fine.assign(quotation=["We twinned.", "Off the record."])
    with pytest.raises(interviews.ConsentError, match="iv2"):
        interviews.check_quote_consent(leaked, interviews_table)
    unknown = pd.DataFrame({"interview_id": ["iv9"], "quotation": ["Who said this?"]})
    with pytest.raises(interviews.ConsentError):
        interviews.check_quote_consent(unknown, interviews_table)


def test_pseudonyms_are_salted_and_fold_the_name():
    assert interviews.speaker_key("Ana  Núñez", SALT) == interviews.speaker_key("ana nunez", SALT)
    assert interviews.speaker_key("Ana Núñez", SALT) != interviews.speaker_key("Ana Núñez", SALT + "x")
    assert interviews.interview_key("Interview with Ana Núñez", SALT).startswith("iv")


def test_a_short_or_missing_salt_is_refused(tmp_path):
    export = tmp_path / "project.qdpx"
    with pytest.raises(interviews.InterviewDataError, match="pseudonym_salt.txt"):
        interviews.read_salt(export)
    (tmp_path / "pseudonym_salt.txt").write_text("short\n")
    with pytest.raises(interviews.InterviewDataError, match="5 characters; at least 16"):
        interviews.read_salt(export)
    (tmp_path / "pseudonym_salt.txt").write_text(SALT + "\n")
    assert interviews.read_salt(export) == SALT
    with pytest.raises(interviews.InterviewDataError):
        interviews.clean_tables(pd.DataFrame(columns=list(interviews.CODED_ROW_COLUMNS)), [], salt="x", data_origin="f")


def csv_line(**changes) -> str:
    row = {
        "interview_id": "W01",
        "speaker": "Person One",
        "speaker_group": "washington",
        "interview_date": "2026-03-01",
        "interview_language": "en",
        "consent": "quote",
        "segment_id": "s1",
        "start": "0",
        "end": "10",
        "text": "We twinned",
        "code": "Motives > Economic interest",
    } | changes
    return ",".join(row[column] for column in interviews.CSV_COLUMNS)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([csv_line(start="x")], "segments.csv line 2, column start/end: whole numbers expected"),
        ([csv_line(), csv_line(end="0")], "segments.csv line 3, column start/end: expected 0 <= start < end"),
        ([csv_line(speaker_group="moscow")], "segments.csv line 2: group 'moscow' is not one of"),
        ([csv_line(), csv_line(consent="aggregate")], "segments.csv line 3, column consent_level: interview 'W01'"),
        ([csv_line(interview_date="1 March")], "date '1 March' is not YYYY-MM-DD"),
        ([csv_line() + ",extra"], "segments.csv line 2: more values than columns"),
        ([csv_line(), csv_line(end="12")], "segments.csv line 3, column segment_id: segment 's1' has end_position 10"),
    ],
    ids=["not-a-number", "end-before-start", "unknown-group", "two-consents", "date", "extra-value", "moved-segment"],
)
def test_csv_errors_name_file_line_and_column(tmp_path, lines, expected):
    path = tmp_path / "segments.csv"
    path.write_text("\n".join([CSV_HEADER, *lines]) + "\n", encoding="utf-8")
    with pytest.raises(interviews.InterviewDataError) as raised:
        interviews.load_interviews(path, salt=SALT)
    assert expected in str(raised.value)


def test_csv_missing_column_and_wrong_encoding(tmp_path):
    path = tmp_path / "segments.csv"
    path.write_text(CSV_HEADER.replace(",code", "") + "\n", encoding="utf-8")
    with pytest.raises(interviews.InterviewDataError, match=r"segments.csv line 1: missing columns \['code'\]"):
        interviews.load_interviews(path, salt=SALT)
    path.write_bytes((CSV_HEADER + "\n" + csv_line(text="Grüße")).encode("latin-1"))
    with pytest.raises(interviews.InterviewDataError, match="segments.csv: not UTF-8"):
        interviews.load_interviews(path, salt=SALT)


def test_csv_with_semicolons_and_a_byte_order_mark_reads(tmp_path):
    path = tmp_path / "team_segments.csv"
    rows = [CSV_HEADER, csv_line(), csv_line(code="Obstacles > China concern")]
    path.write_text("\ufeff" + "\n".join(row.replace(",", ";") for row in rows), encoding="utf-8")
    loaded = interviews.load_interviews(path, salt=SALT)
    assert loaded.segments["segment_id"].nunique() == 1 and len(loaded.segments) == 2
    assert set(loaded.codes["code_id"]) == {
        "motives",
        "motives/economic_interest",
        "obstacles",
        "obstacles/china_concern",
    }
    assert loaded.segments["quotation"].eq("We twinned").all()


def test_a_project_without_a_group_is_refused_naming_the_source(synthetic_files):
    from analysis.collect import qdpx

    project = qdpx.read_qdpx(synthetic_files.qdpx)
    project.sets = {}
    project.cases = [
        qdpx.Case(c.guid, c.name, {k: v for k, v in c.variables.items() if k != "group"}, c.source_guids)
        for c in project.cases
    ]
    with pytest.raises(interviews.InterviewDataError, match=r"<TextSource Interview 01 .*no speaker_group"):
        interviews.qdpx_rows(project, "team.qdpx")


def test_the_drop_in_folder_is_searched(tmp_path):
    assert interviews.find_interview_export() is None
    folder = paths.raw_source_dir(paths.INTERVIEWS_DROP_IN)
    folder.mkdir(parents=True)
    (folder / "2026_segments.csv").write_text(CSV_HEADER + "\n")
    assert interviews.find_interview_export().name == "2026_segments.csv"
    (folder / "team.qdpx").write_bytes(b"")
    assert interviews.find_interview_export().name == "team.qdpx"


def test_passages_coded_with_a_persons_case_belong_to_that_person(synthetic_files):
    from analysis.collect import qdpx

    project = qdpx.read_qdpx(synthetic_files.qdpx)
    first = project.sources[0].guid
    other = qdpx.Case("ABCDEF00-0000-4000-8000-000000000000", "Second Person", {}, (first,))
    project.cases.append(other)
    project.selections = [
        qdpx.Selection(
            s.guid, s.source_guid, s.start, s.end, s.code_guids, (other.guid,) if s.source_guid == first else ()
        )
        for s in project.selections
    ]
    rows, codebook = interviews.qdpx_rows(project, "team.qdpx")
    speakers = set(rows.loc[rows["interview_label"] == project.sources[0].name, "speaker_name"].dropna())
    assert speakers == {"Second Person"}
    loaded = interviews.clean_tables(rows, codebook, salt=SALT, data_origin="team.qdpx")
    assert loaded.segments["speaker_key"].isin([interviews.speaker_key("Second Person", SALT)]).any()
