"""`--online` geocoding: geopy's real Nominatim client and RateLimiter, talking
HTTP to a small Nominatim stand-in on localhost (tests never use the internet)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from posturemap.build import prepare
from posturemap.cli import main
from posturemap.geo import settings
from posturemap.geo.errors import OnlineGeocodingError, PlaceNotFoundError
from posturemap.geo.online import OnlineGeocoder

from .conftest import MINIMAL

# What the stand-in knows, as Nominatim's /search answers it (lat and lon are strings there).
KNOWN = {
    "agadez": {"lat": "16.9742", "lon": "7.9865", "display_name": "Agadez, Niger"},
    "niamey": {"lat": "13.5116", "lon": "2.1254", "display_name": "Niamey, Niger"},
}


class StandIn(BaseHTTPRequestHandler):
    server: NominatimStandIn

    def do_GET(self):
        url = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        self.server.requests.append((time.monotonic(), url.path, query, self.headers.get("User-Agent")))
        if self.server.failing:
            self.send_response(500)
            self.end_headers()
            return
        hit = KNOWN.get(query.get("q", "").lower())
        body = json.dumps([hit] if hit else []).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class NominatimStandIn(ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), StandIn)
        self.requests: list[tuple[float, str, dict, str]] = []
        self.failing = False

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def nominatim(monkeypatch, tmp_path):
    """A local Nominatim, named by POSTUREMAP_NOMINATIM, with the cache in a fresh folder."""
    server = NominatimStandIn()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("POSTUREMAP_NOMINATIM", f"http://{server.domain}")
    monkeypatch.setenv("POSTUREMAP_CACHE_DIR", str(tmp_path / "cache"))
    yield server
    server.shutdown()
    server.server_close()


def test_asks_nominatim_politely_and_caches_the_answer(nominatim):
    place = OnlineGeocoder().geocode("Agadez", country="NE")
    assert (place.lat, place.lon, place.method) == (16.9742, 7.9865, "nominatim")
    assert place.matched == "Agadez, Niger"
    [(_, path, query, agent)] = nominatim.requests
    assert path == "/search"
    assert query["q"] == "Agadez" and query["countrycodes"].lower() == "ne"
    assert agent == settings.ONLINE_USER_AGENT

    # Another process later: the answer comes from the disk cache, with no request.
    again = OnlineGeocoder().geocode("AGADEZ", country="ne")
    assert (again.lat, again.lon) == (place.lat, place.lon)
    assert len(nominatim.requests) == 1


def test_one_request_a_second(nominatim):
    geocoder = OnlineGeocoder()
    geocoder.geocode("Agadez")
    geocoder.geocode("Niamey")
    first, second = (request[0] for request in nominatim.requests)
    assert second - first >= settings.ONLINE_MIN_DELAY_SECONDS * 0.95


def test_no_match_is_an_error_and_is_remembered(nominatim):
    for _ in range(2):
        with pytest.raises(PlaceNotFoundError, match="Atlantis"):
            OnlineGeocoder().geocode("Atlantis")
    assert len(nominatim.requests) == 1


def test_a_failing_server_is_reported_not_swallowed_and_not_cached(nominatim):
    nominatim.failing = True
    geocoder = OnlineGeocoder(min_delay_seconds=0, error_wait_seconds=0.01)
    with pytest.raises(OnlineGeocodingError, match=r"online geocoding of .Agadez. failed.*lat"):
        geocoder.geocode("Agadez")
    assert len(nominatim.requests) == 3  # the first try and two retries
    nominatim.failing = False
    assert geocoder.geocode("Agadez").lat == 16.9742


def test_build_online_asks_once_then_builds_offline_from_the_cache(nominatim, write_scenario, tmp_path):
    scenario = write_scenario(
        MINIMAL.replace("lat: 13.51, lon: 2.11, country: NE", "query: Niamey, country: NE")
    )
    data = prepare(scenario, online=True)
    [row] = data.places.itertuples()
    assert (row.geocoded, round(row.geometry.y, 4), row.country) == ("nominatim", 13.5116, "NE")
    assert main(["build", str(scenario), "--online", "--out", str(tmp_path / "out")]) == 0
    assert len(nominatim.requests) == 1


def test_a_failed_online_build_exits_2_and_writes_nothing(
    nominatim, write_scenario, tmp_path, capsys, monkeypatch
):
    nominatim.failing = True
    monkeypatch.setattr(settings, "ONLINE_MIN_DELAY_SECONDS", 0)
    monkeypatch.setattr(settings, "ONLINE_ERROR_WAIT_SECONDS", 0.01)
    scenario = write_scenario(MINIMAL.replace("lat: 13.51, lon: 2.11, country: NE", "query: Niamey"))
    status = main(["build", str(scenario), "--online", "--out", str(tmp_path / "out")])
    assert status == 2
    err = capsys.readouterr().err
    assert "places[0].query: online geocoding of 'Niamey' failed" in err
    assert not (tmp_path / "out").exists()
