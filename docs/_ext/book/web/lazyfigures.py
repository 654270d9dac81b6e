"""Load the drawn figures of the web edition when the reader comes near them.

The maps and the timeline are SVG files of a few hundred kilobytes.  The
browser's own ``loading="lazy"`` fetches an image as soon as it is within a
screen or two of the window, so a chapter page would load its map at once.
Here each figure image (class ``book-figure``) keeps its address in
``data-src`` and shows a transparent placeholder of the same proportions
until the script in page.html sees it within 400 px of the window, or the
page is printed; without JavaScript, a ``<noscript>`` copy shows the image.
The EPUB is not touched: there every image is in the book.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from sphinx.application import Sphinx

IMG = re.compile(r'<img (?P<before>[^>]*?)class="book-figure" loading="lazy" src="(?P<src>[^"]+)"(?P<after>[^>]*)/>')
SIZE = re.compile(r'<svg[^>]*?\bviewBox="0 0 ([\d.]+) ([\d.]+)"')


def _size(app: Sphinx, src: str) -> tuple[int, int] | None:
    """Width and height (the SVG's viewBox, rounded) of an image in _images/."""
    name = Path(src).name
    for candidate in Path(app.srcdir).rglob(name):
        match = SIZE.search(candidate.read_text(encoding="utf-8", errors="replace")[:2000])
        if match:
            return round(float(match.group(1))), round(float(match.group(2)))
    return None


def _placeholder(width: int, height: int) -> str:
    svg = f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}'/>"
    return "data:image/svg+xml," + svg.replace("<", "%3C").replace(">", "%3E").replace("'", "%27").replace(" ", "%20")


def _defer(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name == "epub" or app.builder.format != "html" or "body" not in context:
        return

    def rewrite(match: re.Match) -> str:
        size = _size(app, match.group("src"))
        if size is None:
            return match.group(0)
        width, height = size
        original = match.group(0)
        return (
            f'<img {match.group("before")}class="book-figure book-figure-deferred" '
            f'src="{html.escape(_placeholder(width, height))}" data-src="{match.group("src")}" '
            f'width="{width}" height="{height}"{match.group("after")}/>'
            f"<noscript>{original}</noscript>"
        )

    context["body"] = IMG.sub(rewrite, context["body"])


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _defer)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
