"""The claim ledger (research/ledger/<chapter>.yaml) covers every note mark in the chapters.

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

LEDGER = ROOT / "research" / "ledger"
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


def load_ledger_file(path: Path) -> list[dict]:
    """One chapter's entries, each given the chapter's name (the file's) as its ``doc``."""
    name = path.relative_to(ROOT)
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    assert isinstance(entries, list), f"{name}: the ledger must be a list of entries"
    for number, entry in enumerate(entries, 1):
        assert isinstance(entry, dict), f"{name}: entry {number} is not a mapping"
        assert entry.get("doc", path.stem) == path.stem, (
            f"{name}: entry {number} names chapter {entry['doc']!r}; it belongs in {entry['doc']}.yaml")
        entry["doc"] = path.stem
    return entries


def ledger_files(folder: Path = LEDGER) -> list[Path]:
    return sorted(folder.glob("*.yaml"))


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


def test_every_ledger_file_is_a_chapter_of_the_book():
    strays = [str(p.relative_to(ROOT)) for p in ledger_files() if p.stem not in CHAPTERS]
    assert not strays, f"ledger files for no chapter of docs/index.rst: {', '.join(strays)}"


def test_every_cited_sentence_has_its_ledger_entry():
    marks = chapter_marks()
    problems = []
    for path in ledger_files():
        name = str(path.relative_to(ROOT))
        problems += check([m for m in marks if m.doc == path.stem], load_ledger_file(path), name)
    missing = sorted({m.doc for m in marks} - {p.stem for p in ledger_files()})
    problems += [f"docs/{doc}.rst has note marks but no research/ledger/{doc}.yaml" for doc in missing]
    assert not problems, "\n".join(problems)


def test_every_ledger_source_says_where_and_quotes_briefly():
    problems = []
    for path in ledger_files():
        name = path.relative_to(ROOT)
        for number, entry in enumerate(load_ledger_file(path), 1):
            for source in entry.get("sources") or []:
                if not source.get("where"):
                    problems.append(f"{name}: entry {number}, {source.get('key')}: no 'where'")
                words = len(str(source.get("quote", "")).split())
                if words > 40:
                    problems.append(f"{name}: entry {number}, {source.get('key')}: a quotation of {words} words; "
                                    "quote the few words that support the claim (40 at most)")
    assert not problems, "\n".join(problems)


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


def test_a_ledger_entry_filed_under_another_chapter_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr("test_ledger.ROOT", tmp_path)
    path = tmp_path / "research" / "ledger" / "ch.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("- section: ch-one\n  claim: x\n  sources: []\n- doc: other\n  section: s\n", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"research/ledger/ch.yaml: entry 2 names chapter 'other'"):
        load_ledger_file(path)


def test_a_chapters_entries_are_read_from_its_file(tmp_path, monkeypatch, chapter):
    path = tmp_path / "research" / "ledger" / "ch.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump([{k: v for k, v in e.items() if k != "doc"} for e in GOOD]), encoding="utf-8")
    assert check(marks_in(chapter), load_ledger_file(path), "ch.yaml") == []
    assert check(marks_in(chapter), load_ledger_file(path)[:1], "ch.yaml") == [
        "docs/ch.rst:7: cited sentence has no entry in ch.yaml (doc ch, section ch-one, keys Alpha1990a, Beta2001b)"]
