"""The timeline panel: dated events with their sources."""

from __future__ import annotations

from .elements import HtmlPanel, text


def _event_date(event) -> str:
    if event.date_text and len(event.date_text) < 10:
        return event.date_text
    return event.date.isoformat()


def source_links(refs, scenario) -> str:
    """Escaped citations; a title links only when its URL is http(s)."""
    parts = []
    for ref in refs:
        source = scenario.source(ref.source)
        anchor = f" ¶{text(ref.anchor)}" if ref.anchor else ""
        if source.url and source.url.lower().startswith(("http://", "https://")):
            label = (
                f'<a href="{text(source.url)}" target="_blank" rel="noopener noreferrer">'
                f"{text(source.title)}</a>"
            )
        else:
            label = text(source.title)
        parts.append(label + anchor)
    return "; ".join(parts)


def timeline_panel(scenario, places) -> HtmlPanel | None:
    """Events in date order; an event with a place flies the map there when clicked."""
    if not scenario.events:
        return None
    located = places.set_index("place")
    items = []
    for event in scenario.events:
        if event.place:
            point = located.loc[event.place].geometry
            what = (
                f'<button type="button" data-lat="{point.y:.5f}" data-lon="{point.x:.5f}">'
                f"{text(event.text)}</button>"
            )
        else:
            what = f"<span>{text(event.text)}</span>"
        items.append(
            f"<li><time>{text(_event_date(event))}</time>{what}"
            f'<div class="pm-cite">{source_links(event.sources, scenario)}</div></li>'
        )
    body = "<h3>Timeline</h3><ol>" + "".join(items) + "</ol>"
    return HtmlPanel(body, css_class="pm-timeline", fly=True)
