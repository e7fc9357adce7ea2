"""Numbers as reports write them: digits with separators and a scale, or words.

``1,500``, ``1.5k``, ``one thousand``, ``a dozen``.  Separators are never
guessed: which ones are right depends on the scenario's ``number_format``.
:mod:`posturemap.geo.personnel` builds personnel figures on these readers.
"""

from __future__ import annotations

import re

from . import settings as configuration

UNITS = {
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
SCALES = {"dozen": 12, "hundred": 100, "thousand": 1000, "k": 1000, "million": 1_000_000}
UNKNOWN_WORDS = ("", "unknown", "?", "n/a", "null", "none given", "not given", "unspecified")

#: Digits and the separators any number format uses; which ones are right is
#: decided afterwards, against the declared format.
_DIGITS = r"\d(?:[\d.,'\u00a0\u202f ]*\d)?"
_SCALE = r"(?:k|thousand|million|hundred)"
_NUMBER = rf"{_DIGITS}(?:\s*{_SCALE}\b)?"
_WORD_GROUP = (
    r"(?:(?:" + "|".join(sorted(UNITS, key=len, reverse=True)) + r")\b[\s-]*)+"
    r"(?:(?:" + "|".join(SCALES) + r")s?\b[\s-]*)*"
)
_WORDS = rf"{_WORD_GROUP}(?:(?:and\s+)?{_WORD_GROUP})*"
QUANTITY = rf"(?:{_NUMBER}|{_WORDS})"
_SCALED = re.compile(rf"({_DIGITS})\s*({_SCALE})?")
_ANY_SPACE = re.compile(r"[\u00a0\u202f ]")
_NOT_DIGIT = re.compile(r"\D")
_WORD_BREAK = re.compile(r"[\s-]+")
#: A whole part as each group separator writes it: plain digits, or groups of three.
_WHOLE = {
    group: re.compile(r"\d+|\d{1,3}(?:" + (re.escape(group) if group != " " else " ") + r"\d{3})+")
    for group, _decimal in configuration.NUMBER_FORMATS.values()
}


def format_hint(number_format: str, example: int = 1500) -> str:
    """How to write ``example`` people under ``number_format``, and how to declare another."""
    if number_format == "en":
        return (
            f"posturemap never guesses separators: write {example:,} or {example} (a comma groups thousands, "
            "a point marks decimals), or declare `number_format: de` (1.500) or `number_format: fr` "
            "(1 500) at the top of the scenario"
        )
    group = f"{example:,}".replace(",", {"de": ".", "fr": " "}[number_format])
    return (
        f"under `number_format: {number_format}` write {group} or {example} "
        f"(a comma marks decimals); posturemap never guesses separators"
    )


def read_digits(written: str, *, scaled: bool, number_format: str, original: str) -> float:
    """The value of digits written with the separators of ``number_format``."""
    group, decimal = configuration.NUMBER_FORMATS[number_format]
    text = _ANY_SPACE.sub(" ", written)
    whole, _, fraction = text.partition(decimal) if decimal in text else (text, "", "")
    digits_only = _NOT_DIGIT.sub("", written)
    example = int(digits_only) if digits_only and len(digits_only) < 16 else 1500
    if not _WHOLE[group].fullmatch(whole) or (fraction and not fraction.isdecimal()):
        msg = (
            f"{original!r}: {written!r} is not a number as written here; "
            f"{format_hint(number_format, example)}"
        )
        raise ValueError(msg)
    if fraction and not scaled:
        if len(fraction) == 3:
            plain = whole.replace(group, "").replace(" ", "")
            msg = (
                f"{original!r}: {written!r} is ambiguous ({float(f'{plain}.{fraction}'):g} or "
                f"{int(plain + fraction):,}?); {format_hint(number_format, int(plain + fraction))}"
            )
        else:
            msg = (
                f"{original!r}: {written!r} is not a whole number of people; write a whole number "
                "(1500) or give the scale ('1.5k', '1.5 thousand')"
            )
        raise ValueError(msg)
    whole = whole.replace(group, "").replace(" ", "")
    return float(f"{whole}.{fraction}" if fraction else whole)


def read_quantity(text: str, *, number_format: str, original: str) -> int | None:
    """Read one quantity: digits with separators and a scale, or number words."""
    text = text.strip()
    match = _SCALED.fullmatch(text)
    if match:
        scale = match.group(2)
        value = read_digits(
            match.group(1), scaled=bool(scale), number_format=number_format, original=original
        )
        if scale:
            value *= SCALES[scale]
        return round(value)
    total, current = 0, 0
    for word in _WORD_BREAK.split(text):
        if not word or word == "and":
            continue
        singular = word[:-1] if word.endswith("s") and word[:-1] in SCALES else word
        if word in UNITS:
            current += UNITS[word]
        elif singular in SCALES:
            scale = SCALES[singular]
            current = max(current, 1) * scale
            if scale >= 1000:
                total, current = total + current, 0
        else:
            return None
    return total + current
