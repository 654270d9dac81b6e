"""The EPUB as accessible and valid as its readers' software checks it.

Sphinx's EPUB 3 builder, with the fixes DAISY Ace and EPUBCheck ask for made
to its files before they are zipped:

- every content document declares its language (``lang`` and ``xml:lang``);
- no viewport ``<meta>`` (reading systems must ignore it in a reflowable
  book; Sphinx's theme and the book's template each wrote one);
- every ``<pre>`` can take keyboard focus, so that a reader can scroll it;
- the package document declares the book's accessibility (EPUB
  Accessibility 1.1, WCAG 2.1 AA; ``epub_accessibility`` in conf.py), has no
  "unknown" contributor, and the NCX carries the package's identifier;
- the table of contents ``<nav>`` has the ARIA role ``doc-toc``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.builders.epub3 import Epub3Builder

VIEWPORT = re.compile(r"\s*<meta\s+name=\"viewport\"[^>]*/?>")
HTML_TAG = re.compile(r"<html\b[^>]*>")
PRE = re.compile(r"<pre\b(?![^>]*\btabindex=)")
TOC_NAV = re.compile(r'<nav\b(?=[^>]*epub:type="toc")(?![^>]*\brole=)')


def fix_content_document(text: str, language: str) -> str:
    """One XHTML content document, fixed."""
    text = VIEWPORT.sub("", text)

    def tag(match: re.Match) -> str:
        html_tag = match.group(0)
        for attr in ("lang", "xml:lang"):
            if not re.search(rf'\s{re.escape(attr)}="', html_tag):
                html_tag = html_tag[:-1] + f' {attr}="{language}">'
        return html_tag

    text = HTML_TAG.sub(tag, text, count=1)
    return PRE.sub('<pre tabindex="0"', text)


def accessibility_metadata(a11y: dict) -> str:
    """``<meta>`` elements for the package document, from epub_accessibility."""
    lines = []
    for prop in ("accessMode", "accessModeSufficient", "accessibilityFeature", "accessibilityHazard"):
        for value in a11y[prop]:
            lines.append(f'<meta property="schema:{prop}">{html.escape(value)}</meta>')
    lines.append(f'<meta property="schema:accessibilitySummary">{html.escape(a11y["summary"])}</meta>')
    lines.append(f'<meta property="dcterms:conformsTo">{html.escape(a11y["conformsTo"])}</meta>')
    lines.append(f'<meta property="a11y:certifiedBy">{html.escape(a11y["certifiedBy"])}</meta>')
    return "\n    ".join(lines)


def fix_package_document(text: str, a11y: dict) -> str:
    text = re.sub(r"\s*<dc:contributor>unknown</dc:contributor>", "", text)
    return text.replace("</metadata>", f"  {accessibility_metadata(a11y)}\n  </metadata>", 1)


class BookEpub3Builder(Epub3Builder):
    """Sphinx's EPUB 3 builder, its output fixed before it is zipped."""

    def handle_finish(self) -> None:
        self.get_toc()
        self.build_mimetype()
        self.build_container()
        self.fix_content_documents()
        self.build_content()
        self.rewrite("content.opf", lambda t: fix_package_document(t, self.config.epub_accessibility))
        self.build_navigation_doc()
        self.rewrite("nav.xhtml", lambda t: TOC_NAV.sub('<nav role="doc-toc"', t))
        self.build_toc()
        identifier = html.escape(self.config.epub_identifier)
        self.rewrite("toc.ncx", lambda t: re.sub(r'(<meta name="dtb:uid" content=")[^"]*', rf"\g<1>{identifier}", t))
        self.build_epub()

    def rewrite(self, name: str, fix) -> None:
        path = Path(self.outdir) / name
        path.write_text(fix(path.read_text(encoding="utf-8")), encoding="utf-8")

    def fix_content_documents(self) -> None:
        language = self.config.language or "en"
        for path in sorted(Path(self.outdir).glob("*.xhtml")):
            if path.name != "nav.xhtml":
                self.rewrite(path.name, lambda t: fix_content_document(t, language))


def setup(app: Sphinx) -> dict:
    app.add_config_value("epub_accessibility", {}, "epub", dict)
    app.add_builder(BookEpub3Builder, override=True)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
