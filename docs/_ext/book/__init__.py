"""The book's own Sphinx extensions, one package for conf.py.

``extensions = ["sphinxcontrib.bibtex", "book"]`` loads every module below,
in the order of EXTENSIONS (the order in which their event handlers run).
Each folder owns one concern; CONTRIBUTING.md ("Where the code lives") maps
them.  A module imports only from its own folder, from ``core``, or from a
folder listed before it here (core, pdf, notes, citing, ...): no circles.
"""

from __future__ import annotations

from sphinx.application import Sphinx

# (module, what it does), in the order conf.py loaded them before the package.
EXTENSIONS = [
    ("core.trust", "the trust boundary: no raw HTML, no unsafe URL, no file outside the repository"),
    ("core.apostrophes", "’ for ' in text added after smart quotes (bibliography, timeline)"),
    ("web.ariaroles", "two ARIA attributes that Sphinx and docutils write, repaired"),
    ("notes.bibstyle", "pybtex styles for the notes and the bibliography page"),
    ("notes.bookcheck", "strict references.bib: file:line for every malformed entry"),
    ("core.bookindex", "index entries where their words stand; one entry per subject"),
    ("citing.bookcitation", "the whole book's citation: the directive, the PDF's 'How to cite'"),
    ("core.booksections", "the numbered, labelled sections and their URLs (shared)"),
    ("citing.citebox", "'Cite this section' on the web, and the citation files"),
    ("citing.citeformats", "a citation in each format: Chicago, APA, MLA, BibTeX, RIS, ..."),
    ("citing.citemeta", "Highwire and Dublin Core tags for reference managers"),
    ("notes.ednotes", "editorial-note markers, linked both ways"),
    ("editions.editionchanges", "the PDF's list of what changed since the previous edition"),
    ("epub.epubaccess", "the EPUB's accessibility and validity fixes"),
    ("epub.epubstyle", "the EPUB's own style sheet"),
    ("core.labels", "a section's label is its address (the heading's permalink), defined once"),
    ("notes.latexbib", "the bibliography in place in the PDF; adjacent note marks apart"),
    ("web.lazyfigures", "web figures load only when the reader nears them"),
    ("pdf.linebreaks", "ties (a day and its month, § and ¶ and their numbers); where addresses break"),
    ("pdf.longtables", "every table of the PDF breaks across pages"),
    ("notes.notes", "the :note: role: Chicago notes from references.bib"),
    ("citing.offprints", "each chapter as its own PDF, cut from the book's"),
    ("web.pagemeta", "a meta description on every HTML page"),
    ("core.paranumbers", "paragraph numbers, in the web page's margin and the PDF's"),
    ("pdf.pdfpages", "each section's page in the PDF: named destinations, read back for the HTML"),
    ("web.printurls", "marks links whose text is their URL, for the print CSS"),
    ("web.csp", "the site's Content-Security-Policy; no inline script on any page"),
    ("citing.redirects", "anchors that moved (anchors.json) send readers on"),
    ("core.reflines", "a cross-reference's warning names its own line"),
    ("figures.timeline", "the event directive and the timeline page"),
    ("notes.unsourced", "the [source needed] marker"),
    ("notes.wherecited", "the bibliography's 'Cited in' links to the citing sections"),
    ("figures.bookfigures", "the figures, drawn at build time when their inputs change"),
    ("core.dependencies", "anchors.json and editions.json: pages read again when they change"),
    ("web.searchindex", "the search index of an incremental build equals a clean build's"),
]


def setup(app: Sphinx) -> dict:
    for module, _what in EXTENSIONS:
        app.setup_extension(f"{__name__}.{module}")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
