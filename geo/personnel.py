"""Turn personnel figures, as reports write them, into numbers.

Reports rarely give an exact count: "about 1,000", "over a thousand",
"some 1,000 to 1,500 French troops", "a few hundred".  posturemap keeps that
wording and derives three numbers from it: ``minimum`` and ``maximum``
(``None`` when open) and a central ``estimate``, with
``minimum <= estimate <= maximum`` whenever the bounds are given.  The
qualifiers and nouns are in :mod:`posturemap.geo.settings`, the vague
quantities in :attr:`~posturemap.geo.settings.Settings.vague_quantities`, and
every form is in the README's table.

Separators are never guessed: ``1.500``, ``1 500`` and ``5.000`` are errors
that say how to write the number, unless the scenario declares
``number_format: de`` (``1.500``) or ``fr`` (``1 500``).

Examples
--------
>>> parse_personnel("about 1,000")
Personnel(text='about 1,000', minimum=900, maximum=1100, estimate=1000)
>>> parse_personnel("over a thousand")
Personnel(text='over a thousand', minimum=1000, maximum=None, estimate=1000)
>>> parse_personnel("about 1,000 to 1,500 French troops").estimate
1250
>>> parse_personnel("1.500", number_format="de").estimate
1500
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import settings as configuration
from .numbers import QUANTITY as _QUANTITY
from .numbers import SCALES as _SCALES
from .numbers import UNITS as _UNITS
from .numbers import UNKNOWN_WORDS as _UNKNOWN_WORDS
from .numbers import read_digits as _digits
from .numbers import read_quantity as _quantity
from .settings import DEFAULT_SETTINGS, Settings

ACCEPTED_FORMS = (
    "a whole number (1000, 1,000), or the report's wording such as 'about 1,000', "
    "'over 1,000 troops', 'at least 100', 'up to 100', '1,000-1,100', 'about 1,000 to 1,500', "
    "'1,000 or so', 'over a thousand', '400 special forces', or null when no figure is given"
)

_APPROXIMATE = "|".join(
    re.escape(word) for word, rule in configuration.PERSONNEL_RULES if rule == "approximate"
)
_HEDGE = rf"(?:(?:{_APPROXIMATE})\s*)?"
_RANGE = re.compile(
    rf"between\s+{_HEDGE}(?P<low1>{_QUANTITY})\s*(?:and|-|to)\s*{_HEDGE}(?P<high1>{_QUANTITY})"
    rf"|(?:from\s+)?{_HEDGE}(?P<low2>{_QUANTITY})\s*(?:-|to)\s*{_HEDGE}(?P<high2>{_QUANTITY})"
)
#: Words that end the noun phrase's adjectives: numbers, qualifiers, joins.
_NOT_ADJECTIVES = frozenset(
    [
        *_UNITS,
        *_SCALES,
        *(f"{scale}s" for scale in _SCALES),
        *("or", "plus", "than", "to", "between", "more", "less", "fewer", "over", "under", "up"),
        *("about", "around", "some", "nearly", "almost", "few", "several", "dozens", "hundreds"),
        *("thousands", "tens", "handful", "couple", "per", "each", "odd", "so", "least", "most"),
        *("of", "additional", "extra", "other", "another", "including"),
    ]
)

_ADJECTIVE = re.compile(r"[^\W\d_][\w.'-]*")
# Compiled once: a table of 100,000 figures calls the parser for each distinct one.
_NARROW_SPACES = re.compile(r"[\u00a0\u202f]")
_SPACES = re.compile(r"[ \t\r\n]+")
_DASHES = re.compile(r"[–—‒−]")
_NEGATIVE = re.compile(r"-\s*\d")
_WHOLE_QUANTITY = re.compile(_QUANTITY)
_DIGIT = re.compile(r"\d")
_DIGITS_ONLY = re.compile(r"[\d.,'\s]+")
#: A whole count in ASCII digits, grouped by commas or not, exact as a float.
_PLAIN_COUNT = re.compile(r"[0-9]{1,15}|[0-9]{1,3}(?:,[0-9]{3}){1,4}")


@dataclass(frozen=True)
class Personnel:
    """A personnel figure as reported, and the numbers derived from it."""

    text: str | None
    minimum: int | None
    maximum: int | None
    estimate: int | None

    @property
    def known(self) -> bool:
        return self.estimate is not None

    def describe_range(self) -> str:
        """The derived range in words, e.g. ``900–1,100`` or ``at least 1,000``."""
        if self.estimate is None:
            return "unknown"
        if self.minimum == self.maximum:
            return f"{self.minimum:,}"
        if self.maximum is None:
            return f"at least {self.minimum:,}"
        if self.minimum is None:
            return f"up to {self.maximum:,}"
        return f"{self.minimum:,}–{self.maximum:,}"


UNKNOWN = Personnel(None, None, None, None)


def combine(figures: list[Personnel]) -> Personnel:
    """One figure from several reports of the same thing: the envelope of their ranges.

    >>> combine([parse_personnel("about 1,000"), parse_personnel("over a thousand")])
    Personnel(text='about 1,000; over a thousand', minimum=900, maximum=None, estimate=1000)
    """
    known = [figure for figure in figures if figure.known]
    text = "; ".join(figure.text for figure in figures if figure.text) or None
    if not known:
        return Personnel(text, None, None, None)
    minimums = [figure.minimum for figure in known]
    maximums = [figure.maximum for figure in known]
    return Personnel(
        text,
        None if None in minimums else min(minimums),
        None if None in maximums else max(maximums),
        round(sum(figure.estimate for figure in known) / len(known)),
    )


def _is_noun(word: str) -> bool:
    nouns = configuration.PERSONNEL_NOUNS
    return word in nouns or f"{word}s" in nouns or (word.endswith("'s") and word[:-2] in nouns)


def _strip_noun_phrase(text: str) -> str:
    """Drop a trailing noun phrase: adjectives then a personnel noun ("special forces").

    The last word must be a noun of :data:`settings.PERSONNEL_NOUNS`; the words
    before it may be any adjectives ("French", "US", "special"), but no number,
    qualifier or join ("and 200", "plus", "or so"), so nothing that changes the
    figure is dropped with the noun.  An "of" before the phrase goes too
    ("hundreds of troops").
    """
    words = text.split(" ")
    if len(words) < 2 or not _is_noun(words[-1]):
        return text
    end = len(words) - 1
    while end > 1 and _ADJECTIVE.fullmatch(words[end - 1]) and words[end - 1] not in _NOT_ADJECTIVES:
        end -= 1
    if words[end - 1] == "of" and end > 1:
        end -= 1
    return " ".join(words[:end])


def _split_trailing(text: str) -> tuple[str, str | None]:
    for words, rule in configuration.PERSONNEL_TRAILING_RULES:
        if text.endswith(words) and len(text) > len(words):
            rest = text[: -len(words)].rstrip()
            if words[0].isalpha() and not text[: -len(words)].endswith((" ", "-")):
                continue  # "hundred" does not end in the qualifier "odd"
            return rest.rstrip("-").rstrip(), rule
    return text, None


def _split_leading(text: str) -> tuple[str, str | None]:
    for words, rule in configuration.PERSONNEL_RULES:
        if text.startswith(words):
            rest = text[len(words) :]
            if words[-1].isalpha() and rest and rest[0].isalnum():
                continue  # "overall" is not "over"
            return rest.strip(), rule
    return text, None


def _apply_rule(
    original: str, low: int, high: int | None, estimate: int, rule: str | None, tolerance: float
) -> Personnel:
    """A figure's range under a qualifier; ``low``/``high`` are the figure's own bounds."""
    if rule in (None, "exact"):
        return Personnel(original, low, high, estimate)
    if rule == "approximate":
        if low != high:  # a range or a vague word already carries its uncertainty
            return Personnel(original, low, high, estimate)
        spread = round(estimate * tolerance)
        return Personnel(original, estimate - spread, estimate + spread, estimate)
    if rule == "lower_bound":
        return Personnel(original, low, None, max(estimate, low))
    if rule == "upper_bound":
        return Personnel(original, None, high, estimate)
    if rule == "nearly":
        top = high if high is not None else estimate
        return Personnel(original, top - round(top * tolerance), top, top)
    msg = f"unknown personnel rule {rule!r}"
    raise AssertionError(msg)


def _refusal(original: str, settings: Settings) -> ValueError:
    vague = ", ".join(f"'{word}'" for word in settings.vague_quantities)
    msg = (
        f"{original!r} is not a personnel figure; write {ACCEPTED_FORMS}. "
        f"Vague words with a documented range: {vague}"
    )
    return ValueError(msg)


def parse_personnel(
    value: object, *, number_format: str = "en", settings: Settings = DEFAULT_SETTINGS
) -> Personnel:
    """Parse a personnel figure.

    Parameters
    ----------
    value : int, str or None
        A count, or the wording of a report.  A number read from YAML keeps
        the text it was written as (see :mod:`posturemap.geo.yamlsource`),
        so ``5.000`` is checked as written, not as the float 5.0.
    number_format : {"en", "de", "fr"}
        Which separators group thousands and mark decimals (the scenario's
        ``number_format:``); see :data:`settings.NUMBER_FORMATS`.
    settings : Settings
        The tolerance of "about" and the ranges of vague words.

    Returns
    -------
    Personnel
        The text kept as given, with minimum, maximum and estimate.

    Raises
    ------
    ValueError
        When the value is negative, not a whole number, written with
        separators that do not fit ``number_format``, or not an accepted
        phrasing; the message says what to write instead.
    """
    if value is None:
        return UNKNOWN
    written = getattr(value, "written", None)
    if isinstance(written, str):
        value = written
    if isinstance(value, bool):
        msg = f"{value!r} is not a number; write {ACCEPTED_FORMS}"
        raise ValueError(msg)
    if isinstance(value, int):
        if value < 0:
            msg = f"{value} is negative; personnel counts start at 0"
            raise ValueError(msg)
        return Personnel(str(value), value, value, value)
    if isinstance(value, float):
        if value < 0 or value != value or value in (float("inf"), float("-inf")) or value != int(value):
            msg = f"{value} is not a whole, non-negative number of people"
            raise ValueError(msg)
        return Personnel(str(int(value)), int(value), int(value), int(value))
    if not isinstance(value, str):
        kind = "mapping" if isinstance(value, dict) else "list" if isinstance(value, list) else "value"
        msg = f"got a {kind}; write {ACCEPTED_FORMS}"
        raise ValueError(msg)
    if number_format not in configuration.NUMBER_FORMATS:
        msg = (
            f"unknown number format {number_format!r}; use one of: {', '.join(configuration.NUMBER_FORMATS)}"
        )
        raise ValueError(msg)

    original = value.strip()
    if (
        _PLAIN_COUNT.fullmatch(original)
        and (number_format == "en" or "," not in original)
        and original not in settings.vague_quantities
    ):  # "1500", "1,500": what the steps below make of it, without them (the most common figure)
        count = int(original.replace(",", ""))
        return Personnel(original, count, count, count)
    text = _NARROW_SPACES.sub(" " if number_format == "fr" else "\u00a0", original.casefold())
    text = _SPACES.sub(" ", text).replace("\u00a0", " ")
    text = _DASHES.sub("-", text).strip(" .;:")
    if text in _UNKNOWN_WORDS:
        return Personnel(original or None, None, None, None)
    if _NEGATIVE.match(text):
        msg = f"{original!r} is negative; personnel counts start at 0"
        raise ValueError(msg)

    core, trailing = _split_trailing(text)
    core = _strip_noun_phrase(core)
    if trailing is None:
        core, trailing = _split_trailing(core)
    core, leading = _split_leading(core)
    if leading is not None and trailing is not None and leading != trailing:
        msg = f"{original!r} qualifies the figure twice ({leading} and {trailing}); keep one qualifier"
        raise ValueError(msg)
    rule = leading or trailing
    core = core.strip()

    vague = settings.vague_quantities.get(core)
    if vague is not None:
        low, high = vague
        return _apply_rule(original, low, high, round((low + high) / 2), rule, settings.approximate_tolerance)

    range_match = _RANGE.fullmatch(core)
    if range_match:
        low_text = range_match["low1"] or range_match["low2"]
        high_text = range_match["high1"] or range_match["high2"]
        low = _quantity(low_text, number_format=number_format, original=original)
        high = _quantity(high_text, number_format=number_format, original=original)
        if low is not None and high is not None:
            if low > high:
                msg = f"{original!r}: the range runs backwards; write the lower bound first"
                raise ValueError(msg)
            if rule not in (None, "approximate", "exact"):
                msg = (
                    f"{original!r}: a range cannot also be a bound ({rule.replace('_', ' ')}); "
                    "write the range alone, e.g. '1,000-1,500'"
                )
                raise ValueError(msg)
            return Personnel(original, low, high, round((low + high) / 2))

    if _WHOLE_QUANTITY.fullmatch(core):
        amount = _quantity(core, number_format=number_format, original=original)
        if amount is not None:
            return _apply_rule(original, amount, amount, amount, rule, settings.approximate_tolerance)
    if _DIGIT.search(core) and _DIGITS_ONLY.fullmatch(core):
        _digits(core, scaled=False, number_format=number_format, original=original)
    raise _refusal(original, settings)


class FigureCache:
    """Figures read by :func:`parse_personnel`, each wording once.

    Figures repeat ("about 100", 0, null); a :class:`Personnel` is frozen, so
    the records that give the same wording can share it.
    """

    def __init__(self, settings: Settings = DEFAULT_SETTINGS):
        self.settings = settings
        self._found: dict[tuple[object, ...], Personnel | str] = {}

    def read(self, value: object, number_format: str) -> Personnel | str:
        """The figure ``value`` gives, or the problem with it (the message of the ``ValueError``)."""
        key: tuple[object, ...] | None = (number_format, type(value), value, getattr(value, "written", None))
        try:
            found = self._found.get(key)  # type: ignore[arg-type]
        except TypeError:  # a list or a mapping: not a figure, and not kept
            found, key = None, None
        if found is None:
            try:
                found = parse_personnel(value, number_format=number_format, settings=self.settings)
            except ValueError as error:
                found = str(error)
            if key is not None:
                self._found[key] = found
        return found
