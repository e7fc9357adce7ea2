"""The labels layer: names of the places that carry deployments."""

from __future__ import annotations

import geopandas as gpd

from .elements import DataLayer, PageContext

#: Place kinds that get a permanent label.
LABELLED_KINDS = ("airbase", "base", "capital", "city", "country", "other")


def labels_layer(
    places: gpd.GeoDataFrame, *, context: PageContext, name: str = "Labels", show: bool = True
) -> DataLayer:
    chosen = places[places["kind"].isin(LABELLED_KINDS)]
    data = {
        "lat": [round(point.y, 5) for point in chosen.geometry],
        "lon": [round(point.x, 5) for point in chosen.geometry],
        "name": list(chosen["name"]),
    }
    return DataLayer("addLabels", data, context, name=name, overlay=True, show=show)
