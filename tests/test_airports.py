"""Airports and airbases, offline, by name and by ICAO or IATA code (from airportsdata)."""

from __future__ import annotations

from importlib import metadata

import pytest

from posturemap.geo import gazetteer
from posturemap.geo.errors import AmbiguousPlaceError, PlaceOutOfContextError
from posturemap.geo.geocode import GazetteerGeocoder, distance_km, geocode_one
from posturemap.geo.placing import scenario_context
from posturemap.geo.scenario import load_scenario

from .conftest import NIGER

# (query, kind, expected latitude, longitude): the airfields posture reports name in the Sahel.
AIRFIELDS = [
    ("Dirkou", None, 18.97, 12.87),
    ("Dirkou airport", None, 18.97, 12.87),
    ("DRZD", None, 18.97, 12.87),
    ("Agadez airport", None, 16.97, 8.00),
    ("Mano Dayak International Airport", None, 16.97, 8.00),
    ("DRZA", None, 16.97, 8.00),
    ("AJY", None, 16.97, 8.00),
    ("Agadez", "airbase", 16.97, 8.00),
    ("DRRN", None, 13.48, 2.18),
    ("NIM", None, 13.48, 2.18),
    ("Niamey", "airbase", 13.48, 2.18),
    ("Diori Hamani International Airport", None, 13.48, 2.18),
    ("FTTJ", None, 12.13, 15.03),
    ("NDJ", None, 12.13, 15.03),
    ("N'Djamena", "airbase", 12.13, 15.03),
    ("Faya Largeau Airport", None, 17.92, 19.11),
    ("Abeche Airport", None, 13.85, 20.84),
    ("GAGO", None, 16.25, -0.01),
    ("Port-Bouët", None, 5.26, -3.93),
]


@pytest.mark.parametrize(("query", "kind", "lat", "lon"), AIRFIELDS, ids=[row[0] for row in AIRFIELDS])
def test_airfields_are_found_by_name_and_code(query, kind, lat, lon):
    place = geocode_one(query, kind=kind)
    assert distance_km(lat, lon, place.lat, place.lon) < 5, place


@pytest.mark.parametrize(("query", "lat", "lon"), [("Niamey", 13.51, 2.11), ("Agadez", 16.97, 7.99)])
def test_a_town_stays_the_town_unless_the_kind_asks_for_the_airfield(query, lat, lon):
    for kind in (None, "city"):
        place = geocode_one(query, kind=kind)
        assert distance_km(lat, lon, place.lat, place.lon) < 3
        assert place.matched in ("Niamey", "Agadez")


def test_a_code_written_as_a_code_is_the_airport_not_a_town():
    place = geocode_one("NIM")
    assert place.country == "NE" and "Airport" in place.matched


def test_a_far_airport_code_is_refused_in_a_sahel_scenario():
    # GAO is Guantánamo's IATA code; in the Niger scenario it is refused, not drawn in Cuba.
    geocoder = GazetteerGeocoder(context=scenario_context(load_scenario(NIGER)))
    with pytest.raises(PlaceOutOfContextError, match=r"\(CU\)"):
        geocoder.geocode("GAO")


def test_several_airports_of_one_city_are_listed_not_guessed():
    with pytest.raises(AmbiguousPlaceError):
        geocode_one("Paris airport", country="FR")


def test_the_airport_data_is_mit_licensed_and_covers_the_sahel():
    assert metadata.metadata("airportsdata")["License-Expression"] == "MIT"
    counts = dict(
        gazetteer.open_index()
        .execute(
            "SELECT country, COUNT(*) FROM places WHERE feature = 'airport' "
            "AND country IN ('NE', 'TD', 'ML', 'BF', 'MR', 'SD', 'NG') GROUP BY country"
        )
        .fetchall()
    )
    assert set(counts) == {"NE", "TD", "ML", "BF", "MR", "SD", "NG"}
    assert min(counts.values()) >= 15
