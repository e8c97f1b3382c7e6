"""How reference layers and names look, on the interactive map and on printed maps alike.

Reference layers (roads, rivers, places, provinces) are drawn faintly, so the data stays the
message; names are dark text with a white halo. Colours are hex strings, widths in CSS pixels
(interactive) and points (print: about 0.75 of the pixel width).
"""

from __future__ import annotations

__all__ = ["REFERENCE_STYLES", "LABEL_SIZES", "LABEL_FONT_CSS", "LABEL_COLOUR"]

#: Line/point style of each reference layer: ``color``, ``weight`` (px), ``opacity``, optional ``dash``,
#: ``radius`` for points.
REFERENCE_STYLES: dict[str, dict[str, object]] = {
    "rivers": {"color": "#4A90C8", "weight": 2.0, "opacity": 0.7},
    "roads": {"color": "#8C6D46", "weight": 1.8, "opacity": 0.7},
    "places": {"color": "#444444", "weight": 1.0, "opacity": 0.9, "radius": 3},
    "provinces": {"color": "#7F7F7F", "weight": 1.2, "opacity": 0.8, "dash": "6 4"},
}
#: Label font size (px on screen, points in print) per label kind, largest first.
LABEL_SIZES = {"area": 14.0, "provinces": 13.0, "upper": 12.5, "lower": 11.0, "places": 10.5}
#: The page's font stack (Streamlit's Source Sans, then the system sans-serif the legend uses).
LABEL_FONT_CSS = '"Source Sans Pro", "Source Sans 3", sans-serif'
LABEL_COLOUR = "#1A1A1A"
