"""Look at the built book in headless Chromium: a screenshot and a check that it is not blank."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
# Flags that work offline as root (see the toolchain notes): no sandbox, no background network.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--hide-scrollbars",
)


def chromium_path() -> str | None:
    """The Chromium executable on PATH, or ``None``."""
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def screenshot(page: Path, target: Path, width: int = 1280, height: int = 1600, timeout_seconds: int = 90) -> Path:
    """Render ``page`` (a local HTML file) in headless Chromium and save a PNG at ``target``."""
    executable = chromium_path()
    if executable is None:
        raise FileNotFoundError(
            "Chromium is not installed (Debian: apt-get install chromium); make test installs it as root"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        command = [
            executable,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            "--virtual-time-budget=8000",
            f"--screenshot={target}",
            page.resolve().as_uri(),
        ]
        subprocess.run(command, capture_output=True, timeout=timeout_seconds, check=False)
    if not target.exists():
        raise RuntimeError(f"Chromium wrote no screenshot of {page}")
    return target


def pixel_summary(png: Path) -> dict[str, float]:
    """Share of non-white pixels and number of distinct colours in a PNG (a blank page has ~0 and 1)."""
    import matplotlib.image as mpimg
    import numpy as np

    pixels = mpimg.imread(png)[..., :3]
    non_white = float((pixels < 0.97).any(axis=-1).mean())
    colours = len(np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0))
    return {"non_white_share": non_white, "distinct_colours": colours}


# Run in the page (inside an iframe as wide as the screen measured) after layout: elements reaching past the
# right edge make the page scroll sideways. A table in a scrolling box (the book's .table-scroll, the theme's
# table container, a code block) is fine: only its box counts. The report goes to the parent page.
_LAYOUT_SCRIPT = """
<script>
(function () {
  var width = document.documentElement.clientWidth, found = [];
  var boxes = ".table-scroll, .pst-scrollable-table-container, .highlight, pre";
  document.querySelectorAll("figure, table, img, pre, .table-scroll").forEach(function (element) {
    var box = element.getBoundingClientRect(), scroller = element.closest(boxes);
    if (scroller && scroller !== element) { return; }
    if (box.width > 0 && (box.right > width + 1 || box.left < -1)) {
      found.push(element.tagName.toLowerCase() + "#" + (element.id || (element.closest("[id]") || {}).id || "")
        + " right=" + Math.round(box.right) + " of " + width);
    }
  });
  var page = document.documentElement.scrollWidth;
  if (page > width + 1) { found.push("page scrolls sideways: " + page + " of " + width); }
  parent.document.getElementById("layout-report").textContent = JSON.stringify(found);
})();
</script>
"""


def layout_overflow(page: Path, width: int = 430, timeout_seconds: int = 90) -> list[str]:
    """What overflows a screen ``width`` pixels wide on ``page`` in headless Chromium: elements that reach past
    its right edge outside a scrolling box, and the page itself scrolling sideways (one line each).

    The page is measured in an iframe of that width (headless Chromium's window is at least 500 pixels wide);
    a copy of the page with the measuring script and the frame page are written beside it (so its stylesheets
    load) and removed.
    """
    import html
    import json
    import re

    executable = chromium_path()
    if executable is None:
        raise FileNotFoundError("Chromium is not installed (Debian: apt-get install chromium)")
    page = page.resolve()
    copy, frame = page.with_name(f".layout-copy-{page.name}"), page.with_name(f".layout-{page.name}")
    text = page.read_text(encoding="utf-8")
    cut = text.rfind("</body>")
    copy.write_text(text[:cut] + _LAYOUT_SCRIPT + text[cut:], encoding="utf-8")
    frame.write_text(
        f'<html><body style="margin:0"><pre id="layout-report">none</pre><iframe src="{copy.name}" '
        f'style="width:{width}px;height:900px;border:0"></iframe></body></html>',
        encoding="utf-8",
    )
    try:
        with tempfile.TemporaryDirectory() as profile:
            command = [executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={width + 600},1000"]
            command += ["--allow-file-access-from-files", "--virtual-time-budget=8000", "--dump-dom", frame.as_uri()]
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout_seconds, check=False)
    finally:
        copy.unlink(missing_ok=True)
        frame.unlink(missing_ok=True)
    match = re.search(r'<pre id="layout-report"[^>]*>(.*?)</pre>', result.stdout, flags=re.S)
    if match is None or match.group(1) == "none":
        raise RuntimeError(f"Chromium gave no layout report for {page}")
    return json.loads(html.unescape(match.group(1)))
