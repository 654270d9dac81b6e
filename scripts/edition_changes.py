"""What changed between two editions, section by section (scripts/edition_site.py).

Sections are read from each edition's built HTML by their labels (the
site's objects.inv lists them): a labelled section is a ``<section>`` whose
id is a label, or whose heading follows a ``<span id="<label>">``, or whose "Cite this section" box names its label.  A section's text is its heading and its own
paragraphs, without its subsections, its "Cite this section" box, its
paragraph numbers and its heading's permalink.

Two editions compare as:

- added: a label only the newer edition has;
- retired: a label only the older edition has;
- moved: a label on another page in the newer edition;
- changed: a label whose text differs (a section can be moved and changed).

``changes_page`` writes one HTML page per pair of editions: the counts, the
lists, and for every changed section its text with the words deleted and
added marked up as ``<del>`` and ``<ins>`` (with visually hidden
"deleted:"/"added:" words for screen readers, and struck or underlined for
the eye, not by colour alone).
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup

# Pages that carry no labelled sections of their own.
SKIP_PAGES = {"genindex.html", "search.html"}
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# What is not the section's words: permalinks, paragraph numbers, the cite
# box, tables of contents (they list other sections), and what the site
# assembly adds.
# Note marks are left out too: renumbering them is no change of the words
# (the notes themselves, at the chapter's end, are compared).
NOT_TEXT = ("a.headerlink", "a.para-num", "details.cite-this", "div.toctree-wrapper",
            "a.footnote-reference", ".book-edition-section", ".book-edition")


@dataclass(frozen=True)
class Section:
    label: str
    page: str
    title: str
    text: str


def label_ids(site: Path) -> set[str] | None:
    """The anchors of every label of a built site (its objects.inv), or None without one."""
    import posixpath

    from sphinx.util.inventory import InventoryFile

    inventory = site / "objects.inv"
    if not inventory.is_file():
        return None
    with inventory.open("rb") as stream:
        labels = InventoryFile.load(stream, "", posixpath.join).get("std:label", {})
    uris = [getattr(item, "uri", None) or item[2] for item in labels.values()]
    return {uri.split("#", 1)[1] for uri in uris if "#" in uri}


def sections_of(site: Path) -> dict[str, Section]:
    """{label: Section} of every labelled section in a built HTML site."""
    found: dict[str, Section] = {}
    known = label_ids(site)
    for path in sorted(site.glob("*.html")):
        if path.name in SKIP_PAGES:
            continue
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        for section in soup.find_all("section"):
            heading = section.find(HEADINGS, recursive=False)
            if heading is None:
                continue
            # The labels: the section's own id (docs/_ext/book/core/labels.py puts the
            # label first) and the empty spans just before the heading.
            ids = [section.get("id")] + [span["id"] for span in heading.find_previous_siblings("span")
                                         if span.get("id") and not span.get_text(strip=True)][::-1]
            labels = [i for i in ids if i and (i in known if known is not None
                                                 else i != section.get("id") and not re.fullmatch(r"id\d+", i))]
            # A label that is also the heading's own slug has no span: the
            # section's "Cite this section" box names it (anchors.py reads the same).
            labels += [box["data-label"] for box in section.find_all("details", class_="cite-this", recursive=False)
                       if box.get("data-label") and box["data-label"] not in labels]
            if not labels:
                continue
            title = _squash(_clean(heading).get_text(" ", strip=True))
            title = re.sub(r"^[\d.]+\s+", "", title)
            parts = []
            for child in heading.find_next_siblings():
                if child.name == "section":
                    continue
                parts.append(_clean(child).get_text(" ", strip=True))
            text = _squash(" ".join(p for p in parts if p))
            for label in labels:
                found[label] = Section(label, path.name, title, text)
    return found


def _clean(element):
    element = BeautifulSoup(str(element), "lxml")
    for selector in NOT_TEXT:
        for node in element.select(selector):
            node.decompose()
    return element


def _squash(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    # get_text(" ") puts a space before punctuation that followed an element.
    return re.sub(r" ([,.;:!?)\]’”])", r"\1", text).replace("( ", "(").replace("[ ", "[")


@dataclass
class Comparison:
    older: dict[str, Section]
    newer: dict[str, Section]
    added: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {kind: len(getattr(self, kind)) for kind in ("added", "changed", "moved", "retired")}


def compare(older: dict[str, Section], newer: dict[str, Section]) -> Comparison:
    result = Comparison(older, newer)
    result.added = sorted(set(newer) - set(older))
    result.retired = sorted(set(older) - set(newer))
    for label in sorted(set(older) & set(newer)):
        a, b = older[label], newer[label]
        if a.page != b.page:
            result.moved.append(label)
        if (a.title, a.text) != (b.title, b.text):
            result.changed.append(label)
    return result


# -- The word-level diff ---------------------------------------------------------------

HIDDEN = '<span class="visually-hidden">{}</span>'


def word_diff(old: str, new: str) -> str:
    """HTML of *new* against *old*, word by word: <del> and <ins> runs."""
    a, b = old.split(), new.split()
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(html.escape(" ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{HIDDEN.format('[deleted: ')}{html.escape(' '.join(a[i1:i2]))}{HIDDEN.format(']')}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{HIDDEN.format('[added: ')}{html.escape(' '.join(b[j1:j2]))}{HIDDEN.format(']')}</ins>")
    return " ".join(out)


# -- The page ------------------------------------------------------------------------------

STYLE = """
body{font:1rem/1.6 system-ui,sans-serif;max-width:46rem;margin:0 auto;padding:1rem;color:#1a1a1a;background:#fff}
a{color:#0b5394}
del{text-decoration:line-through;background:#fde2e2;color:#6b0000}
ins{text-decoration:underline;background:#dff5e1;color:#00400b}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.diff{border-left:3px solid #999;padding-left:.75rem}
@media (prefers-color-scheme:dark){body{background:#131416;color:#e8e8e8}a{color:#8ab4f8}
del{background:#4a1c1c;color:#ffd6d6}ins{background:#17391d;color:#d6ffd9}}
"""


def _is_draft(edition) -> bool:
    """The working draft at the site's root (edition_site.Shown, slug "latest")."""
    return getattr(edition, "slug", None) == "latest"


def _edition_name(edition) -> str:
    if _is_draft(edition):
        return f"working draft, {edition.date_long}"
    return f"{edition.name}, version {edition.version}, {edition.date_long}"


def _version(edition) -> str:
    return "the working draft" if _is_draft(edition) else f"version {edition.version}"


def changes_page(comparison: Comparison, old, new, old_href: str, new_href: str) -> str:
    """The page of what changed from edition *old* to *new*.

    *old_href* and *new_href* are the relative paths from the page to each
    edition's folder ("../1.0/"); *old* and *new* have name, version, date_long.
    """
    c = comparison
    title = f"What changed from {_version(old)} to {_version(new)}"
    counts = c.counts()
    out = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
        "<header>", f'<p><a href="{new_href}index.html">{html.escape(_edition_name(new))}</a></p>', "</header>",
        "<main>", f"<h1>{html.escape(title)}</h1>",
        f'<p>From the <a href="{old_href}index.html">{html.escape(_edition_name(old))}</a> '
        f'to the <a href="{new_href}index.html">{html.escape(_edition_name(new))}</a>, '
        "section by section (by label).</p>",
        '<ul class="counts">',
        *(f'<li><a href="#{kind}">{kind.capitalize()}</a>: {n}</li>' for kind, n in counts.items()),
        "</ul>",
    ]

    def link(edition_href: str, section: Section) -> str:
        return f'<a href="{edition_href}{section.page}#{section.label}">{html.escape(section.title)}</a>'

    lists = {
        "added": [(label, f"new: {link(new_href, c.newer[label])}") for label in c.added],
        "changed": [(label, f'<a href="#{label}">see the changes</a> in {link(new_href, c.newer[label])}') for label in c.changed],
        "moved": [(label, f"from {html.escape(c.older[label].page)} to {link(new_href, c.newer[label])}") for label in c.moved],
        "retired": [(label, f"was {link(old_href, c.older[label])}") for label in c.retired],
    }
    # Every label gets one anchor on the page, so that "what changed in this
    # section" lands on what the page says of it: its diff if it changed.
    anchored = set(c.changed)

    def item(label: str, body: str) -> str:
        anchor = "" if label in anchored else f' id="{label}"'
        anchored.add(label)
        return f"<li{anchor}><code>{html.escape(label)}</code>: {body}</li>"

    for kind, items in lists.items():
        out.append(f'<h2 id="{kind}">{kind.capitalize()} ({len(items)})</h2>')
        if not items:
            out.append("<p>None.</p>")
            continue
        out.append("<ul>")
        out.extend(item(label, body) for label, body in items)
        out.append("</ul>")
    if c.changed:
        out.append('<h2 id="diffs">The changes, section by section</h2>')
        out.append("<p>Deleted words are struck through, added words underlined.</p>")
    for label in c.changed:
        a, b = c.older[label], c.newer[label]
        out += [
            f'<section id="{label}" aria-labelledby="{label}-h">',
            f'<h3 id="{label}-h"><code>{html.escape(label)}</code>: {html.escape(b.title)}</h3>',
            f"<p>In version {html.escape(old.version)}: {link(old_href, a)}; "
            f"in version {html.escape(new.version)}: {link(new_href, b)}.</p>",
        ]
        if a.title != b.title:
            out.append(f'<p class="diff">Title: {word_diff(a.title, b.title)}</p>')
        out += [f'<p class="diff">{word_diff(a.text, b.text)}</p>', "</section>"]
    # Sections that did not change still get an anchor, so that a link from
    # any section ("what changed in it") lands somewhere that says so.
    unchanged = sorted((set(c.older) & set(c.newer)) - anchored)
    if unchanged:
        out.append('<h2 id="unchanged">Unchanged sections</h2>')
        out.append("<ul>")
        out.extend(f'<li id="{label}"><code>{html.escape(label)}</code>: {link(new_href, c.newer[label])}</li>'
                   for label in unchanged)
        out.append("</ul>")
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def summary_lines(comparison: Comparison) -> list[str]:
    """A short plain list of what changed (the PDF's appendix)."""
    c = comparison
    lines = []
    for kind in ("added", "changed", "moved", "retired"):
        labels = getattr(c, kind)
        if labels:
            side = c.older if kind == "retired" else c.newer
            lines.append(f"{kind.capitalize()} ({len(labels)}): "
                         + "; ".join(f"{side[label].title} ({label})" for label in labels))
    return lines
