"""A tiny local web for the crawler tests, in the test web's folder layout (``root/<host>/<path>``, faults in
``server_faults.json``), served by :func:`analysis.collect.web.server.serve`.

Each site ``www.site<i>.de.test`` (unit ``U<i>``) has a home page linking to ``pages`` plain pages (each linking to
the next, so depth grows), a partner-cities page ``/partnerstaedte/`` linked last from the home page, a PDF, a
``/private/`` page that robots.txt disallows and a link to an outside site. Site 0 also carries the faults.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis.collect.web import server

# A burst of connections from the crawler must not overflow the listen backlog (socketserver's default is 5:
# dropped SYNs come back after 1 s, which a short download timeout reports as a timeout).
server.TestWebServer.request_queue_size = max(getattr(server.TestWebServer, "request_queue_size", 5), 128)

FAULTS = {
    "http://www.site0.de.test/e500.html": ({"status": 500}, "failed"),
    "http://www.site0.de.test/loop-a.html": ({"redirect": "http://www.site0.de.test/loop-b.html"}, "failed"),
    "http://www.site0.de.test/slow.html": ({"delay": "timeout"}, "failed"),
    "http://www.site0.de.test/away.html": ({"redirect": "http://www.elsewhere.com.test/"}, "offsite"),
    "http://www.site0.de.test/big.html": (None, "failed"),
    "http://www.site0.de.test/binary.html": ({"content_type": "text/html"}, "fetched"),
    "http://www.site0.de.test/private/secret.html": (None, "disallowed"),
}
BIG_PAGE_BYTES = 3 * 1024 * 1024  # above the DOWNLOAD_MAXSIZE the tests set (2 MiB)


def _page(title: str, links: list[tuple[str, str]], text: str = "") -> str:
    anchors = " ".join(f'<a href="{href}">{label}</a>' for href, label in links)
    return f"<!doctype html><html><head><title>{title}</title></head><body><p>{text}</p>{anchors}</body></html>"


def build_sites(root: Path, *, sites: int = 2, pages: int = 8, faults: bool = True) -> dict[str, object]:
    """Write the sites under ``root``; return seeds, units and the list of reachable page URLs."""
    reachable: list[str] = []
    for index in range(sites):
        host = f"www.site{index}.de.test"
        base = root / host
        (base / "partnerstaedte").mkdir(parents=True, exist_ok=True)
        (base / "private").mkdir(exist_ok=True)
        links = [(f"/p{n}.html", f"Seite {n}") for n in range(pages)]
        links += [("/doc.pdf", "Beschluss (PDF)"), ("/private/secret.html", "intern")]
        links += [("http://www.outside.org.test/", "Outside"), ("/partnerstaedte/", "Partnerstädte")]
        if faults and index == 0:
            links += [(url.split(".test", 1)[1], "fault") for url in FAULTS if "/private/" not in url]
        (base / "index.html").write_text(_page(f"Site {index}", links), encoding="utf-8")
        for n in range(pages):
            following = [(f"/p{n + 1}.html", "weiter")] if n + 1 < pages else [("/", "Start")]
            (base / f"p{n}.html").write_text(_page(f"Page {n}", following, f"Text {n}"), encoding="utf-8")
        partner_text = "Unsere Partnerstadt ist Columbus (Ohio, USA) seit 1975."
        (base / "partnerstaedte" / "index.html").write_text(_page("Partnerstädte", [], partner_text), "utf-8")
        (base / "doc.pdf").write_bytes(b"%PDF-1.4\n% a tiny test document\n")
        (base / "private" / "secret.html").write_text(_page("secret", []), encoding="utf-8")
        (base / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
        reachable += [f"http://{host}/", f"http://{host}/doc.pdf", f"http://{host}/partnerstaedte/"]
        reachable += [f"http://{host}/p{n}.html" for n in range(pages)]
    if faults:
        site0 = root / "www.site0.de.test"
        (site0 / "big.html").write_bytes(b"<html><body>" + b"x" * BIG_PAGE_BYTES + b"</body></html>")
        (site0 / "binary.html").write_bytes(bytes(range(256)) * 64)
        (site0 / "e500.html").write_text("never served", encoding="utf-8")
        (site0 / "slow.html").write_text(_page("slow", []), encoding="utf-8")
        server_faults = {url: fault for url, (fault, _) in FAULTS.items() if fault}
        server_faults["http://www.site0.de.test/loop-b.html"] = {"redirect": "http://www.site0.de.test/loop-a.html"}
        (root / "server_faults.json").write_text(json.dumps(server_faults, indent=1), encoding="utf-8")
        reachable += ["http://www.site0.de.test/e500.html", "http://www.site0.de.test/binary.html"]
    seeds = pd.DataFrame(
        {
            "unit_id": [f"U{i}" for i in range(sites)],
            "url": [f"http://www.site{i}.de.test/" for i in range(sites)],
            "languages": "de",
            "note": "test",
        }
    )
    units = pd.DataFrame(
        {"unit_id": seeds["unit_id"], "name": [f"Site {i}" for i in range(sites)], "country_iso2": "DE",
         "unit_type": "city"}
    )  # fmt: skip
    seeds_path, units_path = root.parent / "seeds.csv", root.parent / "units.csv"
    seeds.to_csv(seeds_path, index=False)
    units.to_csv(units_path, index=False)
    return {"seeds": seeds_path, "units": units_path, "reachable": sorted(reachable)}
