"""Editorial notes: a small marker at a corrected claim, linked both ways.

The chapters tell the history in the book's own voice; where the source
article said otherwise, the corrected claim carries a marker,
``:ednote:`label```, a small raised "ed." that links to the entry of that
label on the editorial notes page::

   .. ednote:: revolution-name

      The article says ...; what is right, and its source.

Each entry ends with links back to every place that marks it, generated
from the marks found in the chapters (never written by hand).  The marker
explains itself: its link carries the title "Editorial note: what the
sources said here, and why the book differs" (a tooltip in HTML and EPUB), and screen readers
hear that sentence, not "ed.".  In the PDF both directions are hyperlinks.

An unknown label, a label defined twice, and an entry no chapter marks are
build warnings (errors under ``-W``) with the file and line.

What each page marks and defines is kept per page (``env.book_ednotes``),
merged from parallel readers (``env-merge-info``) and dropped when a page is
read again (``env-purge-doc``); the pages holding entries are rewritten
whenever any page was read, so that their back-links stay right.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode

logger = logging.getLogger(__name__)

SIGN = "ed."
EXPLANATION = "Editorial note: what the sources said here, and why the book differs"
BACK = "Marked in the text at: "


# -- Nodes ----------------------------------------------------------------------


class ednote_anchor(nodes.General, nodes.Element):
    """An empty anchor (not a docutils target, which transforms would move)."""


class ednote_mark(nodes.Inline, nodes.Element):
    """A marker in the text, replaced by a link once every page is read."""


class ednote_backlinks(nodes.General, nodes.Element):
    """Where an entry's back-links go, filled in once every page is read."""


class ednote_sign(nodes.Inline, nodes.TextElement):
    """The visible sign inside the marker's link."""


def visit_anchor_html(self, node: ednote_anchor) -> None:
    self.body.append(f'<span id="{node["ids"][0]}" class="ednote-anchor"></span>')
    raise nodes.SkipNode


def visit_anchor_latex(self, node: ednote_anchor) -> None:
    self.body.append(self.hypertarget(node["ids"][0], anchor=True))
    raise nodes.SkipNode


def visit_sign_html(self, node: ednote_sign) -> None:
    # The sign is hidden from screen readers, which read the sentence instead.
    self.body.append(
        f'<sup class="ednote-sign" aria-hidden="true">{SIGN}</sup>'
        f'<span class="ednote-explanation">{EXPLANATION}</span>'
    )
    raise nodes.SkipNode


def visit_sign_latex(self, node: ednote_sign) -> None:
    self.body.append(r"\textsuperscript{" + SIGN + "}")
    raise nodes.SkipNode


def visit_sign_text(self, node: ednote_sign) -> None:
    self.add_text(f"[{SIGN}]")
    raise nodes.SkipNode


def skip(self, node: nodes.Element) -> None:
    raise nodes.SkipNode


# -- Reading: the role and the directive ------------------------------------------


def _data(env) -> dict[str, dict[str, list[dict]]]:
    if not hasattr(env, "book_ednotes"):
        env.book_ednotes = {"marks": {}, "entries": {}}
    return env.book_ednotes


# An editorial note's name: it is part of HTML ids and links, so letters,
# digits and hyphens only ("title-dates").
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
NAME_HELP = "a name is lower-case letters, digits and hyphens, e.g. title-dates"


def ednote_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    env = inliner.document.settings.env
    label = text.strip()
    if not NAME.match(label):
        message = inliner.reporter.error(f"editorial mark {label!r} is not a name: {NAME_HELP}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    serial = env.new_serialno("ednote")
    anchor = f"ednote-mark-{label}-{serial}"
    _data(env)["marks"].setdefault(env.docname, []).append(
        {"label": label, "anchor": anchor, "line": lineno}
    )
    mark = ednote_mark("", label=label, anchor=anchor)
    mark.source, mark.line = inliner.reporter.get_source_and_line(lineno)
    return [ednote_anchor(ids=[anchor]), mark], []


class EdnoteDirective(SphinxDirective):
    """One entry of the editorial notes, with its label."""

    required_arguments = 1
    has_content = True

    def run(self) -> list[nodes.Node]:
        label = self.arguments[0]
        if not NAME.match(label):
            raise self.error(f"editorial note {label!r} is not a name: {NAME_HELP}")
        if not self.content:
            raise self.error(f"editorial note {label!r} has no text")
        anchor = f"ednote-{label}"
        _data(self.env)["entries"].setdefault(self.env.docname, []).append(
            {"label": label, "anchor": anchor, "line": self.lineno}
        )
        entry = nodes.container(classes=["ednote-entry"])
        self.set_source_info(entry)
        entry += ednote_anchor(ids=[anchor])
        entry += self.parse_content_to_nodes()
        entry += ednote_backlinks("", label=label)
        return [entry]


def _section_of(node: nodes.Node) -> nodes.section | None:
    while node is not None and not isinstance(node, nodes.section):
        node = node.parent
    return node


def _doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    """Note in which section each mark stands, for the back-links' text."""
    marks = {m["anchor"]: m for m in _data(app.env)["marks"].get(app.env.docname, [])}
    for node in doctree.findall(ednote_mark):
        section = _section_of(node)
        if section is not None and node["anchor"] in marks:
            marks[node["anchor"]]["section_anchor"] = "#" + section["ids"][0]
            marks[node["anchor"]]["section_title"] = section[0].astext()


# -- Checking, once every page is read -----------------------------------------------


def _entries(env) -> dict[str, tuple[str, dict]]:
    found = {}
    for docname in sorted(_data(env)["entries"]):
        for entry in _data(env)["entries"][docname]:
            found.setdefault(entry["label"], (docname, entry))
    return found


def _check(app: Sphinx, env) -> None:
    data, entries = _data(env), _entries(env)
    marked = set()
    seen: dict[str, tuple[str, int]] = {}
    for docname in sorted(data["entries"]):
        for entry in data["entries"][docname]:
            if entry["label"] in seen:
                first = seen[entry["label"]]
                logger.warning("editorial note %r is defined twice (first at %s:%s)",
                               entry["label"], env.doc2path(first[0]), first[1],
                               location=(docname, entry["line"]))
            seen.setdefault(entry["label"], (docname, entry["line"]))
    for docname in sorted(data["marks"]):
        for mark in data["marks"][docname]:
            marked.add(mark["label"])
            if mark["label"] not in entries:
                logger.warning("unknown editorial note %r: no '.. ednote:: %s' entry",
                               mark["label"], mark["label"], location=(docname, mark["line"]))
    for label, (docname, entry) in sorted(entries.items()):
        if label not in marked:
            logger.warning("editorial note %r is marked nowhere in the text (no :ednote:`%s`)",
                           label, label, location=(docname, entry["line"]))


# -- Writing: the links both ways ------------------------------------------------------


class EdnoteLinks(SphinxPostTransform):
    default_priority = 5

    def run(self, **kwargs) -> None:
        env, builder = self.env, self.app.builder
        fromdoc = env.docname
        entries = _entries(env)
        for mark in list(self.document.findall(ednote_mark)):
            found = entries.get(mark["label"])
            if found is None:  # reported by _check
                mark.replace_self(nodes.Text(""))
                continue
            todoc, entry = found
            ref = make_refnode(builder, fromdoc, todoc, entry["anchor"], ednote_sign(), EXPLANATION)
            ref["classes"].append("ednote-mark")
            mark.replace_self(ref)
        for placeholder in list(self.document.findall(ednote_backlinks)):
            backlinks = self.backlinks(placeholder["label"], fromdoc)
            if builder.format == "latex":
                # "Marked in the text at:" stays on its note's page: no page
                # break between the note and the line.
                placeholder.replace_self([nodes.raw("", r"\nopagebreak", format="latex"), backlinks])
            else:
                placeholder.replace_self(backlinks)

    def backlinks(self, label: str, fromdoc: str) -> nodes.Node:
        env, builder = self.env, self.app.builder
        para = nodes.paragraph(classes=["ednote-backlinks"])
        places = [
            (docname, mark)
            for docname in reading_order(env)
            for mark in _data(env)["marks"].get(docname, [])
            if mark["label"] == label
        ]
        if not places:
            return para
        para += nodes.Text(BACK)
        for i, (docname, mark) in enumerate(places):
            if i:
                para += nodes.Text("; ")
            secnum = env.toc_secnumbers.get(docname, {}).get(mark.get("section_anchor", ""))
            title = mark.get("section_title") or env.titles[docname].astext()
            text = (".".join(map(str, secnum)) + " " if secnum else "") + title
            para += make_refnode(builder, fromdoc, docname, mark["anchor"], nodes.inline("", text))
        para += nodes.Text(".")
        return para


def reading_order(env) -> list[str]:
    """The pages in the order of the table of contents, then any others."""
    order: list[str] = []

    def visit(docname: str) -> None:
        if docname in order:
            return
        order.append(docname)
        for child in env.toctree_includes.get(docname, []):
            visit(child)

    visit(env.config.root_doc)
    return order + sorted(set(_data(env)["marks"]) - set(order))


# -- Keeping the environment right (parallel reads, incremental builds) --------------


def _builder_inited(app: Sphinx) -> None:
    app.env.book_ednotes_read = False


def _purge(app: Sphinx, env, docname: str) -> None:
    env.book_ednotes_read = True
    _data(env)["marks"].pop(docname, None)
    _data(env)["entries"].pop(docname, None)


def _merge(app: Sphinx, env, docnames, other) -> None:
    for kind in ("marks", "entries"):
        for docname in docnames:
            if docname in _data(other)[kind]:
                _data(env)[kind][docname] = _data(other)[kind][docname]


def _updated(app: Sphinx, env) -> list[str]:
    # A page read again may have added or dropped a mark: rewrite the entries' pages.
    if getattr(env, "book_ednotes_read", False):
        return sorted(_data(env)["entries"])
    return []


def setup(app: Sphinx) -> dict:
    app.add_node(ednote_anchor, html=(visit_anchor_html, None), latex=(visit_anchor_latex, None),
                 text=(skip, None), man=(skip, None), texinfo=(skip, None))
    app.add_node(ednote_sign, html=(visit_sign_html, None), latex=(visit_sign_latex, None),
                 text=(visit_sign_text, None), man=(visit_sign_text, None), texinfo=(skip, None))
    app.add_node(ednote_mark)
    app.add_node(ednote_backlinks)
    app.add_role("ednote", ednote_role)
    app.add_directive("ednote", EdnoteDirective)
    app.add_post_transform(EdnoteLinks)
    app.connect("builder-inited", _builder_inited)
    app.connect("doctree-read", _doctree_read)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-updated", _updated)
    app.connect("env-check-consistency", _check)
    return {"version": "1.0", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
