#!/usr/bin/env bash
# Set up what the build (and, with "test", the tests) need, and nothing twice.
#
#   scripts/setup.sh build   # .venv from requirements.txt; TeX Live and fonts
#   scripts/setup.sh test    # the same, plus Java (epubcheck, the Nu HTML
#                            # Checker), poppler-utils, qpdf, Chromium,
#                            # biber and biblatex, Node.js, and tests/js/
#                            # (axe-core, citeproc-js) from npm
#   scripts/setup.sh bench   # the same as test, plus scripts/lighthouse/ from npm
#
# Missing Debian packages are installed with apt-get as root, or through
# sudo when it needs no password; otherwise this stops and prints the exact
# command to run.  When everything is in place it takes well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-build}

# -- Debian packages ----------------------------------------------------------
need=()
have() { command -v "$1" >/dev/null 2>&1; }
fonts=$(fc-list : family 2>/dev/null || true)
font() { grep -qF "$1" <<<"$fonts"; }

python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
have make || need+=(make)
have git || need+=(git)
# TeX Live for the PDF: xelatex through latexmk, xindy for the index.
have latexmk || need+=(latexmk)
have xelatex || need+=(texlive-xetex texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended)
have xindy || need+=(xindy)
[ -f /usr/share/texlive/texmf-dist/tex/latex/polyglossia/polyglossia.sty ] || need+=(texlive-lang-cyrillic texlive-xetex)
have fc-list || need+=(fontconfig)
font "Linux Libertine O" || need+=(fonts-linuxlibertine)
font "DejaVu Sans Mono" || need+=(fonts-dejavu-core)
if [ "$purpose" = test ] || [ "$purpose" = bench ]; then
  have java || need+=(default-jre-headless)
  have pdftotext || need+=(poppler-utils)
  have qpdf || need+=(qpdf)
  # The browser tests drive Debian's Chromium through Playwright (never a
  # browser download); Node.js and npm install axe-core and Lighthouse.
  [ -x /usr/bin/chromium ] || need+=(chromium)
  have node || need+=(nodejs)
  have npm || need+=(npm)
  # biber and biblatex (with biblatex-chicago): the downloadable .bib files
  # and references.bib must compile with biber's data-model check.
  have biber || need+=(biber)
  [ -f /usr/share/texlive/texmf-dist/tex/latex/biblatex-chicago/biblatex-chicago.sty ] || need+=(texlive-bibtex-extra)
fi

if [ ${#need[@]} -gt 0 ]; then
  # shellcheck disable=SC2207
  need=($(printf '%s\n' "${need[@]}" | sort -u))
  cmd="apt-get install -y --no-install-recommends ${need[*]}"
  if [ "$(id -u)" = 0 ]; then sudo=""
  elif have sudo && sudo -n true 2>/dev/null; then sudo="sudo"
  else
    echo "setup: these Debian packages are missing: ${need[*]}" >&2
    echo "setup: install them (as root) and run again:" >&2
    echo "    sudo apt-get update && sudo $cmd" >&2
    exit 1
  fi
  echo "setup: installing ${need[*]} (TeX Live without recommends: a few hundred MB)"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo $cmd
fi

# -- The Python environment, from the lock file ------------------------------
lock=requirements.txt
stamp=.venv/.lock-sha256
want=$(sha256sum "$lock" | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: creating .venv from $lock"
  python3 -m venv .venv
  .venv/bin/python -m pip install --disable-pip-version-check -q --upgrade pip
  .venv/bin/python -m pip install --disable-pip-version-check -q -r "$lock"
  echo "$want" > "$stamp"
fi

# -- JavaScript packages, from their lock files (npm ci) ---------------------
# tests/js: axe-core, injected into the pages by the accessibility tests, and
# citeproc-js, which the citation tests compare the book's citations to;
# tests/ace: DAISY Ace, the EPUB's accessibility checker, installed without
# its install scripts (no browser download: it runs Debian's Chromium);
# scripts/lighthouse: Lighthouse, run by `make bench`.  Reinstalled only when
# package-lock.json changes.
npm_ci() {
  local dir=$1 want
  shift
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ ! -d "$dir/node_modules" ] || [ "$(cat "$dir/node_modules/.lock-sha256" 2>/dev/null)" != "$want" ]; then
    echo "setup: npm ci in $dir"
    (cd "$dir" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error "$@")
    echo "$want" > "$dir/node_modules/.lock-sha256"
  fi
}
if [ "$purpose" = test ] || [ "$purpose" = bench ]; then npm_ci tests/js; npm_ci tests/ace --ignore-scripts; fi
if [ "$purpose" = bench ]; then npm_ci scripts/lighthouse; fi
