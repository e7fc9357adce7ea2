"""Many sites: the synthetic benchmark scenario is valid, and a dense page draws
every site and keeps each one reachable with its own tooltip and popup."""

from __future__ import annotations

import importlib.util

import pytest

from posturemap.build import prepare
from posturemap.geo.scenario import load_scenario
from posturemap.layers.page import posture_map
from posturemap.layers.selection import labelled_places
from posturemap.layers.style import DEFAULT_STYLE

from .conftest import ROOT
from .test_pages import open_page, screen_point

SITES = 3000


def _bench_module(name: str):
    """A script from bench/ (not a package), loaded by path."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


write_scenario = _bench_module("synthetic").write_scenario


@pytest.fixture(scope="module")
def dense(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dense")
    data = prepare(write_scenario(folder / "dense.yaml", SITES))
    posture_map(data).save(str(folder / "index.html"))
    return data, folder / "index.html"


def test_synthetic_scenario_is_valid(tmp_path):
    scenario = load_scenario(write_scenario(tmp_path / "small.yaml", 200))
    assert len(scenario.places) == 200
    assert len(scenario.deployments) == 400
    assert len(scenario.movements) == 4


def test_circles_shrink_with_many_sites_and_labels_are_capped(dense):
    data, _ = dense
    assert DEFAULT_STYLE.for_sites(DEFAULT_STYLE.dense_from) is DEFAULT_STYLE
    crowded = DEFAULT_STYLE.for_sites(SITES)
    assert crowded.max_radius < DEFAULT_STYLE.max_radius
    assert crowded.radius(3000) <= crowded.max_radius
    labelled = labelled_places(data.places, data.sites, limit=DEFAULT_STYLE.label_limit)
    assert len(labelled) == DEFAULT_STYLE.label_limit
    largest = data.sites.groupby("place")["personnel"].max().sort_values(ascending=False)
    assert largest.index[0] in set(labelled["place"])


def test_dense_page_draws_every_site_and_each_keeps_its_popup(browser, dense):
    data, page_path = dense
    page, errors, requests = open_page(browser, page_path)
    assert errors == [] and requests == []
    drawn = page.evaluate("""() => {
        let n = 0;
        for (const map of Object.values(window).filter(v => v instanceof L.Map))
            map.eachLayer(l => { if (l.drawnCount) n += l.drawnCount(); });
        return n;
    }""")
    assert drawn == SITES
    first_phase = data.sites[data.sites["phase"] == data.scenario.phases[0].id]
    for index in (0, 1234, SITES - 1):
        site = first_phase.iloc[index]
        page.evaluate(
            """([lat, lon]) => { Object.values(window).find(v => v instanceof L.Map)
                .setView([lat, lon], 11, {animate: false}); }""",
            [site.geometry.y, site.geometry.x],
        )
        page.wait_for_timeout(100)  # the redraw waits for the next frame
        x, y = screen_point(page, site.geometry.y, site.geometry.x)
        page.mouse.click(x, y)
        popup = page.locator(".leaflet-popup-content h4")
        popup.wait_for()
        assert popup.inner_text() == site["name"]
        assert site["personnel_text"] in page.locator(".leaflet-popup-content").inner_text()
        page.keyboard.press("Escape")
        popup.wait_for(state="detached")
    assert errors == []
