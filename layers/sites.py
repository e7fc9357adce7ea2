"""The sites layer: one circle per deployment, sized by personnel, coloured by actor."""

from __future__ import annotations

import geopandas as gpd

from posturemap.geo.export import json_value
from posturemap.geo.scenario import Phase

from .elements import DataLayer, PageContext, personnel_columns


def most_sites_in_a_phase(sites: gpd.GeoDataFrame) -> int:
    """The number of sites in the busiest phase (what circle sizes adapt to)."""
    return int(sites.groupby("phase").size().max()) if len(sites) else 0


def encode_sites(sites: gpd.GeoDataFrame, *, context: PageContext) -> dict:
    """Sites as columns (not one object per feature): compact and quick to parse."""

    def column(name: str) -> list:
        return [json_value(value) for value in sites[name].tolist()]

    return {
        "lat": [round(y, 5) for y in sites.geometry.y.tolist()],
        "lon": [round(x, 5) for x in sites.geometry.x.tolist()],
        "name": sites["name"].tolist(),
        "actor": [context.actor_index[actor] for actor in sites["actor"].tolist()],
        "status": [context.status_index[status] for status in sites["status"].tolist()],
        **personnel_columns(sites),
        "text": column("personnel_text"),
        "figures": [list(value) if isinstance(value, list) else [] for value in sites["figures"].tolist()],
        "country": column("country_name"),
        "sahel": [bool(value) for value in sites["in_sahel"].tolist()],
        "kind": sites["kind"].tolist(),
        "note": column("note"),
        "sources": [list(value) for value in sites["sources"].tolist()],
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
