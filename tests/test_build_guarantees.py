"""What the build guarantees beyond a single good run (README, "Bad input"):
an incremental build gives the site a clean build gives; one build at a time
in a build folder; a failed PDF or EPUB never lets `make html` publish a site
without it; what a failed build wrote is gone once its sources are; and a
line too long for TeX is refused with its file and line before anything is
built.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from conftest import BUILD_SCRIPT, copy_sources, run_build


def site_files(root: Path) -> dict[str, bytes]:
    site = root / "_build" / "html"
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def differing(a: dict, b: dict) -> list[str]:
    return sorted(set(a) ^ set(b) | {name for name in set(a) & set(b) if a[name] != b[name]})


def test_incremental_html_builds_equal_a_clean_build(tmp_path):
    """A no-op rebuild, then one after a chapter and anchors.json change, each
    byte for byte the site a clean build of the same sources gives (the
    search index too: Sphinx's own incremental index loses its entries)."""
    root = copy_sources(tmp_path / "book")
    assert run_build(root, "html").returncode == 0
    first = site_files(root)
    index = json.loads((root / "_build" / "html" / "searchindex.js").read_text(encoding="utf-8")
                       .removeprefix("Search.setIndex(").removesuffix(")"))
    assert index["indexentries"], "the clean build's search index has no index entries"
    again = run_build(root, "html")
    assert again.returncode == 0, again.output
    assert differing(first, site_files(root)) == []
    # A chapter reworded, and a redirect added to anchors.json.
    chapter = next(p for p in sorted((root / "docs").glob("*.rst")) if p.stem not in ("index",))
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text + "\nA sentence added to test the rebuild.\n", encoding="utf-8")
    registry = json.loads((root / "anchors.json").read_text(encoding="utf-8"))
    some_label, entry = next(iter(registry["anchors"].items()))
    registry["anchors"]["a-retired-label"] = {"page": entry["page"], "redirect": f"{entry['page']}#{some_label}"}
    (root / "anchors.json").write_text(json.dumps(registry, indent=2) + "\n", encoding="utf-8")
    changed = run_build(root, "html")
    assert changed.returncode == 0, changed.output
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("_build"))
    assert run_build(clean, "html").returncode == 0
    assert differing(site_files(root), site_files(clean)) == []
    assert "a-retired-label" in (root / "_build" / "html" / entry["page"]).read_text(encoding="utf-8")


def test_a_second_build_in_the_same_folder_waits_or_stops(tiny):
    lock = tiny / "_build" / ".lock"
    with lock.open("a+", encoding="utf-8") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.seek(0)
        held.truncate()
        held.write("4242\n")
        held.flush()
        env = dict(os.environ, BOOK_BUILD_NOWAIT="1")
        result = subprocess.run([sys.executable, str(BUILD_SCRIPT), "html", "--root", str(tiny)],
                                capture_output=True, text=True, env=env)
        assert result.returncode == 1
        assert "another build is running in" in result.stderr and "(pid 4242)" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        waiting = subprocess.Popen([sys.executable, str(BUILD_SCRIPT), "html", "--root", str(tiny)],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(2)
        assert waiting.poll() is None, "the second build did not wait for the first"
    out, _ = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, out
    assert "(pid 4242); waiting for it" in out


def test_a_failed_pdf_is_never_left_out_of_the_site(tiny):
    """The PDF fails (a character its fonts lack): `make html` then refuses to
    publish a site without the PDF that every page links to, and the last
    good site stays; once the PDF builds again, so does the site."""
    site = tiny / "_build" / "html"
    before = site_files(tiny)
    chapter = tiny / "docs" / "chapter.rst"
    good = chapter.read_text(encoding="utf-8")
    chapter.write_text(good + "\nA snowman \u2603 that no font of the PDF has.\n", encoding="utf-8")
    failed = run_build(tiny, "pdf")
    assert failed.returncode != 0
    assert not list((tiny / "_build" / "work" / "latex").glob("*.pdf")), "a failed PDF was left for the site"
    html = run_build(tiny, "html")
    assert html.returncode == 1
    assert "the PDF's last build failed" in html.output and "not published without it" in html.output, html.output
    assert site_files(tiny) == before
    chapter.write_text(good, encoding="utf-8")
    assert run_build(tiny, "all").returncode == 0
    assert (site / "chapter.html").is_file()


def test_what_a_failed_build_wrote_goes_with_its_source(tiny):
    """A page added, then a failed build (which may have written it), then the
    page removed again: the next good build publishes no trace of it."""
    docs = tiny / "docs"
    index = docs / "index.rst"
    good_index = index.read_text(encoding="utf-8")
    (docs / "aaa-extra.rst").write_text(".. _aaa-extra:\n\n=====\nExtra\n=====\n\nAn extra page.\n", encoding="utf-8")
    index.write_text(good_index.replace("   chapter", "   aaa-extra\n   chapter", 1), encoding="utf-8")
    chapter = docs / "chapter.rst"
    good_chapter = chapter.read_text(encoding="utf-8")
    chapter.write_text(good_chapter + "\nSee :ref:`no-such-label`.\n", encoding="utf-8")
    assert run_build(tiny, "html").returncode != 0
    (docs / "aaa-extra.rst").unlink()
    index.write_text(good_index, encoding="utf-8")
    chapter.write_text(good_chapter, encoding="utf-8")
    result = run_build(tiny, "all")
    assert result.returncode == 0, result.output
    work = tiny / "_build" / "work"
    leftovers = [p for p in (*work.joinpath("html").rglob("*"), *(tiny / "_build" / "html").rglob("*"))
                 if "aaa-extra" in p.name]
    assert leftovers == []


def test_a_line_too_long_for_tex_is_refused_with_its_place(tiny):
    chapter = tiny / "docs" / "chapter.rst"
    lines = chapter.read_text(encoding="utf-8").splitlines()
    lines.append("word " * 30_000)
    chapter.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_build(tiny, "all")
    assert result.returncode == 1
    assert f"docs/chapter.rst:{len(lines)}: a line of 150,000 characters" in result.output, result.output
    assert "Traceback" not in result.output
