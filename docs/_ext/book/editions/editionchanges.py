"""The PDF's list of what changed since the previous edition.

The previous edition is the last one in editions.json (next to conf.py)
whose version is lower than this book's (``BOOK["version"]``).  Its sources
are read from its recorded commit with git (in the repository of conf.py, or
of ``BOOK_GIT_DIR`` when an edition is built from an archive of its commit),
split into sections at their labels (``.. _label:``), and compared with this
book's: sections added, changed, moved to another page and retired, by title
and label.  The list is printed at the end of the PDF's body, before the
index.  Nothing is printed when there is no previous edition, or no git.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

from sphinx.application import Sphinx

LABEL = re.compile(r"^\.\. _([A-Za-z0-9][\w.-]*):\s*$")
UNDERLINE = re.compile(r"^([=\-~^\"'`#*+]){3,}\s*$")


def split_sections(docname: str, text: str) -> dict[str, tuple[str, str, str]]:
    """{label: (docname, title, text)} of one reStructuredText source."""
    found: dict[str, tuple[str, str, str]] = {}
    lines = text.splitlines()
    current: list[str] = []
    labels: list[str] = []

    def close():
        if not labels:
            return
        title = ""
        for above, line, below in zip([""] + current, current, current[1:] + [""]):
            if line.strip() and UNDERLINE.match(below) and not UNDERLINE.match(line):
                title = line.strip()
                break
        body = re.sub(r"\s+", " ", "\n".join(current)).strip()
        for label in labels:
            found[label] = (docname, title, body)

    for line in lines:
        match = LABEL.match(line)
        if match:
            if current and any(part.strip() for part in current):
                close()
                labels, current = [], []
            labels.append(match.group(1))
            continue
        current.append(line)
    close()
    return found


def sections_of_tree(files: dict[str, str]) -> dict[str, tuple[str, str, str]]:
    out: dict[str, tuple[str, str, str]] = {}
    for docname, text in sorted(files.items()):
        out.update(split_sections(docname, text))
    return out


def _git(gitdir: Path, *args: str) -> str | None:
    result = subprocess.run(["git", "-C", str(gitdir), *args], capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None


def previous_edition(confdir: Path, version: str) -> dict | None:
    """The edition before *version*; for a working draft ("1.0+draft"), the
    edition it follows."""
    path = confdir / "editions.json"
    if not path.is_file():
        return None
    base, _, draft = version.partition("+")
    key = tuple(int(p) for p in base.split("."))
    earlier = [e for e in json.loads(path.read_text(encoding="utf-8")).get("editions", [])
               if (tuple(int(p) for p in e["version"].split(".")) <= key if draft
                   else tuple(int(p) for p in e["version"].split(".")) < key)]
    return earlier[-1] if earlier else None


def changes_since(confdir: Path, version: str) -> tuple[dict, dict[str, list[str]]] | None:
    """(the previous edition, {kind: ["title (label)", ...]}), or None."""
    previous = previous_edition(confdir, version)
    gitdir = Path(os.environ.get("BOOK_GIT_DIR") or confdir)
    if previous is None or not (gitdir / ".git").exists():
        return None
    listing = _git(gitdir, "ls-tree", "-r", "--name-only", previous["commit"], "--", "docs")
    if listing is None:
        return None
    old_files = {}
    for name in listing.split():
        if name.endswith(".rst") and name.count("/") == 1:
            old_files[name[5:-4]] = _git(gitdir, "show", f"{previous['commit']}:{name}") or ""
    new_files = {p.stem: p.read_text(encoding="utf-8") for p in sorted((confdir / "docs").glob("*.rst"))}
    old, new = sections_of_tree(old_files), sections_of_tree(new_files)
    kinds: dict[str, list[str]] = {"Added": [], "Changed": [], "Moved": [], "Retired": []}
    for label in sorted(set(new) | set(old)):
        if label not in old:
            kinds["Added"].append(f"{new[label][1]} ({label})")
        elif label not in new:
            kinds["Retired"].append(f"{old[label][1]} ({label})")
        else:
            if old[label][0] != new[label][0]:
                kinds["Moved"].append(f"{new[label][1]} ({label})")
            if old[label][1:] != new[label][1:]:
                kinds["Changed"].append(f"{new[label][1]} ({label})")
    return previous, kinds


def _tex(text: str) -> str:
    out = []
    for char in text:
        if char in "&%$#_{}":
            out.append("\\" + char)
        elif char == "~":
            out.append(r"\textasciitilde{}")
        elif char == "^":
            out.append(r"\textasciicircum{}")
        elif char == "\\":
            out.append(r"\textbackslash{}")
        else:
            out.append(char)
    return "".join(out)


def _long_date(iso: str) -> str:
    """2026-11-26 -> 26 November 2026, as the book writes dates."""
    import datetime as dt

    months = ("January", "February", "March", "April", "May", "June", "July",
              "August", "September", "October", "November", "December")
    day = dt.date.fromisoformat(iso)  # the month's name in English, whatever the locale
    return f"{day.day} {months[day.month - 1]} {day.year}"


def _item(item: str) -> str:
    """'Title (label)': the label kept on one line (it breaks only between items)."""
    title, _, label = item.rpartition(" (")
    return rf"{_tex(title)} \mbox{{({_tex(label.rstrip(')'))})}}" if title else _tex(item)


def appendix(previous: dict, kinds: dict[str, list[str]]) -> str:
    title = f"What changed since version {_tex(previous['version'])}"
    previous_edition = (rf"the {_tex(previous['name'].lower())}, version {_tex(previous['version'])} "
                        rf"of {_tex(_long_date(previous['date']))}")
    lines = [
        rf"\chapter*{{{title}}}",
        rf"\addcontentsline{{toc}}{{chapter}}{{{title}}}",
        rf"\markboth{{{title}}}{{{title}}}",
    ]
    if not any(kinds.values()):
        # A version whose sources say what the previous one's said (its build,
        # its styles or its bibliography changed).
        lines.append(rf"No section's text in the sources was added, changed, moved or retired since {previous_edition}. "
                     r"The web edition's changes page compares the two versions as built, word by word, "
                     r"the book's citations of itself (which name this version) included.")
        return "\n\n".join(lines) + "\n"
    lines.append(rf"The sources of this edition differ from those of {previous_edition}, in the sections below, "
                 r"given by title and label. The web edition's changes page compares the two versions as built, "
                 r"word by word, and so shows also what the build changed (the form of notes, citations and figures).")
    for kind, items in kinds.items():
        # A run-in heading, kept with its list: not a sectioning command, so
        # the PDF's bookmarks list the appendix alone.
        lines.append(rf"\par\medskip\noindent\textbf{{{kind} ({len(items)})}}\par\nopagebreak" + "\n"
                     + r"{\raggedright " + ("; ".join(_item(item) for item in items) + "." if items else "None.")
                     + r"\par}")
    return "\n\n".join(lines) + "\n"


def _add_appendix(app: Sphinx, config) -> None:
    found = changes_since(Path(app.confdir), config.html_context["book"]["version"])
    if found is None:
        return
    elements = dict(config.latex_elements)
    elements["atendofbody"] = elements.get("atendofbody", "") + appendix(*found)
    config.latex_elements = elements


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _add_appendix)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
