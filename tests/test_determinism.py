"""Two clean builds give the same bytes: processed tables, executed notebooks, figures, ``.tex`` files and the HTML book.

The first build is the session's ``small_build`` (conftest.py); the second (``second_small_build``) runs the same
notebooks with the same parameters into another workspace, beside the first, and the book is built from each. What is compared and what is not:

* compared: ``data/processed``, ``build/`` (executed notebooks, figures, tables, quantities, staged book
  sources) and the book's ``_build/html`` and ``_build/jupyter_execute``;
* not compared: ``data/raw`` (inputs, copied from the mirror and checked against their declared sha256),
  ``build/state`` (the runner's records name this machine's paths and how long each notebook took) and the
  book's ``_build/.doctrees`` (Sphinx's pickled cache, which holds the source folder's absolute path).

So that a clock reading cannot slip through the byte comparison, the second build starts more than a minute
after the first and runs in a time zone whose date differs from the first's (UTC): the test checks from the
runner's records that every notebook finished in another minute, hour and day of local time, and that the
second build began at least a minute after the first. Every compared text file is also searched for both dates.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from analysis.runner import book

WORKSPACE_FOLDERS = ("data/processed", "build")
BOOK_FOLDERS = ("_build/html", "_build/jupyter_execute")
# The runner's state records times; the demonstration crawl's store is raw material like data/raw (WARC records and
# the crawl log hold fetch times and the crawler's process id), and what the pipeline derives from it is compared.
NOT_COMPARED = ("build/state/", "build/crawl-demo-notebook/crawl/")
TEXT_SUFFIXES = {".html", ".ipynb", ".json", ".js", ".tex", ".csv", ".txt", ".md", ".yml", ".bib", ""}


def built_files(workspace: Path, book_root: Path) -> dict[str, Path]:
    """The files a build must reproduce byte for byte, by their path in ``workspace`` (``data/``, ``build/``)
    or, prefixed ``book/``, in the book's output root."""
    folders = [(workspace, folder, "") for folder in WORKSPACE_FOLDERS] + [
        (book_root, f, "book/") for f in BOOK_FOLDERS
    ]
    files = {}
    for root, folder, prefix in folders:
        for path in sorted((root / folder).rglob("*")):
            name = prefix + path.relative_to(root).as_posix()
            if path.is_file() and not name.startswith(NOT_COMPARED):
                files[name] = path
    return files


def differences(first: dict[str, Path], second: dict[str, Path]) -> list[str]:
    """Files found in one build only, or whose bytes differ between the two (``first`` and ``second`` from :func:`built_files`)."""
    only = [
        f"only in the {label} build: {name}"
        for label, one, other in (("first", first, second), ("second", second, first))
        for name in sorted(one.keys() - other.keys())
    ]
    changed = [
        f"differs: {name}"
        for name in sorted(first.keys() & second.keys())
        if first[name].read_bytes() != second[name].read_bytes()
    ]
    return only + changed


def dated_files(files: dict[str, Path], day: dt.date) -> list[str]:
    """Text files among ``files`` that print ``day`` (ISO, Sphinx's ``Nov 30, 2026``, or ``30 November 2026``)."""
    spellings = {day.isoformat(), day.strftime("%b %d, %Y"), day.strftime("%d %B %Y"), day.strftime("%B %d, %Y")}
    return [
        name
        for name, path in files.items()
        if path.suffix in TEXT_SUFFIXES
        and any(text in path.read_text(encoding="utf-8", errors="replace") for text in spellings)
    ]


def finished_times(workspace: Path) -> dict[str, dt.datetime]:
    """When each notebook of ``workspace``'s build finished, in the local time of its runner (from its record)."""
    return {
        record.stem: dt.datetime.strptime(
            json.loads(record.read_text(encoding="utf-8"))["finished"], "%Y-%m-%dT%H:%M:%S%z"
        )
        for record in sorted((workspace / "build" / "state").glob("*.json"))
        if "finished" in json.loads(record.read_text(encoding="utf-8"))
    }


def clock_apart(first: dict[str, dt.datetime], second: dict[str, dt.datetime]) -> list[str]:
    """Why the two builds' records do not show each notebook run in another minute (UTC), hour and day (local
    time) in the second build than in the first (empty when they do)."""

    def minute(moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(dt.UTC).replace(second=0, microsecond=0)

    common = sorted(first.keys() & second.keys())
    problems = [
        f"{stem} finished at {second[stem]:%Y-%m-%d %H:%M} in both builds (local time)"
        for stem in common
        if first[stem].date() == second[stem].date() or first[stem].hour == second[stem].hour
    ]
    problems += [f"{stem} finished in the same UTC minute in both builds" for stem in common
                 if minute(first[stem]) == minute(second[stem])]  # fmt: skip
    return problems if common else ["the builds share no notebook record"]


def _build_book(workspace: Path, book_root: Path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PARADIP_DATA", str(workspace / "data"))
        patch.setenv("PARADIP_BUILD", str(workspace / "build"))
        book.build(output_root=book_root, echo=False)


@pytest.mark.slow
def test_two_clean_builds_are_byte_identical_html_included(small_build, second_small_build, tmp_path_factory):
    second = second_small_build
    first_times, second_times = finished_times(small_build), finished_times(second)
    assert clock_apart(first_times, second_times) == []
    books = [tmp_path_factory.mktemp("first-book"), tmp_path_factory.mktemp("second-book")]
    for workspace, book_root in zip((small_build, second), books, strict=True):
        _build_book(workspace, book_root)
    first_files, second_files = built_files(small_build, books[0]), built_files(second, books[1])
    assert "book/_build/html/index.html" in second_files and "build/tables/regression_binary.tex" in second_files
    found = differences(first_files, second_files)
    assert not found, "two clean builds differ:\n" + "\n".join(found)
    days = {dt.date.today(), dt.datetime.now(dt.UTC).date()} | {
        t.date() for t in [*first_times.values(), *second_times.values()]
    }
    assert [name for day in sorted(days) for name in dated_files(second_files, day)] == []
    assert [name for day in sorted(days) for name in dated_files(first_files, day)] == []


def test_a_changed_byte_a_missing_file_or_a_date_is_found(tmp_path):
    builds = []
    for label, page in (("first", "<p>1</p>"), ("second", "<p>2</p>")):
        workspace, book_root = tmp_path / label, tmp_path / f"{label}-book"
        (book_root / "_build" / "html").mkdir(parents=True)
        (book_root / "_build" / "html" / "index.html").write_text(page)
        (workspace / "build" / "state").mkdir(parents=True)
        (workspace / "build" / "state" / "10_x.json").write_text(str(workspace))  # the runner's records: not compared
        builds.append((workspace, book_root))
    (builds[0][0] / "build" / "figures").mkdir()
    (builds[0][0] / "build" / "figures" / "fig.png").write_bytes(b"png")
    (builds[1][0] / "build" / "tables").mkdir()
    (builds[1][0] / "build" / "tables" / "t.tex").write_text("built on 2026-11-30\n")
    first, second = (built_files(*build) for build in builds)
    assert differences(first, second) == [
        "only in the first build: build/figures/fig.png",
        "only in the second build: build/tables/t.tex",
        "differs: book/_build/html/index.html",
    ]
    assert dated_files(second, dt.date(2026, 11, 30)) == ["build/tables/t.tex"]
    assert dated_files(second, dt.date(2026, 12, 1)) == []


def test_two_builds_in_the_same_minute_or_day_are_not_taken_as_apart():
    utc, plus14 = dt.UTC, dt.timezone(dt.timedelta(hours=14))
    first = {"10_a": dt.datetime(2026, 11, 30, 10, 0, 5, tzinfo=utc)}
    assert clock_apart(first, {"10_a": dt.datetime(2026, 12, 1, 0, 1, 30, tzinfo=plus14)}) == []
    assert clock_apart(first, {"10_a": dt.datetime(2026, 11, 30, 10, 0, 40, tzinfo=utc)}) == [
        "10_a finished at 2026-11-30 10:00 in both builds (local time)",
        "10_a finished in the same UTC minute in both builds",
    ]
    same_minute_elsewhere = dt.datetime(2026, 12, 1, 0, 0, 50, tzinfo=plus14)  # 10:00:50 UTC
    assert clock_apart(first, {"10_a": same_minute_elsewhere}) == [
        "10_a finished in the same UTC minute in both builds"
    ]
    assert clock_apart(first, {}) == ["the builds share no notebook record"]
