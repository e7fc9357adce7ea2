"""What a report's sentences name: places, nations, personnel figures and dates.

Everything found is a span of the sentence it was found in, so a draft built
from it can point to the paragraph and quote the words; nothing is inferred
beyond the sentence.

- **Nations**: country names, their other names and demonyms (``Nigerien``,
  ``U.S.``), from :mod:`posturemap.geo.countries`.
- **Places**: runs of capitalised words whose whole run is the primary name
  of a gazetteer entry: a country, a capital, an airport, a town of at least
  :attr:`~posturemap.geo.settings.Settings.draft_min_population` people, or of
  :attr:`~posturemap.geo.settings.Settings.draft_min_population_after_preposition`
  when a word such as "in" or "near" comes before it.  A person's surname
  that is also a town (``Kurt Campbell``) is not a place: the whole run must
  be the name.
- **Figures**: a quantity and a force noun, read by
  :func:`~posturemap.geo.personnel.parse_personnel` itself, so a figure found
  is a figure the format accepts (``about 1,000 U.S. troops``).
- **Dates**: ``19 May 2024``, ``May 19, 2024``, ``May 2024``, ``2024-05-19``,
  ``in 2024``; a month without a year is reported as such, never completed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from . import settings as configuration
from .gazetteer import GazetteerPlace, lookup, normalize
from .personnel import parse_personnel
from .settings import DEFAULT_SETTINGS, Settings

#: Words before a name that say it is a place.
PLACE_PREPOSITIONS = frozenset(
    ("in", "at", "near", "outside", "from", "to", "into", "toward", "towards", "around", "via", "across")
)
#: Personnel nouns that say a figure is of forces; "people" or "staff" alone may be civilians.
FORCE_NOUNS = frozenset(configuration.PERSONNEL_NOUNS) - {"people", "men", "women", "staff", "members"}
#: Short names of nations written in capitals, which other texts use for other things.
SHORT_NATION_NAMES = {"US": "US", "USA": "US", "UK": "GB", "UAE": "AE", "DRC": "CD"}
#: Names of nations that the country data does not list.
NATION_ALIASES = {"britain": "GB"}
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted((m.capitalize() for m in _MONTHS), key=len, reverse=True)) + r")\.?"
_DATES = [
    re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MONTH}\s+(?P<year>(?:19|20)\d\d)\b"),
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>(?:19|20)\d\d)\b"),
    re.compile(rf"\b{_MONTH}\s+(?:of\s+)?(?P<year>(?:19|20)\d\d)\b"),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b"),
    re.compile(r"\b(?:in|since|during|by|until|from|early|late|mid-)\s*(?P<year>(?:19|20)\d\d)\b"),
]
_YEARLESS = re.compile(rf"\b(?:in|by|on|since|until|early|late|mid-|of)\s*{_MONTH}\b(?!\s+\d)")
#: Capitalised words that start a run but are not part of a name.
_STOP = frozenset(
    (
        *("the", "a", "an", "in", "on", "at", "from", "to", "for", "with", "by", "as", "after", "before"),
        *("during", "since", "until", "while", "although", "despite", "following", "according", "near"),
        *("and", "but", "or", "meanwhile", "then", "this", "that", "these", "those", "its", "their", "his"),
        *("her", "our", "some", "many", "about", "over", "under", "if", "when", "where", "yet", "however"),
        *("amid", "amidst", "thus", "also", "both", "each", "all", "most", "more", "no", "not", "it"),
        *("president", "minister", "prime", "deputy", "secretary", "general", "gen", "colonel", "mr"),
        *("mrs", "ms", "dr", "sen", "senator", "spokesman", "spokeswoman", "officials", "official"),
        *(name for name in _MONTHS),
        *(day.lower() for day in calendar.day_name),
    )
)
_WORD = re.compile(r"[^\W\d_][\w’'.\-]*")
_JOINERS = frozenset(("of", "de", "du", "des", "la", "le", "el", "al", "da", "do", "dos", "di", "van", "von"))


@dataclass(frozen=True)
class Span:
    """Words of a sentence: where they are and what they name."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Name(Span):
    """A nation (``code``) or a gazetteer place (``place``) or both, named in a sentence."""

    code: str | None = None
    place: GazetteerPlace | None = None
    candidates: tuple[GazetteerPlace, ...] = ()
    demonym: bool = False


@dataclass(frozen=True)
class Found:
    """A dated phrase: ``date`` (ISO, possibly partial) or ``None`` when it gives no year."""

    text: str
    date: str | None


def slug(text: str) -> str:
    """An id from a name: ``Burkina Faso`` -> ``burkina-faso``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@cache
def nation_names() -> dict[str, tuple[str, bool]]:
    """Normalised names of nations -> (ISO code, whether the name is a demonym)."""
    from .countries import countries

    names: dict[str, tuple[str, bool]] = {}
    for code, country in sorted(countries().items(), key=lambda item: -item[1].population):
        for name in (country.name, *country.alternate_names):
            key = normalize(name)
            if len(key) > 3 and key.isascii():
                names.setdefault(key, (code, False))
        if country.demonym:
            for form in (country.demonym, country.demonym + "s"):
                names.setdefault(normalize(form), (code, True))
    for alias, code in NATION_ALIASES.items():
        names.setdefault(alias, (code, False))
    return names


def _strip(word: str) -> str:
    word = re.sub(r"[’']s$", "", word)
    return word if re.fullmatch(r"(?:[A-Z]\.){2,}", word) else word.rstrip(".")


def _runs(sentence: str) -> list[list[re.Match]]:
    """Runs of capitalised words, with joiners such as "of" between them, unbroken by punctuation."""
    runs: list[list[re.Match]] = []
    current: list[re.Match] = []
    pending: list[re.Match] = []
    last_end: int | None = None
    for match in _WORD.finditer(sentence):
        joined = last_end is not None and not sentence[last_end : match.start()].strip()
        word = match.group()
        if word[0].isupper():
            if current and joined:
                current.extend(pending)
                current.append(match)
            else:
                if current:
                    runs.append(current)
                current = [match]
            pending = []
        elif current and joined and word in _JOINERS and not pending:
            pending = [match]
        else:
            if current:
                runs.append(current)
            current, pending = [], []
        last_end = match.end()
    if current:
        runs.append(current)
    return runs


def _credible(place: GazetteerPlace, after_preposition: bool, settings: Settings) -> bool:
    if place.feature in ("country", "capital", "airport"):
        return True
    if after_preposition:
        return place.population >= settings.draft_min_population_after_preposition
    return place.population >= settings.draft_min_population


def names(sentence: str, *, settings: Settings = DEFAULT_SETTINGS) -> list[Name]:
    """The nations and places a sentence names, in order."""
    found: list[Name] = []
    for run in _runs(sentence):
        while run and run[0].group().lower() in _STOP:
            run = run[1:]
        while run and run[-1].group() in _JOINERS:
            run = run[:-1]
        if not run:
            continue
        start, end = run[0].start(), run[-1].end()
        text = _strip(sentence[start:end])
        end = start + len(text)
        before = sentence[:start].split()
        after_preposition = bool(before) and before[-1].lower() in PLACE_PREPOSITIONS
        nation = _nation(text)
        matches = [place for place, primary in lookup(normalize(text)) if primary] if normalize(text) else []
        credible = tuple(place for place in matches if _credible(place, after_preposition, settings))
        countries = [place for place in credible if place.feature == "country"]
        if nation and nation[1]:  # a demonym: a nation, never a place
            found.append(Name(text, start, end, code=nation[0], demonym=True))
        elif countries or nation:
            code = countries[0].country if countries else nation[0]  # type: ignore[index]
            found.append(Name(text, start, end, code=code, place=countries[0] if countries else None))
        elif credible:
            found.append(Name(text, start, end, candidates=credible))
        else:
            # Words of a longer run may each name a nation ("Russian military instructors").
            for match in run:
                word = _strip(match.group())
                nation = _nation(word)
                if nation:
                    found.append(
                        Name(word, match.start(), match.start() + len(word), nation[0], demonym=nation[1])
                    )
    return found


def _nation(text: str) -> tuple[str, bool] | None:
    if text.replace(".", "") in SHORT_NATION_NAMES and (text.isupper() or "." in text):
        return SHORT_NATION_NAMES[text.replace(".", "")], False
    return nation_names().get(normalize(text))


def figures(sentence: str, *, number_format: str = "en") -> list[Span]:
    """Personnel figures in a sentence: a quantity and a force noun, as the format reads them."""
    found: list[Span] = []
    words = list(re.finditer(r"\S+", sentence))
    for index, word in enumerate(words):
        noun = re.sub(r"[^\w’'-]+$", "", word.group()).lower()
        if noun not in FORCE_NOUNS:
            continue
        end = word.start() + len(re.sub(r"[^\w’'-]+$", "", word.group()))
        for first in range(max(0, index - 8), index):
            if found and words[first].start() < found[-1].end:
                continue
            phrase = sentence[words[first].start() : end]
            opening = words[first].group().lower().strip('("“')
            if not opening or not (opening[0].isdigit() or opening in _QUANTITY_OPENERS):
                continue
            following = words[first + 1].group().lower() if first + 1 < len(words) else ""
            if opening in ("a", "an") and following not in _AFTER_ARTICLE:
                continue  # "an agreement that allows U.S. troops" is no count
            if (
                re.match(r"(?:19|20)\d\d\b", opening)
                and first > 0
                and words[first - 1].group().lower()
                in (
                    "in",
                    "since",
                    "by",
                    "during",
                    "of",
                )
            ):
                continue  # a year, not a count
            try:
                personnel = parse_personnel(phrase, number_format=number_format)
            except ValueError:
                continue
            if personnel.estimate:
                found.append(Span(phrase, words[first].start(), end))
                break
    return found


_QUANTITY_OPENERS = frozenset(
    (
        *("about", "approximately", "around", "roughly", "some", "nearly", "almost", "over", "more"),
        *("fewer", "less", "at", "up", "as", "an", "close", "upwards", "well", "just", "a", "one", "two"),
        *("three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "fifteen"),
        *("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred"),
        *("hundreds", "thousands", "dozens", "several", "between", "from", "circa", "c.", "~"),
    )
)


_AFTER_ARTICLE = frozenset(("thousand", "hundred", "dozen", "few", "handful", "couple", "estimated", "total"))


def dates(sentence: str) -> list[Found]:
    """Dates a sentence gives, as ISO text (``2024-05-19``, ``2024-05``, ``2024``), and yearless months."""
    found, taken = [], []
    for pattern in _DATES:
        for match in pattern.finditer(sentence):
            if any(start <= match.start() < end for start, end in taken):
                continue
            groups = match.groupdict()
            month = groups.get("month")
            month_number = int(month) if month and month.isdigit() else _MONTHS.get((month or "").lower())
            try:
                if groups.get("day"):
                    date = dt.date(int(groups["year"]), month_number or 0, int(groups["day"])).isoformat()
                elif month_number:
                    date = f"{int(groups['year']):04d}-{month_number:02d}"
                else:
                    date = groups["year"]
            except ValueError:
                continue
            taken.append((match.start(), match.end()))
            found.append(Found(match.group(), date))
    for match in _YEARLESS.finditer(sentence):
        if not any(start <= match.start() < end for start, end in taken):
            found.append(Found(match.group(), None))
    return found
