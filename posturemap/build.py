"""From a scenario file to the output folder, all or nothing.

:func:`build` writes into a temporary folder beside the output and swaps it
into place only when every file was written, so a failed build leaves the
previous output exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import wait
from pathlib import Path
from typing import TYPE_CHECKING

from posturemap.geo.errors import BuildError, UnknownOutputError, printable
from posturemap.geo.settings import DEFAULT_SETTINGS, Settings
from posturemap.second import SECOND_FILES, SecondProcess

# geopandas and the geo modules load when a build needs them, so that a build's
# second process is forked before them and imports its own beside this one.
if TYPE_CHECKING:
    from geopandas import GeoDataFrame

    from posturemap.geo.join import PostureData

MARKER = ".posturemap-output"
OUTPUT_FILES = (
    "index.html",
    "compare.html",
    "map.png",
    "map.svg",
    "map.pdf",
    "posture.gpkg",
    "posture.kml",
    "summary.csv",
    "geojson/sites.geojson",
    "geojson/movements.geojson",
    "geojson/regions.geojson",
    "geojson/changes.geojson",
    "geojson/countries.geojson",
    "geojson/places.geojson",
)
#: The GIS layers, in the order of the GeoPackage.
LAYER_NAMES = ("sites", "movements", "regions", "changes", "countries", "places")


def prepare(
    path: str | Path,
    *,
    online: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
    settings: Settings = DEFAULT_SETTINGS,
) -> PostureData:
    """Load, validate, geocode and join a scenario.

    ``settings`` (:class:`~posturemap.geo.settings.Settings`) holds every
    threshold the steps use; pass your own the way a ``Style`` is passed to
    the layers.

    Raises
    ------
    ScenarioError
        For anything wrong with the file or its places.
    """
    from posturemap.geo.join import join
    from posturemap.geo.placing import resolve_places
    from posturemap.geo.scenario import collector_paused, load_scenario

    with collector_paused():
        scenario = load_scenario(path, settings=settings)
        resolved = resolve_places(scenario, online=online, progress=progress, settings=settings)
        return join(scenario, resolved, settings=settings)


#: What ``--only`` takes besides a file name: the kind of output, by its extension.
OUTPUT_KINDS = {
    "html": ("index.html", "compare.html"),
    "png": ("map.png",),
    "svg": ("map.svg",),
    "pdf": ("map.pdf",),
    "geojson": tuple(name for name in OUTPUT_FILES if name.startswith("geojson/")),
    "gpkg": ("posture.gpkg",),
    "kml": ("posture.kml",),
    "csv": ("summary.csv",),
}


def select_outputs(only: str | Sequence[str] | None) -> tuple[str, ...]:
    """The output files that ``only`` names, in :data:`OUTPUT_FILES` order.

    ``only`` holds file names as the README's table gives them (``index.html``,
    ``geojson/sites.geojson`` or ``sites.geojson``) or kinds of output
    (:data:`OUTPUT_KINDS`: ``html``, ``geojson`` ...), as a list or one
    comma-separated string. ``None`` selects every file.

    Raises
    ------
    UnknownOutputError
        For a name that is neither, listing the names there are.

    Examples
    --------
    >>> select_outputs("html,summary.csv")
    ('index.html', 'compare.html', 'summary.csv')
    """
    if only is None:
        return OUTPUT_FILES
    names = [name.strip() for name in (only.split(",") if isinstance(only, str) else only)]
    by_file = {name: (name,) for name in OUTPUT_FILES}
    by_file.update({name.removeprefix("geojson/"): (name,) for name in OUTPUT_FILES})
    chosen: set[str] = set()
    unknown = []
    for name in names:
        files = OUTPUT_KINDS.get(name) or by_file.get(name)
        if files is None:
            unknown.append(name)
        else:
            chosen.update(files)
    if unknown or not chosen:
        what = ", ".join(repr(name) for name in unknown) if unknown else "nothing"
        msg = (
            f"--only: unknown output {what}; use kinds ({', '.join(OUTPUT_KINDS)}) "
            f"or files ({', '.join(OUTPUT_FILES)}), separated by commas"
        )
        raise UnknownOutputError(msg)
    return tuple(name for name in OUTPUT_FILES if name in chosen)


def gis_layers(data: PostureData, names: Sequence[str] | None = None) -> dict[str, GeoDataFrame]:
    """The layers exported to GeoJSON and the GeoPackage, by name, in file order.

    ``names`` limits them to those layers; only those are computed.
    """
    from posturemap.geo import analyse

    makers = {
        "sites": lambda: data.sites.drop(columns=["phase_index"]),
        "movements": lambda: data.movements,
        "regions": lambda: data.regions,
        "changes": lambda: analyse.changes(data),
        "countries": lambda: analyse.countries_frame(data),
        "places": lambda: data.places,
    }
    return {name: make() for name, make in makers.items() if names is None or name in names}


class Steps:
    """Each step of a build, shown on stderr once the build has taken about 2 s.

    Quiet when stderr is not a terminal (a pipe, a log file, the tests), and
    for a quick build: a step is shown only when it starts 2 s or more after
    the build did.  ``clock`` and ``stream`` are there for tests to replace.
    """

    def __init__(self, total: int, *, after_s: float = 2.0, clock=time.perf_counter, stream=None):
        self.total, self.after_s, self.clock = total, after_s, clock
        self.stream = sys.stderr if stream is None else stream
        self.started = clock()
        self.number = 0
        self.shown = False

    def __call__(self, name: str) -> None:
        """Say that step ``name`` starts."""
        self.number += 1
        if not self.stream.isatty() or self.clock() - self.started < self.after_s:
            return
        elapsed = self.clock() - self.started
        self.stream.write(f"\r\x1b[K[{self.number}/{self.total}] {name} ({elapsed:.1f} s)")
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        """End the line the steps were drawn on, if any was."""
        if self.shown:
            elapsed = self.clock() - self.started
            self.stream.write(f"\r\x1b[K[{self.total}/{self.total}] done in {elapsed:.1f} s\n")
            self.stream.flush()


def _step_count(files: Sequence[str]) -> int:
    """How many steps :func:`write_outputs` takes: all GeoJSON files are one, the static map another."""
    groups = {
        "geojson" if name.startswith("geojson/") else "map" if name.startswith("map.") else name
        for name in files
    }
    return len(groups)


def write_outputs(
    data: PostureData,
    folder: Path,
    *,
    tiles=None,
    static: dict | None = None,
    only: Sequence[str] = OUTPUT_FILES,
    step: Callable[[str], None] | None = None,
    marker: bool = True,
) -> list[Path]:
    """Write the output files ``only`` names (default: all) of a prepared scenario into ``folder``.

    ``marker`` also writes the file that marks the folder as posturemap's own
    (see :func:`build`).
    """
    step = step or (lambda name: None)
    folder.mkdir(parents=True, exist_ok=True)
    _write_the_rest(data, folder, tiles=tiles, only=only, step=step)
    formats = _static_formats(only)
    if formats:
        step("map." + "/".join(formats))
        from posturemap.second import draw_static

        draw_static(data, folder / "map.png", formats, static or {})
    if marker:
        (folder / MARKER).write_text("generated by posturemap; safe to delete\n", encoding="utf-8")
    return [folder / name for name in OUTPUT_FILES if name in only]


def _static_formats(files: Sequence[str]) -> tuple[str, ...]:
    return tuple(suffix for suffix in ("png", "svg", "pdf") if f"map.{suffix}" in files)


def _write_the_rest(data: PostureData, folder: Path, *, tiles, only: Sequence[str], step) -> None:
    """Every output but the static map."""
    from posturemap.geo import analyse, export

    wanted = set(only)
    layer_names = [name for name in LAYER_NAMES if f"geojson/{name}.geojson" in wanted]
    if "posture.gpkg" in wanted:
        layer_names = list(LAYER_NAMES)
    layers = gis_layers(data, layer_names) if layer_names else {}
    if any(name.startswith("geojson/") for name in wanted):
        step("GeoJSON")
        (folder / "geojson").mkdir(exist_ok=True)
        for name, frame in layers.items():
            if f"geojson/{name}.geojson" in wanted:
                export.write_geojson(frame, folder / "geojson" / f"{name}.geojson", name=name)
    if "posture.gpkg" in wanted:
        from posturemap.layers.qgis import layer_styles

        step("GeoPackage")
        export.write_geopackage(layers, folder / "posture.gpkg", styles=layer_styles(data, layers))
    if "posture.kml" in wanted:
        from posturemap.layers.kml import write_kml

        step("KML")
        write_kml(data, folder / "posture.kml")
    if "summary.csv" in wanted:
        step("summary.csv")
        export.write_csv(analyse.summary(data), folder / "summary.csv")
    if "index.html" in wanted:
        from posturemap.layers.page import posture_map

        step("index.html")
        posture_map(data, tiles=tiles).save(str(folder / "index.html"))
    if "compare.html" in wanted:
        from posturemap.layers.page import compare_page

        step("compare.html")
        compare_page(data, tiles=tiles).save(str(folder / "compare.html"))


def _check_target(out: Path) -> None:
    if out.exists() and not out.is_dir():
        msg = f"{out} is a file; --out needs a folder"
        raise BuildError(msg)
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        msg = (
            f"{out} already holds files that posturemap did not write; choose another --out "
            "or empty the folder first"
        )
        raise BuildError(msg)


def build(
    path: str | Path = "data/niger.yaml",
    out: str | Path = "output",
    *,
    online: bool = False,
    tiles=None,
    progress: Callable[[int, int, str], None] | None = None,
    map_width: int = 1200,
    all_phases: bool = False,
    settings: Settings = DEFAULT_SETTINGS,
    only: str | Sequence[str] | None = None,
    steps: bool = False,
    parallel: bool = True,
) -> list[Path]:
    """Build every output of a scenario into ``out``, atomically.

    Parameters
    ----------
    path : str or Path
        The scenario file.
    out : str or Path
        The output folder; replaced as a whole only when the build succeeds.
    online : bool
        Geocode with Nominatim instead of the offline gazetteer.
    tiles : posturemap.layers.page.Tiles, optional
        A tile basemap for the pages (they then load tiles from the network).
    map_width : int
        Width of map.png in pixels (map.svg and map.pdf are drawn alike).
    all_phases : bool
        Draw every phase in the static maps, not only the first and the last.
    settings : Settings, optional
        The thresholds of the geo steps (see :func:`prepare`).
    only : str or list of str, optional
        Write only these outputs (see :func:`select_outputs`); the output
        folder then holds only them.
    steps : bool
        Show each step on stderr once the build has taken about 2 s (only on a terminal).
    parallel : bool
        Draw the static map in a second process while this one writes the
        other outputs (the same bytes either way; see
        :mod:`posturemap.second`).  On by default; it needs two cores and ``fork``.

    Returns
    -------
    list of Path
        The files written.
    """
    out = Path(out)
    files = select_outputs(only)
    _check_target(out)
    show = Steps(1 + _step_count(files)) if steps else None
    if show:
        show("reading the scenario")
    static = {"width_px": map_width, "all_phases": all_phases}
    try:
        from posturemap.geo.scenario import collector_paused

        with collector_paused():
            return _build(
                path,
                out,
                files,
                show,
                online=online,
                tiles=tiles,
                progress=progress,
                static=static,
                settings=settings,
                parallel=parallel,
            )
    finally:
        if show:
            show.done()


def _build(
    path, out: Path, files, show, *, online, tiles, progress, static, settings, parallel
) -> list[Path]:
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    # Forked before the scenario is read, so it imports matplotlib meanwhile.
    split = parallel and any(name in SECOND_FILES for name in files) and not set(files) <= set(SECOND_FILES)
    helper = SecondProcess.start() if split else None
    writing = None
    try:
        data = prepare(path, online=online, progress=progress, settings=settings)
        say_warnings(data.warnings)
        files_here = files
        if helper is not None:
            there = tuple(name for name in files if name in SECOND_FILES)
            options = {"tiles": tiles, "static": static, "marker": False}
            writing = helper.write(data, staging, there, options)
            files_here = [name for name in files if name not in there]
        write_outputs(data, staging, tiles=tiles, static=static, only=files_here, step=show)
        if writing is not None:
            if show:
                show("the second process: " + ", ".join(there))
            writing.result()
        os.chmod(staging, 0o755)
        if out.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.replace(out, retired / "previous")
            os.replace(staging, out)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, out)
    except BaseException:
        if writing is not None:  # let it end before its folder goes
            writing.cancel()
            wait([writing])
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if helper is not None:
            helper.close()
    return [out / name for name in files]


#: Warnings printed in full; past this many, the rest are counted.
WARNINGS_SHOWN = 50


def say_warnings(warnings: Sequence, *, stream=None) -> None:
    """Print what a build says but does not refuse (places whose country is uncertain).

    The first :data:`WARNINGS_SHOWN` in full, then how many more there are:
    a scenario of 100,000 places has hundreds near a border, and every one of
    them is also marked in the exports (``country_certain`` false).
    """
    stream = sys.stderr if stream is None else stream
    for warning in warnings[:WARNINGS_SHOWN]:
        print(warning, file=stream)
    hidden = len(warnings) - WARNINGS_SHOWN
    if hidden > 0:
        print(
            f"... and {hidden:,} more places whose country is uncertain; each has country_certain "
            "false in places.geojson, sites.geojson and the GeoPackage",
            file=stream,
        )


def terminal_progress(number: int, total: int, name: str) -> None:
    """A one-line progress bar on stderr, drawn only on a terminal."""
    if not sys.stderr.isatty() or total < 2:
        return
    width = 24
    filled = round(width * number / total)
    bar = "#" * filled + "." * (width - filled)
    sys.stderr.write(f"\rgeocoding [{bar}] {number}/{total} {printable(name)[:30]:<30}")
    if number == total:
        sys.stderr.write("\n")
    sys.stderr.flush()
