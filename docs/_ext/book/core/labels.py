"""Labels are the book's public anchors: each is a section's address, and unique.

A section's label (``.. _cold-war-marshall-plan:`` above its title) is what
people cite, so:

* **The label is the section's first id.**  docutils gives a section the id
  made from its title first and the label's id after it; Sphinx's permalink
  (the ¶ beside a heading), the table of contents and the section numbers
  all use the first id.  A transform, run while each page is read, moves the
  label's id to the front, so every heading's own link is
  ``<page>.html#<label>``; the title's id stays as a second anchor.
* **A label is defined once in the whole book.**  Sphinx warns about a label
  defined in two files only when it reads them in one process; with
  ``-j auto`` the readers merge their labels silently.  Each page's labels
  are recorded with their lines (merged from parallel readers), and the
  consistency check, which runs after every read, fails the build on a label
  defined in two files, naming both places.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

# Explicit names that are not labels of a place in the text.
NOT_LABELS = (nodes.footnote, nodes.citation, nodes.footnote_reference, nodes.citation_reference)


def explicit_labels(document: nodes.document) -> dict[str, tuple[str, int | None, nodes.Element]]:
    """{name: (id, line of the ``.. _name:`` target, element it labels)} of a page."""
    lines = {}
    for target in document.findall(nodes.target):
        for anchor in [target.get("refid")] + list(target["ids"]):
            if anchor and target.line:
                lines.setdefault(anchor, target.line)
    found = {}
    for name, explicit in document.nametypes.items():
        labelid = document.nameids.get(name)
        if not explicit or not labelid or labelid not in document.ids:
            continue
        node = document.ids[labelid]
        if isinstance(node, NOT_LABELS) or (isinstance(node, nodes.target) and node.get("refuri")):
            continue
        found[name] = (labelid, lines.get(labelid, node.line), node)
    return found


class LabelFirst(SphinxTransform):
    """Give every labelled section its label's id as its first id."""

    # After docutils has moved each target's id onto the section it labels
    # (PropagateTargets, 260); before the page's table of contents and
    # section numbers are collected (at doctree-read, after every transform).
    default_priority = 700

    def apply(self, **kwargs) -> None:
        labelids = {labelid for labelid, _line, _node in explicit_labels(self.document).values()}
        for section in self.document.findall(nodes.section):
            # When a section has several labels, the first one written is its address.
            label = next((i for i in section["ids"] if i in labelids), None)
            if label is not None:
                section["ids"] = [label] + [i for i in section["ids"] if i != label]


# -- One label, one place ---------------------------------------------------------


def _defined(env) -> dict[str, list[tuple[str, int | None]]]:
    """{docname: [(label, line), ...]} of every page read."""
    if not hasattr(env, "book_label_defs"):
        env.book_label_defs = {}
    return env.book_label_defs


def _doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    labels = explicit_labels(doctree)
    _defined(app.env)[app.env.docname] = sorted((name, line) for name, (_id, line, _node) in labels.items())


def _purge(app: Sphinx, env, docname: str) -> None:
    _defined(env).pop(docname, None)


def _merge(app: Sphinx, env, docnames, other) -> None:
    for docname in docnames:
        if docname in _defined(other):
            _defined(env)[docname] = _defined(other)[docname]


def duplicates(defined: dict[str, list[tuple[str, int | None]]]) -> dict[str, list[tuple[str, int | None]]]:
    """{label: [(docname, line), ...]} of every label defined in more than one page."""
    places: dict[str, list[tuple[str, int | None]]] = {}
    for docname in sorted(defined):
        for label, line in defined[docname]:
            places.setdefault(label, []).append((docname, line))
    return {label: where for label, where in places.items() if len({doc for doc, _ in where}) > 1}


def _check(app: Sphinx, env) -> None:
    for label, where in sorted(duplicates(_defined(env)).items()):
        first_doc, first_line = where[0]
        first = f"{env.doc2path(first_doc)}:{first_line or 1}"
        for docname, line in where[1:]:
            logger.warning(
                "duplicate label %r: already defined at %s; labels are the anchors people cite, "
                "so give this one a label of its own (.. _<chapter>-<topic>:)",
                label, first, location=(docname, line), type="book", subtype="duplicate-label",
            )


def setup(app: Sphinx) -> dict:
    app.add_transform(LabelFirst)
    app.connect("doctree-read", _doctree_read)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-check-consistency", _check)
    return {"version": "1.0", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
