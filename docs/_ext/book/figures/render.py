"""Drawing a figure reproducibly: matplotlib set up with the book's lettering,
compact SVG, and the check that no label prints too small.

The drawing modules (draw_maps, draw_timeline) save with save_reproducibly;
bookfigures, the Sphinx extension, decides when to draw and calls them.  The
output is byte-reproducible: matplotlib's SVG ids come from a fixed salt, no
date goes into the SVG or the PDF, and text is drawn as paths in the SVG and
as an embedded subset (Type 3) in the PDF.  The lettering is Linux Biolinum,
read from the files of Debian's fonts-linuxlibertine, never looked up among
the machine's fonts.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

FORMATS = ("svg", "pdf")
# Linux Biolinum, regular and bold, from Debian's fonts-linuxlibertine.
FONT_DIR = Path("/usr/share/fonts/opentype/linux-libertine")
FONT_FILES = [FONT_DIR / "LinBiolinum_R.otf", FONT_DIR / "LinBiolinum_RB.otf"]
FONT_FAMILY = "Linux Biolinum O"
# The figures fill the text block's width: 6.27 in on A4, the narrowest
# paper (US letter: 6.5 in).  The smallest lettering, as printed.
NARROWEST_TEXT_WIDTH_IN = 6.27
MIN_PRINTED_PT = 7.0


class FigureError(Exception):
    """A figure cannot be drawn as the book needs it."""


def _matplotlib():
    """matplotlib, set up for reproducible, self-contained output."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from matplotlib import font_manager

    missing = [str(f) for f in FONT_FILES if not f.is_file()]
    if missing:
        raise FigureError(f"the figures' font is missing: {', '.join(missing)} "
                          "(Debian's fonts-linuxlibertine; run scripts/setup.sh)")
    for font in FONT_FILES:
        font_manager.fontManager.addfont(str(font))
    plt.rcdefaults()
    plt.rcParams.update({
        "svg.hashsalt": "soviet-us-relations",  # stable ids in the SVG
        "svg.fonttype": "path",  # text as outlines: no font needed to view it
        # Type 3: the OpenType (CFF) outlines embedded as drawn glyphs, which
        # every PDF reader shows and pdftotext reads (matplotlib's Type 42
        # is for TrueType fonts).
        "pdf.fonttype": 3,
        "font.family": FONT_FAMILY,
        "hatch.linewidth": 0.4,
    })
    return matplotlib


_NUMBER = re.compile(r"-?\d+\.\d+")
_PATH_DATA = re.compile(r'(\sd=")([^"]*)(")')


def compact_svg(svg: str) -> str:
    """Matplotlib's SVG, smaller: path coordinates to 0.1 pt, one line each.

    A tenth of a point is far below what a screen or a printer shows; the
    maps shrink to about a third of their size.
    """

    def shorten(match: re.Match) -> str:
        data = _NUMBER.sub(lambda n: f"{float(n.group(0)):.1f}".rstrip("0").rstrip("."), match.group(2))
        return match.group(1) + " ".join(data.split()) + match.group(3)

    return _drop_empty_paths(_PATH_DATA.sub(shorten, svg))


_EMPTY_PATH = re.compile(r'\s*<path\b(?![^>]*\sd=)[^>]*/>')
_ID = re.compile(r'\sid="([^"]+)"')


def _drop_empty_paths(svg: str) -> str:
    """Drop the paths without outline (matplotlib's glyph for a space, which
    SVG's grammar does not allow: a path needs ``d``) and what uses them."""
    empty = [i.group(1) for m in _EMPTY_PATH.finditer(svg) for i in [_ID.search(m.group(0))] if i]
    svg = _EMPTY_PATH.sub("", svg)
    for ident in empty:
        svg = re.sub(rf'\s*<use\b[^>]*href="#{re.escape(ident)}"[^>]*/>', "", svg)
    return svg


def save_reproducibly(fig, stem: Path) -> list[Path]:
    """Write *fig* as ``stem.svg`` and ``stem.pdf``, byte-reproducibly."""
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    scale = NARROWEST_TEXT_WIDTH_IN / fig.get_figwidth()
    for text in fig.findobj(Text):
        if text.get_text().strip() and text.get_visible() and text.get_fontsize() * scale < MIN_PRINTED_PT - 1e-6:
            raise FigureError(f"{stem.name}: {text.get_text()!r} would print at "
                              f"{text.get_fontsize() * scale:.1f} pt, under {MIN_PRINTED_PT} pt")
    written = []
    for fmt in FORMATS:
        target = stem.with_suffix(f".{fmt}")
        tmp = target.with_name(target.name + ".tmp")
        metadata = {"Date": None} if fmt == "svg" else {"CreationDate": None, "ModDate": None}
        fig.savefig(tmp, format=fmt, metadata=metadata, facecolor=fig.get_facecolor())
        if fmt == "svg":
            tmp.write_text(compact_svg(tmp.read_text(encoding="utf-8")), encoding="utf-8")
        os.replace(tmp, target)
        written.append(target)
    plt.close(fig)
    return written
