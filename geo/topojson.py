"""A small TopoJSON reader: quantised arcs to shapely geometries.

Only what the shipped Natural Earth files use: a ``transform``, and Polygon,
MultiPolygon, LineString and MultiLineString geometries.  An arc can be
simplified once before the polygons are put together, so neighbouring
countries keep one shared border even when simplified.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from importlib import resources

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry


def read_packaged(name: str) -> dict:
    """A gzipped TopoJSON file shipped in ``posturemap.data``."""
    raw = resources.files("posturemap.data").joinpath(name).read_bytes()
    return json.loads(gzip.decompress(raw))


def decode_arcs(topology: dict, *, tolerance: float = 0.0) -> list[np.ndarray]:
    """Every arc as an (n, 2) array of lon, lat; simplified by ``tolerance`` degrees when > 0."""
    transform = topology.get("transform")
    scale = np.array(transform["scale"]) if transform else np.ones(2)
    translate = np.array(transform["translate"]) if transform else np.zeros(2)
    arcs = []
    for arc in topology["arcs"]:
        points = np.asarray(arc, dtype=float)
        if transform:
            points = np.cumsum(points, axis=0)
        points = points * scale + translate
        if tolerance > 0 and len(points) > 2:
            simplified = shapely.simplify(shapely.linestrings(points), tolerance, preserve_topology=False)
            points = shapely.get_coordinates(simplified)
        arcs.append(points)
    return arcs


def _ring(indexes: list[int], arcs: list[np.ndarray]) -> np.ndarray:
    parts = []
    for position, index in enumerate(indexes):
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        parts.append(points if position == 0 else points[1:])
    return np.concatenate(parts)


def _unwrap(ring: np.ndarray) -> np.ndarray:
    """A ring that crosses the antimeridian (179.9 then -179.9) made continuous past 180."""
    lons = ring[:, 0]
    steps = np.diff(lons)
    shifts = np.concatenate(
        ([0.0], np.cumsum(np.where(steps < -180, 360.0, np.where(steps > 180, -360.0, 0.0))))
    )
    return np.column_stack((lons + shifts, ring[:, 1]))


def _polygon(rings: list[list[int]], arcs: list[np.ndarray]) -> BaseGeometry | None:
    coordinates = [_ring(ring, arcs) for ring in rings]
    if len(coordinates[0]) < 4:
        return None  # simplified away
    holes = [ring for ring in coordinates[1:] if len(ring) >= 4]
    if not any(np.any(np.abs(np.diff(ring[:, 0])) > 180) for ring in [coordinates[0], *holes]):
        return shapely.Polygon(coordinates[0], holes)
    # Natural Earth's spherical rings (Russia, Fiji) cross the antimeridian: unwrap, then
    # cut at ±180 and bring each side back into [-180, 180].
    unwrapped = shapely.Polygon(_unwrap(coordinates[0]), [_unwrap(ring) for ring in holes])
    unwrapped = unwrapped if unwrapped.is_valid else shapely.make_valid(unwrapped)
    pieces = []
    for offset in (-360.0, 0.0, 360.0):
        window = shapely.box(-180 - offset, -90, 180 - offset, 90)
        piece = shapely.intersection(unwrapped, window)
        if not piece.is_empty:
            pieces.append(shapely.transform(piece, lambda xy, offset=offset: xy + np.array([offset, 0.0])))
    parts = [part for piece in pieces for part in shapely.get_parts(piece) if part.geom_type == "Polygon"]
    return shapely.MultiPolygon(parts) if len(parts) > 1 else (parts[0] if parts else None)


def _valid(shaped: BaseGeometry) -> BaseGeometry:
    # make_valid costs seconds on the whole 1:10m set; nearly every outline is valid already.
    if shapely.is_valid(shaped):
        return shaped
    repaired = shapely.make_valid(shaped)
    if repaired.geom_type in ("Polygon", "MultiPolygon"):
        return repaired
    # A collection: keep its areas, drop the slivers of lines and points repair leaves.
    parts = shapely.get_parts(shapely.get_parts(repaired))
    polygons = [part for part in parts if part.geom_type == "Polygon"]
    return shapely.union_all(polygons)


def geometry(item: dict, arcs: list[np.ndarray]) -> BaseGeometry | None:
    """One TopoJSON geometry as shapely (None when empty)."""
    kind = item.get("type")
    if kind == "Polygon":
        polygon = _polygon(item["arcs"], arcs)
        return None if polygon is None else _valid(polygon)
    if kind == "MultiPolygon":
        shaped = [_polygon(rings, arcs) for rings in item["arcs"]]
        parts = [part for piece in shaped if piece is not None for part in shapely.get_parts(piece)]
        return _valid(shapely.MultiPolygon(parts)) if parts else None
    if kind == "LineString":
        return shapely.linestrings(_ring(item["arcs"], arcs))
    if kind == "MultiLineString":
        return shapely.multilinestrings([shapely.linestrings(_ring(line, arcs)) for line in item["arcs"]])
    return None


def features(topology: dict, name: str, *, tolerance: float = 0.0) -> Iterator[tuple[dict, BaseGeometry]]:
    """(properties, geometry) of every non-empty geometry in object ``name``."""
    arcs = decode_arcs(topology, tolerance=tolerance)
    for item in topology["objects"][name]["geometries"]:
        shaped = geometry(item, arcs)
        if shaped is not None and not shaped.is_empty:
            yield item.get("properties") or {}, shaped
