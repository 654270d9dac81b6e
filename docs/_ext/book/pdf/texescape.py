"""Text for LaTeX, escaped: what conf.py and the extensions write into the
PDF's sources is never read by TeX as markup.

``escape`` makes any string print as itself (``&``, ``%``, ``$``, ``#``,
``_``, ``{``, ``}``, ``~``, ``^`` and ``\\``); ``url`` escapes what ``\\url``
does not take literally (``%``, ``#``, ``\\``, ``{``, ``}``, and refuses a
scheme other than http or https); ``latex_macros`` defines the book's
``\\BOOK<name>`` macros from its identity.
"""

from __future__ import annotations

import re

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL_RE = re.compile("|".join(re.escape(c) for c in _SPECIAL))
_URL_SPECIAL = re.compile(r"[%#\\{}]")
_NAME = re.compile(r"^[a-z]+$")


def escape(text: str) -> str:
    """*text* as LaTeX that prints it unchanged."""
    return _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group(0)], str(text))


def url(address: str) -> str:
    r"""*address* as the argument of ``\url``."""
    if not re.match(r"^https?://", address):
        raise ValueError(f"not an http(s) address: {address!r}")
    return _URL_SPECIAL.sub(lambda m: "\\" + m.group(0), address)


def latex_macros(text: dict[str, str], urls: dict[str, str]) -> str:
    r"""``\newcommand{\BOOK<name>}{...}`` for each value: text escaped, URLs as ``\url``."""
    lines = []
    for name, value in text.items():
        assert _NAME.match(name), name
        lines.append(f"\\newcommand{{\\BOOK{name}}}{{{escape(value)}}}")
    for name, value in urls.items():
        assert _NAME.match(name), name
        lines.append(f"\\newcommand{{\\BOOK{name}}}{{\\url{{{url(value)}}}}}")
    return "\n".join(lines) + "\n"
