#!/usr/bin/env python3
"""Time the builds, and weigh the pages, on this machine (a benchmark, not a test).

    python scripts/bench.py [--skip times,editions,boxes,budget,lighthouse]

Prints, for a copy of the sources in a temporary folder:
  - a cold build of each edition (PDF, EPUB, HTML), each from nothing;
  - an HTML rebuild with nothing changed;
  - an HTML rebuild after touching one chapter;
  - published editions, in clones of the repository: cold `make` with the
    recorded editions and with 30 (their archives), each as a ratio to cold
    `make` of the same book with none (target: 1.2); cutting one more
    edition (target: one edition's build); Read the Docs' build of the latest
    (target: one build plus copying);
against the targets the project sets for a 2-core machine.  Then:
  - the PDF's typesetting: the overfull and underfull boxes in its LaTeX log
    (the build fails on an overfull one; underfull lines are loose);
  - the page budget: for each chapter page as Chromium loads it from a
    loopback server, the bytes (raw and gzip) of the HTML and of every
    resource it loads, and the number of requests, against the same page of
    a plain furo build of the same sources (furo and sphinxcontrib-bibtex,
    no custom CSS, templates or extensions; the book's notes cited there with
    sphinxcontrib-bibtex's footnotes, so that both pages carry the same
    citations); the budget is stated with it;
  - Lighthouse's scores (performance, accessibility, best practices, SEO)
    for each chapter page, from scripts/lighthouse (npm, pinned), with
    Debian's Chromium.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import browse  # noqa: E402
import build  # noqa: E402

TARGETS = {"cold, all editions": 60.0, "HTML, nothing changed": 2.0, "HTML, one chapter touched": 3.0}


def timed(root: Path, target: str) -> float:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build.py"), target, "--root", str(root)],
        capture_output=True, text=True,
    )
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        sys.exit(f"bench: the {target} build failed:\n{result.stdout}{result.stderr}")
    return elapsed


# -- The page budget -----------------------------------------------------------

# A chapter page, everything it loads included, may weigh at most BUDGET_RATIO
# times the same page of a plain furo build (raw and gzip), add at most
# BUDGET_EXTRA_GZIP bytes gzip to it (what the book's apparatus costs a
# reader, whatever the chapter's length: a long chapter's own text is not
# over budget), and take at most BUDGET_REQUESTS requests, not counting the
# redirect script of a page that holds a moved section's old anchor (a few
# hundred bytes, so that a citation of an earlier edition still lands).
BUDGET_RATIO = 1.15
BUDGET_EXTRA_GZIP = 8 * 1024
BUDGET_REQUESTS = 8
REDIRECT_SCRIPT = "_static/redirect.js"

# The baseline: the same sources, furo and sphinxcontrib-bibtex, nothing else
# (but the book's bibliography styles, which only name styles the sources use).
PLAIN_FURO_CONF = """\
import sys
sys.path.insert(0, {ext!r})
project = {title!r}
author = {author!r}
language = "en"
extensions = ["sphinxcontrib.bibtex", "book.notes.bibstyle"]
bibtex_bibfiles = [{bib!r}]
bibtex_reference_style = "author_year"
html_theme = "furo"
exclude_patterns = ["_build", "_ext", "_templates", "_static"]
# The sources cite with the book's :note: role ("Key, p. 3; Other"); a plain
# set-up cites the same works with sphinxcontrib-bibtex's :footcite:, its
# notes at the end of each page.  Without this the baseline has no notes.
rst_epilog = "\\n\\n.. footbibliography::\\n"


# pybtex's plain style, with the one entry type of references.bib it lacks.
from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as _Plain


class _PlainWithCollections(_Plain):
    def get_collection_template(self, e):
        return self.get_book_template(e)


register_plugin("pybtex.style.formatting", "plain_collections", _PlainWithCollections)
bibtex_default_style = "plain_collections"


def setup(app):
    from docutils.parsers.rst import roles

    def note(name, rawtext, text, lineno, inliner, options=None, content=None):
        keys = ",".join(part.split(",")[0].strip() for part in text.split(";"))
        footcite, _ = roles.role("footcite", inliner.language, lineno, inliner.reporter)
        return footcite("footcite", rawtext, keys, lineno, inliner, options or {{}}, content or [])

    app.add_role("note", note)
"""


def build_plain_furo(root: Path, dest: Path) -> Path:
    """Build *root*'s sources with PLAIN_FURO_CONF; return the HTML folder.

    Without -W: the book's own directives (from its extensions) are unknown
    there, and only weigh a line of error text each.
    """
    book = build.book_identity(root)
    conf_dir = dest / "conf"
    conf_dir.mkdir(parents=True)
    (conf_dir / "conf.py").write_text(PLAIN_FURO_CONF.format(
        title=book["title"], author=", ".join(book["editors"]), bib=str(root / "references.bib"),
        ext=str(root / "docs" / "_ext"),
    ), encoding="utf-8")
    out = dest / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", "auto", "-c", str(conf_dir),
         "-d", str(dest / "doctrees"), str(root / "docs"), str(out)],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        sys.exit(f"bench: the plain furo build failed:\n{result.stdout}{result.stderr}")
    return out


def chapter_pages(root: Path) -> list[str]:
    """The chapters, in the order of the Chapters toctree of docs/index.rst."""
    return [f"{docname}.html" for docname in build.toctree_entries(root, "Chapters")]


def weigh(browser, site: Path, page: str) -> dict:
    """Load *page* of *site* in Chromium; every request, and what it weighs."""
    with browse.serve(site) as base_url:
        host = urlparse(base_url).netloc
        context = browser.new_context(viewport=browse.DESKTOP)
        requests = []
        context.on("request", lambda request: requests.append(request.url))
        tab = context.new_page()
        tab.goto(base_url + page, wait_until="networkidle")
        context.close()
    raw = packed = 0
    files = []
    for url in requests:
        parsed = urlparse(url)
        if parsed.scheme in ("data", "blob"):
            continue
        if parsed.netloc != host:
            sys.exit(f"bench: {page} requests {url} from another host")
        path = site / unquote(parsed.path.lstrip("/"))
        data = path.read_bytes() if path.is_file() else b""
        raw += len(data)
        packed += len(gzip.compress(data, 9, mtime=0))
        files.append(unquote(parsed.path.lstrip("/")))
    return {"requests": len(requests), "raw": raw, "gzip": packed, "files": files}


def page_budget(root: Path, site: Path, browser=None) -> bool:
    """Print the page budget of every chapter page; whether all are within it.

    *browser*: a Chromium already launched (the tests'), else one is launched."""
    with tempfile.TemporaryDirectory(prefix="book-furo-") as tmp, \
            contextlib.nullcontext(browser) if browser else browse.launch() as browser:
        plain = build_plain_furo(root, Path(tmp))
        rows = []
        for page in chapter_pages(root):
            rows.append((page, weigh(browser, site, page), weigh(browser, plain, page)))
    print()
    print("Page budget: each chapter page with everything it loads, against a plain furo")
    print(f"build of the same sources.  Budget: at most {BUDGET_RATIO:.2f} times plain furo (raw and")
    print(f"gzip), at most {BUDGET_EXTRA_GZIP // 1024} KB gzip more than plain furo, at most {BUDGET_REQUESTS} requests")
    print(f"(a moved section's {REDIRECT_SCRIPT} apart).")
    print(f"  {'page':28} {'raw KB':>8} {'furo':>7} {'gzip KB':>8} {'furo':>7} {'ratio':>6} {'requests':>8} {'furo':>5}")
    ok = True
    for page, book, furo in rows:
        ratio = max(book["raw"] / furo["raw"], book["gzip"] / furo["gzip"])
        requests = book["requests"] - (REDIRECT_SCRIPT in book["files"])
        within = (ratio <= BUDGET_RATIO and book["gzip"] - furo["gzip"] <= BUDGET_EXTRA_GZIP
                  and requests <= BUDGET_REQUESTS)
        ok &= within
        print(f"  {page:28} {book['raw'] / 1024:8.1f} {furo['raw'] / 1024:7.1f} {book['gzip'] / 1024:8.1f} "
              f"{furo['gzip'] / 1024:7.1f} {ratio:6.2f} {book['requests']:8d} {furo['requests']:5d}"
              f"  {'ok' if within else 'OVER'}")
    page, book, furo = rows[0]
    print(f"  what {page} loads: {', '.join(book['files'])}")
    extra = sorted(set(book["files"]) - set(furo["files"]))
    print(f"  beyond plain furo: {', '.join(extra) or 'nothing'}")
    return ok


# -- Lighthouse ------------------------------------------------------------------

LIGHTHOUSE = ROOT / "scripts" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def lighthouse(root: Path, site: Path) -> None:
    """Print Lighthouse's scores for each chapter page (mobile and desktop)."""
    if not LIGHTHOUSE.exists():
        sys.exit(f"bench: {LIGHTHOUSE} is missing: run scripts/setup.sh bench")
    env = dict(os.environ, CHROME_PATH=browse.CHROMIUM)
    print()
    print(f"Lighthouse 12.2.3 scores (target 100 each), Chromium {browse.CHROMIUM}:")
    print(f"  {'page':28} {'form':8} " + " ".join(f"{c:>14}" for c in CATEGORIES))
    with browse.serve(site) as base_url, tempfile.TemporaryDirectory(prefix="book-lh-") as tmp:
        for page in chapter_pages(root):
            for form in ("mobile", "desktop"):
                report = Path(tmp) / "report.json"
                cmd = [
                    str(LIGHTHOUSE), base_url + page, "--quiet", "--output=json",
                    f"--output-path={report}", f"--only-categories={','.join(CATEGORIES)}",
                    f"--chrome-flags={' '.join(browse.CHROMIUM_ARGS)}",
                ]
                if form == "desktop":
                    cmd.append("--preset=desktop")
                result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
                if result.returncode != 0 or not report.exists():
                    print(f"  {page:28} {form:8} lighthouse failed: {result.stderr.strip()[-500:]}")
                    continue
                lhr = json.loads(report.read_text(encoding="utf-8"))
                scores = [lhr["categories"][c]["score"] for c in CATEGORIES]
                print(f"  {page:28} {form:8} " + " ".join(
                    f"{'n/a' if s is None else round(s * 100):>14}" for s in scores))
                for category in CATEGORIES:
                    refs = lhr["categories"][category]["auditRefs"]
                    for ref in refs:
                        audit = lhr["audits"][ref["id"]]
                        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                            print(f"      {category}: {ref['id']}: {audit['title']}"
                                  f" ({audit.get('displayValue', '')})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip", default="", help="comma-separated: times, editions, boxes, budget, lighthouse")
    skip = set(filter(None, parser.parse_args().skip.split(",")))
    os.environ["SOURCE_DATE_EPOCH"] = build.source_date_epoch(ROOT)
    with tempfile.TemporaryDirectory(prefix="book-bench-") as tmp:
        root = Path(tmp)
        shutil.copy2(ROOT / "conf.py", root / "conf.py")
        shutil.copy2(ROOT / "references.bib", root / "references.bib")
        shutil.copytree(ROOT / "docs", root / "docs", ignore=shutil.ignore_patterns("__pycache__"))
        if "times" in skip:
            timed(root, "all")
        else:
            build_times(root)
        if "editions" not in skip:
            edition_times()
        site = root / "_build" / "html"
        ok = True
        if "boxes" not in skip:
            box_counts(root)
        if "budget" not in skip:
            ok = page_budget(root, site)
        if "lighthouse" not in skip:
            lighthouse(root, site)
    return 0 if ok else 1


BOX = re.compile(r"^(Overfull|Underfull) \\([hv])box", re.MULTILINE)


def box_counts(root: Path) -> None:
    """Print the overfull and underfull boxes of the PDF's LaTeX log."""
    stem = build.book_identity(root)["pdf_name"].removesuffix(".pdf")
    log = root / "_build" / "work" / "latex" / f"{stem}.log"
    if not log.is_file():
        print(f"PDF typesetting: no LaTeX log ({log} is missing)")
        return
    counts = {(kind, box): 0 for kind in ("Overfull", "Underfull") for box in "hv"}
    for kind, box in BOX.findall(log.read_text(encoding="utf-8", errors="replace")):
        counts[kind, box] += 1
    print("PDF typesetting (the LaTeX log):")
    for (kind, box), number in counts.items():
        print(f"  {kind.lower()} \\{box}box: {number}")


EDITION_TARGETS = {"ratio, recorded editions": 1.2, "ratio, 30 editions": 1.2}


def _git(repo: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@localhost",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@localhost")
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env).stdout


def _make_all(repo: Path) -> float:
    """Seconds of a cold `make` (scripts/build.py all) in *repo*, with its own scripts."""
    shutil.rmtree(repo / "_build", ignore_errors=True)
    started = time.monotonic()
    result = subprocess.run([sys.executable, str(repo / "scripts" / "build.py"), "all", "--root", str(repo)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"bench: the build in {repo} failed:\n{result.stdout}{result.stderr}")
    return time.monotonic() - started


def _without_editions(clone: Path, dest: Path) -> Path:
    """The same book in a repository of its own that has published nothing."""
    shutil.copytree(clone, dest, ignore=shutil.ignore_patterns(".git", "_build", "editions", "editions.json"))
    _git(dest, "init", "-q", "-b", "main")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "The book, with no edition published")
    return dest


def _with_editions(clone: Path, dest: Path, count: int) -> Path:
    """A clone whose record holds *count* editions: the real ones, then copies
    of their archives (in turn) under later versions, each with a commit of
    its own and a manifest and digest of its own, as a cut would record them."""
    import edition_record
    shutil.copytree(clone, dest, symlinks=True, ignore=shutil.ignore_patterns("_build"))
    recorded = edition_record.load(dest)
    real = list(recorded)
    while len(recorded) < count:
        last = recorded[-1].key
        version = f"{last[0]}.{last[1] + 1}"
        _git(dest, "commit", "-q", "--allow-empty", "-m", f"bench: version {version}")
        commit = _git(dest, "rev-parse", "HEAD").strip()
        source = real[len(recorded) % len(real)]
        folder = dest / "editions" / version
        shutil.copytree(dest / "editions" / source.version, folder)
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        manifest.update(version=version, name=edition_record.edition_name(version), commit=commit)
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        import hashlib
        digest = "sha256:" + hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest()
        recorded.append(edition_record.Edition(version, manifest["name"], manifest["date"], commit, digest))
    edition_record.save(dest, recorded)
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", f"bench: {count} editions recorded")
    return dest


def edition_times() -> None:
    """What published editions cost, in clones of this repository: cold `make`
    with the recorded editions and with 30, each against the same book with
    none; cutting one more edition; and Read the Docs' build of the latest."""
    import edition_record
    rows = []
    env_epoch = os.environ.pop("SOURCE_DATE_EPOCH", None)  # each repository dates itself
    try:
        with tempfile.TemporaryDirectory(prefix="book-bench-editions-") as tmp:
            tmp = Path(tmp)
            clone = tmp / "book"
            subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
            recorded = edition_record.load(clone)
            none = _make_all(_without_editions(clone, tmp / "none"))
            rows.append(("cold make, no edition", none, None))
            cold = _make_all(clone)
            rows.append((f"cold make, {len(recorded)} recorded editions", cold, None))
            rows.append(("  ratio to no edition", cold / none, EDITION_TARGETS["ratio, recorded editions"]))
            thirty = _make_all(_with_editions(clone, tmp / "thirty", 30))
            rows.append(("cold make, 30 editions", thirty, None))
            rows.append(("  ratio to no edition", thirty / none, EDITION_TARGETS["ratio, 30 editions"]))
            # Cutting one more edition: at most one edition's build (the book with none).
            last = recorded[-1].key if recorded else (0, 0)
            version = f"{last[0]}.{last[1] + 1}"
            chapter = build.toctree_entries(clone, "Chapters")[0]
            with (clone / "docs" / f"{chapter}.rst").open("a", encoding="utf-8") as fh:
                fh.write("\nA sentence added for the benchmark.\n")
            _git(clone, "commit", "-qam", "bench")
            started = time.monotonic()
            cut_env = dict(os.environ, VERSION=version, NAME=edition_record.edition_name(version),
                           GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@localhost",
                           GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@localhost")
            result = subprocess.run([sys.executable, str(clone / "scripts" / "editions.py"), "--root", str(clone), "cut"],
                                    capture_output=True, text=True, env=cut_env)
            if result.returncode != 0:
                sys.exit(f"bench: cutting {version} failed:\n{result.stdout}{result.stderr}")
            rows.append((f"cutting edition {version}", time.monotonic() - started, none))
            # Read the Docs: a shallow clone, its history fetched, the build, the copy.
            rtd = tmp / "rtd"
            started = time.monotonic()
            subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{clone}", str(rtd)], check=True)
            subprocess.run(["git", "-C", str(rtd), "fetch", "-q", "--unshallow"], check=True)
            build_seconds = _make_all(rtd)
            shutil.copytree(rtd / "_build" / "html", tmp / "rtd-output")
            rows.append(("Read the Docs build of the latest", time.monotonic() - started, none * 1.2))
            rows.append(("  of which the build", build_seconds, None))
    finally:
        if env_epoch:
            os.environ["SOURCE_DATE_EPOCH"] = env_epoch
    print("Published editions (editions.json, editions/), seconds or ratio:")
    for what, value, target in rows:
        mark = "" if target is None else ("  ok" if value <= target else "  OVER")
        print(f"  {what:38} {value:7.2f} {'' if target is None else f'{target:7.2f}'}{mark}")


def build_times(root: Path) -> None:
    """Print the build times of *root*'s sources; leaves the whole site built."""
    rows = []
    cold = {}
    for target in ("pdf", "epub", "html"):
        cold[target] = timed(root, target)
        rows.append((f"cold {target.upper()}", cold[target], None))
    rows.append(("cold, all editions", sum(cold.values()), TARGETS["cold, all editions"]))
    rows.append(("HTML, nothing changed", timed(root, "html"), TARGETS["HTML, nothing changed"]))
    chapter = sorted((root / "docs").glob("*.rst"))[0]
    chapter.touch()
    rows.append(("HTML, one chapter touched", timed(root, "html"), TARGETS["HTML, one chapter touched"]))
    cores = os.cpu_count()
    print(f"Build times on this machine ({cores} cores), seconds:")
    print(f"  {'what':32} {'time':>7} {'target':>7}")
    for what, seconds, target in rows:
        mark = "" if target is None else ("  ok" if seconds <= target else "  OVER")
        print(f"  {what:32} {seconds:7.1f} {'' if target is None else f'{target:7.1f}'}{mark}")


if __name__ == "__main__":
    sys.exit(main())
