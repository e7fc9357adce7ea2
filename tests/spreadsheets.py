"""A scenario written out as spreadsheets do: CSV files per section, or one .xlsx workbook.

Generated from a YAML scenario through the format's field tables, so the
tests compare what the YAML builds with what its tables build.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from posturemap.geo.format import LIST_SECTIONS, SCENARIO, SECTIONS, Field


def cell(value: Any, item: Field, *, typed: bool) -> Any:
    """A value as a spreadsheet cell: text for CSV, or a typed cell (``typed``) for a workbook."""
    if value is None:
        return None if typed else ""
    if item.parser == "personnel" and isinstance(value, list):
        return "; ".join(f"{figure['value']} ({', '.join(figure['sources'])})" for figure in value)
    if isinstance(value, list):
        return "; ".join(str(part) for part in value)
    if isinstance(value, dt.date) and typed:
        return dt.datetime.combine(value, dt.time())
    if typed and isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def table_rows(records: list[dict], section: str, *, typed: bool) -> list[list[Any]]:
    """A header row of every column any record uses, in table order, then a row a record."""
    columns = [item for item in SECTIONS[section].fields if any(item.name in record for record in records)]
    rows = [[item.name for item in columns]]
    rows += [[cell(record.get(item.name), item, typed=typed) for item in columns] for record in records]
    return rows


def write_csv_scenario(source: Path, folder: Path, *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    """The scenario with every list section in its own CSV file; returns the new YAML file."""
    document = yaml.safe_load(source.read_text(encoding="utf-8"))
    for section in LIST_SECTIONS:
        if section in document:
            with (folder / f"{section}.csv").open("w", encoding=encoding, newline="") as handle:
                csv.writer(handle, delimiter=delimiter).writerows(
                    table_rows(document[section], section, typed=False)
                )
            document[section] = f"{section}.csv"
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_workbook_scenario(source: Path, path: Path) -> Path:
    """The scenario as one .xlsx workbook: a ``scenario`` sheet and a sheet per section."""
    from openpyxl import Workbook

    document = yaml.safe_load(source.read_text(encoding="utf-8"))
    book = Workbook()
    top = book.active
    top.title = "scenario"
    top.append(["key", "value"])
    for item in SCENARIO.fields:
        if item.parser != "records" and item.name in document:
            top.append([item.name, cell(document[item.name], item, typed=True)])
    for section in LIST_SECTIONS:
        if section in document:
            sheet = book.create_sheet(section)
            for row in table_rows(document[section], section, typed=True):
                sheet.append(row)
    book.save(path)
    return path
