"""The BibTeX files readers download, and references.bib, as biblatex reads them.

A small LaTeX document cites every entry of every section's .bib file (as
downloaded from the site) and of references.bib, in two biblatex styles
(biblatex-chicago's notes and bibliography, and biblatex's authoryear); biber
processes it with its data-model check (``--validate-datamodel``): no
warning, no error, every entry in the bibliography.  biber and biblatex come
from Debian (``biber``, ``texlive-bibtex-extra``; scripts/setup.sh test).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pybtex.database import parse_file

STYLES = {
    "chicago-notes": r"\usepackage[notes,backend=biber]{biblatex-chicago}",
    "authoryear": r"\usepackage[backend=biber,style=authoryear]{biblatex}",
}


def document(style: str, bibfiles: list[str]) -> str:
    resources = "\n".join(rf"\addbibresource{{{name}}}" for name in bibfiles)
    return rf"""\documentclass{{article}}
\usepackage{{fontspec}}
\setmainfont{{Linux Libertine O}}
\usepackage[english]{{babel}}
\usepackage{{csquotes}}
{STYLES[style]}
{resources}
\begin{{document}}
\nocite{{*}}
\printbibliography
\end{{document}}
"""


def run(folder: Path, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300)


def biber_problems(output: str) -> list[str]:
    return [line for line in output.splitlines() if re.match(r"^(WARN|ERROR)\b", line)]


@pytest.fixture(scope="module")
def bibfiles(book, tmp_path_factory) -> tuple[Path, list[str], int]:
    """A folder with every section's downloadable .bib file and references.bib."""
    assert shutil.which("biber") and shutil.which("xelatex"), "biber or xelatex missing: run scripts/setup.sh test"
    folder = tmp_path_factory.mktemp("biblatex")
    names, keys = [], set()
    sources = sorted((book.html / "_static" / "cite").glob("*.bib"))
    assert sources, "the site has no .bib files"
    for path in [*sources, book.root / "references.bib"]:
        name = f"{len(names):02d}-{path.name}"
        shutil.copy2(path, folder / name)
        names.append(name)
        keys |= set(parse_file(str(path), "bibtex").entries)
    return folder, names, len(keys)


@pytest.mark.parametrize("style", sorted(STYLES))
def test_bib_files_compile_with_biber_and_its_data_model_check(bibfiles, style):
    source, names, count = bibfiles
    folder = source / style
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy2(source / name, folder / name)
    (folder / "cite.tex").write_text(document(style, names), encoding="utf-8")
    first = run(folder, "xelatex", "-interaction=nonstopmode", "-halt-on-error", "cite.tex")
    assert first.returncode == 0, first.stdout[-3000:]
    biber = run(folder, "biber", "--validate-datamodel", "cite")
    assert biber.returncode == 0, biber.stdout + biber.stderr
    assert biber_problems(biber.stdout) == [], "\n".join(biber_problems(biber.stdout))
    for _ in range(3):  # until the page breaks settle, as latexmk would
        again = run(folder, "xelatex", "-interaction=nonstopmode", "-halt-on-error", "cite.tex")
        assert again.returncode == 0, again.stdout[-3000:]
        log = (folder / "cite.log").read_text(encoding="utf-8", errors="replace")
        if "Please rerun LaTeX" not in log:
            break
    # Any warning of biblatex's about the data (a "rerun" for page breaks that
    # still move is about typesetting, not about the entries).
    warnings = [w for w in re.findall(r"Package biblatex Warning: (.*)", log) if not w.startswith("Please rerun LaTeX")]
    assert warnings == [], warnings
    # Every entry of every file is in the bibliography biber wrote.
    bbl = (folder / "cite.bbl").read_text(encoding="utf-8")
    assert len(re.findall(r"\\entry\{", bbl)) == count


def test_the_check_catches_a_form_error(tmp_path):
    """The data-model check is on: an @incollection without its editor, and a
    field its type does not have, are warnings."""
    (tmp_path / "bad.bib").write_text(
        "@incollection{bad, author = {Doe, Jane}, title = {A Chapter}, booktitle = {A Book},\n"
        "  date = {2001}, version = {1.0}}\n",
        encoding="utf-8",
    )
    (tmp_path / "cite.tex").write_text(document("authoryear", ["bad.bib"]), encoding="utf-8")
    assert run(tmp_path, "xelatex", "-interaction=nonstopmode", "cite.tex").returncode == 0
    problems = biber_problems(run(tmp_path, "biber", "--validate-datamodel", "cite").stdout)
    assert any("Missing mandatory field 'editor'" in line for line in problems), problems
    assert any("Invalid field 'version'" in line for line in problems), problems
