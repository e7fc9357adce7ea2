"""Settings that steer geo: personnel phrasing, the Sahel band, geocoding.

Everything a user might want to know or change lives here as typed module
variables, documented in one place, rather than as literals in the code.
"""

from __future__ import annotations

import os
from pathlib import Path

# --- Personnel -------------------------------------------------------------
#: "about 1,000" spans the figure plus or minus this share.
PERSONNEL_APPROXIMATE_TOLERANCE: float = 0.10

#: Leading qualifiers and what they mean, longest first so "just over" wins
#: over "over".
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
            ("c.", "approximate"),
            ("~", "approximate"),
            ("≈", "approximate"),
            ("an estimated", "approximate"),
            ("estimated", "approximate"),
            ("over", "lower_bound"),
            ("more than", "lower_bound"),
            ("at least", "lower_bound"),
            ("just over", "lower_bound"),
            ("upwards of", "lower_bound"),
            ("in excess of", "lower_bound"),
            (">", "lower_bound"),
            (">=", "lower_bound"),
            ("up to", "upper_bound"),
            ("at most", "upper_bound"),
            ("fewer than", "upper_bound"),
            ("less than", "upper_bound"),
            ("under", "upper_bound"),
            ("no more than", "upper_bound"),
            ("<", "upper_bound"),
            ("<=", "upper_bound"),
            ("nearly", "nearly"),
            ("almost", "nearly"),
            ("just under", "nearly"),
        ],
        key=lambda rule: -len(rule[0]),
    )
)

#: Vague quantities and the range posturemap reads into them.
PERSONNEL_VAGUE: dict[str, tuple[int, int]] = {
    "a few dozen": (24, 60),
    "dozens": (24, 99),
    "a few hundred": (200, 500),
    "several hundred": (300, 900),
    "hundreds": (200, 999),
    "a few thousand": (2000, 5000),
    "several thousand": (3000, 9000),
    "thousands": (2000, 9999),
}

#: Nouns allowed after a figure ("about 1,000 troops").
PERSONNEL_NOUNS: tuple[str, ...] = (
    "troops",
    "soldiers",
    "personnel",
    "service members",
    "servicemembers",
    "military personnel",
    "instructors",
    "trainers",
    "advisers",
    "advisors",
    "people",
    "men",
    "staff",
    "mercenaries",
    "contractors",
    "forces",
    "marines",
    "airmen",
    "sailors",
    "officers",
    "fighters",
)

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
#: Candidates closer than this are the same place (a town and its airport).
SAME_PLACE_KM: float = 25.0
#: The best candidate must have this many times the population of the next
#: distinct one, all else equal, to win without an error.
POPULATION_DOMINANCE: float = 3.0
#: Number of near spellings suggested when nothing matches.
SUGGESTIONS: int = 5
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
#: A point closer than this to another country's 1:10m outline cannot be placed
#: in one country from the outlines alone: Natural Earth's 1:10m borders are
#: drawn to about a kilometre, and a town's published point is its centre, not
#: its edge.  Such a place gets ``country_certain: false`` and a warning, unless
#: its ``country:`` or a gazetteer place nearer to it than the border decides.
#: 2 km, not 1: with 1 km, 0.3% of GeoNames towns were still wrong without a
#: flag (``bench/borders.py``), towns more than a kilometre across the line.
BORDER_UNCERTAINTY_KM: float = 2.0
#: A point in no outline (a coastal town the coastline leaves at sea) gets the
#: nearest country within this distance.
NEAREST_COUNTRY_KM: float = 25.0
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
