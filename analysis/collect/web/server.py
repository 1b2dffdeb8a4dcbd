"""The local test web on loopback: a threaded HTTP forward proxy for ``*.test`` hosts.

The crawler sends its requests for ``http://<site>.test/...`` to this server as to a proxy (absolute URI
in the request line; the ``Host`` header when the line holds only a path), so URLs carry no port and
robots.txt, throttling and politeness work per host as on the web. The server answers from the files of
``root/<host>/<path>`` written by :func:`analysis.collect.web.testweb.build_test_web`:

* ``/`` and ``/a/b/`` are ``index.html`` of that folder; other paths name a file;
* content type by extension, ``text/html; charset=utf-8`` for HTML unless the fault table says otherwise;
* faults from ``root/server_faults.json`` (``{url: behaviour}``): ``{"status": 500}``, ``{"delay": "slow"}``
  (``slow_delay`` seconds, then the file), ``{"delay": "timeout"}`` (``timeout_delay`` seconds, then the
  file: longer than the crawler's download timeout), ``{"redirect": url}`` (302), ``{"redirect_cycle": n}`` (302 to ``?step=1``, ..., ``?step=n-1``, then
  back to the start: a loop longer than the crawler's redirect limit), ``{"content_type": ...}``
  (e.g. ``text/html`` without a charset);
* anything that is not a ``.test`` host is refused (502): nothing here ever reaches the internet.

Every request is counted per absolute URL (robots.txt included): :meth:`TestWebServer.request_counts` in the
same process, or ``GET /__stats__`` (JSON) on the server itself from another process
(:func:`request_counts`); ``GET /__reset__`` sets the counts to zero.

Run by hand: ``python -m analysis.collect.web.server ROOT --port 8765``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import threading
import urllib.request
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

FAULTS_FILE = "server_faults.json"
TEST_TLD = ".test"
CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".json": "application/json",
}
DEFAULT_SLOW_DELAY = 2.0
DEFAULT_TIMEOUT_DELAY = 30.0


class TestWebServer(ThreadingHTTPServer):
    """The proxy server: files of ``root``, fault table, request counts. Use :func:`serve` to run one."""

    daemon_threads = True
    block_on_close = False
    __test__ = False  # not a pytest test class

    def __init__(
        self,
        root: Path,
        *,
        port: int = 0,
        slow_delay: float = DEFAULT_SLOW_DELAY,
        timeout_delay: float = DEFAULT_TIMEOUT_DELAY,
    ) -> None:
        self.root = Path(root).resolve()
        self.slow_delay = slow_delay
        self.timeout_delay = timeout_delay
        faults_path = self.root / FAULTS_FILE
        self.faults: dict[str, dict] = json.loads(faults_path.read_text("utf-8")) if faults_path.exists() else {}
        self._counts: Counter[str] = Counter()
        self._files: dict[tuple[str, str], tuple[bytes, str] | None] = {}
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def url(self) -> str:
        """The proxy URL ``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.server_address[1]}"

    def process_request(self, request, client_address) -> None:
        with self._lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:
        with self._lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End the kept-alive client connections (their handler threads then finish)."""
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def count(self, url: str) -> None:
        with self._lock:
            self._counts[url] += 1

    def request_counts(self) -> dict[str, int]:
        """``{absolute URL: number of requests}`` since start (or the last reset)."""
        with self._lock:
            return dict(self._counts)

    def reset_counts(self) -> None:
        with self._lock:
            self._counts.clear()

    def fault_for(self, url: str) -> dict:
        """The behaviour of ``url``: its own entry, or its base URL's redirect cycle (``?step=N``), else ``{}``."""
        fault = self.faults.get(url)
        if fault is None and "?" in url:
            base = self.faults.get(url.split("?", 1)[0], {})
            fault = base if "redirect_cycle" in base else None
        return fault or {}

    def file_for(self, host: str, path: str) -> tuple[bytes, str] | None:
        """(body, suffix) of the file that answers ``path`` on ``host``, or ``None`` (outside the site, missing).

        Files are read once and kept in memory (a test web is a few MB), so a crawl is served from RAM.
        """
        key = (host, path)
        cached = self._files.get(key, False)
        if cached is not False:
            return cached
        relative = path.lstrip("/")
        if not relative or relative.endswith("/"):
            relative += "index.html"
        site = (self.root / host).resolve()
        target = (site / relative).resolve()
        found = (target.read_bytes(), target.suffix) if site in target.parents and target.is_file() else None
        with self._lock:
            self._files[key] = found
        return found


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the crawler reuses its connection to the proxy
    disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart on a kept-alive connection
    server: TestWebServer

    def log_message(self, format: str, *args) -> None:
        pass  # quiet: a crawl makes thousands of requests

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_CONNECT(self) -> None:
        self._send(405, b"the test web proxy speaks plain http only\n", "text/plain; charset=utf-8")

    def _target(self) -> tuple[str, str, str]:
        """(host, path with query, absolute URL) of the request, from the request line or the Host header."""
        parts = urlsplit(self.path)
        if parts.scheme and parts.netloc:
            host, path = parts.hostname or "", parts.path or "/"
        else:
            host, path = (self.headers.get("Host") or "").split(":", 1)[0], parts.path or "/"
        query = f"?{parts.query}" if parts.query else ""
        host = host.lower()
        return host, path + query, f"http://{host}{path}{query}"

    def _answer(self, *, head: bool) -> None:
        host, path, url = self._target()
        if not host.endswith(TEST_TLD):
            if path.startswith("/__stats__"):
                self._send(200, json.dumps(self.server.request_counts()).encode(), "application/json", head=head)
            elif path.startswith("/__reset__"):
                self.server.reset_counts()
                self._send(200, b"{}", "application/json", head=head)
            else:
                self._send(502, f"not a test host: {host!r}\n".encode(), "text/plain; charset=utf-8", head=head)
            return
        self.server.count(url)
        fault = self.server.fault_for(url)
        if "delay" in fault:
            delay = self.server.slow_delay if fault["delay"] == "slow" else self.server.timeout_delay
            if self.server.stopping.wait(delay):
                self.close_connection = True
                return
        if "status" in fault:
            self._send(fault["status"], f"error {fault['status']}\n".encode(), "text/plain; charset=utf-8", head=head)
            return
        if "redirect" in fault or "redirect_cycle" in fault:
            location = fault.get("redirect") or _next_in_cycle(url, fault["redirect_cycle"])
            self._send(302, b"", "text/plain; charset=utf-8", head=head, extra={"Location": location})
            return
        found = self.server.file_for(host, urlsplit(path).path)
        if found is None:
            self._send(404, b"<html><body><h1>404 Not Found</h1></body></html>", CONTENT_TYPES[".html"], head=head)
            return
        body, suffix = found
        content_type = fault.get("content_type") or CONTENT_TYPES.get(suffix, "application/octet-stream")
        self._send(200, body, content_type, head=head)

    def _send(
        self, status: int, body: bytes, content_type: str, *, head: bool = False, extra: dict | None = None
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if not head:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (a timeout on its side)


def _next_in_cycle(url: str, cycle: int) -> str:
    """``base?step=N`` -> ``base?step=N+1``; after ``cycle - 1`` steps, back to ``base``."""
    base, _, query = url.partition("?")
    step = int(query.removeprefix("step=")) if query.startswith("step=") and query[5:].isdigit() else 0
    return f"{base}?step={step + 1}" if step + 1 < cycle else base


@contextlib.contextmanager
def serve(
    root: Path,
    *,
    port: int = 0,
    slow_delay: float = DEFAULT_SLOW_DELAY,
    timeout_delay: float = DEFAULT_TIMEOUT_DELAY,
    server_holder: list | None = None,
) -> Iterator[str]:
    """Serve the test web under ``root`` on 127.0.0.1 (ephemeral port by default); yield the proxy URL.

    ``slow_delay`` and ``timeout_delay`` are the seconds a slow and a timing-out URL wait before answering
    (tests keep the timeout short, with a crawler timeout shorter still). ``server_holder``, when given,
    receives the :class:`TestWebServer` (for :meth:`~TestWebServer.request_counts`). The server stops
    on exit, cutting short any delayed answer.
    """
    server = TestWebServer(root, port=port, slow_delay=slow_delay, timeout_delay=timeout_delay)
    if server_holder is not None:
        server_holder.append(server)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.url
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        server.close_connections()
        thread.join(timeout=5)


def request_counts(proxy_url: str) -> dict[str, int]:
    """The request counts of a running server (any process), read from its ``/__stats__``."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"{proxy_url.rstrip('/')}/__stats__", timeout=10) as response:
        return json.loads(response.read())


def main(argv: list[str] | None = None) -> None:
    """``python -m analysis.collect.web.server ROOT [--port N] [--slow S] [--timeout-delay S]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, help="folder written by build_test_web (one folder per host)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--slow", type=float, default=DEFAULT_SLOW_DELAY, help="seconds of a slow answer")
    parser.add_argument("--timeout-delay", type=float, default=DEFAULT_TIMEOUT_DELAY, help="seconds of a timeout")
    arguments = parser.parse_args(argv)
    with serve(
        arguments.root, port=arguments.port, slow_delay=arguments.slow, timeout_delay=arguments.timeout_delay
    ) as url:
        print(f"test web proxy at {url} (Ctrl-C stops it)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
