"""What the sources may ask of the build: the book's trust boundary.

Nothing committed to the book may run script in a reader's browser or
publish a file from outside the repository.  This module refuses, each with
the file and line and what to write instead:

- **Links**: a link, target, image or download whose address has a scheme
  other than ``http``, ``https``, ``mailto`` or ``doi`` (``javascript:``,
  ``data:``, ``vbscript:``, ``file:`` ...); an image from another host (the
  site loads nothing from elsewhere).  references.bib's ``url`` and ``doi``
  fields are checked by notes/bookcheck.py, anchors.json's redirects by
  citing/redirects.py.
- **Raw markup**: ``.. raw::`` and raw roles (``.. role:: x(raw)``) in any
  format but ``latex``; the book's own pages use ``.. raw:: latex`` (the PDF's
  front, main and back matter in index.rst), never raw HTML, which would reach
  every reader unescaped; raw LaTeX may use only the few commands of
  LATEX_COMMANDS (no ``\\input``: it would read a file into the PDF), and
  no ``:file:``.  ``:url:`` on ``raw`` and ``csv-table`` (fetched at build
  time) is refused too.
- **Files outside the book's sources**: an ``include`` (docutils' standard
  ``<name.txt>`` form too), ``literalinclude``, ``csv-table :file:``,
  ``image``, ``figure`` or ``:download:`` path that resolves (symbolic links
  followed) outside docs/ (so nothing of .git/, _build/ or the machine); a
  symbolic link anywhere under docs/ or in place of a file the build reads
  at the top (references.bib, anchors.json, editions.json, CITATION.cff), since git
  stores links and the build would read whatever one points at.
- **Active content**: an SVG image holding script, event handlers,
  ``javascript:`` or foreign objects; a download that a browser would open
  as a page (``.html``, ``.svg``, ``.xml``, ``.js`` ...), since it would run
  in the site's origin without its policy; ``.. meta::`` other than
  ``description`` and ``keywords`` (``http-equiv`` could send readers
  elsewhere); a toctree entry to an address whose scheme is not allowed.
- **Math**: LaTeX that ``:math:`` and ``.. math::`` pass to the PDF as it
  stands may use only the commands of MATH_COMMANDS (no ``\\input``,
  ``\\write``, ``\\catcode``); ``:nowrap:`` is refused.
- **A role that did not take**: ``:note:``` `` (empty) or ``:note:` Key```
  (a space after the backquote) is not a role to docutils: it would be
  printed as it stands and the sentence would lose its note.

It changes when the boundary changes (README, "Bad input: what the build
refuses").
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from docutils import nodes
from docutils.parsers.rst import directives, roles
from docutils.parsers.rst.directives.misc import Raw
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.directives.code import LiteralInclude
from sphinx.directives.other import Include
from sphinx.directives.patches import CSVTable
from sphinx.util import logging

logger = logging.getLogger(__name__)

SCHEMES = {"http", "https", "mailto", "doi"}
RAW_FORMATS = {"latex"}
# What raw LaTeX may say: the commands the book's own pages use (index.rst:
# front, main and back matter) and a few page breaks.  Anything else could
# read a file into the PDF (\\input{/etc/passwd}) or write one.
LATEX_COMMANDS = {"frontmatter", "mainmatter", "backmatter", "setcounter", "clearpage", "cleardoublepage",
                  "newpage"}
_LATEX_COMMAND = re.compile(r"\\([A-Za-z@]+|.)", re.S)
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def scheme_of(uri: str) -> str:
    """The scheme of *uri*, lower case, as a browser reads it ("" if relative);
    a browser drops tabs, newlines and spaces: so does this."""
    cleaned = _CONTROL.sub("", uri)
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", cleaned)
    return match.group(1).lower() if match else ""


def url_problem(uri: str) -> str | None:
    """What is wrong with a link's address; None if its scheme is allowed."""
    scheme = scheme_of(uri)
    if scheme and scheme not in SCHEMES:
        return (f"the address {uri!r} has the scheme {scheme + ':'!r}, which the book does not link to: "
                "write an http, https, mailto or doi address, or a relative one")
    return None


def repository_root(app: Sphinx) -> Path:
    return Path(os.path.realpath(app.confdir))


def outside(app: Sphinx, path: str | os.PathLike) -> bool:
    """Whether *path*, its symbolic links followed, is outside the book's sources (docs/)."""
    real = Path(os.path.realpath(path))
    root = Path(os.path.realpath(app.srcdir))
    return real != root and root not in real.parents


def _outside_message(what: str, written: str) -> str:
    return (f"{what} {written!r} is outside the book's sources (docs/): the build reads only the book's own "
            "files; copy the file into docs/ and give its path there")


# A download a browser would open as a page, or run: it would run in the site's origin.
ACTIVE_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml", ".svg", ".svgz", ".xml", ".xsl", ".js", ".mjs"}
# What an SVG image may not hold: script, handlers, script addresses, embedded documents.
_SVG_ACTIVE = re.compile(r"<\s*(?:[\w-]+:)?(?:script|foreignObject|iframe|embed|object)\b|\son[a-z]+\s*=|"
                         r"(?:java|vb)script\s*:|<!ENTITY", re.I)
META_NAMES = {"description", "keywords"}
# What LaTeX in :math: may use: the usual commands of formulas, nothing that reads, writes or redefines.
MATH_COMMANDS = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi",
    "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Phi", "Psi", "Omega",
    "frac", "dfrac", "sqrt", "sum", "prod", "int", "lim", "log", "ln", "exp", "sin", "cos", "tan", "max",
    "min", "times", "cdot", "div", "pm", "mp", "le", "leq", "ge", "geq", "ne", "neq", "approx", "sim",
    "equiv", "propto", "infty", "to", "rightarrow", "leftarrow", "Rightarrow", "ldots", "cdots", "dots",
    "left", "right", "big", "Big", "quad", "qquad", "text", "mathrm", "mathbf", "mathit", "textrm",
    "overline", "underline", "hat", "bar", "vec", "percent", ",", ";", "!", " ", "{", "}", "%", "_",
    "\\", "&", "#", "$",
}


# -- Directives ---------------------------------------------------------------------------------


class _Checked:
    """A directive whose file path must stay inside the repository."""

    what = "the file"

    def check_path(self, written: str) -> None:
        env = self.state.document.settings.env
        _rel, absolute = env.relfn2path(written, env.docname)
        if outside(env.app, absolute):
            raise self.error(_outside_message(self.what, written))


class BookInclude(_Checked, Include):
    what = "the included file"

    def run(self):
        written = self.arguments[0]
        if written.startswith("<") and written.endswith(">"):
            # docutils' standard files, e.g. <isonum.txt>: a plain name in its own folder, nothing else.
            name = written[1:-1]
            from docutils.parsers.rst.directives import misc
            standard = Path(misc.__file__).resolve().parent.parent / "include"
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*\.txt", name) or not (standard / name).is_file():
                raise self.error(f"the included file {written!r} is not one of docutils' standard files "
                                 "(e.g. <isonum.txt>): the build reads only the book's own files; copy the "
                                 "file into docs/ and give its path there")
        else:
            self.check_path(written)
        return super().run()


class BookLiteralInclude(_Checked, LiteralInclude):
    what = "the included file"

    def run(self):
        self.check_path(self.arguments[0])
        return super().run()


class BookCSVTable(_Checked, CSVTable):
    what = "the table's file"

    def run(self):
        if "url" in self.options:
            raise self.error("csv-table :url: fetches a file from the network at build time: "
                             "put the table in the repository and use :file:")
        if "file" in self.options:
            self.check_path(self.options["file"])
        return super().run()


class BookRaw(Raw):

    def run(self):
        formats = set(self.arguments[0].lower().split())
        if not formats <= RAW_FORMATS:
            raise self.error(
                f"raw {' '.join(sorted(formats - RAW_FORMATS))} is not allowed in the book: it would reach "
                "readers unescaped; write the text in reStructuredText (only '.. raw:: latex' is allowed, "
                "for the PDF)")
        if "url" in self.options:
            raise self.error("raw :url: fetches a file from the network at build time: leave it out")
        if "file" in self.options:
            raise self.error("raw :file: is not allowed in the book: write the LaTeX in the directive, "
                             "or the text in reStructuredText")
        text = "\n".join(self.content)
        unknown = sorted({m.group(1) for m in _LATEX_COMMAND.finditer(text)} - LATEX_COMMANDS)
        if unknown or "^^" in text:
            allowed = ", ".join("\\" + c for c in sorted(LATEX_COMMANDS))
            found = ", ".join("\\" + c for c in unknown) or "^^"
            raise self.error(f"raw latex may use only {allowed}, not {found}: it could read or write files "
                             "when the PDF is built; write the text in reStructuredText")
        return super().run()


def raw_role(role, rawtext, text, lineno, inliner, options=None, content=None):
    """docutils' raw role, in the formats RAW_FORMATS allows only."""
    options = options or {}
    formats = set(options.get("format", "").lower().split())
    if not formats or not formats <= RAW_FORMATS:
        message = inliner.reporter.error(
            f"a raw role in {' '.join(sorted(formats)) or 'no'} format is not allowed in the book: it would "
            "reach readers unescaped; write the text in reStructuredText (only the latex format is allowed)",
            line=lineno)
        problem = inliner.problematic(rawtext, rawtext, message)
        return [problem], [message]
    return roles.raw_role(role, rawtext, text, lineno, inliner, options, content)


raw_role.options = {"format": directives.unchanged}


# -- The doctree: links, images, downloads, roles printed as text ----------------------------------


def _holder(node: nodes.Node) -> nodes.Element | None:
    parent = node
    while parent is not None and not (getattr(parent, "line", None) and getattr(parent, "rawsource", "")):
        parent = parent.parent
    return parent


def _where(node: nodes.Node, needle: str = "") -> tuple[str | None, int | None]:
    """The source file and line of *needle* inside *node* (or of *node*, or of the nearest node around it
    that has a line)."""
    holder = _holder(node)
    source = node.source if node.source else None
    probe = node
    while source is None and probe is not None:
        source, probe = probe.source, probe.parent
    if holder is None:
        line, probe = node.line, node
        while line is None and probe is not None:
            line, probe = probe.line, probe.parent
        return source, line
    index = holder.rawsource.find(needle) if needle else -1
    return source, holder.line + (holder.rawsource.count("\n", 0, index) if index > 0 else 0)


def _line_of(source: str | None, needle: str, start: int | None) -> int | None:
    """The first line at or after *start* of the file *source* that holds *needle*."""
    try:
        lines = Path(source).read_text(encoding="utf-8").splitlines() if source else []
    except OSError:
        return None
    for number, text in enumerate(lines[(start or 1) - 1:], start or 1):
        if needle in text:
            return number
    return None


def _error(message: str, node: nodes.Node, needle: str = "") -> None:
    source, line = _where(node, needle)
    if line is None and needle:
        line = _line_of(source, needle, 1)
    logger.error(message, location=f"{source}:{line}" if source and line else node, type="trust", subtype="input")


_LITERAL = (nodes.FixedTextElement, nodes.literal, nodes.raw, nodes.comment, nodes.problematic,
            nodes.system_message, nodes.math, nodes.target)
# A role that docutils did not take: ":name:" then a backquote, left as text.
_FAILED_ROLE = re.compile(r"(?<![\w`]):(?:[A-Za-z][\w.+-]*:)+`")


def _svg_problem(app: Sphinx, absolute: str, written: str) -> str | None:
    """What makes an SVG image (or each file a ``name.*`` image may pick) active content."""
    for candidate in sorted(Path(absolute).parent.glob(Path(absolute).name)) if "*" in absolute else [Path(absolute)]:
        if candidate.suffix.lower() not in (".svg", ".svgz") or not candidate.is_file():
            continue
        found = _SVG_ACTIVE.search(candidate.read_bytes().decode("utf-8", "replace"))
        if found:
            return (f"the image {written!r} holds {found.group(0).strip()!r}: an SVG with script, event handlers, "
                    "script addresses or embedded documents would run in the site's origin; draw it without them")
    return None


def _check_doctree(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    reported: set[str] = set()  # one line per address: a named link is a target and a reference
    refused_images = []

    def refuse(message: str, node: nodes.Node, needle: str = "") -> None:
        if message not in reported:
            reported.add(message)
            _error(message, node, needle)

    # A link defined by a target is reported where it is defined.
    nodes_in_order = sorted(doctree.findall(nodes.Element), key=lambda n: not isinstance(n, nodes.target))
    for node in nodes_in_order:
        uri = node.get("refuri") if isinstance(node, (nodes.reference, nodes.target)) else None
        if isinstance(node, nodes.image):
            uri = node.get("uri")
        if uri:
            problem = url_problem(uri)
            if problem:
                refuse(problem, node, uri)
                if isinstance(node, nodes.image):
                    refused_images.append(node)
                continue
            if isinstance(node, nodes.image):
                if scheme_of(uri) or uri.startswith("//"):
                    refuse(f"the image {uri!r} is on another host: the site loads nothing from elsewhere; "
                           "put the image in the repository", node, uri)
                    refused_images.append(node)
                else:
                    _rel, absolute = env.relfn2path(uri, env.docname)
                    if outside(app, absolute):
                        refuse(_outside_message("the image", uri), node, uri)
                        refused_images.append(node)
                    else:
                        problem = _svg_problem(app, absolute, uri)
                        if problem:
                            refuse(problem, node, uri)
        if isinstance(node, addnodes.download_reference):
            target = node.get("reftarget", "")
            problem = url_problem(target)
            if problem:
                refuse(problem, node, target)
            elif not scheme_of(target) and "://" not in target:
                _rel, absolute = env.relfn2path(target, env.docname)
                if outside(app, absolute):
                    refuse(_outside_message("the download", target), node, target)
                elif Path(target).suffix.lower() in ACTIVE_SUFFIXES:
                    refuse(f"the download {target!r} is a file a browser would open as a page and run in the "
                           "site's origin: offer it zipped, or as a PDF or text file", node, target)
        if isinstance(node, addnodes.toctree):
            for _title, ref in node.get("entries", []):
                problem = url_problem(ref or "")
                if problem:
                    message = f"the table of contents' entry: {problem}"
                    if message not in reported:
                        reported.add(message)
                        source, line = _where(node)
                        line = _line_of(source, ref, line) or line
                        logger.error(message, location=f"{source}:{line}" if source and line else node,
                                     type="trust", subtype="input")
        if isinstance(node, nodes.meta):
            names = {key for key in ("name", "http-equiv", "property") if node.get(key)}
            if names != {"name"} or node["name"].lower() not in META_NAMES:
                what = node.get("http-equiv") and f"http-equiv={node['http-equiv']}" or node.get("name") or "meta"
                refuse(f".. meta:: {what} is not allowed in the book: only description and keywords "
                       "(http-equiv could send readers to another address or change the page's policy)", node,
                       str(what).split("=")[0] if node.get("http-equiv") else str(what))
        if isinstance(node, nodes.math_block) and node.get("nowrap"):
            refuse("math :nowrap: passes its LaTeX to the PDF unwrapped: leave it out", node)
        if isinstance(node, (nodes.math, nodes.math_block)):
            unknown = sorted({m.group(1) for m in _LATEX_COMMAND.finditer(node.astext())} - MATH_COMMANDS)
            if unknown or "^^" in node.astext():
                found = ", ".join("\\" + c for c in unknown) or "^^"
                refuse(f"math may use only the commands of formulas, not {found}: LaTeX in math reaches the PDF "
                       "as it stands and could read or write files", node)
    for node in refused_images:  # nothing else reports them again (Sphinx: "image file not readable")
        if node.parent is not None:
            node.parent.remove(node)
    for text in doctree.findall(nodes.Text):
        if any(isinstance(parent, _LITERAL) for parent in _ancestors(text)):
            continue
        for match in _FAILED_ROLE.finditer(str(text)):
            role = match.group(0)[:-1]
            following = str(text)[match.end():match.end() + 1]
            why = "its text is empty" if following in ("`", "") else "its text starts with a space"
            example = "Key2000word, p. 12" if role == ":note:" else "text"
            _error(f"{role}` is not a role to docutils ({why}), so it would be printed as it stands and its "
                   f"work lost: write {role}`{example}`, with no space after the opening backquote",
                   text.parent, role + "`")


def _ancestors(node: nodes.Node):
    while node.parent is not None:
        node = node.parent
        yield node


# -- Symbolic links -------------------------------------------------------------------------------


def symlinks_under(folder: Path) -> list[Path]:
    """Every symbolic link under *folder*, not followed."""
    found = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        for name in sorted(dirs + files):
            path = Path(top) / name
            if path.is_symlink():
                found.append(path)
    return sorted(found)


# The files at the top of the repository that the build reads.
TOP_FILES = ("conf.py", "anchors.json", "editions.json", "CITATION.cff")


def top_symlinks(app: Sphinx) -> list[Path]:
    """The files the build reads at the top of the repository (and its .bib files) that are links."""
    root = Path(app.confdir)
    names = [*TOP_FILES, *getattr(app.config, "bibtex_bibfiles", [])]
    return [root / name for name in names if (root / name).is_symlink()]


def _check_symlinks(app: Sphinx) -> None:
    links = symlinks_under(Path(app.srcdir)) + top_symlinks(app)
    for path in links:
        logger.error(
            f"a symbolic link (to {os.readlink(path)!r}): the build reads only the book's own files, and "
            "would read whatever the link points at; put the file itself here (git rm the link, add the file)",
            location=f"{path}:1", type="trust", subtype="symlink")
    if links:
        raise SystemExit(2)


def setup(app: Sphinx) -> dict:
    app.add_directive("include", BookInclude, override=True)
    app.add_directive("literalinclude", BookLiteralInclude, override=True)
    app.add_directive("csv-table", BookCSVTable, override=True)
    app.add_directive("raw", BookRaw, override=True)
    app.add_role("raw", raw_role, override=True)
    app.connect("builder-inited", _check_symlinks, priority=100)
    # Before Sphinx's collectors (500) resolve the images and downloads.
    app.connect("doctree-read", _check_doctree, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
