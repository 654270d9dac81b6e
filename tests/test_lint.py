"""Lint: `make lint` (sphinx-lint and codespell, references.bib included).

The book passes; and on a copy with findings, both tools run, every finding
is printed, "no problems" is not, and the exit status is non-zero.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

# A misspelling codespell knows, spelled in two pieces so this file passes.
TYPO = "recie" + "ved"


def test_make_lint_passes():
    result = subprocess.run(["make", "-s", "lint"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stdout


@pytest.fixture()
def lint_copy(tmp_path) -> Path:
    """A copy of what `make lint` reads, with scripts/lint.py."""
    for name in ("docs", "scripts"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("_generated", "node_modules", "lighthouse", "__pycache__"))
    for name in ("references.bib", "README.md", "conf.py"):
        shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path


def lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(root / "scripts" / "lint.py")], cwd=root, capture_output=True, text=True)


def add_line(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


def test_lint_reports_both_tools_findings(lint_copy):
    add_line(lint_copy / "docs" / "glossary.rst", "A line with trailing white space.   ")
    add_line(lint_copy / "docs" / "index.rst", f"The Soviet Union {TYPO} a note.")
    result = lint(lint_copy)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "glossary.rst" in output and "trailing" in output.lower(), output
    assert "index.rst" in output and TYPO in output, output
    assert "no problems" not in output.lower(), output


def test_lint_with_a_spelling_finding_only_does_not_say_no_problems(lint_copy):
    add_line(lint_copy / "docs" / "index.rst", f"The Soviet Union {TYPO} a note.")
    result = lint(lint_copy)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert TYPO in output
    assert "no problems" not in output.lower(), output
