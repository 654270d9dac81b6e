"""Labels are the anchors people cite (docs/_ext/book/core/labels.py, scripts/anchors.py).

Every heading's permalink (the ¶ beside it, which readers copy) is the label
written above the heading in the source, not an id made from its title; the
anchor registry (anchors.json) holds every one; and a label defined in two
files fails the build whatever ``-j`` is.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT, run_build
from test_bad_input import assert_failed_cleanly, replace_in, snapshot  # noqa: F401 (a fixture)
from test_editions import DOCS, soup

# A label line directly above a title (with its overline, if any).
LABELLED_TITLE = re.compile(r"^\.\. _([A-Za-z0-9_-]+):\n\n(?:([=\-^~\"'*+#])\2+\n)?(\S.*)\n([=\-^~\"'*+#])\4+$", re.M)


def labelled_titles() -> list[tuple[str, str, str]]:
    """(docname, label, title) of every labelled title in the book's sources."""
    found = []
    for path in sorted(DOCS.glob("*.rst")):
        for match in LABELLED_TITLE.finditer(path.read_text(encoding="utf-8")):
            found.append((path.stem, match[1], match[3].strip()))
    return found


def test_the_sources_have_labelled_titles():
    assert len({doc for doc, _, _ in labelled_titles()}) == len(list(DOCS.glob("*.rst")))


@pytest.mark.parametrize("docname, label, title", labelled_titles(), ids=lambda v: v if "-" in str(v) else None)
def test_heading_permalink_is_the_label(book, docname, label, title):
    page = soup(book.html / f"{docname}.html")
    section = page.find("section", id=label)
    assert section is not None, f"{docname}.html has no section with the id {label!r}"
    heading = section.find(re.compile(r"^h[1-6]$"), recursive=False)
    # Words only: the HTML curls the apostrophes the source writes straight.
    assert re.findall(r"\w+", title) == re.findall(r"\w+", heading.get_text())[-len(re.findall(r"\w+", title)):], heading
    link = heading.find("a", class_="headerlink")
    assert link is not None and link["href"] == f"#{label}", link


def test_the_registry_holds_every_heading_permalink(book):
    registry = json.loads((ROOT / "anchors.json").read_text(encoding="utf-8"))["anchors"]
    for docname, label, _title in labelled_titles():
        assert label in registry, f"{label} is not in anchors.json (run: .venv/bin/python scripts/anchors.py --update)"
        entry = registry[label]
        assert entry.get("page") == f"{docname}.html" or entry.get("redirect"), (label, entry)


@pytest.mark.parametrize("jobs", ["auto", "1"])
def test_a_label_defined_in_two_files_fails_the_build(tiny, snapshot, jobs, monkeypatch):
    monkeypatch.setenv("SPHINXOPTS", f"-n -W -j {jobs} -q")
    before = snapshot(tiny)
    first = (tiny / "docs" / "chapter.rst").read_text(encoding="utf-8").splitlines().index(".. _chapter-section:") + 1
    index = tiny / "docs" / "index.rst"
    line = replace_in(index, ".. toctree::", ".. _chapter-section:\n\nAnother section\n===============\n\n.. toctree::")
    result = run_build(tiny)
    assert_failed_cleanly(tiny, result, "duplicate label", "chapter-section")
    assert f"index.rst:{line}" in result.output, result.output
    assert f"chapter.rst:{first}" in result.output, result.output
    assert snapshot(tiny) == before
