"""The claim ledger (research/ledger.yaml) covers every note mark in the chapters.

Each sentence of a chapter that carries a note mark, written either as
``:footcite:p:`KeyA,KeyB``` or as the note role ``:note:`KeyA, p. 12; KeyB```,
must have exactly one ledger entry: same chapter, same section, a ``claim``
copied from that sentence, the same source keys in the same order and, for
the note role, the same locators.  Every ledger entry must match a mark.
The checks read the reStructuredText sources, so they hold for both roles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from test_editions import CHAPTERS

LEDGER = ROOT / "research" / "ledger.yaml"
LABEL = re.compile(r"^\.\. _([a-z0-9-]+):\s*$")
MARK = re.compile(r":(footcite:p|note):`([^`]+)`")
ROLE_TEXT = re.compile(r":(?:term|ref|doc|unsourced|index):`([^`<]*?)(?:\s*<[^>]*>)?`")
NOT_TEXT = re.compile(r":(?:footcite:[pt]|note|ednote):`[^`]*`")


@dataclass
class Mark:
    path: str
    line: int
    doc: str
    section: str
    text: str
    keys: list[str]
    locators: list[str | None] | None  # None: the role carries no locators (footcite)
    entries: list[dict] = field(default_factory=list)

    def where(self) -> str:
        return f"{self.path}:{self.line}"


def plain(line: str) -> str:
    """The sentence as a reader sees it: marks dropped, roles' text kept."""
    return ROLE_TEXT.sub(r"\1", NOT_TEXT.sub("", line)).replace("\\ ", "").strip()


def parse_mark(role: str, body: str) -> tuple[list[str], list[str | None] | None]:
    if role == "footcite:p":
        return [k.strip() for k in body.split(",") if k.strip()], None
    keys, locators = [], []
    for part in body.split(";"):
        key, _, locator = part.strip().partition(",")
        keys.append(key.strip())
        locators.append(locator.strip() or None)
    return keys, locators


def marks_in(path: Path) -> list[Mark]:
    doc, section = path.stem, path.stem
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        label = LABEL.match(line)
        if label:
            section = label.group(1)
        for match in MARK.finditer(line):
            keys, locators = parse_mark(match.group(1), match.group(2))
            found.append(Mark(str(path.relative_to(ROOT)), number, doc, section, plain(line), keys, locators))
    return found


def load_ledger(path: Path) -> list[dict]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    assert isinstance(entries, list), f"{path.relative_to(ROOT)}: the ledger must be a list of entries"
    return entries


def check(marks: list[Mark], ledger: list[dict], ledger_name: str) -> list[str]:
    """Every problem, one line each, naming the file and line it concerns."""
    problems = []
    unmatched = []
    for number, entry in enumerate(ledger, 1):
        where = f"{ledger_name}: entry {number} ({entry.get('doc')}, {entry.get('section')}, claim {entry.get('claim')!r})"
        for name in ("doc", "section", "claim", "sources"):
            if not entry.get(name):
                problems.append(f"{where}: no {name}")
        if any(not entry.get(name) for name in ("doc", "section", "claim", "sources")):
            continue
        candidates = [m for m in marks if m.doc == entry["doc"] and m.section == entry["section"]
                      and str(entry["claim"]) in m.text]
        if len(candidates) > 1 and len({(m.path, m.line) for m in candidates}) > 1:
            lines = ", ".join(m.where() for m in candidates)
            problems.append(f"{where}: the claim is not unique in its section ({lines})")
            continue
        free = [m for m in candidates if not m.entries]  # two marks in one sentence: in order
        if not free:
            unmatched.append(where)
            continue
        free[0].entries.append(entry)
    problems += [f"{w}: matches no cited sentence in the chapters (stale entry?)" for w in unmatched]
    for mark in marks:
        if not mark.entries:
            problems.append(f"{mark.where()}: cited sentence has no entry in {ledger_name} "
                            f"(doc {mark.doc}, section {mark.section}, keys {', '.join(mark.keys)})")
            continue
        entry = mark.entries[0]
        keys = [s.get("key") for s in entry["sources"]]
        if keys != mark.keys:
            problems.append(f"{mark.where()}: the note cites {mark.keys} but its ledger entry lists {keys}")
            continue
        if mark.locators is not None:
            ledger_locators = [s.get("locator") for s in entry["sources"]]
            if ledger_locators != mark.locators:
                problems.append(f"{mark.where()}: the note's locators {mark.locators} differ from "
                                f"the ledger's {ledger_locators}")
    return problems


def chapter_marks() -> list[Mark]:
    return [m for doc in CHAPTERS for m in marks_in(ROOT / "docs" / f"{doc}.rst")]


def test_every_cited_sentence_has_its_ledger_entry():
    problems = check(chapter_marks(), load_ledger(LEDGER), "research/ledger.yaml")
    assert not problems, "\n".join(problems)


def test_every_ledger_source_says_where_and_quotes_briefly():
    for number, entry in enumerate(load_ledger(LEDGER), 1):
        for source in entry["sources"]:
            assert source.get("where"), f"research/ledger.yaml: entry {number}, {source.get('key')}: no 'where'"
            assert len(str(source.get("quote", "")).split()) <= 40, (
                f"research/ledger.yaml: entry {number}, {source['key']}: a quotation of a few words, not a passage")


# -- The check itself, on small made-up inputs ---------------------------------------------


@pytest.fixture()
def chapter(tmp_path, monkeypatch):
    monkeypatch.setattr("test_ledger.ROOT", tmp_path)
    (tmp_path / "docs").mkdir()
    path = tmp_path / "docs" / "ch.rst"
    path.write_text(
        ".. _ch-one:\n\nOne\n===\n\n"
        "The war began in 1941.\\ :footcite:p:`Alpha1990a,Beta2001b`\n"
        "Peace came in 1945.\\ :note:`Alpha1990a, p. 12; Beta2001b`\n",
        encoding="utf-8",
    )
    return path


GOOD = [
    {"doc": "ch", "section": "ch-one", "claim": "The war began",
     "sources": [{"key": "Alpha1990a", "where": "x"}, {"key": "Beta2001b", "where": "y"}]},
    {"doc": "ch", "section": "ch-one", "claim": "Peace came",
     "sources": [{"key": "Alpha1990a", "locator": "p. 12", "where": "x"}, {"key": "Beta2001b", "where": "y"}]},
]


def test_check_accepts_a_complete_ledger(chapter):
    assert check(marks_in(chapter), GOOD, "ledger.yaml") == []


def test_check_names_file_and_line_of_a_sentence_without_entry(chapter):
    problems = check(marks_in(chapter), GOOD[:1], "ledger.yaml")
    assert problems == ["docs/ch.rst:7: cited sentence has no entry in ledger.yaml "
                        "(doc ch, section ch-one, keys Alpha1990a, Beta2001b)"]


def test_check_finds_other_keys_and_other_locators(chapter):
    wrong_keys = [dict(GOOD[0], sources=GOOD[0]["sources"][:1]), GOOD[1]]
    assert check(marks_in(chapter), wrong_keys, "ledger.yaml") == [
        "docs/ch.rst:6: the note cites ['Alpha1990a', 'Beta2001b'] but its ledger entry lists ['Alpha1990a']"]
    moved = [GOOD[0], dict(GOOD[1], sources=[{"key": "Alpha1990a", "locator": "p. 13", "where": "x"},
                                             {"key": "Beta2001b", "where": "y"}])]
    assert check(marks_in(chapter), moved, "ledger.yaml") == [
        "docs/ch.rst:7: the note's locators ['p. 12', None] differ from the ledger's ['p. 13', None]"]


def test_check_reports_a_stale_entry(chapter):
    stale = GOOD + [{"doc": "ch", "section": "ch-one", "claim": "Nothing like this", "sources": [{"key": "A", "where": "x"}]}]
    problems = check(marks_in(chapter), stale, "ledger.yaml")
    assert problems == ["ledger.yaml: entry 3 (ch, ch-one, claim 'Nothing like this'): "
                        "matches no cited sentence in the chapters (stale entry?)"]
