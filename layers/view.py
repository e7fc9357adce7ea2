"""The first view of a page, and movements whose far end lies outside it.

A page opens on its area of interest: the scenario's ``view:`` when it gives
one, else the box around its sites.  A movement end far outside that box (a
withdrawal to the United States from the Sahel) is not fitted: the view would
open on half the globe.  Its line is cut where it leaves the area, so the page
draws a short arrow leaving the view with the far place named on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import shapely
from shapely.geometry import LineString, Point, box

from posturemap.geo.join import PostureData

from .style import Style

#: (west, south, east, north) in degrees.
Bounds = tuple[float, float, float, float]


@dataclass(frozen=True)
class FirstView:
    """Where a page opens.

    Attributes
    ----------
    focus : Bounds
        The area of interest: the scenario's ``view``, else the box around the sites.
    fit : Bounds
        What the page fits at first: the focus with its near movement ends and
        the arrows towards far ones, padded.  The scenario's ``view`` as given.
    far_limit : float
        How far (degrees) from the focus a movement end may lie and still be fitted.
    stub_box : Bounds
        Where a line towards a far end is cut.
    """

    focus: Bounds
    fit: Bounds
    far_limit: float
    stub_box: Bounds

    def is_far(self, point: Point) -> bool:
        """Whether ``point`` lies too far from the focus to be fitted."""
        return degrees_outside(self.focus, point) > self.far_limit

    def leaflet_fit(self) -> list[list[float]]:
        """The fit box as Leaflet's ``[[south, west], [north, east]]``."""
        west, south, east, north = self.fit
        return [[round(south, 5), round(west, 5)], [round(north, 5), round(east, 5)]]


def degrees_outside(bounds: Bounds, point: Point) -> float:
    """How far ``point`` lies outside ``bounds``, in degrees of latitude (0 inside).

    Longitude differences are shrunk by the cosine of the latitude, so a degree
    means about the same distance everywhere.
    """
    west, south, east, north = bounds
    dx = max(west - point.x, 0.0, point.x - east)
    dy = max(south - point.y, 0.0, point.y - north)
    latitude = min(max(point.y, south), north)
    return math.hypot(dx * math.cos(math.radians(latitude)), dy)


def _box_of(frame: gpd.GeoDataFrame) -> Bounds:
    west, south, east, north = frame.total_bounds
    return float(west), float(south), float(east), float(north)


def _widen(bounds: Bounds, margin_lon: float, margin_lat: float) -> Bounds:
    west, south, east, north = bounds
    return (
        max(west - margin_lon, -180.0),
        max(south - margin_lat, -85.0),
        min(east + margin_lon, 180.0),
        min(north + margin_lat, 85.0),
    )


def first_view(data: PostureData, *, style: Style) -> FirstView:
    """The area a page opens on, and how movements beyond it are cut.

    Parameters
    ----------
    data : PostureData
    style : Style
        ``far_share``, ``far_min_degrees``, ``far_max_degrees`` and
        ``far_stub_share`` decide what counts as far and where lines are cut.
    """
    explicit = data.scenario.view
    focus = explicit if explicit is not None else _box_of(data.sites if len(data.sites) else data.places)
    west, south, east, north = focus
    side = max(east - west, north - south)
    far_limit = min(max(style.far_share * side, style.far_min_degrees), style.far_max_degrees)
    stub = max(style.far_stub_share * side, 1.0)
    stub_box = _widen(focus, stub, stub)
    view = FirstView(focus, focus, far_limit, stub_box)
    if explicit is not None:
        return view
    # The box around the boxes (a union of the lines would node every crossing:
    # gigabytes with thousands of movements).
    boxes = [focus] + [
        part.bounds for geometry in data.movements.geometry for part in movement_parts(geometry, view)
    ]
    fit = (
        min(bounds[0] for bounds in boxes),
        min(bounds[1] for bounds in boxes),
        max(bounds[2] for bounds in boxes),
        max(bounds[3] for bounds in boxes),
    )
    pad_lon = max((fit[2] - fit[0]) * 0.05, 0.5)
    pad_lat = max((fit[3] - fit[1]) * 0.05, 0.5)
    return FirstView(focus, _widen(fit, pad_lon, pad_lat), far_limit, stub_box)


def movement_parts(line: LineString, view: FirstView) -> list[LineString]:
    """What of a movement's line the first view fits: all of it when both ends are
    near, the stub inside :attr:`FirstView.stub_box` when one end is far, nothing
    when both are."""
    clipped, _, _ = cut_movement(line, view)
    start, end = Point(line.coords[0]), Point(line.coords[-1])
    if view.is_far(start) and view.is_far(end):
        return []
    return [clipped]


def cut_movement(line: LineString, view: FirstView) -> tuple[LineString, bool, bool]:
    """A movement's line as the page draws it, and whether its start and its end are far.

    With one far end, the line is cut where it leaves :attr:`FirstView.stub_box`
    and keeps the piece joined to the near end; otherwise it is returned whole.
    """
    start, end = Point(line.coords[0]), Point(line.coords[-1])
    start_far, end_far = view.is_far(start), view.is_far(end)
    if start_far == end_far:
        return line, start_far, end_far
    # Densify first: a geodesic across an ocean has few vertices, and the cut
    # should follow the curve, not a chord.
    dense = shapely.segmentize(line, 0.25)
    inside = dense.intersection(box(*view.stub_box))
    near = end if start_far else start
    pieces = list(getattr(inside, "geoms", [inside]))
    pieces = [piece for piece in pieces if isinstance(piece, LineString) and not piece.is_empty]
    if not pieces:
        return line, start_far, end_far
    piece = min(pieces, key=lambda candidate: candidate.distance(near))
    coords = list(piece.coords)
    # Keep the direction of travel: the arrowhead goes at the line's end.
    if Point(coords[0]).distance(near) > Point(coords[-1]).distance(near) and not start_far:
        coords.reverse()
    if start_far and Point(coords[-1]).distance(near) > Point(coords[0]).distance(near):
        coords.reverse()
    return LineString(coords), start_far, end_far
