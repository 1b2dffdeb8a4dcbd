"""The generated parts of the reproducibility appendix (``book/reproducing.md``), written at book build.

``book/reproducing.md`` includes three markdown files that :func:`appendix_files` writes into the staged
book (``_generated/``), never into ``book/``:

``build.md``        the commit the book was built from and whether the working tree had uncommitted changes
``environment.md``  the Python version, the lock file (package count, sha256) and the locked versions of the
                    direct pins of ``requirements.txt``
``manifest.md``     the acquired raw files with their sha256 (from ``data/MANIFEST``), in the format
                    ``sha256sum -c`` reads

and ``lineage.json`` (:func:`data_lineage`), the data each notebook read, which the line under every table
names (:mod:`analysis.report.sphinx_tables`).

Nothing here prints a date or a time: two builds of the same commit give the same bytes (the manifest's
retrieval dates are left out for that reason; the checksums are what identify the data).
"""

from __future__ import annotations

import csv
import json
import platform
import subprocess
from pathlib import Path

from analysis.core import paths
from analysis.core.files import sha256_file

GENERATED_DIR = "_generated"
BUILD_PAGE = "build.md"
ENVIRONMENT_PAGE = "environment.md"
MANIFEST_PAGE = "manifest.md"
LINEAGE_NAME = "lineage.json"


def git_state(root: Path | None = None) -> tuple[str | None, bool]:
    """``(commit, dirty)`` of the git checkout at ``root``: the full commit hash (None outside a git checkout,
    e.g. an archive downloaded from Zenodo) and whether tracked or untracked, not ignored, files differ from it."""
    root = root or paths.ROOT

    def git(*arguments: str) -> str | None:
        try:
            result = subprocess.run(["git", "-C", str(root), *arguments], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return result.stdout if result.returncode == 0 else None

    commit = git("rev-parse", "--verify", "HEAD")
    if commit is None:
        return None, False
    status = git("status", "--porcelain")
    return commit.strip(), bool(status and status.strip())


def commit_epoch(root: Path | None = None) -> int | None:
    """The commit time of ``HEAD`` in seconds since 1970 (for ``SOURCE_DATE_EPOCH``), None outside a git checkout."""
    try:
        result = subprocess.run(
            ["git", "-C", str(root or paths.ROOT), "log", "-1", "--format=%ct"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return int(result.stdout) if result.returncode == 0 and result.stdout.strip().isdigit() else None


def build_markdown(commit: str | None, dirty: bool) -> str:
    """What the appendix says about the commit behind the book."""
    if commit is None:
        return "This book was built outside a git checkout, so no commit can be named.\n"
    state = (
        "**with uncommitted changes** in the working tree: what you read may differ from that commit"
        if dirty
        else "from a clean working tree: checking out that commit and running `make all` gives this book"
    )
    return f"This book was built from commit `{commit}`, {state}.\n"


def environment_markdown(lock: Path | None = None, requirements: Path | None = None) -> str:
    """The Python version, the lock file's size and digest, and the locked versions of the direct pins."""
    from analysis.runner import environment

    lock = lock or paths.LOCK_FILE
    requirements = requirements or paths.ROOT / "requirements.txt"
    locked = environment.read_pins(lock)
    direct = environment.read_pins(requirements)
    rows = [
        f"| {name} | {locked.get(name, version + ' (not in the lock)')} |" for name, version in sorted(direct.items())
    ]
    return (
        f"The notebooks ran and the book was built with Python {platform.python_version()} in a virtual "
        f"environment installed from `{lock.name}`: {len(locked)} packages, each pinned to one version "
        f"(sha256 of the file `{sha256_file(lock)}`). The packages the compendium asks for directly "
        f"(`{requirements.name}`) are locked at these versions:\n\n"
        "| package | version |\n|---|---|\n" + "\n".join(rows) + "\n"
    )


def manifest_markdown(manifest: Path | None = None) -> str:
    """The acquired raw files, one ``<sha256>  data/raw/<source>/<file>`` line each (``sha256sum -c`` format)."""
    manifest = manifest or paths.raw_manifest()
    if not manifest.exists():
        return "No raw data had been acquired when this book was built (`data/MANIFEST` is missing): run `make all`.\n"
    with open(manifest, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    lines = [f"{row['sha256']}  data/raw/{row['name']}/{row['file']}" for row in rows]
    total = sum(int(row["bytes"]) for row in rows)
    sources = len({row["name"] for row in rows})
    return (
        f"{len(rows)} raw files from {sources} declared sources ({total / 1e6:,.1f} MB), as listed in "
        "`data/MANIFEST` when the book was built. From the project root, `sha256sum -c` checks a copy of "
        "these lines against the files; `make verify` does the same against the declarations in "
        "`analysis/reference/sources.yaml`.\n\n```text\n" + "\n".join(lines) + "\n```\n"
    )


def appendix_files(root: Path | None = None, manifest: Path | None = None) -> dict[str, bytes]:
    """The generated pages, by their path in the staged book (``_generated/<page>``)."""
    commit, dirty = git_state(root)
    pages = {
        BUILD_PAGE: build_markdown(commit, dirty),
        ENVIRONMENT_PAGE: environment_markdown(),
        MANIFEST_PAGE: manifest_markdown(manifest),
    }
    pages[LINEAGE_NAME] = json.dumps(data_lineage(), indent=1, sort_keys=True) + "\n"
    return {f"{GENERATED_DIR}/{name}": text.encode("utf-8") for name, text in pages.items()}


def data_lineage(state: Path | None = None) -> dict[str, dict[str, object]]:
    """``{executed notebook stem: {"notebook": its source notebook, "data": the data it read}}`` from the runner's
    records (``build/state/<stem>.json``): the processed tables by name (``cities``) and the raw sources by folder
    (``raw geonames``), sorted. A case chapter's source is the case-study template (:mod:`analysis.runner.cases`)."""
    from analysis.runner import cases

    lineage: dict[str, dict[str, object]] = {}
    for record in sorted((state or paths.state_dir()).glob("*.json")):
        try:
            content = json.loads(record.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if not isinstance(content, dict) or "notebook" not in content:
            continue  # the runner's other records (digests, the case list)
        read: set[str] = set()
        for name in content.get("inputs", {}):
            parts = Path(name).parts
            if "processed" in parts and name.endswith(".parquet"):
                read.add(Path(name).stem)
            elif "raw" in parts and parts.index("raw") + 1 < len(parts) - 1:
                read.add(f"raw {parts[parts.index('raw') + 1]}")
        source = cases.TEMPLATE_NAME if record.stem.startswith(cases.CASE_PREFIX) else f"{record.stem}.ipynb"
        lineage[record.stem] = {"notebook": source, "data": sorted(read)}
    return lineage
