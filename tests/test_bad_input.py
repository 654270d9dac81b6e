"""Bad input fails the build clearly: file and line, non-zero exit, old site kept.

Each test starts from a copy of the tiny book (tests/roots/test-minimal),
already built once, breaks one thing and builds again with the same script
that ``make`` runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_build


def replace_in(path: Path, old: str, new: str) -> int:
    """Replace *old* by *new* in *path*; return the 1-based line of the change."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def assert_failed_cleanly(root: Path, result, *expected: str) -> None:
    assert result.returncode != 0, result.output
    for text in expected:
        assert text in result.output, result.output
    site = root / "_build" / "html"
    assert (site / "index.html").is_file(), "the last good site is gone"
    assert (site / "chapter.html").is_file()
    assert not (root / "_build" / ".html-new").exists(), "a half-built site was left behind"


@pytest.fixture()
def snapshot():
    def take(root: Path) -> dict[str, bytes]:
        site = root / "_build" / "html"
        return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}

    return take


def test_the_tiny_book_builds(tiny_good):
    assert tiny_good.returncode == 0
    assert (tiny_good.html / "chapter.html").is_file()


def test_unknown_citation_key(tiny, snapshot):
    before = snapshot(tiny)
    line = replace_in(tiny / "docs" / "chapter.rst", "Tiny2000book", "Nobody1999nothing")
    result = run_build(tiny)
    assert_failed_cleanly(tiny, result, f"chapter.rst:{line}:", 'could not find bibtex key "Nobody1999nothing"')
    assert snapshot(tiny) == before


def test_malformed_bib_entry(tiny, snapshot):
    before = snapshot(tiny)
    # A missing comma after the title field.
    line = replace_in(tiny / "references.bib", "{A Tiny Book},", "{A Tiny Book}")
    result = run_build(tiny)
    assert_failed_cleanly(tiny, result, f"references.bib:{line + 1}:", "malformed entry")
    assert snapshot(tiny) == before


def test_duplicate_bib_key(tiny, snapshot):
    before = snapshot(tiny)
    bib = tiny / "references.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(text + "\n" + text, encoding="utf-8")
    second = text.count("\n") + 2
    result = run_build(tiny)
    assert_failed_cleanly(tiny, result, "references.bib:", "Tiny2000book")
    assert f"references.bib:{second}:" in result.output or "references.bib:1:" in result.output
    assert snapshot(tiny) == before


def test_reference_to_a_missing_label(tiny, snapshot):
    before = snapshot(tiny)
    line = replace_in(tiny / "docs" / "chapter.rst", ":ref:`chapter-section`", ":ref:`no-such-label`")
    result = run_build(tiny)
    assert_failed_cleanly(tiny, result, f"chapter.rst:{line}:", "no-such-label")
    assert snapshot(tiny) == before


def test_character_the_pdf_font_lacks(tiny, snapshot):
    before = snapshot(tiny)
    # Linux Libertine has Latin, Greek and Cyrillic, but no Chinese.
    line = replace_in(tiny / "docs" / "chapter.rst", "A sentence with", "A sentence 漢 with")
    result = run_build(tiny)
    assert_failed_cleanly(tiny, result, f"docs/chapter.rst:{line}:", "the PDF font has no glyph for '漢'")
    assert snapshot(tiny) == before


def test_entry_missing_a_field_its_type_needs(tiny, snapshot):
    before = snapshot(tiny)
    bib = tiny / "references.bib"
    text = bib.read_text(encoding="utf-8")
    line = text.count("\n") + 2
    bib.write_text(text + "\n@incollection{Part2001chapter,\n  author = {Part, Paul},\n  title = {A Chapter},\n"
                   "  booktitle = {A Book},\n  publisher = {Small Press},\n}\n", encoding="utf-8")
    result = run_build(tiny)
    assert_failed_cleanly(tiny, result, f"references.bib:{line}:", "'Part2001chapter' (@incollection) has no 'year' field")
    assert snapshot(tiny) == before


# -- Dated events (docs/_ext/book/figures/timeline.py) ------------------------------------------------


@pytest.mark.parametrize("written, expected", [
    ("1949-02-30", "February 1949 has 28 days; write a day from 01 to 28, or 1949-02 if the day is not known"),
    ("1941-13-45", "has no month 13: the month is 01 to 12; write the date as YYYY, YYYY-MM or YYYY-MM-DD"),
    ("29 August 1949", "is not written as YYYY, YYYY-MM or YYYY-MM-DD, for example 1949, 1949-08 or 1949-08-29; write 1949-08-29"),
], ids=["no-such-day", "no-such-month", "date-in-words"])
def test_impossible_or_misspelt_event_date(timeline_copy, snapshot, written, expected):
    before = snapshot(timeline_copy)
    early = timeline_copy / "docs" / "early.rst"
    line = replace_in(early, ".. event:: 1933-11", f".. event:: {written}")
    result = run_build(timeline_copy)
    assert result.returncode != 0, result.output
    assert f"early.rst:{line}:" in result.output, result.output
    assert f"event date {written!r}" in result.output and expected in result.output, result.output
    assert "argument(s)" not in result.output
    assert snapshot(timeline_copy) == before
    assert not (timeline_copy / "_build" / ".html-new").exists()


# -- Lines: the line that holds the mistake -------------------------------------------------


def test_missing_label_reported_at_its_own_line(tiny, snapshot):
    """A :ref: on the third line of a paragraph is reported at that line."""
    before = snapshot(tiny)
    chapter = tiny / "docs" / "chapter.rst"
    start = replace_in(chapter, "A reference to :ref:`chapter-section`.",
                       "A first line.\nA second line.\nA reference to :ref:`no-such-label`.")
    result = run_build(tiny)
    assert_failed_cleanly(tiny, result, f"chapter.rst:{start + 2}:", "no-such-label")
    assert f"chapter.rst:{start}:" not in result.output
    assert snapshot(tiny) == before


def test_unclosed_brace_in_a_bib_field(tiny, snapshot):
    """A missing "}" is reported at the field that opens it, not at the next entry."""
    before = snapshot(tiny)
    bib = tiny / "references.bib"
    line = replace_in(bib, "{A Tiny Book},", "{A Tiny Book,")
    # Another entry after it, where pybtex itself would notice.
    bib.write_text(bib.read_text(encoding="utf-8") + "\n@book{Zed2001other,\n  author = {Zed, Zoe},\n"
                   "  title = {Other},\n  publisher = {Press},\n  year = {2001},\n}\n", encoding="utf-8")
    result = run_build(tiny)
    assert_failed_cleanly(tiny, result, f"references.bib:{line}:", "'title'", "never closed", "end the value with '}'")
    assert snapshot(tiny) == before


# -- What is published is what the sources hold ------------------------------------------------


def test_a_removed_chapter_leaves_nothing_behind(timeline_copy):
    """After removing a chapter and building again (no clean), its page, its
    citation files and its EPUB entry are gone."""
    site = timeline_copy / "_build" / "html"
    assert (site / "late.html").is_file()
    cite_files = list((site / "_static" / "cite").glob("late*"))
    (timeline_copy / "docs" / "late.rst").unlink()
    index = timeline_copy / "docs" / "index.rst"
    index.write_text(index.read_text(encoding="utf-8").replace("   late\n", ""), encoding="utf-8")
    result = run_build(timeline_copy)
    assert result.returncode == 0, result.output
    assert not (site / "late.html").exists()
    assert not list((site / "_static" / "cite").glob("late*")), cite_files
    import zipfile
    epub = next(site.glob("*.epub"))
    with zipfile.ZipFile(epub) as book:
        names = book.namelist()
        opf = book.read(next(n for n in names if n.endswith(".opf"))).decode("utf-8")
    assert "late.xhtml" not in opf and "late.xhtml" not in names
    assert "SALT I" not in (site / "timeline.html").read_text(encoding="utf-8")
