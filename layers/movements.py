"""The movements layer: geodesic lines with an arrowhead at the destination.

A movement whose far end lies well outside the page's first view (see
:mod:`.view`) is cut where it leaves the area and named at the cut: "to
United States", "from Russia".
"""

from __future__ import annotations

import math

import geopandas as gpd

from posturemap.geo.export import json_value

from .elements import DataLayer, PageContext, personnel_columns
from .view import FirstView, cut_movement


def _arrowhead(coords: list[tuple[float, float]], *, size_deg: float) -> list[list[float]]:
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


def encode_movements(movements: gpd.GeoDataFrame, *, context: PageContext, view: FirstView) -> dict:
    """Movements as columns; ``far`` holds, for a cut line, the label at its cut end."""
    west, south, east, north = view.fit
    head_size = min(0.6, max(0.04, 0.025 * max(east - west, north - south)))
    lines, heads, far = [], [], []
    for geometry, from_name, to_name in zip(
        movements.geometry, movements["from_name"], movements["to_name"], strict=True
    ):
        line, start_far, end_far = cut_movement(geometry, view)
        coords = list(line.coords)
        lines.append([[round(lat, 5), round(lon, 5)] for lon, lat in coords])
        heads.append(_arrowhead(coords, size_deg=head_size))
        if start_far != end_far:
            lon, lat = coords[0] if start_far else coords[-1]
            text = f"from {from_name}" if start_far else f"to {to_name}"
            far.append({"text": text, "lat": round(lat, 5), "lon": round(lon, 5)})
        else:
            far.append(None)
    return {
        "lines": lines,
        "heads": heads,
        "far": far,
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
    view: FirstView,
    name: str = "Movements",
    show: bool = True,
) -> DataLayer:
    """One phase's movements: dashed lines are withdrawals, solid ones arrivals and relocations.

    Parameters
    ----------
    movements : GeoDataFrame
        The movements of one phase (a page shows a movement in its own phase only).
    view : FirstView
        Decides which ends are far, and where their lines are cut.
    """
    return DataLayer(
        "addMovements",
        encode_movements(movements, context=context, view=view),
        context,
        name=name,
        overlay=True,
        show=show,
        control=False,
    )
