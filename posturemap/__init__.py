"""posturemap: sourced maps of military force posture before and after a change.

The same steps as the ``posturemap`` command, as functions::

    import posturemap
    data = posturemap.prepare("data/niger.yaml")      # validate, geocode, join
    changes = posturemap.changes(data, from_phase="before-coup")
    posturemap.build("data/niger.yaml", "output")     # every output file

Heavy libraries load only when a function needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = [
    "DEFAULT_SETTINGS",
    "GazetteerGeocoder",
    "Settings",
    "build",
    "changes",
    "load_scenario",
    "parse_personnel",
    "prepare",
]

_EXPORTS = {
    "build": "posturemap.build",
    "prepare": "posturemap.build",
    "load_scenario": "posturemap.geo.scenario",
    "parse_personnel": "posturemap.geo.personnel",
    "changes": "posturemap.geo.analyse",
    "GazetteerGeocoder": "posturemap.geo.geocode",
    "Settings": "posturemap.geo.settings",
    "DEFAULT_SETTINGS": "posturemap.geo.settings",
}

if TYPE_CHECKING:
    from posturemap.build import build, prepare
    from posturemap.geo.analyse import changes
    from posturemap.geo.geocode import GazetteerGeocoder
    from posturemap.geo.personnel import parse_personnel
    from posturemap.geo.scenario import load_scenario
    from posturemap.geo.settings import DEFAULT_SETTINGS, Settings


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    msg = f"module 'posturemap' has no attribute {name!r}"
    raise AttributeError(msg)
