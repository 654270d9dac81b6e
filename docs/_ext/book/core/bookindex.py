"""The book's index: each entry where its word stands, one entry per subject.

1. An ``.. index::`` directive names the entries of the paragraphs that follow
   it, but Sphinx anchors them all where the directive stands, so that the
   PDF's index gives the page on which the paragraph begins, not the page of
   the name.  Here each entry of such a directive moves to the first place,
   in the text that follows (up to the next ``.. index::`` directive or
   section), where its headword is written: the whole headword without its
   parenthesised qualifier ("Gulf War (1990–1991)": "Gulf War"), a name
   inverted for the index by its surname ("Lenin, Vladimir Ilyich": "Lenin";
   "Brest-Litovsk, Treaty of": "Brest-Litovsk").  Notes and editorial marks
   are not searched.  An entry whose headword is not in the text is a build
   warning (an error with -W): index that place with the inline role,
   ``:index:`words <single: Entry>```, which anchors it at the words.

2. A glossary term is indexed (Sphinx does it, as the entry's main page) under
   the term as the glossary prints it, "Arms race", beside the text's "arms
   race": two entries for one subject.  A glossary entry whose headword is a
   text entry's in another case or without its qualifier takes the text
   entry's spelling.  Its ``\\index`` is moved from the glossary's term, where
   LaTeX reads it inside a macro argument (and writes ``\\sphinxhyphen {}``,
   another sort key than the text's ``\\sphinxhyphen{}``), to the start of the
   definition.

3. In the PDF, a legal case ("United States v. Belmont (1937)") is printed in
   italics, its qualifier in roman like every other (conf.py's preamble sets
   ``\\spxextra`` roman).
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.writers.latex import LaTeXTranslator

logger = logging.getLogger(__name__)

QUALIFIER = re.compile(r"\s*\([^()]*\)\s*$")
# Nodes whose text is not the sentence's: notes, editorial marks, targets.
NOT_TEXT = {"note_mark", "ednote_mark", "ednote_sign", "footnote_reference", "footnote",
            "raw", "index", "target", "comment", "substitution_definition"}
# "Name v. Name": a legal case, italic in the index.
LATEX_CASE = re.compile(r"\\spxentry\{([^{}]*? v\. [^{}]*?)\}")


def headword(entry: str) -> str:
    """The headword of an index entry, without its parenthesised qualifier."""
    return QUALIFIER.sub("", entry.split(";", 1)[0]).strip()


def search_word(entry: str) -> str:
    """The words an entry is written as in the text."""
    return headword(entry).split(",", 1)[0].strip()


def subject(entry: str) -> str:
    """What makes two headwords one subject: the same words, in any case."""
    return headword(entry).casefold()


def _is_text(node: nodes.Node) -> bool:
    while node is not None and not isinstance(node, nodes.paragraph):
        if type(node).__name__ in NOT_TEXT:
            return False
        node = node.parent
    return node is not None


def _find(blocks: list[nodes.Node], word: str):
    pattern = re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)")
    for block in blocks:
        for text in block.findall(nodes.Text):
            if not _is_text(text):
                continue
            match = pattern.search(str(text))
            if match:
                return text, match.start()
    return None


class IndexWhereTheWordStands(SphinxTransform):
    """Move each entry of a block ``.. index::`` to its word (module docstring, 1)."""

    default_priority = 400  # before the notes (500): the note marks are still marks

    def apply(self, **kwargs) -> None:
        for index in list(self.document.findall(addnodes.index)):
            if index.get("inline", True) or not isinstance(index.parent, nodes.Element):
                continue
            parent = index.parent
            following = []
            for sibling in parent[parent.index(index) + 1:]:
                if isinstance(sibling, (addnodes.index, nodes.section)):
                    break
                following.append(sibling)
            kept = []
            for entry in index["entries"]:
                kind, value, _tid, main, key = entry
                found = _find(following, search_word(value)) if kind == "single" else None
                if not found:
                    logger.warning("index entry %r: %r is not in the text after the index directive; "
                                   "index the words that name it with :index:`words <single: %s>`",
                                   value, search_word(value), value, location=index)
                    kept.append(entry)
                    continue
                self._anchor(found, (kind, value, main, key))
            index["entries"] = kept
            if not kept:
                previous = parent[parent.index(index) - 1] if parent.index(index) else None
                if isinstance(previous, nodes.target) and not previous.get("refid") and \
                        any(i.startswith("index-") for i in previous["ids"]):
                    parent.remove(previous)
                parent.remove(index)

    def _anchor(self, found, entry) -> None:
        text, start = found
        kind, value, main, key = entry
        targetid = f"index-{self.env.new_serialno('index')}"
        target = nodes.target("", "", ids=[targetid])
        indexnode = addnodes.index(entries=[(kind, value, targetid, main, key)], inline=True)
        # Into the text before the word; within a link or a term, before it.
        holder, child = text.parent, text
        while not isinstance(holder, nodes.paragraph):
            holder, child = holder.parent, holder
        position = holder.index(child)
        if child is text and start:
            before, after = nodes.Text(str(text)[:start]), nodes.Text(str(text)[start:])
            holder.replace(text, [before, target, indexnode, after])
        else:
            holder.insert(position, [target, indexnode])


class GlossaryIndexEntries(SphinxTransform):
    """Move a glossary term's index node into its definition (module docstring, 2)."""

    default_priority = 400

    def apply(self, **kwargs) -> None:
        for term in list(self.document.findall(nodes.term)):
            item = term.parent
            if not isinstance(item, nodes.definition_list_item):
                continue
            definitions = [c for c in item.children if isinstance(c, nodes.definition)]
            paragraphs = [p for p in definitions[0].children if isinstance(p, nodes.paragraph)] if definitions else []
            if not paragraphs:
                continue
            for index in [c for c in term.children if isinstance(c, addnodes.index)]:
                term.remove(index)
                paragraphs[0].insert(0, index)


def _all_entries(env):
    for entries in env.domains.index_domain.entries.values():
        yield from entries


def one_spelling(app: Sphinx, env) -> None:
    """A glossary entry takes the spelling of the text's entry for its subject (docstring, 2).

    The spellings come from the text's entries (never respelled), so that an
    incremental build, whose environment keeps the entries respelled before,
    respells the glossary's doctree read in an earlier build all the same.
    """
    spelling = {}
    for _kind, value, _tid, main, _key in _all_entries(env):
        if not main:
            spelling.setdefault(subject(value), value.split(";", 1)[0].strip())
    env.book_index_spelling = spelling
    for entries in env.domains.index_domain.entries.values():
        entries[:] = [(kind, respelled(spelling, value, main), tid, main, key)
                      for kind, value, tid, main, key in entries]


def respelled(spelling: dict, value: str, main: str) -> str:
    if main and ";" not in value:
        return spelling.get(subject(value), value)
    return value


def respell(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    spelling = getattr(app.env, "book_index_spelling", {})
    for index in doctree.findall(addnodes.index):
        index["entries"] = [(k, respelled(spelling, v, m), t, m, key) for k, v, t, m, key in index["entries"]]


def visit_index_latex(self, node: addnodes.index) -> None:
    """Sphinx's own, with a legal case's name in italics (docstring, 3)."""
    start = len(self.body)
    try:
        LaTeXTranslator.visit_index(self, node)
    finally:
        for position in range(start, len(self.body)):
            self.body[position] = LATEX_CASE.sub(r"\\spxentry{\\emph{\1}}", self.body[position])


def setup(app: Sphinx) -> dict:
    app.add_transform(IndexWhereTheWordStands)
    app.add_transform(GlossaryIndexEntries)
    app.connect("env-updated", lambda app, env: one_spelling(app, env) or [])
    app.connect("doctree-resolved", respell)
    app.add_node(addnodes.index, override=True, latex=(visit_index_latex, None))
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 1}
