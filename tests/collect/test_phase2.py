"""Phase 2 from phase 1: the frame (dedup by resolver ids, unresolved kept apart), the contact roster, the
phase-2 loader, the EU end of its ties, agreement between the two ends, and the labelled synthetic sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.errors
import pytest

from analysis.build import resolve
from analysis.collect import phase2, phase2_link, synthetic_phase2
from analysis.collect.export_formats import write_export
from analysis.core import tables

PERSONAL_MARKER = "ZZPRIVATEZZ"


def _gazetteer() -> pd.DataFrame:
    rows = [
        # partner_id, name, admin1, code, population, alternate names
        ("us-place-4159000", "Portland", "Oregon", "OR", 650_000, "Portland city"),
        ("us-place-2360545", "Portland", "Maine", "ME", 68_000, "Portland city"),
        ("us-place-1772000", "Springfield", "Illinois", "IL", 114_000, ""),
        ("us-place-2567000", "Springfield", "Massachusetts", "MA", 155_000, ""),
        ("us-place-3651000", "New York", "New York", "NY", 8_400_000, "Nowy Jork|New York City"),
    ]
    return pd.DataFrame(
        {
            "partner_id": [r[0] for r in rows],
            "name": [r[1] for r in rows],
            "country_iso2": "US",
            "level": "city",
            "admin1_name": [r[2] for r in rows],
            "admin1_code": [r[3] for r in rows],
            "latitude": np.nan,
            "longitude": np.nan,
            "population": pd.array([r[4] for r in rows], dtype="Int64"),
            "alternate_names": [r[5] for r in rows],
        }
    )


def _units() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_id": ["gn1", "gn2", "DE50"],
            "name": ["Esslingen", "Kraków", "Bremen"],
            "country_iso2": ["DE", "PL", "DE"],
            "unit_type": ["city", "city", "region"],
        }
    )


def _relations() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "eu_city_id": pd.array(["gn1", "gn2", None], dtype="string"),
            "eu_region_code": pd.array([None, None, "DE50"], dtype="string"),
            "partner_id": pd.array(["us-place-4159000", "us-place-3651000", None], dtype="string"),
            "partner_name": ["Portland", "New York", "Bel Air"],
            "partner_country_iso2": "US",
            "partner_is_us": True,
            "sources": ["wikipedia_2026|wikidata_2017", "wikidata_2022", "wikipedia_2026"],
        }
    )


def _crawl(synthetic: bool = False) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_id": ["gn1", "gn2"],
            "partner_id": [None, None],
            "partner_name": ["Portland", "Springfeld"],
            "partner_country_iso2": "US",
            "evidence_url": ["https://esslingen.example.eu/p", "https://krakow.example.eu/q"],
            "is_synthetic": synthetic,
            "data_origin": "synthetic (seed 7)" if synthetic else "crawl_2026.csv",
        }
    )


def _survey() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "survey_tie_id": ["gn1:us:1", "gn2:us:1", "gn2:us:2"],
            "unit_id": ["gn1", "gn2", "gn2"],
            "partner_id": [None, None, None],
            "partner_name": ["Portland, Oregon", "Springfield", "Nowy Jork"],
            "partner_admin1": [None, None, None],
            "partner_country_iso2": "US",
            "is_synthetic": False,
            "data_origin": "survey_v1.csv",
        }
    )


def _frame_ties(lane: str = "real", crawl: pd.DataFrame | None = None) -> phase2.FrameTies:
    crawl = _crawl() if crawl is None else crawl
    return phase2.frame_ties(_relations(), _gazetteer(), _units(), crawl, _survey(), lane=lane)


# --------------------------------------------------------------------------- the frame


def test_frame_ties_merge_the_same_gazetteer_id_across_sources_and_spellings():
    result = _frame_ties()
    ties = phase2.PHASE2_FRAME_TIES_SCHEMA.validate(result.ties)
    portland = ties[ties["unit_id"] == "gn1"]
    # "Portland" (public, with an id), "Portland" (crawl) and "Portland, Oregon" (survey): one tie, one place.
    assert len(portland) == 1
    tie = portland.iloc[0]
    assert tie["partner_id"] == "us-place-4159000"
    assert tie["tie_evidence"] == "public+crawl+survey"
    assert tie["sources"] == "wikipedia_2026|wikidata_2017"
    assert tie["evidence_url"] == "https://esslingen.example.eu/p"
    assert tie["survey_tie_id"] == "gn1:us:1"
    # "Nowy Jork" is an alternate name of New York: the survey's mention joins the public tie.
    new_york = ties[ties["unit_id"] == "gn2"].set_index("partner_id").loc["us-place-3651000"]
    assert new_york["tie_evidence"] == "public+survey"


def test_unresolved_names_are_kept_apart_with_the_resolver_reason_never_merged():
    result = _frame_ties()
    unresolved = phase2.PHASE2_UNRESOLVED_SCHEMA.validate(result.unresolved).set_index("partner_name")
    assert unresolved.loc["Springfield", "reason"] == "ambiguous"  # 155k vs 114k: too close to call
    assert unresolved.loc["Springfeld", "reason"] == "not_found"
    assert unresolved.loc["Bel Air", "reason"] == "not_found"
    assert not set(result.ties["partner_name"]) & {"Springfield", "Springfeld", "Bel Air"}
    counts = result.counts
    assert counts["mentions_in"] == 3 + 2 + 3 == counts["mentions_resolved"] + counts["mentions_unresolved"]
    assert counts["mentions_unresolved"] == 3 and counts["unresolved_out"] == 3
    assert counts["ties_out"] == 2 and counts["places_out"] == 2


def test_phase2_frame_has_one_row_per_place_with_partners_and_evidence():
    result = _frame_ties()
    frame = phase2.PHASE2_FRAME_SCHEMA.validate(phase2.phase2_frame(result.ties, _gazetteer()))
    assert list(frame["partner_id"]) == ["us-place-3651000", "us-place-4159000"]  # largest first
    portland = frame.set_index("partner_id").loc["us-place-4159000"]
    assert portland["admin1_name"] == "Oregon" and portland["population"] == 650_000
    assert portland["eu_partner_count"] == 1 and portland["eu_partner_names"] == "Esslingen (DE)"
    assert portland["tie_evidence_by_partner"] == "gn1:public+crawl+survey"
    assert (portland["ties_in_public"], portland["ties_in_crawl"], portland["ties_in_survey"]) == (1, 1, 1)
    table = phase2.frame_counts(result, frame).set_index("step")["count"]
    assert table["places_out"] == 2


def test_frame_tables_are_written_through_their_schemas(isolated_data):
    result = _frame_ties()
    written = phase2.write_frame_tables(result, phase2.phase2_frame(result.ties, _gazetteer()), ["test"])
    assert set(written) == {"phase2_frame", "phase2_frame_ties", "phase2_frame_unresolved"}
    assert len(tables.read_table("phase2_frame")) == 2
    broken = result.ties.assign(tie_evidence=None)
    with pytest.raises(pandera.errors.SchemaErrors):
        phase2.write_frame_tables(result._replace(ties=broken), written["phase2_frame"], ["test"])


def test_frame_tables_are_written_when_every_name_is_placed(isolated_data):
    result = _frame_ties()
    placed = result._replace(unresolved=phase2._merge_unresolved(result.unresolved.iloc[0:0]))
    written = phase2.write_frame_tables(placed, phase2.phase2_frame(result.ties, _gazetteer()), ["test"])
    assert written["phase2_frame_unresolved"].empty and tables.read_table("phase2_frame_unresolved").empty


def test_real_lane_leaves_out_synthetic_crawl_ties():
    real = _frame_ties("real", _crawl(synthetic=True))
    demonstration = _frame_ties("demonstration", _crawl(synthetic=True))
    assert real.counts["mentions_in_crawl"] == 0
    assert demonstration.counts["mentions_in_crawl"] == 2
    assert not real.ties["is_synthetic"].any()
    with pytest.raises(ValueError, match="lane"):
        phase2.source_mentions(_relations(), lane="mixed")


# --------------------------------------------------------------------------- the contact roster


def _frame() -> pd.DataFrame:
    return phase2.phase2_frame(_frame_ties().ties, _gazetteer())


def test_roster_template_has_the_frame_places_and_empty_contact_columns(isolated_data):
    path = phase2.write_contact_roster_template(_frame())
    assert path == isolated_data / "build" / "phase2" / "contact_roster_template.csv"
    template = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(template.columns) == [name for name, _, _ in phase2.ROSTER_COLUMNS]
    assert list(template["partner_id"]) == list(_frame()["partner_id"])
    assert (template[["office", "contact_name", "contact_email", "date_checked"]] == "").all().all()
    # The template, read back unfilled, is valid.
    assert phase2.read_contact_roster(path, _frame()).problems == []


def test_filled_roster_errors_name_file_line_column_and_never_show_personal_values(tmp_path):
    template = phase2.contact_roster_template(_frame())
    filled = pd.concat([template, template.iloc[[0]]], ignore_index=True)  # line 4 repeats line 2
    filled.loc[1, "partner_id"] = "us-place-0000000"  # line 3: not in the frame
    filled["contact_name"] = f"Jane {PERSONAL_MARKER}"
    filled["contact_email"] = [f"jane.{PERSONAL_MARKER}@example.org", f"{PERSONAL_MARKER} at city", ""]
    filled["contact_phone"] = ["+1 503 555 0100", f"call {PERSONAL_MARKER}", ""]
    filled["date_checked"] = ["2026-03-01", "2026-03-01", "last week"]
    path = tmp_path / "contacts.csv"
    filled.to_csv(path, index=False)
    roster = phase2.read_contact_roster(path, _frame())
    text = "\n".join(roster.problems)
    assert "contacts.csv line 3, column partner_id: 'us-place-0000000' is not a US place" in text
    assert "contacts.csv line 4, column partner_id:" in text and "listed again (first on line 2)" in text
    assert "contacts.csv line 3, column contact_email: does not look like an e-mail address" in text
    assert "contacts.csv line 3, column contact_phone: does not look like a phone number" in text
    assert "contacts.csv line 4, column date_checked" in text
    assert PERSONAL_MARKER not in text
    # Personal columns are split off at the first read.
    assert not set(phase2.PERSONAL_ROSTER_COLUMNS) & set(roster.contacts.columns)
    assert roster.personal["contact_name"].str.contains(PERSONAL_MARKER).all()
    assert PERSONAL_MARKER not in roster.contacts.to_csv()
    assert roster.row_counts == {"rows_in": 3, "rows_valid": 1, "rows_with_problems": 2}


def test_roster_without_its_columns_is_refused_by_name(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text("partner_id,office\nus-place-4159000,Mayor's office\n", encoding="utf-8")
    with pytest.raises(phase2.ContactRosterError, match="contacts.csv"):
        phase2.read_contact_roster(path, _frame())


# --------------------------------------------------------------------------- phase-2 export and the EU end


def _answers(rows: list[dict[str, object]]) -> pd.DataFrame:
    base = dict.fromkeys(phase2_link.BOOK.export_columns())
    return pd.DataFrame([base | row for row in rows], columns=phase2_link.BOOK.export_columns(), dtype=object)


def _respondent(place: str, responded: str = "2026-03-02", **answers: object) -> dict[str, object]:
    return {
        "partner_id": place,
        "responded": responded,
        "questionnaire_language": "en",
        "respondent_name": f"R {PERSONAL_MARKER}",
        "respondent_email": f"{PERSONAL_MARKER}@example.org",
        "consent": "attribute_to_unit",
        "has_international_office": "no",
        "international_budget": "none",
        "sci_member": "yes",
        "sister_city_committee": "dont_know",
        **answers,
    }


def test_phase2_loader_quarantines_unknown_places_and_earlier_duplicates(tmp_path):
    rows = [
        _respondent("us-place-4159000", has_eu_partner="yes", eu_partner_1_name="Esslingen am Neckar"),
        _respondent("us-place-4159000", "2026-03-09", has_eu_partner="yes", eu_partner_1_name="Esslingen"),
        _respondent("us-place-9999999", has_eu_partner="no"),
        _respondent("us-place-3651000", has_eu_partner="no", eu_partner_1_name="Krakow"),
    ]
    path = write_export(_answers(rows), tmp_path / "phase2", "csv", phase2_link.BOOK)
    loaded = phase2_link.load_phase2_export(
        path, salt="0123456789abcdef", frame_ids=set(_frame()["partner_id"]), data_origin="phase2.csv"
    )
    phase2_link.PHASE2_RESPONSES_SCHEMA.validate(loaded.responses)
    phase2_link.PHASE2_TIES_SCHEMA.validate(loaded.partner_ties)
    assert loaded.row_counts["rows_in"] == 4 == loaded.row_counts["responses"] + loaded.row_counts["rows_quarantined"]
    reasons = loaded.quarantine.set_index("source_row")["reason"]
    assert "line 2, column partner_id" in reasons[2] and "answered again later" in reasons[2]
    assert "line 4, column partner_id: 'us-place-9999999' is not a US place" in reasons[4]
    assert "has_eu_partner is not 'yes'" in reasons[5]  # the roster entry alone is set aside
    assert list(loaded.partner_ties["eu_name_as_written"]) == ["Esslingen"]
    assert PERSONAL_MARKER not in loaded.responses.to_csv() + loaded.quarantine.to_csv()


def _cities() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "city_id": ["gn1", "gn2", "gn3"],
            "name": ["Munich", "Kraków", "Bremen"],
            "ascii_name": ["Munich", "Krakow", "Bremen"],
            "alternate_names": ["München|Monaco di Baviera", "Cracow|Krakau", ""],
            "country_iso2": ["DE", "PL", "DE"],
        }
    )


def _regions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "nuts2_code": ["DE50", "DE21"],
            "name_latn": ["Bremen", "Oberbayern"],
            "name_national": ["Bremen", "Oberbayern"],
        }
        | {"country_iso2": ["DE", "DE"]}
    )


def _us_ties(names: list[str], countries: list[str | None], place: str = "p1") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "partner_id": place,
            "roster_position": range(1, len(names) + 1),
            "eu_name_as_written": names,
            "eu_country_iso2": countries,
        }
    )


def test_eu_partners_resolve_local_and_english_spellings_and_keep_the_rest_unplaced():
    ties = _us_ties(
        ["München", "Cracow", "Munich, Germany", "Oberbayern", "Muenchen", "Krakow"],
        ["DE", "PL", "DE", "DE", "DE", None],
    )
    placed = phase2_link.resolve_eu_partners(ties, _cities(), _regions())
    assert list(placed["unit_id"][:4]) == ["gn1", "gn2", "gn1", "DE21"]
    assert list(placed["eu_match_status"]) == ["city", "city", "city", "region", "not_found", "no_country"]
    assert placed["unit_id"][4:].isna().all()


def test_a_name_both_city_and_region_is_the_one_phase_1_knows():
    ties = _us_ties(["Bremen"], ["DE"])
    assert phase2_link.resolve_eu_partners(ties, _cities(), _regions())["unit_id"].iloc[0] == "gn3"
    known = pd.DataFrame({"unit_id": ["DE50"], "partner_id": ["p1"]})
    placed = phase2_link.resolve_eu_partners(ties, _cities(), _regions(), known)
    assert (placed["unit_id"].iloc[0], placed["eu_match_status"].iloc[0]) == ("DE50", "region")


def test_a_name_without_country_is_placed_only_when_it_names_one_phase_1_partner():
    ties = _us_ties(["Krakau", "Munich", "Bremen"], [None, None, None])
    known = pd.DataFrame({"unit_id": ["gn2", "DE50"], "partner_id": ["p1", "p1"]})
    placed = phase2_link.resolve_eu_partners(ties, _cities(), _regions(), known)
    assert placed["unit_id"].iloc[0] == "gn2" and placed["eu_match_status"].iloc[0] == "known_partner"
    # Munich is no phase-1 partner of p1: not placed. Bremen is the known region, not the city.
    assert placed["unit_id"].iloc[1] is None and placed["eu_match_status"].iloc[1] == "no_country"
    assert placed["unit_id"].iloc[2] == "DE50"


# --------------------------------------------------------------------------- both ends


def _hand_case() -> dict[str, pd.DataFrame]:
    frame_ties = pd.DataFrame(
        {
            "unit_id": ["gn1", "gn1", "gn3"],
            "partner_id": ["p1", "p2", "p1"],
            "in_public": [True, False, True],
            "in_crawl": [False, True, False],
            "is_synthetic": False,
        }
    )
    eu_responses = pd.DataFrame({"unit_id": ["gn1", "gn2"], "us_areas": ["culture;education", "sport"]})
    eu_ties = pd.DataFrame(
        {
            "unit_id": ["gn1", "gn1"],
            "partner_id": ["p1", "p2"],
            "partner_country_iso2": "US",
            "year_established": pd.array([1990, 2001], dtype="Int64"),
            "activity_level": pd.array([1, 4], dtype="Int64"),
            "tie_type": ["twin", "mou"],
            "is_synthetic": False,
        }
    )
    us_responses = pd.DataFrame({"partner_id": ["p1", "p2"], "eu_areas": ["culture;sport", None]})
    us_ties = pd.DataFrame(
        {
            "partner_id": ["p1", "p1", "p1"],
            "unit_id": ["gn1", "gn2", None],  # the third could not be placed
            "year_established": pd.array([1991, 1975, 1980], dtype="Int64"),
            "activity_level": pd.array([3, 2, 2], dtype="Int64"),
            "tie_type": ["twin", "friendship", "twin"],
            "is_synthetic": False,
        }
    )
    return {
        "frame_ties": frame_ties,
        "eu_responses": eu_responses,
        "eu_ties": eu_ties,
        "us_responses": us_responses,
        "us_ties": us_ties,
    }


def test_both_ends_agreement_on_a_hand_case():
    pairs = phase2_link.BOTH_ENDS_SCHEMA.validate(phase2_link.both_ends(**_hand_case()))
    by_pair = pairs.set_index(["unit_id", "partner_id"])
    assert list(by_pair.index) == [("gn1", "p1"), ("gn1", "p2"), ("gn2", "p1"), ("gn3", "p1")]
    both = by_pair.loc[("gn1", "p1")]
    assert both["both_ends"] == "both"
    assert (both["year_difference"], bool(both["year_agrees"])) == (1, True)  # 1991 vs 1990: within one year
    assert (bool(both["active_eu"]), bool(both["active_us"]), bool(both["active_agrees"])) == (False, True, False)
    assert bool(both["tie_type_agrees"])
    assert both["areas_jaccard"] == pytest.approx(1 / 3)  # {culture} of {culture, education, sport}
    assert by_pair.loc[("gn1", "p2"), "both_ends"] == "eu_only"
    assert by_pair.loc[("gn2", "p1"), "both_ends"] == "us_only"
    assert pd.isna(by_pair.loc[("gn3", "p1"), "both_ends"])  # gn3 did not answer phase 1
    assert pd.isna(by_pair.loc[("gn1", "p2"), "year_agrees"])  # one end only: no agreement to measure

    summary = phase2_link.both_ends_summary(pairs).set_index("measure")
    assert summary.loc["pairs", "count"] == 4 and summary.loc["both_ends_answered", "count"] == 3
    for kind in ("both", "eu_only", "us_only"):
        assert summary.loc[f"reported_{kind}", "count"] == 1
        assert summary.loc[f"reported_{kind}", "value"] == pytest.approx(1 / 3)
    assert (summary.loc["year_agrees", "base"], summary.loc["year_agrees", "value"]) == (1, 1.0)
    assert (summary.loc["active_agrees", "base"], summary.loc["active_agrees", "value"]) == (1, 0.0)
    assert summary.loc["areas_mean_jaccard", "value"] == pytest.approx(1 / 3)


def test_year_tolerance_is_one_year_either_way():
    case = _hand_case()
    case["us_ties"].loc[0, "year_established"] = 1992
    pairs = phase2_link.both_ends(**case).set_index(["unit_id", "partner_id"])
    assert (pairs.loc[("gn1", "p1"), "year_difference"], bool(pairs.loc[("gn1", "p1"), "year_agrees"])) == (2, False)


def test_jaccard_needs_both_answers():
    assert phase2_link.jaccard("a;b", "b;c") == pytest.approx(1 / 3)
    assert np.isnan(phase2_link.jaccard(None, "a"))


# --------------------------------------------------------------------------- the synthetic sample


def test_synthetic_phase2_sample_is_labelled_and_reproducible(tmp_path):
    frame_ties = pd.DataFrame(
        {"unit_id": ["gn1", "gn2", "gn1"], "partner_id": ["us-place-4159000", "us-place-4159000", "us-place-3651000"]}
    )
    frame = pd.DataFrame({"partner_id": ["us-place-4159000", "us-place-3651000"], "population": [650_000, 8_400_000]})
    big = pd.concat([frame.assign(partner_id=frame["partner_id"] + f"-{i}") for i in range(20)], ignore_index=True)
    big_ties = pd.concat(
        [frame_ties.assign(partner_id=frame_ties["partner_id"] + f"-{i}") for i in range(20)], ignore_index=True
    )
    eu_ties = pd.DataFrame(
        {
            "unit_id": ["gn1"],
            "partner_id": ["us-place-4159000-0"],
            "partner_country_iso2": "US",
            "year_established": [1990],
            "activity_level": [1],
            "tie_type": ["twin"],
        }
    )
    eu_responses = pd.DataFrame({"unit_id": ["gn1"], "us_areas": ["culture"]})
    args = (big, big_ties, eu_responses, eu_ties, _cities(), _regions(), 7)
    first = synthetic_phase2.synthetic_phase2_export(*args, out_dir=tmp_path / "a")
    second = synthetic_phase2.synthetic_phase2_export(*args, out_dir=tmp_path / "b")
    assert first.export.read_bytes() == second.export.read_bytes()
    loaded = phase2_link.load_phase2_export(
        first.export,
        salt="0123456789abcdef",
        frame_ids=set(big["partner_id"]),
        data_origin=synthetic_phase2.phase2_origin(7),
    )
    assert len(loaded.responses) > 0
    for table in (loaded.responses, loaded.partner_ties):
        assert table["is_synthetic"].all()
        assert set(table["data_origin"]) == {"synthetic (seed 7)"}
    assert "Synthetic Respondent" not in loaded.responses.to_csv()
    truth = pd.read_csv(first.truth)
    assert set(truth["unit_id"]) <= {"gn1", "gn2", "gn3", "DE50", "DE21"}


def test_us_name_index_is_the_resolvers_index_of_the_us_places_alone():
    gazetteer = pd.concat(
        [_gazetteer(), _gazetteer().head(1).assign(partner_id="gb-1", name="Portland", country_iso2="GB")],
        ignore_index=True,
    )
    expected = resolve.gazetteer_name_index(gazetteer[gazetteer["country_iso2"].eq("US")].reset_index(drop=True))
    pd.testing.assert_frame_equal(phase2.us_name_index(gazetteer), expected)
    changed = gazetteer.assign(name=gazetteer["name"].replace("Portland", "Salem"))
    assert "salem" in set(phase2.us_name_index(changed)["key"])
