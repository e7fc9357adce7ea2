"""The format is declared once: the field tables drive the validator, the schema, the README and `init`."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
import yaml

from posturemap.cli import _parser, main
from posturemap.geo.errors import ScenarioError
from posturemap.geo.format import LIST_SECTIONS, SCENARIO, SECTIONS, text_fields
from posturemap.geo.model import PLACE_KINDS
from posturemap.geo.scenario import load_scenario
from posturemap.geo.schema import init_template, json_schema, reference_markdown

from .conftest import MINIMAL, NIGER, ROOT


def as_json(text: str):
    """A YAML document as JSON would hold it (dates as ISO text), as an editor sees it."""
    return json.loads(json.dumps(yaml.safe_load(text), default=str))


def schema_errors(document) -> list[str]:
    validator = jsonschema.Draft202012Validator(json_schema())
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(document)]


def test_the_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(json_schema())


@pytest.mark.parametrize("text", [NIGER.read_text(encoding="utf-8"), MINIMAL, init_template()])
def test_valid_scenarios_pass_the_schema(text):
    assert schema_errors(as_json(text)) == []


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("kind: capital", "kind: spaceport", "$.places[2].kind"),
        ('title: "US withdrawal', 'titel: "US withdrawal', "$"),
        ('color: "#1f5fbf"', 'colour: "#1f5fbf"', "$.actors[0]"),
        ("paragraphs: 5", "paragraphs: five", "$.sources[0].paragraphs"),
        ("lat: 16.95028", "lat: 116.95028", "$.places[1].lat"),
        ("sources: [ordered-out#3]", "sources: [ordered-out#three]", "$.deployments[8].sources[0]"),
        ("    builtin: sahel", "    builtin: sahel\n    countries: [NE]", "$.regions[0]"),
    ],
)
def test_a_broken_scenario_fails_the_schema_where_it_is_broken(old, new, where):
    text = NIGER.read_text(encoding="utf-8")
    assert old in text
    errors = schema_errors(as_json(text.replace(old, new, 1)))
    assert any(error.startswith(f"{where}:") for error in errors), errors


def test_schema_command_prints_the_schema(capsys):
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == json_schema()


def test_the_readme_reference_is_the_tables():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- format-reference:start -->\n(.*?)<!-- format-reference:end -->", readme, re.S)
    assert found, "README lost its format-reference markers"
    assert found.group(1) == reference_markdown(), (
        "README's format reference is out of date: replace the text between the markers "
        "with the output of `posturemap schema --markdown`"
    )


@pytest.mark.parametrize("section", ["", *LIST_SECTIONS])
def test_the_validator_allows_exactly_the_table_keys(write_scenario, section):
    """An unknown key's message lists the table's keys, and nothing else."""
    document = yaml.safe_load(MINIMAL)
    if section:
        document.setdefault(section, [{}])
        target = document[section][0]
    else:
        target = document
    target["no_such_key"] = 1
    path = write_scenario(yaml.safe_dump(document, sort_keys=False))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    keys = SECTIONS[section].keys if section else SCENARIO.keys
    expected = f"unknown field; expected one of {', '.join(sorted(keys))}"
    assert any(
        expected in str(problem) and "no_such_key" in str(problem) for problem in caught.value.problems
    )


def test_text_fields_come_from_the_tables():
    fields = text_fields()
    assert set(fields) == {"", *LIST_SECTIONS}
    assert fields["places"] == ("name", "query", "note")
    for section, names in fields.items():
        table = SECTIONS[section] if section else SCENARIO
        assert all(table.field(name).parser == "text" and not table.field(name).coded for name in names)


def test_cli_kind_choices_are_the_model_kinds():
    geocode = _parser()._subparsers._group_actions[0].choices["geocode"]
    kind = next(action for action in geocode._actions if action.dest == "kind")
    assert tuple(kind.choices) == PLACE_KINDS == SECTIONS["places"].field("kind").choices


def test_init_writes_a_scenario_that_builds(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    path = tmp_path / "scenario.yaml"
    scenario = load_scenario(path)
    assert [phase.id for phase in scenario.phases] == ["before", "after"]
    assert main(["validate", str(path)]) == 0
    # Every key of every section is explained in the comments.
    text = path.read_text(encoding="utf-8")
    for table in (SCENARIO, *SECTIONS.values()):
        for item in table.fields:
            assert re.search(rf"^# .*\b{re.escape(item.name)} \((required|optional)", text, re.M), item.name
    capsys.readouterr()
    assert main(["init"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["init", "--force"]) == 0


def test_build_works_from_any_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--example", "niger", "--out", "a"]) == 0
    assert main(["build", "--out", "b"]) == 0
    assert "bundled Niger example" in capsys.readouterr().err
    built = (tmp_path / "a" / "geojson" / "sites.geojson").read_bytes()
    assert built == (tmp_path / "b" / "geojson" / "sites.geojson").read_bytes()
    assert main(["build", "--example", "atlantis"]) == 2
    assert "use one of: niger" in capsys.readouterr().err


def test_the_bundled_example_is_the_repository_one():
    from posturemap.examples import example_path

    assert example_path("niger").read_bytes() == NIGER.read_bytes()


def test_no_geo_module_holds_two_rooms():
    """A module of 400+ lines usually holds two responsibilities (STYLE.md)."""
    long = {
        path.name: count
        for path in (ROOT / "geo").glob("*.py")
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}


def test_geo_never_imports_drawing_libraries():
    for path in (ROOT / "geo").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+(folium|matplotlib)\b", text, re.M), path.name


def test_the_schema_allows_a_csv_file_for_a_list_section():
    document = as_json(MINIMAL)
    document["deployments"] = "deployments.csv"
    assert schema_errors(document) == []
    document["deployments"] = "deployments.txt"
    assert [error.split(":")[0] for error in schema_errors(document)] == ["$.deployments"]
