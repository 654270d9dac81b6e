"""Where a line may not break, and where an address may.

Ties (every builder): a day and its month ("7 November", "November 7"),
a section or paragraph sign and its number ("§ 2", "¶ 3") and a section's
number and the paragraph sign after it ("§1.3 ¶2") are joined by a
no-break space, so that no line ends with "7" and the next begins with
"November".  The text of the sources is left as it is: the ties are put in
when a page is written (a no-break space in HTML and EPUB, ``~`` in LaTeX),
outside code and raw markup.

Addresses (PDF): a bare domain name in running text ("civilwar.polithistory.ru",
a site named in a note or the bibliography) is never hyphenated as a word:
it may break only before a dot, a slash or a hyphen of its own, as The
Chicago Manual of Style breaks an address, with nothing added at
the break.  A URL never breaks inside or right after its scheme
("https:" | "//history..."): its host breaks only before a dot, and the
rest of it preferably after a slash or other punctuation (``LATEX_URLS``).
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December")
DAY = r"(?:[1-9]|[12][0-9]|3[01])"
# The space of each match (groups s1 to s4) becomes a no-break space.
TIE = re.compile(
    rf"\b{DAY}(?P<s1> )(?:{MONTHS})\b"  # 7 November
    rf"|\b(?:{MONTHS})(?P<s2> ){DAY}\b(?![.,]?\d)"  # November 7 (not "May 1942", "May 19.5")
    r"|[§¶](?P<s3> )\d"  # § 2, ¶ 3
    r"|§\s?\d+(?:\.\d+)*(?P<s4> )¶"  # §1.3 ¶2
)
NBSP = "\u00a0"

# Text that is not prose: left alone.
NOT_PROSE = (nodes.FixedTextElement, nodes.literal, nodes.raw, nodes.comment, nodes.math,
             nodes.target, nodes.substitution_definition)


def tie_spaces(text: str) -> list[int]:
    """The positions in *text* of the spaces to make no-break spaces."""
    found = []
    for match in TIE.finditer(text):
        for name in ("s1", "s2", "s3", "s4"):
            if match.start(name) >= 0:
                found.append(match.start(name))
    return found


def _in_prose(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, NOT_PROSE):
            return False
        parent = parent.parent
    return True


def _runs(document: nodes.document):
    """The text nodes of each paragraph, title, caption... in reading order
    (a day and its month may lie in two nodes: "August" braced in a title
    from references.bib, " 16, 1918" after it); a text node outside any
    such element alone."""
    for element in document.findall(nodes.TextElement):
        if any(isinstance(a, nodes.TextElement) for a in _ancestors(element)):
            continue  # a part of one reached from its outermost
        if isinstance(element, NOT_PROSE) or not _in_prose(element):
            continue
        yield [text for text in element.findall(nodes.Text) if _in_prose(text)]
    for text in document.findall(nodes.Text):
        if _in_prose(text) and not any(isinstance(a, nodes.TextElement) for a in _ancestors(text)):
            yield [text]


def _ancestors(node: nodes.Node):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


class Ties(SphinxPostTransform):
    # Late, on the resolved page: notes, citations and generated lists included.
    default_priority = 880

    def run(self, **kwargs) -> None:
        latex = self.app.builder.format == "latex"
        for run in list(_runs(self.document)):
            flat = "".join(str(text) for text in run)
            spaces = tie_spaces(flat)
            if not spaces:
                continue
            where: dict[int, list[int]] = {}
            start = 0
            for index, text in enumerate(run):
                end = start + len(text)
                where[index] = [i - start for i in spaces if start <= i < end]
                start = end
            for index, text in enumerate(run):
                if where[index]:
                    self.tie(text, where[index], latex)

    @staticmethod
    def tie(text: nodes.Text, spaces: list[int], latex: bool) -> None:
        value = str(text)
        if not latex:
            chars = list(value)
            for i in spaces:
                chars[i] = NBSP
            text.parent.replace(text, nodes.Text("".join(chars)))
            return
        parts: list[nodes.Node] = []
        start = 0
        for i in spaces:
            parts += [nodes.Text(value[start:i]), nodes.raw("", "~", format="latex")]
            start = i + 1
        parts.append(nodes.Text(value[start:]))
        parent, index = text.parent, text.parent.index(text)
        parent.remove(text)
        for offset, part in enumerate(p for p in parts if not isinstance(p, nodes.Text) or str(p)):
            parent.insert(index + offset, part)


# -- Addresses in the PDF ----------------------------------------------------------------

TLDS = ("com|org|net|edu|gov|mil|int|info|io|ru|su|uk|de|fr|it|es|nl|be|ch|at|pl|cz|ua|by|us|ca|au|jp|cn|eu")
# A host name with a top-level domain of the list, and its path if it has one.
DOMAIN = re.compile(
    rf"(?<![\w@/.\-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+(?:{TLDS})\b(?![\w-])"
    r"(?:/[\w./~%+=&?#-]*[\w/~%+=&#-])?"
)


class book_domain(nodes.Inline, nodes.TextElement):
    """A domain name (with its path) in running text."""


def address_pieces(address: str) -> list[str]:
    """*address* cut before each dot, slash and hyphen: where it may break."""
    return [piece for piece in re.split(r"(?=[./-])", address) if piece]


def visit_domain_latex(self, node: book_domain) -> None:
    self.body.append(r"\penalty100 ".join(r"\mbox{%s}" % self.encode(piece)
                                         for piece in address_pieces(node.astext())))
    raise nodes.SkipNode


def visit_as_text(self, node: nodes.Element) -> None:
    pass


def depart_as_text(self, node: nodes.Element) -> None:
    pass


# URLs (url.sty, with xurl's breaks after any character, as conf.py loads
# it): a URL never breaks inside or right after its scheme, which is one
# unbreakable box with the first name of the host ("https://www",
# "https://history"); the host breaks only before a dot ("https://history"
# | ".state.gov/"), and its last name keeps the slash after it.  The rest
# breaks preferably after a slash or other punctuation (url.sty's "big
# breaks", penalty 50), after a letter or digit only when it must (xurl's
# breaks, penalty 700, as before), and never after a colon.  Every break in
# a URL costs a little (50, 100 after the host, 200 before its dots), so
# that a line breaks at the space before a URL rather than inside it where
# both fit as well (the ragged running foot, whose URL would otherwise
# run into the page number).
LATEX_URLS = r"""
\makeatletter
\def\UrlBigBreaks{\do\/\do\_\do\?\do\&\do\=\do\#\do\;\do\,\do\!\do\+\do\|}
\def\UrlNoBreaks{\do\(\do\[\do\{\do\<\do\:}
\mathchardef\UrlBigBreakPenalty=50
\def\book@urlmath#1{$\fam\z@\textfont\z@\font#1\m@th$}
\def\book@ifin#1#2{\in@{#1}{#2}\ifin@\expandafter\@firstoftwo\else\expandafter\@secondoftwo\fi}
\def\Url@FormatString{\UrlFont\Url@MathSetup\UrlLeft\expandafter\book@url\expandafter{\Url@String}\UrlRight}
\def\book@url#1{\book@ifin{://}{#1}{\book@url@scheme#1\book@end}{\book@urlmath{#1}}}
\def\book@url@scheme#1://#2\book@end{\book@ifin{/}{#2}%
  {\book@url@path{#1://}#2\book@end}{\book@url@host{#1://}{#2}{}}}
\def\book@url@path#1#2/#3\book@end{\book@url@host{#1}{#2}{/}\penalty100 \book@urlmath{#3}}
% #1 what comes before the host's next name, #2 the rest of the host, #3 what ends it.
\def\book@url@host#1#2#3{\book@ifin{.}{#2}{\book@url@name{#1}{#3}#2\book@end}{\mbox{\book@urlmath{#1#2#3}}}}
\def\book@url@name#1#2#3.#4\book@end{\mbox{\book@urlmath{#1#3}}\penalty200 \book@url@host{.}{#4}{#2}}
\makeatother
"""


def _latex_preamble(app: Sphinx, config) -> None:
    """At config-inited: the LaTeX builder reads latex_elements when it starts."""
    elements = dict(config.latex_elements)
    elements["preamble"] = elements.get("preamble", "") + LATEX_URLS
    config.latex_elements = elements


class Addresses(SphinxPostTransform):
    # After Sphinx's footnotes (600), the bibliography (latexbib, 750-760)
    # and the URLs shown in footnotes.
    default_priority = 870
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        for text in list(self.document.findall(nodes.Text)):
            if text.parent is None or not _in_prose(text) or isinstance(text.parent, book_domain):
                continue
            value = str(text)
            if not DOMAIN.search(value):
                continue
            parts: list[nodes.Node] = []
            start = 0
            for match in DOMAIN.finditer(value):
                if match.start() > start:
                    parts.append(nodes.Text(value[start:match.start()]))
                parts.append(book_domain(match.group(0), match.group(0)))
                start = match.end()
            if start < len(value):
                parts.append(nodes.Text(value[start:]))
            parent, index = text.parent, text.parent.index(text)
            parent.remove(text)
            for offset, part in enumerate(parts):
                parent.insert(index + offset, part)


def setup(app: Sphinx) -> dict:
    # Only the LaTeX builder meets this node; other writers would print its text.
    app.add_node(book_domain, latex=(visit_domain_latex, None), html=(visit_as_text, depart_as_text),
                 text=(visit_as_text, depart_as_text))
    app.connect("config-inited", _latex_preamble)
    app.add_post_transform(Addresses)
    app.add_post_transform(Ties)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
