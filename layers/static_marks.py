"""What a panel of the static map draws under its labels: the basemap, movements and site circles.

Everything here is at most a few hundred artists, however many sites.  A
PDF or SVG writer handles each artist (and each item of a collection whose
items differ in style) in Python, so 20,000 circles as 20,000 paths took
seconds to save.  Instead, circles of one look, one actor and about the same
size are one compound path, and so are the lines and the arrowheads of one
actor's movements; the SVG and the PDF stay vector drawings (for print),
with text as text.

Circles and arrowheads are drawn in figure inches (``figure.dpi_scale_trans``)
so they keep their size in points in every format, as markers do.  Where two
circles of one path overlap, their fill does not darken (the path is filled
once), and every outline of a path is drawn over its fills.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .style import Style

#: Site radii in :class:`Style` are CSS pixels at a 1,200 px wide image.
POINTS_PER_STYLE_PIXEL = 0.72
#: Circles of one look and actor share a path when their radii round to the same
#: multiple of this many style pixels; paths are drawn biggest first.
_RADIUS_STEP = 1.0
#: With many circles, the groups of a size step (actor, look) take turns, each turn
#: one path of at most 1/_TURNS of a panel's circles (and at least 16): see :func:`draw_sites`.
_TURNS = 256
#: A cubic Bézier quarter circle's control distance (error 0.03% of the radius).
_KAPPA = 4 * (math.sqrt(2) - 1) / 3
#: The unit circle as four cubic Bézier arcs, closed: 14 vertices.  It starts at the
#: bottom and runs anticlockwise, as matplotlib's own circle, so dashes fall alike.
_UNIT_CIRCLE = np.array(
    [
        (0, -1),
        (_KAPPA, -1),
        (1, -_KAPPA),
        (1, 0),
        (1, _KAPPA),
        (_KAPPA, 1),
        (0, 1),
        (-_KAPPA, 1),
        (-1, _KAPPA),
        (-1, 0),
        (-1, -_KAPPA),
        (-_KAPPA, -1),
        (0, -1),
        (0, -1),
    ]
)
#: Arrowheads as matplotlib's ``-|>`` at ``mutation_scale=11``, in points.
_HEAD_LENGTH_PT, _HEAD_HALF_WIDTH_PT, _HEAD_SHRINK_PT = 4.4, 2.2, 2.0


@dataclass(frozen=True)
class Panel:
    """A map panel: where it sits in the figure (inches) and the area it shows (degrees).

    The panel's shape already has the map's aspect, so longitude and latitude
    map linearly to inches, exactly as the panel's axes map them to pixels.
    """

    left: float
    bottom: float
    width: float
    height: float
    west: float
    east: float
    south: float
    north: float

    def inches(self, lons, lats) -> tuple[np.ndarray, np.ndarray]:
        """Figure inches of points given in degrees."""
        x = self.left + (np.asarray(lons, dtype=float) - self.west) * (self.width / (self.east - self.west))
        y = self.bottom + (np.asarray(lats, dtype=float) - self.south) * (
            self.height / (self.north - self.south)
        )
        return x, y

    @property
    def inches_per_degree(self) -> float:
        return self.width / (self.east - self.west)


def _codes(count: int, pattern: np.ndarray) -> np.ndarray:
    return np.tile(pattern, count)


def _circle_path(x: np.ndarray, y: np.ndarray, radius: np.ndarray):
    """One compound path of circles (centres and radii in inches)."""
    from matplotlib.path import Path as MplPath

    vertices = _UNIT_CIRCLE[None, :, :] * radius[:, None, None]
    vertices[:, :, 0] += x[:, None]
    vertices[:, :, 1] += y[:, None]
    pattern = np.array(
        [MplPath.MOVETO] + [MplPath.CURVE4] * 12 + [MplPath.CLOSEPOLY], dtype=MplPath.code_type
    )
    return MplPath(vertices.reshape(-1, 2), _codes(len(x), pattern))


def add_path(axis, path, transform, **properties) -> None:
    """A path as one patch, clipped to the panel; never measured for autoscaling."""
    from matplotlib.patches import PathPatch

    axis.add_artist(PathPatch(path, transform=transform, **properties))


def polygons_path(geometries, tolerance: float, clip: tuple[float, float, float, float]):
    """Polygons clipped to ``clip`` and simplified to ``tolerance`` degrees, as one compound path."""
    import shapely
    from matplotlib.path import Path as MplPath

    shapes = shapely.clip_by_rect(np.asarray(geometries), *clip)
    # Topology need not be kept: a ring that collapses at this tolerance is too small to see.
    shapes = shapely.simplify(shapes, tolerance, preserve_topology=False)
    polygons = shapely.get_parts(shapes[~shapely.is_empty(shapes)])
    rings = shapely.get_rings(polygons[shapely.get_type_id(polygons) == 3])
    rings = rings[shapely.get_num_coordinates(rings) >= 4]
    if not len(rings):
        return None
    vertices, ring_of = shapely.get_coordinates(rings, return_index=True)
    codes = np.full(len(vertices), MplPath.LINETO, dtype=MplPath.code_type)
    first = np.r_[True, ring_of[1:] != ring_of[:-1]]
    codes[first] = MplPath.MOVETO
    codes[np.r_[first[1:], True]] = MplPath.CLOSEPOLY
    return MplPath(vertices, codes)


def _line_path(lines: list[np.ndarray]):
    from matplotlib.path import Path as MplPath

    vertices = np.concatenate(lines)
    codes = np.full(len(vertices), MplPath.LINETO, dtype=MplPath.code_type)
    codes[np.cumsum([0] + [len(line) for line in lines[:-1]])] = MplPath.MOVETO
    return MplPath(vertices, codes)


def ground(panel: Panel, countries, physical, regions, style: Style) -> list[tuple[object, dict]]:
    """Countries, lakes, rivers and regions as paths in degrees, each with how it is drawn.

    Natural Earth's 1:10m outlines hold far more detail than a 6-inch panel
    shows: they are simplified to a three-hundredth of an inch (a dot at
    300 dpi), and clipped a little outside the panel so no cut edge shows.
    Made once for all panels (they show the same area).
    """
    import shapely

    tolerance = 1 / 300 / panel.inches_per_degree
    margin = 0.05 * max(panel.east - panel.west, panel.north - panel.south)
    clip = (panel.west - margin, panel.south - margin, panel.east + margin, panel.north + margin)
    layers = [
        (
            polygons_path(countries.geometry.to_numpy(), tolerance, clip),
            {"facecolor": style.land_color, "edgecolor": style.border_color, "linewidth": 0.6, "zorder": 1},
        ),
        (
            polygons_path(physical[physical["kind"] == "lake"].geometry.to_numpy(), tolerance, clip),
            {"facecolor": style.water_color, "edgecolor": style.river_color, "linewidth": 0.4, "zorder": 1.2},
        ),
    ]
    rivers = shapely.clip_by_rect(physical[physical["kind"] == "river"].geometry.to_numpy(), *clip)
    rivers = shapely.get_parts(shapely.simplify(rivers[~shapely.is_empty(rivers)], tolerance))
    lines = [shapely.get_coordinates(line) for line in rivers if shapely.get_type_id(line) == 1]
    lines = [line for line in lines if len(line) > 1]
    if lines:
        river_style = {"facecolor": "none", "edgecolor": style.river_color, "linewidth": 0.7, "zorder": 1.1}
        layers.append((_line_path(lines), river_style))
    if len(regions):
        region_style = {
            "facecolor": style.region_color,
            "alpha": style.region_fill_opacity,
            "edgecolor": style.region_color,
            "linestyle": (0, style.region_dash),
            "linewidth": style.region_stroke_width * POINTS_PER_STYLE_PIXEL,
            "zorder": 1.5,
        }
        layers.append((polygons_path(regions.geometry.to_numpy(), tolerance, clip), region_style))
    return [(path, properties) for path, properties in layers if path is not None]


def draw_ground(axis, layers: list[tuple[object, dict]]) -> None:
    """The paths made by :func:`ground`, in the panel's degrees."""
    for path, properties in layers:
        add_path(axis, path, axis.transData, **properties)


def draw_movements(axis, panel: Panel, movements, colors: dict[str, str], style: Style) -> None:
    """Movements as lines with an arrowhead at the destination: one path per actor and line style."""
    from matplotlib.colors import to_rgba
    from matplotlib.path import Path as MplPath

    if not len(movements):
        return
    width = style.movement_width * POINTS_PER_STYLE_PIXEL
    lines: dict[tuple[str, bool], list[np.ndarray]] = {}
    heads: dict[str, list[np.ndarray]] = {}
    for geometry, actor, kind in zip(movements.geometry, movements["actor"], movements["kind"], strict=True):
        lons, lats = np.asarray(geometry.coords)[:, :2].T
        x, y = panel.inches(lons, lats)
        points = np.column_stack((x, y))
        # The arrow points along the last step that goes somewhere (repeated points have none).
        steps = np.diff(points, axis=0)
        moving = np.flatnonzero(np.hypot(steps[:, 0], steps[:, 1]) > 0)
        if not len(moving):
            continue
        points = points[: moving[-1] + 2]
        direction = points[-1] - points[-2]
        length = math.hypot(*direction)
        direction /= length
        normal = np.array((-direction[1], direction[0]))
        # As matplotlib's ``-|>``: the tip stops short of the place, pulled back by half the stroke.
        tip = points[-1] - direction * (_HEAD_SHRINK_PT + 0.5 * width * math.hypot(2, 1)) / 72
        base = tip - direction * _HEAD_LENGTH_PT / 72
        half = normal * _HEAD_HALF_WIDTH_PT / 72
        heads.setdefault(actor, []).append(np.array([base + half, tip, base - half, base + half]))
        lines.setdefault((actor, kind == "withdrawal"), []).append(np.vstack((points[:-1], base)))
    figure_inches = axis.figure.dpi_scale_trans
    for (actor, dashed), group in sorted(lines.items()):
        add_path(
            axis,
            _line_path(group),
            figure_inches,
            facecolor="none",
            edgecolor=to_rgba(colors[actor], style.movement_opacity),
            linewidth=width,
            linestyle=(0, style.withdrawal_dash) if dashed else "solid",
            capstyle="butt" if dashed else "round",
            joinstyle="round",
            zorder=2,
        )
    for actor, group in sorted(heads.items()):
        vertices = np.concatenate(group)
        pattern = np.array([MplPath.MOVETO, MplPath.LINETO, MplPath.LINETO, MplPath.CLOSEPOLY])
        color = to_rgba(colors[actor], style.movement_opacity)
        add_path(
            axis,
            MplPath(vertices, _codes(len(group), pattern.astype(MplPath.code_type))),
            figure_inches,
            facecolor=color,
            edgecolor=color,
            linewidth=width,
            joinstyle="miter",
            zorder=2,
        )


@dataclass(frozen=True)
class Circles:
    """Every site circle of a panel, in display pixels (``x``, ``y``, ``radius``) and by place."""

    x: np.ndarray
    y: np.ndarray
    radius: np.ndarray
    place: np.ndarray

    def __len__(self) -> int:
        return len(self.x)


def _radii_and_looks(sites, style: Style) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each site's radius in style pixels, look (index into ``style.site_looks``) and stroke width.

    :meth:`Style.radius` and :meth:`Style.site_look_for` are asked once per
    distinct figure and status, not once per site.
    """
    personnel = sites["personnel"]
    known = personnel.notna().to_numpy()
    values = personnel.to_numpy(dtype="float64", na_value=np.nan)
    radius = np.full(len(sites), style.radius(None), dtype=float)
    if known.any():
        distinct, inverse = np.unique(values[known].astype(np.int64), return_inverse=True)
        radius[known] = np.array([style.radius(int(value)) for value in distinct])[inverse.reshape(-1)]
    statuses = sites["status"].to_numpy(dtype=object)
    look_index = np.zeros(len(sites), dtype=np.int64)
    names = [look.name for look in style.site_looks]
    for status in sorted(set(statuses.tolist())):
        same = statuses == status
        for has_figure in (True, False):
            look = style.site_look_for(status, 1 if has_figure else None)
            look_index[same & (known == has_figure)] = names.index(look.name)
    widths = np.array([look.stroke_width for look in style.site_looks])[look_index]
    widths = np.where(
        sites["kind"].to_numpy(dtype=object) == "country", style.country_site_stroke_width, widths
    )
    return radius, look_index, widths


def draw_sites(
    axis, panel: Panel, sites, actor_order: list[str], colors: dict[str, str], style: Style
) -> Circles:
    """Circles, biggest first so small ones stay visible, each drawn as its look says.

    Circles of one size step (:data:`_RADIUS_STEP`), actor, look and stroke
    width are drawn as one path, or as several taking turns with the other
    groups of that step when there are many.  Returns every circle in display pixels.
    """
    from matplotlib.colors import to_rgba

    dpi = axis.figure.dpi
    if not len(sites):
        empty = np.zeros(0)
        return Circles(empty, empty, empty, np.zeros(0, dtype=object))
    radius, look_index, widths = _radii_and_looks(sites, style)
    x, y = panel.inches(sites.geometry.x.to_numpy(), sites.geometry.y.to_numpy())
    radius_in = radius * POINTS_PER_STYLE_PIXEL / 72
    actor_index = sites["actor"].map({actor: number for number, actor in enumerate(actor_order)}).to_numpy()
    step = np.floor(radius / _RADIUS_STEP).astype(np.int64)
    count = len(sites)
    # Biggest step first; within a step by actor, look and width, biggest circle first, then as given.
    order = np.lexsort((np.arange(count), -radius, widths, look_index, actor_index, -step))
    keys = np.column_stack((step, actor_index, look_index, widths))[order]
    starts = np.r_[True, np.any(keys[1:] != keys[:-1], axis=1)]
    rank = np.arange(count) - np.maximum.accumulate(np.where(starts, np.arange(count), 0))
    # The groups of a step then take turns, a slice of each, so that thousands of circles
    # of one size mix as they would drawn one by one, instead of one actor covering another;
    # the actor that goes first moves on each turn, so none is always drawn last.
    turn = rank // max(16, math.ceil(count / _TURNS))
    rotated = (keys[:, 1] - turn) % max(len(actor_order), 1)
    again = np.lexsort((np.arange(count), keys[:, 3], keys[:, 2], rotated, turn, -keys[:, 0]))
    order = order[again]
    keys = np.column_stack((keys[:, 0], turn, keys[:, 1:]))[again]
    breaks = np.flatnonzero(np.any(keys[1:] != keys[:-1], axis=1)) + 1
    figure_inches = axis.figure.dpi_scale_trans
    for run in np.split(order, breaks):
        first = run[0]
        look = style.site_looks[look_index[first]]
        color = colors[actor_order[actor_index[first]]]
        add_path(
            axis,
            _circle_path(x[run], y[run], radius_in[run]),
            figure_inches,
            facecolor=to_rgba(color, look.fill_opacity) if look.fill_opacity else "none",
            edgecolor=color,
            linewidth=widths[first] * POINTS_PER_STYLE_PIXEL,
            linestyle=(0, look.dash) if look.dash else "solid",
            zorder=3,
        )
    return Circles(x * dpi, y * dpi, radius_in * dpi + 1.5, sites["place"].to_numpy(dtype=object))
