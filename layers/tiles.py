"""Tile providers from xyzservices, checked before a page refers to them."""

from __future__ import annotations

from difflib import get_close_matches

from posturemap.geo.errors import TileProviderError

#: Offered when a provider is missing or needs a key: these need none.
KEYLESS_EXAMPLES = ("OpenStreetMap.Mapnik", "CartoDB.Positron")


def tile_provider(name: str):
    """The xyzservices provider called ``name``, ready to use without an API key.

    Parameters
    ----------
    name : str
        A provider name as xyzservices spells it, e.g. ``OpenStreetMap.Mapnik``.

    Returns
    -------
    xyzservices.TileProvider

    Raises
    ------
    TileProviderError
        "not found" (with near names) when xyzservices has no such provider;
        "needs an API key" when it has one that cannot be used without a key.

    Examples
    --------
    >>> tile_provider("OpenStreetMap.Mapnik").name
    'OpenStreetMap.Mapnik'
    """
    import xyzservices.providers as providers

    try:
        provider = providers.query_name(name)
    except ValueError:
        names = list(providers.flatten())
        near = get_close_matches(name, names, n=3, cutoff=0.6)
        hint = f"did you mean {', '.join(near)}? " if near else ""
        msg = (
            f"--tiles: no tile provider called {name!r} in xyzservices; {hint}"
            f"try {' or '.join(KEYLESS_EXAMPLES)}"
        )
        raise TileProviderError(msg) from None
    if provider.requires_token():
        msg = (
            f"--tiles: the tile provider {provider.name!r} needs an API key, and posturemap "
            f"does not pass keys; choose a provider that needs none, such as {' or '.join(KEYLESS_EXAMPLES)}"
        )
        raise TileProviderError(msg)
    return provider
