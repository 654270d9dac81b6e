"""Nothing committed to the book can run script in a reader's browser or
publish a file from outside the repository (README, "Bad input: what the
build refuses").

Each test starts from a copy of a tiny book already built once
(tests/roots/test-minimal, or test-timeline for dated events), as
tests/test_bad_input.py does: markup put into a field that reaches a page
must come out as text, everywhere (every HTML page, the citation files, the
EPUB, the cite box in a browser); every other bad input fails the build with
one line naming the file and line and what to write, a non-zero exit, and the
last good site kept.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import sys
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, run_build
from test_bad_input import assert_failed_cleanly, replace_in, snapshot  # noqa: F401  (fixture)

sys.path.insert(0, str(ROOT / "scripts"))
import browse  # noqa: E402

# -- What a page may hold -----------------------------------------------------------------------

INJECTED = "<img src=x onerror=alert(1)>"
CSL_TAGS = {"i", "b", "sup", "sub", "span"}


def markup_of(html: str) -> set[tuple[str, str]]:
    """Every (element, attribute) pair of an HTML document ("" for no attribute)."""
    found = set()
    for element in BeautifulSoup(html, "html.parser").find_all(True):
        found.add((element.name, ""))
        for attribute in element.attrs:
            found.add((element.name, attribute))
    return found


def site_files(site: Path) -> dict[str, str]:
    """Every HTML page of a built site, and every page of its EPUB, by name."""
    pages = {str(p.relative_to(site)): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    with zipfile.ZipFile(next(site.glob("*.epub"))) as epub:
        for name in epub.namelist():
            if name.endswith(".xhtml"):
                pages[f"epub:{name}"] = epub.read(name).decode("utf-8")
    return pages


def inline_scripts(html: str) -> list[str]:
    return [s.string or "" for s in BeautifulSoup(html, "html.parser").find_all("script") if not s.get("src")]


def cite_data(site: Path) -> dict:
    """The formats of every section, from _static/cite/<page>.js."""
    data = {}
    for path in (site / "_static" / "cite").glob("*.js"):
        text = path.read_text(encoding="utf-8")
        data.update(json.loads(text[text.index("]=") + 2:].rstrip().rstrip(";")))
    return data


# -- 1. Markup in a title, a .bib title, a locator: text everywhere --------------------------------


def inject(root: Path, markup: bool = True) -> None:
    """Markup in the chapter's and the section's titles, a locator and a .bib
    title; with *markup* False, the same words without it (the baseline)."""
    def m(text: str) -> str:
        return text if markup else re.sub(r"[<>\"=/()]", " ", text)

    chapter = root / "docs" / "chapter.rst"
    title = m(f"Chapter {INJECTED}")
    text = chapter.read_text(encoding="utf-8").replace(
        "=======\nChapter\n=======", f"{'=' * len(title)}\n{title}\n{'=' * len(title)}")
    section = m("A section </script><script>alert(2)</script>")
    text = text.replace("A section\n=========", f"{section}\n{'=' * len(section)}")
    text = text.replace("A reference to :ref:`chapter-section`.",
                        "A reference to :ref:`chapter-section`.\n\n"
                        f"A noted sentence.\\ :note:`Tiny2000book, s.v. {m('<span class=x>unclosed')}`\n\n"
                        "Another noted sentence.\\ :note:`Tiny2000book, p. 3`")
    chapter.write_text(text, encoding="utf-8")
    replace_in(root / "references.bib", "{A Tiny Book},", "{" + m("A Tiny <span>Book <b onmouseover=alert(3)>") + "},")


def test_markup_in_titles_and_notes_is_printed_as_text_everywhere(tiny_good, tiny, tmp_path, chromium):
    import shutil

    baseline = tmp_path / "baseline"
    shutil.copytree(tiny_good.root, baseline, symlinks=True)
    inject(baseline, markup=False)
    inject(tiny)
    for root in (baseline, tiny):
        result = run_build(root)
        assert result.returncode == 0, result.output
    site = tiny / "_build" / "html"
    clean = site_files(baseline / "_build" / "html")
    pages = site_files(site)
    assert set(pages) == set(clean)
    for name, html in pages.items():
        # Nothing the same book without the markup does not have: no <img
        # onerror>, no <script> from a title, no <span> or <b> from references.bib.
        new = markup_of(html) - markup_of(clean[name])
        assert not new, f"{name}: markup the sources did not ask for: {sorted(new)}"
        assert not re.search(r"<img src=x|<script>alert|<b onmouseover|<span class=x|<span>Book", html), name
        assert all("alert" not in script for script in inline_scripts(html)), name
    chapter = BeautifulSoup((site / "chapter.html").read_text(encoding="utf-8"), "html.parser")
    page_text = chapter.get_text()
    assert INJECTED in page_text and "<b onmouseover=alert(3)>" in page_text
    # The note after the unclosed <span> is a note of its own, not swallowed.
    notes = [" ".join(n.get_text().split()) for n in chapter.select("aside.footnote")]
    assert any("s.v. <span class=x>unclosed" in n for n in notes), notes
    assert any(n.endswith("3.") and "unclosed" not in n for n in notes), notes
    # The cite box's formats: only the few tags a CSL processor writes.
    for label, formats in cite_data(site).items():
        for key, _name, content, is_code in formats:
            if is_code:
                continue
            tags = {tag.lower() for tag in re.findall(r"</?([A-Za-z][\w-]*)", content)}
            assert tags <= CSL_TAGS, (label, key, content)
            assert "&lt;img src=x" in content.lower() or label != "chapter", (label, key, content)
    # The downloads hold the title as text.
    csl = json.loads((site / "_static" / "cite" / "chapter.json").read_text(encoding="utf-8"))
    assert INJECTED in csl[0]["title"]
    assert INJECTED in (site / "_static" / "cite" / "chapter.bib").read_text(encoding="utf-8")
    assert INJECTED in (site / "_static" / "cite" / "chapter.ris").read_text(encoding="utf-8")
    # In a browser: the cite box built by cite.js has no element from the title.
    with browse.serve(site) as base:
        context = chromium.new_context()
        page = context.new_page()
        alerts = []
        page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
        page.goto(base + "chapter.html")
        page.locator("details.cite-this summary").first.click()
        page.locator("details.cite-this[open] .cite-format[data-format='apa']").first.wait_for()
        found = page.evaluate("""() => [document.querySelectorAll('img[src="x"], [onerror], [onmouseover]').length,
            document.querySelector("details.cite-this[open] .cite-format[data-format='apa'] .cite-text").textContent]""")
        context.close()
    assert found[0] == 0 and INJECTED in found[1], found
    assert not alerts, alerts


# -- 2. Addresses: http, https, mailto, doi or relative; no raw HTML ---------------------------------


@pytest.mark.parametrize("where, old, new, expected", [
    ("docs/chapter.rst", "A reference to", "A `link <javascript:alert(1)>`_ and a reference to",
     "the scheme 'javascript:'"),
    ("docs/chapter.rst", "A reference to", "A `link <data:text/html;base64,PHNjcmlwdD4=>`_ and a reference to",
     "the scheme 'data:'"),
    ("docs/chapter.rst", "A reference to", "A `link <vbscript:x>`_ and a reference to", "the scheme 'vbscript:'"),
    ("docs/chapter.rst", "A reference to", "A `link <file:///etc/passwd>`_ and a reference to",
     "the scheme 'file:'"),
    ("docs/chapter.rst", "A reference to", ".. raw:: html\n\n   <script>alert(1)</script>\n\nA reference to",
     "raw html is not allowed"),
    ("docs/chapter.rst", "A reference to",
     ".. role:: raw-html(raw)\n   :format: html\n\nSome :raw-html:`<b>x</b>` text.\n\nA reference to",
     "a raw role in html format is not allowed"),
    ("references.bib", "  year      = {2000},", "  year      = {2000},\n  url       = {javascript:alert(1)},",
     "field 'url': the address 'javascript:alert(1)' has the scheme 'javascript:'"),
    ("docs/index.rst", "   chapter\n", "   chapter\n   Click me <javascript://%0Aalert(1)>\n",
     "the table of contents' entry: the address 'javascript://%0Aalert(1)' has the scheme 'javascript:'"),
    ("docs/chapter.rst", "A reference to", ".. meta::\n   :http-equiv=refresh: 0; url=https://example.org/\n\nA reference to",
     ".. meta:: field 'http-equiv=refresh' is not allowed in the book"),
    ("docs/chapter.rst", "A reference to", ".. image:: https://example.org/x.png\n   :target: javascript:alert(1)\n\nA reference to",
     "the scheme 'javascript:'"),
], ids=["javascript", "data", "vbscript", "file", "raw-html", "raw-role", "bib-url", "toctree", "meta", "image-target"])
def test_unsafe_addresses_and_raw_html_are_refused(tiny, snapshot, where, old, new, expected):
    before = snapshot(tiny)
    line = replace_in(tiny / where, old, new)
    if where == "references.bib":
        line += 1  # the url field, after the year
    if ".. role::" in new:
        line += 3  # where the role is used
    if where == "docs/index.rst" or ".. meta::" in new:
        line += 1  # the entry, after the chapter; the meta field, after the directive
    result = run_build(tiny)
    assert_failed_cleanly(tiny, result, f"{Path(where).name}:{line}:", expected)
    assert result.output.count(expected) == 1, f"one line for one bad input:\n{result.output}"
    assert snapshot(tiny) == before


def test_a_named_link_with_a_bad_address_is_refused_once_where_it_is_defined(tiny, snapshot):
    before = snapshot(tiny)
    line = replace_in(tiny / "docs" / "chapter.rst", "A reference to",
                      "See evt_ for more.\n\n.. _evt: vbscript:msgbox(1)\n\nA reference to")
    result = run_build(tiny)
    assert_failed_cleanly(tiny, result, f"chapter.rst:{line + 2}:", "the scheme 'vbscript:'")
    assert result.output.count("the scheme 'vbscript:'") == 1, result.output
    assert snapshot(tiny) == before


@pytest.mark.parametrize("name, content, written, expected", [
    ("evil.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
     ".. figure:: evil.svg\n   :alt: A figure\n\n   A caption.", "the image 'evil.svg' holds '<script'"),
    ("handler.svg", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)" width="10" height="10"/>',
     ".. image:: handler.svg\n   :alt: An image", "the image 'handler.svg' holds 'onload='"),
    ("page.html", "<p><img src=x onerror=alert(1)></p>", "A :download:`page <page.html>` to fetch.",
     "the download 'page.html' is not a kind of file the book offers"),
], ids=["svg-script", "svg-handler", "html-download"])
def test_active_content_is_refused(tiny, snapshot, name, content, written, expected):
    """A file the site would serve from its own origin, without its policy, may not hold script."""
    before = snapshot(tiny)
    (tiny / "docs" / name).write_text(content, encoding="utf-8")
    line = replace_in(tiny / "docs" / "chapter.rst", "A reference to", written + "\n\nA reference to")
    result = run_build(tiny)
    assert_failed_cleanly(tiny, result, f"chapter.rst:{line}:", expected)
    assert snapshot(tiny) == before


@pytest.mark.parametrize("name", ["references.bib", "conf.py", "anchors.json"])
def test_a_top_level_source_that_is_a_link_is_refused_in_one_line(tiny, snapshot, tmp_path, name):
    before = snapshot(tiny)
    if not (tiny / name).exists():
        (tiny / name).write_text("{}\n", encoding="utf-8")
    copy = tmp_path / f"outside-{name}"
    copy.write_bytes((tiny / name).read_bytes())
    (tiny / name).unlink()
    (tiny / name).symlink_to(copy)
    result = run_build(tiny)
    assert_failed_cleanly(tiny, result, f"{name}:1: a symbolic link", "put the file itself here")
    assert "Traceback" not in result.output, result.output
    assert snapshot(tiny) == before


def test_an_editorial_mark_that_is_not_a_name_is_refused(tiny, snapshot):
    """An editorial mark's name goes into HTML ids and links: a name only."""
    before = snapshot(tiny)
    line = replace_in(tiny / "docs" / "chapter.rst", "A reference to",
                      'A corrected claim.\\ :ednote:`x" onmouseover="alert(1)`\n\nA reference to')
    result = run_build(tiny)
    assert_failed_cleanly(tiny, result, f"chapter.rst:{line}:", "is not a name",
                          "lower-case letters, digits and hyphens")
    assert snapshot(tiny) == before


def test_raw_latex_is_still_allowed(tiny):
    replace_in(tiny / "docs" / "chapter.rst", "A reference to", ".. raw:: latex\n\n   \\clearpage\n\nA reference to")
    result = run_build(tiny, "pdf")
    assert result.returncode == 0, result.output


# -- 3. The Content-Security-Policy -----------------------------------------------------------------


def policy_of(html: str) -> dict[str, list[str]]:
    meta = BeautifulSoup(html, "html.parser").find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert meta is not None, "no Content-Security-Policy"
    return {part.split()[0]: part.split()[1:] for part in meta["content"].split(";") if part.strip()}


def test_every_page_has_a_policy_that_forbids_inline_script(tiny_good, chromium):
    site = tiny_good.html
    pages = sorted(p for p in site.rglob("*.html"))
    assert {"index.html", "chapter.html", "search.html", "genindex.html"} <= {p.name for p in pages}
    for page in pages:
        html = page.read_text(encoding="utf-8")
        policy = policy_of(html)
        assert policy["script-src"][0] == "'self'", policy
        assert all(source.startswith("'sha256-") for source in policy["script-src"][1:]), policy
        assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"], policy
        assert policy["default-src"] == ["'self'"], policy
        assert not any(re.search(r"https?:|\*", " ".join(v)) for v in policy.values()), policy
        # Each inline script (furo's theme script only) is allowed by its hash.
        for script in inline_scripts(html):
            digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
            assert f"'sha256-{digest}'" in policy["script-src"], (page.name, script)
        assert "document.body.dataset.theme" in "".join(inline_scripts(html)) and len(inline_scripts(html)) == 1
        # The policy comes before any script or style.
        head = html[: html.index("</head>")]
        assert head.index("Content-Security-Policy") < min(
            (head.index(tag) for tag in ("<script", "<style", "<link rel=\"stylesheet\"") if tag in head))
    # In a browser: no violation on any page, the theme switch and the cite box work.
    with browse.serve(site) as base:
        context = chromium.new_context()
        page = context.new_page()
        page.add_init_script("document.addEventListener('securitypolicyviolation', "
                             "e => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))")
        errors = []
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        for path in pages:
            page.goto(base + str(path.relative_to(site)), wait_until="networkidle")
            assert page.evaluate("document.body.dataset.theme") in ("auto", "light", "dark")
        page.goto(base + "chapter.html")
        page.locator("details.cite-this summary").first.click()
        page.locator("details.cite-this[open] .cite-format[data-format='bibtex']").first.wait_for()
        context.close()
    assert not errors, errors


# -- 4. Only the repository's own files -------------------------------------------------------------


@pytest.fixture()
def outside_file(tmp_path) -> Path:
    """A file beside the copy of the book, outside its repository."""
    path = tmp_path / "secret.txt"
    path.write_text("A secret from outside the repository.\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("directive, expected", [
    (".. include:: {rel}", "the included file '{rel}' is outside the book's sources (docs/)"),
    (".. include:: <{abs}>", "the included file '<{abs}>' is not one of docutils' standard files"),
    (".. literalinclude:: {rel}", "the included file '{rel}' is outside the book's sources (docs/)"),
    (".. literalinclude:: ../conf.py", "the included file '../conf.py' is outside the book's sources (docs/)"),
    (".. csv-table:: A table\n   :file: {rel}", "the table's file '{rel}' is outside the book's sources (docs/)"),
    (".. raw:: latex\n   :file: {rel}", "raw :file: is not allowed"),
    (".. raw:: latex\n\n   \\input{{{abs}}}", "raw latex may use only"),
    ("A formula :math:`\\input{{{abs}}}` here.", "math may use only the commands of formulas, not \\input"),
    (".. math::\n\n   x \\write18{{ls}}", "math may use only the commands of formulas, not \\write"),
    (".. image:: {rel}", "the image '{rel}' is outside the book's sources (docs/)"),
    (".. figure:: {rel}\n   :alt: A figure\n\n   A caption.", "the image '{rel}' is outside the book's sources (docs/)"),
    ("A :download:`file <{rel}>` to fetch.", "the download '{rel}' is outside the book's sources (docs/)"),
], ids=["include", "standard-include", "literalinclude", "repository-file", "csv-table", "raw-file", "raw-input",
        "math-role", "math-directive", "image", "figure", "download"])
def test_a_path_outside_the_repository_is_refused(tiny, snapshot, outside_file, directive, expected):
    before = snapshot(tiny)
    rel = os.path.relpath(outside_file, tiny / "docs")
    line = replace_in(tiny / "docs" / "chapter.rst", "A reference to",
                      directive.format(rel=rel, abs=outside_file) + "\n\nA reference to")
    result = run_build(tiny)
    assert_failed_cleanly(tiny, result, f"chapter.rst:{line}:", expected.format(rel=rel, abs=outside_file))
    assert "secret from outside" not in result.output
    assert snapshot(tiny) == before


def test_a_symbolic_link_under_docs_is_refused(tiny, snapshot, outside_file):
    before = snapshot(tiny)
    (tiny / "docs" / "secret.rst").symlink_to(outside_file)
    result = run_build(tiny)
    assert_failed_cleanly(tiny, result, "docs/secret.rst:1:", "a symbolic link", "put the file itself here")
    assert snapshot(tiny) == before


# -- 5. Accepted silently before: a % in a title, an empty note, an impossible year -----------------


def test_a_percent_sign_in_a_bib_title_is_refused(tiny, snapshot):
    before = snapshot(tiny)
    line = replace_in(tiny / "references.bib", "{A Tiny Book},", "{A Tiny Book of 50% Facts},")
    result = run_build(tiny)
    assert_failed_cleanly(tiny, result, f"references.bib:{line}:", "field 'title'", "a '%' starts a comment",
                          '"A Tiny Book of 50" is all that would print', "write '\\%'")
    assert snapshot(tiny) == before


def test_an_escaped_percent_sign_prints_the_whole_title(tiny):
    replace_in(tiny / "references.bib", "{A Tiny Book},", "{A Tiny Book of 50\\% Facts},")
    replace_in(tiny / "docs" / "chapter.rst", "A reference to",
               "A noted sentence.\\ :note:`Tiny2000book, p. 3`\n\nA reference to")
    result = run_build(tiny)
    assert result.returncode == 0, result.output
    site = tiny / "_build" / "html"
    for name, html in site_files(site).items():
        if "Tiny Book" in html:
            text = " ".join(BeautifulSoup(html, "html.parser").get_text().split())
            assert "Book of 50% Facts" in text, name


@pytest.mark.parametrize("written, why", [
    (":note:``", "its text is empty"),
    (":note:` Tiny2000book`", "its text starts with a space"),
], ids=["empty", "leading-space"])
def test_a_note_that_is_not_a_role_is_refused(tiny, snapshot, written, why):
    before = snapshot(tiny)
    line = replace_in(tiny / "docs" / "chapter.rst", "A reference to",
                      f"A noted sentence.\\ {written}\n\nA reference to")
    result = run_build(tiny)
    assert_failed_cleanly(tiny, result, f"chapter.rst:{line}:", ":note:` is not a role", why,
                          "write :note:`Key2000word, p. 12`")
    assert snapshot(tiny) == before


@pytest.mark.parametrize("year", ["1699", "latest+1"], ids=["too-early", "too-late"])
def test_an_event_year_outside_the_book_is_refused(timeline_copy, snapshot, year):
    import time
    latest = time.gmtime(int(os.environ["SOURCE_DATE_EPOCH"])).tm_year + 1
    year = str(latest + 1) if year == "latest+1" else year
    before = snapshot(timeline_copy)
    line = replace_in(timeline_copy / "docs" / "early.rst", ".. event:: 1933-11", f".. event:: {year}-11")
    result = run_build(timeline_copy)
    assert result.returncode != 0, result.output
    assert f"early.rst:{line}:" in result.output, result.output
    assert f"event date '{year}-11' is outside the years this book can tell (1700 to {latest})" in result.output
    assert snapshot(timeline_copy) == before


# -- 6. anchors.json -------------------------------------------------------------------------------


GOOD_REGISTRY = '{\n  "anchors": {\n    "chapter": {"page": "chapter.html"},\n' \
                '    "chapter-section": {"page": "chapter.html"}\n  }\n}\n'


@pytest.mark.parametrize("registry, line, expected", [
    (GOOD_REGISTRY.replace('"chapter.html"}\n  }', '"chapter.html"},\n  }'), 5, "not valid JSON"),
    (GOOD_REGISTRY.replace('{"page": "chapter.html"},', '"chapter.html",'), 3, "entry 'chapter' is not an object"),
    (GOOD_REGISTRY.replace('{"page": "chapter.html"}\n', '{"page": 3}\n'), 4, "\"page\" is 3"),
    (GOOD_REGISTRY.replace('"chapter-section": {"page": "chapter.html"}',
                           '"chapter-section": {"page": "chapter.html", "redirect": "javascript:alert(1)//#x"}'), 4,
     "\"redirect\" is 'javascript:alert(1)//#x'; write where readers should land"),
    (GOOD_REGISTRY.replace('"chapter-section": {"page": "chapter.html"}',
                           '"chapter-section": {"page": "chapter.html", "redirect": "x.html#a</script><script>"}'), 4,
     "\"redirect\" is 'x.html#a</script><script>'"),
    (GOOD_REGISTRY.replace('"chapter-section": {"page": "chapter.html"}',
                           '"chapter-section": {"page": "chapter.html"},\n'
                           '    "moved": {"page": "chapter.html", "redirect": "nowhere.html#chapter"}'), 5,
     "entry 'moved' redirects to 'nowhere.html#chapter', but the book has no page 'nowhere.html'"),
], ids=["not-json", "entry-not-object", "page-not-string", "javascript-redirect", "script-redirect",
        "redirect-to-missing-page"])
def test_a_bad_anchor_registry_is_refused(tiny, snapshot, registry, line, expected):
    before = snapshot(tiny)
    (tiny / "anchors.json").write_text(registry, encoding="utf-8")
    result = run_build(tiny)
    assert_failed_cleanly(tiny, result, f"anchors.json:{line}:", expected)
    assert snapshot(tiny) == before


def test_a_redirect_is_data_for_a_static_script(tiny, chromium):
    (tiny / "anchors.json").write_text(GOOD_REGISTRY.replace(
        '"chapter-section": {"page": "chapter.html"}',
        '"chapter-section": {"page": "chapter.html"},\n'
        '    "old-section": {"page": "chapter.html", "redirect": "chapter.html#chapter-section"},\n'
        '    "lost": {"page": "gone.html", "redirect": "chapter.html#chapter"}'), encoding="utf-8")
    result = run_build(tiny, "html")
    assert result.returncode == 0, result.output
    site = tiny / "_build" / "html"
    for name in ("chapter.html", "gone.html"):
        html = (site / name).read_text(encoding="utf-8")
        assert all("dataset.theme" in script for script in inline_scripts(html)), name  # furo's only
        assert "Content-Security-Policy" in html
        script = BeautifulSoup(html, "html.parser").find("script", src=re.compile("redirect.js$"))
        assert script is not None and json.loads(script["data-moved"]), name
    with browse.serve(site) as base:
        context = chromium.new_context()
        page = context.new_page()
        page.goto(base + "chapter.html#old-section")
        page.wait_for_url(re.compile(r"chapter\.html#chapter-section$"))
        page.goto(base + "gone.html#lost")
        page.wait_for_url(re.compile(r"chapter\.html#chapter$"))
        context.close()


# -- A second attack's findings: every way into LaTeX, every kind of file the site serves ------------


@pytest.mark.parametrize("written, offset, expected", [
    (".. literalinclude:: chapter.rst\n   :diff: {rel}", 0, "the included file '{rel}' is outside the book's sources"),
    (".. role:: rl(raw)\n   :format: latex\n\nRaw :rl:`\\input{{{abs}}}` here.", 3, "raw latex may use only"),
    (".. math::\n   :label: x}}\\llap{{\\input{{{abs}}}}}\\def\\y{{\n\n   a+b", 0, "is not a name"),
    (".. tabularcolumns:: >{{\\input{{{abs}}}}}l l\n\n.. list-table::\n\n   * - a\n     - b", 0,
     "tabularcolumns may use only column types"),
    (".. meta::\n   :description: A page.\n   :name=refresh: 0; url=https://example.org/", 2,
     ".. meta:: field 'name=refresh' is not allowed"),
    (".. meta::\n   :property=og:url: https://example.org/", 1, "field 'property=og:url' is not allowed"),
], ids=["literalinclude-diff", "raw-role", "math-label", "tabularcolumns", "meta-name", "meta-property"])
def test_every_way_into_latex_or_the_page_head_is_checked(tiny, snapshot, outside_file, written, offset, expected):
    before = snapshot(tiny)
    rel = os.path.relpath(outside_file, tiny / "docs")
    line = replace_in(tiny / "docs" / "chapter.rst", "A reference to",
                      written.format(rel=rel, abs=outside_file) + "\n\nA reference to")
    result = run_build(tiny)
    assert_failed_cleanly(tiny, result, f"chapter.rst:{line + offset}:", expected.format(rel=rel))
    assert "secret from outside" not in result.output
    assert snapshot(tiny) == before


SCRIPT_PAGE = '<html xmlns="http://www.w3.org/1999/xhtml"><body><script>alert(1)</script></body></html>'


@pytest.mark.parametrize("name, content, written, expected", [
    ("page.html", SCRIPT_PAGE.encode(), ".. figure:: page.html\n\n   A caption.", "the image 'page.html' is a .html file"),
    ("page.xht", SCRIPT_PAGE.encode(), "A :download:`page <page.xht>` to fetch.",
     "the download 'page.xht' is not a kind of file the book offers"),
    ("u16.svg", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'.encode("utf-16"),
     ".. image:: u16.svg\n   :alt: An image", "holds bytes that are not UTF-8"),
    ("ent.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><a href="&#106;avascript:alert(1)"><rect/></a></svg>',
     ".. image:: ent.svg\n   :alt: An image", "holds 'javascript:'"),
    ("tab.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><a href="java\tscript:alert(1)"><rect/></a></svg>',
     ".. image:: tab.svg\n   :alt: An image", "holds 'javascript:'"),
    ("set.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><a><set attributeName="href" to="x"/></a></svg>',
     ".. image:: set.svg\n   :alt: An image", "holds '<set attributeName=\"href'"),
], ids=["html-image", "xhtml-download", "utf16-svg", "entity-svg", "tab-svg", "set-svg"])
def test_a_file_the_site_would_serve_as_a_page_is_refused(tiny, snapshot, name, content, written, expected):
    before = snapshot(tiny)
    (tiny / "docs" / name).write_bytes(content)
    line = replace_in(tiny / "docs" / "chapter.rst", "A reference to", written + "\n\nA reference to")
    result = run_build(tiny)
    assert_failed_cleanly(tiny, result, f"chapter.rst:{line}:", expected)
    assert snapshot(tiny) == before


def test_a_page_among_the_static_files_is_refused(tiny, snapshot):
    before = snapshot(tiny)
    (tiny / "docs" / "_static" / "evil.html").write_text(SCRIPT_PAGE, encoding="utf-8")
    result = run_build(tiny)
    assert_failed_cleanly(tiny, result, "_static/evil.html:1: a .html file among the site's static files")
    assert snapshot(tiny) == before
