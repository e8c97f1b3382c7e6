"""Path-loss models that turn a link budget (maximum path loss, dB) into a cell radius (m).

Used when ``settings.coverage.model == "pathloss"``:

- **4G: COST-231 Hata** (valid 1500–2000 MHz, base station 30–200 m, mobile 1–10 m,
  1–20 km). ``urban`` uses the metropolitan form (large-city mobile-antenna correction,
  C = 3 dB); ``mountainous`` the medium-city form (C = 0 dB), standing in for terrain
  clutter; ``rural`` the medium-city form with the Okumura–Hata suburban correction
  −2·(log10(f/28))² − 5.4 dB.
- **5G: 3GPP TR 38.901 UMa** (Table 7.4.1-1; 0.5–100 GHz, 10 m–5 km). ``urban`` and
  ``mountainous`` use NLOS (max of LOS and NLOS'), ``rural`` uses LOS with its breakpoint
  distance d'BP = 4·h'BS·h'UT·fc/c (effective heights minus hE = 1 m).

Distances are searched between 10 m and the model's upper validity bound (20 km for
COST-231, 5 km for UMa): a budget larger than the loss at the bound gives the bound.
"""

from __future__ import annotations

import numpy as np

__all__ = ["MAX_DISTANCE_M", "cost231_hata_db", "uma_38901_db", "pathloss_radius_m"]

_SPEED_OF_LIGHT = 299_792_458.0
_MIN_DISTANCE_M = 10.0
#: Longest path (m) a model radius (and the terrain model) ever reaches, per technology.
MAX_DISTANCE_M = {"4G": 20_000.0, "5G": 5_000.0}
_BISECTIONS = 48


def cost231_hata_db(distance_m, band_mhz, bts_height_m, mobile_height_m, setting) -> np.ndarray:
    """Return COST-231 Hata path loss (dB) at ``distance_m`` (metres; arrays broadcast).

    ``setting`` is ``"urban"``, ``"rural"`` or ``"mountainous"`` (see the module docstring).
    """
    distance_km = np.asarray(distance_m, dtype=float) / 1000.0
    log_f = np.log10(band_mhz)
    log_hb = np.log10(bts_height_m)
    setting = np.asarray(setting)
    urban = setting == "urban"
    a_medium = (1.1 * log_f - 0.7) * mobile_height_m - (1.56 * log_f - 0.8)
    a_large = 3.2 * np.log10(11.75 * np.asarray(mobile_height_m, dtype=float)) ** 2 - 4.97
    loss = (
        46.3
        + 33.9 * log_f
        - 13.82 * log_hb
        - np.where(urban, a_large, a_medium)
        + (44.9 - 6.55 * log_hb) * np.log10(distance_km)
        + np.where(urban, 3.0, 0.0)
    )
    suburban = 2.0 * np.log10(np.asarray(band_mhz, dtype=float) / 28.0) ** 2 + 5.4
    return loss - np.where(setting == "rural", suburban, 0.0)


def uma_38901_db(distance_m, band_mhz, bts_height_m, mobile_height_m, setting) -> np.ndarray:
    """Return 3GPP TR 38.901 UMa path loss (dB) at 2-D ``distance_m`` (metres; arrays broadcast).

    ``rural`` gives LOS, other settings NLOS (max of LOS and NLOS').
    """
    fc_ghz = np.asarray(band_mhz, dtype=float) / 1000.0
    height_diff = np.asarray(bts_height_m, dtype=float) - mobile_height_m
    d3 = np.hypot(np.asarray(distance_m, dtype=float), height_diff)
    breakpoint_m = (
        4.0 * (np.asarray(bts_height_m) - 1.0) * (mobile_height_m - 1.0) * fc_ghz * 1e9 / _SPEED_OF_LIGHT
    )
    log_fc = 20.0 * np.log10(fc_ghz)
    los_near = 28.0 + 22.0 * np.log10(d3) + log_fc
    los_far = 28.0 + 40.0 * np.log10(d3) + log_fc - 9.0 * np.log10(breakpoint_m**2 + height_diff**2)
    los = np.where(np.asarray(distance_m) <= breakpoint_m, los_near, los_far)
    nlos = np.maximum(los, 13.54 + 39.08 * np.log10(d3) + log_fc - 0.6 * (mobile_height_m - 1.5))
    return np.where(np.asarray(setting) == "rural", los, nlos)


def pathloss_radius_m(
    tech: str,
    setting: np.ndarray,
    *,
    max_loss_db: float,
    band_mhz: np.ndarray,
    bts_height_m: np.ndarray,
    mobile_height_m: float,
) -> np.ndarray:
    """Return the distance (m) at which path loss reaches ``max_loss_db``, per site.

    ``tech`` is ``"4G"`` (COST-231 Hata) or ``"5G"`` (TR 38.901 UMa); ``setting``,
    ``band_mhz`` (MHz) and ``bts_height_m`` are per-site arrays. Solved by bisection on
    log-distance between 10 m and the model's validity bound; unique parameter
    combinations are solved once.
    """
    model = cost231_hata_db if tech == "4G" else uma_38901_db
    keys = np.rec.fromarrays(
        [np.asarray(setting, dtype=str), np.asarray(band_mhz, float), np.asarray(bts_height_m, float)]
    )
    unique, inverse = np.unique(keys, return_inverse=True)
    setting_u, band_u, height_u = unique.f0, unique.f1, unique.f2
    lo = np.full(len(unique), np.log10(_MIN_DISTANCE_M))
    hi = np.full(len(unique), np.log10(MAX_DISTANCE_M[tech]))
    for _ in range(_BISECTIONS):
        mid = (lo + hi) / 2
        inside = model(10.0**mid, band_u, height_u, mobile_height_m, setting_u) <= max_loss_db
        lo = np.where(inside, mid, lo)
        hi = np.where(inside, hi, mid)
    return (10.0**lo)[inverse.ravel()]
