"""Print the bibliography where docs/bibliography.rst puts it, in the PDF.

Sphinx's LaTeX builder gathers every citation into one ``thebibliography`` at
the end of the book, which leaves an empty chapter where the bibliography
page stands and adds a second, differently numbered one at the end.  This
post-transform replaces Sphinx's: it wraps each run of citations in a
``thebibliography`` node in place, so the "Bibliography" chapter of the back
matter holds the entries (conf.py's preamble drops the environment's own
heading).
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.latex.nodes import footnotemark, thebibliography
from sphinx.builders.latex.transforms import BibliographyTransform
from sphinx.transforms.post_transforms import SphinxPostTransform


class BibliographyInPlace(SphinxPostTransform):
    default_priority = 750
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        for parent in list(self.document.findall(nodes.Element)):
            runs: list[list[nodes.citation]] = []
            current: list[nodes.citation] = []
            for child in parent.children:
                if isinstance(child, nodes.citation):
                    current.append(child)
                elif current:
                    runs.append(current)
                    current = []
            if current:
                runs.append(current)
            for run in runs:
                index = parent.index(run[0])
                wrapper = thebibliography()
                for citation in run:
                    parent.remove(citation)
                    wrapper += citation
                parent.insert(index, wrapper)


def _replace(app: Sphinx) -> None:
    transforms = app.registry.get_post_transforms()
    if BibliographyTransform in transforms:
        transforms.remove(BibliographyTransform)


class SeparateFootnoteMarks(SphinxPostTransform):
    """Put a superscript comma between adjacent note marks in the PDF.

    A claim with two sources has two notes; LaTeX would print their marks as
    one number ("89" for notes 8 and 9), or an editorial mark and a note
    mark as one ("ed.16").  By now Sphinx's footnote transform
    has turned each mark into the note itself (its first mark), a
    ``footnotemark`` (a mark of a note printed elsewhere) or left it a
    ``footnote_reference``: a mark of any kind followed by another gets the
    comma.
    """

    default_priority = 760  # after Sphinx's LaTeXFootnoteTransform (600)
    formats = ("latex",)

    @staticmethod
    def is_mark(node: nodes.Node) -> bool:
        if isinstance(node, (nodes.footnote_reference, footnotemark)):
            return True
        # An editorial-note mark ("ed.", docs/_ext/book/notes/ednotes.py) is a mark too.
        if isinstance(node, nodes.reference) and "ednote-mark" in node["classes"]:
            return True
        # A note set where its mark stands (inside a paragraph, a caption...),
        # not a note of a list of notes.
        return isinstance(node, nodes.footnote) and isinstance(node.parent, nodes.TextElement)

    def run(self, **kwargs) -> None:
        for mark in [n for n in self.document.findall(nodes.Element) if self.is_mark(n)]:
            following = mark.next_node(descend=False, siblings=True)
            # docutils keeps an escaped space ("\\ " before a role) as "\\x00 ",
            # which prints nothing: the marks on either side still touch.
            while isinstance(following, nodes.Text) and not str(following).replace("\x00 ", ""):
                following = following.next_node(descend=False, siblings=True)
            if following is not None and self.is_mark(following):
                mark.parent.insert(mark.parent.index(following), nodes.raw("", r"\textsuperscript{,}", format="latex"))


def setup(app: Sphinx) -> dict:
    app.add_post_transform(BibliographyInPlace)
    app.add_post_transform(SeparateFootnoteMarks)
    app.connect("builder-inited", _replace)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
