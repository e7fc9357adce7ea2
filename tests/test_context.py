"""Geocoding in context: a place without `country:` is placed in the scenario's area, or refused.

Madama (a Nigerien army post) must not land in the West Bank, nor Kanem (a
Chadian region) in China, in a scenario whose places lie in the Sahel.
"""

from __future__ import annotations

import math
import random
import sqlite3
from dataclasses import replace

import pytest

from posturemap.build import prepare
from posturemap.cli import main
from posturemap.geo import gazetteer
from posturemap.geo.errors import (
    AmbiguousPlaceError,
    PlaceNotFoundError,
    PlaceOutOfContextError,
    ScenarioError,
)
from posturemap.geo.geocode import Context, GazetteerGeocoder, distance_km, geocode_one
from posturemap.geo.placing import scenario_context
from posturemap.geo.scenario import PLACE_KINDS, load_scenario
from posturemap.geo.settings import DEFAULT_SETTINGS

HEAD = """\
title: Sahel
phases:
  - {id: before, label: Before, date: 2024-01-01}
  - {id: after, label: After, date: 2024-06-01}
actors:
  - {id: fr, name: France}
sources:
  - {id: report, title: A report}
"""

# A scenario like the one in the issue: its places lie in the Sahel.
SAHEL_PLACES = """\
places:
  - {id: niamey, name: Niamey, query: Niamey, country: NE, kind: capital}
  - {id: agadez, name: Agadez, query: Agadez, country: NE}
  - {id: gao, name: Gao, query: Gao, country: ML}
  - {id: ndjamena, name: N'Djamena, query: N'Djamena, country: TD, kind: capital}
  - {id: ouaga, name: Ouagadougou, lat: 12.37, lon: -1.53}
  - {id: asked, name: ASKED}
deployments:
  - {actor: fr, place: niamey, phase: before, personnel: 100, sources: [report]}
  - {actor: fr, place: agadez, phase: before, personnel: 100, sources: [report]}
  - {actor: fr, place: gao, phase: before, personnel: 100, sources: [report]}
  - {actor: fr, place: ndjamena, phase: before, personnel: 100, sources: [report]}
  - {actor: fr, place: ouaga, phase: before, personnel: 100, sources: [report]}
  - {actor: fr, place: asked, phase: after, personnel: 100, sources: [report]}
"""


def sahel_scenario(write_scenario, asked: str, extra: str = "") -> str:
    return write_scenario(HEAD + extra + SAHEL_PLACES.replace("{id: asked, name: ASKED}", asked))


@pytest.mark.parametrize(
    ("name", "wrong_country"),
    [("Madama", "PS"), ("Kanem", "CN")],
)
def test_a_far_namesake_is_refused_with_its_candidates(write_scenario, name, wrong_country):
    path = sahel_scenario(write_scenario, f"{{id: asked, name: {name}, query: {name}}}")
    with pytest.raises(ScenarioError) as caught:
        prepare(path)
    [problem] = caught.value.problems
    assert problem.field == "places[5].query"
    assert f"({wrong_country}) at" in problem.message
    assert "km from the scenario's area" in problem.message
    assert "`country:`" in problem.message and "`lat:`" in problem.message


def test_madama_with_its_country_is_not_found_and_says_what_to_do(write_scenario):
    path = sahel_scenario(write_scenario, "{id: asked, name: Madama, query: Madama, country: NE}")
    with pytest.raises(ScenarioError, match=r"no place called 'Madama' in country NE.*lat:"):
        prepare(path)


def test_a_far_namesake_is_used_when_the_scenario_names_its_country(write_scenario):
    data = prepare(sahel_scenario(write_scenario, "{id: asked, name: Madama, query: Madama, country: PS}"))
    point = data.places.set_index("id").loc["asked", "geometry"]
    assert distance_km(point.y, point.x, 32.19, 35.23) < 5  # Mādamā, near Nablus


@pytest.mark.parametrize(
    ("name", "country"),
    [("Agades", "NE"), ("Tombouctou", "ML"), ("Abeche", "TD"), ("Maiduguri", "NG"), ("Sebha", "LY")],
)
def test_places_in_or_near_the_area_are_placed_without_a_country(write_scenario, name, country):
    data = prepare(sahel_scenario(write_scenario, f"{{id: asked, name: {name}, query: {name}}}"))
    assert data.places.set_index("id").loc["asked", "country"] == country


@pytest.mark.parametrize(("name", "country"), [("Paris", "FR"), ("Moscow", "RU")])
def test_a_prominent_far_place_with_a_clear_lead_is_used(write_scenario, name, country):
    data = prepare(sahel_scenario(write_scenario, f"{{id: asked, name: {name}, query: {name}}}"))
    assert data.places.set_index("id").loc["asked", "country"] == country


def test_a_country_in_the_query_counts_as_a_country(write_scenario):
    data = prepare(sahel_scenario(write_scenario, "{id: asked, name: Madama, query: 'Madama, PS'}"))
    point = data.places.set_index("id").loc["asked", "geometry"]
    assert distance_km(point.y, point.x, 32.19, 35.23) < 5


def test_far_namesakes_without_a_clear_lead_are_refused(write_scenario):
    # Tripoli, Libya and Tripoli, Lebanon: both far from the Sahel, neither far ahead.
    with pytest.raises(ScenarioError, match=r"Tripoli \(LY\).*Tripoli \(LB\)"):
        prepare(sahel_scenario(write_scenario, "{id: asked, name: Tripoli, query: Tripoli}"))


def test_an_area_box_is_the_context(write_scenario):
    places = (
        "area: [-17, 8, 25, 24]\n"
        "places:\n  - {id: a, name: Agadez, query: Agadez}\n  - {id: m, name: Madama, query: Madama}\n"
        "deployments:\n  - {actor: fr, place: a, phase: before, personnel: 1, sources: [report]}\n"
        "  - {actor: fr, place: m, phase: before, personnel: 1, sources: [report]}\n"
    )
    with pytest.raises(ScenarioError) as caught:
        prepare(write_scenario(HEAD + places))
    assert [problem.field for problem in caught.value.problems] == ["places[1].query"]


def test_without_any_country_the_places_are_each_others_context(write_scenario):
    places = (
        "places:\n  - {id: n, name: Niamey, query: Niamey}\n  - {id: a, name: Agadez, query: Agadez}\n"
        "  - {id: z, name: Zinder, query: Zinder}\n"
        "  - {id: m, name: Madama, query: Madama}\n"
        "deployments:\n  - {actor: fr, place: n, phase: before, personnel: 1, sources: [report]}\n"
    )
    with pytest.raises(ScenarioError) as caught:
        prepare(write_scenario(HEAD + places))
    assert [problem.field for problem in caught.value.problems] == ["places[3].query"]
    assert "Mādamā (PS)" in caught.value.problems[0].message


def test_home_countries_at_the_end_of_a_movement_do_not_widen_the_area():
    """In the bundled scenario Russia and the United States are only movement ends."""
    from .conftest import NIGER

    context = scenario_context(load_scenario(NIGER))
    assert context.distance_km(55.75, 37.62) > DEFAULT_SETTINGS.context_distance_km  # Moscow
    assert context.distance_km(32.19, 35.23) > DEFAULT_SETTINGS.context_distance_km  # the West Bank
    assert context.distance_km(16.97, 7.99) == 0  # Agadez
    geocoder = GazetteerGeocoder(context=context)
    for name in ("Madama", "Kanem"):
        with pytest.raises(PlaceOutOfContextError):
            geocoder.geocode(name)


@pytest.mark.parametrize(
    "area",
    ["[1, 2, 3]", "[10, 5, 0, 20]", "[-200, 0, 10, 10]", "[a, b, c, d]", "sahel"],
)
def test_a_bad_area_is_an_error(write_scenario, area):
    path = write_scenario(
        HEAD
        + f"area: {area}\n"
        + SAHEL_PLACES.replace("{id: asked, name: ASKED}", "{id: asked, name: Agadez, query: Agadez}")
    )
    with pytest.raises(ScenarioError, match=r":9: area: .*\[west, south, east, north\]"):
        load_scenario(path)


def _sample_far_names(count: int) -> list[str]:
    """Names of small places far from Africa that no African place shares."""
    connection = sqlite3.connect(f"file:{gazetteer.index_path()}?mode=ro", uri=True)
    rows = connection.execute(
        "SELECT n.key, MIN(p.lat), MAX(p.lat), MIN(p.lon), MAX(p.lon), MAX(p.population) "
        "FROM names n JOIN places p ON p.id = n.place WHERE n.is_primary = 1 GROUP BY n.key"
    ).fetchall()
    connection.close()
    far = [
        row[0]
        for row in rows
        if (row[1] > 40 or row[4] < -30 or row[3] > 60)
        and row[5] < DEFAULT_SETTINGS.far_candidate_min_population
    ]
    return random.Random(15).sample(sorted(far), count)


def test_no_small_far_away_place_is_ever_placed_in_a_sahel_scenario(write_scenario):
    """Checked on 300 names picked at random from the gazetteer, not chosen by hand."""
    gazetteer.open_index()
    path = sahel_scenario(write_scenario, "{id: asked, name: Agadez, query: Agadez}")
    context = scenario_context(load_scenario(path))
    geocoder = GazetteerGeocoder(context=context)
    placed_far = []
    for key in _sample_far_names(300):
        try:
            location = geocoder.geocode(key)
        except (PlaceOutOfContextError, PlaceNotFoundError):
            continue
        except Exception as error:  # ambiguity is a refusal too
            assert "ambiguous" in str(error)
            continue
        if location is None:
            continue
        away = context.distance_km(location.latitude, location.longitude)
        if away > DEFAULT_SETTINGS.context_distance_km and location.raw["population"] < 100_000:
            placed_far.append((key, location.address, round(away)))
    assert placed_far == []


@pytest.mark.parametrize(
    ("query", "country"),
    [("Port-Bouette", "CI"), ("Niamy", "NE"), ("Kidall", "ML"), ("Abecheh", "TD"), ("Portbouu", "ES")],
)
def test_suggestions_honour_the_country(query, country):
    with pytest.raises(PlaceNotFoundError) as caught:
        geocode_one(query, country=country)
    assert caught.value.suggestions
    assert all(suggestion.endswith(f"({country})") for suggestion in caught.value.suggestions)
    assert "Portbou (ES)" not in str(caught.value) or country == "ES"


def test_port_bouet_in_ci_is_found_in_abidjan():
    place = geocode_one("Port-Bouët", country="CI")
    assert place.country == "CI"
    assert distance_km(place.lat, place.lon, 5.25, -3.93) < 10


@pytest.mark.parametrize("kind", PLACE_KINDS)
def test_the_geocode_command_takes_every_kind_the_format_takes(kind, capsys):
    assert main(["geocode", "Niamey", "--country", "NE", "--kind", kind]) == 0
    assert "Niger (NE)" in capsys.readouterr().out


def test_settings_passed_in_change_the_answer(write_scenario):
    path = sahel_scenario(write_scenario, "{id: asked, name: Madama, query: Madama}")
    lenient = replace(DEFAULT_SETTINGS, context_distance_km=20_000.0)
    point = prepare(path, settings=lenient).places.set_index("id").loc["asked", "geometry"]
    assert distance_km(point.y, point.x, 32.19, 35.23) < 5
    with pytest.raises(ScenarioError, match="at most 10 bytes"):
        prepare(path, settings=replace(DEFAULT_SETTINGS, max_file_bytes=10))


def test_context_distance_is_zero_inside_and_grows_outside():
    from shapely.geometry import box

    context = Context([box(0, 10, 10, 20)])
    assert context.distance_km(15, 5) == 0
    assert math.isclose(context.distance_km(15, 11), distance_km(15, 11, 15, 10), rel_tol=0.01)
    assert Context().distance_km(0, 0) is None


def test_the_accuracy_set_stays_right_in_the_bundled_scenarios_context():
    from .conftest import NIGER
    from .places import SAHEL_PLACES as ACCURACY_SET

    geocoder = GazetteerGeocoder(context=scenario_context(load_scenario(NIGER)))
    wrong = []
    for query, country, lat, lon in ACCURACY_SET:
        location = geocoder.geocode(query, country_codes=country)
        if distance_km(lat, lon, location.latitude, location.longitude) > 25:
            wrong.append((query, location.address))
    assert wrong == []


def test_a_namesake_in_the_area_is_never_passed_over_for_a_far_city():
    """Kayao, a Burkinabe village, is also an alternate name of Callao, Peru (1.2 million)."""
    from .conftest import NIGER

    geocoder = GazetteerGeocoder(context=scenario_context(load_scenario(NIGER)))
    with pytest.raises(
        PlaceOutOfContextError, match=r"Callao \(PE\).*Kayao \(BF\) at .*in the scenario's area"
    ):
        geocoder.geocode("Kayao")
    assert geocoder.geocode("Kayao", country_codes="BF").raw["country"] == "BF"


def test_places_of_the_sahel_never_land_far_away():
    """300 places of Niger, Mali, Chad and Burkina Faso picked at random, asked without a country
    in the bundled scenario: each answer lies in or near its area, or the name is refused."""
    from .conftest import NIGER

    connection = sqlite3.connect(f"file:{gazetteer.index_path()}?mode=ro", uri=True)
    rows = connection.execute(
        "SELECT name FROM places WHERE country IN ('NE', 'ML', 'TD', 'BF') AND feature IN ('city', 'capital')"
    ).fetchall()
    connection.close()
    names = random.Random(15).sample(sorted(name for (name,) in rows), 300)
    context = scenario_context(load_scenario(NIGER))
    geocoder = GazetteerGeocoder(context=context)
    far = []
    for name in names:
        try:
            location = geocoder.geocode(name)
        except (PlaceOutOfContextError, AmbiguousPlaceError):
            continue
        away = context.distance_km(location.latitude, location.longitude)
        if away > DEFAULT_SETTINGS.context_distance_km:
            far.append((name, location.address, round(away)))
    assert far == []
