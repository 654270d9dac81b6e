"""Give the EPUB edition its own small style sheet (docs/_static/book-epub.css).

The web edition inlines book.css through its template; the EPUB uses
Sphinx's epub theme, which needs only a correction of its note marks.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def _add(app: Sphinx) -> None:
    if app.builder.name == "epub":
        app.add_css_file("book-epub.css")


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _add)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
