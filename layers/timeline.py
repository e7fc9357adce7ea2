"""The timeline: dated events with their sources, each tied to the phase it falls in."""

from __future__ import annotations

from .elements import text


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


def event_phase(scenario, event) -> str:
    """The id of the phase an event falls in: the last phase dated on or before it
    (the first phase for an event before every phase)."""
    chosen = scenario.phases[0].id
    for phase in scenario.phases:
        if phase.date <= event.date:
            chosen = phase.id
    return chosen


def timeline_html(scenario, places) -> str | None:
    """Events in date order as escaped HTML, or None without events.

    Each item names its phase (``data-phase``), so the page highlights the
    events of the phase shown; an event with a place flies the map there.
    """
    if not scenario.events:
        return None
    located = places.set_index("place")
    items = []
    for event in scenario.events:
        if event.place:
            point = located.loc[event.place].geometry
            what = (
                f'<button type="button" class="pm-fly" data-lat="{point.y:.5f}" data-lon="{point.x:.5f}">'
                f"{text(event.text)}</button>"
            )
        else:
            what = f"<span>{text(event.text)}</span>"
        items.append(
            f'<li data-phase="{text(event_phase(scenario, event))}"><time>{text(_event_date(event))}</time>'
            f'{what}<div class="pm-cite">{source_links(event.sources, scenario)}</div></li>'
        )
    return "<ol>" + "".join(items) + "</ol>"
