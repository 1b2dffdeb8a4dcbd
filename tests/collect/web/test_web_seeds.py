"""Seeds: validation against the frame names file, line and column; units without a site; registered domains."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.collect.web.seeds import SeedsError, read_seeds, registered_domain, units_without_site

UNITS = pd.DataFrame(
    {
        "unit_id": ["DE_ESS", "PL_KRK", "DE11"],
        "unit_type": ["city", "city", "region"],
        "name": ["Esslingen", "Kraków", "Stuttgart"],
        "country_iso2": ["DE", "PL", "DE"],
    }
)


def _write(tmp_path, text: str):
    path = tmp_path / "seeds.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_seeds_are_read_with_their_site(tmp_path):
    path = _write(
        tmp_path,
        "unit_id,url,languages,note\n"
        "DE_ESS,https://www.esslingen.de/,de,city portal\n"
        "DE_ESS,https://international.esslingen.de/en/,de;en,second domain\n"
        "PL_KRK,https://www.krakow.pl/,pl,\n",
    )
    seeds = read_seeds(path, UNITS).rows
    assert list(seeds["site"]) == ["esslingen.de", "esslingen.de", "krakow.pl"]
    assert list(seeds["line"]) == [2, 3, 4]
    missing = units_without_site(seeds, UNITS)
    assert list(missing["unit_id"]) == ["DE11"]


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("XX_NOPE,https://www.nope.de/,de,", "unit_id", "not a unit of the frame"),
        ("DE_ESS,www.esslingen.de,de,", "url", "absolute http"),
        ("DE_ESS,https://esslingen/,de,", "url", "host name with a domain"),
        ("DE_ESS,https://www.esslingen.de/a b,de,", "url", "spaces"),
        ("DE_ESS,https://www.esslingen.de/,deu,", "languages", "unknown language code"),
        ("DE_ESS,https://www.esslingen.de/,de;xx,", "languages", "unknown language code"),
    ],
)
def test_a_bad_row_is_named_by_file_line_and_column(tmp_path, row, column, words):
    path = _write(tmp_path, f"unit_id,url,languages,note\nPL_KRK,https://www.krakow.pl/,pl,\n{row}\n")
    with pytest.raises(SeedsError) as raised:
        read_seeds(path, UNITS)
    message = str(raised.value)
    assert f"{path}:3: column '{column}'" in message and words in message
    quarantine = read_seeds(path, UNITS, strict=False)
    assert list(quarantine.rows["unit_id"]) == ["PL_KRK"]
    assert quarantine.quarantine.iloc[0][["line", "column"]].tolist() == [3, column]


def test_duplicate_rows_name_the_first_line(tmp_path):
    path = _write(
        tmp_path,
        "unit_id,url,languages,note\nDE_ESS,https://www.esslingen.de/,de,\nDE_ESS,https://www.esslingen.de,de,again\n",
    )
    with pytest.raises(SeedsError, match=r":3: column 'url'.*duplicate of line 2"):
        read_seeds(path, UNITS)


def test_missing_columns_are_named(tmp_path):
    path = _write(tmp_path, "unit,url\nDE_ESS,https://www.esslingen.de/\n")
    with pytest.raises(SeedsError, match=r"seeds.csv:1: missing column\(s\) \['unit_id', 'languages', 'note'\]"):
        read_seeds(path, UNITS)


def test_registered_domain_keeps_the_test_suffix_and_public_suffixes():
    assert registered_domain("www.stadt.esslingen.de") == "esslingen.de"
    assert registered_domain("bip.krakow.pl") == "krakow.pl"
    assert registered_domain("www.council.gov.uk") == "council.gov.uk"
    assert registered_domain("www.esslingen.de.test") == "esslingen.de.test"
