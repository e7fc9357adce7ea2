"""Every kind of bad input the README lists: one clear line, exit status 2, nothing changed on disk.

Each case runs ``posturemap build`` over an output folder that a good build
wrote before, and checks the message (file, line, field, what to do) and that
the folder is byte for byte what it was.
"""

import hashlib
import re
import shutil

import pytest

from posturemap.build import build
from posturemap.cli import main

from .conftest import MINIMAL


def edited(old: str, new: str) -> str:
    assert old in MINIMAL, old
    return MINIMAL.replace(old, new, 1)


def with_region(geojson: str) -> str:
    return MINIMAL + f"regions:\n  - {{id: area, name: Area, geojson: {geojson}}}\n"


# The "billion laughs": each line repeats the one before ten times (10 million values).
ALIAS_BOMB = "title: Laughs\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]\n" for n in range(1, 8)
)

# (case, file content, line, field, words the message must contain).
# Line numbers refer to MINIMAL (deployments on lines 12 and 13).
BAD_INPUTS = [
    ("empty file", "", 1, "", "the file is empty"),
    ("only blank lines", "\n  \n\n", 1, "", "the file is empty"),
    ("binary file", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 1, "", "binary file, not YAML"),
    ("not UTF-8", "title: Caf\xe9\n".encode("latin-1"), 1, "", "not UTF-8"),
    ("YAML syntax error", "title: Minimal\nphases: [unclosed\n", 3, "", "YAML syntax error"),
    ("top level is a list", "- title\n- phases\n", 1, "", "not a mapping"),
    ("alias bomb", ALIAS_BOMB, 7, "", "aliases repeat more than 200,000 values"),
    ("top level is text", "just some words\n", 1, "", "not a mapping"),
    ("duplicate key", edited("title: Minimal", "title: Minimal\ntitle: Again"), 2, "title", "duplicate key"),
    (
        "duplicate id",
        edited("{id: us, name: United States}", "{id: us, name: United States}\n  - {id: us, name: USA}"),
        7,
        "actors[1].id",
        "duplicate actor id 'us' (first on line 6)",
    ),
    ("unknown field", edited("{id: us,", "{id: us, colour: red,"), 6, "actors[0].colour", "unknown field"),
    (
        "bad id",
        MINIMAL + "regions:\n  - {id: the sahel, name: Sahel, builtin: sahel}\n",
        15,
        "regions[0].id",
        "not a valid id",
    ),
    (
        "unknown place",
        edited("place: niamey, phase: after", "place: agades, phase: after"),
        13,
        "deployments[1].place",
        "unknown place 'agades'; use one of: niamey",
    ),
    (
        "unknown actor",
        edited("{actor: us, place: niamey, phase: after", "{actor: usa, place: niamey, phase: after"),
        13,
        "deployments[1].actor",
        "unknown actor 'usa'; use one of: us",
    ),
    (
        "unknown phase",
        edited("phase: after", "phase: later"),
        13,
        "deployments[1].phase",
        "unknown phase 'later'; use one of: after, before",
    ),
    (
        "unknown source",
        edited("sources: [report]", "sources: [memo]"),
        13,
        "deployments[1].sources[0]",
        "unknown source 'memo'; use one of: report",
    ),
    (
        "personnel in words",
        edited('"about 1,000"', '"a lot of troops"'),
        12,
        "deployments[0].personnel",
        "not a personnel figure; write a whole number",
    ),
    (
        "personnel as a mapping",
        edited('"about 1,000"', "{count: 1000}"),
        12,
        "deployments[0].personnel",
        "write a whole number",
    ),
    (
        "negative personnel",
        edited("personnel: 0", "personnel: -5"),
        13,
        "deployments[1].personnel",
        "negative",
    ),
    (
        "negative personnel in text",
        edited('"about 1,000"', '"about -1,000"'),
        12,
        "deployments[0].personnel",
        "personnel",
    ),
    ("latitude out of range", edited("lat: 13.51", "lat: 113.51"), 10, "places[0].lat", "out of range"),
    ("longitude out of range", edited("lon: 2.11", "lon: -202.11"), 10, "places[0].lon", "out of range"),
    ("latitude not a number", edited("lat: 13.51", "lat: north"), 10, "places[0].lat", "not a number"),
    ("only a longitude", edited("lat: 13.51, ", ""), 10, "places[0].lat", "missing; give both"),
    ("only a latitude", edited(", lon: 2.11", ""), 10, "places[0].lon", "missing; give both"),
    ("impossible date", edited("2024-06-01", "2024-06-31"), 4, "phases[1].date", "not a valid ISO date"),
    ("date in another format", edited("2024-06-01", "01/06/2024"), 4, "phases[1].date", "YYYY-MM-DD"),
    (
        "phases out of order",
        edited("2024-06-01", "2023-06-01"),
        2,
        "phases",
        "comes before 'before'",
    ),
    (
        "missing geojson region",
        with_region("missing.geojson"),
        15,
        "regions[0].geojson",
        "'missing.geojson' does not exist",
    ),
    (
        "geojson region that is not JSON",
        with_region("broken.geojson"),
        15,
        "regions[0].geojson",
        "'broken.geojson' is not valid GeoJSON",
    ),
    (
        "geojson region with no geometry",
        with_region("banana.geojson"),
        15,
        "regions[0].geojson",
        "'banana.geojson' is not usable GeoJSON",
    ),
    (
        "javascript URL",
        edited("https://example.org/report", "javascript:alert(1)"),
        8,
        "sources[0].url",
        "not an http(s) address",
    ),
    (
        "file URL",
        edited("https://example.org/report", "file:///etc/passwd"),
        8,
        "sources[0].url",
        "not an http(s) address",
    ),
    (
        "colour that is not one",
        edited("name: United States}", "name: United States, color: blue}"),
        6,
        "actors[0].color",
        "not a colour",
    ),
]


def digest(folder):
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def good_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("good") / "output"
    scenario = folder.parent / "good.yaml"
    scenario.write_text(MINIMAL, encoding="utf-8")
    build(scenario, folder)
    return folder


@pytest.fixture
def previous_output(good_build, tmp_path_factory):
    """A copy of an output folder a good build wrote, and the digest of every file in it."""
    folder = tmp_path_factory.mktemp("previous") / "output"
    shutil.copytree(good_build, folder)
    return folder, digest(folder)


def build_fails_cleanly(path, previous_output, capsys) -> str:
    """Run `posturemap build` on a bad file and return its one-problem-per-line stderr."""
    folder, before = previous_output
    status = main(["build", str(path), "--out", str(folder)])
    captured = capsys.readouterr()
    assert status == 2, captured
    assert "Traceback" not in captured.err
    assert captured.out == ""
    assert digest(folder) == before, "a failed build changed the output folder"
    leftovers = [p.name for p in folder.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == [], f"a failed build left {leftovers}"
    return captured.err


@pytest.mark.parametrize(
    ("content", "line", "field", "words"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_bad_input_gets_one_clear_line(tmp_path, previous_output, capsys, content, line, field, words):
    (tmp_path / "broken.geojson").write_text("{not json", encoding="utf-8")
    (tmp_path / "banana.geojson").write_text('{"type": "Banana"}', encoding="utf-8")
    path = tmp_path / "scenario.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    err = build_fails_cleanly(path, previous_output, capsys)
    where = f"{re.escape(str(path))}:{line}: " + (f"{re.escape(field)}: " if field else "")
    assert re.search(rf"^{where}.*{re.escape(words)}", err, re.MULTILINE), err
    # The problem is reported once, not again as a consequence somewhere else.
    assert len(err.strip().splitlines()) == 1, err


def test_missing_file(tmp_path, previous_output, capsys):
    path = tmp_path / "absent.yaml"
    err = build_fails_cleanly(path, previous_output, capsys)
    assert err.strip() == f"{path}: no such file; check the path and the current folder"


def test_folder_instead_of_a_file(tmp_path, previous_output, capsys):
    err = build_fails_cleanly(tmp_path, previous_output, capsys)
    assert err.strip() == f"{tmp_path}: this is a folder, not a scenario file"


def test_unknown_place_name_offers_spellings(write_scenario, previous_output, capsys):
    path = write_scenario(
        edited(
            "{id: niamey, name: Niamey, lat: 13.51, lon: 2.11, country: NE}",
            "{id: niamey, name: Niamey, query: Niameyy, country: NE}",
        )
    )
    err = build_fails_cleanly(path, previous_output, capsys)
    # The first lookup on a machine may also print that it builds the gazetteer index.
    assert re.search(rf"^{re.escape(str(path))}:10: places\[0\]\.query: .*Niamey", err, re.MULTILINE), err


def test_unexpected_failure_is_short_and_points_to_debug(
    write_scenario, previous_output, capsys, monkeypatch
):
    """A bug late in the build (here: drawing map.png) is one line, exit 1, and changes nothing."""
    from posturemap.layers import static

    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure while drawing")

    monkeypatch.setattr(static, "static_map", broken)
    folder, before = previous_output
    path = write_scenario(MINIMAL)
    assert main(["build", str(path), "--out", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "unexpected RuntimeError: simulated failure while drawing" in err
    assert "--debug" in err
    assert digest(folder) == before
    with pytest.raises(RuntimeError, match="simulated failure"):
        main(["build", str(path), "--out", str(folder), "--debug"])
    assert digest(folder) == before
