"""The files outside docs/ that change pages are dependencies of those pages.

``anchors.json`` (the redirects that a page of moved sections carries,
docs/_ext/book/citing/redirects.py) and ``editions.json`` (the PDF's list of
what changed since the previous edition) are read at build time; Sphinx
would not read a page again when only they change, and an incremental build
would keep pages that a clean build writes otherwise.  When either file's
bytes differ from the last build's, every page is read again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sphinx.application import Sphinx

FILES = ("anchors.json", "editions.json")


def _digest(confdir: Path) -> str:
    h = hashlib.sha256()
    for name in FILES:
        path = confdir / name
        h.update(name.encode() + b"\0")
        h.update(path.read_bytes() if path.is_file() else b"(none)")
    return h.hexdigest()


def outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    digest = _digest(Path(app.confdir))
    previous = getattr(env, "book_dependencies_digest", None)
    env.book_dependencies_digest = digest
    if previous is not None and previous != digest:
        return sorted(env.found_docs)
    return []


def setup(app: Sphinx) -> dict:
    app.connect("env-get-outdated", outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
