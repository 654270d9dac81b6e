"""The PDF's index, in both papers: read from the ``.ind`` file xindy wrote
(what the index prints) and from the PDF itself (where it prints it).

- Every page an entry gives shows the entry's words: its headword (a name by
  its surname), or the headword's main word (its longest).  An index entry
  anchored before its paragraph gives the paragraph's first page.
- One entry per subject: no two headwords are the same, or differ only in
  case or in a parenthesised qualifier ("Arms race" / "arms race"; "Molotov–Ribbentrop
  Pact" / "Molotov–Ribbentrop Pact (1939)").
- A qualifier is set upright, like its headword; a legal case's name ("United
  States v. Belmont") in italics.
- No column of the index ends with a line that is not an entry's last: a
  headword without its first subentry, or an entry whose page numbers are on
  the next column.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from test_pdf import frame, index_pages, layout, pages_of

ITEM = re.compile(r"^\s*\\(item|subitem|subsubitem) (.*)$")
PAGE = re.compile(r"\\hyperpage\{([^{}]*)\}")
QUALIFIER = re.compile(r"\s*\([^()]*\)\s*$")
PAGE_NUMBER = re.compile(r"^(\d+|[ivxlc]+)$")


def plain(latex: str) -> str:
    """The text of an index entry's LaTeX."""
    text = latex.replace(r"\sphinxhyphen{}", "-").replace(r"\sphinxhyphen {}", "-")
    text = re.sub(r"\\spxextra\{([^{}]*)\}", r" (\1)", text)
    text = re.sub(r"\\[a-zA-Z]+\s*", "", text)
    return text.replace("{", "").replace("}", "").strip()


def index_entries(ind: Path) -> list[tuple[str, str | None, list[str]]]:
    """(headword, subentry or None, page labels) of each line of the index."""
    entries, head = [], None
    for line in ind.read_text(encoding="utf-8").splitlines():
        match = ITEM.match(line)
        if not match:
            continue
        level, body = match.groups()
        text = re.split(r",\s*\\(?:hyperpage|spxpagem)", body, maxsplit=1)[0]
        if level == "item":
            head = plain(text)
            entries.append((head, None, PAGE.findall(body)))
        else:
            entries.append((head, plain(text), PAGE.findall(body)))
    return entries


def headword_words(headword: str) -> tuple[str, str]:
    """The words an entry is written as in the text, and its main word."""
    words = QUALIFIER.sub("", headword).split(",", 1)[0].strip()
    main = max(re.findall(r"[\w-]+", words), key=len)
    return words, main


def page_text(words: list[str]) -> list[str]:
    """A page's text, and the same with the words hyphenated at a line's end joined."""
    text = unicodedata.normalize("NFKC", " ".join(words)).casefold()
    return [text, text.replace("- ", "-"), text.replace("- ", "")]


def ind_of(edition) -> Path:
    return edition.log.with_suffix(".ind")


def pages_without_their_words(ind: Path, pdf: Path, pages) -> list[str]:
    labels = list(PdfReader(pdf).page_labels)
    wrong = []
    for head, sub, numbers in index_entries(ind):
        words, main = headword_words(head)
        for number in numbers:
            assert number in labels, f"index entry {head!r} gives page {number}, which the PDF does not have"
            texts = page_text([w.text for w in pages[labels.index(number)].words])
            if not any(words.casefold() in t or main.casefold() in t for t in texts):
                wrong.append(f"{head}{'; ' + sub if sub else ''}: page {number} has neither {words!r} nor {main!r}")
    return wrong


def test_every_page_an_entry_gives_shows_its_words(edition):
    wrong = pages_without_their_words(ind_of(edition), edition.pdf, pages_of(edition))
    assert not wrong, (f"{edition.name}: index entries that give a page without their words (index the word "
                       "where it stands, docs/_ext/book/core/bookindex.py):\n" + "\n".join(wrong))


def one_subject_twice(ind: Path) -> list[str]:
    """Pairs of headwords that name one subject twice: the same words in
    another case, or once bare and once with a qualifier ("Korean War" and
    "Korean War (1950–1953)").  Two different qualifiers tell two subjects
    apart, as an indexer writes them ("Geneva summit (1955)", "… (1985)")."""
    seen: dict[str, list[str]] = {}
    twice = []
    for head, sub, _pages in index_entries(ind):
        if sub is not None:
            continue
        key = QUALIFIER.sub("", head).casefold()
        for earlier in seen.get(key, []):
            bare = not QUALIFIER.search(earlier) or not QUALIFIER.search(head)
            if bare or earlier.casefold() == head.casefold():
                twice.append(f"{earlier!r} and {head!r}")
        seen.setdefault(key, []).append(head)
    return twice


@pytest.mark.parametrize("heads, found", [
    (["Korean War", "Korean War (1950–1953)"], True),
    (["Détente", "détente"], True),
    (["Geneva summit (1955)", "Geneva summit (1985)"], False),
    (["Geneva summit (1955)", "Geneva Summit (1955)"], True),
])
def test_one_subject_twice_tells_qualified_subjects_apart(tmp_path, heads, found):
    ind = tmp_path / "book.ind"
    ind.write_text("\\begin{theindex}\n" + "".join(f"  \\item {h}, \\hyperpage{{1}}\n" for h in heads)
                   + "\\end{theindex}\n", encoding="utf-8")
    assert [head for head, _, _ in index_entries(ind)] == heads, "the test's index is not read as written"
    assert bool(one_subject_twice(ind)) is found


def test_one_entry_per_subject(edition):
    twice = one_subject_twice(ind_of(edition))
    assert not twice, f"{edition.name}: headwords that name one subject twice:\n" + "\n".join(twice)


def italic_fonts(pdf: Path) -> set[str]:
    """The PDF's fonts whose descriptor gives an italic angle."""
    italic = set()
    for page in PdfReader(pdf).pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        for font in (fonts.get_object().values() if fonts is not None else []):
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            if descriptor is not None and float(descriptor.get_object().get("/ItalicAngle", 0)) != 0:
                # A composite font's name ends in its encoding, which pdfplumber leaves off.
                italic.add(re.sub(r"-Identity-[HV]$", "", str(font["/BaseFont"]).lstrip("/")))
    return italic


def index_lines(pdf: Path) -> list[list[dict]]:
    """The index's lines, each a list of pdfplumber's characters."""
    lines = []
    with pdfplumber.open(pdf) as document:
        for number in index_pages(pdf):
            chars = [c for c in document.pages[number].chars if c["text"].strip()]
            rows: dict[tuple[bool, int], list[dict]] = {}
            middle = document.pages[number].width / 2
            for char in chars:
                rows.setdefault((char["x0"] > middle, round(char["bottom"])), []).append(char)
            lines += [sorted(row, key=lambda c: c["x0"]) for _key, row in sorted(rows.items())]
    return lines


def misset_faces(pdf: Path) -> list[str]:
    italic = italic_fonts(pdf)
    wrong = []
    for line in index_lines(pdf):
        text = "".join(c["text"] for c in line)
        depth = 0
        for position, char in enumerate(line):
            if char["text"] == "(":
                depth += 1
            if depth and char["text"].isalnum() and char["fontname"] in italic:
                wrong.append(f"{text!r}: {char['text']!r} of its qualifier in italics")
                break
            if char["text"] == ")":
                depth -= 1
        # The line's characters without its spaces: "UnitedStatesv.Belmont(1937),4".
        case = re.match(r"^(.*?[a-z]v\.[A-Z][^(,]*)(\(|,)", text)
        if case:
            name = [c for c in line[:len(case[1])] if c["text"].isalpha()]
            if not all(c["fontname"] in italic for c in name):
                wrong.append(f"{text!r}: the case's name not in italics")
    return wrong


def test_qualifiers_upright_and_cases_italic(edition):
    wrong = misset_faces(edition.pdf)
    assert not wrong, f"{edition.name}:\n" + "\n".join(wrong)


def column_feet(edition) -> list[str]:
    """The last line of each column of the index, that is not an entry's last."""
    lay = layout(edition.log)
    pages = pages_of(edition)
    wrong = []
    for number in index_pages(edition.pdf):
        page = pages[number]
        _left, _right, bands = frame(page, lay)
        top, bottom = bands[1]
        inch = 72.0
        margin = lay["oddsidemargin"] if page.number % 2 else lay["evensidemargin"]
        middle = inch + lay["hoffset"] + margin + lay["textwidth"] / 2
        columns: dict[bool, dict[int, list]] = {False: {}, True: {}}
        for word in page.words:
            if top - 2 <= word.top and word.bottom <= bottom + 4:
                columns[word.x0 > middle].setdefault(round(word.bottom), []).append(word)
        for right, rows in columns.items():
            if not rows:
                continue
            last = sorted(rows[max(rows)], key=lambda w: w.x0)
            if not PAGE_NUMBER.match(last[-1].text.rstrip(",")):
                wrong.append(f"page {page.number}, {'right' if right else 'left'} column ends with "
                             f"{' '.join(w.text for w in last)!r}")
    return wrong


def test_no_column_of_the_index_ends_inside_an_entry(edition):
    wrong = column_feet(edition)
    assert not wrong, f"{edition.name}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("latex, text", [
    (r"\spxentry{Lend\sphinxhyphen{}Lease Act}\spxextra{1941}", "Lend-Lease Act (1941)"),
    (r"\spxentry{\emph{United States v. Belmont}}\spxextra{1937}", "United States v. Belmont (1937)"),
])
def test_plain(latex, text):
    assert plain(latex) == text


def test_headword_words():
    assert headword_words("Lenin, Vladimir Ilyich") == ("Lenin", "Lenin")
    assert headword_words("Gulf War (1990–1991)") == ("Gulf War", "Gulf")
    assert headword_words("Brest-Litovsk, Treaty of (1918)") == ("Brest-Litovsk", "Brest-Litovsk")
