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
from pathlib import Path

from posturemap.geo.countries import country_frame, physical_frame
from posturemap.geo.join import PostureData
from posturemap.geo.scenario import collector_paused

from .selection import labelled_places, most_sites_in_a_phase
from .static_labels import Box, CircleIndex, box_of, label_countries, label_places
from .static_marks import (
    POINTS_PER_STYLE_PIXEL,
    Panel,
    add_path,
    draw_ground,
    draw_movements,
    draw_sites,
    ground,
    polygons_path,
)
from .style import DEFAULT_STYLE, Style

#: The figure is laid out at this width in inches; ``width_px`` sets the resolution.
FIGURE_WIDTH_IN = 12.0
_RC = {
    "text.parse_math": False,
    "text.usetex": False,
    "svg.fonttype": "none",
    "svg.hashsalt": "posturemap",
    # Type 3: subsetting a TrueType font for Type 42 took 1 s of a 2 s build (fontTools, in Python).
    "pdf.fonttype": 3,
    # zlib's fastest level: a sixth of the time of the default (6), for a PDF some 12% larger.
    "pdf.compression": 1,
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
    with matplotlib.rc_context(_RC), warnings.catch_warnings(), collector_paused():
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
    actor_order = [actor.id for actor in scenario.actors]
    renderer = figure.canvas.get_renderer()
    basemap = ground(
        Panel(0, 0, panel_w, panel_h, west, east, south, north), countries, physical, data.regions, style
    )
    sites_by_phase = dict(iter(data.sites.groupby("phase", sort=False)))
    movements_by_phase = dict(iter(data.movements.groupby("phase", sort=False)))
    for number, phase in enumerate(phases):
        row, column = divmod(number, columns)
        left = margin + column * (panel_w + gap)
        bottom = height - header - (row + 1) * panel_h - row * (gap + 0.25)
        panel = Panel(left, bottom, panel_w, panel_h, west, east, south, north)
        axis = figure.add_axes(
            (left / FIGURE_WIDTH_IN, bottom / height, panel_w / FIGURE_WIDTH_IN, panel_h / height)
        )
        # The panel's size already has the map's aspect (equirectangular at the middle latitude).
        axis.set_xlim(west, east)
        axis.set_ylim(south, north)
        axis.set_axis_off()
        axis.add_patch(_frame_patch(axis, style))
        draw_ground(axis, basemap)
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
        sites = sites_by_phase.get(phase.id, data.sites.iloc[:0])
        draw_movements(axis, panel, movements_by_phase.get(phase.id, data.movements.iloc[:0]), colors, style)
        circles = draw_sites(axis, panel, sites, actor_order, colors, style)
        index = CircleIndex(circles)
        obstacles = [_scale_bar(axis, west, east, south, north, renderer)]
        # At most Style.label_limit places are offered a label, the largest, as on the page.
        offered = set(labelled_places(data.places, sites, limit=style.label_limit)["place"])
        obstacles += label_places(axis, sites, offered, circles, index, obstacles, renderer, style)
        label_countries(axis, countries, index, obstacles, renderer)
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


def _round_length(limit_km: float) -> float:
    for exponent in range(-1, 5):
        for step in (5, 2, 1):
            length = step * 10 ** (4 - exponent)
            if length <= limit_km:
                return length
    return 1.0


def _scale_bar(axis, west: float, east: float, south: float, north: float, renderer) -> Box:
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
    box = box_of(label, renderer)
    start, end = axis.transData.transform([(x0, y0), (x0 + length_deg, y0)])
    return Box(min(box.x0, start[0]) - 2, start[1] - 4, max(box.x1, end[0]) + 2, box.y1 + 2)


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
    figures = data.sites["personnel"].dropna()
    figures = figures[figures > 0]
    largest = int(figures.max()) if len(figures) else 1000
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
            linewidths=look.stroke_width * POINTS_PER_STYLE_PIXEL,
            linestyles=[(0, look.dash)] if look.dash else ["solid"],
        )
        label = legend.text(x + 0.22, 0.55, words, fontsize=8, va="center")
        x = (label.get_window_extent(renderer).x1 - legend.bbox.x0) / figure.dpi + 0.3
    legend.plot([x, x + 0.35], [0.55, 0.55], color=grey, lw=2)
    legend.text(x + 0.45, 0.55, "movement", fontsize=8, va="center")
    x = 6.0
    small, big = _size_key_figures(data)
    for figure_value in (big, small):
        radius_pt = style.radius(figure_value) * POINTS_PER_STYLE_PIXEL
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
    # One path for the few hundred outlines: a patch each took 0.3 s to make and save.
    outlines = polygons_path(countries.geometry.to_numpy(), 0.2, box)
    if outlines is not None:
        add_path(
            axis,
            outlines,
            axis.transData,
            facecolor=style.land_color,
            edgecolor=style.border_color,
            linewidth=0.2,
        )
    axis.add_patch(
        Rectangle((west, south), east - west, north - south, fill=False, edgecolor="#c0392b", linewidth=1.2)
    )
    axis.set_xlim(box[0], box[2])
    axis.set_ylim(box[1], box[3])
