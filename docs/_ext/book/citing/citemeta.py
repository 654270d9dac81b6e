"""Metadata for reference managers: Highwire ``citation_*`` and Dublin Core tags.

Policy: each chapter page of the web edition is a citable unit, a chapter
(Zotero's "book section") of the book, with its first and last page in the
PDF edition; the front page describes the whole book.  Other pages carry no
such tags.  It changes when the metadata policy or the tags change.
"""

from __future__ import annotations

import html

from sphinx.application import Sphinx

from ..core.booksections import Section, book_of, pdf_url
from .offprints import offprint_uri
from ..pdf.pdfpages import chapter_end, pages_of


def _meta(name: str, content: str, attr: str = "name") -> str:
    return f'<meta {attr}="{html.escape(name)}" content="{html.escape(content)}" />\n'


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name == "epub" or app.builder.format != "html":
        return
    book = book_of(app)
    env = app.env
    pages = pages_of(app)
    tags = []
    date = book["date_iso"].replace("-", "/")
    if pagename in env.toc_secnumbers and "" in env.toc_secnumbers[pagename]:
        # "3 The Cold War": the form of the chapter's title every citation uses.
        number = ".".join(map(str, env.toc_secnumbers[pagename][""]))
        title = Section(pagename, pagename, number, env.titles[pagename].astext(), None).numbered_title
        tags += [_meta("citation_title", title)]
        tags += [_meta("citation_author", name) for name in book["editors"]]
        tags += [
            _meta("citation_publication_date", date),
            _meta("citation_inbook_title", book["title"]),
            _meta("citation_book_title", book["title"]),
            _meta("citation_publisher", book["publisher"]),
            _meta("citation_language", book["language"]),
            # The chapter's offprint (offprints.py), else the whole book.
            _meta("citation_pdf_url", f"{book['base_url']}{offprint}" if (offprint := offprint_uri(app, pagename))
                  else pdf_url(book)),
            _meta("citation_public_url", f"{book['base_url']}{pagename}.html"),
        ]
        chapter_pages = _chapter_pages(env, pagename, pages)
        if chapter_pages:
            tags += [_meta("citation_firstpage", chapter_pages[0]), _meta("citation_lastpage", chapter_pages[1])]
        dc_title, dc_type = title, "Text"
    elif pagename == app.config.root_doc:
        tags += [_meta("citation_title", book["title"])]
        tags += [_meta("citation_author", name) for name in book["editors"]]
        tags += [
            _meta("citation_publication_date", date),
            _meta("citation_publisher", book["publisher"]),
            _meta("citation_language", book["language"]),
            _meta("citation_pdf_url", pdf_url(book)),
            _meta("citation_public_url", book["base_url"]),
        ]
        # Open Graph's "book": Zotero's Embedded Metadata translator then saves
        # the front page as a book (citation_title alone reads as an article).
        tags += [
            _meta("og:type", "book", attr="property"),
            _meta("og:title", book["title"], attr="property"),
            _meta("og:url", book["base_url"], attr="property"),
        ]
        dc_title, dc_type = book["title"], "Text"
    else:
        return
    tags += [
        _meta("DC.title", dc_title),
        *[_meta("DC.creator", name) for name in book["editors"]],
        _meta("DC.date", book["date_iso"]),
        _meta("DC.publisher", book["publisher"]),
        _meta("DC.type", dc_type),
        _meta("DC.format", "text/html"),
        _meta("DC.language", book["language"]),
        _meta("DC.identifier", f"{book['base_url']}{'' if pagename == app.config.root_doc else pagename + '.html'}"),
        _meta("DC.rights", f"{book['licence']} ({book['licence_url']})"),
        _meta("DC.relation.ispartof", book["title"]),
    ]
    context["metatags"] = context.get("metatags", "") + "".join(tags)


def _chapter_pages(env, docname: str, pages: dict[str, str]) -> tuple[str, str] | None:
    """The first and last PDF page of a chapter: where its first labelled
    section starts and where its text ends (pdfpages marks both)."""
    labels = [name for name, (doc, _i, _t) in env.get_domain("std").labels.items() if doc == docname and name in pages]
    first = sorted(int(pages[n]) for n in labels if pages[n].isdigit())
    last = pages.get(chapter_end(docname), "")
    if not first or not last.isdigit():
        return None
    return str(first[0]), last


def setup(app: Sphinx) -> dict:
    app.setup_extension("book.pdf.pdfpages")
    app.connect("html-page-context", _page_context)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
