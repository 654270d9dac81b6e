"""Shared fixtures: the whole book, built once per test session.

The sources (conf.py, docs/, references.bib) are copied into a temporary
folder and built there with the same script that ``make`` runs, so the tests
see exactly what a reader gets, and the developer's own _build/ is untouched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD_SCRIPT = ROOT / "scripts" / "build.py"
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

import build as build_script  # noqa: E402
# The site in a real browser (tests/browser.py): fixtures site, chromium, open_page.
from browser import chromium, open_page, site  # noqa: E402,F401

# Every build in the tests, and every reading of conf.py, dates the book by
# this repository's last commit, as `make` does.
os.environ.setdefault("SOURCE_DATE_EPOCH", build_script.source_date_epoch(ROOT))


def copy_sources(dest: Path, docs: Path | None = None, bib: Path | None = None) -> Path:
    """Copy conf.py and the book's sources (or a test root's) into *dest*."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "conf.py", dest / "conf.py")
    # The anchor registry describes the pages it comes with: the book's is
    # copied only with the book's own pages (its redirects lead to the book's
    # chapters); a test root carries its own anchors.json, or has none.
    registry = ROOT / "anchors.json" if docs is None else docs.parent / "anchors.json"
    if registry.is_file():
        shutil.copy2(registry, dest / "anchors.json")
    # _generated: the figures drawn by an earlier build here; the copy draws its own.
    shutil.copytree(ROOT / "docs", dest / "docs", ignore=shutil.ignore_patterns("__pycache__", "_generated"))
    if docs is not None:
        # A test root's pages replace the book's; the extensions, templates
        # and static files stay, so the test builds with the real set-up.
        for path in (dest / "docs").glob("*.rst"):
            path.unlink()
        shutil.copytree(docs, dest / "docs", dirs_exist_ok=True)
    shutil.copy2(bib or ROOT / "references.bib", dest / "references.bib")
    # The figures' sources (conf.py lists both files).
    return dest


@dataclass
class BuildResult:
    root: Path
    out: Path
    returncode: int
    output: str

    @property
    def html(self) -> Path:
        return self.out / "html"


def run_build(root: Path, target: str = "all") -> BuildResult:
    """Run scripts/build.py on *root*, as `make` does; capture what it prints."""
    env = dict(os.environ)
    env.setdefault("SPHINXOPTS", build_script.DEFAULT_SPHINXOPTS)
    result = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), target, "--root", str(root)],
        capture_output=True, text=True, env=env,
    )
    return BuildResult(root, root / "_build", result.returncode, result.stdout + result.stderr)


@dataclass
class Book(BuildResult):
    identity: dict

    @property
    def pdf(self) -> Path:
        return self.html / self.identity["pdf_name"]

    @property
    def epub(self) -> Path:
        return self.html / self.identity["epub_name"]


@pytest.fixture(scope="session")
def book(tmp_path_factory) -> Book:
    """The whole book, every edition, built once from a copy of the sources."""
    root = copy_sources(tmp_path_factory.mktemp("book"))
    result = run_build(root, "all")
    if result.returncode != 0:
        pytest.fail(f"the book does not build:\n{result.output}")
    return Book(**vars(result), identity=build_script.book_identity(root))


# -- The two PDFs (tests/test_pdf.py, tests/test_index.py) ---------------------------
# Here, not in a test module, so that every module shares one US-letter build.


@dataclass
class PdfEdition:
    name: str
    pdf: Path
    log: Path


@pytest.fixture(scope="session")
def letter_pdf(tmp_path_factory) -> PdfEdition:
    """The US-letter PDF, built as the README says (`make pdf SPHINXOPTS=...`)."""
    root = copy_sources(tmp_path_factory.mktemp("letter"))
    opts = os.environ.get("SPHINXOPTS", build_script.DEFAULT_SPHINXOPTS)
    os.environ["SPHINXOPTS"] = f"{opts} --define latex_elements.papersize=letterpaper"
    try:
        result = run_build(root, "pdf")
    finally:
        os.environ["SPHINXOPTS"] = opts
    if result.returncode != 0:
        pytest.fail(f"the US-letter PDF does not build:\n{result.output}")
    latex = result.out / "work" / "latex"
    return PdfEdition("letter", latex / "soviet-us-relations.pdf", latex / "soviet-us-relations.log")


@pytest.fixture(scope="session", params=["a4", "letter"])
def edition(request, book) -> PdfEdition:
    if request.param == "a4":
        latex = book.out / "work" / "latex"
        return PdfEdition("a4", book.pdf, latex / f"{book.identity['pdf_name'].removesuffix('.pdf')}.log")
    return request.getfixturevalue("letter_pdf")


def build_test_root(tmp_path_factory, name: str) -> BuildResult:
    """Build tests/roots/test-<name> (its pages and references.bib, with the
    book's conf.py and extensions), every edition; fail if it does not build."""
    roots = ROOT / "tests" / "roots" / f"test-{name}"
    root = copy_sources(tmp_path_factory.mktemp(name), docs=roots / "docs", bib=roots / "references.bib")
    result = run_build(root, "all")
    if result.returncode != 0:
        pytest.fail(f"tests/roots/test-{name} does not build:\n{result.output}")
    return result


@pytest.fixture(scope="session")
def tiny_good(tmp_path_factory) -> BuildResult:
    """A tiny book (tests/roots/test-minimal) built once, every edition."""
    return build_test_root(tmp_path_factory, "minimal")


@pytest.fixture(scope="session")
def timeline_good(tmp_path_factory) -> BuildResult:
    """A tiny book with tagged events (tests/roots/test-timeline), every edition."""
    return build_test_root(tmp_path_factory, "timeline")


@pytest.fixture()
def timeline_copy(timeline_good, tmp_path) -> Path:
    """A fresh copy of the built timeline test book, with its build folder."""
    dest = tmp_path / "timeline"
    shutil.copytree(timeline_good.root, dest, symlinks=True)
    return dest


@pytest.fixture()
def tiny(tiny_good, tmp_path) -> Path:
    """A fresh copy of the built tiny book, its last good site included."""
    dest = tmp_path / "tiny"
    shutil.copytree(tiny_good.root, dest, symlinks=True)
    return dest
