"""The labels layer: names of the places that carry deployments."""

from __future__ import annotations

import geopandas as gpd

from .elements import DataLayer, PageContext


def labelled_places(places: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, *, limit: int) -> gpd.GeoDataFrame:
    """The places worth a permanent label: all of them when few, else the ``limit``
    with the most personnel in any phase (ties by name), in the places' order.

    Every place keeps its tooltip and popup; only permanent labels are capped,
    since thousands of them would cover the map and stall the page.
    """
    # Every kind of place is labelled; only how many is capped.
    chosen = places[places["place"].isin(sites["place"])]
    if len(chosen) <= limit:
        return chosen
    largest = sites.groupby("place")["personnel"].max().fillna(-1)
    ranked = chosen.assign(_size=chosen["place"].map(largest)).sort_values(
        ["_size", "name"], ascending=[False, True], kind="stable"
    )
    keep = set(ranked["place"].head(limit))
    return chosen[chosen["place"].isin(keep)]


def labels_layer(
    places: gpd.GeoDataFrame, *, context: PageContext, name: str = "Labels", show: bool = True
) -> DataLayer:
    data = {
        "lat": [round(point.y, 5) for point in places.geometry],
        "lon": [round(point.x, 5) for point in places.geometry],
        "name": list(places["name"]),
    }
    return DataLayer("addLabels", data, context, name=name, overlay=True, show=show)
