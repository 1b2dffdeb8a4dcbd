"""The reproducibility appendix names the build's commit, the environment and the raw files' checksums, without dates."""

from __future__ import annotations

import os
import subprocess

from analysis.runner import book, reproducibility

MANIFEST = (
    "name\tfile\tsha256\tbytes\tlicence\torigin\tretrieved\troute\n"
    "nuts\tregions.geojson\t" + "a" * 64 + "\t1500000\tCC BY\thttps://x.org\t2026-11-30\tmirror\n"
    "census\tcities.csv\t" + "b" * 64 + "\t500000\tPD\thttps://y.org\t2026-11-30\tmirror\n"
)


def _git(root, *arguments):
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(root), *arguments],
        check=True,
        capture_output=True,
        env=os.environ | {"GIT_CONFIG_GLOBAL": os.devnull},
    )


def test_git_state_names_the_commit_and_sees_uncommitted_changes(tmp_path):
    assert reproducibility.git_state(tmp_path) == (None, False)
    assert reproducibility.commit_epoch(tmp_path) is None
    _git(tmp_path, "init", "-q")
    (tmp_path / "a.txt").write_text("1")
    _git(tmp_path, "add", "a.txt")
    _git(tmp_path, "commit", "-q", "-m", "one")
    commit, dirty = reproducibility.git_state(tmp_path)
    assert len(commit) == 40 and not dirty
    assert reproducibility.commit_epoch(tmp_path) > 1_600_000_000
    (tmp_path / "a.txt").write_text("2")
    assert reproducibility.git_state(tmp_path) == (commit, True)


def test_build_markdown_says_clean_dirty_or_no_checkout():
    assert "`abc`, from a clean working tree" in reproducibility.build_markdown("abc", dirty=False)
    assert "**with uncommitted changes**" in reproducibility.build_markdown("abc", dirty=True)
    assert "outside a git checkout" in reproducibility.build_markdown(None, dirty=False)


def test_manifest_markdown_lists_checksums_in_sha256sum_format_without_dates(tmp_path):
    manifest = tmp_path / "MANIFEST"
    manifest.write_text(MANIFEST, encoding="utf-8")
    text = reproducibility.manifest_markdown(manifest)
    assert "a" * 64 + "  data/raw/nuts/regions.geojson\n" in text
    assert "2 raw files from 2 declared sources (2.0 MB)" in text
    assert "2026-11-30" not in text, "a retrieval date would make two builds differ"
    assert "run `make all`" in reproducibility.manifest_markdown(tmp_path / "absent")


def test_environment_markdown_gives_the_locked_version_of_each_direct_pin(tmp_path):
    (tmp_path / "requirements.lock").write_text("# lock\npandas==3.1.1\nnumpy==2.4.6\ntzdata==2025.2\n")
    (tmp_path / "requirements.txt").write_text("pandas==3.1.1\nmystery==1.0\n")
    text = reproducibility.environment_markdown(tmp_path / "requirements.lock", tmp_path / "requirements.txt")
    assert "3 packages" in text and "| pandas | 3.1.1 |" in text and "| mystery | 1.0 (not in the lock) |" in text
    assert "tzdata" not in text


def test_generated_pages_are_staged_and_kept_when_unchanged(tmp_path):
    source, executed, staging = tmp_path / "book", tmp_path / "executed", tmp_path / "staging"
    source.mkdir()
    executed.mkdir()
    (source / "reproducing.md").write_text("```{include} _generated/build.md\n```\n")
    generated = {"_generated/build.md": b"commit abc\n"}
    book.stage_sources(source, executed, staging, generated=generated)
    page = staging / "_generated" / "build.md"
    assert page.read_bytes() == b"commit abc\n"
    os.utime(page, (1, 1))
    book.stage_sources(source, executed, staging, generated=generated)
    assert page.stat().st_mtime == 1, "an unchanged generated page keeps its time (Sphinx rebuilds nothing)"
    book.stage_sources(source, executed, staging)
    assert not page.exists(), "a page no longer generated leaves the staging folder"


def test_verify_reports_an_appendix_that_no_longer_describes_the_checkout(tmp_path):
    from analysis.runner import verify

    assert verify.appendix_problems(tmp_path) == [], "a book staged without the appendix is not checked"
    for name, content in reproducibility.appendix_files().items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content)
    assert verify.appendix_problems(tmp_path) == []
    (tmp_path / "_generated" / "build.md").write_text("This book was built from commit `0000`.\n")
    assert verify.appendix_problems(tmp_path) == [
        "the reproducibility appendix (_generated/build.md) no longer describes this checkout: make book"
    ]


def test_the_lineage_names_the_processed_tables_and_raw_sources_each_notebook_read(tmp_path):
    import json

    inputs = {
        "/x/data/processed/relations.parquet": "a",
        "/x/data/processed/city_analysis.parquet": "b",
        "/x/analysis/reference/fields.csv": "c",
        "/x/data/raw/geonames/cities.txt": "d",
    }
    (tmp_path / "60_describe.json").write_text(json.dumps({"notebook": "60_describe.ipynb", "inputs": inputs}))
    (tmp_path / "case_gn1.json").write_text(json.dumps({"notebook": "case_gn1.ipynb", "inputs": {}}))
    (tmp_path / "digests.json").write_text(json.dumps({"a": "b"}))  # not a notebook's record
    (tmp_path / "broken.json").write_text("{not json")
    assert reproducibility.data_lineage(tmp_path) == {
        "60_describe": {"notebook": "60_describe.ipynb", "data": ["city_analysis", "raw geonames", "relations"]},
        "case_gn1": {"notebook": "case_study.ipynb", "data": []},
    }
