"""Assemble and build the Jupyter Book from the book's prose and the executed notebooks.

The book never executes a notebook: its chapters are the executed copies that the
pipeline left in ``build/executed``. The build stages ``book/`` and those copies in
``build/book-src`` (copying only files whose bytes changed, so Sphinx's own incremental
build keeps working) and runs ``jupyter-book build`` in strict mode (``-W -n
--keep-going``): a warning, a broken cross-reference, a missing glue key or figure
fails the build. When neither the sources nor the environment changed since the last
successful build, nothing runs at all.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from analysis.core import paths

STAGED_NOTEBOOKS = "notebooks"
FINGERPRINT_NAME = ".source-fingerprint"
IGNORED_BOOK_PARTS = {"_build", ".ipynb_checkpoints", "__pycache__"}


class BookBuildFailed(RuntimeError):
    """jupyter-book reported an error or a warning."""


def html_dir(output_root: Path | None = None) -> Path:
    """Folder of the built HTML book."""
    return (output_root or paths.BOOK) / "_build" / "html"


def _book_files(book_source: Path) -> list[Path]:
    return sorted(
        path
        for path in book_source.rglob("*")
        if path.is_file() and not IGNORED_BOOK_PARTS.intersection(path.relative_to(book_source).parts)
    )


def stage_sources(book_source: Path, executed: Path, staging: Path) -> list[Path]:
    """Mirror ``book_source`` and the executed notebooks into ``staging``; return the staged files.

    Files whose bytes are unchanged keep their modification time; files that no longer
    exist in the sources are removed from the staging folder.
    """
    wanted: dict[Path, Path] = {staging / path.relative_to(book_source): path for path in _book_files(book_source)}
    for notebook in sorted(executed.glob("*.ipynb")):
        wanted[staging / STAGED_NOTEBOOKS / notebook.name] = notebook
    for target, source in wanted.items():
        content = source.read_bytes()
        if source.suffix == ".ipynb":
            content = collapse_code(content)
        if target.exists() and target.read_bytes() == content:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    if staging.exists():
        for stale in [path for path in staging.rglob("*") if path.is_file() and path not in wanted]:
            if "_build" not in stale.relative_to(staging).parts:
                stale.unlink()
    return sorted(wanted)


def collapse_code(notebook_bytes: bytes) -> bytes:
    """The notebook with every code cell tagged ``hide-input``: the book shows prose, tables and figures,
    and the code behind them one click away. Cells already tagged for display are left alone."""
    notebook = json.loads(notebook_bytes)
    display_tags = {"hide-input", "remove-input", "show-input", "remove-cell", "hide-cell"}
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            if not display_tags.intersection(tags):
                tags.append("hide-input")
    return (json.dumps(notebook, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def fingerprint(files: list[Path], staging: Path) -> str:
    """sha256 over the staged files' names and bytes and the environment's lock file."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(staging)).encode("utf-8") + b"\0" + path.read_bytes())
    if paths.LOCK_FILE.exists():
        digest.update(paths.LOCK_FILE.read_bytes())
    return digest.hexdigest()


def build(
    book_source: Path = paths.BOOK,
    executed: Path | None = None,
    output_root: Path | None = None,
    force: bool = False,
    echo: bool = True,
) -> Path:
    """Build the HTML book into ``<output_root>/_build/html`` and return that folder.

    Raises :class:`BookBuildFailed` with jupyter-book's output when the strict build fails.
    """
    executed = executed or paths.executed_dir()
    output_root = output_root or book_source
    staging = paths.build_dir() / "book-src"
    if not any(executed.glob("*.ipynb")):
        raise BookBuildFailed(f"no executed notebooks in {executed}: run the pipeline first (make all)")
    files = stage_sources(book_source, executed, staging)
    stamp = html_dir(output_root) / FINGERPRINT_NAME
    current = fingerprint(files, staging)
    if (
        not force
        and stamp.exists()
        and stamp.read_text() == current
        and (html_dir(output_root) / "index.html").exists()
    ):
        if echo:
            print("book: up to date")
        return html_dir(output_root)
    started = time.perf_counter()
    command = [
        str(Path(sys.executable).with_name("jupyter-book")),
        "build",
        str(staging),
        "--path-output",
        str(output_root),
        "-W",
        "-n",
        "--keep-going",
    ]
    if force:
        command.append("--all")
    result = subprocess.run(command, capture_output=True, text=True, env=os.environ | {"PYTHONWARNINGS": "ignore"})
    if result.returncode != 0:
        raise BookBuildFailed(
            f"jupyter-book build failed (exit {result.returncode}):\n{result.stdout[-6000:]}\n{result.stderr[-4000:]}"
        )
    problems = figure_problems(html_dir(output_root))
    if problems:
        raise BookBuildFailed("the built book has figures without an image:\n" + "\n".join(problems))
    stamp.write_text(current)
    if echo:
        print(f"book: built in {time.perf_counter() - started:.1f} s -> {html_dir(output_root) / 'index.html'}")
    return html_dir(output_root)


def figure_problems(html_root: Path) -> list[str]:
    """Pages where a figure has no image (or glued table), or a figure object was rendered as text instead of a picture."""
    problems = []
    for page in sorted(html_root.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        for block in re.findall(r"<figure\b.*?</figure>", text, flags=re.S):
            if not any(tag in block for tag in ("<img", "<svg", "<table")):
                caption = re.sub(r"<[^>]+>", "", block.split("<figcaption>")[-1])[:80].strip()
                problems.append(f"{page.relative_to(html_root)}: figure without an image ({caption})")
        if "&lt;Figure size" in text:
            problems.append(f"{page.relative_to(html_root)}: a matplotlib figure was rendered as text, not as an image")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.runner.book", description="Build the HTML book (strict).")
    parser.add_argument("--force", action="store_true", help="rebuild every page even if nothing changed")
    parser.add_argument("--output-root", type=Path, help="folder that receives _build/html (default: book/)")
    args = parser.parse_args(argv)
    try:
        build(force=args.force, output_root=args.output_root)
    except BookBuildFailed as failure:
        print(f"book: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
