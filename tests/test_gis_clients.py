"""The outputs in the clients GIS users open them with: QGIS, Google Earth's KML (read by GDAL), SQL."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
from matplotlib.image import imread

from posturemap.build import build, gis_layers, prepare
from posturemap.geo.export import LAYER_STYLES
from posturemap.geo.fields import FIELD_NAME, SQL_RESERVED, column_token
from posturemap.geo.scenario import load_scenario
from posturemap.layers.qgis import expression_literal, layer_styles

from .conftest import MINIMAL, NIGER, ROOT

GIS_LAYERS = ["sites", "movements", "regions", "changes", "countries", "places"]
KML = "{http://www.opengis.net/kml/2.2}"


def export_field_names(folder: Path) -> dict[str, list[str]]:
    """Every field name a user meets, by where it is."""
    names: dict[str, list[str]] = {}
    for layer in GIS_LAYERS:
        raw = json.loads((folder / "geojson" / f"{layer}.geojson").read_text(encoding="utf-8"))
        names[f"{layer}.geojson"] = sorted({key for f in raw["features"] for key in f["properties"]})
        names[f"posture.gpkg:{layer}"] = list(
            pyogrio.read_info(folder / "posture.gpkg", layer=layer)["fields"]
        )
    with open(folder / "summary.csv", encoding="utf-8", newline="") as handle:
        names["summary.csv"] = next(csv.reader(handle))
    schema_fields = ET.parse(folder / "posture.kml").getroot().iter(f"{KML}SimpleField")
    names["posture.kml"] = sorted({field.get("name") for field in schema_fields})
    return names


def test_every_field_name_is_safe_in_every_export(niger_output):
    for where, names in export_field_names(niger_output).items():
        assert names, where
        for name in names:
            assert FIELD_NAME.match(name), f"{where}: {name!r}"
            assert name not in SQL_RESERVED, f"{where}: {name!r} is an SQL reserved word"


def test_field_names_need_no_quotes_in_sqlite(niger_output):
    """The real check: SQLite takes every column name unquoted, in a table and in a query."""
    connection = sqlite3.connect(":memory:")
    for number, names in enumerate(export_field_names(niger_output).values()):
        columns = ", ".join(names)
        connection.execute(f"CREATE TABLE t{number} ({columns})")
        connection.execute(f"SELECT {columns} FROM t{number} WHERE {names[0]} IS NULL ORDER BY {names[-1]}")


def test_names_are_the_same_in_geojson_geopackage_and_csv(niger_output):
    names = export_field_names(niger_output)
    for layer in GIS_LAYERS:
        assert set(names[f"{layer}.geojson"]) <= set(names[f"posture.gpkg:{layer}"]), layer
    assert {"from_place", "to_place"} <= set(names["posture.gpkg:movements"])
    assert {"before_personnel", "after_personnel"} <= set(names["posture.gpkg:changes"])
    assert "personnel_before_coup__us" in names["posture.gpkg:countries"]


@pytest.mark.parametrize(
    ("identifier", "token"),
    [("early-2022", "early_2022"), ("Early_2022", "early_2022"), ("phase.2", "phase_2"), ("a--b", "a_b")],
)
def test_ids_become_column_tokens(identifier, token):
    assert column_token(identifier) == token


def test_ids_that_share_a_column_name_are_refused(write_scenario):
    from posturemap.geo.errors import ScenarioError

    text = MINIMAL.replace("{id: after, label: After", "{id: Before, label: After").replace(
        "phase: after,", "phase: Before,"
    )
    with pytest.raises(ScenarioError, match="'Before' and 'before' both become 'before'"):
        load_scenario(write_scenario(text))


@pytest.mark.parametrize(
    ("written", "stored", "precision"),
    [("2024-06-01", "2024-06-01", "day"), ("2024-06", "2024-06-01", "month"), ("2024", "2024-01-01", "year")],
)
def test_phase_dates_are_dates_with_their_precision(tmp_path, write_scenario, written, stored, precision):
    """A partial date is stored as its first day, and its precision says how much was known."""
    out = tmp_path / "out"
    build(write_scenario(MINIMAL.replace("date: 2024-06-01", f'date: "{written}"')), out)
    connection = sqlite3.connect(out / "posture.gpkg")
    declared = {row[1]: row[2] for row in connection.execute("PRAGMA table_info(sites)")}
    assert declared["phase_date"] == "DATE"
    rows = connection.execute("SELECT phase, phase_date, phase_date_precision FROM sites ORDER BY fid")
    assert rows.fetchall() == [("before", "2024-01-01", "day"), ("after", stored, precision)]


@pytest.mark.gdal
def test_gdal_reads_the_kml_with_every_site_and_a_time_span_per_phase(niger_output, ogrinfo):
    scenario = load_scenario(NIGER)
    result = subprocess.run(
        [
            ogrinfo,
            "-ro",
            "-al",
            "--config",
            "LIBKML_BEGIN_FIELD",
            "time_begin",
            "--config",
            "LIBKML_END_FIELD",
            "time_end",
            str(niger_output / "posture.kml"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "ERROR" not in result.stderr and "Warning" not in result.stderr, result.stderr
    folders = result.stdout.split("Layer name: ")[1:]
    assert len(folders) == len(scenario.phases)
    for number, (phase, folder) in enumerate(zip(scenario.phases, folders, strict=True)):
        assert folder.startswith(f"{phase.label} ({phase.date.isoformat()})")
        expected = sum(d.phase == phase.id for d in scenario.deployments)
        expected += sum(m.phase == phase.id for m in scenario.movements)
        assert f"Feature Count: {expected}\n" in folder
        begins = [line for line in folder.splitlines() if line.strip().startswith("time_begin (DateTime) =")]
        ends = [line for line in folder.splitlines() if line.strip().startswith("time_end (DateTime) =")]
        assert len(begins) == expected and all(phase.date.strftime("%Y/%m/%d") in line for line in begins)
        if number + 1 < len(scenario.phases):
            following = scenario.phases[number + 1].date.strftime("%Y/%m/%d")
            assert len(ends) == expected and all(following in line for line in ends)
        else:
            assert all(line.strip().endswith("(null)") for line in ends)


def test_kml_placemarks_hold_the_popup_with_escaped_text(tmp_path, write_scenario):
    hostile = MINIMAL.replace("title: A report", 'title: "<b>Report</b> & co"')
    build(write_scenario(hostile), tmp_path / "out")
    root = ET.parse(tmp_path / "out" / "posture.kml").getroot()
    placemarks = list(root.iter(f"{KML}Placemark"))
    assert len(placemarks) == 2
    first = placemarks[0]
    balloon = ET.fromstring(first.find(f"{KML}description").text)
    text = "".join(balloon.itertext())
    assert "about 1,000" in text and "900 to 1,100" in text.replace("–", " to ")
    link = balloon.find(".//a")
    assert link.get("href") == "https://example.org/report" and link.text == "<b>Report</b> & co"
    assert "¶2" in link.tail
    assert first.find(f"{KML}Style/{KML}IconStyle/{KML}Icon/{KML}href").text.endswith("placemark_circle.png")
    assert placemarks[1].find(f"{KML}Style/{KML}IconStyle/{KML}Icon/{KML}href").text.endswith("donut.png")


@pytest.mark.qgis
def test_qgis_opens_the_geopackage_styled_like_the_page(niger_output, qgis_python, tmp_path):
    png = tmp_path / "qgis.png"
    layers = ["places", "sites", "movements", "regions", "countries", "changes"]
    drawn = ["sites", "movements", "regions", "countries"]  # what the page draws
    result = subprocess.run(
        [
            qgis_python,
            str(ROOT / "tests" / "qgis_check.py"),
            str(niger_output / "posture.gpkg"),
            str(png),
            ",".join(layers),
            ",".join(drawn),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    for name in layers:
        layer = report["layers"][name]
        assert layer["valid"] and layer["features"] > 0, name
        assert layer["default_style_loaded"], f"{name}: {layer['message']}"
        assert layer["renderer"] == "RuleRenderer", name
    assert report["layers"]["places"]["labels"] and report["layers"]["places"]["labeling"] == "rule-based"

    scenario = load_scenario(NIGER)
    phases = report["layers"]["sites"]["rules"]
    assert [rule["label"] for rule in phases] == [
        f"{p.label} ({p.date.isoformat()})" for p in scenario.phases
    ]
    assert [rule["active"] for rule in phases] == [False] * (len(phases) - 1) + [True]
    assert [rule["label"] for rule in phases[0]["children"]] == [actor.name for actor in scenario.actors]
    looks = {look["label"]: look["symbol_layers"][0] for look in phases[0]["children"][0]["children"]}
    assert looks["withdrawn"]["outline_style"] == "dot" and looks["withdrawn"]["color"].endswith(",0")
    assert looks["unknown"]["outline_style"] == "dash"
    assert looks["reported"]["outline_style"] == "solid"
    assert 'sqrt("personnel")' in looks["reported"]["size_expression"]
    assert report["panels"] == [phases[0]["label"], phases[-1]["label"]]
    assert report["png_saved"] and report["render_errors"] == []

    # The image shows the actors' colours in both panels: the sites and movements were drawn.
    image = imread(png)[:, :, :3]
    width = image.shape[1] // 2
    us_blue = np.array([0x1F, 0x5F, 0xBF]) / 255
    for panel in (image[:, :width], image[:, width:]):
        assert (np.abs(panel - us_blue).max(axis=2) < 0.08).sum() > 20
    if os.environ.get("POSTUREMAP_KEEP_QGIS_PNG"):
        shutil.copy(png, os.environ["POSTUREMAP_KEEP_QGIS_PNG"])


def test_layer_styles_is_the_qgis_table(niger_output):
    connection = sqlite3.connect(niger_output / "posture.gpkg")
    columns = [row[1] for row in connection.execute(f"PRAGMA table_info({LAYER_STYLES})")]
    assert columns[1:] == [
        "f_table_catalog",
        "f_table_schema",
        "f_table_name",
        "f_geometry_column",
        "styleName",
        "styleQML",
        "styleSLD",
        "useAsDefault",
        "description",
        "owner",
        "ui",
        "update_time",
    ]
    rows = connection.execute(
        f"SELECT f_table_name, useAsDefault, update_time FROM {LAYER_STYLES}"
    ).fetchall()
    assert sorted(name for name, _, _ in rows) == sorted(GIS_LAYERS)
    assert {(default, time) for _, default, time in rows} == {(1, "2000-01-01T00:00:00.000Z")}
    for (qml,) in connection.execute(f"SELECT styleQML FROM {LAYER_STYLES}"):
        assert ET.fromstring(qml.split("\n", 1)[1]).tag == "qgis"
    assert gpd.read_file(niger_output / "posture.gpkg", layer="sites")["phase_date"].notna().all()


def test_scenario_text_reaches_the_qml_only_as_values(write_scenario):
    """Names with markup and quotes stay names: the QML parses, and rule labels are the names as given."""

    hostile = '</qgis><rule filter="1=1"/> O\'Brien & "co"'
    text = MINIMAL.replace("name: United States", f"name: '{hostile.replace(chr(39), chr(39) * 2)}'").replace(
        "label: Before,", f"label: '{hostile.replace(chr(39), chr(39) * 2)}',"
    )
    data = prepare(write_scenario(text))
    styles = layer_styles(data, gis_layers(data))
    root = ET.fromstring(styles["sites"].split("\n", 1)[1])
    phases = root.find("renderer-v2/rules").findall("rule")
    assert phases[0].get("label").startswith(hostile)
    assert phases[0].find("rule").get("label") == hostile
    assert [rule.get("filter") for rule in phases] == ["\"phase\" = 'before'", "\"phase\" = 'after'"]
    assert expression_literal("O'Brien \\ x") == "'O''Brien \\\\ x'"


@pytest.mark.parametrize("chunk_rows", [1, 3])
def test_kml_written_in_chunks_is_the_whole_document(tmp_path, niger_data, monkeypatch, chunk_rows):
    from posturemap.layers import kml

    monkeypatch.setattr(kml, "CHUNK_ROWS", chunk_rows)
    path = kml.write_kml(niger_data, tmp_path / "posture.kml")
    monkeypatch.setattr(kml, "CHUNK_ROWS", 10_000)
    assert path.read_text(encoding="utf-8") == kml.kml_document(niger_data)
    placemarks = list(ET.parse(path).getroot().iter(f"{KML}Placemark"))
    assert len({placemark.get("id") for placemark in placemarks}) == len(placemarks)
