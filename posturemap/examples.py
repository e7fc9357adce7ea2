"""The scenarios that ship inside the package (``posturemap build --example niger``)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from posturemap.geo.errors import ScenarioError


def example_names() -> tuple[str, ...]:
    """The bundled scenarios, by name (the file name without ``.yaml``)."""
    return tuple(
        sorted(
            item.name.removesuffix(".yaml")
            for item in files("posturemap.data").iterdir()
            if item.name.endswith(".yaml")
        )
    )


def example_path(name: str) -> Path:
    """The file of a bundled scenario.

    Raises
    ------
    ScenarioError
        When no bundled scenario has this name; the message lists those that do.
    """
    resource = files("posturemap.data") / f"{name}.yaml"
    if not resource.is_file():
        msg = f"no bundled example called {name!r}; use one of: {', '.join(example_names())}"
        raise ScenarioError.single("--example", 0, "", msg)
    # Installed as ordinary files (a wheel or an editable install), never zipped.
    return Path(str(resource))
