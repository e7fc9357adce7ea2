"""The movements layer: geodesic lines with an arrowhead at the destination."""

from __future__ import annotations

import math

import geopandas as gpd

from posturemap.geo.export import json_value

from .elements import DataLayer, PageContext, personnel_columns


def _arrowhead(coords: list[tuple[float, float]], *, size_deg: float = 0.6) -> list[list[float]]:
    """A small triangle at the line's end, pointing along its last segment, as [lat, lon]."""
    (x0, y0), (x1, y1) = coords[-2], coords[-1]
    angle = math.atan2(y1 - y0, (x1 - x0) * math.cos(math.radians(y1)))
    left, right = angle + math.radians(155), angle - math.radians(155)

    def corner(theta: float) -> list[float]:
        return [
            round(y1 + size_deg * math.sin(theta), 5),
            round(x1 + size_deg * math.cos(theta) / max(math.cos(math.radians(y1)), 0.2), 5),
        ]

    return [[round(y1, 5), round(x1, 5)], corner(left), corner(right)]


def encode_movements(movements: gpd.GeoDataFrame, *, context: PageContext) -> dict:
    lines, heads = [], []
    for geometry in movements.geometry:
        coords = list(geometry.coords)
        lines.append([[round(lat, 5), round(lon, 5)] for lon, lat in coords])
        heads.append(_arrowhead(coords))
    return {
        "lines": lines,
        "heads": heads,
        "actor": [context.actor_index[actor] for actor in movements["actor"]],
        "from": list(movements["from_name"]),
        "to": list(movements["to_name"]),
        "phase": list(movements["phase_label"]),
        "kind": list(movements["kind"]),
        **personnel_columns(movements),
        "text": [json_value(v) for v in movements["personnel_text"]],
        "km": [float(v) for v in movements["distance_km"]],
        "note": [json_value(v) for v in movements["note"]],
        "sources": [list(v) for v in movements["sources"]],
    }


def movements_layer(
    movements: gpd.GeoDataFrame,
    *,
    context: PageContext,
    name: str = "Movements",
    show: bool = True,
) -> DataLayer:
    """Movements as an overlay: dashed lines are withdrawals, solid ones arrivals and relocations."""
    return DataLayer(
        "addMovements",
        encode_movements(movements, context=context),
        context,
        name=name,
        overlay=True,
        show=show,
    )
