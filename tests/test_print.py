"""Printing a chapter page from the browser gives the text alone.

Chromium's print to PDF (Playwright's page.pdf(), which uses the print
style sheet, docs/_static/book.css) of every chapter page, on A4 upright and
across (wide enough for furo to show its sidebars on screen), read back with
pdftotext: the chapter's title is there, the sidebars' navigation and the
download bar are not, and every external link's address is printed.
"""

from __future__ import annotations

import re

import pytest

from test_editions import CHAPTERS, normalise, pdftotext

SIDEBAR_TEXTS = """() => [...document.querySelectorAll(
    '.sidebar-drawer a, .sidebar-drawer .caption, .toc-drawer a, .related-pages a .title')]
  .map(e => e.textContent.replace(/\\s+/g, ' ').trim()).filter(t => t.length > 2)"""
ARTICLE_TEXT = "() => document.querySelector('article').innerText"
EXTERNAL_LINKS = """() => [...document.querySelectorAll('article a.reference.external:not(.bare-url)')]
  .map(a => a.getAttribute('href')).filter(h => /^https?:/.test(h))"""


@pytest.mark.parametrize("landscape", [False, True], ids=["portrait", "landscape"])
@pytest.mark.parametrize("docname", CHAPTERS)
def test_printed_chapter_has_the_text_and_no_navigation(open_page, tmp_path, docname, landscape):
    page = open_page(f"{docname}.html").page
    title = normalise(page.locator("h1").first.inner_text()).rstrip("#¶ ")
    article = normalise(page.evaluate(ARTICLE_TEXT))
    # Navigation text that is not also part of the chapter's own text.
    navigation = {t for t in page.evaluate(SIDEBAR_TEXTS) if t not in article}
    navigation |= {"Download PDF", "Download EPUB"}
    links = page.evaluate(EXTERNAL_LINKS)
    pdf = tmp_path / f"{docname}.pdf"
    page.pdf(path=str(pdf), format="A4", landscape=landscape)
    printed = normalise(pdftotext(pdf))
    assert title in printed, f"{title!r} is not in the printed page"
    shown = sorted(t for t in navigation if t in printed)
    assert not shown, f"navigation printed: {shown}"
    squeezed = re.sub(r"\s+", "", printed)
    missing = [href for href in links if href not in squeezed]
    assert not missing, f"link addresses not printed: {missing}"
