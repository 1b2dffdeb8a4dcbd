"""The faults of the local test web: which URLs misbehave, how the server serves them, what a crawl must record.

:func:`plan_faults` places the faults on the first sites (before their pages are written, so that home
pages link to them and two news articles are written in a legacy encoding); :func:`render_faults` writes
their files, the server's behaviour table and one row per fault URL:

=====================  ===========================================  ============================
fault                  served                                       expected
=====================  ===========================================  ============================
slow                   the page after ``slow_delay`` seconds        fetched
timeout                the page after ``timeout_delay`` seconds     failed: timeout
http_500 / http_503    status 500 / 503                             failed: http 500 / http 503
http_404               a link to a page that does not exist         failed: http 404
redirect_loop          302 to ``?step=1``, ... , back to the start  failed: redirect loop
robots_disallow        a page under a path robots.txt disallows     disallowed
robots_disallow_all    a second site whose robots.txt disallows /   disallowed
encoding_cp1250        a Windows-1250 article, no charset anywhere  fetched
encoding_iso8859_2     an ISO-8859-2 article, no charset anywhere   fetched
large_page             an HTML page of about 5 MB                   fetched
binary_html            random bytes named ``.html`` (text/html)     fetched (extraction fails)
broken_pdf             a PDF that cannot be parsed                  fetched (extraction fails)
=====================  ===========================================  ============================

The redirect cycle is longer than Scrapy's ``REDIRECT_MAX_TIMES`` (20), so each hop is a new URL (no
duplicate filter hides the loop) and Scrapy gives up ("max redirections reached"); its errback then sees the
last hop, whose ``meta["redirect_urls"][0]`` is the fault URL. The timeout holds only when the crawler's
``DOWNLOAD_TIMEOUT`` is shorter than the server's ``timeout_delay`` (30 s by default; Scrapy's default timeout
is 180 s), and a slow page is fetched when it is longer than ``slow_delay``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from analysis.collect.web import testweb_pages as tp

LARGE_PAGE_BYTES = 5_000_000
REDIRECT_CYCLE = 26
CENTRAL_EUROPEAN = ("cs", "pl", "sk", "sl", "hr", "hu")  # languages written in Windows-1250 / ISO-8859-2
FAULTS: dict[str, tuple[str, str]] = {  # fault -> (expected, note)
    "slow": ("fetched", "served after the server's slow_delay (2 s by default)"),
    "timeout": ("failed: timeout", "served after the server's timeout_delay, longer than the crawler's timeout"),
    "http_500": ("failed: http 500", "always answers 500"),
    "http_503": ("failed: http 503", "always answers 503"),
    "http_404": ("failed: http 404", "linked from the home page; no such page"),
    "redirect_loop": ("failed: redirect loop", f"302 through ?step=1..{REDIRECT_CYCLE - 1} and back to the start"),
    "robots_disallow": ("disallowed", "robots.txt disallows its folder; the page exists"),
    "robots_disallow_all": ("disallowed", "second site of the unit; robots.txt disallows everything"),
    "encoding_cp1250": ("fetched", "Windows-1250 bytes, Content-Type text/html without charset, no meta charset"),
    "encoding_iso8859_2": ("fetched", "ISO-8859-2 bytes, Content-Type text/html without charset, no meta charset"),
    "large_page": ("fetched", f"an HTML page of about {LARGE_PAGE_BYTES // 1_000_000} MB, no statements"),
    "binary_html": ("fetched", "random bytes served as text/html; extraction must fail, not crash"),
    "broken_pdf": ("fetched", "starts like a PDF but cannot be parsed; extraction must fail, not crash"),
}


@dataclass
class FaultPlan:
    """Where the faults go: footer links per host, encodings per URL, robots.txt per host, faults to write."""

    links: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    encodings: dict[str, str] = field(default_factory=dict)
    robots: dict[str, str] = field(default_factory=dict)
    faults: list[tuple[str, str, str]] = field(default_factory=list)  # (fault, host, path)
    extra_sites: list[tuple[str, str, str, str]] = field(default_factory=list)  # (unit_id, host, language, name)
    seed: int = 0


def plan_faults(plans: list, context, rng: random.Random) -> FaultPlan:
    """Place every fault on the first sites of ``plans`` (a site may carry several)."""
    plan = FaultPlan(seed=rng.randrange(2**31))
    if not plans:
        return plan
    first, second, third = (plans[i % len(plans)] for i in range(3))
    documents = tp.site_words()[third.languages[0]]["slug_documents"]
    placed = [
        ("slow", first, "/archive/slow-page.html"),
        ("timeout", first, "/archive/timeout-page.html"),
        ("http_404", first, "/old/removed-page.html"),
        ("http_500", second, "/events/calendar.html"),
        ("http_503", second, "/search/"),
        ("redirect_loop", second, "/login/"),
        ("robots_disallow", third, "/intern/protokoll.html"),
        ("large_page", third, "/archive/full-archive.html"),
        ("binary_html", third, "/media/banner.html"),
        ("broken_pdf", third, f"/{documents}/scan-{third.index + 2000}.pdf"),
    ]
    for fault, site, path in placed:
        plan.faults.append((fault, site.host, path))
        plan.links.setdefault(site.host, []).append((path, path.strip("/").split("/")[-1] or path))
    plan.robots[third.host] = "User-agent: *\nDisallow: /intern/\n"
    central = [site for site in plans if site.languages[0] in CENTRAL_EUROPEAN] or plans
    for fault, encoding, site in (
        ("encoding_cp1250", "cp1250", central[0]),
        ("encoding_iso8859_2", "iso-8859-2", central[1 % len(central)]),
    ):
        key = f"article:{site.languages[0]}:{1 if fault == 'encoding_cp1250' else 2}"
        plan.encodings[site.url(key)] = encoding
        plan.faults.append((fault, site.host, site.paths[key]))
    owner = plans[3 % len(plans)]
    host = owner.host.replace("www.", "visit.", 1)
    plan.robots[host] = "User-agent: *\nDisallow: /\n"
    name = context.unit_rows[owner.unit_id]["name"]
    plan.extra_sites.append((owner.unit_id, host, owner.languages[0], name))
    plan.faults.append(("robots_disallow_all", host, "/"))
    return plan


def render_faults(plan: FaultPlan, web) -> None:
    """Write the fault files, the server's behaviour table, the fault rows and the extra sites' seeds."""
    rng = random.Random(plan.seed)
    for unit_id, host, language, name in plan.extra_sites:
        words = tp.site_words()[language]
        page = tp.html_page(
            language=language, site_name=name, title=name, menu=[], body_html=tp.paragraphs([words["filler_news"]])
        )
        web.files[f"{host}/index.html"] = page.encode("utf-8")
        web.files[f"{host}/robots.txt"] = plan.robots[host].encode()
        web.seeds.append(
            {
                "unit_id": unit_id,
                "url": f"http://{host}/",
                "languages": language,
                "note": "synthetic test web: second site, robots.txt disallows everything",
            }
        )
    for fault, host, path in plan.faults:
        url = f"http://{host}{path}"
        expected, note = FAULTS[fault]
        web.faults.append({"url": url, "fault": fault, "expected": expected, "note": note})
        behaviour = _behaviour(fault, url)
        if behaviour:
            web.server_faults[url] = behaviour
        body = _fault_file(fault, host, rng)
        if body is not None:
            web.files[host + (path + "index.html" if path.endswith("/") else path)] = body


def _behaviour(fault: str, url: str) -> dict | None:
    """How the server serves the fault URL (None: as a plain file)."""
    return {
        "slow": {"delay": "slow"},
        "timeout": {"delay": "timeout"},
        "http_500": {"status": 500},
        "http_503": {"status": 503},
        "redirect_loop": {"redirect_cycle": REDIRECT_CYCLE},
        "encoding_cp1250": {"content_type": "text/html"},
        "encoding_iso8859_2": {"content_type": "text/html"},
        "binary_html": {"content_type": "text/html"},
    }.get(fault)


def _fault_file(fault: str, host: str, rng: random.Random) -> bytes | None:
    """The file behind a fault URL (None when the URL has no file or its page is written by the site)."""
    plain = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{title}</title></head>'
        "<body><h1>{title}</h1>{body}</body></html>\n"
    )
    if fault in ("slow", "timeout", "robots_disallow", "http_500", "http_503"):
        return plain.format(title=f"{host} {fault}", body="<p>Archive page.</p>").encode()
    if fault == "large_page":
        paragraph = "<p>Archive record {number:06d}: minutes, notices and tenders of past years.</p>\n"
        count = LARGE_PAGE_BYTES // len(paragraph.format(number=0)) + 1
        body = "".join(paragraph.format(number=number) for number in range(count))
        return plain.format(title=f"{host} archive", body=body).encode()
    if fault == "binary_html":
        return b"\x89PNG\r\n\x1a\n\x00\x00" + rng.randbytes(20_000)
    if fault == "broken_pdf":
        return tp.broken_pdf(host)
    return None
