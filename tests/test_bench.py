"""`make bench`, the parts that need no network and take seconds: the PDF's
box counts and the page budget of each chapter page (README, "Benchmark"),
measured with bench.py's own functions on the book the tests build once.

The budget compares each chapter page, with everything it loads, against the
same sources built with plain furo and sphinxcontrib-bibtex; the baseline
must carry the same notes, or the comparison says nothing.
"""

from __future__ import annotations

import re

import bench  # scripts/, on sys.path through conftest


def test_bench_counts_the_boxes_and_every_chapter_keeps_the_page_budget(book, chromium, capsys):
    bench.box_counts(book.root)
    within = bench.page_budget(book.root, book.html, chromium)
    out = capsys.readouterr().out
    assert within, out
    assert re.search(r"overfull \\vbox: 0\b", out) and re.search(r"overfull \\hbox: 0\b", out), out
    rows = re.findall(r"^  (\S+\.html)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+(\d+)\s+(ok|OVER)$",
                      out, re.M)
    assert rows, out
    for page, raw, plain_raw, gz, plain_gz, ratio, requests, plain_requests, verdict in rows:
        assert verdict == "ok", f"{page} is over the page budget:\n{out}"
