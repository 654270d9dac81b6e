"""CONTRIBUTING.md's steps, followed on a copy of the book, keep it correct.

Each step is done as CONTRIBUTING.md says (its text is checked to say it):
add a source, a chapter (from the template, verbatim) with a dated event,
register its anchors; reword a section's title; remove the chapter again.
After each, the book builds (every edition, ``-n -W``) and the rules that
hold for any correct book hold; after the removal nothing of the chapter is
left in the site, its citation files or the EPUB.

The citation syntax is written in one place here (:func:`cite`), as in
CONTRIBUTING.md ("Citing").
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, build_script, copy_sources, run_build

CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
ANCHORS = ROOT / "scripts" / "anchors.py"
NAME = "zz-added"


def cite(*keys: str) -> str:
    """A note mark citing *keys*, written as CONTRIBUTING.md's example ("Citing") writes one."""
    example = rst_block(section("Citing", "###"))
    role = re.search(r"\\ (:[a-z:]+:)`[^`]+`$", example.strip())
    assert role, f"CONTRIBUTING.md, Citing: no note mark at the end of the example {example!r}"
    return rf"\ {role.group(1)}`{'; '.join(keys)}`"


def section(title: str, level: str = "##") -> str:
    return CONTRIBUTING.split(f"\n{level} {title}\n", 1)[1].split(f"\n{level} ", 1)[0]


def rst_block(text: str) -> str:
    """The first ```rst block of *text*, dedented."""
    block = re.search(r"```rst\n(.*?)\n[ \t]*```", text, re.S).group(1)
    indent = min(len(line) - len(line.lstrip()) for line in block.splitlines() if line.strip())
    return "\n".join(line[indent:] for line in block.splitlines()) + "\n"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def anchors(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ANCHORS), "--site", str(root / "_build" / "html"), "--registry", str(root / "anchors.json"), *args],
        capture_output=True, text=True,
    )


def bib_keys(root: Path) -> list[str]:
    return re.findall(r"^@\w+\{([^,\s]+),", (root / "references.bib").read_text(encoding="utf-8"), re.M)


def chapters(root: Path) -> list[str]:
    text = (root / "docs" / "index.rst").read_text(encoding="utf-8")
    block = text.split(":caption: Chapters", 1)[1]
    return [line.strip() for line in block.split("\n\n", 2)[1].splitlines() if line.strip()]


def assert_rules_hold(root: Path) -> None:
    """The rules CONTRIBUTING.md lists that any correct book keeps."""
    site = root / "_build" / "html"
    docs = root / "docs"
    sources = {p: p.read_text(encoding="utf-8") for p in sorted(docs.glob("*.rst"))}
    # Every title has a label directly above it.
    for path, text in sources.items():
        lines = text.splitlines()
        for i, line in enumerate(lines[1:], 1):
            if re.fullmatch(r"([=\-^])\1{2,}", line) and lines[i - 1].strip() and not re.fullmatch(r"([=\-^])\1+", lines[i - 1]):
                j = i - 2
                while j >= 0 and (not lines[j].strip() or re.fullmatch(r"=+", lines[j])):
                    j -= 1
                assert j >= 0 and re.fullmatch(r"\.\. _[a-z0-9-]+:", lines[j]), (path.name, lines[i - 1])
    # Every entry is cited somewhere; entries are sorted and keyed AuthorYYYYword.
    keys = bib_keys(root)
    every_text = "\n".join(sources.values()) + "".join(p.read_text(encoding="utf-8") for p in docs.glob("_figures/*.rst"))
    assert [k for k in keys if k not in every_text] == []
    assert keys == sorted(keys, key=str.lower)
    assert all(re.fullmatch(r"[A-Z][A-Za-z]+(\d{4}|ND)[a-z]+", k) for k in keys), keys
    # Every chapter cites a source; every heading's permalink is a label.
    for docname in chapters(root):
        assert soup(site / f"{docname}.html").select("aside.footnote"), docname
    for page in sorted(site.glob("*.html")):
        page_soup = soup(page)
        for link in page_soup.select("a.headerlink[title='Link to this heading']"):
            heading_section = link.find_parent("section")
            assert heading_section is not None and link["href"] == "#" + heading_section["id"], (page.name, link)
    # The anchor registry: nothing published is lost.
    check = anchors(root)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    return copy_sources(tmp_path_factory.mktemp("contributor"))


def test_contributing_documents_the_steps():
    for title in ("Citing", "Adding a chapter", "Adding a source", "Dated events and the timeline",
                  "Renaming a section or a chapter", "Moving or removing a chapter or a section"):
        assert f"\n## {title}\n" in CONTRIBUTING or f"\n### {title}\n" in CONTRIBUTING, title
    assert "scripts/anchors.py --update" in section("Adding a chapter")
    # The README sends contributors here (and no file anywhere outside the
    # repository: test_no_file_points_outside_the_repository).
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "CONTRIBUTING.md" in readme


# Places outside the repository that its files must not send a reader or a
# contributor to (the workspace it was first written in).
OUTSIDE = (re.compile(r"\.\./shared\b"), re.compile(r"(?<![\w./-])/work/[\w.-]+/"))


def test_no_file_points_outside_the_repository():
    """Every tracked file (README, notes, code, research) stands alone: no
    path into a workspace that a clone does not have."""
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, text=True)
    if listed.returncode == 0:
        files = [ROOT / name for name in listed.stdout.split("\0") if name]
    else:  # an export without .git
        skip = {".git", ".venv", "_build", "node_modules", "__pycache__"}
        files = [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]
    found = []
    for path in files:
        if path == Path(__file__) or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # a binary file
        for number, line in enumerate(text.splitlines(), 1):
            if any(pattern.search(line) for pattern in OUTSIDE):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not found, "paths outside the repository (say it in the repository instead):\n" + "\n".join(found)


def test_adding_a_source_a_chapter_and_an_event(copy):
    # A source, in key order (a made-up work: this is a test's copy of the book).
    bib = copy / "references.bib"
    key = "Zz2000aftermath"
    entry = ("@book{Zz2000aftermath,\n  author = {Zz, Zoe},\n  title = {An Aftermath},\n"
             "  publisher = {Test Press},\n  address = {Nowhere},\n  year = {2000},\n"
             "  note = {A test entry.},\n}\n")
    text = bib.read_text(encoding="utf-8")
    assert max(bib_keys(copy), key=str.lower).lower() < key.lower()
    bib.write_text(text.rstrip("\n") + "\n\n" + entry, encoding="utf-8")
    # The chapter, from CONTRIBUTING.md's template, with a cited sentence and an event.
    template = rst_block(section("Adding a chapter"))
    chapter = (template.replace("<name>", NAME).replace("<topic>", "first")
               .replace("A sentence that cites its source (see Citing).", "A sentence that cites its source." + cite(key)))
    event = rst_block(section("Dated events and the timeline")).replace("Foglesong1995secret", key)
    event = event.replace("1941-06-22", "1992-01-01").replace("Germany invades the Soviet Union.", "A test event happens.")
    chapter = chapter.rstrip("\n") + "\n\n" + event
    (copy / "docs" / f"{NAME}.rst").write_text(chapter, encoding="utf-8")
    index = copy / "docs" / "index.rst"
    last = chapters(copy)[-1]
    index.write_text(index.read_text(encoding="utf-8").replace(f"   {last}\n", f"   {last}\n   {NAME}\n", 1), encoding="utf-8")
    result = run_build(copy)
    assert result.returncode == 0, result.output
    site = copy / "_build" / "html"
    assert "A test event happens" in soup(site / "timeline.html").get_text()
    # Registering the new anchors says what it added.
    update = anchors(copy, "--update")
    assert update.returncode == 0, update.stdout + update.stderr
    assert f"added {NAME} ({NAME}.html#{NAME})" in update.stdout
    assert f"added {NAME}-first ({NAME}.html#{NAME}-first)" in update.stdout
    assert_rules_hold(copy)


def test_rewording_a_section_title(copy):
    first = chapters(copy)[0]
    path = copy / "docs" / f"{first}.rst"
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^\.\. _([a-z0-9-]+):\n\n(.+)\n(=+)$", text, re.M)
    label, title = match[1], match[2]
    new = "A reworded title for this section"
    path.write_text(text.replace(match[0], f".. _{label}:\n\n{new}\n{'=' * len(new)}", 1), encoding="utf-8")
    result = run_build(copy)
    assert result.returncode == 0, result.output
    heading = soup(copy / "_build" / "html" / f"{first}.html").find("section", id=label).find("h2")
    assert new in heading.get_text() and heading.find("a", class_="headerlink")["href"] == f"#{label}"
    assert_rules_hold(copy)


def test_removing_a_chapter(copy):
    site = copy / "_build" / "html"
    registry_path = copy / "anchors.json"
    registry = json.loads(registry_path.read_text(encoding="utf-8"))
    gone = [a for a, e in registry["anchors"].items() if e.get("page") == f"{NAME}.html"]
    assert gone and (site / "_static" / "cite" / f"{NAME}-first.bib").is_file()
    # CONTRIBUTING.md: delete the file and its toctree line, redirect its
    # anchors, remove what only it used (here the source it alone cited).
    (copy / "docs" / f"{NAME}.rst").unlink()
    index = copy / "docs" / "index.rst"
    index.write_text(index.read_text(encoding="utf-8").replace(f"   {NAME}\n", "", 1), encoding="utf-8")
    result = run_build(copy)
    assert result.returncode == 0, result.output
    listed = anchors(copy)
    assert listed.returncode != 0
    for anchor in gone:
        assert anchor in listed.stderr, listed.stderr
        registry["anchors"][anchor]["redirect"] = f"{chapters(copy)[-1]}.html#{chapters(copy)[-1]}"
    registry_path.write_text(json.dumps(registry, indent=2) + "\n", encoding="utf-8")
    bib = copy / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").split("\n@book{Zz2000aftermath,")[0].rstrip("\n") + "\n", encoding="utf-8")
    result = run_build(copy)
    assert result.returncode == 0, result.output
    # Nothing of it is published: its page is only the redirect stub, no
    # citation file, no EPUB entry, not in the timeline or the search index.
    stub = (site / f"{NAME}.html").read_text(encoding="utf-8")
    assert "A sentence that cites its source" not in stub and f"{chapters(copy)[-1]}.html#" in stub
    assert not list((site / "_static" / "cite").glob(f"{NAME}*")), list((site / "_static" / "cite").glob(f"{NAME}*"))
    identity = build_script.book_identity(copy)
    with zipfile.ZipFile(site / identity["epub_name"]) as epub:
        opf = epub.read(next(n for n in epub.namelist() if n.endswith(".opf"))).decode("utf-8")
        assert NAME not in opf and not [n for n in epub.namelist() if NAME in n]
    assert "A test event happens" not in soup(site / "timeline.html").get_text()
    assert NAME not in (site / "searchindex.js").read_text(encoding="utf-8")
    printed = subprocess.run(["pdftotext", str(site / identity["pdf_name"]), "-"], capture_output=True, text=True).stdout
    assert "Title of the chapter" not in printed and "A test event happens" not in printed
    assert_rules_hold(copy)
