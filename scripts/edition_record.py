"""The record of published editions, editions.json: reading it, checking it,
writing it.

editions.json lists every published edition, oldest first: its version
(MAJOR.MINOR), its name ("Second edition"), its date (of its commit, as every
page and citation of it prints it), the full commit it was built from, and
the digest of its archive (``editions/<version>/``, scripts/edition_archive.py),
the files that its cut built and that every later build serves unchanged.

The record is append-only.  ``load`` refuses, naming the entry and its line:
an entry with a missing or mistyped field, a version or a commit given twice,
versions out of order; and ``check_history`` refuses a record that has lost
or altered an edition that an earlier commit's record had.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

RECORD = "editions.json"
ARCHIVES = "editions"
VERSION = re.compile(r"[1-9]\d*\.\d+")
COMMIT = re.compile(r"[0-9a-f]{40}")
DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
# What is not the book: the record of editions and their archives, the
# documents for contributors, the tests, the editors' research notes, CI, and
# the developers' tools that no build runs (the benchmark and its Lighthouse,
# the linter, the test browser).  Changing them publishes nothing: a commit
# that touches only these neither redates the build nor turns the newest
# edition at the site's root into a working draft.
NOT_THE_BOOK = (RECORD, ARCHIVES, "README.md", "CONTRIBUTING.md", "tests", "research", ".ci",
                "scripts/bench.py", "scripts/lighthouse", "scripts/lint.py", "scripts/browse.py")
ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth".split()
FIELDS = ("version", "name", "date", "commit")


class EditionError(Exception):
    """editions.json, an archive, or a cut is not right; the message says where."""


@dataclass(frozen=True)
class Edition:
    version: str
    name: str
    date: str  # YYYY-MM-DD
    commit: str
    archive: str = ""  # "sha256:<digest of its archive's manifest>"; "" before it is archived

    @property
    def key(self) -> tuple[int, int]:
        return version_key(self.version)

    @property
    def date_long(self) -> str:
        when = time.strptime(self.date, "%Y-%m-%d")
        return f"{when.tm_mday} {time.strftime('%B %Y', when)}"

    def same_edition(self, other: "Edition") -> bool:
        return all(getattr(self, f) == getattr(other, f) for f in FIELDS)


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


def book_digest(root: Path, rev: str) -> str:
    """A digest of the book's files (book_pathspec) as commit *rev* holds them.

    Kept in each archive's manifest, so that a build can tell whether the
    working tree is the newest edition without that edition's commit (a
    shallow clone has only the newest commits).
    """
    import hashlib

    listing = subprocess.run(["git", "-C", str(root), "ls-tree", "-r", "--full-tree", rev],
                             capture_output=True, text=True)
    if listing.returncode != 0:
        raise EditionError(f"git ls-tree {rev}: {listing.stderr.strip()}")
    # ls-tree takes no pathspec magic: leave out what is not the book here.
    book = [line for line in listing.stdout.splitlines()
            if not any(line.split("\t", 1)[1] == path or line.split("\t", 1)[1].startswith(path + "/")
                       for path in NOT_THE_BOOK)]
    return "sha256:" + hashlib.sha256("\n".join(book).encode()).hexdigest()


def version_key(version: str) -> tuple[int, int]:
    major, minor = version.split(".")
    return int(major), int(minor)


def _entry_lines(text: str) -> list[int]:
    """The line of each entry's opening brace inside "editions": [...]."""
    lines, depth, inside = [], 0, False
    for number, line in enumerate(text.splitlines(), 1):
        for char in line:
            if char == "[" and not inside:
                inside = True
            elif char == "{" and inside:
                depth += 1
                if depth == 1:
                    lines.append(number)
            elif char == "}" and inside:
                depth -= 1
    return lines


def parse(text: str, source: str = RECORD) -> list[Edition]:
    """The editions in *text* (editions.json's contents), checked; *source* names it in messages."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EditionError(f"{source}:{exc.lineno}: not JSON: {exc.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("editions"), list):
        raise EditionError(f'{source}:1: must be an object {{"editions": [...]}}, a list of editions')
    lines = _entry_lines(text)
    text_lines = text.splitlines()

    def line_of(start: int, name: str) -> int:
        """The line of *name*'s key in the entry that starts at line *start*."""
        for number in range(start, len(text_lines) + 1):
            if f'"{name}"' in text_lines[number - 1]:
                return number
        return start
    editions: list[Edition] = []
    seen_version: dict[str, int] = {}
    seen_commit: dict[str, int] = {}
    for index, entry in enumerate(data["editions"]):
        line = lines[index] if index < len(lines) else 1
        where = f"{source}:{line}: edition {index + 1}"
        if not isinstance(entry, dict):
            raise EditionError(f"{where} is not an object with {', '.join(FIELDS)}")
        missing = [f for f in FIELDS if f not in entry]
        if missing:
            raise EditionError(f"{where} lacks {', '.join(missing)}")
        unknown = sorted(set(entry) - {*FIELDS, "archive"})
        if unknown:
            raise EditionError(f"{where} has unknown fields: {', '.join(unknown)}")
        for name in (*FIELDS, "archive"):
            if name in entry and not isinstance(entry[name], str):
                raise EditionError(f"{source}:{line_of(line, name)}: edition {index + 1}: {name} must be a string, not {json.dumps(entry[name])}")
        if not VERSION.fullmatch(entry["version"]):
            raise EditionError(f"{source}:{line_of(line, 'version')}: edition {index + 1}: version {entry['version']!r} is not MAJOR.MINOR (for example 2.0)")
        if not COMMIT.fullmatch(entry["commit"]):
            raise EditionError(f"{source}:{line_of(line, 'commit')}: edition {index + 1}: commit {entry['commit']!r} is not a full 40-digit commit id "
                               "(git rev-parse <commit> prints it)")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry["date"]):
            raise EditionError(f"{source}:{line_of(line, 'date')}: edition {index + 1}: date {entry['date']!r} is not YYYY-MM-DD")
        if entry["name"] != edition_name(entry["version"]):
            raise EditionError(f"{source}:{line_of(line, 'name')}: edition {index + 1}: version {entry['version']} belongs to the "
                               f"{edition_name(entry['version']).lower()}: name it \"{edition_name(entry['version'])}\"")
        if entry.get("archive") and not DIGEST.fullmatch(entry["archive"]):
            raise EditionError(f"{source}:{line_of(line, 'archive')}: edition {index + 1}: archive {entry['archive']!r} is not sha256:<64 hex digits>")
        if entry["version"] in seen_version:
            raise EditionError(f"{source}:{line_of(line, 'version')}: edition {index + 1}: version {entry['version']} is recorded twice "
                               f"(first at line {seen_version[entry['version']]})")
        if entry["commit"] in seen_commit:
            raise EditionError(f"{source}:{line_of(line, 'commit')}: edition {index + 1}: commit {entry['commit']} is recorded twice "
                               f"(first at line {seen_commit[entry['commit']]}): each edition is its own commit")
        seen_version[entry["version"]] = line_of(line, "version")
        seen_commit[entry["commit"]] = line_of(line, "commit")
        edition = Edition(entry["version"], entry["name"], entry["date"], entry["commit"], entry.get("archive", ""))
        if editions and edition.key <= editions[-1].key:
            raise EditionError(f"{where}: version {edition.version} comes after {editions[-1].version}: "
                               "the record lists editions oldest first")
        editions.append(edition)
    return editions


def load(root: Path) -> list[Edition]:
    """The recorded editions, oldest first.

    A repository that has published an edition (an archive under editions/,
    or a record in its history) must have the record: a missing
    editions.json is refused, not read as "no editions".
    """
    path = root / RECORD
    if not path.is_file():
        if path.is_symlink() or path.exists():
            raise EditionError(f"{RECORD}: not a regular file")
        if (root / ARCHIVES).is_dir() and any((root / ARCHIVES).iterdir()):
            raise EditionError(f"{RECORD} is missing, but {ARCHIVES}/ holds archived editions: restore it "
                               f"(git checkout HEAD -- {RECORD})")
        return []
    if path.is_symlink():
        raise EditionError(f"{RECORD}: a symbolic link; the record must be a file of the repository")
    return parse(path.read_text(encoding="utf-8"))


def save(root: Path, editions: list[Edition]) -> None:
    entries = []
    for e in editions:
        entry = {f: getattr(e, f) for f in FIELDS}
        if e.archive:
            entry["archive"] = e.archive
        entries.append(entry)
    (root / RECORD).write_text(json.dumps({"editions": entries}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)


def check_history(root: Path, editions: list[Edition]) -> None:
    """Refuse a record that lost or altered an edition an earlier record had.

    Compared with every version of editions.json in the history that this
    clone has (the committed one, HEAD's, first): each must be the start of
    the next.  Outside a git checkout there is no history to compare.
    """
    if not (root / ".git").exists():
        return
    log = _git(root, "log", "--format=%H", "--", RECORD)
    if log.returncode != 0:
        return
    newer, newer_name = editions, RECORD
    for commit in log.stdout.split():
        shown = _git(root, "show", f"{commit}:{RECORD}")
        if shown.returncode != 0:  # the commit deleted it
            continue
        try:
            older = parse(shown.stdout, f"{RECORD} at {commit[:12]}")
        except EditionError:
            continue  # an old record this code cannot read judges nothing
        for index, old in enumerate(older):
            new = newer[index] if index < len(newer) else None
            if new is None or not new.same_edition(old):
                what = (f"version {old.version} ({old.commit})" if new is None
                        else f"version {old.version} is now {new.version} ({new.commit}), was ({old.commit})")
                raise EditionError(
                    f"{newer_name}: has lost or altered a published edition that commit {commit[:12]} "
                    f"recorded: {what}. The record is append-only: restore the entry "
                    f"(git show {commit[:12]}:{RECORD})")
        newer, newer_name = older, f"{RECORD} at {commit[:12]}"
