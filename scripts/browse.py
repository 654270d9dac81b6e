"""The built site on loopback, in Debian's headless Chromium.

Shared by the tests (tests/browser.py) and the page budget of the benchmark
(scripts/bench.py):

``serve(folder)``
    A small ``http.server`` thread on 127.0.0.1 and a free port; yields the
    base URL.  It sends the downloads' types as a web host would.
``launch()``
    Playwright for Python driving /usr/bin/chromium (Debian's package; never
    a browser download), headless; yields the browser.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from pathlib import Path

# Debian's Chromium; BOOK_CHROMIUM points elsewhere if needed.
CHROMIUM = os.environ.get("BOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 375, "height": 800}

# What a web host sends for the downloads (http.server guesses from the
# machine's /etc/mime.types otherwise, which a fresh machine may lack).
CONTENT_TYPES = {".pdf": "application/pdf", ".epub": "application/epub+zip"}


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **CONTENT_TYPES}

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def serve(folder: Path):
    """Serve *folder* on 127.0.0.1 and a free port; yield the base URL."""
    handler = functools.partial(_Handler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def launch():
    """Start Playwright and Debian's headless Chromium; yield the browser."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: scripts/setup.sh test installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
