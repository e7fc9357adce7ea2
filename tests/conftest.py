"""Shared fixtures: scenarios, a built output folder, a real headless Chromium."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NIGER = ROOT / "data" / "niger.yaml"
CHROMIUM = os.environ.get("POSTUREMAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

MINIMAL = """\
title: Minimal
phases:
  - {id: before, label: Before, date: 2024-01-01}
  - {id: after, label: After, date: 2024-06-01}
actors:
  - {id: us, name: United States}
sources:
  - {id: report, title: A report, url: "https://example.org/report"}
places:
  - {id: niamey, name: Niamey, lat: 13.51, lon: 2.11, country: NE}
deployments:
  - {actor: us, place: niamey, phase: before, personnel: "about 1,000", sources: [report#2]}
  - {actor: us, place: niamey, phase: after, personnel: 0, status: withdrawn, sources: [report]}
"""


@pytest.fixture
def write_scenario(tmp_path):
    """Write YAML text (dedented) to a scenario file and return its path."""

    def write(text: str, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def niger_output(tmp_path_factory) -> Path:
    """The Niger scenario built once into a temporary folder."""
    from posturemap.build import build

    out = tmp_path_factory.mktemp("niger") / "output"
    build(NIGER, out)
    return out


@pytest.fixture(scope="session")
def niger_data():
    from posturemap.build import prepare

    return prepare(NIGER)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright. Missing: skip locally, fail under CI=true."""
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        message = f"Chromium not found at {CHROMIUM}; install Debian's chromium package"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def ogrinfo() -> str:
    path = shutil.which("ogrinfo")
    if path is None:
        message = "ogrinfo not found; install Debian's gdal-bin package"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


QGIS_PYTHON = os.environ.get("POSTUREMAP_QGIS_PYTHON", "/usr/bin/python3")


@pytest.fixture(scope="session")
def qgis_python() -> str:
    """A Python with QGIS's bindings. Missing: skip locally, fail under CI=true."""
    import subprocess

    found = Path(QGIS_PYTHON).exists() and (
        subprocess.run([QGIS_PYTHON, "-c", "import qgis.core"], capture_output=True, check=False).returncode
        == 0
    )
    if not found:
        message = f"{QGIS_PYTHON} cannot import qgis.core; install Debian's python3-qgis package"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return QGIS_PYTHON


#: Towns the generated scenario clusters its places around (lat, lon), in several countries.
CLUSTER_CENTRES = (
    ("Bamako", 12.64, -8.00),
    ("Gao", 16.27, -0.04),
    ("Ouagadougou", 12.37, -1.53),
    ("Niamey", 13.51, 2.11),
    ("Kano", 12.00, 8.52),
    ("N'Djamena", 12.11, 15.04),
    ("Abeche", 13.83, 20.83),
    ("Khartoum", 15.50, 32.56),
)


def forty_places_scenario(*, seed: int = 13, places: int = 40) -> str:
    """A made-up scenario: ``places`` places in clusters across several countries
    (some a few km apart), three actors, three phases with arrivals, withdrawals
    and a withdrawal to France, far outside the area. Coordinates only, no geocoding."""
    import random

    rng = random.Random(seed)
    lines = [
        "title: Generated posture, forty places",
        "description: Made-up places and figures for tests; nothing here is real.",
        "phases:",
        "  - {id: early, label: Early, date: 2022-01-01}",
        "  - {id: middle, label: Middle, date: 2023-01-01}",
        "  - {id: late, label: Late, date: 2024-01-01}",
        "actors:",
        "  - {id: blue, name: Blue force}",
        "  - {id: red, name: Red force}",
        "  - {id: green, name: Green force}",
        "sources:",
        "  - {id: made-up, title: Generated test data}",
        "places:",
        "  - {id: france, name: France, lat: 46.6, lon: 2.4, kind: country}",
    ]
    for number in range(places):
        name, lat, lon = CLUSTER_CENTRES[number % len(CLUSTER_CENTRES)]
        # Every fifth place sits within a few km of its cluster's first place.
        spread = 0.03 if number % 5 == 4 else 0.6
        lat, lon = lat + rng.uniform(-spread, spread), lon + rng.uniform(-spread, spread)
        lines.append(f"  - {{id: p{number}, name: {name} site {number}, lat: {lat:.4f}, lon: {lon:.4f}}}")
    lines.append("deployments:")
    actors = ("blue", "red", "green")
    for number in range(places):
        actor = actors[number % 3]
        for phase in ("early", "middle", "late"):
            if phase == "early" and number % 7 == 3:
                continue
            roll = rng.random()
            if phase == "late" and roll < 0.2:
                lines.append(
                    f"  - {{actor: {actor}, place: p{number}, phase: {phase}, personnel: 0, "
                    "status: withdrawn, sources: [made-up]}"
                )
            elif roll < 0.35:
                lines.append(
                    f"  - {{actor: {actor}, place: p{number}, phase: {phase}, personnel: null, "
                    "sources: [made-up]}"
                )
            else:
                figure = rng.choice(["about 100", "about 1,000", "300", "dozens", "over 2,000", "50"])
                lines.append(
                    f"  - {{actor: {actor}, place: p{number}, phase: {phase}, personnel: '{figure}', "
                    "sources: [made-up]}"
                )
    lines += [
        "movements:",
        "  - {actor: blue, from: p0, to: p5, phase: middle, kind: relocation, sources: [made-up]}",
        "  - {actor: red, from: p1, to: p13, phase: middle, kind: arrival, sources: [made-up]}",
        "  - {actor: green, from: p2, to: france, phase: late, kind: withdrawal, sources: [made-up]}",
        "  - {actor: blue, from: p3, to: p7, phase: late, kind: relocation, sources: [made-up]}",
        "",
    ]
    return "\n".join(lines)


@pytest.fixture(scope="session")
def forty_output(tmp_path_factory) -> Path:
    """The generated forty-place scenario built once."""
    from posturemap.build import build

    folder = tmp_path_factory.mktemp("forty")
    path = folder / "forty.yaml"
    path.write_text(forty_places_scenario(), encoding="utf-8")
    build(path, folder / "output")
    return folder / "output"
