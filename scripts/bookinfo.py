"""What the build needs to know of the book before it builds: its date
(SOURCE_DATE_EPOCH) and its identity (conf.py's BOOK).  Used by build.py and
by edition_site.py; imports neither.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from edition_record import book_pathspec


def source_date_epoch(root: Path) -> str:
    """SOURCE_DATE_EPOCH: the environment's, else the last commit's time.

    Outside a git checkout (a copy of the sources), the newest modification
    time among the sources stands in, so a copy still builds reproducibly.
    """
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        out = subprocess.run(
            # Only a change to the book dates it (edition_record.NOT_THE_BOOK): recording
            # an edition, or a change to the tests alone, does not redate it.
            ["git", "-C", str(root), "log", "-1", "--format=%ct", "--", *book_pathspec()],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        if out:
            return out
    except (OSError, subprocess.CalledProcessError):
        pass
    files = [root / "conf.py", root / "references.bib", *(root / "docs").rglob("*")]
    return str(int(max(f.stat().st_mtime for f in files if f.is_file())))


def book_identity(root: Path) -> dict:
    """The BOOK dictionary of conf.py (file names of the editions)."""
    namespace: dict = {"__file__": str(root / "conf.py")}
    exec(compile((root / "conf.py").read_text(encoding="utf-8"), "conf.py", "exec"), namespace)
    return namespace["BOOK"]
