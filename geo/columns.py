"""The bulk sections of a CSV table read a column at a time: places and deployments.

A table of 100,000 places or deployments read one record at a time, as the
YAML records are, spends most of its time on the records' bookkeeping rather
than on the rules.  :class:`ColumnTable` keeps a table as its columns (read
by pandas' C reader), and :func:`read_places` and :func:`read_deployments`
check each column with the same rules as :mod:`posturemap.geo.readers`, each
distinct value once, then build the records.

These readers only answer "valid, and here are the records" or
:class:`NeedsRows`: on any problem, or anything they leave to the
record-by-record reader, the table is read again as records
(:meth:`ColumnTable.records`), which reports every problem with its row.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .format import ID_PATTERN, Field, Section
from .model import Deployment, Place
from .yamlsource import LocatedDict, LocatedList

if TYPE_CHECKING:
    from .readers import FieldReader
    from .tables import Tables

#: The parsers a column may have to be read here; a table with any other column
#: is read as records.
COLUMN_PARSERS = frozenset(
    {"text", "id", "reference", "choice", "number", "country", "personnel", "citations"}
)
#: The sections read a column at a time: the long ones.
COLUMN_SECTIONS = frozenset({"places", "deployments"})

_ID = re.compile(ID_PATTERN)


class NeedsRows(Exception):
    """A table has a problem (or something) the column readers leave to the record reader."""


@dataclass
class ColumnTable:
    """A CSV table as columns, each cell as written; every column names a field of ``section``."""

    section: Section
    origin: str
    header_line: int
    header: list[str]
    #: The cells of each column, in the header's order.
    columns: list[list[str]]
    #: The line of each row.
    lines: list[int]
    #: Its values are text, stripped, or None.
    stripped = True

    def column(self, name: str) -> list[str] | None:
        """The cells of the field ``name``, or ``None`` when the table has no such column."""
        for written, cells in zip(self.header, self.columns, strict=True):
            if written.strip().lower() == name:
                return cells
        return None

    def id_lines(self) -> list[int]:
        return self.lines

    def values(self, name: str) -> list[Any]:
        """The field's values as the record reader would get them from the cells (``None``: empty)."""
        cells = self.column(name)
        if cells is None:
            return [None] * len(self.lines)
        parser = self.section.field(name).parser
        values: list[Any] = [cell.strip() or None for cell in cells]
        if parser == "personnel" and any("(" in value for value in values if value):
            raise NeedsRows  # figures with their sources: read as records
        return values

    @staticmethod
    def sources(cell: str) -> LocatedList:
        """A ``sources`` cell as the list it stands for: ``report#2; memo``."""
        parts = [part.strip() for part in cell.split(";")]
        if any("," in part for part in parts):
            raise NeedsRows
        return LocatedList(part for part in parts if part != "")

    def records(self, tables: Tables) -> LocatedList:
        """The table as located records, read and checked cell by cell."""
        from .tables import rows_to_records

        rows = [
            (self.header_line, self.header),
            *zip(self.lines, map(list, zip(*self.columns, strict=True)), strict=True),
        ]
        return rows_to_records(rows, self.section, self.origin, tables)


def column_table(text: str, delimiter: str, section: Section, label: str) -> ColumnTable | None:
    """The table as columns, when its header is right and each row is one line, else ``None``."""
    import pandas as pd

    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except ValueError:  # more cells than the header, and the like: read as records, which says so
        return None
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if len(frame) != lines or text.count("\r") != text.count("\r\n"):
        return None  # a quoted cell holds a line break: the rows' lines are not their numbers
    columns = [frame[name].tolist() for name in frame.columns]
    del frame
    header = [column[0] for column in columns]
    names = [name.strip().lower() for name in header]
    required = {item.name for item in section.fields if item.required}
    if (
        not all(name in section.keys for name in names)
        or len(set(names)) != len(names)
        or required - set(names)
    ):
        return None  # the records' reader reports the header's problems
    columns = [column[1:] for column in columns]
    rows = list(range(2, lines + 1))
    blank = [
        index
        for index, cell in enumerate(columns[0])
        if not cell.strip() and all(not column[index].strip() for column in columns)
    ]
    if blank:  # empty rows are no records, as in the records' reader
        keep = sorted(set(range(len(rows))) - set(blank))
        columns = [[column[index] for index in keep] for column in columns]
        rows = [rows[index] for index in keep]
    return ColumnTable(section, label, 1, header, columns, rows)


class RecordColumns:
    """A list section's records, from YAML, seen as columns."""

    #: Its values are as YAML wrote them: numbers, dates, lists ...
    stripped = False

    def __init__(self, records: LocatedList, section: Section):
        allowed = frozenset(section.keys)
        if not all(type(record) is LocatedDict and record.keys() <= allowed for record in records):
            raise NeedsRows  # the record reader says which item is wrong, and where
        self.section = section
        self.records = records
        self.lines = [record.line for record in records]

    def values(self, name: str) -> list[Any]:
        return [record.get(name) for record in self.records]

    @staticmethod
    def sources(value: Any) -> Any:
        return value

    def id_lines(self) -> list[int]:
        return [record.line_of("id") for record in self.records]


def _key(value: Any) -> Any:
    """A value as a dict key that tells ``1`` from ``1.0``, ``True`` and ``0x1``; a list as a tuple."""
    if type(value) is str:
        return value
    if isinstance(value, list):
        return (list, *map(_key, value))
    return (type(value), value, getattr(value, "written", None))


def _by_value(values: list[Any], read: Callable[[Any], Any]) -> list[Any]:
    """Each value read by ``read``, each distinct value once (``None`` stays ``None``)."""
    found: dict[Any, Any] = {}
    out = []
    try:
        for value in values:
            if value is None:
                out.append(None)
                continue
            key = value if type(value) is str else _key(value)
            result = found.get(key, found)
            if result is found:
                result = found[key] = read(value)
            out.append(result)
    except TypeError:  # a mapping among the values: the record reader says where
        raise NeedsRows from None
    return out


class _Columns:
    """Reads a section's columns by their fields' rows, as :class:`FieldReader` reads a record's keys."""

    def __init__(self, table: ColumnTable | RecordColumns, reader: FieldReader):
        if any(item.parser not in COLUMN_PARSERS for item in table.section.fields):
            raise NeedsRows
        self.table = table
        self.section = table.section
        self.reader = reader

    def probe(self, key: str, value: Any) -> Any:
        """Read one value the way the record reader does, through a record holding only it."""
        record = LocatedDict()
        record[key] = value
        before = len(self.reader.problems)
        result = self.reader.read(record, self.section, self.section.field(key), "")
        if len(self.reader.problems) > before:
            del self.reader.problems[before:]
            raise NeedsRows
        return result

    def read(self, key: str, *, required: bool | None = None) -> list[Any]:
        """The column ``key`` read by its field's row; ``required`` overrides the row's."""
        item: Field = self.section.field(key)
        required = item.required if required is None else required
        values = self.table.values(key)
        parser = item.parser
        if parser == "number":
            return [None if value is None else self.number(value, item) for value in values]
        if parser == "personnel":
            return self.figures(values)
        if parser == "citations":
            return self.citations(values, required=required)
        texts = self.texts(values) if not self.table.stripped else values
        if required and None in texts:
            raise NeedsRows
        if parser == "text":
            return texts
        if parser == "id":
            return self.ids(texts)
        if parser == "reference":
            known = self.reader.known.get(item.refers or "", {})
            if not known.keys() >= set(texts) - {None}:
                raise NeedsRows
            return texts
        if parser == "choice":
            return [
                item.default if text is None else value
                for text, value in zip(texts, self.distinct(key, texts), strict=True)
            ]
        return self.distinct(key, texts)

    @staticmethod
    def texts(values: list[Any]) -> list[str | None]:
        """A text column's values: stripped, ``None`` for an empty one."""
        texts = []
        for value in values:
            if value is None:
                texts.append(None)
            elif type(value) is str:
                texts.append(value.strip() or None)
            elif isinstance(value, (dict, list)):
                raise NeedsRows
            else:
                texts.append(str(value).strip() or None)
        return texts

    def distinct(self, key: str, texts: list[str | None]) -> list[Any]:
        def read(text: str) -> Any:
            value = self.probe(key, text)
            if value is None:  # an id declared by a record that has a problem
                raise NeedsRows
            return value

        return _by_value(texts, read)

    def ids(self, texts: list[str | None]) -> list[str]:
        what = self.section.what
        seen = self.reader.seen.setdefault(what, {})
        if seen or len(set(texts)) != len(texts) or not all(map(_ID.match, texts)):  # type: ignore[arg-type]
            raise NeedsRows
        seen.update(zip(texts, self.table.id_lines(), strict=True))  # type: ignore[arg-type]
        self.reader.declared.setdefault(what, set()).update(texts)  # type: ignore[arg-type]
        return texts  # type: ignore[return-value]

    @staticmethod
    def number(value: Any, item: Field) -> float:
        if type(value) is str:
            try:
                value = float(value.strip())
            except ValueError:
                raise NeedsRows from None
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            raise NeedsRows
        low, high = item.bounds or (float("-inf"), float("inf"))
        if not (low <= value <= high):  # also refuses nan
            raise NeedsRows
        return float(value)

    def figures(self, values: list[Any]) -> list[Any]:
        def read(value: Any) -> Any:
            found = self.reader.figure(value)
            if isinstance(value, list) or isinstance(found, str):  # a figure per report: read as records
                raise NeedsRows
            return found

        unknown = self.reader.figure(None)
        return [unknown if found is None else found for found in _by_value(values, read)]

    def citations(self, values: list[Any], *, required: bool) -> list[Any]:
        sources = self.reader.known.get("source", {})

        def read(value: Any) -> tuple[Any, ...]:
            before = len(self.reader.problems)
            record = LocatedDict(sources=self.table.sources(value))
            refs = self.reader.citations(record, "", sources, required=required)
            if len(self.reader.problems) > before:
                del self.reader.problems[before:]
                raise NeedsRows
            return tuple(dict.fromkeys(refs))  # each cited once, as a deployment keeps them

        if required and None in values:
            raise NeedsRows
        return [() if refs is None else refs for refs in _by_value(values, read)]


def read_places(table: ColumnTable | RecordColumns, reader: FieldReader) -> list[Place]:
    """The places of a table, checked as :meth:`Validator.places` checks records."""
    columns = _Columns(table, reader)
    values = {item.name: columns.read(item.name) for item in table.section.fields}
    for query, lat, lon in zip(values["query"], values["lat"], values["lon"], strict=True):
        if (lat is None) != (lon is None) or (lat is None and query is None):
            raise NeedsRows
    # Positional, in the order of Place's fields: no dict of keywords a row.
    order = [values[item.name] for item in dataclasses.fields(Place) if item.name != "line"]
    return list(map(Place, *order, table.lines))


def read_deployments(table: ColumnTable | RecordColumns, reader: FieldReader) -> list[Deployment]:
    """The deployments of a table, checked as :meth:`Validator.deployments` checks records."""
    columns = _Columns(table, reader)
    actors, places, phases = columns.read("actor"), columns.read("place"), columns.read("phase")
    figures, statuses = columns.read("personnel"), columns.read("status")
    # Sources are required of a deployment whose figure is not a list of reports,
    # and a list is left to the record reader.
    notes, citations = columns.read("note"), columns.read("sources", required=True)
    keys = list(zip(actors, places, phases, strict=True))
    if len(set(keys)) != len(keys):
        raise NeedsRows
    deployments = []
    for (actor, place, phase), personnel, status, note, refs, line in zip(
        keys, figures, statuses, notes, citations, table.lines, strict=True
    ):
        if status == "withdrawn" and personnel.estimate:
            raise NeedsRows
        deployments.append(Deployment(actor, place, phase, personnel, status, note, refs, line, ()))
    return deployments
