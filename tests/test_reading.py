"""Reading fast gives what reading carefully gives: the same scenario, the same problems.

A scenario is read first without the line of every value (``load_fast``), its
long sections a column at a time (``geo/columns.py``); only a file with a
problem is read again with every line.  These tests read each input both ways
and compare, and check that a problem found the fast way is reported on its
line.
"""

from __future__ import annotations

import csv
import string

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from posturemap.geo import scenario as scenario_module
from posturemap.geo import yamlfast
from posturemap.geo.errors import ScenarioError
from posturemap.geo.scenario import load_scenario
from posturemap.geo.validate import Validator
from posturemap.geo.yamlfast import NeedsMarks, load_fast
from posturemap.geo.yamlsource import load_yaml

from .conftest import MINIMAL, NIGER, forty_places_scenario
from .spreadsheets import write_csv_scenario, write_workbook_scenario
from .test_fuzz import values


@pytest.fixture(autouse=True, params=["whole", "pieces"])
def composed(request, monkeypatch):
    """Every test twice: each file composed whole, and composed in pieces of a few list items
    (as files of millions of characters are)."""
    if request.param == "pieces":
        monkeypatch.setattr(yamlfast, "_PIECES_FROM", 0)
        monkeypatch.setattr(yamlfast, "_ITEMS_A_PIECE", 3)
    return request.param


def outcome(path):
    """The scenario, or every problem as the user reads it."""
    try:
        return load_scenario(path)
    except ScenarioError as error:
        return [str(problem) for problem in error.problems]


def careful_outcome(path, monkeypatch):
    """The same, read only the careful way: every line, every record one by one."""
    with monkeypatch.context() as patch:
        patch.setattr(scenario_module, "_read_fast", lambda *args: None)
        patch.setattr(Validator, "by_columns", lambda *args: None)
        return outcome(path)


def both_ways(path, monkeypatch):
    fast = outcome(path)
    assert fast == careful_outcome(path, monkeypatch)
    return fast


def sites_scenario(sites: int, *, bad_row: int | None = None) -> str:
    """A scenario of ``sites`` places with two deployments each; ``bad_row``: that
    deployment (from 0) gives a figure that is not one."""
    lines = [
        "title: Many sites",
        "phases:",
        "  - {id: before, date: 2023-07-01}",
        "  - {id: after, date: 2024-09-15}",
        "actors:",
        "  - {id: blue, name: Blue}",
        "sources:",
        "  - {id: report, title: A report, paragraphs: 40}",
        "places:",
        *(f"  - {{id: s{n}, name: Site {n}, lat: {10 + n / 1000}, lon: {n / 500}}}" for n in range(sites)),
        "deployments:",
    ]
    for n in range(2 * sites):
        figure = "'a lot'" if n == bad_row else f"'about {n % 7 * 100 + 100:,}'" if n % 2 else str(n % 5)
        status = ", status: withdrawn" if n % 2 == 0 and n % 5 == 0 else ""
        phase = "before" if n % 2 else "after"
        lines.append(
            f"  - {{actor: blue, place: s{n // 2}, phase: {phase}, personnel: {figure}{status}, "
            f"sources: [report#{n % 40 + 1}]}}"
        )
    return "\n".join(lines) + "\n"


def as_tables(path):
    """The scenario beside ``path`` with every list section a CSV file."""
    folder = path.parent / "tables"
    folder.mkdir()
    return write_csv_scenario(path, folder)


@pytest.mark.parametrize(
    "text",
    [
        NIGER.read_text(encoding="utf-8"),
        MINIMAL,
        forty_places_scenario(),
        sites_scenario(300),
    ],
    ids=["niger", "minimal", "forty", "sites"],
)
@pytest.mark.parametrize("tables", [False, True], ids=["yaml", "csv"])
def test_a_valid_scenario_reads_the_same_both_ways(tmp_path, monkeypatch, text, tables):
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    if tables:
        path = as_tables(path)
    scenario = both_ways(path, monkeypatch)
    assert not isinstance(scenario, list), scenario
    # Records keep the line they start on: the warnings at borders name it.
    assert [place.line for place in scenario.places] == [
        place.line for place in careful_outcome(path, monkeypatch).places
    ]


def test_a_workbook_reads_the_same_both_ways(tmp_path, monkeypatch):
    both_ways(write_workbook_scenario(NIGER, tmp_path / "book.xlsx"), monkeypatch)


@pytest.mark.parametrize("tables", [False, True], ids=["yaml", "csv"])
def test_a_problem_found_the_fast_way_is_reported_on_its_line(tmp_path, monkeypatch, tables):
    path = tmp_path / "scenario.yaml"
    path.write_text(sites_scenario(300, bad_row=417), encoding="utf-8")
    if tables:
        path = as_tables(path)
        expected = (
            f"{path.parent / 'deployments.csv'}:{417 + 2}: personnel: 'a lot' is not a personnel figure"
        )
    else:
        line = path.read_text(encoding="utf-8").splitlines().index("deployments:") + 2 + 417
        expected = f"{path}:{line}: deployments[417].personnel: 'a lot' is not a personnel figure"
    problems = both_ways(path, monkeypatch)
    assert len(problems) == 1
    assert problems[0].startswith(expected)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda rows: rows[5].__setitem__(0, rows[4][0]), "duplicate place id"),
        (lambda rows: rows[7].__setitem__(2, "95"), "out of range"),
        (lambda rows: rows[9].__setitem__(2, ""), "missing; give both"),
        (lambda rows: rows[3].__setitem__(3, "2,5"), "is not a number"),
    ],
    ids=["duplicate id", "latitude", "half a coordinate", "decimal comma"],
)
def test_a_problem_in_a_table_of_places_is_on_its_row(tmp_path, monkeypatch, change, problem):
    path = tmp_path / "scenario.yaml"
    path.write_text(sites_scenario(50), encoding="utf-8")
    path = as_tables(path)
    table = path.parent / "places.csv"
    with table.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    change(rows)
    with table.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    problems = both_ways(path, monkeypatch)
    assert any(problem in message for message in problems), problems


def test_a_line_break_in_a_quoted_cell_keeps_the_rows_lines(tmp_path, monkeypatch):
    path = tmp_path / "scenario.yaml"
    path.write_text(sites_scenario(20), encoding="utf-8")
    path = as_tables(path)
    table = path.parent / "places.csv"
    text = table.read_text(encoding="utf-8").replace("Site 3,", '"Site\nthree",', 1)
    table.write_text(text.replace("Site 9,", "Site 9,lots,", 1), encoding="utf-8")
    problems = both_ways(path, monkeypatch)
    assert any(f"places.csv:{9 + 3}:" in message for message in problems), problems


YAML_FORMS = [
    "a: yes\nb: No\nc: on\nd: ~\ne: null\nf: ''\n",
    "a: 0o17\nb: 017\nc: 0x1F\nd: 1_500\ne: 190:20:30\nf: -0\n",
    "a: 1.5\nb: 5.000\nc: .inf\nd: -.Inf\ne: .nan\nf: 1e3\ng: 6.8523015e+5\n",
    "a: 2024-05-19\nb: 2024-13-01\nc: 2024-05\nd: 2001-12-14t21:59:43.10-05:00\n",
    "a: !!str 5\nb: !!int '7'\nc: !!binary aGVsbG8=\nd: !!float '1'\ne: !custom x\n",
    "1: one\n2.5: two\ntrue: three\nnull: four\n2024-01-01: five\n",
    "a: [1, [2, {b: c}], {d: [e]}]\nb:\n  - x\n  -\n    y: z\n",
    "a: |\n  text\n  more\nb: >\n  folded\n  text\n",
    "a: !!set {x, y}\nb: !!omap [c: 1, d: 2]\n",
    "[1, 2, 3]\n",
    "just text\n",
    "url: https://example.org/?a=1&b=2\nname: AT&T\n",
    # Cuts inside quoted text and brackets: each piece must end closed, or none is cut.
    'a: "one\nb: two"\nc:\n  - "x\n  - y"\n  - z\n  - [p,\n    q]\n  - {k: "v\n  - w"}\n  - s\n',
    "# a comment\n\na:\n- 1\n- 2\n# between\n- 3\n- 4\n- 5\nb: |\n  keep\n\nc: |+\n  kept\n\n\nd: x",
    "a:\n  - {b: 1,\n  c: 2}\n  - 'it''s\n  - more'\n  -\n    d: e\n  - - nested\n    - list\n",
    "yes:\n  - 1\n  - 2\n  - 3\n  - 4\nno: [a]\n",
]


@pytest.mark.parametrize("text", YAML_FORMS)
def test_yaml_values_are_the_same_both_ways(text):
    fast = load_fast(text)
    careful, problems = load_yaml(text, "f.yaml")
    assert not problems
    assert repr(fast) == repr(careful)  # repr: nan is not equal to itself
    assert type(fast) is type(careful)
    if isinstance(fast, dict):
        for key, value in fast.items():
            assert type(value) is type(careful[key]), key
            assert getattr(value, "written", None) == getattr(careful[key], "written", None), key


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # a duplicate key: its problem needs its line
        "a: &x {b: 1}\nc: *x\n",  # aliases: left to the careful reader, which counts them
        "base: {b: 1}\nc:\n  <<: {d: 2}\n",  # a merge key
    ],
    ids=["duplicate", "alias", "merge"],
)
def test_what_the_fast_reader_leaves_to_the_careful_one(text):
    with pytest.raises(NeedsMarks):
        load_fast(text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_text_reads_the_same_both_ways(tmp_path, monkeypatch, text):
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    both_ways(path, monkeypatch)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(["phases", "actors", "sources", "places", "deployments", "movements", "number_format"]),
    values,
)
def test_any_section_reads_the_same_both_ways(tmp_path, monkeypatch, section, value):
    document = yaml.safe_load(MINIMAL)
    document[section] = value
    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    both_ways(path, monkeypatch)


cells = st.text(string.ascii_letters + string.digits + " ,;#().-\"'", max_size=12)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(["places", "deployments"]),
    st.integers(0, 4),
    st.integers(0, 7),
    cells,
)
def test_any_cell_of_a_long_table_reads_the_same_both_ways(tmp_path, monkeypatch, section, row, column, cell):
    folder = tmp_path / "fuzz"
    folder.mkdir(exist_ok=True)
    path = folder / "scenario.yaml"
    path.write_text(sites_scenario(3), encoding="utf-8")
    path = write_csv_scenario(path, folder)
    table = folder / f"{section}.csv"
    with table.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1 + row % (len(rows) - 1)][column % len(rows[0])] = cell
    with table.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    both_ways(path, monkeypatch)
