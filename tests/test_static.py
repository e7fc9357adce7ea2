"""map.png, map.svg and map.pdf: readable labels, the looks of the page, the same bytes every time."""

from __future__ import annotations

import random
import re

import pytest

from posturemap.build import prepare
from posturemap.layers.static import static_map

from .conftest import NIGER

#: Towns in several Sahel countries (GeoNames coordinates) that the generated scenario clusters around.
ANCHORS = [
    ("Niamey", 13.5137, 2.1098),
    ("Agadez", 16.9733, 7.9911),
    ("Zinder", 13.8069, 8.9881),
    ("Diffa", 13.3154, 12.6113),
    ("N'Djamena", 12.1067, 15.0444),
    ("Abéché", 13.8292, 20.8324),
    ("Maiduguri", 11.8464, 13.1603),
    ("Kano", 12.0001, 8.5167),
    ("Gao", 16.2717, -0.0447),
    ("Ouagadougou", 12.3657, -1.5339),
    ("Maroua", 10.5956, 14.3247),
    ("Parakou", 9.3372, 2.6303),
]


def forty_places(seed: int = 40) -> str:
    """A made-up scenario: 40 places given by coordinates, in clusters a few km to 30 km apart."""
    rng = random.Random(seed)
    lines = [
        "title: Forty places, made up for a test",
        "phases:",
        "  - {id: before, label: Before, date: 2023-07-01}",
        "  - {id: middle, label: Middle, date: 2024-01-01}",
        "  - {id: after, label: After, date: 2024-09-15}",
        "actors:",
        "  - {id: blue, name: Blue force, color: '#1f5fbf'}",
        "  - {id: red, name: Red force, color: '#c0392b'}",
        "sources:",
        "  - {id: made-up, title: Made-up data for a test, publisher: posturemap tests}",
        "places:",
    ]
    places = []
    for number in range(40):
        name, lat, lon = ANCHORS[number % len(ANCHORS)]
        if number >= len(ANCHORS):
            lat += rng.uniform(-0.3, 0.3)
            lon += rng.uniform(-0.3, 0.3)
            name = f"Camp {number} near {name}"
        places.append(f"p{number}")
        lines.append(f'  - {{id: p{number}, name: "{name}", lat: {lat:.4f}, lon: {lon:.4f}}}')
    lines.append("deployments:")
    for number, place in enumerate(places):
        actor = "blue" if number % 3 else "red"
        before = rng.choice([50, 120, 300, 800, 1500, 2500])
        lines.append(
            f"  - {{actor: {actor}, place: {place}, phase: before, personnel: 'about {before:,}', "
            "sources: [made-up]}"
        )
        roll = number % 5
        if roll == 0:
            after = "{personnel: 0, status: withdrawn}"
        elif roll == 1:
            after = "{personnel: null, status: withdrawn}"
        elif roll == 2:
            after = "{personnel: null}"
        elif roll == 3:
            after = "{personnel: 200, status: planned}"
        else:
            after = f"{{personnel: {before * 2}}}"
        fields = after.strip("{}")
        lines.append(f"  - {{actor: {actor}, place: {place}, phase: after, {fields}, sources: [made-up]}}")
    lines += [
        "movements:",
        "  - {actor: blue, from: p0, to: p4, phase: after, personnel: 100, kind: relocation,"
        " sources: [made-up]}",
        "  - {actor: red, from: p3, to: p6, phase: after, personnel: 50, kind: withdrawal,"
        " sources: [made-up]}",
        "regions:",
        "  - {id: sahel, name: Sahel band, builtin: sahel}",
        "",
    ]
    return "\n".join(lines)


def drawn(tmp_path_factory, name: str, text: str):
    """A scenario written as ``name``.yaml, prepared, and drawn in all three formats."""
    folder = tmp_path_factory.mktemp(name)
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    data = prepare(path)
    static_map(data, folder / "map.png", formats=("png", "svg", "pdf"))
    return data, folder


@pytest.fixture(scope="module")
def forty(tmp_path_factory):
    return drawn(tmp_path_factory, "forty", forty_places())


TEXT_BOXES = """
() => Array.from(document.querySelectorAll('text')).map(t => {
  const b = t.getBBox(), m = t.getCTM();
  const xs = [b.x, b.x + b.width].flatMap(
    x => [b.y, b.y + b.height].map(y => [m.a*x + m.c*y + m.e, m.b*x + m.d*y + m.f]));
  return {text: t.textContent, x0: Math.min(...xs.map(p => p[0])), x1: Math.max(...xs.map(p => p[0])),
          y0: Math.min(...xs.map(p => p[1])), y1: Math.max(...xs.map(p => p[1]))};
})
"""


def _overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    found = []
    for index, first in enumerate(boxes):
        for second in boxes[index + 1 :]:
            if (
                first["x0"] < second["x1"] - 0.5
                and second["x0"] < first["x1"] - 0.5
                and first["y0"] < second["y1"] - 0.5
                and second["y0"] < first["y1"] - 0.5
            ):
                found.append((first["text"], second["text"]))
    return found


def _svg_boxes(browser, svg) -> list[dict]:
    page = browser.new_page()
    try:
        page.goto(svg.as_uri())
        return page.evaluate(TEXT_BOXES)
    finally:
        page.close()


@pytest.mark.browser
def test_no_two_texts_overlap_in_the_niger_svg(browser, niger_output):
    boxes = _svg_boxes(browser, niger_output / "map.svg")
    assert len(boxes) > 20
    assert _overlaps(boxes) == []


@pytest.mark.browser
def test_no_two_texts_overlap_with_forty_places(browser, forty):
    data, folder = forty
    boxes = _svg_boxes(browser, folder / "map.svg")
    assert _overlaps(boxes) == []
    # A name that finds no free spot is left out and counted, never drawn over another.
    texts = [box["text"] for box in boxes]
    notes = [text for text in texts if "for room; all in index.html" in text]
    place_names = set(data.places["name"])
    named = [text for text in texts if text in place_names]
    left_out = sum(int(count) for note in notes for count in re.findall(r"(\d+) left out", note))
    assert len(named) >= 20
    assert len(named) + left_out == 2 * len(place_names)


def test_svg_keeps_text_as_text_and_withdrawn_reads_withdrawn(niger_output):
    svg = (niger_output / "map.svg").read_text(encoding="utf-8")
    assert "<text" in svg
    assert "United States: withdrawn" in svg
    assert "size not reported" not in svg
    assert "Sources: " in svg and "Data as of 2024-09-15" in svg
    assert "°" not in svg  # no degree axes


def test_every_phase_option_draws_a_panel_per_phase(tmp_path, forty):
    data, _folder = forty
    [svg] = static_map(data, tmp_path / "map.svg", all_phases=True)
    text = svg.read_text(encoding="utf-8")
    for label in ("Before (2023-07-01)", "Middle (2024-01-01)", "After (2024-09-15)"):
        assert label in text


def test_width_option_sets_the_png_width(tmp_path):
    import struct

    data = prepare(NIGER)
    [png] = static_map(data, tmp_path / "map.png", width_px=800)
    width, _height = struct.unpack(">II", png.read_bytes()[16:24])
    assert width == 800


def test_static_maps_are_byte_identical(tmp_path, forty):
    data, folder = forty
    again = static_map(data, tmp_path / "map.png", formats=("png", "svg", "pdf"))
    for path in again:
        assert path.read_bytes() == (folder / path.name).read_bytes(), path.name


def crowded_places(count: int = 600, seed: int = 7) -> str:
    """A made-up scenario: ``count`` places strewn over Niger and its neighbours, two actors, two phases."""
    rng = random.Random(seed)
    lines = [
        f"title: {count} places, made up for a test",
        "phases:",
        "  - {id: before, label: Before, date: 2023-07-01}",
        "  - {id: after, label: After, date: 2024-09-15}",
        "actors:",
        "  - {id: blue, name: Blue force, color: '#1f5fbf'}",
        "  - {id: red, name: Red force, color: '#c0392b'}",
        "sources:",
        "  - {id: made-up, title: Made-up data for a test}",
        "places:",
    ]
    for number in range(count):
        lat, lon = rng.uniform(10.0, 20.0), rng.uniform(0.0, 16.0)
        lines.append(f"  - {{id: p{number}, name: Post {number}, lat: {lat:.4f}, lon: {lon:.4f}}}")
    lines.append("deployments:")
    for number in range(count):
        actor = "blue" if number % 2 else "red"
        before, after = rng.randrange(10, 3000), rng.choice([0, rng.randrange(10, 3000)])
        status = "withdrawn" if after == 0 else "active"
        lines.append(
            f"  - {{actor: {actor}, place: p{number}, phase: before, personnel: {before},"
            " sources: [made-up]}"
        )
        lines.append(
            f"  - {{actor: {actor}, place: p{number}, phase: after, personnel: {after}, status: {status},"
            " sources: [made-up]}"
        )
    lines += [
        "movements:",
        "  - {actor: blue, from: p1, to: p3, phase: after, personnel: 100, kind: relocation,"
        " sources: [made-up]}",
        "  - {actor: red, from: p2, to: p4, phase: after, personnel: 50, kind: withdrawal,"
        " sources: [made-up]}",
        "",
    ]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def crowded(tmp_path_factory):
    return drawn(tmp_path_factory, "crowded", crowded_places())


@pytest.mark.browser
def test_with_many_places_only_the_largest_are_named_and_no_two_texts_overlap(browser, crowded):
    from posturemap.layers.selection import labelled_places
    from posturemap.layers.style import DEFAULT_STYLE

    data, folder = crowded
    boxes = _svg_boxes(browser, folder / "map.svg")
    assert _overlaps(boxes) == []
    texts = [box["text"] for box in boxes]
    # Each label starts with the place's name: the figures follow on lines of their own.
    names = {name for name in data.places["name"]}
    named = [text for text in texts if text in names or text.split("\n")[0] in names]
    largest = set()
    for phase in ("before", "after"):
        sites = data.sites[data.sites["phase"] == phase]
        chosen = labelled_places(data.places, sites, limit=DEFAULT_STYLE.label_limit)
        largest |= set(chosen["name"])
    assert named, "some of the largest places find room for a name"
    assert len(named) <= 2 * DEFAULT_STYLE.label_limit
    assert {text.split("\n")[0] for text in named} <= largest
    notes = [text for text in texts if "largest of 600 places named" in text]
    assert len(notes) == 2, texts


def test_every_site_is_one_circle_and_the_svg_holds_few_paths(crowded):
    data, folder = crowded
    svg = (folder / "map.svg").read_text(encoding="utf-8")
    # 1,200 circles, drawn as a few paths (one per actor, look and size), not one each.
    assert svg.count("<path") < 300
    circles = sum(path.count("z") for path in re.findall(r'<path d="([^"]*)"', svg) if "\nC " in path)
    assert circles >= len(data.sites)


def test_circle_sizes_and_looks_are_the_styles(crowded):
    from posturemap.geo.export import json_value
    from posturemap.layers.static_marks import _radii_and_looks
    from posturemap.layers.style import DEFAULT_STYLE

    data, _folder = crowded
    style = DEFAULT_STYLE.for_sites(600)
    radius, looks, _widths = _radii_and_looks(data.sites, style)
    for row, (personnel, status) in enumerate(
        zip(data.sites["personnel"], data.sites["status"], strict=True)
    ):
        figure = json_value(personnel)
        assert radius[row] == style.radius(figure)
        assert style.site_looks[looks[row]] == style.site_look_for(status, figure)


def test_crowded_static_maps_are_byte_identical(tmp_path, crowded):
    data, folder = crowded
    again = static_map(data, tmp_path / "map.png", formats=("png", "svg", "pdf"))
    for path in again:
        assert path.read_bytes() == (folder / path.name).read_bytes(), path.name
