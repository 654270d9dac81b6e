"""references.bib as any BibTeX reader reads it: words cased on purpose.

A title is printed in title case by a Chicago note ("Former Saudi Foreign
Minister ...").  A word whose case is part of its spelling and begins with a
lower-case letter, a name with its particle ("al-Faisal") or a brand
("iPhone"), must come through as written.  A BibTeX reader (pandoc, Zotero,
biber) keeps the case of a whole word only when the word is one brace group:
from ``al-{Faisal}`` pandoc's citeproc prints "Al-Faisal", from
``{al-Faisal}`` "al-Faisal".  The book's own processor (citeproc-py, through
docs/_ext/book/notes/bibcsl.py) and citeproc-js must print it as written too.
"""

from __future__ import annotations

import re

from pybtex.database import parse_file

from conftest import ROOT
from test_notes import citeproc_js, visible

from book.notes import bibcsl  # docs/_ext, on sys.path through conftest
from book.notes import notes

# The fields a note or a bibliography may print in title case.
TITLE_FIELDS = ("title", "booktitle", "journaltitle", "journal", "howpublished", "series", "maintitle")


def entries():
    return parse_file(str(ROOT / "references.bib")).entries


def cased_on_purpose(value: str) -> list[str]:
    """The words of a field, as written, that begin with a lower-case letter
    and have a capital further on ("al-{Faisal}", "{iPhone}")."""
    found = []
    for word in value.split():
        letters = re.sub(r"[^\w-]", "", word.replace("{", "").replace("}", ""))
        if letters[:1].islower() and any(c.isupper() for c in letters):
            found.append(word)
    return found


def test_cased_on_purpose_finds_such_words():
    assert cased_on_purpose("Former {Saudi} foreign minister {Saud} al-{Faisal} dies") == ["al-{Faisal}"]
    assert cased_on_purpose("The {iPhone}, a history of bpb.de") == ["{iPhone},"]
    assert cased_on_purpose("The {Molotov-Ribbentrop} {Pact}") == []


def test_a_word_cased_on_purpose_is_one_brace_group():
    problems = []
    for key, entry in entries().items():
        for field in TITLE_FIELDS:
            for word in cased_on_purpose(entry.fields.get(field, "")):
                # One group around the whole word (punctuation after it may stay outside).
                if not re.fullmatch(r"\{[^{}]+\}[.,:;!?)]*", word):
                    bare = re.sub(r"[{}]", "", word).rstrip(".,:;!?)")
                    problems.append(f"references.bib, {key}, {field}: {word!r}: write {{{bare}}}, "
                                    "so that title case leaves it as written")
    assert not problems, "\n".join(problems)


def test_citeproc_py_and_citeproc_js_print_such_words_as_written():
    items, words = [], []
    for key, entry in entries().items():
        found = [re.sub(r"[{}]", "", w).rstrip(".,:;!?)") for field in TITLE_FIELDS
                 for w in cased_on_purpose(entry.fields.get(field, ""))]
        if found:
            items.append(bibcsl.csl_item(key, entry))
            words.append(found)
    ours = [visible(t) for t in notes.render_notes(items, [[(item["id"], None, None)] for item in items])]
    theirs = [visible(t) for t in citeproc_js([{"items": items, "notes": [[{"id": item["id"]}] for item in items]}])[0]]
    for item, found, py, js in zip(items, words, ours, theirs):
        for word in found:
            assert word in py, f"{item['id']}: citeproc-py prints {py!r}, not {word!r}"
            assert word in js, f"{item['id']}: citeproc-js prints {js!r}, not {word!r}"
