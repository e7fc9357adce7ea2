"""Placing a scenario's places: explicit coordinates first, then the gazetteer in context.

:func:`resolve_places` places every place of a scenario, honouring explicit
coordinates and ``country:``, and placing the others in the scenario's area
(:func:`scenario_context`, a :class:`~posturemap.geo.geocode.Context`); it
raises a :class:`~posturemap.geo.errors.ScenarioError` naming each place it
could not place reliably, with the candidates.
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import GeocodeError, ScenarioError
from .geocode import Context, GazetteerGeocoder, ResolvedPlace, geocode_one
from .online import OnlineGeocoder
from .settings import DEFAULT_SETTINGS, Settings


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
            column = "query" if place.query else "name"
            problems.append(scenario.problem("places", index, place.line, str(error), column=column))
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
