"""Which country a point lies in, and whether the outlines can say so.

Natural Earth's 1:10m outlines are drawn to about a kilometre.  A point farther
than :attr:`Settings.border_uncertainty_km` from every other country is placed
by the outlines alone.  A point closer than that to another country is
*uncertain* between them; :func:`settle_by_gazetteer` can still decide it when
a gazetteer place lies nearer to the point than the border does (the point is
that town), and otherwise the caller must say so, never pick silently.

Distances are measured on a local equirectangular projection around each
point (kilometres east and north), which is exact enough at these ranges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cache

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from .settings import DEFAULT_SETTINGS, DISPUTED_AREAS, Settings

_KM_PER_DEGREE_LAT = 110.574
_KM_PER_DEGREE_LON = 111.320


@dataclass(frozen=True)
class CountryFix:
    """A point's country, as the outlines and the evidence give it.

    Attributes
    ----------
    code : str or None
        The country whose outline holds the point (or the nearest, at sea);
        None on no country's land and not near one.
    certain : bool
        False when another country's outline lies within
        :attr:`Settings.border_uncertainty_km` and nothing else decided.
    candidates : tuple of str
        Every country within that distance (with ``code``), sorted; one when certain by outline.
    border_km : float or None
        Distance to the nearest candidate other than ``code``; None when there is none.
    decided_by : str
        ``outline``, ``nearest`` (at sea), ``declared`` (the scenario's ``country:``),
        ``gazetteer`` (a named place nearer than the border), or ``none``.
    """

    code: str | None
    certain: bool
    candidates: tuple[str, ...] = ()
    border_km: float | None = None
    decided_by: str = "outline"
    #: The disputed area (:data:`settings.DISPUTED_AREAS`) the point lies in, if any.
    disputed: str | None = None

    @property
    def border(self) -> str:
        """The countries in question, as ``CM–TD``."""
        return "–".join(self.candidates)


def assign_parts(
    shaped: BaseGeometry, seats: dict[str, tuple[float, float]], *, keep: str
) -> dict[str, BaseGeometry]:
    """Split a multi-part outline among ``seats`` (code: (lon, lat)): each part goes
    to the nearest seat; ``keep`` wins ties and keeps what no seat is nearer to."""
    owned: dict[str, list[BaseGeometry]] = {}
    parts = list(shapely.get_parts(shaped))
    points = {code: shapely.Point(lon, lat) for code, (lon, lat) in seats.items()}

    def home(code: str) -> int:
        return min(range(len(parts)), key=lambda index: parts[index].distance(points[code]))

    # A seat on the sovereign's own part (the Vatican in Italy) is an enclave, not a territory.
    points = {code: point for code, point in points.items() if code == keep or home(code) != home(keep)}
    for part in parts:
        ranked = sorted(points, key=lambda code: (part.distance(points[code]), code != keep))
        owned.setdefault(ranked[0], []).append(part)
    return {code: shapely.union_all(parts) for code, parts in sorted(owned.items())}


@cache
def _parts() -> tuple[shapely.STRtree, np.ndarray, tuple[BaseGeometry, ...]]:
    """Every polygon of every 1:10m outline, in a tree; big countries split so a query finds few."""
    from .countries import countries

    geometries, codes = [], []
    for code, country in sorted(countries().items()):
        if country.geometry is None:
            continue
        for part in shapely.get_parts(country.geometry):
            geometries.append(part)
            codes.append(code)
    return shapely.STRtree(geometries), np.array(codes, dtype=object), tuple(geometries)


def _intersecting(parts: tuple[BaseGeometry, ...], queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(query index, part index) of every query geometry and outline part that intersect.

    The tree is built on the queries, and each outline part is the prepared
    side of the test: an outline of thousands of vertices is prepared once,
    instead of being walked for each point (16 times faster for 100,000
    points, and as fast for ten).
    """
    part_index, query_index = shapely.STRtree(queries).query(
        np.array(parts, dtype=object), predicate="intersects"
    )
    order = np.lexsort((part_index, query_index))
    return query_index[order], part_index[order]


def _km_distances(lon: float, lat: float, parts: list[BaseGeometry], radius_km: float) -> list[float]:
    """Distance in km from the point to each polygon, looked at within ``radius_km`` (else inf)."""
    scale_x = _KM_PER_DEGREE_LON * max(math.cos(math.radians(lat)), 0.01)
    half_lon, half_lat = radius_km / scale_x, radius_km / _KM_PER_DEGREE_LAT
    window = (lon - half_lon, lat - half_lat, lon + half_lon, lat + half_lat)
    result = []
    for part in parts:
        near = shapely.clip_by_rect(part, *window)
        if near.is_empty:
            result.append(math.inf)
            continue
        local = shapely.transform(
            near,
            lambda xy: np.column_stack(((xy[:, 0] - lon) * scale_x, (xy[:, 1] - lat) * _KM_PER_DEGREE_LAT)),
        )
        result.append(float(shapely.distance(local, shapely.Point(0, 0))))
    return result


def _fix(distances: dict[str, float], border_km: float, nearest_km: float) -> CountryFix:
    """The fix from each nearby country's distance in km (0 for the ones holding the point)."""
    inside = sorted(code for code, km in distances.items() if km == 0)
    ranked = sorted(distances.items(), key=lambda item: (item[1], item[0]))
    if inside:
        code = inside[0]
    elif ranked and ranked[0][1] <= nearest_km:
        code = ranked[0][0]
    else:
        return CountryFix(None, True, (), None, "none")
    reach = distances[code] + border_km
    candidates = tuple(sorted(other for other, km in distances.items() if km <= reach))
    others = [km for other, km in ranked if other != code]
    nearest_other = others[0] if others else None
    certain = len(candidates) == 1
    return CountryFix(
        code,
        certain,
        candidates,
        None if nearest_other is None or nearest_other == math.inf else round(nearest_other, 3),
        "outline" if inside else "nearest",
    )


def locate_countries(lons, lats, *, settings: Settings = DEFAULT_SETTINGS) -> list[CountryFix]:
    """The country of each point from the 1:10m outlines, with whether the outlines can tell.

    Parameters
    ----------
    lons, lats : array-like of float
        The points, in degrees.
    settings : Settings, optional
        ``border_uncertainty_km``: how close another country must be to make a
        point uncertain; ``nearest_country_km``: how far a point in no outline
        may lie from the country it is given.

    Examples
    --------
    >>> fix = locate_countries([2.11], [13.51])[0]  # Niamey
    >>> fix.code, fix.certain
    ('NE', True)
    """
    border_km, nearest_km = settings.border_uncertainty_km, settings.nearest_country_km
    lons, lats = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    tree, codes, geometries = _parts()
    points = shapely.points(lons, lats)
    # First, the cheap answer: which polygon holds the point, and is any other within reach?
    scale_x = _KM_PER_DEGREE_LON * np.maximum(np.cos(np.radians(lats)), 0.01)
    reach = max(border_km, 0.001)
    boxes = shapely.box(
        lons - reach / scale_x,
        lats - reach / _KM_PER_DEGREE_LAT,
        lons + reach / scale_x,
        lats + reach / _KM_PER_DEGREE_LAT,
    )
    # Parts whose outline (not only its bounding box) comes within reach, and parts holding the point.
    near_point, near_part = _intersecting(geometries, boxes)
    holding_point, holding_part = _intersecting(geometries, points)
    # The common case, in arrays: one country holds the point and no other is within reach.
    code_of_part = np.unique(codes, return_inverse=True)[1]
    held_count = _distinct_per_point(holding_point, code_of_part[holding_part], len(points))
    near_count = _distinct_per_point(near_point, code_of_part[near_part], len(points))
    clear = (held_count == 1) & (near_count == 1)  # holding implies within reach
    clear_code = np.empty(len(points), dtype=object)
    clear_code[holding_point] = codes[holding_part]
    sure = {
        code: CountryFix(code, True, (code,), None, "outline") for code in set(clear_code[clear].tolist())
    }
    fixes: list[CountryFix | None] = [
        sure[code] if ok else None for code, ok in zip(clear_code, clear, strict=True)
    ]
    # The rest, point by point: distances to each nearby outline.
    unclear = np.flatnonzero(~clear)
    holding: dict[int, set[str]] = {}
    for point, part in zip(holding_point.tolist(), holding_part.tolist(), strict=True):
        if not clear[point]:
            holding.setdefault(point, set()).add(codes[part])
    nearby: dict[int, set[int]] = {}
    for point, part in zip(near_point.tolist(), near_part.tolist(), strict=True):
        if not clear[point]:
            nearby.setdefault(point, set()).add(part)
    for index in unclear.tolist():
        lon, lat = float(lons[index]), float(lats[index])
        held = holding.get(index, set())
        radius = border_km if held else nearest_km + border_km
        if held:
            parts = sorted(nearby.get(index, ()))
        else:
            parts = tree.query(points[index], predicate="dwithin", distance=radius / scale_x[index]).tolist()
        distances: dict[str, float] = {}
        for part, km in zip(
            parts, _km_distances(lon, lat, [geometries[part] for part in parts], radius), strict=True
        ):
            code = codes[part]
            distances[code] = min(km, distances.get(code, math.inf))
        for code in held:
            distances[code] = 0.0
        fixes[index] = _fix(distances, border_km, nearest_km)
    return _mark_disputed(fixes, lons, lats)


def _distinct_per_point(point_index: np.ndarray, code_index: np.ndarray, count: int) -> np.ndarray:
    """How many distinct codes each point has among (point, code) pairs."""
    pairs = (
        np.unique(np.stack([point_index, code_index]), axis=1) if len(point_index) else np.empty((2, 0), int)
    )
    return np.bincount(pairs[0], minlength=count)


def _mark_disputed(fixes: list, lons: np.ndarray, lats: np.ndarray) -> list[CountryFix]:
    """Fixes in a disputed area (:data:`DISPUTED_AREAS`) made uncertain, with both claimants."""
    for area in DISPUTED_AREAS:
        west, south, east, north = area[3]
        inside = np.flatnonzero((lons >= west) & (lons <= east) & (lats >= south) & (lats <= north))
        for index in inside.tolist():
            fixes[index] = _disputed(fixes[index], float(lons[index]), float(lats[index]))
    return fixes


def _disputed(fix: CountryFix, lon: float, lat: float) -> CountryFix:
    for name, drawn_as, claimed_by, (west, south, east, north) in DISPUTED_AREAS:
        if fix.code == drawn_as and west <= lon <= east and south <= lat <= north:
            candidates = tuple(sorted({*fix.candidates, drawn_as, claimed_by}))
            return replace(fix, certain=False, candidates=candidates, decided_by="none", disputed=name)
    return fix


def settle_by_gazetteer(fix: CountryFix, lon: float, lat: float, *, exclude: int | None = None) -> CountryFix:
    """Decide an uncertain ``fix`` by the nearest gazetteer place, when it can.

    The nearest GeoNames place decides when it lies nearer to the point than
    the border does and belongs to one of the candidate countries: the point is
    then that town, and GeoNames knows its country.  ``exclude`` leaves one
    place out (the benchmark uses it to test a town without its own entry).
    """
    if fix.certain or fix.border_km is None or fix.disputed:
        return fix
    from . import gazetteer

    place = gazetteer.nearest_place(lon, lat, within_km=fix.border_km, exclude=exclude)
    if place is None or place.country not in fix.candidates:
        return fix
    return replace(fix, code=place.country, certain=True, decided_by="gazetteer")
