#!/usr/bin/env python3
"""The record of published editions (editions.json), and cutting a new one.

    python scripts/editions.py list
    python scripts/editions.py cut VERSION NAME     # make edition VERSION=2.0 NAME="Second edition"

editions.json lists every published edition, oldest first: its version
(MAJOR.MINOR), its name ("Second edition"), its date (of its commit, as every
page and citation of it prints it) and the full commit it is built from.  A
file, not git tags: tags do not always travel with a clone.

``cut`` makes an edition from a clean working tree in two commits: the first
sets the edition's name and version in conf.py's BOOK and in CITATION.cff
(that commit is the edition; its date is the edition's date); the second
records it in editions.json.  The site's build (scripts/edition_site.py)
then builds it from its commit and serves it under <version>/.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORD = "editions.json"
VERSION = re.compile(r"[1-9]\d*\.\d+")
COMMIT = re.compile(r"[0-9a-f]{40}")
# What is not the book: the record of editions, the documents for contributors,
# the tests, the editors' research notes, CI, and the developers' tools that no
# build runs (the benchmark and its Lighthouse, the linter, the test browser).
# Changing them publishes nothing: a commit that touches only these neither
# redates the build nor turns the newest edition at the site's root into a
# working draft.
NOT_THE_BOOK = (RECORD, "README.md", "CONTRIBUTING.md", "tests", "research", ".ci",
                "scripts/bench.py", "scripts/lighthouse", "scripts/lint.py", "scripts/browse.py")
ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth".split()


def edition_name(version: str) -> str:
    """The name of the edition that *version* belongs to: 2.1 is of the "Second edition"."""
    major = int(version.split(".")[0])
    if major <= len(ORDINALS):
        return f"{ORDINALS[major - 1].capitalize()} edition"
    suffix = "th" if 10 <= major % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(major % 10, "th")
    return f"{major}{suffix} edition"


def book_pathspec() -> list[str]:
    """A git pathspec for every file that makes the book (all but NOT_THE_BOOK)."""
    return [".", *(f":(exclude){path}" for path in NOT_THE_BOOK)]


class EditionError(Exception):
    """editions.json, or a cut, is not right; the message says where."""


@dataclass(frozen=True)
class Edition:
    version: str
    name: str
    date: str  # YYYY-MM-DD
    commit: str

    @property
    def key(self) -> tuple[int, int]:
        return version_key(self.version)

    @property
    def date_long(self) -> str:
        when = time.strptime(self.date, "%Y-%m-%d")
        return f"{when.tm_mday} {time.strftime('%B %Y', when)}"


def version_key(version: str) -> tuple[int, int]:
    major, minor = version.split(".")
    return int(major), int(minor)


def load(root: Path = ROOT) -> list[Edition]:
    """The recorded editions, oldest first; [] when there is no record."""
    path = root / RECORD
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EditionError(f"{RECORD}:{exc.lineno}: not JSON: {exc.msg}") from None
    editions = []
    for index, entry in enumerate(data.get("editions", [])):
        where = f"{RECORD}:{_line_of(text, entry.get('version', ''))}"
        missing = {"version", "name", "date", "commit"} - set(entry)
        if missing:
            raise EditionError(f"{where}: edition {index + 1} lacks {', '.join(sorted(missing))}")
        if not VERSION.fullmatch(entry["version"]):
            raise EditionError(f"{where}: version {entry['version']!r} is not MAJOR.MINOR")
        if not COMMIT.fullmatch(entry["commit"]):
            raise EditionError(f"{RECORD}:{_line_of(text, entry['commit'])}: commit {entry['commit']!r} "
                               "is not a full 40-digit commit id")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry["date"]):
            raise EditionError(f"{RECORD}:{_line_of(text, entry['date'])}: date {entry['date']!r} is not YYYY-MM-DD")
        editions.append(Edition(entry["version"], entry["name"], entry["date"], entry["commit"]))
    keys = [e.key for e in editions]
    if keys != sorted(set(keys)):
        raise EditionError(f"{RECORD}: the versions must be unique and in ascending order")
    return editions


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if needle and f'"{needle}"' in line:
            return number
    return 1


def save(root: Path, editions: list[Edition]) -> None:
    data = {"editions": [asdict(e) for e in editions]}
    (root / RECORD).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# -- Cutting an edition -----------------------------------------------------------


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
        text, count = re.subn(rf'^(    "{key}": )"[^"]*",$', rf'\g<1>"{value}",', text, count=1, flags=re.M)
        if count != 1:
            raise EditionError(f"conf.py: no line '    \"{key}\": \"...\",' in BOOK to set")
    conf.write_text(text, encoding="utf-8")
    cff = root / "CITATION.cff"
    if cff.is_file():
        text = cff.read_text(encoding="utf-8")
        text = re.sub(r'^(\s*version: )"[^"]*"$', rf'\g<1>"{version}"', text, flags=re.M)
        text = re.sub(r'^(\s*edition: )"[^"]*"$', rf'\g<1>"{name}"', text, flags=re.M)
        text = re.sub(r'^(\s*url: "[^"]*/)\d+\.\d+/"$', rf'\g<1>{version}/"', text, flags=re.M)
        cff.write_text(text, encoding="utf-8")


def cut(root: Path, version: str, name: str, now: int | None = None) -> Edition:
    """Make edition *version* called *name* from the clean working tree."""
    if not VERSION.fullmatch(version):
        raise EditionError(f"version {version!r} is not MAJOR.MINOR (for example 2.0)")
    if not name.strip():
        raise EditionError("an edition needs a name (for example \"Second edition\")")
    editions = load(root)
    if editions and version_key(version) <= editions[-1].key:
        raise EditionError(f"version {version} is not after the last edition, {editions[-1].version}")
    if name != edition_name(version):
        raise EditionError(f"version {version} belongs to the {edition_name(version).lower()}: "
                           f"name it \"{edition_name(version)}\", not {name!r}")
    if git(root, "status", "--porcelain", "--untracked-files=no"):
        raise EditionError("the working tree has uncommitted changes: commit them first")
    now = int(time.time()) if now is None else now
    date = time.strftime("%Y-%m-%d", time.gmtime(now))
    day = time.gmtime(now)
    long_date = f"{day.tm_mday} {time.strftime('%B %Y', day)}"
    env = dict(os.environ, GIT_AUTHOR_DATE=f"@{now} +0000", GIT_COMMITTER_DATE=f"@{now} +0000")
    set_identity(root, version, name)
    # --allow-empty: the identity may already be set; the commit still marks the edition.
    git(root, "commit", "-q", "-a", "--allow-empty", "-m", f"{name}, version {version}, {long_date}", env=env)
    commit = git(root, "rev-parse", "HEAD")
    edition = Edition(version, name, date, commit)
    save(root, [*editions, edition])
    git(root, "add", RECORD)
    git(root, "commit", "-q", "-m", f"Record the {name.lower()} (version {version}): commit {commit[:7]}", env=env)
    return edition


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="print the recorded editions")
    cut_parser = sub.add_parser("cut", help="make a new edition from the clean working tree")
    cut_parser.add_argument("version")
    cut_parser.add_argument("name")
    args = parser.parse_args(argv)
    try:
        if args.command == "list":
            for e in load(args.root):
                print(f"{e.version}\t{e.name}\t{e.date}\t{e.commit}")
        else:
            edition = cut(args.root, args.version, args.name)
            print(f"{edition.name}, version {edition.version}, {edition.date}: commit {edition.commit}")
            print("recorded in editions.json; `make` builds it under "
                  f"_build/html/{edition.version}/ and as the latest at _build/html/")
    except EditionError as exc:
        print(f"editions: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
