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

    A coarse convention for overview maps, not a climatic boundary; give a
    ``geojson:`` region when a precise outline matters.
    """
    south, north = settings.SAHEL_LATITUDE_BAND
    outlines = [
        countries()[code].geometry
        for code in settings.SAHEL_COUNTRIES
        if countries()[code].geometry is not None
    ]
    return shapely.intersection(shapely.union_all(outlines), box(-180, south, 180, north))


def region_geometry(region) -> BaseGeometry:
    """The geometry of a validated :class:`~posturemap.geo.scenario.Region`."""
    if region.builtin == "sahel":
        return sahel_band()
    if region.countries:
        return shapely.union_all(
            [
                countries()[code].geometry
                for code in region.countries
                if countries()[code].geometry is not None
            ]
        )
    return shape(region.geometry)
