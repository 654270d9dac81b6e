"""Chapter offprints: each chapter as its own PDF, cut from the book's PDF.

After the HTML build (which runs after the PDF, named by ``BOOK_PDF``), each
numbered chapter's pages are taken from the book's PDF as they are (the
book's page numbers, head and foot included), behind a first page that says
which book, edition and pages they are and how to cite them, and written to
``offprints/<chapter>.pdf`` in the site.  The chapter's "Cite this chapter"
box links to it and its ``citation_pdf_url`` points to it (citebox.py,
citemeta.py, through :func:`offprint_uri`).  An offprint is cut again only
when the book's PDF or this module changes.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

FOLDER = "offprints"


def book_pdf() -> Path | None:
    path = os.environ.get("BOOK_PDF")
    return Path(path) if path and Path(path).is_file() else None


def offprint_uri(app: Sphinx, docname: str) -> str | None:
    """The offprint's path in the site (``offprints/<chapter>.pdf``) when this
    build makes one for *docname*, else None."""
    if app.builder.name != "html" or book_pdf() is None or not _is_chapter(app, docname):
        return None
    return f"{FOLDER}/{docname}.pdf"


def _is_chapter(app: Sphinx, docname: str) -> bool:
    numbers = app.env.toc_secnumbers.get(docname, {})
    return len(numbers.get("", ())) == 1


def chapter_ranges(pdf: Path, chapters: list[tuple[str, int, str]]) -> dict[str, tuple[int, int]]:
    """{docname: (first, last) page index} of each chapter, from the PDF's outline:
    from the chapter's bookmark ("<number> <title>", or its title alone) to the
    page before the next top-level one, less the blank pages that end it (the
    empty left-hand page before a chapter opening on the right is no page of
    the chapter's, and its citation does not cite it)."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    top = [(item.title.strip(), reader.get_destination_page_number(item))
           for item in reader.outline if not isinstance(item, list)]
    ranges = {}
    for docname, number, chapter_title in chapters:
        for index, (title, page) in enumerate(top):
            if " ".join(title.split()) in (f"{number} {chapter_title}", chapter_title):
                following = [p for _t, p in top[index + 1:] if p > page]
                last = (following[0] - 1) if following else len(reader.pages) - 1
                while last > page and not reader.pages[last].extract_text().strip():
                    last -= 1
                ranges[docname] = (page, last)
                break
    return ranges


def cover_page(path: Path, width_pt: float, height_pt: float, lines: list[tuple[str, float, str]]) -> None:
    """A one-page PDF of *lines* (text, size, weight), set in Linux Libertine."""
    import textwrap

    from bookfigures import FONT_DIR, _matplotlib

    matplotlib = _matplotlib()
    from matplotlib import font_manager

    for name in ("LinLibertine_R.otf", "LinLibertine_RB.otf", "LinLibertine_RI.otf"):
        font_manager.fontManager.addfont(str(FONT_DIR / name))
    plt = matplotlib.pyplot
    fig = plt.figure(figsize=(width_pt / 72, height_pt / 72))
    fig.patch.set_facecolor("white")
    y = 1 - 108 / height_pt
    left = 72 / width_pt
    chars = int((width_pt - 144) / 4.6)
    for text, size, weight in lines:
        if not text:
            y -= 10 / height_pt
            continue
        for line in textwrap.wrap(text, int(chars * 11 / size), break_on_hyphens=False) or [""]:
            fig.text(left, y, line, fontsize=size, weight="bold" if weight == "bold" else "normal",
                     style="italic" if weight == "italic" else "normal",
                     family="Linux Libertine O", va="top", ha="left")
            y -= size * 1.35 / height_pt
        y -= 6 / height_pt
    fig.savefig(path, format="pdf", metadata={"CreationDate": None, "ModDate": None, "Creator": None})
    plt.close(fig)


def _citation(app: Sphinx, book: dict, docname: str, number: str, title: str, pages: str) -> str:
    from booksections import Section
    from citeformats import section_citations

    text = section_citations(book, Section(docname, docname, number, title, pages))["chicago"][0]
    return re.sub(r"<[^>]+>", "", text).replace("&amp;", "&")


def make_offprint(app: Sphinx, pdf: Path, docname: str, first: int, last: int, target: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    from booksections import book_of

    book = book_of(app)
    reader = PdfReader(pdf)
    labels = reader.page_labels
    pages = f"{labels[first]}–{labels[last]}"
    number = ".".join(map(str, app.env.toc_secnumbers[docname][""]))
    title = app.env.titles[docname].astext()
    box = reader.pages[first].mediabox
    cover = target.with_suffix(".cover.pdf")
    lines = [
        ("Offprint", 11, "italic"),
        (f"Chapter {number}. {title}", 20, "bold"),
        ("", 0, ""),
        (f"From {book['title']}", 13, "normal"),
        (f"{book['edition']}, version {book['version']}, {book['date_long']}. {book['publisher']}.", 11, "normal"),
        (f"Pages {pages} of the PDF edition ({book['base_url']}{book['pdf_name']}), "
         "as they are printed there, with the book's page numbers.", 11, "normal"),
        ("", 0, ""),
        ("How to cite this chapter", 11, "bold"),
        (_citation(app, book, docname, number, title, pages), 11, "normal"),
        (f"Read it online, with every section's citation: {book['base_url']}{docname}.html", 11, "normal"),
        ("", 0, ""),
        (f"© {book['year']} {', '.join(book['editors'])}. Licensed {book['licence']}: {book['licence_url']}", 9, "normal"),
    ]
    cover_page(cover, float(box.width), float(box.height), lines)
    writer = PdfWriter()
    writer.append(str(cover))
    writer.append(reader, pages=(first, last + 1), import_outline=False)
    writer.set_page_label(0, 0, prefix="offprint")
    if labels[first].isdigit():  # the viewer shows the book's page numbers too
        writer.set_page_label(1, last - first + 1, style="/D", start=int(labels[first]))
    writer.add_metadata({"/Title": f"{number}. {title}: offprint of {book['title']}",
                         "/Author": ", ".join(book["editors"])})
    with target.open("wb") as fh:
        writer.write(fh)
    cover.unlink()


def _build_finished(app: Sphinx, exception) -> None:
    pdf = book_pdf()
    if exception or app.builder.name != "html" or pdf is None:
        return
    chapters = [(doc, nums[""][0]) for doc, nums in sorted(app.env.toc_secnumbers.items())
                if len(nums.get("", ())) == 1]
    digest = hashlib.sha256(pdf.read_bytes() + Path(__file__).read_bytes()).hexdigest()
    folder = Path(app.outdir) / FOLDER
    stamp = Path(app.doctreedir) / "offprints.sha256"
    wanted = [folder / f"{doc}.pdf" for doc, _n in chapters]
    if stamp.is_file() and stamp.read_text().strip() == digest and all(p.is_file() for p in wanted):
        return
    folder.mkdir(exist_ok=True)
    ranges = chapter_ranges(pdf, [(doc, n, " ".join(app.env.titles[doc].astext().split())) for doc, n in chapters])
    for docname, _number in chapters:
        if docname not in ranges:
            raise RuntimeError(f"offprints: chapter {docname!r} has no bookmark in {pdf}")
        make_offprint(app, pdf, docname, *ranges[docname], folder / f"{docname}.pdf")
    stamp.write_text(digest + "\n")


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", _build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
