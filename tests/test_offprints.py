"""Chapter offprints: each chapter as its own PDF, its pages the book's.

Each chapter's offprint (docs/_ext/book/citing/offprints.py) is a first page that says
which book, edition and pages it is and how to cite it, then the book PDF's
own pages of the chapter, unchanged; the chapter's page links to it, and
its citation_pdf_url points to it.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from pypdf import PdfReader

from test_editions import CHAPTERS, normalise, rst_title, soup


@pytest.fixture(scope="module")
def book_pdf(book):
    return PdfReader(book.pdf)


def offprint_of(book, docname):
    path = book.html / "offprints" / f"{docname}.pdf"
    assert path.is_file(), f"no offprint of {docname}"
    return PdfReader(path)


@pytest.mark.parametrize("docname", CHAPTERS)
def test_offprint_is_the_books_pages_behind_a_first_page_that_says_what_they_are(book, book_pdf, docname):
    offprint = offprint_of(book, docname)
    cover = normalise(offprint.pages[0].extract_text())
    identity = book.identity
    for needed in (identity["title"], identity["edition"], f"version {identity['version']}",
                   rst_title(docname), "How to cite", identity["licence"]):
        assert needed in cover, f"the offprint's first page does not say {needed!r}"
    assert "'" not in cover and '"' not in cover, "the offprint's first page has straight quotes"
    fonts = offprint.pages[0]["/Resources"]["/Font"]
    types = {str(font.get_object()["/Subtype"]) for font in fonts.values()}
    assert "/Type3" not in types, "the offprint's first page is set in Type 3 fonts (drawn, not typeset)"
    first, last = re.search(r"Pages (\w+)–(\w+) of the PDF edition", cover).groups()
    labels = book_pdf.page_labels
    start, end = labels.index(first), len(labels) - 1 - labels[::-1].index(last)
    assert len(offprint.pages) == 1 + end - start + 1
    for offset, index in enumerate(range(start, end + 1), 1):
        assert offprint.pages[offset].extract_text() == book_pdf.pages[index].extract_text(), (docname, labels[index])
    # The pages it names are the chapter's, as its page's metadata gives them:
    # no blank page at its end.
    page = soup(book.html / f"{docname}.html")
    cited = [page.find("meta", attrs={"name": f"citation_{which}"})["content"] for which in ("firstpage", "lastpage")]
    assert [first, last] == cited, f"the offprint of {docname} names pages {first}–{last}, its page's metadata {cited}"
    assert offprint.pages[-1].extract_text().strip(), f"the offprint of {docname} ends with a blank page"
    assert offprint.page_labels[1:] == labels[start:end + 1], "the offprint's pages do not carry the book's numbers"
    assert rst_title(docname).upper() in normalise(book_pdf.pages[start].extract_text()).upper()


@pytest.mark.parametrize("docname", CHAPTERS)
def test_the_chapter_page_links_its_offprint_and_reference_managers_find_it(book, docname):
    page = soup(book.html / f"{docname}.html")
    links = page.select("details.cite-this a.cite-offprint")
    assert links, f"{docname}.html does not link its offprint"
    assert (book.html / unquote(links[0]["href"])).resolve() == (book.html / "offprints" / f"{docname}.pdf").resolve()
    meta = page.find("meta", attrs={"name": "citation_pdf_url"})
    assert meta["content"] == f"{book.identity['base_url']}offprints/{docname}.pdf"
