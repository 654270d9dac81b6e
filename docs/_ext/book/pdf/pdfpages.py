"""The page of every labelled section in the PDF edition.

The LaTeX builder puts a named destination (``\\hypertarget``) at every
labelled section of the numbered chapters; the HTML build, which runs after
the PDF, reads their page labels from the PDF named in the environment
variable ``BOOK_PDF`` (set by scripts/build.py), for the citations, the
metadata and the "cited in" links, which link to ``<pdf>#nameddest=<label>``.
When the pages change, every numbered page is rebuilt.  It changes when the
way pages are marked in the PDF or read from it changes.
"""

from __future__ import annotations

import os
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

from ..core.booksections import labelled_sections


def read_pdf_pages(path: str | None) -> dict[str, str]:
    """{named destination: printed page label} of the PDF at *path*."""
    if not path or not Path(path).is_file():
        return {}
    from pypdf import PdfReader

    reader = PdfReader(path)
    labels = reader.page_labels
    pages = {}
    for name, destination in reader.named_destinations.items():
        try:
            index = reader.get_destination_page_number(destination)
        except Exception:  # a destination pypdf cannot place: leave it out
            continue
        if index is not None and index >= 0:
            pages[str(name).lstrip("/")] = labels[index]
    return pages


def pages_of(app: Sphinx) -> dict[str, str]:
    """{section label: PDF page label} of the PDF this build links to, read once."""
    if not hasattr(app, "_book_pdf_pages"):
        app._book_pdf_pages = read_pdf_pages(os.environ.get("BOOK_PDF"))
    return app._book_pdf_pages


def _outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Rebuild every numbered page when the PDF's pages have changed."""
    if app.builder.format != "html":
        return []
    pages = pages_of(app)
    if getattr(env, "book_pdf_pages", None) == pages:
        return []
    env.book_pdf_pages = pages
    return sorted(set(env.toc_secnumbers) | {"bibliography"} & set(env.found_docs))


def _mark_destinations(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """In the PDF: a named destination after the title of every labelled section."""
    if app.builder.format != "latex":
        return
    for _current, section, label, _number in list(labelled_sections(app, doctree, docname)):
        title_index = section.first_child_matching_class(nodes.title)
        section.insert((title_index or 0) + 1, nodes.raw("", rf"\hypertarget{{{label}}}{{}}", format="latex"))


def chapter_end(docname: str) -> str:
    """The named destination where a numbered chapter's text ends in the PDF."""
    return f"book-end-of-{docname}"


# Text that LaTeX may set on another page than where it stands: floats, notes.
_ELSEWHERE = (nodes.footnote, nodes.citation, nodes.figure, nodes.table, nodes.sidebar)


def _mark_chapter_ends(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """In the PDF: a named destination after the last word of every numbered
    chapter's text (its last paragraph outside floats and notes), so that the
    metadata can give the chapter's last page."""
    if app.builder.format != "latex":
        return
    for start in list(doctree.findall(addnodes.start_of_file)):
        chapter = start["docname"]
        if chapter not in app.env.toc_secnumbers:
            continue
        last = None
        for paragraph in start.findall(nodes.paragraph):
            parent, placed = paragraph.parent, True
            while parent is not None and parent is not start:
                if isinstance(parent, _ELSEWHERE) or isinstance(parent, addnodes.start_of_file):
                    placed = False
                    break
                parent = parent.parent
            if placed:
                last = paragraph
        if last is not None:
            last += nodes.raw("", rf"\hypertarget{{{chapter_end(chapter)}}}{{}}", format="latex")


def setup(app: Sphinx) -> dict:
    app.connect("env-get-outdated", _outdated)
    app.connect("doctree-resolved", _mark_destinations)
    app.connect("doctree-resolved", _mark_chapter_ends)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
