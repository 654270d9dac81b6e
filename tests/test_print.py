"""Printing a chapter page from the browser gives the text alone.

Chromium's print to PDF (Playwright's page.pdf(), which uses the print
style sheet, docs/_static/book.css) of every chapter page, on A4 upright and
across, from a window wide enough for furo to show both sidebars and from a
narrow one, read back with pdftotext: the chapter's title is there, the
sidebars' navigation and the download bar are not, and every external link's
address is printed.

Where a printed line breaks depends on the fonts the machine has, so the
text is compared as a sequence of words (:func:`words`), never as lines:
"1939–1945" printed as "1939–" at the end of one line and "1945" at the start
of the next reads the same.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from test_editions import CHAPTERS

SIDEBAR_TEXTS = """() => [...document.querySelectorAll(
    '.sidebar-drawer a, .sidebar-drawer .caption, .toc-drawer a, .related-pages a .title')]
  .map(e => e.textContent.replace(/\\s+/g, ' ').trim()).filter(t => t.length > 2)"""
ARTICLE_TEXT = "() => document.querySelector('article').innerText"
EXTERNAL_LINKS = """() => [...document.querySelectorAll('article a.reference.external:not(.bare-url)')]
  .map(a => a.getAttribute('href')).filter(h => /^https?:/.test(h))"""
# Window widths: furo shows both sidebars at 1280 px, hides them at 800 px.
WINDOWS = {"wide": {"width": 1280, "height": 900}, "narrow": {"width": 800, "height": 900}}


def words(text: str) -> str:
    """*text* as its words, lower-cased, one space apart, framed by spaces.

    Dashes, hyphens, punctuation, soft hyphens and every kind of white space
    (where a line happened to break) are dropped: "1939– 1945", "1939–1945"
    and "1939–\\n1945" all give " 1939 1945 ".  A phrase is printed when its
    words(...) is a substring of the page's words(...).
    """
    return " " + " ".join(re.findall(r"\w+", text.replace("\u00ad", "").lower())) + " "


def printed_text(pdf: Path) -> str:
    """The text of a PDF in reading order (pdftotext, without -layout)."""
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_words_ignore_where_lines_break():
    assert words("Second World War, 1939–\n1945") == words("Second World War, 1939–1945")
    assert words("1939– 1945") in words("The war of 1939–1945 began")
    assert words("Download PDF") not in words("Download the PDF")


@pytest.mark.parametrize("window", WINDOWS, ids=list(WINDOWS))
@pytest.mark.parametrize("landscape", [False, True], ids=["portrait", "landscape"])
@pytest.mark.parametrize("docname", CHAPTERS)
def test_printed_chapter_has_the_text_and_no_navigation(open_page, tmp_path, docname, landscape, window):
    page = open_page(f"{docname}.html", viewport=WINDOWS[window]).page
    title = page.locator("h1").first.inner_text().rstrip("#¶ \n")
    article = words(page.evaluate(ARTICLE_TEXT))
    # Navigation text that is not also part of the chapter's own text.
    navigation = {t for t in page.evaluate(SIDEBAR_TEXTS) if words(t) not in article}
    navigation |= {"Download PDF", "Download EPUB"}
    links = page.evaluate(EXTERNAL_LINKS)
    pdf = tmp_path / f"{docname}.pdf"
    page.pdf(path=str(pdf), format="A4", landscape=landscape)
    text = printed_text(pdf)
    printed = words(text)
    assert words(title) in printed, f"{title!r} is not in the printed page"
    shown = sorted(t for t in navigation if words(t) in printed)
    assert not shown, f"navigation printed: {shown}"
    # An address may break anywhere (overflow-wrap: anywhere): compare it
    # with every white space of the page removed.
    squeezed = re.sub(r"\s+", "", text.replace("\u00ad", ""))
    missing = [href for href in links if href not in squeezed]
    assert not missing, f"link addresses not printed: {missing}"
