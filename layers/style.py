"""How the maps look: colours, sizes and labels, in one typed place."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class SiteLook:
    """How one kind of site circle is drawn: the page's ``siteLook`` in posturemap.js."""

    #: ``reported`` (a figure, active), ``unknown`` (no figure, or status unknown),
    #: ``withdrawn`` (hollow) or ``planned``.
    name: str
    fill_opacity: float
    stroke_width: float
    #: Dash and gap lengths in pixels; empty for a solid line.
    dash: tuple[float, ...] = ()


@dataclass(frozen=True)
class Style:
    """Everything the layers need to draw; pass a modified copy to restyle a map."""

    #: Colours for actors that do not set one, in order of appearance.
    palette: tuple[str, ...] = (
        "#1f5fbf",
        "#c0392b",
        "#7b3fb0",
        "#d35400",
        "#16a085",
        "#2c3e50",
        "#8e6c00",
        "#b0306a",
    )
    #: Circle radius in pixels is ``scale * sqrt(personnel)``, clamped.
    scale: float = 0.8
    min_radius: float = 5.0
    max_radius: float = 36.0
    unknown_radius: float = 9.0
    #: Above this many sites in a phase, circles shrink with the square root of
    #: the count (see :meth:`for_sites`), so thousands of sites stay readable.
    dense_from: int = 100
    #: Permanent labels on the page and in map.png: every place up to this many,
    #: else this many places with the most personnel (the rest keep their tooltips).
    label_limit: int = 40
    #: Personnel shown in the legend's size key.
    legend_sizes: tuple[int, ...] = (100, 1000)
    land_color: str = "#f2efe6"
    border_color: str = "#9a9486"
    water_color: str = "#cfe0ea"
    region_color: str = "#d9a441"
    #: Lakes' outlines and rivers on the basemap (lakes are filled with ``water_color``).
    river_color: str = "#8fb3c9"
    #: Lakes' outlines on the page, darker than rivers so a lake reads through the region fills.
    lake_outline_color: str = "#5f8fb0"
    #: Country names on the basemap.
    country_name_color: str = "#7d7565"
    #: Rivers show on the page from this zoom on (Natural Earth 1:50m centre lines).
    river_min_zoom: int = 5
    #: Country shading: upper bounds of personnel classes and their colours.
    shading_steps: tuple[int, ...] = (0, 100, 1000, 5000)
    shading_colors: tuple[str, ...] = ("#f2efe6", "#e6d8b8", "#d9bb86", "#c99a57", "#b07a36")
    shading_opacity: float = 0.6
    shading_border_color: str = "#7a6a4f"
    region_fill_opacity: float = 0.18
    region_stroke_width: float = 1.5
    region_dash: tuple[float, ...] = (6, 4)
    #: Site circles by look, as the page draws them (see :class:`SiteLook`).
    site_looks: tuple[SiteLook, ...] = (
        SiteLook("reported", 0.45, 2.0),
        SiteLook("unknown", 0.15, 2.0, (5, 4)),
        SiteLook("withdrawn", 0.0, 2.5, (2, 4)),
        SiteLook("planned", 0.1, 2.0, (8, 3)),
    )
    #: A figure for a whole country draws its circle with this stroke width.
    country_site_stroke_width: float = 3.0
    movement_width: float = 3.0
    movement_opacity: float = 0.85
    #: Withdrawals are dashed; other movements solid.
    withdrawal_dash: tuple[float, ...] = (8, 6)
    label_color: str = "#222222"
    #: Labels sit this many pixels right of their point (the page's tooltip offset).
    label_offset: float = 8.0

    def radius(self, personnel: int | None) -> float:
        """Circle radius in pixels for a personnel estimate.

        Must match ``PostureMap.radius`` in posturemap.js: the legend is drawn here,
        the markers in the page.
        """
        if personnel is None:
            return self.unknown_radius
        if personnel == 0:
            return self.min_radius
        return max(self.min_radius, min(self.max_radius, self.scale * personnel**0.5))

    def site_look(self, name: str) -> SiteLook:
        """The look called ``name`` (``reported``, ``unknown``, ``withdrawn`` or ``planned``)."""
        for look in self.site_looks:
            if look.name == name:
                return look
        msg = f"no site look {name!r}; use one of: {', '.join(look.name for look in self.site_looks)}"
        raise KeyError(msg)

    def for_sites(self, count: int) -> Style:
        """This style with circles sized for ``count`` sites in a phase.

        Up to :attr:`dense_from` sites nothing changes; above, every radius is
        scaled by ``sqrt(dense_from / count)`` (at least 2 px), so the legend,
        the page and map.png still agree because they share the returned style.
        """
        if count <= self.dense_from:
            return self
        factor = (self.dense_from / count) ** 0.5
        return replace(
            self,
            scale=self.scale * factor,
            min_radius=max(2.0, self.min_radius * factor),
            max_radius=max(4.0, self.max_radius * factor),
            unknown_radius=max(2.5, self.unknown_radius * factor),
        )

    def actor_colors(self, actors) -> dict[str, str]:
        """Each actor's colour: its own, or the next palette colour."""
        colors, spare = {}, iter(self.palette * (1 + len(actors) // len(self.palette)))
        for actor in actors:
            colors[actor.id] = actor.color or next(spare)
        return colors

    def js(self) -> dict:
        return {
            "scale": self.scale,
            "min_radius": self.min_radius,
            "max_radius": self.max_radius,
            "unknown_radius": self.unknown_radius,
        }


DEFAULT_STYLE = Style()
