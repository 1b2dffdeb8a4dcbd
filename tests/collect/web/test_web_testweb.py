"""The local test web: deterministic, complete (every look-alike class, status and fault), faithful to the ties."""

from __future__ import annotations

import html
import io
import re

import pandas as pd
import pypdf
import pytest

from analysis.collect.web import testweb_pages as tp
from analysis.collect.web.testweb import build_test_web, public_ties, sample_units
from analysis.collect.web.testweb_faults import FAULTS
from analysis.collect.web.testweb_sites import LOOKALIKE_CLASSES
from analysis.core.countries import EU27_ISO2, EU_OFFICIAL_LANGUAGES

from conftest import small_web_frames


def _files(root) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_two_builds_with_one_seed_are_byte_identical_and_another_seed_differs(small_test_web, tmp_path):
    units, relations, gazetteer = small_web_frames()
    again = build_test_web(units, relations, gazetteer, seed=6, out_dir=tmp_path / "again", n_units=10)
    other = build_test_web(units, relations, gazetteer, seed=8, out_dir=tmp_path / "other", n_units=10)
    assert _files(again.root) == _files(small_test_web.root)
    assert _files(other.root) != _files(small_test_web.root)


def test_every_lookalike_class_status_and_relation_type_is_on_the_web(small_test_web):
    truth = small_test_web.truth
    assert set(truth["lookalike_class"]) == {"", "passing_mention", *LOOKALIKE_CLASSES}
    real = truth[truth["lookalike_class"].eq("")]
    assert set(real["status"]) == {"established", "planned", "ended"}
    assert set(real["relation_type"]) == {"twin", "friendship", "agreement", "cooperation"}
    lookalikes = truth[truth["lookalike_class"].ne("")]
    assert lookalikes["status"].eq("").all() and lookalikes["relation_type"].eq("").all()


def test_truth_ties_agree_with_the_public_relations(small_test_web):
    _, relations, _ = small_web_frames()
    ties = public_ties(relations)
    status = {(row.unit_id, row.partner_id): row.status for row in ties.itertuples()}
    real = small_test_web.truth[small_test_web.truth["lookalike_class"].eq("")]
    keys = list(zip(real["unit_id"], real["partner_id"]))
    for key, row in zip(keys, real.itertuples()):
        if row.status == "established":
            assert status.get(key) in ("active", "unknown"), row.evidence
        elif row.status == "planned":
            assert key not in status, row.evidence
        else:
            assert status.get(key, "ended") == "ended", row.evidence
    assert "gn2928810" in set(small_test_web.seeds["unit_id"])  # Esslingen: its public tie to New York has ended
    told = real[real["unit_id"].eq("gn2928810") & real["partner_id"].eq("us-place-3651000")]
    assert set(told["status"]) == {"ended"}
    valladolid = real[real["unit_id"].eq("gn3106672")]  # its only US/CN public tie has ended
    assert "established" not in set(valladolid[valladolid["partner_id"].eq("cn-pref-1101")]["status"])


def test_statements_about_other_cities_belong_to_them_and_name_them(small_test_web):
    truth, seeds = small_test_web.truth, small_test_web.seeds
    owner = {re.match(r"http://([^/]+)/", url).group(1): unit for unit, url in zip(seeds["unit_id"], seeds["url"])}
    third = truth[truth["statement_class"].isin(["third_party_twin", "third_party_pair"])]
    pairs = third[third["statement_class"].eq("third_party_pair")].groupby(["url", "evidence"])["unit_id"]
    assert len(third) >= 3 and len(pairs) and pairs.nunique().eq(2).all()  # two other units in one sentence
    for row in third.itertuples():
        assert row.unit_id != owner[re.match(r"http://([^/]+)/", row.url).group(1)]
        assert row.eu_name in row.evidence and row.partner_name in row.evidence
    assert not third["unit_id"].isin(seeds["unit_id"]).any()


def test_every_statement_is_on_its_page(small_test_web):
    root, truth = small_test_web.root, small_test_web.truth
    encodings = {"encoding_cp1250": "cp1250", "encoding_iso8859_2": "iso-8859-2"}
    encoded = {row.url: encodings[row.fault] for row in small_test_web.faults.itertuples() if row.fault in encodings}
    for url, rows in truth.groupby("url"):
        relative = url.removeprefix("http://")
        path = root / (relative + "index.html" if relative.endswith("/") else relative)
        if path.suffix == ".pdf":
            text = " ".join(pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages[0].extract_text().split())
        else:
            text = path.read_bytes().decode(encoded.get(url, "utf-8"))
            text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
        for evidence in rows["evidence"]:
            assert " ".join(evidence.split()) in text, (url, evidence)


def test_every_site_has_a_partner_page_under_its_local_slug_and_a_seed(small_test_web):
    seeds = small_test_web.seeds
    assert list(seeds.columns) == ["unit_id", "url", "languages", "note"]
    assert (small_test_web.root / "seeds.csv").read_text().startswith("unit_id,url,languages,note\n")
    for row in seeds[~seeds["note"].str.contains("disallows")].itertuples():
        host = row.url.removeprefix("http://").rstrip("/")
        for language in row.languages.split(";"):
            slug = tp.site_words()[language]["slug_partners"]
            prefix = "" if language == row.languages.split(";")[0] else f"/{language}"
            assert (small_test_web.root / f"{host}{prefix}/{slug}/index.html").is_file()
    assert "DE11" in set(seeds["unit_id"])  # a NUTS2 region
    german = [url for url in seeds["url"] if url.endswith(".de.test/") and "visit." not in url]
    assert german and all((small_test_web.root / url[7:] / "partnerstaedte/index.html").is_file() for url in german)


def test_faults_are_all_declared_once_and_their_files_are_what_they_say(small_test_web):
    faults, root = small_test_web.faults, small_test_web.root
    assert set(faults["fault"]) == set(FAULTS) and faults["url"].is_unique
    path = {row.fault: root / row.url.removeprefix("http://") for row in faults.itertuples()}
    with pytest.raises(Exception):  # noqa: B017 - pypdf raises several kinds of errors on a broken file
        pypdf.PdfReader(io.BytesIO(path["broken_pdf"].read_bytes())).pages[0].extract_text()
    assert path["large_page"].stat().st_size > 4_000_000
    with pytest.raises(UnicodeDecodeError):
        path["binary_html"].read_bytes().decode("utf-8")
    for fault, encoding in (("encoding_cp1250", "cp1250"), ("encoding_iso8859_2", "iso-8859-2")):
        body = path[fault].read_bytes()
        assert b"charset" not in body.lower() and re.search(rb"[\x80-\xff]", body)
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
        body.decode(encoding)
    assert not path["http_404"].exists()


def test_pdfs_hold_the_resolution_text(small_test_web):
    pdfs = small_test_web.truth[small_test_web.truth["url"].str.endswith(".pdf")]
    assert len(pdfs) >= 3
    for row in pdfs.itertuples():
        data = (small_test_web.root / row.url.removeprefix("http://")).read_bytes()
        text = " ".join(pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
        assert row.partner_name in text and " ".join(row.evidence.split()) in text


def test_phrase_templates_cover_every_language_and_statement_class():
    classes = set(tp.statement_classes()) - {"partner_list_item"}
    phrases = tp.phrases()
    assert {language for language, _ in phrases} == set(EU_OFFICIAL_LANGUAGES) == set(tp.site_words())
    for language in EU_OFFICIAL_LANGUAGES:
        for statement_class in classes:
            templates = phrases.get((language, statement_class))
            assert templates, (language, statement_class)
            for template in templates:
                slots = tp.template_slots(template)
                assert slots <= {"eu", "partner", "country", "state", "year", "eu2", "partner2", "country2"}, template
                assert ("eu2" in slots) == (statement_class == "third_party_pair"), template
                if tp.statement_classes()[statement_class]["partner_pool"] not in ("country_only", "twin_cities"):
                    assert "partner" in slots, template
                for case in re.findall(r"@(\w+)\}", template):
                    tp.inflect("Peking", language, case)  # the suffix table has the case
    inflected = {language for (language, _), templates in phrases.items() for t in templates if "@" in t}
    assert {"pl", "cs", "sk", "sl", "hr", "lt", "lv", "el", "hu", "fi", "et"} <= inflected


@pytest.mark.parametrize(
    ("name", "language", "case", "expected"),
    [
        ("Pekin", "pl", "loc", "Pekinie"),
        ("Pekin", "pl", "ins", "Pekinem"),
        ("Chicago", "pl", "loc", "Chicago"),
        ("Kína", "hu", "ins", "Kínával"),
        ("Chicago", "hu", "ine", "Chicagóban"),
        ("Peking", "fi", "ine", "Pekingissä"),
        ("Chicago", "fi", "com", "Chicagon kanssa"),
        ("Σικάγο", "el", "gen", "Σικάγου"),
        ("New York", "pl", "loc", "New York"),
    ],
)
def test_partner_names_are_inflected_by_the_suffix_table(name, language, case, expected):
    assert tp.inflect(name, language, case) == expected


def test_local_names_come_from_the_gazetteer_in_the_page_script():
    assert tp.local_name("Chicago", "Čikaga|Σικάγο|Чикаго", "el") == "Σικάγο"
    assert tp.local_name("Chicago", "Čikaga|Σικάγο|Чикаго", "bg") == "Чикаго"
    assert tp.local_name("Shanghai", "Šanghaj|Szanghaj", "cs") == "Shanghai"  # no Czech-only letter
    assert tp.local_name("Chicago", "Čikaga", "de") == "Chicago"
    assert tp.country_name("US", "pl") == "Stany Zjednoczone" and tp.country_name("CN", "hu") == "Kína"


def test_the_sample_covers_every_member_state_and_prefers_units_with_us_or_chinese_partners():
    rows = [
        (f"gn{100 + i * 3 + k}", "city", f"Town {i}{k}", country, 1000.0, False)
        for i, country in enumerate(EU27_ISO2)
        for k in range(3)
    ]
    rows.append(("DE11", "region", "Stuttgart", "DE", None, False))
    units = pd.DataFrame(rows, columns=["unit_id", "unit_type", "name", "country_iso2", "population", "is_capital"])
    tied = units["unit_id"].iloc[1::3].tolist()  # the second unit of each country has a US partner
    ties = pd.DataFrame(
        {
            "unit_id": tied,
            "partner_id": "us-place-1",
            "partner_name": "X",
            "partner_country_iso2": "US",
            "status": "active",
        }
    )
    import random

    chosen = sample_units(units, ties, 30, random.Random(1))
    assert set(chosen["country_iso2"]) == set(EU27_ISO2) and len(chosen) == 30
    assert set(tied) <= set(chosen["unit_id"]) and "DE11" in set(chosen["unit_id"])
    languages = {language for country in EU27_ISO2 for language in tp.site_countries()[country][0]}
    assert languages == set(EU_OFFICIAL_LANGUAGES)


def test_every_page_is_linked_from_the_seeds(small_test_web):
    """pages.csv lists what a complete crawl meets: every URL in it is reached by following links from the seeds."""
    root = small_test_web.root
    pages = pd.read_csv(root / "pages.csv", dtype=str, keep_default_na=False)
    assert set(small_test_web.faults["url"]) <= set(pages["url"])
    assert set(small_test_web.truth["url"]) <= set(pages[pages["expected"].eq("fetched")]["url"])
    seen, frontier = set(), list(small_test_web.seeds["url"])
    while frontier:
        url = frontier.pop()
        if url in seen:
            continue
        seen.add(url)
        path = root / url.removeprefix("http://")
        path = path / "index.html" if url.endswith("/") else path
        if path.suffix == ".html" and path.is_file():
            host = url.split("/")[2]
            for href in re.findall(rb'href="(/[^"]*)"', path.read_bytes()):
                frontier.append(f"http://{host}{href.decode()}")
    assert set(pages["url"]) == seen  # and nothing linked is missing from it
