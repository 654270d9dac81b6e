"""The built site in a real browser: a loopback server and headless Chromium.

Fixtures (imported by conftest.py, so that every test module shares them):

``site``
    The session's book (fixture ``book``, built once) served over HTTP on
    127.0.0.1 and a free port, by a small ``http.server`` thread.
``chromium``
    One headless Chromium for the whole session: Debian's /usr/bin/chromium
    driven by Playwright for Python (Playwright downloads no browser here).
``open_page``
    Opens a page of the site in a fresh browser context (viewport, colour
    scheme) that records every request the page makes; closed after the test.

scripts/bench.py uses ``serve`` and ``launch`` too, for the page budget.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

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
        pytest.fail(f"{CHROMIUM} is missing: scripts/setup.sh test installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Site:
    """The built site (folder) and where the loopback server serves it."""

    root: Path
    base_url: str

    def url(self, page: str) -> str:
        return urljoin(self.base_url, page)

    @property
    def host(self) -> str:
        return urlparse(self.base_url).netloc

    def pages(self) -> list[str]:
        """Every HTML page of the site, as a path relative to its root."""
        return sorted(
            str(p.relative_to(self.root)) for p in self.root.rglob("*.html")
            if "_static" not in p.relative_to(self.root).parts
        )


@dataclass
class OpenedPage:
    """A page open in its own browser context, and every request it made."""

    page: object  # playwright.sync_api.Page
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def site(book):
    with serve(book.html) as base_url:
        yield Site(book.html, base_url)


@pytest.fixture(scope="session")
def chromium():
    with launch() as browser:
        yield browser


@pytest.fixture()
def open_page(site, chromium):
    """``open_page(path, viewport=DESKTOP, color_scheme="light")``."""
    contexts = []

    def opener(path: str, viewport: dict = DESKTOP, color_scheme: str = "light", **options) -> OpenedPage:
        context = chromium.new_context(viewport=viewport, color_scheme=color_scheme, **options)
        contexts.append(context)
        opened = OpenedPage(context.new_page())
        context.on("request", lambda request: opened.requests.append(request.url))
        opened.page.goto(site.url(path), wait_until="load")
        return opened

    yield opener
    for context in contexts:
        context.close()
