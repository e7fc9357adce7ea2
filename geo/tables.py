"""Scenario sections as tables: a CSV file per list section, or a whole .xlsx workbook.

A table becomes the same located records the YAML reader makes (each value
knows its row), so the validator checks it with the same field tables and
the same messages.  Each cell is read by its column's row in
:mod:`posturemap.geo.format`: list fields (``sources``, ``countries``) are
separated by ``;``, a deployment's ``personnel`` may list figures as
``about 1,000 (report#2); over 1,000 (memo#1)``, and numbers or dates that a
spreadsheet stored as numbers or as text are read as what the column needs.

What spreadsheets write is read or refused, never guessed: a UTF-8 BOM is
dropped; a file in Latin-1 or Windows-1252 (Excel's plain "CSV") or UTF-16
is refused with the way to save it as UTF-8; ``;`` and tab delimiters are
recognised from the header row; a date column holding an Excel serial number
(45432) is refused with the date it would be.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .columns import COLUMN_SECTIONS, ColumnTable, column_table
from .errors import Problem, ScenarioError
from .format import SCENARIO, SECTIONS, Field, Section
from .yamlsource import LocatedDict, LocatedList

#: The sheet of a workbook that holds the top-level keys (title, description ...).
SCENARIO_SHEET = "scenario"
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_FIGURE = re.compile(r"^(?P<value>.*?\S)\s*\((?P<sources>[^()]*)\)$")


@dataclass
class Tables:
    """What reading tables found: problems, and where each section's records came from.

    ``origins`` maps a section to the name its problems carry (a CSV file, or
    ``book.xlsx:sheet``); ``missing`` the required columns a section's header
    lacks (reported once, at the header, not again on every row).
    """

    problems: list[Problem] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)
    missing: dict[str, set[str]] = field(default_factory=dict)
    #: The workbook a whole scenario came from, if it did.
    workbook: str | None = None
    #: Cells refused as they were read (origin, row, column): not reported again as missing.
    refused: set[tuple[str, int, str]] = field(default_factory=set)

    def relocate(self, problems: list[Problem]) -> list[Problem]:
        """Problems in table records, re-addressed ``FILE:ROW: column: ...``."""
        out = []
        for problem in problems:
            match = re.match(r"^(?P<section>\w+)\[\d+\](?:\.(?P<rest>.*))?$", problem.field)
            section = match["section"] if match else ""
            if not match or section not in self.origins:
                out.append(self._in_workbook(problem))
                continue
            column = match["rest"] or ""
            missing_column = column.split("[")[0] in self.missing.get(section, ())
            refused = (self.origins[section], problem.line, column) in self.refused
            if (missing_column or refused) and problem.message.startswith("missing"):
                continue
            out.append(Problem(self.origins[section], problem.line, column, problem.message))
        return out

    def _in_workbook(self, problem: Problem) -> Problem:
        """A problem of a workbook's top level, or of a whole section, names its sheet."""
        if self.workbook is None or problem.path != self.workbook:
            return problem
        if problem.field in self.origins:
            return Problem(self.origins[problem.field], 0, "", problem.message)
        return Problem(f"{self.workbook}:{SCENARIO_SHEET}", problem.line, problem.field, problem.message)


def _located(values: dict[str, Any], line: int) -> LocatedDict:
    record = LocatedDict(values)
    record.line = line
    record.value_lines = dict.fromkeys(values, line)
    return record


def _located_list(items: list[Any], line: int, lines: list[int] | None = None) -> LocatedList:
    out = LocatedList(items)
    out.line = line
    out.item_lines = lines if lines is not None else [line] * len(items)
    return out


class _Cells:
    """Turns cells into values by their column's row in the format's tables."""

    def __init__(self, tables: Tables, origin: str):
        self.tables = tables
        self.origin = origin

    def problem(self, line: int, column: str, message: str) -> None:
        self.tables.problems.append(Problem(self.origin, line, column, message))
        self.tables.refused.add((self.origin, line, column))

    def value(self, raw: Any, item: Field, line: int) -> Any:
        """The value of one cell; ``None`` for an empty one."""
        if isinstance(raw, str):
            raw = raw.strip()
            if not raw:
                return None
        if raw is None:
            return None
        if isinstance(raw, dt.datetime):
            raw = raw.date() if raw.time() == dt.time() else raw.isoformat(sep=" ")
        if isinstance(raw, bool):  # a TRUE/FALSE cell: text, which no field of the format takes as yes/no
            raw = str(raw).upper()
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        parser = item.parser
        if parser == "date":
            return self.date(raw, item, line)
        if isinstance(raw, dt.date):
            return raw.isoformat()
        if parser in ("citations", "countries", "bbox"):
            parts = [part.strip() for part in str(raw).split(";")]
            if parser != "bbox" and any("," in part for part in parts):
                self.problem(
                    line,
                    item.name,
                    f"{raw!r}: separate the items of a table cell with ';', not ',' "
                    f"(e.g. `{'report#2; memo' if parser == 'citations' else 'ML; NE'}`)",
                )
                return None
            if parser == "bbox":
                parts = [_number(part) for part in parts]
            return _located_list([part for part in parts if part != ""], line)
        if parser == "personnel" and item.figures and isinstance(raw, str):
            return self.figures(raw, line)
        if parser == "count" and isinstance(raw, str) and raw.isdigit():
            return int(raw)
        if parser in ("number", "personnel", "count"):
            return raw
        return raw if isinstance(raw, str) else str(raw)

    def date(self, raw: Any, item: Field, line: int) -> Any:
        text = str(raw)
        if isinstance(raw, (int, float)) or re.fullmatch(r"\d{5,7}(\.\d+)?", text):
            number = float(raw) if isinstance(raw, (int, float)) else float(text)
            # Not a year but Excel's count of days, up to its last date (9999-12-31).
            if 10_000 <= number <= 2_958_465:
                as_date = _EXCEL_EPOCH + dt.timedelta(days=int(number))
                self.problem(
                    line,
                    item.name,
                    f"{text} is a spreadsheet's date serial number ({as_date.isoformat()}?), not a date; "
                    f"format the cell as a date or write {as_date.isoformat()}",
                )
                return None
        return raw

    def figures(self, text: str, line: int) -> Any:
        """``about 1,000 (report#2); over 1,000 (memo#1)``: one figure per report, or plain wording."""
        parts = [part.strip() for part in text.split(";") if part.strip()]
        found = [_FIGURE.match(part) for part in parts]
        if not any(found):
            return text
        if not all(found):
            self.problem(
                line,
                "personnel",
                f"{text!r} mixes figures with and without sources; write each as "
                "`wording (source#N)`, separated by ';', or one figure without parentheses",
            )
            return None
        items = []
        for match in found:
            sources = [ref.strip() for ref in match["sources"].split(",") if ref.strip()]
            items.append(_located({"value": match["value"], "sources": _located_list(sources, line)}, line))
        return _located_list(items, line)


def _number(text: str) -> Any:
    try:
        return float(text)
    except ValueError:
        return text


def rows_to_records(
    rows: list[tuple[int, list[Any]]], section: Section, origin: str, tables: Tables
) -> LocatedList:
    """Records from a table's rows (row number, cells), the first being the header."""
    cells = _Cells(tables, origin)
    if not rows:
        cells.problem(
            0, "", "the table is empty; give a header row naming the columns, then one row a record"
        )
        return _located_list([], 1)
    header_line, header = rows[0]
    # Header names as spreadsheets write them: "Personnel " is the `personnel` column.
    names = [str(name).strip().lower() if name is not None else "" for name in header]
    columns: dict[int, Field] = {}
    for index, name in enumerate(names):
        if not name:
            if any(index < len(row) and row[index] not in (None, "") for _, row in rows[1:]):
                cells.problem(header_line, "", f"column {index + 1} has values but no name in the header row")
            continue
        if name not in section.keys:
            cells.problem(
                header_line, name, f"unknown column; expected one of {', '.join(sorted(section.keys))}"
            )
            continue
        if any(columns[other].name == name for other in columns):
            cells.problem(header_line, name, "duplicate column; keep one of them")
            continue
        columns[index] = section.field(name)
    required = {item.name for item in section.fields if item.required}
    missing = required - {item.name for item in columns.values()}
    for name in sorted(missing):
        cells.problem(header_line, name, f"missing column; add `{name}` to the header row")
    tables.missing[section.name] = missing
    records, lines = [], []
    for line, row in rows[1:]:
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row):
            continue
        if len(row) > len(names) and any(cell not in (None, "") for cell in row[len(names) :]):
            cells.problem(
                line,
                "",
                f"the row has {len(row)} cells but the header names {len(names)} columns; "
                "a cell holding the delimiter must be quoted",
            )
            continue
        values = {}
        for index, item in columns.items():
            value = cells.value(row[index] if index < len(row) else None, item, line)
            if value is not None:
                values[item.name] = value
        records.append(_located(values, line))
        lines.append(line)
    return _located_list(records, header_line, lines)


def _decode(data: bytes, path: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        msg = "the file is UTF-16 (Excel's 'Unicode Text'); save it as 'CSV UTF-8 (Comma delimited)'"
        raise ScenarioError.single(path, 1, "", msg)
    if b"\x00" in data:
        raise ScenarioError.single(path, 1, "", "this is a binary file, not CSV text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        start = data.rfind(b" ", 0, error.start) + 1
        word = data[start : error.end + 8].split()[0].decode("cp1252", errors="replace")
        msg = (
            f"the file is not UTF-8 text (byte 0x{data[error.start]:02x}; {word!r} in Windows-1252, "
            "the Latin-1 that Excel's plain 'CSV' writes); posturemap does not guess encodings: save it as "
            "'CSV UTF-8 (Comma delimited)', or convert it to UTF-8"
        )
        raise ScenarioError.single(path, line, "", msg) from None


def _delimiter(header: str, section: Section) -> str:
    """The delimiter that splits the header row into the most known column names."""

    def known(delimiter: str) -> int:
        names = next(csv.reader([header], delimiter=delimiter), [])
        return sum(name.strip() in section.keys for name in names)

    return max([",", ";", "\t"], key=known)


def read_csv(
    path: Path, label: str, section: Section, tables: Tables, *, max_bytes: int, columns: bool = False
) -> LocatedList | ColumnTable:
    """A list section from a CSV file; problems are added to ``tables``.

    With ``columns``, a long section (places, deployments) whose header is
    right comes back as a :class:`ColumnTable`, read by pandas' C reader.
    """
    if not path.is_file():
        msg = "does not exist next to the scenario file; the path is relative to the scenario file"
        raise ScenarioError.single(label, 0, "", msg)
    data = path.read_bytes()
    if len(data) > max_bytes:
        msg = f"the file is {len(data):,} bytes; tables are at most {max_bytes:,} bytes"
        raise ScenarioError.single(label, 0, "", msg)
    text = _decode(data, label)
    delimiter = _delimiter(text.split("\n", 1)[0], section)
    if columns and section.name in COLUMN_SECTIONS:
        table = column_table(text, delimiter, section, label)
        if table is not None:
            tables.origins[section.name] = label
            return table
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    line = 1
    try:
        for row in reader:
            rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as error:
        raise ScenarioError.single(label, reader.line_num, "", f"not readable as CSV: {error}") from None
    tables.origins[section.name] = label
    return rows_to_records(rows, section, label, tables)


def read_workbook(path: Path, tables: Tables, *, max_bytes: int) -> LocatedDict:
    """A whole scenario from an .xlsx workbook: a sheet per section and a ``scenario`` sheet."""
    import zipfile

    from openpyxl import load_workbook

    if path.stat().st_size > max_bytes:
        msg = f"the file is {path.stat().st_size:,} bytes; scenario files are at most {max_bytes:,} bytes"
        raise ScenarioError.single(path, 0, "", msg)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        msg = f"not an .xlsx workbook ({error}); save it from Excel or LibreOffice as .xlsx"
        raise ScenarioError.single(path, 0, "", msg) from None
    document = _located({}, 1)
    tables.workbook = str(path)
    try:
        for sheet in book.worksheets:
            name = sheet.title.strip()
            label = f"{path}:{name}"
            rows = [(number, list(row)) for number, row in enumerate(sheet.iter_rows(values_only=True), 1)]
            if name == SCENARIO_SHEET:
                _scenario_sheet(rows, label, document, tables)
            elif name in SECTIONS and name != "figures":
                tables.origins[name] = label
                document[name] = rows_to_records(rows, SECTIONS[name], label, tables)
                document.value_lines[name] = 1
            else:
                expected = ", ".join([SCENARIO_SHEET, *(key for key in SECTIONS if key != "figures")])
                tables.problems.append(Problem(label, 0, "", f"unknown sheet; name sheets {expected}"))
    finally:
        book.close()
    if SCENARIO_SHEET not in book.sheetnames:
        msg = f"no `{SCENARIO_SHEET}` sheet; add one with a key column and a value column (title, ...)"
        tables.problems.append(Problem(str(path), 0, "", msg))
    return document


def _scenario_sheet(rows: list[tuple[int, list[Any]]], label: str, document: LocatedDict, tables: Tables):
    """Top-level keys, one a row: the key in the first column, the value in the second."""
    cells = _Cells(tables, label)
    for line, row in rows:
        key = str(row[0]).strip() if row and row[0] is not None else ""
        if not key or (key == "key" and len(row) > 1 and str(row[1]).strip() == "value"):
            continue
        if key not in SCENARIO.keys or SCENARIO.field(key).parser == "records":
            singles = [item.name for item in SCENARIO.fields if item.parser != "records"]
            msg = f"unknown key; expected one of {', '.join(singles)} (sections are sheets of their own)"
            tables.problems.append(Problem(label, line, key, msg))
            continue
        value = cells.value(row[1] if len(row) > 1 else None, SCENARIO.field(key), line)
        if value is not None:
            document[key] = value
            document.value_lines[key] = line
