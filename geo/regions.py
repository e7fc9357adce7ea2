"""Region geometries: the built-in Sahel band, groups of countries, GeoJSON files."""

from __future__ import annotations

from functools import cache

import shapely
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry

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
