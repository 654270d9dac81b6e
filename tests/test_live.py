"""`make live`: the preview rebuilds once per save, never because of itself.

The figures are drawn into docs/_generated while building; the preview must
not take that for an edit and build again (Makefile: --ignore docs/_generated).
A copy of the book is previewed on a free port; one chapter's event is edited
(which redraws the timeline figure) and exactly one rebuild must follow.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from conftest import ROOT, copy_sources


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(log: Path, pattern: str, count: int, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = re.sub(r"\x1b\[[0-9;]*m", "", log.read_text(encoding="utf-8", errors="replace"))
        if text.count(pattern) >= count:
            return text
        time.sleep(0.5)
    raise AssertionError(f"{pattern!r} not seen {count} time(s) in {timeout} s:\n{text[-3000:]}")


def test_live_preview_rebuilds_once_per_edit(tmp_path):
    root = copy_sources(tmp_path / "book")
    for name in ("Makefile", "requirements.txt"):
        shutil.copy2(ROOT / name, root / name)
    shutil.copytree(ROOT / "scripts", root / "scripts", ignore=shutil.ignore_patterns("lighthouse", "__pycache__"))
    (root / ".venv").symlink_to(ROOT / ".venv")
    log = tmp_path / "live.log"
    with log.open("w") as out:
        proc = subprocess.Popen(["make", "-s", "live", f"LIVE_PORT={free_port()}"], cwd=root, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(log, "Waiting to detect changes", 1, 180)
        chapter = next(p for p in sorted((root / "docs").glob("*.rst")) if ".. event::" in p.read_text(encoding="utf-8"))
        text = chapter.read_text(encoding="utf-8")
        match = re.search(r"^(\s*\.\. event:: )(\d{4})", text, re.M)
        # An event's date changes: the chapter is read again and the timeline
        # figure redrawn.  (The watcher starts just after the first build: an
        # edit made before it runs is not seen, so edit until one is.)
        for year in range(int(match[2]) - 1, int(match[2]) - 6, -1):
            chapter.write_text(text[: match.start(2)] + str(year) + text[match.end(2):], encoding="utf-8")
            try:
                wait_for(log, "Detected change", 1, 20)
                break
            except AssertionError:
                continue
        wait_for(log, "build succeeded", 2, 180)
        assert (root / "docs" / "_generated" / "timeline.svg").is_file()
        # Give a spurious second rebuild the time to start.
        time.sleep(8)
        done = re.sub(r"\x1b\[[0-9;]*m", "", log.read_text(encoding="utf-8", errors="replace"))
        detected = [line for line in done.splitlines() if "Detected change" in line]
        assert len(detected) == 1 and "_generated" not in detected[0], detected
        assert done.count("build succeeded") == 2, done[-3000:]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
