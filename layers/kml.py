"""Google Earth: the sites and movements of each phase as KML folders with time spans.

:func:`kml_folders` makes one frame per phase, which
:func:`posturemap.geo.export.write_kml` writes through GDAL's LIBKML driver:
each phase is a Folder; each placemark has a TimeSpan from its phase's date to
the next phase's (the last is open-ended), so Google Earth's time slider steps
through the phases; its balloon holds what the page's popup holds; its style
(icon, colour, size) follows its actor and status.  The balloon HTML is built
with ElementTree, so scenario text is escaped there, and again by the KML
library.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import geopandas as gpd
import pandas as pd

from posturemap.geo.export import json_value
from posturemap.geo.join import PostureData, records
from posturemap.geo.personnel import Personnel

from .sites import most_sites_in_a_phase
from .style import DEFAULT_STYLE, Style

#: Google Earth's own icons (it loads them, as it loads its imagery), by site look.
ICONS = {
    "reported": "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png",
    "unknown": "http://maps.google.com/mapfiles/kml/shapes/open-diamond.png",
    "withdrawn": "http://maps.google.com/mapfiles/kml/shapes/donut.png",
    "planned": "http://maps.google.com/mapfiles/kml/shapes/target.png",
}
#: The icons are 32 px wide at scale 1.
ICON_PIXELS = 32


def site_look(status: str, personnel) -> str:
    """The look of a site, with the page's precedence: withdrawn, planned, unknown, reported."""
    if status in ("withdrawn", "planned"):
        return status
    return "unknown" if status == "unknown" or json_value(personnel) is None else "reported"


def _ogr_color(hex_color: str, opacity: float = 1.0) -> str:
    return f"{hex_color}{round(255 * opacity):02x}"


def _range_text(row: dict) -> str:
    def count(value):
        value = json_value(value)
        return None if value is None else int(value)

    estimate = count(row["personnel"])
    return Personnel(
        None, count(row["personnel_min"]), count(row["personnel_max"]), estimate
    ).describe_range()


def balloon(row: dict, data: PostureData, *, title: str) -> str:
    """The popup's content as HTML: figure as reported, derived range, status, note, sources with links."""
    box = ET.Element("div")
    ET.SubElement(box, "h3").text = title
    table = ET.SubElement(box, "table")
    reported = json_value(row["personnel_text"])
    lines = [
        ("Reported", reported if reported is not None else "no figure in the sources"),
        ("Derived range", _range_text(row)),
    ]
    if "status" in row:
        lines.append(("Status", row["status"]))
    lines.append(("Phase", row["phase_label"]))
    for label, value in lines:
        cells = ET.SubElement(table, "tr")
        ET.SubElement(cells, "th", align="left").text = label
        ET.SubElement(cells, "td").text = str(value)
    figures = row.get("figures") or []
    if len(figures) > 1:
        ET.SubElement(box, "p").text = "Figures by report:"
        listed = ET.SubElement(box, "ul")
        for figure in figures:
            ET.SubElement(listed, "li").text = str(figure)
    note = json_value(row.get("note"))
    if note:
        ET.SubElement(box, "p").text = str(note)
    ET.SubElement(box, "p").text = "Sources:"
    cited = ET.SubElement(box, "ul")
    for reference in row["sources"]:
        source_id, _, anchor = str(reference).partition("#")
        source = data.scenario.source(source_id)
        item = ET.SubElement(cited, "li")
        extra = [
            source.publisher,
            source.date.isoformat() if source.date else None,
            f"¶{anchor}" if anchor else None,
        ]
        details = ", ".join(part for part in extra if part)
        details = f" ({details})" if details else ""
        if source.url:
            link = ET.SubElement(item, "a", href=source.url)
            link.text, link.tail = source.title, details
        else:
            item.text = source.title + details
    return ET.tostring(box, encoding="unicode", method="html")


def kml_folders(
    data: PostureData, *, style: Style = DEFAULT_STYLE
) -> dict[str, tuple[str, gpd.GeoDataFrame]]:
    """One frame per phase, by phase id: ``(folder name, placemarks)``, in phase order.

    Each placemark has ``name``, ``description`` (HTML), ``time_begin`` and
    ``time_end`` (its TimeSpan), ``OGR_STYLE`` (GDAL's style string, written as
    the placemark's Style) and the site's or movement's own fields.
    """
    scenario = data.scenario
    style = style.for_sites(most_sites_in_a_phase(data.sites))
    colors = style.actor_colors(scenario.actors)
    phases = list(scenario.phases)
    folders = {}
    for number, phase in enumerate(phases):
        begin = phase.date
        end = phases[number + 1].date if number + 1 < len(phases) else None
        rows = []
        for row in records(data.sites[data.sites["phase"] == phase.id]):
            look = style.site_look(site_look(row["status"], row["personnel"]))
            radius = style.radius(json_value(row["personnel"]))
            color = colors[row["actor"]]
            symbol = (
                f'SYMBOL(id:"{ICONS[look.name]}",c:{_ogr_color(color, max(look.fill_opacity, 0.45) + 0.4)},'
                f"s:{2 * radius / ICON_PIXELS:.2f});LABEL(c:{_ogr_color(style.label_color)})"
            )
            title = f"{row['actor_name']} at {row['name']}"
            rows.append(
                _placemark(row, data, title=title, begin=begin, end=end, ogr_style=symbol, kind="site")
            )
        for row in records(data.movements[data.movements["phase"] == phase.id]):
            color = colors[row["actor"]]
            dash = style.withdrawal_dash if row["kind"] == "withdrawal" else ()
            pattern = f',p:"{" ".join(f"{length:g}px" for length in dash)}"' if dash else ""
            pen = f"PEN(c:{_ogr_color(color, style.movement_opacity)},w:{style.movement_width:g}px{pattern})"
            title = f"{row['actor_name']} {row['kind']}: {row['from_name']} → {row['to_name']}"
            rows.append(
                _placemark(row, data, title=title, begin=begin, end=end, ogr_style=pen, kind="movement")
            )
        columns = [
            "name",
            "description",
            "time_begin",
            "time_end",
            "OGR_STYLE",
            "placemark_kind",
            "actor",
            "phase",
        ]
        columns += ["status", "personnel", "personnel_text", "personnel_min", "personnel_max", "geometry"]
        frame = gpd.GeoDataFrame(pd.DataFrame(rows, columns=columns), geometry="geometry", crs=data.sites.crs)
        for column in ("personnel", "personnel_min", "personnel_max"):
            frame[column] = pd.array(frame[column], dtype="Int64")
        folders[phase.id] = (f"{phase.label} ({phase.date.isoformat()})", frame)
    return folders


def _placemark(row: dict, data: PostureData, *, title: str, begin, end, ogr_style: str, kind: str) -> dict:
    return {
        "name": title,
        "description": balloon(row, data, title=title),
        "time_begin": begin,
        "time_end": end,
        "OGR_STYLE": ogr_style,
        "placemark_kind": kind,
        "actor": row["actor"],
        "phase": row["phase"],
        "status": row.get("status"),
        "personnel": row["personnel"],
        "personnel_text": row["personnel_text"],
        "personnel_min": row["personnel_min"],
        "personnel_max": row["personnel_max"],
        "geometry": row["geometry"],
    }
