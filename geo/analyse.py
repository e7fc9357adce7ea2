"""What changed between two phases, and totals by country.

Two rules hold in every output (changes.geojson, countries.geojson,
summary.csv, ``posturemap diff``):

- A withdrawn site counts as 0 (see :func:`posturemap.geo.join.sites_frame`),
  so a withdrawal's delta is minus what was there before, range included.
- A (place, actor) with no record in a phase is *not recorded*: null, never 0.
  A reported figure that is unknown stays unknown.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from .countries import countries
from .errors import UnknownIdError
from .fields import phase_actor_column, phase_column
from .join import PERSONNEL_COLUMNS, PostureData, records, records_frame, rows_by_place

CHANGES = ("withdrawn", "new", "reduced", "increased", "unchanged", "unknown")
#: What ``before_status``/``after_status`` say when a phase has no record.
NOT_RECORDED = "not recorded"
#: Movement kinds that bring an actor's forces to the movement's destination:
#: such a movement says a site recorded only afterwards is new.
ARRIVING_MOVEMENTS = ("arrival", "deployment", "relocation")


def _known(value) -> int | None:
    """A count as an int, or None when it is missing (None, pandas' NA, or NaN)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return int(value)


def _here(row) -> bool:
    """Forces are at the site: recorded, not withdrawn, not planned, not a figure of 0."""
    if row is None or row["status"] in ("withdrawn", "planned"):
        return False
    return _known(row["personnel"]) != 0


def _classify(before, after, *, announced: bool) -> str:
    """Name the change of one (place, actor) between two phases.

    ``before``/``after`` are the site rows (None: not recorded); ``announced``
    says the scenario marks the site as new (a planned deployment, or an
    arriving movement between the two phases).
    """
    if any(row is not None and row["status"] == "unknown" for row in (before, after)):
        return "unknown"
    if after is None:
        return "unknown"  # not recorded is not 0: nothing says whether they left
    if after["status"] == "withdrawn" or _known(after["personnel"]) == 0:
        if before is not None and not _here(before) and before["status"] != "planned":
            return "unchanged"  # none before, none after
        return "withdrawn"
    if before is None:
        return "new" if announced else "unknown"
    if not _here(before):
        return "new"  # the record says none were there (withdrawn, 0 or only planned)
    old, new = _known(before["personnel"]), _known(after["personnel"])
    if old is None or new is None:
        return "unknown"
    if new < old:
        return "reduced"
    if new > old:
        return "increased"
    return "unchanged"


def _difference(high, low) -> int | None:
    high, low = _known(high), _known(low)
    return None if high is None or low is None else high - low


def _phase_ids(data: PostureData, from_phase: str | None, to_phase: str | None) -> tuple[str, str]:
    phase_ids = [phase.id for phase in data.scenario.phases]
    chosen = (from_phase or phase_ids[0], to_phase or phase_ids[-1])
    for phase in chosen:
        if phase not in phase_ids:
            raise UnknownIdError("phase", phase, phase_ids)
    return chosen


def _announced(data: PostureData, from_phase: str, to_phase: str) -> set[tuple[str, str]]:
    """(place, actor) pairs the scenario itself marks as new by ``to_phase``.

    A deployment with ``status: planned`` in a phase up to ``to_phase``, or a
    movement that brings the actor to the place (:data:`ARRIVING_MOVEMENTS`)
    after ``from_phase`` and by ``to_phase``.
    """
    order = {phase.id: index for index, phase in enumerate(data.scenario.phases)}
    first, last = order[from_phase], order[to_phase]
    pairs = {
        (deployment.place, deployment.actor)
        for deployment in data.scenario.deployments
        if deployment.status == "planned" and order[deployment.phase] <= last
    }
    pairs |= {
        (movement.destination, movement.actor)
        for movement in data.scenario.movements
        if movement.kind in ARRIVING_MOVEMENTS and first < order[movement.phase] <= last
    }
    return pairs


def changes(
    data: PostureData, *, from_phase: str | None = None, to_phase: str | None = None
) -> gpd.GeoDataFrame:
    """One row per (place, actor) recorded in either phase: before, after, delta and change.

    ``before_personnel``/``after_personnel`` are the estimates, with their ranges in
    ``before_min`` … ``after_max``; ``delta`` and its range
    (``delta_min`` = after_min − before_max, ``delta_max`` = after_max −
    before_min; null when open) follow.  A phase without a record of the
    pair is null there, with status ``not recorded``: it is not 0.  A
    withdrawn site is 0.  ``change`` is one of :data:`CHANGES`; a pair
    recorded only in the later phase is ``new`` only when the scenario says
    so (see :func:`_announced`), otherwise ``unknown``.

    Parameters
    ----------
    data : PostureData
    from_phase, to_phase : str, optional
        Phase ids; the first and last phase by default.

    Raises
    ------
    UnknownIdError
        When a phase id is not in the scenario (the message lists the ids).
    """
    from_phase, to_phase = _phase_ids(data, from_phase, to_phase)
    needed = ["place", "actor", "phase", "status", "sources", "personnel_text", *PERSONNEL_COLUMNS]
    sites = records(data.sites[needed])
    keyed = {(row["place"], row["actor"], row["phase"]): row for row in sites}
    pairs = list(
        dict.fromkeys((row["place"], row["actor"]) for row in sites if row["phase"] in (from_phase, to_phase))
    )
    announced = _announced(data, from_phase, to_phase)
    actor_names = {actor.id: actor.name for actor in data.scenario.actors}
    places = rows_by_place(data.places[["place", "name", "country", "geometry"]])
    rows = []
    for place, actor in pairs:
        before = keyed.get((place, actor, from_phase))
        after = keyed.get((place, actor, to_phase))

        def value(row, column: str):
            return None if row is None else _known(row[column])

        old, new = value(before, "personnel"), value(after, "personnel")
        old_min, old_max = value(before, "personnel_min"), value(before, "personnel_max")
        new_min, new_max = value(after, "personnel_min"), value(after, "personnel_max")
        if old is None or new is None:
            delta = delta_min = delta_max = None
        else:
            # An open lower bound ("up to 100") is 0: nobody counts fewer than none.
            delta = new - old
            delta_min = _difference(new_min or 0, old_max)
            delta_max = _difference(new_max, old_min or 0)
        rows.append(
            {
                "id": f"{place}/{actor}",
                "place": place,
                "name": places[place]["name"],
                "actor": actor,
                "actor_name": actor_names[actor],
                "from_phase": from_phase,
                "to_phase": to_phase,
                "before_personnel": old,
                "after_personnel": new,
                "delta": delta,
                "before_min": old_min,
                "before_max": old_max,
                "after_min": new_min,
                "after_max": new_max,
                "delta_min": delta_min,
                "delta_max": delta_max,
                "before_text": before["personnel_text"] if before is not None else None,
                "after_text": after["personnel_text"] if after is not None else None,
                "before_status": before["status"] if before is not None else NOT_RECORDED,
                "after_status": after["status"] if after is not None else NOT_RECORDED,
                "change": _classify(before, after, announced=(place, actor) in announced),
                "country": places[place]["country"],
                "sources": list(
                    dict.fromkeys(
                        [
                            *(before["sources"] if before is not None else []),
                            *(after["sources"] if after is not None else []),
                        ]
                    )
                ),
                "geometry": places[place]["geometry"],
            }
        )
    counts = ("before_personnel", "after_personnel", "delta", "before_min", "before_max")
    counts = (*counts, "after_min", "after_max", "delta_min", "delta_max")
    columns = ["id", "place", "name", "actor", "actor_name", "from_phase", "to_phase", *counts]
    columns += ["before_text", "after_text", "before_status", "after_status", "change", "country", "sources"]
    return records_frame(rows, columns, counts=counts)


def _total(group: pd.DataFrame) -> dict[str, int | None]:
    """Personnel of several sites together, by the rules every output shares.

    The estimate sums the known estimates and is null when no site has one.
    The minimum sums the known minimums (an unknown figure or an open lower
    bound adds 0: nobody counts fewer than none), so it is never above the
    estimate; it is null with the estimate.  The maximum is null (open) as
    soon as one site's is unknown or open.
    """
    estimates = [_known(value) for value in group["personnel"].tolist()]
    known = [value for value in estimates if value is not None]
    if not known:
        return {"personnel": None, "personnel_min": None, "personnel_max": None}
    lows = [_known(value) for value in group["personnel_min"].tolist()]
    highs = [_known(value) for value in group["personnel_max"].tolist()]
    return {
        "personnel": sum(known),
        "personnel_min": sum(
            low or 0 for low, estimate in zip(lows, estimates, strict=True) if estimate is not None
        ),
        "personnel_max": None if None in highs else sum(highs),
    }


def summary(data: PostureData) -> pd.DataFrame:
    """Personnel by phase, actor and country: estimates and ranges summed as :func:`_total` says.

    Only recorded sites count; a (phase, actor, country) with no record has
    no row.  ``sites_without_figure`` counts the sites whose figure is unknown,
    which the estimate leaves out.
    """
    sites = data.sites
    order = {phase.id: index for index, phase in enumerate(data.scenario.phases)}
    rows = []
    for (phase, actor, country), group in sites.groupby(["phase", "actor", "country"], sort=False):
        rows.append(
            {
                "phase": phase,
                "actor": actor,
                "country": country,
                **_total(group),
                "sites": len(group),
                "sites_without_figure": int(group["personnel"].isna().sum()),
            }
        )
    columns = ["phase", "actor", "country", "personnel", "personnel_min", "personnel_max", "sites"]
    frame = pd.DataFrame(rows, columns=[*columns, "sites_without_figure"])
    frame["phase_order"] = frame["phase"].map(order)
    frame = frame.sort_values(["phase_order", "actor", "country"]).drop(columns="phase_order")
    for column in ("personnel", "personnel_min", "personnel_max"):
        frame[column] = pd.array(frame[column], dtype="Int64")
    return frame.reset_index(drop=True)


def countries_frame(data: PostureData) -> gpd.GeoDataFrame:
    """Country polygons with personnel per phase and per phase and actor.

    Made once per :class:`PostureData` (the page, the GeoJSON and the
    GeoPackage all use it); each call returns a copy, so a caller may change it.
    See :func:`_countries_frame` for the columns.
    """
    frame = data.derived.get("countries")
    if frame is None:
        frame = data.derived["countries"] = _countries_frame(data)
    return frame.copy()


def _countries_frame(data: PostureData) -> gpd.GeoDataFrame:
    """Country polygons with personnel per phase (``personnel_<phase>``) and per
    phase and actor (``personnel_<phase>__<actor>``), for countries with any site.

    Phase and actor ids enter the names as :func:`~posturemap.geo.fields.column_token`
    makes them: ``personnel_before_coup__us`` for phase ``before-coup``, actor ``us``.
    Each value is the estimate :func:`summary` gives for the same sites: null
    where nothing is recorded or no recorded figure is known, never 0 for
    "not recorded"; a withdrawn site counts as 0.
    """
    sites = data.sites
    codes = sorted(
        {
            code
            for code in sites["country"].dropna()
            if countries().get(code) and countries()[code].drawn is not None
        }
    )
    # One grouping instead of a filter per country, phase and actor.
    groups = {key: group for key, group in sites.groupby(["country", "phase", "actor"])}
    rows = []
    for code in codes:
        row = {"id": code, "country": code, "name": countries()[code].name}
        for phase in data.scenario.phases:
            by_actor = {}
            for actor in data.scenario.actors:
                group = groups.get((code, phase.id, actor.id))
                by_actor[actor.id] = None if group is None else _total(group)["personnel"]
            known = [value for value in by_actor.values() if value is not None]
            row[phase_column(phase.id)] = sum(known) if known else None
            for actor in data.scenario.actors:
                row[phase_actor_column(phase.id, actor.id)] = by_actor[actor.id]
        # As drawn (simplified 1:10m): the 1:10m outline would make every file and page heavy.
        row["geometry"] = countries()[code].drawn
        rows.append(row)
    counts = tuple(column for column in rows[0] if column.startswith("personnel_")) if rows else ()
    return records_frame(rows, ["id", "country", "name"], counts=counts)
