"""Draw the book's figures at build time, and only when their inputs change
(how each is drawn reproducibly: render.py).

The figures are drawn with matplotlib into ``docs/_generated/`` (ignored by
git, excluded from the sources), each as SVG for the HTML and the EPUB and as
PDF for LaTeX; a page includes them as ``/_generated/<name>.*`` and each
builder picks its format.  They are drawn at ``builder-inited``, before Sphinx
decides which pages are out of date, so that a page whose figure changed is
read again (Sphinx tracks the image file like any dependency).

Each figure has a digest of everything it is drawn from (the drawing code,
the data files (the stockpiles' docs/_data/nuclear-stockpiles.csv), matplotlib's version, and for the timeline the events found
in the chapters).  The digest is kept beside the files, in
``<name>.sha256``: when it is unchanged and the files exist, nothing is
drawn, so an unchanged figure keeps its bytes and its modification time.

The output is byte-reproducible: matplotlib's SVG ids come from a fixed
salt, no date goes into the SVG or the PDF, and text is drawn as paths in the
SVG and as an embedded subset (Type 3) in the PDF.  The lettering is the
book's own sans, Linux Biolinum, read from the files of Debian's
fonts-linuxlibertine (which scripts/setup.sh installs for the PDF), never
looked up among the machine's fonts; no text is smaller than MIN_PRINTED_PT
once the figure is printed across the text block.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Callable

from sphinx.application import Sphinx
from sphinx.util import logging

from . import render
from .render import FONT_FILES, FORMATS, FigureError, _matplotlib

logger = logging.getLogger(__name__)

GENERATED = "_generated"

def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def ensure(outdir: Path, name: str, inputs_digest: str, draw: Callable[[Path], list[Path]]) -> bool:
    """Draw figure *name* into *outdir* unless it is already drawn from these inputs.

    Returns True when it was drawn.
    """
    stamp = outdir / f"{name}.sha256"
    files = [outdir / f"{name}.{fmt}" for fmt in FORMATS]
    if all(f.is_file() for f in files) and stamp.is_file() and stamp.read_text().strip() == inputs_digest:
        return False
    outdir.mkdir(parents=True, exist_ok=True)
    draw(outdir / name)
    stamp.write_text(inputs_digest + "\n")
    return True


def _file_bytes(paths) -> list[bytes]:
    return [p.read_bytes() for p in paths]


def generate(srcdir: Path) -> list[str]:
    """Draw every figure whose inputs changed; return the names drawn."""
    from . import draw_maps
    from . import draw_stockpiles
    from . import draw_timeline
    from .timeline import scan_events

    outdir = srcdir / GENERATED
    mpl_version = _mpl_version()
    drawn = []
    missing = [str(f) for f in FONT_FILES if not f.is_file()]
    if missing:
        raise FigureError(f"the figures' font is missing: {', '.join(missing)} "
                          "(Debian's fonts-linuxlibertine; run scripts/setup.sh)")
    fonts = _file_bytes(FONT_FILES)
    map_inputs = draw_maps.input_files() + [Path(__file__), Path(render.__file__)]
    for name, draw in (("map-world", draw_maps.draw_world), ("map-blocs", draw_maps.draw_blocs)):
        key = digest(name, mpl_version, *fonts, *_file_bytes(map_inputs))
        if ensure(outdir, name, key, lambda stem, draw=draw: (_matplotlib(), draw(stem))[1]):
            drawn.append(name)
    stockpile_inputs = draw_stockpiles.input_files(srcdir) + [Path(__file__), Path(render.__file__)]
    key = digest("stockpiles", mpl_version, *fonts, *_file_bytes(stockpile_inputs))
    if ensure(outdir, "stockpiles", key, lambda stem: (
            _matplotlib(), draw_stockpiles.draw(stem, draw_stockpiles.load(draw_stockpiles.data_path(srcdir))[1]))[1]):
        drawn.append("stockpiles")
    events = scan_events(srcdir)
    key = digest("timeline", mpl_version, *fonts, json.dumps(events, sort_keys=True),
                 *_file_bytes([Path(draw_timeline.__file__), Path(__file__), Path(render.__file__)]))
    if ensure(outdir, "timeline", key, lambda stem: (_matplotlib(), draw_timeline.draw(stem, events))[1]):
        drawn.append("timeline")
    return drawn


def _mpl_version() -> str:
    from importlib.metadata import version

    return version("matplotlib")


def _builder_inited(app: Sphinx) -> None:
    drawn = generate(Path(app.srcdir))
    if drawn:
        logger.info("figures drawn: %s", ", ".join(drawn))


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _builder_inited)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
