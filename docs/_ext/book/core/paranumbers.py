"""Paragraph numbers in the chapters, in the web page's margin and the PDF's.

Each paragraph directly under a labelled section of a numbered chapter gets a
number (restarting in every section) and the anchor ``<section-label>-p<n>``,
shown as "¶n" in the HTML margin (docs/_static/book.css) and printed as "¶n"
in the PDF margin (``\\bookparagraph`` in conf.py's LaTeX preamble); the EPUB
keeps the anchors without the marks.  It changes when paragraph numbering
changes.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

from .booksections import labelled_sections


def _number_paragraphs(app: Sphinx, section: nodes.section, label: str, number: str) -> None:
    count = 0
    for child in list(section.children):
        if not isinstance(child, nodes.paragraph):
            continue
        count += 1
        anchor = f"{label}-p{count}"
        child["ids"].append(anchor)
        child["classes"].append("numbered-paragraph")
        if app.builder.format == "latex":
            marker = nodes.raw("", rf"\hypertarget{{{anchor}}}{{}}\bookparagraph{{{count}}}", format="latex")
            # End whatever came before: Sphinx writes an inline node between
            # two paragraphs (an event's anchor) without the blank line that
            # ends the first, and this paragraph would run on from it.
            section.insert(section.index(child), nodes.raw("", "\\par", format="latex"))
        elif app.builder.name == "epub":
            continue
        else:
            marker = nodes.raw(
                "",
                f'<a class="para-num" href="#{anchor}" title="Paragraph {count} of {number}">¶{count}</a>',
                format="html",
            )
        child.insert(0, marker)


def _number_all(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for _current, section, label, number in list(labelled_sections(app, doctree, docname)):
        _number_paragraphs(app, section, label, number)


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", _number_all)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
