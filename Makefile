# Makefile for the book.  `make` builds every edition; `make test` tests them.
#
#   make          PDF, EPUB and HTML; the site, with both downloads, in _build/html/
#   make html     the HTML site only (with the last PDF and EPUB built, if any)
#   make pdf      the PDF only: _build/work/latex/soviet-us-relations.pdf
#   make epub     the EPUB only: _build/work/epub/soviet-us-relations.epub
#   make test     build every edition in a temporary folder and test it
#   make lint     sphinx-lint and codespell over the sources
#   make live     live preview at http://127.0.0.1:8000 while you write
#   make bench    time cold and incremental builds; the page budget, Lighthouse
#   make edition VERSION=2.0 NAME="Second edition"
#                 publish the clean working tree as an edition (editions.json)
#   make clean    remove _build/
#
# Each target first runs scripts/setup.sh, which creates .venv from the lock
# file (requirements.txt) and installs TeX Live from Debian when it is missing;
# when all is in place that takes a fraction of a second.

# -n: every reference resolves; -W: warnings are errors; -j auto: all cores;
# -q: print only problems.  Read by scripts/build.py for every builder.
SPHINXOPTS ?= -n -W -j auto -q
export SPHINXOPTS

PYTHON := .venv/bin/python
BUILD  := $(PYTHON) scripts/build.py

.DEFAULT_GOAL := all
.PHONY: all html pdf epub test lint live bench clean setup setup-test setup-bench edition

all html pdf epub: setup
	@$(BUILD) $@

setup:
	@scripts/setup.sh build

setup-test:
	@scripts/setup.sh test

# What the tests need, and Lighthouse (npm) for the page budget.
setup-bench:
	@scripts/setup.sh bench

# The whole test suite: builds every edition once, in a temporary folder.
test: setup-test
	@$(PYTHON) -m pytest

# Both tools run and report everything; non-zero exit when either finds a problem.
lint: setup
	@$(PYTHON) scripts/lint.py

# The figures drawn into docs/_generated are not watched: writing them must
# not start another build.
LIVE_PORT ?= 8000
# Dated like the real build, by the last commit (conf.py reads no clock).
live: setup
	@SOURCE_DATE_EPOCH=$$($(PYTHON) -c 'import sys; sys.path.insert(0, "scripts"); import build, pathlib; print(build.source_date_epoch(pathlib.Path(".")))') \
		$(PYTHON) -m sphinx_autobuild -c . docs _build/live -n -W --keep-going \
		--host 127.0.0.1 --port $(LIVE_PORT) --watch references.bib --watch conf.py \
		--ignore docs/_generated

bench: setup-bench
	@$(PYTHON) scripts/bench.py

# Two commits: the edition (its name and version in conf.py and CITATION.cff),
# then its record in editions.json.  See README, "Editions".
# VERSION and NAME reach the script through the environment (make exports the
# variables given on its command line), never spliced into the shell.
edition: setup
	@$(PYTHON) scripts/editions.py cut

clean:
	rm -rf _build
