"""The scenario format and its errors, through the API and the command line."""

import re
import subprocess
import sys

import pytest

from posturemap.cli import main
from posturemap.geo.errors import ScenarioError
from posturemap.geo.scenario import load_scenario

from .conftest import MINIMAL, NIGER, ROOT


def problems_of(path):
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return [str(problem) for problem in caught.value.problems]


def test_niger_scenario_is_valid():
    scenario = load_scenario(NIGER)
    assert scenario.phases[0].id == "before-coup"
    assert len(scenario.phases) >= 2
    assert all(deployment.sources for deployment in scenario.deployments)


def test_minimal_scenario_loads(write_scenario):
    scenario = load_scenario(write_scenario(MINIMAL))
    assert scenario.deployments[0].personnel.text == "about 1,000"
    assert str(scenario.deployments[0].sources[0]) == "report#2"


BROKEN = """\
title: Broken
phases:
  - {id: before, label: Before, date: 2024-13-01}
  - {id: before, label: Again, date: 2024-06-01}
actors:
  - {id: us, name: United States, color: blue}
sources:
  - {id: report, title: A report, url: "javascript:alert(1)"}
places:
  - {id: niamey, name: Niamey, lat: 130.5, lon: 2.11}
  - {id: nowhere, name: Nowhere}
  - {id: half, name: Half, lat: 12.0}
deployments:
  - {actor: usa, place: niamey, phase: before, personnel: "lots", sources: [report#2]}
  - {actor: us, place: atlantis, phase: later, personnel: -5, sources: [missing]}
"""


def test_every_problem_is_reported_at_once_with_line_and_field(write_scenario):
    path = write_scenario(BROKEN)
    problems = problems_of(path)
    text = "\n".join(problems)
    expected = [
        (3, "phases[0].date", "not a valid ISO date"),
        (4, "phases[1].id", "duplicate phase id"),
        (6, "actors[0].color", "not a colour"),
        (8, "sources[0].url", "not an http(s) address"),
        (10, "places[0].lat", "out of range"),
        (11, "places[1]", "neither `query:` nor `lat:`"),
        (12, "places[2].lon", "missing"),
        (14, "deployments[0].actor", "unknown actor 'usa'"),
        (14, "deployments[0].personnel", "not a personnel figure"),
        (15, "deployments[1].place", "unknown place 'atlantis'"),
        (15, "deployments[1].phase", "unknown phase 'later'"),
        (15, "deployments[1].personnel", "negative"),
        (15, "deployments[1].sources[0]", "unknown source 'missing'"),
    ]
    for line, field, words in expected:
        pattern = rf"^{re.escape(str(path))}:{line}: {re.escape(field)}: .*{re.escape(words)}"
        assert re.search(pattern, text, re.MULTILINE), f"no {field} problem on line {line}:\n{text}"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("", "empty"),
        ("title: [unclosed\n", "YAML syntax error"),
        ("- just\n- a list\n", "not a mapping"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        ("title: x\ntitle: y\n", "duplicate key"),
    ],
)
def test_unreadable_files_get_one_clear_line(tmp_path, content, words):
    path = tmp_path / "bad.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    problems = problems_of(path)
    assert any(words in problem for problem in problems), problems
    assert all(problem.startswith(str(path)) for problem in problems)


def test_missing_file(tmp_path):
    assert "no such file" in problems_of(tmp_path / "absent.yaml")[0]


def test_geojson_region_must_exist_and_be_geojson(write_scenario, tmp_path):
    (tmp_path / "bad.geojson").write_text("{not json", encoding="utf-8")
    base = (
        MINIMAL + "regions:\n  - {id: a, name: A, geojson: missing.geojson}\n"
        "  - {id: b, name: B, geojson: bad.geojson}\n"
    )
    problems = "\n".join(problems_of(write_scenario(base)))
    assert "regions[0].geojson: 'missing.geojson' does not exist" in problems
    assert "regions[1].geojson: 'bad.geojson' is not valid GeoJSON" in problems


def test_validate_command_exits_2_without_traceback(write_scenario):
    path = write_scenario(BROKEN)
    result = subprocess.run(
        [sys.executable, "-m", "posturemap", "validate", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{path}:14: deployments[0].actor: unknown actor 'usa'" in result.stderr


def test_validate_command_accepts_the_niger_scenario(capsys):
    assert main(["validate", str(NIGER)]) == 0
    assert "valid" in capsys.readouterr().out


def test_place_far_from_its_declared_country_is_an_error(write_scenario):
    # lat and lon swapped: Niamey at 2.11N 13.51E lies in Gabon's waters, not Niger.
    swapped = MINIMAL.replace("lat: 13.51, lon: 2.11", "lat: 2.11, lon: 13.51")
    assert main(["validate", str(write_scenario(swapped))]) == 2


@pytest.mark.parametrize(
    ("reference", "words"),
    [
        ("report#seven", "'seven' is not a paragraph number"),
        ("report#0", "'0' is not a paragraph number"),
        ("report#-2", "'-2' is not a paragraph number"),
        ("report#2.5", "'2.5' is not a paragraph number"),
        ("report#p3", "'p3' is not a paragraph number"),
        ("report#4", "has 3 paragraphs"),
        ("report#40", "has 3 paragraphs"),
    ],
)
def test_an_anchor_is_a_paragraph_number_within_the_source(write_scenario, reference, words):
    text = MINIMAL.replace(
        'url: "https://example.org/report"}', 'url: "https://example.org/report", paragraphs: 3}'
    )
    path = write_scenario(text.replace("sources: [report#2]", f"sources: [{reference}]"))
    problems = problems_of(path)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}:12: deployments[0].sources[0]: ")
    assert words in problems[0]


@pytest.mark.parametrize("reference", ["report#1", "report#3", "report"])
def test_anchors_within_the_source_are_accepted(write_scenario, reference):
    text = MINIMAL.replace(
        'url: "https://example.org/report"}', 'url: "https://example.org/report", paragraphs: 3}'
    )
    scenario = load_scenario(write_scenario(text.replace("sources: [report#2]", f"sources: [{reference}]")))
    assert str(scenario.deployments[0].sources[0]) == reference


@pytest.mark.parametrize("count", ["0", "-1", "three", "2.5", "true"])
def test_paragraphs_must_be_a_count(write_scenario, count):
    text = MINIMAL.replace(
        'url: "https://example.org/report"}', f'url: "https://example.org/report", paragraphs: {count}}}'
    )
    problems = problems_of(write_scenario(text))
    assert any(
        ":8: sources[0].paragraphs: " in problem and "whole number from 1" in problem for problem in problems
    )


def test_the_niger_scenario_counts_its_seed_paragraphs():
    """The two reports' paragraph counts, as README says to count them: body paragraphs, headline excluded."""
    seeds = ROOT.parent / "shared" / "seeds"
    scenario = load_scenario(NIGER)
    counts = {source.id: source.paragraphs for source in scenario.sources}
    assert counts["ordered-out"] == 5 and counts["withdrawal-agreed"] == 6
    if seeds.is_dir():  # the seeds sit beside the repository on the development machine
        first = [
            line for line in (seeds / "000_96708bf42db7307b.txt").read_text().splitlines() if line.strip()
        ]
        second = [
            line for line in (seeds / "002_4f930567e044b458.txt").read_text().splitlines() if line.strip()
        ]
        assert len(first) == 5  # no headline in this one
        assert len(second) - 1 == 6  # a headline, then six paragraphs
