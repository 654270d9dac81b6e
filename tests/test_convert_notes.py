"""scripts/convert_notes.py: :footcite: marks become :note: marks with the ledger's locators."""

from __future__ import annotations

import sys

import yaml

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import convert_notes  # noqa: E402

CHAPTER = """\
.. _ch:

=======
Chapter
=======

.. _ch-one:

One
===

The war began in :term:`1941`.\\ :footcite:p:`Alpha1990a,Beta2001b`
Peace came in 1945.\\ :footcite:p:`Alpha1990a`
An unrecorded claim.\\ :footcite:p:`Gamma2002c`

.. footbibliography::
"""

LEDGER = [
    {"doc": "ch", "section": "ch-one", "claim": "The war began in 1941",
     "sources": [{"key": "Alpha1990a", "locator": "p. 12", "where": "x"}, {"key": "Beta2001b", "where": "y"}]},
    {"doc": "ch", "section": "ch-one", "claim": "Peace came",
     "sources": [{"key": "Alpha1990a", "locator": "pp. 3–4", "where": "x"}]},
]


def test_marks_take_the_ledgers_locators(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(convert_notes, "ROOT", tmp_path)
    (tmp_path / "docs").mkdir()
    chapter = tmp_path / "docs" / "ch.rst"
    chapter.write_text(CHAPTER, encoding="utf-8")
    ledger = tmp_path / "ledger.yaml"
    ledger.write_text(yaml.safe_dump(LEDGER, allow_unicode=True), encoding="utf-8")
    status = convert_notes.main(["--ledger", str(ledger), str(chapter)])
    text = chapter.read_text(encoding="utf-8")
    assert "The war began in :term:`1941`.\\ :note:`Alpha1990a, p. 12; Beta2001b`\n" in text
    assert "Peace came in 1945.\\ :note:`Alpha1990a, pp. 3–4`\n" in text
    # No ledger entry: the keys, no locator invented; the script says so and fails.
    assert "An unrecorded claim.\\ :note:`Gamma2002c`\n" in text
    assert "docs/ch.rst:14: 0 ledger entries for this mark (Gamma2002c)" in capsys.readouterr().err
    assert status == 1
    assert "footbibliography" not in text and "footcite" not in text
