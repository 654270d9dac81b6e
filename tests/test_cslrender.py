"""docs/_ext/book/notes/cslrender.py renders as citeproc-js does, on the cases where
citeproc-py alone does not: punctuation inside closing quotes (en-US),
quotes within quotes, straight quotes, Chicago's full given names."""

from __future__ import annotations

import pytest

import citeprocjs
from book.notes import cslrender

CHICAGO = "chicago-notes-bibliography-17th-edition"
MLA = "modern-language-association"
APA = "apa"

BASE = {
    "type": "chapter",
    "author": [{"family": "Gaddis", "given": "John Lewis"}],
    "container-title": "A Book",
    "publisher": "A Press",
    "publisher-place": "New York",
    "issued": {"date-parts": [[1997]]},
    "page": "5-9",
}
TITLES = [
    "3.3 The Marshall Plan and Comecon",  # a plain title: the comma/period goes inside
    "Who Lost China?",  # ends in a question mark: no period added
    "The End.",
    'On the "Iron Curtain" Speech',  # straight quotes inside a quoted title
    "Where “Détente” Ended",  # curly quotes inside a quoted title: single marks
    "The Allies' War",  # an apostrophe, straight
    "Stalin’s <i>Pravda</i>",  # markup inside the quotation
]
ITEMS = [dict(BASE, id=f"item{n}", title=title) for n, title in enumerate(TITLES)] + [
    {
        "id": "article",
        "type": "article-journal",
        "title": "The Origins of the Cold War",
        "author": [{"family": "Schlesinger", "given": "Arthur M."}, {"family": "Smith", "given": "J. R."}],
        "container-title": "Foreign Affairs",
        "volume": "46",
        "issue": "1",
        "page": "22-52",
        "issued": {"date-parts": [[1967, 10]]},
    },
    {
        "id": "encyclopedia",
        "type": "entry-encyclopedia",
        "title": "Bolshevik",
        "container-title": "Encyclopædia Britannica",
        "URL": "https://www.britannica.com/topic/Bolshevik",
        "issued": {"date-parts": [[2024, 3, 1]]},
    },
]
CASES = [(CHICAGO, True), (CHICAGO, False), (MLA, False), (APA, False)]


@pytest.fixture(scope="module")
def reference():
    results = citeprocjs.render([(style, ITEMS, note) for style, note in CASES])
    return {case: dict(zip((i["id"] for i in ITEMS), result)) for case, result in zip(CASES, results)}


@pytest.mark.parametrize("style, note", CASES, ids=["chicago-note", "chicago", "mla", "apa"])
def test_renders_as_citeproc_js(reference, style, note):
    # Leave out what citeproc-py leaves out, or repeats, for reasons outside
    # this module (author-less entries in bibliographies: CSL substitution).
    items = [i for i in ITEMS if note or i["id"] != "encyclopedia"]
    ours = cslrender.render(items, style, note=note)
    for item, html in zip(items, ours):
        assert citeprocjs.text(html) == citeprocjs.text(reference[(style, note)][item["id"]]), item["id"]


def test_plain_output_follows_the_same_rules():
    (plain,) = cslrender.render([ITEMS[0]], CHICAGO, note=True, html=False)
    assert "Comecon,” in A Book" in plain


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("“A”, in", "“A,” in"),
        ("“A”. In", "“A.” In"),
        ("“A?”. In", "“A?” In"),
        ("“A”; in", "“A”; in"),  # semicolons and colons stay outside
        ("“A ‘B’”, in", "“A ‘B,’” in"),
        ("the Allies’, and", "the Allies’, and"),  # an apostrophe is no quotation
        ("“<i>A</i>”, in", "“<i>A</i>,” in"),
        ("“A”, in", "“A,” in"),
        ("Who Lost China?. In", "Who Lost China? In"),
        ("https://example.org/a'b”, x", "https://example.org/a'b”, x"),  # URLs untouched
        ("https://example.org/?.x", "https://example.org/?.x"),
    ],
)
def test_punctuate(raw, expected):
    assert cslrender.punctuate(raw) == expected
