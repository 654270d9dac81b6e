"""Draw the timeline figure: the periods and the tagged events on one axis.

The periods are the book's own division of 1917–1991 (the chapters and the
introduction tell and source them); the events are every ``.. event::`` in
the chapters, as :func:`timeline.scan_events` finds them.  Each event is a
tick on the axis; the list on the timeline page gives each one in words.
"""

from __future__ import annotations

from pathlib import Path

# Okabe–Ito colours, each with a hatch, so that no period is told by colour
# alone; every bar is also labelled directly.
PERIODS = [
    # (label, start, end, colour, hatch, row)
    ("Revolution and intervention, 1917–1920", 1917.85, 1920.5, "#E69F00", "////", 0),
    ("Non-recognition, 1917–1933", 1917.85, 1933.9, "#56B4E9", "\\\\\\\\", 1),
    ("Wartime alliance, 1941–1945", 1941.5, 1945.7, "#009E73", "xxx", 0),
    ("Cold War, 1945–1991", 1945.7, 1991.99, "#0072B2", "", 1),
    ("Détente, c. 1969–1979", 1969.0, 1979.99, "#CC79A7", "....", 0),
]
START, END = 1917, 1992


def decimal_year(date: str) -> float:
    """1941 -> 1941.5, 1941-06 -> 1941.46, 1941-06-22 -> 1941.47."""
    parts = [int(p) for p in date.split("-")]
    if len(parts) == 1:
        return parts[0] + 0.5
    month = parts[1]
    day = parts[2] if len(parts) == 3 else 15
    return parts[0] + (month - 1 + (day - 1) / 31) / 12


def draw(stem: Path, events: list[dict]):
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from .render import save_reproducibly

    fig, ax = plt.subplots(figsize=(7.0, 2.3))
    fig.patch.set_facecolor("white")
    ax.set_facecolor("white")
    row_h, row_y = 0.8, {0: 2.0, 1: 1.0}
    for label, start, end, colour, hatch, row in PERIODS:
        y = row_y[row]
        ax.add_patch(Rectangle((start, y), end - start, row_h, facecolor=colour, edgecolor="#1a1a1a",
                               hatch=hatch or None, linewidth=0.6, alpha=0.9))
        # Top row: the label above the bar; bottom row: on the (wide) bar.
        above = row == 0
        ax.text(start + (0 if above else 0.4), y + row_h + 0.08 if above else y + row_h / 2, label,
                ha="left", va="bottom" if above else "center", fontsize=8, color="#1a1a1a",
                bbox=None if above else dict(boxstyle="round,pad=0.15", facecolor="white",
                                             edgecolor="none", alpha=0.9))
    # The events: one tick each on the axis.
    years = sorted(decimal_year(e["date"]) for e in events)
    ax.vlines(years, 0.15, 0.85, color="#D55E00", linewidth=1.0)
    # The row's label in the widest stretch of years without an event, so
    # that it hides none of them.
    bounds = [START, *years, END]
    gap_start = max(zip(bounds, bounds[1:]), key=lambda gap: gap[1] - gap[0])[0]
    ax.text(gap_start + 0.6, 0.5, f"Events told in the book ({len(years)})" if years else
            "Events told in the book (none tagged yet)", fontsize=8, va="center", ha="left",
            color="#1a1a1a", bbox=dict(boxstyle="round,pad=0.15", facecolor="white",
                                       edgecolor="none", alpha=0.8))
    ax.axhline(0.0, color="#1a1a1a", linewidth=0.8)
    ax.set_xlim(START, END)
    ax.set_ylim(-0.05, 3.2)
    ax.set_xticks(range(1920, 1995, 5))
    ax.set_xticks(range(START, END + 1), minor=True)
    ax.tick_params(axis="x", labelsize=8)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    fig.subplots_adjust(left=0.02, right=0.98, top=0.97, bottom=0.14)
    return save_reproducibly(fig, stem)
