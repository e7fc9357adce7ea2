"""A static image of the first and last phase side by side, for reports and READMEs."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from posturemap.geo.countries import country_frame
from posturemap.geo.export import json_value
from posturemap.geo.join import PostureData

from .labels import labelled_places
from .sites import most_sites_in_a_phase
from .style import DEFAULT_STYLE, Style


def static_map(data: PostureData, path: Path, *, style: Style = DEFAULT_STYLE, dpi: int = 110) -> Path:
    """Draw ``before | after`` panels with matplotlib and save a PNG.

    The PNG carries no timestamp or software tag, so the same data gives the
    same bytes.  Scenario text is drawn as plain text: ``$...$`` in a name is
    never read as mathtext, nor as TeX.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}), warnings.catch_warnings():
        # Text in a script the bundled font lacks shows as boxes here; the pages and
        # the exports keep it, so the PNG does not warn for every such name.
        warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
        figure, axes = plt.subplots(1, 2, figsize=(13, 5.4), dpi=dpi)
        try:
            _draw(data, figure, axes, style=style)
            figure.savefig(path, dpi=dpi, metadata={"Software": None})
        finally:
            plt.close(figure)
    return path


def _draw(data: PostureData, figure, axes, *, style: Style) -> None:
    from matplotlib.lines import Line2D
    from shapely.plotting import plot_polygon

    scenario = data.scenario
    style = style.for_sites(most_sites_in_a_phase(data.sites))
    colors = style.actor_colors(scenario.actors)
    west, south, east, north = (data.sites if len(data.sites) else data.places).total_bounds
    center_lon, center_lat = (west + east) / 2, (south + north) / 2
    # At least 12 degrees tall and 16 wide, so a few close sites still show their setting.
    half_lon = max((east - west) * 0.65, 8.0)
    # Not flatter than about 2:1, so a wide band of sites still gets readable panels.
    half_lat = max((north - south) * 0.65, 6.0, half_lon * 0.45)
    extent = (center_lon - half_lon, center_lon + half_lon, center_lat - half_lat, center_lat + half_lat)
    countries = country_frame().cx[extent[0] - 5 : extent[1] + 5, extent[2] - 5 : extent[3] + 5]
    phases = [scenario.phases[0], scenario.phases[-1]]
    for axis, phase in zip(axes, phases, strict=True):
        axis.set_facecolor(style.water_color)
        # shapely's patches, not GeoDataFrame.plot: that redraws the whole figure on each call.
        for outline in countries.geometry:
            plot_polygon(
                outline,
                ax=axis,
                add_points=False,
                facecolor=style.land_color,
                edgecolor=style.border_color,
                linewidth=0.6,
            )
        for region in data.regions.geometry:
            plot_polygon(
                region,
                ax=axis,
                add_points=False,
                facecolor=style.region_color,
                alpha=0.2,
                edgecolor=style.region_color,
                linestyle="--",
                linewidth=1,
            )
        sites = data.sites[data.sites["phase"] == phase.id]
        _draw_sites(axis, sites, colors, style)
        labelled = labelled_places(data.places, sites, limit=style.label_limit)
        if len(labelled) == sites["place"].nunique():
            _label_places(axis, sites, data.places, extent)
        else:  # as on the page: a capped set of labels would only cover the sites
            axis.text(
                0.01,
                0.01,
                f"{sites['place'].nunique():,} places; names in index.html",
                transform=axis.transAxes,
                fontsize=7,
                color="#555",
            )
        axis.set_xlim(extent[0], extent[1])
        axis.set_ylim(extent[2], extent[3])
        axis.set_aspect("equal")
        axis.set_title(f"{phase.label} ({phase.date.isoformat()})", fontsize=11)
        axis.tick_params(labelsize=7)
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=9,
            markerfacecolor=colors[a.id],
            markeredgecolor=colors[a.id],
            label=a.name,
        )
        for a in scenario.actors
    ]
    handles.append(
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=9,
            markerfacecolor="none",
            markeredgecolor="#555",
            label="withdrawn (hollow)",
        )
    )
    figure.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8, frameon=False)
    figure.suptitle(scenario.title, fontsize=13)
    figure.text(
        0.99,
        0.01,
        "Circle area ~ personnel; figures as reported. posturemap",
        ha="right",
        fontsize=7,
        color="#555",
    )
    # Fixed margins: tight_layout would draw the whole figure once more, slow with many sites.
    figure.subplots_adjust(left=0.05, right=0.98, bottom=0.1, top=0.88, wspace=0.12)


def _draw_sites(axis, sites, colors: dict[str, str], style: Style) -> None:
    """One scatter call per line style, biggest circles first, actors interleaved.

    Solid circles go down first, then dashed (size unknown), then dotted
    (withdrawn), so outlines stay visible on top of filled circles; no actor is
    drawn over all the others just because it comes last.
    """
    if not len(sites):
        return
    personnel = [json_value(value) for value in sites["personnel"].tolist()]
    withdrawn = (sites["status"] == "withdrawn").to_numpy()
    unknown = np.array([value is None for value in personnel]) | (sites["status"] == "unknown").to_numpy()
    sizes = np.array([(style.radius(value) * 1.6) ** 2 for value in personnel])
    xs, ys = sites.geometry.x.to_numpy(), sites.geometry.y.to_numpy()
    site_colors = np.array([colors[actor] for actor in sites["actor"].tolist()])
    biggest_first = np.argsort(-sizes, kind="stable")
    for linestyle, chosen in (
        ("-", ~unknown & ~withdrawn),
        ("--", unknown & ~withdrawn),
        (":", withdrawn),
    ):
        picked = biggest_first[chosen[biggest_first]]
        if not len(picked):
            continue
        hollow = linestyle == ":"
        axis.scatter(
            xs[picked],
            ys[picked],
            s=sizes[picked],
            facecolors="none" if hollow else site_colors[picked],
            edgecolors=site_colors[picked],
            alpha=0.9 if hollow else 0.55,
            linewidths=2,
            linestyle=linestyle,
            zorder=3,
        )


def _label_places(axis, sites, places, extent: tuple[float, float, float, float]) -> None:
    labels: dict[str, list[str]] = {}
    for place, name, actor_name, reported in zip(
        sites["place"], sites["name"], sites["actor_name"], sites["personnel_text"], strict=True
    ):
        reported = json_value(reported) or "size not reported"
        labels.setdefault(place, [name]).append(f"{actor_name}: {reported}")
    points = dict(zip(places["place"], places.geometry, strict=True))
    for order, (place, lines) in enumerate(labels.items()):
        point = points[place]
        # Alternate above and below so neighbouring places don't cover each other;
        # in the right third, write to the left so the label stays on the image.
        leftward = point.x > extent[0] + (extent[1] - extent[0]) * 2 / 3
        offset = (-10 if leftward else 10, 6 if order % 2 == 0 else -12 * len(lines) - 6)
        axis.annotate(
            "\n".join(lines),
            (point.x, point.y),
            xytext=offset,
            textcoords="offset points",
            ha="right" if leftward else "left",
            fontsize=7,
            zorder=4,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.75},
        )
