"""The offline basemap on the page: Natural Earth countries, lakes, rivers, names as text."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from posturemap.geo.countries import countries, country_frame, physical_frame
from posturemap.layers.countries import OUTLINE_STEPS, basemap_layer, encode_outlines
from posturemap.layers.elements import PageContext
from posturemap.layers.style import DEFAULT_STYLE

from .test_pages import open_page

pytestmark = pytest.mark.browser


def test_country_names_are_text_a_reader_can_find(browser, niger_output):
    page, errors, requests = open_page(browser, niger_output / "index.html")
    names = page.evaluate(
        "() => Array.from(document.querySelectorAll('.pm-country-name')).map(e => e.textContent)"
    )
    assert {"Niger", "Chad", "Nigeria", "Mali"} <= set(names)
    # Names that would cover a site's label or circle, a control or another name hide;
    # the ones shown are text that find-in-page reaches.
    shown = page.evaluate(
        "() => Array.from(document.querySelectorAll('.pm-country-name span'))"
        ".filter(e => getComputedStyle(e).visibility !== 'hidden').map(e => e.textContent)"
    )
    assert len(shown) >= 3, shown
    find = "(name) => { getSelection().removeAllRanges(); return window.find(name); }"
    assert all(page.evaluate(find, name) for name in shown[:3]), shown
    assert errors == [] and requests == []
    page.close()


def test_the_basemap_lies_under_the_sites_and_movements(browser, niger_output):
    page, errors, _requests = open_page(browser, niger_output / "index.html")
    panes = page.evaluate(
        """() => ({
            shapes: +getComputedStyle(document.querySelector('.leaflet-pmBasemap-pane')).zIndex,
            names: +getComputedStyle(document.querySelector('.leaflet-pmBasemapNames-pane')).zIndex,
            overlay: +getComputedStyle(document.querySelector('.leaflet-overlay-pane')).zIndex,
            canvases: document.querySelectorAll('.leaflet-pmBasemap-pane canvas').length,
        })"""
    )
    assert panes["shapes"] < panes["names"] < panes["overlay"]
    assert panes["canvases"] == 1
    assert errors == []
    page.close()


def test_lake_chad_and_rivers_ship_and_reach_the_page():
    lakes = physical_frame()
    lake_chad = lakes[(lakes["kind"] == "lake") & lakes.intersects(countries()["TD"].geometry)]
    # Natural Earth 4.1.0 draws today's open water, around 14.5°E, 13°N.
    [outline] = lake_chad.geometry
    west, south, east, north = outline.bounds
    assert west < 14.5 < east and south < 13.0 < north
    assert (lakes["kind"] == "river").sum() > 400
    from posturemap.build import prepare

    from .conftest import NIGER

    data = prepare(NIGER)
    layer = basemap_layer(context=PageContext(data.scenario, DEFAULT_STYLE), bounds=(0, 11, 16, 19))
    assert '"lakes"' in layer.data and '"rivers"' in layer.data and "Chad" in layer.data


def decoded_rings(encoded: dict) -> list[np.ndarray]:
    """The page's reading of :func:`encode_outlines`, in Python: each ring's (lon, lat)."""
    points = np.cumsum(np.array(encoded["xy"]).reshape(-1, 2), axis=0) / OUTLINE_STEPS
    ends = np.cumsum(encoded["n"])
    return [points[end - count : end] for count, end in zip(encoded["n"], ends, strict=True)]


def test_outlines_reach_the_page_as_small_integer_steps_one_fill_draws():
    courtyard = shapely.Polygon(
        [(0, 0), (0, 2), (2, 2), (2, 0)], [[(0.5, 0.5), (1.5, 0.5), (1.5, 1.5), (0.5, 1.5)]]
    )
    encoded = encode_outlines([courtyard], closed=True)
    assert all(type(step) is int for step in encoded["xy"])
    outer, hole = decoded_rings(encoded)
    assert shapely.Polygon(outer, [hole]).equals(courtyard)
    # Outer rings anticlockwise, holes clockwise: the page fills all with one nonzero path.
    assert shapely.LinearRing(outer).is_ccw and not shapely.LinearRing(hole).is_ccw
    # A line keeps its ends; a point on the step before it is left out.
    [line] = decoded_rings(
        encode_outlines([shapely.LineString([(0, 0), (1, 1), (1, 1.00001), (2, 1)])], closed=False)
    )
    assert line.tolist() == [[0, 0], [1, 1], [2, 1]]


def test_the_drawn_outline_of_niger_is_natural_earths_within_a_step():
    frame = country_frame()
    niger = frame[frame["code"] == "NE"].geometry.iloc[0]
    rings = decoded_rings(encode_outlines([niger], closed=True))
    drawn = shapely.union_all([shapely.Polygon(ring) for ring in rings])
    assert drawn.symmetric_difference(niger).area < 1e-3 * niger.area
    assert drawn.hausdorff_distance(niger) <= 1 / OUTLINE_STEPS
