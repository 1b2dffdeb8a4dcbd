"""Benchmarks (``make bench``): the rebuild, the runner's overhead per notebook, and the test suite.

The rebuild runs in a temporary workspace (its own ``data/`` and ``build/``), so a benchmark never
disturbs the reviewer's build. Results go to ``build/bench.json`` and are printed as a table;
``--only rebuild``, ``--only tests`` or ``--only crawl`` (``make bench WHAT=tests``) measures one part and keeps
the other parts' last results in the file.

* **clean rebuild**: acquisition, every notebook and the book, from nothing (the notebooks as ``make all`` runs
  them: as many at a time as the machine has cores, the number recorded as ``clean_pipeline_jobs``);
* **unchanged rebuild**: the same commands as ``make all`` once more, as fresh processes;
* **runner overhead**: each notebook's papermill time against the same code run as a plain
  Python script (``python notebook.py``), which shows what the kernel and the tracing cost;
* **step timings**: named steps of the analysis worth watching (entity resolution, ...);
* **crawl** (``--only crawl``, ``make bench WHAT=crawl``): pages per second of the crawler on the local test web
  (loopback, its timing faults removed), fetch only and fetch + extract + detect (the detector in the crawl,
  in-process and with 1 and 2 worker processes; the share of the fetch-only rate), between the first and the last
  stored (and analysed) page, with the CPU time per page; fetch only and ``make crawl``'s default are run in turn
  three times and their medians reported (the machine's load changes between runs); what the detection costs
  before the first page; the detector against a regular-expression alternation, on a seeded sample;
* **tests**: the unit tests (``pytest -n auto --dist loadgroup -m "not slow"``, what ``make test-fast`` runs) and the
  whole suite (``pytest -n auto --dist loadgroup``, what ``make test`` runs), on one worker per core, with the
  number of workers and the machine's load average, since the tests'
  duration is measured here and not by a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analysis.core import paths


def _environment(workspace: Path) -> dict[str, str]:
    return os.environ | {"PARADIP_DATA": str(workspace / "data"), "PARADIP_BUILD": str(workspace / "build")}


def _timed_command(command: list[str], environment: dict[str, str], cwd: Path = paths.ROOT) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, env=environment, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def notebook_as_script(notebook_path: Path) -> str:
    """The code cells of a notebook as one Python script (what the notebook would cost without Jupyter)."""
    import nbformat

    notebook = nbformat.read(notebook_path, as_version=4)
    return "\n\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code") + "\n"


def plain_script_seconds(notebook_path: Path, environment: dict[str, str], scratch: Path) -> float:
    """Seconds to run ``notebook_path``'s code as a plain Python script from the notebooks folder."""
    script = scratch / f"{notebook_path.stem}.py"
    script.write_text(notebook_as_script(notebook_path), encoding="utf-8")
    return _timed_command([sys.executable, str(script)], environment | {"MPLBACKEND": "Agg"}, cwd=notebook_path.parent)


def step_timings() -> dict[str, Callable[[], Any]]:
    """Named analysis steps to time on the workspace's data (each reads what the clean run wrote)."""
    steps: dict[str, Callable[[], Any]] = {}
    try:
        from analysis.build import relations
    except ImportError:
        return steps
    if hasattr(relations, "benchmark_entity_resolution"):
        steps["entity_resolution_all_sources"] = relations.benchmark_entity_resolution
    return steps


def time_steps(environment: dict[str, str], repeats: int) -> dict[str, dict[str, Any]]:
    """Time each of :func:`step_timings` ``repeats`` times on the workspace ``environment`` points at."""
    steps = {}
    saved = {name: os.environ.get(name) for name in ("PARADIP_DATA", "PARADIP_BUILD")}
    os.environ.update({name: environment[name] for name in saved})  # steps read the workspace's tables
    try:
        for name, step in step_timings().items():
            seconds = []
            for _ in range(repeats):
                began = time.perf_counter()
                step()
                seconds.append(time.perf_counter() - began)
            steps[name] = {"min": round(min(seconds), 2), "max": round(max(seconds), 2), "runs": repeats}
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return steps


# What make test-fast and make test run (the Makefile's PYTEST): one pytest-xdist worker per core, each of
# tests/conftest.py's groups on one worker (tests/runner/test_bench.py checks that the two agree).
TEST_PARALLEL = ["-n", "auto", "--dist", "loadgroup"]
TEST_RUNS = {"unit_tests": [*TEST_PARALLEL, "-m", "not slow"], "all_tests": [*TEST_PARALLEL, "--durations=15"]}


def timed_tests(arguments: list[str]) -> dict[str, Any]:
    """Run ``pytest`` with ``arguments`` from the project root; its duration, outcome and summary line.

    The load average before the run and the CPU time of the run and its kernels are kept with it:
    on a shared machine they tell a slow machine from slow tests.
    """
    load = os.getloadavg()[0]
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *arguments],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
    lines = result.stdout.strip().splitlines()
    return {
        "command": " ".join(["pytest", *arguments]),
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "passed": result.returncode == 0,
        "summary": lines[-1].strip("= ") if lines else result.stderr.strip()[-300:],
        "load_average_before": round(load, 2),
        "workers": auto_workers() if "auto" in arguments else 1,
    }


def auto_workers() -> int:
    """The workers ``pytest -n auto`` starts here, as pytest-xdist counts them (``PYTEST_XDIST_AUTO_NUM_WORKERS``,
    else the physical cores)."""
    from types import SimpleNamespace

    from xdist.plugin import pytest_xdist_auto_num_workers

    return pytest_xdist_auto_num_workers(SimpleNamespace(option=SimpleNamespace(numprocesses="auto")))


def time_tests() -> dict[str, Any]:
    """The duration of the unit tests and of the whole test suite."""
    return {name: timed_tests(arguments) for name, arguments in TEST_RUNS.items()}


def run_benchmarks(repeats: int = 3) -> dict[str, Any]:
    """Run the rebuild benchmarks in a fresh temporary workspace and return the results."""
    from analysis.runner import pipeline, schedule

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="paradip-bench-") as scratch_text:
        workspace = Path(scratch_text)
        environment = _environment(workspace)
        book_output = workspace / "book-output"
        make_all = [
            [sys.executable, "-m", "analysis.runner.pipeline"],
            [sys.executable, "-m", "analysis.runner.book", "--output-root", str(book_output)],
        ]
        started = time.perf_counter()
        pipeline_seconds = _timed_command(make_all[0], environment)
        book_seconds = _timed_command(make_all[1], environment)
        results["clean_rebuild_seconds"] = round(time.perf_counter() - started, 2)
        results["clean_pipeline_seconds"] = round(pipeline_seconds, 2)
        results["clean_book_seconds"] = round(book_seconds, 2)
        results["clean_pipeline_jobs"] = schedule.default_jobs()

        unchanged = [sum(_timed_command(command, environment) for command in make_all) for _ in range(repeats)]
        results["unchanged_rebuild_seconds"] = {
            "min": round(min(unchanged), 3),
            "max": round(max(unchanged), 3),
            "runs": repeats,
        }

        project = pipeline.Project(executed=workspace / "build" / "executed", state=workspace / "build" / "state")
        overhead = []
        for notebook in pipeline.discover_notebooks(project.notebooks):
            state = pipeline.load_state(project, notebook) or {}
            papermill_seconds = float(state.get("seconds", float("nan")))
            script_seconds = plain_script_seconds(notebook, environment, workspace)
            overhead.append(
                {
                    "notebook": notebook.stem,
                    "papermill_seconds": round(papermill_seconds, 2),
                    "plain_script_seconds": round(script_seconds, 2),
                    "overhead_seconds": round(papermill_seconds - script_seconds, 2),
                }
            )
        results["runner_overhead"] = overhead

        results["steps_seconds"] = time_steps(environment, repeats)
    return results


# 120 units (about 1,400 pages): on 40 (463 pages) the test web's one 5 MB page, stored last and costing about 3 s of
# detection (three quarters of the detection CPU of the whole crawl), decided the in-crawl rate on its own.
CRAWL_BENCH_UNITS = 120
CRAWL_DETECT_WORKERS = (0, 1, 2)  # detection in the crawler's own process (a thread), and with 1 or 2 workers
CRAWL_PAIRS = 3  # fetch only and the default detection variant, run in turn this many times (the median is reported)
# The regular-expression alternation takes ~0.3 ms a character (5 MB of page text: 20+ minutes), so it is timed on
# a seeded sample: this many page texts of at most REGEX_MAX_CHARACTERS each, and this many real passages.
REGEX_SAMPLE_TEXTS = 100
REGEX_MAX_CHARACTERS = 50_000


def crawl_benchmark(n_units: int = CRAWL_BENCH_UNITS, detect_workers: tuple[int, ...] = CRAWL_DETECT_WORKERS,
                    pairs: int = CRAWL_PAIRS) -> dict[str, Any]:  # fmt: skip
    """Pages per second on the local test web: fetch only, then fetch + extract + detect (when the detector exists)
    with each number of ``detect_workers`` (0: in the crawler's process); ``default_detect_variant`` names the one
    ``make crawl`` uses (:data:`analysis.collect.web.run.DEFAULT_DETECT_WORKERS`).

    The machine is shared, so the load changes from run to run: fetch only and the default variant are run in turn
    ``pairs`` times, each share is taken within a pair (the two runs seconds apart), and the medians are reported with
    every run, its load average and its CPU time per page (crawler and detection workers, their start included); the
    other worker counts run once. The web is built in a temporary folder without its timing faults (slow pages,
    timeouts), which measure the server's delays rather than the crawler. A rate runs from the first stored page to the
    last stored and analysed one (``analysis_tail_seconds``: how long detection went on after the last page was
    stored; the test web's 5 MB page, stored last, takes seconds alone); the detector's start (its pickle, lingua's models, the workers' fork) comes before
    the first page and is shown on its own (``detection_start``).
    """
    from analysis.build.outcomes import frame_units
    from analysis.collect.web import server, testweb
    from analysis.collect.web.run import DEFAULT_DETECT_WORKERS
    from analysis.core import tables

    units = frame_units(tables.read_table("cities"), tables.read_table("regions"))
    runs: dict[str, Any] = {"units": n_units, "pairs": pairs, "load_average_before": round(os.getloadavg()[0], 2)}
    with tempfile.TemporaryDirectory(prefix="paradip-crawl-bench-") as scratch_text:
        scratch = Path(scratch_text)
        web = testweb.build_test_web(units, tables.read_table("relations"), tables.read_table("gazetteer"), seed=7,
                                     out_dir=scratch / "web", n_units=n_units)  # fmt: skip
        (web.root / "server_faults.json").unlink(missing_ok=True)
        units.to_parquet(scratch / "units.parquet")
        order: list[tuple[str, dict[str, Any]]] = [("fetch_only", {})] * pairs
        try:
            from analysis.collect.web import detect  # noqa: F401

            default = _detect_variant(DEFAULT_DETECT_WORKERS)
            runs["default_detect_variant"] = default
            options = {n: {"detect": True, "detect_workers": n} for n in detect_workers}
            order = [
                run for _ in range(pairs) for run in (("fetch_only", {}), (default, options[DEFAULT_DETECT_WORKERS]))
            ]
            order += [(_detect_variant(n), options[n]) for n in detect_workers if n != DEFAULT_DETECT_WORKERS]
        except ImportError:
            runs["note"] = "no detector (analysis.collect.web.detect) yet: fetch only"
        measured: dict[str, list[dict[str, Any]]] = {}
        with server.serve(web.root) as proxy:
            for index, (name, options_of_run) in enumerate(order):
                folder = scratch / f"{name}_{index}"
                measured.setdefault(name, []).append(_timed_crawl(web.root, folder, proxy, scratch, options_of_run))
        runs |= {name: _median_run(found) for name, found in measured.items()}
        if "default_detect_variant" in runs:
            runs["detection_start"] = _detection_start_seconds(scratch / "units.parquet")
            runs["detect_replay"] = _detect_replay_rates(scratch / "fetch_only_0", scratch / "units.parquet")
    _add_shares(runs, measured, detect_workers)
    return runs


def _timed_crawl(web_root: Path, folder: Path, proxy: str, scratch: Path, options: dict[str, Any]) -> dict[str, Any]:
    """One crawl of the test web into ``folder``: its rate, findings, duration, CPU time and the load before it."""
    from analysis.collect.web.run import run_crawl

    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = run_crawl(web_root / "seeds.csv", folder, testweb_proxy=proxy, units=scratch / "units.parquet", **options)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    stats = result.stats
    pages = stats.get("pages_this_run") or 0
    return {"pages": pages, "pages_per_second": stats.get("pages_per_second"), "findings": stats.get("hits"),
            "seconds_with_startup": stats.get("seconds"),
            "analysis_tail_seconds": stats.get("analysis_tail_seconds"), "cpu_seconds": round(cpu, 2),
            "cpu_ms_per_page": round(1000 * cpu / pages, 2) if pages else None, "load_average_before": round(load, 2),
            "detect_workers": options.get("detect_workers", 0)}  # fmt: skip


def _median_run(found: list[dict[str, Any]]) -> dict[str, Any]:
    """The runs of one variant: the median rate and CPU per page, the range, and every run."""
    import statistics

    rates = [run["pages_per_second"] for run in found if run["pages_per_second"]]
    cpu = [run["cpu_ms_per_page"] for run in found if run["cpu_ms_per_page"] is not None]
    tails = [run["analysis_tail_seconds"] for run in found if run.get("analysis_tail_seconds") is not None]
    return found[0] | {
        "pages_per_second": round(statistics.median(rates), 1) if rates else None,
        "pages_per_second_range": [min(rates), max(rates)] if rates else None,
        "cpu_ms_per_page": round(statistics.median(cpu), 2) if cpu else None,
        "analysis_tail_seconds": round(statistics.median(tails), 2) if tails else None,
        "runs": found,
    }


def _add_shares(runs: dict[str, Any], measured: dict[str, list[dict[str, Any]]], detect_workers) -> None:
    """Each detection variant's share of the fetch-only rate: for the default variant the median of the shares within
    each pair (each run and the fetch-only run just before it), for the others against the fetch-only median."""
    import statistics

    fetch = [run["pages_per_second"] for run in measured.get("fetch_only", [])]
    for name in map(_detect_variant, detect_workers):
        if name not in runs or not runs[name]["pages_per_second"]:
            continue
        if name == runs.get("default_detect_variant"):
            shares = [round(run["pages_per_second"] / rate, 2)
                      for run, rate in zip(measured[name], fetch, strict=False) if run["pages_per_second"] and rate]  # fmt: skip
            runs[name]["share_of_fetch_only_rate_by_pair"] = shares
            runs[name]["share_of_fetch_only_rate"] = round(statistics.median(shares), 2) if shares else None
        elif runs["fetch_only"]["pages_per_second"]:
            runs[name]["share_of_fetch_only_rate"] = round(
                runs[name]["pages_per_second"] / runs["fetch_only"]["pages_per_second"], 2
            )


def _detect_variant(workers: int) -> str:
    return "fetch_extract_detect" + (f"_workers_{workers}" if workers else "_in_process")


def _detection_start_seconds(units_path: Path) -> dict[str, float]:
    """Seconds a crawl process spends before its first page on detection: the detector (from its pickle, built by
    the crawls above) and all of lingua's language models (in this process: the crawls' were separate)."""
    from analysis.collect.web.detect_pipeline import build_detector
    from analysis.collect.web.extract import preload_language_models

    began = time.perf_counter()
    build_detector(str(units_path))
    loaded = time.perf_counter()
    preload_language_models()
    return {"detector_from_pickle": round(loaded - began, 2),
            "language_models": round(time.perf_counter() - loaded, 2)}  # fmt: skip


def _detect_replay_rates(crawl_folder: Path, units_path: Path) -> dict[str, Any]:
    """Extract + detect on the stored pages, replayed twice in this process after :func:`_detection_start_seconds`
    (the detector and the language models loaded, as in a crawl process): the first pass with the detector's own
    caches cold, the second warm; with the CPU time per page of the warm pass, and of the largest page alone."""
    from analysis.collect.web.detect_pipeline import build_detector, page_findings
    from analysis.collect.web.warc import iter_pages

    detector = build_detector(str(units_path))
    pages = list(iter_pages(crawl_folder))
    rates: dict[str, Any] = {}
    for name in ("cold_pages_per_second", "warm_pages_per_second"):
        began, cpu = time.perf_counter(), time.process_time()
        for page in pages:
            page_findings(page, detector)
        rates[name] = round(len(pages) / (time.perf_counter() - began), 1)
    rates["warm_cpu_ms_per_page"] = round(1000 * (time.process_time() - cpu) / len(pages), 2)
    largest = max(pages, key=lambda page: len(page.body))
    cpu = time.process_time()
    page_findings(largest, detector)
    rates["largest_page"] = {"bytes": len(largest.body), "cpu_seconds": round(time.process_time() - cpu, 2)}
    return rates | {"pages": len(pages), "detection_vs_regex": _detection_vs_regex(pages, detector)}


def _detection_vs_regex(pages: list, detector) -> dict[str, Any]:
    """The detector (matcher + rules) against a plain ``re`` alternation of the same names and terms
    (:func:`evaluate.detection_benchmark`), both on the same seeded sample: :data:`REGEX_SAMPLE_TEXTS` main texts of
    the stored pages (of at most :data:`REGEX_MAX_CHARACTERS` characters) and as many real evaluation passages."""
    import random

    from analysis.collect.web import evaluate
    from analysis.collect.web.extract import page_text

    page_texts = [page_text(page.body, page.content_type, page.url).text for page in pages if page.status == 200]
    page_texts = [text for text in page_texts if text and len(text) <= REGEX_MAX_CHARACTERS]
    passages = [passage["excerpt"] for passage in evaluate.load_passages()]
    out = {}
    for name, texts in (("test_web_pages", page_texts), ("real_passages", passages)):
        sample = random.Random(0).sample(texts, min(REGEX_SAMPLE_TEXTS, len(texts)))
        measured = evaluate.detection_benchmark(sample, detector)
        out[name] = {key: round(value, 4) if isinstance(value, float) else value for key, value in measured.items()}
        out[name]["sample"] = f"{len(sample)} of {len(texts)} texts (seed 0)"
    return out


def render_table(results: dict[str, Any]) -> str:
    """A plain-text table of the benchmark results (the parts that were measured)."""
    lines = []
    if "clean_rebuild_seconds" in results:
        unchanged = results["unchanged_rebuild_seconds"]
        lines += [
            f"clean rebuild (acquire + notebooks + book): {results['clean_rebuild_seconds']:.1f} s "
            f"(notebooks {results['clean_pipeline_seconds']:.1f} s"
            + (f" on {results['clean_pipeline_jobs']} jobs" if "clean_pipeline_jobs" in results else "")
            + f", book {results['clean_book_seconds']:.1f} s)",
            f"unchanged rebuild (make all again): {unchanged['min']:.2f}-{unchanged['max']:.2f} s "
            f"over {unchanged['runs']} runs",
            "",
            f"{'notebook':32} {'papermill s':>12} {'plain script s':>15} {'overhead s':>11}",
        ]
        for row in results["runner_overhead"]:
            lines.append(
                f"{row['notebook']:32} {row['papermill_seconds']:12.2f} "
                f"{row['plain_script_seconds']:15.2f} {row['overhead_seconds']:11.2f}"
            )
        for name, timing in results.get("steps_seconds", {}).items():
            lines.append(f"step {name}: {timing['min']:.2f}-{timing['max']:.2f} s over {timing['runs']} runs")
    lines += _crawl_lines(results.get("crawl", {}))
    for name in TEST_RUNS:
        if name in results.get("tests", {}):
            run = results["tests"][name]
            workers = f", {run['workers']} workers" if "workers" in run else ""  # older results did not record them
            lines.append(
                f"{run['command']}: {run['seconds']:.1f} s ({run.get('cpu_seconds', float('nan')):.1f} s CPU), "
                f"{'passed' if run['passed'] else 'FAILED'} ({run['summary']}; load average {run['load_average_before']} before{workers})"
            )
    return "\n".join(lines)


def _crawl_lines(crawl: dict[str, Any]) -> list[str]:
    """The crawl benchmark's lines of :func:`render_table`."""
    lines = []
    for name, run in crawl.items():
        if name == "detect_replay":
            lines.append(f"extract + detect replayed on {run['pages']} stored pages: {run['cold_pages_per_second']} "
                         f"pages/s cold, {run['warm_pages_per_second']} pages/s warm (one process, "
                         f"{run.get('warm_cpu_ms_per_page')} ms CPU a page; the largest page, "
                         f"{run.get('largest_page', {}).get('bytes')} bytes, {run.get('largest_page', {}).get('cpu_seconds')} s)")  # fmt: skip
            for corpus, speed in run.get("detection_vs_regex", {}).items():
                lines.append(f"detection on {speed['texts']} {corpus} ({speed.get('sample', 'all')}): "
                             f"{speed['detector_ms_per_text']:.2f} ms a text, {speed['speedup']:.0f}x faster than one "
                             f"re alternation of {speed['patterns']} names and terms")  # fmt: skip
        elif name == "detection_start":
            lines.append(f"detection start in a crawl process: detector from its pickle {run['detector_from_pickle']} s, "
                         f"lingua's language models {run['language_models']} s")  # fmt: skip
        elif isinstance(run, dict):
            share = run.get("share_of_fetch_only_rate")
            default = " (make crawl's default)" if name == crawl.get("default_detect_variant") else ""
            spread = run.get("pages_per_second_range")
            lines.append(
                f"crawl {name}{default}: {run['pages_per_second']} pages/s over {run['pages']} pages"
                + (
                    f" (median of {len(run['runs'])} runs, {spread[0]}-{spread[1]})"
                    if len(run.get("runs", [])) > 1
                    else ""
                )
                + (f", {run['cpu_ms_per_page']} ms CPU a page" if run.get("cpu_ms_per_page") else "")
                + (
                    f", detection ends {run['analysis_tail_seconds']} s after the last page stored"
                    if run.get("analysis_tail_seconds") is not None
                    else ""
                )  # fmt: skip
                + (f", {share:.2f} of fetch only" if share else "")
                + (
                    f" (by pair {run['share_of_fetch_only_rate_by_pair']})"
                    if "share_of_fetch_only_rate_by_pair" in run
                    else ""
                )
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.runner.bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only", choices=("rebuild", "tests", "crawl"), help="measure one part (the file keeps the others)"
    )
    args = parser.parse_args(argv)
    target = paths.build_dir() / "bench.json"
    results: dict[str, Any] = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
    results["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}
    if args.only in (None, "rebuild"):
        results.update(run_benchmarks())
    if args.only in (None, "crawl"):
        results["crawl"] = crawl_benchmark()
    measured_tests = args.only in (None, "tests")
    if measured_tests:
        results["tests"] = time_tests()
    results["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(render_table(results))
    print(f"\nwritten to {target}")
    failed = measured_tests and not all(run["passed"] for run in results["tests"].values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
