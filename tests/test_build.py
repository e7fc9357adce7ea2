"""A whole build: files, figures and sources, GIS validity, determinism, atomicity."""

import hashlib
import io
import json
import subprocess

import geopandas as gpd
import pyogrio
import pytest
import shapely
import shapely.geometry

from posturemap.build import OUTPUT_FILES, Steps, build, gis_layers
from posturemap.cli import main
from posturemap.geo.analyse import changes
from posturemap.geo.scenario import load_scenario

from .conftest import MINIMAL, NIGER

GEOJSON_LAYERS = ["sites", "movements", "regions", "changes", "countries", "places"]


def test_build_writes_every_file(niger_output):
    for name in OUTPUT_FILES:
        assert (niger_output / name).is_file(), name
        assert (niger_output / name).stat().st_size > 0, name


def test_sites_carry_the_reported_figures_and_sources(niger_output):
    sites = gpd.read_file(niger_output / "geojson" / "sites.geojson")
    scenario = load_scenario(NIGER)
    assert len(sites) == len(scenario.deployments)
    niger = sites[(sites["place"] == "niger") & (sites["actor"] == "us")].set_index("phase")
    ordered = niger.loc["withdrawal-ordered"]
    assert "about 1,000" in ordered["personnel_text"] and "over a thousand" in ordered["personnel_text"]
    assert (ordered["personnel"], ordered["personnel_min"]) == (1000, 900)
    assert niger.loc["after-withdrawal", "personnel"] == 0
    assert niger.loc["after-withdrawal", "status"] == "withdrawn"
    chad = sites[(sites["place"] == "chad") & (sites["phase"] == "withdrawal-ordered")].iloc[0]
    assert chad["personnel_text"] == "approximately 100"
    assert (chad["personnel_min"], chad["personnel"], chad["personnel_max"]) == (90, 100, 110)
    assert chad["country"] == "TD" and bool(chad["in_sahel"])
    raw = json.loads((niger_output / "geojson" / "sites.geojson").read_text(encoding="utf-8"))
    for feature in raw["features"]:
        assert isinstance(feature["properties"]["sources"], list)
        assert feature["properties"]["sources"], feature["id"]


def test_every_cited_source_exists(niger_output):
    scenario = load_scenario(NIGER)
    known = {source.id for source in scenario.sources}
    raw = json.loads((niger_output / "geojson" / "sites.geojson").read_text(encoding="utf-8"))
    cited = {ref.split("#")[0] for f in raw["features"] for ref in f["properties"]["sources"]}
    assert cited <= known


def test_changes_show_us_withdrawn_and_russia_arriving(niger_data):
    frame = changes(niger_data).set_index("id")
    assert frame.loc["niger/us", "change"] == "withdrawn"
    assert frame.loc["niger/us", "delta"] == -1000
    assert frame.loc["niamey/russia", "change"] == "new"
    between = changes(niger_data, from_phase="before-coup", to_phase="withdrawal-ordered")
    assert between.set_index("id").loc["niger/france", "change"] == "withdrawn"


def test_diff_command(capsys):
    assert main(["diff", str(NIGER), "--from", "before-coup", "--to", "after-withdrawal"]) == 0
    out = capsys.readouterr().out
    assert "withdrawn  United States at Niger: 1,000 -> 0 (-1,000)" in out
    assert main(["diff", str(NIGER), "--from", "nope"]) == 2


@pytest.mark.parametrize("layer", GEOJSON_LAYERS)
def test_geojson_is_rfc7946(niger_output, layer):
    data = json.loads((niger_output / "geojson" / f"{layer}.geojson").read_text(encoding="utf-8"))
    assert "crs" not in data
    assert data["type"] == "FeatureCollection"
    ids = [feature["id"] for feature in data["features"]]
    assert len(ids) == len(set(ids))

    def decimals(value):
        if isinstance(value, list):
            return max((decimals(item) for item in value), default=0)
        text = repr(value)
        return len(text.split(".")[1]) if "." in text else 0

    for feature in data["features"]:
        assert decimals(feature["geometry"]["coordinates"]) <= 6


@pytest.mark.parametrize("layer", GEOJSON_LAYERS)
def test_geojson_passes_a_validator(niger_output, layer):
    import geojson_validator

    path = niger_output / "geojson" / f"{layer}.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert geojson_validator.validate_structure(data) == {}
    result = geojson_validator.validate_geometries(data)
    assert (result["invalid"], result["problematic"], result["skipped_validation"]) == ({}, {}, [])


@pytest.mark.parametrize("layer", GEOJSON_LAYERS)
def test_gdal_reads_geojson_without_warning(niger_output, ogrinfo, layer):
    path = niger_output / "geojson" / f"{layer}.geojson"
    result = subprocess.run(
        [ogrinfo, "-ro", "-al", "-so", str(path)], capture_output=True, text=True, check=True
    )
    assert "Warning" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    assert f"Layer name: {layer}" in result.stdout


def test_gdal_reads_the_geopackage(niger_output, ogrinfo):
    path = niger_output / "posture.gpkg"
    result = subprocess.run([ogrinfo, "-ro", "-so", str(path)], capture_output=True, text=True, check=True)
    assert "Warning" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    layers = {name for name, _ in pyogrio.list_layers(path)}
    # Beside the data, QGIS's table of default styles.
    assert layers == {*GEOJSON_LAYERS, "layer_styles"}
    sites = gpd.read_file(path, layer="sites")
    chad = sites[(sites["place"] == "chad") & (sites["phase"] == "withdrawal-ordered")].iloc[0]
    assert chad["personnel"] == 100


def digest(folder):
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_two_builds_are_byte_identical(tmp_path, niger_output):
    build(NIGER, tmp_path / "again")
    assert digest(tmp_path / "again") == digest(niger_output)


def test_failed_build_leaves_previous_output_untouched(tmp_path, write_scenario):
    out = tmp_path / "out"
    build(write_scenario(MINIMAL), out)
    before = digest(out)
    broken = write_scenario(MINIMAL.replace('"about 1,000"', '"lots"'), name="broken.yaml")
    assert main(["build", str(broken), "--out", str(out)]) == 2
    assert digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_build_refuses_a_folder_it_did_not_write(tmp_path, write_scenario, capsys):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_text("precious", encoding="utf-8")
    assert main(["build", str(write_scenario(MINIMAL)), "--out", str(tmp_path / "mine")]) == 2
    assert "did not write" in capsys.readouterr().err
    assert (tmp_path / "mine" / "thesis.docx").read_text(encoding="utf-8") == "precious"


def test_a_geojson_region_file_is_drawn_and_exported(tmp_path, write_scenario):
    """A region from the user's own file: clockwise ring and long decimals in, RFC 7946 out."""
    liptako = {
        "type": "Feature",
        "properties": {"name": "Liptako-Gourma"},
        "geometry": {
            "type": "Polygon",
            # Clockwise, as many tools write it; RFC 7946 wants the outer ring counter-clockwise.
            "coordinates": [[[-1.5, 12.0], [-1.5, 15.5], [2.5, 15.5], [2.5, 12.0123456789], [-1.5, 12.0]]],
        },
    }
    (tmp_path / "liptako.geojson").write_text(json.dumps(liptako), encoding="utf-8")
    path = write_scenario(
        MINIMAL + "regions:\n  - {id: liptako, name: Liptako-Gourma, geojson: liptako.geojson}\n"
    )
    build(path, tmp_path / "out")
    data = json.loads((tmp_path / "out" / "geojson" / "regions.geojson").read_text(encoding="utf-8"))
    [region] = data["features"]
    assert region["properties"]["name"] == "Liptako-Gourma"
    ring = region["geometry"]["coordinates"][0]
    assert shapely.LinearRing(ring).is_ccw
    assert [2.5, 12.012346] in ring
    assert shapely.geometry.shape(region["geometry"]).area == pytest.approx(4 * 3.5, abs=0.1)
    assert "Liptako-Gourma" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("pickled_sites", [0, 40_000], ids=["forked after prepare", "sent pickled"])
def test_outputs_written_in_a_second_process_are_the_same(tmp_path, niger_output, monkeypatch, pickled_sites):
    """Both ways of handing the data to the second process give the files one process gives."""
    from posturemap import second

    monkeypatch.setattr(second, "PICKLED_SITES", pickled_sites)
    build(NIGER, tmp_path / "serial", parallel=False)
    build(NIGER, tmp_path / "parallel", parallel=True)
    assert digest(tmp_path / "parallel") == digest(tmp_path / "serial") == digest(niger_output)


@pytest.mark.parametrize(
    ("only", "files"),
    [
        ("html", ["compare.html", "index.html"]),
        ("geojson", sorted(name for name in OUTPUT_FILES if name.startswith("geojson/"))),
        ("sites.geojson,summary.csv", ["geojson/sites.geojson", "summary.csv"]),
        ("png, pdf", ["map.pdf", "map.png"]),
    ],
)
def test_only_writes_the_outputs_named(tmp_path, write_scenario, only, files):
    out = tmp_path / "out"
    written = build(write_scenario(MINIMAL), out, only=only)
    assert sorted(str(path.relative_to(out)) for path in written) == files
    on_disk = sorted(str(path.relative_to(out)) for path in out.rglob("*") if path.is_file())
    assert on_disk == sorted([*files, ".posturemap-output"])


def test_only_refuses_an_unknown_output_and_lists_the_names(tmp_path, write_scenario, capsys):
    args = ["build", str(write_scenario(MINIMAL)), "--out", str(tmp_path / "out"), "--only", "html,maps"]
    assert main(args) == 2
    error = capsys.readouterr().err
    assert "unknown output 'maps'" in error and "geojson/sites.geojson" in error
    assert not (tmp_path / "out").exists()


def test_only_html_gives_the_same_page_as_a_full_build(tmp_path, niger_output):
    build(NIGER, tmp_path / "html", only="html")
    for name in ("index.html", "compare.html"):
        assert (tmp_path / "html" / name).read_bytes() == (niger_output / name).read_bytes()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_steps_show_only_on_a_terminal_after_two_seconds():
    times = iter([0.0, 0.5, 2.5, 2.5, 3.0])
    terminal = _Terminal()
    steps = Steps(2, clock=lambda: next(times), stream=terminal)
    steps("reading the scenario")  # at 0.5 s: quiet
    steps("index.html")  # at 2.5 s: shown
    steps.done()
    assert "reading" not in terminal.getvalue()
    assert "[2/2] index.html (2.5 s)" in terminal.getvalue()
    assert terminal.getvalue().endswith("done in 3.0 s\n")
    piped = io.StringIO()
    quiet = Steps(1, clock=iter([0.0, 5.0, 5.0]).__next__, stream=piped)
    quiet("index.html")
    quiet.done()
    assert piped.getvalue() == ""


@pytest.mark.parametrize("chunk_rows", [1, 2, 10_000])
def test_geojson_written_in_chunks_is_the_collection_as_one_document(
    tmp_path, niger_data, monkeypatch, chunk_rows
):
    """Streaming a layer in chunks writes the very bytes of the whole collection dumped at once."""
    from posturemap.geo import export

    monkeypatch.setattr(export, "CHUNK_ROWS", chunk_rows)
    for name, frame in gis_layers(niger_data).items():
        path = export.write_geojson(frame, tmp_path / f"{name}.geojson", name=name)
        expected = export.dumps(export.feature_collection(frame, name=name))
        assert path.read_text(encoding="utf-8") == expected, name
        assert json.loads(expected)["features"] or frame.empty
