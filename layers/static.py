"""A static image of the first and last phase side by side, for reports and READMEs."""

from __future__ import annotations

from pathlib import Path

from posturemap.geo.countries import country_frame
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
    pad_lon, pad_lat = max((east - west) * 0.25, 2.0), max((north - south) * 0.25, 2.0)
    extent = (west - pad_lon, east + pad_lon, south - pad_lat, north + pad_lat)
    countries = country_frame().cx[extent[0] - 5 : extent[1] + 5, extent[2] - 5 : extent[3] + 5]
    phases = [scenario.phases[0], scenario.phases[-1]]
    figure, axes = plt.subplots(1, 2, figsize=(12, 5.6), dpi=dpi)
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
        for _, site in sites.iterrows():
            personnel = (
                None
                if site["personnel"] is None or str(site["personnel"]) == "<NA>"
                else int(site["personnel"])
            )
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
            label = site["name"] if len(site["name"]) <= 28 else site["name"][:26] + "…"
            figure_text = site["personnel_text"] if site["personnel_text"] else "size n/a"
            axis.annotate(
                f"{label}\n{figure_text}",
                (site.geometry.x, site.geometry.y),
                xytext=(8, 4),
                textcoords="offset points",
                fontsize=7.5,
                zorder=4,
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
