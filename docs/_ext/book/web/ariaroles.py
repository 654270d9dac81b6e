"""Repair two ARIA attributes in the HTML that Sphinx and docutils write.

- Replace the role ``doc-biblioentry`` that docutils puts on citations by
  ``listitem``.  DPUB-ARIA 1.1 deprecates the role; EPUBCheck warns about
  it and accessibility checkers flag it.  The citations sit in a
  ``<div role="list" class="citation-list">``, and a list must contain list
  items (axe-core's aria-required-children), so each citation stays one.
- Give toctree captions (``<p class="caption" role="heading">``: "Chapters",
  "Back matter", in the page and in furo's sidebar) the ``aria-level`` that
  the heading role requires (WCAG 4.1.2; axe-core's aria-required-attr).
  They head lists of pages under the page title, so level 2.
- Give a figure's lettered note marks and their notes' back links
  (docs/_ext/book/notes/notes.py) the roles docutils gives the numbered ones:
  ``doc-noteref`` and ``doc-backlink``.
"""

from __future__ import annotations

from sphinx.application import Sphinx

CAPTION = '<p class="caption" role="heading">'
CAPTION_WITH_LEVEL = '<p class="caption" role="heading" aria-level="2">'
# The page body, and furo's sidebar navigation (made by furo's own
# html-page-context handler, hence the late priority below).
KEYS = ("body", "furo_navigation_tree")


def _repair(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    for key in KEYS:
        html = context.get(key)
        if not isinstance(html, str):
            continue
        html = html.replace(' role="doc-biblioentry"', ' role="listitem"')
        html = html.replace(CAPTION, CAPTION_WITH_LEVEL)
        html = html.replace('<a class="book-figure-note-ref ', '<a role="doc-noteref" class="book-figure-note-ref ')
        html = html.replace('<a class="book-figure-note-back ', '<a role="doc-backlink" class="book-figure-note-back ')
        context[key] = html


def setup(app: Sphinx) -> dict:
    # After furo (default priority 500) has computed its navigation tree.
    app.connect("html-page-context", _repair, priority=900)
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}
