"""The one style shared by the interactive map and the printed map: status colours, labels, line widths.

Colours follow the Okabe–Ito colour-blind-safe palette; "no data" is a hatched grey so that
missing data never looks like "missed".
"""

from __future__ import annotations

from geo.vocab import Status

__all__ = [
    "STATUS_COLOURS",
    "STATUS_LABELS",
    "BOUNDARY",
    "status_label",
    "STATUS_HATCHES",
    "STATUS_TINTS",
    "STATUS_TEXT_COLOURS",
    "LAYER_STYLES",
    "LAYER_LABELS",
    "EVIDENCE_STYLES",
    "SCENARIO_STYLES",
    "layer_label",
]

#: Fill colour per evaluation status (hex).
STATUS_COLOURS = {
    Status.MET: "#009E73",
    Status.MISSED: "#D55E00",
    Status.NO_DATA: "#BBBBBB",
    Status.INSUFFICIENT: "#E69F00",
}
#: Legend label per status, by language.
STATUS_LABELS = {
    "vi": {
        Status.MET: "Đạt",
        Status.MISSED: "Chưa đạt",
        Status.NO_DATA: "Không có dữ liệu",
        Status.INSUFFICIENT: "Không đủ mẫu",
    },
    "en": {
        Status.MET: "Met",
        Status.MISSED: "Missed",
        Status.NO_DATA: "No data",
        Status.INSUFFICIENT: "Insufficient samples",
    },
}
#: Unit boundary line style.
BOUNDARY = {"color": "#333333", "weight": 1.2, "fill_opacity": 0.55}
#: Outline dash pattern (Leaflet ``dashArray``) of units with no data, so they never read as "missed".
NO_DATA_DASH = "4 4"
#: Sequential colours for "colour by value" (viridis, 5 classes, low → high; colour-blind safe).
VALUE_COLOURS = ("#440154", "#3B528B", "#21918C", "#5EC962", "#FDE725")
#: Outline of a village that makes its commune miss its target (no fill, thick).
MISSING_VILLAGE = {"color": "#000000", "weight": 3.0, "dash": "6 3"}
#: Coverage area of 5G (4G uses ``LAYER_STYLES["coverage_4g"]``): Paul Tol's wine, unlike any status colour.
COVERAGE_5G = {"color": "#882255", "fill_opacity": 0.15, "weight": 0.8, "dash": "2 2"}
#: Coverage area outline per operator (``geo.settings.OPERATORS``), when drawn per operator.
OPERATOR_COLOURS = {
    "Viettel": "#0072B2",
    "VNPT": "#E69F00",
    "MobiFone": "#009E73",
    "Vietnamobile": "#CC79A7",
    "other": "#777777",
}
#: Public places on the web map: with a free Wi-Fi point nearby (counts as met) or without (missed).
PLACE_COLOURS = {"wifi": STATUS_COLOURS[Status.MET], "no_wifi": STATUS_COLOURS[Status.MISSED]}


def status_label(status: str, lang: str = "vi") -> str:
    """Return the planner-facing label of ``status`` in ``lang`` (``"vi"`` or ``"en"``)."""
    return STATUS_LABELS[lang].get(status, status)


#: Hatch pattern per status (matplotlib hatch syntax; the web map draws the same diagonal lines).
STATUS_HATCHES = {Status.NO_DATA: "///"}
#: Light tint per status, for table cells that carry text (annex target columns).
STATUS_TINTS = {
    Status.MET: "#CCECE3",
    Status.MISSED: "#F7DCCB",
    Status.NO_DATA: "#EEEEEE",
    Status.INSUFFICIENT: "#FAECCC",
}
#: Text colour that stays readable on each status fill.
STATUS_TEXT_COLOURS = {
    Status.MET: "#FFFFFF",
    Status.MISSED: "#FFFFFF",
    Status.NO_DATA: "#000000",
    Status.INSUFFICIENT: "#000000",
}
#: Overlay layers: colour, marker and line style shared by the web map and the printed map.
LAYER_STYLES = {
    "coverage_4g": {"color": "#0072B2", "fill_opacity": 0.12, "weight": 0.8, "dash": "4 2"},
    "bts_shared": {"color": "#000000", "marker": "^", "fill": True, "size": 6},
    "bts_single": {"color": "#000000", "marker": "^", "fill": False, "size": 6},
    "ftth": {"color": "#56B4E9", "marker": "s", "fill": True, "size": 4},
    "wifi": {"color": "#CC79A7", "marker": "o", "fill": True, "size": 4},
    "weak_zones": {"color": "#C00000", "fill_opacity": 0.0, "weight": 1.4, "hatch": "xx"},
}
#: Coverage evidence on the map (layers/evidence.py): white and grey spots, villages the tests dispute.
EVIDENCE_STYLES: dict[str, dict[str, object]] = {
    "white": {"color": "#333333", "weight": 1.5, "fillColor": "#FFFFFF", "fillOpacity": 0.7},
    "grey": {"color": "#666666", "weight": 1.0, "fillColor": "#999999", "fillOpacity": 0.6},
    "disputed": {"color": "#D55E00", "weight": 3.5, "dashArray": "2 4", "fill": False},
}
#: A scenario's changes on the map (layers/scenario.py), unlike the existing sites (black/white circles):
#: Okabe-Ito orange for planned sites, bluish green for an operator added to / upgrade of an existing site.
SCENARIO_STYLES: dict[str, dict[str, object]] = {
    "new_site": {"color": "#D55E00", "weight": 3, "fillColor": "#E69F00", "fillOpacity": 0.9, "radius": 8},
    "share": {"color": "#009E73", "weight": 4, "fillColor": "#FFFFFF", "fillOpacity": 0.0, "radius": 11},
    "upgrade": {"color": "#009E73", "weight": 2, "dashArray": "3 3", "fillOpacity": 0.0, "radius": 11},
    "wifi": {"color": "#CC79A7", "weight": 3, "fillColor": "#FFFFFF", "fillOpacity": 0.9, "radius": 6},
}
#: Legend label per overlay layer, by language.
LAYER_LABELS = {
    "vi": {
        "coverage_4g": "Vùng phủ sóng 4G",
        "bts_shared": "Trạm BTS dùng chung (≥ 2 nhà mạng)",
        "bts_single": "Trạm BTS một nhà mạng",
        "ftth": "Thôn có cáp quang FTTH",
        "wifi": "Điểm Wi-Fi miễn phí",
        "weak_zones": "Vùng lõm sóng",
    },
    "en": {
        "coverage_4g": "4G coverage",
        "bts_shared": "Shared BTS site (2+ operators)",
        "bts_single": "Single-operator BTS site",
        "ftth": "Village with FTTH",
        "wifi": "Free Wi-Fi point",
        "weak_zones": "Weak-signal zone",
    },
}


def layer_label(layer: str, lang: str = "vi") -> str:
    """Return the legend label of overlay ``layer`` (a key of :data:`LAYER_STYLES`) in ``lang``."""
    return LAYER_LABELS[lang].get(layer, layer)
