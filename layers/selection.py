"""Which sites and places a map draws how: shared by the pages, map.png, QGIS and KML.

Plain pandas, no folium: the static map and the KML are written in a second
process that never imports the page machinery.
"""

from __future__ import annotations

import geopandas as gpd


def most_sites_in_a_phase(sites: gpd.GeoDataFrame) -> int:
    """The number of sites in the busiest phase (what circle sizes adapt to)."""
    return int(sites.groupby("phase").size().max()) if len(sites) else 0


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
