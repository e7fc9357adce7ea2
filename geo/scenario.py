"""The scenario file: its format, its validation and the objects it becomes.

A scenario is one YAML file.  :func:`load_scenario` reads it, checks every
field and reference, and returns a :class:`Scenario`; any problem, however
many, comes back at once as a :class:`~posturemap.geo.errors.ScenarioError`
whose lines read ``FILE:LINE: field: what is wrong and how to fix it``.

The format is documented field by field in the README.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field, fields, is_dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints
from urllib.parse import urlparse

import yaml

from .errors import Problem, ScenarioError, UnknownIdError
from .fields import column_token
from .personnel import Personnel, combine, parse_personnel
from .settings import DEFAULT_SETTINGS, NUMBER_FORMATS, Settings
from .yamlsource import LocatedDict, LocatedList, TooManyAliasesError, load_yaml

PLACE_KINDS = ("airbase", "base", "capital", "city", "country", "other")
STATUSES = ("active", "withdrawn", "planned", "unknown")
MOVEMENT_KINDS = ("withdrawal", "relocation", "arrival", "deployment", "other")
BUILTIN_REGIONS = ("sahel",)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_SOURCE_REF = re.compile(r"^(?P<id>[^#\s]+)(?:#(?P<anchor>[^\s#]+))?$")


def _coded(kind: str, **options: Any) -> Any:
    """A text field checked against a pattern or a list (an id, a reference, a choice).

    Every other ``str`` field of the records below is free text written by
    people: it reaches pages, images, exports and the terminal only as a value
    (see :func:`text_fields`).
    """
    return field(metadata={"format": kind}, **options)


#: How much of a date a scenario gave: ``2024-05-19``, ``2024-05`` or ``2024``.
DATE_PRECISIONS = ("day", "month", "year")


def date_precision(date_text: str | None) -> str:
    """``day``, ``month`` or ``year``: how much of a date its text gives (``None``: a full date)."""
    if date_text is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", date_text):
        return "day"
    return "month" if re.fullmatch(r"\d{4}-\d{2}", date_text) else "year"


@dataclass(frozen=True)
class Phase:
    id: str = _coded("id")
    label: str
    date: dt.date
    #: The date as written when it was partial (``2022-02``, ``2022``); ``date`` is its first day.
    date_text: str | None = _coded("derived", default=None)

    @property
    def date_precision(self) -> str:
        """``day``, ``month`` or ``year``."""
        return date_precision(self.date_text)


@dataclass(frozen=True)
class Actor:
    id: str = _coded("id")
    name: str
    color: str | None = _coded("color", default=None)


@dataclass(frozen=True)
class Source:
    id: str = _coded("id")
    title: str
    publisher: str | None = None
    date: dt.date | None = None
    url: str | None = _coded("url", default=None)
    #: How many body paragraphs the source has, when the scenario says; an
    #: anchor past the last one is an error.
    paragraphs: int | None = None


@dataclass(frozen=True)
class SourceRef:
    """A citation: a source id and, optionally, a paragraph anchor (``report#3``, from 1)."""

    source: str = _coded("reference")
    anchor: str | None = _coded("anchor", default=None)

    def __str__(self) -> str:
        return f"{self.source}#{self.anchor}" if self.anchor else self.source


@dataclass(frozen=True)
class Place:
    id: str = _coded("id")
    name: str
    query: str | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = _coded("country code", default=None)
    kind: str = _coded("choice", default="other")
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
    actor: str = _coded("reference")
    place: str = _coded("reference")
    phase: str = _coded("reference")
    personnel: Personnel
    status: str = _coded("choice", default="active")
    note: str | None = None
    sources: tuple[SourceRef, ...] = ()
    line: int = 0
    figures: tuple[Figure, ...] = ()


@dataclass(frozen=True)
class Movement:
    actor: str = _coded("reference")
    origin: str = _coded("reference")
    destination: str = _coded("reference")
    phase: str = _coded("reference")
    personnel: Personnel
    kind: str = _coded("choice", default="relocation")
    note: str | None = None
    sources: tuple[SourceRef, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Event:
    date: dt.date
    text: str
    place: str | None = _coded("reference", default=None)
    sources: tuple[SourceRef, ...] = ()
    #: The date as written, when it gave only a month or a year (derived, not a key).
    date_text: str | None = _coded("derived", default=None)


@dataclass(frozen=True)
class Region:
    id: str = _coded("id")
    name: str
    builtin: str | None = _coded("choice", default=None)
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
    number_format: str = _coded("choice", default="en")
    #: The area the scenario is about, (west, south, east, north) in degrees, when given.
    area: tuple[float, float, float, float] | None = None

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


def text_fields() -> dict[str, tuple[str, ...]]:
    """The free-text fields of the format, by section (``""`` for the top level).

    Derived from the record classes: a ``str`` field is free text unless it is
    declared coded (an id, a reference, a choice).  A field added later is
    therefore free text, and covered by the tests that check text stays data,
    until it is declared otherwise.

    Examples
    --------
    >>> text_fields()["phases"]
    ('label',)
    """

    def free_text(record: type) -> tuple[str, ...]:
        hints = get_type_hints(record)
        return tuple(
            item.name
            for item in fields(record)
            if hints[item.name] in (str, str | None) and "format" not in item.metadata
        )

    sections = {"": free_text(Scenario)}
    for section, hint in get_type_hints(Scenario).items():
        if get_origin(hint) is tuple and is_dataclass(get_args(hint)[0]):
            sections[section] = free_text(get_args(hint)[0])
    return sections


def load_scenario(path: str | Path, *, settings: Settings = DEFAULT_SETTINGS) -> Scenario:
    """Read, validate and return a scenario file.

    Parameters
    ----------
    path : str or Path
        The YAML file.
    settings : Settings, optional
        The largest file accepted and the ranges of vague personnel words.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        With every problem found, each located by file, line and field.
    """
    path = Path(path)
    text = _read_text(path, max_bytes=settings.max_file_bytes)
    try:
        document, problems = load_yaml(text, str(path))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        problem = error.problem or "invalid YAML"
        raise ScenarioError.single(
            path, line, "", f"YAML syntax error: {problem}; check indentation, colons and quotes"
        ) from None
    except TooManyAliasesError as error:
        raise ScenarioError.single(path, error.line, "", str(error)) from None
    except yaml.YAMLError as error:
        raise ScenarioError.single(path, 0, "", f"YAML error: {error}") from None
    if document is None:
        raise ScenarioError.single(
            path, 1, "", "the file is empty; start from data/niger.yaml or the README's format"
        )
    if not isinstance(document, LocatedDict):
        raise ScenarioError.single(
            path,
            getattr(document, "line", 1),
            "",
            f"the top level is a {_kind(document)}, not a mapping; it needs keys such as "
            "`title:`, `phases:`, `places:` and `deployments:`",
        )
    validator = _Validator(path, problems, settings=settings)
    scenario = validator.scenario(document)
    if validator.problems:
        raise ScenarioError(validator.problems)
    assert scenario is not None
    return scenario


def _read_text(path: Path, *, max_bytes: int) -> str:
    if not path.exists():
        raise ScenarioError.single(path, 0, "", "no such file; check the path and the current folder")
    if path.is_dir():
        raise ScenarioError.single(path, 0, "", "this is a folder, not a scenario file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ScenarioError.single(path, 0, "", f"cannot read: {error.strerror}") from None
    if len(data) > max_bytes:
        raise ScenarioError.single(
            path,
            0,
            "",
            f"the file is {len(data):,} bytes; scenario files are at most {max_bytes:,} bytes; "
            "split it into several scenarios",
        )
    if b"\x00" in data:
        raise ScenarioError.single(
            path, 1, "", "this is a binary file, not YAML text; give the scenario's .yaml file"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ScenarioError.single(path, line, "", "the file is not UTF-8 text; save it as UTF-8") from None
    if not text.strip():
        raise ScenarioError.single(
            path, 1, "", "the file is empty; start from data/niger.yaml or the README's format"
        )
    return text


def _partial_date_text(raw: Any) -> str | None:
    """A date's text when it gives only a month or a year (``2022-02``, ``2022``), else None.

    YAML reads ``2022`` as a number and ``2022-02-24`` as a date, so both are
    looked at as written.
    """
    if raw is None or isinstance(raw, (dt.date, bool)):
        return None
    text = str(raw).strip()
    return text if re.fullmatch(r"\d{4}(-\d{2})?", text) else None


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "text"
    if value is None:
        return "null"
    return type(value).__name__


class _Validator:
    """Collects every problem while building the scenario objects."""

    def __init__(self, path: Path, problems: list[Problem], *, settings: Settings = DEFAULT_SETTINGS):
        self.path = path
        self.settings = settings
        self.problems = list(problems)
        # Ids declared with a well-formed `id:` even when the rest of their record is
        # wrong; a reference to one is not reported again as "unknown".
        self.declared: dict[str, set[str]] = {}
        self.number_format = "en"

    def problem(self, line: int, field_name: str, message: str) -> None:
        self.problems.append(Problem(str(self.path), line, field_name, message))

    # -- generic field readers --------------------------------------------
    def text(self, record: LocatedDict, key: str, where: str, *, required: bool) -> str | None:
        value = record.get(key)
        if value is None:
            if required:
                self.problem(
                    record.line_of(key),
                    f"{where}.{key}".lstrip("."),
                    f"missing; add `{key}:` with a text value",
                )
            return None
        if isinstance(value, (dict, list)):
            self.problem(
                record.line_of(key), f"{where}.{key}".lstrip("."), f"expected text, got a {_kind(value)}"
            )
            return None
        text = str(value).strip()
        if required and not text:
            self.problem(record.line_of(key), f"{where}.{key}".lstrip("."), "is empty; give it a value")
            return None
        return text or None

    def date(self, record: LocatedDict, key: str, where: str, *, required: bool) -> dt.date | None:
        value = record.get(key)
        name = f"{where}.{key}"
        if value is None:
            if required:
                self.problem(record.line_of(key), name, "missing; add an ISO date like 2024-03-16")
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        for pattern, fmt in ((r"\d{4}-\d{2}-\d{2}", "%Y-%m-%d"), (r"\d{4}-\d{2}", "%Y-%m"), (r"\d{4}", "%Y")):
            if re.fullmatch(pattern, text):
                try:
                    return dt.datetime.strptime(text, fmt).date()
                except ValueError:
                    break
        self.problem(
            record.line_of(key),
            name,
            f"{text!r} is not a valid ISO date; write YYYY-MM-DD (or YYYY-MM, YYYY)",
        )
        return None

    def records(self, document: LocatedDict, key: str, *, required: bool) -> list[tuple[int, LocatedDict]]:
        value = document.get(key)
        if value is None:
            if required:
                self.problem(document.line_of(key), key, f"missing; add a `{key}:` list")
            return []
        if not isinstance(value, LocatedList):
            self.problem(document.line_of(key), key, f"expected a list, got a {_kind(value)}")
            return []
        out = []
        for index, item in enumerate(value):
            if not isinstance(item, LocatedDict):
                self.problem(
                    value.line_of(index),
                    f"{key}[{index}]",
                    f"expected a mapping with fields, got a {_kind(item)}",
                )
                continue
            out.append((index, item))
        return out

    def unknown_keys(self, record: LocatedDict, allowed: set[str], where: str) -> None:
        for key in record:
            if key not in allowed:
                self.problem(
                    record.line_of(key),
                    f"{where}.{key}",
                    f"unknown field; expected one of {', '.join(sorted(allowed))}",
                )

    def ident(self, record: LocatedDict, where: str, seen: dict[str, int], what: str) -> str | None:
        value = self.text(record, "id", where, required=True)
        if value is None:
            return None
        if not _ID.match(value):
            self.problem(
                record.line_of("id"),
                f"{where}.id",
                f"{value!r} is not a valid id; use letters, digits, '-', '_' or '.'",
            )
            return None
        if value in seen:
            self.problem(
                record.line_of("id"),
                f"{where}.id",
                f"duplicate {what} id {value!r} (first on line {seen[value]}); give each one its own id",
            )
            return None
        seen[value] = record.line_of("id")
        self.declared.setdefault(what, set()).add(value)
        return value

    def _known_elsewhere(self, value: str, what: str) -> bool:
        return value in self.declared.get(what, ())

    def reference(
        self,
        record: LocatedDict,
        key: str,
        where: str,
        known: dict[str, Any],
        what: str,
        *,
        required: bool = True,
    ) -> str | None:
        value = self.text(record, key, where, required=required)
        if value is None:
            return None
        if value not in known:
            if self._known_elsewhere(value, what):
                return None
            choices = ", ".join(sorted(known)) or "none defined"
            self.problem(
                record.line_of(key), f"{where}.{key}", f"unknown {what} {value!r}; use one of: {choices}"
            )
            return None
        return value

    def choice(
        self, record: LocatedDict, key: str, where: str, choices: tuple[str, ...], default: str
    ) -> str:
        value = self.text(record, key, where, required=False)
        if value is None:
            return default
        if value not in choices:
            self.problem(
                record.line_of(key),
                f"{where}.{key}".lstrip("."),
                f"{value!r} is not allowed; use one of: {', '.join(choices)}",
            )
            return default
        return value

    def personnel(self, record: LocatedDict, key: str, where: str) -> Personnel:
        try:
            return parse_personnel(record.get(key), number_format=self.number_format, settings=self.settings)
        except ValueError as error:
            self.problem(record.line_of(key), f"{where}.{key}", str(error))
            return parse_personnel(None)

    def citations(
        self, record: LocatedDict, where: str, sources: dict[str, Any], *, required: bool
    ) -> tuple[SourceRef, ...]:
        value = record.get("sources")
        name = f"{where}.sources"
        if value is None:
            if required:
                self.problem(
                    record.line_of("sources"),
                    name,
                    "missing; cite at least one source id, e.g. `sources: [report#2]`",
                )
            return ()
        items = value if isinstance(value, list) else [value]
        refs = []
        for index, item in enumerate(items):
            line = value.line_of(index) if isinstance(value, LocatedList) else record.line_of("sources")
            match = _SOURCE_REF.match(str(item).strip()) if isinstance(item, (str, int)) else None
            if not match:
                self.problem(
                    line,
                    f"{name}[{index}]",
                    f"{item!r} is not a source reference; write `source-id` or `source-id#3`",
                )
                continue
            if match["id"] not in sources:
                if self._known_elsewhere(match["id"], "source"):
                    continue
                choices = ", ".join(sorted(sources)) or "none defined"
                self.problem(
                    line, f"{name}[{index}]", f"unknown source {match['id']!r}; use one of: {choices}"
                )
                continue
            anchor = match["anchor"]
            if anchor is not None and not re.fullmatch(r"[1-9]\d*", anchor):
                self.problem(
                    line,
                    f"{name}[{index}]",
                    f"{item!r}: the anchor {anchor!r} is not a paragraph number; anchors count the "
                    f"report's body paragraphs from 1: write e.g. `{match['id']}#3`, or leave the anchor out",
                )
                continue
            paragraphs = sources[match["id"]].paragraphs if match["id"] in sources else None
            if anchor is not None and paragraphs is not None and int(anchor) > paragraphs:
                self.problem(
                    line,
                    f"{name}[{index}]",
                    f"{item!r}: source {match['id']!r} has {paragraphs} paragraphs (its `paragraphs:`), "
                    f"so #{anchor} points past its end; check the paragraph, counting body paragraphs "
                    "from 1 without the headline, or correct `paragraphs:`",
                )
                continue
            refs.append(SourceRef(match["id"], anchor))
        if required and not refs and not any(p.field.startswith(name) for p in self.problems):
            self.problem(record.line_of("sources"), name, "is empty; cite at least one source id")
        return tuple(refs)

    def number(self, record: LocatedDict, key: str, where: str, low: float, high: float) -> float | None:
        value = record.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            try:
                value = float(str(value).strip())
            except ValueError:
                self.problem(
                    record.line_of(key),
                    f"{where}.{key}",
                    f"{value!r} is not a number; write decimal degrees like 13.48",
                )
                return None
        if not (low <= value <= high) or value != value:
            self.problem(
                record.line_of(key),
                f"{where}.{key}",
                f"{value} is out of range; it must lie between {low:g} and {high:g} "
                "(decimal degrees, WGS 84)",
            )
            return None
        return float(value)

    # -- sections ----------------------------------------------------------
    def scenario(self, document: LocatedDict) -> Scenario | None:
        self.unknown_keys(
            document,
            {
                "title",
                "description",
                "phases",
                "actors",
                "sources",
                "places",
                "deployments",
                "movements",
                "events",
                "regions",
                "number_format",
                "area",
            },
            "",
        )
        self.number_format = self.choice(document, "number_format", "", tuple(NUMBER_FORMATS), "en")
        title = self.text(document, "title", "", required=True)
        description = self.text(document, "description", "", required=False)
        phases = self.phases(document)
        actors = self.actors(document)
        self.column_tokens(document, "phases", [phase.id for phase in phases])
        self.column_tokens(document, "actors", [actor.id for actor in actors])
        sources = self.sources(document)
        places = self.places(document)
        phase_ids = {phase.id: phase for phase in phases}
        actor_ids = {actor.id: actor for actor in actors}
        source_ids = {source.id: source for source in sources}
        place_ids = {place.id: place for place in places}
        deployments = self.deployments(document, actor_ids, place_ids, phase_ids, source_ids)
        movements = self.movements(document, actor_ids, place_ids, phase_ids, source_ids)
        events = self.events(document, place_ids, source_ids)
        regions = self.regions(document)
        area = self.area(document)
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
            self.number_format,
            area,
        )

    def area(self, document: LocatedDict) -> tuple[float, float, float, float] | None:
        """``area: [west, south, east, north]``, in decimal degrees."""
        value = document.get("area")
        if value is None:
            return None
        how = "write `area: [west, south, east, north]` in decimal degrees, e.g. [-17, 5, 25, 24]"
        line = document.line_of("area")
        numbers = value if isinstance(value, list) else []
        if len(numbers) != 4 or any(isinstance(n, bool) or not isinstance(n, (int, float)) for n in numbers):
            self.problem(line, "area", f"{value!r} is not a box; {how}")
            return None
        west, south, east, north = (float(n) for n in numbers)
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            self.problem(
                line,
                "area",
                f"{[west, south, east, north]} is not a box: west < east within ±180 and south < north "
                f"within ±90 are needed; {how}",
            )
            return None
        return west, south, east, north

    def phases(self, document: LocatedDict) -> list[Phase]:
        seen: dict[str, int] = {}
        phases = []
        records = self.records(document, "phases", required=True)
        for index, record in records:
            where = f"phases[{index}]"
            self.unknown_keys(record, {"id", "label", "date"}, where)
            ident = self.ident(record, where, seen, "phase")
            label = self.text(record, "label", where, required=False) or ident
            date = self.date(record, "date", where, required=True)
            if ident and date:
                phases.append(Phase(ident, label or ident, date, _partial_date_text(record.get("date"))))
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
        return phases

    def actors(self, document: LocatedDict) -> list[Actor]:
        seen: dict[str, int] = {}
        actors = []
        for index, record in self.records(document, "actors", required=True):
            where = f"actors[{index}]"
            self.unknown_keys(record, {"id", "name", "color"}, where)
            ident = self.ident(record, where, seen, "actor")
            name = self.text(record, "name", where, required=True)
            color = self.text(record, "color", where, required=False)
            if color and not _COLOR.match(color):
                self.problem(
                    record.line_of("color"),
                    f"{where}.color",
                    f"{color!r} is not a colour; write #rrggbb, e.g. #1f77b4",
                )
                color = None
            if ident and name:
                actors.append(Actor(ident, name, color.lower() if color else None))
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
        seen: dict[str, int] = {}
        sources = []
        for index, record in self.records(document, "sources", required=True):
            where = f"sources[{index}]"
            self.unknown_keys(record, {"id", "title", "publisher", "date", "url", "paragraphs"}, where)
            ident = self.ident(record, where, seen, "source")
            title = self.text(record, "title", where, required=True)
            publisher = self.text(record, "publisher", where, required=False)
            date = self.date(record, "date", where, required=False)
            url = self.text(record, "url", where, required=False)
            if url is not None:
                parsed = urlparse(url)
                if parsed.scheme not in ("http", "https") or not parsed.netloc:
                    self.problem(
                        record.line_of("url"),
                        f"{where}.url",
                        f"{url!r} is not an http(s) address; only http:// and https:// links are allowed",
                    )
                    url = None
            paragraphs = record.get("paragraphs")
            if paragraphs is not None and (
                isinstance(paragraphs, bool) or not isinstance(paragraphs, int) or paragraphs < 1
            ):
                self.problem(
                    record.line_of("paragraphs"),
                    f"{where}.paragraphs",
                    f"{paragraphs!r} is not a count of paragraphs; write a whole number from 1, "
                    "e.g. `paragraphs: 6`, or leave it out",
                )
                paragraphs = None
            if ident and title:
                sources.append(Source(ident, title, publisher, date, url, paragraphs))
        return sources

    def places(self, document: LocatedDict) -> list[Place]:
        seen: dict[str, int] = {}
        places = []
        for index, record in self.records(document, "places", required=True):
            where = f"places[{index}]"
            self.unknown_keys(record, {"id", "name", "query", "lat", "lon", "country", "kind", "note"}, where)
            ident = self.ident(record, where, seen, "place")
            name = self.text(record, "name", where, required=True)
            query = self.text(record, "query", where, required=False)
            lat = self.number(record, "lat", where, -90, 90)
            lon = self.number(record, "lon", where, -180, 180)
            has_lat, has_lon = record.get("lat") is not None, record.get("lon") is not None
            if has_lat != has_lon:
                missing = "lon" if has_lat else "lat"
                self.problem(
                    record.line,
                    f"{where}.{missing}",
                    "missing; give both `lat:` and `lon:`, or neither and a `query:`",
                )
            if not has_lat and not has_lon and query is None:
                self.problem(
                    record.line, where, "has neither `query:` nor `lat:`/`lon:`; add one so it can be placed"
                )
            country = self.text(record, "country", where, required=False)
            if country is not None:
                if not re.fullmatch(r"[A-Za-z]{2}", country):
                    self.problem(
                        record.line_of("country"),
                        f"{where}.country",
                        f"{country!r} is not an ISO 3166 alpha-2 code; write e.g. NE, TD",
                    )
                    country = None
                else:
                    country = country.upper()
            kind = self.choice(record, "kind", where, PLACE_KINDS, "other")
            note = self.text(record, "note", where, required=False)
            if ident and name:
                places.append(Place(ident, name, query, lat, lon, country, kind, note, record.line))
        return places

    def deployments(self, document, actors, places, phases, sources) -> list[Deployment]:
        deployments = []
        seen: dict[tuple[str, str, str], int] = {}
        for index, record in self.records(document, "deployments", required=True):
            where = f"deployments[{index}]"
            self.unknown_keys(
                record, {"actor", "place", "phase", "personnel", "status", "note", "sources"}, where
            )
            actor = self.reference(record, "actor", where, actors, "actor")
            place = self.reference(record, "place", where, places, "place")
            phase = self.reference(record, "phase", where, phases, "phase")
            figures = self.figures(record, where, sources)
            personnel = (
                combine([figure.personnel for figure in figures])
                if figures
                else self.personnel(record, "personnel", where)
            )
            status = self.choice(record, "status", where, STATUSES, "active")
            note = self.text(record, "note", where, required=False)
            refs = self.citations(record, where, sources, required=not figures)
            refs = tuple(dict.fromkeys([*refs, *(ref for f in figures for ref in f.sources)]))
            if status == "withdrawn" and personnel.estimate:
                self.problem(
                    record.line_of("personnel"),
                    f"{where}.personnel",
                    f"is {personnel.text!r} but status is withdrawn; give 0 or null, or change the status",
                )
            if actor and place and phase:
                key = (actor, place, phase)
                if key in seen:
                    self.problem(
                        record.line,
                        where,
                        f"duplicate deployment of {actor!r} at {place!r} in {phase!r} "
                        f"(first on line {seen[key]}); merge them into one record",
                    )
                seen[key] = record.line
                deployments.append(
                    Deployment(actor, place, phase, personnel, status, note, refs, record.line, figures)
                )
        return deployments

    def figures(self, record: LocatedDict, where: str, sources) -> tuple[Figure, ...]:
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
            self.unknown_keys(item, {"value", "sources"}, name)
            personnel = self.personnel(item, "value", name)
            refs = self.citations(item, name, sources, required=True)
            figures.append(Figure(personnel, refs))
        if not figures and not value:
            self.problem(value.line, f"{where}.personnel", "is an empty list; give a figure or null")
        return tuple(figures)

    def movements(self, document, actors, places, phases, sources) -> list[Movement]:
        movements = []
        for index, record in self.records(document, "movements", required=False):
            where = f"movements[{index}]"
            self.unknown_keys(
                record, {"actor", "from", "to", "phase", "personnel", "kind", "note", "sources"}, where
            )
            actor = self.reference(record, "actor", where, actors, "actor")
            origin = self.reference(record, "from", where, places, "place")
            destination = self.reference(record, "to", where, places, "place")
            phase = self.reference(record, "phase", where, phases, "phase")
            personnel = self.personnel(record, "personnel", where)
            kind = self.choice(record, "kind", where, MOVEMENT_KINDS, "relocation")
            note = self.text(record, "note", where, required=False)
            refs = self.citations(record, where, sources, required=True)
            if origin and destination and origin == destination:
                self.problem(
                    record.line_of("to"),
                    f"{where}.to",
                    "is the same place as `from`; a movement needs two places",
                )
                continue
            if actor and origin and destination and phase:
                movements.append(
                    Movement(actor, origin, destination, phase, personnel, kind, note, refs, record.line)
                )
        return movements

    def events(self, document, places, sources) -> list[Event]:
        events = []
        for index, record in self.records(document, "events", required=False):
            where = f"events[{index}]"
            self.unknown_keys(record, {"date", "place", "text", "sources"}, where)
            date = self.date(record, "date", where, required=True)
            raw = record.get("date")
            date_text = _partial_date_text(raw)
            place = self.reference(record, "place", where, places, "place", required=False)
            text = self.text(record, "text", where, required=True)
            refs = self.citations(record, where, sources, required=True)
            if date and text:
                events.append(Event(date, text, place, refs, date_text))
        return sorted(events, key=lambda event: event.date)

    def regions(self, document: LocatedDict) -> list[Region]:
        seen: dict[str, int] = {}
        regions = []
        for index, record in self.records(document, "regions", required=False):
            where = f"regions[{index}]"
            self.unknown_keys(record, {"id", "name", "builtin", "countries", "geojson"}, where)
            ident = self.ident(record, where, seen, "region")
            name = self.text(record, "name", where, required=False) or ident
            given = [key for key in ("builtin", "countries", "geojson") if record.get(key) is not None]
            if len(given) != 1:
                self.problem(
                    record.line,
                    where,
                    "needs exactly one of `builtin: sahel`, `countries: [..]` or "
                    "`geojson: path`" + (f"; it has {', '.join(given)}" if given else ""),
                )
                continue
            builtin = countries = geojson = None
            geometry = None
            if given == ["builtin"]:
                builtin = self.choice(record, "builtin", where, BUILTIN_REGIONS, "")
                if not builtin:
                    continue
            elif given == ["countries"]:
                countries = self.country_list(record, where)
                if countries is None:
                    continue
            else:
                geojson, geometry = self.region_file(record, where)
                if geometry is None:
                    continue
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

    def region_file(self, record: LocatedDict, where: str) -> tuple[Path | None, dict | None]:
        name = f"{where}.geojson"
        line = record.line_of("geojson")
        relative = str(record["geojson"])
        path = (self.path.parent / relative).resolve()
        if not path.is_file():
            self.problem(
                line,
                name,
                f"{relative!r} does not exist next to the scenario file; "
                "the path is relative to the scenario file",
            )
            return None, None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            self.problem(line, name, f"{relative!r} is not valid GeoJSON: {error}")
            return None, None
        geometry = _polygonal_geometry(data)
        if isinstance(geometry, str):
            self.problem(line, name, f"{relative!r} is not usable GeoJSON: {geometry}")
            return None, None
        return path, geometry


def _polygonal_geometry(data: Any) -> dict | str:
    """Merge a GeoJSON object's polygons into one geometry mapping, or say why not."""
    from shapely.geometry import shape
    from shapely.ops import unary_union

    if not isinstance(data, dict) or "type" not in data:
        return "it is not a GeoJSON object (no `type` member)"
    kind = data["type"]
    if kind == "FeatureCollection":
        geometries = [
            feature.get("geometry") for feature in data.get("features") or [] if isinstance(feature, dict)
        ]
    elif kind == "Feature":
        geometries = [data.get("geometry")]
    else:
        geometries = [data]
    shapes = []
    for geometry in geometries:
        if not geometry:
            continue
        try:
            shaped = shape(geometry)
        except Exception as error:  # shapely raises several kinds for malformed input
            return f"a geometry cannot be read ({error})"
        if shaped.geom_type not in ("Polygon", "MultiPolygon"):
            return f"regions need Polygon or MultiPolygon geometries, found {shaped.geom_type}"
        if not shaped.is_valid:
            shaped = shaped.buffer(0)
        shapes.append(shaped)
    if not shapes:
        return "it holds no polygon"
    merged = unary_union(shapes)
    minx, miny, maxx, maxy = merged.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        return "coordinates lie outside longitude/latitude range; use WGS 84 (EPSG:4326)"
    return merged.__geo_interface__
