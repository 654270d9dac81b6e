#!/usr/bin/env python3
"""`make lint`: sphinx-lint and codespell, both, every finding reported.

    python scripts/lint.py

Runs sphinx-lint over docs/ and codespell over the sources, the scripts, the
tests and references.bib, prints every finding of both, then one summary
line: "lint: no problems" only when neither found anything; otherwise the
count per tool, and the exit status is 1.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Words codespell would "correct" that the book uses on purpose.
# despatch: the British spelling, and the word of the titles FRUS gives diplomatic reports;
# oktober: a German title (bpb.de); ned: Richard Ned Lebow's middle name.
IGNORE_WORDS = "bloc,blocs,covert,nd,juni,despatch,oktober,ned"
SKIP = "docs/_generated,*/node_modules,package-lock.json,tests/data"
SPELLED = ["docs", "references.bib", "README.md", "CONTRIBUTING.md", "conf.py", "scripts", "tests"]
CHECKS = {
    "sphinx-lint": [sys.executable, "-m", "sphinxlint", "docs"],
    "codespell": [
        sys.executable, "-m", "codespell_lib", "--skip", SKIP, "--ignore-words-list", IGNORE_WORDS,
        # (a path a copy of the book lacks, tests/ in a bare copy, is left out)
        *[path for path in SPELLED if (ROOT / path).exists()],
    ],
}
# What sphinx-lint prints when it finds nothing: not a finding.
QUIET = {"No problems found."}


def run(name: str, cmd: list[str]) -> list[str]:
    """The findings of one tool (an empty list when it found nothing)."""
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip() and line.strip() not in QUIET]
    if result.returncode != 0 and not lines:
        lines = [f"{name} failed (exit {result.returncode}) without saying why"]
    if result.returncode == 0 and lines:
        # A tool that passes may still print notes; they are not findings.
        for line in lines:
            print(f"{name}: {line}")
        return []
    return lines


def main() -> int:
    found = {}
    for name, cmd in CHECKS.items():
        findings = run(name, cmd)
        for line in findings:
            print(line)
        if findings:
            found[name] = len(findings)
    if found:
        summary = ", ".join(f"{count} from {name}" for name, count in found.items())
        print(f"lint: problems found ({summary})", file=sys.stderr)
        return 1
    print("lint: no problems (sphinx-lint, codespell)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
