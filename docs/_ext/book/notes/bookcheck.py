"""Fail the build, with the file and line, on a malformed references.bib.

sphinxcontrib-bibtex lets pybtex recover from a syntax error in a .bib file
and only prints it, so ``-W`` never sees it.  This extension parses every
file in ``bibtex_bibfiles`` in pybtex's strict mode first and turns each error
into an error located at ``references.bib:LINE``, and stops the build before
sphinxcontrib-bibtex reads the file (it would fail with a traceback that
names no file).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from pybtex import errors as pybtex_errors
from pybtex.database import BibliographyDataError
from pybtex.database.input.bibtex import Parser
from pybtex.scanner import PybtexSyntaxError
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def _line_of(text: str, needle: str) -> int | None:
    """The 1-based line of the first entry that mentions *needle*."""
    match = re.search(r"@\w+\s*\{\s*" + re.escape(needle) + r"\s*,", text)
    if match is None:
        return None
    return text.count("\n", 0, match.start()) + 1


FIELD_START = re.compile(r"^[ \t]*([A-Za-z][\w-]*)[ \t]*=[ \t]*\{", re.M)
# A line that, inside a field's braces, can only be the start of something else.
NEW_FIELD_OR_ENTRY = re.compile(r"^[ \t]*(?:[A-Za-z][\w-]*[ \t]*=|@\w+[ \t]*\{)", re.M)


def unclosed_brace(text: str) -> tuple[int, str] | None:
    """(line, message) for the first field whose ``{`` is never closed.

    pybtex reads on past a missing ``}`` and fails only where the text stops
    making sense, often at the next entry.  A field's braces that are still
    open when a line starts another field or entry, or at the end of the file,
    were left open at the line where that field starts.
    """
    for match in FIELD_START.finditer(text):
        depth, position = 0, match.end() - 1
        while position < len(text):
            char = text[position]
            if char == "\\":
                position += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    break
            elif char == "\n" and NEW_FIELD_OR_ENTRY.match(text, position + 1):
                position = len(text)
                break
            position += 1
        if depth > 0 and position >= len(text):
            line = text.count("\n", 0, match.start()) + 1
            entry = re.findall(r"@\w+\s*\{\s*([^,\s]+)\s*,", text[: match.start()])
            where = f" of entry {entry[-1]!r}" if entry else ""
            return line, (f"malformed entry: the value of field {match.group(1)!r}{where} opens a '{{' that is "
                          f"never closed; end the value with '}}' (then a comma), as in "
                          f"{match.group(1)} = {{...}},")
    return None


def check_fields(text: str, styles: list[str]) -> list[tuple[int | None, str]]:
    """Every entry that a bibliography style cannot format: a field its type needs is missing."""
    from pybtex.plugin import find_plugin
    from pybtex.style.template import FieldIsMissing

    problems = []
    data = Parser(encoding="utf-8").parse_string(text)
    # Looking a plugin up scans every installed package's entry points: once per style.
    formatters = [find_plugin("pybtex.style.formatting", name)() for name in styles]
    for key, entry in data.entries.items():
        for formatter in formatters:
            try:
                formatter.format_entry(label="", entry=entry)
            except FieldIsMissing as exc:
                field = str(exc).split()[1] if len(str(exc).split()) > 1 else str(exc)
                problems.append(
                    (_line_of(text, key), f"entry {key!r} (@{entry.type}) has no {field!r} field, which its type needs")
                )
                break
    return problems


def check_bibfile(path: Path, styles: list[str] | None = None) -> list[tuple[int | None, str]]:
    """Parse *path* strictly; return (line, message) for each problem."""
    text = path.read_text(encoding="utf-8")
    problems: list[tuple[int | None, str]] = []
    first_seen: dict[str, int] = {}
    for match in re.finditer(r"^[ \t]*@\s*(\w+)\s*\{\s*([^,\s]+)\s*,", text, re.M):
        kind, key = match.group(1).lower(), match.group(2)
        if kind in ("comment", "preamble", "string"):
            continue
        line = text.count("\n", 0, match.start()) + 1
        if key.lower() in first_seen:
            problems.append((line, f"duplicate key {key!r} (first defined at line {first_seen[key.lower()]})"))
        else:
            first_seen[key.lower()] = line
    if problems:
        return problems
    pybtex_errors.set_strict_mode(True)
    try:
        Parser(encoding="utf-8").parse_string(text)
    except PybtexSyntaxError as exc:
        # pybtex notices a missing "}" only where the text stops making sense,
        # often at the next entry: report the field that left it open.
        problems.append(unclosed_brace(text) or (exc.lineno, f"malformed entry: {exc.args[0]}"))
    except BibliographyDataError as exc:
        key = exc.args[1] if len(exc.args) > 1 else None
        line = None
        keys = re.findall(r"\b(?:entry|key)\s+(\S+)", str(exc))
        for candidate in ([key] if key else []) + keys:
            line = _line_of(text, str(candidate).strip("\"'"))
            if line:
                break
        problems.append((line, f"bibliography data error: {exc}"))
    finally:
        pybtex_errors.set_strict_mode(False)
    if not problems:
        problems = check_values(text)
    if not problems and styles:
        problems = check_fields(text, styles)
    return problems


def _field_line(text: str, key: str, field: str) -> int | None:
    """The 1-based line where *field* of entry *key* starts."""
    start = _line_of(text, key)
    if start is None:
        return None
    offset = sum(len(line) + 1 for line in text.split("\n")[: start - 1])
    match = re.compile(r"^[ \t]*" + re.escape(field) + r"[ \t]*=", re.M | re.I).search(text, offset)
    return text.count("\n", 0, match.start()) + 1 if match else start


# A "%" not escaped: BibTeX's comment character, which cuts a value there
# when it is read as LaTeX (the notes, the bibliography page, the PDF).
UNESCAPED_PERCENT = re.compile(r"(?<!\\)%")


def check_values(text: str) -> list[tuple[int | None, str]]:
    """Values that would print wrong or link where a reader must not go: a
    "%" that cuts a title short; a url or doi that is not http(s) or a DOI."""
    from ..core import trust

    problems = []
    data = Parser(encoding="utf-8").parse_string(text)
    for key, entry in data.entries.items():
        values = list(entry.fields.items()) + [
            (role, " and ".join(str(p) for p in persons)) for role, persons in entry.persons.items()]
        for field, value in values:
            name = field.lower()
            if name in ("url", "doi"):
                problem = trust.url_problem(value.strip())
                if name == "doi" and not problem and trust.scheme_of(value.strip()) not in ("", "http", "https", "doi"):
                    problem = f"the DOI {value!r} is not a DOI"
                if problem:
                    problems.append((_field_line(text, key, field),
                                     f"entry {key!r}, field {field!r}: {problem}"))
            elif (percent := UNESCAPED_PERCENT.search(value)):
                problems.append((_field_line(text, key, field),
                                 f"entry {key!r}, field {field!r}: a '%' starts a comment in BibTeX and the rest "
                                 f"of the {field} would be lost (\"{value[:percent.start()].strip()}\" is all "
                                 f"that would print); write '\\%' for a per cent sign"))
    return problems


def _check(app: Sphinx) -> None:
    failed = False
    styles = [app.config.bibtex_default_style, *app.config.bookcheck_extra_styles]
    for name in app.config.bibtex_bibfiles:
        # Resolved as sphinxcontrib-bibtex resolves it: against conf.py's folder.
        path = (Path(app.confdir) / name).resolve()
        # A file that passed is not checked again until it changes: formatting
        # every entry would cost each no-op rebuild a good part of a second.
        digest = hashlib.sha256((path.read_text(encoding="utf-8") + repr(styles)).encode()).hexdigest()
        stamp = Path(app.doctreedir) / f"bookcheck-{path.stem}-{digest}.ok"
        if stamp.exists():
            continue
        problems = check_bibfile(path, styles)
        for line, message in problems:
            logger.error(message, location=f"{path}:{line or 1}", type="bib", subtype="syntax")
            failed = True
        if not problems:
            stamp.parent.mkdir(parents=True, exist_ok=True)
            for old_stamp in stamp.parent.glob(f"bookcheck-{path.stem}-*.ok"):
                old_stamp.unlink()
            stamp.touch()
    if failed:
        # Stop here: sphinxcontrib-bibtex would otherwise fail on the same
        # file with a traceback that names no file.  SystemExit passes
        # through Sphinx's handlers, so the messages above are all one sees.
        raise SystemExit(2)


def setup(app: Sphinx) -> dict:
    # Styles used by a `.. bibliography::` directive besides the default one.
    app.add_config_value("bookcheck_extra_styles", [], "env", types=[list])
    # Before sphinxcontrib-bibtex's own handler (priority 500) parses the file.
    app.connect("builder-inited", _check, priority=100)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
