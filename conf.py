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
from string import Template
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
# drawn at build time (docs/_ext/bookfigures.py), ignored by git.
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
    # Local, in docs/_ext/
    "apostrophes",  # ’ for ' in text added after smart quotes (bibliography, timeline)
    "ariaroles",
    "bibstyle",
    "bookcheck",
    "bookindex",  # index entries where their words stand; one entry per subject
    "bookcitation",  # the whole book's citation: the directive, the PDF's "How to cite"
    "booksections",  # the numbered, labelled sections and their URLs (shared)
    "citebox",  # "Cite this section" on the web, and the citation files
    "citeformats",  # a citation in each format: Chicago, APA, MLA, BibTeX, RIS, ... (shared)
    "citemeta",  # Highwire and Dublin Core tags for reference managers
    "ednotes",  # editorial-note markers, linked both ways
    "editionchanges",  # the PDF's list of what changed since the previous edition (editions.json)
    "epubaccess",  # the EPUB's accessibility and validity fixes
    "epubstyle",
    "labels",  # a section's label is its address (the heading's permalink), defined once
    "latexbib",
    "lazyfigures",
    "linebreaks",  # ties (a day and its month, § and ¶ and their numbers); addresses break only where they may
    "longtables",  # every table of the PDF breaks across pages
    "notes",  # the :note: role: Chicago notes from references.bib
    "offprints",  # each chapter as its own PDF, cut from the book's
    "pagemeta",  # a meta description on every HTML page
    "paranumbers",  # paragraph numbers, in the web page's margin and the PDF's
    "pdfpages",  # each section's page in the PDF: named destinations, read back for the HTML
    "printurls",  # marks links whose text is their URL, for the print CSS
    "redirects",  # anchors that moved (anchors.json) send readers on
    "reflines",  # a cross-reference's warning names its own line, not its paragraph's first
    "timeline",
    "unsourced",
    "wherecited",  # the bibliography's "Cited in" links to the citing sections
    "bookfigures",
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

_LATEX_VALUES = dict(
    title=BOOK["title"],
    subtitle=BOOK["subtitle"],
    short_title=BOOK["short_title"],
    author=author,
    publisher=BOOK["publisher"],
    edition=f"{BOOK['edition']}, version {BOOK['version']}",
    date=BOOK["date_long"],
    year=BOOK["year"],
    url=BOOK["base_url"],
    licence=BOOK["licence"],
    licence_url=BOOK["licence_url"],
    subject=BOOK["subject"],
    keywords=", ".join(BOOK["keywords"]),
)

_LATEX_PREAMBLE = Template(r"""
% PDF metadata, from the book's identity in conf.py.
\hypersetup{
  pdftitle={$title},
  pdfauthor={$author},
  pdfsubject={$subject},
  pdfkeywords={$keywords},
  pdflang={en},
  pdfcreator={Sphinx and XeLaTeX},
  bookmarksnumbered=true,
}
% Print a warning in the log for every character the font lacks; the build
% script turns it into an error that names the source file and line.
\tracinglostchars=2
% Book typography: no widow or orphan line (a paragraph's last line alone
% at the head of a page, its first alone at the foot); URLs may break after
% any character (xurl) instead of stretching or overrunning their line.
\widowpenalty=10000
\clubpenalty=10000
\displaywidowpenalty=10000
\usepackage{xurl}
% The page's layout, in the log, for the tests that check where every word
% of the PDF lies (tests/test_pdf.py).
\AtBeginDocument{\typeout{BOOK LAYOUT: paperwidth=\the\paperwidth,
  paperheight=\the\paperheight, hoffset=\the\hoffset, voffset=\the\voffset,
  oddsidemargin=\the\oddsidemargin, evensidemargin=\the\evensidemargin,
  topmargin=\the\topmargin, headheight=\the\headheight, headsep=\the\headsep,
  textwidth=\the\textwidth, textheight=\the\textheight, footskip=\the\footskip,
  marginparsep=\the\marginparsep, marginparwidth=\the\marginparwidth,
  parindent=\the\parindent.}}
\makeatletter
% The bibliography is the back-matter chapter that the source gives it:
% sphinxthebibliography prints the entries in place, with no heading of its own.
% As Chicago sets a bibliography: alphabetical, no numbers, hanging indent.
\renewenvironment{sphinxthebibliography}[1]{%
  \begin{list}{}{\setlength{\leftmargin}{1.5em}\setlength{\itemindent}{-1.5em}%
    \setlength{\labelwidth}{0pt}\setlength{\labelsep}{0pt}%
    \setlength{\itemsep}{0.4\baselineskip}}%
  \def\@biblabel##1{}\sfcode`\.\@m}%
  {\end{list}}
% Running heads: the chapter outside; feet: the edition and the canonical URL
% on every page, so that a printed or excerpted page can be cited.
\newcommand{\bookfoot}{\footnotesize\py@HeaderFamily
  $short_title, $edition.\ \url{$url}}
\fancypagestyle{normal}{%
  \fancyhf{}%
  \fancyhead[LE,RO]{{\py@HeaderFamily\nouppercase{\leftmark}}}%
  \fancyfoot[LE,RO]{{\py@HeaderFamily\thepage}}%
  \fancyfoot[RE,LO]{\bookfoot}%
  \renewcommand{\headrulewidth}{0.4pt}%
  \renewcommand{\footrulewidth}{0.4pt}%
}
\fancypagestyle{plain}{%
  \fancyhf{}%
  \fancyfoot[LE,RO]{{\py@HeaderFamily\thepage}}%
  \fancyfoot[RE,LO]{\bookfoot}%
  \renewcommand{\headrulewidth}{0pt}%
  \renewcommand{\footrulewidth}{0.4pt}%
}
\setlength{\headheight}{14pt}
% A blank left-hand page, left so that a chapter opens on the right, is
% truly blank: no running head, no foot, no page number (emptypage).
\usepackage{emptypage}
% A note cited again on a later page: its number and the page it is on,
% "3 (p. 1)", instead of Sphinx's "Page 1, 3"; in one box, never broken
% across two lines.
\renewcommand*{\sphinxthefootnotemark}[2]{\mbox{#1\,(p.\,#2)}}
% A raised mark (a note's number, \textsuperscript{ed.}) is set as a math
% superscript, which TeX follows with \scriptspace (0.5pt): a gap before a
% full stop, comma or semicolon after a mark ("1982^12 ."). None after it.
\def\@textsuperscript#1{{\m@th\scriptspace\z@
  \ensuremath{^{\mbox{\fontsize\sf@size\z@#1}}}}}
% The index lists people, places and treaties in the text face (Sphinx sets
% its entries in typewriter, for the names of functions).
\renewcommand{\sphinxstyleindexentry}[1]{#1}
% A qualifier, "Gulf War (1990–1991)", in roman like its headword (Sphinx
% sets it in italics); a legal case's name is italic (docs/_ext/bookindex.py).
\renewcommand*{\sphinxstyleindexextra}[1]{ (#1)}
% A headword is never left at the foot of a column without its first
% subentry: no break before a subentry.  A page number never stands alone on
% a line: it is tied to the word before it, and the index is set ragged right
% (its columns are narrow) rather than with stretched spaces.  An entry that
% takes two lines is not broken between columns either.
\renewcommand\subitem{\par\nobreak\hangindent 40\p@ \hspace*{20\p@}}
\AddToHook{env/sphinxtheindex/begin}{\raggedright\interlinepenalty\@M
  \let\book@hyperpage\hyperpage
  \def\hyperpage#1{\ifhmode\unskip\nobreak\space\fi\book@hyperpage{#1}}}
% The notes of a long table at the foot of the page where their row is, not
% all held back until the table ends (Sphinx wraps every table in a
% "savenotes" environment, right for a table that cannot break): after each
% row of a longtable, the notes its cells have saved go to the foot.
\def\book@rownotes{\ifvoid\FNH@notes\else
  \begingroup\let\@makefntext\@empty\let\@finalstrut\@gobble\let\rule\@gobbletwo
  \FNH@H@@footnotetext{\unvbox\FNH@notes}\endgroup
  \global\setbox\FNH@notes\box\voidb@x\fi}
\let\book@globalstyle\sphinxthistablewithglobalstyle
\def\sphinxthistablewithglobalstyle{\book@globalstyle
  \ifspx@longtable
    \let\book@hline\sphinxhline\let\book@bottomrule\sphinxbottomrule
    \def\sphinxhline{\noalign{\book@rownotes}\book@hline}%
    \def\sphinxbottomrule{\noalign{\book@rownotes}\book@bottomrule}%
  \fi}
\makeatother
% Paragraph numbers in the outer margin, as in the HTML: docs/_ext/paranumbers.py.
\newcommand{\bookparagraph}[1]{\marginpar{\leavevmode\footnotesize\textcolor{gray}{\P#1}}}
% Replaced by docs/_ext/bookcitation.py with citations in several styles.
\providecommand{\BOOKHOWTOCITE}{$author. \textit{$title}. $edition.
  $publisher, $year. \url{$url}.}
""").substitute(_LATEX_VALUES)

# The title page (recto) and the copyright page (verso).
_LATEX_TITLE = Template(r"""
\frontmatter\setcounter{secnumdepth}{-1}
\begin{titlepage}
  \centering
  \vspace*{0.12\textheight}
  {\Huge\bfseries $title\par}
  \vspace{1.5em}
  {\Large\itshape $subtitle\par}
  \vfill
  {\Large $author\par}
  \vfill
  {\large $edition\par}
  \vspace{0.5em}
  {\large $date\par}
\end{titlepage}
\thispagestyle{empty}
\vspace*{\fill}
\begin{flushleft}\small
\textbf{$title}\\
$edition, $date.\\
Published by $publisher.\\
Read, download and cite online: \url{$url}\par
\medskip
\textcopyright\ $year $author.
This work is licensed under the Creative Commons Attribution-ShareAlike 4.0
International licence ($licence): \url{$licence_url}.\par
\medskip
\textbf{How to cite this book}\par
\BOOKHOWTOCITE
\end{flushleft}
\cleardoublepage
""").substitute(_LATEX_VALUES)

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
    "December 1991: before the Second World War, the Second World War, and the Cold War. "
    "Every claim cites its sources; sections and paragraphs are numbered for citation."
)
# The package's identifier: a UUID derived from the canonical URL and the
# version, the same for every build of one edition, another for the next.
# epub_uid is only the XML id that points at it (docs/_ext/epubaccess.py
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
# (EPUB Accessibility 1.1); docs/_ext/epubaccess.py writes it into the
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
# redirected from the page where they were published (docs/_ext/redirects.py).
book_anchors_file = "anchors.json"  # relative to this file

# -- Options for sphinxcontrib-bibtex ----------------------------------------
# https://sphinxcontrib-bibtex.readthedocs.io/en/latest/usage.html#configuration

# Relative to this file (sphinxcontrib-bibtex >= 2.6 resolves it against the
# configuration folder; requirements.txt pins 2.7).  Not an absolute path:
# the value goes into the HTML's .buildinfo hash, which must be the same
# whichever folder the book is built in (reproducible builds).
bibtex_bibfiles = ["references.bib"]
bibtex_encoding = "utf-8"
# docs/_ext/bibstyle.py: "bookfoot" for :footcite: notes (the chapters cite
# with the :note: role, docs/_ext/notes.py), "bookfull" (with the
# editors' notes on what is unverified) on the bibliography page.
bibtex_default_style = "bookfoot"
bibtex_reference_style = "author_year"
# docs/_ext/bookcheck.py: every entry must be one these styles can format.
bookcheck_extra_styles = ["bookfull"]
# Stable anchors for the bibliography page's entries: #ref-<key in lower case>.
bibtex_cite_id = "ref-{key}"
