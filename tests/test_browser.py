"""The HTML site in a real browser, as a reader uses it.

Headless Chromium (Debian's) through Playwright, against the session's book
served on loopback (fixtures in tests/browser.py).  Every check that can be
made on every page is made on every page, so that it keeps holding as the
chapters grow.
"""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import urlparse

import pytest

from browser import MOBILE
from test_editions import CHAPTERS

SEARCH_TERM = "Lend-Lease"


def first_chapter() -> str:
    return f"{CHAPTERS[0]}.html"


# -- Search -------------------------------------------------------------------


def test_search_finds_a_term_and_links_to_the_section_that_has_it(open_page, site):
    opened = open_page(f"search.html?q={SEARCH_TERM}")
    page = opened.page
    results = page.locator("#search-results ul.search li > a")
    results.first.wait_for(timeout=15_000)
    href = results.first.get_attribute("href")
    target = page.evaluate("href => new URL(href, document.baseURI).href", href)
    page.goto(target)
    fragment = urlparse(target).fragment
    if fragment:
        # A section: the element the link points at (the <section> itself, or
        # the heading's anchor inside it) must hold the term.
        section = page.locator(f"[id='{fragment}']")
        text = section.evaluate("e => (e.closest('section') || e).innerText")
    else:
        text = page.locator("article").inner_text()
    assert SEARCH_TERM in text, f"the first result ({href}) does not contain {SEARCH_TERM!r}"


# -- Downloads ----------------------------------------------------------------


def download(page, name: str) -> tuple[bytes, str]:
    """Click the link *name*; what the browser saves, and the server's content type."""
    link = page.get_by_role("link", name=name)
    with page.expect_download() as info:
        link.click()
    data = open(info.value.path(), "rb").read()
    response = page.request.get(page.evaluate("a => a.href", link.element_handle()))
    return data, response.headers["content-type"]


def test_download_pdf_gives_a_pdf(open_page, site):
    data, content_type = download(open_page(first_chapter()).page, "Download PDF")
    assert data.startswith(b"%PDF-"), data[:16]
    assert content_type == "application/pdf"


def test_download_epub_gives_an_epub(open_page, site):
    data, content_type = download(open_page(first_chapter()).page, "Download EPUB")
    with zipfile.ZipFile(io.BytesIO(data)) as epub:
        first = epub.infolist()[0]
        assert first.filename == "mimetype"
        assert epub.read("mimetype") == b"application/epub+zip"
    assert content_type == "application/epub+zip"


# -- Light and dark -------------------------------------------------------------


def theme_state(page) -> tuple[str, str]:
    return tuple(page.evaluate(
        "() => [document.body.dataset.theme || '', getComputedStyle(document.body).backgroundColor]"
    ))


@pytest.mark.parametrize("viewport", [None, MOBILE], ids=["desktop", "mobile"])
def test_theme_toggle_switches_between_light_and_dark(open_page, viewport):
    options = {"viewport": viewport} if viewport else {}
    page = open_page(first_chapter(), **options).page
    seen = {}
    for _ in range(3):  # furo cycles auto -> dark -> light (or light -> dark)
        page.locator("button.theme-toggle:visible").first.click()
        theme, background = theme_state(page)
        seen[theme] = background
    assert {"light", "dark"} <= set(seen), seen
    assert seen["light"] != seen["dark"], f"the background stays {seen['light']}"
    # The choice survives a reload (furo keeps it in localStorage).
    while theme_state(page)[0] != "dark":
        page.locator("button.theme-toggle:visible").first.click()
    page.reload()
    assert theme_state(page) == ("dark", seen["dark"])


# -- Every page -----------------------------------------------------------------


def test_no_page_scrolls_sideways_on_a_small_phone(open_page, site):
    opened = open_page(site.pages()[0], viewport=MOBILE)
    wide = []
    for path in site.pages():
        opened.page.goto(site.url(path))
        scroll, client = opened.page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll > client:
            widest = opened.page.evaluate("""() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
                .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))""")
            wide.append(f"{path}: {scroll} px wide in {client} px ({', '.join(widest)})")
    assert not wide, "\n".join(wide)


@pytest.mark.parametrize("viewport", [None, MOBILE], ids=["desktop", "mobile"])
def test_no_page_requests_anything_from_another_host(open_page, site, viewport):
    options = {"viewport": viewport} if viewport else {}
    opened = open_page(site.pages()[0], **options)
    # The search page fetches the index and the result pages: search too.
    for path in [*site.pages(), f"search.html?q={SEARCH_TERM}"]:
        opened.page.goto(site.url(path), wait_until="networkidle")
    foreign = sorted({
        url for url in opened.requests
        if urlparse(url).scheme not in ("data", "blob") and urlparse(url).netloc != site.host
    })
    assert opened.requests, "no request was recorded"
    assert not foreign, "\n".join(foreign)


# -- Citing ---------------------------------------------------------------------

def test_cite_this_section_copies_a_citation(open_page, site, book):
    """"Cite this section" opens, and each Copy button puts that citation on the clipboard."""
    opened = open_page(first_chapter(), permissions=["clipboard-read", "clipboard-write"])
    page = opened.page
    control = page.locator("details.cite-this").nth(1)
    control.locator("summary").click()
    assert control.evaluate("node => node.open")
    # Opening the control loads every format, each with its copy button.
    control.locator('.cite-format[data-format="wikipedia"]').wait_for()
    assert control.locator(".cite-format").count() == 8
    for fmt in ("chicago-note", "bibtex", "wikipedia"):
        block = control.locator(f'.cite-format[data-format="{fmt}"]')
        shown = block.locator("pre, p").inner_text().strip()
        block.get_by_role("button", name=re.compile("Copy", re.IGNORECASE)).click()
        page.wait_for_function("() => document.activeElement && document.activeElement.textContent === 'Copied'")
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied == shown, (fmt, copied)
        label = control.get_attribute("data-label")
        assert f"{first_chapter()}#{label}" in copied, copied


def test_figures_load_when_the_reader_comes_to_them(open_page):
    """A chapter page fetches its map only near it; then the map shows."""
    opened = open_page("cold-war.html")
    page = opened.page
    page.wait_for_load_state("networkidle")
    assert not [url for url in opened.requests if "/_images/" in url]
    page.locator("#fig-map-blocs").scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const i = document.querySelector('#fig-map-blocs img');"
        " return i.currentSrc.endsWith('map-blocs.svg') && i.complete && i.naturalWidth > 100; }"
    )
    assert [url for url in opened.requests if "/_images/map-blocs.svg" in url], opened.requests
