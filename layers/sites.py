"""The sites layer: one circle per deployment, sized by personnel, coloured by actor."""

from __future__ import annotations

import geopandas as gpd

from posturemap.geo.scenario import Phase

from .elements import DataLayer, PageContext, coded, json_column, personnel_columns, script_json

_NONE: list = []  # a site with no figures (shared: nothing changes it)


def encode_sites(sites: gpd.GeoDataFrame, *, context: PageContext) -> dict:
    """Sites as columns (not one object per feature): compact and quick to parse.

    Each site carries its look (an index into ``style.looks`` of the page's
    context) and its radius in pixels, both worked out here from
    :class:`~.style.Style`, so the page draws what the legend shows.
    """

    style = context.style
    look_index = {look.name: index for index, look in enumerate(style.site_looks)}
    personnel = personnel_columns(sites)
    statuses = sites["status"].tolist()
    # Looks and radii depend on a few values that many sites share: work each out once.
    # (No list of pairs or per-row copies kept: tens of thousands of small containers
    # that outlive a step wake Python's full garbage collection, which walks the whole heap.)
    looks = {
        pair: look_index[style.site_look_for(*pair).name]
        for pair in set(zip(statuses, personnel["est"], strict=True))
    }
    radii = {estimate: round(style.radius(estimate), 2) for estimate in set(personnel["est"])}
    return {
        "look": [looks[pair] for pair in zip(statuses, personnel["est"], strict=True)],
        "r": [radii[estimate] for estimate in personnel["est"]],
        "lat": sites.geometry.y.round(5).tolist(),
        "lon": sites.geometry.x.round(5).tolist(),
        "name": sites["name"].tolist(),
        "actor": sites["actor"].map(context.actor_index).tolist(),
        "status": [context.status_index[status] for status in statuses],
        **personnel,
        "text": json_column(sites["personnel_text"]),
        "figures": coded([v if isinstance(v, list) else _NONE for v in sites["figures"].tolist()]),
        "country": coded(json_column(sites["country_name"])),
        "sahel": coded(sites["in_sahel"].astype(bool).tolist()),
        "kind": coded(sites["kind"].tolist()),
        "note": coded(json_column(sites["note"])),
        "sources": coded(sites["sources"].tolist()),
    }


def sites_layer(
    sites: gpd.GeoDataFrame,
    *,
    phase: Phase,
    context: PageContext,
    name: str | None = None,
    overlay: bool = False,
    show: bool = True,
    cache: dict | None = None,
) -> DataLayer:
    """Deployments of one phase as a layer the page's phase switch shows.

    Bigger circles hold more people; a hollow dotted circle is a withdrawn
    presence, a dashed one a presence of unknown size (see ``Style.site_looks``).
    With ``cache`` (``PostureData.derived``), the phase's sites are encoded once
    for every page drawn from the same ``sites`` in the same style:
    ``compare.html`` shows phases ``index.html`` has encoded.
    """
    key = ("page sites", phase.id, context.style)
    held = cache.get(key) if cache is not None else None
    if held is not None and held[0] is sites:
        encoded = held[1]
    else:
        encoded = script_json(encode_sites(sites[sites["phase"] == phase.id], context=context))
        if cache is not None:
            cache[key] = (sites, encoded)
    return DataLayer(
        "addSites",
        encoded,
        context,
        name=name or phase.label,
        overlay=overlay,
        show=show,
        control=False,
        extra={"phaseLabel": phase.label},
    )
