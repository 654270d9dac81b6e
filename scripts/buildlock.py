"""One build at a time in a build folder (scripts/build.py, scripts/editions.py)."""

from __future__ import annotations

import os
from pathlib import Path


class LockError(Exception):
    """Another build holds the folder and this one will not wait."""


class BuildLock:
    """One build at a time in a build folder: an exclusive lock on <out>/.lock.

    A second build in the same folder says which process holds it and waits
    for it (BOOK_BUILD_NOWAIT=1: stops at once instead)."""

    def __init__(self, out: Path):
        self.path = out / ".lock"

    def __enter__(self):
        import fcntl
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "unknown"
            if os.environ.get("BOOK_BUILD_NOWAIT"):
                self.handle.close()
                raise LockError(f"another build is running in {self.path.parent} (pid {holder}): "
                                 "wait for it, or stop it") from None
            print(f"another build is running in {self.path.parent} (pid {holder}); waiting for it", flush=True)
            fcntl.flock(self.handle, fcntl.LOCK_EX)
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"{os.getpid()}\n")
        self.handle.flush()
        return self

    def __exit__(self, *exc):
        self.handle.close()  # releases the lock
        return False
