"""The static map: map.png, map.svg and map.pdf, for articles, reports and READMEs.

One figure, drawn once and saved in each format:

- a title, a subtitle naming the phases, panels for the first and last phase
  (or every phase), a key (actors, how a site looks, two circle sizes), a line
  naming the sources with the date of the data, and an inset locating the area
  on a map of its continent;
- each panel: the Natural Earth basemap (countries, lakes, rivers, country
  names where they fit), the Sahel band and other regions, movements with
  arrowheads, site circles drawn as :meth:`Style.site_look` says, place labels
  placed so that they overlap neither one another nor any circle (with a
  leader line when a label had to move away from its place), and a scale bar;
- no degree axes.

Output is byte-identical for the same data: no dates or software tags in the
PNG, SVG or PDF, and a fixed SVG hash salt.  Scenario text is never mathtext
or TeX, and the SVG keeps text as text (``svg.fonttype: none``) so an editor
can change a label.
"""

from __future__ import annotations

import math
import textwrap
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from posturemap.geo.countries import country_frame, physical_frame
from posturemap.geo.export import json_value
from posturemap.geo.join import PostureData

from .labels import labelled_places
from .sites import most_sites_in_a_phase
from .style import DEFAULT_STYLE, Style

#: The figure is laid out at this width in inches; ``width_px`` sets the resolution.
FIGURE_WIDTH_IN = 12.0
#: Site radii in :class:`Style` are CSS pixels at a 1,200 px wide image.
_POINTS_PER_STYLE_PIXEL = 0.72
_LABEL_SIZE = 7.5
_RC = {
    "text.parse_math": False,
    "text.usetex": False,
    "svg.fonttype": "none",
    "svg.hashsalt": "posturemap",
    "pdf.fonttype": 42,
    "lines.scale_dashes": False,
    "font.family": "DejaVu Sans",
}
_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}


def static_map(
    data: PostureData,
    path: Path,
    *,
    style: Style = DEFAULT_STYLE,
    width_px: int = 1200,
    all_phases: bool = False,
    formats: tuple[str, ...] | None = None,
) -> list[Path]:
    """Draw the static map and save it as ``path`` and, with ``formats``, beside it.

    Parameters
    ----------
    data : PostureData
        The prepared scenario.
    path : Path
        The file to write (``map.png``); its suffix is the format unless ``formats`` is given.
    style : Style
        Colours, circle sizes and site looks, shared with the pages and QGIS.
    width_px : int
        Width of the PNG in pixels (default 1,200, a news article's width).
    all_phases : bool
        One panel per phase instead of the first and the last.
    formats : tuple of str, optional
        Suffixes to write (``("png", "svg", "pdf")``), each as ``path`` with that suffix.

    Returns
    -------
    list of Path
        The files written.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    formats = formats or (path.suffix.lstrip(".") or "png",)
    written = []
    with matplotlib.rc_context(_RC), warnings.catch_warnings():
        # Text in a script the bundled font lacks shows as boxes here; the pages and
        # the exports keep it, so the image does not warn for every such name.
        warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
        figure = plt.figure(figsize=(FIGURE_WIDTH_IN, 8), dpi=width_px / FIGURE_WIDTH_IN)
        try:
            _draw(data, figure, style=style, all_phases=all_phases)
            for suffix in formats:
                target = path.with_suffix(f".{suffix}")
                figure.savefig(
                    target, format=suffix, dpi=width_px / FIGURE_WIDTH_IN, metadata=_METADATA[suffix]
                )
                written.append(target)
        finally:
            plt.close(figure)
    return written


@dataclass(frozen=True)
class _Box:
    """A rectangle in display pixels."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: _Box) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def hits_circle(self, x: float, y: float, radius: float) -> bool:
        nearest_x, nearest_y = min(max(x, self.x0), self.x1), min(max(y, self.y0), self.y1)
        return (nearest_x - x) ** 2 + (nearest_y - y) ** 2 < radius**2

    def inside(self, other: _Box) -> bool:
        return self.x0 >= other.x0 and self.y0 >= other.y0 and self.x1 <= other.x1 and self.y1 <= other.y1

    def grow(self, by: float) -> _Box:
        return _Box(self.x0 - by, self.y0 - by, self.x1 + by, self.y1 + by)

    def room(self) -> _Box:
        """This text box with a margin for other renderers: a browser sets the SVG's text
        with unhinted advances, some 5% wider than Agg's measure."""
        extra = 3.0 + 0.05 * (self.x1 - self.x0)
        return _Box(self.x0 - extra, self.y0 - 3.0, self.x1 + extra, self.y1 + 3.0)


def _site_words(status: str, personnel: int | None, text: str | None) -> str:
    """What a label says about one site: the figure as reported, or its status."""
    if status == "withdrawn":
        return "withdrawn"
    if status == "planned":
        return f"planned, {text}" if text else "planned"
    if personnel is None or status == "unknown":
        return "no figure reported"
    return text or f"{personnel:,}"


def _extent(data: PostureData, aspect_range: tuple[float, float]) -> tuple[float, float, float, float]:
    """West, east, south, north around every site, padded, no flatter or taller than ``aspect_range``."""
    frame = data.sites if len(data.sites) else data.places
    west, south, east, north = (float(value) for value in frame.total_bounds)
    center_lon, center_lat = (west + east) / 2, (south + north) / 2
    scale = math.cos(math.radians(max(min(center_lat, 80), -80)))
    half_w = max((east - west) / 2 * 1.25 + 0.6, 1.5) * scale  # in "equator degrees"
    half_h = max((north - south) / 2 * 1.25 + 0.6, 1.5)
    low, high = aspect_range  # height / width
    if half_h / half_w < low:
        half_h = half_w * low
    elif half_h / half_w > high:
        half_w = half_h / high
    half_lon = half_w / scale
    south, north = max(center_lat - half_h, -89.0), min(center_lat + half_h, 89.0)
    return center_lon - half_lon, center_lon + half_lon, south, north


def _draw(data: PostureData, figure, *, style: Style, all_phases: bool) -> None:
    scenario = data.scenario
    style = style.for_sites(most_sites_in_a_phase(data.sites))
    phases = list(scenario.phases) if all_phases else [scenario.phases[0], scenario.phases[-1]]
    columns = 1 if len(phases) == 1 else 2
    rows = math.ceil(len(phases) / columns)
    margin, gap, header, footer = 0.25, 0.2, 1.15, 1.85
    panel_w = (FIGURE_WIDTH_IN - 2 * margin - gap * (columns - 1)) / columns
    west, east, south, north = _extent(data, (0.55, 1.15))
    scale = math.cos(math.radians((south + north) / 2))
    panel_h = panel_w * (north - south) / ((east - west) * scale)
    height = header + rows * panel_h + (rows - 1) * (gap + 0.25) + footer
    figure.set_size_inches(FIGURE_WIDTH_IN, height)
    countries = country_frame().cx[west - 5 : east + 5, south - 5 : north + 5]
    physical = physical_frame().cx[west - 1 : east + 1, south - 1 : north + 1]
    colors = style.actor_colors(scenario.actors)
    renderer = figure.canvas.get_renderer()
    for number, phase in enumerate(phases):
        row, column = divmod(number, columns)
        left = margin + column * (panel_w + gap)
        bottom = height - header - (row + 1) * panel_h - row * (gap + 0.25)
        axis = figure.add_axes(
            (left / FIGURE_WIDTH_IN, bottom / height, panel_w / FIGURE_WIDTH_IN, panel_h / height)
        )
        # The panel's size already has the map's aspect (equirectangular at the middle latitude).
        axis.set_xlim(west, east)
        axis.set_ylim(south, north)
        axis.set_axis_off()
        axis.add_patch(_frame_patch(axis, style))
        _draw_ground(axis, countries, physical, data.regions, style)
        axis.text(
            0.0,
            1.0 + 0.08 / panel_h,
            f"{phase.label} ({phase.date.isoformat()})",
            transform=axis.transAxes,
            fontsize=11,
            fontweight="bold",
            va="bottom",
            color="#222222",
        )
        sites = data.sites[data.sites["phase"] == phase.id]
        _draw_movements(axis, data.movements[data.movements["phase"] == phase.id], colors, style)
        circles = _draw_sites(axis, sites, colors, style)
        figure.canvas.draw_idle()
        obstacles = [_scale_bar(axis, west, east, south, north, renderer)]
        labelled = labelled_places(data.places, sites, limit=style.label_limit)
        if len(labelled) == sites["place"].nunique():
            obstacles += _label_places(axis, sites, circles, obstacles, renderer, style)
        else:  # as on the page: a capped set of labels would only cover the sites
            note = axis.text(
                0.99,
                0.01,
                f"{sites['place'].nunique():,} places; names in index.html",
                transform=axis.transAxes,
                ha="right",
                fontsize=7,
                color="#555555",
            )
            obstacles.append(_box_of(note, renderer))
        _label_countries(axis, countries, circles, obstacles, renderer)
    _header(figure, scenario, phases, height)
    _footer(figure, data, colors, style, height, (west, east, south, north), renderer)


def _frame_patch(axis, style: Style):
    from matplotlib.patches import Rectangle

    return Rectangle(
        (0, 0),
        1,
        1,
        transform=axis.transAxes,
        facecolor=style.water_color,
        edgecolor="#888888",
        lw=0.6,
        zorder=0,
    )


def _draw_ground(axis, countries, physical, regions, style: Style) -> None:
    from matplotlib.collections import LineCollection, PatchCollection
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    def patches(geometries):
        import shapely

        result = []
        for geometry in geometries:
            for polygon in shapely.get_parts(geometry):
                rings = [polygon.exterior, *polygon.interiors]
                vertices = np.concatenate([np.asarray(ring.coords)[:, :2] for ring in rings])
                codes = np.concatenate(
                    [
                        [MplPath.MOVETO] + [MplPath.LINETO] * (len(ring.coords) - 2) + [MplPath.CLOSEPOLY]
                        for ring in rings
                    ]
                )
                result.append(PathPatch(MplPath(vertices, codes)))
        return result

    axis.add_collection(
        PatchCollection(
            patches(countries.geometry),
            facecolor=style.land_color,
            edgecolor=style.border_color,
            linewidth=0.6,
            zorder=1,
        )
    )
    lakes = physical[physical["kind"] == "lake"]
    rivers = physical[physical["kind"] == "river"]
    axis.add_collection(
        PatchCollection(
            patches(lakes.geometry), facecolor=style.water_color, edgecolor="#8fb3c9", lw=0.4, zorder=1.2
        )
    )
    import shapely

    lines = [
        np.asarray(line.coords)[:, :2] for geometry in rivers.geometry for line in shapely.get_parts(geometry)
    ]
    axis.add_collection(LineCollection(lines, colors="#8fb3c9", linewidths=0.7, zorder=1.1))
    if len(regions):
        axis.add_collection(
            PatchCollection(
                patches(regions.geometry),
                facecolor=style.region_color,
                alpha=style.region_fill_opacity,
                edgecolor=style.region_color,
                linestyle=(0, style.region_dash),
                linewidth=style.region_stroke_width * _POINTS_PER_STYLE_PIXEL,
                zorder=1.5,
            )
        )


def _draw_movements(axis, movements, colors: dict[str, str], style: Style) -> None:
    from matplotlib.patches import FancyArrowPatch

    for geometry, actor, kind in zip(movements.geometry, movements["actor"], movements["kind"], strict=True):
        coordinates = np.asarray(geometry.coords)[:, :2]
        width = style.movement_width * _POINTS_PER_STYLE_PIXEL
        dashes = (0, style.withdrawal_dash) if kind == "withdrawal" else "solid"
        axis.plot(
            coordinates[:-1, 0],
            coordinates[:-1, 1],
            color=colors[actor],
            alpha=style.movement_opacity,
            linewidth=width,
            linestyle=dashes,
            solid_capstyle="round",
            zorder=2,
        )
        axis.add_patch(
            FancyArrowPatch(
                tuple(coordinates[-2]),
                tuple(coordinates[-1]),
                arrowstyle="-|>",
                mutation_scale=11,
                color=colors[actor],
                alpha=style.movement_opacity,
                linewidth=width,
                zorder=2,
            )
        )


def _draw_sites(axis, sites, colors: dict[str, str], style: Style) -> list[tuple[float, float, float]]:
    """Circles, biggest first so small ones stay visible, each drawn as its look says.

    Returns every circle as (x, y, radius) in display pixels.
    """
    from matplotlib.colors import to_rgba

    if not len(sites):
        return []
    personnel = [json_value(value) for value in sites["personnel"].tolist()]
    statuses = sites["status"].tolist()
    kinds = sites["kind"].tolist()
    radii = np.array([style.radius(value) for value in personnel]) * _POINTS_PER_STYLE_PIXEL
    xs, ys = sites.geometry.x.to_numpy(), sites.geometry.y.to_numpy()
    order = np.argsort(-radii, kind="stable")
    actors = sites["actor"].tolist()
    looks = [style.site_look_for(statuses[index], personnel[index]) for index in order]
    pairs = list(zip(order, looks, strict=True))
    # One collection for every circle (one scatter per site took 30 s at 10,000 sites),
    # each path with its own colours, width and dashes, in the biggest-first order.
    axis.scatter(
        xs[order],
        ys[order],
        s=(2 * radii[order]) ** 2,
        facecolors=[to_rgba(colors[actors[i]], look.fill_opacity) for i, look in pairs],
        edgecolors=[colors[actors[i]] for i in order],
        linewidths=[
            (style.country_site_stroke_width if kinds[i] == "country" else look.stroke_width)
            * _POINTS_PER_STYLE_PIXEL
            for i, look in pairs
        ],
        linestyles=[(0, look.dash) if look.dash else "solid" for look in looks],
        zorder=3,
    )
    to_pixels = axis.transData.transform(np.column_stack((xs, ys)))
    dpi = axis.figure.dpi
    return [
        (float(x), float(y), float(radius) * dpi / 72 + 1.5)
        for (x, y), radius in zip(to_pixels, radii, strict=True)
    ]


def _box_of(artist, renderer) -> _Box:
    extent = artist.get_window_extent(renderer)
    return _Box(extent.x0, extent.y0, extent.x1, extent.y1)


def _label_text(sites, place: str, actors_shown: int) -> str:
    """A place's name, then its figure per actor (none with ``actors_shown`` 0)."""
    rows = sites[sites["place"] == place]
    lines = [rows["name"].iloc[0]]
    if actors_shown == 0:
        return lines[0]
    for actor_name, status, personnel, text in zip(
        rows["actor_name"], rows["status"], rows["personnel"], rows["personnel_text"], strict=True
    ):
        words = _site_words(status, json_value(personnel), json_value(text))
        lines.append(f"{actor_name}: {words}" if actors_shown > 1 else words)
    return "\n".join(lines)


def _candidates(x: float, y: float, radius: float, width: float, height: float):
    """Label boxes around a circle, nearest first: 8 directions touching it, then farther rings."""
    directions = [(1, 0), (-1, 0), (1, 1), (-1, 1), (1, -1), (-1, -1), (0, 1), (0, -1)]
    more = [(math.cos(math.radians(angle)), math.sin(math.radians(angle))) for angle in range(0, 360, 30)]
    for ring in range(9):
        distance = radius + 3 + ring * 12
        for dx, dy in directions if ring == 0 else directions + more:
            length = math.hypot(dx, dy)
            dx, dy = dx / length, dy / length
            anchor_x, anchor_y = x + dx * distance, y + dy * distance
            x0 = anchor_x if dx > 0.3 else anchor_x - width if dx < -0.3 else anchor_x - width / 2
            y0 = anchor_y if dy > 0.3 else anchor_y - height if dy < -0.3 else anchor_y - height / 2
            yield ring, _Box(x0, y0, x0 + width, y0 + height)


def _label_places(axis, sites, circles, obstacles: list[_Box], renderer, style: Style) -> list[_Box]:
    """Place every label where it covers no other label, circle or reserved box.

    Places with the most personnel choose first.  A label that cannot sit next
    to its circle moves out in rings and gets a leader line.  Returns the boxes used.
    """
    if not len(sites):
        return []
    frame = _box_of(axis.patch, renderer).grow(-3)
    totals = sites.groupby("place", sort=False)["personnel"].sum(min_count=1).fillna(-1)
    places = sorted(totals.index, key=lambda place: (-float(totals[place]), str(place)))
    actors_shown = sites["actor"].nunique()
    reach: dict[str, tuple[float, tuple[float, float]]] = {}
    for place, (x, y, radius) in zip(sites["place"], circles, strict=True):
        reach[place] = max(reach.get(place, (0.0, (x, y)))[0], radius), (x, y)
    # The bottom right corner is kept for a note, should a name find no room.
    note = axis.text(
        0.99,
        0.01,
        f"{len(places)} by name only, {len(places)} left out of {len(places)} places, for room; "
        "all in index.html",
        transform=axis.transAxes,
        ha="right",
        fontsize=7,
        color="#555555",
        zorder=6,
    )
    placed: list[_Box] = [_box_of(note, renderer).room()]
    inverse = axis.transData.inverted()

    def place_label(place: str, words: str) -> bool:
        text = axis.text(
            0,
            0,
            words,
            fontsize=_LABEL_SIZE,
            color=style.label_color,
            ha="left",
            va="bottom",
            zorder=5,
            linespacing=1.25,
        )
        size = _box_of(text, renderer)
        width, height = size.x1 - size.x0, size.y1 - size.y0
        radius, (x, y) = reach[place]
        for ring, box in _candidates(x, y, radius, width, height):
            padded = box.room()
            if (
                box.inside(frame)
                and not any(padded.overlaps(other) for other in placed + obstacles)
                and not any(padded.hits_circle(*circle) for circle in circles)
            ):
                text.set_position(inverse.transform((box.x0, box.y0)))
                text.set_bbox({"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7})
                placed.append(box)
                if ring > 0:
                    _leader(axis, inverse, (x, y), radius, box, style)
                return True
        text.remove()
        return False

    # Full labels first; a place with no room for its figures gets its name alone;
    # with no room for that either, it is left out rather than cover another.
    shortened = [place for place in places if not place_label(place, _label_text(sites, place, actors_shown))]
    left_out = [place for place in shortened if not place_label(place, _label_text(sites, place, 0))]
    missing = []
    if len(shortened) > len(left_out):
        missing.append(f"{len(shortened) - len(left_out)} by name only")
    if left_out:
        missing.append(f"{len(left_out)} left out")
    if missing:
        note.set_text(f"{', '.join(missing)} of {len(places)} places, for room; all in index.html")
        note.set_bbox({"boxstyle": "square,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85})
    else:
        note.remove()
    return placed


def _leader(axis, inverse, center: tuple[float, float], radius: float, box: _Box, style: Style) -> None:
    """A thin line from the circle's edge to the nearest point of its label."""
    x, y = center
    target_x, target_y = min(max(x, box.x0), box.x1), min(max(y, box.y0), box.y1)
    distance = math.hypot(target_x - x, target_y - y)
    if distance <= radius:
        return
    start = (x + (target_x - x) * radius / distance, y + (target_y - y) * radius / distance)
    (x0, y0), (x1, y1) = inverse.transform([start, (target_x, target_y)])
    axis.plot([x0, x1], [y0, y1], color="#555555", linewidth=0.6, zorder=4)


def _label_countries(axis, countries, circles, obstacles: list[_Box], renderer) -> None:
    """Country names at their label points, only where they cover nothing else."""
    frame = _box_of(axis.patch, renderer).grow(-4)
    # Planar degrees on purpose: the area only orders the names, biggest country first.
    areas = [geometry.area for geometry in countries.geometry]
    order = countries.assign(_area=areas).sort_values(["_area", "code"], ascending=[False, True])
    for name, lon, lat in zip(order["name"], order["label_lon"], order["label_lat"], strict=True):
        text = axis.text(
            lon, lat, name.upper(), fontsize=6.5, color="#8a8373", ha="center", va="center", zorder=1.8
        )
        box = _box_of(text, renderer)
        padded = box.room()
        if (
            not box.inside(frame)
            or any(padded.overlaps(other) for other in obstacles)
            or any(padded.hits_circle(*circle) for circle in circles)
        ):
            text.remove()
            continue
        obstacles.append(box)


def _round_length(limit_km: float) -> float:
    for exponent in range(-1, 5):
        for step in (5, 2, 1):
            length = step * 10 ** (4 - exponent)
            if length <= limit_km:
                return length
    return 1.0


def _scale_bar(axis, west: float, east: float, south: float, north: float, renderer) -> _Box:
    """A bar of a round length in km at the bottom left, true at the map's middle latitude."""
    middle = (south + north) / 2
    km_per_degree = 111.32 * math.cos(math.radians(middle))
    length_km = _round_length((east - west) * km_per_degree * 0.22)
    length_deg = length_km / km_per_degree
    x0 = west + (east - west) * 0.03
    y0 = south + (north - south) * 0.035
    axis.plot([x0, x0 + length_deg], [y0, y0], color="#333333", linewidth=2, solid_capstyle="butt", zorder=6)
    label = axis.text(
        x0,
        y0 + (north - south) * 0.012,
        f"{length_km:,.0f} km",
        fontsize=7,
        color="#333333",
        va="bottom",
        zorder=6,
    )
    box = _box_of(label, renderer)
    start, end = axis.transData.transform([(x0, y0), (x0 + length_deg, y0)])
    return _Box(min(box.x0, start[0]) - 2, start[1] - 4, max(box.x1, end[0]) + 2, box.y1 + 2)


def _header(figure, scenario, phases, height: float) -> None:
    top = 1 - 0.15 / height
    figure.text(0.25 / FIGURE_WIDTH_IN, top, scenario.title, fontsize=16, fontweight="bold", va="top")
    shown = " and ".join(f"{phase.label} ({phase.date.isoformat()})" for phase in (phases[0], phases[-1]))
    if len(phases) > 2:
        shown = f"{len(phases)} phases, {phases[0].date.isoformat()} to {phases[-1].date.isoformat()}"
    figure.text(
        0.25 / FIGURE_WIDTH_IN,
        top - 0.38 / height,
        f"Personnel by place: {shown}. Circle area shows personnel as reported.",
        fontsize=10,
        color="#444444",
        va="top",
    )


def _size_key_figures(data: PostureData) -> tuple[int, int]:
    """Two round figures for the size key: the largest round figure up to the biggest site, and a tenth."""
    values = [json_value(value) for value in data.sites["personnel"].tolist()]
    largest = max((value for value in values if value), default=1000)
    magnitude = 10 ** math.floor(math.log10(max(largest, 10)))
    big = max(step * magnitude for step in (1, 2, 5) if step * magnitude <= largest)
    return max(big // 10, 1), big


def _footer(figure, data: PostureData, colors, style: Style, height: float, extent, renderer) -> None:
    from matplotlib.colors import to_rgba

    scenario = data.scenario
    inch_x, inch_y = 1 / FIGURE_WIDTH_IN, 1 / height
    legend = figure.add_axes((0.25 * inch_x, 0.55 * inch_y, 8.4 * inch_x, 1.05 * inch_y))
    legend.set_xlim(0, 8.4)
    legend.set_ylim(0, 1.05)
    legend.set_axis_off()
    # Row 1: actors.  Row 2: how a site looks.  The size key sits on the right.
    x = 0.0
    for actor in scenario.actors:
        legend.scatter([x + 0.08], [0.88], s=60, color=colors[actor.id], alpha=0.8, zorder=3)
        label = legend.text(x + 0.2, 0.88, actor.name, fontsize=8, va="center")
        x = (label.get_window_extent(renderer).x1 - legend.bbox.x0) / figure.dpi + 0.3
    x = 0.0
    grey = "#555555"
    for look_name, words in (
        ("reported", "figure reported"),
        ("unknown", "no figure"),
        ("planned", "planned"),
        ("withdrawn", "withdrawn"),
    ):
        look = style.site_look(look_name)
        legend.scatter(
            [x + 0.08],
            [0.55],
            s=90,
            facecolors=[to_rgba(grey, look.fill_opacity)],
            edgecolors=[grey],
            linewidths=look.stroke_width * _POINTS_PER_STYLE_PIXEL,
            linestyles=[(0, look.dash)] if look.dash else ["solid"],
        )
        label = legend.text(x + 0.22, 0.55, words, fontsize=8, va="center")
        x = (label.get_window_extent(renderer).x1 - legend.bbox.x0) / figure.dpi + 0.3
    legend.plot([x, x + 0.35], [0.55, 0.55], color=grey, lw=2)
    legend.text(x + 0.45, 0.55, "movement", fontsize=8, va="center")
    x = 6.0
    small, big = _size_key_figures(data)
    for figure_value in (big, small):
        radius_pt = style.radius(figure_value) * _POINTS_PER_STYLE_PIXEL
        legend.scatter(
            [x + 0.35], [0.62], s=[(2 * radius_pt) ** 2], facecolors="none", edgecolors=grey, lw=0.8
        )
        legend.text(
            x + 0.35, 0.62 - radius_pt / 72 - 0.06, f"{figure_value:,}", fontsize=7.5, ha="center", va="top"
        )
        x += 0.35 + 2 * radius_pt / 72 + 0.1
    legend.text(6.0, 1.02, "Personnel (circle area)", fontsize=8, va="top")
    sources = "; ".join(
        source.title + (f" ({source.publisher})" if source.publisher else "") for source in scenario.sources
    )
    lines = textwrap.wrap(f"Sources: {sources}", width=135)
    if len(lines) > 2:
        lines = [
            *lines[:1],
            textwrap.shorten(" ".join(lines[1:]), width=110, placeholder=" … (all in index.html)"),
        ]
    last = scenario.phases[-1].date.isoformat()
    lines.append(f"Data as of {last}. Basemap: Natural Earth (public domain). Made with posturemap.")
    for number, line in enumerate(lines):
        figure.text(
            0.25 * inch_x, (0.42 - number * 0.15) * inch_y, line, fontsize=7.5, color="#555555", va="center"
        )
    _inset(figure, extent, style, height)


def _inset(figure, extent, style: Style, height: float) -> None:
    """A small map of the continent with the area drawn on it."""
    import shapely
    from matplotlib.patches import Rectangle

    west, east, south, north = extent
    center_lon, center_lat = (west + east) / 2, (south + north) / 2
    width_in, height_in = 2.0, 1.45
    half_lon = max(40.0, (east - west) * 1.5)
    # Same scale both ways at the area's latitude: the inset's shape sets its height in degrees.
    half_lat = half_lon * math.cos(math.radians(center_lat)) * height_in / width_in
    center_lat = min(max(center_lat, -60 + half_lat), 80 - half_lat)
    box = (center_lon - half_lon, center_lat - half_lat, center_lon + half_lon, center_lat + half_lat)
    axis = figure.add_axes(
        (
            (FIGURE_WIDTH_IN - 0.25 - width_in) / FIGURE_WIDTH_IN,
            0.2 / height,
            width_in / FIGURE_WIDTH_IN,
            height_in / height,
        )
    )
    axis.set_axis_off()
    axis.add_patch(_frame_patch(axis, style))
    countries = country_frame().cx[box[0] : box[2], box[1] : box[3]]
    for geometry in countries.geometry:
        simple = shapely.simplify(geometry, 0.2)
        for polygon in shapely.get_parts(simple):
            xs, ys = polygon.exterior.xy
            axis.fill(xs, ys, facecolor=style.land_color, edgecolor=style.border_color, linewidth=0.2)
    axis.add_patch(
        Rectangle((west, south), east - west, north - south, fill=False, edgecolor="#c0392b", linewidth=1.2)
    )
    axis.set_xlim(box[0], box[2])
    axis.set_ylim(box[1], box[3])
