"""The pages as readers meet them: phones, embeds and desktops, in a real Chromium.

Each page is opened at five screen sizes, with the bundled scenario and with a
generated one of forty places in several countries (some a few km apart).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from posturemap.build import prepare

from .conftest import NIGER
from .test_pages import offline_page

pytestmark = pytest.mark.browser

SIZES = [(320, 568), (390, 844), (700, 450), (1024, 768), (1440, 900)]


def open_sized(browser, path: Path, size: tuple[int, int], *, query: str = ""):
    """A page at a screen size, offline, with console errors collected too."""
    page, errors, requests = offline_page(browser, path, size=size, query=query, console_errors=True)
    page.wait_for_function("() => window.PostureMap && PostureMap.maps.length > 0")
    settle(page)
    return page, errors, requests


def settle(page) -> None:
    """Two frames: the layout, the fit and the label placement are done."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


#: Per map: its phase, its sites' screen points, whether each is inside the map and
#: in the viewport, and whether the element at that point belongs to the map.
SITES_ON_SCREEN = """() => PostureMap.maps.map(map => {
    const container = map.getContainer(), box = container.getBoundingClientRect();
    const sites = map.pmShownLayers().flatMap(group => group.getLayers())
        .filter(layer => layer instanceof PostureMap.SitesLayer);
    const points = [];
    for (const layer of sites) {
        for (let i = 0; i < layer.siteCount(); i++) {
            const p = map.latLngToContainerPoint([layer._d.lat[i], layer._d.lon[i]]);
            const x = box.left + p.x, y = box.top + p.y;
            const hit = document.elementFromPoint(x, y);
            points.push({
                name: layer._d.name[i], x, y,
                inMap: p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height,
                inViewport: x >= 0 && y >= 0 && x <= innerWidth && y <= innerHeight,
                onMap: !!hit && container.contains(hit) && !hit.closest(".leaflet-control"),
                hit: hit ? hit.className || hit.tagName : null,
            });
        }
    }
    return {phase: map.pmPhase(), points,
            centre: [map.getCenter().lat, map.getCenter().lng], zoom: map.getZoom()};
})"""

#: Every visible permanent label's box (sites' labels, country names), and the map
#: controls' boxes. (Leaflet fades a removed label out over 200 ms at opacity 0: a
#: reader no longer sees it.)
LABEL_BOXES = """() => PostureMap.maps.map(map => {
    const container = map.getContainer(), frame = container.getBoundingClientRect();
    const boxes = el => { const r = el.getBoundingClientRect();
        return {text: el.textContent, left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
    const seen = el => { const style = getComputedStyle(el);
        return style.display !== "none" && Number(style.opacity) > 0; };
    // The sites' labels and the basemap's country names alike.
    const labels = [...container.querySelectorAll(".pm-label, .pm-country-name span")]
        .filter(el => seen(el) && getComputedStyle(el).visibility !== "hidden")
        .map(el => ({...boxes(el), country: !el.classList.contains("pm-label")}));
    const controls = [...container.querySelectorAll(".leaflet-control")].map(boxes);
    return {labels, controls,
            frame: {left: frame.left, top: frame.top, right: frame.right, bottom: frame.bottom}};
})"""

#: The movements a map shows, as "from → to" with the phase each belongs to.
MOVEMENTS_SHOWN = """() => PostureMap.maps.map(map => {
    const shown = [];
    map.eachLayer(layer => {
        if (layer instanceof L.Polyline && !(layer instanceof L.Polygon) && layer.pmIndex !== undefined) {
            const text = layer.getTooltip().getContent().textContent;
            shown.push(text.slice(text.indexOf(": ") + 2));
        }
    });
    return shown.sort();
})"""


def intersect(a: dict, b: dict) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    )


@pytest.fixture(scope="module")
def scenarios(niger_output, forty_output):
    return {"niger": niger_output, "forty": forty_output}


@pytest.fixture(scope="module")
def prepared(forty_output):
    return {"niger": prepare(NIGER), "forty": prepare(forty_output.parent / "forty.yaml")}


def check_page(page, errors, data, *, index: bool) -> None:
    """The checks the issue lists, for one page at one size."""
    assert errors == []
    scenario = data.scenario
    maps = page.evaluate(SITES_ON_SCREEN)
    expected_phases = [scenario.phases[0].id] if index else [scenario.phases[0].id, scenario.phases[-1].id]
    assert [view["phase"] for view in maps] == expected_phases
    for view in maps:
        for value in (*view["centre"], view["zoom"]):
            assert value == value, "NaN in the view"
        in_phase = data.sites[data.sites["phase"] == view["phase"]]
        assert len(view["points"]) == len(in_phase)
        for point in view["points"]:
            assert point["inMap"] and point["inViewport"], point
            assert point["onMap"], point
    for view in page.evaluate(LABEL_BOXES):
        labels, frame = view["labels"], view["frame"]
        for number, label in enumerate(labels):
            if not label["country"]:  # a country's name may run off the edge, as on any map
                assert frame["left"] <= label["left"] + 0.5 and label["right"] <= frame["right"] + 0.5, label
                assert frame["top"] <= label["top"] + 0.5 and label["bottom"] <= frame["bottom"] + 0.5, label
            for other in labels[number + 1 :]:
                assert not intersect(label, other), (label, other)
            for control in view["controls"]:
                assert not intersect(label, control), (label, control)


def movement_names(data, phase_id: str) -> list[str]:
    moves = data.movements[data.movements["phase"] == phase_id]
    return sorted(f"{a} → {b}" for a, b in zip(moves["from_name"], moves["to_name"], strict=True))


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("which", ["niger", "forty"])
def test_index_at_every_size(browser, scenarios, prepared, which, size):
    data = prepared[which]
    page, errors, requests = open_sized(browser, scenarios[which] / "index.html", size)
    check_page(page, errors, data, index=True)
    assert requests == []
    # The map keeps at least 60% of the screen's height.
    height = page.evaluate("() => PostureMap.maps[0].getContainer().getBoundingClientRect().height")
    assert height >= 0.6 * size[1] - 1
    # The phase switch is visible, and works from the keyboard alone.
    radios = page.locator(".pm-phases input[type=radio]")
    for number in range(radios.count()):
        box = radios.nth(number).bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size[1], number
    radios.nth(0).focus()
    phases = [phase.id for phase in data.scenario.phases]
    for number, phase in enumerate(phases):
        if number:
            page.keyboard.press("ArrowRight")
            settle(page)
        assert page.evaluate("() => PostureMap.maps[0].pmPhase()") == phase
        assert radios.nth(number).is_checked()
        # Only this phase's shading, sites, movements and labels are on the map.
        shown = page.evaluate(
            "() => PostureMap.maps[0].pmShownLayers().filter(l => l.pmPhase).map(l => l.pmPhase)"
        )
        assert shown and set(shown) == {phase}
        # Exactly this phase's movements, and the timeline marks this phase's events.
        assert page.evaluate(MOVEMENTS_SHOWN)[0] == movement_names(data, phase)
        current = page.locator(".pm-timeline li.pm-current")
        marked = {
            page.locator(".pm-timeline li.pm-current").nth(i).get_attribute("data-phase")
            for i in range(current.count())
        }
        assert marked <= {phase}
        for view in page.evaluate(LABEL_BOXES):
            for first, label in enumerate(view["labels"]):
                assert not any(intersect(label, other) for other in view["labels"][first + 1 :])
    assert errors == []
    page.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("which", ["niger", "forty"])
def test_compare_at_every_size(browser, scenarios, prepared, which, size):
    data = prepared[which]
    page, errors, requests = open_sized(browser, scenarios[which] / "compare.html", size)
    check_page(page, errors, data, index=False)
    assert requests == []
    first, last = data.scenario.phases[0].id, data.scenario.phases[-1].id
    assert page.evaluate(MOVEMENTS_SHOWN) == [movement_names(data, first), movement_names(data, last)]
    boxes = page.evaluate("() => PostureMap.maps.map(m => m.getContainer().getBoundingClientRect().toJSON())")
    if size[0] < 700:  # one above the other, the full width
        assert boxes[1]["top"] >= boxes[0]["bottom"] - 1
        assert boxes[0]["width"] == boxes[1]["width"] == size[0]
    else:
        assert boxes[1]["left"] >= boxes[0]["right"] - 1
        assert boxes[0]["top"] == boxes[1]["top"]
    # Still synced.
    page.evaluate("() => { PostureMap.maps[0].setView([14, 5], 6, {animate: false}); }")
    views = page.evaluate("() => PostureMap.maps.map(m => [m.getZoom(), m.getCenter().lat.toFixed(3)])")
    assert views[0] == views[1]
    assert errors == []
    page.close()


def test_far_ends_are_named_arrows_and_not_fitted(browser, niger_output, niger_data):
    """The US withdrawal and the Russian arrival end far outside the area: the first
    view stays on the Sahel, and each line is a short arrow named at its cut."""
    page, errors, _ = open_sized(browser, niger_output / "index.html", (1024, 768))
    bounds = page.evaluate("() => PostureMap.maps[0].getBounds().toBBoxString().split(',').map(Number)")
    west, _south, east, north = bounds
    assert west > -30 and east < 45 and north < 40  # neither the Americas nor Russia
    texts = {}
    for phase in ("withdrawal-ordered", "after-withdrawal"):
        page.check(f".pm-phases input[value={phase}]")
        page.wait_for_timeout(250)  # Leaflet fades the last phase's labels out over 200 ms
        texts[phase] = page.locator(".pm-far-label:visible").all_inner_texts()
    assert texts == {"withdrawal-ordered": ["from Russia"], "after-withdrawal": ["to United States"]}
    assert errors == []
    page.close()


def test_phase_in_the_address_opens_it_and_follows_the_reader(browser, niger_output):
    page, errors, _ = open_sized(
        browser, niger_output / "index.html", (1024, 768), query="?phase=after-withdrawal"
    )
    assert page.evaluate("() => PostureMap.maps[0].pmPhase()") == "after-withdrawal"
    assert page.locator(".pm-phases input[value=after-withdrawal]").is_checked()
    page.check(".pm-phases input[value=withdrawal-ordered]")
    assert page.evaluate("() => new URLSearchParams(location.search).get('phase')") == "withdrawal-ordered"
    page.close()
    page, errors, _ = open_sized(browser, niger_output / "index.html", (1024, 768), query="?phase=no-such")
    assert page.evaluate("() => PostureMap.maps[0].pmPhase()") == "before-coup"
    assert errors == []
    page.close()


def test_embedded_in_a_frame_that_has_no_height_yet(browser, niger_output, niger_data, tmp_path):
    """The README's iframe, first at height 0 (still loading), then 450 px tall."""
    host = niger_output / "embed-test.html"
    host.write_text(
        '<!DOCTYPE html><html><body style="margin:0"><iframe id="f" src="index.html" title="map" '
        'style="width:700px;height:0;border:0"></iframe></body></html>',
        encoding="utf-8",
    )
    try:
        page = browser.new_page(viewport={"width": 760, "height": 600})
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(host.resolve().as_uri())
        frame = page.frame_locator("#f")
        frame.locator(".pm-phases").wait_for(state="attached")
        inner = page.frames[1]
        inner.wait_for_function("() => window.PostureMap && PostureMap.maps.length > 0")
        view = inner.evaluate("() => [PostureMap.maps[0].getCenter().lat, PostureMap.maps[0].getZoom()]")
        assert all(value == value for value in view)  # no NaN
        page.evaluate("() => { document.getElementById('f').style.height = '450px'; }")
        page.wait_for_timeout(300)
        maps = inner.evaluate(SITES_ON_SCREEN)
        for point in maps[0]["points"]:
            assert point["inMap"], point
        # The page fills its frame.
        fill = inner.evaluate(
            "() => [document.documentElement.clientHeight,"
            " PostureMap.maps[0].getContainer().getBoundingClientRect().bottom]"
        )
        assert abs(fill[0] - fill[1]) <= 1
        assert errors == []
        page.close()
    finally:
        host.unlink()


def test_touch_targets_and_popups_fit_a_phone(browser, niger_output, niger_data):
    page, errors, _ = open_sized(browser, niger_output / "index.html", (320, 568))
    page.check(".pm-phases input[value=after-withdrawal]")
    settle(page)
    # The smallest circle answers a tap 11 px from its centre (a 24 px target).
    x, y = page.evaluate("""() => { const map = PostureMap.maps[0];
        const layer = map.pmShownLayers().flatMap(g => g.getLayers())
            .find(l => l instanceof PostureMap.SitesLayer);
        let best = 0;
        for (let i = 0; i < layer.siteCount(); i++) if (layer._d.r[i] < layer._d.r[best]) best = i;
        const p = map.latLngToContainerPoint([layer._d.lat[best], layer._d.lon[best]]);
        const box = map.getContainer().getBoundingClientRect(); return [box.left + p.x, box.top + p.y]; }""")
    page.mouse.click(x, y + 11)
    popup = page.locator(".leaflet-popup")
    popup.wait_for()
    page.wait_for_timeout(400)  # the map pans the popup into view, animated
    box = popup.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    assert box["y"] >= 0 and box["y"] + box["height"] <= 568
    close = page.locator(".leaflet-popup-close-button")
    close_box = close.bounding_box()
    assert close_box["width"] >= 24 and close_box["height"] >= 24
    close.click()
    page.locator(".leaflet-popup").wait_for(state="detached")
    # Form controls are at least 24 px tall.
    for selector in (".pm-phase", ".pm-toggle", ".pm-side summary"):
        for number in range(page.locator(selector).count()):
            element = page.locator(selector).nth(number)
            if element.is_visible():
                assert element.bounding_box()["height"] >= 24, selector
    assert errors == []
    page.close()


def test_the_table_of_sites_is_text_for_every_phase(browser, niger_output, niger_data):
    page, errors, _ = open_sized(browser, niger_output / "index.html", (1024, 768))
    tables = page.locator(".pm-table table")
    assert tables.count() == len(niger_data.scenario.phases)
    for number, phase in enumerate(niger_data.scenario.phases):
        table = tables.nth(number)
        assert table.get_attribute("data-phase") == phase.id
        rows = table.locator("tbody tr")
        assert rows.count() == int((niger_data.sites["phase"] == phase.id).sum())
    chad = page.locator(".pm-table table[data-phase=withdrawal-ordered] tr", has_text="Chad").inner_text()
    assert "approximately 100" in chad and "90–110" in chad and "Niger's junta orders US troops out" in chad
    # Withdrawn reads "withdrawn", never "size not reported".
    for row in page.locator(".pm-table tbody tr", has_text="withdrawn").all_inner_texts():
        assert "size not reported" not in row
    # Reached by the accessibility tree, as a table named by its caption.
    first = niger_data.scenario.phases[0]
    count = int((niger_data.sites["phase"] == first.id).sum())
    assert count == 3  # US in Niger and at Air Base 201, France in Niger
    assert (
        page.get_by_role("table", name=f"{first.label} ({first.date.isoformat()}): {count} sites").count()
        == 1
    )
    assert errors == []
    page.close()


def test_layer_toggles_are_labelled_checkboxes(browser, niger_output):
    page, errors, _ = open_sized(browser, niger_output / "index.html", (1024, 768))
    page.check(".pm-phases input[value=after-withdrawal]")
    movements = page.get_by_role("checkbox", name="Movements")
    assert movements.is_checked()
    movements.focus()
    page.keyboard.press("Space")
    assert not movements.is_checked()
    assert page.evaluate(MOVEMENTS_SHOWN) == [[]]
    page.keyboard.press("Space")
    assert page.evaluate(MOVEMENTS_SHOWN) == [["Air Base 201, near Agadez → United States"]]
    assert errors == []
    page.close()


CONTRAST = """() => {
    const rgba = text => { const v = text.match(/[\\d.]+/g).map(Number);
        return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1]; };
    const lum = ([r, g, b]) => {
        const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
    const over = (top, under) => top.slice(0, 3).map((c, i) => c * top[3] + under[i] * (1 - top[3]));
    const background = el => { const layers = [];
        for (let node = el; node; node = node.parentElement) {
            const c = rgba(getComputedStyle(node).backgroundColor); if (c[3] > 0) layers.push(c);
            if (c[3] >= 1) break; }
        return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255]); };
    const worst = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!node.textContent.trim() || !el.getClientRects().length) continue;
        if (el.closest(".leaflet-control-attribution")) continue;
        const style = getComputedStyle(el);
        if (style.visibility === "hidden" || style.display === "none") continue;
        const fg = over(rgba(style.color), background(el)), bg = background(el);
        const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
        const ratio = (a + 0.05) / (b + 0.05);
        if (ratio < 4.5) worst.push([node.textContent.trim().slice(0, 40), ratio]);
    }
    return worst;
}"""


@pytest.mark.parametrize("name", ["index.html", "compare.html"])
def test_text_contrast_is_at_least_4_5(browser, niger_output, name):
    page, errors, _ = open_sized(browser, niger_output / name, (1440, 900))
    page.evaluate("() => { for (const d of document.querySelectorAll('details')) d.open = true; }")
    if name == "index.html":  # a highlighted timeline entry too
        page.check(".pm-phases input[value=withdrawal-ordered]")
    settle(page)
    assert page.evaluate(CONTRAST) == []
    assert errors == []
    page.close()


def test_print_puts_map_and_key_on_one_a4_page(browser, niger_output):
    # A4 landscape less 10 mm margins: 277 x 190 mm, at 96 px per inch.
    width, height = round(277 / 25.4 * 96), round(190 / 25.4 * 96)
    page, errors, _ = open_sized(browser, niger_output / "index.html", (width, height))
    page.emulate_media(media="print")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    settle(page)
    for selector in (".folium-map", ".pm-key", ".pm-header"):
        box = page.locator(selector).bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, selector
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, selector
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    assert pdf.startswith(b"%PDF")
    assert errors == []
    page.close()


def test_a_hidden_label_still_names_its_place_on_tap(browser, forty_output):
    """Where labels would collide the smaller hides; tapping its circle names it."""
    page, errors, _ = open_sized(browser, forty_output / "index.html", (320, 568))
    hidden_points = """() => {
        const map = PostureMap.maps[0], box = map.getContainer().getBoundingClientRect(), out = [];
        for (const layer of map.pmShownLayers()) for (const label of layer.pmLabels || []) {
            const node = label.tooltip.getElement();
            if (!node.classList.contains("pm-label-hidden")) continue;
            const p = map.latLngToContainerPoint(label.tooltip.getLatLng());
            out.push([label.text, box.left + p.x, box.top + p.y]);
        }
        return out; }"""
    hidden = page.evaluate(hidden_points)
    assert hidden, "at 320 px some of the forty places must lose their label"
    for number in range(min(3, len(hidden))):
        # A popup pans the map into view: read the point again each time.
        page.evaluate("() => { PostureMap.maps[0].pmFit(); }")
        settle(page)
        name, x, y = page.evaluate(hidden_points)[number]
        page.mouse.click(x, y)
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert name in popup.inner_text()
        page.keyboard.press("Escape")
        popup.wait_for(state="detached")
    assert errors == []
    page.close()
