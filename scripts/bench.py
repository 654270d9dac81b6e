#!/usr/bin/env python3
"""Time the builds on this machine (a benchmark, not a test).

Prints, for a copy of the sources in a temporary folder:
  - a cold build of each edition (PDF, EPUB, HTML), each from nothing;
  - an HTML rebuild with nothing changed;
  - an HTML rebuild after touching one chapter;
against the targets the project sets for a 2-core machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import build  # noqa: E402

TARGETS = {"cold, all editions": 60.0, "HTML, nothing changed": 2.0, "HTML, one chapter touched": 3.0}


def timed(root: Path, target: str) -> float:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build.py"), target, "--root", str(root)],
        capture_output=True, text=True,
    )
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        sys.exit(f"bench: the {target} build failed:\n{result.stdout}{result.stderr}")
    return elapsed


def main() -> int:
    os.environ["SOURCE_DATE_EPOCH"] = build.source_date_epoch(ROOT)
    with tempfile.TemporaryDirectory(prefix="book-bench-") as tmp:
        root = Path(tmp)
        shutil.copy2(ROOT / "conf.py", root / "conf.py")
        shutil.copy2(ROOT / "references.bib", root / "references.bib")
        shutil.copytree(ROOT / "docs", root / "docs", ignore=shutil.ignore_patterns("__pycache__"))
        rows = []
        cold = {}
        for target in ("pdf", "epub", "html"):
            cold[target] = timed(root, target)
            rows.append((f"cold {target.upper()}", cold[target], None))
        rows.append(("cold, all editions", sum(cold.values()), TARGETS["cold, all editions"]))
        rows.append(("HTML, nothing changed", timed(root, "html"), TARGETS["HTML, nothing changed"]))
        chapter = sorted((root / "docs").glob("*.rst"))[0]
        chapter.touch()
        rows.append(("HTML, one chapter touched", timed(root, "html"), TARGETS["HTML, one chapter touched"]))
    cores = os.cpu_count()
    print(f"Build times on this machine ({cores} cores), seconds:")
    print(f"  {'what':32} {'time':>7} {'target':>7}")
    for what, seconds, target in rows:
        mark = "" if target is None else ("  ok" if seconds <= target else "  OVER")
        print(f"  {what:32} {seconds:7.1f} {'' if target is None else f'{target:7.1f}'}{mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
