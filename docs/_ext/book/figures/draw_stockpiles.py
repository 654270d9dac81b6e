"""Draw the figure of the American and Soviet nuclear warhead stockpiles, 1945–1991.

The numbers are the Federation of American Scientists' estimates ("Status of
World Nuclear Forces"), as copied by Our World in Data into the public
repository owid/notebooks; ``docs/_data/nuclear-stockpiles.csv`` keeps the
rows for the two states, 1945–1991, unchanged, and its ``#`` lines say where
the copy came from (repository, path, commit, publisher).  Nothing is
downloaded.  Every point drawn is a row of that file; the labels (the peaks,
the year the Soviet stockpile first passed the American) are computed from
the same rows, never written by hand.
"""

from __future__ import annotations

import csv
from pathlib import Path

from .render import FigureError

DATA = Path("_data") / "nuclear-stockpiles.csv"
# The provenance lines every copy of the data must carry (``# key: value``).
PROVENANCE = ("publisher", "copy-repository", "copy-path", "copy-commit", "rows-kept")
COLUMNS = ["country_name", "year", "nuclear_weapons_stockpile"]
# The copy's country names, and the names the figure gives them.
STATES = {"United States": "United States", "Russia": "Soviet Union"}
FIRST, LAST = 1945, 1991
# Okabe–Ito blue and vermilion, as on the maps, each with its own dash, so
# that colour never tells the two lines apart alone; both are also labelled.
STYLE = {"United States": ("#0072B2", "-"), "Soviet Union": ("#D55E00", (0, (5, 2)))}
INK = "#1a1a1a"
XLIM = (1944, 1992)
YLIM = (0, 48000)
FONT = 12


def data_path(srcdir: Path) -> Path:
    return Path(srcdir) / DATA


def input_files(srcdir: Path) -> list[Path]:
    """Every file whose content the figure depends on (for the rebuild check)."""
    return [Path(__file__), data_path(srcdir)]


def load(path: Path) -> tuple[dict[str, str], dict[str, dict[int, int]]]:
    """The provenance lines and the two series, ``{state: {year: warheads}}``.

    A row that is not a known state, a year of 1945–1991 and a whole number
    of warheads, a year given twice, or a year missing is refused, with the
    file and the line named.
    """
    path = Path(path)
    provenance: dict[str, str] = {}
    series: dict[str, dict[int, int]] = {name: {} for name in STATES.values()}
    header_seen = False
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        where = f"{path}:{number}"
        if line.startswith("#"):
            key, sep, value = line[1:].partition(":")
            if sep and key.strip() and " " not in key.strip():
                provenance[key.strip()] = value.strip()
            continue
        if not line.strip():
            continue
        row = next(csv.reader([line]))
        if not header_seen:
            if row != COLUMNS:
                raise FigureError(f"{where}: the header must be {','.join(COLUMNS)}, not {line!r}")
            header_seen = True
            continue
        if len(row) != 3:
            raise FigureError(f"{where}: a row has three fields (country, year, warheads), not {line!r}")
        country, year, value = row
        if country not in STATES:
            raise FigureError(f"{where}: unknown state {country!r} (expected one of {', '.join(STATES)})")
        if not (year.isdigit() and FIRST <= int(year) <= LAST):
            raise FigureError(f"{where}: the year {year!r} is not a year of {FIRST}–{LAST}")
        if not value.isdigit():
            raise FigureError(f"{where}: the stockpile {value!r} is not a whole number of warheads")
        state = STATES[country]
        if int(year) in series[state]:
            raise FigureError(f"{where}: {country} in {year} is given twice")
        series[state][int(year)] = int(value)
    if not header_seen:
        raise FigureError(f"{path}: no header line {','.join(COLUMNS)}")
    missing = [key for key in PROVENANCE if not provenance.get(key)]
    if missing:
        raise FigureError(f"{path}: the provenance line(s) {', '.join('# ' + k + ':' for k in missing)} are missing")
    for state, values in series.items():
        absent = [y for y in range(FIRST, LAST + 1) if y not in values]
        if absent:
            raise FigureError(f"{path}: {state} has no row for {', '.join(map(str, absent))}")
    return provenance, series


def peak(values: dict[int, int]) -> tuple[int, int]:
    """The (first) year of the largest stockpile, and that stockpile."""
    year = max(sorted(values), key=lambda y: values[y])
    return year, values[year]


def first_year_ahead(series: dict[str, dict[int, int]]) -> int | None:
    """The first year in which the Soviet stockpile was larger than the American."""
    us, su = series["United States"], series["Soviet Union"]
    return next((y for y in sorted(su) if su[y] > us[y]), None)


def points(values: dict[int, int]) -> tuple[list[int], list[int]]:
    """The points drawn for one state: one per year, the year and its stockpile."""
    years = sorted(values)
    return years, [values[y] for y in years]


def draw(stem: Path, series: dict[str, dict[int, int]]):
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    from .render import save_reproducibly

    fig, ax = plt.subplots(figsize=(5.0, 3.6))
    fig.patch.set_facecolor("white")
    ax.set_facecolor("white")
    for state, values in series.items():
        colour, dash = STYLE[state]
        years, counts = points(values)
        (line,) = ax.plot(years, counts, color=colour, linestyle=dash, linewidth=2.0)
        line.set_gid(f"stockpile-{state.lower().replace(' ', '-')}")
    # The peaks, labelled from the data, above their points.
    for state in series:
        year, count = peak(series[state])
        ax.plot([year], [count], marker="o", markersize=5, color=STYLE[state][0])
        ax.annotate(f"{count:,}\n({year})", (year, count), xytext=(0, 7), textcoords="offset points",
                    ha="center", va="bottom", linespacing=1.1, fontsize=FONT, color=INK)
    # Each line named beside it, where the other line is far away.
    us, su = series["United States"], series["Soviet Union"]
    ax.text(1958.5, us[1958] + 14000, "United States", fontsize=FONT, color=STYLE["United States"][0],
            ha="right", va="bottom", fontweight="bold")
    ax.text(1969.5, su[1969] + 2500, "Soviet Union", fontsize=FONT, color=STYLE["Soviet Union"][0],
            ha="right", va="bottom", fontweight="bold")
    ahead = first_year_ahead(series)
    if ahead is not None:
        ax.vlines(ahead, 0, 36000, color="#7a7a7a", linewidth=0.8, linestyle=":", zorder=0)
        ax.text(ahead + 0.7, 2500, f"Soviet stockpile\nlarger from {ahead}", fontsize=FONT,
                color=INK, ha="left", va="bottom")
    ax.set_xlim(*XLIM)
    ax.set_ylim(*YLIM)
    ax.set_xticks(range(1945, 1992, 10))
    ax.set_xticks(range(1945, 1992), minor=True)
    ax.set_yticks(range(0, 45001, 10000))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{int(v):,}"))
    ax.tick_params(labelsize=FONT, colors=INK)
    # The axis named above it, level, not turned on its side: read without
    # tilting the head, and as a line of text by anything that reads the PDF.
    ax.set_title("Nuclear warheads", loc="left", fontsize=FONT, color=INK, pad=6)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("right", "top"):
        ax.spines[side].set_visible(False)
    ax.patch.set_gid("stockpile-axes")
    fig.subplots_adjust(left=0.14, right=0.97, top=0.91, bottom=0.1)
    return save_reproducibly(fig, stem)
