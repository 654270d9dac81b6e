"""Redirects for anchors that moved to another page (anchors.json).

The anchor registry (``book_anchors_file``, anchors.json) records every
published anchor and its page; an entry with ``"redirect": "<page>.html#<label>"``
has moved.  A page that still exists gets a small script that sends readers
of a moved anchor on; a published page that no longer exists is written as a
small page that does the same, with plain links.  The web edition only.  It
changes when the way moved anchors are redirected changes.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from sphinx.application import Sphinx


def _redirects(app: Sphinx) -> dict[str, dict[str, str]]:
    """{old page: {anchor: new "page.html#anchor"}} from the anchor registry."""
    path = Path(app.confdir, app.config.book_anchors_file) if app.config.book_anchors_file else None
    if path is None or not path.is_file():
        return {}
    registry = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, dict[str, str]] = {}
    for anchor, entry in registry.get("anchors", {}).items():
        if entry.get("redirect"):
            out.setdefault(entry["page"], {})[anchor] = entry["redirect"]
    return out


def _redirect_script(moves: dict[str, str]) -> str:
    return (
        "<script>(function(){var moved=" + json.dumps(moves, sort_keys=True)
        + ";var to=moved[location.hash.slice(1)];if(to)location.replace(to);})();</script>\n"
    )


def _write_redirect_pages(app: Sphinx, exception) -> None:
    """A small page for every published page that no longer exists."""
    if exception or app.builder.format != "html" or app.builder.name == "epub":
        return
    for page, moves in _redirects(app).items():
        path = Path(app.outdir) / page
        if path.exists():
            continue
        links = "".join(f'<li><a href="{html.escape(t)}">{html.escape(a)}</a></li>' for a, t in sorted(moves.items()))
        path.write_text(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Moved</title>"
            + _redirect_script(moves)
            + f"</head><body><p>This page has moved.</p><ul>{links}</ul></body></html>\n",
            encoding="utf-8",
        )


def _add_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name == "epub" or app.builder.format != "html":
        return
    moves = _redirects(app).get(f"{pagename}.html")
    if moves:
        context["metatags"] = context.get("metatags", "") + _redirect_script(moves)


def setup(app: Sphinx) -> dict:
    app.add_config_value("book_anchors_file", "", "html", types=[str])
    app.connect("build-finished", _write_redirect_pages)
    # Priority 450: before citemeta and pagemeta add their tags, so that the
    # redirect comes first among the page's meta tags.
    app.connect("html-page-context", _add_script, priority=450)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
