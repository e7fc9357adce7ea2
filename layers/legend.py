"""The legend: what sizes, colours, line styles and shading mean."""

from __future__ import annotations

from .elements import HtmlPanel, text
from .style import Style


def legend_html(
    actors, colors: dict[str, str], style: Style, *, movements: bool, regions: list[str], shading: bool
) -> str:
    parts = ["<h3>Legend</h3><ul>"]
    for actor in actors:
        color = text(colors[actor.id])
        parts.append(
            f'<li><span class="pm-swatch" style="width:14px;height:14px;'
            f'border-color:{color};background:{color}80"></span>{text(actor.name)}</li>'
        )
    parts.append("</ul><h3>Personnel (circle area)</h3><ul>")
    for size in style.legend_sizes:
        diameter = round(2 * style.radius(size))
        parts.append(
            f'<li><span class="pm-swatch" style="width:{diameter}px;height:{diameter}px;'
            f'border-color:#555;background:#5554"></span>{size:,}</li>'
        )
    unknown = round(2 * style.unknown_radius)
    parts.append(
        f'<li><span class="pm-swatch" style="width:{unknown}px;height:{unknown}px;'
        'border-color:#555;border-style:dashed"></span>present, size not reported</li>'
    )
    parts.append(
        f'<li><span class="pm-swatch" style="width:{unknown}px;height:{unknown}px;'
        'border-color:#555;border-style:dotted;background:none"></span>withdrawn</li>'
    )
    parts.append("</ul>")
    if movements:
        parts.append(
            '<h3>Movements</h3><ul><li><span class="pm-line" style="border-color:#555">'
            '</span>arrival / relocation</li><li><span class="pm-line" '
            'style="border-color:#555;border-top-style:dashed"></span>withdrawal</li></ul>'
        )
    if regions or shading:
        parts.append("<h3>Areas</h3><ul>")
        for name in regions:
            parts.append(
                f'<li><span class="pm-box" style="background:{text(style.region_color)}55;'
                f'border-color:{text(style.region_color)}"></span>{text(name)}</li>'
            )
        if shading:
            parts.append(
                f'<li><span class="pm-box" style="background:{text(style.shading_colors[-1])}">'
                "</span>country shade: personnel in the phase</li>"
                '<li><span class="pm-box" style="background:none;border:1px dashed #7a6a4f"></span>'
                "dashed outline: no figure recorded in the phase</li>"
            )
        parts.append("</ul>")
    parts.append(
        '<div class="pm-cite">Click a circle for the figure as reported, its range and sources.</div>'
    )
    return "".join(parts)


def legend_panel(actors, colors, style, **options) -> HtmlPanel:
    return HtmlPanel(legend_html(actors, colors, style, **options), css_class="pm-legend")
