"""Online geocoding with Nominatim (``--online``): one request a second, cached on disk.

Kept apart from the offline search in :mod:`posturemap.geo.geocode`: only this
module talks to the network.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from geopy.location import Location

from . import settings as configuration
from .errors import OnlineGeocodingError, PlaceNotFoundError
from .gazetteer import normalize
from .geocode import ResolvedPlace
from .settings import (
    DEFAULT_SETTINGS,
    ONLINE_ERROR_WAIT_SECONDS,
    ONLINE_MIN_DELAY_SECONDS,
    ONLINE_USER_AGENT,
    Settings,
)


class OnlineGeocoder:
    """geopy's Nominatim, one request a second, cached on disk by request.

    Used only with ``--online``.  A second build with the same names makes no
    request.  Failures are raised as :class:`OnlineGeocodingError`.

    Parameters
    ----------
    cache_path : Path, optional
        The JSON cache (default: ``nominatim-cache.json`` in :func:`settings.cache_dir`).
    domain, scheme : str, optional
        Another Nominatim server, such as an organisation's own (default:
        :func:`settings.nominatim_server`).
    min_delay_seconds, error_wait_seconds : float, optional
        Pause between requests, and before retrying a failed one (default:
        :data:`ONLINE_MIN_DELAY_SECONDS`, :data:`ONLINE_ERROR_WAIT_SECONDS`).
    geocode : callable, optional
        Any geopy-style ``geocode(query, country_codes=..., exactly_one=True)``
        to ask instead of Nominatim; it is cached the same way.
    settings : Settings, optional
        Its ``nominatim_timeout_seconds``: how long to wait for one answer.
    """

    def __init__(
        self,
        *,
        cache_path: Path | None = None,
        domain: str | None = None,
        scheme: str | None = None,
        min_delay_seconds: float | None = None,
        error_wait_seconds: float | None = None,
        geocode: Callable[..., Location | None] | None = None,
        settings: Settings = DEFAULT_SETTINGS,
    ):
        self.timeout_seconds = settings.nominatim_timeout_seconds
        self.cache_path = cache_path or configuration.cache_dir() / "nominatim-cache.json"
        default_domain, default_scheme = configuration.nominatim_server()
        self.domain, self.scheme = domain or default_domain, scheme or default_scheme
        self.min_delay_seconds = ONLINE_MIN_DELAY_SECONDS if min_delay_seconds is None else min_delay_seconds
        self.error_wait_seconds = (
            ONLINE_ERROR_WAIT_SECONDS if error_wait_seconds is None else error_wait_seconds
        )
        self._cache: dict[str, list | None] = {}
        if self.cache_path.exists():
            try:
                self._cache = json.loads(self.cache_path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError):
                self._cache = {}  # a damaged cache is only a cache: ask again
        self._geocode = geocode

    def _backend(self) -> Callable[..., Location | None]:
        if self._geocode is None:
            from geopy.extra.rate_limiter import RateLimiter
            from geopy.geocoders import Nominatim

            server = {"domain": self.domain} if self.domain else {}
            nominatim = Nominatim(
                user_agent=ONLINE_USER_AGENT, timeout=self.timeout_seconds, scheme=self.scheme, **server
            )
            self._geocode = RateLimiter(
                nominatim.geocode,
                min_delay_seconds=self.min_delay_seconds,
                # geopy refuses to retry sooner than its normal pace.
                error_wait_seconds=max(self.error_wait_seconds, self.min_delay_seconds),
                max_retries=2,
                swallow_exceptions=False,
            )
        return self._geocode

    @staticmethod
    def cache_key(query: str, country: str | None) -> str:
        request = json.dumps({"q": normalize(query), "country": (country or "").lower()}, sort_keys=True)
        return hashlib.sha256(request.encode()).hexdigest()

    def _save(self) -> None:
        # Written whole and swapped in, so an interrupted build never leaves half a cache.
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.cache_path.with_name(self.cache_path.name + ".partial")
        partial.write_text(json.dumps(self._cache, sort_keys=True, indent=0), encoding="utf-8")
        partial.replace(self.cache_path)

    def geocode(self, query: str, *, country: str | None = None) -> ResolvedPlace:
        """Place one name, from the cache when it was asked before.

        Raises
        ------
        PlaceNotFoundError
            Nominatim knows no such place (remembered, so not asked again).
        OnlineGeocodingError
            The request failed (network, refusal, timeout) after retries.
        """
        key = self.cache_key(query, country)
        if key not in self._cache:
            from geopy.exc import GeopyError

            try:
                location = self._backend()(query, country_codes=country, exactly_one=True)
            except GeopyError as error:
                msg = (
                    f"online geocoding of {query!r} failed: {type(error).__name__}: {error}; "
                    "retry later, or give the place `lat:` and `lon:`"
                )
                raise OnlineGeocodingError(msg) from error
            self._cache[key] = (
                None if location is None else [location.latitude, location.longitude, location.address]
            )
            self._save()
        hit = self._cache[key]
        if hit is None:
            raise PlaceNotFoundError(query, country=country)
        return ResolvedPlace(hit[0], hit[1], "nominatim", hit[2], None)
