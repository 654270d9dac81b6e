"""The ``:note:`` role: Chicago notes, one per mark, from references.bib.

Write one mark at the end of the sentence it supports::

    ...in March 1918.\\ :note:`OfficeHistorianNDrecognition; Fic1995collapse, p. 212`

Sources are separated by ";"; each is a key of references.bib, optionally
followed by ", <locator>", written as a Chicago note prints it: "p. 12",
"pp. 12–14", "para. 3", "sec. 2", "chap. 5", "no. 20", "s.v. Bolsheviks"
(plurals "paras.", "secs.", "chaps.", "nos." too).  No locator where no page
or place was seen.

Each mark becomes one numbered note, rendered by citeproc-py with the CSL
style Chicago notes and bibliography, 17th edition, in its variant with
author–title short notes (``chicago-notes-bibliography-subsequent-author-title-17th-edition``):
the first citation of a work in a chapter is a full note, later ones in the
same chapter are short notes (author's surname, short title, locator).  The
17th edition discourages "Ibid." (CMOS 14.34) and so does this book: a note
that repeats the previous note's source is a short note too.

The notes are docutils footnotes: Sphinx's LaTeX writer prints them as page
footnotes in the PDF; on the web and in the EPUB they stand at the end of the
chapter under a "Notes" heading, each mark linking to its note and each note
back to its mark.  An unknown key or a malformed locator stops the build with
the file and line of the mark and what to write instead.

A mark in a figure's caption or legend is the figure's own: lettered a, b,
c, ... in the figure, its note printed under the legend, inside the figure,
as a press sets a table's notes (the first citation of a work in the figure
full, later ones short).  The figure then floats in the PDF with its notes,
and the chapter's numbered notes keep their order on the page.

Each mark keeps the keys of its sources (``book_keys``), which the
bibliography's "cited in" links read (docs/_ext/book/notes/wherecited.py).
"""

from __future__ import annotations

import difflib
import re
import string
from pathlib import Path
from html.parser import HTMLParser

from docutils import nodes
from docutils.transforms import Transform
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole

from . import bibcsl
from . import cslrender
from citeproc import model as _csl_model

logger = logging.getLogger(__name__)

STYLE = "chicago-notes-bibliography-subsequent-author-title-17th-edition"

# How a locator is written (as a Chicago note prints it) -> its CSL label.
LABELS = {
    "p.": "page", "pp.": "page",
    "para.": "paragraph", "paras.": "paragraph",
    "sec.": "section", "secs.": "section",
    "chap.": "chapter", "chaps.": "chapter",
    "no.": "number", "nos.": "number",
    "s.v.": "sub-verbo", "s.vv.": "sub-verbo",
}
_SINGULAR = ("p.", "para.", "sec.", "chap.", "no.")
_NUMBER = r"[0-9ivxlcdm]+[a-z]?"
_LOCATOR_HELP = (
    'write the locator as a Chicago note prints it: "p. 12", "pp. 12–14", "para. 3", "sec. 2", '
    '"chap. 5", "no. 20" or "s.v. Bolsheviks"; or leave it out if no page or place was seen'
)


class NoteError(ValueError):
    pass


def parse_locator(text: str) -> tuple[str, str]:
    """ "pp. 12–14" -> ("page", "12–14"); raise NoteError if malformed."""
    text = " ".join(text.split())
    match = re.fullmatch(r"(s\.vv?\.)\s+(\S.*)", text)
    if match:
        return LABELS[match.group(1)], match.group(2)
    match = re.fullmatch(r"([a-z]+\.)\s*(\S.*)", text)
    if not match or match.group(1) not in LABELS:
        raise NoteError(f'malformed locator "{text}": {_LOCATOR_HELP}')
    term, value = match.groups()
    single = rf"{_NUMBER}"
    several = rf"{_NUMBER}\s*[–-]\s*{_NUMBER}|{_NUMBER}(?:\s*,\s*{_NUMBER})+"
    if term in _SINGULAR:
        if not re.fullmatch(single, value, re.I):
            plural = {"p.": "pp.", "para.": "paras.", "sec.": "secs.", "chap.": "chaps.", "no.": "nos."}[term]
            hint = f' (several: "{plural} {value}")' if re.fullmatch(several, value, re.I) else ""
            raise NoteError(f'malformed locator "{text}"{hint}: {_LOCATOR_HELP}')
    elif not re.fullmatch(several, value, re.I):
        raise NoteError(f'malformed locator "{text}" ("{term}" is for several; one: "{term[:-2]}. {value}"): {_LOCATOR_HELP}')
    return LABELS[term], re.sub(r"\s*[–-]\s*", "–", value)


def parse_note(text: str, keys) -> list[tuple[str, str | None, str | None]]:
    """The role's text -> [(key, CSL label or None, locator or None)]."""
    sources = []
    if not text.strip():
        raise NoteError('empty note: write at least one key of references.bib, e.g. :note:`Key2000word, p. 12`')
    for part in text.split(";"):
        part = " ".join(part.split())
        if not part:
            raise NoteError('empty source between ";": separate sources with one ";", e.g. :note:`KeyA; KeyB, p. 3`')
        key, comma, locator = part.partition(",")
        key, locator = key.strip(), locator.strip()
        if re.search(r"\s", key):
            raise NoteError(f'malformed source "{part}": write the key, a comma and the locator ("Key2000word, p. 12"), sources separated by ";"')
        if key not in keys:
            close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.6)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            raise NoteError(f'unknown source key "{key}"{hint}: write a key of references.bib, or add the entry there first')
        if locator:
            label, value = parse_locator(locator)
            sources.append((key, label, value))
        elif comma:
            raise NoteError(f'nothing after the comma in "{part}": {_LOCATOR_HELP}')
        else:
            sources.append((key, None, None))
    return sources


# -- Rendering: citeproc-py with CSL positions ---------------------------------------------

_NUMERIC = re.compile(r"^[a-z]*\d+[a-z]*(?:\s*[-–,&]\s*[a-z]*\d+[a-z]*)*$", re.I)


def _patch_citeproc() -> None:
    """Make citeproc-py 0.11 (pinned) print locators and title case as
    citeproc-js does; tests/test_notes.py compares the two."""
    if getattr(_csl_model.If, "_book_locators", False):
        return
    is_numeric = _csl_model.If._is_numeric

    def is_numeric_locator(self, item):
        # is-numeric="locator" tests the cite's locator ("5", "12–14"), which
        # citeproc-py looks for in the reference and never finds: "chap. 5"
        # would print as "5".
        if self.get("is-numeric").split() == ["locator"]:
            return [item.has_locator and bool(_NUMERIC.match(str(item.locator.identifier)))]
        return is_numeric(self, item)

    def locator_is(self, item):
        # The label is "sub-verbo" in CSL; citeproc-py compared "sub verbo".
        return [item.has_locator and var.replace("-", " ") == item.locator.label.replace("-", " ")
                for var in self.get("locator").split()]

    label_process = _csl_model.Label.process

    def label_if_set(self, item, variable=None, plural=None, context=None, **kwargs):
        # CSL: a cs:label prints only when its variable is set; citeproc-py
        # printed "edition" for an article with no edition.
        name = variable or self.get("variable")
        if name and name != "locator" and name.replace("-", "_") not in item.reference:
            return None
        return label_process(self, item, variable=variable, plural=plural, context=context, **kwargs)

    _csl_model.Label.process = label_if_set
    _csl_model.Substitute.render = _substitute

    def if_render(self, item, context=None, delimiter="", **kwargs):
        if not _branch_matches(self, item, context):
            raise _csl_model.ConditionFailed
        return self.render_children(item, context=context, delimiter=delimiter, **kwargs)

    _csl_model.If.render = if_render
    names_process = _csl_model.Names.process

    def names_unless_substituted(self, item, names_context=None, context=None, **kwargs):
        # CSL: a variable that a cs:substitute rendered is not rendered again
        # in the same cite ("Mastny and Byrne, eds., ...", not "..., ed. Mastny").
        layout = (context if context is not None else self).get_layout()
        done = getattr(layout, "repressed", {}).get(self.tag, [])
        if names_context is None and any(v in done for v in self.get("variable").split()):
            return None
        return names_process(self, item, names_context=names_context, context=context, **kwargs)

    _csl_model.Names.process = names_unless_substituted
    _csl_model.Name.process = _name_process(_csl_model.Name.process)
    _csl_model.If._is_numeric = is_numeric_locator
    _csl_model.If._locator = locator_is
    _csl_model.If._book_locators = True


def _branch_matches(branch, item, context) -> bool:
    """Whether a cs:if / cs:else-if / cs:else of a cs:choose applies to *item*."""
    if not isinstance(branch, _csl_model.If):
        return True  # cs:else
    results = []
    for attribute, test in (("type", branch._type), ("variable", branch._variable),
                            ("is-numeric", branch._is_numeric), ("is-uncertain-date", branch._is_uncertain_date),
                            ("locator", branch._locator)):
        if attribute in branch.attrib:
            results += test(item)
    if "position" in branch.attrib:
        results += branch._position(item, context)
    if "disambiguate" in branch.attrib:
        # citeproc-py does not disambiguate (it took every such branch,
        # printing "ed. Mastny and Byrne" in a short note): render_notes marks
        # the works whose short notes would read alike, as citeproc-js does.
        results.append(str(getattr(item, "key", "")).lower() in _DISAMBIGUATE)
    match = branch.get("match")
    return any(results) if match == "any" else (not any(results)) if match == "none" else all(results)


# The works of the notes being rendered whose short notes read alike
# (render_notes): the disambiguate="true" branches of the style apply to them,
# and those of _EXPAND print their authors' given names too.
_DISAMBIGUATE: set[str] = set()
_EXPAND: set[str] = set()


def _name_process(process):
    def name_expanded(self, item, variable, context=None, sort_options=None, **kwargs):
        if sort_options is None and str(getattr(item, "key", "")).lower() in _EXPAND:
            sort_options = {"form": "long", "initialize-with": None}  # the name in full
        return process(self, item, variable, context=context, sort_options=sort_options, **kwargs)
    return name_expanded


def _substitute(self, item, context=None, **kwargs):
    """cs:substitute, with the cs:names of a cs:choose inside it (Chicago's
    editors, when a work has no author) taking the options of the cs:names
    that holds the substitute, as CSL says; citeproc-py rendered them with
    default options ("V. Mastny, M. Byrne")."""
    names = self.xpath_search("./parent::cs:names[1]")[0]

    def candidates(element):
        for child in element.getchildren():
            if isinstance(child, _csl_model.Choose):
                for branch in child.getchildren():
                    if _branch_matches(branch, item, context):
                        yield from candidates(branch)
                        break
            else:
                yield child

    for child in candidates(self):
        try:
            if isinstance(child, _csl_model.Names) and child.name is None:
                text = child.render(item, names_context=names, context=context, **kwargs)
            else:
                text = child.render(item, context=context, **kwargs)
        except _csl_model.VariableError:
            continue
        if text:
            self.add_to_repressed_list(child, context)
            return text
    return None


def render_notes(items: list[dict], notes: list[list[tuple[str, str | None, str | None]]]) -> list[str]:
    """The notes of one chapter, in order, as HTML (``<i>`` for italics).

    *notes*: for each mark, its sources in the order written, each
    ``(key, CSL locator label, locator)``.  CSL positions come from the order:
    the first citation of a work is a full note, later ones are short.
    """
    from citeproc import Citation, CitationItem, CitationStylesBibliography, Locator, formatter
    from citeproc.source.json import CiteProcJSON

    _patch_citeproc()
    # citeproc-py spaces the words around a nocase span apart: it reads the
    # items without the spans, and title case keeps those words as they are.
    plain = [{k: v.replace(bibcsl.NOCASE[0], "").replace(bibcsl.NOCASE[1], "") if isinstance(v, str) else v
              for k, v in item.items()} for item in items]
    # The data is text: a "<span" in a title or a locator is printed, never
    # taken for markup (cslrender.shield).
    plain = cslrender.shield(plain)
    _DISAMBIGUATE.clear()
    _EXPAND.clear()
    try:
        return _render(plain, notes)
    finally:
        _DISAMBIGUATE.clear()
        _EXPAND.clear()


def _short_notes(plain: list[dict], keys: list[str]) -> dict[str, str]:
    """Each work's short note (no locator), rendered on its own."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    bibliography = CitationStylesBibliography(cslrender.style(STYLE), CiteProcJSON(plain), formatter.html)
    pairs = []
    for key in keys:
        pair = (Citation([CitationItem(key)]), Citation([CitationItem(key)]))
        for citation in pair:
            bibliography.register(citation)
        pairs.append(pair)
    out = {}
    for key, (first, later) in zip(keys, pairs):
        bibliography.cite(first, lambda item: None)
        out[key] = str(bibliography.cite(later, lambda item: None))
    return out


_MONTH_AND_DAY = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)"
                            r"(?:\s+\d{1,2},)?\s+(?=\d{4})")


def _disambiguate(plain: list[dict], keys: list[str]) -> None:
    """As citeproc-js does for this style: works cited in the same notes whose
    short notes would read alike take the style's disambiguate="true" branches
    (Chicago adds the date, CMOS 14.30); where the year tells some of them
    apart but not all, their authors' given names are printed as well."""
    clashes: dict[str, list[str]] = {}
    for key, text in _short_notes(plain, keys).items():
        clashes.setdefault(text, []).append(key.lower())
    groups = [group for group in clashes.values() if len(group) > 1]
    _DISAMBIGUATE.update(key for group in groups for key in group)
    if not groups:
        return
    after = {key.lower(): text for key, text in _short_notes(plain, [k for k in keys if k.lower() in _DISAMBIGUATE]).items()}
    # As citeproc-js, measured against it (tests/test_notes.py): the given
    # names are added when the dates tell some works apart but not all,
    # whether by the whole date or by the year alone ("1917" and "March
    # 1917" count as one year).
    by_year = {key: _MONTH_AND_DAY.sub("", text) for key, text in after.items()}
    for group in groups:
        for told in (after, by_year):
            if 1 < len({told[key] for key in group}) < len(group):
                _EXPAND.update(group)


def _render(plain: list[dict], notes) -> list[str]:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, Locator, formatter
    from citeproc.source.json import CiteProcJSON

    cited = list(dict.fromkeys(key for sources in notes for key, _label, _locator in sources))
    _disambiguate(plain, cited)
    bibliography = CitationStylesBibliography(cslrender.style(STYLE), CiteProcJSON(plain), formatter.html)
    citations = []
    for sources in notes:
        citation = Citation([
            CitationItem(key, **({"locator": Locator(label, cslrender.shield(locator))} if locator else {}))
            for key, label, locator in sources
        ])
        bibliography.register(citation)
        citations.append(citation)
    out = []
    for citation in citations:
        # citeproc-py orders a note's sources by their first citation in the
        # chapter; a note keeps the order its author wrote.
        for cite in citation.cites:
            bibliography.keys.remove(cite.key)
            bibliography.keys.append(cite.key)
        text = cslrender.punctuate(str(bibliography.cite(citation, lambda item: None)))
        out.append(cslrender.safe_html(cslrender.unshield(text)))
    return out


# -- The role and its placeholder -----------------------------------------------------


class note_mark(nodes.Inline, nodes.Element):
    """Where a note's mark stands until the chapter's notes are rendered."""


def _bib_entries(env) -> dict:
    return env.get_domain("cite").bibdata.data.entries


class NoteRole(SphinxRole):
    def run(self):
        try:
            sources = parse_note(self.text, _bib_entries(self.env))
        except NoteError as exc:
            # An error, not a warning: it fails the build even without -W.
            logger.error(f":note:`{self.text}`: {exc}", location=self.get_location(), type="note", subtype="syntax")
            return [nodes.inline(self.rawtext, self.rawtext)], []
        source, line = self.get_source_info()
        node = note_mark(self.rawtext, sources=sources)
        node.source, node.line = source, line
        return [node], []


# -- The chapter's notes ------------------------------------------------------------------


class _HTMLToNodes(HTMLParser):
    """citeproc-py's HTML (text, <i>, <b>) as docutils nodes; URLs become links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[nodes.Element] = [nodes.inline()]

    def handle_starttag(self, tag, attrs):
        node = {"i": nodes.emphasis, "b": nodes.strong}.get(tag, nodes.inline)()
        self.stack[-1] += node
        self.stack.append(node)

    def handle_endtag(self, tag):
        if len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data):
        parent = self.stack[-1]
        pos = 0
        for match in re.finditer(r"https?://[^\s<>]+?(?=[.,;:]?(?:\s|$))", data):
            if match.start() > pos:
                parent += nodes.Text(data[pos:match.start()])
            url = match.group(0)
            parent += nodes.reference(url, url, refuri=url)
            pos = match.end()
        if pos < len(data):
            parent += nodes.Text(data[pos:])


def html_to_nodes(text: str) -> list[nodes.Node]:
    parser = _HTMLToNodes()
    parser.feed(text)
    parser.close()
    return list(parser.stack[0].children)


class NotesTransform(Transform):
    """At read time, before docutils numbers footnotes: render the chapter's
    notes in order and turn each mark into a numbered footnote."""

    # docutils' Footnotes transform (620) numbers them.
    default_priority = 500

    def apply(self) -> None:
        env = self.document.settings.env
        marks = list(self.document.findall(note_mark))
        if not marks:
            return
        # A change to references.bib re-reads the chapters that cite it.
        for bibfile in env.get_domain("cite").bibdata.bibfiles:
            env.note_dependency(str(Path(bibfile).resolve()))
        entries = _bib_entries(env)
        figures: dict[int, tuple[nodes.figure, list[note_mark]]] = {}
        in_text = []
        for mark in marks:
            figure = _figure_of(mark)
            if figure is None:
                in_text.append(mark)
            else:
                figures.setdefault(id(figure), (figure, []))[1].append(mark)
        for figure, figure_marks in figures.values():
            self.figure_notes(figure, figure_marks, entries)
        marks = in_text
        if not marks:
            return
        keys = sorted({key for mark in marks for key, _l, _v in mark["sources"]})
        items = [bibcsl.csl_item(key, entries[key]) for key in keys]
        texts = render_notes(items, [mark["sources"] for mark in marks])
        footnotes = []
        for number, (mark, text) in enumerate(zip(marks, texts), start=1):
            name = f"note-{number}"
            ref = nodes.footnote_reference(mark.rawsource, auto=1, refname=name, ids=[f"note-ref-{number}"])
            ref["classes"].append("book-note-ref")
            ref["book_keys"] = [key for key, _l, _v in mark["sources"]]
            # The works a mark cites, readable in the HTML: class="cites-<key>".
            ref["classes"] += [f"cites-{key.lower()}" for key in ref["book_keys"]]
            ref.source, ref.line = mark.source, mark.line
            self.document.note_autofootnote_ref(ref)
            self.document.note_footnote_ref(ref)
            self.document.set_id(ref)
            mark.replace_self(ref)
            footnote = nodes.footnote("", auto=1, names=[name], classes=["book-note"])
            footnote.source, footnote.line = mark.source, mark.line
            footnote += nodes.paragraph("", "", *html_to_nodes(text))
            self.document.note_autofootnote(footnote)
            self.document.note_explicit_target(footnote, footnote)
            footnotes.append(footnote)
        # At the end of the chapter (in its last section, where a closing
        # directive would stand); the PDF moves each to its mark's page.
        last = self.document
        while True:
            sections = [child for child in last.children if isinstance(child, nodes.section)]
            if not sections:
                break
            last = sections[-1]
        heading = addnodes.only(expr="html")
        heading += nodes.rubric("", "Notes", classes=["book-notes-heading"])
        last += heading
        last.extend(footnotes)

    def figure_notes(self, figure: nodes.figure, marks: list[note_mark], entries) -> None:
        """The figure's own notes, lettered, under its legend."""
        if len(marks) > len(string.ascii_lowercase):
            raise ValueError(f"{marks[0].source}:{marks[0].line}: a figure with more than 26 notes")
        keys = sorted({key for mark in marks for key, _l, _v in mark["sources"]})
        texts = render_notes([bibcsl.csl_item(key, entries[key]) for key in keys], [m["sources"] for m in marks])
        name = (figure["ids"] or [f"figure-{self.document.settings.env.new_serialno('book-figure')}"])[0]
        notes_block = nodes.container(classes=["book-figure-notes"])
        for letter, mark, text in zip(string.ascii_lowercase, marks, texts):
            note_id, ref_id = f"{name}-note-{letter}", f"{name}-note-ref-{letter}"
            book_keys = [key for key, _l, _v in mark["sources"]]
            ref = nodes.reference("", letter, refid=note_id, internal=True,
                                  classes=["book-figure-note-ref"] + [f"cites-{key.lower()}" for key in book_keys])
            ref["book_keys"] = book_keys
            anchor = nodes.target("", "", ids=[ref_id])
            sup = nodes.superscript("", "", anchor, ref)
            sup.source, sup.line = mark.source, mark.line
            mark.replace_self(sup)
            back = nodes.reference("", letter, refid=ref_id, internal=True, classes=["book-figure-note-back"])
            paragraph = nodes.paragraph("", "", nodes.target("", "", ids=[note_id]), back, nodes.Text(" "),
                                        *html_to_nodes(text), classes=["book-figure-note"])
            paragraph.source, paragraph.line = mark.source, mark.line
            notes_block += paragraph
            for node_id, node in ((ref_id, anchor), (note_id, paragraph)):
                self.document.ids[node_id] = node
        legend = next((child for child in figure.children if isinstance(child, nodes.legend)), None)
        if legend is None:
            legend = nodes.legend()
            figure += legend
        legend += notes_block


def _figure_of(node: nodes.Node) -> nodes.figure | None:
    """The figure whose caption or legend holds *node*, if any."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.figure):
            return parent
        parent = parent.parent
    return None


# A figure's notes in the PDF: under its legend, set as footnotes are, ragged
# right (Sphinx wraps them in sphinxuseclass, which opens this environment).
LATEX_FIGURE_NOTES = r"""
\newenvironment{sphinxclassbook-figure-notes}{\par\smallskip\raggedright\footnotesize}{\par}
"""


def _latex_preamble(app: Sphinx, config) -> None:
    """At config-inited: the LaTeX builder reads latex_elements when it starts."""
    elements = dict(config.latex_elements)
    elements["preamble"] = elements.get("preamble", "") + LATEX_FIGURE_NOTES
    config.latex_elements = elements


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinxcontrib.bibtex")
    app.add_node(note_mark)
    app.add_role("note", NoteRole())
    app.add_transform(NotesTransform)
    app.connect("config-inited", _latex_preamble)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
