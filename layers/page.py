"""Compose the pages: ``index.html`` (all phases, switchable) and ``compare.html``.

Each page is a layout (:mod:`.layout`) around its map: the header and the
phase switch before the map, the key and the timeline beside or below it, the
table of sites and the sources after it.  Layers are added in a fixed order
(basemap, regions, then each phase's shading, sites, movements and labels)
and the controls that show them last.
"""

from __future__ import annotations

from dataclasses import dataclass

from branca.element import Figure
from folium.template import Template

from posturemap.geo.join import PostureData

from .countries import basemap_layer, shading_layer
from .elements import PageContext, install_assets, offline_map, pin_ids, safe_attribution, text
from .labels import labels_layer
from .layout import (
    PageControls,
    PageLayout,
    PageSection,
    PhaseLayers,
    ZoomableViewport,
    after_html,
    aside_html,
    header_html,
    sources_html,
    toggles_html,
)
from .legend import legend_html
from .literal import LiteralMacro, Map, Markup, TileLayer
from .movements import movements_layer
from .regions import regions_layer
from .selection import labelled_places, most_sites_in_a_phase
from .sites import sites_layer
from .style import DEFAULT_STYLE, Style
from .table import sites_table_html
from .timeline import timeline_html
from .view import FirstView, first_view


@dataclass(frozen=True)
class Tiles:
    """An optional tile basemap (network!) with its attribution."""

    url: str
    attribution: str
    name: str

    @classmethod
    def from_provider(cls, name: str) -> Tiles:
        """Look a provider up in xyzservices, e.g. ``OpenStreetMap.Mapnik``.

        Raises
        ------
        TileProviderError
            When xyzservices has no such provider, or the provider needs an API key.
        """
        from .tiles import tile_provider

        provider = tile_provider(name)
        return cls(provider.build_url(), provider.html_attribution, provider.name)


def _page_title(figure: Figure, title: str) -> None:
    figure.header.add_child(Markup(f"<title>{text(title)}</title>"), name="title")
    figure.header.add_child(Markup('<meta charset="utf-8">'), name="charset")


def _add_tiles(fmap: Map, tiles: Tiles) -> None:
    TileLayer(
        tiles=tiles.url, attr=safe_attribution(tiles.attribution), name=text(tiles.name), control=False
    ).add_to(fmap)


def _page_map() -> Map:
    # Quarter zoom steps, so the first view fits an embed's small frame closely.
    # The scale bar is added by the page's script: metric only, so it stays one line.
    return offline_map(zoom_snap=0.25, zoom_delta=0.5, control_scale=False)


def _ground(fmap: Map, data: PostureData, *, style: Style, tiles: Tiles | None, view: FirstView):
    """What every map starts with: shared data, the ground (the offline basemap, or the
    tiles the user asked for: the basemap's opaque land would hide them), regions."""
    context = PageContext(data.scenario, style.for_sites(most_sites_in_a_phase(data.sites)))
    fmap.add_child(context)
    if tiles is None:
        fmap.add_child(basemap_layer(context=context, bounds=view.focus))
    else:
        _add_tiles(fmap, tiles)
    regions = None
    if len(data.regions):
        regions = regions_layer(
            data.regions, context=context, name=", ".join(data.regions["name"]), show=False
        )
        regions.control = False
        fmap.add_child(regions)
    return context, regions


def _phase_layers(
    fmap: Map, data: PostureData, phase, *, context: PageContext, view: FirstView, shaded, labelled
) -> PhaseLayers:
    """A phase's shading, sites, movements and labels, added to ``fmap`` hidden."""
    layers = PhaseLayers(
        phase.id, sites_layer(data.sites, phase=phase, context=context, show=False, cache=data.derived)
    )
    if shaded is not None and len(shaded):
        layers.shading = shading_layer(
            shaded, phase_id=phase.id, context=context, name=f"{phase.label} shading", show=False
        )
        layers.shading.control = False
        fmap.add_child(layers.shading)
    fmap.add_child(layers.sites)
    moves = data.movements[data.movements["phase"] == phase.id]
    if len(moves):
        layers.movements = movements_layer(moves, context=context, view=view, show=False)
        fmap.add_child(layers.movements)
    in_phase = data.sites[data.sites["phase"] == phase.id]
    if len(in_phase) and len(labelled):
        layers.labels = labels_layer(labelled, in_phase, context=context, show=False)
        fmap.add_child(layers.labels)
    return layers


def _looks_used(data: PostureData, style: Style) -> set[str]:
    from posturemap.geo.export import json_value

    # Each distinct (status, figure) once: many sites share them.
    pairs = set(zip(data.sites["status"].tolist(), data.sites["personnel"].tolist(), strict=True))
    return {style.site_look_for(status, json_value(personnel)).name for status, personnel in pairs}


def _key(data: PostureData, context: PageContext, *, shading: bool) -> str:
    return legend_html(
        data.scenario.actors,
        context.colors,
        context.style,
        movements=bool(len(data.movements)),
        regions=list(data.regions["name"]),
        shading=shading,
        looks=_looks_used(data, context.style),
    )


def posture_map(data: PostureData, *, style: Style = DEFAULT_STYLE, tiles: Tiles | None = None) -> Map:
    """The main page: a phase switch over one map, with its key, timeline, table and sources.

    Parameters
    ----------
    data : PostureData
        From :func:`posturemap.geo.join.join`.
    style : Style
    tiles : Tiles, optional
        A tile basemap; without it the page makes no network request.

    Returns
    -------
    Map
        The map; ``get_root()`` is the whole page.
    """
    from posturemap.geo.analyse import countries_frame

    scenario = data.scenario
    figure = Figure()
    install_assets(figure)
    _page_title(figure, scenario.title)
    figure.add_child(PageLayout())  # first, so the page is laid out before the map is made
    figure.add_child(
        PageSection(
            header_html(scenario.title, scenario.description, phases=scenario.phases), name="PmHeader"
        )
    )
    fmap = _page_map()
    figure.add_child(fmap)
    view = first_view(data, style=style)
    context, regions = _ground(fmap, data, style=style, tiles=tiles, view=view)
    shaded = countries_frame(data)
    labelled = labelled_places(data.places, data.sites, limit=style.label_limit)
    with_sites = data.sites["place"].nunique()
    capped = len(labelled) < with_sites
    phases = [
        _phase_layers(fmap, data, phase, context=context, view=view, shaded=shaded, labelled=labelled)
        for phase in scenario.phases
    ]
    toggles = []
    if len(data.movements):
        toggles.append(("movements", "Movements", True))
    if len(labelled):
        label_name = f"Labels ({len(labelled)} largest of {with_sites:,})" if capped else "Labels"
        # A capped set of labels starts hidden: in a dense map they cover the sites.
        toggles.append(("labels", label_name, not capped))
    if regions is not None:
        toggles.append(("regions", ", ".join(data.regions["name"]), True))
    if len(shaded):
        toggles.append(("shading", "Country shading", True))
    figure.add_child(
        PageSection(
            aside_html(
                _key(data, context, shading=bool(len(shaded))),
                toggles=toggles_html(toggles),
                timeline=timeline_html(scenario, data.places),
            ),
            name="PmAside",
        )
    )
    figure.add_child(
        PageSection(
            after_html(
                sites_table_html(data.sites, scenario, limit=style.table_limit), sources_html(scenario)
            ),
            name="PmAfter",
        )
    )
    fmap.add_child(PageControls(phases, view=view, regions=regions, labels_on=not capped))
    figure.add_child(ZoomableViewport())
    pin_ids(figure)
    return fmap


def compare_page(
    data: PostureData,
    *,
    from_phase: str | None = None,
    to_phase: str | None = None,
    style: Style = DEFAULT_STYLE,
    tiles: Tiles | None = None,
) -> Figure:
    """Two phases side by side (first and last by default), pans and zooms synced.

    Below about 700 px wide the two maps stack, one above the other, still synced.
    """
    scenario = data.scenario
    ids = [phase.id for phase in scenario.phases]
    chosen = [scenario.phase(from_phase or ids[0]), scenario.phase(to_phase or ids[-1])]
    figure = Figure()
    install_assets(figure)
    _page_title(figure, f"{scenario.title}: {chosen[0].label} | {chosen[1].label}")
    figure.add_child(PageLayout())
    figure.add_child(
        PageSection(
            header_html(
                scenario.title, scenario.description, subtitle=f"{chosen[0].label} and {chosen[1].label}"
            ),
            name="PmHeader",
        )
    )
    view = first_view(data, style=style)
    labelled = labelled_places(data.places, data.sites, limit=style.label_limit)
    capped = len(labelled) < data.sites["place"].nunique()
    maps = []
    for side, phase in enumerate(chosen):
        figure.add_child(
            PageSection(
                f'<h2 class="pm-caption pm-caption-{"ab"[side]}">{text(phase.label)} '
                f"<time>{text(phase.date.isoformat())}</time></h2>",
                name="PmCaption",
            )
        )
        fmap = _page_map()
        figure.add_child(fmap)
        context, regions = _ground(fmap, data, style=style, tiles=tiles, view=view)
        layers = _phase_layers(fmap, data, phase, context=context, view=view, shaded=None, labelled=labelled)
        fmap.add_child(
            PageControls([layers], view=view, regions=regions, document_controls=False, labels_on=not capped)
        )
        maps.append(fmap)
    maps[1].add_child(SyncViews(maps[0]))
    figure.add_child(
        PageSection(
            after_html(
                f'<section class="pm-key-after"><h2>Key</h2>{_key(data, context, shading=False)}</section>',
                sources_html(scenario),
            ),
            name="PmAfter",
        )
    )
    figure.add_child(ZoomableViewport())
    pin_ids(figure)
    return figure


class SyncViews(LiteralMacro):
    """Keep the parent map's view and another map's view the same."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            PostureMap.sync({{ this.other.get_name() }}, {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, other: Map):
        super().__init__()
        self._name = "PmSync"
        self.other = other
