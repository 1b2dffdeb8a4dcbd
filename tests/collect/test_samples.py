"""One set of answers in every export format reads back to one clean table (analysis.collect.samples)."""

from __future__ import annotations

import pandas as pd

from analysis.collect import codebook, phase2_link, samples
from analysis.collect.export_formats import EXPORT_FORMATS

BOOK = codebook.load_codebook("us_phase2")


def _answers() -> pd.DataFrame:
    columns = BOOK.export_columns()
    base = dict.fromkeys(columns, "") | {
        "responded": "2026-03-02",
        "questionnaire_language": "en",
        "respondent_email": "someone@example.org",
        "consent": "attribute_to_unit",
        "has_international_office": "yes",
        "international_staff_fte": "2.5",
        "international_budget": "none",
        "sci_member": "yes",
        "sister_city_committee": "dont_know",
        "has_eu_partner": "yes",
        "eu_partner_1_name": "Kraków",
        "eu_partner_1_country": "PL",
    }
    rows = [base | {"partner_id": f"us-place-{k}"} for k in range(1, 5)]
    rows[1] |= {"eu_partner_1_name": "Kōbe-street Twinning"}  # a character Windows-1250 cannot write
    rows[2] |= {"international_staff_fte": "dont_know", "eu_partner_1_name": "Wrocław"}
    rows[3] |= {"has_international_office": "maybe"}  # quarantined in every format
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _load(path):
    return phase2_link.load_phase2_export(path, salt="s" * 16, data_origin="test")


def test_every_format_gives_the_same_clean_table_and_the_code_page_keeps_what_it_can(tmp_path):
    paths = samples.write_every_format(_answers(), tmp_path, "sample", BOOK)
    assert list(paths) == list(EXPORT_FORMATS)
    check = samples.format_check(paths, _load).set_index("format")
    assert check["same_clean_table"].all(), check
    assert (check["rows_in"] == check["kept"] + check["quarantined"]).all()
    assert check.loc["csv", ["rows_written", "rows_in", "kept", "quarantined"]].tolist() == [4, 4, 3, 1]
    assert check.loc["csv_cp1250", ["rows_written", "kept"]].tolist() == [3, 2]  # the Kōbe row left out
    assert (tmp_path / "sample_csv_cp1250_reference.csv").exists()


def test_a_format_that_reads_differently_is_flagged(tmp_path):
    paths = samples.write_every_format(_answers(), tmp_path, "sample", BOOK, formats=("csv", "xlsx"))

    def load(path):
        loaded = _load(path)
        if path.suffix == ".xlsx":
            loaded.responses.loc[loaded.responses.index[0], "international_staff_fte"] = 9.0
        return loaded

    check = samples.format_check(paths, load).set_index("format")
    assert check.loc["csv", "same_clean_table"] and not check.loc["xlsx", "same_clean_table"]


def test_sample_in_every_format_writes_beside_the_generated_file(tmp_path):
    export = tmp_path / "phase2_export_seed1.csv"
    _answers().to_csv(export, index=False)
    paths = samples.sample_in_every_format(export, BOOK, formats=("csv", "sav"))
    assert {path.parent for path in paths.values()} == {tmp_path / "formats"}
    assert paths["sav"].name == "phase2_export_seed1_sav.sav"
    assert samples.format_check(paths, _load)["same_clean_table"].all()
