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
