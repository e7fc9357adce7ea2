"""Google Earth: the sites and movements of each phase as KML folders with time spans.

:func:`write_kml` writes ``posture.kml``: each phase is a Folder; each
placemark has a TimeSpan from its phase's date to the next phase's (the last is
open-ended), so Google Earth's time slider steps through the phases; its
balloon holds what the page's popup holds; its style (icon, colour, size)
follows its actor and status; its fields (actor, phase, status, figures) are
ExtendedData under a Schema, which GDAL reads as a layer's fields.

The document is written as text, one pass over each phase's rows: GDAL's
LIBKML driver, which wrote it before, took over 2 s for 10,000 sites.  Every
scenario value is XML-escaped (and stripped of characters XML cannot hold)
where it is written; the balloon's HTML goes into a CDATA section.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from html import escape
from pathlib import Path

from posturemap.geo.export import json_value, xml_text
from posturemap.geo.join import PostureData, records
from posturemap.geo.personnel import Personnel

from .selection import most_sites_in_a_phase
from .style import DEFAULT_STYLE, Style

#: Google Earth's own icons (it loads them, as it loads its imagery), by site look.
ICONS = {
    "reported": "https://maps.google.com/mapfiles/kml/shapes/placemark_circle.png",
    "unknown": "https://maps.google.com/mapfiles/kml/shapes/open-diamond.png",
    "withdrawn": "https://maps.google.com/mapfiles/kml/shapes/donut.png",
    "planned": "https://maps.google.com/mapfiles/kml/shapes/target.png",
}
#: The icons are 32 px wide at scale 1.
ICON_PIXELS = 32
#: Each placemark's fields (ExtendedData), with their KML types, in Schema order.
FIELDS = (
    ("placemark_kind", "string"),
    ("actor", "string"),
    ("phase", "string"),
    ("status", "string"),
    ("personnel", "int"),
    ("personnel_text", "string"),
    ("personnel_min", "int"),
    ("personnel_max", "int"),
)
#: The TimeSpan's fields as GDAL reads them back, with
#: ``--config LIBKML_BEGIN_FIELD time_begin --config LIBKML_END_FIELD time_end``
#: (LIBKML's own names, begin and end, are SQL reserved words).
TIME_FIELDS = ("time_begin", "time_end")
#: KML coordinates keep six decimals (about 10 cm), as the GeoJSON does.
PRECISION = 6


def site_look(status: str, personnel) -> str:
    """The name of a site's look, as the page picks it (:meth:`Style.site_look_for`)."""
    return DEFAULT_STYLE.site_look_for(status, json_value(personnel)).name


def _kml_color(hex_color: str, opacity: float = 1.0) -> str:
    """KML's colour: alpha, blue, green, red, from ``#rrggbb`` and an opacity."""
    red, green, blue = hex_color[1:3], hex_color[3:5], hex_color[5:7]
    return f"{round(255 * opacity):02x}{blue}{green}{red}".lower()


def _cdata(html: str) -> str:
    """The balloon's HTML as a CDATA section: already escaped, it needs no second pass.

    A ``]]>`` inside (which escaped text cannot make, but the rule is XML's) is
    split across two sections.
    """
    return "<![CDATA[" + html.replace("]]>", "]]]]><![CDATA[>") + "]]>"


@lru_cache(maxsize=8192)
def _field_text(value: str) -> str:
    """A field's value as XML text; fields repeat (actors, phases, statuses, counts), so remembered."""
    return _xml(value)


def _xml(value) -> str:
    """A value as XML text: escaped, and only characters XML can hold."""
    return escape(xml_text(str(value)), quote=False)


def _count(value) -> int | None:
    value = json_value(value)
    return None if value is None else int(value)


def _range_text(row: dict) -> str:
    return Personnel(
        None, _count(row["personnel_min"]), _count(row["personnel_max"]), _count(row["personnel"])
    ).describe_range()


def _text(value) -> str:
    """Scenario text as HTML text: escaped, and only characters XML can hold."""
    return _html_text(str(value))


@lru_cache(maxsize=8192)
def _html_text(text: str) -> str:
    # Remembered: a balloon's headings, statuses, phases and wordings repeat.
    return escape(xml_text(text), quote=True)


class _Citations:
    """Each source reference as a balloon list item, made once per reference."""

    def __init__(self, data: PostureData):
        self.scenario = data.scenario
        self.made: dict[str, str] = {}

    def __call__(self, reference: str) -> str:
        item = self.made.get(reference)
        if item is None:
            item = self.made[reference] = self._item(reference)
        return item

    def _item(self, reference: str) -> str:
        source_id, _, anchor = reference.partition("#")
        source = self.scenario.source(source_id)
        extra = [
            source.publisher,
            source.date.isoformat() if source.date else None,
            f"¶{anchor}" if anchor else None,
        ]
        details = ", ".join(part for part in extra if part)
        details = _text(f" ({details})") if details else ""
        if source.url:
            return f'<li><a href="{_text(source.url)}">{_text(source.title)}</a>{details}</li>'
        return f"<li>{_text(source.title)}{details}</li>"


def balloon(row: dict, data: PostureData, *, title: str, citations: _Citations | None = None) -> str:
    """The popup's content as HTML: figure as reported, derived range, status, note, sources with links.

    Every value is escaped (it is also well-formed XML, which Google Earth and
    the tests parse); the KML library escapes the whole again as KML text.
    """
    cite = citations or _Citations(data)
    reported = json_value(row["personnel_text"])
    lines = [
        ("Reported", reported if reported is not None else "no figure in the sources"),
        ("Derived range", _range_text(row)),
    ]
    if "status" in row:
        lines.append(("Status", row["status"]))
    lines.append(("Phase", row["phase_label"]))
    parts = [f"<div><h3>{_text(title)}</h3><table>"]
    parts += [
        f'<tr><th align="left">{_text(label)}</th><td>{_text(value)}</td></tr>' for label, value in lines
    ]
    parts.append("</table>")
    figures = row.get("figures") or []
    if len(figures) > 1:
        parts.append("<p>Figures by report:</p><ul>")
        parts += [f"<li>{_text(figure)}</li>" for figure in figures]
        parts.append("</ul>")
    note = json_value(row.get("note"))
    if note:
        parts.append(f"<p>{_text(note)}</p>")
    parts.append("<p>Sources:</p><ul>")
    parts += [cite(str(reference)) for reference in row["sources"]]
    parts.append("</ul></div>")
    return "".join(parts)


#: Rows turned into placemarks at a time, so a large scenario never sits in
#: memory as one document.
CHUNK_ROWS = 10_000


def write_kml(data: PostureData, path: Path, *, style: Style = DEFAULT_STYLE) -> Path:
    """Write ``posture.kml``: a Folder per phase, in phase order, :data:`CHUNK_ROWS` placemarks at a time."""
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for part in _kml_parts(data, style=style):
            out.write(part)
    return path


def kml_document(data: PostureData, *, style: Style = DEFAULT_STYLE) -> str:
    """The whole KML document as text."""
    return "".join(_kml_parts(data, style=style))


def _kml_parts(data: PostureData, *, style: Style) -> Iterator[str]:
    scenario = data.scenario
    style = style.for_sites(most_sites_in_a_phase(data.sites))
    colors = style.actor_colors(scenario.actors)
    citations = _Citations(data)
    phases = list(scenario.phases)
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">\n'
        f'<Document id="root_doc">\n<name>{_xml(scenario.title)}</name>\n'
    )
    fields = "".join(f'<SimpleField name="{name}" type="{kind}"/>' for name, kind in FIELDS)
    yield "".join(f'<Schema id="{_xml(phase.id)}.schema">{fields}</Schema>\n' for phase in phases)
    for number, phase in enumerate(phases):
        end = phases[number + 1].date if number + 1 < len(phases) else None
        span = f"<TimeSpan><begin>{phase.date.isoformat()}</begin>"
        span += f"<end>{end.isoformat()}</end></TimeSpan>" if end else "</TimeSpan>"
        folder = _xml(phase.id)
        yield f'<Folder id="{folder}">\n<name>{_xml(f"{phase.label} ({phase.date.isoformat()})")}</name>\n'
        index = 0
        for kind, frame in (("site", data.sites), ("movement", data.movements)):
            in_phase = frame[frame["phase"] == phase.id]
            for start in range(0, len(in_phase), CHUNK_ROWS):
                placemarks = []
                for row in records(in_phase.iloc[start : start + CHUNK_ROWS]):
                    index += 1
                    if kind == "site":
                        title, look = f"{row['actor_name']} at {row['name']}", _site_style(row, style, colors)
                    else:
                        title = f"{row['actor_name']} {row['kind']}: {row['from_name']} → {row['to_name']}"
                        look = _movement_style(row, style, colors)
                    popup = _cdata(balloon(row, data, title=title, citations=citations))
                    placemarks.append(
                        f'<Placemark id="{folder}.{index}"><name>{_xml(title)}</name>'
                        f"<description>{popup}</description>"
                        f"{span}{look}"
                        f'<ExtendedData><SchemaData schemaUrl="#{folder}.schema">{_simple_data(row, kind)}'
                        f"</SchemaData></ExtendedData>{_geometry(row['geometry'])}</Placemark>\n"
                    )
                yield "".join(placemarks)
        yield "</Folder>\n"
    yield "</Document>\n</kml>\n"


def _simple_data(row: dict, kind: str) -> str:
    values = {**row, "placemark_kind": kind}
    data = []
    for name, _ in FIELDS:
        value = json_value(values.get(name))
        if value is not None:
            data.append(f'<SimpleData name="{name}">{_field_text(str(value))}</SimpleData>')
    return "".join(data)


def _coordinates(coordinates) -> str:
    return " ".join(f"{round(x, PRECISION)!r},{round(y, PRECISION)!r}" for x, y, *_ in coordinates)


def _geometry(geometry) -> str:
    if geometry.geom_type == "Point":
        return f"<Point><coordinates>{_coordinates(geometry.coords)}</coordinates></Point>"
    line = _coordinates(geometry.coords)
    return f"<LineString><tessellate>1</tessellate><coordinates>{line}</coordinates></LineString>"


def _site_style(row: dict, style: Style, colors: dict[str, str]) -> str:
    """A site's Style: the icon of its look, its actor's colour, its size."""
    look = style.site_look(site_look(row["status"], row["personnel"]))
    radius = style.radius(json_value(row["personnel"]))
    color = _kml_color(colors[row["actor"]], min(max(look.fill_opacity, 0.45) + 0.4, 1.0))
    return (
        f"<Style><IconStyle><color>{color}</color><scale>{2 * radius / ICON_PIXELS:.2f}</scale>"
        f"<Icon><href>{ICONS[look.name]}</href></Icon></IconStyle>"
        f"<LabelStyle><color>{_kml_color(style.label_color)}</color></LabelStyle></Style>"
    )


def _movement_style(row: dict, style: Style, colors: dict[str, str]) -> str:
    """A movement's Style: its actor's colour (KML draws no dashes; ``kind`` tells a withdrawal)."""
    color = _kml_color(colors[row["actor"]], style.movement_opacity)
    return (
        f"<Style><LineStyle><color>{color}</color><width>{style.movement_width:g}</width></LineStyle></Style>"
    )
