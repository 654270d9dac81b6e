#!/usr/bin/env python3
"""The registry of published anchors: anchors.json.

Every chapter and section of the book has a stable anchor, its label, and
people cite it as ``<page>.html#<label>``; it is also the permalink beside
its heading.  anchors.json records every anchor
ever published and the page it is on.  Once published, an anchor is never
removed: if a section moves to another page, or goes, its entry gains a
``redirect`` to where readers should land, and the HTML build sends them there.

    python scripts/anchors.py            # check the built site against the registry
    python scripts/anchors.py --update   # add the built site's new anchors

Both read the site in _build/html (or --site DIR).  The tests run the check.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = ROOT / "anchors.json"
CITABLE = re.compile(r'<details class="cite-this" id="cite-[^"]+" data-label="([^"]+)"')
# The permalink beside a heading (the ¶ readers copy); docs/_ext/book/core/labels.py
# makes it the section's label.
PERMALINK = re.compile(r'<a class="headerlink" href="#([^"]+)" title="Link to this heading">')


def built_anchors(site: Path) -> dict[str, str]:
    """{anchor: page} of every citable section and every heading's permalink
    in the built HTML site (the pages at its top; not genindex or search)."""
    found = {}
    for page in sorted(site.glob("*.html")):
        if page.name in ("genindex.html", "search.html"):
            continue
        text = page.read_text(encoding="utf-8")
        for label in CITABLE.findall(text) + PERMALINK.findall(text):
            found.setdefault(label, page.name)
    return found


def ids_on(site: Path, page: str) -> set[str]:
    path = site / page
    if not path.is_file():
        return set()
    return set(re.findall(r'\bid="([^"]+)"', path.read_text(encoding="utf-8")))


def load(path: Path = REGISTRY) -> dict:
    if not path.is_file():
        return {"anchors": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def problems(site: Path, registry: dict) -> list[str]:
    """Every way the built site breaks a published anchor, or misses one."""
    found = built_anchors(site)
    out = []
    for anchor, entry in sorted(registry["anchors"].items()):
        redirect = entry.get("redirect")
        if redirect:
            page, _, target = redirect.partition("#")
            if target not in ids_on(site, page):
                out.append(f"{anchor}: its redirect {redirect} leads nowhere")
        elif anchor not in ids_on(site, entry["page"]):
            moved = found.get(anchor)
            where = f"it is now on {moved}; add \"redirect\": \"{moved}#{anchor}\"" if moved else "it is gone; add a redirect"
            out.append(f"{anchor}: published on {entry['page']}, no longer there ({where})")
    for anchor, page in sorted(found.items()):
        if anchor not in registry["anchors"]:
            out.append(f"{anchor}: on {page} but not in anchors.json (run: python scripts/anchors.py --update)")
    return out


def update(site: Path, registry: dict) -> tuple[dict, list[str]]:
    """Add the built site's new anchors; return the registry and what was added."""
    added = []
    for anchor, page in built_anchors(site).items():
        if anchor not in registry["anchors"]:
            registry["anchors"][anchor] = {"page": page}
            added.append(f"added {anchor} ({page}#{anchor})")
    registry["anchors"] = dict(sorted(registry["anchors"].items()))
    return registry, added


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="add new anchors to anchors.json")
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--registry", type=Path, default=REGISTRY, help="the registry file (default: anchors.json)")
    args = parser.parse_args()
    if not args.site.is_dir():
        print(f"anchors.py: no built site in {args.site}; run `make` first", file=sys.stderr)
        return 1
    registry = load(args.registry)
    if args.update:
        registry, added = update(args.site, registry)
        if added:
            args.registry.write_text(json.dumps(registry, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        for line in added:
            print(f"anchors.json: {line}")
        if not added:
            print("anchors.json: no new anchor; nothing changed")
    found = problems(args.site, registry)
    for line in found:
        print(f"anchors.json: {line}", file=sys.stderr)
    if not found:
        print(f"anchors.json: every one of the {len(registry['anchors'])} published anchors is in place")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
