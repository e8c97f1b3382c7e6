"""Diffraction loss over terrain profiles: ITU-R P.526 knife edge and the Bullington construction.

**Why Bullington, not Deygout.** ITU-R P.526 gives, for a general terrain path, the
Bullington method (one equivalent knife edge where the steepest ray from the transmitter
over the terrain meets the steepest ray from the receiver) and the Deygout principal-edge
method limited to three edges. We use Bullington because

1. it needs one pass over each profile (two running maxima of slopes and one of the
   diffraction parameter), so it vectorises over millions of paths at once — Deygout needs
   the principal edge first and then two more searches on the sub-paths on each side;
2. it is continuous in the profile: a DEM cell more or less never switches to another set
   of edges, which matters on 30 m DEM noise; Deygout's secondary edges jump;
3. it gives exactly the single knife-edge loss J(v) on a path with one obstacle, and it is
   the construction that ITU-R P.452 and P.1812 build their terrain diffraction on.

Its known limit is the one a planner should know: for several well-separated ridges it is
optimistic (one equivalent edge loses less than two real ones), so a village behind two
ridges may still be called covered; never the other way round. We do not add P.526's
empirical correction [1 − exp(−Luc/6)]·(10 + 0.02·d) to Luc: it adds up to 10 dB even for a
single ideal edge, where J(v) alone is the physics.

The loss counted is that of the terrain less that of the smooth earth joining the two ends'
ground (never negative): with a 1.5 m handset, the first Fresnel zone grazes even flat ground
near the handset (up to 2–3 dB on a 20 km flat path), a loss the median model already holds.
This is the delta-Bullington idea of ITU-R P.452 / P.1812, without their spherical-earth
term, which the median model replaces.

Heights along a profile include the earth's bulge for an effective radius k·a (k = 4/3,
a = 6 371 km): h(d) + d·(D − d) / (2·k·a).

:func:`knife_edge_db` is J(v) (P.526 eq. 31, −0.78 < v; 0 below); :func:`bullington`
takes padded profiles (one row per path, NaN where a path has no more samples or the DEM
has no height) and returns the loss, the line-of-sight flag and the main obstruction.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["EARTH_RADIUS_M", "K_FACTOR", "knife_edge_db", "Bullington", "bullington"]

EARTH_RADIUS_M = 6_371_000.0
K_FACTOR = 4.0 / 3.0
_SPEED_OF_LIGHT = 299_792_458.0


def knife_edge_db(v) -> np.ndarray:
    """ITU-R P.526 single knife-edge loss J(v) in dB (eq. 31), 0 for v ≤ −0.78."""
    v = np.asarray(v, dtype=float)
    w = v - 0.1
    loss = 6.9 + 20.0 * np.log10(np.sqrt(w * w + 1.0) + w)
    return np.where(v > -0.78, loss, 0.0)


class Bullington(NamedTuple):
    """Per path: ``loss_db`` (J of the Bullington parameter), ``v``, ``line_of_sight`` (no terrain
    point above the straight line between the antennas), and the main obstruction — the profile point
    with the largest diffraction parameter v, i.e. reaching furthest into the first Fresnel zone
    (the principal edge): ``obstruction_m`` (distance from the transmitter) and
    ``obstruction_height_m`` (height above the line, negative when it stays below)."""

    loss_db: np.ndarray
    v: np.ndarray
    line_of_sight: np.ndarray
    obstruction_m: np.ndarray
    obstruction_height_m: np.ndarray


def _equivalent_edge(g: np.ndarray, valid: np.ndarray, geometry) -> tuple[np.ndarray, ...]:
    """Bullington's parameter v per path over heights ``g`` (−inf where not ``valid``), with the line-of-
    sight flag and the principal edge (column, height above the line between the antennas)."""
    t, d, remaining, hts, hrs, total, wavelength = geometry
    rows = np.arange(len(total))
    h0, h1 = hts[:, None].astype(np.float32), hrs[:, None].astype(np.float32)
    above = g - (h0 + (h1 - h0) * t)
    fresnel = np.sqrt(
        np.float32(2.0)
        * total[:, None].astype(np.float32)
        / (wavelength[:, None].astype(np.float32) * d * remaining)
    )
    v_each = np.where(valid, above * fresnel, np.float32(-np.inf))
    at = np.argmax(v_each, axis=1)
    top = above[rows, at].astype(float)
    v_los = v_each[rows, at].astype(float)
    stim = np.max((g - h0) / np.where(valid, d, np.float32(1.0)), axis=1).astype(float)
    srim = np.max((g - h1) / np.where(valid, remaining, np.float32(1.0)), axis=1).astype(float)
    los = stim < (hrs - hts) / total
    db = (hrs - hts + srim * total) / (stim + srim)
    v_b = (hts + stim * db - (hts * (total - db) + hrs * db) / total) * np.sqrt(
        2.0 * total / (wavelength * db * (total - db))
    )
    return np.where(los, v_los, v_b), los, at, top


def bullington(
    ground: np.ndarray,
    n: np.ndarray,
    length_m: np.ndarray,
    tx_height_m: np.ndarray,
    rx_height_m: np.ndarray | float,
    band_mhz: np.ndarray,
    *,
    k: float = K_FACTOR,
) -> Bullington:
    """Bullington diffraction over padded profiles, less that of the smooth earth under the same path.

    ``ground`` is ``(paths, L)``: terrain heights (m above sea level) at ``n[i]`` equally
    spaced points from the transmitter (column 0) to the receiver (column ``n[i] − 1``);
    columns past ``n[i]`` and cells without data are NaN (ignored). ``length_m`` is the
    path length, ``tx_height_m``/``rx_height_m`` the antenna heights above their ground and
    ``band_mhz`` the frequency. Paths whose end points have no height give NaN.

    The loss is J(v) of the terrain minus J(v) of the smooth earth joining the two ends' ground
    (never below 0): over smooth ground a 1.5 m handset's first Fresnel zone always grazes the
    ground near it, a loss the median model (Hata, UMa) already holds — the delta-Bullington
    idea of ITU-R P.452 / P.1812, without their spherical-earth term for the same reason.
    """
    ground = np.asarray(ground, dtype=np.float32)
    paths, width = ground.shape
    n = np.asarray(n, dtype=np.int64)
    total = np.asarray(length_m, dtype=float)
    rows = np.arange(paths)
    last = np.maximum(n - 1, 1)
    g_tx, g_rx = ground[:, 0].astype(float), ground[rows, last].astype(float)
    hts, hrs = g_tx + tx_height_m, g_rx + rx_height_m
    wavelength = _SPEED_OF_LIGHT / (np.asarray(band_mhz, dtype=float) * 1e6)
    col = np.arange(width, dtype=np.float32)
    t = col[None, :] / last[:, None].astype(np.float32)
    d = t * total[:, None].astype(np.float32)
    remaining = total[:, None].astype(np.float32) - d
    geometry = (t, d, remaining, hts, hrs, total, wavelength)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        bulge = d * remaining * np.float32(1.0 / (2.0 * k * EARTH_RADIUS_M))
        inner = (col[None, :] > 0) & (col[None, :] < last[:, None])
        g = ground + bulge
        valid = inner & np.isfinite(g)
        v, los, at, top = _equivalent_edge(np.where(valid, g, np.float32(-np.inf)), valid, geometry)
        smooth = (g_tx[:, None] + (g_rx - g_tx)[:, None] * t).astype(np.float32) + bulge
        v_smooth, *_ = _equivalent_edge(np.where(inner, smooth, np.float32(-np.inf)), inner, geometry)
    has_inner = valid.any(axis=1)
    v = np.where(has_inner, v, -np.inf)
    actual = knife_edge_db(np.where(np.isfinite(v), v, -10.0))
    plain = knife_edge_db(np.where(np.isfinite(v_smooth), v_smooth, -10.0))
    loss = np.maximum(actual - plain, 0.0)
    bad = ~np.isfinite(hts) | ~np.isfinite(hrs)
    loss = np.where(bad, np.nan, loss)
    d_at = d[rows, at].astype(float)
    return Bullington(
        loss_db=loss,
        v=np.where(bad, np.nan, v),
        line_of_sight=np.where(has_inner, los, True) & ~bad,
        obstruction_m=np.where(has_inner & ~bad, d_at, np.nan),
        obstruction_height_m=np.where(has_inner & ~bad, top, np.nan),
    )
