"""The text: the article's story in the book's own words, every fact sourced.

tests/data/source-article.txt is the scraped encyclopedia article the book
grew from (the project's seed), kept here so the checks run anywhere.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from test_editions import CHAPTERS, DOCS, html_pages, normalise, pdftotext, soup

ARTICLE = (ROOT / "tests" / "data" / "source-article.txt").read_text(encoding="utf-8")
# The one passage the article quotes (its note 6); the book quotes it too.
QUOTATION = re.search(r'"The fact is.*?Bolsheviks"', ARTICLE, re.S).group(0).strip('"')
BIB = (ROOT / "references.bib").read_text(encoding="utf-8")
BIB_KEYS = re.findall(r"^@\w+\{([^,\s]+),", BIB, re.M)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def article_body() -> str:
    """The article's prose: everything before "See also", without the quotation."""
    return ARTICLE.split("See also")[0].replace(QUOTATION, " ")


def sources() -> dict[str, str]:
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.rst"))}


# -- Own words -----------------------------------------------------------------


def test_no_run_of_ten_words_is_copied_from_the_article():
    article = words(article_body())
    runs = {tuple(article[i : i + 10]) for i in range(len(article) - 9)}
    copied = {}
    for name, text in sources().items():
        text = text.replace(QUOTATION, " ")
        book = words(text)
        found = [" ".join(book[i : i + 10]) for i in range(len(book) - 9) if tuple(book[i : i + 10]) in runs]
        if found:
            copied[name] = found
    assert not copied, copied


def test_the_quotation_is_verbatim_in_a_block_quote_with_its_citation(book):
    page = soup(book.html / "before-the-war.html")
    quotes = [q for q in page.select("blockquote") if QUOTATION[:40] in normalise(q.get_text())]
    assert len(quotes) == 1
    assert normalise(QUOTATION) in normalise(quotes[0].get_text())
    # The sentence that introduces it carries the note to Levin.
    intro = quotes[0].find_previous("p")
    assert intro.select("a.footnote-reference"), intro


# -- The article's facts, names and dates are all there -----------------------

# Names, terms and dates the article gives; the book may correct a claim, but
# it never drops one.  (Dates in the article's own form where the book uses
# another: "December 26, 1991" is "26 December 1991" here.)
ARTICLE_FACTS = [
    "1917", "1776", "Robert Lansing", "Kornilov", "Vladivostok", "Arkhangelsk", "Cossack",
    "Japan", "Czechoslovak Legion", "Lenin", "Western Front", "White armies", "Woodrow Wilson",
    "Red Army", "Operation Barbarossa", "June 1941", "Molotov–Ribbentrop Pact", "Lend-Lease",
    "Truman", "1949", "Gromyko", "Marshall Plan", "Comecon", "NATO", "Warsaw Pact",
    "Eastern Bloc", "December 1989", "Gulf", "Iraq", "31 July 1991", "START I",
    "Gorbachev", "George H. W. Bush", "26 December 1991", "détente", "1947",
    "Foglesong", "Gibson Bell Smith", "Fic", "Levin", "Time",
]


@pytest.mark.parametrize("fact", ARTICLE_FACTS)
def test_the_book_carries_the_articles_fact(book, fact):
    text = " ".join(normalise(soup(book.html / f"{d}.html").get_text()) for d in CHAPTERS + ["introduction", "editorial-notes", "bibliography"])
    assert fact in text


def test_the_article_notes_all_have_entries():
    """Each of the article's seven notes has its work in references.bib."""
    for author in ("Foglesong", "Smith, Gibson Bell", "Fic, Victor", "Levin", "{Time}", "Carley"):
        assert author in BIB, author


# -- Sources --------------------------------------------------------------------


@pytest.mark.parametrize("docname", CHAPTERS)
def test_every_chapter_cites_sources(book, docname):
    page = soup(book.html / f"{docname}.html")
    assert page.select("aside.footnote"), (
        f"docs/{docname}.rst cites no source: every claim cites the source that supports it "
        "(CONTRIBUTING.md, Sources)")


def test_every_bib_entry_is_cited_somewhere():
    cited = set()
    texts = list(sources().values()) + [p.read_text(encoding="utf-8") for p in DOCS.glob("_figures/*.rst")]
    for text in texts:
        for group in re.findall(r":(?:foot)?cite:[pt]:`([^`]+)`", text):
            cited.update(key.strip() for key in group.split(","))
        for group in re.findall(r":note:`([^`]+)`", text):  # "KeyA, p. 12; KeyB"
            cited.update(part.split(",")[0].strip() for part in group.split(";"))
    assert set(BIB_KEYS) - cited == set()
    assert cited - set(BIB_KEYS) == set()


def test_bibliography_page_lists_every_entry_once(book):
    page = soup(book.html / "bibliography.html")
    entries = page.select("div.citation, aside.citation")
    assert len(entries) == len(BIB_KEYS) == len(set(BIB_KEYS))


def test_bib_entries_are_sorted_and_keyed_author_year_word():
    assert BIB_KEYS == sorted(BIB_KEYS, key=str.lower)
    for key in BIB_KEYS:
        assert re.fullmatch(r"[A-Z][A-Za-z]+(\d{4}|ND)[a-z]+", key), key


# -- No debris ------------------------------------------------------------------

DEBRIS = ["Lua error", "Template:", "Main article:", "Open Access Articles", "Top Results for",
          "%E2%80%93", "Navbox", "package.lua", "Including Spheres of Influence", "Retrieved 2013"]


def test_no_debris_in_the_html(book):
    for page in html_pages(book):
        text = soup(page).get_text()
        for debris in DEBRIS:
            assert debris not in text, (page.name, debris)


def test_no_debris_in_the_pdf(book):
    text = pdftotext(book.pdf)
    for debris in DEBRIS:
        assert debris not in text, debris


STRAIGHT_APOSTROPHE = re.compile(r"[^\W\d_]'[^\W\d_]")


def reading_text(markup: str | bytes, parser: str = "lxml") -> str:
    """A page's text as a reader sees it: no scripts, styles or code."""
    page = BeautifulSoup(markup, parser)
    for tag in page.select("script, style, pre, code, kbd, samp"):
        tag.decompose()
    return page.get_text(" ")


def test_no_straight_apostrophe_in_the_text_readers_see(book):
    """Truman’s, not Truman's, in every page of this edition (web and EPUB),
    wherever the text comes from: the chapters, the bibliography, the timeline.
    (Published editions in their own folders are left as they were built.)"""
    found = []
    for page in sorted(book.html.glob("*.html")):
        found += [(page.name, m.group(0)) for m in STRAIGHT_APOSTROPHE.finditer(reading_text(page.read_bytes()))]
    with zipfile.ZipFile(book.epub) as epub:
        for name in epub.namelist():
            if name.endswith(".xhtml"):
                found += [(name, m.group(0)) for m in STRAIGHT_APOSTROPHE.finditer(reading_text(epub.read(name), "xml"))]
    assert found == [], f"straight apostrophes (write ’): {found[:10]}"


# -- The unsourced claim --------------------------------------------------------


def test_unsourced_marker_renders_in_html(book):
    page = soup(book.html / "before-the-war.html")
    markers = page.select("span.unsourced")
    assert markers
    for marker in markers:
        abbr = marker.select_one("abbr")
        assert abbr and abbr.get_text() == "source needed" and "no source" in abbr["title"]
        link = marker.select_one("a")
        assert link["href"].startswith("editorial-notes.html#editorial-notes-unsourced")


def test_unsourced_marker_renders_in_pdf(book):
    text = normalise(pdftotext(book.pdf))
    marker = "[source needed: no source found for this claim; see the editorial notes]"
    claims = (DOCS / "before-the-war.rst").read_text(encoding="utf-8").count(":unsourced:")
    assert claims and text.count(marker) >= claims


def test_unsourced_claims_are_listed_on_the_editorial_notes_page():
    notes = (DOCS / "editorial-notes.rst").read_text(encoding="utf-8")
    section = notes.split(".. _editorial-notes-unsourced:")[1].split(".. _editorial-notes-unverified:")[0]
    for name, text in sources().items():
        if ":unsourced:" in text and not name.endswith("introduction.rst"):
            label = re.findall(r"^\.\. _([a-z0-9-]+):", text.split(":unsourced:")[0], re.M)[-1]
            assert label in section, (name, label)


# -- Reading aids -----------------------------------------------------------------


def test_every_glossary_link_resolves(book):
    glossary = soup(book.html / "glossary.html")
    ids = {tag["id"] for tag in glossary.select("[id]")}
    for page in html_pages(book):
        for a in soup(page).select("a.reference"):
            href = a.get("href", "")
            if href.startswith("glossary.html#term-") or (page.name == "glossary.html" and href.startswith("#term-")):
                assert href.split("#", 1)[1] in ids, (page.name, href)


def test_every_glossary_term_is_used(book):
    """A term the glossary defines is linked (:term:) from some other page."""
    glossary = soup(book.html / "glossary.html")
    terms = {dt["id"]: normalise(dt.get_text()).rstrip("¶# ") for dt in glossary.select("dt[id^='term-']")}
    used = set()
    for page in html_pages(book):
        if page.name != "glossary.html":
            used |= {a["href"].split("#", 1)[1] for a in soup(page).select('a[href^="glossary.html#term-"]')}
    unused = sorted(terms[t] for t in set(terms) - used)
    assert not unused, (
        f"docs/glossary.rst defines terms no page uses: {unused}; link the first mention in a chapter "
        "with :term:`...`, or remove the term (CONTRIBUTING.md, Glossary)")


def test_index_lists_people_places_and_treaties(book):
    index = normalise(soup(book.html / "genindex.html").get_text())
    for entry in ("Gromyko, Andrei Andreyevich", "Vladivostok", "Molotov–Ribbentrop Pact", "NATO", "Warsaw Pact"):
        assert entry in index, entry


def test_every_section_has_an_explicit_label():
    for name, text in sources().items():
        lines = text.splitlines()
        for i, line in enumerate(lines[1:], 1):
            if line and set(line) <= set("=-^") and len(line) >= 3 and lines[i - 1].strip() and not set(lines[i - 1]) <= set("=-^"):
                # lines[i-1] is a title: look back past the overline and blank lines for a label
                j = i - 2
                while j >= 0 and (not lines[j].strip() or set(lines[j]) <= set("=")):
                    j -= 1
                assert j >= 0 and re.match(r"\.\. _[a-z0-9-]+:$", lines[j]), (name, lines[i - 1])
