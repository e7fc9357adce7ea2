"""One tree of errors for everything posturemap reports to a user.

Every error derives from :class:`PostureMapError` and also from the built-in
exception a caller would naturally catch (``ValueError`` for bad input,
``LookupError`` for a place that cannot be found), so code that knows nothing
about posturemap still handles them.  Messages say what is wrong, where, and
how to fix it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# C0 and C1 controls (escape sequences, carriage returns, newlines), line and
# paragraph separators, and the bidirectional overrides that reorder what a
# terminal shows.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    r"""Text made safe for a terminal line: control characters shown as escapes.

    Scenario text reaches the terminal in messages and listings; a name holding
    an escape sequence must show as written, not recolour or rewrite the screen.

    Examples
    --------
    >>> print(printable("Gao\x1b[2J\nMali"))
    Gao\x1b[2J\nMali
    """
    return _UNPRINTABLE.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


class PostureMapError(Exception):
    """Root of every error posturemap raises on purpose."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file, located by line and field.

    Parameters
    ----------
    path : str
        The file, as the user named it.
    line : int
        1-based line number (0 when the whole file is concerned).
    field : str
        Dotted path of the field, e.g. ``deployments[2].personnel``.
    message : str
        What is wrong and how to fix it.
    """

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        line = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        return printable(line)


class ScenarioError(PostureMapError, ValueError):
    """A scenario file is missing, unreadable or invalid.

    Carries every :class:`Problem` found, so a user fixes them in one pass.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @classmethod
    def single(cls, path: str | Path, line: int, field: str, message: str) -> ScenarioError:
        return cls([Problem(str(path), line, field, message)])


class UnknownIdError(PostureMapError, KeyError):
    """An id (phase, place, actor, source) that the scenario does not define.

    Also a ``KeyError``, so code that looks ids up in a mapping catches it.

    Parameters
    ----------
    what : str
        The kind of id: ``phase``, ``place``, ``actor`` or ``source``.
    value : str
        The id asked for.
    valid : iterable of str
        The ids the scenario defines, listed in the message.
    """

    def __init__(self, what: str, value: object, valid):
        self.what = what
        self.value = value
        self.valid = tuple(valid)
        choices = ", ".join(self.valid) or f"none: the scenario defines no {what}"
        self.message = f"unknown {what} {value!r}; use one of: {choices}"
        super().__init__(self.message)

    def __str__(self) -> str:
        # KeyError would print the message in quotes.
        return self.message


class GeocodeError(PostureMapError, LookupError):
    """A place name could not be turned into one reliable point."""


class PlaceNotFoundError(GeocodeError):
    """No gazetteer entry matches the name."""

    def __init__(self, query: str, suggestions: list[str] | None = None, *, country: str | None = None):
        self.query = query
        self.country = country
        self.suggestions = list(suggestions or [])
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        within = f" in country {country}" if country else ""
        msg = (
            f"no place called {query!r}{within} in the offline gazetteer.{hint} "
            "Check the spelling, or give the place `lat:` and `lon:`."
        )
        super().__init__(msg)


class AmbiguousPlaceError(GeocodeError):
    """Several far-apart places match and nothing separates them."""

    def __init__(self, query: str, candidates: list[str]):
        self.query = query
        self.candidates = list(candidates)
        msg = (
            f"{query!r} is ambiguous: {'; '.join(self.candidates)}. "
            "Add `country:` (ISO alpha-2 code) to the place, write the query as "
            "'Name, Country', or give `lat:` and `lon:`."
        )
        super().__init__(msg)


class PlaceOutOfContextError(GeocodeError):
    """The best match lies far from the scenario's other places, without a clear lead
    or while a namesake lies among them.

    Parameters
    ----------
    query : str
        The name looked up.
    candidates : list of str
        Each candidate, with its country and distance from the scenario's area.
    limit_km : float
        How far from the other places a candidate may lie and count as near.
    countries : list of str
        The candidates' country codes, for the hint.
    """

    def __init__(self, query: str, candidates: list[str], *, limit_km: float, countries: list[str]):
        self.query = query
        self.candidates = list(candidates)
        msg = (
            f"{query!r} is best matched by a place more than {limit_km:,.0f} km from the scenario's "
            f"other places, regions and `area:`, with no clear lead: {'; '.join(self.candidates)}. "
            "posturemap does not guess: if one of these is meant, add its `country:` "
            f"({', '.join(countries)}); otherwise give the place `lat:` and `lon:`, or a `country:` "
            "to look for it there."
        )
        super().__init__(msg)


class OnlineGeocodingError(GeocodeError, ConnectionError):
    """The online geocoder (``--online``, Nominatim) failed: network, quota, timeout.

    Named apart from geopy's ``GeocoderServiceError``, which it wraps (as
    ``__cause__``), so an ``except`` clause never catches one for the other.
    """


class TileProviderError(PostureMapError, LookupError):
    """A ``--tiles`` provider that xyzservices does not have, or that needs an API key."""


class BuildError(PostureMapError, RuntimeError):
    """Writing the outputs failed; the previous output was left as it was."""


class UnknownOutputError(PostureMapError, ValueError):
    """``--only`` named an output that a build does not write; the message lists those it does."""
