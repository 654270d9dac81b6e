"""Reproducible: two clean builds of one commit, in two folders, are byte-identical.

A second copy of the sources is built from nothing in another temporary
folder, with the same SOURCE_DATE_EPOCH (the last commit's, as ``make``
uses), and every file of its site (HTML, search index, static files, the
PDF and the EPUB) is compared byte for byte with the session's build.
"""

from __future__ import annotations

import hashlib

from conftest import copy_sources, run_build


def digests(site) -> dict[str, str]:
    return {
        str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*")) if p.is_file()
    }


def test_two_builds_in_different_folders_are_identical(book, tmp_path_factory):
    other = run_build(copy_sources(tmp_path_factory.mktemp("second-build")), "all")
    assert other.returncode == 0, other.output
    first, second = digests(book.html), digests(other.html)
    only_first = sorted(set(first) - set(second))
    only_second = sorted(set(second) - set(first))
    differ = sorted(name for name in set(first) & set(second) if first[name] != second[name])
    report = (
        [f"only in the session build: {name}" for name in only_first]
        + [f"only in the second build: {name}" for name in only_second]
        + [f"differs: {name}" for name in differ]
    )
    assert not report, "\n".join(report)
