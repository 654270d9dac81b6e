"""The book's two bibliography styles, registered with pybtex.

Both start from pybtex's ``plain`` (entries sorted by author, year, title)
and change what a historian would expect changed:

- entries are sorted by author with corporate authors in their place;
- titles of articles, chapters and web pages keep the capitalisation written
  in references.bib and stand in quotation marks (pybtex lower-cases them);
- ``bookfoot``, for the notes at the foot of each page, leaves out the
  editors' ``note`` field, which would bury the reference;
- ``bookfull``, for the bibliography page, prints that field as an
  "Editors' note", so that every reader sees what could not be verified:
  a sentence of its own after the whole reference, whatever the entry's type
  (pybtex's templates would join it to the publisher's sentence with a comma);
- a DOI prints as its address, https://doi.org/… (pybtex writes "doi:…"),
  and a URL without pybtex's "URL:" label;
- an escaped dollar sign, ``\\$`` (BibTeX's and LaTeX's way to write one),
  prints as "$", and ``\\textonehalf`` as "½": latexcodec, which decodes the
  fields, leaves them as they are.
"""

from __future__ import annotations

import re

from pybtex.database import Entry
from pybtex.plugin import register_plugin
from pybtex.richtext import Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.sorting.author_year_title import SortingStyle
from pybtex.style.template import field, href, join, sentence
from sphinx.application import Sphinx


class BookSorting(SortingStyle):
    """Author, year, title; a corporate author, written {{in braces}}, sorts by its
    first letter, not after Z (and editors count when there is no author)."""

    def person_key(self, person):
        return super().person_key(person).replace("{", "").replace("}", "")

    def sorting_key(self, entry):
        author = self.author_editor_key(entry)
        return (author, entry.fields.get("year", ""), entry.fields.get("title", "").replace("{", "").replace("}", ""))


# What a sentence may end with: a full stop, a question or exclamation mark,
# then closing quotation marks or brackets.
SENTENCE_END = re.compile(r"[.?!][”’\"')\]]*$")


# What latexcodec leaves undecoded: an escaped dollar sign (it decodes the
# other escaped characters, ``\\&`` ``\\%`` ``\\#`` ``\\_``, itself) and
# textcomp's fractions; a command and the spaces after it.
UNDECODED = {"textdollar": "$", "textonehalf": "½", "textonequarter": "¼", "textthreequarters": "¾"}
COMMAND = re.compile(r"\\(?:(\$)|([A-Za-z]+)(?:\{\}|\s*))")


def unescape(value: str) -> str:
    """A field as latexcodec can decode it: the commands of UNDECODED
    replaced by their characters."""
    return COMMAND.sub(lambda m: m[1] or UNDECODED.get(m[2], m[0]), value)


def ended(text: Text) -> Text:
    """*text* ending as a sentence: a full stop, unless it ends with one
    already (or with "?", "!"), inside a closing quotation mark or not."""
    return text if SENTENCE_END.search(str(text)) else text + "."


class _BookStyle(PlainStyle):
    default_sorting_style = "book_author_year_title"

    def format_entry(self, label, entry, bib_data=None):
        fields = {k: v if k.lower() in ("url", "doi") else unescape(v) for k, v in entry.fields.items()}
        if fields != dict(entry.fields):
            entry = self._with_fields(entry, fields)
        return super().format_entry(label, entry, bib_data=bib_data)

    def format_doi(self, e):
        """A DOI printed as its address, https://doi.org/…, as Chicago
        (14.8) cites it and as readers copy it; the link's text is its
        target, so the PDF does not print the address again in a footnote."""
        address = join["https://doi.org/", field("doi", raw=True)]
        return href(address)[address]

    def format_url(self, e):
        """The address alone, as Chicago prints it: no "URL:" label."""
        address = field("url", raw=True)
        return href(address)[address]

    def format_title(self, e, which_field, as_sentence=True):
        quoted = join["“", field(which_field), "”"]
        return sentence[quoted] if as_sentence else quoted

    # references.bib is in biblatex's form (biber checks it): two of its types
    # read as the BibTeX types pybtex's styles know.
    def get_book_template(self, e):
        """A chapter of a one-author book, the @book with its chapter field,
        is printed as BibTeX's @inbook: the book, then the chapter."""
        if "chapter" in e.fields:
            return self.get_inbook_template(e)
        return super().get_book_template(e)

    def get_collection_template(self, e):
        """biblatex's edited volume: a book, by its editors."""
        return super().get_book_template(e)

    def _with_fields(self, entry: Entry, fields: dict) -> Entry:
        copy = Entry(entry.type, fields=fields, persons=entry.persons)
        copy.key = entry.key
        return copy


class FootStyle(_BookStyle):
    """Notes at the foot of the page: the reference without the editors' note."""

    def format_entry(self, label, entry, bib_data=None):
        if "note" in entry.fields:
            entry = self._with_fields(entry, {k: v for k, v in entry.fields.items() if k != "note"})
        return super().format_entry(label, entry, bib_data=bib_data)


class FullStyle(_BookStyle):
    """The bibliography page: the reference and the editors' note."""

    def format_entry(self, label, entry, bib_data=None):
        if "note" not in entry.fields:
            return super().format_entry(label, entry, bib_data=bib_data)
        note = entry.fields["note"]
        entry = self._with_fields(entry, {k: v for k, v in entry.fields.items() if k != "note"})
        formatted = super().format_entry(label, entry, bib_data=bib_data)
        text = Text(ended(formatted.text), " ", ended(Text("Editors’ note: ", Text.from_latex(unescape(note)))))
        return FormattedEntry(formatted.key, text, formatted.label)


register_plugin("pybtex.style.sorting", "book_author_year_title", BookSorting)
register_plugin("pybtex.style.formatting", "bookfoot", FootStyle)
register_plugin("pybtex.style.formatting", "bookfull", FullStyle)


def setup(app: Sphinx) -> dict:
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
