"""The pages in a real headless Chromium, with every network request blocked."""

from pathlib import Path

import pytest

from posturemap.build import build
from posturemap.geo.scenario import load_scenario

from .conftest import MINIMAL, NIGER

pytestmark = pytest.mark.browser


def offline_page(browser, path: Path, *, size=(1400, 850), query: str = "", console_errors: bool = False):
    """Open a built page with every network request blocked.

    Returns the page, its JS errors (uncaught errors and dialogs; console errors
    too with ``console_errors``) and the requests it attempted.
    """
    width, height = size
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(10_000)
    errors, requests = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    if console_errors:
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    def route(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            requests.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.goto(path.resolve().as_uri() + query)
    return page, errors, requests


def open_page(browser, path: Path):
    """Open a built page offline; return the page, its JS errors and attempted requests."""
    page, errors, requests = offline_page(browser, path)
    page.wait_for_function(
        "() => typeof L !== 'undefined' && document.querySelector('.leaflet-overlay-pane canvas')"
    )
    return page, errors, requests


def circle_count(page) -> int:
    """Sites drawn on every map of the page, as the sites layer reports them."""
    return page.evaluate("""() => {
        let n = 0;
        for (const map of Object.values(window).filter(v => v instanceof L.Map)) {
            map.eachLayer(l => { if (typeof l.drawnCount === "function") n += l.drawnCount(); });
        }
        return n;
    }""")


def screen_point(page, lat: float, lon: float) -> tuple[float, float]:
    """Where a place is on screen in the (first) map."""
    return tuple(
        page.evaluate(
            """([lat, lon]) => {
            const map = Object.values(window).find(v => v instanceof L.Map);
            const p = map.latLngToContainerPoint([lat, lon]);
            const box = map.getContainer().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
            [lat, lon],
        )
    )


def test_index_works_offline_with_controls(browser, niger_output, tmp_path):
    page, errors, requests = open_page(browser, niger_output / "index.html")
    assert errors == []
    assert requests == []
    assert page.locator(".pm-phases input[type=radio]").count() == 3
    assert page.locator(".pm-key").is_visible()
    assert page.locator(".pm-timeline").is_visible()
    assert "Sahel band" in page.locator(".pm-toggles").inner_text()
    page.screenshot(path=str(tmp_path / "index.png"))


def test_phase_switch_shows_that_phases_markers(browser, niger_output):
    page, errors, _ = open_page(browser, niger_output / "index.html")
    radios = page.locator(".pm-phases input[type=radio]")
    counts = []
    for index in range(radios.count()):
        radios.nth(index).check()
        counts.append(circle_count(page))
    scenario = load_scenario(NIGER)
    expected = [sum(d.phase == phase.id for d in scenario.deployments) for phase in scenario.phases]
    assert counts == expected
    assert errors == []


def test_hover_and_click_show_the_reported_figure_range_and_sources(browser, niger_output, niger_data):
    page, errors, _ = open_page(browser, niger_output / "index.html")
    page.locator(".pm-phases input[type=radio]").nth(1).check()
    chad = niger_data.places.set_index("place").loc["chad", "geometry"]
    x, y = screen_point(page, chad.y, chad.x)
    page.mouse.move(x, y)
    tooltip = page.locator(".leaflet-tooltip-pane .leaflet-tooltip:visible:not(.pm-label)")
    tooltip.wait_for()
    assert tooltip.inner_text().startswith("Chad — United States: approximately 100")
    page.mouse.click(x, y)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "approximately 100" in text
    assert "90–110" in text
    assert "¶3" in text
    page.mouse.click(x - 250, y + 150)  # open land, off every site: the popup closes, nothing opens
    page.locator(".leaflet-popup-content").wait_for(state="detached")
    assert errors == []


def test_compare_page_syncs_and_labels_sides(browser, niger_output, tmp_path):
    page, errors, requests = open_page(browser, niger_output / "compare.html")
    assert errors == [] and requests == []
    tags = page.locator(".pm-caption").all_inner_texts()
    assert tags == ["Before the coup 2023-07-01", "After the withdrawal 2024-09-15"]
    zooms = page.evaluate("""() => Object.values(window).filter(m => m instanceof L.Map)
        .map(m => { return m; }).length""")
    assert zooms == 2
    page.evaluate("""() => { const maps = Object.values(window).filter(m => m instanceof L.Map);
        maps[0].setView([15, 5], 7, {animate: false}); }""")
    views = page.evaluate("""() => Object.values(window).filter(m => m instanceof L.Map)
        .map(m => [m.getZoom(), Math.round(m.getCenter().lat), Math.round(m.getCenter().lng)])""")
    assert views[0] == views[1] == [7, 15, 5]
    page.screenshot(path=str(tmp_path / "compare.png"))


PAYLOAD = '<img src=x onerror="window.pwned=1;alert(1)"><script>window.pwned=2</script>${window.pwned=3}`'


def hostile_scenario() -> str:
    text = MINIMAL
    for original in (
        "title: Minimal",
        "name: United States",
        "title: A report",
        "name: Niamey",
        "label: Before",
    ):
        key, _, value = original.partition(": ")
        text = text.replace(original, f"{key}: '{value} {PAYLOAD}'")
    text = text.replace("sources: [report#2]}", f"sources: [report#2], note: '{PAYLOAD}'}}")
    text += f"events:\n  - {{date: 2024-02-01, place: niamey, text: '{PAYLOAD}', sources: [report]}}\n"
    text += f"description: '{PAYLOAD} </script><script>window.pwned=4</script>'\n"
    return text


@pytest.mark.parametrize("page_name", ["index.html", "compare.html"])
def test_hostile_text_never_runs(browser, write_scenario, tmp_path, page_name):
    out = tmp_path / "hostile"
    build(write_scenario(hostile_scenario()), out)
    page, errors, requests = open_page(browser, out / page_name)
    # Open every popup in turn: each builds its content from the scenario's text.
    page.evaluate("""() => { for (const key of Object.keys(window)) {
        const map = window[key];
        if (!(map && map instanceof L.Map)) continue;
        map.eachLayer(l => {
            if (l.getPopup && l.getPopup()) l.openPopup();
            if (l.openSite) for (let i = 0; i < l.siteCount(); i++) l.openSite(i);
        });
    } }""")
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.pwned") is None
    assert errors == []
    assert requests == []  # the <img src=x> never became an element that loads
    assert page.locator("img[src=x]").count() == 0
    if page_name == "index.html":  # the title panel shows the payload as literal text
        assert PAYLOAD.split("<script>")[0] in page.locator("body").inner_text()


def test_a_click_on_circles_at_one_place_lists_every_site(browser, write_scenario, tmp_path):
    """Two actors with the same figure at one place draw the same circle; both stay reachable."""
    text = MINIMAL.replace(
        "  - {id: us, name: United States}",
        "  - {id: us, name: United States}\n  - {id: fr, name: France}",
    )
    text += '  - {actor: fr, place: niamey, phase: before, personnel: "about 1,000", sources: [report#3]}\n'
    build(write_scenario(text), tmp_path / "out")
    page, errors, _ = open_page(browser, tmp_path / "out" / "index.html")
    x, y = screen_point(page, 13.51, 2.11)
    page.mouse.click(x, y)
    page.locator(".leaflet-popup-content").wait_for()
    titles = page.locator(".leaflet-popup-content .pm-popup-sub").all_inner_texts()
    assert sorted(title.split(" · ")[0] for title in titles) == ["France", "United States"]
    assert errors == []


def test_columns_sent_once_give_every_site_its_own_values(browser, forty_output):
    """A column of few distinct values (country, kind, sources) travels as those values
    and an index per site; the page gives each site its own value back."""
    from posturemap.build import prepare

    data = prepare(forty_output.parent / "forty.yaml")
    in_phase = data.sites[data.sites["phase"] == data.scenario.phases[0].id]
    assert '"index":[' in (forty_output / "index.html").read_text(encoding="utf-8")
    page, errors, _ = open_page(browser, forty_output / "index.html")
    shown = page.evaluate(
        """() => {
            const map = PostureMap.maps[0];
            const [layer] = map.pmShownLayers().flatMap(group => group.getLayers())
                .filter(layer => layer instanceof PostureMap.SitesLayer);
            return {country: layer._d.country, kind: layer._d.kind, sources: layer._d.sources};
        }"""
    )
    assert shown["country"] == in_phase["country_name"].tolist()
    assert shown["kind"] == in_phase["kind"].tolist()
    assert shown["sources"] == [list(sources) for sources in in_phase["sources"]]
    assert errors == []
    page.close()
