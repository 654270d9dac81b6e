"""Redirects for anchors that moved to another page (anchors.json).

The anchor registry (``book_anchors_file``, anchors.json) records every
published anchor and its page; an entry with ``"redirect": "<page>.html#<label>"``
has moved.  A page that still exists loads ``_static/redirect.js``, which
sends readers of a moved anchor on (the moves are in the script element's
``data-moved`` attribute, JSON escaped for an attribute: no inline script);
a published page that no longer exists is written as a small page that does
the same, with plain links.  The web edition only.

The registry is read strictly, by every builder before it reads a page: it
must be JSON, ``{"anchors": {label: {"page": "<page>.html", "redirect": ...}}}``,
and a redirect must be a relative ``<page>.html#<label>`` (no scheme, no
``javascript:``, no other host, no ``..``) to a page the book has, where that
label is defined.  Anything else stops the build with ``anchors.json:<line>``
and what to write instead.  It changes when the way moved anchors are
redirected changes.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

PAGE = re.compile(r"^[A-Za-z0-9][\w-]*(?:/[A-Za-z0-9][\w-]*)*\.html$")
TARGET = re.compile(r"^(?P<page>[A-Za-z0-9][\w-]*(?:/[A-Za-z0-9][\w-]*)*\.html)#(?P<label>[A-Za-z0-9][\w.-]*)$")
KEYS = {"page", "redirect"}
LABEL = re.compile(r"^[A-Za-z0-9][\w.-]*$")


class RegistryError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def _line_of_key(text: str, key: str, after: int = 0) -> int:
    match = re.search(r'"' + re.escape(json.dumps(key)[1:-1]) + r'"\s*:', text[after:])
    return text.count("\n", 0, after + match.start()) + 1 if match else 1


def parse_registry(text: str) -> dict[str, dict[str, str]]:
    """anchors.json's text -> {label: entry}; RegistryError(line, what to write) if malformed."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RegistryError(exc.lineno, f"not valid JSON ({exc.msg}, column {exc.colno}); "
                            'write {"anchors": {"<label>": {"page": "<page>.html"}, ...}}') from None
    if not isinstance(data, dict) or not isinstance(data.get("anchors"), dict):
        raise RegistryError(1, 'the registry must be an object with "anchors", an object of labels: '
                            'write {"anchors": {"<label>": {"page": "<page>.html"}, ...}}')
    anchors_at = text.find('"anchors"')
    for label, entry in data["anchors"].items():
        line = _line_of_key(text, label, max(anchors_at, 0))
        where = f"entry {label!r}"
        if not LABEL.match(label):
            raise RegistryError(line, f"{where} is not a label: a label is letters, digits and hyphens "
                                '(write "<chapter>-<topic>")')
        if not isinstance(entry, dict):
            raise RegistryError(line, f'{where} is not an object: write "{label}": {{"page": "<page>.html"}}')
        unknown = sorted(set(entry) - KEYS)
        if unknown:
            raise RegistryError(line, f"{where} has unknown field(s) {', '.join(map(repr, unknown))}: "
                                'an entry has "page" and, if it moved, "redirect"')
        page = entry.get("page")
        if not isinstance(page, str) or not PAGE.match(page):
            raise RegistryError(line, f'{where}: "page" is {page!r}; write the page it was published on, '
                                'relative to the site, as "<page>.html"')
        redirect = entry.get("redirect")
        if redirect is not None and (not isinstance(redirect, str) or not TARGET.match(redirect)):
            raise RegistryError(line, f'{where}: "redirect" is {redirect!r}; write where readers should land, '
                                'relative to the site, as "<page>.html#<label>" (no scheme, host or "..")')
    return data["anchors"]


def _registry_path(app: Sphinx) -> Path | None:
    if not app.config.book_anchors_file:
        return None
    path = Path(app.confdir, app.config.book_anchors_file)
    return path if path.is_file() else None


def _registry(app: Sphinx) -> dict[str, dict[str, str]]:
    path = _registry_path(app)
    if path is None:
        return {}
    return parse_registry(path.read_text(encoding="utf-8"))


def _redirects(app: Sphinx) -> dict[str, dict[str, str]]:
    """{old page: {anchor: new "page.html#anchor"}} from the anchor registry."""
    out: dict[str, dict[str, str]] = {}
    for anchor, entry in _registry(app).items():
        if entry.get("redirect"):
            out.setdefault(entry["page"], {})[anchor] = entry["redirect"]
    return out


def _check_registry(app: Sphinx) -> None:
    """Before any page is read: the registry is well formed (every builder)."""
    path = _registry_path(app)
    if path is None:
        return
    try:
        parse_registry(path.read_text(encoding="utf-8"))
    except RegistryError as exc:
        logger.error(str(exc), location=f"{path}:{exc.line}", type="anchors", subtype="syntax")
        raise SystemExit(2) from None


def _check_targets(app: Sphinx, env) -> None:
    """After reading: every redirect leads to a page of the book, and to a
    label defined on it."""
    path = _registry_path(app)
    if path is None:
        return
    text = path.read_text(encoding="utf-8")
    labels = env.get_domain("std").labels
    pages = {f"{docname}.html": docname for docname in env.found_docs}
    anchors_at = max(text.find('"anchors"'), 0)
    for anchor, entry in parse_registry(text).items():
        redirect = entry.get("redirect")
        if not redirect:
            continue
        target = TARGET.match(redirect)
        docname = pages.get(target["page"])
        location = f"{path}:{_line_of_key(text, anchor, anchors_at)}"
        if docname is None:
            logger.error(f"entry {anchor!r} redirects to {redirect!r}, but the book has no page "
                         f"{target['page']!r}: redirect to a section of a page that exists", location=location,
                         type="anchors", subtype="redirect")
        elif labels.get(target["label"], (None,))[0] != docname:
            logger.error(f"entry {anchor!r} redirects to {redirect!r}, but {target['page']!r} defines no label "
                         f"{target['label']!r}: redirect to a label of that page", location=location,
                         type="anchors", subtype="redirect")


def _moved_attribute(moves: dict[str, str]) -> str:
    """The moves as JSON, escaped for an HTML attribute."""
    return html.escape(json.dumps(moves, sort_keys=True), quote=True)


def _redirect_script(moves: dict[str, str], static: str) -> str:
    return f'<script src="{html.escape(static)}redirect.js" data-moved="{_moved_attribute(moves)}"></script>\n'


def _write_redirect_pages(app: Sphinx, exception) -> None:
    """A small page for every published page that no longer exists."""
    if exception or app.builder.format != "html" or app.builder.name == "epub":
        return
    from ..web.csp import policy

    for page, moves in _redirects(app).items():
        path = Path(app.outdir) / page
        if path.exists():
            continue
        static = "../" * page.count("/") + "_static/"
        links = "".join(f'<li><a href="{html.escape(t)}">{html.escape(a)}</a></li>' for a, t in sorted(moves.items()))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy())}"><title>Moved</title>'
            + _redirect_script(moves, static)
            + f"</head><body><p>This page has moved.</p><ul>{links}</ul></body></html>\n",
            encoding="utf-8",
        )


def _add_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name == "epub" or app.builder.format != "html":
        return
    moves = _redirects(app).get(f"{pagename}.html")
    if moves:
        # page.html puts it after the Content-Security-Policy.
        context["book_redirects"] = json.dumps(moves, sort_keys=True)


def setup(app: Sphinx) -> dict:
    app.add_config_value("book_anchors_file", "", "html", types=[str])
    app.connect("builder-inited", _check_registry, priority=100)
    app.connect("env-check-consistency", _check_targets)
    app.connect("build-finished", _write_redirect_pages)
    app.connect("html-page-context", _add_script)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
