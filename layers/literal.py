"""Page elements whose rendered output is kept as text, never compiled again.

branca's ``MacroElement.render`` runs an element's ``header``, ``html`` and
``script`` macros and wraps each result in ``Element(result)``, whose
constructor compiles that string as a *new Jinja template*.  Any value the
macros wrote into it (a phase label, a place name, a JSON payload) is then
evaluated a second time: ``{{ 7*7 }}`` in a scenario became ``49`` on the page,
and a crafted label could run Python while the page was built.

Here the rendered parts go into :class:`Markup`, an element whose template is
fixed (``{{ this.markup }}``) and which holds the text as a value.  Every
element posturemap puts on a page renders through :func:`render_literally`:
its own elements inherit :class:`LiteralMacro`, and the folium classes it
uses are subclassed below with the same mixin.
"""

from __future__ import annotations

import folium
from branca.element import Element, Figure, MacroElement
from folium.template import Template

__all__ = [
    "FeatureGroup",
    "LiteralMacro",
    "Map",
    "Markup",
    "TileLayer",
    "render_literally",
]


class Markup(Element):
    """Finished HTML or JS, held as a value: rendering returns it unchanged.

    Parameters
    ----------
    markup : str
        Text that is already safe where it goes (escaped HTML, script made
        from JSON).  It is never parsed as a template.
    """

    _template = Template("{{ this.markup }}")

    def __init__(self, markup: str):
        super().__init__()
        self._name = "Markup"
        self.markup = markup


def render_literally(element: MacroElement, **kwargs) -> None:
    """Render a macro element into its figure without re-templating the output.

    This is ``MacroElement.render`` with :class:`Markup` in place of
    ``Element``.  Plain macro children (folium's ``ElementAddToElement``, say)
    are rendered the same way; children with a ``render`` of their own must be
    :class:`LiteralMacro` themselves (a test walks every page for that).
    """
    figure = element.get_root()
    if not isinstance(figure, Figure):
        msg = f"{type(element).__name__} can only be rendered inside a Figure"
        raise TypeError(msg)
    macros = element._template.module
    for part, target in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
        macro = getattr(macros, part, None)
        if macro is not None:
            target.add_child(Markup(str(macro(element, kwargs))), name=element.get_name())
    for child in element._children.values():
        if type(child).render is MacroElement.render:
            render_literally(child, **kwargs)
        else:
            child.render(**kwargs)


class LiteralMacro(MacroElement):
    """Mixin: render through :func:`render_literally`.

    Put it after a folium class in the bases (``class Map(folium.Map,
    LiteralMacro)``) so folium's own ``render`` still runs first and reaches
    this one through ``super()``.
    """

    def render(self, **kwargs) -> None:
        render_literally(self, **kwargs)


class Map(folium.Map, LiteralMacro):
    """``folium.Map`` rendered literally."""


class FeatureGroup(folium.FeatureGroup, LiteralMacro):
    """``folium.FeatureGroup`` rendered literally."""


class TileLayer(folium.TileLayer, LiteralMacro):
    """``folium.TileLayer`` rendered literally (the attribution is a value in its script)."""
