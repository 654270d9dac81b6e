"""references.bib entries as CSL-JSON items, for citeproc-py.

references.bib stays the book's one database.  The notes (docs/_ext/book/notes/notes.py)
render its entries with a CSL style; this module turns each pybtex entry (as
sphinxcontrib-bibtex parsed it) into the CSL-JSON item a CSL processor reads:
authors and editors, titles, container, publisher and place, date, volume,
issue, pages, edition, URL, DOI, ISBN.  LaTeX in the fields is decoded
(``{\\"u}`` → ü, ``--`` → –, ``\\ldots`` → …) and the case-protecting braces
dropped.  The editors' ``note`` field is not carried over: it belongs on the
bibliography page, not in a note.
"""

from __future__ import annotations

import codecs
import re

import latexcodec  # noqa: F401  (registers the "ulatex" codec)

# BibTeX entry type -> CSL type.  @misc with a URL is a web page; without one,
# a document.  biblatex's entrysubtype tells a newspaper or magazine article
# from a journal's.
TYPES = {
    "article": "article-journal",
    "book": "book",
    "booklet": "pamphlet",
    "collection": "book",  # biblatex: an edited volume
    "mvbook": "book",
    "mvcollection": "book",
    "online": "webpage",
    "report": "report",
    "thesis": "thesis",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "manual": "report",
    "mastersthesis": "thesis",
    "phdthesis": "thesis",
    "proceedings": "book",
    "techreport": "report",
    "unpublished": "manuscript",
}
ARTICLE_SUBTYPES = {"newspaper": "article-newspaper", "magazine": "article-magazine"}
MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}
LANGUAGES = {"english": "en", "german": "de", "ngerman": "de", "french": "fr", "russian": "ru"}


def _decode(value: str) -> str:
    # latexcodec leaves an escaped dollar sign, "\\$", as it is.
    value = value.replace("\\ ", " ").replace("~", "\u00a0").replace("\\$", "$")
    try:
        return codecs.decode(value, "ulatex")
    except Exception:  # an unknown macro: keep the text as written
        return value


def text(value: str) -> str:
    """A BibTeX field's value as plain Unicode: LaTeX decoded, braces dropped."""
    return re.sub(r"\s+", " ", _decode(value).replace("{", "").replace("}", "")).strip()


NOCASE = ('<span class="nocase">', "</span>")
# Words that title case must leave alone: a web address ("bpb.de",
# "Archontology.org") and a word cased on purpose ("al-Faisal").
KEEP_CASE = re.compile(
    r"(?<![\w.])(?:[A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)*\.(?:org|com|net|gov|edu|int|de|uk|eu|ru|info)\b"
    r"|[a-z]+-?[A-Z][\w-]*)"
)


def title(value: str) -> str:
    """A title for CSL-JSON: plain text, with the words title case must leave
    alone marked ``<span class="nocase">``, as CSL-JSON marks them."""
    return KEEP_CASE.sub(lambda m: NOCASE[0] + m.group(0) + NOCASE[1], text(value))


def name(person) -> dict:
    """A pybtex Person as a CSL name; a {{Corporate Author}} stays one literal name."""
    last = " ".join(person.last_names)
    if not person.first_names and not person.middle_names and last.startswith("{") and last.endswith("}"):
        return {"literal": text(last)}
    out = {"family": text(" ".join(person.prelast_names + person.last_names))}
    given = " ".join(person.first_names + person.middle_names)
    if given:
        out["given"] = text(given)
    if person.lineage_names:
        out["suffix"] = text(" ".join(person.lineage_names))
    return out


def _date(fields) -> dict | None:
    if "date" in fields:
        # "XXXX": biblatex's form for a date nobody saw.
        parts = [int(p) for p in re.findall(r"\d+", fields["date"])[:3]]
        return {"date-parts": [parts]} if parts else None
    if "year" not in fields:
        return None
    parts = [int(re.sub(r"\D", "", fields["year"]) or 0)]
    month = fields.get("month", "").strip().lower()
    if month:
        number = MONTHS.get(month) or (int(month) if month.isdigit() else None)
        if number:
            parts.append(number)
            if fields.get("day", "").strip().isdigit():
                parts.append(int(fields["day"]))
    return {"date-parts": [parts]}


def _chapter(value: str) -> tuple[str | None, str | None]:
    """BibTeX's ``chapter``: a number, a title, or "5, ``Title''": (number, title)."""
    value = text(value)
    match = re.fullmatch(r"(\d+)(?:,\s*(.+))?", value)
    if match:
        number, title = match.groups()
    else:
        number, title = None, value
    if title:
        title = title.strip().strip("“”\"'").strip()
    return number, title or None


def csl_item(key: str, entry) -> dict:
    """The CSL-JSON item of one pybtex entry."""
    fields = {k.lower(): v for k, v in entry.fields.items()}
    kind = entry.type.lower()
    csl_type = TYPES.get(kind, "webpage" if "url" in fields else "document")
    if kind == "article":
        csl_type = ARTICLE_SUBTYPES.get(fields.get("entrysubtype", "").lower(), csl_type)
    item: dict = {"id": key, "type": csl_type}
    for role in ("author", "editor", "translator"):
        if entry.persons.get(role):
            item[role] = [name(p) for p in entry.persons[role]]
    title_ = title(fields.get("title", ""))
    container = fields.get("booktitle") or fields.get("journal")
    if kind == "inbook" or "chapter" in fields:
        # A chapter: biblatex writes a chapter of a one-author book as the
        # book with its chapter field.
        number, chapter_title = _chapter(fields.get("chapter", ""))
        if chapter_title:
            item["type"] = "chapter"
            item["title"], item["container-title"] = chapter_title, title_
        else:
            item["type"], item["title"] = "book", title_
        if number:
            item["chapter-number"] = number
    else:
        item["title"] = title_
        if container:
            item["container-title"] = title(container)
    if "howpublished" in fields:
        # A web page's site, or where a document was issued.
        item["container-title" if csl_type == "webpage" else "publisher"] = title(fields["howpublished"])
    publisher = fields.get("publisher") or fields.get("institution") or fields.get("school") or fields.get("organization")
    if publisher:
        if "publisher" in item:  # howpublished took it: the organisation is the site's owner
            item["container-title"] = item.pop("publisher")
        item["publisher"] = text(publisher)
    if "address" in fields:
        item["publisher-place"] = text(fields["address"])
    date = _date(fields)
    if date:
        item["issued"] = date
    for bib, csl in (("volume", "volume"), ("edition", "edition"), ("series", "collection-title"),
                     ("pages", "page"), ("isbn", "ISBN"), ("issn", "ISSN"), ("doi", "DOI"), ("url", "URL")):
        if bib in fields:
            item[csl] = text(fields[bib]) if bib not in ("url", "doi") else fields[bib].strip()
    if "number" in fields:
        item["issue" if csl_type.startswith("article") else "number"] = text(fields["number"])
    if "urldate" in fields:
        item["accessed"] = {"date-parts": [[int(p) for p in re.findall(r"\d+", fields["urldate"])[:3]]]}
    language = (fields.get("langid") or fields.get("language") or "").strip().lower()
    if language:
        item["language"] = LANGUAGES.get(language, language)
    return item
