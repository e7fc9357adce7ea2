"""A static image of the first and last phase side by side, for reports and READMEs."""

from __future__ import annotations

from pathlib import Path

from posturemap.geo.countries import country_frame
from posturemap.geo.export import json_value
from posturemap.geo.join import PostureData

from .style import DEFAULT_STYLE, Style


def static_map(data: PostureData, path: Path, *, style: Style = DEFAULT_STYLE, dpi: int = 110) -> Path:
    """Draw ``before | after`` panels with matplotlib and save a PNG.

    The PNG carries no timestamp or software tag, so the same data gives the
    same bytes.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    scenario = data.scenario
    colors = style.actor_colors(scenario.actors)
    west, south, east, north = (data.sites if len(data.sites) else data.places).total_bounds
    center_lon, center_lat = (west + east) / 2, (south + north) / 2
    # At least 12 degrees tall and 16 wide, so a few close sites still show their setting.
    half_lon = max((east - west) * 0.65, 8.0)
    half_lat = max((north - south) * 0.65, 6.0)
    extent = (center_lon - half_lon, center_lon + half_lon, center_lat - half_lat, center_lat + half_lat)
    countries = country_frame().cx[extent[0] - 5 : extent[1] + 5, extent[2] - 5 : extent[3] + 5]
    phases = [scenario.phases[0], scenario.phases[-1]]
    figure, axes = plt.subplots(1, 2, figsize=(13, 5.4), dpi=dpi)
    for axis, phase in zip(axes, phases, strict=True):
        axis.set_facecolor(style.water_color)
        countries.plot(ax=axis, color=style.land_color, edgecolor=style.border_color, linewidth=0.6)
        if len(data.regions):
            data.regions.plot(
                ax=axis,
                color=style.region_color,
                alpha=0.2,
                edgecolor=style.region_color,
                linestyle="--",
                linewidth=1,
            )
        sites = data.sites[data.sites["phase"] == phase.id]
        labels: dict[str, list[str]] = {}
        for _, site in sites.iterrows():
            personnel = json_value(site["personnel"])
            radius = style.radius(personnel)
            color = colors[site["actor"]]
            withdrawn = site["status"] == "withdrawn"
            unknown = personnel is None or site["status"] == "unknown"
            axis.scatter(
                [site.geometry.x],
                [site.geometry.y],
                s=(radius * 1.6) ** 2,
                facecolors="none" if withdrawn else color,
                edgecolors=color,
                alpha=0.9 if withdrawn else 0.55,
                linewidths=2,
                linestyle=":" if withdrawn else ("--" if unknown else "-"),
                zorder=3,
            )
            reported = json_value(site["personnel_text"]) or "size not reported"
            labels.setdefault(site["place"], [site["name"]]).append(f"{site['actor_name']}: {reported}")
        places = data.places.set_index("place")
        for order, (place, lines) in enumerate(labels.items()):
            point = places.loc[place, "geometry"]
            # Alternate above and below so neighbouring places don't cover each other.
            offset = (10, 6) if order % 2 == 0 else (10, -12 * len(lines) - 6)
            axis.annotate(
                "\n".join(lines),
                (point.x, point.y),
                xytext=offset,
                textcoords="offset points",
                fontsize=7,
                zorder=4,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.75},
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
    figure.tight_layout(rect=(0, 0.05, 1, 0.95))
    figure.savefig(path, dpi=dpi, metadata={"Software": None})
    plt.close(figure)
    return path
