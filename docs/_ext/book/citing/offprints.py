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


_TEX_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
                "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}
_URL = re.compile(r"https?://[^\s<]+[^\s<.,;:]")


def _tex_text(text: str) -> str:
    """Plain text as LaTeX: specials escaped, URLs set (and broken) as URLs."""
    out, at = [], 0
    for match in _URL.finditer(text):
        out.append("".join(_TEX_SPECIAL.get(c, c) for c in text[at:match.start()]))
        out.append(r"\url{" + match.group(0).replace("%", r"\%").replace("#", r"\#") + "}")
        at = match.end()
    out.append("".join(_TEX_SPECIAL.get(c, c) for c in text[at:]))
    return "".join(out).replace("'", "’")


def _tex_html(fragment: str) -> str:
    """A citation's HTML (text, <i>, <a>) as LaTeX: italics kept, tags dropped."""
    import html

    out = []
    for part in re.split(r"(<[^>]+>)", fragment):
        if part.startswith("<"):
            tag = part.strip("<>/ ").split()[0].lower() if part.strip("<>/ ") else ""
            if tag in ("i", "em"):
                out.append("}" if part.startswith("</") else r"\emph{")
        else:
            out.append(_tex_text(html.unescape(part)))
    return "".join(out)


def cover_page(path: Path, width_pt: float, height_pt: float, body: str) -> None:
    """A one-page PDF of *body* (LaTeX), set by XeLaTeX in the book's Linux
    Libertine on the book's page size: real text, embedded fonts, live links."""
    import shutil
    import subprocess
    import tempfile

    tex = "\n".join([
        r"\documentclass[11pt]{article}",
        r"\usepackage{fontspec}",
        r"\setmainfont{Linux Libertine O}[Ligatures=TeX]",
        r"\usepackage{polyglossia}\setmainlanguage{english}",
        rf"\usepackage[paperwidth={width_pt:.2f}bp,paperheight={height_pt:.2f}bp,"
        r"left=72bp,right=72bp,top=96bp,bottom=72bp]{geometry}",
        r"\usepackage{xurl}\urlstyle{same}",
        r"\usepackage[hidelinks,pdfcreator={},pdfproducer={}]{hyperref}",
        r"\pagestyle{empty}\setlength{\parindent}{0pt}\setlength{\parskip}{6pt}",
        r"\raggedright\hyphenpenalty=10000\exhyphenpenalty=10000",
        r"\begin{document}",
        body,
        r"\end{document}",
        "",
    ])
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "cover.tex").write_text(tex, encoding="utf-8")
        env = dict(os.environ, FORCE_SOURCE_DATE="1")  # dated by SOURCE_DATE_EPOCH, like the book
        result = subprocess.run(["xelatex", "-interaction=nonstopmode", "-halt-on-error", "cover.tex"],
                                cwd=tmp, env=env, capture_output=True, text=True)
        if result.returncode != 0 or not (Path(tmp) / "cover.pdf").is_file():
            tail = "\n".join(result.stdout.splitlines()[-20:])
            raise RuntimeError(f"offprints: XeLaTeX could not set the cover page of {path.stem}:\n{tail}")
        shutil.copyfile(Path(tmp) / "cover.pdf", path)


def _citation(app: Sphinx, book: dict, docname: str, number: str, title: str, pages: str) -> str:
    """The chapter's Chicago citation (bibliography form), as LaTeX."""
    from ..core.booksections import Section
    from .citeformats import section_citations

    return _tex_html(section_citations(book, Section(docname, docname, number, title, pages))["chicago"][0])


def make_offprint(app: Sphinx, pdf: Path, docname: str, first: int, last: int, target: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    from ..core.booksections import book_of

    book = book_of(app)
    reader = PdfReader(pdf)
    labels = reader.page_labels
    pages = f"{labels[first]}–{labels[last]}"
    number = ".".join(map(str, app.env.toc_secnumbers[docname][""]))
    title = app.env.titles[docname].astext()
    box = reader.pages[first].mediabox
    cover = target.with_suffix(".cover.pdf")
    t = _tex_text
    body = "\n\n".join([
        r"{\itshape Offprint}",
        rf"{{\Large\bfseries Chapter {t(number)}. {t(title)}\par}}\bigskip",
        rf"{{\large From \emph{{{t(book['title'])}}}\par}}",
        rf"{t(book['edition'])}, version {t(book['version'])}, {t(book['date_long'])}. {t(book['publisher'])}.",
        rf"Pages {t(pages)} of the PDF edition ({t(book['base_url'] + book['pdf_name'])}), "
        r"as they are printed there, with the book’s page numbers.\bigskip",
        r"{\bfseries How to cite this chapter}",
        _citation(app, book, docname, number, title, pages),
        rf"Read it online, with every section’s citation: {t(book['base_url'] + docname + '.html')}\bigskip",
        rf"{{\small © {t(str(book['year']))} {t(', '.join(book['editors']))}. Licensed {t(book['licence'])}: "
        rf"{t(book['licence_url'])}\par}}",
    ])
    cover_page(cover, float(box.width), float(box.height), body)
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
