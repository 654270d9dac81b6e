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
- **Kinds of file**: images, downloads and docs/_static's files are of the
  kinds IMAGE_SUFFIXES, DOWNLOAD_SUFFIXES and STATIC_SUFFIXES allow (a list
  of what is allowed: a type nobody thought of is refused).
- **LaTeX**: a raw role's LaTeX, like the directive's, uses LATEX_COMMANDS
  only; ``.. tabularcolumns::`` COLUMN_COMMANDS; a math label is a name.
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

import html
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from docutils import nodes, utils
from docutils.parsers.rst import directives, roles
from docutils.parsers.rst.directives.misc import Meta, Raw
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


# What a download may be: files a browser saves or shows as data, never a page it would run in the
# site's origin (.html, .xht, .svg, .xml, .xsl, .rdf, .js ...).  A list of what is allowed, not of
# what is not: a type nobody thought of is refused.
DOWNLOAD_SUFFIXES = {".pdf", ".epub", ".zip", ".gz", ".tgz", ".tar", ".txt", ".csv", ".tsv", ".json", ".bib",
                     ".ris", ".md", ".rst", ".yaml", ".yml", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".odt",
                     ".ods", ".docx", ".xlsx"}
# What an image may be (an SVG's content is checked too).
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".pdf"}
# What docs/_static may hold: the site's own styles, scripts, fonts and pictures.
STATIC_SUFFIXES = {".css", ".js", ".woff", ".woff2", ".ttf", ".otf", ".png", ".jpg", ".jpeg", ".gif", ".webp",
                   ".svg", ".ico", ".json", ".txt"}
# LaTeX a table's column specification (.. tabularcolumns::) may use.
COLUMN_COMMANDS = {"raggedright", "raggedleft", "centering", "arraybackslash", "linewidth", "textwidth",
                   "columnwidth", "hsize", "real", "X", "Y", "Z", "hspace", "newline", "\\"}
# What an SVG image may not hold: script, handlers, script addresses, embedded documents.
_SVG_ACTIVE = re.compile(r"<\s*(?:[\w-]+:)?(?:script|foreignObject|iframe|embed|object|handler|listener)\b|"
                         r"\son[a-z]+\s*=|<!ENTITY|<\?xml-stylesheet|"
                         r"<\s*(?:[\w-]+:)?(?:set|animate\w*)\b[^>]*attributeName\s*=\s*[\"']?\s*(?:[\w-]+:)?(?:href|on)", re.I)
# A script address once a browser has read it: character references decoded, blanks and controls dropped.
_SVG_SCRIPT_ADDRESS = re.compile(r"(?:java|vb|live)script:|data:(?!image/(?:png|jpeg|gif|webp)[;,])", re.I)
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
        if "diff" in self.options:  # a second file, read and printed as a diff
            self.check_path(self.options["diff"])
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
        problem = raw_latex_problem("\n".join(self.content))
        if problem:
            raise self.error(problem)
        return super().run()


class BookMeta(Meta):
    """``.. meta::`` with ``description`` and ``keywords`` only: other fields (``http-equiv``,
    ``property``, a name with attributes) could send readers elsewhere or change the page's policy."""

    def run(self):
        problems = []
        for offset, line in enumerate(self.content):
            field = re.match(r"^:(.+?):(?:\s|$)", line.strip())
            if field and " ".join(field.group(1).split()) not in META_NAMES:
                problems.append(self.reporter.error(
                    f".. meta:: field {field.group(1).strip()!r} is not allowed in the book: only description "
                    "and keywords (http-equiv and the like could send readers to another address or change "
                    "the page's policy)", line=self.content_offset + offset + 1))
        return problems or super().run()


def raw_latex_problem(text: str) -> str | None:
    """Why raw LaTeX *text* may not reach the PDF (a command outside LATEX_COMMANDS), or None."""
    unknown = sorted({m.group(1) for m in _LATEX_COMMAND.finditer(text)} - LATEX_COMMANDS)
    if unknown or "^^" in text:
        allowed = ", ".join("\\" + c for c in sorted(LATEX_COMMANDS))
        found = ", ".join("\\" + c for c in unknown) or "^^"
        return (f"raw latex may use only {allowed}, not {found}: it could read or write files "
                "when the PDF is built; write the text in reStructuredText")
    return None


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
    latex = raw_latex_problem(utils.unescape(text, True))  # the text as the raw node will hold it
    if latex:
        message = inliner.reporter.error(latex, line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
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
        if needle in text or needle in text.expandtabs(8):  # docutils reads a tab as spaces
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


def svg_problem(data: bytes) -> str | None:
    """What makes an SVG file active content (script, handlers, script addresses, embedded documents,
    an encoding other than UTF-8, which a browser may read otherwise than this check), or None."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "bytes that are not UTF-8"
    if text.startswith("\ufeff") or re.match(r"<\?xml[^>]*encoding\s*=\s*[\"'](?!utf-8)", text, re.I):
        return "an encoding other than UTF-8"
    found = _SVG_ACTIVE.search(text)
    if found:
        return repr(found.group(0).strip())
    read = re.sub(r"[\x00-\x20\x7f]+", "", html.unescape(text))
    found = _SVG_SCRIPT_ADDRESS.search(read)
    return repr(found.group(0)) if found else None


def _image_candidates(absolute: str) -> list[Path]:
    path = Path(absolute)
    return sorted(path.parent.glob(path.name)) if "*" in absolute else [path]


def _image_problem(app: Sphinx, absolute: str, written: str) -> str | None:
    """Why an image (or a file that a ``name.*`` image may pick) may not be published, or None."""
    for candidate in _image_candidates(absolute):
        if not candidate.is_file() or ("*" in absolute and candidate.suffix.lower() not in IMAGE_SUFFIXES):
            continue  # name.* picks only images of the builder's kinds
        if candidate.suffix.lower() not in IMAGE_SUFFIXES:
            return (f"the image {written!r} is a {candidate.suffix or 'suffix-less'} file: an image is "
                    f"{', '.join(sorted(IMAGE_SUFFIXES))}; anything else could be a page run in the site's origin")
        if candidate.suffix.lower() == ".svg":
            found = svg_problem(candidate.read_bytes())
            if found:
                return (f"the image {written!r} holds {found}: an SVG with script, event handlers, script "
                        "addresses or embedded documents would run in the site's origin; draw it without them "
                        "(UTF-8, no script)")
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
                        problem = _image_problem(app, absolute, uri)
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
                elif Path(target).suffix.lower() not in DOWNLOAD_SUFFIXES:
                    refuse(f"the download {target!r} is not a kind of file the book offers "
                           f"({', '.join(sorted(DOWNLOAD_SUFFIXES))}): a page (.html, .xht, .svg, .xml ...) would "
                           "run in the site's origin; offer it zipped, or as a PDF or text file", node, target)
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
        if isinstance(node, nodes.math_block):
            for label in [node.get("label") or "", *node.get("names", []), *node.get("ids", [])]:
                if label and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9:._-]*", label):
                    refuse(f"the math label {label!r} is not a name: it goes into LaTeX as it stands; "
                           "use letters, digits and hyphens", node)
        if isinstance(node, addnodes.tabular_col_spec):
            spec = node.get("spec", "")
            unknown = sorted({m.group(1) for m in _LATEX_COMMAND.finditer(spec)} - COLUMN_COMMANDS)
            if unknown or "^^" in spec:
                found = ", ".join("\\" + c for c in unknown) or "^^"
                refuse(f"tabularcolumns may use only column types and {', '.join(sorted(COLUMN_COMMANDS))}, "
                       f"not {found}: it goes into LaTeX as it stands", node)
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


def _check_static(app: Sphinx) -> None:
    """docs/_static is copied into the site unread: it may hold only the site's own kinds of file."""
    bad = []
    for folder in app.config.html_static_path:
        root = Path(app.confdir, folder) if not Path(app.srcdir, folder).exists() else Path(app.srcdir, folder)
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            if path.suffix.lower() not in STATIC_SUFFIXES:
                bad.append(f"{path}:1: a {path.suffix or 'suffix-less'} file among the site's static files: "
                           f"they are {', '.join(sorted(STATIC_SUFFIXES))}; a page here would be published "
                           "unread and run in the site's origin")
            elif path.suffix.lower() == ".svg" and svg_problem(path.read_bytes()):
                bad.append(f"{path}:1: an SVG holding {svg_problem(path.read_bytes())}: draw it without script")
    for line in bad:
        logger.error(line, type="trust", subtype="static")
    if bad:
        raise SystemExit(2)


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
    app.add_directive("meta", BookMeta, override=True)
    app.add_role("raw", raw_role, override=True)
    app.connect("builder-inited", _check_symlinks, priority=100)
    app.connect("builder-inited", _check_static, priority=101)
    # Before Sphinx's collectors (500) resolve the images and downloads.
    app.connect("doctree-read", _check_doctree, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
