"""The records a scenario becomes: phases, actors, sources, places, deployments...

These are plain frozen dataclasses with the kinds as ``Literal`` types.  How
each is written in a file (keys, types, which are required, help text) is
declared once in :mod:`posturemap.geo.format`; reading and checking a file is
:mod:`posturemap.geo.validate`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from .errors import Problem, UnknownIdError
from .personnel import Personnel

PlaceKind = Literal["airbase", "base", "capital", "city", "country", "other"]
Status = Literal["active", "withdrawn", "planned", "unknown"]
MovementKind = Literal["withdrawal", "relocation", "arrival", "deployment", "other"]
BuiltinRegion = Literal["sahel"]
#: How figures write thousands and decimals (see :data:`posturemap.geo.settings.NUMBER_FORMATS`).
NumberFormat = Literal["en", "de", "fr"]

PLACE_KINDS: tuple[str, ...] = get_args(PlaceKind)
STATUSES: tuple[str, ...] = get_args(Status)
MOVEMENT_KINDS: tuple[str, ...] = get_args(MovementKind)
BUILTIN_REGIONS: tuple[str, ...] = get_args(BuiltinRegion)
NUMBER_FORMAT_CODES: tuple[str, ...] = get_args(NumberFormat)


#: How much of a date a scenario gave: ``2024-05-19``, ``2024-05`` or ``2024``.
DATE_PRECISIONS = ("day", "month", "year")


def date_precision(date_text: str | None) -> str:
    """``day``, ``month`` or ``year``: how much of a date its text gives (``None``: a full date)."""
    if date_text is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", date_text):
        return "day"
    return "month" if re.fullmatch(r"\d{4}-\d{2}", date_text) else "year"


def partial_date_text(raw: Any) -> str | None:
    """A date's text when it gives only a month or a year (``2022-02``, ``2022``), else None.

    YAML reads ``2022`` as a number and ``2022-02-24`` as a date, so both are
    looked at as written.
    """
    if raw is None or isinstance(raw, (dt.date, bool)):
        return None
    text = str(raw).strip()
    return text if re.fullmatch(r"\d{4}(-\d{2})?", text) else None


@dataclass(frozen=True)
class Phase:
    id: str
    label: str
    date: dt.date
    #: The date as written when it was partial (``2022-02``, ``2022``); ``date`` is its first day.
    date_text: str | None = None

    @property
    def date_precision(self) -> str:
        """``day``, ``month`` or ``year``."""
        return date_precision(self.date_text)


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    color: str | None = None


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str | None = None
    date: dt.date | None = None
    url: str | None = None
    #: How many body paragraphs the source has, when the scenario says; an
    #: anchor past the last one is an error.
    paragraphs: int | None = None


@dataclass(frozen=True)
class SourceRef:
    """A citation: a source id and, optionally, a paragraph anchor (``report#3``, from 1)."""

    source: str
    anchor: str | None = None

    def __str__(self) -> str:
        return f"{self.source}#{self.anchor}" if self.anchor else self.source


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    query: str | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    kind: PlaceKind = "other"
    note: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Figure:
    """One report's figure, with the sources that give it."""

    personnel: Personnel
    sources: tuple[SourceRef, ...]

    def __str__(self) -> str:
        cited = ", ".join(str(ref) for ref in self.sources)
        return f"{self.personnel.text} ({cited})" if cited else str(self.personnel.text)


@dataclass(frozen=True)
class Deployment:
    actor: str
    place: str
    phase: str
    personnel: Personnel
    status: Status = "active"
    note: str | None = None
    sources: tuple[SourceRef, ...] = ()
    line: int = 0
    figures: tuple[Figure, ...] = ()


@dataclass(frozen=True)
class Movement:
    actor: str
    origin: str
    destination: str
    phase: str
    personnel: Personnel
    kind: MovementKind = "relocation"
    note: str | None = None
    sources: tuple[SourceRef, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Event:
    date: dt.date
    text: str
    place: str | None = None
    sources: tuple[SourceRef, ...] = ()
    #: The date as written, when it gave only a month or a year (derived, not a key).
    date_text: str | None = None


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    builtin: BuiltinRegion | None = None
    countries: tuple[str, ...] = ()
    geojson: Path | None = None
    geometry: dict | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Scenario:
    """A validated scenario.  Build one with :func:`load_scenario`."""

    path: Path
    title: str
    description: str | None
    phases: tuple[Phase, ...]
    actors: tuple[Actor, ...]
    sources: tuple[Source, ...]
    places: tuple[Place, ...]
    deployments: tuple[Deployment, ...]
    movements: tuple[Movement, ...] = ()
    events: tuple[Event, ...] = ()
    regions: tuple[Region, ...] = ()
    #: How figures write thousands and decimals: ``en`` (1,500.5), ``de`` (1.500,5), ``fr`` (1 500,5).
    number_format: NumberFormat = "en"
    #: The area the scenario is about, (west, south, east, north) in degrees, when given.
    area: tuple[float, float, float, float] | None = None
    #: ``view: [west, south, east, north]`` in degrees: the pages open on this box
    #: instead of fitting the sites.
    view: tuple[float, float, float, float] | None = None
    #: The sections read from tables, with where each came from (a CSV file, or
    #: ``book.xlsx:sheet``): (section, origin) pairs.
    origins: tuple[tuple[str, str], ...] = ()

    def problem(self, section: str, index: int, line: int, message: str, *, column: str = "") -> Problem:
        """A problem with record ``index`` of ``section``, addressed where that record is written.

        ``FILE:LINE: section[index].column`` in the scenario file, and
        ``TABLE:ROW: column`` for a section read from a table (``line`` is then
        the row's line), as the validator's problems are.
        """
        for name, origin in self.origins:
            if name == section:
                return Problem(origin, line, column, message)
        field = f"{section}[{index}]" + (f".{column}" if column else "")
        return Problem(str(self.path), line, field, message)

    def phase(self, phase_id: str) -> Phase:
        """The phase with this id; :class:`UnknownIdError` (a ``KeyError``) lists the ids otherwise."""
        return _by_id(self.phases, phase_id, "phase")

    def place(self, place_id: str) -> Place:
        """The place with this id; :class:`UnknownIdError` lists the ids otherwise."""
        return _by_id(self.places, place_id, "place")

    def actor(self, actor_id: str) -> Actor:
        """The actor with this id; :class:`UnknownIdError` lists the ids otherwise."""
        return _by_id(self.actors, actor_id, "actor")

    def source(self, source_id: str) -> Source:
        """The source with this id; :class:`UnknownIdError` lists the ids otherwise."""
        return _by_id(self.sources, source_id, "source")


def _by_id(items, ident: str, what: str):
    for item in items:
        if item.id == ident:
            return item
    raise UnknownIdError(what, ident, [item.id for item in items])
