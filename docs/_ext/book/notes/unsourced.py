"""A visible marker for a claim that has no source: ``:unsourced:`claim```.

The claim is printed as written, followed by "[source needed]", which links
to the editorial notes' list of unsourced claims.  The marker explains
itself: in HTML and EPUB an ``<abbr>`` whose tooltip gives the explanation;
in the PDF, where there are no tooltips, the explanation is printed.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

TARGET = "editorial-notes-unsourced"
EXPLANATION = "no source found for this claim; see the editorial notes"


def unsourced_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    claim = nodes.inline(text, text, classes=["unsourced-claim"])
    marker = addnodes.pending_xref(
        "", refdomain="std", reftype="ref", reftarget=TARGET, refexplicit=True, refwarn=True
    )
    marker += nodes.inline("source needed", "source needed")
    wrapper = nodes.inline("", "", classes=["unsourced"])
    wrapper += [claim, nodes.Text(" ["), marker, nodes.Text("]")]
    return [wrapper], []


def _explain(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Make the resolved link's text an abbreviation that carries the explanation.

    The std domain rebuilds a reference's content from its title when it
    resolves it, so the abbreviation is put in afterwards.
    """
    for wrapper in doctree.findall(nodes.inline):
        if "unsourced" not in wrapper["classes"]:
            continue
        for ref in wrapper.findall(nodes.reference):
            ref.children = []
            if app.builder.format == "latex":
                ref += nodes.Text(f"source needed: {EXPLANATION}")
            else:
                ref += nodes.abbreviation("source needed", "source needed", explanation=EXPLANATION)


def setup(app: Sphinx) -> dict:
    app.add_role("unsourced", unsourced_role)
    app.connect("doctree-resolved", _explain)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
