"""A draft scenario from report texts, for a person to review (``posturemap draft``).

Each report becomes a source; what its sentences name (:mod:`posturemap.geo.extract`)
becomes places, actors, candidate deployments and candidate events, each
citing the paragraph it came from (``source#N``, body paragraphs from 1, the
headline excluded).  Nothing is added that the text does not say: phases are
left for the person to choose, a figure whose nation or place the sentence
does not name is written as a comment, and so is a name the gazetteer cannot
tell apart or a month given without a year.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .countries import countries
from .errors import printable
from .extract import PLACE_PREPOSITIONS, Name, dates, figures, names, slug
from .gazetteer import GazetteerPlace
from .reports import Report, sentences
from .settings import DEFAULT_SETTINGS, Settings

#: Words before a place that make it where someone spoke, not where forces are.
_ATTRIBUTION = re.compile(r"\b(?:according to|said|says|told|announced|officials?|spokes\w*)\b", re.I)
#: What a person replaces before the draft validates: the phases' dates.
CHOOSE_DATE = "CHOOSE-YYYY-MM-DD"
_KINDS = {"country": "country", "capital": "capital", "city": "city", "airport": "airbase"}


@dataclass
class _Place:
    id: str
    place: GazetteerPlace
    name: str
    note: str
    cited: list[str] = field(default_factory=list)


@dataclass
class _Deployment:
    actor: str
    place: str
    figures: list[tuple[str, str]] = field(default_factory=list)  # wording, citation
    sentences: list[tuple[str, str]] = field(default_factory=list)  # citation, sentence


@dataclass
class Draft:
    """What the reports name, ready to write as YAML."""

    sources: list[tuple[str, Report]] = field(default_factory=list)
    actors: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # code -> id, citations
    places: dict[int, _Place] = field(default_factory=dict)  # geonameid -> place
    deployments: dict[tuple[str, str], _Deployment] = field(default_factory=dict)
    events: list[tuple[str, str, str | None, str]] = field(default_factory=list)  # date, text, place, cite
    comments: dict[str, list[str]] = field(default_factory=dict)  # section -> comment lines
    #: Countries the reports name as nations (titles included), to tell namesakes apart.
    context: frozenset[str] = frozenset()


def _unique(wanted: str, taken: Iterable[str], fallback: str) -> str:
    base = wanted or fallback
    taken = set(taken)
    ident, number = base, 2
    while ident in taken:
        ident, number = f"{base}-{number}", number + 1
    return ident


def _choose(
    candidates: tuple[GazetteerPlace, ...], settings: Settings, context: frozenset[str] = frozenset()
) -> GazetteerPlace | None:
    """The one candidate that clearly outweighs the others, or None when they are alike.

    Clearly: at least ``population_dominance`` squared times as many people as
    the next (Naples, Italy over Naples, Florida), or, failing that, the only
    one in a country the reports name (Gao in Mali, for reports about Mali).
    A town smaller than ``draft_min_population`` (found after "in", "at" ...)
    counts only in a country the reports name.
    """
    if context:
        # A small town counts only in a country the reports name: "at Madama" in a report on
        # Niger is not the Madama of another continent.
        candidates = tuple(
            place
            for place in candidates
            if place.country in context
            or place.feature in ("capital", "airport")
            or place.population >= settings.draft_min_population
        )
    for pool in (candidates, tuple(place for place in candidates if place.country in context)):
        ranked = sorted(pool, key=lambda place: (-place.population, place.geonameid))
        if len(ranked) == 1:
            return ranked[0]
        if ranked and ranked[0].population >= max(ranked[1].population, 1) * settings.population_dominance**2:
            return ranked[0]
    return None


def _describe(place: GazetteerPlace) -> str:
    return f"{place.name} ({place.country}, {place.feature}, {place.population:,} people)"


def _context(reports: list[Report], settings: Settings) -> frozenset[str]:
    codes = set()
    for report in reports:
        for text in (report.title, *report.paragraphs):
            for sentence in sentences(text):
                for name in names(sentence, settings=settings):
                    if name.code:
                        codes.add(name.code)
    return frozenset(codes)


def draft_from_reports(reports: list[Report], *, settings: Settings = DEFAULT_SETTINGS) -> Draft:
    """Everything the reports name, each item citing its paragraph."""
    draft = Draft(context=_context(reports, settings))
    for report in reports:
        stem = slug(report.path.stem if report.path else "report")
        ident = _unique(
            stem if stem[:1].isalnum() else f"report-{stem}", (i for i, _ in draft.sources), "report"
        )
        draft.sources.append((ident, report))
        for number, paragraph in enumerate(report.paragraphs, 1):
            cite = f"{ident}#{number}"
            earlier: list[tuple[str, str]] = []  # (place id, country) named so far in the paragraph
            for sentence in sentences(paragraph):
                _read_sentence(draft, sentence, cite, earlier, settings)
    return draft


def _read_sentence(
    draft: Draft, sentence: str, cite: str, earlier: list[tuple[str, str]], settings: Settings
) -> None:
    named = names(sentence, settings=settings)
    place_ids: list[tuple[Name, str]] = []
    unresolved: list[str] = []
    for name in named:
        if name.code:
            actor_id = slug(countries()[name.code].name) if name.code in countries() else slug(name.code)
            entry = draft.actors.setdefault(name.code, (actor_id, []))
            if cite not in entry[1]:
                entry[1].append(cite)
        place = name.place or (_choose(name.candidates, settings, draft.context) if name.candidates else None)
        if name.candidates and place is None:
            listed = "; ".join(dict.fromkeys(_describe(c) for c in name.candidates[:6]))
            more = f" and {len(name.candidates) - 6} more" if len(name.candidates) > 6 else ""
            line = f"{name.text!r} ({cite}) may be any of: {listed}{more}"
            if line not in draft.comments.setdefault("places", []):
                draft.comments["places"].append(line)
            unresolved.append(name.text)
            continue
        if place is None:
            continue
        known = draft.places.get(place.geonameid)
        if known is None:
            ident = _unique(slug(place.name), (p.id for p in draft.places.values()), "place")
            known = draft.places[place.geonameid] = _Place(ident, place, name.text, sentence)
        if cite not in known.cited:
            known.cited.append(cite)
        place_ids.append((name, known.id))
    dated = [found.text for found in dates(sentence)]
    for figure in figures(sentence):
        if any(found.split()[-1] == figure.text.split()[0] for found in dated):
            continue  # "30 January 2025 the last soldiers": the number is the date's year
        country_of = {known.id: known.place.country for known in draft.places.values()}
        actor_code, place, from_paragraph = _who_and_where(
            sentence, figure, named, place_ids, country_of, earlier
        )
        actor = draft.actors[actor_code][0] if actor_code else None
        if from_paragraph and unresolved:
            place = None  # the sentence's own place may be the ambiguous one
        if actor is None or place is None:
            missing = " and ".join(
                what for what, value in (("nation", actor), ("place", place)) if value is None
            )
            ambiguous = f" (it names {', '.join(map(repr, unresolved))}: see places)" if unresolved else ""
            draft.comments.setdefault("deployments", []).append(
                f"{figure.text!r} ({cite}): no {missing} for it in the sentence{ambiguous}: {sentence}"
            )
            continue
        record = draft.deployments.setdefault((actor, place), _Deployment(actor, place))
        if (figure.text, cite) not in record.figures:
            record.figures.append((figure.text, cite))
            where = (
                " (the place is named earlier in the paragraph, not in this sentence)"
                if from_paragraph
                else ""
            )
            record.sentences.append((cite + where, sentence))
    earlier.extend(
        (ident, next(p.place.country for p in draft.places.values() if p.id == ident))
        for _, ident in place_ids
    )
    for found in dates(sentence):
        if found.date is None:
            draft.comments.setdefault("events", []).append(
                f"{found.text!r} gives no year ({cite}); add the year to make it an event: {sentence}"
            )
            continue
        single = {ident for _, ident in place_ids}
        draft.events.append((found.date, sentence, single.pop() if len(single) == 1 else None, cite))


def _who_and_where(
    sentence: str,
    figure,
    named: list[Name],
    place_ids: list[tuple[Name, str]],
    country_of: dict[str, str],
    earlier: list[tuple[str, str]],
) -> tuple[str | None, str | None, bool]:
    """A figure's nation, its place, and whether the place comes from earlier in the paragraph.

    The nation is the one the figure's wording names ("1,000 U.S. troops"); else
    the nearest named before it that is not a location ("France sent 4,000
    troops", not "based in Chad ... 100 forces"); else one named after it
    with "from". The place is the first named after the figure, else the
    nearest before it, but not where someone spoke ("according to officials in
    Paris"); else the last named earlier in the paragraph outside the nation's
    own country.
    """
    after = [(name, ident) for name, ident in place_ids if name.start >= figure.end]
    before = [(name, ident) for name, ident in reversed(place_ids) if name.end <= figure.start]
    first_place = (after or before or [(None, None)])[0][1]
    nations = [name for name in named if name.code]

    def preceded_by(name: Name, words: frozenset[str]) -> bool:
        previous = sentence[: name.start].split()
        return bool(previous) and previous[-1].lower() in words

    inside = [name for name in nations if figure.start <= name.start < figure.end]
    subjects = [
        name
        for name in reversed(nations)
        if name.end <= figure.start
        and not preceded_by(name, PLACE_PREPOSITIONS)
        and name.code != country_of.get(first_place or "")
    ]
    origins = [
        name for name in nations if name.start >= figure.end and preceded_by(name, frozenset({"from"}))
    ]
    chosen = (inside or subjects or origins or [None])[0]
    actor = chosen.code if chosen else None
    for name, ident in after + before:
        if not _ATTRIBUTION.search(sentence[max(0, name.start - 40) : name.start]):
            return actor, ident, False
    if actor is not None:
        # Named earlier in the paragraph ("... troops from Niger. The partnership included ...").
        others = [ident for ident, country in earlier if country != actor]
        if others:
            return actor, others[-1], True
    return actor, None, False


def _scalar(value: object) -> str:
    """A YAML scalar, double-quoted for text (line breaks and controls escaped)."""
    if isinstance(value, str):
        return yaml.safe_dump(value, default_style='"', allow_unicode=True, width=math.inf).strip()
    return yaml.safe_dump(value, width=math.inf).strip().removesuffix("\n...").strip()


def _cited(citations: list[str]) -> str:
    """``a#1, a#2, b#1`` written ``a #1 #2; b #1``."""
    by_source: dict[str, list[str]] = {}
    for citation in citations:
        source, _, anchor = citation.partition("#")
        by_source.setdefault(source, []).append(f"#{anchor}")
    return "; ".join(f"{source} {' '.join(anchors)}" for source, anchors in by_source.items())


def _comment(text: str, indent: str = "  ") -> str:
    return f"{indent}# " + printable(" ".join(text.split()))


def write_draft(draft: Draft) -> str:
    """The draft as commented YAML text."""
    titles = [report.title for _, report in draft.sources]
    title = "Draft: " + titles[0] if len(titles) == 1 else f"Draft from {len(titles)} reports"
    lines = [
        "# A draft scenario written by `posturemap draft` from the reports below. Review every line:",
        "# each record cites the paragraph it comes from (source#N: body paragraphs from 1, headline",
        "# excluded), and nothing was checked against anything but the reports' text. Choose the",
        f"# phases (replace {CHOOSE_DATE}; rename them as you like), set each deployment's phase,",
        "# then run `posturemap validate --no-geocode FILE`.",
        f"title: {_scalar(title)}",
        "phases:",
        _comment("two or more, in date order; every deployment below says `phase: before` until you choose"),
        f"  - {{id: before, label: Before, date: {CHOOSE_DATE}}}",
        f"  - {{id: after, label: After, date: {CHOOSE_DATE}}}",
        "sources:",
    ]
    for ident, report in draft.sources:
        lines += [
            f"  - id: {ident}",
            f"    title: {_scalar(report.title or (report.path.name if report.path else ident))}",
            f"    paragraphs: {len(report.paragraphs)}",
        ]
    lines.append("actors:" if draft.actors else "actors: []")
    for code, (ident, cited) in draft.actors.items():
        lines.append(_comment(f"named in {_cited(cited)}"))
        lines.append(f"  - {{id: {ident}, name: {_scalar(countries()[code].name)}}}")
    lines.append("places:" if draft.places else "places: []")
    for known in draft.places.values():
        lines += [
            _comment(f"named in {_cited(known.cited)}"),
            f"  - id: {known.id}",
            f"    name: {_scalar(known.place.name)}",
            f"    query: {_scalar(known.name)}",
            f"    country: {known.place.country}",
            f"    kind: {_KINDS.get(known.place.feature, 'other')}",
            f"    note: {_scalar(known.note)}",
        ]
    lines += [_comment(f"not added, ambiguous: {text}") for text in draft.comments.get("places", [])]
    lines.append("deployments:" if draft.deployments else "deployments: []")
    for record in draft.deployments.values():
        lines += [_comment(f"{cite}: {sentence}") for cite, sentence in dict.fromkeys(record.sentences)]
        lines += [f"  - actor: {record.actor}", f"    place: {record.place}", "    phase: before"]
        if len(record.figures) == 1:
            wording, cite = record.figures[0]
            lines += [f"    personnel: {_scalar(wording)}", f"    sources: [{cite}]"]
        else:
            lines.append("    personnel:")
            lines += [f"      - {{value: {_scalar(w)}, sources: [{cite}]}}" for w, cite in record.figures]
    lines += [_comment(f"not added: {text}") for text in draft.comments.get("deployments", [])]
    lines.append("events:" if draft.events else "events: []")
    for date, text, place, cite in draft.events:
        where = f", place: {place}" if place else ""
        lines.append(f"  - {{date: {_scalar(date)}{where}, text: {_scalar(text)}, sources: [{cite}]}}")
    lines += [_comment(f"not added: {text}") for text in draft.comments.get("events", [])]
    return "\n".join(lines) + "\n"


def draft_scenario(paths: list[str | Path], *, settings: Settings = DEFAULT_SETTINGS) -> str:
    """Read the reports and return the draft scenario's YAML text.

    Raises
    ------
    ScenarioError
        For a report that cannot be read.
    """
    from .reports import read_report

    return write_draft(draft_from_reports([read_report(path) for path in paths], settings=settings))
