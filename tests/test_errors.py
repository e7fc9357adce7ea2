"""One error tree: every error posturemap raises on purpose is a PostureMapError and a built-in."""

from __future__ import annotations

import inspect

import geopy.exc
import pytest

from posturemap.cli import main
from posturemap.geo import errors
from posturemap.geo.errors import (
    OnlineGeocodingError,
    PostureMapError,
    ScenarioError,
    TileProviderError,
    UnknownIdError,
)
from posturemap.geo.scenario import load_scenario
from posturemap.layers.page import Tiles

from .conftest import MINIMAL, NIGER

ERROR_CLASSES = [cls for _, cls in inspect.getmembers(errors, inspect.isclass) if issubclass(cls, Exception)]


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=[cls.__name__ for cls in ERROR_CLASSES])
def test_every_error_is_in_the_tree_and_a_builtin(cls):
    assert issubclass(cls, PostureMapError)
    if cls is not PostureMapError:
        builtins = [base for base in cls.__mro__ if base.__module__ == "builtins" and base is not object]
        assert set(builtins) - {Exception, BaseException}, f"{cls.__name__} inherits no specific built-in"


def test_no_error_shares_a_name_with_geopy():
    geopy_names = {name for name, _ in inspect.getmembers(geopy.exc, inspect.isclass)}
    assert not geopy_names & {cls.__name__ for cls in ERROR_CLASSES}
    assert not issubclass(OnlineGeocodingError, geopy.exc.GeopyError)


@pytest.mark.parametrize(
    ("method", "valid"),
    [
        ("phase", "before-coup, withdrawal-ordered, after-withdrawal"),
        ("place", "niger, air-base-201, niamey, chad, russia, united-states"),
        ("actor", "us, france, russia"),
        ("source", "ordered-out, withdrawal-agreed"),
    ],
)
def test_an_unknown_id_lists_the_valid_ones(method, valid):
    scenario = load_scenario(NIGER)
    with pytest.raises(UnknownIdError) as caught:
        getattr(scenario, method)("nope")
    error = caught.value
    assert isinstance(error, KeyError) and isinstance(error, PostureMapError)
    assert str(error).startswith(f"unknown {method} 'nope'; use one of: ")
    assert valid in str(error)


def test_a_known_id_is_found():
    scenario = load_scenario(NIGER)
    assert scenario.phase("before-coup").label == "Before the coup"
    assert scenario.place("niamey").country == "NE"


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Thunderforest.OpenCycleMap", "needs an API key"),
        ("OpenStreetMap.Mapnk", "no tile provider called 'OpenStreetMap.Mapnk'"),
        ("Nothing.Like.This", "no tile provider"),
    ],
)
def test_tiles_tell_not_found_from_needs_a_key(name, words, write_scenario, tmp_path, capsys):
    with pytest.raises(TileProviderError, match=words):
        Tiles.from_provider(name)
    status = main(["build", str(write_scenario(MINIMAL)), "--out", str(tmp_path / "out"), "--tiles", name])
    err = capsys.readouterr().err
    assert status == 2 and words in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_keyless_provider_is_accepted():
    tiles = Tiles.from_provider("OpenStreetMap.Mapnik")
    assert "openstreetmap" in tiles.url and tiles.attribution


@pytest.mark.parametrize(
    "command",
    [
        ["build", "{bad}", "--out", "{out}"],
        ["validate", "{bad}"],
        ["geocode", "Springfield"],
        ["geocode", "Xqzzyville"],
        ["build", "{good}", "--out", "{out}", "--tiles", "Nothing.Here"],
        ["diff", "{bad}"],
    ],
)
def test_debug_prints_a_traceback_for_every_kind_of_error(command, write_scenario, tmp_path, capsys):
    bad = write_scenario(MINIMAL.replace('"about 1,000"', '"lots"'), name="bad.yaml")
    good = write_scenario(MINIMAL, name="good.yaml")
    argv = [part.format(bad=bad, good=good, out=tmp_path / "out") for part in command]
    assert main(argv) == 2
    plain = capsys.readouterr().err
    assert "Traceback" not in plain
    assert main([*argv, "--debug"]) == 2
    debug = capsys.readouterr().err
    assert "Traceback (most recent call last)" in debug
    assert plain.strip().splitlines()[-1] in debug  # the same message, after the traceback


def test_scenario_errors_are_value_errors():
    assert issubclass(ScenarioError, ValueError)
