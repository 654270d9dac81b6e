"""The site's Content-Security-Policy, and no inline script on any page.

Every page of the HTML site carries ``<meta http-equiv="Content-Security-Policy">``
(docs/_templates/csp.html, included by page.html, which furo's search.html
and genindex.html extend) with :func:`policy`: scripts only from the site's own files,
no plugins, no ``<base>`` elsewhere, nothing from another host.  The
book's own scripts are files in docs/_static (book.js, cite.js,
redirect.js); the one inline script left is furo's, which sets the light or
dark theme before the page is painted (it must stand at the top of
``<body>``, and a file there would cost every page a request over the page
budget): the policy allows it by its SHA-256, computed here from furo's own
template, so an upgrade of furo that changes it changes the hash too.

Styles may be inline (book.css is inlined into every page to save a
request, furo writes its colour variables in a ``<style>``): ``style-src``
allows ``'unsafe-inline'``; images may be ``data:`` (the tab's icon, the
deferred figures' placeholders, furo's icons in its CSS).

After the build, every page of the site is read back: a ``<script>`` without
``src`` whose hash the policy does not name fails the build, naming the page.

A page with no highlighted code (none of the book's) does not load
Sphinx's ``pygments.css``, which styles only ``.highlight`` blocks: the
request it saves is the one book.js takes, within the page budget.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

INLINE_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script>", re.S | re.I)


@lru_cache(maxsize=None)
def furo_theme_script_hashes() -> tuple[str, ...]:
    """'sha256-...' of each inline script in furo's base.html, as it is written."""
    import furo

    template = Path(furo.__file__).parent / "theme" / "furo" / "base.html"
    hashes = []
    for match in INLINE_SCRIPT.finditer(template.read_text(encoding="utf-8")):
        if "src=" in match["attrs"] or "{" in match["body"]:
            continue  # an external file, or text Jinja fills in (not hashable here)
        digest = base64.b64encode(hashlib.sha256(match["body"].encode("utf-8")).digest()).decode("ascii")
        hashes.append(f"'sha256-{digest}'")
    return tuple(hashes)


def policy() -> str:
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' " + " ".join(furo_theme_script_hashes()),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-src 'none'",
    ])


def _context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name not in ("html", "dirhtml"):
        return
    context["book_csp"] = policy()
    if 'class="highlight' not in context.get("body", ""):
        context["css_files"] = [css for css in context.get("css_files", [])
                                if getattr(css, "filename", str(css)).split("?")[0] != "_static/pygments.css"]


def inline_script_problems(outdir: Path) -> list[str]:
    """Each page of *outdir* with an inline script that the policy does not allow."""
    allowed = set(furo_theme_script_hashes())
    problems = []
    for page in sorted(Path(outdir).rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        for match in INLINE_SCRIPT.finditer(text):
            if re.search(r"\ssrc\s*=", match["attrs"]):
                continue
            digest = base64.b64encode(hashlib.sha256(match["body"].encode("utf-8")).digest()).decode("ascii")
            if f"'sha256-{digest}'" not in allowed:
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{page.relative_to(outdir)}:{line}: an inline <script>, which the site's "
                                "Content-Security-Policy forbids: put the script in a file in docs/_static "
                                "and load it with <script src=...>")
    return problems


def _check_pages(app: Sphinx, exception) -> None:
    if exception or app.builder.name not in ("html", "dirhtml"):
        return
    for problem in inline_script_problems(Path(app.outdir)):
        logger.error(problem, type="csp", subtype="inline-script")


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _context)
    # After the redirect pages (redirects.py, priority 500) are written.
    app.connect("build-finished", _check_pages, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
