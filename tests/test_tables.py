"""Tables: list sections as CSV files, a whole scenario as an .xlsx workbook, read or refused clearly."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from posturemap.build import build
from posturemap.cli import main
from posturemap.geo.errors import ScenarioError
from posturemap.geo.scenario import load_scenario

from .conftest import MINIMAL, NIGER
from .spreadsheets import write_csv_scenario, write_workbook_scenario


def problems_of(path) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return [str(problem) for problem in caught.value.problems]


@pytest.fixture(scope="module")
def yaml_geojson(tmp_path_factory):
    out = tmp_path_factory.mktemp("yaml") / "output"
    build(NIGER, out)
    return {path.name: path.read_bytes() for path in sorted((out / "geojson").glob("*.geojson"))}


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(",", "utf-8"), (";", "utf-8-sig"), ("\t", "utf-8")],
    ids=["comma", "semicolon-with-BOM", "tab"],
)
def test_csv_sections_build_the_same_geojson_as_the_yaml(tmp_path, yaml_geojson, delimiter, encoding):
    path = write_csv_scenario(NIGER, tmp_path, delimiter=delimiter, encoding=encoding)
    assert "deployments: deployments.csv" in path.read_text(encoding="utf-8")
    build(path, tmp_path / "output")
    built = {p.name: p.read_bytes() for p in sorted((tmp_path / "output" / "geojson").glob("*.geojson"))}
    assert built == yaml_geojson


def test_a_workbook_builds_the_same_geojson_as_the_yaml(tmp_path, yaml_geojson):
    path = write_workbook_scenario(NIGER, tmp_path / "niger.xlsx")
    build(path, tmp_path / "output")
    built = {p.name: p.read_bytes() for p in sorted((tmp_path / "output" / "geojson").glob("*.geojson"))}
    assert built == yaml_geojson


def minimal_with_csv(tmp_path, deployments: bytes | str, name: str = "deployments.csv"):
    head = MINIMAL[: MINIMAL.index("deployments:")]
    path = tmp_path / "scenario.yaml"
    path.write_text(head + f"deployments: {name}\n", encoding="utf-8")
    data = deployments.encode("utf-8") if isinstance(deployments, str) else deployments
    (tmp_path / name).write_bytes(data)
    return path


HEADER = "actor,place,phase,personnel,status,sources\n"
GOOD_ROWS = 'us,niamey,before,"about 1,000",,report#2\nus,niamey,after,0,withdrawn,report\n'


def test_a_bad_cell_is_reported_by_file_row_and_column(tmp_path, capsys):
    path = minimal_with_csv(
        tmp_path, HEADER + 'us,niamey,before,"a lot",,report#2\nus,agades,after,0,withdrawn,memo\n'
    )
    assert main(["build", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    table = tmp_path / "deployments.csv"
    assert f"{table}:2: personnel: 'a lot' is not a personnel figure" in err
    assert f"{table}:3: place: unknown place 'agades'; use one of: niamey" in err
    assert f"{table}:3: sources[0]: unknown source 'memo'; use one of: report" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


def test_header_problems_are_reported_once_at_the_header(tmp_path):
    rows = "actor,place,personnel,sources,colour\nus,niamey,100,report,red\nus,niamey,0,report,red\n"
    problems = problems_of(minimal_with_csv(tmp_path, rows))
    table = tmp_path / "deployments.csv"
    assert problems == [
        f"{table}:1: colour: unknown column; expected one of actor, note, personnel, phase, place, "
        "sources, status",
        f"{table}:1: phase: missing column; add `phase` to the header row",
    ]


def test_latin1_is_refused_with_the_way_to_save_utf8(tmp_path):
    rows = HEADER + "us,niamey,before,100,,report#2\nus,niamey,after,0,withdrawn,report\n"
    rows = rows.replace("before,100,", "before,100,").replace("report#2", "report#2") + "# Café\n"
    path = minimal_with_csv(tmp_path, rows.encode("latin-1"))
    (problem,) = problems_of(path)
    assert problem.startswith(f"{tmp_path / 'deployments.csv'}:4: the file is not UTF-8 text")
    assert "'Café'" in problem and "CSV UTF-8" in problem


def test_utf16_is_refused(tmp_path):
    path = minimal_with_csv(tmp_path, (HEADER + GOOD_ROWS).encode("utf-16"))
    (problem,) = problems_of(path)
    assert "UTF-16" in problem and "CSV UTF-8" in problem


def test_a_date_serial_number_is_refused_with_the_date_it_would_be(tmp_path):
    (tmp_path / "events.csv").write_text("date,text,sources\n45431,Talks end,report\n", encoding="utf-8")
    path = tmp_path / "scenario.yaml"
    path.write_text(MINIMAL + "events: events.csv\n", encoding="utf-8")
    (problem,) = problems_of(path)
    assert problem == (
        f"{tmp_path / 'events.csv'}:2: date: 45431 is a spreadsheet's date serial number (2024-05-19?), "
        "not a date; format the cell as a date or write 2024-05-19"
    )


def test_a_missing_table_is_reported_where_it_is_named(tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text(MINIMAL.replace("deployments:", "events: events.csv\ndeployments:"), encoding="utf-8")
    (problem,) = problems_of(path)
    assert problem == (
        f"{path}:11: events: 'events.csv' does not exist next to the scenario file; "
        "the path is relative to the scenario file"
    )


def test_a_row_with_an_unquoted_delimiter_is_refused(tmp_path):
    path = minimal_with_csv(
        tmp_path, HEADER + "us,niamey,before,1,000,,report#2\nus,niamey,after,0,withdrawn,report\n"
    )
    problems = problems_of(path)
    assert any(":2: the row has 7 cells but the header names 6 columns" in p for p in problems), problems


def workbook(tmp_path, sheets: dict[str, list[list]]):
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "book.xlsx"
    book.save(path)
    return path


MINIMAL_SHEETS = {
    "scenario": [["title", "Minimal"]],
    "phases": [
        ["id", "label", "date"],
        ["before", "Before", dt.datetime(2024, 1, 1)],
        ["after", "After", "2024-06"],
    ],
    "actors": [["id", "name"], ["us", "United States"]],
    # Numbers stored as text, as spreadsheets often hold them.
    "sources": [["id", "title", "paragraphs"], ["report", "A report", "6"]],
    "places": [["id", "name", "lat", "lon", "country"], ["niamey", "Niamey", "13.51", 2.11, "NE"]],
    "deployments": [
        ["actor", "place", "phase", "personnel", "status", "sources"],
        ["us", "niamey", "before", 1000.0, None, "report#2"],
        ["us", "niamey", "after", "0", "withdrawn", "report"],
    ],
}


def test_a_workbook_reads_typed_and_text_cells(tmp_path):
    scenario = load_scenario(workbook(tmp_path, MINIMAL_SHEETS))
    assert scenario.sources[0].paragraphs == 6
    assert scenario.places[0].lat == 13.51
    assert scenario.phases[1].date == dt.date(2024, 6, 1) and scenario.phases[1].date_precision == "month"
    assert scenario.deployments[0].personnel.estimate == 1000


def test_workbook_problems_name_the_sheet(tmp_path):
    sheets = dict(MINIMAL_SHEETS)
    sheets["deployments"] = [
        *MINIMAL_SHEETS["deployments"][:2],
        ["us", "niamey", "after", "lots", None, "report"],
    ]
    sheets["events"] = [["date", "text", "sources"], [45431, "Talks end", "report"]]
    sheets["scenario"] = [["title", None], ["colour", "red"]]
    sheets["notes"] = [["anything"]]
    path = workbook(tmp_path, sheets)
    problems = problems_of(path)
    assert f"{path}:deployments:3: personnel: 'lots' is not a personnel figure" in "\n".join(problems)
    assert any(
        p.startswith(f"{path}:events:2: date: 45431 is a spreadsheet's date serial number") for p in problems
    )
    assert any(p.startswith(f"{path}:scenario:2: colour: unknown key") for p in problems), problems
    assert any(p.startswith(f"{path}:notes: unknown sheet") for p in problems), problems
    assert any(p.startswith(f"{path}:scenario:1: title: missing") for p in problems), problems


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_text("title: not a workbook\n", encoding="utf-8")
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}: not an .xlsx workbook")


def test_a_csv_file_alone_is_not_a_scenario(tmp_path):
    path = tmp_path / "deployments.csv"
    path.write_text(HEADER + GOOD_ROWS, encoding="utf-8")
    (problem,) = problems_of(path)
    assert "a CSV file holds one section" in problem


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(string.printable + "é;\"'\u00a0", max_size=200))
def test_any_table_text_is_loaded_or_refused_cleanly(tmp_path, text):
    path = minimal_with_csv(tmp_path, HEADER + text)
    try:
        load_scenario(path)
    except ScenarioError as error:
        assert error.problems
        assert all(str(p).startswith((str(path), str(tmp_path / "deployments.csv"))) for p in error.problems)


cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(string.ascii_letters + string.digits + string.punctuation + " é;", max_size=12),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(cells, min_size=0, max_size=8), max_size=5), st.sampled_from(sorted(MINIMAL_SHEETS)))
def test_any_workbook_cells_are_loaded_or_refused_cleanly(tmp_path, rows, sheet):
    sheets = dict(MINIMAL_SHEETS)
    sheets[sheet] = [*MINIMAL_SHEETS[sheet][:1], *rows]
    path = workbook(tmp_path, sheets)
    try:
        load_scenario(path)
    except ScenarioError as error:
        assert error.problems
        assert all(str(problem).startswith(str(path)) for problem in error.problems)


def test_headers_in_any_case_and_commas_between_sources(tmp_path):
    rows = "Actor,Place,Phase,Personnel ,Status,Sources\n" + 'us,niamey,before,100,,"report#2, report"\n'
    rows += "us,niamey,after,0,withdrawn,report\n"
    (problem,) = problems_of(minimal_with_csv(tmp_path, rows))
    assert problem == (
        f"{tmp_path / 'deployments.csv'}:2: sources: 'report#2, report': separate the items of a table cell "
        "with ';', not ',' (e.g. `report#2; memo`)"
    )
