"""The scenario format, declared once: one field table per section.

Each row says a key's name, how it is read (its parser), whether it is
required, what it means and an example.  Everything else follows from these
tables: the keys the validator allows and the messages it writes
(:mod:`posturemap.geo.validate`), the free-text fields (:func:`text_fields`),
the JSON Schema, the README's reference and the ``init`` template
(:mod:`posturemap.geo.schema`).

A parser names how a value is read and checked:

- ``text``: free text written by people, shown only as a value;
- coded text, checked against a pattern or a list: ``id``, ``reference``
  (an id defined in another section), ``choice``, ``color``, ``url``,
  ``country``;
- ``date``, ``number``, ``count``, ``personnel``, ``citations``,
  ``countries``, ``path``, ``bbox``, and ``records`` (a list section).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from .model import BUILTIN_REGIONS, MOVEMENT_KINDS, NUMBER_FORMAT_CODES, PLACE_KINDS, STATUSES

#: Parsers whose text is checked against a pattern or a list: not free text.
CODED_PARSERS = frozenset({"id", "reference", "choice", "color", "url", "country"})
#: Every parser the validator knows.
PARSERS = CODED_PARSERS | {
    "text",
    "date",
    "number",
    "count",
    "personnel",
    "citations",
    "countries",
    "path",
    "bbox",
    "records",
}
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
COLOR_PATTERN = r"^#[0-9A-Fa-f]{6}$"
SOURCE_REF_PATTERN = r"^(?P<id>[^#\s]+)(?:#(?P<anchor>[^\s#]+))?$"


@dataclass(frozen=True)
class Field:
    """One key of a section.

    Parameters
    ----------
    name : str
        The key as written in a file.
    parser : str
        How the value is read and checked (one of :data:`PARSERS`).
    required : bool
        Whether a record must give it.
    help : str
        What it means, for the README, the schema and the ``init`` template.
    choices : tuple of str
        The allowed values of a ``choice``.
    default : Any
        The value when the key is left out.
    refers : str
        What a ``reference`` names (``phase``, ``place`` ...), or the section a
        ``records`` row holds.
    bounds : tuple of float
        The range of a ``number``.
    figures : bool
        A ``personnel`` that may also be a list of figures, each with its sources.
    """

    name: str
    parser: str
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()
    default: Any = None
    refers: str | None = None
    bounds: tuple[float, float] | None = None
    figures: bool = False

    def __post_init__(self) -> None:
        if self.parser not in PARSERS:
            msg = f"field {self.name!r}: unknown parser {self.parser!r}; use one of {sorted(PARSERS)}"
            raise ValueError(msg)

    @property
    def coded(self) -> bool:
        """True for text checked against a pattern or a list (an id, a reference, a choice)."""
        return self.parser in CODED_PARSERS


@dataclass(frozen=True)
class Section:
    """A list section (or the top level, named ``""``): its fields and its rules.

    ``rules`` are the checks that involve several fields, in words, for the
    README and the schema's description; the validator applies them.
    """

    name: str
    what: str
    help: str
    fields: tuple[Field, ...]
    rules: tuple[str, ...] = ()
    #: The rules as JSON Schema keywords, merged into the section's object schema.
    schema_rules: dict[str, Any] = dataclass_field(default_factory=dict)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.name for item in self.fields)

    def field(self, name: str) -> Field:
        for item in self.fields:
            if item.name == name:
                return item
        msg = f"section {self.name or 'top level'!r} has no field {name!r}"
        raise KeyError(msg)


_CITE = "source ids, each with an optional paragraph anchor: `[report#2, memo]`"

SCENARIO = Section(
    "",
    "scenario",
    "The top level of a scenario file.",
    (
        Field("title", "text", required=True, help="the map's title"),
        Field("description", "text", help="a paragraph shown under the title"),
        Field("phases", "records", required=True, refers="phases", help="the moments compared"),
        Field("actors", "records", required=True, refers="actors", help="the forces"),
        Field("sources", "records", required=True, refers="sources", help="the reports cited"),
        Field("places", "records", required=True, refers="places", help="where forces are"),
        Field("deployments", "records", required=True, refers="deployments", help="who is where, when"),
        Field("movements", "records", refers="movements", help="forces moving between places"),
        Field("events", "records", refers="events", help="dated events for the timeline"),
        Field("regions", "records", refers="regions", help="shaded areas"),
        Field(
            "number_format",
            "choice",
            choices=NUMBER_FORMAT_CODES,
            default="en",
            help="how figures write thousands: en (1,500), de (1.500) or fr (1 500)",
        ),
        Field(
            "area",
            "bbox",
            help="the area the scenario is about, [west, south, east, north] in decimal degrees, "
            "for placing places that have no `country:`",
        ),
        Field(
            "view",
            "bbox",
            help="the box the pages open on, [west, south, east, north] in decimal degrees, "
            "instead of fitting the sites",
        ),
    ),
)

SECTIONS: dict[str, Section] = {
    section.name: section
    for section in (
        Section(
            "phases",
            "phase",
            "The moments the map compares; the first is 'before', the last 'after'.",
            (
                Field("id", "id", required=True, help="a short id, cited by deployments"),
                Field("label", "text", help="the name shown (default: the id)"),
                Field("date", "date", required=True, help="YYYY-MM-DD, or YYYY-MM / YYYY"),
            ),
            ("two or more phases, in date order",),
        ),
        Section(
            "actors",
            "actor",
            "The forces on the map.",
            (
                Field("id", "id", required=True, help="a short id"),
                Field("name", "text", required=True, help="the name shown"),
                Field("color", "color", help="#rrggbb (default: one of the palette's)"),
            ),
        ),
        Section(
            "sources",
            "source",
            "The reports the figures come from.",
            (
                Field("id", "id", required=True, help="a short id, cited as `id` or `id#3`"),
                Field("title", "text", required=True, help="the report's title"),
                Field("publisher", "text", help="who published it"),
                Field("date", "date", help="when it was published"),
                Field("url", "url", help="an http(s) link"),
                Field(
                    "paragraphs",
                    "count",
                    help="how many body paragraphs it has (headline excluded); "
                    "an anchor past the last one is an error",
                ),
            ),
        ),
        Section(
            "places",
            "place",
            "Where forces are: geocoded from `query`, or at `lat`/`lon`.",
            (
                Field("id", "id", required=True, help="a short id"),
                Field("name", "text", required=True, help="the name shown"),
                Field("query", "text", help="the name to look up in the gazetteer"),
                Field("lat", "number", bounds=(-90, 90), help="latitude, decimal degrees (WGS 84)"),
                Field("lon", "number", bounds=(-180, 180), help="longitude, decimal degrees (WGS 84)"),
                Field("country", "country", help="ISO 3166 alpha-2 code, e.g. NE"),
                Field("kind", "choice", choices=PLACE_KINDS, default="other", help="what the place is"),
                Field("note", "text", help="shown with the place"),
            ),
            (
                "either `query:` is geocoded, or `lat:` and `lon:` are given together (these win)",
                "a `country` place stands for a figure given for a whole country",
            ),
            {
                "anyOf": [{"required": ["query"]}, {"required": ["lat", "lon"]}],
                "dependentRequired": {"lat": ["lon"], "lon": ["lat"]},
            },
        ),
        Section(
            "deployments",
            "deployment",
            "Who is where in each phase, with how many, as reported.",
            (
                Field("actor", "reference", required=True, refers="actor", help="an actor id"),
                Field("place", "reference", required=True, refers="place", help="a place id"),
                Field("phase", "reference", required=True, refers="phase", help="a phase id"),
                Field(
                    "personnel",
                    "personnel",
                    figures=True,
                    help="the figure as reported ('about 1,000', 0, null), or a list of "
                    "`{value, sources}`, one per report",
                ),
                Field("status", "choice", choices=STATUSES, default="active", help="the deployment's state"),
                Field("note", "text", help="shown in the popup"),
                Field("sources", "citations", help=_CITE + "; required unless `personnel` is a list"),
            ),
            (
                "one record per actor, place and phase",
                "`sources` is required unless `personnel` is a list of figures, each with its sources",
                "`status: withdrawn` goes with personnel 0 or null",
            ),
            {
                "if": {"properties": {"personnel": {"type": "array"}}, "required": ["personnel"]},
                "else": {"required": ["sources"]},
            },
        ),
        Section(
            "figures",
            "figure",
            "One report's figure, in a deployment's `personnel:` list.",
            (
                Field("value", "personnel", help="the figure as this report gives it"),
                Field("sources", "citations", required=True, help=_CITE),
            ),
        ),
        Section(
            "movements",
            "movement",
            "Forces moving between two places during a phase.",
            (
                Field("actor", "reference", required=True, refers="actor", help="an actor id"),
                Field("from", "reference", required=True, refers="place", help="a place id"),
                Field("to", "reference", required=True, refers="place", help="another place id"),
                Field("phase", "reference", required=True, refers="phase", help="a phase id"),
                Field("personnel", "personnel", help="the figure as reported, or null"),
                Field(
                    "kind", "choice", choices=MOVEMENT_KINDS, default="relocation", help="what the move is"
                ),
                Field("note", "text", help="shown in the popup"),
                Field("sources", "citations", required=True, help=_CITE),
            ),
            ("`from` and `to` are two different places",),
        ),
        Section(
            "events",
            "event",
            "Dated events shown on the timeline.",
            (
                Field("date", "date", required=True, help="YYYY-MM-DD, or YYYY-MM / YYYY"),
                Field("place", "reference", refers="place", help="a place id"),
                Field("text", "text", required=True, help="what happened"),
                Field("sources", "citations", required=True, help=_CITE),
            ),
        ),
        Section(
            "regions",
            "region",
            "Shaded areas: the built-in Sahel band, a group of countries, or a GeoJSON file.",
            (
                Field("id", "id", required=True, help="a short id"),
                Field("name", "text", help="the name shown (default: the id)"),
                Field("builtin", "choice", choices=BUILTIN_REGIONS, help="a built-in region"),
                Field("countries", "countries", help="ISO alpha-2 codes, e.g. [ML, NE, TD]"),
                Field("geojson", "path", help="a GeoJSON file of polygons, relative to the scenario file"),
            ),
            ("exactly one of `builtin`, `countries` or `geojson`",),
            {"oneOf": [{"required": [key]} for key in ("builtin", "countries", "geojson")]},
        ),
    )
}

#: The list sections a scenario file holds, in the order they are read.
LIST_SECTIONS: tuple[str, ...] = tuple(item.name for item in SCENARIO.fields if item.parser == "records")


def section(name: str) -> Section:
    """The table of a section by name (``""`` for the top level)."""
    return SCENARIO if name == "" else SECTIONS[name]


def text_fields() -> dict[str, tuple[str, ...]]:
    """The free-text fields of the format, by section (``""`` for the top level).

    Derived from the field tables: a ``str`` field is free text unless its row
    says it is coded (an id, a reference, a choice).  A field added later is
    therefore free text, and covered by the tests that check text stays data,
    until its row says otherwise.

    Examples
    --------
    >>> text_fields()["phases"]
    ('label',)
    """
    return {
        name: tuple(item.name for item in section(name).fields if item.parser == "text")
        for name in ("", *LIST_SECTIONS)
    }
