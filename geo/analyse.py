"""What changed between two phases, and totals by country."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from .countries import countries
from .fields import phase_actor_column, phase_column
from .join import PostureData, records, records_frame, rows_by_place

CHANGES = ("withdrawn", "new", "reduced", "increased", "unchanged", "unknown")


def _present(row) -> bool:
    if row is None or row["status"] == "withdrawn":
        return False
    return not (pd.notna(row["personnel"]) and row["personnel"] == 0)


def _classify(before, after) -> str:
    """Name the change of one (place, actor) between two phases."""
    if any(row is not None and row["status"] == "unknown" for row in (before, after)):
        return "unknown"
    was, now = _present(before), _present(after)
    if was and not now:
        return "withdrawn"
    if now and not was:
        return "new"
    if not was and not now:
        return "unchanged"
    old, new = before["personnel"], after["personnel"]
    if pd.isna(old) or pd.isna(new):
        return "unknown"
    if new < old:
        return "reduced"
    if new > old:
        return "increased"
    return "unchanged"


def changes(
    data: PostureData, *, from_phase: str | None = None, to_phase: str | None = None
) -> gpd.GeoDataFrame:
    """One row per (place, actor) seen in either phase, with before, after, delta and change.

    Parameters
    ----------
    data : PostureData
    from_phase, to_phase : str, optional
        Phase ids; the first and last phase by default.

    Raises
    ------
    KeyError
        When a phase id is not in the scenario (the message lists the ids).
    """
    phase_ids = [phase.id for phase in data.scenario.phases]
    from_phase = from_phase or phase_ids[0]
    to_phase = to_phase or phase_ids[-1]
    for phase in (from_phase, to_phase):
        if phase not in phase_ids:
            msg = f"unknown phase {phase!r}; use one of: {', '.join(phase_ids)}"
            raise KeyError(msg)
    sites = records(data.sites)
    keyed = {(row["place"], row["actor"], row["phase"]): row for row in sites}
    pairs = list(
        dict.fromkeys((row["place"], row["actor"]) for row in sites if row["phase"] in (from_phase, to_phase))
    )
    places = rows_by_place(data.places)
    rows = []
    for place, actor in pairs:
        before = keyed.get((place, actor, from_phase))
        after = keyed.get((place, actor, to_phase))
        # Absent from a phase counts as none there.
        old = before["personnel"] if before is not None else 0
        new = after["personnel"] if after is not None else 0
        change = _classify(before, after)
        delta = pd.NA if (pd.isna(old) or pd.isna(new)) else int(new) - int(old)
        rows.append(
            {
                "id": f"{place}/{actor}",
                "place": place,
                "name": places[place]["name"],
                "actor": actor,
                "actor_name": data.scenario.actor(actor).name,
                "from_phase": from_phase,
                "to_phase": to_phase,
                "before_personnel": old,
                "after_personnel": new,
                "delta": delta,
                "before_text": before["personnel_text"] if before is not None else None,
                "after_text": after["personnel_text"] if after is not None else None,
                "before_status": before["status"] if before is not None else "absent",
                "after_status": after["status"] if after is not None else "absent",
                "change": change,
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
    columns = [
        "id",
        "place",
        "name",
        "actor",
        "actor_name",
        "from_phase",
        "to_phase",
        "before_personnel",
        "after_personnel",
        "delta",
        "before_text",
        "after_text",
        "before_status",
        "after_status",
        "change",
        "country",
        "sources",
    ]
    return records_frame(rows, columns, counts=("before_personnel", "after_personnel", "delta"))


def summary(data: PostureData) -> pd.DataFrame:
    """Personnel by phase, actor and country: sums of the estimates and the ranges."""
    sites = data.sites
    order = {phase.id: index for index, phase in enumerate(data.scenario.phases)}
    rows = []
    for (phase, actor, country), group in sites.groupby(["phase", "actor", "country"], sort=False):

        def total(column: str, group=group):
            # A bound is only known for the group when every site's bound is.
            values = group[column]
            return pd.NA if values.isna().any() else values.sum()

        rows.append(
            {
                "phase": phase,
                "actor": actor,
                "country": country,
                "personnel": int(group["personnel"].sum(skipna=True)),
                "personnel_min": total("personnel_min"),
                "personnel_max": total("personnel_max"),
                "sites": len(group),
                "sites_without_figure": int(group["personnel"].isna().sum()),
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "phase",
            "actor",
            "country",
            "personnel",
            "personnel_min",
            "personnel_max",
            "sites",
            "sites_without_figure",
        ],
    )
    frame["phase_order"] = frame["phase"].map(order)
    frame = frame.sort_values(["phase_order", "actor", "country"]).drop(columns="phase_order")
    for column in ("personnel", "personnel_min", "personnel_max"):
        frame[column] = pd.array(frame[column], dtype="Int64")
    return frame.reset_index(drop=True)


def countries_frame(data: PostureData) -> gpd.GeoDataFrame:
    """Country polygons with personnel per phase (``personnel_<phase>``) and per
    phase and actor (``personnel_<phase>__<actor>``), for countries with any site.

    Phase and actor ids enter the names as :func:`~posturemap.geo.fields.column_token`
    makes them: ``personnel_before_coup__us`` for phase ``before-coup``, actor ``us``.
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
    keys = ["country", "phase", "actor"]
    totals = sites.groupby(keys)["personnel"].sum(min_count=0).to_dict()
    present = set(sites.groupby(keys).size().index)
    rows = []
    for code in codes:
        row = {"id": code, "country": code, "name": countries()[code].name}
        for phase in data.scenario.phases:
            by_actor = {actor.id: totals.get((code, phase.id, actor.id), 0) for actor in data.scenario.actors}
            row[phase_column(phase.id)] = int(sum(by_actor.values()))
            for actor in data.scenario.actors:
                present_here = (code, phase.id, actor.id) in present
                row[phase_actor_column(phase.id, actor.id)] = (
                    int(by_actor[actor.id]) if present_here else None
                )
        # As drawn (simplified 1:10m): the 1:10m outline would make every file and page heavy.
        row["geometry"] = countries()[code].drawn
        rows.append(row)
    counts = tuple(column for column in rows[0] if column.startswith("personnel_")) if rows else ()
    return records_frame(rows, ["id", "country", "name"], counts=counts)
