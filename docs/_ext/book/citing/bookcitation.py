"""The citation of the whole book, where the book prints it.

``.. book-citation::`` gives the book's citation in every format of
citeformats, each with a copy button on the web (none in the EPUB), and
Chicago, APA and MLA in the PDF; the PDF's "How to cite this book" block
(``\\BOOKHOWTOCITE`` in conf.py's LaTeX preamble) is rendered by the same
processor.  It changes when the places or the look of the book's citation
change.
"""

from __future__ import annotations

import html

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..pdf.texescape import escape as tex_escape, url as tex_url
from .citebox import format_rows
from .citeformats import STYLES, book_citations, csl_item, render_csl


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
    """A CSL citation's HTML (cslrender.safe_html: text, <i>, <b>) as LaTeX:
    the text unescaped, then every LaTeX special escaped (pdf/texescape.py),
    a URL set as \\url, italics and bold kept, other tags dropped."""
    import re

    out = []
    for part in re.split(r"(</?[A-Za-z][^<>]*>)", text):
        tag = re.fullmatch(r"<(/?)([A-Za-z]+)[^<>]*>", part)
        if tag:
            if tag.group(2) in ("i", "b"):
                out.append("}" if tag.group(1) else (r"\textit{" if tag.group(2) == "i" else r"\textbf{"))
            continue
        plain = html.unescape(part)
        at = 0
        for url in re.finditer(r"https?://\S+?(?=\.?(\s|$))", plain):
            out.append(tex_escape(plain[at:url.start()]) + r"\url{" + tex_url(url.group(0)) + "}")
            at = url.end()
        out.append(tex_escape(plain[at:]))
    return "".join(out)


def setup(app: Sphinx) -> dict:
    app.add_directive("book-citation", BookCitationDirective)
    app.connect("config-inited", _latex_how_to_cite)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
