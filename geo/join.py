"""Join a scenario's records to points and areas: the GeoDataFrames posturemap draws.

Every frame is in EPSG:4326 with plain, JSON-safe columns.  Sites and
movements carry their country (from Natural Earth's 1:10m outlines), whether
that country is certain (``country_certain``: false near a border nothing
decided, see :mod:`posturemap.geo.borders`) and whether they lie in the Sahel
band.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod
from shapely.geometry import LineString, Point

from .borders import CountryFix, locate_countries, settle_by_gazetteer
from .countries import countries, country_name
from .errors import Problem, ScenarioError
from .regions import region_geometry, sahel_band
from .scenario import Scenario
from .settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:
    from .geocode import ResolvedPlace

CRS = "EPSG:4326"
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class PostureData:
    """Everything geo derives from a scenario, ready to draw or export."""

    scenario: Scenario
    places: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    movements: gpd.GeoDataFrame
    regions: gpd.GeoDataFrame
    #: Things the build says but does not refuse: places whose country is uncertain.
    warnings: tuple[Problem, ...] = ()
    #: Frames derived from the others (the countries frame), made once on first use
    #: (:func:`posturemap.geo.analyse.countries_frame`) and shared by every output.
    derived: dict = field(default_factory=dict, compare=False, repr=False, hash=False)


def _refs(refs) -> list[str]:
    return [str(ref) for ref in refs]


PERSONNEL_COLUMNS = ("personnel", "personnel_min", "personnel_max")
#: What :func:`_personnel` gives: the counts and the report's wording.
PERSONNEL_TEXT_COLUMNS = ("personnel", "personnel_text", "personnel_min", "personnel_max")


def _personnel(personnel, *, status: str = "active") -> dict:
    """The personnel columns every layer shares: estimate, wording, range.

    A withdrawn site counts as 0 whatever its wording (often none: the reports
    say the troops left, not "0"), so every total and every change counts the
    withdrawal.  The wording stays as the report gave it.
    """
    if status == "withdrawn":
        return {"personnel": 0, "personnel_text": personnel.text, "personnel_min": 0, "personnel_max": 0}
    return {
        "personnel": personnel.estimate,
        "personnel_text": personnel.text,
        "personnel_min": personnel.minimum,
        "personnel_max": personnel.maximum,
    }


def records_frame(
    rows: list[dict], columns: list[str], *, counts: tuple[str, ...] = PERSONNEL_COLUMNS
) -> gpd.GeoDataFrame:
    """Rows (each with a ``geometry``) as a GeoDataFrame in EPSG:4326.

    With no rows the frame still has ``columns``; ``counts`` become nullable
    integers, so an unknown figure stays null rather than turning into NaN.
    """
    if rows:
        frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    else:
        frame = gpd.GeoDataFrame({column: [] for column in columns}, geometry=[], crs=CRS)
    for column in counts:
        frame[column] = pd.array(frame[column], dtype="Int64")
    return frame


def columns_frame(
    columns: dict[str, list], geometry, names: list[str], *, counts: tuple[str, ...] = PERSONNEL_COLUMNS
) -> gpd.GeoDataFrame:
    """Columns (lists of equal length) and their geometries as a GeoDataFrame in EPSG:4326.

    ``counts`` become nullable integers, so an unknown figure stays null
    rather than turning into NaN; with no rows the frame still has ``names``.
    """
    if not len(geometry):
        return records_frame([], names, counts=counts)
    frame = gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries(geometry, crs=CRS).array, crs=CRS)
    for column in counts:
        frame[column] = pd.array(frame[column], dtype="Int64")
    return frame


def _settle(place, where: ResolvedPlace, fix: CountryFix) -> CountryFix:
    """An uncertain country decided by what else is known, when it can be."""
    from dataclasses import replace

    if fix.certain or fix.disputed:
        return fix
    if where.method == "gazetteer" and where.country in fix.candidates:
        # The place was found by name in the gazetteer, which files it under one country.
        return replace(fix, code=where.country, certain=True, decided_by="gazetteer")
    return settle_by_gazetteer(fix, where.lon, where.lat)


def _uncertain_message(fix: CountryFix) -> str:
    if fix.disputed:
        drawn, *others = [fix.code, *[code for code in fix.candidates if code != fix.code]]
        return (
            f"lies in {fix.disputed}, which the basemap draws as {drawn} and GeoNames files under "
            f"{'/'.join(others)}; add country: to say which"
        )
    km = max(math.ceil((fix.border_km or 0.0) * 10) / 10, 0.1)
    return f"lies within {km:g} km of the {fix.border} border; add country: to say which"


def places_frame(
    scenario: Scenario, resolved: dict[str, ResolvedPlace], *, settings: Settings = DEFAULT_SETTINGS
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """One row per place with its point, country, Sahel membership and how it was placed.

    A place may lie :attr:`Settings.country_tolerance_degrees` outside the
    outline of the country it declares.

    Returns
    -------
    (GeoDataFrame, list of Problem)
        The places, and one warning per place whose country the outlines
        cannot tell and nothing else decided (``country_certain`` false).

    Raises
    ------
    ScenarioError
        When a place lies far outside the country it declares (often swapped
        ``lat``/``lon``, or a wrong gazetteer match).
    """
    located = [resolved[place.id] for place in scenario.places]
    lons, lats = [where.lon for where in located], [where.lat for where in located]
    points = shapely.points(lons, lats)
    fixes = locate_countries(lons, lats, settings=settings)
    in_sahel = shapely.intersects(sahel_band(), points) if len(points) else []
    rows, problems, warnings = [], [], []
    for index, place in enumerate(scenario.places):
        where, point = located[index], points[index]
        fix = _settle(place, where, fixes[index])
        found, certain = fix.code, fix.certain
        declared = place.country
        if declared and (declared in fix.candidates or place.kind == "country"):
            found, certain = declared, True
        elif declared and declared in countries():
            outline = countries()[declared].geometry
            if outline is not None and outline.distance(point) > settings.country_tolerance_degrees:
                problems.append(
                    scenario.problem(
                        "places",
                        index,
                        place.line,
                        f"lies at {where.lat:.4f}, {where.lon:.4f}, in {country_name(found) or 'no country'}"
                        f", not in {country_name(declared)} ({declared}) as its `country:` says; "
                        "check lat/lon (not swapped?) or the query",
                    )
                )
        elif not certain:
            warnings.append(scenario.problem("places", index, place.line, _uncertain_message(fix)))
        rows.append(
            {
                "id": place.id,
                "place": place.id,
                "name": place.name,
                "kind": place.kind,
                "country": found,
                "country_certain": bool(certain),
                "in_sahel": bool(in_sahel[index]),
                "geocode_query": place.query,
                "geocoded": where.method,
                "matched": where.matched,
                "note": place.note,
                "geometry": point,
            }
        )
    if problems:
        raise ScenarioError(problems)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS), warnings


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain dicts, column by column (pandas' own ``to_dict`` is slow on
    extension arrays, and row lookups in a frame cost far more)."""
    columns = list(frame.columns)
    values = [frame[column].tolist() for column in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def rows_by_place(places: gpd.GeoDataFrame, wanted=None) -> dict[str, dict]:
    """Each place's row as a plain dict, by place id; only the ``wanted`` ids, if given."""
    if wanted is not None:
        wanted = set(wanted)
        places = places[places["place"].isin(wanted)]
    return {record["place"]: record for record in records(places)}


def sites_frame(scenario: Scenario, places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One Point per (place, actor, phase) deployment, in scenario order.

    Built column by column: each place's columns are taken by index, and each
    actor's and phase's values are looked up once, not once per deployment.
    """
    deployments = scenario.deployments
    position = {place_id: index for index, place_id in enumerate(places["place"].tolist())}
    at = np.array([position[deployment.place] for deployment in deployments], dtype=np.intp)

    def place_column(column: str) -> list:
        return places[column].to_numpy(dtype=object)[at].tolist() if len(at) else []

    actors = {actor.id: actor.name for actor in scenario.actors}
    phases = {phase.id: (index, phase) for index, phase in enumerate(scenario.phases)}
    in_phase = [phases[deployment.phase] for deployment in deployments]
    # A text column with gaps holds NaN, not None, once it is in a frame.
    countries_here = [code if isinstance(code, str) else None for code in place_column("country")]
    counts = [_personnel(deployment.personnel, status=deployment.status) for deployment in deployments]
    columns = {
        "id": [f"{d.place}/{d.actor}/{d.phase}" for d in deployments],
        "place": [d.place for d in deployments],
        "name": place_column("name"),
        "kind": place_column("kind"),
        "actor": [d.actor for d in deployments],
        "actor_name": [actors[d.actor] for d in deployments],
        "phase": [d.phase for d in deployments],
        "phase_label": [phase.label for _, phase in in_phase],
        "phase_date": [phase.date for _, phase in in_phase],
        "phase_date_precision": [phase.date_precision for _, phase in in_phase],
        "phase_index": [index for index, _ in in_phase],
        **{column: [row[column] for row in counts] for column in PERSONNEL_TEXT_COLUMNS},
        "figures": [[str(figure) for figure in d.figures] for d in deployments],
        "status": [d.status for d in deployments],
        "country": countries_here,
        "country_name": [country_name(code) for code in countries_here],
        "country_certain": [bool(value) for value in place_column("country_certain")],
        "in_sahel": [bool(value) for value in place_column("in_sahel")],
        "sources": [_refs(d.sources) for d in deployments],
        "note": [d.note for d in deployments],
    }
    geometry = places.geometry.to_numpy()[at] if len(at) else []
    return columns_frame(columns, geometry, SITE_COLUMNS)


SITE_COLUMNS = [
    "id",
    "place",
    "name",
    "kind",
    "actor",
    "actor_name",
    "phase",
    "phase_label",
    "phase_date",
    "phase_date_precision",
    "phase_index",
    "personnel",
    "personnel_text",
    "personnel_min",
    "personnel_max",
    "figures",
    "status",
    "country",
    "country_name",
    "country_certain",
    "in_sahel",
    "sources",
    "note",
]


def geodesic_km(start: Point, end: Point) -> float:
    """The length of the shortest path on the WGS 84 ellipsoid, in km: the line
    :func:`geodesic_line` draws, on the same earth model."""
    return _GEOD.inv(start.x, start.y, end.x, end.y)[2] / 1000


def geodesic_line(start: Point, end: Point, *, segments: int = 32) -> LineString:
    """The shortest path on the WGS 84 ellipsoid, as a densified LineString."""
    inner = _GEOD.npts(start.x, start.y, end.x, end.y, segments - 1)
    return LineString([(start.x, start.y), *inner, (end.x, end.y)])


def movements_frame(scenario: Scenario, places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One geodesic LineString per movement, with its length (``distance_km``, on the WGS 84 ellipsoid)."""
    ends = [place for movement in scenario.movements for place in (movement.origin, movement.destination)]
    by_place = rows_by_place(places, ends)
    rows = []
    for index, movement in enumerate(scenario.movements):
        start = by_place[movement.origin]["geometry"]
        end = by_place[movement.destination]["geometry"]
        personnel = movement.personnel
        rows.append(
            {
                "id": f"{movement.origin}>{movement.destination}/{movement.actor}/{movement.phase}/{index}",
                "actor": movement.actor,
                "actor_name": scenario.actor(movement.actor).name,
                "from_place": movement.origin,
                "to_place": movement.destination,
                "from_name": by_place[movement.origin]["name"],
                "to_name": by_place[movement.destination]["name"],
                "phase": movement.phase,
                "phase_label": scenario.phase(movement.phase).label,
                "phase_date": scenario.phase(movement.phase).date,
                "phase_date_precision": scenario.phase(movement.phase).date_precision,
                **_personnel(personnel),
                "kind": movement.kind,
                "distance_km": round(geodesic_km(start, end), 1),
                "sources": _refs(movement.sources),
                "note": movement.note,
                "geometry": geodesic_line(start, end),
            }
        )
    columns = [
        "id",
        "actor",
        "actor_name",
        "from_place",
        "to_place",
        "from_name",
        "to_name",
        "phase",
        "phase_label",
        "phase_date",
        "phase_date_precision",
        "personnel",
        "personnel_text",
        "personnel_min",
        "personnel_max",
        "kind",
        "distance_km",
        "sources",
        "note",
    ]
    return records_frame(rows, columns)


def regions_frame(scenario: Scenario) -> gpd.GeoDataFrame:
    rows = [
        {"id": region.id, "name": region.name, "geometry": region_geometry(region)}
        for region in scenario.regions
    ]
    if not rows:
        return gpd.GeoDataFrame({"id": [], "name": []}, geometry=[], crs=CRS)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


def join(
    scenario: Scenario, resolved: dict[str, ResolvedPlace], *, settings: Settings = DEFAULT_SETTINGS
) -> PostureData:
    """Turn a validated scenario and its resolved places into GeoDataFrames."""
    places, warnings = places_frame(scenario, resolved, settings=settings)
    return PostureData(
        scenario,
        places,
        sites_frame(scenario, places),
        movements_frame(scenario, places),
        regions_frame(scenario),
        tuple(warnings),
    )
