"""What the field tables become: a JSON Schema, the README's reference, the ``init`` template.

All three are generated from :mod:`posturemap.geo.format`, so a field added
to a table appears in each of them, and ``tests/test_format.py`` checks the
README's copy is current.

Examples
--------
>>> json_schema()["properties"]["number_format"]["enum"]
['en', 'de', 'fr']
"""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import Any

import yaml

from .format import ID_PATTERN, LIST_SECTIONS, SCENARIO, SECTIONS, Field, Section

#: A source reference as an editor's (ECMAScript) regular expression: an id and an optional ``#N``.
_REF_PATTERN = r"^[^#\s]+(#[1-9][0-9]*)?$"
_COUNTRY = {"type": "string", "pattern": "^[A-Za-z]{2}$"}


def _personnel_schema(figures: bool) -> dict[str, Any]:
    # One schema over several types: each keyword applies to its own type, so an
    # error points at the value, not at "none of the alternatives".
    schema: dict[str, Any] = {"type": ["null", "number", "string"], "minimum": 0}
    if figures:
        schema["type"].append("array")
        schema.update(minItems=1, items={"$ref": "#/$defs/figures"})
    return schema


def field_schema(item: Field) -> dict[str, Any]:
    """The JSON Schema of one field's value."""
    parser = item.parser
    schemas: dict[str, dict[str, Any]] = {
        "text": {"type": ["string", "number", "boolean"]},
        "id": {"type": "string", "pattern": ID_PATTERN},
        "reference": {"type": "string"},
        "choice": {"enum": list(item.choices)},
        "color": {"type": "string", "pattern": "^#[0-9A-Fa-f]{6}$"},
        "url": {"type": "string", "pattern": "^https?://[^/\\s]+"},
        "country": _COUNTRY,
        "date": {"type": ["string", "integer"], "pattern": r"^\d{4}(-\d{2}){0,2}$"},
        "count": {"type": "integer", "minimum": 1},
        "citations": {
            "type": ["string", "array"],
            "pattern": _REF_PATTERN,
            "minItems": 1,
            "items": {"type": "string", "pattern": _REF_PATTERN},
        },
        "countries": {"type": "array", "minItems": 1, "items": _COUNTRY},
        "path": {"type": "string"},
        "bbox": {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}},
    }
    if parser == "number":
        low, high = item.bounds or (None, None)
        schema: dict[str, Any] = {"type": "number", "minimum": low, "maximum": high}
    elif parser == "personnel":
        schema = _personnel_schema(item.figures)
    elif parser == "records":
        # A list of records, or the name of a CSV file holding them (geo/tables.py).
        schema = {
            "type": ["array", "string"],
            "items": {"$ref": f"#/$defs/{item.refers}"},
            "pattern": r"\.csv$",
        }
    else:
        schema = dict(schemas[parser])
    schema["description"] = item.help
    if item.default is not None:
        schema["default"] = item.default
    return schema


def _object_schema(section: Section) -> dict[str, Any]:
    description = section.help + "".join(f" Rule: {rule}." for rule in section.rules)
    return {
        "type": "object",
        "description": description,
        "properties": {item.name: field_schema(item) for item in section.fields},
        "required": [item.name for item in section.fields if item.required],
        "additionalProperties": False,
        **section.schema_rules,
    }


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file, for editors and checkers.

    It checks each value's type and form; what it cannot express (references
    between sections, phases in date order, figures as written) is checked by
    ``posturemap validate``.
    """
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://posturemap.invalid/scenario.schema.json",
        "title": "posturemap scenario",
        **_object_schema(SCENARIO),
        "$defs": {name: _object_schema(section) for name, section in SECTIONS.items()},
    }


def _type_words(item: Field) -> str:
    words = {
        "text": "text",
        "id": "id",
        "reference": f"{item.refers} id",
        "choice": " \\| ".join(f"`{choice}`" for choice in item.choices),
        "color": "`#rrggbb`",
        "url": "http(s) address",
        "country": "ISO alpha-2 code",
        "date": "date",
        "number": f"number, {item.bounds[0]:g} to {item.bounds[1]:g}" if item.bounds else "number",
        "count": "whole number ≥ 1",
        "personnel": "figure" + (" or list of figures" if item.figures else ""),
        "citations": "source references",
        "countries": "list of ISO alpha-2 codes",
        "path": "file path",
        "bbox": "[west, south, east, north]",
        "records": f"list of {item.refers} (or a .csv file)",
    }
    return words[item.parser]


def reference_markdown() -> str:
    """The README's format reference: one table per section, from the field tables."""
    out = []
    for section in (SCENARIO, *(SECTIONS[name] for name in (*LIST_SECTIONS, "figures"))):
        heading = "top level" if not section.name else section.name
        out.append(f"#### `{heading}`\n\n{section.help}\n")
        out.append("| key | type | required | meaning |\n| --- | --- | --- | --- |")
        for item in section.fields:
            default = f" (default `{item.default}`)" if item.default is not None else ""
            required = "yes" if item.required else ""
            out.append(f"| `{item.name}` | {_type_words(item)} | {required} | {item.help}{default} |")
        out.extend(["", *(f"- {rule[0].upper()}{rule[1:]}." for rule in section.rules)])
        if section.rules:
            out.append("")
    return "\n".join(out).rstrip() + "\n"


#: The starting scenario ``posturemap init`` writes: placeholders to replace,
#: valid as they stand (the places carry coordinates, so nothing is geocoded).
STARTER: dict[str, Any] = {
    "title": "Replace with the map's title",
    "description": "Replace with what the map shows and where its figures come from.",
    "phases": [
        {"id": "before", "label": "Before", "date": dt.date(2024, 1, 1)},
        {"id": "after", "label": "After", "date": dt.date(2024, 6, 1)},
    ],
    "actors": [{"id": "force-a", "name": "Force A", "color": "#1f5fbf"}],
    "sources": [
        {"id": "report", "title": "Replace with the report's title", "url": "https://example.org/report"}
    ],
    "places": [
        {"id": "base-1", "name": "Base 1", "lat": 13.5, "lon": 2.1, "kind": "base"},
        {"id": "base-2", "name": "Base 2", "lat": 16.9, "lon": 8.0, "kind": "airbase"},
    ],
    "deployments": [
        {"actor": "force-a", "place": "base-1", "phase": "before", "personnel": "about 100",
         "sources": ["report#1"]},
        {"actor": "force-a", "place": "base-1", "phase": "after", "personnel": 0, "status": "withdrawn",
         "sources": ["report#2"]},
        {"actor": "force-a", "place": "base-2", "phase": "after", "personnel": "about 100",
         "sources": ["report#2"]},
    ],
    "movements": [
        {"actor": "force-a", "from": "base-1", "to": "base-2", "phase": "after", "kind": "relocation",
         "sources": ["report#2"]}
    ],
    "events": [{"date": dt.date(2024, 3, 1), "place": "base-1", "text": "Replace with what happened",
                "sources": ["report#2"]}],
}  # fmt: skip


def _comment(text: str, indent: str = "") -> list[str]:
    """``text`` as comment lines of at most 100 characters, continued under the first."""
    return textwrap.wrap(text, 100, initial_indent=f"# {indent}", subsequent_indent=f"# {indent}    ")


def _field_comment(item: Field) -> list[str]:
    required = "required" if item.required else "optional"
    kind = _type_words(item).replace("\\", "").replace("`", "")
    return _comment(f"{item.name} ({required}, {kind}): {item.help}", "  ")


def init_template() -> str:
    """The text of a commented starting scenario: every key of every section, described from its table."""
    lines = [
        "# A posturemap scenario. Replace the placeholders, then run `posturemap validate FILE`.",
        "# Every key is described in the README's format reference; `posturemap schema` prints",
        "# a JSON Schema that editors use to complete and check this file as it is typed.",
        "#",
    ]
    for item in SCENARIO.fields:
        required = "required" if item.required else "optional"
        lines.extend(_comment(f"{item.name} ({required}): {item.help}"))
        if item.parser == "records":
            section = SECTIONS[item.refers or ""]
            lines.extend(_comment(f"{section.help} Each {section.what} has:", "  "))
            for row in section.fields:
                lines.extend(_field_comment(row))
            for rule in section.rules:
                lines.extend(_comment(f"Rule: {rule}.", "  "))
            if any(row.figures for row in section.fields):
                figures = SECTIONS["figures"]
                lines.extend(_comment(f"{figures.help} Each {figures.what} has:", "  "))
                lines.extend(line for row in figures.fields for line in _field_comment(row))
        if item.name in STARTER:
            value = STARTER[item.name]
            if isinstance(value, list):
                lines.append(f"{item.name}:")
                lines.extend(
                    "  - "
                    + yaml.safe_dump(record, default_flow_style=True, sort_keys=False, width=10_000).strip()
                    for record in value
                )
            else:
                lines.append(yaml.safe_dump({item.name: value}, allow_unicode=True, width=10_000).strip())
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
