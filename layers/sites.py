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
    """Sites as columns (not one object per feature): compact and quick to parse.

    Each site carries its look (an index into ``style.looks`` of the page's
    context) and its radius in pixels, both worked out here from
    :class:`~.style.Style`, so the page draws what the legend shows.
    """

    def column(name: str) -> list:
        return [json_value(value) for value in sites[name].tolist()]

    style = context.style
    look_index = {look.name: index for index, look in enumerate(style.site_looks)}
    personnel = personnel_columns(sites)
    statuses = sites["status"].tolist()
    return {
        "look": [
            look_index[style.site_look_for(status, estimate).name]
            for status, estimate in zip(statuses, personnel["est"], strict=True)
        ],
        "r": [round(style.radius(estimate), 2) for estimate in personnel["est"]],
        "lat": [round(y, 5) for y in sites.geometry.y.tolist()],
        "lon": [round(x, 5) for x in sites.geometry.x.tolist()],
        "name": sites["name"].tolist(),
        "actor": [context.actor_index[actor] for actor in sites["actor"].tolist()],
        "status": [context.status_index[status] for status in statuses],
        **personnel,
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
    """Deployments of one phase as a layer the page's phase switch shows.

    Bigger circles hold more people; a hollow dotted circle is a withdrawn
    presence, a dashed one a presence of unknown size (see ``Style.site_looks``).
    """
    in_phase = sites[sites["phase"] == phase.id]
    return DataLayer(
        "addSites",
        encode_sites(in_phase, context=context),
        context,
        name=name or phase.label,
        overlay=overlay,
        show=show,
        control=False,
        extra={"phaseLabel": phase.label},
    )
