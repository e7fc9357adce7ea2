"""A synthetic scenario for benchmarks: N sites across the Sahel, two phases, movements.

Every value is made up and says so; nothing here describes a real deployment.
Each site has one actor and a deployment in both phases (so N sites give 2N
site features): most change size, some are withdrawn, the rest stay put.
One movement for every 50 sites links two random sites in the second phase.

    python bench/synthetic.py 10000 > /tmp/sahel-10000.yaml

:func:`write_tables` writes the same scenario with its places and
deployments as CSV tables (the bulk path).
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

SEED = 7
# West, south, east, north: the Sahel from Senegal to Sudan.
AREA = (-17.0, 11.0, 38.0, 20.0)
ACTORS = (("blue", "#1f77b4"), ("orange", "#ff7f0e"), ("green", "#2ca02c"), ("purple", "#9467bd"))


def scenario_text(sites: int, *, seed: int = SEED) -> str:
    """The scenario as YAML text, one flow mapping per line so it stays compact."""
    rng = random.Random(seed)
    west, south, east, north = AREA
    lines = [
        f"title: Synthetic Sahel posture, {sites:,} sites",
        "description: Made-up data for benchmarks; no site, figure or source is real.",
        "phases:",
        "  - {id: before, label: Before, date: 2023-07-01}",
        "  - {id: after, label: After, date: 2024-09-15}",
        "actors:",
        *(f"  - {{id: {name}, name: Actor {name}, color: '{color}'}}" for name, color in ACTORS),
        "sources:",
        "  - {id: synthetic, title: Synthetic benchmark data}",
        "places:",
    ]
    for number in range(sites):
        lat = round(rng.uniform(south, north), 5)
        lon = round(rng.uniform(west, east), 5)
        lines.append(f"  - {{id: s{number}, name: Site {number}, lat: {lat}, lon: {lon}}}")
    lines.append("deployments:")
    for number in range(sites):
        actor = ACTORS[number % len(ACTORS)][0]
        before = rng.randrange(10, 3000)
        roll = rng.random()
        after = 0 if roll < 0.15 else before if roll < 0.3 else rng.randrange(10, 3000)
        status = "withdrawn" if after == 0 else "active"
        lines.append(
            f"  - {{actor: {actor}, place: s{number}, phase: before, personnel: 'about {before:,}', "
            f"sources: ['synthetic#{number % 40 + 1}']}}"
        )
        lines.append(
            f"  - {{actor: {actor}, place: s{number}, phase: after, personnel: {after}, status: {status}, "
            "sources: [synthetic]}"
        )
    movements = sites // 50
    if movements:
        lines.append("movements:")
        for _ in range(movements):
            origin, destination = rng.sample(range(sites), 2)
            actor = ACTORS[origin % len(ACTORS)][0]
            lines.append(
                f"  - {{actor: {actor}, from: s{origin}, to: s{destination}, phase: after, "
                "personnel: about 100, sources: [synthetic]}"
            )
    lines += ["regions:", "  - {id: sahel, name: Sahel band, builtin: sahel}", ""]
    return "\n".join(lines)


def write_scenario(path: Path, sites: int, *, seed: int = SEED) -> Path:
    path.write_text(scenario_text(sites, seed=seed), encoding="utf-8")
    return path


def write_tables(path: Path, sites: int, *, seed: int = SEED) -> Path:
    """The same scenario with ``places:`` and ``deployments:`` as CSV files beside ``path``.

    The bulk path: the YAML keeps the short sections and names the two tables,
    ``places.csv`` and ``deployments.csv``, which hold the same rows as
    :func:`scenario_text` writes, from the same random numbers.
    """
    import yaml

    document = yaml.safe_load(scenario_text(sites, seed=seed))
    folder = path.parent
    for section in ("places", "deployments"):
        rows = document[section]
        columns = list(dict.fromkeys(key for row in rows for key in row))
        table = folder / f"{section}.csv"
        with table.open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_cell(row.get(column)) for column in columns])
        document[section] = table.name
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _cell(value) -> str:
    """A CSV cell as geo/tables.py reads it: lists joined with ``;``, nothing for no value."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return str(value)


if __name__ == "__main__":
    sys.stdout.write(scenario_text(int(sys.argv[1]) if len(sys.argv) > 1 else 100))
