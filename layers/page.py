"""Compose the pages: ``index.html`` (all phases, switchable) and ``compare.html``.

Layers are added in a fixed order (basemap, regions, phases, movements,
labels) and the layer control last, so no layer is left out of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from branca.element import Figure
from folium.template import Template

from posturemap.geo.join import PostureData

from .countries import basemap_layer, shading_layer
from .elements import HtmlPanel, PageContext, install_assets, offline_map, pin_ids, safe_attribution, text
from .labels import labelled_places, labels_layer
from .legend import legend_panel
from .literal import FeatureGroup, FitBounds, LayerControl, LiteralMacro, Map, Markup, TileLayer
from .movements import movements_layer
from .regions import regions_layer
from .sites import most_sites_in_a_phase, sites_layer
from .style import DEFAULT_STYLE, Style
from .timeline import timeline_panel


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


def _focus_bounds(data: PostureData) -> tuple[float, float, float, float]:
    """Bounds of the sites (the story), falling back to all places."""
    frame = data.sites if len(data.sites) else data.places
    west, south, east, north = frame.total_bounds
    return float(west), float(south), float(east), float(north)


def _fit(fmap: Map, bounds: tuple[float, float, float, float], *, panels: bool = False) -> None:
    west, south, east, north = bounds
    pad_lon, pad_lat = max((east - west) * 0.1, 1.0), max((north - south) * 0.1, 1.0)
    # Keep the sites clear of the title, legend and timeline panels.
    padding = {"padding_top_left": (390, 150), "padding_bottom_right": (330, 30)} if panels else {}
    fit = FitBounds([[south - pad_lat, west - pad_lon], [north + pad_lat, east + pad_lon]], **padding)
    # The map is already "loaded" at its initial view, so Leaflet would animate this
    # first fit; during that quarter second it ignores other view changes (a reader's
    # first zoom, the compare page's sync).
    fit.options["animate"] = False
    fmap.add_child(fit)


def _page_title(figure: Figure, title: str) -> None:
    figure.header.add_child(Markup(f"<title>{text(title)}</title>"), name="title")
    figure.header.add_child(Markup('<meta charset="utf-8">'), name="charset")


def _add_tiles(fmap: Map, tiles: Tiles | None) -> None:
    if tiles is not None:
        TileLayer(
            tiles=tiles.url, attr=safe_attribution(tiles.attribution), name=text(tiles.name), control=False
        ).add_to(fmap)


def _ground(fmap: Map, data: PostureData, *, style: Style, tiles: Tiles | None, bounds) -> PageContext:
    """What every map starts with: shared data, the country basemap, tiles, regions."""
    context = PageContext(data.scenario, style.for_sites(most_sites_in_a_phase(data.sites)))
    fmap.add_child(context)
    fmap.add_child(basemap_layer(context=context, bounds=bounds))
    _add_tiles(fmap, tiles)
    if len(data.regions):
        fmap.add_child(regions_layer(data.regions, context=context, name=", ".join(data.regions["name"])))
    return context


def posture_map(data: PostureData, *, style: Style = DEFAULT_STYLE, tiles: Tiles | None = None) -> Map:
    """The main map: one radio-switchable layer per phase, overlays, legend and timeline.

    Parameters
    ----------
    data : PostureData
        From :func:`posturemap.geo.join.join`.
    style : Style
    tiles : Tiles, optional
        A tile basemap; without it the page makes no network request.
    """
    scenario = data.scenario
    fmap = offline_map()
    figure = fmap.get_root()
    install_assets(figure)
    _page_title(figure, scenario.title)
    bounds = _focus_bounds(data)
    context = _ground(fmap, data, style=style, tiles=tiles, bounds=bounds)

    from posturemap.geo.analyse import countries_frame

    shaded = countries_frame(data)
    for index, phase in enumerate(scenario.phases):
        group = FeatureGroup(
            name=text(f"{phase.label} ({phase.date.isoformat()})"), overlay=False, show=index == 0
        )
        if len(shaded):
            shading = shading_layer(shaded, phase_id=phase.id, context=context, name=f"{phase.label} shading")
            shading.control = False
            group.add_child(shading)
        layer = sites_layer(data.sites, phase=phase, context=context)
        layer.control = False
        group.add_child(layer)
        fmap.add_child(group)
    if len(data.movements):
        fmap.add_child(movements_layer(data.movements, context=context))
    labelled = labelled_places(data.places, data.sites, limit=style.label_limit)
    with_sites = data.sites["place"].nunique()
    capped = len(labelled) < with_sites
    label_name = f"Labels ({len(labelled)} largest of {with_sites:,})" if capped else "Labels"
    # A capped set of labels starts hidden: in a dense map they cover the sites.
    fmap.add_child(labels_layer(labelled, context=context, name=label_name, show=not capped))
    description = f"<p>{text(scenario.description)}</p>" if scenario.description else ""
    fmap.add_child(HtmlPanel(f"<h1>{text(scenario.title)}</h1>{description}", css_class="pm-title"))
    fmap.add_child(
        legend_panel(
            scenario.actors,
            context.colors,
            context.style,
            movements=bool(len(data.movements)),
            regions=list(data.regions["name"]),
            shading=bool(len(shaded)),
        )
    )
    timeline = timeline_panel(scenario, data.places)
    if timeline is not None:
        fmap.add_child(timeline)
    _fit(fmap, bounds, panels=True)
    fmap.add_child(LayerControl(collapsed=False, position="topright"))
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
    """Two phases side by side (first and last by default), pans and zooms synced."""
    scenario = data.scenario
    ids = [phase.id for phase in scenario.phases]
    chosen = [scenario.phase(from_phase or ids[0]), scenario.phase(to_phase or ids[-1])]
    figure = Figure()
    install_assets(figure)
    _page_title(figure, f"{scenario.title}: {chosen[0].label} | {chosen[1].label}")
    bounds = _focus_bounds(data)
    maps = []
    for side, phase in enumerate(chosen):
        fmap = offline_map(width="50%", height="100%", left=f"{50 * side}%", top="0%", position="absolute")
        figure.add_child(fmap)
        context = _ground(fmap, data, style=style, tiles=tiles, bounds=bounds)
        fmap.add_child(sites_layer(data.sites, phase=phase, context=context, overlay=True, name="Sites"))
        moves = data.movements[data.movements["phase"] == phase.id]
        if len(moves):
            fmap.add_child(movements_layer(moves, context=context))
        fmap.add_child(
            HtmlPanel(f"{text(phase.label)} · {text(phase.date.isoformat())}", css_class="pm-phase-tag")
        )
        _fit(fmap, bounds)
        maps.append(fmap)
    maps[0].add_child(
        legend_panel(
            scenario.actors,
            context.colors,
            context.style,
            movements=bool(len(data.movements)),
            regions=list(data.regions["name"]),
            shading=False,
        )
    )
    figure.html.add_child(Markup('<div class="pm-compare-divider"></div>'), name="divider")
    maps[1].add_child(SyncViews(maps[0]))
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
