"""Accessibility: axe-core on every page of the site, and the PDF's language and title.

axe-core comes from npm, pinned in tests/js/package-lock.json and installed
by ``scripts/setup.sh test`` (``npm ci``); it is injected into each page as
the browser shows it, in light and in dark (colour contrast differs).
"""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from conftest import ROOT

AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

RUN_AXE = """async tags => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ')),
  }));
}"""


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_every_page_has_no_wcag_21_aa_violation(open_page, site, color_scheme):
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run scripts/setup.sh test (npm ci in tests/js)")
    # axe-core is the test's tool, injected as an inline script: the site's
    # Content-Security-Policy rightly refuses it, so this context bypasses it.
    opened = open_page(site.pages()[0], color_scheme=color_scheme, bypass_csp=True)
    problems = []
    for path in site.pages():
        opened.page.goto(site.url(path))
        opened.page.add_script_tag(path=str(AXE))
        for v in opened.page.evaluate(RUN_AXE, WCAG_21_AA):
            problems.append(f"{path}: {v['id']} ({v['impact']}): {v['help']}: {', '.join(v['nodes'][:5])}")
    assert not problems, "\n".join(problems)


def test_pdf_declares_its_language_and_title(book):
    reader = PdfReader(book.pdf)
    catalog = reader.trailer["/Root"]
    assert catalog.get("/Lang") == book.identity["language"], catalog.get("/Lang")
    assert reader.metadata.title == book.identity["title"]
