"""Lint: `make lint` (sphinx-lint and codespell, references.bib included) passes."""

from __future__ import annotations

import subprocess

from conftest import ROOT


def test_make_lint_passes():
    result = subprocess.run(["make", "-s", "lint"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
