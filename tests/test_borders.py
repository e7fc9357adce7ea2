"""A place's country at a border: right, or flagged; never silently wrong."""

from __future__ import annotations

import importlib.util
import json
import re

import pytest

from posturemap.build import build
from posturemap.geo.borders import locate_countries, settle_by_gazetteer

from .conftest import ROOT

#: Towns facing each other across a border, at their GeoNames coordinates, with GeoNames' country.
BORDER_PAIRS = [
    ("Kousseri", 12.07689, 15.03063, "CM"),
    ("N'Djamena", 12.10672, 15.0444, "TD"),
    ("Malanville", 11.86819, 3.38327, "BJ"),
    ("Gaya", 11.88435, 3.44919, "NE"),
    ("Gisenyi", -1.70278, 29.25639, "RW"),
    ("Goma", -1.67409, 29.22845, "CD"),
    ("Narva", 59.37722, 28.19028, "EE"),
    ("Ivangorod", 59.37155, 28.21625, "RU"),
    ("Kobani", 36.89095, 38.35347, "SY"),
    ("Suruç", 36.97612, 38.42533, "TR"),
]


@pytest.mark.parametrize(("name", "lat", "lon", "country"), BORDER_PAIRS)
def test_border_towns_from_the_outlines_alone_are_right_or_flagged(name, lat, lon, country):
    [fix] = locate_countries([lon], [lat])
    assert fix.code == country or not fix.certain, (name, fix)
    if not fix.certain:
        assert country in fix.candidates


@pytest.mark.parametrize(("name", "lat", "lon", "country"), BORDER_PAIRS)
def test_the_nearest_gazetteer_place_decides_only_for_the_right_country(name, lat, lon, country):
    [fix] = locate_countries([lon], [lat])
    settled = settle_by_gazetteer(fix, lon, lat)
    assert settled.code == country or not settled.certain, (name, settled)


def _scenario(places: list[tuple[str, float, float, str | None]]) -> str:
    lines = [
        "title: Border towns",
        "phases:",
        "  - {id: before, label: Before, date: 2024-01-01}",
        "  - {id: after, label: After, date: 2024-06-01}",
        "actors:",
        "  - {id: us, name: United States}",
        "sources:",
        '  - {id: report, title: A report, url: "https://example.org/report"}',
        "places:",
    ]
    for index, (name, lat, lon, country) in enumerate(places):
        declared = f", country: {country}" if country else ""
        lines.append(f'  - {{id: p{index}, name: "{name}", lat: {lat}, lon: {lon}{declared}}}')
    lines.append("deployments:")
    for index in range(len(places)):
        lines.append(f"  - {{actor: us, place: p{index}, phase: before, personnel: 10, sources: [report]}}")
    return "\n".join(lines) + "\n"


def test_a_build_marks_uncertain_places_and_says_so_once_each(tmp_path, write_scenario, capsys):
    # Points on the line itself, which nothing can decide, beside the border towns.
    on_the_line = [("Bridge", 12.0937, 15.0341, None), ("Ford", 11.8766, 3.4161, None)]
    places = [(name, lat, lon, None) for name, lat, lon, _ in BORDER_PAIRS] + on_the_line
    path = write_scenario(_scenario(places))
    build(path, tmp_path / "out")
    err = capsys.readouterr().err
    data = json.loads((tmp_path / "out" / "geojson" / "places.geojson").read_text(encoding="utf-8"))
    by_name = {feature["properties"]["name"]: feature["properties"] for feature in data["features"]}
    for name, _lat, _lon, country in BORDER_PAIRS:
        row = by_name[name]
        assert row["country"] == country or row["country_certain"] is False, row
    flagged = [index for index, (name, *_) in enumerate(places) if not by_name[name]["country_certain"]]
    assert flagged, "points on the border line must be flagged"
    lines = [line for line in err.splitlines() if "add country:" in line]
    assert len(lines) == len(flagged)
    for line, index in zip(lines, flagged, strict=True):
        assert re.fullmatch(
            rf"{re.escape(str(path))}:\d+: places\[{index}\]: lies within [\d.]+ km of the "
            r"[A-Z]{2}–[A-Z]{2} border; add country: to say which",
            line,
        ), line
    sites = json.loads((tmp_path / "out" / "geojson" / "sites.geojson").read_text(encoding="utf-8"))
    assert {f["properties"]["place"]: f["properties"]["country_certain"] for f in sites["features"]} == {
        f["properties"]["place"]: f["properties"]["country_certain"] for f in data["features"]
    }


def test_a_declared_country_settles_a_border_place_without_a_warning(tmp_path, write_scenario, capsys):
    path = write_scenario(_scenario([("Bridge", 12.0937, 15.0341, "TD")]))
    build(path, tmp_path / "out")
    assert "add country:" not in capsys.readouterr().err
    data = json.loads((tmp_path / "out" / "geojson" / "places.geojson").read_text(encoding="utf-8"))
    [row] = [feature["properties"] for feature in data["features"]]
    assert (row["country"], row["country_certain"]) == ("TD", True)


def test_a_disputed_area_is_never_decided_for_the_scenario(tmp_path, write_scenario, capsys):
    path = write_scenario(_scenario([("Sevastopol", 44.58883, 33.5224, None)]))
    build(path, tmp_path / "out")
    assert "lies in Crimea" in capsys.readouterr().err
    data = json.loads((tmp_path / "out" / "geojson" / "places.geojson").read_text(encoding="utf-8"))
    assert data["features"][0]["properties"]["country_certain"] is False


def test_the_accuracy_bench_runs_on_a_small_sample():
    spec = importlib.util.spec_from_file_location("borders_bench", ROOT / "bench" / "borders.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    report = bench.main(["--count", "150", "--no-save"])
    for measured in report["samples"].values():
        for mode in ("outlines", "as built", "town left out"):
            figures = measured[mode]
            assert figures["towns"] == 150
            assert figures["no_country"] == 0


def test_a_border_place_read_from_a_table_is_reported_at_its_row(tmp_path, capsys):
    """Warnings and country problems name the CSV file and its row, as validation problems do."""
    from posturemap.cli import main

    yaml_text = _scenario([("Bridge", 12.0937, 15.0341, None)])
    yaml_text = (
        yaml_text[: yaml_text.index("places:")]
        + "places: places.csv\n"
        + yaml_text[yaml_text.index("deployments:") :]
    )
    (tmp_path / "places.csv").write_text(
        "id,name,lat,lon,country\nfar,Far,13.5,2.1,\np0,Bridge,12.0937,15.0341,\nbad,Swapped,2.1,13.5,NE\n",
        encoding="utf-8",
    )
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml_text.replace("place: p0,", "place: far,"), encoding="utf-8")
    assert main(["build", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    table = tmp_path / "places.csv"
    assert f"{table}:4: lies at 2.1000, 13.5000, in " in err
    assert "not in Niger (NE) as its `country:` says" in err
    assert f"{path}:" not in err, err

    (tmp_path / "places.csv").write_text(
        "id,name,lat,lon,country\nfar,Far,13.5,2.1,\np0,Bridge,12.0937,15.0341,\n", encoding="utf-8"
    )
    assert main(["build", str(path), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert re.search(rf"^{re.escape(str(table))}:3: lies within [\d.]+ km of the CM–TD border", err, re.M), (
        err
    )
