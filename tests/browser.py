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

The server and the browser are scripts/browse.py's (the page budget of
scripts/bench.py uses them too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

# The server and the browser themselves, shared with scripts/bench.py.
from browse import DESKTOP, MOBILE, launch, serve  # noqa: F401 (MOBILE: for the tests)


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
