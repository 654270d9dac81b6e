"""Mark external links whose text is already their address (class ``bare-url``).

A printed page shows the address of each external link after its text
(docs/_static/book.css, ``@media print``); a link that reads
``https://example.org/page`` or a DOI ``10.1000/xyz`` (linked to
``https://doi.org/10.1000/xyz``) would show it twice, so those are marked
and skipped.  Runs on the resolved doctree, after sphinxcontrib-bibtex has
written the citations' URLs and DOIs.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx


def _bare(text: str) -> str:
    return re.sub(r"^(https?://)?(www\.)?", "", text.strip()).rstrip("/")


def shows_its_address(text: str, uri: str) -> bool:
    """Whether link text *text* already tells the reader *uri*."""
    text, address = _bare(text), _bare(uri)
    if not text:
        return False
    # The address itself, or its end when the text is a DOI or a path.
    return text == address or ("/" in text and address.endswith(text))


def _mark(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for ref in doctree.findall(nodes.reference):
        uri = ref.get("refuri", "")
        if uri.startswith(("http://", "https://")) and shows_its_address(ref.astext(), uri):
            ref["classes"].append("bare-url")


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", _mark)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
