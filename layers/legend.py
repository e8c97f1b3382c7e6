"""Map legends drawn by Leaflet itself (a corner control), so they need no extra JS library.

:func:`legend` takes entries built by :func:`swatch` and returns an element to add to a map;
every label is escaped. A "no data" swatch is drawn hatched with a dashed border, as on the map.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import branca
import folium
from jinja2 import Template

__all__ = ["LegendEntry", "swatch", "legend"]

_SHAPES = ("box", "hatched", "circle", "ring", "outline")


@dataclass(frozen=True)
class LegendEntry:
    """One legend line: a ``shape`` (box, hatched, circle, ring, outline) in ``colour``, and its label."""

    shape: str
    colour: str
    label: str


def swatch(shape: str, colour: str, label: str) -> LegendEntry:
    """Return a legend entry; ``shape`` is one of box, hatched, circle, ring, outline."""
    if shape not in _SHAPES:
        raise ValueError(f"legend shape must be one of {_SHAPES}, got {shape!r}")
    return LegendEntry(shape, colour, label)


def _swatch_html(entry: LegendEntry) -> str:
    colour = html.escape(entry.colour)
    base = "display:inline-block;width:14px;height:14px;margin-right:6px;vertical-align:middle;"
    style = {
        "box": f"background:{colour};border:1px solid #333;",
        "hatched": (
            f"background:repeating-linear-gradient(45deg,{colour} 0 3px,#ffffff 3px 6px);"
            "border:1px dashed #333;"
        ),
        "circle": f"background:{colour};border:1px solid #333;border-radius:50%;",
        "ring": f"background:#ffffff;border:2px solid {colour};border-radius:50%;",
        "outline": f"background:transparent;border:2px dashed {colour};",
    }[entry.shape]
    return f'<div><span style="{base}{style}"></span>{html.escape(entry.label)}</div>'


class _Legend(branca.element.MacroElement):
    """A Leaflet control holding ready (escaped) legend HTML."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function (map) {
            var div = L.DomUtil.create('div', 'map-legend');
            div.style.cssText = 'background:rgba(255,255,255,0.92);padding:6px 8px;font:12px/1.5 sans-serif;'
                + 'border:1px solid #999;border-radius:4px;max-width:260px;';
            div.innerHTML = {{ this.body|tojson }};
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, body: str, position: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.body = body
        self.position = position


def legend(
    title: str, entries: Sequence[LegendEntry], *, position: str = "bottomright"
) -> folium.MacroElement:
    """Return a legend control (``title`` then one line per entry) to add to a folium map.

    Labels are escaped; ``position`` is a Leaflet corner (``bottomright``, ``topright``, ...).
    """
    body = f"<b>{html.escape(title)}</b>" + "".join(_swatch_html(e) for e in entries)
    return _Legend(body, position)
