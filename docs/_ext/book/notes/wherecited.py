"""Where each work is cited: back-links from the bibliography to the sections.

At read time, which labelled section of which chapter cites which
``references.bib`` key (a ``:note:`` of docs/_ext/book/notes/notes.py, or ``:footcite:``), and the table-of-contents anchor of
every labelled section (for its number); both are kept in the environment,
purged and merged per document so that parallel reads (``-j auto``) agree.
Then after each entry of the bibliography page, "Cited in:" links to every
section that cites the work, with the PDF pages (HTML), and section numbers
with page references (PDF), on the entry's page.  It changes when the back-links change.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.osutil import relative_uri

from ..core.booksections import is_top
from ..pdf.pdfpages import pages_of
from ..pdf.texescape import escape as tex_escape


def _collect(app: Sphinx, doctree: nodes.document) -> None:
    """At read time: which labelled section of which document cites which key."""
    env = app.env
    store = env.__dict__.setdefault("book_cited_in", {})
    store[env.docname] = []
    ids_to_label = {}
    for name, (doc, labelid, _title) in env.get_domain("std").labels.items():
        if doc == env.docname:
            ids_to_label[labelid] = name
    # The marks of notes: numbered ones, and a figure's lettered ones.
    marks = [*doctree.findall(nodes.footnote_reference),
             *(ref for ref in doctree.findall(nodes.reference) if ref.get("book_keys"))]
    for ref in marks:
        refid = ref.get("refid") or ref.get("refname") or ""
        if refid.startswith("footcite-"):
            keys = [refid.removeprefix("footcite-")]
        else:
            # A note of docs/_ext/book/notes/notes.py: the keys of all its sources.
            keys = [key.lower() for key in ref.get("book_keys", [])]
        if not keys:
            continue
        section = ref.parent
        label = None
        while section is not None:
            if isinstance(section, nodes.section):
                label = next((i for i in section["ids"] if i in ids_to_label), None)
                if label:
                    break
            section = section.parent
        store[env.docname].extend((key, label) for key in keys)


# The two stores this extension keeps in the environment, each keyed by
# docname or by (docname, label): purged and merged the same way.
STORES = ("book_cited_in", "book_label_anchor")


def _doc_of(key) -> str:
    return key[0] if isinstance(key, tuple) else key


def _purge(app: Sphinx, env, docname: str) -> None:
    for name in STORES:
        store = env.__dict__.setdefault(name, {})
        for key in [k for k in store if _doc_of(k) == docname]:
            del store[key]


def _merge(app: Sphinx, env, docnames, other) -> None:
    for name in STORES:
        env.__dict__.setdefault(name, {}).update(
            {k: v for k, v in other.__dict__.get(name, {}).items() if _doc_of(k) in docnames}
        )


def _where_cited(app: Sphinx, doctree: nodes.Node, docname: str, pages: dict[str, str]) -> None:
    env = app.env
    std_labels = env.get_domain("std").labels
    cited: dict[str, list[tuple[str, str]]] = {}
    for doc, uses in sorted(env.__dict__.get("book_cited_in", {}).items()):
        for key, label in uses:
            if label and (doc, label) not in cited.setdefault(key, []):
                cited[key].append((doc, label))
    for citation in list(doctree.findall(nodes.citation)):
        ids = [i for i in citation["ids"] if i.startswith("ref-")]
        if not ids:
            continue
        key = ids[0].removeprefix("ref-")
        places = cited.get(key, [])
        if not places:
            continue
        para = nodes.paragraph(classes=["where-cited"])
        para += nodes.Text("Cited in: ")
        for i, (doc, label) in enumerate(places):
            if i:
                para += nodes.Text(", ")
            title = std_labels.get(label, (None, None, label))[2]
            number = _number_of(env, doc, label)
            text = f"§{number}" if number else title
            if app.builder.format == "latex":
                para += nodes.raw(
                    "",
                    rf"\hyperref[\detokenize{{{doc}:{label}}}]{{{tex_escape(text)}}}, p.~\pageref{{\detokenize{{{doc}:{label}}}}}",
                    format="latex",
                )
            else:
                ref = nodes.reference("", text, refuri=relative_uri(app.builder.get_target_uri(docname), app.builder.get_target_uri(doc)) + "#" + label, classes=["where-cited-link"])
                ref["reftitle"] = f"{number} {title}" if number else title
                para += ref
                if pages.get(label):
                    para += nodes.Text(f" (PDF p. {pages[label]})")
        if app.builder.format == "latex":
            # Between the entry and its "Cited in:" no page breaks: the line
            # never starts a page alone, away from its entry.
            citation += nodes.raw("", r"\nopagebreak", format="latex")
        citation += para


def _number_of(env, docname: str, label: str) -> str | None:
    """The section number of a label ("1.3"), from the table of contents."""
    anchor = env.__dict__.get("book_label_anchor", {}).get((docname, label))
    if anchor is None or docname not in env.toc_secnumbers:
        return None
    return ".".join(map(str, env.toc_secnumbers[docname].get(anchor, ()))) or None


def _record_anchors(app: Sphinx, doctree: nodes.document) -> None:
    """At read time: the toc anchor ("#first-id") of every labelled section."""
    env = app.env
    store = env.__dict__.setdefault("book_label_anchor", {})
    for key in [k for k in store if k[0] == env.docname]:
        del store[key]
    for section in doctree.findall(nodes.section):
        anchor = "" if is_top(section) else "#" + section["ids"][0]
        # The label is the first id (docs/_ext/book/core/labels.py); the others too.
        for i in section["ids"]:
            store[(env.docname, i)] = anchor


def _add_back_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if docname == "bibliography" or app.builder.format == "latex":
        pages = pages_of(app) if app.builder.format == "html" else {}
        _where_cited(app, doctree, docname, pages)


def setup(app: Sphinx) -> dict:
    app.setup_extension("book.pdf.pdfpages")
    app.connect("doctree-read", _collect)
    app.connect("doctree-read", _record_anchors)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-resolved", _add_back_links)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
