"""The PDF as a reader sees it: every word on the page and in its place.

Read with poppler's ``pdftotext -bbox``, which gives every word of the PDF
with its box, as a reader's PDF software lays it out.  The
page's layout (paper, text block, margins, running head and foot) is the one
LaTeX used, which docs/_latex/bookpage.sty writes into the LaTeX log.

Every test runs on the A4 PDF of the book and on the US-letter PDF that the
README offers (built once in the test session with the README's command).
"""

from __future__ import annotations

import html
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT, PdfEdition, build_script
from test_editions import CHAPTERS, soup, toctree_entries

PT_TO_BP = 72 / 72.27
# pdftotext's word boxes are the fonts' ascent and descent, not the ink: a
# word set exactly at the edge of the frame may reach this far beyond it.
SLACK_BP = 2.0


# -- The two PDFs (fixtures edition and letter_pdf: tests/conftest.py) ---------------


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def size(self) -> float:
        """The height of the word's box: its type size times the font's
        ascent plus descent (enough to compare sizes within a font)."""
        return self.bottom - self.top

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Page:
    number: int  # 1-based, physical
    width: float
    height: float
    words: list[Word]


WORD_BOX = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def read_pages(pdf: Path) -> list[Page]:
    """Every word of the PDF with its box, by poppler's ``pdftotext -bbox``
    (which starts a new word where the type size changes, and keeps only
    what is on the paper)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for number, chunk in enumerate(re.split(r"<page ", out)[1:], 1):
        width, height = (float(v) for v in re.match(r'width="([\d.]+)" height="([\d.]+)"', chunk).groups())
        words = [
            Word(unicodedata.normalize("NFKC", html.unescape(text)), float(x0), float(x1), float(y0), float(y1))
            for x0, y0, x1, y1, text in WORD_BOX.findall(chunk)
        ]
        pages.append(Page(number, width, height, words))
    return pages


_PAGES: dict[Path, list[Page]] = {}


def pages_of(edition: PdfEdition) -> list[Page]:
    if edition.pdf not in _PAGES:
        _PAGES[edition.pdf] = read_pages(edition.pdf)
    return _PAGES[edition.pdf]


def layout(log: Path) -> dict[str, float]:
    """The page layout LaTeX used, in PDF points (bp), from the log."""
    text = log.read_text(encoding="utf-8", errors="replace")
    match = re.search(r"BOOK LAYOUT: (.*?)\.\n", text, re.S)
    assert match, f"{log} has no BOOK LAYOUT line (docs/_latex/bookpage.sty writes it)"
    pairs = re.findall(r"(\w+)=(-?[\d.]+)pt", match[1].replace("\n", ""))
    return {key: float(value) * PT_TO_BP for key, value in pairs}


FOOT_LINE_BP = 11.0  # the running foot's line (footnotesize), baseline to baseline
FOOT_LINES = 2  # the edition's line and the canonical URL may take two


def frame(page: Page, lay: dict[str, float]) -> tuple[float, float, list[tuple[float, float]]]:
    """Where words may lie on *page*: left and right (the text block and, in
    the outer margin, the paragraph numbers), and the vertical bands of the
    running head, the text block and the running foot.  The gaps between
    them stay empty: a table or figure that overruns the text block lies in
    the gap above the foot, or over the foot, or off the page."""
    inch = 72.0
    recto = page.number % 2 == 1
    left = inch + lay["hoffset"] + (lay["oddsidemargin"] if recto else lay["evensidemargin"])
    right = left + lay["textwidth"]
    notes = lay["marginparsep"] + lay["marginparwidth"]
    if recto:
        right += notes
    else:
        left -= notes
    head_top = inch + lay["voffset"] + lay["topmargin"]
    text_top = head_top + lay["headheight"] + lay["headsep"]
    text_bottom = text_top + lay["textheight"]
    foot_baseline = text_bottom + lay["footskip"]
    bands = [
        (head_top, text_top),
        # The last line's descenders hang below the text block.
        (text_top, text_bottom + 3.5),
        (foot_baseline - 9.5, foot_baseline + (FOOT_LINES - 1) * FOOT_LINE_BP + 3.5),
    ]
    return left, right, bands


# -- Nothing outside the page's frame --------------------------------------------


def test_every_word_lies_inside_the_pages_frame(edition):
    lay = layout(edition.log)
    outside = []
    for page in pages_of(edition):
        assert abs(page.width - lay["paperwidth"]) < 1 and abs(page.height - lay["paperheight"]) < 1, (
            f"page {page.number} is {page.width:.0f} x {page.height:.0f} bp, not the paper LaTeX used")
        left, right, bands = frame(page, lay)
        for w in page.words:
            inside_x = left - SLACK_BP <= w.x0 and w.x1 <= right + SLACK_BP
            inside_y = any(top - SLACK_BP <= w.top and w.bottom <= bottom + SLACK_BP for top, bottom in bands)
            if not (inside_x and inside_y):
                outside.append(
                    f"page {page.number}: {w.text!r} at x {w.x0:.0f}–{w.x1:.0f}, y {w.top:.0f}–{w.bottom:.0f} "
                    f"(x {left:.0f}–{right:.0f}; head, text, foot: "
                    + ", ".join(f"{t:.0f}–{b:.0f}" for t, b in bands) + ")")
    assert not outside, f"{len(outside)} words outside the frame:\n" + "\n".join(outside[:30])


def test_no_two_words_of_a_running_head_or_foot_overlap(edition):
    """The running foot (the edition and the canonical URL, which may take
    two lines) never runs into the page number beside it, nor the head into
    anything: no two of their words overprint each other."""
    lay = layout(edition.log)
    problems = []
    for page in pages_of(edition):
        _left, _right, (head, _text, foot) = frame(page, lay)
        for top, bottom in (head, foot):
            band = [w for w in page.words if top - SLACK_BP <= w.top and w.bottom <= bottom + SLACK_BP]
            for i, a in enumerate(band):
                for b in band[i + 1:]:
                    if min(a.x1, b.x1) - max(a.x0, b.x0) > 0.5 and min(a.bottom, b.bottom) - max(a.top, b.top) > 0.5:
                        problems.append(f"page {page.number}: {a.text!r} and {b.text!r} overlap")
    assert not problems, f"{len(problems)} overlapping words:\n" + "\n".join(problems[:20])


def test_the_running_foot_gives_the_title_as_the_title_page_does(book, edition):
    """A page is cited from its foot (a photocopy, an excerpt): the foot names
    the book by its full title, not a shortened one."""
    lay = layout(edition.log)
    title = " ".join(book.identity["title"].split())
    feet, wrong = 0, []
    for page in pages_of(edition):
        _left, _right, (_head, _text, (top, bottom)) = frame(page, lay)
        band = sorted((w for w in page.words if top - SLACK_BP <= w.top and w.bottom <= bottom + SLACK_BP),
                      key=lambda w: (round(w.top), w.x0))
        words = [w.text for w in band if not w.text.isdigit() and not re.fullmatch(r"[ivxlc]+", w.text)]
        if len(words) < 3:  # a page number alone, or nothing
            continue
        feet += 1
        if title not in " ".join(words):
            wrong.append(f"page {page.number}: {' '.join(words)!r}")
    assert feet, "no page has a running foot: the test reads nothing"
    assert not wrong, f"feet without the title {title!r}:\n" + "\n".join(wrong[:10])


def test_a_page_without_text_has_no_running_head_or_foot(edition):
    """A blank page (the left-hand page left so that a chapter opens on the
    right) is blank: no running head, no foot, no page number."""
    lay = layout(edition.log)
    pages = pages_of(edition)
    blank, problems = 0, []
    for page in pages:
        _left, _right, (_head, (text_top, text_bottom), _foot) = frame(page, lay)
        if any(text_top <= w.middle <= text_bottom for w in page.words):
            continue
        blank += 1
        if page.words:
            problems.append(f"page {page.number} has no text but has " + " ".join(w.text for w in page.words))
    assert blank < len(pages), "every page reads as blank: the test reads no text"
    assert not problems, "\n".join(problems)


# -- Every word of the web edition's text is in the PDF --------------------------

WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Parts of a web page that are not its text, or that the PDF prints otherwise:
# the cite box, navigation, paragraph numbers and note marks, permalinks, the
# web-only "Notes" heading, addresses (the PDF breaks them anywhere), and
# the book's citation in the machine formats (BibTeX, RIS...: files to copy,
# which the PDF leaves out; it prints Chicago, APA and MLA), and what only a
# screen reader reads (an editorial mark's explanation).
NOT_TEXT = (".cite-format:has(pre), .ednote-explanation, details.cite-this, nav, a.headerlink, a.para-num, a.footnote-reference, span.label, "
            "span.backrefs, p.rubric, a.bare-url, script, style, noscript, .book-downloads, a.cite-pdf")


def tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "").lower()
    return WORD.findall(text)


def pdf_tokens(pages: list[Page]) -> set[str]:
    """Every word of the PDF, and every word LaTeX hyphenated at a line's end joined again."""
    found: set[str] = set()
    # Only what is on the paper (pdftotext keeps only that, too).
    words = [w.text for page in pages for w in page.words
             if w.x0 >= 0 and w.top >= 0 and w.x1 <= page.width and w.bottom <= page.height]
    # A paragraph's number in the margin, level with its first line, is read
    # after that line's last word: a word hyphenated there joins the next line.
    joinable = [w for w in words if not re.fullmatch(r"¶\d+", w)]
    found.update(w for w in words if re.fullmatch(r"¶\d+", w))
    words = joinable
    for word, following in zip(words, words[1:] + [""]):
        found.update(tokens(word))
        if word.endswith(("-", "\u2010")) and following:
            found.update(tokens(word[:-1] + following))
    return found


def main_article(path: Path):
    """A page's article, without what is not its text (NOT_TEXT)."""
    article = soup(path).select_one("article")
    for element in article.select(NOT_TEXT):
        element.decompose()
    return article


def html_main_text(path: Path) -> str:
    return main_article(path).get_text(" ")


# Elements that end a run of text as a reader sees it; an inline element
# (a link, an index target, a glossary term) joins the words around it.
BLOCKS = "p, li, dt, dd, div, section, h1, h2, h3, h4, h5, h6, td, th, caption, figcaption, blockquote, pre, aside, br"


def html_reading_text(path: Path) -> str:
    """The article's text as it reads: words inside an inline element stay
    joined to the punctuation around them (“<span>Word</span>” is “Word”)."""
    article = main_article(path)
    for element in article.select(BLOCKS):
        element.insert_before(" ")
        element.append(" ")
    return article.get_text("")


BOOK_PAGES = ["introduction", *CHAPTERS, *toctree_entries("Back matter")]


@pytest.mark.parametrize("docname", BOOK_PAGES)
def test_every_word_of_the_web_page_is_in_the_pdf(book, edition, docname):
    path = book.html / f"{docname}.html"
    assert path.is_file(), path
    words = set(tokens(html_main_text(path)))
    assert words, f"{docname}.html has no text"
    missing = sorted(words - pdf_tokens(pages_of(edition)))
    assert not missing, f"{len(missing)} words of {docname}.html are not in the PDF: {missing[:40]}"


# -- The build fails on a box too full -----------------------------------------


@pytest.mark.parametrize("log, fails", [
    ("[15]\nOverfull \\vbox (405.51074pt too high) has occurred while \\output is active []\n\n", True),
    ("Overfull \\hbox (7.19777pt too wide) in paragraph at lines 1776--1778\n[]\\TU/LinuxLibertineO(0)/m/n/10.95 Nelson\n", True),
    ("Overfull \\hbox (1.2pt too wide) in paragraph at lines 3--4\n[]\\TU/LinuxLibertineO(0)/m/n/10.95 a b\n", True),
    ("Overfull \\hbox (0.8pt too wide) in paragraph at lines 3--4\n[]\\TU/LinuxLibertineO(0)/m/n/10.95 a b\n", False),
    ("Underfull \\hbox (badness 10000) in paragraph at lines 3--4\n[]\\TU/LinuxLibertineO(0)/m/n/10.95 a b\n", False),
])
def test_the_latex_log_check_fails_on_an_overfull_box(log, fails):
    problems = build_script.check_latex_log(ROOT, log)
    assert bool(problems) == fails, problems
    if fails:
        assert "overfull" in problems[0] and ("page 16" in problems[0] or "lines" in problems[0]), problems


# -- No two note marks touch ---------------------------------------------------

# What a note mark may be made of: numbers, the separating commas, the
# page of a note cited again, "3 (p. 1)", and the editorial mark "ed."
# (docs/_ext/book/notes/ednotes.py).
MARK_TEXT = re.compile(r"^(ed\.|\(p\.|\d)[\d,()ed.]*$")
ONE_MARK = re.compile(r"^(?:ed\.|(\d+)(?: ?\(p\. ?\d+\))?)$")


def note_marks(page: Page) -> tuple[list[str], list[str]]:
    """The note marks of *page*: those in the text (raised after a word of
    larger type) and the labels of the notes at its foot (raised, first on
    their line, before the note's text).  Raised words that follow each
    other within a few points are one group of marks, read together."""
    raised: list[tuple[Word, bool]] = []  # (word, is the first on its line)
    for w in page.words:
        if not MARK_TEXT.match(w.text):
            continue
        line = [v for v in page.words if v is not w and v.size >= 1.15 * w.size
                and w.bottom > v.top and w.top < v.bottom and w.bottom < v.bottom - 0.5]
        # A number that follows a word of its own size on its own baseline
        # is text (an index's page numbers), not a mark.
        in_words = any(abs(v.size - w.size) < 0.1 * w.size and abs(v.bottom - w.bottom) < 1
                       and 0 <= w.x0 - v.x1 < 6
                       and (not MARK_TEXT.match(v.text) or (w.text[0].isdigit() and v.text.endswith(",")))
                       for v in page.words if v is not w)
        if line and not in_words:
            raised.append((w, not any(v.x1 <= w.x0 + 1 for v in line)))
    groups: list[list[Word]] = []
    first: list[bool] = []
    for w, is_first in raised:
        if groups and abs(groups[-1][-1].bottom - w.bottom) < 0.5 and 0 <= w.x0 - groups[-1][-1].x1 < 4:
            groups[-1].append(w)
        else:
            groups.append([w])
            first.append(is_first)
    texts = [" ".join(w.text for w in group) for group in groups]
    in_text = [t for t, f in zip(texts, first) if not f and (t[0].isdigit() or t.startswith("ed."))]
    labels = [t for t, f in zip(texts, first) if f and t.isdigit()]
    return in_text, labels


def test_no_two_note_marks_touch(edition):
    """Each mark in the text reads as one note's number: the note of that
    number is at the foot of the page or begins on the next (or, for a note
    cited again, "n (p. k)", exists); two marks run together ("1213", "43") read as another number."""
    pages = pages_of(edition)
    marks = {page.number: note_marks(page) for page in pages}
    every_label = {label for _, labels in marks.values() for label in labels}
    assert every_label, "no note found at the foot of any page"
    problems = []
    for page in pages:
        in_text, labels = marks[page.number]
        # A note begun on the next page (LaTeX moves a note that does not fit).
        following_labels = marks.get(page.number + 1, ([], []))[1]
        for group in in_text:
            # Marks apart: a comma between them, or a space (pdftotext's
            # word gap) that is not the one before a note's page, "3 (p. 1)".
            for token in filter(None, (t.strip() for t in re.split(r",|\s+(?!\(p\.)(?<!\(p\.\s)", group))):
                match = ONE_MARK.match(token)
                if not match:
                    problems.append(f"page {page.number}: marks {group!r}: {token!r} is not one note's number")
                elif token.isdigit() and token not in labels and token not in following_labels:
                    problems.append(f"page {page.number}: marks {group!r}: no note {token} on this page")
                elif match[1] and match[1] not in every_label:
                    problems.append(f"page {page.number}: marks {group!r}: there is no note {match[1]}")
    assert not problems, f"{len(problems)} note marks read wrong:\n" + "\n".join(problems)


def test_only_a_note_cited_again_points_to_its_page(edition):
    """A mark prints its note's page ("3 (p. 1)") only for a note printed
    before, at an earlier mark; the first mark of a note has its note on
    its own page.  (A mark in a figure's caption or legend is a letter, its
    note under the figure: docs/_ext/book/notes/notes.py.)"""
    seen: set[str] = set()
    checked, problems = 0, []
    for page in pages_of(edition):
        in_text, _labels = note_marks(page)
        for group in in_text:
            for token in group.split(","):
                match = re.match(r"\s*(\d+)\s*(\(p\.)?", token)
                if not match:
                    continue
                checked += 1
                if match[2] and match[1] not in seen:
                    problems.append(f"page {page.number}: mark {group!r}: note {match[1]}'s first mark points to another page")
                seen.add(match[1])
    assert checked, "no note mark found in the text: the test reads none"
    assert not problems, "\n".join(problems)


def test_punctuation_precedes_marks(edition):
    """A note mark (or the editorial mark "ed.") follows the punctuation
    after the words it marks, as the notes' marks do at a sentence's end
    (CONTRIBUTING.md, "Citing"): "1922;ᵉᵈ·", never "1922ᵉᵈ·;"; no mark is
    followed by a full stop, comma, semicolon or colon on its line."""
    checked, problems = 0, []
    for page in pages_of(edition):
        words = page.words
        for i, mark in enumerate(words[1:-1], 1):
            before, after = words[i - 1], words[i + 1]
            raised = (MARK_TEXT.match(mark.text) and before.size >= 1.15 * mark.size
                      and mark.bottom < before.bottom - 0.5 and -0.5 < mark.x0 - before.x1 < 1)
            if not raised:
                continue
            checked += 1
            if after.text[:1] in ".,;:" and abs(after.bottom - before.bottom) <= 0.5 and after.x0 - mark.x1 < 3:
                problems.append(f"page {page.number}: {before.text}{mark.text}{after.text}")
    assert checked, "no note mark found in the text: the test reads none"
    assert not problems, f"{len(problems)} marks stand before punctuation:\n" + "\n".join(problems)


# -- Lines: where a line may end ---------------------------------------------------

LINE_BOX = re.compile(r"<line [^>]*>(.*?)</line>", re.S)
BLOCK_BOX = re.compile(r"<block [^>]*>(.*?)</block>", re.S)


def text_lines(edition: PdfEdition) -> list[tuple[int, list[list[Word]]]]:
    """Each page's text blocks (paragraphs, notes), each a list of lines of
    words, in reading order, as pdftotext's layout analysis finds them; the
    paragraph numbers in the outer margin are left out."""
    lay = layout(edition.log)
    out = subprocess.run(["pdftotext", "-bbox-layout", str(edition.pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    found = []
    for number, chunk in enumerate(re.split(r"<page ", out)[1:], 1):
        page = Page(number, 0, 0, [])
        left, _right, _ = frame(page, lay)
        text_left = left if number % 2 else left + lay["marginparsep"] + lay["marginparwidth"]
        text_right = text_left + lay["textwidth"]
        blocks = []
        for block in BLOCK_BOX.findall(chunk):
            lines = []
            for line in LINE_BOX.findall(block):
                words = [Word(unicodedata.normalize("NFKC", html.unescape(text)), float(x0), float(x1), float(y0), float(y1))
                         for x0, y0, x1, y1, text in WORD_BOX.findall(line)]
                words = [w for w in words if not (re.fullmatch(r"¶\d+", w.text)
                                                  and (w.x0 >= text_right - 1 or w.x1 <= text_left + 1))]
                if words:
                    lines.append(words)
            if lines:
                blocks.append(lines)
        found.append((number, blocks))
    return found


_LINES: dict[Path, list] = {}


def line_breaks(edition: PdfEdition):
    """(page, the last word of a line, the first word of the next line of its block)."""
    if edition.pdf not in _LINES:
        _LINES[edition.pdf] = text_lines(edition)
    for number, blocks in _LINES[edition.pdf]:
        for lines in blocks:
            for line, following in zip(lines, lines[1:]):
                yield number, line[-1], following[0]


def index_pages(pdf: Path) -> range:
    """The physical pages (0-based) of the index: from its outline entry to the end."""
    reader = PdfReader(pdf)
    for item in reader.outline:
        if not isinstance(item, list) and item.title == "Index":
            return range(reader.get_destination_page_number(item), len(reader.pages))
    raise AssertionError(f"{pdf} has no Index in its outline")


MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


def test_no_line_parts_a_day_from_its_month_or_a_sign_from_its_number(edition):
    """A day and its month ("7 November", "November 7"), a section's number
    and the paragraph after it ("§1.3 ¶2") and a sign and its number
    ("¶ 2") stay on one line (docs/_ext/book/pdf/linebreaks.py)."""
    checked, problems = 0, []
    index = {number + 1 for number in index_pages(edition.pdf)}
    for page, last_word, first_word in line_breaks(edition):
        checked += 1
        # In the index a line ends with a page number and the next entry
        # follows ("Catledge, Turner, 18" / "August coup"): no date there.
        if page in index:
            continue
        # In one type size: not a note's number beginning the next note.
        if abs(last_word.size - first_word.size) > 0.15 * last_word.size:
            continue
        last, first = last_word.text, first_word.text
        day_month = re.fullmatch(r"\(?(?:[1-9]|[12]\d|3[01])", last) and first.startswith(MONTH_NAMES)
        month_day = last.lstrip("(") in MONTH_NAMES and re.fullmatch(r"(?:[1-9]|[12]\d|3[01])[,.;:)]?", first)
        signs = (re.fullmatch(r"\(?§\d+(?:\.\d+)*", last) and first.startswith("¶")) or last in ("§", "¶")
        if day_month or month_day or signs:
            problems.append(f"page {page}: a line ends with {last!r}, the next begins with {first!r}")
    assert checked, "no line found in the PDF"
    assert not problems, f"{len(problems)} lines break where they must not:\n" + "\n".join(problems)


# A domain name: names separated by dots, ending with a top-level domain.
DOMAIN_END = re.compile(r"^[\w-]*(?:\.[\w-]+)*\.(?:com|org|net|edu|gov|mil|int|info|io|ru|su|uk|de|fr|eu|us)\b")


def test_no_domain_name_is_hyphenated(edition):
    """A domain name in the text ("civilwar.polithistory.ru") is an address,
    not a word: no line ends with a hyphen that the next line's domain name
    continues ("civil-" | "war.polithistory.ru")."""
    problems = [f"page {page}: {last.text!r} | {first.text!r}" for page, last, first in line_breaks(edition)
                if last.text.endswith(("-", "\u2010")) and DOMAIN_END.match(first.text)]
    assert not problems, f"{len(problems)} domain names hyphenated at a line's end:\n" + "\n".join(problems)


def test_no_url_breaks_after_its_scheme(edition):
    """No line ends with a URL's scheme ("https:", "https://"): the address
    breaks after its host, or before a dot of the host (docs/_ext/book/pdf/linebreaks.py)."""
    checked, problems = 0, []
    for page, last_word, first_word in line_breaks(edition):
        last, first = last_word.text, first_word.text
        checked += "://" in last or "://" in first
        if re.search(r"(?:^|\W)[a-z][a-z0-9+.-]*:/{0,2}$", last, re.I) and (first.startswith("/") or last.endswith("/")):
            problems.append(f"page {page}: {last!r} | {first!r}")
    assert checked, "no URL found in the PDF"
    assert not problems, f"{len(problems)} URLs break after their scheme:\n" + "\n".join(problems)


# -- Quotation marks ---------------------------------------------------------------


def misturned_quotes(words) -> list[str]:
    """Words that open with a closing double quote or close with an opening one."""
    return [w for w in words if w.startswith("\u201d") or w.endswith("\u201c")]


def test_no_quotation_mark_is_turned_the_wrong_way_in_the_pdf(edition):
    """A straight quote that reaches LaTeX prints as a closing one, even
    where it opens a quotation ("a ”German-Bolshevik conspiracy”")."""
    words = [w.text for page in pages_of(edition) for w in page.words]
    assert any("\u201c" in w for w in words), "no quotation mark found in the PDF"
    wrong = misturned_quotes(words)
    assert not wrong, f"{len(wrong)} words with a quotation mark turned the wrong way: {wrong[:20]}"


@pytest.mark.parametrize("docname", BOOK_PAGES)
def test_no_quotation_mark_is_straight_or_turned_the_wrong_way_on_the_web(book, docname):
    text = html_reading_text(book.html / f"{docname}.html")
    wrong = misturned_quotes(text.split())
    assert not wrong, f"{docname}.html: words with a quotation mark turned the wrong way: {wrong[:20]}"
    straight = [w for w in text.split() if '"' in w]
    assert not straight, f"{docname}.html: straight double quotes in the text: {straight[:20]}"


# -- Every paragraph begins a line, its number level with it ---------------------


def numbered_paragraphs(book) -> list[tuple[str, str]]:
    """(anchor, first word) of every numbered paragraph of the web edition, in reading order."""
    found = []
    for docname in BOOK_PAGES:
        page = soup(book.html / f"{docname}.html")
        for p in page.select("p.numbered-paragraph"):
            anchor = p.select_one("a.para-num")["href"].lstrip("#")
            for mark in p.select("a.para-num"):
                mark.decompose()
            words = tokens(p.get_text(" "))
            found.append((anchor, words[0] if words else ""))
    return found


def test_every_paragraph_begins_a_line_level_with_its_number(book, edition):
    """Each ¶ number in the margin stands level with a line of the text that
    begins with the first word of that paragraph: the paragraph begins a new
    line (it is not run on from the one before) and its number is beside it."""
    paragraphs = numbered_paragraphs(book)
    assert paragraphs, "the web edition has no numbered paragraph"
    lay = layout(edition.log)
    marks: list[tuple[Page, Word]] = []
    for page in pages_of(edition):
        left, right, _ = frame(page, lay)
        text_left = left if page.number % 2 else left + lay["marginparsep"] + lay["marginparwidth"]
        text_right = text_left + lay["textwidth"]
        in_margin = [w for w in page.words if re.fullmatch(r"¶\d+", w.text)
                     and (w.x0 >= text_right - 1 or w.x1 <= text_left + 1)]
        marks += [(page, w) for w in sorted(in_margin, key=lambda w: w.top)]
    assert len(marks) == len(paragraphs), (
        f"{len(marks)} paragraph numbers in the PDF's margins, {len(paragraphs)} numbered paragraphs on the web")
    problems = []
    for (anchor, first), (page, mark) in zip(paragraphs, marks):
        line = sorted((w for w in page.words if w is not mark and not w.text.startswith("¶")
                       and abs(w.bottom - mark.bottom) < 2.5), key=lambda w: w.x0)
        begins = tokens(line[0].text)[:1] if line else []
        if begins != [first]:
            problems.append(f"page {page.number}: {mark.text} ({anchor}) stands beside "
                            f"{' '.join(w.text for w in line[:6])!r}..., not the start of the paragraph ({first!r}...)")
    assert not problems, f"{len(problems)} paragraphs:\n" + "\n".join(problems)
