"""Reading one field of a record the way its row in the format's tables says.

:class:`FieldReader` holds the problems found so far and reads each value by
its row's parser (:mod:`posturemap.geo.format`): text, ids, references,
choices, dates, numbers, personnel figures, citations.  Every problem is
recorded as ``FILE:LINE: field: what is wrong and how to fix it``, never
raised, so a whole file is checked in one pass.  The rules that join several
fields are in :mod:`posturemap.geo.validate`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from .errors import Problem
from .format import COLOR_PATTERN, ID_PATTERN, SOURCE_REF_PATTERN, Field, Section
from .model import SourceRef
from .personnel import UNKNOWN, FigureCache, Personnel
from .settings import DEFAULT_SETTINGS, Settings
from .yamlsource import LocatedDict, LocatedList
from .yamlsource import kind_of as _kind

_ID = re.compile(ID_PATTERN)
_COLOR = re.compile(COLOR_PATTERN)
_SOURCE_REF = re.compile(SOURCE_REF_PATTERN)
_COUNTRY = re.compile(r"[A-Za-z]{2}")
_ANCHOR = re.compile(r"[1-9]\d*")
_DATE_FORMS = tuple(
    (re.compile(pattern), form)
    for pattern, form in ((r"\d{4}-\d{2}-\d{2}", "%Y-%m-%d"), (r"\d{4}-\d{2}", "%Y-%m"), (r"\d{4}", "%Y"))
)


class FieldReader:
    """Reads fields by their table rows, collecting every problem.

    Parameters
    ----------
    path : Path
        The scenario file, for the problems' locations.
    problems : list of Problem
        Problems already found (duplicate keys from the YAML reader).
    settings : Settings, optional
        The ranges of vague personnel words.
    """

    def __init__(self, path: Path, problems: list[Problem], *, settings: Settings = DEFAULT_SETTINGS):
        self.path = path
        self.settings = settings
        self.problems = list(problems)
        # Ids declared with a well-formed `id:` even when the rest of their record is
        # wrong; a reference to one is not reported again as "unknown".
        self.declared: dict[str, set[str]] = {}
        #: The records defined so far, by what they are (``phase``, ``place`` ...) and id.
        self.known: dict[str, dict[str, Any]] = {}
        self.seen: dict[str, dict[str, int]] = {}
        self.number_format = "en"
        self._figures = FigureCache(settings)

    # -- by the table ------------------------------------------------------
    def fields(
        self, record: LocatedDict, table: Section, where: str, *, skip: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """Check the record's keys against the table and read every field but ``skip``."""
        self.unknown_keys(record, set(table.keys), where)
        return {
            item.name: self.read(record, table, item, where) for item in table.fields if item.name not in skip
        }

    def read(self, record: LocatedDict, table: Section, item: Field, where: str) -> Any:
        """One field's value as its row's parser reads it (``None`` when absent or wrong)."""
        key, parser = item.name, item.parser
        if parser == "id":
            return self.ident(record, where, self.seen.setdefault(table.what, {}), table.what)
        if parser == "reference":
            known = self.known.get(item.refers or "", {})
            return self.reference(record, key, where, known, item.refers or "", required=item.required)
        if parser == "choice":
            return self.choice(record, key, where, item.choices, item.default)
        if parser == "date":
            return self.date(record, key, where, required=item.required)
        if parser == "number":
            low, high = item.bounds or (float("-inf"), float("inf"))
            return self.number(record, key, where, low, high)
        if parser == "personnel":
            return self.personnel(record, key, where)
        if parser == "citations":
            return self.citations(record, where, self.known.get("source", {}), required=item.required)
        if parser in ("color", "url", "country", "count", "bbox"):
            return getattr(self, parser)(record, key, where)
        # text, and the parsers whose section reads them with its own rules
        # (countries, path, bbox, records): their text or value as written.
        if parser == "text":
            return self.text(record, key, where, required=item.required)
        return record.get(key)

    def color(self, record: LocatedDict, key: str, where: str) -> str | None:
        color = self.text(record, key, where, required=False)
        if color and not _COLOR.match(color):
            self.problem(
                record.line_of(key),
                f"{where}.{key}",
                f"{color!r} is not a colour; write #rrggbb, e.g. #1f77b4",
            )
            return None
        return color.lower() if color else None

    def url(self, record: LocatedDict, key: str, where: str) -> str | None:
        url = self.text(record, key, where, required=False)
        if url is not None:
            parsed = urlparse(url)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                self.problem(
                    record.line_of(key),
                    f"{where}.{key}",
                    f"{url!r} is not an http(s) address; only http:// and https:// links are allowed",
                )
                return None
        return url

    def country(self, record: LocatedDict, key: str, where: str) -> str | None:
        country = self.text(record, key, where, required=False)
        if country is not None and not _COUNTRY.fullmatch(country):
            self.problem(
                record.line_of(key),
                f"{where}.{key}",
                f"{country!r} is not an ISO 3166 alpha-2 code; write e.g. NE, TD",
            )
            return None
        return country.upper() if country else None

    def count(self, record: LocatedDict, key: str, where: str) -> int | None:
        value = record.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            self.problem(
                record.line_of(key),
                f"{where}.{key}",
                f"{value!r} is not a count of paragraphs; write a whole number from 1, "
                f"e.g. `{key}: 6`, or leave it out",
            )
            return None
        return None if value is None else int(value)

    def bbox(self, record: LocatedDict, key: str, where: str) -> tuple[float, float, float, float] | None:
        """``[west, south, east, north]``, in decimal degrees."""
        value, name, line = record.get(key), f"{where}.{key}".lstrip("."), record.line_of(key)
        if value is None:
            return None
        how = f"write `{key}: [west, south, east, north]` in decimal degrees, e.g. [-17, 5, 25, 24]"
        numbers = value if isinstance(value, list) else []
        if len(numbers) != 4 or any(isinstance(n, bool) or not isinstance(n, (int, float)) for n in numbers):
            self.problem(line, name, f"{value!r} is not a box; {how}")
            return None
        west, south, east, north = (float(n) for n in numbers)
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            box = [west, south, east, north]
            need = "west < east within ±180 and south < north within ±90 are needed"
            self.problem(line, name, f"{box} is not a box: {need}; {how}")
            return None
        return west, south, east, north

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
        for pattern, fmt in _DATE_FORMS:
            if pattern.fullmatch(text):
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
            hint = "; write the records as a list, or name a .csv file" if isinstance(value, str) else ""
            self.problem(document.line_of(key), key, f"expected a list, got a {_kind(value)}{hint}")
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
        found = self.figure(record.get(key))
        if isinstance(found, str):
            self.problem(record.line_of(key), f"{where}.{key}", found)
            return UNKNOWN
        return found

    def figure(self, value: Any) -> Personnel | str:
        """A figure as :func:`parse_personnel` reads it, or the problem with it."""
        return self._figures.read(value, self.number_format)

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
            if anchor is not None and not _ANCHOR.fullmatch(anchor):
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
