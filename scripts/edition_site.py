"""Every published edition in the site, beside the latest (scripts/build.py).

The site's root holds the latest: the working tree's build.  Each edition
recorded in editions.json is built from its own commit, with its own code and
lock file, and served under ``<version>/`` with its own PDF and EPUB:

- ``git archive <commit>`` into ``<out>/editions/<commit>/src``, built there
  by that commit's own ``scripts/build.py all`` with SOURCE_DATE_EPOCH set to
  the commit's time; with this virtual environment when its requirements.txt
  is the same as the working tree's, else with its own in
  ``<out>/editions/venv-<hash of its requirements.txt>/``;
- kept in ``<out>/editions/<commit>/html`` (the cache: an edition is built
  once; the commit, and the site URL it was built for, name it);
- copied into the site by hard links, so that a build with nothing changed
  costs a few milliseconds per edition.

When the site is assembled, every page of every edition (the latest too)
gets, outside the edition's own words and citations:

- a line saying which edition it is, with its date, the other editions, and
  when a newer edition exists, a link to the same page in the latest;
- under each section's heading, a line of links: in an older edition, to the
  same section in the latest (following anchors.json's redirects when it
  moved) and to what changed in it since; in the latest, to the section in
  each earlier edition and what changed since each;
- and ``changes/<old>-<new>.html``, what changed between two editions
  (scripts/edition_changes.py).

An edition built before this existed (1.0) is annotated the same way, in
the copy: its cached build, like its words and citations, stays as built.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import edition_changes
import editions as record


class SiteError(Exception):
    """An edition could not be built or placed; the message says why."""


@dataclass(frozen=True)
class Shown:
    """An edition as the site shows it: a recorded one, or the draft at the root."""
    version: str
    name: str
    date_long: str
    folder: str  # "1.0/", or "" for the root
    slug: str  # in the names of the changes pages: "1.0", or "latest" for a draft


def git(root: Path, *args: str, binary: bool = False):
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=not binary)
    if result.returncode != 0:
        raise SiteError(f"git {' '.join(args)}: {result.stderr if not binary else result.stderr.decode()}".strip())
    return result.stdout


def is_git(root: Path) -> bool:
    return (root / ".git").exists() and shutil.which("git") is not None


# -- Building an edition from its commit --------------------------------------------


def python_for(root: Path, out: Path, src: Path) -> str:
    """The Python to build *src* with: ours if its lock file is ours."""
    theirs = (src / "requirements.txt").read_bytes()
    if theirs == (root / "requirements.txt").read_bytes():
        return sys.executable
    venv = out / "editions" / f"venv-{hashlib.sha256(theirs).hexdigest()[:16]}"
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"[editions] a virtual environment for another lock file: {venv}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        result = subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(src / "requirements.txt")])
        if result.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            raise SiteError(f"pip could not install {src / 'requirements.txt'}")
    return str(python)


def build_edition(root: Path, out: Path, edition: record.Edition) -> Path:
    """The built site of *edition*, from the cache or from its commit."""
    cache = out / "editions" / edition.commit
    site = cache / "html"
    stamp = cache / "built.json"
    # BOOK_EDITIONS_TARGET=html: HTML only (the tests); `make` builds all three.
    target = os.environ.get("BOOK_EDITIONS_TARGET", "all")
    wanted = {"commit": edition.commit, "site_url": os.environ.get("BOOK_BASE_URL", ""), "target": target}
    if stamp.is_file() and json.loads(stamp.read_text(encoding="utf-8")) == wanted and site.is_dir():
        return site
    print(f"[editions] building version {edition.version} from commit {edition.commit[:7]}", flush=True)
    if subprocess.run(["git", "-C", str(root), "cat-file", "-e", f"{edition.commit}^{{commit}}"],
                      capture_output=True).returncode != 0:
        shallow = git(root, "rev-parse", "--is-shallow-repository").strip() == "true"
        raise SiteError(f"editions.json: version {edition.version}'s commit {edition.commit[:7]} is not in this clone"
                        + (": it is a shallow clone; run `git fetch --unshallow` first" if shallow else ""))
    shutil.rmtree(cache, ignore_errors=True)
    src = cache / "src"
    src.mkdir(parents=True)
    archive = git(root, "archive", "--format=tar", edition.commit, binary=True)
    subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
    epoch = git(root, "show", "-s", "--format=%ct", edition.commit).strip()
    env = dict(os.environ, SOURCE_DATE_EPOCH=epoch, BOOK_EDITION_BUILD=edition.version, BOOK_GIT_DIR=str(root))
    env.pop("BOOK_PDF", None)
    env.pop("BOOK_DRAFT_AFTER", None)
    build_out = cache / "build"
    result = subprocess.run(
        [python_for(root, out, src), str(src / "scripts" / "build.py"), target, "--root", str(src), "--out", str(build_out)],
        env=env,
    )
    if result.returncode != 0:
        raise SiteError(f"edition {edition.version} (commit {edition.commit[:7]}) does not build")
    os.replace(build_out / "html", site)
    shutil.rmtree(build_out, ignore_errors=True)
    stamp.write_text(json.dumps(wanted) + "\n", encoding="utf-8")
    return site


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
    """Write a page anew (never through a hard link into the cache)."""
    path.unlink()
    path.write_text(text, encoding="utf-8")


# -- The site --------------------------------------------------------------------------

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


def latest_place(label: str, latest: dict, registry: dict) -> str | None:
    """``page.html#label`` of *label* in the latest, following redirects."""
    if label in latest:
        return f"{latest[label].page}#{label}"
    entry = registry.get("anchors", {}).get(label, {})
    return entry.get("redirect")


def annotate(page: str, text: str, shown: Shown, everyone: list[Shown], sections: dict,
             registry: dict, pairs: set) -> str:
    """*text*, a page of edition *shown*, with the edition line and section links."""
    up = "../" if shown.folder else ""
    newest = everyone[-1]
    is_latest = shown.slug == newest.slug
    here = sections[shown.slug]
    labels = [i for m in SECTION_HEADING.finditer(text) for i in ids_of(m) if i in here]

    def name(s: Shown) -> str:
        return "working draft" if s.slug == "latest" else s.version

    editions = " · ".join(
        (f"<strong>{html.escape(name(s))}</strong>" if s.slug == shown.slug
         else f'<a href="{up}{s.folder}index.html">{html.escape(name(s))}</a>')
        for s in everyone
    )
    changes = " · ".join(
        f'<a href="{up}changes/{a.slug}-{b.slug}.html">{html.escape(a.slug)} → {html.escape(b.slug)}</a>'
        for a, b in zip(everyone, everyone[1:])
    )
    lines = [f"<p>You are reading the {html.escape(shown.name)}, version {html.escape(shown.version)}, "
             f"{html.escape(shown.date_long)}{', the latest edition' if is_latest else ''}.</p>"]
    if shown.slug == "latest":
        lines = [f"<p>You are reading a working draft after the {html.escape(shown.name)}, version "
                 f"{html.escape(shown.version)}: not a published edition, and its text may change. "
                 "Cite a published edition.</p>"]
    if not is_latest:
        what = ("the latest working draft" if newest.slug == "latest"
                else f"the latest edition, version {html.escape(newest.version)}")
        places = [latest_place(label, sections[newest.slug], registry) for label in labels]
        pages = {s.page for s in sections[newest.slug].values()}
        target = next((p.split("#")[0] for p in places if p), page if page in pages else "index.html")
        lines.append(f'<p>The text has changed since: <a href="{up}{target}">this page in {what}</a>.</p>'
                     if newest.slug == "latest" else
                     f'<p>A newer edition exists: <a href="{up}{target}">this page in {what}</a>.</p>')
    lines.append(f"<p>Editions: {editions}.{' What changed: ' + changes + '.' if changes else ''}</p>")
    banner = f'<aside class="book-edition" aria-label="Edition">{"".join(lines)}</aside>'

    def section_links(match: re.Match) -> str:
        label = next((i for i in ids_of(match) if i in here), None)
        if label is None:
            return match.group(0)
        links = []
        if not is_latest:
            place = latest_place(label, sections[newest.slug], registry)
            if place:
                links.append(f'<a href="{up}{place}">This section in the '
                             f'{"working draft" if newest.slug == "latest" else "latest edition"}</a>')
            if (shown.slug, newest.slug) in pairs:
                links.append(f'<a href="{up}changes/{shown.slug}-{newest.slug}.html#{label}">what changed in it since</a>')
        else:
            for older in everyone[:-1]:
                if label in sections[older.slug]:
                    links.append(
                        f'<a href="{up}{older.folder}{sections[older.slug][label].page}#{label}">'
                        f"version {html.escape(older.version)}</a> "
                        f'(<a href="{up}changes/{older.slug}-{newest.slug}.html#{label}">what changed since</a>)'
                    )
            if links:
                links[0] = "In earlier editions: " + links[0]
        if not links:
            return match.group(0)
        return match.group(0) + f'\n<p class="book-edition-section">{" · ".join(links)}</p>'

    text = SECTION_HEADING.sub(section_links, text)
    if ARTICLE in text:
        text = text.replace(ARTICLE, ARTICLE + "\n" + banner, 1)
    elif "<body>" in text:
        text = text.replace("<body>", "<body>\n" + banner, 1)
    return text.replace("</head>", STYLE + "</head>", 1)


def draft_after(root: Path) -> record.Edition | None:
    """The newest edition, when the working tree's book is not its commit's.

    Files that are not the book (record.NOT_THE_BOOK: tests, README, ...) may
    differ: the root is still that edition, built from the same sources.
    """
    if os.environ.get("BOOK_EDITION_BUILD") or not is_git(root):
        return None
    try:
        recorded = record.load(root)
    except record.EditionError as exc:
        raise SiteError(str(exc)) from None
    if not recorded:
        return None
    differs = subprocess.run(
        ["git", "-C", str(root), "diff", "--quiet", recorded[-1].commit, "--", *record.book_pathspec()],
    ).returncode != 0
    return recorded[-1] if differs else None


def mark_draft(root: Path) -> None:
    """Tell conf.py (BOOK_DRAFT_AFTER) whether this build is a working draft."""
    os.environ.pop("BOOK_DRAFT_AFTER", None)
    newest = draft_after(root)
    if newest is not None:
        os.environ["BOOK_DRAFT_AFTER"] = newest.version


def add_editions(root: Path, out: Path, site: Path) -> None:
    """Put every recorded edition into *site* (the new site, the latest at its root).

    Does nothing outside a git checkout, or without editions.json, or when
    building an edition itself (BOOK_EDITION_BUILD).
    """
    if os.environ.get("BOOK_EDITION_BUILD") or not is_git(root):
        return
    try:
        recorded = record.load(root)
    except record.EditionError as exc:
        raise SiteError(str(exc)) from None
    if not recorded:
        return
    newest = recorded[-1]
    draft = draft_after(root) is not None
    shown = [Shown(e.version, e.name, e.date_long, f"{e.version}/", e.version) for e in recorded]
    # The root: the working draft (after the newest edition), or the newest edition again.
    latest = (Shown(newest.version, newest.name, _identity(root)["date_long"], "", "latest") if draft
              else Shown(newest.version, newest.name, newest.date_long, "", newest.version))
    everyone = shown + [latest] if draft else shown
    sections = {"latest": cached_sections(site, out)} if draft else {}
    for edition, entry in zip(recorded, shown):
        built = build_edition(root, out, edition)
        sections[entry.slug] = cached_sections(built, out)
        if (site / entry.version).exists():
            raise SiteError(f"the site already has a folder {entry.version}/: an edition's version must not be a page's name")
        link_tree(built, site / entry.version)
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
    for entry in everyone if draft else [*everyone, latest]:
        folder = site / entry.folder if entry.folder else site
        for path in sorted(folder.glob("*.html")):
            text = path.read_text(encoding="utf-8")
            rewrite(path, annotate(path.name, text, entry, everyone, sections, registry, pairs))


def _identity(root: Path) -> dict:
    import build
    return build.book_identity(root)
