"""Maps at scale: posturemap against geopandas.explore on the same points, in one run.

For each N (sites; two phases, so 2N site features) this script:

1. writes a synthetic scenario (``bench/synthetic.py``);
2. builds it with posturemap in fresh processes: the page alone
   (``index.html`` from the scenario file) and the full build (all outputs);
3. builds geopandas.explore's page from the same points (read from the
   build's ``sites.geojson``), one layer per phase with the second hidden, as
   posturemap shows one phase at a time; explore gets ``tiles=None`` since
   posturemap's page has no tiles either;
4. opens each page in headless Chromium and takes the time from navigation
   until the first frame after every site of the shown phase is on the map,
   checking that count.

explore's page loads Leaflet from a CDN; the browser is served the same
Leaflet 1.9.3 from XStatic-Leaflet instead, and its other CDN files
(jQuery, Bootstrap, icon fonts) as empty files, which only helps explore.
Peak memory is each build process's peak resident set (VmHWM).

    python bench/maps.py                # N = 100, 10,000, 100,000
    python bench/maps.py --sizes 100 1000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import peak_mb  # noqa: E402
from synthetic import write_scenario  # noqa: E402

RESULTS = HERE / "results"
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


# --- builds, each in a fresh process ---------------------------------------------------


def child_page(scenario: str, out: str) -> dict:
    started = time.perf_counter()
    from posturemap.build import prepare
    from posturemap.layers.page import posture_map

    posture_map(prepare(scenario)).save(out)
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb()}


def child_build(scenario: str, out: str) -> dict:
    started = time.perf_counter()
    from posturemap.build import build

    build(scenario, out)
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb()}


def child_explore(sites_geojson: str, out: str) -> dict:
    started = time.perf_counter()
    import folium
    import geopandas as gpd

    sites = gpd.read_file(sites_geojson)
    for column in ("sources", "figures"):
        sites[column] = sites[column].map(lambda value: "; ".join(map(str, value)))
    phases = list(dict.fromkeys(sites["phase"]))
    fmap = None
    for number, phase in enumerate(phases):
        fmap = sites[sites["phase"] == phase].explore(
            m=fmap, tiles=None, name=phase, show=number == 0, color="#1f77b4"
        )
    folium.LayerControl().add_to(fmap)
    fmap.save(out)
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb()}


CHILDREN = {"page": child_page, "build": child_build, "explore": child_explore}


def run_child(kind: str, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", kind, *args], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{kind} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- drawing in Chromium ---------------------------------------------------------------

COUNT_DRAWN = """() => {
  const maps = Object.values(window).filter(v => v instanceof L.Map);
  let drawn = 0;
  for (const map of maps) {
    for (const layer of Object.values(map._layers)) {
      if (layer instanceof L.CircleMarker) drawn += 1;
      else if (typeof layer.drawnCount === "function") drawn += layer.drawnCount();
    }
  }
  return drawn;
}"""

FIRST_FRAME = (
    "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"
)


def draw_seconds(browser, page_path: Path, expected: int) -> dict:
    from xstatic.pkg import leaflet

    assets = Path(leaflet.BASE_DIR)
    page = browser.new_page(viewport={"width": 1400, "height": 850})
    page.set_default_timeout(600_000)

    def route(request_route):
        url = request_route.request.url
        if url.startswith("file://"):
            request_route.continue_()
        elif url.split("?")[0].endswith("leaflet.js"):
            request_route.fulfill(path=assets / "leaflet.js", content_type="application/javascript")
        elif url.split("?")[0].endswith("leaflet.css"):
            request_route.fulfill(path=assets / "leaflet.css", content_type="text/css")
        else:
            request_route.fulfill(status=200, body="")

    page.route("**/*", route)
    page.goto(page_path.resolve().as_uri(), wait_until="load")
    frame_ms = page.evaluate(FIRST_FRAME)
    drawn = page.evaluate(COUNT_DRAWN)
    page.close()
    return {"seconds": frame_ms / 1000, "drawn": drawn, "expected": expected}


def measure(sizes: list[int], work: Path) -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for sites in sizes:
            folder = work / str(sites)
            folder.mkdir()
            scenario = write_scenario(folder / "scenario.yaml", sites)
            features = 2 * sites
            print(f"N = {sites:,}: building", file=sys.stderr, flush=True)
            page = run_child("page", str(scenario), str(folder / "page.html"))
            full = run_child("build", str(scenario), str(folder / "output"))
            explore = run_child(
                "explore", str(folder / "output" / "geojson" / "sites.geojson"), str(folder / "explore.html")
            )
            print(f"N = {sites:,}: drawing", file=sys.stderr, flush=True)
            ours = draw_seconds(browser, folder / "output" / "index.html", sites)
            theirs = draw_seconds(browser, folder / "explore.html", sites)
            row = {
                "sites": sites,
                "features": features,
                "posturemap": {
                    "page_build_s": page["seconds"],
                    "full_build_s": full["seconds"],
                    "peak_mb": max(page["peak_mb"], full["peak_mb"]),
                    "html_bytes": (folder / "output" / "index.html").stat().st_size,
                    "draw": ours,
                },
                "explore": {
                    "page_build_s": explore["seconds"],
                    "peak_mb": explore["peak_mb"],
                    "html_bytes": (folder / "explore.html").stat().st_size,
                    "draw": theirs,
                },
            }
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
        browser.close()
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| sites (features) | tool | page build (s) | full build (s) | HTML bytes per feature "
        "| drawn in Chromium (s) | sites drawn | peak memory (MB) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        for tool in ("posturemap", "explore"):
            result = row[tool]
            draw = result["draw"]
            full = f"{result['full_build_s']:.2f}" if "full_build_s" in result else "n/a"
            lines.append(
                f"| {row['sites']:,} ({row['features']:,}) | {tool} | "
                f"{result['page_build_s']:.2f} | {full} | "
                f"{result['html_bytes'] / row['features']:,.0f} | {draw['seconds']:.2f} | "
                f"{draw['drawn']:,} of {draw['expected']:,} | {result['peak_mb']:.0f} |"
            )
        ours, theirs = row["posturemap"], row["explore"]
        lines.append(
            f"| {row['sites']:,} | **posturemap ÷ explore** | "
            f"{ours['page_build_s'] / theirs['page_build_s']:.2f} | "
            f"| {ours['html_bytes'] / theirs['html_bytes']:.2f} | "
            f"{ours['draw']['seconds'] / theirs['draw']['seconds']:.2f} | | "
            f"{ours['peak_mb'] / theirs['peak_mb']:.2f} |"
        )
    return "\n".join(lines)


def cold_start() -> dict:
    """Niger build against importing its dependencies, each in a fresh process, best of 3."""
    imports = "import geopandas, folium, shapely, geopy, pyogrio, matplotlib.pyplot, yaml"
    scenario = HERE.parent / "data" / "niger.yaml"

    def best(code: str) -> float:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
            times.append(time.perf_counter() - started)
        return min(times)

    with tempfile.TemporaryDirectory() as out:
        build = best(f"from posturemap.build import build; build({str(scenario)!r}, {out + '/o'!r})")
    return {"imports_s": best(imports), "niger_build_s": build}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10_000, 100_000])
    parser.add_argument("--child", nargs=3, metavar=("KIND", "INPUT", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, source, out = args.child
        print(json.dumps(CHILDREN[kind](source, out)))
        return
    with tempfile.TemporaryDirectory() as work:
        rows = measure(args.sizes, Path(work))
    start = cold_start()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "maps.json").write_text(
        json.dumps({"sizes": rows, "cold_start": start}, indent=2) + "\n", encoding="utf-8"
    )
    print(table(rows))
    print()
    print(
        f"Cold start (fresh process, best of 3): importing posturemap's dependencies "
        f"{start['imports_s']:.2f} s; `build` of data/niger.yaml {start['niger_build_s']:.2f} s "
        f"({start['niger_build_s'] - start['imports_s']:+.2f} s)."
    )


if __name__ == "__main__":
    main()
