"""An edition's archive: the files its cut built, kept in the repository and
served unchanged by every later build (scripts/edition_site.py).

    editions/<version>/manifest.json   version, name, date, commit; the sha256 of every file of site/
    editions/<version>/sections.json   each labelled section: page, title, text (for what changed)
    editions/<version>/site/           the edition as served under <version>/: HTML, PDF, EPUB, ...

An edition is built once, when it is cut (scripts/editions.py), from its own
commit; ``make`` then copies its ``site/`` into the site by hard links and
reads its sections from ``sections.json``, and never builds it again.  So an
edition stays on the site, byte for byte, after its commit's toolchain (its
lock file, its Python, its TeX Live) can no longer be installed.

What the site around it says of it that can change (a newer edition exists;
this section in the latest; what changed in it since) is not written into
its pages: each page carries, from its cut, a fixed line naming its edition,
a link to the latest and to every edition (``../index.html``,
``../editions.html``), an empty place after each section's heading, and
``<script src="../book-editions.js">``, which the latest's build writes from
the record (edition_site.py) and which fills those places.  A reader without
scripts still has the fixed line and its links.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
from pathlib import Path

import edition_changes
from edition_record import ARCHIVES, Edition, EditionError, book_digest

MANIFEST = "manifest.json"
SECTIONS = "sections.json"
SITE = "site"
# The file at the site's root that every archived page reads (edition_site.py writes it).
INDEX_SCRIPT = "book-editions.js"
EDITIONS_PAGE = "editions.html"

STYLE = """<style>
.book-edition{clear:both;margin:0 0 1rem;padding:.5rem .75rem;border:1px solid currentColor;border-radius:.25rem;font-size:.875rem}
.book-edition p{margin:.25rem 0}
.book-edition-section{font-size:.8125rem;margin:.25rem 0 .75rem}
</style>
"""
ARTICLE = '<article role="main" id="furo-main-content">'
# A section's heading, with the empty spans (labels) before it; a label that
# is also the heading's slug is the section's own id.
SECTION_HEADING = re.compile(r'<section id="([^"]+)">\s*((?:<span id="[^"]+"></span>)*)<h([1-6])\b.*?</h\3>', re.S)


def ids_of(match: re.Match) -> list[str]:
    return re.findall(r'id="([^"]+)"', match.group(2)) + [match.group(1)]


def folder(root: Path, version: str) -> Path:
    return root / ARCHIVES / version


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(site: Path) -> dict[str, str]:
    """{path: sha256} of every file under *site*; refuses anything but plain files and folders."""
    found = {}
    for path in sorted(site.rglob("*")):
        relative = path.relative_to(site).as_posix()
        if path.is_symlink():
            raise EditionError(f"{relative}: a symbolic link in an edition's files (an archive holds only its own files)")
        if path.is_file():
            found[relative] = _sha256(path)
    return found


def stamp(text: str, edition: Edition, labels: set[str], earlier: list[Edition]) -> str:
    """*text*, a page of *edition*, with what the archive adds: the fixed line
    naming the edition and the editions before it (all that never changes),
    an empty place after each labelled heading, and the script that fills
    them from the site's record."""
    before = " · ".join(f'<a href="../{html.escape(e.version)}/index.html">{html.escape(e.version)}</a>' for e in earlier)
    banner = (
        f'<aside class="book-edition" aria-label="Edition" data-edition="{html.escape(edition.version)}">'
        f"<p>You are reading the {html.escape(edition.name)}, version {html.escape(edition.version)}, "
        f"{html.escape(edition.date_long)}.</p>"
        + (f'<p class="book-edition-earlier">Earlier editions: {before}.</p>' if before else "")
        + f'<p><a href="../index.html">The latest edition</a> · '
        f'<a href="../{EDITIONS_PAGE}">Every edition, and what changed between them</a></p></aside>'
    )

    def place(match: re.Match) -> str:
        label = next((i for i in ids_of(match) if i in labels), None)
        if label is None:
            return match.group(0)
        return match.group(0) + f'\n<p class="book-edition-section" data-label="{html.escape(label)}" hidden></p>'

    text = SECTION_HEADING.sub(place, text)
    if ARTICLE in text:
        text = text.replace(ARTICLE, ARTICLE + "\n" + banner, 1)
    elif "<body>" in text:
        text = text.replace("<body>", "<body>\n" + banner, 1)
    script = f'<script src="../{INDEX_SCRIPT}" defer></script>\n'
    return text.replace("</head>", STYLE + script + "</head>", 1)


def make(root: Path, edition: Edition, built: Path, earlier: list[Edition]) -> str:
    """Archive *built* (the edition's site as its build wrote it) as *edition*;
    return the digest to record.  Nothing is left half-written: the archive
    is made beside its place and renamed into it."""
    dest = folder(root, edition.version)
    if dest.exists():
        raise EditionError(f"{dest.relative_to(root)}/ exists already: an edition is archived once")
    sections = edition_changes.sections_of(built)
    by_page: dict[str, set[str]] = {}
    for label, section in sections.items():
        by_page.setdefault(section.page, set()).add(label)
    tmp = dest.with_name(f".{edition.version}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        shutil.copytree(built, tmp / SITE, symlinks=True)
        for page in sorted((tmp / SITE).glob("*.html")):
            text = page.read_text(encoding="utf-8")
            page.write_text(stamp(text, edition, by_page.get(page.name, set()), earlier), encoding="utf-8")
        (tmp / SECTIONS).write_text(
            json.dumps({label: vars(s) for label, s in sorted(sections.items())}, ensure_ascii=False, indent=0) + "\n",
            encoding="utf-8")
        manifest = {"version": edition.version, "name": edition.name, "date": edition.date,
                    "commit": edition.commit, "book": book_digest(root, edition.commit),
                    "sections": _sha256(tmp / SECTIONS), "files": _files(tmp / SITE)}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        digest = "sha256:" + _sha256(tmp / MANIFEST)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return digest


def verify(root: Path, edition: Edition) -> Path:
    """The archived site of *edition*, checked against the record; or an EditionError."""
    dest = folder(root, edition.version)
    where = f"{ARCHIVES}/{edition.version}/"
    if not edition.archive:
        raise EditionError(f"editions.json: version {edition.version} has no archive: run "
                           f"`.venv/bin/python scripts/editions.py archive {edition.version}` (builds it once "
                           "from its commit and records the digest)")
    if dest.is_symlink() or not (dest / MANIFEST).is_file():
        raise EditionError(f"{where}: the archive of version {edition.version} is missing "
                           f"(git checkout HEAD -- {where} restores it)")
    manifest_bytes = (dest / MANIFEST).read_bytes()
    if "sha256:" + hashlib.sha256(manifest_bytes).hexdigest() != edition.archive:
        raise EditionError(f"{where}{MANIFEST}: does not match the digest editions.json records for version "
                           f"{edition.version}: the archive was changed or swapped")
    manifest = json.loads(manifest_bytes)
    for name in ("version", "name", "date", "commit"):
        if manifest.get(name) != getattr(edition, name):
            raise EditionError(f"{where}{MANIFEST}: {name} is {manifest.get(name)!r}, but editions.json records "
                               f"{getattr(edition, name)!r} for version {edition.version}")
    site = dest / SITE
    if site.is_symlink() or not site.is_dir():
        raise EditionError(f"{where}{SITE}/ is missing")
    files = _files(site)
    if files != manifest["files"]:
        changed = sorted(set(files) ^ set(manifest["files"]) | {f for f in files if manifest["files"].get(f) not in (None, files[f])})
        raise EditionError(f"{where}{SITE}/: differs from its manifest: {', '.join(changed[:5])}"
                           + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
                           + f" (git checkout HEAD -- {where} restores it)")
    if not (dest / SECTIONS).is_file() or _sha256(dest / SECTIONS) != manifest.get("sections"):
        raise EditionError(f"{where}{SECTIONS}: missing, or differs from its manifest")
    return site


def manifest(root: Path, edition: Edition) -> dict:
    return json.loads((folder(root, edition.version) / MANIFEST).read_text(encoding="utf-8"))


def sections(root: Path, edition: Edition) -> dict[str, edition_changes.Section]:
    data = json.loads((folder(root, edition.version) / SECTIONS).read_text(encoding="utf-8"))
    return {label: edition_changes.Section(**fields) for label, fields in data.items()}
