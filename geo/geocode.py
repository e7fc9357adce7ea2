"""Geocoding: place names to points, offline first and never silently wrong.

:class:`GazetteerGeocoder` is a geopy ``Geocoder`` backed by the offline
index in :mod:`posturemap.geo.gazetteer`.  :func:`resolve_places` places every
place of a scenario, honouring explicit coordinates, and raises a
:class:`~posturemap.geo.errors.ScenarioError` naming each place it could not
place reliably.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

from geopy.geocoders.base import Geocoder
from geopy.location import Location

from . import gazetteer, settings
from .errors import (
    AmbiguousPlaceError,
    GeocodeError,
    OnlineGeocodingError,
    PlaceNotFoundError,
    Problem,
    ScenarioError,
)
from .gazetteer import GazetteerPlace, normalize

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


def _score(place: GazetteerPlace, primary: bool, bounds: Bounds | None) -> float:
    # One unit is a factor of ten in population: a primary-name match counts
    # like ten times the people, lying inside the scenario's area like a hundred.
    score = math.log10(place.population + 10)
    score += 1.0 if primary else 0.0
    score += 2.0 if _in_bounds(place, bounds) else 0.0
    score += 0.5 if place.feature == "capital" else 0.0
    return score


def _describe(place: GazetteerPlace) -> str:
    people = f", pop. {place.population:,}" if place.population else ""
    return f"{place.name} ({place.country}) at {place.lat:.4f}, {place.lon:.4f}{people}"


class GazetteerGeocoder(Geocoder):
    """Offline geocoder over GeoNames places and countries, usable where geopy expects one.

    Parameters
    ----------
    bounds : (west, south, east, north), optional
        The area a scenario is about; candidates inside it are preferred.

    Examples
    --------
    >>> geocoder = GazetteerGeocoder()
    >>> location = geocoder.geocode("Agades")
    >>> location.address, round(location.latitude, 2), round(location.longitude, 2)
    ('Agadez, NE', 16.97, 7.99)
    """

    def __init__(self, *, bounds: Bounds | None = None):
        super().__init__(timeout=1, user_agent=settings.ONLINE_USER_AGENT)
        self.bounds = bounds

    def candidates(
        self,
        query: str,
        *,
        country_codes: Iterable[str] | str | None = None,
        kind: str | None = None,
        bounds: Bounds | None = None,
    ) -> list[tuple[GazetteerPlace, float]]:
        """All matches for ``query``, best first, with their scores.

        ``bounds`` (west, south, east, north) replaces the geocoder's own area
        for this query.  Places closer than :data:`settings.DEFAULT_SETTINGS.same_place_km` to a
        better match are merged into it.
        """
        bounds = bounds if bounds is not None else self.bounds
        codes = {country_codes} if isinstance(country_codes, str) else set(country_codes or ())
        codes = {code.upper() for code in codes}
        name = query.strip()
        key = normalize(name)
        matches = gazetteer.lookup(key) if key else []
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
        if countries and not (kind in SETTLEMENT_KINDS and towns):
            # A country's name means the country, never a town elsewhere that shares it.
            matches = countries
        elif kind in SETTLEMENT_KINDS:
            matches = towns
        ranked = sorted(
            ((place, _score(place, primary, bounds)) for place, primary in matches),
            key=lambda item: (-item[1], item[0].geonameid),
        )
        distinct: list[tuple[GazetteerPlace, float]] = []
        for place, score in ranked:
            if all(
                distance_km(place.lat, place.lon, kept.lat, kept.lon)
                > settings.DEFAULT_SETTINGS.same_place_km
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
        rank to choose between; ``viewbox`` ((south, west), (north, east)
        corners, as geopy's Nominatim takes them) biases the choice, and with
        ``bounded`` restricts it.
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
        if len(found) > 1:
            best_score, second_score = found[0][1], found[1][1]
            margin = math.log10(settings.DEFAULT_SETTINGS.population_dominance)
            if best_score - second_score < margin:
                close = [place for place, score in found if best_score - score < margin]
                raise AmbiguousPlaceError(query, [_describe(place) for place in close[:6]])
        return locations[0]

    def suggestions(self, query: str) -> list[str]:
        """Names spelled like ``query``, for a "did you mean" hint."""
        key = normalize(query.rpartition(",")[0] or query) if "," in query else normalize(query)
        near = gazetteer.keys_near(key)
        labels: dict[str, str] = {}
        for candidate_key, name, country in near:
            labels.setdefault(candidate_key, f"{name} ({country})")
        close = get_close_matches(key, list(labels), n=settings.DEFAULT_SETTINGS.suggestions * 2, cutoff=0.75)
        return list(dict.fromkeys(labels[match] for match in close))[: settings.DEFAULT_SETTINGS.suggestions]

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
    geocoder: GazetteerGeocoder | None = None,
) -> ResolvedPlace:
    """Resolve one name offline, or raise a :class:`GeocodeError` that says why not."""
    geocoder = geocoder or GazetteerGeocoder(bounds=bounds)
    location = geocoder.geocode(query, country_codes=country, kind=kind)
    if location is None:
        raise PlaceNotFoundError(query, geocoder.suggestions(query), country=country)
    return ResolvedPlace(
        location.latitude, location.longitude, "gazetteer", location.raw["name"], location.raw["country"]
    )


class OnlineGeocoder:
    """geopy's Nominatim, one request a second, cached on disk by request.

    Used only with ``--online``.  A second build with the same names makes no
    request.  Failures are raised as :class:`OnlineGeocodingError`.

    Parameters
    ----------
    cache_path : Path, optional
        The JSON cache (default: ``nominatim-cache.json`` in :func:`settings.cache_dir`).
    domain, scheme : str, optional
        Another Nominatim server, such as an organisation's own (default:
        :func:`settings.nominatim_server`).
    min_delay_seconds, error_wait_seconds : float, optional
        Pause between requests, and before retrying a failed one (default:
        :data:`settings.ONLINE_MIN_DELAY_SECONDS`, :data:`settings.ONLINE_ERROR_WAIT_SECONDS`).
    geocode : callable, optional
        Any geopy-style ``geocode(query, country_codes=..., exactly_one=True)``
        to ask instead of Nominatim; it is cached the same way.
    """

    def __init__(
        self,
        *,
        cache_path: Path | None = None,
        domain: str | None = None,
        scheme: str | None = None,
        min_delay_seconds: float | None = None,
        error_wait_seconds: float | None = None,
        geocode: Callable[..., Location | None] | None = None,
    ):
        self.cache_path = cache_path or settings.cache_dir() / "nominatim-cache.json"
        default_domain, default_scheme = settings.nominatim_server()
        self.domain, self.scheme = domain or default_domain, scheme or default_scheme
        self.min_delay_seconds = (
            settings.ONLINE_MIN_DELAY_SECONDS if min_delay_seconds is None else min_delay_seconds
        )
        self.error_wait_seconds = (
            settings.ONLINE_ERROR_WAIT_SECONDS if error_wait_seconds is None else error_wait_seconds
        )
        self._cache: dict[str, list | None] = {}
        if self.cache_path.exists():
            try:
                self._cache = json.loads(self.cache_path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError):
                self._cache = {}  # a damaged cache is only a cache: ask again
        self._geocode = geocode

    def _backend(self) -> Callable[..., Location | None]:
        if self._geocode is None:
            from geopy.extra.rate_limiter import RateLimiter
            from geopy.geocoders import Nominatim

            server = {"domain": self.domain} if self.domain else {}
            nominatim = Nominatim(
                user_agent=settings.ONLINE_USER_AGENT, timeout=10, scheme=self.scheme, **server
            )
            self._geocode = RateLimiter(
                nominatim.geocode,
                min_delay_seconds=self.min_delay_seconds,
                # geopy refuses to retry sooner than its normal pace.
                error_wait_seconds=max(self.error_wait_seconds, self.min_delay_seconds),
                max_retries=2,
                swallow_exceptions=False,
            )
        return self._geocode

    @staticmethod
    def cache_key(query: str, country: str | None) -> str:
        request = json.dumps({"q": normalize(query), "country": (country or "").lower()}, sort_keys=True)
        return hashlib.sha256(request.encode()).hexdigest()

    def _save(self) -> None:
        # Written whole and swapped in, so an interrupted build never leaves half a cache.
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.cache_path.with_name(self.cache_path.name + ".partial")
        partial.write_text(json.dumps(self._cache, sort_keys=True, indent=0), encoding="utf-8")
        partial.replace(self.cache_path)

    def geocode(self, query: str, *, country: str | None = None) -> ResolvedPlace:
        """Place one name, from the cache when it was asked before.

        Raises
        ------
        PlaceNotFoundError
            Nominatim knows no such place (remembered, so not asked again).
        OnlineGeocodingError
            The request failed (network, refusal, timeout) after retries.
        """
        key = self.cache_key(query, country)
        if key not in self._cache:
            from geopy.exc import GeopyError

            try:
                location = self._backend()(query, country_codes=country, exactly_one=True)
            except GeopyError as error:
                msg = (
                    f"online geocoding of {query!r} failed: {type(error).__name__}: {error}; "
                    "retry later, or give the place `lat:` and `lon:`"
                )
                raise OnlineGeocodingError(msg) from error
            self._cache[key] = (
                None if location is None else [location.latitude, location.longitude, location.address]
            )
            self._save()
        hit = self._cache[key]
        if hit is None:
            raise PlaceNotFoundError(query, country=country)
        return ResolvedPlace(hit[0], hit[1], "nominatim", hit[2], None)


def scenario_bounds(scenario) -> Bounds | None:
    """The area a scenario is about: its explicit coordinates and named countries."""
    from .countries import countries

    boxes = []
    for place in scenario.places:
        if place.lat is not None and place.lon is not None:
            boxes.append((place.lon, place.lat, place.lon, place.lat))
        country = countries().get(place.country or "")
        if country is not None and country.geometry is not None:
            boxes.append(country.geometry.bounds)
    for region in scenario.regions:
        for code in region.countries:
            country = countries().get(code)
            if country is not None and country.geometry is not None:
                boxes.append(country.geometry.bounds)
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def resolve_places(
    scenario, *, online: bool = False, progress: Callable[[int, int, str], None] | None = None
) -> dict[str, ResolvedPlace]:
    """Place every place of a scenario.

    Explicit ``lat``/``lon`` always win.  Otherwise the ``query`` (or the
    name) is geocoded offline, biased by the place's ``country`` and the
    scenario's area; with ``online`` Nominatim is asked instead.

    Raises
    ------
    ScenarioError
        Listing every place that could not be placed, with the reason.
    """
    bounds = scenario_bounds(scenario)
    offline = GazetteerGeocoder(bounds=bounds)
    remote = OnlineGeocoder() if online else None
    resolved: dict[str, ResolvedPlace] = {}
    problems = []
    total = len(scenario.places)
    for index, place in enumerate(scenario.places):
        number = index + 1
        if progress:
            progress(number, total, place.name)
        if place.lat is not None and place.lon is not None:
            resolved[place.id] = ResolvedPlace(place.lat, place.lon, "coordinates", None, place.country)
            continue
        query = place.query or place.name
        try:
            if remote is not None:
                resolved[place.id] = remote.geocode(query, country=place.country)
            else:
                resolved[place.id] = geocode_one(
                    query, country=place.country, kind=place.kind, geocoder=offline
                )
        except GeocodeError as error:
            field = f"places[{index}].{'query' if place.query else 'name'}"
            problems.append(Problem(str(scenario.path), place.line, field, str(error)))
    if problems:
        raise ScenarioError(problems)
    return resolved
