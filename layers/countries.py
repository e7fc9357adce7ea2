"""Country layers: the offline basemap, and shading by personnel per phase."""

from __future__ import annotations

import geopandas as gpd

from posturemap.geo.countries import country_frame
from posturemap.geo.export import feature_collection
from posturemap.geo.fields import phase_column

from .elements import AreaLayer, PageContext, script_json


def basemap_layer(
    *, context: PageContext, bounds: tuple[float, float, float, float] | None = None
) -> AreaLayer:
    """Country outlines from the shipped polygons: readable with no tiles and no network.

    Only countries within ``bounds`` (west, south, east, north), widened, are
    embedded, to keep the page small.
    """
    frame = country_frame()
    if bounds is not None:
        west, south, east, north = bounds
        pad = max(east - west, north - south, 10)
        frame = frame.cx[west - pad : east + pad, south - pad : north + pad]
    style = context.style
    land, border = script_json(style.land_color), script_json(style.border_color)
    return AreaLayer(
        feature_collection(frame[["code", "name", "geometry"]], name="basemap"),
        context,
        name="Countries",
        style_js=f"return {{color: {border}, weight: 0.8, fillColor: {land}, fillOpacity: 1}};",
        tooltip_js="function (f) { return f.properties.name; }",
        interactive=True,
        control=False,
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
