"""Settings that steer geo: personnel phrasing, the Sahel band, geocoding.

Thresholds live in one frozen, typed :class:`Settings` object, passed in
where they are used (:data:`DEFAULT_SETTINGS` unless a caller gives its
own); vocabularies (the personnel qualifiers and nouns), the Sahel band and
the online geocoder's manners are typed module variables.  All are
documented here, in one place, rather than as literals in the code.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

# --- Personnel -------------------------------------------------------------
#: Leading qualifiers and what they mean, longest first so "just over" wins
#: over "over".  ``approximate``: the figure ± the tolerance; ``lower_bound``:
#: at least the figure, no upper bound; ``upper_bound``: at most the figure;
#: ``nearly``: the figure less the tolerance, up to the figure; ``exact``.
PERSONNEL_RULES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        [
            ("about", "approximate"),
            ("around", "approximate"),
            ("roughly", "approximate"),
            ("approximately", "approximate"),
            ("approx.", "approximate"),
            ("approx", "approximate"),
            ("some", "approximate"),
            ("circa", "approximate"),
            ("ca.", "approximate"),
            ("c.", "approximate"),
            ("~", "approximate"),
            ("≈", "approximate"),
            ("an estimated", "approximate"),
            ("estimated", "approximate"),
            ("perhaps", "approximate"),
            ("over", "lower_bound"),
            ("more than", "lower_bound"),
            ("well over", "lower_bound"),
            ("at least", "lower_bound"),
            ("just over", "lower_bound"),
            ("a little over", "lower_bound"),
            ("upwards of", "lower_bound"),
            ("in excess of", "lower_bound"),
            ("no fewer than", "lower_bound"),
            ("no less than", "lower_bound"),
            ("a minimum of", "lower_bound"),
            ("above", "lower_bound"),
            (">", "lower_bound"),
            (">=", "lower_bound"),
            ("up to", "upper_bound"),
            ("as many as", "upper_bound"),
            ("at most", "upper_bound"),
            ("fewer than", "upper_bound"),
            ("less than", "upper_bound"),
            ("under", "upper_bound"),
            ("below", "upper_bound"),
            ("no more than", "upper_bound"),
            ("a maximum of", "upper_bound"),
            ("<", "upper_bound"),
            ("<=", "upper_bound"),
            ("nearly", "nearly"),
            ("almost", "nearly"),
            ("just under", "nearly"),
            ("close to", "nearly"),
            ("a total of", "exact"),
            ("exactly", "exact"),
        ],
        key=lambda rule: -len(rule[0]),
    )
)

#: Qualifiers written after the figure ("1,000 or so", "1,000-odd", "1,000+").
PERSONNEL_TRAILING_RULES: tuple[tuple[str, str], ...] = (
    ("or so", "approximate"),
    ("or thereabouts", "approximate"),
    ("-odd", "approximate"),
    ("odd", "approximate"),
    ("or more", "lower_bound"),
    ("at least", "lower_bound"),
    ("plus", "lower_bound"),
    ("+", "lower_bound"),
    ("or fewer", "upper_bound"),
    ("or less", "upper_bound"),
    ("at most", "upper_bound"),
)

#: Nouns a figure may end with ("400 special forces", "1,000 French troops"):
#: the last word must be one of these (or its singular); the words before it
#: and after the figure may be any adjectives ("special", "French", "US").
PERSONNEL_NOUNS: tuple[str, ...] = (
    "troops",
    "soldiers",
    "personnel",
    "members",
    "servicemembers",
    "instructors",
    "trainers",
    "advisers",
    "advisors",
    "people",
    "men",
    "women",
    "staff",
    "mercenaries",
    "contractors",
    "forces",
    "marines",
    "airmen",
    "sailors",
    "officers",
    "fighters",
    "commandos",
    "paratroopers",
    "legionnaires",
    "gendarmes",
    "police",
    "policemen",
    "peacekeepers",
    "guards",
    "specialists",
    "technicians",
    "operators",
    "pilots",
    "crew",
    "engineers",
    "medics",
    "militiamen",
    "reservists",
    "combatants",
    "boots",
)

#: Number formats a scenario may declare with ``number_format:``: the
#: character that groups thousands and the one that marks decimals.  Without
#: a declaration, ``en``.  Nothing else is guessed: ``1.500`` under ``en`` is
#: an error, not 1.5 and not 1,500.
NUMBER_FORMATS: dict[str, tuple[str, str]] = {"en": (",", "."), "de": (".", ","), "fr": (" ", ",")}


@dataclass(frozen=True)
class Settings:
    """Every threshold posturemap's geo steps use, in one typed, frozen object.

    Pass one to :func:`posturemap.build.prepare` (``settings=``) the way a
    ``Style`` is passed to the layers; :data:`DEFAULT_SETTINGS` is used
    otherwise.  Make a variant with :func:`dataclasses.replace`.

    Examples
    --------
    >>> from dataclasses import replace
    >>> strict = replace(DEFAULT_SETTINGS, context_distance_km=500.0)
    >>> strict.context_distance_km
    500.0
    """

    # Personnel
    #: "about 1,000" spans the figure plus or minus this share.
    approximate_tolerance: float = 0.10
    #: Vague quantities and the range posturemap reads into them (minimum,
    #: maximum; the estimate is the midpoint).  A vague word not listed here
    #: is an error that lists these.
    vague_quantities: Mapping[str, tuple[int, int]] = field(
        default_factory=lambda: MappingProxyType(
            {
                "a couple": (2, 3),
                "a handful": (2, 10),
                "a few": (2, 9),
                "several": (3, 9),
                "a few dozen": (24, 60),
                "several dozen": (36, 99),
                "dozens": (24, 99),
                "a few hundred": (200, 500),
                "several hundred": (300, 900),
                "hundreds": (200, 999),
                "a few thousand": (2000, 5000),
                "several thousand": (3000, 9000),
                "thousands": (2000, 9999),
                "tens of thousands": (20_000, 99_999),
            }
        )
    )

    # Scenario files
    #: Larger scenario files are refused (split them).
    max_file_bytes: int = 100 * 1024 * 1024

    # Countries
    #: A place's declared country may miss its (coarse) outline by this much.
    country_tolerance_degrees: float = 0.5
    #: A point closer than this to another country's 1:10m outline cannot be
    #: placed in one country from the outlines alone (they are drawn to about a
    #: kilometre, and a town's point is its centre): it gets
    #: ``country_certain: false`` and a warning unless its ``country:`` or a
    #: gazetteer place decides.  2 km, not 1: with 1 km, 0.3% of GeoNames towns
    #: were still wrong without a flag (``bench/borders.py``).
    border_uncertainty_km: float = 2.0
    #: A point in no outline (a coastal town the coastline leaves at sea) gets
    #: the nearest country within this distance.
    nearest_country_km: float = 25.0

    # Geocoding: a candidate's score; one unit is a factor of ten in population.
    #: Added when the name matched is the place's primary name.
    score_primary_name: float = 1.0
    #: Added when the candidate lies inside the scenario's area.
    score_in_area: float = 2.0
    #: Added for a capital.
    score_capital: float = 0.5
    #: Added when the candidate is of the class the place's ``kind:`` asks for.
    score_kind: float = 1.0
    #: Candidates closer than this are the same place (a town and its airport).
    same_place_km: float = 25.0
    #: The best candidate must have this many times the population of the next
    #: distinct one, all else equal, to win without an error.
    population_dominance: float = 3.0
    #: A place without ``country:`` whose best candidate lies farther than this
    #: from the scenario's area (its ``area:``, regions, and the countries of
    #: its other places) is used only when it is prominent and beats every
    #: other candidate by :attr:`far_candidate_dominance`; otherwise the build
    #: stops and lists the candidates.  Candidates within it are preferred.
    context_distance_km: float = 500.0
    #: How far ahead (as a factor of population, in score) a far-away
    #: candidate must be of the next one.
    far_candidate_dominance: float = 100.0
    #: A far-away candidate must also be a country, a capital or a place of at
    #: least this many people ("Moscow" in a Sahel scenario, not a hamlet).
    far_candidate_min_population: int = 100_000
    #: Number of near spellings suggested when nothing matches.
    suggestions: int = 5
    #: Seconds to wait for one Nominatim answer with ``--online``.
    nominatim_timeout_seconds: float = 10.0

    # Drafting from reports (``posturemap draft``)
    #: A name in a report is a town only if the town has this many people ...
    draft_min_population: int = 15_000
    #: ... or this many when "in", "near", "at" and the like come before it.
    draft_min_population_after_preposition: int = 1_000


DEFAULT_SETTINGS = Settings()

# --- Regions ---------------------------------------------------------------
#: The Sahel band used by ``regions: - builtin: sahel``: a latitude band
#: clipped to the countries that the band conventionally covers.  The band
#: follows the common description of the Sahel as the semi-arid belt between
#: roughly 12°N and 20°N from the Atlantic to the Red Sea.
SAHEL_LATITUDE_BAND: tuple[float, float] = (12.0, 20.0)
SAHEL_COUNTRIES: tuple[str, ...] = (
    "SN",
    "GM",
    "MR",
    "ML",
    "BF",
    "NE",
    "NG",
    "TD",
    "SD",
    "ER",
    "CM",
)

# --- Geocoding -------------------------------------------------------------
#: User agent sent to Nominatim with --online.
ONLINE_USER_AGENT: str = "posturemap/0.1 (offline-first posture maps)"
#: Seconds between online requests (Nominatim's usage policy asks for 1).
ONLINE_MIN_DELAY_SECONDS: float = 1.0
#: Seconds to wait before retrying a failed online request (twice at most).
ONLINE_ERROR_WAIT_SECONDS: float = 5.0


def cache_dir() -> Path:
    """Where posturemap keeps its gazetteer index and online geocoding cache.

    ``POSTUREMAP_CACHE_DIR`` wins, then ``XDG_CACHE_HOME/posturemap``, then
    ``~/.cache/posturemap``.
    """
    explicit = os.environ.get("POSTUREMAP_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "posturemap"


def nominatim_server() -> tuple[str | None, str]:
    """The Nominatim server ``--online`` asks, as (domain, scheme).

    ``POSTUREMAP_NOMINATIM`` names another server, such as an organisation's
    own (``https://nominatim.example.org`` or ``http://localhost:8080``);
    unset, geopy's default public server is used over https.
    """
    from urllib.parse import urlsplit

    explicit = os.environ.get("POSTUREMAP_NOMINATIM", "").strip()
    if not explicit:
        return None, "https"
    parts = urlsplit(explicit if "://" in explicit else f"https://{explicit}")
    return (parts.netloc + parts.path).rstrip("/"), parts.scheme


# --- Countries and the basemap ----------------------------------------------
#: The 1:10m arcs are simplified by this many degrees for drawing (about 2 km).
BASEMAP_DRAW_TOLERANCE_DEGREES: float = 0.02
#: Areas that Natural Earth 4.1.0's admin-0 outlines draw as part of the country
#: that controls them, while ISO 3166 and GeoNames file them under another:
#: (name, code drawn, code claimed, (west, south, east, north)).  A point inside
#: the box and inside the drawn country's outline is uncertain between the two,
#: and no gazetteer place decides it: the scenario's ``country:`` must.
DISPUTED_AREAS: tuple[tuple[str, str, str, tuple[float, float, float, float]], ...] = (
    ("Crimea", "RU", "UA", (32.4, 44.3, 36.7, 46.3)),
    # South of 27°40′N, the internationally recognised Morocco–Western Sahara line.
    ("Western Sahara", "MA", "EH", (-17.3, 20.7, -8.6, 27.6667)),
)
