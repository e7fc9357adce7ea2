"""The scenario file: reading it, and the objects it becomes.

A scenario is one YAML file.  :func:`load_scenario` reads it, checks every
field and reference, and returns a :class:`Scenario`; any problem, however
many, comes back at once as a :class:`~posturemap.geo.errors.ScenarioError`
whose lines read ``FILE:LINE: field: what is wrong and how to fix it``.

The records are in :mod:`posturemap.geo.model`, the format's field tables in
:mod:`posturemap.geo.format` (documented from them in the README), and the
rules in :mod:`posturemap.geo.validate`; their public names are importable
from here too.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import yaml

from .columns import ColumnTable, NeedsRows
from .errors import Problem, ScenarioError
from .format import LIST_SECTIONS, SECTIONS, text_fields
from .model import (
    BUILTIN_REGIONS,
    DATE_PRECISIONS,
    MOVEMENT_KINDS,
    PLACE_KINDS,
    STATUSES,
    Actor,
    Deployment,
    Event,
    Figure,
    Movement,
    Phase,
    Place,
    Region,
    Scenario,
    Source,
    SourceRef,
    date_precision,
)
from .settings import DEFAULT_SETTINGS, Settings
from .tables import Tables, read_csv, read_workbook
from .validate import Validator
from .yamlfast import NeedsMarks, load_fast
from .yamlsource import LocatedDict, LocatedList, TooManyAliasesError, load_yaml
from .yamlsource import kind_of as _kind

__all__ = [
    "BUILTIN_REGIONS",
    "DATE_PRECISIONS",
    "MOVEMENT_KINDS",
    "PLACE_KINDS",
    "STATUSES",
    "Actor",
    "Deployment",
    "Event",
    "Figure",
    "Movement",
    "Phase",
    "Place",
    "Region",
    "Scenario",
    "Source",
    "SourceRef",
    "date_precision",
    "load_scenario",
    "text_fields",
]


def load_scenario(path: str | Path, *, settings: Settings = DEFAULT_SETTINGS) -> Scenario:
    """Read, validate and return a scenario file.

    Parameters
    ----------
    path : str or Path
        The YAML file (whose list sections may name CSV files), or an .xlsx workbook.
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
    with collector_paused():
        return _load(path, settings)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a scenario is read (and built).

    Reading builds hundreds of thousands of small objects that all stay alive
    (nodes, records, figures), and each one counts towards the collector's
    next pass: at 10,000 sites the passes took most of the reading time
    (2.6 s of 2.9 s composing the YAML node tree).  A build keeps it paused
    for the same reason while it joins and writes (joining 100,000 places took
    40% less time), and the static map while it draws (each full collection
    walked every object of the scenario again: a fifth of a second at 10,000
    sites).  Nothing read makes cycles that need collecting before the end;
    the collector runs again afterwards, as it was.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load(path: Path, settings: Settings) -> Scenario:
    if path.suffix.lower() == ".csv":
        msg = (
            "a CSV file holds one section, not a scenario; name it in a scenario file "
            "(`deployments: deployments.csv`), or give a .yaml or .xlsx file"
        )
        raise ScenarioError.single(path, 0, "", msg)
    tables, read = Tables(), {}
    if path.suffix.lower() == ".xlsx" and path.is_file():
        document, problems = read_workbook(path, tables, max_bytes=settings.max_file_bytes), []
    else:
        text = _read_text(path, max_bytes=settings.max_file_bytes)
        scenario = _read_fast(path, text, tables, read, settings)
        if scenario is not None:
            return _with_origins(scenario, tables)
        # A problem to report: read again, this time with the line of every value.
        document, problems = _read_yaml(path, text)
    _read_csv_sections(document, path, tables, settings, read=read)
    problems = problems + tables.problems
    validator = Validator(path, problems, settings=settings)
    scenario = validator.scenario(document)
    if validator.problems:
        raise ScenarioError(tables.relocate(validator.problems))
    assert scenario is not None
    return _with_origins(scenario, tables)


def _with_origins(scenario: Scenario, tables: Tables) -> Scenario:
    """The scenario, knowing which sections came from which table (see :meth:`Scenario.problem`)."""
    if not tables.origins:
        return scenario
    return replace(scenario, origins=tuple(sorted(tables.origins.items())))


def _read_fast(
    path: Path, text: str, tables: Tables, read: dict[str, LocatedList | ColumnTable], settings: Settings
) -> Scenario | None:
    """The scenario, read without the lines only problems need; ``None`` if it has a problem.

    The CSV tables read on the way are kept in ``read`` (and their problems in
    ``tables``), so that reading the YAML again does not read them again.
    """
    try:
        document = load_fast(text)
    except (NeedsMarks, yaml.YAMLError):
        return None
    if not isinstance(document, LocatedDict):
        return None
    try:
        _read_csv_sections(document, path, tables, settings, read=read, columns=True)
    except ScenarioError:  # a table that cannot be read: said again with the line naming it
        return None
    if tables.problems:
        return None
    validator = Validator(path, [], settings=settings)
    try:
        scenario = validator.scenario(document)
    except NeedsRows:
        return None
    return None if validator.problems else scenario


def _read_yaml(path: Path, text: str) -> tuple[LocatedDict, list[Problem]]:
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
    return document, problems


def _read_csv_sections(
    document: LocatedDict,
    path: Path,
    tables: Tables,
    settings: Settings,
    *,
    read: dict[str, LocatedList | ColumnTable],
    columns: bool = False,
) -> None:
    """Replace each list section written as a CSV file's name by the file's records.

    A file that cannot be read at all (missing, not UTF-8) stops the check here,
    with every such file reported.  ``read`` holds the tables read already, by
    section, and gets the ones read now.  With ``columns``, the long sections
    may be read as columns (:class:`~posturemap.geo.columns.ColumnTable`);
    without, a table read so is turned into records.
    """
    unreadable = []
    for name in LIST_SECTIONS:
        value = document.get(name)
        if not isinstance(value, str) or not value.strip().lower().endswith(".csv"):
            continue
        if name in read:
            known = read[name]
            if isinstance(known, ColumnTable) and not columns:
                known = read[name] = known.records(tables)
            document[name] = known
            continue
        table = path.parent / value.strip()
        if not table.is_file():
            unreadable.append(
                Problem(
                    str(path),
                    document.line_of(name),
                    name,
                    f"{value.strip()!r} does not exist next to the scenario file; "
                    "the path is relative to the scenario file",
                )
            )
            continue
        try:
            found = read_csv(
                table, str(table), SECTIONS[name], tables, max_bytes=settings.max_file_bytes, columns=columns
            )
        except ScenarioError as error:
            unreadable.extend(error.problems)
            continue
        document[name] = read[name] = found
    if unreadable:
        raise ScenarioError(unreadable)


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
