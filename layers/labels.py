"""Names on the interactive map: permanent labels in Leaflet's tooltip pane at each unit's label point,
shown by zoom.

Each label is shown only from the zoom at which its name fits inside its unit (the inscribed
circle of :func:`geo.compute.label_points` against the text's size in pixels), so labels of one
level never pile up; labels of the level above hide again once the level below shows (``max_zoom``);
the unit of interest is always shown. Visibility is plain CSS: the map container carries a class
``geo-lt-Z`` while its zoom is below Z and ``geo-ge-Z`` from Z on (a small inline script on
``zoomend``), and a label carries ``geo-z-Z`` / ``geo-x-Z``. The labels are one Leaflet layer writing
every name at once (one ``L.tooltip`` per name measured itself on insertion: 40 s for 2,000 names).
Names are HTML-escaped here (and the JSON that carries them escapes ``<``, ``>``, ``&`` again), so
no planner-supplied text is ever read as HTML; nothing is loaded from a CDN.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
from jinja2 import Template

from geo.reference_style import LABEL_COLOUR, LABEL_FONT_CSS, LABEL_SIZES

__all__ = [
    "MAX_LABELS",
    "MAX_ZOOM",
    "ROOM_FACTOR",
    "label_zooms",
    "placed_zooms",
    "LabelGroup",
    "LabelLayer",
    "labels_layer",
]

#: Most labels sent to the browser in one map (the roomiest first); the rest are left out.
MAX_LABELS = 2500
#: Highest zoom of the map; a label that never fits shows from here.
MAX_ZOOM = 18
#: How much wider than its unit's inscribed circle a name may be.
ROOM_FACTOR = 1.4
_METRES_PER_PX_Z0 = 156543.03392  # Web Mercator, at the equator
_CHAR_EM = 0.6  # mean letter width, em (DejaVu Sans, the widest fallback font; Source Sans ~0.5)
_BOLD = ("area", "provinces", "upper")  # kinds written bold (see _CSS)

_CSS = (
    ".geo-label{{position:absolute;pointer-events:none;transform:translate(-50%,-50%);color:{colour};"
    "font-family:{font};white-space:nowrap;line-height:1.2;"
    "text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff,0 0 4px #fff;}}"
    ".geo-label-places{{transform:translate(5px,-50%);}}"
    ".geo-label-area{{font-size:{area}px;font-weight:700;}}"
    ".geo-label-provinces{{font-size:{provinces}px;font-weight:600;color:#555;letter-spacing:0.04em;}}"
    ".geo-label-upper{{font-size:{upper}px;font-weight:700;}}"
    ".geo-label-lower{{font-size:{lower}px;font-weight:400;}}"
    ".geo-label-places{{font-size:{places}px;font-style:italic;color:#333;}}"
).format(
    colour=LABEL_COLOUR,
    font=LABEL_FONT_CSS,
    **{k: f"{v:g}" for k, v in LABEL_SIZES.items()},
)


def label_zooms(labels: gpd.GeoDataFrame, *, kind: str) -> np.ndarray:
    """Return, per label, the first Web Mercator zoom at which its name fits its unit.

    ``labels`` comes from :func:`geo.compute.label_points` (``name``, ``diameter_m``, points in
    EPSG:4326). A name of n letters at the kind's font size (:data:`geo.reference_style.LABEL_SIZES`,
    px) is about ``0.55·n`` em wide; it fits when that width is at most :data:`ROOM_FACTOR` times the
    inscribed circle's diameter in pixels (a long name may reach past a narrow unit's edge; it never
    covers another label, see :func:`placed_zooms`). Labels with no room (points, ``diameter_m`` 0) get
    :data:`MAX_ZOOM`.
    """
    size = LABEL_SIZES[kind]
    width = labels["name"].str.len().to_numpy(float) * _CHAR_EM * size + 4
    need_px = width / ROOM_FACTOR
    lat = np.radians(labels.geometry.y.to_numpy())
    diameter = labels["diameter_m"].to_numpy(float)
    with np.errstate(divide="ignore"):
        zoom = np.log2(need_px * _METRES_PER_PX_Z0 * np.cos(lat) / diameter)
    zoom = np.where(diameter > 0, np.ceil(zoom), MAX_ZOOM)
    return np.clip(zoom, 0, MAX_ZOOM).astype(int)


class LabelLayer(folium.map.FeatureGroup):
    """A layer-switcher entry holding every name, like permanent Leaflet tooltips in the tooltip pane but
    written at once (one per row of ``rows``:
    ``[lat, lon, escaped name, kind, min_zoom, max_zoom]``; ``max_zoom`` ``None`` = no upper limit)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function (rows, css) {
            if (!document.getElementById('geo-label-css')) {
                var style = document.createElement('style');
                style.id = 'geo-label-css';
                style.textContent = css;
                document.head.appendChild(style);
            }
            var mins = {}, maxs = {}, rules = '';
            rows.forEach(function (r) { mins[r[4]] = true; if (r[5] !== null) { maxs[r[5]] = true; } });
            Object.keys(mins).forEach(function (z) {
                rules += '.geo-lt-' + z + ' .geo-z-' + z + '{display:none;}';
            });
            Object.keys(maxs).forEach(function (z) {
                rules += '.geo-ge-' + z + ' .geo-x-' + z + '{display:none;}';
            });
            var zoomStyle = document.createElement('style');
            zoomStyle.textContent = rules;
            document.head.appendChild(zoomStyle);
            // One layer, one container: every label is an absolutely placed div written in one go and
            // moved only when the zoom changes (a Leaflet tooltip per label measures itself on insertion,
            // which costs a page layout per label).
            var Labels = L.Layer.extend({
                onAdd: function (map) {
                    var pane = map.getPane('tooltipPane');
                    var box = L.DomUtil.create('div', 'geo-labels leaflet-zoom-hide', pane);
                    var frag = document.createDocumentFragment();
                    this._els = rows.map(function (r) {
                        var el = document.createElement('div');
                        el.className = 'geo-label geo-label-' + r[3] + ' geo-z-' + r[4]
                            + (r[5] !== null ? ' geo-x-' + r[5] : '');
                        el.innerHTML = r[2];
                        frag.appendChild(el);
                        return el;
                    });
                    box.appendChild(frag);
                    this._box = box;
                    map.on('zoomend viewreset', this._reset, this);
                    this._reset();
                },
                onRemove: function (map) {
                    L.DomUtil.remove(this._box);
                    map.off('zoomend viewreset', this._reset, this);
                },
                _reset: function () {
                    var map = this._map, zoom = map.getZoom(), classes = map.getContainer().classList;
                    Object.keys(mins).forEach(function (z) { classes.toggle('geo-lt-' + z, zoom < +z); });
                    Object.keys(maxs).forEach(function (z) { classes.toggle('geo-ge-' + z, zoom >= +z); });
                    for (var i = 0; i < rows.length; i++) {
                        var p = map.latLngToLayerPoint([rows[i][0], rows[i][1]]);
                        this._els[i].style.left = p.x + 'px';
                        this._els[i].style.top = p.y + 'px';
                    }
                }
            });
            return new Labels();
        })({{ this.rows|tojson }}, {{ this.css|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, rows: list[list], *, name: str, show: bool = True) -> None:
        super().__init__(name=name, show=show)
        self._name = "LabelLayer"
        self.rows = rows
        self.css = _CSS


@dataclass(frozen=True)
class LabelGroup:
    """Labels of one kind: ``labels`` from :func:`geo.compute.label_points`; ``kind`` one of ``area`` (the
    unit of interest: shown at every zoom), ``provinces``, ``upper``, ``lower``, ``places`` (font, size);
    ``min_zoom`` the zoom they show from (``None``: each from the zoom its name fits, :func:`label_zooms`)
    and ``max_zoom`` the zoom they hide again from (``None``: never)."""

    labels: gpd.GeoDataFrame | None
    kind: str
    min_zoom: int | None = None
    max_zoom: int | None = None


def _mercator(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator pixel coordinates at zoom 0 (256 px world; y down)."""
    x = (lon + 180.0) / 360.0 * 256.0
    y = (1 - np.log(np.tan(np.radians(lat)) + 1 / np.cos(np.radians(lat))) / np.pi) / 2 * 256.0
    return x, y


def _text_box(names: np.ndarray, kinds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Approximate label box (width, height) in pixels, with a 3 px margin; bold kinds are 10 % wider."""
    size = np.array([LABEL_SIZES[k] for k in kinds])
    bold = np.isin(kinds, list(_BOLD)) * 0.1 + 1.0
    width = np.array([len(n) for n in names]) * _CHAR_EM * size * bold + 6
    return width, 1.2 * size + 4


def placed_zooms(rows: list[list]) -> list[list]:
    """Give each label row (``[lat, lon, name, kind, fit_zoom, max_zoom]``, most important first) the
    first zoom from which it collides with no more important label shown at the same zoom; drop rows
    that never find room below their ``max_zoom`` (or :data:`MAX_ZOOM`).

    Two fixed-size boxes drift apart as the map zooms in (pixel distances double per zoom), so a label
    clear of another at zoom z stays clear at every higher zoom: showing each label from its first clear
    zoom on keeps the map free of overlaps at every zoom. Boxes are estimated from the letters
    (:func:`_text_box`); a place's label sits right of its point, so its box counts on both sides.
    """
    if not rows:
        return rows
    lat = np.array([r[0] for r in rows], float)
    lon = np.array([r[1] for r in rows], float)
    kinds = np.array([r[3] for r in rows])
    x, y = _mercator(lon, lat)
    w, h = _text_box(np.array([html.unescape(r[2]) for r in rows], dtype=object), kinds)
    w = np.where(kinds == "places", 2 * w + 8, w)  # right of the point: count the box on both sides
    start = np.array([r[4] for r in rows], float)
    stop = np.array([MAX_ZOOM + 1 if r[5] is None else r[5] for r in rows], float)
    shown = np.zeros(len(rows), bool)
    zoom = np.full(len(rows), np.inf)
    for i in range(len(rows)):
        j = np.flatnonzero(shown)
        if len(j):
            dx0 = np.abs(x[j] - x[i])
            dy0 = np.abs(y[j] - y[i])
            need_x, need_y = (w[i] + w[j]) / 2, (h[i] + h[j]) / 2
            with np.errstate(divide="ignore"):
                sep = np.minimum(np.log2(need_x / dx0), np.log2(need_y / dy0))
            end = np.minimum(stop[j], np.ceil(np.maximum(sep, 0)))  # j and i overlap on [zoom_j, end)
            clash = zoom[j] < end
            lo, hi = zoom[j][clash], end[clash]
        else:
            lo = hi = np.empty(0)
        for z in range(int(start[i]), int(stop[i])):
            if not np.any((lo < stop[i]) & (hi > z)):
                zoom[i], shown[i] = z, True
                break
    out = []
    for row, z, ok in zip(rows, zoom, shown, strict=True):
        if ok:
            out.append([*row[:4], int(z), row[5]])
    return out


def labels_layer(groups: list[LabelGroup], *, name: str) -> LabelLayer:
    """Return one toggleable layer with the names of every group, in the order given (most important
    first), each shown from the zoom its name fits its unit and clears every more important label
    (:func:`placed_zooms`). At most :data:`MAX_LABELS` labels are kept, roomiest first within each
    group; empty names are left out."""
    rows: list[list] = []
    for group in groups:
        if group.labels is None or group.labels.empty:
            continue
        ordered = group.labels.sort_values("diameter_m", ascending=False, kind="stable")
        if group.kind == "area":
            zooms = np.zeros(len(ordered), int)
        elif group.min_zoom is not None:
            zooms = np.full(len(ordered), group.min_zoom)
        else:
            zooms = label_zooms(ordered, kind=group.kind)
        lat = np.round(ordered.geometry.y.to_numpy(), 5)
        lon = np.round(ordered.geometry.x.to_numpy(), 5)
        for y, x, text, z in zip(lat, lon, ordered["name"], zooms, strict=True):
            if text and len(rows) < MAX_LABELS:
                rows.append([float(y), float(x), html.escape(str(text)), group.kind, int(z), group.max_zoom])
    return LabelLayer(placed_zooms(rows), name=name)
