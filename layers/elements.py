"""Small folium elements posturemap builds its pages from.

Each element is options, a template and data.  Data from a scenario enters a
page only through :func:`script_json` (inside scripts) or :func:`text`
(inside HTML), so scenario text is never markup and never closes a script,
and every element renders through :mod:`.literal`, so what a macro wrote is
never compiled as a template again.
"""

from __future__ import annotations

import base64
import html
import json
import re
from functools import cache
from html.parser import HTMLParser
from importlib import resources
from typing import Any

from branca.element import Element, Figure
from folium.template import Template

from .literal import FeatureGroup, LiteralMacro, Map, Markup

_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


class ScriptJson(str):
    """Text :func:`script_json` made: a layer given one uses it as it is, so data
    encoded for one page serves another without being encoded again."""


def script_json(value: Any) -> ScriptJson:
    """JSON that is safe inside a ``<script>`` element and as a JS expression."""
    dumped = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return ScriptJson(re.sub("[<>&\u2028\u2029]", lambda match: _SCRIPT_UNSAFE[match.group()], dumped))


def text(value: object) -> str:
    """Scenario text as HTML text: escaped, and inert inside JS template literals too."""
    escaped = html.escape("" if value is None else str(value), quote=True)
    return escaped.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


class _AttributionText(HTMLParser):
    """Keeps the text of an attribution and its http(s) links; drops all other markup."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open_links = 0
        self.hidden = 0  # inside <script> or <style>: not text a reader sees

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        href = dict(attrs).get("href") or ""
        if tag == "a" and href.lower().startswith(("http://", "https://")):
            self.parts.append(f'<a href="{text(href)}" target="_blank" rel="noopener noreferrer">')
            self.open_links += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.hidden:
            self.hidden -= 1
        if tag == "a" and self.open_links:
            self.parts.append("</a>")
            self.open_links -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(text(data))


def safe_attribution(markup: str) -> str:
    """A tile provider's HTML attribution reduced to escaped text and http(s) links.

    Leaflet shows attributions as HTML, so anything else a provider entry holds
    (scripts, event handlers, other URL schemes) is dropped, not passed on.

    Examples
    --------
    >>> safe_attribution('&copy; <a href="https://osm.org/copyright">OSM</a><img src=x onerror=alert(1)>')
    '© <a href="https://osm.org/copyright" target="_blank" rel="noopener noreferrer">OSM</a>'
    """
    parser = _AttributionText()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts) + "</a>" * parser.open_links


def latlng(point) -> list[float]:
    """A shapely point (lon, lat) as Leaflet's [lat, lon], rounded to ~10 cm."""
    return [round(point.y, 6), round(point.x, 6)]


def json_column(series) -> list:
    """A column's values as JSON values, in one pass over the column (no call per value):
    missing values become None, nullable integers Python ints."""
    if series.dtype == object:
        return series.where(series.notna(), None).tolist()
    return series.to_numpy(dtype=object, na_value=None).tolist()


def personnel_columns(frame) -> dict[str, list]:
    """Each row's estimate and its derived range in words, computed once here for the page."""
    from posturemap.geo.personnel import Personnel

    def counts(name: str) -> list[int | None]:
        return [None if value is None else int(value) for value in json_column(frame[name])]

    estimates = counts("personnel")
    rows = zip(counts("personnel_min"), counts("personnel_max"), estimates, strict=True)
    described: dict[tuple, str] = {}  # rows often share a figure: word each once
    ranges = []
    for row in rows:
        words = described.get(row)
        if words is None:
            low, high, estimate = row
            words = described[row] = Personnel(None, low, high, estimate).describe_range()
        ranges.append(words)
    return {"est": estimates, "range": ranges}


def coded(values: list) -> list | dict:
    """A column of few distinct values as those values once and an index per row
    (``{"values": [...], "index": [...]}``), when that is shorter; else the list.

    The page expands it again (``PostureMap.columns``).  Lists count as values
    (a tuple is written as a list).

    Examples
    --------
    >>> coded(["Mali", "Niger", "Mali", "Mali"])
    {'values': ['Mali', 'Niger'], 'index': [0, 1, 0, 0]}
    >>> coded(["Mali", "Niger"])
    ['Mali', 'Niger']
    """
    positions: dict = {}
    index = [positions.setdefault(tuple(v) if isinstance(v, list) else v, len(positions)) for v in values]
    if 2 * len(positions) > len(values):
        return [list(value) if isinstance(value, tuple) else value for value in values]
    distinct = [list(key) if isinstance(key, tuple) else key for key in positions]
    return {"values": distinct, "index": index}


@cache
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's JS and CSS from XStatic-Leaflet, with the CSS images inlined."""
    import xstatic.pkg.leaflet as xleaflet

    base = resources.files(xleaflet.__name__).joinpath("data")
    script = base.joinpath("leaflet.js").read_text(encoding="utf-8")
    css = base.joinpath("leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match) -> str:
        image = base.joinpath("images", match.group(1))
        encoded = base64.b64encode(image.read_bytes()).decode()
        return f"url(data:image/png;base64,{encoded})"

    css = re.sub(r"url\(images/([\w.-]+\.png)\)", inline, css)
    script = script.replace("//# sourceMappingURL=leaflet.js.map", "")
    return script, css


@cache
def runtime_assets() -> tuple[str, str]:
    base = resources.files("posturemap.layers")
    return (
        base.joinpath("posturemap.js").read_text(encoding="utf-8")
        + base.joinpath("basemap.js").read_text(encoding="utf-8"),
        base.joinpath("posturemap.css").read_text(encoding="utf-8"),
    )


def _inline_script(source: str) -> str:
    return "<script>" + source.replace("</script", "<\\/script") + "</script>"


def install_assets(figure: Figure) -> None:
    """Put Leaflet and the posturemap runtime inline in a page's head, once."""
    if "posturemap_assets" in figure.header._children:
        return
    leaflet_js, leaflet_css = leaflet_assets()
    runtime_js, runtime_css = runtime_assets()
    head = (
        f"<style>{leaflet_css}</style>\n<style>{runtime_css}</style>\n"
        f"{_inline_script(leaflet_js)}\n{_inline_script(runtime_js)}"
    )
    figure.header.add_child(Markup(head), name="posturemap_assets")


def offline_map(**options) -> Map:
    """A folium Map that loads nothing from the network: no CDN scripts, no tiles."""
    options = {"control_scale": True, **options}
    fmap = Map(tiles=None, prefer_canvas=True, **options)
    fmap.default_js = []
    fmap.default_css = []
    return fmap


class PageContext(LiteralMacro):
    """Shared data of one map: actors, statuses, sources, style, a canvas renderer.

    Layers encode actors and statuses as indexes into this context
    (:attr:`actor_index`, :attr:`status_index`), so each appears once per page.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = {{ this.payload }};
            {{ this.get_name() }}.renderer = L.canvas({padding: PostureMap.PADDING});
        {% endmacro %}
        """
    )

    def __init__(self, scenario, style):
        from posturemap.geo.scenario import STATUSES

        super().__init__()
        self._name = "PmContext"
        self.style = style
        self.colors = style.actor_colors(scenario.actors)
        self.actor_index = {actor.id: index for index, actor in enumerate(scenario.actors)}
        self.status_index = {status: index for index, status in enumerate(STATUSES)}
        sources = {
            source.id: {
                "title": source.title,
                "publisher": source.publisher,
                "date": source.date.isoformat() if source.date else None,
                "url": source.url,
            }
            for source in scenario.sources
        }
        actors = [{"id": a.id, "name": a.name, "color": self.colors[a.id]} for a in scenario.actors]
        self.payload = script_json(
            {"actors": actors, "statuses": list(STATUSES), "sources": sources, "style": style.js()}
        )


class DataLayer(FeatureGroup):
    """A FeatureGroup filled in the browser by a ``PostureMap.<function>`` from JSON.

    The data sits in a ``<script type="application/json">`` element: browsers
    parse JSON text much faster than the same data written as a JS literal, and
    the page parses it only when the layer is first shown (``PostureMap.data``).
    ``data`` is a JSON value, or :class:`ScriptJson` already made from one.
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
            <script type="application/json" id="{{ this.get_name() }}-data">{{ this.data }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.featureGroup({});
            PostureMap.{{ this.function }}({{ this.get_name() }},
                PostureMap.data("{{ this.get_name() }}-data"),
                Object.assign({}, {{ this.context.get_name() }}, {{ this.extra }}));
        {% endmacro %}
        """
    )

    def __init__(
        self,
        function: str,
        data: Any,
        context: PageContext,
        *,
        name: str,
        overlay: bool = True,
        show: bool = True,
        control: bool = True,
        extra: dict | None = None,
    ):
        super().__init__(name=text(name), overlay=overlay, show=show, control=control)
        self._name = "PmLayer"
        self.function = function
        self.data = data if isinstance(data, ScriptJson) else script_json(data)
        self.context = context
        self.extra = script_json(extra or {})


class AreaLayer(FeatureGroup):
    """Polygons drawn with a style function written in JS (trusted, from this package)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.featureGroup({});
            PostureMap.addAreas({{ this.get_name() }}, {{ this.data }}, {{ this.context.get_name() }}, {
                interactive: {{ this.interactive|tojson }},
                style: function (feature) { {{ this.style_js }} },
                tooltip: {{ this.tooltip_js }}
            });
        {% endmacro %}
        """
    )

    def __init__(
        self,
        collection: dict,
        context: PageContext,
        *,
        name: str,
        style_js: str,
        tooltip_js: str = "null",
        interactive: bool = True,
        overlay: bool = True,
        show: bool = True,
        control: bool = True,
    ):
        super().__init__(name=text(name), overlay=overlay, show=show, control=control)
        self._name = "PmAreas"
        self.data = script_json(collection)
        self.context = context
        self.style_js = style_js
        self.tooltip_js = tooltip_js
        self.interactive = interactive


def pin_ids(root: Element, prefix: str = "") -> None:
    """Replace folium's random element ids with a counter, so pages are reproducible."""
    counter = 0

    def visit(element: Element) -> None:
        nonlocal counter
        element._id = f"{prefix}{counter:04d}"
        counter += 1
        for child in list(element._children.values()):
            visit(child)

    visit(root)
