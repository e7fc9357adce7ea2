"""Geocoding: place names to points, offline first and never silently wrong.

:class:`GazetteerGeocoder` is a geopy ``Geocoder`` backed by the offline
index in :mod:`posturemap.geo.gazetteer` (GeoNames places, countries,
airports).  :func:`resolve_places` places every place of a scenario,
honouring explicit coordinates and ``country:``, and placing the others in
the scenario's area (:func:`scenario_context`, a :class:`Context`); it raises
a :class:`~posturemap.geo.errors.ScenarioError` naming each place it could
not place reliably, with the candidates.  Thresholds come from a
:class:`~posturemap.geo.settings.Settings`.
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

from . import gazetteer
from . import settings as configuration
from .errors import (
    AmbiguousPlaceError,
    GeocodeError,
    OnlineGeocodingError,
    PlaceNotFoundError,
    PlaceOutOfContextError,
    Problem,
    ScenarioError,
)
from .gazetteer import GazetteerPlace, normalize
from .settings import (
    DEFAULT_SETTINGS,
    ONLINE_ERROR_WAIT_SECONDS,
    ONLINE_MIN_DELAY_SECONDS,
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
        :data:`ONLINE_MIN_DELAY_SECONDS`, :data:`ONLINE_ERROR_WAIT_SECONDS`).
    geocode : callable, optional
        Any geopy-style ``geocode(query, country_codes=..., exactly_one=True)``
        to ask instead of Nominatim; it is cached the same way.
    settings : Settings, optional
        Its ``nominatim_timeout_seconds``: how long to wait for one answer.
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
        settings: Settings = DEFAULT_SETTINGS,
    ):
        self.timeout_seconds = settings.nominatim_timeout_seconds
        self.cache_path = cache_path or configuration.cache_dir() / "nominatim-cache.json"
        default_domain, default_scheme = configuration.nominatim_server()
        self.domain, self.scheme = domain or default_domain, scheme or default_scheme
        self.min_delay_seconds = ONLINE_MIN_DELAY_SECONDS if min_delay_seconds is None else min_delay_seconds
        self.error_wait_seconds = (
            ONLINE_ERROR_WAIT_SECONDS if error_wait_seconds is None else error_wait_seconds
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
                user_agent=ONLINE_USER_AGENT, timeout=self.timeout_seconds, scheme=self.scheme, **server
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


def scenario_context(scenario) -> Context:
    """The area a scenario is about, for placing its places without a ``country:``.

    Its ``area:`` box, its regions, and the countries of its places: the
    ``country:`` a place declares, or the country its ``lat``/``lon`` lie in
    (the point itself at sea).  A place of kind ``country`` that holds no
    deployment and no event (an actor's home country, the far end of a
    movement) is not part of the area.  Empty when nothing is known yet;
    :func:`resolve_places` then uses the places' own best matches.
    """
    from shapely.geometry import Point, box

    from .countries import countries, countries_at
    from .regions import region_geometry

    geometries = []
    if scenario.area is not None:
        geometries.append(box(*scenario.area))
    geometries.extend(region_geometry(region) for region in scenario.regions)
    staged = {deployment.place for deployment in scenario.deployments}
    staged |= {event.place for event in scenario.events if event.place}
    kept = [place for place in scenario.places if place.kind != "country" or place.id in staged]
    placed = [place for place in kept if place.lat is not None and place.lon is not None]
    found = countries_at([place.lon for place in placed], [place.lat for place in placed])
    codes = {place.country for place in kept if place.country}
    for place, code in zip(placed, found, strict=True):
        if code is None:
            geometries.append(Point(place.lon, place.lat))
        codes.add(code)
    for code in sorted(code for code in codes if code):
        country = countries().get(code)
        if country is not None and country.geometry is not None:
            geometries.append(country.geometry)
    return Context(geometries)


def resolve_places(
    scenario,
    *,
    online: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
    settings: Settings = DEFAULT_SETTINGS,
) -> dict[str, ResolvedPlace]:
    """Place every place of a scenario.

    Explicit ``lat``/``lon`` always win.  Otherwise the ``query`` (or the
    name) is geocoded offline, within the place's ``country`` when given,
    else in the scenario's context (:func:`scenario_context`): a candidate
    farther than :attr:`Settings.context_distance_km` from it is used only
    when prominent and clearly ahead.  With ``online`` Nominatim is asked
    instead.

    Raises
    ------
    ScenarioError
        Listing every place that could not be placed, with the reason and the
        candidates.
    """
    remote = OnlineGeocoder(settings=settings) if online else None
    to_geocode = any(place.lat is None or place.lon is None for place in scenario.places)
    # The area is worked out only when some place needs it (not for 100,000 given points).
    context = scenario_context(scenario) if to_geocode and remote is None else Context()
    if context or remote is not None or not to_geocode:
        shared = GazetteerGeocoder(context=context, settings=settings)

        def geocoder_for(place_id: str) -> GazetteerGeocoder:
            return shared

    else:
        geocoder_for = _context_from_each_other(scenario, settings)
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
                    query,
                    country=place.country,
                    kind=place.kind,
                    geocoder=geocoder_for(place.id),
                    settings=settings,
                )
        except GeocodeError as error:
            field = f"places[{index}].{'query' if place.query else 'name'}"
            problems.append(Problem(str(scenario.path), place.line, field, str(error)))
    if problems:
        raise ScenarioError(problems)
    return resolved


def _context_from_each_other(scenario, settings: Settings) -> Callable[[str], GazetteerGeocoder]:
    """For a scenario with no coordinates, countries, regions or area: each place's
    context is the countries of the other places' best matches (those that have one)."""
    from .countries import countries

    plain = GazetteerGeocoder(settings=settings)
    found: dict[str, str] = {}
    for place in scenario.places:
        try:
            location = plain.geocode(place.query or place.name, kind=place.kind)
        except GeocodeError:
            continue
        if location is not None:
            found[place.id] = location.raw["country"]

    def geocoder_for(place_id: str) -> GazetteerGeocoder:
        codes = sorted({code for ident, code in found.items() if ident != place_id})
        outlines = [countries()[code].geometry for code in codes if code in countries()]
        return GazetteerGeocoder(context=Context(outlines), settings=settings)

    return geocoder_for
