"""Folium maps that need no CDN: Leaflet's JS/CSS are served by the app under ``/app/static/``.

``STATIC_FILES`` says which package files the app copies into its ``static/`` folder at start-up
(``xstatic-leaflet`` from PyPI carries Leaflet 1.9.3; ``DRAW_STATIC_FILES`` the Leaflet.draw 1.0.4
files that ``django-leaflet`` ships); :func:`offline_map` builds a folium map
whose asset lists point there and that has no tile layer unless one is asked for;
:func:`strip_cdn` removes the CDN assets any other folium element would pull in, and
:func:`cdn_urls` finds any that would still reach the page.
"""

from __future__ import annotations

import re

import branca
import folium
from branca.element import CssLink, JavascriptLink

__all__ = [
    "STATIC_PREFIX",
    "STATIC_FILES",
    "DRAW_STATIC_FILES",
    "OSM_TILES",
    "offline_map",
    "strip_cdn",
    "cdn_urls",
]

#: URL prefix under which Streamlit serves ``./static`` (``server.enableStaticServing``).
STATIC_PREFIX = "/app/static"
#: Files to copy: ``{(python package, path inside its data folder): path under static/}``.
STATIC_FILES = {
    ("xstatic.pkg.leaflet", "leaflet.js"): "leaflet/leaflet.js",
    ("xstatic.pkg.leaflet", "leaflet.css"): "leaflet/leaflet.css",
    # leaflet.css refers to these relative to itself (layer switcher icon, default marker).
    ("xstatic.pkg.leaflet", "images/layers.png"): "leaflet/images/layers.png",
    ("xstatic.pkg.leaflet", "images/layers-2x.png"): "leaflet/images/layers-2x.png",
    ("xstatic.pkg.leaflet", "images/marker-icon.png"): "leaflet/images/marker-icon.png",
    ("xstatic.pkg.leaflet", "images/marker-icon-2x.png"): "leaflet/images/marker-icon-2x.png",
    ("xstatic.pkg.leaflet", "images/marker-shadow.png"): "leaflet/images/marker-shadow.png",
}
#: Leaflet.draw: ``{(distribution's top-level package, path inside it): path under static/}``. The files sit
#: in ``django-leaflet``'s package folder, found with ``importlib.util.find_spec`` (its Python code needs a
#: configured Django and is never imported); leaflet.draw.css refers to images/ relative to itself.
DRAW_STATIC_FILES = {
    ("leaflet", "static/leaflet/draw/leaflet.draw.js"): "leaflet-draw/leaflet.draw.js",
    ("leaflet", "static/leaflet/draw/leaflet.draw.css"): "leaflet-draw/leaflet.draw.css",
    ("leaflet", "static/leaflet/draw/images/spritesheet.png"): "leaflet-draw/images/spritesheet.png",
    ("leaflet", "static/leaflet/draw/images/spritesheet-2x.png"): "leaflet-draw/images/spritesheet-2x.png",
    ("leaflet", "static/leaflet/draw/images/spritesheet.svg"): "leaflet-draw/images/spritesheet.svg",
}
#: The opt-in online basemap (folium's built-in OpenStreetMap tiles; needs Internet).
OSM_TILES = "OpenStreetMap"
_REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']((?:https?:)?//[^"']+)["']""", re.IGNORECASE)


def offline_map(*, bounds: tuple[float, float, float, float], tiles: str | None = None) -> folium.Map:
    """Return a folium Map fitted to ``bounds`` (lon_min, lat_min, lon_max, lat_max, EPSG:4326).

    Its JS/CSS come from :data:`STATIC_PREFIX`; with ``tiles=None`` it has no basemap, so it shows
    boundaries and layers with no tile server. Vector layers draw on a canvas (fast with many shapes).
    """
    fmap = folium.Map(tiles=tiles, prefer_canvas=True, control_scale=True, zoom_control=True)
    fmap.default_js = [("leaflet", f"{STATIC_PREFIX}/{STATIC_FILES['xstatic.pkg.leaflet', 'leaflet.js']}")]
    fmap.default_css = [
        ("leaflet_css", f"{STATIC_PREFIX}/{STATIC_FILES['xstatic.pkg.leaflet', 'leaflet.css']}")
    ]
    lon_min, lat_min, lon_max, lat_max = bounds
    fmap.fit_bounds([[lat_min, lon_min], [lat_max, lon_max]])
    return fmap


def _walk(element: branca.element.Element):
    """Yield ``element`` and every element below it."""
    yield element
    for child in element._children.values():
        yield from _walk(child)


def strip_cdn(fmap: folium.Map) -> folium.Map:
    """Drop every remote (``http``, ``https`` or ``//``) JS/CSS asset any element of ``fmap`` declares.

    folium elements and plugins list their assets in ``default_js``/``default_css`` and
    streamlit-folium loads all of them; local ones (under :data:`STATIC_PREFIX`) are kept. Returns
    ``fmap`` (changed in place: instance attributes only, classes are left alone).
    """
    for element in _walk(fmap):
        for attr in ("default_js", "default_css"):
            assets = getattr(element, attr, None)
            if assets:
                setattr(element, attr, [(k, url) for k, url in assets if not _is_remote(url)])
    header = fmap.get_root().header._children  # links already added by an earlier render
    for name, child in list(header.items()):
        if isinstance(child, (JavascriptLink, CssLink)) and _is_remote(child.url):
            del header[name]
    return fmap


def _is_remote(url: str) -> bool:
    return url.startswith(("http://", "https://", "//"))


def cdn_urls(fmap: folium.Map) -> list[str]:
    """Return every remote asset URL ``fmap`` would load: declared assets and ``src``/``href`` in its HTML.

    Tile URL templates of an opt-in basemap are not assets and are not listed. An empty list means
    the map works with no Internet.
    """
    declared = [
        url
        for element in _walk(fmap)
        for attr in ("default_js", "default_css")
        for _, url in getattr(element, attr, None) or []
        if _is_remote(url)
    ]
    return declared + _REMOTE.findall(fmap.get_root().render())
