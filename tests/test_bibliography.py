"""The bibliography as readers see it, in every edition, and the editors' notes in it.

Each entry of references.bib may carry a ``note`` field, which the
bibliography page prints as an "Editors' note" (docs/_ext/book/notes/bibstyle.py): it
is written for readers.  So it names another work in words, never by its
citation key; it says calmly what the editors could and could not check,
with no memo to the editors themselves and no word in capitals but an
acronym; it is a sentence of its own after the reference; and no LaTeX
command in references.bib comes through as text.  In the PDF, the lines that
follow an entry or an editorial note ("Cited in:", "Marked in the text at:")
stay on the entry's page.
"""

from __future__ import annotations

import re
import zipfile

import pytest
from bs4 import BeautifulSoup
from pybtex.database import parse_file

from conftest import ROOT
from test_editions import pdftotext, soup
from test_pdf import frame, layout, read_pages


def entries():
    return parse_file(str(ROOT / "references.bib")).entries


KEYS = sorted(entries(), key=len, reverse=True)
KEY = re.compile(r"(?<![\w/.])(?:" + "|".join(map(re.escape, KEYS)) + r")(?![\w/])", re.IGNORECASE)

# Words in capitals that are acronyms, not shouting.  Add one here when a note
# uses a new acronym; a word of capitals with a digit (a candidate number,
# "W89") is an identifier, and a Roman numeral ("III") a number.
ACRONYMS = {
    "CIA", "CIP", "DOI", "EPUB", "FBI", "FRUS", "ISBN", "ISSN", "JSTOR", "KGB", "NARA", "NATO",
    "NKVD", "PDF", "PNND", "SALT", "START", "UK", "UN", "URL", "USA", "USSR", "WTO",
    # The archives and institutions the third edition's Soviet sources name:
    # the Archive of the President of the Russian Federation (APRF), the
    # Archive of Foreign Policy of the Russian Federation (AVPRF) and of the
    # USSR (AVP SSSR), the German Democratic Republic (GDR), the National
    # Security Council (NSC), MIT Press, the Text Encoding Initiative (TEI).
    "APRF", "AVP", "AVPRF", "GDR", "MIT", "NSC", "SSSR", "TEI",
}
ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
# Words that a memo to the editors uses and a note to readers does not.
MEMO = re.compile(r"\bcheck before\b|\bverify\b|\bTODO\b|\bFIXME\b|\bXXX\b|\bto do\b", re.IGNORECASE)
# A LaTeX command, or an escaped special character, printed as text.
LATEX = re.compile(r"\\(?:[A-Za-z]+|[$%&#_{}~^\\])")


def shouted(note: str) -> list[str]:
    """The words of capitals (3+ letters) in *note* that are neither an
    acronym of ACRONYMS nor a Roman numeral."""
    words = re.findall(r"\b[A-Z]{3,}\b", note.replace("{", "").replace("}", ""))
    return [w for w in words if w not in ACRONYMS and not ROMAN.fullmatch(w)]


def test_shouted_finds_capitals_but_not_acronyms():
    assert shouted("Date NOT seen; ISBN not verified.") == ["NOT"]
    assert shouted("H. W. Crocker III; the {USSR}; candidate D0993112; File W89.") == []


def test_key_finds_a_key_but_not_a_word_or_an_address():
    key = KEYS[0]
    assert KEY.search(f"named in the review {key} and") and KEY.search(f"({key.lower()})")
    assert not KEY.search(f"https://example.org/{key}") and not KEY.search(f"x{key}y")


@pytest.mark.parametrize("key", sorted(k for k, e in entries().items() if "note" in e.fields))
def test_a_note_is_written_for_readers(key):
    note = entries()[key].fields["note"]
    where = f"references.bib, {key}: its note is printed for readers (CONTRIBUTING.md, references.bib)"
    assert not KEY.search(note), f"{where}; name the work in words, not by its key {KEY.search(note)[0]!r}"
    assert not MEMO.search(note), f"{where}; say what was or was not checked, not {MEMO.search(note)[0]!r}"
    assert not shouted(note), f"{where}; no words in capitals {shouted(note)} (an acronym: ACRONYMS here)"


# -- The bibliography as printed ----------------------------------------------------


def entry_texts(page: BeautifulSoup) -> list[str]:
    entries = page.select("div.citation")
    assert entries, "the bibliography page has no entries"
    return [" ".join(e.get_text(" ").split()) for e in entries]


def html_entries(book) -> list[str]:
    return entry_texts(soup(book.html / "bibliography.html"))


def epub_entries(book) -> list[str]:
    with zipfile.ZipFile(book.epub) as archive:
        name = next(n for n in archive.namelist() if n.endswith("bibliography.xhtml"))
        return entry_texts(BeautifulSoup(archive.read(name), "lxml"))


def pdf_text(book) -> str:
    # Words broken across lines are joined again.
    return re.sub(r"-\n\s*", "", pdftotext(book.pdf))


@pytest.mark.parametrize("edition", ["html", "epub"])
def test_no_entry_prints_a_key_or_latex(book, edition):
    for text in (html_entries if edition == "html" else epub_entries)(book):
        assert not KEY.search(text), f"{edition}: a citation key printed in the entry {text!r}"
        assert not LATEX.search(text), f"{edition}: LaTeX printed as text in the entry {text!r}"


def test_the_pdf_prints_no_key_and_no_latex(book):
    text = pdf_text(book)
    for pattern, what in ((KEY, "a citation key"), (LATEX, "LaTeX")):
        found = pattern.search(text)
        assert not found, f"the PDF prints {what} as text: {text[max(0, found.start() - 80):found.end() + 40]!r}"


NOTE = "Editors’ note:"


@pytest.mark.parametrize("edition", ["html", "epub"])
def test_the_editors_note_is_a_sentence_of_its_own(book, edition):
    texts = [t for t in (html_entries if edition == "html" else epub_entries)(book) if NOTE in t]
    assert texts, f"{edition}: no entry has an editors' note"
    for text in texts:
        before = text.split(NOTE)[0].rstrip()
        assert re.search(r"[.?!][”’\"]?$", before), f"{edition}: the editors' note does not begin a sentence: {text!r}"
        # The note ends as a sentence too.
        assert re.search(r"[.?!][”’\"]?$", text.split(NOTE)[1].split(" Cited in:")[0].rstrip()), text


def first_lines(pdf, log) -> list[tuple[int, str]]:
    """The first line of the text block of every page: (page number, text)."""
    lay = layout(log)
    lines = []
    for page in read_pages(pdf):
        _left, _right, bands = frame(page, lay)
        top, bottom = bands[1]
        words = [w for w in page.words if top - 1 <= w.top and w.bottom <= bottom]
        if not words:
            continue
        first = min(w.top for w in words)
        line = sorted((w for w in words if abs(w.top - first) < 3), key=lambda w: w.x0)
        lines.append((page.number, " ".join(w.text for w in line)))
    return lines


def test_no_page_begins_with_the_tail_of_an_entry(book):
    """"Cited in:" (the bibliography) and "Marked in the text at:" (the
    editorial notes) stay on the page of the entry they belong to."""
    log = book.out / "work" / "latex" / book.identity["pdf_name"].replace(".pdf", ".log")
    lines = first_lines(book.pdf, log)
    assert lines, "the PDF has no text"
    alone = [(n, text) for n, text in lines if text.startswith(("Cited in", "Marked in the text at"))]
    assert not alone, f"pages that begin with the tail of an entry, apart from it: {alone}"


# -- The style itself, on entries made here --------------------------------------


def full_text(bibtex: str) -> str:
    from book.notes import bibstyle  # docs/_ext, on sys.path through conftest
    from pybtex.database import parse_string

    (entry,) = parse_string(bibtex, "bibtex").entries.values()
    return bibstyle.FullStyle().format_entry("1", entry).text.render_as("text")


@pytest.mark.parametrize("kind", ["book", "inbook", "article", "misc", "online"])
def test_the_note_follows_the_reference_as_a_sentence(kind):
    text = full_text(
        f"@{kind}{{Key2000word, author = {{Doe, Jane}}, title = {{A Title}}, chapter = {{2}},"
        " booktitle = {Book}, journal = {Journal}, publisher = {Press}, address = {Place},"
        " year = {2000}, url = {https://example.org/a}, note = {Costs \\$12 in file 2760\\textonehalf b}}"
    )
    assert re.search(r"[.?!] Editors’ note: Costs \$12 in file 2760½b\.$", text), text
    assert text.endswith("."), text


def test_a_note_ending_with_a_quotation_gets_no_second_full_stop():
    text = full_text("@misc{Key2000word, author = {Doe, Jane}, title = {T}, year = {2000}, note = {Says ``it ended.''}}")
    assert text.endswith("Editors’ note: Says “it ended.”"), text


def test_a_doi_prints_as_its_address(book):
    """A work with a DOI is cited by its address, https://doi.org/…, as
    Chicago (14.8) asks; the link's text is the address it leads to, so the
    PDF prints it once, not again in a footnote (latex_show_urls)."""
    dois = {key: entry.fields["doi"].strip() for key, entry in entries().items() if "doi" in entry.fields}
    assert dois, "references.bib has no DOI: the rule is not exercised"
    page = soup(book.html / "bibliography.html")
    for key, doi in dois.items():
        address = f"https://doi.org/{doi}"
        links = page.find_all("a", href=address)
        assert links, f"{key}: the bibliography has no link to {address}"
        assert all(link.get_text(strip=True) == address for link in links), (
            f"{key}: the DOI's link reads {[link.get_text(strip=True) for link in links]}, not {address}")
    text = pdftotext(book.pdf)
    assert "doi:10." not in text, "the PDF prints a DOI as doi:…, not as its address"


def test_an_address_prints_without_a_label(book):
    """Chicago prints a work's URL as it is, at the end of the entry, with no
    "URL:" before it, in the bibliography of every edition."""
    with zipfile.ZipFile(book.epub) as epub:
        xhtml = next(epub.read(n).decode("utf-8") for n in epub.namelist() if n.endswith("bibliography.xhtml"))
    texts = {"html": soup(book.html / "bibliography.html").get_text(" "),
             "epub": BeautifulSoup(xhtml, "html.parser").get_text(" "),
             "pdf": pdftotext(book.pdf)}
    assert "https://history.state.gov" in texts["html"], "the bibliography prints no address: the rule is not exercised"
    for edition, text in texts.items():
        assert "URL:" not in text, f"{edition}: an address is printed after 'URL:'"
