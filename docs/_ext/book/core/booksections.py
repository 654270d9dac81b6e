"""The book's numbered, labelled sections, and their addresses.

Shared by the extensions that cite, number or link sections (citeformats,
citebox, citemeta, paranumbers, pdfpages, wherecited): the book's identity
(``BOOK`` in conf.py), the ``Section`` record, the walk over every labelled
section of a numbered chapter, and the URLs of a section and of the PDF.
It changes when the way a section is found, numbered or addressed changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx


def book_of(app: Sphinx) -> dict:
    return app.config.html_context["book"]


@dataclass(frozen=True)
class Section:
    docname: str
    label: str
    number: str  # "1.3", or "1" for a chapter
    title: str  # without the number
    page: str | None  # the PDF page label, "12"

    @property
    def numbered_title(self) -> str:
        return f"{self.number} {self.title}"


def book_date_parts(book: dict) -> list[int]:
    return [int(part) for part in book["date_iso"].split("-")]


def section_url(book: dict, section: Section) -> str:
    return f"{book['base_url']}{section.docname}.html#{section.label}"


def pdf_url(book: dict, label: str | None = None) -> str:
    url = f"{book['base_url']}{book['pdf_name']}"
    return f"{url}#nameddest={label}" if label else url


def labelled_sections(app: Sphinx, doctree: nodes.Node, docname: str):
    """(docname, section, label, number) of every labelled section in a numbered doc.

    The LaTeX builder resolves the whole book as one tree; its documents
    start at ``start_of_file`` nodes, which carry their docname.
    """
    env = app.env
    labels = {
        (doc, labelid): name
        for name, (doc, labelid, _title) in env.get_domain("std").labels.items()
    }

    def walk(node, current):
        for child in node.children:
            if isinstance(child, addnodes.start_of_file):
                yield from walk(child, child["docname"])
            elif isinstance(child, nodes.section):
                if current in env.toc_secnumbers:
                    label = next((labels[(current, i)] for i in child["ids"] if (current, i) in labels), None)
                    anchor = "" if is_top(child) else "#" + child["ids"][0]
                    number = env.toc_secnumbers[current].get(anchor)
                    if label and number:
                        yield current, child, label, ".".join(map(str, number))
                yield from walk(child, current)
            elif isinstance(child, nodes.Element):
                yield from walk(child, current)

    yield from walk(doctree, docname)


def is_top(section: nodes.section) -> bool:
    """Whether *section* is its document's title section."""
    parent = section.parent
    while parent is not None and not isinstance(parent, (nodes.section, addnodes.start_of_file)):
        parent = parent.parent
    return parent is None or isinstance(parent, addnodes.start_of_file)


def setup(app: Sphinx) -> dict:
    # A library for the other extensions: no hooks of its own.
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
