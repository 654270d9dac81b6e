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

import citeprocjs
from book.citing.citeformats import STYLES
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


CSL_FORMATS = ("chicago-note", "chicago", "apa", "mla")
def fmt_html(details, key: str) -> str:
    """One format of a section's citation as the page shows it (HTML)."""
    for format_key, _name, content, _is_code in page_citations(details)[details["data-label"]]:
        if format_key == key:
            return content
    raise KeyError(key)


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


ORDINAL = {"First": "1st", "Second": "2nd", "Third": "3rd", "Fourth": "4th", "Fifth": "5th"}


def edition_forms(identity: dict) -> tuple[str | None, str | None, str]:
    """("1", "1st", "1.0"): the edition as CSL, BibTeX and RIS give it, as the
    styles print it ("1st ed."), and the version; a working draft has no
    edition, only its version ("1.0+draft")."""
    if identity["edition"] == "Working draft":
        return None, None, identity["version"]
    nth = ORDINAL[identity["edition"].split()[0]]
    return nth.rstrip("stndrh"), nth, identity["version"]


def test_citations_name_section_edition_date_url_and_pdf_page(book, widgets):
    identity = book.identity
    number, nth, version = edition_forms(identity)
    for docname, details in widgets:
        label = details["data-label"]
        url = f"{identity['base_url']}{docname}.html#{label}"
        # The heading reads "3.3. Title"; every citation says "3.3 Title".
        number_title = re.sub(r"^([\d.]+?)\.? ", r"\1 ", title_of(details))
        for key in ("chicago-note", "chicago", "apa", "mla", "bibtex", "ris", "csl-json", "wikipedia"):
            text = normalise(fmt(details, key))
            assert url in text, (label, key)
            assert identity["year"] in text, (label, key)
        for key in ("chicago-note", "chicago", "apa", "mla"):
            text = normalise(fmt(details, key))
            assert f"ersion {version}" in text, (label, key, text)
            assert (f"{nth} ed." in text) if nth else (" ed." not in text), (label, key, text)
            assert number_title.lower() in text.lower(), (label, key, text)  # styles may title-case it
        meta = normalise(details.select_one(".cite-meta").get_text())
        assert identity["date_long"] in meta
        page = re.search(r"PDF edition, p\. (\w+)", meta).group(1)
        for key in ("chicago", "apa", "mla", "ris", "wikipedia"):
            assert page in fmt(details, key), (label, key)
        # CSL-JSON: the edition a number, the version its own variable, one form of the title
        csl = json.loads(fmt(details, "csl-json"))[0]
        assert (csl.get("edition"), csl["version"], csl["title"]) == (number, version, number_title), csl
        (entry,) = parse_string(fmt(details, "bibtex"), "bibtex").entries.values()
        assert entry.fields.get("edition") == number and version in entry.fields["note"]
        assert entry.fields["title"].replace("{", "").replace("}", "") == number_title
        (record,) = rispy.loads(fmt(details, "ris"))
        assert record.get("edition") == number and record["title"] == number_title
        wiki = fmt(details, "wikipedia")
        assert (f"|edition={nth} " in wiki) if nth else ("|edition=" not in wiki), wiki
        assert f"|chapter={number_title} " in wiki


def test_bibtex_parses_with_pybtex(widgets):
    for _, details in widgets:
        data = parse_string(fmt(details, "bibtex"), "bibtex")
        (key, entry), = data.entries.items()
        # biblatex's type for a part of a book with its own title
        assert entry.type == "inbook"
        assert details["data-label"] in key
        assert entry.fields["booktitle"].startswith("Soviet Union")
        assert entry.fields["url"].endswith("#" + details["data-label"]), "a URL is verbatim: no \\#"
        # The corporate author is one name, not a first and a last name.
        (author,) = entry.persons["author"]
        assert str(author).startswith("{") and not author.first_names
        # Brace the capitalised words only, never the whole title.
        assert not entry.fields["title"].startswith("{{")


def test_ris_parses_with_rispy(widgets):
    for _, details in widgets:
        (record,) = rispy.loads(fmt(details, "ris"))
        assert record["type_of_reference"] == "CHAP"
        assert record["urls"][0].endswith("#" + details["data-label"])


def test_every_format_equals_citeproc_js(book, widgets):
    """Chicago (note and bibliography), APA and MLA of every section, and of
    the whole book, as citeproc-js renders the same CSL-JSON item with the same
    CSL style and en-US locale (text after stripping tags)."""
    cases = [(key, STYLES[key.removesuffix("-note")], key.endswith("-note")) for key in CSL_FORMATS]
    sections = [(details["data-label"], json.loads(fmt(details, "csl-json"))[0], {
        key: fmt_html(details, key) for key in CSL_FORMATS}) for _, details in widgets]
    whole = soup(book.html / "introduction.html").select_one(".cite-book")
    assert whole is not None, "the introduction has no book-citation block"
    rows = {row["data-format"]: row for row in whole.select(".cite-format")}
    sections.append(("book", json.loads(rows["csl-json"].select_one("pre").get_text())[0], {
        key: rows[key].select_one(".cite-text").decode_contents() for key in CSL_FORMATS}))
    reference = citeprocjs.render([(style, [item for _, item, _ in sections], note) for _, style, note in cases])
    for (key, _style, _note), rendered in zip(cases, reference):
        for (label, _item, ours), theirs in zip(sections, rendered):
            assert citeprocjs.text(ours[key]) == citeprocjs.text(theirs), (label, key)
    assert len(sections) > 10


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


HIGHWIRE_TYPES = {  # Zotero's Embedded Metadata translator: a tag that fixes the item type
    "citation_journal_title": "journalArticle",
    "citation_technical_report_institution": "report",
    "citation_conference_title": "conferencePaper",
    "citation_conference": "conferencePaper",
    "citation_book_title": "bookSection",
    "citation_inbook_title": "bookSection",
    "citation_dissertation_institution": "thesis",
}


def zotero_item(page) -> dict:
    """The item Zotero's Embedded Metadata translator makes of a page.

    Its rules for Highwire tags (zotero/translators, "Embedded Metadata.js"):
    it reads <meta> in the <head> only, by name or property; a
    citation_book_title or citation_inbook_title makes a book section (the
    first mapped to bookTitle, the second to publicationTitle), a
    citation_journal_title an article, and so on; with none of them, an
    Open Graph og:type "book" (or an eprints DC.type "book") makes a book and
    citation_title alone a journal article.  citation_title is the title,
    every citation_author a creator, citation_publication_date the date,
    citation_firstpage and citation_lastpage the pages, citation_public_url
    the URL, citation_pdf_url the attached PDF, and, with no
    citation_abstract, the meta description becomes the abstract.
    """
    meta: dict[str, list[str]] = {}
    for tag in page.head.select("meta[content]"):
        name = tag.get("name") or tag.get("property")
        if name:
            meta.setdefault(name, []).append(tag["content"])
    one = lambda name: meta.get(name, [None])[0]  # noqa: E731
    item_type = next((kind for name, kind in HIGHWIRE_TYPES.items() if name in meta), None)
    if item_type is None:
        if one("og:type") == "book" or (one("DC.type") or "").lower() == "book":
            item_type = "book"
        else:
            item_type = "journalArticle"
    item = {
        "itemType": item_type,
        "title": one("citation_title"),
        "creators": meta.get("citation_author", []),
        "date": one("citation_publication_date") or one("citation_date"),
        "bookTitle": one("citation_book_title"),
        "publicationTitle": one("citation_inbook_title"),
        "publisher": one("citation_publisher"),
        "url": one("citation_public_url"),
        "attachments": [one("citation_pdf_url")] if one("citation_pdf_url") else [],
        "language": one("citation_language"),
        "abstractNote": one("citation_abstract") or one("description"),
    }
    if one("citation_firstpage"):
        item["pages"] = one("citation_firstpage") + (f"-{one('citation_lastpage')}" if one("citation_lastpage") else "")
    return item


def chapter_citation_title(page) -> str:
    """ "3 The Cold War, 1945–1991": the heading ("3. The Cold War, …") in the
    form every citation of the book gives a section's number and title."""
    return re.sub(r"^(\d+)\. ", r"\1 ", normalise(page.find("h1").get_text()).rstrip("#¶ "))


@pytest.mark.parametrize("number, docname", list(enumerate(CHAPTERS, 1)))
def test_chapter_pages_carry_highwire_and_dublin_core_tags(book, widgets, number, docname):
    page = soup(book.html / f"{docname}.html")
    item = zotero_item(page)
    identity = book.identity
    assert item["itemType"] == "bookSection"
    # One form of the title: the page's tags, the cite box and its files agree.
    assert item["title"] == chapter_citation_title(page)
    assert item["title"].startswith(f"{number} ")
    chapter_box = page.select_one("details.cite-this")
    assert json.loads(fmt(chapter_box, "csl-json"))[0]["title"] == item["title"]
    assert item["creators"] == identity["editors"]
    assert item["date"] == identity["date_iso"].replace("-", "/")
    assert item["bookTitle"] == item["publicationTitle"] == identity["title"]
    assert item["publisher"] == identity["publisher"]
    assert item["url"] == f"{identity['base_url']}{docname}.html"
    # The chapter's offprint (docs/_ext/book/citing/offprints.py), what a reader shares.
    assert item["attachments"] == [f"{identity['base_url']}offprints/{docname}.pdf"]
    dc = {tag["name"]: tag["content"] for tag in page.head.select('meta[name^="DC."]')}
    assert dc["DC.title"] == item["title"] and dc["DC.date"] == identity["date_iso"]
    assert dc["DC.identifier"] == item["url"] and identity["licence"] in dc["DC.rights"]


def test_highwire_tags_follow_google_scholars_rules(book):
    """Google Scholar's inclusion guidelines: the tags in the <head>; a title,
    each author in a tag of its own, the date as 2010/5/12 or 2010; the PDF by
    its full URL; pages as numbers."""
    for docname in ["index", *CHAPTERS]:
        page = soup(book.html / f"{docname}.html")
        assert not page.body.select('meta[name^="citation_"]'), docname
        tags = {}
        for tag in page.head.select('meta[name^="citation_"]'):
            tags.setdefault(tag["name"], []).append(tag["content"])
        assert len(tags["citation_title"]) == 1 and tags["citation_title"][0].strip(), docname
        assert tags["citation_author"] and all(";" not in a and a.strip() for a in tags["citation_author"])
        (date,) = tags["citation_publication_date"]
        assert re.fullmatch(r"\d{4}(/\d{1,2}/\d{1,2})?", date), date
        (pdf,) = tags["citation_pdf_url"]
        assert pdf.startswith(("https://", "http://")) and pdf.endswith(".pdf")
        assert (book.html / pdf.removeprefix(book.identity["base_url"])).is_file(), pdf
        if docname != "index":
            (first,), (last,) = tags["citation_firstpage"], tags["citation_lastpage"]
            assert first.isdigit() and last.isdigit() and int(first) <= int(last), (docname, first, last)


def test_front_page_describes_the_whole_book(book):
    item = zotero_item(soup(book.html / "index.html"))
    assert item["itemType"] == "book" and item["title"] == book.identity["title"]


def pdf_page_text(pdf: Path, page_label: str) -> str:
    labels = list(PdfReader(pdf).page_labels)
    index = labels.index(page_label) + 1
    text = subprocess.run(["pdftotext", "-f", str(index), "-l", str(index), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return normalise(re.sub(r"-\n", "", text))


@pytest.mark.parametrize("docname", CHAPTERS)
def test_chapter_pages_are_where_the_chapter_starts_and_ends_in_the_pdf(book, docname):
    """citation_firstpage: the page of the chapter's title; citation_lastpage:
    the page where its last paragraph ends, and the next page has none of it."""
    page = soup(book.html / f"{docname}.html")
    item = zotero_item(page)
    first, last = item["pages"].split("-")
    title = chapter_citation_title(page).split(" ", 1)[1]
    assert title.split(",")[0].upper() in pdf_page_text(book.pdf, first).upper()
    # The last paragraph of the chapter's running text (not a caption or a note).
    paragraphs = [p for p in page.select("article p.numbered-paragraph")]
    last_paragraph = paragraphs[-1]
    for mark in last_paragraph.select("a.para-num, a.footnote-reference, a.ednote-mark, sup"):
        mark.decompose()
    words = re.findall(r"[A-Za-z]{4,}", normalise(last_paragraph.get_text()))[-3:]
    assert words
    end_page = pdf_page_text(book.pdf, last)
    assert all(word in end_page for word in words), (docname, last, words)
    labels = list(PdfReader(book.pdf).page_labels)
    following = labels[labels.index(last) + 1]
    assert not all(word in pdf_page_text(book.pdf, following) for word in words), (docname, following)


def test_chapter_descriptions_are_plain_text(book):
    """The meta description (search snippets; Zotero's abstract) carries no
    markup, escaped or not: no paragraph-number link."""
    for docname in CHAPTERS:
        description = zotero_item(soup(book.html / f"{docname}.html"))["abstractNote"]
        assert description and len(description) > 40, docname
        assert not re.search(r"[<>¶]|&[a-z]+;|para-num", description), (docname, description)


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
        for ref in page.select("a.footnote-reference, a.book-figure-note-ref"):
            # A note (docs/_ext/book/notes/notes.py), numbered or a figure's lettered one,
            # names the works it cites in its classes.
            for key in [c.removeprefix("cites-") for c in ref["class"] if c.startswith("cites-")]:
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
    # The moves are data for _static/redirect.js, in an attribute (no inline script).
    on_page = soup(site / "chapter.html").find("script", src="_static/redirect.js")
    assert json.loads(on_page["data-moved"]) == {"old-section": "chapter.html#chapter-section"}
    stub = soup(site / "gone.html")
    assert json.loads(stub.find("script", src="_static/redirect.js")["data-moved"]) == {"lost-chapter": "chapter.html#chapter"}
    assert stub.find("a", href="chapter.html#chapter")
