"""Maps at scale: posturemap against geopandas.explore on the same points, in one run.

For each N (sites; two phases, so 2N site features) this script:

1. writes a synthetic scenario (``bench/synthetic.py``), as YAML and, with
   its places and deployments as CSV tables, as the bulk path;
2. builds it with posturemap in fresh processes: the page alone
   (``index.html`` from the scenario file) and the full build (all outputs),
   from the YAML and from the tables;
3. builds geopandas.explore's page from the same points (read from the
   build's ``sites.geojson``), one layer per phase with the second hidden, as
   posturemap shows one phase at a time; explore gets ``tiles=None`` since
   posturemap's page has no tiles either;
4. opens each page in headless Chromium and takes the time from navigation
   until the first frame after every site of the shown phase is on the map,
   checking that count: five times each in one warmed browser, alternating
   which page goes first, and reports the median (range in brackets).

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
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import peak_mb  # noqa: E402
from synthetic import write_scenario, write_tables  # noqa: E402

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
    import resource

    started = time.perf_counter()
    from posturemap.build import build

    build(scenario, out)
    # The second process (forked: its resident set includes the pages it
    # shares with this one) is reported on its own, not added.
    second_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "second_peak_mb": second_mb}


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


#: Draws of each page, alternating which goes first; the median is reported.
DRAWS = 5


def draw_both(browser, ours_path: Path, theirs_path: Path, expected: int) -> tuple[dict, dict]:
    """Each page drawn :data:`DRAWS` times in one warm browser, alternating which goes first.

    The first page a fresh browser opens pays for warming it up, so a single
    draw of each, always in the same order, favoured the page drawn second by
    about 0.1 s.  The browser is warmed first by drawing each page once,
    unmeasured.
    """
    draw_seconds(browser, ours_path, expected)
    draw_seconds(browser, theirs_path, expected)
    ours, theirs = [], []
    for number in range(DRAWS):
        pair = [(ours, ours_path), (theirs, theirs_path)]
        for times, path in pair if number % 2 == 0 else reversed(pair):
            times.append(draw_seconds(browser, path, expected))

    def summary(draws: list[dict]) -> dict:
        seconds = sorted(draw["seconds"] for draw in draws)
        return {
            "seconds": statistics.median(seconds),
            "range_s": [seconds[0], seconds[-1]],
            "drawn": min(draw["drawn"] for draw in draws),
            "expected": expected,
        }

    return summary(ours), summary(theirs)


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
            (folder / "tables").mkdir()
            tables = write_tables(folder / "tables" / "scenario.yaml", sites)
            page = run_child("page", str(scenario), str(folder / "page.html"))
            full = run_child("build", str(scenario), str(folder / "output"))
            full_csv = run_child("build", str(tables), str(folder / "output-csv"))
            explore = run_child(
                "explore", str(folder / "output" / "geojson" / "sites.geojson"), str(folder / "explore.html")
            )
            print(f"N = {sites:,}: drawing", file=sys.stderr, flush=True)
            ours, theirs = draw_both(
                browser, folder / "output" / "index.html", folder / "explore.html", sites
            )
            row = {
                "sites": sites,
                "features": features,
                "posturemap": {
                    "page_build_s": page["seconds"],
                    "full_build_s": full["seconds"],
                    "full_build_csv_s": full_csv["seconds"],
                    "peak_mb": max(page["peak_mb"], full["peak_mb"]),
                    "full_build_peak_mb": full["peak_mb"],
                    "full_build_csv_peak_mb": full_csv["peak_mb"],
                    "full_build_second_peak_mb": full["second_peak_mb"],
                    "full_build_csv_second_peak_mb": full_csv["second_peak_mb"],
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
        "| drawn in Chromium (s, median of 5 [range]) | sites drawn | peak memory (MB) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    targets = []
    for row in rows:
        for tool in ("posturemap", "explore"):
            result = row[tool]
            draw = result["draw"]
            full = f"{result['full_build_s']:.2f}" if "full_build_s" in result else "n/a"
            lines.append(
                f"| {row['sites']:,} ({row['features']:,}) | {tool} | "
                f"{result['page_build_s']:.2f} | {full} | "
                f"{result['html_bytes'] / row['features']:,.0f} | {draw['seconds']:.2f} "
                f"{_range(draw['range_s'])} | "
                f"{draw['drawn']:,} of {draw['expected']:,} | {result['peak_mb']:.0f} |"
            )
        ours, theirs = row["posturemap"], row["explore"]
        lines.append(
            f"| {row['sites']:,} ({row['features']:,}) | posturemap, from CSV tables | | "
            f"{ours['full_build_csv_s']:.2f} | | | | {ours['full_build_csv_peak_mb']:.0f} |"
        )
        lines.append(
            f"| {row['sites']:,} | **posturemap ÷ explore** | "
            f"{ours['page_build_s'] / theirs['page_build_s']:.2f} | "
            f"| {ours['html_bytes'] / theirs['html_bytes']:.2f} | "
            f"{ours['draw']['seconds'] / theirs['draw']['seconds']:.2f} | | "
            f"{ours['peak_mb'] / theirs['peak_mb']:.2f} |"
        )
        explore_s, explore_mb = theirs["page_build_s"], theirs["peak_mb"]
        targets.append(
            f"- {row['sites']:,} sites, against explore's page build: full build from YAML "
            f"{ours['full_build_s'] / explore_s:.2f}×, from CSV {ours['full_build_csv_s'] / explore_s:.2f}×; "
            f"bytes per feature {ours['html_bytes'] / theirs['html_bytes']:.2f}×; "
            f"draw {ours['draw']['seconds'] / theirs['draw']['seconds']:.2f}×; peak memory of the full "
            f"build from YAML {ours['full_build_peak_mb'] / explore_mb:.2f}×, "
            f"from CSV {ours['full_build_csv_peak_mb'] / explore_mb:.2f}× (the second process peaked at "
            f"{ours['full_build_second_peak_mb']:.0f} and {ours['full_build_csv_second_peak_mb']:.0f} MB, "
            "counting the pages it shares with the first)"
        )
    return "\n".join([*lines, "", *targets])


def cold_start(runs: int = 5) -> dict:
    """Niger build against the import floor, each in a fresh process: medians and ranges of ``runs``.

    The floor is importing geopandas, folium, geopy, shapely and yaml alone.
    """
    imports = "import geopandas, folium, geopy, shapely, yaml"
    scenario = HERE.parent / "data" / "niger.yaml"

    def timed_command(arguments: list[str]) -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, *arguments], check=True, capture_output=True)
        return time.perf_counter() - started

    def timed(code: str) -> float:
        return timed_command(["-c", code])

    floor, build = [], []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(runs):  # alternating, so a busy moment weighs on both
            floor.append(timed(imports))
            build.append(timed_command(["-m", "posturemap", "build", str(scenario), "--out", out + "/o"]))
    return {
        "imports_s": statistics.median(floor),
        "imports_range_s": [min(floor), max(floor)],
        "niger_build_s": statistics.median(build),
        "niger_build_range_s": [min(build), max(build)],
    }


def _range(values: list[float]) -> str:
    return f"[{values[0]:.2f}–{values[1]:.2f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10_000, 100_000])
    parser.add_argument("--no-cold-start", action="store_true", help="skip the cold-start timing")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "INPUT", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, source, out = args.child
        print(json.dumps(CHILDREN[kind](source, out)))
        return
    with tempfile.TemporaryDirectory() as work:
        rows = measure(args.sizes, Path(work))
    start = {} if args.no_cold_start else cold_start()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "maps.json").write_text(
        json.dumps({"sizes": rows, "cold_start": start}, indent=2) + "\n", encoding="utf-8"
    )
    print(table(rows))
    if not start:
        return
    print()
    print(
        f"Cold start (fresh processes, medians of 5, range in brackets): importing geopandas, folium, "
        f"geopy, shapely and yaml {start['imports_s']:.2f} s {_range(start['imports_range_s'])}; "
        f"`posturemap build data/niger.yaml` {start['niger_build_s']:.2f} s "
        f"{_range(start['niger_build_range_s'])} ({start['niger_build_s'] - start['imports_s']:+.2f} s)."
    )


if __name__ == "__main__":
    main()
