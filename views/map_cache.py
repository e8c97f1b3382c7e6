"""The page's map as the browser receives it, rendered once per request and shared by every session.

``st_folium`` renders the whole folium map to HTML and JavaScript on every rerun (measured on the demo:
≈ 0.2–0.3 s of every rerun, plus a deep copy of the cached map). :func:`show_map` renders it once per
request instead: :func:`map_payload` runs ``st_folium`` itself on a copy of the cached map
(:func:`views.common.cached_map`) while the component call is recorded rather than sent, and keeps what
it would have sent (script, header, HTML, asset links, the component key); each rerun sends that again
with only the view (centre, zoom) of this rerun. So the browser gets exactly what ``st_folium`` makes,
and the same request on another visit or session costs no rendering at all.

Streamlit registers a component with the server only when a page script imports it; the server-start
warm-up (:mod:`views.warmup`) imports this module first, so it registers the map's component itself
(:func:`register_component`).

The recording goes through ``streamlit_folium._component_func`` (the one component call ``st_folium``
makes), replaced at import by :func:`_component`, which records in the thread that asked for it and
passes every other call (the zones page's map, other sessions) straight to the real component.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

import streamlit as st
import streamlit_folium
from streamlit_folium import st_folium

from views.common import cached_map
from views.map_build import MapRequest

__all__ = ["PAGE_MAP", "map_payload", "register_component", "show_map"]

#: ``st_folium``'s options for the map page's map.
PAGE_MAP: dict[str, Any] = {
    "key": "map",
    "height": 620,
    "use_container_width": True,
    "returned_objects": ["last_object_clicked"],
}

_REAL_COMPONENT = streamlit_folium._component_func
_RECORDING = threading.local()


def _component(**kwargs: Any) -> Any:
    """``st_folium``'s component call: recorded when this thread asked for it, else sent to the browser."""
    recorded = getattr(_RECORDING, "kwargs", None)
    if recorded is None:
        return _REAL_COMPONENT(**kwargs)
    recorded.update(kwargs)
    return None


if getattr(streamlit_folium._component_func, "__module__", None) != __name__:
    streamlit_folium._component_func = _component


def register_component() -> None:
    """Register ``st_folium``'s component with the running Streamlit server (nothing when none runs), so
    its files are served although no page script imported ``streamlit_folium`` first."""
    from streamlit import runtime

    if runtime.exists():
        runtime.get_instance().component_registry.register_component(_REAL_COMPONENT)


@st.cache_resource(show_spinner=False, max_entries=32)
def map_payload(request: MapRequest, stamp: float, zones_at: tuple[int, int]) -> dict[str, Any]:
    """What ``st_folium(map, **PAGE_MAP)`` sends to the browser for ``request`` (dataset version ``stamp``,
    zone store stamp ``zones_at``): the component's keyword arguments, rendered once and shared by every
    session (never change it)."""
    fmap = copy.deepcopy(cached_map(request, stamp, zones_at))  # st_folium changes the map it renders
    _RECORDING.kwargs = {}
    try:
        st_folium(fmap, **PAGE_MAP)
        return _RECORDING.kwargs
    finally:
        del _RECORDING.kwargs


def show_map(
    request: MapRequest,
    stamp: float,
    zones_at: tuple[int, int],
    *,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
) -> dict[str, Any] | None:
    """Show the map of ``request`` as ``st_folium(map, center=center, zoom=zoom, **PAGE_MAP)`` would (centre
    lat/lon, Leaflet zoom; ``None``: the map's own fit) and return what it returns (``last_object_clicked``:
    the planner's last click, lat/lng), with the rendering done once per request (:func:`map_payload`)."""
    payload = map_payload(request, stamp, zones_at)
    return _REAL_COMPONENT(**(payload | {"center": center, "zoom": zoom}))
