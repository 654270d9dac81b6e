"""Building an edition from its commit, once: when it is cut, or when an
edition recorded before archives existed is archived (scripts/editions.py).

``git archive <commit>`` into ``<out>/editions/<commit>/src`` (only what the
commit holds: no untracked file of the working tree), built there by that
commit's own ``scripts/build.py`` with SOURCE_DATE_EPOCH set to the commit's
time; with this virtual environment when the commit's requirements.txt is
the working tree's, else with its own in ``<out>/editions/venv-<hash>/``.
The result is kept in ``<out>/editions/<commit>/html`` until it is archived.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from edition_record import Edition, EditionError


def git(root: Path, *args: str, binary: bool = False):
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=not binary)
    if result.returncode != 0:
        err = result.stderr if not binary else result.stderr.decode(errors="replace")
        raise EditionError(f"git {' '.join(args)}: {err.strip()}")
    return result.stdout


def python_for(root: Path, out: Path, src: Path) -> str:
    """The Python to build *src* with: ours if its lock file is ours."""
    theirs = (src / "requirements.txt").read_bytes()
    if theirs == (root / "requirements.txt").read_bytes():
        return sys.executable
    venv = out / "editions" / f"venv-{hashlib.sha256(theirs).hexdigest()[:16]}"
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"[editions] a virtual environment for another lock file: {venv}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        result = subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(src / "requirements.txt")])
        if result.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            raise EditionError(f"pip could not install {src / 'requirements.txt'}: this edition's toolchain "
                               "can no longer be installed")
    return str(python)


def build(root: Path, out: Path, edition: Edition) -> Path:
    """The built site of *edition*, from its commit (or from the last such build)."""
    cache = out / "editions" / edition.commit
    site = cache / "html"
    stamp = cache / "built.json"
    # BOOK_EDITIONS_TARGET=html: HTML only (the tests); a real cut builds all three.
    target = os.environ.get("BOOK_EDITIONS_TARGET", "all")
    wanted = {"commit": edition.commit, "site_url": os.environ.get("BOOK_BASE_URL", ""), "target": target}
    if stamp.is_file() and json.loads(stamp.read_text(encoding="utf-8")) == wanted and site.is_dir():
        return site
    print(f"[editions] building version {edition.version} from commit {edition.commit[:12]}", flush=True)
    if subprocess.run(["git", "-C", str(root), "cat-file", "-e", f"{edition.commit}^{{commit}}"],
                      capture_output=True).returncode != 0:
        shallow = git(root, "rev-parse", "--is-shallow-repository").strip() == "true"
        raise EditionError(f"editions.json: version {edition.version}'s commit {edition.commit} is not in this clone"
                           + (": it is a shallow clone; run `git fetch --unshallow` first" if shallow else ""))
    shutil.rmtree(cache, ignore_errors=True)
    src = cache / "src"
    src.mkdir(parents=True)
    archive = git(root, "archive", "--format=tar", edition.commit, binary=True)
    subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
    epoch = git(root, "show", "-s", "--format=%ct", edition.commit).strip()
    env = dict(os.environ, SOURCE_DATE_EPOCH=epoch, BOOK_EDITION_BUILD=edition.version, BOOK_GIT_DIR=str(root))
    env.pop("BOOK_PDF", None)
    env.pop("BOOK_DRAFT_AFTER", None)
    build_out = cache / "build"
    result = subprocess.run(
        [python_for(root, out, src), str(src / "scripts" / "build.py"), target, "--root", str(src), "--out", str(build_out)],
        env=env,
    )
    if result.returncode != 0:
        raise EditionError(f"version {edition.version} (commit {edition.commit[:12]}) does not build "
                           "(the messages above say why)")
    os.replace(build_out / "html", site)
    shutil.rmtree(build_out, ignore_errors=True)
    stamp.write_text(json.dumps(wanted) + "\n", encoding="utf-8")
    return site
