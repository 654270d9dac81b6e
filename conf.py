"""Sphinx configuration for *Soviet Union–United States Relations, 1917–1991*.

Built with ``sphinx-build -c . docs _build/<builder>``: this file sits at the
repository root, the sources in ``docs/``.  Paths below that Sphinx resolves
against the source directory start with ``../``; paths it resolves against
this file's directory do not.

The file reads no clock, touches no network and writes no file.  The release
date comes from ``SOURCE_DATE_EPOCH`` (set by ``scripts/build.py`` from the
last commit), so the same commit always gives the same book.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "docs" / "_ext"))

# -- The book's identity: the one source of truth ----------------------------
# Every edition (HTML, PDF, EPUB) and every citation format reads these.

BOOK = {
    "title": "Soviet Union–United States Relations, 1917–1991",
    "short_title": "Soviet–American Relations, 1917–1991",
    "subtitle": "An open, citable history",
    "editors": ["Soviet–American Relations Book Project"],
    "publisher": "Soviet–American Relations Book Project",
    "edition": "Second edition",
    "version": "2.2",
    "language": "en",
    "licence": "CC BY-SA 4.0",
    "licence_url": "https://creativecommons.org/licenses/by-sa/4.0/",
    "subject": "Soviet Union–United States relations, 1917–1991",
    "keywords": [
        "Soviet Union",
        "United States",
        "foreign relations",
        "Russian Civil War",
        "Lend-Lease",
        "Cold War",
        "détente",
    ],
    # The site that holds every edition (the latest at its root, each
    # edition under <version>/: scripts/editions.py).  Override with
    # BOOK_BASE_URL for another host.
    "site_url": os.environ.get("BOOK_BASE_URL")
    or "https://soviet-us-relations.readthedocs.io/en/latest/",
    # File names of the downloadable editions, placed at the site's root.
    "pdf_name": "soviet-us-relations.pdf",
    "epub_name": "soviet-us-relations.epub",
}


# Where this edition is published, for good: citations, reference-manager
# metadata and the canonical links name it, never the moving latest.
BOOK["base_url"] = f"{BOOK['site_url']}{BOOK['version']}/"
# A working draft is not an edition: the sources are not those of the newest
# edition's commit (scripts/edition_site.py tells the build so).  It says so,
# and its citations name the site's root, where it is, not an edition's URL.
if os.environ.get("BOOK_DRAFT_AFTER"):
    BOOK["edition"] = "Working draft"
    BOOK["version"] = f"{os.environ['BOOK_DRAFT_AFTER']}+draft"
    BOOK["base_url"] = BOOK["site_url"]


def _release_date() -> time.struct_time:
    """The date of the last commit, read from SOURCE_DATE_EPOCH (UTC)."""
    return time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", "0")))


_DATE = _release_date()
BOOK["date_iso"] = time.strftime("%Y-%m-%d", _DATE)
BOOK["date_long"] = f"{_DATE.tm_mday} {time.strftime('%B %Y', _DATE)}"
BOOK["year"] = str(_DATE.tm_year)

# -- Project information -----------------------------------------------------
# https://www.sphinx-doc.org/en/master/usage/configuration.html#project-information

project = BOOK["title"]
author = ", ".join(BOOK["editors"])
# "2026" in the first year, "2026–2027" after; the edition and its date follow,
# so that the foot of every web page says which version the reader has.
_YEARS = "2026" if BOOK["year"] <= "2026" else f"2026–{BOOK['year']}"
copyright = (
    f"{_YEARS}, {author}. {BOOK['edition']}, version {BOOK['version']}, "
    f"{BOOK['date_long']}. Text licensed {BOOK['licence']}"
)
version = BOOK["version"]
release = f"{BOOK['edition']}, version {BOOK['version']}"

# -- General configuration ---------------------------------------------------
# https://www.sphinx-doc.org/en/master/usage/configuration.html#general-configuration

# Every cross-reference must resolve (-n on the command line does the same).
nitpicky = True
language = BOOK["language"]
root_doc = "index"
# _figures: figure snippets that chapters include; _generated: the figures
# drawn at build time (docs/_ext/book/figures/bookfigures.py), ignored by git.
exclude_patterns = ["_build", ".venv", "_ext", "_templates", "_figures", "_generated"]
# Relative to this file, like html_static_path.
templates_path = ["docs/_templates"]
# The date printed in every edition: the last commit's, never the clock's.
today = BOOK["date_long"]
# Chapters and sections are numbered by the toctree.  Figures and tables are
# numbered in one sequence through the book, in reading order, front and back
# matter included (Fig. 1, 2, 3), identically in every edition.
numfig = True
numfig_secnum_depth = 0
# Plain `text` is an error, not a guess: write :term:, :ref: or ``literal``.
default_role = None
smartquotes = True

extensions = [
    # Third-party
    "sphinxcontrib.bibtex",
    # The book's own, in docs/_ext/book/ (one folder per concern; its
    # __init__.py lists every module, in the order they are loaded).
    "book",
]

# -- Options for HTML output -------------------------------------------------
# https://www.sphinx-doc.org/en/master/usage/configuration.html#options-for-html-output

html_theme = "furo"
html_title = BOOK["title"]
html_short_title = BOOK["short_title"]
html_static_path = ["docs/_static"]
# No html_css_files: docs/_templates/page.html inlines book.css into every
# page, one request fewer (the page budget of scripts/bench.py allows furo's
# 8).  Its text is in html_context so that a change to it rebuilds every page.
html_baseurl = BOOK["base_url"]
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False
html_theme_options = {
    # furo loads nothing from other hosts with these settings.
    "navigation_with_keys": True,
    "top_of_page_buttons": [],
}
html_context = {
    "book": BOOK,
    "book_css": (HERE / "docs" / "_static" / "book.css").read_text(encoding="utf-8"),
}

# -- Options for LaTeX output ------------------------------------------------
# https://www.sphinx-doc.org/en/master/usage/configuration.html#options-for-latex-output

# xelatex: Unicode input and OpenType fonts with Cyrillic.
latex_engine = "xelatex"
# The index is sorted by xindy (Sphinx's default with xelatex), which knows
# Cyrillic as well as Latin.
latex_use_xindy = True
# The book class (not Sphinx's default, report) for \frontmatter,
# \mainmatter and \backmatter: roman-numbered front matter, numbered
# chapters, unnumbered back matter.
latex_docclass = {"manual": "book"}
latex_show_urls = "footnote"
latex_show_pagerefs = False
latex_documents = [
    (
        root_doc,
        BOOK["pdf_name"].removesuffix(".pdf") + ".tex",
        BOOK["title"],
        author,
        "manual",
        False,
    )
]

# The LaTeX is the book's own packages, in docs/_latex/ by concern (as
# Sphinx keeps its own in sphinxlatex*.sty): the page (bookpage), notes and
# the bibliography (booknotes), the index (bookindex), long tables
# (booktables), the title and copyright pages (bookfront).  They read the
# book's identity from \BOOK... macros, defined here from BOOK and escaped
# for LaTeX (docs/_ext/book/pdf/texescape.py).
from book.pdf.texescape import latex_macros  # noqa: E402  (docs/_ext, on sys.path above)

_LATEX_PACKAGES = ["bookpage", "booknotes", "bookindex", "booktables", "bookfront"]
latex_additional_files = [f"docs/_latex/{name}.sty" for name in _LATEX_PACKAGES]
_LATEX_PREAMBLE = latex_macros(
    text=dict(
        title=BOOK["title"],
        subtitle=BOOK["subtitle"],
        author=author,
        publisher=BOOK["publisher"],
        edition=f"{BOOK['edition']}, version {BOOK['version']}",
        date=BOOK["date_long"],
        year=BOOK["year"],
        licence=BOOK["licence"],
        subject=BOOK["subject"],
        keywords=", ".join(BOOK["keywords"]),
    ),
    urls=dict(url=BOOK["base_url"], licenceurl=BOOK["licence_url"]),
) + "".join(f"\\usepackage{{{name}}}\n" for name in _LATEX_PACKAGES)
_LATEX_TITLE = r"\BOOKtitlepage"

latex_elements = {
    # A4 by default; US letter with --define latex_elements.papersize=letterpaper
    "papersize": "a4paper",
    "pointsize": "11pt",
    # Linux Libertine has Latin, Greek and Cyrillic in one design, with its
    # sans companion Biolinum; DejaVu Sans Mono for the rare literal.
    "fontpkg": r"""
\setmainfont{Linux Libertine O}[Ligatures=TeX]
\setsansfont{Linux Biolinum O}[Ligatures=TeX]
\setmonofont{DejaVu Sans Mono}[Scale=MatchLowercase]
""",
    # English only; polyglossia is loaded by Sphinx for xelatex.
    "babel": r"\usepackage{polyglossia}\setmainlanguage{english}",
    # No Sphinx "Release" line under the title: the edition says it.
    "releasename": "",
    "preamble": _LATEX_PREAMBLE,
    "maketitle": _LATEX_TITLE,
    # Front matter (title, contents, introduction) has roman page numbers;
    # index.rst switches to \mainmatter and \backmatter between its toctrees.
    "tableofcontents": r"""
\renewcommand{\contentsname}{Contents}
\begingroup\parskip 0pt\sphinxtableofcontentshook\tableofcontents\endgroup
""",
    "printindex": r"\printindex",
}

# -- Options for EPUB output -------------------------------------------------
# https://www.sphinx-doc.org/en/master/usage/configuration.html#options-for-epub-output

epub_title = BOOK["title"]
epub_author = author
epub_publisher = BOOK["publisher"]
epub_copyright = copyright
epub_language = BOOK["language"]
epub_description = (
    f"{BOOK['subtitle']} of how the United States and the Soviet Union dealt with "
    "each other, from the revolution of 1917 to the dissolution of the Soviet Union in "
    "December 1991, in seven chapters by period, from revolution and recognition to the end of the Cold War. "
    "Every claim cites its sources; sections and paragraphs are numbered for citation."
)
# The package's identifier: a UUID derived from the canonical URL and the
# version, the same for every build of one edition, another for the next.
# epub_uid is only the XML id that points at it (docs/_ext/book/epub/epubaccess.py
# writes the identifier into the NCX as well).
epub_identifier = "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{BOOK['base_url']}#version-{BOOK['version']}"))
epub_uid = "BookIdentifier"
epub_scheme = "URN"
epub_basename = BOOK["epub_name"].removesuffix(".epub")
epub_show_urls = "footnote"
# .buildinfo.bak: Sphinx keeps the last build info there when the configuration
# changed; it is nobody's content.  The rest: the web edition's style sheet
# and Sphinx's images for its search page, which no page of the EPUB uses.
epub_exclude_files = [
    "search.html",
    ".buildinfo.bak",
    "_static/book.css",
    "_static/basic.css",
    "_static/plus.png",
    "_static/minus.png",
]
# What the EPUB offers readers who do not see, or do not use a mouse
# (EPUB Accessibility 1.1); docs/_ext/book/epub/epubaccess.py writes it into the
# package document, and the tests check it with DAISY Ace.
epub_accessibility = {
    "accessMode": ["textual", "visual"],
    # The figures (two maps and a timeline) are described in their alt text
    # and told in the text: the text alone is enough.
    "accessModeSufficient": ["textual"],
    "accessibilityFeature": [
        "alternativeText", "structuralNavigation", "tableOfContents", "index", "readingOrder",
    ],
    "accessibilityHazard": ["none"],
    "summary": (
        "The text is marked up with headings in order, lists and tables with header rows; "
        "a table of contents and an index lead to every chapter and section. "
        "The maps and the timeline have text descriptions, and every event on the "
        "timeline is also listed in text. The notes are linked from their marks and back. "
        "The book does not reproduce the page numbers of the PDF edition. "
        "Checked by the publisher with DAISY Ace and EPUBCheck at every build; "
        "meets WCAG 2.1 Level AA."
    ),
    "conformsTo": "EPUB Accessibility 1.1 - WCAG 2.1 Level AA",
    "certifiedBy": BOOK["publisher"],
}
epub_tocdepth = 3

# -- Options for the book's own extensions (docs/_ext/) ----------------------

# The registry of published anchors (scripts/anchors.py): moved anchors are
# redirected from the page where they were published (docs/_ext/book/citing/redirects.py).
book_anchors_file = "anchors.json"  # relative to this file

# -- Options for sphinxcontrib-bibtex ----------------------------------------
# https://sphinxcontrib-bibtex.readthedocs.io/en/latest/usage.html#configuration

# Relative to this file (sphinxcontrib-bibtex >= 2.6 resolves it against the
# configuration folder; requirements.txt pins 2.7).  Not an absolute path:
# the value goes into the HTML's .buildinfo hash, which must be the same
# whichever folder the book is built in (reproducible builds).
bibtex_bibfiles = ["references.bib"]
bibtex_encoding = "utf-8"
# docs/_ext/book/notes/bibstyle.py: "bookfoot" for :footcite: notes (the chapters cite
# with the :note: role, docs/_ext/book/notes/notes.py), "bookfull" (with the
# editors' notes on what is unverified) on the bibliography page.
bibtex_default_style = "bookfoot"
bibtex_reference_style = "author_year"
# docs/_ext/book/notes/bookcheck.py: every entry must be one these styles can format.
bookcheck_extra_styles = ["bookfull"]
# Stable anchors for the bibliography page's entries: #ref-<key in lower case>.
bibtex_cite_id = "ref-{key}"
