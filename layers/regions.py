"""The regions layer: the Sahel band and other named areas."""

from __future__ import annotations

import geopandas as gpd

from posturemap.geo.export import feature_collection

from .elements import AreaLayer, PageContext, script_json


def regions_layer(
    regions: gpd.GeoDataFrame, *, context: PageContext, name: str = "Regions", show: bool = True
) -> AreaLayer:
    """Regions as hatched-looking translucent areas with their name on hover."""
    collection = feature_collection(regions, name="regions")
    color = script_json(context.style.region_color)
    return AreaLayer(
        collection,
        context,
        name=name,
        style_js=f"return {{color: {color}, weight: 1.5, dashArray: '6 4', fillColor: {color}, "
        "fillOpacity: 0.18};",
        tooltip_js="function (f) { return f.properties.name; }",
        show=show,
    )
