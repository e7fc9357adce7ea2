"""The key: what colours, circle sizes, line styles and shading mean.

Circles are drawn from ``Style.site_looks``, the table the page's script draws
the sites with, so the key cannot disagree with the map.
"""

from __future__ import annotations

from .elements import text
from .style import SiteLook, Style

#: What each look means, in the key's words.
LOOK_MEANINGS = {
    "reported": "figure reported",
    "unknown": "present, size not reported",
    "withdrawn": "withdrawn",
    "planned": "planned",
}


def circle_swatch(look: SiteLook, *, radius: float, color: str) -> str:
    """An inline SVG circle drawn as the page draws a site with this look."""
    size = round(2 * radius + look.stroke_width + 2)
    middle = size / 2
    dash = f' stroke-dasharray="{" ".join(f"{part:g}" for part in look.dash)}"' if look.dash else ""
    return (
        f'<svg class="pm-swatch" width="{size}" height="{size}" viewBox="0 0 {size} {size}" '
        'aria-hidden="true">'
        f'<circle cx="{middle:g}" cy="{middle:g}" r="{radius:g}" fill="{text(color)}" '
        f'fill-opacity="{look.fill_opacity:g}" stroke="{text(color)}" stroke-width="{look.stroke_width:g}"'
        f"{dash}/></svg>"
    )


def line_swatch(color: str, *, width: float, dash: tuple[float, ...] = ()) -> str:
    """An inline SVG line drawn as the page draws a movement."""
    pattern = f' stroke-dasharray="{" ".join(f"{part:g}" for part in dash)}"' if dash else ""
    return (
        f'<svg class="pm-swatch" width="28" height="10" viewBox="0 0 28 10" aria-hidden="true">'
        f'<line x1="1" y1="5" x2="27" y2="5" stroke="{text(color)}" stroke-width="{width:g}"{pattern}/></svg>'
    )


def legend_html(
    actors,
    colors: dict[str, str],
    style: Style,
    *,
    movements: bool,
    regions: list[str],
    shading: bool,
    looks: set[str] | None = None,
) -> str:
    """The key as escaped HTML.

    Parameters
    ----------
    looks : set of str, optional
        The site looks the map uses (``reported``, ``unknown``, ...); the key
        explains those only.  All of them when not given.
    """
    grey = "#555555"
    reported = style.site_look("reported")
    parts = ['<h3>Who</h3><ul class="pm-key-list">']
    for actor in actors:
        swatch = circle_swatch(reported, radius=7, color=colors[actor.id])
        parts.append(f"<li>{swatch}<span>{text(actor.name)}</span></li>")
    parts.append('</ul><h3>Personnel (circle area)</h3><ul class="pm-key-list">')
    for size in style.legend_sizes:
        parts.append(f"<li>{circle_swatch(reported, radius=style.radius(size), color=grey)}{size:,}</li>")
    parts.append('</ul><h3>Status (line style)</h3><ul class="pm-key-list">')
    for look in style.site_looks:
        if looks is not None and look.name not in looks:
            continue
        radius = style.unknown_radius if look.name == "unknown" else min(style.unknown_radius, 8.0)
        meaning = LOOK_MEANINGS.get(look.name, look.name)
        parts.append(f"<li>{circle_swatch(look, radius=radius, color=grey)}<span>{text(meaning)}</span></li>")
    parts.append("</ul>")
    if movements:
        width = style.movement_width
        parts.append(
            '<h3>Movements</h3><ul class="pm-key-list">'
            f"<li>{line_swatch(grey, width=width)}<span>arrival, relocation, deployment</span></li>"
            f"<li>{line_swatch(grey, width=width, dash=style.withdrawal_dash)}<span>withdrawal</span></li>"
            '<li><span class="pm-far-sample">to …</span><span>its far end lies off the map</span></li></ul>'
        )
    if regions or shading:
        parts.append('<h3>Areas</h3><ul class="pm-key-list">')
        for name in regions:
            parts.append(
                f'<li><span class="pm-box" style="background:{text(style.region_color)}55;'
                f'border-color:{text(style.region_color)}"></span><span>{text(name)}</span></li>'
            )
        if shading:
            parts.append(
                f'<li><span class="pm-box" style="background:{text(style.shading_colors[-1])};'
                f'opacity:{style.shading_opacity:g}">'
                "</span><span>country shade: personnel in the phase</span></li>"
                '<li><span class="pm-box" style="background:none;border:1px dashed #7a6a4f"></span>'
                "<span>dashed outline: no figure recorded in the phase</span></li>"
            )
        parts.append("</ul>")
    parts.append(
        '<p class="pm-cite">Tap or click a circle for the figure as reported, its range and sources.</p>'
    )
    return "".join(parts)
