"""The drawing tools of the zones page: Leaflet.draw served by the app, with its words in the page's language.

:func:`draw_control` returns folium's ``Draw`` plugin limited to what a zone can be (polygon, rectangle,
point), refusing self-crossing edges while drawing, with its JS/CSS pointed at the copies the app serves
under :data:`layers.offline.STATIC_PREFIX` (see :data:`layers.offline.DRAW_STATIC_FILES`), so no CDN is
asked; :func:`draw_locale` returns the element that sets Leaflet.draw's button and hint texts
(``L.drawLocal``) from :mod:`geo.i18n` and must be added to the map before the control.
"""

from __future__ import annotations

import json

from branca.element import MacroElement
from folium.plugins import Draw
from folium.template import Template

from geo.i18n import t
from layers.offline import DRAW_STATIC_FILES, STATIC_PREFIX

__all__ = ["DRAW_JS", "DRAW_CSS", "draw_locale", "draw_control"]

_TARGETS = {target.rsplit("/", 1)[-1]: target for target in DRAW_STATIC_FILES.values()}
#: Where the page loads Leaflet.draw from (copied there at start-up).
DRAW_JS = f"{STATIC_PREFIX}/{_TARGETS['leaflet.draw.js']}"
DRAW_CSS = f"{STATIC_PREFIX}/{_TARGETS['leaflet.draw.css']}"


def _texts(lang: str) -> dict:
    """The parts of ``L.drawLocal`` the zone tools show, in ``lang``."""
    actions = {
        "title": t("draw_cancel_title", lang),
        "text": t("draw_cancel", lang),
    }
    return {
        "draw": {
            "toolbar": {
                "actions": actions,
                "finish": {"title": t("draw_finish_title", lang), "text": t("draw_finish", lang)},
                "undo": {"title": t("draw_undo_title", lang), "text": t("draw_undo", lang)},
                "buttons": {
                    "polygon": t("draw_polygon", lang),
                    "rectangle": t("draw_rectangle", lang),
                    "marker": t("draw_marker", lang),
                },
            },
            "handlers": {
                "polygon": {
                    "tooltip": {
                        "start": t("draw_polygon_start", lang),
                        "cont": t("draw_polygon_cont", lang),
                        "end": t("draw_polygon_end", lang),
                    }
                },
                "polyline": {"error": t("draw_cross_error", lang)},
                "rectangle": {"tooltip": {"start": t("draw_rectangle_start", lang)}},
                "simpleshape": {"tooltip": {"end": t("draw_shape_end", lang)}},
                "marker": {"tooltip": {"start": t("draw_marker_start", lang)}},
            },
        },
        "edit": {
            "toolbar": {
                "actions": {
                    "save": {"title": t("draw_save", lang), "text": t("draw_save", lang)},
                    "cancel": actions,
                    "clearAll": {"title": t("draw_clear_all", lang), "text": t("draw_clear_all", lang)},
                },
                "buttons": {"edit": t("draw_edit", lang), "remove": t("draw_remove", lang)},
            },
            "handlers": {
                "edit": {
                    "tooltip": {"text": t("draw_edit_tip", lang), "subtext": t("draw_edit_subtip", lang)}
                },
                "remove": {"tooltip": {"text": t("draw_remove_tip", lang)}},
            },
        },
    }


class _DrawLocale(MacroElement):
    """Deep-merges its texts into ``L.drawLocal`` (Leaflet.draw reads them when the control is built)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function merge(target, source) {
            for (const key in source) {
                if (typeof source[key] === "object") { merge(target[key] = target[key] || {}, source[key]); }
                else { target[key] = source[key]; }
            }
        })(L.drawLocal, {{ this.texts }});
        {% endmacro %}
        """
    )

    def __init__(self, texts: dict) -> None:
        super().__init__()
        self._name = "DrawLocale"
        self.texts = json.dumps(texts, ensure_ascii=False)


def draw_locale(*, lang: str = "vi") -> MacroElement:
    """Return the element setting Leaflet.draw's texts in ``lang``; add it to the map before
    :func:`draw_control` (its script must run first). Texts are JSON-encoded, never pasted as code."""
    return _DrawLocale(_texts(lang))


def draw_control() -> Draw:
    """Return the Leaflet.draw control for zones: polygon (edges may not cross), rectangle and point;
    no line, circle or export button; drawn shapes can be edited or removed before saving.

    Its ``default_js``/``default_css`` are the app's local copies (:data:`DRAW_JS`, :data:`DRAW_CSS`);
    streamlit-folium reads the drawings (``last_active_drawing``, ``all_drawings``) as GeoJSON Features.
    """
    shape = {"shapeOptions": {"color": "#E4007C", "weight": 3}}
    control = Draw(
        export=False,
        position="topleft",
        show_geometry_on_click=False,
        draw_options={
            "polyline": False,
            "circle": False,
            "circlemarker": False,
            "polygon": {"allowIntersection": False, "showArea": False, **shape},
            "rectangle": {"showArea": False, **shape},
            "marker": True,
        },
        edit_options={"poly": {"allowIntersection": False}},
    )
    control.default_js = [("leaflet_draw_js", DRAW_JS)]
    control.default_css = [("leaflet_draw_css", DRAW_CSS)]
    return control
