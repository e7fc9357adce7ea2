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


@pytest.fixture(scope="module")
def forty(tmp_path_factory):
    folder = tmp_path_factory.mktemp("forty")
    path = folder / "forty.yaml"
    path.write_text(forty_places(), encoding="utf-8")
    data = prepare(path)
    static_map(data, folder / "map.png", formats=("png", "svg", "pdf"))
    return data, folder


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
