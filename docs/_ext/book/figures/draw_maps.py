"""Draw the book's two maps from Natural Earth's country borders.

Map 1 (``world``): the United States and the Soviet Union on a world map.
Map 2 (``blocs``): NATO and the Warsaw Pact in 1975, with Europe enlarged.

The borders are Natural Earth's 1:110m "Admin 0 – Countries" (public
domain), as shipped inside the pyogrio wheel (a test fixture; its version is
pinned in requirements.txt), read with pyshp.  Nothing is downloaded.  The
period's states are composed from the modern ones:

* the Soviet Union is the union of the 15 post-Soviet states;
* Czechoslovakia is Czechia and Slovakia; Yugoslavia its seven successors;
* Germany is cut in two along an approximate inner German border
  (:data:`INNER_GERMAN_BORDER`, a dozen points read off a general atlas;
  Berlin is not shown at this scale).

The projection is Equal Earth (Šavrič, Patterson and Jenny, 2018), written
out here so that no projection library (and no data download) is needed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapefile  # pyshp
from shapely.geometry import MultiPolygon, Polygon, box, shape
from shapely.ops import unary_union

# Okabe–Ito colours (distinguishable with the common colour-vision
# deficiencies), each paired with a hatch so that colour never carries
# meaning alone.
BLUE, SKY, ORANGE, VERMILION = "#0072B2", "#56B4E9", "#E69F00", "#D55E00"
LAND, EDGE, INK, SEA = "#e4e4e4", "#7a7a7a", "#1a1a1a", "#ffffff"

SOVIET = ["Russia", "Ukraine", "Belarus", "Moldova", "Lithuania", "Latvia", "Estonia",
          "Georgia", "Armenia", "Azerbaijan", "Kazakhstan", "Uzbekistan", "Turkmenistan",
          "Kyrgyzstan", "Tajikistan"]
CZECHOSLOVAKIA = ["Czechia", "Slovakia"]
YUGOSLAVIA = ["Slovenia", "Croatia", "Bosnia and Herz.", "Serbia", "Montenegro", "Kosovo",
              "Macedonia"]

# NATO's members in 1975 (NATO's own list of members and accession dates):
# the twelve founders of 1949, Greece and Turkey (1952), West Germany (1955).
# Greenland was Danish territory.  Spain joined only in 1982.
NATO_1975 = ["United States of America", "Canada", "United Kingdom", "France", "Belgium",
             "Netherlands", "Luxembourg", "Denmark", "Greenland", "Norway", "Iceland",
             "Italy", "Portugal", "Greece", "Turkey", "West Germany"]
# The Warsaw Pact in 1975: Albania, a founder, had left in 1968.
WARSAW_1975 = ["Soviet Union", "Poland", "Czechoslovakia", "Hungary", "Romania", "Bulgaria",
               "East Germany"]

# The inner German border, north to south (longitude, latitude), roughly:
# Lübeck Bay, the Elbe from Lauenburg to Schnackenburg, the Altmark, the
# Harz, the Eichsfeld, the Werra, the Rhön, north of Coburg, to the Czech
# border near Hof.  Good to a few kilometres, enough at 1:110m.
INNER_GERMAN_BORDER = [
    (10.90, 54.40), (10.90, 53.96), (10.76, 53.70), (10.60, 53.40), (10.72, 53.38),
    (10.88, 53.23), (11.04, 53.15), (11.25, 53.14), (11.57, 53.04), (11.25, 52.88),
    (10.95, 52.85), (10.93, 52.60), (11.05, 52.40), (11.05, 52.23), (10.95, 52.05),
    (10.62, 51.90), (10.55, 51.60), (10.30, 51.52), (10.05, 51.20), (10.15, 50.99),
    (9.98, 50.85), (9.98, 50.68), (10.10, 50.55), (10.30, 50.42), (10.60, 50.33),
    (10.96, 50.33), (11.30, 50.37), (11.39, 50.49), (11.60, 50.40), (11.92, 50.32),
    (12.20, 50.30),
]


def natural_earth_path() -> Path:
    """The 1:110m countries shapefile inside the installed pyogrio package."""
    import importlib.util

    spec = importlib.util.find_spec("pyogrio")
    if spec is None or not spec.origin:
        raise RuntimeError("pyogrio is not installed (it ships the Natural Earth borders)")
    path = Path(spec.origin).parent / "tests" / "fixtures" / "naturalearth_lowres" / "naturalearth_lowres.shp"
    if not path.is_file():
        raise RuntimeError(f"no Natural Earth shapefile at {path}: is pyogrio pinned as in requirements.txt?")
    return path


def input_files() -> list[Path]:
    """Every file whose content the maps depend on (for the rebuild check)."""
    shp = natural_earth_path()
    return [Path(__file__), shp, shp.with_suffix(".dbf"), shp.with_suffix(".shx")]


def load_states() -> dict:
    """Period states by name: modern countries, merged and split as above."""
    # The .cpg file says ISO-8859-1, and pyshp reads it from there.
    reader = shapefile.Reader(str(natural_earth_path()))
    names = [f[0] for f in reader.fields[1:]]
    countries = {}
    for sr in reader.iterShapeRecords():
        rec = dict(zip(names, sr.record))
        if rec["name"] == "Antarctica":
            continue
        countries[rec["name"]] = shape(sr.shape.__geo_interface__).buffer(0)
    states = dict(countries)
    for name, parts in (("Soviet Union", SOVIET), ("Czechoslovakia", CZECHOSLOVAKIA),
                        ("Yugoslavia", YUGOSLAVIA)):
        # A tiny buffer closes the slivers between neighbours' borders.
        states[name] = unary_union([countries[p].buffer(0.05) for p in parts]).buffer(-0.05)
        for part in parts:
            del states[part]
    west = Polygon([(5.0, 56.0), (10.90, 56.0), *INNER_GERMAN_BORDER, (14.0, 50.0),
                    (14.0, 46.0), (5.0, 46.0)])
    germany = states.pop("Germany")
    states["West Germany"] = germany.intersection(west)
    states["East Germany"] = germany.difference(west)
    return states


# -- Equal Earth projection ---------------------------------------------------

_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = np.sqrt(3) / 2


def project(lon, lat):
    lam, phi = np.radians(np.asarray(lon, float)), np.radians(np.asarray(lat, float))
    theta = np.arcsin(_M * np.sin(phi))
    t2, t6 = theta**2, theta**6
    x = lam * np.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


def _polygons(geom):
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    return [g for part in getattr(geom, "geoms", []) for g in _polygons(part)]


def _path(geom):
    """A matplotlib Path of a (multi)polygon, projected, holes included."""
    from matplotlib.path import Path as MplPath

    verts, codes = [], []
    for poly in _polygons(geom):
        for ring in [poly.exterior, *poly.interiors]:
            lon, lat = np.asarray(ring.coords).T
            x, y = project(lon, lat)
            pts = np.column_stack([x, y])
            verts.extend(pts)
            codes.extend([MplPath.MOVETO] + [MplPath.LINETO] * (len(pts) - 2) + [MplPath.CLOSEPOLY])
    return MplPath(np.array(verts), codes)


def _draw_state(ax, geom, face, hatch=None, lw=0.3, edge=EDGE, hatch_color=INK, z=1):
    from matplotlib.patches import PathPatch

    cut = getattr(ax, "_book_box", None)
    if cut is not None:
        geom = geom.intersection(cut)
        if geom.is_empty:
            return
    patch = PathPatch(_path(geom), facecolor=face, edgecolor=edge, linewidth=lw, zorder=z)
    if hatch:
        patch.set_hatch(hatch)
        patch.set_hatchcolor(hatch_color)
        patch.set_hatch_linewidth(0.4)
    ax.add_patch(patch)
    patch.set_clip_path(ax._book_clip)


def _frame(ax, lon0, lon1, lat0, lat1):
    """Clip the view to a lon/lat box, drawing the projected outline."""
    lon = np.concatenate([np.linspace(lon0, lon1, 100), np.full(50, lon1),
                          np.linspace(lon1, lon0, 100), np.full(50, lon0)])
    lat = np.concatenate([np.full(100, lat0), np.linspace(lat0, lat1, 50),
                          np.full(100, lat1), np.linspace(lat1, lat0, 50)])
    from matplotlib.patches import Polygon as MplPolygon

    x, y = project(lon, lat)
    ax.fill(x, y, color=SEA, zorder=0, linewidth=0)
    ax.plot(x, y, color=EDGE, linewidth=0.6, zorder=5)
    pad = 0.005 * (x.max() - x.min())
    ax.set_xlim(x.min() - pad, x.max() + pad)
    ax.set_ylim(y.min() - pad, y.max() + pad)
    ax.set_aspect("equal")
    ax.axis("off")
    # Every state is clipped to the frame (see _draw_state).
    ax._book_clip = MplPolygon(np.column_stack([x, y]), closed=True, transform=ax.transData)
    # ... and cut to the box before drawing, so that the files carry only
    # what shows (a little margin keeps the clipped edges clean).
    ax._book_box = box(lon0 - 1, lat0 - 1, lon1 + 1, lat1 + 1)


def extent(lon0, lon1, lat0, lat1) -> tuple[float, float]:
    """Width and height of a lon/lat box once projected."""
    lon = np.array([lon0, lon1, lon0, lon1, 0.5 * (lon0 + lon1)])
    lat = np.array([lat0, lat0, lat1, lat1, lat0])
    x, y = project(np.r_[lon, lon0, lon1], np.r_[lat, 0 if lat0 < 0 < lat1 else lat0, 0 if lat0 < 0 < lat1 else lat0])
    return float(x.max() - x.min()), float(y.max() - y.min())


def _label(ax, lon, lat, text, size=8, weight="normal", **kw):
    x, y = project(lon, lat)
    ax.text(x, y, text, ha="center", va="center", fontsize=size, weight=weight, color=INK,
            zorder=6, bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none",
                                alpha=0.85), **kw)


def draw_world(fig_path_stem: Path) -> list[Path]:
    """Map 1: the two states located on a world map."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    states = load_states()
    box = (-180, 180, -58, 84)
    w, h = extent(*box)
    height = 7.0 * h / w + 0.2
    fig = plt.figure(figsize=(7.0, height))
    fig.patch.set_facecolor("white")
    ax = fig.add_axes([0, 0.2 / height, 1, 1 - 0.2 / height])
    _frame(ax, *box)
    for name, geom in states.items():
        if name not in ("United States of America", "Soviet Union"):
            _draw_state(ax, geom, LAND)
    _draw_state(ax, states["United States of America"], SKY, "////", edge=INK, lw=0.5, z=2)
    _draw_state(ax, states["Soviet Union"], ORANGE, "\\\\\\\\", edge=INK, lw=0.5, z=2)
    _label(ax, -100, 40, "United States", 9, "bold")
    _label(ax, 95, 62, "Soviet Union", 9, "bold")
    ax.legend(handles=[
        Patch(facecolor=SKY, edgecolor=INK, hatch="////", label="United States"),
        Patch(facecolor=ORANGE, edgecolor=INK, hatch="\\\\\\\\", label="Soviet Union (1922–1991)"),
        Patch(facecolor=LAND, edgecolor=EDGE, label="Other countries (modern borders)"),
    ], loc="lower left", fontsize=8, frameon=True, framealpha=1, edgecolor=EDGE)
    fig.text(0.99, 0.03 / height, "Borders: Natural Earth 1:110m (public domain). Equal Earth projection.",
             ha="right", va="bottom", fontsize=8, color="#444444")
    return _save(fig, fig_path_stem)


BLOC_STYLE = {
    # name: (face, hatch, hatch colour)
    "us": (BLUE, "////", "white"),
    "nato": (SKY, "////", INK),
    "ussr": (VERMILION, "\\\\\\\\", "white"),
    "warsaw": (ORANGE, "\\\\\\\\", INK),
    "albania": ("white", "++", INK),  # a square grid: a dot hatch costs the SVG 150 KB
}


def _bloc_of(name: str) -> str | None:
    if name == "United States of America":
        return "us"
    if name == "Soviet Union":
        return "ussr"
    if name in NATO_1975:
        return "nato"
    if name in WARSAW_1975:
        return "warsaw"
    if name == "Albania":
        return "albania"
    return None


def _draw_blocs(ax, states):
    for name, geom in states.items():
        bloc = _bloc_of(name)
        if bloc is None:
            _draw_state(ax, geom, LAND)
        else:
            face, hatch, hcolor = BLOC_STYLE[bloc]
            _draw_state(ax, geom, face, hatch, edge=INK, lw=0.4, hatch_color=hcolor, z=2)


def draw_blocs(fig_path_stem: Path) -> list[Path]:
    """Map 2: NATO and the Warsaw Pact in 1975, the world and Europe."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    states = load_states()
    world_box, europe_box = (-180, 180, 0, 84), (-25, 45, 34, 71)
    # Lay the panels out in inches, from their projected shapes.
    width, legend_h, gap = 7.0, 0.75, 0.08
    (ww, wh), (ew, eh) = extent(*world_box), extent(*europe_box)
    world_h, europe_h = width * wh / ww, width * eh / ew
    height = world_h + europe_h + legend_h + 3 * gap
    fig = plt.figure(figsize=(width, height))
    fig.patch.set_facecolor("white")
    world = fig.add_axes([0, 1 - world_h / height, 1, world_h / height])
    europe = fig.add_axes([0, (legend_h + gap) / height, 1, europe_h / height])
    _frame(world, *world_box)
    _draw_blocs(world, states)
    _label(world, -100, 42, "United States", 8.5, "bold")
    _label(world, 95, 62, "Soviet Union", 8.5, "bold")
    # The box enlarged below.
    lon0, lon1, lat0, lat1 = europe_box
    bx = np.concatenate([np.linspace(lon0, lon1, 40), np.full(20, lon1),
                         np.linspace(lon1, lon0, 40), np.full(20, lon0)])
    by = np.concatenate([np.full(40, lat0), np.linspace(lat0, lat1, 20),
                         np.full(40, lat1), np.linspace(lat1, lat0, 20)])
    x, y = project(bx, by)
    world.plot(x, y, color=INK, linewidth=0.8, linestyle="--", zorder=7)
    _label(world, 10, 30, "enlarged below", 8)
    _frame(europe, *europe_box)
    _draw_blocs(europe, states)
    for lon, lat, text in [
        (-2, 53, "UK"), (2.5, 46.8, "France"), (8.6, 50.3, "West\nGermany"),
        (12.4, 52.3, "East\nGermany"), (19.5, 52.2, "Poland"), (17.4, 49.5, "Czecho-\nslovakia"),
        (19.3, 47.1, "Hungary"), (25.0, 45.8, "Romania"), (25.3, 42.7, "Bulgaria"),
        (16.6, 39.4, "Albania\n(left 1968)"), (12.5, 42.8, "Italy"), (22.3, 39.0, "Greece"),
        (32.5, 39.3, "Turkey"), (-13.6, 38.2, "Portugal"), (-3.8, 40.2, "Spain\n(NATO 1982)"),
        (10.0, 61.5, "Norway"), (9.3, 56.0, "Denmark"), (-18.8, 64.9, "Iceland"),
        (37.0, 56.5, "Soviet Union"), (5.2, 51.9, "NL"), (4.6, 50.6, "B"),
        (13.9, 47.4, "Austria"), (17.5, 44.2, "Yugoslavia"), (15.8, 62.5, "Sweden"),
        (26.5, 63.5, "Finland"), (8.2, 46.8, "CH"), (-8.0, 53.2, "Ireland"),
    ]:
        _label(europe, lon, lat, text, 8)
    fig.legend(handles=[
        Patch(facecolor=BLUE, edgecolor=INK, hatch="////", label="United States"),
        Patch(facecolor=SKY, edgecolor=INK, hatch="////", label="Other NATO members"),
        Patch(facecolor=LAND, edgecolor=EDGE, label="Neither alliance"),
        Patch(facecolor=VERMILION, edgecolor=INK, hatch="\\\\\\\\", label="Soviet Union"),
        Patch(facecolor=ORANGE, edgecolor=INK, hatch="\\\\\\\\", label="Other Warsaw Pact members"),
        Patch(facecolor="white", edgecolor=INK, hatch=BLOC_STYLE["albania"][1], label="Albania: Warsaw Pact 1955–1968"),
    ], loc="lower center", bbox_to_anchor=(0.5, 0.17 / height), ncol=2, fontsize=8,
        frameon=True, framealpha=1, edgecolor=EDGE, title="Alliances in 1975", title_fontsize=8.5)
    fig.text(0.99, 0.03 / height, "Borders: Natural Earth 1:110m (public domain); period states "
             "composed, Germany divided approximately. Equal Earth projection.",
             ha="right", va="bottom", fontsize=8, color="#444444")
    return _save(fig, fig_path_stem)


def _save(fig, stem: Path) -> list[Path]:
    from .render import save_reproducibly

    return save_reproducibly(fig, stem)
