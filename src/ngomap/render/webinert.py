"""Map elements whose output reaches the page as text, never back through a template engine.

branca renders a folium map in two passes: each element's macros are rendered once, and
their *output* is then wrapped in ``Element(output)``, which compiles it as a new Jinja2
template and renders it again when the page is written. Any user text in that output (an
organisation or area name such as ``{{ 7*191 }}``) would be evaluated on the server. The
elements here write their output as it is: a ``Verbatim`` element renders to its text, and
``InertMacro`` puts its macros' output into the page as ``Verbatim`` elements. Data reaches
the macros only as template *variables* (JSON from ``data_json``), never as template source.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

from branca.element import Element, Figure, MacroElement
from jinja2 import Template
from markupsafe import Markup

_MACROS: Final = ("header", "html", "script")
_NO_MACROS: Final = Template("")
# Characters escaped in JSON text meant for a <script> element. "{" starting a Jinja2
# delimiter ("{{", "{%", "{#") can only occur inside a JSON string (an object's "{" is always
# followed by '"' or "}"), where "\u007b" reads the same to JavaScript.
_SCRIPT_ESCAPES: Final = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "'": "\\u0027",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_SCRIPT_UNSAFE: Final = re.compile("[<>&'\u2028\u2029]|\\{(?=[{%#])")


def data_json(value: Any) -> Markup:
    """JSON without spaces, safe inside a <script> element and inert to any template engine.

    ``<``, ``>``, ``&``, ``'``, U+2028/U+2029 and the ``{`` of a template delimiter are
    written as JavaScript escapes, so the text reads back exactly as given.
    """
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return Markup(_SCRIPT_UNSAFE.sub(lambda m: _SCRIPT_ESCAPES.get(m[0], "\\u007b"), text))


class Verbatim(Element):
    """A piece of the page written exactly as given (never compiled as a template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Verbatim"
        self.text = str(text)

    def render(self, **kwargs: Any) -> str:
        """The text itself."""
        return self.text


class InertMacro(MacroElement):
    """A MacroElement whose rendered macros go into the page as text (``Verbatim``).

    Put it first among a class's bases (``class Layer(InertMacro, folium.map.Layer)``): the
    other bases' ``render`` still runs (children, includes, the layer's ``addTo``), with no
    macro left for branca to wrap in a template. ``_template.module.script`` stays callable,
    as streamlit-folium reads each element's script that way.
    """

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # as MacroElement's
        """Write the macros' output as text, then let the other bases render the rest."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("an element must be in a Figure to be rendered")
        module = self._template.module
        for part in _MACROS:
            macro = getattr(module, part, None)
            if macro is not None:
                target = getattr(figure, part)
                target.add_child(Verbatim(str(macro(self, kwargs))), name=self.get_name())
        own = self.__dict__.get("_template")  # usually None: the class's template
        self._template = _NO_MACROS  # MacroElement.render finds nothing left to wrap
        try:
            super().render(**kwargs)  # type: ignore[no-untyped-call]
        finally:
            if own is None:
                del self._template
            else:
                self._template = own
