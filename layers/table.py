"""The text alternative: a table of the sites in each phase.

Screen readers and find-in-page reach it, and it says in words what the
circles say in size and line style: the place, the actor, the figure as
reported, its derived range, the status and the sources.
"""

from __future__ import annotations

import geopandas as gpd

from posturemap.geo.export import json_value

from .elements import personnel_columns, text
from .timeline import source_links


def _reported(text_value, status: str) -> str:
    if text_value is not None:
        return text_value
    return "none (withdrawn)" if status == "withdrawn" else "size not reported"


def sites_table_html(sites: gpd.GeoDataFrame, scenario, *, limit: int) -> str:
    """One table per phase, as escaped HTML, in a ``<section>`` with a heading.

    Parameters
    ----------
    sites : GeoDataFrame
        Every site of every phase.
    scenario : Scenario
        For the phases and the sources' titles and links.
    limit : int
        At most this many rows per phase: the sites with the largest estimates,
        with a line saying how many are left out.
    """
    parts = ['<section class="pm-table" aria-labelledby="pm-table-title">']
    parts.append('<h2 id="pm-table-title">Sites by phase</h2>')
    source_refs = _deployment_refs(scenario)
    for phase in scenario.phases:
        in_phase = sites[sites["phase"] == phase.id]
        if len(in_phase) > limit:
            order = (
                in_phase["personnel"].astype("Float64").fillna(-1).sort_values(ascending=False, kind="stable")
            )
            shown = in_phase.loc[order.index[:limit]].sort_index()
        else:
            shown = in_phase
        ranges = personnel_columns(shown)["range"]
        parts.append(
            f'<table data-phase="{text(phase.id)}"><caption>{text(phase.label)} '
            f"({text(phase.date.isoformat())}): {len(in_phase):,} sites</caption>"
            '<thead><tr><th scope="col">Place</th><th scope="col">Actor</th>'
            '<th scope="col">Reported</th><th scope="col">Range</th><th scope="col">Status</th>'
            '<th scope="col">Sources</th></tr></thead><tbody>'
        )
        for name, actor, reported, status, site_id, range_text in zip(
            shown["name"],
            shown["actor_name"],
            shown["personnel_text"],
            shown["status"],
            shown["id"],
            ranges,
            strict=True,
        ):
            parts.append(
                f'<tr><th scope="row">{text(name)}</th><td>{text(actor)}</td>'
                f"<td>{text(_reported(json_value(reported), status))}</td><td>{text(range_text or '')}</td>"
                f"<td>{text(status)}</td><td>{source_links(source_refs.get(site_id, ()), scenario)}</td></tr>"
            )
        parts.append("</tbody></table>")
        if len(in_phase) > len(shown):
            parts.append(
                f'<p class="pm-cite">The {len(shown):,} largest of {len(in_phase):,} sites in this phase; '
                "every site is in geojson/sites.geojson.</p>"
            )
    parts.append("</section>")
    return "".join(parts)


def _deployment_refs(scenario) -> dict:
    """Each site id (``place/actor/phase``, as in the sites frame) with its source references."""
    return {
        f"{deployment.place}/{deployment.actor}/{deployment.phase}": deployment.sources
        for deployment in scenario.deployments
    }
