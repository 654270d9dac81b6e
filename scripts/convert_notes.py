#!/usr/bin/env python3
"""Turn the chapters' ``:footcite:p:`A,B``` marks into ``:note:`A, p. 3; B``` marks.

The locators come from the claim ledger (research/ledger.yaml): for each mark,
the entry of the same document and section whose ``claim`` is in the sentence
carrying the mark gives the sources, in order, each with its ``locator`` where
the editors saw a page or place.  A mark with no ledger entry keeps its keys
and gets no locator (nothing is invented); the script lists such marks.
``.. footbibliography::``, which the note role makes unnecessary, is removed.

    .venv/bin/python scripts/convert_notes.py            # convert docs/*.rst in place
    .venv/bin/python scripts/convert_notes.py --check    # only say what would change

Exit status 1 when a mark has no ledger entry or the ledger names other keys
than the mark (the marks are converted anyway: the ledger wins).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
FOOTCITE = re.compile(r":footcite:(?:p:)?`([^`]*)`")
LABEL = re.compile(r"^\.\. _([\w-]+):\s*$")


ROLE_TEXT = re.compile(r":(?:term|ref|doc|unsourced|index):`([^`<]*?)(?:\s*<[^>]*>)?`")
NOT_TEXT = re.compile(r":(?:footcite:[pt]|footcite|note|ednote):`[^`]*`")


def plain(line: str) -> str:
    """The sentence as a reader sees it: marks dropped, roles' text kept (as
    tests/test_ledger.py reads it)."""
    return ROLE_TEXT.sub(r"\1", NOT_TEXT.sub("", line)).replace("\\ ", "").strip()


def section_labels(lines: list[str], doc: str) -> list[str]:
    """For each line, the last label above it (the document's name before any)."""
    out, current = [], doc
    for line in lines:
        match = LABEL.match(line)
        if match:
            current = match.group(1)
        out.append(current)
    return out


def note_text(sources: list[dict]) -> str:
    return "; ".join(s["key"] + (f", {s['locator']}" if s.get("locator") else "") for s in sources)


def convert(path: Path, ledger: list[dict], problems: list[str]) -> str:
    doc = path.stem
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    labels = section_labels(lines, doc)
    for index, line in enumerate(lines):
        def replace(match: re.Match) -> str:
            keys = [k.strip() for k in match.group(1).split(",") if k.strip()]
            sentence = plain(line)
            # A figure's caption (docs/_figures/) is matched by its claim alone.
            in_figure = path.parent.name == "_figures"
            entries = [e for e in ledger if (in_figure or (e.get("doc") == doc and e.get("section") == labels[index]))
                       and e.get("claim") and (e["claim"] in sentence or e["claim"] in line)]
            where = f"{path.relative_to(ROOT)}:{index + 1}"
            if len(entries) != 1 and not any(e.get("doc") == doc for e in ledger):
                # A page the ledger does not cover (it covers the chapters).
                print(f"{where}: no ledger entries for {doc}; {', '.join(keys)} converted without locators",
                      file=sys.stderr)
                return f":note:`{'; '.join(keys)}`"
            if len(entries) != 1:
                problems.append(f"{where}: {len(entries)} ledger entries for this mark ({', '.join(keys)}); "
                                "converted without locators")
                return f":note:`{'; '.join(keys)}`"
            sources = entries[0]["sources"]
            if [s["key"] for s in sources] != keys:
                problems.append(f"{where}: the ledger cites {[s['key'] for s in sources]}, the mark {keys}; "
                                "the ledger's sources are used")
            return f":note:`{note_text(sources)}`"

        lines[index] = FOOTCITE.sub(replace, line)
    text = "\n".join(lines)
    # The notes need no closing directive any more.
    return re.sub(r"\n*^\.\. footbibliography::[ \t]*\n", "\n", text, flags=re.M)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; list what would change")
    parser.add_argument("--ledger", type=Path, default=ROOT / "research" / "ledger.yaml")
    parser.add_argument("files", nargs="*", type=Path, help="default: docs/*.rst and docs/_figures/*.rst")
    args = parser.parse_args(argv)
    ledger = yaml.safe_load(args.ledger.read_text(encoding="utf-8")) or []
    files = args.files or sorted((ROOT / "docs").glob("*.rst")) + sorted((ROOT / "docs" / "_figures").glob("*.rst"))
    problems: list[str] = []
    for path in files:
        path = path.resolve()
        before = path.read_text(encoding="utf-8")
        after = convert(path, ledger, problems)
        if after != before:
            print(f"{'would convert' if args.check else 'converted'} {path.relative_to(ROOT)}")
            if not args.check:
                path.write_text(after, encoding="utf-8")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
