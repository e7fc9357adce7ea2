"""Withdrawals count, and absence is not zero, in every output alike.

A withdrawn site counts as 0; a (place, actor) with no record in a phase is
"not recorded" (null), never 0; and changes.geojson, countries.geojson,
summary.csv and ``posturemap diff`` say the same thing about the same sites.
"""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from posturemap.build import build, gis_layers, prepare
from posturemap.cli import main
from posturemap.geo.analyse import NOT_RECORDED, changes, countries_frame, summary
from posturemap.geo.errors import PostureMapError, UnknownIdError
from posturemap.geo.fields import phase_actor_column, phase_column

from .conftest import NIGER
from .test_roundtrip import scenarios

# Every case of a (place, actor) between the first and the last phase.
CASES = """\
title: Cases
phases:
  - {id: before, label: Before, date: 2024-01-01}
  - {id: middle, label: Middle, date: 2024-03-01}
  - {id: after, label: After, date: 2024-06-01}
actors:
  - {id: us, name: United States}
  - {id: ru, name: Russia}
sources:
  - {id: report, title: A report}
places:
  - {id: niamey, name: Niamey, lat: 13.51, lon: 2.11, country: NE}
  - {id: agadez, name: Agadez, lat: 16.97, lon: 7.99, country: NE}
  - {id: dirkou, name: Dirkou, lat: 18.99, lon: 12.89, country: NE}
  - {id: zinder, name: Zinder, lat: 13.80, lon: 8.99, country: NE}
  - {id: diffa, name: Diffa, lat: 13.32, lon: 12.61, country: NE}
  - {id: ndjamena, name: N'Djamena, lat: 12.11, lon: 15.04, country: TD}
  - {id: moscow, name: Moscow, lat: 55.75, lon: 37.62, country: RU}
deployments:
  # withdrawn with no figure, after a range: counts as 0, delta is minus the range
  - {actor: us, place: niamey, phase: before, personnel: "about 1,000", sources: [report]}
  - {actor: us, place: niamey, phase: after, personnel: null, status: withdrawn, sources: [report]}
  # not recorded before, withdrawn after: not 0 -> 0
  - {actor: us, place: agadez, phase: after, personnel: 0, status: withdrawn, sources: [report]}
  # recorded only after, nothing says it is new
  - {actor: us, place: dirkou, phase: after, personnel: "about 100", sources: [report]}
  # recorded only after, planned
  - {actor: us, place: zinder, phase: after, personnel: 200, status: planned, sources: [report]}
  # recorded only after, with an arrival movement in between
  - {actor: ru, place: diffa, phase: after, personnel: null, sources: [report]}
  # recorded before, not after: not recorded is not withdrawn
  - {actor: us, place: ndjamena, phase: before, personnel: 100, sources: [report]}
  # an arrival movement in the first phase says nothing of the later record
  - {actor: ru, place: niamey, phase: after, personnel: 50, sources: [report]}
  - {actor: us, place: diffa, phase: before, personnel: "over 300", sources: [report]}
  - {actor: us, place: diffa, phase: after, personnel: "up to 100", sources: [report]}
movements:
  - {actor: ru, from: moscow, to: diffa, phase: middle, kind: arrival, sources: [report]}
  - {actor: ru, from: moscow, to: niamey, phase: before, kind: arrival, sources: [report]}
"""

EXPECTED = {
    # id: (before, after, delta, delta_min, delta_max, before_status, change)
    "niamey/us": (1000, 0, -1000, -1100, -900, "active", "withdrawn"),
    "agadez/us": (None, 0, None, None, None, NOT_RECORDED, "withdrawn"),
    "dirkou/us": (None, 100, None, None, None, NOT_RECORDED, "unknown"),
    "zinder/us": (None, 200, None, None, None, NOT_RECORDED, "new"),
    "diffa/ru": (None, None, None, None, None, NOT_RECORDED, "new"),
    "ndjamena/us": (100, None, None, None, None, "active", "unknown"),
    "niamey/ru": (None, 50, None, None, None, NOT_RECORDED, "unknown"),
    "diffa/us": (300, 100, -200, None, -200, "active", "reduced"),
}


def plain(value):
    return None if value is None or value is pd.NA or (isinstance(value, float) and value != value) else value


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cases")
    path = folder / "cases.yaml"
    path.write_text(CASES, encoding="utf-8")
    return path


def test_each_case_gets_its_figures_and_class(cases):
    frame = changes(prepare(cases)).set_index("id")
    assert set(frame.index) == set(EXPECTED)
    for ident, (before, after, delta, low, high, status, change) in EXPECTED.items():
        row = frame.loc[ident]
        got = tuple(
            plain(row[column])
            for column in ("before_personnel", "after_personnel", "delta", "delta_min", "delta_max")
        )
        assert got == (before, after, delta, low, high), ident
        assert (row["before_status"], row["change"]) == (status, change), ident


def test_the_bundled_scenario_reads_no_absence_as_zero(niger_data):
    frame = changes(niger_data).set_index("id")
    chad = frame.loc["chad/us"]
    assert plain(chad["before_personnel"]) is None and chad["before_status"] == NOT_RECORDED
    assert chad["change"] == "unknown"
    niamey = frame.loc["niamey/us"]
    assert plain(niamey["before_personnel"]) is None and niamey["before_status"] == NOT_RECORDED
    assert (plain(niamey["after_personnel"]), plain(niamey["delta"])) == (0, None)
    assert niamey["change"] == "withdrawn"
    base = frame.loc["air-base-201/us"]  # withdrawn with no figure: 0 after
    assert plain(base["after_personnel"]) == 0
    niger = frame.loc["niger/us"]
    assert (niger["before_personnel"], niger["after_personnel"], niger["delta"], niger["delta_max"]) == (
        1000,
        0,
        -1000,
        -1000,
    )
    assert plain(niger["delta_min"]) is None  # "over a thousand" before: no bound on how many left


def test_diff_says_not_recorded(capsys):
    assert main(["diff", str(NIGER)]) == 0
    out = capsys.readouterr().out
    assert "United States at Niamey: not recorded -> 0" in out
    assert "United States at Chad: not recorded -> unknown" in out
    assert "unchanged  United States at Niamey" not in out


def test_unknown_phase_is_an_unknown_id_error_listing_the_phases(niger_data):
    with pytest.raises(UnknownIdError, match="before-coup, withdrawal-ordered, after-withdrawal") as caught:
        changes(niger_data, from_phase="nope")
    assert isinstance(caught.value, KeyError) and isinstance(caught.value, PostureMapError)


def agreement(changes_rows, countries_rows, summary_rows, sites_rows, phases, actors) -> None:
    """The checks every set of outputs must pass, on plain dicts read back from the files."""
    first, last = phases[0], phases[-1]
    sites = {(row["place"], row["actor"], row["phase"]): row for row in sites_rows}
    # changes: before and after are the sites' own figures, or null when not recorded.
    for row in changes_rows:
        for phase, side in ((first, "before"), (last, "after")):
            site, column = sites.get((row["place"], row["actor"], phase)), f"{side}_personnel"
            if site is None:
                assert row[column] is None and row[f"{side}_status"] == NOT_RECORDED, row["id"]
            else:
                assert row[column] == site["personnel"], row["id"]
                if site["status"] == "withdrawn":
                    assert row[column] == 0, row["id"]
        if row["before_personnel"] is not None and row["after_personnel"] is not None:
            assert row["delta"] == row["after_personnel"] - row["before_personnel"], row["id"]
        else:
            assert row["delta"] is None, row["id"]
        if row["change"] == "withdrawn":
            assert row["after_personnel"] == 0
        if row["change"] == "unchanged":
            assert row["before_status"] != NOT_RECORDED and row["after_status"] != NOT_RECORDED
    # summary.csv and countries.geojson: the same totals, null where nothing is known.
    totals = {(row["country"], row["phase"], row["actor"]): row for row in summary_rows}
    for row in summary_rows:
        if row["personnel"] is not None:
            assert row["personnel_min"] is not None, row  # never an estimate next to an empty range
            assert row["personnel_min"] <= row["personnel"]
            if row["personnel_max"] is not None:
                assert row["personnel"] <= row["personnel_max"]
    for country in countries_rows:
        for phase in phases:
            by_actor = []
            for actor in actors:
                value = country[phase_actor_column(phase, actor)]
                total = totals.get((country["country"], phase, actor))
                assert value == (None if total is None else total["personnel"]), (country["id"], phase, actor)
                by_actor.append(value)
            known = [value for value in by_actor if value is not None]
            assert country[phase_column(phase)] == (sum(known) if known else None)
    # A withdrawal shows in every total: a country's last-phase total of an actor
    # is the sum of that actor's known after-figures there, when every one is known.
    for (code, phase, actor), total in totals.items():
        if phase != last or total["sites_without_figure"]:
            continue
        afters = [
            row["after_personnel"]
            for row in changes_rows
            if row["country"] == code and row["actor"] == actor and row["after_status"] != NOT_RECORDED
        ]
        assert total["personnel"] == sum(afters), (code, actor)


def read_csv(path) -> list[dict]:
    def cell(value: str):
        if value == "":
            return None
        return int(value) if value.lstrip("-").isdigit() else value

    with open(path, newline="", encoding="utf-8") as handle:
        return [{key: cell(value) for key, value in row.items()} for row in csv.DictReader(handle)]


def properties(path) -> list[dict]:
    return [feature["properties"] for feature in json.loads(path.read_text(encoding="utf-8"))["features"]]


@pytest.mark.parametrize("scenario", ["niger", "cases"])
def test_the_written_outputs_agree_with_one_another(scenario, niger_output, cases, tmp_path, capsys):
    if scenario == "niger":
        path, out = NIGER, niger_output
    else:
        path, out = cases, tmp_path / "out"
        build(cases, out)
    data = prepare(path)
    phases = [phase.id for phase in data.scenario.phases]
    actors = [actor.id for actor in data.scenario.actors]
    changes_rows = properties(out / "geojson" / "changes.geojson")
    agreement(
        changes_rows,
        properties(out / "geojson" / "countries.geojson"),
        read_csv(out / "summary.csv"),
        properties(out / "geojson" / "sites.geojson"),
        phases,
        actors,
    )
    # `posturemap diff --json` is changes.geojson.
    assert main(["diff", str(path), "--json"]) == 0
    assert properties_of(capsys.readouterr().out) == changes_rows
    # and the text of `posturemap diff` says the same, row by row.
    assert main(["diff", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()[1:]
    assert len(lines) == len(changes_rows)
    for line, row in zip(lines, changes_rows, strict=True):
        assert line.split()[0] == row["change"]
        before = row["before_status"] if row["before_status"] == NOT_RECORDED else row["before_personnel"]
        expected = NOT_RECORDED if before == NOT_RECORDED else "unknown" if before is None else f"{before:,}"
        assert f": {expected} -> " in line, line


def properties_of(text: str) -> list[dict]:
    return [feature["properties"] for feature in json.loads(text)["features"]]


statuses = st.sampled_from(["active", "active", "withdrawn", "planned", "unknown"])


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenarios(), st.data())
def test_random_scenarios_agree_across_outputs(tmp_path, document, data):
    for deployment in document["deployments"]:
        status = data.draw(statuses)
        if status == "withdrawn":
            deployment["personnel"] = data.draw(st.sampled_from([None, 0]))
        deployment["status"] = status
    path = tmp_path / "random.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    prepared = prepare(path)
    layers = gis_layers(prepared)

    def rows(frame):
        from posturemap.geo.export import feature_collection

        return properties_of(json.dumps(feature_collection(frame, name="x")))

    summary_rows = [
        {key: plain(value) for key, value in row.items()} for row in summary(prepared).to_dict("records")
    ]
    agreement(
        rows(layers["changes"]),
        rows(countries_frame(prepared)),
        summary_rows,
        rows(layers["sites"]),
        [phase.id for phase in prepared.scenario.phases],
        [actor.id for actor in prepared.scenario.actors],
    )
