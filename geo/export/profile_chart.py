"""A small chart of one site–point terrain profile (:class:`geo.compute.reach.TerrainProfile`): the
ground (with the earth's bulge), the line between the antennas, the first Fresnel zone around it and
the main obstruction. matplotlib only (a PNG the page shows; no web asset)."""

from __future__ import annotations

import io

from matplotlib.figure import Figure

from geo.compute.reach import TerrainProfile
from geo.export.fonts import FONT_FAMILY
from geo.palette import STATUS_COLOURS
from geo.vocab import Status

__all__ = ["profile_figure", "profile_png"]

_WORDS = {
    "vi": {
        "title": "Mặt cắt địa hình: trạm {site} → điểm đã chọn ({tech})",
        "ground": "Mặt đất (cộng độ cong trái đất, k = 4/3)",
        "line": "Đường nối anten trạm – máy di động",
        "fresnel": "Miền Fresnel thứ nhất",
        "obstruction": "Vật cản chính",
        "x": "Khoảng cách từ trạm (km)",
        "y": "Độ cao (m)",
    },
    "en": {
        "title": "Terrain profile: site {site} → chosen point ({tech})",
        "ground": "Ground (with earth curvature, k = 4/3)",
        "line": "Line between site antenna and handset",
        "fresnel": "First Fresnel zone",
        "obstruction": "Main obstruction",
        "x": "Distance from the site (km)",
        "y": "Elevation (m)",
    },
}


def profile_figure(
    profile: TerrainProfile, *, lang: str = "vi", size: tuple[float, float] = (4.8, 3.2)
) -> Figure:
    """Return the chart of ``profile`` (distances in km, heights in m) as a matplotlib ``Figure``."""
    words = _WORDS[lang]
    fig = Figure(figsize=size, dpi=150)
    ax = fig.add_subplot()
    km = profile.distance_m / 1000.0
    bottom = float(min(profile.ground_m.min(), (profile.line_m - profile.fresnel_m).min())) - 20.0
    ax.fill_between(km, bottom, profile.ground_m, color="#C9B79C", label=words["ground"], linewidth=0)
    ax.plot(km, profile.ground_m, color="#7A6A4F", linewidth=0.8)
    ax.fill_between(
        km, profile.line_m - profile.fresnel_m, profile.line_m + profile.fresnel_m,
        color="#56B4E9", alpha=0.25, linewidth=0, label=words["fresnel"],
    )  # fmt: skip
    ax.plot(km, profile.line_m, color="#0072B2", linewidth=1.2, label=words["line"])
    if profile.obstruction is not None:
        d, h = profile.obstruction
        ax.plot([d / 1000.0], [h], marker="v", color=STATUS_COLOURS[Status.MISSED], markersize=8,
                linestyle="none", label=words["obstruction"])  # fmt: skip
    top = float(max(profile.ground_m.max(), (profile.line_m + profile.fresnel_m).max()))
    ax.set_ylim(bottom, top + 0.12 * (top - bottom))
    ax.set_xlim(km[0], km[-1])
    ax.set_xlabel(words["x"], fontsize=8, family=FONT_FAMILY)
    ax.set_ylabel(words["y"], fontsize=8, family=FONT_FAMILY)
    ax.set_title(
        words["title"].format(site=profile.site, tech=profile.technology), fontsize=9, family=FONT_FAMILY
    )
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=6.5, loc="best", prop={"family": FONT_FAMILY, "size": 6.5})
    ax.grid(color="#DDDDDD", linewidth=0.5)
    fig.tight_layout()
    return fig


def profile_png(profile: TerrainProfile, *, lang: str = "vi") -> bytes:
    """:func:`profile_figure` as PNG bytes (for the page's ``st.image``)."""
    buffer = io.BytesIO()
    profile_figure(profile, lang=lang).savefig(buffer, format="png")
    return buffer.getvalue()
