"""The sites layer: one circle per deployment, sized by personnel, coloured by actor."""

from __future__ import annotations

import geopandas as gpd

from posturemap.geo.export import json_value
from posturemap.geo.scenario import Phase

from .elements import DataLayer, PageContext, personnel_columns


def encode_sites(sites: gpd.GeoDataFrame, *, context: PageContext) -> dict:
    """Sites as columns (not one object per feature): compact and quick to parse."""
    return {
        "lat": [round(point.y, 5) for point in sites.geometry],
        "lon": [round(point.x, 5) for point in sites.geometry],
        "name": list(sites["name"]),
        "actor": [context.actor_index[actor] for actor in sites["actor"]],
        "status": [context.status_index[status] for status in sites["status"]],
        **personnel_columns(sites),
        "text": [json_value(value) for value in sites["personnel_text"]],
        "figures": [list(value) if isinstance(value, list) else [] for value in sites["figures"]],
        "country": [json_value(value) for value in sites["country_name"]],
        "sahel": [bool(value) for value in sites["in_sahel"]],
        "kind": list(sites["kind"]),
        "note": [json_value(value) for value in sites["note"]],
        "sources": [list(value) for value in sites["sources"]],
    }


def sites_layer(
    sites: gpd.GeoDataFrame,
    *,
    phase: Phase,
    context: PageContext,
    name: str | None = None,
    overlay: bool = False,
    show: bool = True,
) -> DataLayer:
    """Deployments of one phase as a switchable layer.

    Bigger circles hold more people; a hollow dotted circle is a withdrawn
    presence, a dashed one a presence of unknown size.  ``overlay=False``
    makes the phases an exclusive, radio-style choice in the layer control.
    """
    in_phase = sites[sites["phase"] == phase.id]
    return DataLayer(
        "addSites",
        encode_sites(in_phase, context=context),
        context,
        name=name or phase.label,
        overlay=overlay,
        show=show,
        extra={"phaseLabel": phase.label},
    )
