"""Random scenarios survive export: what geopandas reads back from the GeoJSON
and the GeoPackage holds the values and places the build computed."""

from __future__ import annotations

import datetime as dt
import json
import math

import geojson_validator
import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from posturemap.build import gis_layers, prepare
from posturemap.geo import export

# Text as people type it into a scenario: any letters, accents, quotes, markup,
# but no control characters (YAML refuses most of them).
names = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=24).filter(
    lambda text: text.strip()
)
personnel = st.one_of(
    st.none(),
    st.integers(0, 200_000),
    st.integers(1, 50_000).map(lambda n: f"about {n:,}"),
    st.integers(1, 50_000).map(lambda n: f"over {n:,}"),
    st.integers(1, 50_000).map(lambda n: f"up to {n:,}"),
    st.tuples(st.integers(0, 5_000), st.integers(0, 5_000)).map(lambda t: f"{min(t):,}-{max(t) + 1:,}"),
    st.sampled_from(["several hundred", "a few dozen", "over a thousand"]),
)
# The Sahel and its neighbours, plus some sea: a place need not lie in a country.
latitudes = st.floats(0, 30, allow_nan=False, allow_infinity=False)
longitudes = st.floats(-20, 30, allow_nan=False, allow_infinity=False)


@st.composite
def scenarios(draw) -> dict:
    start = draw(st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1)))
    gaps = draw(st.lists(st.integers(1, 900), min_size=1, max_size=3))
    dates = [start]
    for gap in gaps:
        dates.append(dates[-1] + dt.timedelta(days=gap))
    phases = [{"id": f"p{i}", "label": draw(names), "date": day.isoformat()} for i, day in enumerate(dates)]
    actors = [{"id": f"a{i}", "name": draw(names)} for i in range(draw(st.integers(1, 3)))]
    sources = [
        {"id": f"s{i}", "title": draw(names), "url": f"https://example.org/{i}"}
        for i in range(draw(st.integers(1, 2)))
    ]
    places = [
        {"id": f"q{i}", "name": draw(names), "lat": draw(latitudes), "lon": draw(longitudes)}
        for i in range(draw(st.integers(1, 4)))
    ]
    combinations = [(a["id"], q["id"], p["id"]) for a in actors for q in places for p in phases]
    chosen = draw(st.lists(st.sampled_from(combinations), min_size=1, max_size=8, unique=True))
    deployments = []
    for actor, place, phase in chosen:
        deployment = {"actor": actor, "place": place, "phase": phase, "personnel": draw(personnel)}
        deployment["sources"] = [f"{draw(st.sampled_from(sources))['id']}#{draw(st.integers(1, 40))}"]
        if draw(st.booleans()):
            deployment["note"] = draw(names)
        deployments.append(deployment)
    document = {
        "title": draw(names),
        "phases": phases,
        "actors": actors,
        "sources": sources,
        "places": places,
        "deployments": deployments,
    }
    if len(places) > 1 and draw(st.booleans()):
        origin, destination = draw(st.permutations([place["id"] for place in places]))[:2]
        document["movements"] = [
            {
                "actor": actors[0]["id"],
                "from": origin,
                "to": destination,
                "phase": phases[-1]["id"],
                "personnel": draw(personnel),
                "sources": [sources[0]["id"]],
            }
        ]
    region = draw(st.sampled_from([None, {"builtin": "sahel"}, {"countries": ["NE", "ML", "TD"]}]))
    if region:
        document["regions"] = [{"id": "r0", "name": draw(names), **region}]
    return document


def plain(value):
    """A cell as a plain Python value, so a build's frame and a file read back compare."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(item) for item in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return None if math.isnan(value) else float(value)
    return value


def assert_same(expected: gpd.GeoDataFrame, actual: gpd.GeoDataFrame, where: str) -> None:
    assert len(actual) == len(expected), where
    if len(expected) == 0:
        return  # an empty FeatureCollection carries no columns to compare
    for column in expected.columns:
        if column == expected.geometry.name:
            continue
        assert column in actual.columns, f"{where}: no column {column!r}"
        wanted = [plain(value) for value in expected[column]]
        found = [plain(value) for value in actual[column]]
        assert found == wanted, f"{where}: column {column!r}"
    for number, (want, got) in enumerate(zip(expected.geometry, actual.geometry, strict=True)):
        if want is None or want.is_empty:
            assert got is None or got.is_empty, f"{where}: feature {number} gained a geometry"
            continue
        # Six decimals are kept: every vertex within 1e-6 degrees (about 10 cm).
        assert want.hausdorff_distance(got) <= 1e-6, f"{where}: feature {number} moved"


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenarios())
def test_random_scenarios_round_trip_through_geojson_and_geopackage(tmp_path, document):
    path = tmp_path / "random.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    layers = gis_layers(prepare(path))
    gpkg = tmp_path / "random.gpkg"
    gpkg.unlink(missing_ok=True)
    export.write_geopackage(layers, gpkg)
    assert sorted(pyogrio.list_layers(gpkg)[:, 0]) == sorted(layers)
    for name, frame in layers.items():
        geojson = export.write_geojson(frame, tmp_path / f"{name}.geojson", name=name)
        # DATE_AS_STRING: GDAL would otherwise turn any text that looks like a date into one.
        assert_same(frame, gpd.read_file(geojson, DATE_AS_STRING="YES"), f"{name}.geojson")
        raw = json.loads(geojson.read_text(encoding="utf-8"))
        ids = [feature["id"] for feature in raw["features"]]
        assert len(set(ids)) == len(ids)
        assert geojson_validator.validate_structure(raw) == {}
        assert geojson_validator.validate_geometries(raw)["invalid"] == {}
        assert_same(export.flat_frame(frame), gpd.read_file(gpkg, layer=name), f"posture.gpkg:{name}")

    # The reported wording and its sources reach the files as given.
    sites = gpd.read_file(tmp_path / "sites.geojson", DATE_AS_STRING="YES")
    for deployment in document["deployments"]:
        row = sites[sites["id"] == f"{deployment['place']}/{deployment['actor']}/{deployment['phase']}"]
        assert len(row) == 1
        given_text = deployment["personnel"]
        assert plain(row["personnel_text"].iloc[0]) == (None if given_text is None else str(given_text))
        assert list(row["sources"].iloc[0]) == deployment["sources"]


@pytest.mark.parametrize("value", ["2024-01-01", "12", "1e5", "true", "null", "<b>x</b>", "a; b"])
def test_text_that_looks_like_another_type_stays_text(tmp_path, value):
    """A name such as '2024-01-01' or '12' is text in the scenario and stays text in every file."""
    frame = gpd.GeoDataFrame(
        {"id": ["x"], "name": [value]}, geometry=gpd.points_from_xy([2.1], [13.5]), crs=4326
    )
    path = export.write_geojson(frame, tmp_path / "t.geojson", name="t")
    assert json.loads(path.read_text(encoding="utf-8"))["features"][0]["properties"]["name"] == value
    export.write_geopackage({"t": frame}, tmp_path / "t.gpkg")
    assert gpd.read_file(tmp_path / "t.gpkg")["name"].iloc[0] == value
