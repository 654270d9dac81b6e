"""Drop the ARIA role ``doc-biblioentry`` that docutils puts on citations.

DPUB-ARIA 1.1 deprecates the role; EPUBCheck warns about it and
accessibility checkers flag it.  The citation stays a list entry of the
bibliography with its label and back-links; only the attribute goes.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def _strip(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace(' role="doc-biblioentry"', "")


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _strip)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
