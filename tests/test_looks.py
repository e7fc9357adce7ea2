"""One table of looks, a colour-blind-safe palette, and the first view of a page."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from posturemap.build import prepare
from posturemap.geo.errors import ScenarioError
from posturemap.layers.elements import PageContext, runtime_assets
from posturemap.layers.legend import legend_html
from posturemap.layers.sites import encode_sites
from posturemap.layers.style import DEFAULT_STYLE
from posturemap.layers.view import cut_movement, first_view

from .conftest import MINIMAL

# Machado, Oliveira and Fernandes (2009), severity 1.0: linear-RGB matrices that
# simulate what a reader with deuteranopia or protanopia sees.
MACHADO = {
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
    "normal vision": np.eye(3),
}
#: CIELAB distance that two actors' colours keep at least: clearly told apart.
MIN_DELTA_E = 15.0


def _linear(color: str) -> np.ndarray:
    channels = np.array([int(color[index : index + 2], 16) / 255 for index in (1, 3, 5)])
    return np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> np.ndarray:
    to_xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    x, y, z = to_xyz @ np.clip(linear, 0, 1) / np.array([0.95047, 1.0, 1.08883])

    def f(t):
        return np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)

    return np.array([116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))])


@pytest.mark.parametrize("vision", list(MACHADO))
def test_default_palette_stays_distinct_for_colour_blind_readers(vision):
    matrix = MACHADO[vision]
    seen = {color: _lab(matrix @ _linear(color)) for color in DEFAULT_STYLE.palette}
    for first, second in itertools.combinations(DEFAULT_STYLE.palette, 2):
        distance = float(np.linalg.norm(seen[first] - seen[second]))
        assert distance >= MIN_DELTA_E, f"{first} and {second} look alike under {vision} (ΔE {distance:.1f})"


def test_the_simulation_finds_a_red_green_pair():
    """The check can fail: red and green that normal vision tells apart merge under deuteranopia."""
    red, green = (
        _lab(MACHADO["deuteranopia"] @ _linear("#d62728")),
        _lab(MACHADO["deuteranopia"] @ _linear("#2ca02c")),
    )
    assert float(np.linalg.norm(red - green)) < MIN_DELTA_E


@pytest.mark.parametrize(
    ("status", "personnel", "look"),
    [
        ("active", 1000, "reported"),
        ("active", None, "unknown"),
        ("unknown", 100, "unknown"),
        ("withdrawn", 0, "withdrawn"),
        ("withdrawn", None, "withdrawn"),
        ("planned", None, "planned"),
    ],
)
def test_a_site_gets_one_look(status, personnel, look):
    assert DEFAULT_STYLE.site_look_for(status, personnel).name == look


def test_the_page_draws_sites_from_the_table_of_looks(niger_data):
    """Looks and radii reach the page as data; the script keeps no copy of them."""
    context = PageContext(niger_data.scenario, DEFAULT_STYLE)
    sites = niger_data.sites
    encoded = encode_sites(sites, context=context)
    payload_looks = DEFAULT_STYLE.js()["looks"]
    assert [look["name"] for look in payload_looks] == [look.name for look in DEFAULT_STYLE.site_looks]
    for index, (status, personnel) in enumerate(zip(sites["status"], sites["personnel"], strict=True)):
        estimate = None if pd.isna(personnel) else int(personnel)
        expected = DEFAULT_STYLE.site_look_for(status, estimate)
        assert payload_looks[encoded["look"][index]]["name"] == expected.name
        assert encoded["r"][index] == pytest.approx(DEFAULT_STYLE.radius(estimate), abs=0.01)
    script, _ = runtime_assets()
    assert "PM.radius" not in script and "min_radius" not in script


def test_the_key_draws_each_status_with_its_look(niger_data):
    style = DEFAULT_STYLE
    key = legend_html(
        niger_data.scenario.actors,
        style.actor_colors(niger_data.scenario.actors),
        style,
        movements=True,
        regions=[],
        shading=False,
    )
    for look in style.site_looks:
        dash = " ".join(f"{part:g}" for part in look.dash)
        pattern = rf'fill-opacity="{look.fill_opacity:g}"[^>]*stroke-width="{look.stroke_width:g}"' + (
            rf' stroke-dasharray="{dash}"' if dash else "(?! stroke-dasharray)"
        )
        assert re.search(pattern, key), look.name
    assert "withdrawn" in key


def test_first_view_leaves_far_ends_out(niger_data):
    view = first_view(niger_data, style=DEFAULT_STYLE)
    west, south, east, north = view.fit
    assert west > -10 and east < 30 and south > 0 and north < 30
    by_end = {row.to_name: row.geometry for row in niger_data.movements.itertuples()}
    line, start_far, end_far = cut_movement(by_end["United States"], view)
    assert (start_far, end_far) == (False, True)
    assert line.coords[0] == by_end["United States"].coords[0]  # from the air base
    assert line.length < 0.2 * by_end["United States"].length
    line, start_far, end_far = cut_movement(by_end["Niamey"], view)
    assert (start_far, end_far) == (True, False)
    assert Point(line.coords[-1]).distance(Point(by_end["Niamey"].coords[-1])) < 1e-6


def test_a_view_in_the_scenario_sets_the_first_view(write_scenario):
    data = prepare(write_scenario(MINIMAL + "view: [-5, 5, 20, 25]\n"))
    assert data.scenario.view == (-5.0, 5.0, 20.0, 25.0)
    assert first_view(data, style=DEFAULT_STYLE).fit == (-5.0, 5.0, 20.0, 25.0)


@pytest.mark.parametrize(
    ("view", "message"),
    [
        ("[1, 2, 3]", "is not a box"),
        ("[-5, 5, 200, 25]", "is not a box: west < east within ±180"),
        ("[20, 5, -5, 25]", "is not a box: west < east within ±180"),
        ("{west: 1}", "is not a box"),
    ],
)
def test_a_bad_view_says_what_to_write(write_scenario, view, message):
    with pytest.raises(ScenarioError) as caught:
        prepare(write_scenario(MINIMAL + f"view: {view}\n"))
    text = str(caught.value)
    assert message in text and "view: [west, south, east, north]" in text
    assert ":14: view:" in text  # the line of `view:` in the file
