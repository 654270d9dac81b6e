"""Page breaks as a press sets them, in both PDFs (A4 and US letter).

The book sets its paragraphs without indent and with space above them, so a
line begins a paragraph when the space above it is wider than the line
spacing, or a heading stands above it, or a paragraph number (¶) stands level
with it; a paragraph's line goes on to the next line when it is set full
measure, to the right edge of the text block.  Read with pdfplumber (the
words, their boxes and type sizes), with the page's layout from the LaTeX log
(tests/test_pdf.py).  On every page:

- no widow: a paragraph's last line alone at the head of a page;
- no orphan: a paragraph's first line alone at the foot of a page;
- no heading at the foot of a page, with no text of its own under it.

A small document set with forced breaks shows that the check finds each.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest

from conftest import ROOT
from test_pdf import layout

PARAGRAPH_NUMBER_PREFIX = "¶"
# A list's items and a hanging indent (the bibliography's) start this far in.
INDENT_BP = 30.0
BULLETS = ("•", "–", "◦")


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    heading: bool
    numbered: bool = False  # a ¶ stands level with it


def body_size(pdf) -> float:
    """The text type's size: the size of most of the book's characters."""
    sizes = Counter(round(c["size"], 1) for page in pdf.pages for c in page.chars if c["text"].strip())
    return sizes.most_common(1)[0][0]


def text_block(number: int, lay: dict[str, float]) -> tuple[float, float, float, float]:
    """Left, right, top and bottom of the text block of physical page *number*."""
    inch = 72.0
    left = inch + lay["hoffset"] + (lay["oddsidemargin"] if number % 2 else lay["evensidemargin"])
    top = inch + lay["voffset"] + lay["topmargin"] + lay["headheight"] + lay["headsep"]
    return left, left + lay["textwidth"], top, top + lay["textheight"]


def page_lines(page, number: int, lay: dict[str, float], size: float) -> list[Line]:
    """The lines set flush left in the text block, top to bottom: text lines
    in the text type, and headings (flush left, larger)."""
    left, right, top, bottom = text_block(number, lay)
    words = page.extract_words(x_tolerance=1.5, extra_attrs=["size"])
    inside = [w for w in words if top - 2 <= (w["top"] + w["bottom"]) / 2 <= bottom + 3.5]
    rows: list[list[dict]] = []
    for word in sorted((w for w in inside if w["size"] >= size - 0.3), key=lambda w: (round(w["bottom"]), w["x0"])):
        if rows and abs(rows[-1][0]["bottom"] - word["bottom"]) < 1.5:
            rows[-1].append(word)
        else:
            rows.append([word])
    lines = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        if not left - 1.0 <= row[0]["x0"] <= left + INDENT_BP or row[-1]["x1"] > right + 1.0:
            continue  # centred, or in the margin: not a paragraph's line
        largest = max(w["size"] for w in row)
        if largest > size * 1.08 and abs(row[0]["x0"] - left) > 1.0:
            continue  # a title set centred (a chapter's, the title page's)
        lines.append(Line(" ".join(w["text"] for w in row), row[0]["x0"], row[-1]["x1"],
                          min(w["top"] for w in row), max(w["bottom"] for w in row),
                          heading=largest > size * 1.08))
    numbers = [w for w in words if w["text"].startswith(PARAGRAPH_NUMBER_PREFIX)
               and (w["x1"] <= left or w["x0"] >= right)]
    for line in lines:
        line.numbered = any(abs(n["bottom"] - line.bottom) < 2.0 for n in numbers)
    return lines


def line_spacing(pages: list[list[Line]]) -> float:
    """The distance from one text line's baseline to the next's within a paragraph."""
    steps = Counter(round(b.bottom - a.bottom, 1) for lines in pages for a, b in zip(lines, lines[1:])
                    if not a.heading and not b.heading)
    return steps.most_common(1)[0][0]


CAPTION = re.compile(r"^Fig\. \d+[:.]")


def without_figures(lines: list[Line], step: float) -> list[Line]:
    """The page's lines without its figures' captions and legends: from a
    line that begins "Fig. 3:" to the next gap wider than a line.  A figure
    floats; its caption is not a paragraph's line, wherever it falls."""
    kept, in_figure = [], False
    for i, line in enumerate(lines):
        if CAPTION.match(line.text):
            in_figure = True
        elif in_figure and line.bottom - lines[i - 1].bottom > step + 2.0:
            in_figure = False
        if not in_figure:
            kept.append(line)
    return kept


def page_break_problems(pdf_path: Path, log: Path) -> list[str]:
    """Every widow, orphan and heading left at the foot of a page in *pdf_path*."""
    lay = layout(log)
    with pdfplumber.open(pdf_path) as pdf:
        size = body_size(pdf)
        pages = [page_lines(page, number, lay, size) for number, page in enumerate(pdf.pages, 1)]
        rights = [text_block(number, lay)[1] for number in range(1, len(pdf.pages) + 1)]
    step = line_spacing(pages)
    pages = [without_figures(lines, step) for lines in pages]

    def starts(lines: list[Line], i: int) -> bool:
        """Does line *i* begin a paragraph (or stand under a heading)?"""
        line = lines[i]
        if line.numbered:
            return True
        if i == 0:
            return False
        above = lines[i - 1]
        return (above.heading or line.bottom - above.bottom > step + 2.0
                or line.x0 < above.x0 - 3.0  # a hanging indent's first line
                or line.text.startswith(BULLETS))

    problems = []
    for number, lines in enumerate(pages, 1):
        right = rights[number - 1]
        if not lines:
            continue
        last = lines[-1]
        if last.heading:
            problems.append(f"page {number}: the heading “{last.text}” is at the foot of the page, its text on the next")
        elif (len(lines) > 1 and starts(lines, len(lines) - 1) and last.x1 >= right - 1.5
              and number < len(pages) and pages[number] and not pages[number][0].heading
              and not pages[number][0].numbered):
            problems.append(f"page {number}: orphan: a paragraph's first line alone at the foot: “{last.text}”")
        first = lines[0]
        if number > 1 and pages[number - 2] and not first.heading and not first.numbered:
            before = pages[number - 2][-1]
            goes_on = not before.heading and before.x1 >= rights[number - 2] - 1.5
            alone = len(lines) == 1 or starts(lines, 1)
            if goes_on and alone:
                problems.append(f"page {number}: widow: a paragraph's last line alone at the head: “{first.text}”")
    return problems


def test_no_widow_orphan_or_heading_alone_at_a_page_break(edition):
    problems = page_break_problems(edition.pdf, edition.log)
    assert not problems, f"{edition.name}:\n" + "\n".join(problems)


# -- The check finds each fault ------------------------------------------------------

FILLER = ("The two governments exchanged notes, drafts and protests through the year, "
          "and each reply was read in the other capital as a sign of what would follow. ")

FAULTS = r"""
\documentclass{article}
\usepackage[a4paper]{geometry}
\setlength{\parindent}{0pt}\setlength{\parskip}{6pt plus 1pt}
\pagestyle{plain}
%(layout)s
\begin{document}
Widow follows. %(filler)s%(last)s\pagebreak\linebreak
The widowed line.

The next paragraph. %(filler)s%(filler)s

%(filler)s%(filler)s%(filler)s%(filler)s%(filler)s%(filler)s

Orphan follows. \pagebreak %(filler)s%(filler)s

A paragraph before the heading. %(filler)s

\section{A heading left alone}
\newpage
%(filler)s%(filler)s
\end{document}
"""


def layout_line() -> str:
    """the preamble line (docs/_latex/bookpage.sty) that writes the page's layout into the log."""
    conf = (ROOT / "docs" / "_latex" / "bookpage.sty").read_text(encoding="utf-8")
    match = re.search(r"^\\AtBeginDocument\{\\typeout\{BOOK LAYOUT:.*?\}\}$", conf, re.S | re.M)
    assert match, "docs/_latex/bookpage.sty no longer writes BOOK LAYOUT into the log"
    return match.group(0)


@pytest.fixture(scope="module")
def faulty_pdf(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("typography")
    tex = folder / "faults.tex"
    tex.write_text(FAULTS % {"filler": FILLER, "last": FILLER.strip(), "layout": layout_line()}, encoding="utf-8")
    result = subprocess.run(["xelatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
                            cwd=folder, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    return folder / "faults.pdf", folder / "faults.log"


@pytest.mark.parametrize("fault", ["widow:", "orphan:", "the heading “1 A heading left alone” is at the foot"])
def test_the_check_finds_each_fault(faulty_pdf, fault):
    problems = page_break_problems(*faulty_pdf)
    assert any(fault in p for p in problems), problems
