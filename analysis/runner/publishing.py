"""The publishing kit: citation and deposit metadata, licences and the Binder environment, checked.

* ``CITATION.cff`` (Citation File Format 1.2.0) and ``.zenodo.json`` (Zenodo deposition metadata) are
  checked against the rules in ``analysis/reference/publishing_metadata.yaml`` (:func:`cff_problems`,
  :func:`zenodo_problems`), and against each other and the book's configuration: the same title,
  authors, version, licence and repository (:func:`consistency_problems`).
* Two parts are generated from the source registry (``analysis/reference/sources.yaml``) and kept in
  the repository: the per-source licence table of ``LICENSE-text-data.md`` and the ``isDerivedFrom``
  relations of ``.zenodo.json`` (:func:`generated_problems`; ``--write`` rewrites them).
* ``binder/`` gives repo2docker (mybinder.org and other BinderHubs) the locked environment
  (:func:`binder_problems`). repo2docker reads only ``binder/`` when that folder exists, so the root's
  ``environment.yml`` (for conda users) and ``requirements.txt`` keep their meaning for humans; without
  ``binder/``, ``environment.yml`` would win over ``requirements.txt`` and Binder would resolve the
  direct pins afresh instead of installing the lock.

``python -m analysis.runner.publishing`` prints every problem (exit 1 when there is one);
``--write`` regenerates the generated parts first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

import yaml

from analysis.acquire import registry
from analysis.core import paths

RULES_FILE = paths.REFERENCE / "publishing_metadata.yaml"
CITATION_FILE = "CITATION.cff"
ZENODO_FILE = ".zenodo.json"
LICENCE_FILE = "LICENSE"
TEXT_DATA_LICENCE_FILE = "LICENSE-text-data.md"
BINDER_DIR = "binder"
TABLE_START = "<!-- generated: analysis.runner.publishing from analysis/reference/sources.yaml; do not edit -->"
TABLE_END = "<!-- end of generated table -->"
DATE = re.compile(r"^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$")
URL = re.compile(r"^(https|http|ftp|sftp)://.+")
DOI = re.compile(r"^10\.\d{4,9}(\.\d+)?/[A-Za-z0-9:/_;\-\.\(\)\[\]\\]+$")
ORCID = re.compile(r"https://orcid\.org/[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]{1}")


def load_rules(path: Path = RULES_FILE) -> dict[str, Any]:
    """The CFF and Zenodo rules (``analysis/reference/publishing_metadata.yaml``)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def read_citation(path: Path) -> dict[str, Any]:
    """``CITATION.cff`` as a mapping (YAML dates read as their ISO strings, as the CFF schema asks)."""
    return _dates_as_text(yaml.safe_load(path.read_text(encoding="utf-8")))


def _dates_as_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _dates_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(item) for item in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and len(value) > 0


def _kind_problem(kind: str, value: Any, cff: dict[str, Any]) -> str | None:
    """Why ``value`` is not a valid CFF value of ``kind`` (None when it is)."""
    if kind in ("agents", "references"):
        if not isinstance(value, list) or not value:
            return "must be a non-empty list"
        check = _agent_problem if kind == "agents" else _reference_problem
        found = [f"item {number}: {problem}" for number, item in enumerate(value, 1) if (problem := check(item, cff))]
        return "; ".join(found) or None
    simple = {
        "text": (_is_text, "must be a non-empty string"),
        "date": (lambda v: isinstance(v, str) and DATE.match(v), "must be a date YYYY-MM-DD"),
        "url": (lambda v: isinstance(v, str) and URL.match(v), "must be an http(s), ftp or sftp URL"),
        "doi": (lambda v: isinstance(v, str) and DOI.match(v), "must be a DOI (10.NNNN/...), not a URL"),
        "version": (
            lambda v: _is_text(v) or (isinstance(v, int | float) and not isinstance(v, bool)),
            "must be a string or a number",
        ),
        "cff-version": (lambda v: v == "1.2.0", "must be the string 1.2.0"),
        "software-type": (lambda v: v in ("dataset", "software"), "must be dataset or software"),
        "texts": (
            lambda v: isinstance(v, list) and v and all(map(_is_text, v)) and len(set(v)) == len(v),
            "must be a non-empty list of unique non-empty strings",
        ),
        "license": (lambda v: _licence_ok(v, cff), "must be an SPDX id (or a list of them) from the rules file"),
        "identifiers": (
            lambda v: isinstance(v, list) and v and all(map(_identifier_ok, v)),
            "must be a list of {type, value}",
        ),
        "reference": (lambda v: _reference_problem(v, cff) is None, "must be a reference with authors, title and type"),
    }
    valid, message = simple[kind]
    return None if valid(value) else message


def _licence_ok(value: Any, cff: dict[str, Any]) -> bool:
    ids = set(cff["spdx_ids"]["ids"])
    if isinstance(value, list):
        return bool(value) and len(set(value)) == len(value) and all(item in ids for item in value)
    return value in ids


def _identifier_ok(value: Any) -> bool:
    if not isinstance(value, dict) or set(value) - {"type", "value", "description"}:
        return False
    checks = {
        "doi": DOI.match,
        "url": URL.match,
        "swh": re.compile(r"^swh:1:(snp|rel|rev|dir|cnt):[0-9a-fA-F]{40}$").match,
    }
    kind, text = value.get("type"), value.get("value")
    if kind == "other":
        return _is_text(text)
    return kind in checks and isinstance(text, str) and bool(checks[kind](text))


def _agent_problem(agent: Any, cff: dict[str, Any]) -> str | None:
    """Why ``agent`` is neither a CFF person nor a CFF entity (None when it is one of them)."""
    if not isinstance(agent, dict) or not agent:
        return "must be a person or an entity (a mapping)"
    person_keys, entity_keys = set(cff["person_keys"]["keys"]), set(cff["entity_keys"]["keys"])
    is_entity = "name" in agent and not set(agent) - entity_keys
    is_person = not set(agent) - person_keys
    if not (is_entity or is_person):
        return (
            f"keys {sorted(set(agent) - person_keys - entity_keys) or sorted(agent)} fit neither a person nor an entity"
        )
    if "orcid" in agent and not (isinstance(agent["orcid"], str) and ORCID.match(agent["orcid"])):
        return "orcid must be https://orcid.org/NNNN-NNNN-NNNN-NNNN"
    texts = [key for key, value in agent.items() if key not in ("country", "orcid", "website") and not _is_text(value)]
    return f"{texts} must be non-empty strings" if texts else None


def _reference_problem(reference: Any, cff: dict[str, Any]) -> str | None:
    if not isinstance(reference, dict):
        return "must be a mapping"
    missing = [key for key in cff["reference_required"]["keys"] if key not in reference]
    return f"misses {missing}" if missing else None


def cff_problems(path: Path | None = None, rules: dict[str, Any] | None = None) -> list[str]:
    """Every way ``CITATION.cff`` breaks CFF 1.2.0 as the rules file has it (empty when it is valid)."""
    path = path or paths.ROOT / CITATION_FILE
    cff = (rules or load_rules())["cff"]
    try:
        citation = read_citation(path)
    except (OSError, ValueError, yaml.YAMLError) as error:  # ValueError: an impossible YAML date
        return [f"{path.name}: cannot be read as YAML ({error})"]
    if not isinstance(citation, dict):
        return [f"{path.name}: must be a YAML mapping"]
    kinds = {entry["key"]: entry["kind"] for entry in cff["keys"]}
    problems = [f"{path.name}: required key '{key}' is missing" for key in cff["required"] if key not in citation]
    problems += [f"{path.name}: unknown key '{key}' (not in CFF 1.2.0)" for key in citation if key not in kinds]
    for key, value in citation.items():
        if key in kinds and (problem := _kind_problem(kinds[key], value, cff)):
            problems.append(f"{path.name}: '{key}' {problem}")
    return problems


def zenodo_problems(path: Path | None = None, rules: dict[str, Any] | None = None) -> list[str]:
    """Every way ``.zenodo.json`` breaks the Zenodo deposition metadata rules (empty when it is valid)."""
    path = path or paths.ROOT / ZENODO_FILE
    zenodo = (rules or load_rules())["zenodo"]
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        return [f"{path.name}: cannot be read as JSON ({error})"]
    if not isinstance(metadata, dict):
        return [f"{path.name}: must be a JSON object"]
    problems = [
        f"{path.name}: required key '{key}' is missing" for key in zenodo["required"]["keys"] if key not in metadata
    ]
    problems += [f"{path.name}: unknown key '{key}'" for key in metadata if key not in zenodo["allowed"]["keys"]]
    controlled = {
        "upload_type": zenodo["upload_types"]["values"],
        "access_right": zenodo["access_rights"]["values"],
        "license": zenodo["licenses"]["values"],
    }
    for key, values in controlled.items():
        if key in metadata and metadata[key] not in values:
            problems.append(f"{path.name}: '{key}' is {metadata[key]!r}, not one of {values}")
    for key in ("title", "description", "version"):
        if key in metadata and not _is_text(metadata[key]):
            problems.append(f"{path.name}: '{key}' must be a non-empty string")
    if "keywords" in metadata and not (
        isinstance(metadata["keywords"], list) and all(map(_is_text, metadata["keywords"]))
    ):
        problems.append(f"{path.name}: 'keywords' must be a list of non-empty strings")
    problems += _zenodo_list_problems(path.name, metadata, zenodo)
    return problems


def _zenodo_list_problems(name: str, metadata: dict[str, Any], zenodo: dict[str, Any]) -> list[str]:
    """Problems of the creators and related_identifiers lists."""
    problems = []
    creators = metadata.get("creators")
    if not isinstance(creators, list) or not creators:
        problems.append(f"{name}: 'creators' must be a non-empty list")
    for number, creator in enumerate(creators if isinstance(creators, list) else [], 1):
        if not isinstance(creator, dict) or not _is_text(creator.get("name")):
            problems.append(f"{name}: creator {number} needs a name")
        elif unknown := set(creator) - set(zenodo["creator_keys"]["keys"]):
            problems.append(f"{name}: creator {number} has unknown keys {sorted(unknown)}")
    related = metadata.get("related_identifiers", [])
    if not isinstance(related, list):
        return [*problems, f"{name}: 'related_identifiers' must be a list"]
    for number, item in enumerate(related, 1):
        if not isinstance(item, dict) or not _is_text(item.get("identifier")):
            problems.append(f"{name}: related identifier {number} needs an identifier")
            continue
        if item.get("relation") not in zenodo["relations"]["values"]:
            problems.append(
                f"{name}: related identifier {number} has relation {item.get('relation')!r}, not a DataCite one"
            )
        if unknown := set(item) - set(zenodo["related_identifier_keys"]["keys"]):
            problems.append(f"{name}: related identifier {number} has unknown keys {sorted(unknown)}")
    return problems


def book_config(root: Path | None = None) -> dict[str, Any]:
    """``book/_config.yml``."""
    return yaml.safe_load(((root or paths.ROOT) / "book" / "_config.yml").read_text(encoding="utf-8"))


def repository_urls(root: Path | None = None) -> dict[str, str | None]:
    """The repository each file names: CITATION.cff ``repository-code``, .zenodo.json's ``isSupplementTo``
    relation and the book's ``repository.url`` (the launch buttons)."""
    root = root or paths.ROOT
    zenodo = json.loads((root / ZENODO_FILE).read_text(encoding="utf-8"))
    supplement = [
        i["identifier"] for i in zenodo.get("related_identifiers", []) if i.get("relation") == "isSupplementTo"
    ]
    return {
        CITATION_FILE: read_citation(root / CITATION_FILE).get("repository-code"),
        ZENODO_FILE: supplement[0] if supplement else None,
        "book/_config.yml": (book_config(root).get("repository") or {}).get("url"),
    }


def consistency_problems(root: Path | None = None) -> list[str]:
    """Where CITATION.cff, .zenodo.json, LICENSE, pyproject.toml and the book's configuration disagree:
    title, authors (the book's ``author``), version, licence and repository."""
    root = root or paths.ROOT
    citation = read_citation(root / CITATION_FILE)
    zenodo = json.loads((root / ZENODO_FILE).read_text(encoding="utf-8"))
    config = book_config(root)
    version = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    cff_authors = ", ".join(_display_name(author) for author in citation.get("authors", []))
    zenodo_authors = ", ".join(
        ", ".join(filter(None, (c.get("name"), c.get("affiliation")))) for c in zenodo.get("creators", [])
    )
    checks = [
        ("the book's title", config.get("title"), "CITATION.cff title", citation.get("title")),
        (
            "the book's title",
            config.get("title"),
            ".zenodo.json title (before the colon)",
            zenodo.get("title", "").split(":")[0],
        ),
        ("the book's author", config.get("author"), "CITATION.cff authors", cff_authors),
        ("the book's author", config.get("author"), ".zenodo.json creators (name, affiliation)", zenodo_authors),
        ("pyproject.toml version", version, "CITATION.cff version", str(citation.get("version"))),
        ("pyproject.toml version", version, ".zenodo.json version", zenodo.get("version")),
        ("LICENSE", _licence_of(root / LICENCE_FILE), "CITATION.cff license", citation.get("license")),
        ("LICENSE", _licence_of(root / LICENCE_FILE), ".zenodo.json license", str(zenodo.get("license", "")).upper()),
    ]
    problems = [f"{one} is {a!r} but {other} is {b!r}" for one, a, other, b in checks if a != b]
    urls = repository_urls(root)
    if len(set(urls.values())) != 1 or None in urls.values():
        problems.append(f"the files name different repositories (or none): {urls}")
    return problems


def _display_name(agent: dict[str, Any]) -> str:
    if "name" in agent:
        return agent["name"]
    return " ".join(filter(None, (agent.get("given-names"), agent.get("name-particle"), agent.get("family-names"))))


def _licence_of(path: Path) -> str | None:
    """The SPDX id of the licence text in ``path`` (MIT or BSD-3-Clause), from its first line."""
    first = path.read_text(encoding="utf-8").splitlines()[0] if path.exists() else ""
    return {"MIT License": "MIT", "BSD 3-Clause License": "BSD-3-Clause"}.get(first.strip())


def placeholder_files(root: Path | None = None) -> list[str]:
    """The files that still name the placeholder repository owner (``OWNER``), for the team to fill in."""
    root = root or paths.ROOT
    return [name for name, url in repository_urls(root).items() if url and "/OWNER/" in url]


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def licence_table(sources: dict[str, registry.Source] | None = None) -> str:
    """The markdown table of each declared raw source with its licence, attribution and origin."""
    sources = registry.declared_sources() if sources is None else sources
    rows = ["| Source (`data/raw/<name>/`) | Licence as stated | Attribution | Origin |", "|---|---|---|---|"]
    rows += [f"| `{s.name}` | {_cell(s.licence)} | {_cell(s.attribution)} | <{s.origin}> |" for s in sources.values()]
    return "\n".join(rows) + "\n"


def source_relations(sources: dict[str, registry.Source] | None = None) -> list[dict[str, str]]:
    """The ``isDerivedFrom`` related identifiers of the deposit: each declared source's origin."""
    sources = registry.declared_sources() if sources is None else sources
    origins = dict.fromkeys(source.origin for source in sources.values())
    return [
        {"identifier": o, "relation": "isDerivedFrom", "resource_type": "dataset", "scheme": "url"} for o in origins
    ]


def _with_generated_parts(root: Path) -> dict[Path, str]:
    """The two generated files as they should read: ``{path: text}``."""
    licence_path, zenodo_path = root / TEXT_DATA_LICENCE_FILE, root / ZENODO_FILE
    text = licence_path.read_text(encoding="utf-8")
    before, _, rest = text.partition(TABLE_START + "\n")
    _, _, after = rest.partition(TABLE_END)
    licence_text = f"{before}{TABLE_START}\n{licence_table()}{TABLE_END}{after}"
    zenodo = json.loads(zenodo_path.read_text(encoding="utf-8"))
    kept = [item for item in zenodo.get("related_identifiers", []) if item.get("relation") != "isDerivedFrom"]
    zenodo["related_identifiers"] = kept + source_relations()
    return {licence_path: licence_text, zenodo_path: json.dumps(zenodo, indent=2, ensure_ascii=False) + "\n"}


def generated_problems(root: Path | None = None) -> list[str]:
    """The generated parts that are out of step with the source registry (fix: ``--write``)."""
    root = root or paths.ROOT
    if TABLE_START not in (root / TEXT_DATA_LICENCE_FILE).read_text(encoding="utf-8"):
        return [f"{TEXT_DATA_LICENCE_FILE} has lost its generated-table marker"]
    return [
        f"{path.name} is out of step with analysis/reference/sources.yaml: python -m analysis.runner.publishing --write"
        for path, text in _with_generated_parts(root).items()
        if path.read_text(encoding="utf-8") != text
    ]


def write_generated(root: Path | None = None) -> list[Path]:
    """Rewrite the generated parts; return the files that changed."""
    changed = []
    for path, text in _with_generated_parts(root or paths.ROOT).items():
        if path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def requirement_files(requirements: Path) -> list[Path]:
    """``requirements`` and every file it pulls in with ``-r``/``-c`` (paths relative to the including file, as pip reads them)."""
    found, pending = [], [requirements]
    while pending:
        current = pending.pop(0)
        found.append(current)
        for line in current.read_text(encoding="utf-8").splitlines() if current.exists() else []:
            match = re.match(r"^\s*(?:-r|-c|--requirement|--constraint)[ =]\s*(\S+)", line)
            if match and (nested := (current.parent / match.group(1)).resolve()) not in found:
                pending.append(nested)
    return found


def binder_problems(root: Path | None = None) -> list[str]:
    """Whether ``binder/`` gives repo2docker Python 3.11, the whole lock and the editable package.

    repo2docker looks only in ``binder/`` (or ``.binder/``, never both) once the folder exists; an
    ``environment.yml`` there would win over ``requirements.txt`` (its conda buildpack is tried first).
    """
    from analysis.runner import environment

    root = root or paths.ROOT
    binder = root / BINDER_DIR
    problems = [] if binder.is_dir() else [f"{BINDER_DIR}/ is missing"]
    if (root / ".binder").exists():
        problems.append("both binder/ and .binder/ exist: repo2docker refuses that")
    problems += [
        f"{BINDER_DIR}/{name} would take precedence over requirements.txt"
        for name in ("environment.yml", "environment.yaml", "Dockerfile", "Pipfile")
        if (binder / name).exists()
    ]
    runtime = (binder / "runtime.txt").read_text(encoding="utf-8").strip() if (binder / "runtime.txt").exists() else ""
    if runtime != "python-3.11":
        problems.append(f"{BINDER_DIR}/runtime.txt must say python-3.11 (pyproject requires 3.11), not {runtime!r}")
    requirements = binder / "requirements.txt"
    files = requirement_files(requirements)
    problems += [f"{BINDER_DIR}/requirements.txt pulls in {f} which does not exist" for f in files if not f.exists()]
    pinned = {name for f in files if f.exists() for name in environment.read_pins(f)}
    missing = sorted(set(environment.read_pins(paths.LOCK_FILE)) - pinned)
    if missing:
        problems.append(f"{BINDER_DIR}/requirements.txt does not install the whole lock: {missing[:5]}...")
    post_build = binder / "postBuild"
    script = post_build.read_text(encoding="utf-8") if post_build.exists() else ""
    if not script.startswith("#!/bin/bash") or "set -e" not in script or not post_build.stat().st_mode & 0o111:
        problems.append(f"{BINDER_DIR}/postBuild must be an executable bash script that stops on errors (set -e)")
    if "pip install" not in script or "-e ." not in script:
        problems.append(f"{BINDER_DIR}/postBuild must install the analysis package (pip install ... -e .)")
    return problems


def all_problems(root: Path | None = None) -> list[str]:
    """Every problem of the publishing kit."""
    root = root or paths.ROOT
    return (
        cff_problems(root / CITATION_FILE)
        + zenodo_problems(root / ZENODO_FILE)
        + consistency_problems(root)
        + generated_problems(root)
        + binder_problems(root)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.runner.publishing", description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="regenerate the generated parts from the source registry")
    args = parser.parse_args(argv)
    if args.write:
        for path in write_generated():
            print(f"rewrote {path.relative_to(paths.ROOT)}")
    problems = all_problems()
    for problem in problems:
        print(problem, file=sys.stderr)
    if left := placeholder_files():
        print(f"note: {', '.join(left)} still name the placeholder repository (OWNER)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
