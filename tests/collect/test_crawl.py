"""Tests for analysis.collect.crawl: the lexicon classifier (with the false-positive traps) and the export loader."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.collect import crawl
from analysis.collect.crawl import classify_hit
from analysis.core.countries import EU_OFFICIAL_LANGUAGES

# (snippet, language, candidate, candidate country, expected label, expected reason)
TRUE_HITS = [
    ("Łódź und ihre Partnerstadt Chicago (USA) feiern 20 Jahre", "de", "Chicago", "US", "twin", "twin_term"),
    ("Hamburg pflegt eine Städtepartnerschaft mit Chicago", "de", "Chicago", "US", "twin", "twin_term"),
    ("Miasta partnerskie Łodzi: Tianjin (Chiny)", "pl", "Tianjin", "CN", "twin", "twin_term"),
    ("Les villes jumelées de Lyon : Pékin (Chine)", "fr", "Beijing", "CN", "twin", "twin_term"),
    ("Τα αδελφοποιημένες πόλεις του Δήμου: Βοστώνη, ΗΠΑ", "el", "Boston", "US", "twin", "twin_term"),
    ("Gemellaggio con Boston (Stati Uniti)", "it", "Boston", "US", "twin", "twin_term"),
    ("Toledo está hermanada con Toledo (Ohio, Estados Unidos) desde 1931", "es", "Toledo", "US", "twin", "twin_term"),
    ("Paris, TX is a sister city of Paris", "en", "Paris", "US", "twin", "twin_term"),
    ("Memorandum of understanding signed with Chengdu, China", "en", "Chengdu", "CN", "agreement", "agreement_term"),
    ("list intencyjny z miastem Ningbo (Chiny)", "pl", "Ningbo", "CN", "agreement", "agreement_term"),
]
TRAPS = [
    ("The EU Twinning project with the Ministry of Finance in Beijing", "en", "Beijing", "CN", "eu_twinning_project"),
    ("Twinning-Projekt der Europäischen Union mit Peking", "de", "Beijing", "CN", "eu_twinning_project"),
    ("Projet de jumelage institutionnel financé par l'UE avec Pékin", "fr", "Beijing", "CN", "eu_twinning_project"),
    ("Unsere Schule macht bei eTwinning mit einer Klasse aus Austin, Texas mit", "de", "Austin", "US", "etwinning"),
    ("Gemellaggio scolastico con una scuola di Boston", "it", "Boston", "US", "school_twinning"),
    (
        "A delegation from the Twin Cities visited Kraków last week",
        "en",
        "Minneapolis",
        "US",
        "twin_cities_minneapolis",
    ),
    ("La Hermandad del Rocío viajó a Nueva York", "es", "New York", "US", "religious_brotherhood"),
    ("La cofradía de la Virgen peregrinó a Miami (Florida)", "es", "Miami", "US", "religious_brotherhood"),
    ("Partnerstwo z firmą z Chicago w ramach projektu", "pl", "Chicago", "US", "generic_partner_word"),
    ("Partnerschaft mit einem Unternehmen aus Houston", "de", "Houston", "US", "generic_partner_word"),
    ("Toledo, ciudad hermanada con Nara y Agen", "es", "Toledo", "US", "us_namesake_without_us_context"),
    ("Paris est jumelée avec Rome depuis 1956", "fr", "Rome", "US", "us_namesake_without_us_context"),
    ("Partnerstadt: Lu", "de", "Lu", "CN", "cn_name_without_china_context"),
    ("We booked a twin room in Boston", "en", "Boston", "US", "twin_in_unrelated_sense"),
    ("Visit of the mayor of Dallas to the city hall", "en", "Dallas", "US", "no_twin_term"),
]


@pytest.mark.parametrize("snippet, language, candidate, country, label, reason", TRUE_HITS)
def test_true_hits_are_accepted(snippet, language, candidate, country, label, reason):
    decided = classify_hit(snippet, language, candidate, country)
    assert (decided.label, decided.reason) == (label, reason)


@pytest.mark.parametrize("snippet, language, candidate, country, reason", TRAPS)
def test_false_positive_traps_are_rejected(snippet, language, candidate, country, reason):
    decided = classify_hit(snippet, language, candidate, country)
    assert decided.label == "rejected"
    assert decided.reason == reason


def test_trap_is_masked_but_a_real_twin_term_elsewhere_still_counts():
    snippet = "Beyond eTwinning for schools, Graz is twinned with Raleigh (North Carolina, USA)."
    decided = classify_hit(snippet, "en", "Raleigh", "US")
    assert decided.label == "twin" and "etwinning" in decided.traps


def test_agreement_terms_are_kept_apart_from_twin_terms():
    assert classify_hit("Kooperationsvereinbarung mit Wuhan (China)", "de", "Wuhan", "CN").label == "agreement"
    assert classify_hit("Partnerstadt Wuhan (China)", "de", "Wuhan", "CN").label == "twin"


def test_unknown_language_tries_every_language():
    assert classify_hit("Partnerstädte: Denver (USA)", None, "Denver", "US").label == "twin"


def test_us_context_words_and_state_abbreviations():
    assert crawl.has_us_context("Athens, GA")
    assert crawl.has_us_context("Athènes (Géorgie, États-Unis)")
    assert crawl.has_us_context("Αθήνα ΗΠΑ")
    assert not crawl.has_us_context("Athens, Greece")


def test_lexicon_has_twin_and_agreement_terms_for_every_eu_language():
    lexicon = crawl.load_lexicon()
    eu_languages = set(EU_OFFICIAL_LANGUAGES)
    assert eu_languages <= set(lexicon.twin_terms)
    assert eu_languages <= set(lexicon.agreement_terms)


def _export_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "hit_id": ["h1", "h2", "h3", "h4"],
            "unit_id": ["gn3093133", "gn3093133", "gn3093133", "DE11"],
            "url": [
                "https://www.lodz.example.eu/a",
                "https://www.lodz.example.eu/b",
                "https://www.lodz.example.eu/c",
                "not a url",
            ],
            "fetched": ["2025-02-01", "2025-02-03", "2025-02-XX", "2025-02-01"],
            "language": ["pl", "pl", "pl", "de"],
            "keyword": ["miasta partnerskie", "Partnerstwo", "miasta partnerskie", "Partnerregion"],
            "snippet": [
                "Miasta partnerskie Łodzi: Chicago (USA)",
                "Partnerstwo z firmą z Chicago",
                "Miasta partnerskie: Tianjin (Chiny)",
                "Partnerregion Jiangsu (China)",
            ],
            "candidate_partner_name": ["Chicago", "Chicago", "Tianjin", "Jiangsu"],
            "candidate_country_iso2": ["US", "US", "CN", "CN"],
            "score": ["97.5", "90", "99", "100"],
        }
    )


def test_loader_quarantines_bad_rows_with_file_line_and_column(tmp_path):
    path = tmp_path / "crawl_export.csv"
    _export_rows().to_csv(path, index=False)
    loaded = crawl.load_crawl_export(path)
    assert loaded.row_counts == {"rows_in": 4, "hits": 2, "quarantined": 2}
    reasons = " ".join(loaded.quarantine["reason"])
    assert "crawl_export.csv line 4, column fetched" in reasons
    assert "crawl_export.csv line 5, column url" in reasons
    assert not loaded.hits["is_synthetic"].any()


def test_loader_rejects_a_file_with_missing_columns(tmp_path):
    path = tmp_path / "crawl_export.csv"
    _export_rows().drop(columns=["snippet"]).to_csv(path, index=False)
    with pytest.raises(crawl.CrawlExportError, match=r"crawl_export.csv.*missing \['snippet'\]"):
        crawl.load_crawl_export(path)


def test_classified_hits_merge_into_ties_and_score_against_truth(tmp_path):
    path = tmp_path / "crawl_export.csv"
    rows = _export_rows()
    rows.loc[2, "fetched"] = "2025-02-04"
    rows.loc[3, "url"] = "https://www.duesseldorf.example.eu/x"
    rows.to_csv(path, index=False)
    loaded = crawl.load_crawl_export(path, data_origin="synthetic (seed 1)")
    classified = crawl.classify_hits(loaded.hits)
    crawl.CRAWL_HITS_SCHEMA.validate(classified)
    assert classified["hit_label"].tolist() == ["twin", "rejected", "twin", "twin"]
    ties = crawl.crawl_ties_from_hits(classified)
    crawl.CRAWL_TIES_SCHEMA.validate(ties)
    assert len(ties) == 3 and ties["is_synthetic"].all()
    truth = pd.DataFrame({"hit_id": ["h1", "h2", "h3", "h4"], "is_true_tie": [True, False, True, False]})
    scores = crawl.hit_precision(classified, truth)
    assert scores["true_positive"] == 2 and scores["false_positive"] == 1 and scores["false_negative"] == 0
    assert scores["precision"] == pytest.approx(2 / 3)
