"""Scenario text is data: no template, format string, mathtext or script evaluates it.

The free-text fields come from the format's own definition
(:func:`posturemap.geo.scenario.text_fields`), so a field added later is
covered here without editing this file.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from posturemap.build import build, prepare
from posturemap.geo.scenario import load_scenario, text_fields

from .test_pages import open_page

#: A valid scenario with one record in every section and every optional text
#: key present, so each free-text field has somewhere to go.
BASE: dict = {
    "title": "Base",
    "description": "Base description",
    "phases": [
        {"id": "before", "label": "Before", "date": "2024-01-01"},
        {"id": "after", "label": "After", "date": "2024-06-01"},
    ],
    "actors": [{"id": "us", "name": "United States"}],
    "sources": [
        {"id": "report", "title": "A report", "publisher": "A publisher", "url": "https://example.org/r"}
    ],
    "places": [
        {"id": "niamey", "name": "Niamey", "query": "Niamey", "lat": 13.51, "lon": 2.11, "country": "NE"},
        {"id": "agadez", "name": "Agadez", "query": "Agadez", "lat": 16.97, "lon": 7.99, "country": "NE"},
    ],
    "deployments": [
        {
            "actor": "us",
            "place": "niamey",
            "phase": "before",
            "personnel": "about 1,000",
            "sources": ["report#2"],
        },
        {"actor": "us", "place": "agadez", "phase": "before", "personnel": 100, "sources": ["report"]},
        {
            "actor": "us",
            "place": "niamey",
            "phase": "after",
            "personnel": 0,
            "status": "withdrawn",
            "sources": ["report"],
        },
    ],
    "movements": [
        {
            "actor": "us",
            "from": "agadez",
            "to": "niamey",
            "phase": "after",
            "kind": "relocation",
            "sources": ["report"],
        },
    ],
    "events": [{"date": "2024-03-16", "place": "niamey", "text": "An event", "sources": ["report#3"]}],
    "regions": [{"id": "sahel", "name": "Sahel band", "builtin": "sahel"}],
}

#: Would create a folder named by $PM_CANARY if any template engine evaluated it.
CANARY = "{{ cycler.__init__.__globals__.os.makedirs(cycler.__init__.__globals__.os.environ.PM_CANARY) }}"
#: The same with a quoted argument (once a TemplateSyntaxError in a second pass).
QUOTED = "{{ lipsum.__globals__['os'].makedirs(lipsum.__globals__['os'].environ['PM_CANARY']) }}"
TRICKS = (
    "{{ 7*7 }} {% raw %} {# c #} ${x} `${y}` %s %(k)s {0} {} \\ \\n \" ' </script> <!-- "
    "<b>b</b> &amp; $\\frac{1}{2}$ $\\undefinedmacro$ \u2028 \u2029 end"
)


def fill(values) -> dict:
    """BASE with every free-text field of every record set to ``values(section, key, index)``."""
    scenario = copy.deepcopy(BASE)
    for section, keys in text_fields().items():
        if section and section not in scenario:
            pytest.fail(f"add a `{section}` record to BASE so its text fields are tested")
        records = [scenario] if not section else scenario[section]
        for index, record in enumerate(records):
            for key in keys:
                record[key] = values(section, key, index)
    return scenario


def write(scenario: dict, path: Path) -> Path:
    # Non-ASCII written as escapes: YAML 1.1 reads a raw U+0085 or U+2028 as a line break.
    path.write_text(yaml.safe_dump(scenario, allow_unicode=False, sort_keys=False), encoding="utf-8")
    return path


def payload(section: str, key: str, index: int) -> str:
    tag = f"[{section or 'top'}.{key}.{index}]"
    return f"{tag} {CANARY} {QUOTED} {TRICKS} {tag}"


def expected_texts(scenario: dict) -> dict[str, str]:
    """Every free-text value of a filled scenario, by a readable field path."""
    texts = {}
    for section, keys in text_fields().items():
        records = [scenario] if not section else scenario[section]
        for index, record in enumerate(records):
            for key in keys:
                texts[f"{section}[{index}].{key}" if section else key] = record[key].strip()
    return texts


def geojson_strings(folder: Path) -> set[str]:
    """Every string property value (list items included) in every GeoJSON file."""
    found = set()
    for path in (folder / "geojson").glob("*.geojson"):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            for value in feature["properties"].values():
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, str):
                        found.add(item)
    return found


class _PageText(HTMLParser):
    """Text nodes of a page, and the JSON it embeds (data elements and the context)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False
        self._chunks: list[str] = []  # the parser may hand one text node over in pieces

    def _flush(self):
        if self._chunks:
            (self.scripts if self._in_script else self.texts).append("".join(self._chunks))
            self._chunks = []

    def handle_starttag(self, tag, attrs):
        self._flush()
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._flush()
        self._in_script = False

    def handle_data(self, data):
        self._chunks.append(data)


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def page_strings(path: Path) -> set[str]:
    """Text nodes and embedded JSON strings of a built page, read without a browser."""
    parser = _PageText()
    with path.open(encoding="utf-8", newline="") as page:  # keep a "\r" as written
        parser.feed(page.read())
    parser.close()
    found = {text.strip() for text in parser.texts}
    for script in parser.scripts:
        stripped = script.strip()
        if stripped.startswith("{"):  # a <script type="application/json"> layer
            found.update(_strings(json.loads(stripped)))
        for match in re.finditer(r"var pm_context_\w+ = (\{.*\});\n", script):
            found.update(_strings(json.loads(match.group(1))))
    return found


def test_text_fields_come_from_the_format():
    fields = text_fields()
    assert fields[""] == ("title", "description")
    assert "label" in fields["phases"] and "note" in fields["deployments"] and "text" in fields["events"]
    # Ids, references and choices are checked against patterns, so they are not free text.
    assert "id" not in fields["places"] and "kind" not in fields["places"]


def test_no_template_is_compiled_from_scenario_text(tmp_path, monkeypatch):
    """Watch Jinja itself: no source it compiles while pages are built holds scenario text."""
    from posturemap.layers.page import compare_page, posture_map

    scenario = fill(lambda section, key, index: f"SENTINEL-{section}-{key}-{index} {TRICKS}")
    data = prepare(write(scenario, tmp_path / "s.yaml"))
    compiled: list[str] = []
    original = jinja2.Environment.from_string

    def from_string(self, source, *args, **kwargs):
        compiled.append(source if isinstance(source, str) else "")
        return original(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "from_string", from_string)
    index_html = posture_map(data).get_root().render()
    compare_html = compare_page(data).render()
    assert compiled, "the watch saw no template at all; it watches the wrong function"
    assert not [source[:80] for source in compiled if "SENTINEL-" in source]
    assert "SENTINEL-" in index_html and "SENTINEL-" in compare_html
    assert "{{ 7*7 }}" in index_html and "{{ 7*7 }}" in compare_html


def test_every_element_of_a_page_renders_literally(niger_data):
    """Each element on a page renders through posturemap.layers.literal, so a folium
    element added later cannot bring back the second template pass unnoticed."""
    from branca.element import MacroElement

    from posturemap.layers.literal import LiteralMacro, Markup
    from posturemap.layers.page import compare_page, posture_map

    for figure in (posture_map(niger_data).get_root(), compare_page(niger_data)):
        figure.render()
        stack = list(figure._children.values())
        while stack:
            element = stack.pop()
            stack.extend(element._children.values())
            if isinstance(element, MacroElement) and type(element).render is not MacroElement.render:
                assert isinstance(element, LiteralMacro), type(element).__name__
        for part in (figure.header, figure.html, figure.script):
            for name, element in part._children.items():
                if isinstance(element, Markup):
                    continue
                # Only branca's own constant charset tag, made before any scenario is read.
                assert name == "meta_http", name


@pytest.mark.browser
def test_payloads_in_every_text_field_never_run(browser, tmp_path):
    """A shared scenario with template, format-string, script and mathtext payloads in
    every free-text field: the real command builds it, nothing runs, all shows literally."""
    canary = tmp_path / "canary"
    scenario = fill(payload)
    path = write(scenario, tmp_path / "shared.yaml")
    assert {key: value for key, value in expected_texts(scenario).items()} == {
        key: value for key, value in expected_texts(_as_loaded(path)).items()
    }, "the YAML reader changed the text"
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "posturemap", "build", str(path), "--out", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "PM_CANARY": str(canary)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert not canary.exists(), "scenario text ran as code during the build"

    shown = {"geojson": geojson_strings(out)}
    for name in ("index.html", "compare.html"):
        shown[name] = set(_browser_texts(browser, out / name))
    assert not canary.exists()
    expected = expected_texts(scenario)
    for field_path, value in expected.items():
        places = [where for where, texts in shown.items() if any(value in text for text in texts)]
        assert places, f"{field_path} is shown nowhere literally"
    # The fields the pages show, field by field, as a reader would check them.
    index_text = "\n".join(shown["index.html"])
    for field_path in ("title", "description", "phases[0].label", "actors[0].name", "places[0].name"):
        assert expected[field_path] in index_text, field_path
    for field_path in ("sources[0].title", "sources[0].publisher", "deployments[0].note", "events[0].text"):
        assert expected[field_path] in index_text, field_path
    compare_text = "\n".join(shown["compare.html"])
    for field_path in ("phases[0].label", "phases[1].label", "actors[0].name", "regions[0].name"):
        assert expected[field_path] in compare_text, field_path
    sites = json.loads((out / "geojson" / "sites.geojson").read_text(encoding="utf-8"))
    first = sites["features"][0]["properties"]
    assert first["name"] == expected["places[0].name"]
    assert first["note"] == expected["deployments[0].note"]
    assert first["phase_label"] == expected["phases[0].label"]


def _as_loaded(path: Path) -> dict:
    """The scenario as posturemap reads it, in BASE's shape, for the round-trip check."""
    loaded = load_scenario(path)
    shape = fill(lambda section, key, index: "")
    for section, keys in text_fields().items():
        records = [loaded] if not section else list(getattr(loaded, section))
        targets = [shape] if not section else shape[section]
        for record, target in zip(records, targets, strict=True):
            for key in keys:
                target[key] = getattr(record, key) or ""
    return shape


def _browser_texts(browser, page_path: Path) -> list[str]:
    """What a reader can see: the page text, and every popup and tooltip it can open."""
    page, errors, requests = open_page(browser, page_path)
    try:
        texts = page.evaluate("""() => {
            // A reader can open every collapsible part (description, key, timeline).
            for (const details of document.querySelectorAll("details")) details.open = true;
            const out = [document.title, document.body.innerText];
            const content = (holder, layer) => {
                const c = holder._content;
                const node = typeof c === "function" ? c(layer) : c;
                return node && node.textContent !== undefined ? node.textContent : String(node);
            };
            for (const value of Object.values(window)) {
                if (!(value instanceof L.FeatureGroup)) continue;
                const visit = (layer) => {
                    if (layer instanceof L.FeatureGroup) { layer.eachLayer(visit); return; }
                    if (layer instanceof PostureMap.SitesLayer) {
                        for (let i = 0; i < layer.siteCount(); i++) {
                            out.push(PostureMap.sitePopup(layer._d, i, layer._ctx).textContent);
                        }
                    }
                    if (layer.getPopup && layer.getPopup()) out.push(content(layer.getPopup(), layer));
                    if (layer.getTooltip && layer.getTooltip()) out.push(content(layer.getTooltip(), layer));
                };
                value.eachLayer(visit);
            }
            return out;
        }""")
        assert errors == [], errors
        assert requests == [], requests
    finally:
        page.close()
    return texts


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),  # lone surrogates are not text
    min_size=1,
    max_size=30,
).filter(lambda value: value.strip())
_NASTY = st.sampled_from(["{{", "{%", "}}", "%}", "{#", '"', "'", "\\", "</script>", "\u2028", "<!--", "${"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_text_in_any_field_comes_back_unchanged(tmp_path_factory, data):
    """Arbitrary text (with template and script delimiters mixed in) in every field:
    the build succeeds and the text comes back unchanged through GeoJSON and the pages."""
    folder = tmp_path_factory.mktemp("fuzz")

    def draw(section: str, key: str, index: int) -> str:
        head, tail = data.draw(_TEXT), data.draw(_TEXT)
        return f"{head}{data.draw(_NASTY)}{tail}"

    scenario = fill(draw)
    out = folder / "out"
    build(write(scenario, folder / "s.yaml"), out)
    carried = geojson_strings(out) | page_strings(out / "index.html") | page_strings(out / "compare.html")
    for field_path, value in expected_texts(scenario).items():
        assert value in carried, f"{field_path}: {value!r} did not come back unchanged"


def test_terminal_output_shows_control_characters_as_escapes(tmp_path, capsys):
    """An escape sequence in a name must not recolour or clear the reader's terminal."""
    from posturemap.cli import main

    scenario = copy.deepcopy(BASE)
    scenario["places"][0]["name"] = "Niamey\x1b[2J\x1b[31m"
    scenario["actors"][0]["name"] = "US\rspoofed\u202e"
    path = write(scenario, tmp_path / "s.yaml")
    assert main(["diff", str(path)]) == 0
    output = capsys.readouterr().out
    assert "\x1b" not in output and "\r" not in output and "\u202e" not in output
    assert "Niamey\\x1b[2J\\x1b[31m" in output and "US\\rspoofed\\u202e" in output

    scenario["deployments"][0]["place"] = "nowhere\x1b[2J"
    write(scenario, path)
    assert main(["validate", "--no-geocode", str(path)]) == 2
    errors = capsys.readouterr().err
    assert "\x1b" not in errors and "nowhere\\x1b[2J" in errors


def test_tile_attribution_keeps_only_text_and_http_links():
    from posturemap.layers.elements import safe_attribution

    hostile = (
        '&copy; <a href="https://osm.org/copyright" onclick="x()">OSM</a> '
        '<a href="javascript:alert(1)">js</a><img src=x onerror=alert(1)><script>alert(2)</script>{{ 7*7 }}'
    )
    assert safe_attribution(hostile) == (
        '© <a href="https://osm.org/copyright" target="_blank" rel="noopener noreferrer">OSM</a> js{{ 7*7 }}'
    )


def test_static_map_draws_dollar_signs_as_text(tmp_path):
    """Mathtext would typeset `$x^2$` and fail on an unknown macro; the PNG keeps the text."""
    from posturemap.layers.static import static_map

    scenario = copy.deepcopy(BASE)
    scenario["title"] = "Cost $\\undefinedmacro{x}$ and $x^2$"
    scenario["places"][0]["name"] = "$\\frac{1}{2}$ Niamey"
    data = prepare(write(scenario, tmp_path / "s.yaml"))
    static_map(data, tmp_path / "map.png")
    assert (tmp_path / "map.png").stat().st_size > 0


def test_tiles_replace_the_offline_basemap_and_keep_a_clean_attribution(niger_data):
    """With --tiles the page loads the tiles (and only then uses the network); the
    basemap's opaque land would hide them, so it is left out."""
    from posturemap.layers.page import Tiles, posture_map

    tiles = Tiles(
        "https://tiles.example.org/{z}/{x}/{y}.png",
        '&copy; <a href="https://example.org">Example</a><img src=x onerror=alert(1)>',
        "Example.Tiles",
    )
    with_tiles = posture_map(niger_data, tiles=tiles).get_root().render()
    assert "https://tiles.example.org/{z}/{x}/{y}.png" in with_tiles
    assert "alert(1)" not in with_tiles and "img src=x" not in with_tiles
    assert "https://example.org" in with_tiles  # the attribution's link is kept
    assert "PostureMap.addBasemap(" not in with_tiles
    assert "PostureMap.addBasemap(" in posture_map(niger_data).get_root().render()
