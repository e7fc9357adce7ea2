"""Turn personnel figures, as reports write them, into numbers.

Reports rarely give an exact count: "about 1,000", "over a thousand",
"roughly 100".  posturemap keeps that wording and derives three numbers from
it: ``minimum``, ``maximum`` (``None`` when open) and a central ``estimate``.
The rules are in :data:`posturemap.geo.settings.PERSONNEL_RULES` and in the
README.

Examples
--------
>>> parse_personnel("about 1,000")
Personnel(text='about 1,000', minimum=900, maximum=1100, estimate=1000)
>>> parse_personnel("over a thousand")
Personnel(text='over a thousand', minimum=1000, maximum=None, estimate=1000)
>>> parse_personnel("1,000-1,100").estimate
1050
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import settings

ACCEPTED_FORMS = (
    "a whole number (1000), or text such as 'about 1,000', 'over 1,000', 'at least 100', "
    "'up to 100', '1,000-1,100', '~100', 'over a thousand', 'several hundred', or null"
)

_UNITS = {
    "zero": 0,
    "none": 0,
    "no": 0,
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"dozen": 12, "hundred": 100, "thousand": 1000, "k": 1000, "million": 1_000_000}

_NUMBER = r"\d[\d,\s]*(?:\.\d+)?\s*(?:k|thousand|million|hundred)?"
_WORDS = (
    r"(?:(?:" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")[\s-]*)+"
    r"(?:(?:" + "|".join(_SCALES) + r")s?\b[\s-]*)*"
)
_QUANTITY = rf"(?:{_NUMBER}|{_WORDS})"


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


def _quantity(text: str) -> int | None:
    """Read one quantity: digits with separators and a scale, or number words."""
    text = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    match = re.fullmatch(r"(\d[\d,\s]*(?:\.\d+)?)\s*(k|thousand|million|hundred)?", text)
    if match:
        digits = re.sub(r"[,\s]", "", match.group(1))
        value = float(digits)
        if match.group(2):
            value *= _SCALES[match.group(2)]
        return round(value)
    total, current = 0, 0
    for word in re.split(r"[\s-]+", text):
        if not word or word == "and":
            continue
        singular = word[:-1] if word.endswith("s") and word[:-1] in _SCALES else word
        if word in _UNITS:
            current += _UNITS[word]
        elif singular in _SCALES:
            scale = _SCALES[singular]
            current = max(current, 1) * scale
            if scale >= 1000:
                total, current = total + current, 0
        else:
            return None
    return total + current


def _strip_noun(text: str) -> str:
    for noun in sorted(settings.PERSONNEL_NOUNS, key=len, reverse=True):
        if text.endswith(" " + noun):
            return text[: -len(noun) - 1].rstrip()
    return text


def parse_personnel(value: object) -> Personnel:
    """Parse a personnel figure.

    Parameters
    ----------
    value : int, str or None
        A count, or the wording of a report.

    Returns
    -------
    Personnel
        The text kept as given, with minimum, maximum and estimate.

    Raises
    ------
    ValueError
        When the value is negative, not a number, or not an accepted phrasing;
        the message lists the accepted forms.
    """
    if value is None:
        return UNKNOWN
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number; write {ACCEPTED_FORMS}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"{value} is negative; personnel counts start at 0")
        return Personnel(str(value), value, value, value)
    if isinstance(value, float):
        if value < 0 or value != int(value):
            raise ValueError(f"{value} is not a whole, non-negative number of people")
        return Personnel(str(int(value)), int(value), int(value), int(value))
    if not isinstance(value, str):
        kind = "mapping" if isinstance(value, dict) else "list" if isinstance(value, list) else "value"
        raise ValueError(f"got a {kind}; write {ACCEPTED_FORMS}")

    original = value.strip()
    text = re.sub(r"\s+", " ", original.lower()).replace("–", "-").replace("—", "-")
    if text in ("", "unknown", "?", "n/a", "null"):
        return Personnel(original or None, None, None, None)
    if text.startswith("-") and re.fullmatch(r"-\s*\d[\d,]*", text):
        raise ValueError(f"{original!r} is negative; personnel counts start at 0")
    text = _strip_noun(text)

    for vague, (minimum, maximum) in settings.PERSONNEL_VAGUE.items():
        if text == vague:
            return Personnel(original, minimum, maximum, round((minimum + maximum) / 2))

    range_match = re.fullmatch(rf"(?:between\s+)?({_QUANTITY})\s*(?:-|to|and)\s*({_QUANTITY})", text)
    if range_match:
        low, high = _quantity(range_match.group(1)), _quantity(range_match.group(2))
        if low is not None and high is not None:
            if low > high:
                raise ValueError(f"{original!r}: the range runs backwards; write the lower bound first")
            return Personnel(original, low, high, round((low + high) / 2))

    plus = re.fullmatch(rf"({_QUANTITY})\s*\+", text)
    if plus and (amount := _quantity(plus.group(1))) is not None:
        return Personnel(original, amount, None, amount)

    for qualifier, rule in settings.PERSONNEL_RULES:
        if text.startswith(qualifier):
            rest = text[len(qualifier) :].strip()
            amount = _quantity(rest) if re.fullmatch(_QUANTITY, rest) else None
            if amount is None:
                break
            return _apply_rule(original, amount, rule)

    if re.fullmatch(_QUANTITY, text) and (amount := _quantity(text)) is not None:
        return Personnel(original, amount, amount, amount)
    raise ValueError(f"{original!r} is not a personnel figure; write {ACCEPTED_FORMS}")


def _apply_rule(original: str, amount: int, rule: str) -> Personnel:
    tolerance = settings.PERSONNEL_APPROXIMATE_TOLERANCE
    if rule == "approximate":
        spread = round(amount * tolerance)
        return Personnel(original, amount - spread, amount + spread, amount)
    if rule == "lower_bound":
        return Personnel(original, amount, None, amount)
    if rule == "upper_bound":
        return Personnel(original, None, amount, amount)
    if rule == "nearly":
        return Personnel(original, amount - round(amount * tolerance), amount, amount)
    msg = f"unknown personnel rule {rule!r}"
    raise AssertionError(msg)
