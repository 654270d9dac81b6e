"""Every table of the PDF may break across pages.

Sphinx sets a table of 30 rows or fewer as a ``tabular`` (or ``tabulary``),
which cannot break: a table taller than what is left of the page runs over
the foot and off the page, and its last rows are lost.  This post-transform
gives every table the ``longtable`` class, so that the LaTeX builder sets it
as a ``longtable``, which breaks between rows and repeats its header row.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform


class LongTables(SphinxPostTransform):
    default_priority = 400
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        for table in self.document.findall(nodes.table):
            if "longtable" not in table["classes"]:
                table["classes"].append("longtable")


def setup(app: Sphinx) -> dict:
    app.add_post_transform(LongTables)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
