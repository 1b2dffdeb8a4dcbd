"""Non-response: the frame with its cells, response rates, respondents against non-respondents, collapsed cells."""

from __future__ import annotations

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportions_ztest

from analysis.stats import nonresponse

ROWS = [
    ("DE", "city", 60_000, 40, 20),
    ("DE", "city", 300_000, 12, 11),
    ("FR", "city", 60_000, 30, 12),
    ("AT", "city", 120_000, 8, 3),  # Western Europe, too few respondents
    ("LU", "city", 120_000, 2, 0),  # no respondent at all
    ("PL", "city", 60_000, 20, 10),
    ("DE", "region", 0, 14, 7),
]


@pytest.fixture
def frame(survey_frame):
    units, respondents, public = survey_frame(ROWS)
    return nonresponse.nonresponse_frame(units, respondents, public)


def test_the_frame_gives_every_unit_its_size_cell_and_group(frame):
    assert len(frame) == sum(row[3] for row in ROWS)
    assert set(frame.loc[frame["unit_type"] == "region", "size_cell"]) == {nonresponse.REGION_CLASS}
    assert set(frame.loc[frame["population"] == 300_000, "size_cell"]) == {"250-500k"}
    assert frame.set_index("country_iso2")["country_group"].to_dict()["PL"] == "Eastern Europe"
    assert frame["responded"].sum() == sum(row[4] for row in ROWS)


def test_a_respondent_outside_the_frame_is_refused(survey_frame):
    units, respondents, public = survey_frame(ROWS)
    with pytest.raises(ValueError, match="not frame units"):
        nonresponse.nonresponse_frame(units, [*respondents, "XX-nowhere"], public)


def test_response_rates_count_units_and_respondents_by_dimension(frame):
    rates = nonresponse.response_rates(frame).set_index(["dimension", "category"])
    assert rates.loc[("country", "DE"), ["frame_units", "respondents"]].tolist() == [66, 38]  # 52 cities and 14 regions
    assert rates.loc[("country", "LU"), "response_rate"] == 0.0
    assert rates.loc[("unit type", "region"), "respondents"] == 7
    assert rates.loc[("size class", "100-250k"), "frame_units"] == 10
    total = rates.loc[("all", "all units")]
    assert (total["frame_units"], total["respondents"], total["nonrespondents"]) == (126, 63, 63)
    for dimension in ("unit type", "size class", "country"):
        assert rates.loc[dimension, "frame_units"].sum() == 126


def test_respondents_are_compared_with_non_respondents_with_a_test_and_an_interval(frame):
    table = nonresponse.compare_respondents(frame).set_index("characteristic")
    us = table.loc[nonresponse.OUTCOME_LABELS["us_partner_public"]]
    responded = frame["responded"]
    share_in = frame.loc[responded, "us_partner_public"].mean()
    share_out = frame.loc[~responded, "us_partner_public"].mean()
    assert us["estimate"] == pytest.approx(share_in - share_out)
    assert us["ci_low"] < us["estimate"] < us["ci_high"]
    counts = [frame.loc[responded, "us_partner_public"].sum(), frame.loc[~responded, "us_partner_public"].sum()]
    assert us["p_value"] == pytest.approx(proportions_ztest(counts, [responded.sum(), (~responded).sum()])[1])
    population = table.loc["Population, geometric mean (cities)"]
    assert population["n_respondents"] == 56  # cities only
    assert population["ci_low"] < population["estimate"] < population["ci_high"]
    # DE's large cities answer more often than the small ones: respondents are larger.
    assert population["estimate"] > 1


def test_any_indicator_covering_every_unit_can_be_compared(frame):
    crawled = frame.assign(us_crawl=frame.index % 2 == 0)
    table = nonresponse.compare_respondents(crawled, outcomes={"us_crawl": "US partner found by the crawl"})
    assert table["characteristic"].tolist() == ["US partner found by the crawl", "Population, geometric mean (cities)"]
    responded = crawled["responded"]
    expected = crawled.loc[responded, "us_crawl"].mean() - crawled.loc[~responded, "us_crawl"].mean()
    assert table.loc[0, "estimate"] == pytest.approx(expected)


def test_cells_short_of_respondents_are_pooled_and_every_merge_is_reported(frame):
    cells = nonresponse.collapse_cells(frame)
    country = cells[cells["dimension"] == "country"].set_index("category")
    assert set(country.index) == {"DE", "FR", "AT", "LU", "PL"}
    assert country.loc["DE", "cell"] == "DE" and country.loc["DE", "reason"] == ""
    # AT (3 respondents) and LU (none) pool within Western Europe, still short, then join the smallest passing cell.
    assert country.loc["AT", "cell"] == country.loc["LU", "cell"]
    assert country.loc["LU", "cell"] != "LU"
    assert "0 respondents of 2 units" in country.loc["LU", "reason"]
    pooled = cells[cells["cell"] == country.loc["LU", "cell"]]
    assert pooled["respondents"].sum() >= nonresponse.MIN_CELL_RESPONDENTS
    size = cells[cells["dimension"] == "size class"].set_index("category")
    # 100-250k (3 respondents) merges with its smaller neighbour, 250-500k (11); the regions (7) then
    # join that block, the one before them in size order.
    assert size.loc["100-250k", "cell"] == size.loc["250-500k", "cell"] == size.loc["NUTS2 region", "cell"]
    assert size.loc["100-250k", "cell"] == "100-250k to NUTS2 region"
    assert size.loc["50-100k", "cell"] == "50-100k"
    assert size.loc["100-250k", "reason"].startswith("3 respondents") and "would pass" in size.loc["250-500k", "reason"]


def test_a_country_with_no_respondents_is_pooled_not_dropped(survey_frame):
    units, respondents, public = survey_frame([*ROWS, ("SE", "city", 60_000, 5, 0)])
    frame = nonresponse.nonresponse_frame(units, respondents, public)
    cells = nonresponse.collapse_cells(frame)
    sweden = cells[cells["category"] == "SE"].iloc[0]
    assert sweden["respondents"] == 0 and sweden["reason"].startswith("0 respondents of 5 units")
    framed = nonresponse.with_cells(frame, cells)
    assert framed["country_cell"].notna().all() and framed["size_class_cell"].notna().all()


def test_public_partners_come_from_wikipedia_and_wikidata_for_cities_and_regions():
    units = pd.DataFrame({"unit_id": ["c1", "c2", "DE40"], "unit_type": ["city", "city", "region"]})
    base = {
        "partner_id": "p",
        "partner_name": "Place",
        "partner_level": "city",
        "partner_is_eu": False,
        "is_domestic": False,
        "status": "active",
        "in_wikidata_2016": False,
        "in_wikidata_2017": False,
        "in_wikidata_2022": False,
    }
    relations = pd.DataFrame(
        [
            {**base, "eu_city_id": "c1", "eu_region_code": None, "partner_country_iso2": "US", "partner_is_us": True, "partner_is_cn": False, "in_wikipedia_2026": True},
            {**base, "eu_city_id": "c2", "eu_region_code": None, "partner_country_iso2": "US", "partner_is_us": True, "partner_is_cn": False, "in_wikipedia_2026": False},
            {**base, "eu_city_id": None, "eu_region_code": "DE40", "partner_country_iso2": "CN", "partner_is_us": False, "partner_is_cn": True, "in_wikipedia_2026": False, "in_wikidata_2022": True},
        ]
    )  # fmt: skip
    public = nonresponse.public_partner_indicators(units, relations).set_index("unit_id")
    assert public["us_partner_public"].to_dict() == {"c1": True, "c2": False, "DE40": False}
    assert public["cn_partner_public"].to_dict() == {"c1": False, "c2": False, "DE40": True}
