"""What "covered" means, told to a planner: the coverage model's rules in Vietnamese and English.

:func:`describe_model` states the disc / path-loss model (radii, budgets, the covered-share rule)
and, under ``coverage.model = terrain``, :func:`describe_terrain`'s paragraph on the terrain model.
"""

from __future__ import annotations

import numpy as np

from geo.compute.coverage import BROADBAND, SETTINGS_KINDS
from geo.settings import CoverageSettings, Settings

__all__ = ["describe_model", "describe_terrain"]


def describe_model(settings: Settings) -> str:
    """Return a bilingual (Vietnamese, then English) plain-text account of what "covered" means."""
    c, share = settings.coverage, f"{settings.indicators.village_covered_share:.0%}"
    defaults = CoverageSettings()
    tables = {t: {**defaults.radius_m.get(t, {}), **c.radius_m.get(t, {})} for t in BROADBAND}
    words = {"vi": ("đô thị", "nông thôn", "miền núi"), "en": SETTINGS_KINDS}
    radii = {
        lang: "; ".join(
            f"{t}: "
            + ", ".join(
                f"{w} {tables[t].get(k, np.nan) / 1000:g} km" for w, k in zip(ws, SETTINGS_KINDS, strict=True)
            )
            for t in BROADBAND
        )
        for lang, ws in words.items()
    }
    budget = ", ".join(f"{t} {c.pathloss_max_db.get(t)} dB @ {c.band_mhz.get(t):g} MHz" for t in BROADBAND)
    heights = f"{c.bts_height_m:g} m / {c.mobile_height_m:g} m"
    if c.model in ("pathloss", "terrain"):
        model_vi = (
            f"Bán kính tính từ suy hao đường truyền tối đa ({budget}; độ cao anten trạm / máy di động "
            f"{heights}): 4G theo COST-231 Hata, 5G theo 3GPP TR 38.901 UMa (LOS ở nông thôn, NLOS ở đô "
            "thị và miền núi)."
        )
        model_en = (
            f"Radii come from the maximum path loss ({budget}; antenna / handset heights {heights}): "
            "COST-231 Hata for 4G, 3GPP TR 38.901 UMa for 5G (LOS in rural areas, NLOS in urban and "
            "mountainous ones)."
        )
    else:
        model_vi, model_en = f"Bán kính phục vụ — {radii['vi']}.", f"Serving radii — {radii['en']}."
    vi = (
        "Cách tính vùng phủ sóng: mỗi trạm BTS phủ một hình tròn quanh trạm (hoặc một hình quạt "
        f"{c.sector_beamwidth_deg:g}° theo hướng anten khi có cột azimuth_deg). {model_vi} Cột radius_m "
        "của trạm (nếu có) được dùng thay bán kính mặc định. Khu vực đô thị / nông thôn / miền núi lấy "
        f"theo đơn vị chứa trạm: cờ urban, hoặc mật độ dân số (từ {c.urban_density_per_km2:g} người/km² "
        f"là đô thị, dưới {c.mountainous_density_per_km2:g} người/km² là miền núi). Một thôn được coi là "
        f"có sóng di động băng rộng khi ít nhất {share} diện tích thôn (ước tính trên lưới điểm cách nhau "
        f"{c.grid_cell_m:g} m, thưa hơn ở thôn rất rộng) — hoặc {share} số hộ của các điểm dân cư trong "
        "thôn, khi có lớp điểm dân cư — nằm trong vùng phủ 4G hoặc 5G của ít nhất một nhà mạng."
    )
    en = (
        "How coverage is modelled: each BTS site serves a disc around it (or a "
        f"{c.sector_beamwidth_deg:g}° wedge towards its antenna bearing when azimuth_deg is given). "
        f"{model_en} A site's own radius_m, when given, replaces the default. Urban / rural / mountainous "
        "is taken from the unit the site stands in: its urban flag, or its population density (from "
        f"{c.urban_density_per_km2:g} people/km² urban, below {c.mountainous_density_per_km2:g} "
        f"people/km² mountainous). A village counts as covered by mobile broadband when at least {share} "
        f"of its area (sampled on a grid of points {c.grid_cell_m:g} m apart, coarser in very large "
        f"villages) — or {share} of the households of its settlement points, when a settlements layer is "
        "given — lies inside the 4G or 5G coverage of at least one operator."
    )
    if c.model == "terrain":
        terrain_vi, terrain_en = describe_terrain(settings)
        vi, en = f"{vi} {terrain_vi}", f"{en} {terrain_en}"
    return f"{vi}\n\n{en}"


def describe_terrain(settings: Settings) -> tuple[str, str]:
    """One paragraph (Vietnamese, English) saying what "covered" means under the terrain model."""
    c = settings.coverage
    budget = ", ".join(f"{t} {c.pathloss_max_db.get(t)} dB @ {c.band_mhz.get(t):g} MHz" for t in BROADBAND)
    vi = (
        f"Mô hình địa hình: một điểm có sóng khi tổng suy hao (suy hao trung vị — COST-231 Hata cho 4G, 3GPP "
        f"UMa cho 5G, không nhỏ hơn suy hao không gian tự do — cộng suy hao nhiễu xạ Bullington theo ITU-R "
        f"P.526 trên mặt cắt địa hình lấy từ DEM, độ cong trái đất k = 4/3) không vượt quỹ đường truyền "
        f"({budget}); anten trạm cao theo cột height_m (mặc định {c.bts_height_m:g} m), máy di động "
        f"{c.mobile_height_m:g} m. Thôn không có DEM dùng được tính theo mô hình không địa hình (cột model)."
    )
    en = (
        "Terrain model: a point is covered when the total loss (the median loss — COST-231 Hata for 4G, 3GPP "
        "UMa for 5G, never below free space — plus the ITU-R P.526 Bullington diffraction loss over the "
        f"terrain profile from the DEM, earth curvature k = 4/3) is within the link budget ({budget}); the "
        f"site's antenna at height_m (default {c.bts_height_m:g} m), the handset at {c.mobile_height_m:g} m. "
        "Villages without a usable DEM use the model without terrain (column model)."
    )
    return vi, en
