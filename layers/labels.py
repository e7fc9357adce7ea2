"""The labels layer: names of the places that carry deployments in a phase."""

from __future__ import annotations

import geopandas as gpd

from posturemap.geo.export import json_value

from .elements import DataLayer, PageContext


def encode_labels(places: gpd.GeoDataFrame, sites: gpd.GeoDataFrame) -> dict:
    """The labels of the places with a site in ``sites`` (one phase), each with its
    personnel in that phase (the sum of the reported estimates, 0 when none is
    given): where two labels would collide, the page keeps the larger."""
    in_phase = places[places["place"].isin(sites["place"])]
    totals = sites.groupby("place")["personnel"].sum(min_count=1)
    return {
        "lat": [round(point.y, 5) for point in in_phase.geometry],
        "lon": [round(point.x, 5) for point in in_phase.geometry],
        "name": list(in_phase["name"]),
        "size": [int(json_value(totals.get(place)) or 0) for place in in_phase["place"]],
    }


def labels_layer(
    places: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    *,
    context: PageContext,
    name: str = "Labels",
    show: bool = True,
) -> DataLayer:
    """Permanent labels for ``places`` that have a site in ``sites`` (one phase's)."""
    return DataLayer(
        "addLabels", encode_labels(places, sites), context, name=name, overlay=True, show=show, control=False
    )
