"""Geocoding: place names to points, offline first and never silently wrong.

:class:`GazetteerGeocoder` is a geopy ``Geocoder`` backed by the offline
index in :mod:`posturemap.geo.gazetteer` (GeoNames places, countries,
airports); :class:`Context` is the area a search prefers.  Placing a whole
scenario is :mod:`posturemap.geo.placing`; asking Nominatim (``--online``) is
:mod:`posturemap.geo.online`.  Thresholds come from a
:class:`~posturemap.geo.settings.Settings`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import get_close_matches

from geopy.geocoders.base import Geocoder
from geopy.location import Location

from . import gazetteer
from .errors import (
    AmbiguousPlaceError,
    PlaceNotFoundError,
    PlaceOutOfContextError,
)
from .gazetteer import GazetteerPlace, normalize
from .settings import (
    DEFAULT_SETTINGS,
    ONLINE_USER_AGENT,
    Settings,
)

SETTLEMENT_KINDS = ("city", "capital", "base", "airbase")
Bounds = tuple[float, float, float, float]  # west, south, east, north


@dataclass(frozen=True)
class ResolvedPlace:
    """Where a scenario place ended up, and how posturemap got there."""

    lat: float
    lon: float
    method: str  # "coordinates", "gazetteer" or "nominatim"
    matched: str | None = None  # the gazetteer or online name that matched
    country: str | None = None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of radius 6,371 km."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _country_code(text: str) -> str | None:
    """Read a country qualifier: an alpha-2 code or a country name."""
    from .countries import countries

    stripped = text.strip()
    if re.fullmatch(r"[A-Za-z]{2}", stripped) and stripped.upper() in countries():
        return stripped.upper()
    key = normalize(stripped)
    for place, _primary in gazetteer.lookup(key):
        if place.feature == "country":
            return place.country
    return None


def _in_bounds(place: GazetteerPlace, bounds: Bounds | None) -> bool:
    if bounds is None:
        return False
    west, south, east, north = bounds
    return south <= place.lat <= north and west <= place.lon <= east


def _score(
    place: GazetteerPlace,
    primary: bool,
    *,
    near: bool,
    kind: str | None = None,
    settings: Settings = DEFAULT_SETTINGS,
) -> float:
    """Rank a candidate: population, primary name, lying in the scenario's area, capital, kind.

    One unit is a factor of ten in population; the weights are in
    :class:`~posturemap.geo.settings.Settings` (``score_*``).
    """
    score = math.log10(place.population + 10)
    score += settings.score_primary_name if primary else 0.0
    score += settings.score_in_area if near else 0.0
    score += settings.score_capital if place.feature == "capital" else 0.0
    if kind is not None and place.feature == _FEATURE_OF_KIND.get(kind):
        score += settings.score_kind
    return score


#: The gazetteer class a place's ``kind:`` prefers.
_FEATURE_OF_KIND = {"capital": "capital", "country": "country"}


class Context:
    """The area a scenario is about, and how far a candidate lies from it.

    Made of points (places with coordinates) and areas (the ``area:`` box,
    regions, the countries that places declare).  :meth:`distance_km` is 0
    inside an area, else the great-circle distance to the nearest point or
    area edge.

    Parameters
    ----------
    geometries : sequence of shapely geometries
        In longitude/latitude (EPSG:4326).
    """

    def __init__(self, geometries=()):
        import shapely

        shapes = [geometry for geometry in geometries if geometry is not None and not geometry.is_empty]
        self._union = shapely.union_all(shapes) if shapes else None

    def __bool__(self) -> bool:
        return self._union is not None

    def distance_km(self, lat: float, lon: float) -> float | None:
        """Kilometres from (lat, lon) to the nearest part of the context; None when it is empty."""
        if self._union is None:
            return None
        from shapely.geometry import Point
        from shapely.ops import nearest_points

        point = Point(lon, lat)
        if self._union.covers(point):
            return 0.0
        nearest = nearest_points(self._union, point)[0]
        return distance_km(lat, lon, nearest.y, nearest.x)


def _describe(place: GazetteerPlace, context: Context | None = None) -> str:
    people = f", pop. {place.population:,}" if place.population else ""
    away = context.distance_km(place.lat, place.lon) if context else None
    if away is None:
        far = ""
    elif away == 0:
        far = ", in the scenario's area"
    else:
        far = f", {away:,.0f} km from the scenario's area"
    return f"{place.name} ({place.country}) at {place.lat:.4f}, {place.lon:.4f}{people}{far}"


class GazetteerGeocoder(Geocoder):
    """Offline geocoder over GeoNames places and countries, usable where geopy expects one.

    Parameters
    ----------
    bounds : (west, south, east, north), optional
        A box of interest; candidates inside it are preferred.
    context : Context, optional
        The area a scenario is about.  Candidates within
        :attr:`Settings.context_distance_km` of it are preferred, and a query
        without a country whose best candidate lies farther is refused
        (:class:`PlaceOutOfContextError`) unless that candidate is prominent
        and clearly ahead.
    settings : Settings, optional
        Score weights and thresholds.

    Examples
    --------
    >>> geocoder = GazetteerGeocoder()
    >>> location = geocoder.geocode("Agades")
    >>> location.address, round(location.latitude, 2), round(location.longitude, 2)
    ('Agadez, NE', 16.97, 7.99)
    """

    def __init__(
        self,
        *,
        bounds: Bounds | None = None,
        context: Context | None = None,
        settings: Settings = DEFAULT_SETTINGS,
    ):
        super().__init__(timeout=1, user_agent=ONLINE_USER_AGENT)
        self.bounds = bounds
        self.context = context if context else None
        self.settings = settings

    def _near(self, place: GazetteerPlace, bounds: Bounds | None) -> bool:
        if _in_bounds(place, bounds):
            return True
        away = self.context.distance_km(place.lat, place.lon) if self.context else None
        return away is not None and away <= self.settings.context_distance_km

    def candidates(
        self,
        query: str,
        *,
        country_codes: Iterable[str] | str | None = None,
        kind: str | None = None,
        bounds: Bounds | None = None,
    ) -> list[tuple[GazetteerPlace, float]]:
        """All matches for ``query``, best first, with their scores.

        ``bounds`` (west, south, east, north) replaces the geocoder's own box
        for this query.  Places closer than :attr:`Settings.same_place_km` to
        a better match are merged into it.
        """
        bounds = bounds if bounds is not None else self.bounds
        codes = {country_codes} if isinstance(country_codes, str) else set(country_codes or ())
        codes = {code.upper() for code in codes}
        name = query.strip()
        key = normalize(name)
        matches = gazetteer.lookup(key) if key else []
        if re.fullmatch(r"[A-Z0-9]{3,4}", name):
            # Written as an ICAO or IATA code: the airport with that code, when one has it.
            matches = gazetteer.lookup(gazetteer.CODE_PREFIX + name.lower()) or matches
        if not matches and "," in name:
            head, _, qualifier = name.rpartition(",")
            code = _country_code(qualifier)
            if code is None:
                return []
            codes = codes & {code} if codes else {code}
            if not codes:
                return []
            key = normalize(head)
            matches = gazetteer.lookup(key) if key else []
        if codes:
            matches = [(place, primary) for place, primary in matches if place.country in codes]
        countries = [(place, primary) for place, primary in matches if place.feature == "country"]
        towns = [(place, primary) for place, primary in matches if place.feature != "country"]
        airports = [(place, primary) for place, primary in towns if place.feature == "airport"]
        settlements = [(place, primary) for place, primary in towns if place.feature != "airport"]
        if countries and not (kind in SETTLEMENT_KINDS and towns):
            # A country's name means the country, never a town elsewhere that shares it.
            matches = countries
        elif kind == "airbase" and airports:
            matches = airports  # an air base is placed on the airfield, not in the town
        elif kind in ("city", "capital") and settlements:
            matches = settlements
        elif kind in SETTLEMENT_KINDS:
            matches = towns
        ranked = sorted(
            (
                (
                    place,
                    _score(place, primary, near=self._near(place, bounds), kind=kind, settings=self.settings),
                )
                for place, primary in matches
            ),
            key=lambda item: (-item[1], item[0].geonameid),
        )
        distinct: list[tuple[GazetteerPlace, float]] = []
        for place, score in ranked:
            if all(
                distance_km(place.lat, place.lon, kept.lat, kept.lon) > self.settings.same_place_km
                for kept, _ in distinct
            ):
                distinct.append((place, score))
        return distinct

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        country_codes: Iterable[str] | str | None = None,
        viewbox: tuple | None = None,
        bounded: bool = False,
        kind: str | None = None,
        timeout: object = None,
    ) -> Location | list | None:
        """Geocode ``query`` like geopy's geocoders do.

        Returns ``None`` when nothing matches.  With ``exactly_one`` it raises
        :class:`AmbiguousPlaceError` when far-apart candidates are too close in
        rank to choose between, and, with a :class:`Context` and no country
        (neither ``country_codes`` nor a "Name, Country" query),
        :class:`PlaceOutOfContextError` when the best candidate lies far from
        the scenario's area while a namesake lies in it, or when the best
        candidate lies far from the scenario's area without a clear lead.
        ``viewbox`` ((south, west), (north, east) corners, as geopy's
        Nominatim takes them) biases the choice, and with ``bounded``
        restricts it.
        """
        bounds = self.bounds
        if viewbox is not None:
            (lat1, lon1), (lat2, lon2) = ((float(corner[0]), float(corner[1])) for corner in viewbox)
            bounds = (min(lon1, lon2), min(lat1, lat2), max(lon1, lon2), max(lat1, lat2))
        found = self.candidates(query, country_codes=country_codes, kind=kind, bounds=bounds)
        if bounded and bounds is not None:
            found = [(place, score) for place, score in found if _in_bounds(place, bounds)]
        if not found:
            return None
        locations = [self._location(place) for place, _ in found]
        if not exactly_one:
            return locations
        best, best_score = found[0]
        if len(found) > 1:
            second_score = found[1][1]
            margin = math.log10(self.settings.population_dominance)
            if best_score - second_score < margin:
                close = [place for place, score in found if best_score - score < margin]
                raise AmbiguousPlaceError(query, [_describe(place, self.context) for place in close[:6]])
        qualified = "," in query and _country_code(query.rpartition(",")[2]) is not None
        if not country_codes and not qualified and self.context and not self._near(best, bounds):
            lead = best_score - found[1][1] if len(found) > 1 else math.inf
            prominent = best.feature in ("capital", "country") or (
                best.population >= self.settings.far_candidate_min_population
            )
            # A namesake inside the area is what a reader of this scenario may mean: never
            # passed over in silence for a far one, however big.
            namesake_near = any(self._near(place, bounds) for place, _ in found[1:])
            clear = prominent and lead >= math.log10(self.settings.far_candidate_dominance)
            if namesake_near or not clear:
                raise PlaceOutOfContextError(
                    query,
                    [_describe(place, self.context) for place, _ in found[:6]],
                    limit_km=self.settings.context_distance_km,
                    countries=list(dict.fromkeys(place.country for place, _ in found)),
                )
        return locations[0]

    def suggestions(self, query: str, *, country: str | None = None) -> list[str]:
        """Names spelled like ``query``, for a "did you mean" hint; only in ``country`` when given."""
        key = normalize(query.rpartition(",")[0] or query) if "," in query else normalize(query)
        wanted = country.upper() if country else None
        near = gazetteer.keys_near(key, country=wanted)
        labels: dict[str, str] = {}
        for candidate_key, name, code in near:
            if wanted is None or code == wanted:
                labels.setdefault(candidate_key, f"{name} ({code})")
        limit = self.settings.suggestions
        close = get_close_matches(key, list(labels), n=limit * 2, cutoff=0.75)
        return list(dict.fromkeys(labels[match] for match in close))[:limit]

    @staticmethod
    def _location(place: GazetteerPlace) -> Location:
        raw = {
            "geonameid": place.geonameid,
            "name": place.name,
            "country": place.country,
            "population": place.population,
            "feature": place.feature,
        }
        return Location(f"{place.name}, {place.country}", (place.lat, place.lon, 0.0), raw)


def geocode_one(
    query: str,
    *,
    country: str | None = None,
    kind: str | None = None,
    bounds: Bounds | None = None,
    context: Context | None = None,
    geocoder: GazetteerGeocoder | None = None,
    settings: Settings = DEFAULT_SETTINGS,
) -> ResolvedPlace:
    """Resolve one name offline, or raise a :class:`GeocodeError` that says why not.

    Suggestions for a name that matches nothing honour ``country``.
    """
    geocoder = geocoder or GazetteerGeocoder(bounds=bounds, context=context, settings=settings)
    location = geocoder.geocode(query, country_codes=country, kind=kind)
    if location is None:
        raise PlaceNotFoundError(query, geocoder.suggestions(query, country=country), country=country)
    return ResolvedPlace(
        location.latitude, location.longitude, "gazetteer", location.raw["name"], location.raw["country"]
    )
