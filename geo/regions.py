"""Region geometries: the built-in Sahel band, groups of countries, GeoJSON files.

:func:`read_region_file` reads a scenario's ``geojson:`` region file and says
what is wrong with one that cannot be used; :func:`region_geometry` gives a
validated region's geometry.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from . import settings
from .countries import countries


@cache
def sahel_band() -> BaseGeometry:
    """The Sahel band: the latitude band of :data:`settings.SAHEL_LATITUDE_BAND`
    clipped to the countries of :data:`settings.SAHEL_COUNTRIES`.

    A convention for overview maps, not a climatic boundary; give a
    ``geojson:`` region when a precise outline matters.  It is clipped to the
    Natural Earth 1:10m outlines as drawn (simplified by
    :data:`settings.BASEMAP_DRAW_TOLERANCE_DEGREES`, about 2 km), so its edges
    follow the borders on the map and its file stays small.
    """
    south, north = settings.SAHEL_LATITUDE_BAND
    outlines = [
        countries()[code].drawn for code in settings.SAHEL_COUNTRIES if countries()[code].drawn is not None
    ]
    band = shapely.intersection(shapely.union_all(outlines), box(-180, south, 180, north))
    # Simplified borders leave slivers between neighbours; the band has no real holes.
    return shapely.union_all([shapely.Polygon(part.exterior) for part in shapely.get_parts(band)])


def region_geometry(region) -> BaseGeometry:
    """The geometry of a validated :class:`~posturemap.geo.scenario.Region`."""
    if region.builtin == "sahel":
        return sahel_band()
    if region.countries:
        return shapely.union_all(
            [countries()[code].drawn for code in region.countries if countries()[code].drawn is not None]
        )
    return shape(region.geometry)


def read_region_file(scenario_path: Path, relative: str) -> tuple[Path, dict] | str:
    """Read a ``geojson:`` region file, relative to the scenario file.

    Returns
    -------
    (Path, dict) or str
        The resolved path and one merged polygonal geometry mapping, or the
        reason it cannot be used, written to follow the file's name in a message.
    """
    path = (scenario_path.parent / relative).resolve()
    if not path.is_file():
        return (
            f"{relative!r} does not exist next to the scenario file; "
            "the path is relative to the scenario file"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return f"{relative!r} is not valid GeoJSON: {error}"
    geometry = _polygonal_geometry(data)
    if isinstance(geometry, str):
        return f"{relative!r} is not usable GeoJSON: {geometry}"
    return path, geometry


def _polygonal_geometry(data: Any) -> dict | str:
    """Merge a GeoJSON object's polygons into one geometry mapping, or say why not."""
    if not isinstance(data, dict) or "type" not in data:
        return "it is not a GeoJSON object (no `type` member)"
    kind = data["type"]
    if kind == "FeatureCollection":
        geometries = [
            feature.get("geometry") for feature in data.get("features") or [] if isinstance(feature, dict)
        ]
    elif kind == "Feature":
        geometries = [data.get("geometry")]
    else:
        geometries = [data]
    shapes = []
    for geometry in geometries:
        if not geometry:
            continue
        try:
            shaped = shape(geometry)
        except Exception as error:  # shapely raises several kinds for malformed input
            return f"a geometry cannot be read ({error})"
        if shaped.geom_type not in ("Polygon", "MultiPolygon"):
            return f"regions need Polygon or MultiPolygon geometries, found {shaped.geom_type}"
        if not shaped.is_valid:
            shaped = shaped.buffer(0)
        shapes.append(shaped)
    if not shapes:
        return "it holds no polygon"
    merged = unary_union(shapes)
    minx, miny, maxx, maxy = merged.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        return "coordinates lie outside longitude/latitude range; use WGS 84 (EPSG:4326)"
    return merged.__geo_interface__
