"""Dated events, tagged where the text tells them, and the timeline of them all.

In a chapter::

   .. event:: 1941-06-22
      :source: Key2000word, Other2001word

      Germany invades the Soviet Union (Operation Barbarossa).

The date is ISO 8601 at the precision known: ``1941``, ``1941-06`` or
``1941-06-22``.  ``:source:`` names the bibliography keys that support the
event (required).  The one-line content is the event as the timeline shows
it.  In the chapter the directive leaves only an anchor,
``event-<date>-<n>`` (n counts the events of the page from 0).

On the timeline page::

   .. timeline::

lists every event of the book in chronological order (events of the same
date in reading order), each with a link to the place that tells it, named
by its numbered section, and its sources as citations that link to the
bibliography (resolved by sphinxcontrib-bibtex, so an unknown key fails the
build like any other citation).

How it works, and why it is safe with ``-j auto`` and incremental builds:
the event directive records each event in the environment
(``env.book_events``, per page; merged from parallel readers by
``env-merge-info``, dropped by ``env-purge-doc``), and ``doctree-read`` adds
the section that encloses it.  The timeline directive leaves a placeholder
that a post-transform fills in when the page is written, with the events of
the whole book, before Sphinx resolves references (so its citations and
links are resolved like hand-written ones).  Whenever any page was read
again, ``env-get-updated`` sends the timeline page to be written again.

:func:`scan_events` finds the same events in the sources without Sphinx; the
drawn timeline figure (bookfigures.py) is made from it before reading starts.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.utils import smartquotes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxSmartQuotes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode

logger = logging.getLogger(__name__)

SHAPE = re.compile(r"^(?P<year>\d{4})(-(?P<month>\d{2})(-(?P<day>\d{2}))?)?$")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
FORMS = "YYYY, YYYY-MM or YYYY-MM-DD, for example 1949, 1949-08 or 1949-08-29"


def _as_iso(text: str) -> str | None:
    """A date written in words ("29 August 1949", "August 29, 1949",
    "August 1949") in the form the directive takes, or None."""
    months = {m.lower(): i for i, m in enumerate(MONTHS, 1)} | {m[:3].lower(): i for i, m in enumerate(MONTHS, 1)}
    found = re.fullmatch(r"(?:(\d{1,2})\s+)?([A-Za-z]+)\.?\s+(?:(\d{1,2}),?\s+)?(\d{4})", text.strip())
    if not found or found[2].lower() not in months or (found[1] and found[3]):
        return None
    day = found[1] or found[3]
    iso = f"{found[4]}-{months[found[2].lower()]:02d}"
    return f"{iso}-{int(day):02d}" if day else iso


# The years an event of this book can fall in: from well before 1917 (the
# background) to the year after the build's (SOURCE_DATE_EPOCH, as the book
# is dated): a year outside is a typing error ("1094" for "1941").
EARLIEST_YEAR = 1700


def latest_year() -> int:
    import os
    import time

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return time.gmtime(int(epoch) if epoch else time.time()).tm_year + 1


def check_date(date: str) -> str | None:
    """What is wrong with an event's date, and what to write; None if it is right."""
    import calendar

    match = SHAPE.match(date)
    if match is None:
        iso = _as_iso(date)
        hint = f"; write {iso}" if iso else ""
        return f"event date {date!r} is not written as {FORMS}{hint}"
    if not EARLIEST_YEAR <= int(match["year"]) <= latest_year():
        return (f"event date {date!r} is outside the years this book can tell ({EARLIEST_YEAR} to "
                f"{latest_year()}): check the year, and write the date as {FORMS}")
    if match["month"] is None:
        return None
    month = int(match["month"])
    if not 1 <= month <= 12:
        return f"event date {date!r} has no month {match['month']}: the month is 01 to 12; write the date as {FORMS}"
    if match["day"] is None:
        return None
    days = calendar.monthrange(int(match["year"]), month)[1]
    if not 1 <= int(match["day"]) <= days:
        return (f"event date {date!r} does not exist: {MONTHS[month - 1]} {match['year']} has {days} days; "
                f"write a day from 01 to {days}, or {match['year']}-{match['month']} if the day is not known")
    return None


def split_keys(value: str) -> list[str]:
    return [key.strip() for key in value.split(",") if key.strip()]


def format_date(date: str) -> str:
    """``1941-06-22`` -> ``22 June 1941``; ``1941-06`` -> ``June 1941``."""
    parts = date.split("-")
    if len(parts) == 1:
        return parts[0]
    month = MONTHS[int(parts[1]) - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{int(parts[2])} {month} {parts[0]}"


# -- The anchor in the chapter --------------------------------------------------


class event_anchor(nodes.General, nodes.Element):
    """Where an event is told: an empty anchor (not a docutils target, which
    transforms would move onto the next paragraph)."""


def visit_anchor_html(self, node: event_anchor) -> None:
    self.body.append(f'<span id="{node["ids"][0]}" class="book-event-anchor"></span>')
    raise nodes.SkipNode


def visit_anchor_latex(self, node: event_anchor) -> None:
    self.body.append(self.hypertarget(node["ids"][0], anchor=True))
    raise nodes.SkipNode


def skip(self, node: nodes.Element) -> None:
    raise nodes.SkipNode


class EventDirective(SphinxDirective):
    required_arguments = 1
    # The whole argument is the date: "29 August 1949" is one (wrong) date,
    # answered with the form to write, not "3 arguments supplied".
    final_argument_whitespace = True
    has_content = True
    option_spec = {"source": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        date = self.arguments[0]
        problem = check_date(date)
        if problem:
            raise self.error(problem)
        if not self.content:
            raise self.error("an event needs a one-line description")
        sources = split_keys(self.options.get("source", ""))
        if not sources:
            raise self.error("an event needs :source: with at least one bibliography key")
        serial = self.env.new_serialno("event")
        anchor = f"event-{date}-{serial}"
        events = _events(self.env).setdefault(self.env.docname, [])
        events.append({
            "date": date,
            "text": self.educated(" ".join(line.strip() for line in self.content if line.strip())),
            "sources": sources,
            "anchor": anchor,
            "line": self.lineno,
            "order": serial,
        })
        node = event_anchor(ids=[anchor])
        self.set_source_info(node)
        return [node]

    def educated(self, text: str) -> str:
        """*text* with typographic quotes, as Sphinx's SmartQuotes sets the
        page's own text: the timeline prints it outside any page's doctree,
        after that transform, where a straight quote would stay straight
        (and print as a closing quote at the start of a word in the PDF)."""
        if not SphinxSmartQuotes(self.state.document, None).is_available():
            return text
        language = self.env.settings["language_code"]
        tokens = smartquotes.educate_tokens([("plain", text)], attr=self.config.smartquotes_action,
                                            language=language)
        return "".join(tokens)


def _events(env) -> dict[str, list[dict]]:
    if not hasattr(env, "book_events"):
        env.book_events = {}
    return env.book_events


def _timeline_docs(env) -> set[str]:
    if not hasattr(env, "book_timeline_docs"):
        env.book_timeline_docs = set()
    return env.book_timeline_docs


def _doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    """Note the section (id and title) that encloses each event of the page."""
    events = {e["anchor"]: e for e in _events(app.env).get(app.env.docname, [])}
    top = next(iter(doctree.findall(nodes.section)), None)
    for node in doctree.findall(event_anchor):
        event = events.get(node["ids"][0])
        section = node.parent
        while section is not None and not isinstance(section, nodes.section):
            section = section.parent
        if event is None or section is None:
            continue
        event["section_anchor"] = "" if section is top else "#" + section["ids"][0]
        event["section_title"] = section[0].astext()


# -- The timeline page ------------------------------------------------------------


class timeline_placeholder(nodes.General, nodes.Element):
    """Replaced by the list of events when the page is written."""


class TimelineDirective(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        _timeline_docs(self.env).add(self.env.docname)
        node = timeline_placeholder()
        self.set_source_info(node)
        return [node]


def reading_order(env) -> list[str]:
    """Every page, in the order of the toctrees from the root page."""
    order: list[str] = []

    def visit(docname: str) -> None:
        if docname in order:
            return
        order.append(docname)
        for child in env.toctree_includes.get(docname, []):
            visit(child)

    visit(env.config.root_doc)
    order.extend(sorted(set(env.found_docs) - set(order)))
    return order


def all_events(env) -> list[tuple[str, dict]]:
    """(docname, event) for every event, in chronological, then reading, order."""
    rank = {doc: i for i, doc in enumerate(reading_order(env))}
    found = [(doc, e) for doc, events in _events(env).items() for e in events]
    return sorted(found, key=lambda de: (de[1]["date"], rank.get(de[0], len(rank)), de[1]["order"]))


class TimelineTransform(SphinxPostTransform):
    # Before Sphinx's ReferencesResolver (priority 10): the citations made
    # here are resolved by sphinxcontrib-bibtex like any other.
    default_priority = 5

    def run(self, **kwargs) -> None:
        for placeholder in list(self.document.findall(timeline_placeholder)):
            placeholder.replace_self(self.make_list())

    def make_list(self) -> nodes.Node:
        env, builder = self.env, self.app.builder
        fromdoc = env.docname
        events = all_events(env)
        if not events:
            return nodes.paragraph("", "No event is tagged in the chapters yet.")
        items = nodes.bullet_list(classes=["book-timeline"])
        for docname, event in events:
            para = nodes.paragraph()
            para += nodes.strong("", format_date(event["date"]))
            para += nodes.Text(". " + event["text"].rstrip(".") + ". Told in ")
            secnum = env.toc_secnumbers.get(docname, {}).get(event.get("section_anchor", ""))
            title = event.get("section_title") or env.titles[docname].astext()
            label = (".".join(map(str, secnum)) + " " if secnum else "") + title
            para += make_refnode(builder, fromdoc, docname, event["anchor"],
                                 nodes.inline("", label, classes=["book-timeline-where"]))
            para += nodes.Text(". Source: " if len(event["sources"]) == 1 else ". Sources: ")
            xref = addnodes.pending_xref(
                "", nodes.inline("", ", ".join(event["sources"])),
                refdomain="cite", reftype="p", reftarget=",".join(event["sources"]),
                refdoc=fromdoc, refexplicit=False, refwarn=True,
            )
            # Warnings about the keys point at the chapter, where they are written.
            xref.source, xref.line = env.doc2path(docname), event["line"]
            para += xref
            para += nodes.Text(".")
            items += nodes.list_item("", para, ids=[f"timeline-{event['anchor']}-{docname.replace('/', '-')}"])
        return items


# -- Keeping the environment right (parallel reads, incremental builds) ------------


def _builder_inited(app: Sphinx) -> None:
    app.env.book_pages_read = False


def _purge(app: Sphinx, env, docname: str) -> None:
    env.book_pages_read = True  # a page changed or was removed
    _events(env).pop(docname, None)
    _timeline_docs(env).discard(docname)


def _merge(app: Sphinx, env, docnames, other) -> None:
    for docname in docnames:
        if docname in _events(other):
            _events(env)[docname] = _events(other)[docname]
        if docname in _timeline_docs(other):
            _timeline_docs(env).add(docname)


def _before_read(app: Sphinx, env, docnames: list[str]) -> None:
    env.book_pages_read = env.book_pages_read or bool(docnames)


def _updated(app: Sphinx, env) -> list[str]:
    # Any page read again may have added, changed or dropped an event.
    if getattr(env, "book_pages_read", False):
        return sorted(_timeline_docs(env))
    return []


# -- Finding the events without Sphinx (for the drawn figure) -----------------------

EVENT_LINE = re.compile(r"^(?P<indent>[ \t]*)\.\.[ \t]+event::[ \t]*(?P<date>\S+)[ \t]*$")


def scan_events(srcdir: Path) -> list[dict]:
    """Every ``.. event::`` in the .rst files under *srcdir*, with its date,
    text and sources, read from the text (folders starting with ``_`` are
    skipped: templates and generated files)."""
    found = []
    for path in sorted(Path(srcdir).rglob("*.rst")):
        rel = path.relative_to(srcdir)
        if any(part.startswith(("_", ".")) for part in rel.parts[:-1]):
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            match = EVENT_LINE.match(line)
            # A wrong date is not drawn: the directive fails the build with it.
            if not match or check_date(match["date"]):
                continue
            indent = len(match["indent"].expandtabs())
            sources, text = [], []
            for body in lines[number + 1:]:
                if body.strip() and len(body.expandtabs()) - len(body.expandtabs().lstrip()) <= indent:
                    break
                stripped = body.strip()
                if stripped.startswith(":source:"):
                    sources = split_keys(stripped[len(":source:"):])
                elif stripped and not stripped.startswith(":"):
                    text.append(stripped)
            found.append({"date": match["date"], "text": " ".join(text), "sources": sources,
                          "file": str(rel), "line": number + 1})
    return found


def setup(app: Sphinx) -> dict:
    app.add_node(event_anchor, html=(visit_anchor_html, None), latex=(visit_anchor_latex, None),
                 text=(skip, None), man=(skip, None), texinfo=(skip, None))
    app.add_node(timeline_placeholder)
    app.add_directive("event", EventDirective)
    app.add_directive("timeline", TimelineDirective)
    app.add_post_transform(TimelineTransform)
    app.connect("builder-inited", _builder_inited)
    app.connect("doctree-read", _doctree_read)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-before-read-docs", _before_read)
    app.connect("env-get-updated", _updated)
    return {"version": "1.0", "env_version": 2, "parallel_read_safe": True, "parallel_write_safe": True}
