#!/usr/bin/env python3
"""Published editions: list them, cut a new one, archive an old one.

    python scripts/editions.py list
    python scripts/editions.py cut              # make edition VERSION=3.0 NAME="Third edition"
    python scripts/editions.py archive VERSION  # once, for an edition recorded before archives

``cut`` takes the version and the name from the environment (VERSION, NAME;
``make edition`` passes them so), never through a shell.  From a clean
working tree on the branch ``main`` it makes the edition in two commits: the
first sets the edition's name and version in conf.py's BOOK and in
CITATION.cff (that commit is the edition; its date is the edition's date);
then it builds that commit from ``git archive`` (what the commit holds, and
nothing else: scripts/edition_build.py), archives what it built under
``editions/<version>/`` (scripts/edition_archive.py), and records it, with the
archive's digest, in editions.json: the second commit.  If the build fails,
both are undone: HEAD, the record and the tree are as before.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import edition_archive
import edition_build
from buildlock import BuildLock, LockError
from edition_record import (ARCHIVES, RECORD, VERSION, Edition, EditionError, book_pathspec,
                            check_history, edition_name, load, save, version_key)

ROOT = Path(__file__).resolve().parent.parent
# The branch editions are cut from (README, "Editions").
BRANCH = "main"


def git(root: Path, *args: str, env: dict | None = None) -> str:
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise EditionError(f"git {' '.join(args)}: {(result.stderr or result.stdout).strip()}")
    return result.stdout.strip()


def set_identity(root: Path, version: str, name: str) -> None:
    """Set the edition's name and version in conf.py's BOOK and CITATION.cff."""
    conf = root / "conf.py"
    text = conf.read_text(encoding="utf-8")
    for key, value in (("edition", name), ("version", version)):
        text, count = re.subn(rf'^(    "{key}": )"[^"]*",$', lambda m: f'{m.group(1)}"{value}",', text, count=1, flags=re.M)
        if count != 1:
            raise EditionError(f"conf.py: no line '    \"{key}\": \"...\",' in BOOK to set")
    conf.write_text(text, encoding="utf-8")
    cff = root / "CITATION.cff"
    if cff.is_file():
        text = cff.read_text(encoding="utf-8")
        text = re.sub(r'^(\s*version: )"[^"]*"$', lambda m: f'{m.group(1)}"{version}"', text, flags=re.M)
        text = re.sub(r'^(\s*edition: )"[^"]*"$', lambda m: f'{m.group(1)}"{name}"', text, flags=re.M)
        text = re.sub(r'^(\s*url: "[^"]*/)\d+\.\d+/"$', lambda m: f'{m.group(1)}{version}/"', text, flags=re.M)
        cff.write_text(text, encoding="utf-8")


def check_tree(root: Path) -> None:
    """The tree a cut may start from: on BRANCH, nothing uncommitted, nothing untracked in the book."""
    branch = subprocess.run(["git", "-C", str(root), "symbolic-ref", "-q", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    if not branch:
        raise EditionError(f"HEAD is detached: check out {BRANCH} first (editions are cut from {BRANCH})")
    if branch != BRANCH:
        raise EditionError(f"on branch {branch}: editions are cut from {BRANCH} (git checkout {BRANCH})")
    if git(root, "status", "--porcelain", "--untracked-files=no"):
        raise EditionError("the working tree has uncommitted changes: commit them first")
    untracked = git(root, "ls-files", "--others", "--exclude-standard", "--", *book_pathspec())
    if untracked:
        files = untracked.splitlines()
        raise EditionError(f"untracked files in the book: {', '.join(files[:5])}"
                           + (f" and {len(files) - 5} more" if len(files) > 5 else "")
                           + ": add them to git (or remove them) first; an edition is what its commit holds")


def cut(root: Path, version: str, name: str, out: Path | None = None, now: int | None = None) -> Edition:
    """Make, build, archive and record edition *version* called *name*."""
    if not VERSION.fullmatch(version):
        raise EditionError(f"version {version!r} is not MAJOR.MINOR (for example 2.0)")
    if not name.strip():
        raise EditionError("an edition needs a name (for example \"Second edition\")")
    editions = load(root)
    check_history(root, editions)
    if editions and version_key(version) <= editions[-1].key:
        raise EditionError(f"version {version} is not after the last edition, {editions[-1].version}")
    if name != edition_name(version):
        raise EditionError(f"version {version} belongs to the {edition_name(version).lower()}: "
                           f"name it \"{edition_name(version)}\", not {name!r}")
    check_tree(root)
    for earlier in editions:
        edition_archive.verify(root, earlier)
    out = out or root / "_build"
    try:
        with BuildLock(out):
            return _cut_locked(root, version, name, editions, out, now)
    except LockError as exc:
        raise EditionError(str(exc)) from None


def _cut_locked(root: Path, version: str, name: str, editions: list, out: Path, now: int | None) -> Edition:
    before = git(root, "rev-parse", "HEAD")
    now = int(time.time()) if now is None else now
    date = time.strftime("%Y-%m-%d", time.gmtime(now))
    day = time.gmtime(now)
    long_date = f"{day.tm_mday} {time.strftime('%B %Y', day)}"
    env = dict(os.environ, GIT_AUTHOR_DATE=f"@{now} +0000", GIT_COMMITTER_DATE=f"@{now} +0000")
    try:
        set_identity(root, version, name)
        # --allow-empty: the identity may already be set; the commit still marks the edition.
        git(root, "commit", "-q", "-a", "--allow-empty", "-m", f"{name}, version {version}, {long_date}", env=env)
        commit = git(root, "rev-parse", "HEAD")
        edition = Edition(version, name, date, commit)
        built = edition_build.build(root, out, edition)
        digest = edition_archive.make(root, edition, built, editions)
        edition = Edition(version, name, date, commit, digest)
        save(root, [*editions, edition])
        git(root, "add", RECORD, f"{ARCHIVES}/{version}")
        git(root, "commit", "-q", "-m", f"Record the {name.lower()} (version {version}): commit {commit[:7]}, "
            f"and its archive", env=env)
    except BaseException:
        subprocess.run(["git", "-C", str(root), "reset", "-q", "--hard", before], capture_output=True)
        shutil.rmtree(edition_archive.folder(root, version), ignore_errors=True)
        raise
    return edition


def archive(root: Path, version: str, out: Path | None = None) -> Edition:
    """Build a recorded edition that has no archive from its commit, archive it, and record its digest."""
    editions = load(root)
    check_history(root, editions)
    matches = [e for e in editions if e.version == version]
    if not matches:
        raise EditionError(f"{RECORD} has no version {version}")
    edition = matches[0]
    if edition.archive:
        raise EditionError(f"version {version} is archived already ({ARCHIVES}/{version}/): an edition is archived once")
    built = edition_build.build(root, out or root / "_build", edition)
    digest = edition_archive.make(root, edition, built, [e for e in editions if e.key < edition.key])
    done = Edition(edition.version, edition.name, edition.date, edition.commit, digest)
    save(root, [done if e.version == version else e for e in editions])
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="print the recorded editions")
    sub.add_parser("cut", help="make a new edition from the clean working tree (VERSION and NAME from the environment)")
    archive_parser = sub.add_parser("archive", help="archive a recorded edition that has no archive yet")
    archive_parser.add_argument("version")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        if args.command == "list":
            for e in load(root):
                print(f"{e.version}\t{e.name}\t{e.date}\t{e.commit}\t{e.archive or '(not archived)'}")
        elif args.command == "archive":
            edition = archive(root, args.version)
            print(f"version {edition.version} archived in {ARCHIVES}/{edition.version}/ ({edition.archive}); "
                  f"commit {RECORD} and {ARCHIVES}/{edition.version}/")
        else:
            version, name = os.environ.get("VERSION", ""), os.environ.get("NAME", "")
            if not version or not name:
                print('usage: make edition VERSION=3.0 NAME="Third edition"', file=sys.stderr)
                return 2
            edition = cut(root, version, name)
            print(f"{edition.name}, version {edition.version}, {edition.date}: commit {edition.commit}")
            print(f"built, archived in {ARCHIVES}/{edition.version}/ and recorded in {RECORD}; "
                  f"`make` serves it under _build/html/{edition.version}/")
    except EditionError as exc:
        print(f"editions: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
