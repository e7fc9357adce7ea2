"""Labels on the static map: place names with their figures, and country names, covering nothing.

A label takes the first spot, nearest its circle first, where it covers no
other label, no circle and no reserved box (the scale bar, the corner note).
Circles are found through a grid of display cells, and every spot for one
label is tried at once with numpy, so a label costs the same among 20 or
200,000 circles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from posturemap.geo.export import json_value

from .static_marks import Circles
from .style import Style

_LABEL_SIZE = 7.5
#: Grid cells for finding circles near a box, in display pixels.
_CELL = 32.0


@dataclass(frozen=True)
class Box:
    """A rectangle in display pixels."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def inside(self, other: Box) -> bool:
        return self.x0 >= other.x0 and self.y0 >= other.y0 and self.x1 <= other.x1 and self.y1 <= other.y1

    def grow(self, by: float) -> Box:
        return Box(self.x0 - by, self.y0 - by, self.x1 + by, self.y1 + by)

    def room(self) -> Box:
        """This text box with a margin for other renderers: a browser sets the SVG's text
        with unhinted advances, some 5% wider than Agg's measure."""
        extra_x, extra_y = _room(self.x1 - self.x0)
        return Box(self.x0 - extra_x, self.y0 - extra_y, self.x1 + extra_x, self.y1 + extra_y)


def _room(width):
    return 3.0 + 0.05 * width, 3.0


def box_of(artist, renderer) -> Box:
    extent = artist.get_window_extent(renderer)
    return Box(extent.x0, extent.y0, extent.x1, extent.y1)


class CircleIndex:
    """The circles of a panel in a grid of display cells, to test boxes against the few nearby."""

    def __init__(self, circles: Circles) -> None:
        self.count = len(circles)
        if not self.count:
            return
        column = np.floor(circles.x / _CELL).astype(np.int64)
        row = np.floor(circles.y / _CELL).astype(np.int64)
        self.first_column, self.first_row = int(column.min()), int(row.min())
        self.columns = int(column.max()) - self.first_column + 1
        self.rows = int(row.max()) - self.first_row + 1
        key = (column - self.first_column) * self.rows + (row - self.first_row)
        order = np.argsort(key, kind="stable")
        self.keys = key[order]
        self.x, self.y, self.radius = circles.x[order], circles.y[order], circles.radius[order]
        self.reach = float(circles.radius.max())

    def near(self, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
        """Indices of the circles that may touch the rectangle."""
        if not self.count:
            return np.zeros(0, dtype=np.int64)
        column0 = max(math.floor((x0 - self.reach) / _CELL) - self.first_column, 0)
        column1 = min(math.floor((x1 + self.reach) / _CELL) - self.first_column, self.columns - 1)
        row0 = max(math.floor((y0 - self.reach) / _CELL) - self.first_row, 0)
        row1 = min(math.floor((y1 + self.reach) / _CELL) - self.first_row, self.rows - 1)
        if column0 > column1 or row0 > row1:
            return np.zeros(0, dtype=np.int64)
        starts = np.arange(column0, column1 + 1) * self.rows
        low = np.searchsorted(self.keys, starts + row0, side="left")
        high = np.searchsorted(self.keys, starts + row1, side="right")
        return np.concatenate([np.arange(a, b) for a, b in zip(low, high, strict=True)])

    def hit(self, boxes: np.ndarray) -> np.ndarray:
        """For each box (rows of x0, y0, x1, y1), whether it covers part of a circle."""
        if not self.count or not len(boxes):
            return np.zeros(len(boxes), dtype=bool)
        nearby = self.near(*boxes[:, 0:2].min(axis=0), *boxes[:, 2:4].max(axis=0))
        if not len(nearby):
            return np.zeros(len(boxes), dtype=bool)
        x, y, radius = self.x[nearby], self.y[nearby], self.radius[nearby]
        nearest_x = np.clip(x[None, :], boxes[:, 0:1], boxes[:, 2:3])
        nearest_y = np.clip(y[None, :], boxes[:, 1:2], boxes[:, 3:4])
        # A spot next to a circle touches it exactly: only a real overlap counts, not rounding.
        return ((nearest_x - x) ** 2 + (nearest_y - y) ** 2 < radius**2 - 1e-6).any(axis=1)


def _overlapping(boxes: np.ndarray, others: list[Box]) -> np.ndarray:
    """For each box, whether it overlaps one of ``others``."""
    if not others:
        return np.zeros(len(boxes), dtype=bool)
    taken = np.array([(box.x0, box.y0, box.x1, box.y1) for box in others])
    return (
        (boxes[:, 0:1] < taken[:, 2])
        & (taken[:, 0] < boxes[:, 2:3])
        & (boxes[:, 1:2] < taken[:, 3])
        & (taken[:, 1] < boxes[:, 3:4])
    ).any(axis=1)


def _site_words(status: str, personnel: int | None, text: str | None) -> str:
    """What a label says about one site: the figure as reported, or its status."""
    if status == "withdrawn":
        return "withdrawn"
    if status == "planned":
        return f"planned, {text}" if text else "planned"
    if personnel is None or status == "unknown":
        return "no figure reported"
    return text or f"{personnel:,}"


def _label_text(rows, actors_shown: int) -> str:
    """A place's name, then its figure per actor (none with ``actors_shown`` 0)."""
    lines = [rows["name"].iloc[0]]
    if actors_shown == 0:
        return lines[0]
    for actor_name, status, personnel, text in zip(
        rows["actor_name"], rows["status"], rows["personnel"], rows["personnel_text"], strict=True
    ):
        words = _site_words(status, json_value(personnel), json_value(text))
        lines.append(f"{actor_name}: {words}" if actors_shown > 1 else words)
    return "\n".join(lines)


def _directions() -> list[np.ndarray]:
    """Unit directions tried on each ring: 8 touching the circle, then 20 on the farther rings."""
    near = [(1, 0), (-1, 0), (1, 1), (-1, 1), (1, -1), (-1, -1), (0, 1), (0, -1)]
    more = [(math.cos(math.radians(angle)), math.sin(math.radians(angle))) for angle in range(0, 360, 30)]
    first = np.array(near, dtype=float)
    farther = np.array(near + more, dtype=float)
    return [first / np.hypot(*first.T)[:, None], farther / np.hypot(*farther.T)[:, None]]


_NEAR, _FARTHER = _directions()
_RINGS = 9


def _candidates(
    x: float, y: float, radius: float, width: float, height: float
) -> tuple[np.ndarray, np.ndarray]:
    """Label boxes around a circle, nearest first: 8 directions touching it, then farther rings.

    Returns the ring of each box and the boxes as rows of x0, y0, x1, y1.
    """
    rings = np.concatenate([[0] * len(_NEAR), np.repeat(np.arange(1, _RINGS), len(_FARTHER))])
    directions = np.concatenate([_NEAR, np.tile(_FARTHER, (_RINGS - 1, 1))])
    distance = radius + 3 + rings * 12
    anchor_x, anchor_y = x + directions[:, 0] * distance, y + directions[:, 1] * distance
    dx, dy = directions[:, 0], directions[:, 1]
    x0 = np.where(dx > 0.3, anchor_x, np.where(dx < -0.3, anchor_x - width, anchor_x - width / 2))
    y0 = np.where(dy > 0.3, anchor_y, np.where(dy < -0.3, anchor_y - height, anchor_y - height / 2))
    return rings, np.column_stack((x0, y0, x0 + width, y0 + height))


def _first_free(boxes: np.ndarray, frame: Box, taken: list[Box], circles: CircleIndex) -> int | None:
    """The first box inside ``frame`` whose margin (:meth:`Box.room`) covers nothing taken and no circle."""
    inside = (
        (boxes[:, 0] >= frame.x0)
        & (boxes[:, 1] >= frame.y0)
        & (boxes[:, 2] <= frame.x1)
        & (boxes[:, 3] <= frame.y1)
    )
    extra_x, extra_y = _room(boxes[:, 2] - boxes[:, 0])
    padded = np.column_stack(
        (boxes[:, 0] - extra_x, boxes[:, 1] - extra_y, boxes[:, 2] + extra_x, boxes[:, 3] + extra_y)
    )
    free = inside & ~_overlapping(padded, taken)
    if free.any():
        candidates = np.flatnonzero(free)
        free[candidates] = ~circles.hit(padded[candidates])
    found = np.flatnonzero(free)
    return int(found[0]) if len(found) else None


def label_places(
    axis,
    sites,
    offered: set[str],
    circles: Circles,
    index: CircleIndex,
    obstacles: list[Box],
    renderer,
    style: Style,
) -> list[Box]:
    """Place the labels of the ``offered`` places where they cover no other label, circle or reserved box.

    Places with the most personnel choose first.  A label that cannot sit next
    to its circle moves out in rings and gets a leader line.  A place with no
    room for its figures gets its name alone; with no room for that either, it
    is left out rather than cover another.  When places were not offered a
    label (more than :attr:`Style.label_limit`), the corner note says how many
    of the largest were named.  Returns the boxes used.
    """
    import pandas as pd

    if not len(sites):
        return []
    frame = box_of(axis.patch, renderer).grow(-3)
    places_total = sites["place"].nunique()
    offered_rows = sites["place"].isin(offered).to_numpy()  # circles are in the order of ``sites``
    chosen = sites[offered_rows]
    totals = chosen.groupby("place", sort=False)["personnel"].sum(min_count=1).fillna(-1)
    places = sorted(totals.index, key=lambda place: (-float(totals[place]), str(place)))
    rows_of = dict(iter(chosen.groupby("place", sort=False)))
    actors_shown = sites["actor"].nunique()
    reach = {
        place: (float(x), float(y), float(radius))
        for place, x, y, radius in pd.DataFrame(
            {
                "place": circles.place[offered_rows],
                "x": circles.x[offered_rows],
                "y": circles.y[offered_rows],
                "radius": circles.radius[offered_rows],
            }
        )
        .groupby("place", sort=False)
        .agg(x=("x", "first"), y=("y", "first"), radius=("radius", "max"))
        .itertuples()
    }
    # The bottom right corner is kept for a note, should a name find no room.
    note = axis.text(
        0.99,
        0.01,
        f"{places_total:,} by name only, {places_total:,} left out of {places_total:,} places, for room; "
        "all in index.html",
        transform=axis.transAxes,
        ha="right",
        fontsize=7,
        color="#555555",
        zorder=6,
    )
    placed: list[Box] = [box_of(note, renderer).room()]
    inverse = axis.transData.inverted()
    capped = len(places) < places_total

    def place_label(place: str, words: str, *, keep: bool = True) -> bool:
        """Place the label where it fits (``keep=False``: only say whether it would)."""
        text = axis.text(
            0,
            0,
            words,
            fontsize=_LABEL_SIZE,
            color=style.label_color,
            ha="left",
            va="bottom",
            zorder=5,
            linespacing=1.25,
        )
        size = box_of(text, renderer)
        x, y, radius = reach[place]
        rings, boxes = _candidates(x, y, radius, size.x1 - size.x0, size.y1 - size.y0)
        if capped:  # among many circles a leader line would cross others: next to the circle only
            rings, boxes = rings[rings == 0], boxes[rings == 0]
        found = _first_free(boxes, frame, placed + obstacles, index)
        if found is None or not keep:
            text.remove()
            return found is not None
        box = Box(*(float(value) for value in boxes[found]))
        text.set_position(inverse.transform((box.x0, box.y0)))
        text.set_bbox({"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7})
        placed.append(box)
        if rings[found] > 0:
            _leader(axis, inverse, (x, y), radius, box)
        return True

    # Full labels first; a place with no room for its figures gets its name alone;
    # with no room for that either, it is left out rather than cover another.  A full
    # label's box holds its name's in every spot, and taken room only grows: a name
    # with no room now never finds room, so neither label is tried again.
    shortened, left_out = [], []
    for place in places:
        if not place_label(place, _label_text(rows_of[place], 0), keep=False):
            shortened.append(place)
            left_out.append(place)
        elif not place_label(place, _label_text(rows_of[place], actors_shown)):
            shortened.append(place)
    hopeless = set(left_out)
    left_out += [
        place
        for place in shortened
        if place not in hopeless and not place_label(place, _label_text(rows_of[place], 0))
    ]
    named = len(places) - len(left_out)
    if capped:
        if named:
            words = (
                f"{named} of the {len(places)} largest of {places_total:,} places named, where there is room"
            )
        else:
            words = f"{places_total:,} places, no room for names"
        note.set_text(f"{words}; all in index.html")
        note.set_bbox({"boxstyle": "square,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85})
        return placed
    missing = []
    if len(shortened) > len(left_out):
        missing.append(f"{len(shortened) - len(left_out)} by name only")
    if left_out:
        missing.append(f"{len(left_out)} left out")
    if missing:
        note.set_text(f"{', '.join(missing)} of {len(places)} places, for room; all in index.html")
        note.set_bbox({"boxstyle": "square,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85})
    else:
        note.remove()
    return placed


def _leader(axis, inverse, center: tuple[float, float], radius: float, box: Box) -> None:
    """A thin line from the circle's edge to the nearest point of its label."""
    x, y = center
    target_x, target_y = min(max(x, box.x0), box.x1), min(max(y, box.y0), box.y1)
    distance = math.hypot(target_x - x, target_y - y)
    if distance <= radius:
        return
    start = (x + (target_x - x) * radius / distance, y + (target_y - y) * radius / distance)
    (x0, y0), (x1, y1) = inverse.transform([start, (target_x, target_y)])
    axis.plot([x0, x1], [y0, y1], color="#555555", linewidth=0.6, zorder=4)


def label_countries(axis, countries, index: CircleIndex, obstacles: list[Box], renderer) -> None:
    """Country names at their label points, biggest country first, only where they cover nothing else."""
    import shapely

    frame = box_of(axis.patch, renderer).grow(-4)
    west, east = axis.get_xlim()
    south, north = axis.get_ylim()
    shown = countries[
        countries["label_lon"].between(west, east) & countries["label_lat"].between(south, north)
    ]
    # Planar degrees on purpose: the area only orders the names, biggest country first.
    order = shown.assign(_area=shapely.area(shown.geometry.to_numpy())).sort_values(
        ["_area", "code"], ascending=[False, True]
    )
    for name, lon, lat in zip(order["name"], order["label_lon"], order["label_lat"], strict=True):
        text = axis.text(
            lon, lat, name.upper(), fontsize=6.5, color="#8a8373", ha="center", va="center", zorder=1.8
        )
        box = box_of(text, renderer)
        padded = box.room()
        if (
            not box.inside(frame)
            or any(padded.overlaps(other) for other in obstacles)
            or index.hit(np.array([[padded.x0, padded.y0, padded.x1, padded.y1]]))[0]
        ):
            text.remove()
            continue
        obstacles.append(box)
