"""The "Cite this section" control of the web edition, and the citation files.

Under the title of every chapter and section of the numbered chapters, a
``<details>`` control with the section's Chicago note (and its copy button),
the section's PDF page, and links to its BibTeX, RIS and CSL-JSON files;
opening it loads every format of citeformats from ``_static/cite/<page>.js``
(shown by docs/_static/cite.js).  This module writes those files.  It changes
when the control or the files change.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.osutil import relative_uri

from ..core.booksections import Section, book_of, labelled_sections
from ..notes.cslrender import safe_html
from .citeformats import FORMATS, section_citations
from .offprints import offprint_uri
from ..pdf.pdfpages import pages_of

def format_rows(citations: dict[str, tuple[str, bool]], prefix: str, buttons: bool = True) -> str:
    """One block per format, each with its copy button (none in the EPUB)."""
    rows = []
    for key, name in FORMATS:
        if key not in citations:
            continue
        text, is_code = citations[key]
        target = html.escape(f"{prefix}-{key}")
        body = (
            f'<pre class="cite-code" id="{target}">{html.escape(text)}</pre>'
            if is_code
            # A CSL processor's HTML: only its own few tags reach the page.
            else f'<p class="cite-text" id="{target}">{safe_html(text)}</p>'
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


def cite_widget(book: dict, section: Section, pdf_href: str, static_prefix: str, offprint_href: str | None = None) -> str:
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
        f'<p class="cite-meta">{html.escape(section.numbered_title)} · {html.escape(book["edition"])}, '
        f'version {html.escape(book["version"])}, {html.escape(book["date_long"])} · '
        f'<a class="cite-pdf" href="{html.escape(pdf_href)}">{where}</a>'
        + (f' · <a class="cite-offprint" href="{html.escape(offprint_href)}">this chapter as a PDF (offprint)</a>'
           if offprint_href else "")
        + "</p>"
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


def _add_controls(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """A control under the title of every labelled section; the page's files."""
    if app.builder.format == "latex" or app.builder.name == "epub":
        return
    book = book_of(app)
    pages = pages_of(app) if app.builder.format == "html" else {}
    cited: list[Section] = []
    for current, section, label, number in list(labelled_sections(app, doctree, docname)):
        title_index = section.first_child_matching_class(nodes.title)
        title = section[title_index].astext() if title_index is not None else label
        info = Section(current, label, number, title, pages.get(label))
        here = app.builder.get_target_uri(current)
        pdf_href = relative_uri(here, book["pdf_name"]) + f"#nameddest={label}"
        static = relative_uri(here, "_static/")
        offprint = offprint_uri(app, current) if "." not in number else None
        offprint_href = relative_uri(here, offprint) if offprint else None
        section.insert((title_index or 0) + 1, nodes.raw(
            "", cite_widget(book, info, pdf_href, static, offprint_href), format="html"))
        cited.append(info)
    if cited:
        write_citation_files(app.outdir, docname, book, cited)


def setup(app: Sphinx) -> dict:
    app.setup_extension("book.pdf.pdfpages")
    app.connect("doctree-resolved", _add_controls)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
