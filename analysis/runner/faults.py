"""The reviewer's fault catalogue (issue 12, item 6): bad inputs and broken builds, each run end to end (``make faults``).

Each :class:`FaultCase` is data: a name, a group, the handling a reviewer expects, and a function that builds
the fault in a scratch folder, runs the real code on it and returns what it observed (:class:`Observed`).
The handlings:

* ``clean``: read without complaint, every row kept;
* ``quarantine``: read, the bad rows set aside with a reason naming file and line;
* ``refused``: stopped with one message naming the file (and line or column when there is one), never a
  bare traceback;
* ``rebuilt`` / ``verify fails`` / ``build works`` / ``recovered``: the build cases of
  :mod:`analysis.runner.fault_builds`, which need a built workspace.

A case holds when the observed handling is the expected one, a refusal names its file, rows in = kept +
quarantined wherever rows apply, and no planted personal marker reaches a message or an output. The survey
export cases are the importers' catalogue (:mod:`analysis.collect.importers.catalogue`), reused here.
``python -m analysis.runner.faults`` runs the input cases (``--build`` adds the build cases on a small build)
and prints the table; it exits 1 when a case does not hold.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.collect import qdpx, survey
from analysis.collect.importers import ExportRefused, catalogue
from analysis.collect.importers.dropin import DropInError, choose_drop_in
from analysis.collect.web import seeds as seeds_module
from analysis.runner import privacy

NAMED_ERRORS = (ExportRefused, DropInError, seeds_module.SeedsError, qdpx.QdpxError, FileNotFoundError, ValueError)


@dataclass
class Observed:
    """What running a case showed: its handling, the message or reason that tells, and its row counts."""

    handling: str
    detail: str = ""
    rows_in: int | None = None
    kept: int | None = None
    quarantined: int | None = None
    named: str = ""  # the file name the message must contain


@dataclass(frozen=True)
class FaultCase:
    name: str
    group: str
    expected: str
    run: Callable[[Path], Observed]
    pattern: str = ""  # must match the detail (a refusal's message or one quarantine reason)


@dataclass
class Result:
    case: FaultCase
    observed: Observed
    problems: list[str]

    @property
    def holds(self) -> bool:
        return not self.problems


def judge(case: FaultCase, observed: Observed) -> list[str]:
    """Why ``observed`` does not meet ``case`` (empty when it does)."""
    problems = []
    if observed.handling != case.expected:
        problems.append(f"expected {case.expected}, observed {observed.handling}")
    if case.pattern and not re.search(case.pattern, observed.detail):
        problems.append(f"detail does not match {case.pattern!r}")
    if observed.handling == "refused" and observed.named and observed.named not in observed.detail:
        problems.append(f"the message does not name {observed.named}")
    counts = (observed.rows_in, observed.kept, observed.quarantined)
    if observed.rows_in is not None and (None in counts or observed.rows_in != observed.kept + observed.quarantined):
        problems.append(f"rows in {observed.rows_in} != kept {observed.kept} + quarantined {observed.quarantined}")
    if privacy.scan_text(observed.detail):
        problems.append("personal data in the message")
    return problems


def run_case(case: FaultCase, folder: Path) -> Result:
    """Run one case in ``folder``; an unexpected exception is observed as a ``crash``."""
    try:
        observed = case.run(folder)
    except Exception as error:  # a crash is an observation: the table reports it
        observed = Observed("crash", f"{type(error).__name__}: {error}")
    return Result(case, observed, judge(case, observed))


def refused(error: Exception, named: str) -> Observed:
    return Observed("refused", str(error).replace("\n", " | "), named=named)


# --------------------------------------------------------------------------- survey exports (the importers' catalogue)


def _survey_case(case: catalogue.Case) -> Callable[[Path], Observed]:
    def run(folder: Path) -> Observed:
        path = case.build(folder)
        try:
            loaded = survey.load_survey_export(path, salt="s" * 16, known_unit_ids=catalogue.FRAME)
        except ExportRefused as error:
            return refused(error, path.name)
        counts = loaded.row_counts
        reasons = loaded.quarantine["reason"].tolist()
        outputs = pd.concat([loaded.quarantine, loaded.responses.astype(str), loaded.partner_ties.astype(str)])
        leaked = catalogue.MARKER in outputs.to_csv().casefold()
        handling = "leak" if leaked else ("quarantine" if reasons else "clean")
        detail = next((r for r in reasons if re.search(case.pattern, r)), reasons[0]) if reasons else ""
        return Observed(handling, detail, counts["rows_in"], counts["responses"], counts["rows_quarantined"])

    return run


def survey_cases() -> list[FaultCase]:
    return [
        FaultCase(f"survey: {case.name}", "survey", case.expect, _survey_case(case), case.pattern)
        for case in catalogue.CASES
    ]


def _salt_case(text: str | None) -> Callable[[Path], Observed]:
    def run(folder: Path) -> Observed:
        export = catalogue.plain_file("export.csv", catalogue.BASE)(folder)
        if text is not None:
            (folder / survey.SALT_FILE_NAME).write_text(text, encoding="utf-8")
        try:
            salt = survey.read_salt(export)
        except (FileNotFoundError, ValueError) as error:
            return refused(error, survey.SALT_FILE_NAME)
        loaded = survey.load_survey_export(export, salt=salt, known_unit_ids=catalogue.FRAME)
        counts = loaded.row_counts
        return Observed("clean", "", counts["rows_in"], counts["responses"], counts["rows_quarantined"])

    return run


def _drop_in_case(files: dict[str, int]) -> Callable[[Path], Observed]:
    """``files``: name -> modification time (seconds) of each file dropped in the folder."""

    def run(folder: Path) -> Observed:
        import os

        for name, mtime in files.items():
            (folder / name).write_text(catalogue.BASE, encoding="utf-8")
            os.utime(folder / name, (mtime, mtime))
        try:
            chosen = choose_drop_in(folder)
        except DropInError as error:
            return refused(error, str(folder))
        return Observed("clean", f"chose {chosen.name}" if chosen else "none")

    return run


def salt_and_drop_in_cases() -> list[FaultCase]:
    return [
        FaultCase("salt: missing", "survey", "refused", _salt_case(None), r"pseudonym_salt.txt: .*needs"),
        FaultCase("salt: empty", "survey", "refused", _salt_case("\n"), r"has 0 characters"),
        FaultCase("salt: 5 characters", "survey", "refused", _salt_case("short\n"), r"has 5 characters"),
        FaultCase("salt: 16 characters", "survey", "clean", _salt_case("k3J9x!qQ7mZ2wL8p\n")),
        FaultCase(
            "drop-in: EXPORT.CSV and a newer export.xlsx",
            "survey",
            "clean",
            _drop_in_case({"EXPORT.CSV": 100, "export.xlsx": 200}),
            r"^chose export.xlsx$",
        ),
        FaultCase(
            "drop-in: _v9 newer on disk than _v10",
            "survey",
            "clean",
            _drop_in_case({"survey_export_v10.csv": 100, "survey_export_v9.csv": 300}),
            r"^chose survey_export_v10.csv$",
        ),
        FaultCase(
            "drop-in: an unsupported notes.pdf",
            "survey",
            "refused",
            _drop_in_case({"export.csv": 100, "notes.pdf": 100}),
            r"notes.pdf'\] cannot be read",
        ),
        FaultCase(
            "drop-in: two files of one declared version",
            "survey",
            "refused",
            _drop_in_case({"survey_export_v3.csv": 100, "survey_export_V3.txt": 200}),
            r"equally new by declared version",
        ),
    ]


# --------------------------------------------------------------------------- crawl inputs: seeds and stored crawls

SEED_UNITS = pd.DataFrame({"unit_id": ["gn1", "gn2", "DE11"]})
GOOD_SEEDS = [
    "gn1,https://www.esslingen.de/,de,",
    "gn2,https://www.krakow.pl/,pl;en,",
    "DE11,https://www.region.de,de,",
]


def _seeds_case(extra: list[str], header: str = "unit_id,url,languages,note", strict: bool = False):
    def run(folder: Path) -> Observed:
        path = folder / "seeds.csv"
        path.write_text("\n".join([header, *GOOD_SEEDS, *extra]) + "\n", encoding="utf-8")
        try:
            read = seeds_module.read_seeds(path, SEED_UNITS, strict=strict)
        except seeds_module.SeedsError as error:
            return refused(error, "seeds.csv")
        quarantined = read.quarantine["line"].nunique()
        reasons = "; ".join(f"line {r.line}: {r.column}: {r.reason}" for r in read.quarantine.itertuples())
        handling = "quarantine" if quarantined else "clean"
        return Observed(handling, reasons, len(GOOD_SEEDS) + len(extra), len(read.rows), quarantined)

    return run


def _write_warc(folder: Path, pages: int) -> tuple[Path, list[int]]:
    """A WARC segment of ``pages`` pages and the file's size after each."""
    from analysis.collect.web.warc import WarcSegment

    writer, sizes = WarcSegment(folder / "crawl-00001.warc.gz"), []
    for k in range(pages):
        body = f"<html><body><p>Seite {k}: Partnerstadt Sheboygan.</p></body></html>".encode()
        writer.write(
            url=f"http://www.esslingen.test/p{k}",
            status=200,
            reason="OK",
            response_headers=[("Content-Type", "text/html; charset=utf-8")],
            body=body,
            request_headers=[("User-Agent", "faults")],
            unit_id="gn1",
            depth=1,
        )
        sizes.append(writer.path.stat().st_size)
    writer.close()
    return writer.path, sizes


def _truncated_warc(folder: Path) -> Observed:
    from analysis.collect.web.warc import iter_pages, warc_files

    crawl = folder / "crawl" / "20260101T000000Z"
    crawl.mkdir(parents=True)
    path, sizes = _write_warc(crawl, 3)
    data = path.read_bytes()
    path.write_bytes(data[: sizes[1] + (sizes[2] - sizes[1]) // 3])  # a crawler killed inside its last page
    kept = len(list(iter_pages(warc_files(crawl))))
    handling = "quarantine" if kept < 3 else "clean"
    return Observed(handling, f"{path.name}: {3 - kept} truncated record(s) at the tail skipped", 3, kept, 3 - kept)


def _empty_crawl_folder(explicit: bool) -> Callable[[Path], Observed]:
    def run(folder: Path) -> Observed:
        from analysis.collect import crawl
        from analysis.core import paths

        stored = paths.raw_source_dir("crawl") / "20260101T000000Z"
        stored.mkdir(parents=True)
        try:
            found = crawl.find_stored_crawl(str(stored) if explicit else None)
        except FileNotFoundError as error:
            return refused(error, stored.name)
        return Observed("clean", "no crawl: the synthetic demonstration is used" if found is None else str(found))

    return run


def seeds_cases() -> list[FaultCase]:
    return [
        FaultCase("seeds: clean", "crawl", "clean", _seeds_case([])),
        FaultCase(
            "seeds: unit outside the frame",
            "crawl",
            "quarantine",
            _seeds_case(["gn999,https://a.example.de,de,"]),
            r"line 5: unit_id: not a unit",
        ),
        FaultCase(
            "seeds: empty unit id", "crawl", "quarantine", _seeds_case([",https://a.example.de,de,"]), r"unit_id: empty"
        ),
        FaultCase(
            "seeds: address without a scheme",
            "crawl",
            "quarantine",
            _seeds_case(["gn1,www.esslingen.de/x,de,"]),
            r"line 5: url",
        ),
        FaultCase(
            "seeds: address without a domain",
            "crawl",
            "quarantine",
            _seeds_case(["gn2,http://localhost/,pl,"]),
            r"url: expected a host name",
        ),
        FaultCase(
            "seeds: language code xx",
            "crawl",
            "quarantine",
            _seeds_case(["gn2,https://b.example.pl,xx,"]),
            r"languages: unknown language code",
        ),
        FaultCase(
            "seeds: the same unit and address twice",
            "crawl",
            "quarantine",
            _seeds_case(["gn1,https://www.esslingen.de,de,again"]),
            r"duplicate of line 2",
        ),
        FaultCase(
            "seeds: a column missing",
            "crawl",
            "refused",
            _seeds_case([], header="unit_id,address,languages,note"),
            r"seeds.csv:1: missing column",
        ),
        FaultCase(
            "seeds: strict reading lists every problem",
            "crawl",
            "refused",
            _seeds_case(["gn999,https://a.example.de,de,", "gn1,ftp://x.de,de,"], strict=True),
            r"2 problem\(s\).*seeds.csv:5.*seeds.csv:6",
        ),
    ]


def stored_crawl_cases() -> list[FaultCase]:
    return [
        FaultCase("crawl: a WARC whose last record is truncated", "crawl", "quarantine", _truncated_warc, r"truncated"),
        FaultCase(
            "crawl: an empty crawl folder, named", "crawl", "refused", _empty_crawl_folder(True), r"no WARC files"
        ),
        FaultCase(
            "crawl: an empty crawl folder, found by itself",
            "crawl",
            "clean",
            _empty_crawl_folder(False),
            r"synthetic demonstration",
        ),
    ]


# --------------------------------------------------------------------------- interview projects (.qdpx)

QDE_NAMESPACE = qdpx.NAMESPACE


def _qdpx_case(members: dict[str, bytes] | None, raw: bytes = b"") -> Callable[[Path], Observed]:
    def run(folder: Path) -> Observed:
        path = folder / "interviews.qdpx"
        if members is None:
            path.write_bytes(raw)
        else:
            with zipfile.ZipFile(path, "w") as archive:
                for name, data in members.items():
                    archive.writestr(name, data)
        try:
            project = qdpx.read_qdpx(path)
        except qdpx.QdpxError as error:
            return refused(error, path.name)
        return Observed("clean", f"{len(project.sources)} source(s)")

    return run


def interview_cases() -> list[FaultCase]:
    empty = f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{QDE_NAMESPACE}" name="p"/>'.encode()
    return [
        FaultCase(
            "interviews: not a zip archive",
            "interviews",
            "refused",
            _qdpx_case(None, b"plain text"),
            r"not a .qdpx \(zip\)",
        ),
        FaultCase(
            "interviews: project.qde missing",
            "interviews",
            "refused",
            _qdpx_case({"sources/a.txt": b"x"}),
            r"no project.qde",
        ),
        FaultCase(
            "interviews: project.qde is not XML",
            "interviews",
            "refused",
            _qdpx_case({"project.qde": b"<Project"}),
            r"does not parse",
        ),
        FaultCase(
            "interviews: wrong root element",
            "interviews",
            "refused",
            _qdpx_case({"project.qde": b"<Other/>"}),
            r"root must be <Project>",
        ),
        FaultCase(
            "interviews: an empty project", "interviews", "clean", _qdpx_case({"project.qde": empty}), r"0 source"
        ),
    ]


def input_cases() -> list[FaultCase]:
    """Every case that needs no built workspace (seconds to run)."""
    return survey_cases() + salt_and_drop_in_cases() + seeds_cases() + stored_crawl_cases() + interview_cases()


# --------------------------------------------------------------------------- running and the table


def run_cases(cases: list[FaultCase]) -> list[Result]:
    """Run each case in its own scratch folder (and its own data and build folders: nothing real is touched)."""
    import os

    results = []
    saved = {name: os.environ.get(name) for name in ("PARADIP_DATA", "PARADIP_BUILD")}
    try:
        for case in cases:
            with tempfile.TemporaryDirectory(prefix="fault-") as scratch:
                folder = Path(scratch)
                os.environ["PARADIP_DATA"], os.environ["PARADIP_BUILD"] = str(folder / "data"), str(folder / "build")
                (folder / "case").mkdir()
                results.append(run_case(case, folder / "case"))
    finally:
        for name, value in saved.items():
            os.environ.pop(name, None) if value is None else os.environ.__setitem__(name, value)
    return results


def _count(value: int | None) -> str:
    return "" if value is None else str(value)


def table(results: list[Result], width: int = 70) -> str:
    """The catalogue as a text table: case, expected, observed (with its message), rows in / kept / quarantined."""
    lines = [f"{'case':<52} {'expected':<12} {'observed':<12} {'in':>4} {'kept':>5} {'quar':>5}  ok  detail"]
    for result in results:
        observed = result.observed
        detail = observed.detail if result.holds else "; ".join(result.problems) + " | " + observed.detail
        lines.append(
            f"{result.case.name[:52]:<52} {result.case.expected:<12} {observed.handling:<12} "
            f"{_count(observed.rows_in):>4} {_count(observed.kept):>5} {_count(observed.quarantined):>5}  "
            f"{'yes' if result.holds else 'NO ':<3} {detail[:width]}"
        )
    held = sum(result.holds for result in results)
    lines.append(f"{held} of {len(results)} cases hold")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.runner.faults", description=__doc__.split("\n")[0])
    parser.add_argument("--build", action="store_true", help="add the build cases (a small build, some minutes)")
    parser.add_argument("--width", type=int, default=70, help="characters of each message shown")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    results = run_cases(input_cases())
    if args.build:
        from analysis.runner import fault_builds

        results += fault_builds.run_build_cases()
    print(table(results, args.width))
    print(f"faults: {len(results)} cases in {time.perf_counter() - started:.1f} s")
    return 0 if all(result.holds for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
