"""Consent aggregate_only: such units are keyed by a pseudonym in the processed tables, and read back in memory."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.collect import consent

SALT = "k3J9x!qQ7mZ2wL8p"
RESPONSES = pd.DataFrame(
    {"unit_id": ["AT11", "DE21", "gn123"], "consent": ["attribute_to_unit", "aggregate_only", "aggregate_only"]}
)
TIES = pd.DataFrame(
    {
        "survey_tie_id": ["AT11:us:1", "DE21:us:1", "DE21:cn:1", "gn123:us:1"],
        "unit_id": ["AT11", "DE21", "DE21", "gn123"],
        "partner_name": ["Denver", "Austin", "Wuhan", "Boise"],
    }
)


def _withheld() -> dict[str, consent.Withheld]:
    return consent.withheld(RESPONSES, "survey_responses", SALT)


def test_aggregate_only_units_are_keyed_by_their_pseudonym_and_every_row_stays():
    written = consent.pseudonymise(TIES, "survey_ties", _withheld())
    assert len(written) == len(TIES)
    assert set(written["unit_id"]) == {"AT11", consent.pseudonym("DE21", SALT), consent.pseudonym("gn123", SALT)}
    assert not written.astype(str).apply(lambda column: column.str.contains("DE21|gn123")).any().any()
    keyed = written[written["unit_id"] == consent.pseudonym("DE21", SALT)]
    assert keyed["survey_tie_id"].tolist() == [
        consent.pseudonym("DE21", SALT) + ":us:1",
        consent.pseudonym("DE21", SALT) + ":cn:1",
    ]
    assert written["unit_id"].tolist() == sorted(written["unit_id"])  # no position betrays an identifier


def test_the_pseudonyms_depend_on_the_salt():
    assert consent.pseudonym("DE21", SALT) != consent.pseudonym("DE21", SALT[::-1])
    assert consent.pseudonym("DE21", SALT).startswith(consent.PSEUDONYM_PREFIX)


def test_a_reader_with_the_frame_and_the_salt_gets_the_identified_table_back():
    written = consent.pseudonymise(TIES, "survey_ties", _withheld())
    known = consent.known_units(["AT11", "DE21", "gn123", "FR10"], "survey_responses", SALT)
    pd.testing.assert_frame_equal(consent.identify(written, "survey_ties", known), TIES)


def test_a_pseudonym_that_matches_no_unit_is_refused():
    written = consent.pseudonymise(TIES, "survey_ties", _withheld())
    with pytest.raises(consent.ConsentError, match="survey_ties, column unit_id: 2 pseudonym"):
        consent.identify(written, "survey_ties", consent.known_units(["AT11"], "survey_responses", SALT))


def test_only_the_rows_a_rule_names_are_keyed_and_their_names_emptied():
    ties = pd.DataFrame(
        {
            "unit_id": ["DE21", "DE21"],
            "eu_name": ["Stuttgart", "Stuttgart"],
            "in_survey": [True, False],
            "survey_tie_id": ["DE21:us:1", None],
        }
    )
    written = consent.pseudonymise(ties, "phase2_frame_ties", _withheld())
    survey_row = written[written["in_survey"]].iloc[0]
    assert survey_row["unit_id"] == consent.pseudonym("DE21", SALT) and pd.isna(survey_row["eu_name"])
    assert written[~written["in_survey"]]["unit_id"].tolist() == ["DE21"]  # a public tie names its unit


def test_both_ends_key_each_end_by_its_own_consent():
    pairs = pd.DataFrame(
        {"unit_id": ["DE21", "AT11"], "partner_id": ["us-place-1", "us-place-2"], "eu_responded": [True, True]}
        | {"us_responded": [False, True]}
    )
    us = pd.DataFrame({"partner_id": ["us-place-1", "us-place-2"], "consent": ["attribute_to_unit", "aggregate_only"]})
    withheld = _withheld() | consent.withheld(us, "phase2_responses", SALT)
    written = consent.pseudonymise(pairs, "partnership_both_ends", withheld)
    assert set(written["unit_id"]) == {"AT11", consent.pseudonym("DE21", SALT)}
    assert set(written["partner_id"]) == {"us-place-1", consent.pseudonym("us-place-2", SALT)}


# --------------------------------------------------------------------------- the small build


def _processed(workspace: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(workspace / "data" / "processed" / f"{name}.parquet")


@pytest.mark.slow
def test_no_processed_table_names_an_aggregate_only_unit_and_the_readers_get_every_row_back(small_build):
    """The small build (synthetic sample, salt 'synthetic'): in the rows each rule names, an identifier is either
    a pseudonym of an aggregate_only respondent or the plain id of a respondent who allowed attribution."""
    keyed = 0
    for rule in consent.rules().itertuples():
        answers = _processed(small_build, rule.consent_table)
        aggregate_only = answers["consent"] == consent.AGGREGATE_ONLY
        pseudonyms = set(answers.loc[aggregate_only, rule.consent_id_column].astype(str))
        attributable = set(answers.loc[~aggregate_only, rule.consent_id_column].astype(str))
        assert pseudonyms and all(key.startswith(consent.PSEUDONYM_PREFIX) for key in pseudonyms)
        assert not any(identifier.startswith(consent.PSEUDONYM_PREFIX) for identifier in attributable)
        table = _processed(small_build, rule.table)
        rows = table[rule.rows].fillna(False).astype(bool) if rule.rows else pd.Series(True, index=table.index)
        ids = set(table.loc[rows, rule.id_column].astype(str))
        plain = {identifier for identifier in ids if not identifier.startswith(consent.PSEUDONYM_PREFIX)}
        assert plain <= attributable, f"{rule.table}.{rule.id_column}: {sorted(plain - attributable)[:3]}"
        assert ids - plain <= pseudonyms, f"{rule.table}.{rule.id_column}: a pseudonym of no respondent"
        keyed += len(ids - plain)
    assert keyed > 0
    frame = pd.concat([_processed(small_build, "cities")["city_id"], _processed(small_build, "regions")["nuts2_code"]])
    known = consent.known_units(frame, "survey_responses", consent.SYNTHETIC_SALT)
    stored = _processed(small_build, "survey_ties")
    survey_ties = consent.identify(stored, "survey_ties", known)
    assert len(survey_ties) == len(stored)
    assert not survey_ties["unit_id"].str.startswith(consent.PSEUDONYM_PREFIX).any()
