"""The ``posturemap`` command: build, validate, geocode, diff, init, schema, draft.

Exit status: 0 on success, 2 for bad input (each problem printed as
``FILE:LINE: field: problem``), 1 for an unexpected failure (run again with
``--debug`` for the traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Sequence

from posturemap.geo.errors import PostureMapError, ScenarioError, printable
from posturemap.geo.model import PLACE_KINDS

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_SCENARIO = "data/niger.yaml"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="posturemap",
        description="Sourced maps of force posture before and after a change, with GIS exports.",
    )
    parser.add_argument("--version", action="version", version="posturemap 0.1.0")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--debug", action="store_true", help="show tracebacks of failures")

    build = commands.add_parser("build", help="write maps and GIS files for a scenario")
    build.add_argument(
        "scenario",
        nargs="?",
        help=f"scenario file (default: {DEFAULT_SCENARIO}; the bundled Niger example when there is none)",
    )
    build.add_argument("--example", metavar="NAME", help="build a bundled scenario, e.g. niger")
    build.add_argument("--out", default="output", help="output folder (default: output)")
    build.add_argument(
        "--online", action="store_true", help="geocode with Nominatim (network, 1 request/s, cached)"
    )
    build.add_argument(
        "--tiles",
        metavar="PROVIDER",
        help="add a tile basemap from xyzservices, e.g. OpenStreetMap.Mapnik "
        "(the pages then load tiles from the network)",
    )
    build.add_argument(
        "--map-width",
        type=int,
        default=1200,
        metavar="PX",
        help="width of map.png in pixels (default: 1200); map.svg and map.pdf are drawn alike",
    )
    build.add_argument(
        "--all-phases",
        action="store_true",
        help="draw every phase in map.png/.svg/.pdf (default: the first and the last)",
    )
    build.add_argument(
        "--only",
        metavar="OUTPUTS",
        help="write only these outputs, separated by commas: kinds (html, png, svg, pdf, geojson, gpkg, "
        "kml, csv) or file names (index.html, sites.geojson ...); the others are not computed",
    )
    common(build)

    validate = commands.add_parser("validate", help="check scenario files and report every problem")
    validate.add_argument("scenarios", nargs="+", metavar="FILE")
    validate.add_argument(
        "--no-geocode", action="store_true", help="check the format only, without placing the places"
    )
    common(validate)

    geocode = commands.add_parser("geocode", help="place a name with the offline gazetteer")
    geocode.add_argument("query")
    geocode.add_argument("--country", help="ISO 3166 alpha-2 code to restrict the search")
    geocode.add_argument(
        "--kind",
        choices=PLACE_KINDS,
        help="what the place is (a city named like a country, say)",
    )
    geocode.add_argument("--json", action="store_true", help="print JSON")
    geocode.add_argument("--online", action="store_true", help="ask Nominatim instead")
    common(geocode)

    init = commands.add_parser("init", help="write a commented starting scenario")
    init.add_argument("file", nargs="?", default="scenario.yaml", help="where (default: scenario.yaml)")
    init.add_argument("--force", action="store_true", help="overwrite the file if it exists")
    common(init)

    schema = commands.add_parser("schema", help="print the scenario format's JSON Schema")
    schema.add_argument(
        "--markdown", action="store_true", help="print the format reference as Markdown instead"
    )
    common(schema)

    draft = commands.add_parser("draft", help="draft a scenario from report texts, for review")
    draft.add_argument("reports", nargs="+", metavar="REPORT", help="plain text or HTML files")
    draft.add_argument("--out", default="draft.yaml", help="the draft to write (default: draft.yaml)")
    draft.add_argument("--force", action="store_true", help="overwrite the file if it exists")
    common(draft)

    diff = commands.add_parser("diff", help="what changed between two phases")
    diff.add_argument("scenario")
    diff.add_argument("--from", dest="from_phase", help="phase id (default: the first)")
    diff.add_argument("--to", dest="to_phase", help="phase id (default: the last)")
    diff.add_argument("--json", action="store_true", help="print GeoJSON of the changes")
    common(diff)
    return parser


def _scenario_to_build(args) -> str:
    """The file ``build`` reads: the one given, ``--example``'s, the default, or the bundled Niger one."""
    from pathlib import Path

    from posturemap.examples import example_path

    if args.example:
        if args.scenario:
            msg = "give a scenario file or --example, not both"
            raise ScenarioError.single("build", 0, "", msg)
        return str(example_path(args.example))
    if args.scenario:
        return args.scenario
    if Path(DEFAULT_SCENARIO).is_file():
        return DEFAULT_SCENARIO
    print(
        f"posturemap: no {DEFAULT_SCENARIO} here; building the bundled Niger example "
        "(`posturemap init` starts a scenario of your own)",
        file=sys.stderr,
    )
    return str(example_path("niger"))


def _build(args) -> int:
    from posturemap.build import build, terminal_progress

    tiles = None
    if args.tiles:
        from posturemap.layers.page import Tiles

        tiles = Tiles.from_provider(args.tiles)  # TileProviderError: bad input, exit 2
    if not 300 <= args.map_width <= 10000:
        print(f"posturemap: --map-width: {args.map_width} px is not between 300 and 10000", file=sys.stderr)
        return EXIT_BAD_INPUT
    files = build(
        _scenario_to_build(args),
        args.out,
        online=args.online,
        tiles=tiles,
        progress=terminal_progress,
        map_width=args.map_width,
        all_phases=args.all_phases,
        only=args.only,
        steps=True,
    )
    opened = f" (open {args.out}/index.html)" if any(file.name == "index.html" for file in files) else ""
    print(f"wrote {len(files)} files to {args.out}/{opened}")
    return EXIT_OK


def _validate(args) -> int:
    from posturemap.build import prepare, say_warnings
    from posturemap.geo.scenario import load_scenario

    status = EXIT_OK
    for path in args.scenarios:
        try:
            if args.no_geocode:
                scenario = load_scenario(path)
            else:
                data = prepare(path)
                scenario = data.scenario
                say_warnings(data.warnings)
        except ScenarioError as error:
            if args.debug:
                traceback.print_exc(file=sys.stderr)
            print(error, file=sys.stderr)
            status = EXIT_BAD_INPUT
            continue
        print(
            f"{path}: valid ({len(scenario.phases)} phases, {len(scenario.places)} places, "
            f"{len(scenario.deployments)} deployments)"
        )
    return status


def _geocode(args) -> int:
    from posturemap.geo.countries import country_name
    from posturemap.geo.geocode import geocode_one
    from posturemap.geo.online import OnlineGeocoder

    if args.online:
        place = OnlineGeocoder().geocode(args.query, country=args.country)
    else:
        country = args.country.upper() if args.country else None
        place = geocode_one(args.query, country=country, kind=args.kind)
    if args.json:
        print(
            json.dumps(
                {
                    "query": args.query,
                    "name": place.matched,
                    "country": place.country,
                    "lat": place.lat,
                    "lon": place.lon,
                    "source": place.method,
                },
                ensure_ascii=False,
            )
        )
    else:
        country = f", {country_name(place.country)} ({place.country})" if place.country else ""
        print(printable(f"{place.matched}{country}: {place.lat:.5f}, {place.lon:.5f} (from {place.method})"))
    return EXIT_OK


def _refuse_overwrite(path, *, force: bool, another: str) -> None:
    """A file the user asked for must not replace one already there, unless ``--force``."""
    if path.exists() and not force:
        msg = f"already exists; choose {another}, or add --force to overwrite it"
        raise ScenarioError.single(path, 0, "", msg)


def _write(path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ScenarioError.single(path, 0, "", f"cannot write: {error.strerror}") from None


def _init(args) -> int:
    from pathlib import Path

    from posturemap.geo.schema import init_template

    path = Path(args.file)
    _refuse_overwrite(path, force=args.force, another="another name")
    _write(path, init_template())
    print(f"wrote {path}; edit it, then run `posturemap validate {path}` and `posturemap build {path}`")
    return EXIT_OK


def _draft(args) -> int:
    from pathlib import Path

    from posturemap.geo.draft import draft_scenario

    path = Path(args.out)
    _refuse_overwrite(path, force=args.force, another="another --out")
    _write(path, draft_scenario(args.reports))
    print(
        f"wrote {path}: a draft to review; choose its phases, then `posturemap validate --no-geocode {path}`"
    )
    return EXIT_OK


def _schema(args) -> int:
    from posturemap.geo.schema import json_schema, reference_markdown

    if args.markdown:
        sys.stdout.write(reference_markdown())
    else:
        sys.stdout.write(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def _diff(args) -> int:
    import pandas as pd

    from posturemap.build import prepare
    from posturemap.geo.analyse import NOT_RECORDED, changes
    from posturemap.geo.export import dumps, feature_collection
    from posturemap.geo.join import records

    data = prepare(args.scenario)
    phases = [phase.id for phase in data.scenario.phases]
    for option, value in (("--from", args.from_phase), ("--to", args.to_phase)):
        if value is not None and value not in phases:
            print(
                f"{args.scenario}: {option}: unknown phase {value!r}; use one of: {', '.join(phases)}",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
    frame = changes(data, from_phase=args.from_phase, to_phase=args.to_phase)
    if args.json:
        sys.stdout.write(dumps(feature_collection(frame, name="changes")))
        return EXIT_OK

    def show(value, status: str) -> str:
        if status == NOT_RECORDED:
            return NOT_RECORDED
        return "unknown" if value is None or value is pd.NA else f"{int(value):,}"

    first, last = args.from_phase or phases[0], args.to_phase or phases[-1]
    print(printable(f"{data.scenario.title}: {first} -> {last}"))
    for row in records(frame):
        delta = "" if row["delta"] is None or row["delta"] is pd.NA else f" ({int(row['delta']):+,})"
        before = show(row["before_personnel"], row["before_status"])
        after = show(row["after_personnel"], row["after_status"])
        line = f"{row['change']:<10} {row['actor_name']} at {row['name']}: {before} -> {after}{delta}"
        print("  " + printable(line))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Bad input (any :class:`PostureMapError`) prints its message and returns 2;
    anything else prints one line and returns 1.  With ``--debug`` every error
    also prints its traceback; an unexpected one is re-raised.
    """
    args = _parser().parse_args(argv)
    handlers = {
        "build": _build,
        "validate": _validate,
        "geocode": _geocode,
        "diff": _diff,
        "init": _init,
        "schema": _schema,
        "draft": _draft,
    }
    try:
        return handlers[args.command](args)
    except PostureMapError as error:
        if args.debug:
            traceback.print_exc(file=sys.stderr)
        # A scenario error's lines already say FILE:LINE; other errors name the program.
        message = str(error) if isinstance(error, ScenarioError) else f"posturemap: {printable(str(error))}"
        print(message, file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("posturemap: interrupted; the previous output is unchanged", file=sys.stderr)
        return 130
    except Exception as error:  # the last resort: a short message, no traceback
        if args.debug:
            raise
        print(
            f"posturemap: unexpected {type(error).__name__}: {printable(str(error))}. Nothing was changed on "
            "disk. Run again with --debug for the traceback and report it.",
            file=sys.stderr,
        )
        return EXIT_FAILURE


def run() -> None:
    """The ``posturemap`` command: :func:`main`, then exit with its status.

    The command runs without the cyclic garbage collector (a build pauses it
    anyway, see :func:`posturemap.geo.scenario.collector_paused`), and before
    exiting every object still alive is moved out of its reach
    (``gc.freeze``). Otherwise the collector, back on after the build, and the
    interpreter's last collection would walk every object, the scenario's and
    the libraries', only to free memory the exit frees anyway: 0.15 s of a
    1.1 s build of the Niger scenario.  Reference counting still frees what
    the command drops as it goes.
    """
    import gc

    gc.disable()
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    gc.freeze()
    raise SystemExit(status)
