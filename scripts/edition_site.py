"""Every published edition in the site, beside the latest (scripts/build.py).

The site's root holds the latest: the working tree's build.  Each edition
recorded in editions.json is served under ``<version>/`` from its archive,
``editions/<version>/site/`` (scripts/edition_archive.py), exactly as its cut
built it, copied by hard links: no edition is built again, whatever their
number.  The archive is checked against the record first (its manifest's
digest, version and commit, and every file's sha256).

Around them, when the site is assembled:

- the latest's pages get a line saying which edition they are, with the
  other editions, and under each section's heading links to the section in
  each earlier edition and to what changed since each;
- ``changes/<old>-<new>.html``, what changed between two editions, for each
  edition and the next and for each older one and the latest
  (scripts/edition_changes.py), from the editions' ``sections.json``;
- ``book-editions.js``, the index that every archived page reads to say that
  a newer edition exists and to link each of its sections to the same section
  in the latest and to what changed in it since (following anchors.json's
  redirects when it moved); and ``editions.html``, the list of editions.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import bookinfo
import edition_archive as archive
import edition_changes
import edition_record as record


class SiteError(Exception):
    """An edition could not be placed; the message says why."""


@dataclass(frozen=True)
class Shown:
    """An edition as the site shows it: a recorded one, or the draft at the root."""
    version: str
    name: str
    date_long: str
    folder: str  # "1.0/", or "" for the root
    slug: str  # in the names of the changes pages: "1.0", or "latest" for a draft


def is_git(root: Path) -> bool:
    return (root / ".git").exists() and shutil.which("git") is not None


def recorded_editions(root: Path) -> list[record.Edition]:
    """The record, checked: well formed, and nothing lost since an earlier commit."""
    try:
        editions = record.load(root)
        record.check_history(root, editions)
    except record.EditionError as exc:
        raise SiteError(str(exc)) from None
    return editions


def cached_sections(built: Path, out: Path) -> dict:
    """The sections of a built site, read from its HTML once for its bytes."""
    key = hashlib.sha256(Path(edition_changes.__file__).read_bytes())
    for page in sorted(built.glob("*.html")):
        key.update(page.name.encode() + b"\0" + page.read_bytes())
    store = out / "editions" / "sections" / f"{key.hexdigest()[:24]}.json"
    if store.is_file():
        data = json.loads(store.read_text(encoding="utf-8"))
        return {label: edition_changes.Section(**fields) for label, fields in data.items()}
    found = edition_changes.sections_of(built)
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_text(json.dumps({label: vars(s) for label, s in found.items()}, ensure_ascii=False), encoding="utf-8")
    return found


def link_tree(source: Path, dest: Path) -> None:
    """Copy *source* to *dest* by hard links (a copy where links fail)."""
    def link(src, dst):
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
    shutil.copytree(source, dest, copy_function=link)


def rewrite(path: Path, text: str) -> None:
    """Write a page anew (never through a hard link into the archive)."""
    path.unlink()
    path.write_text(text, encoding="utf-8")


# -- The latest's pages ---------------------------------------------------------------

# A place in the latest, "page.html#label": what book-editions.js may link to.
PLACE = re.compile(r"[A-Za-z0-9_.-]+\.html(#[A-Za-z0-9_.:-]+)?")


def latest_place(label: str, latest: dict, registry: dict) -> str | None:
    """``page.html#label`` of *label* in the latest, following redirects."""
    if label in latest:
        return f"{latest[label].page}#{label}"
    entry = registry.get("anchors", {}).get(label, {})
    return entry.get("redirect")


def annotate_latest(text: str, shown: Shown, everyone: list[Shown], sections: dict) -> str:
    """*text*, a page of the latest at the site's root, with the edition line and section links."""
    here = sections[shown.slug]

    def name(s: Shown) -> str:
        return "working draft" if s.slug == "latest" else s.version

    editions = " · ".join(
        (f"<strong>{html.escape(name(s))}</strong>" if s.slug == shown.slug
         else f'<a href="{html.escape(s.folder)}index.html">{html.escape(name(s))}</a>')
        for s in everyone
    )
    changes = " · ".join(
        f'<a href="changes/{html.escape(a.slug)}-{html.escape(b.slug)}.html">{html.escape(a.slug)} → {html.escape(b.slug)}</a>'
        for a, b in zip(everyone, everyone[1:])
    )
    if shown.slug == "latest":
        first = (f"<p>You are reading a working draft after the {html.escape(shown.name)}, version "
                 f"{html.escape(shown.version)}: not a published edition, and its text may change. "
                 "Cite a published edition.</p>")
    else:
        first = (f"<p>You are reading the {html.escape(shown.name)}, version {html.escape(shown.version)}, "
                 f"{html.escape(shown.date_long)}, the latest edition.</p>")
    lines = [first, f"<p>Editions: {editions}.{' What changed: ' + changes + '.' if changes else ''}</p>"]
    banner = f'<aside class="book-edition" aria-label="Edition">{"".join(lines)}</aside>'

    def section_links(match: re.Match) -> str:
        label = next((i for i in archive.ids_of(match) if i in here), None)
        if label is None:
            return match.group(0)
        links = []
        for older in everyone[:-1]:
            if label in sections[older.slug]:
                links.append(
                    f'<a href="{html.escape(older.folder)}{html.escape(sections[older.slug][label].page)}#{html.escape(label)}">'
                    f"version {html.escape(older.version)}</a> "
                    f'(<a href="changes/{html.escape(older.slug)}-{html.escape(shown.slug)}.html#{html.escape(label)}">what changed since</a>)'
                )
        if not links:
            return match.group(0)
        links[0] = "In earlier editions: " + links[0]
        return match.group(0) + f'\n<p class="book-edition-section">{" · ".join(links)}</p>'

    text = archive.SECTION_HEADING.sub(section_links, text)
    if archive.ARTICLE in text:
        text = text.replace(archive.ARTICLE, archive.ARTICLE + "\n" + banner, 1)
    elif "<body>" in text:
        text = text.replace("<body>", "<body>\n" + banner, 1)
    return text.replace("</head>", archive.STYLE + "</head>", 1)


# -- What every archived page reads -------------------------------------------------------

BANNER_SCRIPT = Path(__file__).with_name("edition_banner.js")


def json_for_script(value) -> str:
    """JSON that can stand in a script: no '<', '>', '&' or line separators as such."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def index_script(everyone: list[Shown], sections: dict, registry: dict, pairs: set) -> str:
    """book-editions.js: the record as the archived pages need it, then the code that reads it."""
    newest = everyone[-1]
    places = {}
    labels = {label for s in everyone for label in sections[s.slug]}
    for label in sorted(labels):
        place = latest_place(label, sections[newest.slug], registry)
        if place is None:
            continue
        if not PLACE.fullmatch(place):
            raise SiteError(f"anchors.json: the redirect of {label!r}, {place!r}, is not a page of the book "
                            "(write page.html#label)")
        places[label] = place
    data = {
        "latest": {"version": newest.version, "name": newest.name, "draft": newest.slug == "latest",
                   "slug": newest.slug},
        "editions": [{"version": s.version, "name": s.name, "date": s.date_long} for s in everyone if s.folder],
        "pages": sorted({s.page for s in sections[newest.slug].values()}),
        "places": places,
        "changes": sorted(f"{a}-{b}" for a, b in pairs),
    }
    return ("// The published editions, for every archived edition's pages (scripts/edition_site.py).\n"
            f"window.BOOK_EDITIONS = {json_for_script(data)};\n" + BANNER_SCRIPT.read_text(encoding="utf-8"))


def editions_page(everyone: list[Shown], pairs: set, downloads: dict) -> str:
    """editions.html: every edition, its downloads, and what changed between them."""
    rows = []
    for s in everyone:
        where = s.folder or ""
        what = ("the working draft (not a published edition)" if s.slug == "latest"
                else f"{html.escape(s.name)}, version {html.escape(s.version)}, {html.escape(s.date_long)}")
        files = " · ".join(f'<a href="{html.escape(where + name)}">{label}</a>'
                           for label, name in downloads.get(s.slug, []))
        rows.append(f'<li><a href="{html.escape(where)}index.html">{what}</a>' + (f" ({files})" if files else "") + "</li>")
    changes = [f'<li><a href="changes/{html.escape(a)}-{html.escape(b)}.html">{html.escape(a)} → {html.escape(b)}</a></li>'
               for a, b in sorted(pairs, key=lambda p: (p[1] == "latest", p))]
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Every edition, and what changed between them</title>",
        f"<style>{edition_changes.STYLE}</style>", "</head>", "<body>", "<main>",
        "<h1>Every edition, and what changed between them</h1>",
        "<p>A published edition never changes: each stays here as it was published, "
        "under its own address, with its PDF and EPUB.</p>",
        "<h2>Editions</h2>", "<ul>", *rows, "</ul>",
        "<h2>What changed</h2>", "<ul>", *changes, "</ul>",
        "</main>", "</body>", "</html>", "",
    ])


def download_files(site: Path) -> list[tuple[str, str]]:
    """("PDF", name) and ("EPUB", name) of the downloads at the top of a built site."""
    return [(path.suffix[1:].upper(), path.name) for suffix in (".pdf", ".epub")
            for path in sorted(site.glob(f"*{suffix}"))]


# -- The draft ----------------------------------------------------------------------------


def draft_after(root: Path) -> record.Edition | None:
    """The newest edition, when the working tree's book is not its commit's.

    Files that are not the book (record.NOT_THE_BOOK: tests, README, ...) may
    differ: the root is still that edition, built from the same sources.
    """
    if os.environ.get("BOOK_EDITION_BUILD") or not is_git(root):
        return None
    recorded = recorded_editions(root)
    if not recorded:
        return None
    newest = recorded[-1]
    # Changes not yet committed make a draft; so does a HEAD whose book is not
    # the newest edition's, told by the digest its archive keeps (the
    # edition's commit itself may be absent from a shallow clone).
    uncommitted = subprocess.run(
        ["git", "-C", str(root), "diff", "--quiet", "HEAD", "--", *record.book_pathspec()],
    ).returncode != 0
    try:
        kept = archive.manifest(root, newest).get("book") if newest.archive else None
        head = record.book_digest(root, "HEAD")
    except (OSError, ValueError, record.EditionError):
        kept, head = None, ""
    if kept is None:  # not archived yet: compare with the commit itself
        differs = subprocess.run(
            ["git", "-C", str(root), "diff", "--quiet", newest.commit, "--", *record.book_pathspec()],
        ).returncode != 0
        return newest if differs else None
    return newest if uncommitted or kept != head else None


def mark_draft(root: Path) -> None:
    """Tell conf.py (BOOK_DRAFT_AFTER) whether this build is a working draft."""
    os.environ.pop("BOOK_DRAFT_AFTER", None)
    newest = draft_after(root)
    if newest is not None:
        os.environ["BOOK_DRAFT_AFTER"] = newest.version


# -- The site ----------------------------------------------------------------------------


def check(root: Path) -> None:
    """Before anything is built: the record, its history and every archive."""
    if os.environ.get("BOOK_EDITION_BUILD") or not is_git(root):
        return
    for edition in recorded_editions(root):
        try:
            archive.verify(root, edition)
        except record.EditionError as exc:
            raise SiteError(str(exc)) from None


def add_editions(root: Path, out: Path, site: Path) -> None:
    """Put every recorded edition into *site* (the new site, the latest at its root).

    Does nothing outside a git checkout, or without editions, or when
    building an edition itself (BOOK_EDITION_BUILD).
    """
    if os.environ.get("BOOK_EDITION_BUILD") or not is_git(root):
        return
    recorded = recorded_editions(root)
    if not recorded:
        return
    newest = recorded[-1]
    draft = draft_after(root) is not None
    shown = [Shown(e.version, e.name, e.date_long, f"{e.version}/", e.version) for e in recorded]
    latest = (Shown(newest.version, newest.name, bookinfo.book_identity(root)["date_long"], "", "latest") if draft
              else Shown(newest.version, newest.name, newest.date_long, "", newest.version))
    everyone = shown + [latest] if draft else shown
    sections = {"latest": cached_sections(site, out)} if draft else {}
    downloads = {}
    for edition, entry in zip(recorded, shown):
        try:
            archived = archive.verify(root, edition)
        except record.EditionError as exc:
            raise SiteError(str(exc)) from None
        sections[entry.slug] = archive.sections(root, edition)
        if (site / entry.version).exists():
            raise SiteError(f"the site already has a folder {entry.version}/: an edition's version must not be a page's name")
        link_tree(archived, site / entry.version)
        downloads[entry.slug] = download_files(archived)
    registry = json.loads((root / "anchors.json").read_text(encoding="utf-8")) if (root / "anchors.json").is_file() else {}
    newest_sections = sections[everyone[-1].slug]
    lost = []
    for entry in shown:
        for label, section in sections[entry.slug].items():
            if not latest_place(label, newest_sections, registry):
                lost.append(f"{label} (version {entry.version}, {section.page})")
    if lost:
        raise SiteError("anchors.json: published labels that are gone from the latest, with no redirect: "
                        + ", ".join(sorted(set(lost))))
    pairs = {(a.slug, b.slug) for a, b in zip(everyone, everyone[1:])}
    pairs |= {(older.slug, everyone[-1].slug) for older in everyone[:-1]}
    (site / "changes").mkdir(exist_ok=True)
    by_slug = {s.slug: s for s in everyone}
    reader = hashlib.sha256(Path(edition_changes.__file__).read_bytes())
    for a, b in sorted(pairs):
        # Kept by what they are made of: a build with nothing changed diffs nothing.
        key = reader.copy()
        key.update(json.dumps([vars(by_slug[a]), vars(by_slug[b]),
                               {k: vars(s) for k, s in sorted(sections[a].items())},
                               {k: vars(s) for k, s in sorted(sections[b].items())}]).encode())
        kept = out / "editions" / "changes" / f"{key.hexdigest()[:24]}.html"
        if not kept.is_file():
            comparison = edition_changes.compare(sections[a], sections[b])
            page = edition_changes.changes_page(comparison, by_slug[a], by_slug[b],
                                                f"../{by_slug[a].folder}", f"../{by_slug[b].folder}")
            kept.parent.mkdir(parents=True, exist_ok=True)
            kept.write_text(page, encoding="utf-8")
        shutil.copy2(kept, site / "changes" / f"{a}-{b}.html")
    (site / archive.INDEX_SCRIPT).write_text(index_script(everyone, sections, registry, pairs), encoding="utf-8")
    downloads.setdefault(everyone[-1].slug, download_files(site))
    (site / archive.EDITIONS_PAGE).write_text(editions_page(everyone, pairs, downloads), encoding="utf-8")
    for path in sorted(site.glob("*.html")):
        if path.name == archive.EDITIONS_PAGE:
            continue
        rewrite(path, annotate_latest(path.read_text(encoding="utf-8"), everyone[-1], everyone, sections))
