"""The offline basemap on the page: Natural Earth countries, lakes, rivers, names as text."""

from __future__ import annotations

import pytest

from posturemap.geo.countries import countries, physical_frame
from posturemap.layers.countries import basemap_layer
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
