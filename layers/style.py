"""How the maps look: colours, sizes and labels, in one typed place."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class SiteLook:
    """How one kind of site circle is drawn, on the page, in its legend, in QGIS and map.png.

    The page gets these as data (``style.looks`` in its payload, with a look
    index and a radius per site), so no other copy of them exists.
    """

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

    #: Colours for actors that do not set one, in order of appearance: Okabe and
    #: Ito's colour-blind-safe set (yellow left out: it vanishes on the land colour),
    #: with a wine red. ``tests/test_palette.py`` checks every pair stays apart
    #: under simulated deuteranopia and protanopia.
    palette: tuple[str, ...] = (
        "#0072b2",
        "#d55e00",
        "#009e73",
        "#cc79a7",
        "#e69f00",
        "#56b4e9",
        "#000000",
        "#882255",
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
    country_name_color: str = "#4f493d"
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
    #: A circle answers a tap or a click within at least this radius in pixels
    #: (a 24 px target), however small it is drawn.
    touch_radius: float = 12.0
    #: The page's first view: a movement's end lies "far" when it is further from
    #: the box around the sites than this share of the box's larger side, kept
    #: between the two bounds in degrees. A far end is drawn as a short arrow
    #: leaving the view ("to United States"), and the view does not fit it.
    far_share: float = 0.5
    far_min_degrees: float = 5.0
    far_max_degrees: float = 20.0
    #: The arrow towards a far end stops this share of the box's larger side
    #: (at least 1 degree) outside the box.
    far_stub_share: float = 0.15
    #: The text alternative lists at most this many sites per phase (the largest;
    #: every site is in the GeoJSON and the CSV). A longer table costs the page
    #: its quick first draw and serves no reader.
    table_limit: int = 200

    def radius(self, personnel: int | None) -> float:
        """Circle radius in pixels for a personnel estimate.

        Computed here only: the page gets each site's radius in its payload, and
        the legend and map.png call this too.
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

    def site_look_for(self, status: str, personnel: int | None) -> SiteLook:
        """The look of a site with this status and estimate.

        Precedence: ``withdrawn``, then ``planned``, then ``unknown`` (status
        unknown, or no figure), else ``reported``.  A withdrawn site is drawn as
        withdrawn whether or not it has a figure.

        Examples
        --------
        >>> DEFAULT_STYLE.site_look_for("withdrawn", None).name
        'withdrawn'
        >>> DEFAULT_STYLE.site_look_for("active", None).name
        'unknown'
        """
        if status in ("withdrawn", "planned"):
            return self.site_look(status)
        if status == "unknown" or personnel is None:
            return self.site_look("unknown")
        return self.site_look("reported")

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
        """What the page's script needs: the site looks (by index) and the touch radius.

        Radii are not computed in the page: each site carries its own.
        """
        return {
            "looks": [
                {
                    "name": look.name,
                    "fill": look.fill_opacity,
                    "width": look.stroke_width,
                    "dash": list(look.dash),
                }
                for look in self.site_looks
            ],
            "country_width": self.country_site_stroke_width,
            "touch_radius": self.touch_radius,
        }


DEFAULT_STYLE = Style()
