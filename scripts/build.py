#!/usr/bin/env python3
"""Build the book's editions: PDF, then EPUB, then the HTML site.

    python scripts/build.py [--root DIR] [--out DIR] {all,pdf,epub,html}

``all`` builds the three editions in that order and puts the PDF and the EPUB
inside the HTML site, so that ``<out>/html/`` is the whole deployable site.
Every stage works in ``<out>/work/`` (kept between runs, so rebuilds are
incremental); the site is assembled in a new folder beside ``<out>/html/``
and swapped in only when every stage has passed.  A failed build therefore
leaves the last good site in place and prints what failed, with the source
file and line, and exits non-zero.

Strictness: every Sphinx builder runs with ``-n -W`` (nitpicky, warnings are
errors); the LaTeX stage also fails on a character the font lacks, on an
undefined reference or citation, and on an overfull box (any vertical one, a
line more than 1 pt too wide) in the LaTeX log.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import edition_site
from buildlock import BuildLock, LockError
from bookinfo import book_identity, source_date_epoch  # noqa: F401  (the tests use them from here)

ROOT = Path(__file__).resolve().parent.parent
# -n: every reference must resolve; -W: a warning is an error;
# -j auto: read and write in parallel on every core; -q: only problems.
DEFAULT_SPHINXOPTS = "-n -W -j auto -q"


class BuildError(Exception):
    """A stage failed; the message says where and why."""


# -- Helpers -----------------------------------------------------------------


def toctree_entries(root: Path, caption: str) -> list[str]:
    """The documents of the toctree captioned *caption* in docs/index.rst, in order."""
    text = (root / "docs" / "index.rst").read_text(encoding="utf-8")
    block = text.split(f":caption: {caption}", 1)[1]
    entries = []
    for line in block.splitlines()[1:]:
        if line.startswith(".. "):
            break
        line = line.strip()
        if line and not line.startswith(":"):
            entries.append(line)
    return entries


def source_files(root: Path) -> list[Path]:
    return sorted((root / "docs").rglob("*.rst")) + [root / "references.bib"]


# TeX reads a source line into a buffer of 200,000 characters (buf_size).
LONGEST_LINE = 100_000


def long_lines(root: Path, limit: int = LONGEST_LINE) -> list[str]:
    """``file:line`` of every source line longer than *limit* characters."""
    found = []
    for path in source_files(root):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if len(line) > limit:
                found.append(f"{path.relative_to(root)}:{number}: a line of {len(line):,} characters, longer than "
                             f"the PDF's typesetting reads ({limit:,}): write one sentence per line")
    return found


def locate_text(root: Path, needle: str) -> list[str]:
    """``file:line`` of every source line that contains *needle*."""
    hits = []
    for path in source_files(root):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if needle in line:
                hits.append(f"{path.relative_to(root)}:{number}")
    return hits


# -- Stale output ----------------------------------------------------------------

LABEL_LINE = re.compile(r"^[ \t]*\.\. _([^:`\s][^:]*):[ \t]*$", re.M)
# Builders whose output folder is published as it is (the site, the EPUB's
# files and content.opf).  The PDF is one file made from the whole book.
FOLDER_BUILDERS = ("html", "epub")


def source_manifest(root: Path) -> list[str]:
    """What the sources hold that becomes output files of its own: every file
    under docs/ (pages, images, static files) and every label (a section's
    citation files)."""
    docs = root / "docs"
    files = [
        str(path.relative_to(docs)) for path in docs.rglob("*")
        if path.is_file() and not {"_generated", "__pycache__"} & set(path.relative_to(docs).parts)
    ]
    labels = {label for path in docs.rglob("*.rst") for label in LABEL_LINE.findall(path.read_text(encoding="utf-8"))}
    return sorted(files) + sorted(f"label {label}" for label in labels)


def manifest_path(out: Path, builder: str) -> Path:
    return out / "work" / f"sources-{builder}.json"


def clear_stale_output(root: Path, out: Path, builder: str) -> None:
    """Start *builder*'s output folder afresh when a source file or a label is
    gone since its last good build.

    Sphinx never deletes what it wrote for a page or a label that no longer
    exists (the page, its citation files, its entry in the EPUB's
    content.opf), so the folder is emptied and every page written again; the
    doctrees are kept, so only the changed pages are read again.
    """
    outdir = out / "work" / builder
    if builder not in FOLDER_BUILDERS or not outdir.exists():
        return
    record = manifest_path(out, builder)
    previous = json.loads(record.read_text(encoding="utf-8")) if record.is_file() else None
    gone = sorted(set(previous) - set(source_manifest(root))) if previous is not None else None
    if gone == []:
        return
    what = ", ".join(gone[:3]) + (f" and {len(gone) - 3} more" if len(gone) > 3 else "") if gone else "no record of the last build"
    print(f"[{builder}] gone since the last build: {what}; writing every page afresh", flush=True)
    shutil.rmtree(outdir)


def record_possible_sources(root: Path, out: Path, builder: str) -> None:
    """Before a build: what the output folder may hold once Sphinx has run,
    the last record and the sources now.  A build that fails halfway has
    written pages for today's sources; if they are then removed, the next
    build finds them gone and writes every page afresh."""
    if builder not in FOLDER_BUILDERS:
        return
    record = manifest_path(out, builder)
    previous = json.loads(record.read_text(encoding="utf-8")) if record.is_file() else []
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(sorted(set(previous) | set(source_manifest(root))), indent=0) + "\n", encoding="utf-8")


def record_sources(root: Path, out: Path, builder: str) -> None:
    if builder in FOLDER_BUILDERS:
        manifest_path(out, builder).write_text(json.dumps(source_manifest(root), indent=0) + "\n", encoding="utf-8")


def run_sphinx(root: Path, out: Path, builder: str) -> Path:
    """Run one Sphinx builder into <out>/work/<builder>; return that folder."""
    work = out / "work"
    outdir = work / builder
    doctrees = work / f"doctrees-{builder}"
    opts = os.environ.get("SPHINXOPTS", DEFAULT_SPHINXOPTS).split()
    cmd = [
        sys.executable, "-m", "sphinx", "-b", builder, *opts,
        "-d", str(doctrees), "-c", str(root), str(root / "docs"), str(outdir),
    ]
    clear_stale_output(root, out, builder)
    record_possible_sources(root, out, builder)
    print(f"[{builder}] sphinx-build -b {builder} {' '.join(opts)}", flush=True)
    result = subprocess.run(cmd, cwd=root)
    if result.returncode != 0:
        # Sphinx keeps its environment even when -W fails the build, and an
        # incremental run would not repeat the warnings: start afresh next time.
        shutil.rmtree(doctrees, ignore_errors=True)
        raise BuildError(f"the {builder} builder failed (the messages above name the file and line)")
    record_sources(root, out, builder)
    return outdir


# -- The stages ----------------------------------------------------------------

MISSING_CHAR = re.compile(r"Missing character: There is no (.+?) \((U\+[0-9A-F]{4,6})\) in font ([^!]+)!")
LATEX_UNDEFINED = re.compile(
    r"LaTeX Warning: (Reference|Citation|Hyper reference) `([^']*)' on page \d+ undefined[^\n]*"
)


# A box too full: a vertical one (a page or a table taller than the page:
# text runs off it) at any size, a line wider than the text block by more
# than 1 pt.  With the .tex lines of the paragraph and the box's first words.
OVERFULL = re.compile(
    r"^Overfull \\(?P<kind>[hv])box \((?P<size>[\d.]+)pt too (?:wide|high)\) "
    r"(?P<where>[^\n]*)\n(?P<box>(?:[^\n]+\n){0,4})",
    re.MULTILINE,
)
HBOX_TOLERANCE_PT = 1.0


def _box_words(box: str) -> str:
    """Readable words from the start of an overfull box as the log shows it."""
    text = re.sub(r"\\[A-Z]+/[^ ]+ ", " ", box.replace("\n", ""))
    text = re.sub(r"\[\]|\$|\\[a-zA-Z@]+", " ", text)
    return " ".join(text.split())[:80]


def check_latex_log(root: Path, log: str) -> list[str]:
    """Problems in a LaTeX log that must fail the build, located in the sources."""
    problems = []
    for match in OVERFULL.finditer(log):
        size = float(match["size"])
        if match["kind"] == "h" and size <= HBOX_TOLERANCE_PT:
            continue
        shipped = re.findall(r"\[(\d+)", log[: match.start()])
        page = int(shipped[-1]) + 1 if shipped else 1
        where = match["where"].strip().rstrip("[]").strip()
        where = where.replace("in paragraph at lines", "in the paragraph at lines").replace(
            "--", "–").replace(" at lines", " at .tex lines").replace(
            "has occurred while \\output is active", "while a page was made")
        words = _box_words(match["box"])
        problems.append(
            f"LaTeX: overfull \\{match['kind']}box, {size}pt too "
            f"{'high' if match['kind'] == 'v' else 'wide'}, {where}, "
            f"on or near page {page}" + (f", beginning {words!r}" if words else "")
            + ": text runs outside the page's text block"
            + (" (a table or figure too tall for a page?)" if match["kind"] == "v" else "")
        )
    seen = set()
    for char, code, font in MISSING_CHAR.findall(log):
        if code in seen:
            continue
        seen.add(code)
        where = locate_text(root, char) or ["(no source line contains it)"]
        for place in where:
            problems.append(
                f"{place}: the PDF font has no glyph for {char!r} ({code}; font {font.strip()})"
            )
    for kind, label in sorted(set(LATEX_UNDEFINED.findall(log))):
        problems.append(f"LaTeX: {kind.lower()} {label!r} is undefined")
    if "There were undefined references" in log and not problems:
        problems.append("LaTeX: there were undefined references (see the LaTeX log)")
    return problems


def failed_marker(out: Path, builder: str) -> Path:
    """Present while *builder*'s last build failed: the site is not published without it."""
    return out / "work" / f"FAILED-{builder}"


def guarded(out: Path, builder: str, stage):
    """Run *stage*; mark *builder* failed until it next succeeds."""
    marker = failed_marker(out, builder)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("the last build of this edition failed\n", encoding="utf-8")
    result = stage()
    marker.unlink()
    return result


def build_pdf(root: Path, out: Path, book: dict) -> Path:
    latex_dir = run_sphinx(root, out, "latex")
    name = book["pdf_name"]
    stem = name.removesuffix(".pdf")
    print(f"[latex] latexmk (xelatex, xindy) -> {name}", flush=True)
    env = dict(os.environ, LATEXOPTS="-interaction=nonstopmode -halt-on-error", FORCE_SOURCE_DATE="1")
    transcript = latex_dir / "latexmk.out"
    with transcript.open("w", encoding="utf-8") as fh:
        result = subprocess.run(
            ["make", "-C", str(latex_dir), "all-pdf", "LATEXMKOPTS=-silent"],
            stdout=fh, stderr=subprocess.STDOUT, env=env,
        )
    log_path = latex_dir / f"{stem}.log"
    log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
    if result.returncode != 0:
        # latexmk remembers a failed run; forget it so the next run starts
        # clean; and a PDF that xelatex left half-written is no PDF.
        (latex_dir / f"{stem}.fdb_latexmk").unlink(missing_ok=True)
        (latex_dir / name).unlink(missing_ok=True)
        capacity = re.search(r"TeX capacity exceeded, sorry \[buf_size=(\d+)\]", log)
        if capacity:
            raise BuildError("\n".join(long_lines(root, int(capacity.group(1)))
                                        or [f"LaTeX: a line longer than TeX's buffer ({capacity.group(1)} characters)"]))
        errors = [line for line in log.splitlines() if line.startswith("!") or line.startswith("l.")]
        detail = "\n".join(errors[:10]) or transcript.read_text(encoding="utf-8")[-2000:]
        raise BuildError(f"LaTeX failed ({log_path.relative_to(out.parent) if out.parent in log_path.parents else log_path}):\n{detail}")
    problems = check_latex_log(root, log)
    if problems:
        (latex_dir / f"{stem}.pdf").unlink(missing_ok=True)
        raise BuildError("the PDF is not right:\n" + "\n".join(problems))
    return latex_dir / name


def normalise_epub(path: Path, epoch: int) -> None:
    """Rewrite the EPUB with fixed timestamps and order, for identical bytes."""
    stamp = dt.datetime.fromtimestamp(max(epoch, 315532800), dt.timezone.utc).timetuple()[:6]
    with zipfile.ZipFile(path) as src:
        items = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    items.sort(key=lambda item: (item[0] != "mimetype", item[0]))
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w") as dst:
        for filename, data in items:
            info = zipfile.ZipInfo(filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if filename == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, data)
    os.replace(tmp, path)


def build_epub(root: Path, out: Path, book: dict) -> Path:
    # When the configuration has changed, Sphinx renames the old .buildinfo to
    # .buildinfo.bak in the output folder, and the EPUB builder then warns that
    # it cannot package that file.  Without a .buildinfo there is nothing to
    # rename (the EPUB is rewritten whole anyway: it is one file).
    for name in (".buildinfo", ".buildinfo.bak"):
        (out / "work" / "epub" / name).unlink(missing_ok=True)
    epub_dir = run_sphinx(root, out, "epub")
    path = epub_dir / book["epub_name"]
    if not path.exists():
        raise BuildError(f"the EPUB builder wrote no {path.name}")
    normalise_epub(path, int(os.environ["SOURCE_DATE_EPOCH"]))
    return path


def build_html(root: Path, out: Path, book: dict) -> Path:
    return run_sphinx(root, out, "html")


def assemble_site(out: Path, html_dir: Path, downloads: list[Path], root: Path | None = None) -> Path:
    """Copy the HTML and the downloads into a new folder, with the published
    editions (scripts/edition_site.py), then swap it in."""
    site = out / "html"
    new = out / ".html-new"
    old = out / ".html-old"
    for folder in (new, old):
        shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(html_dir, new)
    for path in downloads:
        shutil.copy2(path, new / path.name)
    if root is not None:
        try:
            edition_site.add_editions(root, out, new)
        except edition_site.SiteError as exc:
            shutil.rmtree(new, ignore_errors=True)
            raise BuildError(str(exc)) from None
    if site.exists():
        os.replace(site, old)
    os.replace(new, site)
    shutil.rmtree(old, ignore_errors=True)
    return site


# What the build reads at the top of the repository: never through a link (git stores links, and the
# build would read whatever one points at).  Links under docs/ are refused by the book's trust check.
TOP_SOURCES = ("conf.py", "references.bib", "anchors.json", "editions.json", "CITATION.cff", "docs", "editions")


def linked_sources(root: Path) -> list[str]:
    """One line for each of the book's top-level sources that is a symbolic link."""
    return [f"{root / name}:1: a symbolic link (to {os.readlink(root / name)!r}): the build reads only the "
            "book's own files; put the file itself here (git rm the link, add the file)"
            for name in TOP_SOURCES if (root / name).is_symlink()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", choices=["all", "pdf", "epub", "html"], nargs="?", default="all")
    parser.add_argument("--root", type=Path, default=ROOT, help="the book's sources (conf.py, docs/, references.bib)")
    parser.add_argument("--out", type=Path, default=None, help="the build folder (default: <root>/_build)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    out = (args.out or root / "_build").resolve()
    try:
        with BuildLock(out):
            return run(target=args.target, root=root, out=out)
    except LockError as exc:
        print(f"\nBUILD FAILED: {exc}", file=sys.stderr)
        return 1


def run(target: str, root: Path, out: Path) -> int:
    """Build *target* of the book in *root* into *out* (main holds the lock)."""
    os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch(root)
    links = linked_sources(root)
    if links:
        print("\nBUILD FAILED: " + "\n".join(links), file=sys.stderr)
        return 1
    try:
        edition_site.check(root)  # the record and the archives, before any build
        edition_site.mark_draft(root)  # sets or clears BOOK_DRAFT_AFTER for conf.py
    except edition_site.SiteError as exc:
        print(f"\nBUILD FAILED: {exc}", file=sys.stderr)
        return 1
    book = book_identity(root)
    started = time.monotonic()
    work = out / "work"
    pdf = work / "latex" / book["pdf_name"]
    epub = work / "epub" / book["epub_name"]
    # The HTML reads the section pages from the PDF (docs/_ext/book/pdf/pdfpages.py).
    os.environ["BOOK_PDF"] = str(pdf)
    try:
        problems = long_lines(root)
        if problems:
            raise BuildError("\n".join(problems))
        if target in ("all", "pdf"):
            pdf = guarded(out, "latex", lambda: build_pdf(root, out, book))
        if target in ("all", "epub"):
            epub = guarded(out, "epub", lambda: build_epub(root, out, book))
        if target in ("all", "html"):
            for builder, what in (("latex", "PDF"), ("epub", "EPUB")):
                if failed_marker(out, builder).exists():
                    raise BuildError(f"the {what}'s last build failed, and every page links to the {what}: "
                                     f"the site is not published without it (make, or make {'pdf' if builder == 'latex' else 'epub'}, "
                                     "builds it again)")
            html_dir = build_html(root, out, book)
            downloads = [p for p in (pdf, epub) if p.exists()]
            for missing in {pdf, epub} - set(downloads):
                print(f"[html] note: {missing.name} is not built yet; `make` builds every edition")
            site = assemble_site(out, html_dir, downloads, root)
            print(f"[html] site: {site}")
    except BuildError as exc:
        print(f"\nBUILD FAILED: {exc}", file=sys.stderr)
        print(f"The last good site, if any, is still in {out / 'html'}.", file=sys.stderr)
        return 1
    if target == "pdf":
        print(f"[latex] PDF: {pdf}")
    if target == "epub":
        print(f"[epub] EPUB: {epub}")
    print(f"done in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
