"""Country layers: the offline Natural Earth basemap, and shading by personnel per phase."""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import numpy as np
import shapely

from posturemap.geo.countries import country_frame, physical_frame
from posturemap.geo.export import feature_collection
from posturemap.geo.fields import phase_column

from .elements import AreaLayer, DataLayer, PageContext, ScriptJson, script_json


def _clip(frame: gpd.GeoDataFrame, box: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
    west, south, east, north = box
    near = frame.cx[west:east, south:north]
    return near.assign(geometry=shapely.clip_by_rect(near.geometry.to_numpy(), west, south, east, north))


#: Basemap coordinates go to the page as whole steps of 1/OUTLINE_STEPS degree
#: (about 11 m): far below the 2 km the drawn outlines are simplified by.
OUTLINE_STEPS = 10_000


def encode_outlines(geometries, *, closed: bool) -> dict:
    """Rings (``closed``) or lines as one flat list of integer steps, for the page's canvas.

    ``n`` holds each ring's number of points and ``xy`` every point's lon and lat
    in 1/:data:`OUTLINE_STEPS` degree, each as the step from the point before it
    (the first from 0, 0): a few digits a number, and parsed as small integers.
    Polygons' outer rings run anticlockwise and holes clockwise, so the page fills
    them all in one path (nonzero winding).  A ring's closing point and points that
    fall on the step before them are left out.

    Examples
    --------
    >>> encode_outlines([shapely.box(0, 0, 1, 1)], closed=True)
    {'n': [4], 'xy': [10000, 0, 0, 10000, -10000, 0, 0, -10000]}
    """
    parts = shapely.get_parts(np.asarray(geometries, dtype=object))
    if closed:
        parts = shapely.get_rings(shapely.orient_polygons(parts, exterior_cw=False))
    points, ring = shapely.get_coordinates(parts, return_index=True)
    steps = np.round(points * OUTLINE_STEPS).astype(np.int64)
    same_ring = np.concatenate(([False], ring[1:] == ring[:-1]))
    repeated = same_ring & np.concatenate(([False], (steps[1:] == steps[:-1]).all(axis=1)))
    keep = ~repeated
    if closed:  # the closing point repeats the first
        keep &= ~np.concatenate((ring[1:] != ring[:-1], [True]))
    counts = np.bincount(ring[keep], minlength=len(parts))
    keep &= counts[ring] >= (3 if closed else 2)
    steps, ring = steps[keep], ring[keep]
    deltas = np.diff(steps, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    counts = np.bincount(ring, minlength=len(parts))
    return {"n": counts[counts > 0].tolist(), "xy": deltas.ravel().tolist()}


@lru_cache(maxsize=4)
def _basemap_payload(bounds: tuple[float, float, float, float] | None) -> ScriptJson:
    """The basemap's data for ``bounds``, encoded once for every map that shows the same area."""
    countries, physical = country_frame(), physical_frame()
    if bounds is not None:
        west, south, east, north = bounds
        pad = max(east - west, north - south, 10)
        box = (west - pad, max(south - pad, -90), east + pad, min(north + pad, 90))
        # Clipped, not only selected: Russia or Brazil whole would outweigh a Sahel map.
        countries = _clip(countries, box)
        physical = _clip(physical, box)
    countries = countries[~countries.geometry.is_empty]
    physical = physical[~physical.geometry.is_empty]
    extents = countries.geometry.bounds
    names = {
        "name": countries["name"].tolist(),
        "lat": countries["label_lat"].tolist(),
        "lon": countries["label_lon"].tolist(),
        "west": [round(value, 3) for value in extents["minx"]],
        "south": [round(value, 3) for value in extents["miny"]],
        "east": [round(value, 3) for value in extents["maxx"]],
        "north": [round(value, 3) for value in extents["maxy"]],
    }
    return script_json(
        {
            "steps": OUTLINE_STEPS,
            "countries": encode_outlines(countries.geometry, closed=True),
            "lakes": encode_outlines(physical.geometry[physical["kind"] == "lake"], closed=True),
            "rivers": encode_outlines(physical.geometry[physical["kind"] == "river"], closed=False),
            "names": names,
        }
    )


def basemap_layer(
    *, context: PageContext, bounds: tuple[float, float, float, float] | None = None
) -> DataLayer:
    """The offline basemap: Natural Earth countries (1:10m, simplified), 1:50m lakes and
    rivers, and country names as DOM text, all below the sites and movements.

    Only what lies within ``bounds`` (west, south, east, north), widened, is
    embedded, clipped to that box, to keep the page small and quick to draw.
    """
    style = context.style
    options = {
        "landColor": style.land_color,
        "borderColor": style.border_color,
        "waterColor": style.water_color,
        "riverColor": style.river_color,
        "lakeOutlineColor": style.lake_outline_color,
        "nameColor": style.country_name_color,
        "riverZoom": style.river_min_zoom,
    }
    bounds = None if bounds is None else tuple(float(value) for value in bounds)
    # Drawn by PostureMap.addBasemap (basemap.js), like every other data layer.
    return DataLayer(
        "addBasemap", _basemap_payload(bounds), context, name="Countries", control=False, extra=options
    )


def shading_layer(
    countries: gpd.GeoDataFrame,
    *,
    phase_id: str,
    context: PageContext,
    name: str,
    show: bool = True,
) -> AreaLayer:
    """Countries filled by the total personnel estimate of one phase."""
    column = phase_column(phase_id)
    frame = countries[["id", "name", column, "geometry"]].rename(columns={column: "personnel"})
    style = context.style
    steps, colors = script_json(list(style.shading_steps)), script_json(list(style.shading_colors))
    return AreaLayer(
        feature_collection(frame, name="countries"),
        context,
        name=name,
        style_js=(
            # No figure recorded there in this phase: an outline, not the colour of 0.
            "if (feature.properties.personnel === null) "
            "return {color: '#7a6a4f', weight: 1, fillOpacity: 0, dashArray: '4 3'};"
            f"var steps = {steps}, colors = {colors}, p = feature.properties.personnel, i = 0;"
            "while (i < steps.length && p > steps[i]) i++;"
            "return {color: '#7a6a4f', weight: 1, fillColor: colors[i], fillOpacity: 0.6};"
        ),
        tooltip_js=(
            "function (f) { var p = f.properties.personnel; return f.properties.name + "
            "': ' + (p === null ? 'no figure recorded' : p.toLocaleString('en-US') + "
            "' personnel (sum of estimates)'); }"
        ),
        show=show,
    )
