"""The figures and the timeline, in every edition, and their rebuilds.

The book's own pages carry the two maps and the timeline figure; the tiny
book in tests/roots/test-timeline carries tagged events in two chapters, so
that the timeline page can be checked against the sources.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, run_build
from test_editions import normalise, pdftotext, soup
from book.figures.timeline import format_date, scan_events

FIGURES = {
    # figure name: (page, drawn file stem)
    "fig-map-world": ("introduction", "map-world"),
    "fig-map-blocs": ("cold-war", "map-blocs"),
    "fig-timeline": ("timeline", "timeline"),
    "fig-stockpiles": ("detente", "stockpiles"),
}

# Charts drawn from a data file: figure name -> the file, under docs/_data.
DATA_FIGURES = {"fig-stockpiles": "nuclear-stockpiles.csv"}


def generated(root: Path) -> dict[str, float]:
    """Modification time of every drawn file under docs/_generated."""
    return {p.name: p.stat().st_mtime_ns for p in sorted((root / "docs" / "_generated").iterdir())}


# -- The book's figures -----------------------------------------------------------


@pytest.mark.parametrize("name", FIGURES)
def test_figure_is_in_the_html_with_alt_text_and_an_svg(book, name):
    page, stem = FIGURES[name]
    figure = soup(book.html / f"{page}.html").find("figure", id=name)
    assert figure is not None, f"no figure {name} on {page}.html"
    img = figure.find("img")
    assert len(img.get("alt", "")) > 40, "the alt text does not describe the figure"
    # The web edition defers the image (docs/_ext/book/web/lazyfigures.py): its address
    # is in data-src, and a <noscript> copy carries it for readers without
    # JavaScript.
    src = img.get("data-src") or img["src"]
    assert src.endswith(f"{stem}.svg")
    fallback = figure.find("noscript")
    assert fallback is None or f"{stem}.svg" in fallback.decode_contents()
    svg = (book.html / unquote(src)).resolve()
    assert svg.is_file() and b"<svg" in svg.read_bytes()[:2000]
    assert normalise(figure.find("figcaption").get_text()).startswith("Fig. ")


@pytest.mark.parametrize("name", FIGURES)
def test_figure_caption_is_in_the_pdf(book, name):
    page, _ = FIGURES[name]
    caption = soup(book.html / f"{page}.html").find("figure", id=name).find("span", class_="caption-text")
    first_words = " ".join(normalise(caption.get_text()).split()[:5])
    assert first_words in normalise(pdftotext(book.pdf)), first_words


def test_pdf_figures_are_vector(book):
    """LaTeX includes the PDF drawings (vector), not a bitmap."""
    latex = book.out / "work" / "latex"
    tex = (latex / book.identity["pdf_name"].replace(".pdf", ".tex")).read_text(encoding="utf-8")
    for _, stem in FIGURES.values():
        assert re.search(rf"\\sphinxincludegraphics[^{{]*\{{\{{{stem}\}}\.pdf\}}", tex), stem


def test_epub_carries_the_svg_figures(book):
    with zipfile.ZipFile(book.epub) as epub:
        names = epub.namelist()
    for _, stem in FIGURES.values():
        assert any(n.endswith(f"{stem}.svg") for n in names), stem


def test_maps_cite_their_sources(book):
    """Membership lists and map data are cited, and the citations resolve."""
    page = soup(book.html / "cold-war.html")
    figure = page.find("figure", id="fig-map-blocs")
    links = [a["href"] for a in figure.select("a.book-figure-note-ref")]
    assert len(links) >= 3, links
    for href in links:
        # The figure's own notes, under its legend (docs/_ext/book/notes/notes.py).
        note = figure.find(id=href.split("#", 1)[1])
        assert note is not None and note.find_parent("p", class_="book-figure-note") is not None, href


@pytest.mark.parametrize("name", DATA_FIGURES)
def test_a_chart_states_no_number_that_is_not_in_its_data(book, name):
    """Every number the alt text or the caption gives (a count, a year) is
    a value or a year of the chart's data file: nothing is plotted or said
    that the data do not hold."""
    page, _ = FIGURES[name]
    figure = soup(book.html / f"{page}.html").find("figure", id=name)
    data = (ROOT / "docs" / "_data" / DATA_FIGURES[name]).read_text(encoding="utf-8")
    rows = [line.split(",") for line in data.splitlines() if line and not line.startswith("#")][1:]
    assert rows, f"docs/_data/{DATA_FIGURES[name]} has no rows"
    held = {cell.strip() for row in rows for cell in row[1:]}
    caption = figure.find("figcaption")
    for note in caption.select(".book-figure-note, .book-figure-note-ref"):
        note.decompose()  # the sources' own dates are not data
    said = figure.find("img")["alt"] + " " + caption.get_text(" ")
    numbers = {n.replace(",", "") for n in re.findall(r"\b\d{1,3}(?:,\d{3})+\b|\b\d+\b", said)}
    numbers -= {"1", "2"}  # "Fig. 2", figure numbers; a count of one or two is not a datum here
    strange = sorted(n for n in numbers if n not in held and not re.fullmatch(r"\d", n))
    assert not strange, f"{name}: numbers not in docs/_data/{DATA_FIGURES[name]}: {strange}"


def test_figures_have_a_light_opaque_background(book):
    for _, stem in FIGURES.values():
        svg = next(book.html.joinpath("_images").glob(f"{stem}*.svg")).read_text(encoding="utf-8")
        # matplotlib's figure patch: the first path filled white.
        assert re.search(r"style=\"fill: #ffffff\"", svg), stem


# -- The timeline page --------------------------------------------------------------


@pytest.fixture(scope="module")
def timeline_items(timeline_good):
    return soup(timeline_good.html / "timeline.html").select("ul.book-timeline > li")


def test_timeline_lists_every_event_exactly_once(timeline_good, timeline_items):
    events = scan_events(timeline_good.root / "docs")
    assert len(events) == 5
    texts = [normalise(li.get_text()) for li in timeline_items]
    assert len(texts) == len(events)
    for event in events:
        matching = [t for t in texts if event["text"].rstrip(".") in t]
        assert len(matching) == 1, (event, texts)
        assert matching[0].startswith(format_date(event["date"]) + ".")


def test_timeline_is_chronological(timeline_items):
    text = [normalise(li.get_text()) for li in timeline_items]
    order = ["Allied troops land", "recognises the Soviet Union", "Germany invades",
             "The same day", "SALT I"]
    positions = [next(i for i, t in enumerate(text) if word in t) for word in order]
    assert positions == sorted(positions), text


def test_timeline_links_resolve_to_anchors(timeline_good, timeline_items):
    html = timeline_good.html
    for li in timeline_items:
        links = li.find_all("a", href=True)
        where = [a for a in links if "bibliography.html" not in a["href"]]
        cites = [a for a in links if "bibliography.html" in a["href"]]
        assert len(where) == 1 and cites, li
        for a in where + cites:
            page, _, anchor = unquote(a["href"]).partition("#")
            assert anchor, a["href"]
            target = soup(html / page).find(id=anchor)
            assert target is not None, a["href"]
        # The event's link names its numbered section (or chapter).
        assert re.match(r"\d+(\.\d+)* ", where[0].get_text()), where[0].get_text()


def test_timeline_names_the_enclosing_section(timeline_items):
    text = {normalise(li.get_text()) for li in timeline_items}
    assert any("Germany invades" in t and "Told in 1.1 The war" in t for t in text), text
    assert any("recognises" in t and "Told in 1 Early" in t for t in text), text
    assert any("SALT I" in t and "Told in 2.1 Détente" in t for t in text), text


def test_timeline_in_the_pdf(timeline_good):
    text = normalise(pdftotext(timeline_good.html / "soviet-us-relations.pdf"))
    assert "22 June 1941. Germany invades the Soviet Union." in text
    assert "The periods and the events." in text


# -- Rebuilds -----------------------------------------------------------------------


def test_new_event_appears_and_figures_redraw_only_when_their_inputs_change(timeline_copy):
    root = timeline_copy
    before = generated(root)
    assert {"map-world.svg", "map-blocs.pdf", "timeline.svg", "timeline.pdf"} <= set(before)

    # Nothing changed: nothing is drawn again.
    assert run_build(root, "html").returncode == 0
    assert generated(root) == before

    # An edit that adds no event: still nothing drawn.
    late = root / "docs" / "late.rst"
    late.write_text(late.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert run_build(root, "html").returncode == 0
    assert generated(root) == before

    # A new event, and no other edit: listed, and the timeline figure redrawn.
    late.write_text(late.read_text(encoding="utf-8") + (
        "\n.. event:: 1987-12-08\n   :source: Alpha1990events\n\n"
        "   The INF Treaty is signed in Washington.\n"), encoding="utf-8")
    result = run_build(root, "html")
    assert result.returncode == 0, result.output
    page = normalise(soup(root / "_build" / "html" / "timeline.html").get_text())
    assert "8 December 1987. The INF Treaty is signed in Washington." in page
    after = generated(root)
    assert after["timeline.svg"] > before["timeline.svg"]
    assert after["timeline.pdf"] > before["timeline.pdf"]
    for name in ("map-world.svg", "map-world.pdf", "map-blocs.svg", "map-blocs.pdf"):
        assert after[name] == before[name], name

    # The maps' code changes: the maps are drawn again, the timeline is not.
    code = root / "docs" / "_ext" / "book" / "figures" / "draw_maps.py"
    code.write_text(code.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert run_build(root, "html").returncode == 0
    again = generated(root)
    assert again["map-world.svg"] > after["map-world.svg"]
    assert again["map-blocs.pdf"] > after["map-blocs.pdf"]
    assert again["timeline.svg"] == after["timeline.svg"]


def test_drawn_files_are_byte_reproducible(book, timeline_good):
    """Two builds in two folders draw the same maps, byte for byte."""
    for name in ("map-world.svg", "map-world.pdf", "map-blocs.svg", "map-blocs.pdf"):
        a = (book.root / "docs" / "_generated" / name).read_bytes()
        b = (timeline_good.root / "docs" / "_generated" / name).read_bytes()
        assert a == b, name


def test_event_with_unknown_source_fails_the_build(timeline_copy):
    early = timeline_copy / "docs" / "early.rst"
    text = early.read_text(encoding="utf-8").replace(":source: Beta2001dates", ":source: Nobody1999nothing", 1)
    early.write_text(text, encoding="utf-8")
    line = text[: text.index("Nobody1999nothing")].count("\n")
    result = run_build(timeline_copy, "html")
    assert result.returncode != 0
    assert 'could not find bibtex key "Nobody1999nothing"' in result.output
    assert "early.rst" in result.output, result.output


def test_event_with_a_bad_date_fails_the_build(timeline_copy):
    early = timeline_copy / "docs" / "early.rst"
    early.write_text(early.read_text(encoding="utf-8").replace("1933-11", "1933-13"), encoding="utf-8")
    result = run_build(timeline_copy, "html")
    assert result.returncode != 0
    assert "early.rst" in result.output and "1933-13" in result.output


# -- Numbering and lettering ---------------------------------------------------------


def test_figures_are_numbered_once_through_the_book_alike_in_every_edition(book):
    """Fig. 1, 2, 3... in reading order (front matter, chapters, back matter),
    and the same numbers in the PDF and the EPUB."""
    from test_pdf import BOOK_PAGES

    html = []
    for docname in BOOK_PAGES:
        for number in soup(book.html / f"{docname}.html").select("figcaption .caption-number"):
            html.append(normalise(number.get_text()).rstrip(":. "))
    assert html == [f"Fig. {n}" for n in range(1, len(html) + 1)], html
    in_pdf = set(re.findall(r"Fig\. \d+(?:\.\d+)*", normalise(pdftotext(book.pdf))))
    assert in_pdf == set(html), f"the PDF numbers its figures {sorted(in_pdf)}, the web {html}"
    with zipfile.ZipFile(book.epub) as epub:
        text = " ".join(BeautifulSoup(epub.read(name), "xml").get_text(" ")
                        for name in epub.namelist() if name.endswith(".xhtml"))
    in_epub = set(re.findall(r"Fig\. \d+(?:\.\d+)*", normalise(text)))
    assert in_epub == set(html), f"the EPUB numbers its figures {sorted(in_epub)}, the web {html}"


def test_figures_are_lettered_in_the_books_sans(book):
    """The drawn PDFs embed Linux Biolinum and no other face (matplotlib's own
    DejaVu Sans would be its fallback)."""
    for stem in ("map-world", "map-blocs", "timeline"):
        drawn = book.root / "docs" / "_generated" / f"{stem}.pdf"
        fonts = subprocess.run(["pdffonts", str(drawn)], capture_output=True, text=True, check=True).stdout
        names = {row.split()[0].split("+")[-1] for row in fonts.splitlines()[2:]}
        assert names and all(name.startswith("LinBiolinum") for name in names), (stem, names)


def test_figure_lettering_too_small_for_print_fails(tmp_path):
    from book.figures import render

    matplotlib = render._matplotlib()
    fig = matplotlib.pyplot.figure(figsize=(7.0, 1.0))
    fig.text(0.1, 0.5, "Too small to read in print", fontsize=5)
    with pytest.raises(render.FigureError, match="Too small to read in print"):
        render.save_reproducibly(fig, tmp_path / "small")
    assert not list(tmp_path.iterdir()), "a figure too small was written"
