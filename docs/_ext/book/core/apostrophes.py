"""Typographic apostrophes in text the smart-quotes pass never sees.

Docutils' smart quotes turn ``Truman's`` into ``Truman’s`` in the text the
chapters are written in, but text that extensions add later (the
bibliography's entries and editors' notes, the timeline's event lines) keeps
the straight ``'`` of its source.  When the doctree is resolved, last, an apostrophe
between two letters becomes ’ in every builder (LaTeX sets ’ for it anyway;
the web and the EPUB then agree with the print).  Literal text is left alone.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx

APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")
LITERAL = (nodes.literal, nodes.literal_block, nodes.raw, nodes.math, nodes.math_block, nodes.comment)


def curl(text: str) -> str:
    return APOSTROPHE.sub("\u2019", text)


def _is_literal(node: nodes.Node) -> bool:
    while node is not None:
        if isinstance(node, LITERAL):
            return True
        node = node.parent
    return False


def _doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Last of the doctree-resolved handlers: after the post-transforms
    (sphinxcontrib-bibtex's entries) and the book's own handlers (the timeline)."""
    for text in list(doctree.findall(nodes.Text)):
        if "'" in text and not _is_literal(text.parent):
            text.parent.replace(text, nodes.Text(curl(str(text))))


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", _doctree_resolved, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
