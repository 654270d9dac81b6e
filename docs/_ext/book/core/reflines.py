"""A cross-reference's own line, for the messages that point at it.

docutils gives a line number to a paragraph (its first line), not to the
roles inside it, so Sphinx reports ``:ref:`no-such-label``` on line 38 of a
paragraph that starts on line 36 at line 36.  While each page is read, this
transform gives every cross-reference (``pending_xref``: ``:ref:``,
``:doc:``, ``:term:``, ``:numref:`` ...) the line that holds it, found by
its text within the raw source of the element around it; warnings about it
(an unknown target, under ``-W`` an error) then name that line.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform


def _holder(node: nodes.Node) -> nodes.Element | None:
    """The nearest element around *node* that knows its line and its raw text."""
    parent = node.parent
    while parent is not None and not (parent.line and parent.rawsource):
        parent = parent.parent
    return parent


def _source(node: nodes.Node) -> str | None:
    while node is not None and not node.source:
        node = node.parent
    return node.source if node is not None else None


class CrossReferenceLines(SphinxTransform):
    """Set each cross-reference's line to the line of the source that holds it."""

    default_priority = 100

    def apply(self, **kwargs) -> None:
        cursor: dict[int, int] = {}
        for xref in self.document.findall(addnodes.pending_xref):
            holder = _holder(xref)
            # Sphinx gives a role the line where its paragraph starts; a line
            # it knows better than that is kept.
            if holder is None or not xref.rawsource or xref.line not in (None, holder.line):
                continue
            start = cursor.get(id(holder), 0)
            index = holder.rawsource.find(xref.rawsource, start)
            if index < 0:
                continue
            cursor[id(holder)] = index + len(xref.rawsource)
            xref.source = _source(holder)
            xref.line = holder.line + holder.rawsource.count("\n", 0, index)


def setup(app: Sphinx) -> dict:
    app.add_transform(CrossReferenceLines)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
