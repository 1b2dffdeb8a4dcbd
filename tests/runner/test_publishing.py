"""The publishing kit: CITATION.cff and .zenodo.json are valid and agree with each other and the book,
the licence files and the deposit's data relations follow the source registry, binder/ gives repo2docker
the lock, and the book's configuration has launch buttons for the same repository."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from analysis.acquire import registry
from analysis.core import paths
from analysis.runner import publishing

KIT_FILES = ("CITATION.cff", ".zenodo.json", "LICENSE", "LICENSE-text-data.md", "pyproject.toml", "book/_config.yml")


@pytest.fixture
def kit(tmp_path):
    """A copy of the kit's files (and binder/) in a temporary root, to break one thing at a time."""
    for name in KIT_FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(paths.ROOT / name, tmp_path / name)
    shutil.copytree(paths.ROOT / "binder", tmp_path / "binder")
    for name in ("requirements.lock", "requirements.txt", "requirements-dev.txt"):
        shutil.copy2(paths.ROOT / name, tmp_path / name)
    return tmp_path


def test_the_kit_of_the_repository_has_no_problem():
    assert publishing.all_problems() == []


def test_citation_cff_has_the_required_keys_and_types():
    citation = publishing.read_citation(paths.ROOT / "CITATION.cff")
    assert {"cff-version", "message", "title", "authors"} <= set(citation)
    assert citation["cff-version"] == "1.2.0" and isinstance(citation["authors"], list)
    assert publishing.DATE.match(citation["date-released"])


def test_cff_problems_finds_missing_unknown_and_mistyped_keys(tmp_path):
    broken = tmp_path / "CITATION.cff"
    broken.write_text(
        "cff-version: 1.1.0\n"
        "message: cite\n"
        "authors:\n  - name: Lab\n    affiliation: University\n  - family-names: Doe\n    orcid: 0000-0001\n"
        'date-released: "2026-13-01"\n'
        "license: [MIT, MIT]\n"
        "repository-code: github.com/x/y\n"
        "keywords: [a, a]\n"
        "licence: MIT\n",
        encoding="utf-8",
    )
    problems = "\n".join(publishing.cff_problems(broken))
    for expected in (
        "required key 'title' is missing",
        "unknown key 'licence'",
        "'cff-version' must be the string 1.2.0",
        "item 1: keys ['affiliation'",
        "item 2: orcid",
        "'date-released' must be a date",
        "'license' must be an SPDX id",
        "'repository-code' must be an http(s)",
        "'keywords' must be a non-empty list of unique",
    ):
        assert expected in problems


def test_a_yaml_date_is_read_as_its_iso_string(tmp_path):
    citation = tmp_path / "CITATION.cff"
    citation.write_text("cff-version: 1.2.0\nmessage: m\ntitle: t\nauthors: [{name: Lab}]\ndate-released: 2026-11-30\n")
    assert publishing.cff_problems(citation) == []
    assert publishing.read_citation(citation)["date-released"] == "2026-11-30"


def test_zenodo_problems_finds_invalid_values(tmp_path):
    broken = tmp_path / ".zenodo.json"
    broken.write_text(
        json.dumps(
            {
                "upload_type": "code",
                "title": "t",
                "creators": [{"name": "Lab", "institution": "U"}],
                "license": "MIT-0",
                "related_identifiers": [{"identifier": "https://x.org", "relation": "isInspiredBy"}],
                "homepage": "https://x.org",
            }
        )
    )
    problems = "\n".join(publishing.zenodo_problems(broken))
    for expected in (
        "required key 'description' is missing",
        "unknown key 'homepage'",
        "'upload_type' is 'code'",
        "'license' is 'MIT-0'",
        "creator 1 has unknown keys ['institution']",
        "relation 'isInspiredBy', not a DataCite one",
    ):
        assert expected in problems


def test_the_files_agree_on_title_authors_version_licence_and_repository(kit):
    assert publishing.consistency_problems(kit) == []
    config = yaml.safe_load((kit / "book/_config.yml").read_text(encoding="utf-8"))
    config["repository"]["url"] = "https://github.com/someone-else/paradiplomacy-compendium"
    (kit / "book/_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    zenodo = json.loads((kit / ".zenodo.json").read_text(encoding="utf-8"))
    zenodo["version"] = "9.9.9"
    (kit / ".zenodo.json").write_text(json.dumps(zenodo), encoding="utf-8")
    problems = "\n".join(publishing.consistency_problems(kit))
    assert "pyproject.toml version is '0.1.0' but .zenodo.json version is '9.9.9'" in problems
    assert "different repositories" in problems


def test_the_book_has_launch_buttons_for_the_repository():
    config = publishing.book_config()
    assert config["launch_buttons"]["binderhub_url"].startswith("https://")
    assert config["launch_buttons"]["notebook_interface"] == "jupyterlab"
    assert config["repository"]["url"] == publishing.repository_urls()["CITATION.cff"]
    assert config["repository"]["path_to_book"] == "", "chapters are staged at notebooks/, as in the repository"


def test_every_declared_source_has_its_licence_and_a_deposit_relation():
    sources = registry.declared_sources()
    licences = (paths.ROOT / "LICENSE-text-data.md").read_text(encoding="utf-8")
    for source in sources.values():
        assert f"`{source.name}`" in licences and " ".join(source.licence.split()) in licences
    zenodo = json.loads((paths.ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    derived = {i["identifier"] for i in zenodo["related_identifiers"] if i["relation"] == "isDerivedFrom"}
    assert derived == {source.origin for source in sources.values()}


def test_the_code_and_the_text_have_separate_licences():
    assert (paths.ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    text = (paths.ROOT / "LICENSE-text-data.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in text and "keep their own licences" in text


def test_a_generated_part_out_of_step_is_found_and_rewritten(kit):
    licence = kit / "LICENSE-text-data.md"
    licence.write_text(
        licence.read_text(encoding="utf-8").replace("| `world_atlas_npm`", "| `atlas`"), encoding="utf-8"
    )
    zenodo = json.loads((kit / ".zenodo.json").read_text(encoding="utf-8"))
    zenodo["related_identifiers"] = zenodo["related_identifiers"][:2]
    (kit / ".zenodo.json").write_text(json.dumps(zenodo), encoding="utf-8")
    assert len(publishing.generated_problems(kit)) == 2
    assert len(publishing.write_generated(kit)) == 2
    assert publishing.generated_problems(kit) == []
    assert (
        json.loads((kit / ".zenodo.json").read_text(encoding="utf-8"))["related_identifiers"][0]["relation"]
        == "isSupplementTo"
    )


def test_binder_installs_the_lock_on_python_3_11(kit):
    assert publishing.binder_problems(kit) == []
    files = publishing.requirement_files(kit / "binder" / "requirements.txt")
    assert kit / "requirements.lock" in files and kit / "requirements.txt" in files


def test_binder_problems_names_what_repo2docker_would_do_instead(kit):
    (kit / "binder" / "environment.yml").write_text("dependencies: [python=3.11]\n")
    (kit / "binder" / "runtime.txt").write_text("python-3.12\n")
    (kit / "binder" / "requirements.txt").write_text("-r ../requirements.txt\n")
    (kit / "binder" / "postBuild").write_text("#!/bin/bash\npip install pandas\n")
    (kit / ".binder").mkdir()
    problems = "\n".join(publishing.binder_problems(kit))
    for expected in (
        "both binder/ and .binder/",
        "environment.yml would take precedence",
        "must say python-3.11",
        "does not install the whole lock",
        "stops on errors",
        "must install the analysis package",
    ):
        assert expected in problems
