"""The search index of an incremental build is that of a clean build.

Sphinx (up to 9.0, bug #12599) collects the index entries of the search
index (``indexentries`` in searchindex.js) while it writes each page, after
it has saved the environment: a page that is not written again in an
incremental build loses them, and a build with nothing changed empties them
all.  This module keeps the entries that the last build wrote, beside the
doctrees, and gives them back to the environment before the pages are
written; the pages written again replace theirs, and pages gone from the
book lose theirs.
"""

from __future__ import annotations

import json
from pathlib import Path

from sphinx.application import Sphinx

STORE = "book-search-index-entries.json"


def _store(app: Sphinx) -> Path:
    return Path(app.doctreedir) / STORE


def restore(app: Sphinx, env) -> None:
    """At env-updated: the entries of every page, as the last build wrote them."""
    if app.builder.format != "html" or not _store(app).is_file():
        return
    try:
        saved = json.loads(_store(app).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    entries = env._search_index_index_entries
    for docname, items in saved.items():
        if docname in env.all_docs:
            entries[docname] = [tuple(item) for item in items]
    for docname in list(entries):
        if docname not in env.all_docs:
            del entries[docname]


def save(app: Sphinx, exception) -> None:
    """At build-finished: keep what this build wrote, for the next one."""
    if exception is not None or app.builder.format != "html":
        return
    entries = getattr(app.env, "_search_index_index_entries", None)
    if entries is None:
        return
    _store(app).write_text(json.dumps({d: [list(e) for e in v] for d, v in sorted(entries.items())},
                                      ensure_ascii=False), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("env-updated", restore)
    app.connect("build-finished", save)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
