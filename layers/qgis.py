"""QGIS styles (QML) for the GeoPackage layers, so QGIS opens posture.gpkg looking like the page.

Each layer gets a rule-based renderer built from :class:`~posturemap.layers.style.Style`
and the actors' colours:

- ``sites``: one rule per phase (the last one switched on, like the page's
  phase switch, the others a tick away in QGIS's Layers panel), then one per
  actor, then one per look: circles sized on the page's square-root scale
  (a data-defined size), filled when a figure is reported, dashed when it is
  not, hollow and dotted when withdrawn; labelled with the place name;
- ``movements``: lines in the actor's colour with an arrowhead at the
  destination, dashed for withdrawals;
- ``countries``: shaded by the personnel of the last phase, in the page's classes;
- ``regions``: translucent, with a dashed outline;
- ``places``: a small dot and the name of every place, the page's labels overlay;
- ``changes``: the change by actor, labelled.

The QML is built with :mod:`xml.etree.ElementTree`: scenario text (actor and
phase names, ids) reaches it only as attribute values or QGIS string
literals, escaped by ElementTree and by :func:`expression_literal`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import geopandas as gpd

from posturemap.geo.export import xml_text
from posturemap.geo.fields import phase_column
from posturemap.geo.join import PostureData

from .selection import most_sites_in_a_phase
from .style import DEFAULT_STYLE, SiteLook, Style

#: The QGIS version whose QML this module writes (and the tests load).
QGIS_VERSION = "3.22.0"


def expression_literal(text: str) -> str:
    """``text`` as a QGIS expression string literal, as ``QgsExpression.quotedString`` makes it."""
    escaped = text.replace("\\", "\\\\").replace("'", "''").replace("\n", "\\n").replace("\t", "\\t")
    return f"'{escaped}'"


def field(name: str) -> str:
    """A column reference in a QGIS expression."""
    return '"' + name.replace('"', '""') + '"'


def qgis_color(hex_color: str, opacity: float = 1.0) -> str:
    """``#rrggbb`` and an opacity as QGIS writes colours: ``r,g,b,a``."""
    red, green, blue = (int(hex_color[index : index + 2], 16) for index in (1, 3, 5))
    return f"{red},{green},{blue},{round(255 * opacity)}"


def _number(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Rule:
    """One rule of a rule-based renderer: a filter, a legend label, a symbol or child rules."""

    label: str
    filter: str | None = None
    symbol: ET.Element | None = None
    children: tuple[Rule, ...] = ()
    active: bool = True


def _options(element: ET.Element, options: Mapping[str, str]) -> None:
    mapping = ET.SubElement(element, "Option", type="Map")
    for name, value in options.items():
        ET.SubElement(mapping, "Option", name=name, type="QString", value=value)


def _data_defined(element: ET.Element, properties: Mapping[str, str]) -> None:
    collection = ET.SubElement(ET.SubElement(element, "data_defined_properties"), "Option", type="Map")
    ET.SubElement(collection, "Option", name="name", type="QString", value="")
    entries = ET.SubElement(collection, "Option", name="properties", type="Map")
    for name, expression in properties.items():
        entry = ET.SubElement(entries, "Option", name=name, type="Map")
        ET.SubElement(entry, "Option", name="active", type="bool", value="true")
        ET.SubElement(entry, "Option", name="expression", type="QString", value=expression)
        ET.SubElement(entry, "Option", name="type", type="int", value="3")  # an expression
    ET.SubElement(collection, "Option", name="type", type="QString", value="collection")


def _symbol(kind: str, name: str, layers: Iterable[ET.Element]) -> ET.Element:
    symbol = ET.Element("symbol", type=kind, name=name, alpha="1", clip_to_extent="1", force_rhr="0")
    for layer in layers:
        symbol.append(layer)
    return symbol


def _symbol_layer(
    kind: str, options: Mapping[str, str], *, data_defined: Mapping[str, str] | None = None
) -> ET.Element:
    layer = ET.Element("layer", attrib={"class": kind, "enabled": "1", "locked": "0", "pass": "0"})
    _options(layer, options)
    _data_defined(layer, data_defined or {})
    return layer


def _pen_style(dash: tuple[float, ...]) -> str:
    """QGIS marker outlines know Qt's pen styles only: short dashes become dots."""
    if not dash:
        return "solid"
    return "dot" if dash[0] <= 2 else "dash"


def _line_dash(dash: tuple[float, ...]) -> dict[str, str]:
    if not dash:
        return {"line_style": "solid", "use_custom_dash": "0"}
    return {
        "line_style": "dash",
        "use_custom_dash": "1",
        "customdash": ";".join(_number(length) for length in dash),
        "customdash_unit": "Pixel",
    }


def radius_expression(style: Style, value: str) -> str:
    """The page's circle radius in pixels (:meth:`Style.radius`) of ``value``, as a QGIS expression."""
    return (
        f"CASE WHEN {value} IS NULL THEN {_number(style.unknown_radius)} "
        f"WHEN {value} = 0 THEN {_number(style.min_radius)} "
        f"ELSE max({_number(style.min_radius)}, min({_number(style.max_radius)}, "
        f"{_number(style.scale)} * sqrt({value}))) END"
    )


def circle_symbol(
    name: str, color: str, look: SiteLook, *, size_expression: str, width_expression: str | None = None
) -> ET.Element:
    """A circle in an actor's colour drawn with one :class:`SiteLook`, its diameter from an expression."""
    options = {
        "name": "circle",
        "color": qgis_color(color, look.fill_opacity),
        "outline_color": qgis_color(color),
        "outline_style": _pen_style(look.dash),
        "outline_width": _number(look.stroke_width),
        "outline_width_unit": "Pixel",
        "size": "10",
        "size_unit": "Pixel",
        "scale_method": "diameter",
        "joinstyle": "bevel",
    }
    data_defined = {"size": f"2 * ({size_expression})"}
    if width_expression:
        data_defined["outlineWidth"] = width_expression
    return _symbol("marker", name, [_symbol_layer("SimpleMarker", options, data_defined=data_defined)])


def _look_rules(style: Style, *, status: str, personnel: str) -> list[tuple[SiteLook, str]]:
    """Each look with the filter that picks it, in the page's order of precedence."""
    status_is, figure = field(status), field(personnel)
    return [
        (style.site_look("withdrawn"), f"{status_is} = 'withdrawn'"),
        (style.site_look("planned"), f"{status_is} = 'planned'"),
        (
            style.site_look("unknown"),
            f"{status_is} NOT IN ('withdrawn', 'planned') AND ({status_is} = 'unknown' OR {figure} IS NULL)",
        ),
        (
            style.site_look("reported"),
            f"{status_is} NOT IN ('withdrawn', 'planned', 'unknown') AND {figure} IS NOT NULL",
        ),
    ]


def _renderer(
    rules: Iterable[Rule], *, key: str, order_by: str | None = None, geometry: str | None = None
) -> ET.Element:
    renderer = ET.Element(
        "renderer-v2",
        type="RuleRenderer",
        symbollevels="0",
        forceraster="0",
        enableorderby="1" if order_by else "0",
    )
    root = ET.SubElement(renderer, "rules", key=f"{key}-root")
    symbols = ET.Element("symbols")

    def add(parent: ET.Element, rule: Rule, path: str) -> None:
        attributes = {"key": f"{key}-{path}", "label": rule.label}
        if rule.filter:
            attributes["filter"] = rule.filter
        if not rule.active:
            attributes["checkstate"] = "0"
        if rule.symbol is not None:
            attributes["symbol"] = str(len(symbols))
            rule.symbol.set("name", attributes["symbol"])
            symbols.append(rule.symbol)
        element = ET.SubElement(parent, "rule", attributes)
        for number, child in enumerate(rule.children):
            add(element, child, f"{path}-{number}")

    for number, rule in enumerate(rules):
        add(root, rule, str(number))
    renderer.append(symbols)
    if order_by:
        clauses = ET.SubElement(renderer, "orderby")
        clause = ET.SubElement(clauses, "orderByClause", asc="0", nullsFirst="0")
        clause.text = order_by
    return renderer


def _labeling(
    expression: str, style: Style, *, filter_expression: str | None = None, areas: bool = False
) -> ET.Element:
    """Rule-based labels: dark text with a white halo.

    Points are labelled to their right; area labels sit on the area's centre
    and never push a point's label away.
    """
    labeling = ET.Element("labeling", type="rule-based")
    rules = ET.SubElement(labeling, "rules", key="labels-root")
    attributes = {"key": "labels-0", "description": "names"}
    if filter_expression:
        attributes["filter"] = filter_expression
    settings = ET.SubElement(ET.SubElement(rules, "rule", attributes), "settings", calloutType="simple")
    text_style = ET.SubElement(
        settings,
        "text-style",
        fieldName=expression,
        isExpression="1",
        fontSize="7" if areas else "8",
        fontSizeUnit="Point",
        fontItalic="1" if areas else "0",
        textColor=qgis_color(style.border_color if areas else style.label_color),
        textOpacity="1",
        fontWeight="50",
    )
    ET.SubElement(
        text_style,
        "text-buffer",
        bufferDraw="1",
        bufferSize="0.8",
        bufferSizeUnits="MM",
        bufferColor="255,255,255,255",
        bufferOpacity="0.8",
        bufferNoFill="1",
    )
    if areas:  # over the centre, horizontal
        ET.SubElement(settings, "placement", placement="1", priority="2")
    else:
        # As the page does: right of the point, a few pixels off, in one place only.  With
        # a single position, the same name for two actors at one place collides with
        # itself and is drawn once (an aggregate to pick one is far slower in QGIS).
        ET.SubElement(
            settings,
            "placement",
            placement="1",
            quadOffset="5",
            xOffset=_number(style.label_offset),
            yOffset="0",
            offsetUnits="Pixel",
            priority="8",
        )
    ET.SubElement(settings, "rendering", obstacle="0" if areas else "1", displayAll="0", upsidedownLabels="0")
    return labeling


def _document(renderer: ET.Element, *, labeling: ET.Element | None = None) -> str:
    root = ET.Element(
        "qgis",
        version=QGIS_VERSION,
        styleCategories="AllStyleCategories",
        labelsEnabled="1" if labeling is not None else "0",
    )
    root.append(renderer)
    if labeling is not None:
        root.append(labeling)
    ET.indent(root, space=" ")
    # ElementTree escapes markup but passes control characters through; XML forbids them.
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + xml_text(
        ET.tostring(root, encoding="unicode")
    )


def sites_style(data: PostureData, *, style: Style = DEFAULT_STYLE) -> str:
    """QML for the sites layer: the last phase on, circles by actor, size and status, names."""
    scenario = data.scenario
    style = style.for_sites(most_sites_in_a_phase(data.sites))
    colors = style.actor_colors(scenario.actors)
    size = radius_expression(style, field("personnel"))
    width_by_kind = {
        look.name: (
            f"CASE WHEN {field('kind')} = 'country' THEN {_number(style.country_site_stroke_width)} "
            f"ELSE {_number(look.stroke_width)} END"
        )
        for look in style.site_looks
    }
    last = len(scenario.phases) - 1
    phase_rules = []
    for number, phase in enumerate(scenario.phases):
        actor_rules = []
        for actor in scenario.actors:
            looks = tuple(
                Rule(
                    look.name,
                    chosen,
                    circle_symbol(
                        "",
                        colors[actor.id],
                        look,
                        size_expression=size,
                        width_expression=width_by_kind[look.name],
                    ),
                )
                for look, chosen in _look_rules(style, status="status", personnel="personnel")
            )
            actor_rules.append(
                Rule(actor.name, f"{field('actor')} = {expression_literal(actor.id)}", None, looks)
            )
        phase_rules.append(
            Rule(
                f"{phase.label} ({phase.date.isoformat()})",
                f"{field('phase')} = {expression_literal(phase.id)}",
                None,
                tuple(actor_rules),
                active=number == last,
            )
        )
    # QGIS labels only the sites it draws, so the names follow the phases switched on.
    labels = _labeling(field("name"), style)
    return _document(_renderer(phase_rules, key="sites", order_by=size), labeling=labels)


def movements_style(data: PostureData, *, style: Style = DEFAULT_STYLE) -> str:
    """QML for movements: a line per actor with an arrowhead at the destination; withdrawals dashed."""
    colors = style.actor_colors(data.scenario.actors)
    rules = []
    for actor in data.scenario.actors:
        color = colors[actor.id]
        children = []
        for label, chosen, dash in (
            ("withdrawal", f"{field('kind')} = 'withdrawal'", style.withdrawal_dash),
            ("arrival, relocation, other", f"{field('kind')} IS NULL OR {field('kind')} <> 'withdrawal'", ()),
        ):
            line = _symbol_layer(
                "SimpleLine",
                {
                    "line_color": qgis_color(color, style.movement_opacity),
                    "line_width": _number(style.movement_width),
                    "line_width_unit": "Pixel",
                    "capstyle": "round",
                    "joinstyle": "round",
                    **_line_dash(dash),
                },
            )
            arrow = _symbol_layer(
                "MarkerLine",
                {"placement": "lastvertex", "placements": "LastVertex", "rotate": "1", "interval": "3"},
            )
            head = _symbol_layer(
                "SimpleMarker",
                {
                    "name": "filled_arrowhead",
                    "color": qgis_color(color, 0.9),
                    "outline_color": qgis_color(color),
                    "outline_width": "1",
                    "outline_width_unit": "Pixel",
                    "size": _number(5 * style.movement_width),
                    "size_unit": "Pixel",
                },
            )
            # A marker line draws its marker with a sub-symbol, which QGIS reads from inside the layer.
            arrow.insert(1, _symbol("marker", "@0@1", [head]))
            children.append(Rule(label, chosen, _symbol("line", "", [line, arrow])))
        rules.append(
            Rule(actor.name, f"{field('actor')} = {expression_literal(actor.id)}", None, tuple(children))
        )
    return _document(_renderer(rules, key="movements"))


def countries_style(data: PostureData, *, style: Style = DEFAULT_STYLE) -> str:
    """QML for countries: shaded by total personnel in the last phase, in the page's classes."""
    phase = data.scenario.phases[-1]
    value = f"coalesce({field(phase_column(phase.id))}, 0)"
    bounds = [None, *style.shading_steps, None]
    rules = []
    for number, color in enumerate(style.shading_colors):
        low, high = bounds[number], bounds[number + 1]
        conditions = [
            f"{value} > {low}" if low is not None else None,
            f"{value} <= {high}" if high is not None else None,
        ]
        label = (
            f"up to {high:,}"
            if low is None
            else f"over {low:,}"
            if high is None
            else f"{low + 1:,} to {high:,}"
        )
        fill = _symbol_layer(
            "SimpleFill",
            {
                "color": qgis_color(color, style.shading_opacity),
                "style": "solid",
                "outline_color": qgis_color(style.shading_border_color),
                "outline_style": "solid",
                "outline_width": "1",
                "outline_width_unit": "Pixel",
            },
        )
        rules.append(
            Rule(
                f"{label} personnel ({phase.label})",
                " AND ".join(condition for condition in conditions if condition),
                _symbol("fill", "", [fill]),
            )
        )
    # No labels: on the page a country's name is a tooltip, and here it would crowd the sites' names.
    return _document(_renderer(rules, key="countries"))


def regions_style(data: PostureData, *, style: Style = DEFAULT_STYLE) -> str:
    """QML for regions: translucent fill with a dashed outline in the region colour."""
    fill = _symbol_layer(
        "SimpleFill",
        {
            "color": qgis_color(style.region_color, style.region_fill_opacity),
            "style": "solid",
            "outline_color": qgis_color(style.region_color),
            "outline_style": _pen_style(style.region_dash),
            "outline_width": _number(style.region_stroke_width),
            "outline_width_unit": "Pixel",
        },
    )
    return _document(_renderer([Rule("region", None, _symbol("fill", "", [fill]))], key="regions"))


def changes_style(data: PostureData, *, style: Style = DEFAULT_STYLE) -> str:
    """QML for changes: by actor, sized by the figure after (before when withdrawn), hollow when withdrawn."""
    colors = style.actor_colors(data.scenario.actors)
    size = radius_expression(
        style,
        f"(CASE WHEN {field('change')} = 'withdrawn' THEN {field('before_personnel')} "
        f"ELSE {field('after_personnel')} END)",
    )
    rules = []
    for actor in data.scenario.actors:
        children = (
            Rule(
                "withdrawn",
                f"{field('change')} = 'withdrawn'",
                circle_symbol("", colors[actor.id], style.site_look("withdrawn"), size_expression=size),
            ),
            Rule(
                "unknown",
                f"{field('change')} = 'unknown'",
                circle_symbol("", colors[actor.id], style.site_look("unknown"), size_expression=size),
            ),
            Rule(
                "new, reduced, increased, unchanged",
                f"{field('change')} NOT IN ('withdrawn', 'unknown')",
                circle_symbol("", colors[actor.id], style.site_look("reported"), size_expression=size),
            ),
        )
        rules.append(Rule(actor.name, f"{field('actor')} = {expression_literal(actor.id)}", None, children))
    labels = _labeling(f"{field('name')} || ': ' || {field('change')}", style)
    return _document(_renderer(rules, key="changes", order_by=size), labeling=labels)


def places_style(data: PostureData, *, style: Style = DEFAULT_STYLE) -> str:
    """QML for places: a small grey dot with the place's name."""
    dot = circle_symbol("", "#555555", style.site_look("reported"), size_expression="2")
    return _document(
        _renderer([Rule("place", None, dot)], key="places"), labeling=_labeling(field("name"), style)
    )


STYLES = {
    "sites": sites_style,
    "movements": movements_style,
    "regions": regions_style,
    "changes": changes_style,
    "countries": countries_style,
    "places": places_style,
}


def layer_styles(
    data: PostureData, layers: Mapping[str, gpd.GeoDataFrame], *, style: Style = DEFAULT_STYLE
) -> dict[str, str]:
    """A QML style for each of ``layers`` (by name), for the GeoPackage's ``layer_styles`` table.

    Raises
    ------
    KeyError
        When a layer has no style here (the message lists those that do).
    """
    missing = sorted(set(layers) - set(STYLES))
    if missing:
        msg = f"no QGIS style for layers {', '.join(missing)}; styled layers: {', '.join(STYLES)}"
        raise KeyError(msg)
    return {name: STYLES[name](data, style=style) for name in layers}
