"""Offline geocoding: spellings reports use, ambiguity, and nothing silently wrong."""

import json

import pytest
from geopy.geocoders.base import Geocoder
from shapely.geometry import Point

from posturemap.cli import main
from posturemap.geo.countries import countries
from posturemap.geo.errors import AmbiguousPlaceError, PlaceNotFoundError
from posturemap.geo.geocode import GazetteerGeocoder, distance_km, geocode_one

from .places import AMBIGUOUS, COUNTRIES, SAHEL_PLACES, UNKNOWN

TOLERANCE_KM = 25


@pytest.fixture(scope="module")
def geocoder():
    return GazetteerGeocoder()


def test_is_a_geopy_geocoder(geocoder):
    assert isinstance(geocoder, Geocoder)


def test_accuracy_set_has_no_wrong_answer_and_no_miss(geocoder):
    wrong, missed = [], []
    for query, country, lat, lon in SAHEL_PLACES:
        location = geocoder.geocode(query, country_codes=country)
        if location is None:
            missed.append(query)
        elif distance_km(lat, lon, location.latitude, location.longitude) > TOLERANCE_KM:
            wrong.append((query, location.address))
    assert len(SAHEL_PLACES) >= 60
    assert wrong == []
    assert missed == []


@pytest.mark.parametrize("spelling", ["N'Djamena", "Ndjamena", "N'Djaména", "n djamena", "NDJAMENA"])
def test_spelling_variants_reach_the_same_place(geocoder, spelling):
    assert geocoder.geocode(spelling).raw["geonameid"] == geocoder.geocode("N'Djamena").raw["geonameid"]


@pytest.mark.parametrize("name", COUNTRIES)
def test_a_country_name_gives_a_point_inside_that_country(geocoder, name):
    location = geocoder.geocode(name)
    code = location.raw["country"]
    assert location.raw["feature"] == "country"
    assert countries()[code].geometry.contains(Point(location.longitude, location.latitude))


@pytest.mark.parametrize("name", UNKNOWN)
def test_unknown_names_are_not_placed(name):
    with pytest.raises(PlaceNotFoundError, match="lat"):
        geocode_one(name)


def test_near_misspelling_gets_suggestions():
    with pytest.raises(PlaceNotFoundError) as caught:
        geocode_one("Niamy")
    assert "Niamey (NE)" in caught.value.suggestions


@pytest.mark.parametrize("name", AMBIGUOUS)
def test_ambiguous_names_list_the_candidates(name):
    with pytest.raises(AmbiguousPlaceError) as caught:
        geocode_one(name)
    assert len(caught.value.candidates) >= 2
    assert "country:" in str(caught.value)


def test_country_qualifier_picks_among_namesakes(geocoder):
    burkina = geocoder.geocode("Gao", country_codes="BF")
    assert burkina.raw["country"] == "BF"
    assert geocoder.geocode("Gao, Mali").raw["country"] == "ML"


def test_exactly_one_false_lists_candidates(geocoder):
    found = geocoder.geocode("Gao", exactly_one=False)
    assert {location.raw["country"] for location in found} >= {"ML", "BF"}


def test_geocode_command_prints_json(capsys):
    assert main(["geocode", "Agades", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["name"] == "Agadez" and answer["country"] == "NE"
    assert distance_km(answer["lat"], answer["lon"], 16.97, 7.99) < TOLERANCE_KM


def test_geocode_command_error_exits_2(capsys):
    assert main(["geocode", "Springfield"]) == 2
    assert "ambiguous" in capsys.readouterr().err
