"""The editorial-note marker (docs/_ext/book/notes/ednotes.py), on a tiny book.

tests/roots/test-ednotes marks one note twice, in two sections of a chapter;
the note is on another page.  Each edition must link every mark to the note
and the note back to every mark; a mark with an unknown label, a label
defined twice and a note no text marks fail the build with file and line.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, copy_sources

TEST_ROOT = ROOT / "tests" / "roots" / "test-ednotes"
EXPLANATION = "Editorial note: what the sources said here, and why the book differs"


def make_root(tmp_path: Path) -> Path:
    return copy_sources(tmp_path / "src", docs=TEST_ROOT / "docs", bib=TEST_ROOT / "references.bib")


def sphinx(root: Path, builder: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", builder, "-n", "-W", "-q", "-c", str(root),
         "-d", str(root / "_doctrees" / builder), str(root / "docs"), str(root / "_out" / builder)],
        capture_output=True, text=True,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = make_root(tmp_path_factory.mktemp("ednotes"))
    for builder in ("html", "latex", "epub"):
        result = sphinx(root, builder)
        assert result.returncode == 0, result.stderr
    return root


def test_each_mark_links_to_its_note_with_an_accessible_name(built):
    page = BeautifulSoup((built / "_out/html/chapter.html").read_text(encoding="utf-8"), "html.parser")
    marks = page.select("a.ednote-mark")
    assert len(marks) == 2
    notes = BeautifulSoup((built / "_out/html/notes.html").read_text(encoding="utf-8"), "html.parser")
    for mark in marks:
        target, _, anchor = mark["href"].partition("#")
        assert target == "notes.html"
        assert notes.find(id=anchor) is not None
        assert mark["title"] == EXPLANATION
        # Seen: the raised sign; heard: the explanation, not "ed.".
        assert mark.select_one("sup.ednote-sign")["aria-hidden"] == "true"
        assert mark.select_one(".ednote-explanation").get_text() == EXPLANATION


def test_the_note_links_back_to_every_mark_by_section(built):
    notes = BeautifulSoup((built / "_out/html/notes.html").read_text(encoding="utf-8"), "html.parser")
    back = notes.select("p.ednote-backlinks a")
    assert [a.get_text() for a in back] == ["1.1 First", "1.2 Second"]
    chapter = BeautifulSoup((built / "_out/html/chapter.html").read_text(encoding="utf-8"), "html.parser")
    for a in back:
        target, _, anchor = a["href"].partition("#")
        assert target == "chapter.html"
        assert chapter.find(id=anchor) is not None


def test_the_pdf_source_links_both_ways(built):
    tex = next((built / "_out/latex").glob("*.tex")).read_text(encoding="utf-8")
    assert tex.count(r"\hyperref[\detokenize{notes:ednote-date}]") == 2
    for n in (0, 1):
        assert rf"\label{{\detokenize{{chapter:ednote-mark-date-{n}}}}}" in tex
        assert rf"\hyperref[\detokenize{{chapter:ednote-mark-date-{n}}}]" in tex


def test_the_epub_links_both_ways(built):
    epub = next((built / "_out/epub").glob("*.epub"))
    with zipfile.ZipFile(epub) as book:
        names = {Path(name).name: name for name in book.namelist()}
        chapter = book.read(names["chapter.xhtml"]).decode()
        notes = book.read(names["notes.xhtml"]).decode()
    assert chapter.count('href="notes.xhtml#ednote-date"') == 2
    assert notes.count('href="chapter.xhtml#ednote-mark-date-') == 2


def replace(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def test_an_unknown_label_fails_with_file_and_line(tmp_path):
    root = make_root(tmp_path)
    line = replace(root / "docs" / "chapter.rst", ":ednote:`date`\\", ":ednote:`nowhere`\\")
    result = sphinx(root, "html")
    assert result.returncode != 0
    assert f"chapter.rst:{line}: WARNING: unknown editorial note 'nowhere'" in result.stderr, result.stderr


def test_a_label_defined_twice_fails_with_file_and_line(tmp_path):
    root = make_root(tmp_path)
    notes = root / "docs" / "notes.rst"
    notes.write_text(notes.read_text(encoding="utf-8") + "\n.. ednote:: date\n\n   Again.\n", encoding="utf-8")
    line = notes.read_text(encoding="utf-8").splitlines().index(".. ednote:: date", 8) + 1
    result = sphinx(root, "html")
    assert result.returncode != 0
    assert f"notes.rst:{line}: WARNING: editorial note 'date' is defined twice" in result.stderr, result.stderr


def test_a_note_marked_nowhere_fails_with_file_and_line(tmp_path):
    root = make_root(tmp_path)
    notes = root / "docs" / "notes.rst"
    text = notes.read_text(encoding="utf-8") + "\n.. ednote:: orphan\n\n   Never marked.\n"
    notes.write_text(text, encoding="utf-8")
    line = text.splitlines().index(".. ednote:: orphan") + 1
    result = sphinx(root, "html")
    assert result.returncode != 0
    assert f"notes.rst:{line}: WARNING: editorial note 'orphan' is marked nowhere" in result.stderr, result.stderr
