"""Dated events, tagged where the text tells them (stub: records nothing yet).

In a chapter::

   .. event:: 1941-06-22
      :source: Key2000word, Other2001word

      Germany invades the Soviet Union (Operation Barbarossa).

The date is ISO 8601 at the precision known: ``1941``, ``1941-06`` or
``1941-06-22``.  ``:source:`` names the references.bib keys that support the
event.  The one-line content is the event as the timeline shows it.  In the
chapter the directive leaves only an anchor (``event-<date>-<n>``).
"""

from __future__ import annotations

import re

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class EventDirective(SphinxDirective):
    required_arguments = 1
    has_content = True
    option_spec = {"source": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        date = self.arguments[0]
        if not DATE.match(date):
            raise self.error(f"event date {date!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        if not self.content:
            raise self.error("an event needs a one-line description")
        serial = self.env.new_serialno("event")
        target = nodes.target("", "", ids=[f"event-{date}-{serial}"])
        return [target]


def setup(app: Sphinx) -> dict:
    app.add_directive("event", EventDirective)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
