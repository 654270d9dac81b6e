"""A ``<meta name="description">`` on every page of the HTML site.

Search engines and link previews show it (Lighthouse's SEO audit asks for
it).  A page's description is the start of its first paragraph of text
(footnote and citation marks and paragraph numbers left out), cut at a word near 160 characters;
a page with no text of its own (search, index) gets the book's title and
subtitle.
"""

from __future__ import annotations

import html
import re

from docutils import nodes
from sphinx.application import Sphinx

LENGTH = 160
# Left out of the description: note and citation marks, and raw markup (the
# paragraph numbers' "¶n" links), which would show as escaped HTML.
MARKS = (nodes.footnote_reference, nodes.citation_reference, nodes.substitution_reference, nodes.raw)


def _text(paragraph: nodes.paragraph) -> str:
    parts = []
    for text in paragraph.findall(nodes.Text):
        if any(isinstance(parent, MARKS) for parent in _ancestors(text)):
            continue
        parts.append(text.astext())
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _ancestors(node: nodes.Node):
    while node.parent is not None:
        node = node.parent
        yield node


def first_text(doctree: nodes.document) -> str:
    """The first paragraph of running text (not in a note, citation or table)."""
    skip = (nodes.footnote, nodes.citation, nodes.table, nodes.sidebar, nodes.admonition,
            nodes.system_message, nodes.field_list, nodes.docinfo)
    for paragraph in doctree.findall(nodes.paragraph):
        if any(isinstance(parent, skip) for parent in _ancestors(paragraph)):
            continue
        text = _text(paragraph)
        if len(text) >= 20:
            return text
    return ""


def shorten(text: str, length: int = LENGTH) -> str:
    if len(text) <= length:
        return text
    cut = text[: length - 1].rsplit(" ", 1)[0].rstrip(",;:–—- ")
    return cut + "…"


def _describe(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name not in ("html", "dirhtml"):  # the site only, not the EPUB
        return
    text = first_text(doctree) if doctree is not None else ""
    if not text:
        book = app.config.html_context.get("book", {})
        text = ". ".join(filter(None, (book.get("title"), book.get("subtitle")))) or app.config.project
    tag = f'<meta name="description" content="{html.escape(shorten(text), quote=True)}">\n'
    context["metatags"] = context.get("metatags", "") + tag


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _describe)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
