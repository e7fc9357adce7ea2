"""The page around the map: header, phase switch, key, timeline, table and sources.

Nothing floats over the map.  The parts are plain HTML, in reading order, so
screen readers, find-in-page and keyboards reach them: the phase switch is a
group of radio buttons and the layer toggles are checkboxes, each with its
label.  ``posturemap.css`` lays them out (beside the map on a wide screen,
stacked on a narrow one) and ``posturemap.js`` (``PostureMap.page``) wires
them to the map.
"""

from __future__ import annotations

from dataclasses import dataclass

from folium.template import Template

from .elements import AreaLayer, DataLayer, script_json, text
from .literal import LiteralMacro
from .view import FirstView


class PageSection(LiteralMacro):
    """Finished (escaped) HTML placed in the page's body where this element stands
    among the figure's children: before the map, or after it."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}{{ this.body }}{% endmacro %}
        """
    )

    def __init__(self, body: str, *, name: str):
        super().__init__()
        self._name = name
        self.body = body


class ZoomableViewport(LiteralMacro):
    """A viewport tag that lets readers zoom the page (folium's forbids it, which
    fails readers who enlarge text); the last such tag is the one browsers use,
    so this element goes after the maps."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <meta name="viewport" content="width=device-width, initial-scale=1">
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "PmViewport"


class PageLayout(LiteralMacro):
    """The page-level script: keeps the map's share of the screen and opens or
    closes the collapsible parts to suit the screen."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            PostureMap.layout();
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "PmLayout"


def header_html(title: str, description: str | None, *, phases=(), subtitle: str | None = None) -> str:
    """The title, the description (collapsible) and, with ``phases``, the phase switch."""
    parts = ['<header class="pm-header">', f"<h1>{text(title)}</h1>"]
    if subtitle:
        parts.append(f'<p class="pm-subtitle">{text(subtitle)}</p>')
    if description:
        parts.append(
            '<details class="pm-about" data-pm-open-wide><summary>About this map</summary>'
            f"<p>{text(description)}</p></details>"
        )
    if phases:
        parts.append(phase_switch_html(phases))
    parts.append("</header>")
    return "".join(parts)


def phase_switch_html(phases) -> str:
    """The phases as radio buttons: arrow keys move between them, Space picks one."""
    options = []
    for index, phase in enumerate(phases):
        checked = " checked" if index == 0 else ""
        options.append(
            f'<label class="pm-phase"><input type="radio" name="pm-phase" value="{text(phase.id)}"{checked}>'
            f'<span class="pm-phase-label">{text(phase.label)}</span> '
            f'<time datetime="{text(phase.date.isoformat())}">{text(phase.date.isoformat())}</time></label>'
        )
    return '<fieldset class="pm-phases"><legend>Phase</legend>' + "".join(options) + "</fieldset>"


def toggles_html(toggles: list[tuple[str, str, bool]]) -> str:
    """Checkboxes for the map's layers: ``(key, label, checked)`` each."""
    boxes = "".join(
        f'<label class="pm-toggle"><input type="checkbox" data-pm-toggle="{text(key)}"'
        f"{' checked' if checked else ''}> {text(label)}</label>"
        for key, label, checked in toggles
    )
    return f'<fieldset class="pm-toggles"><legend>Show on the map</legend>{boxes}</fieldset>'


def aside_html(key: str, *, toggles: str = "", timeline: str | None = None) -> str:
    """The key (with the layer toggles) and the timeline, each collapsible."""
    parts = [
        '<aside class="pm-side" aria-label="Key and timeline">',
        f'<details class="pm-key" open><summary>Key</summary>{toggles}{key}</details>',
    ]
    if timeline:
        parts.append(
            f'<details class="pm-timeline" data-pm-open-wide><summary>Timeline</summary>{timeline}</details>'
        )
    parts.append("</aside>")
    return "".join(parts)


def sources_html(scenario) -> str:
    """Every source the scenario cites, linked when its URL is http(s)."""
    items = []
    for source in scenario.sources:
        title = text(source.title)
        if source.url and source.url.lower().startswith(("http://", "https://")):
            title = f'<a href="{text(source.url)}" target="_blank" rel="noopener noreferrer">{title}</a>'
        meta = ", ".join(
            text(part) for part in (source.publisher, source.date and source.date.isoformat()) if part
        )
        items.append(f"<li>{title}{f' ({meta})' if meta else ''}</li>")
    return (
        '<footer class="pm-footer"><h2>Sources</h2>'
        f"<ol>{''.join(items)}</ol>"
        '<p class="pm-cite">Figures are shown as the sources word them, with the range derived from '
        "the wording. Made with posturemap.</p></footer>"
    )


def after_html(*parts: str) -> str:
    """What follows the map: the text alternative and the sources."""
    return '<div class="pm-after">' + "".join(part for part in parts if part) + "</div>"


@dataclass
class PhaseLayers:
    """One phase's layers on one map; the page shows one phase's at a time."""

    phase_id: str
    sites: DataLayer
    shading: AreaLayer | None = None
    movements: DataLayer | None = None
    labels: DataLayer | None = None

    @property
    def id_json(self) -> str:
        return script_json(self.phase_id)


class PageControls(LiteralMacro):
    """Wires one map to its phase layers, overlays, phase switch and toggles.

    Parameters
    ----------
    phases : list of PhaseLayers
        In the scenario's order; the first is shown unless ``?phase=ID`` names another.
    view : FirstView
        The box the map fits at first (and refits while the reader has not moved it).
    regions : AreaLayer, optional
        The regions overlay.
    document_controls : bool
        Whether this map answers the page's phase switch, toggles and timeline, and
        keeps ``?phase=`` in the address (``index.html``; not the maps of ``compare.html``).
    labels_on : bool
        Whether labels start switched on.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            PostureMap.page({{ this._parent.get_name() }}, {
                phases: [{% for phase in this.phases %}{
                    id: {{ phase.id_json }},
                    sites: {{ phase.sites.get_name() }},
                    shading: {{ phase.shading.get_name() if phase.shading else "null" }},
                    movements: {{ phase.movements.get_name() if phase.movements else "null" }},
                    labels: {{ phase.labels.get_name() if phase.labels else "null" }}
                }{{ "," if not loop.last }}{% endfor %}],
                regions: {{ this.regions.get_name() if this.regions else "null" }},
                fit: {{ this.fit }},
                documentControls: {{ this.document_controls|tojson }},
                labelsOn: {{ this.labels_on|tojson }}
            });
        {% endmacro %}
        """
    )

    def __init__(
        self,
        phases: list[PhaseLayers],
        *,
        view: FirstView,
        regions: AreaLayer | None = None,
        document_controls: bool = True,
        labels_on: bool = True,
    ):
        super().__init__()
        self._name = "PmControls"
        self.phases = phases
        self.regions = regions
        self.fit = script_json(view.leaflet_fit())
        self.document_controls = document_controls
        self.labels_on = labels_on
