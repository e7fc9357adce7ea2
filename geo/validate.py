"""The rules of each section, on top of the field tables.

:class:`Validator` reads a parsed document section by section: every key is
checked and read by its row in :mod:`posturemap.geo.format` (through
:class:`~posturemap.geo.readers.FieldReader`), then the rules that join
several fields are applied (phases in date order, ``lat`` with ``lon``, one
deployment per actor, place and phase ...).  Problems are collected, never
raised; :func:`posturemap.geo.scenario.load_scenario` raises them together.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any

from .columns import ColumnTable, NeedsRows, RecordColumns, read_deployments, read_places
from .fields import column_token
from .format import SCENARIO, SECTIONS
from .model import Actor, Deployment, Event, Figure, Movement, Phase, Place, Region, Scenario, Source
from .model import partial_date_text as _partial_date_text
from .personnel import combine
from .readers import FieldReader
from .settings import NUMBER_FORMATS
from .yamlsource import LocatedDict, LocatedList


class Validator(FieldReader):
    """Collects every problem while building the scenario objects."""

    def each(self, document: LocatedDict, section: str) -> list[tuple[str, LocatedDict, dict[str, Any]]]:
        """Each record of a list section: where it is, the record, and its fields read by the table."""
        required = SCENARIO.field(section).required
        # Fields whose reading depends on another field: the section reads them itself.
        skip = {"deployments": ("personnel", "sources"), "regions": ("builtin", "countries", "geojson")}
        return [
            (
                f"{section}[{index}]",
                record,
                self.fields(record, SECTIONS[section], f"{section}[{index}]", skip=skip.get(section, ())),
            )
            for index, record in self.records(document, section, required=required)
        ]

    def scenario(self, document: LocatedDict) -> Scenario | None:
        self.unknown_keys(document, set(SCENARIO.keys), "")
        self.number_format = self.choice(document, "number_format", "", tuple(NUMBER_FORMATS), "en")
        title = self.text(document, "title", "", required=True)
        description = self.text(document, "description", "", required=False)
        phases = self.phases(document)
        actors = self.actors(document)
        self.column_tokens(document, "phases", [phase.id for phase in phases])
        self.column_tokens(document, "actors", [actor.id for actor in actors])
        sources = self.sources(document)
        places = self.places(document)
        deployments = self.deployments(document)
        movements = self.movements(document)
        events = self.events(document)
        regions = self.regions(document)
        area = self.read(document, SCENARIO, SCENARIO.field("area"), "")
        view = self.read(document, SCENARIO, SCENARIO.field("view"), "")
        if self.problems:
            return None
        return Scenario(
            self.path,
            title or "",
            description,
            tuple(phases),
            tuple(actors),
            tuple(sources),
            tuple(places),
            tuple(deployments),
            tuple(movements),
            tuple(events),
            tuple(regions),
            self.number_format,  # type: ignore[arg-type]
            area,
            view,
        )

    def phases(self, document: LocatedDict) -> list[Phase]:
        phases = []
        for _where, record, values in self.each(document, "phases"):
            ident, date = values["id"], values["date"]
            if ident and date:
                label = values["label"] or ident
                phases.append(Phase(ident, label, date, _partial_date_text(record.get("date"))))
        if isinstance(document.get("phases"), list) and len(document["phases"]) < 2:
            self.problem(document.line_of("phases"), "phases", "needs at least two phases (before and after)")
        for earlier, later in pairwise(phases):
            if later.date < earlier.date:
                self.problem(
                    document.line_of("phases"),
                    "phases",
                    f"phase {later.id!r} ({later.date}) comes before {earlier.id!r} "
                    f"({earlier.date}); list phases in date order",
                )
        self.known["phase"] = {phase.id: phase for phase in phases}
        return phases

    def actors(self, document: LocatedDict) -> list[Actor]:
        actors = [
            Actor(values["id"], values["name"], values["color"])
            for _where, _record, values in self.each(document, "actors")
            if values["id"] and values["name"]
        ]
        self.known["actor"] = {actor.id: actor for actor in actors}
        return actors

    def column_tokens(self, document: LocatedDict, key: str, ids: list[str]) -> None:
        """Refuse two ids that would name the same export column (``early-2022``, ``Early_2022``)."""
        first: dict[str, str] = {}
        for index, ident in enumerate(ids):
            token = column_token(ident)
            if token in first:
                self.problem(
                    document.line_of(key),
                    f"{key}[{index}].id",
                    f"{ident!r} and {first[token]!r} both become {token!r} in column names "
                    f"(lower case, '_' for other characters); rename one",
                )
            else:
                first[token] = ident

    def sources(self, document: LocatedDict) -> list[Source]:
        sources = [
            Source(**values)
            for _where, _record, values in self.each(document, "sources")
            if values["id"] and values["title"]
        ]
        self.known["source"] = {source.id: source for source in sources}
        return sources

    def by_columns(
        self, document: LocatedDict, section: str, read: Callable[..., list[Any]]
    ) -> list[Any] | None:
        """A long section read a column at a time (:mod:`posturemap.geo.columns`), or ``None``
        when it has a problem or a form the record reader is left to read.

        A table read as columns has no records to fall back on: its
        :class:`NeedsRows` goes up, and the scenario is read again with its rows.
        """
        value = document.get(section)
        if isinstance(value, ColumnTable):
            return read(value, self)
        if not isinstance(value, LocatedList):
            return None
        what = SECTIONS[section].what
        seen, declared = dict(self.seen.get(what, {})), set(self.declared.get(what, ()))
        problems = len(self.problems)
        try:
            return read(RecordColumns(value, SECTIONS[section]), self)
        except NeedsRows:
            self.seen[what], self.declared[what] = seen, declared
            del self.problems[problems:]
            return None

    def places(self, document: LocatedDict) -> list[Place]:
        places = self.by_columns(document, "places", read_places)
        if places is not None:
            self.known["place"] = {place.id: place for place in places}
            return places
        places = []
        for where, record, values in self.each(document, "places"):
            has_lat, has_lon = record.get("lat") is not None, record.get("lon") is not None
            if has_lat != has_lon:
                missing = "lon" if has_lat else "lat"
                self.problem(
                    record.line,
                    f"{where}.{missing}",
                    "missing; give both `lat:` and `lon:`, or neither and a `query:`",
                )
            if not has_lat and not has_lon and values["query"] is None:
                self.problem(
                    record.line, where, "has neither `query:` nor `lat:`/`lon:`; add one so it can be placed"
                )
            if values["id"] and values["name"]:
                places.append(Place(**values, line=record.line))
        self.known["place"] = {place.id: place for place in places}
        return places

    def deployments(self, document: LocatedDict) -> list[Deployment]:
        deployments = self.by_columns(document, "deployments", read_deployments)
        if deployments is not None:
            return deployments
        deployments = []
        seen: dict[tuple[str, str, str], int] = {}
        for where, record, values in self.each(document, "deployments"):
            figures = self.figures(record, where)
            personnel = (
                combine([figure.personnel for figure in figures])
                if figures
                else self.personnel(record, "personnel", where)
            )
            table = SECTIONS["deployments"]
            refs = self.citations(record, where, self.known.get("source", {}), required=not figures)
            refs = tuple(dict.fromkeys([*refs, *(ref for f in figures for ref in f.sources)]))
            if values["status"] == "withdrawn" and personnel.estimate:
                self.problem(
                    record.line_of("personnel"),
                    f"{where}.personnel",
                    f"is {personnel.text!r} but status is withdrawn; give 0 or null, or change the status",
                )
            actor, place, phase = values["actor"], values["place"], values["phase"]
            if actor and place and phase:
                key = (actor, place, phase)
                if key in seen:
                    self.problem(
                        record.line,
                        where,
                        f"duplicate {table.what} of {actor!r} at {place!r} in {phase!r} "
                        f"(first on line {seen[key]}); merge them into one record",
                    )
                seen[key] = record.line
                deployments.append(
                    Deployment(
                        actor,
                        place,
                        phase,
                        personnel,
                        values["status"],
                        values["note"],
                        refs,
                        record.line,
                        figures,
                    )
                )
        return deployments

    def figures(self, record: LocatedDict, where: str) -> tuple[Figure, ...]:
        """Read ``personnel`` given as a list of reports: ``[{value, sources}, ...]``."""
        value = record.get("personnel")
        if not isinstance(value, LocatedList):
            return ()
        figures = []
        for index, item in enumerate(value):
            name = f"{where}.personnel[{index}]"
            if not isinstance(item, LocatedDict):
                self.problem(
                    value.line_of(index), name, "expected `{value: 'about 1,000', sources: [report#2]}`"
                )
                continue
            values = self.fields(item, SECTIONS["figures"], name)
            figures.append(Figure(values["value"], values["sources"]))
        if not figures and not value:
            self.problem(value.line, f"{where}.personnel", "is an empty list; give a figure or null")
        return tuple(figures)

    def movements(self, document: LocatedDict) -> list[Movement]:
        movements = []
        for where, record, values in self.each(document, "movements"):
            actor, origin, destination = values["actor"], values["from"], values["to"]
            if origin and destination and origin == destination:
                self.problem(
                    record.line_of("to"),
                    f"{where}.to",
                    "is the same place as `from`; a movement needs two places",
                )
                continue
            if actor and origin and destination and values["phase"]:
                movements.append(
                    Movement(
                        actor,
                        origin,
                        destination,
                        values["phase"],
                        values["personnel"],
                        values["kind"],
                        values["note"],
                        values["sources"],
                        record.line,
                    )
                )
        return movements

    def events(self, document: LocatedDict) -> list[Event]:
        events = [
            Event(
                values["date"],
                values["text"],
                values["place"],
                values["sources"],
                _partial_date_text(record.get("date")),
            )
            for _where, record, values in self.each(document, "events")
            if values["date"] and values["text"]
        ]
        return sorted(events, key=lambda event: event.date)

    def regions(self, document: LocatedDict) -> list[Region]:
        from .regions import read_region_file

        regions = []
        table = SECTIONS["regions"]
        for where, record, values in self.each(document, "regions"):
            ident = values["id"]
            name = values["name"] or ident
            given = [key for key in ("builtin", "countries", "geojson") if record.get(key) is not None]
            if len(given) != 1:
                self.problem(
                    record.line,
                    where,
                    "needs exactly one of `builtin: sahel`, `countries: [..]` or "
                    "`geojson: path`" + (f"; it has {', '.join(given)}" if given else ""),
                )
                continue
            builtin = countries = geojson = geometry = None
            if given == ["builtin"]:
                builtin = self.read(record, table, table.field("builtin"), where)
                if not builtin:
                    continue
            elif given == ["countries"]:
                countries = self.country_list(record, where)
                if countries is None:
                    continue
            else:
                found = read_region_file(self.path, str(record["geojson"]))
                if isinstance(found, str):
                    self.problem(record.line_of("geojson"), f"{where}.geojson", found)
                    continue
                geojson, geometry = found
            if ident:
                regions.append(
                    Region(ident, name or ident, builtin, tuple(countries or ()), geojson, geometry)
                )
        return regions

    def country_list(self, record: LocatedDict, where: str) -> list[str] | None:
        value = record["countries"]
        if not isinstance(value, list) or not value:
            self.problem(
                record.line_of("countries"),
                f"{where}.countries",
                "expected a non-empty list of ISO alpha-2 codes, e.g. [ML, NE, TD]",
            )
            return None
        from .countries import country_codes

        known = country_codes()
        codes = []
        for index, item in enumerate(value):
            code = str(item).strip().upper()
            if code not in known:
                self.problem(
                    value.line_of(index),
                    f"{where}.countries[{index}]",
                    f"{item!r} is not an ISO 3166 alpha-2 code of a country posturemap knows; write e.g. NE",
                )
                return None
            codes.append(code)
        return codes
